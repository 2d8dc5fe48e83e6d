"""RNNForecaster(past_exog=...): covariates observed up to the forecast origin, not after it.

The generated series follows a covariate with a lag of at least the horizon
(``y[t] = 0.8 * x[t - LAG] + noise``), so every step of a forecast depends on values
of ``x`` observed by its origin: a forecaster that reads them beats one that does not
by far, and one that looked past the origin would have nothing more to gain. Ridge
stands in for the network where the test is about the plumbing (exact, fast and
deterministic); the default network appears where it is the subject, with few epochs.
"""

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score

from skrnn import RNNForecaster, backtest, make_forecast_scorer, mean_absolute_scaled_error

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

H, LAG, WINDOW = 6, 6, 12  # LAG >= H: every forecast step depends on x up to the origin
FIXED = dict(window_length=WINDOW, difference=0, log=False)  # no "auto" choice between runs


def lagged_problem(n=240, seed=0):
    """``(y, x)``: ``y[t] = 0.8 * x[t - LAG] + 0.1 * noise``, ``x`` an AR(1) observed alongside y."""
    rng = np.random.default_rng(seed)
    x = np.zeros(n + LAG)
    for t in range(1, n + LAG):
        x[t] = 0.5 * x[t - 1] + rng.normal()
    index = pd.date_range("2000-01-03", periods=n, freq="D")
    y = pd.Series(0.8 * x[:n] + 0.1 * rng.normal(size=n), index=index, name="sales")
    return y, pd.DataFrame({"footfall": x[LAG:]}, index=index)  # footfall[t] = x[t]; y[t] = 0.8 footfall[t - LAG]


def ridge(estimator=None, **params):
    estimator = Ridge(alpha=1e-3) if estimator is None else estimator
    return RNNForecaster(estimator, **{"strategy": "direct", "horizon": H, **FIXED, **params})


def tiny_default(max_iter=40, **params):
    """The default network, a few epochs: the subject, but fast and seeded."""
    params = {"strategy": "direct", "horizon": H, "n_estimators": 1, "random_state": 0, **FIXED, **params}
    return RNNForecaster(**params).set_params(estimator__max_iter=max_iter)


def rolling_mase(forecaster, y, x, n_origins=6):
    """Mean MASE of `H`-step forecasts from the last `n_origins` origins, refitting at each."""
    errors = []
    for cut in range(len(y) - n_origins * H, len(y), H):
        model = clone(forecaster).fit(y.iloc[:cut], past_exog=None if x is None else x.iloc[:cut])
        errors.append(mean_absolute_scaled_error(y.iloc[cut : cut + H], model.predict(H), y_train=y.iloc[:cut]))
    return float(np.mean(errors))


# --- what the covariate adds ----------------------------------------------------------------


@pytest.mark.parametrize("make", [ridge, tiny_default], ids=["ridge", "default-network"])
def test_past_exog_beats_the_series_alone_when_its_future_follows_the_covariate(make):
    y, x = lagged_problem()
    with_x, without = rolling_mase(make(), y, x), rolling_mase(make(), y, None)
    assert with_x < 0.35 * without, (with_x, without)
    assert without > 0.8  # the series alone is unpredictable: its MASE is about 1


def test_seq2seq_reads_past_exog_too():
    y, x = lagged_problem()
    forecaster = tiny_default(strategy="seq2seq", max_iter=80)
    assert rolling_mase(forecaster, y, x, n_origins=3) < 0.6 * rolling_mase(forecaster, y, None, n_origins=3)


def test_past_exog_is_not_read_after_the_origin():
    # y[t] = x[t]: known-future covariates give an exact forecast, past-only ones cannot.
    y, x = lagged_problem()
    y = x["footfall"].rename("sales")
    exact = ridge().fit(y.iloc[:-H], exog=x.iloc[:-H]).predict(H, exog=x.iloc[-H:])
    past_only = ridge().fit(y.iloc[:-H], past_exog=x.iloc[:-H]).predict(H)
    np.testing.assert_allclose(exact, y.iloc[-H:], atol=1e-2)
    assert mean_absolute_scaled_error(y.iloc[-H:], past_only, y_train=y.iloc[:-H]) > 0.2


