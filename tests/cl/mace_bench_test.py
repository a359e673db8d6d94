#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""mace_bench on any OpenCL device (PoCL in CI): runs the small workload with default launch
parameters, checks its Google Benchmark JSON (names, manual times, counters, context), and that
the report generator reads it back. Exits 77 (skipped) when there is no OpenCL device.

  mace_bench_test.py SOURCE_DIR MACE_BENCH MACE_TUNE_CLI
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile


def main() -> int:
    src, bench, cli = sys.argv[1:4]
    devices = subprocess.run([cli, "devices", "--json"], capture_output=True, text=True)
    if devices.returncode != 0 or not json.loads(devices.stdout or "{}").get("devices"):
        print("SKIP: no OpenCL device")
        return 77
    tmp = tempfile.mkdtemp(prefix="mace_bench_test_")
    out = os.path.join(tmp, "bench.json")
    p = subprocess.run([bench, "--workload", "small", "--benchmark_min_time=0.01",
                        f"--benchmark_out={out}", "--benchmark_out_format=json"], capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stdout, p.stderr)
        return 1
    doc = json.load(open(out))
    failures = []

    def check(cond: bool, what: str) -> None:
        if not cond:
            failures.append(what)

    names = [b["name"] for b in doc["benchmarks"]]
    keys = [line.split("#")[0].strip() for line in open(os.path.join(src, "workloads", "small.workload"))]
    keys = [k for k in keys if k]
    for k in keys:
        check(any(n.startswith(f"kernel/{k}/default") for n in names), f"kernel/{k}/default in {names}")
    check(any(n.startswith("network/default") for n in names), "network/default")
    check(any(n.startswith("startup/cold") for n in names), "startup/cold")
    check(not any("/tuned" in n or "startup/warm" in n for n in names), "no tuned entries without --params")
    for b in doc["benchmarks"]:
        check(b["real_time"] > 0 and not b.get("error_occurred"), f"{b['name']} ran")
        if b["name"].startswith("kernel/"):
            check(b.get("GFLOP/s", 0) > 0 and b.get("tuned") == 0, f"{b['name']} counters")
            check("manual_time" in b["name"], f"{b['name']} uses manual (event) time")
    check(doc["context"].get("mace_bench.workload") == "small", "context names the workload")
    version = subprocess.run([cli, "--version"], capture_output=True, text=True).stdout.strip()
    check(doc["context"].get("mace_bench.version") == version, f"context names {version}")
    kernel_sum = sum(b["real_time"] for b in doc["benchmarks"] if b["name"].startswith("kernel/"))
    network = next(b["real_time"] for b in doc["benchmarks"] if b["name"].startswith("network/"))
    # Loose: a shared machine is noisy; this only catches a network that skips or repeats layers wildly.
    check(0.1 * kernel_sum < network < 10 * kernel_sum, f"network {network} vs kernels {kernel_sum}")

    # The report reads it back (with a tiny database from the report's own unit test).
    sys.path.insert(0, os.path.join(src, "tests", "unit"))
    try:
        import report_test  # needs matplotlib only to import; skip that part without it
    except SystemExit:
        report_test = None
    if report_test is not None:
        db = os.path.join(tmp, "cpu.db")
        report_test.make_db(db, report_test.DEVICES["cpu"])
        subprocess.run([sys.executable, os.path.join(src, "reports", "mace_tune_report.py"), db, "--bench", out,
                        "--out", tmp, "--format", "json"], check=True, capture_output=True)
        rep = json.load(open(os.path.join(tmp, "report.json")))
        check(len(rep["bench"]) == len(names), "every benchmark in the report")
        check(any(r["name"] == "network/default" for r in rep["bench"]), "short names in the report")
    for f in failures:
        print("FAIL:", f)
    if not failures:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'FAILED' if failures else 'passed'}: mace_bench test in {tmp}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
