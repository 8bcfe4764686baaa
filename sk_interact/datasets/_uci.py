"""Loaders for the two UCI benchmarks of Second Glance: Adult and Bank Marketing.

Both read the original UCI distribution files, unmodified: from a local directory when
one is given (``data_home=`` or the ``SK_INTERACT_DATA`` environment variable), else the
xz-compressed copies shipped in ``sk_interact/datasets/data`` (CC BY 4.0, attributed in
the README there). Nothing is downloaded, so they work offline. Both return a typed
:class:`pandas.DataFrame` with the target as a 0/1 :class:`pandas.Series`. Categorical
columns use a fixed vocabulary, the one of the UCI description, so that every subset and
every call give the same dtype.
"""

from __future__ import annotations

import lzma
import os
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["load_adult", "load_bank_marketing"]

_ENV_VAR = "SK_INTERACT_DATA"
# The verbatim UCI files, xz-compressed (lossless, ~0.7 MB for all three), in the package.
_SHIPPED_DIR = Path(__file__).resolve().parent / "data"
_SHIPPED_SUFFIX = ".xz"

# ---------------------------------------------------------------------------------------
# Adult (Becker & Kohavi, 1996)

_ADULT_URL = "https://archive.ics.uci.edu/dataset/2/adult"
_ADULT_FILES = {"train": "adult.data", "test": "adult.test"}
_ADULT_SUBSETS = ("train", "test", "all")
_ADULT_N_RECORDS = {"train": 32561, "test": 16281}

