"""GlobalRNNForecaster: one recurrent network fitted on every series of a panel.

A *global* model learns from the windows of many series at once, which is
how recurrent networks win forecasting competitions (ES-RNN, N-BEATS): a
short series borrows the patterns of the others. The forecaster parses the
panel (``_panel.py``), puts each series on a normalised working scale and
cuts windows normalised by their own level (``_panel_scaling.py``), pools
them, fits one multi-output network predicting all ``horizon`` steps at once
(MIMO), and maps each forecast back to its series.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .._compat import HasMethods, Interval, StrOptions, _fit_context
from .._regressor import RNNRegressor
from ._ensemble import DefaultNetworkParams, adapt_to_windows
from ._index import INTEGER, future_index
from ._global_intervals import PanelIntervalsMixin
from ._global_partial import PanelPartialFitMixin
from ._metrics import seasonal_period_from_freq
from ._panel import long_frame, read_long_columns, read_panel, series_index
from ._panel_inputs import assemble, exog_rows, exog_windows, read_static, standardization
from ._panel_scaling import cut_windows, denormalize, fit_scaling, from_working, normalize, to_working, window_level

__all__ = ["GlobalRNNForecaster"]


def default_global_estimator():
    """The network used when ``estimator=None`` (documented in GlobalRNNForecaster)."""
    return RNNRegressor(
        hidden_layer_sizes=(32,),
        cell="gru",
        n_estimators=5,
        bidirectional=False,
        dropout=0.0,
        patch_size=1,
        standardize=True,
        solver="adam",
        learning_rate_init=0.005,
        alpha=1e-4,
        batch_size=128,
        max_iter=60,
        tol=1e-4,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=5,
    )


class GlobalRNNForecaster(DefaultNetworkParams, PanelPartialFitMixin, PanelIntervalsMixin, BaseEstimator):
    """Forecast every series of a panel with one recurrent network trained on all of them.

    ``fit(y)`` takes a panel (a long DataFrame with one row per series and
    time step, or a dict or list of pandas Series), puts each series on its
    own normalised scale, cuts windows of ``window_length`` steps followed by
    ``horizon`` targets from every series, and fits one network on all the
    windows together. ``predict()`` forecasts the ``horizon`` steps after
    the end of each series, on each series' own future time index, in the
    long format of the input.

    Parameters
    ----------
    estimator : regressor, default=None
        A multi-output scikit-learn regressor taking 3-D input ``(n_windows,
        n_timesteps, n_channels)``, such as :class:`~skrnn.RNNRegressor`;
        cloned in ``fit``, once per window length. Its ``random_state`` (one
        seed per clone, drawn from the forecaster's) and ``n_jobs`` are set
        from the forecaster's when it has them. None uses ``RNNRegressor(32,
        cell="gru", n_estimators=5, bidirectional=False, dropout=0.0,
        patch_size=1, learning_rate_init=0.005, batch_size=128, max_iter=60,
        early_stopping=True, validation_fraction=0.1, n_iter_no_change=5)``:
        five GRU networks from different seeds whose forecasts are averaged,
        stopped when a random 10% of the windows stops improving; tunable as
        ``set_params(estimator__hidden_layer_sizes=(64,))``.
    horizon : int, default=None
        Steps the network predicts at once from each window (required).
        :meth:`predict` forecasts up to `horizon` steps.
    window_length : int, list of int or "auto", default="auto"
        Past steps each forecast reads. A list fits one network per length
        on the windows of that length, and forecasts with their mean (on the
        normalised log scale with `log`). ``"auto"`` is the three lengths
        ``2/3 b``, ``b`` and ``4/3 b`` (rounded) for ``b = max(horizon, m)``
        with the seasonal period ``m``, each cut to the shortest series: on
        the validation split of M3 monthly (docs/forecast_quality.md) one
        horizon beat 1.5 horizons and two seasons, and the mean over three
        lengths beat one length with as many networks. Every series needs
        at least the longest window; those with fewer than ``window_length
        + horizon`` values give no training window of that length but are
        forecast.
    seasonal_period : int, default=None
        Seasonal period ``m``; None infers it from the frequency of the time
        values (:func:`~skrnn.seasonal_period_from_freq`; 1 for integer time).
    log : bool or "auto", default="auto"
        Model the logarithm of the values: windows are then normalised by
        their last log value alone, so the network learns relative changes
        and a squared error on them behaves like a relative error. ``"auto"``
        takes it when every value of every series is positive.
    deseasonalize : bool or "auto", default="auto"
        Remove each series' seasonal profile (classical decomposition, on the
        log scale with `log`) before windowing and add it back to the
        forecasts. ``"auto"``: for the series that pass the M3 competition's
        90% autocorrelation test at lag ``m`` (as its Naive2 benchmark).
    max_windows : int or None, default=24
        Keep only the last `max_windows` windows of each series: the most
        recent behaviour, and a training set that grows with the number of
        series, not their length. On the validation split of M3 monthly, 48
        windows or all of them were no better than 24 and took 2 to 3 times
        as long. None keeps all.
    id_col, time_col, target_col : str, default="unique_id", "ds", "y"
        Columns of a long DataFrame: series id, time, value.
    n_jobs : int, default=None
        Set as the network's ``n_jobs``: the seeds of the default network
        train in parallel processes (results do not depend on it).
    random_state : int, RandomState instance or None, default=None
        Set as the network's ``random_state``; one seed fixes the forecast.

    Attributes
    ----------
    estimators_ : list of regressors
        The fitted networks, one per window length (of `window_lengths_`).
    ids_ : list
        Ids of the series the forecaster holds, in the order of the panel.
    window_lengths_ : list of int
        Window lengths used, increasing.
    window_length_ : int
        The longest of them: the fewest values a series needs.
    seasonal_period_ : int
    log_ : bool
        Whether the log was taken.
    deseasonalized_ : dict
        Id -> whether that series' seasonal profile was removed.
    index_kind_ : {"datetime", "period", "integer"}
    freq_ : pandas.DateOffset or int
        Frequency of the time values (the step for integer time).
    cutoffs_ : dict
        Id -> last time value of the series.
    n_windows_ : int
        Training windows pooled over the series.
    target_name_ : str
        Name of the value column of forecasts.
    exog_names_, past_exog_names_, static_names_ : list or None
        Covariate columns seen in fit (None: no such covariates).

    Notes
    -----
    Two kinds of time-varying covariates, each a long DataFrame (`id_col`,
    `time_col`, one column per covariate), as for :class:`~skrnn.RNNForecaster`:

    - **known-future**, ``fit(y, exog=...)``: calendar features, planned
      promotions, whose values over the horizon are known when forecasting.
      The network reads ``window_length + horizon`` steps, the covariates of
      the steps it predicts last, so ``predict(exog=...)`` needs them.
    - **past-only**, ``fit(y, past_exog=...)``: another measured series
      (footfall, a sensor, a related market) observed up to each series' end
      and not after it. They are extra channels of the window's own steps
      (0 on the steps it predicts, with `exog`), so the network, which
      predicts every step at once from the origin, reads them up to the
      origin only and ``predict()`` needs nothing more; it reads each
      series' last ``window_length`` rows of them, kept from fit. Rows after
      a series' end are never read.

    Both are standardised over the panel (one mean and scale per column,
    over every series' rows), not per series or per window as the values
    are. Every check names the series or column it fails on. Intervals,
    :meth:`partial_fit` (every chunk with the same columns) and
    :func:`~skrnn.backtest_panel` (each fold reads `past_exog` up to its
    cutoff) take `past_exog` as :meth:`fit` does; the model pickles with
    the covariates it holds.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skrnn import GlobalRNNForecaster
    >>> t = np.arange(48)
    >>> panel = pd.concat([pd.DataFrame({"unique_id": name, "ds": pd.date_range(start, periods=48, freq="MS"),
    ...                                  "y": level * (1 + 0.3 * np.sin(2 * np.pi * t / 12))})
    ...                    for name, start, level in [("a", "2020-01", 10), ("b", "2021-06", 500)]])
    >>> model = GlobalRNNForecaster(horizon=3, max_windows=10, random_state=0).set_params(
    ...     estimator__n_estimators=1, estimator__max_iter=5)
    >>> forecast = model.fit(panel).predict()
    >>> forecast.groupby("unique_id")["ds"].first().dt.strftime("%Y-%m").to_dict()
    {'a': '2024-01', 'b': '2025-06'}
    """

    _default_network = staticmethod(default_global_estimator)  # what estimator=None means (DefaultNetworkParams)
    _past_exog = None  # what a model saved before past_exog existed holds

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "horizon": [Interval(Integral, 1, None, closed="left"), None],
        "window_length": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"}), list, tuple],
        "seasonal_period": [Interval(Integral, 1, None, closed="left"), None],
        "log": ["boolean", StrOptions({"auto"})],
        "deseasonalize": ["boolean", StrOptions({"auto"})],
        "max_windows": [Interval(Integral, 1, None, closed="left"), None],
        "id_col": [str],
        "time_col": [str],
        "target_col": [str],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        horizon=None,
        window_length="auto",
        seasonal_period=None,
        log="auto",
        deseasonalize="auto",
        max_windows=24,
        id_col="unique_id",
        time_col="ds",
        target_col="y",
        n_jobs=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.horizon = horizon
        self.window_length = window_length
        self.seasonal_period = seasonal_period
        self.log = log
        self.deseasonalize = deseasonalize
        self.max_windows = max_windows
        self.id_col = id_col
        self.time_col = time_col
        self.target_col = target_col
        self.n_jobs = n_jobs
        self.random_state = random_state

    # --- fit -----------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=False)  # the network validates itself
    def fit(self, y, exog=None, static=None, past_exog=None):
        """Fit one network on the windows of every series of the panel `y`.

        Parameters
        ----------
        y : pandas.DataFrame, dict of pandas.Series or list of pandas.Series
            The panel. A long DataFrame has one row per series and time step,
            with the columns `id_col`, `time_col` and `target_col`, the rows of
            each series in time order. A dict maps ids to Series indexed by
            time; a list of Series takes the Series' names as ids when they
            are distinct, else their positions. Time values are dates,
            periods or integers on one frequency for the whole panel (inferred
            per series); the series may have different lengths and starts.
        exog : pandas.DataFrame, default=None
            Known-future covariates in long format (columns `id_col`,
            `time_col` and one per covariate), with a row for every time step
            of every series; :meth:`predict` then needs their future rows.
        static : pandas.DataFrame, default=None
            One row of numeric features per series, the ids in a column
            `id_col` or as the index.
        past_exog : pandas.DataFrame, default=None
            Past-only covariates in long format (columns `id_col`, `time_col`
            and one per covariate), observed up to each series' end: a row
            for every time step of every series, and rows only for series of
            `y`. Rows after a series' end are not read; :meth:`predict` needs
            none.

        Returns
        -------
        self : GlobalRNNForecaster
        """
        panel = self._read(y)
        self._set_grid(panel)
        exog_rows_, self.exog_names_ = self._read_fit_exog(exog, panel)
        past_rows, self.past_exog_names_ = self._read_fit_past_exog(past_exog, panel)
        static_values, self.static_names_ = (None, None) if static is None else read_static(static, panel.ids, self.id_col)
        self._start_state(panel, exog_rows_, static_values, past_rows)
        return self._fit_network()

    def _fit_network(self):
        """Fit one network per window length on the windows of every series."""
        self.estimators_, self.n_windows_ = [], 0
        for L, seed in zip(self.window_lengths_, self._seeds()):
            X, Y = self._training_windows(range(len(self.ids_)), L)
            self.estimators_.append(self._new_network(len(X), seed).fit(X, Y))
            self.n_windows_ += len(X)
        self._calibration = None
        return self

    def _seeds(self):
        """The random_state of each window length's network: the forecaster's own for one length."""
        if len(self.window_lengths_) == 1 or self.random_state is None:
            return [self.random_state] * len(self.window_lengths_)
        rng = check_random_state(self.random_state)
        return [int(seed) for seed in rng.randint(np.iinfo(np.int32).max, size=len(self.window_lengths_))]

    def _read(self, y):
        if self.horizon is None:
            raise ValueError("GlobalRNNForecaster needs `horizon`, the number of steps its network predicts.")
        return read_panel(y, self.id_col, self.time_col, self.target_col)

    def _set_grid(self, panel):
        """Resolve the panel-wide choices: frequency, seasonal period, log, window length."""
        self.index_kind_, self.freq_ = panel.kind, panel.freq
        self.target_name_ = panel.target_name
        if self.seasonal_period is not None:
            self.seasonal_period_ = self.seasonal_period
        else:
            self.seasonal_period_ = seasonal_period_from_freq(None if panel.kind == INTEGER else panel.freq)
        self.log_ = self._resolve_log(panel)
        self.window_lengths_ = self._resolve_window_lengths(panel)
        self.window_length_ = max(self.window_lengths_)

    def _resolve_log(self, panel):
        positive = [bool((v > 0).all()) for v in panel.values]
        if self.log == "auto":
            return all(positive)
        if self.log and not all(positive):
            raise ValueError(f"log=True needs positive values; series {panel.ids[positive.index(False)]!r} has values <= 0.")
        return bool(self.log)

    def _resolve_window_lengths(self, panel):
        shortest = min(len(v) for v in panel.values)
        if self.window_length == "auto":
            base = max(self.horizon, self.seasonal_period_)
            candidates = (round(2 * base / 3), base, round(4 * base / 3))
            return sorted({max(1, min(c, shortest)) for c in candidates})
        lengths = [self.window_length] if isinstance(self.window_length, Integral) else list(self.window_length)
        if not lengths or not all(isinstance(L, Integral) and not isinstance(L, bool) and L >= 1 for L in lengths):
            raise ValueError(f"window_length must be a positive int, a list of them or 'auto'; got {self.window_length!r}.")
        for uid, v in zip(panel.ids, panel.values):
            if len(v) < max(lengths):
                raise ValueError(
                    f"series {uid!r} has {len(v)} values, fewer than window_length={max(lengths)}: "
                    "a forecast reads window_length past values. Lower window_length or drop the series."
                )
        return sorted(set(int(L) for L in lengths))

    def _start_state(self, panel, exog_rows_, static_values, past_rows=None):
        """Keep each series' values, seasonal profile and covariates; learn the covariate scaling."""
        self.ids_, self.cutoffs_ = list(panel.ids), dict(zip(panel.ids, panel.lasts))
        self._position = {uid: i for i, uid in enumerate(self.ids_)}
        self._values = list(panel.values)
        self._profiles = [fit_scaling(v, self.seasonal_period_, self.log_, self.deseasonalize) for v in self._values]
        self.deseasonalized_ = {uid: p is not None for uid, p in zip(self.ids_, self._profiles)}
        self._exog = None if exog_rows_ is None else list(exog_rows_)
        self._exog_mean, self._exog_scale = (None, None) if self._exog is None else standardization(self._exog)
        self._past_exog = None if past_rows is None else list(past_rows)
        self._past_mean, self._past_scale = (None, None) if past_rows is None else standardization(self._past_exog)
        self._static = static_values
        if static_values is not None:
            self._static_mean, self._static_scale = standardization([static_values])

    def _read_fit_exog(self, exog, panel, what="exog"):
        """The covariate rows (n_i, n_covariates) of each series of `panel` on its own time values, and their names."""
        if exog is None:
            return None, None
        parts, names = read_long_columns(exog, panel.ids, self.id_col, self.time_col, None, what)
        grid = (panel.kind, panel.freq)
        rows = [exog_rows(parts, uid, series_index(*grid, last, len(v)), what)
                for uid, last, v in zip(panel.ids, panel.lasts, panel.values)]
        return rows, names

    def _read_fit_past_exog(self, past_exog, panel):
        """As :meth:`_read_fit_exog`; rows of a series that `panel` does not hold raise (a misspelt id)."""
        rows, names = self._read_fit_exog(past_exog, panel, "past_exog")
        if rows is not None:
            known = set(panel.ids)
            unknown = [uid for uid in pd.unique(past_exog[self.id_col]) if uid not in known]
            if unknown:
                raise ValueError(f"past_exog has rows for series {unknown[0]!r}, which is not in y.")
        return rows, names

    def _new_network(self, n_windows, seed):
        network = clone(default_global_estimator() if self.estimator is None else self.estimator)
        params = network.get_params(deep=False)
        for name, value in (("random_state", seed), ("n_jobs", self.n_jobs)):
            if name in params and value is not None:
                network.set_params(**{name: value})
        if isinstance(network, RNNRegressor):
            adapt_to_windows(network, n_windows)  # early stopping and minibatch fit the windows
        return network

    # --- windows -------------------------------------------------------------------

    def _working(self, i, values=None):
        values = self._values[i] if values is None else values
        return to_working(values, self.log_, self._profiles[i])

    def _training_windows(self, positions, L):
        """Pooled inputs (n_windows, n_timesteps, n_channels) of windows of `L` steps, and targets (n_windows, horizon)."""
        h = self.horizon
        blocks, targets = [], []
        for i in positions:
            inputs, future = cut_windows(self._working(i), L, h, self.max_windows)
            level, spread = window_level(inputs, self.log_)
            exog = None if self._exog is None else exog_windows(self._scaled_exog(i), L, h, self.max_windows)
            past = None if self._past_exog is None else exog_windows(self._scaled_past(i), L, h, self.max_windows)[:, :L]
            blocks.append(assemble(normalize(inputs, level, spread), exog, self._static_rows(i, len(inputs)), past))
            targets.append(normalize(future, level, spread))
        X, Y = np.concatenate(blocks), np.concatenate(targets)
        if len(X) == 0:
            raise ValueError(
                f"no series has window_length + horizon = {L + h} values: there is no training window."
            )
        return X, Y

    def _scaled_exog(self, i, future=None):
        rows = self._exog[i] if future is None else np.concatenate([self._exog[i], future])
        return (rows - self._exog_mean) / self._exog_scale

    def _scaled_past(self, i):
        """Standardised past-only covariates of series `i`, on the rows of its values."""
        return (self._past_exog[i] - self._past_mean) / self._past_scale

    def _static_rows(self, i, n):
        if self._static is None:
            return None
        row = (self._static[i] - self._static_mean) / self._static_scale
        return np.repeat(row[np.newaxis], n, axis=0)

    # --- forecasting core ----------------------------------------------------------

    def _forecast_positions(self, positions, future_exog=None):
        """Forecasts of `horizon` steps after each series at `positions`, shape (n_positions, horizon).

        The mean, on the working scale, of the networks of every window length.
        `future_exog` holds one (horizon, n_exog) array of covariates of the forecast steps per position.
        """
        working = np.mean([
            self._forecast_working(positions, future_exog, L, network)
            for L, network in zip(self.window_lengths_, self.estimators_)
        ], axis=0)
        forecasts = np.stack([
            from_working(w, self.log_, self._profiles[i], len(self._values[i])) for w, i in zip(working, positions)
        ])
        if not np.isfinite(forecasts).all():
            raise ValueError("the network produced non-finite forecasts (overflow on the log scale?).")
        return forecasts

    def _forecast_working(self, positions, future_exog, L, network):
        """One network's forecasts on the working scale, shape (n_positions, horizon)."""
        h = self.horizon
        rows, levels, spreads = [], [], []
        for k, i in enumerate(positions):
            w = self._working(i)[-L:][np.newaxis]
            level, spread = window_level(w, self.log_)
            exog = None
            if self._exog is not None:
                exog = self._scaled_exog(i, future_exog[k])[-(L + h) :][np.newaxis]
            past = None if self._past_exog is None else self._scaled_past(i)[-L:][np.newaxis]
            rows.append(assemble(normalize(w, level, spread), exog, self._static_rows(i, 1), past))
            levels.append(level)
            spreads.append(spread)
        raw = np.asarray(network.predict(np.concatenate(rows)), dtype=np.float64).reshape(len(rows), h)
        return denormalize(raw, np.concatenate(levels), np.concatenate(spreads))

    # --- predict -------------------------------------------------------------------

    def predict(self, horizon=None, exog=None, ids=None):
        """Forecast the steps after the end of each series.

        Parameters
        ----------
        horizon : int, default=None
            Steps to forecast, at most the fitted `horizon` (None: all of them).
        exog : pandas.DataFrame, default=None
            Required when fitted with `exog`: the covariates of the
            `horizon` (fitted) future steps of each series, in long format.
        ids : list, default=None
            Series to forecast (default: all, in the order of `ids_`). Each must
            have been seen in fit: a global model forecasts the series it holds.

        Returns
        -------
        forecast : pandas.DataFrame
            Long format: columns `id_col`, `time_col` (each series' own future
            time values) and the value column named as in `y` (`target_col`
            for a DataFrame, the Series' shared name for dict / list input).
        """
        check_is_fitted(self)
        n_steps, positions = self._steps(horizon), self._positions(ids)
        forecasts = self._forecast_positions(positions, self._future_exog(exog, positions))[:, :n_steps]
        return self._frame(positions, forecasts[:, :, np.newaxis], [self.target_name_])

    def _steps(self, horizon):
        if horizon is None:
            return self.horizon
        if isinstance(horizon, (bool, np.bool_)) or not isinstance(horizon, Integral) or horizon < 1:
            raise ValueError(f"horizon must be a positive integer; got {horizon!r}.")
        if horizon > self.horizon:
            raise ValueError(
                f"the network predicts horizon={self.horizon} steps at once and cannot forecast "
                f"{horizon}; refit with horizon>={horizon}."
            )
        return int(horizon)

    def _positions(self, ids):
        if ids is None:
            return list(range(len(self.ids_)))
        unknown = [uid for uid in ids if uid not in self._position]
        if unknown:
            raise ValueError(
                f"series {unknown[0]!r} was not seen in fit: a global forecaster forecasts the series it "
                "was fitted on. Refit with it, or add it with partial_fit."
            )
        return [self._position[uid] for uid in ids]

    def _future_exog(self, exog, positions):
        """The covariates of the fitted horizon after each series, or None without exog."""
        if self.exog_names_ is None:
            if exog is not None:
                raise ValueError("exog was given but the forecaster was fitted without exog.")
            return None
        if exog is None:
            raise ValueError(f"the forecaster was fitted with exog: pass the covariates of the next {self.horizon} steps of each series.")
        ids = [self.ids_[i] for i in positions]
        if isinstance(exog, pd.DataFrame) and self.id_col in exog.columns:
            unknown = set(exog[self.id_col]) - set(self._position)
            if unknown:
                raise ValueError(f"exog has rows for series {sorted(map(str, unknown))[0]!r}, which was not seen in fit.")
        parts, _ = read_long_columns(exog, ids, self.id_col, self.time_col, self.exog_names_, "exog")
        grid = (self.index_kind_, self.freq_)
        return [exog_rows(parts, uid, future_index(*grid, self.cutoffs_[uid], self.horizon), "exog") for uid in ids]

    def _frame(self, positions, values, columns):
        ids = [self.ids_[i] for i in positions]
        lasts = [self.cutoffs_[uid] for uid in ids]
        return long_frame(ids, lasts, values, (self.index_kind_, self.freq_), (self.id_col, self.time_col, columns))
