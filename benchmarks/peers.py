"""sk_interact's T-NID against peer interaction detectors on the suite F1–F10.

Per function and seed (one data draw, one trained network, shared by every method):

* **Data.** ``make_tsang_benchmark(name, 30_000, random_state=seed)``: the first
  20,000 rows fit the networks (halves for training and early stopping: a random
  split inside skorch for the GELU network, as in ``benchmarks/tsang_suite.py``; the
  first and the second 10,000 rows for NID's network), the last 10,000 are the test
  third.
* **Network.** ``TNIDDetector(order=2)`` trains the paper's GELU MLP 140-100-60-20
  (Adam, lr 3e-3, batch 256, ≤ 200 epochs, early stopping with patience 10 on the
  validation half). Training is timed on its own.
* **T-NID (sk_interact).** A second ``TNIDDetector(order=2, net=<the trained net>)``
  fitted on the same 20,000 rows: the timed detection (data checks, the four
  representative samples, exact cross partials of all 45 pairs). Its ranking is the
  first detector's, bit for bit (checked). Time: median of ``--repeats`` calls
  after an untimed warm-up call (the same for ArchDetect and NID, which also take
  milliseconds; the slow peers are timed once).
  **T-NID, random rows** is the same with ``representatives=--explain``: the exact
  cross partials averaged over as many random training rows as the peers explain.
* **Peers, same network.** Every gradient or value peer explains the same function,
  the trained MLP in standard units ``g(z)`` with ``z = (x − mean) / std`` (the
  network inside ``net_.module_``, the function whose cross partials T-NID ranks), at
  the same ``--explain`` rows drawn from the test third; a peer's global pairwise score
  is the mean over those rows of its per-row |score|.

  - **Integrated Hessians** (path-explain ``PathExplainerTorch.interactions``,
    ``use_expectation=False``): baseline ``z = 0`` (the training mean),
    ``num_samples=--ih-samples`` (path-explain uses √num_samples points for each of its
    two nested path integrals). Score ``|(Γ_ij + Γ_ji) / 2|``.
  - **Expected Hessians** (the same call, ``use_expectation=True``): the background is
    ``--background`` random training rows, ``num_samples=--ih-samples``.
  - **shapiq** ``TabularExplainer(index=--shapiq-index, max_order=2,
    imputer=--shapiq-imputer)`` with ``budget=--shapiq-budget``; at the default 1,024
    = 2^10 coalitions with d = 10 every coalition is evaluated and the values are exact
    for the game (the default approximator, KernelSHAPIQ for k-SII, matched shapiq's
    ``ExactComputer`` to 1e-6 on a test game). The marginal imputer averages each
    coalition's prediction over the same background rows as Expected Hessians; the
    baseline imputer sets absent features to the training mean. The model is a numpy
    callable that runs the MLP under ``torch.inference_mode``.
  - **ArchDetect** (``benchmarks/baselines.py``): baseline ``z = 0``, ω̄ per row.
* **NID** (``benchmarks/baselines.py``) reads weights, so it explains its own network,
  trained the NID way on the same standardized rows (and the target standardized with
  its training rows' mean and deviation): ReLU MLP 140-100-60-20, L1 penalty
  5e-5 on the weights, Adam lr 1e-2, batch 100, ≤ 100 epochs, patience 5 (the first
  10,000 rows train it, the next 10,000 stop it). Its training is reported apart; its
  "explanation" is the weight product alone.

Every ranking of the 45 pairs is scored with ``interaction_auc_score`` against the
suite's ground truth. Reported: pairwise AUC per function and method (mean ± std over
seeds), averages over the functions, explanation wall times and each peer's time
divided by T-NID's, from the same run and the same process, one after the other, with
``--threads`` torch and BLAS threads (default 1). The issue's targets are checked and
printed as met or missed: T-NID at least as accurate as every peer on average, at
least 10× faster than Integrated Hessians and 100× faster than shapiq.

    python benchmarks/peers.py                 # F1–F10 × 3 seeds, ~30 min on 2 cores
    python benchmarks/peers.py --seeds 0 1 2 3 4 --functions F2 F6
    python benchmarks/peers.py --quick         # smoke run: F1, F10, one seed, < 1 min

About a minute per function and seed with the defaults, most of it shapiq (~25 s),
training the GELU network (~10 s), Integrated and Expected Hessians (~5 s each) and
training NID's network (~5 s).

Install the peers with ``pip install -e ".[bench]"`` (the ``bench`` extra of
``pyproject.toml``: shapiq and path-explain). path-explain 0.0.7 declares no
dependencies, so it installs nothing else, but its package ``__init__`` imports its
TensorFlow explainers; this script never executes that ``__init__``: it loads
``path_explain/explainers/path_explainer_torch.py`` on its own with importlib (that
file needs only torch, numpy and tqdm), so no TensorFlow is needed. The script prints
Markdown tables and writes ``benchmarks/results/peers.json`` (``peers_quick.json`` with
``--quick``, or ``--output``).
"""

