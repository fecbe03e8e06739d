#!/usr/bin/env python3
"""Re-fits the Ouhai baseline (scenarios/ouhai/baseline.toml) to the reported
figures in ouhai_targets.py and reports reported vs simulated.

Procedure (deterministic given the seeds):
  * each fitted parameter is paired with the figure it mainly moves;
  * a pass solves each pair in turn, holding the others, by bracketed secant
    search on the mean over REPLICATES runs with fixed seeds (common random
    numbers make the mean a smooth function of the parameter);
  * two passes handle the coupling between pairs;
  * the fitted values are written to scenarios/ouhai/fitted.toml, which the
    baseline names as its base; then 2*REPLICATES fresh seeds give the
    reported-vs-simulated table (mean, sd, range), printed as markdown.

Usage: fit_ouhai.py [--incubsim PATH] [--replicates N] [--jobs J] [--table-only]
Needs Debian's python3 (h5py, numpy).
"""
import argparse
import concurrent.futures as cf
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ouhai_targets import CHECKS, TARGETS, RunData  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "ouhai" / "baseline.toml"
FITTED = ROOT / "scenarios" / "ouhai" / "fitted.toml"
FIT_SEEDS = [101, 202, 303, 404, 505, 606, 707, 808]
CHECK_SEEDS = [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013,
               1014, 1015, 1016]
FUND_TYPES = ["angel", "vc", "guidance", "corporate"]
DEFAULT_HURDLES = {"angel": 0.4, "vc": 0.7, "guidance": 0.3, "corporate": 0.6}


class Knob:
    """A fitted parameter: how it is set, its bounds, and its target."""

    def __init__(self, name, target, lo, hi, log, start, setter, increasing=True):
        self.name, self.target, self.lo, self.hi, self.log = name, target, lo, hi, log
        self.increasing = increasing  # does the target rise with the parameter?
        self.value = start
        self.setter = setter

    def overrides(self, value):
        return self.setter(value)


KNOBS = [
    # The strict national high-tech rule scales the firm population.
    Knob("firms.founders_per_quarter", "high_tech", 20.0, 1000.0, True, 110.0,
         lambda v: {"firms.founders_per_quarter": v}),
    # The provincial tech-SME bar sets how many of those firms qualify.
    Knob("firms.tech_sme_min_rd_intensity", "tech_smes", 0.001, 0.3, True, 0.03,
         lambda v: {"firms.tech_sme_min_rd_intensity": v}, increasing=False),
    Knob("incubators.capacity_mean", "admissions_h1_2024", 5.0, 300.0, True, 35.0,
         lambda v: {"incubators.capacity_mean": v}),
    Knob("incubators.promotion_graduates_per_slot", "provincial_incubators", 0.01, 5.0, True, 0.15,
         lambda v: {"incubators.promotion_graduates_per_slot": v}, increasing=False),
    # One shift of every fund type's hurdle (their order is kept).
    Knob("funds.hurdle_shift", "invested_2019_2023", -2.0, 4.0, False, 0.0,
         lambda v: {f"funds.{t}.hurdle": DEFAULT_HURDLES[t] + v for t in FUND_TYPES},
         increasing=False),
    Knob("researchers.inventions_per_year", "transfers_h2_2024", 0.02, 5.0, True, 0.3,
         lambda v: {"researchers.inventions_per_year": v}),
    Knob("funds.vc.size_mean", "fund_scale", 10.0, 5000.0, True, 200.0,
         lambda v: {"funds.vc.size_mean": v}),
]
TARGET_BY_NAME = {t.name: t for t in TARGETS}


def toml_value(v):
    return repr(float(v))


def run_once(incubsim, overrides, seed, workdir):
    out = Path(workdir) / f"run-{seed}-{abs(hash(tuple(sorted(overrides.items())))) % 10**12}.h5"
    cmd = [incubsim, "run", str(SCENARIO), "-q", "--threads", "1", "--seed", str(seed), "-o",
           str(out)]
    for k, v in sorted(overrides.items()):
        cmd += ["--set", f"{k}={toml_value(v)}"]
    subprocess.run(cmd, check=True)
    data = RunData(out)
    out.unlink()
    return data


def simulate(args, overrides, seeds, measures):
    with tempfile.TemporaryDirectory() as tmp, cf.ThreadPoolExecutor(args.jobs) as pool:
        runs = list(pool.map(lambda s: run_once(args.incubsim, overrides, s, tmp), seeds))
    return {m.name: np.array([m.measure(r) for r in runs]) for m in measures}


def all_overrides(knobs):
    o = {}
    for k in knobs:
        o.update(k.overrides(k.value))
    return o


