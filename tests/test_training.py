"""skorch training glue: reproducibility, early stopping, targets, standardization."""

import functools
import warnings

import numpy as np
import pytest
import torch
from skorch import NeuralNetBinaryClassifier, NeuralNetClassifier, NeuralNetRegressor

from sk_interact._derivatives import hessian
from sk_interact._networks import MLP
from sk_interact._training import fit_network, seed_from_random_state


@pytest.fixture(scope="module")
def product_data():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(1500, 3))
    y = 40.0 * X[:, 0] * X[:, 1] + 7.0
    return X, y


def _small(d=3, n_outputs=1):
    return functools.partial(MLP, d, (32, 32), n_outputs=n_outputs)


def _weights(net):
    return [p.detach().clone() for p in net.module_.parameters()]


def test_same_seed_gives_bit_identical_networks(product_data):
    # random_state=0 twice: identical weights, history and predictions, bit for bit.
    X, y = product_data
    a = fit_network(_small(), X, y, max_epochs=5, random_state=0)
    b = fit_network(_small(), X, y, max_epochs=5, random_state=0)
    for p, q in zip(_weights(a), _weights(b)):
        assert torch.equal(p, q)
    assert a.history[:, "valid_loss"] == b.history[:, "valid_loss"]
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    c = fit_network(_small(), X, y, max_epochs=5, random_state=1)
    assert not torch.equal(_weights(a)[0], _weights(c)[0])


def test_fitting_leaves_global_torch_random_state_alone(product_data):
    # Seeding happens in a forked RNG: the caller's torch random stream is unchanged.
    X, y = product_data
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    fit_network(_small(), X, y, max_epochs=2, random_state=0)
    torch.testing.assert_close(torch.rand(3), expected)


