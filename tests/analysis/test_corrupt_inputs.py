"""The Python tools given a bad file: every command of incubsim-analysis, the
experiment that reads files it did not just write (insurance_pilot --reuse)
and bench/scale.py, each through its real command line with Debian's
python3, given a truncated HDF5 file, a text file named .h5, an HDF5 file of
another format, an empty file, a missing file and a directory. Each must
print one line naming the file, exit 2, and never dump a traceback."""
from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

SOURCE = Path(__file__).resolve().parents[2]
ANALYSIS = SOURCE / "analysis" / "incubsim-analysis"
PILOT = SOURCE / "analysis" / "experiments" / "insurance_pilot" / "run.py"
SCALE = SOURCE / "bench" / "scale.py"
PYTHON = "/usr/bin/python3"  # the first python3 on PATH may lack h5py
EXIT_INVALID = 2

KINDS = ["truncated", "text", "foreign", "other_format", "empty", "missing", "directory"]

SWEEP_TOML = """\
design = "grid"

[fixed]
"simulation.quarters" = 3
"simulation.burn_in" = 0
"firms.initial_count" = 100
"researchers.count" = 200

[[parameter]]
key = "firms.fixed_cost"
values = [0.02, 0.04]
"""

SMALL = ["--quarters", "3", "--set", "simulation.burn_in=0", "--set", "firms.initial_count=100",
         "--set", "researchers.count=200"]


@pytest.fixture(scope="module")
def good(incubsim, source_dir, tmp_path_factory) -> dict[str, Path]:
    """One real file of each format: run, comparison, merged sweep, plan."""
    top = tmp_path_factory.mktemp("good")
    run = top / "run.h5"
    incubsim("run", "-q", "--threads", "1", *SMALL, "-o", run)
    cmp_ = top / "cmp.h5"
    ouhai = source_dir / "scenarios" / "ouhai"
    incubsim("compare", "-q", "-n", "2", "--threads", "1", "--bootstrap", "100", *SMALL,
             ouhai / "baseline.toml", ouhai / "insurance_pilot.toml", "-o", cmp_)
    (top / "sweep.toml").write_text(SWEEP_TOML, encoding="utf-8")
    incubsim("sweep", "plan", top / "sweep.toml", "-o", top / "plan")
    incubsim("sweep", "run", top / "plan", "-q", "--threads", "1")
    incubsim("sweep", "merge", top / "plan", "-o", top / "sweep.h5")
    return {"incubsim-run": run, "incubsim-compare": cmp_, "incubsim-sweep": top / "sweep.h5",
            "manifest": top / "plan" / "manifest.h5"}


