"""Network modules: architecture, activations, fixed scalings."""

import functools

import pytest
import torch
from torch import nn

from sk_interact._derivatives import hessian
from sk_interact._networks import ACTIVATIONS, MLP, ElementwiseAffine, StandardizedNetwork


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_mlp_layers_and_output_shape(activation):
    # Linear/activation pairs of the requested widths, then a linear output layer.
    mlp = MLP(7, hidden_layer_sizes=(5, 3), activation=activation, n_outputs=4)
    linears = [m for m in mlp if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(7, 5), (5, 3), (3, 4)]
    assert sum(isinstance(m, ACTIVATIONS[activation]) for m in mlp) == 2
    assert mlp(torch.zeros(6, 7)).shape == (6, 4)


def test_mlp_default_is_the_t_nid_architecture():
    # GELU 140-100-60-20 with one output, as in the T-NID paper.
    mlp = MLP(10)
    widths = [m.out_features for m in mlp if isinstance(m, nn.Linear)]
    assert widths == [140, 100, 60, 20, 1]
    assert isinstance(mlp[1], nn.GELU)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"activation": "swish"}, "activation must be one of"),
        ({"hidden_layer_sizes": (10, 0)}, "hidden_layer_sizes"),
        ({"hidden_layer_sizes": 10}, "hidden_layer_sizes"),
        ({"n_outputs": 0}, "n_outputs"),
    ],
)
def test_mlp_rejects_bad_arguments(kwargs, message):
    # Bad architecture arguments name the parameter and the valid choices.
    with pytest.raises(ValueError, match=message):
        MLP(3, **kwargs)


def test_elementwise_affine_parts_match_its_forward():
    # affine_parts() is the same map as forward(), so the kernels may fold it.
    affine = ElementwiseAffine(torch.tensor([2.0, -1.0, 0.5]), torch.tensor([0.0, 3.0, 1.0]))
    X = torch.randn(4, 3)
    weight, bias = affine.affine_parts()
    torch.testing.assert_close(affine(X), X @ weight.T + bias)
    assert not list(affine.parameters())  # fixed: nothing for an optimizer


def test_standardized_network_maps_raw_units_and_its_hessian_scales():
    # f(x) = s_y · g((x − μ)/σ) + μ_y, so H_f = s_y · H_g / (σ_i σ_j).
    torch.manual_seed(0)
    body = MLP(3, (6,), activation="tanh").double()
    mean, std = torch.tensor([1.0, -2.0, 0.5]), torch.tensor([2.0, 0.5, 4.0])
    net = StandardizedNetwork(body, mean, std, torch.tensor([10.0]), torch.tensor([3.0])).double()
    X = torch.randn(5, 3, dtype=torch.float64) * std + mean
    Z = (X - mean) / std
    torch.testing.assert_close(net(X), 3.0 * body(Z) + 10.0)
    expected = 3.0 * hessian(body, Z) / (std[:, None] * std[None, :]).double()
    torch.testing.assert_close(hessian(net, X), expected)


def test_standardized_network_accepts_float64_inputs():
    # numpy float64 batches (as skorch passes them) are cast to the module's dtype.
    net = StandardizedNetwork(MLP(2, (3,)), torch.zeros(2), torch.ones(2))
    out = net(torch.ones(4, 2, dtype=torch.float64))
    assert out.dtype == torch.float32


def test_ensemble_mlp_members_reproduce_its_outputs_and_hessians():
    # Each member is an ordinary MLP equal to its column of the ensemble, derivatives too.
    from sk_interact._networks import EnsembleMLP

    torch.manual_seed(0)
    ensemble = EnsembleMLP(4, (6, 5), activation="softplus", n_members=3).double()
    X = torch.randn(7, 4, dtype=torch.float64)
    for e, member in enumerate(ensemble.members()):
        torch.testing.assert_close(member(X)[:, 0], ensemble(X)[:, e])
        column = functools.partial(lambda Z, e: ensemble(Z)[:, e], e=e)
        torch.testing.assert_close(hessian(member, X), hessian(column, X))
