"""T-NID: interactions of any order from a network's exact cross partial derivatives.

Lerman, Venuto, Kautz and Xu (ICCV 2021), §3 and Appendix C (Algorithm 1).
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
from sk_interact._derivatives import hessian, mixed_partials
from sk_interact._explained_network import (
    TRAINING_PARAMETER_CONSTRAINTS,
    ExplainedNetwork,
    TrainingSettings,
    encode_target,
)
from sk_interact._networks import ACTIVATIONS, check_hidden_layer_sizes
from sk_interact._ranking import ranking_frame
from sk_interact._significance import (
    SIGNIFICANCE_METHODS,
    benjamini_hochberg,
    bootstrap_p_values,
    check_fdr,
)
from sk_interact._training import progress, seed_from_random_state

__all__ = ["TNIDDetector"]

REPRESENTATIVES = ("mean", "median", "min", "max", "mode", "random")
AGGREGATIONS = {"mean": np.mean, "median": np.median, "min": np.min, "max": np.max}
# More subsets than this at the exhaustive order is a mistake, not a computation.
_MAX_EXHAUSTIVE_SETS = 5_000_000


def _column_modes(Z: np.ndarray) -> np.ndarray:
    """Per column: the most frequent value when it has few distinct values (≤ 20),
    else the centre of the fullest bin of a histogram with numpy's "auto" bins."""
    modes = np.empty(Z.shape[1])
    for j, column in enumerate(Z.T):
        values, counts = np.unique(column, return_counts=True)
        if len(values) <= 20:
            modes[j] = values[np.argmax(counts)]
            continue
        edges = np.histogram_bin_edges(column, bins="auto")
        if len(edges) > 101:  # "auto" can ask for thousands of bins on large samples
            edges = np.histogram_bin_edges(column, bins=100)
        counts, edges = np.histogram(column, bins=edges)
        fullest = np.argmax(counts)
        modes[j] = (edges[fullest] + edges[fullest + 1]) / 2
    return modes


def representative_samples(Z: np.ndarray, representatives, random_state) -> tuple[list, list]:
    """Rows of ``Z`` closest (L2) to column-wise aggregates (Algorithm 1, first loop).

    Parameters
    ----------
    Z : ndarray of shape (n, d)
        Standardized training features.
    representatives : tuple of str, or int
        Aggregates among ``REPRESENTATIVES``; an int draws that many distinct rows at
        random instead.
    random_state : RandomState

    Returns
    -------
    names : list of str
    rows : list of int
        Row positions in ``Z``.
    """
    if isinstance(representatives, numbers.Integral):
        count = min(int(representatives), len(Z))
        rows = np.sort(random_state.choice(len(Z), size=count, replace=False))
        return [f"random_{i}" for i in range(count)], [int(r) for r in rows]
    aggregates = {
        "mean": lambda: Z.mean(axis=0),
        "median": lambda: np.median(Z, axis=0),
        "min": lambda: Z.min(axis=0),
        "max": lambda: Z.max(axis=0),
        "mode": lambda: _column_modes(Z),
    }
    rows = []
    for name in representatives:
        if name == "random":
            rows.append(int(random_state.randint(len(Z))))
        else:
            rows.append(int(np.argmin(((Z - aggregates[name]()) ** 2).sum(axis=1))))
    return list(representatives), rows


def _extensions(prefixes: set[tuple[int, ...]], n_features: int) -> list[tuple[int, ...]]:
    """Every set ``I ∪ {j}`` for a prefix ``I`` and a feature ``j`` not in it, sorted."""
    return sorted(
        {tuple(sorted((*p, j))) for p in prefixes for j in range(n_features) if j not in p}
    )


