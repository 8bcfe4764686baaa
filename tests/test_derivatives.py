"""Exact derivative kernels against analytic derivatives and finite differences."""

import copy
import itertools

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from sk_interact._derivatives import (
    ROW_MULTIPLE,
    gradient,
    hessian,
    jacobian,
    mixed_partials,
    pad_rows,
    smoothed_gradient,
    smoothed_hessian,
    smoothed_mixed_partials,
)

# Each test function is written once in sympy; the torch version is generated from it, so
# the analytic oracle and the differentiated function cannot drift apart.
SYMBOLS = sympy.symbols("x0:6")
EXPRESSIONS = {
    "polynomial": SYMBOLS[0] * SYMBOLS[1] * SYMBOLS[2] * SYMBOLS[3] * SYMBOLS[4] * SYMBOLS[5]
    + 3 * SYMBOLS[0] ** 2 * SYMBOLS[1] * SYMBOLS[2]
    - SYMBOLS[3] * SYMBOLS[4] ** 3
    + SYMBOLS[5] ** 4,
    "sin_exp": sympy.sin(SYMBOLS[0] * SYMBOLS[1] + SYMBOLS[2]) * sympy.exp(SYMBOLS[3] * SYMBOLS[4])
    + sympy.cos(SYMBOLS[5] + SYMBOLS[0]),
    "nested": sympy.exp(sympy.sin(SYMBOLS[0] + SYMBOLS[1] * SYMBOLS[2]))
    + sympy.tanh(SYMBOLS[3] * SYMBOLS[4] * SYMBOLS[5]) * SYMBOLS[0],
}
POINTS = torch.tensor(
    [[0.3, -0.7, 1.1, 0.5, -0.2, 0.9], [-1.2, 0.4, 0.1, -0.6, 0.8, -0.3]], dtype=torch.float64
)


def _torch_function(expression):
    """Batched torch function of an expression in x0..x5."""
    modules = [{"sin": torch.sin, "cos": torch.cos, "exp": torch.exp, "tanh": torch.tanh}]
    scalar = sympy.lambdify(SYMBOLS, expression, modules=modules)
    return lambda X: scalar(*X.unbind(dim=1))


def _analytic(expression, index_set, points):
    """The mixed partial of ``expression`` over ``index_set``, evaluated exactly."""
    derivative = sympy.diff(expression, *[SYMBOLS[i] for i in index_set])
    values = []
    for point in points.tolist():
        value = derivative.subs(dict(zip(SYMBOLS, point)))
        values.append(float(value.evalf(30)))
    return np.array(values)


def _random_mlp(d, hidden, seed, dtype=torch.float64, activation=nn.GELU):
    torch.manual_seed(seed)
    layers, width = [], d
    for size in hidden:
        layers += [nn.Linear(width, size), activation()]
        width = size
    layers.append(nn.Linear(width, 1))
    return nn.Sequential(*layers).to(dtype)


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
@pytest.mark.parametrize("order", [1, 2, 3, 4, 5, 6])
def test_mixed_partials_match_sympy(name, order):
    # Every index set of every order 1..6 on three analytic functions agrees with sympy.
    expression = EXPRESSIONS[name]
    sets = list(itertools.combinations(range(6), order))
    got = mixed_partials(_torch_function(expression), POINTS, sets).numpy()
    expected = np.stack([_analytic(expression, s, POINTS) for s in sets], axis=1)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_gradient_and_hessian_match_sympy(name):
    # Gradients and full Hessians, diagonal included, agree with sympy.
    expression = EXPRESSIONS[name]
    f = _torch_function(expression)
    grad_expected = np.stack([_analytic(expression, (i,), POINTS) for i in range(6)], axis=1)
    np.testing.assert_allclose(gradient(f, POINTS).numpy(), grad_expected, rtol=1e-12)
    hess_expected = np.stack(
        [
            np.stack([_analytic(expression, (i, j), POINTS) for j in range(6)], axis=1)
            for i in range(6)
        ],
        axis=1,
    )
    np.testing.assert_allclose(hessian(f, POINTS).numpy(), hess_expected, rtol=1e-10, atol=1e-12)


def test_planted_interaction_is_the_only_nonzero_cross_partial():
    # f = x1·x2·x4 + Σ sin(x_i): the only non-zero 3-way partial is (1, 2, 4), and it is 1.
    f = lambda X: X[:, 1] * X[:, 2] * X[:, 4] + torch.sin(X).sum(dim=1)  # noqa: E731
    X = torch.randn(5, 6, dtype=torch.float64)
    sets = list(itertools.combinations(range(6), 3))
    values = mixed_partials(f, X, sets)
    planted = sets.index((1, 2, 4))
    torch.testing.assert_close(values[:, planted], torch.ones(5, dtype=torch.float64))
    others = torch.cat([values[:, :planted], values[:, planted + 1 :]], dim=1)
    assert others.abs().max() == 0


