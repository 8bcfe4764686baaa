"""Which interactions are real: p-values against networks trained on data without them.

The test (``significance="bootstrap"``, also what ``"auto"`` picks) is a parametric
bootstrap of the network's own interaction measure. It was chosen over the two other
candidates by measurement (``benchmarks/significance_methods.py``, F1–F10 and two
additive functions, FDR 0.1): model-X knockoffs for pairs (a network on the features
and their knockoffs) selected 80% false pairs, as a knockoff swap tests whether a
feature matters, not whether two features that both matter interact; a held-out test
of each pair against boosting that keeps it apart selected 43% false pairs, as the
constrained boosting fits worse even where the pair is no interaction. The steps:

1. **Null models.** A set ``S`` is not an interaction when the target is a sum of
   functions that each leave out one of its features (no interaction of any order
   among ``S``). scikit-learn's :class:`~sklearn.ensemble.HistGradientBoostingRegressor`
   (or ``...Classifier``) fits such a model with ``interaction_cst`` set to the largest
   feature groups that hold no tested set; every other interaction, of any order, stays
   allowed, so the leak a network shows from a strong real interaction into its
   neighbours is in the null too. For classes, the sum is the log-odds (two classes)
   or every class's softmax logit (several classes, as in a multinomial logistic
   model: the classifier constrains each class's trees alike). A class's log-odds
   against the rest, which the ranking differentiates, then still holds pairs of
   features that act on different classes' logits (through the normalisation,
   ``−log Σ exp``); the statistic (step 4) differentiates the centred logits, which
   hold none, and the test does not select them. The six strongest sets of each
   order are tested one
   by one; the others in six interleaved folds, each fold's model keeping all of the
   fold's sets apart. A one-hot block or a ``feature_groups`` group is one feature.
2. **Null targets.** Each null model's prediction plus noise: out-of-fold residuals of
   an unconstrained model (so they are as large as the noise; on a smooth target they
   are larger, which makes the test conservative at order 2), divided by the noise's
   spread at their row and resampled with replacement, times the spread at the row they
   are drawn for. The spread is a log-additive model of the squared residuals
   (:func:`_noise_model`), so the null keeps heteroscedastic noise where the real target
   has it: with plainly resampled residuals, networks learn the real target's noise
   unevenly, and on all of Adult an additive control with a spread depending on sex
   and age got 9 of 78 false selections (0 with the spread). A gross outlier of the
   target makes that model extrapolate (spreads of 1e-20 next to it); a constant
   spread is then used, with a warning (:data:`MAX_NOISE_GROWTH`). The explained network's
   smaller held-out residuals were measured to break the FDR at order 3, presumably as
   networks trained on boosting's fits of strongly curved functions leak less than the
   real one. Noise without a variance (Student t, 2 degrees of freedom) was measured to
   break the FDR on additive functions; residuals whose largest 1% hold half of their
   squared sum get a constant spread, with a warning (:func:`_noise_model`). For classes,
   labels drawn from its probabilities, flattened by a temperature until their mean
   entropy reaches the out-of-fold cross-entropy of an unconstrained classifier that
   stops early (:func:`_label_entropy`: run to its 100 iterations it overfits noisy
   labels, and on four classes its out-of-fold cross-entropy was above chance, so
   the null labels were drawn uniformly; :func:`_drawn_labels`: in-sample
   probabilities are too sharp, and on development functions the untempered labels'
   FDR at 0.1 was 0.20, 0.02 tempered); the
   real-target side is one network on the real labels. (Networks on labels drawn from
   an unconstrained classifier, tried as the real-target side, learn that model's own
   spurious interactions too: on development functions a third of the selections were
   false.) Networks learn effects
   from drawn labels with another overall strength than from real ones; step 5 removes
   that overall gap.
3. **Networks.** The real-target network and the null networks are trained as one
   batched ensemble (:class:`~sk_interact._networks.EnsembleMLP`, one skorch fit, the
   same mini-batches and early stopping) with the estimator's architecture and settings.
4. **Statistic.** For every tested set and network: the mean over 256 training rows of
   the squared mixed partial (standardized units, summed over a group's block, centred
   over a text column's levels as the ranking's, and over
   the explained classes: their log-odds for two classes, for three or more their
   centred logits ``z_c − mean z``, which are additive wherever the logits are,
   whatever shift all classes share). Under the null
   the real-target network's statistic is exchangeable with its family's null
   networks'.
5. **p-value.** On the log scale, each set's statistic is standardized by its family's
   null mean and by the set's own spread: every family's networks' deviations from
   their family's mean on that set, pooled over the families (30 degrees of freedom
   with the defaults; a spread pooled over the sets instead was dominated, on a table
   with features of no effect, by their pairs, whose statistics vary between networks
   two to three times as much, and two strong planted pairs among 20 or 40 features
   got p-values of 0.04 to 0.12). The real network's spread also holds the error its
   family shares: all of a family's networks learn one boosting fit, whose misfit of
   the target (on all of Adult, networks trained on it learn the planted pairs 1.2 to
   1.4 times weaker than the real network, so they leak less into neighbouring sets)
   their spread around each other does not show; the families' means differ by it
   on the sets they all hold (:func:`_shared_variance`). Without it, a weak set
   beside strong planted pairs was selected falsely on all 30,162 rows of Adult
   (q = 0.015). For classes, the real network's deviations from the null means on
   those sets are measured as well, and the larger variance is used
   (:func:`_observed_variance`): how much more weakly networks learn an effect from
   drawn labels than from real ones differs from set to set. It is turned into a
   normal tail probability, and compared with the pooled tail probabilities of every
   null network on every set of the same order (each against the others of its
   family, with the spread its own deviation is not part of, as the observed
   network's is not; for classes, each side, the observed and every null network against the
   rest, is first shifted by its gap to the null on the sets the family does not
   test, where both sides hold the same interactions: for one of the strongest sets,
   tested alone, the gap of the strongest of them; for a fold of weaker sets, the
   median gap, :func:`_family_gap`):
   ``p = (1 + #{pooled ≤ observed}) / (1 + #pooled)``. Pooling gives p-values finer
   than ``1 / (B + 1)`` and corrects the normal tail for the statistic's true shape.
   Where fewer than ten pooled values are as extreme, the p-value comes from a
   generalized Pareto fit of the pooled null's tail (:func:`_p_values`): the empirical
   floor ``1 / (1 + #pooled)``, times the number of sets ranked, kept strong pairs of
   a ranking that also holds triples above FDR 0.1. An order with few sets (two or
   three features) gets more null networks per family, so that at least
   :data:`MIN_POOLED` values are pooled for that fit.
6. **q-value.** Benjamini–Hochberg over every ranked set of every order.

A regression target is first divided by the power of two nearest its spread
(:func:`~sk_interact._training.power_of_two_unit`), so the target's units change
nothing.
"""

