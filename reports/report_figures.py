# SPDX-License-Identifier: Apache-2.0
"""The figures of the report's summary and device-state sections (report_plots.py has the rest):
whole-workload time per device with where it goes by kernel family, each family's fraction of the
device's limit, and clock and temperature over each run that recorded them.
"""
from __future__ import annotations

from typing import Any, Dict, List

from report_plots import COLORS, WIDTH, Figure, _height, _plain_log, _png, plt
from report_render import sig


def _family_colors(summary: List[Dict[str, Any]]) -> Dict[str, str]:
    families = list(dict.fromkeys(f["family"] for s in summary for f in s["families"]))
    return {f: COLORS[i % len(COLORS)] for i, f in enumerate(families)}


def totals(summary: List[Dict[str, Any]]) -> List[Figure]:
    if not summary:
        return []
    colors = _family_colors(summary)
    n = len(summary)
    fig, (left, right) = plt.subplots(1, 2, figsize=(WIDTH, max(2.4, 1.3 + 0.55 * n)),
                                      gridspec_kw={"width_ratios": [1, 1.25]})
    labels = [s["device"] for s in summary]
    for i, s in enumerate(summary):
        if s["default_us"]:
            left.barh(i - 0.2, s["default_us"], height=0.4, color="#bbbbbb", label="default launch" if i == 0 else None)
        if s["tuned_us"]:
            left.barh(i + 0.2, s["tuned_us"], height=0.4, color="#1f77b4", label="tuned" if i == 0 else None)
            left.annotate(f"{sig(s['tuned_us'])} µs" + (f" ({sig(s['speedup'])}x)" if s["speedup"] else ""),
                          (s["tuned_us"], i + 0.2), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
        start = 0.0
        for f in s["families"]:
            share = 100 * (f["share"] or 0)
            right.barh(i, share, left=start, color=colors[f["family"]], height=0.6,
                       label=f["family"] if f["family"] not in right.get_legend_handles_labels()[1] else None)
            if share >= 8:
                right.annotate(f"{share:.0f}%", (start + share / 2, i), ha="center", va="center", fontsize=7)
            start += share
    for ax in (left, right):
        ax.set_yticks(range(n), labels, fontsize=8)
        ax.invert_yaxis()
        ax.grid(axis="x", alpha=0.3, which="both")
    left.set_xscale("log")
    _plain_log(left.xaxis)
    lo, hi = left.get_xlim()
    left.set_xlim(lo, hi * 6)  # room for the labels
    left.set_xlabel("whole workload, µs (log; each key times its layers)")
    left.legend(fontsize=7, loc="lower right")
    right.set_xlim(0, 100)
    right.set_xlabel("share of the tuned workload time by kernel family (%)")
    right.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    right.set_yticklabels([])
    return [Figure("fig-summary", "Summary: each device's whole workload, and where its time goes",
                   "Left: the workload's time with the tuned configs and with the default launch (keys measured "
                   "with both; each key counted once per layer that has it). Right: each kernel family's share "
                   "of the tuned time.", _png(fig))]


def limits(summary: List[Dict[str, Any]]) -> List[Figure]:
    rows = [(s["device"], f) for s in summary for f in s["families"] if f["of_limit"] is not None]
    if not rows:
        return []
    devices = list(dict.fromkeys(d for d, _ in rows))
    families = list(dict.fromkeys(f["family"] for _, f in rows))
    fig, ax = plt.subplots(figsize=(WIDTH, _height(len(families) * len(devices) * 0.6)))
    h = 0.8 / len(devices)
    for j, d in enumerate(devices):
        by = {f["family"]: f for dd, f in rows if dd == d}
        for i, fam in enumerate(families):
            f = by.get(fam)
            if f is None:
                continue
            v = 100 * f["of_limit"]
            ax.barh(i + j * h, v, height=h, color=COLORS[j % len(COLORS)], label=d)
            ax.annotate(f"{sig(v)} % of {'GFLOP/s' if f['bound'] == 'compute' else 'GB/s'}", (v, i + j * h), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=7)
    handles, labels = ax.get_legend_handles_labels()
    seen = dict(zip(labels, handles))
    ax.legend(seen.values(), seen.keys(), fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_yticks([i + 0.4 - h / 2 for i in range(len(families))], families, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(100.0, ax.get_xlim()[1] * 1.15))
    ax.set_xlabel("fraction of the device's limit that binds the family (%, --limits)")
    ax.grid(axis="x", alpha=0.3)
    return [Figure("fig-limits", "Summary: each kernel family against the device's limit",
                   "Per family, its achieved GFLOP/s or GB/s over the whole workload as a fraction of the device's "
                   "peak given with --limits: GFLOP/s for compute-bound families (FLOPs per byte above the device's "
                   "ridge point), GB/s for memory-bound ones.", _png(fig))]


def device_state(states: List[Dict[str, Any]]) -> List[Figure]:
    figs = []
    for n, row in enumerate(r for r in states if r["series"]["clock"] or r["series"]["temperature"]):
        fig, ax = plt.subplots(figsize=(WIDTH, 3.0))
        for j, (source, pts) in enumerate(row["series"]["temperature"].items()):
            ax.plot([x for x, _ in pts], [y for _, y in pts], marker="o", ms=4, color=COLORS[j % len(COLORS)],
                    label=f"temperature: {source}")
        ax.set_xlabel("seconds since the run started")
        ax.set_ylabel("temperature (C)")
        ax.grid(alpha=0.3)
        handles, labels = ax.get_legend_handles_labels()
        if row["series"]["clock"]:
            ax2 = ax.twinx()
            for j, (source, pts) in enumerate(row["series"]["clock"].items()):
                ax2.plot([x for x, _ in pts], [y for _, y in pts], marker="s", ms=4, ls="--",
                         color=COLORS[(j + 3) % len(COLORS)], label=f"clock: {source}")
            ax2.set_ylabel("clock (MHz)")
            lo, hi = ax2.get_ylim()
            ax2.set_ylim(0, hi * 1.15)
            h2, l2 = ax2.get_legend_handles_labels()
            handles, labels = handles + h2, labels + l2
        ax.legend(handles, labels, fontsize=7, loc="upper left", bbox_to_anchor=(1.08, 1))
        caption = ("Readings at the run's start and end, and the GPU temperature before and after each cool-down "
                   "between keys. ")
        caption += f"Flagged: {row['flags']}." if row["flags"] else "Not flagged."
        figs.append(Figure(f"fig-state-{n}", f"Device state over {row['run']}", caption, _png(fig)))
        if len(figs) == 8:
            break
    return figs


def all_figures(summary: List[Dict[str, Any]], states: List[Dict[str, Any]]) -> Dict[str, List[Figure]]:
    return {"summary": totals(summary) + limits(summary), "state": device_state(states)}
