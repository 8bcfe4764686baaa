"""The interaction ranking: one DataFrame type shared by every estimator and metric."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "RANKING_COLUMNS",
    "check_frame",
    "check_ranking",
    "default_feature_names",
    "feature_names_of",
    "ranking_frame",
]

#: Columns every ranking has, in this order; ``strength_std`` follows when known.
RANKING_COLUMNS = ["features", "indices", "order", "strength", "effect"]


def check_frame(frame, columns: Sequence[str], *, name: str, what: str, missing_hint: str):
    """``frame`` itself, after checking it is a DataFrame holding ``columns``.

    Raises a TypeError naming ``name`` and ``what`` it should be, or a ValueError listing
    the missing columns followed by ``missing_hint``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame {what}; got {type(frame).__name__}.")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing the column(s) {missing}: {missing_hint}")
    return frame


def check_ranking(
    ranking, columns: Sequence[str] = RANKING_COLUMNS, *, name: str = "ranking", use: str = ""
) -> pd.DataFrame:
    """``ranking`` itself, after checking it is an interaction ranking with ``columns``.

    The one check of the ranking schema that estimators, metrics, I/O, plots and the
    command line share. Raises a TypeError when ``ranking`` is not a DataFrame and a
    ValueError naming the missing columns; ``use`` says what needs them (e.g.
    ``"this plot"``).
    """
    needs = f"{use} needs" if use else "a ranking has"
    return check_frame(
        ranking,
        columns,
        name=name,
        what="such as an estimator's interactions_",
        missing_hint=f"{needs} the columns {list(columns)}, like an estimator's interactions_.",
    )


def default_feature_names(n_features: int) -> list[str]:
    """The names of unnamed columns: ``x0 … x{d-1}``.

    Examples
    --------
    >>> default_feature_names(3)
    ['x0', 'x1', 'x2']
    """
    return [f"x{i}" for i in range(n_features)]


def feature_names_of(estimator, n_features: int | None = None) -> list[str] | None:
    """The names a fitted estimator's rankings use for its features.

    ``feature_names_in_`` when it was fitted on a DataFrame, else ``x0 … x{d-1}`` for
    ``n_features_in_`` (or ``n_features``) columns; None when neither is known.
    """
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        return [str(name) for name in names]
    n_features = getattr(estimator, "n_features_in_", n_features)
    return None if n_features is None else default_feature_names(int(n_features))


def ranking_frame(
    index_sets: Sequence[Sequence[int]],
    strength: np.ndarray,
    effect: np.ndarray | None,
    feature_names: Sequence[str],
    *,
    strength_std: np.ndarray | None = None,
) -> pd.DataFrame:
    """Build a ranking DataFrame sorted by ``strength``, strongest first.

    Parameters
    ----------
    index_sets : sequence of S tuples of int
        Column positions of each interaction; sorted within each set here.
    strength : ndarray of shape (S,)
        Non-negative ranking score.
    effect : ndarray of shape (S,) or None
        Signed effect; None (or NaN entries) where the method has no sign.
    feature_names : sequence of str
        Names of all columns, indexed by position.
    strength_std : ndarray of shape (S,), optional
        Spread of ``strength`` over repeated fits; adds a ``strength_std`` column.

    Returns
    -------
    DataFrame
        Columns ``features``, ``indices``, ``order``, ``strength``, ``effect`` (and
        ``strength_std``), one row per interaction, sorted by ``strength`` descending;
        ties keep lower orders first, then the order of ``index_sets``.

    Examples
    --------
    >>> import numpy as np
    >>> ranking_frame([(0, 1), (2, 1)], np.array([0.5, 2.0]), None, ["a", "b", "c"])
      features indices  order  strength  effect
    0   (b, c)  (1, 2)      2       2.0     NaN
    1   (a, b)  (0, 1)      2       0.5     NaN
    """
    indices = [tuple(sorted(int(i) for i in s)) for s in index_sets]
    n = len(indices)
    strength = np.asarray(strength, dtype=np.float64).reshape(n)
    effect = np.full(n, np.nan) if effect is None else np.asarray(effect, dtype=np.float64)
    columns = {
        "features": [tuple(feature_names[i] for i in s) for s in indices],
        "indices": indices,
        "order": np.array([len(s) for s in indices], dtype=np.int64),
        "strength": strength,
        "effect": effect.reshape(n),
    }
    if strength_std is not None:
        columns["strength_std"] = np.asarray(strength_std, dtype=np.float64).reshape(n)
    frame = pd.DataFrame(columns)
    order = np.lexsort((np.arange(n), frame["order"].to_numpy(), -strength))
    return frame.iloc[order].reset_index(drop=True)
