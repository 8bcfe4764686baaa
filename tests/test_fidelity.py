"""Tests of the ``interaction_fidelity`` scorer (no ground truth needed)."""

from __future__ import annotations

import copy
import pickle
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from sk_interact import TNIDDetector
from sk_interact.metrics import get_scorer, get_scorer_names, make_interaction_fidelity_scorer
from sk_interact.metrics._fidelity import selected_sets

torch.set_num_threads(1)


def pairs_only(n, seed):
    """Two pairs and two main effects, uniform inputs, 8 features."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(n, 8))
    y = X[:, 0] * X[:, 1] + np.sin(2 * X[:, 2]) * X[:, 3] + X[:, 4] + X[:, 5] ** 2
    return X, y + 0.1 * rng.normal(size=n)


def planted_triple(n, seed):
    """A triple, a pair and two main effects, uniform inputs, 8 features."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(n, 8))
    y = 2 * X[:, 0] * X[:, 1] * X[:, 2] + X[:, 3] * X[:, 4] + X[:, 5] + X[:, 6] ** 2
    return X, y + 0.1 * rng.normal(size=n)


def fitted(*sets, n_interaction_features=10, **attributes):
    """A stand-in for a fitted detector whose ranking lists ``sets``, strongest first."""
    ranking = pd.DataFrame(
        {
            "indices": [tuple(s) for s in sets],
            "order": [len(s) for s in sets],
            "strength": np.linspace(1.0, 0.1, len(sets)) if sets else [],
        }
    )
    return SimpleNamespace(
        interactions_=ranking, n_interaction_features=n_interaction_features, **attributes
    )


SPURIOUS_PAIRS = [(0, 7), (2, 6), (4, 6), (5, 7), (1, 6)]


# ------------------------------------------------------------- the score itself
def test_scorer_rises_when_the_true_pair_is_selected():
    X, y = pairs_only(900, 0)
    scorer = make_interaction_fidelity_scorer()
    with_truth = scorer(fitted((2, 3), (0, 1), *SPURIOUS_PAIRS), X, y)
    missing_one = scorer(fitted((2, 3), *SPURIOUS_PAIRS), X, y)
    main_only = scorer(fitted(), X, y)
    assert with_truth > missing_one + 0.1
    assert missing_one > main_only + 0.1


def test_unneeded_triples_score_below_the_pairs_alone():
    # On a pairs-only function, triples (even ones built on the true pairs) must cost.
    X, y = pairs_only(900, 1)
    scorer = make_interaction_fidelity_scorer()
    pairs = [(2, 3), (0, 1), (3, 5)]
    triples = [(0, 1, 2), (1, 2, 3), (0, 2, 3)]
    assert scorer(fitted(*pairs, *triples), X, y) < scorer(fitted(*pairs), X, y)
    # The plain fidelity (threshold=0) is the fidelity of the largest model ...
    table = make_interaction_fidelity_scorer(threshold=0).breakdown(fitted(*pairs, *triples), X, y)
    assert make_interaction_fidelity_scorer(threshold=0)(
        fitted(*pairs, *triples), X, y
    ) == pytest.approx(table["fidelity"].iloc[-1])
    # ... and the default credits each order its gain less two standard errors.
    default = make_interaction_fidelity_scorer().breakdown(fitted(*pairs, *triples), X, y)
    np.testing.assert_allclose(default["credit"][1:], default["gain"][1:] - 2 * default["se"][1:])


def test_a_planted_triple_is_credited():
    X, y = planted_triple(900, 0)
    scorer = make_interaction_fidelity_scorer()
    pairs = [(0, 1), (3, 4), (0, 2), (1, 2)]
    table = scorer.breakdown(fitted(*pairs, (0, 1, 2), (0, 1, 6)), X, y)
    assert list(table["order"]) == [1, 2, 3]
    assert table["credit"].iloc[2] > 0.02
    assert scorer(fitted(*pairs, (0, 1, 2)), X, y) > scorer(fitted(*pairs), X, y) + 0.02
    # a ranking whose triples miss the planted one gets no credit for them
    assert scorer(fitted(*pairs, (3, 4, 5)), X, y) < scorer(fitted(*pairs), X, y)


def test_classification_uses_deviance_explained():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(1200, 5))
    y = (X[:, 0] * X[:, 1] + 0.3 * X[:, 2] + 0.3 * rng.normal(size=1200) > 0).astype(int)
    scorer = make_interaction_fidelity_scorer()
    right = scorer(fitted((0, 1), task_="classification"), X, y)
    wrong = scorer(fitted((3, 4), task_="classification"), X, y)
    assert right > wrong + 0.2
    assert -1.0 < wrong < right <= 1.0
    # string labels, task read from y when the estimator does not say
    labels = np.where(y == 1, "yes", "no")
    assert scorer(fitted((0, 1)), X, labels) == pytest.approx(right)


# ------------------------------------------------------------- selection rules
def test_each_order_is_selected_separately():
    estimator = fitted((0, 1), (0, 1, 2), (2, 3), (1, 2, 3), (4, 5), n_interaction_features=2)
    assert selected_sets(estimator) == {2: [(0, 1), (2, 3)], 3: [(0, 1, 2), (1, 2, 3)]}
    assert selected_sets(estimator, n_interactions=1) == {2: [(0, 1)], 3: [(0, 1, 2)]}
    assert selected_sets(estimator, n_interactions=0) == {}


