"""Forecasts of a period given by its observed values: what model selection asks a forecaster.

scikit-learn's searches and ``cross_val_score`` hand a forecaster the test fold
itself: ``predict(y_test)``, ``score(y_test)``, and through the scorers of
:func:`~skrnn.make_forecast_scorer` ``observed_and_forecast(y_test)``.
:class:`PeriodMixin` gives :class:`~skrnn.RNNForecaster` those two methods
and the forecast of such a period (``_forecast_period``): the forecast runs
from the end of the training data through any gap before the period
(:func:`period_gap`), and the training data itself is refused
(:func:`refuse_training_period`). Here `grid` is the fitted index grid
``(index_kind_, freq_, cutoff_)``.
"""

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ._index import (
    as_frame,
    columns_in_order,
    observed_values,
    steps_after,
    steps_skipped,
    target_passed_twice,
)
from ._metrics import make_forecast_scorer


class PeriodMixin:
    """``score`` and ``observed_and_forecast`` of a forecaster (see the module docstring)."""

    def score(self, y, exog=None):
        """Negative MASE of the forecast of the period `y` covers.

        Forecasts the steps after the training data through the end of `y`
        and compares the last ``len(y)`` with `y`; this is what GridSearchCV and cross_val_score call on each
        test fold. MASE (mean absolute scaled error) divides the MAE by the
        in-sample MAE of the one-step seasonal-naive forecast with period
        ``seasonal_period_``: it is comparable across series of different
        scales, unlike MAE or RMSE, and below 1 means better than that naive
        benchmark. It is negated so that greater is better.

        Parameters
        ----------
        y : pandas.Series, pandas.DataFrame or ndarray
            The observed values of a period after the training data. A
            DatetimeIndex, PeriodIndex or integer index must follow the
            training index's frequency and may start some steps after the
            training data (a ``gap``, as ``TimeSeriesSplit(gap=...)`` leaves):
            the forecast then runs through the gap and only the steps of `y`
            are scored. A NumPy array has no index, so no gap can be seen: it
            is read as the steps right after the training data. A DataFrame's
            columns are matched to the training columns by name.
        exog : pandas.DataFrame, default=None
            Covariates of the forecast steps, required when fitted with
            `exog`: from one step after the training data, so with a gap
            they cover the gap's steps too. `y` itself is ignored, as in
            :meth:`fit` (scikit-learn's ``score(X, y)`` with the series as both).

        Returns
        -------
        score : float
            ``-MASE``; 0 is a perfect forecast.
        """
        if target_passed_twice(y, exog):
            exog = None
        return make_forecast_scorer("mase")(self, y, exog=exog)

    def observed_and_forecast(self, y, exog=None):
        """Observed and forecast values of the period `y` covers, for scoring.

        Forecasts from the end of the training data through the end of `y`
        (through any gap before it) and keeps the steps of `y`.

        Parameters
        ----------
        y : pandas.Series, pandas.DataFrame or ndarray
            Observed values of a period after the training data, as in
            :meth:`score`.
        exog : pandas.DataFrame, default=None
            Covariates of the forecast steps, as in :meth:`score`.

        Returns
        -------
        y_true : ndarray of shape (n_steps, n_targets)
            The values of `y`, columns in the order of `target_names_`.
        y_pred : ndarray of shape (n_steps, n_targets)
            The forecast of the same steps.
        """
        check_is_fitted(self)
        frame, y_true = observed_values(y, self.target_names_, by_name=not self._is_series)
        gap = self._checked_gap(y, frame)
        y_pred = self._forecast_steps(gap + len(frame), exog)
        return y_true, y_pred.to_numpy()[gap:].reshape(y_true.shape)

    def _forecast_period(self, y, exog):
        """Forecast of the period the observed values `y` cover, on their index and columns."""
        frame, _ = as_frame(y)
        if frame.shape[1] != len(self.target_names_):
            raise ValueError(
                f"y has {frame.shape[1]} columns; the forecaster was fitted on {len(self.target_names_)}."
            )
        gap = self._checked_gap(y, frame)
        forecast = self._forecast_steps(gap + len(frame), exog).iloc[gap:]
        if isinstance(y, pd.DataFrame) and not self._is_series:
            columns_in_order(y, self.target_names_)  # the same names, in any order
            forecast = forecast[list(y.columns)]
        return forecast.set_axis(frame.index) if isinstance(y, (pd.Series, pd.DataFrame)) else forecast

    def _checked_gap(self, y, frame):
        """The steps before the period `y` (as the DataFrame `frame`), after refusing the training period."""
        grid = (self.index_kind_, self.freq_, self.cutoff_)
        refuse_training_period(y, frame, grid, self.y_train_)
        return period_gap(y, frame, grid)


def period_gap(y, frame, grid):
    """Steps between the end of the training data and the period `y` (as the DataFrame `frame`) covers.

    0 for an array, which has no index and is read as the steps right after.
    """
    if isinstance(y, (pd.Series, pd.DataFrame)):
        return steps_skipped(*grid, frame.index)
    return 0


def refuse_training_period(y, frame, grid, y_train):
    """Raise when `y` is (or starts inside) the training data `y_train`, not a later period."""
    if isinstance(y, (pd.Series, pd.DataFrame)):
        inside = steps_after(*grid, frame.index[0]) == 0
        where = (
            f"starts at {frame.index[0]}, inside the data the forecaster holds (up to "
            f"{grid[2]}), so it does not continue the training data"
        )
    else:
        inside = _equal_values(frame, y_train)
        where = "is the data the forecaster holds"
    if inside:
        raise ValueError(
            f"the period to forecast {where}: a forecaster predicts only the steps after "
            "its data. (cross_validate and searches ask for this with "
            "return_train_score=True, which has no meaning for a forecaster: use "
            "return_train_score=False; fitted_values() gives the in-sample one-step "
            "predictions.)"
        )


def _equal_values(frame, values):
    """Whether `frame` holds exactly `values` (same shape, same numbers)."""
    try:
        return frame.shape == values.shape and np.array_equal(frame.to_numpy(dtype=np.float64), values)
    except (TypeError, ValueError):
        return False
