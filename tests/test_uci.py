"""Tests for sk_interact.datasets: the UCI loaders load_adult and load_bank_marketing.

Known counts and MD5 sums come from ``shared/data/README.md``, which measured them on
the verbatim UCI files. The real-data tests read the compressed copies shipped in the
package, with the network cut off; paths, errors and malformed files use tiny files
written to ``tmp_path``.
"""

import ast
import hashlib
import lzma
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sk_interact.datasets import _uci, load_adult, load_bank_marketing

# The benchmark copies of the UCI files, beside the repository (optional).
DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
DATA_FILES = ("adult.data", "adult.test", "bank-additional-full.csv")
PACKAGE_DIR = Path(_uci.__file__).resolve().parents[1]
SHIPPED_DIR = PACKAGE_DIR / "datasets" / "data"
# shared/data/README.md: bytes and MD5 of the verbatim UCI files
UCI_FILES = {
    "adult.data": (3974305, "5d7c39d7b8804f071cdd1f2a7c460872"),
    "adult.test": (2003153, "35238206dfdf7f1fe215bbb874adecdc"),
    "bank-additional-full.csv": (5834924, "f6cb2c1256ffe2836b36df321f46e92c"),
}

ADULT_COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education_num", "marital_status",
    "occupation", "relationship", "race", "sex", "capital_gain", "capital_loss",
    "hours_per_week", "native_country",
]  # fmt: skip
ADULT_INTEGER = [
    "age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week"
]  # fmt: skip
BANK_COLUMNS = [
    "age", "job", "marital", "education", "default", "housing", "loan", "contact", "month",
    "day_of_week", "duration", "campaign", "pdays", "previous", "poutcome", "emp.var.rate",
    "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed",
]  # fmt: skip
BANK_INTEGER = ["age", "duration", "campaign", "pdays", "previous"]
BANK_FLOAT = ["emp.var.rate", "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed"]

ADULT_SECOND_GLANCE = ["age", "workclass", "education_num", "marital_status", "hours_per_week"]
BANK_SECOND_GLANCE = ["emp.var.rate", "euribor3m", "cons.price.idx", "contact", "previous"]

# Real records: the first two of each file and one with "?" (train) or a ">50K." label.
TINY_ADULT_DATA = (
    "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, "
    "White, Male, 2174, 0, 40, United-States, <=50K\n"
    "50, Self-emp-not-inc, 83311, Bachelors, 13, Married-civ-spouse, Exec-managerial, "
    "Husband, White, Male, 0, 0, 13, United-States, <=50K\n"
    "54, ?, 180211, Some-college, 10, Married-civ-spouse, ?, Husband, Asian-Pac-Islander, "
    "Male, 0, 0, 60, South, >50K\n"
    "\n"
)
TINY_ADULT_TEST = (
    "|1x3 Cross validator\n"
    "25, Private, 226802, 11th, 7, Never-married, Machine-op-inspct, Own-child, Black, "
    "Male, 0, 0, 40, United-States, <=50K.\n"
    "44, Self-emp-inc, 223881, HS-grad, 9, Married-civ-spouse, Craft-repair, Husband, "
    "White, Male, 99999, 0, 50, ?, >50K.\n"
)
TINY_BANK = (
    '"age";"job";"marital";"education";"default";"housing";"loan";"contact";"month";'
    '"day_of_week";"duration";"campaign";"pdays";"previous";"poutcome";"emp.var.rate";'
    '"cons.price.idx";"cons.conf.idx";"euribor3m";"nr.employed";"y"\r\n'
    '57;"services";"married";"high.school";"unknown";"no";"no";"telephone";"may";"mon";'
    '149;1;999;0;"nonexistent";1.1;93.994;-36.4;4.857;5191;"no"\r\n'
    '41;"blue-collar";"divorced";"basic.4y";"unknown";"yes";"no";"telephone";"may";"mon";'
    '1575;1;999;0;"nonexistent";1.1;93.994;-36.4;4.857;5191;"yes"\r\n'
)


