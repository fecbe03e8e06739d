"""Report sections of a merged sweep file (`incubsim sweep merge`):
provenance and the sweep file, the varied parameters, the runs' status,
each outcome against each parameter, the outcomes' spread over time, and
(for Saltelli and Morris designs) the sensitivity indices.

At most `MAX_METRICS` outcomes are drawn: the sweep's `[outputs] metrics`
in their order, else a few headline metrics; the tables cover every one."""
from __future__ import annotations

import os

import h5py
import numpy as np
import pandas as pd

from . import load as _load
from . import sensitivity as _sens
from .errors import AnalysisError
from .plotting import pyplot
from .report_html import attr, esc, figure, note, table_html
from .sensitivity_plot import indices_figure, short_name

__all__ = ["sweep_sections"]

MAX_METRICS = 8
MAX_PARAMETERS = 6
#: Shown when the sweep kept every metric (no `[outputs] metrics`).
HEADLINE = ["firms_alive", "births", "deaths", "inventions", "transfers_licence",
            "transfers_spinoff", "amount_invested", "policy_spend"]


def sweep_sections(path, f: h5py.File) -> list[str]:
    plt = pyplot()
    runs = _load.load_sweep(path, "runs")
    keys: list[str] = runs.attrs["parameters"]
    available = [m for m in f["summary"] if m != "run_id"]
    wanted = _sens._sweep_toml(f).get("outputs", {}).get("metrics")
    if isinstance(wanted, list) and wanted:
        shown = [m for m in wanted if m in available]
    else:
        shown = [m for m in HEADLINE if m in available] or sorted(available)
    shown = shown[:MAX_METRICS]
    summary = _load.load_sweep(path, "summary", metrics=shown) if shown else None

    out = _provenance(path, f)
    out += _parameters(f, keys)
    out += _status(runs)
    if summary is None or summary.empty:
        out.append(note("No run of this sweep is done, so there is nothing to draw."))
        return out
    out += _outcomes(f, summary, keys, shown, plt)
    out += _series(path, f, shown, plt)
    out += _sensitivity(path, f, runs, shown, plt)
    return out


def _provenance(path, f: h5py.File) -> list[str]:
    prov = [("File", os.path.basename(os.fspath(path))),
            ("incubsim version", attr(f, "incubsim_version")),
            ("git SHA", attr(f, "git_sha")),
            ("Sweep", attr(f, "sweep_name")),
            ("Design", attr(f, "design")),
            ("Design points", f"{int(f['points/point_id'].shape[0]):,}"),
            ("Replicates per point", attr(f, "replicates")),
            ("Seed / seed policy", f"{attr(f, 'seed')} / {attr(f, 'seed_policy')}"),
            ("Runs: total / done / failed / missing",
             " / ".join(attr(f, k) for k in ("runs_total", "runs_done", "runs_failed",
                                              "runs_missing"))),
            ("Per-run series", attr(f, "series_layout")),
            ("Format", f"{attr(f, 'format')} {attr(f, 'format_version')}")]
    out = ["<h2>Provenance</h2>" + table_html(pd.DataFrame(prov, columns=["", "value"]))]
    for name, label in (("sweep", "Sweep file (TOML)"),
                        ("base_scenario", "Resolved base scenario (TOML)")):
        text = attr(f, name)
        if text:
            out.append(f"<details><summary>{esc(label)}</summary><pre>{esc(text)}</pre>"
                       "</details>")
    return out


def _parameters(f: h5py.File, keys: list[str]) -> list[str]:
    g = f["parameters"]
    rows = []
    for j, key in enumerate(keys):
        values = np.unique(np.asarray(f["points"][key][()], dtype=float))
        rows.append((key, _load.strings(g["kind"])[j] if "kind" in g else "",
                     float(g["min"][j]), float(g["max"][j]),
                     _load.strings(g["scale"])[j] if "scale" in g else "", len(values)))
    table = pd.DataFrame(rows, columns=["scenario key", "kind", "min", "max", "scale",
                                        "distinct values"])
    return ["<h2>Varied parameters</h2>", table_html(table)]


def _status(runs: pd.DataFrame) -> list[str]:
    counts = runs["status"].value_counts()
    out = ["<h2>Runs</h2>",
           "<p>" + esc(", ".join(f"{int(counts.get(s, 0)):,} {s}"
                                  for s in ("done", "failed", "missing"))) + ".</p>"]
    bad = runs[runs["status"] != "done"]
    if len(bad):
        out.append(note(f"{len(bad):,} runs are not done: their rows are left out of the "
                        "figures below and the sensitivity indices cannot be computed. "
                        "Finish them with `incubsim sweep run DIR` (--retry-failed for "
                        "failed runs) and merge again."))
        out.append(table_html(bad[["run_id", "point_id", "replicate", "status",
                                   "error"]].head(20)))
        if len(bad) > 20:
            out.append(f"<p>... and {len(bad) - 20:,} more.</p>")
    return out


def _log_scale(f: h5py.File, keys: list[str]) -> dict[str, bool]:
    g = f["parameters"]
    scales = _load.strings(g["scale"]) if "scale" in g else ["linear"] * len(keys)
    return {k: s == "log" for k, s in zip(keys, scales)}


