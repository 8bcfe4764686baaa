"""Speed of T-NID: derivative kernels, detection at scale, training throughput.

Part 1 (kernels). On the T-NID network (GELU MLP 140-100-60-20, float32, random weights):

* full Hessians at d ∈ {10, 50, 200, 1000} and B ∈ {4, 256} points, against (a) the
  naive loop of B·d ``torch.autograd.grad`` calls and (b) ``torch.autograd.functional.
  hessian(vectorize=True)`` called per point;
* mixed partials of order l ∈ {3, 4, 5} for 100 and 1,000 random index sets at B=4
  points (d=100), against (a) the naive nested ``torch.autograd.grad`` loop per set and
  point and (b) one vmapped reverse-mode nest per set without prefix sharing; plus the
  T-NID case, ~1,000 sets extending the top 10 sets of the previous order.

Every case runs in a fresh process (so its peak memory is its own) that times
sk_interact first and the baselines after it, so each ratio comes from one run. Slow
baselines are timed on a subset (a few points, rows or sets) and scaled linearly to the
full case; the table marks those as extrapolated. Peak memory is the peak resident set
size above the level before the call, sampled every millisecond.

Part 2 (scale). ``TNIDDetector`` detection at d ∈ {10, 100, 1000} features, for order 2
(all d(d−1)/2 pairs) and order 3 (pairs, then the extensions of each representative's
top k = 10 pairs), at the default four representatives. Per case, in a fresh process: a
T-NID network (GELU 140-100-60-20) is trained on 10,000 rows of a synthetic function
with a planted pair (x0, x1) and triple (x2, x3, x4), ``max_epochs=20`` without early
stopping (the weights only need to be a real trained network's; ``--quick``: 2,000 rows,
2 epochs). Detection is then timed on the estimator's own path: a re-fit on the same
data finds the trained network in sk_interact's cache, so it runs validation, the
representative samples and Algorithm 1 (exact cross partials, top-k pruning, the
ranking DataFrame) and trains nothing. Also timed: ``_rank``, the Algorithm 1 step
alone (the same internal function ``fit`` calls). Peak memory is that of the first
re-fit, after freed heap pages have been handed back to the OS (``malloc_trim``).

Part 3 (training throughput). On a draw of F1 as ``tsang_suite.py`` uses it (20,000
rows, half of them the early-stopping validation split; Adam, lr 3e-3, batch 256,
≤ 200 epochs, patience 10; T-NID ℓ = 5, k = 10): one ``TNIDDetector(n_estimators=10)``
fit, whose ten regression networks train as one vectorised ``EnsembleMLP`` through one
skorch fit, against ten sequential ``TNIDDetector(n_estimators=1)`` fits with seeds
0–9, in one process, one after the other. Reported: wall times, the epochs each
training took (early stopping), the training time alone (fit minus a cache-hit
re-fit), the members' test R² and the pairwise AUC (``--quick``: 4,000 rows). Next,
F1's trials 0–9 as ``tsang_suite.py`` runs them (trial t: draw t, seed t), one after
the other and then as one module (``--vectorise-trials``: every trial's network on its
own data, with its own early stopping). Last, the wall time of the full Table-1 run
(``tsang_suite.py``, 10 functions × 10 trials): the run recorded before this benchmark
existed, and the latest ones in ``benchmarks/results/tsang_suite.json`` and
``tsang_suite_vectorised.json``.

    python benchmarks/speed.py                  # all parts (part 1 takes longest)
    python benchmarks/speed.py --part 2 3       # detection at scale, training throughput
    python benchmarks/speed.py --part 2 3 --quick   # smoke run, to speed_quick.json
    python benchmarks/tsang_suite.py --vectorise-trials \\
        --output benchmarks/results/tsang_suite_vectorised.json   # then --part 3 reports it

``--threads N`` sets torch's threads (default 1), ``--repeats`` the timed repeats per
case (default 5 with part 1, else 3; 1 with ``--quick``). Prints Markdown tables and
writes ``benchmarks/results/speed.json`` (``speed_quick.json`` with ``--quick``),
keeping the parts that were not re-run: part 1 under ``results``, part 2 under
``scale``, part 3 under ``throughput``.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "speed.json"
QUICK_RESULTS = RESULTS.with_name("speed_quick.json")
# Full Table-1 runs to report as "after": trials fitted one by one, and vectorised.
TSANG_RESULTS = [
    RESULTS.with_name("tsang_suite.json"),
    RESULTS.with_name("tsang_suite_vectorised.json"),
]
HESSIAN_CASES = [(d, b) for d in (10, 50, 200, 1000) for b in (4, 256)]
MIXED_CASES = [(order, s, "random") for order in (3, 4, 5) for s in (100, 1000)] + [
    (order, 1000, "t-nid") for order in (3, 4, 5)
]
SCALE_CASES = [(d, order) for d in (10, 100, 1000) for order in (2, 3)]
# Part 2's training: (rows, epochs), full and --quick.
SCALE_TRAINING = {False: (10_000, 20), True: (2_000, 2)}
# Part 3: tsang_suite.py's settings (T-NID paper §6), and its rows (fit / test).
TSANG_SETTINGS = dict(
    order=5,
    exhaustive_order=2,
    k=10,
    representatives=("mean", "min", "mode", "random"),
    hidden_layer_sizes=(140, 100, 60, 20),
    activation="gelu",
    lr=3e-3,
    batch_size=256,
    max_epochs=200,
    patience=10,
    validation_fraction=0.5,
)
THROUGHPUT_ROWS = {False: (20_000, 10_000), True: (4_000, 2_000)}
# What tsang_suite.py's detector fixes itself (its settings carry the rest).
TSANG_DETECTOR_FIXED = ("order", "exhaustive_order", "k", "validation_fraction")
THROUGHPUT_MEMBERS = 10
# The full Table-1 run before this benchmark (and the vectorised trials) existed: the
# wall_seconds of benchmarks/results/tsang_suite.json as committed in 01829a1, 10
# functions × 10 trials, --jobs 2 --threads 1 on this 2-core machine.
TABLE1_BEFORE_SECONDS = 489.4386066039997


# ----------------------------------------------------------------------------- helpers
def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakMemory:
    """Peak resident set size above the starting level, sampled in a thread."""

    def __enter__(self):
        self.start = self.peak = _rss_bytes()
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while self._running:
            self.peak = max(self.peak, _rss_bytes())
            time.sleep(0.001)

    def __exit__(self, *exc):
        self._running = False
        self._thread.join()
        self.peak = max(self.peak, _rss_bytes())
        self.extra_mb = (self.peak - self.start) / 2**20


def _median_time(fn, repeats: int) -> float:
    fn()  # warm-up: first-call dispatch and allocator growth are not what we measure
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _network(d: int):
    import torch

    from sk_interact._networks import MLP

    torch.manual_seed(0)
    return MLP(d).eval()


# ------------------------------------------------------------------------- baselines
def _naive_hessian(module, X, rows):
    """B·d backward passes: one ``autograd.grad`` per Hessian row (first ``rows`` rows)."""
    import torch

    out = []
    for x in X:
        x = x.detach().clone().unsqueeze(0).requires_grad_(True)
        (g,) = torch.autograd.grad(module(x).sum(), x, create_graph=True)
        out.append([torch.autograd.grad(g[0, i], x, retain_graph=True)[0] for i in range(rows)])
    return out


def _functional_hessian(module, X):
    import torch

    return [
        torch.autograd.functional.hessian(
            lambda x: module(x.unsqueeze(0)).reshape(()), x, vectorize=True
        )
        for x in X
    ]


def _naive_mixed(module, X, sets):
    """Nested ``autograd.grad`` per set and point, as a user without vmap would write."""
    import torch

    values = []
    for x in X:
        for index_set in sets:
            x_ = x.detach().clone().unsqueeze(0).requires_grad_(True)
            value = module(x_).sum()
            for i in index_set:
                (g,) = torch.autograd.grad(value, x_, create_graph=True)
                value = g[0, i]
            values.append(value.detach())
    return values


def _vmapped_nest_per_set(module, X, sets):
    """One reverse-mode nest per set, vmapped over sets and points (no prefix sharing)."""
    import torch
    from torch.func import grad, vmap

    def along(h, u):
        return lambda x: grad(h)(x) @ u

    def single(x, onehots):
        h = lambda x: module(x.unsqueeze(0)).reshape(())  # noqa: E731
        for level in range(onehots.shape[0]):
            h = along(h, onehots[level])
        return h(x)

    onehots = torch.nn.functional.one_hot(torch.as_tensor(sets), X.shape[1]).to(X.dtype)
    with torch.no_grad():
        return vmap(vmap(single, in_dims=(None, 0), chunk_size=256), in_dims=(0, None))(X, onehots)


# ----------------------------------------------------------------------------- cases
def run_hessian_case(d: int, b: int, repeats: int) -> dict:
    import torch

    from sk_interact.derivatives import hessian

    module = _network(d)
    X = torch.randn(b, d, generator=torch.Generator().manual_seed(1))
    hessian(module, X[:1, :])  # load the code paths once, so the peak is the case's own
    with PeakMemory() as memory:
        hessian(module, X)
    ours = _median_time(lambda: hessian(module, X), repeats)

    naive_points, naive_rows = min(b, 2), min(d, 50)
    naive = _median_time(lambda: _naive_hessian(module, X[:naive_points], naive_rows), 1)
    naive *= (b * d) / (naive_points * naive_rows)
    functional_points = min(b, 4 if d <= 200 else 1)
    functional = _median_time(lambda: _functional_hessian(module, X[:functional_points]), 1)
    functional *= b / functional_points

    # The kernel's answer, checked against the per-point functional Hessian.
    reference = torch.stack(_functional_hessian(module, X[:2]))
    error = (hessian(module, X[:2]) - reference).abs().max() / reference.abs().max()
    return {
        "kind": "hessian",
        "d": d,
        "B": b,
        "ours_s": ours,
        "naive_s": naive,
        "naive_extrapolated": naive_points * naive_rows < b * d,
        "functional_s": functional,
        "functional_extrapolated": functional_points < b,
        "speedup_vs_naive": naive / ours,
        "speedup_vs_functional": functional / ours,
        "peak_extra_mb": memory.extra_mb,
        "max_rel_error_vs_functional": float(error),
    }


def _index_sets(order: int, n_sets: int, kind: str, d: int) -> list[tuple[int, ...]]:
    import torch

    generator = torch.Generator().manual_seed(order * 1000 + n_sets)

    def random_set(size):
        return tuple(sorted(torch.randperm(d, generator=generator)[:size].tolist()))

    if kind == "random":
        sets: set[tuple[int, ...]] = set()
        while len(sets) < n_sets:
            sets.add(random_set(order))
        return sorted(sets)
    # T-NID: every extension I ∪ {j} of the top 10 sets of the previous order.
    tops = {random_set(order - 1) for _ in range(10)}
    return sorted({tuple(sorted((*t, j))) for t in tops for j in range(d) if j not in t})


def run_mixed_case(order: int, n_sets: int, kind: str, repeats: int) -> dict:
    import torch

    from sk_interact.derivatives import mixed_partials

    d, b = 100, 4
    module = _network(d)
    X = torch.randn(b, d, generator=torch.Generator().manual_seed(2))
    sets = _index_sets(order, n_sets, kind, d)
    mixed_partials(module, X[:1], sets[:1])  # load the code paths once
    with PeakMemory() as memory:
        mixed_partials(module, X, sets)
    ours = _median_time(lambda: mixed_partials(module, X, sets), repeats)

    naive_sets = sets[:: max(1, len(sets) // 40)]
    naive = _median_time(lambda: _naive_mixed(module, X, naive_sets), 1)
    naive *= len(sets) / len(naive_sets)
    per_set = _median_time(lambda: _vmapped_nest_per_set(module, X, sets), 1)

    check = sets[:: max(1, len(sets) // 10)]
    reference = _vmapped_nest_per_set(module, X, check)
    error = (mixed_partials(module, X, check) - reference).abs().max() / reference.abs().max()
    return {
        "kind": "mixed_partials",
        "order": order,
        "sets": len(sets),
        "set_kind": kind,
        "B": b,
        "d": d,
        "ours_s": ours,
        "naive_s": naive,
        "naive_extrapolated": len(naive_sets) < len(sets),
        "per_set_vmap_s": per_set,
        "speedup_vs_naive": naive / ours,
        "speedup_vs_per_set_vmap": per_set / ours,
        "peak_extra_mb": memory.extra_mb,
        "max_rel_error_vs_per_set_vmap": float(error),
    }


# ------------------------------------------------------------------- part 2: scale
def _release_freed_memory() -> None:
    """Hand freed heap pages back to the OS (glibc), so RSS starts at what is in use."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the baseline may include freed pages
        pass


