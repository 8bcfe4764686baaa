"""Saving interaction rankings to CSV, JSON or Parquet files, and loading them back unchanged.

Every format keeps every column's dtype, so that ``load_ranking`` of a file that
``save_ranking`` wrote equals the saved frame: the tuple columns ``features`` and
``indices`` come back as tuples of ``str`` and ``int``, ``order`` as integers,
``strength`` and ``effect`` as floats with their NaNs, and extra columns with their
dtypes. A CSV is a plain table that spreadsheets and ``pandas.read_csv`` read with no
options; what it cannot say itself (the dtypes) goes to a JSON sidecar next to it.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from sk_interact._ranking import RANKING_COLUMNS, check_ranking

__all__ = ["load_ranking", "save_ranking"]

FORMATS = ("csv", "json", "parquet")
_SUFFIXES = {"csv": "csv", "json": "json", "parquet": "parquet", "pq": "parquet"}
# The first line of a CSV written by sk_interact 0.x before the sidecar: still read.
_CSV_MARKER = "# sk_interact ranking "
_FORMAT_NAME = "sk_interact.ranking"
_VERSION = 2
_SIDECAR_SUFFIX = ".meta.json"
_PARQUET_KEY = b"sk_interact.ranking"
_TUPLE_COLUMNS = {"features": str, "indices": int}
# Joins the names of an interaction in a CSV cell, "age × workclass", as plots label them.
_TIMES = "\N{MULTIPLICATION SIGN}"
_JOIN = f" {_TIMES} "


def _check_format(path, format: str | None) -> str:
    """``format`` itself, or the one the suffix of ``path`` names."""
    if format is None:
        suffix = Path(path).suffix.lower().lstrip(".")
        if suffix not in _SUFFIXES:
            raise ValueError(
                f"Cannot infer the format from the suffix of {os.fspath(path)!r}; name the "
                "file *.csv, *.json or *.parquet, or pass format='csv', 'json' or 'parquet'."
            )
        return _SUFFIXES[suffix]
    if format not in FORMATS:
        raise ValueError(f"format must be 'csv', 'json', 'parquet' or None, got {format!r}.")
    return format


def _sidecar(path) -> Path:
    """The JSON file holding a CSV's dtypes: ``ranking.csv.meta.json``."""
    return Path(os.fspath(path) + _SIDECAR_SUFFIX)