def solve(args, knob, knobs):
    """Finds the knob value whose mean simulated target equals the report."""
    target = TARGET_BY_NAME[knob.target]
    seeds = FIT_SEEDS[: args.replicates]

    def f(x):
        saved = knob.value
        knob.value = x
        o = all_overrides(knobs)
        knob.value = saved
        return simulate(args, o, seeds, [target])[target.name].mean() - target.reported

    to = (lambda x: np.log(x)) if knob.log else (lambda x: x)
    back = (lambda y: float(np.exp(y))) if knob.log else (lambda y: float(y))
    lo, hi = to(knob.lo), to(knob.hi)
    a = to(knob.value)
    fa = f(back(a))
    # Step towards the report, doubling the step, until the gap changes sign.
    direction = (1.0 if fa < 0 else -1.0) * (1.0 if knob.increasing else -1.0)
    step = 0.3
    b, fb = a, fa
    while np.sign(fb) == np.sign(fa):
        nxt = min(max(b + direction * step, lo), hi)
        if nxt == b:
            print(f"  {knob.name}: hit its bound at {back(b):.6g} (gap {fb:+.1f})", file=sys.stderr)
            knob.value = back(b)
            return
        a, fa = b, fb
        b = nxt
        fb = f(back(b))
        step *= 2
    # Bracketed secant (regula falsi with the Illinois fix).
    side = 0
    for _ in range(10):
        c = b - fb * (b - a) / (fb - fa)
        fc = f(back(c))
        if abs(fc) <= 0.01 * abs(target.reported):
            a, fa = c, fc
            b, fb = c, fc
            break
        if np.sign(fc) == np.sign(fb):
            b, fb = c, fc
            if side == -1:
                fa /= 2
            side = -1
        else:
            a, fa = c, fc
            if side == 1:
                fb /= 2
            side = 1
    knob.value = back(b if abs(fb) < abs(fa) else a)
    print(f"  {knob.name} = {knob.value:.6g} (gap {min(abs(fa), abs(fb)):.1f})", file=sys.stderr)


def write_fitted(knobs):
    lines = [
        "# Written by analysis/calibration/fit_ouhai.py: the fitted part of the Ouhai",
        "# baseline (scenarios/ouhai/baseline.toml names this file as its base).",
        "# Re-run the script to re-fit; do not edit by hand.",
        'base = "baseline"',
        "",
    ]
    sections = {}
    for key, value in sorted(all_overrides(knobs).items()):
        section, name = key.rsplit(".", 1)
        sections.setdefault(section, []).append(f"{name} = {toml_value(value)}")
    for section, entries in sections.items():
        lines.append(f"[{section}]")
        lines += entries
        lines.append("")
    FITTED.write_text("\n".join(lines))


def table(args):
    seeds = CHECK_SEEDS[: 2 * args.replicates]
    values = simulate(args, {}, seeds, TARGETS + CHECKS)
    rows = ["| figure | reported | simulated mean | sd | min - max | status |",
            "|---|---|---|---|---|---|"]
    summary = {}
    for t in TARGETS + CHECKS:
        v = values[t.name]
        status = "fitted" if t in TARGETS else "check"
        rows.append(f"| {t.what} ({t.source}) | {t.reported:g} | {v.mean():.1f} | {v.std(ddof=1):.1f} "
                    f"| {v.min():.0f} - {v.max():.0f} | {status} |")
        summary[t.name] = {"reported": t.reported, "mean": v.mean(), "sd": v.std(ddof=1),
                           "min": v.min(), "max": v.max(), "fitted": t in TARGETS}
    print(f"\nReplicates: {len(seeds)} (seeds {seeds[0]}-{seeds[-1]}).\n")
    print("\n".join(rows))
    return summary


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--incubsim", default=str(ROOT / "build" / "release" / "sim" / "incubsim"))
    p.add_argument("--replicates", type=int, default=4)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    p.add_argument("--passes", type=int, default=2)
    p.add_argument("--table-only", action="store_true", help="skip fitting; report only")
    args = p.parse_args()
    if not args.table_only:
        write_fitted(KNOBS)  # the baseline names it as its base
        for n in range(args.passes):
            print(f"pass {n + 1}", file=sys.stderr)
            for knob in KNOBS:
                solve(args, knob, KNOBS)
        write_fitted(KNOBS)
        print(f"wrote {FITTED.relative_to(ROOT)}", file=sys.stderr)
    summary = table(args)
    out = Path(__file__).resolve().parent / "ouhai_fit.json"
    out.write_text(json.dumps(summary, indent=2, default=float) + "\n")


if __name__ == "__main__":
    main()
