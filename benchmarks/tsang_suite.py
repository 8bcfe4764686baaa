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
    python benchmarks/tsang_suite.py --vectorise-trials      # trials trained together

Trials run in ``--jobs`` worker processes with ``--threads`` torch threads each
(default 2 × 1 on this 2-core machine). Prints a Markdown table and writes
``benchmarks/results/tsang_suite.json`` (or ``--output``).

``--vectorise-trials`` trains the trials of one function as one module, one job per
function: member t is a T-NID MLP that sees only trial t's data draw (its own 20,000
rows and standardization) and starts from its own random weights, and every member
stops early on its *own* validation loss (``--patience``, skorch's relative threshold
1e-4) and keeps its own best weights, as a separate fit would. What the members share
is the order of the mini-batches, the positions of the validation rows (each draw's
rows are independent, so this is a different but equally random split) and the epochs:
members that have stopped keep being computed (their best weights are restored at the
end) until the last one stops. The loss is the members' mean, which scales each
member's gradient by 1/T; Adam's normalisation undoes that (up to its ε). Each
trial's network is then explained by ``TNIDDetector(net=...)`` exactly as in a
separate run (same representatives, same seed). The results are statistically
comparable, not bit-identical, to the separate fits; ``fit_seconds`` is the shared
training time divided by the trials plus the trial's own detection. Only for
``--n-estimators 1`` and the constant learning rate.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch
from skorch.callbacks import Callback

from sk_interact._networks import ElementwiseAffine, EnsembleMLP

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


def _draw(name: str, trial: int, n_samples: int = 30_000):
    """Trial ``trial``'s draw: 2/3 of the rows to fit (half of them to stop early), 1/3 to test."""
    from sk_interact.datasets import make_tsang_benchmark

    X, y, truth = make_tsang_benchmark(name, n_samples=n_samples, random_state=trial)
    n_fit = 2 * n_samples // 3
    return X[:n_fit], y[:n_fit], X[n_fit:], y[n_fit:], truth


def _detector(trial: int, settings: dict, **params):
    from sk_interact import TNIDDetector

    return TNIDDetector(
        order=5,
        exhaustive_order=2,
        k=10,
        validation_fraction=0.5,  # the 10,000-row validation third, for early stopping
        random_state=trial,
        **settings,
        **params,
    )


def _scores(name, trial, tnid, truth, X_test, y_test) -> dict:
    """The metrics of one explained trial."""
    from sk_interact.metrics import interaction_auc_score, interaction_r_precision

    result = {
        "function": name,
        "trial": trial,
        "pairwise_auc": interaction_auc_score(truth, tnid.interactions_, order=2, n_features=10),
        "r_precision": interaction_r_precision(truth, tnid.interactions_),
        "test_r2": float(tnid.score(X_test, y_test)),
    }
    for order in (3, 4, 5):
        has_positive = any(len(s) >= order for s in truth)
        result[f"auc_{order}way"] = (
            interaction_auc_score(truth, tnid.interactions_, order=order, n_features=10)
            if has_positive
            else None
        )
    return result


def run_trial(name: str, trial: int, settings: dict, threads: int, n_samples=30_000) -> dict:
    """Train and explain one network on one fresh draw of function ``name``."""
    torch.set_num_threads(threads)
    X_fit, y_fit, X_test, y_test, truth = _draw(name, trial, n_samples)
    tnid = _detector(trial, settings)
    start = time.perf_counter()
    tnid.fit(X_fit, y_fit)
    fit_seconds = time.perf_counter() - start
    # Detection alone: a re-fit finds the trained networks in the cache.
    start = time.perf_counter()
    tnid.fit(X_fit, y_fit)
    detect_seconds = time.perf_counter() - start
    return {
        **_scores(name, trial, tnid, truth, X_test, y_test),
        "epochs": [len(net.history) for net in tnid.nets_],
        "fit_seconds": fit_seconds,
        "detect_seconds": detect_seconds,
    }


# ------------------------------------------------------------ --vectorise-trials
class TrialEnsembleMLP(EnsembleMLP):
    """One MLP per trial, each on its own data, evaluated as one module.

    Input ``(n, T·d)``: row i holds row i of every trial's draw, trial t's features in
    columns ``t·d … (t+1)·d − 1``; output ``(n, T)``, trial t's prediction in column t.
    Weights, initialisation and :meth:`members` are :class:`EnsembleMLP`'s.
    """

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        h = X.reshape(len(X), self.n_members, self.n_features).transpose(0, 1)
        last = len(self.weights) - 1
        for layer, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            h = torch.baddbmm(bias, h, weight)
            if layer < last:
                h = self.act(h)
        return h.permute(1, 0, 2).reshape(len(X), -1)


def _trainable(net) -> torch.nn.Module:
    """The module being trained: the bare network (scalings are added after training)."""
    return getattr(net.module_, "network", net.module_)


