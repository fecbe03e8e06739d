"""The result file as a user reads it: h5py, pandas and h5dump on real runs.
Checks the layout promised by docs/output-format.md and accounting
identities of the model that must hold in every run."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from incubsim_testlib import read_group, strip_header_comment

# The full run forces no burn-in, so that totals over /timeseries flows equal
# the agent tables' lifetime totals; the other run has an explicit burn-in.
FULL_SETS = ["--set", "simulation.burn_in=0"]
BURN_IN, BURN_IN_QUARTERS = 4, 8
BURNED_SETS = ["--quarters", str(BURN_IN_QUARTERS), "--set", f"simulation.burn_in={BURN_IN}"]

AGENT_KINDS = {"none": 0, "researcher": 1, "firm": 2, "incubator": 3, "fund": 4,
               "institution": 5}
KIND_TABLE = {"researcher": "researchers", "firm": "firms", "incubator": "incubators",
              "fund": "funds", "institution": "institutions"}
EVENT_COLUMNS = ["quarter", "phase", "kind", "actor_kind", "actor", "target_kind", "target",
                 "amount", "detail"]
EVENT_KINDS = ["firm_birth", "firm_death", "acquisition", "listing", "deal", "licence",
               "spinoff", "transfer_succeeded", "transfer_failed", "admission", "graduation",
               "incubator_exit", "certification", "fund_opened", "fund_closed", "fund_exit",
               "tier_change", "researcher_entry", "researcher_exit"]
# Event kind -> /timeseries flow that counts it.
EVENT_FLOWS = {
    "firm_birth": "births", "firm_death": "deaths", "acquisition": "exits_acquisition",
    "listing": "exits_listing", "licence": "transfers_licence", "spinoff": "transfers_spinoff",
    "transfer_succeeded": "transfers_succeeded", "transfer_failed": "transfers_failed",
    "admission": "incubator_admissions", "graduation": "incubator_graduations",
    "incubator_exit": "incubator_exits", "certification": "certifications",
    "fund_opened": "funds_opened", "fund_closed": "funds_closed",
    "researcher_entry": "researcher_entries", "researcher_exit": "researcher_exits",
}
STAGES = ["firms_nascent", "firms_seed", "firms_early_venture", "firms_late_venture",
          "firms_growth"]
DEALS = ["deals_seed", "deals_series_a", "deals_series_b", "deals_growth"]
AMOUNTS = ["amount_seed", "amount_series_a", "amount_series_b", "amount_growth"]
ISO_8601_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


class Run:
    """A result file opened once for the module, with its tables as numpy."""

    def __init__(self, path: Path, started: dt.datetime, finished: dt.datetime):
        self.path = path
        self.started, self.finished = started, finished
        self.file = h5py.File(path, "r")
        self.attrs = {k: self.file.attrs[k] for k in self.file.attrs}
        self.scenario = tomllib.loads(self.attrs["scenario"])
        self.ts = read_group(path, "timeseries")
        self.events = read_group(path, "events")
        self.tables = {name: read_group(path, f"agents/{name}") for name in self.file["agents"]}

    def enum(self, dataset: str) -> dict[str, int]:
        mapping = h5py.check_enum_dtype(self.file[dataset].dtype)
        assert mapping is not None, f"{dataset} is not an HDF5 enum"
        return mapping

    def event_mask(self, kind: str) -> np.ndarray:
        return self.events["kind"] == self.enum("events/kind")[kind]


@pytest.fixture(scope="module")
def baseline(incubsim) -> dict:
    """The built-in baseline's values, as `incubsim check` resolves them."""
    return tomllib.loads(incubsim("check").stdout)


def _run(incubsim, out: Path, *args: str) -> Run:
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    incubsim.run_to(out, *args, threads=2)
    finished = dt.datetime.now(dt.timezone.utc)
    return Run(out, started, finished)


@pytest.fixture(scope="module")
def full(incubsim, tmp_path_factory):
    """The built-in baseline with its own quarters and seed, without burn-in, 2 threads."""
    run = _run(incubsim, tmp_path_factory.mktemp("full") / "full.h5", *FULL_SETS)
    yield run
    run.file.close()


