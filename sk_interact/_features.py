"""The columns of a user's table, the inputs the network sees, and the features rankings name.

A :class:`FeatureLayout` is fitted once per estimator fit, before any training. It

* reads each column's kind: numeric, boolean (0/1), or categorical (text, ``object``,
  ``category``), and refuses what cannot be explained (missing values, a categorical
  column with one level, an all-missing column, a text column with a value of its own
  on most rows such as an identifier, dates and times that are not yet numbers, also
  when written as text with many levels) with an error naming the columns, and warns
  of a numeric column that numbers the rows (every whole number of a range once: a
  row number or identifier);
* one-hot encodes the categorical columns with scikit-learn's
  :class:`~sklearn.preprocessing.OneHotEncoder` (``handle_unknown="ignore"``: a level
  not seen in training is a row of zeros, as in scikit-learn), in place, so the network
  sees numeric columns only;
* forms the *features* every ranking names: an ungrouped original column is one
  feature (its one-hot dummies included), and ``feature_groups`` joins several columns
  into one;
* reduces effects computed for encoded columns to effects of features
  (:meth:`FeatureLayout.reduce`), the one definition of a group interaction.

**Group interaction.** For features ``A`` and ``B`` with encoded columns ``a ∈ A`` and
``b ∈ B``, the local interaction is read from the block of cross partials
``H_ab = ∂²F/∂z_a∂z_b`` (standardized units), centred over each text column's levels
(:meth:`FeatureLayout.centre`: the dummies of a column sum to one on every row, so the
data fix the block only up to a shift common to the levels, which is taken out): its
size is the root sum of squares ``‖H_AB‖ = (Σ_ab H_ab²)^½``. For order 3+ the block
holds the mixed partials with one encoded column from each feature. A feature of one
column gives back the cross partial itself. The sign is that of the block's effect
along the direction each feature moves in (``FeatureLayout.direction``: a number
increasing, a text column of two levels from its first level to its second), where
every feature of the set has one; a set with a feature of three or more levels or a
group of several columns keeps the sign of the block's largest entry. Standardized
units make the measure robust to rare levels: the standard deviation of a dummy seen in
a share ``p`` of the rows is ``(p(1 − p))^½``, so a level seen in 7 of 30,000 rows
weighs 0.015 of a unit, while the network, which sees dummies as 0/1, is free to learn
any effect of it.
"""

from __future__ import annotations

import datetime
import itertools
import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.preprocessing import OneHotEncoder

__all__ = [
    "FeatureLayout",
    "as_pandas",
    "feature_groups_from_transformer",
    "has_text",
    "refuse_missing",
]


#: A text column is refused as an identifier when it holds more than ``MAX_LEVELS``
#: levels and more than ``MAX_LEVEL_SHARE`` of its rows are levels of their own, and as
#: dates written as text when its more than ``MAX_LEVELS`` levels are all dates (fewer,
#: such as a dozen months, stay categories).
MAX_LEVELS = 20
MAX_LEVEL_SHARE = 0.5


def _column_error(kind: type[Exception], message: str, columns: list[str]) -> Exception:
    """``kind(message)`` with the offending ``columns`` attached (the command line turns
    them into its ``--drop`` option)."""
    error = kind(message)
    error.columns = list(columns)
    return error


def as_pandas(X):
    """``X`` as a pandas DataFrame when it is another library's table (a polars
    DataFrame, a pyarrow Table: a ``to_pandas`` method and columns), so that its column
    names, text columns, dates and missing values are read as a DataFrame's; anything
    else as it is. (Read directly, a polars frame with a text column became an object
    array: its columns were named x0, x1, ... and its dates failed in NumPy.)"""
    if not isinstance(X, pd.DataFrame) and hasattr(X, "to_pandas") and hasattr(X, "columns"):
        return X.to_pandas()
    return X


def _is_frame(X) -> bool:
    return hasattr(X, "columns") and hasattr(X, "dtypes") and hasattr(X, "iloc")


def _is_temporal(dtype) -> bool:
    """Whether ``dtype`` holds dates, times or durations (pandas or NumPy)."""
    return (
        pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
        or isinstance(dtype, pd.PeriodDtype)
    )


