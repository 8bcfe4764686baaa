"""The public API: everything advertised is importable, and nothing else leaks."""

import importlib
import subprocess
import sys
import warnings

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


# ------------------------------------------------------------ OpenMP runtimes
_LOSS = "sklearn._loss._loss"
_BOOSTING = "sklearn.ensemble._hist_gradient_boosting.histogram"


def _import_order(statements: str) -> tuple[list[str], str]:
    """sys.modules' keys in import order after ``statements`` in a fresh interpreter,
    and its stderr."""
    code = f"{statements}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.split(), out.stderr


def test_boosting_loads_on_one_openmp_runtime_after_scikit_learn_imports():
    # ColumnTransformer loads scikit-learn's loss module before torch: importing
    # sk_interact next must load the boosting modules before torch as well, so the
    # loss and the trees share scikit-learn's OpenMP runtime (mixed, boosting was
    # the fidelity scorer 29 times slower: benchmarks/import_order.py)
    order, stderr = _import_order("import sklearn.compose\nimport sk_interact")
    assert order.index(_LOSS) < order.index("torch")
    assert order.index(_BOOSTING) < order.index("torch")
    assert "OpenMP" not in stderr


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the mixed binding is ELF's (Linux's) alone"
)
def test_a_mixed_openmp_binding_is_warned_about_with_the_fix():
    order, stderr = _import_order("import sklearn.compose\nimport torch\nimport sk_interact")
    assert order.index(_LOSS) < order.index("torch") < order.index(_BOOSTING)
    assert "RuntimeWarning" in stderr and "Import sk_interact" in stderr


TWO = ["torch/lib/libgomp.so.1", "scikit_learn.libs/libgomp-e985bcbb.so.1.0.0"]


@pytest.mark.parametrize(
    "order, libraries, mixed",
    [
        ([_LOSS, "torch", _BOOSTING], TWO, True),
        ([_LOSS, _BOOSTING, "torch"], TWO, False),  # both on scikit-learn's runtime
        (["torch", _LOSS, _BOOSTING], TWO, False),  # both on torch's
        (["torch", _BOOSTING], TWO, False),
        ([_LOSS, "torch"], TWO, False),  # boosting not loaded yet: sk_interact loads it
        ([_LOSS, "torch", _BOOSTING], TWO[:1], False),  # one libgomp shared (conda-forge)
    ],
)
@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_check_boosting_runtime(order, libraries, mixed, platform):
    # only Linux's loader binds a module to whichever library is global when it loads
    from sk_interact._openmp import check_boosting_runtime

    if mixed and platform == "linux":
        with pytest.warns(RuntimeWarning, match="two different OpenMP runtimes"):
            assert check_boosting_runtime(order, libraries, platform)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert not check_boosting_runtime(order, libraries, platform)
