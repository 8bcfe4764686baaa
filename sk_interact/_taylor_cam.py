"""Taylor-CAM: which image regions interact in a network's decision.

Lerman, Venuto, Kautz and Xu (ICCV 2021), §4: the feature vectors of a convolutional
layer are the regions of an image; Grad-CAM measures the importance ``g_i`` of each
region (Eq. 3), and Hessian-CAM measures how much changing region ``j`` changes the
importance of region ``i`` (Eqs. 2, 4, 5). The calculus lives in
:func:`sk_interact._derivatives.hessian_cam`; this file splits the network at the
target layer and does the bookkeeping.
"""

from __future__ import annotations

import copy
import numbers
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from torch import nn

from sk_interact._derivatives import grad_cam, hessian_cam, module_dtype, taylor_cam_triples

__all__ = ["TaylorCAMExplainer"]


def _layer_name(model: nn.Module, target_layer) -> str:
    """Dotted name of ``target_layer`` (a name or a submodule) inside ``model``."""
    names = [name for name, _ in model.named_modules() if name]
    if isinstance(target_layer, str):
        if target_layer in names:
            return target_layer
        raise ValueError(
            f"target_layer={target_layer!r} is not a submodule of the model; "
            f"available names: {names}."
        )
    for name, module in model.named_modules():
        if module is target_layer and name:
            return name
    raise ValueError(
        "target_layer must be a submodule of the model (or its dotted name); the "
        f"given {type(target_layer).__name__} is not one of them. Available names: {names}."
    )


def class_probability(logits: torch.Tensor, classes: torch.Tensor) -> torch.Tensor:
    """``softmax(logits)[b, classes[b]]``, with derivatives that stay exact when ``p → 1``.

    The softmax's backward pass forms ``1 − p``, which float32 rounds to a multiple of
    6e-8 (or to 0) once the class probability is that close to 1, so the derivatives of a
    confident prediction, all proportional to ``1 − p``, turn to noise (Hessian-CAM
    saliences were off by 50–80% at ``1 − p`` = 2e-9). Where the class has the largest
    logit, the probability is written as ``1 / (1 + Σ_{j≠k} exp(z_j − z_k))``, whose
    derivatives are products of the small terms themselves; elsewhere ``p ≤ 1/2`` and the
    softmax is accurate.

    Parameters
    ----------
    logits : Tensor of shape (B, K)
    classes : Tensor of shape (B,), int64

    Returns
    -------
    Tensor of shape (B,)
    """
    index = classes.unsqueeze(1)
    gaps = logits - logits.gather(1, index)  # all <= 0 where the class has the largest logit
    largest = (gaps <= 0).all(dim=1)
    others = torch.ones_like(logits).scatter(1, index, 0.0)
    # the clamp keeps exp finite on the other rows, whose value comes from the softmax
    stable = 1.0 / (1.0 + (torch.exp(gaps.clamp(max=0.0)) * others).sum(dim=1))
    plain = torch.softmax(logits, dim=1).gather(1, index).squeeze(1)
    return torch.where(largest, stable, plain)


def _n_flat(S: np.ndarray) -> int:
    """How many of the ``(B, n, n)`` salience matrices are zero off the diagonal."""
    if S.shape[1] < 2:
        return 0
    return int((S[:, ~np.eye(S.shape[1], dtype=bool)] == 0).all(axis=1).sum())


