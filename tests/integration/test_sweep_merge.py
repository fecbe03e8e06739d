"""`incubsim sweep merge`, end to end: a tiny sweep is planned and run with
the real CLI, and the merged file is checked against the run files it came
from. Exit statuses (sim/core/errors.hpp): 0 ok, 2 invalid input (a run file
that is not the planned run), 3 file error, 6 sweep incomplete."""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from incubsim_testlib import stray_outputs, write_text

EXIT_INVALID, EXIT_IO, EXIT_INCOMPLETE = 2, 3, 6

# 2 x 2 points x 2 replicates = 8 runs of 4 quarters on a small population.
SWEEP = """design = "grid"
replicates = 2
seed = 11

[fixed]
"simulation.quarters" = {quarters}
"simulation.burn_in" = 0
"firms.initial_count" = 100
"researchers.count" = 200

[[parameter]]
key = "firms.founders_per_quarter"
values = [5.0, 20.0]

[[parameter]]
key = "firms.fixed_cost"
min = 0.02
max = 0.08
steps = 2
"""
RUNS = 8


def run_path(sweep: Path, run_id: int) -> Path:
    return sweep / "runs" / f"{run_id // 1000:04d}" / f"run-{run_id:08d}.h5"


def sequential_sum(values) -> float:
    total = 0.0
    for v in values:
        total += float(v)
    return total


def expected_summary(statistic: str, values: np.ndarray) -> float:
    """What /summary holds for one metric of one run, summed in row order as
    the merge does."""
    values = values.astype(float)
    if statistic == "last recorded quarter":
        return float(values[-1])
    if statistic == "mean over recorded quarters":
        finite = [v for v in values if not math.isnan(v)]
        return sequential_sum(finite) / len(finite) if finite else math.nan
    assert statistic == "sum over recorded quarters", statistic
    return sequential_sum(values)


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def status_names(f: h5py.File) -> list[str]:
    codes = {v: k for k, v in h5py.check_enum_dtype(f["runs/status"].dtype).items()}
    return [codes[c] for c in f["runs/status"][:]]


def plan_and_run(incubsim, root: Path, quarters: int = 4, *run_args: str) -> Path:
    spec = write_text(root / "tiny.toml", SWEEP.format(quarters=quarters))
    d = root / "tiny"
    incubsim("sweep", "plan", spec, "-o", d)
    incubsim("sweep", "run", d, "-q", *run_args)
    return d


@pytest.fixture(scope="module")
def sweep(incubsim, tmp_path_factory) -> Path:
    """A tiny sweep with every run done (read-only: copy to tamper)."""
    d = plan_and_run(incubsim, tmp_path_factory.mktemp("sweep"))
    assert sorted(p.name for p in (d / "runs").rglob("run-*.h5")) == [
        f"run-{i:08d}.h5" for i in range(RUNS)]
    return d


@pytest.fixture
def sweep_copy(sweep, tmp_path) -> Path:
    d = tmp_path / "sweep"
    shutil.copytree(sweep, d)
    return d


