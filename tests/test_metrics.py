"""Tests for sk_interact.metrics: interaction AUC, R-precision, scorers and their registry.

Expected values are worked out by hand from the rules in
``shared/reference/tsang-synthetic-suite.md`` ("Ground-truth conventions") or checked
against :func:`sklearn.metrics.roc_auc_score` on every subset, enumerated explicitly.
"""

import itertools
import math
import pickle
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.metrics import get_scorer as sklearn_get_scorer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV
from sklearn.utils.validation import validate_data

from sk_interact.metrics import (
    get_scorer,
    get_scorer_names,
    interaction_auc_score,
    interaction_r_precision,
    make_interaction_auc_scorer,
    make_interaction_r_precision_scorer,
)
from sk_interact.metrics._interaction import _as_scored_sets, _positive_subsets

# F1 of Tsang et al. (2018), 0-based: 11 of the 45 pairs lie inside a true set.
F1_TRUTH = [(0, 1, 2), (2, 4), (6, 7, 8, 9), (1, 6)]
F1_PAIRS = list(itertools.combinations(range(10), 2))
F1_POSITIVE_PAIRS = [p for p in F1_PAIRS if any(set(p) <= set(t) for t in F1_TRUTH)]
F1_NEGATIVE_PAIRS = [p for p in F1_PAIRS if p not in F1_POSITIVE_PAIRS]


def ranking_frame(scored):
    """A ranking DataFrame as the estimators return it, from ``{indices: strength}``."""
    rows = sorted(scored.items(), key=lambda item: -item[1])
    return pd.DataFrame(
        {
            "features": [tuple(f"x{i}" for i in indices) for indices, _ in rows],
            "indices": [indices for indices, _ in rows],
            "order": [len(indices) for indices, _ in rows],
            "strength": [strength for _, strength in rows],
            "effect": [float("nan")] * len(rows),
        }
    )


def enumerated_auc(truth, scored, order, d):
    """sklearn's ROC-AUC over every subset; unscored subsets score below the minimum."""
    subsets = list(itertools.combinations(range(d), order))
    labels = [any(set(s) <= set(t) for t in truth) for s in subsets]
    scores = [scored.get(s, -1.0) for s in subsets]
    return roc_auc_score(labels, scores)


# Ranked by strength 45, 44, ...: F1's positives first (perfect) or last (reversed).
PERFECT_F1 = {p: float(45 - k) for k, p in enumerate(F1_POSITIVE_PAIRS + F1_NEGATIVE_PAIRS)}
REVERSED_F1 = {p: float(45 - k) for k, p in enumerate(F1_NEGATIVE_PAIRS + F1_POSITIVE_PAIRS)}
FLAT_F1 = dict.fromkeys(F1_PAIRS, 1.0)


def test_f1_has_eleven_positive_pairs():
    # The spec's "#pairs" for F1: the helper finds the same 11 pairs as the definition.
    assert sorted(_positive_subsets(F1_TRUTH, 2)) == F1_POSITIVE_PAIRS
    assert len(F1_POSITIVE_PAIRS) == 11


@pytest.mark.parametrize(
    ("scored", "expected"), [(PERFECT_F1, 1.0), (REVERSED_F1, 0.0), (FLAT_F1, 0.5)]
)
def test_auc_of_perfect_reversed_and_flat_rankings(scored, expected):
    # All 45 pairs scored: positives on top -> 1, at the bottom -> 0, all tied -> 0.5.
    assert interaction_auc_score(F1_TRUTH, ranking_frame(scored), n_features=10) == expected


