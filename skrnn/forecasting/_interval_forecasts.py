"""Forecasts with a conformal width: ``predict_interval`` and ``predict_quantiles``.

:class:`IntervalMixin` gives :class:`~skrnn.RNNForecaster` those two methods
and the refit its calibration asks for (``_calibration_model``). The width of
each step is a conformal quantile of the backtest residuals that the fitted
forecaster's ``_calibration`` (a :class:`~._intervals.ConformalCalibration`)
computes on first use; the point forecast is ``_forecast_steps``, the one
:meth:`~skrnn.RNNForecaster.predict` returns.
"""

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from ._intervals import check_levels, conformal_quantile, interval_frame, quantile_coverage, quantile_frame


class IntervalMixin:
    """``predict_interval`` and ``predict_quantiles`` of a forecaster (see the module docstring)."""

    def predict_interval(self, horizon, coverage=0.9, exog=None):
        """Forecast with split-conformal prediction intervals.

        The interval of step ``k`` is the point forecast plus or minus a
        conformal quantile of the absolute step-``k`` errors of backtest
        forecasts inside the training data: `n_calibration_folds` models,
        each fitted on the data before its fold, forecast from every origin
        in the fold (at most the last half of the series). They are fitted on
        the first call and reused; the errors of a horizon come from every
        origin that can forecast all its steps, whatever was called before.
        The intervals are marginal (on average over origins) and assume the
        errors of the future look like recent backtest errors.

        Parameters
        ----------
        horizon : int or pandas.Index
            Number of steps or the future index, as in :meth:`predict`.
        coverage : float or list of float, default=0.9
            Target probability that the truth falls in the interval, in (0, 1);
            several give several intervals around the same forecast.
        exog : pandas.DataFrame, default=None
            As in :meth:`predict`.

        Returns
        -------
        intervals : pandas.DataFrame
            Columns ``prediction``, ``lower``, ``upper`` on the future index;
            with several targets, a column MultiIndex ``(target, kind)``. With
            a list of coverages, those frames side by side under a first
            column level, the coverage: ``intervals[0.9]`` is the frame of
            ``coverage=0.9``.
        """
        coverages, scalar = check_levels(coverage, "coverage")
        prediction, residuals = self._forecast_and_residuals(horizon, exog)
        frames = {
            c: interval_frame(prediction, conformal_quantile(residuals, c), self.target_names_)
            for c in coverages
        }
        return frames[coverages[0]] if scalar else pd.concat(frames, axis=1)

    def predict_quantiles(self, horizon, quantiles=(0.05, 0.5, 0.95), exog=None):
        """Forecast quantiles of each step, from the conformal intervals.

        The quantile ``q`` is a bound of the central interval of coverage
        ``|2q - 1|`` of :meth:`predict_interval`: its lower bound for ``q <
        0.5`` and its upper bound for ``q > 0.5`` (0.05 and 0.95 are the
        bounds of the 90% interval); 0.5 is the point forecast. As a wider
        coverage never gives a narrower interval, the quantiles of a step
        never decrease with ``q``.

        Parameters
        ----------
        horizon : int or pandas.Index
            Number of steps or the future index, as in :meth:`predict`.
        quantiles : float or list of float, default=(0.05, 0.5, 0.95)
            Levels in (0, 1), each once.
        exog : pandas.DataFrame, default=None
            As in :meth:`predict`.

        Returns
        -------
        quantiles : pandas.DataFrame
            One column per level, in the order given, on the future index;
            with several targets, a column MultiIndex ``(target, level)``.
        """
        levels, _ = check_levels(quantiles, "quantiles")
        prediction, residuals = self._forecast_and_residuals(horizon, exog)
        center = prediction.to_numpy().reshape(len(prediction), -1)
        bounds = {}
        for q in levels:
            width = 0.0 if q == 0.5 else conformal_quantile(residuals, quantile_coverage(q))
            bounds[q] = center + np.sign(q - 0.5) * width
        return quantile_frame(prediction, bounds, levels, self.target_names_)

    def _forecast_and_residuals(self, horizon, exog):
        """The point forecast, and the calibration residuals of its steps (n_origins, n_steps, n_targets)."""
        check_is_fitted(self)
        prediction = self._forecast_steps(horizon, exog)
        residuals = self._calibration.residuals(self, self._steps_to_model(len(prediction)))
        return prediction, residuals[:, : len(prediction)]

    def _calibration_model(self, n_train):
        """This forecaster refitted on its first `n_train` training rows, for calibration.

        It repeats the fitted transforms and window, not the "auto" choices.
        """
        model = clone(self).set_params(
            window_length=self.window_length_,
            seasonal_period=self.seasonal_period_,
            log=self.log_,
            seasonal_difference=self.seasonal_difference_,
            difference=self.difference_,
        )
        y = pd.DataFrame(self.y_train_[:n_train])
        exog, past = (None if v is None else pd.DataFrame(v[:n_train]) for v in (self.exog_train_, self.past_exog_train_))
        return model.fit(y, exog=exog, past_exog=past)
