"""RNNForecaster: forecast pandas time series with any scikit-learn regressor on windows.

The forecaster turns a series into a supervised problem: it transforms the
values (optional log, differencing, standardisation: ``_levels.py``), cuts
them into windows (``_windows.py``), fits clones of a regressor on the
flattened windows and averages them (``_ensemble.py``), and undoes the
transforms on the way out so forecasts come back in the units of the data,
on the future index (``_index.py``). Prediction intervals come from
backtests inside the training data (``_intervals.py``).

This module holds the parameters, ``fit``, ``predict`` and the forecasting
core every other method goes through (``_forecast_from``). The checks of
``fit`` are in ``_fitting.py``; the other public methods come from mixins,
one job each: ``score`` and ``observed_and_forecast`` (``_periods.py``),
``update``, ``fitted_values`` and ``residuals`` (``_in_sample.py``),
``predict_interval`` and ``predict_quantiles`` (``_interval_forecasts.py``);
the saved state is built in ``_state.py``.
"""

from functools import partial
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.metadata_routing import UNUSED
from sklearn.utils.validation import check_is_fitted

from .._compat import HasMethods, Interval, StrOptions, _fit_context
from ._covariates import CovariatesMixin
from ._ensemble import DefaultNetworkParams, default_estimator, mean_prediction, new_member
from ._fitting import (
    as_encoder_decoder,
    check_exog_reaches_the_scorer,
    check_length,
    check_seq2seq_estimator,
    fit_members,
    fitted_horizon,
    rows_needed,
    steps_to_model,
)
from ._in_sample import InSampleMixin
from ._index import (
    INTEGER,
    as_frame,
    check_future_exog,
    check_values,
    forecast_index,
    index_frequency,
    pandas_forecast,
    target_passed_twice,
)
from ._interval_forecasts import IntervalMixin
from ._intervals import ConformalCalibration
from ._levels import LevelTransform
from ._metrics import seasonal_period_from_freq
from ._periods import PeriodMixin
from ._state import object_state, plain_state
from ._windows import WINDOWS, auto_window_length, forecast_direct, forecast_recursive, training_windows

__all__ = ["RNNForecaster"]


