"""The estimators inside scikit-learn's model-selection and pipeline tools."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import RNNClassifier, RNNRegressor

FAST = dict(hidden_layer_sizes=8, n_estimators=1, max_iter=10, learning_rate_init=0.02, random_state=0)


@pytest.fixture
def series_windows(rng):
    """Windows of a noisy sine, 2-D (n, 12): the layout a Pipeline hands over."""
    s = np.sin(np.arange(400) / 4) + 0.1 * rng.normal(size=400)
    idx = np.arange(12)[None, :] + np.arange(388)[:, None]
    return s[idx], s[idx[:, -1] + 1], s[idx[:, -1] + 1] > s[idx[:, -1]]


@pytest.mark.parametrize("Estimator", [RNNRegressor, RNNClassifier])
def test_grid_search_over_cell_and_size(series_windows, Estimator):
    X, y_reg, y_clf = series_windows
    y = y_reg if Estimator is RNNRegressor else y_clf
    grid = GridSearchCV(
        Estimator(**FAST),
        {"cell": ["rnn", "gru"], "hidden_layer_sizes": [4, (8,)]},
        cv=TimeSeriesSplit(n_splits=2),
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert grid.best_estimator_.cell in {"rnn", "gru"}


@pytest.mark.parametrize("Estimator", [RNNRegressor, RNNClassifier])
def test_cross_val_score_with_time_series_split(series_windows, Estimator):
    X, y_reg, y_clf = series_windows
    y = y_reg if Estimator is RNNRegressor else y_clf
    scores = cross_val_score(Estimator(**FAST), X, y, cv=TimeSeriesSplit(n_splits=3))
    assert scores.shape == (3,) and np.all(scores > 0.5)


def test_pipeline_with_standard_scaler(series_windows):
    X, y, _ = series_windows
    pipe = make_pipeline(StandardScaler(), RNNRegressor(**{**FAST, "max_iter": 30}))
    pipe.fit(X[:300] * 100 + 50, y[:300])
    assert pipe.score(X[300:] * 100 + 50, y[300:]) > 0.8
