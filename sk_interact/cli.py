"""The ``sk-interact`` command line: rank the feature interactions in a table, or run a demo.

::

    sk-interact demo
    sk-interact detect data.csv --target y --out ranking.csv --plot ranking.png

Every problem that the user can fix (a missing file, a missing target column, text or
missing values, an option out of range) is found before any network is trained and
reported as one line on stderr, ``sk-interact: error: ...``, with exit status 1 for
the data and files, 2 for the command line (as argparse does).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import functools
import sys
import textwrap
import time
from pathlib import Path

from sk_interact import __version__

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2
# Below this many rows the 10% early-stopping split and the fit itself mean little.
MIN_ROWS = 20
# CLI defaults: small networks that train in seconds on a few thousand rows on a laptop CPU.
DEFAULT_HIDDEN = {"tnid": (64, 32), "second-glance": (64, 64, 64)}
DEFAULT_MAX_EPOCHS = 100
DEMO_FUNCTION = "F10"  # ranks every true pair first (AUC 1.0) within seconds
DEMO_SAMPLES = 5000
CSV_SUFFIXES = (".csv", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".zip", ".xz", ".zst")
DOCS_HINT = "See the user guide in docs/ (python -m sphinx -b html docs docs/_build/html)"

_EPILOG = """\
exit status:
  0  success
  1  the files or the data cannot be used (missing file, missing target column,
     missing values, an identifier or date column to --drop, too few rows)
  2  invalid command line (unknown option or value, unsupported file suffix,
     --order out of range, malformed --hidden)
"""


class CommandError(Exception):
    """A problem the user can fix: printed as one line on stderr, never as a traceback."""

    def __init__(self, message: str, status: int = EXIT_DATA):
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """argparse, with every error line prefixed ``sk-interact: error:`` as ours are."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"sk-interact: error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _order(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 2, got {text!r}") from None
    if value < 2:
        raise argparse.ArgumentTypeError(
            f"the order of an interaction is at least 2 (pairs), got {value}"
        )
    return value


def _hidden_sizes(text: str) -> tuple[int, ...]:
    """``"64,32"`` -> ``(64, 32)``."""
    parts = [part.strip() for part in text.split(",")]
    if not all(part.isdigit() and int(part) > 0 for part in parts):
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive layer widths such as 64,32, got {text!r}"
        )
    return tuple(int(part) for part in parts)


