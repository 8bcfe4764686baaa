"""Tests for sk_interact.datasets: the Tsang et al. (2018) synthetic suite F1–F10.

Expected values come from the spec in ``shared/reference/tsang-synthetic-suite.md``
(formulas, input ranges and 1-based ground-truth sets), re-derived here by hand.
"""

import itertools
import math

import numpy as np
import pytest

from sk_interact.datasets import list_tsang_benchmarks, make_tsang_benchmark, tsang_function
from sk_interact.datasets._tsang import _TSANG_FUNCTIONS

NAMES = ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10"]

# Table 1 of the paper, converted by hand from 1-based to 0-based columns.
EXPECTED_INTERACTIONS = {
    "F1": [(0, 1, 2), (2, 4), (6, 7, 8, 9), (1, 6)],
    "F2": [(0, 1, 2), (2, 4), (6, 7, 8, 9), (1, 6)],
    "F3": [(0, 1), (1, 2), (2, 3), (3, 4, 6, 7)],
    "F4": [(0, 1), (1, 2), (2, 3), (0, 3), (3, 4, 6, 7)],
    "F5": [(0, 1, 2), (3, 4), (5, 6), (7, 8, 9)],
    "F6": [(0, 1), (2, 3), (4, 5, 7), (7, 8, 9)],
    "F7": [(0, 1), (2, 3, 5), (3, 4, 5, 6, 7), (6, 8)],
    "F8": [(0, 1), (2, 4, 5), (2, 3, 4, 6), (6, 7, 8)],
    "F9": [(0, 1, 2, 3, 4), (4, 5), (5, 6, 7), (8, 9)],
    "F10": [(0, 1), (2, 4, 6), (3, 4), (6, 8)],
}

# The spec's "#pairs": pairs of the 45 that lie inside some ground-truth set.
EXPECTED_N_PAIRS = {
    "F1": 11, "F2": 11, "F3": 9, "F4": 10, "F5": 8,
    "F6": 8, "F7": 14, "F8": 12, "F9": 15, "F10": 6,
}  # fmt: skip

# The spec's sample standard deviations of y (30,000 points, two decimals).
EXPECTED_Y_SD = {
    "F1": 0.92, "F2": 0.84, "F3": 1.52, "F4": 1.60, "F5": 0.69,
    "F6": 3.37, "F7": 2.04, "F8": 1.99, "F9": 1.27, "F10": 1.37,
}  # fmt: skip

F1_LOW = [0.0, 0.0, 0.0, 0.6, 0.6, 0.0, 0.0, 0.6, 0.0, 0.6]


def expected_bounds(name):
    if name == "F1":
        return np.array(F1_LOW), np.ones(10)
    return -np.ones(10), np.ones(10)


def evaluate(name, x):
    """The registry's noiseless function at one point ``x`` (0-based list of 10)."""
    return _TSANG_FUNCTIONS[name].function(np.array([x], dtype=np.float64))[0]


def positive_pairs(interactions):
    """Pairs contained in some ground-truth set (the paper's scoring rule)."""
    return {
        pair
        for pair in itertools.combinations(range(10), 2)
        if any(set(pair) <= set(interaction) for interaction in interactions)
    }


# ---------------------------------------------------------------------------------------
# Sampling: shapes, dtypes, ranges, reproducibility


@pytest.mark.parametrize("name", NAMES)
def test_samples_have_shape_dtype_and_finite_target(name):
    # X is (n, 10) float64 and y is a finite (n,) float64 vector
    X, y, _ = make_tsang_benchmark(name, n_samples=257, random_state=0)
    assert X.shape == (257, 10)
    assert y.shape == (257,)
    assert X.dtype == np.float64
    assert y.dtype == np.float64
    assert np.all(np.isfinite(X))
    assert np.all(np.isfinite(y))


