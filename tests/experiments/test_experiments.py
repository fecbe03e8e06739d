"""The reproducible experiments (analysis/experiments/<name>/run.py) must
regenerate, from nothing, exactly the tables and figures committed beside
them, so the numbers and pictures docs/ shows are what the code gives.

Each experiment runs the real simulator into a temporary directory; every
CSV table must be byte-identical to the committed one (a unified diff is
printed when not) and every PNG figure too, and the HTML report must exist.
After a deliberate change of the model or of an experiment, rewrite the
committed results with INCUBSIM_UPDATE_GOLDEN=1 (and update the numbers in
the experiment's README.md).

CTest runs one experiment per test (`-k NAME`) so they run side by side.
"""
from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2]
EXPERIMENTS = sorted(p.parent.name for p in (SOURCE / "analysis" / "experiments").glob("*/run.py"))
UPDATE_ENV = "INCUBSIM_UPDATE_GOLDEN"
TIMEOUT_S = 1200


def _updating() -> bool:
    return os.environ.get(UPDATE_ENV, "") not in ("", "0")


def _run(name: str, *args: str | os.PathLike, timeout: float = TIMEOUT_S):
    script = SOURCE / "analysis" / "experiments" / name / "run.py"
    return subprocess.run([sys.executable, script, *map(os.fspath, args)],
                          capture_output=True, text=True, timeout=timeout)


def _files(directory: Path) -> list[str]:
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*")
                  if p.is_file())


def _table_diff(expected: Path, got: Path) -> str:
    diff = difflib.unified_diff(expected.read_text().splitlines(),
                                got.read_text().splitlines(),
                                fromfile=f"committed {expected.name}",
                                tofile=f"regenerated {got.name}", lineterm="", n=1)
    lines = list(diff)
    more = f"\n... {len(lines) - 60} more diff lines" if len(lines) > 60 else ""
    return "\n".join(lines[:60]) + more


def test_experiments_are_found():
    assert {"insurance_pilot", "insurance_sensitivity", "validation"} <= set(EXPERIMENTS)


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_help_names_the_shared_options(name):
    p = _run(name, "--help", timeout=60)
    assert p.returncode == 0, p.stderr
    for option in ("--out", "--work", "--incubsim", "--jobs"):
        assert option in p.stdout


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_a_missing_simulator_is_one_line_and_exit_2(name, tmp_path):
    p = _run(name, "--incubsim", tmp_path / "nope", "-o", tmp_path / "out", "--work",
             tmp_path / "work", timeout=60)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "Traceback" not in p.stderr
    assert p.stderr.strip().startswith("run.py: error:") and "incubsim" in p.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_regenerates_the_committed_results(name, incubsim, tmp_path):
    out, work = tmp_path / "results", tmp_path / "work"
    p = _run(name, "-o", out, "--work", work, "--incubsim", incubsim.path, "--jobs", "2")
    assert p.returncode == 0, f"{name} failed (exit {p.returncode}):\n{p.stderr[-3000:]}"
    assert list(out.glob("*.html")), f"{name} wrote no HTML report"
    committed = SOURCE / "analysis" / "experiments" / name / "results"
    got = [f for f in _files(out) if not f.endswith(".html")]
    if _updating():
        for sub in ("tables", "figures"):
            shutil.rmtree(committed / sub, ignore_errors=True)
            shutil.copytree(out / sub, committed / sub)
        return
    assert got, f"{name} wrote no tables or figures"
    expected = [f for f in _files(committed) if not f.endswith(".html")]
    assert got == expected, (
        f"{name}: regenerated files {got} differ from the committed {expected}; "
        f"rewrite them with {UPDATE_ENV}=1")
    problems = []
    for rel in got:
        a, b = committed / rel, out / rel
        if a.read_bytes() == b.read_bytes():
            continue
        if rel.endswith(".csv"):
            problems.append(f"{rel} differs:\n{_table_diff(a, b)}")
        else:
            problems.append(f"{rel} differs (same name, other pixels)")
    assert not problems, (
        f"{name} no longer reproduces its committed results; if the change is meant, "
        f"rerun with {UPDATE_ENV}=1 and update its README's numbers.\n" + "\n".join(problems))