def _written_dates(distinct) -> bool:
    """Whether every one of a text column's ``distinct`` values is a date (or date and
    time) written as ISO 8601 with separators, ``2020-01-05`` or ``2020/01/05 10:30``."""
    distinct = pd.Series(distinct)
    if not distinct.str.match(r"^\d{4}[-/]\d{1,2}").all():
        return False
    return bool(pd.to_datetime(distinct, format="ISO8601", errors="coerce").notna().all())


#: A number written as text: digits with thousands separators or a decimal mark, a
#: currency or percent sign, a sign or accounting parentheses (``$2,339.59``, ``10.4%``,
#: ``1.234,5 €``, ``(12)``).
_WRITTEN_NUMBER = r"^\s*[-+(]?\s*[$€£¥]?\s*[-+]?\d[\d,.'\s\u00a0\u202f]*\s*[%$€£¥]?\s*\)?\s*$"


def _written_numbers(distinct) -> bool:
    """Whether every one of a text column's ``distinct`` values is a number written as
    text (:data:`_WRITTEN_NUMBER`), not all of them bare digits (codes such as
    ``00123`` are identifiers, as likely as numbers)."""
    distinct = pd.Series(distinct, dtype=str)
    return bool(
        distinct.str.match(_WRITTEN_NUMBER).all() and not distinct.str.fullmatch(r"\d+").all()
    )


def _column_kind(values) -> str:
    """``"numeric"``, ``"boolean"``, ``"categorical"`` or ``"temporal"`` (dates, times,
    durations: refused by :meth:`FeatureLayout.fit`) for one column."""
    dtype = getattr(values, "dtype", None)
    if dtype is not None:
        if _is_temporal(dtype):
            return "temporal"
        if pd.api.types.is_bool_dtype(dtype):
            return "boolean"
        if isinstance(dtype, pd.CategoricalDtype):
            return "categorical"
        if pd.api.types.is_numeric_dtype(dtype):
            return "numeric"
    # object / string columns: numbers stored as objects are numeric, else text
    series = pd.Series(np.asarray(values, dtype=object))
    present = series[series.notna()]
    if len(present) == 0:
        return "numeric"
    if present.map(lambda v: isinstance(v, bool | np.bool_)).all():
        return "boolean"
    temporal = (datetime.date, datetime.time, datetime.timedelta, np.datetime64, np.timedelta64)
    if present.map(lambda v: isinstance(v, (*temporal, pd.Period))).all():
        return "temporal"
    numbers_only = present.map(lambda v: isinstance(v, numbers.Real | np.number | str))
    converted = pd.to_numeric(present.where(numbers_only), errors="coerce")
    if converted.notna().all() and not present.map(lambda v: isinstance(v, str)).any():
        return "numeric"
    return "categorical"


def _missing(values) -> np.ndarray:
    """Per row: whether the value is missing (NaN, None, NA)."""
    return pd.isna(pd.Series(values)).to_numpy()


def _refuse_missing(series: Sequence, columns: Sequence[str]) -> None:
    """A ValueError naming the columns that hold missing values, and the fix."""
    missing = [name for name, s in zip(columns, series, strict=True) if _missing(s).any()]
    if missing:
        empty = [n for n, s in zip(columns, series, strict=True) if _missing(s).all()]
        detail = f" ({empty} hold no value at all: drop them)" if empty else ""
        raise ValueError(
            f"X has missing values (NaN/None) in column(s) {missing}{detail}. Impute "
            "them first, e.g. Pipeline([('impute', SimpleImputer(strategy="
            "'most_frequent')), ('explain', estimator)]), or drop those rows."
        )


def refuse_missing(X, columns: Sequence[str] | None = None) -> None:
    """A ValueError naming the columns of ``X`` (DataFrame or array) that hold missing
    values; ``columns`` names an array's columns (default ``x0 …``)."""
    series = _columns_of(X)
    if columns is None:
        columns = [str(c) for c in X.columns] if _is_frame(X) else None
    _refuse_missing(series, columns or [f"x{j}" for j in range(len(series))])


