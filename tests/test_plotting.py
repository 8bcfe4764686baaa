"""Interaction displays: the drawn artists carry the ranking's numbers, names and signs."""

import copy
import itertools
import subprocess
import sys
import textwrap

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from sklearn.exceptions import NotFittedError

from sk_interact import TNIDDetector
from sk_interact.datasets import make_tsang_benchmark
from sk_interact.plotting import (
    InteractionHeatmapDisplay,
    InteractionNetworkDisplay,
    InteractionRankingDisplay,
)
from sk_interact.plotting._base import (
    MIN_FONTSIZE,
    NEGATIVE_COLOR,
    NEUTRAL_COLOR,
    POSITIVE_COLOR,
)

matplotlib.use("Agg")

DISPLAYS = [InteractionRankingDisplay, InteractionHeatmapDisplay, InteractionNetworkDisplay]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def ranking():
    # Deliberately not sorted by strength; one triple, one NaN effect, one zero effect.
    return pd.DataFrame(
        {
            "features": [("a", "c"), ("a", "b"), ("b", "c", "d"), ("c", "d"), ("b", "d")],
            "indices": [(0, 2), (0, 1), (1, 2, 3), (2, 3), (1, 3)],
            "order": [2, 2, 3, 2, 2],
            "strength": [1.0, 4.0, 2.0, 0.5, 0.25],
            "effect": [-1.0, 2.0, np.nan, 0.0, 0.5],
            "strength_std": [0.1, 0.4, np.nan, 0.05, 0.02],
        }
    )


@pytest.fixture(scope="module")
def fitted_tnid():
    X, y, _ = make_tsang_benchmark("F1", n_samples=2000, random_state=0)
    tnid = TNIDDetector(
        order=3,
        k=3,
        hidden_layer_sizes=(16, 8),
        max_epochs=5,
        batch_size=128,
        n_estimators=2,
        random_state=0,
    )
    return tnid.fit(X, y)


def _segments_half_lengths(errorbar):
    """Half the length of each horizontal error bar, in drawing order."""
    (barlines,) = errorbar.lines[2]
    return np.array([abs(seg[1][0] - seg[0][0]) / 2 for seg in barlines.get_segments()])


def test_ranking_bars_follow_strength_sign_and_spread(ranking, tmp_path):
    # Bars are the strengths, strongest first (at the top); colours follow the effect's
    # sign; error bars are ± strength_std where it is finite.
    display = InteractionRankingDisplay.from_ranking(ranking)
    display.figure_.savefig(tmp_path / "ranking.png")
    assert (tmp_path / "ranking.png").stat().st_size > 0

    np.testing.assert_array_equal([bar.get_width() for bar in display.bars_], [4, 2, 1, 0.5, 0.25])
    tops = [bar.get_y() for bar in display.bars_]
    assert tops == sorted(tops, reverse=True)
    labels = [t.get_text() for t in display.ax_.get_yticklabels()]
    ticks = display.ax_.get_yticks()
    times = " \N{MULTIPLICATION SIGN} "
    expected_labels = [times.join(f) for f in ["ab", "bcd", "ac", "cd", "bd"]]
    assert [labels[k] for k in np.argsort(-ticks)] == expected_labels
    expected = [POSITIVE_COLOR, NEUTRAL_COLOR, NEGATIVE_COLOR, NEUTRAL_COLOR, POSITIVE_COLOR]
    for bar, color in zip(display.bars_, expected):
        assert bar.get_facecolor() == to_rgba(color)
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["positive effect", "negative effect", "no sign"]
    np.testing.assert_allclose(_segments_half_lengths(display.errorbar_), [0.4, 0.1, 0.05, 0.02])
    assert display.ax_ is display.figure_.axes[0]
    assert display.ranking_["strength"].tolist() == [4, 2, 1, 0.5, 0.25]


@pytest.mark.parametrize("std", [None, np.nan])
def test_ranking_without_finite_spread_has_no_error_bars(ranking, std):
    # No strength_std column, or only NaN (one network), draws no error bars.
    ranking = ranking.drop(columns="strength_std")
    if std is not None:
        ranking["strength_std"] = std
    assert InteractionRankingDisplay.from_ranking(ranking).errorbar_ is None


