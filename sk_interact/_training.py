"""skorch glue: build and fit a network for a module, reproducibly.

Everything the estimators share about training lives here, once: the choice of skorch
class and loss per task, early stopping on held-out rows, Adam, seeding from
``random_state`` (bit-reproducible on CPU), targets shaped ``(n, 1)`` for regression,
and the one feature/target scaling (:func:`standard_scaling`, with the one notion of a
constant column). What is explained, and how, is :mod:`sk_interact._explained_network`.
"""

from __future__ import annotations

import copy
import functools
import math
import numbers
from collections.abc import Callable, Sequence

import numpy as np
import torch
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from skorch import NeuralNetBinaryClassifier, NeuralNetClassifier, NeuralNetRegressor
from skorch.callbacks import Callback, EarlyStopping, LRScheduler
from skorch.dataset import Dataset
from skorch.helper import predefined_split
from torch import nn
from torch.optim.lr_scheduler import ReduceLROnPlateau
from torch.utils.data import default_collate
from tqdm.auto import tqdm

from sk_interact._networks import EnsembleMLP, StandardizedNetwork

__all__ = [
    "LR_SCHEDULES",
    "TASKS",
    "BatchDataset",
    "EpochProgressBar",
    "fit_ensemble",
    "fit_network",
    "power_of_two_unit",
    "prediction_net",
    "progress",
    "r2_in_units",
    "seed_from_random_state",
    "standard_scaling",
    "validation_rows",
]

#: Tasks and the skorch class each trains with. "classification" takes integer class
#: codes 0..C-1 and a module with C logits (softmax cross-entropy); "binary" takes
#: 0/1 targets and a module with one logit (sigmoid, as in Second Glance).
TASKS = {
    "regression": NeuralNetRegressor,
    "classification": NeuralNetClassifier,
    "binary": NeuralNetBinaryClassifier,
}


class BatchDataset(Dataset):
    """A skorch ``Dataset`` that fetches a whole mini-batch with one indexing operation.

    torch's ``DataLoader`` calls ``__getitems__`` with the batch's indices when it
    exists; per-row ``__getitem__`` plus collation costs more than a small MLP's forward
    and backward pass (three times the epoch time on the T-NID network). Inputs that
    are not plain arrays (dicts, DataFrames) fall back to skorch's per-row path.
    """

    def __getitems__(self, indices):
        if not isinstance(self.X, np.ndarray | torch.Tensor):
            return default_collate([self[i] for i in indices])
        index = np.asarray(indices)
        X = torch.as_tensor(self.X[index])
        y = torch.zeros(len(index)) if self.y is None else torch.as_tensor(self.y[index])
        return X, y


def collate_batch(batch):
    """Collation for :class:`BatchDataset`: its batches come already stacked."""
    return batch


class EpochProgressBar(Callback):
    """A tqdm bar over a fit's epochs (up to ``max_epochs``), with the latest losses.

    Shown by :func:`fit_network` for ``verbose=1``; the bar closes when training ends,
    early stopping included.
    """

    def __init__(self, description: str = "training"):
        self.description = description

    def on_train_begin(self, net, **kwargs):
        self.bar_ = tqdm(total=net.max_epochs, desc=self.description, unit="epoch", leave=False)

    def on_epoch_end(self, net, **kwargs):
        losses = {
            k: net.history[-1, k] for k in ("train_loss", "valid_loss") if k in net.history[-1]
        }
        self.bar_.set_postfix({k: f"{v:.4g}" for k, v in losses.items()}, refresh=False)
        self.bar_.update(1)

    def on_train_end(self, net, **kwargs):
        self.bar_.close()
        del self.bar_  # a trained net pickles and deep-copies without its terminal

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("bar_", None)
        return state


def progress(iterable, verbose: int, description: str, total: int | None = None):
    """``iterable`` behind a tqdm bar when ``verbose``, else unchanged."""
    if not verbose:
        return iterable
    return tqdm(iterable, desc=description, total=total, leave=False)