@pytest.fixture(scope="module")
def burned(incubsim, tmp_path_factory):
    """The baseline with a burn-in before recording starts."""
    run = _run(incubsim, tmp_path_factory.mktemp("burn") / "burn.h5", *BURNED_SETS)
    yield run
    run.file.close()


@pytest.fixture(params=["full", "burned"])
def any_run(request) -> Run:
    return request.getfixturevalue(request.param)


# --- root attributes ------------------------------------------------------------

def test_root_attributes(incubsim, full, baseline):
    a = full.attrs
    assert a["format"] == "incubsim-run"
    assert re.fullmatch(r"1\.\d+", a["format_version"])
    version = re.fullmatch(r"incubsim (\S+) \(git (\S+)\)\n", incubsim("--version").stdout)
    assert (a["incubsim_version"], a["git_sha"]) == (version.group(1), version.group(2))
    for key in ("format", "format_version", "incubsim_version", "git_sha", "scenario",
                "scenario_name", "start_time", "end_time", "command_line", "hostname"):
        assert isinstance(a[key], str), f"attribute {key} is not a str: {type(a[key])}"
    sim = baseline["simulation"]
    assert a["seed"] == sim["seed"] and a["seed"].dtype == np.int64
    assert a["threads"] == 2 and a["threads"].dtype == np.int32
    assert a["quarters"] == sim["quarters"] and a["quarters"].dtype == np.int32
    assert a["burn_in"] == 0 and a["burn_in"].dtype == np.int32
    assert a["scenario_name"] == "<built-in baseline>"
    assert "run" in a["command_line"].split() and full.path.name in a["command_line"]
    assert a["hostname"]


def test_times_are_iso_8601_utc_and_plausible(full):
    start, end = full.attrs["start_time"], full.attrs["end_time"]
    assert ISO_8601_UTC.fullmatch(start) and ISO_8601_UTC.fullmatch(end), (start, end)
    start_t = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
    end_t = dt.datetime.fromisoformat(end.replace("Z", "+00:00"))
    assert full.started <= start_t <= end_t <= full.finished


def test_recorded_scenario_is_what_check_prints(incubsim, full, burned, baseline):
    assert full.attrs["scenario"] == strip_header_comment(incubsim("check", *FULL_SETS).stdout)
    assert burned.attrs["scenario"] == strip_header_comment(incubsim(
        "check", "--set", f"simulation.burn_in={BURN_IN}",
        "--set", f"simulation.quarters={BURN_IN_QUARTERS}").stdout)
    sim = burned.scenario["simulation"]
    assert (sim["quarters"], sim["burn_in"], sim["seed"]) == (
        BURN_IN_QUARTERS, BURN_IN, baseline["simulation"]["seed"])
    assert (burned.attrs["quarters"], burned.attrs["burn_in"]) == (BURN_IN_QUARTERS, BURN_IN)


# --- /timeseries ------------------------------------------------------------------

def test_timeseries_layout(any_run):
    group = any_run.file["timeseries"]
    names = list(group)
    assert names[0] == "quarter", "quarter must be the first column (creation order)"
    assert len(names) - 1 >= 25
    rows = int(any_run.attrs["quarters"])
    for name in names:
        d = group[name]
        assert d.shape == (rows,), name
        assert d.attrs["unit"] != "" or name == "quarter", f"{name} has an empty unit"
        assert isinstance(d.attrs["description"], str) and d.attrs["description"], name
        assert d.chunks is not None and d.compression == "gzip" and d.shuffle, name
        assert d.maxshape == (None,), name
        kind = d.attrs["kind"]
        if name == "quarter":
            assert kind == "index" and d.dtype == np.int32
            continue
        assert d.attrs["temporal"] in ("stock", "flow"), name
        expected = {"count": np.int64, "amount": np.float64, "ratio": np.float64}[kind]
        assert d.dtype == expected, f"{name}: {kind} stored as {d.dtype}"


