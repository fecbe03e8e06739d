"""Absurd inputs (10^12 firms, negative budgets, NaN, infinities, runs that
cannot fit in memory or would never end) are refused up front by the real
binary: exit status 2, one message naming the key and the allowed range or
the estimate, within seconds, and no output file."""
from __future__ import annotations

import os
import resource
import subprocess
import time
from pathlib import Path

import pytest

from incubsim_testlib import stray_outputs, write_text

EXIT_INVALID = 2
# Refusals read the scenario and nothing else: a few seconds at most even on
# a loaded machine, where a run of these sizes would take hours or be killed.
QUICK_S = 20

GIB = 1024 ** 3

# (id, scenario text, key the message names, fragments it must contain)
FILE_CASES = [
    ("trillion_firms", "[firms]\ninitial_count = 1000000000000\n", "firms.initial_count",
     ["value 1000000000000 is out of range", "allowed: integer in [0, 100000000]"]),
    ("trillion_firms_as_float", "[firms]\ninitial_count = 1e12\n", "firms.initial_count",
     ["expected an integer", "allowed: integer in [0, 100000000]"]),
    ("negative_budget", "[policy.guidance_fund]\nbudget_per_year = -500.0\n",
     "policy.guidance_fund.budget_per_year",
     ["value -500.0 is out of range", "allowed: number in [0, 10000000]"]),
    ("negative_fund_size", "[funds.vc]\nsize_mean = -1.0\n", "funds.vc.size_mean",
     ["out of range", "allowed: number in [0, 1000000]"]),
    ("nan_cost", "[firms]\nfixed_cost = nan\n", "firms.fixed_cost",
     ["value nan is not a finite number", "allowed: number in [0, 10000]"]),
    ("inf_wage", "[market]\nwage = inf\n", "market.wage",
     ["value inf is not a finite number", "allowed: number in [0, 10]"]),
    ("minus_inf_intercept", "[transfer]\nsuccess_intercept = -inf\n", "transfer.success_intercept",
     ["value -inf is not a finite number", "allowed: number in [-20, 20]"]),
    ("nan_in_list", "[market]\nsector_weights = [0.3, nan, 0.25, 0.15, 0.1]\n",
     "market.sector_weights", ["item 2: value nan is not a finite number", "each in [0, 1000000]"]),
    ("endless_quarters", "[simulation]\nquarters = 1000000\n", "simulation.quarters",
     ["out of range", "allowed: integer in [1, 2000]"]),
    # Each key in range, the product not: 4 billion firms over the run.
    ("more_agents_than_ids",
     "[simulation]\nquarters = 2000\nburn_in = 2000\n[firms]\nfounders_per_quarter = 1000000.0\n",
     "firms.founders_per_quarter",
     ["agents", "32-bit graph ids", "lower firms.founders_per_quarter (1000000.0), "
      "simulation.quarters (2000) or simulation.burn_in (2000)"]),
]

# The same values given with --set instead of a file.
SET_CASES = [
    ("trillion_firms", ["firms.initial_count=1000000000000"], "firms.initial_count",
     ["out of range", "allowed: integer in [0, 100000000]"]),
    ("negative_budget", ["policy.rd_incentives.budget_per_year=-1"],
     "policy.rd_incentives.budget_per_year", ["out of range", "allowed: number in [0, 10000000]"]),
    ("nan", ["firms.fixed_cost=nan"], "firms.fixed_cost",
     ["not a finite number", "allowed: number in [0, 10000]"]),
    ("inf", ["market.wage=inf"], "market.wage", ["not a finite number", "allowed: number in [0, 10]"]),
    ("minus_inf", ["inventions.quality_mean=-inf"], "inventions.quality_mean",
     ["not a finite number", "allowed: number in [-10, 10]"]),
    ("nan_integer", ["researchers.count=nan"], "researchers.count",
     ["expected an integer", "allowed: integer in [0, 10000000]"]),
    ("more_agents_than_ids", ["firms.founders_per_quarter=1000000", "simulation.quarters=2000",
                              "simulation.burn_in=2000"],
     "firms.founders_per_quarter", ["agents", "32-bit graph ids"]),
]


