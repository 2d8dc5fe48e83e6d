"""Rolling-origin evaluation of a forecaster: refit on each past (or update), forecast the period after it."""

import time
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils.parallel import Parallel, delayed

from ._index import as_frame
from ._metrics import FORECAST_METRICS

__all__ = ["backtest"]


def backtest(
    forecaster,
    y,
    *,
    horizon,
    n_splits=5,
    cv=None,
    exog=None,
    past_exog=None,
    metrics=("mae", "rmse", "mase"),
    refit=True,
    n_jobs=None,
):
    """Rolling-origin evaluation: refit on each past, forecast the period after it.

    Parameters
    ----------
    forecaster : RNNForecaster
        Unfitted forecaster; cloned for each fold.
    y : pandas.Series or pandas.DataFrame
        Whole series.
    horizon : int
        Length of each test period, at least 1.
    n_splits : int, default=5
        Number of folds of ``TimeSeriesSplit(n_splits, test_size=horizon)``,
        the last fold ending at the end of `y`.
    cv : cross-validation splitter, default=None
        Used instead of the above when given (e.g. a ``TimeSeriesSplit``
        with a ``gap`` or ``max_train_size``).
    exog : pandas.DataFrame, default=None
        Known-future covariates on the index of `y`, cut per fold (the
        test rows' go to ``predict``).
    past_exog : pandas.DataFrame, default=None
        Past-only covariates on the index of `y`: each fold's model gets
        those of its training rows (through ``fit``, or ``update`` with
        ``refit=False``) and none of its test rows.
    metrics : sequence of {"mae", "rmse", "mase"}, default=("mae", "rmse", "mase")
        Errors to report per fold (positive, lower is better). MASE uses the
        forecaster's ``seasonal_period_`` and the data its fold's model holds.
    refit : bool, default=True
        Refit a clone on each fold's training data. False fits one clone on
        the first fold's training data and moves it through the later folds
        with :meth:`~skrnn.RNNForecaster.update` (the training folds must end
        later and later): one fit instead of `n_splits`, and an evaluation of
        the model as it is used when it is not refitted as data arrive.
    n_jobs : int, default=None
        Number of folds fitted in parallel with joblib when `refit` (None:
        one, -1: all processors). The folds of ``refit=False`` run in order.

    Returns
    -------
    results : pandas.DataFrame
        One row per fold (index ``fold``) with ``cutoff`` (last training
        index value), ``n_train`` (rows the fold's model holds),
        ``fit_time`` (seconds to fit, or to update with ``refit=False``
        after the first fold), one column per metric, and ``y_true`` /
        ``y_pred`` holding the fold's observed and forecast pandas objects.

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
    if isinstance(horizon, (bool, np.bool_)) or not isinstance(horizon, Integral) or horizon < 1:
        raise ValueError(f"horizon must be a positive integer; got {horizon!r}.")
    unknown = set(metrics) - set(FORECAST_METRICS)
    if unknown:
        raise ValueError(f"unknown metrics {sorted(unknown)}; choose from {sorted(FORECAST_METRICS)}.")
    frame, _ = as_frame(y)
    if not isinstance(y, (pd.Series, pd.DataFrame)):
        y = frame.iloc[:, 0] if frame.shape[1] == 1 and np.ndim(y) == 1 else frame
    exog = _exog_on_index(exog, frame.index)
    covariates = (exog, _exog_on_index(past_exog, frame.index, "past_exog"))
    cv = TimeSeriesSplit(n_splits=n_splits, test_size=int(horizon)) if cv is None else cv
    splits = list(cv.split(frame))
    if refit:
        rows = Parallel(n_jobs=n_jobs)(
            delayed(_refitted_fold)(forecaster, y, covariates, train, test, metrics) for train, test in splits
        )
    else:
        rows = _updated_folds(forecaster, y, covariates, splits, metrics)
    return pd.DataFrame(rows).rename_axis("fold")


def _exog_on_index(exog, index, name="exog"):
    """Covariates as a DataFrame the folds can cut; an array is put on `index`."""
    if exog is None or isinstance(exog, (pd.Series, pd.DataFrame)):
        return exog
    frame, _ = as_frame(exog, name=name)
    # A wrong length is left for fit to report.
    return frame.set_axis(index) if len(frame) == len(index) else frame


def _rows(data, start, stop):
    return None if data is None else data.iloc[start:stop]


def _fit_fold(model, y, covariates, train):
    """`model` fitted on the rows `train` of `y` and of `covariates`, ``(exog, past_exog)``."""
    exog, past_exog = (None if data is None else data.iloc[train] for data in covariates)
    return model.fit(y.iloc[train], exog=exog, **_past_only(past_exog))


def _past_only(past_exog, name="past_exog"):
    """The keyword of the past-only covariates, none without them (as a forecaster was called before them)."""
    return {} if past_exog is None else {name: past_exog}


def _refitted_fold(forecaster, y, covariates, train, test, metrics):
    """The row of a fold whose model is fitted on its training rows; `covariates` as in :func:`_fit_fold`."""
    model, exog = clone(forecaster), covariates[0]
    start = time.perf_counter()
    _fit_fold(model, y, covariates, train)
    return _fold_row(model, y, exog, train, test, metrics, time.perf_counter() - start)


def _updated_folds(forecaster, y, covariates, splits, metrics):
    """Fit on the first fold's training data, then update through each later fold's."""
    model, rows, end, (exog, past_exog) = clone(forecaster), [], None, covariates
    for train, test in splits:
        start = time.perf_counter()
        if end is None:
            _fit_fold(model, y, covariates, train)
        elif train[-1] < end:
            raise ValueError(
                "refit=False moves one model forward: each fold's training data must end "
                f"no earlier than the previous fold's (row {end}); got row {train[-1]}."
            )
        elif train[-1] > end:
            new = (end + 1, train[-1] + 1)
            past_new = _past_only(_rows(past_exog, *new), "past_exog_new")
            model.update(y.iloc[slice(*new)], exog_new=_rows(exog, *new), **past_new)
        end = train[-1]
        rows.append(_fold_row(model, y, exog, train, test, metrics, time.perf_counter() - start))
    return rows


def _fold_row(model, y, exog, train, test, metrics, fit_time):
    """The fold's forecast of its test rows, and its errors."""
    y_true = y.iloc[test]
    # Forecast through any gap between train and test (TimeSeriesSplit's `gap`) and
    # keep the test steps.
    n_steps = test[-1] - train[-1]
    future_exog = _rows(exog, train[-1] + 1, test[-1] + 1)
    y_pred = model.predict(n_steps, exog=future_exog).iloc[-len(test) :]
    true_values, pred_values = y_true.to_numpy(), y_pred.to_numpy()
    row = {"cutoff": y.index[train[-1]], "n_train": len(model.y_train_), "fit_time": fit_time}
    for name in metrics:
        row[name] = FORECAST_METRICS[name](true_values, pred_values, model.y_train_, model.seasonal_period_)
    row.update(y_true=y_true, y_pred=y_pred)
    return row
