"""Rolling-origin evaluation of a forecaster: refit on each past, forecast the period after it."""

import time

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import TimeSeriesSplit

from ._index import as_frame
from ._metrics import FORECAST_METRICS

__all__ = ["backtest"]


def backtest(forecaster, y, *, horizon, n_splits=5, cv=None, exog=None, metrics=("mae", "rmse", "mase")):
    """Rolling-origin evaluation: refit on each past, forecast the period after it.

    Parameters
    ----------
    forecaster : RNNForecaster
        Unfitted forecaster; cloned for each fold.
    y : pandas.Series or pandas.DataFrame
        Whole series.
    horizon : int
        Length of each test period.
    n_splits : int, default=5
        Number of folds of ``TimeSeriesSplit(n_splits, test_size=horizon)``,
        the last fold ending at the end of `y`.
    cv : cross-validation splitter, default=None
        Used instead of the above when given (e.g. a ``TimeSeriesSplit``
        with a ``gap`` or ``max_train_size``).
    exog : pandas.DataFrame, default=None
        Covariates on the index of `y`, cut per fold.
    metrics : sequence of {"mae", "rmse", "mase"}, default=("mae", "rmse", "mase")
        Errors to report per fold (positive, lower is better). MASE uses the
        forecaster's ``seasonal_period_`` and its fold's training data.

    Returns
    -------
    results : pandas.DataFrame
        One row per fold (index ``fold``) with ``cutoff`` (last training
        index value), ``n_train``, ``fit_time`` (seconds), one column per
        metric, and ``y_true`` / ``y_pred`` holding the fold's observed and
        forecast pandas objects.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import Ridge
    >>> from skrnn import RNNForecaster, backtest
    >>> y = pd.Series(range(50), dtype=float)
    >>> results = backtest(RNNForecaster(Ridge(), window_length=4), y, horizon=5, n_splits=3)
    >>> results[["cutoff", "n_train", "mae"]].round(6)
          cutoff  n_train  mae
    fold
    0         34       35  0.0
    1         39       40  0.0
    2         44       45  0.0
    """
    unknown = set(metrics) - set(FORECAST_METRICS)
    if unknown:
        raise ValueError(f"unknown metrics {sorted(unknown)}; choose from {sorted(FORECAST_METRICS)}.")
    frame, _ = as_frame(y)
    if not isinstance(y, (pd.Series, pd.DataFrame)):
        y = frame.iloc[:, 0] if frame.shape[1] == 1 and np.ndim(y) == 1 else frame
    exog = _exog_on_index(exog, frame.index)
    cv = TimeSeriesSplit(n_splits=n_splits, test_size=horizon) if cv is None else cv
    rows = []
    for train, test in cv.split(frame):
        rows.append(_backtest_fold(forecaster, y, exog, train, test, metrics))
    return pd.DataFrame(rows).rename_axis("fold")


def _exog_on_index(exog, index):
    """Covariates as a DataFrame the folds can cut; an array is put on `index`."""
    if exog is None or isinstance(exog, (pd.Series, pd.DataFrame)):
        return exog
    frame, _ = as_frame(exog, name="exog")
    # A wrong length is left for fit to report.
    return frame.set_axis(index) if len(frame) == len(index) else frame


def _backtest_fold(forecaster, y, exog, train, test, metrics):
    model = clone(forecaster)
    start = time.perf_counter()
    model.fit(y.iloc[train], exog=None if exog is None else exog.iloc[train])
    fit_time = time.perf_counter() - start
    y_true = y.iloc[test]
    # Forecast through any gap between train and test (TimeSeriesSplit's `gap`) and
    # keep the test steps.
    n_steps = test[-1] - train[-1]
    future_exog = None if exog is None else exog.iloc[train[-1] + 1 : test[-1] + 1]
    y_pred = model.predict(n_steps, exog=future_exog).iloc[-len(test) :]
    true_values, pred_values = y_true.to_numpy(), y_pred.to_numpy()
    row = {"cutoff": y.index[train[-1]], "n_train": len(train), "fit_time": fit_time}
    for name in metrics:
        row[name] = FORECAST_METRICS[name](true_values, pred_values, model.y_train_, model.seasonal_period_)
    row.update(y_true=y_true, y_pred=y_pred)
    return row
