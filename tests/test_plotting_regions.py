"""RegionInteractionDisplay: boxes, lines and Grad-CAM overlay sit on the image's pixels."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import torch
from matplotlib.colors import to_rgba
from sklearn.exceptions import NotFittedError
from torch import nn

from sk_interact._taylor_cam import TaylorCAMExplainer
from sk_interact.plotting import RegionInteractionDisplay

matplotlib.use("Agg")

A_REGION, B_REGION = 5, 10  # planted pair on a 4 × 4 grid of an 8 × 8 image


class Planted(nn.Module):
    """Logit = x_a · x_b + small linear terms of a fixed conv's 4 × 4 × 2 feature map."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 2, stride=2, bias=False)
        with torch.no_grad():
            self.conv.weight.zero_()
            self.conv.weight[0, 0] = 0.25
            self.conv.weight[1, 0, 0, 0] = 1.0
        self.linear = nn.Parameter(torch.full((2,), 0.01))

    def forward(self, x):
        regions = self.conv(x).flatten(2).transpose(1, 2)  # (B, 16, 2)
        logit = 0.1 * (regions[:, A_REGION] * regions[:, B_REGION]).sum(-1)
        logit = logit + (regions @ self.linear).sum(-1) - 0.5
        return torch.stack([logit, torch.zeros_like(logit)], dim=1)


class DictPlanted(Planted):
    def forward(self, image, question):
        return super().forward(image) + question.sum(dim=1, keepdim=True)


