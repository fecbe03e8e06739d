"""`incubsim sweep plan` and `sweep run` through the real CLI: determinism of
plans, local runs, Slurm-style shards, real `mpirun`, failures that do not
stop a sweep, and kill -9 followed by a resume that completes every run
exactly once."""
from __future__ import annotations

import os
import pty
import shutil
import signal
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from incubsim_testlib import assert_same_datasets, write_text

# Small, fast runs: a few hundred firms for a few quarters.
SMALL_FIXED = """
[fixed]
"simulation.quarters" = 6
"simulation.burn_in" = 0
"firms.initial_count" = 300
"researchers.count" = 600
"""


def grid_sweep(tmp_path: Path, founders: list[float], replicates: int = 2,
               extra: str = "") -> Path:
    values = ", ".join(f"{v:.1f}" for v in founders)
    return write_text(tmp_path / "sweep.toml", f"""
design = "grid"
replicates = {replicates}
seed = 11
{SMALL_FIXED}
[[parameter]]
key = "firms.founders_per_quarter"
values = [{values}]
{extra}""")


def invalid_point_sweep(tmp_path: Path, replicates: int) -> Path:
    """Three points, of which point 1 is invalid: funds.investment_period may
    not exceed funds.life (40)."""
    return write_text(tmp_path / "bad.toml", f"""
design = "grid"
replicates = {replicates}
seed = 2
{SMALL_FIXED}
[[parameter]]
key = "funds.investment_period"
values = [4, 400, 8]
""")


def plan(incubsim, sweep: Path, directory: Path) -> Path:
    incubsim("sweep", "plan", sweep, "-o", directory)
    return directory


def run_files(directory: Path) -> dict[int, Path]:
    return {int(p.stem.split("-")[1]): p for p in (directory / "runs").glob("*/run-*.h5")}


def temporaries(directory: Path) -> list[Path]:
    return sorted((directory / "runs").glob("*/*.tmp-*"))


def assert_same_runs(a: Path, b: Path, expected: int) -> None:
    fa, fb = run_files(a), run_files(b)
    assert sorted(fa) == list(range(expected)), f"{a} holds runs {sorted(fa)}"
    assert sorted(fb) == list(range(expected)), f"{b} holds runs {sorted(fb)}"
    for run_id in fa:
        assert_same_datasets(fa[run_id], fb[run_id])


@pytest.fixture(scope="module")
def reference(incubsim, tmp_path_factory) -> tuple[Path, Path]:
    """A 6-point x 2-replicate sweep run uninterrupted on this machine."""
    tmp = tmp_path_factory.mktemp("reference")
    sweep = grid_sweep(tmp, [5, 10, 20, 30, 40, 60])
    directory = plan(incubsim, sweep, tmp / "sweep")
    incubsim("sweep", "run", directory, "-q")
    return sweep, directory


def test_plan_is_deterministic(incubsim, tmp_path):
    sweep = write_text(tmp_path / "lhs.toml", f"""
design = "lhs"
points = 16
replicates = 3
seed = 5
{SMALL_FIXED}
[[parameter]]
key = "firms.founders_per_quarter"
min = 5.0
max = 80.0
scale = "log"
[[parameter]]
key = "firms.fixed_cost"
min = 0.01
max = 0.1
""")
    a = plan(incubsim, sweep, tmp_path / "a")
    b = plan(incubsim, sweep, tmp_path / "b")
    for group in ("parameters", "points", "runs"):
        with h5py.File(a / "manifest.h5") as fa, h5py.File(b / "manifest.h5") as fb:
            assert sorted(fa[group]) == sorted(fb[group])
            for name in fa[group]:
                x, y = fa[group][name][()], fb[group][name][()]
                same = x.tolist() == y.tolist() if x.dtype == object else x.tobytes() == y.tobytes()
                assert same, f"{group}/{name} differs between two plans of one sweep"
    with h5py.File(a / "manifest.h5") as f:
        assert f["runs/run_id"].shape == (48,)
        # Common random numbers: replicate r has the same seed at every point.
        seeds = f["runs/seed"][()].reshape(16, 3)
        assert (seeds == seeds[0]).all() and len(set(seeds[0])) == 3
    assert (a / "base.toml").read_text() == (b / "base.toml").read_text()


def test_plan_refuses_a_directory_that_holds_a_plan(incubsim, tmp_path):
    sweep = grid_sweep(tmp_path, [10, 20])
    plan(incubsim, sweep, tmp_path / "d")
    r = incubsim("sweep", "plan", sweep, "-o", tmp_path / "d", expect=3)
    assert "already holds a sweep plan" in r.stderr


