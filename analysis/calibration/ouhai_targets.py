"""The Ouhai figures the calibration fits or checks, and how each is read
from a result file. Quarter numbering follows scenarios/ouhai/baseline.toml:
quarter q is year 2016 + q // 4, quarter q % 4 + 1."""

from dataclasses import dataclass
from typing import Callable

import h5py
import numpy as np


def quarter(year: int, q: int) -> int:
    return 4 * (year - 2016) + (q - 1)


END_2023 = quarter(2023, 4)


class RunData:
    """The parts of a result file the targets read."""

    def __init__(self, path):
        with h5py.File(path, "r") as f:
            self.ts = {k: f["timeseries"][k][:] for k in f["timeseries"]}
            ev = f["events"]
            self.ev_quarter = ev["quarter"][:]
            self.ev_kind = ev["kind"][:]
            self.ev_detail = ev["detail"][:]
            kinds = h5py.check_enum_dtype(ev["kind"].dtype)
            self.kind_code = dict(kinds)

    def at(self, column, q):
        rows = np.where(self.ts["quarter"] == q)[0]
        return float(self.ts[column][rows[0]])

    def total(self, column, first, last):
        mask = (self.ts["quarter"] >= first) & (self.ts["quarter"] <= last)
        return float(self.ts[column][mask].sum())

    def events(self, kind, first, last, detail=None):
        mask = (self.ev_kind == self.kind_code[kind]) & (self.ev_quarter >= first) & (
            self.ev_quarter <= last)
        if detail is not None:
            mask &= self.ev_detail == detail
        return int(mask.sum())


@dataclass(frozen=True)
class Target:
    name: str
    reported: float
    source: str
    measure: Callable[[RunData], float]
    what: str


# Fitted: each has a parameter in fit_ouhai.py that mainly moves it.
TARGETS = [
    Target("tech_smes", 1857, "seeds/000", lambda r: r.at("firms_tech_sme", END_2023),
           "certified tech-based SMEs, end of 2023"),
    Target("high_tech", 411, "seeds/000", lambda r: r.at("firms_high_tech", END_2023),
           "certified high-tech enterprises, end of 2023"),
    Target("admissions_h1_2024", 214, "seeds/002",
           lambda r: r.total("incubator_admissions", quarter(2024, 1), quarter(2024, 2)),
           "firms admitted to incubators, 2024 H1"),
    Target("invested_2019_2023", 2799, "seeds/000",
           lambda r: r.total("amount_invested", quarter(2019, 1), END_2023),
           "invested by the funds, M yuan (reported as cumulative without a period; compared "
           "with 2019-2023)"),
    Target("transfers_h2_2024", 330, "seeds/002 (plan for 2024 H2)",
           lambda r: r.total("transfers_licence", quarter(2024, 3), quarter(2024, 4)) +
           r.total("transfers_spinoff", quarter(2024, 3), quarter(2024, 4)),
           "research results transferred (licences and spin-offs), 2024 H2"),
    Target("fund_scale", 26000, "seeds/000", lambda r: r.at("fund_committed", END_2023),
           "committed capital of the funds, M yuan, end of 2023"),
    Target("provincial_incubators", 18, "seeds/000",
           lambda r: r.at("incubators_provincial_plus", END_2023),
           "incubators of provincial tier or above, end of 2023"),
]

# Checked, not fitted.
CHECKS = [
    Target("funds", 187, "seeds/000", lambda r: r.at("funds_active", END_2023),
           "fund institutions, end of 2023"),
    Target("incubated_cumulative", 1900, "seeds/000",
           lambda r: r.total("incubator_admissions", quarter(2019, 1), quarter(2024, 2)),
           "firms admitted to incubators, cumulative (period not reported; compared with "
           "2019 to 2024 H1)"),
    Target("new_high_tech_per_year", 34, "seeds/004 (170 in 2016-2020)",
           lambda r: r.events("certification", quarter(2019, 1), END_2023, detail=1) / 5.0,
           "new high-tech certificates a year (2019-2023 in the model)"),
    Target("new_tech_smes_per_year", 175, "seeds/004 (874 in 2016-2020)",
           lambda r: r.events("certification", quarter(2019, 1), END_2023, detail=0) / 5.0,
           "new tech-SME certificates a year (2019-2023 in the model)"),
]
