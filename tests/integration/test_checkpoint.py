"""Checkpoint and restart through the real command line: SIGTERM/SIGINT
write a checkpoint and exit 5 without an output file; kill -9 after a
periodic checkpoint loses only the quarters since; `incubsim resume`
finishes the run with every dataset bit-identical to an uninterrupted run's
and removes the checkpoint (docs/reliability.md)."""
from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import h5py
import pytest

from incubsim_testlib import RERUN_VOLATILE_ATTRIBUTES, assert_same_datasets, read_root_attributes

EXIT_INVALID, EXIT_IO, EXIT_INTERRUPTED = 2, 3, 5

# A few seconds on one thread: long enough to interrupt in the middle.
SCENARIO = ["--quarters", "60", "--set", "firms.initial_count=60000",
            "--set", "researchers.count=40000"]


@pytest.fixture(scope="module")
def reference(incubsim, tmp_path_factory):
    """The uninterrupted run every resumed one must equal."""
    out = tmp_path_factory.mktemp("reference") / "out.h5"
    return incubsim.run_to(out, *SCENARIO, threads=2)


def start(incubsim, cwd: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(incubsim.path), "run", "-q", "--threads", "1", "-o", "out.h5", *SCENARIO, *extra],
        cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for(path: Path, p: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if p.poll() is not None or time.monotonic() > deadline:
            p.kill()
            out, err = p.communicate()
            pytest.fail(f"{path.name} never appeared (status {p.returncode}): {err}")
        time.sleep(0.01)


def assert_resumed_equals(resumed: Path, reference: Path) -> None:
    assert_same_datasets(reference, resumed)
    volatile = RERUN_VOLATILE_ATTRIBUTES | {"resumed", "git_sha", "incubsim_version"}
    a = {k: v for k, v in read_root_attributes(reference).items() if k not in volatile}
    b = {k: v for k, v in read_root_attributes(resumed).items() if k not in volatile}
    assert a == b


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_writes_a_checkpoint_and_resume_finishes_identically(incubsim, tmp_path,
                                                                    reference, sig):
    p = start(incubsim, tmp_path)
    wait_for(tmp_path / f"out.h5.tmp-{p.pid}", p)
    time.sleep(0.5)  # some quarters in
    assert p.poll() is None, "the run finished before it could be interrupted"
    p.send_signal(sig)
    _, err = p.communicate(timeout=120)
    assert p.returncode == EXIT_INTERRUPTED, err
    assert "checkpoint written to out.h5.ckpt.h5" in err and "incubsim resume" in err, err
    # Nothing at the final name; the checkpoint is the only file left.
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out.h5.ckpt.h5"]
    with h5py.File(tmp_path / "out.h5.ckpt.h5", "r") as f:
        assert f.attrs["format"] == "incubsim-checkpoint"
        assert f.attrs["reason"] == "signal"
        stopped_at = int(f.attrs["next_quarter"])
    assert 0 <= stopped_at < 12 + 60  # burn-in and recorded quarters

    # Tools that read results say what the file is instead.
    info = incubsim("info", "out.h5.ckpt.h5", cwd=tmp_path, expect=EXIT_INVALID)
    assert "checkpoint of an interrupted run" in info.stderr and "incubsim resume" in info.stderr

    r = incubsim("resume", "out.h5.ckpt.h5", "--threads", "2", cwd=tmp_path)
    assert f"resumed at quarter {stopped_at}" in r.stdout
    assert "wrote" in r.stdout and "out.h5" in r.stdout
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out.h5"]
    assert_resumed_equals(tmp_path / "out.h5", reference)
    assert f"at quarter {stopped_at}" in read_root_attributes(tmp_path / "out.h5")["resumed"]


def test_kill_9_loses_only_the_quarters_since_the_last_checkpoint(incubsim, tmp_path, reference):
    p = start(incubsim, tmp_path, "--checkpoint-every", "6")
    checkpoint = tmp_path / "out.h5.ckpt.h5"
    wait_for(checkpoint, p)  # renamed into place whole, so it is complete once it exists
    p.kill()
    p.communicate(timeout=60)
    assert p.returncode == -signal.SIGKILL
    assert not (tmp_path / "out.h5").exists(), "a killed run left a file at the final path"
    with h5py.File(checkpoint, "r") as f:
        assert f.attrs["reason"] == "periodic" and int(f.attrs["next_quarter"]) % 6 == 0

    incubsim("resume", checkpoint, "-q", "--threads", "2", cwd=tmp_path)
    assert (tmp_path / "out.h5").is_file() and not checkpoint.exists()
    assert_resumed_equals(tmp_path / "out.h5", reference)


def test_resume_writes_elsewhere_when_asked(incubsim, tmp_path, reference):
    p = start(incubsim, tmp_path, "--checkpoint", "job.ckpt")
    wait_for(tmp_path / f"out.h5.tmp-{p.pid}", p)
    time.sleep(0.5)
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=120)
    assert p.returncode == EXIT_INTERRUPTED
    assert (tmp_path / "job.ckpt").is_file()
    incubsim("resume", "job.ckpt", "-q", "-o", "moved.h5", cwd=tmp_path)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["moved.h5"]
    assert_resumed_equals(tmp_path / "moved.h5", reference)


