"""SecondGlanceExplainer: planted signs, undone scalings, the three Hessian methods."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from scipy.stats import norm
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from torch import nn

from sk_interact import SecondGlanceExplainer
from sk_interact._networks import MLP
from sk_interact._training import fit_network

FAST = {
    "primary_hidden": (32, 32),
    "surrogate_hidden": (32, 32),
    "max_epochs": 60,
    "random_state": 0,
}


def planted(n=3000, seed=0):
    """y = 2·x0·x1 − 2·x2·x3 + x4: one amplifying pair, one dampening pair."""
    X = np.random.RandomState(seed).uniform(-1, 1, size=(n, 5))
    return X, 2 * X[:, 0] * X[:, 1] - 2 * X[:, 2] * X[:, 3] + X[:, 4]


def effects(ranking):
    """``{indices: effect}`` of a ranking."""
    return dict(zip(ranking["indices"], ranking["effect"], strict=True))


@pytest.fixture(scope="module")
def fitted():
    X, y = planted()
    return SecondGlanceExplainer(**FAST).fit(X, y), X, y


class Quadratic(nn.Module):
    """A smooth primary with a known Hessian: f(x) = ½ xᵀ A x, in large units."""

    def __init__(self, A):
        super().__init__()
        self.register_buffer("A", torch.as_tensor(A, dtype=torch.float32))

    def forward(self, X):
        return 0.5 * ((X @ self.A) * X).sum(dim=1, keepdim=True)


class Kink(nn.Module):
    """A ReLU primary with one kink: f(x) = c · relu(x0 + x1)."""

    def __init__(self, c):
        super().__init__()
        self.relu, self.c = nn.ReLU(), c

    def forward(self, X):
        return self.c * self.relu(X[:, :1] + X[:, 1:2])


# ----------------------------------------------------------------- planted effects
def test_recovers_planted_pairs_and_signs(fitted):
    # The two planted pairs rank first, x0·x1 amplifying (+) and x2·x3 dampening (−).
    sg, _, _ = fitted
    top = effects(sg.rank_interactions(top=2))
    assert set(top) == {(0, 1), (2, 3)}
    assert top[(0, 1)] > 0 > top[(2, 3)]
    assert sg.surrogate_r2_[2] > 0.9
    assert list(sg.interactions_.columns[:5]) == [
        "features",
        "indices",
        "order",
        "strength",
        "effect",
    ]


def test_hessian_magnitude_is_the_true_one_in_standardized_units(fitted):
    # ∂²y/∂z0∂z1 = 2·σ0·σ1/σ_y; M2's Jacobian is read in M1's units, not the surrogate's
    # standardized target units.
    sg, X, y = fitted
    truth = 2 * X[:, 0].std() * X[:, 1].std() / y.std()
    H = sg.local_hessians(X[:500])
    assert H[:, 0, 1].mean() == pytest.approx(truth, rel=0.1)
    assert H[:, 2, 3].mean() == pytest.approx(-truth, rel=0.1)


@pytest.mark.parametrize("method", ["surrogate", "smoothhess", "softplus"])
def test_every_method_finds_the_planted_signs_on_one_estimator(fitted, method):
    # One fitted primary serves the three estimates; all agree on the planted structure.
    sg, X, _ = fitted
    H = sg.local_hessians(X[:300], method=method).mean(axis=0)
    assert H[0, 1] > 0.3 and H[2, 3] < -0.3
    off = [H[i, j] for i in range(5) for j in range(i + 1, 5) if (i, j) not in {(0, 1), (2, 3)}]
    assert np.abs(off).max() < 0.15
    np.testing.assert_allclose(H, H.T, atol=1e-6)


def test_raw_jacobian_and_reported_asymmetry(fitted):
    # symmetrize=False returns M2's raw Jacobian; its asymmetry is small but not zero.
    sg, X, _ = fitted
    J = sg.local_hessians(X[:200], symmetrize=False)
    S = sg.local_hessians(X[:200])
    np.testing.assert_allclose(S, (J + J.transpose(0, 2, 1)) / 2, atol=1e-6)
    assert 0 < sg.hessian_asymmetry_ < 0.5


def test_local_gradients_are_the_primarys_exact_gradients(fitted):
    # M1's gradient in standardized units, against finite differences of its float64
    # predictions (a step of 1e-6 standard deviations crosses no ReLU kink here).
    sg, X, _ = fitted
    G = sg.local_gradients(X[:20])
    scale = X.std(axis=0)
    eps = 1e-6
    for j in range(X.shape[1]):
        step = np.zeros(X.shape[1])
        step[j] = eps * scale[j]
        up, down = sg.predict(X[:20] + step), sg.predict(X[:20] - step)
        y_scale = sg.network_.y_scale
        np.testing.assert_allclose(G[:, j], (up - down) / (2 * eps) / y_scale, atol=1e-5)


def test_transform_names_and_score(fitted):
    # transform: one symmetrised Hessian entry per pair, named "a:b"; M2's R² is high.
    sg, X, _ = fitted
    Xt = sg.transform(X[:50])
    names = sg.get_feature_names_out()
    assert Xt.shape == (50, 10) and names[0] == "x0:x1" and names[-1] == "x3:x4"
    H = sg.local_hessians(X[:50])
    np.testing.assert_allclose(Xt[:, list(names).index("x2:x3")], H[:, 2, 3])
    assert 0.9 < sg.surrogate_score(X[:1000]) <= 1.0


def test_feature_names_from_dataframe():
    X, y = planted(n=1500)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d", "e"])
    sg = SecondGlanceExplainer(**FAST).fit(frame, y)
    assert sg.interactions_["features"].iloc[0] in {("a", "b"), ("c", "d")}
    assert sg.get_feature_names_out()[0] == "a:b"


# ------------------------------------------------------------------ known answers
def test_target_scaling_is_undone_on_a_quadratic_primary():
    # A smooth primary with Hessian A (large units): the surrogate learns standardized
    # gradients, yet its Jacobian is diag(σ) A diag(σ) / σ_y.
    rs = np.random.RandomState(0)
    X = rs.normal(size=(3000, 3)) * [1.0, 3.0, 0.5] + [0.0, 5.0, -1.0]
    A = np.array([[0.0, 40.0, 0.0], [40.0, 10.0, -25.0], [0.0, -25.0, 0.0]])
    y = 0.5 * np.einsum("ni,ij,nj->n", X, A, X)
    with pytest.warns(UserWarning, match="no ReLU"):
        sg = SecondGlanceExplainer(primary=Quadratic(A), **FAST).fit(X, y)
    s = X.std(axis=0)
    truth = A * np.outer(s, s) / y.std()
    for method in ("surrogate", "smoothhess"):
        H = sg.local_hessians(X[:400], method=method).mean(axis=0)
        np.testing.assert_allclose(H, truth, atol=0.06 * np.abs(truth).max())


def test_smoothhess_matches_the_gaussian_smoothed_kink():
    # f = c·relu(x0 + x1): in standardized units u = x0 + x1 = m + a·z, and the smoothed
    # Hessian is c/σ_y · a_i a_j φ(u / (σ|a|)) / (σ|a|).
    rs = np.random.RandomState(1)
    X = rs.normal(size=(2000, 3)) * [2.0, 1.0, 1.0] + [1.0, 0.0, 0.0]
    c = 3.0
    y = c * np.maximum(X[:, 0] + X[:, 1], 0)
    sg = SecondGlanceExplainer(
        primary=Kink(c), hessian_method="smoothhess", sigma=0.5, n_samples=8000, max_samples=50
    ).fit(X, y)
    a = np.array([X[:, 0].std(), X[:, 1].std(), 0.0])
    u = X[:20, 0] + X[:20, 1]
    spread = 0.5 * np.linalg.norm(a)
    expected = c / y.std() * np.outer(a, a) * (norm.pdf(u / spread) / spread)[:, None, None]
    H = sg.local_hessians(X[:20])
    np.testing.assert_allclose(H, expected, atol=0.05 * np.abs(expected).max())


def test_order_three_finds_a_planted_triple():
    # y = 3·x0·x1·x2 + x3 + x4²: M3 (trained on M2's derivatives) ranks (0, 1, 2) first.
    X = np.random.RandomState(0).uniform(-1, 1, size=(4000, 5))
    y = 3 * X[:, 0] * X[:, 1] * X[:, 2] + X[:, 3] + X[:, 4] ** 2
    sg = SecondGlanceExplainer(
        order=3,
        primary_hidden=(64, 64),
        surrogate_hidden=(64, 64),
        max_samples=500,
        random_state=0,
    ).fit(X, y)
    assert len(sg.surrogates_) == 2 and set(sg.surrogate_r2_) == {2, 3}
    triples = sg.rank_interactions(order=3)
    assert triples["indices"].iloc[0] == (0, 1, 2)
    assert triples["effect"].iloc[0] > 0
    assert triples["strength"].iloc[0] > 5 * triples["strength"].iloc[1]
    for method in ("smoothhess", "softplus"):
        other = clone(sg).set_params(hessian_method=method).fit(X, y)
        assert other.rank_interactions(order=3)["indices"].iloc[0] == (0, 1, 2)


def test_binary_classification_signs_and_scales():
    # logit = 3·x0·x1 − 3·x2·x3 + x4: log-odds Hessian signs; the probability scale by the
    # chain rule agrees with the softplus copy's exact probability Hessian.
    rs = np.random.RandomState(0)
    X = rs.uniform(-1, 1, size=(4000, 5))
    logit = 3 * X[:, 0] * X[:, 1] - 3 * X[:, 2] * X[:, 3] + X[:, 4]
    y = np.where(rs.uniform(size=4000) < 1 / (1 + np.exp(-logit)), "yes", "no")
    sg = SecondGlanceExplainer(**FAST).fit(X, y)
    assert sg.task_ == "classification" and list(sg.classes_) == ["no", "yes"]
    top = effects(sg.rank_interactions(top=2))
    assert set(top) == {(0, 1), (2, 3)}
    assert top[(0, 1)] > 0 > top[(2, 3)]
    proba = sg.local_hessians(X[:300], output="proba")
    exact = sg.local_hessians(X[:300], output="proba", method="softplus")
    assert np.corrcoef(proba[:, 0, 1], exact[:, 0, 1])[0, 1] > 0.8
    # the conversion is the chain rule, so it inverts
    back = sg._change_scale(torch.as_tensor(proba), sg._standardize(X[:300]), to="logit")
    np.testing.assert_allclose(back.numpy(), sg.local_hessians(X[:300]), atol=1e-6)


def test_multiclass_explains_the_target_class():
    rs = np.random.RandomState(0)
    X = rs.uniform(-1, 1, size=(3000, 3))
    y = np.digitize(X[:, 0] * X[:, 1] + 0.3 * X[:, 2], [-0.2, 0.2])
    sg = SecondGlanceExplainer(target=2, **FAST).fit(X, y)
    assert sg.rank_interactions(top=1)["indices"].iloc[0] == (0, 1)
    assert sg.rank_interactions(top=1)["effect"].iloc[0] > 0


# -------------------------------------------------------------- the user's primary
def test_users_primary_is_used_as_is_and_left_bit_identical():
    X, y = planted(n=2000)
    net = fit_network(MLP(5, (16, 16), activation="relu"), X, y, max_epochs=30, random_state=0)
    before = {k: v.clone() for k, v in net.module_.state_dict().items()}
    module = net.module_
    sg = SecondGlanceExplainer(primary=net, **FAST).fit(X, y)
    for k, v in net.module_.state_dict().items():
        assert torch.equal(v, before[k])
    assert len(net.history) == len(sg.primary_.history)  # not re-trained
    # a bare module gives the same gradients
    bare = SecondGlanceExplainer(primary=module, **FAST).fit(X, y)
    np.testing.assert_allclose(bare.local_gradients(X[:50]), sg.local_gradients(X[:50]), atol=1e-6)
    for k, v in module.state_dict().items():
        assert torch.equal(v, before[k])


def test_reproducible_clone_and_pickle(fitted):
    sg, X, y = fitted
    again = clone(sg).fit(X, y)
    pd.testing.assert_frame_equal(again.interactions_, sg.interactions_)
    restored = pickle.loads(pickle.dumps(sg))
    np.testing.assert_array_equal(restored.local_hessians(X[:10]), sg.local_hessians(X[:10]))


def test_grid_search_over_the_surrogate():
    X, y = planted(n=1500)
    search = GridSearchCV(
        SecondGlanceExplainer(**{**FAST, "max_epochs": 20}),
        {"surrogate_hidden": [(8,), (32, 32)]},
        scoring=lambda estimator, X, y: estimator.surrogate_score(X),
        cv=2,
    ).fit(X, y)
    assert search.best_params_ == {"surrogate_hidden": (32, 32)}


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"order": 1}, "order"),
        ({"order": 7}, "order=7 exceeds"),
        ({"hessian_method": "exact"}, "hessian_method"),
        ({"primary": "net.pt"}, "primary"),
        ({"surrogate_activation": "relu"}, "surrogate_activation"),
        ({"primary_hidden": (0,)}, "hidden_layer_sizes"),
        ({"sigma": 0}, "sigma"),
    ],
)
def test_bad_parameters_are_refused_before_training(params, match):
    X, y = planted(n=100)
    with pytest.raises(ValueError, match=match):
        SecondGlanceExplainer(**params).fit(X, y)


def test_bad_primaries_are_refused():
    X, y = planted(n=100)
    with pytest.raises(ValueError, match="primary takes 3 input features but X has 5"):
        SecondGlanceExplainer(primary=MLP(3, (4,), activation="relu")).fit(X, y)
    with pytest.raises(ValueError, match=r"primary returns 3 output\(s\) per row"):
        SecondGlanceExplainer(primary=MLP(5, (4,), activation="relu", n_outputs=3)).fit(X, y)
    with pytest.raises(ValueError, match=r"found no nn\.ReLU"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        SecondGlanceExplainer(
            primary=MLP(5, (4,), activation="gelu"), hessian_method="softplus"
        ).fit(X, y)
    from skorch import NeuralNetRegressor

    with pytest.raises(ValueError, match="not been fitted"):
        SecondGlanceExplainer(primary=NeuralNetRegressor(MLP, module__n_features=5)).fit(X, y)


def test_bad_data_is_refused():
    X, y = planted(n=100)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SecondGlanceExplainer().fit(bad, y)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])]).assign(city="x")
    with pytest.raises(ValueError, match=r"\['city'\] hold a single level"):
        SecondGlanceExplainer().fit(frame, y)
    with pytest.raises(ValueError, match="target='z' is not a class"):
        SecondGlanceExplainer(target="z").fit(X, y > 0)
    assert not np.isnan(X).any()  # the caller's array is untouched


def test_methods_that_need_what_was_not_fitted(fitted):
    sg, X, y = fitted
    smooth = clone(sg).set_params(hessian_method="smoothhess", max_samples=50).fit(X, y)
    assert smooth.surrogates_ == [] and smooth.surrogate_r2_ == {}
    with pytest.raises(ValueError, match="refit with it"):
        smooth.local_hessians(X[:5], method="surrogate")
    with pytest.raises(ValueError, match="method must be one of"):
        sg.local_hessians(X[:5], method="exact")
    with pytest.raises(ValueError, match="output must be"):
        sg.local_hessians(X[:5], output="odds")


def test_progress_bars_only_when_verbose(capsys):
    X, y = planted(n=300)
    SecondGlanceExplainer(**{**FAST, "max_epochs": 2}).fit(X, y)
    assert capsys.readouterr().err == ""
    SecondGlanceExplainer(**{**FAST, "max_epochs": 2, "verbose": 1, "memory": None}).fit(X, y)
    err = capsys.readouterr().err
    assert "training" in err and "order-2 effects" in err
