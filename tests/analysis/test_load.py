"""incubsim_analysis.load and the `table` command, on real files made by the
binary: a short run, a comparison, and a small grid sweep merged with
--series copy and --series links."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from incubsim_analysis import AnalysisError, FormatError
from incubsim_analysis import load as L

SMALL = ["--set", "firms.initial_count=200", "--set", "researchers.count=400"]
PARAM = "firms.founders_per_quarter"

SWEEP_TOML = f"""\
design = "grid"
replicates = 2

[fixed]
"simulation.quarters" = 4
"simulation.burn_in" = 0
"firms.initial_count" = 200
"researchers.count" = 400

[[parameter]]
key = "{PARAM}"
values = [10.0, 20.0]
"""


@pytest.fixture(scope="module")
def run_file(incubsim, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("load_run") / "run.h5"
    incubsim("run", "-q", "--threads", "1", "--quarters", "4", *SMALL, "-o", out)
    return out


@pytest.fixture(scope="module")
def compare_file(incubsim, source_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("load_compare") / "cmp.h5"
    ouhai = source_dir / "scenarios" / "ouhai"
    incubsim("compare", "-q", "-n", "2", "--quarters", "4", "--threads", "2",
             "--bootstrap", "100", *SMALL, "--set", "simulation.burn_in=0",
             ouhai / "baseline.toml", ouhai / "insurance_pilot.toml", "-o", out)
    return out


@pytest.fixture(scope="module")
def sweep(incubsim, tmp_path_factory) -> dict[str, Path]:
    """A 2-point x 2-replicate grid in <tmp>/grid, merged beside it as copy.h5
    and links.h5."""
    top = tmp_path_factory.mktemp("load_sweep")
    toml = top / "tiny.toml"
    toml.write_text(SWEEP_TOML, encoding="utf-8")
    incubsim("sweep", "plan", toml, "-o", top / "grid")
    incubsim("sweep", "run", top / "grid", "-q", "--threads", "2")
    incubsim("sweep", "merge", top / "grid", "-o", top / "copy.h5")
    incubsim("sweep", "merge", top / "grid", "--series", "links", "-o", top / "links.h5")
    return {"top": top, "dir": top / "grid", "copy": top / "copy.h5",
            "links": top / "links.h5"}


@pytest.fixture(scope="module")
def insured_sweep(incubsim, source_dir, tmp_path_factory) -> Path:
    """Two take-up values of the insurance, active from the first quarter,
    so its ledger has premiums, claims and a loss ratio."""
    top = tmp_path_factory.mktemp("ledger_sweep")
    base = source_dir / "scenarios" / "ouhai" / "insurance_pilot.toml"
    toml = top / "insured.toml"
    toml.write_text(f"""\
base = "{base}"
design = "grid"
replicates = 2

[fixed]
"simulation.quarters" = 6
"simulation.burn_in" = 0
"firms.initial_count" = 300
"researchers.count" = 600
"policy.tech_transfer_insurance.start_quarter" = 0
"policy.tech_transfer_insurance.pilot_count" = 0

