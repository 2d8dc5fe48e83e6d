"""Forecast accuracy metrics and the scorers that plug them into scikit-learn.

A forecaster is scored on a *series*, not on ``(X, y)`` pairs:
:class:`~sklearn.model_selection.GridSearchCV` and
:func:`~sklearn.model_selection.cross_val_score` call ``scorer(forecaster,
y_test)`` with the fold's test period as the only data, so a forecast scorer
forecasts ``len(y_test)`` steps past the end of the training data and compares
the forecast with ``y_test``.

scikit-learn's own scoring strings (``"neg_mean_absolute_error"``...) need
the test period as ``y_true`` too: they work when the series is passed as both
``X`` and ``y`` (``cross_val_score(forecaster, y, y, ...)``, see
:class:`~skrnn.RNNForecaster`), or through ``make_forecast_scorer(name)``.
"""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import get_scorer, get_scorer_names, mean_absolute_error, root_mean_squared_error
from sklearn.utils.metadata_routing import MetadataRequest

__all__ = [
    "make_forecast_scorer",
    "mean_absolute_scaled_error",
    "seasonal_period_from_freq",
]

# The natural cycle of each kind of pandas offset, in steps of the offset with n=1.
# Checked in order: CustomBusinessDay is a BusinessDay, and Day is a Tick in pandas 2.
_offsets = pd.offsets
_CYCLES = (
    ((_offsets.YearBegin, _offsets.YearEnd, _offsets.BYearBegin, _offsets.BYearEnd), 1),
    ((_offsets.QuarterBegin, _offsets.QuarterEnd, _offsets.BQuarterBegin, _offsets.BQuarterEnd), 4),
    ((_offsets.MonthBegin, _offsets.MonthEnd, _offsets.BusinessMonthBegin, _offsets.BusinessMonthEnd,
      _offsets.CustomBusinessMonthBegin, _offsets.CustomBusinessMonthEnd,
      _offsets.WeekOfMonth, _offsets.LastWeekOfMonth), 12),
    ((_offsets.SemiMonthBegin, _offsets.SemiMonthEnd), 24),
    ((_offsets.Week,), 52),
    ((_offsets.BusinessDay,), 5),
    ((_offsets.Day,), 7),
    ((_offsets.Hour,), 24),
    ((_offsets.Minute,), 24 * 60),
)


def seasonal_period_from_freq(freq):
    """Seasonal period ``m`` that goes with a pandas frequency.

    The rule: ``m`` is the number of steps of the frequency in the next
    natural cycle: the year for quarterly (4), monthly (12), semi-monthly
    (24) and weekly (52) data, the week for daily (7) and business-daily (5)
    data, the day for hourly (24) and minutely data (``"15min"``: 96,
    ``"30min"``: 48). A multiple of a frequency divides the cycle (``"2h"``:
    12, ``"2W"``: 26, ``"3ME"``: 4) when it divides it into whole steps, and
    gives 1 otherwise (``"5h"``, ``"2D"``). Yearly data, seconds and anything
    finer or without a cycle here (business hours, ``None`` for an integer
    index) get 1: no seasonality. 52 weeks are a year to within a day and a
    quarter, close enough for a lag.

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
    >>> [seasonal_period_from_freq(f) for f in ["MS", "W", "D", "h", "15min", "2h", "YS"]]
    [12, 52, 7, 24, 96, 12, 1]
    """
    if freq is None:
        return 1
    offset = pd.tseries.frequencies.to_offset(freq)
    for kinds, cycle in _CYCLES:
        if isinstance(offset, kinds):
            return cycle // offset.n if offset.n > 0 and cycle % offset.n == 0 else 1
    return 1


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


class _MadeForecast(RegressorMixin, BaseEstimator):
    """A regressor whose ``predict`` returns a forecast already made, for scikit-learn's scorers."""

    def __init__(self, forecast=None):
        self.forecast = forecast

    def predict(self, X):
        """Return the stored forecast whatever `X` is."""
        return self.forecast


class _ForecastScorer:
    """Callable ``scorer(forecaster, y_test, exog=None)``: ``-metric``, or a scikit-learn scorer's value."""

    def __init__(self, metric, seasonal_period=None):
        self.metric = metric
        self.seasonal_period = seasonal_period

    def __call__(self, forecaster, y, y_true=None, exog=None):
        # GridSearchCV passes the test fold as X and y_true=None (or the same fold again).
        y_true, y_pred = forecaster.observed_and_forecast(y, exog)
        if self.metric not in FORECAST_METRICS:
            return get_scorer(self.metric)(_MadeForecast(_squeeze(y_pred)), y_true, _squeeze(y_true))
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
    expects (like its ``"neg_mean_absolute_error"``). Unlike scikit-learn's
    scoring strings it needs only the test period (``cross_val_score(forecaster,
    y, ...)``, no ``y`` twice) and takes the fold's covariates under metadata
    routing.

    Parameters
    ----------
    metric : {"mase", "mae", "rmse"} or str, default="mase"
        Error to negate. ``"mae"`` and ``"rmse"`` come from
        :mod:`sklearn.metrics`; ``"mase"`` is
        :func:`mean_absolute_scaled_error`, scaled on the training data of
        each fold. With several target columns the errors are averaged over
        columns. Any other name is one of scikit-learn's regression scoring
        strings (``"neg_mean_absolute_percentage_error"``, ``"r2"``...): the
        scorer then returns what that scorer returns for the forecast (its
        sign included).
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
    if metric not in FORECAST_METRICS and metric not in get_scorer_names():
        raise ValueError(
            f"metric must be one of {sorted(FORECAST_METRICS)} or a scikit-learn "
            f"scoring string (sklearn.metrics.get_scorer_names()), got {metric!r}."
        )
    return _ForecastScorer(metric, seasonal_period)


def _squeeze(values):
    """One column as a 1-D array, as scikit-learn's regression metrics see a Series."""
    return values[:, 0] if values.shape[1] == 1 else values

