"""Second Glance on UCI Adult and Bank Marketing: the paper's Table 2 and §4, reproduced.

Per data set (the paper's five SHAP-selected features, categoricals ordinal-coded,
80/20 stratified split, seed 0):

* M1, a ReLU network with a sigmoid output: (a) the paper's 3 hidden layers × 4 units
  on the probability scale, (b) this library's defaults (64-64-64, log-odds scale).
  Accuracy, recall and F1 of M1 on the test rows; held-out R² of the surrogate M2 and
  the asymmetry of its Jacobian.
* Sign agreement with XGBoost's SHAP interaction values on **all** rows, for the
  surrogate, SmoothHess and the softplus swap on the same M1: the paper's protocol (raw
  Hessian sign; on the probability scale as published, and on the log-odds scale that
  XGBoost's SHAP values explain) and the Taylor protocol (``H_ij·(x_i − μ_i)(x_j − μ_j)``,
  log-odds), plain and |φ|-weighted; per pair, and per quartile of M1's predicted
  probability (where in the data the network and the trees disagree).
* A planted function, ``y = 2·x0·x1 − 2·x2·x3 + x4``, where the truth is known: the same
  methods beside the exact Hessian.

    python benchmarks/second_glance_uci.py                       # both data sets
    python benchmarks/second_glance_uci.py --datasets adult --threads 2
    python benchmarks/second_glance_uci.py --lr-schedule plateau --patience 20 \
        --max-epochs 300 --output benchmarks/results/second_glance_uci_plateau.json

Reads the UCI files from ``--data-home`` (default ``../shared/data``). Prints Markdown
tables and writes ``benchmarks/results/second_glance_uci.json`` (or ``--output``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).parent / "results" / "second_glance_uci.json"
DATA_HOME = Path(__file__).resolve().parents[2] / "shared" / "data"
METHODS = ("surrogate", "smoothhess", "softplus")
# Second Glance, Table 2 and §4.
PAPER = {
    "bank": {"accuracy": 0.889, "recall": 0.98, "f1": 0.94, "r2": 0.914, "agreement": 0.454},
    "adult": {"accuracy": 0.731, "recall": 0.775, "f1": 0.59, "r2": 0.826, "agreement": 0.504},
}
CONFIGS = {
    "paper": {"primary_hidden": (4, 4, 4), "output": "proba"},
    "default": {"output": "logit"},
}


class FixedHessians:
    """Hessians computed once, served to the metric (one estimate, several protocols)."""

    def __init__(self, hessians: dict, feature_names):
        self.hessians, self.feature_names_in_ = hessians, np.asarray(feature_names)

    def local_hessians(self, X, output="logit"):
        return self.hessians[output]


def training(args) -> dict:
    """The training settings shared by every fit of the run."""
    return {
        "max_epochs": args.max_epochs,
        "patience": args.patience,
        "lr_schedule": args.lr_schedule,
    }


def load(name: str, data_home: Path):
    """The paper's five features, categoricals as ordinal codes, and the 0/1 target."""
    from sk_interact.datasets import load_adult, load_bank_marketing

    loader = load_adult if name == "adult" else load_bank_marketing
    X, y = loader(data_home=data_home, features="second_glance")
    codes = {c: X[c].cat.codes for c in X.columns if str(X[c].dtype) == "category"}
    return X.assign(**codes).astype(np.float64), y.to_numpy()


def agreement_rows(estimate: FixedHessians, X, shap_values, label: str) -> dict:
    from sk_interact.metrics import shap_polarity_agreement

    row = {"method": label}
    for key, protocol, output in (
        ("paper_proba", "paper", "proba"),
        ("paper_logit", "paper", "logit"),
        ("taylor_logit", "taylor", "logit"),
    ):
        if output not in estimate.hessians:
            row[key] = None
            continue
        score, details = shap_polarity_agreement(
            estimate,
            X,
            None,
            protocol=protocol,
            output=output,
            shap_values=shap_values,
            return_details=True,
        )
        row[key] = score
        if key == "taylor_logit":
            row["taylor_weighted"] = details["weighted_agreement"]
            row["per_pair"] = details["per_pair"].drop(columns="indices").to_dict("records")
    return row


def by_quartile(estimate: FixedHessians, X, shap_values, proba: np.ndarray) -> list[dict]:
    """Taylor agreement within each quartile of M1's predicted probability."""
    from sk_interact.metrics import shap_polarity_agreement

    edges = np.quantile(proba, [0, 0.25, 0.5, 0.75, 1.0])
    out = []
    for q in range(4):
        rows = (
            (proba >= edges[q]) & (proba <= edges[q + 1])
            if q == 3
            else ((proba >= edges[q]) & (proba < edges[q + 1]))
        )
        part = FixedHessians(
            {"logit": estimate.hessians["logit"][rows]}, estimate.feature_names_in_
        )
        score, details = shap_polarity_agreement(
            part, X[rows], None, shap_values=shap_values[rows], return_details=True
        )
        out.append(
            {
                "quartile": q + 1,
                "p_range": [float(edges[q]), float(edges[q + 1])],
                "rows": int(rows.sum()),
                "taylor_logit": score,
                "taylor_weighted": details["weighted_agreement"],
            }
        )
    return out


