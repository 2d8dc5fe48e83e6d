"""Scaling out with Dask (docs/scaling.md): the same results as on one machine.

Needs the ``dask`` extra (``pip install "skrnn[dask]"``, also in the ``test`` extra).
The cluster listens on the loopback interface only, and is started once for the module.
"""

import warnings

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from skrnn import RNNRegressor

# Imported, not skipped: the test extra installs them, and a missing one must fail CI.
import dask.array as da  # noqa: E402
import distributed  # noqa: E402
import joblib  # noqa: E402

TINY = dict(n_estimators=1, max_iter=3, hidden_layer_sizes=4, random_state=0)
GRID = {"alpha": [1e-4, 1e-2], "cell": ["gru", "lstm"]}

_rng = np.random.default_rng(0)
X = _rng.normal(size=(40, 6, 2))
y = X[:, -1, 0] + 0.5 * X[:, 0, 1]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    client = distributed.Client(cluster, timeout=30)
    yield client
    client.close(timeout=10)
    cluster.close(timeout=10)


def _search():
    return GridSearchCV(RNNRegressor(**TINY), GRID, cv=2)


def test_grid_search_on_a_dask_cluster_equals_the_local_search(client):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        local = _search().fit(X, y)
        with joblib.parallel_config(backend="dask"):
            remote = _search().set_params(n_jobs=-1).fit(X, y)
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))


def _chunks_of(X_dask, y_dask):
    """The blocks of dask arrays chunked along the samples, computed one at a time."""
    for i in range(X_dask.numblocks[0]):
        yield X_dask.blocks[i].compute(), y_dask.blocks[i].compute()


def _partial_fit_over(model, chunks):
    for X_chunk, y_chunk in chunks:
        model.partial_fit(X_chunk, y_chunk)
    return model


def test_partial_fit_over_dask_chunks_equals_numpy_chunks():
    """Out-of-core training: only one chunk is in memory at a time."""
    X_dask = da.from_array(X, chunks=(10, 6, 2))
    y_dask = da.from_array(y, chunks=10)
    numpy_chunks = [(X[i : i + 10], y[i : i + 10]) for i in range(0, len(X), 10)]
    expected = _partial_fit_over(RNNRegressor(**TINY), numpy_chunks)
    got = _partial_fit_over(RNNRegressor(**TINY), _chunks_of(X_dask, y_dask))
    np.testing.assert_array_equal(got.params_, expected.params_)
    np.testing.assert_array_equal(got.predict(X), expected.predict(X))