def test_run_completes_every_run_and_a_rerun_does_nothing(incubsim, reference):
    _, directory = reference
    files = run_files(directory)
    assert sorted(files) == list(range(12))
    before = {i: p.stat().st_mtime_ns for i, p in files.items()}
    r = incubsim("sweep", "run", directory)
    assert "12 runs, 12 done, 0 failed, 0 to do" in r.stdout
    assert {i: p.stat().st_mtime_ns for i, p in run_files(directory).items()} == before
    status = incubsim("sweep", "status", directory)
    assert "12 runs: 12 done, 0 failed, 0 to do" in status.stdout
    # Each run's file records the scenario of its point and the seed of its replicate.
    with h5py.File(directory / "manifest.h5") as m:
        seeds, points = m["runs/seed"][()], m["runs/point_id"][()]
        founders = m["points/firms.founders_per_quarter"][()]
    import tomllib
    for run_id, path in files.items():
        with h5py.File(path) as f:
            scenario = tomllib.loads(f.attrs["scenario"])
        assert scenario["simulation"]["seed"] == seeds[run_id]
        assert scenario["firms"]["founders_per_quarter"] == founders[points[run_id]]


def test_shards_together_equal_the_local_run(incubsim, reference, tmp_path):
    sweep, ref = reference
    directory = plan(incubsim, sweep, tmp_path / "sharded")
    for k in range(3):
        r = incubsim("sweep", "run", directory, "--shard", f"{k}/3")
        assert "(shard" in r.stdout and "4 runs" in r.stdout
        assert sorted(run_files(directory))[-1] % 3 <= k
    assert_same_runs(directory, ref, 12)


@pytest.mark.parametrize("shard", ["3/3", "-1/2", "a/b", "1", "1/0"])
def test_bad_shard_is_a_usage_error(incubsim, reference, shard):
    r = incubsim("sweep", "run", reference[1], "--shard", shard, expect=2)
    assert "K/N" in r.stderr


def test_run_without_a_plan_says_how_to_make_one(incubsim, tmp_path):
    r = incubsim("sweep", "run", tmp_path, expect=3)
    assert "sweep plan" in r.stderr


def test_a_failing_run_is_recorded_and_does_not_stop_the_sweep(incubsim, tmp_path):
    directory = plan(incubsim, invalid_point_sweep(tmp_path, replicates=2), tmp_path / "bad")
    r = incubsim("sweep", "run", directory, expect=6)
    assert "4 of 6 runs done, 2 failed" in r.stdout
    assert "sweep status" in r.stderr and "--retry-failed" in r.stderr
    assert sorted(run_files(directory)) == [0, 1, 4, 5]
    failed = sorted((directory / "runs").glob("*/*.failed"))
    assert [p.name for p in failed] == ["run-00000002.failed", "run-00000003.failed"]
    assert "must not exceed funds.life" in failed[0].read_text()
    status = incubsim("sweep", "status", directory)
    assert "run 2 (point 1, replicate 0) failed" in status.stdout
    assert "must not exceed funds.life" in status.stdout
    # A rerun does not redo failures unless asked, and a retry fails the same way.
    r = incubsim("sweep", "run", directory, expect=6)
    assert "0 to do" in r.stdout
    r = incubsim("sweep", "run", directory, "--retry-failed", expect=6)
    assert "4 done, 0 failed, 2 to do" in r.stdout
    assert len(list((directory / "runs").glob("*/*.failed"))) == 2


def test_kill_minus_nine_then_resume_completes_each_run_exactly_once(incubsim, tmp_path):
    founders = [float(v) for v in range(5, 85, 4)]  # 20 points x 2 = 40 runs
    sweep = grid_sweep(tmp_path, founders)
    ref = plan(incubsim, sweep, tmp_path / "ref")
    incubsim("sweep", "run", ref, "-q", "--jobs", "2")
    directory = plan(incubsim, sweep, tmp_path / "killed")

    kept: dict[int, tuple[int, int]] = {}
    for kill_after in (6, 18):
        proc = subprocess.Popen([str(incubsim.path), "sweep", "run", str(directory), "-q",
                                 "--jobs", "2"], stdin=subprocess.DEVNULL,
                                start_new_session=True)
        deadline = time.monotonic() + 60
        while len(run_files(directory)) < kill_after and proc.poll() is None:
            assert time.monotonic() < deadline, "the sweep made no progress"
            time.sleep(0.005)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, "the sweep finished before it was killed"
        done = run_files(directory)
        assert 0 < len(done) < 40
        # Runs finished before a kill are complete files, and are never redone.
        for run_id, path in done.items():
            stat = path.stat()
            if run_id in kept:
                assert (stat.st_ino, stat.st_mtime_ns) == kept[run_id], f"run {run_id} redone"
            kept[run_id] = (stat.st_ino, stat.st_mtime_ns)
            with h5py.File(path) as f:
                assert "timeseries" in f

    r = incubsim("sweep", "run", directory)
    assert f"40 runs, {len(kept)} done, 0 failed, {40 - len(kept)} to do" in r.stdout
    done = run_files(directory)
    for run_id, stamp in kept.items():
        stat = done[run_id].stat()
        assert (stat.st_ino, stat.st_mtime_ns) == stamp, f"run {run_id} was redone"
    assert temporaries(directory) == [], "temporary files of killed runs were left behind"
    assert_same_runs(directory, ref, 40)


