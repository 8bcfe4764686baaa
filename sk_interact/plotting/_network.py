"""Interactions as a graph: features on a circle, pairs as edges, larger sets as hyperedges."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sk_interact.plotting._base import (
    check_matplotlib_support,
    check_ranking,
    estimator_feature_names,
    estimator_ranking,
    select_rows,
    sign_colors,
    sign_legend_handles,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["InteractionNetworkDisplay"]


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


class InteractionNetworkDisplay:
    """Network of the strongest interactions: features as nodes on a circle.

    A pair is an edge whose width grows in proportion to its ``strength`` (the
    strongest drawn row has width ``max_linewidth``); a set of three or more features
    is a hyperedge, a translucent polygon over its members, more opaque the stronger it
    is. Edges and hyperedges are coloured by the sign of ``effect``. Rows of order 1
    are ignored.

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
    ) -> InteractionNetworkDisplay:
        """Draw the network.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        color_by_sign : bool, default=True
            Colour edges and hyperedges by the sign of ``effect`` (red positive, blue
            negative, grey zero or NaN) and add a legend; False draws them grey.
        max_linewidth : float, default=6.0
            Line width of the strongest drawn interaction; the others are scaled in
            proportion to their strength.
        node_kwargs : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.scatter` for
            the nodes.

        Returns
        -------
        display : InteractionNetworkDisplay
            This display, with the fitted attributes ``ax_``, ``figure_``,
            ``node_positions_``, ``edges_`` and ``hyperedges_``.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt
        from matplotlib.patches import Polygon

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

        if ax is None:
            _, ax = plt.subplots()
        strength = rows["strength"].to_numpy(dtype=np.float64)
        largest = strength.max() if len(strength) and strength.max() > 0 else 1.0
        relative = strength / largest
        colors = sign_colors(rows["effect"]) if color_by_sign else ["tab:gray"] * len(rows)

        self.edges_, self.hyperedges_ = [], []
        # Weakest first, so that strong interactions are drawn on top of weak ones.
        for k in reversed(range(len(rows))):
            members = [positions[str(name)] for name in rows["features"][k]]
            if len(members) == 2:
                (line,) = ax.plot(
                    *zip(*members),
                    color=colors[k],
                    linewidth=max_linewidth * relative[k],
                    alpha=0.8,
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
                    alpha=0.1 + 0.3 * relative[k],
                    linewidth=max_linewidth * relative[k],
                    zorder=1,
                )
                ax.add_patch(patch)
                self.hyperedges_.append(patch)
        self.edges_.reverse()
        self.hyperedges_.reverse()

        xy = np.array(list(positions.values())).reshape(-1, 2)
        node_kwargs = {
            "s": 300,
            "color": "white",
            "edgecolors": "black",
            "zorder": 3,
            **(node_kwargs or {}),
        }
        self.nodes_ = ax.scatter(xy[:, 0], xy[:, 1], **node_kwargs)
        for name, (x, y) in positions.items():
            ax.annotate(
                name,
                (x, y),
                xytext=(1.2 * x, 1.2 * y),
                ha="center",
                va="center",
                zorder=4,
            )
        if color_by_sign and len(rows):
            ax.legend(handles=sign_legend_handles(colors), loc="upper right", fontsize="small")
        ax.set_xlim(-1.45, 1.45)
        ax.set_ylim(-1.45, 1.45)
        ax.set_aspect("equal")
        ax.set_axis_off()

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
    ) -> InteractionNetworkDisplay:
        """Plot the strongest interactions of a ranking DataFrame as a network.

        Parameters
        ----------
        ranking : DataFrame
            An interaction ranking (columns ``features``, ``strength``, ``effect``;
            ``order`` when ``order`` is given; ``indices`` optional).
        top : int or None, default=20
            Number of strongest rows drawn; None draws every row.
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
    ) -> InteractionNetworkDisplay:
        """Plot the strongest interactions found by a fitted estimator as a network.

        Parameters
        ----------
        estimator : fitted estimator
            An estimator with an ``interactions_`` ranking, such as a fitted
            :class:`~sk_interact.TNIDDetector`.
        top : int or None, default=20
            Number of strongest rows drawn; None draws every row.
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
        )
