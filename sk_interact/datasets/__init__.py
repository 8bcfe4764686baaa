"""Benchmark data sets for feature-interaction detection.

Synthetic functions with known ground-truth interactions (the suite F1–F10 of Tsang,
Cheng & Liu, 2018) for scoring detectors against the truth.
"""

from ._tsang import list_tsang_benchmarks, make_tsang_benchmark, tsang_function

__all__ = ["list_tsang_benchmarks", "make_tsang_benchmark", "tsang_function"]