def test_ranking_marks_interactions_selected_at_the_fdr(ranking):
    # Rows with q ≤ fdr are outlined, the others faded; p- and q-values on request.
    tested = ranking.assign(
        p_value=[0.01, 0.001, 0.3, 0.04, 0.9], q_value=[0.025, 0.005, 0.5, 0.08, 0.9]
    )
    display = InteractionRankingDisplay.from_ranking(tested, fdr=0.05, show_p_values=True)
    # drawn strongest first: a-b (0.005), b-c-d (0.5), a-c (0.025), c-d (0.08), b-d (0.9)
    assert display.selected_.tolist() == [True, False, True, False, False]
    assert [bar.get_alpha() for bar in display.bars_] == [None, 0.3, None, 0.3, 0.3]
    texts = [t.get_text().strip() for t in display.ax_.texts]
    assert texts[0] == "p=0.001, q=0.005"
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert "selected (q ≤ 0.05)" in legend
    plain = InteractionRankingDisplay.from_ranking(ranking)
    assert plain.selected_ is None
    with pytest.raises(ValueError, match="show_p_values"):
        InteractionRankingDisplay.from_ranking(ranking, show_p_values=True)
    with pytest.raises(ValueError, match="fdr"):
        InteractionRankingDisplay.from_ranking(tested, fdr=2)


@pytest.fixture
def tested(ranking):
    # q ≤ 0.05: a-b and a-c; c-d at 0.08; the triple and b-d above any usual rate.
    return ranking.assign(
        p_value=[0.01, 0.001, 0.3, 0.04, 0.9], q_value=[0.025, 0.005, 0.5, 0.08, 0.9]
    )


def test_heatmap_outlines_the_pairs_selected_at_the_fdr(tested):
    # Both cells of a selected pair get an outline; the legend names the rate.
    from matplotlib.patches import Rectangle

    display = InteractionHeatmapDisplay.from_ranking(tested, fdr=0.05)
    expected = np.zeros((4, 4), bool)
    for i, j in [(0, 1), (0, 2)]:  # a-b, a-c
        expected[i, j] = expected[j, i] = True
    np.testing.assert_array_equal(display.selected_, expected)
    outlined = sorted(
        (round(p.get_y() + p.get_height() / 2), round(p.get_x() + p.get_width() / 2))
        for p in display.ax_.patches
        if isinstance(p, Rectangle) and not p.get_fill()
    )
    assert outlined == [(0, 1), (0, 2), (1, 0), (2, 0)]
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["selected (q ≤ 0.05)"]
    # c-d joins at 0.1; with top=1 only a and b are shown, a-b selected
    assert InteractionHeatmapDisplay.from_ranking(tested, fdr=0.1).selected_[2, 3]
    top = InteractionHeatmapDisplay.from_ranking(tested, fdr=0.1, top=1)
    assert top.feature_names_ == ["a", "b"] and top.selected_.tolist() == [
        [False, True],
        [True, False],
    ]
    for unmarked in (
        InteractionHeatmapDisplay.from_ranking(tested, fdr=None),
        InteractionHeatmapDisplay.from_ranking(tested.drop(columns=["p_value", "q_value"])),
    ):
        assert unmarked.selected_ is None and unmarked.ax_.get_legend() is None
        assert not unmarked.ax_.patches
    with pytest.raises(ValueError, match="fdr"):
        InteractionHeatmapDisplay.from_ranking(tested, fdr=1.5)


def test_network_fades_and_dashes_the_interactions_not_selected(tested):
    display = InteractionNetworkDisplay.from_ranking(tested, fdr=0.05)
    # drawn strongest first: a-b, b-c-d, a-c, c-d, b-d
    assert display.selected_.tolist() == [True, False, True, False, False]
    assert [(e.get_linestyle(), e.get_alpha()) for e in display.edges_] == [
        ("-", 0.8),  # a-b
        ("-", 0.8),  # a-c
        ("--", 0.3),  # c-d
        ("--", 0.3),  # b-d
    ]
    (triple,) = display.hyperedges_
    plain = InteractionNetworkDisplay.from_ranking(tested, fdr=None)
    assert triple.get_linestyle() == "--"
    assert triple.get_alpha() == pytest.approx(0.3 * plain.hyperedges_[0].get_alpha())
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend[-2:] == ["selected (q ≤ 0.05)", "not selected"]
    assert plain.selected_ is None
    assert {e.get_linestyle() for e in plain.edges_} == {"-"}
    with pytest.raises(ValueError, match="fdr"):
        InteractionNetworkDisplay.from_ranking(tested, fdr=0)


