"""Calibration, false discovery rate, power and cost of ``TNIDDetector(significance="auto")``.

Per function and seed (a new data draw, new networks), T-NID ranks every pair and
tests it (``significance="auto"``: the parametric bootstrap of
:mod:`sk_interact._significance`). Reported:

(a) **Calibration**: p-values of pairs that are not interactions should be uniform.
    Pooled over seeds: the Kolmogorov–Smirnov distance to the uniform and the share
    below 0.05 / 0.1, on two additive functions (strong, curved main effects; one with
    correlated inputs) and on the non-interacting pairs of F1–F10; a QQ plot is saved.
(b) **FDR and power** at nominal 0.05 / 0.1 / 0.2: the empirical FDR (mean over runs
    of false / max(selected, 1), with a 95% interval over runs), the share of runs of
    an additive function with any discovery, and the power on the true pairs of
    F1–F10 that hold ≥ 1% of the target's variance (superset importance of the pair,
    Liu & Owen 2006, by Monte Carlo on the true function).
(c) **Cost**: the time of the fit with significance over a plain fit on the same data
    (seed 0 of each function), in one process, and where the extra time goes: the
    boosting fits (null models, noise model, out-of-fold residuals), the batched null
    ensemble (with its epochs against the plain network's), and the statistics.

With ``--task classification`` the targets are binary labels drawn with log-odds
``3 z`` (``z``: the target standardized), so the true interactions are the same, and
(a) and (b) are measured on them (``significance_classification.json``).

    python benchmarks/significance.py                    # 12 functions × 5 seeds
    python benchmarks/significance.py --seeds 2 --functions F1 A1
    python benchmarks/significance.py --cost-only        # re-time (c) alone, in place
    python benchmarks/significance.py --task classification --seeds 3   # (a), (b) on classes

Prints Markdown tables and writes ``benchmarks/results/significance.json`` and
``significance_qq.png``.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch
from scipy import stats

import sk_interact._significance as significance
from sk_interact import TNIDDetector
from sk_interact.datasets import make_tsang_benchmark, tsang_function

RESULTS = Path(__file__).parent / "results"
LEVELS = (0.05, 0.1, 0.2)
TSANG = [f"F{i}" for i in range(1, 11)]


def additive(name: str, n: int, seed: int):
    """Additive functions, so no pair is an interaction.

    A1: strong, curved main effects of independent uniform inputs.
    A2: the same kind of main effects on correlated Gaussian inputs (ρ = 0.7 between
    neighbours).
    """
    rng = np.random.RandomState(seed)
    d = 8
    if name == "A1":
        X = rng.uniform(-1, 1, size=(n, d))
    else:
        cov = 0.7 ** np.abs(np.subtract.outer(np.arange(d), np.arange(d)))
        X = rng.multivariate_normal(np.zeros(d), cov, size=n)
    y = (
        3 * np.sin(2 * X[:, 0])
        + 2 * X[:, 1] ** 2
        + np.exp(X[:, 2])
        + 2 * np.abs(X[:, 3])
        + X[:, 4] ** 3
        + np.tanh(3 * X[:, 5])
        + 0.5 * X[:, 6]
        + 0.1 * rng.randn(n)
    )
    return X, y, []


def superset_importance(f, sample, sets, n: int = 20000, seed: int = 123) -> dict:
    """Per set ``S``: ``E[(Δ_S f)²] / 2^|S| / Var f`` (Liu & Owen 2006), the share of the
    target's variance that interactions holding all of ``S`` carry, by Monte Carlo on
    ``sample(n, seed)`` with the features of each subset of ``S`` redrawn from
    ``sample(n, seed + 1)``."""
    X, X2 = sample(n, seed), sample(n, seed + 1)
    variance = np.var(f(X))
    shares = {}
    for s in sets:
        delta = np.zeros(n)
        for size in range(len(s) + 1):
            for moved in itertools.combinations(s, size):
                Z = X.copy()
                Z[:, list(moved)] = X2[:, list(moved)]
                delta += (-1) ** size * f(Z)
        shares[tuple(s)] = float(np.mean(delta**2) / 2 ** len(s) / variance)
    return shares


def pair_variance_shares(name: str) -> dict:
    """Per pair of features of ``name`` (one of F1–F10): its superset importance."""
    d = make_tsang_benchmark(name, n_samples=2, random_state=0)[0].shape[1]
    return superset_importance(
        tsang_function(name),
        lambda n, seed: make_tsang_benchmark(name, n_samples=n, random_state=seed)[0],
        itertools.combinations(range(d), 2),
    )


def binary_labels(y: np.ndarray, seed: int) -> np.ndarray:
    """Classes drawn with log-odds ``3 z`` (``z``: the target standardized), so every
    interaction of the target is one of the log-odds."""
    z = (y - y.mean()) / y.std()
    rng = np.random.RandomState(10_000 + seed)
    return (rng.uniform(size=len(z)) < 1 / (1 + np.exp(-3 * z))).astype(int)


#: Steps of the test timed apart, by the function of ``sk_interact._significance`` each is.
PHASES = {
    "boosting": ("_residuals", "_noise_model", "_null_targets", "_label_entropy", "_drawn_labels"),
    "ensemble": ("_train_ensemble",),
    "statistics": ("_statistics",),
}


@contextlib.contextmanager
def phase_timer(phases: dict):
    """Accumulate the seconds spent in each of :data:`PHASES` into ``phases`` (and the
    null ensemble's epochs), by wrapping those functions for the ``with`` block."""
    originals = {}

    def timed(phase, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[phase] = phases.get(phase, 0.0) + time.perf_counter() - start

        return wrapper

    for phase, names in PHASES.items():
        for attr in names:
            originals[attr] = getattr(significance, attr)
            setattr(significance, attr, timed(phase, originals[attr]))
    fit_network = originals["fit_network"] = significance.fit_network

    def counted(*args, **kwargs):
        net = fit_network(*args, **kwargs)
        phases["ensemble_epochs"] = len(net.history)
        return net

    significance.fit_network = counted
    try:
        yield phases
    finally:
        for attr, function in originals.items():
            setattr(significance, attr, function)


def load(name: str, n: int, seed: int):
    """``X, y, truth`` of one of F1–F10 or of the additive A1 and A2."""
    if name in TSANG:
        return make_tsang_benchmark(name, n_samples=n, random_state=seed)
    return additive(name, n, seed)


def run(name: str, seed: int, n: int, timing: bool, task: str = "regression") -> dict:
    X, y, truth = load(name, n, seed)
    if task == "classification":
        y = binary_labels(y, seed)
    settings = dict(random_state=seed, memory=None)
    plain_seconds, plain_epochs, phases = None, None, {}
    if timing:
        start = time.perf_counter()
        plain = TNIDDetector(**settings).fit(X, y)
        plain_seconds = time.perf_counter() - start
        plain_epochs = len(plain.net_.history)
    with phase_timer(phases) if timing else contextlib.nullcontext():
        start = time.perf_counter()
        tnid = TNIDDetector(significance="auto", **settings).fit(X, y)
        seconds = time.perf_counter() - start
    ranking = tnid.interactions_
    true = [any(set(s) <= set(t) for t in truth) for s in ranking["indices"]]
    return {
        "function": name,
        "seed": seed,
        "validation_score": tnid.validation_score_,
        "sets": [list(s) for s in ranking["indices"]],
        "true": true,
        "p_value": ranking["p_value"].tolist(),
        "q_value": ranking["q_value"].tolist(),
        "seconds": seconds,
        "plain_seconds": plain_seconds,
        "plain_epochs": plain_epochs,
        "phases": phases,
    }


def interval(values) -> tuple[float, float, float]:
    values = np.asarray(values, dtype=float)
    mean = values.mean()
    half = 1.96 * values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else np.nan
    return mean, mean - half, mean + half


def summarise(runs: list[dict], shares: dict) -> dict:
    table = {"calibration": {}, "fdr": {}, "power": {}, "cost": {}}
    groups = {
        "A1 (additive, independent)": [r for r in runs if r["function"] == "A1"],
        "A2 (additive, correlated)": [r for r in runs if r["function"] == "A2"],
        "F1–F10 non-interacting pairs": [r for r in runs if r["function"] in TSANG],
    }
    for label, group in groups.items():
        p = np.array([p for r in group for p, t in zip(r["p_value"], r["true"]) if not t])
        if len(p):
            table["calibration"][label] = {
                "n": len(p),
                "ks": float(stats.kstest(p, "uniform").statistic),
                "below_0.05": float(np.mean(p <= 0.05)),
                "below_0.1": float(np.mean(p <= 0.1)),
                "p": p.tolist(),
            }
    for level in LEVELS:
        proportions, any_additive, hits = [], [], []
        for r in runs:
            q, true = np.array(r["q_value"]), np.array(r["true"])
            selected = q <= level
            if r["function"] in TSANG:
                proportions.append((selected & ~true).sum() / max(selected.sum(), 1))
                share = shares[r["function"]]
                for s, sel in zip(r["sets"], selected):
                    if share.get(tuple(s), 0) >= 0.01 and any(
                        set(s) <= set(t) for t in make_truth(r["function"])
                    ):
                        hits.append(bool(sel))
            else:
                any_additive.append(bool(selected.any()))
                proportions.append(float(selected.any()))  # every discovery is false
        mean, low, high = interval(proportions)
        table["fdr"][level] = {
            "fdr": mean,
            "low": low,
            "high": high,
            "runs_with_discovery_additive": float(np.mean(any_additive)) if any_additive else None,
        }
        table["power"][level] = {"power": float(np.mean(hits)), "pairs": len(hits)}
    table["cost"] = summarise_cost(runs)
    return table


def summarise_cost(runs: list[dict]) -> dict:
    cost = {}
    for r in runs:
        if not r["plain_seconds"]:
            continue
        phases = r.get("phases") or {}
        entry = {
            "plain_s": r["plain_seconds"],
            "significance_s": r["seconds"],
            "ratio": r["seconds"] / r["plain_seconds"],
        }
        if phases:
            entry.update(
                {f"{phase}_s": phases.get(phase, 0.0) for phase in PHASES},
                plain_epochs=r["plain_epochs"],
                ensemble_epochs=phases.get("ensemble_epochs"),
            )
        cost[r["function"]] = entry
    return cost


def make_truth(name: str):
    return make_tsang_benchmark(name, n_samples=2, random_state=0)[2]


def qq_plot(calibration: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5, 5), layout="constrained")
    ax = figure.subplots()
    for label, entry in calibration.items():
        p = np.sort(entry["p"])
        expected = (np.arange(1, len(p) + 1) - 0.5) / len(p)
        ax.plot(expected, p, ".", markersize=3, label=f"{label} (KS {entry['ks']:.3f})")
    ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="uniform")
    ax.set_xlabel("expected p-value (uniform quantile)")
    ax.set_ylabel("observed p-value")
    ax.set_title("p-values of pairs that are not interactions")
    ax.legend(fontsize=7, loc="upper left")
    figure.savefig(path, dpi=120)


