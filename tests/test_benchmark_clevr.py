"""Tests for the Sort-of-CLEVR benchmarks' scoring and state descriptions.

``benchmarks/sort_of_clevr.py`` holds the Table 3 protocol (which objects a question is
about, when a region pair is a hit) and ``benchmarks/sort_of_clevr_objects.py`` the
state-description relation network; both live outside the package and are imported
from their files. Known answers are worked out by hand on small scenes.
"""

import importlib
from pathlib import Path

import numpy as np
import pytest
import torch

from sk_interact import TaylorCAMExplainer
from sk_interact.datasets import make_sort_of_clevr

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def modules():
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCHMARKS))
        protocol = importlib.import_module("sort_of_clevr")
        objects = importlib.import_module("sort_of_clevr_objects")
    return protocol, objects


def test_annotated_objects(modules):
    protocol, _ = modules
    assert protocol.annotated("closest", (2, 5)) == (2, {5})
    assert protocol.annotated("count", (1, 3, 4)) == (1, {3, 4})
    # a count of 1: every other object decides it by having the other shape
    assert protocol.annotated("count", (4,)) == (4, {0, 1, 2, 3, 5})


def test_hit_needs_one_cell_on_each_object_and_covers_allows_one_for_both(modules):
    protocol, _ = modules
    query, others = {3, 4}, [{9}, {12}]
    assert protocol.is_hit((4, 12), query, others)
    assert protocol.is_hit((9, 3), query, others)
    assert not protocol.is_hit((3, 4), query, others)  # both cells on the queried object
    assert not protocol.is_hit((4, 7), query, others)
    # two objects inside one cell: a miss for is_hit, a hit for the looser reading
    assert not protocol.is_hit((5, 6), {5}, [{5}])
    assert protocol.covers((5, 6), {5}, [{5}])
    assert not protocol.covers((6, 7), {5}, [{5}])
    # chance: of the 6 pairs of 4 regions, (0, 1) and (0, 2) are hits
    assert protocol.chance({0}, [{1}, {2}], 4) == pytest.approx(2 / 6)


def test_state_descriptions_follow_the_object_table(modules):
    _, objects = modules
    data = make_sort_of_clevr(3, questions_per_image=1, random_state=0)
    states = objects.state_descriptions(data)
    assert states.shape == (3, 6, objects.STATE_DIM) and states.dtype == np.float32
    for row in data.objects.itertuples():
        state = states[row.image, row.color_index]
        assert np.argmax(state[:6]) == row.color_index and state[:6].sum() == 1
        assert state[6] == (row.shape == "square")
        # centre column / row 0 -> -1 and 74 -> 1 on a 75-pixel image
        np.testing.assert_allclose(state[7:], [(row.x - 37) / 37, (row.y - 37) / 37])


def test_state_relation_network_is_explained_over_objects(modules):
    _, objects = modules
    torch.manual_seed(0)
    net = objects.StateRelationNetwork(g_width=8, g_layers=2).eval()
    state, question = torch.rand(3, 6, objects.STATE_DIM), torch.zeros(3, 18)
    assert net(state, question).shape == (3, 10)
    saliences = (
        TaylorCAMExplainer(model=net, target_layer="objects")
        .fit()
        .saliences({"state": state, "question": question})
    )
    assert saliences.shape == (3, 6, 6)
    np.testing.assert_allclose(saliences, saliences.transpose(0, 2, 1))
    assert np.all(np.diagonal(saliences, axis1=1, axis2=2) == 0)
    assert np.all(saliences[:, ~np.eye(6, dtype=bool)] > 0)


class _PlantedPair(torch.nn.Module):
    """Class 0's logit is the dot product of regions 0 and 3: their pair ranks first."""

    def __init__(self):
        super().__init__()
        self.objects = torch.nn.Identity()
        self.scale = torch.nn.Parameter(torch.ones(()))

    def forward(self, x):
        regions = self.objects(x)
        z = self.scale * (regions[:, 0] * regions[:, 3]).sum(-1)
        return torch.stack([z, -z], dim=1)


# The receptive-field reading scores the same top pair against grown annotations: a
# pair that misses the grid-cell annotation can hit the grown one, and the rate is
# only reported when grown annotations are given.
def test_rank_and_score_scores_the_top_pair_against_both_annotations(modules):
    protocol, _ = modules
    x = torch.rand(4, 6, 3) + 0.5
    truth = [({0}, [{5}])] * 4  # the planted partner, region 3, is not annotated
    wide = [({0, 1}, [{3, 4}])] * 4  # grown annotations reach it
    params = {"order": 2}
    scores, tops = protocol.rank_and_score(
        _PlantedPair(), "objects", x, np.zeros(4, dtype=int), truth, params, wide_truth=wide
    )
    assert [set(pair) for pair in tops] == [{0, 3}] * 4
    assert scores["hits"] == 0 and scores["rate_receptive"] == 1.0
    plain, _ = protocol.rank_and_score(
        _PlantedPair(), "objects", x, np.zeros(4, dtype=int), wide, params
    )
    assert plain["rate"] == 1.0 and "rate_receptive" not in plain