def test_auc_hand_computed_small_case():
    # d=4, truth (0,1,2): positives 01, 02, 12; negatives 03, 13, 23.
    # Scored 01:.9, 03:.5, 12:.5, 23:.1; unscored 02 (pos) and 13 (neg) tie below all.
    # 01 beats 03, 13, 23 -> 3; 12 ties 03, beats 13, 23 -> 2.5;
    # 02 loses to 03 and 23, ties 13 -> 0.5.  AUC = 6 / 9.
    scored = {(0, 1): 0.9, (0, 3): 0.5, (1, 2): 0.5, (2, 3): 0.1}
    auc = interaction_auc_score([(0, 1, 2)], scored, n_features=4)
    assert auc == pytest.approx(2 / 3, abs=1e-15)
    assert auc == pytest.approx(enumerated_auc([(0, 1, 2)], scored, 2, 4), abs=1e-15)


def test_scored_zero_strength_still_ranks_above_unscored():
    # Strength 0 is a score: the positive (0,1) at 0 beats the 5 unscored negatives.
    assert interaction_auc_score([(0, 1)], {(0, 1): 0.0}, n_features=4) == 1.0
    # The negative (2,3) at 0 beats the unscored positive, which ties the 4 others: AUC = 2/5.
    assert interaction_auc_score([(0, 1)], {(2, 3): 0.0}, n_features=4) == pytest.approx(0.4)


@st.composite
def auc_cases(draw, order):
    d = draw(st.integers(4, 9))
    truth = draw(
        st.lists(
            st.lists(st.integers(0, d - 1), min_size=2, max_size=min(d - 1, 5), unique=True),
            min_size=1,
            max_size=3,
        )
    )
    scored = {}
    for size in (order, order + 1):  # rows of another order must be ignored
        for subset in itertools.combinations(range(d), size):
            if draw(st.booleans()):
                # a few distinct values, so that ties are common
                scored[subset] = draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 7.25]))
    return d, [tuple(t) for t in truth], scored


@pytest.mark.parametrize("order", [2, 3])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_auc_matches_sklearn_roc_auc_on_all_subsets(order, data):
    # The counting formula equals roc_auc_score over the explicit enumeration, ties included.
    d, truth, scored = data.draw(auc_cases(order))
    labels = [any(set(s) <= set(t) for t in truth) for s in itertools.combinations(range(d), order)]
    assume(0 < sum(labels) < len(labels))
    expected = enumerated_auc(truth, scored, order, d)
    actual = interaction_auc_score(truth, list(scored.items()), order=order, n_features=d)
    assert actual == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("truth", "order", "n_positive"),
    [
        ([(0, 1, 2, 3)], 3, 4),
        ([(0, 1, 2, 3)], 2, 6),
        ([(0, 1, 2), (3, 4)], 3, 1),  # the pair contributes no triple
        ([(0, 1, 2), (1, 2, 3)], 2, 5),  # (1, 2) is shared and counted once
        ([(0, 1, 2, 3, 4)], 5, 1),
    ],
)
def test_positive_subsets_by_containment(truth, order, n_positive):
    # A subset is positive iff it lies inside some true set; the union counts each once.
    assert len(_positive_subsets(truth, order)) == n_positive


@pytest.mark.parametrize(
    ("truth", "order", "scored", "expected"),
    [
        # d=6, P=4 triples, N=16: (0,1,2) beats 16, the 3 unscored positives tie 16 -> 40/64
        ([(0, 1, 2, 3)], 3, {(0, 1, 2): 1.0}, 40 / 64),
        # d=6, P=6 pairs, N=9: (0,1) beats 9, 5 unscored positives tie 9 -> 31.5/54
        ([(0, 1, 2, 3)], 2, {(0, 1): 1.0}, 31.5 / 54),
        # d=6, order 3: only (0,1,2) is positive (P=1, N=19); it loses to (3,4,5) -> 18/19
        ([(0, 1, 2), (3, 4)], 3, {(3, 4, 5): 2.0, (0, 1, 2): 1.0}, 18 / 19),
    ],
)
def test_auc_counts_positives_by_containment(truth, order, scored, expected):
    # Pairs and triples inside a larger true set are positives; smaller sets add none.
    auc = interaction_auc_score(truth, scored, order=order, n_features=6)
    assert auc == pytest.approx(expected, abs=1e-15)
    assert auc == pytest.approx(enumerated_auc(truth, scored, order, 6), abs=1e-15)


