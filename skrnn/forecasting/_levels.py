"""The level transforms of a forecaster: log, seasonal adjustment or difference, differencing, standardisation.

:class:`LevelTransform` is fitted on a series, turns it into the stationary,
standardised series the windows are cut from, and turns forecasts of that
series back into the units of the data. Its ``"auto"`` choices are the small
pure functions below (:func:`needs_log`, :func:`needs_seasonal_difference`,
:func:`seasonal_profiles`, :func:`needs_difference`), each a published rule
with its threshold.

Rows are time, columns the target series: every array here is 2-D
``(n_timesteps, n_targets)``.
"""

import math

import numpy as np

# 5% critical value of the KPSS level-stationarity statistic (Kwiatkowski et al., 1992).
KPSS_CRITICAL_5PCT = 0.463
# A log is taken when log(block std) grows with log(block mean) by a slope at least this
# many standard errors above 0.5 (0: additive, 1: multiplicative variability).
LOG_SLOPE_MARGIN = 2.0
# Seasonal strength above which the seasonal difference is taken (R's forecast::nsdiffs).
SEASONAL_STRENGTH_THRESHOLD = 0.64
# Values whose binary exponent is beyond this (about 1e150 or 1e-150) are rescaled by a power
# of two before any arithmetic: their squares would overflow (or underflow) a float64.
EXTREME_EXPONENT = 500


# --- exactly invertible differencing ---------------------------------------------------


def difference(values, lags):
    """Apply ``x[t] - x[t - lag]`` for each lag in turn; drops ``sum(lags)`` rows."""
    for lag in lags:
        values = values[lag:] - values[:-lag]
    return values


def undifference(diffs, history, lags):
    """Integrate future rows of the differenced series back to levels.

    `history` holds the levels before the first future row (at least
    ``sum(lags)`` rows); each difference is undone from the last one applied,
    ``x[t] = d[t] + x[t - lag]``, with ``x[t - lag]`` from history or from the
    rows just rebuilt.
    """
    stages = [history]
    for lag in lags[:-1]:
        stages.append(difference(stages[-1], [lag]))
    out = diffs
    for lag, base in zip(reversed(lags), reversed(stages)):
        rebuilt = np.concatenate([base[-lag:], np.empty_like(out)])
        for i in range(len(out)):
            rebuilt[lag + i] = out[i] + rebuilt[i]
        out = rebuilt[lag:]
    return out


def power_of_two_unit(values):
    """A power of two near the largest absolute value of extreme magnitude, else 1.

    Dividing by a power of two is exact in floating point, so the arithmetic on
    ``values / unit`` gives the results on `values` scaled by exactly `unit`,
    without the overflow of squares (and sums) of values beyond about 1e154,
    nor the underflow of those of tiny values. Values whose binary exponent
    is within ``EXTREME_EXPONENT`` get 1: nothing changes for them.
    """
    largest = float(np.max(np.abs(values))) if values.size else 0.0
    exponent = math.frexp(largest)[1]  # largest = mantissa * 2 ** exponent, mantissa in [0.5, 1)
    if largest == 0 or abs(exponent) <= EXTREME_EXPONENT:
        return 1.0
    return math.ldexp(1.0, exponent)


def standardization(values, standardize=True):
    """Column means and standard deviations to standardise `values` with.

    A constant column gets scale 1; no standardisation (or no rows) gives
    means 0 and scales 1. Columns of extreme magnitude are computed on a power
    of two (:func:`power_of_two_unit`), so they do not overflow.
    """
    if not standardize or len(values) == 0:
        return np.zeros(values.shape[1]), np.ones(values.shape[1])
    units = np.array([power_of_two_unit(column) for column in values.T])
    scaled = values / units
    scale = scaled.std(axis=0) * units
    return scaled.mean(axis=0) * units, np.where(scale > 0, scale, 1.0)


# --- the "auto" rules -------------------------------------------------------------------


def kpss_statistic(x):
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


def needs_difference(values):
    """True when the KPSS test rejects level stationarity (5%) for some column.

    Series of 3 rows or fewer are left alone: the test says nothing about them.
    """
    if len(values) <= 3:
        return False
    return any(kpss_statistic(column) > KPSS_CRITICAL_5PCT for column in values.T)


def variability_slope(x, block):
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


def needs_log(values, m):
    """True when all values are positive and every column's spread grows with its level.

    The slope of :func:`variability_slope` must exceed 0.5 (closer to
    multiplicative than to additive) by ``LOG_SLOPE_MARGIN`` standard errors:
    with a level that barely moves the slope is undetermined, and the log
    then changes little anyway.
    """
    if (values <= 0).any():
        return False
    for column in values.T:
        fit = variability_slope(column, max(m, 2))
        if fit is None or fit[0] - LOG_SLOPE_MARGIN * fit[1] <= 0.5:
            return False
    return True


