"""incubsim_analysis.validate and the `validate` command: the estimators on
inputs with known answers, validate() on a hand-made run file with known
facts, and on a real small run made by the binary."""
from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from incubsim_analysis import AnalysisError, FormatError
from incubsim_analysis import validate as V

ANALYSIS_DIR = Path(__file__).resolve().parents[2] / "analysis"


# --- Kaplan-Meier -------------------------------------------------------------------

def test_kaplan_meier_by_hand():
    # durations [1,2,2,3,4], observed [1,1,0,1,0]:
    #  t=1: at risk 5, 1 death  -> S = 4/5             = 0.8
    #  t=2: at risk 4, 1 death (the censored 2 is still at risk) -> 0.8 * 3/4 = 0.6
    #  t=3: at risk 2, 1 death  -> 0.6 * 1/2           = 0.3
    #  t=4: at risk 1, censored -> 0.3
    km = V.kaplan_meier([1, 2, 2, 3, 4], [1, 1, 0, 1, 0])
    assert list(km["time"]) == [1, 2, 3, 4]
    assert list(km["at_risk"]) == [5, 4, 2, 1]
    assert list(km["events"]) == [1, 1, 1, 0]
    np.testing.assert_allclose(km["survival"], [0.8, 0.6, 0.3, 0.3])
    assert V.survival_at(km, 0.5) == 1.0
    assert V.survival_at(km, 2.5) == pytest.approx(0.6)
    assert math.isnan(V.survival_at(km, 5))


def test_kaplan_meier_censoring_matters():
    all_censored = V.kaplan_meier([1, 2, 3], [False, False, False])
    np.testing.assert_allclose(all_censored["survival"], 1.0)
    # same durations all observed: the naive share alive drops to 0
    all_dead = V.kaplan_meier([1, 2, 3], [True, True, True])
    np.testing.assert_allclose(all_dead["survival"], [2 / 3, 1 / 3, 0.0])
    # dropping the censored subjects instead of keeping them at risk would give 0.5 at t=2
    km = V.kaplan_meier([1, 2, 3, 3], [False, True, False, True])
    assert V.survival_at(km, 2) == pytest.approx(2 / 3)


def test_kaplan_meier_rejects_mismatch():
    with pytest.raises(AnalysisError):
        V.kaplan_meier([1, 2], [True])


# --- power law ----------------------------------------------------------------------

def test_powerlaw_mle_recovers_alpha():
    rng = np.random.default_rng(12345)
    alpha, xmin = 2.5, 3.0
    x = xmin * (1.0 - rng.random(50_000)) ** (-1.0 / (alpha - 1.0))   # inverse transform
    a, se, n = V.powerlaw_tail(x, xmin)
    assert n == 50_000
    assert abs(a - alpha) < 0.05
    assert se == pytest.approx((a - 1) / math.sqrt(n))
    # KS choice of xmin on a sample whose body below 3 is not a power law
    body = rng.uniform(0.5, xmin, 20_000)
    a2, _, n2 = V.powerlaw_tail(np.concatenate([body, x]), None)
    assert abs(a2 - alpha) < 0.1 and 1_000 <= n2 <= 50_000   # the uniform body is cut off


def test_powerlaw_too_few_points():
    a, se, n = V.powerlaw_tail([5.0], 1.0)
    assert math.isnan(a) and math.isnan(se) and n == 1
    assert math.isnan(V.powerlaw_tail([1.0, 2.0], None)[0])


# --- validate() on a hand-made run file ---------------------------------------------

def _fake_run(path: Path) -> Path:
    q = 20
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "incubsim-run"
        f.attrs["format_version"] = "1.0"
        ts = f.create_group("timeseries")
        ts["quarter"] = np.arange(q, dtype=np.int32)
        flows = {"inventions": 100, "transfers_licence": 30, "transfers_spinoff": 10,
                 "transfers_succeeded": 20, "transfers_failed": 5,
                 "incubator_graduations": 6, "incubator_exits": 4}
        for name, total in flows.items():
            v = np.zeros(q, dtype=np.int64)
            v[0], v[1] = total - total // 2, total // 2
            ts[name] = v
        firms = f.create_group("agents/firms")
        # 10 firms founded in quarter 0; 0-4 die in quarters 1,3,5,7,9 (lived 2,4,6,8,10
        # quarters), 5-9 alive at the end (censored at 20 quarters).
        firms["founded"] = np.zeros(10, dtype=np.int32)
        firms["exit_quarter"] = np.array([1, 3, 5, 7, 9] + [-1] * 5, dtype=np.int32)
        firms["status"] = np.array([1] * 5 + [0] * 5, dtype=np.uint8)
        firms["origin"] = np.ones(10, dtype=np.uint8)
        firms["employees"] = np.array([3] * 10, dtype=np.int32)
        ev = {  # (kind, quarter, actor, target, amount)
            "deals": [(4, 0, 0, 0, 1.0), (4, 0, 0, 5, 2.0), (4, 0, 1, 6, 1.0),
                      (4, 0, 1, 1, 1.0), (4, 0, 2, 7, 1.0)],
            "exits": [(15, 10, 0, 5, 30.0), (15, 2, 1, 1, 0.5), (15, 12, 2, 7, 2.0)],
            "incubation": [(9, 2, 0, 2, 0.0), (10, 6, 0, 2, 0.0),
                           (9, 3, 1, 3, 0.0), (11, 5, 1, 3, 0.0)],
        }
        rows = [r for part in ev.values() for r in part]
        e = f.create_group("events")
        e["kind"] = np.array([r[0] for r in rows], dtype=np.uint8)
        e["quarter"] = np.array([r[1] for r in rows], dtype=np.int32)
        e["actor"] = np.array([r[2] for r in rows], dtype=np.int64)
        e["target"] = np.array([r[3] for r in rows], dtype=np.int64)
        e["amount"] = np.array([r[4] for r in rows], dtype=np.float64)
    return path


