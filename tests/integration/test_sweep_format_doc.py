"""docs/output-format.md documents the sweep directory, its manifest
(`incubsim-sweep-manifest`) and the merged sweep file (`incubsim-sweep`);
this checks those two sections against files the real CLI makes, so the
test fails as soon as the doc and the code drift apart:

- every path of the directory table matches files of a real sweep, and
  every file of the sweep matches a row;
- the root attributes, datasets and column attributes listed in the tables
  are exactly those of the files (with the listed types), for every
  `--series` layout, `<key>` standing for each varied key and `<metric>`
  for each kept metric;
- the run states, the `/runs/status` codes, the `statistic` values and the
  series layouts behave as the tables say;
- the Python examples of "Reading it" run on merged files.

CTest sets INCUBSIM_BIN and INCUBSIM_SOURCE_DIR. By hand:
    INCUBSIM_BIN=build/<dir>/sim/incubsim INCUBSIM_SOURCE_DIR=$PWD \\
        /usr/bin/python3 -m pytest -q tests/integration/test_sweep_format_doc.py
"""
from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import h5py
import numpy as np
import pytest

from incubsim_testlib import source_dir_path, write_text

MANIFEST_HEADING = "## Sweep directory and manifest"
MERGED_HEADING = "## Merged sweep file"
LAYOUTS = ("copy", "links", "none")

# 2 x 3 points x 2 replicates = 12 short runs. funds.investment_period 400
# exceeds funds.life, so the runs of points 2 and 5 (4, 5, 10 and 11) fail.
KEYS = ("firms.founders_per_quarter", "funds.investment_period")
SWEEP = """design = "grid"
replicates = 2
seed = 5

[fixed]
"simulation.quarters" = 4
"simulation.burn_in" = 0
"firms.initial_count" = 100
"researchers.count" = 200

[[parameter]]
key = "firms.founders_per_quarter"
values = [5.0, 20.0]

[[parameter]]
key = "funds.investment_period"
values = [4, 8, 400]
"""
RUNS = 12
FAILED = {4, 5, 10, 11}
MISSING = 7  # its result file is deleted before merging


# --- the doc ------------------------------------------------------------------

def doc_section(heading: str) -> str:
    text = (source_dir_path() / "docs" / "output-format.md").read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"^" + re.escape(heading), text, re.M)]
    assert len(starts) == 1, f"docs/output-format.md needs one section '{heading}...'"
    rest = text[starts[0]:]
    end = rest.find("\n## ", 1)
    return rest if end < 0 else rest[:end]


def split_row(line: str) -> list[str]:
    """Cells of a markdown table row; a | inside backticks is not a border."""
    cells, cell, code = [], "", False
    for ch in line.strip().strip("|"):
        if ch == "`":
            code = not code
        if ch == "|" and not code:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += ch
    cells.append(cell.strip())
    return cells


def tables(section: str) -> list[tuple[tuple[str, ...], list[list[str]]]]:
    lines = section.splitlines()
    out = []
    i = 0
    while i + 1 < len(lines):
        if lines[i].startswith("|") and re.fullmatch(r"\|[\s:|-]+\|", lines[i + 1].strip()):
            header = tuple(c.replace("`", "") for c in split_row(lines[i]))
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(split_row(lines[i]))
                i += 1
            out.append((header, rows))
        else:
            i += 1
    return out


def table(section: str, *header: str) -> list[list[str]]:
    found = [rows for h, rows in tables(section) if h[:len(header)] == header]
    assert len(found) == 1, f"expected one table with columns {header} in the section"
    return found[0]


