"""Network modules: the MLPs the estimators train, and fixed input/output scalings.

Factories are kept apart from training (:mod:`sk_interact._training`), so a module can
be built, inspected and differentiated without skorch.
"""

from __future__ import annotations

import copy
import itertools
import math
import numbers
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "PIECEWISE_LINEAR",
    "ClassOutput",
    "ElementwiseAffine",
    "EnsembleMLP",
    "RegressionOutput",
    "RelationNetwork",
    "StandardizedNetwork",
    "check_hidden_layer_sizes",
    "piecewise_linear_layers",
    "softplus_copy",
    "sort_of_clevr_inputs",
]

#: Activations by name. GELU, softplus, tanh and sigmoid are smooth, so every mixed
#: partial exists; ReLU networks have a zero Hessian almost everywhere.
ACTIVATIONS: dict[str, type[nn.Module]] = {
    "gelu": nn.GELU,
    "relu": nn.ReLU,
    "softplus": nn.Softplus,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
}


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return value


def check_hidden_layer_sizes(hidden_layer_sizes) -> tuple[int, ...]:
    """Return the widths as a tuple, or raise a ValueError naming the parameter."""
    if isinstance(hidden_layer_sizes, int | str) or not all(
        isinstance(h, numbers.Integral) and not isinstance(h, bool) and h >= 1
        for h in hidden_layer_sizes
    ):
        raise ValueError(
            "hidden_layer_sizes must be a sequence of positive integers such as "
            f"(140, 100, 60, 20), got {hidden_layer_sizes!r}."
        )
    return tuple(int(h) for h in hidden_layer_sizes)


def _check_architecture(n_features, hidden_layer_sizes, activation, n_outputs) -> tuple:
    """Validate an MLP's arguments; return the hidden widths as a tuple."""
    _positive_int(n_features, "n_features")
    _positive_int(n_outputs, "n_outputs")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}.")
    return check_hidden_layer_sizes(hidden_layer_sizes)


class MLP(nn.Sequential):
    """Fully connected network ``Linear → activation → … → Linear``.

    A plain ``nn.Sequential``, so the derivative kernels can fold its first linear layer
    into the directions they differentiate along.

    Parameters
    ----------
    n_features : int
        Input dimension ``d``.
    hidden_layer_sizes : sequence of int, default=(140, 100, 60, 20)
        Widths of the hidden layers (the T-NID paper's architecture by default).
    activation : {"gelu", "relu", "softplus", "tanh", "sigmoid"}, default="gelu"
        Non-linearity after every hidden layer.
    n_outputs : int, default=1
        Output dimension: 1 for regression or a binary logit, the number of classes for
        multi-class logits.

    Examples
    --------
    >>> import torch
    >>> mlp = MLP(3, hidden_layer_sizes=(8, 4), activation="tanh", n_outputs=2)
    >>> mlp(torch.zeros(5, 3)).shape
    torch.Size([5, 2])
    >>> [type(layer).__name__ for layer in mlp]
    ['Linear', 'Tanh', 'Linear', 'Tanh', 'Linear']
    """

    def __init__(
        self,
        n_features: int,
        hidden_layer_sizes: Sequence[int] = (140, 100, 60, 20),
        activation: str = "gelu",
        n_outputs: int = 1,
    ):
        hidden_layer_sizes = _check_architecture(
            n_features, hidden_layer_sizes, activation, n_outputs
        )
        layers: list[nn.Module] = []
        width = n_features
        for size in hidden_layer_sizes:
            layers += [nn.Linear(width, size), ACTIVATIONS[activation]()]
            width = size
        layers.append(nn.Linear(width, n_outputs))
        super().__init__(*layers)
        self.n_features = n_features
        self.hidden_layer_sizes = tuple(hidden_layer_sizes)
        self.activation = activation
        self.n_outputs = n_outputs


