"""What every interaction estimator shares: querying its ranking."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted, validate_data

from sk_interact._ranking import feature_names_of

__all__ = [
    "InteractionRankingMixin",
    "is_classification",
    "refuse_text_columns",
    "validate_fit_data",
]


def refuse_text_columns(X) -> None:
    """Raise a ValueError naming the non-numeric columns of a DataFrame ``X``."""
    if hasattr(X, "dtypes") and hasattr(X, "columns"):
        text = [str(c) for c, t in X.dtypes.items() if not pd.api.types.is_numeric_dtype(t)]
        if text:
            raise ValueError(
                f"X has non-numeric columns {text}; encode them first, e.g. with "
                "sklearn.preprocessing.OneHotEncoder in a ColumnTransformer."
            )


def is_classification(estimator) -> bool:
    """Whether ``predict_proba`` applies: a classifier, fitted or declared (``"auto"``
    may turn out to be one)."""
    if hasattr(estimator, "task_"):
        return estimator.task_ == "classification"
    return estimator.task in ("classification", "auto")


def validate_fit_data(estimator, X, y, *, ensure_min_samples: int = 2):
    """``fit``'s checks: numeric columns, finite values, two features or more."""
    refuse_text_columns(X)
    return validate_data(
        estimator,
        X,
        y,
        dtype=np.float64,
        ensure_min_features=2,
        ensure_min_samples=ensure_min_samples,
    )


class InteractionRankingMixin:
    """Adds :meth:`rank_interactions` to an estimator with an ``interactions_`` frame."""

    def _feature_names(self) -> list[str]:
        """``feature_names_in_`` when fitted on a DataFrame, else ``x0 … x{d-1}``.

        As in scikit-learn, ``feature_names_in_`` itself only exists for DataFrames:
        setting it for arrays would make every later call with an array warn.
        """
        return feature_names_of(self)

    def rank_interactions(self, order: int | None = None, top: int | None = None) -> pd.DataFrame:
        """The fitted ranking, optionally of one order and cut to the strongest ``top``.

        Parameters
        ----------
        order : int, optional
            Keep only interactions of this order (2 for pairs, 3 for triples, ...).
        top : int, optional
            Keep only the ``top`` strongest rows.

        Returns
        -------
        DataFrame
            A copy of ``interactions_`` (columns ``features``, ``indices``, ``order``,
            ``strength``, ``effect``, ...), strongest first, re-indexed from 0.
        """
        check_is_fitted(self, "interactions_")
        for name, value in (("order", order), ("top", top)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1
            ):
                raise ValueError(f"{name} must be a positive integer or None, got {value!r}.")
        ranking = self.interactions_
        if order is not None:
            fitted = sorted(int(o) for o in ranking["order"].unique())
            if order not in fitted:
                raise ValueError(
                    f"order={order} was not ranked: this estimator was fitted with "
                    f"order={getattr(self, 'order', max(fitted, default=2))} and ranked the "
                    f"orders {fitted}; refit with order={order} (or higher)."
                )
            ranking = ranking[ranking["order"] == order]
        if top is not None:
            ranking = ranking.head(top)
        return ranking.reset_index(drop=True).copy()
