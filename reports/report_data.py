# SPDX-License-Identifier: Apache-2.0
"""Reads mace_tune result databases (schema v1, docs/database.md) and Google Benchmark JSON files
into plain Python objects, and derives the report's tables from them. Standard library only, so
the exports (json, csv, t4) work without matplotlib.
"""
from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import statistics
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

KNOWN_SCHEMA = 3  # 2 added the final re-measurement, device state and cool-down tables (report_states.py
#                  reads them), 3 users' kernel descriptions (not read)
FAILURE_STATUSES = ("build_failed", "launch_failed", "wrong_result", "timeout", "invalid")


@dataclass
class Meas:
    id: int
    db: str
    key: str
    params: str
    digest: str
    run: Optional[Tuple[str, int]]  # (db path, run id)
    status: str
    reason: str
    median_ns: Optional[float]
    min_ns: Optional[float]
    max_ns: Optional[float]
    mad_ns: Optional[float]
    num_samples: int
    build_ms: Optional[float]
    eval_ms: Optional[float]
    created_at: str
    samples_ns: List[float] = field(default_factory=list)


@dataclass
class Device:
    fingerprint: str
    info: Dict[str, Any]
    label: str = ""
    dbs: List[str] = field(default_factory=list)
    measurements: List[Meas] = field(default_factory=list)
    defaults: Dict[str, str] = field(default_factory=dict)  # tuning key -> default params
    seen: set = field(default_factory=set)  # (key, params, digest) already loaded
    limits: Optional[Tuple[float, float]] = None  # (GFLOP/s, GB/s) of the device, when known


@dataclass
class Data:
    dbs: List[Dict[str, Any]] = field(default_factory=list)  # path, meta
    devices: List[Device] = field(default_factory=list)
    runs: List[Dict[str, Any]] = field(default_factory=list)
    instances: Dict[str, Dict[str, Any]] = field(default_factory=dict)  # key -> family, flops, bytes
    layer_counts: Dict[str, int] = field(default_factory=dict)  # key -> layers in the workload
    workloads: List[str] = field(default_factory=list)
    bench: List[Dict[str, Any]] = field(default_factory=list)  # one per --bench file
    run_states: Dict[Tuple[str, int], Dict[str, Any]] = field(default_factory=dict)  # report_states.py


def _connect(path: str) -> sqlite3.Connection:
    if not os.path.isfile(path):
        raise ValueError(f"{path}: no such file")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        # A WAL file in a read-only place (e.g. committed sample data) opens as immutable.
        con = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    con.row_factory = sqlite3.Row
    return con


def _rows(con: sqlite3.Connection, sql: str, args: tuple = ()) -> List[Dict[str, Any]]:
    return [dict(r) for r in con.execute(sql, args).fetchall()]


def short_label(info: Dict[str, Any]) -> str:
    name = re.sub(r"\s+", " ", str(info.get("device_name") or "?")).strip()
    name = name.replace("(R)", "").replace("(TM)", "").replace("  ", " ")
    platform = str(info.get("platform_name") or "")
    if "Portable Computing Language" in platform:
        # "pthread-skylake-avx512-Intel(R) Xeon(R) ..." -> "PoCL skylake-avx512": the LLVM CPU name
        m = re.match(r"(?:pthread|cpu|basic)-([a-z0-9_.-]+?)-[A-Z]", name)
        name = "PoCL " + (m.group(1) if m else name)
    return name if len(name) <= 32 else name[:31] + "…"


