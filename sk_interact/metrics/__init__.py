"""Scores of interaction rankings against a known ground truth, and scorers for model selection.

:func:`interaction_auc_score` and :func:`interaction_r_precision` follow the scoring
rules of Tsang, Cheng & Liu (ICLR 2018), used by T-NID; the scorers made by
:func:`make_interaction_auc_scorer` and :func:`make_interaction_r_precision_scorer`
(or by name with :func:`get_scorer`) plug them into ``GridSearchCV``.
:func:`shap_polarity_agreement` compares an estimator's signed local Hessians with
XGBoost's SHAP interaction values, as Second Glance (Shahid et al., 2024) did.
Without a ground truth, :func:`make_interaction_fidelity_scorer` (``"interaction_fidelity"``)
scores the detected sets by how well a model restricted to them and the main effects
predicts held-out rows, to choose ``order`` and the number of interactions.
"""

from ._fidelity import make_interaction_fidelity_scorer
from ._interaction import interaction_auc_score, interaction_r_precision
from ._polarity import DEFAULT_XGB_PARAMS, make_shap_polarity_scorer, shap_polarity_agreement
from ._scorer import (
    get_scorer,
    get_scorer_names,
    make_interaction_auc_scorer,
    make_interaction_r_precision_scorer,
)

__all__ = [
    "DEFAULT_XGB_PARAMS",
    "get_scorer",
    "get_scorer_names",
    "interaction_auc_score",
    "interaction_r_precision",
    "make_interaction_auc_scorer",
    "make_interaction_fidelity_scorer",
    "make_interaction_r_precision_scorer",
    "make_shap_polarity_scorer",
    "shap_polarity_agreement",
]