_ADULT_COLUMNS = (
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education_num",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
    "native_country",
)
_ADULT_INTEGER = (
    "age",
    "fnlwgt",
    "education_num",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
)
# The vocabularies of adult.names; "?" (missing) is not a category.
_ADULT_CATEGORIES = {
    column: tuple(sorted(values))
    for column, values in {
        "workclass": (
            "Private", "Self-emp-not-inc", "Self-emp-inc", "Federal-gov", "Local-gov",
            "State-gov", "Without-pay", "Never-worked",
        ),
        "education": (
            "Bachelors", "Some-college", "11th", "HS-grad", "Prof-school", "Assoc-acdm",
            "Assoc-voc", "9th", "7th-8th", "12th", "Masters", "1st-4th", "10th",
            "Doctorate", "5th-6th", "Preschool",
        ),
        "marital_status": (
            "Married-civ-spouse", "Divorced", "Never-married", "Separated", "Widowed",
            "Married-spouse-absent", "Married-AF-spouse",
        ),
        "occupation": (
            "Tech-support", "Craft-repair", "Other-service", "Sales", "Exec-managerial",
            "Prof-specialty", "Handlers-cleaners", "Machine-op-inspct", "Adm-clerical",
            "Farming-fishing", "Transport-moving", "Priv-house-serv", "Protective-serv",
            "Armed-Forces",
        ),
        "relationship": (
            "Wife", "Own-child", "Husband", "Not-in-family", "Other-relative", "Unmarried",
        ),
        "race": ("White", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other", "Black"),
        "sex": ("Female", "Male"),
        "native_country": (
            "United-States", "Cambodia", "England", "Puerto-Rico", "Canada", "Germany",
            "Outlying-US(Guam-USVI-etc)", "India", "Japan", "Greece", "South", "China",
            "Cuba", "Iran", "Honduras", "Philippines", "Italy", "Poland", "Jamaica",
            "Vietnam", "Mexico", "Portugal", "Ireland", "France", "Dominican-Republic",
            "Laos", "Ecuador", "Taiwan", "Haiti", "Columbia", "Hungary", "Guatemala",
            "Nicaragua", "Scotland", "Thailand", "Yugoslavia", "El-Salvador",
            "Trinadad&Tobago", "Peru", "Hong", "Holand-Netherlands",
        ),
    }.items()
}  # fmt: skip

# ---------------------------------------------------------------------------------------
# Bank Marketing, bank-additional-full.csv (Moro, Cortez & Rita, 2014)

_BANK_URL = "https://archive.ics.uci.edu/dataset/222/bank+marketing"
_BANK_FILE = "bank-additional-full.csv"
_BANK_COLUMNS = (
    "age",
    "job",
    "marital",
    "education",
    "default",
    "housing",
    "loan",
    "contact",
    "month",
    "day_of_week",
    "duration",
    "campaign",
    "pdays",
    "previous",
    "poutcome",
    "emp.var.rate",
    "cons.price.idx",
    "cons.conf.idx",
    "euribor3m",
    "nr.employed",
)
_BANK_INTEGER = ("age", "duration", "campaign", "pdays", "previous")
_BANK_FLOAT = ("emp.var.rate", "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed")
# The vocabularies of bank-additional-names.txt; "unknown" is a category of its own.
_BANK_CATEGORIES = {
    column: tuple(sorted(values))
    for column, values in {
        "job": (
            "admin.", "blue-collar", "entrepreneur", "housemaid", "management", "retired",
            "self-employed", "services", "student", "technician", "unemployed", "unknown",
        ),
        "marital": ("divorced", "married", "single", "unknown"),
        "education": (
            "basic.4y", "basic.6y", "basic.9y", "high.school", "illiterate",
            "professional.course", "university.degree", "unknown",
        ),
        "default": ("no", "yes", "unknown"),
        "housing": ("no", "yes", "unknown"),
        "loan": ("no", "yes", "unknown"),
        "contact": ("cellular", "telephone"),
        "month": (
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ),
        "day_of_week": ("mon", "tue", "wed", "thu", "fri"),
        "poutcome": ("failure", "nonexistent", "success"),
    }.items()
}  # fmt: skip

# The five features that Second Glance selected with SHAP (its Table 2), in its order.
_SECOND_GLANCE_FEATURES = {
    "adult": ("age", "workclass", "education_num", "marital_status", "hours_per_week"),
    "bank": ("emp.var.rate", "euribor3m", "cons.price.idx", "contact", "previous"),
}


# ---------------------------------------------------------------------------------------
# Shared helpers


def _resolve_data_home(data_home):
    """``data_home``, else ``$SK_INTERACT_DATA``, else None for the shipped copies."""
    if data_home is None:
        data_home = os.environ.get(_ENV_VAR) or None
        if data_home is None:
            return None
    elif not isinstance(data_home, (str, os.PathLike)):
        raise ValueError(
            f"data_home must be a path (str or os.PathLike) or None, got {data_home!r}. "
            f"Pass the directory that holds the UCI files, or None to use ${_ENV_VAR} "
            "or else the copies shipped with sk_interact."
        )
    return Path(data_home).expanduser()


def _shipped_file(name):
    """Path of the compressed copy of the UCI file ``name`` inside the package."""
    path = _SHIPPED_DIR / f"{name}{_SHIPPED_SUFFIX}"
    if not path.is_file():
        # only a broken or trimmed installation gets here
        raise FileNotFoundError(
            f"{path} is missing from this sk_interact installation. Reinstall "
            f"sk_interact, or pass data_home= (or set {_ENV_VAR}) to a directory that "
            f"holds {name}."
        )
    return path


def _open_text(path):
    """Open a UCI file as text, decompressing the shipped ``.xz`` copies on the fly."""
    if path.suffix == _SHIPPED_SUFFIX:
        return lzma.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def _check_bool(value, name):
    # numpy bools are accepted; 0/1 and strings such as "False" are almost surely mistakes
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def _check_features(features, columns, dataset):
    """The list of columns that ``features`` selects from ``columns``, in its order."""
    if features is None:
        return list(columns)
    if isinstance(features, str):
        if features == "second_glance":
            return list(_SECOND_GLANCE_FEATURES[dataset])
        raise ValueError(
            f"features={features!r} is not a valid string. Pass None for all columns, "
            "'second_glance' for the five features of the Second Glance paper "
            f"{list(_SECOND_GLANCE_FEATURES[dataset])}, or a list of column names."
        )
    try:
        selected = list(features)
    except TypeError:
        raise ValueError(
            f"features must be None, 'second_glance' or a list of column names, got {features!r}."
        ) from None
    unknown = [name for name in selected if name not in columns]
    if unknown:
        raise ValueError(
            f"features contains unknown column names {unknown}. Valid names are {list(columns)}."
        )
    if not selected or len(set(selected)) != len(selected):
        raise ValueError(
            f"features must name at least one column, each at most once, got {selected}."
        )
    return selected


def _first_record(mask):
    """1-based number of the first True row of a boolean Series (for messages)."""
    return int(np.flatnonzero(mask.to_numpy())[0]) + 1


def _to_integer(values, column, source):
    """``values`` (strings or numbers) as int64, or a ValueError naming the column."""
    numbers = pd.to_numeric(values, errors="coerce")
    as_float = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(as_float) | (as_float != np.round(as_float))
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 1
        raise ValueError(
            f"{source}: column {column!r} must hold integers, but record {row} has "
            f"{values.iloc[row - 1]!r}."
        )
    return numbers.to_numpy().astype(np.int64)


def _to_float(values, column, source):
    """``values`` as finite float64, or a ValueError naming the column."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(numbers)
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 1
        raise ValueError(
            f"{source}: column {column!r} must hold numbers, but record {row} has "
            f"{values.iloc[row - 1]!r}."
        )
    return numbers


def _to_categorical(values, column, categories, source, missing=()):
    """``values`` as a Categorical over ``categories``; entries in ``missing`` become NaN."""
    # strip and check the few distinct values, not every entry
    codes, uniques = pd.factorize(values)
    labels = pd.Index(uniques).astype("string").str.strip()
    if missing:
        labels = labels.where(~labels.isin(missing))
    unexpected = sorted(set(labels.dropna()) - set(categories))
    if unexpected:
        raise ValueError(
            f"{source}: column {column!r} has unexpected values {unexpected[:5]}; "
            f"expected {list(categories)}."
        )
    positions = pd.Index(categories).get_indexer(labels)
    codes = np.where(codes >= 0, positions[codes], -1)
    return pd.Categorical.from_codes(codes, categories=list(categories))


def _to_binary_target(values, negative, positive, source):
    """Map the two labels to 0/1; anything else is a malformed file."""
    found = set(values.astype("string").fillna("<empty>").unique())
    unexpected = sorted(found - {negative, positive})
    if unexpected:
        raise ValueError(
            f"{source}: unexpected target labels {unexpected[:5]}; expected "
            f"{negative!r} and {positive!r}."
        )
    return (values == positive).to_numpy().astype(np.int64)


def _read_csv(path, **kwargs):
    """``pandas.read_csv`` whose parse errors name the file."""
    try:
        return pd.read_csv(path, **kwargs)
    except pd.errors.ParserError as exc:
        raise ValueError(f"{path}: could not be parsed as the UCI file ({exc}).") from exc


def _finish(frame, target, columns, dropna):
    """Drop incomplete rows if asked, reset the index and split off the target."""
    if dropna:
        frame = frame[frame.notna().all(axis=1)]
    frame = frame.reset_index(drop=True)
    return frame[columns], frame[target]


# ---------------------------------------------------------------------------------------
# Adult


def _read_adult_file(path):
    """Raw string frame of one UCI Adult file: 14 features and the label, unvalidated.

    ``path`` is the plain file or its ``.xz`` copy; pandas infers the compression from
    the suffix.
    """
    with _open_text(path) as file:
        first_line = file.readline()
    raw = _read_csv(
        path,
        header=None,
        sep=",",
        skipinitialspace=True,
        # adult.test opens with the line "|1x3 Cross validator"
        skiprows=1 if first_line.startswith("|") else 0,
        dtype=str,
        # only absent or empty fields are NaN here; "?" is handled per column later
        keep_default_na=False,
        na_values=[""],
    )
    n_fields = len(_ADULT_COLUMNS) + 1
    if raw.shape[1] != n_fields:
        raise ValueError(
            f"{path}: expected {n_fields} comma-separated fields per record (14 features "
            f"and the income label), found {raw.shape[1]}. Is this the UCI Adult file?"
        )
    short = raw.isna().any(axis=1)
    if short.any():
        raise ValueError(
            f"{path}: record {_first_record(short)} has fewer than {n_fields} fields "
            "or an empty one."
        )
    raw.columns = [*_ADULT_COLUMNS, "income"]
    return raw


def _clean_adult(raw, source):
    """Typed Adult frame: int64 numerics, categoricals with NaN for "?", 0/1 income."""
    columns = {}
    for column in _ADULT_COLUMNS:
        if column in _ADULT_INTEGER:
            columns[column] = _to_integer(raw[column], column, source)
        else:
            columns[column] = _to_categorical(
                raw[column], column, _ADULT_CATEGORIES[column], source, missing=("?",)
            )
    # adult.test writes its labels with a trailing dot: "<=50K."
    labels = raw["income"].astype("string").str.strip().str.removesuffix(".")
    columns["income"] = _to_binary_target(labels, "<=50K", ">50K", source)
    return pd.DataFrame(columns)


def _adult_not_found(data_home, missing):
    files = " and ".join(missing)
    return FileNotFoundError(
        f"Adult file(s) {files} not found in {data_home}. Put {files} from {_ADULT_URL} "
        f"into {data_home}, or pass data_home=None with {_ENV_VAR} unset to read the "
        "copies shipped with sk_interact."
    )


def load_adult(
    *,
    data_home: str | os.PathLike | None = None,
    subset: str = "train",
    features: str | list[str] | None = None,
    dropna: bool = True,
) -> tuple[pd.DataFrame, pd.Series]:
    """Load the UCI Adult (Census Income) data set, one of the Second Glance benchmarks.

    Reads the original UCI files ``adult.data`` (train) and ``adult.test`` (test):
    from ``data_home`` when one is given, else from the compressed copies shipped with
    sk_interact. Nothing is downloaded; the data set is distributed under CC BY 4.0
    (see Notes for the attribution).

    Parameters
    ----------
    data_home : str, os.PathLike or None, default=None
        Directory holding ``adult.data`` and ``adult.test`` (plain, as UCI
        distributes them). ``None`` uses the ``SK_INTERACT_DATA`` environment
        variable if it is set and non-empty, else the copies shipped in
        ``sk_interact/datasets/data`` (xz-compressed, byte-identical once
        decompressed).

    subset : {"train", "test", "all"}, default="train"
        ``"train"`` reads ``adult.data`` (32,561 records), ``"test"`` reads
        ``adult.test`` (16,281 records), ``"all"`` both, train rows first.

    features : None, "second_glance" or list of str, default=None
        Columns of ``X``. ``None`` gives all 14, in the UCI order. ``"second_glance"``
        gives the five that Second Glance selected with SHAP: ``["age", "workclass",
        "education_num", "marital_status", "hours_per_week"]``. A list selects those
        columns in its order.

    dropna : bool, default=True
        Drop every record with a missing value in any of the 14 columns, whatever
        ``features`` selects. This gives the "cleaned dataset" of the paper: 30,162
        train and 15,060 test records. ``False`` keeps them, with NaN in the
        categorical columns.

    Returns
    -------
    X : pandas.DataFrame of shape (n_samples, n_features)
        The features, with snake_case names (``age``, ``workclass``, ``fnlwgt``,
        ``education``, ``education_num``, ``marital_status``, ``occupation``,
        ``relationship``, ``race``, ``sex``, ``capital_gain``, ``capital_loss``,
        ``hours_per_week``, ``native_country``). Numeric columns are int64; the
        others are unordered ``category`` columns whose categories are the sorted
        vocabulary of ``adult.names``, the same for every subset. The index is a
        fresh ``RangeIndex``.

    y : pandas.Series of shape (n_samples,), dtype int64
        ``income``: 1 for ``">50K"``, 0 for ``"<=50K"``.

    Raises
    ------
    ValueError
        If ``subset`` or ``features`` is not valid (the message lists the valid
        values), if a flag is not a bool, or if a file is malformed: a wrong number
        of fields, a non-integer in a numeric column, a value outside the UCI
        vocabulary or an unexpected income label. The message names the file.
    FileNotFoundError
        If a needed file is not in the directory given by ``data_home`` or
        ``SK_INTERACT_DATA``. The message names the file, the directory and where
        UCI distributes the file.

    See Also
    --------
    load_bank_marketing : The other UCI benchmark of Second Glance.

    Notes
    -----
    **Format.** The files are comma-and-space separated, without a header. Fields are
    stripped of whitespace. ``adult.test`` opens with the line ``|1x3 Cross
    validator``, which is skipped, and writes its labels with a trailing dot
    (``">50K."``), which is removed.

    **Missing values** are written ``?`` and occur only in ``workclass``,
    ``occupation`` and ``native_country``: 2,399 train and 1,221 test records have
    at least one. They become NaN. Categories that no kept record uses (such as
    ``"Never-worked"`` after ``dropna``, or ``"Holand-Netherlands"`` in the test
    file) stay in the dtype, so train and test columns always share their categories.

    **Licence and citation.** The data set is distributed by the UCI Machine Learning
    Repository under the Creative Commons Attribution 4.0 International licence
    (CC BY 4.0), https://creativecommons.org/licenses/by/4.0/. sk_interact ships the
    two files unchanged, xz-compressed, with this attribution in
    ``sk_interact/datasets/data/README.md``. Cite the data set as Becker, B. & Kohavi,
    R. (1996). Adult. UCI Machine Learning Repository. https://doi.org/10.24432/C5XW20.

    References
    ----------
    .. [1] B. Becker and R. Kohavi, "Adult", UCI Machine Learning Repository, 1996.
       https://doi.org/10.24432/C5XW20

    Examples
    --------
    >>> from sk_interact.datasets import load_adult
    >>> X, y = load_adult(features="second_glance")
    >>> X.shape, int(y.sum())
    ((30162, 5), 7508)
    >>> list(X.columns)
    ['age', 'workclass', 'education_num', 'marital_status', 'hours_per_week']
    """
    if subset not in _ADULT_SUBSETS:
        raise ValueError(
            f"subset must be one of {list(_ADULT_SUBSETS)}, got {subset!r}. Pass 'train' "
            "for adult.data, 'test' for adult.test or 'all' for both."
        )
    columns = _check_features(features, _ADULT_COLUMNS, "adult")
    dropna = _check_bool(dropna, "dropna")
    home = _resolve_data_home(data_home)

    parts = ("train", "test") if subset == "all" else (subset,)
    if home is None:
        sources = {part: _shipped_file(_ADULT_FILES[part]) for part in parts}
    else:
        sources = {part: home / _ADULT_FILES[part] for part in parts}
        missing = [_ADULT_FILES[part] for part in parts if not sources[part].is_file()]
        if missing:
            raise _adult_not_found(home, missing)
    raw = {part: _read_adult_file(sources[part]) for part in parts}

    frame = pd.concat([_clean_adult(raw[part], sources[part]) for part in parts], ignore_index=True)
    return _finish(frame, "income", columns, dropna)


# ---------------------------------------------------------------------------------------
# Bank Marketing


def _read_bank_file(path):
    """Typed frame of ``bank-additional-full.csv``: the 20 features and 0/1 ``y``."""
    raw = _read_csv(path, sep=";", quotechar='"', dtype=str, keep_default_na=False, na_values=[""])
    expected = [*_BANK_COLUMNS, "y"]
    if list(raw.columns) != expected:
        raise ValueError(
            f"{path}: expected the header {expected} (21 ';'-separated columns), got "
            f"{list(raw.columns)}. Is this bank-additional-full.csv?"
        )
    short = raw.isna().any(axis=1)
    if short.any():
        raise ValueError(
            f"{path}: record {_first_record(short)} has fewer than {len(expected)} "
            "fields or an empty one."
        )
    columns = {}
    for column in _BANK_COLUMNS:
        if column in _BANK_INTEGER:
            columns[column] = _to_integer(raw[column], column, path)
        elif column in _BANK_FLOAT:
            columns[column] = _to_float(raw[column], column, path)
        else:
            columns[column] = _to_categorical(raw[column], column, _BANK_CATEGORIES[column], path)
    columns["y"] = _to_binary_target(raw["y"], "no", "yes", path)
    return pd.DataFrame(columns)


def load_bank_marketing(
    *,
    data_home: str | os.PathLike | None = None,
    features: str | list[str] | None = None,
    drop_duration: bool = False,
) -> tuple[pd.DataFrame, pd.Series]:
    """Load the UCI Bank Marketing data set (``bank-additional-full.csv``).

    Reads the original UCI file, the 41,188 phone calls of a Portuguese bank's
    term-deposit campaigns (May 2008 to November 2010) with the five socio-economic
    context columns that Second Glance uses: from ``data_home`` when one is given,
    else from the compressed copy shipped with sk_interact. Nothing is downloaded;
    the data set is distributed under CC BY 4.0 (see Notes for the attribution).

    Parameters
    ----------
    data_home : str, os.PathLike or None, default=None
        Directory holding ``bank-additional-full.csv`` (plain, as in UCI's
        ``bank-additional.zip``). ``None`` uses the ``SK_INTERACT_DATA`` environment
        variable if it is set and non-empty, else the copy shipped in
        ``sk_interact/datasets/data`` (xz-compressed, byte-identical once
        decompressed).

    features : None, "second_glance" or list of str, default=None
        Columns of ``X``. ``None`` gives all 20 (19 with ``drop_duration=True``) in
        the UCI order. ``"second_glance"`` gives the five that Second Glance selected
        with SHAP: ``["emp.var.rate", "euribor3m", "cons.price.idx", "contact",
        "previous"]``. A list selects those columns in its order.

    drop_duration : bool, default=False
        Leave out ``duration``, the length of the call. It is known only once the
        call is over, when its outcome ``y`` is known too, so UCI advises against it
        for realistic models. It cannot be both dropped and named in ``features``.

    Returns
    -------
    X : pandas.DataFrame of shape (41188, n_features)
        The features under their UCI names (``age``, ``job``, ..., ``emp.var.rate``,
        ``cons.price.idx``, ``cons.conf.idx``, ``euribor3m``, ``nr.employed``).
        ``age``, ``duration``, ``campaign``, ``pdays`` and ``previous`` are int64,
        the five socio-economic indicators float64, and the other ten unordered
        ``category`` columns whose categories are the sorted vocabulary of
        ``bank-additional-names.txt``. The index is a fresh ``RangeIndex``.

    y : pandas.Series of shape (41188,), dtype int64
        ``y``: 1 if the client subscribed a term deposit (``"yes"``), else 0.

    Raises
    ------
    ValueError
        If ``features`` is not valid (the message lists the valid names), if
        ``drop_duration`` is not a bool or conflicts with ``features``, or if the file
        is malformed: a header other than the UCI one, a record with too few or too
        many fields, a non-number in a numeric column, a value outside the UCI
        vocabulary or a label other than ``"yes"``/``"no"``. The message names the
        file.
    FileNotFoundError
        If ``bank-additional-full.csv`` is not in the directory given by
        ``data_home`` or ``SK_INTERACT_DATA``. The message names the directory and
        where UCI distributes the file.

    See Also
    --------
    load_adult : The other UCI benchmark of Second Glance.

    Notes
    -----
    **Format.** The file is ``;``-separated with a header line and double-quoted
    strings. Its rows are in date order.

    **Missing values** are the category ``"unknown"`` (in ``job``, ``marital``,
    ``education``, ``default``, ``housing`` and ``loan``; 10,700 records have at
    least one). It is kept as a category of its own, as the UCI description suggests,
    so no record is dropped and ``X`` has no NaN. ``pdays = 999`` means that the
    client was not contacted before. ``month`` has all twelve months as categories,
    although January and February do not occur.

    **Release.** This is ``bank-additional-full.csv`` of ``bank-additional.zip``, not
    the older ``bank-full.csv`` release (45,211 records and 16 features, as on
    OpenML), which lacks the socio-economic columns (``emp.var.rate``,
    ``cons.price.idx``, ``cons.conf.idx``, ``euribor3m``, ``nr.employed``) that three
    of the Second Glance features come from. The paper counts 19 features, which is
    this file without ``duration``.

    **Licence and citation.** The data set is distributed by the UCI Machine Learning
    Repository under the Creative Commons Attribution 4.0 International licence
    (CC BY 4.0), https://creativecommons.org/licenses/by/4.0/. sk_interact ships the
    file unchanged, xz-compressed, with this attribution in
    ``sk_interact/datasets/data/README.md``. Cite the data set as Moro, S., Rita, P. &
    Cortez, P. (2014). Bank Marketing.
    UCI Machine Learning Repository. https://doi.org/10.24432/C5K306, and the
    paper [2]_.

    References
    ----------
    .. [1] S. Moro, P. Rita and P. Cortez, "Bank Marketing", UCI Machine Learning
       Repository, 2014. https://doi.org/10.24432/C5K306
    .. [2] S. Moro, P. Cortez and P. Rita, "A Data-Driven Approach to Predict the
       Success of Bank Telemarketing", Decision Support Systems 62, 2014.
       https://doi.org/10.1016/j.dss.2014.03.001

    Examples
    --------
    >>> from sk_interact.datasets import load_bank_marketing
    >>> X, y = load_bank_marketing(features="second_glance")
    >>> X.shape, int(y.sum())
    ((41188, 5), 4640)
    >>> list(X.columns)
    ['emp.var.rate', 'euribor3m', 'cons.price.idx', 'contact', 'previous']
    """
    columns = _check_features(features, _BANK_COLUMNS, "bank")
    if _check_bool(drop_duration, "drop_duration") and "duration" in columns:
        if features is not None:
            raise ValueError(
                "features names 'duration' but drop_duration=True drops it. Remove "
                "'duration' from features or pass drop_duration=False."
            )
        columns.remove("duration")
    home = _resolve_data_home(data_home)

    path = _shipped_file(_BANK_FILE) if home is None else home / _BANK_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{_BANK_FILE} not found in {home}. Put {_BANK_FILE} (inside "
            f"bank-additional.zip) from {_BANK_URL} into {home}, or pass data_home=None "
            f"with {_ENV_VAR} unset to read the copy shipped with sk_interact."
        )
    return _finish(_read_bank_file(path), "y", columns, dropna=False)
