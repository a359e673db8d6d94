# SPDX-License-Identifier: Apache-2.0
"""The report's summary, per device: the whole workload's default and tuned time, and per kernel
family its share of the tuned time and how close it runs to the device's limit (given with
--limits): the part of the report that answers "which device, and where does its time go".
Standard library only.
"""
from __future__ import annotations

from typing import Any, Dict, List

import report_data as rd


def family_rows(dev: rd.Device, rows: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """One row per family: layers, tuned time (each key times its layers), share of the device's
    tuned time, achieved GFLOP/s and GB/s, and with limits which one binds and the fraction of it."""
    tuned = [r for r in rows if r["tuned_us"]]
    total = sum(r["tuned_us"] * r["layers"] for r in tuned)
    out = []
    for family in dict.fromkeys(r["family"] for r in tuned):
        fr = [r for r in tuned if r["family"] == family]
        us = sum(r["tuned_us"] * r["layers"] for r in fr)
        flops = sum((r["flops"] or 0) * r["layers"] for r in fr)
        nbytes = sum((r["bytes"] or 0) * r["layers"] for r in fr)
        gflops = flops / (us * 1e3) if flops and us else None
        gbps = nbytes / (us * 1e3) if nbytes and us else None
        row: Dict[str, Any] = {"device": dev.label, "family": family, "keys": len(fr),
                               "layers": sum(r["layers"] for r in fr), "tuned_us": rd._r(us),
                               "share": rd._r(us / total) if total else None,
                               "gflops": rd._r(gflops), "gbps": rd._r(gbps), "bound": None, "of_limit": None}
        if dev.limits and flops and nbytes:
            # The family's FLOPs per byte against the device's ridge point says which limit binds.
            compute = flops / nbytes >= dev.limits[0] / dev.limits[1]
            row["bound"] = "compute" if compute else "memory"
            row["of_limit"] = rd._r(gflops / dev.limits[0] if compute else gbps / dev.limits[1])
        out.append(row)
    return sorted(out, key=lambda r: -(r["tuned_us"] or 0))


def summary(data: rd.Data, tables: Dict[str, List[Dict[str, Any]]],
            totals: Dict[str, Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Per device with results: its workload totals and its family rows."""
    out = []
    for d in data.devices:
        rows = tables.get(d.fingerprint) or []
        if not any(r["tuned_us"] for r in rows):
            continue
        t = totals[d.fingerprint]
        out.append({"device": d.label, "fingerprint": d.fingerprint, "keys": t.get("keys"),
                    "layers": t.get("layers"), "default_us": t.get("default_us"), "tuned_us": t.get("tuned_us"),
                    "speedup": t.get("speedup"), "limits": list(d.limits) if d.limits else None,
                    "families": family_rows(d, rows)})
    return out
