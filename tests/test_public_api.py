"""The public API: everything advertised is importable, and nothing else leaks."""

import importlib
import subprocess
import sys

import pytest

import sk_interact

PUBLIC_MODULES = {
    "sk_interact": [
        "SecondGlanceExplainer",
        "TNIDDetector",
        "TaylorCAMExplainer",
        "__version__",
        "clear_network_cache",
        "datasets",
        "derivatives",
        "feature_groups_from_transformer",
        "load_ranking",
        "metrics",
        "plotting",
        "save_ranking",
    ],
    "sk_interact.datasets": [
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
    ],
    "sk_interact.derivatives": [
        "grad_cam",
        "gradient",
        "hessian",
        "hessian_cam",
        "jacobian",
        "mixed_partials",
        "smoothed_gradient",
        "smoothed_hessian",
        "smoothed_mixed_partials",
        "taylor_cam_triples",
    ],
    "sk_interact.metrics": [
        "DEFAULT_XGB_PARAMS",
        "get_scorer",
        "get_scorer_names",
        "interaction_auc_score",
        "interaction_r_precision",
        "make_interaction_auc_scorer",
        "make_interaction_fidelity_scorer",
        "make_interaction_r_precision_scorer",
        "make_shap_polarity_scorer",
        "shap_polarity_agreement",
    ],
    "sk_interact.plotting": [
        "InteractionHeatmapDisplay",
        "InteractionNetworkDisplay",
        "InteractionRankingDisplay",
        "RegionInteractionDisplay",
    ],
}


@pytest.mark.parametrize("module_name", sorted(PUBLIC_MODULES))
def test_all_lists_exactly_the_public_names(module_name):
    # __all__ is the advertised API: each name resolves, none is missing or extra.
    module = importlib.import_module(module_name)
    assert sorted(module.__all__) == sorted(PUBLIC_MODULES[module_name])
    for name in module.__all__:
        assert getattr(module, name) is not None


def test_version_is_pep440():
    # The version string parses (setuptools reads it from here).
    from packaging.version import Version

    assert Version(sk_interact.__version__)


def test_console_script_prints_help():
    # `sk-interact --help` runs as a real process and exits 0.
    out = subprocess.run(
        [sys.executable, "-m", "sk_interact.cli", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert "sk-interact" in out.stdout
