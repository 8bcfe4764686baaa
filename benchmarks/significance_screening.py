"""Many columns: testing every pair on all rows, or screening on half and testing the rest.

With ``p`` columns the significance test corrects for ``p (p − 1) / 2`` pairs
(Benjamini–Hochberg), and a network on few rows and many columns of no effect fits
less well, so its null networks, trained on noisier targets, leak more. Both cost
power. The recipe the user guide gives for such tables splits the rows: on the first
half, a ``TNIDDetector`` without significance is fitted and scikit-learn's
``permutation_importance`` picks the ten most important columns; on the second half,
which played no part in the choice, ``TNIDDetector(significance="auto")`` tests the
pairs of those ten. The choice is independent of the rows tested, so the test's error
control holds as on any ten-column table. Its settings (half the rows, ten columns,
three permutation repeats) were fixed before this benchmark's first run.

Functions (150 standard normal columns, 2,000 rows, normal noise of spread 0.3):

* ``pair``: ``x0·x1 + sin(x2) + x3`` (one planted pair; development: probed before);
* ``additive``: ``x0 + |x1| + sin(2·x2) + x3`` (no interaction; development);
* ``two pairs``: ``0.8·x5·x6 + 0.5·x7·x8 + x9 + sin(x5)`` (written with this script,
  held out: the recipe was not run on it before);
* ``pair, binary labels``: labels drawn with log-odds ``3·z``, ``z`` the standardized
  ``pair`` function, as ``significance.py --task classification`` draws them (added
  after the first run, and not run before it was added).

Per function and way: runs, planted pairs found at FDR 0.1, runs with a false selection,
false selections, the tested network's held-out score (R², or accuracy for labels), and
seconds per run.

    python benchmarks/significance_screening.py      # about 13 minutes on 2 cores

Writes ``benchmarks/results/significance_screening.json``.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.inspection import permutation_importance

from sk_interact import TNIDDetector

RESULTS = Path(__file__).parent / "results" / "significance_screening.json"
N_ROWS, N_COLUMNS, N_KEPT, FDR = 2000, 150, 10, 0.1
FUNCTIONS = {
    "pair": ([("x0", "x1")], lambda X: X.x0 * X.x1 + np.sin(X.x2) + X.x3),
    "pair, binary labels": ([("x0", "x1")], lambda X: X.x0 * X.x1 + np.sin(X.x2) + X.x3),
    "additive": ([], lambda X: X.x0 + np.abs(X.x1) + np.sin(2 * X.x2) + X.x3),
    "two pairs": (
        [("x5", "x6"), ("x7", "x8")],
        lambda X: 0.8 * X.x5 * X.x6 + 0.5 * X.x7 * X.x8 + X.x9 + np.sin(X.x5),
    ),
}


def table(name: str, seed: int):
    """``X`` (DataFrame), ``y`` and the planted pairs of function ``name``."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        rng.normal(size=(N_ROWS, N_COLUMNS)), columns=[f"x{i}" for i in range(N_COLUMNS)]
    )
    planted, function = FUNCTIONS[name]
    f = function(X).to_numpy()
    if name.endswith("binary labels"):
        z = (f - f.mean()) / f.std()
        return X, (rng.random(N_ROWS) < 1 / (1 + np.exp(-3 * z))).astype(int), planted
    return X, f + 0.3 * rng.normal(size=N_ROWS), planted


def every_pair(X, y, seed: int):
    """All columns, all rows: the fitted detector."""
    return TNIDDetector(significance="auto", random_state=seed).fit(X, y)


def screened(X, y, seed: int):
    """The ten most important columns on the first half (permutation importance of a
    detector fitted there), tested on the second half: the fitted detector."""
    half = len(X) // 2
    first = TNIDDetector(random_state=seed).fit(X.iloc[:half], y[:half])
    importance = permutation_importance(
        first, X.iloc[:half], y[:half], n_repeats=3, random_state=seed
    ).importances_mean
    kept = X.columns[np.argsort(importance)[::-1][:N_KEPT]]
    return TNIDDetector(significance="auto", random_state=seed).fit(X.iloc[half:][kept], y[half:])


WAYS = {"every pair, all rows": every_pair, "screened on half, tested on half": screened}


def run(name: str, way: str, seed: int) -> dict:
    X, y, planted = table(name, seed)
    start = time.perf_counter()
    detector = WAYS[way](X, y, seed)
    seconds = time.perf_counter() - start
    selected = [tuple(sorted(f)) for f in detector.select_interactions(fdr=FDR)["features"]]
    truth = {tuple(sorted(p)) for p in planted}
    return {
        "function": name,
        "way": way,
        "seed": seed,
        "pairs_tested": len(detector.interactions_),
        "selected": [" × ".join(s) for s in selected],
        "found": sum(s in truth for s in selected),
        "false": sum(s not in truth for s in selected),
        "planted": len(truth),
        "validation_score": detector.validation_score_,
        "seconds": seconds,
    }


def summarize(runs: list[dict]) -> list[dict]:
    rows = []
    for name in FUNCTIONS:
        for way in WAYS:
            these = [r for r in runs if r["function"] == name and r["way"] == way]
            if not these:
                continue
            rows.append(
                {
                    "function": name,
                    "way": way,
                    "runs": len(these),
                    "pairs_tested": these[0]["pairs_tested"],
                    "found": sum(r["found"] for r in these),
                    "planted": sum(r["planted"] for r in these),
                    "runs_with_false": sum(r["false"] > 0 for r in these),
                    "false": sum(r["false"] for r in these),
                    "validation_score": float(np.mean([r["validation_score"] for r in these])),
                    "seconds": float(np.mean([r["seconds"] for r in these])),
                }
            )
    return rows


def print_table(summary: list[dict], threads: int) -> None:
    print(f"\nAt FDR {FDR}, {N_ROWS} rows, {N_COLUMNS} columns (torch threads: {threads})\n")
    print(
        "| function | way | runs | pairs tested | planted pairs found | runs with a false "
        "selection | false selections | held-out score | seconds per run |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for s in summary:
        found = f"{s['found']} of {s['planted']}" if s["planted"] else "—"
        print(
            f"| {s['function']} | {s['way']} | {s['runs']} | {s['pairs_tested']} | {found} | "
            f"{s['runs_with_false']} | {s['false']} | {s['validation_score']:.3f} | "
            f"{s['seconds']:.0f} |"
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds of the screened way")
    parser.add_argument(
        "--seeds-every-pair", type=int, default=2, help="seeds of every pair (about 1 min each)"
    )
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore", UserWarning)
    seeds = {"every pair, all rows": args.seeds_every_pair}
    runs = []
    for name in FUNCTIONS:
        for way in WAYS:
            for seed in range(seeds.get(way, args.seeds)):
                runs.append(run(name, way, seed))
                r = runs[-1]
                print(
                    f"{name}, {way}, seed {seed}: selected {r['selected']} "
                    f"(score {r['validation_score']:.3f}, {r['seconds']:.0f} s)",
                    flush=True,
                )
    summary = summarize(runs)
    print_table(summary, args.threads)
    RESULTS.parent.mkdir(exist_ok=True)
    data = {"threads": args.threads, "fdr": FDR, "summary": summary, "runs": runs}
    RESULTS.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