def load_db(data: Data, path: str) -> None:
    con = _connect(path)
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "measurements" not in tables or version == 0:
            raise ValueError(f"{path}: not a mace_tune database")
        if version > KNOWN_SCHEMA:
            raise ValueError(f"{path}: schema version {version} is newer than this report ({KNOWN_SCHEMA})")
        meta = {r["key"]: r["value"] for r in _rows(con, "SELECT key, value FROM meta")}
        data.dbs.append({"path": path, "name": os.path.basename(path), "meta": meta})
        by_id: Dict[int, Device] = {}
        for d in _rows(con, "SELECT * FROM devices ORDER BY id"):
            fp = d["fingerprint_id"]
            dev = next((x for x in data.devices if x.fingerprint == fp), None)
            if dev is None:
                info = {k: v for k, v in d.items() if k != "id"}
                dev = Device(fingerprint=fp, info=info, label=short_label(info))
                if any(x.label == dev.label for x in data.devices):
                    dev.label += f" [{fp[:6]}]"
                data.devices.append(dev)
            dev.dbs.append(path)
            by_id[d["id"]] = dev
        for r in _rows(con, "SELECT * FROM runs ORDER BY id"):
            r["db"] = path
            r["device"] = by_id[r["device_id"]].fingerprint if r["device_id"] in by_id else "?"
            fields = ("device", "started_at", "command", "strategy", "seed")
            if any(all(x[f] == r[f] for f in fields) for x in data.runs):
                continue  # a run copied into a merged database: list it once
            data.runs.append(r)
            if r.get("workload") and r["workload"] not in data.workloads:
                data.workloads.append(r["workload"])
        for r in _rows(con, "SELECT tuning_key, family, flops, bytes FROM instances"):
            old = data.instances.get(r["tuning_key"], {})
            data.instances[r["tuning_key"]] = {
                "family": r["family"] or old.get("family"),
                "flops": r["flops"] if r["flops"] else old.get("flops"),
                "bytes": r["bytes"] if r["bytes"] else old.get("bytes")}
        for r in _rows(con, """SELECT dc.device_id, i.tuning_key, c.params FROM default_configs dc
                              JOIN instances i ON i.id = dc.instance_id
                              JOIN configs c ON c.id = dc.config_id"""):
            if r["device_id"] in by_id:
                by_id[r["device_id"]].defaults[r["tuning_key"]] = r["params"]
        samples: Dict[int, List[float]] = {}
        for mid, ns in con.execute("SELECT measurement_id, ns FROM samples ORDER BY measurement_id, idx"):
            samples.setdefault(mid, []).append(ns)
        for r in _rows(con, """SELECT m.*, i.tuning_key, c.params FROM measurements m
                              JOIN instances i ON i.id = m.instance_id
                              JOIN configs c ON c.id = m.config_id ORDER BY m.id"""):
            dev = by_id.get(r["device_id"])
            if dev is None:
                continue
            ident = (r["tuning_key"], r["params"], r["source_digest"])
            if ident in dev.seen:
                continue  # the same evaluation in two files (merged databases): count it once
            dev.seen.add(ident)
            dev.measurements.append(Meas(
                id=r["id"], db=path, key=r["tuning_key"], params=r["params"], digest=r["source_digest"],
                run=(path, r["run_id"]) if r["run_id"] is not None else None, status=r["status"],
                reason=r["reason"] or "", median_ns=r["median_ns"], min_ns=r["min_ns"], max_ns=r["max_ns"],
                mad_ns=r["mad_ns"], num_samples=r["num_samples"] or 0, build_ms=r["build_ms"],
                eval_ms=r["eval_ms"], created_at=r["created_at"], samples_ns=samples.get(r["id"], [])))
    finally:
        con.close()


def load_workload_counts(data: Data, files: List[str], search_dirs: List[str]) -> None:
    """Layer count per key, from the given workload files or the runs' bundled workload names."""
    paths = list(files)
    if not paths:
        for name in data.workloads:
            for d in search_dirs:
                p = os.path.join(d, name + ".workload")
                if os.path.isfile(p):
                    paths.append(p)
                    break
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                key = line.split("#", 1)[0].strip()
                if key:
                    data.layer_counts[key] = data.layer_counts.get(key, 0) + 1


