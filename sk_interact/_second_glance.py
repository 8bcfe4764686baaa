"""Second Glance: signed second- and higher-order effects of ReLU networks.

Shahid, Rahulamathavan and Dogan (xAI 2024), §3: a ReLU network M1 has a zero Hessian
almost everywhere, so a smooth surrogate M2 is trained on M1's gradients and M2's
Jacobian is read as M1's Hessian; M3 learns M2's derivatives for third order, and so
on. SmoothHess (Torop et al., 2023) and the softplus swap (Janizek et al., 2021) are
offered beside it, on the same fitted primary.
"""

from __future__ import annotations

import itertools
import math
import numbers
import warnings

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from torch import nn

from sk_interact._base import (
    ExplainedNetworkPredictionsMixin,
    InteractionRankingMixin,
    validate_fit_data,
)
from sk_interact._derivatives import (
    gradient,
    jacobian,
    mixed_partials,
    smoothed_gradient,
    smoothed_hessian,
    smoothed_mixed_partials,
)
from sk_interact._derivatives import hessian as exact_hessian
from sk_interact._explained_network import (
    TRAINING_PARAMETER_CONSTRAINTS,
    ExplainedNetwork,
    TrainingSettings,
    encode_target,
)
from sk_interact._networks import (
    ACTIVATIONS,
    check_hidden_layer_sizes,
    piecewise_linear_layers,
    softplus_copy,
)
from sk_interact._ranking import ranking_frame
from sk_interact._training import progress, seed_from_random_state

__all__ = ["SecondGlanceExplainer"]

HESSIAN_METHODS = ("surrogate", "smoothhess", "softplus")
# A surrogate with more outputs than this is a mistake, not a computation.
_MAX_SURROGATE_OUTPUTS = 20_000
# Most Jacobian entries (rows × outputs × features) held at once.
_JACOBIAN_BLOCK = 4_000_000


def _weighted_r2(targets: np.ndarray, predictions: np.ndarray) -> float:
    """R² over all columns at once: ``1 − Σ residual² / Σ (target − column mean)²``."""
    return float(r2_score(targets, predictions, multioutput="variance_weighted"))


def _strict_sets(d: int, order: int) -> list[tuple[int, ...]]:
    return list(itertools.combinations(range(d), order))


def _set_entries(
    J: torch.Tensor, previous: list[tuple[int, ...]], sets: list[tuple[int, ...]]
) -> torch.Tensor:
    """Effects of ``sets`` (order l) from the Jacobian of a model of order l − 1 effects.

    ``J[b, m, j]`` is ``∂/∂z_j`` of the model's output ``m``, which estimates the effect
    of ``previous[m]``; the effect of ``T`` is the mean over its members ``t`` of
    ``J[:, T ∖ t, t]`` (the estimate made symmetric). Returns ``(B, S)``.
    """
    column = {s: m for m, s in enumerate(previous)}
    order = len(sets[0])
    cols = torch.tensor([[column[s[:r] + s[r + 1 :]] for r in range(order)] for s in sets])
    lasts = torch.tensor(sets)
    return J[:, cols, lasts].mean(dim=-1)


