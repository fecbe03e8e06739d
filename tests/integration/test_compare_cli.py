"""`incubsim compare`, end to end: the real binary pairs two scenarios over
replicates, writes an incubsim-compare file and prints the effects table.
Exit statuses (sim/core/errors.hpp): 0 ok, 2 invalid input, 3 file error,
5 interrupted."""
from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from incubsim_testlib import read_group, stray_outputs, write_text

EXIT_OK, EXIT_INVALID, EXIT_IO, EXIT_INTERRUPTED = 0, 2, 3, 5

# Small, with liability mattering, so that insuring it changes transfers.
BASE = """base = "baseline"

[simulation]
quarters = 6
burn_in = 2

[firms]
initial_count = 200
founders_per_quarter = 5.0

[researchers]
count = 1500
institutions = 4
risk_aversion_mean = 2.0

[transfer]
liability_share = 0.8
"""

POLICY = """base = "base.toml"

[policy.tech_transfer_insurance]
enabled = true
pilot_count = 0
coverage = 0.9
budget_per_year = 1000.0
"""


@pytest.fixture
def arms(tmp_path) -> tuple[Path, Path]:
    scenarios = tmp_path / "scenarios"
    return (write_text(scenarios / "base.toml", BASE),
            write_text(scenarios / "policy.toml", POLICY))


@pytest.fixture(scope="module")
def compared(incubsim, tmp_path_factory):
    """One comparison of 5 replicates, shared by the tests that only read it."""
    d = tmp_path_factory.mktemp("compared")
    base = write_text(d / "base.toml", BASE)
    policy = write_text(d / "policy.toml", POLICY)
    out = d / "cmp.h5"
    r = incubsim("compare", base, policy, "--replicates", "5", "--threads", "2", "-o", out,
                 cwd=d)
    return out, r


def _table_row(stdout: str, label: str) -> str:
    for line in stdout.splitlines():
        if line.startswith(label + " ("):
            return line
    raise AssertionError(f"no row {label!r} in the table:\n{stdout}")


def test_help_lists_compare_and_its_options(incubsim):
    assert re.search(r"^\s+compare\s", incubsim("--help").stdout, re.M)
    r = incubsim("compare", "--help")
    for option in ("--replicates", "--threads", "--output", "--quarters", "--set", "--quiet",
                   "--bootstrap", "--independent-seeds", "BASE.toml", "POLICY.toml"):
        assert option in r.stdout, f"`compare --help` does not mention {option}"