def _planted_data(n: int, d: int):
    """``y = 2 x0 x1 + x2 x3 x4 + sin(2 x5) + small linear terms``, ``x ~ N(0, I_d)``."""
    import numpy as np

    rng = np.random.RandomState(0)
    X = rng.normal(size=(n, d))
    linear = X[:, 6:] @ rng.normal(scale=1 / np.sqrt(d), size=d - 6)
    y = 2 * X[:, 0] * X[:, 1] + X[:, 2] * X[:, 3] * X[:, 4] + np.sin(2 * X[:, 5]) + linear
    return X, y


def _rank_of(ranking, indices: tuple[int, ...]) -> int | None:
    """1-based position of ``indices`` among the sets of its order, None if unscored."""
    same_order = ranking[ranking["order"] == len(indices)]["indices"].tolist()
    return same_order.index(indices) + 1 if indices in same_order else None


def run_scale_case(d: int, order: int, repeats: int, quick: bool) -> dict:
    from sk_interact import TNIDDetector

    n_rows, epochs = SCALE_TRAINING[quick]
    X, y = _planted_data(n_rows, d)
    tnid = TNIDDetector(
        order=order,
        k=10,
        max_epochs=epochs,
        patience=None,
        validation_fraction=None,
        random_state=0,
    )
    start = time.perf_counter()
    tnid.fit(X, y)  # trains, then detects once (which also loads the code paths)
    fit_seconds = time.perf_counter() - start

    _release_freed_memory()
    with PeakMemory() as memory:
        tnid.fit(X, y)  # the trained network comes from the cache: detection only
    detect = _median_time(lambda: tnid.fit(X, y), repeats)
    points = tnid.representatives_.to_numpy()
    rank = _median_time(lambda: tnid._rank(points), repeats)

    ranking = tnid.interactions_
    sets = {int(o): int(c) for o, c in ranking["order"].value_counts().sort_index().items()}
    return {
        "kind": "scale",
        "d": d,
        "order": order,
        "k": 10,
        "representatives": len(points),
        "sets": sets,
        "detect_s": detect,
        "rank_s": rank,
        "peak_extra_mb": memory.extra_mb,
        "train_rows": n_rows,
        "train_epochs": epochs,
        "fit_s": fit_seconds,
        "train_r2": float(tnid.score(X, y)),
        "planted_pair_rank": _rank_of(ranking, (0, 1)),
        "planted_triple_rank": _rank_of(ranking, (2, 3, 4)) if order >= 3 else None,
    }