def _second_differences(f, X, h=1e-4):
    """Central finite-difference Hessian of a batched scalar function, float64."""
    d = X.shape[1]
    H = torch.empty(X.shape[0], d, d, dtype=X.dtype)
    E = torch.eye(d, dtype=X.dtype) * h
    with torch.no_grad():
        for i in range(d):
            for j in range(d):
                H[:, i, j] = (
                    f(X + E[i] + E[j])
                    - f(X + E[i] - E[j])
                    - f(X - E[i] + E[j])
                    + f(X - E[i] - E[j])
                ).reshape(-1) / (4 * h * h)
    return H


@settings(max_examples=15, deadline=None)
@given(
    d=st.integers(2, 7),
    hidden=st.lists(st.integers(1, 12), min_size=1, max_size=3),
    seed=st.integers(0, 10_000),
)
def test_hessian_of_random_gelu_mlp_matches_finite_differences(d, hidden, seed):
    # Any GELU MLP: exact Hessian ≈ central second differences; symmetric to rounding.
    mlp = _random_mlp(d, hidden, seed)
    X = torch.randn(3, d, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    H = hessian(mlp, X)
    torch.testing.assert_close(H, _second_differences(mlp, X), rtol=1e-5, atol=1e-7)
    torch.testing.assert_close(H, H.transpose(1, 2), rtol=1e-12, atol=1e-14)


@settings(max_examples=10, deadline=None)
@given(d=st.integers(3, 6), seed=st.integers(0, 10_000), order=st.integers(3, 4))
def test_higher_order_partials_of_random_mlp_match_differences_of_lower_order(d, seed, order):
    # ∂^l f/∂x_I ≈ central difference along x_last of the exact (l−1)-order partial.
    mlp = _random_mlp(d, (16, 8), seed, activation=nn.Softplus)
    X = torch.randn(2, d, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    sets = list(itertools.combinations(range(d), order))
    exact = mixed_partials(mlp, X, sets)
    h = 1e-5
    for s, index_set in enumerate(sets):
        step = torch.zeros(d, dtype=torch.float64)
        step[index_set[-1]] = h
        lower = [index_set[:-1]]
        fd = (mixed_partials(mlp, X + step, lower) - mixed_partials(mlp, X - step, lower)) / (2 * h)
        torch.testing.assert_close(exact[:, s], fd[:, 0], rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("chunk_size", [1, 3, 7, None])
def test_chunking_does_not_change_results(chunk_size):
    # Bounding memory by chunks gives the unchunked values (float64, to rounding).
    mlp = _random_mlp(9, (20, 10), seed=0)
    X = torch.randn(5, 9, dtype=torch.float64)
    sets = list(itertools.combinations(range(9), 3))
    reference = mixed_partials(mlp, X, sets, chunk_size=100_000)
    torch.testing.assert_close(
        mixed_partials(mlp, X, sets, chunk_size=chunk_size), reference, rtol=1e-12, atol=1e-15
    )
    torch.testing.assert_close(
        hessian(mlp, X, chunk_size=chunk_size),
        hessian(mlp, X, chunk_size=100_000),
        rtol=1e-12,
        atol=1e-15,
    )
    torch.testing.assert_close(
        gradient(mlp, X, chunk_size=chunk_size), gradient(mlp, X), rtol=1e-12, atol=1e-15
    )


def test_pad_rows_repeats_the_last_row_up_to_a_multiple():
    X = torch.arange(6.0).reshape(3, 2)
    padded = pad_rows(X, multiple=4)
    torch.testing.assert_close(padded, torch.tensor([[0.0, 1], [2, 3], [4, 5], [4, 5]]))
    assert pad_rows(X, multiple=3) is X
    assert len(pad_rows(X)) == ROW_MULTIPLE
    assert len(pad_rows(X[:0])) == 0


def test_each_points_derivatives_do_not_depend_on_the_batch():
    # Bit for bit: a point's derivatives are the same alone, among a few points, in
    # another order and among many (float64 matrix kernels round a partial tile of rows
    # differently; every batch is padded to whole tiles).
    mlp = _random_mlp(6, (140, 100, 60, 20), seed=1)
    X = torch.randn(150, 6, dtype=torch.float64)
    sets = list(itertools.combinations(range(6), 2))
    perm = torch.randperm(150, generator=torch.Generator().manual_seed(0))
    for kernel in (
        lambda X: gradient(mlp, X),
        lambda X: hessian(mlp, X),
        lambda X: mixed_partials(mlp, X, sets),
        lambda X: jacobian(lambda Z: mlp(Z).reshape(len(Z), 1), X),
    ):
        full = kernel(X)
        for rows in (perm[:1], perm[:7], perm[:33], perm):
            assert torch.equal(kernel(X[rows]), full[rows])


@pytest.mark.parametrize("width", [3, 40])
def test_leading_linear_reduction_agrees_with_generic_path(width):
    # A Sequential starting with Linear (narrower or wider than the input) equals the
    # same network behind an opaque lambda, which takes the generic path.
    mlp = _random_mlp(12, (width, 5), seed=1)
    opaque = lambda X: mlp(X)  # noqa: E731
    X = torch.randn(4, 12, dtype=torch.float64)
    torch.testing.assert_close(hessian(mlp, X), hessian(opaque, X), rtol=1e-10, atol=1e-14)
    sets = [(0, 1, 2), (3, 5, 11), (2, 7, 8), (0, 2, 9)]
    torch.testing.assert_close(
        mixed_partials(mlp, X, sets), mixed_partials(opaque, X, sets), rtol=1e-10, atol=1e-14
    )
    torch.testing.assert_close(gradient(mlp, X), gradient(opaque, X), rtol=1e-12, atol=1e-15)


def test_affine_parts_protocol_is_folded_into_the_reduction():
    # A leading module that declares its affine parts is folded with the next Linear.
    class Scale(nn.Module):
        def __init__(self, scale):
            super().__init__()
            self.register_buffer("scale", scale)

        def forward(self, X):
            return X * self.scale

        def affine_parts(self):
            return torch.diag(self.scale), torch.zeros_like(self.scale)

    d = 20
    scale = torch.linspace(0.5, 2.0, d, dtype=torch.float64)
    body = _random_mlp(d, (6, 4), seed=2)
    net = nn.Sequential(Scale(scale), *body)
    X = torch.randn(3, d, dtype=torch.float64)
    expected = hessian(lambda X: body(X * scale), X)
    torch.testing.assert_close(hessian(net, X), expected, rtol=1e-10, atol=1e-14)


def test_single_point_functions_with_batched_false():
    # A function of one point (d,) -> () gives the same derivatives as its batched twin.
    mlp = _random_mlp(5, (8,), seed=3)
    point_function = lambda x: mlp(x.unsqueeze(0)).reshape(())  # noqa: E731
    X = torch.randn(4, 5, dtype=torch.float64)
    sets = list(itertools.combinations(range(5), 2))
    torch.testing.assert_close(
        mixed_partials(point_function, X, sets, batched=False), mixed_partials(mlp, X, sets)
    )
    torch.testing.assert_close(hessian(point_function, X, batched=False), hessian(mlp, X))


def test_order_within_a_set_and_duplicate_sets_do_not_matter():
    # (2, 0, 1) is the same derivative as (0, 1, 2); a set may be asked for twice.
    f = _torch_function(EXPRESSIONS["sin_exp"])
    values = mixed_partials(f, POINTS, [(0, 1, 2), (2, 0, 1), (1, 2, 0), (3, 4, 0)])
    torch.testing.assert_close(values[:, 0], values[:, 1], rtol=0, atol=0)
    torch.testing.assert_close(values[:, 0], values[:, 2], rtol=0, atol=0)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_dtype_is_preserved(dtype):
    # float32 in, float32 out (and float64 likewise), close to the float64 values.
    mlp64 = _random_mlp(6, (10,), seed=4)
    mlp = copy.deepcopy(mlp64).to(dtype)
    X = torch.randn(3, 6, dtype=torch.float64)
    sets = list(itertools.combinations(range(6), 3))
    for kernel, args in [(hessian, ()), (gradient, ()), (mixed_partials, (sets,))]:
        out = kernel(mlp, X.to(dtype), *args)
        assert out.dtype == dtype
        torch.testing.assert_close(out.double(), kernel(mlp64, X, *args), rtol=1e-4, atol=1e-6)


def test_kernels_leave_the_module_and_inputs_untouched():
    # Parameters, requires_grad flags, training mode and X are as before; no graph is kept.
    mlp = _random_mlp(4, (6,), seed=5).train()
    before = copy.deepcopy(mlp.state_dict())
    X = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    X_before = X.detach().clone()
    H = hessian(mlp, X)
    M = mixed_partials(mlp, X, [(0, 1, 2)])
    assert not H.requires_grad and not M.requires_grad
    assert all(p.requires_grad and p.grad is None for p in mlp.parameters())
    assert mlp.training
    for key, value in mlp.state_dict().items():
        torch.testing.assert_close(value, before[key], rtol=0, atol=0)
    torch.testing.assert_close(X.detach(), X_before, rtol=0, atol=0)


def test_jacobian_of_a_vector_function():
    # The Jacobian of x ↦ (x0·x1, sin x2, x0²) at two points, by hand.
    f = lambda X: torch.stack([X[:, 0] * X[:, 1], torch.sin(X[:, 2]), X[:, 0] ** 2], dim=1)  # noqa: E731
    X = torch.tensor([[1.0, 2.0, 0.0], [-1.0, 3.0, np.pi]], dtype=torch.float64)
    expected = torch.tensor(
        [
            [[2.0, 1.0, 0.0], [0.0, 0.0, 1.0], [2.0, 0.0, 0.0]],
            [[3.0, -1.0, 0.0], [0.0, 0.0, -1.0], [-2.0, 0.0, 0.0]],
        ],
        dtype=torch.float64,
    )
    torch.testing.assert_close(jacobian(f, X), expected)
    torch.testing.assert_close(jacobian(f, X, chunk_size=1), expected)


def test_mixed_partials_of_a_thousand_extension_sets_share_prefixes():
    # T-NID's extension sets (top prefixes × every other feature) match generic per-set values.
    d = 30
    mlp = _random_mlp(d, (16, 8), seed=6)
    X = torch.randn(2, d, dtype=torch.float64)
    prefixes = [(0, 4, 7), (2, 3, 9), (10, 20, 29)]
    sets = sorted({tuple(sorted((*p, j))) for p in prefixes for j in range(d) if j not in p})
    together = mixed_partials(mlp, X, sets)
    one_by_one = torch.cat([mixed_partials(mlp, X, [s]) for s in sets[:12]], dim=1)
    torch.testing.assert_close(together[:, :12], one_by_one, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize(
    ("index_sets", "message"),
    [
        ([(0, 0, 1)], "repeat"),
        ([(0, 6)], r"\[0, 5\]"),
        ([(-1, 2)], r"\[0, 5\]"),
        ([(0, 1), (0, 1, 2)], "mixed orders"),
        ([(0.5, 1.0)], "integers"),
        (torch.zeros(3, 0, dtype=torch.int64), "l >= 1"),
    ],
)
def test_bad_index_sets_raise(index_sets, message):
    # Repeated or out-of-range indices, mixed orders and non-integers are refused.
    f = _torch_function(EXPRESSIONS["polynomial"])
    with pytest.raises(ValueError, match=message):
        mixed_partials(f, POINTS, index_sets)


def test_bad_inputs_raise_with_the_fix():
    # Non-tensors, wrong shapes, dtype mismatches and vector outputs name the fix.
    mlp = _random_mlp(3, (4,), seed=7, dtype=torch.float32)
    with pytest.raises(TypeError, match=r"torch\.as_tensor"):
        hessian(mlp, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"shape \(B, d\)"):
        hessian(mlp, torch.zeros(3))
    with pytest.raises(TypeError, match="float32"):
        hessian(mlp, torch.zeros(2, 3, dtype=torch.float64))
    with pytest.raises(ValueError, match="Select one output"):
        hessian(lambda X: torch.stack([X[:, 0], X[:, 1]], dim=1), torch.zeros(2, 3))
    with pytest.raises(ValueError, match="chunk_size"):
        gradient(mlp, torch.zeros(2, 3), chunk_size=0)
    with pytest.raises(TypeError, match="callable"):
        gradient("not a function", torch.zeros(2, 3))


DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
def test_results_live_on_the_module_device_and_match_cpu(device):
    # X is moved to the module's device; the values equal the CPU values.
    mlp = _random_mlp(5, (8,), seed=8)
    X = torch.randn(3, 5, dtype=torch.float64)
    sets = list(itertools.combinations(range(5), 3))
    on_device = copy.deepcopy(mlp).to(device)
    H = hessian(on_device, X)
    M = mixed_partials(on_device, X, sets)
    assert H.device.type == device and M.device.type == device
    torch.testing.assert_close(H.cpu(), hessian(mlp, X), rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(M.cpu(), mixed_partials(mlp, X, sets), rtol=1e-10, atol=1e-12)


def test_no_index_sets_give_an_empty_result():
    # Zero sets is a valid request: a (B, 0) result, no work.
    X = torch.randn(3, 4, dtype=torch.float64)
    assert mixed_partials(lambda X: X.sum(dim=1), X, []).shape == (3, 0)


# ----------------------------------------------------------------- SmoothHess kernels
def _seeded(seed=0):
    return torch.Generator().manual_seed(seed)


def test_smoothed_hessian_is_exact_for_a_quadratic():
    # Moment-matched draws make Stein's estimate exact when ∇f is linear: H = A.
    A = torch.tensor([[2.0, -1.0, 0.5], [-1.0, 0.0, 3.0], [0.5, 3.0, -4.0]], dtype=torch.float64)
    X = torch.randn(7, 3, dtype=torch.float64, generator=_seeded(1))
    f = lambda X: 0.5 * ((X @ A) * X).sum(dim=1)  # noqa: E731
    H = smoothed_hessian(f, X, sigma=0.7, n_samples=64, generator=_seeded())
    torch.testing.assert_close(H, A.expand(7, 3, 3), atol=1e-10, rtol=0)


def test_smoothed_hessian_of_a_relu_kink_matches_the_gaussian_formula():
    # g(x) = E relu(w·(x + δ)) has ∇²g = w wᵀ φ(w·x / (σ‖w‖)) / (σ‖w‖).
    w = torch.tensor([1.0, -2.0, 0.0], dtype=torch.float64)
    X = torch.tensor([[0.0, 0.0, 0.0], [0.5, 0.1, 3.0], [-1.0, 0.2, 0.0]], dtype=torch.float64)
    sigma = 0.6
    H = smoothed_hessian(
        lambda X: torch.relu(X @ w), X, sigma=sigma, n_samples=40000, generator=_seeded()
    )
    spread = sigma * w.norm()
    density = torch.exp(-0.5 * (X @ w / spread) ** 2) / (2 * torch.pi) ** 0.5 / spread
    expected = density[:, None, None] * torch.outer(w, w)
    torch.testing.assert_close(H, expected, atol=0.03 * expected.abs().max(), rtol=0)


def test_smoothed_mixed_partials_agree_with_the_hessian_and_each_point_stands_alone():
    # Order 2 equals the symmetrised Hessian's off-diagonal (same draws); a point's
    # estimate does not depend on the other points, their order or the blocking.
    net = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    net = net.double()
    X = torch.randn(9, 4, dtype=torch.float64, generator=_seeded(2))
    pairs = [(0, 1), (1, 3), (2, 3)]
    H = smoothed_hessian(net, X, sigma=0.3, n_samples=100, generator=_seeded())
    M = smoothed_mixed_partials(net, X, pairs, sigma=0.3, n_samples=100, generator=_seeded())
    torch.testing.assert_close(M, torch.stack([H[:, i, j] for i, j in pairs], dim=1))
    order = torch.randperm(9, generator=_seeded(3))
    shuffled = smoothed_mixed_partials(
        net, X[order], pairs, sigma=0.3, n_samples=100, generator=_seeded(), chunk_size=7
    )
    torch.testing.assert_close(shuffled, M[order])


def test_smoothed_third_order_of_a_product_and_smoothed_gradient():
    # ∂³(x0·x1·x2) = 1 survives smoothing; the smoothed gradient of a linear f is exact.
    X = torch.randn(4, 3, dtype=torch.float64, generator=_seeded(4))
    f = lambda X: X[:, 0] * X[:, 1] * X[:, 2]  # noqa: E731
    out = smoothed_mixed_partials(
        f, X, [(0, 1, 2)], sigma=0.5, n_samples=20000, generator=_seeded()
    )
    torch.testing.assert_close(out, torch.ones(4, 1, dtype=torch.float64), atol=0.1, rtol=0)
    w = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64)
    grad = smoothed_gradient(lambda X: X @ w, X, sigma=0.5, n_samples=8, generator=_seeded())
    torch.testing.assert_close(grad, w.expand(4, 3))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sigma": 0.0}, "sigma"),
        ({"sigma": float("inf")}, "sigma"),
        ({"n_samples": 1}, "n_samples"),
    ],
)
def test_smoothing_parameters_are_validated(kwargs, match):
    X = torch.zeros(2, 2)
    arguments = {"sigma": 1.0, "n_samples": 8, **kwargs}
    with pytest.raises(ValueError, match=match):
        smoothed_hessian(lambda X: X.sum(dim=1), X, **arguments)
    with pytest.raises(ValueError, match="2 or more"):
        smoothed_mixed_partials(lambda X: X.sum(dim=1), X, [(0,)], sigma=1.0)
