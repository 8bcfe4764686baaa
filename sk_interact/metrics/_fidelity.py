"""The ``interaction_fidelity`` scorer: choose ``order`` and the number of interactions
without a ground truth.

The score asks how well a model that may only use the main effects plus the detected
interaction sets predicts rows the detector did not train on. The restricted model is
scikit-learn's :class:`~sklearn.ensemble.HistGradientBoostingRegressor` (or
``...Classifier``) with ``interaction_cst``: every feature is a group of its own, and
each selected set is a group whose features may share a tree. It is fitted and
evaluated on the scored rows by cross-fitting (fixed folds, fixed seed), so the score
is out of sample twice over: the sets were found on the training rows, and each row's
prediction comes from boosting fitted on the other folds.

A plain fidelity would reward every extra set that happens to help the boosting a
little, so it would not choose anything. The score therefore credits the sets order by
order, each order only with the held-out gain it adds to the model of the lower orders,
less ``threshold`` standard errors of that gain (a one-standard-error rule between
nested models, measured on the same rows): see :func:`make_interaction_fidelity_scorer`.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.multiclass import type_of_target

from sk_interact._training import power_of_two_unit

__all__ = ["make_interaction_fidelity_scorer"]

_BOOSTING_DEFAULTS = {
    "max_iter": 200,
    "learning_rate": 0.1,
    "max_leaf_nodes": 8,
    "min_samples_leaf": 40,
    "early_stopping": False,
}
_SELECTIONS = ("auto", "top")
_EPSILON = 1e-15


def _final_step(estimator):
    """The interaction estimator and the steps before it (a fitted Pipeline's last step)."""
    steps = getattr(estimator, "steps", None)
    if steps and not hasattr(estimator, "interactions_"):
        return steps[-1][1], [step for _, step in steps[:-1]]
    return estimator, []


def _fitted_interactions(estimator) -> pd.DataFrame:
    ranking = getattr(estimator, "interactions_", None)
    if ranking is None:
        raise NotFittedError(
            f"{type(estimator).__name__} has no fitted attribute 'interactions_': the "
            "interaction_fidelity scorer needs an interaction estimator (one whose fit "
            "sets interactions_, such as TNIDDetector), or a Pipeline ending in one, that "
            "has been fitted."
        )
    if not isinstance(ranking, pd.DataFrame) or "indices" not in ranking.columns:
        raise TypeError(
            "interaction_fidelity needs interactions_ as a ranking DataFrame with an "
            f"'indices' column, strongest first; got {type(ranking).__name__}."
        )
    return ranking


def _as_set(indices) -> tuple[int, ...]:
    return tuple(sorted(int(i) for i in indices))


def _ranked_sets(ranking: pd.DataFrame) -> list[tuple[int, ...]]:
    """Sets of ``ranking`` in its row order (strongest first), without repeats."""
    seen: dict[tuple[int, ...], None] = {}
    for indices in ranking["indices"]:
        key = _as_set(indices)
        if len(key) >= 2:
            seen.setdefault(key, None)
    return list(seen)


def selected_sets(
    estimator, n_interactions: int | None = None, selection: str = "auto"
) -> dict[int, list[tuple[int, ...]]]:
    """The interaction sets the fidelity score credits, by order.

    ``selection="auto"`` uses ``estimator.select_interactions()`` when the estimator
    has that method and was fitted with a ``significance`` level; otherwise (and with
    ``"top"``) it takes, **for each order separately**, the ``n_interactions`` strongest
    sets of that order (default: the estimator's ``n_interaction_features``, else 10).
    Strengths of different orders are in different units (a mean squared second versus
    third derivative), so one cut across orders would be arbitrary; the pairs an
    ``order=3`` detector selects are thus exactly those of an ``order=2`` detector on the
    same network.
    """
    ranking = _fitted_interactions(estimator)
    select = getattr(estimator, "select_interactions", None)
    if (
        selection == "auto"
        and callable(select)
        and getattr(estimator, "significance", None) is not None
    ):
        selected = select()
        if isinstance(selected, pd.DataFrame) and "indices" in selected.columns:
            sets = _ranked_sets(selected)
            by_order: dict[int, list[tuple[int, ...]]] = {}
            for s in sets:
                by_order.setdefault(len(s), []).append(s)
            return dict(sorted(by_order.items()))
    if n_interactions is None:
        n_interactions = getattr(estimator, "n_interaction_features", 10)
    by_order = {}
    for s in _ranked_sets(ranking):
        chosen = by_order.setdefault(len(s), [])
        if len(chosen) < n_interactions:
            chosen.append(s)
    return {order: sets for order, sets in sorted(by_order.items()) if sets}


def _constraints(members: list[list[int]], groups) -> list[list[int]]:
    """``interaction_cst``: every feature alone, then each group not inside another.

    ``members[f]`` are the columns of feature ``f`` (one each, unless the estimator
    one-hot encoded or grouped columns: then a feature's dummies stay together).
    """
    groups = sorted({tuple(g) for g in groups}, key=lambda g: (-len(g), g))
    kept: list[tuple[int, ...]] = []
    for g in groups:
        if not any(set(g) <= set(k) for k in kept):
            kept.append(g)
    return [list(m) for m in members] + [
        sorted(c for f in g for c in members[f]) for g in sorted(kept)
    ]


class _InteractionFidelityScorer:
    """Scorer of an interaction estimator by the held-out fidelity of its selected sets.

    Plain attributes only, so that it pickles and deep-copies like the other scorers.
    """

    def __init__(
        self,
        *,
        threshold=2.0,
        cv=3,
        n_interactions=None,
        selection="auto",
        boosting_params=None,
        random_state=0,
    ):
        if (
            isinstance(threshold, bool)
            or not isinstance(threshold, numbers.Real)
            or not np.isfinite(threshold)
            or threshold < 0
        ):
            raise ValueError(f"threshold must be a finite number >= 0; got {threshold!r}.")
        if isinstance(cv, bool) or not isinstance(cv, numbers.Integral) or cv < 2:
            raise ValueError(f"cv must be an integer >= 2; got {cv!r}.")
        if n_interactions is not None and (
            isinstance(n_interactions, bool)
            or not isinstance(n_interactions, numbers.Integral)
            or n_interactions < 0
        ):
            raise ValueError(
                f"n_interactions must be None or an integer >= 0; got {n_interactions!r}."
            )
        if selection not in _SELECTIONS:
            raise ValueError(f"selection must be one of {list(_SELECTIONS)}; got {selection!r}.")
        if boosting_params is not None and not isinstance(boosting_params, dict):
            raise TypeError(
                f"boosting_params must be a dict or None; got {type(boosting_params).__name__}."
            )
        if boosting_params and "interaction_cst" in boosting_params:
            raise ValueError("boosting_params must not set interaction_cst: the scorer sets it.")
        if not (random_state is None or isinstance(random_state, numbers.Integral)):
            raise ValueError(
                "random_state must be an int (or None): the scorer must give every "
                f"candidate the same folds; got {random_state!r}."
            )
        self.threshold = float(threshold)
        self.cv = int(cv)
        self.n_interactions = None if n_interactions is None else int(n_interactions)
        self.selection = selection
        self.boosting_params = None if boosting_params is None else dict(boosting_params)
        self.random_state = random_state

    def _parameters(self) -> dict:
        return {
            "threshold": self.threshold,
            "cv": self.cv,
            "n_interactions": self.n_interactions,
            "selection": self.selection,
            "boosting_params": self.boosting_params,
            "random_state": self.random_state,
        }

    def __repr__(self) -> str:
        arguments = ", ".join(f"{name}={value!r}" for name, value in self._parameters().items())
        return f"make_interaction_fidelity_scorer({arguments})"

    # ------------------------------------------------------------------ pieces
    def _seed(self) -> int:
        # None: a seed drawn once per call, from a fresh generator (never the global one)
        if self.random_state is None:
            return int(check_random_state(None).randint(np.iinfo(np.int32).max))
        return int(self.random_state)

    def _inputs(self, estimator, X, y):
        final, before = _final_step(estimator)
        _fitted_interactions(final)
        if X is None or y is None:
            raise ValueError(
                "interaction_fidelity scores held-out rows: call it with X and y, as "
                "GridSearchCV and cross_validate do."
            )
        for step in before:
            if step is None or (isinstance(step, str) and step == "passthrough"):
                continue
            X = step.transform(X)
        layout = getattr(getattr(final, "network_", None), "features", None)
        members = None
        if layout is not None and not layout.identity:
            # text columns one-hot encoded, groups: score in the estimator's features
            X = layout.encode(X)
            members = [list(map(int, m)) for m in layout.members]
        if not hasattr(X, "iloc"):
            X = np.asarray(X)
        if members is None:
            members = [[j] for j in range(X.shape[1])] if X.ndim == 2 else []
        y = np.asarray(y)
        if X.ndim != 2 or len(X) != len(y):
            raise ValueError(
                f"X must be 2-D with one row per target value; got X of shape "
                f"{getattr(X, 'shape', None)} and {len(y)} target values."
            )
        task = getattr(final, "task_", None)
        if task not in ("regression", "classification"):
            kind = type_of_target(y)
            task = "classification" if kind in ("binary", "multiclass") else "regression"
        if len(y) < 2 * self.cv:
            raise ValueError(
                f"interaction_fidelity needs at least {2 * self.cv} scored rows for "
                f"cv={self.cv} cross-fitting folds; got {len(y)}."
            )
        if task == "regression":
            # exact, and the boosting fits' squares stay finite for targets near 1e±300
            y = np.asarray(y, dtype=np.float64) / power_of_two_unit(y)
        return final, X, y, task, members

    def _folds(self, X, y, task: str, seed: int):
        if task == "classification":
            _, counts = np.unique(y, return_counts=True)
            if counts.min() >= self.cv:
                splitter = StratifiedKFold(self.cv, shuffle=True, random_state=seed)
                return list(splitter.split(np.zeros(len(y)), y))
        splitter = KFold(self.cv, shuffle=True, random_state=seed)
        return list(splitter.split(np.zeros(len(y))))

    def _row_losses(self, X, y, task: str, cst, folds, seed: int) -> np.ndarray:
        """Out-of-fold loss of every row under the model restricted to ``cst``."""
        params = {**_BOOSTING_DEFAULTS, **(self.boosting_params or {}), "random_state": seed}
        params["interaction_cst"] = cst
        losses = np.empty(len(y))
        model_class = (
            HistGradientBoostingClassifier
            if task == "classification"
            else HistGradientBoostingRegressor
        )
        for train, test in folds:
            model = model_class(**params).fit(_safe_indexing(X, train), y[train])
            X_test = _safe_indexing(X, test)
            if task == "classification":
                proba = model.predict_proba(X_test)
                column = {label: j for j, label in enumerate(model.classes_)}
                p = np.array(
                    [proba[r, column[c]] if c in column else 0.0 for r, c in enumerate(y[test])]
                )
                losses[test] = -np.log(np.clip(p, _EPSILON, 1.0))
            else:
                losses[test] = (y[test] - model.predict(X_test)) ** 2
        return losses

    @staticmethod
    def _baseline_loss(y, task: str) -> float:
        """Mean loss of the best constant prediction (variance, or class entropy)."""
        if task == "classification":
            _, counts = np.unique(y, return_counts=True)
            p = counts / counts.sum()
            return float(-(p * np.log(p)).sum())
        return float(np.mean((y - y.mean()) ** 2))

    # -------------------------------------------------------------------- API
    def breakdown(self, estimator, X, y) -> pd.DataFrame:
        """The score order by order: what each order's sets add, and its credit.

        Parameters
        ----------
        estimator : fitted interaction estimator or Pipeline ending in one
        X : array-like or DataFrame of shape (n_samples, n_features)
            Rows the estimator was not fitted on.
        y : array-like of shape (n_samples,)

        Returns
        -------
        DataFrame
            One row per order ``ℓ`` with selected sets, plus a first row ``order=1``
            for the main-effects model: ``order``, ``n_sets`` (selected sets of that
            order), ``sets`` (their indices), ``fidelity`` (cross-fitted R² or
            deviance explained with every selected set up to order ``ℓ``),
            ``reference`` (the same without the order-``ℓ`` sets: the fidelity of the
            row above), ``gain`` (``fidelity − reference``), ``se`` (standard error of
            the gain over the rows) and ``credit`` (``gain − threshold · se``). The
            score is the main-effects fidelity plus the sum of the credits, that is the
            last row's fidelity less ``threshold`` times the sum of the ``se``.
        """
        final, X, y, task, members = self._inputs(estimator, X, y)
        sets_by_order = selected_sets(final, self.n_interactions, self.selection)
        n_features = len(members)
        for sets in sets_by_order.values():
            for s in sets:
                if min(s) < 0 or max(s) >= n_features:
                    raise ValueError(
                        f"interaction set {s} indexes a column outside the {n_features} "
                        "columns of X: interactions_ must come from data of this width."
                    )
        seed = self._seed()
        folds = self._folds(X, y, task, seed)
        scale = self._baseline_loss(y, task)
        if scale <= 0:
            raise ValueError("interaction_fidelity needs a target that is not constant.")
        cache: dict[frozenset, np.ndarray] = {}

        def losses(groups) -> np.ndarray:
            cst = _constraints(members, groups)
            key = frozenset(tuple(g) for g in cst)
            if key not in cache:
                cache[key] = self._row_losses(X, y, task, cst, folds, seed)
            return cache[key]

        main = losses([])
        rows = [
            {
                "order": 1,
                "n_sets": n_features,
                "sets": [],
                "fidelity": 1.0 - main.mean() / scale,
                "reference": np.nan,
                "gain": np.nan,
                "se": np.nan,
                "credit": np.nan,
            }
        ]
        below: list[tuple[int, ...]] = []
        for order, sets in sets_by_order.items():
            with_sets = losses(below + sets)
            reference = losses(below)
            difference = (reference - with_sets) / scale
            gain = float(difference.mean())
            se = float(difference.std(ddof=1) / np.sqrt(len(difference)))
            rows.append(
                {
                    "order": order,
                    "n_sets": len(sets),
                    "sets": list(sets),
                    "fidelity": 1.0 - with_sets.mean() / scale,
                    "reference": 1.0 - reference.mean() / scale,
                    "gain": gain,
                    "se": se,
                    "credit": gain - self.threshold * se,
                }
            )
            below = below + sets
        return pd.DataFrame(rows)

    def __call__(self, estimator, X, y) -> float:
        """Main-effects fidelity plus each order's credit (see :meth:`breakdown`)."""
        table = self.breakdown(estimator, X, y)
        return float(table["fidelity"].iloc[0] + table["credit"].iloc[1:].sum())


def make_interaction_fidelity_scorer(
    *,
    threshold: float = 2.0,
    cv: int = 3,
    n_interactions: int | None = None,
    selection: str = "auto",
    boosting_params: dict | None = None,
    random_state: int | None = 0,
) -> Callable[..., float]:
    r"""Make a scorer of the detected interactions by their fidelity on held-out rows.

    No ground truth is needed: ``GridSearchCV(TNIDDetector(), {"order": [2, 3],
    "n_interaction_features": [5, 10]}, scoring=make_interaction_fidelity_scorer())``
    chooses the order and the number of interactions on real data. The scorer fits
    gradient boosting restricted to the main effects plus the estimator's selected
    interaction sets on the scored rows, by cross-fitting, and credits each order of
    sets only with the held-out gain it adds to the lower orders, less ``threshold``
    standard errors of that gain.

    Parameters
    ----------
    threshold : float, default=2.0
        How many standard errors of its held-out gain an order's sets must beat
        before they raise the score (a one-standard-error rule with two standard
        errors: a one-sided test at about 2.5%, as a grid compares many candidates
        and rows that share cross-fitted models make the standard error a little
        optimistic). Larger values favour fewer and lower-order interactions; 0
        gives the plain fidelity of all selected sets, which rewards any chance gain.
    cv : int, default=3
        Cross-fitting folds on the scored rows: the restricted model is fitted on
        ``cv − 1`` of them and predicts the last, in turn.
    n_interactions : int or None, default=None
        How many sets of **each** order are selected: the strongest ones of that
        order. None reads the estimator's ``n_interaction_features`` (the number
        :meth:`~sk_interact.TNIDDetector.transform` uses, so a grid over it tunes
        the scorer's selection too), else 10.
    selection : {"auto", "top"}, default="auto"
        ``"auto"`` uses the estimator's ``select_interactions()`` instead when it has
        that method and was fitted with a ``significance`` level; ``"top"`` always
        takes the ``n_interactions`` strongest sets of each order.
    boosting_params : dict or None, default=None
        Parameters of the restricted :class:`~sklearn.ensemble.HistGradientBoostingRegressor`
        (or ``...Classifier``), over the defaults ``max_iter=200, learning_rate=0.1,
        max_leaf_nodes=8, min_samples_leaf=40, early_stopping=False``.
        ``interaction_cst`` and ``random_state`` are set by the scorer.
    random_state : int or None, default=0
        Seed of the cross-fitting folds and of the boosting. An int gives every
        candidate of a search the same folds, so their scores differ only by their
        sets; None draws a seed per call (from a fresh generator; numpy's global
        random state is never touched).

    Returns
    -------
    scorer : callable
        A picklable ``scorer(estimator, X, y) -> float``, greater is better, with a
        ``breakdown(estimator, X, y)`` method that returns the score order by order.

    Raises
    ------
    ValueError
        At once, for an invalid parameter. When called: if ``X`` or ``y`` is missing,
        if there are fewer than ``2 * cv`` rows, if ``y`` is constant or if a selected
        set indexes a column ``X`` does not have;
        :class:`~sklearn.exceptions.NotFittedError` if the estimator (or the
        Pipeline's last step) has no ``interactions_``.

    See Also
    --------
    make_interaction_auc_scorer : Score a ranking against a known ground truth.
    get_scorer : Build this scorer by name, ``get_scorer("interaction_fidelity")``.

    Notes
    -----
    **The score.** For regression the fidelity :math:`F` of a model is its
    cross-fitted :math:`R^2 = 1 - \sum_i (y_i - \hat y_i)^2 / \sum_i (y_i - \bar y)^2`
    on the scored rows; for classification it is the deviance explained,
    :math:`1 - \text{log-loss} / H(y)` with :math:`H(y)` the log-loss of the class
    frequencies (a probabilistic score: accuracy hardly moves when a weak interaction
    is added). Let :math:`S_{\le \ell}` be the selected sets of order at most
    :math:`\ell` (:math:`S_{\le 1}`: main effects only). The score is

    .. math::

       F(S_{\le 1}) + \sum_{\ell \ge 2} \bigl(G_\ell - t \cdot \mathrm{SE}(G_\ell)\bigr)
       = F(S_{\le L}) - t \sum_{\ell \ge 2} \mathrm{SE}(G_\ell), \qquad
       G_\ell = F(S_{\le \ell}) - F(S_{\le \ell - 1}),

    with :math:`L` the highest selected order, :math:`\mathrm{SE}` the standard error
    of the mean of the per-row loss differences (both models predict the same rows
    from the same folds, so the comparison is paired) and :math:`t` the
    ``threshold``.

    **Why unneeded sets do not win.** Because each order is selected on its own, the
    pairs of an ``order=3`` detector are those of an ``order=2`` detector on the same
    network, and the model :math:`S_{\le 2}` that the triples are compared with is
    exactly the ``order=2`` candidate's model. The ``order=3`` candidate thus scores
    :math:`G_3 - t\,\mathrm{SE}(G_3)` above the ``order=2`` one: it wins only when its
    triples improve the held-out fit by more than ``threshold`` standard errors, the
    one-standard-error rule between the two nested candidates, computed inside one
    call on the same rows. Unneeded triples give a :math:`G_3` near zero (usually
    below: the extra freedom costs the boosting variance) and pay
    :math:`t\,\mathrm{SE}`, where not searching triples costs nothing. A plain
    fidelity, without the penalty, rewards the small chance gains of extra groups
    and chooses nothing. The pairs are credited the same way against the
    main-effects model, so pairs that add nothing score below the main-effects
    fidelity, and a longer list of pairs wins only through its held-out fit.

    **Limitation.** A triple can also gain by containing a true pair that the
    selected pairs missed; ``n_interactions`` large enough to hold the true pairs
    avoids it (with too small a value, increase it in the grid).

    **Selection.** See ``n_interactions`` and ``selection``. Sets of each order are
    taken separately because strengths of different orders are not comparable.

    **Cost.** Per call, ``cv`` boosting fits for the main-effects model and ``cv``
    more per order with selected sets.
    TNIDDetector's network cache makes a grid over ``order`` and
    ``n_interaction_features`` train one network per split, so the boosting fits are
    most of a search's time.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from types import SimpleNamespace
    >>> from sk_interact.metrics import make_interaction_fidelity_scorer
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(600, 4))
    >>> y = X[:, 0] * X[:, 1] + X[:, 2]
    >>> def detector(*sets):
    ...     ranking = pd.DataFrame({"indices": list(sets), "order": [len(s) for s in sets]})
    ...     return SimpleNamespace(interactions_=ranking, n_interaction_features=1)
    >>> scorer = make_interaction_fidelity_scorer()
    >>> right, wrong = scorer(detector((0, 1)), X, y), scorer(detector((2, 3)), X, y)
    >>> round(right, 2), round(wrong, 2)  # the true pair, or a pair that is not one
    (0.95, 0.73)
    """
    return _InteractionFidelityScorer(
        threshold=threshold,
        cv=cv,
        n_interactions=n_interactions,
        selection=selection,
        boosting_params=boosting_params,
        random_state=random_state,
    )
