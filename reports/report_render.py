# SPDX-License-Identifier: Apache-2.0
"""Writers of the report: one model of sections and tables, rendered as self-contained HTML,
Markdown, JSON, CSV, and Kernel Tuner's T4 results format (schema 1.0.0).
"""
from __future__ import annotations

import csv
import html
import json
import math
import os
import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import report_data as rd
import report_states as rst
import report_summary as rsum

FORMAT_VERSION = 1
T4_SCHEMA_VERSION = "1.0.0"
# mace_tune status -> T4 "invalidity"
T4_INVALIDITY = {"ok": "correct", "build_failed": "compile", "launch_failed": "runtime",
                 "wrong_result": "correctness", "timeout": "timeout", "invalid": "constraints"}

Column = Tuple[str, str, Callable[[Any], str]]  # field, header, formatter


def num(x: Any) -> str:
    if x is None or x == "":
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, (int, float)):
        if isinstance(x, int) or abs(x) >= 1000:
            return f"{x:,.0f}"
        return f"{x:.4g}"
    return str(x)


def sig(x: float, digits: int = 3) -> str:
    """x with `digits` significant figures in fixed notation: 0.00412, 0.5, 1.20, 12.3, 4120."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{x:,.{decimals}f}"


def times(x: Any) -> str:
    """A ratio (speed-up, device vs device): significant figures, so H200 / PoCL reads 0.00412x, not 0.00x."""
    return "–" if x is None else f"{sig(x)}x"


def pct(x: Any) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def text(x: Any) -> str:
    return "–" if x is None or x == "" else str(x)


DEVICE_COLUMNS: List[Column] = [
    ("tuning_key", "tuning key", text), ("layers", "layers", num), ("evaluated", "evaluated", num),
    ("ok", "ok", num), ("best_config", "best config", text), ("tuned_us", "tuned µs", num),
    ("default_us", "default µs", num), ("speedup", "speed-up", times), ("gflops", "GFLOP/s", num),
    ("gbps", "GB/s", num), ("peak_gflops_frac", "of peak GFLOP/s", pct), ("peak_gbps_frac", "of peak GB/s", pct)]


def comparison_columns(comp: Dict[str, Any]) -> List[Column]:
    cols: List[Column] = [("tuning_key", "tuning key", text), ("layers", "layers", num)]
    for d in comp["devices"]:
        cols += [(f"{d} tuned_us", f"{d} tuned µs", num), (f"{d} default_us", f"{d} default µs", num)]
    for d in comp["devices"][1:]:
        cols.append((f"{d} / {comp['baseline']}", f"{d} / {comp['baseline']} (time)", times))
    for d in comp["devices"]:
        cols.append((f"{d} best_config", f"{d} best config", text))
    cols.append(("same_best_config", "same best config", num))
    return cols


# ------------------------------------------------------------------------------ model

class Report:
    """Everything the writers need, computed once."""

    def __init__(self, data: rd.Data, tool: str, generated: str, plots: Optional[Dict[str, Any]] = None):
        self.data, self.tool, self.generated = data, tool, generated
        self.header = rd.header(data)
        self.tables = {d.fingerprint: rd.device_table(data, d) for d in data.devices}
        self.totals = {fp: rd.device_totals(rows) for fp, rows in self.tables.items()}
        self.comparison = rd.comparison(data, self.tables)
        self.convergence = rd.convergence(data)
        self.failures = rd.failures(data)
        self.bench = rd.bench_rows(data)
        self.summary = rsum.summary(data, self.tables, self.totals)
        self.states = rst.run_states(data)
        self.figures: Dict[str, List[Any]] = {}
        if plots is not None:
            import report_figures  # matplotlib, like plots
            self.figures = plots.all_figures(data, self.tables, self.comparison, self.convergence)
            self.figures.update(report_figures.all_figures(self.summary, self.states))

    def as_dict(self) -> Dict[str, Any]:
        return {
            "format": "mace_tune_report", "format_version": FORMAT_VERSION, "tool": self.tool,
            "generated_at": self.generated, "header": self.header,
            "per_device": [{"device": d.label, "fingerprint": d.fingerprint, "rows": self.tables[d.fingerprint],
                            "totals": self.totals[d.fingerprint]} for d in self.data.devices],
            "comparison": self.comparison,
            "convergence": [{k: v for k, v in c.items() if k != "db"} | {"db": os.path.basename(c["db"])}
                            for c in self.convergence],
            "failures": self.failures, "bench": self.bench, "bench_context": rd.bench_context(self.data),
            "summary": self.summary,
            "device_state": [{k: v for k, v in r.items() if k != "db"} | {"db": os.path.basename(r["db"])}
                             for r in self.states]}


def _totals_line(t: Dict[str, Any]) -> str:
    if not t.get("keys"):
        return "No key has both a tuned and a default time."
    return (f"Whole workload ({t['keys']} keys, {t['layers']} layers, each key times its layer count): "
            f"default {num(t['default_us'])} µs, tuned {num(t['tuned_us'])} µs, speed-up {times(t['speedup'])}.")


def _comparison_totals(comp: Dict[str, Any]) -> str:
    t = comp["totals"]
    parts = [f"{d}: tuned {num(t[f'{d} tuned_us'])} µs (default {num(t[f'{d} default_us'])} µs)"
             for d in comp["devices"]]
    base = comp["baseline"]
    ratios = [f"{d} / {base} = {times(t[d + ' / ' + base])}" for d in comp["devices"][1:]]
    return (f"Whole workload over the {t['keys']} keys measured on every device ({t['layers']} layers): "
            + "; ".join(parts) + ". Ratio of tuned totals: " + ", ".join(ratios)
            + f". The best configs differ on {comp['disagree']} of {t['keys']} keys.")


SUMMARY_COLUMNS: List[Column] = [("device", "device", text), ("keys", "keys", num), ("layers", "layers", num),
                                 ("default_us", "default µs", num), ("tuned_us", "tuned µs", num),
                                 ("speedup", "speed-up", times)]
FAMILY_COLUMNS: List[Column] = [("device", "device", text), ("family", "family", text), ("keys", "keys", num),
                                ("layers", "layers", num), ("tuned_us", "tuned µs", num), ("share", "share of time", pct),
                                ("gflops", "GFLOP/s", num), ("gbps", "GB/s", num), ("bound", "bound by", text),
                                ("of_limit", "of the limit", pct)]
STATE_COLUMNS: List[Column] = [("run", "run", text), ("start_clock_mhz", "clock at start MHz", num),
                               ("end_clock_mhz", "clock at end MHz", num), ("start_temperature_c", "temp. at start C", num),
                               ("end_temperature_c", "temp. at end C", num), ("max_temperature_c", "hottest C", num),
                               ("cool_downs", "cool-downs", num), ("cool_down_s", "cooling s", num),
                               ("gave_up", "gave up", num), ("final_drift", "re-measured / first", times),
                               ("flags", "flagged", text)]
CONV_COLUMNS: List[Column] = [("label", "run", text), ("strategy", "strategy", text), ("seed", "seed", num),
                              ("keys", "keys", num), ("evaluations", "evaluations", num),
                              ("final", "final best / best known", num)]
FAIL_COLUMNS: List[Column] = [("device", "device", text), ("family", "family", text), ("status", "status", text),
                              ("count", "count", num), ("of", "of evaluations", num),
                              ("example_reason", "most frequent reason", text)]
RUN_COLUMNS: List[Column] = [("db", "database", text), ("run", "run", num), ("device", "device", text),
                             ("workload", "workload", text), ("strategy", "strategy", text), ("seed", "seed", text),
                             ("max_evals", "max evals", num), ("time_limit_s", "time limit s", num),
                             ("started_at", "started", text), ("finished_at", "finished", text),
                             ("status", "status", text), ("tool_version", "tool", text)]
DEVICE_INFO_COLUMNS: List[Column] = [("label", "device", text), ("fingerprint", "id", text),
                                     ("device_name", "device name", text), ("platform", "platform", text),
                                     ("platform_version", "platform version", text),
                                     ("driver_version", "driver", text), ("compute_units", "CUs", num),
                                     ("profile", "profile", text), ("limits_gflops", "limit GFLOP/s", num),
                                     ("limits_gbps", "limit GB/s", num), ("measurements", "evaluations", num)]
DB_COLUMNS: List[Column] = [("file", "database", text), ("schema_version", "schema", text),
                            ("created_at", "created", text), ("created_by", "created by", text)]
BENCH_CONTEXT_COLUMNS: List[Column] = [("file", "file", text), ("date", "date", text), ("host", "host", text),
                                      ("workload", "workload", text), ("device", "device", text),
                                      ("binary", "--binary", text), ("params", "--params", text)]
BENCH_COLUMNS: List[Column] = [("file", "file", text), ("name", "benchmark", text), ("run_type", "type", text),
                               ("iterations", "iterations", num), ("real_time", "real time", num),
                               ("time_unit", "unit", text), ("speedup_vs_default", "tuned speed-up", times),
                               ("counters", "counters", text), ("error", "error", text)]


def conv_rows(report: Report) -> List[Dict[str, Any]]:
    out = []
    for c in report.convergence:
        vals = [v for v in c["geomean_best_over_final"] if v is not None]
        out.append(dict(c, final=vals[-1] if vals else None))
    return out


def _summary_section(report: Report) -> List[Any]:
    blocks: List[Any] = [("p", "Per device: the whole workload (each tuning key times the layers that have it, over "
                               "the keys measured with both the default and a tuned config), and each kernel "
                               "family's share of the tuned time and of the device's limit (--limits).")]
    blocks.append(("table", SUMMARY_COLUMNS, report.summary))
    blocks.append(("table", FAMILY_COLUMNS, [f for s in report.summary for f in s["families"]]))
    flagged = [r for r in report.states if r["flags"]]
    for r in flagged:
        blocks.append(("p", f"Flagged: {r['run']}: {r['flags']} (see Device state)."))
    return blocks + [("fig", f) for f in report.figures.get("summary", [])]


def _state_section(report: Report) -> List[Any]:
    blocks: List[Any] = [("p", "What each run recorded of the device (tune stores the clocks and temperatures "
                               "the platform exposes at a run's start and end, the GPU temperature around each "
                               "cool-down, and with --final-top-k the fastest configs re-measured at the end). A run "
                               f"is flagged when its clock fell by more than {100 * rst.CLOCK_DROP:.0f} %, a reading "
                               f"reached {rst.HOT_C:g} C, a cool-down gave up above its threshold, or the configs "
                               f"re-measured at the end ran more than {rst.DRIFT:g}x slower than when first measured: "
                               "its later keys were likely measured on a throttled device.")]
    blocks.append(("table", STATE_COLUMNS, report.states))
    return blocks + [("fig", f) for f in report.figures.get("state", [])]


def sections(report: Report) -> List[Tuple[str, List[Any]]]:
    """(title, blocks); a block is ("p", text), ("table", columns, rows) or ("fig", Figure)."""
    d = report.data
    top: List[Tuple[str, List[Any]]] = []
    if report.summary:
        top.append(("Summary", _summary_section(report)))
    if report.states:
        top.append(("Device state", _state_section(report)))
    head: List[Any] = [("p", f"Generated {report.generated} by {report.tool}. Times are medians of "
                             "OpenCL profiling events (END - START), in microseconds (µs).")]
    head += [("table", DB_COLUMNS, report.header["databases"]), ("table", DEVICE_INFO_COLUMNS, report.header["devices"]),
             ("table", RUN_COLUMNS, report.header["runs"])]
    out = top + [("Header", head)]
    per: List[Any] = []
    for dev in d.devices:
        per.append(("h3", dev.label))
        per.append(("table", DEVICE_COLUMNS, report.tables[dev.fingerprint]))
        per.append(("p", _totals_line(report.totals[dev.fingerprint])))
    per += [("fig", f) for f in report.figures.get("per_device", [])]
    out.append(("Per device", per))
    comp = report.comparison
    if comp["rows"]:
        blocks: List[Any] = [("p", f"Baseline: {comp['baseline']}. Keys measured on every device.")]
        blocks.append(("table", comparison_columns(comp), comp["rows"]))
        blocks.append(("p", _comparison_totals(comp)))
        blocks += [("fig", f) for f in report.figures.get("comparison", [])]
        out.append(("Device vs device", blocks))
    search: List[Any] = [("table", CONV_COLUMNS, conv_rows(report))]
    search += [("fig", f) for f in report.figures.get("search", [])]
    search.append(("table", FAIL_COLUMNS, report.failures) if report.failures else ("p", "No failed evaluation."))
    out.append(("The search", search))
    if report.bench:
        cols = BENCH_COLUMNS if len(d.bench) > 1 else BENCH_COLUMNS[1:]
        out.append(("Benchmarks (mace_bench)", [("table", BENCH_CONTEXT_COLUMNS, rd.bench_context(d)),
                                                ("table", cols, report.bench)]))
    return out


# ------------------------------------------------------------------------------ HTML, Markdown

CSS = """body{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;max-width:1100px;color:#222;font-size:14px}
h1{font-size:24px}h2{border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:12px;width:100%}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f2f2f2}td.n{text-align:right;white-space:nowrap}tr:nth-child(even) td{background:#fafafa}
figure{margin:16px 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:12px;color:#555}"""


def _cell_html(value: Any, fmt: Callable[[Any], str]) -> str:
    s = html.escape(fmt(value)).replace(",", ",&#8203;")  # let long configs wrap after commas
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    return f'<td class="n">{s}</td>' if numeric else f"<td>{s}</td>"


def write_html(report: Report, path: str) -> None:
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>mace_tune report</title>",
             f"<style>{CSS}</style></head><body><h1>mace_tune report</h1>"]
    toc = [t for t, _ in sections(report)]
    parts.append("<p>" + " · ".join(f"<a href='#s{i}'>{html.escape(t)}</a>" for i, t in enumerate(toc)) + "</p>")
    for i, (title, blocks) in enumerate(sections(report)):
        parts.append(f"<h2 id='s{i}'>{html.escape(title)}</h2>")
        for b in blocks:
            if b[0] == "p":
                parts.append(f"<p>{html.escape(b[1])}</p>")
            elif b[0] == "h3":
                parts.append(f"<h3>{html.escape(b[1])}</h3>")
            elif b[0] == "table":
                cols, rows = b[1], b[2]
                parts.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for _, h, _ in cols) + "</tr>")
                for r in rows:
                    parts.append("<tr>" + "".join(_cell_html(r.get(k), f) for k, _, f in cols) + "</tr>")
                parts.append("</table>")
            elif b[0] == "fig":
                f = b[1]
                parts.append(f"<figure id='{f.id}'><img alt='{html.escape(f.title)}' "
                             f"src='data:image/png;base64,{f.png_b64}'><figcaption><b>{html.escape(f.title)}."
                             f"</b> {html.escape(f.caption)}</figcaption></figure>")
    # Lets scripts/render_report.sh size its screenshot to the whole page.
    parts.append("<script>window.addEventListener('load',function(){document.body.setAttribute("
                 "'data-height',document.documentElement.scrollHeight)})</script>")
    parts.append("</body></html>\n")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(parts))


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def write_markdown(report: Report, path: str) -> None:
    lines = ["# mace_tune report", ""]
    for title, blocks in sections(report):
        lines += [f"## {title}", ""]
        for b in blocks:
            if b[0] == "p":
                lines += [b[1], ""]
            elif b[0] == "h3":
                lines += [f"### {b[1]}", ""]
            elif b[0] == "table":
                cols, rows = b[1], b[2]
                lines.append("| " + " | ".join(h for _, h, _ in cols) + " |")
                lines.append("|" + "|".join("---:" if f in (num, times, pct) else "---" for _, _, f in cols) + "|")
                for r in rows:
                    lines.append("| " + " | ".join(_md_cell(f(r.get(k))) for k, _, f in cols) + " |")
                lines.append("")
            elif b[0] == "fig":
                lines += [f"*Figure: {b[1].title}* (in report.html)", ""]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))