def _kind(dtype) -> str:
    """How a column is written: "float", "int", "bool", "object" (text and objects) or,
    for categories, dates and complex numbers, "unsupported"."""
    if isinstance(dtype, pd.CategoricalDtype) or dtype.kind not in "biufO":
        return "unsupported"
    if dtype.kind == "O":
        return "object"
    return {"b": "bool", "i": "int", "u": "int", "f": "float"}[dtype.kind]


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _is_int(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _encoding(series: pd.Series) -> str:
    """How the cells of a column are written.

    "names" (tuples of str, ``a × b`` in a CSV), "ints" (tuples of int, ``(0, 3)``),
    "text" (str or missing, as they are), "json" (any other object column: a JSON value
    per cell), or the numeric kinds "float", "int" and "bool". A tuple column with an
    empty tuple or a missing cell is written as JSON, whose ``[]`` and ``null`` differ.
    """
    kind = _kind(series.dtype)
    if kind != "object":
        return kind
    values = series.astype(object).tolist()
    tuples = all(isinstance(v, tuple) and v for v in values)
    if tuples and all(isinstance(item, str) for v in values for item in v):
        return "names"
    if tuples and all(_is_int(item) for v in values for item in v):
        return "ints"
    if all(isinstance(v, str) or _missing(v) for v in values):
        return "text"
    return "json"


def _to_json_value(value):
    """One cell as a JSON value: tuples, lists and arrays as arrays, NaN as null."""
    if isinstance(value, tuple | list | np.ndarray):
        return [_to_json_value(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    return None if _missing(value) else value


def _from_json_value(value, column: str):
    """Inverse of :func:`_to_json_value`; arrays come back as tuples."""
    if column in _TUPLE_COLUMNS and isinstance(value, list):
        return tuple(_TUPLE_COLUMNS[column](item) for item in value)
    if isinstance(value, list):
        return tuple(_from_json_value(item, "") for item in value)
    return value


def _encode(series: pd.Series, kind: str) -> list:
    """A column as a list of JSON values (None where missing)."""
    values = series.astype(object).tolist()
    if kind == "object":
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
    if kind == "object":
        values = [None if v is None else _from_json_value(v, column) for v in values]
        series = pd.Series(values, dtype=object, name=column)
        return series if pd.api.types.is_object_dtype(dtype) else series.astype(dtype)
    if kind == "float":
        values = [np.nan if v is None else float(v) for v in values]
    return pd.Series(values, dtype=dtype, name=column)


def _check_ranking(ranking) -> pd.DataFrame:
    """``ranking`` after checking its schema and that every column can be saved."""
    check_ranking(ranking, RANKING_COLUMNS, name="ranking", use="save_ranking")
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
    """Write an interaction ranking to a CSV, JSON or Parquet file.

    Parameters
    ----------
    ranking : DataFrame
        A ranking with the columns ``features``, ``indices``, ``order``,
        ``strength`` and ``effect`` (such as an estimator's ``interactions_``),
        plus any numeric, boolean, text or object columns. It is not modified; its
        index is not saved.
    path : str or path-like
        File to write; an existing file is replaced.
    format : {"csv", "json", "parquet"}, default=None
        File format; None infers it from the suffix of ``path`` (``.csv``, ``.json``,
        ``.parquet`` or ``.pq``).

    Returns
    -------
    None

    See Also
    --------
    load_ranking : Read a saved ranking back.

    Notes
    -----
    **CSV.** A plain table: the first line is the header, then one row per
    interaction, which ``pandas.read_csv(path)`` and spreadsheets read with no
    options. ``features`` reads as text, the names joined by ``" × "`` (``age ×
    workclass``; a ``×`` or ``\\`` inside a name is escaped with a backslash);
    ``indices`` as a tuple, ``(0, 3)``. Numbers are written exactly (shortest
    round-trip representation), missing numbers and text as empty cells; other object
    columns hold one JSON value per cell. The dtypes, which a CSV cannot hold, go to
    the sidecar ``<path>.meta.json`` with the table's checksum; without it (or for a
    CSV from ``DataFrame.to_csv``) :func:`load_ranking` reads the file with
    :func:`pandas.read_csv` and restores the tuple columns only.

    **JSON.** An object with ``columns``, ``dtypes`` and ``rows``: one object per
    interaction, NaN written as ``null``, infinities as ``"inf"``.

    **Parquet** (needs ``pyarrow``). ``features`` and ``indices`` are lists of strings
    and integers; other object columns of text are strings, the rest JSON strings. The
    dtypes are kept in the file's metadata.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sk_interact import load_ranking, save_ranking
    >>> from sk_interact._ranking import ranking_frame
    >>> ranking = ranking_frame([(0, 1), (1, 2, 3)], np.array([2.0, 0.5]),
    ...                         np.array([-2.0, np.nan]), ["a", "b, c", "d", "e"])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "ranking.csv"
    ...     save_ranking(ranking, path)
    ...     print(path.read_text(encoding="utf-8"), end="")
    ...     table = pd.read_csv(path)
    ...     loaded = load_ranking(path)
    features,indices,order,strength,effect
    "a × b, c","(0, 1)",2,2.0,-2.0
    "b, c × d × e","(1, 2, 3)",3,0.5,
    >>> table["features"].tolist()
    ['a × b, c', 'b, c × d × e']
    >>> loaded["features"][1]
    ('b, c', 'd', 'e')
    """
    format = _check_format(path, format)
    ranking = _check_ranking(ranking)
    columns = list(ranking.columns)
    dtypes = {column: str(dtype) for column, dtype in ranking.dtypes.items()}
    encodings = {column: _encoding(ranking[column]) for column in columns}
    if format == "csv":
        _save_csv(ranking, path, dtypes, encodings)
    elif format == "parquet":
        _save_parquet(ranking, path, dtypes, encodings)
    else:
        _save_json(ranking, path, dtypes)


def _save_json(ranking: pd.DataFrame, path, dtypes: dict) -> None:
    columns = list(ranking.columns)
    encoded = [_encode(ranking[column], _kind(ranking[column].dtype)) for column in columns]
    rows = list(zip(*encoded)) if columns else []
    head = {"format": _FORMAT_NAME, "version": _VERSION, "columns": columns, "dtypes": dtypes}
    # One interaction per line: readable and diffable, unlike one line or an indented tree.
    lines = [
        json.dumps(dict(zip(columns, row)), ensure_ascii=False, allow_nan=False) for row in rows
    ]
    body = ",".join(f"\n  {line}" for line in lines) + ("\n" if lines else "")
    with open(path, "w", encoding="utf-8") as file:
        file.write(json.dumps(head, ensure_ascii=False)[:-1] + f', "rows": [{body}]}}\n')


# ---------------------------------------------------------------------------- CSV cells
def _escape(name: str) -> str:
    return name.replace("\\", "\\\\").replace(_TIMES, "\\" + _TIMES)


def _join_names(names) -> str:
    """``("age", "workclass")`` as ``"age × workclass"``."""
    return _JOIN.join(_escape(str(name)) for name in names)


def _split_names(text: str) -> tuple[str, ...]:
    """Inverse of :func:`_join_names`: split at every unescaped ``" × "``."""
    names, current, k = [], [], 0
    while k < len(text):
        if text[k] == "\\" and k + 1 < len(text):
            current.append(text[k + 1])
            k += 2
        elif text.startswith(_JOIN, k):
            names.append("".join(current))
            current = []
            k += len(_JOIN)
        else:
            current.append(text[k])
            k += 1
    names.append("".join(current))
    return tuple(names)


def _join_ints(values) -> str:
    """``(0, 3)`` as Python writes a tuple (``(3,)`` for one item)."""
    return repr(tuple(int(value) for value in values))


def _split_ints(text: str) -> tuple[int, ...]:
    """``(0, 3)``, ``[0, 3]``, ``0;3`` or ``0 × 3`` as a tuple of int."""
    inner = text.strip().removeprefix("(").removesuffix(")").removeprefix("[").removesuffix("]")
    parts = inner.replace(";", ",").replace(_TIMES, ",").split(",")
    try:
        values = tuple(int(part) for part in parts if part.strip())
    except ValueError:
        values = ()
    if not values:
        raise ValueError(f"{text!r} is not a tuple of column indices such as (0, 3).")
    return values


def _csv_cell(value, encoding: str) -> str:
    if encoding == "names":
        return _join_names(value)
    if encoding == "ints":
        return _join_ints(value)
    if _missing(value):
        return ""
    if encoding == "json":
        return json.dumps(_to_json_value(value), ensure_ascii=False, allow_nan=False)
    if encoding == "float":
        return repr(float(value))
    if encoding == "int":
        return str(int(value))
    return str(bool(value)) if encoding == "bool" else str(value)


def _csv_value(text: str, encoding: str):
    """Inverse of :func:`_csv_cell`, as the JSON value :func:`_decode` takes."""
    if encoding == "names":
        return list(_split_names(text))
    if encoding == "ints":
        return list(_split_ints(text))
    if encoding == "text":
        return text
    if text == "":
        return None
    if encoding == "json":
        return json.loads(text)
    if encoding == "bool":
        if text not in ("True", "False"):
            raise ValueError(f"{text!r} is not a boolean cell.")
        return text == "True"
    return int(text) if encoding == "int" else float(text)


def _save_csv(ranking: pd.DataFrame, path, dtypes: dict, encodings: dict) -> None:
    columns = list(ranking.columns)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    cells = [
        [_csv_cell(value, encodings[column]) for value in ranking[column].astype(object)]
        for column in columns
    ]
    writer.writerows(zip(*cells))
    data = buffer.getvalue().encode("utf-8")
    # A text cell that is empty is "" unless listed here: a CSV cannot tell them apart.
    missing = {
        column: [int(row) for row in np.flatnonzero(ranking[column].isna().to_numpy())]
        for column in columns
        if encodings[column] == "text"
    }
    meta = {
        "format": _FORMAT_NAME,
        "version": _VERSION,
        "columns": columns,
        "dtypes": dtypes,
        "encodings": encodings,
        "missing": {column: rows for column, rows in missing.items() if rows},
        "n_rows": len(ranking),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    with open(path, "wb") as file:
        file.write(data)
    with open(_sidecar(path), "w", encoding="utf-8") as file:
        json.dump(meta, file, ensure_ascii=False, indent=1)
        file.write("\n")


def _load_csv(path) -> pd.DataFrame:
    with open(path, "rb") as file:
        data = file.read()
    text = data.decode("utf-8")
    if text.startswith(_CSV_MARKER):
        return _load_marked_csv(text)
    sidecar = _sidecar(path)
    if not sidecar.is_file():
        return _plain_ranking(pd.read_csv(io.StringIO(text)))
    with open(sidecar, encoding="utf-8") as file:
        meta = json.load(file)
    if meta.get("format") != _FORMAT_NAME or meta.get("sha256") != hashlib.sha256(data).hexdigest():
        raise ValueError(
            f"the table does not match its sidecar {os.fspath(sidecar)!r} (it was changed "
            "or cut short after save_ranking wrote it); delete the sidecar to read it as a "
            "plain CSV."
        )
    columns, dtypes, encodings = meta["columns"], meta["dtypes"], meta["encodings"]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or rows[0] != columns:
        raise ValueError(f"its header is not {columns}.")
    cells = rows[1:]
    if len(cells) != meta["n_rows"] or any(len(row) != len(columns) for row in cells):
        raise ValueError(f"it should hold {meta['n_rows']} rows of {len(columns)} cells.")
    values = {}
    for k, column in enumerate(columns):
        values[column] = [_csv_value(row[k], encodings[column]) for row in cells]
        for row in meta["missing"].get(column, []):
            values[column][row] = None
    return pd.DataFrame(
        {column: _decode(values[column], column, dtypes[column]) for column in columns},
        columns=columns,
    )


def _load_marked_csv(text: str) -> pd.DataFrame:
    """A CSV of the first version: a ``# sk_interact ranking {...}`` line, JSON cells."""
    first, _, table = text.partition("\n")
    dtypes = json.loads(first[len(_CSV_MARKER) :])["dtypes"]
    reader = csv.reader(io.StringIO(table, newline=""))
    columns = next(reader)
    kinds = [_kind(pd.api.types.pandas_dtype(dtypes[column])) for column in columns]
    cells = list(reader)

    def value(cell: str, kind: str):
        if kind == "object":
            return json.loads(cell)
        return _csv_value(cell, kind)

    values = {
        column: [value(row[k], kind) for row in cells]
        for k, (column, kind) in enumerate(zip(columns, kinds))
    }
    return pd.DataFrame(
        {column: _decode(values[column], column, dtypes[column]) for column in columns},
        columns=columns,
    )


def _parse_names(cell) -> tuple[str, ...]:
    """The names of one interaction: a list or array, a JSON array or Python tuple, or
    names joined by ``" × "``."""
    if isinstance(cell, list | tuple | np.ndarray):
        return tuple(str(name) for name in cell)
    text = str(cell)
    if text[:1] in "([":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            try:
                parsed = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                parsed = None
        if isinstance(parsed, list | tuple):
            return tuple(str(name) for name in parsed)
    return _split_names(text)


def _parse_ints(cell) -> tuple[int, ...]:
    if isinstance(cell, list | tuple | np.ndarray):
        return tuple(int(index) for index in cell)
    return _split_ints(str(cell))


def _plain_ranking(ranking: pd.DataFrame) -> pd.DataFrame:
    """A ranking table without dtypes (``DataFrame.to_csv``, a CSV without its sidecar,
    a Parquet file from elsewhere): tuple columns restored, the schema checked."""
    check_ranking(ranking, RANKING_COLUMNS, name="the table")
    features, indices = [], []
    for row, (names, columns) in enumerate(zip(ranking["features"], ranking["indices"])):
        if _missing(names) or _missing(columns):
            raise ValueError(f"row {row} has no features or no indices.")
        features.append(_parse_names(names))
        indices.append(_parse_ints(columns))
    ranking = ranking.copy()
    ranking["features"] = pd.Series(features, index=ranking.index, dtype=object)
    ranking["indices"] = pd.Series(indices, index=ranking.index, dtype=object)
    order = pd.to_numeric(ranking["order"])
    if order.isna().any() or (order != np.round(order)).any():
        raise ValueError("its order column holds missing or fractional values.")
    ranking["order"] = order.astype(np.int64)
    for column in ("strength", "effect"):
        ranking[column] = pd.to_numeric(ranking[column]).astype(np.float64)
    for row, (names, columns, order) in enumerate(zip(features, indices, ranking["order"])):
        if not len(names) == len(columns) == order:
            raise ValueError(
                f"row {row} has {len(names)} features, {len(columns)} indices and order "
                f"{order}; they must agree."
            )
    return ranking


# ---------------------------------------------------------------------------- Parquet
def _save_parquet(ranking: pd.DataFrame, path, dtypes: dict, encodings: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = {}
    for column in ranking.columns:
        encoding, values = encodings[column], ranking[column]
        if encoding == "names":
            arrays[column] = pa.array([list(map(str, v)) for v in values], pa.list_(pa.string()))
        elif encoding == "ints":
            arrays[column] = pa.array([list(map(int, v)) for v in values], pa.list_(pa.int64()))
        elif encoding == "text":
            arrays[column] = pa.array(
                [None if _missing(v) else v for v in values.astype(object)], pa.string()
            )
        elif encoding == "json":
            cells = [_csv_cell(v, "json") for v in values.astype(object)]
            arrays[column] = pa.array(cells, pa.string())
        elif isinstance(values.dtype, np.dtype):
            # NaN stays a NaN, not a null: the float column comes back bit for bit
            arrays[column] = pa.array(values.to_numpy(), from_pandas=False)
        else:
            arrays[column] = pa.Array.from_pandas(values)  # nullable Int64, Float64, ...
    meta = {"format": _FORMAT_NAME, "version": _VERSION, "dtypes": dtypes, "encodings": encodings}
    schema_meta = {_PARQUET_KEY: json.dumps(meta, ensure_ascii=False).encode("utf-8")}
    pq.write_table(pa.table(arrays, metadata=schema_meta), path)


def _load_parquet(path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    raw = (table.schema.metadata or {}).get(_PARQUET_KEY)
    if raw is None:
        return _plain_ranking(table.to_pandas())
    meta = json.loads(raw)
    dtypes, encodings = meta["dtypes"], meta["encodings"]
    columns = table.column_names
    series = {}
    for column in columns:
        values = table.column(column).to_pylist()
        if encodings[column] == "json":
            values = [None if v is None else json.loads(v) for v in values]
        series[column] = _decode(values, column, dtypes[column])
    return pd.DataFrame(series, columns=columns)


# ---------------------------------------------------------------------------- loading
def _load_json(path) -> pd.DataFrame:
    with open(path, encoding="utf-8") as file:
        document = json.load(file)
    if not isinstance(document, dict) or document.get("format") != _FORMAT_NAME:
        raise ValueError("it is not a ranking written by save_ranking.")
    columns, dtypes, rows = document["columns"], document["dtypes"], document["rows"]
    values = {column: [row[column] for row in rows] for column in columns}
    return pd.DataFrame(
        {column: _decode(values[column], column, dtypes[column]) for column in columns},
        columns=columns,
    )


_LOADERS = {"csv": _load_csv, "json": _load_json, "parquet": _load_parquet}


def load_ranking(path, *, format: str | None = None) -> pd.DataFrame:
    """Read an interaction ranking written by :func:`save_ranking`.

    Parameters
    ----------
    path : str or path-like
        File to read.
    format : {"csv", "json", "parquet"}, default=None
        File format; None infers it from the suffix of ``path`` (``.csv``, ``.json``,
        ``.parquet`` or ``.pq``).

    Returns
    -------
    ranking : DataFrame
        The saved ranking with its columns and dtypes, indexed from 0: ``features``
        and ``indices`` hold tuples of ``str`` and ``int``. A CSV without its
        ``.meta.json`` sidecar (as ``DataFrame.to_csv`` writes it) or a Parquet file
        from elsewhere is read with pandas, its ``features`` and ``indices`` cells
        parsed as names joined by ``" × "``, JSON arrays or Python tuples. CSV files
        that start with a ``# sk_interact ranking`` line (written before the sidecar)
        are read too.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When the file is not a ranking (empty, cut short, without the ranking's
        columns, or not matching its sidecar); the message names the file.

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
    try:
        ranking = _LOADERS[format](path)
        return check_ranking(ranking, RANKING_COLUMNS, name="the table")
    except FileNotFoundError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, SyntaxError, csv.Error) as error:
        # pandas' EmptyDataError, JSONDecodeError, UnicodeDecodeError and pyarrow's
        # ArrowInvalid are ValueErrors; a KeyError's message is only the key
        reason = f"it has no {error} entry" if isinstance(error, KeyError) else str(error)
        raise ValueError(
            f"Cannot load a ranking from {os.fspath(path)!r}: {reason or type(error).__name__}"
        ) from error
