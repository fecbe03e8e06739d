"""Every scenario shipped in scenarios/ loads and validates."""
from pathlib import Path

import pytest

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").rglob("*.toml"))


def test_there_are_scenarios():
    assert any(p.name == "baseline.toml" for p in SCENARIOS)
    assert any(p.parent.name == "ouhai" for p in SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_scenario_validates(incubsim, scenario):
    r = incubsim("check", scenario)
    assert "[simulation]" in r.stdout


def test_ouhai_policy_scenarios_switch_on_one_instrument_from_2024(incubsim):
    import tomllib
    folder = Path(__file__).resolve().parents[2] / "scenarios" / "ouhai"
    for name in ["insurance_pilot", "incubator_support", "guidance_fund", "index_loans",
                 "science_vp", "project_grants", "talent_programme", "rd_incentives"]:
        resolved = tomllib.loads(incubsim("check", folder / f"{name}.toml").stdout)
        on = [k for k, v in resolved["policy"].items() if v["enabled"]]
        assert len(on) == 1, (name, on)
        assert resolved["policy"][on[0]]["start_quarter"] == 32, name
