"""Scorers for model selection against a known ground truth, and their registry.

A scorer is a callable ``scorer(estimator, X, y=None) -> float``, greater is better,
as expected by the ``scoring`` parameter of :class:`~sklearn.model_selection.GridSearchCV`
and :func:`~sklearn.model_selection.cross_validate`. The scorers here read the
fitted estimator's ``interactions_`` ranking and compare it with ground-truth
interaction sets fixed when the scorer is made. As in :mod:`sklearn.metrics._scorer`,
the named factories live in one module-level registry, :data:`_SCORERS`, read by
:func:`get_scorer`.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

from sklearn.exceptions import NotFittedError
from sklearn.metrics import get_scorer as _sklearn_get_scorer

from ._fidelity import make_interaction_fidelity_scorer
from ._interaction import (
    _check_true_interactions,
    interaction_auc_score,
    interaction_r_precision,
)
from ._polarity import make_shap_polarity_scorer

__all__ = [
    "get_scorer",
    "get_scorer_names",
    "make_interaction_auc_scorer",
    "make_interaction_r_precision_scorer",
]


def _fitted_ranking(estimator):
    """The estimator's ``interactions_``, or a clear error when it has none."""
    ranking = getattr(estimator, "interactions_", None)
    if ranking is None:
        raise NotFittedError(
            f"{type(estimator).__name__} has no fitted attribute 'interactions_': the "
            "interaction scorers need an interaction estimator (one whose fit sets "
            "interactions_, such as TNIDDetector) that has been fitted."
        )
    return ranking


class _InteractionScorer:
    """Base of the ground-truth scorers: stores the truth, reads ``interactions_``.

    Plain attributes only, so that scorers pickle (``GridSearchCV(n_jobs=...)`` sends
    them to worker processes) and deep-copy.
    """

    _factory_name = ""

    def __init__(self, true_interactions):
        # validated now: an error inside a CV loop would only become a NaN score
        self.true_interactions = _check_true_interactions(true_interactions)

    def _parameters(self) -> dict:
        return {"true_interactions": self.true_interactions}

    def __repr__(self) -> str:
        arguments = ", ".join(f"{name}={value!r}" for name, value in self._parameters().items())
        return f"{self._factory_name}({arguments})"


class _InteractionAUCScorer(_InteractionScorer):
    """Scorer returning :func:`interaction_auc_score` of a fitted estimator's ranking."""

    _factory_name = "make_interaction_auc_scorer"

    def __init__(self, true_interactions, order=2):
        super().__init__(true_interactions)
        if isinstance(order, bool) or not isinstance(order, numbers.Integral) or order < 1:
            raise ValueError(f"order must be an integer >= 1; got {order!r}.")
        self.order = int(order)

    def _parameters(self) -> dict:
        return {**super()._parameters(), "order": self.order}

    def __call__(self, estimator, X, y=None) -> float:
        """AUC of ``estimator.interactions_``; ``X`` and ``y`` are not used."""
        return interaction_auc_score(
            self.true_interactions,
            _fitted_ranking(estimator),
            order=self.order,
            n_features=getattr(estimator, "n_features_in_", None),
        )


class _InteractionRPrecisionScorer(_InteractionScorer):
    """Scorer returning :func:`interaction_r_precision` of a fitted estimator's ranking."""

    _factory_name = "make_interaction_r_precision_scorer"

    def __call__(self, estimator, X, y=None) -> float:
        """R-precision of ``estimator.interactions_``; ``X`` and ``y`` are not used."""
        return interaction_r_precision(self.true_interactions, _fitted_ranking(estimator))


def make_interaction_auc_scorer(
    true_interactions: Sequence[Sequence[int]], order: int = 2
) -> Callable[..., float]:
    """Make a scorer of a fitted estimator's ranking by its interaction AUC.

    The scorer returns ``interaction_auc_score(true_interactions,
    estimator.interactions_, order=order, n_features=estimator.n_features_in_)``, so it
    can select the hyper-parameters of an interaction detector by how well it recovers
    a known ground truth, e.g. on the synthetic suite of Tsang et al.

    Parameters
    ----------
    true_interactions : sequence of sequences of int
        Ground-truth interaction sets as 0-based feature indices, e.g.
        ``[(0, 1, 2), (2, 4)]``.
    order : int, default=2
        Size of the scored subsets, as in :func:`interaction_auc_score`.

    Returns
    -------
    scorer : callable
        A picklable ``scorer(estimator, X, y=None) -> float``; greater is better.

    Raises
    ------
    ValueError
        At once, if ``true_interactions`` is not a sequence of index sets or ``order``
        is not an integer >= 1. When called, as :func:`interaction_auc_score` does, and
        :class:`~sklearn.exceptions.NotFittedError` if the estimator has no
        ``interactions_``.

    See Also
    --------
    interaction_auc_score : The metric.
    get_scorer : Build this scorer by name, ``get_scorer("interaction_auc", ...)``.

    Notes
    -----
    The scorer ignores ``X`` and ``y``: the ranking is a property of the fitted
    estimator (of its network), not of the held-out samples, and the ground truth is
    fixed when the scorer is made. In a cross-validation every split is thus scored by
    the ranking learnt on its training part. The AUC rule is that of NID (Tsang, Cheng
    & Liu, ICLR 2018), extended to higher orders as in T-NID (Lerman et al., ICCV 2021).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> import pandas as pd
    >>> from sk_interact.metrics import make_interaction_auc_scorer
    >>> scorer = make_interaction_auc_scorer([(0, 1)])
    >>> scorer
    make_interaction_auc_scorer(true_interactions=[(0, 1)], order=2)
    >>> ranking = pd.DataFrame({"indices": [(0, 1), (1, 2)], "strength": [3.0, 0.5]})
    >>> fitted = SimpleNamespace(interactions_=ranking, n_features_in_=4)
    >>> scorer(fitted, X=None)
    1.0
    """
    return _InteractionAUCScorer(true_interactions, order=order)


