"""Speed of the derivative kernels against the naive loop and torch.autograd.functional.

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

Run ``python benchmarks/speed.py`` (``--quick`` for a smoke run, ``--threads N``);
prints a Markdown table and writes ``benchmarks/results/speed.json``.
"""

from __future__ import annotations

import argparse
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
HESSIAN_CASES = [(d, b) for d in (10, 50, 200, 1000) for b in (4, 256)]
MIXED_CASES = [(order, s, "random") for order in (3, 4, 5) for s in (100, 1000)] + [
    (order, 1000, "t-nid") for order in (3, 4, 5)
]


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


def _run_case_in_subprocess(case: list[str], threads: int, repeats: int) -> dict:
    command = [
        sys.executable,
        __file__,
        "--case",
        *case,
        "--threads",
        str(threads),
        "--repeats",
        str(repeats),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per case")
    parser.add_argument("--quick", action="store_true", help="small cases only (smoke run)")
    parser.add_argument("--case", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    if args.case:  # child process: one case, JSON on the last line of stdout
        import torch

        torch.set_num_threads(args.threads)
        kind, *params = args.case
        if kind == "hessian":
            result = run_hessian_case(int(params[0]), int(params[1]), args.repeats)
        else:
            result = run_mixed_case(int(params[0]), int(params[1]), params[2], args.repeats)
        print(json.dumps(result))
        return 0

    hessian_cases = HESSIAN_CASES[:4] if args.quick else HESSIAN_CASES
    mixed_cases = MIXED_CASES[:2] if args.quick else MIXED_CASES
    cases = [["hessian", str(d), str(b)] for d, b in hessian_cases] + [
        ["mixed", str(o), str(s), k] for o, s, k in mixed_cases
    ]
    results = []
    for case in cases:
        results.append(_run_case_in_subprocess(case, args.threads, args.repeats))
        print(" ".join(case), "done", file=sys.stderr)

    import torch

    table = markdown(results, args.threads)
    print(table)
    print()
    print("\n".join(targets(results)))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "speed (part 1: derivative kernels)",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "threads": args.threads,
        "repeats": args.repeats,
        "results": results,
        "targets": targets(results),
    }
    args.output.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
