#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The same configs measured in two databases (e.g. tune with and without --build-jobs): per
config, the ratio of the medians and whether they agree within their spreads (|a - b| <= 2 * (MAD a
+ MAD b), MAD = median absolute deviation of the samples). Prints one summary line per family and
one overall.
    scripts/compare_medians.py A.db B.db"""
import math
import sqlite3
import sys
from collections import defaultdict
from typing import Dict, Tuple

Row = Tuple[float, float]


def load(path: str) -> Dict[Tuple[str, str], Row]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    q = ("SELECT i.tuning_key, c.params, m.median_ns, m.mad_ns FROM measurements m "
         "JOIN instances i ON i.id = m.instance_id JOIN configs c ON c.id = m.config_id "
         "WHERE m.status = 'ok'")
    return {(k, p): (med, mad or 0.0) for k, p, med, mad in con.execute(q)}


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    a, b = load(sys.argv[1]), load(sys.argv[2])
    common = sorted(set(a) & set(b))
    if not common:
        print("no config measured ok in both databases")
        return 1
    groups = defaultdict(list)
    for key, params in common:
        (ma, da), (mb, db) = a[(key, params)], b[(key, params)]
        groups[key.split(":")[0]].append((ma, mb, abs(ma - mb) <= 2 * (da + db)))
    groups["all"] = [x for k in list(groups) for x in groups[k]]
    for name, rows in groups.items():
        geo = math.exp(sum(math.log(mb / ma) for ma, mb, _ in rows) / len(rows))
        within = sum(1 for *_, ok in rows if ok)
        print(f"{name:<18} {len(rows):5d} configs  median B/A geometric mean {geo:.3f}  "
              f"within 2x(MAD A + MAD B): {within}/{len(rows)} ({100.0 * within / len(rows):.0f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
