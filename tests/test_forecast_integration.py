"""RNNForecaster inside scikit-learn's model selection, and the methods users expect of it.

Ridge stands in for the network wherever the network is not the point: it is fast and
deterministic, so a fold scored on the wrong steps shows as a different number. The default
network appears where it is the subject (tuning it, short series), with tiny settings.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.metrics import (
    explained_variance_score,
    get_scorer,
    max_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    median_absolute_error,
    r2_score,
    root_mean_squared_error,
)
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score, cross_validate
from sklearn.utils.estimator_checks import check_param_validation

from skrnn import RNNForecaster, backtest, make_forecast_scorer, seasonal_period_from_freq
from skrnn.datasets import load_airline

# scikit-learn's regression scoring strings, the metric of each and its sign.
SCORINGS = {
    "neg_mean_absolute_error": (mean_absolute_error, -1),
    "neg_root_mean_squared_error": (root_mean_squared_error, -1),
    "neg_mean_squared_error": (mean_squared_error, -1),
    "r2": (r2_score, 1),
    "neg_median_absolute_error": (median_absolute_error, -1),
    "neg_mean_absolute_percentage_error": (mean_absolute_percentage_error, -1),
    "explained_variance": (explained_variance_score, 1),
    "neg_max_error": (max_error, -1),
}


def ridge_forecaster(**params):
    return RNNForecaster(Ridge(), **{"window_length": 12, **params})


def tiny_default(**params):
    """The default network, tuned down to a few epochs: the subject, but fast."""
    forecaster = RNNForecaster(**{"n_estimators": 1, "random_state": 0, **params})
    return forecaster.set_params(estimator__max_iter=5)


def hand_scores(scoring, y, cv):
    """The metric of `scoring` on the forecast of each test fold, computed without scorers."""
    metric, sign = SCORINGS[scoring]
    scores = []
    for train, test in cv.split(y):
        forecast = ridge_forecaster().fit(y.iloc[train]).predict(test[-1] - train[-1])
        scores.append(sign * metric(y.iloc[test], forecast.iloc[-len(test) :]))
    return np.array(scores)


# --- scikit-learn's scoring strings -------------------------------------------------------


@pytest.mark.parametrize("scoring", SCORINGS)
def test_each_scoring_string_equals_the_metric_of_each_fold(scoring):
    y = load_airline()
    cv = TimeSeriesSplit(n_splits=3, test_size=12)
    scores = cross_val_score(ridge_forecaster(), y, y, cv=cv, scoring=scoring, error_score="raise")
    assert np.isfinite(scores).all()
    np.testing.assert_array_equal(scores, hand_scores(scoring, y, cv))


def test_scoring_strings_score_the_test_steps_after_a_gap():
    y = load_airline()
    cv = TimeSeriesSplit(n_splits=2, test_size=6, gap=4)
    scoring = "neg_mean_absolute_error"
    scores = cross_val_score(ridge_forecaster(), y, y, cv=cv, scoring=scoring, error_score="raise")
    np.testing.assert_array_equal(scores, hand_scores(scoring, y, cv))


def test_scoring_strings_in_a_search_and_cross_validate():
    y = load_airline()
    cv = TimeSeriesSplit(n_splits=2, test_size=12)
    search = GridSearchCV(
        ridge_forecaster(), {"window_length": [6, 12]}, cv=cv, scoring="neg_mean_absolute_error",
        error_score="raise",
    ).fit(y, y)
    assert search.best_params_ == {"window_length": 12}
    assert search.best_score_ == pytest.approx(hand_scores("neg_mean_absolute_error", y, cv).mean())
    assert search.best_estimator_.exog_names_ is None  # y twice is not a covariate
    scoring = ["r2", "neg_max_error"]
    results = cross_validate(ridge_forecaster(), y, y, cv=cv, scoring=scoring, error_score="raise")
    np.testing.assert_array_equal(results["test_r2"], hand_scores("r2", y, cv))


def test_scoring_strings_on_several_targets_match_columns_by_name():
    t = np.arange(80.0)
    y = pd.DataFrame({"a": np.sin(t / 3) + t / 10, "b": 50 + 3 * np.cos(t / 5)})
    cv = TimeSeriesSplit(n_splits=2, test_size=5)
    forecaster = RNNForecaster(Ridge(), window_length=6)
    scores = cross_val_score(forecaster, y, y, cv=cv, scoring="r2", error_score="raise")
    for score, (train, test) in zip(scores, cv.split(y)):
        fold = clone(forecaster).fit(y.iloc[train])
        assert score == get_scorer("r2")(fold, y.iloc[test], y.iloc[test])
        swapped = fold.predict(y.iloc[test][["b", "a"]])
        assert list(swapped.columns) == ["b", "a"]
        pd.testing.assert_frame_equal(swapped[["a", "b"]], fold.predict(5))


def test_make_forecast_scorer_takes_scoring_strings_with_y_once():
    y = load_airline()
    cv = TimeSeriesSplit(n_splits=2, test_size=12)
    once = cross_val_score(ridge_forecaster(), y, cv=cv, scoring=make_forecast_scorer("r2"))
    twice = cross_val_score(ridge_forecaster(), y, y, cv=cv, scoring="r2")
    np.testing.assert_array_equal(once, twice)
    with pytest.raises(ValueError, match="scoring string"):
        make_forecast_scorer("neg_mean_absolut_error")


def test_train_scores_are_refused_with_a_clear_error():
    y = load_airline()
    cv = TimeSeriesSplit(n_splits=2, test_size=12)
    for scoring in ["r2", None, make_forecast_scorer("mae")]:
        with pytest.raises(ValueError, match="return_train_score=False; fitted_values"):
            cross_validate(
                ridge_forecaster(), y, y, cv=cv, scoring=scoring, return_train_score=True, error_score="raise"
            )
    fitted = ridge_forecaster().fit(y.iloc[:100])
    with pytest.raises(ValueError, match="inside the data the forecaster holds"):
        fitted.predict(y.iloc[90:110])
    with pytest.raises(ValueError, match="is the data the forecaster holds"):
        fitted.predict(y.iloc[:100].to_numpy())


def test_a_search_with_exog_and_no_routing_raises_at_fit():
    rng = np.random.default_rng(0)
    idx = pd.date_range("2000-01-01", periods=100, freq="D")
    exog = pd.DataFrame({"price": rng.normal(size=100)}, index=idx)
    y = pd.Series(5.0 + 2.0 * exog["price"], name="demand")
    cv = TimeSeriesSplit(2, test_size=5)
    search = GridSearchCV(RNNForecaster(Ridge()), {"window_length": [3, 4]}, cv=cv)
    with pytest.raises(ValueError, match="exog was passed to GridSearchCV.fit without metadata routing"):
        search.fit(y, exog=exog)
    RNNForecaster(Ridge()).fit(y, exog=exog)  # outside a search exog needs no routing


# --- the default network ------------------------------------------------------------------


def test_the_default_network_is_tunable_in_a_search():
    y = load_airline().iloc[:60]
    grid = {"estimator__hidden_layer_sizes": [(4,), (8,)], "estimator__max_iter": [3]}
    cv = TimeSeriesSplit(2, test_size=6)
    search = GridSearchCV(RNNForecaster(n_estimators=1, random_state=0), grid, cv=cv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_
    assert best.estimator_.hidden_layer_sizes == search.best_params_["estimator__hidden_layer_sizes"]
    assert best.estimator_.cell == "gru" and best.estimator_.alpha == 1e-3  # the rest is the default


def test_tuning_the_default_changes_only_that_parameter():
    fresh = RNNForecaster()
    assert fresh.get_params()["estimator__hidden_layer_sizes"] == (16,)
    tuned = clone(fresh).set_params(estimator__hidden_layer_sizes=(8,))
    assert fresh.estimator is None and RNNForecaster().get_params()["estimator__hidden_layer_sizes"] == (16,)
    default = fresh.get_params()
    changed = {k for k, v in tuned.get_params().items() if k.startswith("estimator__") and default[k] != v}
    assert changed == {"estimator__hidden_layer_sizes"}
    assert clone(tuned).get_params()["estimator__hidden_layer_sizes"] == (8,)
    check_param_validation("RNNForecaster", RNNForecaster())


@pytest.mark.parametrize("n_rows", [2, 3, 5, 8])
def test_the_default_network_fits_a_short_series(n_rows):
    y = pd.Series(np.sin(np.arange(n_rows)) + 10, index=pd.date_range("2000", periods=n_rows, freq="YS"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        forecaster = tiny_default().fit(y)
    assert np.isfinite(forecaster.predict(3)).all()
    # early stopping holds out ceil(0.2 * n) windows and needs 2 of them
    assert forecaster.estimator_.early_stopping == (forecaster.n_windows_ >= 6)


def test_a_one_point_series_raises_about_its_length():
    y = pd.Series([3.0], index=pd.date_range("2000", periods=1, freq="YS"))
    with pytest.raises(ValueError, match="y is too short: it has 1 rows"):
        tiny_default().fit(y)


def test_the_default_network_keeps_early_stopping_on_a_long_series():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        forecaster = tiny_default().fit(load_airline())
    assert forecaster.estimator_.early_stopping and forecaster.estimator_.batch_size == 32


# --- seasonal periods ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "freq, period",
    [("W", 52), ("W-MON", 52), ("2W", 26), ("15min", 96), ("30min", 48), ("2h", 12), ("h", 24),
     ("D", 7), ("B", 5), ("MS", 12), ("ME", 12), ("3ME", 4), ("QS", 4), ("QE", 4), ("YS", 1),
     ("YE", 1), ("5h", 1), ("s", 1)],
)
def test_seasonal_period_is_the_steps_in_the_next_natural_cycle(freq, period):
    assert seasonal_period_from_freq(freq) == period
    assert seasonal_period_from_freq(pd.tseries.frequencies.to_offset(freq)) == period


@pytest.mark.parametrize("freq, period", [("W", 52), ("15min", 96), ("30min", 48), ("2h", 12)])
def test_forecaster_infers_the_seasonal_period_of_its_index(freq, period):
    y = pd.Series(np.arange(300.0), index=pd.date_range("2020-01-06", periods=300, freq=freq))
    assert ridge_forecaster(window_length=4).fit(y).seasonal_period_ == period


# --- update -------------------------------------------------------------------------------


def test_update_forecasts_as_a_refit_with_the_same_weights():
    y = load_airline()
    params = dict(window_length=12, log=True, difference=1)
    updated = ridge_forecaster(**params).fit(y.iloc[:-24]).update(y.iloc[-24:-12])
    refit = ridge_forecaster(**params).fit(y.iloc[:-12])
    assert updated.cutoff_ == refit.cutoff_
    assert updated.predict(12).index.equals(refit.predict(12).index)
    # the refit's history with the updated model's weights and standardisation
    refit.estimators_, refit._levels = updated.estimators_, updated._levels
    pd.testing.assert_series_equal(updated.predict(12), refit.predict(12))
    assert not np.allclose(updated.predict(12), ridge_forecaster(**params).fit(y.iloc[:-12]).predict(12))


def test_update_with_exog_and_an_array():
    rng = np.random.default_rng(1)
    idx = pd.date_range("2000-01-01", periods=90, freq="D")
    exog = pd.DataFrame({"price": rng.normal(size=90)}, index=idx)
    y = pd.Series(5.0 + 2.0 * exog["price"], name="demand")
    forecaster = RNNForecaster(Ridge(alpha=1e-8), window_length=4, difference=0)
    forecaster.fit(y.iloc[:70], exog=exog.iloc[:70])
    forecaster.update(y.iloc[70:80].to_numpy(), exog_new=exog.iloc[70:80])
    assert forecaster.cutoff_ == idx[79] and len(forecaster.y_train_) == 80
    np.testing.assert_allclose(forecaster.predict(3, exog=exog.iloc[80:83]), y.iloc[80:83], atol=1e-4)
    with pytest.raises(ValueError, match="fitted with exog"):
        forecaster.update(y.iloc[80:82])


# --- quantiles and intervals --------------------------------------------------------------


def test_quantiles_are_monotone_and_bound_the_intervals():
    forecaster = ridge_forecaster(log=True).fit(load_airline())
    levels = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]
    quantiles = forecaster.predict_quantiles(12, quantiles=levels)
    assert list(quantiles.columns) == levels
    assert (np.diff(quantiles.to_numpy(), axis=1) >= 0).all()
    assert (quantiles[0.95] > quantiles[0.05]).all()
    pd.testing.assert_series_equal(quantiles[0.5], forecaster.predict(12), check_names=False)
    intervals = forecaster.predict_interval(12, coverage=[0.5, 0.8, 0.9])
    for low, high, coverage in [(0.25, 0.75, 0.5), (0.1, 0.9, 0.8), (0.05, 0.95, 0.9)]:
        single = forecaster.predict_interval(12, coverage=coverage)
        pd.testing.assert_frame_equal(intervals[coverage], single)
        np.testing.assert_array_equal(quantiles[low], single["lower"])
        np.testing.assert_array_equal(quantiles[high], single["upper"])


def test_quantiles_of_several_targets():
    rng = np.random.default_rng(0)
    y = pd.DataFrame({"a": rng.normal(size=80), "b": rng.normal(size=80)})
    quantiles = RNNForecaster(Ridge(), window_length=4).fit(y).predict_quantiles(3, [0.1, 0.9])
    assert quantiles.columns.tolist() == [("a", 0.1), ("a", 0.9), ("b", 0.1), ("b", 0.9)]


@pytest.mark.parametrize("levels", [0.0, 1.0, [0.1, 0.1], [], [0.2, "0.5"], True])
def test_quantiles_and_coverages_must_be_distinct_levels_in_the_unit_interval(levels):
    forecaster = ridge_forecaster(window_length=4).fit(load_airline().iloc[:60])
    with pytest.raises(ValueError, match="quantiles must be"):
        forecaster.predict_quantiles(3, levels)
    with pytest.raises(ValueError, match="coverage must be"):
        forecaster.predict_interval(3, levels)


# --- in-sample predictions ----------------------------------------------------------------


def test_fitted_values_are_the_one_step_predictions_of_the_network():
    y = load_airline().iloc[:60]
    forecaster = RNNForecaster(Ridge(), window_length=5, log=False, difference=0).fit(y)
    fitted, residuals = forecaster.fitted_values(), forecaster.residuals()
    assert fitted.index.equals(y.index[5:]) and fitted.name == y.name
    assert fitted.notna().all()
    z = (y.to_numpy() - forecaster.y_mean_) / forecaster.y_scale_
    windows = np.lib.stride_tricks.sliding_window_view(z[:-1], 5)
    by_hand = forecaster.estimator_.predict(windows) * forecaster.y_scale_ + forecaster.y_mean_
    np.testing.assert_allclose(fitted, by_hand, rtol=1e-12)
    np.testing.assert_allclose(residuals, y.iloc[5:] - fitted, rtol=1e-12)


def test_fitted_values_leave_out_the_rows_no_window_predicts():
    y = load_airline()
    differenced = ridge_forecaster(difference=1).fit(y).fitted_values()
    assert differenced.index[0] == y.index[13]
    direct = ridge_forecaster(strategy="direct", horizon=4, difference=0).fit(y).fitted_values()
    assert direct.index.equals(y.index[12:-3])


# --- backtest -----------------------------------------------------------------------------


def test_backtest_without_refit_fits_once_and_updates():
    y = load_airline()
    results = backtest(ridge_forecaster(), y, horizon=12, n_splits=3, refit=False)
    cv = TimeSeriesSplit(n_splits=3, test_size=12)
    model = None
    for (train, _), (_, row) in zip(cv.split(y), results.iterrows()):
        if model is None:
            model = ridge_forecaster().fit(y.iloc[train])
        else:
            model.update(y.iloc[len(model.y_train_) : train[-1] + 1])
        pd.testing.assert_series_equal(row["y_pred"], model.predict(12))
        assert row["n_train"] == len(train)
    refitted = backtest(ridge_forecaster(), y, horizon=12, n_splits=3)
    pd.testing.assert_series_equal(results["y_pred"].iloc[0], refitted["y_pred"].iloc[0])
    assert not np.allclose(results["mae"].iloc[1:], refitted["mae"].iloc[1:])


def test_backtest_in_parallel_gives_the_same_folds():
    y = load_airline()
    serial = backtest(ridge_forecaster(), y, horizon=12, n_splits=2)
    parallel = backtest(ridge_forecaster(), y, horizon=12, n_splits=2, n_jobs=2)
    pd.testing.assert_frame_equal(serial.drop(columns="fit_time"), parallel.drop(columns="fit_time"))


class BackwardsSplit:
    """Two folds, the second ending before the first."""

    def split(self, X, y=None, groups=None):
        yield np.arange(100), np.arange(100, 110)
        yield np.arange(90), np.arange(90, 100)


def test_backtest_without_refit_needs_folds_that_move_forward():
    with pytest.raises(ValueError, match="must end no earlier than the previous fold's"):
        backtest(ridge_forecaster(), load_airline(), horizon=10, cv=BackwardsSplit(), refit=False)