# -------------------------------------------------------- part 3: training throughput
def _timed_fits(X, y, seeds: list[int], n_estimators: int) -> list[dict]:
    """Fit one ``TNIDDetector`` per seed; time the fit and a cache-hit re-fit of each."""
    from sk_interact import TNIDDetector

    out = []
    for seed in seeds:
        tnid = TNIDDetector(n_estimators=n_estimators, random_state=seed, **TSANG_SETTINGS)
        start = time.perf_counter()
        tnid.fit(X, y)
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        tnid.fit(X, y)  # the trained networks come from the cache: detection only
        out.append(
            {
                "tnid": tnid,
                "fit_s": fit_seconds,
                "detect_s": time.perf_counter() - start,
                "epochs": [len(net.history) for net in tnid.nets_],
            }
        )
    return out


def run_throughput_case(quick: bool) -> dict:
    import numpy as np
    from sklearn.metrics import r2_score

    from sk_interact import clear_network_cache
    from sk_interact.datasets import make_tsang_benchmark
    from sk_interact.metrics import interaction_auc_score

    n_fit, n_test = THROUGHPUT_ROWS[quick]
    X, y, truth = make_tsang_benchmark("F1", n_samples=n_fit + n_test, random_state=0)
    X_fit, y_fit, X_test, y_test = X[:n_fit], y[:n_fit], X[n_fit:], y[n_fit:]

    def summary(fits):
        nets = [net for fit in fits for net in fit["tnid"].nets_]
        fit_s = sum(f["fit_s"] for f in fits)
        detect_s = sum(f["detect_s"] for f in fits)
        epochs = [e for f in fits for e in f["epochs"]]
        aucs = [
            interaction_auc_score(truth, f["tnid"].interactions_, order=2, n_features=10)
            for f in fits
        ]
        return {
            "fit_s": fit_s,
            "detect_s": detect_s,
            "train_s": fit_s - detect_s,
            # one skorch fit trains every member of an ensemble: count its epochs once
            "epochs": [f["epochs"][0] for f in fits],
            "member_epochs": int(sum(epochs)),
            "test_r2": [float(r2_score(y_test, net.predict(X_test).ravel())) for net in nets],
            "pairwise_auc": aucs,
        }

    clear_network_cache()
    ensemble = summary(_timed_fits(X_fit, y_fit, [0], THROUGHPUT_MEMBERS))
    clear_network_cache()
    sequential = summary(_timed_fits(X_fit, y_fit, list(range(THROUGHPUT_MEMBERS)), 1))
    clear_network_cache()
    trials = _trials_comparison(n_fit + n_test)
    per_member_epoch = {
        name: r["train_s"] / r["member_epochs"]
        for name, r in (("ensemble", ensemble), ("sequential", sequential))
    }
    return {
        "kind": "throughput",
        "function": "F1",
        "rows_fit": n_fit,
        "rows_test": n_test,
        "members": THROUGHPUT_MEMBERS,
        "ensemble": ensemble,
        "sequential": sequential,
        "fit_ratio": sequential["fit_s"] / ensemble["fit_s"],
        "train_ratio": sequential["train_s"] / ensemble["train_s"],
        "epochs_ratio": float(np.mean(sequential["epochs"])) / ensemble["epochs"][0],
        "per_member_epoch_s": per_member_epoch,
        "per_member_epoch_ratio": per_member_epoch["sequential"] / per_member_epoch["ensemble"],
        "trials": trials,
    }