def test_partner_rank_orders_candidates_by_distance(modules):
    protocol, objects = modules
    # object 0 queried at the origin; the others at x = 0.1, 0.5, 0.2, 0.9, 0.3
    centres = np.zeros((6, 2))
    centres[:, 0] = [0.0, 0.1, 0.5, 0.2, 0.9, 0.3]

    def rank(qtype, pair, cells=objects.OWN_REGION):
        return protocol.partner_rank(qtype, centres, 0, pair, cells)

    assert rank("closest", (0, 1)) == 1
    assert rank("closest", (3, 0)) == 2
    assert rank("closest", (0, 4)) == 5
    assert rank("furthest", (4, 0)) == 1
    assert rank("furthest", (0, 2)) == 2
    assert rank("closest", (2, 3)) == 0  # no queried object
    # grid cells: object 0 on cells {0, 1}, object 3 (2nd closest) and 4 share cell 7,
    # object 1 (closest) on cell 1 too; nothing on cell 9
    cells = {0: {0, 1}, 1: {1, 2}, 2: {5}, 3: {7}, 4: {7, 8}, 5: {6}}
    assert rank("closest", (0, 7), cells) == 2  # the best of objects 3 and 4
    assert rank("furthest", (7, 0), cells) == 1  # object 4 is the furthest
    assert rank("closest", (0, 9), cells) == -1  # the other cell is empty
    assert rank("closest", (0, 1), cells) == 1  # both cells on the query: either's others
    assert rank("closest", (5, 6), cells) == 0
    assert protocol.partner_counts([1, 2, 1, 0, -1]) == {"-1": 1, "0": 1, "1": 2, "2": 1}


def test_decision_margin_and_the_split_of_partners_by_it(modules):
    protocol, _ = modules
    # queried object 0 at the origin, the others at distances 1, 5, 2, 9, 3 along x
    centres = np.zeros((6, 2))
    centres[:, 0] = [0, 1, 5, 2, 9, 3]
    assert protocol.decision_margin("closest", centres, 0) == pytest.approx(1.0)  # 2 - 1
    assert protocol.decision_margin("furthest", centres, 0) == pytest.approx(4.0)  # 9 - 5
    ranks = [1, 2, 0, 1, 1, 2]
    margins = [0.1, 0.2, 0.05, 0.9, 0.8, 0.3]  # the 0 (no query) is left out of the median
    split = protocol.partners_by_margin(ranks, margins)
    assert split["median"] == pytest.approx(0.3)
    assert split["small"] == {"n": 3, "answer": 1, "runner_up": 2}
    assert split["large"] == {"n": 2, "answer": 2, "runner_up": 0}


def test_questions_gathers_whole_batches_like_single_rows(modules):
    protocol, _ = modules
    data = make_sort_of_clevr(4, questions_per_image=3, random_state=0)
    rows = np.array([7, 2, 11, 0])
    questions = protocol.Questions(data, rows)
    X, y = questions.__getitems__([2, 0, 3])
    for b, i in enumerate([2, 0, 3]):
        q = rows[i]
        np.testing.assert_array_equal(X["image"][b], data.images[data.question_image[q]])
        np.testing.assert_array_equal(X["question"][b], data.questions[q])
        assert y[b] == data.answers[q]
        single, answer = questions[i]
        np.testing.assert_array_equal(single["image"], X["image"][b])
        assert answer == y[b]
    # the DataLoader hands the gathered batch through as it is
    loader = torch.utils.data.DataLoader(questions, batch_size=3, collate_fn=protocol.as_batch)
    first, answers = next(iter(loader))
    assert first["image"].shape == (3, 3, 75, 75)
    np.testing.assert_array_equal(answers, data.answers[rows[:3]])


def test_learning_rate_warms_up_then_follows_the_schedule(modules):
    protocol, _ = modules
    from argparse import Namespace

    args = Namespace(lr=4e-4, warmup_epochs=2, schedule="step", lr_drop_epoch=5)
    rates = [protocol.learning_rate(args, epoch, 0.0) for epoch in range(1, 7)]
    np.testing.assert_allclose(rates, [4e-4 / 3, 8e-4 / 3, 4e-4, 4e-4, 4e-5, 4e-5])
    args = Namespace(lr=1e-3, warmup_epochs=0, schedule="cosine", lr_drop_epoch=0)
    assert protocol.learning_rate(args, 1, 0.0) == pytest.approx(1e-3)
    assert protocol.learning_rate(args, 9, 1.0) == pytest.approx(1e-5)