class RNNForecaster(
    DefaultNetworkParams, CovariatesMixin, PeriodMixin, InSampleMixin, IntervalMixin, BaseEstimator
):
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
        when `y` has several columns or ``strategy="direct"``; an
        :class:`~skrnn.RNNRegressor` for ``"seq2seq"``). It is cloned
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
        in about a second on a few hundred windows. On a short series the
        default adapts: its minibatch is capped at the training windows, and
        with too few windows to hold out 2 for validation (fewer than 6)
        early stopping is switched off and it trains on all of them.
        The default is tunable like a given estimator:
        ``set_params(estimator__hidden_layer_sizes=(8,))``, or a grid over
        ``"estimator__hidden_layer_sizes"``, replaces None by that network
        (an ``RNNRegressor`` of the subclass ``DefaultForecastNetwork``,
        which keeps the adaptation) with the parameter changed;
        ``get_params()`` lists its parameters as ``estimator__*`` while
        `estimator` is None.
    window_length : int or "auto", default="auto"
        Number of past (transformed) steps each prediction sees. ``"auto"``
        is ``max(2 * m, 10)`` with ``m`` the seasonal period: two full
        seasons let the model compare this season with the last, and 10 steps
        are a reasonable memory for non-seasonal data. It is shortened for
        short series so that at least half of the transformed series is left
        for training windows.
    strategy : {"recursive", "direct", "seq2seq"}, default="recursive"
        ``"recursive"`` fits a one-step model and feeds it its own
        predictions, so it forecasts any horizon; errors can compound over
        long horizons. ``"direct"`` (MIMO) fits one model with `horizon`
        outputs predicting all steps at once: no compounding, often better
        when the horizon is fixed and the model has enough data for the
        extra outputs, but it cannot forecast beyond `horizon` and fits on
        ``horizon - 1`` fewer windows. With `exog` it needs
        ``window_length >= horizon``, so that a window holds the covariates
        of all the steps it predicts. Past-only covariates (`past_exog`)
        need it or ``"seq2seq"``: the recursive one would need their values
        after the origin. ``"seq2seq"`` is ``"direct"`` (same
        windows and targets) with an encoder–decoder: an :class:`~skrnn.RNNRegressor`
        (None, the default network, or a clone of yours) with ``output_steps=horizon``,
        whose decoder writes the steps in order, each fed the previous one, with
        weights shared across steps instead of one output per step: a path
        learnt as a sequence. Try it where ``"direct"`` suits; on the
        development splits of ``docs/forecast_quality.md`` it was level with
        ``"direct"`` and both were behind ``"recursive"``, the default. The
        covariates of the predicted steps reach the decoder
        (``n_future_features``), so any window length works with `exog`.
    horizon : int, default=None
        Number of steps the ``"direct"`` or ``"seq2seq"`` model predicts;
        required by them and ignored by ``"recursive"``.
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
    seasonal_adjustment : bool or "auto", default=False
        Without the seasonal difference, subtract the seasonal profile of a
        classical decomposition of the (log) levels before differencing and
        add it back to forecasts, for series of seasonal strength above 0.64
        (True and ``"auto"`` alike; ``LevelTransform``). Off by default:
        ahead on the forecast benchmark's development windows, behind on its
        test windows, a trade on generated series (docs/forecast_quality.md).
    seasonal_period : int, default=None
        Seasonal period ``m``, used for ``"auto"`` windows, the seasonal
        difference and the MASE of :meth:`score`. None infers it from the
        frequency with :func:`~skrnn.seasonal_period_from_freq`: the steps
        in the next natural cycle (12 monthly, 4 quarterly, 52 weekly, 7
        daily, 5 business-daily, 24 hourly, 96 for 15 minutes, 12 for 2
        hours; 1 for yearly data and an integer index).
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
    seasonal_profile_ : ndarray of shape (n_phases, n_targets) or None
        Profile subtracted at each of the `seasonal_period_` phases
        (`seasonal_adjustment`), else None.
    lags_ : list of int
        Differencing lags applied, in order.
    y_mean_, y_scale_ : ndarray of shape (n_targets,)
        Standardisation of the transformed targets.
    exog_mean_, exog_scale_ : ndarray of shape (n_exog,) or None
        Standardisation of the covariates; None without `exog`.
    past_exog_mean_, past_exog_scale_ : ndarray of shape (n_past_exog,) or None
        The same for the past-only covariates; None without `past_exog`.
    target_names_ : list
        Series name (one element) or DataFrame columns of `y`.
    exog_names_, past_exog_names_ : list or None
        Covariate columns seen in ``fit``; None without `exog` (`past_exog`).
    index_kind_ : {"datetime", "period", "integer"}
        Kind of index of `y`.
    freq_ : pandas.DateOffset or int
        Frequency of the index (the step for an integer index).
    cutoff_ : object
        Last index value of the training data; forecasts start one step later.
    n_windows_ : int
        Number of training windows.
    y_train_ : ndarray of shape (n_timesteps, n_targets)
        The values of `y` seen in ``fit``, followed by those of any
        :meth:`update` (a float64 copy): the history forecasts start from,
        and the scale of the MASE in :meth:`score`, :func:`backtest` and
        :func:`make_forecast_scorer`.
    exog_train_ : ndarray of shape (n_timesteps, n_exog) or None
        The covariates seen in ``fit`` and :meth:`update` (a float64 copy);
        None without `exog`.
    past_exog_train_ : ndarray of shape (n_timesteps, n_past_exog) or None
        The same for `past_exog`; forecasts read its last window.

    See Also
    --------
    backtest : Rolling-origin evaluation of a forecaster.
    make_forecast_scorer : Scorers for GridSearchCV and cross_val_score.

    Notes
    -----
    Model selection works with plain scikit-learn: ``GridSearchCV(forecaster,
    grid, cv=TimeSeriesSplit(n_splits, test_size=h)).fit(y)`` fits on each
    past and calls :meth:`score` on the following `h` steps;
    ``scoring=make_forecast_scorer(...)`` chooses another error.

    scikit-learn's own scoring strings (``"neg_mean_absolute_error"``,
    ``"r2"``...) compare ``predict(X_test)`` with the fold's ``y``, so pass the
    series as both ``X`` and ``y``: ``cross_val_score(forecaster, y, y,
    cv=..., scoring="neg_mean_absolute_error")``. scikit-learn then calls
    ``fit(y_train, y_train)``: a second argument equal to the first (same
    index and values) is read as that convention, not as covariates (a
    series cannot be its own known-future covariate), and ``predict(y_test)``
    forecasts the period of ``y_test``. With ``y`` passed once, scikit-learn
    calls those scorers without the truth and reports NaN with a warning,
    before the forecaster is asked anything; ``make_forecast_scorer(name)``
    takes the same names and needs ``y`` once. Training scores
    (``return_train_score=True``) have no meaning for a forecaster, which
    predicts only after its data: ``predict`` refuses the training period
    with an error saying so (reported as NaN train scores with that warning,
    or raised with ``error_score="raise"``); :meth:`fitted_values` gives
    the in-sample one-step predictions.

    Covariates passed as ``search.fit(y, exog=exog)`` are cut per fold for
    ``fit``, but without metadata routing scikit-learn does not hand them to
    the scorer, so every candidate would score NaN: inside a search
    (``GridSearchCV``, ``RandomizedSearchCV``...) ``fit`` then raises, and
    the search fails at once saying why (``cross_validate`` leaves no such
    sign: its scores are NaN, the scorer's error in the warning). Enable
    routing (``sklearn.set_config(enable_metadata_routing=True)``): the
    forecaster and :func:`make_forecast_scorer` request `exog` by default,
    and each fold then gets its own covariates for both.

    Covariates come in two kinds. Known-future ones (``fit(y, exog=...)``:
    calendar, holidays, planned prices) are known over the horizon: a window
    carries those of the steps it predicts, and :meth:`predict` needs their
    future values. Past-only ones (``fit(y, past_exog=...)``: footfall, a
    sensor, another measured series) are observed up to the forecast origin:
    a window carries them on its own rows only, so :meth:`predict` needs none
    and reads those of the last window (:meth:`update` moves the origin with
    them). The scorers need none either, so a search or ``cross_val_score``
    takes ``past_exog`` with or without metadata routing.

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

    Sales that follow footfall three weeks later: footfall is measured up to
    the origin, a past-only covariate, and 3 steps need none of its future.

    >>> import numpy as np
    >>> idx = pd.date_range("2020-01-06", periods=60, freq="W-MON")
    >>> footfall = pd.Series(np.random.default_rng(0).normal(100, 10, 60), index=idx)
    >>> sales = (0.5 * footfall.shift(3)).iloc[3:].rename("sales")
    >>> forecaster = RNNForecaster(Ridge(alpha=1e-6), strategy="direct", horizon=3,
    ...                            window_length=4, log=False, difference=0)
    >>> forecaster.fit(sales, past_exog=footfall.iloc[3:]).predict(3).round(1)
    2021-03-01    53.5
    2021-03-08    44.1
    2021-03-15    46.7
    Freq: W-MON, Name: sales, dtype: float64
    >>> (0.5 * footfall.iloc[-3:]).round(1).tolist()
    [53.5, 44.1, 46.7]
    """

    _default_network = staticmethod(default_estimator)  # what estimator=None means (DefaultNetworkParams)

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "window_length": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "strategy": [StrOptions({"recursive", "direct", "seq2seq"})],
        "horizon": [Interval(Integral, 1, None, closed="left"), None],
        "log": ["boolean", StrOptions({"auto"})],
        "difference": [Interval(Integral, 0, 2, closed="both"), StrOptions({"auto"})],
        "seasonal_difference": ["boolean", StrOptions({"auto"})],
        "seasonal_adjustment": ["boolean", StrOptions({"auto"})],
        "seasonal_period": [Interval(Integral, 1, None, closed="left"), None],
        "standardize": ["boolean"],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "n_calibration_folds": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    # Under metadata routing, GridSearchCV hands `exog` to fit and score, and
    # `past_exog` to fit (scoring needs none: the fitted model holds the values up to
    # its origin), without set_*_request calls; predict's `horizon` is an argument.
    __metadata_request__fit = {"exog": True, "past_exog": True}
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
        seasonal_adjustment=False,
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
        self.seasonal_adjustment = seasonal_adjustment
        self.seasonal_period = seasonal_period
        self.standardize = standardize
        self.n_estimators = n_estimators
        self.n_calibration_folds = n_calibration_folds
        self.random_state = random_state

    # --- fit -----------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=False)  # the estimator validates itself
    def fit(self, y, exog=None, past_exog=None):
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
            all `horizon` of them, hence ``window_length >= horizon``;
            ``"seq2seq"`` appends them to the window), so
            :meth:`predict` then needs their future values. Every column
            must hold numbers (int, float or bool). `y` itself (the same
            index and values) is read as scikit-learn's ``fit(X, y)`` with the
            series as both, and ignored (see Notes).
        past_exog : pandas.DataFrame or pandas.Series of shape (n_timesteps, n_past_exog), default=None
            Past-only covariates on the same index as `y`, observed up to the
            forecast origin and not after it (see Notes). Each window sees
            them on its own rows, so :meth:`predict` needs no values of them:
            it reads those of the last window, and :meth:`update` takes the
            new rows. Needs ``strategy="direct"`` or ``"seq2seq"``. Every
            column must hold numbers.

        Returns
        -------
        self : RNNForecaster
            Fitted forecaster.
        """
        if target_passed_twice(y, exog):
            exog = None
        check_exog_reaches_the_scorer(self, exog)
        frame, is_series = as_frame(y)
        values = check_values(frame)
        self.index_kind_, self.freq_ = index_frequency(frame.index)
        exog_values = self._fit_exog(exog, frame.index)
        past_values = self._fit_past_exog(past_exog, frame.index)
        horizon = fitted_horizon(self.strategy, self.horizon)
        if self.strategy == "seq2seq":
            check_seq2seq_estimator(self.estimator)
        self.seasonal_period_ = self._resolve_seasonal_period()
        z = self._fit_levels(values)
        self.window_length_ = self._resolve_window_length(len(z), horizon)
        check_length(len(values), self.window_length_, horizon, self.lags_)
        rows, exz = self._model_rows(z, past_values), self._scaled_exog(exog_values)
        X, targets = training_windows(self.strategy, rows, exz, self.window_length_, horizon, values.shape[1])
        self.n_windows_ = X.shape[0]
        new_estimator = partial(self._new_estimator, values.shape[1] + self._n_covariates())
        self.estimators_ = fit_members(new_estimator, X, targets, self.n_estimators, self.random_state)
        self.estimator_ = self.estimators_[0]
        self.target_names_ = list(frame.columns)
        self.cutoff_ = frame.index[-1]
        self._index_name, self._is_series = frame.index.name, is_series
        self.y_train_, self.exog_train_, self.past_exog_train_ = values, exog_values, past_values
        min_train = rows_needed(self.window_length_, horizon, self.lags_) + 1
        self._calibration = ConformalCalibration(
            self.n_calibration_folds, min_train, values, exog_values, past_values
        )
        return self

    def _resolve_seasonal_period(self):
        if self.seasonal_period is not None:
            return self.seasonal_period
        return seasonal_period_from_freq(None if self.index_kind_ == INTEGER else self.freq_)

    def _fit_levels(self, values):
        """Fit the level transforms on `values`; return the transformed series."""
        self._levels = LevelTransform(
            log=self.log,
            seasonal_difference=self.seasonal_difference,
            difference=self.difference,
            seasonal_period=self.seasonal_period_,
            standardize=self.standardize,
            seasonal_adjustment=self.seasonal_adjustment,
        ).fit(values)
        for name in ("log_", "seasonal_difference_", "difference_", "lags_", "seasonal_profile_"):
            setattr(self, name, getattr(self._levels, name))
        self.y_mean_, self.y_scale_ = self._levels.mean_, self._levels.scale_
        return self._levels.transform(values)

    def _resolve_window_length(self, n_transformed, horizon):
        if self.window_length != "auto":
            return self.window_length
        return auto_window_length(self.seasonal_period_, n_transformed, horizon)

    def _new_estimator(self, n_channels, random_state=None):
        member = new_member(self.estimator, n_channels, random_state)
        if self.strategy == "seq2seq":
            n_future = 0 if self.exog_names_ is None else len(self.exog_names_)
            as_encoder_decoder(member, self.horizon, n_future)
        return member

    # --- forecasting core ----------------------------------------------------------

    def _steps_to_model(self, horizon):
        """Steps the model must produce for a `horizon`-step forecast."""
        return steps_to_model(self.strategy, self.horizon, horizon)

    def _forecast_from(self, origins, n_steps, values, exog_values, past_values=None):
        """Forecast `n_steps` rows of `values` from each origin (rows ``[:origin]`` known).

        Returns an array of shape (n_origins, n_steps, n_targets) in the units of
        `values`. `exog_values` must cover the rows the model predicts;
        `past_values` (the past-only covariates) the rows of `values`, and only
        those before an origin are read.
        """
        z, exz = self._model_rows(self._levels.transform(values), past_values), self._scaled_exog(exog_values)
        ends = [o - self._levels.n_lost_ for o in origins]  # origins on the transformed rows
        histories = [z[:end] for end in ends]
        exogs = [None if exz is None else exz[: end + self._steps_to_model(n_steps)] for end in ends]
        predict = partial(mean_prediction, self.estimators_)
        if self.strategy == "recursive":
            scaled = forecast_recursive(predict, histories, exogs, self.window_length_, n_steps)
        else:
            windows = WINDOWS[self.strategy]
            scaled = forecast_direct(predict, histories, exogs, self.window_length_, self.horizon, n_steps, windows)
        return np.stack([self._levels.inverse_transform(s, values[:o]) for s, o in zip(scaled, origins)])

    # --- predict -------------------------------------------------------------------

    def predict(self, horizon, exog=None):
        """Forecast the steps after the end of the training data.

        Parameters
        ----------
        horizon : int, pandas.Index, pandas.Series, pandas.DataFrame or ndarray
            Number of steps, or the future index itself (it must start one
            step after the training data and follow its frequency), or a
            later period given by its observed values, as scikit-learn's
            scorers pass a test fold: the forecast then runs through any gap
            before that period (``TimeSeriesSplit(gap=...)``) and is returned
            on its index (its values are not read; a DataFrame's columns are
            matched to the training columns by name). An array has no index:
            its rows are read as the steps right after the training data.
            The training period itself is refused (see Notes).
        exog : pandas.DataFrame of shape (n_steps, n_exog), default=None
            Future covariates, required when fitted with `exog`: one row per
            forecast step from one step after the training data (through any
            gap), on the future index (``horizon`` rows for ``"direct"`` and
            ``"seq2seq"``, which predict all their steps at once).

        Returns
        -------
        y_pred : pandas.Series or pandas.DataFrame
            Forecast on the future index, with the name (Series) or columns
            (DataFrame) of the training `y`.
        """
        check_is_fitted(self)
        if isinstance(horizon, (pd.Series, pd.DataFrame, np.ndarray, list)):
            return self._forecast_period(horizon, exog)
        return self._forecast_steps(horizon, exog)

    def _forecast_steps(self, horizon, exog):
        """Forecast `horizon` steps (an int or the future index) after the training data."""
        index = forecast_index(self.index_kind_, self.freq_, self.cutoff_, horizon, self._index_name)
        model_steps = self._steps_to_model(len(index))
        grid = (self.index_kind_, self.freq_, self.cutoff_)
        exog_future = check_future_exog(exog, self.exog_names_, model_steps, grid)
        exog_values = None if exog_future is None else np.concatenate([self.exog_train_, exog_future])
        origin = len(self.y_train_)
        forecast = self._forecast_from([origin], len(index), self.y_train_, exog_values, self.past_exog_train_)[0]
        return pandas_forecast(forecast, index, self.target_names_, self._is_series)

    # --- saving --------------------------------------------------------------------

    def __getstate__(self):
        """The state as plain data, for pickle, joblib, ``copy`` and skops alike.

        The index grid (``freq_``, ``cutoff_``) is saved as a frequency string and
        integers, the level transform and the calibration cache as dicts, so that
        skops needs to trust no pandas type and no private skrnn class
        (docs/persistence.md). The calibration's copy of the training values is
        the array ``y_train_`` until :meth:`update`: it is then saved once.
        ``_state.py`` builds it and rebuilds the objects in ``__setstate__``.
        """
        return plain_state(super().__getstate__())

    def __setstate__(self, state):
        super().__setstate__(object_state(state))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.input_tags.one_d_array = True
        tags.input_tags.allow_nan = False
        return tags