def test_copy_layout_matches_the_run_files(incubsim, sweep, tmp_path):
    out = tmp_path / "merged.h5"
    r = incubsim("sweep", "merge", sweep, "-o", out)
    assert f"{RUNS} runs: {RUNS} done, 0 failed, 0 missing" in r.stdout
    with h5py.File(out) as f, h5py.File(sweep / "manifest.h5") as m:
        a = f.attrs
        assert a["format"] == "incubsim-sweep" and a["format_version"] == "1.0"
        assert a["sweep"] == m.attrs["sweep"] and a["base_scenario"] == m.attrs["base_scenario"]
        assert (a["design"], a["replicates"], a["seed"]) == ("grid", 2, 11)
        assert a["seed_policy"] == m.attrs["seed_policy"] and a["series_layout"] == "copy"
        assert (a["runs_total"], a["runs_done"], a["runs_failed"], a["runs_missing"]) == (
            RUNS, RUNS, 0, 0)
        assert a["runs_total"].dtype == np.int64
        for table in ("parameters", "points"):
            assert list(f[table]) == list(m[table])
            for k in m[table]:
                assert np.array_equal(f[table][k][()], m[table][k][()]), (table, k)

        runs = f["runs"]
        keys = list(m["parameters/key"].asstr()[:])
        assert list(runs) == ["run_id", "point_id", "replicate", "seed", *keys, "status",
                              "error", "file"]
        assert list(runs["run_id"][:]) == list(range(RUNS))
        for k in ("point_id", "replicate", "seed"):
            assert np.array_equal(runs[k][:], m["runs"][k][:]), k
        for k in keys:
            assert runs[k].dtype == np.float64
            assert np.array_equal(runs[k][:], m["points"][k][:][m["runs/point_id"][:]]), k
        assert status_names(f) == ["done"] * RUNS
        assert list(runs["error"].asstr()[:]) == [""] * RUNS
        files = runs["file"].asstr()[:]

        summary, series = f["summary"], f["series"]
        metrics = [k for k in summary if k != "run_id"]
        assert list(summary)[0] == "run_id" and len(metrics) > 50
        assert list(series) == ["quarter", *metrics]
        for i in range(RUNS):
            assert (out.parent / files[i]).resolve() == run_path(sweep, i).resolve()
            with h5py.File(out.parent / files[i]) as run:
                ts = run["timeseries"]
                assert np.array_equal(series["quarter"][:], ts["quarter"][:])
                for k in metrics:
                    col = summary[k]
                    assert same(col[i], expected_summary(col.attrs["statistic"], ts[k][:])), (
                        i, k)
                    assert np.array_equal(series[k][i], ts[k][:].astype(float),
                                          equal_nan=True), (i, k)
        flow, stock = summary["births"], summary["firms_alive"]
        assert flow.attrs["statistic"] == "sum over recorded quarters"
        assert stock.attrs["statistic"] == "last recorded quarter"
        assert summary["transfer_quality_mean"].attrs["statistic"] == "mean over recorded quarters"
        assert flow.attrs["unit"] == "firms" and flow.attrs["description"]
        births = series["births"]
        assert births.shape == (RUNS, 4) and births.dtype == np.float64
        assert births.compression == "gzip" and births.chunks == (RUNS, 4)
        assert births.attrs["temporal"] == "flow" and births.attrs["unit"] == "firms"


def test_links_resolve_from_another_working_directory(incubsim, sweep, tmp_path,
                                                      monkeypatch):
    out = tmp_path / "elsewhere" / "merged.h5"
    out.parent.mkdir()
    incubsim("sweep", "merge", sweep, "-o", out, "--series", "links")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with h5py.File(out) as f:
        assert f.attrs["series_layout"] == "links" and "series" not in f
        links = f["run_files"]
        assert list(links) == [f"run-{i:08d}" for i in range(RUNS)]
        for i in range(RUNS):
            link = links.get(f"run-{i:08d}", getlink=True)
            assert isinstance(link, h5py.ExternalLink) and link.path == "/"
            assert not Path(link.filename).is_absolute()
            assert link.filename == f["runs/file"].asstr()[i]
            with h5py.File(run_path(sweep, i)) as run:
                assert links[f"run-{i:08d}"].attrs["seed"] == run.attrs["seed"]
                assert np.array_equal(links[f"run-{i:08d}"]["timeseries/births"][:],
                                      run["timeseries/births"][:])


def test_none_layout_keeps_only_the_summary(incubsim, sweep, tmp_path):
    out = tmp_path / "merged.h5"
    incubsim("sweep", "merge", sweep, "-o", out, "--series", "none")
    with h5py.File(out) as f:
        assert f.attrs["series_layout"] == "none"
        assert "series" not in f and "run_files" not in f
        assert f["summary/births"].shape == (RUNS,)


def test_missing_run_is_refused_and_nothing_written(incubsim, sweep_copy, tmp_path):
    run_path(sweep_copy, 3).unlink()
    out = tmp_path / "out" / "merged.h5"
    out.parent.mkdir()
    r = incubsim("sweep", "merge", sweep_copy, "-o", out, expect=EXIT_INCOMPLETE)
    assert "1 missing (run 3)" in r.stderr and "--allow-missing" in r.stderr
    assert not out.exists() and stray_outputs(out.parent) == []


def test_allow_missing_writes_nan_rows_with_status(incubsim, sweep_copy, tmp_path):
    run_path(sweep_copy, 3).unlink()
    out = tmp_path / "merged.h5"
    r = incubsim("sweep", "merge", sweep_copy, "-o", out, "--allow-missing")
    assert "warning" in r.stderr and "1 missing (run 3)" in r.stderr
    with h5py.File(out) as f:
        assert (f.attrs["runs_done"], f.attrs["runs_missing"]) == (RUNS - 1, 1)
        status = status_names(f)
        assert status[3] == "missing" and status.count("done") == RUNS - 1
        assert f["runs/file"].asstr()[3] == "" and f["runs/error"].asstr()[3] == ""
        for k in f["summary"]:
            if k != "run_id":
                assert math.isnan(f["summary"][k][3]), k
                assert np.isnan(f["series"][k][3]).all(), k
        assert not np.isnan(f["series"]["firms_alive"][2]).any()


