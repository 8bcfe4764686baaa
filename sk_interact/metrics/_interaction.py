"""Scores of an interaction ranking against ground-truth interaction sets.

The conventions are those of Neural Interaction Detection (NID; Tsang, Cheng & Liu,
ICLR 2018), which T-NID (Lerman et al., ICCV 2021) reuses: a subset of features is a
true interaction when it lies inside some ground-truth set, and a ranking is scored by
the ROC-AUC over all subsets of one order, or by the any-order R-precision.

Every metric takes the ranking DataFrame of an estimator's ``interactions_`` (only its
``indices`` and ``strength`` columns are read), a mapping ``{indices: strength}`` or a
sequence of ``(indices, strength)`` pairs.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn.utils._param_validation import Interval, validate_params

from sk_interact._ranking import check_ranking

__all__ = ["interaction_auc_score", "interaction_r_precision"]

_RANKING_COLUMNS = ("indices", "strength")


def _as_index_set(value, name: str) -> tuple[int, ...]:
    """One set of 0-based feature indices as a sorted tuple of Python ints."""
    if isinstance(value, (str, bytes, numbers.Number)) or not isinstance(value, Iterable):
        raise ValueError(f"{name} must hold sets of feature indices such as (0, 1); got {value!r}.")
    indices = []
    for index in value:
        if isinstance(index, (bool, np.bool_)) or not isinstance(index, numbers.Integral):
            raise ValueError(
                f"{name} must hold integer feature indices; got {index!r} in {value!r}."
            )
        if index < 0:
            raise ValueError(
                f"{name} holds the negative feature index {int(index)} in {value!r}; indices "
                "are 0-based column positions."
            )
        indices.append(int(index))
    if not indices:
        raise ValueError(f"{name} holds an empty set of features.")
    if len(set(indices)) != len(indices):
        raise ValueError(f"{name} repeats a feature index within the set {value!r}.")
    return tuple(sorted(indices))


def _check_true_interactions(true_interactions) -> list[tuple[int, ...]]:
    """The distinct ground-truth sets as sorted tuples, in their given order."""
    if isinstance(true_interactions, np.ndarray):
        true_interactions = list(true_interactions)
    if isinstance(true_interactions, (str, bytes, Mapping)) or not isinstance(
        true_interactions, Iterable
    ):
        raise ValueError(
            "true_interactions must be a sequence of sets of feature indices such as "
            f"[(0, 1), (2, 3, 4)]; got {true_interactions!r}."
        )
    true_interactions = list(true_interactions)
    if not true_interactions:
        raise ValueError("true_interactions is empty: there is no ground truth to score against.")
    if all(isinstance(entry, numbers.Integral) for entry in true_interactions):
        flat = tuple(int(entry) for entry in true_interactions)
        raise ValueError(
            "true_interactions must be a sequence of index sets, not one flat set of indices: "
            f"pass [{flat!r}] instead of {flat!r}."
        )
    sets = [_as_index_set(entry, "true_interactions") for entry in true_interactions]
    return list(dict.fromkeys(sets))


def _as_scored_sets(ranking) -> dict[tuple[int, ...], float]:
    """Convert any accepted ranking into ``{sorted indices: strength}``, in the given order.

    Parameters
    ----------
    ranking : DataFrame, mapping or sequence of pairs
        A ranking DataFrame with columns ``indices`` and ``strength`` (other columns,
        ``order`` included, are ignored), a mapping ``{indices: strength}`` or a sequence
        of ``(indices, strength)`` pairs.

    Returns
    -------
    scored_sets : dict
        Sorted index tuple -> strength as a float, in the order of the input rows (the
        order breaks ties in :func:`interaction_r_precision`).

    Raises
    ------
    ValueError
        If columns are missing, a set appears twice (in any order of its indices), or a
        strength is negative or NaN.
    """
    if isinstance(ranking, pd.DataFrame):
        check_ranking(ranking, _RANKING_COLUMNS)
        pairs = zip(ranking["indices"], ranking["strength"])
    elif isinstance(ranking, Mapping):
        pairs = ranking.items()
    elif isinstance(ranking, Sequence) and not isinstance(ranking, (str, bytes)):
        pairs = ranking
    else:
        raise TypeError(
            "ranking must be a ranking DataFrame, a mapping {indices: strength} or a sequence "
            f"of (indices, strength) pairs; got {type(ranking).__name__}."
        )

    scored_sets: dict[tuple[int, ...], float] = {}
    for pair in pairs:
        try:
            indices, strength = pair
        except (TypeError, ValueError):
            raise ValueError(
                f"ranking entries must be (indices, strength) pairs; got {pair!r}."
            ) from None
        key = _as_index_set(indices, "ranking")
        if isinstance(strength, (str, bytes)) or not isinstance(strength, numbers.Real):
            raise ValueError(f"ranking strength of {key} must be a real number; got {strength!r}.")
        strength = float(strength)
        if math.isnan(strength) or strength < 0:
            raise ValueError(
                f"ranking strength of {key} is {strength}; strengths must be non-negative "
                "numbers (not NaN)."
            )
        if key in scored_sets:
            raise ValueError(f"ranking scores the feature set {key} more than once.")
        scored_sets[key] = strength
    return scored_sets


def _positive_subsets(true_sets: Iterable[tuple[int, ...]], order: int) -> set[tuple[int, ...]]:
    """Subsets of size ``order`` contained in some true set (NID's ``set(pair) <= gt``)."""
    positives: set[tuple[int, ...]] = set()
    for true_set in true_sets:
        # combinations of a sorted tuple come out sorted; smaller sets contribute nothing
        positives.update(itertools.combinations(true_set, order))
    return positives


@validate_params(
    {
        "true_interactions": ["array-like"],
        "ranking": [pd.DataFrame, Mapping, list, tuple],
        "order": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_features": [Interval(numbers.Integral, 1, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def interaction_auc_score(
    true_interactions: Sequence[Sequence[int]],
    ranking: pd.DataFrame | Mapping[tuple[int, ...], float] | Sequence[tuple[Sequence[int], float]],
    *,
    order: int = 2,
    n_features: int | None = None,
) -> float:
    """ROC-AUC of an interaction ranking over all feature subsets of one order.

    Every one of the C(d, ``order``) subsets of the d features is a sample: it is
    positive when it is contained in some ground-truth interaction set, and its score
    is its ``strength`` in ``ranking``. Subsets the ranking does not score are tied
    together below every scored subset.

    Parameters
    ----------
    true_interactions : sequence of sequences of int
        Ground-truth interaction sets as 0-based feature indices, e.g.
        ``[(0, 1, 2), (2, 4)]``. A set with fewer than ``order`` features contributes
        no positive subset.
    ranking : DataFrame, mapping or sequence of pairs
        The ranking to score: a DataFrame with columns ``indices`` and ``strength``
        (such as an estimator's ``interactions_``), a mapping ``{indices: strength}``
        or a sequence of ``(indices, strength)`` pairs. Strengths are non-negative;
        entries of another order than ``order`` are ignored.
    order : int, default=2
        Size of the scored subsets: 2 for the pairwise AUC, 3 and above for
        higher-order interactions.
    n_features : int, default=None
        Number of features d. If None, it is inferred as one plus the largest index in
        ``true_interactions`` and ``ranking``. Passing it is recommended: an unused
        trailing feature (one that appears nowhere) would otherwise be missed, and the
        subsets that contain it would not count as negatives.

    Returns
    -------
    auc : float
        Area under the ROC curve, in [0, 1]: 1.0 when every positive subset outranks
        every negative one, 0.5 for an uninformative (e.g. constant) ranking.

    Raises
    ------
    ValueError
        If ``order`` < 1 or ``order`` > d; if ``true_interactions`` is not a sequence
        of index sets (for instance a flat ``(0, 1)`` instead of ``[(0, 1)]``) or holds
        an index out of range [0, d); if ``ranking`` holds an index out of range,
        a duplicate set, a negative or NaN strength, or lacks a column; if
        ``n_features`` is too small for the indices; or if all subsets are positive
        or none is, where the AUC is undefined.

    See Also
    --------
    interaction_r_precision : Any-order R-precision of a ranking.
    make_interaction_auc_scorer : This metric as a scorer for model selection.

    Notes
    -----
    A subset is positive iff it is a subset of some true set, the rule of NID's
    pairwise AUC (``set(pair) <= gt``): a d-way interaction implies all its lower-order
    sub-interactions [1]_. T-NID extends it to higher orders in the same way [2]_.

    The AUC is the Mann–Whitney statistic: the share of (positive, negative) pairs of
    subsets in which the positive one scores higher, ties counting one half. Unscored
    subsets are counted rather than enumerated, so the cost is O(S log S) for S scored
    subsets plus the size of the ground truth, even when C(d, ``order``) is in the
    hundreds of millions. The result equals :func:`sklearn.metrics.roc_auc_score` on
    all subsets with the unscored ones given a score below the minimum.

    References
    ----------
    .. [1] M. Tsang, D. Cheng and Y. Liu, "Detecting Statistical Interactions from
       Neural Network Weights", ICLR 2018.
    .. [2] S. Lerman, C. Venuto, H. Kautz and C. Xu, "Explaining Local, Global, And
       Higher-Order Interactions In Deep Learning" (T-NID and Taylor-CAM), ICCV 2021.

    Examples
    --------
    The ground truth of the function F1 of Tsang et al. (0-based) and a ranking that
    puts its 11 positive pairs above the 34 others:

    >>> from itertools import combinations
    >>> from sk_interact.metrics import interaction_auc_score
    >>> truth = [(0, 1, 2), (2, 4), (6, 7, 8, 9), (1, 6)]
    >>> ranking = {
    ...     pair: 1.0 if any(set(pair) <= set(t) for t in truth) else 0.1
    ...     for pair in combinations(range(10), 2)
    ... }
    >>> interaction_auc_score(truth, ranking, n_features=10)
    1.0

    A ranking DataFrame that scores two of the six pairs of four features; the four
    unscored pairs tie last. With ``(1, 2)`` as the truth, it beats the four unscored
    negatives but not ``(0, 1)``, so the AUC is 4/5:

    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "features": [("x0", "x1"), ("x1", "x2")],
    ...     "indices": [(0, 1), (1, 2)],
    ...     "order": [2, 2],
    ...     "strength": [3.0, 0.5],
    ...     "effect": [1.2, float("nan")],
    ... })
    >>> interaction_auc_score([(0, 1)], frame, n_features=4)
    1.0
    >>> interaction_auc_score([(1, 2)], frame, n_features=4)
    0.8
    """
    true_sets = _check_true_interactions(true_interactions)
    scored_sets = _as_scored_sets(ranking)

    largest = max(max(s) for s in itertools.chain(true_sets, scored_sets))
    if n_features is None:
        n_features = largest + 1
    elif largest >= n_features:
        name = "true_interactions" if any(max(s) == largest for s in true_sets) else "ranking"
        raise ValueError(
            f"{name} holds the feature index {largest}, out of range [0, {n_features}) for "
            f"n_features={n_features}: n_features is smaller than the indices need."
        )
    if order > n_features:
        raise ValueError(
            f"order={order} exceeds the number of features n_features={n_features}: "
            "there is no subset of that size to score."
        )

    positives = _positive_subsets(true_sets, order)
    n_subsets = math.comb(n_features, order)
    n_positive = len(positives)
    n_negative = n_subsets - n_positive
    if n_positive == 0:
        raise ValueError(
            f"The AUC is undefined: no true interaction of order >= {order} in "
            f"true_interactions={true_sets}, so no subset of order {order} is positive."
        )
    if n_negative == 0:
        raise ValueError(
            f"The AUC is undefined: every one of the {n_subsets} subsets of order {order} of "
            f"n_features={n_features} lies inside true_interactions, so none is negative."
        )

    # only this order's rows are samples; the others belong to another AUC
    scored = [indices for indices in scored_sets if len(indices) == order]
    strengths = np.fromiter((scored_sets[s] for s in scored), dtype=np.float64, count=len(scored))
    is_positive = np.fromiter((s in positives for s in scored), dtype=bool, count=len(scored))
    scored_positive = int(is_positive.sum())
    unscored_positive = n_positive - scored_positive
    unscored_negative = n_negative - (len(scored) - scored_positive)

    # Mann–Whitney U among scored subsets: average ranks give ties one half
    ranks = rankdata(strengths)
    wins = float(ranks[is_positive].sum()) - scored_positive * (scored_positive + 1) / 2
    # a scored positive beats every unscored negative; unscored subsets tie with each other
    wins += scored_positive * unscored_negative + 0.5 * unscored_positive * unscored_negative
    return float(wins / (n_positive * n_negative))


@validate_params(
    {
        "true_interactions": ["array-like"],
        "ranking": [pd.DataFrame, Mapping, list, tuple],
    },
    prefer_skip_nested_validation=True,
)
def interaction_r_precision(
    true_interactions: Sequence[Sequence[int]],
    ranking: pd.DataFrame | Mapping[tuple[int, ...], float] | Sequence[tuple[Sequence[int], float]],
) -> float:
    """Any-order R-precision of an interaction ranking (NID's rule).

    With R the number of true interaction sets, the share of the top R entries of the
    ranking that are exactly a true set, after skipping the entries that are strict
    subsets of a true set.

    Parameters
    ----------
    true_interactions : sequence of sequences of int
        Ground-truth interaction sets as 0-based feature indices, e.g.
        ``[(0, 1, 2), (2, 4)]``. Repeated sets count once.
    ranking : DataFrame, mapping or sequence of pairs
        The ranking to score, of any mix of orders: a DataFrame with columns
        ``indices`` and ``strength`` (such as an estimator's ``interactions_``), a
        mapping ``{indices: strength}`` or a sequence of ``(indices, strength)`` pairs.

    Returns
    -------
    r_precision : float
        Number of exactly recovered true sets among the first R counted entries,
        divided by R; in [0, 1].

    Raises
    ------
    ValueError
        If ``true_interactions`` is empty or not a sequence of index sets, or if
        ``ranking`` holds a duplicate set, a negative or NaN strength, or lacks a
        column.

    See Also
    --------
    interaction_auc_score : ROC-AUC over all subsets of one order.
    make_interaction_r_precision_scorer : This metric as a scorer for model selection.

    Notes
    -----
    The rule of NID's official evaluation (``get_anyorder_R_precision``) [1]_, also
    used by T-NID [2]_. Entries are walked by decreasing strength; ties keep the order
    of the rows. An entry that is a strict subset of a true set is neither a hit nor a
    miss: it is implied by the larger set, so a detector that also reports it is not
    penalised. Every other entry is counted, as a hit when it equals a true set and as
    a miss otherwise (a superset of a true set is a miss), until R entries are counted;
    if the ranking runs out first, the missing entries are misses.

    As in the official code, the subset test comes first, so a true set that lies
    inside another true set is always skipped and can never be hit: list only the
    maximal sets as ground truth.

    References
    ----------
    .. [1] M. Tsang, D. Cheng and Y. Liu, "Detecting Statistical Interactions from
       Neural Network Weights", ICLR 2018.
    .. [2] S. Lerman, C. Venuto, H. Kautz and C. Xu, "Explaining Local, Global, And
       Higher-Order Interactions In Deep Learning" (T-NID and Taylor-CAM), ICCV 2021.

    Examples
    --------
    >>> from sk_interact.metrics import interaction_r_precision
    >>> truth = [(0, 1, 2), (2, 4), (6, 7, 8, 9), (1, 6)]
    >>> perfect = {(6, 7, 8, 9): 4.0, (0, 1, 2): 3.0, (2, 4): 2.0, (1, 6): 1.0}
    >>> interaction_r_precision(truth, perfect)
    1.0

    ``(0, 1)`` is skipped as part of ``(0, 1, 2)``; ``(5, 6)`` is a miss; R = 2:

    >>> ranking = [((0, 1), 9.0), ((0, 1, 2), 8.0), ((5, 6), 7.0), ((3, 4), 6.0)]
    >>> interaction_r_precision([(0, 1, 2), (3, 4)], ranking)
    0.5
    """
    true_sets = [frozenset(s) for s in _check_true_interactions(true_interactions)]
    scored_sets = _as_scored_sets(ranking)
    true_lookup = set(true_sets)
    n_true = len(true_sets)

    hits = counted = 0
    # sorted is stable: tied strengths keep the order of the rows
    for indices, _ in sorted(scored_sets.items(), key=lambda item: -item[1]):
        if counted == n_true:
            break
        detected = frozenset(indices)
        if any(detected < true_set for true_set in true_sets):
            continue
        counted += 1
        hits += detected in true_lookup
    return hits / n_true
