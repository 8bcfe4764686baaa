"""What every interaction estimator shares: querying its ranking."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = [
    "InteractionRankingMixin",
    "encode_classes",
    "encode_target",
    "refuse_text_columns",
    "resolve_task",
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


def resolve_task(task: str, y) -> str:
    """``task``, or for "auto" what ``y`` is: integer-valued targets count as classes."""
    if task != "auto":
        return task
    return "classification" if type_of_target(y) in ("binary", "multiclass") else "regression"


def encode_classes(estimator, y, target) -> np.ndarray:
    """Set ``estimator.classes_`` from ``y``; return the class codes ``0..C-1``.

    Raises a ValueError for a single class, or a ``target`` that is not a class.
    """
    check_classification_targets(y)
    encoder = LabelEncoder().fit(y)
    estimator.classes_ = encoder.classes_
    if len(estimator.classes_) < 2:
        raise ValueError("y has a single class; classification needs at least two.")
    if target is not None and target not in set(estimator.classes_.tolist()):
        raise ValueError(
            f"target={target!r} is not a class of y; classes are {estimator.classes_.tolist()}."
        )
    return encoder.transform(y)


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


def encode_target(estimator, y) -> np.ndarray:
    """Set ``estimator.task_`` (and ``classes_``); return what the network trains on.

    Class codes ``0..C-1`` for classification, float64 values for regression (where a
    ``target`` class makes no sense and is refused).
    """
    estimator.task_ = resolve_task(estimator.task, y)
    if estimator.task_ == "classification":
        return encode_classes(estimator, y, estimator.target)
    if estimator.target is not None:
        raise ValueError("target is for classification; leave it None for regression.")
    return np.asarray(y, dtype=np.float64)


class InteractionRankingMixin:
    """Adds :meth:`rank_interactions` to an estimator with an ``interactions_`` frame."""

    def _feature_names(self) -> list[str]:
        """``feature_names_in_`` when fitted on a DataFrame, else ``x0 … x{d-1}``.

        As in scikit-learn, ``feature_names_in_`` itself only exists for DataFrames:
        setting it for arrays would make every later call with an array warn.
        """
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            return [str(name) for name in names]
        return [f"x{i}" for i in range(self.n_features_in_)]

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
            ranking = ranking[ranking["order"] == order]
        if top is not None:
            ranking = ranking.head(top)
        return ranking.reset_index(drop=True).copy()