class SecondGlanceExplainer(
    ExplainedNetworkPredictionsMixin, InteractionRankingMixin, TransformerMixin, BaseEstimator
):
    """Signed interaction effects of a ReLU network, by a surrogate of its gradients.

    A ReLU network M1 is piecewise linear: its Hessian is zero almost everywhere. Second
    Glance [1]_ trains M1 (or takes the user's trained one), computes its exact
    gradients ``G = ∂M1/∂x`` on the training rows, and trains a smooth surrogate
    ``M2: x → G``; the Jacobian of M2 estimates the Hessian of M1. For order 3 a third
    model ``M3: x → ∂M2/∂x`` is trained and differentiated, and so on.
    ``hessian_method`` offers two other routes to the same quantity on the same primary:
    SmoothHess [2]_ (the Hessian of M1 convolved with a Gaussian, from gradient calls by
    Stein's lemma) and the softplus swap [3]_ (every ReLU replaced by a softplus in a
    copy, differentiated exactly).

    Parameters
    ----------
    primary : skorch net or torch.nn.Module, optional
        A trained network to explain: used as it is (a copy), never modified or
        re-trained. A module maps ``(n, d)`` features to regression outputs
        ``(n, 1)``, a binary logit ``(n, 1)`` or ``(n,)``, or class logits ``(n, C)``
        (probabilities when it ends in ``nn.Sigmoid``/``nn.Softmax`` or a skorch net
        trains it with ``NLLLoss``). None trains a ReLU MLP.
    primary_hidden : tuple of int, default=(64, 64, 64)
        Hidden widths of the ReLU primary M1 (the paper's is ``(4, 4, 4)``).
    surrogate_hidden : tuple of int, default=(128, 128, 128)
        Hidden widths of every surrogate.
    surrogate_activation : {"gelu", "softplus", "tanh", "sigmoid"}, default="gelu"
        Activation of the surrogates; it must be smooth to have a Jacobian worth reading.
    order : int, default=2
        Highest interaction order: 2 for pairs, 3 adds triples (one more surrogate).
    hessian_method : {"surrogate", "smoothhess", "softplus"}, default="surrogate"
        How ``interactions_`` and, by default, :meth:`local_hessians` estimate M1's
        derivatives.
    sigma : float, default=0.5
        SmoothHess: standard deviation of the Gaussian, in standardized feature units.
    n_samples : int, default=256
        SmoothHess: noise draws per point.
    softplus_beta : float, default=10.0
        Softplus swap: the sharpness ``β`` of ``softplus(x) = log(1 + e^(βx)) / β``.
    max_samples : int, optional
        Rows of ``X`` (drawn at random) over which ``interactions_`` averages; None
        uses every row.
    max_epochs : int, default=200
        Upper bound on the training epochs of the primary and of each surrogate.
    lr : float, default=3e-3
        Adam learning rate.
    batch_size : int, default=256
        Mini-batch size.
    patience : int or None, default=10
        Early-stopping patience on the validation loss; None trains ``max_epochs``.
    validation_fraction : float or None, default=0.1
        Share of the rows held out: from the primary for early stopping, and from each
        surrogate to measure ``surrogate_r2_`` (the surrogate stops early on a further
        split of the rest). None or 0: no hold-out, R² on the training rows.
    lr_schedule : {"constant", "plateau"}, default="constant"
        Learning-rate schedule of every fit (see :class:`TNIDDetector`).
    task : {"auto", "regression", "classification"}, default="auto"
        "auto" reads it from ``y``. A binary primary has one logit and a sigmoid
        output, as in the paper.
    output : {"logit", "proba"}, default="logit"
        Scale of a classifier's output that is differentiated: the log-odds of the
        ``target`` class or its probability (the paper's sigmoid output).
    target : class label, optional
        Class whose output is explained; default the last class of ``classes_`` (the
        positive class of binary ``y``).
    feature_groups : dict of str to list of str or int, optional
        Several columns treated as one feature, as in :class:`TNIDDetector`; text and
        ``category`` columns are one-hot encoded here and are one feature each.
    device : str, default="cpu"
        Where to train and differentiate.
    random_state : int, RandomState instance or None, default=None
        Seeds every fit, the hold-out split, ``max_samples`` and SmoothHess's noise. An
        int makes ``fit`` bit-for-bit reproducible on CPU and lets re-fits with other
        explanation settings reuse the trained networks.
    verbose : int, default=0
        0 is silent; 1 shows progress bars (tqdm) over the training epochs and the
        derivative computations; 2 prints skorch's per-epoch tables instead of the
        training bars.

    Attributes
    ----------
    interactions_ : DataFrame
        Every set of distinct features of order 2 to ``order``, strongest first:
        ``features``, ``indices``, ``order``, ``strength`` (mean absolute estimate over the
        rows), ``effect`` (mean signed estimate).
    primary_ : skorch.NeuralNet
        M1: the trained primary, or a copy of the given one.
    surrogates_ : list of skorch.NeuralNetRegressor
        ``surrogates_[l − 2]`` maps standardized features to the effects of order
        ``l − 1``; empty unless ``hessian_method="surrogate"``.
    surrogate_r2_ : dict of int to float
        Held-out R² (variance-weighted over the outputs) of the surrogate of each order.
    hessian_asymmetry_ : float
        Mean over the rows of ``‖J − Jᵀ‖ / ‖J‖`` for M2's Jacobian ``J`` (a true Hessian
        is symmetric; 0 for the other methods, which are symmetric by construction).
    task_ : {"regression", "classification"}
    classes_ : ndarray
        Class labels (classification only).
    feature_groups_ : dict of str to list of str
        Every feature rankings name, with the columns of ``X`` it holds; ``indices``
        are positions in it. A feature of several encoded columns (a one-hot block, a
        group) gets, per row, the signed root sum of squares of its block of
        estimates, as in :class:`TNIDDetector`.
    feature_names_in_ : ndarray of str
        Column names, when ``X`` was a DataFrame.
    n_features_in_ : int

    Notes
    -----
    **Units.** As in :class:`TNIDDetector`, derivatives are taken with respect to
    standardized features ``z = (x − mean) / std`` of the training data, and a
    regression output is divided by the standard deviation of ``y``; the surrogates
    learn standardized gradient targets and the scaling is undone before their
    Jacobians are read, so the estimates are M1's derivatives on that scale.

    **Interpretations of the paper.** The paper's surrogate has ``tanh`` outputs and
    mixed activations; here the surrogate is a smooth MLP with a linear output trained
    on standardized targets (any range). The paper reads M2's Jacobian as it is; here
    it is symmetrised by default (``local_hessians(symmetrize=False)`` gives the raw
    one) and the asymmetry is reported. Higher-order surrogates learn only the effects
    of sets of distinct features (``∂²/∂z_i∂z_j`` for ``i < j``, and so on). Multi-class
    ``y`` explains one class at a time (``target``).

    **Sign.** ``effect > 0`` for ``(i, j)``: raising ``x_i`` amplifies the effect of
    ``x_j`` on the output (and vice versa); ``effect < 0`` dampens it (the paper's
    Table 1). On the probability scale, the curvature of the sigmoid adds
    ``p(1 − p)(1 − 2p) ∂_i z ∂_j z`` to every pair even without interaction in the
    log-odds ``z``; the log-odds scale (default) is free of it.

    References
    ----------
    .. [1] Shahid, Z., Rahulamathavan, Y., Dogan, S. "Second Glance: A Novel Explainable
       AI to Understand Feature Interactions in Neural Networks using Higher-Order
       Partial Derivatives." xAI 2024 (late-breaking work).
    .. [2] Torop, M. et al. "SmoothHess: ReLU Network Feature Interactions via Stein's
       Lemma." NeurIPS 2023.
    .. [3] Janizek, J. D., Sturmfels, P., Lee, S.-I. "Explaining Explanations: Axiomatic
       Feature Interactions for Deep Networks." JMLR 22, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sk_interact import SecondGlanceExplainer
    >>> X = np.random.RandomState(0).uniform(-1, 1, size=(3000, 4))
    >>> y = 2 * X[:, 0] * X[:, 1] - 2 * X[:, 2] * X[:, 3]
    >>> sg = SecondGlanceExplainer(primary_hidden=(32, 32), surrogate_hidden=(32, 32),
    ...                            random_state=0).fit(X, y)
    >>> top = sg.rank_interactions(top=2)
    >>> sorted(top["indices"])
    [(0, 1), (2, 3)]
    >>> np.sign(top.set_index("indices")["effect"]).sort_index().tolist()
    [1.0, -1.0]
    >>> bool(sg.surrogate_r2_[2] > 0.9)
    True
    """

    _parameter_constraints: dict = {
        "primary": [NeuralNet, nn.Module, None],
        "primary_hidden": ["array-like"],
        "surrogate_hidden": ["array-like"],
        "surrogate_activation": [StrOptions(set(ACTIVATIONS) - {"relu"})],
        "order": [Interval(numbers.Integral, 2, None, closed="left")],
        "hessian_method": [StrOptions(set(HESSIAN_METHODS))],
        "sigma": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_samples": [Interval(numbers.Integral, 2, None, closed="left")],
        "softplus_beta": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_samples": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "feature_groups": [dict, None],
        **TRAINING_PARAMETER_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        primary=None,
        primary_hidden=(64, 64, 64),
        surrogate_hidden=(128, 128, 128),
        surrogate_activation="gelu",
        order=2,
        hessian_method="surrogate",
        sigma=0.5,
        n_samples=256,
        softplus_beta=10.0,
        max_samples=None,
        feature_groups=None,
        max_epochs=200,
        lr=3e-3,
        batch_size=256,
        patience=10,
        validation_fraction=0.1,
        lr_schedule="constant",
        memory="auto",
        task="auto",
        output="logit",
        target=None,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.primary = primary
        self.primary_hidden = primary_hidden
        self.surrogate_hidden = surrogate_hidden
        self.surrogate_activation = surrogate_activation
        self.order = order
        self.hessian_method = hessian_method
        self.sigma = sigma
        self.n_samples = n_samples
        self.softplus_beta = softplus_beta
        self.max_samples = max_samples
        self.feature_groups = feature_groups
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.lr_schedule = lr_schedule
        self.memory = memory
        self.task = task
        self.output = output
        self.target = target
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ validation
    def _check_parameters(self, n_features: int) -> None:
        if self.order > n_features:
            raise ValueError(
                f"order={self.order} exceeds the number of features ({n_features}); "
                f"use order <= {n_features}."
            )
        check_hidden_layer_sizes(self.primary_hidden)
        check_hidden_layer_sizes(self.surrogate_hidden)
        if self.hessian_method == "surrogate":
            widest = max(math.comb(n_features, level) for level in range(1, self.order))
            if widest > _MAX_SURROGATE_OUTPUTS:
                raise ValueError(
                    f"order={self.order} needs a surrogate with {widest:,} outputs for "
                    f"{n_features} features; lower order or use hessian_method='smoothhess'."
                )
        if isinstance(self.primary, NeuralNet) and not getattr(self.primary, "initialized_", 0):
            raise ValueError(
                "primary is a skorch net that has not been fitted; fit it first, or pass "
                "primary=None to let SecondGlanceExplainer train a ReLU network."
            )

    # --------------------------------------------------------------------- primary
    def _fit_primary(self, X, y_fit, seed) -> ExplainedNetwork:
        """M1: a ReLU MLP trained here (one logit for two classes), or the user's."""
        n_classes = len(self.classes_) if self.task_ == "classification" else 1
        if self.primary is not None:
            network = ExplainedNetwork.adopt(
                self.primary,
                X,
                y_fit,
                task=self.task_,
                n_classes=n_classes,
                device=self.device,
                parameter="primary",
                features=self._layout,
            )
            if not piecewise_linear_layers(network.nets[0].module_):
                warnings.warn(
                    "primary has no ReLU-type layers (nn.ReLU, nn.LeakyReLU, ...): if it is "
                    "smooth, its exact Hessian exists and needs no surrogate; compute it "
                    "with TNIDDetector(net=primary) or sk_interact.derivatives.hessian.",
                    UserWarning,
                    stacklevel=3,
                )
            return network
        return ExplainedNetwork.train(
            X,
            y_fit,
            task=self.task_,
            n_classes=n_classes,
            hidden_layer_sizes=self.primary_hidden,
            activation="relu",
            seeds=[seed],
            settings=TrainingSettings.of(self),
            memory=self.memory,
            cacheable=isinstance(self.random_state, numbers.Integral),
            binary_logit=True,
            features=self._layout,
        )

    def _function(self, output: str, variant=None) -> nn.Sequential:
        """M1's explained scalar output as a function of standardized features."""
        return self.network_.function(output, self._class_position, variant=variant)

    def _standardize(self, X: np.ndarray) -> torch.Tensor:
        return self.network_.standardize(X)

    # ------------------------------------------------------------------ surrogates
    def _train_surrogates(self, Z: torch.Tensor, G: np.ndarray, seeds: list[int], rng) -> None:
        """M2, M3, …: each learns the effects of the order below at the training rows
        ``Z`` (standardized), from M1's inputs there (:meth:`_surrogate_inputs`)."""
        U = self._surrogate_inputs(Z)
        n, d = U.shape
        n_held = 0
        if self.validation_fraction:
            n_held = min(n - 2, math.ceil(self.validation_fraction * n))
        order = rng.permutation(n)
        held, train = (order[:n_held], order[n_held:]) if n_held > 0 else (order, order)
        targets, previous = G, _strict_sets(d, 1)
        self._surrogates, self.surrogate_r2_ = [], {}
        for level, seed in zip(range(2, self.order + 1), seeds, strict=True):
            surrogate = ExplainedNetwork.train(
                U[train],
                targets[train],
                task="regression",
                hidden_layer_sizes=self.surrogate_hidden,
                activation=self.surrogate_activation,
                seeds=[seed],
                settings=TrainingSettings.of(self),
                memory=self.memory,
                cacheable=isinstance(self.random_state, numbers.Integral),
                features=self._layout,
            )
            self._surrogates.append(surrogate)
            predicted = surrogate.predict_outputs(U[held])
            self.surrogate_r2_[level] = _weighted_r2(targets[held], predicted)
            if level < self.order:
                sets = _strict_sets(d, level)
                targets = np.concatenate(
                    [
                        self._set_effects(level, Z[rows], previous, sets).cpu().double().numpy()
                        for rows in self._row_blocks(n, level)
                    ]
                )
                previous = sets
        self.surrogates_ = [surrogate.nets[0] for surrogate in self._surrogates]

    def _set_effects(self, level, Z: torch.Tensor, previous, sets, J=None) -> torch.Tensor:
        """Effects ``(B, S)`` of ``sets`` read off surrogate ``M_level``'s Jacobian ``J``;
        0 for a set with a constant feature (M1 does not depend on it)."""
        J = self._surrogate_jacobian(level, Z) if J is None else J
        values = _set_entries(J, previous, sets)
        values[:, torch.as_tensor(self.network_.sets_with_constant(sets), device=values.device)] = 0
        return values

    def _row_blocks(self, n: int, level: int):
        d = self._encoded_width
        width = math.comb(d, level - 1) * d
        size = max(1, _JACOBIAN_BLOCK // width)
        for start in range(0, n, size):
            yield slice(start, min(n, start + size))

    def _surrogate_jacobian(self, level: int, Z: torch.Tensor) -> torch.Tensor:
        """``(B, m, d)``: the Jacobian of surrogate ``M_level`` at standardized points."""
        surrogate = nn.Sequential(self.network_.inputs(), self._surrogates[level - 2].module())
        return jacobian(surrogate, Z)

    def _surrogate_inputs(self, Z: torch.Tensor) -> np.ndarray:
        """What the surrogates take: M1's inputs (one-hot dummies as 0/1, so a rare
        level's untrained weights are not magnified by its large standardized value)."""
        with torch.no_grad():
            return self.network_.inputs()(Z).cpu().double().numpy()

    # ---------------------------------------------------------------- estimates
    def _generator(self) -> torch.Generator:
        return torch.Generator().manual_seed(self._noise_seed)

    def _effects(self, Z: torch.Tensor, level: int, sets: list[tuple[int, ...]], method: str):
        """Signed estimates ``(B, S)`` of the order-``level`` effects of ``sets``, and the
        surrogate's Jacobian they were read from (None for the other methods)."""
        if method == "surrogate":
            previous = _strict_sets(self._encoded_width, level - 1)
            J = self._surrogate_jacobian(level, Z)
            return self._set_effects(level, Z, previous, sets, J), J
        if method == "smoothhess":
            return smoothed_mixed_partials(
                self._function(self.output),
                Z,
                sets,
                sigma=self.sigma,
                n_samples=self.n_samples,
                generator=self._generator(),
            ), None
        return mixed_partials(self._smooth_function(self.output), Z, sets), None

    def _smooth_function(self, output: str) -> nn.Sequential:
        beta = float(self.softplus_beta)
        return self._function(output, variant=lambda module: softplus_copy(module, beta=beta)[0])

    def _rank(self, X: np.ndarray) -> tuple[pd.DataFrame, float]:
        """The ranking over the rows of ``X``, and M2's mean relative asymmetry there
        (0 for the methods that are symmetric by construction)."""
        layout = self.network_.features
        d = X.shape[1]
        Z = self._standardize(X)
        all_sets, strength, effect, asymmetry = [], [], [], []
        for level in range(2, self.order + 1):
            sets = _strict_sets(d, level)
            feature_sets, owner = _strict_sets(layout.n_features, level), None
            if not layout.identity:
                # encoded sets with one column per feature, and the feature set of each
                members, owner = layout.expand(feature_sets)
                position = {s: m for m, s in enumerate(sets)}
                picked = np.array([position[s] for s in members])
                reduce = layout.reducer(owner, len(feature_sets), members)  # every block
            sum_signed = np.zeros(len(feature_sets))
            sum_abs = np.zeros(len(feature_sets))
            blocks = list(self._row_blocks(len(X), level))
            for rows in progress(blocks, self.verbose, f"order-{level} effects"):
                values, J = self._effects(Z[rows], level, sets, self.hessian_method)
                values = values.double().cpu().numpy()
                if owner is not None:
                    values = reduce(values[:, picked])
                sum_signed += values.sum(axis=0)
                sum_abs += np.abs(values).sum(axis=0)
                if level == 2 and J is not None:
                    J = J.double()
                    numerator = torch.linalg.matrix_norm(J - J.transpose(1, 2))
                    asymmetry.append(numerator / torch.linalg.matrix_norm(J).clamp_min(1e-30))
            all_sets += feature_sets
            effect.append(sum_signed / len(X))
            strength.append(sum_abs / len(X))
        ranking = ranking_frame(
            all_sets, np.concatenate(strength), np.concatenate(effect), self._feature_names()
        )
        return ranking, float(torch.cat(asymmetry).mean()) if asymmetry else 0.0

    # ------------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train (or take) the primary, then the surrogates, and rank the interactions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features; DataFrame column names become feature names.
        y : array-like of shape (n_samples,)
            Regression target or class labels.

        Returns
        -------
        self : SecondGlanceExplainer
        """
        X, y, self._layout = validate_fit_data(self, X, y, ensure_min_samples=3)
        self._encoded_width = X.shape[1]
        self._check_parameters(X.shape[1])
        if self.order > self._layout.n_features:
            raise ValueError(
                f"order={self.order} exceeds the number of features after "
                f"feature_groups ({self._layout.n_features}); use order <= "
                f"{self._layout.n_features}."
            )
        y_fit = encode_target(self, y)
        self._class_position = 0
        if self.task_ == "classification":
            target = self.classes_[-1] if self.target is None else self.target
            self._class_position = int(np.searchsorted(self.classes_, target))

        rng = check_random_state(self.random_state)
        primary_seed = seed_from_random_state(rng)
        surrogate_seeds = [seed_from_random_state(rng) for _ in range(2, self.order + 1)]
        self._noise_seed = seed_from_random_state(rng)
        split_rng = np.random.RandomState(seed_from_random_state(rng))
        rows_rng = np.random.RandomState(seed_from_random_state(rng))

        self.network_ = self._fit_primary(X, y_fit, primary_seed)
        self.primary_ = self.network_.nets[0]
        self.validation_score_ = self.network_.validation_score(X, y_fit)
        self.network_.warn_constant(self._layout.encoded_names)
        if self.hessian_method == "softplus":
            _, replaced = softplus_copy(self.primary_.module_, beta=1.0)
            if not replaced:
                raise ValueError(
                    "hessian_method='softplus' found no nn.ReLU module to swap in primary "
                    "(a ReLU applied as a function in forward cannot be swapped); use "
                    "hessian_method='surrogate' or 'smoothhess'."
                )

        self._surrogates, self.surrogates_, self.surrogate_r2_ = [], [], {}
        if self.hessian_method == "surrogate":
            G = self._gradients(X, self.output)
            self._train_surrogates(self._standardize(X), G, surrogate_seeds, split_rng)
        explained = X
        if self.max_samples is not None and self.max_samples < len(X):
            explained = X[np.sort(rows_rng.choice(len(X), self.max_samples, replace=False))]
        self.interactions_, self.hessian_asymmetry_ = self._rank(explained)
        return self

    # ------------------------------------------------------------------ local view
    def _output(self, output: str | None) -> str:
        output = self.output if output is None else output
        if output not in ("logit", "proba"):
            raise ValueError(f"output must be 'logit', 'proba' or None, got {output!r}.")
        return output

    def _method(self, method: str | None) -> str:
        method = self.hessian_method if method is None else method
        if method not in HESSIAN_METHODS:
            raise ValueError(
                f"method must be one of {list(HESSIAN_METHODS)} or None, got {method!r}."
            )
        if method == "surrogate" and not self.surrogates_:
            raise ValueError(
                "method='surrogate' needs the surrogates, which are trained only when "
                "hessian_method='surrogate'; refit with it, or choose 'smoothhess' or "
                "'softplus'."
            )
        return method

    def local_gradients(self, X, *, output=None) -> np.ndarray:
        """Exact gradients of the primary M1 at each sample (standardized units).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        output : {"logit", "proba"}, optional
            Scale of a classifier's output; default ``self.output``.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
            One column per feature (``feature_groups_``); a feature of several
            encoded columns gets the signed root sum of squares of its gradients.
        """
        X = self._check_X(X)
        G = self._gradients(X, self._output(output))
        layout = self.network_.features
        if layout.identity:
            return G
        return layout.reduce(G, layout.feature_of, layout.n_features, range(G.shape[-1]))

    def _gradients(self, X: np.ndarray, output: str) -> np.ndarray:
        G = gradient(self._function(output), self._standardize(X))
        return G.double().cpu().numpy()

    def local_hessians(self, X, *, method=None, output=None, symmetrize=True) -> np.ndarray:
        """Signed Hessian estimates of the primary at each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        method : {"surrogate", "smoothhess", "softplus"}, optional
            Default ``hessian_method``; one fitted explainer serves all three (the
            surrogate only when it was trained).
        output : {"logit", "proba"}, optional
            Scale of a classifier's output; default ``self.output``. The surrogate's
            estimate is converted by the chain rule through the sigmoid, with M1's
            exact log-odds and gradient.
        symmetrize : bool, default=True
            ``(J + Jᵀ) / 2`` of the surrogate's Jacobian ``J``; False returns ``J``
            (``J[b, i, j] = ∂Ĝ_i/∂z_j``). The other methods are symmetric.

        Returns
        -------
        ndarray of shape (n_samples, n_features, n_features)
            Standardized units, as ``interactions_``.
        """
        X = self._check_X(X)
        method, output = self._method(method), self._output(output)
        Z = self._standardize(X)
        if method == "smoothhess":
            H = smoothed_hessian(
                self._function(output),
                Z,
                sigma=self.sigma,
                n_samples=self.n_samples,
                generator=self._generator(),
            )
        elif method == "softplus":
            H = exact_hessian(self._smooth_function(output), Z)
        else:
            H = torch.cat([self._surrogate_jacobian(2, Z[r]) for r in self._row_blocks(len(X), 2)])
            constant = torch.as_tensor(self.network_.constant, device=H.device)
            H[:, constant, :] = 0  # M1 does not depend on a constant feature
            H[:, :, constant] = 0
            if symmetrize:
                H = (H + H.transpose(1, 2)) / 2
            if self.task_ == "classification" and output != self.output:
                H = self._change_scale(H.double(), Z, to=output)
        return self.network_.features.reduce_matrix(H.double().cpu().numpy())

    def _change_scale(self, H: torch.Tensor, Z: torch.Tensor, to: str) -> torch.Tensor:
        """Hessians between the log-odds ``z`` and ``p = σ(z)``, by the chain rule.

        ``∇²p = p(1 − p)[(1 − 2p) ∇z ∇zᵀ + ∇²z]``, with M1's exact ``z`` and ``∇z``.
        """
        f = self._function("logit")
        with torch.no_grad():
            p = torch.sigmoid(f(Z)).double().reshape(-1, 1, 1)
        g = gradient(f, Z).double()
        outer = g[:, :, None] * g[:, None, :]
        slope = (p * (1 - p)).clamp_min(1e-12)
        if to == "proba":
            return slope * ((1 - 2 * p) * outer + H)
        return H / slope - (1 - 2 * p) * outer

    # --------------------------------------------------------------- transformer
    def _pairs(self) -> list[tuple[int, int]]:
        return _strict_sets(self.network_.features.n_features, 2)

    def transform(self, X):
        """Per-sample pairwise effects, one column per pair ``i < j``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features * (n_features - 1) / 2)
            The symmetrised Hessian entries by ``hessian_method``, named by
            :meth:`get_feature_names_out` (``"a:b"``).
        """
        H = self.local_hessians(X)
        rows, cols = np.triu_indices(self.network_.features.n_features, k=1)
        return H[:, rows, cols]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """``"a:b"`` for each pair of input features, in :meth:`transform`'s order."""
        check_is_fitted(self, "interactions_")
        names = self._feature_names()
        return np.asarray([f"{names[i]}:{names[j]}" for i, j in self._pairs()], dtype=object)

    def surrogate_score(self, X, sample_weight=None) -> float:
        """R² of the differentiated model's gradients against M1's exact gradients on X.

        For the surrogate method this is M2's R² (the paper's figure of merit); for
        SmoothHess the smoothed gradient, for the softplus swap the copy's gradient.
        Variance-weighted over the features.
        """
        X = self._check_X(X)
        Z = self._standardize(X)
        G = self._gradients(X, self.output)
        if self.hessian_method == "surrogate":
            predicted = self._surrogates[0].predict_outputs(self._surrogate_inputs(Z))
        elif self.hessian_method == "smoothhess":
            predicted = smoothed_gradient(
                self._function(self.output),
                Z,
                sigma=self.sigma,
                n_samples=self.n_samples,
                generator=self._generator(),
            )
        else:
            predicted = gradient(self._smooth_function(self.output), Z)
        predicted = np.asarray(torch.as_tensor(predicted).double().cpu()).reshape(G.shape)
        return float(
            r2_score(G, predicted, sample_weight=sample_weight, multioutput="variance_weighted")
        )
