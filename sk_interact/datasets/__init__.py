"""Benchmark data sets for feature-interaction detection.

Synthetic functions with known ground-truth interactions (the suite F1–F10 of Tsang,
Cheng & Liu, 2018) for scoring detectors against the truth, and loaders for the two UCI
tabular benchmarks of Second Glance, Adult (:func:`load_adult`) and Bank Marketing
(:func:`load_bank_marketing`), read from the original UCI files, and an independent
generator of the Sort-of-CLEVR visual question answering task
(:func:`make_sort_of_clevr`) with the answer-relevant objects of every question, and the
relation network that learns it (:class:`RelationNetwork`, fed by
:func:`sort_of_clevr_inputs`).
"""

from ._clevr import SortOfClevr, answer_question, make_sort_of_clevr, render_scene
from ._relation_network import RelationNetwork, sort_of_clevr_inputs
from ._tsang import list_tsang_benchmarks, make_tsang_benchmark, tsang_function
from ._uci import load_adult, load_bank_marketing

__all__ = [
    "RelationNetwork",
    "SortOfClevr",
    "answer_question",
    "list_tsang_benchmarks",
    "load_adult",
    "load_bank_marketing",
    "make_sort_of_clevr",
    "make_tsang_benchmark",
    "render_scene",
    "sort_of_clevr_inputs",
    "tsang_function",
]
