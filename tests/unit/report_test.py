#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Test of the report generator (reports/mace_tune_report.py) and `mace_tune report`: builds two
small schema-v1 databases from SQL (two devices, failures, two runs), adds the schema-v2 device
state of a throttling run to one of them, makes every format, and checks the numbers in JSON,
Markdown, CSV and T4 against the data (summary, ratios in significant figures, the flagged run),
and that the HTML embeds every plot. Exits 77 (skipped) when the Python running it has no
matplotlib.

  report_test.py SOURCE_DIR [MACE_TUNE_CLI]
"""
from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import re
import sqlite3
import subprocess
import sys
import tempfile
from typing import Any, Dict, List

if importlib.util.find_spec("matplotlib") is None:
    print("SKIP: this python has no matplotlib (install python3-matplotlib)")
    sys.exit(77)

# Schema version 1 as store/store_schema.cc creates it: the report must keep reading v1 files.
SCHEMA_V1 = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE devices(id INTEGER PRIMARY KEY, fingerprint_id TEXT UNIQUE NOT NULL, platform_name TEXT,
  platform_version TEXT, device_name TEXT, device_vendor TEXT, driver_version TEXT, opencl_c_version TEXT,
  compute_units INTEGER, max_work_group_size INTEGER, local_mem_size INTEGER, global_mem_size INTEGER, profile TEXT);
CREATE TABLE runs(id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, tool_version TEXT,
  device_id INTEGER NOT NULL REFERENCES devices(id), workload TEXT, strategy TEXT, seed INTEGER,
  max_evals INTEGER, time_limit_s REAL, command TEXT, status TEXT NOT NULL);
CREATE TABLE instances(id INTEGER PRIMARY KEY, tuning_key TEXT UNIQUE NOT NULL, family TEXT, flops REAL, bytes REAL);
CREATE TABLE configs(id INTEGER PRIMARY KEY, family TEXT NOT NULL, params TEXT NOT NULL, UNIQUE(family, params));
CREATE TABLE measurements(id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL, instance_id INTEGER NOT NULL,
  config_id INTEGER NOT NULL, source_digest TEXT NOT NULL, run_id INTEGER, status TEXT NOT NULL, reason TEXT,
  median_ns REAL, min_ns REAL, max_ns REAL, mad_ns REAL, num_samples INTEGER, max_error REAL, build_ms REAL,
  eval_ms REAL, created_at TEXT NOT NULL, UNIQUE(device_id, instance_id, config_id, source_digest));
CREATE TABLE samples(measurement_id INTEGER NOT NULL, idx INTEGER NOT NULL, ns REAL,
  PRIMARY KEY(measurement_id, idx)) WITHOUT ROWID;
CREATE TABLE default_configs(device_id INTEGER NOT NULL, instance_id INTEGER NOT NULL, config_id INTEGER NOT NULL,
  PRIMARY KEY(device_id, instance_id));
PRAGMA user_version = 1;
PRAGMA application_id = 1297372494;
INSERT INTO meta VALUES ('application', 'mace_tune'), ('schema_version', '1'),
  ('created_at', '2025-03-01T10:00:00.000Z'), ('created_by', 'mace_tune 0.1.0');
"""

