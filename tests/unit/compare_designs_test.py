#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""scripts/compare_designs.py: the family figure of each design, each key weighted by its layer count.
A small database with known times (a key used by two layers, a failed faster measurement, a config
recorded before the parameter existed), then the committed H100 side-by-side database against the
figures docs/performance.md reports from it.

  compare_designs_test.py SOURCE_DIR
"""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

SRC = sys.argv[1]
SCRIPT = os.path.join(SRC, "scripts", "compare_designs.py")
failures = []


def check(ok: bool, what: str) -> None:
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(*args: str) -> str:
    return subprocess.run([sys.executable, SCRIPT, *args], check=True, stdout=subprocess.PIPE, text=True).stdout


def family_time_us(out: str, label: str) -> float:
    m = re.search(r"^  " + re.escape(label) + r": ([0-9.]+) us", out, re.M)
    return float(m.group(1)) if m else -1.0


def synthetic(folder: str) -> None:
    db = os.path.join(folder, "two.db")
    con = sqlite3.connect(db)
    con.executescript(
        "CREATE TABLE instances(id INTEGER PRIMARY KEY, tuning_key TEXT, family TEXT, flops REAL, bytes REAL);"
        "CREATE TABLE configs(id INTEGER PRIMARY KEY, family TEXT, params TEXT);"
        "CREATE TABLE measurements(id INTEGER PRIMARY KEY, instance_id INTEGER, config_id INTEGER, status TEXT,"
        " median_ns REAL);")
    con.executemany("INSERT INTO instances VALUES (?, ?, 'f', ?, ?)",
                    [(1, "f:A=1,N=4:fp32", 6e7, 1.2e6), (2, "f:A=2,N=4:fp32", 1.2e8, 2.4e6)])
    con.executemany("INSERT INTO configs VALUES (?, 'f', ?)",
                    [(1, "D=0,X=1"), (2, "D=1,X=1"), (3, "X=2"), (4, "D=1,X=3")])
    # Key A: D=0 best 100 us (the old config without D counts as D=0 with --missing 0), D=1 50 us,
    # a failed D=1 config faster still (ignored). Key B: D=0 10 us, D=1 20 us.
    con.executemany("INSERT INTO measurements(instance_id, config_id, status, median_ns) VALUES (?, ?, ?, ?)",
                    [(1, 1, "ok", 150e3), (1, 3, "ok", 100e3), (1, 2, "ok", 50e3), (1, 4, "wrong_result", 1e3),
                     (2, 1, "ok", 10e3), (2, 2, "ok", 20e3)])
    con.commit()
    con.close()
    workload = os.path.join(folder, "two.workload")
    with open(workload, "w") as f:
        f.write("f:A=1,N=1:fp32   # layer 1\nf:A=1,N=1:fp32   # layer 2\nf:A=2,N=1:fp32\nf:A=3,N=1:fp32\n"
                "g:A=1,N=1:fp32\n")
    out = run(db, "--workload", workload, "--family", "f", "--by", "D", "--batch", "4", "--missing", "0")
    check(family_time_us(out, "D=0") == 210.0, "D=0: key A twice at 100 us + key B at 10 us = 210 us")
    check(family_time_us(out, "D=1") == 120.0, "D=1: 2 x 50 + 20 = 120 us (the failed 1 us ignored)")
    check(family_time_us(out, "best of all") == 110.0, "best of all: 2 x 50 + 10 = 110 us")
    check("missing: f:A=3,N=4:fp32 (1 layers)" in out, "the key the database lacks is listed")
    check("2 of 3 keys (3 layers)" in out, "keys and layers counted from the workload at batch 4")
    # D=1: (2 x 6e7 + 1.2e8) FLOP and (2 x 1.2e6 + 2.4e6) B in 120 us: 2.0 TFLOP/s, 40 GB/s
    check("D=1: 120.0 us, 2.0 TFLOP/s, 40 GB/s" in out, "rates from the sums weighted by layer count")
    out = run(db, "--workload", workload, "--family", "f", "--by", "D", "--batch", "4")
    check("D=?" in out, "without --missing an old config is its own group")


def committed() -> None:
    db = os.path.join(SRC, "docs", "sample_data", "nvidia_h100_resnet50_b32_convcmp.db")
    out = run(db, "--workload", "resnet50", "--family", "conv2d_1x1", "--by", "GEMM", "--missing", "0", "--peak",
              "64503,4386")
    check("GEMM=0: 5648.2 us, 19.9 TFLOP/s" in out, "conv2d_1x1 GEMM=0 19.9 TFLOP/s (performance.md)")
    check("GEMM=1: 4177.4 us, 27.0 TFLOP/s, 513 GB/s (42% of FP32" in out, "conv2d_1x1 GEMM=1 27.0 TFLOP/s, 42%")
    check(out.count("missing: ") == 3 and "12 of 15 keys (30 layers)" in out, "three 2048-channel keys missing")


with tempfile.TemporaryDirectory() as tmp:
    synthetic(tmp)
committed()
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
