"""incubsim_analysis.sensitivity: Sobol and Morris estimators on functions
with known indices, then on real (tiny) incubsim sweeps, then the CLI."""
from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
from scipy.stats import qmc

from incubsim_analysis import AnalysisError, FormatError
from incubsim_analysis.sensitivity import (ishigami, ishigami_indices, morris_effects,
                                           sobol_indices, sweep_sensitivity)
from incubsim_testlib import write_text

ANALYSIS_DIR = Path(__file__).resolve().parents[2] / "analysis"
PYTHON = "/usr/bin/python3"


def saltelli_outputs(model, k: int, log2_n: int, low: float, high: float, seed: int = 7):
    """Outputs at A, B and the k AB_i matrices of a scrambled Sobol sample."""
    u = qmc.Sobol(2 * k, scramble=True, seed=seed).random_base2(log2_n)
    x = low + (high - low) * u
    a, b = x[:, :k], x[:, k:]
    y_ab = np.empty((len(a), k))
    for i in range(k):
        ab = a.copy()
        ab[:, i] = b[:, i]
        y_ab[:, i] = model(ab)
    return model(a), model(b), y_ab


# --- Sobol indices ------------------------------------------------------------

def test_ishigami_analytic_values_match_monte_carlo():
    exact = ishigami_indices()
    rng = np.random.default_rng(3)
    x = rng.uniform(-math.pi, math.pi, size=(2_000_000, 3))
    y = ishigami(x)
    a, b = 7.0, 0.1
    v = a * a / 8 + b * math.pi ** 4 / 5 + b * b * math.pi ** 8 / 18 + 0.5
    assert y.var() == pytest.approx(v, rel=0.01)
    # V1 = Var(E[y | x1]) = Var(sin x1 (1 + b E[x3^4])).
    v1 = np.var(np.sin(x[:, 0]) * (1 + b * math.pi ** 4 / 5))
    assert exact.S1[0] == pytest.approx(v1 / v, rel=0.01)
    assert exact.S1[1] == pytest.approx(np.var(a * np.sin(x[:, 1]) ** 2) / v, rel=0.01)
    # ST3 = E[Var(y | x1, x2)] / V: only the b x3^4 sin x1 term varies with x3.
    st3 = np.mean(np.sin(x[:, 0]) ** 2) * b * b * np.var(x[:, 2] ** 4) / v
    assert exact.ST[2] == pytest.approx(st3, rel=0.02)
    assert exact.S1[2] == 0
    assert exact.ST[1] == exact.S1[1]


def test_ishigami_indices_from_a_saltelli_sample():
    y_a, y_b, y_ab = saltelli_outputs(ishigami, 3, 13, -math.pi, math.pi)
    got = sobol_indices(y_a, y_b, y_ab, n_boot=500, seed=1)
    exact = ishigami_indices()
    assert list(got.columns) == ["parameter", "S1", "S1_low", "S1_high", "ST", "ST_low",
                                 "ST_high"]
    assert list(got.parameter) == [0, 1, 2]
    for column in ("S1", "ST"):
        np.testing.assert_allclose(got[column], exact[column], atol=0.02)
        slack = 0.005  # an interval may just miss
        assert (got[f"{column}_low"] - slack <= exact[column]).all(), got
        assert (exact[column] <= got[f"{column}_high"] + slack).all(), got
        assert (got[f"{column}_low"] <= got[f"{column}_high"]).all()
    # Deterministic for a seed; another seed moves only the intervals.
    again = sobol_indices(y_a, y_b, y_ab, n_boot=500, seed=1)
    assert got.equals(again)
    other = sobol_indices(y_a, y_b, y_ab, n_boot=500, seed=2)
    np.testing.assert_array_equal(other.S1, got.S1)
    assert not np.array_equal(other.S1_low, got.S1_low)


def test_linear_additive_model_gives_squared_coefficient_shares():
    c = np.array([1.0, -2.0, 3.0, 0.5])
    y_a, y_b, y_ab = saltelli_outputs(lambda x: 10.0 + x @ c, 4, 12, 0.0, 1.0)
    got = sobol_indices(y_a, y_b, y_ab, n_boot=200, names=["a", "b", "c", "d"])
    share = c ** 2 / np.sum(c ** 2)
    np.testing.assert_allclose(got.S1, share, atol=0.01)
    np.testing.assert_allclose(got.ST, share, atol=0.01)
    assert list(got.parameter) == ["a", "b", "c", "d"]