KEY_A = "gemm:K=24,M=3136,N=144:fp32"
KEY_B = "gemm:K=144,M=784,N=32:fp32"
FLOPS = {KEY_A: 2 * 24 * 3136 * 144, KEY_B: 2 * 144 * 784 * 32}
BYTES = {KEY_A: 4 * (3136 * 24 + 24 * 144 + 3136 * 144), KEY_B: 4 * (784 * 144 + 144 * 32 + 784 * 32)}
DEFAULT = "LOCAL=0,LX=16,LY=16,TM=4,TN=4,VW=4"
# Per device: key -> [(params, status, median_ns or None, run)], in measurement order.
DEVICES: Dict[str, Dict[str, Any]] = {
    "cpu": {"fp": "aaaaaaaaaaaa", "name": "pthread-skylake-avx512-Intel(R) Xeon(R) Processor",
            "platform": "Portable Computing Language", "driver": "3.1+debian", "runs": [("random", 1), ("exhaustive", 0)],
            "m": {KEY_A: [(DEFAULT, "ok", 1446000.0, 1), ("KT=8,LOCAL=0,LX=2,LY=256,TM=1,TN=8,VW=4", "ok", 954000.0, 1),
                          ("LOCAL=1,LX=32,LY=32,TM=8,TN=8,VW=4", "invalid", None, 1),
                          ("LOCAL=0,LX=4,LY=4,TM=1,TN=1,VW=1", "ok", 3000000.0, 2),
                          ("LOCAL=0,LX=8,LY=8,TM=2,TN=2,VW=2", "timeout", None, 2)],
                  KEY_B: [(DEFAULT, "ok", 339000.0, 1), ("LOCAL=0,LX=8,LY=8,TM=2,TN=2,VW=2", "ok", 500000.0, 1),
                          ("LOCAL=1,LX=8,LY=8,TM=2,TN=2,VW=2", "build_failed", None, 2)]}},
    "gpu": {"fp": "bbbbbbbbbbbb", "name": "NVIDIA H100 80GB HBM3", "platform": "NVIDIA CUDA", "driver": "550.54",
            "runs": [("random", 3)],
            "m": {KEY_A: [(DEFAULT, "ok", 20000.0, 1), ("LOCAL=1,LX=32,LY=32,TM=8,TN=8,VW=4", "ok", 8000.0, 1)],
                  KEY_B: [(DEFAULT, "ok", 10000.0, 1), ("LOCAL=0,LX=8,LY=8,TM=2,TN=2,VW=2", "wrong_result", None, 1),
                          ("LOCAL=0,LX=32,LY=8,TM=2,TN=2,VW=2", "ok", 5000.0, 1)]}},
}


def make_db(path: str, dev: Dict[str, Any]) -> None:
    con = sqlite3.connect(path)
    con.executescript(SCHEMA_V1)
    con.execute("INSERT INTO devices VALUES (1, ?, ?, 'OpenCL 3.0', ?, 'vendor', ?, 'OpenCL C 1.2', 2, 4096, 65536, 1e9, 'p')",
                (dev["fp"], dev["platform"], dev["name"], dev["driver"]))
    for i, (strategy, seed) in enumerate(dev["runs"], 1):
        con.execute("INSERT INTO runs VALUES (?, '2025-03-01T10:00:00.000Z', '2025-03-01T11:00:00.000Z', "
                    "'mace_tune 0.1.0', 1, 'test', ?, ?, 20, 0, 'mace_tune tune', 'done')", (i, strategy, seed))
    mid = 0
    for k, (key, ms) in enumerate(dev["m"].items(), 1):
        con.execute("INSERT INTO instances VALUES (?, ?, 'gemm', ?, ?)", (k, key, FLOPS[key], BYTES[key]))
        for params, status, ns, run in ms:
            con.execute("INSERT OR IGNORE INTO configs(family, params) VALUES ('gemm', ?)", (params,))
            cid = con.execute("SELECT id FROM configs WHERE params = ?", (params,)).fetchone()[0]
            mid += 1
            con.execute("INSERT INTO measurements VALUES (?, 1, ?, ?, 'digest', ?, ?, ?, ?, ?, ?, ?, ?, 0, 5, 9, "
                        "'2025-03-01T10:30:00.000Z')",
                        (mid, k, cid, run, status, "" if status == "ok" else f"{status} because", ns, ns, ns,
                         0 if ns else None, 3 if ns else 0))
            if ns:
                con.executemany("INSERT INTO samples VALUES (?, ?, ?)", [(mid, j, ns) for j in range(3)])
            if params == DEFAULT:
                con.execute("INSERT INTO default_configs VALUES (1, ?, ?)", (k, cid))
    con.commit()
    con.close()


