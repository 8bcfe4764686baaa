"""ExplainedNetwork through TNIDDetector and SecondGlanceExplainer: bad inputs, scaling,
task resolution, batch invariance, global RNG, adoption checks, memory, validation."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_diabetes
from sklearn.metrics import r2_score
from sklearn.model_selection import cross_val_score
from skorch import NeuralNetRegressor
from torch import nn

import sk_interact._explained_network as explained
import sk_interact._training as training
from sk_interact import SecondGlanceExplainer, TNIDDetector
from sk_interact._explained_network import ExplainedNetwork

TNID_FAST = {"hidden_layer_sizes": (16,), "max_epochs": 10, "batch_size": 64}
SG_FAST = {
    "primary_hidden": (16,),
    "surrogate_hidden": (16,),
    "max_epochs": 10,
    "batch_size": 64,
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    explained.clear_network_cache()
    yield
    explained.clear_network_cache()


class TrainingCounter:
    """Counts calls of ``fit_network`` (in both modules), or fails on any (``forbid``)."""

    def __init__(self, mp, forbid=False):
        self.calls = 0
        self.forbid = forbid
        real = training.fit_network

        def fit_network(*args, **kwargs):
            self.calls += 1
            if self.forbid:
                raise AssertionError("fit_network was called: training started")
            return real(*args, **kwargs)

        mp.setattr(training, "fit_network", fit_network)
        mp.setattr(explained, "fit_network", fit_network)


def _planted(n=600, d=4, seed=0):
    X = np.random.RandomState(seed).uniform(-1, 1, size=(n, d))
    return X, X[:, 0] * X[:, 1] + X[:, 2]


def _state(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _assert_state_equal(before, module):
    after = module.state_dict()
    assert before.keys() == after.keys()
    for key, tensor in before.items():
        assert torch.equal(tensor, after[key]), key


def _fitted_regressor_net(d, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(40, d)).astype(np.float32)
    torch.manual_seed(seed)
    net = NeuralNetRegressor(
        nn.Sequential(nn.Linear(d, 8), nn.ReLU(), nn.Linear(8, 1)),
        max_epochs=2,
        train_split=None,
        verbose=0,
    )
    with torch.random.fork_rng():
        net.fit(X, X[:, :1].copy())
    return net


# --------------------------------------------------------------- 1. property-based
DTYPES = ["float64", "float32", "float16", "int8", "bool", "object"]
NETS = ["none", "module", "wrong_width", "three_outputs", "skorch_regressor"]


@st.composite
def cases(draw):
    n = draw(st.integers(2, 40) | st.integers(2, 5))
    d = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    exponents = [draw(st.sampled_from([-12, -7, 0, 3, 9, 30])) for _ in range(d)]
    constant = [draw(st.booleans()) and draw(st.booleans()) for _ in range(d)]
    dtypes = [draw(st.sampled_from(DTYPES)) for _ in range(d)]
    frame = draw(st.booleans())
    if not frame:
        dtypes = [dtypes[0]] * d  # one array, one dtype
    columns = []
    for j in range(d):
        kind = dtypes[j]
        if kind == "bool":
            column = rng.rand(n) < 0.5
        elif kind == "int8":
            column = rng.randint(-100, 100, size=n).astype(np.int8)
        else:
            column = rng.uniform(-1, 1, size=n) * 10.0 ** exponents[j]
            if constant[j]:
                column = np.full(n, 3.0 * 10.0 ** exponents[j])
            with np.errstate(over="ignore"):  # 1e30 as float16 is inf: refused by fit
                column = column.astype(np.float64 if kind == "object" else kind)
            if kind == "object":
                column = column.astype(object)
        if constant[j] and kind in ("bool", "int8"):
            column = np.full(n, column[0], dtype=column.dtype)
        columns.append(column)
    if frame:
        X = pd.DataFrame({f"c{j}": col for j, col in enumerate(columns)})
    else:
        X = np.column_stack(columns).astype(object if dtypes[0] == "object" else dtypes[0])
    target = draw(st.sampled_from(["regression", "constant", "binary"]))
    y_scale = 10.0 ** draw(st.sampled_from([-12, 0, 30]))
    if target == "regression":
        y = (rng.normal(size=n) + 0.5) * y_scale
    elif target == "constant":
        y = np.full(n, 3.7 * y_scale)
    else:
        y = np.arange(n) % 2
    if draw(st.booleans()):
        y = pd.Series(y, name="y")
    net = draw(st.sampled_from(NETS))
    return X, y, target, net, d


def _net_for(kind, d, target, estimator):
    """The module or skorch net a case adopts, and whether it must be refused."""
    torch.manual_seed(0)
    hidden = nn.ReLU() if estimator is SecondGlanceExplainer else nn.Tanh()
    if kind == "module":
        return nn.Sequential(nn.Linear(d, 6), hidden, nn.Linear(6, 1)), False
    if kind == "wrong_width":
        return nn.Sequential(nn.Linear(d + 1, 6), hidden, nn.Linear(6, 1)), True
    if kind == "three_outputs":
        # 3 outputs fit neither a regression target nor two classes.
        return nn.Sequential(nn.Linear(d, 6), hidden, nn.Linear(6, 3)), True
    net = _fitted_regressor_net(d)
    return net, target == "binary"


def _check_case(estimator, case):
    X, y, target, net_kind, d = case
    X_before, y_before = X.copy(), y.copy()
    must_fail = target == "constant"
    net = None
    if net_kind != "none":
        net, refused = _net_for(net_kind, d, target, estimator)
        must_fail = must_fail or refused
        state = _state(net.module_ if hasattr(net, "module_") else net)
    parameter = "net" if estimator is TNIDDetector else "primary"
    fast = TNID_FAST if estimator is TNIDDetector else SG_FAST
    model = estimator(**{**fast, "max_epochs": 3}, random_state=0, **{parameter: net})
    explained.clear_network_cache()  # every example trains, or refuses, on its own
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        counter = TrainingCounter(mp, forbid=must_fail)
        try:
            model.fit(X, y)
        except (ValueError, TypeError) as error:
            event(f"refused: {str(error)[:40]}")
            assert counter.calls == 0, "refused after training started"
        else:
            event("fitted")
            assert not must_fail, "a case that must be refused was fitted"
            strength = model.interactions_["strength"].to_numpy()
            assert len(strength) > 0 and np.isfinite(strength).all()
    # The caller's data and network are untouched.
    if isinstance(X, pd.DataFrame):
        pd.testing.assert_frame_equal(X, X_before)
    else:
        assert X.dtype == X_before.dtype
        np.testing.assert_array_equal(X, X_before)
    if isinstance(y, pd.Series):
        pd.testing.assert_series_equal(y, y_before)
    else:
        np.testing.assert_array_equal(y, y_before)
    if net is not None:
        _assert_state_equal(state, net.module_ if hasattr(net, "module_") else net)


# Random bad/unusual inputs to TNID: a finite ranking, or a refusal before training.
@settings(
    max_examples=20, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(case=cases())
def test_tnid_bad_inputs_fit_or_refuse_early(case):
    _check_case(TNIDDetector, case)


# Random bad/unusual inputs to Second Glance: a finite ranking, or an early refusal.
@settings(
    max_examples=20, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(case=cases())
def test_second_glance_bad_inputs_fit_or_refuse_early(case):
    _check_case(SecondGlanceExplainer, case)


# An adopted raw-unit primary on 1e29 features with a 1e-12 target has gradients near
# 1e40 in standardized units: beyond float32, yet the fit is finite (was NaN in M2).
def test_second_glance_adopted_primary_huge_gradients():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(40, 3)) * np.array([1.0, 1.0, 1e29])
    y = rng.normal(size=40) * 1e-12
    torch.manual_seed(0)
    primary = nn.Sequential(nn.Linear(3, 6), nn.ReLU(), nn.Linear(6, 1))
    model = SecondGlanceExplainer(primary=primary, **SG_FAST, random_state=0).fit(X, y)
    assert np.isfinite(model.interactions_["strength"]).all()
    assert np.isfinite(model.surrogate_r2_[2])
    assert np.isfinite(model.local_hessians(X[:5])).all()


# --------------------------------------------------------------- 2. scaling
# Multiplying every feature by 1e-7, 1e30 or near the ends of float64 (whose squares
# overflow or vanish) leaves the T-NID ranking (and its top pair).
def test_tnid_ranking_is_scale_invariant():
    X, y = _planted(n=800)
    params = {"hidden_layer_sizes": (32,), "max_epochs": 30, "batch_size": 64}
    rankings = [
        TNIDDetector(**params, random_state=0).fit(X * factor, y).interactions_
        for factor in (1.0, 1e-7, 1e30, 1e300, 1e-300)
    ]
    assert rankings[0]["indices"].iloc[0] == (0, 1)
    for ranking in rankings[1:]:
        assert ranking["indices"].tolist() == rankings[0]["indices"].tolist()
        np.testing.assert_allclose(ranking["strength"], rankings[0]["strength"], rtol=1e-3)


# A regression target in any units gets the same scores: validation_score_, score() and
# the fidelity scorer. A power of two changes no bit; near 1e±300 the squares of the
# target itself overflow or vanish (R² was NaN or 1.0 there).
@pytest.mark.parametrize("estimator", [TNIDDetector, SecondGlanceExplainer])
def test_scores_do_not_depend_on_the_targets_units(estimator):
    from sk_interact.metrics import get_scorer

    X, y = _planted(n=400)
    y = y + 0.3 * np.random.RandomState(1).randn(len(y))  # R² well below 1
    fast = TNID_FAST if estimator is TNIDDetector else SG_FAST
    fidelity = get_scorer("interaction_fidelity")

    def scores(factor):
        model = estimator(**fast, random_state=0).fit(X, y * factor)
        return model.validation_score_, model.score(X, y * factor), fidelity(model, X, y * factor)

    reference = scores(1.0)
    assert 0.3 < reference[0] < 0.95 and 0.3 < reference[1] < 0.95
    for factor in (2.0**997, 2.0**-997):
        assert scores(factor) == reference


# A constant column is named in a warning; every set with it (and its Hessian) is 0.
@pytest.mark.parametrize("estimator", [TNIDDetector, SecondGlanceExplainer])
def test_constant_feature_gets_zero_strength(estimator):
    X, y = _planted(n=300, d=3)
    X = pd.DataFrame(np.column_stack([X, np.full(len(X), 5.0)]), columns=list("abcK"))
    fast = TNID_FAST if estimator is TNIDDetector else SG_FAST
    model = estimator(**fast, random_state=0)
    with pytest.warns(UserWarning, match=r"\['K'\] are constant"):
        model.fit(X, y)
    ranking = model.interactions_
    with_constant = ranking["indices"].map(lambda s: 3 in s)
    assert with_constant.sum() == 3
    assert (ranking.loc[with_constant, "strength"] == 0).all()
    assert (ranking.loc[~with_constant, "strength"] > 0).all()
    H = model.local_hessians(X.iloc[:20])
    assert (H[:, 3, :] == 0).all() and (H[:, :, 3] == 0).all()
    assert np.abs(H[:, :3, :3]).max() > 0


# A constant regression target, at any magnitude, is refused before any training; a
# whole-valued constant too, which task="auto" took for a single class.
@pytest.mark.parametrize("value", [3.7, -2.5e-12, 1e30, 3.0, 5])
@pytest.mark.parametrize("estimator", [TNIDDetector, SecondGlanceExplainer])
def test_constant_target_refused_before_training(estimator, value, monkeypatch):
    TrainingCounter(monkeypatch, forbid=True)
    X, _ = _planted(n=50)
    with pytest.raises(ValueError, match="y is constant"):
        estimator(random_state=0).fit(X, np.full(50, value))


# --------------------------------------------------------------- 3. task auto
# load_diabetes's 214 whole-valued float targets are a regression target, without warning.
def test_task_auto_diabetes_is_regression():
    X, y = load_diabetes(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model = TNIDDetector(**{**TNID_FAST, "max_epochs": 2}, random_state=0).fit(X, y)
    assert model.task_ == "regression"
    assert not hasattr(model, "classes_")


# Floats beyond 2**53 are all whole: large amounts are a regression target, not classes;
# integer labels stay classes whatever their size.
def test_task_auto_huge_floats_are_regression():
    amounts = np.random.RandomState(0).normal(size=10) * 1e17
    assert explained.resolve_task("auto", amounts)[0] == "regression"
    assert explained.resolve_task("auto", np.array([3, 2**60, 3]))[0] == "classification"
    assert explained.resolve_task("auto", np.array([3.0, 1e6, 3.0]))[0] == "classification"


# Three whole float values are classes; fifteen are classes too, with a warning.
def test_task_auto_few_whole_values_are_classes():
    X, _ = _planted(n=150)
    y3 = np.arange(150) % 3 * 1.0
    model = TNIDDetector(**{**TNID_FAST, "max_epochs": 2}, random_state=0).fit(X, y3)
    assert model.task_ == "classification"
    assert model.classes_.tolist() == [0.0, 1.0, 2.0]
    y15 = np.arange(150) % 15 * 1.0
    with pytest.warns(UserWarning, match="task='auto' took y for classification"):
        model = TNIDDetector(**{**TNID_FAST, "max_epochs": 2}, random_state=0).fit(X, y15)
    assert model.task_ == "classification" and len(model.classes_) == 15


# --------------------------------------------------------------- 4. batch invariance
def _fitted_models():
    X, y = _planted(n=300)
    return X, [
        TNIDDetector(**TNID_FAST, random_state=0).fit(X, y),
        TNIDDetector(**TNID_FAST, random_state=0).fit(X, (y > 0).astype(int)),
        TNIDDetector(**TNID_FAST, random_state=0).fit(X, np.digitize(y, [-0.5, 0.5])),
        SecondGlanceExplainer(**SG_FAST, random_state=0).fit(X, y),
        SecondGlanceExplainer(**SG_FAST, random_state=0).fit(X, (y > 0).astype(int)),
    ]


# Row order and batch composition never change any row's prediction or effects.
def test_results_do_not_depend_on_batch():
    X, models = _fitted_models()
    X = X[:60]
    perm = np.random.RandomState(1).permutation(len(X))
    for model in models:
        methods = [model.predict, model.transform, model.local_hessians]
        if model.task_ == "classification":
            methods.append(model.predict_proba)
        for method in methods:
            full = method(X)
            np.testing.assert_array_equal(method(X[perm]), full[perm], err_msg=method.__name__)
            np.testing.assert_array_equal(method(X[:7]), full[:7], err_msg=method.__name__)


# --------------------------------------------------------------- 5. global RNG
def _rng_state():
    return torch.random.get_rng_state().clone(), np.random.get_state()  # noqa: NPY002


def _assert_rng_unchanged(before):
    torch_state, numpy_state = before
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    after = np.random.get_state()  # noqa: NPY002 (the global state is what is checked)
    assert after[0] == numpy_state[0] and after[2:] == numpy_state[2:]
    np.testing.assert_array_equal(after[1], numpy_state[1])


# No TNID prediction or explanation method draws from torch's or numpy's global RNG.
def test_tnid_methods_leave_global_rng_alone():
    X, y = _planted(n=200)
    for target in (y, (y > 0).astype(int)):
        model = TNIDDetector(**TNID_FAST, random_state=0).fit(X, target)
        calls = [
            lambda m=model: m.predict(X),
            lambda m=model, t=target: m.score(X, t),
            lambda m=model: m.transform(X),
            lambda m=model: m.local_hessians(X[:20]),
            lambda m=model: m.local_interactions(X[:20]),
        ]
        if model.task_ == "classification":
            calls.append(lambda m=model: m.predict_proba(X))
        for call in calls:
            before = _rng_state()
            call()
            _assert_rng_unchanged(before)


# Second Glance's fit, predictions and scores leave the global RNGs as they were.
def test_second_glance_leaves_global_rng_alone():
    X, y = _planted(n=200)
    before = _rng_state()
    model = SecondGlanceExplainer(**SG_FAST, random_state=0).fit(X, y)
    _assert_rng_unchanged(before)
    for call in (
        lambda: model.predict(X),
        lambda: model.score(X, y),
        lambda: model.surrogate_score(X),
    ):
        before = _rng_state()
        call()
        _assert_rng_unchanged(before)


# --------------------------------------------------------------- 6. adoption checks
# A module whose input width differs from X's is refused, naming both widths.
def test_adopt_wrong_width(monkeypatch):
    TrainingCounter(monkeypatch, forbid=True)
    X, y = _planted(n=50, d=5)
    module = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    with pytest.raises(ValueError, match="net takes 3 input features but X has 5"):
        TNIDDetector(net=module).fit(X, y)


# X with a text column is one-hot encoded before it reaches an adopted net: the error
# counts the encoded inputs, says why, and names the columns and the fix.
def test_adopt_wrong_width_after_one_hot_encoding(monkeypatch):
    TrainingCounter(monkeypatch, forbid=True)
    X, y = _planted(n=50, d=4)
    X = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    X["shop"] = np.where(X["d"] > 0, "north", "south")  # two levels: two inputs
    module = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 1))
    match = r"net takes 5 input features but X has 6 once its text columns \('shop'\) are"
    with pytest.raises(ValueError, match=match) as error:
        TNIDDetector(net=module).fit(X, y)
    assert "feature_groups" in str(error.value)


# A 3-output module cannot explain a regression target.
def test_adopt_three_outputs_on_regression():
    X, y = _planted(n=50)
    module = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 3))
    with pytest.raises(ValueError, match=r"returns 3 output\(s\) per row"):
        TNIDDetector(net=module).fit(X, y)


# A skorch regressor given for a binary target is refused by its class name.
def test_adopt_skorch_regressor_on_binary_target():
    X, y = _planted(n=50)
    with pytest.raises(ValueError, match="NeuralNetRegressor"):
        TNIDDetector(net=_fitted_regressor_net(4)).fit(X, (y > 0).astype(int))


# A CUDA device on a machine without one is refused before training.
@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
@pytest.mark.parametrize("estimator", [TNIDDetector, SecondGlanceExplainer])
def test_missing_cuda_device_refused(estimator, monkeypatch):
    TrainingCounter(monkeypatch, forbid=True)
    X, y = _planted(n=50)
    with pytest.raises(ValueError, match="device"):
        estimator(device="cuda", random_state=0).fit(X, y)


# An unfitted skorch net is refused as such.
@pytest.mark.parametrize("estimator", [TNIDDetector, SecondGlanceExplainer])
def test_unfitted_skorch_net_refused(estimator):
    X, y = _planted(n=50)
    net = NeuralNetRegressor(nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 1)))
    parameter = "net" if estimator is TNIDDetector else "primary"
    with pytest.raises(ValueError, match="not been fitted"):
        estimator(**{parameter: net}).fit(X, y)


# An object that is neither a skorch net nor a module is a TypeError (or sklearn's
# InvalidParameterError, a ValueError).
def test_non_module_refused():
    X, y = _planted(n=50)
    with pytest.raises((TypeError, ValueError)):
        TNIDDetector(net=object()).fit(X, y)
    with pytest.raises(TypeError, match=r"torch\.nn\.Module"):
        ExplainedNetwork.adopt(object(), X, y, task="regression")


# --------------------------------------------------------------- 7. Second Glance
# Second Glance predicts, cross-validates with r2 and scores by r2 of its predictions.
def test_second_glance_predict_score_cross_val():
    X, y = _planted(n=300)
    model = SecondGlanceExplainer(**SG_FAST, random_state=0)
    scores = cross_val_score(model, X, y, scoring="r2", cv=2)
    assert scores.shape == (2,) and np.isfinite(scores).all()
    model.fit(X, y)
    prediction = model.predict(X)
    assert prediction.shape == (300,)
    assert model.score(X, y) == r2_score(y, prediction)


# --------------------------------------------------------------- 8. memory
# A joblib disk cache serves a re-fit with other explanation parameters; None retrains.
def test_memory_disk_cache_and_none(tmp_path, monkeypatch):
    counter = TrainingCounter(monkeypatch)
    X, y = _planted(n=200)
    TNIDDetector(**TNID_FAST, k=5, memory=str(tmp_path), random_state=0).fit(X, y)
    assert counter.calls == 1
    TNIDDetector(**TNID_FAST, k=3, memory=str(tmp_path), random_state=0).fit(X, y)
    assert counter.calls == 1
    TNIDDetector(**TNID_FAST, k=5, memory=None, random_state=0).fit(X, y)
    TNIDDetector(**TNID_FAST, k=3, memory=None, random_state=0).fit(X, y)
    assert counter.calls == 3


# --------------------------------------------------------------- 9. validation score
# validation_score_ is the R² on the held-out rows; None for an adopted net.
def test_validation_score():
    X, y = _planted(n=600)
    params = {"hidden_layer_sizes": (32,), "max_epochs": 30, "batch_size": 64}
    model = TNIDDetector(**params, random_state=0).fit(X, y)
    rows = model.network_.validation_rows
    assert rows is not None and len(rows) == 60
    assert model.validation_score_ > 0.8
    assert model.validation_score_ == r2_score(y[rows], model.predict(X[rows]))
    adopted = TNIDDetector(net=model.net_.module_).fit(X, y)
    assert adopted.validation_score_ is None
