#!/usr/bin/python3
"""Validation against stylized facts: does the calibrated Ouhai baseline
reproduce what is known of firm survival, firm sizes, venture returns,
incubation and technology transfer (docs/validation.md)?

Runs scenarios/ouhai/baseline.toml with several seeds, pools them with
incubsim_analysis.validate, shows how much each fact moves between seeds,
and draws the survival curve, the firm-size tail and the deal outcomes
beside their references. See README.md beside this script.
"""
from __future__ import annotations

import math
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

from incubsim_analysis import experiment, report, validate  # noqa: E402
from incubsim_analysis.errors import AnalysisError  # noqa: E402
from incubsim_analysis.experiment import (Results, argument_parser, find_incubsim,  # noqa: E402
                                          pyplot, run_incubsim)
from incubsim_analysis.validate import RunData  # noqa: E402

SCENARIO = Path("scenarios/ouhai/baseline.toml")
#: The scenario's own seed; replicate i runs with FIRST_SEED + i.
FIRST_SEED = 20240601
REPLICATES = 10

WITHIN = "within the reference range"
MODEL_COLOUR = "#2b5d8a"
SEED_COLOUR = "#9db4c8"
REFERENCE_COLOUR = "#c0392b"
INSIDE_COLOUR = "#2e8b57"
FIT_COLOUR = "#e67e22"
#: Left edge of the deal-multiple axis (log scale cannot show 0x).
MULTIPLE_AXIS_START = 0.1


# --- command line and simulation ---------------------------------------------------

def parse_args(argv):
    """The shared experiment options plus how many seeds to run."""
    p = argument_parser(__file__, __doc__.split("\n\n")[0])
    p.add_argument("--replicates", type=int, default=REPLICATES, metavar="N",
                   help="runs with different seeds, pooled (default: %(default)s)")
    p.add_argument("--seed", type=int, default=FIRST_SEED, metavar="S",
                   help="seed of the first run; run i uses S + i (default: %(default)s, "
                        "the scenario's own seed)")
    args = experiment.parse_args(p, argv)
    if args.replicates < 1:
        p.error("--replicates must be at least 1")
    if args.seed < 0:
        p.error("--seed must not be negative")
    return args


def simulate(binary: Path, seeds: list[int], work: Path, jobs: int) -> list[Path]:
    """One run file per seed, `jobs` runs at once; threads are shared out so
    the runs do not oversubscribe the cores (results do not depend on it)."""
    work.mkdir(parents=True, exist_ok=True)
    threads = max(1, (os.cpu_count() or 1) // jobs)
    paths = [work / f"baseline-seed-{s}.h5" for s in seeds]

    def one(seed_path):
        seed, path = seed_path
        run_incubsim(binary, [*("run", SCENARIO, "-o", path, "--seed", str(seed)),
                              *("--threads", str(threads), "--quiet")])

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, zip(seeds, paths)))  # list() re-raises the first failure
    return paths


# --- facts per seed and their spread ----------------------------------------------

def facts_by_seed(paths: list[Path], seeds: list[int]) -> pd.DataFrame:
    """Every fact of every run on its own (long: seed, fact, model)."""
    rows = [{"seed": seed, "fact": fact, "model": value}
            for seed, path in zip(seeds, paths)
            for fact, value in validate.run_facts(path).items()]
    return pd.DataFrame(rows, columns=["seed", "fact", "model"])