def _random_negative_triples(n, d, positives, seed):
    rng = np.random.default_rng(seed)
    triples = np.sort(rng.integers(0, d, size=(3 * n, 3)), axis=1)
    triples = np.unique(
        triples[(triples[:, 0] < triples[:, 1]) & (triples[:, 1] < triples[:, 2])], axis=0
    )
    triples = [tuple(int(i) for i in t) for t in rng.permutation(triples)]
    return [t for t in triples if t not in positives][:n]


SCALE_TRUTH = [(0, 1, 2, 3), (10, 11, 12)]  # 4 + 1 = 5 positive triples
SCALE_POSITIVES = sorted(_positive_subsets(SCALE_TRUTH, 3))
SCALE_NEGATIVES = _random_negative_triples(10_000, 1000, set(SCALE_POSITIVES), seed=0)
SCALE_N_NEGATIVE = math.comb(1000, 3) - 5


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # 5 positives above 9,995 scored negatives (and all unscored ones) -> 1
        ("positives_on_top", 1.0),
        # 5 positives scored 0: they lose to 9,995 scored negatives, beat the rest
        ("positives_at_bottom", (SCALE_N_NEGATIVE - 9_995) / SCALE_N_NEGATIVE),
        # 10,000 scored negatives, positives unscored: they tie with the unscored negatives
        ("positives_unscored", 0.5 * (SCALE_N_NEGATIVE - 10_000) / SCALE_N_NEGATIVE),
    ],
    ids=["positives_on_top", "positives_at_bottom", "positives_unscored"],
)
def test_auc_scales_to_a_thousand_features_at_order_three(case, expected):
    # C(1000, 3) ≈ 1.66e8 subsets are counted, never enumerated: 10,000 rows take well under 1 s.
    if case == "positives_on_top":
        scored = {t: 2.0 for t in SCALE_POSITIVES} | {t: 1.0 for t in SCALE_NEGATIVES[:9_995]}
    elif case == "positives_at_bottom":
        scored = {t: 0.0 for t in SCALE_POSITIVES} | {t: 1.0 for t in SCALE_NEGATIVES[:9_995]}
    else:
        scored = dict.fromkeys(SCALE_NEGATIVES, 1.0)
    assert len(scored) == 10_000
    ranking = ranking_frame(scored)
    start = time.perf_counter()
    auc = interaction_auc_score(SCALE_TRUTH, ranking, order=3, n_features=1000)
    elapsed = time.perf_counter() - start
    assert 0.0 <= auc <= 1.0
    assert auc == pytest.approx(expected, rel=1e-12)
    assert elapsed < 5.0  # generous on a shared machine; enumeration would take minutes


def test_auc_ignores_rows_of_other_orders():
    # Adding triples and a singleton to a pair ranking leaves the pairwise AUC unchanged.
    pairs = {(0, 1): 0.2, (1, 2): 0.9, (0, 3): 0.5}
    mixed = pairs | {(0, 1, 2): 5.0, (1, 2, 3): 4.0, (3,): 8.0}
    expected = interaction_auc_score([(0, 1, 2)], pairs, n_features=4)
    assert interaction_auc_score([(0, 1, 2)], ranking_frame(mixed), n_features=4) == expected
    assert expected == pytest.approx(enumerated_auc([(0, 1, 2)], pairs, 2, 4))


