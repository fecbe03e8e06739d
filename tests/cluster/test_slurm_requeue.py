"""docs/cluster/run-requeue.sbatch on a real Slurm: one long run that survives
its time limit, node failures and cancellations through checkpoints.

A single-node Slurm (slurm_harness.py) runs the documented script, submitted
as a user would, on a run of a few seconds; every finished result must equal,
dataset for dataset, a local uninterrupted `incubsim run` of the same scenario:

  (a) time limit: once incubsim runs, the batch shell gets SIGTERM exactly as
      `#SBATCH --signal=B:TERM@...` sends it (`scancel --signal=TERM --batch`);
      the script must have incubsim checkpoint, requeue the job, and the
      requeued start must resume from the checkpoint and complete;
  (b) node failure: incubsim and the batch shell are SIGKILLed after the first
      periodic checkpoint and the job is requeued as Slurm does after a node
      failure; the new start must clear the dead start's temporary files and
      resume from the periodic checkpoint;
  (c) cancel: a plain scancel must leave a checkpoint and not requeue; a
      different run aimed at the same output must refuse that checkpoint
      (exit 2, checkpoint untouched), and resubmitting the same command must
      resume it. A checkpoint the script did not write is refused too.

Slurm holds a requeued job for the credential lifetime (AuthInfo cred_expire,
120 s by default) and starts it at the next scheduling pass (sched_interval,
60 s); this cluster shortens both (cred_expire=5: Slurm rejects 2), so a requeue
costs about 7 s here.
"""
from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest

from incubsim_testlib import assert_same_datasets
from slurm_harness import SlurmCluster, started_cluster, tail

EXTRA_CONF = """\
AuthInfo=cred_expire=5
SchedulerParameters=sched_interval=1,bf_interval=1
"""
# About 2 s on one core of the CI machine: long enough to signal it mid-run.
RUN_ARGS = ("--quarters", "80", "--set", "firms.initial_count=20000",
            "--set", "researchers.count=12000")
EVERY = 20  # CHECKPOINT_EVERY: a periodic checkpoint at quarter 20 of 88
WAIT_S = 60  # for any one state change; a hung job fails the test


@pytest.fixture(scope="module")
def slurm(tmp_path_factory) -> SlurmCluster:
    with started_cluster(tmp_path_factory, EXTRA_CONF) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def script(source_dir: Path) -> Path:
    path = source_dir / "docs" / "cluster" / "run-requeue.sbatch"
    assert path.is_file(), f"{path} is missing"
    return path


@pytest.fixture(scope="module")
def scenario(source_dir: Path) -> Path:
    return source_dir / "scenarios" / "baseline.toml"


@pytest.fixture(scope="module")
def reference(incubsim, scenario, tmp_path_factory) -> Path:
    """The same run, uninterrupted, outside Slurm."""
    d = tmp_path_factory.mktemp("reference")
    return incubsim.run_to(d / "reference.h5", scenario, *RUN_ARGS)


# --- helpers --------------------------------------------------------------------

def wait_for(condition, what: str, timeout: float = WAIT_S):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def job(slurm: SlurmCluster, job_id: str) -> dict[str, str]:
    return slurm.job_records(job_id)[0]


def submit(slurm: SlurmCluster, incubsim, script: Path, scenario: Path, out: Path,
           *run_args: str, every: int = EVERY) -> str:
    # The script as documented; only the size of the allocation is set here.
    return slurm.sbatch("--cpus-per-task=1", "--mem=1G", script, scenario, out, *run_args,
                        env={"INCUBSIM": str(incubsim.path), "CHECKPOINT_EVERY": str(every)})


def log_of(slurm: SlurmCluster, job_id: str) -> str:
    return (slurm.jobs / f"incubsim-run_{job_id}.out").read_text(errors="replace")