class TaylorCAMExplainer(BaseEstimator):
    """Interactions between image regions, by Hessian-CAM (Taylor-CAM of order 2).

    The network is split at ``target_layer``: its output holds ``n`` region feature
    vectors ``x_1, …, x_n`` of ``C`` channels (the ``H·W`` positions of a
    ``(B, C, H, W)`` feature map, or the rows of a ``(B, n, d)`` output), and ``F`` is
    the rest of the network, evaluated as a function of them. The importance of region
    ``i`` is its Grad-CAM score ``g_i = Σ_p x_ip ∂F/∂x_ip`` (local gradients, the
    variant the paper recommends) or ``g_i = Σ_p x_ip Σ_k ∂F/∂x_kp`` (Eq. 3), and the
    interaction salience of a pair is ``S_ij = (Σ_m ∂g_i/∂x_jm)²`` (Eq. 5), summed with
    ``S_ji`` (mutual pairs) and with a zeroed diagonal.

    Parameters
    ----------
    model : torch.nn.Module or skorch.NeuralNet
        A trained network, used as it is: a copy in eval mode is explained, the model
        itself is never modified. A skorch net must be initialized (trained); an
        uninitialized one is trained by ``fit(X, y)`` on a clone. The model is called
        as ``model(images)``, or ``model(**images)`` when the images are a dict (e.g.
        ``{"image": ..., "question": ...}``), and returns class scores ``(B, K)``:
        logits, log-probabilities (``log_softmax``) or probabilities (``softmax``).
    target_layer : str or torch.nn.Module
        The layer (a submodule or its dotted name, as in ``model.named_modules()``)
        whose output holds the region feature vectors.
    order : int, default=2
        Interaction order ranked by :meth:`explain`: 2 (Hessian-CAM) ranks region
        pairs; 1 ranks single regions by Grad-CAM; 3 extends each image's ``top_k``
        pairs by a third region (see Notes). Order 4 and above are not available yet.
    target : int, array-like of int or None, default=None
        Class explained: one for every image, one per image, or None for the
        predicted class of each image. The methods' ``target`` overrides it.
    output : {"proba", "logit"}, default="proba"
        Differentiate the class probability (softmax, as in the paper: with ReLU layers
        downstream of the target layer, the softmax is where the curvature comes from)
        or the class score the model returns (its logit, or its log-probability for a
        log-softmax output, or the log of a softmax output). A network that is
        piecewise linear downstream of the target layer (ReLU) has zero saliences on
        the logit scale; :meth:`saliences` then warns.
    top_k : int, default=4
        Region pairs per image in :meth:`explain`.
    mutual : bool, default=True
        Sum the mutual pairs, ``S_ij + S_ji`` (§4.2); False keeps the conditional
        saliences (``S_ij``: the influence of ``j`` on the importance of ``i``).
    zero_diagonal : bool, default=True
        Zero ``S_ii`` (a region interacting with itself).
    local_gradients : bool, default=True
        Importance from the region's own gradient (``k = i``) rather than the gradient
        summed over all regions (Eq. 3).
    batch_size : int, default=32
        Images differentiated together.

    Attributes
    ----------
    module_ : torch.nn.Module
        The explained copy of the model, in eval mode.
    layer_name_ : str
        Dotted name of the target layer in ``module_``.

    Notes
    -----
    The split uses a forward hook that replaces the target layer's output by the
    region features being differentiated, so any architecture works (a relation
    network with a question input included); the layers upstream of the target layer
    run but do not depend on the features. Each call hooks a copy of its own of the
    network's modules (the parameters are shared, not copied), so the explaining
    methods may be called from several threads at once; they draw no random numbers.
    ``F`` for the ``"proba"`` output is
    ``softmax(model(x))[target]``, which is the class probability for logits and for
    log-probabilities alike; a model whose outputs are already probabilities (rows
    non-negative, summing to 1) is used as is. A single-output model is explained with
    a sigmoid (``"proba"``) or as is (``"logit"``); its only target is 0. For the
    predicted class the probability is computed as ``1 / (1 + Σ_{j≠k} exp(z_j − z_k))``
    (``sk_interact._taylor_cam.class_probability``), so that its derivatives stay
    exact in float32 for a confident prediction, where the softmax's own ``1 − p``
    rounds to zero.

    **Order 3.** For each of an image's ``top_k`` pairs ``(i, j)`` (by the order-2
    salience) and every other region ``q``, the unsquared salience
    ``h_ij = Σ_m ∂g_i/∂x_jm`` is differentiated once more:
    ``T_ijq = (Σ_r ∂h_ij/∂x_qr)²`` (:func:`~sk_interact._derivatives.taylor_cam_triples`),
    plus ``T_jiq`` when ``mutual``. A triple reached from several pairs keeps its
    largest salience; the ``top_k`` triples are reported. :meth:`saliences` stays the
    order-2 matrix that picks the pairs.

    Images are not checked by ``validate_data``: they are tensors of any rank or dicts
    of tensors, checked by running the model on them.

    References
    ----------
    .. [1] Lerman, S., Venuto, C., Kautz, H., Xu, C. "Explaining Local, Global, And
       Higher-Order Interactions In Deep Learning." ICCV 2021.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from sk_interact._taylor_cam import TaylorCAMExplainer
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> model = nn.Sequential(nn.Conv2d(3, 4, 2, stride=2), nn.Tanh(), nn.Flatten(),
    ...                       nn.Linear(4 * 4 * 4, 10), nn.Tanh(), nn.Linear(10, 3))
    >>> images = torch.randn(2, 3, 8, 8)
    >>> cam = TaylorCAMExplainer(model=model, target_layer="1", top_k=2).fit(images)
    >>> cam.saliences(images).shape
    (2, 16, 16)
    >>> cam.explain(images).columns.tolist()
    ['image', 'regions', 'salience', 'rank', 'box_0', 'box_1']
    """

    _parameter_constraints: dict = {
        "model": [NeuralNet, nn.Module],
        "target_layer": [str, nn.Module],
        "order": [Interval(numbers.Integral, 1, None, closed="left")],
        "target": "no_validation",
        "output": [StrOptions({"proba", "logit"})],
        "top_k": [Interval(numbers.Integral, 1, None, closed="left")],
        "mutual": ["boolean"],
        "zero_diagonal": ["boolean"],
        "local_gradients": ["boolean"],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        model,
        target_layer,
        order=2,
        target=None,
        output="proba",
        top_k=4,
        mutual=True,
        zero_diagonal=True,
        local_gradients=True,
        batch_size=32,
    ):
        self.model = model
        self.target_layer = target_layer
        self.order = order
        self.target = target
        self.output = output
        self.top_k = top_k
        self.mutual = mutual
        self.zero_diagonal = zero_diagonal
        self.local_gradients = local_gradients
        self.batch_size = batch_size

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = True
        tags.target_tags.required = False
        return tags

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X=None, y=None):
        """Check the model and the target layer; train an uninitialized skorch net.

        Parameters
        ----------
        X : Tensor, ndarray or dict of them, optional
            Images (``(B, ...)`` as the model takes them). When given, the model is
            run on them to check that they fit it and that the target layer's output
            has regions. An uninitialized skorch net is trained on ``(X, y)``.
        y : array-like, optional
            Labels, only to train an uninitialized skorch net.

        Returns
        -------
        self : TaylorCAMExplainer
        """
        if self.order > 3:
            raise ValueError(
                f"order={self.order} is not available yet; use order=3 (triples), "
                "order=2 (Hessian-CAM) or order=1 (Grad-CAM)."
            )
        model = self.model
        if isinstance(model, NeuralNet):
            if not getattr(model, "initialized_", False):
                if X is None or y is None:
                    raise ValueError(
                        "model is an uninitialized skorch net: pass a trained net, or "
                        "fit(X, y) with images and labels to train a clone of it first."
                    )
                from sklearn.base import clone

                model = clone(model).fit(X, y)
            module = model.module_
        else:
            module = model
        if next(module.parameters(), None) is None:
            raise ValueError("model has no parameters; pass a trained network.")
        name = _layer_name(module, self.target_layer)
        self.module_ = copy.deepcopy(module).eval()
        for parameter in self.module_.parameters():
            parameter.requires_grad_(False)
        self.layer_name_ = name
        if X is not None:
            inputs = self._inputs(X)
            self._probe(inputs)
        return self

    # ------------------------------------------------------------------ plumbing
    def _inputs(self, images):
        """Images as tensors on the module's device and dtype (dicts keep their keys)."""
        first = next(self.module_.parameters())
        dtype = module_dtype(self.module_)

        def convert(value, key):
            where = f"images[{key!r}]" if key is not None else "images"
            if sp.issparse(value) or (isinstance(value, torch.Tensor) and value.is_sparse):
                raise TypeError(
                    f"{where} is sparse; sparse input is not supported: pass a dense "
                    "array or tensor (e.g. X.toarray())."
                )
            if isinstance(value, np.ndarray | list | tuple):
                # a copy: torch refuses to share read-only arrays (memory maps) safely
                array = np.array(value)
                if array.dtype.kind == "O":
                    # numbers held as objects (pandas does this); anything else raises
                    array = array.astype(np.float64)
                if array.dtype.kind not in "biuf":
                    kind = "Complex data" if array.dtype.kind == "c" else "dtype"
                    raise ValueError(
                        f"{where} must be numeric; {kind} not supported (got dtype "
                        f"{array.dtype}). Convert the images to float arrays."
                    )
                value = torch.as_tensor(array)
            if not isinstance(value, torch.Tensor):
                raise TypeError(
                    f"{where} must be a torch.Tensor or numpy array, got {type(value).__name__}."
                )
            if value.is_complex():
                raise ValueError(f"{where}: Complex data not supported; pass real values.")
            if value.is_floating_point():
                value = value.to(dtype)
                if not torch.isfinite(value).all():
                    raise ValueError(
                        f"{where}: Input contains NaN or infinity; explanations need finite inputs."
                    )
            if value.ndim == 0:
                raise ValueError(f"{where} must have a leading batch dimension.")
            if len(value) == 0:
                raise ValueError(f"{where} has 0 sample(s); pass at least one image.")
            if value.ndim > 1 and value.shape[1] == 0:
                raise ValueError(
                    f"{where} has 0 feature(s) (shape={tuple(value.shape)}) while a "
                    "minimum of 1 is required; pass images with channels."
                )
            return value.detach().to(first.device)

        # a DOK sparse matrix is a Mapping: refuse sparse input before looking for keys
        if isinstance(images, Mapping) and not sp.issparse(images):
            if not images:
                raise ValueError("images is an empty dict; pass the model's inputs.")
            inputs = {key: convert(value, key) for key, value in images.items()}
            sizes = {key: len(value) for key, value in inputs.items()}
            if len(set(sizes.values())) != 1:
                raise ValueError(f"the inputs in images differ in batch size: {sizes}.")
            return inputs
        return convert(images, None)

    @staticmethod
    def _n_images(inputs) -> int:
        if isinstance(inputs, dict):
            return len(next(iter(inputs.values())))
        return len(inputs)

    @staticmethod
    def _slice(inputs, rows):
        if isinstance(inputs, dict):
            return {key: value[rows] for key, value in inputs.items()}
        return inputs[rows]

    @staticmethod
    def _forward(module: nn.Module, inputs):
        return module(**inputs) if isinstance(inputs, dict) else module(inputs)

    def _call_module(self) -> nn.Module:
        """A copy of ``module_`` for one call, sharing its parameters and buffers.

        The split hooks the target layer; hooks on the shared ``module_`` would fire in
        every thread's forward pass, so concurrent calls would read (and replace) each
        other's region features. Only the modules are copied, not the tensors.
        """
        shared = {}
        for module in self.module_.modules():
            for value in (*module.parameters(recurse=False), *module.buffers(recurse=False)):
                shared[id(value)] = value
            for value in vars(module).values():
                if isinstance(value, torch.Tensor):
                    shared[id(value)] = value
        return copy.deepcopy(self.module_, memo=shared)

    def _probe(self, inputs, module: nn.Module | None = None):
        """Run the model; return its scores ``(B, K)`` and the layer output.

        ``module`` is this call's copy of ``module_`` (see ``_call_module``); None
        makes one.
        """
        module = self._call_module() if module is None else module
        captured = []
        layer = module.get_submodule(self.layer_name_)
        handle = layer.register_forward_hook(lambda m, i, o: captured.append(o))
        try:
            with torch.no_grad():
                out = self._forward(module, inputs)
        except (RuntimeError, ValueError, IndexError, TypeError) as error:
            raise ValueError(
                f"the model could not run on the images (check their channels, size and "
                f"keys): {error}"
            ) from error
        finally:
            handle.remove()
        if not captured:
            raise ValueError(f"target_layer {self.layer_name_!r} was not called by the model.")
        layer_out = captured[-1]
        if not isinstance(layer_out, torch.Tensor) or layer_out.ndim not in (3, 4):
            shape = tuple(layer_out.shape) if isinstance(layer_out, torch.Tensor) else None
            raise ValueError(
                f"target_layer {self.layer_name_!r} must output (B, C, H, W) or (B, n, d) "
                f"region features, got {shape or type(layer_out).__name__}; choose a "
                "convolutional layer or one whose output is a set of feature vectors."
            )
        if not isinstance(out, torch.Tensor) or out.ndim not in (1, 2):
            raise ValueError("the model must return class scores of shape (B, K) or (B,).")
        return out.reshape(len(out), -1), layer_out

    def _scores(self, out: torch.Tensor, is_proba: bool) -> torch.Tensor:
        """Class scores ``(B, K)`` on the scale of ``output``."""
        if out.shape[1] == 1:
            return torch.sigmoid(out) if self.output == "proba" else out
        if self.output == "proba":
            return out if is_proba else torch.softmax(out, dim=1)
        return torch.log(out) if is_proba else out

    def _targets(self, target, scores: torch.Tensor) -> torch.Tensor:
        n_images, n_classes = scores.shape
        target = self.target if target is None else target
        if target is None:
            return scores.argmax(dim=1)
        values = np.asarray(target)
        if values.ndim == 0:
            values = np.full(n_images, values)
        if values.shape != (n_images,) or not (
            np.issubdtype(values.dtype, np.integer) or values.dtype == bool
        ):
            raise ValueError(
                f"target must be a class index or {n_images} class indices (one per "
                f"image), got {target!r}."
            )
        if values.min() < 0 or values.max() >= n_classes:
            raise ValueError(
                f"target must lie in [0, {n_classes - 1}] for a model with {n_classes} "
                f"outputs, got {target!r}."
            )
        return torch.as_tensor(values.astype(np.int64), device=scores.device)

    def _split(self, inputs, target):
        """Yield ``(rows, F, A, layer_shape)`` per batch: ``F(A)`` is the target score.

        Every call hooks a copy of its own (``_call_module``), so that calls from
        several threads never see each other's hooks.
        """
        module = self._call_module()
        layer = module.get_submodule(self.layer_name_)
        for start in range(0, self._n_images(inputs), self.batch_size):
            rows = slice(start, start + self.batch_size)
            batch = self._slice(inputs, rows)
            out, layer_out = self._probe(batch, module)
            is_proba = bool(
                out.shape[1] > 1
                and (out >= 0).all()
                and torch.allclose(out.sum(dim=1), out.new_ones(len(out)), atol=1e-5)
            )
            classes = self._targets(
                target[rows] if isinstance(target, np.ndarray | list | tuple) else target,
                self._scores(out, is_proba),
            )
            shape = layer_out.shape
            A = layer_out.flatten(2).transpose(1, 2) if layer_out.ndim == 4 else layer_out

            def F(A, batch=batch, classes=classes, shape=shape, is_proba=is_proba):
                Z = A.transpose(1, 2).reshape(shape) if len(shape) == 4 else A
                handle = layer.register_forward_hook(lambda m, i, o: Z)
                try:
                    out = self._forward(module, batch)
                finally:
                    handle.remove()
                out = out.reshape(len(out), -1)
                if self.output == "proba" and out.shape[1] > 1 and not is_proba:
                    return class_probability(out, classes)
                scores = self._scores(out, is_proba)
                return scores.gather(1, classes.unsqueeze(1)).squeeze(1)

            yield rows, F, A.detach(), shape

    def _check_target_length(self, target, inputs):
        target = self.target if target is None else target
        n_images = self._n_images(inputs)
        if isinstance(target, np.ndarray | list | tuple) and len(target) != n_images:
            raise ValueError(
                f"target has {len(target)} entries for {n_images} images; pass one class "
                "per image, one class for all, or None."
            )
        return np.asarray(target) if isinstance(target, list | tuple) else target

    # ------------------------------------------------------------------ public API
    def saliences(self, images, target=None) -> np.ndarray:
        """Hessian-CAM interaction saliences between all pairs of regions.

        Parameters
        ----------
        images : Tensor, ndarray or dict of them
            A batch of ``B`` model inputs.
        target : int, array-like of int or None, default=None
            Class to explain (overrides the ``target`` parameter); None: the
            parameter, or the predicted class.

        Returns
        -------
        ndarray of shape (B, n, n)
            ``S_ij + S_ji`` when ``mutual`` (else ``S_ij``), ``0`` on the diagonal when
            ``zero_diagonal``; ``n`` regions in row-major order of the layer's grid.
        """
        check_is_fitted(self, "module_")
        inputs = self._inputs(images)
        target = self._check_target_length(target, inputs)
        blocks = []
        for _, F, A, _ in self._split(inputs, target):
            S = hessian_cam(F, A, local_gradients=self.local_gradients)
            if self.mutual:
                S = S + S.transpose(1, 2)
            if self.zero_diagonal:
                S = S * (1 - torch.eye(S.shape[1], dtype=S.dtype, device=S.device))
            blocks.append(S.cpu().numpy())
        S = np.concatenate(blocks)
        self._warn_if_flat(_n_flat(S), len(S))
        return S

    def _warn_if_flat(self, n_flat: int, n_images: int) -> None:
        """Warn that ``n_flat`` images have no interaction salience at all."""
        if n_flat:
            warnings.warn(
                f"the Hessian-CAM saliences of {n_flat} of {n_images} images are all "
                "zero, so their region pairs are tied and any order of them is "
                "arbitrary: the network is piecewise linear downstream of target_layer "
                f"(e.g. ReLU layers) on the output={self.output!r} scale. Use "
                "output='proba', whose softmax adds the curvature, or smooth activations "
                "such as GELU.",
                UserWarning,
                stacklevel=3,
            )

    def grad_cam(self, images, target=None) -> np.ndarray:
        """Grad-CAM importance of every region (Eq. 3; Taylor-CAM of order 1).

        Parameters
        ----------
        images : Tensor, ndarray or dict of them
        target : int, array-like of int or None, default=None

        Returns
        -------
        ndarray of shape (B, n)
            ``Σ_p x_ip Σ_k ∂F/∂x_kp`` per region, as Eq. 3 writes it (always the global
            sum over regions, whatever ``local_gradients``; no ReLU: Selvaraju et al.'s
            map is ``ReLU`` of this divided by ``n``).
        """
        check_is_fitted(self, "module_")
        inputs = self._inputs(images)
        target = self._check_target_length(target, inputs)
        return np.concatenate(
            [grad_cam(F, A).cpu().numpy() for _, F, A, _ in self._split(inputs, target)]
        )

    def _grid(self, inputs):
        """``(H_in, W_in, H, W)`` or None when boxes cannot be drawn."""
        _, layer_out = self._probe(self._slice(inputs, slice(0, 1)))
        if layer_out.ndim != 4:
            return None
        values = inputs.values() if isinstance(inputs, dict) else [inputs]
        image = next((v for v in values if v.ndim == 4), None)
        if image is None:
            return None
        return (*image.shape[-2:], *layer_out.shape[-2:])

    @staticmethod
    def _box(region: int, grid) -> tuple[float, float, float, float] | None:
        if grid is None:
            return None
        H_in, W_in, H, W = grid
        row, col = divmod(int(region), W)
        return (col * W_in / W, row * H_in / H, (col + 1) * W_in / W, (row + 1) * H_in / H)

    def explain(self, images, target=None) -> pd.DataFrame:
        """The top ``top_k`` region pairs of every image.

        Parameters
        ----------
        images : Tensor, ndarray or dict of them
        target : int, array-like of int or None, default=None

        Returns
        -------
        DataFrame
            One row per (image, pair), by image then rank: ``image``, ``regions``
            (tuple of region indices, ascending when ``mutual``; else ``(i, j)`` for
            ``S_ij``), ``salience``, ``rank`` (1 = strongest), and ``box_0``, ``box_1``:
            each region's ``(x0, y0, x1, y1)`` in input pixels (``x1``, ``y1``
            exclusive), from the layer's ``H × W`` grid and the input's size (region
            ``r`` is grid cell ``(r // W, r % W)``); None when the layer output is
            ``(B, n, d)`` or no input is a ``(B, C, H, W)`` image. The diagonal is
            never ranked.
        """
        check_is_fitted(self, "module_")
        grid = self._grid(self._inputs(images))
        if self.order == 1:
            return self._explain_regions(self.grad_cam(images, target=target), grid)
        if self.order == 3:
            return self._explain_triples(images, target, grid)
        S = self.saliences(images, target=target)
        n_regions = S.shape[1]
        i, j = (
            np.triu_indices(n_regions, 1)
            if self.mutual
            else np.nonzero(~np.eye(n_regions, dtype=bool))
        )
        rows = []
        for b, S_b in enumerate(S):
            values = S_b[i, j]
            order = np.argsort(-values, kind="stable")[: self.top_k]
            for rank, p in enumerate(order, start=1):
                pair = (int(i[p]), int(j[p]))
                rows.append(
                    {
                        "image": b,
                        "regions": pair,
                        "salience": float(values[p]),
                        "rank": rank,
                        "box_0": self._box(pair[0], grid),
                        "box_1": self._box(pair[1], grid),
                    }
                )
        columns = ["image", "regions", "salience", "rank", "box_0", "box_1"]
        return pd.DataFrame(rows, columns=columns)

    def _explain_triples(self, images, target, grid) -> pd.DataFrame:
        """Order 3: the ``top_k`` triples grown from every image's ``top_k`` pairs."""
        check_is_fitted(self, "module_")
        inputs = self._inputs(images)
        target = self._check_target_length(target, inputs)
        rows, n_flat, n_images = [], 0, 0
        for batch_rows, F, A, _ in self._split(inputs, target):
            S = hessian_cam(F, A, local_gradients=self.local_gradients)
            n_flat += _n_flat(S.detach().cpu().numpy())
            n_images += len(S)
            n_regions = S.shape[1]
            M = S + S.transpose(1, 2) if self.mutual else S
            M = M * (1 - torch.eye(n_regions, dtype=M.dtype, device=M.device))
            if self.mutual:
                M = torch.triu(M, diagonal=1) - torch.tril(torch.ones_like(M))
            else:
                M = M - torch.eye(n_regions, dtype=M.dtype, device=M.device)
            k = min(self.top_k, n_regions * (n_regions - 1) // (2 if self.mutual else 1))
            flat = M.flatten(1).topk(k, dim=1).indices  # (B, k)
            pairs = torch.stack([flat // n_regions, flat % n_regions], dim=-1)
            T = taylor_cam_triples(F, A, pairs, local_gradients=self.local_gradients)
            if self.mutual:
                T = T + taylor_cam_triples(
                    F, A, pairs.flip(-1), local_gradients=self.local_gradients
                )
            T, pairs = T.cpu().numpy(), pairs.cpu().numpy()
            for offset, (T_b, pairs_b) in enumerate(zip(T, pairs, strict=True)):
                best: dict[tuple[int, ...], float] = {}
                for (i, j), values in zip(pairs_b.tolist(), T_b, strict=True):
                    for q in range(n_regions):
                        if q in (i, j):
                            continue
                        key = tuple(sorted((i, j, q))) if self.mutual else (i, j, q)
                        best[key] = max(best.get(key, -np.inf), float(values[q]))
                ranked = sorted(best.items(), key=lambda item: -item[1])[: self.top_k]
                for rank, (regions, value) in enumerate(ranked, start=1):
                    row = {
                        "image": batch_rows.start + offset,
                        "regions": regions,
                        "salience": value,
                        "rank": rank,
                    }
                    row.update({f"box_{m}": self._box(r, grid) for m, r in enumerate(regions)})
                    rows.append(row)
        self._warn_if_flat(n_flat, n_images)
        columns = ["image", "regions", "salience", "rank", "box_0", "box_1", "box_2"]
        return pd.DataFrame(rows, columns=columns)

    def _explain_regions(self, importance: np.ndarray, grid) -> pd.DataFrame:
        """Order 1: the ``top_k`` regions of every image by Grad-CAM importance."""
        rows = []
        for b, values in enumerate(importance):
            for rank, r in enumerate(np.argsort(-values, kind="stable")[: self.top_k], 1):
                rows.append(
                    {
                        "image": b,
                        "regions": (int(r),),
                        "salience": float(values[r]),
                        "rank": rank,
                        "box_0": self._box(r, grid),
                    }
                )
        return pd.DataFrame(rows, columns=["image", "regions", "salience", "rank", "box_0"])

    def score(self, images, y) -> float:
        """Top-1 hit rate of the strongest region pair against annotated regions.

        Parameters
        ----------
        images : Tensor, ndarray or dict of them
        y : sequence of length B
            Per image, either a collection of region indices (the regions of the
            annotated objects: a hit when both regions of the top pair are in it) or a
            collection of collections, one set of region indices per annotated object
            (a hit when the top pair's regions fall in two different objects, as in
            the protocol of §5.3).

        Returns
        -------
        float
            Share of images whose top pair is a hit. With ``order=1`` the two most
            important Grad-CAM regions form the pair (the paper's Grad-CAM*).
        """
        check_is_fitted(self, "module_")
        if self.order > 2:
            raise ValueError(
                f"score compares region pairs; it needs order=2 (or 1), got order={self.order}."
            )
        ranking = self.explain(images)
        if self.order == 1:
            # Grad-CAM* of §5.3: the two most important regions stand for the pair.
            if self.top_k < 2:
                raise ValueError("score with order=1 needs top_k >= 2 (Grad-CAM*'s top-2).")
            top = (
                ranking[ranking["rank"] <= 2]
                .groupby("image")["regions"]
                .apply(lambda regions: regions.iloc[0] + regions.iloc[-1])
            )
        else:
            top = ranking[ranking["rank"] == 1].set_index("image")["regions"]
        n_images = len(top)
        if len(y) != n_images:
            raise ValueError(f"y has {len(y)} annotations for {n_images} images.")
        hits = 0
        for b, annotation in enumerate(y):
            a, c = top.iloc[b]
            items = list(annotation)
            if items and all(isinstance(item, numbers.Integral) for item in items):
                hits += a in items and c in items
            else:
                objects = [set(int(r) for r in obj) for obj in items]
                hits += any(
                    a in first and c in second
                    for k, first in enumerate(objects)
                    for m, second in enumerate(objects)
                    if k != m
                )
        return hits / n_images
