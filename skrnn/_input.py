"""Turn the input formats skrnn accepts into the engine's padded 3-D arrays.

Three formats reach the estimators (see the README's input table):

* a 3-D array ``(n_samples, n_timesteps, n_features)``, used as is;
* a 2-D array or DataFrame ``(n_samples, n_timesteps * n_channels)``, read time-major;
* a list of ``(T_i, n_features)`` or ``(T_i,)`` arrays of different lengths.

All become one array ``(n_samples, T_max, n_features)`` plus ``lengths``. Shorter sequences
are padded at the *front* (their valid steps are right-aligned) because then every
sequence's last valid step is the last column, which is what a many-to-one head reads.
"""

import numpy as np
from sklearn.utils.validation import check_array

from ._compat import validate_data

TABULAR = "tabular"
SEQUENCES = "sequences"
# The dtypes the transformers keep (scikit-learn's `dtype=` list: any other becomes the first).
FLOAT_DTYPES = [np.float64, np.float32]


def as_sequence_list(X, expect_sequences=False):
    """Return ``X`` as a list of arrays if it is a list of sequences, else ``None``.

    A list of 2-D arrays, or of 1-D arrays of unequal lengths, is a list of sequences.
    A list of equally long flat rows stays what scikit-learn makes of it, a 2-D table,
    unless the estimator was fitted on sequences (``expect_sequences``): then a list of
    equally long 1-D sequences, e.g. a single one, is read as sequences too.
    """
    if not isinstance(X, (list, tuple)) or len(X) == 0:
        return None
    ranks = {np.ndim(x) for x in X}
    if ranks == {2}:
        return list(X)
    if ranks == {1} and (expect_sequences or len({len(x) for x in X}) > 1):
        return list(X)
    return None


def object_array_as_list(X):
    """A 1-D object array of arrays (what ``np.array(sequences, dtype=object)`` makes of
    ragged sequences) as the list of sequences it holds; anything else unchanged."""
    if (
        isinstance(X, np.ndarray)
        and X.dtype == object
        and X.ndim == 1
        and X.size
        and all(np.ndim(x) >= 1 for x in X)
    ):
        return list(X)
    return X


def is_sequence_list(X):
    """Whether ``X`` is given as a list of sequences (per-step outputs are then a list)."""
    return isinstance(object_array_as_list(X), (list, tuple))


def _dtypes(part):
    """The dtypes of an array-like without converting it (one per DataFrame column)."""
    if hasattr(part, "dtypes") and not hasattr(part, "dtype"):  # a DataFrame
        return list(part.dtypes)
    if hasattr(part, "dtype"):
        return [part.dtype]
    try:
        return [np.asarray(part).dtype]
    except (ValueError, TypeError):  # ragged nested lists: check_array will explain
        return []


def check_numeric_dtype(part, name):
    """Refuse what ``check_array`` would silently turn into numbers, or dump whole.

    Dates and durations (datetime64, timedelta64) become counts of days or nanoseconds
    since 1970 (TypeError: convert them to features yourself); complex numbers get
    scikit-learn's "Complex data not supported", here without printing the array.
    """
    for dtype in _dtypes(part):
        kind = getattr(dtype, "kind", None)
        if kind in ("m", "M"):
            raise TypeError(
                f"{name} holds {dtype} values: dates and durations are not numbers to "
                "skrnn. Convert them to numeric features first (e.g. elapsed seconds, "
                "day of week)."
            )
        if kind == "c":
            raise ValueError(
                f"Complex data not supported: {name} has dtype {dtype}; pass its real "
                "and imaginary parts as separate features."
            )


def _rank(X):
    """Rank of an array-like; 0 when NumPy cannot tell (scikit-learn then explains)."""
    if hasattr(X, "columns") or hasattr(X, "tocsr"):  # DataFrame or sparse: a table
        return 2
    try:
        return np.ndim(X)
    except (ValueError, TypeError):  # inhomogeneous nested lists, exotic array-likes
        return 0


def _check_one_sequence(x, index, dtype):
    x = check_array(
        x, ensure_2d=False, dtype=dtype, ensure_min_samples=0, input_name=f"X[{index}]"
    )
    if x.ndim == 1:
        x = x[:, np.newaxis]
    if x.ndim != 2:
        raise ValueError(f"X[{index}] must be 1-D (T,) or 2-D (T, n_features); got {x.ndim}-D.")
    if x.shape[0] == 0:
        raise ValueError(f"X[{index}] is an empty sequence (0 time steps).")
    if x.shape[1] == 0:
        raise ValueError(f"X[{index}] has 0 features.")
    return x