from __future__ import annotations

import functools
import itertools
import math
import warnings

import numpy as np
import torch
from scipy import optimize, special, stats
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict
from torch import nn

from sk_interact._derivatives import mixed_partials
from sk_interact._explained_network import ExplainedNetwork
from sk_interact._networks import EnsembleMLP
from sk_interact._training import (
    fit_network,
    power_of_two_unit,
    prediction_net,
    progress,
)

__all__ = [
    "SIGNIFICANCE_METHODS",
    "benjamini_hochberg",
    "bootstrap_p_values",
    "check_fdr",
]

#: Methods of ``significance``; "auto" is the first.
SIGNIFICANCE_METHODS = ("bootstrap",)
#: Training rows the statistic averages over.
N_ROWS = 256
#: Strongest sets of each order tested against a null of their own, and its networks.
N_LEADING = 6
N_NULL_LEADING = 3
#: Folds the other sets of an order are tested in.
N_FOLDS = 6
#: Below this many pooled null values as extreme as the observed one, its p-value comes
#: from a generalized Pareto fit of the null's tail, over at most this many largest.
N_TAIL_COUNT = 10
N_TAIL_EXCEEDANCES = 250
#: Pooled null values of an order (null networks times sets) that the tail fit needs
#: (``N_TAIL_COUNT`` exceedances in the null's upper quarter); fewer sets get more
#: null networks per family to reach it.
MIN_POOLED = 4 * N_TAIL_COUNT
#: Null feature groups enumerated exactly, at most (:func:`_null_groups`).
MAX_NULL_GROUPS = 1024
#: Null noise (a row's spread times a resampled standardized residual) may reach this
#: many times the largest residual before the spread model is taken for extrapolation.
MAX_NOISE_GROWTH = 100.0
#: The noise is taken to be dominated by a few rows (a constant spread, and a warning)
#: when the largest 1% of the residuals hold this share of their squared sum: half.
#: Medians over draws of 3,000 rows: normal 0.08, Laplace 0.16, Student t with 3
#: degrees of freedom 0.31 (0.50 in 5% of draws), with 2 (no variance) 0.62, with 1.5
#: degrees 0.85; three rows multiplied by 100 on a held-out function: 0.97; boosting's
#: misfit of the extremes of correlated normal inputs (the benchmark's additive A2,
#: noise of spread 0.1): 0.62 to 0.84.
HEAVY_TAIL_SHARE = 0.5
#: Rows of the rarest class (and rows per class) that the out-of-fold estimate of the
#: labels' uncertainty needs to stop its boosting early (:func:`_label_entropy`).
MIN_CLASS_ROWS = 5


