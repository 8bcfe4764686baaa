"""Tests for TaylorCAMExplainer and the hessian_cam / grad_cam kernels."""

import copy
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse
import skorch
import torch
from sklearn.exceptions import NotFittedError
from torch import nn

from sk_interact._derivatives import grad_cam, hessian_cam, taylor_cam_triples
from sk_interact._taylor_cam import TaylorCAMExplainer, class_probability

A_REGION, B_REGION = 5, 10  # planted pair on a 4 × 4 grid


class Planted(nn.Module):
    """Logit = x_a · x_b + small linear terms of a fixed conv's 4 × 4 × 2 feature map."""

    def __init__(self, weight=0.01):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 2, stride=2, bias=False)
        with torch.no_grad():
            self.conv.weight.zero_()
            self.conv.weight[0, 0] = 0.25  # channel 0: patch mean
            self.conv.weight[1, 0, 0, 0] = 1.0  # channel 1: patch corner
        self.linear = nn.Parameter(torch.full((2,), weight))

    def forward(self, x, bias=None):
        regions = self.conv(x).flatten(2).transpose(1, 2)  # (B, 16, 2)
        logit = 0.1 * (regions[:, A_REGION] * regions[:, B_REGION]).sum(-1)
        logit = logit + (regions @ self.linear).sum(-1) - 0.5
        if bias is not None:
            logit = logit + bias
        return torch.stack([logit, torch.zeros_like(logit)], dim=1)


class DictPlanted(Planted):
    def forward(self, image, question):
        return super().forward(image, bias=question.sum(dim=1))


def planted_images(n=4, seed=0):
    rng = np.random.RandomState(seed)
    images = rng.uniform(0.5, 1.0, size=(n, 1, 8, 8))
    for region in (A_REGION, B_REGION):
        row, col = divmod(region, 4)
        images[:, :, 2 * row : 2 * row + 2, 2 * col : 2 * col + 2] *= 3
    return torch.as_tensor(images)


def brute_force(F, A, local_gradients):
    """S_ij by an autograd loop over images and regions."""
    B, n, _ = A.shape
    S = torch.zeros(B, n, n, dtype=A.dtype)
    X = A.clone().requires_grad_(True)
    (G,) = torch.autograd.grad(F(X).sum(), X, create_graph=True)
    if not local_gradients:
        G = G.sum(dim=1, keepdim=True).expand_as(X)
    g = (X * G).sum(-1)
    for b in range(B):
        for i in range(n):
            (row,) = torch.autograd.grad(g[b, i], X, retain_graph=True)
            S[b, i] = row[b].sum(-1) ** 2
    return S


# The class probability keeps its derivatives when the prediction is confident: float32
# softmax autograd forms 1 − p, which is 0 at p = 1 − 2e-13.
def test_class_probability_derivatives_when_confident():
    logits = torch.tensor([[30.0, 0.0, 0.0], [0.0, 2.0, 1.0], [1.0, 1.0, -3.0]])
    classes = torch.tensor([0, 0, 1])

    def analytic(z, k):
        """Gradient and Hessian of softmax(z)[k] in float64, with 1 − p_k = Σ_{j≠k} p_j."""
        p = torch.softmax(z.double(), dim=0)
        d = -p.clone()  # δ_kj − p_j
        d[k] = torch.cat([p[:k], p[k + 1 :]]).sum()
        grad = p[k] * d
        jac = torch.diag(p) - torch.outer(p, p)  # ∂p/∂z
        jac[k, k] = p[k] * d[k]  # p_k (1 − p_k) without the cancellation
        hess = p[k] * torch.outer(d, d) - p[k] * jac
        return p[k], grad, hess

    for b in range(3):
        k = int(classes[b])
        value, grad, hess = analytic(logits[b], k)

        def ours(z, b=b):
            return class_probability(z[None], classes[b : b + 1])[0]

        np.testing.assert_allclose(ours(logits[b]), value, rtol=1e-6)
        np.testing.assert_allclose(torch.func.grad(ours)(logits[b]), grad, rtol=1e-5)
        np.testing.assert_allclose(torch.func.hessian(ours)(logits[b]), hess, rtol=1e-4)
    # the float32 softmax itself loses the first row's derivative entirely
    assert torch.func.grad(lambda z: torch.softmax(z, dim=0)[0])(logits[0])[0] == 0


