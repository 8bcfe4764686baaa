"""Interactions with text columns: the levels' common shift, centred out or not.

The dummies of a text column sum to one on every row, so the data fix a network's cross
partials with them only up to a shift common to the levels; T-NID takes each text
column's share-weighted mean over its levels out of the block before its size is read
(``FeatureLayout.centre``). This benchmark measures what that changes: per function and
seed, one ``TNIDDetector`` (defaults) is fitted, and every pair's strength is read at its
representatives twice, as the ranking reads it (centred) and from the uncentred block
(the sum of the block's squared entries, as before centring).

Functions (2,000 rows; ``a``, ``b``, ``c`` uniform on [-1, 1]; ``g`` a text column of
four levels with shares 0.4/0.3/0.2/0.1 and level effects 0/1/-1/0.5; ``h`` one of two
levels; noise 0.1):

* ``null``: ``sin(2a) + b² + c + effect(g) + 0.5·[h = x]``, no interaction;
* ``number × four levels``: the same plus ``0.5 · c · effect(g)``;
* ``number × two levels``: the same as ``null`` plus ``0.7 · a · [h = x]``;
* ``number × two levels, weak``: ``null`` plus ``0.15 · a · [h = x]``; ``a`` is the
  number whose pair with ``h`` the uncentred block ranks high in ``null`` already;
* ``linear number × two levels, weak``: ``null`` plus ``0.15 · c · [h = x]``.

Reported per function: each pair's mean strength (centred and not) and its mean rank
among the 10 pairs, and the pairwise AUC of the planted pair where there is one.

    python benchmarks/text_levels.py            # 10 seeds, about 1 minute on 2 cores

Writes ``benchmarks/results/text_levels.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from sk_interact import TNIDDetector
from sk_interact.derivatives import mixed_partials

RESULTS = Path(__file__).parent / "results" / "text_levels.json"
LEVEL_EFFECT = {"p": 0.0, "q": 1.0, "r": -1.0, "s": 0.5}
FUNCTIONS = {
    "null": (None, lambda X, g: 0.0),
    "number × four levels": (("c", "g"), lambda X, g: 0.5 * X["c"] * g),
    "number × two levels": (("a", "h"), lambda X, g: 0.7 * X["a"] * (X["h"] == "x")),
    "number × two levels, weak": (("a", "h"), lambda X, g: 0.15 * X["a"] * (X["h"] == "x")),
    "linear number × two levels, weak": (
        ("c", "h"),
        lambda X, g: 0.15 * X["c"] * (X["h"] == "x"),
    ),
}


def table(seed: int, n: int = 2000):
    rng = np.random.RandomState(seed)
    X = pd.DataFrame({name: rng.uniform(-1, 1, n) for name in "abc"})
    X["g"] = rng.choice(list(LEVEL_EFFECT), n, p=[0.4, 0.3, 0.2, 0.1])
    X["h"] = rng.choice(["x", "y"], n)
    g = X["g"].map(LEVEL_EFFECT).to_numpy()
    y = np.sin(2 * X["a"]) + X["b"] ** 2 + X["c"] + g + 0.5 * (X["h"] == "x")
    return X, y + 0.1 * rng.randn(n), g, rng


def uncentred_strengths(tnid, pairs) -> np.ndarray:
    """Each pair's mean over the representatives of its block's sum of squares."""
    layout = tnid.network_.features
    columns, owner = layout.expand(pairs)
    points = tnid.representatives_.to_numpy(dtype=np.float64)
    index = torch.as_tensor(columns, dtype=torch.int64)
    values = tnid._per_network_and_class(mixed_partials, points, index)[0, 0]  # (R, M)
    squares = np.zeros((len(points), len(pairs)))
    np.add.at(squares.T, owner, (values**2).T)
    return squares.mean(axis=0)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore", UserWarning)
    runs = []
    for name, (planted, term) in FUNCTIONS.items():
        for seed in range(args.seeds):
            X, y, g, _ = table(seed)
            y = y + term(X, g)
            tnid = TNIDDetector(random_state=seed).fit(X, y)
            names = tnid.network_.features.feature_names
            pairs = list(itertools.combinations(range(len(names)), 2))
            ranking = tnid.interactions_.set_index("indices")
            centred = np.array([ranking.loc[[pair], "strength"].item() for pair in pairs])
            runs.append(
                {
                    "function": name,
                    "seed": seed,
                    "planted": planted,
                    "pairs": [f"{names[i]} × {names[j]}" for i, j in pairs],
                    "centred": centred.tolist(),
                    "uncentred": uncentred_strengths(tnid, pairs).tolist(),
                    "validation_r2": tnid.validation_score_,
                }
            )
            print(f"{name}, seed {seed}: R² {tnid.validation_score_:.3f}", flush=True)
    summary = summarize(runs)
    print_tables(summary, args.threads)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps({"threads": args.threads, "summary": summary, "runs": runs}, indent=1) + "\n"
    )
    print(f"wrote {RESULTS}")


def _ranks(values) -> np.ndarray:
    """1 for the strongest."""
    return np.argsort(np.argsort(-np.asarray(values), kind="stable"), kind="stable") + 1


def summarize(runs) -> dict:
    summary = {}
    for name, (planted, _) in FUNCTIONS.items():
        mine = [r for r in runs if r["function"] == name]
        pairs = mine[0]["pairs"]
        rows = []
        for p, pair in enumerate(pairs):
            row = {"pair": pair}
            for kind in ("centred", "uncentred"):
                row[kind] = float(np.mean([r[kind][p] for r in mine]))
                row[f"{kind}_rank"] = float(np.mean([_ranks(r[kind])[p] for r in mine]))
            rows.append(row)
        entry = {"pairs": rows}
        if planted is not None:
            label = " × ".join(planted)
            p = pairs.index(label)
            for kind in ("centred", "uncentred"):
                # AUC of one true pair among the others: the share of others below it
                entry[f"{kind}_auc"] = float(
                    np.mean([np.mean(np.delete(r[kind], p) < r[kind][p]) for r in mine])
                )
            entry["planted"] = label
        summary[name] = entry
    return summary


def print_tables(summary, threads) -> None:
    print(f"\ntorch threads: {threads}")
    for name, entry in summary.items():
        print(f"\n{name}" + (f" (planted {entry['planted']})" if "planted" in entry else ""))
        print(f"{'pair':<10} {'centred':>10} {'rank':>5} {'uncentred':>10} {'rank':>5}")
        for row in sorted(entry["pairs"], key=lambda r: -r["uncentred"]):
            print(
                f"{row['pair']:<10} {row['centred']:>10.2e} {row['centred_rank']:>5.1f} "
                f"{row['uncentred']:>10.2e} {row['uncentred_rank']:>5.1f}"
            )
        if "planted" in entry:
            print(f"AUC centred {entry['centred_auc']:.3f}, uncentred {entry['uncentred_auc']:.3f}")


if __name__ == "__main__":
    main()
