"""Two peer interaction detectors written for the benchmarks: NID and ArchDetect.

Neither ships as a maintained package, so both are written here from their papers'
definitions, vectorised with numpy; :mod:`benchmarks.peers` runs them next to
sk_interact's T-NID. Nothing in ``sk_interact/`` imports this module.

* **NID** (Tsang, Cheng & Liu, "Detecting Statistical Interactions from Neural Network
  Weights", ICLR 2018). A set ``I`` of features interacts at first-layer unit ``i`` as
  strongly as its weakest incoming weight, ``μ_i(I) = min_{j∈I} |W1_ij|``, scaled by the
  unit's aggregated influence on the output, ``z = |w_out|ᵀ |W_L| ⋯ |W_2|``;
  ``ω(I) = Σ_i z_i μ_i(I)``. The network is a ReLU MLP trained with an L1 penalty on its
  weights (:func:`train_nid_mlp`), which makes the first layer sparse enough for the
  ``min`` to separate interacting from non-interacting features.
* **ArchDetect** (Tsang, Rambhatla & Liu, "How does this interaction affect me?
  Interpretable attribution for feature interactions", NeurIPS 2020). For an input
  ``x*``, a baseline ``x'`` and ``h = x* − x'``, the mixed discrete difference of a pair
  ``{i, j}`` in a context ``x`` (the other features' values) is
  ``ω_ij(x) = (f(x*_ij + x_\\ij) − f(x'_i + x*_j + x_\\ij) − f(x*_i + x'_j + x_\\ij)
  + f(x'_ij + x_\\ij))² / (h_i h_j)²``, and ArchDetect averages it over the two contexts
  ``x = x*`` and ``x = x'``: ``ω̄_ij = (ω_ij(x*) + ω_ij(x')) / 2``.

Both are tested against slow per-pair loops and hand-built known answers in
``tests/test_baselines.py``.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import nn

__all__ = [
    "archdetect_pairwise",
    "linear_weights",
    "nid_pairwise",
    "pair_ranking",
    "relu_mlp",
    "train_nid_mlp",
]


# ---------------------------------------------------------------------------------- NID
def linear_weights(module: nn.Module) -> list[np.ndarray]:
    """The weight matrices of a module's ``nn.Linear`` layers, input side first.

    Parameters
    ----------
    module : nn.Module
        An MLP whose ``nn.Linear`` layers, in registration order, are its layers.

    Returns
    -------
    list of ndarray
        ``W_l`` of shape ``(out_l, in_l)`` (torch's layout), as float64 copies.
    """
    return [
        layer.weight.detach().cpu().double().numpy().copy()
        for layer in module.modules()
        if isinstance(layer, nn.Linear)
    ]


def nid_pairwise(weights: Sequence[np.ndarray]) -> np.ndarray:
    """NID's pairwise interaction strengths from an MLP's weights.

    Parameters
    ----------
    weights : sequence of ndarray
        ``[W_1, …, W_L, w_out]`` of shapes ``(h_1, d), (h_2, h_1), …, (1, h_L)``, e.g.
        from :func:`linear_weights`. At least two matrices.

    Returns
    -------
    ndarray of shape (d, d)
        ``ω[a, b] = Σ_i z_i min(|W1_ia|, |W1_ib|)`` for ``a ≠ b`` with
        ``z = |w_out| |W_L| ⋯ |W_2|`` (shape ``(h_1,)``); symmetric, zero diagonal.

    Examples
    --------
    >>> W1 = np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 3.0]])  # unit 0 sees x0, x1; unit 1 sees x2
    >>> nid_pairwise([W1, np.array([[1.0, 1.0]])])
    array([[0., 1., 0.],
           [1., 0., 0.],
           [0., 0., 0.]])
    """
    if len(weights) < 2:
        raise ValueError("NID needs a first layer and at least one layer above it.")
    first = np.abs(np.asarray(weights[0], dtype=np.float64))  # (h1, d)
    influence = np.abs(np.asarray(weights[-1], dtype=np.float64))  # (1, h_L)
    for W in reversed(weights[1:-1]):
        influence = influence @ np.abs(np.asarray(W, dtype=np.float64))
    z = influence.sum(axis=0)  # (h1,); one output row
    strength = np.einsum("i,iab->ab", z, np.minimum(first[:, :, None], first[:, None, :]))
    np.fill_diagonal(strength, 0.0)
    return strength


def relu_mlp(n_features: int, hidden_layer_sizes: Sequence[int] = (140, 100, 60, 20)):
    """The NID paper's network: ``Linear → ReLU → … → Linear(·, 1)``."""
    layers: list[nn.Module] = []
    width = n_features
    for size in hidden_layer_sizes:
        layers += [nn.Linear(width, size), nn.ReLU()]
        width = size
    layers.append(nn.Linear(width, 1))
    return nn.Sequential(*layers)