def _outcomes(f, summary: pd.DataFrame, keys, shown, plt) -> list[str]:
    out = ["<h2>Outcomes across the design</h2>"]
    units = summary.attrs.get("units", {})
    stat = summary.attrs.get("statistic", {})
    spread = (summary.groupby("metric", sort=False)["value"]
              .describe(percentiles=[.05, .5, .95])
              .reindex(shown).reset_index())
    spread.insert(1, "unit", [units.get(m, "") for m in spread["metric"]])
    spread.insert(2, "per run", [stat.get(m, "") for m in spread["metric"]])
    spread = spread.rename(columns={"count": "runs", "5%": "p5", "50%": "median",
                                    "95%": "p95"})
    out.append("<p>Each run's outcome as the merged file summarises it (\"per run\": flows "
               "summed over the recorded quarters, stocks at the last one, ratios "
               "averaged), over the done runs.</p>")
    out.append(table_html(spread))
    flat = [m for m in shown if not _varies(summary, m)]
    if flat:
        out.append(note("Not moved by any varied parameter (the same at every design "
                        "point, replicates averaged): " + ", ".join(flat) + ". If a "
                        "parameter should move them, check that it acts within the recorded "
                        "quarters (e.g. a policy's start_quarter) and that its instrument "
                        "is enabled."))

    params = keys[:MAX_PARAMETERS]
    if not params:
        return out
    log = _log_scale(f, keys)
    means = summary.groupby(["metric", "point_id", *params], sort=False)["value"].mean() \
        .reset_index()
    n_m, n_p = len(shown), len(params)
    fig, axes = plt.subplots(n_m, n_p, figsize=(2.3 * n_p + 1, 1.9 * n_m + .6),
                             squeeze=False, sharex="col")
    for i, m in enumerate(shown):
        reps = summary[summary["metric"] == m]
        pts = means[means["metric"] == m]
        for j, k in enumerate(params):
            ax = axes[i][j]
            ax.scatter(reps[k], reps["value"], s=4, color="#b9cde0", lw=0)
            ax.scatter(pts[k], pts["value"], s=7, color="#2b5d8a", lw=0)
            if log[k]:
                ax.set_xscale("log")
            ax.tick_params(labelsize=7)
            if j == 0:
                ax.set_ylabel(m.replace("_", " "), fontsize=8)
            if i == n_m - 1:
                ax.set_xlabel(short_name(k), fontsize=8)
    fig.tight_layout()
    more = (f" Only the first {MAX_PARAMETERS} of {len(keys)} parameters are drawn."
            if len(keys) > MAX_PARAMETERS else "")
    out.append(figure(fig, "Each outcome (rows) against each varied parameter (columns): "
                           "dark points are design points (mean over replicates), light "
                           "points single runs. A clear trend means the outcome responds to "
                           "that parameter; a cloud means others or noise dominate." + more))
    return out


def _varies(summary: pd.DataFrame, metric: str) -> bool:
    means = summary[summary["metric"] == metric].groupby("point_id")["value"].mean()
    finite = means[np.isfinite(means)]
    return len(finite) > 1 and bool(finite.max() > finite.min())


def _series(path, f, shown, plt) -> list[str]:
    if "series" not in f and "run_files" not in f:
        return ["<h2>Outcomes over time</h2>",
                note("The sweep was merged with --series none: no per-quarter series.")]
    series = _load.load_sweep(path, "series", metrics=shown)
    if series.empty:
        return []
    cols = 2
    rows = (len(shown) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(9, 2.3 * rows + .4), squeeze=False)
    for ax, m in zip(axes.ravel(), shown):
        band = (series[series["metric"] == m].groupby("quarter")["value"]
                .quantile([.05, .5, .95]).unstack())
        q = band.index.to_numpy()
        ax.fill_between(q, band[.05], band[.95], color="#b9cde0", lw=0, label="5–95 %")
        ax.plot(q, band[.5], color="#2b5d8a", lw=1.5, label="median")
        ax.set_title(m.replace("_", " "), fontsize=9)
        ax.tick_params(labelsize=7)
        ax.set_xlabel("quarter", fontsize=8)
    for ax in axes.ravel()[len(shown):]:
        ax.set_visible(False)
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return ["<h2>Outcomes over time</h2>",
            figure(fig, "Each outcome per quarter over all done runs of the sweep: median "
                        "and the band from the 5th to the 95th percentile.")]


def _sensitivity(path, f, runs: pd.DataFrame, shown, plt) -> list[str]:
    design = attr(f, "design")
    if design not in ("saltelli", "morris"):
        return []
    out = ["<h2>Sensitivity</h2>"]
    if (runs["status"] != "done").any():
        return out + [note("Sensitivity indices need every run done; see Runs above.")]
    try:
        idx = _sens.sweep_sensitivity(path, shown, n_boot=500, seed=0)
    except AnalysisError as e:
        return out + [note(f"No sensitivity indices: {e}")]
    cols = ["S1", "ST"] if design == "saltelli" else ["mu_star"]
    undefined = [m for m in shown
                 if not np.isfinite(idx.loc[idx["metric"] == m, cols].to_numpy(float)).any()]
    drawn = [m for m in shown if m not in undefined]
    if undefined:
        out.append(note("No indices (the outcome does not vary, or is undefined at some "
                        "design points): " + ", ".join(undefined) + "."))
    if not drawn:
        return out + [table_html(idx)]
    fig = indices_figure(plt, idx, drawn)
    if design == "saltelli":
        out.append(figure(fig, "Sobol indices per outcome and parameter with 95 % bootstrap "
                               "intervals."))
        out.append("<p>First-order (S1, Saltelli 2010) and total (ST, Jansen 1999) Sobol "
                   "indices of each outcome's mean over replicates, with 95 % bootstrap "
                   "intervals (500 resamples). S1: share of the outcome's variance due to "
                   "the parameter alone; ST − S1: due to its interactions.</p>")
    else:
        out.append(figure(fig, "Morris screening per outcome: mean absolute elementary "
                               "effect μ* against their standard deviation σ."))
        out.append("<p>Morris elementary effects in unit parameter space: μ* (mean "
                   "absolute effect) ranks importance, σ (their spread) shows "
                   "non-linearity or interactions.</p>")
    out.append(table_html(idx))
    return out
