"""Load incubsim result files into pandas (docs/output-format.md).

Run files (``incubsim-run``), comparison files (``incubsim-compare``) and
merged sweep files (``incubsim-sweep``) are read into tables, long format
where one row is one value. Every file is checked first (`open_checked`):
a file that is not HDF5, another format or a newer major version raises
`FormatError`, never an h5py traceback.

Tables carry a few facts in ``DataFrame.attrs``: ``units`` (metric ->
unit), and for sweeps ``parameters`` (the varied scenario keys) and
``statistic`` (summary metric -> how the quarters were reduced).
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import h5py
import numpy as np
import pandas as pd

from .errors import AnalysisError, FormatError

#: Major version of the file formats this package reads (any 1.x).
MAJOR = 1

RUN = "incubsim-run"
COMPARE = "incubsim-compare"
SWEEP = "incubsim-sweep"
MANIFEST = "incubsim-sweep-manifest"
FORMATS = (RUN, COMPARE, SWEEP)

#: What `load` accepts as ``what`` for each format; the first is the default.
WHATS = {
    RUN: ("timeseries", "wide", "policy/<name>"),
    COMPARE: ("effects", "runs", "series", "paired"),
    SWEEP: ("summary", "series", "runs"),
}

_SWEEP_ID_COLUMNS = ("run_id", "point_id", "replicate", "seed")

__all__ = [
    "MAJOR", "FORMATS", "WHATS", "open_checked", "file_format", "text", "strings", "load", "load_run",
    "load_run_wide", "load_ledger", "load_compare", "load_sweep", "load_sweep_ledger",
]


# --- opening and checking -------------------------------------------------

def text(value) -> str:
    """An HDF5 string (attribute or scalar dataset value) as str, whether h5py
    gives str, bytes or a 0-d array."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return text(value[()])
    s = str(value)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        # Damaged bytes reach us as lone surrogates, which no file can hold.
        s = s.encode("utf-8", "replace").decode("utf-8")
    return s


def strings(dataset) -> list[str]:
    """A 1-D dataset of HDF5 strings as a list of str."""
    return [text(v) for v in dataset[()]]


def _names(formats: Iterable[str]) -> str:
    formats = list(formats)
    return formats[0] if len(formats) == 1 else ", ".join(formats[:-1]) + " or " + formats[-1]


def _check(f: h5py.File, path: str, expected: Sequence[str]) -> str:
    if "format" not in f.attrs:
        raise FormatError(f"{path} has no 'format' attribute: it is not an incubsim result "
                          f"(expected an {_names(expected)} file)")
    fmt = text(f.attrs["format"])
    if fmt not in expected:
        hint = ""
        if fmt == MANIFEST:
            hint = ("; it is a sweep's plan: merge the runs first "
                    "(incubsim sweep merge DIR -o SWEEP.h5) and read the merged file")
        raise FormatError(f"{path} is an {fmt} file, expected {_names(expected)}{hint}")
    version = text(f.attrs.get("format_version", ""))
    try:
        major = int(version.split(".")[0])
    except ValueError:
        raise FormatError(f"{path} has no valid format_version ({version!r}); "
                          f"expected MAJOR.MINOR, e.g. {MAJOR}.0") from None
    if major > MAJOR:
        raise FormatError(f"{path} was written by a newer incubsim (format {version}); "
                          f"this package reads {MAJOR}.x; upgrade the analysis package "
                          "(analysis/ of the same incubsim release)")
    return fmt