def train_nid_mlp(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_valid: np.ndarray,
    y_valid: np.ndarray,
    *,
    hidden_layer_sizes: Sequence[int] = (140, 100, 60, 20),
    l1: float = 5e-5,
    lr: float = 1e-2,
    batch_size: int = 100,
    max_epochs: int = 100,
    patience: int = 5,
    random_state: int = 0,
) -> tuple[nn.Sequential, int]:
    """Train a ReLU MLP the NID way: MSE plus an L1 penalty on every weight matrix.

    Adam, mini-batches, early stopping on the validation loss (the best weights are
    restored); the defaults are those of the NID paper and its reference code. Inputs
    and targets should already be standardized.

    Parameters
    ----------
    X_train, y_train, X_valid, y_valid : ndarray
        Features ``(n, d)`` and targets ``(n,)``.
    hidden_layer_sizes : sequence of int, default=(140, 100, 60, 20)
    l1 : float, default=5e-5
        Weight of ``Σ_l Σ |W_l|`` (biases excluded) added to the mean squared error.
    lr : float, default=1e-2
    batch_size : int, default=100
    max_epochs : int, default=100
    patience : int, default=5
        Stop after this many epochs without a lower validation loss.
    random_state : int, default=0
        Seeds the initial weights and the shuffling (torch's global state is restored).

    Returns
    -------
    module : nn.Sequential
        The trained network (eval mode, best validation loss).
    epochs : int
        Epochs run.
    """
    X_t = torch.as_tensor(X_train, dtype=torch.float32)
    y_t = torch.as_tensor(y_train, dtype=torch.float32).reshape(-1, 1)
    X_v = torch.as_tensor(X_valid, dtype=torch.float32)
    y_v = torch.as_tensor(y_valid, dtype=torch.float32).reshape(-1, 1)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(random_state)
        module = relu_mlp(X_t.shape[1], hidden_layer_sizes)
        weights = [layer.weight for layer in module if isinstance(layer, nn.Linear)]
        optimizer = torch.optim.Adam(module.parameters(), lr=lr)
        best, best_state, stalled, epochs = np.inf, copy.deepcopy(module.state_dict()), 0, 0
        while epochs < max_epochs:
            epochs += 1
            module.train()
            for batch in torch.randperm(len(X_t)).split(batch_size):
                optimizer.zero_grad()
                loss = nn.functional.mse_loss(module(X_t[batch]), y_t[batch])
                penalty = sum(W.abs().sum() for W in weights)
                (loss + l1 * penalty).backward()
                optimizer.step()
            module.eval()
            with torch.no_grad():
                valid = float(nn.functional.mse_loss(module(X_v), y_v))
            if valid < best:
                best, best_state, stalled = valid, copy.deepcopy(module.state_dict()), 0
            else:
                stalled += 1
                if stalled > patience:
                    break
    module.load_state_dict(best_state)
    return module.eval(), epochs