@pytest.mark.parametrize("Display", DISPLAYS)
def test_from_estimator_passes_the_fdr(Display, fitted_tnid, tested):
    # An estimator fitted with significance: its q-values decide what is marked.
    estimator = copy.copy(fitted_tnid)
    estimator.interactions_ = tested
    assert Display.from_estimator(estimator, fdr=0.05).selected_.sum() == (
        4 if Display is InteractionHeatmapDisplay else 2
    )
    assert Display.from_estimator(estimator, fdr=None).selected_ is None


def _drawn_ranking(ranking, figsize):
    """The ranking display drawn on an Agg figure of ``figsize`` (as the command line
    draws it, outside pyplot), and the renderer that measures its text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, layout="constrained")
    display = InteractionRankingDisplay.from_ranking(ranking, ax=figure.subplots())
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return display, canvas.get_renderer()


def test_ranking_strength_tick_labels_do_not_overlap():
    # Twenty small strengths (up to 0.021, as a classifier's log-odds partials on Bank
    # Marketing) on the command line's 8-inch figure, long labels leaving a narrow
    # axis: the default locator put nine ticks, 0.0000 to 0.0200, whose labels ran into
    # each other.
    rng = np.random.RandomState(0)
    names = [f"xxxxxxxxx{i:02d}" for i in range(21)]  # labels as wide as the axis allows
    ranking = pd.DataFrame(
        {
            "features": [(names[i], names[i + 1]) for i in range(20)],
            "strength": np.sort(rng.uniform(0.012, 0.0212, 20))[::-1],
            "effect": rng.choice([-1.0, 1.0], 20) * 0.01,
        }
    )
    display, renderer = _drawn_ranking(ranking, (8.0, 7.0))
    boxes = [
        label.get_window_extent(renderer)
        for label in display.ax_.get_xticklabels()
        if label.get_visible() and label.get_text()
    ]
    assert len(boxes) >= 3
    boxes.sort(key=lambda box: box.x0)
    assert all(left.x1 < right.x0 for left, right in itertools.pairwise(boxes))


def test_ranking_figure_size_leaves_room_for_long_labels_and_legend():
    # A figure of ranking_figure_size (the command line draws on one) keeps the bars'
    # axis at least 3 inches wide and every label and the legend inside, whatever the
    # names' length: the command line's fixed 8-inch figure left 30-character pairs
    # about an inch.
    from sk_interact.plotting._ranking import ranking_figure_size

    for length in (2, 30):
        names = [f"{'c' * (length - 2)}{i:02d}" for i in range(21)]
        ranking = pd.DataFrame(
            {
                "features": [(names[i], names[i + 1]) for i in range(20)],
                "strength": np.linspace(1.0, 0.1, 20),
                "effect": np.linspace(1.0, -1.0, 20),
            }
        )
        display, renderer = _drawn_ranking(ranking, ranking_figure_size(ranking, top=20))
        figure = display.figure_
        assert display.ax_.get_position().width * figure.get_figwidth() >= 3.0
        texts = [*display.ax_.get_yticklabels(), *display.ax_.get_legend().get_texts()]
        assert all(_inside(t.get_window_extent(renderer), figure.bbox) for t in texts)


def test_ranking_top_order_and_one_colour(ranking):
    # top and order select rows; without colouring by sign, effect is not needed.
    display = InteractionRankingDisplay.from_ranking(
        ranking.drop(columns="effect"), top=2, order=2, color_by_sign=False
    )
    np.testing.assert_array_equal([bar.get_width() for bar in display.bars_], [4, 1])
    assert len({bar.get_facecolor() for bar in display.bars_}) == 1
    assert display.ax_.get_legend() is None
    with pytest.raises(ValueError, match=r"no interaction of order 4.*\[2, 3\]"):
        InteractionRankingDisplay.from_ranking(ranking, order=4)


def test_heatmap_is_symmetric_effect_matrix_centred_at_zero(ranking, tmp_path):
    # Entry (i, j) and (j, i) is the pair's effect; the diagonal, unscored pairs and
    # the triple are blank (NaN); the diverging norm is centred at 0.
    display = InteractionHeatmapDisplay.from_ranking(ranking)
    display.figure_.savefig(tmp_path / "heatmap.png")

    M = display.matrix_
    assert M.shape == (4, 4)
    pairs = ranking[ranking["order"] == 2]
    for (i, j), effect in zip(pairs["indices"], pairs["effect"]):
        assert M[i, j] == M[j, i] == effect
    assert np.isnan(np.diag(M)).all()
    assert np.isnan(M[1, 2]) and np.isnan(M[2, 1])  # (b, c) only appears in the triple
    np.testing.assert_array_equal(M, display.im_.get_array().filled(np.nan))
    norm = display.im_.norm
    assert norm.vcenter == 0
    assert norm.vmin == -norm.vmax == -2.0
    assert display.feature_names_ == ["a", "b", "c", "d"]
    assert [t.get_text() for t in display.ax_.get_xticklabels()] == ["a", "b", "c", "d"]
    assert [t.get_text() for t in display.ax_.get_yticklabels()] == ["a", "b", "c", "d"]
    assert display.colorbar_.ax.get_ylabel() == "effect"


def test_heatmap_of_strength_with_given_names(ranking):
    # Strength uses a sequential scale from 0; feature_names set the size and labels.
    names = ["a", "b", "c", "d", "e"]
    display = InteractionHeatmapDisplay.from_ranking(
        ranking, feature_names=names, value="strength", colorbar=False
    )
    assert display.matrix_.shape == (5, 5)
    assert display.matrix_[0, 1] == display.matrix_[1, 0] == 4.0
    assert np.isnan(display.matrix_[4]).all()
    assert (display.im_.norm.vmin, display.im_.norm.vmax) == (0.0, 4.0)
    assert display.colorbar_ is None
    assert [t.get_text() for t in display.ax_.get_xticklabels()] == names


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_features": 3}, "feature index 3"),
        ({"n_features": 4, "feature_names": ["a", "b"]}, "n_features=4 but 2 feature_names"),
        ({"value": "order"}, "value must be one of"),
    ],
)
def test_heatmap_rejects_inconsistent_arguments(ranking, kwargs, match):
    # The matrix must hold every index; sizes agree; only effect or strength is drawn.
    with pytest.raises(ValueError, match=match):
        InteractionHeatmapDisplay.from_ranking(ranking, **kwargs)


def test_heatmap_rejects_duplicate_pairs_and_unsigned_effects(ranking):
    # A pair scored twice is ambiguous; effects that are all NaN have nothing to show.
    twice = pd.concat([ranking, ranking.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"pair \(0, 2\) more than once"):
        InteractionHeatmapDisplay.from_ranking(twice)
    with pytest.raises(ValueError, match="value='strength'"):
        InteractionHeatmapDisplay.from_ranking(ranking.assign(effect=np.nan))


def test_network_edges_scale_with_strength_and_triple_is_hyperedge(ranking, tmp_path):
    # Pair edges have widths proportional to strength (the strongest at max_linewidth)
    # and the sign's colour; the triple is one polygon over its three nodes.
    display = InteractionNetworkDisplay.from_ranking(ranking, max_linewidth=8.0)
    display.figure_.savefig(tmp_path / "network.png")

    pairs = ranking[ranking["order"] == 2].sort_values("strength", ascending=False)
    widths = [edge.get_linewidth() for edge in display.edges_]
    np.testing.assert_allclose(widths, 8.0 * pairs["strength"] / 4.0)
    assert widths == sorted(widths, reverse=True)
    expected = [POSITIVE_COLOR, NEGATIVE_COLOR, NEUTRAL_COLOR, POSITIVE_COLOR]
    assert [to_rgba(edge.get_color()) for edge in display.edges_] == [to_rgba(c) for c in expected]
    positions = display.node_positions_
    assert list(positions) == ["a", "b", "c", "d"]
    for edge, features in zip(display.edges_, pairs["features"]):
        np.testing.assert_allclose(
            np.column_stack(edge.get_data()), [positions[f] for f in features]
        )

    (hyperedge,) = display.hyperedges_
    vertices = {tuple(np.round(v, 9)) for v in hyperedge.get_xy()}
    assert vertices == {tuple(np.round(positions[f], 9)) for f in ("b", "c", "d")}
    assert to_rgba(hyperedge.get_facecolor())[:3] == to_rgba(NEUTRAL_COLOR)[:3]


def test_network_nodes_are_evenly_spaced_on_the_unit_circle(ranking):
    # Given feature_names, every feature is a node, clockwise from the top.
    names = ["a", "b", "c", "d", "e", "f"]
    display = InteractionNetworkDisplay.from_ranking(ranking, top=1, feature_names=names)
    xy = np.array([display.node_positions_[name] for name in names])
    np.testing.assert_allclose(np.hypot(*xy.T), 1.0)
    angles = np.arctan2(xy[:, 1], xy[:, 0])
    np.testing.assert_allclose(np.diff(np.unwrap(angles)), -2 * np.pi / 6)
    assert display.node_positions_["a"] == (0.0, 1.0)
    assert len(display.edges_) == 1 and display.hyperedges_ == []
    with pytest.raises(ValueError, match=r"\['c', 'd'\] missing from feature_names"):
        InteractionNetworkDisplay.from_ranking(ranking, top=2, feature_names=["a", "b"])


def test_network_without_feature_names_draws_only_features_of_top_rows(ranking):
    # The strongest row names a and b; the two strongest a, b, c and d.
    display = InteractionNetworkDisplay.from_ranking(ranking, top=1)
    assert list(display.node_positions_) == ["a", "b"]
    display = InteractionNetworkDisplay.from_ranking(ranking, top=2)
    assert list(display.node_positions_) == ["a", "b", "c", "d"]


@pytest.mark.parametrize("Display", DISPLAYS)
def test_display_draws_on_given_axes_and_replots(Display, ranking):
    # plot(ax=...) draws on that axes; a display can be drawn again elsewhere.
    fig, (left, right) = plt.subplots(1, 2)
    display = Display.from_ranking(ranking, ax=left)
    assert display.ax_ is left and display.figure_ is fig
    display.plot(ax=right)
    assert display.ax_ is right


@pytest.mark.parametrize(
    ("Display", "column"),
    [
        (InteractionRankingDisplay, "strength"),
        (InteractionRankingDisplay, "effect"),
        (InteractionHeatmapDisplay, "indices"),
        (InteractionHeatmapDisplay, "effect"),
        (InteractionNetworkDisplay, "features"),
        (InteractionNetworkDisplay, "strength"),
    ],
)
def test_missing_columns_are_named(Display, column, ranking):
    # A frame without a needed column fails with its name.
    with pytest.raises(ValueError, match=rf"missing the column\(s\) \['{column}'\]"):
        Display.from_ranking(ranking.drop(columns=column))
    with pytest.raises(TypeError, match="pandas DataFrame"):
        Display.from_ranking(ranking.to_dict())


@pytest.mark.parametrize("Display", DISPLAYS)
@pytest.mark.parametrize("top", [0, -3, 1.5, True, "5"])
def test_top_must_be_a_positive_integer(Display, ranking, top):
    # top < 1, floats, booleans and strings are rejected, naming the argument.
    with pytest.raises(ValueError, match="top must be a positive integer"):
        Display.from_ranking(ranking, top=top)


@pytest.mark.parametrize("Display", DISPLAYS)
@pytest.mark.parametrize("max_label_length", [0, 4, 2.5, False])
def test_max_label_length_must_leave_room_for_an_ellipsis(Display, ranking, max_label_length):
    with pytest.raises(ValueError, match="max_label_length must be an integer of at least 5"):
        Display.from_ranking(ranking, max_label_length=max_label_length)


@pytest.mark.parametrize("Display", DISPLAYS)
def test_unfitted_estimator_raises_not_fitted(Display):
    # from_estimator needs interactions_.
    with pytest.raises(NotFittedError):
        Display.from_estimator(TNIDDetector())


def test_displays_from_a_fitted_tnid(fitted_tnid, tmp_path):
    # The three displays read a real T-NID ranking: strengths, spreads over the two
    # networks, pair effects and the features' names.
    ranking = fitted_tnid.interactions_
    top = ranking.head(6)

    bars = InteractionRankingDisplay.from_estimator(fitted_tnid, top=6)
    np.testing.assert_allclose([bar.get_width() for bar in bars.bars_], top["strength"])
    np.testing.assert_allclose(_segments_half_lengths(bars.errorbar_), top["strength_std"])
    bars.figure_.savefig(tmp_path / "bars.png")

    heatmap = InteractionHeatmapDisplay.from_estimator(fitted_tnid)
    assert heatmap.feature_names_ == [f"x{i}" for i in range(10)]
    pairs = ranking[ranking["order"] == 2]
    for (i, j), effect in zip(pairs["indices"], pairs["effect"]):
        assert heatmap.matrix_[i, j] == heatmap.matrix_[j, i] == effect
    heatmap.figure_.savefig(tmp_path / "heatmap.png")

    network = InteractionNetworkDisplay.from_estimator(fitted_tnid, top=6, all_features=True)
    assert len(network.edges_) + len(network.hyperedges_) == 6
    assert len(network.hyperedges_) == (top["order"] >= 3).sum()
    assert list(network.node_positions_) == [f"x{i}" for i in range(10)]
    network.figure_.savefig(tmp_path / "network.png")


def test_import_needs_no_matplotlib_and_plot_names_the_extra():
    # `import sk_interact` does not load matplotlib; without it, drawing says what to install.
    code = textwrap.dedent(
        """
        import sys
        import sk_interact
        assert "matplotlib" not in sys.modules, "matplotlib imported eagerly"
        sys.modules["matplotlib"] = None  # as if it were not installed
        import pandas as pd
        from sk_interact.plotting import InteractionRankingDisplay
        ranking = pd.DataFrame({"features": [("a", "b")], "strength": [1.0], "effect": [1.0]})
        try:
            InteractionRankingDisplay.from_ranking(ranking)
        except ImportError as error:
            assert "sk-interact[plot]" in str(error), error
        else:
            raise AssertionError("no ImportError")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


