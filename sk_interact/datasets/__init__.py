"""Benchmark data sets for feature-interaction detection.

Synthetic functions with known ground-truth interactions (the suite F1–F10 of Tsang,
Cheng & Liu, 2018) for scoring detectors against the truth, and loaders for the two UCI
tabular benchmarks of Second Glance, Adult (:func:`load_adult`) and Bank Marketing
(:func:`load_bank_marketing`), read from the original UCI files.
"""

from ._tsang import list_tsang_benchmarks, make_tsang_benchmark, tsang_function
from ._uci import load_adult, load_bank_marketing

__all__ = [
    "list_tsang_benchmarks",
    "load_adult",
    "load_bank_marketing",
    "make_tsang_benchmark",
    "tsang_function",
]