# Schema v2's run records (store/store_schema.cc), with a run that throttled: the clock fell from
# 900 to 585 MHz, the GPU reached 88 C, a cool-down gave up, and the configs re-measured at the end
# ran 1.3x slower than when first measured.
SCHEMA_V2_STATES = """
CREATE TABLE final_measurements(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, instance_id INTEGER NOT NULL,
  config_id INTEGER NOT NULL, source_digest TEXT NOT NULL, slot INTEGER NOT NULL, first_median_ns REAL,
  median_ns REAL, num_samples INTEGER NOT NULL, winner INTEGER NOT NULL, created_at TEXT NOT NULL,
  UNIQUE(run_id, instance_id, config_id));
CREATE TABLE device_states(run_id INTEGER NOT NULL, phase TEXT NOT NULL, idx INTEGER NOT NULL, source TEXT NOT NULL,
  clock_mhz REAL, temperature_c REAL, raw TEXT, read_at TEXT NOT NULL, PRIMARY KEY(run_id, phase, idx)) WITHOUT ROWID;
CREATE TABLE cool_downs(run_id INTEGER NOT NULL, instance_id INTEGER NOT NULL, slept_s REAL NOT NULL,
  waited_s REAL NOT NULL, threshold_c REAL, temperature_before_c REAL, temperature_after_c REAL, reached INTEGER,
  source TEXT, created_at TEXT NOT NULL, PRIMARY KEY(run_id, instance_id)) WITHOUT ROWID;
PRAGMA user_version = 2;
INSERT INTO device_states VALUES
  (1, 'start', 0, '/sys/class/kgsl/kgsl-3d0/gpuclk', 900, NULL, '900000000', '2025-03-01T10:00:00.100Z'),
  (1, 'start', 1, '/sys/class/kgsl/kgsl-3d0/temp', NULL, 41, '41000', '2025-03-01T10:00:00.100Z'),
  (1, 'end', 0, '/sys/class/kgsl/kgsl-3d0/gpuclk', 585, NULL, '585000000', '2025-03-01T11:00:00.000Z'),
  (1, 'end', 1, '/sys/class/kgsl/kgsl-3d0/temp', NULL, 88, '88000', '2025-03-01T11:00:00.000Z'),
  (2, 'start', 0, '/sys/class/kgsl/kgsl-3d0/gpuclk', 900, NULL, '900000000', '2025-03-01T10:00:00.100Z'),
  (2, 'end', 0, '/sys/class/kgsl/kgsl-3d0/gpuclk', 900, NULL, '900000000', '2025-03-01T11:00:00.000Z');
INSERT INTO cool_downs VALUES (1, 2, 10, 120, 60, 79, 71, 0, '/sys/class/kgsl/kgsl-3d0/temp', '2025-03-01T10:30:00.000Z');
INSERT INTO final_measurements VALUES
  (1, 1, 1, 2, 'digest', 0, 954000, 1240200, 5, 1, '2025-03-01T10:59:00.000Z'),
  (2, 1, 2, 1, 'digest', 1, 339000, 440700, 5, 0, '2025-03-01T10:59:00.000Z');
"""


def run(args: List[str], **kw: Any) -> subprocess.CompletedProcess:
    p = subprocess.run(args, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)} -> {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def close(a: float, b: float, rel: float = 2e-3) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b))


