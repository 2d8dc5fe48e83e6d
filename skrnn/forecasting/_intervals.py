"""Split-conformal prediction intervals from backtests inside the training data.

The interval of step ``k`` is the point forecast plus or minus a conformal
quantile of the absolute step-``k`` errors of forecasts made inside the
training data: the last half of the series is cut into folds, a copy of the
forecaster is refitted on the data before each fold, and it forecasts from
every origin in the fold.
"""

import math
from numbers import Real

import numpy as np
import pandas as pd


def check_levels(levels, name):
    """``(levels as a list of floats, whether one scalar was given)``; each must be in (0, 1)."""
    scalar = _is_real(levels)
    values = [levels] if scalar else list(levels) if np.ndim(levels) == 1 else []
    valid = values and all(_is_real(v) and 0 < v < 1 for v in values)
    if not valid or len(set(values)) < len(values):
        raise ValueError(f"{name} must be a float in (0, 1) or a list of distinct ones; got {levels!r}.")
    return [float(v) for v in values], scalar


def _is_real(value):
    return isinstance(value, Real) and not isinstance(value, (bool, np.bool_))


def quantile_coverage(quantile):
    """Coverage of the central interval a quantile bounds: 0.05 and 0.95 bound the 90% one.

    Rounded to 12 digits so that ``1 - 2 * 0.05`` and ``2 * 0.95 - 1`` both give
    the float 0.9, the coverage ``predict_interval`` is asked for.
    """
    return round(abs(2 * quantile - 1), 12)


def conformal_quantile(scores, coverage):
    """Split-conformal quantile of absolute residuals along axis 0.

    Uses the ``ceil((n + 1) * coverage) / n`` empirical quantile, which gives
    at least `coverage` for exchangeable residuals; capped at the largest
    residual when there are too few of them.
    """
    n = scores.shape[0]
    level = min(1.0, math.ceil((n + 1) * coverage) / n)
    return np.quantile(scores, level, axis=0, method="higher")


def calibration_folds(n_rows, n_steps, n_folds, min_train):
    """``(n_train, origins)`` of each fold that has an origin able to forecast `n_steps`.

    The folds are consecutive blocks of the last ``min(n_rows // 2, n_rows -
    min_train)`` rows; a fold's model is fitted on the `n_train` rows before
    it, and forecasts from each origin (first row predicted) in the block.
    """
    block = min(n_rows // 2, n_rows - min_train) // n_folds
    if block < 1:
        raise ValueError(
            f"y ({n_rows} rows) is too short to calibrate intervals with "
            f"n_calibration_folds={n_folds}; at least {min_train + n_folds} rows are needed."
        )
    folds = []
    for fold in range(n_folds):
        start = n_rows - (n_folds - fold) * block
        origins = list(range(start, min(start + block, n_rows - n_steps + 1)))
        if origins:
            folds.append((start, origins))
    if not folds:
        raise ValueError(f"y is too short to calibrate intervals {n_steps} steps ahead.")
    return folds


class ConformalCalibration:
    """Backtest residuals of a fitted forecaster, computed on first use and kept.

    The forecaster provides its training data (``y_train_``, ``exog_train_``,
    ``past_exog_train_``),
    a copy refitted on its first rows (``_calibration_model(n_train)``) and
    forecasts from origins inside a series (``_forecast_from``). Residuals
    are kept per number of steps and not reused for shorter horizons: fewer
    origins can forecast more steps, so a width must not depend on earlier
    calls. The fold models do not depend on the horizon: each is fitted once.

    Parameters
    ----------
    n_folds : int
        Number of calibration folds.
    min_train : int
        Fewest rows a fold model can be fitted on.
    y, exog, past : ndarray
        The training data of the forecaster (``exog`` and ``past`` None
        without known-future or past-only covariates): the calibration stays
        on them when ``update`` adds rows.
    """

    def __init__(self, n_folds, min_train, y, exog, past=None):
        self.n_folds = n_folds
        self.min_train = min_train
        self.y, self.exog, self.past = y, exog, past
        self._residuals = {}
        self._models = {}

    def residuals(self, forecaster, n_steps):
        """Absolute backtest errors of `forecaster`, shape (n_origins, n_steps, n_targets)."""
        if n_steps not in self._residuals:
            self._residuals[n_steps] = self._backtest(forecaster, n_steps)
        return self._residuals[n_steps]

    def _backtest(self, forecaster, n_steps):
        y, exog = self.y, self.exog
        residuals = []
        for n_train, origins in calibration_folds(len(y), n_steps, self.n_folds, self.min_train):
            forecast = self._model(forecaster, n_train)._forecast_from(origins, n_steps, y, exog, self.past)
            truth = np.stack([y[o : o + n_steps] for o in origins])
            residuals.append(np.abs(truth - forecast))
        return np.concatenate(residuals)

    def _model(self, forecaster, n_train):
        if n_train not in self._models:
            self._models[n_train] = forecaster._calibration_model(n_train)
        return self._models[n_train]


def quantile_frame(prediction, bounds, quantiles, target_names):
    """Quantile forecasts as a DataFrame on the forecast's index.

    `bounds` maps each quantile to its values, shape (n_steps, n_targets).
    Columns are the quantiles for a Series forecast, a MultiIndex ``(target,
    quantile)`` for a DataFrame one.
    """
    if isinstance(prediction, pd.Series):
        return pd.DataFrame({q: bounds[q][:, 0] for q in quantiles}, index=prediction.index)
    columns = pd.MultiIndex.from_product([target_names, quantiles])
    stacked = np.stack([bounds[q] for q in quantiles], axis=2).reshape(len(prediction), -1)
    return pd.DataFrame(stacked, index=prediction.index, columns=columns)


def interval_frame(prediction, width, target_names):
    """Intervals ``prediction -+ width`` as a DataFrame on the forecast's index.

    Columns ``prediction``, ``lower``, ``upper`` for a Series forecast; a
    column MultiIndex ``(target, kind)`` for a DataFrame one.
    """
    values = prediction.to_numpy().reshape(len(prediction), -1)
    parts = {"prediction": values, "lower": values - width, "upper": values + width}
    if isinstance(prediction, pd.Series):
        return pd.DataFrame({k: v[:, 0] for k, v in parts.items()}, index=prediction.index)
    columns = pd.MultiIndex.from_product([target_names, list(parts)])
    stacked = np.stack(list(parts.values()), axis=2).reshape(len(values), -1)
    return pd.DataFrame(stacked, index=prediction.index, columns=columns)
