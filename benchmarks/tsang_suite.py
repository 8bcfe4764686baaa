"""T-NID on the synthetic suite F1–F10: the paper's Tables 1 and 2, reproduced.

Per function and trial (a new data draw and a new network each), following §6 of the
T-NID paper and NID's protocol: 30,000 points, train / validation / test = 10,000 each;
a GELU MLP 140-100-60-20 trained with Adam (lr 3e-3, batch 256, ≤ 200 epochs, early
stopping with patience 10 on the validation third); T-NID with ℓ = 5, o = 2, k = 10.

Reported per function (mean ± std over trials): pairwise AUC next to the published
T-NID, NID, NID+MLP-M and GLIDER numbers (T-NID Table 1); 3-, 4- and 5-way AUC against
the **full** ground truth (every k-subset of the 10 features, positive when contained
in a true set; the paper instead scored the union of NID's and T-NID's findings);
NID's any-order R-precision; the network's test R²; training and detection times.

    python benchmarks/tsang_suite.py                      # 10 functions × 10 trials
    python benchmarks/tsang_suite.py --trials 2 --functions F2 F6 F7
    python benchmarks/tsang_suite.py --representatives 256   # 256 random rows

Trials run in ``--jobs`` worker processes with ``--threads`` torch threads each
(default 2 × 1 on this 2-core machine). Prints a Markdown table and writes
``benchmarks/results/tsang_suite.json`` (or ``--output``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).parent / "results" / "tsang_suite.json"
FUNCTIONS = [f"F{i}" for i in range(1, 11)]

# Published pairwise AUCs (T-NID paper, Table 1).
PUBLISHED = {
    "T-NID": [0.962, 0.885, 0.999, 0.998, 0.991, 0.954, 0.98, 1.0, 0.98, 1.0],
    "NID": [0.970, 0.79, 0.999, 0.85, 1.0, 0.98, 0.84, 0.989, 0.83, 0.995],
    "NID+MLP-M": [0.995, 0.85, 1.0, 0.996, 1.0, 0.70, 0.82, 0.989, 0.83, 0.99],
    "GLIDER": [0.973, 0.84, 0.919, 0.951, 0.997, 0.767, 0.751, 0.998, 0.754, 0.974],
}
# T-NID Table 2 averages (3-, 4-, 5-way), scored on the union of NID's and T-NID's finds.
PUBLISHED_HIGHER = {"T-NID": [0.76, 0.78, 0.97], "NID": [0.08, 0.75, 0.92]}


def _representatives(value: str):
    return int(value) if value.isdigit() else tuple(value.split(","))


def run_trial(name: str, trial: int, settings: dict, threads: int) -> dict:
    """Train and explain one network on one fresh draw of function ``name``."""
    import torch

    torch.set_num_threads(threads)
    from sk_interact import TNIDDetector
    from sk_interact.datasets import make_tsang_benchmark
    from sk_interact.metrics import interaction_auc_score, interaction_r_precision

    X, y, truth = make_tsang_benchmark(name, n_samples=30_000, random_state=trial)
    X_fit, y_fit, X_test, y_test = X[:20_000], y[:20_000], X[20_000:], y[20_000:]
    tnid = TNIDDetector(
        order=5,
        exhaustive_order=2,
        k=10,
        validation_fraction=0.5,  # the 10,000-row validation third, for early stopping
        random_state=trial,
        **settings,
    )
    start = time.perf_counter()
    tnid.fit(X_fit, y_fit)
    fit_seconds = time.perf_counter() - start
    # Detection alone: a re-fit finds the trained networks in the cache.
    start = time.perf_counter()
    tnid.fit(X_fit, y_fit)
    detect_seconds = time.perf_counter() - start

    result = {
        "function": name,
        "trial": trial,
        "pairwise_auc": interaction_auc_score(truth, tnid.interactions_, order=2, n_features=10),
        "r_precision": interaction_r_precision(truth, tnid.interactions_),
        "test_r2": float(tnid.score(X_test, y_test)),
        "epochs": [len(net.history) for net in tnid.nets_],
        "fit_seconds": fit_seconds,
        "detect_seconds": detect_seconds,
    }
    for order in (3, 4, 5):
        has_positive = any(len(s) >= order for s in truth)
        result[f"auc_{order}way"] = (
            interaction_auc_score(truth, tnid.interactions_, order=order, n_features=10)
            if has_positive
            else None
        )
    return result


def summarise(results: list[dict], functions: list[str]) -> dict:
    def stats(values):
        values = [v for v in values if v is not None]
        if not values:
            return None
        return {"mean": float(np.mean(values)), "std": float(np.std(values)), "n": len(values)}

    keys = ["pairwise_auc", "auc_3way", "auc_4way", "auc_5way", "r_precision", "test_r2"]
    per_function = {
        name: {k: stats([r[k] for r in results if r["function"] == name]) for k in keys}
        for name in functions
    }
    overall = {}
    for k in keys:
        means = [per_function[f][k]["mean"] for f in functions if per_function[f][k]]
        overall[k] = float(np.mean(means)) if means else None
    return {"per_function": per_function, "overall": overall}


def markdown(summary: dict, functions: list[str], settings: dict, wall: float, args) -> str:
    def cell(entry):
        return "—" if entry is None else f"{entry['mean']:.3f} ± {entry['std']:.3f}"

    index = [FUNCTIONS.index(f) for f in functions]
    lines = [
        f"T-NID on F1–F10: {args.trials} trials per function, {args.jobs} workers × "
        f"{args.threads} torch thread(s), wall time {wall / 60:.1f} min. Settings: "
        f"{settings}.",
        "",
        "| F | pairwise AUC | published T-NID | NID | NID+MLP-M | GLIDER "
        "| 3-way AUC | 4-way AUC | 5-way AUC | R-precision | test R² |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    per = summary["per_function"]
    for name, i in zip(functions, index):
        row = per[name]
        lines.append(
            f"| {name} | {cell(row['pairwise_auc'])} | {PUBLISHED['T-NID'][i]:.3f} "
            f"| {PUBLISHED['NID'][i]:.3f} | {PUBLISHED['NID+MLP-M'][i]:.3f} "
            f"| {PUBLISHED['GLIDER'][i]:.3f} | {cell(row['auc_3way'])} "
            f"| {cell(row['auc_4way'])} | {cell(row['auc_5way'])} "
            f"| {cell(row['r_precision'])} | {cell(row['test_r2'])} |"
        )

    def published_mean(method):
        return np.mean([PUBLISHED[method][i] for i in index])

    overall = summary["overall"]

    def fmt(value):
        return "—" if value is None else f"{value:.3f}"

    lines.append(
        f"| **mean** | **{fmt(overall['pairwise_auc'])}** | {published_mean('T-NID'):.3f} "
        f"| {published_mean('NID'):.3f} | {published_mean('NID+MLP-M'):.3f} "
        f"| {published_mean('GLIDER'):.3f} | {fmt(overall['auc_3way'])} "
        f"| {fmt(overall['auc_4way'])} | {fmt(overall['auc_5way'])} "
        f"| {fmt(overall['r_precision'])} | {fmt(overall['test_r2'])} |"
    )
    lines += [
        "",
        "Published T-NID Table 2 averages (3/4/5-way, scored on the union of NID's and "
        f"T-NID's findings, not the full ground truth): T-NID {PUBLISHED_HIGHER['T-NID']}, "
        f"NID {PUBLISHED_HIGHER['NID']}.",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", nargs="+", default=FUNCTIONS, choices=FUNCTIONS)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per worker")
    parser.add_argument(
        "--representatives",
        type=_representatives,
        default=("mean", "min", "mode", "random"),
        help="comma-separated aggregates, or a number of random rows (default: the paper's)",
    )
    parser.add_argument("--aggregation", default="mean")
    parser.add_argument("--n-estimators", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--max-epochs", type=int, default=200)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--lr-schedule", default="constant", choices=["constant", "plateau"])
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from joblib import Parallel, delayed

    settings = {
        "representatives": args.representatives,
        "aggregation": args.aggregation,
        "n_estimators": args.n_estimators,
        "batch_size": args.batch_size,
        "max_epochs": args.max_epochs,
        "hidden_layer_sizes": (140, 100, 60, 20),
        "activation": "gelu",
        "lr": 3e-3,
        "patience": args.patience,
        "lr_schedule": args.lr_schedule,
    }
    jobs = [(name, trial) for trial in range(args.trials) for name in args.functions]
    start = time.perf_counter()
    results = Parallel(n_jobs=args.jobs, verbose=0)(
        delayed(run_trial)(name, trial, settings, args.threads) for name, trial in jobs
    )
    wall = time.perf_counter() - start

    summary = summarise(results, args.functions)
    table = markdown(summary, args.functions, settings, wall, args)
    print(table)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "T-NID on the Tsang et al. (2018) suite F1-F10",
        "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()},
        "trials": args.trials,
        "jobs": args.jobs,
        "threads_per_job": args.threads,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "wall_seconds": wall,
        "summary": summary,
        "trials_detail": results,
        "published_pairwise_auc": PUBLISHED,
    }
    args.output.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