def seed_spread(by_seed: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Per fact: the pooled value beside the mean, spread and 95 % interval
    (t, of the mean) of the single-seed values, and how many seeds fall inside
    the reference range. Pooling weights runs by their firms, positions and
    stays, so the pooled value need not equal the seed mean."""
    out = []
    for row in facts.itertuples(index=False):
        fact = row.fact
        x = by_seed.loc[by_seed["fact"] == fact, "model"].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        n = x.size
        mean = float(np.mean(x)) if n else math.nan
        sd = float(np.std(x, ddof=1)) if n > 1 else math.nan
        half = float(stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)) if n > 1 else math.nan
        has_range = math.isfinite(row.reference_low)
        out.append({
            "fact": fact, "pooled": row.model, "seeds": n, "seed_mean": mean,
            "seed_sd": sd, "seed_min": float(np.min(x)) if n else math.nan,
            "seed_max": float(np.max(x)) if n else math.nan,
            "mean_ci95_low": mean - half, "mean_ci95_high": mean + half,
            "seeds_within": (int(np.sum((x >= row.reference_low) &
                                        (x <= row.reference_high)))
                             if has_range else pd.NA)})
    return pd.DataFrame(out)


# --- raw material for the figures ---------------------------------------------------

def read_samples(paths: list[Path]) -> list[RunData]:
    """Firm lifetimes, sizes and realised deal multiples of each run, as the
    package computes its facts from them."""
    samples = [validate.run_data(p) for p in paths]
    for path, s in zip(paths, samples):
        if s.survival is None or s.sizes is None or s.multiples is None:
            raise AnalysisError(f"{path} has no agent or event tables; run with "
                                "simulation.record_agents and record_events on")
    return samples


def pooled_survival(samples: list[RunData]) -> pd.DataFrame:
    """Kaplan-Meier over the firms of all runs together."""
    return validate.kaplan_meier(np.concatenate([s.survival[0] for s in samples]),
                                 np.concatenate([s.survival[1] for s in samples]))


def pooled(samples: list[RunData], field: str) -> np.ndarray:
    """One field of every sample, concatenated."""
    return np.concatenate([getattr(s, field) for s in samples])


def fact_row(facts: pd.DataFrame, prefix: str) -> pd.Series:
    """The one row of the facts table whose name starts with `prefix`."""
    hits = facts[facts["fact"].str.startswith(prefix)]
    if len(hits) != 1:
        raise AnalysisError(f"the validation table has {len(hits)} facts named "
                            f"'{prefix}...'; expected one (has validate.py changed?)")
    return hits.iloc[0]


def survival_years(facts: pd.DataFrame) -> list[int]:
    """The ages (years) at which the table states firm survival."""
    return sorted(int(m.group(1)) for fact in facts["fact"]
                  if (m := re.match(r"firm survival at (\d+) years?", fact)))


# --- figures ---------------------------------------------------------------------

def step_curve(km: pd.DataFrame):
    """A Kaplan-Meier table as (age in years, survival) starting at (0, 1)."""
    return (np.concatenate(([0.0], km["time"].to_numpy() / 4.0)),
            np.concatenate(([1.0], km["survival"].to_numpy())))


def reference_errorbar(ax, x, facts: pd.DataFrame, prefixes, transform=lambda v: v,
                       label="reference"):
    """Reference values with their ranges at positions `x`."""
    rows = [fact_row(facts, p) for p in prefixes]
    ref = np.array([transform(r["reference"]) for r in rows])
    ends = np.array([sorted((transform(r["reference_low"]), transform(r["reference_high"])))
                     for r in rows])
    ax.errorbar(x, ref, yerr=[ref - ends[:, 0], ends[:, 1] - ref], fmt="D",
                color=REFERENCE_COLOUR, ms=7, capsize=5, lw=1.8, zorder=5, label=label)


def survival_figure(plt, samples: list[RunData], facts: pd.DataFrame):
    """(a) Survival by firm age: pooled and per-seed curves, BLS points."""
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    ax.plot(*step_curve(pooled_survival(samples)), drawstyle="steps-post", color=SEED_COLOUR,
            lw=5, label=f"model, {len(samples)} seeds pooled")
    for i, s in enumerate(samples):   # drawn over the pooled curve: they barely differ
        ax.plot(*step_curve(validate.kaplan_meier(*s.survival)), drawstyle="steps-post",
                color=MODEL_COLOUR, lw=0.6, alpha=0.8,
                label="single seeds (inside the pooled line)" if i == 0 else None)
    years = survival_years(facts)
    reference_errorbar(ax, years, facts, [f"firm survival at {y} year" for y in years],
                       label="US BLS, new establishments (range)")
    ax.set(xlabel="firm age (years)", ylabel="share of firms still alive (Kaplan-Meier)",
           xlim=(0, 10), ylim=(0, 1.02),
           title="Firm survival by age: Ouhai baseline beside US new establishments")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", frameon=False)
    return fig


def ccdf(x: np.ndarray):
    """Distinct values and the share of observations at or above each."""
    values, counts = np.unique(np.sort(x), return_counts=True)
    return values, counts[::-1].cumsum()[::-1] / x.size


def size_figure(plt, samples: list[RunData]):
    """(b) Firm-size CCDF with the fitted power-law tail and Zipf's law."""
    x = pooled(samples, "sizes")
    x = x[x > 0]
    alpha, se, n_tail = validate.powerlaw_tail(x)
    values, share = ccdf(x)
    xmin = float(np.min(np.sort(x)[-n_tail:]))
    anchor = n_tail / x.size                      # P(X >= xmin)
    line = np.geomspace(xmin, values[-1], 50)
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    ax.loglog(values, share, "o", ms=3, color=MODEL_COLOUR,
              label=f"model: employees of alive firms ({x.size:,} firms, {len(samples)} seeds)")
    ax.loglog(line, anchor * (line / xmin) ** (1 - alpha), color=FIT_COLOUR, lw=2,
              label=f"fitted tail: alpha = {alpha:.2f} ± {se:.2f} "
                    f"(x ≥ {xmin:g}, {n_tail} firms)")
    ax.loglog(line, anchor * (line / xmin) ** -1.0, "--", color=REFERENCE_COLOUR, lw=1.5,
              label="Zipf's law, alpha = 2 (Axtell 2001: 2.06)")
    ax.axvline(xmin, color="0.6", lw=0.8, ls=":")
    ax.set(xlabel="employees", ylabel="share of firms with at least this many",
           title="Firm-size distribution (CCDF) and its power-law tail",
           ylim=(0.5 / x.size, 1.5))
    ax.grid(alpha=0.3, which="both", lw=0.4)
    ax.legend(loc="lower left", frameon=False, fontsize=9)
    return fig


def short_name(fact: str) -> str:
    """A fact's name without its parenthesised definition."""
    return fact.split(" (")[0]


def facts_figure(plt, facts: pd.DataFrame, spread: pd.DataFrame):
    """(c) Every fact with a reference: model / reference on a log axis,
    the reference range as a band, the range of single seeds as a line."""
    rows = facts[np.isfinite(facts["reference"])].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(rows) + 1.4))
    ratios = []
    for i, r in rows.iterrows():
        y = len(rows) - 1 - i
        s = spread.loc[spread["fact"] == r["fact"]].iloc[0]
        ref = r["reference"]
        ax.barh(y, (r["reference_high"] - r["reference_low"]) / ref, left=r["reference_low"] / ref,
                height=0.6, color="0.85", edgecolor="0.6", zorder=1)
        ax.hlines(y, s["seed_min"] / ref, s["seed_max"] / ref, color=SEED_COLOUR, lw=2, zorder=2)
        inside = r["verdict"] == WITHIN
        ax.plot(r["model"] / ref, y, "o", ms=8, zorder=3,
                color=INSIDE_COLOUR if inside else REFERENCE_COLOUR)
        ax.annotate(f"{r['model']:.3g} vs {ref:.3g} ({r['reference_low']:.3g}-"
                    f"{r['reference_high']:.3g})", (1.0, y), xycoords=("axes fraction", "data"),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=9)
        ratios += [r["model"] / ref, s["seed_min"] / ref, s["seed_max"] / ref]
    ax.annotate("pooled model vs reference (range)", (1.0, 1.0), xycoords="axes fraction",
                xytext=(6, 4), textcoords="offset points", va="bottom", fontsize=9,
                weight="bold")
    reach = max(2.0, *[max(v, 1 / v) for v in ratios if v > 0]) * 1.25
    ax.set_xscale("log")
    ax.set_xlim(1 / reach, reach)
    ax.axvline(1.0, color="0.3", lw=0.8)
    ax.set_yticks(range(len(rows)), [short_name(f) for f in rows["fact"][::-1]])
    ticks = [t for t in (0.1, 0.2, 0.5, 1, 2, 5, 10) if 1 / reach <= t <= reach]
    ax.set_xticks(ticks, [f"{t:g}×" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("model / reference (log scale)")
    ax.set_title("Stylized facts: model (dot: pooled, green inside the range, red outside; "
                 "line: seed min-max)\nbeside the reference range (grey band)", fontsize=10)
    ax.grid(alpha=0.3, axis="x")
    return fig


def multiple_steps(m: np.ndarray):
    """P(M >= x) of the multiples as a left-continuous step function
    (plot with drawstyle="steps-pre"), starting at the axis' left edge so
    that total losses (0x) show as the gap below 1."""
    values, share = ccdf(m[m > 0])
    share = share * np.mean(m > 0)
    start = min(MULTIPLE_AXIS_START, values[0])
    return np.concatenate(([start], values)), np.concatenate(([share[0]], share))


def multiples_figure(plt, samples: list[RunData], facts: pd.DataFrame):
    """(d) Share of realised positions returning at least m times the money,
    with the VC reference points at 1x and 10x."""
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    for i, s in enumerate(samples):
        ax.loglog(*multiple_steps(s.multiples), drawstyle="steps-pre", color=SEED_COLOUR,
                  lw=0.8, alpha=0.8, label="single seeds" if i == 0 else None)
    m = pooled(samples, "multiples")
    x, share = multiple_steps(m)
    ax.loglog(x, share, drawstyle="steps-pre", color=MODEL_COLOUR, lw=2.2,
              label=f"model, {m.size:,} realised positions ({np.mean(m == 0):.0%} returned "
                    f"nothing, {np.mean(m == 1):.0%} exactly 1x)")
    reference_errorbar(ax, [1.0], facts, ["venture deals returning < 1x"],
                       transform=lambda v: 1.0 - v, label=None)
    reference_errorbar(ax, [10.0], facts, ["venture deals returning >= 10x"],
                       label="US venture deals (Correlation Ventures, Horsley Bridge)")
    ax.set(xlabel="multiple m (proceeds / invested)",
           ylabel="share of positions returning at least m",
           title="Venture deal outcomes: realised fund-firm positions",
           xlim=(MULTIPLE_AXIS_START, max(x[-1] * 1.5, 20)), ylim=(0.5 / m.size, 1.0))
    ax.grid(alpha=0.3, which="both", lw=0.4)
    ax.legend(loc="lower left", frameon=False, fontsize=9)
    return fig


# --- summary -----------------------------------------------------------------------

def summary(facts: pd.DataFrame, spread: pd.DataFrame, seeds: list[int]) -> str:
    """A few lines for the terminal: how many facts fit, the worst misses."""
    ref = facts[np.isfinite(facts["reference"])].copy()
    ref["ratio"] = ref["model"] / ref["reference"]
    ref["miss"] = np.abs(np.log(ref["ratio"]))
    inside = int((ref["verdict"] == WITHIN).sum())
    lines = [f"{len(seeds)} runs of {SCENARIO.as_posix()} (seeds {seeds[0]}-{seeds[-1]}), pooled: "
             f"{inside} of {len(ref)} facts with a reference are within its range",
             "biggest misses (pooled model vs reference, seed range):"]
    for r in ref[ref["verdict"] != WITHIN].sort_values("miss", ascending=False).head(4) \
            .itertuples():
        s = spread.loc[spread["fact"] == r.fact].iloc[0]
        lines.append(f"  {short_name(r.fact)}: {r.model:.3g} vs {r.reference:.3g} "
                     f"({r.reference_low:.3g}-{r.reference_high:.3g}), {r.ratio:.2f}x; "
                     f"seeds {s['seed_min']:.3g}-{s['seed_max']:.3g}")
    return "\n".join(lines)


def run(argv=None) -> None:
    args = parse_args(argv)
    binary = find_incubsim(args.incubsim).resolve()
    seeds = [args.seed + i for i in range(args.replicates)]
    paths = simulate(binary, seeds, args.work, min(args.jobs, len(seeds)))
    facts = validate.validate(paths)
    by_seed = facts_by_seed(paths, seeds)
    spread = seed_spread(by_seed, facts)
    samples = read_samples(paths)
    plt = pyplot()
    with Results(args.out) as results:
        results.table(facts, "facts")
        results.table(by_seed, "facts_by_seed")
        results.table(spread, "facts_spread")
        results.figure(survival_figure(plt, samples, facts), "survival")
        results.figure(size_figure(plt, samples), "firm_size_ccdf")
        results.figure(facts_figure(plt, facts, spread), "facts_vs_reference")
        results.figure(multiples_figure(plt, samples, facts), "deal_multiples")
        report.report(paths[0], results.path("report.html"))
    print(summary(facts, spread, seeds))
    print(f"results: {args.out} (tables/, figures/, report.html of seed {seeds[0]}); "
          f"run files: {args.work}")


if __name__ == "__main__":
    sys.exit(experiment.main(run))
