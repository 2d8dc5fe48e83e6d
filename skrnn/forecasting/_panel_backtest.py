"""Rolling-origin evaluation of a global forecaster over a panel."""

import numpy as np
import pandas as pd
from sklearn.base import clone

from ._metrics import mean_absolute_scaled_error
from ._panel import read_panel, series_index

__all__ = ["backtest_panel", "symmetric_mape"]


def symmetric_mape(y_true, y_pred):
    """The M3 competition's sMAPE, in percent: the mean of ``200 |y - f| / (|y| + |f|)``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_steps,)

    Returns
    -------
    smape : float
        A step where both values are 0 counts as 0.

    Examples
    --------
    >>> from skrnn import symmetric_mape
    >>> round(symmetric_mape([100, 100], [110, 90]), 3)
    10.025
    """
    y, f = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    denominator = np.abs(y) + np.abs(f)
    ratio = np.divide(np.abs(y - f), denominator, out=np.zeros_like(denominator), where=denominator > 0)
    return float(200 * ratio.mean())


def backtest_panel(forecaster, y, *, n_splits=3, exog=None, static=None, past_exog=None):
    """Rolling-origin evaluation of a :class:`~skrnn.GlobalRNNForecaster` over every series of a panel.

    Fold ``k`` (0 the oldest) refits a clone on every series cut
    ``(n_splits - k) * horizon`` values before its end and forecasts the
    next ``horizon`` values of each series; the last fold's test period ends
    at the end of each series. Each series must keep at least the window
    length of the forecaster in the oldest fold.

    Parameters
    ----------
    forecaster : GlobalRNNForecaster
        Unfitted forecaster with its `horizon` set; cloned for each fold.
    y : pandas.DataFrame, dict of pandas.Series or list of pandas.Series
        The whole panel, as in :meth:`GlobalRNNForecaster.fit`.
    n_splits : int, default=3
        Number of folds.
    exog, static : pandas.DataFrame, default=None
        Covariates (long, covering every time step) and static features, as in fit.
    past_exog : pandas.DataFrame, default=None
        Past-only covariates (long, covering every time step), as in fit:
        each fold reads them up to its cutoff only.

    Returns
    -------
    results : pandas.DataFrame
        One row per fold and series: ``fold``, the id column, ``cutoff``
        (last training time), ``smape`` (:func:`symmetric_mape`), ``mase``
        (seasonal-naive scale of the fold's training part) and ``mae``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skrnn import GlobalRNNForecaster
    >>> from skrnn import backtest_panel
    >>> panel = {name: pd.Series(np.arange(40.0) + start, index=pd.RangeIndex(start, start + 40))
    ...          for name, start in [("a", 0), ("b", 100)]}
    >>> model = GlobalRNNForecaster(horizon=4, window_length=8, random_state=0).set_params(
    ...     estimator__n_estimators=1, estimator__max_iter=3)
    >>> backtest_panel(model, panel, n_splits=2)[["fold", "unique_id", "cutoff"]]
       fold unique_id  cutoff
    0     0         a      31
    1     0         b     131
    2     1         a      35
    3     1         b     135
    """
    h = forecaster.horizon
    if h is None:
        raise ValueError("backtest_panel needs a forecaster with its horizon set.")
    panel = read_panel(y, forecaster.id_col, forecaster.time_col, forecaster.target_col)
    indexes = [series_index(panel.kind, panel.freq, last, len(v)) for v, last in zip(panel.values, panel.lasts)]
    rows = []
    for fold in range(n_splits):
        cut = (n_splits - fold) * h
        for uid, v in zip(panel.ids, panel.values):
            if len(v) <= cut:
                raise ValueError(f"series {uid!r} has {len(v)} values; fold {fold} holds out its last {cut}.")
        train = {uid: pd.Series(v[:-cut], index=index[:-cut]) for uid, v, index in zip(panel.ids, panel.values, indexes)}
        model = clone(forecaster).fit(train, exog=exog, static=static, past_exog=past_exog)
        rows += _fold_rows(model, fold, panel, cut, exog)
    return pd.DataFrame(rows)


def _fold_rows(model, fold, panel, cut, exog):
    """The errors of each series' forecast of the `horizon` values after its fold cutoff."""
    h, m = model.horizon, model.seasonal_period_
    forecast = model.predict(exog=exog)
    predicted = forecast[model.target_name_].to_numpy().reshape(len(panel.ids), h)
    rows = []
    for uid, v, f in zip(panel.ids, panel.values, predicted):
        train, truth = v[:-cut], v[len(v) - cut : len(v) - cut + h]
        rows.append({
            "fold": fold,
            model.id_col: uid,
            "cutoff": model.cutoffs_[uid],
            "smape": symmetric_mape(truth, f),
            "mase": mean_absolute_scaled_error(truth, f, y_train=train, seasonal_period=m),
            "mae": float(np.mean(np.abs(truth - f))),
        })
    return rows