def test_constant_output_gives_nan_and_bad_shapes_raise():
    n = 16
    got = sobol_indices(np.ones(n), np.ones(n), np.ones((n, 2)), n_boot=20)
    assert got[["S1", "ST", "S1_low", "ST_high"]].isna().all().all()
    with pytest.raises(ValueError):
        sobol_indices(np.ones(n), np.ones(n - 1), np.ones((n, 2)))
    with pytest.raises(ValueError):
        sobol_indices(np.ones(n), np.ones(n), np.full((n, 2), np.nan))


# --- Morris elementary effects -----------------------------------------------

def morris_design(k: int, r: int, levels: int = 4, seed: int = 0):
    """Trajectories built as incubsim's morris design does (designs.cpp)."""
    rng = np.random.default_rng(seed)
    delta = levels / (2 * (levels - 1))
    xs, traj, moved = [], [], []
    for t in range(r):
        start = rng.integers(0, levels // 2, size=k) / (levels - 1)
        sign = rng.choice([-1, 1], size=k)
        x = np.where(sign > 0, start, start + delta)
        xs.append(x.copy()); traj.append(t); moved.append(-1)
        for i in rng.permutation(k):
            x[i] += sign[i] * delta
            xs.append(x.copy()); traj.append(t); moved.append(i)
    return np.array(xs), np.array(traj), np.array(moved), delta


def test_morris_linear_function_has_exact_effects():
    c = np.array([2.0, -3.0, 0.0, 0.5])
    x, traj, moved, delta = morris_design(4, 10)
    assert np.all((x >= 0) & (x <= 1))
    got = morris_effects(x, 1.0 + x @ c, traj, moved, delta)
    np.testing.assert_allclose(got.mu, c, atol=1e-12)
    np.testing.assert_allclose(got.mu_star, np.abs(c), atol=1e-12)
    np.testing.assert_allclose(got.sigma, 0.0, atol=1e-12)
    assert list(got.r) == [10] * 4


def test_morris_nonlinear_term_gives_spread():
    x, traj, moved, delta = morris_design(3, 12, seed=5)
    y = x[:, 0] + 4.0 * x[:, 1] * x[:, 2] + x[:, 2] ** 2
    got = morris_effects(x, y, traj, moved, delta, names=["p", "q", "s"])
    assert got.sigma[0] == pytest.approx(0.0, abs=1e-12)
    assert got.mu_star[0] == pytest.approx(1.0)
    assert got.sigma[1] > 0.1 and got.sigma[2] > 0.1
    # Shuffled rows with explicit steps give the same effects.
    steps = np.concatenate([np.arange(4)] * 12)
    perm = np.random.default_rng(0).permutation(len(y))
    again = morris_effects(x[perm], y[perm], traj[perm], moved[perm], delta, steps=steps[perm],
                           names=["p", "q", "s"])
    np.testing.assert_allclose(again[["mu", "mu_star", "sigma"]], got[["mu", "mu_star", "sigma"]],
                               atol=1e-12)


# --- real sweeps -------------------------------------------------------------

SWEEP_TOML = """\
design = "{design}"
{extra}replicates = 1
seed = 11

[fixed]
"simulation.quarters" = 4
"simulation.burn_in" = 0
"firms.initial_count" = 200
"researchers.count" = 400

[[parameter]]
key = "firms.founders_per_quarter"
min = 5.0
max = 40.0
{param_extra}
[[parameter]]
key = "firms.fixed_cost"
min = 0.02
max = 0.08
{param_extra}
[outputs]
metrics = ["births", "deaths", "firms_alive"]
"""

KEYS = ["firms.founders_per_quarter", "firms.fixed_cost"]
METRICS = ["births", "deaths", "firms_alive"]


def make_sweep(incubsim, directory: Path, design: str, points: int | None, extra: str = "",
               param_extra: str = "") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    if points is not None:
        extra = f"points = {points}\n" + extra
    spec = write_text(directory / "S.toml", SWEEP_TOML.format(
        design=design, extra=extra, param_extra=param_extra))
    incubsim("sweep", "plan", spec, "-o", directory / "D", cwd=directory)
    incubsim("sweep", "run", directory / "D", "-q", cwd=directory)
    incubsim("sweep", "merge", directory / "D", "-o", directory / "M.h5", cwd=directory)
    return directory / "M.h5"


@pytest.fixture(scope="module")
def saltelli_sweep(incubsim, tmp_path_factory) -> Path:
    # 16 base rows x (2 + 2) points: 64 runs, a few seconds.
    return make_sweep(incubsim, tmp_path_factory.mktemp("saltelli"), "saltelli", 16)


def test_outcomes_from_outside_the_merged_file(saltelli_sweep, morris_sweep):
    """Per-run outcomes given as a table give the same indices as the same
    values read from /summary, after the metrics asked for."""
    def births_table(merged):
        with h5py.File(merged, "r") as f:
            run_id = f["runs/run_id"][()]
            births = f["summary/births"][()]
        # Rows in another order than the file's: matched by run_id.
        return pd.DataFrame({"births_again": births}, index=run_id).iloc[::-1]

    for merged in (saltelli_sweep, morris_sweep):
        table = births_table(merged)
        ref = sweep_sensitivity(merged, ["births"], n_boot=50)
        got = sweep_sensitivity(merged, outcomes=table, n_boot=50)
        assert list(got.metric) == ["births_again"] * len(KEYS)
        values = [c for c in got.columns if c not in ("metric", "parameter")]
        np.testing.assert_array_equal(got[values].to_numpy(), ref[values].to_numpy())
        both = sweep_sensitivity(merged, ["deaths"], outcomes=table, n_boot=50)
        assert list(both.metric) == ["deaths"] * len(KEYS) + ["births_again"] * len(KEYS)
    table = births_table(saltelli_sweep)
    with pytest.raises(AnalysisError, match="lacks runs"):
        sweep_sensitivity(saltelli_sweep, outcomes=table.iloc[1:])
    with pytest.raises(AnalysisError, match="also a /summary metric"):
        sweep_sensitivity(saltelli_sweep, ["births"],
                          outcomes=table.rename(columns={"births_again": "births"}))


@pytest.fixture(scope="module")
def morris_sweep(incubsim, tmp_path_factory) -> Path:
    return make_sweep(incubsim, tmp_path_factory.mktemp("morris"), "morris", 4, "levels = 4\n")


@pytest.fixture(scope="module")
def grid_sweep(incubsim, tmp_path_factory) -> Path:
    return make_sweep(incubsim, tmp_path_factory.mktemp("grid"), "grid", None,
                      param_extra="steps = 2\n")


def test_saltelli_sweep_indices(saltelli_sweep):
    t0 = time.monotonic()
    got = sweep_sensitivity(saltelli_sweep)
    assert time.monotonic() - t0 < 10
    assert list(got.columns) == ["metric", "parameter", "S1", "S1_low", "S1_high",
                                 "ST", "ST_low", "ST_high"]
    assert got.attrs["design"] == "saltelli"
    assert list(got.metric) == [m for m in METRICS for _ in KEYS]
    assert list(got.parameter) == KEYS * 3
    with h5py.File(saltelli_sweep, "r") as f:
        summary = {m: f["summary"][m][()] for m in METRICS}
    for metric in METRICS:
        rows = got[got.metric == metric]
        if np.var(summary[metric]) > 0:
            assert np.isfinite(rows[["S1", "ST", "S1_low", "S1_high", "ST_low", "ST_high"]]
                               .to_numpy()).all(), rows
    births = got[got.metric == "births"].set_index("parameter")
    assert births.ST["firms.founders_per_quarter"] > births.ST["firms.fixed_cost"]
    assert births.ST["firms.founders_per_quarter"] > 0.5
    # A subset of metrics, in the order asked for.
    some = sweep_sensitivity(saltelli_sweep, ["firms_alive", "births"], n_boot=50)
    assert list(some.metric) == ["firms_alive"] * 2 + ["births"] * 2
    with pytest.raises(AnalysisError, match="no metric nonsense"):
        sweep_sensitivity(saltelli_sweep, ["nonsense"])


def test_morris_sweep_effects(morris_sweep):
    got = sweep_sensitivity(morris_sweep)
    assert got.attrs["design"] == "morris"
    assert list(got.columns) == ["metric", "parameter", "mu", "mu_star", "sigma", "r"]
    assert list(got.parameter) == KEYS * 3
    assert (got.r == 4).all()
    assert np.isfinite(got[["mu", "mu_star", "sigma"]].to_numpy()).all()
    births = got[got.metric == "births"].set_index("parameter")
    assert births.mu_star["firms.founders_per_quarter"] > births.mu_star["firms.fixed_cost"]
    # Recompute one effect by hand from the file: unit space of a linear range.
    with h5py.File(morris_sweep, "r") as f:
        p = {k: f["points"][k][()] for k in f["points"]}
        y = f["summary/births"][()][np.argsort(f["runs/point_id"][()])]
    delta = 4 / (2 * 3)
    effects = []
    for t in np.unique(p["morris_trajectory"]):
        rows = np.flatnonzero(p["morris_trajectory"] == t)
        rows = rows[np.argsort(p["morris_step"][rows])]
        for before, after in zip(rows[:-1], rows[1:]):
            if p["morris_moved"][after] == 0:
                dx = (p[KEYS[0]][after] - p[KEYS[0]][before]) / 35.0
                assert abs(dx) == pytest.approx(delta)
                effects.append((y[after] - y[before]) / dx)
    assert births.mu["firms.founders_per_quarter"] == pytest.approx(np.mean(effects))


def test_other_designs_and_files_are_refused(grid_sweep, saltelli_sweep, tmp_path):
    with pytest.raises(AnalysisError, match="saltelli.*morris"):
        sweep_sensitivity(grid_sweep)
    not_hdf5 = write_text(tmp_path / "x.h5", "hello\n")
    with pytest.raises(FormatError):
        sweep_sensitivity(not_hdf5)
    manifest = grid_sweep.parent / "D" / "manifest.h5"
    with pytest.raises(FormatError, match="merge"):
        sweep_sensitivity(manifest)
    # A newer major version, and runs not done.
    newer = tmp_path / "newer.h5"
    newer.write_bytes(saltelli_sweep.read_bytes())
    with h5py.File(newer, "r+") as f:
        f.attrs["format_version"] = "2.0"
    with pytest.raises(FormatError, match="2.0"):
        sweep_sensitivity(newer)
    missing = tmp_path / "missing.h5"
    missing.write_bytes(saltelli_sweep.read_bytes())
    with h5py.File(missing, "r+") as f:
        status = f["runs/status"][()]
        status[3] = 2
        f["runs/status"][...] = status
    with pytest.raises(AnalysisError, match="not done.*sweep run"):
        sweep_sensitivity(missing)


# --- command line (last: it imports load_cli too) ---------------------------

def run_cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ANALYSIS_DIR))
    for attempt in range(10):
        p = subprocess.run([PYTHON, "-m", "incubsim_analysis", *map(str, args)], cwd=cwd,
                           env=env, capture_output=True, text=True, timeout=120)
        # __main__ imports load_cli, written separately; wait briefly for it.
        if "load_cli" not in p.stderr or attempt == 9:
            return p
        time.sleep(3)
    return p


def test_cli_saltelli_table_csv_and_plot(saltelli_sweep, tmp_path):
    png, csv = tmp_path / "out.png", tmp_path / "out.csv"
    p = run_cli("sensitivity", saltelli_sweep, "--plot", png, "-o", csv, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "firms.founders_per_quarter" in p.stdout and "ST_high" in p.stdout
    assert png.stat().st_size > 1000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import pandas as pd
    table = pd.read_csv(csv)
    assert len(table) == 6 and "S1_low" in table.columns


def test_cli_morris_plot(morris_sweep, tmp_path):
    png = tmp_path / "m.png"
    p = run_cli("sensitivity", morris_sweep, "--metric", "births", "--plot", png, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "mu_star" in p.stdout and "deaths" not in p.stdout
    assert png.stat().st_size > 1000


def test_cli_refuses_grid_sweep(grid_sweep, tmp_path):
    p = run_cli("sensitivity", grid_sweep, cwd=tmp_path)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "Traceback" not in p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("incubsim-analysis: error:"), p.stderr
    assert "saltelli" in lines[0]
