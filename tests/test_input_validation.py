"""Every bad input gets a clear exception naming the problem, before any training."""

import numpy as np
import pytest

from skrnn import RNNClassifier, RNNRegressor

FAST = dict(hidden_layer_sizes=4, max_iter=2, random_state=0)


@pytest.fixture
def data(rng):
    return rng.normal(size=(20, 5, 2)), rng.normal(size=20)


def _with_nan(X):
    X = X.copy()
    X[3, 2, 1] = np.nan
    return X


def _with_inf(X):
    X = X.copy()
    X[0, 0, 0] = np.inf
    return X


@pytest.mark.parametrize(
    "make_X, error, phrase",
    [
        (_with_nan, ValueError, "NaN"),
        (_with_inf, ValueError, "infinity"),
        (lambda X: X[..., np.newaxis], ValueError, "got a 4-D array"),
        (lambda X: X[:, :0], ValueError, "0 time steps"),
        (lambda X: X[:, :, :0], ValueError, "0 features"),
        (lambda X: X[:0], ValueError, "0 sample"),
        (lambda X: X[:, 0, 0], ValueError, "Expected 2D array"),
        (lambda X: [x[: 2 + i % 3] for i, x in enumerate(X[:-1])] + [X[-1, :, :1]], ValueError,
         "same number of features"),
        (lambda X: [x[: 2 + i % 3] for i, x in enumerate(X[:-1])] + [X[-1, :0]], ValueError,
         r"X\[19\] is an empty sequence"),
        (lambda X: [np.where(i == 4, np.nan, x[: 2 + i % 3]) for i, x in enumerate(X)],
         ValueError, r"X\[4\] contains NaN"),
        (lambda X: np.full(X.shape, "a"), ValueError, "could not convert"),
    ],
    ids=["nan", "inf", "rank4", "no-steps", "no-features", "no-samples", "rank1",
         "ragged-features", "empty-sequence", "ragged-nan", "strings"],
)
def test_bad_X_at_fit(data, make_X, error, phrase):
    X, y = data
    bad = make_X(X)
    with pytest.raises(error, match=phrase):
        RNNRegressor(**FAST).fit(bad, y[: len(bad)] if hasattr(bad, "__len__") else y)


def test_2d_width_must_be_divisible_by_n_channels(data):
    X, y = data
    with pytest.raises(ValueError, match="not divisible by n_channels=3"):
        RNNRegressor(n_channels=3, **FAST).fit(X.reshape(20, -1), y)


def test_y_problems(data):
    X, y = data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        RNNRegressor(**FAST).fit(X, y[:-1])
    with pytest.raises(ValueError, match="NaN"):
        RNNRegressor(**FAST).fit(X, np.where(np.arange(20) == 3, np.nan, y))
    with pytest.raises(ValueError, match="target y is None"):
        RNNRegressor(**FAST).fit(X, None)
    with pytest.raises(ValueError, match="Unknown label type"):
        RNNClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="one target per time step"):
        RNNRegressor(return_sequences=True, **FAST).fit(X, y)


def test_negative_sample_weight(data):
    X, y = data
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        RNNRegressor(**FAST).fit(X, y, sample_weight=np.r_[-1.0, np.ones(19)])


def test_wrong_features_or_format_at_predict(data):
    X, y = data
    reg = RNNRegressor(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features per time step.*expecting 2"):
        reg.predict(np.zeros((4, 5, 3)))
    with pytest.raises(ValueError, match="fitted on 3-D X or a list"):
        reg.predict(X.reshape(20, -1))
    with pytest.raises(ValueError, match="NaN"):
        reg.predict(_with_nan(X))
    tab = RNNRegressor(**FAST).fit(X.reshape(20, -1), y)
    with pytest.raises(ValueError, match="fitted on 2-D X"):
        tab.predict(X)
    with pytest.raises(ValueError, match="expecting 10 features"):
        tab.predict(X.reshape(20, -1)[:, :8])


@pytest.mark.parametrize(
    "params, error, phrase",
    [
        (dict(cell="transformer"), ValueError, "'cell' parameter"),
        (dict(solver="lbfgs"), ValueError, "'solver' parameter"),
        (dict(activation="identity"), ValueError, "'activation' parameter"),
        (dict(dtype="float16"), ValueError, "'dtype' parameter"),
        (dict(dropout=1.0), ValueError, "'dropout' parameter"),
        (dict(bptt_steps=0), ValueError, "'bptt_steps' parameter"),
        (dict(hidden_layer_sizes=(8, 0)), ValueError, "hidden_layer_sizes must be"),
        (dict(hidden_layer_sizes=()), ValueError, "hidden_layer_sizes must be"),
        (dict(bidirectional=True, bptt_steps=3), ValueError, "bptt_steps cannot be used"),
    ],
    ids=repr,
)
def test_unknown_or_conflicting_options(data, params, error, phrase):
    X, y = data
    with pytest.raises(error, match=phrase):
        RNNRegressor(**{**FAST, **params}).fit(X, y)


def test_early_stopping_is_refused_by_partial_fit(data):
    X, y = data
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        RNNRegressor(early_stopping=True, **FAST).partial_fit(X, y)
