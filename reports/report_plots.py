# SPDX-License-Identifier: Apache-2.0
"""The report's figures, drawn with matplotlib's Agg backend and returned as base64 PNG so that the
HTML page needs no other file and no network. Each function returns a list of Figure records.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any, Dict, List

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter  # noqa: E402

import report_data as rd  # noqa: E402

WIDTH = 9.5  # inches at 100 dpi: fits a 1000 px page column
COLORS = plt.rcParams["axes.prop_cycle"].by_key()["color"]
STATUS_COLORS = {"ok": "#4c9a2a", "build_failed": "#d62728", "launch_failed": "#ff7f0e",
                 "wrong_result": "#9467bd", "timeout": "#8c564b", "invalid": "#7f7f7f"}


@dataclass
class Figure:
    id: str
    title: str
    caption: str
    png_b64: str


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    try:  # a 128-colour palette makes the page about three times smaller, with no visible loss
        from PIL import Image
        small = io.BytesIO()
        Image.open(io.BytesIO(buf.getvalue())).convert("RGB").quantize(colors=128).save(small, "PNG", optimize=True)
        buf = small
    except ImportError:
        pass
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _plain_log(axis: Any) -> None:
    """Log axis labelled 0.5, 1, 2, 10 rather than 10^0; minor labels only on a short span."""
    plain = FuncFormatter(lambda v, _: f"{v:g}")
    axis.set_major_formatter(plain)
    lo, hi = axis.get_view_interval()
    axis.set_minor_formatter(plain if lo > 0 and hi / lo < 20 else NullFormatter())


def _label_bars(ax: Any, bars: Any, fmt: str = "{:.2f}x") -> None:
    for b in bars:
        w = b.get_x() + b.get_width()
        if w:
            ax.annotate(fmt.format(w), (w, b.get_y() + b.get_height() / 2), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=7)


def _height(n: int, per: float = 0.32, base: float = 1.6) -> float:
    return max(2.8, base + per * n)


def speedup(data: rd.Data, tables: Dict[str, List[Dict[str, Any]]]) -> List[Figure]:
    devs = [d for d in data.devices if any(r["speedup"] for r in tables.get(d.fingerprint, []))]
    if not devs:
        return []
    keys = [k for k in rd.keys_in_order(data)
            if any(r["tuning_key"] == k and r["speedup"] for d in devs for r in tables[d.fingerprint])]
    fig, ax = plt.subplots(figsize=(WIDTH, _height(len(keys) * max(1, len(devs)) * 0.6)))
    h = 0.8 / len(devs)
    for j, d in enumerate(devs):
        by = {r["tuning_key"]: r["speedup"] for r in tables[d.fingerprint]}
        ys = [i + j * h for i in range(len(keys))]
        bars = ax.barh(ys, [by.get(k) or 0 for k in keys], height=h, label=d.label, color=COLORS[j % len(COLORS)])
        _label_bars(ax, bars)
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_yticks([i + 0.4 - h / 2 for i in range(len(keys))], keys, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("speed-up of the tuned config over the default launch (default time / tuned time, x)")
    ax.set_xlim(0, ax.get_xlim()[1] * 1.08)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return [Figure("fig-speedup", "Speed-up from tuning, per tuning key",
                   "Bars right of 1 mean the tuned config beats the family's default launch heuristic.",
                   _png(fig))]


def throughput(data: rd.Data, tables: Dict[str, List[Dict[str, Any]]]) -> List[Figure]:
    """A roofline-style view: achieved GFLOP/s against arithmetic intensity, device limits drawn."""
    pts = [(d, r) for d in data.devices for r in tables.get(d.fingerprint, []) if r["gflops"] and r["bytes"]]
    if not pts:
        return []
    fig, ax = plt.subplots(figsize=(WIDTH, 4.6))
    for j, d in enumerate(data.devices):
        rows = [r for dd, r in pts if dd is d]
        if not rows:
            continue
        color = COLORS[j % len(COLORS)]
        ax.scatter([r["flops"] / r["bytes"] for r in rows], [r["gflops"] for r in rows], color=color,
                   label=d.label, zorder=3)
        if d.limits:
            ai = [r["flops"] / r["bytes"] for _, r in pts]
            xs = [min(ai) / 2, max(ai) * 2]
            ridge = d.limits[0] / d.limits[1]
            grid = sorted(set([xs[0], ridge, xs[1]] if xs[0] < ridge < xs[1] else xs))
            ax.plot(grid, [min(d.limits[0], d.limits[1] * x) for x in grid], color=color, ls="--",
                    label=f"{d.label} limit ({d.limits[0]:g} GFLOP/s, {d.limits[1]:g} GB/s)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    _plain_log(ax.xaxis)
    _plain_log(ax.yaxis)
    ax.set_xlabel("arithmetic intensity (FLOP per byte moved, log)")
    ax.set_ylabel("achieved GFLOP/s, tuned (log)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    with_limits = [d.label for d in data.devices if d.limits and any(dd is d for dd, _ in pts)]
    if with_limits:
        lines = f"Dashed lines: the limits of {', '.join(with_limits)} given with --limits."
        missing = [d.label for d in data.devices if not d.limits and any(dd is d for dd, _ in pts)]
        if missing:
            lines += f" No limit line for {', '.join(missing)}: none given."
    else:
        lines = ("No limit lines are drawn: they need each device's peak GFLOP/s and GB/s "
                 "(--limits DEVICE=GFLOPS,GBPS, e.g. from clpeak).")
    return [Figure("fig-roofline", "Achieved throughput (roofline view)",
                   "One point per tuning key and device. " + lines, _png(fig))]


def ratio(data: rd.Data, comp: Dict[str, Any]) -> List[Figure]:
    if not comp.get("rows"):
        return []
    others = comp["devices"][1:]
    base = comp["baseline"]
    keys = [r["tuning_key"] for r in comp["rows"]]
    fig, ax = plt.subplots(figsize=(WIDTH, _height(len(keys) * max(1, len(others)) * 0.6)))
    h = 0.8 / len(others)
    for j, o in enumerate(others):
        vals = [r[f"{o} / {base}"] for r in comp["rows"]]
        bars = ax.barh([i + j * h for i in range(len(keys))], [v - 1 for v in vals], left=1, height=h,
                       label=f"{o} / {base}", color=COLORS[(j + 1) % len(COLORS)])
        for b, v in zip(bars, vals):
            ax.annotate(f"{v:.3g}x", (v, b.get_y() + b.get_height() / 2), xytext=(3 if v >= 1 else -3, 0),
                        textcoords="offset points", va="center", ha="left" if v >= 1 else "right", fontsize=7)
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_xscale("log")
    allv = [r[f"{o} / {base}"] for o in others for r in comp["rows"]]
    lo, hi = min(min(allv), 0.9) / 1.6, max(max(allv), 1.1) * 1.6  # room for the value labels
    ax.set_xlim(lo, hi)
    if hi / lo > 20:  # several decades: 1-2-5 steps
        nice = [m * 10.0 ** e for e in range(-4, 5) for m in (1, 2, 5)]
    else:
        nice = [0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5, 10]
    ticks = [t for t in nice if lo <= t <= hi]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks([i + 0.4 - h / 2 for i in range(len(keys))], keys, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"tuned time relative to {base} (log; < 1 is faster than {base})")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.grid(axis="x", alpha=0.3, which="both")
    return [Figure("fig-ratio", "Device vs device: tuned time per key",
                   "Each bar: the device's best time divided by the baseline's best time for the same key.",
                   _png(fig))]


def convergence(conv: List[Dict[str, Any]]) -> List[Figure]:
    conv = [c for c in conv if any(v is not None for v in c["geomean_best_over_final"])]
    if not conv:
        return []
    fig, ax = plt.subplots(figsize=(WIDTH, 4.2))
    for j, c in enumerate(conv):
        ys = c["geomean_best_over_final"]
        xs = [i + 1 for i, v in enumerate(ys) if v is not None]
        ax.plot(xs, [v for v in ys if v is not None], marker="o" if len(xs) < 30 else None, ms=3,
                label=f"{c['label']} ({c['keys']} keys)", color=COLORS[j % len(COLORS)])
    ax.axhline(1.0, color="black", lw=0.8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("evaluations of a tuning key (in measurement order)")
    ax.set_ylabel("best-so-far time / best time found\n(geometric mean over keys)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return [Figure("fig-convergence", "Search convergence per run",
                   "1.0 means the run has found the best config known for every key on that device "
                   "(across all runs).", _png(fig))]


def spread(data: rd.Data, tables: Dict[str, List[Dict[str, Any]]]) -> List[Figure]:
    figs = []
    for j, d in enumerate(data.devices):
        rows = [r for r in tables.get(d.fingerprint, []) if r["tuned_us"]]
        if not rows:
            continue
        vals = [[v / r["tuned_us"] for v in rd.spread(d, r["tuning_key"])] for r in rows]
        fig, ax = plt.subplots(figsize=(WIDTH, _height(len(rows))))
        ax.boxplot(vals, vert=False, widths=0.6, showfliers=True, flierprops={"markersize": 3})
        dflt = [(i + 1, r["default_us"] / r["tuned_us"]) for i, r in enumerate(rows) if r["default_us"]]
        if dflt:
            ax.scatter([x for _, x in dflt], [y for y, _ in dflt], marker="x", color="#d62728", zorder=3,
                       label="default launch")
            ax.legend(fontsize=8, loc="lower right")
        ax.set_yticks(range(1, len(rows) + 1), [f"{r['tuning_key']}  (n={r['ok']})" for r in rows], fontsize=8)
        ax.invert_yaxis()
        ax.set_xscale("log")
        _plain_log(ax.xaxis)
        ax.set_xlabel("median time of each verified config / best time (log; 1 = best)")
        ax.grid(axis="x", alpha=0.3, which="both")
        figs.append(Figure(f"fig-spread-{j}", f"Spread of times over the search space: {d.label}",
                           "One box per tuning key over every verified config measured; a wide box means "
                           "tuning matters for that kernel.", _png(fig)))
    return figs


def failures(data: rd.Data) -> List[Figure]:
    devs = [d for d in data.devices if d.measurements]
    if not devs:
        return []
    statuses = ["ok"] + list(rd.FAILURE_STATUSES)
    fig, ax = plt.subplots(figsize=(WIDTH, max(2.2, 1.2 + 0.5 * len(devs))))
    left = [0.0] * len(devs)
    for s in statuses:
        counts = [sum(m.status == s for m in d.measurements) for d in devs]
        if not any(counts):
            continue
        ax.barh(range(len(devs)), counts, left=left, color=STATUS_COLORS[s], label=s)
        left = [a + b for a, b in zip(left, counts)]
    ax.set_yticks(range(len(devs)), [d.label for d in devs], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("evaluations (count)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.grid(axis="x", alpha=0.3)
    return [Figure("fig-failures", "Outcome of every evaluation, by status",
                   "Failures are results: why configs fail on a device is in the table below.", _png(fig))]


def all_figures(data: rd.Data, tables: Dict[str, List[Dict[str, Any]]], comp: Dict[str, Any],
                conv: List[Dict[str, Any]]) -> Dict[str, List[Figure]]:
    return {"per_device": speedup(data, tables) + throughput(data, tables),
            "comparison": ratio(data, comp),
            "search": convergence(conv) + spread(data, tables) + failures(data)}

