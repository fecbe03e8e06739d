#!/usr/bin/python3
"""Insurance pilot in Ouhai: effects, costs, loss ratio and moral hazard, with intervals.

Runs two paired comparisons on the calibrated Ouhai baseline, the
"secondary relief" technology-transfer insurance as piloted (11
institutions) and scaled to every institution, and writes tables (CSV),
figures (PNG) and one HTML report per comparison. See README.md beside
this script.
"""
from __future__ import annotations

import sys
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

from incubsim_analysis import load, report  # noqa: E402
from incubsim_analysis.errors import AnalysisError  # noqa: E402
from incubsim_analysis.experiment import (  # noqa: E402
    Results, argument_parser, find_incubsim, main, parse_args, pyplot, run_incubsim)

BASELINE = "scenarios/ouhai/baseline.toml"
#: Each what-if compared with the baseline: its label -> policy scenario.
SCENARIOS = {"pilot": "scenarios/ouhai/insurance_pilot.toml",
             "scaled": "scenarios/ouhai/insurance_scaled.toml"}
REPLICATES = 20
#: The Ouhai calendar (scenarios/ouhai/baseline.toml): quarter q is year 2016 + q // 4.
FIRST_YEAR = 2016
INSURANCE = "tech_transfer_insurance"
COLOURS = {"pilot": "#2b5d8a", "scaled": "#c0504d"}
#: Paired per-quarter effects drawn over time: /paired_series metric -> panel title.
SERIES = {"transfers_licence": "licences to firms per quarter",
          "liability_incurred": "liability borne by researchers and institutions",
          "firms_alive": "firms alive"}
#: Outcomes whose effects the summary prints.
HEADLINE = ("transfers", "transfers_succeeded", "transfers_failed", "liability_borne",
            "firms_alive_end", "transfer_quality_mean")
#: Outcome columns of /runs the insurer table summarises (policy arm).
INSURER_MEASURES = ("premiums", "claims", "insured_transfers", "government_spend",
                    "loss_ratio_end")
#: Quality comparisons for moral hazard: measure -> (base arm column, policy arm column).
QUALITY_COMPARISONS = {
    "quality of all transfers, policy vs baseline":
        ("transfer_quality_mean", "transfer_quality_mean"),
    "quality of insured transfers vs all baseline transfers":
        ("transfer_quality_mean", "insured_quality_mean"),
}
MORAL_HAZARD = {**QUALITY_COMPARISONS,
                "transfers failed, policy vs baseline": ("transfers_failed", "transfers_failed")}


@dataclass
class Comparison:
    """One `incubsim compare` file, read once: its label and tables."""
    label: str
    effects: pd.DataFrame
    runs: pd.DataFrame
    paired: pd.DataFrame
    series_units: dict[str, str]
    start_quarter: int

    def arm(self, arm: str, column: str) -> pd.Series:
        """One outcome of one arm, indexed by replicate, so arms pair up by index."""
        rows = self.runs[self.runs["arm"] == arm]
        return rows.set_index("replicate")[column].astype(float).sort_index()

    def unit(self, outcome: str) -> str:
        return self.runs.attrs["units"].get(outcome, "")

    def years(self, first_quarter: int | None = None) -> str:
        """The recorded years (from `first_quarter` on), for titles: the
        horizon comes from the scenario, not from this script."""
        q = self.paired["quarter"]
        start = q.min() if first_quarter is None else first_quarter
        return f"{FIRST_YEAR + start // 4}-{FIRST_YEAR + q.max() // 4}"


# --- simulation --------------------------------------------------------------------