class PerTrialEarlyStopping(Callback):
    """skorch's ``EarlyStopping(patience, threshold=1e-4, load_best=True)``, per member.

    Each member's validation MSE (its own output column against its own targets) must
    beat its best by a relative ``threshold``; after ``patience`` epochs without, the
    member is done at that epoch (the length its own fit's history would have). Training
    stops when every member is done, and each member gets back its best weights.
    """

    def __init__(self, n_members: int, patience: int, threshold: float = 1e-4):
        self.n_members, self.patience, self.threshold = n_members, patience, threshold

    def on_train_begin(self, net, **kwargs):
        self.best_ = np.full(self.n_members, np.inf)
        self.misses_ = np.zeros(self.n_members, dtype=int)
        self.stopped_epoch_ = [None] * self.n_members
        self.best_weights_ = [p.detach().clone() for p in _trainable(net).parameters()]
        self._valid = []

    def on_batch_end(self, net, batch=None, training=None, y_pred=None, **kwargs):
        if not training:
            self._valid.append((y_pred.detach(), batch[1]))

    def on_epoch_end(self, net, **kwargs):
        y_pred = torch.cat([p for p, _ in self._valid])
        y_true = torch.cat([t for _, t in self._valid]).to(y_pred)
        self._valid = []
        mse = ((y_pred - y_true) ** 2).mean(dim=0).double().numpy()
        parameters = list(_trainable(net).parameters())
        for t in range(self.n_members):
            if self.stopped_epoch_[t] is not None:
                continue
            if mse[t] < self.best_[t] * (1 - self.threshold):
                self.best_[t], self.misses_[t] = mse[t], 0
                for saved, parameter in zip(self.best_weights_, parameters):
                    saved[t] = parameter.detach()[t]
            else:
                self.misses_[t] += 1
                if self.misses_[t] == self.patience:
                    self.stopped_epoch_[t] = len(net.history)
        if all(epoch is not None for epoch in self.stopped_epoch_):
            raise KeyboardInterrupt  # skorch's way to end training early

    def on_train_end(self, net, **kwargs):
        with torch.no_grad():
            for saved, parameter in zip(self.best_weights_, _trainable(net).parameters()):
                parameter.copy_(saved)
        # members still improving at max_epochs trained them all
        self.stopped_epoch_ = [e or len(net.history) for e in self.stopped_epoch_]


def _trial_networks(net, n_features: int) -> list[torch.nn.Module]:
    """Split a trained trial ensemble into one raw-features → raw-prediction module each."""
    trained = net.module_
    scale, shift = trained.standardize.scale, trained.standardize.shift
    modules = []
    for t, member in enumerate(trained.network.members()):
        module = trained.with_network(member, outputs=slice(t, t + 1))
        columns = slice(t * n_features, (t + 1) * n_features)
        module.standardize = ElementwiseAffine(scale[columns], shift[columns])
        modules.append(module.eval())
    return modules


def run_function_vectorised(
    name: str, trials: list[int], settings: dict, threads: int, n_samples=30_000
) -> list[dict]:
    """Train the networks of all ``trials`` of ``name`` as one module, then explain each."""
    from sk_interact._training import fit_network

    torch.set_num_threads(threads)
    draws = [_draw(name, trial, n_samples) for trial in trials]
    n_features = draws[0][0].shape[1]
    stopping = PerTrialEarlyStopping(len(trials), settings["patience"])
    factory = functools.partial(
        TrialEnsembleMLP,
        n_features,
        settings["hidden_layer_sizes"],
        settings["activation"],
        1,
        len(trials),
    )
    start = time.perf_counter()
    net = fit_network(
        factory,
        np.concatenate([draw[0] for draw in draws], axis=1),
        np.column_stack([draw[1] for draw in draws]),
        max_epochs=settings["max_epochs"],
        lr=settings["lr"],
        batch_size=settings["batch_size"],
        patience=None,  # per member, by the callback
        validation_fraction=0.5,
        random_state=FUNCTIONS.index(name),
        callbacks=[("per_trial_early_stopping", stopping)],
    )
    train_seconds = time.perf_counter() - start

    results = []
    modules = _trial_networks(net, n_features)
    for trial, (X_fit, y_fit, X_test, y_test, truth), module, epochs in zip(
        trials, draws, modules, stopping.stopped_epoch_
    ):
        tnid = _detector(trial, settings, net=module)
        start = time.perf_counter()
        tnid.fit(X_fit, y_fit)
        detect_seconds = time.perf_counter() - start
        results.append(
            {
                **_scores(name, trial, tnid, truth, X_test, y_test),
                "epochs": [epochs],
                "fit_seconds": train_seconds / len(trials) + detect_seconds,
                "detect_seconds": detect_seconds,
                "shared_training_seconds": train_seconds,
                "shared_training_epochs": len(net.history),
            }
        )
    return results


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
        f"T-NID on F1–F10: {args.trials} trials per function"
        + (", trained as one module per function" if args.vectorise_trials else "")
        + f", {args.jobs} workers × {args.threads} torch thread(s), wall time "
        f"{wall / 60:.1f} min. Settings: {settings}.",
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
    parser.add_argument(
        "--vectorise-trials",
        action="store_true",
        help="train the trials of each function as one module (one job per function)",
    )
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
    if args.vectorise_trials and (args.n_estimators != 1 or args.lr_schedule != "constant"):
        parser.error("--vectorise-trials needs --n-estimators 1 and --lr-schedule constant.")
    start = time.perf_counter()
    if args.vectorise_trials:
        trials = list(range(args.trials))
        per_function = Parallel(n_jobs=args.jobs, verbose=0)(
            delayed(run_function_vectorised)(name, trials, settings, args.threads)
            for name in args.functions
        )
        results = [r for function in per_function for r in function]
    else:
        jobs = [(name, trial) for trial in range(args.trials) for name in args.functions]
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
        "vectorise_trials": args.vectorise_trials,
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
