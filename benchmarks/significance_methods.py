"""The candidates for ``significance="auto"``, measured on one benchmark.

The issue that added significance named three ways to tell real interactions from the
leaks of a ranking. This script measures the two that ``TNIDDetector`` does not ship
against the one it does, on the data of ``benchmarks/significance.py`` (F1–F10 and the
additive A1, A2; 3,000 rows; the same draws per seed), with the same definitions of
FDR (false / max(selected, 1) per run, every discovery on A1/A2 false) and power (true
pairs holding ≥ 1% of the target's variance):

``knockoffs``
    Model-X knockoffs (Candès et al. 2018) for pairs, as DeepROCK and Diamond (Chen,
    Jiang, Noble & Lu 2023–24) use them: Gaussian knockoffs from ``knockpy``
    (``GaussianSampler``, its default minimum-reconstructability construction, the
    covariance estimated from ``X``), one ``TNIDDetector`` (default architecture) on
    ``[X, X̃]``, and for each pair of original features ``W = T(i, j) − T(ĩ, j̃)``
    with ``T`` the detector's strength; selected by the knockoff+ threshold
    (``offset=1``, which controls the FDR) and, as it needs about ``1 / q``
    selections before it selects any, also by the knockoff threshold (``offset=0``,
    which controls a modified FDR). Diamond's non-additivity distillation is not
    reproduced: this measures what the knockoff swap itself controls.
``knockoffs (one swapped)``
    Added after the first run had selected almost every pair: the same network, with
    each pair read against the pairs that swap one of its features for its knockoff,
    ``W = T(i, j) − max(T(ĩ, j), T(i, j̃))``, so that a pair whose one feature has no
    effect faces a counterpart that keeps the other's main effect (knockoff+).
``holdout``
    A held-out test of each pair against an additive fit: two-fold cross-fitting;
    per fold, ``HistGradientBoostingRegressor`` unconstrained and, per pair ``(i, j)``,
    with ``interaction_cst`` the two largest groups that keep ``i`` and ``j`` apart
    (every other interaction allowed, as in the shipped nulls), both with early
    stopping; the held-out squared-error gain of the unconstrained model, row by row
    over both folds, gives a one-sided z-test per pair; Benjamini–Hochberg over pairs.
``bootstrap``
    The shipped method, read from ``results/significance.json`` for the same
    functions and seeds (its cost is that file's re-timed ratio, seed 0).

Every design choice above was fixed before the first run. Cost is each method's time
over a plain ``TNIDDetector`` fit of the same data in the same process (1 torch
thread).

    python benchmarks/significance_methods.py              # 12 functions × 5 seeds
    python benchmarks/significance_methods.py --seeds 1 --functions F1 A1

Prints Markdown tables and writes ``benchmarks/results/significance_methods.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from scipy import stats

# benchmarks/significance.py: the same data, truth and variance shares
from significance import (
    LEVELS,
    RESULTS,
    TSANG,
    interval,
    load,
    make_truth,
    pair_variance_shares,
)
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import KFold

from sk_interact import TNIDDetector
from sk_interact._significance import benjamini_hochberg

METHODS = ("knockoffs", "knockoffs (offset 0)", "knockoffs (one swapped)", "holdout", "bootstrap")


def knockoff_statistics(X, y, seed: int) -> tuple[dict, dict]:
    """``W`` per pair of original features against the knockoff pair, and against the
    pairs with one feature swapped (see the module docstring)."""
    import knockpy

    d = X.shape[1]
    np.random.seed(seed)  # noqa: NPY002 (knockpy draws from numpy's global generator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler = knockpy.knockoffs.GaussianSampler(X, method="mvr")
        X_knockoff = sampler.sample_knockoffs()
    tnid = TNIDDetector(memory=None, random_state=seed).fit(np.hstack([X, X_knockoff]), y)
    strength = {
        tuple(s): v for s, v in zip(tnid.interactions_["indices"], tnid.interactions_["strength"])
    }
    W, W_one = {}, {}
    for i in range(d):
        for j in range(i + 1, d):
            T = strength[(i, j)]
            W[(i, j)] = T - strength[(i + d, j + d)]
            W_one[(i, j)] = T - max(strength[tuple(sorted((i + d, j)))], strength[(i, j + d)])
    return W, W_one


def knockoff_selection(W: dict, level: float, offset: int) -> set:
    from knockpy.knockoff_stats import data_dependent_threshhold

    pairs = list(W)
    values = np.array([W[p] for p in pairs])
    threshold = data_dependent_threshhold(values, fdr=level, offset=offset)
    return {p for p, w in zip(pairs, values) if w >= threshold and np.isfinite(threshold)}


def holdout_p_values(X, y, seed: int) -> dict:
    """One-sided p-value per pair (see the module docstring)."""
    d = X.shape[1]
    everything = list(range(d))

    def model(constraints=None):
        return HistGradientBoostingRegressor(
            max_iter=500,
            early_stopping=True,
            validation_fraction=0.1,
            n_iter_no_change=10,
            interaction_cst=constraints,
            random_state=seed,
        )

    pairs = [(i, j) for i in range(d) for j in range(i + 1, d)]
    gains = {p: np.zeros(len(y)) for p in pairs}
    for train, test in KFold(2, shuffle=True, random_state=seed).split(X):
        full = model().fit(X[train], y[train]).predict(X[test])
        full_loss = (y[test] - full) ** 2
        for i, j in pairs:
            groups = [[k for k in everything if k != i], [k for k in everything if k != j]]
            null = model(groups).fit(X[train], y[train]).predict(X[test])
            gains[(i, j)][test] = (y[test] - null) ** 2 - full_loss
    p = {}
    for pair, g in gains.items():
        spread = g.std(ddof=1)
        z = g.mean() / (spread / np.sqrt(len(g))) if spread > 0 else 0.0
        p[pair] = float(stats.norm.sf(z))
    return p


def run(name: str, seed: int, n: int) -> dict:
    X, y, truth = load(name, n, seed)
    start = time.perf_counter()
    TNIDDetector(memory=None, random_state=seed).fit(X, y)
    plain = time.perf_counter() - start

    start = time.perf_counter()
    W, W_one = knockoff_statistics(X, y, seed)
    knockoff_seconds = time.perf_counter() - start

    start = time.perf_counter()
    p = holdout_p_values(X, y, seed)
    holdout_seconds = time.perf_counter() - start
    pairs = list(p)
    q = benjamini_hochberg(np.array([p[s] for s in pairs]))

    selected = {}
    for level in LEVELS:
        selected[str(level)] = {
            "knockoffs": sorted(knockoff_selection(W, level, offset=1)),
            "knockoffs (offset 0)": sorted(knockoff_selection(W, level, offset=0)),
            "knockoffs (one swapped)": sorted(knockoff_selection(W_one, level, offset=1)),
            "holdout": sorted(s for s, v in zip(pairs, q) if v <= level),
        }
    return {
        "function": name,
        "seed": seed,
        "pairs": [list(s) for s in pairs],
        "true": [any(set(s) <= set(t) for t in truth) for s in pairs],
        "W": [W[s] for s in pairs],
        "W_one_swapped": [W_one[s] for s in pairs],
        "holdout_p": [p[s] for s in pairs],
        "selected": {
            lv: {m: [list(s) for s in v] for m, v in sel.items()} for lv, sel in selected.items()
        },
        "plain_seconds": plain,
        "seconds": {"knockoffs": knockoff_seconds, "holdout": holdout_seconds},
    }


def bootstrap_selections(runs: list[dict]) -> None:
    """Add the shipped method's selections and cost from ``results/significance.json``."""
    stored = json.loads((RESULTS / "significance.json").read_text())
    by_key = {(r["function"], r["seed"]): r for r in stored["runs"]}
    cost = stored["summary"]["cost"]
    for r in runs:
        b = by_key[(r["function"], r["seed"])]
        for level in LEVELS:
            r["selected"][str(level)]["bootstrap"] = [
                list(s) for s, q in zip(b["sets"], b["q_value"]) if q <= level
            ]
        r["seconds"]["bootstrap_ratio"] = cost[r["function"]]["ratio"] if r["seed"] == 0 else None


