"""Tests for GlobalRNNForecaster: panel input, per-series scaling, indexes, bad input, conventions.

A linear model on the flattened windows (``FlatRidge``) stands in for the network where
a test is about the plumbing: it is fast and exact, so a misaligned window or a scaling
that is not undone shows up as a wrong number. A tiny RNNRegressor runs where the test is
about the network's part (determinism, partial_fit).
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.utils.validation import check_is_fitted

from skrnn import GlobalRNNForecaster
from skrnn import backtest_panel, symmetric_mape
from skrnn.forecasting._panel_scaling import (
    cut_windows,
    denormalize,
    fit_scaling,
    from_working,
    is_seasonal,
    normalize,
    to_working,
    window_level,
)


class FlatRidge(Ridge):
    """Ridge on windows flattened to 2-D: the forecaster hands its estimator 3-D windows."""

    def fit(self, X, y):
        return super().fit(np.asarray(X).reshape(len(X), -1), y)

    def predict(self, X):
        return super().predict(np.asarray(X).reshape(len(X), -1))


def seasonal(n, level, start, freq="MS", phase=0, noise=0.0, seed=0):
    t = np.arange(n) + phase
    rng = np.random.default_rng(seed)
    values = level * (1 + 0.01 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) * (1 + noise * rng.normal(size=n))
    return pd.Series(values, index=pd.date_range(start, periods=n, freq=freq), name="sales")


def panel_dict():
    return {
        "a": seasonal(60, 10.0, "2000-01-01"),
        "b": seasonal(45, 5000.0, "2003-07-01", phase=6, noise=0.02, seed=1),
        "c": seasonal(72, 0.5, "1998-03-01", phase=2, noise=0.05, seed=2),
    }


def to_long(panel):
    return pd.concat(
        [pd.DataFrame({"unique_id": uid, "ds": s.index, "sales": s.to_numpy()}) for uid, s in panel.items()],
        ignore_index=True,
    )


def flat_model(**params):
    return GlobalRNNForecaster(FlatRidge(alpha=1e-3), horizon=4, target_col="sales", **params)


def tiny_rnn_model(**params):
    model = GlobalRNNForecaster(horizon=3, window_length=6, max_windows=12, **params)
    return model.set_params(estimator__n_estimators=2, estimator__max_iter=3, estimator__hidden_layer_sizes=(4,))


# --- input formats and indexes -----------------------------------------------------------


def test_long_frame_and_dict_of_series_agree():
    panel = panel_dict()
    from_long = flat_model().fit(to_long(panel)).predict()
    from_dict = flat_model().fit(panel).predict()
    pd.testing.assert_frame_equal(from_long, from_dict)
    assert list(from_long.columns) == ["unique_id", "ds", "sales"]


def test_list_of_series_uses_names_as_ids():
    panel = panel_dict()
    named = [s.rename(uid) for uid, s in panel.items()]
    forecast = GlobalRNNForecaster(FlatRidge(), horizon=4).fit(named).predict()
    assert list(forecast["unique_id"].unique()) == ["a", "b", "c"]
    assert list(forecast.columns) == ["unique_id", "ds", "y"]  # the names differ: target_col


def test_each_series_gets_its_own_future_index():
    panel = panel_dict()
    forecast = flat_model().fit(to_long(panel)).predict(3)
    for uid, s in panel.items():
        got = forecast.loc[forecast["unique_id"] == uid, "ds"]
        expected = pd.date_range(s.index[-1], periods=4, freq="MS")[1:]
        assert list(got) == list(expected), uid
    assert len(forecast) == 9


@pytest.mark.parametrize(
    "make_index, expected",
    [
        (lambda n, s: pd.RangeIndex(s, s + n), lambda n, s: [s + n, s + n + 1]),
        (lambda n, s: pd.Index(np.arange(s, s + 2 * n, 2)), lambda n, s: [s + 2 * n, s + 2 * n + 2]),
        (lambda n, s: pd.period_range(f"{1990 + s}Q1", periods=n, freq="Q"),
         lambda n, s: list(pd.period_range(f"{1990 + s}Q1", periods=n + 2, freq="Q")[-2:])),
    ],
)
def test_integer_and_period_time(make_index, expected):
    panel = {uid: pd.Series(np.arange(n, dtype=float) + 1, index=make_index(n, s)) for uid, n, s in [("x", 30, 0), ("y", 41, 7)]}
    model = GlobalRNNForecaster(FlatRidge(), horizon=2, window_length=5, seasonal_period=1).fit(panel)
    forecast = model.predict()
    for uid, n, s in [("x", 30, 0), ("y", 41, 7)]:
        assert list(forecast.loc[forecast["unique_id"] == uid, "ds"]) == expected(n, s)
    # a straight line is extrapolated exactly on the log scale? no: relative changes of a line
    # vary, but the linear model on normalised windows must follow it closely
    np.testing.assert_allclose(forecast["y"].to_numpy()[:2], [31, 32], rtol=0.05)


def test_linear_model_recovers_exact_multiplicative_seasonal_series():
    panel = {uid: seasonal(60, level, "2001-01-01", phase=p) for uid, level, p in [("a", 3, 0), ("b", 900, 5)]}
    truth = {uid: seasonal(64, level, "2001-01-01", phase=p)[-4:] for uid, level, p in [("a", 3, 0), ("b", 900, 5)]}
    model = flat_model(window_length=12).fit(panel)
    forecast = model.predict()
    assert model.log_ and all(model.deseasonalized_.values())
    for uid in panel:
        got = forecast.loc[forecast["unique_id"] == uid, "sales"].to_numpy()
        np.testing.assert_allclose(got, truth[uid].to_numpy(), rtol=2e-3)


# --- per-series scaling ------------------------------------------------------------------


@pytest.mark.parametrize("log", [True, False])
def test_scaling_round_trips(log):
    values = seasonal(50, 200.0, "2000-01-01", noise=0.05).to_numpy()
    profile = fit_scaling(values, 12, log, True)
    assert profile is not None and abs(profile.mean()) < 1e-12
    w = to_working(values, log, profile)
    np.testing.assert_allclose(from_working(w, log, profile), values, rtol=1e-12)
    inputs, targets = cut_windows(w, 10, 4)
    level, spread = window_level(inputs, log)
    back = denormalize(normalize(targets, level, spread), level, spread)
    np.testing.assert_allclose(back, targets, rtol=1e-12)
    # the last window's targets are the last 4 values, back on the data's scale
    np.testing.assert_allclose(from_working(back[-1], log, profile, start=46), values[-4:], rtol=1e-12)


def test_windows_of_different_magnitudes_look_alike():
    small, large = seasonal(48, 1.0, "2000-01-01"), seasonal(48, 1e6, "2000-01-01")
    windows = []
    for s in (small, large):
        w = to_working(s.to_numpy(), True, None)
        inputs, _ = cut_windows(w, 12, 3)
        level, spread = window_level(inputs, True)
        windows.append(normalize(inputs, level, spread))
    np.testing.assert_allclose(windows[0], windows[1], atol=1e-9)


def test_seasonality_test_separates_seasonal_from_noise():
    rng = np.random.default_rng(0)
    assert is_seasonal(np.sin(2 * np.pi * np.arange(60) / 12) + 0.1 * rng.normal(size=60), 12)
    assert not is_seasonal(rng.normal(size=60), 12)
    assert not is_seasonal(np.arange(20.0), 12)  # fewer than three seasons


def test_auto_window_lengths_fit_one_network_each():
    model = flat_model().fit(panel_dict())  # horizon 4, monthly: b = max(4, 12)
    assert model.window_lengths_ == [8, 12, 16] and model.window_length_ == 16
    assert len(model.estimators_) == 3 and model.estimators_[0] is not model.estimators_[1]
    single = flat_model(window_length=12).fit(panel_dict())
    assert single.window_lengths_ == [12] and len(single.estimators_) == 1
    # the mean of the three networks' forecasts, on the log scale
    parts = [flat_model(window_length=L).fit(panel_dict()).predict()["sales"].to_numpy() for L in (8, 12, 16)]
    np.testing.assert_allclose(model.predict()["sales"], np.exp(np.mean(np.log(parts), axis=0)), rtol=1e-10)


# --- the network -------------------------------------------------------------------------


def test_determinism_from_random_state():
    panel = to_long(panel_dict()).rename(columns={"sales": "y"})
    first = tiny_rnn_model(random_state=3).fit(panel).predict()
    second = tiny_rnn_model(random_state=3).fit(panel).predict()
    other = tiny_rnn_model(random_state=4).fit(panel).predict()
    np.testing.assert_array_equal(first["y"].to_numpy(), second["y"].to_numpy())
    assert not np.array_equal(first["y"].to_numpy(), other["y"].to_numpy())
    assert np.isfinite(first["y"]).all()


def test_partial_fit_over_chunks_forecasts_every_series():
    panel = panel_dict()
    model = tiny_rnn_model(random_state=0, target_col="sales")
    for _ in range(2):
        model.partial_fit({"a": panel["a"], "b": panel["b"]})
        model.partial_fit({"c": panel["c"]})
    forecast = model.predict()
    assert list(forecast["unique_id"].unique()) == ["a", "b", "c"]
    assert np.isfinite(forecast["sales"]).all()


# --- intervals and backtest --------------------------------------------------------------


def test_intervals_are_per_series_and_nested():
    model = flat_model().fit(panel_dict())
    intervals = model.predict_interval(coverage=[0.5, 0.9])
    point = model.predict()
    np.testing.assert_allclose(intervals["sales"], point["sales"])
    assert (intervals["lower_0.9"] <= intervals["lower_0.5"]).all()
    assert (intervals["upper_0.5"] <= intervals["upper_0.9"]).all()
    width = (intervals["upper_0.9"] - intervals["lower_0.9"]).groupby(intervals["unique_id"]).mean()
    assert width["b"] > 100 * width["c"]  # each series' width on its own scale
    quantiles = model.predict_quantiles(quantiles=[0.05, 0.5, 0.95])
    np.testing.assert_allclose(quantiles[0.05], intervals["lower_0.9"])
    np.testing.assert_allclose(quantiles[0.5], point["sales"])


def test_backtest_panel_scores_each_series_and_fold():
    results = backtest_panel(flat_model(), to_long(panel_dict()), n_splits=2)
    assert list(results["fold"]) == [0, 0, 0, 1, 1, 1]
    assert list(results["unique_id"]) == ["a", "b", "c"] * 2
    # series 'a' ends at 2004-12: fold 0 holds out 2 x 4 months, fold 1 the last 4
    assert list(results.loc[results["unique_id"] == "a", "cutoff"]) == [pd.Timestamp("2004-04-01"), pd.Timestamp("2004-08-01")]
    assert (results.loc[results["unique_id"] == "a", "smape"] < 3).all()  # noise-free, a linear model
    assert np.isfinite(results[["smape", "mase", "mae"]]).all().all()
    assert symmetric_mape([100, 100], [110, 90]) == pytest.approx(10.025, abs=1e-3)


# --- bad input ---------------------------------------------------------------------------


def _long_with(edit):
    frame = to_long(panel_dict())
    return edit(frame)


def _dup(f):
    return pd.concat([f, f[f["unique_id"] == "b"].iloc[[3]]]).reset_index(drop=True)


def _unsorted(f):
    b = f.index[f["unique_id"] == "b"]
    f.loc[[b[2], b[3]]] = f.loc[[b[3], b[2]]].to_numpy()
    return f


def _gap(f):
    return f.drop(index=f.index[f["unique_id"] == "b"][10]).reset_index(drop=True)


def _nan(f):
    f.loc[f.index[f["unique_id"] == "b"][5], "sales"] = np.nan
    return f


def _text(f):
    f["sales"] = f["sales"].astype(object)
    f.loc[f.index[f["unique_id"] == "b"][5], "sales"] = "n/a"
    return f


@pytest.mark.parametrize(
    "edit, error, message",
    [
        (_dup, ValueError, r"series 'b' has duplicated time"),
        (_unsorted, ValueError, r"series 'b' is not sorted by time"),
        (_gap, ValueError, r"series 'b'.*irregular"),
        (_nan, ValueError, r"series 'b' has NaN at ds=2003-12-01"),
        (_text, TypeError, r"series 'b' has a value that is not a number: 'n/a'"),
        (lambda f: f.drop(columns="unique_id"), ValueError, r"no column 'unique_id'"),
        (lambda f: f.assign(ds=np.arange(len(f), dtype=float)), ValueError, r"series 'a'.*DatetimeIndex"),
    ],
)
def test_bad_panels_raise_naming_the_series_before_training(edit, error, message):
    class Untrainable(FlatRidge):
        def fit(self, X, y):  # pragma: no cover - reaching it is the failure
            raise AssertionError("trained on bad input")

    with pytest.raises(error, match=message):
        GlobalRNNForecaster(Untrainable(), horizon=4, target_col="sales").fit(_long_with(edit))


def test_series_shorter_than_the_window_raises_naming_it():
    panel = panel_dict()
    panel["short"] = panel["a"].iloc[:8]
    with pytest.raises(ValueError, match=r"series 'short' has 8 values, fewer than window_length=12"):
        flat_model(window_length=12).fit(panel)


def test_mixed_frequencies_raise_naming_the_series():
    panel = panel_dict()
    panel["q"] = seasonal(40, 1.0, "2000-01-01", freq="QS")
    with pytest.raises(ValueError, match=r"series 'q' has time of kind 'datetime' with frequency 'QS-JAN'"):
        flat_model().fit(panel)


def test_series_seen_only_at_predict_raises():
    model = flat_model().fit(panel_dict())
    with pytest.raises(ValueError, match=r"series 'z' was not seen in fit"):
        model.predict(ids=["a", "z"])
    forecast = model.predict(2, ids=["c"])
    assert list(forecast["unique_id"]) == ["c", "c"]


def test_exog_for_an_unseen_series_raises():
    panel = panel_dict()
    exog = pd.concat([pd.DataFrame({"unique_id": uid, "ds": pd.date_range(s.index[0], periods=len(s) + 4, freq="MS"),
                                    "promo": np.arange(len(s) + 4) % 3 == 0}) for uid, s in panel.items()])
    model = flat_model().fit(panel, exog=exog)
    assert model.exog_names_ == ["promo"]
    assert np.isfinite(model.predict(exog=exog)["sales"]).all()
    extra = pd.concat([exog, exog[exog["unique_id"] == "a"].assign(unique_id="new")])
    with pytest.raises(ValueError, match=r"series 'new'.*not seen in fit"):
        model.predict(exog=extra)
    with pytest.raises(ValueError, match=r"fitted with exog"):
        model.predict()


def test_static_features_reach_the_network_and_must_cover_every_series():
    panel = panel_dict()
    static = pd.DataFrame({"unique_id": ["a", "b", "c"], "size": [1.0, 50.0, 3.0]})
    model = flat_model().fit(panel, static=static)
    assert model.static_names_ == ["size"]
    assert np.isfinite(model.predict()["sales"]).all()
    ridge = model.estimators_[0]
    # the static channel is repeated on every step: the linear model sees it
    assert ridge.coef_.shape[-1] == 2 * model.window_lengths_[0]
    with pytest.raises(ValueError, match=r"static has no row for series 'c'"):
        flat_model().fit(panel, static=static.iloc[:2])
    with pytest.raises(TypeError, match=r"static's column 'kind' has dtype"):
        flat_model().fit(panel, static=static.assign(kind=["x", "y", "z"]))


def test_predict_beyond_the_fitted_horizon_raises():
    model = flat_model().fit(panel_dict())
    with pytest.raises(ValueError, match=r"horizon=4 steps at once and cannot forecast 5"):
        model.predict(5)


# --- scikit-learn conventions ------------------------------------------------------------


def test_params_clone_and_fitted_check():
    model = GlobalRNNForecaster(horizon=6, random_state=0)
    params = model.get_params()
    assert params["horizon"] == 6 and params["estimator__hidden_layer_sizes"] == (32,)
    model.set_params(estimator__hidden_layer_sizes=(8,), window_length=9)
    assert model.estimator.hidden_layer_sizes == (8,) and model.window_length == 9
    copy = clone(model)
    assert copy.get_params()["estimator__hidden_layer_sizes"] == (8,) and copy.estimator is not model.estimator
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    with pytest.raises(NotFittedError):
        copy.predict()
    fitted = flat_model().fit(panel_dict())
    check_is_fitted(fitted)


def test_missing_horizon_raises():
    with pytest.raises(ValueError, match="needs `horizon`"):
        GlobalRNNForecaster(FlatRidge()).fit(panel_dict())
