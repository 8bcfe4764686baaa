"""Plots of interaction rankings: bar chart, pairwise heatmap and interaction network.

Each display follows scikit-learn's pattern: build it with ``from_estimator`` (any
fitted estimator with ``interactions_``) or ``from_ranking`` (a ranking DataFrame),
draw again with ``plot(ax=...)``, and reach the drawn artists through attributes such
as ``ax_`` and ``figure_``. matplotlib is imported only when a display draws; install
it with ``pip install "sk-interact[plot]"``.
"""

from sk_interact.plotting._heatmap import InteractionHeatmapDisplay
from sk_interact.plotting._network import InteractionNetworkDisplay
from sk_interact.plotting._ranking import InteractionRankingDisplay
from sk_interact.plotting._regions import RegionInteractionDisplay

__all__ = [
    "InteractionHeatmapDisplay",
    "InteractionNetworkDisplay",
    "InteractionRankingDisplay",
    "RegionInteractionDisplay",
]