def simulate(args) -> dict[str, Path]:
    """Run each comparison into the work directory (or reuse its file with
    --reuse); the compare seed is the baseline's simulation.seed."""
    args.work.mkdir(parents=True, exist_ok=True)
    binary = None
    files = {}
    for label, scenario in SCENARIOS.items():
        out = args.work / f"{label}.h5"
        files[label] = out
        if args.reuse and out.is_file():
            continue
        binary = binary or find_incubsim(args.incubsim)
        print(f"running incubsim compare: baseline vs {label} "
              f"({args.replicates} replicates) ...", file=sys.stderr)
        run_incubsim(binary, ["compare", BASELINE, scenario,
                              "--replicates", str(args.replicates), "-o", out, "-q",
                              "--threads", str(max(1, args.jobs))])
    return files


def read_comparison(label: str, path: Path) -> Comparison:
    """Load the tables this experiment needs and the policy's start quarter
    from the policy scenario stored in the file."""
    with load.open_checked(path, load.COMPARE) as f:
        if "policy_scenario" not in f.attrs:
            raise AnalysisError(f"{path} has no policy_scenario attribute; the file is "
                                "incomplete or damaged (run without --reuse to remake it)")
        try:
            scenario = tomllib.loads(load.text(f.attrs["policy_scenario"]))
        except (tomllib.TOMLDecodeError, OSError) as e:
            raise AnalysisError(f"{path}: cannot read its policy scenario ({e}); the file is "
                                "damaged (run without --reuse to remake it)") from None
    paired = load.load_compare(path, "paired")
    units = paired.attrs["units"]
    missing = [m for m in SERIES if m not in units]
    if missing:
        raise AnalysisError(f"{path} has no /paired_series/{missing[0]}; it has: "
                            f"{', '.join(units) or 'none'}")
    start = scenario.get("policy", {}).get(INSURANCE, {}).get("start_quarter")
    if start is None:
        raise AnalysisError(f"{path}: the policy scenario has no "
                            f"policy.{INSURANCE}.start_quarter; is it an insurance what-if?")
    return Comparison(label, load.load_compare(path, "effects"), load.load_compare(path, "runs"),
                      paired, units, int(start))


# --- statistics --------------------------------------------------------------------

def t_interval(values) -> dict[str, float]:
    """Mean and Student-t 95 % interval over replicates, NaNs left out (as
    incubsim compare does), so it is the paired interval when given paired
    differences."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    mean = x.mean() if n else np.nan
    sd = x.std(ddof=1) if n > 1 else np.nan
    half = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n) if n > 1 else np.nan
    return {"mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half, "n": n}


def percent_of(value: pd.Series, base: pd.Series) -> pd.Series:
    """A value as a percentage of the base mean; NaN where the base is 0 or
    undefined (spend, claims: there is no base to compare with)."""
    base = base.where(base != 0)
    return 100 * value / base.abs()


# --- tables ------------------------------------------------------------------------

def effects_table(comps: list[Comparison]) -> pd.DataFrame:
    """Every outcome of both comparisons, in incubsim's outcome order."""
    parts = []
    for c in comps:
        e = c.effects
        t = pd.DataFrame({
            "scenario": c.label, "outcome": e["outcome"], "unit": e["unit"],
            "n_pairs": e["n_pairs"], "base_mean": e["mean_base"],
            "policy_mean": e["mean_policy"], "effect": e["effect"],
            "ci_low": e["ci_low"], "ci_high": e["ci_high"],
            "unpaired_ci_low": e["unpaired_ci_low"], "unpaired_ci_high": e["unpaired_ci_high"]})
        for col in ("effect", "ci_low", "ci_high"):
            t[f"{col}_pct"] = percent_of(t[col], t["base_mean"])
        parts.append(t)
    return pd.concat(parts, ignore_index=True)


def costs_table(comps: list[Comparison]) -> pd.DataFrame:
    """Government spend per extra unit of each costed outcome, with the
    effect it buys (a cost is only as good as its effect's interval)."""
    parts = []
    for c in comps:
        e = c.effects.set_index("outcome")
        costed = e[e["cost_status"] != "not_costed"]
        spend = e.loc["government_spend"]
        parts.append(pd.DataFrame({
            "scenario": c.label, "outcome": costed.index, "cost_unit": costed["cost_unit"],
            "government_spend": spend["effect"], "spend_ci_low": spend["ci_low"],
            "spend_ci_high": spend["ci_high"], "effect": costed["effect"],
            "effect_ci_low": costed["ci_low"], "effect_ci_high": costed["ci_high"],
            "cost_per_unit": costed["cost_per_unit"], "cost_ci_low": costed["cost_ci_low"],
            "cost_ci_high": costed["cost_ci_high"], "cost_status": costed["cost_status"]}))
    return pd.concat(parts, ignore_index=True)