def test_sigterm_stops_at_a_quarter_keeps_finished_runs_and_resumes(incubsim, tmp_path):
    # Slurm sends SIGTERM at the time limit.
    founders = [float(v) for v in range(5, 85, 4)]  # 40 runs
    directory = plan(incubsim, grid_sweep(tmp_path, founders), tmp_path / "term")
    proc = subprocess.Popen([str(incubsim.path), "sweep", "run", str(directory), "--jobs", "2"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(run_files(directory)) < 5 and proc.poll() is None:
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.005)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 5, out + err
    assert "still to do" in err and "run the same command again" in err
    done = run_files(directory)
    assert 0 < len(done) < 40
    assert temporaries(directory) == [], "an interrupted run left a temporary file"
    stamps = {i: p.stat().st_mtime_ns for i, p in done.items()}
    r = incubsim("sweep", "run", directory, "-q")
    assert sorted(run_files(directory)) == list(range(40))
    assert all(run_files(directory)[i].stat().st_mtime_ns == t for i, t in stamps.items())


def test_progress_shows_rate_and_eta_on_a_terminal(incubsim, tmp_path):
    directory = plan(incubsim, grid_sweep(tmp_path, [10, 20, 30]), tmp_path / "tty")
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([str(incubsim.path), "sweep", "run", str(directory)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    chunks = []
    while True:
        try:
            data = os.read(controller, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(controller)
    text = b"".join(chunks).decode()
    assert proc.returncode == 0, text
    assert "\r" in text and "6/6 runs" in text and "runs/s" in text and "eta" in text


MPIRUN = shutil.which("mpirun")
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1", "OMPI_MCA_pml": "ob1",
           "OMPI_MCA_btl": "self,vader"}


@pytest.mark.skipif(MPIRUN is None, reason="OpenMPI's mpirun is not installed "
                    "(.ci/install-deps installs it)")
def test_mpirun_three_ranks_equals_the_local_run(incubsim, reference, tmp_path):
    sweep, ref = reference
    directory = plan(incubsim, sweep, tmp_path / "mpi")
    env = dict(os.environ, **MPI_ENV)
    p = subprocess.run([MPIRUN, "-n", "3", str(incubsim.path), "sweep", "run", str(directory),
                        "--mpi"], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    # Only rank 0 reports.
    assert p.stdout.count("12 of 12 runs done, 0 failed, 0 to do") == 1, p.stdout
    assert_same_runs(directory, ref, 12)
    # And the merged results are the same: summaries and every series.
    incubsim("sweep", "merge", ref, "-o", tmp_path / "local.h5", "-q")
    incubsim("sweep", "merge", directory, "-o", tmp_path / "mpi.h5", "-q")
    with h5py.File(tmp_path / "local.h5") as a, h5py.File(tmp_path / "mpi.h5") as b:
        for group in ("summary", "series"):
            assert sorted(a[group]) == sorted(b[group])
            for name in a[group]:
                assert a[group][name][()].tobytes() == b[group][name][()].tobytes(), name
        assert a.attrs["runs_done"] == b.attrs["runs_done"] == 12
    # A second start finds nothing to do and hands out nothing.
    p = subprocess.run([MPIRUN, "-n", "2", str(incubsim.path), "sweep", "run", str(directory),
                        "--mpi"], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0 and "12 of 12 runs done" in p.stdout, p.stdout + p.stderr


@pytest.mark.skipif(MPIRUN is None, reason="OpenMPI's mpirun is not installed")
def test_mpi_records_failures_like_a_local_run(incubsim, tmp_path):
    directory = plan(incubsim, invalid_point_sweep(tmp_path, replicates=1), tmp_path / "bad")
    p = subprocess.run([MPIRUN, "-n", "2", str(incubsim.path), "sweep", "run", str(directory),
                        "--mpi"], env=dict(os.environ, **MPI_ENV), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 6, p.stdout + p.stderr
    assert sorted(run_files(directory)) == [0, 2]
    assert (directory / "runs" / "0000" / "run-00000001.failed").is_file()