def test_the_number_of_interaction_features_is_read_from_the_estimator():
    X, y = pairs_only(600, 2)
    scorer = make_interaction_fidelity_scorer()
    one = scorer(fitted((2, 3), (0, 1), n_interaction_features=1), X, y)
    two = scorer(fitted((2, 3), (0, 1), n_interaction_features=2), X, y)
    assert two > one + 0.1
    fixed = make_interaction_fidelity_scorer(n_interactions=2)
    assert fixed(fitted((2, 3), (0, 1), n_interaction_features=1), X, y) == pytest.approx(two)


def test_selected_interactions_are_used_when_the_estimator_has_them():
    chosen = pd.DataFrame({"indices": [(0, 1)], "order": [2]})
    estimator = fitted((5, 6), (0, 1), significance=0.05, select_interactions=lambda: chosen)
    assert selected_sets(estimator) == {2: [(0, 1)]}
    assert selected_sets(estimator, selection="top") == {2: [(5, 6), (0, 1)]}
    no_significance = fitted((5, 6), significance=None, select_interactions=lambda: chosen)
    assert selected_sets(no_significance) == {2: [(5, 6)]}


# ------------------------------------------------------------- inputs and outputs
def test_dataframes_pipelines_and_no_side_effects():
    X, y = pairs_only(600, 3)
    frame = pd.DataFrame(X, columns=[f"c{i}" for i in range(8)])
    X_before, y_before = X.copy(), y.copy()
    state = np.random.get_state()  # noqa: NPY002
    scorer = make_interaction_fidelity_scorer()
    estimator = fitted((0, 1), (2, 3))
    score = scorer(estimator, X, y)
    assert scorer(estimator, frame, pd.Series(y)) == pytest.approx(score)
    assert scorer(estimator, X, y) == score  # a fixed seed: the same folds every call
    # a Pipeline: X goes through the earlier steps, whose columns the indices refer to
    reverse = FunctionTransformer(lambda Z: np.asarray(Z)[:, ::-1]).fit(X)
    pipeline = Pipeline([("reverse", reverse), ("detector", fitted((7, 6), (5, 4)))])
    assert scorer(pipeline, X, y) == pytest.approx(score)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    after = np.random.get_state()  # noqa: NPY002
    assert all(np.array_equal(a, b) for a, b in zip(state, after, strict=True))


def test_registry_pickle_and_repr():
    assert "interaction_fidelity" in get_scorer_names()
    scorer = get_scorer("interaction_fidelity", cv=4, random_state=3)
    assert repr(scorer).startswith("make_interaction_fidelity_scorer(threshold=2.0, cv=4")
    X, y = pairs_only(400, 4)
    estimator = fitted((0, 1))
    for clone in (pickle.loads(pickle.dumps(scorer)), copy.deepcopy(scorer)):
        assert clone(estimator, X, y) == pytest.approx(scorer(estimator, X, y))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"threshold": -1}, ValueError, "threshold"),
        ({"threshold": float("nan")}, ValueError, "threshold"),
        ({"cv": 1}, ValueError, "cv"),
        ({"n_interactions": -2}, ValueError, "n_interactions"),
        ({"selection": "best"}, ValueError, "selection"),
        ({"boosting_params": {"interaction_cst": []}}, ValueError, "interaction_cst"),
        ({"boosting_params": [1]}, TypeError, "boosting_params"),
        ({"random_state": np.random.RandomState(0)}, ValueError, "random_state"),
    ],
)
def test_invalid_parameters_are_refused_at_once(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_interaction_fidelity_scorer(**kwargs)


def test_bad_estimators_and_data_give_clear_errors():
    X, y = pairs_only(200, 5)
    scorer = make_interaction_fidelity_scorer()
    with pytest.raises(NotFittedError, match="interactions_"):
        scorer(TNIDDetector(), X, y)
    with pytest.raises(NotFittedError, match="interactions_"):
        scorer(object(), X, y)
    with pytest.raises(TypeError, match="indices"):
        scorer(SimpleNamespace(interactions_={(0, 1): 1.0}), X, y)
    with pytest.raises(ValueError, match="X and y"):
        scorer(fitted((0, 1)), X, None)
    with pytest.raises(ValueError, match="outside"):
        scorer(fitted((0, 9)), X, y)
    with pytest.raises(ValueError, match="not constant"):
        scorer(fitted((0, 1)), X, np.ones(len(y)))
    with pytest.raises(ValueError, match="at least 6"):
        scorer(fitted((0, 1)), X[:4], y[:4])


# ------------------------------------------------------------- model selection
@pytest.mark.parametrize(
    ("function", "best_order"), [(planted_triple, 3), (pairs_only, 2)], ids=["triple", "pairs"]
)
def test_grid_search_chooses_the_planted_order(function, best_order):
    # The data and detector of benchmarks/fidelity.py's tune_* functions, seed 0.
    X, y = function(2000, 0)
    orders = [3, 2] if best_order == 2 else [2, 3]  # ties would favour the wrong order
    search = GridSearchCV(
        TNIDDetector(hidden_layer_sizes=(32, 16), max_epochs=60, random_state=0),
        {"order": orders, "n_interaction_features": [3, 10]},
        scoring=get_scorer("interaction_fidelity"),
        refit=False,
        cv=3,
    ).fit(X, y)
    assert search.best_params_["order"] == best_order
    results = pd.DataFrame(search.cv_results_)
    by_order = results.groupby("param_order")["mean_test_score"].max()
    assert abs(by_order[3] - by_order[2]) > 1e-3  # chosen by the score, not by a tie
