"""scikit-learn's estimator checks over every estimator, with reasoned exceptions."""

import torch
from sklearn.utils.estimator_checks import parametrize_with_checks
from torch import nn

from sk_interact import SecondGlanceExplainer, TaylorCAMExplainer, TNIDDetector

# Small networks that still learn the checks' tiny data sets (they assert training scores):
# the checks fit dozens of times.
SMALL = {
    "hidden_layer_sizes": (16,),
    "max_epochs": 40,
    "batch_size": 16,
    "lr": 0.02,
    "patience": None,
    "validation_fraction": None,
    "random_state": 0,
}

SMALL_SECOND_GLANCE = {
    "primary_hidden": (16,),
    "surrogate_hidden": (16,),
    **{k: v for k, v in SMALL.items() if k != "hidden_layer_sizes"},
}


class ColumnRegions(nn.Module):
    """A network whose regions are the columns of a table: the checks' data fit it.

    Each of the ``d`` columns is embedded as a 3-vector (the ``embed`` layer's output
    ``(B, d, 3)`` holds the regions), and the class scores are a linear map of the mean
    of their ``tanh``; any number of columns works.
    """

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.embed = nn.Linear(1, 3)
        self.head = nn.Linear(3, 2)

    def forward(self, X):
        return self.head(torch.tanh(self.embed(X.unsqueeze(-1))).mean(dim=1))


_TAYLOR_CAM_SCORE = (
    "score(images, y) takes region annotations (which regions hold the objects a "
    "decision is about), not class labels, so it cannot score the check's labels"
)
_TAYLOR_CAM_N_FEATURES = (
    "the explainer learns nothing from X: the model fixes the input shape and is run "
    "on every batch of images, so there is no n_features_in_ to set or compare"
)

# Reasoned exceptions, by estimator.
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {
    "TaylorCAMExplainer": {
        "check_fit_score_takes_y": _TAYLOR_CAM_SCORE,
        "check_pipeline_consistency": _TAYLOR_CAM_SCORE,
        "check_n_features_in": _TAYLOR_CAM_N_FEATURES,
        "check_n_features_in_after_fitting": _TAYLOR_CAM_N_FEATURES,
        "check_estimators_overwrite_params": (
            "a deep copy of a torch module never has the joblib.hash of the original "
            "(its tensors pickle by storage), so the check cannot compare; "
            "test_taylor_cam asserts the model's parameters stay bit-identical instead"
        ),
        "check_estimators_dtypes": (
            "integer inputs reach the model as they are (they may be token indices for "
            "an embedding); this model's Linear layer takes floats, as a CNN's would"
        ),
    },
}


@parametrize_with_checks(
    [
        TNIDDetector(**SMALL),
        TNIDDetector(task="regression", **SMALL),
        TNIDDetector(task="classification", **SMALL),
        SecondGlanceExplainer(**SMALL_SECOND_GLANCE),
        SecondGlanceExplainer(task="regression", **SMALL_SECOND_GLANCE),
        SecondGlanceExplainer(task="classification", **SMALL_SECOND_GLANCE),
        SecondGlanceExplainer(hessian_method="smoothhess", n_samples=16, **SMALL_SECOND_GLANCE),
        TaylorCAMExplainer(model=ColumnRegions(), target_layer="embed"),
    ],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(type(est).__name__, {}),
)
def test_sklearn_compatible_estimator(estimator, check):
    # Every scikit-learn API check passes, bar the reasoned exceptions above.
    check(estimator)
