"""What every interaction estimator shares: querying its ranking."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.metrics import accuracy_score
from sklearn.utils import ClassifierTags, RegressorTags
from sklearn.utils._available_if import available_if
from sklearn.utils.validation import check_array, check_is_fitted, check_X_y, validate_data

from sk_interact._features import FeatureLayout, as_pandas, has_text, refuse_missing
from sk_interact._ranking import feature_names_of
from sk_interact._training import r2_in_units

__all__ = [
    "ExplainedNetworkPredictionsMixin",
    "InteractionRankingMixin",
    "is_classification",
    "validate_fit_data",
    "validate_predict_data",
]


def is_classification(estimator) -> bool:
    """Whether ``predict_proba`` applies: a classifier, fitted or declared (``"auto"``
    may turn out to be one)."""
    if hasattr(estimator, "task_"):
        return estimator.task_ == "classification"
    return estimator.task in ("classification", "auto")


def _refuse_missing(X) -> None:
    """A ValueError naming the columns of a numeric ``X`` that hold NaN."""
    if sp.issparse(X) or not hasattr(X, "__len__"):
        return
    values = X.to_numpy() if hasattr(X, "to_numpy") else np.asarray(X)
    if values.dtype.kind != "f":
        return  # no NaN possible, or validate_data says what is wrong
    if values.ndim == 2 and np.isnan(values).any():
        refuse_missing(X if hasattr(X, "columns") else values)


def validate_fit_data(estimator, X, y, *, ensure_min_samples: int = 2):
    """``fit``'s checks and encoding: ``(X_encoded, y, layout)``.

    Numeric arrays, DataFrames (pandas, or polars and pyarrow tables, read as pandas)
    and sparse matrices go through scikit-learn's
    ``validate_data``; DataFrames (or object arrays) with text, ``category`` or boolean
    object columns are read by :class:`~sk_interact._features.FeatureLayout`, which
    one-hot encodes them. Missing values are refused with an error naming the columns.
    Sets ``n_features_in_`` (and ``feature_names_in_`` for DataFrames) and
    ``feature_groups_``; needs two features (after grouping) or more.
    """
    groups = getattr(estimator, "feature_groups", None)
    X = as_pandas(X)
    if has_text(X):
        validate_data(estimator, X, skip_check_array=True)
        layout = FeatureLayout.fit(X, groups)
        X_encoded, y = check_X_y(
            layout.encode(X), y, dtype=np.float64, ensure_min_samples=ensure_min_samples
        )
    else:
        _refuse_missing(X)
        X_encoded, y = validate_data(
            estimator,
            X,
            y,
            dtype=np.float64,
            accept_sparse=True,
            ensure_min_features=2,
            ensure_min_samples=ensure_min_samples,
        )
        if sp.issparse(X_encoded):
            X_encoded = X_encoded.toarray()
        layout = FeatureLayout.fit(X_encoded, groups, columns=feature_names_of(estimator))
    if layout.n_features < 2:
        raise ValueError(
            f"X has {layout.n_features} feature (after feature_groups): an interaction needs "
            "two features or more."
        )
    estimator.feature_groups_ = {name: list(cols) for name, cols in layout.groups.items()}
    return X_encoded, y, layout


def validate_predict_data(estimator, X) -> np.ndarray:
    """The fitted estimator's checks and encoding of ``X`` after ``fit``."""
    check_is_fitted(estimator, "interactions_")
    layout = estimator.network_.features
    X = as_pandas(X)
    if layout.identity and not has_text(X):
        X = validate_data(estimator, X, reset=False, dtype=np.float64, accept_sparse=True)
        return X.toarray() if sp.issparse(X) else X
    validate_data(estimator, X, reset=False, skip_check_array=True)
    return check_array(layout.encode(X), dtype=np.float64)


class InteractionRankingMixin:
    """Adds :meth:`rank_interactions` to an estimator with an ``interactions_`` frame."""

    def _feature_names(self) -> list[str]:
        """The features rankings name: ``feature_groups_``'s keys once fitted (the
        columns of ``X``, or their groups), else ``feature_names_in_`` or ``x0 …``.

        As in scikit-learn, ``feature_names_in_`` itself only exists for DataFrames:
        setting it for arrays would make every later call with an array warn.
        """
        groups = getattr(self, "feature_groups_", None)
        return list(groups) if groups is not None else feature_names_of(self)

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


class ExplainedNetworkPredictionsMixin:
    """``predict``, ``predict_proba`` and ``score`` of the network in ``network_``.

    Predictions are the mean over the network's members, computed in float64 row by row
    independent of the batch (see
    :class:`~sk_interact._explained_network.ExplainedNetwork`); torch's global random
    state is not touched.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The task fit read (task="auto" included), else the one given: a fitted
        # estimator is a regressor or a classifier for scikit-learn's tools that ask
        # (sklearn.inspection.partial_dependence), and an unfitted one by its task.
        task = getattr(self, "task_", self.task)
        if task == "regression":
            tags.estimator_type, tags.regressor_tags = "regressor", RegressorTags()
        elif task == "classification":
            tags.estimator_type, tags.classifier_tags = "classifier", ClassifierTags()
        else:  # predict_proba exists until fit says regression: described as for classes
            tags.classifier_tags = ClassifierTags()
        tags.target_tags.required = True
        # text, category and sparse columns are encoded here (FeatureLayout)
        tags.input_tags.sparse = tags.input_tags.categorical = tags.input_tags.string = True
        tags.non_deterministic = self.random_state is None
        return tags

    def _check_X(self, X) -> np.ndarray:
        """Validate and encode features after fitting: the fitted columns, finite."""
        return validate_predict_data(self, X)

    def predict(self, X) -> np.ndarray:
        """The explained network's prediction: values (regression) or class labels."""
        X = self._check_X(X)
        if self.task_ == "regression":
            return self.network_.predict_values(X)
        return self.classes_[self.network_.predict_codes(X)]

    @available_if(is_classification)
    def predict_proba(self, X) -> np.ndarray:
        """The explained network's class probabilities, ``(n_samples, n_classes)``."""
        X = self._check_X(X)
        return self.network_.predict_proba(X)

    def score(self, X, y, sample_weight=None) -> float:
        """R² (regression) or accuracy (classification) of :meth:`predict` on ``(X, y)``,
        as in scikit-learn, so ``cross_val_score`` and ``GridSearchCV`` score the
        explained network."""
        metric = r2_in_units if self.task_ == "regression" else accuracy_score
        return float(metric(y, self.predict(X), sample_weight=sample_weight))
