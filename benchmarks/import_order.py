"""How the import order of scikit-learn, torch and sk_interact changes boosting's speed.

scikit-learn's histogram gradient boosting (the significance test's null models, the
``interaction_fidelity`` scorer) runs in OpenMP, and each of its compiled modules binds
to the OpenMP runtime that is global when it loads: scikit-learn's own before
``import torch``, torch's after. Its loss module is loaded by many scikit-learn imports
(``sklearn.compose``, ``sklearn.impute``, linear models); when that happened before torch
and the boosting modules load after it, each boosting iteration alternates between the
two runtimes. ``sk_interact`` loads the boosting modules before torch, and warns when
torch came in between (``sk_interact._openmp``).

Each case runs in a fresh interpreter: its imports, then a network trained on F1 (2,000
rows) and the ``interaction_fidelity`` scorer on 1,000 held-out rows, timed three times
(the median is reported); with ``--significance`` also one ``TNIDDetector(
significance="auto")`` fit on 3,000 rows. torch runs ``--threads`` threads (default 2);
OpenMP's thread count is left at its default (one per core), as a user's would be.

Run ``python benchmarks/import_order.py`` (about a minute on 2 cores; with
``--significance`` about two). Writes ``benchmarks/results/import_order.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "import_order.json"

#: (case, the imports that come first)
CASES = [
    ("sk_interact first", ""),
    ("scikit-learn first (ColumnTransformer)", "import sklearn.compose"),
    ("torch first", "import torch\nimport sklearn.compose"),
    ("scikit-learn, then torch, then sk_interact", "import sklearn.compose\nimport torch"),
]

RUN = """
{imports}
import json, statistics, time
from sk_interact import TNIDDetector
from sk_interact.datasets import make_tsang_benchmark
from sk_interact.metrics import get_scorer
import torch  # after sk_interact: the case's own imports decide the order
torch.set_num_threads({threads})

X, y, _ = make_tsang_benchmark("F1", n_samples=3000, random_state=0)
tnid = TNIDDetector(hidden_layer_sizes=(32, 16), max_epochs=20, random_state=0)
tnid.fit(X[:2000], y[:2000])
scorer = get_scorer("interaction_fidelity")
times = []
for _ in range(3):
    start = time.perf_counter()
    scorer(tnid, X[2000:], y[2000:])
    times.append(time.perf_counter() - start)
result = {{"fidelity_s": statistics.median(times)}}
if {significance}:
    start = time.perf_counter()
    TNIDDetector(significance="auto", random_state=0).fit(X, y)
    result["significance_fit_s"] = time.perf_counter() - start
print(json.dumps(result))
"""


def run_case(imports: str, threads: int, significance: bool) -> dict:
    code = RUN.format(imports=imports, threads=threads, significance=significance)
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["warned"] = "two different OpenMP runtimes" in out.stderr
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument("--significance", action="store_true", help="also time a fit")
    args = parser.parse_args(argv)
    rows = []
    for case, imports in CASES:
        result = run_case(imports, args.threads, args.significance)
        rows.append({"case": case, "imports": imports.replace("\n", "; "), **result})
    print(f"torch threads: {args.threads}; OpenMP threads: default ({os.cpu_count()} cores)")
    header = f"{'case':<45} {'fidelity scorer':>16}"
    if args.significance:
        header += f" {'significance fit':>17}"
    print(header + "  warned")
    for row in rows:
        line = f"{row['case']:<45} {row['fidelity_s']:>14.2f} s"
        if args.significance:
            line += f" {row['significance_fit_s']:>15.1f} s"
        print(line + f"  {'yes' if row['warned'] else 'no'}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "torch_threads": args.threads,
                "cpu_count": os.cpu_count(),
                "processor": platform.processor() or platform.machine(),
                "rows": rows,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
