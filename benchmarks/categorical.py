"""Feature-level interactions on a real table with categorical columns (UCI Adult).

**Semi-synthetic targets.** The features are Adult's 14 real columns (8 categorical,
one-hot inside the estimators; correlated as they are in the census). Per seed, a
target is planted on them with random coefficients:

* main effects of ``age``, ``education_num``, ``hours_per_week`` and of the levels of
  ``relationship``, ``occupation`` and ``sex``;
* a category × number interaction, ``occupation × age`` (a slope per occupation);
* a category × category interaction, ``marital_status × sex``;
* a number × number interaction, ``education_num × hours_per_week``;
* Gaussian noise (10% of the signal's variance).

Scored: the pairwise AUC at the level of the 14 columns (3 true pairs among 91) and
the wall time, for T-NID and Second Glance (this library, categorical columns as they
are), EBM's FAST interaction detection (``interpret.utils.measure_interactions``,
native categoricals) and XGBoost + SHAP interaction values summed over each column's
dummies (``pandas.get_dummies``; mean over rows of |Σ block|).

**Real target.** T-NID on Adult's income with the raw columns: the top 10 column pairs,
and for each the level pair that carries most of its (centred) block, how many rows hold
it, and the largest share of the pair's strength that one level seen in < 1% of the
rows carries (no rare level should make a pair of the top 10). For contrast, the same on
``pandas.get_dummies`` columns (each dummy its own feature), as before categorical
support.

**Significance on the real table** (first 8,000 rows): the interactions selected at FDR
0.1 for hours worked per week (regression, from the other 13 columns), for income
(classification) and for an additive control over the
same 13 columns with heteroscedastic noise (:func:`additive_control`), where every
selection is false; and for the planted target above, whose three pairs are the true
ones, as it is and with ``education`` and ``education_num`` (one variable, as text and
as a number) joined into one feature by ``feature_groups``.

    python benchmarks/categorical.py                 # 3 seeds, 8000 rows
    python benchmarks/categorical.py --seeds 1 --n-samples 3000
    python benchmarks/categorical.py --only-significance   # redo the FDR 0.1 part only
    python benchmarks/categorical.py --only-significance --significance-rows 30162 \
        --output full.json                                 # the same on every row

Prints Markdown tables and writes ``benchmarks/results/categorical.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import roc_auc_score

from sk_interact import SecondGlanceExplainer, TNIDDetector
from sk_interact.datasets import load_adult

RESULTS = Path(__file__).parent / "results" / "categorical.json"
SIGNIFICANCE_ROWS = 8_000
TRUE_PAIRS = [("age", "occupation"), ("marital_status", "sex"), ("education_num", "hours_per_week")]


def standardized(column: pd.Series) -> np.ndarray:
    values = column.to_numpy(dtype=np.float64)
    return (values - values.mean()) / values.std()


def planted_target(X: pd.DataFrame, seed: int) -> np.ndarray:
    rng = np.random.RandomState(seed)

    def levels(name: str, scale: float) -> np.ndarray:
        values = X[name].astype(str)
        coefficient = {level: rng.randn() * scale for level in sorted(values.unique())}
        return values.map(coefficient).to_numpy()

    age, edu, hours = (standardized(X[c]) for c in ("age", "education_num", "hours_per_week"))
    signal = (
        0.8 * age
        - 0.3 * age**2
        + 0.6 * edu
        + 0.4 * np.tanh(hours)
        + levels("relationship", 0.5)
        + levels("occupation", 0.5)
        + levels("sex", 0.5)
        + levels("occupation", 0.8) * age  # category × number
        + levels("marital_status", 0.7) * (X["sex"].astype(str) == "Male")  # category × category
        + 0.7 * edu * np.clip(hours, -3, 3)  # number × number
    )
    noise = rng.randn(len(X)) * np.sqrt(0.1 * signal.var())
    return signal + noise


def pair_auc(scores: dict, columns: list[str]) -> float:
    pairs = list(itertools.combinations(sorted(columns), 2))
    truth = {tuple(sorted(p)) for p in TRUE_PAIRS}
    labels = [p in truth for p in pairs]
    return float(roc_auc_score(labels, [scores.get(p, 0.0) for p in pairs]))


def ranking_scores(ranking: pd.DataFrame) -> dict:
    pairs = ranking[ranking["order"] == 2]
    return {tuple(sorted(f)): s for f, s in zip(pairs["features"], pairs["strength"])}


def ebm_scores(X: pd.DataFrame, y: np.ndarray) -> dict:
    from interpret.utils import measure_interactions

    ranked = measure_interactions(X, y, objective="rmse")
    names = list(X.columns)
    scores = {}
    for pair, strength in ranked:
        a, b = (names[i] if isinstance(i, int | np.integer) else str(i) for i in pair)
        scores[tuple(sorted((a, b)))] = float(strength)
    return scores


def xgboost_shap_scores(X: pd.DataFrame, y: np.ndarray, seed: int, rows: int = 1000) -> dict:
    """TreeSHAP interaction values (XGBoost's own, ``pred_interactions=True``: the
    values ``shap.TreeExplainer.shap_interaction_values`` gives, computed in C++),
    summed over each pair of columns' dummies, mean |·| over rows."""
    import xgboost

    from sk_interact.metrics import DEFAULT_XGB_PARAMS

    dummies = pd.get_dummies(X, dtype=np.float64)
    owner = []
    for column in dummies.columns:
        owner.append(next(c for c in X.columns if column == c or column.startswith(f"{c}_")))
    params = {**DEFAULT_XGB_PARAMS, "random_state": seed, "n_jobs": torch.get_num_threads()}
    model = xgboost.XGBRegressor(**params).fit(dummies, y)
    sample = dummies.sample(n=min(rows, len(dummies)), random_state=seed)
    values = model.get_booster().predict(xgboost.DMatrix(sample), pred_interactions=True)
    columns = list(X.columns)
    index = {c: [i for i, o in enumerate(owner) if o == c] for c in columns}
    scores = {}
    for a, b in itertools.combinations(columns, 2):
        block = values[:, index[a]][:, :, index[b]].sum(axis=(1, 2))
        scores[tuple(sorted((a, b)))] = float(np.abs(block).mean())
    return scores