def test_resume_refuses_what_is_not_a_checkpoint(incubsim, tmp_path, reference):
    r = incubsim("resume", reference, expect=EXIT_INVALID)
    assert "not an incubsim checkpoint" in r.stderr and "incubsim-run" in r.stderr
    (tmp_path / "text.h5").write_text("not HDF5\n")
    r = incubsim("resume", tmp_path / "text.h5", expect=EXIT_INVALID)
    assert "text.h5" in r.stderr and "Traceback" not in r.stderr
    r = incubsim("resume", tmp_path / "missing.h5", expect=EXIT_IO)
    assert "missing.h5" in r.stderr


def test_unwritable_checkpoint_is_a_file_error_and_leaves_nothing(incubsim, tmp_path):
    r = incubsim("run", "-q", "--quarters", "4", "--checkpoint-every", "1", "--checkpoint",
                 tmp_path / "no" / "dir" / "c.h5", "-o", "out.h5", cwd=tmp_path, expect=EXIT_IO)
    assert "c.h5" in r.stderr
    assert list(tmp_path.iterdir()) == []


# --- a full disk (a real small filesystem) -------------------------------------

@pytest.fixture
def small_fs(tmp_path):
    """A 3 MiB tmpfs (needs root, as CI has); skipped where mounting is refused."""
    mount = tmp_path / "small"
    mount.mkdir()
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({p.stderr.strip()}); the file-size "
                    "limit tests in test_cli.py cover write failures")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_full_disk_names_the_file_and_leaves_nothing(incubsim, small_fs):
    # Without the final tables (no spill of exited firms): the result file
    # itself (2.5 MB) fills the disk.
    subprocess.run(["mount", "-o", "remount,size=1m", str(small_fs)], check=True)
    r = incubsim("run", "-q", *SCENARIO, "--set", "simulation.record_agents=false",
                 "-o", "out.h5", cwd=small_fs, expect=EXIT_IO)
    assert "out.h5" in r.stderr and "No space left on device" in r.stderr, r.stderr
    assert list(small_fs.iterdir()) == [], "a failed run left files on the full disk"


def test_full_disk_for_exited_firms_says_what_to_do_and_leaves_nothing(incubsim, small_fs):
    # With the final tables, exited firms' values wait in a temporary file
    # beside the output (about 130 bytes a firm): here it fills the disk
    # first.
    r = incubsim("run", "-q", *SCENARIO, "-o", "out.h5", cwd=small_fs, expect=EXIT_IO)
    assert str(small_fs) in r.stderr and "No space left on device" in r.stderr, r.stderr
    assert "simulation.record_agents = false" in r.stderr, r.stderr
    assert list(small_fs.iterdir()) == [], "a failed run left files on the full disk"


def test_full_disk_at_a_checkpoint_keeps_the_previous_one_resumable(incubsim, small_fs,
                                                                   tmp_path):
    args = ["--quarters", "30", "--set", "firms.initial_count=3000", "--threads", "1"]
    r = incubsim("run", "-q", *args, "--checkpoint-every", "4", "-o", "out.h5",
                 cwd=small_fs, expect=EXIT_IO)
    assert "No space left on device" in r.stderr, r.stderr
    assert "the previous checkpoint is intact" in r.stderr and "incubsim resume" in r.stderr
    assert sorted(x.name for x in small_fs.iterdir()) == ["out.h5.ckpt.h5"]
    # Make room, then finish from the checkpoint that survived.
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_fs)], check=True)
    incubsim("resume", "out.h5.ckpt.h5", "-q", cwd=small_fs)
    assert sorted(x.name for x in small_fs.iterdir()) == ["out.h5"]
    reference = incubsim.run_to(tmp_path / "reference.h5", *args[:-2])
    assert_resumed_equals(small_fs / "out.h5", reference)
