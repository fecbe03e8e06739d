"""Global sensitivity analysis of incubsim sweeps.

* `sobol_indices`: first-order (Saltelli 2010) and total (Jansen 1999) Sobol
  indices from a Saltelli sample, with bootstrap confidence intervals.
* `morris_effects`: Morris (1991) elementary effects (mu, mu*, sigma) from
  trajectories that move one parameter at a time.
* `sweep_sensitivity`: either of them for every metric of a merged incubsim
  sweep file (`incubsim sweep merge`) of design `saltelli` or `morris`.
* `ishigami`, `ishigami_indices`: the Ishigami test function and its exact
  indices, for checking the estimators.

Importing this module has no side effects (matplotlib is not imported here).
"""
from __future__ import annotations

import contextlib
import math
import os
from typing import Sequence

import numpy as np
import pandas as pd

from . import load as _load
from .errors import AnalysisError, FormatError

__all__ = [
    "sobol_indices",
    "morris_effects",
    "ishigami",
    "ishigami_indices",
    "sweep_sensitivity",
    "SOBOL_COLUMNS",
    "MORRIS_COLUMNS",
]

SOBOL_COLUMNS = ["S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]
MORRIS_COLUMNS = ["mu", "mu_star", "sigma"]

RUN_STATUS_DONE = 0
RUN_STATUS_NAMES = {0: "done", 1: "failed", 2: "missing"}


# --- Sobol indices -----------------------------------------------------------

def _sobol_point(y_a: np.ndarray, y_b: np.ndarray, y_ab: np.ndarray):
    """S1 and ST for every column of y_ab (arrays over the last axis = rows).

    Works on (..., N) and (..., N, k) arrays so that bootstrap replicates are
    computed in one go: y_a, y_b (..., N); y_ab (..., N, k)."""
    both = np.concatenate([y_a, y_b], axis=-1)
    variance = both.var(axis=-1)  # (...)
    # y_b centred: the same estimator in expectation (mean(y_ab_i - y_a) is
    # 0 in expectation) but shift-invariant, so an output far from 0 (counts
    # of firms) does not inflate its sampling error.
    centred_b = y_b - both.mean(axis=-1, keepdims=True)
    diff = y_ab - y_a[..., None]  # (..., N, k)
    first = (centred_b[..., None] * diff).mean(axis=-2)  # Saltelli (2010)
    total = 0.5 * (diff * diff).mean(axis=-2)  # Jansen (1999)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = variance[..., None]
        s1 = np.where(v > 0, first / v, np.nan)
        st = np.where(v > 0, total / v, np.nan)
    return s1, st


def _percentiles(boot: np.ndarray, alpha: float):
    """Columnwise alpha and 1 - alpha quantiles, ignoring NaN (a resample
    whose outputs are all equal); NaN where a column has no finite value."""
    low = np.full(boot.shape[1], np.nan)
    high = np.full(boot.shape[1], np.nan)
    for j in range(boot.shape[1]):
        col = boot[:, j][np.isfinite(boot[:, j])]
        if col.size:
            low[j], high[j] = np.quantile(col, [alpha, 1.0 - alpha])
    return low, high


def sobol_indices(y_a, y_b, y_ab, *, n_boot: int = 1000, confidence: float = 0.95,
                  seed: int = 0, names: Sequence[str] | None = None) -> pd.DataFrame:
    """First-order and total Sobol indices from a Saltelli sample.

    y_a, y_b: model outputs at the N rows of the base matrices A and B,
    shape (N,); y_ab: shape (N, k), column i the output at A with column i
    taken from B.

    S1_i = mean((y_b - m) * (y_ab_i - y_a)) / V    (Saltelli et al. 2010)
    ST_i = mean((y_a - y_ab_i) ** 2) / 2 / V       (Jansen 1999)
    with m and V the mean and variance (ddof 0) of y_a and y_b concatenated.
    Subtracting m does not change the estimator's expectation but makes it
    invariant to a shift of the output (as it must be) and cuts its sampling
    error when the output's mean is large against its spread. When V is 0
    (a constant output) the indices are NaN.

    Confidence intervals: percentile bootstrap over the N rows (a row is
    resampled with all its k + 2 outputs), `n_boot` resamples, reproducible
    for a given `seed`; n_boot=0 gives NaN bounds.

    Returns one row per parameter: `parameter` (names[i], or i when names is
    None), S1, S1_low, S1_high, ST, ST_low, ST_high.
    """
    y_a = np.asarray(y_a, dtype=float)
    y_b = np.asarray(y_b, dtype=float)
    y_ab = np.asarray(y_ab, dtype=float)
    if y_ab.ndim == 1:
        y_ab = y_ab[:, None]
    if y_a.ndim != 1 or y_b.shape != y_a.shape or y_ab.ndim != 2 or y_ab.shape[0] != y_a.shape[0]:
        raise ValueError(f"need y_a, y_b of shape (N,) and y_ab of shape (N, k); got "
                         f"{y_a.shape}, {y_b.shape}, {y_ab.shape}")
    n, k = y_ab.shape
    if n < 2:
        raise ValueError(f"need at least 2 base rows, got {n}")
    if not (np.isfinite(y_a).all() and np.isfinite(y_b).all() and np.isfinite(y_ab).all()):
        raise ValueError("the outputs contain NaN or infinite values; drop those rows first")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    if names is None:
        names = list(range(k))
    elif len(names) != k:
        raise ValueError(f"{len(names)} names for {k} parameters")

    s1, st = _sobol_point(y_a, y_b, y_ab)
    low_s1 = high_s1 = low_st = high_st = np.full(k, np.nan)
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        boot_s1 = np.empty((n_boot, k))
        boot_st = np.empty((n_boot, k))
        # Blocks of resamples keep the memory at about 32 MiB whatever N.
        block = max(1, min(n_boot, (4 * 1024 * 1024) // max(1, n * (k + 2))))
        for start in range(0, n_boot, block):
            stop = min(n_boot, start + block)
            idx = rng.integers(0, n, size=(stop - start, n))
            boot_s1[start:stop], boot_st[start:stop] = _sobol_point(y_a[idx], y_b[idx], y_ab[idx])
        alpha = (1.0 - confidence) / 2.0
        low_s1, high_s1 = _percentiles(boot_s1, alpha)
        low_st, high_st = _percentiles(boot_st, alpha)
    return pd.DataFrame({
        "parameter": list(names),
        "S1": s1, "S1_low": low_s1, "S1_high": high_s1,
        "ST": st, "ST_low": low_st, "ST_high": high_st,
    })


# --- Morris elementary effects ----------------------------------------------

def morris_effects(x_unit, y, trajectories, moved, delta: float, *,
                   steps=None, names: Sequence[str] | None = None) -> pd.DataFrame:
    """Morris elementary effects, matching incubsim's `morris` design.

    x_unit: (n, k) points in unit space ([0, 1] per parameter); y: (n,)
    outputs; trajectories: (n,) trajectory of each point; moved: (n,) the
    parameter moved to reach the point from the trajectory's previous point
    (-1 at a start), as `/points/morris_moved`; delta: the step in unit space
    (incubsim: levels / (2 (levels - 1))); steps: optional (n,) step within
    the trajectory (`/points/morris_step`); without it the points of a
    trajectory are taken in the order given.

    For each step the elementary effect of the moved parameter i is
    EE = (y_after - y_before) / (+delta or -delta), the sign that of
    x_after[i] - x_before[i]. A step that leaves x[i] unchanged (an integer
    parameter rounded to the same value) or has a NaN output gives no effect.

    Returns one row per parameter: `parameter` (names[i] or i), mu (mean EE),
    mu_star (mean |EE|), sigma (sample standard deviation of EE, ddof 1; NaN
    with fewer than 2 effects) and r (the number of effects).
    """
    x = np.asarray(x_unit, dtype=float)
    y = np.asarray(y, dtype=float)
    traj = np.asarray(trajectories)
    mv = np.asarray(moved).astype(int)
    if x.ndim == 1:
        x = x[:, None]
    n, k = x.shape
    if y.shape != (n,) or traj.shape != (n,) or mv.shape != (n,):
        raise ValueError(f"need x_unit (n, k) and y, trajectories, moved of shape (n,); got "
                         f"{x.shape}, {y.shape}, {traj.shape}, {mv.shape}")
    if not delta > 0:
        raise ValueError(f"delta must be positive, got {delta}")
    if names is None:
        names = list(range(k))
    elif len(names) != k:
        raise ValueError(f"{len(names)} names for {k} parameters")
    order_key = np.arange(n) if steps is None else np.asarray(steps)
    effects: list[list[float]] = [[] for _ in range(k)]
    for t in pd.unique(traj):
        rows = np.flatnonzero(traj == t)
        rows = rows[np.argsort(order_key[rows], kind="stable")]
        for before, after in zip(rows[:-1], rows[1:]):
            i = mv[after]
            if i < 0 or i >= k:
                raise ValueError(f"point {after} of trajectory {t} has no moved parameter "
                                 f"({i}); only a trajectory's first point may")
            dx = x[after, i] - x[before, i]
            dy = y[after] - y[before]
            if dx == 0 or not np.isfinite(dy):
                continue
            effects[i].append(dy / (math.copysign(delta, dx)))
    mu, mu_star, sigma, r = [], [], [], []
    for ee in effects:
        e = np.asarray(ee, dtype=float)
        r.append(len(e))
        mu.append(e.mean() if len(e) else np.nan)
        mu_star.append(np.abs(e).mean() if len(e) else np.nan)
        sigma.append(e.std(ddof=1) if len(e) > 1 else np.nan)
    return pd.DataFrame({"parameter": list(names), "mu": mu, "mu_star": mu_star,
                         "sigma": sigma, "r": r})


# --- Ishigami test function --------------------------------------------------

def ishigami(x, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """f(x) = sin x1 + a sin^2 x2 + b x3^4 sin x1 for x of shape (n, 3),
    usually with x_i uniform on [-pi, pi]."""
    x = np.asarray(x, dtype=float)
    return np.sin(x[..., 0]) + a * np.sin(x[..., 1]) ** 2 + b * x[..., 2] ** 4 * np.sin(x[..., 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> pd.DataFrame:
    """Exact S1 and ST of the Ishigami function for x_i ~ U(-pi, pi).

    With E[x^4] = pi^4/5, E[x^8] = pi^8/9, Var(sin x) = 1/2, E[sin^2] = 1/2,
    Var(sin^2) = 1/8:
      V1 = (1 + b pi^4/5)^2 / 2,  V2 = a^2/8,  V3 = 0,
      V13 = b^2 pi^8 (1/18 - 1/50),  V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2;
      S_i = V_i / V; ST1 = (V1 + V13)/V, ST2 = V2/V, ST3 = V13/V.
    """
    pi4, pi8 = math.pi ** 4, math.pi ** 8
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a * a / 8
    v13 = b * b * pi8 * (1 / 18 - 1 / 50)
    v = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5
    return pd.DataFrame({"parameter": [0, 1, 2],
                         "S1": [v1 / v, v2 / v, 0.0],
                         "ST": [(v1 + v13) / v, v2 / v, v13 / v]})


# --- merged sweep files ------------------------------------------------------

@contextlib.contextmanager
def _open_sweep(path):
    """A merged sweep file, format checked, with the groups the indices need."""
    with _load.open_checked(path, _load.SWEEP) as f:
        for group in ("parameters", "points", "runs", "summary"):
            if group not in f:
                raise FormatError(f"{os.fspath(path)}: the {_load.SWEEP} file has no /{group} "
                                  "group; it is damaged")
        yield f


def _check_runs(path, f) -> None:
    status = np.asarray(f["runs/status"][()]).astype(int)
    bad = np.flatnonzero(status != RUN_STATUS_DONE)
    if bad.size == 0:
        return
    counts = {RUN_STATUS_NAMES.get(s, str(s)): int((status[bad] == s).sum())
              for s in np.unique(status[bad])}
    detail = ", ".join(f"{c} {name}" for name, c in counts.items())
    run_ids = np.asarray(f["runs/run_id"][()])[bad[:5]]
    more = ", ..." if bad.size > 5 else ""
    raise AnalysisError(
        f"{path}: {bad.size} of {status.size} runs are not done ({detail}; runs "
        f"{', '.join(str(int(r)) for r in run_ids)}{more}); sensitivity indices need every run: "
        "finish them with `incubsim sweep run DIR` (add --retry-failed for failed runs), "
        "then merge again without --allow-missing")


def _point_means(values: np.ndarray, point: np.ndarray, n_points: int) -> np.ndarray:
    """Run values averaged over the replicates of each design point."""
    sums = np.bincount(point, weights=values, minlength=n_points)
    counts = np.bincount(point, minlength=n_points)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _run_values(f, path, metrics: list[str], outcomes) -> dict[str, np.ndarray]:
    """Each outcome's value per run (row r = run r): /summary metrics, then
    the columns of `outcomes` (indexed by run_id)."""
    values = {m: np.asarray(f["summary"][m][()], dtype=float) for m in metrics}
    if outcomes is None:
        return values
    run_id = np.asarray(f["runs/run_id"][()]).astype(np.int64)
    missing = np.setdiff1d(run_id, np.asarray(outcomes.index, dtype=np.int64))
    if missing.size:
        raise AnalysisError(f"{path}: the outcomes table lacks runs "
                            f"{', '.join(str(int(r)) for r in missing[:5])}"
                            f"{', ...' if missing.size > 5 else ''}; give one row per run_id")
    for name in outcomes.columns:
        if name in values:
            raise AnalysisError(f"outcome {name!r} is also a /summary metric asked for; "
                                "rename the outcome")
        values[name] = outcomes[name].reindex(run_id).to_numpy(dtype=float)
    return values


def _unit_space(f) -> np.ndarray:
    keys = _load.strings(f["parameters/key"])
    lo = np.asarray(f["parameters/min"][()], dtype=float)
    hi = np.asarray(f["parameters/max"][()], dtype=float)
    scale = _load.strings(f["parameters/scale"]) if "scale" in f["parameters"] else ["linear"] * len(keys)
    cols = []
    for j, key in enumerate(keys):
        v = np.asarray(f["points"][key][()], dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            if scale[j] == "log" and lo[j] > 0:
                u = (np.log(v) - np.log(lo[j])) / (np.log(hi[j]) - np.log(lo[j]))
            else:
                u = (v - lo[j]) / (hi[j] - lo[j]) if hi[j] > lo[j] else np.zeros_like(v)
        cols.append(u)
    return np.column_stack(cols) if cols else np.empty((0, 0))


def _sweep_toml(f) -> dict:
    try:
        import tomllib

        return tomllib.loads(_load.text(f.attrs.get("sweep", "")))
    except Exception:  # noqa: BLE001  (an unreadable sweep text gives the defaults)
        return {}


def _metric_order(f, available: list[str]) -> list[str]:
    """The /summary metrics in the sweep's `[outputs] metrics` order (h5py
    lists a group's names sorted); the rest after them, sorted."""
    wanted = _sweep_toml(f).get("outputs", {}).get("metrics", [])
    first = [m for m in wanted if m in available] if isinstance(wanted, list) else []
    return first + [m for m in available if m not in first]


def _morris_delta(f) -> float:
    try:
        levels = int(_sweep_toml(f).get("levels", 4))  # 4: incubsim's default
    except (TypeError, ValueError):
        levels = 4
    if levels < 2:
        levels = 4
    return levels / (2.0 * (levels - 1))


def sweep_sensitivity(merged_sweep_path, metrics: Sequence[str] | None = None, *,
                      outcomes: pd.DataFrame | None = None,
                      n_boot: int = 1000, confidence: float = 0.95,
                      seed: int = 0) -> pd.DataFrame:
    """Sensitivity indices for the metrics of a merged incubsim sweep file.

    merged_sweep_path: an `incubsim-sweep` 1.x file (`incubsim sweep merge`);
    metrics: names of `/summary` columns (default: all of them, in order, or
    none when `outcomes` is given);
    outcomes: more per-run outcomes the merged file does not hold (e.g. a
    policy ledger's loss ratio read from the run files), one column each,
    indexed by run_id; analysed after the metrics under their column names.

    The replicates of each design point are averaged first (each metric's
    `/summary` value over the point's runs), so the indices describe the
    mean response and the simulation noise left in the averages shows up as
    extra variance (and widens the intervals).

    * design `saltelli`: `sobol_indices` per metric on the base rows
      (`/points/saltelli_matrix`, `saltelli_row`); rows where the metric is
      NaN at any of their points are dropped. Long format: metric, parameter
      (the scenario key), S1, S1_low, S1_high, ST, ST_low, ST_high. A metric
      that does not vary gets NaN indices.
    * design `morris`: `morris_effects` per metric, with the points mapped to
      unit space through `/parameters` min, max and scale (log scale: in log
      space) and delta = levels / (2 (levels - 1)) from the sweep's `levels`.
      Long format: metric, parameter, mu, mu_star, sigma, r.

    The frame's `attrs["design"]` names the design. Raises FormatError for a
    file that is not an incubsim-sweep 1.x file and AnalysisError for another
    design, runs not done, or an unknown metric.
    """
    path = os.fspath(merged_sweep_path)
    with _open_sweep(path) as f:
        design = _load.text(f.attrs.get("design", ""))
        if design not in ("saltelli", "morris"):
            raise AnalysisError(
                f"{path} is a {design or 'unknown'!s} sweep; sensitivity indices need design = "
                "\"saltelli\" (Sobol indices) or \"morris\" (elementary effects) in the sweep "
                "file: plan, run and merge such a sweep")
        _check_runs(path, f)
        available = [k for k in f["summary"].keys() if k != "run_id"]
        if metrics is None:
            metrics = _metric_order(f, available) if outcomes is None else []
        else:
            metrics = list(metrics)
            unknown = [m for m in metrics if m not in available]
            if unknown:
                raise AnalysisError(
                    f"{path} has no metric {', '.join(unknown)}; it has: "
                    f"{', '.join(available) if available else '(none)'}")
        keys = _load.strings(f["parameters/key"])
        k = len(keys)
        n_points = int(np.asarray(f["points/point_id"][()]).size)
        if k == 0 or n_points == 0:
            raise AnalysisError(f"{path} has no parameters or no design points")

        point = np.asarray(f["runs/point_id"][()]).astype(np.int64)
        values = _run_values(f, path, metrics, outcomes)
        frames = []
        if design == "saltelli":
            matrix = np.asarray(f["points/saltelli_matrix"][()]).astype(int)
            row = np.asarray(f["points/saltelli_row"][()]).astype(int)
            n_rows = int(row.max()) + 1
            where = np.full((n_rows, k + 2), -1, dtype=np.int64)  # columns: A, B, AB_0..
            for p in range(n_points):
                if 0 <= matrix[p] < k + 2 and row[p] >= 0:
                    where[row[p], matrix[p]] = p
            if (where < 0).any():
                raise FormatError(f"{path}: the saltelli design is incomplete (a base row lacks "
                                  "its A, B or AB points)")
            for metric, v in values.items():
                y = _point_means(v, point, n_points)[where]  # (n_rows, k + 2)
                ok = np.isfinite(y).all(axis=1)
                if ok.sum() < 2:
                    res = pd.DataFrame({"parameter": keys,
                                        **{c: np.nan for c in SOBOL_COLUMNS}})
                else:
                    y = y[ok]
                    res = sobol_indices(y[:, 0], y[:, 1], y[:, 2:], n_boot=n_boot,
                                        confidence=confidence, seed=seed, names=keys)
                res.insert(0, "metric", metric)
                frames.append(res)
            columns = ["metric", "parameter", *SOBOL_COLUMNS]
        else:
            x_unit = _unit_space(f)
            traj = np.asarray(f["points/morris_trajectory"][()]).astype(int)
            step = np.asarray(f["points/morris_step"][()]).astype(int)
            moved = np.asarray(f["points/morris_moved"][()]).astype(int)
            delta = _morris_delta(f)
            for metric, v in values.items():
                y = _point_means(v, point, n_points)
                res = morris_effects(x_unit, y, traj, moved, delta, steps=step, names=keys)
                res.insert(0, "metric", metric)
                frames.append(res)
            columns = ["metric", "parameter", *MORRIS_COLUMNS, "r"]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    out = out[columns]
    out.attrs["design"] = design
    return out