def _methods(X: pd.DataFrame, y: np.ndarray, seed: int) -> dict:
    """Each method as a call returning its column-pair scores."""
    return {
        "TNIDDetector": lambda: ranking_scores(
            TNIDDetector(random_state=seed).fit(X, y).interactions_
        ),
        "SecondGlanceExplainer": lambda: ranking_scores(
            SecondGlanceExplainer(random_state=seed).fit(X, y).interactions_
        ),
        "EBM FAST (interpret)": lambda: ebm_scores(X, y),
        "XGBoost + SHAP (summed dummies)": lambda: xgboost_shap_scores(X, y, seed),
    }


def semi_synthetic(seeds: int, n: int) -> list[dict]:
    X_all, _ = load_adult()
    rows = []
    for seed in range(seeds):
        X = X_all.sample(n=n, random_state=seed).reset_index(drop=True)
        y = planted_target(X, seed)
        columns = list(X.columns)
        methods = _methods(X, y, seed)
        for name, method in methods.items():
            start = time.perf_counter()
            scores = method()
            seconds = time.perf_counter() - start
            rows.append(
                {"seed": seed, "method": name, "auc": pair_auc(scores, columns), "seconds": seconds}
            )
            print(f"seed {seed} {name}: AUC {rows[-1]['auc']:.3f}, {seconds:.1f} s", flush=True)
    return rows


def dominant_levels(tnid: TNIDDetector, X: pd.DataFrame, top: int = 10) -> list[dict]:
    """Per top pair: the encoded pair with the largest mean squared partial at the
    representatives (centred over each text column's levels, as the ranking reads the
    block), the share of rows holding each of its levels, and the largest share of the
    pair's strength that the entries of one level seen in fewer than 1% of the rows
    carry (a pair a rare level makes strong has most of it on that level)."""
    from sk_interact._derivatives import mixed_partials

    layout = tnid.network_.features
    encoded = layout.encode(X)
    share = np.where(layout.dummy, encoded.mean(axis=0), 1.0)
    Z = tnid.network_.standardize(tnid.representatives_.to_numpy())
    out = []
    for row in tnid.rank_interactions(order=2, top=top).itertuples():
        columns, _ = layout.expand([row.indices])
        values = np.mean(
            [
                layout.centre(
                    mixed_partials(
                        tnid.network_.function("logit", c, m), Z, torch.as_tensor(columns)
                    )
                    .double()
                    .numpy(),
                    columns,
                )
                ** 2
                for m in tnid.network_.members()
                for c in tnid._classes_explained
            ],
            axis=0,
        ).mean(axis=0)
        best = columns[int(np.argmax(values))]
        rare = [i for i in set(itertools.chain(*columns)) if share[i] < 0.01]
        held = [values[[i in c for c in columns]].sum() / values.sum() for i in rare]
        out.append(
            {
                "features": row.features,
                "strength": row.strength,
                "levels": {layout.encoded_names[i]: float(share[i]) for i in best},
                "rare_share": float(max(held, default=0.0)),
            }
        )
    return out