def _refused(incubsim, tmp_path: Path, args: list, key: str, fragments: list[str],
             env: dict[str, str] | None = None) -> str:
    start = time.monotonic()
    r = incubsim(*args, cwd=tmp_path, env=env, expect=None, timeout=QUICK_S * 3)
    elapsed = time.monotonic() - start
    assert r.returncode == EXIT_INVALID, r.describe()
    assert elapsed < QUICK_S, f"took {elapsed:.1f} s to refuse\n{r.describe()}"
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("incubsim: error: "), r.describe()
    assert f"{key}: " in lines[0], r.describe()
    for f in fragments:
        assert f in lines[0], f"missing {f!r}\n{r.describe()}"
    assert r.stdout == "", r.describe()
    assert stray_outputs(tmp_path) == [], "a refused scenario left files behind"
    return lines[0]


@pytest.mark.parametrize("command", ["run", "check"])
@pytest.mark.parametrize("case", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_absurd_file_is_refused(incubsim, tmp_path, command, case):
    _, text, key, fragments = case
    scenario = write_text(tmp_path / "absurd.toml", 'base = "baseline"\n\n' + text)
    args = [command, scenario] + (["-q", "-o", tmp_path / "out.h5"] if command == "run" else [])
    line = _refused(incubsim, tmp_path, args, key, fragments)
    assert str(scenario) in line, "the message does not name the file"


@pytest.mark.parametrize("command", ["run", "check"])
@pytest.mark.parametrize("case", SET_CASES, ids=[c[0] for c in SET_CASES])
def test_absurd_set_is_refused(incubsim, tmp_path, command, case):
    _, sets, key, fragments = case
    args = [command] + [a for s in sets for a in ("--set", s)]
    if command == "run":
        args += ["-q", "-o", tmp_path / "out.h5"]
    line = _refused(incubsim, tmp_path, args, key, fragments)
    assert line.startswith("incubsim: error: --set: "), line


# --- the resource check ------------------------------------------------------------

BIG = ["--set", "firms.initial_count=100000000", "--set", "firms.founders_per_quarter=1000000"]


@pytest.mark.parametrize("command", ["run", "check"])
def test_scenario_too_big_for_memory_names_estimate_limit_and_keys(incubsim, tmp_path, command):
    args = [command, *BIG] + (["-q", "-o", tmp_path / "out.h5"] if command == "run" else [])
    line = _refused(incubsim, tmp_path, args, "firms.initial_count",
                    ["the run would need about", "GiB of memory at its peak",
                     "more than the 1.0 GiB of INCUBSIM_MEMORY_LIMIT=1G",
                     "lower firms.initial_count (100000000)",
                     "set INCUBSIM_MEMORY_LIMIT, e.g. INCUBSIM_MEMORY_LIMIT="],
                    env={"INCUBSIM_MEMORY_LIMIT": "1G"})
    assert "or firms.founders_per_quarter (1000000.0)" in line


def test_machine_memory_is_the_default_limit(incubsim, tmp_path):
    # 2 billion firms over the run: about 750 GiB.
    physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    if physical > 800 * GIB:
        pytest.skip("this machine could hold the scenario")
    env = {k: v for k, v in os.environ.items() if k != "INCUBSIM_MEMORY_LIMIT"}
    start = time.monotonic()
    p = subprocess.run([str(incubsim.path), "run", "-q", "-o", tmp_path / "out.h5",
                        "--set", "firms.founders_per_quarter=1000000", "--quarters", "2000"],
                       cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=QUICK_S * 3)
    assert time.monotonic() - start < QUICK_S
    assert p.returncode == EXIT_INVALID, p.stderr
    assert "--set: firms.founders_per_quarter: the run would need about" in p.stderr
    assert ("of this machine's physical memory" in p.stderr
            or "this process's memory limit" in p.stderr), p.stderr
    assert stray_outputs(tmp_path) == []


def test_refusal_allocates_nothing(incubsim, tmp_path):
    """Under a 1 GiB address-space limit a refused 40 GB scenario still gets
    its message (an attempt to allocate would die with bad_alloc instead)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))

    p = subprocess.run([str(incubsim.path), "run", "-q", "--threads", "1", "-o", "out.h5", *BIG],
                       cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=QUICK_S * 3, preexec_fn=limit,
                       env=dict(os.environ, INCUBSIM_MEMORY_LIMIT="1G"))
    assert p.returncode == EXIT_INVALID, p.stderr
    assert "of memory at its peak" in p.stderr
    assert stray_outputs(tmp_path) == []


def test_endless_run_is_refused_whatever_the_memory(incubsim, tmp_path):
    _refused(incubsim, tmp_path,
             ["run", "-q", "-o", tmp_path / "out.h5", "--set", "firms.initial_count=100000000",
              "--set", "researchers.count=10000000", "--set", "simulation.burn_in=2000",
              "--quarters", "2000"],
             "researchers.count",
             ["agent-quarters of work", "more than the limit of 1e+12 (about two weeks on one core)",
              "simulation.quarters (2000)"],
             env={"INCUBSIM_MEMORY_LIMIT": "unlimited"})


def test_memory_limit_override_lets_check_pass(incubsim, tmp_path):
    r = incubsim("check", *BIG, cwd=tmp_path, env={"INCUBSIM_MEMORY_LIMIT": "unlimited"})
    assert "initial_count = 100000000" in r.stdout


def test_bad_memory_limit_is_refused(incubsim, tmp_path):
    r = incubsim("check", cwd=tmp_path, env={"INCUBSIM_MEMORY_LIMIT": "lots"}, expect=None)
    assert r.returncode == EXIT_INVALID, r.describe()
    assert "INCUBSIM_MEMORY_LIMIT='lots' is not a memory size" in r.stderr, r.describe()


# --- sweeps -------------------------------------------------------------------------

def _plan_refused(incubsim, tmp_path: Path, text: str, key: str, fragments: list[str],
                  env: dict[str, str] | None = None) -> None:
    sweep = write_text(tmp_path / "absurd_sweep.toml", text)
    out = tmp_path / "plan"
    start = time.monotonic()
    r = incubsim("sweep", "plan", sweep, "-o", out, cwd=tmp_path, env=env, expect=None,
                 timeout=QUICK_S * 3)
    assert time.monotonic() - start < QUICK_S, r.describe()
    assert r.returncode == EXIT_INVALID, r.describe()
    assert f"{key}: " in r.stderr, r.describe()
    for f in fragments:
        assert f in r.stderr, f"missing {f!r}\n{r.describe()}"
    assert not out.exists(), "a refused sweep left a plan directory"


def test_sweep_of_a_trillion_runs_is_refused_at_plan(incubsim, tmp_path):
    _plan_refused(incubsim, tmp_path,
                  'design = "lhs"\npoints = 1000000\nreplicates = 100000\n\n'
                  '[[parameter]]\nkey = "firms.fixed_cost"\nmin = 0.01\nmax = 0.1\n',
                  "replicates", ["the sweep would make 1e+11 runs (1000000 design points x "
                                 "100000 replicates); the limit is 1000000"])


def test_huge_grid_is_refused_at_plan(incubsim, tmp_path):
    params = "".join(f'[[parameter]]\nkey = "{k}"\nmin = 0.01\nmax = 0.1\nsteps = 10000\n'
                     for k in ("firms.fixed_cost", "market.wage", "firms.development_rate"))
    _plan_refused(incubsim, tmp_path, params, "parameter",
                  ["the sweep would make 1e+12 runs", "steps"])


def test_sweep_parameter_end_too_big_is_refused_at_plan(incubsim, tmp_path):
    _plan_refused(incubsim, tmp_path,
                  '[[parameter]]\nkey = "firms.initial_count"\nvalues = [1000, 100000000]\n',
                  "firms.initial_count",
                  ["at firms.initial_count=100000000 the runs cannot be done",
                   "of memory at its peak", "narrow the parameter's range"],
                  env={"INCUBSIM_MEMORY_LIMIT": "1G"})
