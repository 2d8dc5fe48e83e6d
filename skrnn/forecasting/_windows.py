"""Windows of the transformed series: the training pairs, and the inputs of each forecast.

:func:`supervised_windows` is the one place rows are aligned, for training
and prediction alike: it cuts windows with :func:`~skrnn.make_windows` and
flattens them time-major (``window_length * n_channels`` columns, the layout
any scikit-learn regressor and :class:`~skrnn.RNNRegressor` read). A forecast
asks it for the window that would predict the next rows if they were known
(:func:`input_window`), so the covariates a window carries at prediction are
the ones it carried in training: known-future covariates, ``horizon`` rows
later than the targets. The encoder–decoder of ``strategy="seq2seq"`` reads
the same windows and targets, its covariates on their own rows and those of
the predicted rows appended after the window (:func:`seq2seq_windows`, the
layout of ``RNNRegressor(n_future_features=...)``); :data:`WINDOWS` maps each
strategy to its windows, for training and prediction alike.

Here `z` is the transformed series, shape (n_rows, n_targets), and `exog`
its covariates on the same rows, shape (n_rows, n_exog), or None.
Past-only covariates travel as extra channels of `z` (``_covariates.py``):
a window holds them on its own rows only, never on the rows it predicts,
whose placeholders are zeros; :func:`training_windows` drops them from the
targets.
"""

import numpy as np

from .._windowing import make_windows


