#!/usr/bin/python3
"""Times the performance workloads (scenarios/scale/*.toml) at 1 and 2
threads (or --threads) and prints one table: wall seconds (median of
--repeats runs, each a separate process), agent-quarters per second, peak
resident memory, speed-up over one thread, and the share of the time spent
writing the HDF5 output; then the ratios the targets in docs/performance.md
are stated in. Each run is `incubsim run SCENARIO --threads T --timings`
under /usr/bin/time; nothing else should run on the machine meanwhile.

  bench/scale.py                                  # ouhai, province, national; 1 and 2 threads; 3 runs
  bench/scale.py --workloads ouhai province --repeats 5 --threads 1 2 4
  bench/scale.py --quarters 8 --workloads national   # a shorter national run (recorded quarters)
  bench/scale.py --markdown                        # the table as markdown, for docs/performance.md
  bench/scale.py --workloads ouhai --sweep-runs 50 # and Ouhai's cost per run inside a sweep

With --sweep-runs N (20 by default when ouhai is measured; 0: off) the
ouhai workload is also run as a sweep of N replicates, `incubsim sweep run
--jobs 1 --threads 1` with the sweep's own output (time series and ledgers,
no events or agent tables), --repeats times: the wall time per run, the
process start shared by the N runs, is what 10,000-run sweeps cost.

Agent-quarters: firms alive + academic researchers + active funds, summed
over the recorded quarters (/timeseries), per second of wall time (burn-in
quarters are run but not counted, so the rate is a lower bound).
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
WORKLOADS = ("ouhai", "province", "national")
AGENT_METRICS = ("firms_alive", "researchers_academic", "funds_active")


def run_once(binary: Path, workload: str, threads: int, quarters: int | None,
             out: Path) -> dict:
    """One run in its own process: wall, output and total seconds from
    --timings, peak RSS from /usr/bin/time, agent-quarters from the file."""
    cmd = ["/usr/bin/time", "-f", "maxrss_kb=%M", str(binary), "run",
           str(ROOT / "scenarios" / "scale" / f"{workload}.toml"), "-q", "--timings",
           "--threads", str(threads), "-o", str(out)]
    if quarters:
        cmd += ["--quarters", str(quarters)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        fail(f"cannot start `{' '.join(cmd)}`: {e}")
    if done.returncode != 0:
        sys.exit(f"bench/scale.py: `{' '.join(cmd[3:])}` failed:\n{done.stderr[-2000:]}")
    parts = {m.group(1).strip(): float(m.group(2)) for m in
             re.finditer(r"^\s+(.+?)\s+([0-9.]+) s\s+[0-9.]+ %$", done.stdout, re.M)}
    rss = re.search(r"maxrss_kb=(\d+)", done.stderr)
    if "total" not in parts or "output (HDF5)" not in parts or rss is None:
        fail(f"`{' '.join(cmd[3:])}` printed no --timings table or /usr/bin/time no peak "
             f"memory; is {binary} an incubsim binary?")
    return {"wall": parts["total"], "output": parts["output (HDF5)"],
            "rss_mib": int(rss.group(1)) / 1024, "agent_quarters": agent_quarters(out)}


def fail(message: str) -> None:
    """One line on stderr and exit status 2, never a traceback."""
    print(f"bench/scale.py: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def agent_quarters(out: Path) -> float:
    """Agent-quarters summed over the run file's /timeseries; the file is
    removed. A missing, damaged or foreign file is an error naming it."""
    try:
        if not out.is_file():
            fail(f"{out}: the run wrote no result file")
        if not h5py.is_hdf5(out):
            fail(f"{out} is not an HDF5 file (empty, truncated or not written by incubsim)")
        with h5py.File(out, "r") as f:
            if "timeseries" not in f or any(m not in f["timeseries"] for m in AGENT_METRICS):
                fail(f"{out} has no /timeseries/{{{','.join(AGENT_METRICS)}}}: it is not an "
                     "incubsim run file")
            ts = f["timeseries"]
            total = float(sum(np.sum(ts[m][()]) for m in AGENT_METRICS))
    except (OSError, KeyError, ValueError, TypeError) as e:
        fail(f"{out}: cannot read the run's result ({e}); the file is damaged or truncated")
    out.unlink()
    return total


def measure(binary: Path, workloads, threads, repeats: int, quarters: int | None) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="incubsim-scale-") as tmp:
        for w in workloads:
            for t in threads:
                runs = [run_once(binary, w, t, quarters, Path(tmp) / f"{w}-{t}.h5")
                        for _ in range(repeats)]
                wall = statistics.median(r["wall"] for r in runs)
                rows.append({
                    "workload": w, "threads": t, "wall": wall,
                    "walls": [r["wall"] for r in runs],
                    "agent_quarters_per_s": runs[0]["agent_quarters"] / wall,
                    "rss_mib": statistics.median(r["rss_mib"] for r in runs),
                    "output_share": statistics.median(r["output"] / r["wall"] for r in runs),
                })
                print(f"  {w} threads {t}: " + ", ".join(f"{x:.2f}" for x in rows[-1]["walls"])
                      + " s", file=sys.stderr)
    one = {r["workload"]: r["wall"] for r in rows if r["threads"] == threads[0]}
    for r in rows:
        r["speedup"] = one[r["workload"]] / r["wall"]
    return rows


def sweep_per_run(binary: Path, runs: int, repeats: int, quarters: int | None) -> list[float]:
    """Seconds per run of the ouhai workload inside `incubsim sweep run`:
    `runs` replicates planned afresh and run with one job of one thread,
    timed as a whole (planning excluded), once per repeat."""
    recorded = quarters or 40
    per_run = []
    with tempfile.TemporaryDirectory(prefix="incubsim-sweep-") as tmp:
        spec = Path(tmp) / "ouhai_replicates.toml"
        # One point (the workload's own recorded quarters), `runs` replicates.
        spec.write_text(f'base = "{ROOT / "scenarios" / "scale" / "ouhai.toml"}"\n'
                        f'design = "grid"\nreplicates = {runs}\nseed = 1\n'
                        f'[[parameter]]\nkey = "simulation.quarters"\nvalues = [{recorded}]\n')
        for k in range(repeats):
            sweep = Path(tmp) / f"sweep{k}"
            plan = subprocess.run([str(binary), "sweep", "plan", str(spec), "-o", str(sweep)],
                                  capture_output=True, text=True)
            if plan.returncode != 0:
                fail(f"`incubsim sweep plan` failed:\n{plan.stderr[-2000:]}")
            start = time.perf_counter()
            done = subprocess.run([str(binary), "sweep", "run", str(sweep), "-q", "--jobs", "1",
                                   "--threads", "1"], capture_output=True, text=True)
            seconds = time.perf_counter() - start
            if done.returncode != 0:
                fail(f"`incubsim sweep run` failed:\n{done.stderr[-2000:]}")
            per_run.append(seconds / runs)
            print(f"  ouhai sweep of {runs} runs: {seconds:.2f} s", file=sys.stderr)
    return per_run


def table(rows: list[dict], markdown: bool) -> str:
    head = ["workload", "threads", "wall s (median)", "agent-quarters/s", "peak RSS MiB",
            "speed-up", "output share"]
    body = [[r["workload"], str(r["threads"]), f"{r['wall']:.2f}",
             f"{r['agent_quarters_per_s'] / 1e6:.2f} M", f"{r['rss_mib']:.0f}",
             f"{r['speedup']:.2f}x", f"{100 * r['output_share']:.0f} %"] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(b) + " |" for b in body]
        return "\n".join(lines)
    widths = [max(len(x) for x in col) for col in zip(head, *body)]
    fmt = "  ".join(f"{{:>{w}}}" for w in widths)
    return "\n".join(fmt.format(*line) for line in [head, *body])


def ratios(rows: list[dict]) -> str:
    wall = {(r["workload"], r["threads"]): r["wall"] for r in rows}
    out = []
    for t in sorted({r["threads"] for r in rows}):
        if ("national", t) in wall and ("province", t) in wall:
            out.append(f"time(national) / time(province) at {t} thread(s): "
                       f"{wall[('national', t)] / wall[('province', t)]:.1f}")
    return "\n".join(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--incubsim", type=Path,
                   default=Path(os.environ.get("INCUBSIM",
                                               ROOT / "build" / "release" / "sim" / "incubsim")))
    p.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=list(WORKLOADS))
    p.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--quarters", type=int, default=None,
                   help="recorded quarters (default: the workload's 40)")
    p.add_argument("--markdown", action="store_true", help="print the table as markdown")
    p.add_argument("--sweep-runs", type=int, default=None,
                   help="also time ouhai as a sweep of this many runs (default 20 when ouhai "
                        "is measured; 0: off)")
    args = p.parse_args(argv)
    if not args.incubsim.is_file():
        p.error(f"{args.incubsim} does not exist; build with `cmake --workflow --preset build`")
    if args.repeats < 1 or (args.sweep_runs is not None and args.sweep_runs < 0):
        p.error("--repeats must be at least 1 and --sweep-runs at least 0")
    rows = measure(args.incubsim, args.workloads, args.threads, args.repeats, args.quarters)
    sweep_runs = args.sweep_runs if args.sweep_runs is not None else (
        20 if "ouhai" in args.workloads else 0)
    per_run = (sweep_per_run(args.incubsim, sweep_runs, args.repeats, args.quarters)
               if sweep_runs else [])
    print(table(rows, args.markdown))
    extra = ratios(rows)
    if extra:
        print(extra)
    if per_run:
        print(f"ouhai in a sweep of {sweep_runs} runs (one job, one thread): "
              f"{1000 * statistics.median(per_run):.0f} ms a run (median of {len(per_run)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
