"""Grid searches in worker processes and on a Dask cluster give the sequential answer."""

import joblib
import numpy as np
import pytest
from dask.distributed import Client, LocalCluster
from sklearn.model_selection import GridSearchCV

from sk_interact import SecondGlanceExplainer, TNIDDetector
from sk_interact.datasets import make_tsang_benchmark
from sk_interact.metrics import make_interaction_auc_scorer

GRID = {"order": [2, 3], "k": [3, 10]}


@pytest.fixture(scope="module")
def problem():
    X, y, truth = make_tsang_benchmark("F10", n_samples=1500, random_state=0)
    return X, y, truth


def search(truth, n_jobs):
    return GridSearchCV(
        TNIDDetector(hidden_layer_sizes=(16,), max_epochs=15, random_state=0),
        GRID,
        scoring=make_interaction_auc_scorer(truth, order=2),
        cv=2,
        n_jobs=n_jobs,
    )


@pytest.fixture(scope="module")
def sequential(problem):
    X, y, truth = problem
    return search(truth, n_jobs=1).fit(X, y).cv_results_["mean_test_score"]


def test_loky_processes_reproduce_the_sequential_search(problem, sequential):
    # Estimators and scorers pickle into loky workers; integer seeds make every fit
    # bit-identical there.
    X, y, truth = problem
    with joblib.parallel_backend("loky"):
        parallel = search(truth, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(parallel.cv_results_["mean_test_score"], sequential)
    assert parallel.best_params_["order"] in (2, 3)


def _torch_threads():
    import torch

    return torch.get_num_threads()


def test_dask_cluster_reproduces_the_sequential_search(problem, sequential):
    # The documented recipe: GridSearchCV(n_jobs=-1) under joblib's dask backend on a
    # LocalCluster of worker processes, whose torch runs one thread each.
    X, y, truth = problem
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        assert set(client.run(_torch_threads).values()) == {1}
        with joblib.parallel_backend("dask"):
            parallel = search(truth, n_jobs=-1).fit(X, y)
            sg = GridSearchCV(
                SecondGlanceExplainer(
                    primary_hidden=(16,), surrogate_hidden=(16,), max_epochs=10, random_state=0
                ),
                {"surrogate_hidden": [(8,), (16,)]},
                cv=2,
                n_jobs=-1,
            ).fit(X[:600], y[:600])
    np.testing.assert_array_equal(parallel.cv_results_["mean_test_score"], sequential)
    assert np.isfinite(sg.cv_results_["mean_test_score"]).all()