def test_forecast_reads_the_last_window_of_past_exog_only():
    y, x = lagged_problem()
    fitted = ridge().fit(y, past_exog=x)
    before = fitted.predict(H)
    early = copy.deepcopy(fitted)
    early.past_exog_train_[: -WINDOW] += 100.0  # rows before the last window
    pd.testing.assert_series_equal(early.predict(H), before)
    last = copy.deepcopy(fitted)
    last.past_exog_train_[-LAG] += 1.0  # the row the first step follows
    changed = last.predict(H) - before
    assert abs(changed.iloc[0]) > 0.5 and np.allclose(changed.iloc[1:], 0, atol=0.1)


def test_fitted_values_do_not_look_past_their_origin():
    y, x = lagged_problem(n=120)
    fitted = ridge().fit(y, past_exog=x)
    values = fitted.fitted_values()
    later = copy.deepcopy(fitted)
    later.past_exog_train_[80:] += 100.0
    pd.testing.assert_series_equal(later.fitted_values().iloc[: 80 - WINDOW], values.iloc[: 80 - WINDOW])
    assert values.index[0] == y.index[WINDOW]
    assert fitted.residuals().abs().mean() < 0.5 * ridge().fit(y).residuals().abs().mean()


class RecordingRidge(Ridge):
    """A Ridge that keeps what it was fitted on and the last input it predicted from."""

    def fit(self, X, y, sample_weight=None):
        self.seen_X_, self.seen_y_ = np.array(X), np.array(y)
        return super().fit(X, y, sample_weight)

    def predict(self, X):
        self.last_X_ = np.array(X)
        return super().predict(X)


@pytest.mark.parametrize("difference", [0, 1])
def test_windows_hold_past_exog_on_their_own_rows_beside_each_target(difference):
    # Two targets and one past covariate: rows of (a, b, footfall), time-major; targets a and b only.
    y, x = lagged_problem(n=60)
    Y = pd.DataFrame({"a": y, "b": 2.0 * y})
    fitted = ridge(RecordingRidge(alpha=1e-3), difference=difference).fit(Y, past_exog=x)
    scaled = ((x.to_numpy() - fitted.past_exog_mean_) / fitted.past_exog_scale_)[difference:, 0]
    member = fitted.estimator_
    assert member.seen_X_.shape == (60 - difference - WINDOW - H + 1, WINDOW * 3)
    assert member.seen_y_.shape == (len(member.seen_X_), H * 2)
    np.testing.assert_allclose(member.seen_X_[0].reshape(WINDOW, 3)[:, 2], scaled[:WINDOW])
    np.testing.assert_allclose(member.seen_X_[-1].reshape(WINDOW, 3)[:, 2], scaled[-WINDOW - H : -H])
    fitted.predict(H)
    np.testing.assert_allclose(member.last_X_[0].reshape(WINDOW, 3)[:, 2], scaled[-WINDOW:])


# --- the strategies -------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"strategy": "recursive", "horizon": None}])
def test_recursive_strategy_refuses_past_exog(params):
    y, x = lagged_problem(n=60)
    forecaster = RNNForecaster(Ridge(), window_length=WINDOW, **params)
    with pytest.raises(ValueError, match=r"past_exog needs strategy='direct' or strategy='seq2seq'"):
        forecaster.fit(y, past_exog=x)
    assert not hasattr(forecaster, "cutoff_")


def both_kinds_problem():
    """``(y, price, x)``: ``y[t] = 0.8 x[t - LAG] + price[t]``, price known ahead, x observed up to t."""
    y, x = lagged_problem()
    price = pd.DataFrame({"price": np.random.default_rng(5).normal(size=len(y))}, index=y.index)
    return y + price["price"], price, x


