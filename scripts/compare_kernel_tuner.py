#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Our strategies and Kernel Tuner's, side by side on the same recorded spaces, in one run: each space
# is written as a Kernel Tuner cache by `mace_tune replay --export-kt` (so both tools see exactly the
# same configs and failures), replayed by `mace_tune replay` and by Kernel Tuner's simulation mode
# restricted to the recorded configs, over the same number of seeds; one Markdown table comes out.
#
#   scripts/compare_kernel_tuner.py [--seeds 30] [--first-seed 1001] [--max-evals 1000] \
#       [--kt-python VENV/bin/python] [--jobs 2] [--out table.md] [--reversed] SPACE...
#
# A SPACE is what `mace_tune replay --space` takes, optionally prefixed with a label: LABEL=SPEC.
# Kernel Tuner (PyPI kernel_tuner) runs in --kt-python (default: this interpreter); the rest needs
# only the standard library. Evaluations count distinct configs, failures included, as in replay.
import argparse
import copy
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Tuple

KT_STRATEGIES = "random_sample,genetic_algorithm,dual_annealing,simulated_annealing,greedy_ils,diff_evo,pso,bayes_opt"
TOLERANCES = (0.01, 0.05)


# ---- Kernel Tuner's side (runs in --kt-python) ------------------------------------------------

_COSTS: Dict[str, Tuple[List[str], Dict[tuple, float]]] = {}


def _load_costs(path: str) -> Tuple[List[str], Dict[tuple, float]]:
    if path not in _COSTS:
        with open(path) as f:
            doc = json.load(f)
        keys = doc["tune_params_keys"]
        costs = {}
        for rec in doc["cache"].values():
            t = rec["time"]
            costs[tuple(rec[k] for k in keys)] = t if isinstance(t, (int, float)) else math.inf
        _COSTS[path] = (keys, costs)
    return _COSTS[path]


def _evals_to(order: List[tuple], costs: Dict[tuple, float]) -> List[int]:
    """Evaluations (distinct configs) until within each tolerance of the optimum; -1: never."""
    optimum = min(costs.values())
    out = []
    for tol in TOLERANCES:
        hit = next((i + 1 for i, c in enumerate(order) if costs[c] <= optimum * (1 + tol)), -1)
        out.append(hit)
    return out


_SPACES: Dict[str, object] = {}


def _reuse_searchspace(path: str) -> None:
    """Kernel Tuner builds its search space anew in every tune_kernel call, testing the restriction
    on every combination of the axes (about 10^6 for a CLBlast xgemm file, seconds each time); the
    space of one cache is the same in every run, so each worker process builds it once per file
    and gives every run a fresh copy: what a strategy proposes does not change (checked per seed)."""
    import kernel_tuner.interface as interface
    from kernel_tuner.searchspace import Searchspace

    def cached(*args, **kwargs):
        if path not in _SPACES:
            _SPACES[path] = Searchspace(*args, **kwargs)
        return copy.deepcopy(_SPACES[path])  # a run's own copy: strategies keep state in it

    interface.Searchspace = cached


# Wall seconds per Kernel Tuner run: on small spaces greedy_ils can cycle over seen configs forever.
# A run stopped there, or stopped by an exception inside Kernel Tuner, keeps what it evaluated until
# then (the table's wall-time notes count them).
RUN_LIMIT_S = int(os.environ.get("KT_RUN_LIMIT_S", "20"))


class _RunLimit(Exception):
    pass


def _record_order(order: List[tuple], keys: List[str]) -> None:
    """Every config the simulation runner answers, in order, so that a run stopped at its wall
    limit still counts what it evaluated (tune_kernel returns nothing when interrupted)."""
    from kernel_tuner.runners.simulation import SimulationRunner

    if not hasattr(SimulationRunner, "_original_run"):
        SimulationRunner._original_run = SimulationRunner.run

    def run(self, parameter_space, tuning_options):
        results = SimulationRunner._original_run(self, parameter_space, tuning_options)
        order.extend(tuple(r[k] for k in keys) for r in results if r)
        return results

    SimulationRunner.run = run


