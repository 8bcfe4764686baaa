"""
F1's ground truth, recovered from the exact Hessian of the true function
=========================================================================

The first function of the Tsang et al. (2018) suite,

    F1(x) = π^{x1 x2} √(2 x3) − sin⁻¹(x4) + log(x3 + x5) − (x9/x10) √(x7/x8) − x2 x7,

has four interaction sets. Two features interact exactly when the cross partial
∂²F/∂xi∂xj is non-zero somewhere, so ranking the 45 pairs by the mean squared
Hessian entry over a sample recovers every pair inside a ground-truth set (the
pairwise AUC is 1). This is what a trained network is later asked to reproduce.
"""

import itertools

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import roc_auc_score

from sk_interact.datasets import make_tsang_benchmark, tsang_function
from sk_interact.derivatives import hessian

X, y, truth = make_tsang_benchmark("F1", n_samples=1000, random_state=0)
names = [f"x{i + 1}" for i in range(X.shape[1])]  # the paper's 1-based names
print("F1 ground truth:", ["{" + ", ".join(names[i] for i in s) + "}" for s in truth])

# Exact second derivatives of the true function at every sampled point.
H = hessian(tsang_function("F1"), torch.as_tensor(X)).numpy()

pairs = list(itertools.combinations(range(X.shape[1]), 2))
positives = {p for s in truth for p in itertools.combinations(s, 2)}
ranking = pd.DataFrame(
    {
        "features": [(names[i], names[j]) for i, j in pairs],
        "indices": pairs,
        "order": 2,
        "strength": [np.mean(H[:, i, j] ** 2) for i, j in pairs],
        "effect": [np.mean(H[:, i, j]) for i, j in pairs],
        "in_ground_truth": [p in positives for p in pairs],
    }
)
ranking = ranking.sort_values("strength", ascending=False, ignore_index=True)

with pd.option_context("display.width", 120, "display.precision", 4):
    print(ranking.head(15).to_string())
auc = roc_auc_score(ranking["in_ground_truth"], ranking["strength"])
print(f"pairwise AUC of the true function's Hessian ranking: {auc:.3f}")
