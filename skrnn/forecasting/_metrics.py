"""Forecast accuracy metrics and the scorers that plug them into scikit-learn.

A forecaster is scored on a *series*, not on ``(X, y)`` pairs:
:class:`~sklearn.model_selection.GridSearchCV` and
:func:`~sklearn.model_selection.cross_val_score` call ``scorer(forecaster,
y_test)`` with the fold's test period as the only data, so a forecast scorer
forecasts ``len(y_test)`` steps past the end of the training data and compares
the forecast with ``y_test``.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error, root_mean_squared_error
from sklearn.utils.metadata_routing import MetadataRequest

__all__ = [
    "make_forecast_scorer",
    "mean_absolute_scaled_error",
    "seasonal_period_from_freq",
]

# Seasonal period m by offset class: the usual calendar cycle of each sampling rate.
_PERIODS = {
    "MonthBegin": 12,
    "MonthEnd": 12,
    "BusinessMonthBegin": 12,
    "BusinessMonthEnd": 12,
    "QuarterBegin": 4,
    "QuarterEnd": 4,
    "BQuarterBegin": 4,
    "BQuarterEnd": 4,
    "Day": 7,
    "BusinessDay": 5,
    "Hour": 24,
}


def seasonal_period_from_freq(freq):
    """Seasonal period ``m`` that goes with a pandas frequency.

    12 for monthly, 4 for quarterly, 7 for daily, 5 for business-daily and 24
    for hourly data; 1 (no seasonality) for anything else, yearly and weekly
    included (52 weeks is not a whole number of weeks per year, and a
    52-step window is long for a small network), and for ``None`` (integer
    index). Multiples such as ``"2h"`` also get 1: their cycle is not obvious.

    Parameters
    ----------
    freq : str, pandas.DateOffset or None
        Frequency string (``"MS"``, ``"h"``...) or offset.

    Returns
    -------
    m : int
        Seasonal period, at least 1.

    Examples
    --------
    >>> from skrnn import seasonal_period_from_freq
    >>> seasonal_period_from_freq("MS"), seasonal_period_from_freq("YS")
    (12, 1)
    """
    if freq is None:
        return 1
    offset = pd.tseries.frequencies.to_offset(freq)
    if offset.n != 1:
        return 1
    return _PERIODS.get(type(offset).__name__, 1)


def _as_2d(values):
    arr = np.asarray(values, dtype=np.float64)
    return arr.reshape(len(arr), -1)


def seasonal_naive_mae(y_train, seasonal_period=1):
    """In-sample MAE of the one-step seasonal-naive forecast ``y[t] = y[t - m]``, per column.

    Parameters
    ----------
    y_train : array-like of shape (n_timesteps,) or (n_timesteps, n_columns)
        Training series.
    seasonal_period : int, default=1
        Lag ``m``. Falls back to 1 when the series is not longer than ``m``.

    Returns
    -------
    scale : ndarray of shape (n_columns,)
    """
    arr = _as_2d(y_train)
    m = seasonal_period if len(arr) > seasonal_period else 1
    if len(arr) <= m:
        raise ValueError("y_train needs at least 2 values to compute the MASE scale.")
    return np.mean(np.abs(arr[m:] - arr[:-m]), axis=0)


def mean_absolute_scaled_error(y_true, y_pred, *, y_train, seasonal_period=1):
    """Mean absolute scaled error (Hyndman & Koehler, 2006).

    MASE = MAE of the forecast / in-sample MAE of the one-step
    seasonal-naive forecast on `y_train`. Below 1: better than what the
    seasonal-naive rule achieves one step ahead in sample. Several columns
    are averaged after scaling each by its own scale.

    Parameters
    ----------
    y_true : array-like of shape (horizon,) or (horizon, n_columns)
        Observed values of the forecast period.
    y_pred : array-like of the same shape
        Forecast.
    y_train : array-like of shape (n_timesteps,) or (n_timesteps, n_columns)
        The series the forecaster was fitted on.
    seasonal_period : int, default=1
        Seasonal lag ``m`` of the naive forecast in the denominator.

    Returns
    -------
    mase : float

    Examples
    --------
    >>> from skrnn import mean_absolute_scaled_error
    >>> mean_absolute_scaled_error([5, 6], [5, 8], y_train=[1, 2, 3, 4])
    1.0
    """
    mae = mean_absolute_error(_as_2d(y_true), _as_2d(y_pred), multioutput="raw_values")
    scale = seasonal_naive_mae(y_train, seasonal_period)
    # A constant training series has scale 0; eps keeps the ratio defined (and huge).
    return float(np.mean(mae / np.maximum(scale, np.finfo(np.float64).eps)))


def _mae(y_true, y_pred, y_train, m):
    return float(mean_absolute_error(_as_2d(y_true), _as_2d(y_pred)))


def _rmse(y_true, y_pred, y_train, m):
    return float(root_mean_squared_error(_as_2d(y_true), _as_2d(y_pred)))


def _mase(y_true, y_pred, y_train, m):
    return mean_absolute_scaled_error(y_true, y_pred, y_train=y_train, seasonal_period=m)


# name -> f(y_true, y_pred, y_train, seasonal_period), lower is better.
FORECAST_METRICS = {"mae": _mae, "rmse": _rmse, "mase": _mase}


class _ForecastScorer:
    """Callable ``scorer(forecaster, y_test, exog=None)`` returning ``-metric``."""

    def __init__(self, metric, seasonal_period=None):
        self.metric = metric
        self.seasonal_period = seasonal_period

    def __call__(self, forecaster, y, y_true=None, exog=None):
        # GridSearchCV passes the test fold as X and y_true=None.
        y_true, y_pred = forecaster.observed_and_forecast(y, exog)
        m = forecaster.seasonal_period_ if self.seasonal_period is None else self.seasonal_period
        return -FORECAST_METRICS[self.metric](y_true, y_pred, forecaster.y_train_, m)

    def get_metadata_routing(self):
        """Request ``exog`` for scoring, so metadata routing hands each test fold its covariates.

        Returns
        -------
        routing : MetadataRequest
        """
        request = MetadataRequest(owner=type(self).__name__)
        request.score.add_request(param="exog", alias=True)
        return request

    def __repr__(self):
        return f"make_forecast_scorer({self.metric!r})"


def make_forecast_scorer(metric="mase", *, seasonal_period=None):
    """Scorer for :class:`~skrnn.RNNForecaster`, usable as ``scoring=`` in scikit-learn.

    The scorer is called as ``scorer(forecaster, y_test, exog=None)``: it
    forecasts ``len(y_test)`` steps past the end of the forecaster's training
    data (with ``exog`` as future covariates) and returns the **negated**
    error, so that greater is better as scikit-learn's model selection
    expects (like its ``"neg_mean_absolute_error"``).

    Parameters
    ----------
    metric : {"mase", "mae", "rmse"}, default="mase"
        Error to negate. ``"mae"`` and ``"rmse"`` come from
        :mod:`sklearn.metrics`; ``"mase"`` is
        :func:`mean_absolute_scaled_error`, scaled on the training data of
        each fold. With several target columns the errors are averaged over
        columns.
    seasonal_period : int, default=None
        Seasonal lag of the MASE scale. None uses the forecaster's
        ``seasonal_period_`` (inferred from the frequency).

    Returns
    -------
    scorer : callable
        ``scorer(forecaster, y, y_true=None, exog=None) -> float``. It
        requests ``exog`` under metadata routing.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import TimeSeriesSplit, cross_val_score
    >>> from skrnn import RNNForecaster, make_forecast_scorer
    >>> y = pd.Series(range(60), dtype=float)
    >>> scores = cross_val_score(
    ...     RNNForecaster(Ridge(), window_length=4), y,
    ...     cv=TimeSeriesSplit(n_splits=3, test_size=5),
    ...     scoring=make_forecast_scorer("mae"))
    >>> scores.round(6) + 0.0
    array([0., 0., 0.])
    """
    if metric not in FORECAST_METRICS:
        raise ValueError(
            f"metric must be one of {sorted(FORECAST_METRICS)}, got {metric!r}."
        )
    return _ForecastScorer(metric, seasonal_period)

