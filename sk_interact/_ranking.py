"""The interaction ranking: one DataFrame type shared by every estimator and metric."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["RANKING_COLUMNS", "check_frame", "ranking_frame"]

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
