"""``significance="auto"`` on small tables whose labels the features nearly determine.

The classification benchmark (``significance.py --task classification``) draws labels
with log-odds ``3 z`` from functions of eight to ten features, nearly all of them with
an effect. A user's table is often smaller, with features of no effect, and with
labels the features nearly determine (held-out accuracy 0.85–0.95). There the null
networks, trained on labels drawn from boosting, learn strong main effects more weakly
than the real network does, and the shift that removes that gap
(``_significance._family_gap``) decides the error control. Two sets of functions,
3,000 rows, labels drawn with additive (or planted) log-odds:

* **development** (used to choose the shift, 10 seeds each): ``sin 2x0 + x1² + x2``
  of normal inputs among 4, 5, 6 or 8 features, log-odds that function over ``s``
  (``add_<d>_<s>``), and the same with ``γ (x0·x3 + x1·x2)`` planted
  (``int_<d>_<s>_<γ>``);
* **held out** (written before the shift was measured on them; 5 seeds each at
  first; seeds 5–9 first run with the development functions that chose the observed
  side's spread): ``H1``
  six uniform features, three active (``tanh``, ``exp``, ``|·|``), log-odds ``4 z``;
  ``H2`` three numbers and a five-level category, log-odds ``6 z``; ``H3`` seven
  features, four active, one of them a step, log-odds ``5 z``; ``H4`` six features and
  a planted ``x1·x4``, log-odds ``4 z``; ``H5`` three classes, softmax logits
  ``0``, ``f(x0) + f'(x1)``, ``g(x1) + g'(x2)`` of five features: additive logits, so
  no set is an interaction (the test's null for several classes, as in a multinomial
  logistic model), although class 0's log-odds against the rest, ``−log(e^f + e^g)``,
  which the ranking explains, holds every pair of ``x0, x1, x2``;
* **held out, added later** (written after the first run of the above, before any run
  of their own, 10 seeds each; ``H5`` re-run with them): ``H6`` three classes of six
  features, logits ``0``, ``2 (sin 2x0 + x1 + 0.7 x1·x3)``, ``2 (x2²/2 − 1/2 + x4)``:
  ``x1·x3`` planted; ``H7`` four classes of six features, additive logits ``0``,
  ``1.5 (x0 + cos 2x1)``, ``1.5 (x1² − 1 + tanh 2x2)``, ``1.5 (|x3| − x0 − 0.8)``;
* **held out for the centred logits** (written when the test's statistic for several
  classes became the centred logits, chosen from ``H5``–``H7``; before any run of their
  own, 10 seeds each): ``H8`` three classes of five numbers and a four-level category,
  logits ``0``, ``1.5 (x0 + cat)``, ``1.5 (x1² − 1 + x2 + 0.8 x0·x2)``: ``x0·x2``
  planted; ``H9`` four classes of five numbers and a three-level category, additive
  logits ``0``, ``1.2 (sin 2x0 + cat)``, ``1.2 (x1 − x2²/2)``, ``1.2 (|x3| + x0/2 −
  0.8)``;
* **held out for the observed side's spread** (written before any run of their own,
  before that spread was measured on the development functions and on ``H1``–``H9``,
  and run only once it was chosen, 10 seeds each):
  ``H10`` three classes of seven uniform features, two without effect, logits ``0``,
  ``2 (tanh 3x0 + x2)``, ``2 (3 x1² − 1 + [x3 > 0.2])``; ``H11`` binary, a fifth of
  the rows positive, log-odds ``3 z − 2.5`` of ``exp(x0/2) + |x1| + sin 2x2`` among six
  features; ``H12`` five classes of six features, additive logits; ``H13`` three
  classes of six correlated normal features (correlation 0.5), logits ``0``, ``2 (x0 +
  cos 2x2 + 0.7 x0·x1)``, ``2 (x1 − x3²/2)``: ``x0·x1`` planted; ``H14`` binary, six
  correlated normal features (0.6), additive log-odds ``4 z``.

Per run the statistics are kept and the p-values computed twice, on the same
networks: with the shipped gap (for each of the strongest sets, tested alone, the gap
weighted towards the strongest untested sets; for folds of weaker sets the median
gap) and with the median gap for every family, as before it. Reported per function
at FDR 0.1: runs with a false discovery, false discoveries, planted pairs found; then
the runs pooled by kind of table (binary or several classes, additive or planted,
development or held out), with a 95% interval for the share of runs with a false
discovery, and the FDR.

    python benchmarks/significance_classes.py --threads 2 --held-out-seeds 10

(about 35 minutes on two cores)

Writes ``benchmarks/results/significance_classes.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from scipy import special, stats

import sk_interact._significance as significance
from sk_interact import TNIDDetector

RESULTS = Path(__file__).parent / "results" / "significance_classes.json"
N = 3000


def development(d, s, gamma, seed):
    rng = np.random.default_rng(1000 * seed + d)
    X = rng.normal(size=(N, d))
    f = np.sin(2 * X[:, 0]) + X[:, 1] ** 2 + X[:, 2]
    f = f + gamma * X[:, 0] * X[:, 3] + gamma * X[:, 1] * X[:, 2]
    f = f - np.median(f)
    y = (rng.uniform(size=N) < special.expit(f / s)).astype(int)
    truth = {(0, 3), (1, 2)} if gamma else set()
    return pd.DataFrame(X, columns=[f"x{i}" for i in range(d)]), y, truth


def draw_classes(z, rng):
    """One class per row, drawn with probabilities ``softmax(z)`` (``z``: logits)."""
    cumulative = np.cumsum(special.softmax(z, axis=1), axis=1)[:, :-1]
    return (rng.uniform(size=(len(z), 1)) > cumulative).sum(axis=1)


def numbers_and_category(rng, effects):
    """Five normal columns and a category ``cat`` of the levels of ``effects``: the
    table, its numbers and each row's level effect."""
    x = rng.normal(size=(N, 5))
    X = pd.DataFrame(x, columns=[f"x{i}" for i in range(5)])
    X["cat"] = rng.choice(list(effects), N)
    return X, x, X["cat"].map(effects).to_numpy()


