"""save_ranking / load_ranking: a ranking comes back exactly, tuples, dtypes and NaNs included."""

import copy
import json
import os

import numpy as np
import pandas as pd
import pytest

from sk_interact import load_ranking, save_ranking
from sk_interact._ranking import ranking_frame

FORMATS = ["csv", "json", "parquet"]
TIMES = "\N{MULTIPLICATION SIGN}"  # joins the names of an interaction in a CSV
TRICKY_NAMES = [
    "age, in years",
    'say "hi"',
    "ratio: a/b",
    "naïve ∂²f/∂x∂y 年",
    "two\nlines",
    "[not, a, list]",
    "",
    "# not a comment",
]


@pytest.fixture
def ranking():
    # Pairs and a triple over tricky names, NaN effects and spreads, and extra columns,
    # one of text that looks like a number, JSON, nothing, next to a missing value.
    frame = ranking_frame(
        [(0, 1), (2, 3), (4, 5, 6), (1, 7), (0, 6)],
        np.array([3.0, 0.1, 2.5, 1e-300, 0.0]),
        np.array([-3.0, np.nan, 0.1 + 0.2, np.nan, -0.0]),
        TRICKY_NAMES,
        strength_std=np.array([0.25, np.nan, 1 / 3, np.inf, np.nan]),
    )
    frame["note"] = pd.Series(["01", "", "null", None, '["x"]'], dtype="str")
    frame["n_networks"] = np.array([4, 4, 2, 1, 0], dtype=np.int64)
    frame["stable"] = [True, False, True, True, False]
    frame["rank_f32"] = np.arange(5, dtype=np.float32) / 3
    return frame