def _pad_plain_sequences(sequences, dtype):
    """The common case of :func:`pad_sequences` at one NumPy call per list, not one
    ``check_array`` per sequence (~0.2 ms each: a fit on 8,000 short sequences spent
    1.4 s there): numeric ndarrays of one rank, none empty, as many features each, all
    finite once cast to ``dtype``. Returns None for anything else, which the
    per-sequence checks then name (the same messages, the same first offender)."""
    if not all(type(x) is np.ndarray and x.dtype.kind in "biuf" and x.ndim in (1, 2)
               for x in sequences):
        return None
    shapes = {x.shape[1:] for x in sequences}
    lengths = np.array([len(x) for x in sequences], dtype=np.intp)
    if len(shapes) != 1 or 0 in shapes.pop() or not lengths.all():
        return None
    # each sequence cast straight to dtype, as check_array's astype does; an overflow
    # to inf falls back to check_array, which warns and explains it once
    with np.errstate(over="ignore"):
        steps = np.concatenate(sequences, dtype=dtype, casting="unsafe")
    steps = steps.reshape(len(steps), -1)
    if not np.isfinite(steps).all():
        return None
    X = np.zeros((len(sequences), lengths.max(), steps.shape[1]), dtype=dtype)
    X[valid_step_mask(lengths, X.shape[1])] = steps  # row by row, right-aligned
    return X, lengths


def pad_sequences(sequences, dtype):
    """Validate a list of sequences and right-align them in one zero-padded array.

    Returns
    -------
    X : ndarray of shape (n_samples, T_max, n_features)
    lengths : ndarray of shape (n_samples,)
    """
    padded = _pad_plain_sequences(sequences, dtype)
    if padded is not None:
        return padded
    checked = [_check_one_sequence(x, i, dtype) for i, x in enumerate(sequences)]
    n_features = {x.shape[1] for x in checked}
    if len(n_features) > 1:
        raise ValueError(
            "All sequences in X must have the same number of features; got "
            f"feature counts {sorted(n_features)}."
        )
    lengths = np.array([x.shape[0] for x in checked], dtype=np.intp)
    X = np.zeros((len(checked), lengths.max(), n_features.pop()), dtype=dtype)
    for row, x in zip(X, checked):
        row[len(row) - len(x):] = x
    return X, lengths


def _check_item_ranks(X):
    """A list that is neither a table nor a list of sequences: say which item is wrong,
    instead of NumPy's "inhomogeneous shape" from stacking it."""
    try:
        ranks = [np.ndim(x) for x in X]
    except ValueError:  # an item is itself ragged: check_array will explain
        return
    for i, rank in enumerate(ranks):
        if rank > 2:
            raise ValueError(
                f"X[{i}] must be one sequence, 1-D (T,) or 2-D (T, n_features); got a "
                f"{rank}-D array. Pass a 3-D X as one array, not a list of arrays.")
    if {1, 2} <= set(ranks):
        raise ValueError(
            f"X mixes 1-D and 2-D sequences (X[{ranks.index(1)}] is 1-D, "
            f"X[{ranks.index(2)}] is 2-D); give every sequence the same rank.")


def _check_3d(X, dtype):
    X = check_array(X, allow_nd=True, dtype=dtype, ensure_min_features=0)
    if X.ndim != 3:
        raise ValueError(
            "X must be 2-D (n_samples, n_timesteps * n_channels), 3-D (n_samples, "
            f"n_timesteps, n_features) or a list of sequences; got a {X.ndim}-D array."
        )
    if X.shape[1] == 0:
        raise ValueError("X has 0 time steps (axis 1 of a 3-D X must not be empty).")
    if X.shape[2] == 0:
        raise ValueError("X has 0 features (axis 2 of a 3-D X must not be empty).")
    return X


def _check_n_features(estimator, n_features, reset):
    if reset:
        estimator.n_features_in_ = n_features
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
    elif n_features != estimator.n_features_in_:
        raise ValueError(
            f"X has {n_features} features per time step, but {type(estimator).__name__} "
            f"is expecting {estimator.n_features_in_} features as input."
        )


def _check_input_kind(estimator, kind, reset):
    if reset:
        estimator._input_kind = kind
    elif kind != estimator._input_kind:
        fitted = "2-D X (one series per row)" if estimator._input_kind == TABULAR else (
            "3-D X or a list of sequences")
        raise ValueError(
            f"{type(estimator).__name__} was fitted on {fitted}; pass X in the same format."
        )