class EnsembleMLP(nn.Module):
    """``n_members`` independent MLPs of one architecture, evaluated as one module.

    Layer ``l`` of every member is one ``(n_members, in, out)`` weight, applied with a
    batched matrix product, so training the ensemble costs one forward and backward
    pass per mini-batch instead of ``n_members``. Members share nothing but the data
    they see; :meth:`members` returns them as ordinary :class:`MLP` modules.

    Parameters
    ----------
    n_features, hidden_layer_sizes, activation, n_outputs
        As for :class:`MLP`.
    n_members : int, default=10
        Number of networks.

    Examples
    --------
    >>> import torch
    >>> ensemble = EnsembleMLP(3, (8,), n_members=4)
    >>> ensemble(torch.zeros(5, 3)).shape  # (n, n_members × n_outputs)
    torch.Size([5, 4])
    >>> members = ensemble.members()
    >>> torch.allclose(members[2](torch.ones(1, 3)), ensemble(torch.ones(1, 3))[:, 2:3])
    True
    """

    def __init__(
        self,
        n_features: int,
        hidden_layer_sizes: Sequence[int] = (140, 100, 60, 20),
        activation: str = "gelu",
        n_outputs: int = 1,
        n_members: int = 10,
    ):
        super().__init__()
        hidden = _check_architecture(n_features, hidden_layer_sizes, activation, n_outputs)
        _positive_int(n_members, "n_members")
        self.n_features, self.hidden_layer_sizes = n_features, hidden
        self.activation, self.n_outputs, self.n_members = activation, n_outputs, n_members
        widths = [n_features, *hidden, n_outputs]
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for fan_in, fan_out in itertools.pairwise(widths):
            # nn.Linear's default initialisation, drawn for every member at once
            bound = 1 / math.sqrt(fan_in)
            self.weights.append(nn.Parameter(torch.empty(n_members, fan_in, fan_out)))
            self.biases.append(nn.Parameter(torch.empty(n_members, 1, fan_out)))
            nn.init.uniform_(self.weights[-1], -bound, bound)
            nn.init.uniform_(self.biases[-1], -bound, bound)
        self.act = ACTIVATIONS[activation]()

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        h = X.unsqueeze(0).expand(self.n_members, *X.shape)
        last = len(self.weights) - 1
        for layer, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            h = torch.baddbmm(bias, h, weight)
            if layer < last:
                h = self.act(h)
        # (members, n, outputs) -> (n, members × outputs), member-major
        return h.permute(1, 0, 2).reshape(X.shape[0], -1)

    def members(self) -> list[MLP]:
        """The members as independent :class:`MLP` modules (copies of the weights)."""
        out = []
        for e in range(self.n_members):
            mlp = MLP(self.n_features, self.hidden_layer_sizes, self.activation, self.n_outputs)
            linears = [m for m in mlp if isinstance(m, nn.Linear)]
            with torch.no_grad():
                for linear, weight, bias in zip(linears, self.weights, self.biases):
                    linear.weight.copy_(weight[e].T)
                    linear.bias.copy_(bias[e, 0])
            out.append(mlp.to(self.weights[0].dtype).to(self.weights[0].device))
        return out