# --------------------------------------------------------------------------- ArchDetect
def _replacement_masks(n_features: int) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the coordinates replaced: none, each single one, each pair (i < j).

    Returns
    -------
    masks : ndarray of bool, shape (1 + d + d(d-1)/2, d)
    pairs : ndarray of int, shape (d(d-1)/2, 2)
    """
    pairs = np.array(list(itertools.combinations(range(n_features), 2)), dtype=np.intp)
    pairs = pairs.reshape(-1, 2)
    eye = np.eye(n_features, dtype=bool)
    masks = np.concatenate(
        [np.zeros((1, n_features), dtype=bool), eye, eye[pairs[:, 0]] | eye[pairs[:, 1]]]
    )
    return masks, pairs


def archdetect_pairwise(
    f: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    baseline: np.ndarray,
    *,
    chunk_size: int = 256,
) -> np.ndarray:
    """ArchDetect's pairwise interaction strengths ``ω̄_ij`` at each row of ``X``.

    Parameters
    ----------
    f : callable
        The model: ndarray ``(m, d)`` → ndarray ``(m,)`` (or ``(m, 1)``).
    X : ndarray of shape (n, d)
        Inputs ``x*`` to explain.
    baseline : ndarray of shape (d,)
        The baseline ``x'``.
    chunk_size : int, default=256
        Rows of ``X`` evaluated per call of ``f`` (each row needs ``2 (1 + d + d(d-1)/2)``
        evaluations).

    Returns
    -------
    ndarray of shape (n, d, d)
        ``ω̄_ij = (ω_ij(x*) + ω_ij(x')) / 2`` per row (symmetric, zero diagonal), where
        ``ω_ij(x) = (Δ_ij(x) / (h_i h_j))²`` with ``h = x* − x'`` and ``Δ_ij(x)`` the
        mixed discrete difference of ``f`` in context ``x`` (see the module docstring).
        A pair with ``h_i h_j = 0`` has ``Δ_ij = 0`` and scores 0.

    Notes
    -----
    In context ``c`` with the other endpoint ``o`` (``(c, o) = (x*, x')`` or
    ``(x', x*)``), ``Δ_ij = f(c) − f(c_{i←o}) − f(c_{j←o}) + f(c_{ij←o})``, where
    ``c_{S←o}`` is ``c`` with the coordinates ``S`` taken from ``o``. Every row needs
    ``f`` at ``1 + d + d(d−1)/2`` points per context; they are built with one boolean
    mask per replaced set and evaluated in one batch per chunk of rows.

    Examples
    --------
    >>> X = np.array([[1.0, 2.0, 3.0]])
    >>> omega = archdetect_pairwise(lambda A: A[:, 0] * A[:, 1] + A[:, 2], X, np.zeros(3))
    >>> omega[0]
    array([[0., 1., 0.],
           [1., 0., 0.],
           [0., 0., 0.]])
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n, d), got shape {X.shape}.")
    n, d = X.shape
    baseline = np.broadcast_to(np.asarray(baseline, dtype=np.float64), (d,))
    masks, pairs = _replacement_masks(d)
    n_points = len(masks)
    i, j = pairs[:, 0], pairs[:, 1]
    out = np.zeros((n, d, d))
    for start in range(0, n, chunk_size):
        rows = X[start : start + chunk_size]  # (r, d)
        base = np.broadcast_to(baseline, rows.shape)
        # (r, 2 contexts, n_points, d): context x* with coordinates from x', and back.
        contexts = np.stack([rows, base], axis=1)[:, :, None, :]
        others = np.stack([base, rows], axis=1)[:, :, None, :]
        points = np.where(masks[None, None], others, contexts)
        values = np.asarray(f(points.reshape(-1, d)), dtype=np.float64)
        values = values.reshape(len(rows), 2, n_points)
        whole, single, double = values[..., 0], values[..., 1 : 1 + d], values[..., 1 + d :]
        delta = whole[..., None] - single[..., i] - single[..., j] + double  # (r, 2, P)
        h = rows - base
        hh = h[:, i] * h[:, j]  # (r, P)
        scale = np.where(hh != 0, hh, 1.0)[:, None, :]
        omega = np.where(hh[:, None, :] != 0, (delta / scale) ** 2, 0.0).mean(axis=1)
        block = out[start : start + len(rows)]
        block[:, i, j] = omega
        block[:, j, i] = omega
    return out


# ------------------------------------------------------------------------------ helpers
def pair_ranking(matrix: np.ndarray) -> dict[tuple[int, int], float]:
    """``{(i, j): matrix[i, j]}`` for every pair ``i < j``, the input of
    :func:`sk_interact.metrics.interaction_auc_score`."""
    d = matrix.shape[0]
    return {(a, b): float(matrix[a, b]) for a, b in itertools.combinations(range(d), 2)}
