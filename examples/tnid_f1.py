"""
T-NID on F1: which features interact?
=====================================

The first function of the Tsang et al. (2018) suite,

    F1(x) = π^{x1 x2} √(2 x3) − sin⁻¹(x4) + log(x3 + x5) − (x9/x10) √(x7/x8) − x2 x7,

has four interaction sets. Two features interact exactly when the cross partial
∂²F/∂xi∂xj is non-zero somewhere. This script first ranks the 45 pairs by the exact
Hessian of the *true* function (the ceiling: pairwise AUC 1), then trains a GELU
network on 5,000 samples and lets :class:`~sk_interact.TNIDDetector` find the pairs and
triples from the network alone (small network, fast settings: about 20 seconds).
"""

import torch

from sk_interact import TNIDDetector
from sk_interact.datasets import make_tsang_benchmark, tsang_function
from sk_interact.derivatives import hessian
from sk_interact.metrics import interaction_auc_score

X, y, truth = make_tsang_benchmark("F1", n_samples=5000, random_state=0)
print("F1 ground truth (0-based):", truth)

# The ceiling: the exact Hessian of the true function at 1,000 sampled points.
H = hessian(tsang_function("F1"), torch.as_tensor(X[:1000]))
pair_strength = {
    (i, j): float((H[:, i, j] ** 2).mean()) for i in range(10) for j in range(i + 1, 10)
}
print(f"true function's Hessian, pairwise AUC: {interaction_auc_score(truth, pair_strength):.3f}")

# T-NID from a trained network: pairs and triples.
tnid = TNIDDetector(order=3, k=10, hidden_layer_sizes=(64, 32), max_epochs=60, random_state=0)
tnid.fit(X, y)
print(f"network R² on its training data: {tnid.score(X, y):.4f}")
print(tnid.rank_interactions(order=2, top=12).to_string(float_format="{:.4f}".format))
print(tnid.rank_interactions(order=3, top=5).to_string(float_format="{:.4f}".format))
for order in (2, 3):
    auc = interaction_auc_score(truth, tnid.interactions_, order=order, n_features=10)
    print(f"T-NID {order}-way AUC against the full ground truth: {auc:.3f}")