def load_bench(data: Data, path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    if "benchmarks" not in doc:
        raise ValueError(f"{path}: not Google Benchmark JSON (no 'benchmarks')")
    data.bench.append({"path": path, "context": doc.get("context", {}), "benchmarks": doc["benchmarks"]})


def parse_limits(specs: List[str]) -> List[Tuple[str, float, float]]:
    out = []
    for s in specs:
        m = re.fullmatch(r"(.+)=([0-9.eE+]+),([0-9.eE+]+)", s.strip())
        if not m:
            raise ValueError(f"--limits {s!r}: expected DEVICE_SUBSTRING=GFLOPS,GBPS")
        out.append((m.group(1), float(m.group(2)), float(m.group(3))))
    return out


def apply_limits(data: Data, limits: List[Tuple[str, float, float]]) -> None:
    for dev in data.devices:
        text = " ".join(str(dev.info.get(k, "")) for k in ("device_name", "platform_name", "device_vendor"))
        for sub, gflops, gbps in limits:
            if sub.lower() in (text + " " + dev.label + " " + dev.fingerprint).lower():
                dev.limits = (gflops, gbps)


# ---------------------------------------------------------------------------- derived tables

def keys_in_order(data: Data) -> List[str]:
    """Keys in the order first measured (network order when tuned from a workload)."""
    seen: List[str] = []
    for dev in data.devices:
        for m in dev.measurements:
            if m.key not in seen:
                seen.append(m.key)
    return seen


def _best(ms: List[Meas]) -> Optional[Meas]:
    ok = [m for m in ms if m.status == "ok" and m.median_ns]
    return min(ok, key=lambda m: (m.median_ns, m.id)) if ok else None


def _default(ms: List[Meas], params: Optional[str]) -> Optional[Meas]:
    if params is None:
        return None
    same = [m for m in ms if m.params == params]
    ok = [m for m in same if m.status == "ok" and m.median_ns]
    return (ok or same or [None])[-1]


def _r(x: Optional[float], digits: int = 6) -> Optional[float]:
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
        return None
    return float(f"{x:.{digits}g}")


def device_table(data: Data, dev: Device) -> List[Dict[str, Any]]:
    rows = []
    for key in keys_in_order(data):
        ms = [m for m in dev.measurements if m.key == key]
        if not ms:
            continue
        best, default = _best(ms), _default(ms, dev.defaults.get(key))
        inst = data.instances.get(key, {})
        tuned_ns = best.median_ns if best else None
        default_ns = default.median_ns if default and default.status == "ok" else None
        gflops = inst["flops"] / tuned_ns if tuned_ns and inst.get("flops") else None
        gbps = inst["bytes"] / tuned_ns if tuned_ns and inst.get("bytes") else None
        rows.append({
            "device": dev.label, "fingerprint": dev.fingerprint, "tuning_key": key,
            "family": inst.get("family") or key.split(":")[0],
            "layers": data.layer_counts.get(key, 1),
            "evaluated": len(ms), "ok": sum(m.status == "ok" for m in ms),
            "best_config": best.params if best else None,
            "default_config": dev.defaults.get(key),
            "tuned_us": _r(tuned_ns / 1e3) if tuned_ns else None,
            "default_us": _r(default_ns / 1e3) if default_ns else None,
            "speedup": _r(default_ns / tuned_ns) if default_ns and tuned_ns else None,
            "gflops": _r(gflops), "gbps": _r(gbps),
            "flops": inst.get("flops"), "bytes": inst.get("bytes"),
            "peak_gflops_frac": _r(gflops / dev.limits[0]) if gflops and dev.limits else None,
            "peak_gbps_frac": _r(gbps / dev.limits[1]) if gbps and dev.limits else None,
        })
    return rows


def device_totals(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Whole-workload time (each key times its layer count) over keys with both times."""
    both = [r for r in rows if r["tuned_us"] and r["default_us"]]
    tuned = sum(r["tuned_us"] * r["layers"] for r in both)
    default = sum(r["default_us"] * r["layers"] for r in both)
    return {"keys": len(both), "layers": sum(r["layers"] for r in both), "tuned_us": _r(tuned),
            "default_us": _r(default), "speedup": _r(default / tuned) if tuned else None}


def comparison(data: Data, tables: Dict[str, List[Dict[str, Any]]]) -> Dict[str, Any]:
    """Device vs device: keys measured on every device, tuned times side by side, ratios to the
    first device (the baseline), and whether the best configs agree."""
    devs = [d for d in data.devices if tables.get(d.fingerprint)]
    if len(devs) < 2:
        return {"devices": [d.label for d in devs], "rows": [], "totals": {}}
    by = {d.fingerprint: {r["tuning_key"]: r for r in tables[d.fingerprint]} for d in devs}
    base = devs[0]
    rows = []
    for key in keys_in_order(data):
        if not all(key in by[d.fingerprint] and by[d.fingerprint][key]["tuned_us"] for d in devs):
            continue
        row: Dict[str, Any] = {"tuning_key": key, "layers": by[base.fingerprint][key]["layers"]}
        configs = []
        for d in devs:
            r = by[d.fingerprint][key]
            row[f"{d.label} tuned_us"] = r["tuned_us"]
            row[f"{d.label} default_us"] = r["default_us"]
            row[f"{d.label} best_config"] = r["best_config"]
            configs.append(r["best_config"])
            if d is not base:
                row[f"{d.label} / {base.label}"] = _r(r["tuned_us"] / by[base.fingerprint][key]["tuned_us"])
        row["same_best_config"] = len(set(configs)) == 1
        rows.append(row)
    totals: Dict[str, Any] = {"keys": len(rows), "layers": sum(r["layers"] for r in rows)}
    for d in devs:
        totals[f"{d.label} tuned_us"] = _r(sum(r[f"{d.label} tuned_us"] * r["layers"] for r in rows))
        dflt = [r[f"{d.label} default_us"] for r in rows]
        totals[f"{d.label} default_us"] = (
            _r(sum(x * r["layers"] for x, r in zip(dflt, rows)), 6) if all(dflt) else None)
    for d in devs[1:]:
        b = totals[f"{base.label} tuned_us"]
        totals[f"{d.label} / {base.label}"] = _r(totals[f"{d.label} tuned_us"] / b) if b else None
    return {"devices": [d.label for d in devs], "baseline": base.label, "rows": rows, "totals": totals,
            "disagree": sum(not r["same_best_config"] for r in rows)}


def run_label(data: Data, run: Dict[str, Any]) -> str:
    dev = next((d for d in data.devices if d.fingerprint == run["device"]), None)
    multi_db = len(data.dbs) > 1
    return (f"{dev.label if dev else '?'}: run {run['id']}{' (' + os.path.basename(run['db']) + ')' if multi_db else ''}"
            f" {run.get('strategy') or '?'} seed {run.get('seed')}")


def convergence(data: Data) -> List[Dict[str, Any]]:
    """Per run: best-so-far after n evaluations of a key, divided by the best ever found for that
    key on that device, geometric mean over the run's keys; by measurement id order."""
    out = []
    for run in data.runs:
        dev = next((d for d in data.devices if d.fingerprint == run["device"]), None)
        if dev is None:
            continue
        ident = (run["db"], run["id"])
        ms = [m for m in dev.measurements if m.run == ident]
        if not ms:
            continue
        curves: List[List[float]] = []
        for key in dict.fromkeys(m.key for m in ms):
            best_all = _best([m for m in dev.measurements if m.key == key])
            if best_all is None:
                continue
            cur, curve = math.inf, []
            for m in (m for m in ms if m.key == key):
                if m.status == "ok" and m.median_ns:
                    cur = min(cur, m.median_ns)
                curve.append(cur / best_all.median_ns)
            curves.append(curve)
        n = max((len(c) for c in curves), default=0)
        mean = []
        for i in range(n):
            vals = [c[min(i, len(c) - 1)] for c in curves]
            fin = [v for v in vals if math.isfinite(v)]
            mean.append(math.exp(sum(math.log(v) for v in fin) / len(fin)) if len(fin) == len(vals) else None)
        out.append({"run": run["id"], "db": run["db"], "device": dev.label, "label": run_label(data, run),
                    "strategy": run.get("strategy"), "seed": run.get("seed"), "keys": len(curves),
                    "evaluations": len(ms), "geomean_best_over_final": [_r(x) for x in mean]})
    return out


def spread(dev: Device, key: str) -> List[float]:
    """Median times (µs) of every verified config of a key on the device, every source digest."""
    return [m.median_ns / 1e3 for m in dev.measurements if m.key == key and m.status == "ok" and m.median_ns]


def failures(data: Data) -> List[Dict[str, Any]]:
    rows = []
    for dev in data.devices:
        groups: Dict[Tuple[str, str], List[Meas]] = {}
        for m in dev.measurements:
            if m.status != "ok":
                groups.setdefault((m.key.split(":")[0], m.status), []).append(m)
        for (family, status), ms in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            reasons = statistics.multimode([m.reason.splitlines()[0] if m.reason else "" for m in ms])
            rows.append({"device": dev.label, "family": family, "status": status, "count": len(ms),
                         "of": len(dev.measurements), "example_reason": (reasons[0] if reasons else "")[:160]})
    return rows


def bench_rows(data: Data) -> List[Dict[str, Any]]:
    """Google Benchmark entries; a name ending in /tuned with a /default twin gets a speed-up."""
    rows = []
    for b in data.bench:
        host = b["context"].get("host_name", "")
        times = {x["name"]: x.get("real_time") for x in b["benchmarks"] if x.get("run_type", "iteration") == "iteration"}
        for x in b["benchmarks"]:
            name = x.get("name", "")
            counters = {k: v for k, v in x.items() if k not in (
                "name", "run_name", "run_type", "repetitions", "repetition_index", "threads", "iterations",
                "real_time", "cpu_time", "time_unit", "family_index", "per_family_instance_index",
                "aggregate_name", "aggregate_unit", "label", "error_occurred", "error_message")}
            speedup = None
            if name.endswith("/tuned") or "/tuned/" in name:
                twin = name.replace("/tuned", "/default")
                if times.get(twin) and x.get("real_time"):
                    speedup = _r(times[twin] / x["real_time"])
            # "kernel/KEY/tuned/manual_time" -> "kernel/KEY/tuned": the suffixes are run options
            short = re.sub(r"(/(manual_time|real_time|process_time|iterations:\d+|min_time:[0-9.]+))+$", "", name)
            rows.append({"file": os.path.basename(b["path"]), "host": host, "name": short, "full_name": name,
                         "run_type": x.get("run_type", "iteration"), "iterations": x.get("iterations"),
                         "real_time": _r(x.get("real_time")), "cpu_time": _r(x.get("cpu_time")),
                         "time_unit": x.get("time_unit", "ns"), "speedup_vs_default": speedup,
                         "error": x.get("error_message", "") if x.get("error_occurred") else "",
                         "counters": ", ".join(([x["label"]] if x.get("label") else []) + [
                             f"{k}={_num(v)}" for k, v in counters.items()])})
    return rows


def bench_context(data: Data) -> List[Dict[str, Any]]:
    """Per --bench file: what ran where (Google Benchmark context plus mace_bench's own keys)."""
    out = []
    for b in data.bench:
        c = b["context"]
        out.append({"file": os.path.basename(b["path"]), "date": c.get("date"), "host": c.get("host_name"),
                    "workload": c.get("mace_bench.workload"), "device": c.get("mace_bench.device"),
                    "binary": c.get("mace_bench.binary"), "params": c.get("mace_bench.params"),
                    "build": c.get("library_build_type")})
    return out


def _num(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else _r(v) if isinstance(v, float) else v


def header(data: Data) -> Dict[str, Any]:
    labels = {d.fingerprint: d.label for d in data.devices}
    runs = [{"db": os.path.basename(r["db"]), "run": r["id"], "device": labels.get(r["device"], "?"),
             "started_at": r["started_at"], "finished_at": r["finished_at"], "tool_version": r["tool_version"],
             "workload": r["workload"], "strategy": r["strategy"], "seed": r["seed"], "max_evals": r["max_evals"],
             "time_limit_s": r["time_limit_s"], "status": r["status"], "command": r["command"]} for r in data.runs]
    devices = []
    for d in data.devices:
        devices.append({"label": d.label, "fingerprint": d.fingerprint,
                        "device_name": d.info.get("device_name"), "vendor": d.info.get("device_vendor"),
                        "platform": d.info.get("platform_name"), "platform_version": d.info.get("platform_version"),
                        "driver_version": d.info.get("driver_version"), "opencl_c": d.info.get("opencl_c_version"),
                        "compute_units": d.info.get("compute_units"), "profile": d.info.get("profile"),
                        "limits_gflops": d.limits[0] if d.limits else None,
                        "limits_gbps": d.limits[1] if d.limits else None,
                        "measurements": len(d.measurements),
                        "source_digests": len({m.digest for m in d.measurements})})
    return {"databases": [{"file": x["name"], "schema_version": x["meta"].get("schema_version"),
                           "created_at": x["meta"].get("created_at"), "created_by": x["meta"].get("created_by")}
                          for x in data.dbs],
            "devices": devices, "runs": runs}
