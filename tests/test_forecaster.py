"""Tests for RNNForecaster, its scorers and backtest.

Linear models stand in for the network where a test is about the plumbing (indexes,
transforms, model selection): they are fast and exact, so a wrong alignment or a transform
that is not undone shows up as a wrong number rather than as noise.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.dummy import DummyRegressor
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, Ridge, SGDRegressor
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.utils._param_validation import InvalidParameterError

from skrnn import (
    RNNForecaster,
    RNNRegressor,
    backtest,
    make_forecast_scorer,
    mean_absolute_scaled_error,
    seasonal_period_from_freq,
)
from skrnn.forecasting._levels import difference as _difference, undifference as _undifference
from skrnn.datasets import load_airline


def linear_series(n=48, index=None, name="y"):
    index = pd.RangeIndex(n) if index is None else index
    return pd.Series(3.0 + 2.0 * np.arange(len(index)), index=index, name=name)


def ar1_series(n, rng, phi=0.7, mean=10.0):
    noise = rng.normal(size=n + 50)
    x = np.zeros(n + 50)
    for t in range(1, n + 50):
        x[t] = phi * x[t - 1] + noise[t]
    return pd.Series(mean + x[50:])


# --- future index, names and frequencies ------------------------------------------------


@pytest.mark.parametrize(
    "index, expected_next",
    [
        (pd.date_range("2000-01-01", periods=40, freq="MS"), pd.Timestamp("2003-05-01")),
        (pd.date_range("1900-01-01", periods=40, freq="YS"), pd.Timestamp("1940-01-01")),
        (pd.date_range("2024-03-01", periods=40, freq="h"), pd.Timestamp("2024-03-02 16:00")),
        (pd.period_range("2000-01", periods=40, freq="M"), pd.Period("2003-05", freq="M")),
        (pd.RangeIndex(40), 40),
        (pd.Index(np.arange(10, 90, 2)), 90),
    ],
)
def test_forecast_index_continues_training_index(index, expected_next):
    y = linear_series(index=index, name="sales")
    pred = RNNForecaster(Ridge(), window_length=4).fit(y).predict(5)
    assert isinstance(pred, pd.Series)
    assert pred.name == "sales"
    assert pred.index[0] == expected_next
    assert len(pred) == 5
    assert type(pred.index) is type(index) or isinstance(index, pd.Index)
    if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)):
        assert pred.index.freqstr == (index.freqstr or pd.infer_freq(index))


def test_frequency_inferred_when_not_set():
    index = pd.date_range("2000-01-01", periods=40, freq="MS")
    y = linear_series(index=pd.DatetimeIndex(list(index)))  # freq dropped
    assert y.index.freq is None
    forecaster = RNNForecaster(Ridge(), window_length=4).fit(y)
    assert forecaster.seasonal_period_ == 12
    assert forecaster.predict(2).index.equals(pd.date_range("2003-05-01", periods=2, freq="MS"))


def test_predict_accepts_future_index():
    y = linear_series(index=pd.date_range("2000-01-01", periods=40, freq="MS"))
    forecaster = RNNForecaster(Ridge(), window_length=4).fit(y)
    future = pd.date_range("2003-05-01", periods=3, freq="MS")
    assert forecaster.predict(future).index.equals(future)
    with pytest.raises(ValueError, match="start one step after"):
        forecaster.predict(pd.date_range("2003-06-01", periods=3, freq="MS"))


def test_dataframe_columns_preserved():
    idx = pd.date_range("2000-01-01", periods=40, freq="D")
    y = pd.DataFrame({"a": np.arange(40.0), "b": 100.0 - np.arange(40.0)}, index=idx)
    pred = RNNForecaster(LinearRegression(), window_length=3, difference=0).fit(y).predict(4)
    assert list(pred.columns) == ["a", "b"]
    np.testing.assert_allclose(pred["a"], [40, 41, 42, 43], atol=1e-8)
    np.testing.assert_allclose(pred["b"], [60, 59, 58, 57], atol=1e-8)


def test_seasonal_period_from_freq():
    # steps in the next natural cycle; weekly and sub-hourly ones in test_forecast_integration.py
    assert [seasonal_period_from_freq(f) for f in ["MS", "ME", "QS", "D", "h", "YS"]] == [12, 12, 4, 7, 24, 1]
    assert seasonal_period_from_freq(None) == 1


# --- transforms are undone exactly --------------------------------------------------------


@pytest.mark.parametrize("lags", [[1], [1, 1], [12], [12, 1], [4, 1, 1]])
def test_undifference_inverts_difference(lags):
    values = np.random.default_rng(0).normal(size=(60, 2)).cumsum(axis=0)
    n = 40
    diffs = _difference(values, lags)[n - sum(lags) :]
    np.testing.assert_allclose(_undifference(diffs, values[:n], lags), values[n:])


@pytest.mark.parametrize("difference", [0, 1, 2])
def test_linear_series_recovered_exactly(difference):
    y = linear_series(60)
    forecaster = RNNForecaster(LinearRegression(), window_length=5, difference=difference)
    np.testing.assert_allclose(forecaster.fit(y).predict(10), 3.0 + 2.0 * np.arange(60, 70))


def test_log_and_seasonal_difference_recover_seasonal_exponential_growth():
    t = np.arange(72)
    idx = pd.date_range("2000-01-01", periods=72, freq="MS")
    season = np.tile([1.0, 1.3, 0.8, 1.1, 0.9, 1.2, 1.0, 0.7, 1.4, 1.0, 0.9, 1.1], 7)
    full = pd.Series(50 * 1.01**t * season[:72], index=idx)
    # log turns growth x seasonal factor into a constant after the seasonal difference,
    # which a constant model (DummyRegressor) predicts: the forecast is exact only if
    # both differences and the log are undone correctly.
    forecaster = RNNForecaster(
        DummyRegressor(), window_length=3, log=True, difference=0, seasonal_difference=True
    )
    pred = forecaster.fit(full.iloc[:60]).predict(12)
    np.testing.assert_allclose(pred, full.iloc[60:], rtol=1e-10)


def test_trending_series_does_not_come_back_flat():
    y = load_airline()
    forecaster = RNNForecaster(Ridge(), log=True).fit(y.iloc[:-12])
    assert forecaster.difference_ == 1
    pred = forecaster.predict(12)
    # the held-out year is above the previous one; so must be the forecast
    assert pred.mean() > y.iloc[-24:-12].mean() * 1.05


def test_auto_difference_leaves_stationary_series_alone():
    y = ar1_series(300, np.random.default_rng(0), phi=0.5)
    assert RNNForecaster(Ridge()).fit(y).difference_ == 0


# --- automatic log and seasonal difference -----------------------------------------------


def monthly_seasonal(kind, n=120, seed=0, amplitude=0.2, noise=0.02):
    """Trend x season x noise ("multiplicative") or trend + season + noise ("additive").

    Both grow from 100 to about 330 with the same seasonal profile; the additive
    one has swings of constant size (those of the multiplicative one at its start).
    """
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    season = amplitude * np.sin(2 * np.pi * t / 12)
    level = 100 * np.exp(0.01 * t)
    if kind == "multiplicative":
        values = level * (1 + season) * np.exp(rng.normal(scale=noise, size=n))
    else:
        values = level + 100 * season + 100 * rng.normal(scale=noise, size=n)
    return pd.Series(values, index=pd.date_range("2000-01-01", periods=n, freq="MS"))


@pytest.mark.parametrize("seed", range(3))
def test_auto_log_only_when_swings_grow_with_the_level(seed):
    auto = RNNForecaster(Ridge(), log="auto")
    assert auto.fit(monthly_seasonal("multiplicative", seed=seed)).log_
    assert not auto.fit(monthly_seasonal("additive", seed=seed)).log_
    # a level that barely moves says nothing about multiplicativity: no log
    assert not auto.fit(ar1_series(240, np.random.default_rng(seed), mean=50.0)).log_
    # nor with values <= 0, and no error either (log=True raises)
    assert not auto.fit(monthly_seasonal("additive", seed=seed) - 150).log_


@pytest.mark.parametrize("seed", range(3))
def test_auto_seasonal_difference_only_for_strong_seasonality(seed):
    auto = RNNForecaster(Ridge(), seasonal_difference="auto")
    assert auto.fit(monthly_seasonal("additive", seed=seed)).seasonal_difference_
    weak = monthly_seasonal("additive", seed=seed, amplitude=0.01, noise=0.05)
    assert not auto.fit(weak).seasonal_difference_
    # no seasonal period, or fewer than 3 full seasons: never
    assert not auto.fit(monthly_seasonal("additive", seed=seed).reset_index(drop=True)).seasonal_difference_
    assert not auto.fit(monthly_seasonal("additive", n=35, seed=seed)).seasonal_difference_


def test_ordinary_difference_is_decided_after_the_seasonal_one():
    y = monthly_seasonal("multiplicative")
    fitted = RNNForecaster(Ridge(), log="auto", seasonal_difference="auto").fit(y)
    # log(trend x season) seasonally differenced is 12 x growth + noise: stationary
    assert (fitted.log_, fitted.seasonal_difference_, fitted.difference_) == (True, True, 0)
    assert fitted.lags_ == [12]


def test_auto_transforms_are_undone_exactly():
    t = np.arange(72)
    idx = pd.date_range("2000-01-01", periods=72, freq="MS")
    season = np.tile([1.0, 1.3, 0.8, 1.1, 0.9, 1.2, 1.0, 0.7, 1.4, 1.0, 0.9, 1.1], 6)
    full = pd.Series(50 * 1.01**t * season, index=idx)
    forecaster = RNNForecaster(DummyRegressor(), window_length=3, log="auto", seasonal_difference="auto")
    pred = forecaster.fit(full.iloc[:60]).predict(12)
    assert forecaster.log_ and forecaster.seasonal_difference_
    np.testing.assert_allclose(pred, full.iloc[60:], rtol=1e-10)


def test_calibration_models_repeat_the_fitted_transforms():
    y = monthly_seasonal("multiplicative")
    fitted = RNNForecaster(Ridge(), log="auto", seasonal_difference="auto").fit(y)
    model = fitted._calibration_model(60)
    assert (model.log, model.seasonal_difference, model.difference) == (True, True, 0)


# --- strategies -------------------------------------------------------------------------


def test_recursive_and_direct_give_the_same_shapes():
    y = linear_series(60, index=pd.date_range("2000-01-01", periods=60, freq="MS"))
    rec = RNNForecaster(Ridge(), window_length=6).fit(y).predict(6)
    direct = RNNForecaster(Ridge(), window_length=6, strategy="direct", horizon=6).fit(y).predict(6)
    assert rec.shape == direct.shape
    assert rec.index.equals(direct.index)
    np.testing.assert_allclose(direct, 3.0 + 2.0 * np.arange(60, 66), rtol=1e-3)


def test_direct_predicts_fewer_steps_but_not_more():
    forecaster = RNNForecaster(Ridge(), window_length=4, strategy="direct", horizon=5)
    forecaster.fit(linear_series(40))
    assert len(forecaster.predict(3)) == 3
    with pytest.raises(ValueError, match="horizon=5 and cannot forecast 6"):
        forecaster.predict(6)


def test_direct_needs_horizon():
    with pytest.raises(ValueError, match="needs `horizon`"):
        RNNForecaster(Ridge(), strategy="direct").fit(linear_series(40))


# --- exog -------------------------------------------------------------------------------


def exog_problem(n=80, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2000-01-01", periods=n, freq="D")
    exog = pd.DataFrame({"price": rng.normal(size=n), "noise": rng.normal(size=n)}, index=idx)
    y = pd.Series(5.0 + 2.0 * exog["price"], name="demand")
    return y, exog


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_exog_of_the_predicted_step_is_used(strategy):
    # y depends only on the same-step covariate: the forecast is exact only if each
    # prediction sees the covariates of the step it predicts.
    y, exog = exog_problem()
    forecaster = RNNForecaster(
        Ridge(alpha=1e-8), window_length=4, difference=0, strategy=strategy, horizon=3
    )
    forecaster.fit(y.iloc[:70], exog=exog.iloc[:70])
    pred = forecaster.predict(3, exog=exog.iloc[70:73])
    np.testing.assert_allclose(pred, y.iloc[70:73], atol=1e-4)
    assert pred.name == "demand"
    assert forecaster.estimator_.n_features_in_ == 4 * 3


def test_exog_errors():
    y, exog = exog_problem()
    forecaster = RNNForecaster(Ridge(), window_length=4).fit(y.iloc[:70], exog=exog.iloc[:70])
    with pytest.raises(ValueError, match="fitted with exog"):
        forecaster.predict(3)
    with pytest.raises(ValueError, match="misaligned"):
        forecaster.predict(3, exog=exog.iloc[71:74])
    with pytest.raises(ValueError, match="needs 3 future rows"):
        forecaster.predict(3, exog=exog.iloc[70:72])
    with pytest.raises(ValueError, match="columns"):
        forecaster.predict(3, exog=exog.iloc[70:73, ::-1])
    with pytest.raises(ValueError, match="index does not match"):
        RNNForecaster(Ridge()).fit(y.iloc[:70], exog=exog.iloc[1:71])
    plain = RNNForecaster(Ridge(), window_length=4).fit(y)
    with pytest.raises(ValueError, match="fitted without exog"):
        plain.predict(3, exog=exog.iloc[:3])


# --- model selection --------------------------------------------------------------------


def test_grid_search_fits_each_past_and_scores_the_next_period():
    y = load_airline()
    cv = TimeSeriesSplit(n_splits=3, test_size=12)
    grid = {"window_length": [12, 24]}
    search = GridSearchCV(RNNForecaster(Ridge(), log=True), grid, cv=cv).fit(y)
    for i, (train, test) in enumerate(cv.split(y)):
        manual = RNNForecaster(Ridge(), log=True, window_length=12).fit(y.iloc[train])
        expected = -mean_absolute_scaled_error(
            y.iloc[test], manual.predict(12), y_train=y.iloc[train], seasonal_period=12
        )
        assert search.cv_results_[f"split{i}_test_score"][0] == pytest.approx(expected)
    assert search.best_estimator_.predict(12).index[0] == pd.Timestamp("1961-01-01")


@pytest.mark.parametrize("metric", ["mae", "rmse", "mase"])
def test_cross_val_score_with_named_scorers(metric):
    y = load_airline()
    cv = TimeSeriesSplit(n_splits=2, test_size=12)
    forecaster = RNNForecaster(Ridge(), window_length=12)
    scores = cross_val_score(forecaster, y, cv=cv, scoring=make_forecast_scorer(metric))
    folds = backtest(forecaster, y, horizon=12, cv=cv, metrics=[metric])
    np.testing.assert_allclose(-scores, folds[metric])
    assert (scores < 0).all()


def test_grid_search_passes_exog_per_fold_with_metadata_routing():
    y, exog = exog_problem(120)
    cv = TimeSeriesSplit(n_splits=3, test_size=5)
    forecaster = RNNForecaster(Ridge(alpha=1e-8), window_length=4, difference=0)
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(
            forecaster, {"window_length": [3, 4]}, cv=cv, scoring=make_forecast_scorer("mae")
        ).fit(y, exog=exog)
        default_scores = cross_val_score(forecaster, y, cv=cv, params={"exog": exog})
    assert search.best_score_ > -1e-3
    assert default_scores.max() > -1e-3


def test_score_checks_that_y_continues_the_training_data():
    y = load_airline()
    forecaster = RNNForecaster(Ridge()).fit(y.iloc[:-24])
    assert forecaster.score(y.iloc[-24:-12]) < 0
    with pytest.raises(ValueError, match="does not continue the training data"):
        forecaster.score(y.iloc[-30:-18])  # overlaps the training data
    with pytest.raises(ValueError, match="does not continue the training data"):
        forecaster.score(y.iloc[-12:].set_axis(y.index[-12:] + pd.Timedelta(days=1)))


def test_backtest_frame():
    y = linear_series(60, index=pd.date_range("2000-01-01", periods=60, freq="MS"))
    results = backtest(RNNForecaster(LinearRegression(), window_length=4), y, horizon=6, n_splits=3)
    assert list(results.index) == [0, 1, 2]
    assert list(results["n_train"]) == [42, 48, 54]
    assert results["cutoff"].iloc[-1] == y.index[53]
    np.testing.assert_allclose(results[["mae", "rmse", "mase"]], 0, atol=1e-8)
    assert results["y_pred"].iloc[0].index.equals(results["y_true"].iloc[0].index)


def test_mase_by_hand():
    # seasonal naive (m=2) in-sample errors |3-1|, |4-2|, |5-3| -> scale 2
    assert mean_absolute_scaled_error([6, 8], [7, 8], y_train=[1, 2, 3, 4, 5], seasonal_period=2) == 0.25


# --- estimator handling -----------------------------------------------------------------


def test_user_estimator_is_cloned_and_channels_set():
    y, exog = exog_problem(60)
    estimator = RNNRegressor(cell="gru", hidden_layer_sizes=(4,), max_iter=2)
    forecaster = RNNForecaster(estimator, window_length=5, n_estimators=1, random_state=3)
    forecaster.fit(y.iloc[:55], exog=exog.iloc[:55])
    assert not hasattr(estimator, "params_")
    assert forecaster.estimator_.n_channels == 3
    assert forecaster.estimator_.random_state == 3
    assert forecaster.predict(2, exog=exog.iloc[55:57]).shape == (2,)


def test_members_have_their_own_seeds_and_are_averaged():
    y = ar1_series(120, np.random.default_rng(1))
    forecaster = RNNForecaster(SGDRegressor(max_iter=5, tol=None), window_length=4, difference=0,
                               n_estimators=3, random_state=0).fit(y)
    seeds = [e.random_state for e in forecaster.estimators_]
    assert len(set(seeds)) == 3 and forecaster.estimator_ is forecaster.estimators_[0]
    # the one-step forecast is the mean of the members' predictions on the last window
    window = ((y.to_numpy()[-4:] - forecaster.y_mean_) / forecaster.y_scale_).reshape(1, -1)
    members = [e.predict(window)[0] for e in forecaster.estimators_]
    expected = np.mean(members) * forecaster.y_scale_[0] + forecaster.y_mean_[0]
    assert forecaster.predict(1).iloc[0] == pytest.approx(expected)
    assert np.ptp(members) > 0
    # the same random_state gives the same members
    again = clone(forecaster).fit(y)
    assert [e.random_state for e in again.estimators_] == seeds


def test_members_without_random_state_are_fitted_once():
    forecaster = RNNForecaster(LinearRegression(), window_length=4, n_estimators=5).fit(linear_series(40))
    assert len(forecaster.estimators_) == 1


def test_default_estimator_is_an_rnn_regressor():
    estimator = RNNForecaster()._new_estimator(n_channels=2)
    assert isinstance(estimator, RNNRegressor)
    assert estimator.n_channels == 2


def test_pickle_round_trip_gives_equal_predictions():
    y = load_airline()
    forecaster = RNNForecaster(Ridge(), log=True).fit(y)
    restored = pickle.loads(pickle.dumps(forecaster))
    pd.testing.assert_series_equal(restored.predict(12), forecaster.predict(12))
    pd.testing.assert_frame_equal(restored.predict_interval(6), forecaster.predict_interval(6))


# --- bad input --------------------------------------------------------------------------


def bad_inputs():
    idx = pd.date_range("2000-01-01", periods=40, freq="MS")
    values = np.arange(40.0)
    with_nan = values.copy()
    with_nan[5] = np.nan
    irregular = idx.delete([3, 17, 20])
    return [
        (pd.Series(with_nan, index=idx), "NaN"),
        (pd.Series(values, index=idx[::-1]), "not monotonic"),
        (pd.Series(values, index=idx.insert(5, idx[5])[:40]), "duplicated"),
        (pd.Series(values[:37], index=irregular), "irregular"),
        (pd.Series(values, index=[f"t{i:02d}" for i in range(40)]), "DatetimeIndex, a PeriodIndex"),
        (pd.Series(values[:6], index=idx[:6]), "too short"),
        (pd.Series(values, index=pd.Index(np.r_[0:20, 30:50])), "irregular"),
    ]


@pytest.mark.parametrize("y, message", bad_inputs())
def test_bad_series_raise_value_error(y, message):
    with pytest.raises(ValueError, match=message):
        RNNForecaster(Ridge(), window_length=6).fit(y)


@pytest.mark.parametrize("horizon", [0, -3, 2.5, True])
def test_bad_horizon(horizon):
    forecaster = RNNForecaster(Ridge(), window_length=4).fit(linear_series(30))
    with pytest.raises(ValueError, match="horizon must be a positive integer"):
        forecaster.predict(horizon)


def test_log_needs_positive_values():
    with pytest.raises(ValueError, match="strictly positive"):
        RNNForecaster(Ridge(), log=True).fit(linear_series(30) - 10)


def test_invalid_parameters():
    with pytest.raises(InvalidParameterError):
        RNNForecaster(Ridge(), strategy="sideways").fit(linear_series(30))
    with pytest.raises(InvalidParameterError):
        RNNForecaster(Ridge(), window_length=0).fit(linear_series(30))
    with pytest.raises(InvalidParameterError):
        RNNForecaster(Ridge(), log="maybe").fit(linear_series(30))
    with pytest.raises(InvalidParameterError):
        RNNForecaster(Ridge(), seasonal_difference="yes").fit(linear_series(30))
    with pytest.raises(ValueError, match="coverage"):
        RNNForecaster(Ridge()).fit(linear_series(30)).predict_interval(3, coverage=1.5)


# --- prediction intervals ---------------------------------------------------------------


def test_interval_frame_layout():
    y = load_airline()
    intervals = RNNForecaster(Ridge(), log=True).fit(y).predict_interval(12, coverage=0.8)
    assert list(intervals.columns) == ["prediction", "lower", "upper"]
    assert intervals.index[0] == pd.Timestamp("1961-01-01")
    assert (intervals["lower"] < intervals["prediction"]).all()
    assert (intervals["prediction"] < intervals["upper"]).all()
    # wider for later steps, on average: errors compound
    width = intervals["upper"] - intervals["lower"]
    assert width.iloc[-3:].mean() > width.iloc[:3].mean()


def test_interval_multi_target_columns():
    idx = pd.RangeIndex(80)
    rng = np.random.default_rng(0)
    y = pd.DataFrame({"a": rng.normal(size=80), "b": rng.normal(size=80)}, index=idx)
    intervals = RNNForecaster(Ridge(), window_length=4).fit(y).predict_interval(3)
    assert intervals.columns.tolist() == [
        (c, k) for c in ["a", "b"] for k in ["prediction", "lower", "upper"]
    ]


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_interval_coverage_near_nominal(strategy):
    rng = np.random.default_rng(42)
    horizon, hits = 3, []
    for _ in range(60):
        y = ar1_series(150, rng)
        forecaster = RNNForecaster(
            Ridge(), window_length=5, difference=0, strategy=strategy, horizon=horizon, n_estimators=1
        ).fit(y.iloc[:-horizon])
        intervals = forecaster.predict_interval(horizon, coverage=0.9)
        truth = y.iloc[-horizon:].to_numpy()
        hits.append((intervals["lower"].to_numpy() <= truth) & (truth <= intervals["upper"].to_numpy()))
    assert abs(np.mean(hits) - 0.9) < 0.07


def exact_forecaster(**params):
    # A linear trend is forecast exactly: any misalignment shows as a nonzero error.
    return RNNForecaster(Ridge(alpha=1e-6), n_estimators=1, window_length=4, log=False, difference=0, **params)


def test_backtest_scores_the_test_block_after_a_gap():
    y = pd.Series(np.arange(60.0))
    results = backtest(exact_forecaster(), y, horizon=5, cv=TimeSeriesSplit(3, test_size=5, gap=3))
    np.testing.assert_allclose(results["mae"], 0, atol=1e-4)
    for _, row in results.iterrows():
        assert row["y_pred"].index.equals(row["y_true"].index)


def test_backtest_gap_with_exog_uses_the_covariates_of_the_test_steps():
    y, exog = exog_problem()
    cv = TimeSeriesSplit(2, test_size=3, gap=2)
    results = backtest(exact_forecaster(), y, horizon=3, cv=cv, exog=exog)
    np.testing.assert_allclose(results["mae"], 0, atol=1e-3)


@pytest.mark.parametrize(
    "index",
    [pd.RangeIndex(60), pd.date_range("2000-01-01", periods=60, freq="D"), pd.period_range("2000-01", periods=60, freq="M")],
)
def test_score_forecasts_through_a_gap(index):
    y = pd.Series(np.arange(60.0), index=index)
    forecaster = exact_forecaster().fit(y.iloc[:40])
    assert forecaster.score(y.iloc[45:50]) == pytest.approx(0, abs=1e-4)
    with pytest.raises(ValueError, match="does not continue the training data"):
        forecaster.score(y.iloc[35:45])


def test_score_matches_target_columns_by_name():
    t = np.arange(60.0)
    Y = pd.DataFrame({"a": t, "b": 1000 + 10 * t})
    forecaster = exact_forecaster().fit(Y.iloc[:50])
    assert forecaster.score(Y.iloc[50:][["b", "a"]]) == pytest.approx(0, abs=1e-4)
    with pytest.raises(ValueError, match=r"columns \['a', 'c'\] differ"):
        forecaster.score(Y.iloc[50:].rename(columns={"b": "c"}))


def test_fitted_forecaster_does_not_share_memory_with_the_data():
    # Copy-on-write protects edits made through pandas; a frame wrapping the caller's
    # array (copy=False) is where a view would leak.
    y_values = np.arange(60.0)
    forecaster = exact_forecaster().fit(pd.Series(y_values, copy=False))
    before = forecaster.predict(3)
    y_values[:] = 0.0
    pd.testing.assert_series_equal(forecaster.predict(3), before)
    # With difference=1 the forecast starts from the last observed covariate.
    y, exog = exog_problem()
    exog_values = exog.to_numpy(copy=True)
    exog = pd.DataFrame(exog_values, index=exog.index, columns=exog.columns, copy=False)
    forecaster = RNNForecaster(Ridge(alpha=1e-6), n_estimators=1, window_length=4, log=False, difference=1)
    forecaster.fit(y, exog=exog)
    future_index = pd.date_range(exog.index[-1], periods=4, freq="D")[1:]
    future = pd.DataFrame(np.ones((3, 2)), index=future_index, columns=exog.columns)
    before = forecaster.predict(3, exog=future)
    exog_values[:] = 0.0
    pd.testing.assert_series_equal(forecaster.predict(3, exog=future), before)


def test_direct_with_exog_needs_window_length_at_least_horizon():
    y, exog = exog_problem()
    forecaster = exact_forecaster(strategy="direct", horizon=6)
    with pytest.raises(ValueError, match=r"horizon=6.*window_length=4.*window_length>=6"):
        forecaster.fit(y, exog=exog)
    forecaster.fit(y)  # without exog any horizon works


def test_interval_width_does_not_depend_on_earlier_calls():
    y = pd.Series(np.random.default_rng(0).normal(size=100))
    fresh = exact_forecaster().fit(y).predict_interval(3)
    forecaster = exact_forecaster().fit(y)
    forecaster.predict_interval(25)
    pd.testing.assert_frame_equal(forecaster.predict_interval(3), fresh)


def test_backtest_accepts_a_list_and_array_exog():
    y, exog = exog_problem()
    results = backtest(exact_forecaster(), list(y), horizon=3, n_splits=2, exog=exog.to_numpy())
    np.testing.assert_allclose(results["mae"], 0, atol=1e-3)


def test_seasonal_difference_needs_a_seasonal_period():
    with pytest.raises(ValueError, match="seasonal period > 1"):
        exact_forecaster(seasonal_difference=True).fit(linear_series(40))


def test_default_network_on_a_short_series_fits_without_batch_size_warnings():
    import warnings

    y = pd.Series(np.sin(np.arange(20) / 3) + np.arange(20) / 10,
                  index=pd.date_range("2000", periods=20, freq="YS"))
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*batch_size.*")
        forecaster = RNNForecaster(n_estimators=1, random_state=0).fit(y)
    assert forecaster.estimator_.batch_size < forecaster.n_windows_ < 32