def _column_list(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _add_threads(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--threads",
        type=_positive_int,
        default=1,
        metavar="N",
        help="CPU threads for torch (default: 1, the fastest for networks this small: "
        "the demo's fit took 4 s on one thread and 80 s on two busy cores)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``sk-interact`` command."""
    parser = _Parser(
        prog="sk-interact",
        description=(
            "Find and explain feature interactions inside neural networks: train a "
            "network on a table and rank which features act together (T-NID, Second "
            "Glance)."
        ),
        epilog="Run 'sk-interact demo' for a first look, 'sk-interact detect -h' for your data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    formatter = argparse.RawDescriptionHelpFormatter

    detect = commands.add_parser(
        "detect",
        help="rank the feature interactions in a CSV, Excel or Parquet table",
        description=textwrap.fill(
            "Train a network to predict the target column from the other columns, then "
            "rank the feature interactions it learned. Prints the strongest ones; --out "
            "saves the full ranking, --plot a bar chart."
        ),
        epilog=_EPILOG,
        formatter_class=formatter,
    )
    detect.add_argument(
        "data",
        metavar="DATA",
        help="table to read: .csv (also .csv.gz, ...), .tsv, .xlsx (the first sheet or "
        "--sheet's; needs openpyxl), .parquet or .pq; numeric, "
        "text and category feature columns (text is one-hot encoded) without missing values. "
        "A .csv may be separated by commas, semicolons, tabs or |, with decimal commas "
        "where the separator is not a comma, in UTF-8 or Windows-1252, as spreadsheets "
        "save it",
    )
    detect.add_argument("--target", required=True, metavar="COL", help="column to predict")
    detect.add_argument(
        "--sheet",
        metavar="NAME",
        help="the sheet of an Excel workbook to read (default: the first)",
    )
    detect.add_argument(
        "--drop",
        type=_column_list,
        action="extend",
        default=[],
        metavar="COLS",
        help="comma-separated columns to leave out, such as an ID column",
    )
    detect.add_argument(
        "--drop-missing",
        action="store_true",
        help="leave out the rows with a missing value in the target or a feature column "
        "(says how many); without it, missing values are an error",
    )
    detect.add_argument(
        "--method",
        choices=("tnid", "second-glance"),
        default="tnid",
        help="tnid: cross partials of a smooth (GELU) network, any order (default); "
        "second-glance: signed effects of a ReLU network through a surrogate of its gradients",
    )
    detect.add_argument(
        "--order",
        type=_order,
        default=2,
        metavar="N",
        help="highest interaction order (default: 2, pairs)",
    )
    detect.add_argument(
        "-k",
        type=_positive_int,
        default=None,
        help="tnid: orders above 2 extend the k strongest sets of the order below (default: 10)",
    )
    detect.add_argument(
        "--fdr",
        type=_fraction,
        default=None,
        metavar="Q",
        help="tnid: test every interaction (p-values against networks trained on data "
        "without it) and print only those selected at false discovery rate Q, with "
        "q-values, e.g. --fdr 0.1 (several times slower than a plain fit)",
    )
    detect.add_argument(
        "--task",
        choices=("auto", "regression", "classification"),
        default="auto",
        help="auto: class labels (text or integers) mean classification (default: auto)",
    )
    detect.add_argument(
        "--max-epochs",
        type=_positive_int,
        default=DEFAULT_MAX_EPOCHS,
        metavar="N",
        help=f"training epochs at most; early stopping may end sooner "
        f"(default: {DEFAULT_MAX_EPOCHS})",
    )
    detect.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    detect.add_argument(
        "--hidden",
        type=_hidden_sizes,
        default=None,
        metavar="W1,W2,...",
        help="hidden layer widths of the network (default: 64,32 for tnid, "
        "64,64,64 for second-glance)",
    )
    detect.add_argument(
        "--out",
        metavar="FILE",
        help="write the full ranking to FILE (.csv, .json or .parquet; read it with "
        "sk_interact.load_ranking)",
    )
    detect.add_argument(
        "--groups",
        metavar="FILE",
        help='JSON file of feature groups, {"group": ["col1", "col2"], ...}: columns '
        "ranked as one feature",
    )
    detect.add_argument(
        "--plot", metavar="FILE", help="save a bar chart of the top interactions (.png, .pdf, .svg)"
    )
    detect.add_argument(
        "--top",
        type=_positive_int,
        default=20,
        metavar="N",
        help="interactions printed and plotted (default: 20)",
    )
    _add_threads(detect)
    detect.add_argument(
        "--verbose", action="store_true", help="print the network's training progress"
    )
    detect.set_defaults(handler=_detect)

    demo = commands.add_parser(
        "demo",
        help="find the known interactions of a synthetic benchmark function",
        description=textwrap.fill(
            "Sample a synthetic function of Tsang et al. (2018) whose interactions are "
            "known, run T-NID on it, and score the ranking against the truth with the "
            "pairwise interaction AUC."
        ),
        epilog=_EPILOG,
        formatter_class=formatter,
    )
    demo.add_argument(
        "--function",
        type=str.upper,
        choices=[f"F{i}" for i in range(1, 11)],
        default=DEMO_FUNCTION,
        metavar="F1..F10",
        help=f"benchmark function (default: {DEMO_FUNCTION})",
    )
    demo.add_argument(
        "--n-samples",
        type=_positive_int,
        default=DEMO_SAMPLES,
        metavar="N",
        help=f"rows to sample (default: {DEMO_SAMPLES})",
    )
    demo.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    demo.add_argument(
        "--max-epochs",
        type=_positive_int,
        default=DEFAULT_MAX_EPOCHS,
        metavar="N",
        help=f"training epochs at most (default: {DEFAULT_MAX_EPOCHS})",
    )
    demo.add_argument(
        "--top",
        type=_positive_int,
        default=10,
        metavar="N",
        help="interactions printed and plotted (default: 10)",
    )
    demo.add_argument("--out", metavar="FILE", help="write the full ranking (.csv or .json)")
    demo.add_argument("--plot", metavar="FILE", help="save a bar chart (.png, .pdf, .svg)")
    _add_threads(demo)
    demo.add_argument(
        "--verbose", action="store_true", help="print the network's training progress"
    )
    demo.set_defaults(handler=_demo)
    return parser


# ----------------------------------------------------------------------------- checks
def _names(names, limit: int = 20) -> str:
    """``'a', 'b', 'c'`` for at most ``limit`` names, then how many more."""
    names = [str(name) for name in names]
    shown = ", ".join(repr(name) for name in names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def _table_format(path: Path) -> str:
    """``"csv"``, ``"tsv"``, ``"parquet"`` or ``"excel"`` from the suffix of ``path``."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        suffixes = suffixes[:-1]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in CSV_SUFFIXES:
        return suffix[1:]
    if suffix in PARQUET_SUFFIXES and path.suffix.lower() == suffix:
        return "parquet"
    if suffix in EXCEL_SUFFIXES and path.suffix.lower() == suffix:
        return "excel"
    raise CommandError(
        f"cannot read {str(path)!r}: unsupported file type {path.suffix or '(no suffix)'!r}; "
        "give a .csv, .tsv, .xlsx, .parquet or .pq file",
        EXIT_USAGE,
    )


def _check_output(path: str | None, option: str, suffixes: list[str]) -> Path | None:
    """``path`` as a Path after checking its suffix and folder, or None."""
    if path is None:
        return None
    path = Path(path)
    if path.suffix.lower().lstrip(".") not in suffixes:
        raise CommandError(
            f"{option} {str(path)!r}: unsupported file type {path.suffix or '(no suffix)'!r}; "
            f"use one of {', '.join('.' + s for s in suffixes)}",
            EXIT_USAGE,
        )
    if not path.parent.is_dir():
        raise CommandError(
            f"{option} {str(path)!r}: the folder {str(path.parent)!r} does not exist"
        )
    return path


def _check_outputs(args) -> tuple[Path | None, Path | None]:
    """The ranking and figure paths, checked before anything is trained."""
    out = _check_output(args.out, "--out", ["csv", "json", "parquet"])
    plot = None
    if args.plot is not None:
        try:
            from matplotlib.backend_bases import FigureCanvasBase
        except ImportError:
            raise CommandError(
                '--plot needs matplotlib: pip install "sk-interact[plot]" (or matplotlib)'
            ) from None
        plot = _check_output(
            args.plot, "--plot", sorted(FigureCanvasBase.get_supported_filetypes())
        )
    return out, plot


#: Column separators a ``.csv`` may use (a spreadsheet in a locale whose decimal mark is
#: a comma saves with ``;``), in the order that breaks ties.
CSV_SEPARATORS = (",", ";", "\t", "|")
#: Text encodings tried in turn: UTF-8 (with or without a byte-order mark), then the
#: Windows code page that spreadsheets in Western Europe save with.
CSV_ENCODINGS = (("utf-8", "UTF-8"), ("cp1252", "Windows-1252"))
#: Lines that decide the separator: the header and the first rows.
SNIFFED_LINES = 50


def _separator(lines: list[str]) -> str:
    """The separator that splits every one of ``lines`` into the same number of fields,
    more than one; the most fields wins, ties go to the earlier of CSV_SEPARATORS, and a
    comma when none does (``pandas.read_csv`` then says what is wrong)."""
    best, most = ",", 1
    for separator in CSV_SEPARATORS:
        counts = {len(row) for row in csv.reader(lines, delimiter=separator)}
        if len(counts) == 1 and (fields := counts.pop()) > most:
            best, most = separator, fields
    return best


def _read_csv(path: Path, kind: str, encoding: str) -> tuple:
    """A CSV or TSV file read with ``encoding``, and notes on how it was read: a
    ``.csv`` file's separator is found from its first lines; with a separator other
    than a comma, a column of numbers written with decimal commas (``1,5``) is read
    as numbers."""
    import pandas as pd

    notes = []
    sep, skip = "\t", 0
    if kind == "csv":
        # the raw lines, decompressed and decoded by pandas (no field separator in them)
        raw = pd.read_csv(
            path,
            sep="\x1f",
            header=None,
            nrows=SNIFFED_LINES,
            dtype=str,
            quoting=csv.QUOTE_NONE,
            encoding=encoding,
            engine="python",
        )
        lines = raw.iloc[:, 0].dropna().tolist()
        if lines and len(lines[0]) == 5 and lines[0].lower().startswith("sep="):
            sep, skip = lines[0][4], 1  # Excel's line naming the separator
        else:
            sep = _separator(lines)
        if sep != ",":
            notes.append(f"columns separated by {sep!r}")
    options = dict(sep=sep, skiprows=skip, skipinitialspace=True, encoding=encoding)
    frame = pd.read_csv(path, **options)
    text = [c for c, t in frame.dtypes.items() if not pd.api.types.is_numeric_dtype(t)]
    if sep != "," and text:
        commas = pd.read_csv(path, decimal=",", usecols=text, **options)
        decimal = [c for c in text if pd.api.types.is_float_dtype(commas[c].dtype)]
        for column in decimal:
            frame[column] = commas[column]
        if decimal:
            notes.append(f"decimal commas in {', '.join(map(str, decimal))}")
    return frame, notes


def _did_you_mean(name: str, options: list[str]) -> str:
    """`` (did you mean 'x'?)`` for the option that differs from ``name`` only in case,
    or else the closest, or nothing."""
    close = [option for option in options if option.lower() == name.lower()]
    close = close or difflib.get_close_matches(name, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _read_excel(path: Path, sheet: str | None = None) -> tuple:
    """The sheet of an Excel workbook named ``sheet`` (by default the first), and a note
    naming it when there are more."""
    import pandas as pd

    with pd.ExcelFile(path) as book:
        names = [str(name) for name in book.sheet_names]
        if sheet is not None and sheet not in names:
            raise CommandError(
                f"--sheet {sheet!r} is not in {str(path)!r}{_did_you_mean(sheet, names)}; "
                f"its sheets are {_names(names)}"
            )
        chosen = names[0] if sheet is None else sheet
        frame = pd.read_excel(book, sheet_name=chosen)
    if len(names) == 1:
        return frame, []
    note = f"sheet {chosen!r}, {names.index(chosen) + 1} of {len(names)}"
    return frame, [note if sheet is not None else f"{note} (--sheet picks another)"]


def _written_index(frame) -> list:
    """The first column of ``frame`` when it is an index written with the table: no
    name, and the rows numbered 0, 1, 2, ... or 1, 2, 3, ... in order (pandas'
    ``to_csv`` and ``to_excel``, R's ``write.csv``)."""
    import numpy as np
    import pandas as pd

    if frame.shape[1] == 0 or not str(frame.columns[0]).startswith("Unnamed: "):
        return []
    numbers = pd.to_numeric(frame.iloc[:, 0], errors="coerce").to_numpy()
    rows = np.arange(len(frame))
    return [frame.columns[0]] if any(np.array_equal(numbers, rows + s) for s in (0, 1)) else []


def _trim_edges(frame, notes: list[str]) -> tuple:
    """``frame`` without what spreadsheets leave at its edges: columns with neither a
    name nor a value (separators after the last column, formatted empty cells), an
    index written with the table (:func:`_written_index`) and empty rows, and ``notes``
    with one saying so."""
    index = _written_index(frame)
    empty = [c for c in frame.columns if str(c).startswith("Unnamed: ") and frame[c].isna().all()]
    blank = frame.drop(columns=empty + index).isna().all(axis=1)
    if not empty and not index and not blank.any():
        return frame, notes
    frame = frame.loc[~blank, [c for c in frame.columns if c not in empty + index]]
    left = ["an unnamed first column numbering the rows (an index)"] if index else []
    left += [f"{len(empty)} empty unnamed column(s)"] if empty else []
    left += [f"{int(blank.sum())} empty row(s)"] if blank.any() else []
    return frame.reset_index(drop=True), [*notes, f"{' and '.join(left)} left out"]


def _read_table(path: Path, sheet: str | None = None) -> tuple:
    """The table at ``path`` (for a workbook, its ``sheet``) as a DataFrame and notes on
    how it was read (separator, decimal mark, encoding, sheet, when not the defaults),
    or a CommandError saying why not."""
    import pandas as pd

    kind = _table_format(path)
    if not path.exists():
        raise CommandError(f"no such file: {str(path)!r}")
    if not path.is_file():
        raise CommandError(f"{str(path)!r} is not a file")
    # binary formats: (reader, the package it needs, the format's name)
    binary = {
        "parquet": (lambda path: (pd.read_parquet(path), []), "pyarrow", "Parquet"),
        "excel": (functools.partial(_read_excel, sheet=sheet), "openpyxl", "Excel"),
    }
    if kind in binary:
        reader, package, label = binary[kind]
        try:
            return _trim_edges(*reader(path))
        except ImportError:
            raise CommandError(
                f"reading {label} files needs {package}: pip install {package} "
                "(or save the table as CSV)"
            ) from None
        except (ValueError, OSError, KeyError) as error:
            raise CommandError(f"cannot read {str(path)!r} as {label}: {error}") from None
    try:
        for encoding, name in CSV_ENCODINGS:
            try:
                frame, notes = _read_csv(path, kind, encoding)
            except UnicodeDecodeError:
                if encoding == CSV_ENCODINGS[-1][0]:
                    raise
                continue
            notes += [] if encoding == "utf-8" else [f"{name} text (not UTF-8)"]
            return _trim_edges(frame, notes)
    except pd.errors.EmptyDataError:
        raise CommandError(f"{str(path)!r} is empty") from None
    except (ValueError, OSError, UnicodeDecodeError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CommandError(f"cannot read {str(path)!r} as {kind.upper()}: {reason}") from None


def _fraction(text: str) -> float:
    """A number strictly between 0 and 1, for argparse."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number between 0 and 1, got {text!r}"
        ) from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be strictly between 0 and 1, got {text}")
    return value


def _label(value) -> str:
    """A class label as its user sees it: ``346`` or ``>50K``, never ``np.float64(346.0)``."""
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _read_groups(path: str | None) -> dict | None:
    """The ``--groups`` JSON file as a dict of lists, or a CommandError."""
    if path is None:
        return None
    import json

    try:
        groups = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"--groups: no such file: {path!r}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"--groups {path!r} is not a JSON file: {error}") from None
    if not isinstance(groups, dict) or not all(isinstance(v, list) for v in groups.values()):
        raise CommandError(
            f'--groups {path!r} must hold a JSON object of lists, {{"group": ["col1", "col2"]}}}}'
        )
    return groups


def _split_target(frame, target: str, drop: list[str], drop_missing: bool = False):
    """Features ``X`` (float, string column names), target ``y`` and a note on the rows
    left out (``drop_missing``: those with a missing value), after every check."""
    import numpy as np
    import pandas as pd

    frame.columns = [str(column) for column in frame.columns]
    columns = list(frame.columns)
    for name, option in [(target, "--target"), *((d, "--drop") for d in drop)]:
        if name not in columns:
            raise CommandError(
                f"{option} column {name!r} is not in the data{_did_you_mean(name, columns)}; "
                f"the columns are {_names(columns)}"
            )
    if target in drop:
        raise CommandError(f"--drop removes the target column {target!r}", EXIT_USAGE)
    if len(frame) < MIN_ROWS:
        raise CommandError(
            f"the data have {len(frame)} row(s); at least {MIN_ROWS} are needed to train a "
            "network (thousands give reliable interactions)"
        )
    note = None
    incomplete = frame[[c for c in columns if c not in drop]].isna().any(axis=1)
    if drop_missing and incomplete.any():
        frame = frame.loc[~incomplete].reset_index(drop=True)
        note = f"{int(incomplete.sum())} of {len(incomplete)} rows with a missing value left out"
        if len(frame) < MIN_ROWS:
            raise CommandError(
                f"{note}: {len(frame)} remain, and at least {MIN_ROWS} are needed to train a "
                "network; --drop the columns that hold most of the missing values"
            )
    X = frame.drop(columns=[target, *drop])
    y = frame[target]
    if X.shape[1] < 2:
        raise CommandError(
            f"interactions need at least 2 feature columns besides the target {target!r}; "
            f"found {X.shape[1]}"
        )
    missing = frame[[*X.columns, target]].isna().sum()
    missing = missing[missing > 0]
    if len(missing):
        counts = [f"{name!r} ({n} row{'s' if n > 1 else ''})" for name, n in missing.items()]
        counts = ", ".join(counts[:20]) + (f", ... ({len(counts) - 20} more)" * (len(counts) > 20))
        raise CommandError(
            f"missing values (NaN) in column(s) {counts}; impute them (e.g. "
            "sklearn.impute.SimpleImputer) or drop those rows (DataFrame.dropna()) first. "
            "On the command line: --drop-missing leaves those rows out (or --drop a column)."
        )
    numeric = [c for c, t in X.dtypes.items() if pd.api.types.is_numeric_dtype(t)]
    infinite = [c for c in numeric if not np.isfinite(X[c].to_numpy(dtype=np.float64)).all()]
    if infinite:
        raise CommandError(
            f"infinite values in column(s) {_names(infinite)}; replace or drop them first"
        )
    return X, y, note


def _resolve_task(y, task: str, target: str) -> tuple[str, str]:
    """The task the estimators will take for ``y`` and why, or a CommandError."""
    import warnings

    import numpy as np
    import pandas as pd

    from sk_interact._explained_network import resolve_task

    numeric = pd.api.types.is_numeric_dtype(y.dtype) and not pd.api.types.is_bool_dtype(y.dtype)
    if y.nunique() < 2:
        raise CommandError(f"the target column {target!r} has a single value; nothing to learn")
    if numeric and not np.isfinite(y.to_numpy(dtype=np.float64)).all():
        raise CommandError(f"infinite values in the target column {target!r}")
    if task == "regression" and not numeric:
        raise CommandError(
            f"the target column {target!r} is not numeric (e.g. {y.iloc[0]!r}); "
            "use --task classification for class labels"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        chosen, reason = resolve_task(task, y.to_numpy())
    if caught:  # an ambiguous target: say how to choose the other task
        other = "regression" if chosen == "classification" else "classification"
        reason += f"; pass --task {other} if that is wrong"
    return chosen, reason


# -------------------------------------------------------------------------- printing
def _times() -> str:
    """The multiplication sign, or ``x`` where stdout cannot encode it."""
    sign = "\N{MULTIPLICATION SIGN}"
    try:
        sign.encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return " x "
    return f" {sign} "


def _echo(text: str = "", stream=None) -> None:
    """Print ``text``, replacing what the stream's encoding cannot show (π, √ on cp1252)."""
    stream = sys.stdout if stream is None else stream
    encoding = getattr(stream, "encoding", None) or "utf-8"
    print(text.encode(encoding, errors="replace").decode(encoding), file=stream)


def format_ranking(ranking, truth=None) -> str:
    """An aligned text table of ranking rows; ``truth`` adds a column marking true sets."""
    import math

    join = _times()
    header = ["rank", "interaction", "order", "strength", "effect"]
    tested = "q_value" in ranking.columns
    if tested:
        header += ["p", "q"]
    rows = []
    for rank, row in enumerate(ranking.itertuples(index=False), start=1):
        effect = "n/a" if math.isnan(row.effect) else f"{row.effect:+.4g}"
        cells = [str(rank), join.join(row.features), str(row.order), f"{row.strength:.4g}", effect]
        if tested:
            cells += [f"{row.p_value:.3g}", f"{row.q_value:.3g}"]
        if truth is not None:
            cells.append("yes" if any(set(row.indices) <= set(t) for t in truth) else "no")
        rows.append(cells)
    if truth is not None:
        header.append("true")
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    left = {1, 5}  # names and yes/no read left-aligned, numbers right-aligned
    lines = [
        "  ".join(
            c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))
        )
        for r in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


#: Below this held-out R² (regression) the network has not learnt the target well enough
#: for its interactions to describe the data.
LOW_VALIDATION_R2 = 0.5


def _network_note(args, hidden) -> str:
    """Which network the command trains, and why its size differs from the estimator's."""
    chosen = "given" if args.hidden or args.max_epochs != DEFAULT_MAX_EPOCHS else "quick defaults"
    return (
        f"network: hidden layers {','.join(map(str, hidden))}, at most {args.max_epochs} "
        f"epochs ({chosen}; the command line trains a smaller network than the estimators' "
        "defaults to answer in seconds; --hidden and --max-epochs change it)"
    )


def _fit_quality(estimator, y) -> list[str]:
    """How well the network fits rows it did not train on, with a warning when poorly:
    interactions of a network that has not learnt the target explain the network."""
    score, low = estimator.validation_score_, False
    if score is None:
        metric = "R²" if estimator.task_ == "regression" else "accuracy"
        lines = [f"network {metric} on held-out rows: n/a (no rows held out)"]
    elif estimator.task_ == "regression":
        lines = [f"network R² on held-out rows: {score:.3f}"]
        low, against = score < LOW_VALIDATION_R2, f"R² {score:.3f} < {LOW_VALIDATION_R2}"
    else:  # beside, and warned of at or below, always predicting the most frequent class
        majority = float(y.value_counts(normalize=True).max())
        lines = [
            f"network accuracy on held-out rows: {score:.3f} (the most frequent class "
            f"alone: {majority:.3f})"
        ]
        low, against = score <= majority, f"accuracy {score:.3f}, majority class {majority:.3f}"
    if low:
        lines.append(
            f"warning: the network predicts held-out rows poorly ({against}). Either "
            "the target is mostly noise (then the ranking and the p-values still hold, "
            "with less power), or the network has not learnt it, and its interactions "
            "describe the network, not the data: compare another model's held-out "
            "score. Train longer (--max-epochs), wider (--hidden) or check the data."
        )
    if hasattr(estimator, "surrogate_r2_"):
        r2 = ", ".join(f"order {k}: {v:.3f}" for k, v in estimator.surrogate_r2_.items())
        lines.append(f"surrogate R² on held-out rows ({r2})")
    return lines


def _effect_note(estimator) -> str:
    """What ``strength`` and ``effect`` mean for this method and task."""
    second_glance = hasattr(estimator, "surrogate_r2_")
    if estimator.task_ == "regression":
        scale = "the output"
    elif len(estimator.classes_) > 2 and not second_glance:
        return (
            "strength: squared cross partials at representative rows, summed over the "
            "classes; effect: n/a (no single class)"
        )
    else:
        scale = f"the log-odds of class {_label(estimator.classes_[-1])!r}"
    if second_glance:
        strength = "mean |estimated cross partial| over the rows"
    elif estimator.task_ == "regression":
        strength = "mean squared cross partial at representative rows"
    else:
        strength = "|effect|"
    note = (
        f"effect: signed mean cross partial of {scale} in standardized units "
        f"(+ amplifies, - dampens); strength: {strength}"
    )
    layout = estimator.network_.features
    if layout is not None and layout.categorical:
        note += (
            "; with a text column of two levels, + is from its first level to its second "
            "(sorted); a column of more levels has no one direction, and the sign of its "
            "interactions names no level"
        )
    return note


def _option_hint(report: Exception | Warning) -> str:
    """The option that carries out the remedy of an estimator's error or warning, when
    it has one: groups to join (``feature_groups``) or columns to leave out or convert
    (``columns``)."""
    if getattr(report, "feature_groups", None):
        return " On the command line, --groups FILE takes such groups as JSON."
    if getattr(report, "columns", None):
        return f" On the command line: --drop {','.join(report.columns)}."
    return ""


#: Interactions ten columns have: when nothing is selected among more, the command
#: line says what the correction for them asks of a p-value, and the remedy.
MANY_INTERACTIONS = 45


def _correction_note(n_tested: int, fdr: float) -> str:
    """For a table of many interactions where nothing was selected: the p-value the
    strongest would need after the correction for all of them, and the remedy (empty
    for few interactions)."""
    if n_tested <= MANY_INTERACTIONS:
        return ""
    return textwrap.fill(
        f"Correcting for {n_tested} interactions, the first would need a p-value of "
        f"{fdr / n_tested:.2g} or less. With many columns, choose a few on part of the "
        "rows and test them on the rest (user guide, 'Many columns').",
        width=88,
    )


def _fit_and_report(estimator, X, y):
    """Fit, print the time, the fit quality and the estimator's warnings (as
    ``warning:`` lines, not Python's source-line format); return the ranking."""
    import warnings

    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        estimator.fit(X, y)
    elapsed = time.perf_counter() - start
    _echo(f"Fitted {estimator!r} in {elapsed:.1f} s")
    for line in _fit_quality(estimator, y):
        _echo(f"  {line}")
    for message in dict.fromkeys(f"{w.message}{_option_hint(w.message)}" for w in caught):
        _echo(
            textwrap.fill(
                f"warning: {message}", width=88, initial_indent="  ", subsequent_indent="    "
            )
        )
    _echo()
    return estimator.interactions_


def _save(
    ranking, out: Path | None, plot: Path | None, title: str, top: int, fdr: float | None = None
) -> None:
    """Write the full ranking and the figure (marking what is selected at ``fdr``), and
    say where."""
    if out is not None:
        from sk_interact import save_ranking

        save_ranking(ranking, out)
        _echo(f"Wrote the ranking ({len(ranking)} interactions) to {out}")
    if plot is not None:
        import matplotlib

        if "matplotlib.pyplot" not in sys.modules:
            matplotlib.use("Agg")  # no display needed; leave an interactive session's choice
        from matplotlib.figure import Figure

        from sk_interact.plotting import InteractionRankingDisplay
        from sk_interact.plotting._ranking import ranking_figure_size

        # A Figure outside pyplot: no window, nothing left open in pyplot's registry;
        # sized as the display sizes its own, with room for the longest label
        figure = Figure(figsize=ranking_figure_size(ranking, top=top), layout="constrained")
        display = InteractionRankingDisplay.from_ranking(
            ranking, top=top, ax=figure.subplots(), fdr=fdr
        )
        display.ax_.set_title(title)
        figure.savefig(plot, dpi=150)
        _echo(f"Wrote the figure to {plot}")


# -------------------------------------------------------------------------- commands
def _detect(args) -> int:
    data = Path(args.data)
    kind = _table_format(data)
    if args.k is not None and args.method != "tnid":
        raise CommandError("-k applies to --method tnid only", EXIT_USAGE)
    if args.fdr is not None and args.method != "tnid":
        raise CommandError("--fdr applies to --method tnid only", EXIT_USAGE)
    if args.sheet is not None and kind != "excel":
        raise CommandError("--sheet applies to Excel workbooks (.xlsx, .xlsm) only", EXIT_USAGE)
    out, plot = _check_outputs(args)
    frame, read_notes = _read_table(data, args.sheet)
    X, y, left_out = _split_target(frame, args.target, args.drop, args.drop_missing)
    groups = _read_groups(args.groups)
    if args.order > X.shape[1]:
        raise CommandError(
            f"--order {args.order} exceeds the number of feature columns ({X.shape[1]})",
            EXIT_USAGE,
        )
    task, reason = _resolve_task(y, args.task, args.target)
    hidden = args.hidden or DEFAULT_HIDDEN[args.method]

    import pandas as pd

    from sk_interact import SecondGlanceExplainer, TNIDDetector

    common = dict(
        order=args.order,
        task=task,
        max_epochs=args.max_epochs,
        random_state=args.seed,
        verbose=int(args.verbose),
        feature_groups=groups,
    )
    if args.method == "tnid":
        k = 10 if args.k is None else args.k
        significance = None if args.fdr is None else "auto"
        estimator = TNIDDetector(
            k=k, hidden_layer_sizes=hidden, significance=significance, **common
        )
    else:
        estimator = SecondGlanceExplainer(primary_hidden=hidden, **common)

    _echo(f"{data}: {len(X)} rows, {X.shape[1]} features, target {args.target!r}")
    if read_notes:
        _echo(
            textwrap.fill(f"  read as: {'; '.join(read_notes)}", width=88, subsequent_indent="    ")
        )
    if left_out:
        _echo(f"  {left_out}")
    text = [str(c) for c, t in X.dtypes.items() if not pd.api.types.is_numeric_dtype(t)]
    if text:
        _echo(
            textwrap.fill(
                f"  text columns, one-hot encoded and ranked as one feature each: "
                f"{', '.join(text)}",
                width=88,
                subsequent_indent="    ",
            )
        )
    if groups:
        _echo(f"  feature groups: {', '.join(groups)}")
    _echo(f"  task: {task} ({reason})")
    _echo(f"  {_network_note(args, hidden)}")
    try:
        ranking = _fit_and_report(estimator, X, y)
    except (ValueError, TypeError) as error:  # the estimator's checks of X and groups
        raise CommandError(f"{error}{_option_hint(error)}") from None
    if args.fdr is None:
        shown = ranking.head(args.top)
        _echo(f"Top {len(shown)} of {len(ranking)} interactions, strongest first:")
    else:
        selected = estimator.select_interactions(fdr=args.fdr)
        shown = selected.head(args.top)
        header = (
            f"{len(selected)} of {len(ranking)} interactions selected at false discovery "
            f"rate {args.fdr:g} (q ≤ {args.fdr:g})"
        )
        if len(selected):
            more = f"; the top {len(shown)}:" if len(shown) < len(selected) else ":"
            _echo(f"{header}, strongest first{more}")
        else:  # how far from the line the nearest ones are
            shown = ranking.sort_values("q_value", kind="stable").head(min(3, args.top))
            _echo(f"{header}.\nThe {len(shown)} with the lowest q-values, not selected:")
    if len(shown):
        _echo(format_ranking(shown))
    nothing = args.fdr is not None and not len(selected)
    if note := (_correction_note(len(ranking), args.fdr) if nothing else ""):
        _echo(note)
    _echo(textwrap.fill(_effect_note(estimator), width=88))
    if out is not None or plot is not None:
        _echo()
    _save(ranking, out, plot, f"{type(estimator).__name__}: {data.name}", args.top, args.fdr)
    return EXIT_OK


def _demo(args) -> int:
    if args.n_samples < MIN_ROWS:
        raise CommandError(f"--n-samples must be at least {MIN_ROWS}", EXIT_USAGE)
    out, plot = _check_outputs(args)

    import pandas as pd

    from sk_interact import TNIDDetector
    from sk_interact.datasets import make_tsang_benchmark
    from sk_interact.datasets._tsang import _TSANG_FUNCTIONS
    from sk_interact.metrics import interaction_auc_score

    X, y, truth = make_tsang_benchmark(
        args.function, n_samples=args.n_samples, random_state=args.seed
    )
    # Name the columns x1..x10 as the paper's formula does.
    names = [f"x{i + 1}" for i in range(X.shape[1])]
    X = pd.DataFrame(X, columns=names)
    join = _times()
    _echo(
        f"Demo: T-NID on the synthetic function {args.function} of Tsang et al. (2018), "
        f"{len(X)} samples, {X.shape[1]} features"
    )
    _echo(f"  y = {_TSANG_FUNCTIONS[args.function].formula}")
    _echo("True interactions: " + ", ".join(join.join(names[i] for i in t) for t in truth))

    estimator = TNIDDetector(
        hidden_layer_sizes=DEFAULT_HIDDEN["tnid"],
        max_epochs=args.max_epochs,
        random_state=args.seed,
        verbose=int(args.verbose),
    )
    ranking = _fit_and_report(estimator, X, y)
    shown = ranking.head(args.top)
    _echo(
        f"Top {len(shown)} of {len(ranking)} pairs, strongest first "
        "(true: part of a true interaction):"
    )
    _echo(format_ranking(shown, truth=truth))

    positives = sum(any(set(s) <= set(t) for t in truth) for s in ranking["indices"])
    found = sum(any(set(s) <= set(t) for t in truth) for s in ranking["indices"].iloc[:positives])
    auc = interaction_auc_score(truth, ranking, order=2, n_features=X.shape[1])
    _echo()
    _echo(
        f"Pairwise interaction AUC: {auc:.3f} "
        "(1 = every true pair ranked above every other pair, 0.5 = chance)"
    )
    _echo(f"True pairs among the top {positives}: {found} of {positives}")
    if out is not None or plot is not None:
        _echo()
    _save(ranking, out, plot, f"T-NID on {args.function}", args.top)
    _echo()
    _echo("Next: sk-interact detect DATA.csv --target COLUMN --plot ranking.png")
    _echo("  add --fdr 0.1 for only the interactions selected at a false discovery rate of 0.1")
    _echo(DOCS_HINT)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version and usage errors
        if stop.code is None:
            return EXIT_OK
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    try:
        return args.handler(args)
    except CommandError as error:
        _echo(f"sk-interact: error: {error}", sys.stderr)
        return error.status
    finally:
        torch.set_num_threads(threads)  # main() may run inside a larger program


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
