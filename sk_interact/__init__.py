"""Feature interactions inside neural networks, with the conventions of scikit-learn.

``sk_interact`` trains (or takes) PyTorch networks through skorch and reads their
feature interactions off exact higher-order derivatives computed with ``torch.func``.
"""

# Before anything imports torch, so that scikit-learn's gradient boosting stays on its
# own OpenMP runtime (sk_interact._openmp says why).
import sklearn.ensemble  # noqa: F401

from sk_interact import datasets, derivatives, metrics, plotting
from sk_interact._explained_network import clear_network_cache
from sk_interact._features import feature_groups_from_transformer
from sk_interact._io import load_ranking, save_ranking
from sk_interact._openmp import check_boosting_runtime
from sk_interact._second_glance import SecondGlanceExplainer
from sk_interact._taylor_cam import TaylorCAMExplainer
from sk_interact._tnid import TNIDDetector

check_boosting_runtime()

__version__ = "0.1.0.dev0"

__all__ = [
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
]
