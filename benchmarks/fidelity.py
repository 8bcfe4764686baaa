"""Does the ``interaction_fidelity`` scorer choose ``order`` without a ground truth?

For each function and seed, ``GridSearchCV(TNIDDetector(...), {"order": [2, 3],
"n_interaction_features": [3, 10]}, cv=3)`` is scored by the fidelity scorer, and the
table reports the order and number of sets it chose, against the order of the
function's strongest planted interaction. Three rules are computed from the same
boosting fits (one ``breakdown`` per candidate and split):

* ``t=2``: the scorer's default (each order credited with its held-out gain less two
  standard errors);
* ``t=1``: the one-standard-error rule;
* ``plain``: the fidelity of all selected sets, no penalty (``threshold=0``), the naive
  criterion that "always rewards more allowed sets".

Functions. The two ``tune_*`` functions are the ones the scorer's defaults (the
boosting settings, ``threshold=2``) were chosen on. Every other function was written
before those runs and not looked at while choosing them: pairs-only functions with
normal and uniform inputs (one with a chain of pairs sharing a feature, ``x0·x1 +
x1·x2``, which looks like a triple to a detector), functions with a planted triple,
and F5, F8 and F10 of Tsang et al. (2018), each of which has a 3-way term.

Detector: ``TNIDDetector(hidden_layer_sizes=(32, 16), max_epochs=60,
random_state=seed)`` (the test settings), 2,000 rows. One network per split is trained
(the grid reuses it through the network cache).

Run ``python benchmarks/fidelity.py`` (about 6 minutes on one core; ``--quick``: one
seed). Writes ``benchmarks/results/fidelity.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import GridSearchCV

from sk_interact import TNIDDetector
from sk_interact.datasets import make_tsang_benchmark
from sk_interact.metrics import make_interaction_fidelity_scorer

RESULTS = Path(__file__).parent / "results" / "fidelity.json"
N_SAMPLES = 2000
GRID = {"order": [2, 3], "n_interaction_features": [3, 10]}
THRESHOLDS = {"t=2": 2.0, "t=1": 1.0, "plain": 0.0}


def _uniform(rng, n, d):
    return rng.uniform(-1, 1, size=(n, d))


def _normal(rng, n, d):
    return rng.normal(size=(n, d))


def tune_pairs(rng, n):
    X = _uniform(rng, n, 8)
    y = X[:, 0] * X[:, 1] + np.sin(2 * X[:, 2]) * X[:, 3] + X[:, 4] + X[:, 5] ** 2
    return X, y + 0.1 * rng.normal(size=n), 2


def tune_triple(rng, n):
    X = _uniform(rng, n, 8)
    y = 2 * X[:, 0] * X[:, 1] * X[:, 2] + X[:, 3] * X[:, 4] + X[:, 5] + X[:, 6] ** 2
    return X, y + 0.1 * rng.normal(size=n), 3


def pairs_normal(rng, n):
    X = _normal(rng, n, 8)
    y = X[:, 0] * X[:, 2] + np.cos(X[:, 1]) * X[:, 4] + np.tanh(X[:, 3]) + 0.5 * X[:, 5]
    return X, y + 0.1 * rng.normal(size=n), 2


def pairs_chain(rng, n):
    X = _uniform(rng, n, 8)
    y = X[:, 0] * X[:, 1] + X[:, 1] * X[:, 2] + np.sin(2 * X[:, 3]) + X[:, 4] ** 2
    return X, y + 0.1 * rng.normal(size=n), 2


def pairs_many(rng, n):
    X = _uniform(rng, n, 10)
    y = (
        np.exp(X[:, 0]) * X[:, 1]
        + X[:, 2] * X[:, 3]
        + np.abs(X[:, 4] + X[:, 5])
        + X[:, 6]
        + 0.5 * X[:, 7] ** 3
    )
    return X, y + 0.1 * rng.normal(size=n), 2


def triple_normal(rng, n):
    X = _normal(rng, n, 8)
    y = X[:, 1] * X[:, 3] * X[:, 5] + np.sin(X[:, 0]) * X[:, 2] + 0.5 * X[:, 4] ** 2 + X[:, 6]
    return X, y + 0.1 * rng.normal(size=n), 3


def triple_exp(rng, n):
    X = _uniform(rng, n, 8)
    y = np.exp(X[:, 2]) * X[:, 5] * X[:, 6] + X[:, 0] * X[:, 1] + X[:, 3] + X[:, 4] ** 2
    return X, y + 0.1 * rng.normal(size=n), 3


def _tsang(name):
    def make(rng, n):
        X, y, truth = make_tsang_benchmark(name, n_samples=n, random_state=rng)
        return X, y, max(len(s) for s in truth)

    make.__name__ = name
    return make


FUNCTIONS = {
    "tune_pairs": tune_pairs,
    "tune_triple": tune_triple,
    "pairs_normal": pairs_normal,
    "pairs_chain": pairs_chain,
    "pairs_many": pairs_many,
    "triple_normal": triple_normal,
    "triple_exp": triple_exp,
    "F5": _tsang("F5"),
    "F8": _tsang("F8"),
    "F10": _tsang("F10"),
}


def _scoring(scorer):
    """One breakdown per candidate and split, read under every threshold."""

    def scoring(estimator, X, y):
        table = scorer.breakdown(estimator, X, y)
        main = table["fidelity"].iloc[0]
        gain, se = table["gain"].iloc[1:], table["se"].iloc[1:]
        return {name: float(main + (gain - t * se).sum()) for name, t in THRESHOLDS.items()}

    return scoring


def run(name: str, seed: int) -> dict:
    X, y, true_order = FUNCTIONS[name](np.random.RandomState(seed), N_SAMPLES)
    start = time.perf_counter()
    search = GridSearchCV(
        TNIDDetector(hidden_layer_sizes=(32, 16), max_epochs=60, random_state=seed),
        GRID,
        scoring=_scoring(make_interaction_fidelity_scorer(random_state=0, threshold=2.0)),
        refit=False,
        cv=3,
    ).fit(X, y)
    results = pd.DataFrame(search.cv_results_)
    row = {"function": name, "seed": seed, "true_order": min(true_order, 3)}
    for rule in THRESHOLDS:
        best = results.loc[results[f"rank_test_{rule}"].idxmin()]
        row[f"order_{rule}"] = int(best["param_order"])
        row[f"n_{rule}"] = int(best["param_n_interaction_features"])
        order3 = results[results["param_order"] == 3][f"mean_test_{rule}"].max()
        order2 = results[results["param_order"] == 2][f"mean_test_{rule}"].max()
        row[f"margin_{rule}"] = float(order3 - order2)  # > 0: order 3 preferred
    row["seconds"] = time.perf_counter() - start
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed")
    parser.add_argument("--functions", nargs="*", default=list(FUNCTIONS))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    seeds = [0] if args.quick else [0, 1, 2]
    rows = []
    for name in args.functions:
        for seed in seeds:
            rows.append(run(name, seed))
            print(
                f"{name:14s} seed {seed}: true {rows[-1]['true_order']}, chosen "
                + ", ".join(f"{r} {rows[-1][f'order_{r}']}" for r in THRESHOLDS)
                + f" ({rows[-1]['seconds']:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    table = pd.DataFrame(rows)
    columns = ["function", "seed", "true_order"]
    for rule in THRESHOLDS:
        columns += [f"order_{rule}", f"n_{rule}", f"margin_{rule}"]
    print(table[columns].to_string(index=False, float_format="{:+.4f}".format))
    print()
    held_out = table[~table["function"].str.startswith("tune_")]
    for rule in THRESHOLDS:
        right = (table[f"order_{rule}"] == table["true_order"]).sum()
        right_held = (held_out[f"order_{rule}"] == held_out["true_order"]).sum()
        print(
            f"{rule:6s}: right order in {right}/{len(table)} runs "
            f"({right_held}/{len(held_out)} on the held-out functions)"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"grid": GRID, "n_samples": N_SAMPLES, "seeds": seeds, "runs": rows}, indent=2)
        + "\n"
    )
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