def has_text(X) -> bool:
    """Whether ``X`` holds columns that are not plain numbers (text, categories,
    booleans stored as objects): those go through :class:`FeatureLayout`'s encoder."""
    if _is_frame(X):
        return any(
            not pd.api.types.is_numeric_dtype(t) or isinstance(t, pd.CategoricalDtype)
            for t in X.dtypes
        )
    if sp.issparse(X) or not hasattr(X, "__len__"):
        return False
    return np.asarray(X).dtype.kind in "OUSMm"  # M, m: dates and durations, refused there


class FeatureLayout:
    """How the columns of ``X`` become network inputs and ranked features.

    Build it with :meth:`fit`; ``encode`` then maps any ``X`` with the same columns to
    the float64 matrix the network takes.

    Attributes
    ----------
    columns : list of str
        The original column names (``x0 … x{d-1}`` without names).
    kinds : list of str
        Per original column: ``"numeric"``, ``"boolean"`` or ``"categorical"``.
    encoded_names : list of str
        Names of the encoded columns (``"workclass=Private"`` for a dummy).
    dummy : ndarray of bool
        Per encoded column: a 0/1 indicator (a one-hot dummy made here, or a
        column of 0s and 1s made elsewhere), fed to the network as it is.
    feature_names : list of str
        The features every ranking names: original columns, or group names.
    members : list of ndarray of int
        Per feature, its encoded columns.
    feature_of : ndarray of int
        Per encoded column, its feature.
    groups : dict of str to list of str
        Per feature, the original columns it holds.
    level_columns : list of ndarray of int
        Per text (one-hot encoded) column, its dummies' encoded columns.
    share : ndarray of float
        Per encoded column, the share of the rows ``fit`` saw with its level (a
        dummy of a text column); NaN for other columns.
    direction : ndarray of float
        Per encoded column, its sign in the one direction its feature moves in: 1 for
        a feature of one column; -1 and 1 for the first and second level of a feature
        that is one text column of two levels (from the first to the second, in sorted
        order); 0 in a feature of several columns otherwise (no single direction).
    identity : bool
        Every feature is one numeric column, unchanged: encoding is the identity.
    """

    def __init__(self, columns, kinds, encoder, categorical, groups, binary=(), shares=None):
        self.columns = list(columns)
        self.kinds = list(kinds)
        self.encoder = encoder
        self.categorical = list(categorical)  # positions of the categorical columns
        encoded_names, dummy, owner = [], [], []
        levels = iter(encoder.categories_ if encoder is not None else [])
        for j, name in enumerate(self.columns):
            if j in self.categorical:
                for level in next(levels):
                    encoded_names.append(f"{name}={level}")
                    dummy.append(True)
                    owner.append(j)
            else:
                encoded_names.append(name)
                dummy.append(j in binary)
                owner.append(j)
        self.encoded_names = encoded_names
        self.dummy = np.asarray(dummy, dtype=bool)
        owner = np.asarray(owner)
        self.groups = dict(groups)
        self.feature_names = list(self.groups)
        position = {name: j for j, name in enumerate(self.columns)}
        self.members = [
            np.flatnonzero(np.isin(owner, [position[c] for c in cols])) for cols in groups.values()
        ]
        self.feature_of = np.empty(len(encoded_names), dtype=np.int64)
        for f, members in enumerate(self.members):
            self.feature_of[members] = f
        self.identity = not self.categorical and all(len(m) == 1 for m in self.members)
        self.level_columns = [np.flatnonzero(owner == j) for j in self.categorical]
        self.share = np.full(len(encoded_names), np.nan)
        if shares is not None:
            for dummies, share in zip(self.level_columns, shares, strict=True):
                self.share[dummies] = share
        self.direction = np.zeros(len(encoded_names))
        for members in self.members:
            if len(members) == 1:
                self.direction[members] = 1.0
            elif len(members) == 2 and len(set(owner[members])) == 1:  # one text column
                self.direction[members] = [-1.0, 1.0]

    # ------------------------------------------------------------------ fitting
    @classmethod
    def fit(cls, X, feature_groups=None, columns=None) -> FeatureLayout:
        """Read the columns of ``X`` (DataFrame, array or sparse matrix) and check them.

        Raises a ValueError naming the columns for missing values, a categorical column
        with a single level, a text column with a level of its own on most rows
        (:data:`MAX_LEVELS`, :data:`MAX_LEVEL_SHARE`) or with more than
        :data:`MAX_LEVELS` dates written as text, and for ``feature_groups`` naming
        an unknown column, a column twice, or an empty group; a TypeError for columns
        of dates, times or durations and when ``feature_groups`` is not a dict of lists.
        The errors about columns to drop carry them as ``error.columns``, as does the
        UserWarning for numeric columns that number the rows (:func:`_numbers_rows`).
        """
        series = _columns_of(X)
        if columns is None:
            columns = [str(c) for c in X.columns] if _is_frame(X) else None
        columns = [f"x{j}" for j in range(len(series))] if columns is None else list(columns)
        _refuse_missing(series, columns)
        kinds = [_column_kind(s) for s in series]
        temporal = [columns[j] for j, kind in enumerate(kinds) if kind == "temporal"]
        if temporal:
            raise _column_error(
                TypeError,
                f"column(s) {temporal} hold dates, times or durations, which the network "
                "cannot take as they are. Turn each into numbers first: days since a "
                "start (for a DataFrame column c, (X[c] - X[c].min()).dt.days) or a "
                "calendar part (X[c].dt.month, then a category if it acts by level).",
                temporal,
            )
        categorical = [j for j, kind in enumerate(kinds) if kind == "categorical"]
        encoder = None
        if categorical:
            text = {j: pd.Series(series[j]).astype(str).to_numpy() for j in categorical}
            distinct = {j: pd.unique(text[j]) for j in categorical}
            levels = {j: len(distinct[j]) for j in categorical}
            single = [columns[j] for j in categorical if levels[j] < 2]
            if single:
                raise _column_error(
                    ValueError,
                    f"categorical column(s) {single} hold a single level: they cannot "
                    "interact with anything. Drop them.",
                    single,
                )
            n_rows = len(series[0])
            many = [j for j in categorical if levels[j] > MAX_LEVELS]
            unique = [j for j in many if levels[j] > n_rows * MAX_LEVEL_SHARE]
            # (text columns, how each is described, what they hold and the fix), the
            # first that applies is raised
            refusals = [
                (
                    [j for j in many if _written_dates(distinct[j])],
                    lambda j: f"{levels[j]} dates",
                    "hold dates written as text: one-hot encoded, every date would be a "
                    "level of its own, unrelated to the next. Turn them into numbers first: "
                    "days since a start (for a DataFrame column c, d = pd.to_datetime(X[c]); "
                    "X[c] = (d - d.min()).dt.days) or a calendar part (d.dt.month).",
                ),
                (
                    [j for j in unique if _written_numbers(distinct[j])],
                    lambda j: f"e.g. {distinct[j][0]!r}",
                    "hold numbers written as text: one-hot encoded, each value would be a "
                    "level of its own, unrelated to the next. Convert them to numbers "
                    "first: for a DataFrame column c, X[c] = pd.to_numeric(X[c].str."
                    "replace(r'[^0-9.eE+-]', '', regex=True)) (with decimal commas, remove "
                    "the thousands separators and turn the comma into a point first).",
                ),
                (
                    unique,
                    lambda j: f"{levels[j]} levels in {n_rows} rows",
                    "hold a different value on most rows, like an identifier, free text or "
                    "dates written as text: one-hot encoded, each level is seen on a row or "
                    "two and cannot be learnt. Drop them, map them to fewer categories "
                    "first (e.g. the 20 most frequent levels and 'other'), or turn dates "
                    "into numbers (days since a start).",
                ),
            ]
            for refused, describe, message in refusals:
                if refused:
                    described = ", ".join(f"{columns[j]!r} ({describe(j)})" for j in refused)
                    raise _column_error(
                        ValueError,
                        f"text column(s) {described} {message}",
                        [columns[j] for j in refused],
                    )
            encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False, dtype=np.float64)
            encoder.fit(np.column_stack([text[j] for j in categorical]))
        shares = [
            np.array([np.mean(text[j] == level) for level in levels])
            for j, levels in zip(categorical, encoder.categories_ if encoder else [])
        ]
        counting = [
            columns[j]
            for j, kind in enumerate(kinds)
            if kind == "numeric" and _numbers_rows(series[j])
        ]
        if counting:
            warning = UserWarning(
                f"column(s) {counting} hold every whole number of a range once, like a row "
                "number or an identifier: their interactions would describe the order of "
                "the rows, not the data. Drop them, unless that order means something "
                "(such as time)."
            )
            warning.columns = counting  # the command line turns them into --drop
            warnings.warn(warning, stacklevel=4)
        groups = _check_groups(feature_groups, columns)
        binary = [
            j for j, kind in enumerate(kinds) if kind != "categorical" and _is_indicator(series[j])
        ]
        return cls(columns, kinds, encoder, categorical, groups, binary, shares)

    # ------------------------------------------------------------------ encoding
    def encode(self, X) -> np.ndarray:
        """``X`` as the float64 matrix of encoded columns the network takes."""
        series = _columns_of(X)
        if self.identity:
            return _numeric(series, self.columns)
        _refuse_missing(series, self.columns)
        numeric = [j for j in range(len(self.columns)) if j not in self.categorical]
        values = _numeric([series[j] for j in numeric], [self.columns[j] for j in numeric])
        blocks = dict(zip(numeric, values.T, strict=True))
        encoded = {}
        if self.categorical:
            text = np.column_stack(
                [pd.Series(series[j]).astype(str).to_numpy() for j in self.categorical]
            )
            dummies = self.encoder.transform(text)
            start = 0
            for j, levels in zip(self.categorical, self.encoder.categories_, strict=True):
                encoded[j] = dummies[:, start : start + len(levels)]
                start += len(levels)
        parts = [
            encoded[j] if j in encoded else blocks[j][:, None] for j in range(len(self.columns))
        ]
        return np.hstack(parts)

    # ------------------------------------------------------------------ features
    @property
    def n_features(self) -> int:
        return len(self.feature_names)

    def same_information(self, X) -> list[tuple[str, str]]:
        """Pairs of features that carry the same information in the encoded ``X``.

        Two features do when their values match one to one (each distinct value of one
        goes with a single value of the other, and back), with values repeated (at
        most half as many distinct values as rows), as a text column and its numeric
        code do. An interaction of one can then be written with the other.
        """
        codes = [
            np.unique(X[:, members], axis=0, return_inverse=True)[1].ravel()
            for members in self.members
        ]
        counts = [int(code.max()) + 1 for code in codes]  # distinct values per feature
        pairs = []
        for f, g in itertools.combinations(range(self.n_features), 2):
            k = counts[f]
            if k != counts[g] or not 2 <= k <= len(X) / 2:
                continue
            if len(np.unique(codes[f] * k + codes[g])) == k:
                pairs.append((self.feature_names[f], self.feature_names[g]))
        return pairs

    def expand(self, feature_sets: Sequence[Sequence[int]]) -> tuple[list, np.ndarray]:
        """Encoded-column sets with one member per feature of each set, and per such
        set the position of the feature set it belongs to."""
        sets, owner = [], []
        for s, features in enumerate(feature_sets):
            block = np.array(np.meshgrid(*[self.members[f] for f in features], indexing="ij"))
            block = block.reshape(len(features), -1).T
            sets.extend(tuple(sorted(int(i) for i in row)) for row in block)
            owner.extend([s] * len(block))
        return sets, np.asarray(owner, dtype=np.int64)

    def centre(self, values: np.ndarray, columns) -> np.ndarray:
        """``values[..., m]``, effects of the encoded sets ``columns[m]`` (tuples of
        encoded columns, or single columns) in standardized units, with the part no
        data can tell apart removed.

        A text column's dummies sum to one on every row, so a network's mixed partials
        by them are fixed by the data only up to a common shift (in 0/1 units): moving
        every dummy at once leaves the data's rows, and any slope the network gives that
        move, such as another feature's main effect written through the dummies, adds
        the same amount to each level's partial. For each text column in a set and the
        other columns held fixed, the share-weighted mean over its levels is taken out
        (0/1 units, shares of the training rows): what is left is how the levels'
        effects differ, as in a functional ANOVA of the data. Every set that holds a
        text column also holds all of its levels (:meth:`expand`).
        """
        return self.centring(columns)(values)

    def centring(self, columns) -> Callable[[np.ndarray], np.ndarray]:
        """:meth:`centre` for effects of the encoded sets ``columns``, planned once: for
        many arrays of effects of the same sets (networks, classes)."""
        plans = self._centring(columns)

        def centre(values: np.ndarray) -> np.ndarray:
            values = np.array(values, dtype=np.float64)
            for index, share, scale in plans:
                block = values[..., index]  # (..., groups, levels)
                mean = block @ (share / scale)  # share-weighted mean in 0/1 units
                values[..., index] = block - mean[..., None] * scale
            return values

        return centre

    def _centring(self, columns) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per text column in ``columns`` and place in a set: ``(index, share, scale)``,
        the positions in ``columns`` of each set of entries that differ only in its level
        there ``(groups, levels)``, its levels' shares and their standard deviations."""
        if not self.level_columns:
            return []
        column_of = {int(c): t for t, dummies in enumerate(self.level_columns) for c in dummies}
        level_of = {int(c): i for dummies in self.level_columns for i, c in enumerate(dummies)}
        found: dict = {}
        for m, entry in enumerate(columns):
            entry = tuple(int(c) for c in np.atleast_1d(entry))
            for k, c in enumerate(entry):
                if c in column_of:
                    key = (column_of[c], k, entry[:k] + entry[k + 1 :])
                    found.setdefault(key, {})[level_of[c]] = m
        # one plan per text column and place in the sets: a Hessian's block of a text
        # column with itself is centred along each of its two axes in turn
        plans = []
        for t, k in sorted({key[:2] for key in found}):
            dummies = self.level_columns[t]
            groups = [found[key] for key in found if key[:2] == (t, k)]
            if any(len(g) != len(dummies) for g in groups):
                raise ValueError("a set holds some levels of a text column but not all.")
            index = np.array([[g[i] for i in range(len(dummies))] for g in groups])
            share = self.share[dummies]
            plans.append((index, share, np.sqrt(share * (1 - share))))
        return plans

    def reduce(self, values: np.ndarray, owner: np.ndarray, n_sets: int, columns) -> np.ndarray:
        """Signed root sum of squares over the last axis, per owning feature set.

        ``values[..., m]`` is the effect of encoded set ``columns[m]`` (a tuple of
        encoded columns, or one column), which belongs to feature set ``owner[m]``.
        Returns ``(..., n_sets)``: ``(Σ entries²)^½`` per feature set (the entry itself
        for single-column features), signed as the block's effect along the direction
        each feature moves in (:attr:`direction`: a text column of two levels from its
        first level to its second) where every feature of the set has one, else as the
        block's largest entry.
        """
        return self.reducer(owner, n_sets, columns)(values)

    def reducer(
        self, owner: np.ndarray, n_sets: int, columns
    ) -> Callable[[np.ndarray], np.ndarray]:
        """:meth:`reduce` for effects of the encoded sets ``columns``, planned once (the
        centring, the directions and the blocks): for many arrays of effects of the same
        sets (blocks of rows)."""
        centre = self.centring(columns)
        contrast = np.array([np.prod(self.direction[np.atleast_1d(c)]) for c in columns])
        order = np.argsort(owner, kind="stable")
        owner, contrast = np.asarray(owner)[order], contrast[order]
        starts = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
        blocks = list(zip(starts, np.r_[starts[1:], len(owner)], strict=True))

        def reduce(values: np.ndarray) -> np.ndarray:
            values = centre(values)
            flat = values.reshape(-1, values.shape[-1])[:, order]
            out = np.zeros((len(flat), n_sets))
            for start, stop in blocks:
                block = flat[:, start:stop]
                sign = np.sign(block[np.arange(len(block)), np.argmax(np.abs(block), axis=1)])
                if contrast[start:stop].all():
                    along = np.sign(block @ contrast[start:stop])
                    sign = np.where(along != 0, along, sign)
                out[:, owner[start]] = sign * np.sqrt((block**2).sum(axis=1))
            return out.reshape(*values.shape[:-1], n_sets)

        return reduce

    def reduce_matrix(self, H: np.ndarray) -> np.ndarray:
        """``(n, d_enc, d_enc)`` Hessians to ``(n, G, G)``: each block's signed root sum
        of squares."""
        if self.identity:
            return H
        G = self.n_features
        owner = (self.feature_of[:, None] * G + self.feature_of[None, :]).ravel()
        columns = list(itertools.product(range(len(self.feature_of)), repeat=2))
        return self.reduce(H.reshape(len(H), -1), owner, G * G, columns).reshape(len(H), G, G)


