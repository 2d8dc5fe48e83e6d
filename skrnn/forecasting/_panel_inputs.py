"""The network inputs of a panel's windows: the normalised values, and covariates as extra channels.

Without covariates a window is ``(window_length, 1)``: its normalised values.
Known-future covariates (``exog``) make it ``window_length + horizon`` steps
long: the past steps carry their value, their covariates and a 0 flag, the
future steps a 0 value, the covariates of the step to predict and a 1 flag,
so the network reads the future covariates last, right before predicting.
Past-only covariates (``past_exog``) join the value channel on the window's
own steps and are 0 on the steps it predicts, so a forecast reads them up to
its origin only. Static features of the series are repeated on every step.
"""

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view


def assemble(values, exog=None, static=None, past=None):
    """Stack the channels of windows into ``(n_windows, n_timesteps, n_channels)`` float64.

    The channels are, in order: the value, the past-only covariates, the flag
    of the predicted steps and the known-future covariates, the static features.

    Parameters
    ----------
    values : ndarray of shape (n_windows, window_length)
        Normalised values of each window.
    exog : ndarray of shape (n_windows, window_length + horizon, n_exog) or None
        Standardised covariates of the window's steps and of the steps it predicts.
    static : ndarray of shape (n_windows, n_static) or None
        Standardised static features of each window's series.
    past : ndarray of shape (n_windows, window_length, n_past_exog) or None
        Standardised past-only covariates of the window's own steps.
    """
    channels = values[:, :, np.newaxis]
    if past is not None:
        channels = np.concatenate([channels, past], axis=2)
    if exog is not None:
        n, n_future = len(values), exog.shape[1] - values.shape[1]
        padded = np.concatenate([channels, np.zeros((n, n_future, channels.shape[2]))], axis=1)
        flag = np.zeros((n, padded.shape[1], 1))
        flag[:, values.shape[1] :] = 1.0
        channels = np.concatenate([padded, flag, exog], axis=2)
    if static is not None:
        repeated = np.broadcast_to(static[:, np.newaxis, :], (len(values), channels.shape[1], static.shape[1]))
        channels = np.concatenate([channels, repeated], axis=2)
    return channels


def exog_windows(exog, window_length, horizon, max_windows=None):
    """Rows of `exog` (n, n_exog) under each training window of :func:`cut_windows`, and its targets.

    Returns an array of shape (n_windows, window_length + horizon, n_exog).
    """
    n_windows = len(exog) - window_length - horizon + 1
    if n_windows < 1:
        return np.empty((0, window_length + horizon, exog.shape[1]))
    rows = sliding_window_view(exog, window_length + horizon, axis=0).transpose(0, 2, 1)
    return rows if max_windows is None else rows[-max_windows:]


def standardization(blocks):
    """Column means and standard deviations over the rows of every block (1 for a constant column)."""
    stacked = np.concatenate(blocks)
    scale = stacked.std(axis=0)
    return stacked.mean(axis=0), np.where(scale > 0, scale, 1.0)


def read_static(static, ids, id_col):
    """Static features as a float64 array (n_series, n_static) in the order of `ids`, and their names.

    `static` is a DataFrame with one row per series: the ids in the column
    `id_col`, or as its index when it has no such column.
    """
    if not isinstance(static, pd.DataFrame):
        raise TypeError(f"static must be a DataFrame with one row per series; got {type(static).__name__}.")
    frame = static.set_index(id_col) if id_col in static.columns else static
    if frame.index.has_duplicates:
        raise ValueError(f"static has several rows for series {frame.index[frame.index.duplicated()][0]!r}.")
    for uid in ids:
        if uid not in frame.index:
            raise ValueError(f"static has no row for series {uid!r}.")
    for column, dtype in frame.dtypes.items():
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
            raise TypeError(f"static's column {column!r} has dtype {dtype}; it must hold real numbers.")
    values = frame.loc[list(ids)].to_numpy(dtype=np.float64, na_value=np.nan)
    if not np.isfinite(values).all():
        uid = ids[int(np.flatnonzero(~np.isfinite(values).all(axis=1))[0])]
        raise ValueError(f"static has NaN or infinite values for series {uid!r}.")
    return values, list(frame.columns)


def exog_rows(parts, uid, times, what):
    """The covariate rows of series `uid` at `times` (a pandas Index), or an error naming what is missing."""
    part = parts[uid]
    missing = times.difference(part.index)
    if len(missing):
        raise ValueError(f"{what} has no row for series {uid!r} at time {missing[0]}.")
    return part.loc[times].to_numpy(dtype=np.float64)