@pytest.mark.parametrize("name", NAMES)
def test_samples_fill_the_stated_input_ranges(name):
    # every column lies in its box and reaches both ends of it (F1: x4, x5, x8, x10 >= 0.6)
    low, high = expected_bounds(name)
    X, _, _ = make_tsang_benchmark(name, n_samples=5000, random_state=1)
    margin = 0.01 * (high - low)
    assert np.all(X.min(axis=0) >= low)
    assert np.all(X.max(axis=0) <= high)
    assert np.all(X.min(axis=0) < low + margin)
    assert np.all(X.max(axis=0) > high - margin)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_reproduces_and_other_seed_differs(name):
    # an int seed fixes X and y; another seed gives other arrays
    X_a, y_a, _ = make_tsang_benchmark(name, n_samples=100, random_state=7)
    X_b, y_b, _ = make_tsang_benchmark(name, n_samples=100, random_state=7)
    X_c, y_c, _ = make_tsang_benchmark(name, n_samples=100, random_state=8)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)
    assert not np.array_equal(X_a, X_c)
    assert not np.array_equal(y_a, y_c)


def test_random_state_instance_and_numpy_integer_are_accepted():
    # a RandomState instance draws like its seed; numpy ints count as n_samples
    X_int, y_int, _ = make_tsang_benchmark("F5", n_samples=np.int64(50), random_state=3)
    X_rs, y_rs, _ = make_tsang_benchmark("F5", n_samples=50, random_state=np.random.RandomState(3))
    np.testing.assert_array_equal(X_int, X_rs)
    np.testing.assert_array_equal(y_int, y_rs)


@pytest.mark.parametrize("name", NAMES)
def test_name_is_case_insensitive(name):
    # "f3" is "F3"
    X_upper, y_upper, gt_upper = make_tsang_benchmark(name, n_samples=20, random_state=0)
    X_lower, y_lower, gt_lower = make_tsang_benchmark(name.lower(), n_samples=20, random_state=0)
    np.testing.assert_array_equal(X_upper, X_lower)
    np.testing.assert_array_equal(y_upper, y_lower)
    assert gt_upper == gt_lower


@pytest.mark.parametrize("name", NAMES)
def test_noiseless_target_is_the_registered_function(name):
    # noise=0 returns exactly F(X)
    X, y, _ = make_tsang_benchmark(name, n_samples=100, random_state=0)
    np.testing.assert_array_equal(y, _TSANG_FUNCTIONS[name].function(X))


@pytest.mark.parametrize("name", NAMES)
def test_target_spread_matches_the_spec(name):
    # the sample sd of y on 30,000 points matches the spec's measured value
    _, y, _ = make_tsang_benchmark(name, n_samples=30000, random_state=0)
    assert np.std(y) == pytest.approx(EXPECTED_Y_SD[name], rel=0.025)


# ---------------------------------------------------------------------------------------
# Known values, computed by hand from the formulas in the spec

