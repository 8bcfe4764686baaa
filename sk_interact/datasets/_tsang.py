"""The synthetic interaction suite F1–F10 of Tsang, Cheng & Liu (ICLR 2018, Table 1).

Ten regression functions of ten inputs with known interaction sets. They are the
standard benchmark for interaction detection in neural networks (NID, GLIDER, T-NID):
a method ranks the 45 feature pairs and is scored against the ground truth with the
pairwise ROC-AUC. Each function is stored once in a private registry together with
its input distribution and its ground truth; :func:`make_tsang_benchmark` samples
from it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["list_tsang_benchmarks", "make_tsang_benchmark", "tsang_function"]

_N_FEATURES = 10


@dataclass(frozen=True, eq=False)
class _TsangFunction:
    """One function of the suite: formula, input box and ground truth.

    Parameters
    ----------
    name : str
        Name in the paper, ``"F1"`` to ``"F10"``.
    function : callable
        Noiseless function, ndarray of shape (n_samples, 10) -> ndarray of shape
        (n_samples,). Column ``k - 1`` holds the paper's ``xk``.
    low, high : ndarray of shape (10,)
        Per-column bounds of the independent uniform inputs, ``U(low, high)``.
        Stored read-only.
    interactions : tuple of tuple of int
        Ground-truth interaction sets, 0-based and sorted, in the order of Table 1.
    formula : str
        The formula in one line, 1-based as in the paper.
    """

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    low: np.ndarray
    high: np.ndarray
    interactions: tuple[tuple[int, ...], ...]
    formula: str

    def __post_init__(self):
        for attribute in ("low", "high"):
            bounds = np.array(getattr(self, attribute), dtype=np.float64)
            bounds.flags.writeable = False
            object.__setattr__(self, attribute, bounds)

    def sample(self, n_samples, random_state):
        """Draw ``n_samples`` inputs from the function's uniform box."""
        return random_state.uniform(self.low, self.high, size=(n_samples, _N_FEATURES))


# The functions unpack the columns under the paper's 1-based names (x1 is column 0), so
# that each body reads like its row of Table 1; unused inputs are prefixed with "_".


def _namespace(X):
    """numpy for arrays, torch for tensors: the functions are written once for both."""
    if type(X).__module__.split(".")[0] == "torch":
        import torch

        return torch
    return np


def _f1(X):
    xp = _namespace(X)
    x1, x2, x3, x4, x5, _x6, x7, x8, x9, x10 = X.T
    return (
        math.pi ** (x1 * x2) * xp.sqrt(2 * x3)
        - xp.arcsin(x4)
        + xp.log(x3 + x5)
        - (x9 / x10) * xp.sqrt(x7 / x8)
        - x2 * x7
    )


def _f2(X):
    xp = _namespace(X)
    x1, x2, x3, x4, x5, _x6, x7, x8, x9, x10 = X.T
    return (
        math.pi ** (x1 * x2) * xp.sqrt(2 * xp.abs(x3))
        - xp.arcsin(0.5 * x4)
        + xp.log(xp.abs(x3 + x5) + 1)
        + (x9 / (1 + xp.abs(x10))) * xp.sqrt(xp.abs(x7) / (1 + xp.abs(x8)))
        - x2 * x7
    )


def _f3(X):
    xp = _namespace(X)
    x1, x2, x3, x4, x5, _x6, x7, x8, x9, x10 = X.T
    return (
        xp.exp(xp.abs(x1 - x2))
        + xp.abs(x2 * x3)
        # |x3|^(2|x4|) written as (x3²)^|x4|: x3 ** (2|x4|) is NaN for negative x3
        - (x3**2) ** xp.abs(x4)
        + xp.log(x4**2 + x5**2 + x7**2 + x8**2)
        + x9
        + 1 / (1 + x10**2)
    )


def _f4(X):
    x1, x4 = X[:, 0], X[:, 3]
    return _f3(X) + (x1 * x4) ** 2


def _f5(X):
    xp = _namespace(X)
    x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 = X.T
    return (
        1 / (1 + x1**2 + x2**2 + x3**2) + xp.sqrt(xp.exp(x4 + x5)) + xp.abs(x6 + x7) + x8 * x9 * x10
    )


def _f6(X):
    xp = _namespace(X)
    x1, x2, x3, x4, x5, x6, _x7, x8, x9, x10 = X.T
    return (
        xp.exp(xp.abs(x1 * x2) + 1)
        - xp.exp(xp.abs(x3 + x4) + 1)
        + xp.cos(x5 + x6 - x8)
        + xp.sqrt(x8**2 + x9**2 + x10**2)
    )