def test_writes_a_compare_file(compared):
    out, _ = compared
    assert sorted(p.name for p in stray_outputs(out.parent)) == ["cmp.h5"]
    with h5py.File(out, "r") as f:
        assert f.attrs["format"] == "incubsim-compare"
        assert f.attrs["format_version"] == "1.0"
        assert f.attrs["replicates"] == 5
        assert f.attrs["common_random_numbers"] == 1
        for attr in ("incubsim_version", "git_sha", "threads", "start_time", "end_time",
                     "command_line", "hostname", "base_scenario", "policy_scenario",
                     "base_scenario_name", "policy_scenario_name"):
            assert attr in f.attrs, f"no root attribute {attr}"
        assert "coverage = 0.9" in f.attrs["policy_scenario"]
        assert "policy.tech_transfer_insurance.enabled" in f.attrs["differing_keys"].split("\n")
        assert sorted(f) == ["effects", "paired_series", "runs", "timeseries", "types"]

        outcomes = list(f["effects/outcome"].asstr()[:])
        assert len(outcomes) == len(set(outcomes)) >= 20
        for column in f["effects"]:
            assert f["effects"][column].shape == (len(outcomes),), column
        # One /runs column per outcome, one row per arm x replicate.
        runs = read_group(out, "runs")
        assert set(outcomes) <= set(runs)
        assert len(runs["arm"]) == 10
        arm_codes = h5py.check_enum_dtype(f["runs/arm"].dtype)
        assert arm_codes == {"base": 0, "policy": 1}
        base, policy = runs["arm"] == 0, runs["arm"] == 1
        # Common random numbers: a replicate's two runs share their seed.
        np.testing.assert_array_equal(runs["seed"][base], runs["seed"][policy])
        assert len(set(runs["seed"][base])) == 5
        assert all(0 <= s < 2**53 for s in runs["seed"])

        # The effect is the mean paired difference of /runs.
        effects = {c: f["effects"][c][:] for c in f["effects"] if f["effects"][c].dtype != object}
        i = outcomes.index("transfers")
        diff = runs["transfers"][policy] - runs["transfers"][base]
        assert effects["effect"][i] == pytest.approx(diff.mean())
        assert effects["mean_base"][i] == pytest.approx(runs["transfers"][base].mean())
        assert effects["ci_low"][i] > 0, "insurance should raise transfers significantly"
        assert effects["ci_low"][i] < effects["effect"][i] < effects["ci_high"][i]
        assert effects["unpaired_ci_low"][i] < effects["unpaired_ci_high"][i]
        assert effects["cost_per_unit"][i] > 0
        assert effects["cost_ci_low"][i] <= effects["cost_per_unit"][i] <= effects["cost_ci_high"][i]
        status = h5py.check_enum_dtype(f["effects/cost_status"].dtype)
        assert effects["cost_status"][i] == status["ok"]
        assert effects["cost_status"][outcomes.index("births")] == status["not_costed"]
        assert math.isnan(effects["cost_per_unit"][outcomes.index("births")])

        # Mean series of every /timeseries metric, per arm, on the recorded quarters.
        for arm in ("base", "policy"):
            ts = f["timeseries"][arm]
            np.testing.assert_array_equal(ts["quarter"][:], np.arange(2, 8))
            assert len(ts) > 80
            assert ts["firms_alive"].attrs["statistic"] == "mean over replicates"
        alive = f["timeseries/base/firms_alive"][-1]
        assert alive == pytest.approx(runs["firms_alive_end"][base].mean())
        band = f["paired_series/firms_alive"]
        assert set(band) >= {"quarter", "base_p025", "base_p975", "policy_p025", "policy_p975",
                             "effect", "effect_ci_low", "effect_ci_high"}


def test_run_of_a_replicate_is_reproducible_with_incubsim_run(incubsim, compared):
    out, _ = compared
    runs = read_group(out, "runs")
    seed = int(runs["seed"][0])
    single = out.parent / "replicate0.h5"
    incubsim("run", "-q", "--seed", str(seed), "-o", single, out.parent / "base.toml")
    ts = read_group(single, "timeseries")
    assert ts["firms_alive"][-1] == runs["firms_alive_end"][0]
    assert ts["births"].sum() == runs["births"][0]
    single.unlink()


def test_terminal_table_shows_effects_intervals_and_costs(compared):
    _, r = compared
    out = r.stdout
    assert "5 replicates" in out and "common random numbers" in out
    assert "arms differ in: " in out and "policy.tech_transfer_insurance.coverage" in out
    assert re.search(r"^outcome\s+base mean\s+policy mean\s+effect \[95 % CI, paired\]", out, re.M)
    number = r"[-+]?\d+(?:\.\d+)?"
    row = _table_row(out, "transfers (licence + spin-off)")
    m = re.search(rf"({number})\s+({number})\s+({number}) \[({number}), ({number})\]$", row)
    assert m, row
    effect, low, high = (float(m.group(k)) for k in (3, 4, 5))
    assert 0 < low < effect < high
    assert "M yuan" in out
    cost = next(line for line in out.splitlines()
                if line.strip().startswith("transfers (licence + spin-off)") and "per" in line)
    assert re.search(rf"{number} M yuan per extra transfer \[{number}, {number}\]", cost), cost
    assert "\r" not in r.stderr and r.stderr == ""
    assert re.search(r"wrote \S*cmp\.h5", out)