#: A numeric column is taken for a row number when it holds every whole number of a
#: range once over at least this many rows (fewer, and such a column is as likely a
#: small table's measurement).
MIN_ROWS_NUMBERED = 20


def _numbers_rows(values) -> bool:
    """Whether a numeric column holds every whole number from its minimum to its
    maximum exactly once (in any order), over :data:`MIN_ROWS_NUMBERED` rows or more:
    a row number, such as the index pandas writes with a table, or an identifier."""
    try:
        values = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    n = len(values)
    if n < MIN_ROWS_NUMBERED or not np.isfinite(values).all():
        return False
    if np.ptp(values) != n - 1 or not np.array_equal(values, np.round(values)):
        return False
    return len(np.unique(values)) == n


def _is_indicator(values) -> bool:
    """Whether a numeric column holds 0 and 1 only (both): a dummy made elsewhere."""
    try:
        values = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    present = np.unique(values)
    return len(present) == 2 and present[0] == 0 and present[1] == 1


def _columns_of(X) -> list:
    """The columns of a DataFrame, array or sparse matrix, one sequence each."""
    if _is_frame(X):
        return [X.iloc[:, j] for j in range(X.shape[1])]
    array = X.toarray() if sp.issparse(X) else np.asarray(X)
    if array.ndim != 2:
        raise ValueError(
            f"X must be 2-D (n_samples, n_features), got shape {array.shape}; reshape a "
            "single feature with X.reshape(-1, 1)."
        )
    return [array[:, j] for j in range(array.shape[1])]