def seed_from_random_state(random_state) -> int:
    """Draw a torch seed from an sklearn ``random_state`` (None, int or RandomState).

    Examples
    --------
    >>> seed_from_random_state(0) == seed_from_random_state(0)
    True
    """
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def _check_int(value, name: str, *, minimum: int, allow_none: bool = False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        extra = " or None" if allow_none else ""
        raise ValueError(f"{name} must be an integer >= {minimum}{extra}, got {value!r}.")
    return int(value)


#: Learning-rate schedules: the paper's constant rate, or a tenfold-ish decay whenever
#: the monitored loss stalls (tighter fits, fewer spurious cross partials).
LR_SCHEDULES = ("constant", "plateau")


def _check_training_parameters(
    task, max_epochs, lr, batch_size, patience, validation_fraction, lr_schedule="constant"
):
    if task not in TASKS:
        raise ValueError(f"task must be one of {sorted(TASKS)}, got {task!r}.")
    if lr_schedule not in LR_SCHEDULES:
        raise ValueError(f"lr_schedule must be one of {list(LR_SCHEDULES)}, got {lr_schedule!r}.")
    _check_int(max_epochs, "max_epochs", minimum=1)
    _check_int(batch_size, "batch_size", minimum=1)
    _check_int(patience, "patience", minimum=1, allow_none=True)
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0 < lr < np.inf:
        raise ValueError(f"lr must be a positive finite number, got {lr!r}.")
    if validation_fraction is not None and (
        isinstance(validation_fraction, bool)
        or not isinstance(validation_fraction, numbers.Real)
        or not 0 <= validation_fraction < 1
    ):
        raise ValueError(
            "validation_fraction must be in [0, 1) or None (no validation split), "
            f"got {validation_fraction!r}."
        )


def _check_data(X, y, task):
    """Return float32 features and task-shaped targets, copies of the caller's arrays."""
    X = np.array(X, dtype=np.float64)  # a copy: the caller's array is never touched
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}.")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinity; impute or drop those rows first.")
    y = np.array(y)
    if len(y) != len(X):
        raise ValueError(f"X and y have different lengths: {len(X)} and {len(y)}.")
    if task == "regression":
        y = y.astype(np.float64)
        # skorch's MSE silently broadcasts (n,) against (n, 1) outputs: always (n, m).
        y = y.reshape(len(y), -1)
        if not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinity.")
        return X, y
    if task == "binary":
        if not np.isin(y, (0, 1)).all():
            raise ValueError("task='binary' needs y in {0, 1}; encode the labels first.")
        return X, y.astype(np.float32).reshape(-1)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError(
            "task='classification' needs y as integer class codes 0..C-1, e.g. from "
            "sklearn.preprocessing.LabelEncoder."
        )
    return X, y.astype(np.int64)


def validation_rows(y, validation_fraction, task: str, seed: int) -> np.ndarray | None:
    """Positions of the rows held out to monitor training, or None when too few.

    Classification splits are stratified when every class can appear on both sides; a
    split that would leave either side empty is skipped (training loss is monitored).
    The held-out rows are also where an estimator measures its ``validation_score_``.
    """
    if not validation_fraction:
        return None
    n = len(y)
    n_valid = math.ceil(validation_fraction * n)
    if n_valid < 1 or n - n_valid < 1:
        return None
    stratify = None
    if task != "regression":
        counts = np.unique(y, return_counts=True)[1]
        if counts.min() >= 2 and n_valid >= len(counts) and n - n_valid >= len(counts):
            stratify = y
    rows = np.arange(n)
    _, valid = train_test_split(rows, test_size=n_valid, stratify=stratify, random_state=seed)
    return np.sort(valid)


#: A column whose standard deviation is at most this share of its largest magnitude is
#: constant: float32 (the networks' precision, eps 1.2e-7) cannot tell its values apart.
CONSTANT_RTOL = 1e-6