# ---------------------------------------------------------------------------------------
# top= on the heatmap and the network


@pytest.mark.parametrize(
    ("top", "names"),
    [(1, ["a", "b"]), (2, ["a", "b", "c"]), (3, ["a", "b", "c", "d"]), (50, ["a", "b", "c", "d"])],
)
def test_heatmap_top_shows_only_the_features_of_the_top_pairs(ranking, top, names):
    # pairs by strength: (a, b) 4, (a, c) 1, (c, d) 0.5, (b, d) 0.25; the triple is no pair
    display = InteractionHeatmapDisplay.from_ranking(ranking, top=top)
    assert [t.get_text() for t in display.ax_.get_xticklabels()] == names
    assert [t.get_text() for t in display.ax_.get_yticklabels()] == names
    assert display.feature_names_ == names
    assert display.feature_indices_.tolist() == ["abcd".index(name) for name in names]
    full = InteractionHeatmapDisplay.from_ranking(ranking).matrix_
    shown = display.feature_indices_
    np.testing.assert_array_equal(display.matrix_, full[np.ix_(shown, shown)])


def test_heatmap_top_keeps_every_scored_pair_among_the_shown_features(ranking):
    # top=2 shows a, b, c: (a, b) and (a, c) are drawn, (b, c) was never scored as a pair
    display = InteractionHeatmapDisplay.from_ranking(ranking, top=2, value="strength")
    np.testing.assert_array_equal(
        display.matrix_, [[np.nan, 4.0, 1.0], [4.0, np.nan, np.nan], [1.0, np.nan, np.nan]]
    )