# Hessian-CAM on the probability of a confident prediction: float32 agrees with float64.
def test_confident_probability_saliences_match_float64():
    class Confident(Planted):
        def forward(self, x):
            return super().forward(x, bias=20.0)  # 1 − p ≈ 2e-9

    model = Confident().double()
    images = planted_images()
    assert torch.softmax(model(images), dim=1)[:, 0].min() > 1 - 1e-8
    S64 = TaylorCAMExplainer(model=model, target_layer="conv").fit().saliences(images)
    model32 = copy.deepcopy(model).float()
    S32 = TaylorCAMExplainer(model=model32, target_layer="conv").fit().saliences(images.float())
    scale = np.abs(S64).max(axis=(1, 2), keepdims=True)
    assert (scale > 0).all()
    np.testing.assert_allclose(S32 / scale, S64 / scale, atol=1e-3)


# The kernel agrees with a brute-force autograd loop on a random smooth function.
@pytest.mark.parametrize("local_gradients", [True, False])
def test_hessian_cam_matches_brute_force(local_gradients):
    torch.manual_seed(0)
    head = nn.Sequential(nn.Flatten(), nn.Linear(12, 7), nn.Tanh(), nn.Linear(7, 1)).double()
    A = torch.randn(3, 4, 3, dtype=torch.float64)
    F = lambda A: torch.sigmoid(head(A)).squeeze(1)  # noqa: E731
    expected = brute_force(F, A, local_gradients)
    got = hessian_cam(F, A, local_gradients=local_gradients, chunk_size=2)
    torch.testing.assert_close(got, expected)


# On F = x_0 · x_1 the local-gradient saliences are known in closed form.
def test_hessian_cam_analytic():
    A = torch.randn(2, 3, 4, dtype=torch.float64)
    S = hessian_cam(lambda A: (A[:, 0] * A[:, 1]).sum(-1), A)
    # g_0 = g_1 = x_0 · x_1: ∂g_0/∂x_1m = x_0m, ∂g_0/∂x_0m = x_1m
    torch.testing.assert_close(S[:, 0, 1], A[:, 0].sum(-1) ** 2)
    torch.testing.assert_close(S[:, 0, 0], A[:, 1].sum(-1) ** 2)
    torch.testing.assert_close(S[:, 2], torch.zeros(2, 3, dtype=torch.float64))


# Kernel inputs are checked before any work.
def test_hessian_cam_bad_input():
    with pytest.raises(ValueError, match=r"\(B, n, C\)"):
        hessian_cam(lambda A: A.sum(), torch.zeros(2, 3))
    with pytest.raises(ValueError, match="one scalar per image"):
        hessian_cam(lambda A: A.sum(-1), torch.zeros(2, 3, 4))
    with pytest.raises(ValueError, match="chunk_size"):
        hessian_cam(lambda A: A.sum((1, 2)), torch.zeros(2, 3, 4), chunk_size=0)


# The planted pair (a, b) ranks first on every image, for every form and output scale.
@pytest.mark.parametrize("local_gradients", [True, False])
@pytest.mark.parametrize("output", ["proba", "logit"])
def test_planted_pair_ranks_first(local_gradients, output):
    model = Planted().double()
    images = planted_images()
    cam = TaylorCAMExplainer(
        model=model,
        target_layer="conv",
        output=output,
        target=0,
        local_gradients=local_gradients,
    ).fit(images)
    ranking = cam.explain(images)
    top = ranking[ranking["rank"] == 1]
    assert top["regions"].tolist() == [(A_REGION, B_REGION)] * len(images)
    assert (ranking.groupby("image").size() == cam.top_k).all()