def _f7(X):
    xp = _namespace(X)
    x1, x2, x3, x4, x5, x6, x7, x8, x9, _x10 = X.T
    return (
        (xp.arctan(x1) + xp.arctan(x2)) ** 2
        + xp.clip(x3 * x4 + x6, 0, None)
        - 1 / (1 + (x4 * x5 * x6 * x7 * x8) ** 2)
        + (xp.abs(x7) / (1 + xp.abs(x9))) ** 5
        + X.sum(axis=1)
    )


def _f8(X):
    xp = _namespace(X)
    x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 = X.T
    return (
        x1 * x2
        + 2 ** (x3 + x5 + x6)
        + 2 ** (x3 + x4 + x5 + x7)
        + xp.sin(x7 * xp.sin(x8 + x9))
        + xp.arccos(0.9 * x10)
    )


def _f9(X):
    xp = _namespace(X)
    x1, x2, x3, x4, x5, x6, x7, x8, x9, x10 = X.T
    return (
        xp.tanh(x1 * x2 + x3 * x4) * xp.sqrt(xp.abs(x5))
        + xp.exp(x5 + x6)
        + xp.log((x6 * x7 * x8) ** 2 + 1)
        + x9 * x10
        + 1 / (1 + xp.abs(x10))
    )


def _f10(X):
    xp = _namespace(X)
    x1, x2, x3, x4, x5, _x6, x7, _x8, x9, _x10 = X.T
    return (
        xp.sinh(x1 + x2) + xp.arccos(xp.tanh(x3 + x5 + x7)) + xp.cos(x4 + x5) + 1 / xp.cos(x7 * x9)
    )


_LOW_U11 = np.full(_N_FEATURES, -1.0)
_HIGH_U11 = np.full(_N_FEATURES, 1.0)

# F1 keeps the ranges of Hooker (2004): x4, x5, x8, x10 ~ U(0.6, 1), the rest U(0, 1).
_LOW_F1 = np.array([0.0, 0.0, 0.0, 0.6, 0.6, 0.0, 0.0, 0.6, 0.0, 0.6])
_HIGH_F1 = np.ones(_N_FEATURES)

_TSANG_FUNCTIONS: dict[str, _TsangFunction] = {
    spec.name: spec
    for spec in (
        _TsangFunction(
            name="F1",
            function=_f1,
            low=_LOW_F1,
            high=_HIGH_F1,
            interactions=((0, 1, 2), (2, 4), (6, 7, 8, 9), (1, 6)),
            formula="π^(x1x2)·√(2x3) - arcsin(x4) + log(x3 + x5) - (x9/x10)·√(x7/x8) - x2x7",
        ),
        _TsangFunction(
            name="F2",
            function=_f2,
            low=_LOW_U11,
            high=_HIGH_U11,
            interactions=((0, 1, 2), (2, 4), (6, 7, 8, 9), (1, 6)),
            formula=(
                "π^(x1x2)·√(2|x3|) - arcsin(0.5x4) + log(|x3 + x5| + 1)"
                " + (x9/(1 + |x10|))·√(|x7|/(1 + |x8|)) - x2x7"
            ),
        ),
        _TsangFunction(
            name="F3",
            function=_f3,
            low=_LOW_U11,
            high=_HIGH_U11,
            interactions=((0, 1), (1, 2), (2, 3), (3, 4, 6, 7)),
            formula=(
                "exp|x1 - x2| + |x2x3| - |x3|^(2|x4|) + log(x4² + x5² + x7² + x8²)"
                " + x9 + 1/(1 + x10²)"
            ),
        ),
        _TsangFunction(
            name="F4",
            function=_f4,
            low=_LOW_U11,
            high=_HIGH_U11,
            interactions=((0, 1), (1, 2), (2, 3), (0, 3), (3, 4, 6, 7)),
            formula=(
                "exp|x1 - x2| + |x2x3| - |x3|^(2|x4|) + log(x4² + x5² + x7² + x8²)"
                " + x9 + 1/(1 + x10²) + (x1x4)²"
            ),
        ),
        _TsangFunction(
            name="F5",
            function=_f5,
            low=_LOW_U11,
            high=_HIGH_U11,
            interactions=((0, 1, 2), (3, 4), (5, 6), (7, 8, 9)),
            formula="1/(1 + x1² + x2² + x3²) + √(exp(x4 + x5)) + |x6 + x7| + x8x9x10",
        ),
        _TsangFunction(
            name="F6",
            function=_f6,
            low=_LOW_U11,
            high=_HIGH_U11,
            interactions=((0, 1), (2, 3), (4, 5, 7), (7, 8, 9)),
            formula=(
                "exp(|x1x2| + 1) - exp(|x3 + x4| + 1) + cos(x5 + x6 - x8) + √(x8² + x9² + x10²)"
            ),
        ),
        _TsangFunction(
            name="F7",
            function=_f7,
            low=_LOW_U11,
            high=_HIGH_U11,
            interactions=((0, 1), (2, 3, 5), (3, 4, 5, 6, 7), (6, 8)),
            formula=(
                "(arctan x1 + arctan x2)² + max(x3x4 + x6, 0) - 1/(1 + (x4x5x6x7x8)²)"
                " + (|x7|/(1 + |x9|))⁵ + Σ_{i=1}^{10} xi"
            ),
        ),
        _TsangFunction(
            name="F8",
            function=_f8,
            low=_LOW_U11,
            high=_HIGH_U11,
            interactions=((0, 1), (2, 4, 5), (2, 3, 4, 6), (6, 7, 8)),
            formula=(
                "x1x2 + 2^(x3 + x5 + x6) + 2^(x3 + x4 + x5 + x7) + sin(x7·sin(x8 + x9))"
                " + arccos(0.9x10)"
            ),
        ),
        _TsangFunction(
            name="F9",
            function=_f9,
            low=_LOW_U11,
            high=_HIGH_U11,
            interactions=((0, 1, 2, 3, 4), (4, 5), (5, 6, 7), (8, 9)),
            formula=(
                "tanh(x1x2 + x3x4)·√|x5| + exp(x5 + x6) + log((x6x7x8)² + 1) + x9x10"
                " + 1/(1 + |x10|)"
            ),
        ),
        _TsangFunction(
            name="F10",
            function=_f10,
            low=_LOW_U11,
            high=_HIGH_U11,
            interactions=((0, 1), (2, 4, 6), (3, 4), (6, 8)),
            formula="sinh(x1 + x2) + arccos(tanh(x3 + x5 + x7)) + cos(x4 + x5) + sec(x7x9)",
        ),
    )
}


