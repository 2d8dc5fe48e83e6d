"""Forecasting pandas time series with scikit-learn regressors on windows."""

from ._forecaster import RNNForecaster, backtest
from ._metrics import make_forecast_scorer, mean_absolute_scaled_error, seasonal_period_from_freq

__all__ = [
    "RNNForecaster",
    "backtest",
    "make_forecast_scorer",
    "mean_absolute_scaled_error",
    "seasonal_period_from_freq",
]
