"""The BLAS thread policy: one thread for small per-step products, unchanged for large."""

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from skrnn import RNNRegressor
from skrnn._engine import make_network
from skrnn._threads import MULTITHREAD_MIN_MACS, blas_threads, step_macs


def _blas_threads():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_step_macs_is_the_largest_layer_product():
    spec = make_network(3, (8, 16), 1, cell="gru", bidirectional=True)
    # GRU: 4 blocks; layer 2 reads 2 * 8 inputs: rows 64, cols 16 + 1 + 16
    assert step_macs(spec, 10) == 64 * 33 * 10


def test_small_networks_run_one_blas_thread_and_large_ones_keep_theirs():
    small = make_network(3, (8,), 1)
    large = make_network(3, (512,), 1)
    assert step_macs(large, 256) >= MULTITHREAD_MIN_MACS > step_macs(small, 256)
    with threadpool_limits(limits=2, user_api="blas"):
        outer = _blas_threads()
        with blas_threads(small, 256):
            assert set(_blas_threads()) == {1}
        with blas_threads(large, 256):
            assert _blas_threads() == outer
        assert _blas_threads() == outer  # restored after the call


def test_fit_and_predict_give_the_same_model_whatever_the_callers_thread_limit(rng):
    X = rng.normal(size=(40, 6, 2))
    y = X.sum(axis=(1, 2))
    params = dict(n_estimators=1, max_iter=3, random_state=0)
    with threadpool_limits(limits=1, user_api="blas"):
        one = RNNRegressor(**params).fit(X, y)
    two = RNNRegressor(**params).fit(X, y)
    np.testing.assert_array_equal(one.params_, two.params_)
    np.testing.assert_array_equal(one.predict(X), two.predict(X))
