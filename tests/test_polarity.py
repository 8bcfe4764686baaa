"""SHAP-polarity agreement against known answers: exact Hessians of planted functions."""

import pickle

import numpy as np
import pytest

from sk_interact import SecondGlanceExplainer, TNIDDetector
from sk_interact.metrics import get_scorer, make_shap_polarity_scorer, shap_polarity_agreement

XGB = {"n_estimators": 100}


class PlantedHessian:
    """The exact Hessian of y = c·(2·x0·x1 − 2·x2·x3): an oracle with local_hessians."""

    def __init__(self, c=1.0):
        self.c = c
        self.outputs = []

    def local_hessians(self, X, output="logit"):
        self.outputs.append(output)
        H = np.zeros((len(X), 4, 4))
        H[:, 0, 1] = H[:, 1, 0] = 2.0 * self.c
        H[:, 2, 3] = H[:, 3, 2] = -2.0 * self.c
        return H


@pytest.fixture(scope="module")
def planted():
    X = np.random.RandomState(0).uniform(-1, 1, size=(600, 4))
    y = 2 * X[:, 0] * X[:, 1] - 2 * X[:, 2] * X[:, 3]
    _, details = shap_polarity_agreement(
        PlantedHessian(), X, y, xgb_params=XGB, return_details=True
    )
    return X, y, details


def test_exact_hessian_agrees_under_taylor_and_is_a_coin_flip_under_paper(planted):
    # SHAP attributes c·(xi − μi)(xj − μj): the Taylor term matches its sign, the raw
    # Hessian sign only half of the time.
    X, y, details = planted
    S = details["shap_values"]
    assert details["agreement"] >= 0.9
    assert details["weighted_agreement"] > details["agreement"]  # errors sit at small |φ|
    paper = shap_polarity_agreement(PlantedHessian(), X, y, protocol="paper", shap_values=S)
    assert 0.4 < paper < 0.6
    wrong = shap_polarity_agreement(PlantedHessian(c=-1.0), X, y, shap_values=S)
    assert wrong <= 0.1
    assert wrong == pytest.approx(1 - details["agreement"])  # every compared entry flips


def pairs(per_pair, *indices):
    """Rows of a per-pair frame for the given index pairs."""
    return per_pair[per_pair["indices"].isin(indices)]


def test_details_count_and_break_down_by_pair(planted):
    X, _, details = planted
    per_pair = details["per_pair"]
    assert len(per_pair) == 6 and per_pair["features"].iloc[0] == ("x0", "x1")
    # only the planted pairs have a non-zero Hessian; the others are skipped entirely
    assert pairs(per_pair, (0, 2), (0, 3), (1, 2), (1, 3))["n_compared"].sum() == 0
    assert pairs(per_pair, (0, 1), (2, 3))["agreement"].min() >= 0.9
    assert details["n_compared"] == per_pair["n_compared"].sum()
    assert details["n_compared"] + details["n_skipped"] == len(X) * 6
    assert details["n_agree"] == round(details["agreement"] * details["n_compared"])
    assert (
        pairs(per_pair, (2, 3))["mean_shap"].iloc[0]
        < 0
        < pairs(per_pair, (0, 1))["mean_shap"].iloc[0]
    )


def test_nothing_to_compare_gives_nan(planted):
    X, y, details = planted
    zero = PlantedHessian(c=0.0)
    score = shap_polarity_agreement(zero, X, y, shap_values=details["shap_values"])
    assert np.isnan(score)


def test_precomputed_shap_values_and_given_model_give_the_same_answer(planted):
    X, y, details = planted
    again = shap_polarity_agreement(PlantedHessian(), X, y, model=details["model"])
    assert again == details["agreement"]


def test_output_scale_is_passed_to_the_estimator(planted):
    X, y, details = planted
    oracle = PlantedHessian()
    shap_polarity_agreement(oracle, X, y, output="proba", shap_values=details["shap_values"])
    assert oracle.outputs == ["proba"]


