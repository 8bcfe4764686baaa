"""Interactions as a graph: features on a circle, pairs as edges, larger sets as hyperedges."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sk_interact.plotting._base import (
    FADED,
    MAX_LABEL_LENGTH,
    check_matplotlib_support,
    check_max_label_length,
    check_ranking,
    estimator_feature_names,
    estimator_ranking,
    label_fontsize,
    new_axes,
    select_rows,
    selected_at,
    selection_labels,
    shorten_label,
    sign_colors,
    sign_legend_handles,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["InteractionNetworkDisplay"]

# Beyond this many nodes the labels point away from the centre (radial): horizontal
# labels of neighbouring nodes would overlap.
_RADIAL_LABELS = 16
# Width of a character in font sizes, for DejaVu Sans text (an upper estimate).
_CHAR_WIDTH = 0.6


def circle_layout(names: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Names evenly on the unit circle, clockwise from the top."""
    angles = np.pi / 2 - 2 * np.pi * np.arange(len(names)) / max(len(names), 1)
    # Rounded (and -0.0 turned into 0.0) so that the top node sits at exactly (0, 1).
    x = np.round(np.cos(angles), 12) + 0.0
    y = np.round(np.sin(angles), 12) + 0.0
    return {name: (float(a), float(b)) for name, a, b in zip(names, x, y)}


def _convex_order(points: Sequence[tuple[float, float]]) -> np.ndarray:
    """Points on a circle sorted by angle: the vertices of a convex polygon."""
    points = np.asarray(points, dtype=np.float64)
    return points[np.argsort(np.arctan2(points[:, 1], points[:, 0]))]


def _node_names(rows: pd.DataFrame) -> list[str]:
    """Features of the drawn rows, by column position when ``indices`` is known."""
    positions: dict[str, int] = {}
    indices = rows["indices"] if "indices" in rows.columns else [None] * len(rows)
    for features, index_set in zip(rows["features"], indices):
        for k, name in enumerate(features):
            position = len(positions) if index_set is None else int(index_set[k])
            positions.setdefault(str(name), position)
    return sorted(positions, key=positions.get)


def _label_layout(x: float, y: float, radial: bool) -> dict:
    """Rotation and alignment that put a node's label outside the circle at (x, y)."""
    if radial:
        angle = float(np.degrees(np.arctan2(y, x)))
        # on the left half the text is turned by 180° so that it never reads upside down
        if x < -1e-9:
            return {"rotation": angle - 180.0, "ha": "right", "va": "center"}
        return {"rotation": angle, "ha": "left", "va": "center"}
    ha = "center" if abs(x) < 0.2 else "left" if x > 0 else "right"
    va = "center" if abs(y) < 0.2 else "bottom" if y > 0 else "top"
    return {"rotation": 0.0, "ha": ha, "va": va}


def _fit_labels(ax, labels: list, xy: list[tuple[float, float]]) -> None:
    """Set equal axis limits that keep every node label inside the axes.

    Labels are offset from their nodes in points, so how far each reaches beyond its
    node is fixed in pixels; the limits follow from it and the axes' size once the
    figure is laid out. Two passes, as the layout can resize the axes in between.
    """
    limit = 1.45
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    for _ in range(2):
        ax.figure.draw_without_rendering()
        box = ax.get_window_extent()
        size = min(box.width, box.height)
        scale = size / (2 * limit)  # pixels per data unit
        needed = [1.15]  # the nodes themselves, with their markers
        for text, (x, y) in zip(labels, xy):
            extent = text.get_window_extent()
            node_x, node_y = box.x0 + box.width / 2 + x * scale, box.y0 + box.height / 2 + y * scale
            for coordinate, low, high in (
                (x, extent.x0 - node_x, extent.x1 - node_x),
                (y, extent.y0 - node_y, extent.y1 - node_y),
            ):
                # |coordinate * size / (2 * limit) + reach| <= size / 2 for both ends
                needed.append(max(coordinate, 0.0) * size / max(size - 2 * high, 0.3 * size))
                needed.append(max(-coordinate, 0.0) * size / max(size + 2 * low, 0.3 * size))
        limit = max(needed)
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)


def _network_figsize(n_nodes: int, fontsize: float, label_inches: float) -> tuple[float, float]:
    """Inches for a circle whose circumference holds every label, plus the labels."""
    # 1.8 font sizes of arc per label keeps neighbouring radial labels apart
    radius = max(1.6, n_nodes * 1.8 * fontsize / 72 / (2 * np.pi))
    side = max(4.8, 2 * (1.15 * radius + label_inches) + 0.4)
    # the legend sits to the right of the axes
    return side + 1.6, side