@contextlib.contextmanager
def open_checked(path: str | os.PathLike,
                 expected_formats: str | Iterable[str] = FORMATS) -> Iterator[h5py.File]:
    """Open an incubsim result read-only, checking its format and version.

    Parameters
    ----------
    path : path-like
        The file.
    expected_formats : str or iterable of str
        Accepted values of the root attribute ``format``.

    Yields
    ------
    h5py.File
        The open file, closed on leaving the ``with`` block.

    Raises
    ------
    FormatError
        Missing, not HDF5, another format, or a newer major version.
    """
    expected = ((expected_formats,) if isinstance(expected_formats, str)
                else tuple(expected_formats))
    p = Path(path)
    name = os.fspath(path)
    if p.is_dir():
        raise FormatError(f"{name} is a directory, not an HDF5 file; expected an incubsim "
                          "result (for a sweep directory, merge it first: "
                          "incubsim sweep merge DIR -o SWEEP.h5)")
    if not p.exists():
        raise FormatError(f"{name} does not exist")
    try:
        is_hdf5 = h5py.is_hdf5(name)
    except OSError:
        is_hdf5 = False
    if not is_hdf5:
        raise FormatError(f"{name} is not an HDF5 file; expected an incubsim result "
                          f"({_names(expected)})")
    try:
        f = h5py.File(name, "r")
    except OSError as e:
        raise FormatError(f"{name} is not an HDF5 file; expected an incubsim result "
                          f"({_names(expected)}); it starts like one but cannot be opened, "
                          f"so it is damaged or truncated ({e})") from None
    with f:
        try:
            _check(f, name, expected)
        except (OSError, RuntimeError, KeyError, ValueError, TypeError) as e:
            # h5py raises RuntimeError too when the root's metadata is damaged.
            raise FormatError(f"{name}: cannot read its root attributes ({e}); the file is "
                              "damaged") from None
        yield f


def file_format(path: str | os.PathLike) -> str:
    """The ``format`` of an incubsim result (checked as by `open_checked`)."""
    with open_checked(path, FORMATS) as f:
        return text(f.attrs["format"])


# --- helpers ---------------------------------------------------------------

def _get(f: h5py.File, name: str, path) -> h5py.Group | h5py.Dataset:
    try:
        obj = f.get(name)
    except (KeyError, OSError, RuntimeError) as e:
        raise AnalysisError(f"{os.fspath(path)}: cannot read /{name} ({e}); "
                            "the file is damaged") from None
    if obj is None:
        raise AnalysisError(f"{os.fspath(path)} has no /{name}; the file is incomplete or "
                            "damaged")
    return obj


def _column(ds: h5py.Dataset) -> np.ndarray | list:
    """A 1-D dataset as numpy, strings as str and enums as their names."""
    if h5py.check_string_dtype(ds.dtype) is not None:
        return ds.asstr()[:]
    data = ds[:]
    mapping = h5py.check_enum_dtype(ds.dtype)
    if mapping:
        names = {code: name for name, code in mapping.items()}
        return np.array([names.get(int(c), f"code {int(c)}") for c in data], dtype=object)
    return data


def _table(group: h5py.Group, skip: Iterable[str] = ()) -> pd.DataFrame:
    skip = set(skip)
    return pd.DataFrame({k: _column(group[k]) for k in group
                         if k not in skip and isinstance(group[k], h5py.Dataset)})


def _unit(ds) -> str:
    return text(ds.attrs.get("unit", ""))


# --- run files ---------------------------------------------------------------