@pytest.mark.parametrize(
    "convert",
    [
        ranking_frame,
        lambda scored: ranking_frame(scored).drop(columns=["order", "features", "effect"]),
        dict,
        lambda scored: list(scored.items()),
        lambda scored: tuple((tuple(reversed(k)), v) for k, v in scored.items()),
    ],
    ids=["frame", "frame_without_order", "dict", "list_of_pairs", "unsorted_tuples"],
)
def test_auc_accepts_every_ranking_form(convert):
    # DataFrame (with or without `order`), dict and (indices, strength) pairs agree.
    scored = {(0, 1): 0.9, (0, 3): 0.5, (1, 2): 0.5, (2, 3): 0.1}
    assert interaction_auc_score([(0, 1, 2)], convert(scored), n_features=4) == pytest.approx(
        2 / 3, abs=1e-15
    )


def test_auc_infers_n_features_from_the_largest_index():
    # Without n_features, d = 1 + the largest index: here 4, as when passed explicitly.
    scored = {(0, 1): 0.9, (0, 3): 0.5, (1, 2): 0.5, (2, 3): 0.1}
    assert interaction_auc_score([(0, 1, 2)], scored) == interaction_auc_score(
        [(0, 1, 2)], scored, n_features=4
    )
    # An unused trailing feature x4 would be missed: its 4 pairs are negatives when d=5.
    assert interaction_auc_score([(0, 1, 2)], scored, n_features=5) != pytest.approx(2 / 3)


def test_auc_n_features_five_by_hand():
    # d=5, truth (0,1,2): P=3 (01,02,12), N=7 (03,13,23 + 04,14,24,34 unscored).
    # 01 beats all 7 -> 7; 12 ties 03, beats 6 -> 6.5; 02 unscored ties 13,04,14,24,34
    # (0.5 x 5) and loses to 03, 23 -> 2.5. AUC = 16 / 21.
    scored = {(0, 1): 0.9, (0, 3): 0.5, (1, 2): 0.5, (2, 3): 0.1}
    assert interaction_auc_score([(0, 1, 2)], scored, n_features=5) == pytest.approx(16 / 21)


# ---- R-precision -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("truth", "ranking", "expected"),
    [
        # (0,1) ⊂ (0,1,2) skipped; (0,1,2) hit; (5,6) miss; R=2 reached -> 1/2
        ([(0, 1, 2), (3, 4)], [((0, 1), 9), ((0, 1, 2), 8), ((5, 6), 7), ((3, 4), 6)], 0.5),
        # all four F1 sets first, then noise -> 1
        (F1_TRUTH, [((6, 7, 8, 9), 5), ((0, 1, 2), 4), ((2, 4), 3), ((1, 6), 2), ((0, 5), 1)], 1.0),
        # only one entry for R=3: the two missing ones are misses -> 1/3
        ([(0, 1), (2, 3), (4, 5)], [((0, 1), 1.0)], 1 / 3),
        # every strict subset of the 4-way set is skipped, then the set itself hits -> 1
        ([(0, 1, 2, 3)], [((0, 1), 5), ((1, 2, 3), 4), ((2, 3), 3), ((0, 1, 2, 3), 1)], 1.0),
        # a superset of a true set is a miss, not a skip -> 0
        ([(0, 1)], [((0, 1, 2), 2), ((0, 1), 1)], 0.0),
        # ranked by strength, not by position in the input -> 1/2
        ([(0, 1), (2, 3)], [((4, 5), 1), ((0, 1), 3), ((2, 3), 0)], 0.5),
        # official rule: a true set nested in another true set is skipped, never hit -> 1/2
        ([(0, 1), (0, 1, 2)], [((0, 1, 2), 2), ((0, 1), 1)], 0.5),
        # nothing but skipped subsets: R entries never reached -> 0
        ([(0, 1, 2)], [((0, 1), 2), ((1, 2), 1)], 0.0),
    ],
)
def test_r_precision_follows_nid_rule(truth, ranking, expected):
    # Skip strict subsets of true sets, count exact matches among the first R others.
    assert interaction_r_precision(truth, ranking) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize(("first", "expected"), [((0, 1), 1.0), ((2, 3), 0.0)])