class Tokens(nn.Module):
    """A (B, n, d) layer: no spatial grid, hence no boxes."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(16, 3)
        self.head = nn.Linear(3, 2)

    def forward(self, x):
        return self.head(self.embed(x.flatten(2)).mean(1))


def planted_image(seed=0):
    rng = np.random.RandomState(seed)
    image = rng.uniform(0.5, 1.0, size=(1, 8, 8))
    for region in (A_REGION, B_REGION):
        row, col = divmod(region, 4)
        image[:, 2 * row : 2 * row + 2, 2 * col : 2 * col + 2] *= 3
    return torch.as_tensor(image)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def explainer():
    return TaylorCAMExplainer(model=Planted().double(), target_layer="conv", target=0).fit(
        planted_image()[None]
    )


def _box(region, grid=4, size=8):
    row, col = divmod(region, grid)
    step = size / grid
    return (col * step, row * step, (col + 1) * step, (row + 1) * step)


@pytest.fixture
def pairs():
    # Three pairs on a 4 × 4 grid of an 8 × 12 (H × W) image, deliberately not in rank order.
    def box(region):
        row, col = divmod(region, 4)
        return (col * 3.0, row * 2.0, (col + 1) * 3.0, (row + 1) * 2.0)

    regions = [(2, 7), (0, 15), (1, 4)]
    return pd.DataFrame(
        {
            "image": [0, 0, 0],
            "regions": regions,
            "salience": [0.5, 2.0, 0.1],
            "rank": [2, 1, 3],
            "box_0": [box(i) for i, _ in regions],
            "box_1": [box(j) for _, j in regions],
        }
    )


def test_boxes_and_lines_follow_the_pairs(pairs, tmp_path):
    image = np.random.RandomState(0).uniform(size=(3, 8, 12))
    display = RegionInteractionDisplay(image, pairs).plot(top=2)
    display.figure_.savefig(tmp_path / "regions.png")
    assert (tmp_path / "regions.png").stat().st_size > 0

    assert len(display.boxes_) == 2 * 2 and len(display.lines_) == 2
    assert display.pairs_["rank"].tolist() == [1, 2]
    # rank 1 is regions (0, 15): cell (0, 0) and cell (3, 3) of 3 × 2 pixel cells
    first, second = display.boxes_[:2]
    assert first.get_xy() == (0.0, 0.0)
    assert (first.get_width(), first.get_height()) == (3.0, 2.0)
    assert second.get_xy() == (9.0, 6.0)
    assert (second.get_width(), second.get_height()) == (3.0, 2.0)
    # lines join the box centres
    np.testing.assert_allclose(display.lines_[0].get_xydata(), [[1.5, 1.0], [10.5, 7.0]])
    np.testing.assert_allclose(display.lines_[1].get_xydata(), [[7.5, 1.0], [10.5, 3.0]])
    # one colour per pair: both boxes and the line share it, pairs differ
    for k in range(2):
        colour = to_rgba(display.lines_[k].get_color())
        assert display.boxes_[2 * k].get_edgecolor() == colour
        assert display.boxes_[2 * k + 1].get_edgecolor() == colour
    assert display.lines_[0].get_color() != display.lines_[1].get_color()
    # the image spans its pixels; the legend names the ranks
    assert display.image_.get_extent() == [0, 12, 8, 0]
    assert display.image_.get_array().shape == (8, 12, 3)
    labels = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert labels[0].startswith("#1 regions (0, 15)")
    assert display.heatmap_ is None
    assert display.figure_ is display.ax_.figure


def test_all_pairs_custom_colours_and_grey_image(pairs):
    _, ax = plt.subplots()
    display = RegionInteractionDisplay(np.zeros((1, 8, 12)), pairs).plot(
        ax=ax, colors=["red", "green", "blue"], legend=False
    )
    assert display.ax_ is ax
    assert len(display.boxes_) == 6
    assert [line.get_color() for line in display.lines_] == ["red", "green", "blue"]
    assert display.image_.get_array().shape == (8, 12)
    assert display.image_.get_cmap().name == "gray"
    assert ax.get_legend() is None
    with pytest.raises(ValueError, match="one per pair"):
        RegionInteractionDisplay(np.zeros((1, 8, 12)), pairs).plot(colors=["red"])


def test_grad_cam_overlay_spans_the_image(pairs):
    cam = np.arange(16, dtype=float) - 4
    display = RegionInteractionDisplay(np.zeros((3, 8, 12)), pairs, grad_cam=cam).plot(alpha=0.5)
    heatmap = display.heatmap_
    assert heatmap is not None
    assert heatmap.get_extent() == [0, 12, 8, 0]
    assert heatmap.get_alpha() == 0.5
    # (n,) reshaped row-major onto the 4 × 4 grid, negative scores clipped to 0 (ReLU)
    np.testing.assert_array_equal(heatmap.get_array(), np.maximum(cam, 0).reshape(4, 4))
    off = RegionInteractionDisplay(np.zeros((3, 8, 12)), pairs, grad_cam=cam).plot(
        show_grad_cam=False
    )
    assert off.heatmap_ is None
    with pytest.raises(ValueError, match="grad_cam has 9 regions"):
        RegionInteractionDisplay(np.zeros((3, 8, 12)), pairs, grad_cam=np.zeros(9)).plot()


def test_from_explainer_draws_the_planted_pair_first(explainer, tmp_path):
    image = planted_image()
    display = RegionInteractionDisplay.from_explainer(explainer, image, top=3)
    display.figure_.savefig(tmp_path / "planted.png")
    assert len(display.boxes_) == 2 * 3
    assert display.pairs_["regions"].iloc[0] == (A_REGION, B_REGION)
    for box, region in zip(display.boxes_[:2], (A_REGION, B_REGION)):
        x0, y0, x1, y1 = _box(region)
        assert box.get_xy() == (x0, y0)
        assert (box.get_width(), box.get_height()) == (x1 - x0, y1 - y0)
    x0, y0, x1, y1 = _box(A_REGION)
    u0, v0, u1, v1 = _box(B_REGION)
    np.testing.assert_allclose(
        display.lines_[0].get_xydata(),
        [[(x0 + x1) / 2, (y0 + y1) / 2], [(u0 + u1) / 2, (v0 + v1) / 2]],
    )
    # the explainer itself is left as it was
    assert explainer.top_k == 4 and explainer.order == 2


def test_from_explainer_batch_ndarray_and_grad_cam(explainer):
    image = planted_image().numpy()[None]  # (1, 1, 8, 8) ndarray
    display = RegionInteractionDisplay.from_explainer(explainer, image, top=1, show_grad_cam=True)
    assert len(display.boxes_) == 2
    assert display.pairs_["regions"].iloc[0] == (A_REGION, B_REGION)
    assert display.heatmap_.get_extent() == [0, 8, 8, 0]
    expected = np.maximum(explainer.grad_cam(image)[0], 0).reshape(4, 4)
    np.testing.assert_allclose(display.heatmap_.get_array(), expected)


def test_from_explainer_dict_inputs():
    model = DictPlanted().double()
    inputs = {"image": planted_image()[None], "question": torch.zeros(1, 3, dtype=torch.float64)}
    cam = TaylorCAMExplainer(model=model, target_layer="conv", target=0).fit(inputs)
    display = RegionInteractionDisplay.from_explainer(cam, inputs, top=2)
    assert display.pairs_["regions"].iloc[0] == (A_REGION, B_REGION)
    assert display.image_.get_extent() == [0, 8, 8, 0]
    with pytest.raises(ValueError, match="batch of one"):
        RegionInteractionDisplay.from_explainer(
            cam, {key: torch.cat([v, v]) for key, v in inputs.items()}
        )


def test_non_spatial_layer_has_no_boxes():
    torch.manual_seed(0)
    images = torch.randn(1, 4, 4, 4, dtype=torch.float64)  # layer output (1, 4, 3)
    cam = TaylorCAMExplainer(model=Tokens().double(), target_layer="embed").fit(images)
    with pytest.raises(ValueError, match=r"\(B, C, H, W\)"):
        RegionInteractionDisplay.from_explainer(cam, images, top=2)


def test_invalid_arguments(pairs, explainer):
    image = np.zeros((3, 8, 12))
    for top in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="top"):
            RegionInteractionDisplay(image, pairs).plot(top=top)
        with pytest.raises(ValueError, match="top"):
            RegionInteractionDisplay.from_explainer(explainer, planted_image(), top=top)
    with pytest.raises(ValueError, match=r"\(B, C, H, W\)"):
        RegionInteractionDisplay(image, pairs.drop(columns="box_1")).plot()
    with pytest.raises(ValueError, match=r"\(B, C, H, W\)"):
        RegionInteractionDisplay(image, pairs.assign(box_0=None, box_1=None)).plot()
    with pytest.raises(ValueError, match="several images"):
        RegionInteractionDisplay(image, pairs.assign(image=[0, 1, 1])).plot()
    with pytest.raises(TypeError, match="DataFrame"):
        RegionInteractionDisplay(image, pairs.to_dict()).plot()
    with pytest.raises(ValueError, match="channels"):
        RegionInteractionDisplay(np.zeros((2, 8, 12)), pairs).plot()
    with pytest.raises(ValueError, match="one image"):
        RegionInteractionDisplay.from_explainer(explainer, torch.zeros(2, 1, 8, 8))
    with pytest.raises(NotFittedError):
        RegionInteractionDisplay.from_explainer(
            TaylorCAMExplainer(model=Planted(), target_layer="conv"), planted_image()
        )
