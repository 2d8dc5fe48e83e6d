"""RNNForecaster: forecast pandas time series with any scikit-learn regressor on windows.

The forecaster turns a series into a supervised problem: it transforms the
values (optional log, differencing, standardisation), cuts them into windows
with :func:`~skrnn.make_windows`, fits a regressor on the flattened windows
(time-major, the layout :class:`~skrnn.RNNRegressor` reads), and undoes the
transforms on the way out so forecasts come back in the units of the data,
on the future index.
"""

import math
import time
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils.metadata_routing import UNUSED
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .._compat import HasMethods, Interval, StrOptions, _fit_context
from ._index import (
    INTEGER,
    as_frame,
    check_values,
    future_index,
    index_frequency,
    steps_after,
)
from ._metrics import FORECAST_METRICS, seasonal_period_from_freq
from .._windowing import make_windows

__all__ = ["RNNForecaster", "backtest"]


def _default_estimator():
    """The regressor used when ``estimator=None`` (documented in RNNForecaster)."""
    from .._regressor import RNNRegressor  # late: its engine is heavier than this module

    return RNNRegressor(
        cell="gru",
        hidden_layer_sizes=(16,),
        solver="adam",
        learning_rate_init=0.01,
        alpha=1e-3,
        batch_size=32,
        max_iter=300,
        tol=1e-5,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=20,
        # the windows are short and already scaled: one plain network as in the forecast
        # benchmarks, not RNNRegressor's sequence-classification defaults
        n_estimators=1,
        bidirectional=False,
        dropout=0.0,
        standardize=False,
        patch_size=1,
    )


# --- exactly invertible transforms (rows are time) ------------------------------------


def _difference(values, lags):
    """Apply ``x[t] - x[t - lag]`` for each lag in turn; drops ``sum(lags)`` rows."""
    for lag in lags:
        values = values[lag:] - values[:-lag]
    return values


def _undifference(diffs, history, lags):
    """Integrate future rows of the differenced series back to levels.

    `history` holds the levels before the first future row (at least
    ``sum(lags)`` rows); each difference is undone from the last one applied,
    ``x[t] = d[t] + x[t - lag]``, with ``x[t - lag]`` from history or from the
    rows just rebuilt.
    """
    stages = [history]
    for lag in lags[:-1]:
        stages.append(_difference(stages[-1], [lag]))
    out = diffs
    for lag, base in zip(reversed(lags), reversed(stages)):
        rebuilt = np.concatenate([base[-lag:], np.empty_like(out)])
        for i in range(len(out)):
            rebuilt[lag + i] = out[i] + rebuilt[i]
        out = rebuilt[lag:]
    return out


# 5% critical value of the KPSS level-stationarity statistic (Kwiatkowski et al., 1992).
_KPSS_CRITICAL_5PCT = 0.463


def _kpss_statistic(x):
    """KPSS statistic of level stationarity for a 1-D series.

    ``sum(S_t**2) / (n**2 * sigma2)``, with ``S_t`` the partial sums of the
    demeaned series and ``sigma2`` the Bartlett-weighted long-run variance
    with ``int(12 * (n / 100) ** 0.25)`` lags, the truncation of the original
    paper (shorter ones reject stationary but persistent series too often).
    """
    n = len(x)
    e = x - x.mean()
    partial = np.cumsum(e)
    lags = min(int(12 * (n / 100) ** 0.25), n - 1)
    variance = e @ e / n
    for k in range(1, lags + 1):
        variance += 2 * (1 - k / (lags + 1)) * (e[k:] @ e[:-k]) / n
    return (partial @ partial) / (n * n * max(variance, np.finfo(np.float64).tiny))


def _needs_difference(values):
    """True when the KPSS test rejects level stationarity (5%) for some column."""
    return any(_kpss_statistic(column) > _KPSS_CRITICAL_5PCT for column in values.T)


# A log is taken when log(block std) grows with log(block mean) by a slope at least this
# many standard errors above 0.5 (0: additive, 1: multiplicative variability).
_LOG_SLOPE_MARGIN = 2.0
# Seasonal strength above which the seasonal difference is taken (R's forecast::nsdiffs).
_SEASONAL_STRENGTH_THRESHOLD = 0.64


def _variability_slope(x, block):
    """Slope and standard error of log(block std) regressed on log(block mean).

    Guerrero's idea (the ``"guerrero"`` method of R's ``BoxCox.lambda``): cut a
    positive 1-D series into consecutive blocks of `block` steps (one season,
    or pairs of steps without seasonality), the oldest partial block dropped.
    A slope near 1 means the spread grows in proportion to the level (the log
    makes it constant), near 0 that it does not depend on the level. Returns
    None with fewer than 4 usable blocks or a constant level.
    """
    n_blocks = len(x) // block
    blocks = x[len(x) - n_blocks * block :].reshape(n_blocks, block)
    spread = blocks.std(axis=1, ddof=1)
    keep = spread > 0
    if keep.sum() < 4:
        return None
    level, spread = np.log(blocks.mean(axis=1)[keep]), np.log(spread[keep])
    level, spread = level - level.mean(), spread - spread.mean()
    if level @ level == 0:
        return None
    slope = (level @ spread) / (level @ level)
    residual = spread - slope * level
    return slope, math.sqrt(residual @ residual / (len(level) - 2) / (level @ level))