def insurer_table(comps: list[Comparison]) -> pd.DataFrame:
    """The insurer's book in the policy arm: per-replicate totals summarised
    with a t-interval, and the loss ratio of all replicates pooled."""
    rows = []
    for c in comps:
        for m in INSURER_MEASURES:
            values = c.arm("policy", m)
            rows.append({"scenario": c.label, "measure": m, "unit": c.unit(m),
                         **t_interval(values), "min": values.min(), "max": values.max(),
                         "method": "mean over replicates, Student-t 95 % interval"})
        claims, premiums = c.arm("policy", "claims").sum(), c.arm("policy", "premiums").sum()
        rows.append({"scenario": c.label, "measure": "loss_ratio_aggregate", "unit": "share",
                     "mean": claims / premiums, "n": len(c.arm("policy", "claims")),
                     "method": "sum of claims / sum of premiums over replicates"})
    return pd.DataFrame(rows)


def moral_hazard_table(comps: list[Comparison]) -> pd.DataFrame:
    """Are the transfers the insurance adds or covers weaker? Each measure is
    a per-replicate paired difference (policy arm minus base arm)."""
    rows = []
    for c in comps:
        for measure, (base_col, policy_col) in MORAL_HAZARD.items():
            base, policy = c.arm("base", base_col), c.arm("policy", policy_col)
            diff = t_interval(policy - base)
            rows.append({"scenario": c.label, "measure": measure, "unit": c.unit(policy_col),
                         "base_column": base_col, "policy_column": policy_col,
                         "base_mean": base[np.isfinite(policy)].mean(),
                         "policy_mean": policy.mean(), "difference": diff["mean"],
                         "ci_low": diff["ci_low"], "ci_high": diff["ci_high"],
                         "n_pairs": diff["n"]})
    return pd.DataFrame(rows)


# --- figures -----------------------------------------------------------------------

def quarter_year(quarter) -> np.ndarray:
    """Quarter index -> calendar year at the middle of the quarter."""
    return FIRST_YEAR + (np.asarray(quarter, dtype=float) + 0.5) / 4


def year_label(quarter: int) -> str:
    return f"{FIRST_YEAR + quarter // 4} Q{quarter % 4 + 1}"


def insurer_row(insurer: pd.DataFrame, label: str, measure: str) -> pd.Series:
    """One measure of one scenario from the insurer table."""
    return insurer[(insurer["scenario"] == label) & (insurer["measure"] == measure)].iloc[0]


def pooled_loss_ratio(insurer: pd.DataFrame, label: str) -> float:
    return insurer_row(insurer, label, "loss_ratio_aggregate")["mean"]


def forest_figure(plt, effects: pd.DataFrame, years: str):
    """Effects of both versions side by side, each on its own scale: the
    pilot's are an order of magnitude smaller and would vanish on a shared one."""
    shown = effects[np.isfinite(effects["effect_pct"])]
    outcomes = list(dict.fromkeys(shown["outcome"]))
    y = {o: len(outcomes) - 1 - i for i, o in enumerate(outcomes)}
    fig, axes = plt.subplots(1, len(SCENARIOS), figsize=(11, 0.36 * len(outcomes) + 1.8),
                             sharey=True)
    for ax, label in zip(axes, SCENARIOS):
        t = shown[shown["scenario"] == label]
        pos = t["outcome"].map(y).to_numpy()
        mid = t["effect_pct"].to_numpy()
        err = [mid - t["ci_low_pct"].to_numpy(), t["ci_high_pct"].to_numpy() - mid]
        ax.errorbar(mid, pos, xerr=err, fmt="o", ms=4, color=COLOURS[label], capsize=3)
        ax.axvline(0, color="#888", lw=1)
        ax.set_title(f"{label}: {SCENARIOS[label].rsplit('/', 1)[-1]}")
        ax.set_xlabel("effect, % of the baseline mean")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(list(y.values()), [o.replace("_", " ") for o in y])
    fig.suptitle(f"Effects of transfer insurance in Ouhai, {years}: policy minus baseline, "
                 f"mean of {int(shown['n_pairs'].max())}\npaired replicates with 95 % interval "
                 "(note the different x scales)")
    fig.tight_layout()
    return fig