def _numeric(series: Sequence, names: Sequence[str]) -> np.ndarray:
    """Numeric and boolean columns as float64, with an error naming what is not."""
    columns = []
    for name, values in zip(names, series, strict=True):
        try:
            columns.append(np.asarray(values, dtype=np.float64))
        except (TypeError, ValueError):
            raise ValueError(
                f"column {name!r} was numeric when the estimator was fitted but holds "
                "text now; pass the columns fit saw."
            ) from None
    if not columns:
        return np.empty((len(series[0]) if series else 0, 0))
    out = np.column_stack(columns)
    infinite = [n for n, c in zip(names, out.T, strict=True) if not np.isfinite(c).all()]
    if infinite:
        raise ValueError(
            f"X contains infinity or NaN in column(s) {infinite}; replace those values."
        )
    return out


def _check_groups(feature_groups, columns: list[str]) -> dict[str, list[str]]:
    """Every feature, in column order: user groups at their first column's place."""
    if feature_groups is None:
        return {name: [name] for name in columns}
    if not isinstance(feature_groups, Mapping):
        raise TypeError(
            "feature_groups must be None or a dict {group name: [columns]}, got "
            f"{type(feature_groups).__name__}."
        )
    owner = {}
    for group, members in feature_groups.items():
        if not isinstance(group, str):
            raise TypeError(f"feature_groups keys must be str group names, got {group!r}.")
        if isinstance(members, str | bytes) or not isinstance(members, Sequence | np.ndarray):
            raise TypeError(
                f"feature_groups[{group!r}] must be a list of column names or positions, "
                f"got {members!r}."
            )
        if len(members) == 0:
            raise ValueError(f"feature_groups[{group!r}] is empty; give it columns or drop it.")
        for member in members:
            if isinstance(member, numbers.Integral) and not isinstance(member, bool):
                if not 0 <= int(member) < len(columns):
                    raise ValueError(
                        f"feature_groups[{group!r}] names column position {member}, but X "
                        f"has {len(columns)} columns."
                    )
                name = columns[int(member)]
            elif str(member) in columns:
                name = str(member)
            else:
                raise ValueError(
                    f"feature_groups[{group!r}] names column {member!r}, which is not in "
                    f"X; X's columns are {columns[:20]}{' …' if len(columns) > 20 else ''}."
                )
            if name in owner:
                raise ValueError(
                    f"column {name!r} is in two groups, {owner[name]!r} and {group!r}; "
                    "a column may belong to one group only."
                )
            owner[name] = group
    clash = [g for g in feature_groups if g in columns and owner.get(g) != g]
    if clash:
        raise ValueError(
            f"group name(s) {clash} are also names of columns outside those groups; "
            "rename the groups."
        )
    groups: dict[str, list[str]] = {}
    for name in columns:
        group = owner.get(name, name)
        groups.setdefault(group, []).append(name)
    return groups


