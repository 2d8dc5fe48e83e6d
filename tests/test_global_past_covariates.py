"""GlobalRNNForecaster(past_exog=...): covariates of a panel observed up to each series' end, not after it.

Each generated series follows its own covariate with a lag of the horizon
(``y[t] = level * exp(0.3 * x[t - LAG] + noise)``), so every step of a forecast
depends on values of ``x`` observed by its origin: a forecaster that reads them beats
one that does not by far. A linear model on the flattened windows (``FlatRidge``)
stands in for the network where a test is about the plumbing (exact, fast and
deterministic); a tiny default network shows that the network, too, learns from them.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from skrnn import GlobalRNNForecaster, backtest_panel

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

H, LAG, WINDOW = 4, 4, 10  # LAG >= H: every forecast step depends on x up to the origin, within the window
FIXED = dict(horizon=H, window_length=WINDOW, log=True, deseasonalize=False, max_windows=None)
SERIES = [("a", 90, "2000-01-03", 10.0), ("b", 70, "2000-02-11", 500.0), ("c", 110, "1999-11-20", 0.7), ("d", 80, "2000-01-20", 40.0)]


class FlatRidge(Ridge):
    """Ridge on windows flattened to 2-D: the forecaster hands its estimator 3-D windows."""

    def fit(self, X, y):
        return super().fit(np.asarray(X).reshape(len(X), -1), y)

    def predict(self, X):
        return super().predict(np.asarray(X).reshape(len(X), -1))


def lagged_panel(seed=0, extra=0):
    """``(y, past_exog)`` long frames; past_exog has `extra` rows after each series' end."""
    rng = np.random.default_rng(seed)
    ys, xs = [], []
    for uid, n, start, level in SERIES:
        x = np.zeros(n + extra + LAG)
        for t in range(1, len(x)):
            x[t] = 0.6 * x[t - 1] + rng.normal()
        ds = pd.date_range(start, periods=n + extra, freq="D")
        y = level * np.exp(0.3 * x[: n] + 0.01 * rng.normal(size=n))  # y[t] = f(footfall[t - LAG])
        ys.append(pd.DataFrame({"unique_id": uid, "ds": ds[:n], "y": y}))
        xs.append(pd.DataFrame({"unique_id": uid, "ds": ds, "footfall": x[LAG:]}))
    return pd.concat(ys, ignore_index=True), pd.concat(xs, ignore_index=True)


def flat(**params):
    return GlobalRNNForecaster(FlatRidge(alpha=1e-4), **{**FIXED, **params})


def tiny_network(**params):
    model = GlobalRNNForecaster(**{**FIXED, "random_state": 0, **params})
    return model.set_params(estimator__n_estimators=1, estimator__max_iter=40, estimator__hidden_layer_sizes=(8,))


def mean_mase(forecaster, y, past_exog):
    return float(backtest_panel(forecaster, y, n_splits=3, past_exog=past_exog)["mase"].mean())


# --- accuracy --------------------------------------------------------------------------


def test_past_exog_makes_a_lagged_panel_predictable():
    y, x = lagged_panel()
    with_x, without = mean_mase(flat(), y, x), mean_mase(flat(), y, None)
    assert with_x < 0.25 * without, (with_x, without)


def test_the_network_learns_from_past_exog():
    y, x = lagged_panel()
    train = y.groupby("unique_id").head(-H)
    truth = y.groupby("unique_id").tail(H)["y"].to_numpy()
    errors = [np.abs(tiny_network().fit(train, past_exog=px).predict()["y"].to_numpy() - truth).mean() / truth.mean()
              for px in (x, None)]
    assert errors[0] < 0.6 * errors[1], errors


# --- what a forecast reads -------------------------------------------------------------


def test_the_forecast_reads_nothing_after_each_origin():
    y, x = lagged_panel(extra=6)
    model = flat().fit(y, past_exog=x)
    ends = y.groupby("unique_id")["ds"].max()
    after = x["ds"].to_numpy() > x["unique_id"].map(ends).to_numpy()
    assert after.sum() == 6 * len(SERIES)
    changed = x.copy()
    changed.loc[after, "footfall"] = 1e6
    same = flat().fit(y, past_exog=changed).predict()
    pd.testing.assert_frame_equal(model.predict(), same)
    cut = flat().fit(y, past_exog=x[~after]).predict()
    pd.testing.assert_frame_equal(model.predict(), cut)
    # ...but it does read the origin's own row: y[origin + H] follows it
    at_origin = x["ds"].to_numpy() == x["unique_id"].map(ends).to_numpy()
    moved = x.copy()
    moved.loc[at_origin, "footfall"] += 3.0
    forecast = flat().fit(y, past_exog=moved).predict()
    assert not np.allclose(forecast["y"], model.predict()["y"])