def test_one_row_per_recorded_quarter(any_run):
    burn_in, quarters = int(any_run.attrs["burn_in"]), int(any_run.attrs["quarters"])
    np.testing.assert_array_equal(any_run.ts["quarter"],
                                  np.arange(burn_in, burn_in + quarters))


def test_long_format_frame(full):
    wide = pd.DataFrame(full.ts)
    units = {k: full.file["timeseries"][k].attrs["unit"] for k in full.ts if k != "quarter"}
    long = wide.melt(id_vars="quarter", var_name="metric", value_name="value")
    long["unit"] = long["metric"].map(units)
    quarters = int(full.attrs["quarters"])
    assert len(long) == quarters * len(units)
    assert long["unit"].notna().all()
    births = long[long.metric == "births"].set_index("quarter")["value"]
    np.testing.assert_array_equal(births.to_numpy(), full.ts["births"])
    assert (long.groupby("metric").size() == quarters).all()


def test_timeseries_identities(any_run):
    ts = any_run.ts
    np.testing.assert_array_equal(ts["firms_alive"], sum(ts[s] for s in STAGES))
    np.testing.assert_array_equal(ts["births"], ts["births_spinoff"] + ts["births_independent"])
    np.testing.assert_array_equal(
        ts["transfers_attempted"],
        ts["transfers_licence"] + ts["transfers_spinoff"] + ts["transfers_unmatched"])
    np.testing.assert_array_equal(ts["rounds_sought"], ts["rounds_closed"] + ts["rounds_failed"])
    np.testing.assert_allclose(ts["amount_invested"], sum(ts[a] for a in AMOUNTS), rtol=1e-12)
    np.testing.assert_array_equal(ts["births_spinoff"], ts["transfers_spinoff"])
    assert (ts["firms_incubated"] <= ts["incubator_capacity"]).all()
    assert (ts["funds_investing"] <= ts["funds_active"]).all()
    assert (ts["fund_dry_powder"] <= ts["fund_committed"] * (1 + 1e-12)).all()
    shares = ts["network_largest_component"], ts["network_clustering"]
    assert all(((s >= 0) & (s <= 1)).all() for s in shares)
    for name, values in ts.items():
        assert np.isfinite(values).all(), f"{name} has non-finite values"
        if any_run.file["timeseries"][name].attrs["kind"] == "count":
            assert (values >= 0).all(), f"{name} has negative counts"


# --- /events --------------------------------------------------------------------

def test_events_layout_and_enums(full):
    group = full.file["events"]
    assert list(group) == EVENT_COLUMNS
    n = group["quarter"].shape[0]
    assert n > 0
    for name in EVENT_COLUMNS:
        d = group[name]
        assert d.shape == (n,) and "unit" in d.attrs and d.attrs["description"], name
        assert d.chunks is not None and d.compression == "gzip", name
    kinds = full.enum("events/kind")
    assert [k for k, _ in sorted(kinds.items(), key=lambda kv: kv[1])][:len(EVENT_KINDS)] == \
        EVENT_KINDS, "event kinds are append-only: existing codes must not change"
    assert full.enum("events/actor_kind") == AGENT_KINDS
    assert full.enum("events/target_kind") == AGENT_KINDS
    phases = full.enum("events/phase")
    assert {"setup", "research", "transfer", "financing", "outcomes"} <= set(phases)
    # The enums are also committed once under /types.
    for column, type_name in (("phase", "phase"), ("kind", "event_kind"),
                              ("actor_kind", "agent_kind")):
        assert isinstance(full.file["types"][type_name], h5py.Datatype)
        assert h5py.check_enum_dtype(full.file["types"][type_name].dtype) == \
            full.enum(f"events/{column}")
    # Every code in the data is a member of its enum.
    for column in ("phase", "kind", "actor_kind", "target_kind"):
        assert set(np.unique(full.events[column])) <= set(full.enum(f"events/{column}").values())


