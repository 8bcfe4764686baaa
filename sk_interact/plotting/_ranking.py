"""Horizontal bar chart of the strongest interactions of a ranking."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sk_interact.plotting._base import (
    check_matplotlib_support,
    check_ranking,
    estimator_ranking,
    interaction_label,
    select_rows,
    sign_colors,
    sign_legend_handles,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["InteractionRankingDisplay"]


class InteractionRankingDisplay:
    """Bar chart of interaction strengths, strongest at the top, coloured by sign.

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
    ) -> InteractionRankingDisplay:
        """Draw the bar chart.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        color_by_sign : bool, default=True
            Colour bars by the sign of ``effect`` (red positive, blue negative, grey
            zero or NaN) and add a legend; False draws every bar in one colour.
        bar_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.barh`.
        errorbar_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.errorbar`.

        Returns
        -------
        display : InteractionRankingDisplay
            This display, with the fitted attributes ``ax_``, ``figure_``, ``bars_``
            and ``errorbar_``.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        columns = ["features", "strength", *(["effect"] if color_by_sign else [])]
        rows = select_rows(check_ranking(self.ranking, columns), order=None, top=self.top)
        if ax is None:
            _, ax = plt.subplots()

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

        ax.set_yticks(positions, labels=[interaction_label(f) for f in rows["features"]])
        ax.set_xlabel("strength")
        if colors is not None and len(rows):
            ax.legend(handles=sign_legend_handles(colors), loc="lower right")

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
        )