class TNIDDetector(
    ExplainedNetworkPredictionsMixin, InteractionRankingMixin, TransformerMixin, BaseEstimator
):
    """Interactions of any order from exact cross partials of a trained network (T-NID).

    Trains a smooth (GELU) MLP with skorch, or takes a trained one, and measures the
    interaction effect of a feature set ``I`` by the cross partial derivative
    ``∂^|I| F / ∂x_I`` (Definition 3.1 of [1]_) at a few representative samples:
    every subset up to ``exhaustive_order`` features, then for each higher order only
    the supersets of the ``k`` strongest sets of the order below, aggregated over the
    representatives (Algorithm 1 of [1]_).

    Parameters
    ----------
    order : int, default=2
        Highest interaction order ``l`` to report.
    exhaustive_order : int, default=2
        Order ``o`` up to which every subset is scored.
    k : int, default=10
        Sets of each order above ``o`` are the supersets of the ``k`` strongest sets of
        the order below, taken at each representative sample.
    representatives : tuple of str or int, default=("mean", "min", "mode", "random")
        Aggregates among ``"mean"``, ``"median"``, ``"min"``, ``"max"``, ``"mode"``,
        ``"random"``: the training row nearest each aggregate of the standardized
        features is a representative sample. An int ``n`` instead draws ``n`` distinct
        training rows at random.
    aggregation : {"mean", "median", "min", "max"}, default="mean"
        How effects at the representatives combine into one global value.
    hidden_layer_sizes : tuple of int, default=(140, 100, 60, 20)
        Widths of the MLP's hidden layers.
    activation : {"gelu", "softplus", "tanh", "sigmoid", "relu"}, default="gelu"
        Hidden activation. It must be ``order`` times differentiable: ReLU networks have
        zero cross partials almost everywhere (use :class:`SecondGlanceExplainer`).
    max_epochs : int, default=200
        Upper bound on training epochs.
    lr : float, default=3e-3
        Adam learning rate.
    batch_size : int, default=256
        Mini-batch size.
    patience : int or None, default=10
        Early-stopping patience on the validation loss; None trains ``max_epochs``.
    validation_fraction : float or None, default=0.1
        Share of the training rows held out for early stopping.
    lr_schedule : {"constant", "plateau"}, default="constant"
        The paper's constant learning rate, or "plateau": multiply it by 0.3 whenever
        the validation loss stalls for ``patience // 4`` epochs. About four times slower,
        but the tighter fit leaks fewer spurious cross partials: with ``patience=20,
        max_epochs=400`` it raised the mean pairwise AUC on F1–F10 from 0.918 to 0.936.
    standardize : bool, default=True
        Train on standardized features (and regression targets).
    n_estimators : int, default=1
        Networks trained from different initial weights; ``strength`` is their mean and
        ``strength_std`` their standard deviation (the paper's "± over trials").
        Averaging damps the spurious cross partials one network leaks between strong
        components; on F1–F10, 4 networks raised the pairwise AUC of F6 from 0.78 to
        0.86 (mean over the ten: 0.918 to 0.928). Regression networks are trained
        together as one batched ensemble.
    n_interaction_features : int, default=10
        Top interactions whose product columns :meth:`transform` appends: one column
        each, or one per combination of their encoded columns for a one-hot or grouped
        feature (``age × workclass``: ``age`` times each ``workclass`` dummy).
    feature_groups : dict of str to list of str or int, optional
        Several columns treated as one feature: ``{"location": ["lat", "lon"]}``
        (names or positions of ``X``'s columns). Rankings, local explanations and
        plots are then at feature level; a column in no group is a feature of its
        own, a text or ``category`` column (one-hot encoded here) is one feature. See
        :func:`~sk_interact.feature_groups_from_transformer` for the groups of a
        fitted ``ColumnTransformer``, and the Notes for how a group's effect is read.
    significance : {None, "auto", "bootstrap"}, default=None
        Test which ranked interactions are real. "bootstrap" (and "auto"): for each
        tested set, targets are simulated from a model of the data in which that set's
        features cannot interact (``HistGradientBoosting*`` whose ``interaction_cst``
        keeps them apart; every other interaction allowed), networks are trained on
        them in one batched ensemble with a network of the real target, and the set's
        mean squared mixed partial is compared with theirs. Adds ``p_value`` and
        ``q_value`` (Benjamini–Hochberg) to ``interactions_`` and enables
        :meth:`select_interactions`. See :mod:`sk_interact._significance`. The test's
        networks are trained here with ``hidden_layer_sizes`` and the training
        settings, also when ``net`` is given (the test is about the data). The null
        targets' noise keeps each row's spread (a log-additive model of the squared
        residuals), so noise whose spread depends on the features is not mistaken
        for interactions. For classes, the null labels are drawn from the constrained
        classifier, flattened to the labels' out-of-fold uncertainty; with three or
        more classes a set is no interaction when every class's softmax logit leaves
        it out (as in a multinomial logistic model), and the test differentiates the
        centred logits, so pairs that a class's log-odds against the rest hold only
        through the softmax's normalisation (features acting on different classes)
        are ranked but not selected. The test reads the log-odds (or centred logits)
        whatever ``output``: with ``output="proba"`` the p-values say which ranked sets
        interact on the log-odds scale (a model with main effects only has cross
        partials on the probability scale too). Error control is measured on
        regression and classification targets; on binary labels the power is low at
        a few thousand rows (see the user guide, "Which interactions are real:
        p-values and false discovery rate").
    n_null_networks : int, default=4
        Null networks per fold of tested sets (the six strongest sets of each order get
        three each, of their own); about ``1 + 18 + 6 × n_null_networks`` networks per
        tested order, trained together. An order with fewer than 40 pooled null values
        (two or three features) gets more per set, as its p-values' tail fit needs.
    net : skorch net or torch.nn.Module, optional
        A trained network to explain instead of training one; copied, never
        modified. A module maps ``(n, d)`` features to regression outputs ``(n, 1)``
        or class logits ``(n, C)`` (one logit for two classes; probabilities when it
        ends in ``nn.Softmax``/``nn.Sigmoid`` or a skorch net trains it with
        ``NLLLoss``). Its input width, outputs, kind (regressor or classifier) and
        device are checked before any work.
    memory : "auto", None, str or joblib.Memory, default="auto"
        Cache of trained networks, so that re-fitting on the same data with only the
        explanation parameters changed (``order``, ``k``, ... as ``GridSearchCV``
        does) trains nothing. "auto": an in-process cache, used only when
        ``random_state`` is an int (other random states would not reproduce the
        network); None: never cache; a path or ``joblib.Memory``: a disk cache, which
        processes share (``GridSearchCV(n_jobs=...)``), as in scikit-learn's
        ``Pipeline(memory=...)``.
    task : {"auto", "regression", "classification"}, default="auto"
        "auto" reads it from ``y``: labels (text, boolean, categories) and numbers
        that are all whole with at most 20 distinct values are classes; any other
        numeric ``y`` is a regression target. Between 11 and 50 whole values, a
        ``UserWarning`` says which way it went.
    output : {"logit", "proba"}, default="logit"
        Scale of a classifier's output that is differentiated: the class log-odds
        ``log p / (1 − p)`` or the probability (the paper's softmax output).
    target : class label, optional
        Class whose output is explained. Default: the positive class (``classes_[1]``)
        for binary problems; every class, squared effects summed, for multi-class.
    device : str, default="cpu"
        Where to train and differentiate.
    random_state : int, RandomState instance or None, default=None
        Seeds training, the random representative and :attr:`net_`. An int makes
        ``fit`` bit-for-bit reproducible on CPU and lets re-fits reuse trained nets.
    verbose : int, default=0
        0 is silent; 1 shows progress bars (tqdm) over the training epochs and the
        derivative computations; 2 prints skorch's per-epoch table instead of the
        training bar.

    Attributes
    ----------
    interactions_ : DataFrame
        Every scored set of every order, strongest first: ``features``, ``indices``,
        ``order``, ``strength``, ``effect``, ``strength_std``.
    net_ : skorch.NeuralNet
        The (first) fitted network; all of them are in ``nets_``.
    network_ : ExplainedNetwork
        The networks with their scalings, task and the function the kernels
        differentiate (:mod:`sk_interact._explained_network`).
    validation_score_ : float or None
        R² (regression) or accuracy (classification) of the networks on the
        ``validation_fraction`` of the rows they did not train on; None for an adopted
        ``net`` (its training rows are unknown: score it on data of your own) or
        without a hold-out. Interactions of a network that has not learnt the target
        explain the network, not the data.
    nets_ : list of skorch.NeuralNet
        The ``n_estimators`` fitted networks.
    representatives_ : DataFrame
        The representative rows in original units, indexed by aggregate name.
    feature_groups_ : dict of str to list of str
        Every feature rankings name, with the columns of ``X`` it holds (one column
        each unless grouped); ``indices`` in rankings are positions in it.
    classes_ : ndarray
        Class labels (classification only).
    task_ : {"regression", "classification"}
    feature_names_in_ : ndarray of str
        Column names, when ``X`` was a DataFrame; rankings otherwise name the
        features ``x0 … x{d-1}``.
    n_features_in_ : int

    Notes
    -----
    **Units.** Effects are derivatives with respect to standardized features
    ``z = (x − mean) / σ``, ``∂^l F / ∂z_I = ∂^l F / ∂x_I · Π_{i∈I} σ_i``, so strengths
    compare across features of different units and do not change when a feature is
    rescaled; a regression output is divided by the standard deviation of ``y``. The
    kernels differentiate in those units directly (no product of scales afterwards),
    so features of any magnitude (1e-12 or 1e30) give the same ranking. A constant
    feature (standard deviation at most 1e-6 of its largest magnitude) is held fixed:
    it is named in a ``UserWarning`` and every set containing it has strength 0.

    **Strength.** Regression: mean over representatives of the squared cross partial
    (§3 of [1]_), ``effect`` the mean signed one. Binary classification: ``effect`` is
    the aggregated signed cross partial of the ``target`` class (default the positive
    one) and ``strength = |effect|``. The log-odds scale is the default: on the
    probability scale a model with main effects only also has cross partials, through
    the curvature of the link (Ai & Norton, 2003 — the paper's reference [1]);
    ``output="proba"`` reproduces the paper. Multi-class: the squared cross partial of
    class ``target``'s output; with ``target=None`` the squared cross partials of all
    classes are summed (an interaction that matters for any class is found) and
    ``effect`` is NaN. A class's log-odds against the rest hold pairs of features that
    act on different classes' logits even in a multinomial logistic model (through the
    softmax's normalisation), so such pairs rank high; ``significance`` reads the
    centred logits, which do not hold them, and does not select them.
    For :meth:`local_interactions` and :meth:`local_hessians`,
    ``target=None`` means each sample's predicted class.

    **Categorical columns and groups.** Text, ``category`` and boolean object columns
    are one-hot encoded inside the estimator (``OneHotEncoder(handle_unknown="ignore")``:
    an unseen level is a row of zeros). The network sees dummies as 0/1; effects are
    still in standardized units, so a dummy's unit is its standard deviation
    ``(p(1 − p))^½`` for a level in a share ``p`` of the rows. The local effect of a
    set of features is read from the block of mixed partials with one encoded column
    from each feature, less the levels' share-weighted mean over each text column (the
    dummies sum to one on every row, so no data tells such a common shift apart; user
    guide, "How a group's interaction is defined"): its root sum of squares (a
    one-column feature gives the partial itself), signed along the direction its
    features move in where each has one (a text column of two levels from its first
    level to its second in sorted order: ``age × sex`` is positive when age raises the
    output more for ``Male`` than for ``Female``), else as the block's largest entry;
    rare levels weigh little because their unit is small. Missing values are refused,
    naming the columns (impute them in a Pipeline).

    **Interpretations of Algorithm 1.** The top ``k`` sets are chosen at each
    representative sample, as in the algorithm; each candidate set is then scored at
    *every* representative, so every set of one order is aggregated over the same
    points and strengths stay comparable (the algorithm averages a set over the
    representatives that chose it only). The "mode" of a continuous column is the
    centre of its fullest histogram bin. Representatives are chosen once, from the
    standardized training data, and shared by all ``n_estimators`` networks.

    **Ensembles.** For regression, the ``n_estimators`` networks are trained as one
    :class:`~sk_interact._networks.EnsembleMLP`: they start from independent weights but
    see the same mini-batches and stop at the same epoch (on their mean validation
    loss). Classification networks are trained one after the other with their own
    seeds.

    References
    ----------
    .. [1] Lerman, S., Venuto, C., Kautz, H., Xu, C. "Explaining Local, Global, And
       Higher-Order Interactions In Deep Learning." ICCV 2021.

    Examples
    --------
    >>> from sk_interact import TNIDDetector
    >>> from sk_interact.datasets import make_tsang_benchmark
    >>> from sk_interact.metrics import interaction_auc_score
    >>> X, y, truth = make_tsang_benchmark("F10", n_samples=3000, random_state=0)
    >>> truth
    [(0, 1), (2, 4, 6), (3, 4), (6, 8)]
    >>> tnid = TNIDDetector(order=3, hidden_layer_sizes=(64, 32), max_epochs=50,
    ...                     random_state=0).fit(X, y)
    >>> tnid.rank_interactions(order=2, top=3)["features"].tolist()  # doctest: +SKIP
    [('x0', 'x1'), ('x3', 'x4'), ('x2', 'x4')]
    >>> bool(interaction_auc_score(truth, tnid.interactions_, order=2) > 0.95)
    True
    """

    _parameter_constraints: dict = {
        "order": [Interval(numbers.Integral, 2, None, closed="left")],
        "exhaustive_order": [Interval(numbers.Integral, 2, None, closed="left")],
        "k": [Interval(numbers.Integral, 1, None, closed="left")],
        "representatives": ["array-like", Interval(numbers.Integral, 1, None, closed="left")],
        "aggregation": [StrOptions(set(AGGREGATIONS))],
        "hidden_layer_sizes": ["array-like"],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "standardize": ["boolean"],
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_interaction_features": [Interval(numbers.Integral, 0, None, closed="left")],
        "net": [NeuralNet, nn.Module, None],
        "feature_groups": [dict, None],
        "significance": [StrOptions({"auto", *SIGNIFICANCE_METHODS}), None],
        "n_null_networks": [Interval(numbers.Integral, 3, None, closed="left")],
        **TRAINING_PARAMETER_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        order=2,
        exhaustive_order=2,
        k=10,
        representatives=("mean", "min", "mode", "random"),
        aggregation="mean",
        hidden_layer_sizes=(140, 100, 60, 20),
        activation="gelu",
        max_epochs=200,
        lr=3e-3,
        batch_size=256,
        patience=10,
        validation_fraction=0.1,
        lr_schedule="constant",
        standardize=True,
        n_estimators=1,
        n_interaction_features=10,
        feature_groups=None,
        significance=None,
        n_null_networks=4,
        net=None,
        memory="auto",
        task="auto",
        output="logit",
        target=None,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.order = order
        self.exhaustive_order = exhaustive_order
        self.k = k
        self.representatives = representatives
        self.aggregation = aggregation
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.lr_schedule = lr_schedule
        self.standardize = standardize
        self.n_estimators = n_estimators
        self.n_interaction_features = n_interaction_features
        self.feature_groups = feature_groups
        self.significance = significance
        self.n_null_networks = n_null_networks
        self.net = net
        self.memory = memory
        self.task = task
        self.output = output
        self.target = target
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ validation
    def _check_parameters(self, n_features: int) -> None:
        """Cross-parameter checks that ``_parameter_constraints`` cannot express."""
        if self.order > n_features:
            raise ValueError(
                f"order={self.order} exceeds the number of features ({n_features}); "
                f"use order <= {n_features}."
            )
        if self.exhaustive_order > self.order:
            raise ValueError(
                f"exhaustive_order={self.exhaustive_order} must be <= order={self.order}."
            )
        if math.comb(n_features, self.exhaustive_order) > _MAX_EXHAUSTIVE_SETS:
            raise ValueError(
                f"exhaustive_order={self.exhaustive_order} means "
                f"{math.comb(n_features, self.exhaustive_order):,} sets for {n_features} "
                "features; lower exhaustive_order and let k prune the higher orders."
            )
        if not isinstance(self.representatives, numbers.Integral):
            names = list(self.representatives)
            unknown = [r for r in names if r not in REPRESENTATIVES]
            if unknown or not names or len(set(names)) != len(names):
                raise ValueError(
                    "representatives must be distinct names among "
                    f"{list(REPRESENTATIVES)} or a number of random rows; got "
                    f"{self.representatives!r}."
                )
        check_hidden_layer_sizes(self.hidden_layer_sizes)

    def _explained_classes(self) -> list[int]:
        if self.task_ == "regression":
            return [0]
        if self.target is not None:
            return [int(np.searchsorted(self.classes_, self.target))]
        return [1] if len(self.classes_) == 2 else list(range(len(self.classes_)))

    def _per_network_and_class(self, kernel, points: np.ndarray, *args, output=None) -> np.ndarray:
        """``kernel(f, Z, *args)`` for every network and explained class: ``(E, C, ...)``.

        ``f`` is the explained output as a function of standardized features
        (:meth:`~sk_interact._explained_network.ExplainedNetwork.function`).
        """
        network = self.network_
        Z = network.standardize(points)
        return np.asarray(
            [
                [
                    kernel(network.function(output or self.output, c, member), Z, *args)
                    .cpu()
                    .double()
                    .numpy()
                    for c in self._classes_explained
                ]
                for member in network.members()
            ]
        )

    def _cross_partials(self, points: np.ndarray, sets: list[tuple[int, ...]]) -> np.ndarray:
        """Signed effects ``(E, C, R, S)`` for every net, explained class, point and
        feature set: a feature of several encoded columns gives the signed root sum of
        squares of its block (:meth:`~sk_interact._features.FeatureLayout.reduce`)."""
        layout = self.network_.features
        if layout.identity:
            columns, owner = sets, None
        else:
            columns, owner = layout.expand(sets)
        values = self._per_network_and_class(
            mixed_partials, points, torch.as_tensor(columns, dtype=torch.int64)
        )
        return values if owner is None else layout.reduce(values, owner, len(sets), columns)

    def _cross_partials_with_progress(self, points, sets, level: int) -> np.ndarray:
        """:meth:`_cross_partials`, in about 20 blocks of sets behind a bar when verbose."""
        if not self.verbose or len(sets) < 2:
            return self._cross_partials(points, sets)
        size = math.ceil(len(sets) / 20)
        starts = range(0, len(sets), size)
        bar = progress(starts, self.verbose, f"order-{level} sets", total=len(starts))
        return np.concatenate(
            [self._cross_partials(points, sets[i : i + size]) for i in bar], axis=-1
        )

    def _local_strength(self, values: np.ndarray) -> np.ndarray:
        """Per net and point ``(E, R, S)``: |effect| (binary), else squared, classes summed."""
        if self.task_ == "classification" and len(self.classes_) == 2:
            return np.abs(values[:, 0])
        return (values**2).sum(axis=1)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the network(s) and rank interactions by Algorithm 1 of T-NID.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features; DataFrame column names become feature names.
        y : array-like of shape (n_samples,)
            Regression target or class labels.

        Returns
        -------
        self : TNIDDetector
        """
        X, y, layout = validate_fit_data(self, X, y)
        self._check_parameters(layout.n_features)
        y_fit = encode_target(self, y)
        n_classes = len(self.classes_) if self.task_ == "classification" else 1

        rng = check_random_state(self.random_state)
        # Representatives first: they do not depend on how many networks are trained.
        representatives_rng = np.random.RandomState(seed_from_random_state(rng))
        seeds = [seed_from_random_state(rng) for _ in range(self.n_estimators)]
        if self.net is None:
            self.network_ = ExplainedNetwork.train(
                X,
                y_fit,
                task=self.task_,
                n_classes=n_classes,
                hidden_layer_sizes=self.hidden_layer_sizes,
                activation=self.activation,
                seeds=seeds,
                settings=TrainingSettings.of(self),
                memory=self.memory,
                cacheable=isinstance(self.random_state, numbers.Integral),
                features=layout,
            )
        else:
            self.network_ = ExplainedNetwork.adopt(
                self.net,
                X,
                y_fit,
                task=self.task_,
                n_classes=n_classes,
                device=self.device,
                features=layout,
            )
        self.nets_ = self.network_.nets
        self.net_ = self.nets_[0]
        self.validation_score_ = self.network_.validation_score(X, y_fit)
        self.network_.warn_constant(layout.encoded_names)

        self._classes_explained = self._explained_classes()
        Z = self.network_.standardize(X).cpu().double().numpy()
        names, rows = representative_samples(Z, self.representatives, representatives_rng)
        self.representatives_ = pd.DataFrame(
            X[rows], index=pd.Index(names, name="representative"), columns=layout.encoded_names
        )
        self.interactions_ = self._rank(X[rows])
        if self.significance is not None:
            self.interactions_ = self._add_significance(X, y_fit, rng)
        return self

    def _add_significance(self, X, y_fit, rng) -> pd.DataFrame:
        """``interactions_`` with ``p_value`` and ``q_value`` (:mod:`._significance`)."""
        ranking = self.interactions_.copy()
        classification = self.task_ == "classification"
        for a, b in self.network_.features.same_information(X):
            warning = UserWarning(
                f"significance: features {a!r} and {b!r} carry the same information (their "
                "values match one to one), so an interaction of one can be written with "
                "the other and the target needs neither: their pairs are not selected. "
                f"Join them into one feature, feature_groups={{'{a}': [{a!r}, {b!r}]}}, to "
                "test them together."
            )
            warning.feature_groups = {a: [a, b]}  # the remedy (the command line's --groups)
            warnings.warn(warning, stacklevel=4)
        p = bootstrap_p_values(
            X,
            y_fit,
            layout=self.network_.features,
            feature_sets=ranking["indices"].tolist(),
            architecture=(X.shape[1], tuple(self.hidden_layer_sizes), self.activation),
            settings=TrainingSettings.of(self),
            n_null=int(self.n_null_networks),
            random_state=np.random.RandomState(seed_from_random_state(rng)),
            classes=self._classes_explained if classification else None,
            n_classes=len(self.classes_) if classification else None,
        )
        ranking["p_value"] = p
        ranking["q_value"] = benjamini_hochberg(p)
        return ranking

    def select_interactions(self, fdr: float = 0.1) -> pd.DataFrame:
        """The interactions found real at false discovery rate ``fdr``.

        Parameters
        ----------
        fdr : float, default=0.1
            Target false discovery rate, in (0, 1): the rows of ``interactions_``
            (every order) whose ``q_value`` (Benjamini–Hochberg) is at most ``fdr``.

        Returns
        -------
        DataFrame
            Those rows, strongest first, re-indexed from 0 (empty when none is).
        """
        check_is_fitted(self, "interactions_")
        fdr = check_fdr(fdr)
        if "q_value" not in self.interactions_.columns:
            raise ValueError(
                "select_interactions needs p-values: this estimator was fitted with "
                "significance=None; refit with significance='auto'."
            )
        selected = self.interactions_[self.interactions_["q_value"] <= fdr]
        return selected.reset_index(drop=True).copy()

    def _rank(self, points: np.ndarray) -> pd.DataFrame:
        """Algorithm 1: exhaustive orders, then supersets of each representative's top k."""
        d = self.network_.features.n_features
        blocks = []  # per order: (sets, signed values (E, C, R, S), local strength (E, R, S))
        for level in range(2, self.order + 1):
            if level <= self.exhaustive_order:
                sets = list(itertools.combinations(range(d), level))
            else:
                # Supersets of each (network, representative)'s top k of the order below.
                previous, _, strength = blocks[-1]
                best = np.argsort(-strength, axis=-1, kind="stable")[..., : self.k]
                sets = _extensions({previous[i] for i in np.unique(best)}, d)
            values = self._cross_partials_with_progress(points, sets, level)
            blocks.append((sets, values, self._local_strength(values)))

        sets = [s for block_sets, _, _ in blocks for s in block_sets]
        values = np.concatenate([block[1] for block in blocks], axis=-1)  # (E, C, R, S)
        strength = np.concatenate([block[2] for block in blocks], axis=-1)  # (E, R, S)
        aggregate = AGGREGATIONS[self.aggregation]
        effect_per_net = aggregate(values[:, 0], axis=1)  # (E, S), first explained class
        if self.task_ == "classification" and len(self.classes_) == 2:
            strength_per_net = np.abs(effect_per_net)
        else:
            strength_per_net = aggregate(strength, axis=1)
        effect = effect_per_net.mean(axis=0)
        if len(self._classes_explained) > 1:
            effect = None  # several classes summed: no single sign
        std = (
            strength_per_net.std(axis=0, ddof=1)
            if len(self.nets_) > 1
            else np.full(len(sets), np.nan)  # one network: no spread to report
        )
        return ranking_frame(
            sets, strength_per_net.mean(axis=0), effect, self._feature_names(), strength_std=std
        )

    # ------------------------------------------------------------------ local view
    def _local_class_index(self, X: np.ndarray) -> np.ndarray | None:
        """Per sample, the position in ``_classes_explained`` to report (multi-class)."""
        if len(self._classes_explained) == 1:
            return None
        return self.network_.predict_codes(X)

    def local_interactions(self, X, order: int = 2) -> pd.DataFrame:
        """Per-sample signed interaction effects of one order, in long form.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        order : int, default=2
            Which sets: those of this order in ``interactions_``.

        Returns
        -------
        DataFrame
            One row per (sample, set): ``sample`` (row position in ``X``),
            ``features``, ``indices``, ``order``, ``effect`` (the cross partial at that
            sample, standardized units, mean over ``nets_``).
        """
        check_is_fitted(self, "interactions_")
        X = self._check_X(X)
        sets = self.rank_interactions(order=order)["indices"].tolist()
        if not sets:
            raise ValueError(
                f"no interactions of order {order} were scored; choose an order between "
                f"2 and {self.order}."
            )
        values = self._cross_partials(X, sets).mean(axis=0)  # (C, n, S)
        chosen = self._local_class_index(X)
        local = values[0] if chosen is None else values[chosen, np.arange(len(X))]
        n, s = local.shape
        names = self._feature_names()
        return pd.DataFrame(
            {
                "sample": np.repeat(np.arange(n), s),
                "features": [tuple(names[i] for i in t) for t in sets] * n,
                "indices": sets * n,
                "order": order,
                "effect": local.reshape(-1),
            }
        )

    def local_hessians(self, X, *, output=None) -> np.ndarray:
        """Signed Hessians of the explained output at each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        output : {"logit", "proba"}, optional
            Scale of a classifier's output; default ``self.output``.

        Returns
        -------
        ndarray of shape (n_samples, n_features, n_features)
            ``∂²F/∂z_i∂z_j`` on the ``output`` scale, standardized units, mean over
            ``nets_`` (multi-class without ``target``: each sample's predicted class).
        """
        check_is_fitted(self, "interactions_")
        X = self._check_X(X)
        if output not in (None, "logit", "proba"):
            raise ValueError(f"output must be 'logit', 'proba' or None, got {output!r}.")
        H = self._per_network_and_class(hessian, X, output=output).mean(axis=0)  # (C, n, d, d)
        chosen = self._local_class_index(X)
        H = H[0] if chosen is None else H[chosen, np.arange(len(X))]
        return self.network_.features.reduce_matrix(H)

    # --------------------------------------------------------------- transformer
    def _top_sets(self) -> list[tuple[int, ...]]:
        """Encoded-column sets of the top interactions: for features of several columns
        (one-hot dummies, groups), one set per combination of their columns."""
        top = self.interactions_["indices"].head(self.n_interaction_features).tolist()
        layout = self.network_.features
        return top if layout.identity or not top else layout.expand(top)[0]

    def transform(self, X):
        """Append one product column per top interaction.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features + n_products)
            ``X`` followed by ``Π_{i∈I} x_i`` for the ``n_interaction_features``
            strongest sets ``I`` (fewer if fewer were scored). With categorical columns
            or ``feature_groups``, ``X`` is the encoded matrix (one-hot dummies) and a
            set of features gives one product per combination of their columns (an
            ``age × workclass`` interaction: ``age`` times each ``workclass`` dummy).
        """
        check_is_fitted(self, "interactions_")
        X = self._check_X(X)
        products = [np.prod(X[:, list(s)], axis=1) for s in self._top_sets()]
        return np.column_stack([X, *products]) if products else X.copy()

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Input names (``"workclass=Private"`` for a dummy), then ``"a*b"`` for each
        appended product column."""
        check_is_fitted(self, "interactions_")
        names = self.network_.features.encoded_names
        products = ["*".join(names[i] for i in s) for s in self._top_sets()]
        return np.asarray(names + products, dtype=object)
