#!/usr/bin/env python3
"""Writes the seed corpus of the result_file fuzzer (corpus/result_file/).

Real run files are hundreds of KiB (hundreds of chunked datasets); these
are a few KiB with what the readers look at: the root attributes, numeric,
enum and string columns, a scalar, a 2-D dataset, a compressed chunked one.
Rerun with Debian's python3 (h5py) only to change the seeds.
"""
import pathlib

import h5py
import numpy as np

OUT = pathlib.Path(__file__).resolve().parent / "corpus" / "result_file"

RUN_ATTRS = {
    "format": "incubsim-run", "format_version": "1.3", "incubsim_version": "0.1.0",
    "git_sha": "0123abc", "scenario": "[simulation]\nquarters = 2\n", "scenario_name": "tiny",
    "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z",
    "command_line": "incubsim run", "hostname": "host",
}
COMPARE_ATTRS = dict(RUN_ATTRS, format="incubsim-compare", format_version="1.0",
                     base_scenario="", policy_scenario="", base_scenario_name="base",
                     policy_scenario_name="policy", differing_keys="grants.budget\nfirms.count")
STRING = h5py.string_dtype("utf-8")


def attrs(f, values, ints):
    for k, v in values.items():
        f.attrs.create(k, v, dtype=STRING)
    for k, v in ints.items():
        f.attrs[k] = np.int64(v)


def run_file(path, libver):
    with h5py.File(path, "w", libver=libver) as f:
        attrs(f, RUN_ATTRS, {"seed": 7, "threads": 1, "quarters": 3, "burn_in": 0})
        ts = f.create_group("timeseries")
        ts["quarter"] = np.arange(3, dtype=np.int32)
        ts["firms_alive"] = np.array([5, 6, 7], dtype=np.int64)
        ts["births"] = np.array([1.0, 0.5, 2.0])
        kind = h5py.enum_dtype({"birth": 0, "death": 1}, basetype="u1")
        ev = f.create_group("events")
        ev.create_dataset("kind", data=np.array([0, 1, 1], dtype=np.uint8), dtype=kind)
        ev.create_dataset("amount", data=np.array([0.25, 1.5, 3.0]), chunks=(2,),
                          maxshape=(None,), compression="gzip")
        firms = f.create_group("agents/firms")
        firms.create_dataset("name", data=["a", "bb", ""], dtype=STRING)
        f["meta/count"] = np.int64(3)
        f["meta/matrix"] = np.arange(6, dtype=np.float64).reshape(2, 3)


def compare_file(path):
    with h5py.File(path, "w", libver="latest") as f:
        attrs(f, COMPARE_ATTRS, {"seed": 7, "threads": 1, "replicates": 2, "quarters": 3,
                                 "burn_in": 0, "common_random_numbers": 1,
                                 "bootstrap_resamples": 100})
        e = f.create_group("effects")
        e.create_dataset("outcome", data=["firms_alive", "births"], dtype=STRING)
        e.create_dataset("unit", data=["firms", "firms"], dtype=STRING)
        for name in ["mean_base", "mean_policy", "effect", "ci_low", "ci_high", "cost_per_unit",
                     "cost_ci_low", "cost_ci_high"]:
            e[name] = np.array([1.0, 2.0])
        e["cost_status"] = np.array([0, 1], dtype=np.uint8)


OUT.mkdir(parents=True, exist_ok=True)
run_file(OUT / "run_latest.h5", "latest")
run_file(OUT / "run_earliest.h5", "earliest")
compare_file(OUT / "compare.h5")
(OUT / "not_hdf5.txt").write_bytes(b"[simulation]\nquarters = 2\n")