# ------------------------------------------------------------------------------ JSON, CSV, T4

def write_json(report: Report, path: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(report.as_dict(), fh, indent=1, ensure_ascii=False)
        fh.write("\n")


def _write_csv(path: str, rows: Sequence[Dict[str, Any]], fields: Optional[List[str]] = None) -> None:
    fields = fields or list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in fields})


def write_csv(report: Report, out_dir: str) -> List[str]:
    files = {
        "devices.csv": report.header["devices"], "runs.csv": report.header["runs"],
        "per_device.csv": [r for rows in report.tables.values() for r in rows],
        "totals.csv": [dict(device=d.label, **report.totals[d.fingerprint]) for d in report.data.devices],
        "comparison.csv": report.comparison["rows"],
        "convergence.csv": [{"run": c["label"], "strategy": c["strategy"], "seed": c["seed"], "evaluation": i + 1,
                             "geomean_best_over_final": v}
                            for c in report.convergence for i, v in enumerate(c["geomean_best_over_final"])],
        "failures.csv": report.failures, "bench.csv": report.bench,
        "summary.csv": [f for s in report.summary for f in s["families"]],
        "device_state.csv": [{k: v for k, v in r.items() if k != "series"} for r in report.states]}
    written = []
    for name, rows in files.items():
        if rows:
            _write_csv(os.path.join(out_dir, name), rows)
            written.append(name)
    return written


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", s).strip("_")