def series_figure(plt, comps: list[Comparison]):
    """Paired effect per quarter with its band, to show when the effects
    appear after the policy starts (pilot and scaled on their own scales)."""
    fig, axes = plt.subplots(len(SERIES), len(comps), figsize=(11, 2.8 * len(SERIES) + 0.8),
                             sharex=True, squeeze=False)
    for j, c in enumerate(comps):
        for i, (metric, title) in enumerate(SERIES.items()):
            ax = axes[i, j]
            s = c.paired[c.paired["metric"] == metric].sort_values("quarter")
            x = quarter_year(s["quarter"])
            ax.fill_between(x, s["effect_ci_low"], s["effect_ci_high"], color=COLOURS[c.label],
                            alpha=0.25, lw=0, label="95 % interval (paired)")
            ax.plot(x, s["effect"], color=COLOURS[c.label], lw=1.5, label="mean effect")
            ax.axhline(0, color="#888", lw=1)
            ax.axvline(quarter_year(c.start_quarter) - 0.125, color="#444", ls="--", lw=1,
                       label=f"insurance starts ({year_label(c.start_quarter)})")
            ax.set_title(f"{c.label}: {title}", fontsize=10)
            ax.set_ylabel(f"effect ({c.series_units[metric]})")
            ax.grid(alpha=0.3)
        axes[-1, j].set_xlabel("year")
    axes[0, 0].legend(loc="upper left", fontsize=8)
    fig.suptitle("Effect of transfer insurance over time: policy minus baseline per quarter, "
                 "mean of paired replicates\n(each panel on its own y scale)")
    fig.tight_layout()
    return fig


