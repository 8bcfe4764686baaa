"""Exact higher-order derivatives of scalar functions, batched over points.

Pure ``torch.func`` kernels: tensors in, tensors out. Nothing here knows about
estimators, numpy, pandas or scikit-learn.

Every kernel takes a function ``f`` and a batch of points ``X`` of shape ``(B, d)``.
By default ``f`` is *batched*: it maps ``(n, d)`` to ``(n,)`` or ``(n, 1)``, one scalar
per row, and rows do not influence each other (an ``nn.Module`` in eval mode, a skorch
net's ``module_`` with one output, ``lambda X: X[:, 0] * X[:, 1]``). With
``batched=False`` it maps one point ``(d,)`` to a 0-d scalar instead.

Two ideas make the kernels fast:

* **Sum trick.** Because rows are independent, the gradient of ``Σ_b f(x_b)`` with
  respect to ``X`` holds every point's gradient, so derivatives are vectorised over
  *directions* only, while the network sees the whole batch at once.
* **Nested directional derivatives.** ``∂^l f / ∂x_{i1}…∂x_{il}`` is computed as ``l − 1``
  nested reverse passes along the directions ``e_{i1}, …`` followed by one more reverse
  pass, which yields the whole row ``∂^l f / ∂x_{i1}…∂x_{i(l−1)}∂x_j`` for every ``j`` at
  once (the structure noted in Appendix C of Lerman et al., 2021). Index sets sharing a
  prefix share that work. When ``f`` starts with linear layers, the directions are
  pushed through them (``∂/∂x_i = Σ_k W_ki ∂/∂z_k``) and the nested passes run in the
  first hidden layer's space; the results are identical, only cheaper.

Every point's result is the same, bit for bit, in any batch: points are evaluated in
batches padded to a multiple of :data:`ROW_MULTIPLE` rows, and ``chunk_size`` is rounded
down to a multiple of it (at least one multiple).

Results never require grad: the kernels run under ``torch.no_grad`` (function
transforms ignore an outer ``no_grad``), so a module's parameters, even when they
require grad, record no graph and are never modified.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import nn
from torch.func import grad, jacrev, vjp, vmap

__all__ = [
    "grad_cam",
    "gradient",
    "hessian",
    "hessian_cam",
    "jacobian",
    "mixed_partials",
    "smoothed_gradient",
    "smoothed_hessian",
    "smoothed_mixed_partials",
    "taylor_cam_triples",
]

# Default number of (point, direction) evaluations vectorised in one call; bounds the
# temporaries of nested reverse passes to a few hundred MB for MLPs of the papers' size.
DEFAULT_CHUNK_SIZE = 8192


@dataclass(frozen=True)
class _Prepared:
    """A batched scalar function, possibly behind a leading affine map.

    ``f(X) = inner(X @ weight.T + bias)`` when ``weight`` is set, else ``f = inner``.
    """

    inner: Callable[[torch.Tensor], torch.Tensor]
    weight: torch.Tensor | None = None
    bias: torch.Tensor | None = None

    def inputs(self, X: torch.Tensor) -> torch.Tensor:
        """Map points ``(B, d)`` to the inner function's inputs ``(B, d_inner)``."""
        if self.weight is None:
            return X
        return X @ self.weight.T + self.bias

    def directions(self, index: torch.Tensor, d: int, dtype: torch.dtype) -> torch.Tensor:
        """Return ``∂/∂x_i`` as directions in the inner space: ``(*index.shape, d_inner)``."""
        if self.weight is None:
            return torch.nn.functional.one_hot(index, d).to(dtype)
        return self.weight.T[index]

    def to_input_space(self, rows: torch.Tensor) -> torch.Tensor:
        """Pull gradients ``(..., d_inner)`` back to input space ``(..., d)``."""
        return rows if self.weight is None else rows @ self.weight


def _affine_parts(module: nn.Module) -> tuple[torch.Tensor, torch.Tensor] | None:
    """Return ``(weight, bias)`` of an affine module, or None when it is not affine.

    ``nn.Linear`` qualifies, and so does any module that offers ``affine_parts()``
    returning a dense ``(out, in)`` weight and an ``(out,)`` bias.
    """
    if isinstance(module, nn.Linear):
        weight = module.weight.detach()
        bias = module.bias.detach() if module.bias is not None else weight.new_zeros(len(weight))
        return weight, bias
    if callable(getattr(module, "affine_parts", None)):
        weight, bias = module.affine_parts()
        return weight.detach(), bias.detach()
    return None


def _leaves(sequential: nn.Sequential):
    """Yield the modules of a ``Sequential``, descending into nested ones."""
    for module in sequential:
        if isinstance(module, nn.Sequential):
            yield from _leaves(module)
        else:
            yield module


def module_dtype(module: nn.Module, default: torch.dtype = torch.float64) -> torch.dtype:
    """The dtype a module computes in: its first floating parameter's or buffer's."""
    tensors = itertools.chain(module.parameters(), module.buffers())
    return next((t.dtype for t in tensors if t.is_floating_point()), default)


def _prepare(f: Callable, X: torch.Tensor, batched: bool) -> _Prepared:
    """Validate ``f`` against ``X`` and factor out leading affine layers."""
    if not callable(f):
        raise TypeError(f"f must be callable (an nn.Module or a function), got {type(f)!r}.")
    if not isinstance(f, nn.Module):
        return _Prepared(f if batched else vmap(f))
    dtype = module_dtype(f, default=X.dtype)
    if dtype != X.dtype:
        raise TypeError(
            f"X is {X.dtype} but the module's parameters are {dtype}; "
            f"convert one of them, e.g. X.to({dtype}) or module.to({X.dtype})."
        )
    if not batched or not isinstance(f, nn.Sequential):
        return _Prepared(f if batched else vmap(f))
    weight = bias = None
    layers = list(_leaves(f))
    while layers and (parts := _affine_parts(layers[0])) is not None:
        w, b = parts
        weight, bias = (w, b) if weight is None else (w @ weight, w @ bias + b)
        layers.pop(0)
    # Only a narrower hidden space saves work; a wider one costs an extra projection.
    if weight is None or weight.shape[0] >= X.shape[1]:
        return _Prepared(f)
    return _Prepared(nn.Sequential(*layers), weight, bias)