def test_past_exog_adds_channels_on_the_window_rows_only():
    y, x = lagged_panel()
    model = flat().fit(y, past_exog=x.assign(other=x["footfall"] ** 2))
    assert model.past_exog_names_ == ["footfall", "other"] and model.exog_names_ is None
    assert model.estimators_[0].coef_.shape[-1] == 3 * WINDOW
    exog = pd.concat([pd.DataFrame({"unique_id": uid, "ds": pd.date_range(start, periods=n + H, freq="D"),
                                    "promo": np.arange(n + H) % 2 == 0}) for uid, n, start, _ in SERIES])
    both = flat().fit(y, exog=exog, past_exog=x)
    # value, footfall, flag, promo over window + horizon steps
    assert both.estimators_[0].coef_.shape[-1] == 4 * (WINDOW + H)
    assert np.isfinite(both.predict(exog=exog)["y"]).all()


def test_without_past_exog_nothing_changes():
    y, x = lagged_panel()
    model = flat().fit(y)
    assert model.past_exog_names_ is None
    assert model.estimators_[0].coef_.shape[-1] == WINDOW


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spoil, error, message",
    [
        (lambda x: x.assign(footfall=np.where(np.arange(len(x)) == 100, np.nan, x["footfall"])),
         ValueError, r"past_exog has NaN or infinite values for series 'b'"),
        (lambda x: x.assign(kind="x"), TypeError, r"past_exog's column 'kind' has dtype"),
        (lambda x: pd.concat([x, x[x["unique_id"] == "a"].assign(unique_id="zz")]),
         ValueError, r"past_exog has rows for series 'zz', which is not in y"),
        (lambda x: x[x["unique_id"] != "c"], ValueError, r"past_exog has no rows for series 'c'"),
        (lambda x: x.assign(ds=x["ds"] + pd.to_timedelta((x["unique_id"] == "d").astype(int), unit="D")),
         ValueError, r"past_exog has no row for series 'd' at time 2000-01-20"),
        (lambda x: x.drop(columns="unique_id"), ValueError, r"past_exog has no column 'unique_id'"),
        (lambda x: x["footfall"], TypeError, r"past_exog must be a long DataFrame"),
    ],
)
def test_bad_past_exog_raises_naming_the_series_or_column(spoil, error, message):
    y, x = lagged_panel()
    with pytest.raises(error, match=message):
        flat().fit(y, past_exog=spoil(x))


def test_predict_takes_no_past_exog():
    y, x = lagged_panel()
    model = flat().fit(y, past_exog=x)
    with pytest.raises(TypeError, match="past_exog"):
        model.predict(past_exog=x)


# --- saving, intervals, partial_fit ------------------------------------------------------


def test_pickle_round_trip_keeps_the_covariates():
    y, x = lagged_panel()
    model = flat().fit(y, past_exog=x)
    loaded = pickle.loads(pickle.dumps(model))
    assert loaded.past_exog_names_ == ["footfall"]
    pd.testing.assert_frame_equal(loaded.predict(), model.predict())
    pd.testing.assert_frame_equal(loaded.predict_interval(), model.predict_interval())


def test_intervals_are_calibrated_on_the_covariates_before_the_holdout():
    y, x = lagged_panel()
    with_x = flat().fit(y, past_exog=x).predict_interval(coverage=0.8)
    without = flat().fit(y).predict_interval(coverage=0.8)
    assert (with_x["lower"] <= with_x["y"]).all() and (with_x["y"] <= with_x["upper"]).all()
    # errors of the holdout forecasts are small only if the copy read past_exog
    assert (with_x["upper"] - with_x["lower"]).mean() < 0.5 * (without["upper"] - without["lower"]).mean()


def test_partial_fit_takes_past_exog_chunk_by_chunk():
    y, x = lagged_panel()
    model = tiny_network(window_length=WINDOW).set_params(estimator__max_iter=1)
    chunks = [["a", "b"], ["c", "d"]]
    for _ in range(2):
        for ids in chunks:
            model.partial_fit(y[y["unique_id"].isin(ids)], past_exog=x[x["unique_id"].isin(ids)])
    assert model.ids_ == ["a", "b", "c", "d"] and model.past_exog_names_ == ["footfall"]
    assert np.isfinite(model.predict()["y"]).all()
    with pytest.raises(ValueError, match=r"exog / static / past_exog columns"):
        model.partial_fit(y[y["unique_id"] == "a"])