def test_failed_run_is_reported_with_its_error(incubsim, sweep_copy, tmp_path):
    run_path(sweep_copy, 5).unlink()
    error = "scenario error: firms.fixed_cost is out of range\nsecond line"
    run_path(sweep_copy, 5).with_suffix(".failed").write_text(error + "\n")
    out = tmp_path / "merged.h5"
    r = incubsim("sweep", "merge", sweep_copy, "-o", out, expect=EXIT_INCOMPLETE)
    assert "1 failed (run 5)" in r.stderr
    assert "run 5 failed: scenario error: firms.fixed_cost is out of range" in r.stderr
    assert not out.exists()

    r = incubsim("sweep", "merge", sweep_copy, "-o", out, "--allow-missing", "--series", "links")
    assert "run 5 failed" in r.stderr
    with h5py.File(out) as f:
        assert (f.attrs["runs_done"], f.attrs["runs_failed"]) == (RUNS - 1, 1)
        assert status_names(f)[5] == "failed"
        assert f["runs/error"].asstr()[5] == error
        assert f["runs/file"].asstr()[5] == ""
        assert "run-00000005" not in f["run_files"] and "run-00000004" in f["run_files"]
        assert math.isnan(f["summary/births"][5])


def test_unreadable_run_file_stops_the_merge_or_counts_as_failed(incubsim, sweep_copy,
                                                                 tmp_path):
    shutil.copyfile(run_path(sweep_copy, 0), run_path(sweep_copy, 1))  # seed of run 0
    out = tmp_path / "out" / "merged.h5"
    out.parent.mkdir()
    r = incubsim("sweep", "merge", sweep_copy, "-o", out, expect=EXIT_INVALID)
    assert "run-00000001.h5" in r.stderr and "seed" in r.stderr
    assert not out.exists() and stray_outputs(out.parent) == []
    incubsim("sweep", "merge", sweep_copy, "-o", out, "--allow-missing")
    with h5py.File(out) as f:
        assert status_names(f)[1] == "failed" and f.attrs["runs_failed"] == 1
        assert f["runs/error"].asstr()[1].startswith("result file unreadable: ")
        assert np.isnan(f["series/births"][1]).all()


def test_runs_with_fewer_quarters_get_nan_columns(incubsim, sweep_copy, tmp_path):
    """The series axis is the union of the runs' recorded quarters."""
    # Run 2 of the same sweep with 3 quarters (same seed: seeds depend on the
    # sweep's seed, point and replicate only).
    shorter = plan_and_run(incubsim, tmp_path / "shorter", 3, "--shard", f"2/{RUNS}")
    out = run_path(sweep_copy, 2)
    shutil.copyfile(run_path(shorter, 2), out)
    merged = tmp_path / "merged.h5"
    incubsim("sweep", "merge", sweep_copy, "-o", merged)
    with h5py.File(merged) as f, h5py.File(out) as run:
        assert len(run["timeseries/quarter"]) == 3
        assert len(f["series/quarter"]) == 4
        assert np.array_equal(f["series/quarter"][:3], run["timeseries/quarter"][:])
        row = f["series/firms_alive"][2]
        assert np.array_equal(row[:3], run["timeseries/firms_alive"][:].astype(float))
        assert math.isnan(row[3]) and not np.isnan(f["series/firms_alive"][1]).any()
        assert f["summary/firms_alive"][2] == run["timeseries/firms_alive"][-1]
        assert f["summary/births"][2] == sequential_sum(run["timeseries/births"][:])


def test_refuses_to_overwrite_without_force(incubsim, sweep, tmp_path):
    out = tmp_path / "merged.h5"
    out.write_bytes(b"keep me")
    r = incubsim("sweep", "merge", sweep, "-o", out, expect=EXIT_IO)
    assert "--force" in r.stderr and out.read_bytes() == b"keep me"
    incubsim("sweep", "merge", sweep, "-o", out, "--force", "--series", "none")
    with h5py.File(out) as f:
        assert f.attrs["runs_done"] == RUNS
