#!/usr/bin/python3
"""Global sensitivity of the insurance outcomes to the scheme's parameters.

Plans, runs and merges scenarios/sweeps/insurance_sobol.toml (a Saltelli
design over coverage, premium rate, premium subsidy and take-up of the
technology-transfer insurance), then computes first-order and total Sobol
indices with bootstrap intervals for the transfer outcomes, the liability
covered, the government's spend and the insurer's premiums, claims and
loss ratio, and writes tables (CSV), figures (PNG) and the sweep's HTML
report. See README.md beside this script.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from incubsim_analysis import experiment, load, report, sensitivity  # noqa: E402
from incubsim_analysis.experiment import Results, pyplot, run_incubsim  # noqa: E402
from incubsim_analysis.sensitivity_plot import indices_figure  # noqa: E402

SWEEP = "scenarios/sweeps/insurance_sobol.toml"
LEDGER = "tech_transfer_insurance"
PREFIX = f"policy.{LEDGER}."
#: Insurer ledger columns added to the sweep's metrics, per run as the merge
#: summarises metrics (flows summed, loss ratio at the end).
LEDGER_OUTCOMES = ("insured_transfers", "premiums", "claims", "loss_ratio")
#: Outcomes in the figure of indices, in this order, with their titles.
FIGURE_OUTCOMES = {
    "transfers": "transfers (licences + spin-offs)",
    "transfers_succeeded": "transfers succeeded",
    "transfer_quality_mean": "mean quality of transfers (moral hazard)",
    "liability_covered": "liability covered by the insurer",
    "policy_spend": "government spend (premium subsidy)",
    "loss_ratio": "insurer's loss ratio (claims / premiums)",
}
BOOTSTRAP = 1000
BOOTSTRAP_SEED = 0


# --- simulation ----------------------------------------------------------------------

def simulate(args) -> Path:
    """Plan, run and merge the sweep in --work; the merged file's path. A
    plan left by an earlier call is reused with --resume (the runs it
    finished are kept), else started afresh."""
    binary = experiment.find_incubsim(args.incubsim)
    plan = args.work / "plan"
    merged = args.work / "insurance_sobol.h5"
    if not args.resume:
        shutil.rmtree(plan, ignore_errors=True)
    args.work.mkdir(parents=True, exist_ok=True)
    if not (plan / "manifest.h5").exists():
        run_incubsim(binary, ["sweep", "plan", SWEEP, "-o", plan])
    run_incubsim(binary, ["sweep", "run", plan, "--jobs", str(args.jobs), "--threads", "1",
                          "-q"])
    run_incubsim(binary, ["sweep", "merge", plan, "-o", merged, "--force"])
    return merged


# --- analysis ------------------------------------------------------------------------

def run_outcomes(merged: Path) -> tuple[pd.DataFrame, list[str]]:
    """Every outcome per run, long format (run_id, point_id, replicate,
    seed, parameters..., outcome, value): the sweep's metrics, transfers =
    licences + spin-offs, and the insurer's ledger columns."""
    summary = load.load_sweep(merged, "summary")
    keys = summary.attrs["parameters"]
    ledger = load.load_sweep_ledger(merged, LEDGER, LEDGER_OUTCOMES)
    ids = ["run_id", "point_id", "replicate", "seed", *keys]
    wide = summary.pivot(index=ids, columns="metric", values="value")
    transfers = (wide["transfers_licence"] + wide["transfers_spinoff"]).rename("value")
    transfers = transfers.reset_index().assign(metric="transfers")
    long = pd.concat([summary.drop(columns="status"), transfers,
                      ledger.drop(columns="status")], ignore_index=True)
    long = long.rename(columns={"metric": "outcome"})
    return long.sort_values(["outcome", "run_id"], kind="stable").reset_index(drop=True), keys


def sobol_table(merged: Path, runs: pd.DataFrame) -> pd.DataFrame:
    """Sobol indices of every outcome (replicates averaged per point)."""
    wide = runs.pivot(index="run_id", columns="outcome", values="value")
    idx = sensitivity.sweep_sensitivity(merged, outcomes=wide, n_boot=BOOTSTRAP,
                                        seed=BOOTSTRAP_SEED)
    idx = idx.rename(columns={"metric": "outcome"})
    idx["parameter"] = idx["parameter"].str.removeprefix(PREFIX)
    idx["interactions"] = idx["ST"] - idx["S1"]
    return idx


def spread_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Each outcome over the design points (replicates averaged): how far
    the scheme's parameters move it."""
    means = runs.groupby(["outcome", "point_id"])["value"].mean()
    q = means.groupby(level="outcome").quantile([0.05, 0.5, 0.95]).unstack()
    out = pd.DataFrame({"points": means.groupby(level="outcome").count(),
                        "mean": means.groupby(level="outcome").mean(),
                        "p5": q[0.05], "median": q[0.5], "p95": q[0.95],
                        "min": means.groupby(level="outcome").min(),
                        "max": means.groupby(level="outcome").max()})
    return out.reset_index()


