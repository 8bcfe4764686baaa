"""Tests for the peer detectors of the benchmarks (``benchmarks/baselines.py``).

The module lives outside the package, so it is imported from its file. Known answers
are worked out by hand: NID on a network whose first layer separates the features, and
ArchDetect on ``f(x) = x0·x1 + x2`` at inputs on a grid of quarters, where every
floating-point operation is exact. The vectorised results are also checked against
slow loops written straight from the papers' formulas.
"""

import importlib.util
import itertools
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "baselines.py"


@pytest.fixture(scope="module")
def baselines():
    spec = importlib.util.spec_from_file_location("_benchmark_baselines", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------- NID
def nid_loop(weights):
    """NID's pairwise strengths with explicit loops over units, paths and pairs."""
    first = [[abs(w) for w in row] for row in weights[0]]
    influence = [abs(w) for w in weights[-1][0]]  # |w_out|, one value per top unit
    for W in reversed(weights[1:-1]):  # z_new[k] = Σ_m z[m] |W[m, k]|
        influence = [
            sum(influence[m] * abs(W[m][k]) for m in range(len(W))) for k in range(len(W[0]))
        ]
    d = len(first[0])
    out = np.zeros((d, d))
    for a, b in itertools.combinations(range(d), 2):
        value = sum(z * min(row[a], row[b]) for z, row in zip(influence, first))
        out[a, b] = out[b, a] = value
    return out


def hand_built_network():
    """Unit 0 of the first layer sees x0 and x1, unit 1 sees x2 alone."""
    network = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    weights = [
        [[1.0, -2.0, 0.0], [0.0, 0.0, 3.0]],
        [[1.0, 0.5], [-0.2, 1.0]],
        [[2.0, -1.0]],
    ]
    with torch.no_grad():
        for layer, W in zip([network[0], network[2], network[4]], weights):
            layer.weight.copy_(torch.tensor(W))
    return network


def test_nid_ranks_the_pair_that_shares_a_unit_first(baselines):
    network = hand_built_network()
    weights = baselines.linear_weights(network)
    assert [W.shape for W in weights] == [(2, 3), (2, 2), (1, 2)]
    strength = baselines.nid_pairwise(weights)
    # z = |w_out| |W2| = [2·1 + 1·0.2, 2·0.5 + 1·1] = [2.2, 2]; ω(0, 1) = 2.2 · min(1, 2)
    assert strength[0, 1] == pytest.approx(2.2)
    assert strength[0, 2] == strength[1, 2] == 0.0
    ranking = baselines.pair_ranking(strength)
    assert max(ranking, key=ranking.get) == (0, 1)
    assert ranking == {(0, 1): pytest.approx(2.2), (0, 2): 0.0, (1, 2): 0.0}
    np.testing.assert_allclose(strength, nid_loop(weights), rtol=1e-12)


def test_nid_vectorised_equals_the_loop(baselines):
    rng = np.random.RandomState(0)
    sizes = [6, 7, 5, 4, 1]  # d = 6, three hidden layers, one output
    weights = [rng.normal(size=(o, i)) for i, o in itertools.pairwise(sizes)]
    strength = baselines.nid_pairwise(weights)
    np.testing.assert_allclose(strength, nid_loop(weights), rtol=1e-12)
    np.testing.assert_array_equal(strength, strength.T)
    np.testing.assert_array_equal(np.diag(strength), 0.0)


def test_nid_needs_two_layers(baselines):
    with pytest.raises(ValueError, match="at least one layer"):
        baselines.nid_pairwise([np.ones((3, 2))])


def test_train_nid_mlp_is_seeded_and_restores_the_best_weights(baselines):
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(300, 3))
    y = X[:, 0] * X[:, 1] + X[:, 2]
    kwargs = dict(hidden_layer_sizes=(8, 4), max_epochs=4, patience=1, random_state=3)
    first, epochs = baselines.train_nid_mlp(X[:200], y[:200], X[200:], y[200:], **kwargs)
    again, _ = baselines.train_nid_mlp(X[:200], y[:200], X[200:], y[200:], **kwargs)
    assert 1 <= epochs <= 4
    assert not first.training
    for a, b in zip(first.parameters(), again.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert [W.shape for W in baselines.linear_weights(first)] == [(8, 3), (4, 8), (1, 4)]


# --------------------------------------------------------------------------- ArchDetect
def replaced(context, i, i_from, j, j_from):
    """``context`` with coordinate ``i`` from ``i_from`` and ``j`` from ``j_from``."""
    x = context.copy()
    x[i], x[j] = i_from[i], j_from[j]
    return x[None, :]


def archdetect_loop(f, X, baseline):
    """ω̄_ij per row: the paper's four evaluations in each of the two contexts."""
    n, d = X.shape
    out = np.zeros((n, d, d))
    for r, x_star in enumerate(X):
        h = x_star - baseline
        for i, j in itertools.combinations(range(d), 2):
            if h[i] * h[j] == 0:
                continue
            omegas = []
            for c in (x_star, baseline):
                delta = (
                    f(replaced(c, i, x_star, j, x_star))[0]  # f(x*_ij + c_\ij)
                    - f(replaced(c, i, baseline, j, x_star))[0]  # f(x'_i + x*_j + c_\ij)
                    - f(replaced(c, i, x_star, j, baseline))[0]  # f(x*_i + x'_j + c_\ij)
                    + f(replaced(c, i, baseline, j, baseline))[0]  # f(x'_ij + c_\ij)
                )
                omegas.append((delta / (h[i] * h[j])) ** 2)
            out[r, i, j] = out[r, j, i] = np.mean(omegas)
    return out


def product_plus_additive(A):
    return A[:, 0] * A[:, 1] + A[:, 2]


def test_archdetect_known_answer_on_a_product_and_an_additive_term(baselines):
    rng = np.random.RandomState(0)
    # Quarters in [-2, 2] without zero: products and sums of them are exact in float64.
    X = rng.choice([-2, -1.5, -1, -0.75, -0.5, -0.25, 0.25, 0.5, 1, 1.75], size=(12, 4))
    baseline = np.array([0.25, -0.5, 0.0, 0.75])
    X[:, :2] += np.where(X[:, :2] == baseline[:2], 0.25, 0.0)  # h0, h1 never zero
    omega = baselines.archdetect_pairwise(product_plus_additive, X, baseline)
    assert omega.shape == (12, 4, 4)
    # Δ_01 = (x*0 − x'0)(x*1 − x'1) = h0 h1 in both contexts, so ω̄_01 = 1 exactly.
    np.testing.assert_array_equal(omega[:, 0, 1], 1.0)
    np.testing.assert_array_equal(omega[:, 1, 0], 1.0)
    mask = np.ones((4, 4), dtype=bool)
    mask[0, 1] = mask[1, 0] = False
    assert np.all(omega[:, mask] == 0.0)  # every pair with x2 or the unused x3


def test_archdetect_scores_zero_where_the_input_equals_the_baseline(baselines):
    X = np.array([[0.0, 2.0, 1.0], [1.0, 2.0, 1.0]])
    omega = baselines.archdetect_pairwise(product_plus_additive, X, np.zeros(3))
    assert omega[0, 0, 1] == 0.0  # h0 = 0: no difference to divide
    assert omega[1, 0, 1] == 1.0


def test_archdetect_vectorised_equals_the_loop(baselines):
    def f(A):
        return np.sin(A[:, 0] * A[:, 1]) + A[:, 2] ** 2 * A[:, 3] + np.exp(A[:, 1]) - A[:, 4]

    rng = np.random.RandomState(1)
    X = rng.uniform(-1, 1, size=(7, 5))
    baseline = rng.uniform(-1, 1, size=5)
    expected = archdetect_loop(f, X, baseline)
    for chunk_size in (256, 3):  # one batch, and chunks that do not divide the rows
        omega = baselines.archdetect_pairwise(f, X, baseline, chunk_size=chunk_size)
        np.testing.assert_allclose(omega, expected, rtol=1e-9, atol=1e-12)
    assert expected[:, 0, 1].min() > 0 and expected[:, 2, 3].min() > 0
    np.testing.assert_allclose(expected[:, 0, 4], 0.0, atol=1e-12)


def test_archdetect_takes_a_torch_network_through_a_numpy_callable(baselines):
    torch.manual_seed(0)
    network = nn.Sequential(nn.Linear(3, 8), nn.GELU(), nn.Linear(8, 1)).double()

    def f(A):
        with torch.no_grad():
            return network(torch.as_tensor(A, dtype=torch.float64))[:, 0].numpy()

    X = np.random.RandomState(2).uniform(-1, 1, size=(5, 3))
    omega = baselines.archdetect_pairwise(f, X, np.zeros(3))
    np.testing.assert_allclose(omega, archdetect_loop(f, X, np.zeros(3)), rtol=1e-9)
    assert omega[:, 0, 1].min() > 0  # a GELU network's features interact everywhere


def test_archdetect_rejects_a_1d_input(baselines):
    with pytest.raises(ValueError, match="2-D"):
        baselines.archdetect_pairwise(product_plus_additive, np.zeros(3), np.zeros(3))