def run_dataset(name: str, args) -> dict:
    import xgboost
    from sklearn.metrics import accuracy_score, f1_score, recall_score
    from sklearn.model_selection import train_test_split

    from sk_interact import SecondGlanceExplainer
    from sk_interact.metrics import DEFAULT_XGB_PARAMS, shap_polarity_agreement

    X, y = load(name, args.data_home)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )
    start = time.perf_counter()
    trees = xgboost.XGBClassifier(**DEFAULT_XGB_PARAMS, n_jobs=args.threads).fit(X_train, y_train)
    xgb_accuracy = accuracy_score(y_test, trees.predict(X_test))
    _, details = shap_polarity_agreement(
        FixedHessians({"logit": np.zeros((len(X), 5, 5))}, X.columns),
        X,
        None,
        model=trees,
        return_details=True,
    )
    shap_values = details["shap_values"]
    shap_seconds = time.perf_counter() - start
    result = {
        "rows": len(X),
        "features": list(X.columns),
        "positive_rate": float(y.mean()),
        "xgboost_test_accuracy": xgb_accuracy,
        "shap_seconds": shap_seconds,
        "configs": {},
    }
    for config, params in CONFIGS.items():
        start = time.perf_counter()
        explainer = SecondGlanceExplainer(**params, **training(args), random_state=0)
        explainer.fit(X_train, y_train)
        fit_seconds = time.perf_counter() - start
        predicted = explainer.primary_.predict(X_test.to_numpy(np.float32))
        proba = explainer.primary_.predict_proba(X.to_numpy(np.float32))[:, 1]
        methods = []
        hessian_seconds = {}
        for method in METHODS:
            start = time.perf_counter()
            hessians = {
                out: explainer.local_hessians(X, method=method, output=out)
                for out in ("proba", "logit")
            }
            hessian_seconds[method] = time.perf_counter() - start
            estimate = FixedHessians(hessians, X.columns)
            row = agreement_rows(estimate, X, shap_values, method)
            if method == "surrogate":
                row["by_quartile"] = by_quartile(estimate, X, shap_values, proba)
            methods.append(row)
        result["configs"][config] = {
            "params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
            "m1_accuracy": accuracy_score(y_test, predicted),
            "m1_recall": recall_score(y_test, predicted),
            "m1_f1": f1_score(y_test, predicted),
            "m1_epochs": len(explainer.primary_.history),
            "surrogate_r2": explainer.surrogate_r2_[2],
            "surrogate_epochs": len(explainer.surrogates_[0].history),
            "hessian_asymmetry": explainer.hessian_asymmetry_,
            "fit_seconds": fit_seconds,
            "hessian_seconds": hessian_seconds,
            "methods": methods,
        }
        print(f"  {name}/{config}: fitted in {fit_seconds:.1f} s", flush=True)
    return result


def run_planted(args) -> dict:
    """y = 2·x0·x1 − 2·x2·x3 + x4 on uniform(−1, 1)⁵: the truth is known."""
    import xgboost

    from sk_interact import SecondGlanceExplainer
    from sk_interact.metrics import DEFAULT_XGB_PARAMS, shap_polarity_agreement

    rs = np.random.RandomState(0)
    X = rs.uniform(-1, 1, size=(20000, 5))
    y = 2 * X[:, 0] * X[:, 1] - 2 * X[:, 2] * X[:, 3] + X[:, 4]
    explained = slice(0, 5000)
    trees = xgboost.XGBRegressor(**DEFAULT_XGB_PARAMS, n_jobs=args.threads).fit(X, y)
    exact = np.zeros((5000, 5, 5))
    exact[:, 0, 1] = exact[:, 1, 0] = 2.0
    exact[:, 2, 3] = exact[:, 3, 2] = -2.0
    names = [f"x{i}" for i in range(5)]
    _, details = shap_polarity_agreement(
        FixedHessians({"logit": exact}, names),
        X[explained],
        None,
        model=trees,
        return_details=True,
    )
    shap_values = details["shap_values"]
    explainer = SecondGlanceExplainer(**training(args), random_state=0).fit(X, y)
    rows = [
        agreement_rows(
            FixedHessians({"logit": exact}, names), X[explained], shap_values, "exact Hessian"
        )
    ]
    for method in METHODS:
        H = explainer.local_hessians(X[explained], method=method)
        rows.append(
            agreement_rows(FixedHessians({"logit": H}, names), X[explained], shap_values, method)
        )
    for row in rows:
        planted = [p for p in row["per_pair"] if p["features"] in (("x0", "x1"), ("x2", "x3"))]
        row["planted_pairs"] = min(p["agreement"] for p in planted)
    return {"surrogate_r2": explainer.surrogate_r2_[2], "methods": rows}