def _trials_comparison(n_samples: int) -> dict:
    """F1's trials 0–9 as ``tsang_suite.py`` runs them: one by one, and as one module."""
    import numpy as np
    import torch
    import tsang_suite  # benchmarks/ is on the path: this file runs as a script

    settings = {k: v for k, v in TSANG_SETTINGS.items() if k not in TSANG_DETECTOR_FIXED}
    settings.update(n_estimators=1, aggregation="mean", lr_schedule="constant")
    trials, threads = list(range(THROUGHPUT_MEMBERS)), torch.get_num_threads()
    separate = [tsang_suite.run_trial("F1", t, settings, threads, n_samples) for t in trials]
    vectorised = tsang_suite.run_function_vectorised("F1", trials, settings, threads, n_samples)

    def summary(results):
        return {
            # training plus one detection per trial; shared training split evenly
            "fit_s": sum(r["fit_seconds"] for r in results),
            "epochs": [r["epochs"][0] for r in results],
            "test_r2": [r["test_r2"] for r in results],
            "pairwise_auc": [r["pairwise_auc"] for r in results],
        }

    separate, vectorised = summary(separate), summary(vectorised)
    return {
        "separate": separate,
        "vectorised": vectorised,
        "shared_epochs": max(vectorised["epochs"]),
        "fit_ratio": separate["fit_s"] / vectorised["fit_s"],
        "epochs_ratio": float(np.sum(separate["epochs"])) / max(vectorised["epochs"]),
    }


