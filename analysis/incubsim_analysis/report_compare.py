"""Report sections of a comparison file (`incubsim compare`): provenance, the
effects with 95 % intervals as a figure and a table, and the cost per unit
of effect."""
from __future__ import annotations

import os

import h5py
import numpy as np
import pandas as pd

from . import load as _load
from .plotting import pyplot
from .report_html import attr, esc, figure, note, table_html

__all__ = ["compare_sections"]


def compare_sections(path, f: h5py.File) -> list[str]:
    plt = pyplot()
    eff = _load.load_compare(path, "effects")
    out: list[str] = []
    prov = [("File", os.path.basename(os.fspath(path))),
            ("incubsim version", attr(f, "incubsim_version")),
            ("git SHA", attr(f, "git_sha")),
            ("Seed", attr(f, "seed")),
            ("Base scenario", attr(f, "base_scenario_name")),
            ("Policy scenario", attr(f, "policy_scenario_name")),
            ("Replicates per arm", attr(f, "replicates")),
            ("Common random numbers", attr(f, "common_random_numbers")),
            ("Bootstrap resamples", attr(f, "bootstrap_resamples")),
            ("Quarters recorded / burn-in",
             f"{attr(f, 'quarters')} / {attr(f, 'burn_in')}"),
            ("Format", f"{attr(f, 'format')} {attr(f, 'format_version')}")]
    out.append("<h2>Provenance</h2>" + table_html(pd.DataFrame(prov, columns=["", "value"])))
    diff = attr(f, "differing_keys")
    out.append("<details><summary>Scenario keys that differ between the arms</summary>"
               f"<pre>{esc(diff or '(none)')}</pre></details>")
    for arm in ("base", "policy"):
        text = attr(f, f"{arm}_scenario")
        if text:
            out.append(f"<details><summary>Full {arm} scenario (TOML)</summary>"
                       f"<pre>{esc(text)}</pre></details>")

    out.append("<h2>Effects of the policy</h2>")
    base = eff["mean_base"].to_numpy(dtype=float)
    ok = (np.isfinite(eff["effect"].to_numpy(dtype=float)) & np.isfinite(base) & (base != 0))
    sub = eff[ok]
    if len(sub):
        b = sub["mean_base"].to_numpy(dtype=float)
        pe = 100 * sub["effect"].to_numpy(dtype=float) / np.abs(b)
        lo = 100 * sub["ci_low"].to_numpy(dtype=float) / np.abs(b)
        hi = 100 * sub["ci_high"].to_numpy(dtype=float) / np.abs(b)
        y = np.arange(len(sub))[::-1]
        fig, ax = plt.subplots(figsize=(8, 0.32 * len(sub) + 1.2))
        ax.errorbar(pe, y, xerr=[pe - np.minimum(lo, pe), np.maximum(hi, pe) - pe], fmt="o",
                    color="#2b5d8a", ecolor="#8aaac8", capsize=3)
        ax.axvline(0, color="#999", lw=1)
        ax.set_yticks(y, sub["outcome"].tolist(), fontsize=8)
        ax.set_xlabel("effect of the policy, % of the base mean")
        ax.grid(axis="x", alpha=.3)
        out.append(figure(fig, "Effect of the policy on each outcome (policy minus base, "
                                "paired over replicates) as a percentage of the base arm's "
                                "mean: point estimate and 95 % interval. Outcomes whose base "
                                "mean is zero or undefined are only in the table below."))
    else:
        out.append(note("No outcome has a finite effect and a non-zero base mean; see the "
                         "table."))
    cols = ["outcome", "unit", "mean_base", "mean_policy", "effect", "ci_low", "ci_high",
            "cost_per_unit", "cost_ci_low", "cost_ci_high", "cost_unit", "cost_status"]
    table = eff[[c for c in cols if c in eff.columns]].rename(columns={
        "mean_base": "base mean", "mean_policy": "policy mean", "ci_low": "95 % low",
        "ci_high": "95 % high", "cost_per_unit": "cost per unit",
        "cost_ci_low": "cost 95 % low", "cost_ci_high": "cost 95 % high",
        "cost_unit": "cost unit", "cost_status": "cost status"})
    out.append("<p>Effects in the outcome's own unit with paired 95 % intervals; the cost "
               "per unit of effect is the extra government spend per extra unit "
               "(M yuan), with its bootstrap 95 % interval, where the outcome is costed.</p>")
    out.append(table_html(table))
    return out


# --- entry point ---------------------------------------------------------------------
