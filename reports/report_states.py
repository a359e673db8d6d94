# SPDX-License-Identifier: Apache-2.0
"""What the device went through during each run (store schema v2): the clocks and temperatures read
at its start and end, the cool-downs between keys (temperatures before and after, how long, whether
the threshold was reached), and the final interleaved re-measurement (each config's median then,
against its median when first measured). A run is flagged when these say the device slowed down
while it was tuned: a phone that throttles shows here. Standard library only.
"""
from __future__ import annotations

import datetime
import math
import statistics
from typing import Any, Dict, List, Optional

import report_data as rd

CLOCK_DROP = 0.10     # the clock fell by more than this fraction between start and end
HOT_C = 80.0          # a reading at or above this
DRIFT = 1.10          # re-measured configs slower than first measured by this factor (geometric mean)


def _seconds(t0: str, t: str) -> Optional[float]:
    try:
        a = datetime.datetime.fromisoformat(t0.replace("Z", "+00:00"))
        b = datetime.datetime.fromisoformat(t.replace("Z", "+00:00"))
        return (b - a).total_seconds()
    except (AttributeError, ValueError):
        return None


def load_states(data: rd.Data, path: str) -> None:
    """Adds each run's readings, cool-downs and final re-measurements to data.run_states."""
    con = rd._connect(path)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "device_states" not in tables:
            return  # schema v1: nothing recorded
        for run in rd._rows(con, "SELECT id, started_at FROM runs ORDER BY id"):
            key = (path, run["id"])
            if key in data.run_states:
                continue
            states = rd._rows(con, "SELECT phase, source, clock_mhz, temperature_c, read_at FROM device_states "
                                   "WHERE run_id = ? ORDER BY phase DESC, idx", (run["id"],))
            cools = rd._rows(con, """SELECT i.tuning_key, c.slept_s, c.waited_s, c.threshold_c, c.temperature_before_c,
                                            c.temperature_after_c, c.reached, c.source, c.created_at
                                     FROM cool_downs c JOIN instances i ON i.id = c.instance_id
                                     WHERE c.run_id = ? ORDER BY c.created_at""", (run["id"],))
            finals = rd._rows(con, """SELECT i.tuning_key, f.first_median_ns, f.median_ns, f.winner
                                      FROM final_measurements f JOIN instances i ON i.id = f.instance_id
                                      WHERE f.run_id = ?""", (run["id"],))
            if states or cools or finals:
                data.run_states[key] = {"started_at": run["started_at"], "states": states, "cool_downs": cools,
                                        "finals": finals}
    finally:
        con.close()


def series(rec: Dict[str, Any]) -> Dict[str, List[Any]]:
    """Points over the run, seconds from its start: clock (MHz) and temperature (C) by source, from
    the start and end readings and the cool-downs' temperatures before and after each wait."""
    t0 = rec["started_at"]
    clock: Dict[str, List[Any]] = {}
    temp: Dict[str, List[Any]] = {}
    for s in rec["states"]:
        x = _seconds(t0, s["read_at"])
        if x is None:
            continue
        if s["clock_mhz"] is not None:
            clock.setdefault(s["source"], []).append((x, s["clock_mhz"]))
        if s["temperature_c"] is not None:
            temp.setdefault(s["source"], []).append((x, s["temperature_c"]))
    for c in rec["cool_downs"]:
        x = _seconds(t0, c["created_at"])
        if x is None:
            continue
        wait = (c["slept_s"] or 0) + (c["waited_s"] or 0)
        if c["temperature_before_c"] is not None:
            temp.setdefault(c["source"] or "cool-down", []).append((max(0.0, x - wait), c["temperature_before_c"]))
        if c["temperature_after_c"] is not None:
            temp.setdefault(c["source"] or "cool-down", []).append((x, c["temperature_after_c"]))
    return {"clock": {k: sorted(v) for k, v in clock.items()}, "temperature": {k: sorted(v) for k, v in temp.items()}}


def _phase(rec: Dict[str, Any], phase: str, column: str) -> Optional[float]:
    vals = [s[column] for s in rec["states"] if s["phase"] == phase and s[column] is not None]
    return max(vals) if vals else None  # the hottest sensor, the fastest clock domain


def run_states(data: rd.Data) -> List[Dict[str, Any]]:
    """One row per run with any device-state record, with its flags (why it looks throttled)."""
    out = []
    for run in data.runs:
        rec = data.run_states.get((run["db"], run["id"]))
        if rec is None:
            continue
        row: Dict[str, Any] = {"run": rd.run_label(data, run), "db": run["db"], "id": run["id"]}
        for phase in ("start", "end"):
            row[f"{phase}_clock_mhz"] = _phase(rec, phase, "clock_mhz")
            row[f"{phase}_temperature_c"] = _phase(rec, phase, "temperature_c")
        cools = rec["cool_downs"]
        row["cool_downs"] = len(cools)
        row["cool_down_s"] = rd._r(sum((c["slept_s"] or 0) + (c["waited_s"] or 0) for c in cools))
        row["gave_up"] = sum(c["reached"] == 0 for c in cools)
        temps = [t for c in cools for t in (c["temperature_before_c"], c["temperature_after_c"]) if t is not None]
        temps += [t for t in (row["start_temperature_c"], row["end_temperature_c"]) if t is not None]
        row["max_temperature_c"] = max(temps) if temps else None
        ratios = [f["median_ns"] / f["first_median_ns"] for f in rec["finals"]
                  if f["median_ns"] and f["first_median_ns"]]
        row["final_drift"] = rd._r(math.exp(statistics.mean(math.log(r) for r in ratios))) if ratios else None
        flags = []
        a, b = row["start_clock_mhz"], row["end_clock_mhz"]
        if a and b and b < a * (1 - CLOCK_DROP):
            flags.append(f"clock fell {100 * (1 - b / a):.0f} % ({a:g} -> {b:g} MHz)")
        if row["max_temperature_c"] is not None and row["max_temperature_c"] >= HOT_C:
            flags.append(f"reached {row['max_temperature_c']:g} C")
        if row["gave_up"]:
            flags.append(f"{row['gave_up']} cool-down(s) gave up above the threshold")
        if row["final_drift"] and row["final_drift"] > DRIFT:
            flags.append(f"configs re-measured at the end ran {row['final_drift']:.3g}x slower than when first measured")
        row["flags"] = "; ".join(flags)
        row["series"] = series(rec)
        out.append(row)
    return out