def test_events_frame_with_categoricals(full):
    events = pd.DataFrame(full.events)
    for column in ("phase", "kind", "actor_kind", "target_kind"):
        names = {code: name for name, code in full.enum(f"events/{column}").items()}
        events[column] = pd.Categorical.from_codes(
            events[column], categories=[names[i] for i in range(len(names))])
    counts = events["kind"].value_counts()
    assert counts["firm_birth"] == full.ts["births"].sum()
    assert counts["deal"] == sum(full.ts[d].sum() for d in DEALS)
    assert set(events.loc[events["kind"] == "deal", "actor_kind"]) == {"fund"}


def test_events_are_ordered_by_quarter_then_phase(any_run):
    q, phase = any_run.events["quarter"].astype(np.int64), any_run.events["phase"]
    assert (np.diff(q) >= 0).all(), "event quarters must be non-decreasing"
    key = q * 256 + phase
    assert (np.diff(key) >= 0).all(), "within a quarter, events follow the phase order"
    burn_in, quarters = int(any_run.attrs["burn_in"]), int(any_run.attrs["quarters"])
    assert q.min() >= burn_in and q.max() < burn_in + quarters


def test_event_counts_match_flows(any_run):
    q = any_run.events["quarter"]
    burn_in, quarters = int(any_run.attrs["burn_in"]), int(any_run.attrs["quarters"])
    for kind, flow in EVENT_FLOWS.items():
        per_quarter = np.bincount(q[any_run.event_mask(kind)] - burn_in, minlength=quarters)
        np.testing.assert_array_equal(per_quarter, any_run.ts[flow],
                                      err_msg=f"{kind} events vs /timeseries/{flow}")
    deal = any_run.event_mask("deal")
    np.testing.assert_array_equal(np.bincount(q[deal] - burn_in, minlength=quarters),
                                  sum(any_run.ts[d] for d in DEALS))
    assert any_run.events["amount"][deal].sum() == pytest.approx(
        any_run.ts["amount_invested"].sum(), rel=1e-9)


def test_event_agent_ids_are_valid(any_run):
    ev = any_run.events
    for role in ("actor", "target"):
        ids, kinds = ev[role], ev[f"{role}_kind"]
        none = kinds == AGENT_KINDS["none"]
        assert (ids[none] == -1).all(), f"{role} without a kind must be -1"
        for kind, table in KIND_TABLE.items():
            sel = ids[kinds == AGENT_KINDS[kind]]
            rows = len(next(iter(any_run.tables[table].values())))
            assert ((sel >= 0) & (sel < rows)).all(), f"{role} ids of kind {kind} out of range"
    deal = any_run.event_mask("deal")
    assert (ev["actor_kind"][deal] == AGENT_KINDS["fund"]).all()
    assert (ev["target_kind"][deal] == AGENT_KINDS["firm"]).all()
    firms = any_run.tables["firms"]
    targets = ev["target"][deal]
    assert ((targets >= 0) & (targets < len(firms["status"]))).all()
    # A deal's target existed by then.
    assert (firms["founded"][targets] <= ev["quarter"][deal]).all()


# --- /agents ----------------------------------------------------------------------

def test_agent_tables_have_consistent_columns(any_run):
    assert set(any_run.tables) >= {"firms", "funds", "incubators", "researchers",
                                   "institutions"}
    for name, columns in any_run.tables.items():
        group = any_run.file["agents"][name]
        rows = int(group.attrs["rows"])
        for column, values in columns.items():
            d = group[column]
            assert values.shape == (rows,), f"{name}/{column}: {values.shape} vs rows={rows}"
            assert d.attrs["description"] and "unit" in d.attrs, f"{name}/{column}"
            assert d.compression == "gzip", f"{name}/{column}"


