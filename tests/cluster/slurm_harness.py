"""A real single-node Slurm for the cluster tests: the `slurm` fixture.

The fixture starts munge (unless one already answers), slurmctld and slurmd
under a temporary folder, as /work/shared/reference/cluster-testing.md
describes, on free ports so that a Slurm already running on the machine is
left alone; teardown cancels leftover jobs and stops, by PID, exactly the
daemons it started. Test modules import it:

    from slurm_harness import SlurmCluster, slurm  # noqa: F401  (the fixture)

and get a module-scoped cluster: `slurm.sbatch(...)`, `slurm.wait(job_id)`,
`slurm.job_records(job_id)`, `slurm.cmd("scontrol", ...)`,
`with slurm.logs_on_failure(): ...`. Every sbatch runs in `slurm.jobs`, so
the job logs land there.

Needs root (the daemons run as SlurmUser=root and slurmd launches the jobs) and the
Debian packages slurm-wlm slurmctld slurmd slurm-client munge; skipped only
when those programs are not installed. Nothing outside the temporary folder
is changed except /run/munge when munged has to be started.
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

import pytest

SLURM_PROGRAMS = ("slurmctld", "slurmd", "sbatch", "srun", "sinfo", "squeue", "scontrol",
                  "scancel", "munged", "munge", "unmunge")
# sbin is not on every PATH (e.g. CTest run by a non-login shell).
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin", "/usr/bin"])
MUNGE_RUN_DIR = Path("/run/munge")
STARTUP_TIMEOUT_S = 30
JOB_TIMEOUT_S = 90  # a hung job fails the test instead of hanging CTest


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


def tail(path: Path, lines: int = 80) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError as e:
        return f"({e})"
    return "\n".join(text[-lines:])


class SlurmCluster:
    def __init__(self, root: Path, extra_conf: str = ""):
        self.root = root
        # More slurm.conf lines, e.g. "AuthInfo=cred_expire=5".
        self.extra_conf = extra_conf.rstrip("\n") + "\n" if extra_conf.strip() else ""
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
            parts.append(f"===== {name} (tail) =====\n{tail(self.root / 'log' / name)}")
        for out in sorted(self.jobs.glob("*.out")):
            parts.append(f"===== job output {out.name} =====\n{tail(out, 200)}")
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
# Batch jobs may be requeued: the default, stated because test_slurm_requeue.py needs it.
JobRequeue=1
SlurmdParameters=config_overrides
NodeName={self.host} CPUs=8 RealMemory=64000 State=UNKNOWN
PartitionName=debug Nodes={self.host} Default=YES MaxTime=INFINITE State=UP
{self.extra_conf}""")

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


@contextlib.contextmanager
def started_cluster(tmp_path_factory, extra_conf: str = ""):
    """A started cluster under a new temporary folder, stopped on exit. `extra_conf`:
    lines appended to slurm.conf (a fixture of its own, so other modules keep theirs)."""
    missing = [p for p in SLURM_PROGRAMS if _which(p) is None]
    if missing:
        pytest.skip(f"Slurm/munge not installed (missing {', '.join(missing)}); install "
                    "slurm-wlm slurmctld slurmd slurm-client munge to run the cluster tests")
    if os.geteuid() != 0:
        pytest.fail("the cluster tests start slurmctld, slurmd and munged and must run as root "
                    "(CI does); run them with sudo or leave out the 'cluster' label "
                    "(ctest -LE cluster)", pytrace=False)
    cluster = SlurmCluster(tmp_path_factory.mktemp("slurm"), extra_conf)
    cluster.write_conf()
    try:
        cluster.start_munge_if_needed()
        cluster.start_daemon("slurmctld")
        cluster.start_daemon("slurmd")
        cluster.wait_idle()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def slurm(tmp_path_factory) -> SlurmCluster:
    with started_cluster(tmp_path_factory) as cluster:
        yield cluster
