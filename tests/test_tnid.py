"""TNIDDetector: Algorithm 1 of T-NID against planted and analytic interactions."""

import copy
import itertools
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from torch import nn

import sk_interact._explained_network as training
from sk_interact import TNIDDetector
from sk_interact._tnid import representative_samples
from sk_interact.datasets import make_tsang_benchmark
from sk_interact.metrics import make_interaction_auc_scorer

FAST = {"hidden_layer_sizes": (64, 32), "max_epochs": 80, "batch_size": 128, "lr": 3e-3}


class Polynomial(nn.Module):
    """f(x) = 2·x0·x1 − x1·x2·x3 + x4²: known cross partials of every order."""

    def forward(self, X):
        return (2 * X[:, 0] * X[:, 1] - X[:, 1] * X[:, 2] * X[:, 3] + X[:, 4] ** 2)[:, None]


@pytest.fixture(scope="module")
def polynomial_data():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(500, 5)) * np.array([1.0, 2.0, 0.5, 3.0, 1.0])
    y = Polynomial()(torch.as_tensor(X)).numpy().ravel()
    return X, y


@pytest.fixture(scope="module")
def planted():
    # Pairs (0,1) and the triple (2,3,4) hidden under strong main effects on 5..7.
    rng = np.random.RandomState(1)
    X = rng.uniform(-1, 1, size=(4000, 8))
    y = (
        2.0 * X[:, 0] * X[:, 1]
        + 3.0 * X[:, 2] * X[:, 3] * X[:, 4]
        + 4.0 * X[:, 5] ** 2
        + 3.0 * np.sin(3 * X[:, 6])
        + 5.0 * X[:, 7]
    )
    return X, y


@pytest.fixture(autouse=True)
def _fresh_cache():
    training.clear_network_cache()
    yield
    training.clear_network_cache()


def test_given_module_gives_analytic_strengths(polynomial_data):
    # With a known module, every strength is the aggregate of analytic cross partials
    # at the exposed representatives, in standardized units (σ_i per feature, σ_y).
    X, y = polynomial_data
    module = Polynomial().double()
    tnid = TNIDDetector(net=module, order=3, k=3, random_state=0).fit(X, y)
    sx, sy = X.std(axis=0), y.std()
    R = tnid.representatives_.to_numpy()
    expected = {
        (0, 1): np.mean((2 * sx[0] * sx[1] / sy) ** 2) * np.ones(1),
        (1, 2): np.mean((-R[:, 3] * sx[1] * sx[2] / sy) ** 2),
        (1, 3): np.mean((-R[:, 2] * sx[1] * sx[3] / sy) ** 2),
        (2, 3): np.mean((-R[:, 1] * sx[2] * sx[3] / sy) ** 2),
        (0, 4): 0.0,
        (1, 2, 3): (sx[1] * sx[2] * sx[3] / sy) ** 2,
    }
    got = dict(zip(tnid.interactions_["indices"], tnid.interactions_["strength"]))
    for index_set, value in expected.items():
        np.testing.assert_allclose(got[index_set], value, rtol=1e-10, atol=1e-12)
    effect = dict(zip(tnid.interactions_["indices"], tnid.interactions_["effect"]))
    np.testing.assert_allclose(effect[(1, 2, 3)], -sx[1] * sx[2] * sx[3] / sy, rtol=1e-10)


def test_given_module_is_not_modified(polynomial_data):
    # The net= model is copied: the caller's object is neither trained nor moved.
    X, y = polynomial_data
    module = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 1)).double()
    before = copy.deepcopy(module.state_dict())
    tnid = TNIDDetector(net=module, random_state=0).fit(X, y)
    assert tnid.net_.module_ is not module
    assert module.training
    for key, value in module.state_dict().items():
        assert torch.equal(value, before[key])


def test_higher_orders_extend_each_representative_top_k(polynomial_data):
    # Order-3 sets are exactly the extensions of the representatives' top-k pairs.
    X, y = polynomial_data
    tnid = TNIDDetector(net=Polynomial().double(), order=3, k=1, random_state=0).fit(X, y)
    pairs = tnid.rank_interactions(order=2)
    assert len(pairs) == 10  # all C(5, 2) pairs: exhaustive_order=2
    triples = set(tnid.rank_interactions(order=3)["indices"])
    # (0, 1) has the largest |cross partial| at every representative here.
    assert triples == {(0, 1, j) for j in range(2, 5)}