def percent(value) -> str:
    return "—" if value is None or value != value else f"{100 * value:.1f}%"


def print_tables(results: dict) -> None:
    for name, data in results["datasets"].items():
        paper = PAPER[name]
        print(f"\n### {name}: {data['rows']:,} rows, features {', '.join(data['features'])}")
        print(
            f"XGBoost test accuracy {percent(data['xgboost_test_accuracy'])}; "
            f"SHAP interaction values of all rows in {data['shap_seconds']:.0f} s\n"
        )
        print("| M1 | accuracy | recall | F1 | surrogate R² | asymmetry | fit |")
        print("|---|---|---|---|---|---|---|")
        print(
            f"| paper (Table 2) | {percent(paper['accuracy'])} | {percent(paper['recall'])} "
            f"| {paper['f1']:.2f} | {paper['r2']:.3f} | — | — |"
        )
        for config, c in data["configs"].items():
            print(
                f"| {config} {tuple(c['params'].get('primary_hidden', (64, 64, 64)))} "
                f"{c['params']['output']} | {percent(c['m1_accuracy'])} | "
                f"{percent(c['m1_recall'])} | {c['m1_f1']:.2f} | {c['surrogate_r2']:.3f} | "
                f"{c['hessian_asymmetry']:.3f} | {c['fit_seconds']:.0f} s |"
            )
        print(
            f"\nSign agreement with SHAP (paper §4: {percent(paper['agreement'])}, raw sign, "
            "probability scale)\n"
        )
        print(
            "| M1 | method | paper, proba | paper, logit | Taylor, logit | Taylor, |φ|-weighted |"
        )
        print("|---|---|---|---|---|---|")
        for config, c in data["configs"].items():
            for m in c["methods"]:
                print(
                    f"| {config} | {m['method']} | {percent(m['paper_proba'])} | "
                    f"{percent(m['paper_logit'])} | {percent(m['taylor_logit'])} | "
                    f"{percent(m['taylor_weighted'])} |"
                )
        for config, c in data["configs"].items():
            surrogate = c["methods"][0]
            print(f"\nPer pair, {config} M1, surrogate, Taylor protocol (log-odds):\n")
            print("| pair | compared | agreement | |φ|-weighted | mean φ | mean Taylor term |")
            print("|---|---|---|---|---|---|")
            for p in surrogate["per_pair"]:
                print(
                    f"| {' × '.join(p['features'])} | {p['n_compared']:,} | "
                    f"{percent(p['agreement'])} | {percent(p['weighted_agreement'])} | "
                    f"{p['mean_shap']:+.4f} | {p['mean_estimate']:+.4f} |"
                )
            print("\n| quartile of M1's p | p range | rows | Taylor | |φ|-weighted |")
            print("|---|---|---|---|---|")
            for q in surrogate["by_quartile"]:
                print(
                    f"| {q['quartile']} | {q['p_range'][0]:.3f}–{q['p_range'][1]:.3f} | "
                    f"{q['rows']:,} | {percent(q['taylor_logit'])} | "
                    f"{percent(q['taylor_weighted'])} |"
                )
    planted = results.get("planted")
    if planted:
        print(
            f"\n### Planted y = 2·x0·x1 − 2·x2·x3 + x4 (surrogate R² "
            f"{planted['surrogate_r2']:.3f}), 5,000 rows\n"
        )
        print("| method | paper protocol | Taylor | Taylor, |φ|-weighted | Taylor, planted pairs |")
        print("|---|---|---|---|---|")
        for m in planted["methods"]:
            print(
                f"| {m['method']} | {percent(m['paper_logit'])} | {percent(m['taylor_logit'])} "
                f"| {percent(m['taylor_weighted'])} | {percent(m['planted_pairs'])} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["bank", "adult"])
    parser.add_argument("--data-home", type=Path, default=DATA_HOME)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-epochs", type=int, default=200)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--lr-schedule", choices=["constant", "plateau"], default="constant")
    parser.add_argument("--no-planted", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    start = time.perf_counter()
    results = {
        "machine": {
            "platform": platform.platform(),
            "torch_threads": args.threads,
            "cpu_count": os.cpu_count(),
        },
        "training": training(args),
        "datasets": {},
    }
    for name in args.datasets:
        print(f"{name} ...", flush=True)
        results["datasets"][name] = run_dataset(name, args)
    if not args.no_planted:
        print("planted ...", flush=True)
        results["planted"] = run_planted(args)
    results["wall_seconds"] = time.perf_counter() - start
    print_tables(results)
    print(
        f"\nTotal {results['wall_seconds'] / 60:.1f} min, torch threads {args.threads}, "
        f"training {training(args)}."
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, default=float))


if __name__ == "__main__":
    main()