class ReluHead(nn.Module):
    """A ReLU MLP over Planted's conv regions: piecewise linear downstream of the conv."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.conv = Planted().conv
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 3))

    def forward(self, x):
        return self.head(self.conv(x))


# A ReLU head has no curvature on the logit scale: every pair ties at zero and the
# ranking would be arbitrary, so saliences (and explain) warn; the softmax of
# output="proba" supplies the curvature the paper relies on, and there is no warning.
def test_piecewise_linear_logits_warn_of_tied_pairs():
    model, images = ReluHead().double(), planted_images()
    logit = TaylorCAMExplainer(model=model, target_layer="conv", output="logit").fit()
    with pytest.warns(UserWarning, match="saliences of 4 of 4 images are all zero"):
        S = logit.saliences(images)
    assert np.all(S == 0)
    with pytest.warns(UserWarning, match="output='logit' scale"):
        logit.explain(images)
    with pytest.warns(UserWarning, match="saliences of 4 of 4 images are all zero"):
        logit.set_params(order=3).explain(images)
    proba = TaylorCAMExplainer(model=model, target_layer="conv").fit()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        S = proba.saliences(images)
    assert np.all(S[:, ~np.eye(16, dtype=bool)] > 0)


# Mutual sums are symmetric with a zero diagonal; the raw saliences are not symmetric.
def test_mutual_and_diagonal():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 4, 2, stride=2), nn.Tanh(), nn.Flatten(), nn.Linear(64, 3)
    ).double()
    images = torch.randn(3, 3, 8, 8, dtype=torch.float64)
    S = TaylorCAMExplainer(model=model, target_layer="1").fit(images).saliences(images)
    assert S.shape == (3, 16, 16)
    np.testing.assert_array_equal(S, S.transpose(0, 2, 1))
    np.testing.assert_array_equal(np.diagonal(S, axis1=1, axis2=2), 0)
    raw = TaylorCAMExplainer(model=model, target_layer="1", mutual=False, zero_diagonal=False).fit(
        images
    )
    R = raw.saliences(images)
    np.testing.assert_allclose(S, (R + R.transpose(0, 2, 1)) * (1 - np.eye(16)))
    assert not np.allclose(R, R.transpose(0, 2, 1))


# Grad-CAM is Eq. 3 on a model whose gradient is a known weight matrix.
def test_grad_cam_equals_eq3():
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 4, 2, stride=2)
    linear = nn.Linear(4 * 16, 2)
    model = nn.Sequential(conv, nn.Flatten(), linear).double()
    images = torch.randn(2, 3, 8, 8, dtype=torch.float64)
    cam = TaylorCAMExplainer(model=model, target_layer="0", output="logit", target=1)
    got = cam.fit(images).grad_cam(images)
    with torch.no_grad():
        A = conv(images).flatten(2).transpose(1, 2)  # (B, 16, 4)
    V = linear.weight[1].detach().reshape(4, 16).T  # ∂F/∂A_kp, (16, 4)
    expected = (A * V.sum(dim=0)).sum(-1)  # Σ_p A_ip Σ_k V_kp
    np.testing.assert_allclose(got, expected.numpy(), rtol=1e-10)
    # The kernel with local gradients: Σ_p A_ip V_ip.
    local = grad_cam(lambda A: (A * V).sum((1, 2)), A, local_gradients=True)
    torch.testing.assert_close(local, (A * V).sum(-1))


# Boxes map grid cells to input pixels: on an 8 × 8 input and a 4 × 4 grid, region 5
# is rows 2–3 and columns 2–3, region 10 rows 4–5 and columns 4–5.
def test_boxes_in_pixels():
    images = planted_images(2)
    ranking = TaylorCAMExplainer(model=Planted().double(), target_layer="conv", target=0)
    ranking = ranking.fit(images).explain(images)
    first = ranking.iloc[0]
    assert first["regions"] == (5, 10)
    assert first["box_0"] == (2.0, 2.0, 4.0, 4.0)
    assert first["box_1"] == (4.0, 4.0, 6.0, 6.0)
    assert TaylorCAMExplainer._box(3, (8, 8, 4, 4)) == (6.0, 0.0, 8.0, 2.0)


# A skorch-wrapped module and the bare module give identical saliences.
def test_skorch_and_bare_module_agree():
    torch.manual_seed(0)
    module = nn.Sequential(nn.Conv2d(3, 4, 2, stride=2), nn.Tanh(), nn.Flatten(), nn.Linear(64, 3))
    images = torch.randn(3, 3, 8, 8)
    net = skorch.NeuralNetClassifier(module).initialize()
    bare = TaylorCAMExplainer(model=module, target_layer="1").fit(images).saliences(images)
    wrapped = TaylorCAMExplainer(model=net, target_layer="1").fit(images).saliences(images)
    np.testing.assert_array_equal(bare, wrapped)


# The model is never modified: parameters bit-identical, mode and hooks unchanged.
def test_model_untouched():
    model = Planted().double().train()
    before = copy.deepcopy(model.state_dict())
    images = planted_images(2)
    cam = TaylorCAMExplainer(model=model, target_layer=model.conv, target=0).fit(images)
    cam.explain(images)
    cam.grad_cam(images)
    assert cam.layer_name_ == "conv"
    assert model.training
    assert not model.conv._forward_hooks
    for name, value in model.state_dict().items():
        assert torch.equal(value, before[name])
    assert all(p.grad is None for p in model.parameters())


# Dict inputs are passed as model(**inputs); batching does not change the result.
def test_dict_inputs_and_batching():
    images = planted_images(5)
    inputs = {"image": images, "question": torch.zeros(5, 3, dtype=torch.float64)}
    cam = TaylorCAMExplainer(model=DictPlanted().double(), target_layer="conv", target=0)
    S = cam.fit(inputs).saliences(inputs)
    cam.set_params(batch_size=2)
    np.testing.assert_allclose(cam.saliences(inputs), S, rtol=1e-12)
    plain = TaylorCAMExplainer(model=Planted().double(), target_layer="conv", target=0)
    np.testing.assert_allclose(plain.fit(images).saliences(images), S, rtol=1e-12)
    assert cam.explain(inputs)["box_0"].iloc[0] == (2.0, 2.0, 4.0, 4.0)


# score is the top-1 hit rate against annotated regions or objects.
def test_score():
    images = planted_images(3)
    cam = TaylorCAMExplainer(model=Planted().double(), target_layer="conv", target=0)
    cam.fit(images)
    assert cam.score(images, [{5, 10}] * 3) == 1.0
    assert cam.score(images, [[{4, 5}, {10, 11}]] * 3) == 1.0
    assert cam.score(images, [{5, 6}, {5, 10, 0}, {1, 2}]) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="annotations"):
        cam.score(images, [{5, 10}])


# Order 1 ranks single regions by Grad-CAM.
def test_order_one_ranks_regions():
    images = planted_images(2)
    cam = TaylorCAMExplainer(
        model=Planted().double(), target_layer="conv", order=1, output="logit", target=0
    )
    ranking = cam.fit(images).explain(images)
    assert set(ranking["regions"].iloc[:2]) == {(5,), (10,)}
    assert "box_1" not in ranking


# Images that cannot be explained are refused before any derivative is taken.
@pytest.mark.parametrize(
    "make, error, match",
    [
        (
            lambda x: np.where(np.arange(x.size).reshape(x.shape) == 3, np.nan, x),
            ValueError,
            "NaN or infinity",
        ),
        (
            lambda x: np.where(np.arange(x.size).reshape(x.shape) == 3, np.inf, x),
            ValueError,
            "NaN or infinity",
        ),
        (lambda x: x + 1j, ValueError, "Complex data not supported"),
        (lambda x: x[:0], ValueError, "0 sample"),
        (lambda x: x[:, :0], ValueError, "0 feature"),
        (lambda x: scipy.sparse.csr_matrix(x.reshape(len(x), -1)), TypeError, "sparse"),
        (lambda x: scipy.sparse.dok_array(x.reshape(len(x), -1)), TypeError, "sparse"),
        (lambda x: np.array([["a"]], dtype=object), ValueError, "could not convert"),
        (lambda x: "images", TypeError, "torch.Tensor or numpy array"),
    ],
)
def test_unusable_images(make, error, match):
    images = planted_images(2).numpy()
    cam = TaylorCAMExplainer(model=Planted().double(), target_layer="conv").fit()
    with pytest.raises(error, match=match):
        cam.saliences(make(images))


def test_object_arrays_of_numbers_are_accepted():
    images = planted_images(2)
    cam = TaylorCAMExplainer(model=Planted().double(), target_layer="conv").fit()
    as_objects = images.numpy().astype(object)
    np.testing.assert_array_equal(cam.saliences(as_objects), cam.saliences(images))


# Bad input is refused with a message that names the problem.
def test_bad_input():
    images = planted_images(2)
    model = Planted().double()
    with pytest.raises(ValueError, match=r"available names: \['conv'\]"):
        TaylorCAMExplainer(model=model, target_layer="fc").fit(images)
    with pytest.raises(ValueError, match="not one of them"):
        TaylorCAMExplainer(model=model, target_layer=nn.Linear(2, 2)).fit(images)
    flat = nn.Sequential(nn.Conv2d(1, 2, 2, stride=2), nn.Flatten(), nn.Linear(32, 2)).double()
    with pytest.raises(ValueError, match=r"\(B, C, H, W\) or \(B, n, d\)"):
        TaylorCAMExplainer(model=flat, target_layer="1").fit(images)
    cam = TaylorCAMExplainer(model=model, target_layer="conv").fit(images)
    with pytest.raises(ValueError, match=r"target must lie in \[0, 1\]"):
        cam.saliences(images, target=2)
    with pytest.raises(ValueError, match="3 entries for 2 images"):
        cam.saliences(images, target=[0, 1, 1])
    with pytest.raises(ValueError, match="channels"):
        cam.saliences(torch.zeros(2, 3, 8, 8, dtype=torch.float64))
    with pytest.raises(ValueError, match="order=4 is not available yet"):
        TaylorCAMExplainer(model=model, target_layer="conv", order=4).fit(images)
    for params in ({"order": 0}, {"top_k": 0}, {"output": "softmax"}):
        with pytest.raises(ValueError):
            TaylorCAMExplainer(model=model, target_layer="conv", **params).fit(images)
    with pytest.raises(ValueError, match="no parameters"):
        TaylorCAMExplainer(model=nn.Sequential(nn.Identity()), target_layer="0").fit()
    with pytest.raises(ValueError, match="uninitialized skorch net"):
        TaylorCAMExplainer(model=skorch.NeuralNetClassifier(Planted), target_layer="conv").fit(
            images
        )


class PlantedTriple(Planted):
    """Logit = 0.1 · (x_a · x_b) · Σ x_c + small linear terms, c = region 0."""

    def forward(self, x):
        regions = self.conv(x).flatten(2).transpose(1, 2)
        pair = (regions[:, A_REGION] * regions[:, B_REGION]).sum(-1)
        logit = 0.1 * pair * regions[:, 0].sum(-1) + (regions @ self.linear).sum(-1) - 0.5
        return torch.stack([logit, torch.zeros_like(logit)], dim=1)


def brute_force_triples(F, A, pairs, local_gradients):
    """T[b, p, q] by an autograd loop."""
    B, P, _ = pairs.shape
    X = A.clone().requires_grad_(True)
    (G,) = torch.autograd.grad(F(X).sum(), X, create_graph=True)
    if not local_gradients:
        G = G.sum(dim=1, keepdim=True).expand_as(X)
    g = (X * G).sum(-1)
    T = torch.zeros(B, P, A.shape[1], dtype=A.dtype)
    for b in range(B):
        for p, (i, j) in enumerate(pairs[b].tolist()):
            (row,) = torch.autograd.grad(g[b, i], X, create_graph=True)
            (third,) = torch.autograd.grad(row[b, j].sum(), X, retain_graph=True)
            T[b, p] = third[b].sum(-1) ** 2
    return T


# The third-order kernel agrees with a brute-force autograd loop.
@pytest.mark.parametrize("local_gradients", [True, False])
def test_taylor_cam_triples_matches_brute_force(local_gradients):
    torch.manual_seed(1)
    head = nn.Sequential(nn.Flatten(), nn.Linear(12, 6), nn.Tanh(), nn.Linear(6, 1)).double()
    A = torch.randn(2, 4, 3, dtype=torch.float64)
    pairs = torch.tensor([[[0, 1], [2, 3]], [[3, 1], [1, 0]]])
    F = lambda A: torch.sigmoid(head(A)).squeeze(1)  # noqa: E731
    got = taylor_cam_triples(F, A, pairs, local_gradients=local_gradients, chunk_size=3)
    torch.testing.assert_close(got, brute_force_triples(F, A, pairs, local_gradients))


# Order 3 finds a planted triple on every image.
@pytest.mark.parametrize("mutual", [True, False])
def test_planted_triple_ranks_first(mutual):
    images = planted_images(3)
    cam = TaylorCAMExplainer(
        model=PlantedTriple().double(),
        target_layer="conv",
        order=3,
        output="logit",
        target=0,
        mutual=mutual,
    )
    ranking = cam.fit(images).explain(images)
    top = ranking[ranking["rank"] == 1]
    assert [tuple(sorted(r)) for r in top["regions"]] == [(0, A_REGION, B_REGION)] * 3
    assert top["box_2"].notna().all()
    with pytest.raises(ValueError, match="needs order=2"):
        cam.score(images, [{0, 5, 10}] * 3)


def small_cnn(seed=0):
    """A smooth CNN whose saliences differ from image to image; dropout is off in eval."""
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(3, 4, 2, stride=2),
        nn.Tanh(),
        nn.Dropout(0.5),
        nn.Flatten(),
        nn.Linear(4 * 4 * 4, 10),
        nn.Tanh(),
        nn.Linear(10, 3),
    )


# Every method that needs a fitted model says so with NotFittedError.
@pytest.mark.parametrize(
    "call",
    [
        lambda cam, images: cam.saliences(images),
        lambda cam, images: cam.grad_cam(images),
        lambda cam, images: cam.explain(images),
        lambda cam, images: cam.score(images, [{0, 1}] * len(images)),
    ],
)
def test_not_fitted(call):
    cam = TaylorCAMExplainer(model=small_cnn(), target_layer="1")
    with pytest.raises(NotFittedError):
        call(cam, torch.randn(2, 3, 8, 8))


# Calls from several threads at once each get their own image's saliences, bit for bit:
# the hooks that split the network belong to the call, not to the shared estimator.
def test_saliences_from_several_threads():
    images = torch.randn(8, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    cam = TaylorCAMExplainer(model=small_cnn(), target_layer="1").fit(images)
    expected = [cam.saliences(images[i : i + 1]) for i in range(len(images))]
    # the images are told apart by their saliences, so a mix-up cannot go unseen
    for i in range(len(images)):
        for j in range(i):
            assert not np.array_equal(expected[i], expected[j])

    def work(worker):
        results = []
        for call in range(25):
            i = (worker + 3 * call) % len(images)
            results.append((i, cam.saliences(images[i : i + 1])))
        return results

    with ThreadPoolExecutor(max_workers=4) as pool:
        done = [result for results in pool.map(work, range(4)) for result in results]
    assert len(done) == 100
    for i, S in done:
        np.testing.assert_array_equal(S, expected[i])
    # the shared module keeps no hooks behind
    assert not cam.module_.get_submodule("1")._forward_hooks


# Explaining draws no random numbers: torch's global generator is left where it was.
@pytest.mark.parametrize("order", [1, 2, 3])
def test_explaining_leaves_the_global_rng_alone(order):
    images = torch.randn(3, 3, 8, 8, generator=torch.Generator().manual_seed(1))
    cam = TaylorCAMExplainer(model=small_cnn(), target_layer="1", order=order).fit(images)
    torch.manual_seed(123)
    state = torch.random.get_rng_state()
    cam.saliences(images)
    cam.grad_cam(images)
    cam.explain(images)
    if order < 3:
        cam.score(images, [{0, 1}] * 3)
    assert torch.equal(torch.random.get_rng_state(), state)
