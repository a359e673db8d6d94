#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""mace_tune's report generator: one or more result databases (and mace_bench JSON files) ->
DIR/report.html (self-contained, plots embedded) + DIR/report.md, or the same tables as JSON, CSV
or Kernel Tuner T4 files. Run by `mace_tune report`; also runs on its own with Debian's python3.

  mace_tune_report.py DB... --out DIR [--format html|json|csv|t4] [--bench FILE.json]
                      [--limits DEVICE_SUBSTRING=GFLOPS,GBPS] [--workload FILE]
"""
from __future__ import annotations

import argparse
import datetime
import os
import sys
from typing import List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import report_data as rd  # noqa: E402
import report_render as rr  # noqa: E402
import report_states as rst  # noqa: E402


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="mace_tune report", description=__doc__.split("\n\n")[0])
    p.add_argument("databases", nargs="+", metavar="DB", help="mace_tune SQLite result databases")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory (created)")
    p.add_argument("--format", default="html", choices=["html", "json", "csv", "t4"],
                   help="html: report.html + report.md (default); json: report.json; csv: one file per "
                        "table; t4: Kernel Tuner T4 results per device and key")
    p.add_argument("--bench", action="append", default=[], metavar="FILE.json",
                   help="Google Benchmark JSON from mace_bench (repeatable)")
    p.add_argument("--limits", action="append", default=[], metavar="DEVICE=GFLOPS,GBPS",
                   help="device limits, e.g. from clpeak: 'H100=51000,3350' (substring of the device name)")
    p.add_argument("--workload", action="append", default=[], metavar="FILE",
                   help="workload file(s) for layer counts (default: the runs' bundled workloads)")
    p.add_argument("--tool-version", default="mace_tune_report.py", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def workload_dirs() -> List[str]:
    # Source tree (reports/../workloads) and install tree (share/mace_tune/reports/../workloads).
    return [os.path.join(HERE, "..", "workloads"), os.path.join(HERE, "..", "..", "workloads")]


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    data = rd.Data()
    try:
        for db in args.databases:
            rd.load_db(data, db)
            rst.load_states(data, db)
        for b in args.bench:
            rd.load_bench(data, b)
        rd.apply_limits(data, rd.parse_limits(args.limits))
        rd.load_workload_counts(data, args.workload, workload_dirs())
    except (ValueError, OSError) as e:
        print(f"mace_tune report: error: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # sqlite3.Error, json errors: one line, not a traceback
        print(f"mace_tune report: error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    if not any(d.measurements for d in data.devices) and not data.bench:
        print("mace_tune report: error: no measurement in " + ", ".join(args.databases), file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    generated = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    plots = None
    if args.format == "html":
        try:
            import report_plots as plots  # type: ignore[no-redef]
        except ImportError as e:
            print(f"mace_tune report: error: matplotlib is needed for HTML ({e}); install python3-matplotlib "
                  "or use --format json|csv|t4", file=sys.stderr)
            return 1
    report = rr.Report(data, args.tool_version, generated, plots)
    if args.format == "html":
        rr.write_html(report, os.path.join(args.out, "report.html"))
        rr.write_markdown(report, os.path.join(args.out, "report.md"))
        written = ["report.html", "report.md"]
    elif args.format == "json":
        rr.write_json(report, os.path.join(args.out, "report.json"))
        written = ["report.json"]
    elif args.format == "csv":
        written = rr.write_csv(report, args.out)
    else:
        written = rr.write_t4(report, args.out)
    figures = sum(len(v) for v in report.figures.values())
    print(f"wrote {len(written)} file(s) to {args.out}: {', '.join(written[:6])}{' ...' if len(written) > 6 else ''}"
          f" ({len(data.devices)} device(s), {sum(len(d.measurements) for d in data.devices)} evaluations"
          f"{f', {figures} figures' if figures else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