[[parameter]]
key = "policy.tech_transfer_insurance.take_up"
values = [0.5, 1.0]
""", encoding="utf-8")
    incubsim("sweep", "plan", toml, "-o", top / "plan")
    incubsim("sweep", "run", top / "plan", "-q", "--threads", "2")
    incubsim("sweep", "merge", top / "plan", "-o", top / "merged.h5")
    return top / "merged.h5"


def test_sweep_ledger_per_run(insured_sweep):
    name = "tech_transfer_insurance"
    df = L.load_sweep_ledger(insured_sweep, name, ["premiums", "claims", "loss_ratio",
                                                   "insured_quality_mean"])
    assert df.attrs["statistic"] == {"premiums": "sum", "claims": "sum", "loss_ratio": "last",
                                     "insured_quality_mean": "mean"}
    assert df.attrs["parameters"] == ["policy.tech_transfer_insurance.take_up"]
    assert list(df.columns) == ["run_id", "point_id", "replicate", "seed",
                                "policy.tech_transfer_insurance.take_up", "status", "metric",
                                "value"]
    runs = L.load_sweep(insured_sweep, "runs")
    assert len(df) == 4 * len(runs)
    top = insured_sweep.parent
    for r in runs.itertuples():
        with h5py.File(top / r.file, "r") as f:
            g = f[f"policy/{name}"]
            expected = {"premiums": g["premiums"][()].sum(), "claims": g["claims"][()].sum(),
                        "loss_ratio": g["loss_ratio"][()][-1],
                        "insured_quality_mean": np.nanmean(g["insured_quality_mean"][()])}
        got = df[df.run_id == r.run_id].set_index("metric")["value"]
        for column, value in expected.items():
            assert got[column] == pytest.approx(value, rel=1e-12, nan_ok=True), column
    wide = df.pivot(index="run_id", columns="metric", values="value")
    assert (wide["premiums"] > 0).all()
    # Full take-up insures more than half take-up, at the same seeds.
    by_point = df[df.metric == "premiums"].groupby(
        "policy.tech_transfer_insurance.take_up")["value"].mean()
    assert by_point[1.0] > by_point[0.5]
    every = L.load_sweep_ledger(insured_sweep, name)
    assert {"premiums", "claims", "insurer_reserve", "spend"} <= set(every.metric)
    with pytest.raises(AnalysisError, match="no ledger /policy/nonsense"):
        L.load_sweep_ledger(insured_sweep, "nonsense")
    with pytest.raises(AnalysisError, match="nonsense"):
        L.load_sweep_ledger(insured_sweep, name, ["nonsense"])


def test_sweep_ledger_needs_the_run_files(insured_sweep, tmp_path):
    alone = tmp_path / "alone.h5"
    shutil.copy(insured_sweep, alone)
    with pytest.raises(AnalysisError, match="is missing; keep the merged file beside"):
        L.load_sweep_ledger(alone, "tech_transfer_insurance")


def _read(path: Path, name: str) -> np.ndarray:
    with h5py.File(path, "r") as f:
        ds = f[name]
        return ds.asstr()[:] if h5py.check_string_dtype(ds.dtype) else ds[:]


# --- run files ------------------------------------------------------------------

def test_run_long_equals_timeseries(run_file):
    df = L.load_run(run_file)
    assert list(df.columns) == ["quarter", "metric", "value", "unit"]
    with h5py.File(run_file, "r") as f:
        ts = f["timeseries"]
        metrics = [k for k in ts if k != "quarter"]
        assert list(dict.fromkeys(df["metric"])) == metrics
        assert len(df) == len(metrics) * len(ts["quarter"])
        for m in metrics:
            rows = df[df["metric"] == m]
            np.testing.assert_array_equal(rows["quarter"], ts["quarter"][:])
            np.testing.assert_array_equal(rows["value"], ts[m][:].astype(float))
            assert set(rows["unit"]) == {ts[m].attrs["unit"]}


def test_run_wide_and_metrics(run_file):
    wide = L.load_run_wide(run_file)
    with h5py.File(run_file, "r") as f:
        ts = f["timeseries"]
        assert wide.index.name == "quarter"
        np.testing.assert_array_equal(wide.index, ts["quarter"][:])
        assert list(wide.columns) == [k for k in ts if k != "quarter"]
        for m in ("firms_alive", "revenue"):
            assert wide[m].dtype == ts[m].dtype
            np.testing.assert_array_equal(wide[m], ts[m][:])
        assert wide.attrs["units"]["revenue"] == ts["revenue"].attrs["unit"]
    picked = L.load_run(run_file, ["births", "revenue"])
    assert list(dict.fromkeys(picked["metric"])) == ["births", "revenue"]
    with pytest.raises(AnalysisError, match="no metric nonsense"):
        L.load_run(run_file, ["nonsense"])


def test_ledger(run_file):
    with h5py.File(run_file, "r") as f:
        names = list(f["policy"])
        g = f["policy/government"]
        expected = {k: g[k][:] for k in g}
    assert "government" in names
    ledger = L.load_ledger(run_file, "government")
    np.testing.assert_array_equal(ledger.index, expected["quarter"])
    assert list(ledger.columns) == [k for k in expected if k != "quarter"]
    for k, v in expected.items():
        if k != "quarter":
            np.testing.assert_array_equal(ledger[k], v)
    pd.testing.assert_frame_equal(L.load(run_file, "policy/government"), ledger)
    with pytest.raises(AnalysisError, match="no ledger /policy/nope.*government"):
        L.load_ledger(run_file, "nope")


# --- comparison files ---------------------------------------------------------------

def test_compare_effects(compare_file):
    df = L.load_compare(compare_file)
    with h5py.File(compare_file, "r") as f:
        g = f["effects"]
        assert list(df.columns) == list(g)
        for k in g:
            if h5py.check_string_dtype(g[k].dtype):
                assert list(df[k]) == list(g[k].asstr()[:])
            elif h5py.check_enum_dtype(g[k].dtype):
                names = {c: n for n, c in h5py.check_enum_dtype(g[k].dtype).items()}
                assert list(df[k]) == [names[c] for c in g[k][:]]
            else:
                np.testing.assert_array_equal(df[k], g[k][:])
    pd.testing.assert_frame_equal(L.load(compare_file), df)


def test_compare_runs_and_series(compare_file):
    runs = L.load_compare(compare_file, "runs")
    series = L.load_compare(compare_file, "series")
    with h5py.File(compare_file, "r") as f:
        assert set(runs["arm"]) == {"base", "policy"}
        np.testing.assert_array_equal(runs["seed"], f["runs/seed"][:])
        for arm in ("base", "policy"):
            rows = series[(series["arm"] == arm) & (series["metric"] == "firms_alive")]
            np.testing.assert_array_equal(rows["quarter"], f[f"timeseries/{arm}/quarter"][:])
            np.testing.assert_array_equal(rows["value"], f[f"timeseries/{arm}/firms_alive"][:])
    paired = L.load_compare(compare_file, "paired")
    assert "firms_alive" in set(paired["metric"])
    with h5py.File(compare_file, "r") as f:
        assert paired.attrs["units"] == {
            m: L.text(f[f"paired_series/{m}/effect"].attrs["unit"]) for m in f["paired_series"]}
    assert paired.attrs["units"]["firms_alive"] == "firms"
    with pytest.raises(AnalysisError, match="unknown table"):
        L.load_compare(compare_file, "bogus")


# --- merged sweeps ----------------------------------------------------------------

def test_sweep_summary(sweep):
    path = sweep["copy"]
    df = L.load_sweep(path)
    assert list(df.columns) == ["run_id", "point_id", "replicate", "seed", PARAM,
                                "status", "metric", "value"]
    assert df.attrs["parameters"] == [PARAM]
    run_param = dict(zip(_read(path, "runs/run_id"), _read(path, f"runs/{PARAM}")))
    assert sorted(set(run_param.values())) == [10.0, 20.0]
    with h5py.File(path, "r") as f:
        metrics = [m for m in f["summary"] if m != "run_id"]
        assert len(df) == len(run_param) * len(metrics)
        for r, param in run_param.items():
            rows = df[df["run_id"] == r]
            assert set(rows[PARAM]) == {param}
            assert set(rows["seed"]) == {f["runs/seed"][r]}
            assert set(rows["status"]) == {"done"}
            values = dict(zip(rows["metric"], rows["value"]))
            for m in metrics:
                np.testing.assert_equal(values[m], f["summary"][m][r])
        assert df.attrs["statistic"]["births"] == f["summary/births"].attrs["statistic"]
    # the same from the links file, and through load()
    pd.testing.assert_frame_equal(L.load_sweep(sweep["links"]), df)
    pd.testing.assert_frame_equal(L.load(path), df)


def test_sweep_series_copy_equals_links_and_run_files(sweep):
    copy = L.load_sweep(sweep["copy"], "series")
    links = L.load_sweep(sweep["links"], "series")
    assert list(copy.columns) == ["run_id", "point_id", "replicate", "seed", PARAM,
                                  "status", "quarter", "metric", "value"]
    pd.testing.assert_frame_equal(copy, links)
    files = dict(zip(_read(sweep["copy"], "runs/run_id"), _read(sweep["copy"], "runs/file")))
    for r, rel in files.items():
        with h5py.File(sweep["top"] / rel, "r") as f:
            for m in ("firms_alive", "births", "transfer_quality_mean"):
                rows = copy[(copy["run_id"] == r) & (copy["metric"] == m)]
                np.testing.assert_array_equal(rows["quarter"], f["timeseries/quarter"][:])
                np.testing.assert_array_equal(rows["value"],
                                              f["timeseries"][m][:].astype(float))
    picked = L.load_sweep(sweep["links"], "series", metrics=["births"])
    assert set(picked["metric"]) == {"births"}


def test_sweep_missing_runs_and_broken_links(incubsim, sweep, tmp_path):
    # A copy of the sweep with run 1's file gone: the old links file now
    # points at nothing, and a new --allow-missing merge marks it missing.
    top = tmp_path / "copy"
    shutil.copytree(sweep["top"], top)
    gone = top / _read(sweep["copy"], "runs/file")[1]
    gone.unlink()
    with pytest.raises(AnalysisError, match=r"run 1's result file .*is missing"):
        L.load_sweep(top / "links.h5", "series")
    partial = top / "grid" / "partial.h5"          # merged inside the sweep directory
    incubsim("sweep", "merge", top / "grid", "--allow-missing", "--series", "links",
             "-o", partial)
    done = L.load_sweep(partial)
    assert 1 not in set(done["run_id"]) and set(done["run_id"]) == {0, 2, 3}
    everything = L.load_sweep(partial, include_missing=True)
    missing = everything[everything["run_id"] == 1]
    assert set(missing["status"]) == {"missing"} and missing["value"].isna().all()
    series = L.load_sweep(partial, "series", include_missing=True)
    full = L.load_sweep(sweep["copy"], "series")
    kept = full[full["run_id"] != 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        series[series["run_id"] != 1].reset_index(drop=True).drop(columns="status"),
        kept.drop(columns="status"))
    assert series[series["run_id"] == 1]["value"].isna().all()
    runs = L.load_sweep(partial, "runs")
    assert list(runs["status"]) == ["done", "missing", "done", "done"]


# --- format checks ----------------------------------------------------------------

def test_format_errors(run_file, sweep, tmp_path):
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5\n", encoding="utf-8")
    with pytest.raises(FormatError, match="is not an HDF5 file; expected an incubsim result"):
        L.load_run(text)
    truncated = tmp_path / "truncated.h5"
    truncated.write_bytes(run_file.read_bytes()[:2048])
    with pytest.raises(FormatError, match="is not an HDF5 file; expected an incubsim result"):
        L.load_run(truncated)
    with pytest.raises(FormatError, match="does not exist"):
        L.load(tmp_path / "absent.h5")
    with pytest.raises(FormatError, match="is a directory"):
        L.load(sweep["dir"])

    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f.attrs["format"] = "something-else"
        f.attrs["format_version"] = "1.0"
    with pytest.raises(FormatError, match="is an something-else file, expected incubsim-run"):
        L.load_run(foreign)
    bare = tmp_path / "bare.h5"
    with h5py.File(bare, "w") as f:
        f["x"] = [1, 2]
    with pytest.raises(FormatError, match="no 'format' attribute"):
        L.file_format(bare)

    newer = tmp_path / "newer.h5"
    shutil.copy(run_file, newer)
    with h5py.File(newer, "r+") as f:
        f.attrs["format_version"] = "2.0"
    with pytest.raises(FormatError, match=r"was written by a newer incubsim \(format 2\.0\); "
                                          r"this package reads 1\.x; upgrade"):
        L.load(newer)
    minor = tmp_path / "minor.h5"
    shutil.copy(run_file, minor)
    with h5py.File(minor, "r+") as f:
        f.attrs["format_version"] = "1.7"
    pd.testing.assert_frame_equal(L.load(minor), L.load_run(run_file))

    with pytest.raises(FormatError, match="is an incubsim-sweep file, expected incubsim-run"):
        L.load_run(sweep["copy"])
    with pytest.raises(FormatError, match="incubsim-sweep-manifest file.*sweep merge"):
        L.load(sweep["dir"] / "manifest.h5")
    with L.open_checked(run_file, "incubsim-run") as f:
        assert f.attrs["format"] == "incubsim-run"


# --- command line ---------------------------------------------------------------------

def _cli(*args, cwd=None) -> subprocess.CompletedProcess:
    analysis = Path(__file__).resolve().parents[2] / "analysis"
    env = dict(os.environ, PYTHONPATH=str(analysis))
    return subprocess.run([sys.executable, "-m", "incubsim_analysis", *map(str, args)],
                          env=env, cwd=cwd, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def test_cli_table(run_file, sweep, tmp_path):
    p = _cli("table", run_file)
    assert p.returncode == 0, p.stderr
    csv = pd.read_csv(StringIO(p.stdout))
    expected = L.load_run(run_file)
    assert list(csv.columns) == list(expected.columns)
    np.testing.assert_allclose(csv["value"], expected["value"], rtol=1e-12)

    out = tmp_path / "series.csv"
    p = _cli("table", sweep["links"], "--what", "series", "-o", out)
    assert p.returncode == 0 and p.stdout == "", p.stderr
    csv = pd.read_csv(out)
    expected = L.load_sweep(sweep["links"], "series")
    assert list(csv.columns) == list(expected.columns)
    np.testing.assert_array_equal(csv[PARAM], expected[PARAM])
    np.testing.assert_allclose(csv["value"], expected["value"], rtol=1e-12)

    p = _cli("table", run_file, "--what", "wide")
    assert p.returncode == 0 and p.stdout.startswith("quarter,firms_alive,"), p.stderr


def test_cli_errors_and_help(tmp_path, run_file):
    corrupt = tmp_path / "corrupt.h5"
    corrupt.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 64)
    for bad, says in ((corrupt, "is not an HDF5 file; expected an incubsim result"),
                      (tmp_path / "absent.h5", "does not exist")):
        p = _cli("table", bad)
        assert p.returncode == 2
        assert "Traceback" not in p.stderr
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("incubsim-analysis: error: "), p.stderr
        assert says in lines[0]
    p = _cli("table", run_file, "--what", "bogus")
    assert p.returncode == 2 and "unknown table 'bogus'" in p.stderr
    for args in (["--help"], ["table", "--help"]):
        p = _cli(*args)
        assert p.returncode == 0 and "table" in p.stdout, p.stderr