def standard_scaling(A) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column means, scales and constant flags: the one scaling every network uses.

    A column is *constant* when its standard deviation is at most ``CONSTANT_RTOL`` times
    its largest absolute value (relative to the column's own magnitude: values around
    1e-7 or 1e30 with a real spread are not constant); it is scaled by 1, so its
    standardized values are ~0.

    Parameters
    ----------
    A : array-like of shape (n_samples, n_columns)

    Returns
    -------
    mean, scale : ndarray of shape (n_columns,), float64
    constant : ndarray of shape (n_columns,), bool

    Examples
    --------
    >>> import numpy as np
    >>> mean, scale, constant = standard_scaling(np.array([[1e-7, 5.0], [3e-7, 5.0]]))
    >>> scale.tolist(), constant.tolist()
    ([1e-07, 1.0], [False, True])
    """
    A = np.asarray(A, dtype=np.float64)
    A = A.reshape(len(A), -1)
    magnitude = np.abs(A).max(axis=0) if len(A) else np.zeros(A.shape[1])
    # Moments of each column divided by the power of two nearest its magnitude: exact
    # (the same bits as without it), but squares neither overflow near 1e300 nor
    # vanish near 1e-300.
    unit = np.ldexp(1.0, np.frexp(np.where(magnitude > 0, magnitude, 1.0))[1])
    S = A / unit
    centre = S.mean(axis=0)
    std = np.sqrt(np.mean((S - centre) ** 2, axis=0)) * unit
    constant = ~(std > CONSTANT_RTOL * magnitude)
    return centre * unit, np.where(constant, 1.0, std), constant


def power_of_two_unit(y) -> float:
    """The power of two nearest the spread of ``y`` (1 for a constant ``y``).

    Dividing by it is exact, so a computation on ``y / unit`` gives the same bits as on
    ``y`` wherever ``y``'s own squares neither overflow nor vanish, and finite ones
    where they would (targets near 1e±300).

    Examples
    --------
    >>> import numpy as np
    >>> power_of_two_unit(np.array([0.0, 3.0]))  # spread 1.5
    2.0
    """
    _, spread, _ = standard_scaling(y)  # the networks' scaling: 1 for a constant target
    return float(2.0 ** np.round(np.log2(spread[0])))


def r2_in_units(y_true, y_pred, sample_weight=None) -> float:
    """scikit-learn's ``r2_score`` of a single target, computed on both sides divided by
    :func:`power_of_two_unit` of ``y_true``: the same value, at any scale of ``y``."""
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    unit = power_of_two_unit(y_true)
    predicted = np.asarray(y_pred, dtype=np.float64).ravel() / unit
    return float(r2_score(y_true / unit, predicted, sample_weight=sample_weight))


def network_scaling(X, standardize: bool = True, unscaled=()) -> tuple[np.ndarray, np.ndarray]:
    """The shift and scale of the features a network is trained on.

    :func:`standard_scaling`'s mean and scale, except for the ``unscaled`` columns
    (one-hot dummies: already 0/1), which pass as they are; all pass without
    ``standardize``.
    """
    X = np.asarray(X, dtype=np.float64)
    if not standardize:
        return np.zeros(X.shape[1]), np.ones(X.shape[1])
    mean, scale, _ = standard_scaling(X)
    unscaled = list(unscaled)
    mean[unscaled], scale[unscaled] = 0.0, 1.0
    return mean, scale


def fit_network(
    module: nn.Module | Callable[[], nn.Module],
    X,
    y,
    *,
    task: str = "regression",
    standardize: bool = True,
    unscaled: Sequence[int] = (),
    standardize_target: bool | None = None,
    max_epochs: int = 200,
    lr: float = 3e-3,
    batch_size: int = 256,
    patience: int | None = 10,
    validation_fraction: float | None = 0.1,
    lr_schedule: str = "constant",
    device: str | torch.device = "cpu",
    random_state=None,
    validation_seed: int | None = None,
    verbose: int = 0,
    description: str = "training",
    **net_params,
):
    """Train ``module`` on ``(X, y)`` with skorch and return the fitted net.

    Parameters
    ----------
    module : nn.Module or callable returning one
        The network. A factory (e.g. ``functools.partial(MLP, 10)``) is called under the
        seed, so initial weights follow ``random_state``; an instance is deep-copied and
        trained from its current weights. The caller's module is never modified.
    X : array-like of shape (n_samples, n_features)
        Features; copied to float32.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Regression targets (reshaped to ``(n, 1)`` when 1-D), class codes ``0..C-1``
        for ``task="classification"``, or 0/1 for ``task="binary"``.
    task : {"regression", "classification", "binary"}, default="regression"
        Picks ``NeuralNetRegressor`` (MSE), ``NeuralNetClassifier`` (cross-entropy on
        logits) or ``NeuralNetBinaryClassifier`` (BCE on one logit).
    standardize : bool, default=True
        Standardize features (and regression targets) with their mean and standard
        deviation. The scalings are fixed layers of the returned module
        (:class:`~sk_interact._networks.StandardizedNetwork`), so ``net.predict`` takes
        raw features and returns raw-unit predictions, and ``net.module_.network`` is
        the network in standard units.
    unscaled : sequence of int, default=()
        Columns passed to the network as they are even when ``standardize`` (one-hot
        dummies, already on a 0/1 scale): see :func:`network_scaling`.
    standardize_target : bool, optional
        Standardize the targets; default: with ``standardize`` for regression. False
        keeps targets that are codes (an ensemble's class labels, one column each).
    max_epochs : int, default=200
        Upper bound on epochs.
    lr : float, default=3e-3
        Adam learning rate.
    batch_size : int, default=256
        Mini-batch size for training and prediction.
    patience : int or None, default=10
        Early stopping: stop after this many epochs without improvement of the
        validation loss (training loss when there is no validation split) and restore
        the best weights. None trains for ``max_epochs``.
    validation_fraction : float or None, default=0.1
        Share of the rows held out (stratified for classification when every class
        has two rows or more) to monitor. 0 or None, or data too few to split: no split.
    lr_schedule : {"constant", "plateau"}, default="constant"
        "plateau" multiplies the learning rate by 0.3 whenever the monitored loss has
        not improved for ``max(1, patience // 4)`` epochs (``ReduceLROnPlateau``):
        longer training, tighter fits.
    device : str or torch.device, default="cpu"
        Where to train.
    random_state : int, RandomState instance or None
        Seeds initialization, the validation split and shuffling. With an int the fit
        is bit-for-bit reproducible on CPU. torch's global random state is left as it
        was.
    validation_seed : int, optional
        Seed of the held-out split (default: drawn from ``random_state``); networks
        given one seed hold out the same rows.
    verbose : int, default=0
        0 is silent; 1 shows a progress bar over the epochs (tqdm); 2 prints skorch's
        per-epoch table.
    description : str, default="training"
        The progress bar's label with ``verbose=1``.
    **net_params
        Passed on to the skorch net, overriding the settings above where they overlap
        (e.g. ``optimizer__weight_decay=1e-4``).

    Returns
    -------
    net : skorch.NeuralNet
        The fitted net, in eval mode. ``net.module_`` is a ``StandardizedNetwork``
        (with identity scalings when ``standardize=False``) whose ``network`` is the
        trained module; ``net.validation_rows_`` holds the positions of the held-out
        rows (None without a split).

    Examples
    --------
    >>> import functools
    >>> import numpy as np
    >>> from sk_interact._networks import MLP
    >>> X = np.random.RandomState(0).uniform(-1, 1, size=(200, 2))
    >>> net = fit_network(functools.partial(MLP, 2, (8,)), X, X[:, 0] * X[:, 1],
    ...                   max_epochs=3, random_state=0)
    >>> net.predict(X).shape
    (200, 1)
    """
    _check_training_parameters(
        task, max_epochs, lr, batch_size, patience, validation_fraction, lr_schedule
    )
    X, y = _check_data(X, y, task)
    if task == "classification" and len(np.unique(y)) < 2:
        raise ValueError("task='classification' needs at least two classes in y.")
    seed = seed_from_random_state(random_state)
    device = torch.device(device)

    split_seed = seed if validation_seed is None else int(validation_seed)
    valid = validation_rows(y, validation_fraction, task, split_seed)
    monitor = "train_loss" if valid is None else "valid_loss"
    callbacks = []
    if patience is not None:
        callbacks.append(
            ("early_stopping", EarlyStopping(monitor=monitor, patience=patience, load_best=True))
        )
    if verbose == 1:
        callbacks.append(("progress", EpochProgressBar(description)))
    if lr_schedule == "plateau":
        decay = LRScheduler(
            ReduceLROnPlateau, monitor=monitor, patience=max(1, (patience or 10) // 4), factor=0.3
        )
        callbacks.append(("lr_scheduler", decay))
    net_kwargs = {}
    if task == "regression":
        net_kwargs["criterion"] = nn.MSELoss
    elif task == "classification":
        net_kwargs["criterion"] = nn.CrossEntropyLoss
        net_kwargs["classes"] = np.arange(int(y.max()) + 1)

    # Standardize in float64 before the float32 network sees the data: a column near
    # 1e9 with a spread of 1 keeps its spread, and 1e-7 or 1e30 columns stay in range.
    x_mean, x_scale = network_scaling(X, standardize, unscaled)
    y_mean = y_scale = None
    if standardize_target is None:
        standardize_target = standardize and task == "regression"
    if standardize_target:
        y_mean, y_scale, _ = standard_scaling(y)
        y = (y - y_mean) / y_scale
    Z = ((X - x_mean) / x_scale).astype(np.float32)
    y = y.astype(np.float32) if task != "classification" else y
    train_split = None
    if valid is not None:
        train = np.setdiff1d(np.arange(len(Z)), valid)
        dataset = net_params.get("dataset", BatchDataset)  # as the net builds its own
        train_split = predefined_split(dataset(Z[valid], y[valid]))
        Z, y = Z[train], y[train]

    cuda = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=cuda):
        torch.manual_seed(seed)
        network = copy.deepcopy(module) if isinstance(module, nn.Module) else module()
        if not isinstance(network, nn.Module):
            raise TypeError(
                "module must be an nn.Module or a callable that returns one, got "
                f"{type(network).__name__}."
            )
        settings = {
            "max_epochs": max_epochs,
            "lr": lr,
            "batch_size": batch_size,
            "optimizer": torch.optim.Adam,
            "train_split": train_split,
            "callbacks": callbacks,
            "iterator_train__shuffle": True,
            "dataset": BatchDataset,
            "iterator_train__collate_fn": collate_batch,
            "iterator_valid__collate_fn": collate_batch,
            "device": device,
            "verbose": int(verbose >= 2),
            **net_kwargs,
        }
        net = TASKS[task](network, **{**settings, **net_params})
        net.fit(Z, y)
    # The trained network, between fixed scalings: net.predict takes raw features.
    as32 = functools.partial(torch.as_tensor, dtype=torch.float32)
    y_stats = (None, None) if y_mean is None else (as32(y_mean), as32(y_scale))
    net.module_ = StandardizedNetwork(net.module_, as32(x_mean), as32(x_scale), *y_stats)
    net.module_.to(device).eval()
    net.validation_rows_ = valid
    return net


def _prediction_only_optimizer(params, lr):
    """An optimizer for a net that wraps an already trained module and is never trained.

    skorch builds one when it initializes a net; a module without parameters (a fixed
    function) would make torch's optimizers refuse an empty parameter list.
    """
    params = list(params) or [torch.zeros(0, requires_grad=True)]
    return torch.optim.SGD(params, lr=lr)


def prediction_net(module: nn.Module, *, task: str = "regression", n_classes=None, device="cpu"):
    """An initialized skorch net around an already trained module, for predictions.

    Parameters
    ----------
    module : nn.Module
        Used as it is (not copied): regression outputs, or class logits.
    task : {"regression", "classification", "binary"}
    n_classes : int, optional
        Number of classes (classification).
    device : str or torch.device

    Returns
    -------
    net : skorch.NeuralNet
        Ready for ``predict`` / ``predict_proba``; never trained.
    """
    kwargs = {"criterion": nn.MSELoss} if task == "regression" else {}
    if task == "classification":
        kwargs = {"criterion": nn.CrossEntropyLoss, "classes": np.arange(n_classes)}
    return TASKS[task](
        module,
        device=device,
        optimizer=_prediction_only_optimizer,
        dataset=BatchDataset,
        iterator_valid__collate_fn=collate_batch,
        **kwargs,
    ).initialize()


def fit_ensemble(n_members: int, architecture: tuple, X, y, *, random_state=None, **kwargs):
    """Train ``n_members`` regression MLPs as one :class:`EnsembleMLP`, return them apart.

    Every member sees the same mini-batches (from its own initial weights), and the
    ensemble stops early on the members' mean validation loss; one skorch fit trains
    them all, at a fraction of the cost of ``n_members`` separate fits.

    Parameters
    ----------
    n_members : int
    architecture : tuple
        ``(n_features, hidden_layer_sizes, activation)`` of every member.
    X, y, random_state, **kwargs
        As for :func:`fit_network` (regression only; ``y`` one column).

    Returns
    -------
    nets : list of skorch.NeuralNetRegressor
        One prediction net per member, each sharing the ensemble's training history.
    """
    n_features, hidden, activation = architecture
    y = np.asarray(y, dtype=np.float32).reshape(len(y), -1)
    if y.shape[1] != 1:
        raise ValueError("fit_ensemble trains single-output regression networks.")
    factory = functools.partial(EnsembleMLP, n_features, hidden, activation, 1, n_members)
    # One target column per member: the mean squared error is then the members' mean.
    net = fit_network(
        factory,
        X,
        np.repeat(y, n_members, axis=1),
        random_state=random_state,
        task="regression",
        **kwargs,
    )
    trained = net.module_
    nets = []
    for e, member in enumerate(trained.network.members()):
        module = trained.with_network(member, outputs=slice(e, e + 1)).eval()
        member_net = prediction_net(module, device=net.device)
        member_net.history = copy.deepcopy(net.history)
        member_net.validation_rows_ = net.validation_rows_
        nets.append(member_net)
    return nets