def test_heatmap_top_needs_pairs(ranking):
    triples = ranking[ranking["order"] == 3]
    with pytest.raises(ValueError, match="no interaction of order 2"):
        InteractionHeatmapDisplay.from_ranking(triples, top=1)


def test_top_restricts_the_estimator_plots_to_the_top_features(fitted_tnid):
    # heatmap: features of the top-3 pairs; network: features of the top-3 rows
    ranking = fitted_tnid.interactions_
    pairs = ranking[ranking["order"] == 2].head(3)
    expected = sorted({i for s in pairs["indices"] for i in s})
    heatmap = InteractionHeatmapDisplay.from_estimator(fitted_tnid, top=3)
    assert [t.get_text() for t in heatmap.ax_.get_xticklabels()] == [f"x{i}" for i in expected]
    network = InteractionNetworkDisplay.from_estimator(fitted_tnid, top=3)
    expected = sorted({i for s in ranking.head(3)["indices"] for i in s})
    assert list(network.node_positions_) == [f"x{i}" for i in expected]


# ---------------------------------------------------------------------------------------
# Legible at real width: 108 one-hot features with long names

N_WIDE = 108
LONG = "native-country \N{MULTIPLICATION SIGN} marital-status_Married-civ-spouse"


@pytest.fixture(scope="module")
def wide_ranking():
    """120 pairs over 108 features named like one-hot columns (51+ characters)."""
    names = [f"{LONG}_{i}" for i in range(N_WIDE)]
    rng = np.random.default_rng(0)
    pairs = [(i, (i + 1 + 7 * i) % N_WIDE) for i in range(N_WIDE)]
    pairs = sorted({tuple(sorted(p)) for p in pairs if p[0] != p[1]})
    strength = rng.permutation(len(pairs)) + 1.0
    return pd.DataFrame(
        {
            "features": [(names[i], names[j]) for i, j in pairs],
            "indices": pairs,
            "order": 2,
            "strength": strength,
            "effect": strength * np.where(np.arange(len(pairs)) % 2, 1.0, -1.0),
        }
    ), names