def test_second_glance_and_tnid_on_a_planted_function():
    # Real estimators: on the planted pairs, SecondGlance's surrogate Hessian and T-NID's
    # exact one agree with SHAP under the Taylor protocol, and the |φ|-weighted share
    # does too. On the four null pairs both sides are noise (a coin flip), which dilutes
    # the plain share: the per-pair breakdown shows it.
    X = np.random.RandomState(1).uniform(-1, 1, size=(3000, 4))
    y = 2 * X[:, 0] * X[:, 1] - 2 * X[:, 2] * X[:, 3]
    common = {"max_epochs": 60, "random_state": 0}
    sg = SecondGlanceExplainer(primary_hidden=(32, 32), surrogate_hidden=(32, 32), **common)
    tnid = TNIDDetector(hidden_layer_sizes=(32, 32), **common)
    rows = slice(0, 500)
    S = None
    for estimator in (sg.fit(X, y), tnid.fit(X, y)):
        name = type(estimator).__name__
        score, details = shap_polarity_agreement(
            estimator, X[rows], y[rows], xgb_params=XGB, shap_values=S, return_details=True
        )
        S = details["shap_values"]
        planted_pairs = pairs(details["per_pair"], (0, 1), (2, 3))
        assert planted_pairs["agreement"].min() >= 0.85, name  # the exact Hessian: 0.93
        assert details["weighted_agreement"] >= 0.9, name
        null_pairs = pairs(details["per_pair"], (0, 2), (0, 3), (1, 2), (1, 3))
        assert null_pairs["agreement"].max() < 0.8, name  # noise against noise
        paper = shap_polarity_agreement(estimator, X[rows], None, protocol="paper", shap_values=S)
        assert paper < score, name


def test_binary_target_fits_a_classifier():
    rs = np.random.RandomState(0)
    X = rs.uniform(-1, 1, size=(600, 4))
    logit = 4 * X[:, 0] * X[:, 1] - 4 * X[:, 2] * X[:, 3]
    y = np.where(rs.uniform(size=600) < 1 / (1 + np.exp(-logit)), "yes", "no")
    _, details = shap_polarity_agreement(
        PlantedHessian(), X, y, xgb_params=XGB, return_details=True
    )
    assert type(details["model"]).__name__ == "XGBClassifier"
    assert details["agreement"] > 0.7


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"protocol": "raw"}, ValueError, "protocol"),
        ({"output": "odds"}, ValueError, "output"),
        ({"tol": -1.0}, ValueError, "tol"),
    ],
)
def test_bad_options_are_refused(planted, kwargs, error, match):
    X, y, _ = planted
    with pytest.raises(error, match=match):
        shap_polarity_agreement(PlantedHessian(), X, y, **kwargs)
    with pytest.raises(error, match=match):
        make_shap_polarity_scorer(**kwargs)


def test_bad_estimators_and_targets_are_refused(planted):
    X, y, _ = planted
    with pytest.raises(TypeError, match="no local_hessians"):
        shap_polarity_agreement(object(), X, y)
    with pytest.raises(ValueError, match="shape"):
        shap_polarity_agreement(PlantedHessian(), X[:, :3], y)
    with pytest.raises(ValueError, match="multiclass"):
        shap_polarity_agreement(PlantedHessian(), X, np.arange(len(X)) % 3)
    with pytest.raises(ValueError, match="y is required"):
        shap_polarity_agreement(PlantedHessian(), X, None)


def test_scorer_pickles_and_scores_like_the_metric(planted):
    X, y, details = planted
    scorer = pickle.loads(pickle.dumps(get_scorer("shap_polarity", xgb_params=XGB)))
    assert repr(scorer) == "make_shap_polarity_scorer(xgb_params={'n_estimators': 100})"
    assert scorer(PlantedHessian(), X, y) == details["agreement"]
    with pytest.raises(ValueError, match="return_details"):
        make_shap_polarity_scorer(return_details=True)