def insurer_figure(plt, comps: list[Comparison], insurer: pd.DataFrame):
    """Premiums against claims per replicate, and the loss ratio's spread
    with its mean and interval: is the insurer's loss steady or luck?"""
    from matplotlib.ticker import FuncFormatter
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6))
    insured = comps[0].years(comps[0].start_quarter)
    for k, c in enumerate(comps):
        premiums, claims = c.arm("policy", "premiums"), c.arm("policy", "claims")
        left.scatter(premiums, claims, s=22, color=COLOURS[c.label], label=c.label)
        ratio = c.arm("policy", "loss_ratio_end")
        jitter = np.linspace(-0.15, 0.15, len(ratio))
        right.scatter(k + jitter, ratio, s=18, color=COLOURS[c.label], alpha=0.6,
                      label="replicates" if k == 0 else None)
        mean = insurer_row(insurer, c.label, "loss_ratio_end")
        pooled = pooled_loss_ratio(insurer, c.label)
        right.errorbar(k + 0.3, mean["mean"], yerr=[[mean["mean"] - mean["ci_low"]],
                                                    [mean["ci_high"] - mean["mean"]]],
                       fmt="o", color="black", capsize=4,
                       label="mean, 95 % t-interval" if k == 0 else None)
        right.scatter(k + 0.38, pooled, marker="D", s=30, color="#e0a000", zorder=3,
                      label="pooled: Σ claims / Σ premiums" if k == 0 else None)
    values = np.concatenate([c.arm("policy", m).to_numpy() for c in comps
                             for m in ("premiums", "claims")])
    lim = np.array([values.min() / 2, values.max() * 2])
    left.plot(lim, lim, color="#888", ls=":", lw=1, label="loss ratio 1 (break-even)")
    for c in comps:
        pooled = pooled_loss_ratio(insurer, c.label)
        left.plot(lim, pooled * lim, color=COLOURS[c.label], ls="--", lw=1,
                  label=f"{c.label}: pooled loss ratio {pooled:.2f}")
    left.set(xscale="log", yscale="log", xlim=lim, ylim=lim,
             xlabel=f"gross premiums {insured} (M yuan, log scale)",
             ylabel=f"claims paid {insured} (M yuan, log scale)",
             title="Premiums and claims, one point per replicate")
    plain = FuncFormatter(lambda v, _: f"{v:g}")
    left.xaxis.set_major_formatter(plain)
    left.yaxis.set_major_formatter(plain)
    left.legend(fontsize=8, loc="upper left")
    left.grid(alpha=0.3, which="both")
    right.axhline(1, color="#888", ls=":", lw=1, label="break-even (loss ratio 1)")
    right.set_xticks(range(len(comps)), [c.label for c in comps])
    top = max(c.arm("policy", "loss_ratio_end").max() for c in comps)
    right.set(xlim=(-0.5, len(comps) - 0.4), ylim=(0, 1.3 * top),
              ylabel=f"loss ratio at the end of {insured[-4:]} (claims / premiums)",
              title="Insurer's loss ratio")
    right.legend(fontsize=8, loc="upper right")
    right.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def moral_hazard_figure(plt, comps: list[Comparison], moral: pd.DataFrame):
    """Mean quality of baseline, policy-arm and insured transfers, and the
    paired differences that say whether the insurance selects weaker ones."""
    groups = {"all transfers, baseline": ("base", "transfer_quality_mean"),
              "all transfers, with insurance": ("policy", "transfer_quality_mean"),
              "insured transfers": ("policy", "insured_quality_mean")}
    quality = moral[moral["measure"].isin(QUALITY_COMPARISONS)]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.4))
    width = 0.24
    for k, c in enumerate(comps):
        offset = (k - (len(comps) - 1) / 2) * width
        for g, (arm, column) in enumerate(groups.values()):
            iv = t_interval(c.arm(arm, column))
            left.errorbar(g + offset, iv["mean"], yerr=[[iv["mean"] - iv["ci_low"]],
                                                        [iv["ci_high"] - iv["mean"]]],
                          fmt="o", color=COLOURS[c.label], capsize=3,
                          label=c.label if g == 0 else None)
        rows = quality[quality["scenario"] == c.label]
        pos = np.arange(len(rows)) + offset
        right.errorbar(rows["difference"], pos, xerr=[rows["difference"] - rows["ci_low"],
                                                     rows["ci_high"] - rows["difference"]],
                       fmt="o", color=COLOURS[c.label], capsize=3, label=c.label)
    left.set_xticks(range(len(groups)), [g.replace(", ", ",\n") for g in groups])
    left.set(ylabel="mean latent quality (sd)",
             title="Mean quality over replicates, 95 % t-interval")
    left.legend(fontsize=8)
    left.grid(axis="y", alpha=0.3)
    right.axvline(0, color="#888", lw=1)
    right.set_yticks(range(len(QUALITY_COMPARISONS)),
                     [textwrap.fill(m, 30) for m in QUALITY_COMPARISONS])
    right.set_ylim(len(QUALITY_COMPARISONS) - 0.5, -0.5)
    right.set(xlabel="difference in mean quality (sd)",
              title="Paired difference per replicate, 95 % interval")
    right.legend(fontsize=8, loc="lower left")
    right.grid(axis="x", alpha=0.3)
    fig.suptitle("Moral hazard: are the transfers the insurance adds or covers weaker?")
    fig.tight_layout()
    return fig


# --- summary and main ----------------------------------------------------------------