# Points are 1-based in the comments' formulas: x = (x1, ..., x10).
KNOWN_VALUES = [
    (
        "F1",
        [0.5, 0.5, 0.5, 0.8, 0.8, 0.3, 0.5, 0.8, 0.5, 0.8],
        # π^(x1x2)·√(2x3) − asin(x4) + log(x3 + x5) − (x9/x10)·√(x7/x8) − x2x7
        math.pi**0.25 * math.sqrt(1.0)
        - math.asin(0.8)
        + math.log(1.3)
        - (0.5 / 0.8) * math.sqrt(0.5 / 0.8)
        - 0.25,
    ),
    (
        "F2",
        # the fourth term is +(0.8/1.6)·√(0.64/1.6) ≈ +0.32; a "−" would give ≈ 0.63 less
        [0.5, -0.5, -0.5, 0.6, 0.2, 0.0, -0.64, 0.6, 0.8, -0.6],
        math.pi**-0.25 * math.sqrt(1.0)
        - math.asin(0.3)
        + math.log(0.3 + 1)
        + (0.8 / 1.6) * math.sqrt(0.64 / 1.6)
        - 0.32,
    ),
    (
        "F3",
        # x3 = −0.5, 2|x4| = 1.5: −|x3|^(2|x4|) = −0.5^1.5 (x3**1.5 would be NaN)
        [0.3, -0.2, -0.5, 0.75, 0.1, 0.9, 0.2, -0.3, 0.4, 0.5],
        math.exp(0.5)
        + 0.1
        - 0.5**1.5
        + math.log(0.5625 + 0.01 + 0.04 + 0.09)
        + 0.4
        + 1 / (1 + 0.25),
    ),
    (
        "F3",
        # x3 = −0.4, 2|x4| = 1: −|x3|^1 = −0.4 (x3**1 would give +0.4)
        [-0.6, 0.2, -0.4, -0.5, 0.0, -0.9, 0.3, 0.1, -0.7, -0.2],
        math.exp(0.8) + 0.08 - 0.4 + math.log(0.25 + 0.0 + 0.09 + 0.01) - 0.7 + 1 / (1 + 0.04),
    ),
    (
        "F4",
        [0.3, -0.2, -0.5, 0.75, 0.1, 0.9, 0.2, -0.3, 0.4, 0.5],
        math.exp(0.5)
        + 0.1
        - 0.5**1.5
        + math.log(0.5625 + 0.01 + 0.04 + 0.09)
        + 0.4
        + 1 / (1 + 0.25)
        + (0.3 * 0.75) ** 2,
    ),
    (
        "F4",
        [-0.6, 0.2, -0.4, -0.5, 0.0, -0.9, 0.3, 0.1, -0.7, -0.2],
        math.exp(0.8)
        + 0.08
        - 0.4
        + math.log(0.25 + 0.0 + 0.09 + 0.01)
        - 0.7
        + 1 / (1 + 0.04)
        + (0.6 * 0.5) ** 2,
    ),
    (
        "F5",
        # 1/(1 + x1² + x2² + x3²) + √exp(x4 + x5) + |x6 + x7| + x8x9x10
        [0.5, -0.5, 0.5, 0.2, 0.4, 0.3, -0.8, 0.5, -0.4, 0.6],
        1 / (1 + 0.75) + math.sqrt(math.exp(0.6)) + 0.5 + 0.5 * -0.4 * 0.6,
    ),
    (
        "F6",
        # exp(|x1x2| + 1) − exp(|x3 + x4| + 1) + cos(x5 + x6 − x8) + √(x8² + x9² + x10²)
        [0.5, -0.4, 0.3, -0.9, 0.2, 0.1, 0.7, -0.3, 0.4, 0.0],
        math.exp(0.2 + 1) - math.exp(0.6 + 1) + math.cos(0.6) + math.sqrt(0.09 + 0.16),
    ),
    (
        "F7",
        # ReLU active: x3x4 + x6 = 0.2; x4x5x6x7x8 = 0.01; Σ xi = 1.65
        [0.5, -0.3, 0.6, 0.5, -0.5, -0.1, 0.8, 0.5, -0.6, 0.25],
        (math.atan(0.5) + math.atan(-0.3)) ** 2 + 0.2 - 1 / (1 + 0.01**2) + (0.8 / 1.6) ** 5 + 1.65,
    ),
    (
        "F7",
        # ReLU inactive: x3x4 + x6 = −0.4 -> 0; Σ xi = 0.45
        [0.5, -0.3, -0.6, 0.5, -0.5, -0.1, 0.8, 0.5, -0.6, 0.25],
        (math.atan(0.5) + math.atan(-0.3)) ** 2 + 0.0 - 1 / (1 + 0.01**2) + (0.8 / 1.6) ** 5 + 0.45,
    ),
    (
        "F8",
        # x1x2 + 2^(x3+x5+x6) + 2^(x3+x4+x5+x7) + sin(x7·sin(x8 + x9)) + acos(0.9x10)
        [0.5, -0.4, 0.3, 0.2, -0.1, 0.4, 0.5, 0.25, 0.25, 0.5],
        -0.2 + 2**0.6 + 2**0.9 + math.sin(0.5 * math.sin(0.5)) + math.acos(0.45),
    ),
    (
        "F9",
        # tanh(x1x2 + x3x4)·√|x5| + exp(x5 + x6) + log((x6x7x8)² + 1) + x9x10 + 1/(1 + |x10|)
        [0.5, 0.6, -0.4, 0.5, -0.25, 0.3, 0.5, -0.4, 0.2, -0.5],
        math.tanh(0.1) * 0.5 + math.exp(0.05) + math.log(0.06**2 + 1) - 0.1 + 1 / 1.5,
    ),
    (
        "F10",
        # sinh(x1 + x2) + acos(tanh(x3 + x5 + x7)) + cos(x4 + x5) + sec(x7x9)
        [0.3, 0.2, 0.1, 0.4, 0.2, 0.9, -0.5, 0.7, 0.8, -0.3],
        math.sinh(0.5) + math.acos(math.tanh(-0.2)) + math.cos(0.6) + 1 / math.cos(-0.4),
    ),
]