def real_target(n: int | None) -> dict:
    X, y = load_adult()
    if n is not None:
        X, y = X.iloc[:n], y.iloc[:n]
    start = time.perf_counter()
    tnid = TNIDDetector(random_state=0).fit(X, y)
    grouped = {
        "seconds": time.perf_counter() - start,
        "validation_accuracy": tnid.validation_score_,
    }
    grouped["top"] = dominant_levels(tnid, X)
    dummies = pd.get_dummies(X, dtype=np.float64)
    start = time.perf_counter()
    flat = TNIDDetector(random_state=0).fit(dummies, y)
    made = set(dummies.columns) - set(X.columns)  # the dummies; numbers keep their names
    shares = {c: float(dummies[c].mean()) if c in made else 1.0 for c in dummies.columns}
    flat_top = []
    for f, s in zip(*flat.rank_interactions(order=2, top=10)[["features", "strength"]].T.values):
        flat_top.append({"features": f, "strength": s, "levels": {c: shares[c] for c in f}})
    result = {
        "grouped": grouped,
        "dummies": {"seconds": time.perf_counter() - start, "top": flat_top},
    }
    result["significance"] = real_significance(X, y)
    return result


def additive_control(features: pd.DataFrame, seed: int = 0) -> np.ndarray:
    """A target over Adult's columns with no interaction in its mean: curved main
    effects of age and education, an effect per occupation, and noise whose spread
    depends on sex and age (heteroscedastic, as real residuals are). Every selection on
    it is false."""
    rng = np.random.RandomState(seed)
    age = features["age"].to_numpy(float)
    education = features["education_num"].to_numpy(float)
    a = (age - age.mean()) / age.std()
    e = (education - education.mean()) / education.std()
    levels = sorted(features["occupation"].astype(str).unique())
    effect = {level: (i % 7) / 3 for i, level in enumerate(levels)}
    occupation = features["occupation"].astype(str).map(effect).to_numpy()
    male = (features["sex"].astype(str) == "Male").to_numpy()
    spread = 0.3 * (1 + 2 * male) * (1 + np.abs(a))
    return np.sin(a) + 0.5 * e**2 + occupation + spread * rng.randn(len(a))


SIGNIFICANCE_TARGETS = (
    "hours_per_week",
    "income",
    "additive control",
    "planted",
    "planted, grouped",
)


def real_significance(X, y, rows: int = SIGNIFICANCE_ROWS, targets=SIGNIFICANCE_TARGETS) -> list:
    """Interactions selected at FDR 0.1 on two real Adult targets, a control and the
    planted target (as it is, and with Adult's two education columns as one feature)."""
    rows = min(len(X), rows)
    found = []
    truth = {tuple(sorted(p)) for p in TRUE_PAIRS}
    # A real regression target (hours worked per week, from the other 13 columns), the
    # income class (classification), an
    # additive control on the same 13 columns (any selection is false), and the planted
    # target of the rankings above (its three pairs are the true ones), also with
    # education and education_num (the same information, as text and as a number) as
    # one feature: otherwise education_num × hours_per_week can be written as
    # education × hours_per_week, and the test rightly finds the pair not needed.
    grouped = {"edu": ["education", "education_num"]}
    grouped_truth = {
        tuple(sorted("edu" if c in grouped["edu"] else c for c in p)) for p in TRUE_PAIRS
    }
    for target in targets:
        groups = grouped if target == "planted, grouped" else None
        if target == "income":
            features, labels = X.iloc[:rows], y.iloc[:rows]
        elif target == "additive control":
            features = X.iloc[:rows].drop(columns="hours_per_week")
            labels = additive_control(features)
        elif target.startswith("planted"):
            features = X.iloc[:rows]
            labels = planted_target(features, seed=0)
        else:
            features, labels = X.iloc[:rows].drop(columns=target), X[target].iloc[:rows]
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            tested = TNIDDetector(significance="auto", feature_groups=groups, random_state=0).fit(
                features, labels
            )
        selected = tested.select_interactions(fdr=0.1)
        found.append(
            {
                "target": target,
                "task": tested.task_,
                "rows": rows,
                "seconds": time.perf_counter() - start,
                "validation_score": tested.validation_score_,
                "tested": len(tested.interactions_),
                "selected": [
                    {"features": f, "strength": s, "q_value": q}
                    for f, s, q in zip(
                        selected["features"], selected["strength"], selected["q_value"]
                    )
                ],
                # a planted target's true pairs; every other target's truth is unknown
                # (real) or empty (the additive control)
                "planted": (
                    sorted(truth if groups is None else grouped_truth)
                    if target.startswith("planted")
                    else None
                ),
                "feature_groups": groups,
            }
        )
    return found