def main() -> int:
    src = sys.argv[1]
    cli = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("MACE_TUNE_CLI", "")
    script = os.path.join(src, "reports", "mace_tune_report.py")
    tmp = tempfile.mkdtemp(prefix="mace_report_test_")
    dbs = {}
    for name, dev in DEVICES.items():
        dbs[name] = os.path.join(tmp, name + ".db")
        make_db(dbs[name], dev)
    with sqlite3.connect(dbs["cpu"]) as con:
        con.executescript(SCHEMA_V2_STATES)
    workload = os.path.join(tmp, "w.workload")
    with open(workload, "w") as fh:
        fh.write(f"{KEY_A}  # layer 1\n{KEY_B}  # layer 2\n{KEY_B}  # layer 3\n")
    bench = os.path.join(tmp, "bench.json")
    with open(bench, "w") as fh:
        json.dump({"context": {"host_name": "h"}, "benchmarks": [
            {"name": "network/tuned", "run_type": "iteration", "iterations": 10, "real_time": 800.0,
             "cpu_time": 1.0, "time_unit": "us"},
            {"name": "network/default", "run_type": "iteration", "iterations": 10, "real_time": 1000.0,
             "cpu_time": 1.0, "time_unit": "us"}]}, fh)
    common = [dbs["cpu"], dbs["gpu"], "--workload", workload, "--limits", "H100=50000,3000", "--bench", bench]
    py = sys.executable
    out = {f: os.path.join(tmp, f) for f in ("html", "json", "csv", "t4")}
    for fmt in out:
        run([py, script, *common, "--out", out[fmt], "--format", fmt])
    failures: List[str] = []

    def check(cond: bool, what: str) -> None:
        if not cond:
            failures.append(what)

    # JSON: every number against the data above.
    rep = json.load(open(os.path.join(out["json"], "report.json")))
    check(rep["format"] == "mace_tune_report" and rep["format_version"] == 1, "format name/version")
    per = {d["fingerprint"]: d for d in rep["per_device"]}
    check(set(per) == {"aaaaaaaaaaaa", "bbbbbbbbbbbb"}, "two devices")
    layers = {KEY_A: 1, KEY_B: 2}
    for dev in DEVICES.values():
        rows = {r["tuning_key"]: r for r in per[dev["fp"]]["rows"]}
        tot_t = tot_d = 0.0
        for key, ms in dev["m"].items():
            r = rows[key]
            best_ns = min(ns for _, s, ns, _ in ms if s == "ok")
            best_params = next(p for p, s, ns, _ in ms if s == "ok" and ns == best_ns)
            default_ns = next(ns for p, _, ns, _ in ms if p == DEFAULT)
            check(close(r["tuned_us"], best_ns / 1e3), f"{dev['fp']} {key} tuned_us {r['tuned_us']}")
            check(close(r["default_us"], default_ns / 1e3), f"{dev['fp']} {key} default_us")
            check(close(r["speedup"], default_ns / best_ns), f"{dev['fp']} {key} speedup {r['speedup']}")
            check(close(r["gflops"], FLOPS[key] / best_ns), f"{dev['fp']} {key} gflops")
            check(close(r["gbps"], BYTES[key] / best_ns), f"{dev['fp']} {key} gbps")
            check(r["best_config"] == best_params, f"{dev['fp']} {key} best config")
            check(r["evaluated"] == len(ms) and r["ok"] == sum(s == "ok" for _, s, _, _ in ms), f"{key} counts")
            check(r["layers"] == layers[key], f"{key} layers from --workload")
            tot_t += best_ns / 1e3 * layers[key]
            tot_d += default_ns / 1e3 * layers[key]
        t = per[dev["fp"]]["totals"]
        check(close(t["tuned_us"], tot_t) and close(t["default_us"], tot_d), f"{dev['fp']} totals")
    gpu_a = {r["tuning_key"]: r for r in per["bbbbbbbbbbbb"]["rows"]}[KEY_A]
    check(close(gpu_a["peak_gflops_frac"], FLOPS[KEY_A] / 8000.0 / 50000), "fraction of peak from --limits")
    check({r["tuning_key"]: r for r in per["aaaaaaaaaaaa"]["rows"]}[KEY_A]["peak_gflops_frac"] is None,
          "no limit for the CPU")
    comp = rep["comparison"]
    check(len(comp["rows"]) == 2 and comp["disagree"] == 2, "comparison rows and disagreements")
    ratio_key = next(k for k in comp["rows"][0] if " / " in k)
    check(close(comp["rows"][0][ratio_key], 8000.0 / 954000.0), f"ratio {comp['rows'][0][ratio_key]}")
    check(close(comp["totals"][ratio_key], (8 + 2 * 5) / (954 + 2 * 339)), "ratio of workload totals")
    fails = {(f["device"][:4], f["status"]): f["count"] for f in rep["failures"]}
    check(sum(fails.values()) == 4 and fails.get(("PoCL", "timeout")) == 1, f"failures {fails}")
    conv = {(os.path.basename(c["db"]), c["run"]): c["geomean_best_over_final"] for c in rep["convergence"]}
    check(len(conv) == 3, "one convergence curve per run")
    c1 = conv[("cpu.db", 1)]
    check(close(c1[0], ((1446 / 954) * 1.0) ** 0.5) and close(c1[-1], 1.0), f"convergence run 1 {c1}")
    check(any(b["speedup_vs_default"] == 1.25 for b in rep["bench"]), "bench tuned/default pairing")

    # Markdown carries the same numbers, formatted.
    md = open(os.path.join(out["html"], "report.md"), encoding="utf-8").read()
    for s in ("| 954 |", "| 1,446 |", "1.52x", "KT=8,LOCAL=0,LX=2,LY=256,TM=1,TN=8,VW=4", "NVIDIA H100 80GB HBM3",
              "550.54", "seed", "network/tuned", "1.25x", "timeout because"):
        check(s in md, f"markdown has {s!r}")
    # HTML: self-contained, every figure embedded as a base64 PNG.
    html = open(os.path.join(out["html"], "report.html"), encoding="utf-8").read()
    imgs = re.findall(r"<img [^>]*src='data:image/png;base64,[A-Za-z0-9+/=]{100,}'", html)
    ids = re.findall(r"<figure id='([^']+)'>", html)
    expected = {"fig-summary", "fig-limits", "fig-state-0", "fig-state-1", "fig-speedup", "fig-roofline", "fig-ratio",
                "fig-convergence", "fig-spread-0", "fig-spread-1", "fig-failures"}
    check(set(ids) == expected and len(imgs) == len(expected), f"figures {ids} / {len(imgs)} images")
    check("http://" not in html and "https://" not in html, "no network reference in the HTML")
    check("Dashed lines: the limits of NVIDIA H100 80GB HBM3 given with --limits. No limit line for PoCL" in html,
          "the roofline caption says which limit lines are drawn")
    # Ratios in significant figures: H100 / PoCL is 0.00839, not 0.01x.
    check("| 0.00839x |" in md, "device-vs-device ratio with significant figures")
    # The summary comes first; the throttled run is flagged there and in its own section.
    check(md.index("## Summary") < md.index("## Device state") < md.index("## Header"), "summary up top")
    check("Flagged: PoCL skylake-avx512: run 1" in md, "the flagged run named in the summary")
    summ = {s["device"]: s for s in rep["summary"]}
    h100 = summ["NVIDIA H100 80GB HBM3"]
    check(close(h100["tuned_us"], 8 + 2 * 5) and close(h100["speedup"], (20 + 2 * 10) / (8 + 2 * 5)), "summary totals")
    fam = h100["families"][0]
    flops, nbytes, us = FLOPS[KEY_A] + 2 * FLOPS[KEY_B], BYTES[KEY_A] + 2 * BYTES[KEY_B], 8 + 2 * 5
    bound = "compute" if flops / nbytes >= 50000 / 3000 else "memory"
    frac = flops / (us * 1e3) / 50000 if bound == "compute" else nbytes / (us * 1e3) / 3000
    check(fam["family"] == "gemm" and fam["share"] == 1 and fam["bound"] == bound and close(fam["of_limit"], frac),
          f"family against the limit {fam}")
    check(summ["PoCL skylake-avx512"]["families"][0]["of_limit"] is None, "no limit, no fraction")
    states = {(s["db"], s["id"]): s for s in rep["device_state"]}
    st1, st2 = states[("cpu.db", 1)], states[("cpu.db", 2)]
    check(st1["start_clock_mhz"] == 900 and st1["end_clock_mhz"] == 585 and st1["max_temperature_c"] == 88,
          f"run 1 readings {st1}")
    check(st1["cool_downs"] == 1 and st1["gave_up"] == 1 and close(st1["cool_down_s"], 130), "run 1 cool-down")
    check(close(st1["final_drift"], 1.3), f"run 1 re-measured drift {st1['final_drift']}")
    for part in ("clock fell 35 %", "reached 88 C", "1 cool-down(s) gave up", "1.3x slower"):
        check(part in st1["flags"], f"run 1 flagged for {part!r}: {st1['flags']}")
    check(st2["flags"] == "", f"run 2 not flagged: {st2['flags']}")
    temps = st1["series"]["temperature"]["/sys/class/kgsl/kgsl-3d0/temp"]
    check([t for _, t in temps] == [41, 79, 71, 88], f"temperature over run 1 {temps}")
    check(("gpu.db", 1) not in states, "no device-state row for a run that recorded none")
    # CSV and T4.
    check(len(list(csv.DictReader(open(os.path.join(out["csv"], "device_state.csv"))))) == 2, "device_state.csv")
    check(len(list(csv.DictReader(open(os.path.join(out["csv"], "summary.csv"))))) == 2, "summary.csv")
    rows = list(csv.DictReader(open(os.path.join(out["csv"], "per_device.csv"))))
    check(len(rows) == 4 and {r["tuning_key"] for r in rows} == {KEY_A, KEY_B}, "per_device.csv rows")
    t4_files = [os.path.join(d, f) for d, _, fs in os.walk(out["t4"]) for f in fs if f != "metadata.json"]
    check(len(t4_files) == 4, f"one T4 file per device and key: {t4_files}")
    enum = {"timeout", "compile", "runtime", "correctness", "constraints", "correct"}
    for f in t4_files:
        doc = json.load(open(f))
        check(doc["schema_version"] == "1.0.0", "T4 schema version")
        for r in doc["results"]:
            check({"configuration", "times", "invalidity", "correctness"} <= set(r), "T4 required fields")
            check(r["invalidity"] in enum and isinstance(r["configuration"].get("LX"), int), "T4 values")
    t4_cpu_a = next(f for f in t4_files if "aaaaaaaaaaaa" in f and "K=24" in f)
    inv = [r["invalidity"] for r in json.load(open(t4_cpu_a))["results"]]
    check(inv == ["correct", "correct", "constraints", "correct", "timeout"], f"T4 invalidity {inv}")

    # Through the CLI, which finds a Python with matplotlib itself.
    if cli:
        env = dict(os.environ, MACE_TUNE_PYTHON=py)
        p = run([cli, "report", dbs["cpu"], dbs["gpu"], "--out", os.path.join(tmp, "cli"), "--format", "json"], env=env)
        check("wrote 1 file" in p.stdout, "CLI report output")
        cli_rep = json.load(open(os.path.join(tmp, "cli", "report.json")))
        check(cli_rep["tool"].startswith("mace_tune "), "CLI passes its tool version")
        bad = subprocess.run([cli, "report", os.path.join(tmp, "missing.db"), "--out", tmp], capture_output=True, text=True,
                             env=env)
        check(bad.returncode != 0 and "missing.db" in bad.stderr and bad.stderr.count("\n") == 1,
              f"one-line error for a missing database: {bad.stderr!r}")
    # The same device in two files (a copy, as after a merge) is one device; evaluations count once.
    copy = os.path.join(tmp, "cpu_copy.db")
    shutil.copy(dbs["cpu"], copy)
    run([py, script, dbs["cpu"], copy, "--out", os.path.join(tmp, "dup"), "--format", "json"])
    dup = json.load(open(os.path.join(tmp, "dup", "report.json")))
    check(len(dup["per_device"]) == 1 and len(dup["header"]["runs"]) == 2, "duplicate file merged")
    check([r["evaluated"] for r in dup["per_device"][0]["rows"]] == [5, 3], "duplicate evaluations counted once")
    bad = subprocess.run([py, script, dbs["cpu"], "--out", tmp, "--limits", "nonsense"], capture_output=True, text=True)
    check(bad.returncode == 1 and "--limits" in bad.stderr, "bad --limits is one clear error")

    for f in failures:
        print("FAIL:", f)
    if not failures:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'FAILED' if failures else 'passed'}: report test in {tmp}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
