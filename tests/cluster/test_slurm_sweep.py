"""The documented Slurm scripts (docs/cluster/*.sbatch) on a real Slurm.

A module fixture (slurm_harness.py) starts a single-node Slurm (munge, slurmctld,
slurmd) under a temporary folder as the shared cluster-testing notes describe, then:

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

import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from incubsim_testlib import RERUN_VOLATILE_ATTRIBUTES, read_datasets, read_root_attributes
from slurm_harness import slurm, tail  # noqa: F401  (slurm: the cluster fixture)

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
        log = tail(slurm.jobs / f"incubsim-sweep-mpi_{job_id}.out", 200)
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
