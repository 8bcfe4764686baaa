"""What the interaction displays share: checking a ranking, naming and colouring its rows.

Nothing here imports matplotlib at module level: ``import sk_interact.plotting`` works
without it, and each display asks for it (:func:`check_matplotlib_support`) when it draws.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from sk_interact._ranking import check_ranking as check_ranking_schema
from sk_interact._ranking import feature_names_of
from sk_interact._significance import check_fdr

__all__ = [
    "FADED",
    "MAX_LABEL_LENGTH",
    "MIN_FONTSIZE",
    "NEGATIVE_COLOR",
    "NEUTRAL_COLOR",
    "POSITIVE_COLOR",
    "check_matplotlib_support",
    "check_max_label_length",
    "check_ranking",
    "check_top",
    "estimator_feature_names",
    "estimator_ranking",
    "interaction_label",
    "label_fontsize",
    "new_axes",
    "select_rows",
    "selected_at",
    "selection_labels",
    "shorten_label",
    "sign_colors",
    "sign_legend_handles",
]

# Red for positive, blue for negative, as the diverging "RdBu_r" map of the heatmap (and SHAP).
POSITIVE_COLOR = "tab:red"
NEGATIVE_COLOR = "tab:blue"
NEUTRAL_COLOR = "tab:gray"
# Opacity of the interactions not selected at a display's false discovery rate.
FADED = 0.3
# Labels shrink from the default font size to this floor as their number grows: 6 pt is
# still legible on screen and in print, smaller is not.
MIN_FONTSIZE = 6.0
# Up to this many labels keep the default font size.
_FULL_SIZE_LABELS = 20
# Longer feature names are shortened in the middle (one-hot names such as
# "native-country_Holand-Netherlands" differ at the end, so the end is kept).
MAX_LABEL_LENGTH = 30
_ELLIPSIS = "\N{HORIZONTAL ELLIPSIS}"

_SIGN_LABELS = {
    POSITIVE_COLOR: "positive effect",
    NEGATIVE_COLOR: "negative effect",
    NEUTRAL_COLOR: "no sign",
}


def check_matplotlib_support(caller_name: str) -> None:
    """Raise an ImportError that names the ``plot`` extra when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise ImportError(
            f"{caller_name} requires matplotlib. Install it with "
            '`pip install "sk-interact[plot]"` (or `pip install matplotlib`).'
        ) from error


def check_ranking(ranking, columns: Sequence[str]) -> pd.DataFrame:
    """``ranking`` itself, after checking it is a DataFrame holding ``columns``."""
    return check_ranking_schema(ranking, columns, use="this plot")


def check_top(top) -> None:
    """``top`` is a positive integer or None."""
    if top is not None and (
        isinstance(top, (bool, np.bool_)) or not isinstance(top, numbers.Integral) or top < 1
    ):
        raise ValueError(f"top must be a positive integer or None, got {top!r}.")


def check_max_label_length(max_label_length) -> None:
    """``max_label_length`` is an integer of at least 5 (room for an ellipsis) or None."""
    if max_label_length is not None and (
        isinstance(max_label_length, (bool, np.bool_))
        or not isinstance(max_label_length, numbers.Integral)
        or max_label_length < 5
    ):
        raise ValueError(
            f"max_label_length must be an integer of at least 5 or None, got {max_label_length!r}."
        )


def shorten_label(name, max_length: int | None = MAX_LABEL_LENGTH) -> str:
    """``name`` cut to ``max_length`` characters with an ellipsis in the middle.

    Examples
    --------
    >>> shorten_label("native-country_Holand-Netherlands", 20)
    'native-cou…therlands'
    >>> shorten_label("age", 20)
    'age'
    """
    name = str(name)
    if max_length is None or len(name) <= max_length:
        return name
    head = max_length // 2
    tail = max_length - 1 - head
    return f"{name[:head]}{_ELLIPSIS}{name[len(name) - tail :]}"