def _as_points(X: torch.Tensor, f: Callable) -> torch.Tensor:
    """Validate ``X`` and return a detached copy on ``f``'s device, shape ``(B, d)``."""
    if not isinstance(X, torch.Tensor):
        raise TypeError(
            f"X must be a torch.Tensor of shape (B, d), got {type(X).__name__}; "
            "convert with torch.as_tensor(X, dtype=torch.float32)."
        )
    if X.ndim != 2:
        raise ValueError(f"X must have shape (B, d), got shape {tuple(X.shape)}.")
    if not X.is_floating_point():
        raise TypeError(f"X must hold floating point numbers, got {X.dtype}.")
    if isinstance(f, nn.Module):
        first = next(f.parameters(), None)
        if first is not None and first.device != X.device:
            X = X.to(first.device)
    return X.detach()


def _check_scalar_output(f: Callable, X: torch.Tensor, batched: bool) -> None:
    """Raise a clear error unless ``f`` returns one scalar per point."""
    with torch.no_grad():
        out = f(X[:1]) if batched else f(X[0])
    expected = {(1,), (1, 1)} if batched else {()}
    if not isinstance(out, torch.Tensor) or tuple(out.shape) not in expected:
        shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        kind = "(n,) or (n, 1) for a batch of n points" if batched else "a 0-d scalar"
        raise ValueError(
            f"f must return {kind}; for one point it returned {shape}. Select one "
            "output, e.g. lambda X: model(X)[:, 1], or pass batched=False for a "
            "function of a single point."
        )


def _summed(f: Callable) -> Callable[[torch.Tensor], torch.Tensor]:
    """``X ↦ Σ_b f(X)_b``: its gradient row ``b`` is the gradient of ``f`` at ``x_b``."""
    return lambda X: f(X).sum()


def _directional(h: Callable, u: torch.Tensor) -> Callable[[torch.Tensor], torch.Tensor]:
    """``X ↦ Σ_b ⟨∇h(X)_b, u⟩``: the summed directional derivative of ``h`` along ``u``."""
    return lambda X: (grad(h)(X) @ u).sum()


def _nested_rows(h: Callable, Z: torch.Tensor, U: torch.Tensor) -> torch.Tensor:
    """Gradient of the nested directional derivative of ``h`` along ``U``'s rows.

    ``h`` is a summed function of ``Z`` ``(B, k)``; ``U`` is ``(m, k)``, one direction per
    nesting level. Returns ``(B, k)``: row ``b`` is ``∇ ∂_{u_1}…∂_{u_m} f(z_b)``.
    """
    for level in range(U.shape[0]):
        h = _directional(h, U[level])
    return grad(h)(Z)