def point_table(runs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each design point's parameters and outcome means (long format)."""
    t = runs.groupby(["point_id", *keys, "outcome"], sort=True)["value"].agg(["mean", "count"])
    t = t.reset_index().rename(columns={"count": "replicates"})
    return t.rename(columns={k: k.removeprefix(PREFIX) for k in keys})


def break_even_table(points: pd.DataFrame) -> pd.DataFrame:
    """The premium rate at which the insurer breaks even (loss ratio 1) for
    a few coverages, from a least-squares fit of log loss ratio on log
    premium rate and log coverage over the design points. The loss ratio is
    claims / premiums = coverage x failed exposure / (premium rate x insured
    exposure), so both slopes should be near -1 and +1; the table reports
    them with the fit's R^2 so a reader can check."""
    lr = points[(points["outcome"] == "loss_ratio") & (points["mean"] > 0)]
    x = np.column_stack([np.ones(len(lr)), np.log(lr["premium_rate"]),
                         np.log(lr["coverage"])])
    y = np.log(lr["mean"].to_numpy(float))
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    r2 = 1 - np.sum((y - x @ beta) ** 2) / np.sum((y - y.mean()) ** 2)
    coverage = np.array([0.2, 0.4, 0.6, 0.8, 1.0])
    rate = np.exp(-(beta[0] + beta[2] * np.log(coverage)) / beta[1])
    return pd.DataFrame({"coverage": coverage, "break_even_premium_rate": rate,
                         "slope_premium_rate": beta[1], "slope_coverage": beta[2],
                         "r_squared": r2, "design_points": len(lr)})


# --- figures -------------------------------------------------------------------------

def loss_ratio_figure(plt, points: pd.DataFrame):
    """Loss ratio against the premium rate, coloured by coverage: where the
    scheme would pay for itself (loss ratio 1)."""
    lr = points[points["outcome"] == "loss_ratio"]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    sc = ax.scatter(lr["premium_rate"], lr["mean"], c=lr["coverage"], cmap="viridis", s=14,
                    vmin=0, vmax=1)
    ax.axhline(1, color="#c0392b", lw=1, ls="--", label="break-even: claims = premiums")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("premium rate (share of the liability at stake), log scale")
    ax.set_ylabel("insurer's loss ratio at the end, log scale")
    ax.grid(alpha=.3, which="both")
    ax.legend(fontsize=8)
    fig.colorbar(sc, ax=ax, label="coverage (share of liability paid)")
    return fig


def response_figure(plt, points: pd.DataFrame):
    """Extra transfers and liability covered against take-up and coverage."""
    fig, axes = plt.subplots(2, 2, figsize=(9, 6.4))
    for row, (outcome, label) in enumerate((("transfers", "transfers over 20 quarters"),
                                            ("liability_covered",
                                             "liability covered (M yuan)"))):
        d = points[points["outcome"] == outcome]
        for col, (param, other) in enumerate((("take_up", "coverage"),
                                              ("coverage", "take_up"))):
            ax = axes[row][col]
            sc = ax.scatter(d[param], d["mean"], c=d[other], cmap="viridis", s=10,
                            vmin=0, vmax=1)
            ax.set_xlabel(param.replace("_", " "))
            ax.set_ylabel(label)
            ax.grid(alpha=.3)
            fig.colorbar(sc, ax=ax, label=other.replace("_", " "))
    fig.tight_layout()
    return fig


# --- the experiment ------------------------------------------------------------------

def headline(idx: pd.DataFrame) -> str:
    """For each headline outcome, the parameter with the largest total index."""
    lines = ["Sobol indices (first order S1 and total ST, 95 % bootstrap intervals):"]
    for name, title in FIGURE_OUTCOMES.items():
        d = idx[idx["outcome"] == name].sort_values("ST", ascending=False)
        top = d.iloc[0]
        lines.append(f"  {title}: {top['parameter']} S1 {top['S1']:.2f} "
                     f"[{top['S1_low']:.2f}, {top['S1_high']:.2f}], ST {top['ST']:.2f} "
                     f"[{top['ST_low']:.2f}, {top['ST_high']:.2f}]")
    return "\n".join(lines)


def run(argv=None) -> None:
    parser = experiment.argument_parser(__file__, __doc__)
    parser.add_argument("--resume", action="store_true",
                        help="keep the runs an earlier, interrupted call finished in --work "
                             "(default: plan and run the sweep afresh)")
    args = experiment.parse_args(parser, argv)
    merged = simulate(args)
    runs, keys = run_outcomes(merged)
    idx = sobol_table(merged, runs)
    points = point_table(runs, keys)
    plt = pyplot()
    with Results(args.out) as results:
        results.table(idx, "sobol_indices")
        results.table(spread_table(runs), "outcome_spread")
        results.table(points, "design_points")
        results.table(break_even_table(points), "break_even_premium")
        results.figure(indices_figure(plt, idx.rename(columns={"outcome": "metric"}),
                                      list(FIGURE_OUTCOMES), titles=FIGURE_OUTCOMES),
                       "sobol_indices")
        results.figure(loss_ratio_figure(plt, points), "loss_ratio_vs_premium")
        results.figure(response_figure(plt, points), "response_take_up_coverage")
        report.report(merged, results.path("report.html"))
    print(headline(idx))
    print(f"tables, figures and report in {args.out}; sweep in {args.work}")


if __name__ == "__main__":
    sys.exit(experiment.main(run))
