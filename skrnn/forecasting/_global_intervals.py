"""Prediction intervals of a global forecaster: split-conformal, pooled over series on the MASE scale.

One copy of the forecaster is refitted on every series but its last
``horizon`` values and forecasts them; its errors, each divided by its
series' scale, are exchangeable across series, so their conformal quantile
times a series' own scale is that series' interval half-width.
"""

import numpy as np
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from ._intervals import check_levels, conformal_quantile, quantile_coverage
from ._metrics import seasonal_naive_mae
from ._panel import Panel


class PanelIntervalsMixin:
    """``predict_interval`` and ``predict_quantiles`` for :class:`GlobalRNNForecaster`."""

    # --- intervals -----------------------------------------------------------------

    def predict_interval(self, horizon=None, coverage=0.9, exog=None, ids=None):
        """Forecast with split-conformal intervals, per series.

        A copy of the forecaster (its fitted window, log and seasonal
        period) is refitted on every series but its last `horizon` values
        and forecasts them. Its absolute errors, divided by each series'
        scale (the in-sample MAE of the seasonal-naive forecast, the MASE
        scale), are pooled over the series, step by step; the interval of a
        series is its forecast plus or minus the conformal quantile of those
        scaled errors times its own scale. So every series gets its own
        width, from as many calibration errors as there are series long
        enough to hold out `horizon` values (the quantile is capped at the
        largest error when they are few). The refit happens on the first
        call and is reused. Covariates are cut with the series: the copy
        reads `exog` and `past_exog` up to each shortened series' end only.

        Parameters
        ----------
        horizon : int, default=None
            Steps to forecast, at most the fitted `horizon`.
        coverage : float or list of float, default=0.9
            Target probability that the truth falls in the interval.
        exog : pandas.DataFrame, default=None
            As in :meth:`predict`.
        ids : list, default=None
            As in :meth:`predict`.

        Returns
        -------
        intervals : pandas.DataFrame
            The columns of :meth:`predict`, then ``lower`` and ``upper``; with a
            list of coverages, ``lower_<coverage>`` and ``upper_<coverage>`` for each.
        """
        coverages, scalar = check_levels(coverage, "coverage")
        frame, center, widths = self._forecast_and_widths(horizon, exog, ids, coverages)
        for c, width in zip(coverages, widths):
            suffix = "" if scalar else f"_{c:g}"
            frame[f"lower{suffix}"] = (center - width).ravel()
            frame[f"upper{suffix}"] = (center + width).ravel()
        return frame

    def predict_quantiles(self, horizon=None, quantiles=(0.05, 0.5, 0.95), exog=None, ids=None):
        """Forecast quantiles of each step of each series, from the conformal intervals.

        The quantile ``q`` is a bound of the central interval of coverage
        ``|2q - 1|`` of :meth:`predict_interval` (its lower bound below 0.5,
        its upper bound above); 0.5 is the point forecast.

        Parameters
        ----------
        horizon : int, default=None
            Steps to forecast, at most the fitted `horizon`.
        quantiles : float or list of float, default=(0.05, 0.5, 0.95)
            Levels in (0, 1).
        exog : pandas.DataFrame, default=None
            As in :meth:`predict`.
        ids : list, default=None
            As in :meth:`predict`.

        Returns
        -------
        quantiles : pandas.DataFrame
            Columns `id_col`, `time_col`, then one per level (the level as a float).
        """
        levels, _ = check_levels(quantiles, "quantiles")
        coverages = [quantile_coverage(q) for q in levels]
        frame, center, widths = self._forecast_and_widths(horizon, exog, ids, coverages)
        frame = frame.drop(columns=[self.target_name_])
        for q, width in zip(levels, widths):
            frame[q] = (center + np.sign(q - 0.5) * (0.0 if q == 0.5 else width)).ravel()
        return frame

    def _forecast_and_widths(self, horizon, exog, ids, coverages):
        """The forecast frame, its values (n_series, n_steps) and one width array per coverage."""
        frame = self.predict(horizon, exog=exog, ids=ids)
        n_steps, positions = self._steps(horizon), self._positions(ids)
        center = frame[self.target_name_].to_numpy().reshape(len(positions), n_steps)
        scores = self._calibration_scores()[:, :n_steps]
        scales = np.array([self._scale(self._values[i]) for i in positions])[:, np.newaxis]
        return frame, center, [conformal_quantile(scores, c)[np.newaxis] * scales for c in coverages]

    def _scale(self, values):
        """The MASE scale of a series; its mean absolute value when that is 0."""
        scale = float(seasonal_naive_mae(values, self.seasonal_period_)[0]) if len(values) > 1 else 0.0
        if scale > 0:
            return scale
        level = float(np.abs(values).mean())
        return level if level > 0 else 1.0

    def _calibration_scores(self):
        """Scaled absolute errors of the holdout forecasts, shape (n_calibration_series, horizon)."""
        check_is_fitted(self)
        if self._calibration is None:
            h = self.horizon
            keep = [i for i, v in enumerate(self._values) if len(v) - h >= self.window_length_]
            if not keep:
                raise ValueError(
                    f"no series has window_length + horizon = {self.window_length_ + h} values: "
                    "none can hold out its last horizon values to calibrate intervals."
                )
            model = self._calibration_model(keep)
            forecast = model._forecast_positions(range(len(keep)), model._holdout_exog)
            truth = np.stack([self._values[i][-h:] for i in keep])
            scales = np.array([self._scale(v) for v in model._values])[:, np.newaxis]
            self._calibration = np.abs(truth - forecast) / scales
        return self._calibration

    def _calibration_model(self, keep):
        """A copy with the fitted choices, refitted on the series at `keep` minus their last `horizon` values."""
        h = self.horizon
        model = clone(self).set_params(
            window_length=list(self.window_lengths_), seasonal_period=self.seasonal_period_, log=self.log_
        )
        fitted = ("index_kind_", "freq_", "target_name_", "seasonal_period_", "log_", "window_length_", "window_lengths_")
        for name in (*fitted, "exog_names_", "static_names_", "past_exog_names_"):
            setattr(model, name, getattr(self, name))
        ids = [self.ids_[i] for i in keep]
        panel = Panel(ids, [self._values[i][:-h] for i in keep], [None] * len(keep), self.index_kind_, self.freq_, self.target_name_)
        exog = None if self._exog is None else [self._exog[i][:-h] for i in keep]
        model._holdout_exog = None if self._exog is None else [self._exog[i][-h:] for i in keep]
        past = None if self._past_exog is None else [self._past_exog[i][:-h] for i in keep]
        model._start_state(panel, exog, None if self._static is None else self._static[keep], past)
        return model._fit_network()
