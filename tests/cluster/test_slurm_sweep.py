"""The documented Slurm scripts (docs/cluster/*.sbatch) on a real Slurm.

A module fixture starts a single-node Slurm (munge, slurmctld, slurmd) under a
temporary folder as the shared cluster-testing notes describe, then:

  (a) a job array of sweep shards (sweep-array.sbatch) followed by the merge
      job (sweep-merge.sbatch, --dependency=afterany on the array) and
  (b) one MPI job (sweep-mpi.sbatch: srun --mpi=pmix ... sweep run --mpi)

must each produce the same run files, bit for bit, as a local
`incubsim sweep run` of the same plan, and the same merged /summary.

Needs root (the daemons run as SlurmUser=root and slurmd launches the jobs) and the
Debian packages slurm-wlm slurmctld slurmd slurm-client munge openmpi-bin;
skipped only when those programs are not installed. Nothing outside the
temporary folder is changed except /run/munge when munged has to be started;
teardown stops, by PID, exactly the daemons the fixture started.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from incubsim_testlib import RERUN_VOLATILE_ATTRIBUTES, read_datasets, read_root_attributes

SLURM_PROGRAMS = ("slurmctld", "slurmd", "sbatch", "srun", "sinfo", "squeue", "scontrol",
                  "scancel", "munged", "munge", "unmunge")
# sbin is not on every PATH (e.g. CTest run by a non-login shell).
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin", "/usr/bin"])
MUNGE_RUN_DIR = Path("/run/munge")
STARTUP_TIMEOUT_S = 30
JOB_TIMEOUT_S = 90  # a hung job fails the test instead of hanging CTest

# 3 points x 2 replicates = 6 runs of 4 quarters on a small population.
SWEEP_TOML = """\
design = "grid"
replicates = 2
seed = 11

[fixed]
"simulation.quarters" = 4
"simulation.burn_in" = 0
"firms.initial_count" = 200
"researchers.count" = 400

[[parameter]]
key = "firms.founders_per_quarter"
values = [10.0, 20.0, 30.0]
"""
RUNS = 6


# --- the cluster ------------------------------------------------------------

def _which(name: str) -> str | None:
    return shutil.which(name, path=SEARCH_PATH)


def _free_ports(n: int) -> list[int]:
    """n distinct TCP ports that are free now (all held open while choosing)."""
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(n):
            s = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            s.bind(("", 0))
            ports.append(s.getsockname()[1])
        return ports


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (PID 1 may not reap)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _pids_named(name: str) -> set[int]:
    out = set()
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if (p / "comm").read_text().strip() == name:
                    out.add(int(p.name))
            except OSError:
                pass
    return out


def _stop(pid: int, timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if it has not gone after `timeout` seconds."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        if not _alive(pid):
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)


def _tail(path: Path, lines: int = 80) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError as e:
        return f"({e})"
    return "\n".join(text[-lines:])


class SlurmCluster:
    def __init__(self, root: Path):
        self.root = root
        self.conf = root / "slurm.conf"
        self.jobs = root / "jobs"  # working directory of every sbatch: the job logs land here
        self.host = socket.gethostname().split(".")[0]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
        self.env["SLURM_CONF"] = str(self.conf)
        self.env["PATH"] = SEARCH_PATH
        self.started: list[tuple[str, int]] = []  # (name, pid), in start order
        self.stepds_before = _pids_named("slurmstepd")

    # clients ---------------------------------------------------------------

    def cmd(self, *args, env: dict[str, str] | None = None, timeout: float = 30,
            check: bool = True) -> subprocess.CompletedProcess:
        full_env = dict(self.env)
        full_env.update(env or {})
        p = subprocess.run([str(a) for a in args], cwd=self.jobs, env=full_env,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError(f"{' '.join(map(str, args))} exited {p.returncode}\n"
                                 f"stdout: {p.stdout}\nstderr: {p.stderr}")
        return p

    def sbatch(self, *args, env: dict[str, str] | None = None) -> str:
        """`sbatch --parsable ARGS`; returns the job id."""
        p = self.cmd("sbatch", "--parsable", *args, env=env, timeout=30, check=False)
        job_id = p.stdout.strip().split(";")[0]
        assert p.returncode == 0 and job_id.isdigit(), (
            f"sbatch {' '.join(map(str, args))} exited {p.returncode}\n"
            f"stdout: {p.stdout}\nstderr: {p.stderr}")
        return job_id

    def wait(self, job_id: str, timeout: float = JOB_TIMEOUT_S) -> list[dict[str, str]]:
        """Waits until the job (every task of an array) has left the queue; returns its
        records. Polls every 0.2 s: `sbatch --wait` polls at 2, 8 and then 32 s
        intervals, which would make each job here take 10 s or more."""
        deadline = time.monotonic() + timeout
        while self.cmd("squeue", "-h", "-j", job_id, "-o", "%i", timeout=10).stdout.strip():
            if time.monotonic() > deadline:
                raise AssertionError(f"job {job_id} still queued or running after {timeout} s:\n"
                                     + self.cmd("scontrol", "show", "job", job_id).stdout)
            time.sleep(0.2)
        return self.job_records(job_id)

    def job_records(self, job_id: str) -> list[dict[str, str]]:
        """`scontrol show job -o`: one record per job or array task."""
        p = self.cmd("scontrol", "show", "job", "-o", job_id)
        records = []
        for line in p.stdout.splitlines():
            fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
            if fields:
                records.append(fields)
        return records

    # diagnostics -----------------------------------------------------------

    def logs(self) -> str:
        parts = []
        for name in ("slurmctld.log", "slurmd.log"):
            parts.append(f"===== {name} (tail) =====\n{_tail(self.root / 'log' / name)}")
        for out in sorted(self.jobs.glob("*.out")):
            parts.append(f"===== job output {out.name} =====\n{_tail(out, 200)}")
        return "\n".join(parts)

    @contextlib.contextmanager
    def logs_on_failure(self):
        """Prints the Slurm logs and job outputs (shown by pytest) if the block fails."""
        try:
            yield
        except BaseException:
            print(self.logs())
            raise

    # start and stop ----------------------------------------------------------

    def write_conf(self) -> None:
        r = self.root
        for sub in ("state", "spool", "log", "jobs"):
            (r / sub).mkdir(parents=True, exist_ok=True)
        # Free ports, so that a Slurm already running on this machine is left alone.
        ctld_port, slurmd_port = _free_ports(2)
        self.conf.write_text(f"""\