def print_significance(found: list) -> None:
    for sig in found:
        metric = "R²" if sig["task"] == "regression" else "accuracy"
        print(
            f"\nAdult, target {sig['target']} ({sig['task']}): interactions selected at FDR "
            f"0.1 (first {sig['rows']} rows, held-out {metric} {sig['validation_score']:.3f}, "
            f"{sig['seconds']:.0f} s): {len(sig['selected'])} of {sig['tested']}\n"
        )
        print("| interaction | strength | q-value |")
        print("|---|---:|---:|")
        planted = {tuple(p) for p in sig.get("planted") or []}
        for r in sig["selected"]:
            mark = " (planted)" if tuple(sorted(r["features"])) in planted else ""
            print(
                f"| {' × '.join(r['features'])}{mark} | {r['strength']:.3g} | {r['q_value']:.3g} |"
            )
        if planted:
            hits = sum(tuple(sorted(r["features"])) in planted for r in sig["selected"])
            print(f"\nplanted pairs selected: {hits} of {len(planted)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--n-samples", type=int, default=8000)
    parser.add_argument("--real-rows", type=int, default=None, help="Adult rows (all: 30,162)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--only-significance",
        action="store_true",
        help="recompute only the real-data significance part of --output",
    )
    parser.add_argument(
        "--significance-rows",
        type=int,
        default=SIGNIFICANCE_ROWS,
        help="Adult rows for the significance part (all: 30162)",
    )
    parser.add_argument(
        "--significance-targets",
        nargs="+",
        choices=SIGNIFICANCE_TARGETS,
        default=SIGNIFICANCE_TARGETS,
        help="with --only-significance: recompute these targets, keep the others' results",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    if args.only_significance:
        data = json.loads(args.output.read_text()) if args.output.exists() else {"real": {}}
        X, y = load_adult()
        fresh = real_significance(X, y, args.significance_rows, args.significance_targets)
        kept = {r["target"]: r for r in data["real"].get("significance", [])}
        kept.update({r["target"]: r for r in fresh})
        data["real"]["significance"] = [kept[t] for t in SIGNIFICANCE_TARGETS if t in kept]
        print_significance(data["real"]["significance"])
        args.output.write_text(json.dumps(data, indent=1, default=str))
        return

    rows = semi_synthetic(args.seeds, args.n_samples)
    frame = pd.DataFrame(rows)
    summary = frame.groupby("method", sort=False).agg(
        auc=("auc", "mean"), auc_std=("auc", "std"), seconds=("seconds", "mean")
    )
    print(
        f"\nSemi-synthetic Adult targets ({args.seeds} seeds, {args.n_samples} rows, "
        f"torch threads {args.threads})\n"
    )
    print("| method | column-level pairwise AUC (mean ± std) | wall time (s) |")
    print("|---|---:|---:|")
    for method, r in summary.iterrows():
        print(f"| {method} | {r.auc:.3f} ± {r.auc_std:.3f} | {r.seconds:.1f} |")

    real = real_target(args.real_rows)
    print(
        f"\nReal Adult target (income), T-NID with the raw columns "
        f"(held-out accuracy {real['grouped']['validation_accuracy']:.3f})\n"
    )
    print(
        "| rank | interaction | strength | largest level pair (share of rows) "
        "| most strength on one level in < 1% of rows |"
    )
    print("|---:|---|---:|---|---:|")
    for rank, r in enumerate(real["grouped"]["top"], start=1):
        levels = ", ".join(f"{k} ({v:.1%})" for k, v in r["levels"].items())
        print(
            f"| {rank} | {' × '.join(r['features'])} | {r['strength']:.3g} | {levels} "
            f"| {r['rare_share']:.1%} |"
        )
    rare = sum(r["rare_share"] > 0.5 for r in real["grouped"]["top"])
    print(f"\nTop-10 pairs with most of their strength on one level in < 1% of rows: {rare}")
    print("\nFor contrast, each dummy its own feature (pandas.get_dummies):\n")
    print("| rank | interaction | strength | shares of rows |")
    print("|---:|---|---:|---|")
    for rank, r in enumerate(real["dummies"]["top"], start=1):
        levels = ", ".join(f"{v:.1%}" for v in r["levels"].values())
        print(f"| {rank} | {' × '.join(r['features'])} | {r['strength']:.3g} | {levels} |")
    rare_flat = sum(min(r["levels"].values()) < 0.01 for r in real["dummies"]["top"])
    print(f"\nTop-10 dummy pairs with a level in < 1% of rows: {rare_flat}")

    print_significance(real["significance"])

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {"threads": args.threads, "n_samples": args.n_samples, "runs": rows, "real": real},
            indent=1,
            default=str,
        )
    )


if __name__ == "__main__":
    main()