def make_interaction_r_precision_scorer(
    true_interactions: Sequence[Sequence[int]],
) -> Callable[..., float]:
    """Make a scorer of a fitted estimator's ranking by its any-order R-precision.

    The scorer returns ``interaction_r_precision(true_interactions,
    estimator.interactions_)``.

    Parameters
    ----------
    true_interactions : sequence of sequences of int
        Ground-truth interaction sets as 0-based feature indices, e.g.
        ``[(0, 1, 2), (2, 4)]``.

    Returns
    -------
    scorer : callable
        A picklable ``scorer(estimator, X, y=None) -> float``; greater is better.

    Raises
    ------
    ValueError
        At once, if ``true_interactions`` is empty or not a sequence of index sets.
        When called, as :func:`interaction_r_precision` does, and
        :class:`~sklearn.exceptions.NotFittedError` if the estimator has no
        ``interactions_``.

    See Also
    --------
    interaction_r_precision : The metric.
    get_scorer : Build this scorer by name, ``get_scorer("interaction_r_precision", ...)``.

    Notes
    -----
    The scorer ignores ``X`` and ``y``: the ranking is a property of the fitted
    estimator, not of the held-out samples. The rule is NID's any-order R-precision
    (Tsang, Cheng & Liu, ICLR 2018), as used by T-NID (Lerman et al., ICCV 2021).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from sk_interact.metrics import make_interaction_r_precision_scorer
    >>> scorer = make_interaction_r_precision_scorer([(0, 1, 2), (3, 4)])
    >>> fitted = SimpleNamespace(interactions_={(0, 1, 2): 2.0, (5, 6): 1.0})
    >>> scorer(fitted, X=None)
    0.5
    """
    return _InteractionRPrecisionScorer(true_interactions)


# The library's scorer factories by name; a name not here falls back to scikit-learn.
_SCORERS: dict[str, Callable[..., Callable[..., float]]] = {
    "interaction_auc": make_interaction_auc_scorer,
    "interaction_fidelity": make_interaction_fidelity_scorer,
    "interaction_r_precision": make_interaction_r_precision_scorer,
    "shap_polarity": make_shap_polarity_scorer,
}


def get_scorer_names() -> list[str]:
    """Names of the library's scorers, accepted by :func:`get_scorer`.

    scikit-learn's own names (see :func:`sklearn.metrics.get_scorer_names`) are
    accepted by :func:`get_scorer` as well.

    Returns
    -------
    names : list of str
        The names, sorted.

    Examples
    --------
    >>> from sk_interact.metrics import get_scorer_names
    >>> get_scorer_names()
    ['interaction_auc', 'interaction_fidelity', 'interaction_r_precision', 'shap_polarity']
    """
    return sorted(_SCORERS)


def get_scorer(scoring: str | Callable | None, **kwargs) -> Callable | None:
    """Get a scorer by name: the library's, else scikit-learn's.

    Parameters
    ----------
    scoring : str, callable or None
        A name from :func:`get_scorer_names`, built with ``kwargs``; any other name,
        a callable or None is passed to :func:`sklearn.metrics.get_scorer`.
    **kwargs
        Arguments of the library scorer's factory, e.g. ``true_interactions`` and
        ``order`` for ``"interaction_auc"`` (see :func:`make_interaction_auc_scorer`).
        Not allowed with scikit-learn's scorers, which are fixed objects.

    Returns
    -------
    scorer : callable or None
        A new scorer object.

    Raises
    ------
    ValueError
        If ``scoring`` is a name of neither library, or if ``kwargs`` are given for a
        scikit-learn scorer.

    Examples
    --------
    >>> from sk_interact.metrics import get_scorer
    >>> get_scorer("interaction_auc", true_interactions=[(0, 1)], order=2)
    make_interaction_auc_scorer(true_interactions=[(0, 1)], order=2)
    >>> get_scorer("r2")
    make_scorer(r2_score, response_method='predict')
    """
    if isinstance(scoring, str) and scoring in _SCORERS:
        return _SCORERS[scoring](**kwargs)
    if kwargs:
        raise ValueError(
            f"Keyword arguments {sorted(kwargs)} are only accepted for the scorers "
            f"{get_scorer_names()} of sk_interact; scikit-learn's scorer {scoring!r} takes "
            "none (build a custom one with sklearn.metrics.make_scorer)."
        )
    try:
        return _sklearn_get_scorer(scoring)
    except ValueError:
        if not isinstance(scoring, str):
            raise
        raise ValueError(
            f"{scoring!r} is not a valid scoring name. sk_interact's scorers are "
            f"{get_scorer_names()}; for scikit-learn's, see "
            "sklearn.metrics.get_scorer_names()."
        ) from None
