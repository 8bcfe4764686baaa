"""Saving interaction rankings to CSV or JSON files, and loading them back unchanged.

Both formats keep every column's dtype, so that ``load_ranking(save_ranking(r))``
equals ``r``: the tuple columns ``features`` and ``indices`` come back as tuples of
``str`` and ``int``, ``order`` as integers, ``strength`` and ``effect`` as floats with
their NaNs. Cells of text and tuple columns hold JSON, so that names with commas,
quotes, colons or newlines survive.
"""

from __future__ import annotations

import ast
import csv
import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from sk_interact._ranking import RANKING_COLUMNS, check_frame

__all__ = ["load_ranking", "save_ranking"]

FORMATS = ("csv", "json")
# The first line of a saved CSV; a header line such as ``interactions_.to_csv`` writes
# has no such marker and is read as a plain CSV.
_CSV_MARKER = "# sk_interact ranking "
_FORMAT_NAME = "sk_interact.ranking"
_VERSION = 1
_TUPLE_COLUMNS = {"features": str, "indices": int}


def _check_format(path, format: str | None) -> str:
    """``format`` itself, or the one the suffix of ``path`` names."""
    if format is None:
        suffix = Path(path).suffix.lower().lstrip(".")
        if suffix not in FORMATS:
            raise ValueError(
                f"Cannot infer the format from the suffix of {os.fspath(path)!r}; name the "
                f"file *.csv or *.json, or pass format='csv' or format='json'."
            )
        return suffix
    if format not in FORMATS:
        raise ValueError(f"format must be 'csv', 'json' or None, got {format!r}.")
    return format


