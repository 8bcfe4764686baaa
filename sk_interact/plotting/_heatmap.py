"""Pairwise interactions as a symmetric feature × feature heatmap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sk_interact._ranking import default_feature_names
from sk_interact.plotting._base import (
    MAX_LABEL_LENGTH,
    check_matplotlib_support,
    check_max_label_length,
    check_ranking,
    check_top,
    estimator_feature_names,
    estimator_ranking,
    label_fontsize,
    new_axes,
    selected_at,
    selection_labels,
    shorten_label,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["InteractionHeatmapDisplay"]

_VALUES = ("effect", "strength")
# How a selected pair's cells are outlined.
_OUTLINE = {"fill": False, "edgecolor": "black", "linewidth": 1.5}
# Beyond this many features the x tick labels stand upright: 45° labels of long names
# would run into each other's rows.
_UPRIGHT_LABELS = 20


def pairwise_matrix(
    ranking: pd.DataFrame,
    value: str,
    *,
    n_features: int | None = None,
    feature_names: Sequence[str] | None = None,
) -> tuple[np.ndarray, list[str]]:
    """The symmetric matrix of ``value`` over the pairs (order-2 rows) of a ranking.

    Parameters
    ----------
    ranking : DataFrame
        Columns ``indices`` and ``value``; ``features`` names the features when
        ``feature_names`` is None.
    value : {"effect", "strength"}
        Column written into the matrix.
    n_features : int, optional
        Size ``d`` of the matrix; default ``len(feature_names)``, else the largest
        index in the ranking plus one.
    feature_names : sequence of str, optional
        Names of all ``d`` features.

    Returns
    -------
    matrix : ndarray of shape (d, d)
        ``matrix[i, j] = matrix[j, i]`` is the value of the pair ``(i, j)``; NaN on
        the diagonal and for pairs the ranking does not score.
    names : list of str
        Feature names, ``x{i}`` where neither argument nor ranking names feature ``i``.
    """
    indices = [tuple(int(i) for i in s) for s in ranking["indices"]]
    largest = max((max(s) for s in indices if s), default=-1)
    if feature_names is not None:
        feature_names = [str(name) for name in feature_names]
        if n_features is not None and n_features != len(feature_names):
            raise ValueError(
                f"n_features={n_features} but {len(feature_names)} feature_names were given."
            )
        n_features = len(feature_names)
    elif n_features is None:
        n_features = largest + 1
    if largest >= n_features:
        raise ValueError(
            f"ranking refers to feature index {largest}, but the matrix has only "
            f"{n_features} features; pass n_features or feature_names for all of them."
        )

    names = feature_names
    if names is None:
        names = default_feature_names(n_features)
        if "features" in ranking.columns:
            for index_set, features in zip(indices, ranking["features"]):
                for i, name in zip(index_set, features):
                    names[i] = str(name)

    matrix = np.full((n_features, n_features), np.nan)
    for index_set, entry in zip(indices, ranking[value].to_numpy(dtype=np.float64)):
        if len(index_set) != 2:
            continue
        i, j = index_set
        if not np.isnan(matrix[i, j]):
            raise ValueError(f"ranking scores the pair {(i, j)} more than once.")
        matrix[i, j] = matrix[j, i] = entry
    return matrix, names


def top_pair_features(ranking: pd.DataFrame, top: int) -> np.ndarray:
    """Column positions of the features in the ``top`` strongest pairs, ascending."""
    check_ranking(ranking, ["indices", "strength"])
    pairs = ranking[ranking["indices"].map(len) == 2]
    if pairs.empty:
        raise ValueError(f"top={top} selects pairs, but ranking has no interaction of order 2.")
    pairs = pairs.sort_values("strength", ascending=False, kind="stable").head(top)
    return np.unique(np.concatenate([np.asarray(s, dtype=np.intp) for s in pairs["indices"]]))


def _heatmap_figsize(names: list[str], fontsize: float) -> tuple[float, float]:
    """Inches that give every row a label line and room for the longest label."""
    row = 1.5 * fontsize / 72  # one label line per row, with spacing
    label = 0.6 * fontsize / 72 * max((len(name) for name in names), default=1)
    side = len(names) * row + label + 0.6
    # the colour bar and its label take about 1.2 inches to the right
    return max(6.4, side + 1.2), max(4.8, side)


class InteractionHeatmapDisplay:
    """Heatmap of pairwise interactions: one row and one column per feature.

    Entry ``(i, j)``, and symmetrically ``(j, i)``, shows the ``effect`` (a diverging
    colormap centred at 0) or the ``strength`` (a sequential colormap) of the pair;
    the diagonal and pairs the ranking does not score are left blank. Rows of order 3
    and above are ignored. With ``top``, only the features of the ``top`` strongest
    pairs get a row and a column.

    The plot stays legible with many features and long names: tick labels shrink
    with the number of features (down to 6 pt), names longer than
    ``max_label_length`` are shortened with an ellipsis in the middle (the full names
    stay in ``feature_names_``), and a figure created by :meth:`plot` grows with the
    number of features and uses constrained layout.

    Use :meth:`from_estimator` or :meth:`from_ranking` to create one; the constructor
    only stores its arguments and :meth:`plot` draws.

    Parameters
    ----------
    ranking : DataFrame
        An interaction ranking with at least the columns ``indices`` and ``value``
        (and ``features`` to name the features when ``feature_names`` is None).
    n_features : int, default=None
        Number of features ``d``; default ``len(feature_names)``, else the largest
        index in the ranking plus one.
    feature_names : sequence of str, default=None
        Names of all ``d`` features, used as tick labels.
    value : {"effect", "strength"}, default="effect"
        Signed ``effect`` or non-negative ``strength``.
    top : int or None, default=None
        Show only the features that take part in the ``top`` strongest pairs (by
        ``strength``): the matrix of those features, with every pair among them that
        the ranking scores. None shows every feature.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the heatmap.
    figure_ : matplotlib Figure
        Figure holding the axes.
    im_ : matplotlib AxesImage
        The image; ``im_.norm`` is centred at 0 for effects.
    matrix_ : ndarray of shape (n_shown, n_shown)
        The drawn symmetric matrix; NaN (blank) on the diagonal and for unscored pairs.
        ``n_shown`` is ``d``, or fewer with ``top``.
    colorbar_ : matplotlib Colorbar or None
        The colour bar, None when ``colorbar=False``.
    feature_names_ : list of str
        Full names of the shown features, one per row; the tick labels are these,
        shortened to ``max_label_length``.
    feature_indices_ : ndarray of shape (n_shown,)
        Column positions of the shown features among all ``d``.

    See Also
    --------
    InteractionRankingDisplay : The strongest interactions as a bar chart.
    InteractionNetworkDisplay : Interactions as a graph of features.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from sk_interact.plotting import InteractionHeatmapDisplay
    >>> ranking = pd.DataFrame({
    ...     "features": [("a", "b"), ("b", "c")],
    ...     "indices": [(0, 1), (1, 2)],
    ...     "order": [2, 2],
    ...     "strength": [2.0, 0.5],
    ...     "effect": [-2.0, 0.5],
    ... })
    >>> display = InteractionHeatmapDisplay.from_ranking(ranking)
    >>> display.matrix_
    array([[ nan, -2. ,  nan],
           [-2. ,  nan,  0.5],
           [ nan,  0.5,  nan]])
    >>> display.feature_names_
    ['a', 'b', 'c']
    """

    def __init__(
        self,
        ranking: pd.DataFrame,
        *,
        n_features: int | None = None,
        feature_names: Sequence[str] | None = None,
        value: str = "effect",
        top: int | None = None,
    ):
        self.ranking = ranking
        self.n_features = n_features
        self.feature_names = feature_names
        self.value = value
        self.top = top

    def plot(
        self,
        ax: Axes | None = None,
        *,
        cmap=None,
        colorbar: bool = True,
        imshow_kwargs: dict | None = None,
        max_label_length: int | None = MAX_LABEL_LENGTH,
        fdr: float | None = 0.1,
    ) -> InteractionHeatmapDisplay:
        """Draw the heatmap.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure, sized for the number of
            features, with constrained layout.
        cmap : str or matplotlib Colormap, default=None
            Colormap; None takes ``"RdBu_r"`` (red positive, blue negative) for
            effects and ``"viridis"`` for strengths.
        colorbar : bool, default=True
            Add a colour bar.
        imshow_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.imshow`.
        max_label_length : int or None, default=30
            Tick labels longer than this are shortened with an ellipsis in the
            middle; None keeps them whole.
        fdr : float or None, default=0.1
            With a ``q_value`` column (an estimator fitted with ``significance``),
            the cells of the pairs selected at this false discovery rate are
            outlined; None marks nothing.

        Returns
        -------
        display : InteractionHeatmapDisplay
            This display, with the fitted attributes ``ax_``, ``figure_``, ``im_``,
            ``matrix_``, ``colorbar_``, ``feature_names_``, ``feature_indices_`` and
            ``selected_`` (whether each shown pair is selected at ``fdr``, a symmetric
            boolean matrix; None without q-values).
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        from matplotlib.colors import CenteredNorm, Normalize

        if self.value not in _VALUES:
            raise ValueError(f"value must be one of {list(_VALUES)}, got {self.value!r}.")
        check_top(self.top)
        check_max_label_length(max_label_length)
        ranking = check_ranking(self.ranking, ["indices", self.value])
        matrix, names = pairwise_matrix(
            ranking, self.value, n_features=self.n_features, feature_names=self.feature_names
        )
        q_values = None
        if "q_value" in ranking.columns:
            q_values, _ = pairwise_matrix(ranking, "q_value", feature_names=names)
        selected = selected_at(q_values, fdr)
        shown = np.arange(len(names))
        if self.top is not None:
            shown = top_pair_features(ranking, self.top)
            matrix = matrix[np.ix_(shown, shown)]
            names = [names[i] for i in shown]
            selected = None if selected is None else selected[np.ix_(shown, shown)]
        pairs = ranking["indices"].map(len) == 2
        if pairs.any() and np.isnan(matrix).all():
            raise ValueError(
                f"every pair has a NaN {self.value} (a method or target without a sign); "
                "plot value='strength' instead."
            )

        finite = matrix[np.isfinite(matrix)]
        largest = float(np.abs(finite).max()) if finite.size else 0.0
        largest = largest if largest > 0 else 1.0  # an all-zero matrix still needs a scale
        if self.value == "effect":
            norm, default_cmap = CenteredNorm(vcenter=0.0, halfrange=largest), "RdBu_r"
        else:
            norm, default_cmap = Normalize(vmin=0.0, vmax=largest), "viridis"

        labels = [shorten_label(name, max_label_length) for name in names]
        fontsize = label_fontsize(len(labels))
        if ax is None:
            ax = new_axes(_heatmap_figsize(labels, fontsize))
        imshow_kwargs = {
            "cmap": default_cmap if cmap is None else cmap,
            "norm": norm,
            "interpolation": "nearest",
            **(imshow_kwargs or {}),
        }
        self.im_ = ax.imshow(matrix, **imshow_kwargs)
        ticks = np.arange(len(labels))
        if len(labels) > _UPRIGHT_LABELS:
            ax.set_xticks(ticks, labels=labels, rotation=90, fontsize=fontsize)
        else:
            ax.set_xticks(
                ticks, labels=labels, rotation=45, ha="right", rotation_mode="anchor",
                fontsize=fontsize,
            )  # fmt: skip
        ax.set_yticks(ticks, labels=labels, fontsize=fontsize)
        self.colorbar_ = None
        if colorbar:
            # matplotlib's default width (15% of the axes) in a 6.4-inch figure, not
            # 15% of a figure that has grown with the number of features
            fraction = 0.15 * min(1.0, 6.4 / ax.figure.get_figwidth())
            self.colorbar_ = ax.figure.colorbar(
                self.im_, ax=ax, label=self.value, fraction=fraction
            )

        if selected is not None:
            from matplotlib.patches import Patch, Rectangle

            for i, j in zip(*np.nonzero(selected)):  # inset: neighbours stay apart
                ax.add_patch(Rectangle((j - 0.45, i - 0.45), 0.9, 0.9, **_OUTLINE))
            # above the axes, right-aligned: the colour bar takes the right side
            ax.legend(
                handles=[Patch(**_OUTLINE, label=selection_labels(fdr)[0])],
                loc="lower right",
                bbox_to_anchor=(1.0, 1.0),
                borderaxespad=0.3,
                frameon=False,
                fontsize="small",
            )

        self.selected_ = selected
        self.matrix_ = matrix
        self.feature_names_ = names
        self.feature_indices_ = shown
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_ranking(
        cls,
        ranking: pd.DataFrame,
        *,
        n_features: int | None = None,
        feature_names: Sequence[str] | None = None,
        value: str = "effect",
        top: int | None = None,
        ax: Axes | None = None,
        cmap=None,
        colorbar: bool = True,
        imshow_kwargs: dict | None = None,
        max_label_length: int | None = MAX_LABEL_LENGTH,
        fdr: float | None = 0.1,
    ) -> InteractionHeatmapDisplay:
        """Plot the pairwise interactions of a ranking DataFrame as a heatmap.

        Parameters
        ----------
        ranking : DataFrame
            An interaction ranking (columns ``indices`` and ``value``; ``features``
            names the features when ``feature_names`` is None).
        n_features : int, default=None
            Number of features ``d``; default ``len(feature_names)``, else the
            largest index in the ranking plus one.
        feature_names : sequence of str, default=None
            Names of all ``d`` features.
        value : {"effect", "strength"}, default="effect"
            Signed ``effect`` (diverging colormap centred at 0) or ``strength``.
        top : int or None, default=None
            Show only the features of the ``top`` strongest pairs (by ``strength``);
            None shows every feature.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure sized for the shown features.
        cmap : str or matplotlib Colormap, default=None
            Colormap; None picks one for ``value``.
        colorbar : bool, default=True
            Add a colour bar.
        imshow_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.imshow`.
        max_label_length : int or None, default=30
            Tick labels longer than this are shortened with an ellipsis in the
            middle; None keeps them whole.
        fdr : float or None, default=0.1
            With a ``q_value`` column (an estimator fitted with ``significance``),
            the cells of the pairs selected at this false discovery rate are
            outlined; None marks nothing.

        Returns
        -------
        display : InteractionHeatmapDisplay

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import pandas as pd
        >>> from sk_interact.plotting import InteractionHeatmapDisplay
        >>> ranking = pd.DataFrame({"indices": [(0, 2)], "strength": [3.0]})
        >>> display = InteractionHeatmapDisplay.from_ranking(
        ...     ranking, n_features=4, value="strength")
        >>> display.matrix_.shape, float(display.matrix_[2, 0])
        ((4, 4), 3.0)
        """
        display = cls(
            ranking, n_features=n_features, feature_names=feature_names, value=value, top=top
        )
        return display.plot(
            ax=ax,
            cmap=cmap,
            colorbar=colorbar,
            imshow_kwargs=imshow_kwargs,
            max_label_length=max_label_length,
            fdr=fdr,
        )

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        value: str = "effect",
        top: int | None = None,
        ax: Axes | None = None,
        cmap=None,
        colorbar: bool = True,
        imshow_kwargs: dict | None = None,
        max_label_length: int | None = MAX_LABEL_LENGTH,
        fdr: float | None = 0.1,
    ) -> InteractionHeatmapDisplay:
        """Plot the pairwise interactions found by a fitted estimator as a heatmap.

        Every feature the estimator was fitted on gets a row and a column, named as in
        its rankings; with ``top``, only the features of the ``top`` strongest pairs.

        Parameters
        ----------
        estimator : fitted estimator
            An estimator with an ``interactions_`` ranking, such as a fitted
            :class:`~sk_interact.TNIDDetector`.
        value : {"effect", "strength"}, default="effect"
            Signed ``effect`` (diverging colormap centred at 0) or ``strength``.
        top : int or None, default=None
            Show only the features of the ``top`` strongest pairs (by ``strength``);
            None shows every feature.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure sized for the shown features.
        cmap : str or matplotlib Colormap, default=None
            Colormap; None picks one for ``value``.
        colorbar : bool, default=True
            Add a colour bar.
        imshow_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.imshow`.
        max_label_length : int or None, default=30
            Tick labels longer than this are shortened with an ellipsis in the
            middle; None keeps them whole.
        fdr : float or None, default=0.1
            With a ``q_value`` column (an estimator fitted with ``significance``),
            the cells of the pairs selected at this false discovery rate are
            outlined; None marks nothing.

        Returns
        -------
        display : InteractionHeatmapDisplay

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
        >>> from sk_interact.plotting import InteractionHeatmapDisplay
        >>> X, y, _ = make_tsang_benchmark("F1", n_samples=500, random_state=0)
        >>> tnid = TNIDDetector(hidden_layer_sizes=(16,), max_epochs=2,
        ...                     random_state=0).fit(X, y)
        >>> InteractionHeatmapDisplay.from_estimator(tnid).matrix_.shape
        (10, 10)
        """
        ranking = estimator_ranking(estimator)
        return cls.from_ranking(
            ranking,
            feature_names=estimator_feature_names(estimator),
            value=value,
            top=top,
            ax=ax,
            cmap=cmap,
            colorbar=colorbar,
            imshow_kwargs=imshow_kwargs,
            max_label_length=max_label_length,
            fdr=fdr,
        )