def test_planted_interactions_rank_first_despite_main_effects(planted):
    # The planted pair and the triple's pairs lead the ranking; the triple tops order 3.
    X, y = planted
    tnid = TNIDDetector(order=3, k=4, representatives=32, random_state=0, **FAST).fit(X, y)
    top_pairs = set(tnid.rank_interactions(order=2, top=4)["indices"])
    assert top_pairs == {(0, 1), (2, 3), (2, 4), (3, 4)}
    assert tnid.rank_interactions(order=3, top=1)["indices"][0] == (2, 3, 4)
    assert tnid.score(X, y) > 0.95


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_binary_classification_finds_a_signed_logit_interaction(sign):
    # logit = ±3·x0·x1 + 2·x2: (0, 1) ranks first with the planted sign; strength=|effect|.
    rng = np.random.RandomState(2)
    X = rng.uniform(-1, 1, size=(4000, 4))
    logit = sign * 3.0 * X[:, 0] * X[:, 1] + 2.0 * X[:, 2]
    y = np.where(rng.uniform(size=4000) < 1 / (1 + np.exp(-logit)), "yes", "no")
    tnid = TNIDDetector(representatives=64, random_state=0, **FAST).fit(X, y)
    assert tnid.task_ == "classification"
    assert list(tnid.classes_) == ["no", "yes"]
    top = tnid.rank_interactions(top=1).iloc[0]
    assert top["indices"] == (0, 1)
    assert np.sign(top["effect"]) == sign
    np.testing.assert_allclose(top["strength"], abs(top["effect"]))


def test_pure_main_effects_show_no_logit_interaction():
    # logit = 3·x0 + 3·x1 has no interaction on the log-odds scale: every pair is weak
    # next to a real x0·x1 interaction of the same size.
    rng = np.random.RandomState(3)
    X = rng.uniform(-1, 1, size=(4000, 3))

    def labels(logit):
        return (rng.uniform(size=len(logit)) < 1 / (1 + np.exp(-logit))).astype(int)

    main = TNIDDetector(representatives=64, random_state=0, **FAST)
    main.fit(X, labels(3 * X[:, 0] + 3 * X[:, 1]))
    real = TNIDDetector(representatives=64, random_state=0, **FAST)
    real.fit(X, labels(3 * X[:, 0] + 3 * X[:, 1] + 4 * X[:, 0] * X[:, 1]))
    real_strength = real.rank_interactions(top=1)
    assert real_strength["indices"][0] == (0, 1)
    assert main.interactions_["strength"].max() < 0.2 * real_strength["strength"][0]


def test_multiclass_sums_classes_or_explains_one_target():
    # Softmax logits (4·x0·x1, 3·x2, 0): target=None sums squared effects (no sign);
    # target=c gives class c's signed effect. Class 0's log-odds 4·x0·x1 − log(e^{3·x2} + 1)
    # is additive in x0·x1 and x2, so (0, 1) is its only interaction.
    rng = np.random.RandomState(4)
    X = rng.uniform(-1, 1, size=(4000, 4))
    logits = np.column_stack([4 * X[:, 0] * X[:, 1], 3 * X[:, 2], np.zeros(len(X))])
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = (rng.uniform(size=(len(X), 1)) > proba.cumsum(axis=1)).sum(axis=1)
    summed = TNIDDetector(representatives=32, random_state=0, **FAST).fit(X, y)
    assert summed.rank_interactions(top=1)["indices"][0] == (0, 1)
    assert summed.interactions_["effect"].isna().all()
    one = TNIDDetector(representatives=32, target=0, random_state=0, **FAST).fit(X, y)
    top = one.rank_interactions(top=1).iloc[0]
    assert top["indices"] == (0, 1) and top["effect"] > 0
    assert one.interactions_["effect"].notna().all()
    assert summed.local_hessians(X[:5]).shape == (5, 4, 4)


