"""The relation network of the Sort-of-CLEVR benchmark, and its inputs.

:class:`RelationNetwork` is the network of Santoro et al. (2017) that the Taylor-CAM
paper explains on Sort-of-CLEVR (:func:`~sk_interact.datasets.make_sort_of_clevr`);
:func:`sort_of_clevr_inputs` turns a generated data set into the inputs it takes, so
that the pair trains with skorch and is explained by
:class:`~sk_interact.TaylorCAMExplainer` with ``target_layer="cnn"``.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from sk_interact._networks import ACTIVATIONS, _positive_int

__all__ = ["RelationNetwork", "sort_of_clevr_inputs"]


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
    >>> from sk_interact.datasets import RelationNetwork
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
    >>> from sk_interact.datasets import make_sort_of_clevr, sort_of_clevr_inputs
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