def _kt_one(task: Tuple[str, str, int, int]) -> Tuple[str, int, List[int], int, float, bool]:
    path, strategy, seed, max_evals = task
    import random
    import signal

    import numpy as np
    from kernel_tuner import tune_kernel

    _reuse_searchspace(path)
    keys, costs = _load_costs(path)
    with open(path) as f:
        doc = json.load(f)
    recorded = set(costs)
    # As replay does: no more evaluations than configs. Past that, several strategies keep
    # drawing configs already seen (free in simulation) and never reach max_fevals.
    max_evals = min(max_evals, len(recorded))

    def restrict(p: dict) -> bool:  # Kernel Tuner sees only the recorded configs, as replay does
        return tuple(p[k] for k in keys) in recorded

    answered: List[tuple] = []
    _record_order(answered, keys)
    random.seed(seed)
    np.random.seed(seed)

    def stop(_signum, _frame):
        raise _RunLimit()

    signal.signal(signal.SIGALRM, stop)
    signal.alarm(RUN_LIMIT_S)
    start, cut = time.time(), False
    try:
        tune_kernel(doc["kernel_name"], "", tuple(doc["problem_size"]), [], doc["tune_params"], lang="C",
                    restrictions=restrict, cache=path, simulation_mode=True, strategy=strategy,
                    strategy_options={"max_fevals": max_evals}, quiet=True, verbose=False)
    except _RunLimit:
        cut = True
    except Exception:  # a Kernel Tuner bug in one run (greedy_ils: a config without neighbours)
        cut = True     # counts like a cut run: what it evaluated until then
    finally:
        signal.alarm(0)
    wall = time.time() - start
    order, seen = [], set()
    for c in answered:
        if c not in seen and c in costs:
            seen.add(c)
            order.append(c)
    order = order[:max_evals]
    return strategy, seed, _evals_to(order, costs), len(order), wall, cut


def kt_worker(argv: List[str]) -> None:
    """--kt-worker CACHE STRATEGIES SEEDS FIRST_SEED MAX_EVALS JOBS: JSON on stdout."""
    import multiprocessing
    import warnings

    warnings.simplefilter("ignore")
    path, strategies, seeds, first, max_evals, jobs = argv[0], argv[1].split(","), *map(int, argv[2:6])
    tasks = [(path, s, first + k, max_evals) for s in strategies for k in range(seeds)]
    out: Dict[str, dict] = {s: {"evals": [], "proposed": [], "wall_s": 0.0, "cut": 0} for s in strategies}
    with multiprocessing.Pool(jobs) as pool:
        for strategy, _seed, evals, proposed, wall, cut in pool.imap(_kt_one, tasks):
            out[strategy]["evals"].append(evals)
            out[strategy]["proposed"].append(proposed)
            out[strategy]["wall_s"] += wall
            out[strategy]["cut"] += int(cut)
    json.dump(out, sys.stdout)


# ---- statistics -----------------------------------------------------------------------------------


def median(values: List[float]) -> float:
    v = sorted(math.inf if x < 0 else x for x in values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def share_within(values: List[int], limit: int) -> float:
    return sum(1 for x in values if 0 <= x <= limit) / len(values)


def mann_whitney_greater(a: List[float], b: List[float]) -> float:
    """One-sided p-value that `a` tends to be larger than `b` (normal approximation, ties corrected);
    not-reached (-1) counts as larger than everything."""
    big = 1e12
    xs = [(big if x < 0 else x, 0) for x in a] + [(big if x < 0 else x, 1) for x in b]
    xs.sort()
    ranks = [0.0] * len(xs)
    i, tie_term = 0, 0.0
    while i < len(xs):
        j = i
        while j + 1 < len(xs) and xs[j + 1][0] == xs[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        t = j - i + 1
        tie_term += t ** 3 - t
        i = j + 1
    n1, n2 = len(a), len(b)
    r1 = sum(r for r, (_, g) in zip(ranks, xs) if g == 0)
    u1 = r1 - n1 * (n1 + 1) / 2
    n = n1 + n2
    var = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)))
    if var <= 0:
        return 0.5
    z = (u1 - n1 * n2 / 2 - 0.5) / math.sqrt(var)  # continuity correction
    return 0.5 * math.erfc(z / math.sqrt(2))


# ---- our side and the table ---------------------------------------------------------------------


def run(cmd: List[str], **kw) -> str:
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, **kw).stdout


