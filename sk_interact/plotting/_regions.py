"""Interacting image regions drawn on the image (Taylor-CAM, Lerman et al. 2021, Figs. 2-4)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from sk_interact._ranking import check_frame
from sk_interact.plotting._base import check_matplotlib_support, check_top

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["RegionInteractionDisplay"]

_BOX_COLUMNS = ("box_0", "box_1")
_NO_BOXES = (
    "region boxes need a target layer whose output is a (B, C, H, W) feature map and a "
    "(B, C, H, W) image input; this explanation has no boxes (a (B, n, d) layer output, "
    "or no image input)."
)


def _to_numpy(value) -> np.ndarray:
    """An ndarray from a tensor (on any device) or array-like; torch is not imported."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _image_for_display(image) -> np.ndarray:
    """``(H, W)`` (grey) or ``(H, W, 3|4)`` array from ``(C, H, W)``, ``(1, C, H, W)``,
    ``(H, W, C)`` or ``(H, W)``; float colour images outside [0, 1] are min-max scaled."""
    array = _to_numpy(image)
    if array.ndim == 4 and array.shape[0] == 1:
        array = array[0]
    if array.ndim == 3:
        if array.shape[0] in (1, 3, 4):
            array = np.moveaxis(array, 0, -1)
        elif array.shape[-1] not in (1, 3, 4):
            raise ValueError(
                "image must have 1, 3 or 4 channels, as (C, H, W) or (H, W, C); got "
                f"shape {array.shape}."
            )
        if array.shape[-1] == 1:
            array = array[..., 0]
    if array.ndim != 2 and array.ndim != 3:
        raise ValueError(
            "image must be one image, (C, H, W), (1, C, H, W), (H, W, C) or (H, W); got "
            f"shape {_to_numpy(image).shape}."
        )
    if array.dtype == bool:
        array = array.astype(np.float64)
    if array.ndim == 3 and np.issubdtype(array.dtype, np.floating):
        low, high = np.nanmin(array), np.nanmax(array)
        if low < 0 or high > 1:
            array = (array - low) / (high - low) if high > low else np.zeros_like(array)
    return array


def _batch_of_one(image):
    """``(batch, display image)``: the explainer's input with batch 1, and the image shown.

    ``image`` is ``(C, H, W)`` or ``(1, C, H, W)`` (tensor or ndarray), or a dict of
    inputs with batch 1 whose first 4-D entry is the image shown.
    """
    if isinstance(image, Mapping):
        if not image:
            raise ValueError("image is an empty dict; pass the model's inputs for one image.")
        shown = None
        for key, value in image.items():
            shape = tuple(getattr(value, "shape", np.shape(value)))
            if not shape or shape[0] != 1:
                raise ValueError(
                    f"image[{key!r}] must hold a batch of one input, got shape {shape}."
                )
            if shown is None and len(shape) == 4:
                shown = value[0]
        if shown is None:
            raise ValueError("no input in the image dict is a (1, C, H, W) image; " + _NO_BOXES)
        return image, shown
    ndim = len(getattr(image, "shape", np.shape(image)))
    if ndim == 3:
        return image[None], image
    if ndim == 4 and len(image) == 1:
        return image, image[0]
    raise ValueError(
        "image must be one image, (C, H, W) or (1, C, H, W), or a dict of inputs with "
        f"batch 1; got shape {tuple(np.shape(_to_numpy(image)))}."
    )


def _check_pairs(pairs) -> pd.DataFrame:
    """The explanation of one image, strongest pair first."""
    check_frame(
        pairs,
        _BOX_COLUMNS,
        name="pairs",
        what="returned by TaylorCAMExplainer.explain",
        missing_hint=_NO_BOXES,
    )
    if "image" in pairs.columns and pairs["image"].nunique() > 1:
        raise ValueError(
            "pairs holds the explanations of several images "
            f"({sorted(pairs['image'].unique().tolist())}); select the rows of one image."
        )
    if "box_2" in pairs.columns and pairs["box_2"].notna().any():
        raise ValueError("pairs holds region triples (order 3); this display draws pairs.")
    if pairs.empty:
        raise ValueError("pairs is empty: there is no region pair to draw.")
    if pairs[list(_BOX_COLUMNS)].isna().any().any():
        raise ValueError(_NO_BOXES)
    if "rank" in pairs.columns:
        return pairs.sort_values("rank", kind="stable").reset_index(drop=True)
    if "salience" in pairs.columns:
        return pairs.sort_values("salience", ascending=False, kind="stable").reset_index(drop=True)
    return pairs.reset_index(drop=True)


def _grid_from_boxes(boxes, height: int, width: int) -> tuple[int, int]:
    """The layer's ``(H, W)`` grid: the image size over a region box's size."""
    x0, y0, x1, y1 = (float(v) for v in boxes[0])
    return max(round(height / (y1 - y0)), 1), max(round(width / (x1 - x0)), 1)


