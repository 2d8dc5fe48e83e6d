"""Shared fixtures: small, seeded data sets used across the estimator tests."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def sum_task(rng):
    """200 sequences of 6 steps and 2 features; target: sum of the last two steps' first
    feature. Learnable in a few epochs, so API tests can check that fitting did something."""
    X = rng.normal(size=(200, 6, 2))
    y = X[:, -2:, 0].sum(axis=1)
    return X, y