def check_fdr(fdr) -> float:
    """``fdr`` as a float in (0, 1), or a ValueError naming it."""
    if isinstance(fdr, bool) or not isinstance(fdr, int | float | np.number) or not 0 < fdr < 1:
        raise ValueError(f"fdr must be a number strictly between 0 and 1, e.g. 0.1; got {fdr!r}.")
    return float(fdr)


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), in the input order.

    Examples
    --------
    >>> benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5])).round(3).tolist()
    [0.04, 0.053, 0.053, 0.5]
    """
    p = np.asarray(p_values, dtype=np.float64)
    m = len(p)
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.clip(q, 0, 1)
    return out


def _null_groups(n_features: int, tested) -> list[frozenset]:
    """Largest feature groups none of which holds a whole tested set.

    A model whose every tree branch stays within one group has no interaction, of any
    order, among the features of a tested set, and any other interaction. Built by
    splitting: a group holding a tested set ``T`` is replaced by the groups ``G ∖ {t}``,
    ``t ∈ T``; groups inside others are dropped.

    Their number can grow exponentially with the tested sets (a fold of 130 pairs among
    40 features passes 7,000 groups two thirds of the way, minutes in); beyond
    :data:`MAX_NULL_GROUPS` the groups of :func:`_covering_groups` are used instead.
    """
    groups = [frozenset(range(n_features))]
    for T in tested:
        T = frozenset(T)
        split = []
        for group in groups:
            split.extend(group - {t} for t in T) if T <= group else split.append(group)
        unique = sorted(set(split), key=len, reverse=True)
        groups = [g for i, g in enumerate(unique) if not any(g < h for h in unique[:i])]
        if len(groups) > MAX_NULL_GROUPS:
            return _covering_groups(n_features, tested)
    return groups


def _covering_groups(n_features: int, tested) -> list[frozenset]:
    """Some of the largest feature groups none of which holds a whole tested set, enough
    that every untested set of the tested sets' size, and every smaller set, is inside
    one: each grown from the first such set no group holds yet, adding the features (in
    their order) that complete no tested set. Every interaction of the tested order that
    is not tested stays allowed; some of higher order do not.
    """
    tested = {frozenset(T) for T in tested}
    rest = {f: [T - {f} for T in tested if f in T] for f in range(n_features)}
    groups: list[frozenset] = []
    for size in range(max(map(len, tested)), 0, -1):
        for candidate in itertools.combinations(range(n_features), size):
            start = frozenset(candidate)
            if start in tested or any(start <= g for g in groups):
                continue
            group = set(start)
            for f in range(n_features):
                if f not in group and not any(r <= group for r in rest[f]):
                    group.add(f)
            groups.append(frozenset(group))
    return groups


def _constraints(layout, groups) -> list[list[int]]:
    """``interaction_cst`` (encoded columns) of feature groups."""
    return [sorted(int(c) for f in group for c in layout.members[f]) for group in groups]


def _residuals(X, y, cst, seed) -> np.ndarray:
    """Out-of-fold residuals of a regression model restricted to ``cst`` (5 folds)."""
    model = HistGradientBoostingRegressor(interaction_cst=cst, random_state=seed)
    folds = KFold(5, shuffle=True, random_state=seed)
    return y - cross_val_predict(model, X, y, cv=folds)


def _noise_model(X, residuals, layout, seed) -> tuple[np.ndarray, np.ndarray]:
    """The noise's spread at every row and the residuals divided by it.

    The variance is modelled as a product of one factor per feature (log-additive:
    :class:`~sklearn.ensemble.HistGradientBoostingRegressor` with the gamma deviance on
    the squared residuals, each feature alone in ``interaction_cst``, early stopping),
    the classic multiplicative form of heteroscedasticity. It follows a spread that
    changes with the inputs, and cannot follow one row's misfit. Returns ``(scale,
    standardized)`` with ``scale * standardized == residuals``.

    That model is fitted to a sum of squares, which a few rows can hold nearly all of:
    gross errors of the target, or noise without a variance. It then answers to those
    rows alone. It can raise the spread around them, so that they look like ordinary
    noise of a noisy region and the nulls put large noise there. Or it can extrapolate:
    fitting one squared residual thousands of times the others, the log link raises
    one feature's factor and lowers others' to compensate, and rows where they meet get
    spreads of 1e-20 and less (one residual of 500 among normal noise of spread 0.3),
    so the simulated noise reaches 1e40 and more. A constant spread is therefore used,
    with a warning, where the largest 1% of the residuals hold
    :data:`HEAVY_TAIL_SHARE` of their squared sum, or where the noise the model would
    simulate exceeds :data:`MAX_NOISE_GROWTH` times the largest residual: the nulls then
    resample the residuals as they are, outliers included.
    """
    squared = residuals**2
    constant = np.full_like(residuals, math.sqrt(float(squared.mean())))
    share = _largest_share(residuals)
    if share >= HEAVY_TAIL_SHARE:
        warnings.warn(
            "significance: a few rows dominate the target's noise: the largest 1% of the "
            f"out-of-fold residuals hold {share:.0%} of their squared sum (about 8% for "
            "normal noise), as with gross errors of the target, noise without a "
            "variance, or extreme rows that boosting fits poorly. The null targets "
            "resample the residuals with one constant spread, as a model of the spread "
            "would follow those rows alone. The error control was measured to weaken "
            "with gross errors and with noise without a variance: check the target's "
            "largest values, remove or fix gross errors, and transform a skewed target "
            "(a log, or its ranks) before fitting.",
            UserWarning,
            stacklevel=2,
        )
        return constant, residuals / constant
    floor = max(1e-12 * squared.mean(), np.finfo(np.float64).tiny)  # gamma needs y > 0
    additive = _constraints(layout, [frozenset({f}) for f in range(layout.n_features)])
    model = HistGradientBoostingRegressor(
        loss="gamma", interaction_cst=additive, early_stopping=True, random_state=seed
    )
    scale = np.sqrt(model.fit(X, squared + floor).predict(X))
    standardized = residuals / scale
    largest = float(np.abs(residuals).max())
    reach = float(np.abs(standardized).max() * scale.max())
    if not reach <= MAX_NOISE_GROWTH * largest:  # also NaN or inf
        times = largest / max(float(np.median(np.abs(residuals))), 1e-300)
        warnings.warn(
            "significance: the target has outliers that the noise's spread model cannot "
            f"fit (the largest out-of-fold residual is {largest:.3g}, {times:.0f} times "
            "the median one), so the null targets resample the residuals with one "
            "constant spread. The error control is measured without such outliers: "
            "check the target's largest values, and remove or fix gross errors before "
            "fitting.",
            UserWarning,
            stacklevel=2,
        )
        return constant, residuals / constant
    return scale, standardized


def _largest_share(residuals: np.ndarray) -> float:
    """The share of ``Σ residuals²`` that the largest 1% of the rows (at least one)
    hold; 0 for residuals that are all 0."""
    squares = np.sort(np.asarray(residuals, dtype=np.float64) ** 2)[::-1]
    total = squares.sum()
    return float(squares[: math.ceil(0.01 * len(squares))].sum() / total) if total > 0 else 0.0


def _null_targets(X, y, cst, noise, n_null, rng) -> np.ndarray:
    """``(n, n_null)`` targets simulated from a model restricted to ``cst``: its fit of
    ``y`` plus noise, each row's spread times standardized residuals resampled with
    replacement (``noise``: the pair :func:`_noise_model` returns)."""
    seed = int(rng.randint(2**31 - 1))
    model = HistGradientBoostingRegressor(interaction_cst=cst, random_state=seed)
    fitted = model.fit(X, y).predict(X)
    scale, standardized = noise
    drawn = standardized[rng.randint(len(y), size=(len(y), n_null))]
    return fitted[:, None] + scale[:, None] * drawn


def _label_entropy(X, y, cst, seed) -> float:
    """Out-of-fold cross-entropy of a classifier restricted to ``cst`` (5 folds): how
    uncertain the labels are given the features, an upper bound (the regression
    residuals' counterpart).

    The classifier stops early on a validation share of each training fold: run to
    its 100 iterations it overfits noisy labels, and its out-of-fold cross-entropy
    overstates their uncertainty, by far with several classes (three and four classes
    of 3,000 rows: 0.71 and 1.40 against a true mean entropy of 0.50 and 1.11, the
    second above chance, so the null labels were drawn uniformly; 0.59 and 1.20
    stopped early). Its validation share (10% of a training fold, 8% of the rows) is
    drawn stratified, so it needs every class twice in every training fold and once in
    the share: with a class of fewer than :data:`MIN_CLASS_ROWS` rows, or fewer than
    four times that many rows per class, the classifier runs all of its iterations, as
    before."""
    counts = np.bincount(np.asarray(y, dtype=np.int64))
    counts = counts[counts > 0]
    stop_early = counts.min() >= MIN_CLASS_ROWS and len(y) >= 4 * MIN_CLASS_ROWS * len(counts)
    model = HistGradientBoostingClassifier(
        interaction_cst=cst, early_stopping=stop_early, random_state=seed
    )
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        # a class with fewer rows than folds is missing from some training folds; its
        # probability is 0 there and the clipped log-loss counts it as a miss (both
        # scikit-learn's warnings about it say so, the splitter's and the prediction's)
        warnings.simplefilter("ignore", UserWarning)
        warnings.filterwarnings("ignore", "Number of classes in training fold", RuntimeWarning)
        proba = cross_val_predict(model, X, y, cv=folds, method="predict_proba")
    return float(-np.log(np.clip(proba[np.arange(len(y)), y], 1e-12, 1.0)).mean())


def _tempered(proba, entropy: float) -> np.ndarray:
    """``proba`` flattened, ``softmax(s · log proba)`` with the largest ``s ≤ 1`` whose
    mean entropy reaches ``entropy`` (unchanged when it already does)."""
    logp = np.log(np.clip(proba, 1e-12, 1.0))

    def excess(s):
        q = special.softmax(s * logp, axis=1)
        return float(-(q * np.log(np.clip(q, 1e-300, 1.0))).sum(axis=1).mean()) - entropy

    if excess(1.0) >= 0:
        return proba
    if excess(0.0) <= 0:  # no better than chance out of fold: labels drawn uniformly
        return np.full_like(proba, 1.0 / proba.shape[1])
    return special.softmax(optimize.brentq(excess, 0.0, 1.0, xtol=1e-6) * logp, axis=1)


def _drawn_labels(X, y, cst, entropy, n_draws, rng) -> np.ndarray:
    """``(n, n_draws)`` class codes drawn from the probabilities of a classifier
    restricted to ``cst`` (fitted on all rows), flattened to at least ``entropy``.

    In-sample probabilities of boosting are sharper than the truth, so labels drawn
    from them are less noisy than the real ones; a temperature brings their mean
    entropy up to the out-of-fold cross-entropy of an unconstrained classifier
    (:func:`_label_entropy`), as the regression nulls take their noise from out-of-fold
    residuals.
    """
    seed = int(rng.randint(2**31 - 1))
    model = HistGradientBoostingClassifier(interaction_cst=cst, random_state=seed)
    proba = _tempered(model.fit(X, y).predict_proba(X), entropy)
    cumulative = np.cumsum(proba, axis=1)
    u = rng.uniform(size=(len(y), n_draws))
    return (u[:, :, None] > cumulative[:, None, :-1]).sum(axis=2).astype(float)


class _MemberCrossEntropy(nn.Module):
    """Cross-entropy of every member of an ensemble on its own label column.

    Outputs ``(n, M·C)`` (member-major), targets ``(n, M)`` class codes; the mean over
    members and rows.
    """

    def __init__(self, n_classes: int):
        super().__init__()
        self.n_classes = n_classes

    def forward(self, outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        logits = outputs.reshape(-1, self.n_classes)
        return nn.functional.cross_entropy(logits, targets.reshape(-1).long())


def _train_ensemble(
    X, targets, *, architecture, settings, layout, seed, n_classes=None
) -> ExplainedNetwork:
    """One batched fit of ``targets.shape[1]`` networks, each on its own column of
    ``targets``: regression networks, or, with ``n_classes``, classifiers of class
    codes; the members as an :class:`ExplainedNetwork`."""
    n_features, hidden, activation = architecture
    n_members = targets.shape[1]
    n_outputs = 1 if n_classes is None else n_classes
    kwargs = settings.fit_kwargs()
    kwargs["unscaled"] = tuple(int(i) for i in np.flatnonzero(layout.dummy))
    if n_classes is not None:
        kwargs.update(
            criterion=_MemberCrossEntropy,
            criterion__n_classes=n_classes,
            standardize_target=False,
        )
    factory = functools.partial(EnsembleMLP, n_features, hidden, activation, n_outputs, n_members)
    net = fit_network(
        factory,
        X,
        targets,  # one column per member, as the ensemble's output is member-major
        task="regression",
        random_state=seed,
        description=f"significance, {n_members} networks",
        **kwargs,
    )
    trained = net.module_
    nets = []
    for e, member in enumerate(trained.network.members()):
        if n_classes is None:
            module = trained.with_network(member, outputs=slice(e, e + 1))
            nets.append(prediction_net(module.eval(), device=net.device))
        else:
            module = trained.with_network(member).eval()
            nets.append(
                prediction_net(
                    module, task="classification", n_classes=n_classes, device=net.device
                )
            )
    return ExplainedNetwork(
        nets,
        task="regression" if n_classes is None else "classification",
        n_classes=1 if n_classes is None else n_classes,
        X=X,
        y=None,
        device=settings.device,
        adopted=False,
        standardized=settings.standardize,
        features=layout,
    )


def _statistics(
    network: ExplainedNetwork, points, feature_sets, outputs, members, output="logit"
) -> np.ndarray:
    """``(len(members), S)``: per network, each feature set's mean squared mixed partial
    over ``points`` (summed over a group's block, centred over each text column's levels
    as the ranking's, :meth:`~sk_interact._features.FeatureLayout.centre`, and over the
    ``outputs``: regression output columns, or explained classes' log-odds, or with
    ``output="centered"`` their centred logits)."""
    layout = network.features
    if layout.identity:
        columns, owner = feature_sets, np.arange(len(feature_sets))
    else:
        columns, owner = layout.expand(feature_sets)
    centre = layout.centring(columns)  # the same sets for every network and output
    Z = network.standardize(points)
    index = torch.as_tensor(columns, dtype=torch.int64)
    out = np.zeros((len(members), len(feature_sets)))
    for row, member in enumerate(members):
        squares = 0.0
        for c in outputs:
            f = network.function(output, c, member)
            values = centre(mixed_partials(f, Z, index).double().cpu().numpy())
            squares = squares + (values**2).mean(axis=0)
        np.add.at(out[row], owner, squares)
    return out


def _studentized_tails(L_observed, null, sigma, dof, gap, others=None, shared=0.0):
    """Upper-tail probabilities of the observed log statistics ``(S,)`` against
    ``null`` ``(B, S)``, and of each null row against the others (leave one out).

    Each set has its own null mean from ``null``, and its own spread ``sigma`` ``(S,)``
    (every family's networks' deviations from their family's mean, pooled over ``dof``
    degrees of freedom, :func:`_tail_probabilities`), so a few null networks per set
    suffice: ``z = (L − mean) / (σ (1 + 1/B + shared)^½)``, read on the normal tail. A
    null row is studentized by the spread without its own deviation (``dof σ² − B/(B−1)
    (L_b − mean)²`` over ``dof − 1``), as the observed row, which is in no family, is: with its
    own deviation in the spread, a null row's ``z`` can never be far out (it is bounded
    by about ``√dof``), the pooled null's tail ends early, and the observed row, whose
    ``z`` is Student-like, reached it too often (under exchangeability, with the
    default plan on 4,950 sets, 2.7 times the nominal share of p-values below 1e-3 and
    9 times below 1e-4; on a table of 100 features, 4 of 4 selections false). The
    pooled comparison then corrects the normal tail of both sides alike.
    ``shared``: the variance of the family's mean that its networks
    share (one boosting fit), in units of ``σ²`` (:func:`_shared_variance`); it separates
    the observed network from the family but not a null network from the rest of it.
    ``others``: columns where both sides hold the same interactions; each row
    (observed, and every null row against the rest) first loses its gap to its reference
    mean there, ``gap(L, reference)`` (:func:`_weighted_gap` or :func:`_median_gap`),
    the same estimate on both sides so they stay exchangeable.
    """
    B = len(null)
    mean = null.mean(axis=0)
    mean_b = (null.sum(axis=0) - null) / (B - 1)
    gap_observed, gap_null = _observed_gap(L_observed, mean, others, gap), np.zeros((B, 1))
    if others is not None and len(others):
        gap_null = gap(null[:, others], mean_b[:, others])[:, None]
    own = B / (B - 1) * (null - mean) ** 2  # a row's share of its family's squares
    sigma_b = np.sqrt(np.maximum((dof * sigma**2 - own) / max(dof - 1, 1), 1e-300))
    z_obs = (L_observed - gap_observed - mean) / (sigma * math.sqrt(1 + 1 / B + shared))
    z_null = (null - gap_null - mean_b) / (sigma_b * math.sqrt(1 + 1 / (B - 1)))
    return stats.norm.sf(z_obs), stats.norm.sf(z_null)


def _observed_gap(L_observed, mean, others, gap) -> float:
    """The observed row's gap to a family's ``mean`` on ``others`` (the sets the family
    does not test; 0 without them), ``gap(L, reference)``."""
    if others is None or not len(others):
        return 0.0
    return float(gap(L_observed[others], mean[others]))


def _weighted_gap(L, reference) -> np.ndarray:
    """Mean of ``L − reference`` (log statistics, last axis: sets) weighted by each set's
    share of the summed ``exp(reference)``: the gap of the strongest sets, which a
    family testing one of the strongest sets is shifted by (:func:`_family_gap`).

    Networks learn the effects of drawn labels with another overall strength than those
    of the real labels (how sharp a label model's probabilities are), and by how much
    differs between sets, from run to run. A median over the untested sets is set by
    the many weak ones; where the strong sets' gap was larger, it was left on the
    strongest sets, tested alone: on tables of four to eight features with binary
    labels of additive log-odds (held-out accuracy 0.85–0.92), 20 of 50 runs selected a
    pair of two main effects at FDR 0.1, and 3 of 50 with this gap
    (``benchmarks/significance_classes.py``; 4 of 50 with the labels' uncertainty as
    now estimated, 17 with the median). On three and four classes with additive logits,
    4 of 30 runs selected a pair with this gap, 9 with the median (with the observed
    side's own variance, :func:`_observed_variance`; 6 and 11 before it). The weights come
    from the reference alone, so the gap is linear in ``L`` and a null row's is
    estimated as the observed row's.
    """
    weights = special.softmax(reference, axis=-1)
    return (weights * (L - reference)).sum(axis=-1)


def _median_gap(L, reference) -> np.ndarray:
    """Median of ``L − reference`` over the sets (last axis): the typical set's gap,
    which a fold of weaker sets is shifted by (:func:`_family_gap`)."""
    return np.median(L - reference, axis=-1)


def _family_gap(tested, n_leading: int):
    """The gap a family is shifted by: the strongest sets' (:func:`_weighted_gap`) where
    it tests only sets among the ``n_leading`` strongest (the columns come strongest
    first), else the typical set's (:func:`_median_gap`): the gap is estimated on sets
    like the tested ones. With the strongest sets' gap for the folds too, all 30,162
    rows of Adult's income selected three more weak pairs (``workclass ×
    occupation``, ``× marital_status``, ``× education``; 8 in all), and the
    classification benchmark's p-values of non-interactions moved from near uniform
    (KS 0.056 on F1–F10) to conservative (0.179) with less power at FDR 0.2 (0.35
    against 0.39)."""
    leading = np.all(np.asarray(tested) < n_leading)
    return _weighted_gap if leading else _median_gap


def _shared_variance(L, families, sigma, valid, gaps) -> float:
    """The variance of a family's null mean that all of its networks share, over
    ``σ²`` (a median over sets; 0 when no set is held by two families or more).

    A family's networks are trained on targets from one boosting fit, so its mean
    carries that fit's error (for a set, how strongly the fit keeps a neighbouring
    interaction the networks leak from): the real network does not share it, and the
    spread between a family's own networks does not show it. For every set, the
    families that do not test it (all hold what the real target holds there) differ
    in their means by more than their networks' spread explains; the excess,
    ``var(means) / σ² − mean(1/B)`` (the variance's median-unbiased scale), is that
    shared variance. Measured: 0.8 on all 30,162 rows of Adult with a planted target,
    0.07 with the additive control; 1.9 and 4.2 on development functions of 30,000
    rows with strong pairs, 0 to 0.7 on 3,000 rows. ``gaps``: each family's shift
    (classes, :func:`_family_gap`), applied to its mean.
    """
    means = [L[rows].mean(axis=0) + gap for (rows, _), gap in zip(families, gaps)]
    excess = []
    for s in np.flatnonzero(valid):
        holding = [f for f, (_, tested) in enumerate(families) if s not in tested]
        if len(holding) < 2:
            continue
        values = np.array([means[f][s] for f in holding])
        dof = len(holding) - 1
        scale = stats.chi2.median(dof) / dof
        expected = np.mean([1 / len(families[f][0]) for f in holding])
        excess.append(values.var(ddof=1) / sigma[s] ** 2 / scale - expected)
    return max(0.0, float(np.median(excess))) if excess else 0.0


def _observed_variance(L, families, sigma, others, gaps) -> float:
    """The observed network's variance around its families' null means beyond their
    networks' spread, in units of ``σ²``, measured on the sets each family does not
    test (``others``), where both sides hold the same interactions; 0 without them.

    With classes, the null networks learn from drawn labels, and how much more weakly
    than the real network they learn an effect differs from set to set (the overall
    gap, ``gaps``, is removed): a spread of the observed side that the null networks'
    spread around each other does not show, nor the families' shared error
    (:func:`_shared_variance`). Each untested set's deviation, ``d = (L − gap − mean) /
    (σ (1 + 1/B)^½)``, would be standard normal without it; over every family and
    untested set, ``median(d²)`` over the median of χ²₁ is its variance, and the
    excess over 1, times ``1 + 1/B`` (the families' mean), is returned. Measured
    (``benchmarks/significance_classes.py``): 0.95 to 1.37 in the runs of three
    classes that made a false discovery without it (their shared variance 0.05 to
    0.65); medians over ten runs of 0 to 0.17 on binary tables; 0.59 on all of Adult's
    income (shared variance 0).
    """
    values, counts = [], []
    for (rows, _), o, gap in zip(families, others, gaps):
        if not len(o):
            continue
        deviation = (L[0, o] - gap - L[rows][:, o].mean(axis=0)) / sigma[o]
        values.append(deviation**2 / (1 + 1 / len(rows)))
        counts.append(len(rows))
    if not values:
        return 0.0
    ratio = np.median(np.concatenate(values)) / stats.chi2.median(1)
    return max(0.0, (1 + 1 / np.mean(counts)) * (ratio - 1))


def _tail_probabilities(
    T: np.ndarray, families=None, calibrate: bool = False, n_leading: int = N_LEADING
):
    """Tail probabilities of row 0 of ``T`` (the real-target network's statistics,
    ``(S,)``, NaN where a set has no effect) and the pooled leave-one-out tail
    probabilities of every family's null networks on every set (flat).

    ``families``: ``[(null rows, tested columns)]``, each set tested against the null
    networks of its family; default one family of every row for every set.
    ``calibrate``: each side is first moved by its gap to the family's null on
    the sets the family does not test, where both sides hold the same interactions (an
    overall difference in how strongly the two sides learnt their effects): the
    strongest sets' gap for a family testing one of the ``n_leading`` strongest sets,
    the typical set's for a fold of weaker ones (:func:`_family_gap`); and the observed
    side's spread holds its own variance around the null means there, where larger
    than the families' shared error (:func:`_observed_variance`).
    """
    n_sets = T.shape[1]
    if families is None:
        families = [(np.arange(1, len(T)), np.arange(n_sets))]
    observed = np.full(n_sets, np.nan)
    valid = (T > 0).all(axis=0)  # a set with a constant feature has no effect at all
    if not valid.any():
        return observed, np.empty(0)
    L = np.log(np.where(T > 0, T, 1.0))
    # each set's spread: its networks' deviations from their family's mean, pooled over
    # the families (a set of two features without effect varies between networks by a
    # factor 2 to 3 times that of a set of active ones)
    squares = sum(((L[rows] - L[rows].mean(axis=0)) ** 2).sum(axis=0) for rows, _ in families)
    dof = sum(len(rows) - 1 for rows, _ in families)
    sigma = np.sqrt(np.maximum(squares / dof, 1e-300))
    # the sets each family does not test, where both sides hold the same interactions
    others = [
        np.setdiff1d(np.flatnonzero(valid), tested) if calibrate else None for _, tested in families
    ]
    kinds = [_family_gap(tested, n_leading) for _, tested in families]
    gaps = [
        _observed_gap(L[0], L[rows].mean(axis=0), o, gap)
        for (rows, _), o, gap in zip(families, others, kinds)
    ]
    shared = _shared_variance(L, families, sigma, valid, gaps)
    if calibrate:
        shared = max(shared, _observed_variance(L, families, sigma, others, gaps))
    pooled = []
    for (rows, tested), o, gap in zip(families, others, kinds):
        u_obs, u_null = _studentized_tails(L[0], L[rows], sigma, dof, gap, o, shared)
        pooled.append(u_null[:, valid].ravel())
        observed[tested] = u_obs[tested]
    observed[~valid] = np.nan
    return observed, np.concatenate(pooled)


def _p_values(observed: np.ndarray, pooled: np.ndarray) -> np.ndarray:
    """p-values of the ``observed`` tail probabilities against the ``pooled`` null ones
    (1 where ``observed`` is NaN).

    ``p = (1 + #{pooled ≤ observed}) / (1 + #pooled)`` where at least
    :data:`N_TAIL_COUNT` pooled values are as extreme. Beyond that the empirical
    p-value is too coarse (its floor ``1 / (1 + #pooled)``, times the number of sets
    Benjamini–Hochberg corrects for, can keep the strongest set of a ranking that also
    holds triples above FDR 0.1), and the p-value is read from a generalized Pareto
    fit of the pooled null's upper tail (of ``−log u``, over its ``min(250, #pooled /
    4)`` largest values), the tail approximation of permutation p-values of
    Knijnenburg et al. (2009). The shape is kept ``≥ 0`` (an exponential tail or a
    heavier one), so the fit never extrapolates a tail that ends.
    """
    p = np.ones(len(observed))
    valid = ~np.isnan(observed)
    t_null = np.sort(-np.log(np.clip(pooled, 1e-300, 1.0)))
    t_obs = -np.log(np.clip(observed[valid], 1e-300, 1.0))
    M = len(t_null)
    count = M - np.searchsorted(t_null, t_obs, side="left")  # null values as extreme
    p_valid = (1 + count) / (1 + M)
    k = min(N_TAIL_EXCEEDANCES, M // 4)
    few = count < N_TAIL_COUNT
    if few.any() and k >= N_TAIL_COUNT:
        threshold = t_null[M - k - 1]
        excess = t_null[M - k :] - threshold
        shape, _, scale = stats.genpareto.fit(excess, floc=0)
        if not shape > 0:  # an exponential tail: its maximum-likelihood scale
            shape, scale = 0.0, float(excess.mean())
        beyond = np.maximum(t_obs[few] - threshold, 0.0)
        p_valid[few] = k / M * stats.genpareto.sf(beyond, shape, loc=0, scale=scale)
    p[valid] = p_valid
    return p


def _pooled_p_values(
    T: np.ndarray, families=None, calibrate: bool = False, n_leading: int = N_LEADING
) -> np.ndarray:
    """p-values of row 0 of ``T`` against the null rows: each tested set's tail
    probability compared with the pooled tail probabilities of every family's null
    networks on every set (:func:`_tail_probabilities`)."""
    return _p_values(*_tail_probabilities(T, families, calibrate, n_leading))


def bootstrap_p_values(
    X,
    y,
    *,
    layout,
    feature_sets,
    architecture,
    settings,
    n_null: int,
    random_state: np.random.RandomState,
    classes=None,
    n_classes: int | None = None,
    n_leading: int = N_LEADING,
    n_null_leading: int = N_NULL_LEADING,
) -> np.ndarray:
    """p-values of ``feature_sets`` (any orders, strongest first within an order).

    Parameters
    ----------
    X : ndarray of shape (n, d_encoded)
    y : ndarray of shape (n,)
        The regression target, or class codes ``0..C-1``.
    feature_sets : list of tuple of int
        Sets of feature positions (``layout.feature_names``), each order's strongest
        first.
    architecture : (n_features, hidden_layer_sizes, activation)
    settings : TrainingSettings
    n_null : int
        Null networks per fold of the sets after each order's ``n_leading`` strongest.
    classes : list of int, optional
        Classification: the explained classes, whose log-odds are differentiated.
    n_classes : int, optional
        Classification: the number of classes. The null networks are trained on labels
        drawn from the null models' probabilities (tempered to the labels'
        out-of-fold cross-entropy), and each side is shifted by its gap to the
        null on the sets its family does not test.
    n_leading, n_null_leading : int
        Each of the ``n_leading`` strongest sets of an order is tested against
        ``n_null_leading`` networks of its own null.

    Returns
    -------
    ndarray of shape (len(feature_sets),)
    """
    seed = int(random_state.randint(2**31 - 1))
    everything = _constraints(layout, [frozenset(range(layout.n_features))])
    if n_classes is None:
        y = np.asarray(y, dtype=np.float64)
        # In units of a power of two near its spread (exact): the boosting fits with the
        # squared error are made of operations that commute with it, so their trees are
        # the same in any units, and the squared residuals that the gamma fit of
        # _noise_model sees stay far from float64's machine epsilon, where scikit-learn's
        # gamma loss clips its predictions (a target in units of 1e-12 got a spread
        # model of 0, and p-values that differed from those in its own units by
        # factors up to 1e100).
        y = y / power_of_two_unit(y)
        # residuals of an unconstrained model, out of fold: the noise, as large as it is,
        # with the spread it has at each row
        noise = _noise_model(X, _residuals(X, y, everything, seed), layout, seed)
        targets = [y[:, None]]  # member 0: the real target

        def simulate(cst, count):
            return _null_targets(X, y, cst, noise, count, random_state)

        outputs = [0]
    else:
        y = np.asarray(y, dtype=np.int64)
        entropy = _label_entropy(X, y, everything, seed)
        targets = [y[:, None].astype(np.float64)]  # member 0: the real labels

        def simulate(cst, count):
            return _drawn_labels(X, y, cst, entropy, count, random_state)

        outputs = list(classes)
    # Several classes: the centred logits, whose additivity in a set is the null's (a
    # class's log-odds against the rest also hold pairs joined by the softmax alone)
    output = "centered" if n_classes is not None and n_classes > 2 else "logit"
    plan = []  # per order: (positions, [(member indices, tested columns)])
    for order in sorted({len(s) for s in feature_sets}):
        positions = [i for i, s in enumerate(feature_sets) if len(s) == order]
        sets = [tuple(feature_sets[i]) for i in positions]
        # Each family's null has no interaction holding a set it tests, and every
        # other one: the leading sets one by one, the rest in interleaved folds.
        families = [([k], n_null_leading) for k in range(min(n_leading, len(sets)))]
        rest = list(range(len(families), len(sets)))
        folds = min(N_FOLDS, len(rest))
        families += [(rest[f::folds], n_null) for f in range(folds)]
        # Few sets (two or three features) give the tail fit too few pooled null
        # values, and the p-values a floor no set can pass: more networks per family.
        pooled = len(sets) * sum(count for _, count in families)
        if pooled < MIN_POOLED:
            least = math.ceil(MIN_POOLED / (len(sets) * len(families)))
            families = [(tested, max(count, least)) for tested, count in families]
        members = []
        models = progress(families, settings.verbose, f"significance, order-{order} null models")
        for tested, count in models:
            cst = _constraints(layout, _null_groups(layout.n_features, [sets[k] for k in tested]))
            start = sum(t.shape[1] for t in targets)
            targets.append(simulate(cst, count))
            members.append((np.arange(start, start + count), np.asarray(tested)))
        plan.append((positions, members))
    network = _train_ensemble(
        X,
        np.concatenate(targets, axis=1),
        architecture=architecture,
        settings=settings,
        layout=layout,
        seed=int(random_state.randint(2**31 - 1)),
        n_classes=n_classes,
    )
    rows = np.sort(random_state.choice(len(X), size=min(N_ROWS, len(X)), replace=False))
    p = np.ones(len(feature_sets))
    for positions, families in plan:
        members = np.concatenate([[0], *[m for m, _ in families]]).astype(int)
        sets = [tuple(feature_sets[i]) for i in positions]
        T = _statistics(network, X[rows], sets, outputs, members.tolist(), output)
        where = {int(m): r for r, m in enumerate(members)}
        families = [(np.array([where[int(m)] for m in index]), t) for index, t in families]
        p[positions] = _pooled_p_values(
            T, families, calibrate=n_classes is not None, n_leading=n_leading
        )
    return p