def test_validate_known_synthetic(tmp_path):
    df = V.validate([_fake_run(tmp_path / "fake.h5")])
    assert list(df.columns) == V.COLUMNS
    got = dict(zip(df["fact"], df["model"]))
    # KM: S(4) = 9/10 * 8/9 = 0.8; S(12) = 0.5 (5 deaths of 10 by age 10, none censored)
    assert got["firm survival at 1 year (KM, new firms)"] == pytest.approx(0.8)
    assert got["firm survival at 3 years (KM, new firms)"] == pytest.approx(0.5)
    assert got["firm survival at 5 years (KM, new firms)"] == pytest.approx(0.5)
    # realised positions: 0x (firm 0 died), 15x, 0.5x, 2x; firm 6 alive without proceeds
    assert got["venture deals returning < 1x (share of realised fund-firm positions)"] == 0.5
    assert got["venture deals returning >= 10x (share of realised fund-firm positions)"] == 0.25
    assert got["incubator graduation share (graduations / tenants leaving)"] == pytest.approx(0.6)
    assert got["incubator mean stay (months, completed stays)"] == pytest.approx(9.0)
    assert got["licences + spin-offs per invention"] == pytest.approx(0.4)
    assert got["spin-offs per invention"] == pytest.approx(0.1)
    assert got["transfer success share (succeeded / judged)"] == pytest.approx(0.8)
    verdict = dict(zip(df["fact"], df["verdict"]))
    # 5 alive firms are too few for a tail fit: reported, not invented
    assert math.isnan(got["firm size tail exponent alpha (density, employees of alive firms)"])
    assert verdict["firm size tail exponent alpha (density, employees of alive firms)"] == \
        V.NOT_AVAILABLE
    assert verdict["firm survival at 1 year (KM, new firms)"] == "within the reference range"
    assert verdict["firm survival at 3 years (KM, new firms)"].startswith(
        "outside the reference range (below)")
    assert verdict["transfer success share (succeeded / judged)"] == V.NO_REFERENCE
    # pooling two identical runs leaves every ratio unchanged
    df2 = V.validate([tmp_path / "fake.h5", tmp_path / "fake.h5"])
    pd.testing.assert_series_equal(df["model"], df2["model"])


def test_validate_without_agents_or_events(tmp_path):
    path = _fake_run(tmp_path / "bare.h5")
    with h5py.File(path, "a") as f:
        del f["agents"]
        del f["events"]
    df = V.validate(path)
    verdict = dict(zip(df["fact"], df["verdict"]))
    assert verdict["firm survival at 1 year (KM, new firms)"] == V.NOT_AVAILABLE
    assert verdict["venture deals returning < 1x (share of realised fund-firm positions)"] == \
        V.NOT_AVAILABLE
    assert dict(zip(df["fact"], df["model"]))["licences + spin-offs per invention"] == \
        pytest.approx(0.4)


def test_validate_rejects_other_files(tmp_path):
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"not an hdf5 file at all")
    with pytest.raises(FormatError):
        V.validate([bad])
    with pytest.raises(AnalysisError):
        V.validate([])


# --- real run and command line ------------------------------------------------------

@pytest.fixture(scope="module")
def real_run(incubsim, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("validate") / "r.h5"
    return incubsim.run_to(out, "--quarters", "8", "--set", "firms.initial_count=300",
                           "--set", "researchers.count=600")


def test_validate_real_run(real_run):
    df = V.validate([real_run])
    got = dict(zip(df["fact"], df["model"]))
    for fact in ("firm survival at 1 year (KM, new firms)",
                 "licences + spin-offs per invention",
                 "spin-offs per invention",
                 "incubator graduation share (graduations / tenants leaving)"):
        assert math.isfinite(got[fact]), (fact, got[fact])
        assert 0.0 <= got[fact] <= 1.0
    for _, row in df.iterrows():
        if math.isfinite(row["model"]):
            assert "not available" not in row["verdict"]
        else:
            assert row["verdict"] == V.NOT_AVAILABLE


def _cli(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ANALYSIS_DIR))
    return subprocess.run([sys.executable, "-m", "incubsim_analysis", "validate", *map(str, args)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def test_cli(real_run, tmp_path):
    out = tmp_path / "v.csv"
    p = _cli(real_run, real_run, "-o", out, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "firm survival at 1 year" in p.stdout and "Sources:" in p.stdout
    df = pd.read_csv(out)
    assert list(df.columns) == V.COLUMNS and len(df) == len(V.validate([real_run]))


def test_cli_corrupt_file(tmp_path):
    bad = tmp_path / "corrupt.h5"
    bad.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 64)
    p = _cli(bad, cwd=tmp_path)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