def test_info_summarises_a_compare_file_and_verify_refuses_it(incubsim, compared):
    out, _ = compared
    r = incubsim("info", out)
    assert "incubsim-compare" in r.stdout
    assert "5 per arm" in r.stdout
    assert re.search(r"^transfers \(licence \+ spin-off\) \(transfers\)\s", r.stdout, re.M)
    v = incubsim("verify", out, expect=EXIT_INVALID)
    assert "incubsim compare" in v.stderr and "Traceback" not in v.stderr


def test_identical_arms_give_zero_effects(incubsim, arms, tmp_path):
    base, _ = arms
    out = tmp_path / "same.h5"
    incubsim("compare", base, base, "-n", "3", "--quarters", "3", "-q", "-o", out)
    with h5py.File(out, "r") as f:
        effect = f["effects/effect"][:]
        low, high = f["effects/ci_low"][:], f["effects/ci_high"][:]
        n = f["effects/n_pairs"][:]
        assert f.attrs["differing_keys"] == ""
    defined = n > 0
    assert defined.sum() >= len(n) - 2
    assert (effect[defined] == 0).all() and (low[defined] == 0).all() and (high[defined] == 0).all()


def test_quarters_and_set_apply_to_both_arms(incubsim, arms, tmp_path):
    base, policy = arms
    out = tmp_path / "short.h5"
    incubsim("compare", base, policy, "-n", "2", "--quarters", "3", "--set",
             "firms.founders_per_quarter=2", "-q", "-o", out)
    with h5py.File(out, "r") as f:
        assert f.attrs["quarters"] == 3
        assert "founders_per_quarter = 2.0" in f.attrs["base_scenario"]
        assert "founders_per_quarter = 2.0" in f.attrs["policy_scenario"]
        assert f["timeseries/policy/quarter"].shape == (3,)


def test_default_output_name(incubsim, arms, tmp_path):
    base, policy = arms
    r = incubsim("compare", base, policy, "-n", "2", "--quarters", "2", cwd=tmp_path)
    assert (tmp_path / "base-vs-policy.h5").is_file()
    assert "wrote base-vs-policy.h5" in r.stdout