def feature_groups_from_transformer(transformer) -> dict[str, list[int]]:
    """Feature groups mapping each original column to the output columns made from it.

    For a fitted :class:`~sklearn.compose.ColumnTransformer` (or a fitted
    :class:`~sklearn.preprocessing.OneHotEncoder`, or a Pipeline ending in either), read
    ``get_feature_names_out``: every output column made from one input column (a
    one-hot dummy ``workclass_Private``, a scaled ``age``) is assigned to it. Outputs
    made from several columns (e.g. a PCA) form one group named after their
    transformer. Pass the result as ``feature_groups`` to an estimator placed after the
    transformer, so its rankings name the original columns.

    Parameters
    ----------
    transformer : fitted ColumnTransformer, OneHotEncoder or Pipeline

    Returns
    -------
    dict of str to list of int
        Original column name → positions of its output columns (positions work for
        array output and for ``set_output(transform="pandas")`` alike).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.compose import ColumnTransformer
    >>> from sklearn.preprocessing import OneHotEncoder, StandardScaler
    >>> X = pd.DataFrame({"age": [30, 40, 50], "job": ["a", "b", "a"]})
    >>> ct = ColumnTransformer([("num", StandardScaler(), ["age"]),
    ...                         ("cat", OneHotEncoder(), ["job"])]).fit(X)
    >>> feature_groups_from_transformer(ct)
    {'age': [0], 'job': [1, 2]}
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    if isinstance(transformer, Pipeline):
        transformer = transformer[-1]
    if not hasattr(transformer, "get_feature_names_out"):
        raise TypeError(
            "transformer must be a fitted ColumnTransformer, OneHotEncoder or a Pipeline "
            f"ending in one; got {type(transformer).__name__}."
        )
    parts = []  # (transformer name, input column names, output names)
    if isinstance(transformer, ColumnTransformer):
        if not hasattr(transformer, "transformers_"):
            raise ValueError(
                "transformer is a ColumnTransformer that has not been fitted; fit it first."
            )
        names_in = list(getattr(transformer, "feature_names_in_", []))
        for name, step, cols in transformer.transformers_:
            if step == "drop" or (isinstance(cols, Sequence | np.ndarray) and len(cols) == 0):
                continue
            cols = np.atleast_1d(cols)
            if cols.dtype == bool:
                cols = np.flatnonzero(cols)
            inputs = [
                names_in[c]
                if isinstance(c, numbers.Integral) and names_in
                else str(c)
                if not isinstance(c, numbers.Integral)
                else f"x{c}"
                for c in cols
            ]
            if step == "passthrough":
                outputs = list(inputs)
            else:
                outputs = [str(o) for o in step.get_feature_names_out(inputs)]
            parts.append((name, inputs, outputs))
    else:
        try:
            outputs = [str(o) for o in transformer.get_feature_names_out()]
        except (AttributeError, TypeError, ValueError) as error:  # NotFittedError is a ValueError
            raise ValueError(
                f"transformer cannot name its outputs ({error}); fit it first."
            ) from None
        inputs = [str(c) for c in getattr(transformer, "feature_names_in_", [])] or [
            f"x{j}" for j in range(transformer.n_features_in_)
        ]
        parts.append((type(transformer).__name__.lower(), inputs, outputs))

    groups: dict[str, list[int]] = {}
    position = 0
    for name, inputs, outputs in parts:
        for output in outputs:
            source = [c for c in inputs if output == c or output.startswith(f"{c}_")]
            if len(inputs) == 1:
                key = inputs[0]
            elif source:
                key = max(source, key=len)
            else:
                key = name
            groups.setdefault(key, []).append(position)
            position += 1
    return groups