def _classical_decomposition(x, m):
    """``(detrended, phase, profile)`` of a classical additive decomposition of a 1-D series.

    The trend is the centred moving average over one season (2 x m for even m);
    ``detrended`` are the values minus it (the rows it covers), ``phase`` the
    position in the season of each of those rows (row ``t`` of `x` has phase
    ``t % m``), ``profile`` the mean detrended value at each phase, centred.
    """
    weights = np.ones(m) if m % 2 else np.r_[0.5, np.ones(m - 1), 0.5]
    trend = np.convolve(x, weights / m, mode="valid")
    half = (len(weights) - 1) // 2
    detrended = x[half : half + len(trend)] - trend
    phase = (np.arange(len(detrended)) + half) % m
    profile = np.array([detrended[phase == p].mean() for p in range(m)])
    return detrended, phase, profile - profile.mean()


def seasonal_strength(x, m):
    """Hyndman's seasonal strength ``max(0, 1 - Var(R) / Var(S + R))`` of a 1-D series.

    Classical additive decomposition (:func:`_classical_decomposition`): the
    seasonal component S is the profile, the remainder R what is left.
    """
    detrended, phase, profile = _classical_decomposition(x, m)
    remainder = detrended - profile[phase]
    total = detrended.var()
    return 0.0 if total == 0 else max(0.0, 1 - remainder.var() / total)


def seasonal_profiles(values, m):
    """Seasonal profiles (m, n_targets) of the strongly seasonal columns, zeros for the others.

    A column gets the profile of its classical decomposition (row ``t`` has
    phase ``t % m``) when m > 1, there are 3 full seasons and its seasonal
    strength exceeds ``SEASONAL_STRENGTH_THRESHOLD``: the test of
    :func:`needs_seasonal_difference`, R's ``nsdiffs`` rule. Returns None
    when no column gets one. Subtracting the profile is the seasonal
    adjustment of classical decomposition (and the seasonal normalisation of
    ES-RNN): unlike the seasonal difference it does not add the noise of the
    previous season to every value.
    """
    if m < 2 or len(values) < 3 * m:
        return None
    profiles = np.zeros((m, values.shape[1]))
    for j, column in enumerate(values.T):
        if seasonal_strength(column, m) > SEASONAL_STRENGTH_THRESHOLD:
            profiles[:, j] = _classical_decomposition(column, m)[2]
    return profiles if profiles.any() else None


def needs_seasonal_difference(values, m):
    """True when m > 1, there are 3 full seasons and some column is strongly seasonal."""
    if m < 2 or len(values) < 3 * m:
        return False
    return any(seasonal_strength(c, m) > SEASONAL_STRENGTH_THRESHOLD for c in values.T)


# --- the fitted transform ---------------------------------------------------------------