def _round_trip(ranking, tmp_path, fmt):
    path = tmp_path / f"ranking.{fmt}"
    save_ranking(ranking, path)
    return load_ranking(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_is_exact(ranking, tmp_path, fmt):
    # Every column, dtype, float bit and NaN comes back; tuples hold str and int.
    loaded = _round_trip(ranking, tmp_path, fmt)
    pd.testing.assert_frame_equal(loaded, ranking, check_exact=True)
    assert loaded["features"].tolist() == ranking["features"].tolist()
    for features, indices in zip(loaded["features"], loaded["indices"]):
        assert type(features) is tuple and type(indices) is tuple
        assert all(type(name) is str for name in features)
        assert all(type(index) is int for index in indices)
    assert set(loaded["features"].explode()) == set(TRICKY_NAMES)
    assert loaded["order"].dtype == np.int64
    assert np.isnan(loaded["effect"]).sum() == 2
    assert np.signbit(loaded["effect"][4])  # even -0.0 survives


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_ranking_round_trips(ranking, tmp_path, fmt):
    # No rows: the columns and their dtypes remain.
    empty = ranking.iloc[:0].reset_index(drop=True)
    loaded = _round_trip(empty, tmp_path, fmt)
    pd.testing.assert_frame_equal(loaded, empty)
    assert list(loaded.columns) == list(ranking.columns)


@pytest.mark.parametrize("fmt", FORMATS)
def test_estimator_style_ranking_round_trips(tmp_path, fmt):
    # The frame ranking_frame builds (as interactions_ is built) comes back equal.
    ranking = ranking_frame(
        [(0, 1), (0, 2), (1, 2), (0, 1, 2)],
        np.array([0.5, 2.0, 1.0, 0.75]),
        None,
        ["x0", "x1", "x2"],
    )
    pd.testing.assert_frame_equal(_round_trip(ranking, tmp_path, fmt), ranking)


@pytest.mark.parametrize("fmt", FORMATS)
def test_caller_frame_is_not_modified(ranking, tmp_path, fmt):
    # Saving reads the frame only: values, dtypes, index and columns are untouched.
    subset = ranking.iloc[[3, 1]]  # a non-default index, which is not saved
    before = copy.deepcopy(subset)
    save_ranking(subset, tmp_path / f"subset.{fmt}")
    pd.testing.assert_frame_equal(subset, before)
    loaded = load_ranking(tmp_path / f"subset.{fmt}")
    pd.testing.assert_frame_equal(loaded, subset.reset_index(drop=True))


def test_csv_is_a_plain_table_pandas_reads_without_options(ranking, tmp_path):
    # The header is the first line; one row per interaction; features read as text.
    path = tmp_path / "ranking.csv"
    save_ranking(ranking, path)
    assert path.read_text(encoding="utf-8").startswith("features,indices,order,strength,effect,")
    table = pd.read_csv(path)
    assert list(table.columns) == list(ranking.columns)
    assert len(table) == len(ranking) == 5
    assert table["features"][0] == f'age, in years {TIMES} say "hi"'
    # the third name of the triple is "": the cell ends with the separator
    assert table["features"][1] == f"two\nlines {TIMES} [not, a, list] {TIMES} "
    assert table["features"][2] == f"ratio: a/b {TIMES} naïve ∂²f/∂x∂y 年"
    assert table["indices"].tolist() == ["(0, 1)", "(4, 5, 6)", "(2, 3)", "(1, 7)", "(0, 6)"]
    assert table["order"].tolist() == [2, 3, 2, 2, 2]
    assert table["strength"].tolist() == ranking["strength"].tolist()
    assert table["effect"].isna().tolist() == [False, False, True, True, False]
    # the dtypes live in the sidecar, which names the CSV's columns
    meta = json.loads((tmp_path / "ranking.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["columns"] == list(ranking.columns)
    assert meta["dtypes"]["rank_f32"] == "float32"


def test_csv_escapes_the_separator_inside_names(tmp_path):
    # A name holding " × " or a backslash is escaped, so the split is exact.
    names = [f"a {TIMES} b", "c\\d", f"e {TIMES}"]
    ranking = ranking_frame([(0, 1), (1, 2)], np.array([1.0, 0.5]), None, names)
    path = tmp_path / "ranking.csv"
    save_ranking(ranking, path)
    assert pd.read_csv(path)["features"].tolist() == [
        f"a \\{TIMES} b {TIMES} c\\\\d",
        f"c\\\\d {TIMES} e \\{TIMES}",
    ]
    pd.testing.assert_frame_equal(load_ranking(path), ranking, check_exact=True)


def test_csv_without_its_sidecar_still_loads(tmp_path):
    # Without the sidecar the table is read with pandas: tuples and core dtypes return.
    ranking = ranking_frame(
        [(0, 1), (1, 2, 3)], np.array([1.0, 0.5]), np.array([0.1, np.nan]), list("abcd")
    )
    path = tmp_path / "ranking.csv"
    save_ranking(ranking, path)
    os.remove(tmp_path / "ranking.csv.meta.json")
    loaded = load_ranking(path)
    pd.testing.assert_frame_equal(loaded, ranking)
    assert loaded["features"][1] == ("b", "c", "d")


def test_csv_with_the_old_comment_line_still_loads(tmp_path):
    # A file written before the sidecar (a "# sk_interact ranking" line, JSON cells).
    path = tmp_path / "old.csv"
    path.write_text(
        '# sk_interact ranking {"version": 1, "dtypes": {"features": "object", '
        '"indices": "object", "order": "int64", "strength": "float64", "effect": '
        '"float64", "note": "object"}}\n'
        "features,indices,order,strength,effect,note\n"
        '"[""a"", ""b, c""]","[0, 1]",2,2.0,-2.0,"""x"""\n'
        '"[""b, c"", ""d"", ""e""]","[1, 2, 3]",3,0.5,,null\n',
        encoding="utf-8",
    )
    expected = ranking_frame(
        [(0, 1), (1, 2, 3)], np.array([2.0, 0.5]), np.array([-2.0, np.nan]), ["a", "b, c", "d", "e"]
    )
    expected["note"] = pd.Series(["x", None], dtype=object)
    pd.testing.assert_frame_equal(load_ranking(path), expected)


def test_parquet_holds_lists_and_keeps_dtypes(ranking, tmp_path):
    # Other tools see list columns; load_ranking gives tuples back.
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "ranking.parquet"
    save_ranking(ranking, path)
    table = pq.read_table(path)
    assert table.column("features").to_pylist()[0] == ["age, in years", 'say "hi"']
    assert table.column("indices").to_pylist()[1] == [4, 5, 6]
    loaded = load_ranking(path)
    assert type(loaded["features"][0]) is tuple and type(loaded["indices"][0][0]) is int
    pd.testing.assert_frame_equal(loaded, ranking, check_exact=True)
    # .pq is Parquet too
    save_ranking(ranking, tmp_path / "ranking.pq")
    pd.testing.assert_frame_equal(load_ranking(tmp_path / "ranking.pq"), ranking)


def test_parquet_from_to_parquet_is_read(tmp_path):
    # A Parquet file that pandas wrote (no sk_interact metadata) loads with tuple columns.
    pytest.importorskip("pyarrow")
    ranking = ranking_frame(
        [(0, 1), (1, 2, 3)], np.array([1.0, 0.5]), np.array([0.1, np.nan]), list("abcd")
    )
    path = tmp_path / "plain.parquet"
    ranking.to_parquet(path)
    pd.testing.assert_frame_equal(load_ranking(path), ranking)


def test_json_is_plain_json_with_null_for_nan(ranking, tmp_path):
    # Standard JSON (no NaN tokens): NaN is null, infinity the string "inf".
    path = tmp_path / "ranking.json"
    save_ranking(ranking, path)
    document = json.loads(path.read_text(encoding="utf-8"), parse_constant=pytest.fail)
    assert document["columns"] == list(ranking.columns)
    assert document["rows"][0]["features"] == list(ranking["features"][0])
    effects = [row["effect"] for row in document["rows"]]
    assert effects.count(None) == 2
    assert [row["strength_std"] for row in document["rows"]].count("inf") == 1


def test_plain_csv_from_to_csv_is_read(tmp_path):
    # A CSV written by DataFrame.to_csv (Python tuple reprs) loads with tuple columns.
    ranking = ranking_frame(
        [(0, 1), (1, 2, 3)], np.array([1.0, 0.5]), np.array([0.1, np.nan]), list("abcd")
    )
    path = tmp_path / "plain.csv"
    ranking.to_csv(path, index=False)
    pd.testing.assert_frame_equal(load_ranking(path), ranking)


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_argument_overrides_the_suffix(ranking, tmp_path, fmt):
    # Any suffix works when format is given.
    path = tmp_path / "ranking.txt"
    save_ranking(ranking, path, format=fmt)
    pd.testing.assert_frame_equal(load_ranking(path, format=fmt), ranking)


def test_suffix_is_case_insensitive(ranking, tmp_path):
    # RANKING.CSV is a CSV.
    path = tmp_path / "RANKING.CSV"
    save_ranking(ranking, str(path))
    pd.testing.assert_frame_equal(load_ranking(str(path)), ranking)


@pytest.mark.parametrize("function", ["save", "load"])
@pytest.mark.parametrize(
    ("name", "fmt", "match"),
    [
        ("ranking.txt", None, "format"),
        ("ranking", None, "format"),
        ("ranking.csv", "xml", "format must be 'csv', 'json', 'parquet' or None"),
    ],
)
def test_unknown_format_is_refused(ranking, tmp_path, function, name, fmt, match):
    # Without a known suffix or format, nothing is read or written.
    path = tmp_path / name
    with pytest.raises(ValueError, match=match):
        if function == "save":
            save_ranking(ranking, path, format=fmt)
        else:
            load_ranking(path, format=fmt)
    assert not path.exists()


def test_save_validates_the_ranking(ranking, tmp_path):
    # Missing ranking columns are named; unsupported dtypes and non-frames are refused.
    with pytest.raises(ValueError, match=r"missing the column\(s\) \['order', 'effect'\]"):
        save_ranking(ranking.drop(columns=["order", "effect"]), tmp_path / "r.csv")
    with pytest.raises(TypeError, match="'group' of dtype category"):
        save_ranking(ranking.assign(group=pd.Categorical(list("ababa"))), tmp_path / "r.csv")
    with pytest.raises(TypeError, match="DataFrame"):
        save_ranking(ranking.to_dict(), tmp_path / "r.csv")
    assert not (tmp_path / "r.csv").exists()


def test_load_refuses_other_json(tmp_path):
    # A JSON file that save_ranking did not write is not guessed at.
    path = tmp_path / "other.json"
    path.write_text('{"rows": []}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a ranking written by save_ranking"):
        load_ranking(path)


def _saved(tmp_path, name, ranking=None):
    """The bytes save_ranking writes for a small ranking, at ``tmp_path / name``."""
    if ranking is None:
        ranking = ranking_frame([(0, 1), (1, 2)], np.array([1.0, 0.5]), None, list("abc"))
    path = tmp_path / name
    save_ranking(ranking, path)
    return path, path.read_bytes()


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def _cut_inside_last_row(tmp_path):
    # cut the CSV after the last row's features cell, and drop the sidecar
    path, data = _saved(tmp_path, "cut.csv")
    os.remove(tmp_path / "cut.csv.meta.json")
    return _write(path, data[: data.rindex(b'"(')])


DAMAGED = {
    "empty csv": lambda tmp: _write(tmp / "r.csv", b""),
    "empty json": lambda tmp: _write(tmp / "r.json", b""),
    "empty parquet": lambda tmp: _write(tmp / "r.parquet", b""),
    "truncated json": lambda tmp: _write(_saved(tmp, "r.json")[0], _saved(tmp, "r.json")[1][:-40]),
    "json without rows": lambda tmp: _write(
        tmp / "r.json",
        b'{"format": "sk_interact.ranking", "version": 2, "columns": ["features"], '
        b'"dtypes": {"features": "object"}}',
    ),
    "json of another kind": lambda tmp: _write(tmp / "r.json", b'{"rows": []}'),
    "truncated csv with sidecar": lambda tmp: _write(
        _saved(tmp, "r.csv")[0], _saved(tmp, "r.csv")[1][:-5]
    ),
    "truncated csv alone": _cut_inside_last_row,
    "csv edited after saving": lambda tmp: _write(
        _saved(tmp, "r.csv")[0], _saved(tmp, "r.csv")[1].replace(b"1.0", b"2.0")
    ),
    "csv that is not a ranking": lambda tmp: _write(tmp / "r.csv", b"a,b\n1,2\n"),
    "csv of bad indices": lambda tmp: _write(
        tmp / "r.csv", b"features,indices,order,strength,effect\na \xc3\x97 b,(0; x),2,1.0,\n"
    ),
    "csv of binary data": lambda tmp: _write(tmp / "r.csv", bytes(range(256))),
    "truncated parquet": lambda tmp: _write(
        _saved(tmp, "r.parquet")[0], _saved(tmp, "r.parquet")[1][:-100]
    ),
}


@pytest.mark.parametrize("case", DAMAGED)
def test_damaged_files_raise_a_value_error_naming_the_file(case, tmp_path):
    # Whatever is wrong, a ValueError (not KeyError, IndexError, JSONDecodeError...) that
    # names the file.
    if "parquet" in case:
        pytest.importorskip("pyarrow")
    path = DAMAGED[case](tmp_path)
    with pytest.raises(ValueError) as excinfo:
        load_ranking(path)
    assert excinfo.type is ValueError
    assert str(path) in str(excinfo.value)
    assert str(excinfo.value).startswith(f"Cannot load a ranking from {str(path)!r}: ")


# A file that is not there stays a FileNotFoundError naming it, in every format.
@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_file_is_file_not_found(tmp_path, fmt):
    path = tmp_path / f"nope.{fmt}"
    with pytest.raises(FileNotFoundError, match="nope"):
        load_ranking(path)
