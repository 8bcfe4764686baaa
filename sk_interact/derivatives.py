"""Exact derivative kernels: gradients, Hessians, Jacobians and mixed partials.

The public face of :mod:`sk_interact._derivatives`, for users who want the
derivatives of their own networks or functions without an estimator around them.
"""

from sk_interact._derivatives import gradient, hessian, jacobian, mixed_partials

__all__ = ["gradient", "hessian", "jacobian", "mixed_partials"]