def _t4_config(params: str) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for part in filter(None, params.split(",")):
        k, _, v = part.partition("=")
        try:
            out[k] = int(v)
        except ValueError:
            out[k] = v
    return out


def write_t4(report: Report, out_dir: str) -> List[str]:
    """One T4 results file per (device, tuning key), plus a T4 metadata file per device."""
    written = []
    for dev in report.data.devices:
        ddir = os.path.join(out_dir, "t4", _slug(dev.label) + "-" + dev.fingerprint)
        os.makedirs(ddir, exist_ok=True)
        meta = {"schema_version": T4_SCHEMA_VERSION, "metadata": {
            "hardware": {"hardware_description": [dev.info]},
            "environment": {"device_query": {"opencl": dev.info}, "requirements": [report.tool]}}}
        with open(os.path.join(ddir, "metadata.json"), "w", encoding="utf-8") as fh:
            json.dump(meta, fh, indent=1)
        written.append(os.path.relpath(os.path.join(ddir, "metadata.json"), out_dir))
        inst = report.data.instances
        for key in dict.fromkeys(m.key for m in dev.measurements):
            results = []
            for m in (m for m in dev.measurements if m.key == key):
                ms = [{"name": "time", "value": m.median_ns / 1e6 if m.median_ns else None, "unit": "ms"},
                      {"name": "mad_time", "value": m.mad_ns / 1e6 if m.mad_ns else None, "unit": "ms"},
                      {"name": "status", "value": m.status, "unit": ""}]
                if m.reason:
                    ms.append({"name": "reason", "value": m.reason, "unit": ""})
                flops = inst.get(key, {}).get("flops")
                if m.status == "ok" and m.median_ns and flops:
                    ms.append({"name": "GFLOP/s", "value": flops / m.median_ns, "unit": "GFLOP/s"})
                results.append({
                    "timestamp": m.created_at, "configuration": _t4_config(m.params), "objectives": ["time"],
                    "times": {"compilation_time": m.build_ms or 0, "runtimes": [s / 1e6 for s in m.samples_ns],
                              "framework": max(0.0, (m.eval_ms or 0) - (m.build_ms or 0)),
                              "search_algorithm": 0, "validation": 0},
                    "invalidity": T4_INVALIDITY.get(m.status, "runtime"),
                    "correctness": 1 if m.status == "ok" else 0, "measurements": ms})
            path = os.path.join(ddir, _slug(key) + ".json")
            with open(path, "w", encoding="utf-8") as fh:
                json.dump({"schema_version": T4_SCHEMA_VERSION, "results": results}, fh)
            written.append(os.path.relpath(path, out_dir))
    return written
