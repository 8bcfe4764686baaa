"""Exact derivative kernels: gradients, Hessians, Jacobians and mixed partials.

The public face of :mod:`sk_interact._derivatives`, for users who want the
derivatives of their own networks or functions without an estimator around them,
and the Gaussian-smoothed (SmoothHess) Hessians and mixed partials of ReLU networks.
"""

from sk_interact._derivatives import (
    gradient,
    hessian,
    jacobian,
    mixed_partials,
    smoothed_gradient,
    smoothed_hessian,
    smoothed_mixed_partials,
)

__all__ = [
    "gradient",
    "hessian",
    "jacobian",
    "mixed_partials",
    "smoothed_gradient",
    "smoothed_hessian",
    "smoothed_mixed_partials",
]