def summarise(runs: list[dict], shares: dict) -> dict:
    table = {}
    for method in METHODS:
        table[method] = {}
        for level in LEVELS:
            proportions, any_additive, hits = [], [], []
            for r in runs:
                chosen = {tuple(s) for s in r["selected"][str(level)][method]}
                truth = make_truth(r["function"]) if r["function"] in TSANG else []
                false = sum(not any(set(s) <= set(t) for t in truth) for s in chosen)
                if r["function"] in TSANG:
                    proportions.append(false / max(len(chosen), 1))
                    for s, v in shares[r["function"]].items():
                        if v >= 0.01 and any(set(s) <= set(t) for t in truth):
                            hits.append(s in chosen)
                else:
                    any_additive.append(bool(chosen))
                    proportions.append(float(bool(chosen)))
            mean, low, high = interval(proportions)
            table[method][str(level)] = {
                "fdr": mean,
                "low": low,
                "high": high,
                "runs_with_discovery_additive": float(np.mean(any_additive)),
                "power": float(np.mean(hits)),
                "pairs": len(hits),
            }
        if method == "bootstrap":
            ratios = [
                r["seconds"]["bootstrap_ratio"] for r in runs if r["seconds"]["bootstrap_ratio"]
            ]
        else:
            key = "knockoffs" if method.startswith("knockoffs") else method
            ratios = [r["seconds"][key] / r["plain_seconds"] for r in runs]
        table[method]["cost"] = {
            "median": float(np.median(ratios)),
            "low": float(np.min(ratios)),
            "high": float(np.max(ratios)),
        }
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", nargs="+", default=[*TSANG, "A1", "A2"])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--n-samples", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--output", type=Path, default=RESULTS / "significance_methods.json")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    shares = {name: pair_variance_shares(name) for name in args.functions if name in TSANG}
    runs = []
    for name in args.functions:
        for seed in range(args.seeds):
            runs.append(run(name, seed, args.n_samples))
            r = runs[-1]
            picked = r["selected"]["0.1"]
            print(
                f"{name} seed {seed}: at 0.1 knockoff+ {len(picked['knockoffs'])}, "
                f"knockoff {len(picked['knockoffs (offset 0)'])}, "
                f"one swapped {len(picked['knockoffs (one swapped)'])}, "
                f"holdout {len(picked['holdout'])}; "
                f"plain {r['plain_seconds']:.1f} s, knockoffs {r['seconds']['knockoffs']:.1f} s, "
                f"holdout {r['seconds']['holdout']:.1f} s",
                flush=True,
            )
    bootstrap_selections(runs)
    table = summarise(runs, shares)
    print(f"\nCandidates for significance (torch threads: {args.threads}, n = {args.n_samples})\n")
    print(
        "| method | nominal FDR | empirical FDR [95% interval] | additive runs with a "
        "discovery | power | cost (× plain fit, median [range]) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for method, entry in table.items():
        c = entry["cost"]
        for level in LEVELS:
            e = entry[str(level)]
            print(
                f"| {method} | {level} | {e['fdr']:.3f} [{e['low']:.3f}, {e['high']:.3f}] | "
                f"{e['runs_with_discovery_additive']:.2f} | "
                f"{e['power']:.2f} ({e['pairs']} pairs) | "
                f"{c['median']:.1f} [{c['low']:.1f}–{c['high']:.1f}] |"
            )
    meta = {
        "threads": args.threads,
        "n_samples": args.n_samples,
        "seeds": args.seeds,
        "machine": platform.machine(),
        "torch": torch.__version__,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(dump(meta, table, runs))


def dump(meta: dict, table: dict, runs: list[dict]) -> str:
    """The results as JSON: the summary indented, each run on one line."""
    lines = ",\n".join(json.dumps(r) for r in runs)
    return (
        f'{{"meta": {json.dumps(meta)},\n"summary": {json.dumps(table, indent=1)},\n'
        f'"runs": [\n{lines}\n]}}\n'
    )


if __name__ == "__main__":
    main()
