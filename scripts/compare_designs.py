#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Two (or more) designs of one family side by side, from a database that measured both in one sitting
# (scripts/gpu_networks.sh convcmp / dwcmp / poolcmp): per tuning key, the best verified time of each
# value of one parameter (GEMM=0 vs 1, PH=1 vs 2 vs 4) and of all, then the family's figure with each
# key weighted by its layer count in the workload, as docs/performance.md reports it.
#
#   scripts/compare_designs.py DB --workload resnet50 --family conv2d_1x1 --by GEMM [--batch 32]
#       [--peak 64503,4386] [--missing 0]
#
# Only the standard library. Keys the database lacks are listed as missing and left out of the sums.
import argparse
import os
import re
import sqlite3
import sys
from collections import Counter, defaultdict
from typing import Dict, List, Optional, Tuple


def layer_counts(workload: str, family: str, batch: int) -> Counter:
    """Each distinct key of `family` in the workload file, at `batch`, with how many layers use it."""
    path = workload if os.path.exists(workload) else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "workloads", workload + ".workload")
    counts: Counter = Counter()
    with open(path) as f:
        for line in f:
            key = line.split("#", 1)[0].strip()
            if key.startswith(family + ":"):
                counts[re.sub(r"(?<=[:,])N=1(?=,|:)", f"N={batch}", key, count=1)] += 1
    return counts


def best_times(db: str, family: str, by: str,
               missing: str) -> Tuple[Dict[str, Dict[str, float]], Dict[str, Tuple[float, float]]]:
    """Per key: the best median (ns) of each value of `by` among verified measurements (a config
    recorded without `by` counts as `missing`); and the key's (flops, bytes)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute(
        "SELECT i.tuning_key, c.params, MIN(m.median_ns), i.flops, i.bytes FROM measurements m "
        "JOIN instances i ON i.id = m.instance_id JOIN configs c ON c.id = m.config_id "
        "WHERE m.status = 'ok' AND i.family = ? GROUP BY i.id, c.id", (family,)).fetchall()
    best: Dict[str, Dict[str, float]] = defaultdict(dict)
    work: Dict[str, Tuple[float, float]] = {}
    for key, params, ns, flops, nbytes in rows:
        value = dict(p.split("=", 1) for p in params.split(",")).get(by, missing)
        label = f"{by}={value}"
        best[key][label] = min(ns, best[key].get(label, float("inf")))
        work[key] = (flops or 0.0, nbytes or 0.0)
    return best, work


def rate(flops: float, nbytes: float, ns: float) -> str:
    return f"{flops / ns / 1e3:.1f} TFLOP/s, {nbytes / ns:.0f} GB/s"


def family_line(name: str, keys: List[str], counts: Counter, pick, work, peak: Optional[Tuple[float, float]]) -> str:
    time = sum(pick(k) * counts[k] for k in keys)
    flops = sum(work[k][0] * counts[k] for k in keys)
    nbytes = sum(work[k][1] * counts[k] for k in keys)
    text = f"{name}: {time / 1e3:.1f} us, {rate(flops, nbytes, time)}"
    if peak:
        text += f" ({100 * flops / time / peak[0]:.0f}% of FP32, {100 * nbytes / time / peak[1]:.0f}% of bandwidth)"
    return text


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("db")
    p.add_argument("--workload", required=True, help="a bundled workload name or a .workload file")
    p.add_argument("--family", required=True)
    p.add_argument("--by", required=True, help="the parameter whose values are the designs, e.g. GEMM or PH")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--peak", default=None, help="GFLOP/s,GB/s (clpeak) for the percentages")
    p.add_argument("--missing", default="?", help="the value of --by for configs recorded before it existed "
                   "(the description's `missing`, e.g. 0 for GEMM, 1 for PH)")
    a = p.parse_args()
    peak = tuple(float(x) for x in a.peak.split(",")) if a.peak else None
    counts = layer_counts(a.workload, a.family, a.batch)
    best, work = best_times(a.db, a.family, a.by, a.missing)
    labels = sorted({label for b in best.values() for label in b})
    keys = [k for k in counts if k in best]
    for k in counts:
        if k not in best:
            print(f"missing: {k} ({counts[k]} layers)")
    if not keys:
        print(f"no verified {a.family} measurement of the workload's keys in {a.db}", file=sys.stderr)
        return 1
    print("| key | layers | " + " | ".join(labels) + " | best / first |")
    print("|---|---:|" + "---:|" * len(labels) + "---:|")
    for k in keys:
        cells = [f"{best[k][lb] / 1e3:.1f} us" if lb in best[k] else "-" for lb in labels]
        first = best[k].get(labels[0])
        gain = f"{first / min(best[k].values()):.2f}x" if first else "-"
        print(f"| {k} | {counts[k]} | " + " | ".join(cells) + f" | {gain} |")
    layers = sum(counts[k] for k in keys)
    print(f"\n{a.family}, {len(keys)} of {len(counts)} keys ({layers} layers), each key times its layer count:")
    for lb in labels:
        if all(lb in best[k] for k in keys):
            print("  " + family_line(lb, keys, counts, lambda k, lb=lb: best[k][lb], work, peak))
    print("  " + family_line("best of all", keys, counts, lambda k: min(best[k].values()), work, peak))
    return 0


if __name__ == "__main__":
    sys.exit(main())
