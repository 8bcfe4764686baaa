"""Keep scikit-learn's gradient boosting on one OpenMP runtime beside torch.

The significance test's null models and the ``interaction_fidelity`` scorer fit
scikit-learn's histogram gradient boosting, whose compiled modules run in OpenMP.
An extension module binds to the OpenMP runtime that is global when it loads:
scikit-learn's own before ``import torch``, torch's after (torch loads its libgomp
globally). When scikit-learn's loss module loaded before torch and the boosting
modules after it, each boosting iteration alternates between the two runtimes, whose
idle threads hold the cores the other's need: on 2 cores the ``interaction_fidelity``
scorer took 12.5 s instead of 0.43 s and a fit with ``significance="auto"`` 30 s
instead of 14 s (``benchmarks/import_order.py``). The package imports the
boosting modules before torch, which avoids it when ``sk_interact`` is imported before
torch; :func:`check_boosting_runtime` warns when it came too late. Where torch and
scikit-learn share one OpenMP library (conda-forge builds link both to the same
libgomp) the order does not matter, and nothing is said; nor on Windows and macOS,
whose loaders bind each module to the library it was linked with, whatever was loaded
before (the mixing needs ELF's global symbol scope).
"""

from __future__ import annotations

import sys
import warnings

__all__ = ["check_boosting_runtime"]

#: The loss module (imported by ColumnTransformer, SimpleImputer, linear models, ...)
#: and a boosting module, each an OpenMP user of the boosting's iterations.
_LOSS = "sklearn._loss._loss"
_BOOSTING = "sklearn.ensemble._hist_gradient_boosting.histogram"


def _loaded_before(first: str, second: str, order: list[str]) -> bool:
    return first in order and second in order and order.index(first) < order.index(second)


def _openmp_libraries() -> set[str]:
    """The OpenMP libraries loaded in this process (their files), by threadpoolctl."""
    from threadpoolctl import threadpool_info

    return {info["filepath"] for info in threadpool_info() if info["internal_api"] == "openmp"}


def check_boosting_runtime(modules=None, libraries=None, platform=None) -> bool:
    """Warn, and return True, when the boosting modules and the loss module are bound
    to different OpenMP runtimes: on Linux, the loss module loaded before torch, the
    boosting after, and two OpenMP libraries loaded. ``modules``: the import order
    (``sys.modules``' keys by default); ``libraries``: the OpenMP libraries' files
    (threadpoolctl's by default); ``platform``: ``sys.platform`` by default."""
    if not (sys.platform if platform is None else platform).startswith("linux"):
        return False
    order = list(sys.modules if modules is None else modules)
    mixed = (
        _loaded_before(_LOSS, "torch", order)
        and _loaded_before("torch", _BOOSTING, order)
        and len(_openmp_libraries() if libraries is None else set(libraries)) > 1
    )
    if mixed:
        warnings.warn(
            "scikit-learn was imported before torch (or skorch) and its gradient "
            "boosting after: its loss and its trees now run on two different OpenMP "
            "runtimes, which makes sk_interact's significance test and the "
            "interaction_fidelity scorer several times slower. Import sk_interact (or "
            "sklearn.ensemble) before torch, at the top of the script or notebook, and "
            "restart the Python session.",
            RuntimeWarning,
            stacklevel=3,
        )
    return mixed