def test_r_precision_ties_keep_row_order(first, expected):
    # Equal strengths: the row listed first is counted first (stable sort), R=1.
    other = (2, 3) if first == (0, 1) else (0, 1)
    ranking = ranking_frame({first: 1.0, other: 1.0})
    assert list(ranking["indices"]) == [first, other]
    assert interaction_r_precision([(0, 1)], ranking) == expected


def test_r_precision_counts_repeated_true_sets_once():
    # R is the number of distinct true sets: a repeated set does not inflate it.
    assert interaction_r_precision([(0, 1), (1, 0), (2, 3)], {(0, 1): 2.0, (4, 5): 1.0}) == 0.5


# ---- input validation -------------------------------------------------------------------

AUC_BAD_INPUTS = [
    (dict(order=0), r"'order' parameter"),
    (dict(order=1.5), r"'order' parameter"),
    (dict(n_features=0), r"'n_features' parameter"),
    (dict(order=5, n_features=4), r"order=5 exceeds .*n_features=4"),
    (dict(true_interactions=(0, 1)), r"true_interactions.*\[\(0, 1\)\] instead of \(0, 1\)"),
    (dict(true_interactions=[]), r"true_interactions is empty"),
    (dict(true_interactions=[(0, 0, 1)]), r"true_interactions repeats"),
    (dict(true_interactions=[(0, -1)]), r"true_interactions .*negative"),
    (dict(true_interactions=[(0, 1.5)]), r"true_interactions must hold integer"),
    (dict(true_interactions=[(0, 9)]), r"true_interactions holds the feature index 9.*\[0, 4\)"),
    (dict(ranking={(0, 7): 1.0}), r"ranking holds the feature index 7.*\[0, 4\)"),
    (dict(n_features=1), r"n_features=1: n_features is smaller"),
    (dict(ranking=[((0, 1), 1.0), ((1, 0), 2.0)]), r"ranking scores the feature set \(0, 1\)"),
    (dict(ranking={(0, 1): -1.0}), r"strength.*non-negative"),
    (dict(ranking={(0, 1): float("nan")}), r"strength.*non-negative"),
    (dict(ranking={(0, 1): "high"}), r"strength.*real number"),
    (dict(ranking=[(0, 1, 2)]), r"ranking entries must be \(indices, strength\) pairs"),
    (dict(ranking=[(0, 1)]), r"ranking must hold sets of feature indices"),
    (dict(ranking=pd.DataFrame({"indices": [(0, 1)]})), r"missing the column\(s\) \['strength'\]"),
    (
        dict(ranking=pd.DataFrame({"features": [("x0", "x1")], "score": [1.0]})),
        r"missing the column\(s\) \['indices', 'strength'\]",
    ),
    (dict(ranking="x0*x1"), r"'ranking' parameter"),
    # AUC undefined: no true set of size >= 3, or every pair of 3 features inside (0,1,2)
    (dict(order=3, true_interactions=[(0, 1), (2, 3)]), r"no true interaction of order >= 3"),
    (dict(true_interactions=[(0, 1, 2)], n_features=3), r"none is negative"),
]


@pytest.mark.parametrize(("kwargs", "match"), AUC_BAD_INPUTS)
def test_auc_rejects_bad_inputs(kwargs, match):
    # Each bad input is a ValueError whose message names the parameter at fault.
    arguments = dict(true_interactions=[(0, 1)], ranking={(0, 1): 1.0}, order=2, n_features=4)
    arguments.update(kwargs)
    true_interactions, ranking = arguments.pop("true_interactions"), arguments.pop("ranking")
    with pytest.raises(ValueError, match=match):
        interaction_auc_score(true_interactions, ranking, **arguments)