def print_cost(cost: dict, threads: int) -> None:
    print(
        f"\n(c) Cost: fit with significance / plain fit, same data, same process "
        f"(torch threads: {threads})\n"
    )
    print(
        "| function | plain fit (s) | with significance (s) | ratio | boosting (s) | "
        "null ensemble (s) | statistics (s) | epochs: plain / ensemble |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, c in cost.items():
        parts = [f"{c[f'{phase}_s']:.1f}" if f"{phase}_s" in c else "–" for phase in PHASES]
        epochs = f"{c['plain_epochs']} / {c['ensemble_epochs']}" if "plain_epochs" in c else "–"
        print(
            f"| {name} | {c['plain_s']:.1f} | {c['significance_s']:.1f} | {c['ratio']:.2f} | "
            f"{' | '.join(parts)} | {epochs} |"
        )
    ratios = [c["ratio"] for c in cost.values()]
    print(f"\nmedian ratio {np.median(ratios):.2f} (range {min(ratios):.2f}–{max(ratios):.2f})")
    timed = [c for c in cost.values() if "ensemble_s" in c]
    if timed:
        total = sum(c["significance_s"] for c in timed)
        shares = {p: sum(c[f"{p}_s"] for c in timed) / total for p in PHASES}
        print(
            "share of the fit with significance, summed over functions: "
            + ", ".join(f"{p} {100 * v:.0f}%" for p, v in shares.items())
            + f", the detector's own fit and the rest {100 * (1 - sum(shares.values())):.0f}%"
        )


def warm_up() -> None:
    """One tiny fit with significance, so one-off imports and initializations are
    charged to neither side of a timing."""
    X, y, _ = additive("A1", 200, 0)
    TNIDDetector(significance="auto", max_epochs=2, memory=None, random_state=0).fit(X, y)


def cpu_name() -> str:
    """The processor's model name (Linux), with whether it has AVX-512, else what
    ``platform`` knows: timings depend on it."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    lines = info.splitlines()
    model = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")
    return f"{model or platform.machine()}{' (AVX-512)' if 'avx512f' in info else ''}"


def retime(args) -> None:
    """Time seed 0 of every function again, alone, and replace the cost of ``--output``
    (the calibration, FDR and power runs are long, and timings taken while anything
    else runs on the machine are not a fair ratio)."""
    data = json.loads(args.output.read_text())
    warm_up()
    for r in data["runs"]:
        if r["plain_seconds"] is not None:
            again = run(r["function"], r["seed"], data["meta"]["n_samples"], timing=True)
            for key in ("seconds", "plain_seconds", "plain_epochs", "phases"):
                r[key] = again[key]
            print(f"{r['function']}: {r['plain_seconds']:.1f} s, {r['seconds']:.1f} s", flush=True)
    data["summary"]["cost"] = summarise_cost(data["runs"])
    data["meta"]["cost_retimed"] = True
    data["meta"]["cost_threads"] = args.threads
    data["meta"]["cost_cpu"] = f"{cpu_name()}, {args.threads} torch thread(s), timed alone"
    print_cost(data["summary"]["cost"], args.threads)
    args.output.write_text(json.dumps(data, indent=1, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", nargs="+", default=[*TSANG, "A1", "A2"])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--n-samples", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="default: results/significance.json (significance_classification.json)",
    )
    parser.add_argument(
        "--task",
        choices=["regression", "classification"],
        default="regression",
        help="classification: binary labels drawn with log-odds 3 z of each target "
        "(writes significance_classification.json; no cost table)",
    )
    parser.add_argument(
        "--cost-only",
        action="store_true",
        help="re-time seed 0 of each function of an existing --output (run it alone)",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.output is None:
        suffix = "" if args.task == "regression" else "_classification"
        args.output = RESULTS / f"significance{suffix}.json"
    if args.cost_only:
        retime(args)
        return

    shares = {name: pair_variance_shares(name) for name in args.functions if name in TSANG}
    warm_up()
    runs = []
    for name in args.functions:
        for seed in range(args.seeds):
            timing = seed == 0 and args.task == "regression"
            runs.append(run(name, seed, args.n_samples, timing=timing, task=args.task))
            r = runs[-1]
            print(
                f"{name} seed {seed}: held-out score {r['validation_score']:.3f}, "
                f"{sum(q <= 0.1 for q in r['q_value'])} selected at 0.1, {r['seconds']:.1f} s",
                flush=True,
            )
    table = summarise(runs, shares)

    print(f"\n(a) Calibration ({args.task}, torch threads: {args.threads}, n = {args.n_samples})\n")
    print("| null pairs | p-values | KS distance | share ≤ 0.05 | share ≤ 0.1 |")
    print("|---|---:|---:|---:|---:|")
    for label, e in table["calibration"].items():
        print(
            f"| {label} | {e['n']} | {e['ks']:.3f} | {e['below_0.05']:.3f} | {e['below_0.1']:.3f} |"
        )
    print("\n(b) FDR and power\n")
    print(
        "| nominal FDR | empirical FDR [95% interval] | additive runs with a discovery | "
        "power (pairs ≥ 1% of variance) |"
    )
    print("|---:|---:|---:|---:|")
    for level in LEVELS:
        f, p = table["fdr"][level], table["power"][level]
        additive_share = f["runs_with_discovery_additive"]
        shown = "n/a" if additive_share is None else f"{additive_share:.2f}"
        print(
            f"| {level} | {f['fdr']:.3f} [{f['low']:.3f}, {f['high']:.3f}] | {shown} | "
            f"{p['power']:.2f} ({p['pairs']} pairs) |"
        )
    if table["cost"]:
        print_cost(table["cost"], args.threads)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    qq_plot(table["calibration"], args.output.with_name(args.output.stem + "_qq.png"))
    for entry in table["calibration"].values():
        entry.pop("p")
    meta = {
        "threads": args.threads,
        "n_samples": args.n_samples,
        "seeds": args.seeds,
        "task": args.task,
        "machine": platform.processor() or platform.machine(),
        "torch": torch.__version__,
    }
    args.output.write_text(
        json.dumps({"meta": meta, "summary": table, "runs": runs}, indent=1, default=str)
    )


if __name__ == "__main__":
    main()