def test_progress_bar_counts_runs_on_a_terminal_only(incubsim, arms, tmp_path):
    base, policy = arms
    master, slave = os.openpty()
    try:
        p = subprocess.Popen([str(incubsim.path), "compare", str(base), str(policy), "-n", "2",
                              "--quarters", "2", "-o", "bar.h5"], cwd=tmp_path,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    finally:
        os.close(slave)
    chunks = []
    try:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    assert p.wait(timeout=120) == EXIT_OK
    tty = b"".join(chunks)
    assert b"\r" in tty and b" 4/4 runs" in tty, tty


# --- bad inputs: a clear error, a non-zero status and no file --------------------

def test_missing_scenario_file(incubsim, arms, tmp_path):
    base, _ = arms
    r = incubsim("compare", base, tmp_path / "nope.toml", "-n", "2", "-o", tmp_path / "x.h5",
                 expect=None)
    assert r.returncode in (EXIT_INVALID, EXIT_IO)
    assert "nope.toml" in r.stderr
    assert stray_outputs(tmp_path) == []


@pytest.mark.parametrize("n", ["0", "1"])
def test_too_few_replicates(incubsim, arms, tmp_path, n):
    base, policy = arms
    r = incubsim("compare", base, policy, "--replicates", n, "-o", tmp_path / "x.h5",
                 expect=EXIT_INVALID)
    assert "--replicates" in r.stderr
    assert stray_outputs(tmp_path) == []


def test_replicates_are_required(incubsim, arms, tmp_path):
    base, policy = arms
    r = incubsim("compare", base, policy, "-o", tmp_path / "x.h5", expect=EXIT_INVALID)
    assert "--replicates" in r.stderr
    assert stray_outputs(tmp_path) == []


def test_mismatched_horizons(incubsim, arms, tmp_path):
    base, _ = arms
    longer = write_text(tmp_path / "scenarios" / "longer.toml",
                        'base = "base.toml"\n\n[simulation]\nquarters = 9\n')
    r = incubsim("compare", base, longer, "-n", "2", "-o", tmp_path / "x.h5",
                 expect=EXIT_INVALID)
    assert "simulation.quarters" in r.stderr and "6" in r.stderr and "9" in r.stderr
    assert stray_outputs(tmp_path) == []


def test_mismatched_sectors(incubsim, arms, tmp_path):
    base, _ = arms
    other = write_text(tmp_path / "scenarios" / "sectors.toml",
                       'base = "base.toml"\n\n[market]\nsectors = ["a", "b"]\n'
                       'sector_weights = [0.5, 0.5]\nsector_growth = [0.01, 0.01]\n')
    r = incubsim("compare", base, other, "-n", "2", "-o", tmp_path / "x.h5", expect=None)
    assert r.returncode == EXIT_INVALID, r.describe()
    assert "market.sectors" in r.stderr
    assert stray_outputs(tmp_path) == []


def test_invalid_scenario_key(incubsim, arms, tmp_path):
    base, policy = arms
    r = incubsim("compare", base, policy, "-n", "2", "--set", "firms.no_such_key=1",
                 "-o", tmp_path / "x.h5", expect=EXIT_INVALID)
    assert "no_such_key" in r.stderr
    assert stray_outputs(tmp_path) == []


def test_unwritable_output(incubsim, arms, tmp_path):
    base, policy = arms
    r = incubsim("compare", base, policy, "-n", "2", "-o", tmp_path / "no" / "dir" / "x.h5",
                 expect=EXIT_IO)
    assert "x.h5" in r.stderr
    assert stray_outputs(tmp_path) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_compare_leaves_no_file(incubsim, arms, tmp_path, sig):
    base, policy = arms
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    p = subprocess.Popen([str(incubsim.path), "compare", str(base), str(policy), "-n", "2",
                          "--threads", "1", "--quarters", "2000", "--set",
                          "firms.initial_count=20000", "-q", "-o", "long.h5"],
                         cwd=out_dir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        temp = out_dir / f"long.h5.tmp-{p.pid}"
        deadline = time.monotonic() + 30
        while not temp.exists():
            if p.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"no {temp.name} appeared (status {p.poll()})")
            time.sleep(0.02)
        time.sleep(0.3)
        assert p.poll() is None, "the comparison finished too soon to be interrupted"
        p.send_signal(sig)
        _, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate(timeout=30)
    assert p.returncode == EXIT_INTERRUPTED, err
    assert "stopped by a signal" in err and "long.h5 was not written" in err
    assert list(out_dir.iterdir()) == []


def test_doc_lists_every_outcome_and_paired_series(compared, source_dir):
    """docs/policies.md (outcomes) and docs/output-format.md (paired series)
    document exactly what the binary writes."""
    out, _ = compared
    doc = (source_dir / "docs" / "policies.md").read_text(encoding="utf-8")
    layout = (source_dir / "docs" / "output-format.md").read_text(encoding="utf-8")
    table = doc[doc.index("| outcome | unit |"):]
    table = table[:table.index("\n\n")]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \|", table, re.M)
    with h5py.File(out, "r") as f:
        outcomes = list(f["effects/outcome"].asstr()[:])
        units = list(f["effects/unit"].asstr()[:])
        paired = list(f["paired_series"])
    assert rows == list(zip(outcomes, units)), (
        "the outcomes table of policies.md differs from /effects/outcome and /effects/unit")
    for metric in paired:
        assert f"{metric}" in layout, f"output-format.md does not name the paired series {metric}"