def _inside(inner, outer, tolerance=1.0):
    return (
        inner.x0 >= outer.x0 - tolerance
        and inner.y0 >= outer.y0 - tolerance
        and inner.x1 <= outer.x1 + tolerance
        and inner.y1 <= outer.y1 + tolerance
    )


def test_wide_heatmap_labels_shrink_to_the_floor_and_are_shortened(wide_ranking):
    # 108 labels: font size at the floor, not below; 30 characters with an ellipsis;
    # full names kept in feature_names_; the figure grew and cuts off no label
    ranking, names = wide_ranking
    display = InteractionHeatmapDisplay.from_ranking(ranking, feature_names=names)
    labels = display.ax_.get_xticklabels() + display.ax_.get_yticklabels()
    assert len(labels) == 2 * N_WIDE
    sizes = {label.get_fontsize() for label in labels}
    assert sizes == {MIN_FONTSIZE}
    texts = [label.get_text() for label in labels]
    assert all(len(text) == 30 and "\N{HORIZONTAL ELLIPSIS}" in text for text in texts)
    # 15 characters from the start, the ellipsis, 14 from the end (the one-hot level)
    assert texts[0] == "native-country \N{HORIZONTAL ELLIPSIS}d-civ-spouse_0"
    assert display.feature_names_ == names
    assert all(label.get_rotation() == 90 for label in display.ax_.get_xticklabels())
    width, height = display.figure_.get_size_inches()
    assert width > 6.4 and height > 4.8
    display.figure_.canvas.draw()
    figure_box = display.figure_.bbox
    assert all(_inside(label.get_window_extent(), figure_box) for label in labels)