def _needs_log(values, m):
    """True when all values are positive and every column's spread grows with its level.

    The slope of :func:`_variability_slope` must exceed 0.5 (closer to
    multiplicative than to additive) by ``_LOG_SLOPE_MARGIN`` standard errors:
    with a level that barely moves the slope is undetermined, and the log
    then changes little anyway.
    """
    if (values <= 0).any():
        return False
    for column in values.T:
        fit = _variability_slope(column, max(m, 2))
        if fit is None or fit[0] - _LOG_SLOPE_MARGIN * fit[1] <= 0.5:
            return False
    return True


def _seasonal_strength(x, m):
    """Hyndman's seasonal strength ``max(0, 1 - Var(R) / Var(S + R))`` of a 1-D series.

    Classical additive decomposition: the trend is the centred moving average
    over one season (2 x m for even m), the seasonal component the mean of the
    detrended values at each phase (centred), the remainder what is left.
    """
    weights = np.ones(m) if m % 2 else np.r_[0.5, np.ones(m - 1), 0.5]
    trend = np.convolve(x, weights / m, mode="valid")
    half = (len(weights) - 1) // 2
    detrended = x[half : half + len(trend)] - trend
    phase = (np.arange(len(detrended)) + half) % m
    profile = np.array([detrended[phase == p].mean() for p in range(m)])
    remainder = detrended - (profile - profile.mean())[phase]
    total = detrended.var()
    return 0.0 if total == 0 else max(0.0, 1 - remainder.var() / total)


def _needs_seasonal_difference(values, m):
    """True when m > 1, there are 3 full seasons and some column is strongly seasonal."""
    if m < 2 or len(values) < 3 * m:
        return False
    return any(_seasonal_strength(c, m) > _SEASONAL_STRENGTH_THRESHOLD for c in values.T)


def _mean_scale(values):
    """Column means and standard deviations (1 where a column is constant)."""
    scale = values.std(axis=0)
    return values.mean(axis=0), np.where(scale > 0, scale, 1.0)


def _conformal_quantile(scores, coverage):
    """Split-conformal quantile of absolute residuals along axis 0.

    Uses the ``ceil((n + 1) * coverage) / n`` empirical quantile, which gives
    at least `coverage` for exchangeable residuals; capped at the largest
    residual when there are too few of them.
    """
    n = scores.shape[0]
    level = min(1.0, math.ceil((n + 1) * coverage) / n)
    return np.quantile(scores, level, axis=0, method="higher")