def _blocks(n: int, size: int):
    """Yield slices that cover ``range(n)`` in blocks of at most ``size``."""
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def _rows_along(
    prepared: _Prepared, X: torch.Tensor, U: torch.Tensor, chunk_size: int
) -> torch.Tensor:
    """Nested-derivative rows for many direction tuples, chunked over points and tuples.

    Parameters
    ----------
    prepared : _Prepared
    X : Tensor of shape (B, d)
    U : Tensor of shape (P, m, k)
        ``P`` tuples of ``m`` directions in the inner space (``k`` = inner dimension).
    chunk_size : int
        Most (point, tuple) pairs evaluated in one vectorised call.

    Returns
    -------
    Tensor of shape (B, P, k)
        Row ``[b, p]`` is ``∇ ∂_{U[p, 0]}…∂_{U[p, m-1]} f`` at ``x_b``, in the inner space.
    """
    summed = _summed(prepared.inner)
    n_points, n_tuples = X.shape[0], U.shape[0]
    point_block = max(1, min(n_points, chunk_size))
    tuple_chunk = max(1, chunk_size // point_block)
    out = []
    for rows in _blocks(n_points, point_block):
        Z = prepared.inputs(X[rows])
        per_tuple = vmap(lambda u, Z=Z: _nested_rows(summed, Z, u), chunk_size=tuple_chunk)
        out.append(per_tuple(U).transpose(0, 1))  # (P, b, k) -> (b, P, k)
    return torch.cat(out) if out else U.new_zeros(0, n_tuples, U.shape[-1])


#: Points are evaluated in batches padded to a multiple of this many rows (repeating
#: the last one). CPU matrix kernels compute a row that falls in a partial tile of the
#: batch with other instructions than the rows of full tiles, so its last bits changed
#: with the number of rows evaluated with it (measured in float64 on an AVX-512 CPU:
#: a prediction of 7 rows differed from the same rows among 60 by 1e-16). Padded, every
#: row sits in full tiles, and no result depends on how rows are batched.
ROW_MULTIPLE = 64


def pad_rows(X: torch.Tensor, multiple: int = ROW_MULTIPLE) -> torch.Tensor:
    """``X`` with its last row repeated up to a multiple of ``multiple`` rows."""
    missing = -len(X) % multiple
    if not missing or not len(X):
        return X
    return torch.cat([X, X[-1:].expand(missing, *X.shape[1:])])


def _row_invariant(kernel: Callable) -> Callable:
    """Run ``kernel(f, X, ...)`` on ``X`` padded by :func:`pad_rows` and return the
    rows of the points given, so that each point's result is the same in any batch."""

    @functools.wraps(kernel)
    def padded(f, X, *args, **kwargs):
        if not isinstance(X, torch.Tensor) or X.ndim != 2:
            return kernel(f, X, *args, **kwargs)  # the kernel's own checks explain it
        return kernel(f, pad_rows(X), *args, **kwargs)[: len(X)]

    return padded


def _check_chunk_size(chunk_size: int | None) -> int:
    if chunk_size is None:
        return DEFAULT_CHUNK_SIZE
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive integer or None, got {chunk_size!r}.")
    # blocks of whole multiples of ROW_MULTIPLE rows keep every row in full tiles
    return max(ROW_MULTIPLE, chunk_size - chunk_size % ROW_MULTIPLE)


def _setup(f, X, batched, chunk_size) -> tuple[_Prepared, torch.Tensor, int]:
    X = _as_points(X, f)
    chunk_size = _check_chunk_size(chunk_size)
    prepared = _prepare(f, X, batched)
    _check_scalar_output(f, X, batched)
    return prepared, X, chunk_size


@_row_invariant
def gradient(
    f: Callable[[torch.Tensor], torch.Tensor],
    X: torch.Tensor,
    *,
    batched: bool = True,
    chunk_size: int | None = None,
) -> torch.Tensor:
    """Gradient of a scalar function at every point of a batch.

    Parameters
    ----------
    f : callable
        Batched: ``(n, d) -> (n,)`` or ``(n, 1)``, rows independent. With
        ``batched=False``: ``(d,) -> ()``.
    X : Tensor of shape (B, d)
        Points, float32 or float64; moved to ``f``'s device when ``f`` is a module.
    batched : bool, default=True
        Whether ``f`` takes a batch of points or one point.
    chunk_size : int, optional
        Most points evaluated in one call (memory bound). Default 8192.

    Returns
    -------
    Tensor of shape (B, d)
        ``∂f/∂x_i`` at each point.

    Examples
    --------
    >>> import torch
    >>> X = torch.tensor([[1.0, 2.0], [3.0, -1.0]])
    >>> gradient(lambda X: X[:, 0] ** 2 * X[:, 1], X)
    tensor([[ 4.,  1.],
            [-6.,  9.]])
    """
    prepared, X, chunk_size = _setup(f, X, batched, chunk_size)
    with torch.no_grad():
        return _gradient_rows(prepared, X, chunk_size)


def _gradient_rows(prepared: _Prepared, X: torch.Tensor, chunk_size: int) -> torch.Tensor:
    """Gradients ``(B, d)`` of a prepared function, in blocks of ``chunk_size`` points."""
    summed = _summed(prepared.inner)
    rows = [grad(summed)(prepared.inputs(X[s])) for s in _blocks(len(X), chunk_size)]
    return prepared.to_input_space(torch.cat(rows))


@_row_invariant
def hessian(
    f: Callable[[torch.Tensor], torch.Tensor],
    X: torch.Tensor,
    *,
    batched: bool = True,
    chunk_size: int | None = None,
) -> torch.Tensor:
    """Hessian of a scalar function at every point of a batch.

    Parameters
    ----------
    f : callable
        Batched: ``(n, d) -> (n,)`` or ``(n, 1)``, rows independent. With
        ``batched=False``: ``(d,) -> ()``.
    X : Tensor of shape (B, d)
        Points, float32 or float64.
    batched : bool, default=True
        Whether ``f`` takes a batch of points or one point.
    chunk_size : int, optional
        Most (point, direction) pairs evaluated in one call. Default 8192. Peak memory
        grows with it; the result is the same for every value.

    Returns
    -------
    Tensor of shape (B, d, d)
        ``∂²f/∂x_i∂x_j`` at each point.

    Notes
    -----
    One Hessian-vector product per input direction. When ``f`` is an ``nn.Sequential``
    that starts with linear layers ``z = W x + b`` and ``z`` is narrower than ``x``, the
    products run in ``z``'s space instead and ``H_x = Wᵀ H_z W``.

    Examples
    --------
    >>> import torch
    >>> X = torch.tensor([[1.0, 2.0]])
    >>> hessian(lambda X: X[:, 0] ** 2 * X[:, 1], X)
    tensor([[[4., 2.],
             [2., 0.]]])
    """
    prepared, X, chunk_size = _setup(f, X, batched, chunk_size)
    d = X.shape[1]
    with torch.no_grad():
        if prepared.weight is None:
            U = torch.eye(d, dtype=X.dtype, device=X.device).unsqueeze(1)
            return _rows_along(prepared, X, U, chunk_size)
        # The Hessian in the narrower hidden space, then H_x = Wᵀ H_z W.
        W = prepared.weight
        U = torch.eye(len(W), dtype=X.dtype, device=X.device).unsqueeze(1)
        H_z = _rows_along(_Prepared(prepared.inner), prepared.inputs(X), U, chunk_size)
        return W.T @ H_z @ W


@_row_invariant
def jacobian(
    f: Callable[[torch.Tensor], torch.Tensor],
    X: torch.Tensor,
    *,
    batched: bool = True,
    chunk_size: int | None = None,
) -> torch.Tensor:
    """Jacobian of a vector-valued function at every point of a batch.

    Parameters
    ----------
    f : callable
        Batched: ``(n, d) -> (n, m)``, rows independent. With ``batched=False``:
        ``(d,) -> (m,)``.
    X : Tensor of shape (B, d)
        Points, float32 or float64.
    batched : bool, default=True
        Whether ``f`` takes a batch of points or one point.
    chunk_size : int, optional
        Most outputs differentiated in one vectorised call. Default 8192.

    Returns
    -------
    Tensor of shape (B, m, d)
        ``∂f_k/∂x_i`` at each point.

    Examples
    --------
    >>> import torch
    >>> X = torch.tensor([[1.0, 2.0]])
    >>> jacobian(lambda X: torch.stack([X[:, 0] * X[:, 1], X[:, 1] ** 2], dim=1), X)
    tensor([[[2., 1.],
             [0., 4.]]])
    """
    X = _as_points(X, f)
    chunk_size = _check_chunk_size(chunk_size)
    g = f if batched else vmap(f)
    with torch.no_grad():
        out = g(X[:1])
    if not isinstance(out, torch.Tensor) or out.ndim != 2 or out.shape[0] != 1:
        shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise ValueError(f"f must map (n, d) points to (n, m) outputs; got {shape} for n=1.")
    with torch.no_grad():
        blocks = [
            jacrev(lambda Xb: g(Xb).sum(0), chunk_size=chunk_size)(X[s]).permute(1, 0, 2)
            for s in _blocks(len(X), chunk_size)
        ]
        return torch.cat(blocks)


def _index_sets(index_sets, d: int, device: torch.device) -> torch.Tensor:
    """Validate index sets and return them sorted within each set: ``(S, l)`` int64."""
    if isinstance(index_sets, torch.Tensor):
        sets = index_sets.detach().to("cpu")
    else:
        try:
            sets = torch.as_tensor([tuple(s) for s in index_sets])
        except (TypeError, ValueError) as exc:
            raise ValueError(
                "index_sets must be a sequence of equally long tuples of feature indices, "
                f"e.g. [(0, 1, 2), (1, 2, 3)]; mixed orders go in separate calls ({exc})."
            ) from None
    if sets.numel() == 0 and sets.ndim < 2:
        sets = sets.reshape(0, 1).to(torch.int64)  # no sets at all: nothing to compute
    if sets.ndim != 2 or sets.shape[1] < 1:
        raise ValueError(
            "index_sets must have shape (S, l) with l >= 1, one set of l feature indices per "
            f"row; got shape {tuple(sets.shape)}."
        )
    if sets.is_floating_point() or sets.dtype == torch.bool:
        raise ValueError(f"index_sets must hold integers, got {sets.dtype}.")
    sets = sets.to(torch.int64)
    if sets.numel() and (sets.min() < 0 or sets.max() >= d):
        raise ValueError(f"index_sets must lie in [0, {d - 1}] for d={d} features.")
    sets = sets.sort(dim=1).values
    if sets.shape[1] > 1 and (sets[:, 1:] == sets[:, :-1]).any():
        bad = sets[(sets[:, 1:] == sets[:, :-1]).any(dim=1)][0].tolist()
        raise ValueError(f"index_sets must not repeat an index within a set; got {bad}.")
    return sets.to(device)


def _assign_prefixes(sets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Split each set into a shared (l−1)-prefix and one last index.

    Each set leaves out the member whose complement is the most frequent (l−1)-subset
    among all sets, so extensions of one set (T-NID's higher orders) share one prefix.

    Returns
    -------
    prefixes : Tensor (P, l-1)
        The unique prefixes.
    which : Tensor (S,)
        Prefix of each set.
    last : Tensor (S,)
        The index each set adds to its prefix.
    """
    n_sets, order = sets.shape
    positions = torch.arange(order, device=sets.device)
    keep = positions.unsqueeze(0) != positions.unsqueeze(1)  # (l, l): drop member r
    candidates = torch.stack([sets[:, keep[r]] for r in range(order)], dim=1)  # (S, l, l-1)
    candidates = candidates.reshape(-1, order - 1)
    base = int(sets.max()) + 1
    if base ** (order - 1) < 2**62:
        # One int64 key per candidate, its indices as digits (keys sort as the rows
        # do): a 1-D unique took 0.04 s where unique(dim=0) took 1.8 s on the 499,500
        # pairs of d = 1000.
        place = base ** torch.arange(order - 2, -1, -1, device=sets.device)
        keys, inverse, counts = torch.unique(
            (candidates * place).sum(dim=1), return_inverse=True, return_counts=True
        )
        unique = keys.unsqueeze(1) // place % base
    else:
        unique, inverse, counts = torch.unique(
            candidates, dim=0, return_inverse=True, return_counts=True
        )
    inverse = inverse.reshape(n_sets, order)
    # Most frequent candidate; ties go to the one that leaves out the largest index.
    score = counts[inverse] * (order + 1) + positions
    drop = score.argmax(dim=1)
    which_all = inverse.gather(1, drop.unsqueeze(1)).squeeze(1)
    used, which = torch.unique(which_all, return_inverse=True)
    last = sets.gather(1, drop.unsqueeze(1)).squeeze(1)
    return unique[used], which, last


@_row_invariant
def mixed_partials(
    f: Callable[[torch.Tensor], torch.Tensor],
    X: torch.Tensor,
    index_sets: Sequence[Sequence[int]] | torch.Tensor,
    *,
    batched: bool = True,
    chunk_size: int | None = None,
) -> torch.Tensor:
    """Mixed partial derivatives ``∂^l f / ∂x_{i1}…∂x_{il}`` for many index sets at once.

    Parameters
    ----------
    f : callable
        Batched: ``(n, d) -> (n,)`` or ``(n, 1)``, rows independent. With
        ``batched=False``: ``(d,) -> ()``. Must be ``l`` times differentiable (GELU,
        softplus, tanh, ...; a ReLU network's cross partials are zero almost everywhere).
    X : Tensor of shape (B, d)
        Points, float32 or float64.
    index_sets : sequence of S tuples of l distinct ints, or Tensor of shape (S, l)
        Feature indices; every set has the same order ``l >= 1``. Order within a set
        does not matter (the derivative is symmetric).
    batched : bool, default=True
        Whether ``f`` takes a batch of points or one point.
    chunk_size : int, optional
        Most (point, prefix) pairs evaluated in one vectorised call. Default 8192.

    Returns
    -------
    Tensor of shape (B, S)
        Entry ``[b, s]`` is the mixed partial over ``index_sets[s]`` at ``x_b``.

    Notes
    -----
    Sets are grouped by a shared prefix of ``l − 1`` indices. Each prefix costs ``l − 1``
    nested reverse passes plus one more, which returns the derivative for every
    extension of the prefix at once (Lerman et al., 2021, Appendix C); sets that extend
    the same top interaction, as in T-NID, cost one prefix between them.

    References
    ----------
    .. [1] Lerman, S., Venuto, C., Kautz, H., Xu, C. "Explaining Local, Global, And
       Higher-Order Interactions In Deep Learning." ICCV 2021.

    Examples
    --------
    >>> import torch
    >>> X = torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64)
    >>> f = lambda X: X[:, 0] * X[:, 1] * X[:, 2] + X[:, 0] ** 2 * X[:, 1]
    >>> mixed_partials(f, X, [(0, 1), (0, 2), (1, 2)])
    tensor([[5., 2., 1.]], dtype=torch.float64)
    >>> mixed_partials(f, X, [(0, 1, 2)])
    tensor([[1.]], dtype=torch.float64)
    """
    prepared, X, chunk_size = _setup(f, X, batched, chunk_size)
    n_points, d = X.shape
    sets = _index_sets(index_sets, d, X.device)
    n_sets, order = sets.shape
    with torch.no_grad():
        if n_sets == 0:
            return X.new_zeros(n_points, 0)
        if order == 1:
            return _gradient_rows(prepared, X, chunk_size)[:, sets[:, 0]]
        prefixes, which, last = _assign_prefixes(sets)
        U = prepared.directions(prefixes, d, X.dtype)  # (P, l-1, k)
        out = X.new_empty(n_points, n_sets)
        # Bound the (B, P, d) rows held at once as well as the vectorised work.
        prefix_block = max(1, chunk_size // max(1, n_points))
        for block in _blocks(len(prefixes), prefix_block):
            rows = prepared.to_input_space(_rows_along(prepared, X, U[block], chunk_size))
            in_block = (which >= block.start) & (which < block.stop)
            members = in_block.nonzero().squeeze(1)
            out[:, members] = rows[:, which[members] - block.start, last[members]]
        return out


# --------------------------------------------------------------------------- smoothing
def _check_smoothing(sigma, n_samples) -> tuple[float, int]:
    if (
        isinstance(sigma, bool)
        or not isinstance(sigma, int | float)
        or not 0 < sigma < float("inf")
    ):
        raise ValueError(f"sigma must be a positive finite number, got {sigma!r}.")
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 2:
        raise ValueError(f"n_samples must be an integer >= 2, got {n_samples!r}.")
    return float(sigma), n_samples


def _antithetic_gradients(
    f: Callable,
    X: torch.Tensor,
    sigma: float,
    n_samples: int,
    generator: torch.Generator | None,
    chunk_size: int | None,
):
    """Yield, per block of points, ``(rows, δ, ∇f(x + δ), ∇f(x − δ), ∇f(x))``.

    ``δ`` has shape ``(b, P, d)``: the same ``P = ⌈n_samples / 2⌉`` Gaussian draws of
    standard deviation ``sigma`` for every point (drawn on the CPU from ``generator``, so
    results do not depend on the device, the blocking or the other points); the
    gradients have the same shape (``∇f(x)``: ``(b, d)``).
    """
    prepared, X, chunk_size = _setup(f, X, True, chunk_size)
    n_points, d = X.shape
    pairs = (n_samples + 1) // 2
    # One set of draws shared by every point: a point's estimate depends neither on the
    # other points nor on their order or blocking (common random numbers).
    noise = torch.randn(pairs, d, generator=generator, dtype=torch.float64)
    if pairs > d:
        # Moment matching: rescale the draws so that their second moment is exactly
        # σ² I (E[δδᵀ] = σ² I is what Stein's identity divides by); the estimate is then
        # exact for quadratic functions and much less noisy for the rest.
        moment = noise.T @ noise / pairs
        eigenvalues, eigenvectors = torch.linalg.eigh(moment)
        noise = noise @ (eigenvectors * eigenvalues.rsqrt()) @ eigenvectors.T
    noise = (noise * sigma).to(dtype=X.dtype, device=X.device)
    point_block = max(1, chunk_size // (2 * pairs + 1))
    for rows in _blocks(n_points, point_block):
        Xb = X[rows]
        b = len(Xb)
        delta = noise.expand(b, pairs, d)
        points = torch.cat(
            [(Xb[:, None] + delta).reshape(-1, d), (Xb[:, None] - delta).reshape(-1, d), Xb]
        )
        G = _gradient_rows(prepared, points, chunk_size)
        plus = G[: b * pairs].reshape(b, pairs, d)
        minus = G[b * pairs : 2 * b * pairs].reshape(b, pairs, d)
        yield rows, delta, plus, minus, G[2 * b * pairs :]


def smoothed_gradient(
    f: Callable[[torch.Tensor], torch.Tensor],
    X: torch.Tensor,
    *,
    sigma: float,
    n_samples: int = 256,
    generator: torch.Generator | None = None,
    chunk_size: int | None = None,
) -> torch.Tensor:
    """Gradient of the Gaussian-smoothed function ``g(x) = E[f(x + δ)]``, ``δ ~ N(0, σ² I)``.

    Estimated as the mean of ``∇f`` over antithetic pairs ``x ± δ``; the first
    derivative that :func:`smoothed_hessian` differentiates once more.

    Parameters
    ----------
    f, X, sigma, n_samples, generator, chunk_size
        As for :func:`smoothed_hessian`.

    Returns
    -------
    Tensor of shape (B, d)

    Examples
    --------
    >>> import torch
    >>> f = lambda X: torch.relu(X[:, 0])  # smoothed: ∂g/∂x0 = Φ(x0 / σ)
    >>> smoothed_gradient(f, torch.zeros(1, 2), sigma=1.0, n_samples=2)
    tensor([[0.5000, 0.0000]])
    """
    sigma, n_samples = _check_smoothing(sigma, n_samples)
    with torch.no_grad():
        blocks = [
            ((plus + minus) / 2).mean(dim=1)
            for _, _, plus, minus, _ in _antithetic_gradients(
                f, X, sigma, n_samples, generator, chunk_size
            )
        ]
    return torch.cat(blocks)


def smoothed_hessian(
    f: Callable[[torch.Tensor], torch.Tensor],
    X: torch.Tensor,
    *,
    sigma: float,
    n_samples: int = 256,
    generator: torch.Generator | None = None,
    chunk_size: int | None = None,
) -> torch.Tensor:
    """Hessian of the Gaussian-smoothed function, from gradient calls only (SmoothHess).

    The smoothed function ``g(x) = E[f(x + δ)]``, ``δ ~ N(0, σ² I)``, is infinitely
    differentiable even when ``f`` is piecewise linear (a ReLU network), and by Stein's
    lemma its Hessian is ``∇²g(x) = E[∇f(x + δ) δᵀ] / σ²`` (Torop et al., 2023). The
    expectation is estimated with antithetic pairs ``±δ`` and the estimate is
    symmetrised. The same draws serve every point (so each point's estimate is
    independent of the others and of their order), rescaled so that their second moment
    is exactly ``σ² I`` when there are more pairs than features: the estimate is then
    exact for quadratic ``f``.

    Parameters
    ----------
    f : callable
        Batched scalar function ``(n, d) -> (n,)`` or ``(n, 1)``, rows independent, with
        a gradient almost everywhere.
    X : Tensor of shape (B, d)
        Points, float32 or float64.
    sigma : float
        Standard deviation of the smoothing noise, in the units of ``X``.
    n_samples : int, default=256
        Noise draws per point (``n_samples // 2`` antithetic pairs, rounded up).
    generator : torch.Generator, optional
        Source of the noise (a CPU generator); seed it for reproducible estimates.
    chunk_size : int, optional
        Most gradient evaluations in one call. Default 8192.

    Returns
    -------
    Tensor of shape (B, d, d)
        The symmetric Hessian estimate at each point.

    References
    ----------
    .. [1] Torop, M., Masoomi, A., Hill, D., Kose, K., Ioannidis, S., Dy, J.
       "SmoothHess: ReLU Network Feature Interactions via Stein's Lemma." NeurIPS 2023.

    Examples
    --------
    >>> import torch
    >>> f = lambda X: torch.relu(X[:, 0] + X[:, 1])  # kink on the line x0 + x1 = 0
    >>> H = smoothed_hessian(f, torch.zeros(1, 2, dtype=torch.float64), sigma=1.0,
    ...                      n_samples=20000, generator=torch.Generator().manual_seed(0))
    >>> # g(x) = E relu(x0 + x1 + ε), ε ~ N(0, 2): every entry is φ(0) / √2 ≈ 0.282
    >>> torch.allclose(H, torch.full((1, 2, 2), 0.2821, dtype=torch.float64), atol=0.01)
    True
    """
    sigma, n_samples = _check_smoothing(sigma, n_samples)
    blocks = []
    with torch.no_grad():
        for _, delta, plus, minus, _ in _antithetic_gradients(
            f, X, sigma, n_samples, generator, chunk_size
        ):
            odd = (plus - minus) / 2  # E[∇f(x + δ) δᵀ] only sees the odd part
            H = torch.einsum("bpi,bpj->bij", odd, delta) / (delta.shape[1] * sigma**2)
            blocks.append((H + H.transpose(1, 2)) / 2)
    return torch.cat(blocks)


def smoothed_mixed_partials(
    f: Callable[[torch.Tensor], torch.Tensor],
    X: torch.Tensor,
    index_sets: Sequence[Sequence[int]] | torch.Tensor,
    *,
    sigma: float,
    n_samples: int = 256,
    generator: torch.Generator | None = None,
    chunk_size: int | None = None,
) -> torch.Tensor:
    """Mixed partials of the Gaussian-smoothed function for sets of distinct features.

    For a set ``T`` of ``l`` distinct features, Stein's lemma applied ``l − 1`` times
    gives ``∂_T g(x) = E[∂_t f(x + δ) Π_{j ∈ T∖t} δ_j] / σ^(2(l−1))`` for any member ``t``
    (the Hermite polynomial of distinct coordinates is their product); the estimate
    averages the ``l`` choices of ``t``. Antithetic pairs ``±δ`` keep only the part of
    ``∇f`` of the right parity, and for even ``l − 1`` the gradient at ``x`` serves as a
    control variate. Order 2 agrees with the off-diagonal of :func:`smoothed_hessian`.

    Parameters
    ----------
    f : callable
        Batched scalar function ``(n, d) -> (n,)`` or ``(n, 1)``, rows independent.
    X : Tensor of shape (B, d)
        Points, float32 or float64.
    index_sets : sequence of S tuples of l >= 1 distinct ints, or Tensor of shape (S, l)
        Feature indices; one order per call.
    sigma, n_samples, generator, chunk_size
        As for :func:`smoothed_hessian`.

    Returns
    -------
    Tensor of shape (B, S)
        Entry ``[b, s]`` estimates ``∂^l g / ∂x_T`` at ``x_b`` for ``T = index_sets[s]``.

    Examples
    --------
    >>> import torch
    >>> f = lambda X: X[:, 0] * X[:, 1] * X[:, 2]  # smoothing leaves ∂³f = 1 unchanged
    >>> X = torch.randn(3, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    >>> out = smoothed_mixed_partials(f, X, [(0, 1, 2)], sigma=0.5, n_samples=20000,
    ...                               generator=torch.Generator().manual_seed(1))
    >>> torch.allclose(out, torch.ones(3, 1, dtype=torch.float64), atol=0.1)
    True
    """
    sigma, n_samples = _check_smoothing(sigma, n_samples)
    X = _as_points(X, f)
    sets = _index_sets(index_sets, X.shape[1], X.device)
    n_sets, order = sets.shape
    if order == 1:
        raise ValueError("smoothed_mixed_partials needs sets of 2 or more features; use gradient.")
    positions = torch.arange(order, device=sets.device)
    blocks = []
    with torch.no_grad():
        for _, delta, plus, minus, at_x in _antithetic_gradients(
            f, X, sigma, n_samples, generator, chunk_size
        ):
            if (order - 1) % 2:
                part = (plus - minus) / 2
            else:
                part = (plus + minus) / 2 - at_x[:, None]
            total = delta.new_zeros(len(delta), n_sets)
            for r in range(order):
                others = sets[:, positions != r]  # (S, l-1)
                weights = delta[:, :, others].prod(dim=-1)  # (b, P, S)
                total += (part[:, :, sets[:, r]] * weights).mean(dim=1)
            blocks.append(total / (order * sigma ** (2 * (order - 1))))
    return torch.cat(blocks)


# --------------------------------------------------------------------------- regions
def _as_regions(A: torch.Tensor) -> torch.Tensor:
    """Validate region features ``A`` and return them detached, shape ``(B, n, C)``."""
    if not isinstance(A, torch.Tensor):
        raise TypeError(
            f"A must be a torch.Tensor of shape (B, n, C), got {type(A).__name__}; "
            "convert with torch.as_tensor(A, dtype=torch.float32)."
        )
    if A.ndim != 3:
        raise ValueError(
            f"A must have shape (B, n, C) (images, regions, channels), got shape "
            f"{tuple(A.shape)}; reshape a (B, C, H, W) feature map with "
            "A.flatten(2).transpose(1, 2)."
        )
    if not A.is_floating_point():
        raise TypeError(f"A must hold floating point numbers, got {A.dtype}.")
    return A.detach()


def _check_region_output(F: Callable, A: torch.Tensor) -> None:
    """Raise a clear error unless ``F`` returns one scalar per image."""
    if not callable(F):
        raise TypeError(f"F must be callable (an nn.Module or a function), got {type(F)!r}.")
    with torch.no_grad():
        out = F(A)
    expected = {(len(A),), (len(A), 1)}
    if not isinstance(out, torch.Tensor) or tuple(out.shape) not in expected:
        shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise ValueError(
            f"F must return one scalar per image, (B,) or (B, 1) for B={len(A)}; it "
            f"returned {shape}. Select one output, e.g. lambda A: head(A)[:, k]."
        )


def _region_importance(F: Callable, local_gradients: bool) -> Callable:
    """``A ↦ g(A)`` of shape ``(B, n)``: Grad-CAM importance of every region (Eq. 3).

    ``g_i = Σ_p A_ip ∂F/∂A_ip`` (local gradients) or ``g_i = Σ_p A_ip Σ_k ∂F/∂A_kp``.
    """

    def summed(A):
        return F(A).reshape(-1).sum()

    def importance(A):
        G = grad(summed)(A)  # images are independent: row b is ∇F at image b
        if not local_gradients:
            G = G.sum(dim=1, keepdim=True)
        return (A * G).sum(dim=-1)

    return importance


def grad_cam(
    F: Callable[[torch.Tensor], torch.Tensor],
    A: torch.Tensor,
    *,
    local_gradients: bool = False,
) -> torch.Tensor:
    """Grad-CAM importance of every region, in the form of Eq. 3 of Lerman et al.

    Parameters
    ----------
    F : callable
        Maps region features ``(B, n, C)`` to one scalar per image, ``(B,)`` or
        ``(B, 1)``; images do not influence each other.
    A : Tensor of shape (B, n, C)
        Feature vectors of ``n`` regions with ``C`` channels, per image.
    local_gradients : bool, default=False
        False: ``g_i = Σ_p A_ip Σ_k ∂F/∂A_kp`` (Eq. 3, the gradient summed over
        regions, as Grad-CAM's channel weights). True: ``g_i = Σ_p A_ip ∂F/∂A_ip``
        (the ``k = i`` variant of §4.2).

    Returns
    -------
    Tensor of shape (B, n)
        ``g_i`` per image. Selvaraju et al.'s map is ``ReLU(g) / n`` for the global form.

    Examples
    --------
    >>> import torch
    >>> A = torch.tensor([[[1.0, 2.0], [3.0, 4.0]]])  # one image, 2 regions, 2 channels
    >>> F = lambda A: (A[:, :, 0] * torch.tensor([1.0, 2.0])).sum(dim=1)
    >>> grad_cam(F, A)  # Σ_k ∂F/∂A_k0 = 3, Σ_k ∂F/∂A_k1 = 0
    tensor([[3., 9.]])
    >>> grad_cam(F, A, local_gradients=True)
    tensor([[1., 6.]])
    """
    A = _as_regions(A)
    _check_region_output(F, A)
    with torch.no_grad():
        return _region_importance(F, bool(local_gradients))(A)


def hessian_cam(
    F: Callable[[torch.Tensor], torch.Tensor],
    A: torch.Tensor,
    *,
    local_gradients: bool = True,
    chunk_size: int | None = None,
) -> torch.Tensor:
    """Hessian-CAM interaction saliences between all pairs of regions (Eq. 5).

    Parameters
    ----------
    F : callable
        Maps region features ``(B, n, C)`` to one scalar per image, ``(B,)`` or
        ``(B, 1)``; images do not influence each other. It must be twice
        differentiable in ``A`` (ReLU layers downstream contribute no curvature).
    A : Tensor of shape (B, n, C)
        Feature vectors of ``n`` regions with ``C`` channels, per image (a
        ``(B, C, H, W)`` feature map reshaped with ``A.flatten(2).transpose(1, 2)``).
    local_gradients : bool, default=True
        True: importance ``g_i = Σ_p A_ip ∂F/∂A_ip`` (the ``k = i`` variant the paper
        recommends); False: ``g_i = Σ_p A_ip Σ_k ∂F/∂A_kp`` (Eqs. 3–5 as written).
    chunk_size : int, optional
        Most (image, region) pairs differentiated in one vectorised call. Default 8192.
        Every call sees all ``B`` images at once; batch the images to bound memory.

    Returns
    -------
    Tensor of shape (B, n, n)
        ``S[b, i, j] = (Σ_m ∂g_i/∂A_jm)²``: how much changing region ``j`` changes the
        importance of region ``i``. Not symmetrised, diagonal kept; the mutual sums
        ``S + Sᵀ`` and the zeroed diagonal of §4.2 are left to the caller.

    Notes
    -----
    ``Σ_m ∂g_i/∂A_jm`` is row ``i`` of the Jacobian of ``g`` with its channels summed.
    ``g`` is evaluated once; each of the ``n`` rows is one vector-Jacobian product of
    ``g`` (a second reverse pass) with the cotangent ``e_i`` for every image at once
    (images are independent, so ``Σ_b g_i`` has every image's row as its gradient).
    No ``(B, n, C, n, C)`` Hessian is formed: the peak extra memory is ``(n, B, n, C)``
    per vectorised chunk of rows.

    References
    ----------
    .. [1] Lerman, S., Venuto, C., Kautz, H., Xu, C. "Explaining Local, Global, And
       Higher-Order Interactions In Deep Learning." ICCV 2021, §4.2.

    Examples
    --------
    >>> import torch
    >>> A = torch.tensor([[[1.0, 2.0], [3.0, 1.0], [0.5, 0.5]]])  # 3 regions, 2 channels
    >>> F = lambda A: (A[:, 0] * A[:, 1]).sum(dim=1) + A[:, 2].sum(dim=1)  # x_0 · x_1
    >>> S = hessian_cam(F, A)  # g_0 = g_1 = x_0 · x_1, g_2 = Σ_m x_2m
    >>> S  # S[0, 1] = (Σ_m ∂g_0/∂x_1m)² = (Σ_m x_0m)² = 9; S[2, 2] = (Σ_m 1)² = 4
    tensor([[[16.,  9.,  0.],
             [16.,  9.,  0.],
             [ 0.,  0.,  4.]]])
    """
    A = _as_regions(A)
    chunk_size = _check_chunk_size(chunk_size)
    _check_region_output(F, A)
    n_images, n_regions, _ = A.shape
    importance = _region_importance(F, bool(local_gradients))
    with torch.no_grad():
        _, pullback = vjp(importance, A)
        # Cotangent e_i on every image: the pull-back is ∂g_i/∂A for all images at once.
        E = torch.eye(n_regions, dtype=A.dtype, device=A.device)
        E = E.unsqueeze(1).expand(n_regions, n_images, n_regions)

        def channel_summed_row(e):
            return pullback(e)[0].sum(dim=-1)  # (B, n): Σ_m ∂g_i/∂A_jm for every j

        rows = vmap(channel_summed_row, chunk_size=max(1, chunk_size // max(1, n_images)))(E)
        return rows.transpose(0, 1) ** 2


def taylor_cam_triples(
    F: Callable[[torch.Tensor], torch.Tensor],
    A: torch.Tensor,
    pairs: torch.Tensor,
    *,
    local_gradients: bool = True,
    chunk_size: int | None = None,
) -> torch.Tensor:
    """Third-order Taylor-CAM saliences: extend given region pairs by every region.

    Parameters
    ----------
    F : callable
        Maps region features ``(B, n, C)`` to one scalar per image, ``(B,)`` or
        ``(B, 1)``; images independent, three times differentiable.
    A : Tensor of shape (B, n, C)
        Region feature vectors per image.
    pairs : Tensor of shape (B, P, 2)
        Per image, ``P`` ordered region pairs ``(i, j)`` to extend (e.g. its top pairs).
    local_gradients : bool, default=True
        Importance ``g_i`` as in :func:`hessian_cam`.
    chunk_size : int, optional
        Most (image, pair) evaluations in one vectorised call. Default 8192.

    Returns
    -------
    Tensor of shape (B, P, n)
        ``T[b, p, q] = (Σ_r ∂h_ij/∂A_qr)²`` with ``h_ij = Σ_m ∂g_i/∂A_jm`` (the
        unsquared Hessian-CAM salience) and ``(i, j) = pairs[b, p]``: how much changing
        region ``q`` changes the interaction of ``j`` on the importance of ``i`` (§4.2,
        "differentiated with respect to a cross partial ∂x_q").

    Examples
    --------
    >>> import torch
    >>> A = torch.tensor([[[1.0, 2.0], [3.0, 1.0], [0.5, 0.5]]])
    >>> F = lambda A: (A[:, 0] * A[:, 1]).sum(dim=1) * A[:, 2].sum(dim=1)  # a 3-way term
    >>> # g_0 = F, h_01 = Σ_m x_0m · Σ_m x_2m; Σ_r ∂h_01/∂x_2r = 2 · Σ_m x_0m = 6
    >>> taylor_cam_triples(F, A, torch.tensor([[[0, 1]]]))
    tensor([[[ 4.,  0., 36.]]])
    """
    A = _as_regions(A)
    chunk_size = _check_chunk_size(chunk_size)
    _check_region_output(F, A)
    n_images, n_regions, _ = A.shape
    pairs = torch.as_tensor(pairs, device=A.device)
    if pairs.ndim != 3 or pairs.shape[0] != n_images or pairs.shape[2] != 2:
        raise ValueError(
            f"pairs must have shape (B, P, 2) with B={n_images}, got {tuple(pairs.shape)}."
        )
    if pairs.is_floating_point() or (
        pairs.numel() and (pairs.min() < 0 or pairs.max() >= n_regions)
    ):
        raise ValueError(f"pairs must hold region indices in [0, {n_regions - 1}].")
    importance = _region_importance(F, bool(local_gradients))
    one_hot = torch.nn.functional.one_hot(pairs.to(torch.int64), n_regions).to(A.dtype)
    E, U = one_hot[:, :, 0].transpose(0, 1), one_hot[:, :, 1].transpose(0, 1)  # (P, B, n)

    def pair_salience(A, e, u):
        # Σ_b h_{i_b j_b}(A_b): images are independent, so its gradient holds every image's.
        _, pullback = vjp(importance, A)
        return (pullback(e)[0].sum(dim=-1) * u).sum()

    def row(e, u):
        return grad(pair_salience)(A, e, u).sum(dim=-1)  # (B, n): Σ_r ∂h/∂A_qr

    with torch.no_grad():
        if pairs.shape[1] == 0:
            return A.new_zeros(n_images, 0, n_regions)
        rows = vmap(row, chunk_size=max(1, chunk_size // max(1, n_images)))(E, U)
        return rows.transpose(0, 1) ** 2
