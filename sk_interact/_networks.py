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
    "StandardizedNetwork",
    "check_hidden_layer_sizes",
    "piecewise_linear_layers",
    "softplus_copy",
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
    output : {"logit", "proba", "centered"}
        The log-odds of class ``c``, its probability, or its centred logit ``z_c −
        mean(z)``: the part of the class logits that the softmax sees (a shift shared by
        every class changes no probability), so it is additive wherever some logits of
        the same probabilities are. Of two classes given as one column, ``±z / 2``.
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
    >>> ClassOutput(0, "centered")(torch.tensor([[0.0, 1.0, 2.0]]))  # 0 − mean
    tensor([-1.])
    >>> ClassOutput(1, "centered")(torch.tensor([[2.0]]))  # one column: logits (0, 2)
    tensor([1.])
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
            if self.output == "centered":
                return log_odds / 2
            return log_odds if self.output == "logit" else torch.sigmoid(log_odds)
        # log p differs from the logits by a shared shift, which the log-odds and the
        # centred logits cancel
        logits = torch.log(out.clamp_min(1e-30)) if self.from_probabilities else out
        if self.output == "proba":
            return torch.softmax(logits, dim=-1)[..., self.c]
        if self.output == "centered":
            return logits[..., self.c] - logits.mean(dim=-1)
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