def test_n_estimators_report_mean_and_spread(planted):
    # Three networks: strength is their mean and strength_std their spread.
    X, y = planted
    tnid = TNIDDetector(n_estimators=3, random_state=0, **FAST).fit(X[:1500], y[:1500])
    assert len(tnid.nets_) == 3
    assert tnid.interactions_["strength_std"].notna().all()
    single = [
        TNIDDetector(net=net, random_state=0).fit(X[:1500], y[:1500]).interactions_
        for net in tnid.nets_
    ]
    per_net = np.stack(
        [s.set_index("indices").loc[tnid.interactions_["indices"], "strength"] for s in single]
    )
    np.testing.assert_allclose(tnid.interactions_["strength"], per_net.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(
        tnid.interactions_["strength_std"], per_net.std(axis=0, ddof=1), rtol=1e-4
    )


def test_refits_reuse_trained_networks_in_grid_search(planted, monkeypatch):
    # GridSearchCV over order and k trains once per split plus the refit.
    X, y = planted
    calls = []
    real_fit = training.fit_network

    def counting_fit(*args, **kwargs):
        calls.append(1)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(training, "fit_network", counting_fit)
    grid = GridSearchCV(
        TNIDDetector(representatives=32, random_state=0, **FAST),
        {"order": [2, 3], "k": [2, 5]},
        scoring=make_interaction_auc_scorer([(0, 1), (2, 3, 4)], order=2),
        cv=2,
    )
    grid.fit(X[:2000], y[:2000])
    assert len(calls) == 2 + 1
    assert len(grid.cv_results_["params"]) == 4
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert 0.5 < grid.best_score_ <= 1.0


def test_same_seed_same_ranking_and_pickle_round_trip(polynomial_data):
    # random_state makes fits identical (with the cache emptied in between); pickles
    # and clones behave like the original.
    X, y = polynomial_data
    small = {**FAST, "max_epochs": 10}
    first = TNIDDetector(order=3, random_state=0, **small).fit(X, y)
    training.clear_network_cache()
    second = TNIDDetector(order=3, random_state=0, **small).fit(X, y)
    pd.testing.assert_frame_equal(first.interactions_, second.interactions_)
    restored = pickle.loads(pickle.dumps(first))
    pd.testing.assert_frame_equal(restored.interactions_, first.interactions_)
    np.testing.assert_array_equal(restored.predict(X), first.predict(X))
    twin = clone(first)
    assert twin.get_params() == first.get_params()
    assert not hasattr(twin, "interactions_")


def test_dataframe_names_flow_into_rankings_and_transform(polynomial_data):
    # Column names become feature names; transform appends "a*b" products (pandas output).
    X, y = polynomial_data
    frame = pd.DataFrame(X, columns=["age", "income", "tenure", "score", "visits"])
    tnid = TNIDDetector(net=Polynomial().double(), n_interaction_features=2, random_state=0)
    out = tnid.set_output(transform="pandas").fit(frame, y).transform(frame)
    assert tnid.rank_interactions(top=1)["features"][0] == ("age", "income")
    assert list(out.columns[:5]) == list(frame.columns)
    assert out.columns[5] == "age*income"
    np.testing.assert_allclose(out["age*income"], frame["age"] * frame["income"])
    assert list(tnid.get_feature_names_out()) == list(out.columns)


def test_pipeline_feeds_interaction_features_to_a_linear_model():
    # A linear model cannot fit y = x0·x1 + x2 alone; with T-NID's product column it can.
    rng = np.random.RandomState(5)
    X = rng.uniform(-1, 1, size=(3000, 4))
    y = 2 * X[:, 0] * X[:, 1] + X[:, 2]
    alone = LinearRegression().fit(X, y).score(X, y)
    pipe = make_pipeline(
        TNIDDetector(n_interaction_features=1, random_state=0, **FAST), LinearRegression()
    ).fit(X, y)
    assert alone < 0.5
    assert pipe.score(X, y) > 0.99


def test_local_views_match_direct_derivatives(polynomial_data):
    # Per-sample effects and Hessians are the module's analytic derivatives (standardized).
    X, y = polynomial_data
    tnid = TNIDDetector(net=Polynomial().double(), random_state=0).fit(X, y)
    sx, sy = X.std(axis=0), y.std()
    local = tnid.local_interactions(X[:3], order=2)
    assert len(local) == 3 * 10
    row = local[(local["sample"] == 1) & (local["indices"] == (1, 2))]
    np.testing.assert_allclose(row["effect"], -X[1, 3] * sx[1] * sx[2] / sy, rtol=1e-10)
    H = tnid.local_hessians(X[:3])
    np.testing.assert_allclose(H[:, 0, 1], 2 * sx[0] * sx[1] / sy, rtol=1e-10)
    np.testing.assert_allclose(H[:, 4, 4], 2 * sx[4] ** 2 / sy, rtol=1e-10)
    np.testing.assert_allclose(H, H.transpose(0, 2, 1), atol=1e-12)


def test_representatives_are_the_rows_nearest_each_aggregate():
    # Known answer on a tiny matrix: mean, min, max, median and mode rows.
    Z = np.array(
        [[0.0, 0.0], [-2.0, -2.0], [2.0, 2.0], [0.1, 0.2], [1.0, 1.0], [1.0, 1.0], [0.3, 0.3]]
    )
    names, rows = representative_samples(
        Z, ("mean", "min", "max", "median", "mode"), np.random.RandomState(0)
    )
    assert names == ["mean", "min", "max", "median", "mode"]
    # mean (0.34, 0.36) and median (0.3, 0.3) are nearest row 6; the mode (1, 1) is row 4.
    assert rows == [6, 1, 2, 6, 4]
    names, rows = representative_samples(Z, 3, np.random.RandomState(0))
    assert len(set(rows)) == 3 and names == ["random_0", "random_1", "random_2"]


def test_fitting_does_not_mutate_inputs(polynomial_data):
    # X and y, arrays or DataFrames, are untouched.
    X, y = polynomial_data
    frame = pd.DataFrame(X.copy())
    X_before, y_before, frame_before = X.copy(), y.copy(), frame.copy()
    TNIDDetector(net=Polynomial().double(), random_state=0).fit(frame, y)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    pd.testing.assert_frame_equal(frame, frame_before)


@pytest.mark.parametrize(
    ("params", "X_change", "message"),
    [
        ({"order": 1}, None, "order"),
        ({"order": 7}, None, "exceeds the number of features"),
        ({"k": 0}, None, "'k'"),
        ({"exhaustive_order": 3}, None, "exhaustive_order=3 must be <= order"),
        ({"exhaustive_order": 1}, None, "exhaustive_order"),
        ({"representatives": ("mean", "centroid")}, None, "representatives"),
        ({"aggregation": "mode"}, None, "aggregation"),
        ({"max_epochs": -1}, None, "max_epochs"),
        ({"lr_schedule": "cosine"}, None, "lr_schedule"),
        ({}, "nan", "NaN"),
        ({}, "inf", "infinity"),
        ({}, "one_feature", "minimum of 2"),
        ({}, "3d", "dim 3"),
        ({}, "empty_text", r"\['city'\] hold no value at all"),
        ({}, "one_level", r"\['city'\] hold a single level"),
        ({"feature_groups": {"g": ["x0", "nope"]}}, "frame", r"'nope', which is not in X"),
        ({"feature_groups": {"g": ["x0"], "h": ["x0", "x1"]}}, "frame", "in two groups"),
        ({"feature_groups": {"g": []}}, "frame", r"feature_groups\['g'\] is empty"),
        ({"feature_groups": {"g": "x0"}}, "frame", "must be a list"),
        ({}, "short_y", "inconsistent numbers of samples"),
        ({}, "y_nan", "NaN"),
        ({"task": "classification"}, "one_class", "single class"),
        ({"activation": "swish"}, None, "activation"),
        ({"hidden_layer_sizes": (10, 0)}, None, "hidden_layer_sizes"),
    ],
)
def test_bad_input_raises_before_training(params, X_change, message, monkeypatch):
    # Every bad parameter or input is refused with a message naming it, before training.
    def no_training(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(training, "fit_network", no_training)
    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(40, 6)), rng.uniform(size=40)
    if X_change == "nan":
        X[3, 2] = np.nan
    elif X_change == "inf":
        X[3, 2] = np.inf
    elif X_change == "one_feature":
        X = X[:, :1]
    elif X_change == "3d":
        X = X.reshape(40, 3, 2)
    elif X_change == "empty_text":
        X = pd.DataFrame(X, columns=[f"x{i}" for i in range(6)]).assign(city=None)
    elif X_change == "one_level":
        X = pd.DataFrame(X, columns=[f"x{i}" for i in range(6)]).assign(city="a")
    elif X_change == "frame":
        X = pd.DataFrame(X, columns=[f"x{i}" for i in range(6)]).assign(city=["a", "b"] * 20)
    elif X_change == "short_y":
        y = y[:-1]
    elif X_change == "y_nan":
        y[0] = np.nan
    elif X_change == "one_class":
        y = np.zeros(40, dtype=int)
    with pytest.raises((ValueError, TypeError), match=message):
        TNIDDetector(random_state=0, **params).fit(X, y)


def test_transform_checks_the_feature_count(polynomial_data):
    # Transforming data with another number of columns is a clear ValueError.
    X, y = polynomial_data
    tnid = TNIDDetector(net=Polynomial().double(), random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        tnid.transform(X[:, :4])


def test_unfitted_skorch_net_is_refused(polynomial_data):
    # An un-initialized skorch net cannot be explained; the message says what to do.
    from skorch import NeuralNetRegressor

    X, y = polynomial_data
    with pytest.raises(ValueError, match="has not been fitted"):
        TNIDDetector(net=NeuralNetRegressor(nn.Linear(5, 1))).fit(X, y)


def test_all_pairs_are_scored_exhaustively(polynomial_data):
    # exhaustive_order=2 scores all C(d, 2) pairs and nothing of order 3 at order=2.
    X, y = polynomial_data
    tnid = TNIDDetector(net=Polynomial().double(), random_state=0).fit(X, y)
    assert sorted(tnid.interactions_["indices"]) == list(itertools.combinations(range(5), 2))
    assert (tnid.interactions_["strength"].diff().dropna() <= 0).all()


class Logistic(nn.Module):
    """A fixed binary model with one logit, z = 2·x0·x1 + x2."""

    def forward(self, X):
        return (2 * X[:, 0] * X[:, 1] + X[:, 2])[:, None]


@pytest.mark.parametrize("output", ["logit", "proba"])
def test_binary_output_scales_match_closed_forms(output):
    # Log-odds: ∂²z/∂x0∂x1 = 2 everywhere. Probability p = σ(z):
    # ∂²p/∂x0∂x1 = 2·p(1−p) + p(1−p)(1−2p)·(2·x1)(2·x0). Both in standardized units.
    rng = np.random.RandomState(6)
    X = rng.uniform(-1, 1, size=(300, 3))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    tnid = TNIDDetector(net=Logistic().double(), output=output, random_state=0).fit(X, y)
    R = tnid.representatives_.to_numpy()
    scale = X[:, 0].std() * X[:, 1].std()
    if output == "logit":
        expected = np.full(len(R), 2.0)
    else:
        p = 1 / (1 + np.exp(-(2 * R[:, 0] * R[:, 1] + R[:, 2])))
        expected = 2 * p * (1 - p) + p * (1 - p) * (1 - 2 * p) * 4 * R[:, 0] * R[:, 1]
    row = tnid.rank_interactions().set_index("indices").loc[[(0, 1)]].iloc[0]
    np.testing.assert_allclose(row["effect"], np.mean(expected) * scale, rtol=1e-9)
    np.testing.assert_allclose(row["strength"], abs(row["effect"]), rtol=1e-12)
    # No other pair interacts on the log-odds scale; the link curves them on the other.
    others = tnid.interactions_[tnid.interactions_["indices"] != (0, 1)]["strength"]
    assert (others < 1e-12).all() if output == "logit" else (others > 1e-6).any()


def test_progress_bars_only_when_verbose(capsys):
    X, y, _ = make_tsang_benchmark("F10", n_samples=300, random_state=0)
    settings = {"hidden_layer_sizes": (8,), "max_epochs": 2, "random_state": 1, "order": 3}
    TNIDDetector(**settings).fit(X, y)
    assert capsys.readouterr().err == ""
    TNIDDetector(**settings, verbose=1, memory=None).fit(X, y)  # trains again
    err = capsys.readouterr().err
    assert "training" in err and "order-2 sets" in err and "order-3 sets" in err


def test_predict_after_a_dataframe_fit_does_not_warn():
    # predict validates X once; the probabilities behind it must not re-validate a bare
    # array against the fitted column names.
    X, y, _ = make_tsang_benchmark("F10", n_samples=300, random_state=0)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(10)])
    labels = np.where(y > np.median(y), "high", "low")
    tnid = TNIDDetector(hidden_layer_sizes=(8,), max_epochs=3, random_state=0).fit(frame, labels)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert set(tnid.predict(frame)) <= {"high", "low"}
        assert 0 <= tnid.score(frame, labels) <= 1
