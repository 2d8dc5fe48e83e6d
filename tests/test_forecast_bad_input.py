"""Bad input to the forecaster and the window builders: a clear error, or a stable result.

One table per kind of outcome. Each row of the first is a call and the error it must raise
(type and message); each row of the second a call on values of extreme magnitude, whose
result must be finite and the one the same data at ordinary scale gives, scaled back.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Ridge

from skrnn import RNNForecaster, WindowTransformer, backtest, make_windows
from skrnn.datasets import load_airline

N = 48
INDEX = pd.date_range("2000-01-01", periods=N, freq="MS")
VALUES = 10 + np.sin(np.arange(N) / 2) + np.arange(N) / 10


def series(values=VALUES, index=INDEX, name="sales"):
    return pd.Series(values, index=index, name=name)


def with_column(column, name="extra"):
    """`y` as a DataFrame with one more column, `column` (N values)."""
    return pd.DataFrame({"sales": VALUES, name: column}, index=INDEX)


def exog_with(column, name="extra"):
    return pd.DataFrame({"price": np.cos(np.arange(N)), name: column}, index=INDEX)


DATES = pd.date_range("1990-01-01", periods=N, freq="D")
DURATIONS = pd.to_timedelta(np.arange(N), unit="h")
COMPLEX = VALUES + 1j
STRINGS = VALUES.astype(str).astype(object)


def forecaster():
    return RNNForecaster(Ridge(), window_length=6)


def fitted(**params):
    return forecaster().fit(series(), **params)


def fitted_with_exog():
    return forecaster().fit(series(), exog=exog_with(np.arange(N, dtype=float)))


class MustNotFit(RegressorMixin, BaseEstimator):
    """A regressor that fails the test if anything fits it."""

    def fit(self, X, y):
        raise AssertionError("fitted before the arguments were checked")

    def predict(self, X):
        return np.zeros(len(X))


def backtest_before_fitting(horizon):
    return backtest(RNNForecaster(MustNotFit(), window_length=6), series(), horizon=horizon, n_splits=2)


def future_exog(column):
    index = pd.date_range("2004-01-01", periods=3, freq="MS")
    return pd.DataFrame({"price": np.zeros(3), "extra": column}, index=index)


def update_from(start, periods=3, freq="MS", values=None):
    values = np.ones(periods) if values is None else values
    return fitted().update(series(values, pd.date_range(start, periods=periods, freq=freq)))


def update_columns(columns):
    new = pd.DataFrame([[1.0, 2.0]], columns=columns, index=pd.date_range("2004-01-01", periods=1, freq="MS"))
    return forecaster().fit(with_column(VALUES)).update(new)


RAISES = [
    # non-numeric y: dates, durations, complex numbers, strings, categories
    ("y datetime column", lambda: forecaster().fit(with_column(DATES, "when")),
     TypeError, "column 'when'.*datetime64"),
    ("y tz datetime column", lambda: forecaster().fit(with_column(DATES.tz_localize("UTC"), "when")),
     TypeError, "column 'when'"),
    ("y timedelta series", lambda: forecaster().fit(series(DURATIONS)),
     TypeError, "'sales' has dtype timedelta64"),
    ("y complex series", lambda: forecaster().fit(series(COMPLEX)),
     TypeError, "'sales' has dtype complex128"),
    ("y string series", lambda: forecaster().fit(series(STRINGS)),
     TypeError, "'sales' has dtype (str|object)"),
    ("y numbers as objects", lambda: forecaster().fit(series(VALUES.astype(object))),
     TypeError, "dtype object"),
    ("y categorical", lambda: forecaster().fit(series(pd.Categorical(VALUES))),
     TypeError, "dtype category"),
    ("y complex array", lambda: forecaster().fit(COMPLEX), TypeError, "y has dtype complex128"),
    ("y datetime array", lambda: forecaster().fit(DATES.to_numpy()),
     TypeError, "y has dtype datetime64"),
    # non-numeric covariates, in fit, predict and update
    ("exog datetime column", lambda: forecaster().fit(series(), exog=exog_with(DATES, "day")),
     TypeError, "exog's column 'day'"),
    ("exog timedelta column", lambda: forecaster().fit(series(), exog=exog_with(DURATIONS)),
     TypeError, "exog's column 'extra'.*timedelta"),
    ("exog complex column", lambda: forecaster().fit(series(), exog=exog_with(COMPLEX)),
     TypeError, "exog's column 'extra'.*complex"),
    ("exog string column", lambda: forecaster().fit(series(), exog=exog_with(STRINGS)),
     TypeError, "exog's column 'extra' has dtype (str|object)"),
    ("future exog datetime", lambda: fitted_with_exog().predict(3, exog=future_exog(DATES[:3])),
     TypeError, "exog's column 'extra'"),
    ("update complex", lambda: update_from("2004-01-01", periods=2, values=COMPLEX[:2]),
     TypeError, "complex"),
    # update must continue the index
    ("update after a gap", lambda: update_from("2004-03-01"), ValueError, "must start at 2004-01-01"),
    ("update overlapping", lambda: update_from("2003-12-01"), ValueError, "does not continue"),
    ("update other frequency", lambda: update_from("2004-01-01", freq="D"),
     ValueError, "follow the frequency"),
    ("update integer gap", lambda: forecaster().fit(pd.Series(VALUES)).update(pd.Series([1.0], [N + 1])),
     ValueError, f"start at {N}"),
    ("update columns", lambda: update_columns(["sales", "other"]),
     ValueError, "columns"),
    # backtest's horizon, refused before anything is fitted
    ("backtest horizon 0", lambda: backtest_before_fitting(0),
     ValueError, "horizon must be a positive integer"),
    ("backtest horizon -1", lambda: backtest_before_fitting(-1),
     ValueError, "horizon must be a positive integer"),
    ("backtest horizon 2.5", lambda: backtest_before_fitting(2.5),
     ValueError, "horizon must be a positive integer"),
    ("backtest horizon True", lambda: backtest_before_fitting(True),
     ValueError, "horizon must be a positive integer"),
    ("backtest horizon '3'", lambda: backtest_before_fitting("3"),
     ValueError, "horizon must be a positive integer"),
    ("backtest horizon None", lambda: backtest_before_fitting(None),
     ValueError, "horizon must be a positive integer"),
    # the window builders
    ("make_windows datetime y", lambda: make_windows(DATES, 3), TypeError, "y has dtype datetime64"),
    ("make_windows timedelta y", lambda: make_windows(pd.Series(DURATIONS), 3),
     TypeError, "y has dtype timedelta64"),
    ("make_windows complex y", lambda: make_windows(COMPLEX, 3), TypeError, "y has dtype complex128"),
    ("make_windows datetime exog", lambda: make_windows(VALUES, 3, exog=exog_with(DATES, "day")),
     TypeError, "exog's column 'day'"),
    ("make_windows complex exog", lambda: make_windows(VALUES, 3, exog=COMPLEX),
     TypeError, "exog has dtype complex128"),
    ("WindowTransformer datetime", lambda: WindowTransformer(3).fit(with_column(DATES, "when")),
     TypeError, "X's column 'when'"),
    ("WindowTransformer timedelta", lambda: WindowTransformer(3).fit(pd.DataFrame({"d": DURATIONS})),
     TypeError, "X's column 'd'"),
    ("WindowTransformer complex", lambda: WindowTransformer(3).fit(VALUES[:, None]).transform(COMPLEX[:, None]),
     TypeError, "X has dtype complex128"),
    ("WindowTransformer float32 fill", lambda: WindowTransformer(2, fill=1e200).fit_transform(np.ones((4, 1), "f4")),
     ValueError, "does not fit in X's dtype float32"),
]


@pytest.mark.parametrize("call, error, match", [pytest.param(*row[1:], id=row[0]) for row in RAISES])
def test_bad_input_raises_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_complex_windows_stay_a_value_error_for_scikit_learn():
    # scikit-learn's checks (and older callers) catch complex data as a ValueError.
    with pytest.raises(ValueError, match="Complex data not supported"):
        make_windows(COMPLEX, 3)


# --- values of extreme magnitude -------------------------------------------------------


def airline_forecast(scale, **params):
    """Forecast of the airline series times `scale`, divided back by `scale`."""
    y = load_airline()
    model = RNNForecaster(Ridge(), **{"window_length": 12, **params}).fit(y * scale)
    return model.predict(12).to_numpy() / scale


def default_network_forecast(scale):
    model = RNNForecaster(n_estimators=1, random_state=0).set_params(estimator__max_iter=5)
    return model.fit(load_airline() * scale).predict(6).to_numpy() / scale


def exog_forecast(scale):
    rng = np.random.default_rng(0)
    idx = pd.date_range("2000-01-01", periods=80, freq="D")
    exog = pd.DataFrame({"price": rng.normal(size=80)}, index=idx) * scale
    y = pd.Series(5.0 + 2.0 * exog["price"] / scale, name="demand")
    model = RNNForecaster(Ridge(alpha=1e-8), window_length=4, difference=0)
    model.fit(y.iloc[:77], exog=exog.iloc[:77])
    return model.predict(3, exog=exog.iloc[77:]).to_numpy()


STABLE = [
    ("1e200 without log", lambda s: airline_forecast(s, log=False), 1e198),
    ("1e200 levels", lambda s: airline_forecast(s, log=False, difference=0), 1e198),
    ("-1e200", lambda s: airline_forecast(-s, log=False), 1e198),
    ("1e306 seasonal difference", lambda s: airline_forecast(s, log=False, seasonal_difference=True), 1e304),
    ("1e-300", lambda s: airline_forecast(s, log=False), 1e-302),
    ("1e200 exog", exog_forecast, 1e200),
    ("1e200 default network", default_network_forecast, 1e198),
]


@pytest.mark.parametrize("forecast, scale", [pytest.param(*row[1:], id=row[0]) for row in STABLE])
def test_extreme_values_are_forecast_as_the_same_data_at_ordinary_scale(forecast, scale):
    extreme, ordinary = forecast(scale), forecast(1.0)
    assert np.isfinite(extreme).all()
    np.testing.assert_allclose(extreme, ordinary, rtol=1e-9)


def test_make_windows_keeps_extreme_values_exactly():
    X, Y = make_windows(np.full(6, 1e300), 3, exog=np.full(6, -1e300))
    assert (X[..., 0] == 1e300).all() and (X[..., 1] == -1e300).all() and (Y == 1e300).all()