class RNNForecaster(BaseEstimator):
    """Forecast a time series with a regressor trained on windows of its past.

    ``fit(y)`` transforms the series (optional log, differencing,
    standardisation), cuts it into windows of ``window_length`` steps with
    :func:`~skrnn.make_windows` and fits a clone of `estimator` on them, each
    window flattened time-major to ``window_length * n_channels`` columns so
    that any scikit-learn regressor works. ``predict(horizon)`` returns a
    pandas object on the future index, in the units of `y`.

    Parameters
    ----------
    estimator : regressor, default=None
        Any scikit-learn regressor with ``fit`` and ``predict`` (multi-output
        when `y` has several columns or ``strategy="direct"``). It is cloned
        in ``fit``; its ``n_channels`` is set to the number of target columns
        plus covariates when it has that parameter. None uses
        ``RNNRegressor(cell="gru", hidden_layer_sizes=(16,), solver="adam",
        learning_rate_init=0.01, alpha=1e-3, batch_size=32, max_iter=300,
        tol=1e-5, early_stopping=True, validation_fraction=0.2,
        n_iter_no_change=20)``: one small GRU layer, because a typical series
        gives only a few hundred windows and larger networks overfit them
        (32 units and LSTM cells did worse and varied more between seeds in
        our runs); a light L2 penalty; training stops when the loss on a
        random 20% of the windows has not improved by ``tol`` for 20 epochs,
        and the weights of the best epoch are kept. On the generated series
        of ``benchmarks/forecast_synthetic.py`` early stopping lowered the
        mean MASE by about 10% and the fit time by a third. Each network fits
        in about a second on a few hundred windows.
    window_length : int or "auto", default="auto"
        Number of past (transformed) steps each prediction sees. ``"auto"``
        is ``max(2 * m, 10)`` with ``m`` the seasonal period: two full
        seasons let the model compare this season with the last, and 10 steps
        are a reasonable memory for non-seasonal data. It is shortened for
        short series so that at least half of the transformed series is left
        for training windows.
    strategy : {"recursive", "direct"}, default="recursive"
        ``"recursive"`` fits a one-step model and feeds it its own
        predictions, so it forecasts any horizon; errors can compound over
        long horizons. ``"direct"`` (MIMO) fits one model with `horizon`
        outputs predicting all steps at once: no compounding, often better
        when the horizon is fixed and the model has enough data for the
        extra outputs, but it cannot forecast beyond `horizon` and fits on
        ``horizon - 1`` fewer windows. With `exog` it needs
        ``window_length >= horizon``, so that a window holds the covariates
        of all the steps it predicts.
    horizon : int, default=None
        Number of steps the ``"direct"`` model predicts; required by it and
        ignored by ``"recursive"``.
    log : bool or "auto", default="auto"
        Take the logarithm first, for multiplicative series (seasonal swings
        that grow with the level). True needs strictly positive values.
        ``"auto"`` is the default because on the generated series of
        ``benchmarks/forecast_synthetic.py`` it fires on the multiplicative
        family only (MASE 0.702 -> 0.501 there) and leaves every other family
        exactly as ``False`` does.
        ``"auto"`` takes it when the values are strictly positive and their
        spread grows in proportion to their level, Guerrero's idea (the
        method of R's ``BoxCox.lambda``): the series is cut into consecutive
        blocks of one season (``max(m, 2)`` steps), and the slope of
        log(block standard deviation) on log(block mean), 0 for additive
        and 1 for multiplicative variability, must exceed 0.5 by two
        standard errors (so a level that barely moves, which says nothing
        either way, gets no log). With several columns all must pass.
    difference : {0, 1, 2} or "auto", default="auto"
        Order of ordinary differencing (after the log and the seasonal
        difference). Differencing lets a trending series keep its trend: the
        model learns changes, and the forecast is integrated from the last
        observed value, where a network fitted on levels would flatten out
        beyond the range it was trained on. On a stationary series it costs
        accuracy (the model must rebuild the level from changes). ``"auto"``
        differences once when the KPSS test rejects level stationarity at
        5% (with the long-run variance on ``int(12 * (n / 100) ** 0.25)``
        lags), the rule R's ``forecast::ndiffs`` popularised.
    seasonal_difference : bool or "auto", default=False
        Also take the seasonal difference ``x[t] - x[t - m]`` (after the log,
        before the ordinary difference, whose ``"auto"`` test then runs on
        the seasonally differenced series, as ``ndiffs`` after ``nsdiffs``
        in R). ``"auto"`` takes it when ``m > 1``, there are at least 3 full
        seasons and the seasonal strength ``max(0, 1 - Var(R) / Var(S + R))``
        of a classical decomposition (centred moving-average trend, seasonal
        means S, remainder R) exceeds 0.64, the rule of R's
        ``forecast::nsdiffs``. Off by default: the windows already span two
        seasons, so the network sees the seasonal pattern itself, and the
        seasonal difference of a stable pattern doubles the noise of the
        inputs; on the generated series of
        ``benchmarks/forecast_synthetic.py`` ``log="auto",
        seasonal_difference="auto"`` helped trending monthly series but hurt
        hourly ones, and were not clearly better overall
        (``docs/forecast_quality.md``).
    seasonal_period : int, default=None
        Seasonal period ``m``, used for ``"auto"`` windows, the seasonal
        difference and the MASE of :meth:`score`. None infers it from the
        frequency with :func:`~skrnn.seasonal_period_from_freq` (12 monthly,
        4 quarterly, 7 daily, 5 business-daily, 24 hourly, 1 otherwise).
    standardize : bool, default=True
        Standardise the transformed target (and each covariate) with the
        training mean and standard deviation. Neural networks need inputs
        and outputs of order 1; linear models are unaffected.
    n_estimators : int, default=5
        Number of copies of `estimator` fitted with different seeds (drawn
        from `random_state`) and averaged at every prediction step. A neural
        network's forecast depends on its initial weights and on the order of
        its minibatches; averaging a few members removes much of that
        seed-to-seed variance, and with it the error it adds, for
        `n_estimators` times the fit time. An estimator without a
        ``random_state`` parameter (e.g. ``LinearRegression``) is fitted
        once whatever this says; one whose ``random_state`` does not change
        its fit (e.g. ``Ridge`` with its default solver) gets identical
        members, so leave this at 1 for it.
    n_calibration_folds : int, default=3
        Number of backtest folds inside the training data that calibrate
        :meth:`predict_interval`. Each costs one extra fit, paid on the first
        call of :meth:`predict_interval` (not in ``fit``), so plain fitting and
        model selection stay cheap.
    random_state : int, RandomState instance or None, default=None
        Controls the seeds of the cloned estimators (if they have a
        ``random_state``), so one seed controls the forecaster. With
        ``n_estimators=1`` it is set as the estimator's ``random_state``
        itself (None leaves the estimator's own alone); otherwise it seeds
        the draw of one integer seed per member.

    Attributes
    ----------
    estimators_ : list of regressors
        The fitted clones of `estimator` whose predictions are averaged
        (one when seeds make no difference, see `n_estimators`).
    estimator_ : regressor
        The first of `estimators_` (the only one when ``n_estimators=1``).
    window_length_ : int
        Window length used.
    seasonal_period_ : int
        Seasonal period used.
    log_ : bool
        Whether the logarithm was taken (`log`, resolved when ``"auto"``).
    seasonal_difference_ : bool
        Whether the seasonal difference was taken (`seasonal_difference`,
        resolved when ``"auto"``).
    difference_ : int
        Order of ordinary differencing used.
    lags_ : list of int
        Differencing lags applied, in order.
    y_mean_, y_scale_ : ndarray of shape (n_targets,)
        Standardisation of the transformed targets.
    exog_mean_, exog_scale_ : ndarray of shape (n_exog,) or None
        Standardisation of the covariates; None without `exog`.
    target_names_ : list
        Series name (one element) or DataFrame columns of `y`.
    exog_names_ : list or None
        Covariate columns seen in ``fit``; None without `exog`.
    index_kind_ : {"datetime", "period", "integer"}
        Kind of index of `y`.
    freq_ : pandas.DateOffset or int
        Frequency of the index (the step for an integer index).
    cutoff_ : object
        Last index value of the training data; forecasts start one step later.
    n_windows_ : int
        Number of training windows.

    See Also
    --------
    backtest : Rolling-origin evaluation of a forecaster.
    make_forecast_scorer : Scorers for GridSearchCV and cross_val_score.

    Notes
    -----
    Model selection works with plain scikit-learn: ``GridSearchCV(forecaster,
    grid, cv=TimeSeriesSplit(n_splits, test_size=h)).fit(y)`` fits on each
    past and calls :meth:`score` on the following `h` steps. Covariates
    passed as ``search.fit(y, exog=exog)`` are cut per fold for ``fit``, but
    without metadata routing scikit-learn does not hand them to the scorer,
    so scoring a model fitted with `exog` then fails with a clear error.
    Enable routing (``sklearn.set_config(enable_metadata_routing=True)``):
    the forecaster and :func:`make_forecast_scorer` request `exog` by
    default, and each fold then gets its own covariates for both.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import Ridge
    >>> from skrnn import RNNForecaster
    >>> idx = pd.date_range("2020-01-01", periods=36, freq="MS")
    >>> y = pd.Series(range(36), index=idx, name="sales", dtype=float)
    >>> forecaster = RNNForecaster(Ridge(), window_length=6).fit(y)
    >>> forecaster.predict(3).round(3)
    2023-01-01    36.0
    2023-02-01    37.0
    2023-03-01    38.0
    Freq: MS, Name: sales, dtype: float64
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "window_length": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "strategy": [StrOptions({"recursive", "direct"})],
        "horizon": [Interval(Integral, 1, None, closed="left"), None],
        "log": ["boolean", StrOptions({"auto"})],
        "difference": [Interval(Integral, 0, 2, closed="both"), StrOptions({"auto"})],
        "seasonal_difference": ["boolean", StrOptions({"auto"})],
        "seasonal_period": [Interval(Integral, 1, None, closed="left"), None],
        "standardize": ["boolean"],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "n_calibration_folds": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    # Under metadata routing, GridSearchCV hands `exog` to fit and score without
    # set_*_request calls; predict's `horizon` is an argument, not metadata.
    __metadata_request__fit = {"exog": True}
    __metadata_request__score = {"exog": True}
    __metadata_request__predict = {"horizon": UNUSED, "exog": UNUSED}

    def __init__(
        self,
        estimator=None,
        *,
        window_length="auto",
        strategy="recursive",
        horizon=None,
        log="auto",
        difference="auto",
        seasonal_difference=False,
        seasonal_period=None,
        standardize=True,
        n_estimators=5,
        n_calibration_folds=3,
        random_state=None,
    ):
        self.estimator = estimator
        self.window_length = window_length
        self.strategy = strategy
        self.horizon = horizon
        self.log = log
        self.difference = difference
        self.seasonal_difference = seasonal_difference
        self.seasonal_period = seasonal_period
        self.standardize = standardize
        self.n_estimators = n_estimators
        self.n_calibration_folds = n_calibration_folds
        self.random_state = random_state

    # --- fit -----------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=False)  # the estimator validates itself
    def fit(self, y, exog=None):
        """Fit the regressor on windows of `y`.

        Parameters
        ----------
        y : pandas.Series or pandas.DataFrame of shape (n_timesteps,) or (n_timesteps, n_targets)
            Series to forecast, rows in time order, on a DatetimeIndex or
            PeriodIndex with a frequency (inferred when not set) or on an
            integer index with a constant step. A DataFrame forecasts all its
            columns jointly. NumPy arrays are read as on a RangeIndex.
        exog : pandas.DataFrame of shape (n_timesteps, n_exog), default=None
            Known-future covariates on the same index as `y`. Each window
            sees the covariates of the steps it predicts (for ``"direct"``,
            all `horizon` of them, hence ``window_length >= horizon``), so
            :meth:`predict` then needs their future values.

        Returns
        -------
        self : RNNForecaster
            Fitted forecaster.
        """
        frame, is_series = as_frame(y)
        values = check_values(frame)
        self.index_kind_, self.freq_ = index_frequency(frame.index)
        exog_values = self._check_fit_exog(exog, frame.index)
        horizon = self._fit_horizon()
        self.seasonal_period_ = self._resolve_seasonal_period()
        self.log_ = self._resolve_log(values)
        levels = self._to_levels(values)
        self.seasonal_difference_ = self._resolve_seasonal_difference(levels)
        seasonal_lags = [self.seasonal_period_] * self.seasonal_difference_
        self.difference_ = self._resolve_difference(_difference(levels, seasonal_lags))
        self.lags_ = seasonal_lags + [1] * self.difference_
        z = _difference(levels, self.lags_)
        self.window_length_ = self._resolve_window_length(len(z), horizon)
        self._check_direct_exog(exog_values, horizon)
        self._check_length(len(values), horizon)
        self.y_mean_, self.y_scale_ = self._standardization(z)
        zs = (z - self.y_mean_) / self.y_scale_
        exs = self._scaled_exog(exog_values, fit=True)
        X, Y = make_windows(zs, self.window_length_, horizon, exog=None if exs is None else exs[sum(self.lags_) :])
        self.n_windows_ = X.shape[0]
        X, targets = X.reshape(len(X), -1), _flat_targets(Y)
        self.estimators_ = self._new_estimators(X.shape[1] // self.window_length_)
        if self.estimator is None:  # our default's minibatch must not exceed a short series
            for estimator in self.estimators_:
                n_held_out = math.ceil(estimator.validation_fraction * len(X))
                n_train = len(X) - n_held_out if estimator.early_stopping else len(X)
                estimator.set_params(batch_size=max(1, min(estimator.batch_size, n_train)))
        for estimator in self.estimators_:
            estimator.fit(X, targets)
        self.estimator_ = self.estimators_[0]
        self.target_names_ = list(frame.columns)
        self.cutoff_ = frame.index[-1]
        self._index_name, self._is_series = frame.index.name, is_series
        self._y_fit, self._exog_fit = values, exog_values
        self._calibration, self._calibration_models = {}, {}
        return self

    def _check_fit_exog(self, exog, index):
        if exog is None:
            self.exog_names_ = self.exog_mean_ = self.exog_scale_ = None
            return None
        frame, _ = as_frame(exog, name="exog")
        if len(frame) != len(index):
            raise ValueError(f"exog has {len(frame)} rows but y has {len(index)}; they must share the index.")
        if isinstance(exog, (pd.Series, pd.DataFrame)) and not frame.index.equals(index):
            raise ValueError("exog's index does not match y's index; align them first.")
        self.exog_names_ = list(frame.columns)
        return check_values(frame, name="exog")

    def _fit_horizon(self):
        if self.strategy == "recursive":
            return 1
        if self.horizon is None:
            raise ValueError("strategy='direct' needs `horizon`, the number of steps its model predicts.")
        return self.horizon

    def _resolve_seasonal_period(self):
        if self.seasonal_period is not None:
            return self.seasonal_period
        return seasonal_period_from_freq(None if self.index_kind_ == INTEGER else self.freq_)

    def _resolve_log(self, values):
        if self.log != "auto":
            return bool(self.log)
        return _needs_log(values, self.seasonal_period_)

    def _resolve_seasonal_difference(self, levels):
        if self.seasonal_difference != "auto":
            if self.seasonal_difference and self.seasonal_period_ <= 1:
                raise ValueError(
                    "seasonal_difference=True needs a seasonal period > 1; the seasonal "
                    f"period is {self.seasonal_period_}. Set seasonal_period, or use "
                    "difference for a first difference."
                )
            return bool(self.seasonal_difference)
        return _needs_seasonal_difference(levels, self.seasonal_period_)

    def _resolve_difference(self, values):
        if self.difference != "auto":
            return self.difference
        return int(len(values) > 3 and _needs_difference(values))

    def _resolve_window_length(self, n_transformed, horizon):
        if self.window_length != "auto":
            return self.window_length
        # Keep at least half the transformed series for training windows.
        return max(1, min(max(2 * self.seasonal_period_, 10), (n_transformed - horizon + 1) // 2))

    def _check_direct_exog(self, exog_values, horizon):
        # The covariates of all `horizon` predicted steps must fit in one window.
        if exog_values is not None and horizon > self.window_length_:
            raise ValueError(
                f"strategy='direct' with exog needs window_length >= horizon: each window "
                f"carries the covariates of the steps it predicts, but horizon={horizon} "
                f"steps do not fit in window_length={self.window_length_}; set "
                f"window_length>={horizon}."
            )

    def _check_length(self, n_rows, horizon):
        needed = self.window_length_ + horizon + sum(self.lags_)
        if n_rows < needed:
            raise ValueError(
                f"y is too short: it has {n_rows} rows, but window_length="
                f"{self.window_length_} + horizon={horizon} + {sum(self.lags_)} rows "
                f"lost to differencing need at least {needed}."
            )

    def _to_levels(self, values):
        if not self.log_:
            return values
        if (values <= 0).any():
            raise ValueError("log=True needs strictly positive values; y has values <= 0.")
        return np.log(values)

    def _from_levels(self, levels):
        return np.exp(levels) if self.log_ else levels

    def _standardization(self, values):
        if not self.standardize:
            return np.zeros(values.shape[1]), np.ones(values.shape[1])
        return _mean_scale(values)

    def _scaled_exog(self, exog_values, fit=False):
        if exog_values is None:
            return None
        if fit:
            self.exog_mean_, self.exog_scale_ = self._standardization(exog_values)
        return (exog_values - self.exog_mean_) / self.exog_scale_

    def _new_estimator(self, n_channels, random_state=None):
        estimator = clone(_default_estimator() if self.estimator is None else self.estimator)
        params = estimator.get_params(deep=False)
        if "n_channels" in params:
            estimator.set_params(n_channels=n_channels)
        if random_state is not None and "random_state" in params:
            estimator.set_params(random_state=random_state)
        return estimator

    def _new_estimators(self, n_channels):
        """Unfitted members: one per seed, or one alone when seeds change nothing."""
        single = self._new_estimator(n_channels)
        if self.n_estimators == 1 or "random_state" not in single.get_params(deep=False):
            return [self._new_estimator(n_channels, self.random_state)]
        rng = check_random_state(self.random_state)
        seeds = rng.randint(np.iinfo(np.int32).max, size=self.n_estimators)
        return [self._new_estimator(n_channels, int(seed)) for seed in seeds]

    def _model_predict(self, X):
        """Mean prediction of the members on flattened windows."""
        return np.mean([np.asarray(e.predict(X)) for e in self.estimators_], axis=0)

    # --- forecasting core ----------------------------------------------------------

    def _steps_to_model(self, horizon):
        """Steps the model must produce for a `horizon`-step forecast."""
        if self.strategy == "recursive":
            return horizon
        if horizon > self.horizon:
            raise ValueError(
                f"strategy='direct' was fitted for horizon={self.horizon} and cannot "
                f"forecast {horizon} steps; refit with horizon>={horizon} or use "
                "strategy='recursive'."
            )
        return self.horizon

    def _forecast_levels(self, values, exog_values, origins, horizon):
        """Forecast `horizon` steps from each origin (rows ``[:origin]`` known).

        Returns an array of shape (n_origins, horizon, n_targets) in the units of
        `values`. `exog_values` must cover the rows being predicted.
        """
        levels = self._to_levels(values)
        zs = (_difference(levels, self.lags_) - self.y_mean_) / self.y_scale_
        exs = self._scaled_exog(exog_values)
        shift, length = sum(self.lags_), self.window_length_
        windows = np.stack([zs[o - shift - length : o - shift] for o in origins])
        exog_rows = None
        if exs is not None:
            # Rows of the covariates each model call sees, as make_windows aligned them.
            first, last = (1 - length, horizon) if self.strategy == "recursive" else (self.horizon - length, self.horizon)
            exog_rows = np.stack([exs[o + first : o + last] for o in origins])
        scaled = self._predict_scaled(windows, exog_rows, horizon)
        diffs = scaled * self.y_scale_ + self.y_mean_
        out = [_undifference(d, levels[:o], self.lags_) for d, o in zip(diffs, origins)]
        return self._from_levels(np.stack(out))

    def _predict_scaled(self, windows, exog_rows, horizon):
        """Model outputs for a batch of windows (n, L, C): shape (n, horizon, C), scaled."""
        n, length, n_targets = windows.shape
        if self.strategy == "direct":
            X = windows if exog_rows is None else np.concatenate([windows, exog_rows], axis=2)
            out = self._model_predict(X.reshape(n, -1))
            return np.asarray(out).reshape(n, self.horizon, n_targets)[:, :horizon]
        buffer = windows
        for k in range(horizon):
            X = buffer[:, -length:]
            if exog_rows is not None:
                X = np.concatenate([X, exog_rows[:, k : k + length]], axis=2)
            step = self._model_predict(X.reshape(n, -1))
            buffer = np.concatenate([buffer, step.reshape(n, 1, n_targets)], axis=1)
        return buffer[:, length:]

    # --- predict -------------------------------------------------------------------

    def predict(self, horizon, exog=None):
        """Forecast the steps after the end of the training data.

        Parameters
        ----------
        horizon : int or pandas.Index
            Number of steps, or the future index itself (it must start one
            step after the training data and follow its frequency).
        exog : pandas.DataFrame of shape (n_steps, n_exog), default=None
            Future covariates, required when fitted with `exog`: one row per
            forecast step, on the future index (``horizon`` rows for
            ``"direct"``, which predicts all its steps at once).

        Returns
        -------
        y_pred : pandas.Series or pandas.DataFrame
            Forecast on the future index, with the name (Series) or columns
            (DataFrame) of the training `y`.
        """
        check_is_fitted(self)
        index = self._future_index(horizon)
        model_steps = self._steps_to_model(len(index))
        exog_future = self._check_future_exog(exog, model_steps)
        exog_values = None if exog_future is None else np.concatenate([self._exog_fit, exog_future])
        origin = len(self._y_fit)
        forecast = self._forecast_levels(self._y_fit, exog_values, [origin], len(index))[0]
        return self._wrap(forecast, index)

    def _future_index(self, horizon):
        if isinstance(horizon, pd.Index):
            expected = future_index(self.index_kind_, self.freq_, self.cutoff_, len(horizon), horizon.name)
            if len(horizon) == 0 or not horizon.equals(expected):
                raise ValueError(
                    "the future index must start one step after the training data "
                    f"({expected[0] if len(expected) else '...'}) and follow its "
                    f"frequency; got {horizon[:3].tolist()}..."
                )
            return expected
        if isinstance(horizon, (bool, np.bool_)) or not isinstance(horizon, Integral) or horizon <= 0:
            raise ValueError(f"horizon must be a positive integer or a future index; got {horizon!r}.")
        return future_index(self.index_kind_, self.freq_, self.cutoff_, int(horizon), self._index_name)

    def _check_future_exog(self, exog, n_steps):
        if self.exog_names_ is None:
            if exog is not None:
                raise ValueError("exog was given but the forecaster was fitted without exog.")
            return None
        if exog is None:
            raise ValueError(
                f"the forecaster was fitted with exog: pass the future exog ({n_steps} rows, "
                "on the future index) to forecast."
            )
        frame, _ = as_frame(exog, name="exog")
        if len(frame) < n_steps:
            raise ValueError(f"exog has {len(frame)} rows; the forecast needs {n_steps} future rows.")
        frame = frame.iloc[:n_steps]
        if isinstance(exog, (pd.Series, pd.DataFrame)):
            expected = future_index(self.index_kind_, self.freq_, self.cutoff_, n_steps)
            if not frame.index.equals(expected):
                raise ValueError(
                    f"exog's index is misaligned: it must start at {expected[0]} (one step "
                    f"after the training data) and follow the frequency; got {frame.index[0]}."
                )
            if list(frame.columns) != self.exog_names_:
                raise ValueError(f"exog's columns {list(frame.columns)} differ from those seen in fit {self.exog_names_}.")
        elif frame.shape[1] != len(self.exog_names_):
            raise ValueError(f"exog has {frame.shape[1]} columns; fit saw {len(self.exog_names_)}.")
        return check_values(frame, name="exog")

    def _wrap(self, values, index):
        if self._is_series:
            return pd.Series(values[:, 0], index=index, name=self.target_names_[0])
        return pd.DataFrame(values, index=index, columns=self.target_names_)

    # --- score ---------------------------------------------------------------------

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
            they cover the gap's steps too.

        Returns
        -------
        score : float
            ``-MASE``; 0 is a perfect forecast.
        """
        y_true, y_pred = self._forecast_test_period(y, exog)
        return -FORECAST_METRICS["mase"](y_true, y_pred, self._y_fit, self.seasonal_period_)

    def _forecast_test_period(self, y, exog=None):
        """Return ``(y_true, y_pred)`` arrays for the period `y` covers."""
        check_is_fitted(self)
        frame, _ = as_frame(y)
        if isinstance(y, pd.DataFrame) and not self._is_series:
            frame = self._align_target_columns(frame)
        y_true = check_values(frame)
        if y_true.shape[1] != len(self.target_names_):
            raise ValueError(f"y has {y_true.shape[1]} columns; the forecaster was fitted on {len(self.target_names_)}.")
        gap = self._steps_before(frame.index) if isinstance(y, (pd.Series, pd.DataFrame)) else 0
        y_pred = self.predict(gap + len(frame), exog=exog)
        return y_true, y_pred.to_numpy()[gap:].reshape(y_true.shape)

    def _align_target_columns(self, frame):
        """`frame` with its columns in the order of `target_names_`, matched by name."""
        columns = list(frame.columns)
        if columns == self.target_names_:
            return frame
        if len(columns) == len(self.target_names_) and set(columns) == set(self.target_names_):
            return frame[self.target_names_]
        raise ValueError(f"y's columns {columns} differ from those seen in fit {self.target_names_}.")

    def _steps_before(self, index):
        """Steps skipped between the training data and `index` (a gap, as TimeSeriesSplit's)."""
        first_step = steps_after(self.index_kind_, self.freq_, self.cutoff_, index[0])
        if first_step is not None and first_step >= 1:
            expected = future_index(self.index_kind_, self.freq_, self.cutoff_, first_step - 1 + len(index))
            if index.equals(expected[first_step - 1 :]):
                return first_step - 1
        expected = future_index(self.index_kind_, self.freq_, self.cutoff_, 1)
        raise ValueError(
            "y does not continue the training data: its index must start after the "
            f"training data's last value {self.cutoff_} (at {expected[0]} or a whole number "
            f"of steps later) and follow the frequency; got {index[0]}."
        )

    def _y_train_values(self):
        return self._y_fit

    # --- intervals -----------------------------------------------------------------

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
            As in :meth:`predict`.
        coverage : float, default=0.9
            Target probability that the truth falls in the interval, in (0, 1).
        exog : pandas.DataFrame, default=None
            As in :meth:`predict`.

        Returns
        -------
        intervals : pandas.DataFrame
            Columns ``prediction``, ``lower``, ``upper`` on the future index;
            with several targets, a column MultiIndex ``(target, kind)``.
        """
        if not isinstance(coverage, Real) or not 0 < coverage < 1:
            raise ValueError(f"coverage must be a float in (0, 1); got {coverage!r}.")
        prediction = self.predict(horizon, exog=exog)
        residuals = self._calibration_residuals(self._steps_to_model(len(prediction)))
        width = _conformal_quantile(residuals[:, : len(prediction)], coverage)
        values = prediction.to_numpy().reshape(len(prediction), -1)
        parts = {"prediction": values, "lower": values - width, "upper": values + width}
        if self._is_series:
            return pd.DataFrame({k: v[:, 0] for k, v in parts.items()}, index=prediction.index)
        columns = pd.MultiIndex.from_product([self.target_names_, list(parts)])
        stacked = np.stack(list(parts.values()), axis=2).reshape(len(values), -1)
        return pd.DataFrame(stacked, index=prediction.index, columns=columns)

    def _calibration_residuals(self, n_steps):
        """Absolute backtest errors, shape (n_origins, n_steps, n_targets).

        Cached per `n_steps`, not reused for shorter horizons: fewer origins can
        forecast more steps, so the width must not depend on earlier calls.
        """
        if n_steps not in self._calibration:
            self._calibration[n_steps] = self._backtest_residuals(n_steps)
        return self._calibration[n_steps]

    def _backtest_residuals(self, n_steps):
        n = len(self._y_fit)
        folds = self.n_calibration_folds
        min_train = self.window_length_ + sum(self.lags_) + self._fit_horizon() + 1
        block = min(n // 2, n - min_train) // folds
        if block < 1:
            raise ValueError(
                f"y ({n} rows) is too short to calibrate intervals with "
                f"n_calibration_folds={folds}; at least {min_train + folds} rows are needed."
            )
        residuals = []
        for fold in range(folds):
            start = n - (folds - fold) * block
            origins = list(range(start, min(start + block, n - n_steps + 1)))
            if origins:
                model = self._cached_calibration_model(start)
                forecast = model._forecast_levels(self._y_fit, self._exog_fit, origins, n_steps)
                truth = np.stack([self._y_fit[o : o + n_steps] for o in origins])
                residuals.append(np.abs(truth - forecast))
        if not residuals:
            raise ValueError(f"y is too short to calibrate intervals {n_steps} steps ahead.")
        return np.concatenate(residuals)

    def _cached_calibration_model(self, n_train):
        # The fold models do not depend on the horizon: fit each once.
        if n_train not in self._calibration_models:
            self._calibration_models[n_train] = self._calibration_model(n_train)
        return self._calibration_models[n_train]

    def _calibration_model(self, n_train):
        # The calibration models repeat the fitted transforms, not the "auto" choices.
        model = clone(self).set_params(
            window_length=self.window_length_,
            seasonal_period=self.seasonal_period_,
            log=self.log_,
            seasonal_difference=self.seasonal_difference_,
            difference=self.difference_,
        )
        y = pd.DataFrame(self._y_fit[:n_train])
        exog = None if self._exog_fit is None else pd.DataFrame(self._exog_fit[:n_train])
        return model.fit(y, exog=exog)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.input_tags.one_d_array = True
        tags.input_tags.allow_nan = False
        return tags


def _flat_targets(Y):
    """Targets (n, horizon, C) as (n,) for one output, else (n, horizon * C) time-major."""
    flat = Y.reshape(len(Y), -1)
    return flat[:, 0] if flat.shape[1] == 1 else flat


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
        row[name] = FORECAST_METRICS[name](true_values, pred_values, model._y_fit, model.seasonal_period_)
    row.update(y_true=y_true, y_pred=y_pred)
    return row