def correlated_normal(rng, d, rho):
    """``d`` standard normal columns with correlation ``rho`` between every two."""
    shared = rng.normal(size=(N, 1))
    return np.sqrt(rho) * shared + np.sqrt(1 - rho) * rng.normal(size=(N, d))


def held_out(name, seed):
    rng = np.random.default_rng(7000 + seed)
    truth = set()
    if name == "H1":
        X = rng.uniform(-1, 1, size=(N, 6))
        g = np.tanh(3 * X[:, 0]) + np.exp(X[:, 1]) / 2 + np.abs(X[:, 2])
        g = 4 * (g - g.mean()) / g.std()
    elif name == "H2":
        X = pd.DataFrame(
            {
                "u": rng.normal(size=N),
                "v": rng.normal(size=N),
                "w": rng.normal(size=N),
                "cat": rng.choice(list("abcde"), N),
            }
        )
        effect = {"a": -1.0, "b": -0.5, "c": 0.0, "d": 0.5, "e": 1.5}
        g = np.sin(X.u) + 0.5 * X.v**2 + X.cat.map(effect).to_numpy()
        g = 6 * (g - g.mean()) / g.std()
    elif name == "H3":
        X = rng.normal(size=(N, 7))
        g = (X[:, 0] > 0) * 1.0 + X[:, 1] + np.cos(X[:, 2]) + 0.5 * X[:, 3] ** 3
        g = 5 * (g - g.mean()) / g.std()
    elif name == "H4":
        X = rng.normal(size=(N, 6))
        g = np.sin(2 * X[:, 0]) + X[:, 1] + X[:, 2] ** 2 + 0.7 * X[:, 1] * X[:, 4]
        g = 4 * (g - g.mean()) / g.std()
        truth = {(1, 4)}
    elif name == "H11":  # about a fifth of the rows positive
        X = rng.normal(size=(N, 6))
        g = np.exp(X[:, 0] / 2) + np.abs(X[:, 1]) + np.sin(2 * X[:, 2])
        g = 3 * (g - g.mean()) / g.std() - 2.5
    elif name == "H14":  # correlated inputs
        X = correlated_normal(rng, 6, 0.6)
        g = X[:, 0] + np.tanh(2 * X[:, 1]) + X[:, 2] ** 2 / 2 - np.abs(X[:, 3])
        g = 4 * (g - g.mean()) / g.std()
    else:  # several classes: softmax logits, additive unless a product is planted
        if name == "H5":
            X = rng.normal(size=(N, 5))
            z = 2 * np.stack(
                [np.zeros(N), 2 * np.sin(X[:, 0]) + X[:, 1], X[:, 1] ** 2 - 1 + X[:, 2]], axis=1
            )
        elif name == "H6":
            X = rng.normal(size=(N, 6))
            first = np.sin(2 * X[:, 0]) + X[:, 1] + 0.7 * X[:, 1] * X[:, 3]
            second = X[:, 2] ** 2 / 2 - 0.5 + X[:, 4]
            z = 2 * np.stack([np.zeros(N), first, second], axis=1)
            truth = {(1, 3)}
        elif name == "H8":  # three classes, a category among the features
            X, x, level = numbers_and_category(rng, {"a": -1.0, "b": 0.0, "c": 0.5, "d": 1.0})
            first = x[:, 0] + level
            second = x[:, 1] ** 2 - 1 + x[:, 2] + 0.8 * x[:, 0] * x[:, 2]
            z = 1.5 * np.stack([np.zeros(N), first, second], axis=1)
            return X, draw_classes(z, rng), {(0, 2)}
        elif name == "H9":  # four classes, additive logits, a category
            X, x, level = numbers_and_category(rng, {"p": -0.5, "q": 0.0, "r": 1.0})
            z = 1.2 * np.stack(
                [
                    np.zeros(N),
                    np.sin(2 * x[:, 0]) + level,
                    x[:, 1] - x[:, 2] ** 2 / 2,
                    np.abs(x[:, 3]) + 0.5 * x[:, 0] - 0.8,
                ],
                axis=1,
            )
            return X, draw_classes(z, rng), set()
        elif name == "H10":  # three classes, uniform inputs, two without effect
            X = rng.uniform(-1, 1, size=(N, 7))
            first = np.tanh(3 * X[:, 0]) + X[:, 2]
            second = 3 * X[:, 1] ** 2 - 1 + (X[:, 3] > 0.2)
            z = 2 * np.stack([np.zeros(N), first, second], axis=1)
        elif name == "H12":  # five classes, additive logits
            X = rng.normal(size=(N, 6))
            z = 1.3 * np.stack(
                [
                    np.zeros(N),
                    X[:, 0] - 0.5 * X[:, 4],
                    np.sin(2 * X[:, 1]) + 0.5 * X[:, 0],
                    X[:, 2] ** 2 - 1,
                    np.abs(X[:, 3]) - 0.8 - 0.5 * X[:, 1],
                ],
                axis=1,
            )
        elif name == "H13":  # three classes, correlated inputs, x0·x1 planted
            X = correlated_normal(rng, 6, 0.5)
            first = X[:, 0] + np.cos(2 * X[:, 2]) + 0.7 * X[:, 0] * X[:, 1]
            second = X[:, 1] - X[:, 3] ** 2 / 2
            z = 2 * np.stack([np.zeros(N), first, second], axis=1)
            truth = {(0, 1)}
        else:  # H7: four classes
            X = rng.normal(size=(N, 6))
            z = 1.5 * np.stack(
                [
                    np.zeros(N),
                    X[:, 0] + np.cos(2 * X[:, 1]),
                    X[:, 1] ** 2 - 1 + np.tanh(2 * X[:, 2]),
                    np.abs(X[:, 3]) - X[:, 0] - 0.8,
                ],
                axis=1,
            )
        X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        return X, draw_classes(z, rng), truth
    if not isinstance(X, pd.DataFrame):
        X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    return X, (rng.uniform(size=N) < special.expit(g)).astype(int), truth