class LevelTransform:
    """Log, seasonal adjustment or difference, ordinary differences and standardisation, fitted on a series.

    Applied in that order: ``z = (diff(log(y / unit) - s) - mean) / scale``, where
    ``s`` is the seasonal profile at each row's phase (0 unless
    `seasonal_adjustment`) and ``unit`` is 1 except for values of extreme magnitude (beyond about 1e150 or
    1e-150), which are first divided by a power of two near their largest
    absolute value: exactly, so that no square or sum overflows. Each
    ``"auto"`` choice is decided on the series as transformed so far (the
    ordinary difference after the seasonal one, as R's ``ndiffs`` after
    ``nsdiffs``). The parameters mean what the :class:`RNNForecaster`
    parameters of the same names do.

    The seasonal profile is tied to the rows' phases counted from the first
    row of the fitted series: :meth:`transform` and :meth:`inverse_transform`
    take series that start at that row (it, or it extended by later rows).

    Parameters
    ----------
    log : bool or "auto"
    seasonal_difference : bool or "auto"
    difference : {0, 1, 2} or "auto"
    seasonal_period : int
        Seasonal period ``m``, at least 1.
    standardize : bool
    seasonal_adjustment : bool or "auto", default=False
        Without the seasonal difference, subtract the classical-decomposition
        seasonal profile of the (log) levels before the ordinary difference
        (whose ``"auto"`` test then sees the adjusted series), and add it back
        to forecasts. ``"auto"`` and True do it for the columns
        :func:`seasonal_profiles` finds strongly seasonal (m > 1, 3 full
        seasons, seasonal strength above 0.64). Off by default: ahead of the
        default on the development windows of
        ``benchmarks/forecast_quality.py``, but a trade on the generated
        series of ``benchmarks/forecast_synthetic.py``
        (``docs/forecast_quality.md``). ``RNNForecaster`` passes its own
        `seasonal_adjustment` here.

    Attributes
    ----------
    log_ : bool
    seasonal_difference_ : bool
    difference_ : int
        The choices made, "auto" resolved.
    seasonal_profile_ : ndarray of shape (m, n_targets) or None
        The profile subtracted at each phase (zeros for a column not
        adjusted); None when nothing is.
    lags_ : list of int
        Differencing lags applied, in order.
    n_lost_ : int
        Rows the differences drop at the start, ``sum(lags_)``: the rows of
        history :meth:`inverse_transform` needs.
    unit_ : float
        The power of two the values are divided by first (1 for ordinary values).
    mean_, scale_ : ndarray of shape (n_targets,)
        Standardisation of the differenced series (0 and 1 without it).
    """

    def __init__(
        self, *, log, seasonal_difference, difference, seasonal_period, standardize, seasonal_adjustment=False
    ):
        self.log = log
        self.seasonal_difference = seasonal_difference
        self.seasonal_adjustment = seasonal_adjustment
        self.difference = difference
        self.seasonal_period = seasonal_period
        self.standardize = standardize

    def fit(self, values):
        """Resolve the "auto" choices and learn the standardisation on `values`.

        Parameters
        ----------
        values : ndarray of shape (n_timesteps, n_targets)
            The training series, rows in time order.

        Returns
        -------
        self : LevelTransform
            The fitted transform.
        """
        m = self.seasonal_period
        self.unit_ = power_of_two_unit(values)
        self.log_ = needs_log(values / self.unit_, m) if self.log == "auto" else bool(self.log)
        levels = self._to_levels(values)
        self.seasonal_difference_ = self._resolve_seasonal_difference(levels)
        self.seasonal_profile_ = self._resolve_seasonal_profile(levels)
        levels = self._deseasonalized(levels, 0)
        seasonal_lags = [m] * self.seasonal_difference_
        if self.difference == "auto":
            self.difference_ = int(needs_difference(difference(levels, seasonal_lags)))
        else:
            self.difference_ = self.difference
        self.lags_ = seasonal_lags + [1] * self.difference_
        self.n_lost_ = sum(self.lags_)
        # With no rows left after differencing the forecaster reports the short series.
        self.mean_, self.scale_ = standardization(difference(levels, self.lags_), self.standardize)
        return self

    def _resolve_seasonal_profile(self, levels):
        if self.seasonal_difference_ or not self.seasonal_adjustment:
            return None
        return seasonal_profiles(levels, self.seasonal_period)

    def _deseasonalized(self, levels, start, sign=-1):
        """`levels` minus (`sign` +1: plus) the seasonal profile; row ``i`` is row ``start + i`` of the series."""
        profile = getattr(self, "seasonal_profile_", None)  # None too in a transform saved before it existed
        if profile is None:
            return levels
        return levels + sign * profile[(start + np.arange(len(levels))) % len(profile)]

    def _resolve_seasonal_difference(self, levels):
        m = self.seasonal_period
        if self.seasonal_difference == "auto":
            return needs_seasonal_difference(levels, m)
        if self.seasonal_difference and m <= 1:
            raise ValueError(
                "seasonal_difference=True needs a seasonal period > 1; the seasonal "
                f"period is {m}. Set seasonal_period, or use "
                "difference for a first difference."
            )
        return bool(self.seasonal_difference)

    def transform(self, values):
        """The standardised, differenced series: ``n_lost_`` rows fewer than `values`.

        Parameters
        ----------
        values : ndarray of shape (n_timesteps, n_targets)
            A series with the columns of the training series (it, or it
            extended by later rows).

        Returns
        -------
        z : ndarray of shape (n_timesteps - n_lost_, n_targets)
            Row ``i`` of `z` stands for row ``i + n_lost_`` of `values`.
        """
        levels = self._deseasonalized(self._to_levels(values), 0)
        return (difference(levels, self.lags_) - self.mean_) / self.scale_

    def inverse_transform(self, z, history):
        """The values of the rows `z` stands for, right after `history`.

        Parameters
        ----------
        z : ndarray of shape (n_steps, n_targets)
            Rows of the transformed series (a forecast of it).
        history : ndarray of shape (n_history, n_targets)
            The values before the first row of `z`, from the first row of
            the fitted series, in the units of the data; only the last
            ``n_lost_`` rows and the length are read.

        Returns
        -------
        values : ndarray of shape (n_steps, n_targets)
        """
        start = len(history) - self.n_lost_
        levels = self._deseasonalized(self._to_levels(history[start:]), start)
        out = undifference(z * self.scale_ + self.mean_, levels, self.lags_)
        out = self._deseasonalized(out, len(history), sign=1)
        out = np.exp(out) if self.log_ else out
        return out if self.unit_ == 1.0 else out * self.unit_

    def _to_levels(self, values):
        if self.unit_ != 1.0:
            values = values / self.unit_
        if not self.log_:
            return values
        if (values <= 0).any():
            raise ValueError("log=True needs strictly positive values; y has values <= 0.")
        return np.log(values)
