"""The network being explained: trained here or adopted, validated, scaled, differentiable.

Every tabular estimator holds one :class:`ExplainedNetwork`. It owns, once, what the
estimators share about the network they explain:

* the training parameters (:data:`TRAINING_PARAMETER_CONSTRAINTS`,
  :class:`TrainingSettings`) and the cache policy (the ``memory`` parameter);
* training with skorch (:meth:`ExplainedNetwork.train`), or adopting a user's trained
  skorch net or torch module (:meth:`ExplainedNetwork.adopt`), copied and validated:
  input width, outputs against the task, probabilities or logits, device;
* task resolution (:func:`resolve_task`, :func:`encode_target`);
* feature and target scaling (:func:`~sk_interact._training.standard_scaling`, the one
  notion of a constant column), and the standardized units every effect is given in;
* :meth:`ExplainedNetwork.function`: the scalar function of standardized features that
  the derivative kernels differentiate;
* predictions that do not depend on how rows are batched (float64 on the CPU, and
  batches padded to whole tiles of rows: :func:`~sk_interact._derivatives.pad_rows`).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import numbers
import warnings
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_memory
from skorch import NeuralNet, NeuralNetBinaryClassifier, NeuralNetClassifier, NeuralNetRegressor
from torch import nn

from sk_interact._derivatives import pad_rows
from sk_interact._networks import (
    MLP,
    ClassOutput,
    ElementwiseAffine,
    RegressionOutput,
    StandardizedNetwork,
    check_hidden_layer_sizes,
)
from sk_interact._training import (
    LR_SCHEDULES,
    fit_ensemble,
    fit_network,
    network_scaling,
    prediction_net,
    r2_in_units,
    standard_scaling,
)

__all__ = [
    "TRAINING_PARAMETER_CONSTRAINTS",
    "ExplainedNetwork",
    "TrainingSettings",
    "check_device",
    "clear_network_cache",
    "encode_target",
    "resolve_task",
]

#: Most distinct whole-number values a numeric target may hold for task="auto" to take
#: it for class labels; more are amounts (counts, scores, prices).
MAX_AUTO_CLASSES = 20

#: ``_parameter_constraints`` of the training parameters every tabular estimator has.
TRAINING_PARAMETER_CONSTRAINTS: dict = {
    "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
    "lr": [Interval(numbers.Real, 0, None, closed="neither")],
    "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
    "patience": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "validation_fraction": [Interval(numbers.Real, 0, 1, closed="left"), None],
    "lr_schedule": [StrOptions(set(LR_SCHEDULES))],
    "memory": [StrOptions({"auto"}), str, HasMethods(["cache"]), None],
    "task": [StrOptions({"auto", "regression", "classification"})],
    "output": [StrOptions({"logit", "proba"})],
    "target": "no_validation",
    "device": [str, torch.device],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
}


# ----------------------------------------------------------------------------- task
def resolve_task(task: str, y) -> tuple[str, str]:
    """The task for ``y`` and why: ``("regression" | "classification", reason)``.

    ``task="auto"`` reads ``y``: text, boolean and categorical labels are classes; a
    numeric ``y`` is classes when all its values are whole numbers and there are at
    most :data:`MAX_AUTO_CLASSES` (20) of them, and a regression target otherwise (so
    ``load_diabetes``'s 214 whole-number targets are a quantity; floats beyond 2**53,
    all whole in float64, are amounts too). Whole numbers with 11 to 50 distinct
    values are ambiguous: a ``UserWarning`` says which way it went.
    """
    if task != "auto":
        return task, f"task={task!r} was given"
    values = np.asarray(y)
    if values.dtype.kind not in "iuf" or values.dtype.kind == "b":
        return "classification", "y holds labels"
    integers = values.dtype.kind in "iu"
    values = values.astype(np.float64).ravel()
    finite = values[np.isfinite(values)]
    distinct = np.unique(finite)
    # Beyond 2**53 every float is a whole number: that says nothing about labels.
    whole = integers or bool(
        np.all(distinct == np.round(distinct)) and np.all(np.abs(distinct) <= 2**53)
    )
    n = len(distinct)
    if n == 1:  # a constant: the regression checks say so (not "a single class")
        return "regression", "y holds a single value"
    if whole and n <= MAX_AUTO_CLASSES:
        chosen = "classification"
        reason = f"y holds {n} distinct whole numbers (at most {MAX_AUTO_CLASSES}: classes)"
    else:
        chosen = "regression"
        kind = "whole numbers" if whole else "values, not all whole"
        reason = f"y holds {n} distinct {kind}"
    if whole and 10 < n <= 50:
        other = "regression" if chosen == "classification" else "classification"
        warnings.warn(
            f"task='auto' took y for {chosen}: {reason}. Pass task={other!r} if that is wrong.",
            UserWarning,
            stacklevel=3,
        )
    return chosen, reason


def encode_target(estimator, y) -> np.ndarray:
    """Set ``estimator.task_`` (and ``classes_``); return what the network trains on.

    Class codes ``0..C-1`` for classification (a single class, or a ``target`` that is
    not a class, is a ValueError); float64 values for regression (a constant target, or
    a ``target`` class, is a ValueError). Raised before any training.
    """
    estimator.task_, _ = resolve_task(estimator.task, y)
    if estimator.task_ == "classification":
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        estimator.classes_ = encoder.classes_
        if len(estimator.classes_) < 2:
            raise ValueError("y has a single class; classification needs at least two.")
        target = estimator.target
        if target is not None and target not in set(estimator.classes_.tolist()):
            raise ValueError(
                f"target={target!r} is not a class of y; classes are {estimator.classes_.tolist()}."
            )
        return encoder.transform(y).astype(np.int64)
    if estimator.target is not None:
        raise ValueError("target is for classification; leave it None for regression.")
    y = np.asarray(y, dtype=np.float64)
    if not np.isfinite(y).all():
        raise ValueError("y contains NaN or infinity; drop those rows or impute y first.")
    if standard_scaling(y.reshape(len(y), -1))[2].any():
        raise ValueError(
            "y is constant (no spread relative to its magnitude): there is nothing to "
            "learn, and no interaction to find. Check the target column."
        )
    return y


def check_device(device, parameter: str = "device") -> torch.device:
    """``device`` as a ``torch.device`` that exists here, or a ValueError saying so."""
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise ValueError(f"{parameter}={device!r} is not a torch device ({error}).") from None
    available = {
        "cpu": True,
        "cuda": torch.cuda.is_available(),
        "mps": getattr(torch.backends, "mps", None) is not None
        and torch.backends.mps.is_available(),
    }.get(device.type, True)
    if not available:
        raise ValueError(
            f"{parameter}={str(device)!r} but this machine has no {device.type.upper()} "
            f"device available to torch; use {parameter}='cpu'."
        )
    return device


# ---------------------------------------------------------------------- training
@dataclass(frozen=True)
class TrainingSettings:
    """The training parameters of a tabular estimator, read once from it."""

    max_epochs: int = 200
    lr: float = 3e-3
    batch_size: int = 256
    patience: int | None = 10
    validation_fraction: float | None = 0.1
    lr_schedule: str = "constant"
    device: str = "cpu"
    verbose: int = 0
    standardize: bool = True

    @classmethod
    def of(cls, estimator) -> TrainingSettings:
        """The settings of ``estimator`` (its parameters of the same names)."""
        names = cls.__dataclass_fields__
        values = {name: getattr(estimator, name) for name in names if hasattr(estimator, name)}
        values["device"] = str(check_device(values.get("device", "cpu")))
        return cls(**values)

    def fit_kwargs(self) -> dict:
        """Keyword arguments for :func:`~sk_interact._training.fit_network`."""
        return asdict(self)


# Trained nets by (architecture, data fingerprint, seeds, settings); least recently used
# first. Sized for a 5-fold grid search (5 splits + the refit, a few nets each).
_MEMORY: OrderedDict[Hashable, list] = OrderedDict()
_MEMORY_SIZE = 32


def clear_network_cache() -> None:
    """Forget every network cached in this process by ``memory="auto"``."""
    _MEMORY.clear()


def _fingerprint(*arrays) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.shape}{array.dtype}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _train_members(architecture: tuple, X, y, task: str, seeds: tuple, settings: dict) -> list:
    """Train one network per seed (regression: one batched ensemble) on ``(X, y)``.

    Every member holds out the same rows (drawn from the first seed), so their mean
    prediction on those rows is a held-out prediction.
    """
    n_features, hidden, activation, n_outputs = architecture
    if task == "regression" and len(seeds) > 1 and n_outputs == 1:
        return fit_ensemble(
            len(seeds), (n_features, hidden, activation), X, y, random_state=seeds[0], **settings
        )
    return [
        fit_network(
            functools.partial(MLP, n_features, hidden, activation, n_outputs),
            X,
            y,
            task=task,
            random_state=seed,
            validation_seed=seeds[0],
            **settings,
        )
        for seed in seeds
    ]


def train_with_memory(memory, cacheable: bool, architecture, X, y, task, seeds, settings):
    """:func:`_train_members` under the ``memory`` policy.

    ``"auto"``: an in-process LRU cache when the seeds are reproducible (``cacheable``,
    an integer ``random_state``); None: always train; a path or ``joblib.Memory``: a
    disk cache shared by processes (``GridSearchCV(n_jobs=...)``). Callers always get a
    private copy.
    """
    settings = dict(settings)
    verbose = settings.pop("verbose", 0)
    args = (architecture, X, y, task, tuple(seeds), settings)
    if memory is None or (memory == "auto" and not cacheable):
        return _train_members(*args[:5], {**settings, "verbose": verbose})
    if memory != "auto":
        return check_memory(memory).cache(_train_members)(*args)
    key = (architecture, _fingerprint(X, y), task, tuple(seeds), tuple(sorted(settings.items())))
    if key in _MEMORY:
        _MEMORY.move_to_end(key)
    else:
        _MEMORY[key] = _train_members(*args[:5], {**settings, "verbose": verbose})
        while len(_MEMORY) > _MEMORY_SIZE:
            _MEMORY.popitem(last=False)
    return copy.deepcopy(_MEMORY[key])


# -------------------------------------------------------------------- the network
def _explanation_dtype(device: torch.device) -> torch.dtype:
    # float64, with batches padded to whole tiles of rows (pad_rows), makes every row's
    # result independent of how rows are batched (float32 kernels round differently by
    # vector width and batch shape; float64 ones by a row's tile); GPUs keep float32.
    return torch.float64 if device.type == "cpu" else torch.float32


def _outputs_probabilities(net, module: nn.Module) -> bool:
    """Whether a classifier outputs probabilities (rather than logits)."""
    criterion = getattr(net, "criterion_", None)
    if isinstance(criterion, nn.NLLLoss | nn.BCELoss):
        return True
    leaves = [m for m in module.modules() if not list(m.children())]
    return bool(leaves) and isinstance(leaves[-1], nn.Softmax | nn.Sigmoid)


def _first_linear_width(module: nn.Module) -> int | None:
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            return layer.in_features
        if isinstance(layer, nn.Conv1d | nn.Conv2d | nn.Embedding):
            return None
    return None


def _float_dtype(module: nn.Module) -> torch.dtype:
    for tensor in [*module.parameters(), *module.buffers()]:
        if tensor.is_floating_point():
            return tensor.dtype
    return torch.float32


class ExplainedNetwork:
    """The trained network(s) an estimator explains, with their scalings and task.

    Build one with :meth:`train` or :meth:`adopt`; estimators never construct it
    directly.

    Attributes
    ----------
    nets : list of skorch.NeuralNet
        The trained nets (``n_networks`` of them when trained here; one when adopted).
    task : {"regression", "classification"}
    n_classes : int
        Classes (classification), else 1.
    x_mean, x_scale : ndarray of shape (d,)
        Feature means and scales (:func:`~sk_interact._training.standard_scaling`).
    constant : ndarray of shape (d,) of bool
        Constant features: held fixed, so every derivative with respect to them is 0.
    y_mean, y_scale : ndarray of shape (n_targets,)
        Regression target means and scales, float64 (0 and 1 for classification).
    adopted : bool
        Whether the network was given by the user (not trained here).
    validation_rows : ndarray or None
        Rows of the training ``X`` that the networks did not train on.
    """

    def __init__(
        self, nets, *, task, n_classes, X, y=None, device, adopted, standardized, features=None
    ):
        self.nets = list(nets)
        self.task = task
        self.n_classes = int(n_classes)
        self.features = features
        self.x_mean, self.x_scale, self.constant = standard_scaling(X)
        # What own networks take: standardized columns, one-hot dummies as 0/1.
        unscaled = () if features is None else np.flatnonzero(features.dummy)
        self.input_mean, self.input_scale = network_scaling(X, standardized, unscaled)
        # Regression target statistics in float64, per target column: the head divides
        # by y_scale, and own networks are unscaled with them (not with the module's
        # float32 copies, which overflow beyond ~3e38).
        self.y_mean, self.y_scale = np.zeros(1), np.ones(1)
        if task == "regression" and y is not None:
            targets = np.asarray(y, dtype=np.float64)
            self.y_mean, self.y_scale, _ = standard_scaling(targets.reshape(len(targets), -1))
        self.device = torch.device(device)
        self.adopted = adopted
        # Own networks trained on standardized data are differentiated in those units.
        self.standardized = standardized
        self.probabilities = [_outputs_probabilities(n, n.module_) for n in self.nets]
        self.validation_rows = None if adopted else getattr(self.nets[0], "validation_rows_", None)
        self._copies: dict = {}

    # ------------------------------------------------------------------ building
    @classmethod
    def train(
        cls,
        X: np.ndarray,
        y: np.ndarray,
        *,
        task: str,
        n_classes: int = 1,
        hidden_layer_sizes: Sequence[int],
        activation: str,
        seeds: Sequence[int],
        settings: TrainingSettings,
        memory="auto",
        cacheable: bool = False,
        binary_logit: bool = False,
        features=None,
    ) -> ExplainedNetwork:
        """Train ``len(seeds)`` MLPs on ``(X, y)`` with skorch.

        Parameters
        ----------
        X : ndarray of shape (n, d), float64
        y : ndarray of shape (n,)
            Regression values or class codes ``0..C-1`` (from :func:`encode_target`).
        task : {"regression", "classification"}
        n_classes : int
        hidden_layer_sizes, activation
            The MLP's architecture.
        seeds : sequence of int
            One network per seed.
        settings : TrainingSettings
        memory : "auto", None, str or joblib.Memory
            Cache policy (:func:`train_with_memory`).
        cacheable : bool
            Whether the seeds came from an integer ``random_state``.
        binary_logit : bool, default=False
            Two classes as one logit (sigmoid, as Second Glance trains them) instead
            of two (softmax).
        features : FeatureLayout, optional
            How ``X``'s columns were encoded (:mod:`sk_interact._features`): its
            one-hot dummies reach the network as 0/1, unscaled.
        """
        hidden = check_hidden_layer_sizes(hidden_layer_sizes)
        targets = np.asarray(y, dtype=np.float64)
        fit_task, n_outputs = "regression", 1 if targets.ndim == 1 else targets.shape[1]
        if task == "classification":
            if binary_logit and n_classes == 2:
                fit_task, targets = "binary", np.asarray(y, dtype=np.float32)
            else:
                fit_task, n_outputs = "classification", n_classes
                targets = np.asarray(y, dtype=np.int64)
        architecture = (X.shape[1], hidden, activation, n_outputs)
        kwargs = settings.fit_kwargs()
        if features is not None and features.dummy.any():
            kwargs["unscaled"] = tuple(int(i) for i in np.flatnonzero(features.dummy))
        nets = train_with_memory(
            memory, cacheable, architecture, X, targets, fit_task, seeds, kwargs
        )
        return cls(
            nets,
            task=task,
            n_classes=n_classes,
            X=X,
            y=y,
            device=settings.device,
            adopted=False,
            standardized=settings.standardize,
            features=features,
        )

    @classmethod
    def adopt(
        cls,
        net,
        X: np.ndarray,
        y=None,
        *,
        task: str,
        n_classes: int = 1,
        device="cpu",
        parameter: str = "net",
        features=None,
    ) -> ExplainedNetwork:
        """A validated copy of the user's trained skorch net or torch module.

        Raises a TypeError or ValueError naming ``parameter`` and the fix when the
        network is not fitted, cannot take ``X``'s width, has the wrong number of outputs
        for the task, is a skorch regressor for classes (or the reverse), or sits on a
        device this machine does not have. The caller's object is never modified.
        """
        device = check_device(device)
        kind = "classifier" if task == "classification" else "regressor"
        if isinstance(net, NeuralNet):
            if not getattr(net, "initialized_", False):
                raise ValueError(
                    f"{parameter} is a skorch net that has not been fitted; fit it first, "
                    f"or pass {parameter}=None to train one here."
                )
            regressor = isinstance(net, NeuralNetRegressor)
            classifier = isinstance(net, NeuralNetClassifier | NeuralNetBinaryClassifier)
            if (task == "classification" and regressor) or (task == "regression" and classifier):
                other = "regression" if task == "classification" else "classification"
                raise ValueError(
                    f"{parameter} is a {type(net).__name__} but y is a {task} target; "
                    f"pass a skorch {kind} trained on it, or task={other!r} if y is "
                    "meant the other way."
                )
            adopted = copy.deepcopy(net)
            module = adopted.module_
        elif isinstance(net, nn.Module):
            module = copy.deepcopy(net)
            adopted = None
        else:
            raise TypeError(
                f"{parameter} must be a fitted skorch net or a torch.nn.Module, got "
                f"{type(net).__name__}."
            )
        module = module.to(device).eval()
        width = _first_linear_width(module)
        d = X.shape[1]
        if width is not None and width != d:
            if features is not None and features.categorical:
                text = ", ".join(repr(str(features.columns[j])) for j in features.categorical)
                raise ValueError(
                    f"{parameter} takes {width} input features but X has {d} once its "
                    f"text columns ({text}) are one-hot encoded here, one input per "
                    f"level; pass X as {parameter} was trained on: if you encoded those "
                    f"columns yourself, the encoded numeric columns, with feature_groups "
                    f"joining each column's levels into one feature."
                )
            raise ValueError(
                f"{parameter} takes {width} input features but X has {d}; pass the "
                f"columns (in the order) {parameter} was trained on."
            )
        probe = torch.tensor(np.array(X[:2]), dtype=_float_dtype(module), device=device)
        try:
            with torch.no_grad():
                out = module(probe)
        except (RuntimeError, ValueError, IndexError, TypeError) as error:
            raise ValueError(
                f"{parameter} cannot take X with {d} features ({error}); pass the columns "
                f"{parameter} was trained on."
            ) from None
        widths = {1} if task == "regression" else {n_classes} | ({1} if n_classes == 2 else set())
        n_out = 1 if out.ndim == 1 else out.shape[-1]
        if out.ndim > 2 or n_out not in widths:
            expected = " or ".join(map(str, sorted(widths)))
            raise ValueError(
                f"{parameter} returns {n_out} output(s) per row (shape {tuple(out.shape)} for "
                f"2 rows) but a {task} target with {n_classes} class(es) needs {expected}; "
                f"pass a {kind} for this y, or set task= to what {parameter} predicts."
            )
        if adopted is None:
            fit_task = "regression"
            if task == "classification":
                fit_task = "binary" if n_out == 1 else "classification"
            adopted = prediction_net(
                module, task=fit_task, n_classes=n_classes if n_out > 1 else None, device=device
            )
        else:
            adopted.module_ = module
        return cls(
            [adopted],
            task=task,
            n_classes=n_classes,
            X=X,
            y=y,
            device=device,
            adopted=True,
            standardized=False,
            features=features,
        )

    # ------------------------------------------------------------------ scaling
    @property
    def dtype(self) -> torch.dtype:
        return _explanation_dtype(self.device)

    def standardize(self, X: np.ndarray) -> torch.Tensor:
        """Standardized features ``z = (x − mean) / scale`` (computed in float64)."""
        Z = (np.asarray(X, dtype=np.float64) - self.x_mean) / self.x_scale
        return torch.as_tensor(Z, dtype=self.dtype, device=self.device)

    def _cached(self, key, build) -> nn.Module:
        """``build()``, made once per ``key`` and kept (not pickled)."""
        if key not in self._copies:
            self._copies[key] = build().to(self.device, self.dtype).eval()
        return self._copies[key]

    def _copy(self, key, module: nn.Module) -> nn.Module:
        """A private copy of ``module`` in the explanation dtype (made once)."""
        return self._cached(key, lambda: copy.deepcopy(module))

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_copies"] = {}  # rebuilt on demand
        return state

    def _body(self, member: int) -> tuple[nn.Module, bool]:
        """The member's module and whether it takes standardized features."""
        module = self.nets[member].module_
        if self.standardized and isinstance(module, StandardizedNetwork):
            return self._copy(("network", member), module.network), True
        return self._copy(("module", member), module), False

    def _entry(self, standardized_input: bool) -> ElementwiseAffine:
        """``z ↦ x``: constant features held fixed (every derivative by them is 0)."""

        def build():
            keep = (~self.constant).astype(np.float64)
            # z ↦ x = mean + scale·z, then x ↦ the network's input (identity for
            # standardized columns; dummies reach own networks as 0/1).
            scale, shift = self.x_scale * keep, self.x_mean
            if standardized_input:
                scale = scale / self.input_scale
                shift = (shift - self.input_mean) / self.input_scale
            return ElementwiseAffine(torch.as_tensor(scale), torch.as_tensor(shift))

        return self._cached(("entry", standardized_input), build)

    def inputs(self, member: int = 0) -> nn.Module:
        """``z ↦`` the input the member's network takes: the entry of :meth:`function`
        (standardized columns as they are, one-hot dummies back to 0/1)."""
        return self._entry(self._body(member)[1])

    def _unstandardize(self, member: int) -> nn.Module | None:
        """The member's output scaling (standardized to raw target) from the float64
        statistics; None when its module has none."""
        if not self.standardized or "unstandardize" not in self.nets[member].module_._modules:
            return None
        return self._cached(
            "unstandardize",
            lambda: ElementwiseAffine(torch.as_tensor(self.y_scale), torch.as_tensor(self.y_mean)),
        )

    def module(self, member: int = 0) -> nn.Module:
        """The member's whole module (raw features to raw outputs) in the explanation dtype."""
        module = self._copy(("module", member), self.nets[member].module_)
        unstandardize = self._unstandardize(member)
        if unstandardize is not None:
            module.unstandardize = unstandardize
        return module

    def sets_with_constant(self, sets: Sequence[Sequence[int]]) -> np.ndarray:
        """Which of ``sets`` (all of one order) hold a constant feature: their effects
        are 0 by definition."""
        return self.constant[np.asarray(sets, dtype=np.int64)].any(axis=1)

    def function(
        self, output: str = "logit", target: int = 0, member: int = 0, variant=None
    ) -> nn.Sequential:
        """The explained scalar output as a function of standardized features.

        Maps ``(n, d)`` standardized features to ``(n,)``: a regression output divided
        by the target's scale, or class ``target``'s log-odds (``output="logit"``),
        probability (``"proba"``) or centred logit (``"centered"``, what the
        significance test differentiates for three or more classes; see
        :class:`~sk_interact._networks.ClassOutput`). Derivatives of it are the effects
        every estimator reports, in standardized units; those by a constant feature are
        exactly 0.
        ``variant(module) -> module`` differentiates a modified copy of the network
        instead (e.g. its ReLUs swapped for softplus).
        """
        body, standardized = self._body(member)
        if variant is not None:
            body = variant(copy.deepcopy(body)).eval()
        if self.task == "regression":
            head = RegressionOutput(1.0 if standardized else float(self.y_scale[0]))
        else:
            head = ClassOutput(target, output, self.probabilities[member])
        return nn.Sequential(self._entry(standardized), body, head).eval()

    def members(self) -> range:
        return range(len(self.nets))

    # --------------------------------------------------------------- predictions
    def _outputs(self, X: np.ndarray, member: int) -> torch.Tensor:
        """The member's outputs, rows padded (:func:`~sk_interact._derivatives.pad_rows`)
        so that no row's result depends on the rows evaluated with it."""
        body, standardized = self._body(member)
        with torch.no_grad():
            if standardized:
                inputs = self._entry(True)(self.standardize(X))
            else:
                values = np.array(X, dtype=np.float64)  # a copy: the module never sees X
                inputs = torch.as_tensor(values, dtype=self.dtype, device=self.device)
            out = body(pad_rows(inputs))
            unstandardize = self._unstandardize(member) if standardized else None
            if unstandardize is not None:
                out = unstandardize(out)
        return out[: len(X)]

    def predict_outputs(self, X: np.ndarray) -> np.ndarray:
        """Regression predictions ``(n, m)`` of every output, mean over the networks."""
        out = [self._outputs(X, m).reshape(len(X), -1) for m in self.members()]
        return torch.stack(out).mean(dim=0).double().cpu().numpy()

    def predict_values(self, X: np.ndarray) -> np.ndarray:
        """Regression predictions ``(n,)``, mean over the networks, float64."""
        return self.predict_outputs(X)[:, 0]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, C)``, mean over the networks, float64."""
        probabilities = []
        for m in self.members():
            out = self._outputs(X, m)
            out = out.reshape(len(X), -1)
            if out.shape[1] == 1:
                p = out[:, 0] if self.probabilities[m] else torch.sigmoid(out[:, 0])
                out = torch.stack([1 - p, p], dim=1)
            elif not self.probabilities[m]:
                out = torch.softmax(out, dim=1)
            probabilities.append(out)
        return torch.stack(probabilities).mean(dim=0).double().cpu().numpy()

    def predict_codes(self, X: np.ndarray) -> np.ndarray:
        """Predicted class codes ``0..C-1``."""
        return np.argmax(self.predict_proba(X), axis=1)

    def validation_score(self, X: np.ndarray, y: np.ndarray) -> float | None:
        """R² (regression) or accuracy on the rows the networks did not train on.

        ``X`` and ``y`` (class codes for classification) are the training data; None
        for an adopted network (its training rows are unknown) or without a hold-out.
        """
        rows = self.validation_rows
        if rows is None or len(rows) == 0:
            return None
        if self.task == "regression":
            if len(rows) < 2:
                return None
            return r2_in_units(y[rows], self.predict_values(X[rows]))
        return float(accuracy_score(y[rows], self.predict_codes(X[rows])))

    def warn_constant(self, names: Sequence[str], stacklevel: int = 3) -> None:
        """A UserWarning naming the constant features (they get no interaction)."""
        if self.constant.any():
            constant = [str(names[i]) for i in np.flatnonzero(self.constant)]
            warning = UserWarning(
                f"feature(s) {constant} are constant (no spread relative to their "
                "magnitude); they get no interaction (strength 0). Drop them, or check "
                "the data."
            )
            warning.columns = constant  # the command line turns them into --drop
            warnings.warn(warning, stacklevel=stacklevel)
