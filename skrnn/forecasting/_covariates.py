"""The two kinds of covariates of a forecaster: known-future (``exog``) and past-only (``past_exog``).

- **Known-future** covariates, ``fit(y, exog=...)``: calendar features,
  holidays, planned prices, whose values over the horizon are known when the
  forecast is made. A window carries those of the steps it predicts
  (``_windows.py``), so ``predict`` needs their future values.
- **Past-only** covariates, ``fit(y, past_exog=...)``: another measured
  series (footfall, a sensor, a related market) observed up to the forecast
  origin and not after it. They join the channels of the transformed series:
  a window holds them on its own rows only, and the rows it predicts carry
  none, so a forecast reads them up to its origin and ``predict`` needs
  nothing more. ``update(y_new, past_exog_new=...)`` moves the origin with
  them.

Only a model that predicts all its steps from the origin can use past-only
covariates: ``strategy="direct"`` and ``"seq2seq"``. A recursive one-step
model would need, at its second step, the covariates of the first forecast
step, which nobody has observed: :func:`check_past_exog_strategy` refuses the
combination rather than guess them.

:class:`CovariatesMixin` gives :class:`~skrnn.RNNForecaster` the checks and
standardisation of both kinds in ``fit`` and the rows its model reads
(``_model_rows``); it reads the parameters ``strategy`` and ``standardize``
and the fitted level transform ``_levels``.
"""

import numpy as np

from ._index import check_fit_exog
from ._levels import standardization


def check_past_exog_strategy(strategy):
    """Raise unless `strategy` forecasts every step from the origin, as past-only covariates need."""
    if strategy in ("direct", "seq2seq"):
        return
    raise ValueError(
        f"past_exog needs strategy='direct' or strategy='seq2seq' (with `horizon`), got "
        f"strategy={strategy!r}: a recursive model would need at its second step the "
        "past_exog of the first forecast step, which is not observed at the origin. "
        "Pass covariates whose future values you know as exog instead."
    )


class CovariatesMixin:
    """Both kinds of covariates of a forecaster (see the module docstring)."""

    def _fit_exog(self, exog, index):
        """Check the known-future covariates and learn their standardisation; return their values."""
        if exog is None:
            self.exog_names_ = self.exog_mean_ = self.exog_scale_ = None
            return None
        values, self.exog_names_ = check_fit_exog(exog, index)
        self.exog_mean_, self.exog_scale_ = standardization(values, self.standardize)
        return values

    def _fit_past_exog(self, past_exog, index):
        """Check the past-only covariates and learn their standardisation; return their values."""
        if past_exog is None:
            self.past_exog_names_ = self.past_exog_mean_ = self.past_exog_scale_ = None
            return None
        check_past_exog_strategy(self.strategy)
        values, self.past_exog_names_ = check_fit_exog(past_exog, index, name="past_exog")
        self.past_exog_mean_, self.past_exog_scale_ = standardization(values, self.standardize)
        return values

    def _scaled_exog(self, exog_values):
        """Standardised known-future covariates on the rows of the transformed series; None without them."""
        if exog_values is None:
            return None
        return ((exog_values - self.exog_mean_) / self.exog_scale_)[self._levels.n_lost_ :]

    def _model_rows(self, z, past_values):
        """The transformed series `z` followed by the standardised past-only covariates of its rows.

        `past_values` holds the covariates of the untransformed rows (None:
        `z` is returned as it is); the rows differencing drops are dropped.
        """
        if past_values is None:
            return z
        scaled = (past_values - self.past_exog_mean_) / self.past_exog_scale_
        return np.concatenate([z, scaled[self._levels.n_lost_ :]], axis=1)

    def _n_covariates(self):
        """Input channels the covariates add to the targets' own: past-only, then known-future."""
        return sum(0 if names is None else len(names) for names in (self.past_exog_names_, self.exog_names_))
