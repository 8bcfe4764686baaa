"""scikit-learn's estimator checks over every estimator, with reasoned exceptions."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sk_interact import SecondGlanceExplainer, TNIDDetector

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

# Reasoned exceptions, by estimator; none are needed so far.
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {}


@parametrize_with_checks(
    [
        TNIDDetector(**SMALL),
        TNIDDetector(task="regression", **SMALL),
        TNIDDetector(task="classification", **SMALL),
        SecondGlanceExplainer(**SMALL_SECOND_GLANCE),
        SecondGlanceExplainer(hessian_method="smoothhess", n_samples=16, **SMALL_SECOND_GLANCE),
    ],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(type(est).__name__, {}),
)
def test_sklearn_compatible_estimator(estimator, check):
    # Every scikit-learn API check passes, bar the reasoned exceptions above.
    check(estimator)