def list_tsang_benchmarks() -> list[str]:
    """Names of the ten functions of the Tsang et al. (2018) synthetic suite.

    Returns
    -------
    names : list of str
        ``["F1", "F2", ..., "F10"]``, in the order of Table 1 of the paper.

    See Also
    --------
    make_tsang_benchmark : Sample one of these functions with its ground truth.

    Examples
    --------
    >>> from sk_interact.datasets import list_tsang_benchmarks
    >>> list_tsang_benchmarks()
    ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10']
    """
    return list(_TSANG_FUNCTIONS)


def tsang_function(name: str = "F1") -> Callable:
    """The noiseless function of one benchmark, for numpy arrays or torch tensors.

    Parameters
    ----------
    name : str, default="F1"
        Which function, ``"F1"`` to ``"F10"`` (case-insensitive).

    Returns
    -------
    function : callable
        Maps ``X`` of shape (n, 10) to ``F(X)`` of shape (n,). Written once for both
        array types: numpy arrays give numpy results, torch tensors give tensors that
        autograd and ``torch.func`` differentiate exactly, so the true function's
        derivatives can be compared with a network's.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from sk_interact.datasets import make_tsang_benchmark, tsang_function
    >>> X, y, _ = make_tsang_benchmark("F3", n_samples=5, random_state=0)
    >>> F3 = tsang_function("F3")
    >>> bool(np.allclose(F3(X), y)), bool(np.allclose(F3(torch.as_tensor(X)).numpy(), y))
    (True, True)
    """
    return _TSANG_FUNCTIONS[_check_name(name)].function


def _check_name(name):
    """Return the registry key of ``name`` ("f1" -> "F1") or raise a ValueError."""
    key = name.upper() if isinstance(name, str) else None
    if key not in _TSANG_FUNCTIONS:
        raise ValueError(
            f"Unknown benchmark name={name!r}. Pass one of {list_tsang_benchmarks()} "
            "(case-insensitive)."
        )
    return key


def _check_n_samples(n_samples):
    # bool is an Integral subclass but n_samples=True is almost surely a mistake
    if (
        not isinstance(n_samples, numbers.Integral)
        or isinstance(n_samples, (bool, np.bool_))
        or n_samples < 1
    ):
        raise ValueError(
            f"n_samples must be an integer >= 1, got {n_samples!r} "
            f"(type {type(n_samples).__name__}). Pass a positive int such as 30000."
        )
    return int(n_samples)


def _check_noise(noise):
    if (
        not isinstance(noise, numbers.Real)
        or isinstance(noise, (bool, np.bool_))
        or not math.isfinite(noise)
        or noise < 0
    ):
        raise ValueError(
            f"noise must be a finite real number >= 0, got {noise!r}. Pass 0.0 for the "
            "paper's noiseless setting or, e.g., 0.1 for noise at 10% of the sd of y."
        )
    return float(noise)


