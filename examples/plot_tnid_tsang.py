r"""
=================================
Detecting interactions with T-NID
=================================

Two features *interact* when the effect of one depends on the value of the other:
the cross partial derivative :math:`\partial^2 F / \partial x_i \partial x_j` is
non-zero somewhere. :class:`~sk_interact.TNIDDetector` trains a smooth (GELU) network
on the data and reads the interactions off the network's exact cross partials at a few
representative samples, pairs first and then, by pruning, triples and beyond
(Lerman et al., ICCV 2021).

This example runs it on the first function of the synthetic suite of Tsang, Cheng &
Liu (2018), whose interactions are known:

.. math::

    F_1(\mathbf{x}) = \pi^{x_1 x_2} \sqrt{2 x_3} - \sin^{-1}(x_4)
    + \log(x_3 + x_5) - \frac{x_9}{x_{10}} \sqrt{\frac{x_7}{x_8}} - x_2 x_7 .

A small network and at most 60 epochs keep it fast (seconds on one CPU core); the pairs
are still ranked almost perfectly.
"""

# %%
# The data and its ground truth
# -----------------------------
#
# :func:`~sk_interact.datasets.make_tsang_benchmark` samples the function and returns
# its interaction sets with 0-based feature indices: the paper's :math:`x_1` is
# column 0, so :math:`\{x_1, x_2, x_3\}` is ``(0, 1, 2)``.
from sk_interact.datasets import list_tsang_benchmarks, make_tsang_benchmark

print("available functions:", list_tsang_benchmarks())
X, y, truth = make_tsang_benchmark("F1", n_samples=5000, random_state=0)
print("X:", X.shape, " ground truth:", truth)

# %%
# Fitting T-NID up to third order
# -------------------------------
#
# With ``order=3``, every pair is scored, and the triples scored are the extensions of
# the ``k`` strongest pairs at each representative sample. Derivatives are taken
# with respect to standardized features, so strengths compare across features.
from sk_interact import TNIDDetector

tnid = TNIDDetector(order=3, k=10, hidden_layer_sizes=(64, 32), max_epochs=60, random_state=0).fit(
    X, y
)
print(f"network R² on its training data: {tnid.score(X, y):.4f}")

# %%
# The representative samples at which the cross partials were taken:
print(tnid.representatives_.round(2).to_string())

# %%
# The strongest pairs and triples. ``strength`` is the mean squared cross partial over
# the representatives and ``effect`` the mean signed one.
columns = ["features", "indices", "strength", "effect"]
print(tnid.rank_interactions(order=2, top=12)[columns].to_string(float_format="{:.4f}".format))

# %%
print(tnid.rank_interactions(order=3, top=5)[columns].to_string(float_format="{:.4f}".format))

# %%
# Scoring the ranking against the truth
# -------------------------------------
#
# :func:`~sk_interact.metrics.interaction_auc_score` is the ROC-AUC over all subsets of
# one order: a pair counts as a true interaction when it lies inside some ground-truth
# set, so F1 has 11 positive pairs out of 45, and its 3-way sets
# :math:`\{x_1, x_2, x_3\}` and :math:`\{x_7, x_8, x_9, x_{10}\}` give 5 positive triples
# out of 120. Triples that T-NID did not score (no strong pair led to them) tie below
# every scored one.
from sk_interact.metrics import interaction_auc_score

for order in (2, 3):
    auc = interaction_auc_score(truth, tnid.interactions_, order=order, n_features=10)
    print(f"{order}-way interaction AUC: {auc:.3f}")

# %%
# The triple :math:`\{x_1, x_2, x_3\}` comes first by far. The four triples inside
# :math:`(x_9 / x_{10}) \sqrt{x_7 / x_8}` are harder: on F1's input ranges that term's
# cross partials are small, and its weakest pairs are the true pairs ranked lowest.
pairs = tnid.rank_interactions(order=2).assign(
    true=lambda df: [any(set(s) <= set(t) for t in truth) for s in df["indices"]]
)
print(pairs.loc[pairs["true"], ["features", "strength"]].tail(4).to_string())

# %%
# Plotting the ranking
# --------------------
#
# :class:`~sk_interact.plotting.InteractionRankingDisplay` draws the strongest sets of
# any order as bars, coloured by the sign of ``effect``;
# :class:`~sk_interact.plotting.InteractionHeatmapDisplay` shows the signed effect of
# every pair. Red pairs amplify each other's effect, blue ones dampen it: the
# :math:`- x_2 x_7` term of F1 shows up blue.
import matplotlib.pyplot as plt

from sk_interact.plotting import (
    InteractionHeatmapDisplay,
    InteractionNetworkDisplay,
    InteractionRankingDisplay,
)

fig, (ax_bars, ax_heat) = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
InteractionRankingDisplay.from_estimator(tnid, top=12, ax=ax_bars)
ax_bars.set_title("Strongest pairs and triples")
InteractionHeatmapDisplay.from_estimator(tnid, value="effect", ax=ax_heat)
ax_heat.set_title("Signed pairwise effects")

# %%
# :class:`~sk_interact.plotting.InteractionNetworkDisplay` places the features on a
# circle: pairs are edges and sets of three or more features are shaded hyperedges,
# here the triple :math:`\{x_1, x_2, x_3\}`.
fig, ax = plt.subplots(figsize=(5, 5), layout="constrained")
InteractionNetworkDisplay.from_estimator(tnid, top=10, all_features=True, ax=ax)
ax.set_title("Top 10 interactions of F1")
plt.show()