def test_small_plots_keep_the_default_font_size(ranking):
    # up to 20 labels nothing shrinks
    display = InteractionHeatmapDisplay.from_ranking(ranking)
    assert {t.get_fontsize() for t in display.ax_.get_yticklabels()} == {
        matplotlib.font_manager.FontProperties(
            size=matplotlib.rcParams["ytick.labelsize"]
        ).get_size_in_points()
    }


def test_max_label_length_none_keeps_names_whole(wide_ranking):
    ranking, names = wide_ranking
    display = InteractionHeatmapDisplay.from_ranking(
        ranking, feature_names=names, top=2, max_label_length=None
    )
    assert [t.get_text() for t in display.ax_.get_yticklabels()] == display.feature_names_
    assert all(name in names for name in display.feature_names_)


@pytest.mark.parametrize("top", [None, 15])
def test_wide_network_legend_lies_outside_the_axes_and_labels_fit(wide_ranking, top):
    # the legend's window extent is right of the axes' (it covers no node); every node
    # label is shortened, at least the floor size and inside the axes
    ranking, names = wide_ranking
    display = InteractionNetworkDisplay.from_ranking(
        ranking, top=top, feature_names=names if top is None else None
    )
    figure = display.figure_
    figure.canvas.draw()
    axes_box = display.ax_.get_window_extent()
    legend_box = display.ax_.get_legend().get_window_extent()
    assert legend_box.x0 >= axes_box.x1 - 1.0
    nodes = display.ax_.transData.transform(list(display.node_positions_.values()))
    assert not legend_box.count_contains(nodes)
    assert _inside(legend_box, figure.bbox)
    strongest = ranking.nlargest(top or len(ranking), "strength")["indices"]
    expected = (
        names if top is None else [names[i] for i in sorted({i for s in strongest for i in s})]
    )
    assert list(display.node_positions_) == expected
    assert len(display.labels_) == len(expected)
    for label in display.labels_:
        assert label.get_fontsize() >= MIN_FONTSIZE
        assert len(label.get_text()) == 30
        assert _inside(label.get_window_extent(), axes_box)