def make_tsang_benchmark(
    name: str = "F1",
    n_samples: int = 30000,
    noise: float = 0.0,
    random_state: int | np.random.RandomState | None = None,
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, ...]]]:
    """Sample one function of the Tsang et al. (2018) synthetic interaction suite.

    Draws ``n_samples`` inputs from the function's uniform input distribution and
    evaluates the function on them, optionally with additive Gaussian noise.

    Parameters
    ----------
    name : str, default="F1"
        Which function, ``"F1"`` to ``"F10"`` (case-insensitive); see
        :func:`list_tsang_benchmarks`.

    n_samples : int, default=30000
        Number of samples, an integer >= 1. The paper uses 30,000, split into
        train/validation/test thirds of 10,000.

    noise : float, default=0.0
        Standard deviation of additive Gaussian noise, relative to the sample
        standard deviation (``ddof=0``) of the noiseless target: ``noise=0.1`` adds
        noise with 10% of the spread of ``F(X)``. ``0.0`` returns the exact function,
        which is the paper's setting.

    random_state : int, RandomState instance or None, default=None
        Seeds the draw of ``X`` and, after it, of the noise, through
        :func:`sklearn.utils.check_random_state`. Pass an int for reproducible output.
        ``X`` is drawn first, so one seed gives the same ``X`` whatever ``noise`` is.

    Returns
    -------
    X : ndarray of shape (n_samples, 10), dtype float64
        The inputs; column ``k - 1`` holds the paper's ``xk``.

    y : ndarray of shape (n_samples,), dtype float64
        The target ``F(X)``, plus noise if ``noise > 0``.

    interactions : list of tuple of int
        The ground-truth interaction sets as sorted tuples of **0-based** column
        indices, in the order of Table 1; for ``"F1"``,
        ``[(0, 1, 2), (2, 4), (6, 7, 8, 9), (1, 6)]``.

    Raises
    ------
    ValueError
        If ``name`` is not a known benchmark, if ``n_samples`` is not an integer
        >= 1 (floats such as 2.5, strings and bools included), or if ``noise`` is
        not a finite real number >= 0.

    See Also
    --------
    list_tsang_benchmarks : The names of the ten functions.

    Notes
    -----
    The ten functions are those of Table 1 of Tsang, Cheng & Liu (2018), with the
    absolute-value bars of the original restored. All inputs are independent. For F2
    to F10 every input is ``U(-1, 1)``. F1 uses the ranges of Hooker (2004):
    x1, x2, x3, x6, x7, x9 ~ U(0, 1) and x4, x5, x8, x10 ~ U(0.6, 1), which keep
    its square roots, logarithm and quotients real and finite.

    The paper writes the inputs and the ground truth 1-based (x1 to x10); here they
    are 0-based, so the paper's ``{1, 2, 3}`` is ``(0, 1, 2)``. When pairs are
    scored (the pairwise ROC-AUC of the paper), a pair counts as a positive if it is
    contained in some ground-truth set, including the higher-order ones: F1 has 11
    positive pairs out of 45.

    The suite has no noise; the ``noise`` parameter is an addition of this library,
    for testing robustness.

    Two readings matter where copies of the suite differ: in F3 and F4 the third
    term is ``-|x3|^(2|x4|)``, evaluated as ``-(x3**2)**|x4|``; in F2 the fourth term
    has a plus sign and ``|x7|`` under the square root.

    References
    ----------
    .. [1] M. Tsang, D. Cheng and Y. Liu, "Detecting Statistical Interactions from
       Neural Network Weights", International Conference on Learning
       Representations (ICLR), 2018.
    .. [2] G. Hooker, "Discovering additive structure in black box functions",
       Proceedings of the 10th ACM SIGKDD International Conference on Knowledge
       Discovery and Data Mining, 2004.

    Examples
    --------
    >>> from sk_interact.datasets import make_tsang_benchmark
    >>> X, y, interactions = make_tsang_benchmark("F1", n_samples=100, random_state=0)
    >>> X.shape, y.shape
    ((100, 10), (100,))
    >>> interactions
    [(0, 1, 2), (2, 4), (6, 7, 8, 9), (1, 6)]
    >>> bool(X[:, 3].min() >= 0.6)
    True
    """
    key = _check_name(name)
    n_samples = _check_n_samples(n_samples)
    noise = _check_noise(noise)
    random_state = check_random_state(random_state)

    benchmark = _TSANG_FUNCTIONS[key]
    X = benchmark.sample(n_samples, random_state)
    y = benchmark.function(X)
    if noise > 0:
        y = y + noise * np.std(y) * random_state.standard_normal(n_samples)
    return X, y, [tuple(interaction) for interaction in benchmark.interactions]
