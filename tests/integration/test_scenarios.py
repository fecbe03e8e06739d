"""Every scenario shipped in scenarios/ loads and validates, and every sweep
file in scenarios/sweeps/ (and bench/) plans."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SWEEPS = sorted((ROOT / "scenarios" / "sweeps").glob("*.toml")) + sorted(
    (ROOT / "bench").glob("sweep*.toml"))
SCENARIOS = sorted(p for p in (ROOT / "scenarios").rglob("*.toml") if p not in SWEEPS)


def test_there_are_scenarios():
    assert any(p.name == "baseline.toml" for p in SCENARIOS)
    assert any(p.parent.name == "ouhai" for p in SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_scenario_validates(incubsim, scenario):
    r = incubsim("check", scenario)
    assert "[simulation]" in r.stdout


@pytest.mark.parametrize("sweep", SWEEPS, ids=[p.name for p in SWEEPS])
def test_sweep_file_plans(incubsim, sweep, tmp_path):
    r = incubsim("sweep", "plan", sweep, "-o", tmp_path / "plan")
    assert r.stdout.startswith("planned ") and (tmp_path / "plan" / "manifest.h5").is_file()


def test_ouhai_policy_scenarios_switch_on_one_instrument_from_2024(incubsim):
    import tomllib
    folder = Path(__file__).resolve().parents[2] / "scenarios" / "ouhai"
    for name in ["insurance_pilot", "incubator_support", "guidance_fund", "index_loans",
                 "science_vp", "project_grants", "talent_programme", "rd_incentives"]:
        resolved = tomllib.loads(incubsim("check", folder / f"{name}.toml").stdout)
        on = [k for k, v in resolved["policy"].items() if v["enabled"]]
        assert len(on) == 1, (name, on)
        assert resolved["policy"][on[0]]["start_quarter"] == 32, name