def make_bad(kind: str, expected: str, good: dict[str, Path], where: Path,
             other: str = "manifest") -> Path:
    """A bad file of `kind` at `where`, standing in for a file of format
    `expected`; `other` is the real incubsim file of the wrong format."""
    where.parent.mkdir(parents=True, exist_ok=True)
    if kind == "truncated":
        data = good[expected].read_bytes()
        where.write_bytes(data[: len(data) // 2])
    elif kind == "text":
        where.write_text("quarter,firms_alive\n0,1200\n", encoding="utf-8")
    elif kind == "foreign":
        with h5py.File(where, "w") as f:
            f["timeseries/firms_alive"] = np.arange(4)
            f.attrs["title"] = "written by some other program"
    elif kind == "other_format":
        where.write_bytes(good[other].read_bytes())
    elif kind == "empty":
        where.write_bytes(b"")
    elif kind == "directory":
        where.mkdir()
    elif kind != "missing":
        raise ValueError(kind)
    return where


def assert_one_line_error(p: subprocess.CompletedProcess, prefix: str, names: str) -> str:
    assert p.returncode == EXIT_INVALID, (
        f"exit status {p.returncode}\n--- stdout ---\n{p.stdout}\n--- stderr ---\n{p.stderr}")
    assert "Traceback" not in p.stderr, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line:\n{p.stderr}"
    assert lines[0].startswith(prefix), lines[0]
    assert names in lines[0], f"the message does not name {names}: {lines[0]}"
    return lines[0]


# --- incubsim-analysis ---------------------------------------------------------------

# command: (arguments, the format it reads, a real file of a format it refuses)
COMMANDS = {
    "table": (["table"], "incubsim-run", "manifest"),
    "table_series": (["table", "--what", "series"], "incubsim-sweep", "manifest"),
    "report": (["report", "-o", "report.html"], "incubsim-run", "manifest"),
    "report_compare": (["report", "-o", "report.html"], "incubsim-compare", "manifest"),
    "sensitivity": (["sensitivity", "--n-boot", "10"], "incubsim-sweep", "incubsim-run"),
    "validate": (["validate"], "incubsim-run", "incubsim-sweep"),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_analysis_command_on_bad_file(good, tmp_path, command, kind):
    args, expected, other = COMMANDS[command]
    bad = make_bad(kind, expected, good, tmp_path / "in" / "result.h5", other)
    p = subprocess.run([str(ANALYSIS), *args, str(bad)], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert_one_line_error(p, "incubsim-analysis: error: ", str(bad))
    assert p.stdout == ""
    assert not (tmp_path / "report.html").exists(), "a failed report left its output"


def test_validate_names_the_bad_file_among_good_ones(good, tmp_path):
    bad = make_bad("truncated", "incubsim-run", good, tmp_path / "second.h5")
    p = subprocess.run([str(ANALYSIS), "validate", str(good["incubsim-run"]), str(bad)],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    assert_one_line_error(p, "incubsim-analysis: error: ", str(bad))


def test_damaged_run_file_is_a_clear_error(good, tmp_path):
    """Bytes overwritten in the middle: the file opens, a dataset cannot be read."""
    data = bytearray(good["incubsim-run"].read_bytes())
    for start in range(len(data) // 4, len(data), max(1, len(data) // 8)):
        data[start:start + 4096] = b"\xff" * min(4096, len(data) - start)
    bad = tmp_path / "damaged.h5"
    bad.write_bytes(bytes(data))
    p = subprocess.run([str(ANALYSIS), "report", "-o", "r.html", str(bad)], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    # Whether the damage is met depends on what the report reads; if it is,
    # it is one line naming the file.
    if p.returncode != 0:
        assert_one_line_error(p, "incubsim-analysis: error: ", str(bad))


# --- experiments ------------------------------------------------------------------------

PILOT_LABELS = ("pilot", "scaled")


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("missing", "directory")]
                         + ["hollow"])
def test_experiment_reuse_of_bad_work_file(good, tmp_path, kind):
    work = tmp_path / "work"
    for label in PILOT_LABELS:
        where = work / f"{label}.h5"
        if kind == "hollow":  # the right format attribute and nothing else
            where.parent.mkdir(parents=True, exist_ok=True)
            with h5py.File(where, "w") as f:
                f.attrs["format"] = "incubsim-compare"
                f.attrs["format_version"] = "1.0"
        else:
            make_bad(kind, "incubsim-compare", good, where, "incubsim-run")
    # --incubsim names no binary: with --reuse nothing may be run.
    p = subprocess.run([PYTHON, str(PILOT), "--reuse", "--work", str(work), "-o",
                        str(tmp_path / "results"), "--incubsim", str(tmp_path / "no-incubsim")],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300,
                       stdin=subprocess.DEVNULL)
    assert_one_line_error(p, "run.py: error: ", str(work / "pilot.h5"))
    assert not (tmp_path / "results").exists()


# --- bench/scale.py ----------------------------------------------------------------------

FAKE_INCUBSIM = """#!/bin/sh
# Stands in for incubsim run: copies $BAD_SOURCE to the -o file (if set)
# and prints a --timings table.
out=""
while [ $# -gt 0 ]; do
  if [ "$1" = "-o" ]; then out="$2"; fi
  shift
done
if [ -n "$BAD_SOURCE" ]; then cp -r "$BAD_SOURCE" "$out"; fi
printf '  total            1.00 s  100.0 %%\\n  output (HDF5)    0.10 s   10.0 %%\\n'
"""


@pytest.mark.parametrize("kind", KINDS)
def test_scale_bench_on_bad_result(good, tmp_path, kind):
    fake = tmp_path / "fake-incubsim"
    fake.write_text(FAKE_INCUBSIM, encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    env = dict(os.environ)
    env.pop("BAD_SOURCE", None)
    if kind != "missing":
        bad = make_bad(kind, "incubsim-run", good, tmp_path / "source" / "bad.h5")
        env["BAD_SOURCE"] = str(bad)
    p = subprocess.run([PYTHON, str(SCALE), "--incubsim", str(fake), "--workloads", "ouhai",
                        "--threads", "1", "--repeats", "1"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert_one_line_error(p, "bench/scale.py: error: ", "ouhai-1.h5")


def test_scale_bench_on_a_binary_that_prints_no_timings(tmp_path):
    fake = tmp_path / "fake-incubsim"
    fake.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    p = subprocess.run([PYTHON, str(SCALE), "--incubsim", str(fake), "--workloads", "ouhai",
                        "--threads", "1", "--repeats", "1"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert_one_line_error(p, "bench/scale.py: error: ", "printed no --timings table")