def require_data():
    missing = [name for name in DATA_FILES if not (DATA_DIR / name).is_file()]
    if missing:
        pytest.skip(f"UCI files {missing} not found in {DATA_DIR} (see shared/data/README.md)")


def load_shipped(load, **kwargs):
    """``load(**kwargs)`` with SK_INTERACT_DATA unset and no network: the shipped copies."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SK_INTERACT_DATA", raising=False)
        cut_network(patch)
        return load(**kwargs)


def cut_network(monkeypatch):
    """Any attempt to open a connection fails the test, as on an offline machine."""

    def connect(*args, **kwargs):
        pytest.fail(f"the loader tried to open a network connection: {args}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", connect)


def write_tiny_home(directory):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "adult.data").write_text(TINY_ADULT_DATA)
    (directory / "adult.test").write_text(TINY_ADULT_TEST)
    (directory / "bank-additional-full.csv").write_text(TINY_BANK, newline="")
    return directory


def assert_same(left, right):
    """Equal frames or series; pandas' own assert only runs to explain a failure.

    ``assert_frame_equal`` takes seconds on these categorical columns, ``equals`` does not.
    """
    if not left.equals(right):
        assert_equal = (
            pd.testing.assert_frame_equal
            if isinstance(left, pd.DataFrame)
            else pd.testing.assert_series_equal
        )
        assert_equal(left, right)
    assert type(left) is type(right)
    if isinstance(left, pd.DataFrame):
        assert list(left.columns) == list(right.columns)
        assert left.dtypes.equals(right.dtypes)
    else:
        assert left.name == right.name and left.dtype == right.dtype


# ---------------------------------------------------------------------------------------
# The real files as shipped in the package, parsed once per module


@pytest.fixture(scope="module")
def adult_train_raw():
    return load_shipped(load_adult, subset="train", dropna=False)


@pytest.fixture(scope="module")
def adult_test_raw():
    return load_shipped(load_adult, subset="test", dropna=False)


@pytest.fixture(scope="module")
def adult_train():
    return load_shipped(load_adult, subset="train")


@pytest.fixture(scope="module")
def adult_test():
    return load_shipped(load_adult, subset="test")


@pytest.fixture(scope="module")
def bank():
    return load_shipped(load_bank_marketing)


@pytest.mark.parametrize(
    ("fixture", "n_rows", "n_negative", "n_positive"),
    [
        ("adult_train_raw", 32561, 24720, 7841),
        ("adult_test_raw", 16281, 12435, 3846),
        ("adult_train", 30162, None, None),
        ("adult_test", 15060, None, None),
    ],
)
def test_adult_record_and_label_counts(request, fixture, n_rows, n_negative, n_positive):
    # the README's counts: raw files, and after dropping records with a "?"
    X, y = request.getfixturevalue(fixture)
    assert X.shape == (n_rows, 14)
    assert len(y) == n_rows
    if n_negative is not None:
        assert y.value_counts().to_dict() == {0: n_negative, 1: n_positive}


@pytest.mark.parametrize(
    ("fixture", "n_incomplete"), [("adult_train_raw", 2399), ("adult_test_raw", 1221)]
)
def test_adult_question_marks_become_nan_in_three_columns(request, fixture, n_incomplete):
    # "?" is NaN, only in workclass, occupation and native_country
    X, _ = request.getfixturevalue(fixture)
    assert int(X.isna().any(axis=1).sum()) == n_incomplete
    assert set(X.columns[X.isna().any()]) == {"workclass", "occupation", "native_country"}


def test_adult_dropna_keeps_exactly_the_complete_records(adult_train_raw, adult_train):
    # dropna=True is dropna=False minus incomplete rows, with a fresh index
    X_raw, y_raw = adult_train_raw
    X, y = adult_train
    complete = X_raw.notna().all(axis=1)
    assert_same(X, X_raw[complete].reset_index(drop=True))
    assert_same(y, y_raw[complete].reset_index(drop=True))
    assert y.value_counts().to_dict() == {0: 22654, 1: 7508}


def test_adult_first_records_are_the_files_first_lines(adult_train_raw, adult_test_raw):
    # adult.data starts at its first line; adult.test skips "|1x3 Cross validator"
    train_first = adult_train_raw[0].iloc[0]
    assert train_first[["age", "fnlwgt", "capital_gain"]].tolist() == [39, 77516, 2174]
    assert train_first["workclass"] == "State-gov"
    test_first = adult_test_raw[0].iloc[0]
    assert test_first[["age", "fnlwgt", "education_num"]].tolist() == [25, 226802, 7]
    assert test_first["occupation"] == "Machine-op-inspct"
    assert adult_test_raw[1].iloc[0] == 0


def test_adult_dtypes_names_and_index(adult_train_raw, adult_test_raw):
    # snake_case columns, int64 numerics, sorted categories shared by train and test
    for X, y in (adult_train_raw, adult_test_raw):
        assert list(X.columns) == ADULT_COLUMNS
        assert isinstance(X.index, pd.RangeIndex) and X.index.start == 0
        assert y.name == "income" and y.dtype == np.int64
        pd.testing.assert_index_equal(X.index, y.index)
        for column in ADULT_COLUMNS:
            dtype = X[column].dtype
            if column in ADULT_INTEGER:
                assert dtype == np.int64, column
            else:
                assert isinstance(dtype, pd.CategoricalDtype), column
                assert not dtype.ordered
                categories = list(dtype.categories)
                assert categories == sorted(categories)
                assert "?" not in categories
    for column in set(ADULT_COLUMNS) - set(ADULT_INTEGER):
        assert adult_train_raw[0][column].dtype == adult_test_raw[0][column].dtype
    assert len(adult_train_raw[0]["native_country"].cat.categories) == 41
    assert len(adult_train_raw[0]["workclass"].cat.categories) == 8


def test_adult_all_is_train_followed_by_test(adult_train_raw, adult_test_raw):
    # subset="all" concatenates both files, train first, under one RangeIndex
    X, y = load_shipped(load_adult, subset="all", dropna=False)
    assert_same(X, pd.concat([adult_train_raw[0], adult_test_raw[0]], ignore_index=True))
    assert_same(y, pd.concat([adult_train_raw[1], adult_test_raw[1]], ignore_index=True))


def test_adult_second_glance_features_after_dropping_on_all_columns(adult_train):
    # the five paper features, in order; dropna still uses all 14 columns (30,162 rows)
    X, y = load_shipped(load_adult, features="second_glance")
    assert list(X.columns) == ADULT_SECOND_GLANCE
    assert_same(X, adult_train[0][ADULT_SECOND_GLANCE])
    assert_same(y, adult_train[1])


def test_bank_counts_columns_and_dtypes(bank):
    # 41,188 calls, 20 features under their UCI names, y 36,548 no / 4,640 yes
    X, y = bank
    assert X.shape == (41188, 20)
    assert list(X.columns) == BANK_COLUMNS
    assert y.name == "y" and y.dtype == np.int64
    assert y.value_counts().to_dict() == {0: 36548, 1: 4640}
    assert isinstance(X.index, pd.RangeIndex)
    for column in BANK_COLUMNS:
        dtype = X[column].dtype
        if column in BANK_INTEGER:
            assert dtype == np.int64, column
        elif column in BANK_FLOAT:
            assert dtype == np.float64, column
        else:
            assert isinstance(dtype, pd.CategoricalDtype), column
            assert list(dtype.categories) == sorted(dtype.categories)


def test_bank_values_match_the_readme(bank):
    # first record, value ranges, and "unknown" kept as a category (no NaN anywhere)
    X, _ = bank
    first = X.iloc[0]
    assert first[["age", "duration", "pdays"]].tolist() == [56, 261, 999]
    assert first["job"] == "housemaid" and first["euribor3m"] == 4.857
    assert (X["emp.var.rate"].min(), X["emp.var.rate"].max()) == (-3.4, 1.4)
    assert (X["nr.employed"].min(), X["nr.employed"].max()) == (4963.6, 5228.1)
    assert not X.isna().any().any()
    assert "unknown" in X["job"].cat.categories
    assert int((X.select_dtypes("category") == "unknown").any(axis=1).sum()) == 10700
    assert list(X["contact"].cat.categories) == ["cellular", "telephone"]
    assert set(X["month"].unique()) == {
        "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
    }  # fmt: skip


def test_bank_second_glance_and_drop_duration(bank):
    # one parse: the five paper features in order, and duration dropped
    X_all, y_all = bank
    X, y = load_shipped(load_bank_marketing, features="second_glance", drop_duration=True)
    assert list(X.columns) == BANK_SECOND_GLANCE
    assert_same(X, X_all[BANK_SECOND_GLANCE])
    assert_same(y, y_all)


# ---------------------------------------------------------------------------------------
# The shipped copies


@pytest.mark.parametrize("name", sorted(UCI_FILES))
def test_shipped_copies_decompress_to_the_verbatim_uci_files(name):
    # lossless: the bytes and MD5 that shared/data/README.md gives for the originals
    n_bytes, md5 = UCI_FILES[name]
    original = lzma.decompress((SHIPPED_DIR / f"{name}.xz").read_bytes())
    assert len(original) == n_bytes
    assert hashlib.md5(original).hexdigest() == md5


def test_shipped_files_are_small_and_attributed():
    # three data files under 1 MB together; the licence and both DOIs sit beside them
    sizes = {path.name: path.stat().st_size for path in SHIPPED_DIR.iterdir()}
    assert sum(sizes[f"{name}.xz"] for name in UCI_FILES) < 1_000_000
    readme = (SHIPPED_DIR / "README.md").read_text(encoding="utf-8")
    for citation in ("CC BY 4.0", "10.24432/C5XW20", "10.24432/C5K306", "Becker", "Moro"):
        assert citation in readme
    for load in (load_adult, load_bank_marketing):
        assert "CC BY 4.0" in load.__doc__


def test_shipped_files_are_declared_as_package_data():
    # pyproject.toml ships data/* with sk_interact.datasets, so wheels carry the files
    tomllib = pytest.importorskip("tomllib")
    pyproject = PACKAGE_DIR.parent / "pyproject.toml"
    if not pyproject.is_file():
        pytest.skip("not run from a source checkout")
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["sk_interact.datasets"]
    assert "data/*" in patterns


@pytest.mark.parametrize("env_value", [None, ""])
def test_without_data_home_the_shipped_copies_are_read_offline(monkeypatch, env_value):
    # no data_home, SK_INTERACT_DATA unset or empty, no network: the README's row counts
    if env_value is None:
        monkeypatch.delenv("SK_INTERACT_DATA", raising=False)
    else:
        monkeypatch.setenv("SK_INTERACT_DATA", env_value)
    monkeypatch.setenv("HOME", "/nonexistent")
    cut_network(monkeypatch)
    X, y = load_adult(subset="test", dropna=False)
    assert X.shape == (16281, 14) and list(X.columns) == ADULT_COLUMNS
    X, y = load_bank_marketing(features="second_glance")
    assert X.shape == (41188, 5) and list(X.columns) == BANK_SECOND_GLANCE
    assert int(y.sum()) == 4640


def test_shipped_copies_equal_the_shared_files(adult_train_raw, bank):
    # data_home=<the verbatim files> and the shipped copies give the same frames
    require_data()
    X, y = load_adult(data_home=DATA_DIR, subset="train", dropna=False)
    assert_same(X, adult_train_raw[0])
    assert_same(y, adult_train_raw[1])
    X, y = load_bank_marketing(data_home=DATA_DIR)
    assert_same(X, bank[0])
    assert_same(y, bank[1])


def test_datasets_package_has_no_download_path():
    # no network access anywhere in the library: no network module is imported, and
    # the datasets package does not name a downloader
    network_modules = {"urllib", "urllib3", "http", "requests", "httpx", "socket", "ftplib"}
    for path in PACKAGE_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] not in network_modules, (path, module)
    for path in (PACKAGE_DIR / "datasets").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for word in ("urllib", "fetch_openml", "requests", "urlopen", "download_if_missing"):
            assert word not in source, (path, word)


# ---------------------------------------------------------------------------------------
# Where the files are looked up (tiny files)


def test_data_home_argument(tmp_path, monkeypatch):
    # data_home is used as given, and wins over the environment variable
    home = write_tiny_home(tmp_path / "home")
    monkeypatch.setenv("SK_INTERACT_DATA", str(tmp_path / "elsewhere"))
    cut_network(monkeypatch)
    X, y = load_adult(data_home=home, dropna=False)
    assert X.shape == (3, 14)
    assert y.tolist() == [0, 0, 1]
    X, y = load_bank_marketing(data_home=str(home))
    assert X.shape == (2, 20)
    assert y.tolist() == [0, 1]


def test_environment_variable(tmp_path, monkeypatch):
    # with data_home=None the directory comes from SK_INTERACT_DATA, before the shipped copies
    home = write_tiny_home(tmp_path / "env-home")
    monkeypatch.setenv("SK_INTERACT_DATA", str(home))
    cut_network(monkeypatch)
    X, y = load_adult(subset="test", dropna=False)
    assert X["fnlwgt"].tolist() == [226802, 223881]
    assert y.tolist() == [0, 1]
    assert load_bank_marketing()[0].shape == (2, 20)


def test_data_home_with_tilde_is_expanded(tmp_path, monkeypatch):
    # "~/..." means the home directory, as for any path a user types
    monkeypatch.setenv("HOME", str(tmp_path))
    write_tiny_home(tmp_path / "uci")
    X, _ = load_adult(data_home="~/uci", dropna=True)
    assert X.shape == (2, 14)


def test_tiny_files_are_parsed_like_the_real_ones(tmp_path):
    # "?" -> NaN, "|1x3" line skipped, ">50K." -> 1, blank trailing line ignored
    home = write_tiny_home(tmp_path)
    X, y = load_adult(data_home=home, subset="all", dropna=False)
    assert X.shape == (5, 14)
    assert y.tolist() == [0, 0, 1, 0, 1]
    assert X["workclass"].isna().tolist() == [False, False, True, False, False]
    assert X["native_country"].isna().tolist() == [False, False, False, False, True]
    X, y = load_adult(data_home=home, subset="all")
    assert X["age"].tolist() == [39, 50, 25]
    assert X.index.tolist() == [0, 1, 2]


def test_loading_twice_gives_equal_independent_frames(tmp_path):
    # each call parses afresh: mutating one result does not leak into the next
    home = write_tiny_home(tmp_path)
    for load in (load_adult, load_bank_marketing):
        X_a, y_a = load(data_home=home)
        X_b, y_b = load(data_home=home)
        assert_same(X_a, X_b)
        assert_same(y_a, y_b)
        X_a.loc[0, "age"] = -1
        y_a.loc[0] = 7
        X_c, y_c = load(data_home=home)
        assert_same(X_c, X_b)
        assert_same(y_c, y_b)


# ---------------------------------------------------------------------------------------
# Missing files in a given directory (never fetched, never silently replaced)


@pytest.mark.parametrize(
    ("subset", "present", "named"),
    [
        ("train", (), "adult.data"),
        ("test", (), "adult.test"),
        ("all", ("adult.data",), "adult.test"),
    ],
)
def test_missing_adult_file_says_what_to_put_where(tmp_path, monkeypatch, subset, present, named):
    # the message names file, URL and directory, and how to use the shipped copies
    cut_network(monkeypatch)
    for name in present:
        (tmp_path / name).write_text(TINY_ADULT_DATA)
    with pytest.raises(FileNotFoundError) as excinfo:
        load_adult(data_home=tmp_path, subset=subset)
    message = str(excinfo.value)
    assert f"Put {named} from https://archive.ics.uci.edu/dataset/2/adult into {tmp_path}" in (
        message
    )
    assert "data_home=None with SK_INTERACT_DATA unset" in message


def test_missing_bank_file_says_what_to_put_where(tmp_path, monkeypatch):
    # a directory set through the environment variable is not silently replaced either
    cut_network(monkeypatch)
    monkeypatch.setenv("SK_INTERACT_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError) as excinfo:
        load_bank_marketing()
    message = str(excinfo.value)
    assert (
        "Put bank-additional-full.csv (inside bank-additional.zip) from "
        f"https://archive.ics.uci.edu/dataset/222/bank+marketing into {tmp_path}"
    ) in message
    assert "data_home=None with SK_INTERACT_DATA unset" in message


def test_missing_shipped_copy_names_the_installation(tmp_path, monkeypatch):
    # a trimmed installation says which file is missing and how to get around it
    monkeypatch.delenv("SK_INTERACT_DATA", raising=False)
    monkeypatch.setattr(_uci, "_SHIPPED_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="missing from this sk_interact installation"):
        load_bank_marketing()


# ---------------------------------------------------------------------------------------
# Malformed files

ADULT_LINE = (
    "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, "
    "White, Male, 2174, 0, 40, United-States, <=50K"
)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        # every record one field short: 14 columns
        (ADULT_LINE.rsplit(", ", 1)[0] + "\n", "expected 15 comma-separated fields"),
        # the second record one field short
        (ADULT_LINE + "\n" + ADULT_LINE.rsplit(", ", 1)[0] + "\n", "record 2 has fewer"),
        # the second record one field long
        (ADULT_LINE + "\n" + ADULT_LINE + ", 1\n", "could not be parsed"),
        (ADULT_LINE.replace("<=50K", "maybe") + "\n", "unexpected target labels"),
        (ADULT_LINE.replace("39,", "thirty,") + "\n", "'age' must hold integers"),
        (ADULT_LINE.replace("13,", "13.5,") + "\n", "'education_num' must hold integers"),
        (ADULT_LINE.replace("State-gov", "Martian") + "\n", "'workclass' has unexpected"),
    ],
    ids=["14-columns", "short-row", "long-row", "label", "age", "float", "category"],
)
def test_malformed_adult_file_raises_naming_the_file(tmp_path, content, match):
    # each defect gives a ValueError that names the file and what is wrong
    path = tmp_path / "adult.data"
    path.write_text(content)
    with pytest.raises(ValueError, match=match) as excinfo:
        load_adult(data_home=tmp_path)
    assert str(path) in str(excinfo.value)


BANK_HEADER, BANK_RECORD = TINY_BANK.split("\r\n")[:2]


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (BANK_HEADER.replace('"euribor3m";', "") + "\n", "expected the header"),
        (BANK_HEADER.replace(";", ",") + "\n", "expected the header"),
        (BANK_HEADER + "\n" + BANK_RECORD.replace('"no"', '"perhaps"', 1), "'housing' has"),
        (BANK_HEADER + "\n" + BANK_RECORD[: BANK_RECORD.rindex(";")], "record 1 has fewer"),
        (BANK_HEADER + "\n" + BANK_RECORD.rsplit(";", 1)[0] + ';"maybe"', "unexpected target"),
        (BANK_HEADER + "\n" + BANK_RECORD.replace(";4.857;", ";x;"), "'euribor3m' must hold"),
    ],
    ids=["19-columns", "commas", "category", "short-row", "label", "float"],
)
def test_malformed_bank_file_raises_naming_the_file(tmp_path, content, match):
    # each defect gives a ValueError that names the file and what is wrong
    path = tmp_path / "bank-additional-full.csv"
    path.write_text(content)
    with pytest.raises(ValueError, match=match) as excinfo:
        load_bank_marketing(data_home=tmp_path)
    assert str(path) in str(excinfo.value)


# ---------------------------------------------------------------------------------------
# Bad arguments (raised before any file is read)


@pytest.mark.parametrize("subset", ["Train", "validation", "", None, 1])
def test_bad_subset_raises_listing_the_valid_values(tmp_path, subset):
    with pytest.raises(ValueError, match=r"subset must be one of \['train', 'test', 'all'\]"):
        load_adult(data_home=tmp_path, subset=subset)


@pytest.mark.parametrize(
    ("load", "features", "match"),
    [
        (load_adult, ["age", "education-num"], r"unknown column names \['education-num'\]"),
        (load_adult, ["age", "y"], "Valid names are"),
        (load_bank_marketing, ["euribor3m", "emp_var_rate"], "Valid names are"),
        (load_adult, "secondglance", "'second_glance'"),
        (load_adult, "age", "not a valid string"),
        (load_bank_marketing, 5, "features must be None, 'second_glance' or a list"),
        (load_adult, [], "at least one column"),
        (load_adult, ["age", "age"], "each at most once"),
    ],
)
def test_bad_features_raise(tmp_path, load, features, match):
    # unknown names are listed with the valid ones; other shapes say what is accepted
    with pytest.raises(ValueError, match=match):
        load(data_home=tmp_path, features=features)


def test_unknown_feature_message_lists_every_valid_name(tmp_path):
    # the message is enough to fix the call
    with pytest.raises(ValueError) as excinfo:
        load_bank_marketing(data_home=tmp_path, features=["nr_employed"])
    for name in BANK_COLUMNS:
        assert repr(name) in str(excinfo.value)


def test_feature_list_selects_in_the_given_order(tmp_path):
    # a list picks those columns, in the caller's order
    home = write_tiny_home(tmp_path)
    X, _ = load_adult(data_home=home, features=("sex", "age"), dropna=False)
    assert list(X.columns) == ["sex", "age"]
    X, _ = load_bank_marketing(data_home=home, features=["pdays", "job"])
    assert list(X.columns) == ["pdays", "job"]


def test_duration_cannot_be_both_dropped_and_selected(tmp_path):
    # drop_duration=True with "duration" in features is a contradiction
    with pytest.raises(ValueError, match="drop_duration=True drops it"):
        load_bank_marketing(data_home=tmp_path, features=["duration"], drop_duration=True)


def test_drop_duration_removes_the_column(tmp_path):
    # 19 columns, the UCI order otherwise kept
    X, _ = load_bank_marketing(data_home=write_tiny_home(tmp_path), drop_duration=True)
    assert list(X.columns) == [name for name in BANK_COLUMNS if name != "duration"]


@pytest.mark.parametrize(
    ("load", "flag"),
    [
        (load_adult, "dropna"),
        (load_bank_marketing, "drop_duration"),
    ],
)
@pytest.mark.parametrize("value", [0, "False", None])
def test_flags_must_be_bool(tmp_path, load, flag, value):
    with pytest.raises(ValueError, match=f"{flag} must be True or False"):
        load(data_home=tmp_path, **{flag: value})


@pytest.mark.parametrize("load", [load_adult, load_bank_marketing])
def test_data_home_must_be_a_path(load):
    with pytest.raises(ValueError, match="data_home must be a path"):
        load(data_home=3)
