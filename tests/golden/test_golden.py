"""Golden test: a small scenario's outputs must not change unnoticed.

Runs `incubsim run small.toml` and compares
  - every /timeseries column with small_timeseries.csv (values written with
    repr(), so doubles compare exactly), and
  - row counts of every table and exact sums of every numeric column, event
    counts and the network measures with small_tables.json.

On a mismatch the test prints a unified diff and fails. After a deliberate
change of model behaviour, rewrite the expected files with
INCUBSIM_UPDATE_GOLDEN=1 (see README.md in this folder).
"""
from __future__ import annotations

import difflib
import json
import math
import os
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "small.toml"
EXPECTED_CSV = HERE / "small_timeseries.csv"
EXPECTED_JSON = HERE / "small_tables.json"
UPDATE_ENV = "INCUBSIM_UPDATE_GOLDEN"


def _updating() -> bool:
    return os.environ.get(UPDATE_ENV, "") not in ("", "0")


def _scalar(value) -> int | float:
    """A numpy scalar as the Python int or float with the same value."""
    return int(value) if np.issubdtype(np.asarray(value).dtype, np.integer) else float(value)


def timeseries_csv(path: Path) -> str:
    with h5py.File(path, "r") as f:
        group = f["timeseries"]
        names = list(group)  # creation order: quarter, then the engine's metric order
        columns = [group[n][()] for n in names]
    lines = [",".join(names)]
    for row in zip(*columns):
        lines.append(",".join(repr(_scalar(v)) for v in row))
    return "\n".join(lines) + "\n"


def tables_summary(path: Path) -> dict:
    summary: dict = {"rows": {}, "sums": {}, "events": {}, "measures": {}}
    with h5py.File(path, "r") as f:
        summary["format_version"] = f.attrs["format_version"]
        summary["quarters"] = int(f.attrs["quarters"])
        tables = ["timeseries", "events", "network/ties"] + [f"agents/{t}" for t in f["agents"]]
        for table in sorted(tables):
            group = f[table]
            lengths = {group[c].shape[0] for c in group}
            assert len(lengths) == 1, f"/{table} has columns of different lengths: {lengths}"
            summary["rows"][f"/{table}"] = lengths.pop()
            if table in ("timeseries", "events"):
                continue
            for column in group:
                d = group[column]
                if h5py.check_enum_dtype(d.dtype) is None:
                    # fsum is exactly rounded, so independent of summation order.
                    summary["sums"][f"/{table}/{column}"] = _scalar(
                        math.fsum(d[()].tolist()) if d.dtype.kind == "f" else int(d[()].sum()))
        kinds = h5py.check_enum_dtype(f["events/kind"].dtype)
        kind, amount = f["events/kind"][()], f["events/amount"][()]
        for name, code in sorted(kinds.items(), key=lambda kv: kv[1]):
            mask = kind == code
            summary["events"][name] = {"count": int(mask.sum()),
                                       "amount": math.fsum(amount[mask].tolist())}
        for name in sorted(f["network/measures"]):
            summary["measures"][name] = float(f["network/measures"][name][()])
    return summary


def _json_text(summary: dict) -> str:
    return json.dumps(summary, indent=2, sort_keys=True) + "\n"


def _diff(expected: str, actual: str, name: str) -> str:
    return "".join(difflib.unified_diff(expected.splitlines(keepends=True),
                                        actual.splitlines(keepends=True),
                                        fromfile=f"expected/{name}", tofile=f"actual/{name}",
                                        n=1))


def _column_report(expected: str, actual: str) -> str:
    """Which /timeseries columns changed, with their first difference."""
    exp = [line.split(",") for line in expected.splitlines()]
    act = [line.split(",") for line in actual.splitlines()]
    if not exp or not act or exp[0] != act[0]:
        return "the columns themselves differ (a metric was added, removed or reordered)\n"
    out = []
    for j, name in enumerate(exp[0]):
        for i in range(1, min(len(exp), len(act))):
            if exp[i][j] != act[i][j]:
                out.append(f"  {name}: first at row {i - 1} (quarter {act[i][0]}): "
                           f"expected {exp[i][j]}, got {act[i][j]}")
                break
    if len(exp) != len(act):
        out.append(f"  rows: expected {len(exp) - 1}, got {len(act) - 1}")
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def golden_run(incubsim, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "small.h5"
    return incubsim.run_to(out, SCENARIO, threads=2)


def _check(expected_path: Path, actual: str, explain) -> None:
    if _updating():
        old = expected_path.read_text(encoding="utf-8") if expected_path.exists() else ""
        expected_path.write_text(actual, encoding="utf-8")
        note = (f"{UPDATE_ENV} is set: rewrote {expected_path}"
                + (" (unchanged)" if old == actual else "; review `git diff` before committing"))
        print(note)
        if old != actual:
            warnings.warn(note)
        return
    if not expected_path.exists():
        pytest.fail(f"{expected_path} does not exist; create it with {UPDATE_ENV}=1 "
                    "(see tests/golden/README.md)", pytrace=False)
    expected = expected_path.read_text(encoding="utf-8")
    if expected != actual:
        message = (f"{expected_path.name} does not match the output of small.toml.\n"
                   f"{explain(expected, actual)}"
                   f"{_diff(expected, actual, expected_path.name)}\n"
                   f"If the change is intended, rerun with {UPDATE_ENV}=1, review the diff and "
                   "say so in the commit message (tests/golden/README.md).")
        pytest.fail(message, pytrace=False)


def test_timeseries_matches_golden(golden_run):
    _check(EXPECTED_CSV, timeseries_csv(golden_run), _column_report)


def test_tables_match_golden(golden_run):
    _check(EXPECTED_JSON, _json_text(tables_summary(golden_run)), lambda e, a: "")


def test_golden_scenario_is_small(golden_run):
    # Keeps the golden run fast and its files reviewable.
    with h5py.File(golden_run, "r") as f:
        assert f.attrs["quarters"] == 12
        assert f["agents/firms"].attrs["rows"] < 1000
        assert f["agents/incubators"].attrs["rows"] == 5
        assert f["events/kind"].shape[0] < 20000


def test_csv_is_exact(golden_run):
    # repr() round-trips doubles: parsing the CSV gives back the stored values.
    text = timeseries_csv(golden_run)
    header, *rows = text.splitlines()
    with h5py.File(golden_run, "r") as f:
        for j, name in enumerate(header.split(",")):
            stored = f["timeseries"][name][()]
            parsed = np.array([float(r.split(",")[j]) for r in rows])
            assert parsed.tobytes() == stored.astype(np.float64).tobytes(), name
