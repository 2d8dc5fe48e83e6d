"""Per-series normalisation of a panel, so that series of any magnitude train one network.

Each series goes through two invertible steps before its windows are cut:

1. the *working scale*: ``w = log(y)`` (or ``y``) minus a seasonal profile,
   the mean of each phase of the season in a classical decomposition
   (centred moving-average trend), estimated on the training values and
   applied only when the series is seasonal by the M3 competition's 90%
   autocorrelation test, the test of its Naive2 benchmark;
2. per *window*, a level and a spread: the window's last working value is
   subtracted (N-BEATS and ES-RNN normalise by the last value), and without
   a log the result is divided by the mean absolute working value of the
   window, so that the network sees changes relative to the level.

Targets are normalised with the level and spread of their input window, and
forecasts mapped back with them: :func:`denormalize` then
:func:`from_working` undo :func:`normalize` and :func:`to_working` exactly
(up to rounding).
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# z of the one-sided 90% test of the M3 competition's seasonality test.
SEASONALITY_Z = 1.645


def autocorrelation(x, lag):
    """Sample autocorrelation of the 1-D `x` at `lag` (0 for a constant series)."""
    d = x - x.mean()
    total = d @ d
    return 0.0 if total == 0 else float(d[lag:] @ d[: len(d) - lag] / total)


def is_seasonal(x, m):
    """The M3 competition's test: ``|r_m| > 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n)``.

    Needs ``m > 1`` and three full seasons; shorter series are not seasonal.
    """
    if m <= 1 or len(x) < 3 * m:
        return False
    limit = SEASONALITY_Z * np.sqrt((1 + 2 * sum(autocorrelation(x, k) ** 2 for k in range(1, m))) / len(x))
    return abs(autocorrelation(x, m)) > limit


def seasonal_profile(w, m):
    """Additive seasonal profile of `w` (mean 0), entry ``j`` for the rows ``i`` with ``i % m == j``.

    Classical decomposition: the trend is the centred moving average over one
    season (2 x m for even m), the profile the mean of the detrended values
    of each phase, centred.
    """
    weights = np.ones(m) if m % 2 else np.r_[0.5, np.ones(m - 1), 0.5]
    trend = np.convolve(w, weights / m, mode="valid")
    half = (len(weights) - 1) // 2
    detrended = w[half : half + len(trend)] - trend
    phase = (np.arange(len(detrended)) + half) % m
    profile = np.array([detrended[phase == p].mean() for p in range(m)])
    return profile - profile.mean()


def fit_scaling(values, m, log, deseasonalize):
    """The seasonal profile of one series on its working scale, or None.

    Parameters
    ----------
    values : ndarray of shape (n,)
    m : int
        Seasonal period.
    log : bool
        Whether the working scale is the log (the values must be positive).
    deseasonalize : bool or "auto"
        True: always (needs two full seasons); "auto": when :func:`is_seasonal`.

    Returns
    -------
    profile : ndarray of shape (m,) or None
    """
    if m <= 1 or not deseasonalize or len(values) < 2 * m:
        return None
    w = np.log(values) if log else values
    if deseasonalize == "auto" and not is_seasonal(w, m):
        return None
    return seasonal_profile(w, m)


def _season(profile, start, n):
    """The profile on rows ``start .. start + n - 1`` (0 without a profile)."""
    if profile is None:
        return 0.0
    return profile[(start + np.arange(n)) % len(profile)]


def to_working(values, log, profile, start=0):
    """``log(values)`` (or `values`) minus the seasonal profile; `start` is the row of ``values[0]``."""
    if log and (values <= 0).any():
        raise ValueError("log=True needs strictly positive values.")
    w = np.log(values) if log else np.asarray(values, dtype=np.float64)
    return w - _season(profile, start, len(values))


def from_working(w, log, profile, start=0):
    """Inverse of :func:`to_working`."""
    w = w + _season(profile, start, w.shape[-1])
    return np.exp(w) if log else w


def cut_windows(w, window_length, horizon, max_windows=None):
    """Input windows and the `horizon` values after each, from the end of `w` backwards.

    Returns ``(inputs, targets)`` of shapes (n_windows, window_length) and
    (n_windows, horizon); at most the last `max_windows` windows.
    """
    n_windows = len(w) - window_length - horizon + 1
    if n_windows < 1:
        return np.empty((0, window_length)), np.empty((0, horizon))
    pairs = sliding_window_view(w, window_length + horizon)
    if max_windows is not None:
        pairs = pairs[-max_windows:]
    return pairs[:, :window_length], pairs[:, window_length:]


def window_level(inputs, log):
    """``(level, spread)`` of each input window, shapes (n_windows, 1).

    The level is the last value; the spread 1 on the log scale, else the mean
    absolute value of the window (1 for an all-zero window).
    """
    level = inputs[:, -1:]
    if log:
        return level, np.ones_like(level)
    spread = np.abs(inputs).mean(axis=1, keepdims=True)
    return level, np.where(spread > 0, spread, 1.0)


def normalize(values, level, spread):
    """``(values - level) / spread``, row by row."""
    return (values - level) / spread


def denormalize(values, level, spread):
    """Inverse of :func:`normalize`."""
    return values * spread + level
