"""A self-contained HTML report of a run or comparison file.

`report` writes one HTML file that can be emailed: figures are embedded as
base64 PNG images, the style sheet is inline and nothing refers to an
external URL. A run file gets its provenance, the firm population by stage,
flows of births, deaths and exits, funding by round, a Kaplan-Meier survival
curve of firms by age (when the run has agent tables), the technology
transfer pipeline, each policy ledger and the network measures. A comparison
file gets its effects with 95 % intervals, as a figure and a table, with the
cost per unit of effect.

matplotlib is imported (with the Agg backend) only when a report is made.
"""
from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

from . import load as _load
from .errors import AnalysisError
from .validate import kaplan_meier

__all__ = ["report"]

_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:960px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #2b5d8a;padding-bottom:.2em}
h2{font-size:1.25em;color:#2b5d8a;margin-top:1.8em}
h3{font-size:1.05em;margin-bottom:.3em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.88em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#eef3f8}
figure{margin:1em 0 1.5em}
figure img{max-width:100%;height:auto;border:1px solid #e3e3e3}
figcaption{font-size:.88em;color:#555;margin-top:.3em}
p.note{color:#7a5b00;background:#fff8e1;padding:.4em .7em;border-left:3px solid #e0b000}
details pre{background:#f6f6f6;padding:.6em;overflow:auto;font-size:.8em;max-height:30em}
footer{margin-top:3em;font-size:.8em;color:#777}
"""


# --- small helpers -----------------------------------------------------------------

def _esc(x) -> str:
    return html.escape(str(x), quote=True)


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            return "–"
        if v == int(v) and abs(v) < 1e12:
            return f"{int(v):,}"
        return f"{v:,.3g}" if abs(v) < 1e-2 else f"{v:,.3f}".rstrip("0").rstrip(".")
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    return str(v)


def _table_html(df: pd.DataFrame, index: bool = False) -> str:
    if index:
        df = df.reset_index()
    head = "".join(f"<th>{_esc(c)}</th>" for c in df.columns)
    rows = []
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            num = isinstance(v, (int, float, np.integer, np.floating))
            cells.append(f'<td class="num">{_esc(_fmt(v))}</td>' if num
                         else f"<td>{_esc(_fmt(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _figure(fig, caption: str) -> str:
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_esc(caption)}">'
            f"<figcaption>{_esc(caption)}</figcaption></figure>")


def _note(text: str) -> str:
    return f'<p class="note">{_esc(text)}</p>'


def _attr(f: h5py.File, name: str, default="") -> str:
    return _load._text(f.attrs[name]) if name in f.attrs else default


def _plt():
    import matplotlib
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    return plt


# --- run files ---------------------------------------------------------------------

def _cols(wide: pd.DataFrame, names) -> list[str]:
    return [n for n in names if n in wide.columns]


def _run_sections(path, f: h5py.File) -> list[str]:
    plt = _plt()
    wide = _load.load_run_wide(path)
    q = wide.index.to_numpy()
    out: list[str] = []

    # Provenance
    prov = [("File", os.path.basename(os.fspath(path))),
            ("incubsim version", _attr(f, "incubsim_version")),
            ("git SHA", _attr(f, "git_sha")),
            ("Seed", _attr(f, "seed")),
            ("Scenario", _attr(f, "scenario_name")),
            ("Quarters recorded", _attr(f, "quarters")),
            ("Burn-in quarters", _attr(f, "burn_in")),
            ("Started / ended", f"{_attr(f, 'start_time')} / {_attr(f, 'end_time')}"),
            ("Format", f"{_attr(f, 'format')} {_attr(f, 'format_version')}")]
    out.append("<h2>Provenance</h2>" + _table_html(pd.DataFrame(prov, columns=["", "value"])))
    scenario = _attr(f, "scenario")
    if scenario:
        out.append("<details><summary>Full resolved scenario (TOML)</summary>"
                   f"<pre>{_esc(scenario)}</pre></details>")

    # Firms by stage
    out.append("<h2>Firm population</h2>")
    stages = _cols(wide, ["firms_nascent", "firms_seed", "firms_early_venture",
                          "firms_late_venture", "firms_growth"])
    if stages:
        fig, ax = plt.subplots(figsize=(8, 3.6))
        ax.stackplot(q, *[wide[c].to_numpy(dtype=float) for c in stages],
                     labels=[c.removeprefix("firms_").replace("_", " ") for c in stages])
        ax.set_xlabel("quarter")
        ax.set_ylabel("firms alive")
        ax.legend(loc="upper left", fontsize=8, ncol=len(stages))
        ax.margins(x=0)
        out.append(_figure(fig, "Firms alive at the end of each quarter, stacked by "
                                "development stage (nascent to growth)."))

    flows = _cols(wide, ["births", "deaths", "exits_acquisition", "exits_listing"])
    if flows:
        fig, ax = plt.subplots(figsize=(8, 3.2))
        width = 0.8 / len(flows)
        for i, c in enumerate(flows):
            ax.bar(q + (i - (len(flows) - 1) / 2) * width, wide[c].to_numpy(dtype=float),
                   width, label=c.replace("_", " "))
        ax.set_xlabel("quarter")
        ax.set_ylabel("firms per quarter")
        ax.legend(fontsize=8)
        out.append(_figure(fig, "Firm births, deaths and exits (acquisitions and "
                                "listings) in each quarter."))

    # Funding
    rounds = _cols(wide, ["amount_seed", "amount_series_a", "amount_series_b", "amount_growth"])
    if rounds:
        out.append("<h2>Funding</h2>")
        fig, ax = plt.subplots(figsize=(8, 3.2))
        bottom = np.zeros(len(q))
        for c in rounds:
            v = wide[c].to_numpy(dtype=float)
            ax.bar(q, v, 0.7, bottom=bottom, label=c.removeprefix("amount_").replace("_", " "))
            bottom += v
        unit = wide.attrs["units"].get(rounds[0], "")
        ax.set_xlabel("quarter")
        ax.set_ylabel(f"invested ({unit})" if unit else "invested")
        ax.legend(fontsize=8)
        out.append(_figure(fig, f"Amount invested by funds in each quarter, stacked by "
                                f"financing round{f' ({unit})' if unit else ''}."))

    # Survival
    out.append("<h2>Firm survival</h2>")
    if "agents/firms" in f:
        out.append(_survival(f, q, plt))
    else:
        out.append(_note("This run was written without agent tables (/agents), so the "
                         "survival curve of firms by age cannot be drawn. Rerun with agent "
                         "tables on to get it."))

    # Transfer pipeline
    pipe = _cols(wide, ["inventions", "transfers_licence", "transfers_spinoff",
                        "transfers_succeeded", "transfers_failed", "liability_covered"])
    if pipe:
        out.append("<h2>Technology transfer pipeline</h2>")
        totals = {c: float(wide[c].sum()) for c in pipe}
        labels = {"inventions": "inventions", "transfers_licence": "licences",
                  "transfers_spinoff": "spin-offs", "transfers_succeeded": "succeeded",
                  "transfers_failed": "failed", "liability_covered": "claims (M yuan)"}
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.2),
                                     gridspec_kw={"width_ratios": [3, 2]})
        counts = [c for c in pipe if c != "liability_covered"]
        colors = ["#4c72b0", "#55a868", "#55a868", "#2ca02c", "#c44e52"]
        a1.bar([labels[c] for c in counts], [totals[c] for c in counts],
               color=colors[:len(counts)])
        for i, c in enumerate(counts):
            a1.annotate(_fmt(totals[c]), (i, totals[c]), ha="center", va="bottom", fontsize=8)
        a1.set_ylabel("total over the run")
        a1.tick_params(axis="x", labelsize=8)
        for c in ("transfers_licence", "transfers_spinoff", "transfers_succeeded",
                  "transfers_failed"):
            if c in wide.columns:
                a2.plot(q, wide[c].to_numpy(dtype=float), marker="o", ms=3, label=labels[c])
        a2.set_xlabel("quarter")
        a2.set_ylabel("per quarter")
        a2.legend(fontsize=7)
        fig.tight_layout()
        out.append(_figure(fig, "Inventions disclosed, transferred as licences or "
                                "spin-offs, and transfers judged succeeded or failed: totals "
                                "over the recorded quarters (left) and per quarter (right)."))
        out.append(_table_html(pd.DataFrame(
            [(labels[c], totals[c], wide.attrs["units"].get(c, "")) for c in pipe],
            columns=["stage", "total", "unit"])))
        if "liability_covered" in totals:
            unit = wide.attrs["units"].get("liability_covered", "")
            text = (f"Insurance claims paid (liability covered by policy): "
                    f"{_fmt(totals['liability_covered'])} {unit}")
            if "liability_incurred" in wide.columns:
                text += f", of {_fmt(float(wide['liability_incurred'].sum()))} {unit} incurred"
            out.append(f"<p>{_esc(text)}.</p>")

    # Policy ledgers
    out.append("<h2>Policy ledgers</h2>")
    out.extend(_ledgers(path, f, plt))

    # Network
    out.append("<h2>Network measures (end of run)</h2>")
    if "network/measures" in f:
        g = f["network/measures"]
        rows = [(k, float(np.asarray(g[k][()]).ravel()[0]) if g[k].size else float("nan"),
                 _load._text(g[k].attrs.get("description", ""))) for k in g]
        out.append(_table_html(pd.DataFrame(rows, columns=["measure", "value", "description"])))
    else:
        out.append(_note("This run has no /network/measures."))
    return out


def _survival(f: h5py.File, q: np.ndarray, plt) -> str:
    g = f["agents/firms"]
    if "founded" not in g or "exit_quarter" not in g:
        return _note("The agent table /agents/firms has no founded / exit_quarter columns; "
                     "no survival curve.")
    founded = g["founded"][:].astype(float)
    exitq = g["exit_quarter"][:].astype(float)
    if "status" in g:
        status = np.asarray(_load._column(g["status"])).astype(str)
        died = status == "dead"
    else:
        died = exitq >= 0
    end = float(q.max()) + 1 if len(q) else float(np.nanmax(exitq)) + 1
    # Age at death, or at censoring: the end of the run for firms alive then,
    # the exit quarter for firms acquired or listed (they left, not failed).
    duration = np.where(exitq >= 0, exitq, end) - founded
    ok = duration >= 0
    km = kaplan_meier(duration[ok], died[ok])
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.step(np.r_[0.0, km["time"]], np.r_[1.0, km["survival"]], where="post", color="#2b5d8a")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("firm age (quarters)")
    ax.set_ylabel("share surviving")
    ax.grid(alpha=.3)
    n, deaths = int(ok.sum()), int(died[ok].sum())
    med = km.loc[km["survival"] <= 0.5, "time"]
    median = f"median survival {med.iloc[0]:.0f} quarters" if len(med) else \
        "median survival not reached"
    return _figure(fig, f"Kaplan–Meier survival of firms by age ({n:,} firms, {deaths:,} "
                        f"deaths, {median}). Firms alive at the end of the run are censored "
                        "there; firms acquired or listed are censored at their exit.")


def _ledgers(path, f: h5py.File, plt) -> list[str]:
    if "policy" not in f or not len(f["policy"]):
        return [_note("This run has no policy ledgers.")]
    out, idle, inactive = [], [], []
    for name in f["policy"]:
        if not isinstance(f["policy"][name], h5py.Group):
            continue
        led = _load.load_ledger(path, name)
        num = led.select_dtypes("number")

        def nonzero(c: str) -> bool:
            v = num[c].to_numpy(dtype=float)
            return bool(np.any(np.isfinite(v) & (v != 0)))

        # Columns with a finite non-zero value (NaN, e.g. a mean over nobody, is
        # no activity).
        varying = [c for c in num.columns if nonzero(c)]
        if not varying:
            idle.append(name)
            continue
        spends = [c for c in num.columns if c.startswith("spend")]
        if "active" in num.columns and not nonzero("active") and \
                not any(nonzero(c) for c in spends):
            inactive.append(name)
            continue
        title = name.replace("_", " ")
        out.append(f"<h3>{_esc(title)}</h3>")
        spend = [c for c in ("spend", "spend_total") if c in varying]
        shown = spend or varying[:4]
        fig, ax = plt.subplots(figsize=(6, 2.4))
        for c in shown:
            ax.plot(led.index, num[c].to_numpy(dtype=float), marker="o", ms=3,
                    label=f"{c} ({led.attrs['units'].get(c, '')})".replace(" ()", ""))
        ax.set_xlabel("quarter")
        ax.legend(fontsize=7)
        ax.grid(alpha=.3)
        out.append(_figure(fig, f"Ledger {name}: " + ", ".join(shown) + " per quarter."))
        g = f["policy"][name]

        def total(c: str) -> float:
            # Only flows add up over quarters; stocks, cumulative columns and
            # means do not.
            temporal = _load._text(g[c].attrs.get("temporal", "")) if c in g else ""
            if temporal == "flow" and not c.endswith("_mean"):
                return float(np.nansum(num[c].to_numpy(dtype=float)))
            return float("nan")

        summary = pd.DataFrame([(c, float(num[c].iloc[-1]), total(c),
                                 led.attrs["units"].get(c, "")) for c in varying],
                               columns=["column", "last quarter", "total (flows)", "unit"])
        out.append(_table_html(summary))
    if idle:
        out.append(_note("All-zero ledgers, skipped: " + ", ".join(idle) + "."))
    if inactive:
        out.append(_note("Ledgers of instruments never active in this run (no spend), "
                         "skipped: " + ", ".join(inactive) + "."))
    return out


# --- comparison files ----------------------------------------------------------------

def _compare_sections(path, f: h5py.File) -> list[str]:
    plt = _plt()
    eff = _load.load_compare(path, "effects")
    out: list[str] = []
    prov = [("File", os.path.basename(os.fspath(path))),
            ("incubsim version", _attr(f, "incubsim_version")),
            ("git SHA", _attr(f, "git_sha")),
            ("Seed", _attr(f, "seed")),
            ("Base scenario", _attr(f, "base_scenario_name")),
            ("Policy scenario", _attr(f, "policy_scenario_name")),
            ("Replicates per arm", _attr(f, "replicates")),
            ("Common random numbers", _attr(f, "common_random_numbers")),
            ("Bootstrap resamples", _attr(f, "bootstrap_resamples")),
            ("Quarters recorded / burn-in",
             f"{_attr(f, 'quarters')} / {_attr(f, 'burn_in')}"),
            ("Format", f"{_attr(f, 'format')} {_attr(f, 'format_version')}")]
    out.append("<h2>Provenance</h2>" + _table_html(pd.DataFrame(prov, columns=["", "value"])))
    diff = _attr(f, "differing_keys")
    out.append("<details><summary>Scenario keys that differ between the arms</summary>"
               f"<pre>{_esc(diff or '(none)')}</pre></details>")
    for arm in ("base", "policy"):
        text = _attr(f, f"{arm}_scenario")
        if text:
            out.append(f"<details><summary>Full {arm} scenario (TOML)</summary>"
                       f"<pre>{_esc(text)}</pre></details>")

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
        out.append(_figure(fig, "Effect of the policy on each outcome (policy minus base, "
                                "paired over replicates) as a percentage of the base arm's "
                                "mean: point estimate and 95 % interval. Outcomes whose base "
                                "mean is zero or undefined are only in the table below."))
    else:
        out.append(_note("No outcome has a finite effect and a non-zero base mean; see the "
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
    out.append(_table_html(table))
    return out


# --- entry point ---------------------------------------------------------------------

def report(path: str | os.PathLike, out_html: str | os.PathLike) -> Path:
    """Write a self-contained HTML report of a run or comparison file.

    Parameters
    ----------
    path : path-like
        An ``incubsim-run`` or ``incubsim-compare`` file.
    out_html : path-like
        The HTML file to write; written under a temporary name beside it and
        renamed when complete.

    Returns
    -------
    pathlib.Path
        ``out_html``.

    Raises
    ------
    FormatError
        Not HDF5, another format or a newer major version.
    """
    with _load.open_checked(path, (_load.RUN, _load.COMPARE)) as f:
        fmt = _load._text(f.attrs["format"])
        try:
            if fmt == _load.RUN:
                title = f"incubsim run report: {os.path.basename(os.fspath(path))}"
                body = _run_sections(path, f)
            else:
                title = f"incubsim comparison report: {os.path.basename(os.fspath(path))}"
                body = _compare_sections(path, f)
        except (KeyError, OSError) as e:
            raise AnalysisError(f"{os.fspath(path)}: cannot read it ({e}); the file is "
                                "damaged or incomplete") from None
        version = _attr(f, "incubsim_version")
    doc = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>"
           f"<h1>{_esc(title)}</h1>" + "\n".join(body)
           + f"<footer>Made by incubsim-analysis from a file written by incubsim "
             f"{_esc(version)}.</footer></body></html>\n")
    out = Path(out_html)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(doc, encoding="utf-8")
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