def _tabular_to_3d(X, n_channels):
    """Split each row of ``n_timesteps * n_channels`` values into time steps."""
    n_samples, n_columns = X.shape
    if n_columns % n_channels:
        raise ValueError(
            f"X has {n_columns} columns, which is not divisible by n_channels={n_channels}: "
            "a 2-D X is read as n_timesteps * n_channels values per row, time-major."
        )
    return X.reshape(n_samples, n_columns // n_channels, n_channels)


def check_X(estimator, X, *, reset, dtype):
    """Validate ``X`` at the estimator boundary and return the engine's input.

    Parameters
    ----------
    estimator : BaseRNN
        Records ``n_features_in_`` (and ``feature_names_in_``) when ``reset``.
    X : array-like or list of array-like
        Any of the three input formats.
    reset : bool
        Whether this is a fit (record the input's shape) or a later call (check it).
    dtype : dtype
        Compute dtype.

    Returns
    -------
    X3 : ndarray of shape (n_samples, n_timesteps, n_features)
    lengths : ndarray of shape (n_samples,) or None
        Valid steps per sequence (right-aligned), ``None`` when all have ``n_timesteps``.
    """
    X = object_array_as_list(X)
    if isinstance(X, (list, tuple)) and len(X) == 0 or (
            isinstance(X, np.ndarray) and X.ndim >= 1 and X.shape[0] == 0):
        raise ValueError(
            f"X is empty: it holds 0 samples (shape {np.shape(X)}); pass at least one "
            "sequence.")
    expect_sequences = not reset and getattr(estimator, "_input_kind", None) == SEQUENCES
    sequences = as_sequence_list(X, expect_sequences)
    if sequences is None and isinstance(X, (list, tuple)):
        _check_item_ranks(X)
    for i, part in enumerate(sequences) if sequences is not None else [(None, X)]:
        check_numeric_dtype(part, "X" if i is None else f"X[{i}]")
    if sequences is None and _rank(X) < 3:
        _check_input_kind(estimator, TABULAR, reset)
        X2 = validate_data(estimator, X, reset=reset, dtype=dtype)
        if reset:  # later calls read X as it was read at fit, whatever set_params did
            estimator._fit_n_channels = estimator.n_channels
        return _tabular_to_3d(X2, estimator._fit_n_channels), None
    _check_input_kind(estimator, SEQUENCES, reset)
    if sequences is not None:
        X3, lengths = pad_sequences(sequences, dtype)
    else:
        X3, lengths = _check_3d(X, dtype), None
    _check_n_features(estimator, X3.shape[2], reset)
    if lengths is not None and np.all(lengths == X3.shape[1]):
        lengths = None
    return X3, lengths


def pad_sequence_targets(y, n_samples, n_timesteps, lengths):
    """Bring per-step targets to shape ``(n_samples, n_timesteps, ...)``, right-aligned.

    ``y`` is an array whose first two axes are ``(n_samples, n_timesteps)`` or, for ragged
    ``X``, a list of ``(T_i,)`` / ``(T_i, n_outputs)`` arrays. Padded steps repeat the
    sequence's first target, so that label encoders never see an invented value; they carry
    zero weight in the loss.
    """
    y = object_array_as_list(y)
    if lengths is not None and not isinstance(y, (list, tuple)):
        raise ValueError(
            "X holds sequences of different lengths: pass y as a list of per-sequence "
            "targets, one array of length T_i for each X[i] (a padded array would have to "
            "guess where the padding is)."
        )
    if isinstance(y, (list, tuple)):
        if lengths is None:  # equally long sequences: check each row all the same
            lengths = np.full(n_samples, n_timesteps)
        return _right_aligned_targets(_target_rows(y, n_samples), lengths, n_timesteps)
    Y = np.asarray(y)
    if Y.ndim < 2 or Y.shape[:2] != (n_samples, n_timesteps):
        raise ValueError(
            "With return_sequences=True, y must have one target per time step: shape "
            f"({n_samples}, {n_timesteps}) or ({n_samples}, {n_timesteps}, n_outputs); got "
            f"{Y.shape}."
        )
    return Y


def _target_rows(y, n_samples):
    """The per-sequence targets of a list `y` as arrays, one for each of the `n_samples` rows of X."""
    if len(y) != n_samples:
        raise ValueError(f"y has {len(y)} sequences but X has {n_samples}.")
    return [np.asarray(y_i) for y_i in y]


def _check_outputs_per_step(rows, i):
    """Raise unless ``rows[i]`` has as many outputs per step as ``rows[0]``."""
    if rows[i].shape[1:] != rows[0].shape[1:]:
        raise ValueError(
            "Every y[i] must have the same number of outputs per step: y[0] has "
            f"shape {rows[0].shape}, y[{i}] has shape {rows[i].shape}."
        )


def _right_aligned_targets(rows, lengths, n_timesteps):
    """Per-step targets, one row per sequence of X (of `lengths` steps), padded at the front."""
    for i, (row, n) in enumerate(zip(rows, lengths)):
        if row.ndim == 0 or len(row) != n:
            raise ValueError(
                f"y[{i}] must have one target per time step of X[{i}] ({n}); got "
                f"shape {row.shape}."
            )
        if row.ndim > 2:
            raise ValueError(
                f"y[{i}] must be 1-D (T_i,) or 2-D (T_i, n_outputs); got shape "
                f"{row.shape}."
            )
        _check_outputs_per_step(rows, i)
    dtype = np.result_type(*rows)  # not rows[0]'s: ints first would truncate floats
    Y = np.empty((len(rows), n_timesteps) + rows[0].shape[1:], dtype=dtype)
    for out, row in zip(Y, rows):
        out[: n_timesteps - len(row)] = row[0]
        out[n_timesteps - len(row):] = row
    return Y


def pad_output_targets(y, n_samples, output_steps):
    """Bring an encoder–decoder's targets to shape ``(n_samples, output_steps, ...)``.

    ``y`` is an array ``(n_samples, output_steps[, n_outputs])`` or a list of
    ``(L_i,)`` / ``(L_i, n_outputs)`` arrays with ``1 <= L_i <= output_steps``: the first
    ``L_i`` output steps of sequence ``i`` (output steps are left-aligned: the decoder
    writes them in order). Padded steps repeat the sequence's first target, so that label
    encoders never see an invented value; they carry zero weight in the loss.

    Returns
    -------
    Y : ndarray of shape (n_samples, output_steps) or (n_samples, output_steps, n_outputs)
    output_lengths : ndarray of shape (n_samples,) or None
        None when every sequence has ``output_steps`` targets.
    """
    y = object_array_as_list(y)
    if not isinstance(y, (list, tuple)):
        Y = np.asarray(y)
        if Y.ndim < 2 or Y.shape[:2] != (n_samples, output_steps):
            raise ValueError(
                f"With output_steps={output_steps}, y must hold one target per output "
                f"step: shape ({n_samples}, {output_steps}) or ({n_samples}, "
                f"{output_steps}, n_outputs), or a list of per-sequence arrays of at most "
                f"{output_steps} steps; got shape {Y.shape}.")
        return Y, None
    rows = _target_rows(y, n_samples)
    for i, row in enumerate(rows):
        if row.ndim not in (1, 2) or not 1 <= len(row) <= output_steps:
            raise ValueError(
                f"y[{i}] must be 1-D (L_i,) or 2-D (L_i, n_outputs) with 1 <= L_i <= "
                f"output_steps={output_steps}; got shape {row.shape}.")
        _check_outputs_per_step(rows, i)
    Y = np.empty((n_samples, output_steps) + rows[0].shape[1:],
                 dtype=np.result_type(*rows))
    for out, row in zip(Y, rows):
        out[:len(row)], out[len(row):] = row, row[0]
    lengths = np.array([len(row) for row in rows], dtype=np.intp)
    return Y, (None if np.all(lengths == output_steps) else lengths)


def split_future(X3, lengths, output_steps, n_future_features):
    """An encoder–decoder's input: the steps the encoder reads, their lengths, and the
    decoder's future covariates ``(n, output_steps, n_future_features)`` (None without
    them): the last ``output_steps`` steps of each sequence, last channels."""
    if not n_future_features:
        return X3, lengths, None
    if n_future_features > X3.shape[2]:
        raise ValueError(
            f"n_future_features={n_future_features} exceeds the {X3.shape[2]} features "
            "per step of X: future covariates are the last channels of X.")
    n_steps = np.full(X3.shape[0], X3.shape[1]) if lengths is None else lengths
    short = np.flatnonzero(n_steps <= output_steps)
    if short.size:
        raise ValueError(
            f"With n_future_features={n_future_features}, every sequence of X ends with "
            f"output_steps={output_steps} steps of future covariates after at least one "
            f"observed step; X[{short[0]}] has {n_steps[short[0]]} steps, so its future "
            "covariates have the wrong length.")
    enc_lengths = None if lengths is None else lengths - output_steps
    return (X3[:, :-output_steps], enc_lengths,
            np.ascontiguousarray(X3[:, -output_steps:, -n_future_features:]))


def pack_output_targets(Y, output_lengths, future):
    """One array per sample for the epoch loop's indexing: targets (n, S, O), the valid
    output steps as a 0/1 column, then the future covariates: (n, S, O + 1 + k)."""
    valid = output_step_mask(output_lengths, Y.shape[:2]).astype(Y.dtype)
    parts = [Y, valid[..., np.newaxis]] + ([] if future is None else [future.astype(Y.dtype)])
    return np.concatenate(parts, axis=2)


def output_step_mask(output_lengths, shape):
    """Boolean (n, S): True on each sequence's first ``output_lengths[i]`` steps."""
    if output_lengths is None:
        return np.ones(shape, dtype=bool)
    return np.arange(shape[1])[np.newaxis, :] < np.asarray(output_lengths)[:, np.newaxis]


def to_list_of_sequences(Y, lengths):
    """Undo the right-aligned padding of a per-step output ``(n, T, ...)``."""
    T = Y.shape[1]
    return [y[T - n:] for y, n in zip(Y, lengths)]


def gather_rows(X3, lengths, Y, idx, per_step=False):
    """Gather a batch, dropping leading time steps that are padding for all its rows
    (and from per-step targets, aligned with X)."""
    if lengths is None:
        return X3[idx], None, (None if Y is None else Y[idx])
    lengths_b = lengths[idx]
    start = X3.shape[1] - int(lengths_b.max())
    X_b = X3[idx, start:]
    Y_b = None if Y is None else (Y[idx, start:] if per_step else Y[idx])
    if np.all(lengths_b == X_b.shape[1]):
        lengths_b = None
    return X_b, lengths_b, Y_b


def valid_step_mask(lengths, n_timesteps):
    """Boolean ``(n_samples, n_timesteps)``: True on each sequence's right-aligned valid
    steps. ``lengths=None`` means every step is valid (returns None)."""
    if lengths is None:
        return None
    return np.arange(n_timesteps)[np.newaxis, :] >= n_timesteps - lengths[:, np.newaxis]


def standardize_steps(X, lengths, mean, scale):
    """``(X - mean) / scale`` per channel on valid steps; padding stays exactly zero, so that
    a partly padded patch (:func:`patch_steps`) is filled with the channel mean."""
    Z = (X - mean.astype(X.dtype)) / scale.astype(X.dtype)
    valid = valid_step_mask(lengths, X.shape[1])
    if valid is not None:
        Z *= valid[:, :, np.newaxis]
    return Z


def patch_steps(X, lengths, patch_size):
    """Read every ``patch_size`` consecutive steps as one step of ``patch_size * F`` values.

    Patches are aligned to the end of each (right-aligned) sequence, so the last network
    step holds the last ``patch_size`` observations; the front is zero-padded to a whole
    number of patches. A sequence of ``T_i`` steps becomes ``ceil(T_i / patch_size)``
    network steps, its first patch completed with zeros.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
    lengths : ndarray of shape (n_samples,) or None
    patch_size : int

    Returns
    -------
    X_patched : ndarray of shape (n_samples, ceil(n_timesteps / patch_size), \
            patch_size * n_features)
        Time-major inside a patch: ``X_patched[i, s] = X[i, t:t + p].ravel()``.
    lengths_patched : ndarray of shape (n_samples,) or None
    """
    if patch_size == 1:
        return X, lengths
    n, T, F = X.shape
    pad = -T % patch_size
    if pad:
        X = np.concatenate([np.zeros((n, pad, F), dtype=X.dtype), X], axis=1)
    X_patched = X.reshape(n, (T + pad) // patch_size, patch_size * F)
    if lengths is None:
        return X_patched, None
    lengths_patched = -(-lengths // patch_size)
    if np.all(lengths_patched == X_patched.shape[1]):
        lengths_patched = None
    return X_patched, lengths_patched


def flatten_valid_steps(raw, Y, lengths, sample_weight):
    """Per-step outputs and targets ``(n, T, k)`` as ``(n_valid_steps, k)`` rows, padded
    steps dropped, with each step's weight (its sequence's)."""
    n, T = Y.shape[:2]
    valid = valid_step_mask(lengths, T)
    if valid is None:
        valid = np.ones((n, T), dtype=bool)
    weights = np.broadcast_to(sample_weight[:, np.newaxis], (n, T))
    return raw[valid], Y[valid], weights[valid]