class RegionInteractionDisplay:
    """Interacting image regions: each pair's two boxes, joined by a line, on the image.

    The boxes are the regions (cells of the target layer's ``H × W`` grid) of the
    strongest Hessian-CAM pairs of :class:`~sk_interact._taylor_cam.TaylorCAMExplainer`,
    one colour per pair, as in Figures 2-4 of Lerman et al. (ICCV 2021). The legend
    gives each pair's rank, regions and salience. A Grad-CAM map of the image can be
    overlaid for comparison.

    Use :meth:`from_explainer` to create one; the constructor only stores its arguments
    and :meth:`plot` draws.

    Parameters
    ----------
    image : Tensor or ndarray
        The explained image, ``(C, H, W)`` (or ``(1, C, H, W)``, ``(H, W, C)``,
        ``(H, W)``) with 1 (drawn grey), 3 or 4 channels. Float colour images outside
        [0, 1] are min-max scaled for display.
    pairs : DataFrame
        ``TaylorCAMExplainer.explain`` rows of this one image: columns ``box_0`` and
        ``box_1`` (``(x0, y0, x1, y1)`` in input pixels), and ``rank``, ``regions``,
        ``salience`` for ordering and labels.
    grad_cam : array-like of shape (n,) or (H, W), default=None
        Grad-CAM importance of the layer's ``n = H·W`` regions (row-major, as
        ``TaylorCAMExplainer.grad_cam`` returns them), overlaid by :meth:`plot`.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the image.
    figure_ : matplotlib Figure
        Figure holding the axes.
    image_ : matplotlib AxesImage
        The image, with extent ``(0, W_in, H_in, 0)``: one unit per input pixel.
    boxes_ : list of matplotlib Rectangle
        Two per drawn pair (``box_0`` then ``box_1``), strongest pair first.
    lines_ : list of matplotlib Line2D
        One per drawn pair, from the centre of ``box_0`` to the centre of ``box_1``.
    heatmap_ : matplotlib AxesImage or None
        The Grad-CAM overlay (``max(g, 0)``, Selvaraju et al.'s map) over the same
        extent as the image; None when not drawn.
    pairs_ : DataFrame
        The pairs drawn, strongest first.

    See Also
    --------
    InteractionHeatmapDisplay : Pairwise interactions as a feature × feature matrix.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sk_interact.plotting import RegionInteractionDisplay
    >>> pairs = pd.DataFrame({
    ...     "image": [0], "regions": [(0, 3)], "salience": [1.0], "rank": [1],
    ...     "box_0": [(0.0, 0.0, 4.0, 4.0)], "box_1": [(4.0, 4.0, 8.0, 8.0)],
    ... })
    >>> display = RegionInteractionDisplay(np.zeros((3, 8, 8)), pairs).plot()
    >>> len(display.boxes_), display.lines_[0].get_xydata().tolist()
    (2, [[2.0, 2.0], [6.0, 6.0]])
    """

    def __init__(self, image, pairs: pd.DataFrame, *, grad_cam=None):
        self.image = image
        self.pairs = pairs
        self.grad_cam = grad_cam

    def plot(
        self,
        ax: Axes | None = None,
        *,
        top: int | None = None,
        show_grad_cam: bool = True,
        cmap_image=None,
        cmap_grad_cam="jet",
        colors: Sequence | None = None,
        alpha: float = 0.35,
        legend: bool = True,
    ) -> RegionInteractionDisplay:
        """Draw the image, the boxes of the strongest pairs and the lines between them.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        top : int or None, default=None
            Number of strongest pairs drawn; None draws every row of ``pairs``.
        show_grad_cam : bool, default=True
            Overlay ``grad_cam`` when it was given.
        cmap_image : str or matplotlib Colormap, default=None
            Colormap of a one-channel image; None takes ``"gray"``. Ignored for
            colour images.
        cmap_grad_cam : str or matplotlib Colormap, default="jet"
            Colormap of the Grad-CAM overlay.
        colors : sequence of colours, default=None
            One colour per drawn pair; None cycles through ``"C0"``, ``"C1"``, ….
        alpha : float, default=0.35
            Opacity of the Grad-CAM overlay.
        legend : bool, default=True
            Add a legend: rank, regions and salience of each pair.

        Returns
        -------
        display : RegionInteractionDisplay
            This display, with ``ax_``, ``figure_``, ``image_``, ``boxes_``, ``lines_``,
            ``heatmap_`` and ``pairs_``.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt
        from matplotlib.colors import Normalize
        from matplotlib.patches import Rectangle

        check_top(top)
        if not 0 <= alpha <= 1:
            raise ValueError(f"alpha must lie in [0, 1], got {alpha!r}.")
        pairs = _check_pairs(self.pairs)
        if top is not None:
            pairs = pairs.head(top).reset_index(drop=True)
        n_pairs = len(pairs)
        if colors is None:
            colors = [f"C{k % 10}" for k in range(n_pairs)]
        elif isinstance(colors, str) or len(colors) < n_pairs:
            raise ValueError(
                f"colors must be a sequence of at least {n_pairs} colours (one per pair), "
                f"got {colors!r}."
            )
        image = _image_for_display(self.image)
        height, width = image.shape[:2]
        extent = (0, width, height, 0)

        if ax is None:
            _, ax = plt.subplots()
        self.image_ = ax.imshow(
            image,
            cmap=(cmap_image or "gray") if image.ndim == 2 else None,
            extent=extent,
            interpolation="nearest",
        )

        self.heatmap_ = None
        if show_grad_cam and self.grad_cam is not None:
            cam = _to_numpy(self.grad_cam).astype(np.float64)
            if cam.ndim == 2 and cam.shape[0] == 1:
                cam = cam[0]
            if cam.ndim == 1:
                grid = _grid_from_boxes(pairs["box_0"], height, width)
                if cam.size != grid[0] * grid[1]:
                    raise ValueError(
                        f"grad_cam has {cam.size} regions, but the boxes come from a "
                        f"{grid[0]} x {grid[1]} grid; pass the Grad-CAM of this image."
                    )
                cam = cam.reshape(grid)
            elif cam.ndim != 2:
                shape = _to_numpy(self.grad_cam).shape
                raise ValueError(f"grad_cam must have shape (n,) or (H, W), got {shape}.")
            cam = np.maximum(cam, 0.0)
            largest = float(cam.max()) if cam.size else 0.0
            self.heatmap_ = ax.imshow(
                cam,
                cmap=cmap_grad_cam,
                norm=Normalize(vmin=0.0, vmax=largest if largest > 0 else 1.0),
                alpha=alpha,
                extent=extent,
                interpolation="bilinear",
            )

        self.boxes_, self.lines_ = [], []
        for k, row in pairs.iterrows():
            color = colors[k]
            zorder = 2 + 2 * (n_pairs - k) / (n_pairs + 1)  # stronger pairs drawn on top
            centres = []
            for column in _BOX_COLUMNS:
                x0, y0, x1, y1 = (float(v) for v in row[column])
                box = Rectangle(
                    (x0, y0),
                    x1 - x0,
                    y1 - y0,
                    fill=False,
                    edgecolor=color,
                    linewidth=2,
                    zorder=zorder,
                )
                ax.add_patch(box)
                self.boxes_.append(box)
                centres.append(((x0 + x1) / 2, (y0 + y1) / 2))
            label = f"#{row['rank']}" if "rank" in pairs.columns else f"#{k + 1}"
            if "regions" in pairs.columns:
                label += f" regions {tuple(int(r) for r in row['regions'])}"
            if "salience" in pairs.columns:
                label += f", S = {float(row['salience']):.3g}"
            (line,) = ax.plot(
                [centres[0][0], centres[1][0]],
                [centres[0][1], centres[1][1]],
                color=color,
                linewidth=2,
                marker="o",
                markersize=4,
                label=label,
                zorder=zorder + 0.5,
            )
            self.lines_.append(line)
        ax.set_xlim(0, width)
        ax.set_ylim(height, 0)
        ax.set_xticks([])
        ax.set_yticks([])
        if legend and self.lines_:
            ax.legend(
                handles=self.lines_,
                loc="upper left",
                bbox_to_anchor=(1.02, 1.0),
                fontsize="small",
                title="pairs",
            )

        self.pairs_ = pairs
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_explainer(
        cls,
        explainer,
        image,
        *,
        top: int = 4,
        target=None,
        ax: Axes | None = None,
        show_grad_cam: bool = False,
        cmap_image=None,
        colors: Sequence | None = None,
        alpha: float = 0.35,
    ) -> RegionInteractionDisplay:
        """Explain one image and draw its ``top`` interacting region pairs.

        Parameters
        ----------
        explainer : fitted TaylorCAMExplainer
            Its target layer must output a ``(B, C, H, W)`` feature map. The pairs
            are ranked by Hessian-CAM (order 2), ``top`` of them, whatever the
            explainer's ``order`` and ``top_k`` (the explainer is not modified).
        image : Tensor, ndarray or dict of them
            One image, ``(C, H, W)`` or ``(1, C, H, W)``, or a dict of model inputs
            with batch 1 (the first ``(1, C, H, W)`` entry is drawn).
        top : int, default=4
            Number of strongest pairs drawn.
        target : int or None, default=None
            Class explained; None: the explainer's ``target``, or the predicted class.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        show_grad_cam : bool, default=False
            Compute the image's Grad-CAM and overlay it.
        cmap_image, colors, alpha
            Passed to :meth:`plot`.

        Returns
        -------
        display : RegionInteractionDisplay
        """
        check_top(top)
        if top is None:
            raise ValueError("top must be a positive integer, got None.")
        check_is_fitted(explainer, "module_")
        batch, shown = _batch_of_one(image)
        pair_explainer = copy.copy(explainer)
        pair_explainer.set_params(order=2, top_k=top)
        pairs = pair_explainer.explain(batch, target=target)
        cam = explainer.grad_cam(batch, target=target)[0] if show_grad_cam else None
        return cls(shown, pairs, grad_cam=cam).plot(
            ax=ax,
            top=top,
            show_grad_cam=show_grad_cam,
            cmap_image=cmap_image,
            colors=colors,
            alpha=alpha,
        )