def test_regression_learns_a_product_in_raw_units(product_data):
    # A planted product x0·x1 with scale 40 and offset 7 is fit in the target's units.
    X, y = product_data
    net = fit_network(_small(), X, y, max_epochs=60, random_state=0)
    assert isinstance(net, NeuralNetRegressor)
    pred = net.predict(X)
    assert pred.shape == (len(X), 1)
    r2 = 1 - ((pred[:, 0] - y) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert r2 > 0.98


def test_one_dimensional_targets_are_trained_as_columns(product_data):
    # 1-D y trains exactly like y[:, None] (no silent (n,) vs (n, 1) broadcasting).
    X, y = product_data
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # skorch/torch warn when MSE broadcasts
        flat = fit_network(_small(), X, y, max_epochs=3, random_state=0)
    column = fit_network(_small(), X, y[:, None], max_epochs=3, random_state=0)
    np.testing.assert_array_equal(flat.predict(X), column.predict(X))


def test_early_stopping_stops_and_restores_the_best_epoch():
    # Pure-noise targets stop long before max_epochs, `patience` epochs after the best.
    rng = np.random.RandomState(1)
    X, y = rng.normal(size=(400, 3)), rng.normal(size=400)
    net = fit_network(_small(), X, y, max_epochs=300, patience=3, lr=1e-2, random_state=0)
    losses = net.history[:, "valid_loss"]
    best = int(np.argmin(losses))
    assert len(losses) < 300
    assert len(losses) == best + 1 + 3
    assert net.history[best, "valid_loss_best"]


def test_patience_none_trains_all_epochs(product_data):
    # Without early stopping every epoch runs.
    X, y = product_data
    net = fit_network(_small(), X, y, max_epochs=4, patience=None, random_state=0)
    assert len(net.history) == 4


def test_no_validation_split_monitors_training_loss(product_data):
    # validation_fraction=None trains on every row and monitors the training loss.
    X, y = product_data
    net = fit_network(_small(), X, y, max_epochs=3, validation_fraction=None, random_state=0)
    assert "valid_loss" not in net.history[-1]
    assert net.history[-1, "train_loss"] > 0


def test_standardization_is_stored_in_the_module(product_data):
    # Feature and target means/stds are fixed layers; the inner network sees z-scores.
    X, y = product_data
    net = fit_network(_small(), X, y, max_epochs=2, random_state=0)
    module = net.module_
    std = torch.tensor(X.std(axis=0), dtype=torch.float32)
    torch.testing.assert_close(module.standardize.scale, 1 / std)
    torch.testing.assert_close(
        module.unstandardize.shift, torch.tensor([y.mean()], dtype=torch.float32)
    )
    Xt = torch.tensor(X[:4], dtype=torch.float32)
    Z = (Xt - torch.tensor(X.mean(axis=0), dtype=torch.float32)) * module.standardize.scale
    torch.testing.assert_close(
        module(Xt), module.network(Z) * float(y.std()) + float(y.mean()), rtol=1e-5, atol=1e-4
    )


def test_without_standardization_the_scalings_are_identities(product_data):
    # standardize=False keeps the same module layout with identity scalings.
    X, y = product_data
    net = fit_network(_small(), X, y, max_epochs=2, standardize=False, random_state=0)
    torch.testing.assert_close(net.module_.standardize.scale, torch.ones(3))
    Xt = torch.tensor(X[:4], dtype=torch.float32)
    torch.testing.assert_close(net.module_(Xt), net.module_.network(Xt))


def test_classification_and_binary_tasks():
    # Multi-class logits (softmax) and one binary logit (sigmoid) both learn a sign product.
    rng = np.random.RandomState(2)
    X = rng.uniform(-1, 1, size=(1200, 2))
    labels = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    multi = fit_network(
        _small(2, 2), X, labels, task="classification", max_epochs=40, random_state=0
    )
    assert isinstance(multi, NeuralNetClassifier)
    proba = multi.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert (multi.predict(X) == labels).mean() > 0.9
    binary = fit_network(_small(2, 1), X, labels, task="binary", max_epochs=40, random_state=0)
    assert isinstance(binary, NeuralNetBinaryClassifier)
    assert (binary.predict(X) == labels).mean() > 0.9


def test_caller_data_and_module_are_not_modified(product_data):
    # The caller's arrays and a module instance passed in are left exactly as they were.
    X, y = product_data
    X_before, y_before = X.copy(), y.copy()
    torch.manual_seed(0)
    template = MLP(3, (8,))
    weights_before = [p.detach().clone() for p in template.parameters()]
    net = fit_network(template, X, y, max_epochs=2, random_state=0)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    for p, q in zip(template.parameters(), weights_before):
        assert torch.equal(p.detach(), q)
    assert net.module_.network is not template


def test_kernels_differentiate_a_trained_skorch_module(product_data):
    # The fitted module_ goes straight into the kernels (float32, eval mode); the
    # learned x0·x1 cross partial is ≈ 40 in raw units, the others ≈ 0.
    X, y = product_data
    net = fit_network(_small(), X, y, max_epochs=60, random_state=0)
    H = hessian(net.module_, torch.tensor(X[:200], dtype=torch.float32)).mean(dim=0)
    assert abs(H[0, 1].item() - 40.0) < 4.0
    assert abs(H[0, 2].item()) < 4.0 and abs(H[1, 2].item()) < 4.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"task": "ranking"}, "task must be one of"),
        ({"max_epochs": 0}, "max_epochs"),
        ({"lr": -1.0}, "lr"),
        ({"batch_size": 2.5}, "batch_size"),
        ({"patience": 0}, "patience"),
        ({"validation_fraction": 1.0}, "validation_fraction"),
    ],
)
def test_bad_parameters_raise_before_training(kwargs, message):
    # Each bad parameter is named in a ValueError.
    X, y = np.zeros((10, 3)), np.zeros(10)
    with pytest.raises(ValueError, match=message):
        fit_network(_small(), X, y, **kwargs)


def test_bad_data_raises_before_training():
    # NaN features, length mismatches and labels that are not class codes are refused.
    X = np.zeros((10, 3))
    with pytest.raises(ValueError, match="NaN"):
        fit_network(_small(), np.full((10, 3), np.nan), np.zeros(10))
    with pytest.raises(ValueError, match="different lengths"):
        fit_network(_small(), X, np.zeros(9))
    with pytest.raises(ValueError, match="class codes"):
        fit_network(_small(3, 2), X, np.array(["a", "b"] * 5), task="classification")
    with pytest.raises(ValueError, match=r"\{0, 1\}"):
        fit_network(_small(), X, np.arange(10), task="binary")
    with pytest.raises(TypeError, match=r"nn\.Module"):
        fit_network(lambda: "not a module", X, np.zeros(10))