def interval_text(mean: float, low: float, high: float, sign: str = "+") -> str:
    """An estimate and its interval, rounded to two significant digits of the
    interval's half-width (more would be noise)."""
    half = (high - low) / 2
    digits = max(0, 1 - int(np.floor(np.log10(half)))) if np.isfinite(half) and half > 0 else 3
    return f"{mean:{sign}.{digits}f} [{low:{sign}.{digits}f}, {high:{sign}.{digits}f}]"


def summary(effects: pd.DataFrame, costs: pd.DataFrame, insurer: pd.DataFrame,
            moral: pd.DataFrame, years: str) -> str:
    """The headline numbers of each version, for the terminal."""
    lines = []
    for label in SCENARIOS:
        e = effects[effects["scenario"] == label].set_index("outcome")
        lines.append(f"{label} ({SCENARIOS[label]} vs {BASELINE}), "
                     f"effect [95 % CI, paired], {years}:")
        for o in HEADLINE:
            r = e.loc[o]
            lines.append(f"  {o:<27} {interval_text(r['effect'], r['ci_low'], r['ci_high'])} "
                         f"{r['unit']}")
        m = moral[(moral["scenario"] == label) & (moral["policy_column"] == "insured_quality_mean")]
        r = m.iloc[0]
        lines.append(f"  {'insured - baseline quality':<27} "
                     f"{interval_text(r['difference'], r['ci_low'], r['ci_high'])} sd")
        c = costs[(costs["scenario"] == label) & (costs["outcome"] == "transfers")].iloc[0]
        cost = (interval_text(c["cost_per_unit"], c["cost_ci_low"], c["cost_ci_high"], "")
                if c["cost_status"] == "ok" else f"n/a ({c['cost_status']})")
        spend = interval_text(c["government_spend"], c["spend_ci_low"], c["spend_ci_high"], "")
        lines.append(f"  government spend {spend} M yuan; per extra transfer {cost} M yuan")
        lr = insurer_row(insurer, label, "loss_ratio_end")
        lines.append("  insurer's loss ratio at the end "
                     f"{interval_text(lr['mean'], lr['ci_low'], lr['ci_high'], '')} "
                     f"(mean over replicates), pooled {pooled_loss_ratio(insurer, label):.2f}")
    return "\n".join(lines)


def analyse(files: dict[str, Path], results: Results) -> str:
    """Every table, figure and report from the comparison files; returns the summary."""
    plt = pyplot()
    comps = [read_comparison(label, path) for label, path in files.items()]
    effects, costs = effects_table(comps), costs_table(comps)
    insurer, moral = insurer_table(comps), moral_hazard_table(comps)
    for name, table in (("effects", effects), ("costs", costs), ("insurer", insurer),
                        ("moral_hazard", moral)):
        results.table(table, name)
    years = comps[0].years()
    results.figure(forest_figure(plt, effects, years), "effects_forest")
    results.figure(series_figure(plt, comps), "effects_over_time")
    results.figure(insurer_figure(plt, comps, insurer), "insurer_loss_ratio")
    results.figure(moral_hazard_figure(plt, comps, moral), "moral_hazard_quality")
    for label, path in files.items():
        report.report(path, results.path(f"report_{label}.html"))
    return summary(effects, costs, insurer, moral, years)


def run(argv: list[str] | None = None) -> None:
    parser = argument_parser(__file__, __doc__)
    parser.add_argument("--replicates", type=int, default=REPLICATES, metavar="N",
                        help="paired replicates per comparison (default: %(default)s)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the comparison files already in --work instead of "
                             "running the simulator (default: run it)")
    args = parse_args(parser, argv)
    if args.replicates < 2:
        parser.error("--replicates must be at least 2 (a paired interval needs two pairs)")
    files = simulate(args)
    with Results(args.out) as results:
        headline = analyse(files, results)
    print(headline)
    print(f"tables, figures and reports in {args.out}; comparison files in {args.work}")


if __name__ == "__main__":
    sys.exit(main(run))
