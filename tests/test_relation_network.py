"""The Relation Network: shapes, the factorised first layer of g, and skorch training."""

import numpy as np
import pytest
import torch
from skorch import NeuralNetClassifier
from torch import nn

from sk_interact.datasets import RelationNetwork, make_sort_of_clevr, sort_of_clevr_inputs

SMALL = dict(channels=8, g_width=16, g_layers=2, f_width=16)


def _inputs(batch, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(batch, 3, 75, 75, generator=generator), torch.rand(
        batch, 18, generator=generator
    )


@pytest.mark.parametrize("activation", ["gelu", "relu", "softplus"])
def test_shapes(activation):
    # 75×75 images and 18-dim questions give 10 logits through a 5×5 region grid
    net = RelationNetwork(activation=activation, **SMALL)
    image, question = _inputs(4)
    assert net(image, question).shape == (4, 10)
    assert net.cnn(image).shape == (4, 8, 5, 5)
    assert net.objects(net.cnn(image)).shape == (4, 25, 10)


def test_default_architecture():
    # the reference's layout: 4 conv blocks of 24 channels, g_layers Linear layers in g
    net = RelationNetwork()
    convs = [m for m in net.cnn if isinstance(m, nn.Conv2d)]
    assert [(c.in_channels, c.out_channels, c.stride) for c in convs] == [
        (3, 24, (2, 2)),
        (24, 24, (2, 2)),
        (24, 24, (2, 2)),
        (24, 24, (2, 2)),
    ]
    assert net.g_input.in_features == 2 * 26 + 18
    assert sum(isinstance(m, nn.Linear) for m in net.g) + 1 == 4
    assert isinstance(net.g[0], nn.GELU)
    assert net(*_inputs(2)).shape == (2, 10)


def test_factorised_first_layer_equals_concatenation():
    # W_a o_i + W_b o_j + W_q q + b per pair is g_input on the concatenated [o_i, o_j, q]
    torch.manual_seed(0)
    net = RelationNetwork(**SMALL).double()
    objects = torch.randn(3, 25, 10, dtype=torch.float64)
    question = torch.randn(3, 18, dtype=torch.float64)
    n = objects.shape[1]
    o_i = objects[:, :, None, :].expand(3, n, n, 10)
    o_j = objects[:, None, :, :].expand(3, n, n, 10)
    q = question[:, None, None, :].expand(3, n, n, 18)
    explicit = net.g(net.g_input(torch.cat([o_i, o_j, q], dim=-1))).sum(dim=(1, 2))
    torch.testing.assert_close(net.relations(objects, question), explicit)


def test_coordinates_are_the_intended_grid():
    # cell i = 5 row + col sits at ((row - 2) / 2, (col - 2) / 2), not the reference's i / 5
    coords = RelationNetwork.coordinates(5, 5)
    expected = torch.tensor([[(i // 5 - 2) / 2, (i % 5 - 2) / 2] for i in range(25)])
    torch.testing.assert_close(coords, expected)
    net = RelationNetwork(**SMALL)
    feature_map = torch.randn(2, 8, 5, 5)
    objects = net.objects(feature_map)
    torch.testing.assert_close(objects[:, :, 8:], expected.expand(2, 25, 2))
    # the features are the cells in row-major order
    torch.testing.assert_close(objects[:, 7, :8], feature_map[:, :, 1, 2])


def test_dropout_off_in_eval():
    # a real nn.Dropout: two evaluation forwards agree, two training forwards do not
    torch.manual_seed(0)
    net = RelationNetwork(**SMALL)
    image, question = _inputs(8)
    net.eval()
    with torch.no_grad():
        torch.testing.assert_close(net(image, question), net(image, question))
    net.train()
    with torch.no_grad():
        assert not torch.allclose(net(image, question), net(image, question))


def test_relations_invariant_to_permuting_objects():
    # g is summed over all ordered pairs, so the order of the objects does not matter
    torch.manual_seed(0)
    net = RelationNetwork(**SMALL).double()
    objects = torch.randn(2, 25, 10, dtype=torch.float64)
    question = torch.randn(2, 18, dtype=torch.float64)
    permuted = objects[:, torch.randperm(25)]
    torch.testing.assert_close(net.relations(permuted, question), net.relations(objects, question))


def test_sort_of_clevr_inputs():
    # one image copy and one question per row, float32
    data = make_sort_of_clevr(3, questions_per_image=4, random_state=0)
    X = sort_of_clevr_inputs(data)
    assert X["image"].dtype == X["question"].dtype == np.float32
    assert X["image"].shape == (12, 3, 75, 75)
    np.testing.assert_array_equal(X["image"][5], data.images[data.question_image[5]])
    np.testing.assert_array_equal(X["question"], data.questions)


def _classifier(**kwargs):
    params = dict(
        module__g_width=32,
        module__g_layers=2,
        module__f_width=32,
        module__channels=8,
        criterion=nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        max_epochs=2,
        train_split=None,
        batch_size=32,
        iterator_train__shuffle=True,
        verbose=0,
    )
    params.update(kwargs)
    return NeuralNetClassifier(RelationNetwork, **params)


def test_skorch_fits_dict_inputs():
    # skorch feeds {"image", "question"} as keyword arguments to forward
    torch.manual_seed(0)
    data = make_sort_of_clevr(20, random_state=0)
    X = sort_of_clevr_inputs(data)
    clf = _classifier().fit(X, data.answers)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(data.answers), 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert clf.predict(X).shape == data.answers.shape


def test_training_loss_decreases():
    # a tiny set of 64 questions is overfit: the loss falls over 5 epochs
    torch.manual_seed(0)
    data = make_sort_of_clevr(8, questions_per_image=8, random_state=1)
    X = sort_of_clevr_inputs(data)
    clf = _classifier(max_epochs=5, lr=3e-3).fit(X, data.answers)
    losses = clf.history[:, "train_loss"]
    assert losses[-1] < losses[0]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"channels": 0}, "channels"),
        ({"g_width": 2.5}, "g_width"),
        ({"g_layers": True}, "g_layers"),
        ({"f_width": -1}, "f_width"),
        ({"question_dim": 0}, "question_dim"),
        ({"n_answers": "10"}, "n_answers"),
        ({"activation": "tanh"}, "activation"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RelationNetwork(**kwargs)


def test_bad_inputs():
    net = RelationNetwork(**SMALL)
    image, question = _inputs(2)
    with pytest.raises(ValueError, match="question"):
        net(image, question[:, :10])
    with pytest.raises(ValueError, match="image"):
        net(image[:, :1], question)
    with pytest.raises(ValueError, match="image"):
        net(image[:1], question)
