"""Horizontal bar chart of the strongest interactions of a ranking."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sk_interact.plotting._base import (
    FADED,
    MAX_LABEL_LENGTH,
    check_matplotlib_support,
    check_max_label_length,
    check_ranking,
    estimator_ranking,
    interaction_label,
    label_fontsize,
    new_axes,
    select_rows,
    selected_at,
    selection_labels,
    sign_colors,
    sign_legend_handles,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["InteractionRankingDisplay"]

# Width of a character in font sizes, for DejaVu Sans text (an upper estimate).
_CHAR_WIDTH = 0.6


#: Inches the legend takes beside the axes.
LEGEND_WIDTH = 1.6


def _ranking_figsize(labels: list[str], fontsize: float, legend: bool) -> tuple[float, float]:
    """Inches that give each bar a label line, room for the longest label and, with
    ``legend``, for the legend beside the axes."""
    label = _CHAR_WIDTH * fontsize / 72 * max((len(text) for text in labels), default=1)
    height = max(4.8, 2.0 * fontsize / 72 * len(labels) + 1.5)
    return max(6.4, label + 4.5) + LEGEND_WIDTH * legend, height


def ranking_figure_size(
    ranking: pd.DataFrame, *, top: int | None = 20, max_label_length: int | None = 30
) -> tuple[float, float]:
    """Inches of the figure :meth:`InteractionRankingDisplay.plot` creates for the
    ``top`` rows of ``ranking`` (with its sign legend), for a caller that draws on a
    figure of its own (the command line, outside pyplot)."""
    rows = select_rows(check_ranking(ranking, ["features", "strength"]), order=None, top=top)
    labels = [interaction_label(f, max_label_length) for f in rows["features"]]
    return _ranking_figsize(labels, label_fontsize(len(labels)), len(rows) > 0)


def wrap_title(title: str, ax, label_inches: float = 0.0) -> str:
    """``title`` broken (textwrap) into lines no wider than the axes.

    The width is that of ``ax``, less the ``label_inches`` that tick labels take from
    it under constrained layout, so that the centred title stays inside the figure.
    """
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    fontsize = FontProperties(size=rcParams["axes.titlesize"]).get_size_in_points()
    figure_width = ax.figure.get_figwidth()
    inches = min(ax.get_position().width * figure_width, figure_width - label_inches - 0.5)
    width = max(int(inches * 72 / (_CHAR_WIDTH * fontsize)), 10)
    lines = str(title).splitlines()
    return "\n".join(textwrap.fill(line, width, break_on_hyphens=False) for line in lines)


class InteractionRankingDisplay:
    """Bar chart of interaction strengths, strongest at the top, coloured by sign.

    Labels stay legible for many rows and long names: their font shrinks with the
    number of rows (down to 6 pt), feature names longer than ``max_label_length``
    are shortened with an ellipsis in the middle, a long ``title`` is wrapped to the
    width of the axes, and a figure created by :meth:`plot` grows with the number of
    rows and uses constrained layout.

    Use :meth:`from_estimator` or :meth:`from_ranking` to create one; the constructor
    only stores its arguments and :meth:`plot` draws.

    Parameters
    ----------
    ranking : DataFrame
        An interaction ranking with at least the columns ``features`` and
        ``strength`` (and ``effect`` to colour by sign); an optional ``strength_std``
        column draws error bars.
    top : int or None, default=20
        Number of strongest rows drawn; None draws every row.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the bar chart.
    figure_ : matplotlib Figure
        Figure holding the axes.
    bars_ : matplotlib BarContainer
        One bar per drawn row, strongest first; a bar's width is its ``strength``.
    errorbar_ : matplotlib ErrorbarContainer or None
        ± ``strength_std`` around the bars where that column is finite; None when the
        ranking has no finite ``strength_std``.
    ranking_ : DataFrame
        The rows drawn, strongest first.

    See Also
    --------
    InteractionHeatmapDisplay : Pairwise effects as a feature × feature matrix.
    InteractionNetworkDisplay : Interactions as a graph of features.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from sk_interact.plotting import InteractionRankingDisplay
    >>> ranking = pd.DataFrame({
    ...     "features": [("x0", "x1"), ("x1", "x2", "x3"), ("x0", "x2")],
    ...     "indices": [(0, 1), (1, 2, 3), (0, 2)],
    ...     "order": [2, 3, 2],
    ...     "strength": [2.0, 0.5, 0.1],
    ...     "effect": [1.4, -0.7, 0.0],
    ... })
    >>> display = InteractionRankingDisplay.from_ranking(ranking, top=2)
    >>> [float(bar.get_width()) for bar in display.bars_]
    [2.0, 0.5]
    >>> [label.get_text() for label in display.ax_.get_yticklabels()]
    ['x0 × x1', 'x1 × x2 × x3']
    """

    def __init__(self, ranking: pd.DataFrame, *, top: int | None = 20):
        self.ranking = ranking
        self.top = top

    def plot(
        self,
        ax: Axes | None = None,
        *,
        color_by_sign: bool = True,
        bar_kwargs: dict | None = None,
        errorbar_kwargs: dict | None = None,
        title: str | None = None,
        max_label_length: int | None = MAX_LABEL_LENGTH,
        fdr: float | None = 0.1,
        show_p_values: bool = False,
    ) -> InteractionRankingDisplay:
        """Draw the bar chart.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure, sized for the number of
            rows, with constrained layout.
        color_by_sign : bool, default=True
            Colour bars by the sign of ``effect`` (red positive, blue negative, grey
            zero or NaN) and add a legend; False draws every bar in one colour.
        bar_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.barh`.
        errorbar_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.errorbar`.
        title : str, default=None
            Title of the axes, wrapped onto several lines where it is wider than
            the axes; None sets none.
        max_label_length : int or None, default=30
            Feature names longer than this are shortened in the tick labels with an
            ellipsis in the middle; None keeps them whole.
        fdr : float or None, default=0.1
            With a ``q_value`` column (an estimator fitted with ``significance``),
            the interactions selected at this false discovery rate are outlined and
            the others drawn faded; None marks nothing.
        show_p_values : bool, default=False
            Write each row's p- and q-value next to its bar (needs ``p_value``).

        Returns
        -------
        display : InteractionRankingDisplay
            This display, with the fitted attributes ``ax_``, ``figure_``, ``bars_``,
            ``errorbar_`` and ``selected_`` (per drawn row, whether it is selected at
            ``fdr``; None without q-values).
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")

        check_max_label_length(max_label_length)
        columns = ["features", "strength", *(["effect"] if color_by_sign else [])]
        rows = select_rows(check_ranking(self.ranking, columns), order=None, top=self.top)
        labels = [interaction_label(f, max_label_length) for f in rows["features"]]
        fontsize = label_fontsize(len(labels))
        self.selected_ = selected_at(rows.get("q_value"), fdr)
        if ax is None:
            legend = color_by_sign or self.selected_ is not None
            ax = new_axes(_ranking_figsize(labels, fontsize, legend and len(rows) > 0))

        strength = rows["strength"].to_numpy(dtype=np.float64)
        positions = np.arange(len(rows))[::-1]  # the strongest row at the top
        bar_kwargs = {} if bar_kwargs is None else dict(bar_kwargs)
        colors = sign_colors(rows["effect"]) if color_by_sign else None
        if colors is not None:
            bar_kwargs.setdefault("color", colors)
        self.bars_ = ax.barh(positions, strength, **bar_kwargs)

        self.errorbar_ = None
        if "strength_std" in rows.columns:
            std = rows["strength_std"].to_numpy(dtype=np.float64)
            finite = np.isfinite(std)
            if finite.any():
                errorbar_kwargs = {
                    "fmt": "none",
                    "ecolor": "black",
                    "capsize": 3,
                    **(errorbar_kwargs or {}),
                }
                self.errorbar_ = ax.errorbar(
                    strength[finite], positions[finite], xerr=std[finite], **errorbar_kwargs
                )

        ax.set_yticks(positions, labels=labels, fontsize=fontsize)
        ax.set_xlabel("strength")
        # at most six strength ticks: the default locator's nine labels of small
        # strengths (0.0000, 0.0025, ...) ran into each other
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        if title is not None:
            label_inches = _CHAR_WIDTH * fontsize / 72 * max(map(len, labels), default=0)
            ax.set_title(wrap_title(title, ax, label_inches))
        handles = sign_legend_handles(colors) if colors is not None and len(rows) else []
        if self.selected_ is not None:
            for bar, chosen in zip(self.bars_, self.selected_, strict=True):
                if chosen:
                    bar.set_edgecolor("black")
                    bar.set_linewidth(1.5)
                else:
                    bar.set_alpha(FADED)
            from matplotlib.patches import Patch

            chosen, other = selection_labels(fdr)
            handles += [
                Patch(facecolor="white", edgecolor="black", linewidth=1.5, label=chosen),
                Patch(facecolor="grey", alpha=FADED, label=other),
            ]
        if show_p_values:
            if not {"p_value", "q_value"} <= set(rows.columns):
                raise ValueError(
                    "show_p_values=True needs the ranking's p_value and q_value columns: "
                    "fit the estimator with significance='auto'."
                )
            for position, value, p, q in zip(
                positions, strength, rows["p_value"], rows["q_value"], strict=True
            ):
                ax.text(
                    value, position, f"  p={p:.2g}, q={q:.2g}", va="center", fontsize=0.8 * fontsize
                )
            ax.set_xlim(right=ax.get_xlim()[1] * 1.35)
        if handles:
            # outside the axes, to the right: inside, it hid the ends of the weakest bars
            ax.legend(
                handles=handles,
                loc="upper left",
                bbox_to_anchor=(1.0, 1.0),
                borderaxespad=0.0,
                fontsize="small",
            )

        self.ranking_ = rows
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_ranking(
        cls,
        ranking: pd.DataFrame,
        *,
        top: int | None = 20,
        order: int | None = None,
        ax: Axes | None = None,
        color_by_sign: bool = True,
        bar_kwargs: dict | None = None,
        errorbar_kwargs: dict | None = None,
        title: str | None = None,
        max_label_length: int | None = MAX_LABEL_LENGTH,
        fdr: float | None = 0.1,
        show_p_values: bool = False,
    ) -> InteractionRankingDisplay:
        """Plot the strongest interactions of a ranking DataFrame.

        Parameters
        ----------
        ranking : DataFrame
            An interaction ranking (columns ``features``, ``strength``, ``effect``;
            ``order`` when ``order`` is given; ``strength_std`` optional).
        top : int or None, default=20
            Number of strongest rows drawn; None draws every row.
        order : int, default=None
            Draw only interactions of this order (2 for pairs, ...); None draws all.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        color_by_sign : bool, default=True
            Colour bars by the sign of ``effect``.
        bar_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.barh`.
        errorbar_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.errorbar`.
        title : str, default=None
            Title of the axes, wrapped where it is wider than the axes.
        max_label_length : int or None, default=30
            Feature names longer than this are shortened in the tick labels with an
            ellipsis in the middle; None keeps them whole.
        fdr : float or None, default=0.1
            Outline the interactions selected at this false discovery rate (when the
            ranking has ``q_value``); None marks nothing.
        show_p_values : bool, default=False
            Write each row's p- and q-value next to its bar.

        Returns
        -------
        display : InteractionRankingDisplay

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> import pandas as pd
        >>> from sk_interact.plotting import InteractionRankingDisplay
        >>> ranking = pd.DataFrame({
        ...     "features": [("a", "b"), ("b", "c")], "indices": [(0, 1), (1, 2)],
        ...     "order": [2, 2], "strength": [1.0, 0.25], "effect": [-1.0, 0.5],
        ...     "strength_std": [0.1, np.nan],
        ... })
        >>> display = InteractionRankingDisplay.from_ranking(ranking, order=2)
        >>> len(display.bars_), display.errorbar_ is not None
        (2, True)
        """
        check_ranking(ranking, ["features", "strength"])
        rows = select_rows(ranking, order=order, top=top)
        return cls(rows, top=top).plot(
            ax=ax,
            color_by_sign=color_by_sign,
            bar_kwargs=bar_kwargs,
            errorbar_kwargs=errorbar_kwargs,
            title=title,
            max_label_length=max_label_length,
            fdr=fdr,
            show_p_values=show_p_values,
        )

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        top: int | None = 20,
        order: int | None = None,
        ax: Axes | None = None,
        color_by_sign: bool = True,
        bar_kwargs: dict | None = None,
        errorbar_kwargs: dict | None = None,
        title: str | None = None,
        max_label_length: int | None = MAX_LABEL_LENGTH,
        fdr: float | None = 0.1,
        show_p_values: bool = False,
    ) -> InteractionRankingDisplay:
        """Plot the strongest interactions found by a fitted estimator.

        Parameters
        ----------
        estimator : fitted estimator
            An estimator with an ``interactions_`` ranking, such as a fitted
            :class:`~sk_interact.TNIDDetector`.
        top : int or None, default=20
            Number of strongest rows drawn; None draws every row.
        order : int, default=None
            Draw only interactions of this order; None draws all.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        color_by_sign : bool, default=True
            Colour bars by the sign of ``effect``.
        bar_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.barh`.
        errorbar_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.errorbar`.
        title : str, default=None
            Title of the axes, wrapped where it is wider than the axes.
        max_label_length : int or None, default=30
            Feature names longer than this are shortened in the tick labels with an
            ellipsis in the middle; None keeps them whole.
        fdr : float or None, default=0.1
            Outline the interactions selected at this false discovery rate (when the
            ranking has ``q_value``); None marks nothing.
        show_p_values : bool, default=False
            Write each row's p- and q-value next to its bar.

        Returns
        -------
        display : InteractionRankingDisplay

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If ``estimator`` has no ``interactions_`` yet.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sk_interact import TNIDDetector
        >>> from sk_interact.datasets import make_tsang_benchmark
        >>> from sk_interact.plotting import InteractionRankingDisplay
        >>> X, y, _ = make_tsang_benchmark("F1", n_samples=500, random_state=0)
        >>> tnid = TNIDDetector(hidden_layer_sizes=(16,), max_epochs=2,
        ...                     random_state=0).fit(X, y)
        >>> display = InteractionRankingDisplay.from_estimator(tnid, top=5)
        >>> len(display.bars_)
        5
        """
        return cls.from_ranking(
            estimator_ranking(estimator),
            top=top,
            order=order,
            ax=ax,
            color_by_sign=color_by_sign,
            bar_kwargs=bar_kwargs,
            errorbar_kwargs=errorbar_kwargs,
            title=title,
            max_label_length=max_label_length,
            fdr=fdr,
            show_p_values=show_p_values,
        )