from __future__ import annotations

import argparse
import functools
import importlib.metadata
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
RESULTS = HERE / "results" / "peers.json"
QUICK_RESULTS = HERE / "results" / "peers_quick.json"
FUNCTIONS = [f"F{i}" for i in range(1, 11)]
TNID = "T-NID (sk_interact)"
TNID_ROWS = "T-NID, random rows"
TNID_VARIANTS = [TNID, TNID_ROWS]
METHODS = [
    TNID,
    TNID_ROWS,
    "Integrated Hessians",
    "Expected Hessians",
    "shapiq",
    "ArchDetect",
    "NID",
]
DEFAULTS = {
    "functions": FUNCTIONS,
    "seeds": [0, 1, 2],
    "explain": 100,
    "background": 100,
    "max_epochs": 200,
    "nid_max_epochs": 100,
}
QUICK_DEFAULTS = {
    **DEFAULTS,
    "functions": ["F1", "F10"],
    "seeds": [0],
    "explain": 20,
    "background": 20,
    "max_epochs": 20,
    "nid_max_epochs": 20,
}
# Peers the issue sets a speed target against: minimum ratio of their time to T-NID's.
SPEED_TARGETS = {"Integrated Hessians": 10, "shapiq": 100}


def _load_file(name: str, path: Path):
    """Import a module from its file, without importing its package."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@functools.cache
def load_path_explainer_torch():
    """path-explain's ``PathExplainerTorch``, without running the package ``__init__``.

    ``importlib.util.find_spec`` of a top-level package locates it without executing
    it; the torch explainer's file is then executed alone.
    """
    spec = importlib.util.find_spec("path_explain")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "path-explain is not installed: pip install -e '.[bench]' (see the docstring)."
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    module = _load_file("_path_explain_torch", root / "explainers" / "path_explainer_torch.py")
    return module.PathExplainerTorch


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _seconds(call, repeats: int = 1) -> tuple[object, float]:
    """``call()``'s result and its wall time (median of ``repeats`` calls).

    With ``repeats > 1`` (the methods that take milliseconds), one untimed call first
    pays for one-time costs such as lazy imports, which a single timed call of the
    slow methods absorbs.
    """
    times, result = [], None
    if repeats > 1:
        call()
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def _global_abs(local: np.ndarray) -> np.ndarray:
    """Mean over rows of the symmetrised |pairwise score|: ``(n, d, d) -> (d, d)``."""
    return np.abs((local + np.swapaxes(local, 1, 2)) / 2).mean(axis=0)


def run_trial(name: str, seed: int, args, baselines) -> dict:
    """Train once on one draw of ``name``; explain the network with every method."""
    import torch
    from threadpoolctl import threadpool_limits

    from sk_interact import TNIDDetector
    from sk_interact.datasets import make_tsang_benchmark
    from sk_interact.metrics import interaction_auc_score

    torch.set_num_threads(args.threads)
    X, y, truth = make_tsang_benchmark(name, n_samples=30_000, random_state=seed)
    X_fit, y_fit, X_test, y_test = X[:20_000], y[:20_000], X[20_000:], y[20_000:]
    d = X.shape[1]
    settings = dict(
        order=2,
        exhaustive_order=2,
        hidden_layer_sizes=(140, 100, 60, 20),
        activation="gelu",
        lr=3e-3,
        batch_size=256,
        max_epochs=args.max_epochs,
        patience=10,
        validation_fraction=0.5,
        random_state=seed,
    )
    record = {"function": name, "seed": seed, "auc": {}, "seconds": {}}

    def score(matrix):
        ranking = baselines.pair_ranking(matrix)
        return interaction_auc_score(truth, ranking, order=2, n_features=d)

    with threadpool_limits(args.threads):
        # ---- the shared network, and T-NID's timed detection on it
        trained, record["train_seconds"] = _seconds(
            lambda: TNIDDetector(**settings).fit(X_fit, y_fit)
        )
        record["test_r2"] = float(trained.score(X_test, y_test))
        record["epochs"] = len(trained.net_.history)
        detector, record["seconds"][TNID] = _seconds(
            lambda: TNIDDetector(**settings, net=trained.net_).fit(X_fit, y_fit), args.repeats
        )
        same = detector.interactions_["strength"].to_numpy()
        if not np.array_equal(same, trained.interactions_["strength"].to_numpy()):
            raise RuntimeError("T-NID on the adopted net differs from the trained detector.")
        record["auc"][TNID] = interaction_auc_score(
            truth, detector.interactions_, order=2, n_features=d
        )
        # The same exact cross partials averaged over as many random training rows as
        # the peers explain, instead of the four representatives.
        detector, record["seconds"][TNID_ROWS] = _seconds(
            lambda: TNIDDetector(**settings, net=trained.net_, representatives=args.explain).fit(
                X_fit, y_fit
            ),
            args.repeats,
        )
        record["auc"][TNID_ROWS] = interaction_auc_score(
            truth, detector.interactions_, order=2, n_features=d
        )

        module = trained.net_.module_  # standardize -> MLP -> unstandardize
        network = module.network.eval().requires_grad_(False)
        with torch.no_grad():
            Z_fit = module.standardize(torch.as_tensor(X_fit, dtype=torch.float32)).numpy()
            Z_test = module.standardize(torch.as_tensor(X_test, dtype=torch.float32)).numpy()
        rng = np.random.RandomState(seed)
        Z_explain = Z_test[rng.choice(len(Z_test), args.explain, replace=False)]
        Z_background = Z_fit[rng.choice(len(Z_fit), args.background, replace=False)]

        def g(Z: np.ndarray) -> np.ndarray:
            with torch.inference_mode():
                return network(torch.as_tensor(Z, dtype=torch.float32))[:, 0].double().numpy()

        # ---- path-explain: Integrated and Expected Hessians
        PathExplainerTorch = load_path_explainer_torch()
        explainer = PathExplainerTorch(network)
        inputs = torch.as_tensor(Z_explain, dtype=torch.float32)
        references = {
            "Integrated Hessians": (torch.zeros(1, d), False),
            "Expected Hessians": (torch.as_tensor(Z_background, dtype=torch.float32), True),
        }
        for method, (reference, expectation) in references.items():
            torch.manual_seed(seed)  # path-explain draws from torch's and numpy's globals
            np.random.seed(seed)  # noqa: NPY002 (path-explain samples from the legacy global)

            def path_explain(reference=reference, expectation=expectation):
                with torch.enable_grad():
                    local = explainer.interactions(
                        inputs.clone().requires_grad_(True),
                        reference,
                        num_samples=args.ih_samples,
                        use_expectation=expectation,
                        verbose=False,
                    )
                return _global_abs(local.detach().double().numpy())

            matrix, record["seconds"][method] = _seconds(path_explain)
            record["auc"][method] = score(matrix)

        # ---- shapiq
        import shapiq

        if args.shapiq_imputer == "marginal":  # every background row, for every coalition
            imputer = {"data": Z_background, "sample_size": len(Z_background)}
        else:  # absent features at z = 0, the training mean (IH's and ArchDetect's baseline)
            imputer = {"data": np.zeros((1, d))}

        def shapiq_explain():
            tabular = shapiq.TabularExplainer(
                model=g,
                imputer=args.shapiq_imputer,
                index=args.shapiq_index,
                max_order=2,
                random_state=seed,
                **imputer,
            )
            values = tabular.explain_X(Z_explain, budget=args.shapiq_budget, random_state=seed)
            local = np.stack([v.get_n_order_values(2) for v in values])
            return _global_abs(local), type(tabular.approximator).__name__

        (matrix, approximator), record["seconds"]["shapiq"] = _seconds(shapiq_explain)
        record["shapiq_approximator"] = approximator
        record["auc"]["shapiq"] = score(matrix)

        # ---- ArchDetect
        matrix, record["seconds"]["ArchDetect"] = _seconds(
            lambda: baselines.archdetect_pairwise(g, Z_explain, np.zeros(d)).mean(axis=0),
            args.repeats,
        )
        record["auc"]["ArchDetect"] = score(matrix)

        # ---- NID: its own L1-regularised ReLU network on the same standardized rows
        y_mean, y_std = y_fit[:10_000].mean(), y_fit[:10_000].std()
        y_z = (y_fit - y_mean) / y_std
        (nid_net, nid_epochs), record["nid_train_seconds"] = _seconds(
            lambda: baselines.train_nid_mlp(
                Z_fit[:10_000],
                y_z[:10_000],
                Z_fit[10_000:],
                y_z[10_000:],
                max_epochs=args.nid_max_epochs,
                random_state=seed,
            )
        )
        with torch.inference_mode():
            prediction = nid_net(torch.as_tensor(Z_test)).numpy()[:, 0] * y_std + y_mean
        record["nid_test_r2"] = float(1 - np.mean((y_test - prediction) ** 2) / np.var(y_test))
        record["nid_epochs"] = nid_epochs
        matrix, record["seconds"]["NID"] = _seconds(
            lambda: baselines.nid_pairwise(baselines.linear_weights(nid_net)), args.repeats
        )
        record["auc"]["NID"] = score(matrix)
    return record


def summarise(records: list[dict], functions: list[str]) -> dict:
    """Per function and method: AUC and time statistics; overall means and ratios."""

    def stats(values):
        return {"mean": float(np.mean(values)), "std": float(np.std(values)), "n": len(values)}

    per_function = {}
    for name in functions:
        rows = [r for r in records if r["function"] == name]
        per_function[name] = {
            "auc": {m: stats([r["auc"][m] for r in rows]) for m in METHODS},
            "seconds": {m: stats([r["seconds"][m] for r in rows]) for m in METHODS},
            "test_r2": stats([r["test_r2"] for r in rows]),
            "nid_test_r2": stats([r["nid_test_r2"] for r in rows]),
        }
    mean_auc = {
        m: float(np.mean([per_function[f]["auc"][m]["mean"] for f in functions])) for m in METHODS
    }
    total = {m: float(sum(r["seconds"][m] for r in records)) for m in METHODS}
    ratios = {m: total[m] / total[TNID] for m in METHODS}
    median_trial_ratio = {
        m: float(np.median([r["seconds"][m] / r["seconds"][TNID] for r in records]))
        for m in METHODS
    }
    targets = {}
    for variant in TNID_VARIANTS:
        ratio = {m: total[m] / total[variant] for m in METHODS}
        for m in METHODS[len(TNID_VARIANTS) :]:
            targets[f"{variant}: mean AUC ≥ {m}"] = {
                "tnid": mean_auc[variant],
                "peer": mean_auc[m],
                "met": bool(mean_auc[variant] >= mean_auc[m]),
            }
        for m, factor in SPEED_TARGETS.items():
            accurate = bool(mean_auc[variant] >= mean_auc[m])
            targets[f"{variant}: ≥ {factor}× faster than {m} at least as accurately"] = {
                "ratio": ratio[m],
                "at_least_as_accurate": accurate,
                "met": bool(ratio[m] >= factor and accurate),
            }
    return {
        "per_function": per_function,
        "mean_auc": mean_auc,
        "total_seconds": total,
        "time_ratio_to_tnid": ratios,
        "median_trial_time_ratio_to_tnid": median_trial_ratio,
        "mean_train_seconds": float(np.mean([r["train_seconds"] for r in records])),
        "mean_nid_train_seconds": float(np.mean([r["nid_train_seconds"] for r in records])),
        "targets": targets,
    }


def markdown(summary: dict, functions: list[str], args, wall: float, published) -> str:
    per = summary["per_function"]

    def cell(entry):
        return f"{entry['mean']:.3f} ± {entry['std']:.3f}"

    def ms(seconds):
        return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"

    header = "| F | " + " | ".join(METHODS) + " | published NID | GELU test R² | NID-net R² |"
    lines = [
        f"T-NID against peers on {', '.join(functions)}: seeds {args.seeds}, "
        f"{args.threads} thread(s), wall time {wall / 60:.1f} min. Peers explain "
        f"{args.explain} test rows of the same GELU network; IH/EH num_samples="
        f"{args.ih_samples}; shapiq {args.shapiq_index}, {args.shapiq_imputer} imputer, "
        f"budget {args.shapiq_budget}; background {args.background} training rows. "
        f"T-NID: four representatives; T-NID, random rows: {args.explain} training rows.",
        "",
        "Pairwise AUC (mean ± std over seeds):",
        "",
        header,
        "|" + "---|" * (len(METHODS) + 4),
    ]
    for name in functions:
        row = per[name]
        auc = " | ".join(cell(row["auc"][m]) for m in METHODS)
        nid = published[FUNCTIONS.index(name)]
        lines.append(
            f"| {name} | {auc} | {nid:.3f} | {cell(row['test_r2'])} | {cell(row['nid_test_r2'])} |"
        )
    means = " | ".join(f"**{summary['mean_auc'][m]:.3f}**" for m in METHODS)
    published_mean = np.mean([published[FUNCTIONS.index(f)] for f in functions])
    lines.append(f"| **mean** | {means} | {published_mean:.3f} | | |")

    lines += [
        "",
        "Explanation wall time per network (mean over seeds; T-NID, ArchDetect and NID: "
        f"median of {args.repeats} calls after a warm-up call; the others: one call) and "
        "the ratio to T-NID's (total over all trials):",
        "",
        "| F | " + " | ".join(METHODS) + " |",
        "|" + "---|" * (len(METHODS) + 1),
    ]
    for name in functions:
        row = per[name]["seconds"]
        lines.append(f"| {name} | " + " | ".join(ms(row[m]["mean"]) for m in METHODS) + " |")
    ratio = summary["time_ratio_to_tnid"]
    lines.append("| **× T-NID** | " + " | ".join(f"{ratio[m]:.1f}×" for m in METHODS) + " |")
    lines += [
        "",
        f"Training the shared GELU network: {summary['mean_train_seconds']:.1f} s on "
        f"average; NID's own ReLU + L1 network: {summary['mean_nid_train_seconds']:.1f} s "
        "(not in NID's explanation time).",
        "",
        "Targets of the issue:",
        "",
    ]
    for target, entry in summary["targets"].items():
        verdict = "met" if entry["met"] else "MISSED"
        if "ratio" in entry:
            accurate = "yes" if entry["at_least_as_accurate"] else "no"
            detail = f"{entry['ratio']:.1f}× faster; at least as accurate: {accurate}"
        else:
            detail = f"mean AUC {entry['tnid']:.3f} vs {entry['peer']:.3f}"
        lines.append(f"- {target}: **{verdict}** ({detail})")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", nargs="+", choices=FUNCTIONS, help="default: all ten")
    parser.add_argument("--seeds", nargs="+", type=int, help="default: 0 1 2")
    parser.add_argument("--threads", type=int, default=1, help="torch and BLAS threads")
    parser.add_argument("--explain", type=int, help="test rows the peers explain (100)")
    parser.add_argument("--background", type=int, help="EH / shapiq background rows (100)")
    parser.add_argument("--ih-samples", type=int, default=256, help="path-explain num_samples")
    parser.add_argument("--shapiq-index", default="k-SII", choices=["k-SII", "FSII", "SII"])
    parser.add_argument("--shapiq-imputer", default="marginal", choices=["marginal", "baseline"])
    parser.add_argument("--shapiq-budget", type=int, default=1024)
    parser.add_argument("--max-epochs", type=int, help="GELU network (200)")
    parser.add_argument("--nid-max-epochs", type=int, help="NID's ReLU network (100)")
    parser.add_argument("--repeats", type=int, default=3, help="timed calls of the fast methods")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke-run defaults: F1 and F10, seed 0, 20 epochs, 20 explained and background rows",
    )
    parser.add_argument(
        "--output", type=Path, help=f"default {RESULTS} ({QUICK_RESULTS.name} with --quick)"
    )
    args = parser.parse_args(argv)
    if args.output is None:
        args.output = QUICK_RESULTS if args.quick else RESULTS
    # --quick changes the defaults only: options given explicitly win.
    defaults = QUICK_DEFAULTS if args.quick else DEFAULTS
    for option, value in defaults.items():
        if getattr(args, option) is None:
            setattr(args, option, value)
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[variable] = str(args.threads)

    baselines = _load_file("_benchmark_baselines", HERE / "baselines.py")
    published = _load_file("_benchmark_tsang_suite", HERE / "tsang_suite.py").PUBLISHED["NID"]
    records = []
    start = time.perf_counter()
    for seed in args.seeds:
        for name in args.functions:
            record = run_trial(name, seed, args, baselines)
            records.append(record)
            aucs = ", ".join(f"{m} {v:.3f}" for m, v in record["auc"].items())
            print(f"{name} seed {seed}: {aucs}", file=sys.stderr, flush=True)
    wall = time.perf_counter() - start

    summary = summarise(records, args.functions)
    print(markdown(summary, args.functions, args, wall, published))
    print(f"\nWrote {args.output}")
    settings = {key: value for key, value in vars(args).items() if key not in ("output", "quick")}
    settings.update(
        network="GELU MLP 140-100-60-20, Adam lr 3e-3, batch 256, patience 10",
        tnid="TNIDDetector(order=2), representatives mean, min, mode, random",
        integrated_hessians="path-explain PathExplainerTorch, baseline z=0 (training mean)",
        expected_hessians="path-explain PathExplainerTorch, background training rows",
        nid="ReLU MLP 140-100-60-20, L1 5e-5, Adam lr 1e-2, batch 100, patience 5",
        archdetect="baseline z=0, mean over explained rows of omega-bar",
        shapiq_approximator=sorted({r["shapiq_approximator"] for r in records}),
    )
    import torch

    payload = {
        "benchmark": "T-NID against peer interaction detectors on F1-F10 (pairwise AUC)",
        "quick": args.quick,
        "settings": settings,
        "threads": args.threads,
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "shapiq": _version("shapiq"),
            "path-explain": _version("path-explain"),
            "sk-interact": _version("sk-interact"),
            "skorch": _version("skorch"),
            "scikit-learn": _version("scikit-learn"),
            "numpy": np.__version__,
        },
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "wall_seconds": wall,
        "summary": summary,
        "trials": records,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
