"""Learning tests: tasks a network with a broken gradient or broken memory cannot solve.

Each uses fixed seeds and held-out data, and is sized to run in a few seconds.
"""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from skrnn import RNNClassifier, RNNRegressor, make_windows


def test_noisy_sine_next_value_regression(rng):
    t = np.arange(1000)
    series = np.sin(2 * np.pi * t / 25) + 0.1 * rng.normal(size=t.size)
    X, Y = make_windows(series, window_length=20, horizon=1)
    n_train = 700
    reg = RNNRegressor(16, cell="lstm", max_iter=30, random_state=0)
    reg.fit(X[:n_train], Y[:n_train, 0])
    # the noise (sd 0.1 on an amplitude-1 sine) caps R^2 near 0.98
    assert reg.score(X[n_train:], Y[n_train:, 0]) > 0.95


def _ascending_or_descending(n, rng):
    """Each row is a sorted sample of 10 values, reversed for class 1: both classes share
    one distribution of values, so only their order tells them apart."""
    X = np.sort(rng.normal(size=(n, 10)), axis=1)
    y = rng.integers(0, 2, size=n)
    X[y == 1] = X[y == 1, ::-1]
    return X[:, :, np.newaxis], y


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_order_only_classification(cell, rng):
    X, y = _ascending_or_descending(400, rng)
    X_test, y_test = _ascending_or_descending(300, rng)
    clf = RNNClassifier(16, cell=cell, max_iter=30, random_state=0).fit(X, y)
    assert clf.score(X_test, y_test) > 0.95


def test_order_only_task_defeats_a_bag_of_values_model(rng):
    # the control: a model on the sorted values (any order-free summary) is at chance
    X, y = _ascending_or_descending(400, rng)
    X_test, y_test = _ascending_or_descending(2000, rng)
    bag = LogisticRegression().fit(np.sort(X[:, :, 0], axis=1), y)
    assert abs(bag.score(np.sort(X_test[:, :, 0], axis=1), y_test) - 0.5) < 0.05


def _first_value_sign(n, n_steps, rng):
    """Label = sign of the first value; the 20 steps that follow are pure noise."""
    X = rng.normal(size=(n, n_steps, 1))
    return X, (X[:, 0, 0] > 0).astype(int)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gated_cells_remember_20_steps_back(cell, rng):
    X, y = _first_value_sign(600, 21, rng)
    X_test, y_test = _first_value_sign(400, 21, rng)
    clf = RNNClassifier(
        16, cell=cell, max_iter=25, batch_size=32, learning_rate_init=0.01, random_state=0
    ).fit(X, y)
    assert clf.score(X_test, y_test) > 0.9