def running_with_temp_file(slurm: SlurmCluster, job_id: str, out: Path, name: str = "") -> bool:
    """True once the job runs and incubsim has created OUT.h5.tmp-PID (or `name`);
    fails if the job has already left RUNNING (it finished too soon)."""
    record = job(slurm, job_id)
    state = record["JobState"]
    if state not in ("PENDING", "RUNNING"):
        raise AssertionError(f"job {job_id} is {state} before it could be interrupted; the run "
                             f"is too short for this machine:\n{log_of(slurm, job_id)}")
    present = (out.parent / name).exists() if name else any(out.parent.glob(out.name + ".tmp-*"))
    return state == "RUNNING" and present


def requeued(slurm: SlurmCluster, job_id: str) -> bool:
    record = job(slurm, job_id)
    if int(record.get("Restarts", "0")) >= 1:
        return True
    if record["JobState"] in ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL"):
        raise AssertionError(f"job {job_id} ended {record['JobState']} without requeueing "
                             f"(did the run end before the signal?):\n{log_of(slurm, job_id)}")
    return False


def finished(slurm: SlurmCluster, job_id: str) -> dict[str, str]:
    slurm.wait(job_id, timeout=WAIT_S)
    return job(slurm, job_id)


def resumed_quarter(log: str) -> int:
    m = re.search(r"^incubsim resume: .* resumed at quarter (\d+)", log, re.M)
    assert m, f"the log shows no resumed run:\n{log}"
    return int(m.group(1))


def assert_only_output_left(out: Path) -> None:
    left = sorted(p.name for p in out.parent.iterdir())
    assert left == [out.name], f"left in {out.parent}: {left} (expected only {out.name})"


def pids_of_job(out: Path) -> tuple[int, int]:
    """(incubsim, its parent: the batch shell) of the job writing `out`."""
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            argv = (p / "cmdline").read_bytes().split(b"\0")
            stat = (p / "stat").read_text()
        except OSError:
            continue
        if argv and argv[0].endswith(b"incubsim") and str(out).encode() in argv:
            return int(p.name), int(stat.rsplit(")", 1)[1].split()[1])
    raise AssertionError(f"no incubsim process writing {out}")


# --- tests ------------------------------------------------------------------------

def test_cluster_allows_requeue(slurm):
    config = slurm.cmd("scontrol", "show", "config").stdout
    assert re.search(r"^JobRequeue\s*=\s*1$", config, re.M), "JobRequeue is not 1"


def test_time_limit_signal_checkpoints_requeues_and_resumes(
        slurm, incubsim, script, scenario, reference):
    out = slurm.jobs / "limit" / "long.h5"
    out.parent.mkdir()
    ckpt = out.name + ".ckpt.h5"
    with slurm.logs_on_failure():
        job_id = submit(slurm, incubsim, script, scenario, out, *RUN_ARGS)
        # Past the first periodic checkpoint: the signal's checkpoint must replace it.
        wait_for(lambda: running_with_temp_file(slurm, job_id, out, name=ckpt),
                 "the job to run and write its first periodic checkpoint")
        # What --signal=B:TERM@N does before the limit: SIGTERM to the batch shell only.
        slurm.cmd("scancel", "--signal=TERM", "--batch", job_id)
        wait_for(lambda: requeued(slurm, job_id), "the job to requeue itself")
        record = finished(slurm, job_id)
        log = log_of(slurm, job_id)
        assert (record["JobState"], record["ExitCode"], record["Restarts"]) == \
            ("COMPLETED", "0:0", "1"), f"{record}\n{log}"
        # First start: signal forwarded, checkpoint written, requeued; second start: resume.
        assert "got SIGTERM" in log and "checkpoint written to" in log, log
        assert "requeueing" in log and "(restart 1)" in log, log
        assert re.search(r"\(restart 1\) .*: \S+ resume \S+long\.h5\.ckpt\.h5", log), log
        # Quarters count from 0 with the 8 of burn-in; the periodic checkpoint is at 20.
        assert EVERY <= resumed_quarter(log) < 80 + 8, log
        assert_only_output_left(out)
        assert_same_datasets(out, reference)


