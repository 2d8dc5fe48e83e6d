"""Recurrent neural networks as scikit-learn estimators.

skrnn trains Elman RNN, LSTM and GRU networks with its own NumPy
backpropagation-through-time engine and exposes them as scikit-learn
estimators, windowing transformers and a pandas forecaster.
"""

from .forecasting import (
    GlobalRNNForecaster,
    RNNForecaster,
    backtest,
    backtest_panel,
    make_forecast_scorer,
    mean_absolute_scaled_error,
    seasonal_period_from_freq,
    symmetric_mape,
)
from ._classifier import RNNClassifier
from ._onnx import to_onnx
from ._regressor import RNNRegressor
from .preprocessing import SequenceScaler
from ._windowing import WindowTransformer, make_windows

__version__ = "0.1.0.dev0"

__all__ = [
    "__version__",
    "RNNClassifier",
    "RNNRegressor",
    "SequenceScaler",
    "WindowTransformer",
    "make_windows",
    "RNNForecaster",
    "GlobalRNNForecaster",
    "backtest",
    "backtest_panel",
    "make_forecast_scorer",
    "mean_absolute_scaled_error",
    "seasonal_period_from_freq",
    "symmetric_mape",
    "to_onnx",
]