def table1_wall_times() -> dict:
    """The full Table-1 run's wall time before, and every full run recorded since."""
    after = []
    for path in TSANG_RESULTS:
        if not path.exists():
            continue
        run = json.loads(path.read_text())
        full = run.get("trials") == 10 and len(run["summary"]["per_function"]) == 10
        if full and abs(run["wall_seconds"] - TABLE1_BEFORE_SECONDS) > 1e-6:
            after.append(
                {
                    "file": path.name,
                    "wall_s": run["wall_seconds"],
                    "vectorise_trials": bool(run.get("vectorise_trials", False)),
                    "jobs": run.get("jobs"),
                    "threads_per_job": run.get("threads_per_job"),
                    "pairwise_auc": run["summary"]["overall"]["pairwise_auc"],
                }
            )
    return {
        "before_s": TABLE1_BEFORE_SECONDS,
        "before_pairwise_auc": 0.9179947586336263,
        "after": after,
        "after_commands": [
            "python benchmarks/tsang_suite.py",
            "python benchmarks/tsang_suite.py --vectorise-trials "
            "--output benchmarks/results/tsang_suite_vectorised.json",
        ],
    }


# ------------------------------------------------------------------------ reporting
def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def markdown(results: list[dict], threads: int) -> str:
    lines = [
        f"torch threads: {threads}; times are medians; † = baseline timed on a subset and "
        "scaled linearly.",
        "",
        "| Hessian | d | B | sk_interact | naive loop | × naive | functional.hessian "
        "| × functional | peak extra MB | rel. error |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in (r for r in results if r["kind"] == "hessian"):
        lines.append(
            f"| | {r['d']} | {r['B']} | {_ms(r['ours_s'])} "
            f"| {_ms(r['naive_s'])}{' †' if r['naive_extrapolated'] else ''} "
            f"| **{r['speedup_vs_naive']:,.0f}×** "
            f"| {_ms(r['functional_s'])}{' †' if r['functional_extrapolated'] else ''} "
            f"| {r['speedup_vs_functional']:,.0f}× | {r['peak_extra_mb']:,.0f} "
            f"| {r['max_rel_error_vs_functional']:.1e} |"
        )
    lines += [
        "",
        "| mixed partials (d=100, B=4) | order | sets | sk_interact | naive nested loop "
        "| × naive | vmapped nest per set | × per-set | peak extra MB | rel. error |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in (r for r in results if r["kind"] == "mixed_partials"):
        lines.append(
            f"| {r['set_kind']} | {r['order']} | {r['sets']} | {_ms(r['ours_s'])} "
            f"| {_ms(r['naive_s'])}{' †' if r['naive_extrapolated'] else ''} "
            f"| **{r['speedup_vs_naive']:,.0f}×** | {_ms(r['per_set_vmap_s'])} "
            f"| {r['speedup_vs_per_set_vmap']:,.1f}× | {r['peak_extra_mb']:,.0f} "
            f"| {r['max_rel_error_vs_per_set_vmap']:.1e} |"
        )
    return "\n".join(lines)


def targets(results: list[dict]) -> list[str]:
    """The issue's targets, checked against this run."""
    out = []
    for r in results:
        if r["kind"] == "hessian" and (r["d"], r["B"]) == (200, 4):
            ok = r["speedup_vs_naive"] >= 50
            out.append(
                f"Hessian d=200 B=4: {r['speedup_vs_naive']:.0f}× naive (target ≥ 50×) "
                f"{'met' if ok else 'MISSED'}"
            )
        if r["kind"] == "mixed_partials" and (r["order"], r["sets"], r["set_kind"]) == (
            4,
            1000,
            "random",
        ):
            ok = r["speedup_vs_naive"] >= 15
            out.append(
                f"1,000 random order-4 sets: {r['speedup_vs_naive']:.0f}× naive "
                f"(target ≥ 15×) {'met' if ok else 'MISSED'}"
            )
    return out


def markdown_scale(results: list[dict], threads: int) -> str:
    r0 = results[0]
    lines = [
        f"torch threads: {threads}; times are medians; detection = a re-fit whose trained "
        f"network comes from the cache; {r0['representatives']} representatives, k = 10; "
        f"network trained on {r0['train_rows']:,} rows for {r0['train_epochs']} epochs.",
        "",
        "| d | order | sets ranked (pairs + triples) | detection (re-fit) | Algorithm 1 "
        "(`_rank`) | peak extra MB | train R² | rank of planted (x0, x1) / (x2, x3, x4) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        # keys are strings: every result has come through JSON from its process
        sets = " + ".join(f"{r['sets'].get(str(o), 0):,}" for o in range(2, r["order"] + 1))
        planted = f"{r['planted_pair_rank']}"
        if r["order"] >= 3:
            planted += f" / {r['planted_triple_rank'] or 'not scored'}"
        lines.append(
            f"| {r['d']:,} | {r['order']} | {sets} | {_ms(r['detect_s'])} "
            f"| **{_ms(r['rank_s'])}** | {r['peak_extra_mb']:,.0f} | {r['train_r2']:.3f} "
            f"| {planted} |"
        )
    return "\n".join(lines)


def scale_targets(results: list[dict]) -> list[str]:
    """Part 2's targets at d = 1000: Algorithm 1 at the representatives, peak memory.

    The whole re-fit (validation and choosing the representatives among the training
    rows as well) is reported beside it.
    """
    out = []
    limits = {2: 2.0, 3: 10.0}
    for r in results:
        if r["d"] != 1000:
            continue
        ok = r["rank_s"] < limits[r["order"]] and r["peak_extra_mb"] < 4096
        what = "all 499,500 pairs" if r["order"] == 2 else "order 3, k = 10"
        out.append(
            f"d=1000, {what}: Algorithm 1 at the {r['representatives']} representatives "
            f"{r['rank_s']:.2f} s (target < {limits[r['order']]:.0f} s), peak "
            f"{r['peak_extra_mb']:,.0f} MB (target < 4 GB) {'met' if ok else 'MISSED'}; "
            f"whole re-fit {r['detect_s']:.2f} s"
        )
    return out


def markdown_throughput(r: dict, table1: dict, threads: int) -> str:
    def row(name, part):
        r2, auc = part["test_r2"], sum(part["pairwise_auc"]) / len(part["pairwise_auc"])
        return (
            f"| {name} | {_ms(part['fit_s'])} | {_ms(part['detect_s'])} "
            f"| {_ms(part['train_s'])} | {', '.join(map(str, part['epochs']))} "
            f"| {min(r2):.4f}–{max(r2):.4f} | {auc:.3f} |"
        )

    def trial_row(name, part):
        r2, auc = part["test_r2"], sum(part["pairwise_auc"]) / len(part["pairwise_auc"])
        return (
            f"| {name} | {_ms(part['fit_s'])} | {', '.join(map(str, part['epochs']))} "
            f"| {min(r2):.4f}–{max(r2):.4f} | {auc:.3f} |"
        )

    ensemble, sequential, trials = r["ensemble"], r["sequential"], r["trials"]
    lines = [
        f"torch threads: {threads}; F1, {r['rows_fit']:,} rows (half for early stopping), "
        f"{r['members']} networks; detection = a cache-hit re-fit; training = fit − detection.",
        "",
        "| F1, 10 networks | fit | of it detection | training | epochs (early stopping) "
        "| members' test R² | pairwise AUC |",
        "|---|---|---|---|---|---|---|",
        row(f"one `TNIDDetector(n_estimators={r['members']})` (vectorised EnsembleMLP)", ensemble),
        row(f"{r['members']} sequential `TNIDDetector(n_estimators=1)`, seeds 0–9", sequential),
        f"| **ratio** | **{r['fit_ratio']:.2f}×** | | **{r['train_ratio']:.2f}×** "
        f"| {r['epochs_ratio']:.2f}× (mean sequential / ensemble) | | |",
        "",
        f"Training time per network-epoch: ensemble {r['per_member_epoch_s']['ensemble'] * 1e3:.1f}"
        f" ms, sequential {r['per_member_epoch_s']['sequential'] * 1e3:.1f} ms "
        f"({r['per_member_epoch_ratio']:.2f}×).",
        "",
        "| F1, trials 0–9 (draw t, seed t) as `tsang_suite.py` runs them | training + "
        "detection | epochs (early stopping) | test R² | pairwise AUC |",
        "|---|---|---|---|---|",
        trial_row("one after the other", trials["separate"]),
        trial_row(
            f"one module, `--vectorise-trials` ({trials['shared_epochs']} shared epochs)",
            trials["vectorised"],
        ),
        f"| **ratio** | **{trials['fit_ratio']:.2f}×** | {trials['epochs_ratio']:.2f}× "
        "(Σ separate epochs / shared epochs) | | |",
        "",
        f"Full Table-1 run (`tsang_suite.py`, 10 functions × 10 trials, 2 jobs × 1 thread): "
        f"before {table1['before_s']:.1f} s (pairwise AUC {table1['before_pairwise_auc']:.3f}).",
    ]
    for run in table1["after"]:
        how = "trials vectorised" if run["vectorise_trials"] else "trials one by one"
        lines.append(
            f"After ({how}, {run['jobs']} jobs × {run['threads_per_job']} thread, "
            f"`{run['file']}`): {run['wall_s']:.1f} s (pairwise AUC {run['pairwise_auc']:.3f})."
        )
    if not table1["after"]:
        commands = " and ".join(f"`{c}`" for c in table1["after_commands"])
        lines.append(
            f"After: not measured yet — run {commands}, then `python benchmarks/speed.py --part 3`."
        )
    return "\n".join(lines)


def throughput_targets(r: dict, table1: dict) -> list[str]:
    """Part 3's targets: ≥ 3× faster together than one by one; Table 1 in ≤ 10 minutes."""
    ok, trials_ok = r["fit_ratio"] >= 3, r["trials"]["fit_ratio"] >= 3
    out = [
        f"10 networks on F1: {r['fit_ratio']:.2f}× faster as one ensemble "
        f"(training alone {r['train_ratio']:.2f}×; target ≥ 3×) {'met' if ok else 'MISSED'}",
        f"10 trials of F1: {r['trials']['fit_ratio']:.2f}× faster as one module "
        f"(target ≥ 3×) {'met' if trials_ok else 'MISSED'}",
    ]
    for run in table1["after"]:
        wall = run["wall_s"]
        out.append(
            f"Full Table-1 run ({run['file']}): {wall:.0f} s (target ≤ 600 s) "
            f"{'met' if wall <= 600 else 'MISSED'}"
        )
    if not table1["after"]:
        out.append(f"Full Table-1 run: after not measured yet (before {table1['before_s']:.0f} s)")
    return out


def _run_case_in_subprocess(case: list[str], args) -> dict:
    command = [
        sys.executable,
        __file__,
        "--case",
        *case,
        "--threads",
        str(args.threads),
        "--repeats",
        str(args.repeats),
        *(["--quick"] if args.quick else []),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        done.check_returncode()
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run_case(case: list[str], args) -> dict:
    """Child process: one case, from the ``--case`` words."""
    import torch

    torch.set_num_threads(args.threads)
    kind, *params = case
    if kind == "hessian":
        return run_hessian_case(int(params[0]), int(params[1]), args.repeats)
    if kind == "mixed":
        return run_mixed_case(int(params[0]), int(params[1]), params[2], args.repeats)
    if kind == "scale":
        return run_scale_case(int(params[0]), int(params[1]), args.repeats, args.quick)
    return run_throughput_case(args.quick)


def _run_cases(cases: list[list[str]], args) -> list[dict]:
    results = []
    for case in cases:
        start = time.perf_counter()
        results.append(_run_case_in_subprocess(case, args))
        print(" ".join(case), f"done in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--part",
        type=int,
        nargs="+",
        choices=[1, 2, 3],
        default=[1, 2, 3],
        help="1: kernels, 2: detection at scale, 3: training throughput (default: all)",
    )
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats per case")
    parser.add_argument("--quick", action="store_true", help="small cases only (smoke run)")
    parser.add_argument("--case", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = 1 if args.quick else (5 if 1 in args.part else 3)

    if args.case:  # child process: one case, JSON on the last line of stdout
        print(json.dumps(_run_case(args.case, args)))
        return 0

    import torch

    output = args.output or (QUICK_RESULTS if args.quick else RESULTS)
    payload = json.loads(output.read_text()) if output.exists() else {}
    payload.update(
        benchmark="speed (1: derivative kernels, 2: detection at scale, 3: training throughput)",
        torch=torch.__version__,
        python=platform.python_version(),
        machine=f"{platform.machine()}, {os.cpu_count()} cores",
    )
    tables = []
    if 1 in args.part:
        hessian_cases = HESSIAN_CASES[:4] if args.quick else HESSIAN_CASES
        mixed_cases = MIXED_CASES[:2] if args.quick else MIXED_CASES
        cases = [["hessian", str(d), str(b)] for d, b in hessian_cases] + [
            ["mixed", str(o), str(s), k] for o, s, k in mixed_cases
        ]
        results = _run_cases(cases, args)
        tables += [markdown(results, args.threads), "\n".join(targets(results))]
        payload.update(
            threads=args.threads, repeats=args.repeats, results=results, targets=targets(results)
        )
    if 2 in args.part:
        results = _run_cases([["scale", str(d), str(o)] for d, o in SCALE_CASES], args)
        tables += [markdown_scale(results, args.threads), "\n".join(scale_targets(results))]
        payload["scale"] = {
            "threads": args.threads,
            "repeats": args.repeats,
            "quick": args.quick,
            "results": results,
            "targets": scale_targets(results),
        }
    if 3 in args.part:
        (result,) = _run_cases([["throughput"]], args)
        table1 = table1_wall_times()
        tables += [
            markdown_throughput(result, table1, args.threads),
            "\n".join(throughput_targets(result, table1)),
        ]
        payload["throughput"] = {
            "threads": args.threads,
            "quick": args.quick,
            "settings": {
                k: list(v) if isinstance(v, tuple) else v for k, v in TSANG_SETTINGS.items()
            },
            "results": result,
            "table1": table1,
            "targets": throughput_targets(result, table1),
        }
    print("\n\n".join(tables))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