def load_run(path: str | os.PathLike, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """A run file's ``/timeseries`` in long format.

    Parameters
    ----------
    path : path-like
        An ``incubsim-run`` file.
    metrics : sequence of str, optional
        Only these metrics (default: all, in file order).

    Returns
    -------
    pandas.DataFrame
        Columns ``quarter``, ``metric``, ``value`` (float64), ``unit``;
        metric-major, quarters ascending within a metric.
    """
    wide = load_run_wide(path, metrics)
    units = wide.attrs["units"]
    q = wide.index.to_numpy()
    parts = [pd.DataFrame({"quarter": q, "metric": m,
                           "value": wide[m].to_numpy(dtype=float), "unit": units[m]})
             for m in wide.columns]
    out = (pd.concat(parts, ignore_index=True) if parts else
           pd.DataFrame({"quarter": pd.Series(dtype="int64"), "metric": pd.Series(dtype=object),
                         "value": pd.Series(dtype=float), "unit": pd.Series(dtype=object)}))
    out.attrs["units"] = units
    return out


def load_run_wide(path: str | os.PathLike,
                  metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """A run file's ``/timeseries`` as a table indexed by ``quarter``.

    One column per metric with its stored dtype (int64 counts, float64
    amounts and ratios); ``attrs["units"]`` maps metric to unit.
    """
    with open_checked(path, RUN) as f:
        ts = _get(f, "timeseries", path)
        available = [k for k in ts if k != "quarter"]
        chosen = _choose(available, metrics, path, "/timeseries")
        df = pd.DataFrame({m: ts[m][:] for m in chosen},
                          index=pd.Index(_get(f, "timeseries/quarter", path)[:], name="quarter"))
        df.attrs["units"] = {m: _unit(ts[m]) for m in chosen}
    return df


def load_ledger(path: str | os.PathLike, name: str) -> pd.DataFrame:
    """A policy ledger ``/policy/<name>`` of a run file, indexed by ``quarter``.

    Raises `AnalysisError` naming the available ledgers if there is no such one.
    """
    with open_checked(path, RUN) as f:
        policy = _get(f, "policy", path)
        if name not in policy or not isinstance(policy[name], h5py.Group):
            raise AnalysisError(f"{os.fspath(path)} has no ledger /policy/{name}; it has: "
                                f"{', '.join(policy) or 'none'}")
        g = policy[name]
        df = _table(g)
        if "quarter" in df.columns:
            df = df.set_index("quarter")
        df.attrs["units"] = {k: _unit(g[k]) for k in g if k != "quarter"}
    return df


def _choose(available: Sequence[str], wanted: Sequence[str] | None, path, where: str) -> list[str]:
    if wanted is None:
        return list(available)
    if isinstance(wanted, str):
        wanted = [wanted]
    unknown = [m for m in wanted if m not in available]
    if unknown:
        raise AnalysisError(f"{os.fspath(path)}: no metric {', '.join(unknown)} in {where}; "
                            f"it has: {', '.join(available)}")
    return list(wanted)


# --- comparison files ----------------------------------------------------------

def load_compare(path: str | os.PathLike, what: str = "effects") -> pd.DataFrame:
    """A comparison file (``incubsim compare``) as a table.

    Parameters
    ----------
    path : path-like
        An ``incubsim-compare`` file.
    what : {"effects", "runs", "series", "paired"}
        ``effects``: ``/effects``, one row per outcome (``cost_status`` by
        name). ``runs``: ``/runs``, one row per arm x replicate (``arm`` by
        name). ``series``: the per-quarter means of both arms, long format
        ``arm, quarter, metric, value, unit``. ``paired``: the
        ``/paired_series`` quantiles and effects, one row per metric and
        quarter. ``attrs["units"]`` gives each outcome's or metric's unit.
    """
    with open_checked(path, COMPARE) as f:
        if what == "effects":
            g = _get(f, "effects", path)
            df = _table(g)
            df.attrs["units"] = dict(zip(df.get("outcome", []), df.get("unit", [])))
        elif what == "runs":
            g = _get(f, "runs", path)
            df = _table(g)
            df.attrs["units"] = {k: _unit(g[k]) for k in g}
        elif what == "series":
            parts, units = [], {}
            for arm in ("base", "policy"):
                g = _get(f, f"timeseries/{arm}", path)
                q = g["quarter"][:]
                for m in g:
                    if m == "quarter":
                        continue
                    units[m] = _unit(g[m])
                    parts.append(pd.DataFrame({"arm": arm, "quarter": q, "metric": m,
                                               "value": g[m][:].astype(float),
                                               "unit": units[m]}))
            df = pd.concat(parts, ignore_index=True)
            df.attrs["units"] = units
        elif what == "paired":
            g = _get(f, "paired_series", path)
            parts, units = [], {}
            for m in g:
                t = _table(g[m])
                t.insert(0, "metric", m)
                parts.append(t)
                if "effect" in g[m]:
                    units[m] = _unit(g[m]["effect"])
            df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
            df.attrs["units"] = units
        else:
            raise AnalysisError(f"unknown table {what!r} for a comparison file; choose one of "
                                f"{', '.join(WHATS[COMPARE])}")
    return df


# --- merged sweep files --------------------------------------------------------

def _sweep_runs(f: h5py.File, path) -> tuple[pd.DataFrame, list[str]]:
    keys = list(_get(f, "parameters/key", path).asstr()[:])
    runs = _get(f, "runs", path)
    cols = {}
    for k in [*_SWEEP_ID_COLUMNS, *keys, "status", "error", "file"]:
        if k not in runs:
            raise AnalysisError(f"{os.fspath(path)} has no /runs/{k}; the file is damaged")
        cols[k] = _column(runs[k])
    df = pd.DataFrame(cols)
    for k in _SWEEP_ID_COLUMNS:
        df[k] = df[k].astype("int64")
    return df, keys


def load_sweep(path: str | os.PathLike, what: str = "summary", *,
               include_missing: bool = False,
               metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """A merged sweep file (``incubsim sweep merge``) in long format.

    Parameters
    ----------
    path : path-like
        An ``incubsim-sweep`` file.
    what : {"summary", "series", "runs"}
        ``summary``: one row per (run, metric): ``run_id, point_id,
        replicate, seed, <parameter keys...>, status, metric, value``.
        ``series``: one row per (run, quarter, metric), the same columns
        with ``quarter`` before ``metric``; read from ``/series`` (``--series
        copy``) or through ``/run_files`` (``--series links``).
        ``runs``: ``/runs`` itself, one row per run (with ``error``, ``file``).
    include_missing : bool
        Keep runs whose status is not ``done`` (their values are NaN; for
        series, on the quarters the done runs recorded).
    metrics : sequence of str, optional
        Only these metrics (default: every kept metric, in file order).

    Returns
    -------
    pandas.DataFrame
        ``attrs["parameters"]`` lists the parameter columns, ``attrs["units"]``
        the metric units (and for summary ``attrs["statistic"]``).

    Raises
    ------
    AnalysisError
        ``series`` of a file merged with ``--series none``, or a link to a
        run file that is missing.
    """
    if what not in WHATS[SWEEP]:
        raise AnalysisError(f"unknown table {what!r} for a merged sweep; choose one of "
                            f"{', '.join(WHATS[SWEEP])}")
    with open_checked(path, SWEEP) as f:
        runs, keys = _sweep_runs(f, path)
        if what == "runs":
            runs.attrs["parameters"] = keys
            return runs
        summary = _get(f, "summary", path)
        chosen = _choose([m for m in summary if m != "run_id"], metrics, path, "/summary")
        units = {m: _unit(summary[m]) for m in chosen}
        ids = [*_SWEEP_ID_COLUMNS, *keys, "status"]
        kept = runs if include_missing else runs[runs["status"] == "done"]
        rows = kept["run_id"].to_numpy()
        if what == "summary":
            # Row i of /summary is run i.
            parts = [kept[ids].assign(metric=m, value=summary[m][:][rows].astype(float))
                     for m in chosen]
            df = _concat(parts, ids + ["metric", "value"])
            df.attrs["statistic"] = {m: text(summary[m].attrs.get("statistic", ""))
                                     for m in chosen}
        else:
            df = _sweep_series(f, path, runs, kept, ids, chosen)
    df.attrs["parameters"] = keys
    df.attrs["units"] = units
    return df


def _ledger_statistic(ds: h5py.Dataset) -> str:
    """How a ledger column becomes one number per run, as the merge does for
    /summary: flows summed, ratio flows averaged, stocks at the last quarter."""
    temporal = text(ds.attrs.get("temporal", ""))
    if temporal == "flow":
        return "mean" if text(ds.attrs.get("kind", "")) == "ratio" else "sum"
    return "last"


def load_sweep_ledger(path: str | os.PathLike, name: str,
                      columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A policy ledger of every done run of a merged sweep, one value per
    (run, column), in the long format of ``load_sweep(path, "summary")``.

    The merged file has the runs' /timeseries only; ledgers are read from
    the run files its ``/runs/file`` names (relative to the merged file), so
    the sweep directory must still be beside it. Each column is summarised
    per run as the merge summarises metrics (``attrs["statistic"]``): flows
    summed, ratio flows averaged over the quarters that have a value (NaN
    when none has), stocks at the last quarter.

    Raises
    ------
    AnalysisError
        A run file that is missing, or has no such ledger or column.
    """
    base = os.path.dirname(os.path.abspath(os.fspath(path)))
    with open_checked(path, SWEEP) as f:
        runs, keys = _sweep_runs(f, path)
    done = runs[runs["status"] == "done"]
    ids = [*_SWEEP_ID_COLUMNS, *keys, "status"]
    values: dict[str, list[float]] = {}
    units: dict[str, str] = {}
    statistic: dict[str, str] = {}
    for file in done["file"]:
        run_path = os.path.join(base, file)
        if not os.path.isfile(run_path):
            raise AnalysisError(f"{os.fspath(path)}: run file {file} is missing; keep the "
                                "merged file beside the sweep directory it was merged from")
        with open_checked(run_path, RUN) as r:
            g = r.get(f"policy/{name}")
            if not isinstance(g, h5py.Group):
                raise AnalysisError(f"{run_path} has no ledger /policy/{name}; it has: "
                                    f"{', '.join(r.get('policy', {})) or 'none'}")
            if not statistic:
                chosen = _choose([c for c in g if c != "quarter"], columns, run_path,
                                 f"/policy/{name}")
                statistic = {c: _ledger_statistic(g[c]) for c in chosen}
                units = {c: _unit(g[c]) for c in chosen}
            for c, stat in statistic.items():
                if c not in g:
                    raise AnalysisError(f"{run_path} has no column {c} in /policy/{name}")
                v = np.asarray(g[c][()], dtype=float)
                with np.errstate(invalid="ignore"):
                    x = (float(np.sum(v)) if stat == "sum" else
                         float(np.nanmean(v)) if stat == "mean" and np.isfinite(v).any() else
                         float(v[-1]) if stat == "last" and v.size else float("nan"))
                values.setdefault(c, []).append(x)
    parts = [done[ids].assign(metric=c, value=np.asarray(v)) for c, v in values.items()]
    df = _concat(parts, ids + ["metric", "value"])
    df.attrs.update(parameters=keys, units=units, statistic=statistic)
    return df


def _concat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame({c: [] for c in columns})
    return pd.concat(parts, ignore_index=True)[columns]


def _sweep_series(f: h5py.File, path, runs: pd.DataFrame, kept: pd.DataFrame,
                  ids: list[str], chosen: list[str]) -> pd.DataFrame:
    name = os.fspath(path)
    done = kept[kept["status"] == "done"]
    per_run: dict[int, tuple[np.ndarray, dict[str, np.ndarray]]] = {}
    if "series" in f:
        g = f["series"]
        quarters = g["quarter"][:].astype("int64")
        rows = done["run_id"].to_numpy()
        mats = {m: (g[m][:][rows].astype(float) if m in g
                    else np.full((len(rows), len(quarters)), np.nan)) for m in chosen}
        # A quarter a run did not record is NaN in every metric; counts are
        # never NaN otherwise, so one count metric tells which were recorded.
        probe = next((m for m in g if m != "quarter" and
                      text(g[m].attrs.get("kind", "")) == "count"), None)
        if probe is not None:
            recorded = ~np.isnan(g[probe][:][rows])
        else:
            recorded = np.zeros((len(rows), len(quarters)), dtype=bool)
            for mat in mats.values():
                recorded |= ~np.isnan(mat)
        for i, r in enumerate(rows):
            sel = recorded[i]
            per_run[int(r)] = (quarters[sel], {m: mats[m][i, sel] for m in chosen})
    elif "run_files" in f:
        links = f["run_files"]
        for r, file in zip(done["run_id"], done["file"]):
            link = f"run-{int(r):08d}"
            try:
                target = links.get(link)
            except (KeyError, OSError, RuntimeError):
                target = None
            if target is None:
                raise AnalysisError(
                    f"{name}: run {int(r)}'s result file {file} (linked from "
                    f"/run_files/{link}) is missing or unreadable; keep the merged file "
                    "beside the sweep directory it was merged from, or merge with "
                    "--series copy")
            ts = target.get("timeseries")
            if ts is None or "quarter" not in ts:
                raise AnalysisError(f"{name}: run {int(r)}'s result file {file} has no "
                                    "/timeseries; it is damaged")
            q = ts["quarter"][:].astype("int64")
            per_run[int(r)] = (q, {m: (ts[m][:].astype(float) if m in ts
                                       else np.full(len(q), np.nan)) for m in chosen})
        quarters = (np.unique(np.concatenate([q for q, _ in per_run.values()]))
                    if per_run else np.array([], dtype="int64"))
    else:
        raise AnalysisError(f"{name} has no per-quarter series (merged with --series none); "
                            "merge again with --series copy or --series links, or load "
                            "what='summary'")
    parts = []
    for row in kept[ids].itertuples(index=False):
        r = int(row[0])
        if r in per_run:
            q, values = per_run[r]
        else:
            q, values = quarters, {m: np.full(len(quarters), np.nan) for m in chosen}
        head = dict(zip(ids, row))
        for m in chosen:
            parts.append(pd.DataFrame({**head, "quarter": q, "metric": m, "value": values[m]}))
    df = _concat(parts, ids + ["quarter", "metric", "value"])
    for k in (*_SWEEP_ID_COLUMNS, "quarter"):
        df[k] = df[k].astype("int64")
    return df


# --- any file ------------------------------------------------------------------

def load(path: str | os.PathLike, what: str | None = None, *,
         include_missing: bool = False,
         metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Load any incubsim result, by its format.

    Parameters
    ----------
    path : path-like
        A run, comparison or merged sweep file.
    what : str, optional
        Which table (`WHATS` lists them per format; default the first):
        run: ``timeseries`` (long), ``wide``, ``policy/<name>``;
        comparison: see `load_compare`; sweep: see `load_sweep`.
    include_missing : bool
        Sweeps only: keep runs that are not done.
    metrics : sequence of str, optional
        Run time series and sweeps: only these metrics.
    """
    fmt = file_format(path)
    if include_missing and fmt != SWEEP:
        raise AnalysisError(f"{os.fspath(path)} is an {fmt} file; include_missing applies "
                            "to merged sweeps only")
    if fmt == RUN:
        if what in (None, "timeseries"):
            return load_run(path, metrics)
        if what == "wide":
            return load_run_wide(path, metrics)
        if what.startswith("policy/") and len(what) > len("policy/"):
            return load_ledger(path, what[len("policy/"):])
        raise AnalysisError(f"unknown table {what!r} for a run file; choose one of "
                            f"{', '.join(WHATS[RUN])}")
    if fmt == COMPARE:
        if metrics is not None:
            raise AnalysisError("metrics cannot be chosen for a comparison file")
        return load_compare(path, what or "effects")
    return load_sweep(path, what or "summary", include_missing=include_missing,
                      metrics=metrics)
