"""Which interactions are real: p-values against networks trained on data without them.

The test (``significance="bootstrap"``, also what ``"auto"`` picks) is a parametric
bootstrap of the network's own interaction measure:

1. **Null model.** Fit a model of the target in which the tested order cannot occur:
   scikit-learn's :class:`~sklearn.ensemble.HistGradientBoostingRegressor` (or
   ``...Classifier``) with ``interaction_cst`` allowing each feature alone (pairs are
   tested against an additive model) or, for sets of order ``l ≥ 3``, every set of
   ``l − 1`` features (a triple is tested against a model with all pairwise
   interactions). A one-hot block or a ``feature_groups`` group is one feature.
2. **Null targets.** Simulate ``B`` targets from it: its prediction plus residuals
   resampled with replacement (residuals from 5-fold cross-fitting, so they are as
   large as out-of-sample errors), or, for classes, labels drawn from its predicted
   probabilities.
3. **Networks.** Train, as one batched ensemble (:class:`~sk_interact._networks.
   EnsembleMLP`, one skorch fit, same mini-batches and early stopping), one network on
   the real target and ``B`` on each order's null targets, with the estimator's
   architecture and settings.
4. **Statistic.** For every ranked set ``I`` and network ``m``: the mean over
   ``n_rows`` training rows of the squared mixed partial ``(∂^|I| F_m / ∂z_I)²``
   (standardized units, summed over a group's block and over the explained classes).
   Under the null the statistic of the real-target network is exchangeable with the
   ``B`` null networks' — they were trained the same way on data with the same main
   effects (and, for order 3+, the same lower-order interactions): the leak a network
   shows between strong main effects is in the null too.
5. **p-value.** The log statistic is studentized against the null networks of its set
   (a predictive t statistic, ``B − 1`` degrees of freedom; each null network against
   the others, leave-one-out), turned into a tail probability, and compared with the
   pooled tail probabilities of all null networks and sets of the same order: ``p =
   (1 + #{pooled ≤ observed}) / (1 + #pooled)``. Pooling gives p-values finer than
   ``1 / (B + 1)``; studentizing makes sets of different leak levels comparable.
6. **q-value.** Benjamini–Hochberg over every ranked set of every order.
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
import torch
from scipy import stats
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict
from torch import nn

from sk_interact._derivatives import mixed_partials
from sk_interact._explained_network import ExplainedNetwork
from sk_interact._networks import EnsembleMLP
from sk_interact._training import fit_network, prediction_net

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
N_NULL_LEADING = 4


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


def _constraints(layout, order: int, extra=()) -> list[list[int]]:
    """``interaction_cst`` (encoded columns): every set of ``order − 1`` features, and
    the feature sets ``extra``."""
    members = layout.members
    subsets = [
        *itertools.combinations(range(layout.n_features), order - 1),
        *(tuple(s) for s in extra),
    ]
    return [sorted(int(c) for f in subset for c in members[f]) for subset in subsets]


def _residuals(X, y, task, cst, seed):
    """The null model fitted on all rows, and out-of-fold residuals (regression) or
    probabilities (classification) from 5-fold cross-fitting."""
    if task == "regression":
        model = HistGradientBoostingRegressor(interaction_cst=cst, random_state=seed)
        folds = KFold(5, shuffle=True, random_state=seed)
        return y - cross_val_predict(model, X, y, cv=folds)
    model = HistGradientBoostingClassifier(interaction_cst=cst, random_state=seed)
    smallest = np.bincount(y).min()
    if smallest >= 2:  # honest probabilities where every class can be cross-fitted
        folds = StratifiedKFold(min(5, smallest), shuffle=True, random_state=seed)
        return cross_val_predict(model, X, y, cv=folds, method="predict_proba")
    return model.fit(X, y).predict_proba(X)


def _null_targets(X, y, task, cst, noise, n_null, rng) -> np.ndarray:
    """``(n, n_null)`` targets simulated from a model restricted to ``cst``.

    ``noise``: out-of-fold residuals (regression, resampled with replacement around
    this model's fit) or None (classification: labels drawn from this model's
    cross-fitted probabilities).
    """
    seed = int(rng.randint(2**31 - 1))
    if task == "regression":
        model = HistGradientBoostingRegressor(interaction_cst=cst, random_state=seed)
        fitted = model.fit(X, y).predict(X)
        draws = rng.randint(len(y), size=(len(y), n_null))
        return fitted[:, None] + noise[draws]
    proba = _residuals(X, y, task, cst, seed)
    cumulative = np.cumsum(proba, axis=1)
    u = rng.uniform(size=(len(y), n_null))
    codes = (u[:, :, None] > cumulative[:, None, :-1]).sum(axis=2)
    return codes.astype(np.int64)


def _train_ensemble(X, targets, *, task, n_classes, architecture, settings, layout, seed):
    """One batched fit of ``targets.shape[1]`` networks, each on its own column; the
    members as an :class:`ExplainedNetwork`."""
    n_features, hidden, activation = architecture
    n_members = targets.shape[1]
    n_outputs = 1 if task == "regression" else n_classes
    kwargs = settings.fit_kwargs()
    kwargs["unscaled"] = tuple(int(i) for i in np.flatnonzero(layout.dummy))
    factory = functools.partial(EnsembleMLP, n_features, hidden, activation, n_outputs, n_members)
    extra = {}
    if task == "classification":
        extra = {
            "criterion": _MemberCrossEntropy,
            "criterion__n_classes": n_classes,
            "standardize_target": False,
        }
    net = fit_network(
        factory,
        X,
        np.asarray(targets, dtype=np.float64),
        task="regression",
        random_state=seed,
        **kwargs,
        **extra,
    )
    trained = net.module_
    nets = []
    for e, member in enumerate(trained.network.members()):
        if task == "regression":
            module = trained.with_network(member, outputs=slice(e, e + 1)).eval()
            nets.append(prediction_net(module, device=net.device))
        else:
            module = trained.with_network(member).eval()
            nets.append(
                prediction_net(
                    module, task="classification", n_classes=n_classes, device=net.device
                )
            )
    return ExplainedNetwork(
        nets,
        task=task,
        n_classes=n_classes,
        X=X,
        y=None,
        device=settings.device,
        adopted=False,
        standardized=settings.standardize,
        features=layout,
    )


def _statistics(network: ExplainedNetwork, points, feature_sets, classes, members) -> np.ndarray:
    """``(len(members), S)``: mean over ``points`` of the squared mixed partials of each
    feature set (summed over a group's block and over ``classes``)."""
    layout = network.features
    if layout.identity:
        columns, owner = feature_sets, np.arange(len(feature_sets))
    else:
        columns, owner = layout.expand(feature_sets)
    Z = network.standardize(points)
    index = torch.as_tensor(columns, dtype=torch.int64)
    out = np.zeros((len(members), len(feature_sets)))
    for row, member in enumerate(members):
        squares = 0.0
        for c in classes:
            f = network.function("logit", c, member)
            values = mixed_partials(f, Z, index).double().cpu().numpy()
            squares = squares + (values**2).mean(axis=0)
        np.add.at(out[row], owner, squares)
    return out


def _studentized_tails(L_observed, null) -> tuple[np.ndarray, np.ndarray]:
    """Tail probabilities of the observed log statistics ``(S,)`` against ``null``
    ``(B, S)`` (predictive t, ``B − 1`` df), and of each null row against the others
    (leave one out, ``B − 2`` df)."""
    B = len(null)
    mean, sd = null.mean(axis=0), null.std(axis=0, ddof=1)
    t_obs = (L_observed - mean) / (np.maximum(sd, 1e-300) * math.sqrt(1 + 1 / B))
    total, squares = null.sum(axis=0), (null**2).sum(axis=0)
    mean_b = (total - null) / (B - 1)
    var_b = (squares - null**2 - (B - 1) * mean_b**2) / (B - 2)
    t_null = (null - mean_b) / (np.sqrt(np.maximum(var_b, 1e-300)) * math.sqrt(1 + 1 / (B - 1)))
    return stats.t.sf(t_obs, B - 1), stats.t.sf(t_null, B - 2)


def _pooled_p_values(T: np.ndarray, families=None) -> np.ndarray:
    """p-values of row 0 of ``T`` (``(1 + B, S)`` statistics) against the null rows.

    ``families``: ``[(null rows, tested columns)]``, each set tested against the null
    networks of its family; default one family of every row for every set. The
    tail probability of each tested set is compared with the pooled leave-one-out
    tail probabilities of every family's null networks on every set.
    """
    n_sets = T.shape[1]
    if families is None:
        families = [(np.arange(1, len(T)), np.arange(n_sets))]
    p = np.ones(n_sets)
    valid = (T > 0).all(axis=0)  # a set with a constant feature has no effect at all
    if not valid.any():
        return p
    L = np.log(np.where(T > 0, T, 1.0))
    pooled, observed = [], np.full(n_sets, np.nan)
    for rows, tested in families:
        u_obs, u_null = _studentized_tails(L[0], L[rows])
        pooled.append(u_null[:, valid].ravel())
        observed[tested] = u_obs[tested]
    pooled = np.sort(np.concatenate(pooled))
    count = np.searchsorted(pooled, observed[valid], side="right")
    p[valid] = (1 + count) / (1 + len(pooled))
    return p


def bootstrap_p_values(
    X,
    y,
    *,
    task,
    n_classes,
    layout,
    feature_sets,
    classes,
    architecture,
    settings,
    n_null: int,
    random_state: np.random.RandomState,
    n_leading: int = N_LEADING,
    n_null_leading: int = N_NULL_LEADING,
) -> np.ndarray:
    """p-values of ``feature_sets`` (any orders, strongest first within an order).

    Parameters
    ----------
    X : ndarray of shape (n, d_encoded)
    y : ndarray
        Regression values or class codes.
    feature_sets : list of tuple of int
        Sets of feature positions (``layout.feature_names``), each order's strongest
        first.
    classes : list of int
        Explained classes (``[0]`` for regression).
    architecture : (n_features, hidden_layer_sizes, activation)
    settings : TrainingSettings
    n_null : int
        Null networks for the sets after each order's ``n_leading`` strongest.
    n_leading, n_null_leading : int
        Each of the ``n_leading`` strongest sets of an order is tested against
        ``n_null_leading`` networks of its own null, which holds the other leading
        sets' interactions (so that their leak into it is in the null too).

    Returns
    -------
    ndarray of shape (len(feature_sets),)
    """
    seed = int(random_state.randint(2**31 - 1))
    targets = [np.asarray(y, dtype=np.float64).reshape(-1, 1)]
    plan = []  # per order: (positions, [(member rows, tested columns)])
    for order in sorted({len(s) for s in feature_sets}):
        positions = [i for i, s in enumerate(feature_sets) if len(s) == order]
        leading = [tuple(feature_sets[i]) for i in positions[:n_leading]]
        noise = None
        if task == "regression":
            noise = _residuals(X, y, task, _constraints(layout, order, leading), seed)
        families = [(leading, list(range(len(leading), len(positions))), n_null)]
        for k in range(len(leading)):
            others = leading[:k] + leading[k + 1 :]
            families.append((others, [k], n_null_leading))
        layout_families = []
        for extra, tested, count in families:
            if not tested:
                continue
            cst = _constraints(layout, order, extra)
            start = sum(t.shape[1] for t in targets)
            targets.append(_null_targets(X, y, task, cst, noise, count, random_state))
            layout_families.append((np.arange(start, start + count), np.asarray(tested)))
        plan.append((positions, layout_families))
    network = _train_ensemble(
        X,
        np.hstack(targets),
        task=task,
        n_classes=n_classes,
        architecture=architecture,
        settings=settings,
        layout=layout,
        seed=int(random_state.randint(2**31 - 1)),
    )
    rows = np.sort(random_state.choice(len(X), size=min(N_ROWS, len(X)), replace=False))
    p = np.ones(len(feature_sets))
    for positions, families in plan:
        members = np.concatenate([[0], *[m for m, _ in families]])
        sets = [tuple(feature_sets[i]) for i in positions]
        T = _statistics(network, X[rows], sets, classes, members.tolist())
        where = {int(m): r for r, m in enumerate(members)}
        families = [(np.array([where[int(m)] for m in rows_]), t) for rows_, t in families]
        p[positions] = _pooled_p_values(T, families)
    return p