def _kind(dtype) -> str:
    """How a column is written: "float", "int", "bool", "json" (text and objects) or,
    for categories, dates and complex numbers, "unsupported"."""
    if isinstance(dtype, pd.CategoricalDtype) or dtype.kind not in "biufO":
        return "unsupported"
    if dtype.kind == "O":
        return "json"
    return {"b": "bool", "i": "int", "u": "int", "f": "float"}[dtype.kind]


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _to_json_value(value):
    """One cell as a JSON value: tuples, lists and arrays as arrays, NaN as null."""
    if isinstance(value, (tuple, list, np.ndarray)):
        return [_to_json_value(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    return None if _missing(value) else value


def _from_json_value(value, column: str):
    """Inverse of :func:`_to_json_value`; arrays come back as tuples."""
    if column in _TUPLE_COLUMNS:
        return tuple(_TUPLE_COLUMNS[column](item) for item in value)
    if isinstance(value, list):
        return tuple(_from_json_value(item, "") for item in value)
    return value


def _encode(series: pd.Series, kind: str) -> list:
    """A column as a list of JSON values (None where missing)."""
    values = series.astype(object).tolist()
    if kind == "json":
        return [_to_json_value(value) for value in values]
    if kind == "float":
        # Not-a-number is null; infinities are the strings "inf" and "-inf" (JSON has none).
        return [
            None if _missing(v) else float(v) if math.isfinite(v) else repr(float(v))
            for v in values
        ]
    convert = bool if kind == "bool" else int
    return [None if _missing(v) else convert(v) for v in values]


def _decode(values: list, column: str, dtype_name: str) -> pd.Series:
    """A column from its list of JSON values and its dtype's name."""
    dtype = pd.api.types.pandas_dtype(dtype_name)
    kind = _kind(dtype)
    if kind == "json":
        values = [None if v is None else _from_json_value(v, column) for v in values]
        series = pd.Series(values, dtype=object, name=column)
        return series if pd.api.types.is_object_dtype(dtype) else series.astype(dtype)
    if kind == "float":
        values = [np.nan if v is None else float(v) for v in values]
    return pd.Series(values, dtype=dtype, name=column)


def _check_ranking(ranking) -> pd.DataFrame:
    check_frame(
        ranking,
        RANKING_COLUMNS,
        name="ranking",
        what="such as interactions_",
        missing_hint=f"a ranking has the columns {RANKING_COLUMNS}, like an estimator's "
        "interactions_.",
    )
    if not all(isinstance(column, str) for column in ranking.columns):
        raise ValueError("ranking column names must be strings.")
    if not ranking.columns.is_unique:
        raise ValueError("ranking column names must be unique.")
    for column, dtype in ranking.dtypes.items():
        if _kind(dtype) == "unsupported":
            raise TypeError(
                f"Cannot save column {column!r} of dtype {dtype}: rankings are saved with "
                "numeric, boolean, text and object (JSON) columns only."
            )
    return ranking


def save_ranking(ranking: pd.DataFrame, path, *, format: str | None = None) -> None:
    """Write an interaction ranking to a CSV or JSON file.

    Parameters
    ----------
    ranking : DataFrame
        A ranking with the columns ``features``, ``indices``, ``order``,
        ``strength`` and ``effect`` (such as an estimator's ``interactions_``),
        plus any numeric, boolean, text or object columns. It is not modified; its
        index is not saved.
    path : str or path-like
        File to write; an existing file is replaced.
    format : {"csv", "json"}, default=None
        File format; None infers it from the suffix of ``path`` (``.csv`` or
        ``.json``).

    Returns
    -------
    None

    See Also
    --------
    load_ranking : Read a saved ranking back.

    Notes
    -----
    **CSV.** The first line is ``# sk_interact ranking {...}``, a JSON object with
    every column's dtype; then comes an ordinary CSV table, one row per interaction.
    Numbers are written exactly (shortest round-trip representation), missing numbers
    as empty cells; cells of tuple, text and object columns hold JSON, such as
    ``["age", "income"]`` or ``"a, b"``. ``pandas.read_csv(path, skiprows=1)`` reads
    the table.

    **JSON.** An object with ``columns``, ``dtypes`` and ``rows``: one object per
    interaction, NaN written as ``null``, infinities as ``"inf"``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from sk_interact import load_ranking, save_ranking
    >>> from sk_interact._ranking import ranking_frame
    >>> ranking = ranking_frame([(0, 1), (1, 2, 3)], np.array([2.0, 0.5]),
    ...                         np.array([-2.0, np.nan]), ["a", "b, c", "d", "e"])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "ranking.csv"
    ...     save_ranking(ranking, path)
    ...     print(path.read_text(encoding="utf-8"), end="")  # doctest: +ELLIPSIS
    ...     loaded = load_ranking(path)
    # sk_interact ranking {"version": 1, "dtypes": {"features": "object", ...}}
    features,indices,order,strength,effect
    "[""a"", ""b, c""]","[0, 1]",2,2.0,-2.0
    "[""b, c"", ""d"", ""e""]","[1, 2, 3]",3,0.5,
    >>> loaded["features"][1]
    ('b, c', 'd', 'e')
    """
    format = _check_format(path, format)
    ranking = _check_ranking(ranking)
    columns = [str(column) for column in ranking.columns]
    dtypes = {column: str(dtype) for column, dtype in ranking.dtypes.items()}
    encoded = [_encode(ranking[column], _kind(ranking[column].dtype)) for column in columns]
    rows = list(zip(*encoded)) if columns else []

    if format == "json":
        head = {"format": _FORMAT_NAME, "version": _VERSION, "columns": columns, "dtypes": dtypes}
        # One interaction per line: readable and diffable, unlike one line or an indented tree.
        lines = [
            json.dumps(dict(zip(columns, row)), ensure_ascii=False, allow_nan=False) for row in rows
        ]
        body = ",".join(f"\n  {line}" for line in lines) + ("\n" if lines else "")
        with open(path, "w", encoding="utf-8") as file:
            file.write(json.dumps(head, ensure_ascii=False)[:-1] + f', "rows": [{body}]}}\n')
        return

    header = {"version": _VERSION, "dtypes": dtypes}
    kinds = [_kind(ranking[column].dtype) for column in columns]
    with open(path, "w", encoding="utf-8", newline="") as file:
        file.write(_CSV_MARKER + json.dumps(header, ensure_ascii=False) + "\n")
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(_csv_cell(value, kind) for value, kind in zip(row, kinds))


def _csv_cell(value, kind: str) -> str:
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    if value is None:
        return ""
    return repr(value) if kind == "float" and isinstance(value, float) else str(value)


def _csv_value(text: str, kind: str):
    """Inverse of :func:`_csv_cell`, as the JSON value :func:`_decode` takes."""
    if kind == "json":
        return json.loads(text)
    if text == "":
        return None
    if kind == "bool":
        if text not in ("True", "False"):
            raise ValueError(f"{text!r} is not a boolean cell.")
        return text == "True"
    return int(text) if kind == "int" else text


def load_ranking(path, *, format: str | None = None) -> pd.DataFrame:
    """Read an interaction ranking written by :func:`save_ranking`.

    Parameters
    ----------
    path : str or path-like
        File to read.
    format : {"csv", "json"}, default=None
        File format; None infers it from the suffix of ``path`` (``.csv`` or
        ``.json``).

    Returns
    -------
    ranking : DataFrame
        The saved ranking with its columns and dtypes, indexed from 0: ``features``
        and ``indices`` hold tuples of ``str`` and ``int``. A CSV without the
        ``save_ranking`` header line (as ``DataFrame.to_csv`` writes it) is read with
        :func:`pandas.read_csv`, its ``features`` and ``indices`` cells parsed as
        JSON arrays or Python tuples.

    See Also
    --------
    save_ranking : Write a ranking.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sk_interact import load_ranking, save_ranking
    >>> from sk_interact._ranking import ranking_frame
    >>> ranking = ranking_frame([(0, 1), (0, 2)], np.array([1.5, 0.25]),
    ...                         np.array([1.5, -0.5]), ["x0", "x1", "x2"])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_ranking(ranking, Path(folder) / "ranking.json")
    ...     loaded = load_ranking(Path(folder) / "ranking.json")
    >>> pd.testing.assert_frame_equal(loaded, ranking)
    >>> loaded
       features indices  order  strength  effect
    0  (x0, x1)  (0, 1)      2      1.50     1.5
    1  (x0, x2)  (0, 2)      2      0.25    -0.5
    """
    format = _check_format(path, format)
    if format == "json":
        with open(path, encoding="utf-8") as file:
            document = json.load(file)
        if not isinstance(document, dict) or document.get("format") != _FORMAT_NAME:
            raise ValueError(f"{os.fspath(path)!r} is not a ranking written by save_ranking.")
        columns, dtypes = document["columns"], document["dtypes"]
        values = {column: [row[column] for row in document["rows"]] for column in columns}
    else:
        with open(path, encoding="utf-8", newline="") as file:
            first = file.readline()
            if not first.startswith(_CSV_MARKER):
                file.seek(0)
                return _read_plain_csv(file)
            dtypes = json.loads(first[len(_CSV_MARKER) :])["dtypes"]
            reader = csv.reader(file)
            columns = next(reader)
            kinds = [_kind(pd.api.types.pandas_dtype(dtypes[column])) for column in columns]
            cells = list(reader)
        values = {
            column: [_csv_value(row[k], kind) for row in cells]
            for k, (column, kind) in enumerate(zip(columns, kinds))
        }
    return pd.DataFrame(
        {column: _decode(values[column], column, dtypes[column]) for column in columns},
        columns=columns,
    )


def _read_plain_csv(file) -> pd.DataFrame:
    """A ranking CSV without dtypes, such as ``interactions_.to_csv(path, index=False)``."""
    ranking = pd.read_csv(file)
    for column, convert in _TUPLE_COLUMNS.items():
        if column in ranking.columns:
            cells = [tuple(convert(item) for item in _parse_sequence(t)) for t in ranking[column]]
            ranking[column] = pd.Series(cells, index=ranking.index, dtype=object)
    return ranking


def _parse_sequence(text: str):
    """A JSON array (``["a", "b"]``) or a Python tuple (``('a', 'b')``) from one cell."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return ast.literal_eval(text)