DEVELOPMENT = {
    f"add_{d}_{s}": (d, s, 0.0) for d, s in [(4, 0.2), (5, 0.2), (5, 0.5), (6, 0.35), (8, 0.2)]
} | {f"int_{d}_{s}_{g}": (d, s, g) for d, s, g in [(5, 0.5, 0.5), (5, 0.5, 0.25), (8, 0.3, 0.5)]}
HELD_OUT = [f"H{i}" for i in range(1, 15)]
#: Classes of the held-out functions with more than two.
CLASSES = {"H5": 3, "H6": 3, "H7": 4, "H8": 3, "H9": 4, "H10": 3, "H12": 5, "H13": 3}


def run(name, seed) -> dict:
    if name in DEVELOPMENT:
        X, y, truth = development(*DEVELOPMENT[name], seed)
    else:
        X, y, truth = held_out(name, seed)
    captured = []
    pooled = significance._pooled_p_values

    def keep(T, families=None, calibrate=False, **options):
        captured.append((T, families, calibrate, options))
        return pooled(T, families, calibrate, **options)

    significance._pooled_p_values = keep
    try:
        start = time.perf_counter()
        tnid = TNIDDetector(significance="auto", random_state=seed, memory=None).fit(X, y)
        seconds = time.perf_counter() - start
    finally:
        significance._pooled_p_values = pooled
    ((T, families, calibrate, options),) = captured  # one order, one call
    sets = [tuple(int(i) for i in s) for s in tnid.interactions_["indices"]]
    shipped = significance.benjamini_hochberg(tnid.interactions_["p_value"].to_numpy())
    # no family among the leading ones: the median gap for every family, as before
    options = {**options, "n_leading": 0}
    before = significance.benjamini_hochberg(pooled(T, families, calibrate, **options))
    result = {"function": name, "seed": seed, "validation_score": tnid.validation_score_}
    for label, q in (("shipped", shipped), ("median_gap", before)):
        selected = [s for s, value in zip(sets, q) if value <= 0.1]
        result[label] = {
            "selected": [list(s) for s in selected],
            "false": [list(s) for s in selected if s not in truth],
            "planted_found": sum(s in truth for s in selected),
        }
    result.update(planted=len(truth), seconds=seconds)
    return result