def names(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def expand(path: str, placeholders: dict[str, list[str]]) -> list[str]:
    """`/runs/<key>` -> one path per key; a path without placeholders as is."""
    paths = [path]
    for token, values in placeholders.items():
        paths = [p.replace(token, v) for p in paths for v in values] if token in path else paths
    left = [p for p in paths if re.search(r"<[a-z_]+>|XXXXXXXX", p)]
    assert not left, f"the doc uses a placeholder the test does not know: {left}"
    return paths


def python_blocks(section: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", section, re.S)


# --- the files ------------------------------------------------------------------

@dataclasses.dataclass
class Sweep:
    spec: Path
    dir: Path
    merged: dict[str, Path]  # layout -> merged file (named sweep.h5, as in the doc)
    metrics: list[str]       # the run files' /timeseries metrics (all are kept)
    done: list[int]


def run_path(directory: Path, run_id: int, suffix: str = ".h5") -> Path:
    return directory / "runs" / f"{run_id // 1000:04d}" / f"run-{run_id:08d}{suffix}"


@pytest.fixture(scope="module")
def sweep(incubsim, tmp_path_factory) -> Sweep:
    base = tmp_path_factory.mktemp("sweep_doc")
    spec = write_text(base / "grid.toml", SWEEP)
    directory = base / "grid"
    incubsim("sweep", "plan", spec, "-o", directory)
    incubsim("sweep", "run", directory, "-q", "--jobs", "4", expect=6)  # 6: runs failed
    failed = {int(p.stem.split("-")[1]) for p in directory.glob("runs/*/*.failed")}
    assert failed == FAILED, f"expected runs {sorted(FAILED)} to fail, got {sorted(failed)}"
    run_path(directory, MISSING).unlink()
    merged = {}
    for layout in LAYOUTS:
        out = base / layout / "sweep.h5"
        out.parent.mkdir()
        incubsim("sweep", "merge", directory, "-o", out, "--series", layout, "--allow-missing",
                 "-q")
        merged[layout] = out
    with h5py.File(run_path(directory, 0), "r") as f:
        metrics = [m for m in f["timeseries"] if m != "quarter"]
    done = sorted(set(range(RUNS)) - FAILED - {MISSING})
    return Sweep(spec, directory, merged, metrics, done)


def placeholders(s: Sweep) -> dict[str, list[str]]:
    return {"<key>": list(KEYS), "<metric>": s.metrics,
            "XXXXXXXX": [f"{i:08d}" for i in s.done]}


def entries(group: h5py.Group, prefix: str = "") -> dict[str, str]:
    """Every link below `group`, by path, as group / dataset / datatype /
    external link; external links are not followed."""
    out = {}
    for name in group:
        path = f"{prefix}/{name}"
        link = group.get(name, getlink=True)
        if isinstance(link, h5py.ExternalLink):
            out[path] = "external link"
            continue
        obj = group[name]
        if isinstance(obj, h5py.Group):
            out[path] = "group"
            out.update(entries(obj, path))
        elif isinstance(obj, h5py.Dataset):
            out[path] = "dataset"
        else:
            out[path] = "datatype"
    return out


def check_type(dtype: np.dtype, text: str, where: str) -> None:
    word = text.replace("`", "").split()[0]
    if word == "string":
        ok = h5py.check_string_dtype(dtype) is not None
    elif word == "enum":
        ok = h5py.check_enum_dtype(dtype) is not None
    else:
        ok = dtype == np.dtype(word)
    assert ok, f"{where}: the doc says {text!r}, the file has {dtype}"


def check_root_attributes(path: Path, rows: list[list[str]]) -> None:
    documented = {}
    for row in rows:
        for name in names(row[0]):
            documented[name] = row[1]
    with h5py.File(path, "r") as f:
        actual = set(f.attrs)
        assert set(documented) == actual, (
            f"{path.name}: root attributes only in the doc: {sorted(set(documented) - actual)}, "
            f"only in the file: {sorted(actual - set(documented))}")
        for name, kind in documented.items():
            check_type(f.attrs.get_id(name).dtype, kind, f"root attribute {name}")


def check_version_cells(path: Path, rows: list[list[str]], heading: str) -> None:
    with h5py.File(path, "r") as f:
        fmt, version = f.attrs["format"], f.attrs["format_version"]
    cells = {names(r[0])[0]: r[2] for r in rows}
    assert f"`{fmt}`" in cells["format"], f"the doc's `format` row does not say `{fmt}`"
    assert f"currently `{version}`" in cells["format_version"], (
        f"the doc's `format_version` row does not say currently `{version}`")
    assert f"(`{fmt}` {version})" in heading.splitlines()[0], (
        f"the heading should name (`{fmt}` {version})")


def check_datasets(f: h5py.File, path: str, text: str) -> None:
    obj = f[path]
    assert isinstance(obj, h5py.Dataset), f"{path} is not a dataset"
    check_type(obj.dtype, text, path)
    expected_dims = 2 if "×" in text else 1
    assert obj.ndim == expected_dims, f"{path}: {obj.ndim}-D, the doc says {text!r}"


# --- the manifest section -------------------------------------------------------

def test_directory_table_matches_a_real_sweep(sweep):
    rows = table(doc_section(MANIFEST_HEADING), "Path", "Written by", "Meaning")
    patterns = {}
    for row in rows:
        (path,) = names(row[0])
        rx = re.escape(path)
        rx = rx.replace("NNNN", r"(?P<dir>\d{4})").replace("XXXXXXXX", r"(?P<id>\d{8})")
        rx = rx.replace(re.escape("<pid>"), r"\d+").replace(re.escape("*"), r"[^/]+")
        patterns[path] = re.compile(rx)
    files = sorted(p.relative_to(sweep.dir).as_posix() for p in sweep.dir.rglob("*")
                   if p.is_file())
    matched = {path: 0 for path in patterns}
    for name in files:
        hits = [p for p, rx in patterns.items() if rx.fullmatch(name)]
        assert len(hits) == 1, f"{name} of the sweep directory matches {len(hits)} doc rows"
        matched[hits[0]] += 1
        m = patterns[hits[0]].fullmatch(name)
        if "id" in m.groupdict():
            assert int(m["dir"]) == int(m["id"]) // 1000, f"{name} is in the wrong folder"
    unmatched = [p for p, n in matched.items() if n == 0 and "tmp" not in p]
    assert not unmatched, f"the doc lists paths no sweep has: {unmatched}"
    assert (sweep.dir / "sweep.toml").read_bytes() == sweep.spec.read_bytes()
    with h5py.File(sweep.dir / "manifest.h5", "r") as f:
        assert (sweep.dir / "base.toml").read_text(encoding="utf-8") == f.attrs["base_scenario"]


def test_manifest_root_attributes_are_documented(sweep):
    section = doc_section(MANIFEST_HEADING)
    rows = table(section, "Attribute", "Type", "Meaning")
    check_root_attributes(sweep.dir / "manifest.h5", rows)
    check_version_cells(sweep.dir / "manifest.h5", rows, section)


def test_manifest_datasets_are_documented(sweep):
    rows = table(doc_section(MANIFEST_HEADING), "Dataset", "Type", "Meaning")
    documented = {}
    for row in rows:
        for name in names(row[0]):
            for path in expand(name, placeholders(sweep)):
                documented[path] = row[1]
    with h5py.File(sweep.dir / "manifest.h5", "r") as f:
        actual = {p for p, kind in entries(f).items() if kind != "group"}
        assert set(documented) == actual, (
            f"manifest datasets only in the doc: {sorted(set(documented) - actual)}, "
            f"only in the file: {sorted(actual - set(documented))}")
        for path, text in documented.items():
            check_datasets(f, path, text)
        assert list(f["parameters/key"].asstr()[:]) == list(KEYS)
        assert list(f["parameters/kind"].asstr()[:]) == ["real", "integer"]


def test_run_states_map_to_the_merged_status(sweep):
    rows = table(doc_section(MANIFEST_HEADING), "State", "Decided by")
    to_status = {row[0]: names(row[-1])[0] for row in rows}
    assert set(to_status) == {"done", "failed", "pending"}
    with h5py.File(sweep.merged["copy"], "r") as f:
        codes = {v: k for k, v in h5py.check_enum_dtype(f["runs/status"].dtype).items()}
        status = [codes[c] for c in f["runs/status"][:]]
        errors = list(f["runs/error"].asstr()[:])
    for run in range(RUNS):
        state = ("done" if run_path(sweep.dir, run).exists()
                 else "failed" if run_path(sweep.dir, run, ".failed").exists() else "pending")
        assert status[run] == to_status[state], f"run {run} ({state}) merged as {status[run]}"
        if state == "failed":
            record = run_path(sweep.dir, run, ".failed").read_text(encoding="utf-8")
            assert errors[run] == record.rstrip("\r\n") and "funds.life" in errors[run]
        else:
            assert errors[run] == ""


# --- the merged-file section ----------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS)
def test_merged_root_attributes_are_documented(sweep, layout):
    section = doc_section(MERGED_HEADING)
    rows = table(section, "Attribute", "Type", "Meaning")
    check_root_attributes(sweep.merged[layout], rows)
    check_version_cells(sweep.merged[layout], rows, section)
    with h5py.File(sweep.merged[layout], "r") as f:
        assert f.attrs["series_layout"] == layout
        assert (f.attrs["runs_total"], f.attrs["runs_done"], f.attrs["runs_failed"],
                f.attrs["runs_missing"]) == (RUNS, len(sweep.done), len(FAILED), 1)


def test_merged_groups_and_columns_are_documented(sweep):
    section = doc_section(MERGED_HEADING)
    rows = table(section, "Dataset", "Type", "Meaning")
    documented, copied = {}, []
    for row in rows:
        for name in names(row[0]):
            if row[1] == "group":
                copied.append(name)
            else:
                for path in expand(name, placeholders(sweep)):
                    documented[path] = row[1]
    actual, tops = set(), set()
    with h5py.File(sweep.dir / "manifest.h5", "r") as manifest:
        for layout, path in sweep.merged.items():
            with h5py.File(path, "r") as f:
                tops |= set(f)
                for p, kind in entries(f).items():
                    if kind == "group" or any(p.startswith(c + "/") for c in copied):
                        continue
                    actual.add(p)
                    assert p in documented, f"{layout}: {p} is not in the doc's table"
                    text = documented[p]
                    if kind == "dataset":
                        check_datasets(f, p, text)
                    elif kind == "external link":
                        assert text == "external link", f"{p}: the doc says {text!r}"
                    else:
                        assert text.startswith("enum type") and isinstance(f[p], h5py.Datatype)
                        assert h5py.check_enum_dtype(f[p].dtype) is not None
                for c in copied:  # copied unchanged from the manifest
                    assert set(entries(f[c])) == set(entries(manifest[c])), c
                    for name in f[c]:
                        a, b = f[c][name], manifest[c][name]
                        assert a.dtype == b.dtype and dict(a.attrs) == dict(b.attrs), name
                        same = (list(a[()]) == list(b[()]) if a.dtype == object
                                else a[()].tobytes() == b[()].tobytes())
                        assert same, f"{c}/{name} differs from the manifest's"
    assert set(documented) == actual, (
        f"in the doc but in no merged file: {sorted(set(documented) - actual)}")
    tree = set(re.findall(r"[├└]── ([a-z_]+)/", section))
    assert tree == tops, f"the layout tree shows {sorted(tree)}, the files hold {sorted(tops)}"


def test_metric_column_attributes_and_statistics(sweep):
    section = doc_section(MERGED_HEADING)
    expected: dict[str, set[str]] = {}
    for row in table(section, "Attribute", "On", "Meaning"):
        for where in names(row[1]):
            expected.setdefault(where, set()).update(names(row[0]))
    assert set(expected) == {"/summary/<metric>", "/series/<metric>"}
    documented_statistics = {names(r[0])[0] for r in table(section, "statistic", "Metrics")}
    reducers = {  # what the doc's statistic names promise
        "last recorded quarter": lambda v: v[-1],
        "sum over recorded quarters": lambda v: float(np.sum(v)),
        "mean over recorded quarters":
            lambda v: float(np.nanmean(v)) if np.isfinite(v).any() else math.nan,
    }
    assert documented_statistics == set(reducers), (
        f"statistic names in the doc: {sorted(documented_statistics)}")
    run = sweep.done[0]
    seen = set()
    with h5py.File(sweep.merged["copy"], "r") as f, \
            h5py.File(run_path(sweep.dir, run), "r") as r:
        assert list(f["summary"]) == ["run_id", *sweep.metrics]
        for m in sweep.metrics:
            for group in ("summary", "series"):
                attrs = set(f[group][m].attrs)
                assert attrs == expected[f"/{group}/<metric>"], f"/{group}/{m} has {sorted(attrs)}"
            assert f["series"][m].attrs["dimensions"] == "run_id, quarter"
            statistic = f["summary"][m].attrs["statistic"]
            seen.add(statistic)
            want = reducers[statistic](r["timeseries"][m][:].astype(float))
            got = f["summary"][m][run]
            assert (math.isnan(want) and math.isnan(got)) or math.isclose(got, want, rel_tol=1e-12,
                                                                          abs_tol=1e-12), m
            not_done = [i for i in range(RUNS) if i not in sweep.done]
            assert np.isnan(f["summary"][m][not_done]).all(), f"/summary/{m}: not-done rows"
            assert np.isnan(f["series"][m][not_done, :]).all(), f"/series/{m}: not-done rows"
    assert seen == documented_statistics


def test_status_codes_are_documented(sweep):
    rows = table(doc_section(MERGED_HEADING), "status", "Code")
    documented = {names(r[0])[0]: int(r[1]) for r in rows}
    with h5py.File(sweep.merged["copy"], "r") as f:
        assert h5py.check_enum_dtype(f["runs/status"].dtype) == documented
        assert h5py.check_enum_dtype(f["types/run_status"].dtype) == documented
        files = list(f["runs/file"].asstr()[:])
    for run in range(RUNS):
        if run in sweep.done:
            target = sweep.merged["copy"].parent / files[run]
            assert target.resolve() == run_path(sweep.dir, run).resolve(), files[run]
        else:
            assert files[run] == ""


def test_series_layouts_write_what_the_table_says(sweep):
    rows = table(doc_section(MERGED_HEADING), "--series", "Writes")
    writes = {names(r[0])[0]: {n.strip("/") for n in names(r[1])} for r in rows}
    assert set(writes) == set(LAYOUTS)
    optional = set().union(*writes.values())
    for layout, path in sweep.merged.items():
        with h5py.File(path, "r") as f:
            assert optional & set(f) == writes[layout], f"--series {layout} wrote {sorted(f)}"
    with h5py.File(sweep.merged["links"], "r") as f:
        assert sorted(f["run_files"]) == [f"run-{i:08d}" for i in sweep.done]
        files = f["runs/file"].asstr()[:]
        for i in sweep.done:
            link = f["run_files"].get(f"run-{i:08d}", getlink=True)
            assert link.filename == files[i] and link.path == "/"
            assert not Path(link.filename).is_absolute()


def test_a_missing_run_file_behind_a_link_raises_key_error(sweep):
    run = sweep.done[-1]
    name = f"run-{run:08d}"
    hidden = run_path(sweep.dir, run).with_suffix(".hidden")
    run_path(sweep.dir, run).rename(hidden)
    try:
        with h5py.File(sweep.merged["links"], "r") as f:
            assert name in f["run_files"]
            assert f["run_files"].get(name) is None
            with pytest.raises(KeyError, match="Unable to open object"):
                f[f"run_files/{name}/timeseries/firms_alive"]
    finally:
        hidden.rename(run_path(sweep.dir, run))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_reading_examples_run(sweep, layout, monkeypatch, capsys):
    blocks = python_blocks(doc_section(MERGED_HEADING))
    assert len(blocks) >= 1, "the merged-file section has no Python example"
    monkeypatch.chdir(sweep.merged[layout].parent)  # the examples open "sweep.h5"
    scope: dict = {}
    for block in blocks:
        exec(compile(block, f"docs/output-format.md ({layout})", "exec"), scope)
    capsys.readouterr()
    long = scope["long"]
    assert set(long.columns) == {"run_id", "point_id", "replicate", *KEYS, "metric", "value"}
    assert len(long) == len(sweep.done) * len(sweep.metrics)
    assert sorted(long["run_id"].unique()) == sweep.done
    if layout == "copy":
        assert scope["alive_done"].shape == (len(sweep.done), 4)
    if layout == "links":
        with h5py.File(run_path(sweep.dir, sweep.done[0]), "r") as f:
            assert (scope["alive_first"] == f["timeseries/firms_alive"][:]).all()