def sha256_of(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def saved_results(path: str, key: dict) -> Optional[dict]:
    """What an earlier run saved at `path` under the same key, or None: results are reused only for
    the same inputs and options."""
    if os.path.exists(path):
        with open(path) as f:
            old = json.load(f)
        if old.get("key") == key:
            return old
    return None


def save_results(path: str, key: dict, **fields) -> None:
    with open(path, "w") as f:
        json.dump({"key": key, **fields}, f)


def ours(mace: str, spec: str, strategies: str, a: argparse.Namespace, cache: str) -> dict:
    """Our replay's JSON, from an earlier run of the same binary, space and options when saved."""
    key = {"tool": sha256_of(mace), "space": sha256_of(cache), "strategies": strategies, "seeds": a.seeds,
           "first_seed": a.first_seed, "max_evals": a.max_evals}
    saved = cache + ".ours.json"
    old = saved_results(saved, key)
    if old is not None:
        return old["results"]
    out = json.loads(run([mace, "replay", "--strategy", strategies, "--seeds", str(a.seeds), "--first-seed",
                          str(a.first_seed), "--max-evals", str(a.max_evals), "--space", spec, "--json"]))
    save_results(saved, key, results=out)
    return out


def fmt_median(m: float, limit: int) -> str:
    if math.isinf(m):
        return f">{limit}"
    return f"{m:.0f}" if m == int(m) else f"{m:.1f}"


def kernel_tuner_runs(cache: str, a: argparse.Namespace) -> Tuple[dict, float]:
    """Kernel Tuner's results on `cache`, from an earlier run of the same space, strategies, seeds
    and budget when one was saved beside it (so a change on our side reruns only ours)."""
    key = {"cache_sha256": sha256_of(cache), "strategies": a.kt, "seeds": a.seeds, "first_seed": a.first_seed,
           "max_evals": a.max_evals}
    saved = cache + ".kt_results.json"
    old = saved_results(saved, key)
    if old is not None:
        return old["results"], old["wall_s"]
    t0 = time.time()
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    kt = json.loads(run([a.kt_python, os.path.abspath(__file__), "--kt-worker", cache, a.kt, str(a.seeds),
                         str(a.first_seed), str(a.max_evals), str(a.jobs)], env=env))
    wall = time.time() - t0
    save_results(saved, key, results=kt, wall_s=wall)
    return kt, wall


def reverse_values(cache: str) -> str:
    """The same space with every axis' values listed in reverse order (the same configs and times),
    as a Kernel Tuner cache beside `cache`: what a strategy finds should not depend on that order,
    yet Kernel Tuner's diff_evo evaluates its initial population (a Latin hypercube of most of a
    small space) in the order its search space enumerates the configs."""
    with open(cache) as f:
        doc = json.load(f)
    doc["tune_params"] = {k: list(reversed(v)) for k, v in doc["tune_params"].items()}
    out = cache[:-len(".json")] + "_reversed.json"
    with open(out, "w") as f:
        json.dump(doc, f)
    return out


def space_rows(label: str, spec: str, a: argparse.Namespace, workdir: str,
               reverse: bool = False) -> Tuple[List[str], dict]:
    cache = os.path.join(workdir, label.replace("/", "_").replace(":", "_") + ".json")
    run([a.mace_tune, "replay", "--space", spec, "--export-kt", cache])
    if reverse:
        cache = reverse_values(cache)
        spec, label = "kt:" + cache, label + " (values reversed)"
    t0 = time.time()
    mine = ours(a.mace_tune, spec, a.ours, a, cache)
    ours_wall = time.time() - t0
    kt, kt_wall = kernel_tuner_runs(cache, a)
    first = mine["results"][0]
    size = first["space_size"]
    exact = [first["within_1pct"]["random_exact_median"], first["within_5pct"]["random_exact_median"]]
    # The tolerance a space is judged at: 5%, or 1% where 5% needs no search (random's median < 10).
    tol = 1 if exact[1] >= 10 else 0
    rows: Dict[str, List[List[int]]] = {}
    for r in mine["results"]:
        rows[r["strategy"]] = [r["within_1pct"]["per_seed"], r["within_5pct"]["per_seed"]]
    for s, d in kt.items():
        rows["KT " + s] = [[e[0] for e in d["evals"]], [e[1] for e in d["evals"]]]
    lines = []
    for name, ev in rows.items():
        cells = [fmt_median(median(ev[j]), a.max_evals) for j in (0, 1)]
        ratio = median(ev[tol]) / exact[tol]
        shares = [f"{100 * share_within(ev[j], lim):.0f}%" for j in (0, 1) for lim in (100, 300)]
        lines.append(f"| {label} | {name} | {cells[0]} | {cells[1]} | {ratio:.2f} | " + " | ".join(shares) + " |")
    kt_names = [n for n in rows if n.startswith("KT ")]
    best_kt = min(kt_names, key=lambda n: (median(rows[n][tol]), -share_within(rows[n][tol], 300)))
    default = mine["results"][0]["strategy"]  # the first of --ours, by its name
    p = mann_whitney_greater(rows[default][tol], rows[best_kt][tol])
    summary = {"label": label, "size": size, "tol": TOLERANCES[tol], "random_exact": exact[tol],
               "ours": median(rows[default][tol]), "ours_300": share_within(rows[default][tol], 300),
               "kt_best": best_kt, "kt_best_median": median(rows[best_kt][tol]), "p_worse": p,
               "ours_wall_s": ours_wall, "kt_wall_s": kt_wall,
               "kt_strategy_wall_s": {s: d["wall_s"] for s, d in kt.items()},
               "kt_cut": {s: d.get("cut", 0) for s, d in kt.items()}}
    return lines, summary


def summary_line(s: dict, limit: int) -> str:
    ratio = s["ours"] / s["random_exact"]
    goals = [ratio <= 1 / 3, s["ours_300"] >= 0.9, s["p_worse"] >= 0.05]
    met = "yes" if all(goals) else "no (" + ", ".join(
        n for n, ok in zip(["ratio", "300", "vs KT"], goals) if not ok) + ")"
    ex = s["random_exact"]
    return (f"| {s['label']} | {s['size']} | {s['tol']:.0%} | {ex:g} | {fmt_median(s['ours'], limit)} | {ratio:.2f} | "
            f"{100 * s['ours_300']:.0f}% | {s['kt_best'][3:]} {fmt_median(s['kt_best_median'], limit)} | "
            f"{s['p_worse']:.3f} | {met} |")


def wall_line(s: dict) -> str:
    cut = {k: v for k, v in s["kt_cut"].items() if v}
    return (f"- {s['label']}: ours {s['ours_wall_s']:.0f} s; Kernel Tuner {s['kt_wall_s']:.0f} s wall "
            f"({', '.join(f'{k} {v:.0f}' for k, v in s['kt_strategy_wall_s'].items())} s of runs)"
            + (f"; stopped at {RUN_LIMIT_S} s or by an error: " + ", ".join(f"{k} {v} runs" for k, v in cut.items())
               if cut else ""))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--kt-worker":
        kt_worker(sys.argv[2:])
        return
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("spaces", nargs="+", help="LABEL=SPEC or SPEC, as mace_tune replay --space takes")
    p.add_argument("--mace-tune", default="build/apps/mace_tune")
    p.add_argument("--kt-python", default=sys.executable, help="a Python with kernel_tuner installed")
    p.add_argument("--ours", default="default,random", help="our strategies ('default': tune's); the first is judged")
    p.add_argument("--kt", default=KT_STRATEGIES, help="Kernel Tuner strategies")
    p.add_argument("--seeds", type=int, default=30)
    p.add_argument("--first-seed", type=int, default=1001)
    p.add_argument("--max-evals", type=int, default=1000)
    p.add_argument("--jobs", type=int, default=2, help="Kernel Tuner runs in parallel")
    p.add_argument("--workdir", default=None, help="where the exported caches and Kernel Tuner's results go "
                   "(default: a temporary folder); results saved there for the same space, strategies, seeds "
                   "and budget are reused")
    p.add_argument("--out", default=None, help="also write the tables (Markdown) here")
    p.add_argument("--reversed", action="store_true", help="also judge each space with every axis' values "
                   "listed in reverse order (the same configs and times): a result that changes is an artefact "
                   "of the order in which a strategy visits the configs")
    a = p.parse_args()
    workdir = a.workdir or tempfile.mkdtemp(prefix="compare_kt_")
    os.makedirs(workdir, exist_ok=True)
    detail = ["| space | strategy | median to 1% | median to 5% | median / random's exact | 1% in 100 | 1% in 300 "
              "| 5% in 100 | 5% in 300 |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    summary = ["| space | configs | judged at | random (exact median) | ours | ours / random | ours within 300 "
               "| Kernel Tuner's best | p (ours worse) | goals met |", "|---|---:|---:|---:|---:|---:|---:|---|---:|---|"]
    walls = []
    for item in a.spaces:
        label, spec = item.split("=", 1) if "=" in item.split(":", 1)[0] else (item.rsplit("/", 1)[-1], item)
        for reverse in (False, True) if a.reversed else (False,):
            lines, s = space_rows(label, spec, a, workdir, reverse)
            detail += lines
            summary.append(summary_line(s, a.max_evals))
            print("\n".join(lines), file=sys.stderr, flush=True)
            walls.append(wall_line(s))
            print(summary[-1], file=sys.stderr, flush=True)
    text = "\n".join(summary) + "\n\n" + "\n".join(detail) + "\n\nWall time:\n" + "\n".join(walls) + "\n"
    text = (f"{a.seeds} seeds from {a.first_seed}, at most {a.max_evals} evaluations each; ours: {a.ours}; "
            f"Kernel Tuner: {a.kt}\n\n") + text
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