@pytest.mark.parametrize(
    ("truth", "ranking", "match"),
    [
        ([], {(0, 1): 1.0}, r"true_interactions is empty"),
        ((0, 1), {(0, 1): 1.0}, r"pass \[\(0, 1\)\] instead"),
        ([(0, 1)], {(0, 1): -2.0}, r"strength"),
        ([(0, 1)], pd.DataFrame({"strength": [1.0]}), r"\['indices'\]"),
    ],
)
def test_r_precision_rejects_bad_inputs(truth, ranking, match):
    # R-precision validates the truth and the ranking like the AUC does.
    with pytest.raises(ValueError, match=match):
        interaction_r_precision(truth, ranking)


def test_as_scored_sets_sorts_tuples_and_keeps_row_order():
    # Index sets come back sorted, as Python ints, in the order of the input rows.
    scored = _as_scored_sets([((np.int64(3), 1), 0.5), ((2, 0), np.float32(2.0))])
    assert scored == {(1, 3): 0.5, (0, 2): 2.0}
    assert list(scored) == [(1, 3), (0, 2)]
    assert all(type(i) is int for key in scored for i in key)


# ---- scorers ------------------------------------------------------------------------------


class FixedRankingDetector(BaseEstimator):
    """Stand-in interaction estimator whose ranking of F1's pairs is set by ``ranking``."""

    def __init__(self, ranking="flat"):
        self.ranking = ranking

    def fit(self, X, y=None):
        validate_data(self, X)
        scored = {"perfect": PERFECT_F1, "reversed": REVERSED_F1, "flat": FLAT_F1}[self.ranking]
        self.interactions_ = ranking_frame(scored)
        return self


X_F1 = np.random.default_rng(0).uniform(size=(20, 10))
Y_F1 = X_F1[:, 0] * X_F1[:, 1]


def test_auc_scorer_selects_the_perfect_ranking_in_grid_search():
    # GridSearchCV ranks the parameter by the scorer: reversed 0, flat 0.5, perfect 1.
    search = GridSearchCV(
        FixedRankingDetector(),
        {"ranking": ["reversed", "flat", "perfect"]},
        scoring=make_interaction_auc_scorer(F1_TRUTH),
        cv=2,
        error_score="raise",
    ).fit(X_F1, Y_F1)
    assert search.best_params_ == {"ranking": "perfect"}
    assert search.best_score_ == 1.0
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"], [0.0, 0.5, 1.0])


@pytest.mark.parametrize(
    ("scorer", "expected"),
    [
        (make_interaction_auc_scorer(F1_TRUTH), 1.0),
        (make_interaction_auc_scorer([(0, 1, 2)], order=3), 1.0 / 2),  # no triple is scored
        # R=4: pairs inside (0,1,2) and (6,7,8,9) skipped; (1,6), (2,4) hit; (0,3), (0,4) miss
        (make_interaction_r_precision_scorer(F1_TRUTH), 2 / 4),
    ],
)
def test_scorers_read_the_fitted_ranking_and_survive_pickle(scorer, expected):
    # Called as scorer(estimator, X, y): same value before and after a pickle round trip.
    estimator = FixedRankingDetector(ranking="perfect").fit(X_F1, Y_F1)
    value = scorer(estimator, X_F1, Y_F1)
    restored = pickle.loads(pickle.dumps(scorer))
    assert restored(estimator, X_F1) == value
    assert repr(restored) == repr(scorer)
    assert value == pytest.approx(expected)


@pytest.mark.parametrize(
    "scorer", [make_interaction_auc_scorer(F1_TRUTH), make_interaction_r_precision_scorer(F1_TRUTH)]
)
@pytest.mark.parametrize(
    "estimator",
    [FixedRankingDetector(), LinearRegression().fit(X_F1, Y_F1)],
    ids=["unfitted", "not_an_interaction_estimator"],
)
def test_scorers_reject_estimators_without_interactions(scorer, estimator):
    # No interactions_ (not fitted, or not a detector) is a NotFittedError naming it.
    with pytest.raises(NotFittedError, match="interactions_"):
        scorer(estimator, X_F1)


