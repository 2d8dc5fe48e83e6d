"""Forecasting pandas time series with scikit-learn regressors on windows.

One idea per module, each used by the one above it:

- ``_forecaster.py``: :class:`RNNForecaster`, the estimator: parameters,
  fitted attributes, and the order in which the parts below are called. Its
  other jobs, each in a module: the checks of ``fit`` (``_fitting.py``);
  ``score`` and ``observed_and_forecast`` (``_periods.py``), ``update``,
  ``fitted_values`` and ``residuals`` (``_in_sample.py``),
  ``predict_interval`` and ``predict_quantiles`` (``_interval_forecasts.py``),
  as mixins it inherits; its saved state (``_state.py``).
- ``_covariates.py``: the two kinds of covariates, known-future (``exog``)
  and past-only (``past_exog``, read over each window up to the origin and
  never after it), their checks and standardisation.
- ``_levels.py``: the level transforms (log, seasonal and ordinary
  differencing, standardisation) as one fitted, invertible transform, and
  the rules that choose them when ``"auto"`` (Guerrero slope, seasonal
  strength, KPSS).
- ``_windows.py``: the alignment of windows and targets (through
  :func:`~skrnn.make_windows`) shared by training and prediction, and the
  recursive and direct forecasting loops (``strategy="seq2seq"`` is direct with
  an encoder–decoder).
- ``_ensemble.py``: the default network (and the ``estimator__*`` parameters
  of ``estimator=None``, for both forecasters) and the members averaged per seed.
- ``_intervals.py``: split-conformal intervals calibrated by backtests inside
  the training data.
- ``_index.py``: index, frequency and covariate checks; the future index.
- ``_metrics.py``: MASE and the scorers model selection calls.
- ``_backtest.py``: rolling-origin evaluation of a forecaster.
- ``_global.py``: :class:`GlobalRNNForecaster`, one network over every series
  of a panel; ``partial_fit`` (``_global_partial.py``) and its per-series
  intervals (``_global_intervals.py``) as mixins; the panel read and checked
  (``_panel.py``), its covariates (``_panel_inputs.py``), its per-series
  scaling and windows (``_panel_scaling.py``), ``backtest_panel``
  (``_panel_backtest.py``).
"""

from ._backtest import backtest
from ._forecaster import RNNForecaster
from ._global import GlobalRNNForecaster
from ._panel_backtest import backtest_panel, symmetric_mape
from ._metrics import make_forecast_scorer, mean_absolute_scaled_error, seasonal_period_from_freq

__all__ = [
    "GlobalRNNForecaster",
    "RNNForecaster",
    "backtest",
    "backtest_panel",
    "make_forecast_scorer",
    "mean_absolute_scaled_error",
    "seasonal_period_from_freq",
    "symmetric_mape",
]