def label_fontsize(n_labels: int) -> float:
    """Tick-label font size for ``n_labels`` labels along one side of a plot.

    matplotlib's default size up to 20 labels, then shrinking in proportion to
    their number, never below :data:`MIN_FONTSIZE`.
    """
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    default = FontProperties(size=rcParams["ytick.labelsize"]).get_size_in_points()
    scaled = default * _FULL_SIZE_LABELS / max(n_labels, 1)
    return float(max(MIN_FONTSIZE, min(default, scaled)))


def new_axes(figsize: tuple[float, float]):
    """A new figure of ``figsize`` inches with constrained layout, and its axes.

    Constrained layout keeps rotated tick labels, titles, colour bars and legends
    outside the axes inside the figure.
    """
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def select_rows(ranking: pd.DataFrame, *, order: int | None, top: int | None) -> pd.DataFrame:
    """The ``top`` strongest rows of one ``order`` (or of all), strongest first.

    Rows are re-sorted by ``strength`` (stably), so a hand-made frame in any row order
    gives the same plot as the sorted one.
    """
    check_top(top)
    if order is not None:
        if isinstance(order, (bool, np.bool_)) or not isinstance(order, numbers.Integral):
            raise ValueError(f"order must be an integer or None, got {order!r}.")
        check_ranking(ranking, ["order"])
        selected = ranking[ranking["order"] == order]
        if selected.empty and not ranking.empty:
            raise ValueError(
                f"ranking has no interaction of order {order}; its orders are "
                f"{sorted(int(o) for o in ranking['order'].unique())}."
            )
        ranking = selected
    ranking = ranking.sort_values("strength", ascending=False, kind="stable")
    if top is not None:
        ranking = ranking.head(top)
    return ranking.reset_index(drop=True)


def selected_at(q_values, fdr) -> np.ndarray | None:
    """Whether each q-value is at most ``fdr`` (NaN: not selected); None when ``fdr``
    is None or there are no q-values (a ranking fitted without ``significance``).
    An ``fdr`` outside (0, 1) is refused either way."""
    if fdr is None:
        return None
    fdr = check_fdr(fdr)
    if q_values is None:
        return None
    return np.asarray(q_values, dtype=np.float64) <= fdr


def selection_labels(fdr: float) -> tuple[str, str]:
    """Legend labels of the interactions selected at ``fdr`` and of the others."""
    return f"selected (q \N{LESS-THAN OR EQUAL TO} {fdr:g})", "not selected"


def explainer_of(estimator):
    """The interaction estimator itself, or the last step of a fitted ``Pipeline``."""
    steps = getattr(estimator, "steps", None)
    if steps and not hasattr(estimator, "interactions_"):
        return steps[-1][1]
    return estimator


def estimator_ranking(estimator) -> pd.DataFrame:
    """The fitted ``interactions_`` of ``estimator`` (or of a Pipeline's last step);
    NotFittedError before ``fit``."""
    estimator = explainer_of(estimator)
    check_is_fitted(estimator, "interactions_")
    return estimator.interactions_


def estimator_feature_names(estimator) -> list[str] | None:
    """``feature_names_in_``, else ``x0 … x{d-1}`` as the rankings say, else None."""
    return feature_names_of(explainer_of(estimator))


def interaction_label(features, max_length: int | None = None) -> str:
    """``("x1", "x2")`` -> ``"x1 × x2"``, each name shortened to ``max_length``."""
    if isinstance(features, str):
        return shorten_label(features, max_length)
    return " \N{MULTIPLICATION SIGN} ".join(shorten_label(name, max_length) for name in features)


def sign_colors(effect) -> list[str]:
    """Per row: POSITIVE_COLOR, NEGATIVE_COLOR, or NEUTRAL_COLOR for zero and NaN."""
    effect = np.asarray(effect, dtype=np.float64)
    return [
        POSITIVE_COLOR if value > 0 else NEGATIVE_COLOR if value < 0 else NEUTRAL_COLOR
        for value in effect
    ]


def sign_legend_handles(colors: Sequence[str]) -> list:
    """Legend patches for the sign colours in use, positive first."""
    from matplotlib.patches import Patch

    used = set(colors)
    return [
        Patch(facecolor=color, label=label)
        for color, label in _SIGN_LABELS.items()
        if color in used
    ]
