"""save_ranking / load_ranking: a ranking comes back exactly, tuples, dtypes and NaNs included."""

import copy
import json

import numpy as np
import pandas as pd
import pytest

from sk_interact import load_ranking, save_ranking
from sk_interact._ranking import ranking_frame

FORMATS = ["csv", "json"]
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


def test_csv_cells_hold_json_and_read_with_pandas(ranking, tmp_path):
    # The CSV is a header line plus a table pandas reads; tuple cells are JSON arrays.
    path = tmp_path / "ranking.csv"
    save_ranking(ranking, path)
    assert path.read_text(encoding="utf-8").startswith("# sk_interact ranking {")
    table = pd.read_csv(path, skiprows=1, keep_default_na=False)
    assert list(table.columns) == list(ranking.columns)
    assert [json.loads(cell) for cell in table["features"]] == [
        list(features) for features in ranking["features"]
    ]
    assert table["order"].tolist() == ranking["order"].tolist()


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
        ("ranking.csv", "xml", "format must be 'csv', 'json' or None"),
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