ClusterName=incubsimtest
SlurmctldHost={self.host}
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation={r}/state
SlurmdSpoolDir={r}/spool
SlurmctldPidFile={r}/slurmctld.pid
SlurmdPidFile={r}/slurmd.pid
SlurmctldLogFile={r}/log/slurmctld.log
SlurmdLogFile={r}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
MailProg=/bin/true
ReturnToService=2
SlurmdParameters=config_overrides
NodeName={self.host} CPUs=8 RealMemory=64000 State=UNKNOWN
PartitionName=debug Nodes={self.host} Default=YES MaxTime=INFINITE State=UP
""")

    def munge_works(self) -> bool:
        try:
            cred = subprocess.run([_which("munge"), "-n"], capture_output=True, timeout=5,
                                  stdin=subprocess.DEVNULL)
            if cred.returncode != 0:
                return False
            back = subprocess.run([_which("unmunge")], input=cred.stdout, capture_output=True,
                                  timeout=5)
            return back.returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def start_munge_if_needed(self) -> None:
        if self.munge_works():
            return  # someone else's munged: use it, never stop it
        MUNGE_RUN_DIR.mkdir(parents=True, exist_ok=True)
        shutil.chown(MUNGE_RUN_DIR, "munge", "munge")
        p = subprocess.run(["runuser", "-u", "munge", "--", _which("munged")],
                           capture_output=True, text=True, timeout=15, stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            pytest.fail(f"could not start munged (exit {p.returncode}): {p.stderr}", pytrace=False)
        pid_file = MUNGE_RUN_DIR / "munged.pid"
        self._wait(lambda: pid_file.is_file() and self.munge_works(), "munged to answer")
        self.started.append(("munged", int(pid_file.read_text().split()[0])))

    def start_daemon(self, name: str) -> None:
        pid_file = self.root / f"{name}.pid"
        p = subprocess.run([_which(name), "-f", str(self.conf)], env=self.env,
                           capture_output=True, text=True, timeout=15, stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            pytest.fail(f"{name} failed to start (exit {p.returncode}): {p.stderr}\n{self.logs()}",
                        pytrace=False)
        self._wait(lambda: pid_file.is_file() and pid_file.read_text().strip(),
                   f"{name} to write {pid_file}")
        self.started.append((name, int(pid_file.read_text().split()[0])))

    def wait_idle(self) -> None:
        def idle() -> bool:
            p = self.cmd("sinfo", "-h", "-o", "%t", check=False, timeout=10)
            return p.returncode == 0 and p.stdout.strip() == "idle"
        self._wait(idle, "the node to become idle in sinfo")

    def _wait(self, condition, what: str, timeout: float = STARTUP_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.1)
        pytest.fail(f"timed out after {timeout} s waiting for {what}\n{self.logs()}",
                    pytrace=False)

    def stop(self) -> None:
        names = dict(self.started)
        if "slurmctld" in names:  # cancel leftover jobs while the controller still runs
            ids = self.cmd("squeue", "-h", "-o", "%A", check=False, timeout=10).stdout.split()
            if ids:
                self.cmd("scancel", *ids, check=False, timeout=10)
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline and self.cmd(
                        "squeue", "-h", check=False, timeout=10).stdout.strip():
                    time.sleep(0.2)
        for name, pid in reversed(self.started):  # slurmd, slurmctld, then munged
            _stop(pid)
        # Step daemons of jobs this cluster ran that outlived slurmd.
        for pid in _pids_named("slurmstepd") - self.stepds_before:
            _stop(pid, timeout=2)
        self.started.clear()


@pytest.fixture(scope="module")
def slurm(tmp_path_factory) -> SlurmCluster:
    missing = [p for p in SLURM_PROGRAMS if _which(p) is None]
    if missing:
        pytest.skip(f"Slurm/munge not installed (missing {', '.join(missing)}); install "
                    "slurm-wlm slurmctld slurmd slurm-client munge to run the cluster tests")
    if os.geteuid() != 0:
        pytest.fail("the cluster tests start slurmctld, slurmd and munged and must run as root "
                    "(CI does); run them with sudo or leave out the 'cluster' label "
                    "(ctest -LE cluster)", pytrace=False)
    cluster = SlurmCluster(tmp_path_factory.mktemp("slurm"))
    cluster.write_conf()
    try:
        cluster.start_munge_if_needed()
        cluster.start_daemon("slurmctld")
        cluster.start_daemon("slurmd")
        cluster.wait_idle()
        yield cluster
    finally:
        cluster.stop()


# --- the sweep ----------------------------------------------------------------

@pytest.fixture(scope="module")
def cluster_scripts(source_dir: Path) -> Path:
    d = source_dir / "docs" / "cluster"
    for name in ("sweep-array.sbatch", "sweep-merge.sbatch", "sweep-mpi.sbatch"):
        assert (d / name).is_file(), f"{d / name} is missing"
    return d


@pytest.fixture(scope="module")
def sweep_plan(incubsim, tmp_path_factory) -> Path:
    """A planned, not yet run sweep (copy it before running)."""
    root = tmp_path_factory.mktemp("sweep")
    (root / "tiny.toml").write_text(SWEEP_TOML)
    incubsim("sweep", "plan", root / "tiny.toml", "-o", root / "plan", cwd=root)
    return root / "plan"


def merge(incubsim, sweep_dir: Path) -> Path:
    # `incubsim sweep merge` writes format "incubsim-sweep": /runs, /summary (run x metric),
    # /series. If merge is ever unavailable, the per-run comparison below still holds.
    out = sweep_dir / "sweep.h5"
    incubsim("sweep", "merge", sweep_dir, "-o", out, "-q")
    return out


@pytest.fixture(scope="module")
def local_reference(incubsim, sweep_plan: Path) -> Path:
    """The same plan run locally, then merged: the results every cluster path must match."""
    d = sweep_plan.parent / "local"
    shutil.copytree(sweep_plan, d)
    incubsim("sweep", "run", d, "-q", "--jobs", "2")
    merge(incubsim, d)
    return d


def run_files(sweep_dir: Path) -> dict[str, Path]:
    return {str(p.relative_to(sweep_dir)): p for p in sorted(sweep_dir.glob("runs/*/run-*.h5"))}


def same_values(x: np.ndarray, y: np.ndarray) -> bool:
    if x.dtype != y.dtype or x.shape != y.shape:
        return False
    if x.dtype.hasobject:  # variable-length strings: compare values, not pointers
        return x.tolist() == y.tolist()
    return x.tobytes() == y.tobytes()  # bitwise, so NaN == NaN


def assert_same_file_data(a: Path, b: Path) -> None:
    da, db = read_datasets(a), read_datasets(b)
    assert sorted(da) == sorted(db), f"{a} and {b} hold different datasets"
    differing = [k for k in sorted(da) if not same_values(da[k], db[k])]
    assert not differing, f"datasets differ between {a} and {b}: {differing}"


def assert_matches_local(sweep_dir: Path, local: Path) -> None:
    failed = sorted(sweep_dir.glob("runs/*/*.failed"))
    assert not failed, "failed runs: " + "; ".join(
        f"{p.name}: {p.read_text(errors='replace').strip()}" for p in failed)
    got, want = run_files(sweep_dir), run_files(local)
    assert len(want) == RUNS, f"the local reference has {len(want)} run files, not {RUNS}"
    assert sorted(got) == sorted(want), f"run files: {sorted(got)}, expected {sorted(want)}"
    for rel in sorted(want):
        with h5py.File(got[rel], "r") as f:
            assert "timeseries" in f and len(f["timeseries"]) > 0, f"{rel} has no /timeseries"
        # Every dataset (so /timeseries too) bit-identical; root attributes equal but
        # for times, host and command line.
        assert_same_file_data(got[rel], want[rel])
        ga, wa = read_root_attributes(got[rel]), read_root_attributes(want[rel])
        keys = (set(ga) | set(wa)) - RERUN_VOLATILE_ATTRIBUTES
        differing = [k for k in sorted(keys) if str(ga.get(k)) != str(wa.get(k))]
        assert not differing, f"{rel}: root attributes differ: {differing}"


def assert_merged_matches_local(merged: Path, local: Path) -> None:
    assert merged.is_file(), f"no merged file {merged}"
    attrs = read_root_attributes(merged)
    assert attrs.get("format") == "incubsim-sweep", f"format attribute: {attrs.get('format')!r}"
    counts = {k: int(attrs[k]) for k in ("runs_done", "runs_failed", "runs_missing")}
    assert counts == {"runs_done": RUNS, "runs_failed": 0, "runs_missing": 0}, counts
    with h5py.File(merged, "r") as f:
        assert "summary" in f and len(f["summary"]) > 0, "the merged file has no /summary"
        rows = {f["summary"][k].shape[0] for k in f["summary"]}
        assert rows == {RUNS}, f"/summary rows: {rows}"
    # /summary, /runs, /series ...: every dataset equal to the local sweep's merge.
    assert_same_file_data(merged, local / "sweep.h5")


# --- tests ------------------------------------------------------------------

def test_array_shards_then_dependent_merge_match_local_run(
        slurm, incubsim, sweep_plan, local_reference, cluster_scripts):
    d = sweep_plan.parent / "array"
    shutil.copytree(sweep_plan, d)
    env = {"INCUBSIM": str(incubsim.path)}
    with slurm.logs_on_failure():
        # The scripts as documented; only the array size and CPUs are set here. The merge
        # is submitted at once and must wait for the whole array (afterany).
        array_id = slurm.sbatch("--array=0-2", "--cpus-per-task=1",
                                cluster_scripts / "sweep-array.sbatch", d, env=env)
        merge_id = slurm.sbatch(f"--dependency=afterany:{array_id}", "--kill-on-invalid-dep=yes",
                                cluster_scripts / "sweep-merge.sbatch", d, env=env)
        merge_record = slurm.wait(merge_id)[0]
        tasks = slurm.wait(array_id)
        states = {t.get("ArrayTaskId"): (t.get("JobState"), t.get("ExitCode")) for t in tasks}
        assert states == {str(k): ("COMPLETED", "0:0") for k in range(3)}, states
        assert (merge_record["JobState"], merge_record["ExitCode"]) == ("COMPLETED", "0:0"), \
            f"merge job {merge_id}: {merge_record['JobState']}, exit {merge_record['ExitCode']}"
        # Each task ran its shard: runs r with r % 3 == k.
        for k in range(3):
            log = (slurm.jobs / f"incubsim-sweep_{array_id}_{k}.out").read_text()
            assert f"--shard {k}/3" in log and "2 of 2 runs done" in log, log
        start_after = max(t["EndTime"] for t in tasks)
        assert merge_record["StartTime"] >= start_after, (merge_record["StartTime"], start_after)

        assert_matches_local(d, local_reference)
        assert_merged_matches_local(d / "sweep.h5", local_reference)


def test_mpi_job_matches_local_run(slurm, incubsim, sweep_plan, local_reference,
                                   cluster_scripts):
    d = sweep_plan.parent / "mpi"
    shutil.copytree(sweep_plan, d)
    with slurm.logs_on_failure():
        # 3 ranks: rank 0 dispatches, ranks 1 and 2 run. srun --mpi=pmix inside the job.
        job_id = slurm.sbatch("-n", "3", cluster_scripts / "sweep-mpi.sbatch", d,
                              env={"INCUBSIM": str(incubsim.path)})
        record = slurm.wait(job_id)[0]
        log = _tail(slurm.jobs / f"incubsim-sweep-mpi_{job_id}.out", 200)
        state = (record["JobState"], record["ExitCode"])
        if state != ("COMPLETED", "0:0") and "built without MPI" in log:
            pytest.skip(f"{incubsim.path} was built without MPI: {log}")
        assert state == ("COMPLETED", "0:0"), f"MPI job {job_id}: {state}\n{log}"
        assert "srun --mpi=pmix" in log, log
        # One MPI world of 3 ranks prints one summary (rank 0). Ranks that failed to join
        # (e.g. a PMI mismatch) would each run as a singleton and print their own.
        summaries = [line for line in log.splitlines() if "runs done" in line]
        assert len(summaries) == 1 and f"{RUNS} of {RUNS} runs done" in summaries[0], log

        assert_matches_local(d, local_reference)
        assert_merged_matches_local(merge(incubsim, d), local_reference)
