"""Stylized facts of incubsim runs beside published reference values
(docs/validation.md).

`validate(paths)` pools one or more run files (``incubsim-run``) and returns
one row per fact: the model's value, a reference value with its range and
source, and a verdict. Facts the file cannot support (no /agents, no
/events) are reported as "not available in this output", never invented.

Building blocks: `kaplan_meier` (product-limit survival with right
censoring) and `powerlaw_tail` (continuous power-law MLE of Clauset,
Shalizi & Newman 2009, xmin chosen by the KS method when not given).
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Sequence

import h5py
import numpy as np
import pandas as pd

from .errors import AnalysisError
from .load import RUN, open_checked

__all__ = ["kaplan_meier", "survival_at", "powerlaw_tail", "REFERENCES", "RunData",
           "run_data", "run_facts", "validate", "COLUMNS"]

COLUMNS = ["fact", "model", "reference", "reference_low", "reference_high", "source",
           "verdict"]

NOT_AVAILABLE = "not available in this output"
NO_REFERENCE = "no published reference"


# --- estimators ------------------------------------------------------------------

def kaplan_meier(durations, observed) -> pd.DataFrame:
    """Kaplan-Meier (product-limit) survival estimate.

    Parameters
    ----------
    durations : array-like of float
        Time to the event or to censoring, one per subject.
    observed : array-like of bool
        True where the event (death) was observed, False where the subject
        was censored (still alive when observation ended).

    Returns
    -------
    DataFrame with columns ``time`` (each distinct duration, ascending),
    ``at_risk`` (subjects with duration >= time), ``events`` (deaths at
    time) and ``survival`` (S(time) = prod over t_i <= time of
    1 - events_i / at_risk_i). Censored subjects count as at risk at their
    own time (the usual convention: censoring after deaths at a tie).
    """
    d = np.asarray(durations, dtype=float).ravel()
    o = np.asarray(observed, dtype=bool).ravel()
    if d.shape != o.shape:
        raise AnalysisError(f"kaplan_meier: {d.size} durations but {o.size} observed flags")
    if np.any(~np.isfinite(d)):
        raise AnalysisError("kaplan_meier: durations must be finite")
    if d.size == 0:
        return pd.DataFrame({"time": [], "at_risk": [], "events": [], "survival": []})
    times, inverse = np.unique(d, return_inverse=True)
    events = np.bincount(inverse, weights=o.astype(float), minlength=times.size)
    total = np.bincount(inverse, minlength=times.size)
    at_risk = d.size - np.concatenate(([0], np.cumsum(total)[:-1]))
    survival = np.cumprod(1.0 - events / at_risk)
    return pd.DataFrame({"time": times, "at_risk": at_risk.astype(np.int64),
                         "events": events.astype(np.int64), "survival": survival})


def survival_at(km: pd.DataFrame, t: float) -> float:
    """S(t) of a `kaplan_meier` table (step function, right-continuous);
    NaN beyond the last observed time (no subject followed that long)."""
    if km.empty or t > km["time"].iloc[-1]:
        return math.nan
    before = km[km["time"] <= t]
    return 1.0 if before.empty else float(before["survival"].iloc[-1])


def _alpha(tail: np.ndarray, xmin: float) -> float:
    s = np.log(tail / xmin).sum()
    return math.inf if s <= 0 else 1.0 + tail.size / s


def powerlaw_tail(sizes, xmin: float | None = None, *, min_tail: int = 50,
                  max_candidates: int = 200) -> tuple[float, float, int]:
    """Continuous power-law fit p(x) ~ x^-alpha for x >= xmin (density form).

    alpha = 1 + n / sum(ln(x_i / xmin)) over the n sizes >= xmin (Clauset,
    Shalizi & Newman 2009, eq. 3.1), standard error (alpha - 1) / sqrt(n).
    The CCDF P(X >= x) then falls as x^-(alpha - 1): Zipf's law (Axtell
    2001) is alpha = 2.

    If ``xmin`` is None it is chosen among the distinct sizes (at most
    ``max_candidates`` quantiles of them, each leaving at least
    ``min_tail`` points in the tail) as the one minimising the
    Kolmogorov-Smirnov distance between the tail and the fitted law.
    Non-positive and non-finite sizes are dropped.

    Returns ``(alpha, stderr, n_tail)``; ``(nan, nan, n)`` when fewer than 2
    points lie in the tail.
    """
    x = np.asarray(sizes, dtype=float).ravel()
    x = np.sort(x[np.isfinite(x) & (x > 0)])
    if xmin is None:
        xmin = _ks_xmin(x, min_tail, max_candidates)
        if xmin is None:
            return math.nan, math.nan, 0
    if not xmin > 0:
        raise AnalysisError(f"powerlaw_tail: xmin must be positive, got {xmin}")
    tail = x[x >= xmin]
    n = tail.size
    if n < 2:
        return math.nan, math.nan, int(n)
    alpha = _alpha(tail, xmin)
    if not math.isfinite(alpha):
        return math.nan, math.nan, int(n)
    return alpha, (alpha - 1.0) / math.sqrt(n), int(n)


def _ks_xmin(x: np.ndarray, min_tail: int, max_candidates: int) -> float | None:
    """xmin minimising the KS distance (x sorted, positive)."""
    if x.size < max(min_tail, 2):
        return None
    candidates = np.unique(x[: x.size - min_tail + 1])
    if candidates.size > max_candidates:
        candidates = np.unique(np.quantile(candidates, np.linspace(0, 1, max_candidates),
                                           method="nearest"))
    best, best_d = None, math.inf
    for xm in candidates:
        start = np.searchsorted(x, xm, side="left")
        tail = x[start:]
        n = tail.size
        if n < min_tail:
            continue
        a = _alpha(tail, xm)
        if not math.isfinite(a):
            continue
        fitted = 1.0 - (tail / xm) ** (1.0 - a)          # fitted CDF at each tail point
        emp_hi = np.arange(1, n + 1) / n
        emp_lo = np.arange(0, n) / n
        d = max(np.max(np.abs(emp_hi - fitted)), np.max(np.abs(emp_lo - fitted)))
        if d < best_d:
            best, best_d = float(xm), d
    return best


# --- references -------------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    value: float
    low: float
    high: float
    source: str


# Each figure below was re-checked against published text found offline; the
# per-reference status (confirmed / secondhand / unconfirmed) is in docs/validation.md.
_BLS = ("US BLS Business Employment Dynamics, survival of private-sector establishments by "
        "opening year (births in the year to March; bls.gov/bdm/us_age_naics_00_table7.txt). "
        "March 1994 cohort: 79.6% survive 1 year, 60.6% 3 years, 49.6% 5 years (BLS, The "
        "Economics Daily, '18 percent of businesses opening in March 1994 remained open as of "
        "March 2017', 2018); March 2013 cohort: 79.6%, 61.4%, 50.6% (BLS, The Economics Daily, "
        "'34.7 percent of business establishments born in 2013 were still operating in 2023', "
        "2024-01-12)")
_AXTELL = ("Axtell (2001), Zipf distribution of U.S. firm sizes, Science 293(5536):1818-1820, "
           "doi:10.1126/science.1062081: 1997 Census, ~5.5 million firms by employees; Fig. 1 OLS "
           "slope of the size histogram -2.059 (SE 0.054; adj. R2 0.992), i.e. density exponent "
           "2.06, CCDF exponent 1.059 (abstract: P(size > s) ~ 1/s; the exact 1.059/0.054 were "
           "seen only as a quotation of the Fig. 1 caption, not in the original)")
_VC = ("Correlation Ventures, >21,000 US venture financings 2004-2013: 65% returned < 1x, 4% "
       ">= 10x (as published by S. Levine, 'Venture outcomes are even more skewed than you "
       "think', 2014-08-12; Correlation's 2019 update: 'almost two thirds of financings lost "
       "money'); Horsley Bridge, ~7,000 investments 1985-2014: 'around half' < 1x, 6% >= 10x "
       "making 60% of total returns (B. Evans, 'In praise of failure', ben-evans.com / a16z, "
       "Aug 2016)")
_AUTM = ("AUTM U.S. Licensing Activity Survey FY2020, 197 institutions (AUTM press release "
         "2021-08-26; autm.net '2020 Licensing Survey'): 27,112 invention disclosures, 10,050 "
         "licences + options executed (these include licences to start-ups), 1,117 start-ups "
         "formed, i.e. 0.37 licences+options and 0.041 start-ups per disclosure; FY2009: 20,309 "
         "disclosures, 5,328 licences + options, 596 start-ups (0.26 and 0.029)")
_NBIA = ("NBIA, 2006 State of the Business Incubation Industry (Knopp 2007): clients stay 33 "
         "months on average -- NOT re-checked: the report's figure was not found offline; NBIA "
         "figures found instead: a 30-month median of incubators' average stays (cited by "
         "UConn's incubation policy) and a 2.2-year mean stay (a survey in Inc., Jan 1993)")

#: fact -> reference (NaN value: no published reference; the fact is still reported).
REFERENCES: dict[str, Reference] = {
    "firm survival at 1 year (KM, new firms)": Reference(0.80, 0.75, 0.85, _BLS),
    "firm survival at 3 years (KM, new firms)": Reference(0.61, 0.55, 0.65, _BLS),
    "firm survival at 5 years (KM, new firms)": Reference(0.50, 0.45, 0.55, _BLS),
    "firm size tail exponent alpha (density, employees of alive firms)":
        Reference(2.06, 1.9, 2.2, _AXTELL),
    "venture deals returning < 1x (share of realised fund-firm positions)":
        Reference(0.60, 0.50, 0.65, _VC),
    "venture deals returning >= 10x (share of realised fund-firm positions)":
        Reference(0.05, 0.04, 0.06, _VC),
    "incubator graduation share (graduations / tenants leaving)":
        Reference(math.nan, math.nan, math.nan, NO_REFERENCE),
    "incubator mean stay (months, completed stays)": Reference(33.0, 24.0, 48.0, _NBIA),
    "licences + spin-offs per invention": Reference(0.37, 0.25, 0.45, _AUTM),
    "spin-offs per invention": Reference(0.04, 0.03, 0.05, _AUTM),
    "transfer success share (succeeded / judged)":
        Reference(math.nan, math.nan, math.nan, NO_REFERENCE),
}

#: Extra facts reported beside the others, without references.
_INFO_FACTS = {
    "firm size tail xmin (employees)",
    "firm size tail points",
}


# --- per-run raw material ------------------------------------------------------------

def _has(f: h5py.File, name: str) -> bool:
    try:
        return isinstance(f.get(name), h5py.Dataset)
    except (KeyError, OSError, RuntimeError):
        return False


def _read(f: h5py.File, name: str, path) -> np.ndarray:
    try:
        return f[name][()]
    except (KeyError, OSError, RuntimeError, TypeError, ValueError) as e:
        raise AnalysisError(f"{os.fspath(path)}: cannot read /{name} ({e}); "
                            "the file is damaged") from None


def _codes(f: h5py.File, name: str, default: dict[str, int]) -> dict[str, int]:
    try:
        mapping = h5py.check_enum_dtype(f[name].dtype)
    except (KeyError, OSError, RuntimeError):
        mapping = None
    return dict(mapping) if mapping else dict(default)


_STATUS = {"alive": 0, "dead": 1, "acquired": 2, "listed": 3}
_EVENT = {"deal": 4, "admission": 9, "graduation": 10, "incubator_exit": 11, "fund_exit": 15}
_ORIGIN_INITIAL = 0


@dataclass
class RunData:
    """What the stylized facts are computed from, for one run file; a field
    is None when the file lacks what it needs (no /agents or no /events)."""
    survival: tuple[np.ndarray, np.ndarray] | None = None      # (durations, observed)
    sizes: np.ndarray | None = None                           # employees of alive firms
    multiples: np.ndarray | None = None                       # realised positions
    stays: np.ndarray | None = None                           # quarters
    counts: dict | None = None                                # summed flows


def run_data(path: str | os.PathLike) -> RunData:
    """The data behind the facts, read from one run file.

    survival: (durations in quarters, founding quarter included; True where
    the firm died, False where censored: alive at the end, acquired or
    listed) for firms born during the run; sizes: employees of firms alive
    at the end; multiples: proceeds / invested of realised (fund, firm)
    positions; stays: completed incubator stays in quarters; counts: the
    transfer and incubation flows summed over the recorded quarters.
    """
    out = RunData()
    with open_checked(path, RUN) as f:
        ts_names = ("inventions", "transfers_licence", "transfers_spinoff",
                    "transfers_succeeded", "transfers_failed", "incubator_graduations",
                    "incubator_exits")
        counts = {k: float(np.sum(_read(f, f"timeseries/{k}", path)))
                  for k in ts_names if _has(f, f"timeseries/{k}")}
        out.counts = counts
        if _has(f, "timeseries/quarter"):
            q = _read(f, "timeseries/quarter", path)
            first_q, last_q = (int(q[0]), int(q[-1])) if q.size else (0, -1)
        else:
            first_q = int(f.attrs.get("burn_in", 0))
            last_q = first_q + int(f.attrs.get("quarters", 0)) - 1

        firms = "agents/firms"
        need = ("founded", "exit_quarter", "status")
        if all(_has(f, f"{firms}/{c}") for c in need):
            founded = _read(f, f"{firms}/founded", path).astype(np.int64)
            exitq = _read(f, f"{firms}/exit_quarter", path).astype(np.int64)
            status = _read(f, f"{firms}/status", path).astype(np.int64)
            sc = _codes(f, f"{firms}/status", _STATUS)
            new = founded >= 0                    # born during the simulation: not left-truncated
            if _has(f, f"{firms}/origin"):
                new &= _read(f, f"{firms}/origin", path).astype(np.int64) != _ORIGIN_INITIAL
            alive = status == sc.get("alive", 0)
            dead = status == sc.get("dead", 1)
            end = np.where(alive | (exitq < 0), last_q, exitq)
            dur = (end - founded + 1).astype(float)   # quarters lived, founding quarter included
            out.survival = (dur[new], dead[new])
            if _has(f, f"{firms}/employees"):
                out.sizes = _read(f, f"{firms}/employees", path)[alive].astype(float)

            if _has(f, "events/kind") and all(_has(f, f"events/{c}") for c in
                                              ("quarter", "actor", "target", "amount")):
                ek = _codes(f, "events/kind", _EVENT)
                kind = _read(f, "events/kind", path).astype(np.int64)
                equarter = _read(f, "events/quarter", path).astype(np.int64)
                actor = _read(f, "events/actor", path).astype(np.int64)
                target = _read(f, "events/target", path).astype(np.int64)
                amount = _read(f, "events/amount", path).astype(float)
                first_event = int(equarter.min()) if equarter.size else first_q
                out.multiples = _multiples(kind, actor, target, amount, ek, founded, status,
                                           sc, first_event)
                out.stays = _stays(kind, equarter, actor, target, ek)
    return out


def _multiples(kind, actor, target, amount, ek, founded, status, sc, first_event):
    """Realised multiple of each fund-firm position: proceeds (fund_exit events) over
    invested (deal events). Only firms founded while events were recorded (all their
    deals are in /events). Realised: the firm died, was acquired or listed, or paid
    the fund proceeds; positions in firms still alive without proceeds are left out."""
    deal = kind == ek.get("deal", 4)
    fexit = kind == ek.get("fund_exit", 15)
    nfirms = founded.size
    ok = (target >= 0) & (target < nfirms)
    inv = pd.DataFrame({"fund": actor[deal & ok], "firm": target[deal & ok],
                        "amount": amount[deal & ok]}).groupby(["fund", "firm"])["amount"].sum()
    pro = pd.DataFrame({"fund": actor[fexit & ok], "firm": target[fexit & ok],
                        "amount": amount[fexit & ok]}).groupby(["fund", "firm"])["amount"].sum()
    if inv.empty:
        return np.array([])
    pos = pd.DataFrame({"invested": inv}).join(pro.rename("proceeds"), how="left")
    pos["proceeds"] = pos["proceeds"].fillna(0.0)
    firm = pos.index.get_level_values("firm").to_numpy()
    complete = founded[firm] >= first_event
    st = status[firm]
    realised = (st != sc.get("alive", 0)) | (pos["proceeds"].to_numpy() > 0)
    keep = complete & realised & (pos["invested"].to_numpy() > 0)
    return (pos["proceeds"] / pos["invested"]).to_numpy()[keep]


def _stays(kind, quarter, actor, target, ek):
    """Quarters from admission to graduation or incubator exit, per (incubator, firm),
    for stays both begun and ended while events were recorded."""
    adm = kind == ek.get("admission", 9)
    end = (kind == ek.get("graduation", 10)) | (kind == ek.get("incubator_exit", 11))
    if not adm.any() or not end.any():
        return np.array([])
    a = pd.DataFrame({"inc": actor[adm], "firm": target[adm], "q": quarter[adm]})
    e = pd.DataFrame({"inc": actor[end], "firm": target[end], "q_end": quarter[end]})
    a["n"] = a.groupby(["inc", "firm"]).cumcount()
    e["n"] = e.groupby(["inc", "firm"]).cumcount()
    # an end may belong to an admission before recording began: drop ends with no
    # admission recorded before them by matching on order only where counts agree
    m = a.merge(e, on=["inc", "firm", "n"], how="inner")
    m = m[m["q_end"] >= m["q"]]
    return (m["q_end"] - m["q"]).to_numpy(dtype=float)


# --- facts -------------------------------------------------------------------------

def _verdict(model: float, ref: Reference) -> str:
    if not math.isfinite(model):
        return NOT_AVAILABLE
    if not math.isfinite(ref.value):
        return NO_REFERENCE
    if ref.low <= model <= ref.high:
        return "within the reference range"
    return ("outside the reference range (below)" if model < ref.low
            else "outside the reference range (above)")


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else math.nan


def run_facts(paths: Sequence[str | os.PathLike] | str | os.PathLike) -> dict[str, float]:
    """The model side of every fact, pooled over the runs (NaN: not derivable)."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = list(paths)
    if not paths:
        raise AnalysisError("validate: no run files given")
    data = [run_data(p) for p in paths]
    facts: dict[str, float] = {}

    surv = [d.survival for d in data if d.survival is not None]
    if surv:
        km = kaplan_meier(np.concatenate([s[0] for s in surv]),
                          np.concatenate([s[1] for s in surv]))
    else:
        km = kaplan_meier([], [])
    for years in (1, 3, 5):
        facts[f"firm survival at {years} year{'s' if years > 1 else ''} (KM, new firms)"] = \
            survival_at(km, 4 * years) if not km.empty else math.nan

    sizes = [d.sizes for d in data if d.sizes is not None]
    alpha, n_tail, xmin = math.nan, 0, math.nan
    if sizes:
        x = np.concatenate(sizes)
        x = np.sort(x[np.isfinite(x) & (x > 0)])
        xm = _ks_xmin(x, 50, 200)
        if xm is not None:
            alpha, _, n_tail = powerlaw_tail(x, xm)
            xmin = xm
    facts["firm size tail exponent alpha (density, employees of alive firms)"] = alpha
    facts["firm size tail xmin (employees)"] = xmin
    facts["firm size tail points"] = float(n_tail) if sizes else math.nan

    mult = [d.multiples for d in data if d.multiples is not None]
    m = np.concatenate(mult) if mult else np.array([])
    facts["venture deals returning < 1x (share of realised fund-firm positions)"] = \
        float(np.mean(m < 1.0)) if m.size else math.nan
    facts["venture deals returning >= 10x (share of realised fund-firm positions)"] = \
        float(np.mean(m >= 10.0)) if m.size else math.nan

    c: dict[str, float] = {}
    have: dict[str, int] = {}
    for d in data:
        for k, v in (d.counts or {}).items():
            c[k] = c.get(k, 0.0) + v
            have[k] = have.get(k, 0) + 1

    def total(k):  # NaN unless every run has the series
        return c[k] if have.get(k, 0) == len(data) else math.nan

    grads, exits = total("incubator_graduations"), total("incubator_exits")
    facts["incubator graduation share (graduations / tenants leaving)"] = \
        _ratio(grads, grads + exits)
    stays = [d.stays for d in data if d.stays is not None]
    s = np.concatenate(stays) if stays else np.array([])
    facts["incubator mean stay (months, completed stays)"] = \
        3.0 * float(np.mean(s)) if s.size else math.nan
    inv = total("inventions")
    lic, spin = total("transfers_licence"), total("transfers_spinoff")
    facts["licences + spin-offs per invention"] = _ratio(lic + spin, inv)
    facts["spin-offs per invention"] = _ratio(spin, inv)
    ok, bad = total("transfers_succeeded"), total("transfers_failed")
    facts["transfer success share (succeeded / judged)"] = _ratio(ok, ok + bad)
    return facts


def validate(paths: Sequence[str | os.PathLike] | str | os.PathLike) -> pd.DataFrame:
    """Stylized facts of the pooled runs beside their references.

    Returns a DataFrame with columns ``fact, model, reference,
    reference_low, reference_high, source, verdict``; the verdict is
    "within the reference range", "outside the reference range (below /
    above)", "no published reference" or "not available in this output".
    """
    facts = run_facts(paths)
    rows = []
    for fact, model in facts.items():
        ref = REFERENCES.get(fact, Reference(math.nan, math.nan, math.nan, "(fit detail)"))
        verdict = _verdict(model, ref)
        if fact in _INFO_FACTS:
            verdict = NOT_AVAILABLE if not math.isfinite(model) else "detail of the fit above"
        rows.append({"fact": fact, "model": model, "reference": ref.value,
                     "reference_low": ref.low, "reference_high": ref.high,
                     "source": ref.source, "verdict": verdict})
    return pd.DataFrame(rows, columns=COLUMNS)