def test_node_failure_resumes_from_periodic_checkpoint(
        slurm, incubsim, script, scenario, reference):
    out = slurm.jobs / "crash" / "long.h5"
    out.parent.mkdir()
    ckpt = out.name + ".ckpt.h5"
    with slurm.logs_on_failure():
        job_id = submit(slurm, incubsim, script, scenario, out, *RUN_ARGS)
        wait_for(lambda: running_with_temp_file(slurm, job_id, out, name=ckpt),
                 "the first periodic checkpoint")
        # The node dies: no signal handler runs, nothing is cleaned up.
        incubsim_pid, shell_pid = pids_of_job(out)
        os.kill(incubsim_pid, signal.SIGKILL)
        os.kill(shell_pid, signal.SIGKILL)
        wait_for(lambda: job(slurm, job_id)["JobState"] not in ("RUNNING", "COMPLETING"),
                 "the killed job to end")
        temp_files = sorted(p.name for p in out.parent.glob("*.tmp-*"))
        assert temp_files, "the killed run left no temporary file (was it killed?)"
        # Slurm requeues a --requeue job whose node failed; here the node lives, so ask.
        slurm.cmd("scontrol", "requeue", job_id)
        record = finished(slurm, job_id)
        log = log_of(slurm, job_id)
        assert (record["JobState"], record["ExitCode"], record["Restarts"]) == \
            ("COMPLETED", "0:0", "1"), f"{record}\n{log}"
        assert "stopped by a signal" not in log, log  # no checkpoint at the kill
        for name in temp_files:
            assert f"removing {out.parent / name} left by an earlier start" in log, log
        # From a periodic checkpoint: at the start of a quarter, a multiple of EVERY.
        quarter = resumed_quarter(log)
        assert quarter > 0 and quarter % EVERY == 0, log
        assert_only_output_left(out)
        assert_same_datasets(out, reference)


def test_cancel_keeps_checkpoint_refuses_other_runs_and_resubmit_resumes(
        slurm, incubsim, script, scenario, reference):
    out = slurm.jobs / "cancel" / "long.h5"
    out.parent.mkdir()
    ckpt = out.parent / (out.name + ".ckpt.h5")
    with slurm.logs_on_failure():
        first = submit(slurm, incubsim, script, scenario, out, *RUN_ARGS)
        wait_for(lambda: running_with_temp_file(slurm, first, out),
                 "the job to run and incubsim to create its temporary output")
        slurm.cmd("scancel", first)  # SIGTERM to every process, job CANCELLED
        record = finished(slurm, first)
        log = log_of(slurm, first)
        assert (record["JobState"], record["Restarts"]) == ("CANCELLED", "0"), f"{record}\n{log}"
        assert "not requeueing" in log and ckpt.is_file(), log
        kept = ckpt.read_bytes()

        # Another run (other options) with the same output must not take the checkpoint.
        other = submit(slurm, incubsim, script, scenario, out, *RUN_ARGS, "--seed", "7")
        record = finished(slurm, other)
        log = log_of(slurm, other)
        assert (record["JobState"], record["ExitCode"]) == ("FAILED", "2:0"), f"{record}\n{log}"
        assert re.search(rf"belongs to job \S+:{first}, a run with other inputs", log), log
        assert ckpt.read_bytes() == kept, "the refused checkpoint was changed"

        # The same command again resumes it.
        again = submit(slurm, incubsim, script, scenario, out, *RUN_ARGS)
        record = finished(slurm, again)
        log = log_of(slurm, again)
        assert (record["JobState"], record["ExitCode"]) == ("COMPLETED", "0:0"), f"{record}\n{log}"
        assert resumed_quarter(log) >= 0, log
        assert_only_output_left(out)
        assert_same_datasets(out, reference)

        # A checkpoint this script did not write (no owner record) is refused as well.
        stray = slurm.jobs / "stray" / "long.h5"
        stray.parent.mkdir()
        (stray.parent / (stray.name + ".ckpt.h5")).write_bytes(kept)
        job_id = submit(slurm, incubsim, script, scenario, stray, *RUN_ARGS)
        record = finished(slurm, job_id)
        log = log_of(slurm, job_id)
        assert (record["JobState"], record["ExitCode"]) == ("FAILED", "2:0"), f"{record}\n{log}"
        assert "was not written by this script" in log, tail(slurm.jobs / f"incubsim-run_{job_id}.out")
        assert not stray.exists()