def test_firms_table(any_run):
    firms = any_run.tables["firms"]
    status, origin = any_run.enum("agents/firms/status"), any_run.enum("agents/firms/origin")
    assert set(status) == {"alive", "dead", "acquired", "listed"}
    alive = firms["status"] == status["alive"]
    np.testing.assert_array_equal(alive, firms["exit_quarter"] == -1)
    assert (firms["exit_quarter"][~alive] >= firms["founded"][~alive]).all()
    initial = firms["origin"] == origin["initial"]
    assert initial.sum() == any_run.scenario["firms"]["initial_count"]
    assert (firms["founded"][initial] <= 0).all()
    assert alive.sum() == any_run.ts["firms_alive"][-1]
    np.testing.assert_array_equal(firms["founder"] != -1, firms["origin"] == origin["spinoff"])
    # Births during the recorded quarters are the firm_birth events; firms
    # born during burn-in are in the table but their events were not recorded.
    burn_in = int(any_run.attrs["burn_in"])
    recorded_births = (~initial & (firms["founded"] >= burn_in)).sum()
    assert any_run.event_mask("firm_birth").sum() == recorded_births
    assert any_run.ts["births"].sum() == recorded_births
    if burn_in == 0:
        assert any_run.event_mask("firm_birth").sum() == len(firms["status"]) - initial.sum()
    np.testing.assert_array_equal(
        np.sort(any_run.events["actor"][any_run.event_mask("firm_birth")]),
        np.flatnonzero(~initial & (firms["founded"] >= burn_in)))


def test_firm_outcomes_match_flows(full):
    firms, ts = full.tables["firms"], full.ts
    status = full.enum("agents/firms/status")
    assert (firms["status"] == status["dead"]).sum() == ts["deaths"].sum()
    assert (firms["status"] == status["acquired"]).sum() == ts["exits_acquisition"].sum()
    assert (firms["status"] == status["listed"]).sum() == ts["exits_listing"].sum()
    alive = firms["status"] == status["alive"]
    assert firms["employees"][alive].sum() == ts["employment"][-1]
    assert firms["cash"][alive].sum() == pytest.approx(ts["firm_cash"][-1], rel=1e-9)
    assert firms["selling"][alive].sum() == ts["firms_selling"][-1]
    stages = full.enum("agents/firms/stage")
    for stage, metric in zip(["nascent", "seed", "early_venture", "late_venture", "growth"],
                             STAGES):
        assert (firms["stage"][alive] == stages[stage]).sum() == ts[metric][-1], metric
    assert firms["exit_value"].sum() == pytest.approx(ts["exit_value"].sum(), rel=1e-9)


def test_fund_accounting(any_run):
    funds = any_run.tables["funds"]
    assert (funds["uninvested"] >= -1e-9).all(), "a fund invested more than it had"
    assert (funds["invested"] >= 0).all() and (funds["fees"] >= 0).all()
    np.testing.assert_allclose(funds["invested"] + funds["fees"] + funds["uninvested"],
                               funds["committed"], rtol=1e-6, atol=0)
    status = any_run.enum("agents/funds/status")
    closed = funds["status"] == status["closed"]
    np.testing.assert_array_equal(closed, funds["closed_quarter"] != -1)
    ts = any_run.ts
    assert (~closed).sum() == ts["funds_active"][-1]
    assert (funds["status"] == status["investing"]).sum() == ts["funds_investing"][-1]
    assert funds["committed"][~closed].sum() == pytest.approx(ts["fund_committed"][-1], rel=1e-9)
    assert funds["uninvested"][~closed].sum() == pytest.approx(ts["fund_dry_powder"][-1],
                                                               rel=1e-9, abs=1e-9)
    pred = funds["predecessor"]
    assert ((pred == -1) | ((pred >= 0) & (pred < len(pred)))).all()


def test_fund_totals_match_flows(full):
    funds, ts = full.tables["funds"], full.ts
    assert funds["deals"].sum() == sum(ts[d].sum() for d in DEALS)
    assert funds["fees"].sum() == pytest.approx(ts["fund_fees"].sum(), rel=1e-9)
    assert funds["distributions"].sum() == pytest.approx(ts["fund_distributions"].sum(),
                                                         rel=1e-9)