def pooled_runs(summary, runs) -> dict:
    """Runs pooled by kind of table (binary or several classes, additive or with a
    planted pair, development or held out): runs with a false discovery (shipped), with
    a 95% Clopper–Pearson interval, and the FDR, the mean over runs of the share of
    selected pairs that are false (on additive tables the same share of runs)."""
    groups = {}
    for name, entry in summary.items():
        classes = "several classes" if CLASSES.get(name, 2) > 2 else "binary"
        kind = "planted pair" if entry["planted"] else "additive"
        groups.setdefault(f"{classes}, {kind}, {entry['set']}", []).append(name)
    pooled = {}
    for label in sorted(groups):
        rs = [r["shipped"] for r in runs if r["function"] in groups[label]]
        false = sum(bool(r["false"]) for r in rs)
        interval = stats.binomtest(false, len(rs)).proportion_ci(method="exact")
        shares = [len(r["false"]) / max(len(r["selected"]), 1) for r in rs]
        pooled[label] = {
            "functions": groups[label],
            "runs": len(rs),
            "runs_with_false": false,
            "share": false / len(rs),
            "low": interval.low,
            "high": interval.high,
            "fdr": float(np.mean(shares)),
        }
    return pooled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--dev-seeds", type=int, default=10)
    parser.add_argument("--held-out-seeds", type=int, default=5)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--functions",
        nargs="+",
        choices=[*DEVELOPMENT, *HELD_OUT],
        help="run only these functions; the other functions' runs are kept from --output",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    plan = [(n, s) for n in DEVELOPMENT for s in range(args.dev_seeds)]
    plan += [(n, s) for n in HELD_OUT for s in range(args.held_out_seeds)]
    runs = []
    if args.functions:
        plan = [(n, s) for n, s in plan if n in args.functions]
        kept = json.loads(args.output.read_text())["runs"] if args.output.exists() else []
        runs = [r for r in kept if r["function"] not in args.functions]
    for name, seed in plan:
        runs.append(run(name, seed))
        r = runs[-1]
        print(
            f"{name} seed {seed}: accuracy {r['validation_score']:.3f}, selected "
            f"{r['shipped']['selected']} (median gap: {r['median_gap']['selected']}), "
            f"{r['seconds']:.0f} s",
            flush=True,
        )
    print(f"\nSmall tables, labels nearly determined; FDR 0.1 (torch threads: {args.threads})\n")
    print(
        "| function | set | runs | held-out accuracy | runs with a false discovery "
        "(median gap) | false discoveries (median gap) | planted found (median gap) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    summary = {}
    for name in [*DEVELOPMENT, *HELD_OUT]:
        rs = [r for r in runs if r["function"] == name]
        if not rs:
            continue
        entry = {
            "set": "development" if name in DEVELOPMENT else "held out",
            "runs": len(rs),
            "validation_score": float(np.mean([r["validation_score"] for r in rs])),
            "planted": sum(r["planted"] for r in rs),
        }
        for label in ("shipped", "median_gap"):
            entry[label] = {
                "runs_with_false": sum(bool(r[label]["false"]) for r in rs),
                "false": sum(len(r[label]["false"]) for r in rs),
                "planted_found": sum(r[label]["planted_found"] for r in rs),
            }
        summary[name] = entry
        s, m = entry["shipped"], entry["median_gap"]
        found = (
            f"{s['planted_found']}/{entry['planted']} ({m['planted_found']})"
            if entry["planted"]
            else "–"
        )
        print(
            f"| {name} | {entry['set']} | {entry['runs']} | {entry['validation_score']:.3f} | "
            f"{s['runs_with_false']} ({m['runs_with_false']}) | {s['false']} ({m['false']}) | "
            f"{found} |"
        )
    pooled = pooled_runs(summary, runs)
    print(
        "\nPooled (shipped): runs with a false discovery, with a 95% Clopper–Pearson "
        "interval. Exactly uniform, independent p-values give 10% on additive tables "
        "(Benjamini–Hochberg at 0.1 with no interaction to find makes a discovery with "
        "probability 0.1).\n"
    )
    print("| tables | runs | runs with a false discovery | share | 95% interval | FDR |")
    print("|---|---:|---:|---:|---|---:|")
    for label, entry in pooled.items():
        print(
            f"| {label} | {entry['runs']} | {entry['runs_with_false']} | {entry['share']:.2f} "
            f"| {entry['low']:.2f}–{entry['high']:.2f} | {entry['fdr']:.3f} |"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    meta = {"threads": args.threads, "n_samples": N, "torch": torch.__version__}
    document = {"meta": meta, "summary": summary, "pooled": pooled, "runs": runs}
    args.output.write_text(json.dumps(document, indent=1))
    print(f"\nWrote {args.output}")


if __name__ == "__main__":
    main()