def test_both_kinds_of_covariates_together():
    y, price, x = both_kinds_problem()
    fitted = ridge().fit(y.iloc[:-H], exog=price.iloc[:-H], past_exog=x.iloc[:-H])
    assert fitted.estimator_.n_features_in_ == WINDOW * 3  # target, footfall, price on each row
    forecast = fitted.predict(H, exog=price.iloc[-H:])
    np.testing.assert_allclose(forecast, y.iloc[-H:], atol=0.4)  # the noise is 0.1
    alone = ridge().fit(y.iloc[:-H], exog=price.iloc[:-H]).predict(H, exog=price.iloc[-H:])
    assert np.abs(forecast - y.iloc[-H:]).mean() < 0.35 * np.abs(alone - y.iloc[-H:]).mean()


def test_seq2seq_with_both_kinds_of_covariates():
    # The decoder reads price over the predicted steps; footfall stays on the window's rows.
    y, price, x = both_kinds_problem()
    forecaster = tiny_default(strategy="seq2seq", window_length=4)
    fitted = forecaster.fit(y.iloc[:-H], exog=price.iloc[:-H], past_exog=x.iloc[:-H])
    assert fitted.estimator_.n_future_features == 1 and fitted.estimator_.n_channels == 3
    forecast = fitted.predict(H, exog=price.iloc[-H:])
    assert forecast.index.equals(y.index[-H:]) and np.isfinite(forecast).all()


# --- update ---------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [ridge, tiny_default], ids=["ridge", "default-network"])
def test_update_moves_the_origin_as_a_refit_with_the_same_weights(make):
    y, x = lagged_problem(n=150)
    updated = make().fit(y.iloc[:-24], past_exog=x.iloc[:-24])
    updated.update(y.iloc[-24:-12], past_exog_new=x.iloc[-24:-12])
    refit = make().fit(y.iloc[:-12], past_exog=x.iloc[:-12])
    assert updated.cutoff_ == refit.cutoff_ and len(updated.past_exog_train_) == len(y) - 12
    # the refit's history with the updated model's weights and standardisation
    refit.estimators_, refit._levels = updated.estimators_, updated._levels
    refit.past_exog_mean_, refit.past_exog_scale_ = updated.past_exog_mean_, updated.past_exog_scale_
    pd.testing.assert_series_equal(updated.predict(H), refit.predict(H))
    stale = make().fit(y.iloc[:-24], past_exog=x.iloc[:-24])
    stale.update(y.iloc[-24:-12], past_exog_new=x.iloc[-24:-12] + 5.0)
    assert not np.allclose(stale.predict(H), updated.predict(H))  # the new rows' covariates are read


def test_update_checks_past_exog_new():
    y, x = lagged_problem(n=80)
    fitted = ridge().fit(y.iloc[:-10], past_exog=x.iloc[:-10])
    with pytest.raises(ValueError, match="fitted with past_exog"):
        copy.deepcopy(fitted).update(y.iloc[-10:])
    with pytest.raises(ValueError, match="past_exog's index is misaligned"):
        copy.deepcopy(fitted).update(y.iloc[-10:], past_exog_new=x.iloc[-11:-1])
    with pytest.raises(ValueError, match="past_exog has 9 rows"):
        copy.deepcopy(fitted).update(y.iloc[-10:], past_exog_new=x.iloc[-9:])
    with pytest.raises(ValueError, match="fitted without past_exog"):
        ridge().fit(y.iloc[:-10]).update(y.iloc[-10:], past_exog_new=x.iloc[-10:])
    fitted.update(y.iloc[-10:].to_numpy(), past_exog_new=x.iloc[-10:].to_numpy())  # arrays: the next rows
    assert fitted.cutoff_ == y.index[-1]


# --- checks of fit --------------------------------------------------------------------------


def test_past_exog_errors():
    y, x = lagged_problem(n=60)
    forecaster = ridge()
    with pytest.raises(TypeError, match="past_exog's column 'label'"):
        forecaster.fit(y, past_exog=x.assign(label="a"))
    for bad, message in ((np.nan, "past_exog contains NaN"), (np.inf, "past_exog contains infinite")):
        with pytest.raises(ValueError, match=message):
            forecaster.fit(y, past_exog=x.mask((x.index == x.index[5])[:, None], bad))
    with pytest.raises(ValueError, match="past_exog has 59 rows but y has 60"):
        forecaster.fit(y, past_exog=x.iloc[1:])
    with pytest.raises(ValueError, match="past_exog's index does not match y's index"):
        forecaster.fit(y, past_exog=x.set_axis(x.index + pd.Timedelta(days=1)))