def test_incubators_researchers_institutions(any_run):
    t, ts = any_run.tables, any_run.ts
    assert len(t["incubators"]["capacity"]) == any_run.scenario["incubators"]["count"]
    assert t["incubators"]["tenants"].sum() == ts["firms_incubated"][-1]
    assert t["incubators"]["capacity"].sum() == ts["incubator_capacity"][-1]
    assert (t["incubators"]["tenants"] <= t["incubators"]["capacity"]).all()
    assert len(t["institutions"]["kind"]) == any_run.scenario["researchers"]["institutions"]
    inst = t["researchers"]["institution"]
    assert ((inst >= 0) & (inst < len(t["institutions"]["kind"]))).all()
    career = any_run.enum("agents/researchers/career")
    assert (t["researchers"]["career"] == career["academic"]).sum() == \
        ts["researchers_academic"][-1]
    initial = t["researchers"]["entered"] == -1
    assert initial.sum() == any_run.scenario["researchers"]["count"]


# --- /network ---------------------------------------------------------------------

def test_ties(any_run):
    ties = read_group(any_run.path, "network/ties")
    rows = int(any_run.file["network/ties"].attrs["rows"])
    assert all(v.shape == (rows,) for v in ties.values())
    assert rows == any_run.ts["ties_total"][-1]
    sk, tk = ties["source_kind"], ties["target_kind"]
    assert (sk != AGENT_KINDS["none"]).all() and (tk != AGENT_KINDS["none"]).all()
    assert (sk <= tk).all(), "ties are stored with source kind <= target kind"
    for kind, table in KIND_TABLE.items():
        size = len(next(iter(any_run.tables[table].values())))
        for ids, kinds in ((ties["source"], sk), (ties["target"], tk)):
            sel = ids[kinds == AGENT_KINDS[kind]]
            assert ((sel >= 0) & (sel < size)).all(), f"tie endpoint of kind {kind} out of range"
    same = sk == tk
    assert (ties["source"][same] != ties["target"][same]).all(), "self-loop"
    types = h5py.check_enum_dtype(any_run.file["network/ties/type"].dtype)
    last_quarter = int(any_run.attrs["burn_in"] + any_run.attrs["quarters"] - 1)
    assert (ties["since"] <= last_quarter).all()
    for name, code in types.items():
        count = (ties["type"] == code).sum()
        if f"ties_{name}" in any_run.ts:
            assert count == any_run.ts[f"ties_{name}"][-1], name
        assert count == any_run.file[f"network/measures/ties_{name}"][()], name


def test_network_measures(any_run):
    group = any_run.file["network/measures"]
    assert len(group) > 0
    for name in group:
        d = group[name]
        assert d.shape == () and d.dtype == np.float64, name
        assert d.attrs["description"], name
        assert np.isfinite(d[()]), name
    m = {k: group[k][()] for k in group}
    ts = any_run.ts
    assert 0 <= m["largest_component_share"] <= 1 and 0 <= m["clustering"] <= 1
    assert m["components"] >= 1 and m["active_agents"] >= m["components"]
    for measure, metric in (("mean_degree", "network_mean_degree"),
                            ("components", "network_components"),
                            ("largest_component_share", "network_largest_component"),
                            ("clustering", "network_clustering"),
                            ("brokerage_incubators", "brokerage_incubators"),
                            ("brokerage_funds", "brokerage_funds")):
        assert m[measure] == ts[metric][-1], f"{measure} vs the last /timeseries/{metric}"


# --- other readers ----------------------------------------------------------------

def test_h5dump_reads_the_structure(full):
    h5dump = shutil.which("h5dump")
    if h5dump is None:
        pytest.fail("h5dump not found: install the HDF5 command-line tools "
                    "(apt-get install hdf5-tools)", pytrace=False)
    p = subprocess.run([h5dump, "-H", str(full.path)], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    for group in ("/timeseries", "/events", "/agents/firms", "/agents/funds",
                  "/network/ties", "/network/measures", "/types"):
        assert f'GROUP "{group.rsplit("/", 1)[1]}"' in p.stdout, group
    assert 'DATASET "firms_alive"' in p.stdout
    assert '"firm_birth"' in p.stdout, "enum member names should appear in the header dump"
    p = subprocess.run([h5dump, "-a", "/format_version", str(full.path)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and full.attrs["format_version"] in p.stdout
