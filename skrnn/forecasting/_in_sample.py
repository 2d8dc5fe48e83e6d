"""The data a fitted forecaster holds: moving its origin, and its in-sample predictions.

:class:`InSampleMixin` gives :class:`~skrnn.RNNForecaster` its methods
``update`` (append observations without refitting, so that forecasts start
after them), ``fitted_values`` and ``residuals`` (one-step predictions of the
rows a training window predicts). It reads the fitted forecaster's history
(``y_train_``, ``exog_train_``, ``past_exog_train_``, the index grid
``index_kind_``, ``freq_``, ``cutoff_``) and forecasts through its ``_forecast_from`` and
``_steps_to_model``, as :meth:`~skrnn.RNNForecaster.predict` does.
"""

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ._index import (
    check_continues,
    check_future_exog,
    future_index,
    observed_values,
    past_index,
    pandas_forecast,
)


class InSampleMixin:
    """``update``, ``fitted_values`` and ``residuals`` of a forecaster (see the module docstring)."""

    def update(self, y_new, exog_new=None, past_exog_new=None):
        """Append new observations, so that forecasts start after them, without refitting.

        The fitted network, transforms and standardisation are kept; only the
        history forecasts start from grows. A forecast after ``update`` is the
        one a forecaster with these weights would make from the new origin:
        it starts one step after the last row of `y_new`, from windows that
        end with it. Prediction intervals keep the calibration of the data
        seen in :meth:`fit`.

        Parameters
        ----------
        y_new : pandas.Series, pandas.DataFrame or ndarray of shape (n_new,) or (n_new, n_targets)
            The observations right after the data the forecaster holds. A
            pandas index must start one step after `cutoff_` and follow the
            frequency; an array is read as those steps. A DataFrame's columns
            are matched to the training columns by name.
        exog_new : pandas.DataFrame of shape (n_new, n_exog), default=None
            The covariates of the same steps; required when fitted with
            `exog`, refused otherwise.
        past_exog_new : pandas.DataFrame of shape (n_new, n_past_exog), default=None
            The past-only covariates of the same steps, observed with them;
            required when fitted with `past_exog`, refused otherwise. The
            next forecast reads them in its last window.

        Returns
        -------
        self : RNNForecaster
            This forecaster, its `cutoff_`, `y_train_`, `exog_train_` and
            `past_exog_train_` extended.
        """
        check_is_fitted(self)
        frame, values = observed_values(y_new, self.target_names_, by_name=not self._is_series)
        if isinstance(y_new, (pd.Series, pd.DataFrame)):
            check_continues(self.index_kind_, self.freq_, self.cutoff_, frame.index)
        grid = (self.index_kind_, self.freq_, self.cutoff_)
        exog_values = check_future_exog(exog_new, self.exog_names_, len(values), grid, exact=True)
        past_values = check_future_exog(
            past_exog_new, self.past_exog_names_, len(values), grid, exact=True, name="past_exog"
        )
        y_train = np.concatenate([self.y_train_, values])
        self._levels.transform(y_train)  # refuses values the fitted transforms cannot take
        self.y_train_ = y_train
        if exog_values is not None:
            self.exog_train_ = np.concatenate([self.exog_train_, exog_values])
        if past_values is not None:
            self.past_exog_train_ = np.concatenate([self.past_exog_train_, past_values])
        self.cutoff_ = future_index(*grid, len(values))[-1]
        return self

    def fitted_values(self):
        """In-sample one-step-ahead predictions of the data the forecaster holds.

        Row ``t`` is predicted from the rows before it by the fitted network,
        as :meth:`predict` would forecast it from origin ``t`` (with the
        covariates of the data). Rows no window predicts are left out rather
        than filled: the first ``window_length_`` plus those differencing
        drops (``sum(lags_)``), and with ``strategy="direct"`` or
        ``"seq2seq"`` the last ``horizon - 1``, whose windows lack targets.
        So the result has no NaN. It covers the rows added by :meth:`update`
        too.

        Returns
        -------
        fitted : pandas.Series or pandas.DataFrame
            One-step predictions on the index of the rows they predict, with
            the name or columns of `y`.
        """
        origins, fitted = self._one_step_in_sample()
        return self._in_sample_frame(origins, fitted)

    def residuals(self):
        """In-sample one-step errors: the observed values minus :meth:`fitted_values`.

        Returns
        -------
        residuals : pandas.Series or pandas.DataFrame
            On the index of :meth:`fitted_values`.
        """
        origins, fitted = self._one_step_in_sample()
        return self._in_sample_frame(origins, self.y_train_[origins] - fitted)

    def _one_step_in_sample(self):
        """``(rows, predictions)``: the rows a training window predicts, and their one-step forecasts."""
        check_is_fitted(self)
        n_rows, steps = len(self.y_train_), self._steps_to_model(1)
        origins = np.arange(self.window_length_ + self._levels.n_lost_, n_rows - steps + 1)
        forecast = self._forecast_from(origins, 1, self.y_train_, self.exog_train_, self.past_exog_train_)
        return origins, forecast[:, 0]

    def _in_sample_frame(self, rows, values):
        index = past_index(self.index_kind_, self.freq_, self.cutoff_, len(self.y_train_), self._index_name)
        return pandas_forecast(values, index[rows], self.target_names_, self._is_series)