def test_past_exog_as_series_and_array():
    y, x = lagged_problem(n=100)
    frame = ridge().fit(y, past_exog=x).predict(H)
    pd.testing.assert_series_equal(ridge().fit(y, past_exog=x["footfall"]).predict(H), frame)
    pd.testing.assert_series_equal(ridge().fit(y, past_exog=x.to_numpy()).predict(H), frame)
    assert ridge().fit(y, past_exog=x).past_exog_names_ == ["footfall"]
    assert ridge().fit(y).past_exog_names_ is None


# --- intervals, backtest and model selection ------------------------------------------------


def test_intervals_are_calibrated_with_past_exog():
    y, x = lagged_problem()
    with_x = ridge().fit(y, past_exog=x)
    intervals = with_x.predict_interval(H, coverage=0.9)
    width = (intervals["upper"] - intervals["lower"]).mean()
    alone = ridge().fit(y).predict_interval(H, coverage=0.9)
    assert width < 0.5 * (alone["upper"] - alone["lower"]).mean()  # its backtests read the covariate too
    quantiles = with_x.predict_quantiles(H, quantiles=[0.05, 0.5, 0.95])
    np.testing.assert_allclose(quantiles[0.05], intervals["lower"])
    np.testing.assert_allclose(quantiles[0.5], intervals["prediction"])


@pytest.mark.parametrize("refit", [True, False])
def test_backtest_with_past_exog(refit):
    y, x = lagged_problem()
    with_x = backtest(ridge(), y, horizon=H, n_splits=4, past_exog=x, refit=refit)
    without = backtest(ridge(), y, horizon=H, n_splits=4, refit=refit)
    assert (with_x["mase"] < 0.35 * without["mase"]).all()
    first = clone(ridge()).fit(y.iloc[: -4 * H], past_exog=x.iloc[: -4 * H]).predict(H)
    pd.testing.assert_series_equal(with_x["y_pred"].iloc[0], first)


@pytest.mark.parametrize("routing", [False, True])
def test_cross_val_score_with_past_exog_scores_the_backtest(routing):
    # The scorer needs no past_exog of the test fold: each fold's model holds those up to its origin.
    y, x = lagged_problem()
    cv = TimeSeriesSplit(n_splits=3, test_size=H)
    with sklearn.config_context(enable_metadata_routing=routing):
        scores = cross_val_score(ridge(), y, cv=cv, scoring=make_forecast_scorer("mae"), params={"past_exog": x})
        search = GridSearchCV(ridge(), {"window_length": [LAG - 1, WINDOW]}, cv=cv).fit(y, past_exog=x)
    folds = backtest(ridge(), y, horizon=H, cv=cv, past_exog=x, metrics=["mae"])
    np.testing.assert_allclose(-scores, folds["mae"])
    assert search.best_params_ == {"window_length": WINDOW}  # a window of LAG - 1 misses x[t - LAG]
    assert search.best_estimator_.past_exog_names_ == ["footfall"]


# --- saving ---------------------------------------------------------------------------------


def test_pickle_round_trip_keeps_past_exog():
    y, x = lagged_problem(n=100)
    fitted = ridge().fit(y, past_exog=x)
    fitted.predict_interval(H)
    loaded = pickle.loads(pickle.dumps(fitted))
    pd.testing.assert_frame_equal(loaded.predict_interval(H), fitted.predict_interval(H))
    assert loaded._calibration.past is loaded.past_exog_train_


def test_a_forecaster_saved_before_past_exog_loads_as_fitted_without_it():
    y, _ = lagged_problem(n=100)
    fitted = ridge().fit(y)
    state = fitted.__getstate__()
    for name in ("past_exog_names_", "past_exog_mean_", "past_exog_scale_", "past_exog_train_"):
        del state[name]
    for name in ("past", "past_is_train"):
        del state["_calibration"][name]
    loaded = RNNForecaster.__new__(RNNForecaster)
    loaded.__setstate__(state)
    pd.testing.assert_frame_equal(loaded.predict_interval(H), fitted.predict_interval(H))