def test_auc_scorer_passes_n_features_in():
    # n_features comes from the estimator: 10 features for F1, even if x5 and x9 are unused.
    scorer = make_interaction_auc_scorer([(0, 1)])
    estimator = FixedRankingDetector(ranking="flat").fit(X_F1, Y_F1)
    estimator.interactions_ = ranking_frame({(0, 1): 1.0})
    # (0,1) beats the 44 unscored pairs of d=10 (not the 0 of an inferred d=2)
    assert scorer(estimator, X_F1) == 1.0
    estimator.interactions_ = ranking_frame({(0, 2): 1.0})
    # the negative (0,2) now beats the unscored (0,1), which ties the 43 unscored negatives
    assert scorer(estimator, X_F1) == pytest.approx(21.5 / 44)


@pytest.mark.parametrize(
    ("factory", "kwargs", "match"),
    [
        (make_interaction_auc_scorer, dict(true_interactions=(0, 1)), r"\[\(0, 1\)\]"),
        (make_interaction_auc_scorer, dict(true_interactions=[(0, 1)], order=0), "order"),
        (make_interaction_r_precision_scorer, dict(true_interactions=[]), "true_interactions"),
    ],
)
def test_scorer_factories_validate_at_once(factory, kwargs, match):
    # Bad ground truth fails when the scorer is made, not as a NaN inside a CV loop.
    with pytest.raises(ValueError, match=match):
        factory(**kwargs)


def test_scorer_repr_reads_like_the_factory_call():
    # The repr shows how to rebuild the scorer.
    assert (
        repr(make_interaction_auc_scorer([(1, 0)], order=2))
        == "make_interaction_auc_scorer(true_interactions=[(0, 1)], order=2)"
    )
    assert (
        repr(make_interaction_r_precision_scorer([(0, 1)]))
        == "make_interaction_r_precision_scorer(true_interactions=[(0, 1)])"
    )


# ---- registry ---------------------------------------------------------------------------


def test_get_scorer_names_lists_the_library_scorers_sorted():
    # The registry's names, sorted.
    assert get_scorer_names() == [
        "interaction_auc",
        "interaction_fidelity",
        "interaction_r_precision",
        "shap_polarity",
    ]


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("interaction_auc", dict(true_interactions=F1_TRUTH, order=2), 1.0),
        ("interaction_r_precision", dict(true_interactions=F1_TRUTH), 0.5),
    ],
)
def test_get_scorer_builds_library_scorers(name, kwargs, expected):
    # A library name builds a fresh scorer from its factory with the keyword arguments.
    scorer = get_scorer(name, **kwargs)
    assert scorer is not get_scorer(name, **kwargs)
    estimator = FixedRankingDetector(ranking="perfect").fit(X_F1, Y_F1)
    assert scorer(estimator, X_F1) == pytest.approx(expected)


def test_get_scorer_falls_back_to_sklearn():
    # Other names are scikit-learn's scorers, which score an ordinary regressor.
    scorer = get_scorer("r2")
    assert repr(scorer) == repr(sklearn_get_scorer("r2"))
    model = LinearRegression().fit(X_F1, Y_F1)
    assert scorer(model, X_F1, Y_F1) == pytest.approx(model.score(X_F1, Y_F1))


@pytest.mark.parametrize(
    ("name", "kwargs", "match"),
    [
        ("interaction_aucc", {}, r"'interaction_aucc' is not a valid.*interaction_auc.*"),
        ("interaction_aucc", {}, r"sklearn\.metrics\.get_scorer_names\(\)"),
        ("r2", dict(order=2), r"Keyword arguments \['order'\].*'r2'"),
    ],
)
def test_get_scorer_rejects_unknown_names_and_stray_kwargs(name, kwargs, match):
    # Unknown names list the library's scorers and point at sklearn's; kwargs need ours.
    with pytest.raises(ValueError, match=match):
        get_scorer(name, **kwargs)