def test_network_labels_point_away_from_the_centre(wide_ranking):
    # many nodes: right-half labels start at their node (left-aligned), left-half
    # labels end at it (right-aligned), each turned along its radius
    ranking, names = wide_ranking
    display = InteractionNetworkDisplay.from_ranking(ranking, top=None, feature_names=names)
    for label, (x, y) in zip(display.labels_, display.node_positions_.values()):
        angle = np.degrees(np.arctan2(y, x))
        if x > 1e-9:
            assert label.get_ha() == "left"
            assert label.get_rotation() == pytest.approx(angle % 360)
        elif x < -1e-9:
            assert label.get_ha() == "right"
            assert label.get_rotation() == pytest.approx((angle - 180) % 360)


def test_long_ranking_title_is_wrapped_inside_the_figure(wide_ranking):
    # a title wider than the axes is broken into lines and is not cut off
    ranking, _ = wide_ranking
    title = (
        "T-NID pairwise interactions of the one-hot encoded Adult data set, 108 features, "
        "logit scale, mean over the four representative samples"
    )
    display = InteractionRankingDisplay.from_ranking(ranking, top=25, title=title)
    text = display.ax_.get_title()
    assert "\n" in text and text.replace("\n", " ") == title
    display.figure_.canvas.draw()
    assert _inside(display.ax_.title.get_window_extent(), display.figure_.bbox)
    for label in display.ax_.get_yticklabels():
        assert _inside(label.get_window_extent(), display.figure_.bbox)
        assert label.get_fontsize() >= MIN_FONTSIZE


@pytest.mark.parametrize(
    "Display", [InteractionRankingDisplay, InteractionHeatmapDisplay, InteractionNetworkDisplay]
)
def test_from_estimator_accepts_a_fitted_pipeline(Display):
    # A Pipeline whose last step is an explainer plots that step's ranking and names.
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y, _ = make_tsang_benchmark("F1", n_samples=600, random_state=0)
    frame = pd.DataFrame(X, columns=[f"col{i}" for i in range(X.shape[1])])
    tnid = TNIDDetector(hidden_layer_sizes=(8,), max_epochs=3, random_state=0)
    pipe = make_pipeline(StandardScaler().set_output(transform="pandas"), tnid).fit(frame, y)
    display = Display.from_estimator(pipe)
    shown = display.ranking.reset_index(drop=True)
    pd.testing.assert_frame_equal(shown, tnid.interactions_.head(len(shown)))
    with pytest.raises(NotFittedError):
        Display.from_estimator(make_pipeline(StandardScaler(), TNIDDetector()))
