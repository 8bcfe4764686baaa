"""The ``sk-interact`` command line: it finds planted interactions, writes what it says it
wrote, and refuses unusable input with one line and an exit code, before any training."""

import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sk_interact import load_ranking
from sk_interact.cli import main

# Small and quick: the planted pair x0 × x1 stands out after a few epochs.
FAST = ["--max-epochs", "20", "--hidden", "16,16"]


def joined(*names):
    """Names as the CLI prints an interaction: ``x0 × x1``."""
    return " \N{MULTIPLICATION SIGN} ".join(names)


PLANTED = joined("x0", "x1")


def planted_frame(n_samples=2000, seed=0):
    """y = 2·x0·x1 + x2 over five uniform features: one true pair, (x0, x1)."""
    X = np.random.RandomState(seed).uniform(-1, 1, size=(n_samples, 5))
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(5)])
    frame["y"] = 2 * frame["x0"] * frame["x1"] + frame["x2"]
    return frame


@pytest.fixture
def planted_csv(tmp_path):
    path = tmp_path / "planted.csv"
    planted_frame().to_csv(path, index=False)
    return path


def table_rows(out):
    """The printed ranking table, as lists of cells split on two or more spaces."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("rank"))
    rows = []
    for line in lines[start:]:
        if not line.strip() or not (line.startswith("rank") or line.lstrip()[0].isdigit()):
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return rows


def test_detect_puts_the_planted_pair_first(planted_csv, tmp_path, capsys):
    # The printed table and the saved full ranking both lead with x0 × x1.
    out_path = tmp_path / "ranking.csv"
    code = main(["detect", str(planted_csv), "--target", "y", *FAST, "--out", str(out_path)])
    out = capsys.readouterr().out
    assert code == 0
    header, first, *rest = table_rows(out)
    assert header == ["rank", "interaction", "order", "strength", "effect"]
    assert first[:3] == ["1", PLANTED, "2"]
    assert float(first[4]) > 0  # 2·x0·x1 amplifies: a positive cross partial
    assert len(rest) == 9  # all C(5, 2) = 10 pairs fit under the default --top 20
    assert "2000 rows, 5 features, target 'y'" in out
    assert "task: regression (y holds 2000 distinct values, not all whole)" in out
    assert "network R² on held-out rows: 0.9" in out and "training rows" not in out
    assert f"Wrote the ranking (10 interactions) to {out_path}" in out

    ranking = load_ranking(out_path)
    assert len(ranking) == 10
    assert ranking["features"][0] == ("x0", "x1")
    assert all(type(features) is tuple for features in ranking["features"])
    assert ranking["strength"].is_monotonic_decreasing


def test_detect_table_is_aligned(planted_csv, capsys):
    # Numbers end in one column, names start in one column, whatever their widths.
    assert main(["detect", str(planted_csv), "--target", "y", *FAST, "--top", "4"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("rank"))
    table = lines[start : start + 5]
    assert len({len(line) for line in table}) == 1  # right-aligned effect column
    assert len({line.index(" x") for line in table[1:]}) == 1
    assert "strongest first" in lines[start - 1] and "Top 4 of 10" in lines[start - 1]


def test_detect_writes_json_ranking_and_png_figure(planted_csv, tmp_path, capsys):
    # --out x.json round-trips; --plot writes a real, non-empty PNG.
    json_path, png_path = tmp_path / "ranking.json", tmp_path / "figure.png"
    args = ["detect", str(planted_csv), "--target", "y", *FAST]
    code = main([*args, "--out", str(json_path), "--plot", str(png_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert load_ranking(json_path)["features"][0] == ("x0", "x1")
    assert png_path.stat().st_size > 1000
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"Wrote the figure to {png_path}" in out


def test_detect_higher_order_and_drop(tmp_path, capsys):
    # --order 3 adds triples; --drop leaves a column out of the features.
    frame = planted_frame()
    frame.insert(0, "id", np.arange(len(frame)))
    path = tmp_path / "with_id.csv"
    frame.to_csv(path, index=False)
    out_path = tmp_path / "ranking.csv"
    args = ["detect", str(path), "--target", "y", "--drop", "id", "--order", "3", "-k", "3"]
    assert main([*args, *FAST, "--out", str(out_path)]) == 0
    assert "5 features" in capsys.readouterr().out
    ranking = load_ranking(out_path)
    assert set(ranking["order"]) == {2, 3}
    assert not any("id" in features for features in ranking["features"])


def test_detect_second_glance(planted_csv, capsys):
    # The Second Glance method finds the same pair and reports its surrogate's fit.
    args = ["detect", str(planted_csv), "--target", "y", "--method", "second-glance"]
    assert main([*args, *FAST]) == 0
    out = capsys.readouterr().out
    assert table_rows(out)[1][:2] == ["1", PLANTED]
    assert "Fitted SecondGlanceExplainer" in out
    assert "surrogate R²" in out


def test_detect_classification_with_text_labels(tmp_path, capsys):
    # Text labels mean classification; effects are on the positive class's log-odds.
    frame = planted_frame(n_samples=1500)
    frame["y"] = np.where(frame["x0"] * frame["x1"] > 0, "same", "differ")
    path = tmp_path / "labels.csv"
    frame.to_csv(path, index=False)
    assert main(["detect", str(path), "--target", "y", *FAST]) == 0
    out = capsys.readouterr().out
    assert "task: classification" in out
    assert "log-odds of class 'same'" in out
    # the accuracy beside that of always predicting the most frequent class
    majority = frame["y"].value_counts(normalize=True).max()
    accuracy = re.search(
        r"network accuracy on held-out rows: (0\.\d{3}) \(the most frequent class alone: "
        r"(0\.\d{3})\)",
        out,
    )
    assert accuracy and accuracy[2] == f"{majority:.3f}" and float(accuracy[1]) > majority
    assert table_rows(out)[1][:2] == ["1", PLANTED]


def _spreadsheet_frame(n_samples=1500):
    """The planted table with a text column whose labels are not ASCII."""
    frame = planted_frame(n_samples)
    frame.insert(5, "ville", np.random.RandomState(1).choice(["Orléans", "Nîmes"], n_samples))
    return frame


@pytest.mark.parametrize(
    "name, options, notes",
    [
        ("plain.csv", {}, []),
        # a spreadsheet in a locale whose decimal mark is a comma, on Windows
        (
            "excel.csv",
            {"sep": ";", "decimal": ",", "encoding": "cp1252"},
            [
                "columns separated by ';'",
                "decimal commas in x0, x1, x2, x3, x4, y",
                "Windows-1252 text (not UTF-8)",
            ],
        ),
        ("semicolons.csv.gz", {"sep": ";"}, ["columns separated by ';'"]),
        ("pipes.csv", {"sep": "|"}, ["columns separated by '|'"]),
        ("tabs.csv", {"sep": "\t"}, ["columns separated by '\\t'"]),
        ("tabs.tsv", {"sep": "\t"}, []),
        # Excel's first line naming the separator
        (
            "named.csv",
            {"sep": ";", "decimal": ",", "first": "sep=;"},
            ["columns separated by ';'", "decimal commas in x0, x1, x2, x3, x4, y"],
        ),
    ],
)
def test_read_table_reads_the_csv_dialects_spreadsheets_save(tmp_path, name, options, notes):
    from sk_interact.cli import _read_table

    frame, path = _spreadsheet_frame(), tmp_path / name
    options = dict(options)
    first = options.pop("first", None)
    frame.to_csv(path, index=False, **options)
    if first:  # a line before the header
        path.write_text(f"{first}\n{path.read_text(encoding='utf-8')}", encoding="utf-8")
    read, read_notes = _read_table(path)
    pd.testing.assert_frame_equal(read, frame, check_dtype=False)
    assert read_notes == notes


def test_read_table_leaves_out_what_spreadsheets_add_at_the_edges(tmp_path):
    # Separators after the last column and rows of separators only: unnamed empty
    # columns and empty rows are left out (before: missing values in 'Unnamed: 3', ...);
    # a named column without values is the user's, and stays (to be refused by name).
    from sk_interact.cli import _read_table

    frame = planted_frame(30)[["x0", "x1", "y"]]
    body = frame.to_csv(index=False, sep=";", header=False, lineterminator=";;\n")
    path = tmp_path / "edges.csv"
    path.write_text("x0;x1;y;;\n" + body + ";;;;\n;;;;\n", encoding="utf-8")
    read, notes = _read_table(path)
    pd.testing.assert_frame_equal(read, frame)
    assert notes[-1] == "2 empty unnamed column(s) and 2 empty row(s) left out"
    path.write_text(
        "x0;x1;y;note\n" + frame.to_csv(index=False, sep=";", header=False).replace("\n", ";\n"),
        encoding="utf-8",
    )
    read, notes = _read_table(path)
    assert list(read.columns) == ["x0", "x1", "y", "note"] and read["note"].isna().all()


def test_detect_reads_the_first_sheet_of_an_excel_workbook(tmp_path, capsys, monkeypatch):
    # The planted table on the first of two sheets: the same frame as written, the
    # sheet named, the planted pair first.
    from sk_interact.cli import _read_table

    frame = _spreadsheet_frame()
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as book:
        frame.to_excel(book, sheet_name="data", index=False)
        frame.head(3).to_excel(book, sheet_name="notes", index=False)
    read, notes = _read_table(path)
    pd.testing.assert_frame_equal(read, frame)
    assert notes == ["sheet 'data', 1 of 2 (--sheet picks another)"]
    assert main(["detect", str(path), "--target", "y", *FAST]) == 0
    out = capsys.readouterr().out
    assert "read as: sheet 'data', 1 of 2 (--sheet picks another)" in out
    assert table_rows(out)[1][:2] == ["1", PLANTED]
    # --sheet picks another; an unknown one is named with the sheets there are
    read, notes = _read_table(path, "notes")
    pd.testing.assert_frame_equal(read, frame.head(3))
    assert notes == ["sheet 'notes', 2 of 2"]
    assert main(["detect", str(path), "--target", "y", "--sheet", "Data"]) == 1
    assert "(did you mean 'data'?); its sheets are 'data', 'notes'" in capsys.readouterr().err
    assert main(["detect", _write(tmp_path, "d.csv", frame), "--target", "y", "--sheet", "x"]) == 2
    assert "--sheet applies to Excel workbooks" in capsys.readouterr().err

    # without openpyxl: what to install, or to save as CSV, in one line
    def no_openpyxl(*args, **kwargs):
        raise ImportError("Missing optional dependency 'openpyxl'.")

    monkeypatch.setattr(pd, "ExcelFile", no_openpyxl)
    assert main(["detect", str(path), "--target", "y"]) == 1
    assert "needs openpyxl: pip install openpyxl (or save" in capsys.readouterr().err


def test_detect_drop_missing_leaves_out_incomplete_rows(tmp_path, capsys):
    # Missing values are an error whose remedy names --drop-missing; with it, the rows
    # holding one (in the target or a feature, not in a dropped column) are left out,
    # counted, and the planted pair is still found.
    frame = planted_frame(1500)
    frame.loc[::50, "x3"] = np.nan  # 30 rows
    frame.loc[7, "y"] = np.nan
    frame["note"] = np.where(np.arange(1500) % 2, "seen", None)  # dropped: does not count
    data = _write(tmp_path, "gaps.csv", frame)
    assert main(["detect", data, "--target", "y", "--drop", "note", *FAST]) == 1
    assert "--drop-missing leaves those rows out" in capsys.readouterr().err
    args = ["detect", data, "--target", "y", "--drop", "note", "--drop-missing", *FAST]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "1469 rows, 5 features" in out
    assert "31 of 1500 rows with a missing value left out" in out
    assert table_rows(out)[1][:2] == ["1", PLANTED]
    # too few left: said, before training
    frame.loc[frame.index[20:], "x4"] = np.nan
    data = _write(tmp_path, "holes.csv", frame)
    assert main(["detect", data, "--target", "y", "--drop", "note", "--drop-missing"]) == 1
    assert "needed to train a network; --drop the columns" in capsys.readouterr().err


def test_separator_is_the_one_that_splits_every_line_alike():
    from sk_interact.cli import _separator

    # text with semicolons in a comma-separated file
    assert _separator(["a,note,b", "1,x;y,2", "3,z;w,4"]) == ","
    # decimal commas: commas in the rows but not in the header
    assert _separator(["a;b;c"] + ["1,5;2;x"] * 40) == ";"
    assert _separator(['a;"b;c";d', '1;"2;3";4']) == ";"  # a quoted separator
    assert _separator(["only", "1", "2"]) == ","  # one column: the default
    assert _separator(["a,b", "1", "1,2,3"]) == ","  # ragged: pandas says what is wrong


def test_detect_reads_a_semicolon_csv_with_decimal_commas(tmp_path, capsys):
    # As a spreadsheet in France or Germany saves a table: the CLI says how it read it
    # and finds the planted pair (before, one column named 'x0;x1;...' was read)
    path = tmp_path / "excel.csv"
    _spreadsheet_frame().to_csv(path, index=False, sep=";", decimal=",", encoding="cp1252")
    assert main(["detect", str(path), "--target", "y", *FAST]) == 0
    out = capsys.readouterr().out
    assert "1500 rows, 6 features" in out
    assert "read as: columns separated by ';'; decimal commas in x0, x1, x2, x3, x4, y" in out
    assert "one-hot encoded and ranked as one feature each: ville" in out
    assert table_rows(out)[1][:2] == ["1", PLANTED]


def test_detect_text_columns_groups_and_parquet_out(tmp_path, capsys):
    # A raw table with a text column works as is: the planted interaction is between
    # the text column and a number, named by the column, and numeric class labels
    # print as users wrote them (no numpy reprs).
    from sk_interact import load_ranking

    rng = np.random.RandomState(0)
    frame = planted_frame(n_samples=1500)
    frame["shop"] = rng.choice(["north", "south", "east"], size=len(frame))
    sign = frame["shop"].map({"north": 2.0, "south": -2.0, "east": 0.0})
    frame["y"] = np.where(sign * frame["x2"] + frame["x3"] > 0, 346.0, 12.0)
    data = _write(tmp_path, "shops.csv", frame)
    groups = tmp_path / "groups.json"
    groups.write_text('{"pair01": ["x0", "x1"]}', encoding="utf-8")
    out = tmp_path / "ranking.parquet"
    argv = ["detect", data, "--target", "y", "--groups", str(groups), "--out", str(out)]
    assert main([*argv, *FAST]) == 0
    printed = capsys.readouterr().out
    assert "one-hot encoded and ranked as one feature each: shop" in printed
    assert "feature groups: pair01" in printed
    assert "log-odds of class '346'" in printed
    # the effect note says what a sign means for a text column (wrapped over lines)
    assert "a column of more levels has no one direction" in " ".join(printed.split())
    assert "np.float64" not in printed
    assert table_rows(printed)[1][1] == joined("x2", "shop")
    ranking = load_ranking(out)
    assert ranking["features"][0] == ("x2", "shop")
    assert {f for s in ranking["features"] for f in s} == {"pair01", "x2", "x3", "x4", "shop"}


def test_detect_reads_parquet(tmp_path, capsys):
    # A Parquet table is read like a CSV.
    path = tmp_path / "planted.parquet"
    planted_frame().to_parquet(path)
    assert main(["detect", str(path), "--target", "y", *FAST]) == 0
    assert table_rows(capsys.readouterr().out)[1][:2] == ["1", PLANTED]


def test_detect_parquet_without_pyarrow_says_what_to_install(tmp_path, capsys, monkeypatch):
    # Without a Parquet engine (imports of pyarrow and fastparquet fail), a Parquet file
    # gets one line naming the missing package.
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "fastparquet", None)
    path = tmp_path / "planted.parquet"
    path.write_bytes(b"PAR1 not really")
    assert main(["detect", str(path), "--target", "y"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("sk-interact: error: ")
    assert "pip install pyarrow" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("kind", ["csv", "csv-dates", "parquet"])
def test_detect_names_columns_to_drop_with_the_option(tmp_path, capsys, kind):
    # An identifier column (a CSV's text) or dates (a CSV's text, 50 days over 200
    # rows; a Parquet file's datetime64) is refused before training with one line
    # that ends in the --drop to use.
    frame = planted_frame(200)
    frame["client"] = [f"c{i:03d}" for i in range(200)]
    frame["signed_up"] = pd.date_range("2020-01-01", periods=200, freq="D")
    if kind == "csv":
        path, expected = _write(tmp_path, "d.csv", frame.drop(columns="signed_up")), "client"
    elif kind == "csv-dates":
        frame["signed_up"] = frame["signed_up"].dt.floor("4D")  # 50 days, 4 rows each
        path, expected = _write(tmp_path, "d.csv", frame.drop(columns="client")), "signed_up"
    else:
        path, expected = str(tmp_path / "d.parquet"), "signed_up"
        frame.drop(columns="client").to_parquet(path)
    assert main(["detect", path, "--target", "y", *FAST]) == 1
    err = capsys.readouterr().err
    assert err.startswith("sk-interact: error: ") and "Traceback" not in err
    assert f"'{expected}'" in err
    assert err.rstrip().endswith(f"On the command line: --drop {expected}.")
    assert main(["detect", path, "--target", "y", "--drop", expected, *FAST]) == 0


def _write(tmp_path, name, frame):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return str(path)


def _detect_200(tmp_path, *extra):
    """``detect`` on 200 planted rows, then ``extra`` options."""
    return ["detect", _write(tmp_path, "d.csv", planted_frame(200)), "--target", "y", *extra]


def _text_column(tmp_path):
    frame = planted_frame(200)
    frame["colour"] = np.where(frame["x3"] > 0, "red", "blue")
    return _write(tmp_path, "text.csv", frame)


def _groups(tmp_path):
    path = tmp_path / "groups.json"
    path.write_text('{"place": ["x1", "lat"]}', encoding="utf-8")
    return str(path)


def _missing_values(tmp_path):
    frame = planted_frame(200)
    frame.loc[[3, 7, 11], "x4"] = np.nan
    return _write(tmp_path, "nan.csv", frame)


ERROR_CASES = {
    # name: (tmp_path -> argv, exit status, words the message must contain)
    "missing file": (
        lambda tmp: ["detect", str(tmp / "nope.csv"), "--target", "y"],
        1,
        ["no such file", "nope.csv"],
    ),
    "unsupported suffix": (
        lambda tmp: ["detect", str(tmp / "data.xls"), "--target", "y"],
        2,
        ["unsupported file type", "'.xls'", ".csv", ".xlsx", ".parquet"],
    ),
    "missing target": (
        lambda tmp: ["detect", _write(tmp, "d.csv", planted_frame(200)), "--target", "Y"],
        1,
        ["'Y' is not in the data", "did you mean 'y'?", "'x0', 'x1'"],
    ),
    "group of an unknown column": (
        lambda tmp: ["detect", _text_column(tmp), "--target", "y", "--groups", _groups(tmp)],
        1,
        ["feature_groups['place']", "'lat'", "not in X"],
    ),
    "missing values": (
        lambda tmp: ["detect", _missing_values(tmp), "--target", "y"],
        1,
        ["missing values", "'x4' (3 rows)", "SimpleImputer", "dropna"],
    ),
    "too few rows": (
        lambda tmp: ["detect", _write(tmp, "d.csv", planted_frame(10)), "--target", "y"],
        1,
        ["10 row(s)", "at least 20"],
    ),
    "order below 2": (
        lambda tmp: _detect_200(tmp, "--order", "1"),
        2,
        ["--order", "at least 2"],
    ),
    "order above features": (
        lambda tmp: _detect_200(tmp, "--order", "6"),
        2,
        ["--order 6 exceeds the number of feature columns (5)"],
    ),
    "bad hidden": (
        lambda tmp: _detect_200(tmp, "--hidden", "64,x"),
        2,
        ["--hidden", "'64,x'", "64,32"],
    ),
    "bad out suffix": (
        lambda tmp: _detect_200(tmp, "--out", str(tmp / "r.xlsx")),
        2,
        ["--out", ".csv, .json"],
    ),
    "missing out folder": (
        lambda tmp: _detect_200(tmp, "--plot", str(tmp / "no" / "fig.png")),
        1,
        ["--plot", "does not exist"],
    ),
    "k with second glance": (
        lambda tmp: _detect_200(tmp, "--method", "second-glance", "-k", "5"),
        2,
        ["-k applies to --method tnid only"],
    ),
    "unknown demo function": (
        lambda tmp: ["demo", "--function", "F11"],
        2,
        ["--function", "'F11'"],
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES)
def test_errors_are_one_line_with_an_exit_code(case, tmp_path, capsys):
    # Each problem: the right status, a message naming it, no traceback, nothing trained.
    make_argv, status, words = ERROR_CASES[case]
    assert main(make_argv(tmp_path)) == status
    out, err = capsys.readouterr()
    message = err.splitlines()[-1]
    assert message.startswith("sk-interact: error: ")
    for word in words:
        assert word in message
    assert "Traceback" not in err
    assert "Fitted" not in out


def test_help_and_version_return_zero(capsys):
    # --help and --version return 0 from main instead of raising SystemExit.
    assert main(["--help"]) == 0
    assert "detect" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("sk-interact ")
    assert main(["detect", "--help"]) == 0
    assert "--target" in capsys.readouterr().out


def test_demo_scores_its_ranking_against_the_truth(tmp_path, capsys):
    # The demo shows the formula, the true sets, a ranking table, an AUC and the docs.
    # F8 is the quickest to learn (AUC >= 0.94 over four seeds at these settings).
    out_path = tmp_path / "demo.csv"
    args = ["demo", "--function", "f8", "--max-epochs", "30", "--n-samples", "2000"]
    assert main([*args, "--out", str(out_path)]) == 0
    out = capsys.readouterr().out
    assert "y = x1x2 + 2^(x3 + x5 + x6)" in out
    truth = [("x1", "x2"), ("x3", "x5", "x6"), ("x3", "x4", "x5", "x7"), ("x7", "x8", "x9")]
    assert "True interactions: " + ", ".join(joined(*t) for t in truth) in out
    auc = float(re.search(r"Pairwise interaction AUC: (\d\.\d{3})", out).group(1))
    assert 0.9 <= auc <= 1.0
    header, first, *_ = table_rows(out)
    assert header[-1] == "true" and first[-1] == "yes"
    assert re.search(r"True pairs among the top 12: \d+ of 12", out)
    assert len(load_ranking(out_path)) == 45
    # the next step it suggests names the option that says which interactions are real
    assert "add --fdr 0.1 for only the interactions selected" in out
    assert out.rstrip().endswith("python -m sphinx -b html docs docs/_build/html)")


def test_console_entry_runs_demo_in_a_fresh_process(tmp_path):
    # The real entry point: exit status 0, the AUC on stdout, a figure without a display.
    png = tmp_path / "demo.png"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env.pop("MPLBACKEND", None)  # the CLI picks a non-interactive backend itself
    argv = ["demo", "--max-epochs", "5", "--n-samples", "500"]
    result = subprocess.run(
        [sys.executable, "-m", "sk_interact.cli", *argv, "--plot", str(png)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "function F10" in result.stdout  # the default
    truth = [("x1", "x2"), ("x3", "x5", "x7"), ("x4", "x5"), ("x7", "x9")]
    assert "True interactions: " + ", ".join(joined(*t) for t in truth) in result.stdout
    assert re.search(r"Pairwise interaction AUC: \d\.\d{3}", result.stdout)
    assert png.stat().st_size > 1000


def test_detect_fdr_prints_only_selected_interactions_with_q_values(tmp_path, capsys, monkeypatch):
    # --fdr tests every pair; only the planted one survives, printed with p and q; the
    # figure marks what is selected at the same rate.
    # (a network fitted well enough for the test to have power: 32,16 units, 60 epochs,
    # 2000 rows; at 1500 rows the planted pair's q-value was 0.09-0.18, near the line)
    from sk_interact.plotting import InteractionRankingDisplay

    drawn = []
    plot = InteractionRankingDisplay.plot
    monkeypatch.setattr(
        InteractionRankingDisplay,
        "plot",
        lambda self, *args, **kwargs: drawn.append(plot(self, *args, **kwargs)) or drawn[-1],
    )
    data = _write(tmp_path, "d.csv", planted_frame(2000))
    png = tmp_path / "ranking.png"
    options = ["--fdr", "0.2", "--max-epochs", "60", "--hidden", "32,16", "--plot", str(png)]
    assert main(["detect", data, "--target", "y", *options]) == 0
    out = capsys.readouterr().out
    assert "selected at false discovery rate 0.2" in out
    assert "text column" not in out  # numbers only: no note on text columns' signs
    rows = table_rows(out)
    assert rows[0][-2:] == ["p", "q"]
    assert [row[1] for row in rows[1:]] == [PLANTED]
    assert float(rows[1][-1]) <= 0.1
    (display,) = drawn
    marked = [joined(*f) for f, s in zip(display.ranking_["features"], display.selected_) if s]
    assert marked == [PLANTED]
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert "selected (q ≤ 0.2)" in legend and png.stat().st_size > 1000


@pytest.mark.parametrize("value", ["0", "1", "abc"])
def test_detect_fdr_must_be_a_fraction(tmp_path, capsys, value):
    data = _write(tmp_path, "d.csv", planted_frame(200))
    assert main(["detect", data, "--target", "y", "--fdr", value]) == 2
    assert "--fdr" in capsys.readouterr().err


def test_detect_fdr_says_what_the_correction_asks_when_many_columns_select_nothing(
    tmp_path, capsys
):
    # Twelve columns and a target of pure noise: 66 pairs, none selected. The command
    # says what p-value the first would need after correcting for all of them, and
    # points to the user guide's recipe; with 21 pairs (seven columns) it says nothing.
    rng = np.random.RandomState(1)
    frame = pd.DataFrame(rng.uniform(-1, 1, (300, 12)), columns=[f"c{i}" for i in range(12)])
    frame["y"] = rng.randn(300)
    for columns, note in ((12, True), (7, False)):
        data = _write(tmp_path, f"noise{columns}.csv", frame.iloc[:, -columns - 1 :])
        assert main(["detect", data, "--target", "y", "--fdr", "0.1", *FAST]) == 0
        out = " ".join(capsys.readouterr().out.split())
        assert out.count(" selected at false discovery rate 0.1 (q ≤ 0.1).") == 1
        expected = (
            "Correcting for 66 interactions, the first would need a p-value of 0.0015 or "
            "less. With many columns, choose a few on part of the rows and test them on the "
            "rest (user guide, 'Many columns')."
        )
        assert (expected in out) == note and ("Correcting for" in out) == note


def test_detect_prints_the_estimators_warnings_as_lines(tmp_path, capsys):
    # A constant column and one that numbers the rows are named in "warning:" lines,
    # not in Python's warning format, each with the --drop that leaves it out.
    frame = planted_frame(300).assign(flat=1.0, customer=np.arange(300) + 5000)
    assert main(["detect", _write(tmp_path, "flat.csv", frame), "--target", "y", *FAST]) == 0
    captured = capsys.readouterr()
    out = " ".join(captured.out.split())
    assert "warning: feature(s) ['flat'] are constant" in out
    assert "(strength 0). Drop them, or check the data. On the command line: --drop flat." in out
    assert "warning: column(s) ['customer'] hold every whole number of a range once" in out
    assert "(such as time). On the command line: --drop customer." in out
    assert "UserWarning" not in captured.out + captured.err


@pytest.mark.parametrize("start", [0, 1])
def test_read_table_leaves_out_an_index_written_with_the_table(tmp_path, start):
    # pandas' to_csv without index=False (rows 0, 1, ...) and R's write.csv (1, 2, ...)
    # write an unnamed first column numbering the rows; it is not the user's feature
    # (before: 'Unnamed: 0' was ranked). An unnamed column of other values stays.
    from sk_interact.cli import _read_table

    frame = planted_frame(30)[["x0", "x1", "y"]]
    path = tmp_path / "indexed.csv"
    frame.set_axis(np.arange(30) + start).to_csv(path)
    read, notes = _read_table(path)
    pd.testing.assert_frame_equal(read, frame)
    assert notes == ["an unnamed first column numbering the rows (an index) left out"]
    frame.set_axis(np.arange(30)[::-1]).to_csv(path)
    read, notes = _read_table(path)
    assert list(read.columns) == ["Unnamed: 0", "x0", "x1", "y"] and notes == []


def test_detect_warns_once_when_the_network_predicts_held_out_rows_poorly(tmp_path, capsys):
    # A target of pure noise: nothing to learn, held-out R² near 0. The fit quality says
    # so in one warning line, also with --fdr. (The same fit: a text copy of x4's signs
    # and x4's signs as numbers carry the same information; the warning's remedy is
    # given as the command line's --groups.)
    frame = planted_frame(300).assign(y=np.random.RandomState(1).randn(300))
    frame["sign"] = np.sign(frame["x4"])
    frame["side"] = frame["sign"].map({-1.0: "left", 1.0: "right"})
    data = _write(tmp_path, "noise.csv", frame)
    assert main(["detect", data, "--target", "y", "--fdr", "0.1", *FAST]) == 0
    out = capsys.readouterr().out
    assert out.count("the network predicts held-out rows poorly (R² ") == 1
    # nothing selected: the nearest candidates are shown, marked as not selected
    assert "0 of 21 interactions selected at false discovery rate 0.1 (q ≤ 0.1).\n" in out
    rows = table_rows(out)
    assert len(rows) == 4 and rows[0][-2:] == ["p", "q"]
    q = [float(row[-1]) for row in rows[1:]]
    assert q == sorted(q) and q[0] > 0.1
    assert "Train longer (--max-epochs)" in out
    assert "features 'sign' and 'side' carry the same information" in out
    assert "--groups FILE takes such groups as JSON" in " ".join(out.split())
