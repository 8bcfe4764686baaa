"""Exact derivative kernels: gradients, Hessians, Jacobians and mixed partials.

The public face of :mod:`sk_interact._derivatives`, for users who want the
derivatives of their own networks or functions without an estimator around them,
the Gaussian-smoothed (SmoothHess) Hessians and mixed partials of ReLU networks, and
the region saliences of Grad-CAM, Hessian-CAM and Taylor-CAM.
"""

from sk_interact._derivatives import (
    grad_cam,
    gradient,
    hessian,
    hessian_cam,
    jacobian,
    mixed_partials,
    smoothed_gradient,
    smoothed_hessian,
    smoothed_mixed_partials,
    taylor_cam_triples,
)

__all__ = [
    "grad_cam",
    "gradient",
    "hessian",
    "hessian_cam",
    "jacobian",
    "mixed_partials",
    "smoothed_gradient",
    "smoothed_hessian",
    "smoothed_mixed_partials",
    "taylor_cam_triples",
]
