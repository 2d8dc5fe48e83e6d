"""RNNForecaster(strategy="seq2seq"): "direct" with an encoder–decoder.

The networks are tiny and trained for a few epochs: these tests are about the plumbing
(which windows and targets the network sees, where the future covariates go, which
paths of "direct" it reuses), not about accuracy (benchmarks/forecast_strategies.py).
"""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from skrnn import RNNForecaster, RNNRegressor, backtest
from skrnn.forecasting._ensemble import DefaultForecastNetwork

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 3 epochs

H = 4
TINY = dict(hidden_layer_sizes=(4,), max_iter=3, n_estimators=1, random_state=0)


class RecordingRegressor(RNNRegressor):
    """An RNNRegressor that keeps the arrays it was fitted on."""

    def fit(self, X, y, **kwargs):
        self.seen_X_, self.seen_y_ = np.array(X), np.array(y)
        return super().fit(X, y, **kwargs)


def series(n=60, columns=None, seed=0):
    rng = np.random.default_rng(seed)
    index = pd.date_range("2000-01-01", periods=n, freq="MS")
    values = np.sin(np.arange(n) / 2.0)[:, None] + 0.1 * rng.normal(size=(n, len(columns or [0])))
    if columns is None:
        return pd.Series(values[:, 0], index=index, name="y")
    return pd.DataFrame(values, index=index, columns=columns)


def forecaster(estimator=None, **params):
    estimator = RNNRegressor(**TINY) if estimator is None else estimator
    params = dict(strategy="seq2seq", horizon=H, window_length=6, difference=0, log=False, n_estimators=1) | params
    return RNNForecaster(estimator, **params)


def test_forecast_index_and_shape():
    y = series()
    model = forecaster().fit(y)
    assert model.estimator_.output_steps == H
    forecast = model.predict(H)
    assert forecast.name == "y" and forecast.shape == (H,)
    pd.testing.assert_index_equal(forecast.index, pd.date_range("2005-01-01", periods=H, freq="MS"))
    np.testing.assert_array_equal(model.predict(2).to_numpy(), forecast.to_numpy()[:2])
    frame = forecaster().fit(series(columns=["a", "b"])).predict(H)
    assert list(frame.columns) == ["a", "b"] and frame.shape == (H, 2)


def test_the_default_network_becomes_an_encoder_decoder():
    model = RNNForecaster(strategy="seq2seq", horizon=H, n_estimators=2, random_state=0)
    model.set_params(estimator__max_iter=2, estimator__hidden_layer_sizes=(4,)).fit(series())
    for member in model.estimators_:
        assert isinstance(member, DefaultForecastNetwork) and member.output_steps == H
    assert model.estimator.output_steps is None  # the parameter itself is left alone


def test_deterministic_from_random_state_bit_for_bit():
    y = series()

    def fitted():
        return RNNForecaster(RNNRegressor(hidden_layer_sizes=(4,), max_iter=3), strategy="seq2seq",
                             horizon=H, n_estimators=2, random_state=3).fit(y)

    first, second = fitted(), fitted()
    np.testing.assert_array_equal(first.predict(H).to_numpy(), second.predict(H).to_numpy())
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(first)).predict(H).to_numpy(),
                                  first.predict(H).to_numpy())


@pytest.mark.parametrize("columns", [None, ["a", "b"]])
def test_training_targets_and_windows_are_those_of_direct(columns):
    y = series(columns=columns)
    direct = forecaster(RecordingRegressor(**TINY), strategy="direct").fit(y).estimator_
    seq2seq = forecaster(RecordingRegressor(**TINY)).fit(y).estimator_
    n_targets = 1 if columns is None else 2
    expected_shape = (len(direct.seen_y_), H) + (() if n_targets == 1 else (n_targets,))
    assert seq2seq.seen_y_.shape == expected_shape
    np.testing.assert_array_equal(seq2seq.seen_y_.reshape(direct.seen_y_.shape), direct.seen_y_)
    np.testing.assert_array_equal(seq2seq.seen_X_, direct.seen_X_)  # without exog the encoder reads them


def test_future_covariates_follow_the_window_as_the_decoders():
    y = series()
    exog = pd.DataFrame({"x": np.arange(60.0)}, index=y.index)
    model = forecaster(RecordingRegressor(**TINY), window_length=2, standardize=False).fit(y, exog=exog)
    member = model.estimator_
    assert member.n_future_features == 1 and member.n_channels == 2
    steps = member.seen_X_.reshape(len(member.seen_X_), 2 + H, 2)  # window then future, time-major
    first = steps[0]
    np.testing.assert_array_equal(first[:, 1], np.arange(2 + H))  # covariates of every row, in order
    np.testing.assert_array_equal(first[:2, 0], y.to_numpy()[:2])
    np.testing.assert_array_equal(first[2:, 0], 0.0)  # the targets are not inputs
    future = pd.DataFrame({"x": np.arange(60.0, 60 + H)}, index=pd.date_range("2005-01-01", periods=H, freq="MS"))
    changed = future.assign(x=future["x"] * 10)
    assert not np.array_equal(model.predict(H, exog=future), model.predict(H, exog=changed))


def test_paths_shared_with_direct_work():
    y = series()
    model = forecaster().fit(y.iloc[:-H])
    interval = model.predict_interval(H, coverage=0.8)
    assert list(interval.columns) == ["prediction", "lower", "upper"] and len(interval) == H
    assert (interval["upper"] >= interval["lower"]).all()
    assert model.predict_quantiles(H, quantiles=[0.1, 0.5, 0.9]).shape == (H, 3)
    assert len(model.fitted_values()) == len(model.residuals()) == len(y) - H - 6 - H + 1
    assert np.isfinite(model.score(y.iloc[-H:]))
    updated = model.update(y.iloc[-H:]).predict(H)
    assert updated.index[0] == y.index[-1] + y.index.freq
    assert np.isfinite(backtest(forecaster(), y, horizon=H, n_splits=2)["mase"]).all()


def test_errors_name_the_strategy():
    y = series()
    with pytest.raises(ValueError, match="strategy='seq2seq' needs `horizon`"):
        RNNForecaster(strategy="seq2seq").fit(y)
    with pytest.raises(ValueError, match="strategy='seq2seq'.*needs an RNNRegressor.*got Ridge"):
        forecaster(Ridge()).fit(y)
    with pytest.raises(ValueError, match="strategy='seq2seq' was fitted for horizon=4 and cannot forecast 5"):
        forecaster().fit(y).predict(H + 1)


def test_grid_search_over_strategy():
    y = series(n=50)
    search = GridSearchCV(forecaster(), {"strategy": ["direct", "seq2seq"]},
                          cv=TimeSeriesSplit(n_splits=2, test_size=H))
    search.fit(y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.predict(H).shape == (H,)