class ElementwiseAffine(nn.Module):
    """Fixed ``x ↦ x · scale + shift`` per feature; not trained.

    Parameters
    ----------
    scale, shift : Tensor of shape (d,)
        Stored as buffers, so they move with the module and are saved with it, but no
        optimizer sees them.

    Examples
    --------
    >>> import torch
    >>> affine = ElementwiseAffine(torch.tensor([2.0, 0.5]), torch.tensor([1.0, 0.0]))
    >>> affine(torch.tensor([[1.0, 4.0]]))
    tensor([[3., 2.]])
    """

    def __init__(self, scale: torch.Tensor, shift: torch.Tensor):
        super().__init__()
        self.register_buffer("scale", torch.as_tensor(scale).clone())
        self.register_buffer("shift", torch.as_tensor(shift).clone())

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return X * self.scale + self.shift

    def affine_parts(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The map as a dense ``(d, d)`` weight and ``(d,)`` bias (for the kernels)."""
        return torch.diag(self.scale), self.shift


class StandardizedNetwork(nn.Sequential):
    """``standardize → network → unstandardize``: a network trained in standard units.

    The wrapped ``network`` sees standardized features ``z = (x − mean) / std`` and, for
    regression, predicts the standardized target; the outer layers make the whole
    module map raw features to raw predictions. Derivatives of ``network`` are those
    with respect to standardized inputs (scale-free, as T-NID ranks them); derivatives
    of the whole module are in raw units.

    Parameters
    ----------
    network : nn.Module
        The trainable part.
    x_mean, x_scale : Tensor of shape (d,)
        Feature means and standard deviations (zero deviations replaced by 1).
    y_mean, y_scale : Tensor of shape (m,), optional
        Target means and standard deviations; None leaves the output as it is (logits).
    """

    def __init__(self, network, x_mean, x_scale, y_mean=None, y_scale=None):
        x_mean, x_scale = torch.as_tensor(x_mean), torch.as_tensor(x_scale)
        layers = OrderedDict(
            standardize=ElementwiseAffine(1.0 / x_scale, -x_mean / x_scale),
            network=network,
        )
        if y_mean is not None:
            layers["unstandardize"] = ElementwiseAffine(
                torch.as_tensor(y_scale), torch.as_tensor(y_mean)
            )
        super().__init__(layers)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        # Accept float64 arrays from numpy (skorch passes them through unchanged).
        return super().forward(X.to(self.standardize.scale.dtype))

    def with_network(self, network: nn.Module, outputs: slice | None = None):
        """The same scalings around another network (optionally some output columns).

        Used to split a trained :class:`EnsembleMLP` into its members.
        """
        layers = OrderedDict(standardize=copy.deepcopy(self.standardize), network=network)
        if "unstandardize" in self._modules:
            columns = slice(None) if outputs is None else outputs
            layers["unstandardize"] = ElementwiseAffine(
                self.unstandardize.scale[columns], self.unstandardize.shift[columns]
            )
        new = StandardizedNetwork.__new__(StandardizedNetwork)
        nn.Sequential.__init__(new, layers)
        return new


class ClassOutput(nn.Module):
    """Class ``c``'s log-odds ``log p_c / (1 − p_c)`` or probability, from a module's output.

    Placed after a classifier (``Sequential(classifier, ClassOutput(c, ...))``) it turns
    the classifier's output into the scalar function an estimator differentiates. The
    output is class logits, probabilities (``from_probabilities``, as skorch's default
    ``NLLLoss`` classifier expects), or one column (or a 1-D output): a binary log-odds.

    Parameters
    ----------
    c : int
        Class position.
    output : {"logit", "proba"}
        The log-odds of class ``c`` or its probability.
    from_probabilities : bool, default=False
        Whether the classifier outputs probabilities rather than logits.

    Examples
    --------
    >>> import torch
    >>> head = ClassOutput(1, "proba")
    >>> head(torch.tensor([[0.0], [2.0]]))
    tensor([0.5000, 0.8808])
    >>> ClassOutput(0, "logit")(torch.tensor([[0.0, 1.0, 1.0]]))  # log(e^0 / (e^1 + e^1))
    tensor([-1.6931])
    """

    def __init__(self, c: int, output: str, from_probabilities: bool = False):
        super().__init__()
        self.c, self.output, self.from_probabilities = c, output, from_probabilities

    def forward(self, out: torch.Tensor) -> torch.Tensor:
        if out.ndim == 1:
            out = out.unsqueeze(-1)
        if out.shape[-1] == 1:
            z = torch.logit(out[..., 0], eps=1e-7) if self.from_probabilities else out[..., 0]
            log_odds = z if self.c == 1 else -z
            return log_odds if self.output == "logit" else torch.sigmoid(log_odds)
        # log p differs from the logits by a shared shift, which the log-odds cancel
        logits = torch.log(out.clamp_min(1e-30)) if self.from_probabilities else out
        if self.output == "proba":
            return torch.softmax(logits, dim=-1)[..., self.c]
        others = torch.cat([logits[..., : self.c], logits[..., self.c + 1 :]], dim=-1)
        return logits[..., self.c] - torch.logsumexp(others, dim=-1)


class RegressionOutput(nn.Module):
    """The first output column divided by ``y_scale`` (the target's standard deviation).

    Examples
    --------
    >>> import torch
    >>> RegressionOutput(2.0)(torch.tensor([[4.0, 1.0], [1.0, 0.0]]))
    tensor([2.0000, 0.5000])
    """

    def __init__(self, y_scale: float):
        super().__init__()
        self.y_scale = float(y_scale)

    def forward(self, out: torch.Tensor) -> torch.Tensor:
        return out.reshape(len(out), -1)[:, 0] / self.y_scale


#: Activation modules that make a network piecewise linear (zero Hessian almost everywhere).
PIECEWISE_LINEAR = (nn.ReLU, nn.LeakyReLU, nn.ReLU6, nn.PReLU, nn.Hardtanh)


def piecewise_linear_layers(module: nn.Module) -> list[str]:
    """Names of the submodules of ``module`` that are piecewise-linear activations.

    Examples
    --------
    >>> piecewise_linear_layers(MLP(3, (4, 4), activation="relu"))
    ['1', '3']
    >>> piecewise_linear_layers(MLP(3, (4,), activation="gelu"))
    []
    """
    return [name for name, m in module.named_modules() if isinstance(m, PIECEWISE_LINEAR)]


def softplus_copy(module: nn.Module, beta: float) -> tuple[nn.Module, int]:
    """A copy of ``module`` in which every ``nn.ReLU`` is ``nn.Softplus(beta)``.

    ``softplus(x) = log(1 + e^(βx)) / β`` tends to ``relu(x)`` as ``β → ∞``; the copy is
    smooth, so its exact Hessian exists (the swap of Janizek et al., 2021). The
    original module is not touched.

    Parameters
    ----------
    module : nn.Module
    beta : float
        Sharpness of the softplus.

    Returns
    -------
    copy : nn.Module
    n_replaced : int
        How many ``nn.ReLU`` modules were swapped (ReLUs applied as functions inside
        ``forward`` cannot be swapped).

    Examples
    --------
    >>> smooth, n = softplus_copy(MLP(3, (4, 4), activation="relu"), beta=10.0)
    >>> n, type(smooth[1]).__name__
    (2, 'Softplus')
    """
    smooth = copy.deepcopy(module)
    replaced = 0
    for parent in smooth.modules():
        for name, child in parent.named_children():
            if isinstance(child, nn.ReLU):
                setattr(parent, name, nn.Softplus(beta=beta))
                replaced += 1
    return smooth, replaced


#: Activations a :class:`RelationNetwork` accepts.
_RELATION_ACTIVATIONS = ("gelu", "relu", "softplus")


class RelationNetwork(nn.Module):
    """Relation Network for Sort-of-CLEVR: a CNN, then ``g`` over all region pairs, then ``f``.

    The architecture of Santoro et al. (2017) as the reference implementation builds it:

    1. ``cnn``: 4 × [Conv2d(3×3, stride 2, padding 1) → activation → BatchNorm2d], taking
       a ``(B, 3, 75, 75)`` image to a ``(B, channels, 5, 5)`` feature map whose 25 cells
       are the "objects" (regions, row-major);
    2. each object gets its cell's coordinates ``((row − 2) / 2, (col − 2) / 2)`` on the
       grid {−1, −0.5, 0, 0.5, 1}² (``channels + 2`` dims);
    3. ``g`` maps every ordered pair ``[o_i, o_j, q]`` (all n², self-pairs included) with
       ``g_layers`` Linear layers of ``g_width`` units, each followed by the activation,
       and the outputs are summed over the pairs;
    4. ``f``: Linear → act → Linear → act → Dropout(0.5) → Linear, returning logits over
       the ``n_answers`` classes (train with ``nn.CrossEntropyLoss``).

    ``target_layer="cnn"`` is the region layer for Taylor-CAM: the rest of the network is
    a function of its output.

    Parameters
    ----------
    question_dim : int, default=18
        Length of the question vector (the reference's 18-dim multi-hot encoding).
    n_answers : int, default=10
        Number of answer classes.
    channels : int, default=24
        Channels of every convolution, the object vectors' feature dims.
    g_width : int, default=128
        Units of each layer of ``g`` (the reference uses 256; at 128 a training step
        takes about a third of the time on CPU).
    g_layers : int, default=4
        Linear layers in ``g``.
    f_width : int, default=256
        Units of the two hidden layers of ``f``.
    activation : {"gelu", "relu", "softplus"}, default="gelu"
        Non-linearity of the CNN, ``g`` and ``f``. GELU by default: Taylor-CAM
        differentiates the output twice with respect to the CNN's cells, through ``g``,
        and ReLU's second derivative is zero almost everywhere, so a ReLU ``g`` adds no
        curvature of its own (only the final softmax would). ``"relu"`` reproduces the
        reference.

    Attributes
    ----------
    cnn : nn.Sequential
        The convolutional stem, output ``(B, channels, H', W')``.
    g_input : nn.Linear
        The first layer of ``g`` on ``[o_i, o_j, q]`` (``2 (channels + 2) + question_dim``
        inputs). Because it is linear, ``forward`` applies its three column blocks to
        the objects and the question separately and adds them per pair by
        broadcasting: the same function as concatenation then ``g_input``, without
        building the ``(B, n², 2 (channels + 2) + question_dim)`` pair tensor.
    g : nn.Sequential
        The rest of ``g``: the activation after ``g_input``, then ``g_layers − 1``
        Linear + activation layers.
    f : nn.Sequential
        The answer head, output logits.

    Notes
    -----
    Two quirks of the reference implementation (kimhc6028/relational-networks) are
    fixed: its coordinates use true division ``i / 5`` for the row, giving off-grid
    values, and its dropout is functional and stays on at evaluation time.

    References
    ----------
    .. [1] A. Santoro et al., "A simple neural network module for relational reasoning",
       NeurIPS 2017, arXiv:1706.01427.

    Examples
    --------
    >>> import torch
    >>> net = RelationNetwork(channels=8, g_width=16, g_layers=2, f_width=16).eval()
    >>> image, question = torch.rand(2, 3, 75, 75), torch.zeros(2, 18)
    >>> net(image, question).shape
    torch.Size([2, 10])
    >>> net.cnn(image).shape  # 25 regions of 8 features: the Taylor-CAM target layer
    torch.Size([2, 8, 5, 5])
    >>> RelationNetwork.coordinates(5, 5)[[0, 7, 24]]
    tensor([[-1.0000, -1.0000],
            [-0.5000,  0.0000],
            [ 1.0000,  1.0000]])
    """

    def __init__(
        self,
        *,
        question_dim: int = 18,
        n_answers: int = 10,
        channels: int = 24,
        g_width: int = 128,
        g_layers: int = 4,
        f_width: int = 256,
        activation: str = "gelu",
    ):
        super().__init__()
        for name, value in [
            ("question_dim", question_dim),
            ("n_answers", n_answers),
            ("channels", channels),
            ("g_width", g_width),
            ("g_layers", g_layers),
            ("f_width", f_width),
        ]:
            _positive_int(value, name)
        if activation not in _RELATION_ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {sorted(_RELATION_ACTIVATIONS)}, got {activation!r}."
            )
        self.question_dim, self.n_answers, self.channels = question_dim, n_answers, channels
        self.g_width, self.g_layers, self.f_width = g_width, g_layers, f_width
        self.activation = activation
        act = ACTIVATIONS[activation]

        stem: list[nn.Module] = []
        for c_in in (3, channels, channels, channels):
            stem += [
                nn.Conv2d(c_in, channels, kernel_size=3, stride=2, padding=1),
                act(),
                nn.BatchNorm2d(channels),
            ]
        self.cnn = nn.Sequential(*stem)

        object_dim = channels + 2
        self.g_input = nn.Linear(2 * object_dim + question_dim, g_width)
        rest: list[nn.Module] = [act()]
        for _ in range(g_layers - 1):
            rest += [nn.Linear(g_width, g_width), act()]
        self.g = nn.Sequential(*rest)
        self.f = nn.Sequential(
            nn.Linear(g_width, f_width),
            act(),
            nn.Linear(f_width, f_width),
            act(),
            nn.Dropout(0.5),
            nn.Linear(f_width, n_answers),
        )

    @staticmethod
    def coordinates(height: int, width: int) -> torch.Tensor:
        """Coordinates of the cells of a ``height × width`` grid, row-major, in [−1, 1].

        Row and column are centred and divided by half the grid's extent, so a 5×5
        grid gives ``((row − 2) / 2, (col − 2) / 2)``, the reference's intended values.

        Returns
        -------
        coordinates : Tensor of shape (height · width, 2)
            ``(row, column)`` coordinate of each cell; a single row or column is 0.
        """
        rows = torch.arange(height, dtype=torch.float32)
        cols = torch.arange(width, dtype=torch.float32)
        rows = (rows - (height - 1) / 2) / max((height - 1) / 2, 1)
        cols = (cols - (width - 1) / 2) / max((width - 1) / 2, 1)
        grid_rows, grid_cols = torch.meshgrid(rows, cols, indexing="ij")
        return torch.stack([grid_rows.reshape(-1), grid_cols.reshape(-1)], dim=1)

    def objects(self, feature_map: torch.Tensor) -> torch.Tensor:
        """The object vectors: each cell's features followed by its coordinates.

        Parameters
        ----------
        feature_map : Tensor of shape (B, channels, H, W)
            Output of :attr:`cnn`.

        Returns
        -------
        objects : Tensor of shape (B, H · W, channels + 2)
        """
        B, _, H, W = feature_map.shape
        cells = feature_map.flatten(2).transpose(1, 2)  # (B, n, C), row-major cells
        coords = self.coordinates(H, W).to(feature_map)
        return torch.cat([cells, coords.expand(B, H * W, 2)], dim=2)

    def relations(self, objects: torch.Tensor, question: torch.Tensor) -> torch.Tensor:
        """``Σ_ij g([o_i, o_j, q])`` over all ordered pairs, self-pairs included.

        The first layer is split by columns, ``W [o_i, o_j, q] + b = W_a o_i + W_b o_j +
        W_q q + b``, so each product is taken once per object or question and the pairs
        are sums of broadcast terms.

        Parameters
        ----------
        objects : Tensor of shape (B, n, channels + 2)
        question : Tensor of shape (B, question_dim)

        Returns
        -------
        relations : Tensor of shape (B, g_width)
        """
        d = objects.shape[-1]
        weight = self.g_input.weight
        asked = question @ weight[:, 2 * d :].T + self.g_input.bias  # (B, width)
        first = objects @ weight[:, :d].T + asked[:, None, :]  # (B, n, width): o_i block
        second = objects @ weight[:, d : 2 * d].T  # the o_j block
        # one broadcast sum builds the (B, n, n, width) pre-activations of all pairs
        pairs = first[:, :, None, :] + second[:, None, :, :]
        return self.g(pairs).sum(dim=(1, 2))

    def forward(self, image: torch.Tensor, question: torch.Tensor) -> torch.Tensor:
        """Answer logits for each image–question pair.

        Parameters
        ----------
        image : Tensor of shape (B, 3, H, W)
            H = W = 75 gives the 5×5 region grid.
        question : Tensor of shape (B, question_dim)

        Returns
        -------
        logits : Tensor of shape (B, n_answers)
        """
        dtype = self.g_input.weight.dtype
        if question.ndim != 2 or question.shape[1] != self.question_dim:
            raise ValueError(
                f"question must have shape (B, {self.question_dim}), got {tuple(question.shape)}."
            )
        if image.ndim != 4 or image.shape[1] != 3 or len(image) != len(question):
            raise ValueError(
                "image must have shape (B, 3, H, W) with the question's B = "
                f"{len(question)}, got {tuple(image.shape)}."
            )
        objects = self.objects(self.cnn(image.to(dtype)))
        return self.f(self.relations(objects, question.to(dtype)))


def sort_of_clevr_inputs(data) -> dict[str, np.ndarray]:
    """The inputs of a :class:`RelationNetwork` for every question of a Sort-of-CLEVR set.

    Parameters
    ----------
    data : SortOfClevr
        As returned by :func:`sk_interact.datasets.make_sort_of_clevr`.

    Returns
    -------
    X : dict
        ``{"image": images[question_image], "question": questions}``, float32, one row
        per question; skorch passes the keys to ``RelationNetwork.forward`` as keyword
        arguments. Each question gets a copy of its image (67.5 kB at 75×75), so
        100,000 questions take about 6.8 GB.

    Examples
    --------
    >>> from sk_interact.datasets import make_sort_of_clevr
    >>> data = make_sort_of_clevr(2, questions_per_image=3, random_state=0)
    >>> X = sort_of_clevr_inputs(data)
    >>> X["image"].shape, X["question"].shape
    ((6, 3, 75, 75), (6, 18))
    """
    images = np.asarray(data.images, dtype=np.float32)
    index = np.asarray(data.question_image, dtype=np.intp)
    return {
        "image": images[index],
        "question": np.asarray(data.questions, dtype=np.float32),
    }