def auto_window_length(seasonal_period, n_rows, horizon):
    """``max(2 * m, 10)``, shortened to keep half of the `n_rows` for training windows."""
    return max(1, min(max(2 * seasonal_period, 10), (n_rows - horizon + 1) // 2))


def supervised_windows(z, exog, window_length, horizon):
    """Flattened input windows and their targets.

    Returns
    -------
    X : ndarray of shape (n_windows, window_length * (n_targets + n_exog))
        Window ``j`` holds rows ``[s_j, s_j + window_length)`` of `z` and rows
        ``[s_j + horizon, s_j + window_length + horizon)`` of `exog`, time-major.
    targets : ndarray of shape (n_windows,) or (n_windows, horizon * n_targets)
        The `horizon` rows of `z` after each window, time-major; 1-D for one output.
    """
    X, Y = make_windows(z, window_length, horizon, exog=exog)
    flat = Y.reshape(len(Y), -1)
    return X.reshape(len(X), -1), flat[:, 0] if flat.shape[1] == 1 else flat


def seq2seq_windows(z, exog, window_length, horizon):
    """Flattened inputs of an encoder–decoder and their targets (those of :func:`supervised_windows`).

    Without `exog`, the windows of :func:`supervised_windows`: the encoder
    reads them. With `exog`, each input is ``window_length + horizon`` steps,
    the layout of ``RNNRegressor(output_steps=horizon,
    n_future_features=n_exog)``: rows ``[s_j, s_j + window_length)`` of `z`
    and of `exog` (covariates on their own rows, so any window length
    works), then the `horizon` predicted rows, zeros in the target channels
    (placeholders the decoder does not read) and their covariates, the
    decoder's known future.

    Returns
    -------
    X : ndarray of shape (n_windows, n_steps * (n_targets + n_exog))
        Time-major, ``n_steps`` being `window_length` without `exog` and
        ``window_length + horizon`` with it.
    targets : ndarray of shape (n_windows,) or (n_windows, horizon * n_targets)
        As in :func:`supervised_windows`.
    """
    X, targets = supervised_windows(z, None, window_length, horizon)
    if exog is None:
        return X, targets
    rows = np.concatenate([z, exog], axis=1)
    steps = np.lib.stride_tricks.sliding_window_view(rows, window_length + horizon, axis=0)
    steps = np.array(steps.transpose(0, 2, 1))  # (n_windows, n_steps, n_channels), a copy
    steps[:, window_length:, : z.shape[1]] = 0.0  # the targets are not inputs
    return steps.reshape(len(steps), -1), targets


def step_targets(targets, horizon, n_targets):
    """Flattened targets as an encoder–decoder reads them: (n, horizon) or (n, horizon, n_targets)."""
    steps = np.asarray(targets).reshape(len(targets), horizon, n_targets)
    return steps[:, :, 0] if n_targets == 1 else steps


# The windows each strategy's model reads: an encoder–decoder's carry the covariates of its outputs after them.
WINDOWS = {"recursive": supervised_windows, "direct": supervised_windows, "seq2seq": seq2seq_windows}


def training_windows(strategy, z, exog, window_length, horizon, n_targets=None):
    """The flattened windows of `strategy` and their targets, as its model reads them.

    The first `n_targets` channels of `z` (None: all) are targets; any after
    them are past-only covariates, inputs of the window but not targets.
    """
    X, targets = WINDOWS[strategy](z, exog, window_length, horizon)
    if n_targets is not None and n_targets < z.shape[1]:
        targets = _first_channels(targets, horizon, z.shape[1], n_targets)
    n_targets = z.shape[1] if n_targets is None else n_targets
    return X, step_targets(targets, horizon, n_targets) if strategy == "seq2seq" else targets


def _first_channels(targets, horizon, n_channels, n_targets):
    """Flattened time-major targets of `n_channels` channels cut to the first `n_targets` (1-D for one output)."""
    flat = targets.reshape(len(targets), horizon, n_channels)[:, :, :n_targets].reshape(len(targets), -1)
    return flat[:, 0] if flat.shape[1] == 1 else flat


def input_window(history, exog, window_length, horizon, windows=supervised_windows):
    """Flattened input of the window that predicts the `horizon` rows after `history`.

    The window `windows` (:func:`supervised_windows` or
    :func:`seq2seq_windows`) would cut if those rows were known: they are
    given as placeholders and their targets dropped.

    Parameters
    ----------
    history : ndarray of shape (n_rows, n_targets)
        Known rows (at least `window_length`).
    exog : ndarray of shape (n_rows + horizon, n_exog) or None
        Covariates of the rows of `history` and of the `horizon` predicted rows.

    Returns
    -------
    x : ndarray of shape (window_length * (n_targets + n_exog),)
    """
    rows = np.concatenate([history[len(history) - window_length :], np.zeros((horizon, history.shape[1]))])
    exog = None if exog is None else exog[len(exog) - len(rows) :]
    return windows(rows, exog, window_length, horizon)[0][0]


def forecast_recursive(predict, histories, exogs, window_length, n_steps):
    """Forecast `n_steps` rows after each history, one step at a time.

    The one-step model's prediction joins the history the next window is cut from.

    Parameters
    ----------
    predict : callable
        Maps flattened windows (n_histories, n_columns) to the next rows.
    histories : list of ndarray of shape (n_rows, n_targets)
    exogs : list of ndarray of shape (n_rows + n_steps, n_exog) or None
        Covariates of each history and of its forecast steps.

    Returns
    -------
    forecast : ndarray of shape (n_histories, n_steps, n_targets)
    """
    n, n_targets = len(histories), histories[0].shape[1]
    buffer = np.stack([h[len(h) - window_length :] for h in histories])
    exogs = [None if e is None else e[len(e) - window_length - n_steps :] for e in exogs]
    for k in range(n_steps):
        n_rows = window_length + k + 1  # the rows of the buffer and the one predicted
        X = np.stack([input_window(b, _head(e, n_rows), window_length, 1) for b, e in zip(buffer, exogs)])
        step = predict(X)
        buffer = np.concatenate([buffer, step.reshape(n, 1, n_targets)], axis=1)
    return buffer[:, window_length:]


def forecast_direct(predict, histories, exogs, window_length, horizon, n_steps, windows=supervised_windows):
    """Forecast the first `n_steps` of the `horizon` rows a direct model predicts at once.

    Parameters are those of :func:`forecast_recursive`, each of `exogs`
    covering `horizon` steps after its history, which may carry past-only
    covariates after its target channels; `windows` cuts the inputs
    (:func:`seq2seq_windows` for an encoder–decoder, whose predictions of
    shape (n, horizon[, n_targets]) are read as the flattened ones).
    """
    X = np.stack([input_window(h, e, window_length, horizon, windows) for h, e in zip(histories, exogs)])
    # -1: the targets' channels, fewer than the histories' when they carry past-only covariates
    return np.asarray(predict(X)).reshape(len(histories), horizon, -1)[:, :n_steps]


def _head(exog, n_rows):
    return None if exog is None else exog[:n_rows]