def test_seed_from_random_state_is_deterministic_for_ints():
    # Ints map to a fixed seed; a RandomState instance advances.
    assert seed_from_random_state(3) == seed_from_random_state(3)
    rng = np.random.RandomState(0)
    assert seed_from_random_state(rng) != seed_from_random_state(rng)


def test_batched_fetching_trains_exactly_like_per_row_fetching(product_data):
    # BatchDataset is a pure speed-up: same losses and weights as skorch's per-row path.
    from skorch.dataset import Dataset
    from torch.utils.data import default_collate

    X, y = product_data
    fast = fit_network(_small(), X, y, max_epochs=3, random_state=0)
    slow = fit_network(
        _small(),
        X,
        y,
        max_epochs=3,
        random_state=0,
        dataset=Dataset,
        iterator_train__collate_fn=default_collate,
        iterator_valid__collate_fn=default_collate,
    )
    assert fast.history[:, "valid_loss"] == slow.history[:, "valid_loss"]
    for p, q in zip(_weights(fast), _weights(slow)):
        assert torch.equal(p, q)


def test_predict_accepts_dataframes_and_float64(product_data):
    # Users call net.predict on DataFrames and float64 arrays: same predictions.
    import pandas as pd

    X, y = product_data
    net = fit_network(_small(), X, y, max_epochs=2, random_state=0)
    expected = net.predict(X.astype(np.float32))
    np.testing.assert_allclose(net.predict(X), expected, rtol=1e-6)
    frame = pd.DataFrame(X.astype(np.float32), columns=["a", "b", "c"])
    np.testing.assert_allclose(net.predict(frame.to_numpy()), expected, rtol=1e-6)


def test_ensemble_members_train_together_and_split_exactly(product_data):
    # fit_ensemble trains E members in one skorch fit; each split-out member predicts
    # exactly its column of the ensemble, in raw units, and they differ from each other.
    from sk_interact._training import fit_ensemble

    X, y = product_data
    nets = fit_ensemble(3, (3, (16,), "gelu"), X, y, max_epochs=40, random_state=0)
    assert len(nets) == 3
    predictions = np.column_stack([net.predict(X)[:, 0] for net in nets])
    assert not np.allclose(predictions[:, 0], predictions[:, 1])
    for column in predictions.T:
        r2 = 1 - ((column - y) ** 2).sum() / ((y - y.mean()) ** 2).sum()
        assert r2 > 0.9
    assert len(nets[0].history) == len(nets[2].history) > 0


def test_plateau_schedule_decays_the_learning_rate_when_the_loss_stalls():
    # On pure noise the validation loss stalls at once: "plateau" cuts the rate by 0.3
    # (at least once); "constant" keeps it.
    rng = np.random.RandomState(3)
    X, y = rng.normal(size=(300, 3)), rng.normal(size=300)
    kwargs = {"max_epochs": 30, "patience": 8, "lr": 1e-2, "random_state": 0}
    decayed = fit_network(_small(), X, y, lr_schedule="plateau", **kwargs)
    constant = fit_network(_small(), X, y, **kwargs)
    assert decayed.optimizer_.param_groups[0]["lr"] <= 1e-2 * 0.3 + 1e-12
    assert constant.optimizer_.param_groups[0]["lr"] == 1e-2
    with pytest.raises(ValueError, match="lr_schedule"):
        fit_network(_small(), X, y, lr_schedule="cosine")


def test_verbose_one_shows_an_epoch_bar_and_zero_is_silent(capsys):
    # verbose=1: a tqdm bar over the epochs on stderr; verbose=0: no output at all.
    X = np.random.RandomState(0).uniform(-1, 1, size=(200, 2))
    y = X[:, 0] * X[:, 1]
    factory = functools.partial(MLP, 2, (8,))
    fit_network(factory, X, y, max_epochs=3, random_state=0, verbose=0)
    quiet = capsys.readouterr()
    assert quiet.out == "" and quiet.err == ""
    fit_network(factory, X, y, max_epochs=3, random_state=0, verbose=1)
    loud = capsys.readouterr()
    assert "training" in loud.err and "/3" in loud.err and "epoch" in loud.err
    assert loud.out == ""  # not skorch's table
    fit_network(factory, X, y, max_epochs=3, random_state=0, verbose=2)
    assert "train_loss" in capsys.readouterr().out  # skorch's table