@pytest.mark.parametrize(
    ("name", "x", "expected"),
    KNOWN_VALUES,
    ids=[f"{name}-point{k}" for k, (name, _, _) in enumerate(KNOWN_VALUES)],
)
def test_function_matches_hand_computed_value(name, x, expected):
    # the registered formula agrees with the spec's formula evaluated by hand
    assert evaluate(name, x) == pytest.approx(expected, rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------------------------------
# Ground truth recovered from the functions themselves


@pytest.mark.parametrize("name", NAMES)
def test_mixed_differences_recover_the_ground_truth_pairs(name):
    # F(x+hi+hj) − F(x+hi) − F(x+hj) + F(x) is non-zero somewhere iff the pair is in a GT set
    # The discrete mixed difference vanishes identically (up to rounding) exactly when F is
    # additive in (xi, xj), so it also sees interactions that live only on kinks, such as
    # F5's |x6 + x7| or F7's max(x3x4 + x6, 0), where the cross partial is zero a.e.
    benchmark = _TSANG_FUNCTIONS[name]
    low, high = expected_bounds(name)
    step = 0.1 * (high - low)
    rng = np.random.RandomState(0)
    # keep x + step inside the domain, where F is finite
    X = rng.uniform(low, high - step, size=(300, 10))
    shifts = np.diag(step)

    f_x = benchmark.function(X)
    f_xi = [benchmark.function(X + shifts[i]) for i in range(10)]
    scale = np.std(f_x)
    detected = set()
    for i, j in itertools.combinations(range(10), 2):
        mixed = benchmark.function(X + shifts[i] + shifts[j]) - f_xi[i] - f_xi[j] + f_x
        # rounding leaves ~1e-15 · scale; the weakest true pair (F1's x8–x10) gives ~3e-3
        if np.max(np.abs(mixed)) > 1e-8 * scale:
            detected.add((i, j))

    assert detected == positive_pairs(EXPECTED_INTERACTIONS[name])
    assert detected == positive_pairs(benchmark.interactions)
    assert len(detected) == EXPECTED_N_PAIRS[name]


# ---------------------------------------------------------------------------------------
# Ground truth as returned


def test_list_tsang_benchmarks_returns_the_ten_names_in_order():
    # F1 ... F10 in the order of Table 1
    assert list_tsang_benchmarks() == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_interactions_are_sorted_zero_based_and_match_table_1(name):
    # the ground truth is Table 1 converted to 0-based, sorted tuples, in table order
    _, _, interactions = make_tsang_benchmark(name, n_samples=1, random_state=0)
    assert interactions == EXPECTED_INTERACTIONS[name]
    for interaction in interactions:
        assert isinstance(interaction, tuple)
        assert list(interaction) == sorted(interaction)
        assert all(isinstance(i, int) and 0 <= i < 10 for i in interaction)
    assert len(positive_pairs(interactions)) == EXPECTED_N_PAIRS[name]


def test_returned_interactions_are_a_fresh_list():
    # mutating the returned ground truth does not leak into the next call
    _, _, interactions = make_tsang_benchmark("F1", n_samples=1, random_state=0)
    interactions.append((3, 5))
    _, _, again = make_tsang_benchmark("F1", n_samples=1, random_state=0)
    assert again == EXPECTED_INTERACTIONS["F1"]


@pytest.mark.parametrize("name", NAMES)
def test_registry_entry_is_consistent(name):
    # the private registry stores the stated bounds, read-only, under its own name
    benchmark = _TSANG_FUNCTIONS[name]
    low, high = expected_bounds(name)
    assert benchmark.name == name
    np.testing.assert_array_equal(benchmark.low, low)
    np.testing.assert_array_equal(benchmark.high, high)
    assert not benchmark.low.flags.writeable
    assert not benchmark.high.flags.writeable
    assert benchmark.formula
    assert [tuple(s) for s in benchmark.interactions] == EXPECTED_INTERACTIONS[name]


# ---------------------------------------------------------------------------------------
# Noise


@pytest.mark.parametrize("name", ["F1", "F3", "F7", "F10"])
@pytest.mark.parametrize("noise", [0.1, 0.5])
def test_noise_has_the_requested_relative_size(name, noise):
    # noise is relative to sd(F(X)), and X does not depend on noise for a given seed
    X_clean, y_clean, _ = make_tsang_benchmark(name, n_samples=20000, random_state=4)
    X_noisy, y_noisy, _ = make_tsang_benchmark(name, n_samples=20000, noise=noise, random_state=4)
    np.testing.assert_array_equal(X_noisy, X_clean)
    relative = np.std(y_noisy - y_clean) / np.std(y_clean)
    assert relative == pytest.approx(noise, rel=0.1)


# ---------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize("name", ["F0", "F11", "", "f 1", 1, None])
def test_unknown_name_raises_and_lists_the_valid_names(name):
    # the message names the parameter and every valid choice
    with pytest.raises(ValueError, match="name") as excinfo:
        make_tsang_benchmark(name, n_samples=10)
    for valid in NAMES:
        assert f"'{valid}'" in str(excinfo.value)


@pytest.mark.parametrize("n_samples", [0, -3, 2.5, True, "10", None])
def test_bad_n_samples_raises(n_samples):
    # only integers >= 1 are valid sample sizes
    with pytest.raises(ValueError, match="n_samples must be an integer >= 1"):
        make_tsang_benchmark("F1", n_samples=n_samples)


@pytest.mark.parametrize("noise", [-0.1, float("nan"), float("inf"), "a", True, None])
def test_bad_noise_raises(noise):
    # noise must be a finite real >= 0
    with pytest.raises(ValueError, match="noise must be a finite real number >= 0"):
        make_tsang_benchmark("F1", n_samples=10, noise=noise)


def test_validation_happens_before_drawing():
    # a rejected call leaves a passed RandomState untouched
    random_state = np.random.RandomState(0)
    with pytest.raises(ValueError, match="noise"):
        make_tsang_benchmark("F1", n_samples=10, noise=-1.0, random_state=random_state)
    assert random_state.uniform() == np.random.RandomState(0).uniform()


@pytest.mark.parametrize("name", list_tsang_benchmarks())
def test_true_functions_take_torch_tensors_and_autodiff_finds_the_ground_truth(name):
    # The same formula on a tensor equals numpy; its exact Hessian is non-zero exactly on
    # pairs inside a ground-truth set (pairs met only at kinks excepted, see below).
    torch = pytest.importorskip("torch")
    from sk_interact.derivatives import hessian

    X, y, truth = make_tsang_benchmark(name, n_samples=400, random_state=3)
    F = tsang_function(name)
    Xt = torch.as_tensor(X)
    np.testing.assert_allclose(F(Xt).numpy(), y, rtol=1e-12)
    strength = (hessian(F, Xt) ** 2).mean(dim=0).numpy()
    positives = {p for s in truth for p in itertools.combinations(s, 2)}
    # Piecewise-linear terms interact only on their kink, where the Hessian is a delta:
    # |x6 + x7| in F5, and x6's pairs in F7's max(x3·x4 + x6, 0).
    kink_only = {"F5": {(5, 6)}, "F7": {(2, 5), (3, 5)}}.get(name, set())
    for i, j in itertools.combinations(range(10), 2):
        if (i, j) in kink_only:
            continue
        assert (strength[i, j] > 1e-8) == ((i, j) in positives), (name, i, j)
