"""The performance workloads and their driver work (not how fast they are:
timings belong to bench/, docs/performance.md): every scenarios/scale file
is a valid scenario of the documented size, `run --timings` accounts for the
run's wall time, and bench/scale.py produces its table on a short run."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest

WORKLOADS = {"ouhai": 4000, "province": 100000, "national": 1000000}


@pytest.mark.parametrize("name,firms", WORKLOADS.items())
def test_scale_scenarios_are_valid_and_sized(incubsim, source_dir, name, firms):
    r = incubsim("check", source_dir / "scenarios" / "scale" / f"{name}.toml")
    resolved = tomllib.loads(r.stdout)
    assert resolved["firms"]["initial_count"] == firms
    assert resolved["simulation"]["quarters"] == 40
    if name == "national":
        assert resolved["researchers"]["count"] == 500000
        assert resolved["incubators"]["count"] == 2000
        funds = sum(resolved["funds"][t]["initial_count"]
                    for t in ("angel", "vc", "guidance", "corporate"))
        assert funds == 10000
        enabled = [k for k, v in resolved["policy"].items()
                   if isinstance(v, dict) and "enabled" in v]
        assert enabled and all(resolved["policy"][k]["enabled"] for k in enabled)


def test_timings_account_for_the_run(incubsim, tmp_path):
    r = incubsim("run", "-q", "--timings", "--quarters", "3", "--set", "firms.initial_count=300",
                 "--set", "researchers.count=600", "-o", tmp_path / "t.h5")
    parts = {m.group(1).strip(): float(m.group(2)) for m in
             re.finditer(r"^\s+(.+?)\s+([0-9.]+) s\s+[0-9.]+ %$", r.stdout, re.M)}
    for name in ("setup", "research", "network", "metrics", "output (HDF5)", "other", "total"):
        assert name in parts, r.stdout
    total = parts.pop("total")
    assert total > 0
    # The timed parts account for the run: little is left over as "other"
    # (if the output were not timed, it would all land there).
    assert parts["other"] <= max(0.1 * total, 0.02), r.stdout
    # Printed to the millisecond, the parts add up to the total. A part of
    # so small a run may print as 0.000 s (setup did, once exp got fast);
    # the output, which creates a file, never does.
    assert abs(sum(parts.values()) - total) <= 0.0005 * len(parts) + 1e-9, r.stdout
    assert parts["output (HDF5)"] > 0, r.stdout


def test_timings_say_what_ran_alongside(incubsim, tmp_path):
    def timings(threads):
        return incubsim("run", "-q", "--timings", "--threads", threads, "--quarters", "3",
                        "--set", "firms.initial_count=300", "--set", "researchers.count=600",
                        "-o", tmp_path / f"t{threads}.h5").stdout
    out = timings("2")
    # Printed when some measurement ran alongside (so small a run's may
    # print as 0.000 s).
    assert re.search(r"^network measures alongside, on other threads: [0-9.]+ s$", out, re.M), out
    # One thread measures the network in place: nothing runs alongside.
    assert "alongside" not in timings("1")


def test_scale_driver_prints_its_table(incubsim, source_dir):
    p = subprocess.run([sys.executable, source_dir / "bench" / "scale.py", "--workloads", "ouhai",
                        "--threads", "1", "2", "--repeats", "1", "--quarters", "2",
                        "--sweep-runs", "2", "--incubsim", incubsim.path, "--markdown"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    rows = [line for line in p.stdout.splitlines() if line.startswith("| ouhai")]
    assert len(rows) == 2, p.stdout
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[1] == "1" and cells[5] == "1.00x"
    assert float(cells[2]) > 0 and cells[3].endswith(" M") and float(cells[4]) > 0
    # The cost of a run inside a sweep, the process start shared.
    sweep = re.search(r"^ouhai in a sweep of 2 runs \(one job, one thread\): (\d+) ms a run",
                      p.stdout, re.M)
    assert sweep and int(sweep.group(1)) > 0, p.stdout