class InteractionNetworkDisplay:
    """Network of the strongest interactions: features as nodes on a circle.

    A pair is an edge whose width grows in proportion to its ``strength`` (the
    strongest drawn row has width ``max_linewidth``); a set of three or more features
    is a hyperedge, a translucent polygon over its members, more opaque the stronger it
    is. Edges and hyperedges are coloured by the sign of ``effect``. Rows of order 1
    are ignored. Only the features of the ``top`` strongest rows are nodes, unless
    ``feature_names`` asks for more.

    Labels sit outside the circle, pointing away from its centre when there are many
    nodes, in a font that shrinks with their number (down to 6 pt); names longer
    than ``max_label_length`` are shortened with an ellipsis in the middle. The sign
    legend is placed outside the axes, to the right, so that it covers no node; a
    figure created by :meth:`plot` grows with the number of nodes and uses
    constrained layout.

    Use :meth:`from_estimator` or :meth:`from_ranking` to create one; the constructor
    only stores its arguments and :meth:`plot` draws.

    Parameters
    ----------
    ranking : DataFrame
        An interaction ranking with at least the columns ``features`` and
        ``strength`` (and ``effect`` to colour by sign; ``indices`` orders the
        nodes by column position).
    top : int or None, default=20
        Number of strongest rows drawn; None draws every row.
    feature_names : sequence of str, default=None
        Nodes to draw, in this order around the circle; None draws only the
        features of the drawn rows.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the network.
    figure_ : matplotlib Figure
        Figure holding the axes.
    node_positions_ : dict of str to (float, float)
        Position of each node on the unit circle.
    nodes_ : matplotlib PathCollection
        The node markers.
    edges_ : list of matplotlib Line2D
        One line per pair, strongest first.
    hyperedges_ : list of matplotlib Polygon
        One polygon per set of three or more features, strongest first.
    labels_ : list of matplotlib Annotation
        The node labels, in the order of ``node_positions_``.
    ranking_ : DataFrame
        The rows drawn, strongest first.

    See Also
    --------
    InteractionRankingDisplay : The strongest interactions as a bar chart.
    InteractionHeatmapDisplay : Pairwise effects as a feature × feature matrix.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from sk_interact.plotting import InteractionNetworkDisplay
    >>> ranking = pd.DataFrame({
    ...     "features": [("a", "b"), ("b", "c", "d"), ("a", "c")],
    ...     "indices": [(0, 1), (1, 2, 3), (0, 2)],
    ...     "order": [2, 3, 2],
    ...     "strength": [2.0, 1.0, 0.5],
    ...     "effect": [2.0, -1.0, 0.5],
    ... })
    >>> display = InteractionNetworkDisplay.from_ranking(ranking)
    >>> [edge.get_linewidth() for edge in display.edges_]
    [6.0, 1.5]
    >>> len(display.hyperedges_), sorted(display.node_positions_)
    (1, ['a', 'b', 'c', 'd'])
    """

    def __init__(
        self,
        ranking: pd.DataFrame,
        *,
        top: int | None = 20,
        feature_names: Sequence[str] | None = None,
    ):
        self.ranking = ranking
        self.top = top
        self.feature_names = feature_names

    def plot(
        self,
        ax: Axes | None = None,
        *,
        color_by_sign: bool = True,
        max_linewidth: float = 6.0,
        node_kwargs: dict | None = None,
        max_label_length: int | None = MAX_LABEL_LENGTH,
        fdr: float | None = 0.1,
    ) -> InteractionNetworkDisplay:
        """Draw the network.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure, sized for the number of
            nodes, with constrained layout.
        color_by_sign : bool, default=True
            Colour edges and hyperedges by the sign of ``effect`` (red positive, blue
            negative, grey zero or NaN) and add a legend; False draws them grey.
        max_linewidth : float, default=6.0
            Line width of the strongest drawn interaction; the others are scaled in
            proportion to their strength.
        node_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.scatter` for
            the nodes.
        max_label_length : int or None, default=30
            Node labels longer than this are shortened with an ellipsis in the
            middle; None keeps them whole.
        fdr : float or None, default=0.1
            With a ``q_value`` column (an estimator fitted with ``significance``),
            the interactions not selected at this false discovery rate are drawn
            dashed and faded; None marks nothing.

        Returns
        -------
        display : InteractionNetworkDisplay
            This display, with the fitted attributes ``ax_``, ``figure_``,
            ``node_positions_``, ``labels_``, ``edges_``, ``hyperedges_`` and
            ``selected_`` (per drawn row of ``ranking_``, whether it is selected at
            ``fdr``; None without q-values).
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        from matplotlib.patches import Polygon

        check_max_label_length(max_label_length)
        columns = ["features", "strength", *(["effect"] if color_by_sign else [])]
        rows = select_rows(check_ranking(self.ranking, columns), order=None, top=self.top)
        rows = rows[rows["features"].map(len) >= 2].reset_index(drop=True)

        names = _node_names(rows)
        if self.feature_names is not None:
            unknown = sorted(set(names) - {str(name) for name in self.feature_names})
            if unknown:
                raise ValueError(f"ranking names features {unknown} missing from feature_names.")
            names = [str(name) for name in self.feature_names]
        positions = circle_layout(names)
        labels = [shorten_label(name, max_label_length) for name in names]
        fontsize = label_fontsize(len(labels))
        label_inches = _CHAR_WIDTH * fontsize / 72 * max((len(text) for text in labels), default=0)

        if ax is None:
            ax = new_axes(_network_figsize(len(labels), fontsize, label_inches))
        strength = rows["strength"].to_numpy(dtype=np.float64)
        largest = strength.max() if len(strength) and strength.max() > 0 else 1.0
        relative = strength / largest
        colors = sign_colors(rows["effect"]) if color_by_sign else ["tab:gray"] * len(rows)
        self.selected_ = selected_at(rows.get("q_value"), fdr)
        faded = np.zeros(len(rows), bool) if self.selected_ is None else ~self.selected_

        self.edges_, self.hyperedges_ = [], []
        # Weakest first, so that strong interactions are drawn on top of weak ones.
        for k in reversed(range(len(rows))):
            members = [positions[str(name)] for name in rows["features"][k]]
            if len(members) == 2:
                (line,) = ax.plot(
                    *zip(*members),
                    color=colors[k],
                    linewidth=max_linewidth * relative[k],
                    alpha=FADED if faded[k] else 0.8,
                    linestyle="--" if faded[k] else "-",
                    solid_capstyle="round",
                    zorder=2,
                )
                self.edges_.append(line)
            else:
                patch = Polygon(
                    _convex_order(members),
                    closed=True,
                    facecolor=colors[k],
                    edgecolor=colors[k],
                    alpha=(0.1 + 0.3 * relative[k]) * (FADED if faded[k] else 1.0),
                    linewidth=max_linewidth * relative[k],
                    linestyle="--" if faded[k] else "-",
                    zorder=1,
                )
                ax.add_patch(patch)
                self.hyperedges_.append(patch)
        self.edges_.reverse()
        self.hyperedges_.reverse()

        xy = np.array(list(positions.values())).reshape(-1, 2)
        node_kwargs = {
            # smaller markers when many nodes share the circle
            "s": 300.0 * min(1.0, _RADIAL_LABELS / max(len(labels), 1)),
            "color": "white",
            "edgecolors": "black",
            "zorder": 3,
            **(node_kwargs or {}),
        }
        self.nodes_ = ax.scatter(xy[:, 0], xy[:, 1], **node_kwargs)
        # the label starts just outside its marker, along the radius, in points
        gap = np.sqrt(np.max(self.nodes_.get_sizes(), initial=0.0)) / 2 + 3.0
        radial = len(labels) > _RADIAL_LABELS
        self.labels_ = [
            ax.annotate(
                text,
                (x, y),
                xytext=(gap * x, gap * y),
                textcoords="offset points",
                fontsize=fontsize,
                rotation_mode="anchor",
                zorder=4,
                **_label_layout(x, y, radial),
            )
            for text, (x, y) in zip(labels, positions.values())
        ]
        handles = sign_legend_handles(colors) if color_by_sign and len(rows) else []
        if self.selected_ is not None and len(rows):
            from matplotlib.lines import Line2D

            chosen, other = selection_labels(fdr)
            handles += [
                Line2D([], [], color="black", linewidth=2, alpha=0.8, label=chosen),
                Line2D(
                    [], [], color="black", linewidth=2, alpha=FADED, linestyle="--", label=other
                ),
            ]
        if handles:
            # outside the axes, to the right: inside, it would hide nodes and labels
            ax.legend(
                handles=handles,
                loc="upper left",
                bbox_to_anchor=(1.0, 1.0),
                borderaxespad=0.0,
                fontsize="small",
            )
        ax.set_aspect("equal")
        # the square axes keeps to the left of its box, so the legend beside it stays in
        ax.set_anchor("W")
        ax.set_axis_off()
        _fit_labels(ax, self.labels_, list(positions.values()))

        self.ranking_ = rows
        self.node_positions_ = positions
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
        feature_names: Sequence[str] | None = None,
        ax: Axes | None = None,
        color_by_sign: bool = True,
        max_linewidth: float = 6.0,
        node_kwargs: dict | None = None,
        max_label_length: int | None = MAX_LABEL_LENGTH,
        fdr: float | None = 0.1,
    ) -> InteractionNetworkDisplay:
        """Plot the strongest interactions of a ranking DataFrame as a network.

        Parameters
        ----------
        ranking : DataFrame
            An interaction ranking (columns ``features``, ``strength``, ``effect``;
            ``order`` when ``order`` is given; ``indices`` optional).
        top : int or None, default=20
            Number of strongest rows drawn; only their features are nodes (unless
            ``feature_names`` asks for more). None draws every row.
        order : int, default=None
            Draw only interactions of this order; None draws all.
        feature_names : sequence of str, default=None
            Nodes to draw, in this order around the circle; None draws only the
            features of the drawn rows.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        color_by_sign : bool, default=True
            Colour edges and hyperedges by the sign of ``effect``.
        max_linewidth : float, default=6.0
            Line width of the strongest drawn interaction.
        node_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.scatter`.
        max_label_length : int or None, default=30
            Node labels longer than this are shortened with an ellipsis in the
            middle; None keeps them whole.
        fdr : float or None, default=0.1
            With a ``q_value`` column (an estimator fitted with ``significance``),
            the interactions not selected at this false discovery rate are drawn
            dashed and faded; None marks nothing.

        Returns
        -------
        display : InteractionNetworkDisplay

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import pandas as pd
        >>> from sk_interact.plotting import InteractionNetworkDisplay
        >>> ranking = pd.DataFrame({
        ...     "features": [("b", "c")], "order": [2], "strength": [1.0], "effect": [-1.0],
        ... })
        >>> display = InteractionNetworkDisplay.from_ranking(
        ...     ranking, feature_names=["a", "b", "c", "d"])
        >>> display.node_positions_["a"], display.node_positions_["b"]
        ((0.0, 1.0), (1.0, 0.0))
        """
        check_ranking(ranking, ["features", "strength"])
        rows = select_rows(ranking, order=order, top=top)
        return cls(rows, top=top, feature_names=feature_names).plot(
            ax=ax,
            color_by_sign=color_by_sign,
            max_linewidth=max_linewidth,
            node_kwargs=node_kwargs,
            max_label_length=max_label_length,
            fdr=fdr,
        )

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        top: int | None = 20,
        order: int | None = None,
        all_features: bool = False,
        ax: Axes | None = None,
        color_by_sign: bool = True,
        max_linewidth: float = 6.0,
        node_kwargs: dict | None = None,
        max_label_length: int | None = MAX_LABEL_LENGTH,
        fdr: float | None = 0.1,
    ) -> InteractionNetworkDisplay:
        """Plot the strongest interactions found by a fitted estimator as a network.

        Parameters
        ----------
        estimator : fitted estimator
            An estimator with an ``interactions_`` ranking, such as a fitted
            :class:`~sk_interact.TNIDDetector`.
        top : int or None, default=20
            Number of strongest rows drawn; only their features are nodes (unless
            ``feature_names`` or ``all_features`` asks for more). None draws every
            row.
        order : int, default=None
            Draw only interactions of this order; None draws all.
        all_features : bool, default=False
            Draw a node for every feature the estimator was fitted on, not only for
            those in the drawn rows.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        color_by_sign : bool, default=True
            Colour edges and hyperedges by the sign of ``effect``.
        max_linewidth : float, default=6.0
            Line width of the strongest drawn interaction.
        node_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.scatter`.
        max_label_length : int or None, default=30
            Node labels longer than this are shortened with an ellipsis in the
            middle; None keeps them whole.
        fdr : float or None, default=0.1
            With a ``q_value`` column (an estimator fitted with ``significance``),
            the interactions not selected at this false discovery rate are drawn
            dashed and faded; None marks nothing.

        Returns
        -------
        display : InteractionNetworkDisplay

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
        >>> from sk_interact.plotting import InteractionNetworkDisplay
        >>> X, y, _ = make_tsang_benchmark("F1", n_samples=500, random_state=0)
        >>> tnid = TNIDDetector(hidden_layer_sizes=(16,), max_epochs=2,
        ...                     random_state=0).fit(X, y)
        >>> display = InteractionNetworkDisplay.from_estimator(
        ...     tnid, top=5, all_features=True)
        >>> len(display.edges_), len(display.node_positions_)
        (5, 10)
        """
        ranking = estimator_ranking(estimator)
        return cls.from_ranking(
            ranking,
            top=top,
            order=order,
            feature_names=estimator_feature_names(estimator) if all_features else None,
            ax=ax,
            color_by_sign=color_by_sign,
            max_linewidth=max_linewidth,
            node_kwargs=node_kwargs,
            max_label_length=max_label_length,
            fdr=fdr,
        )
