"""The training set as a weighted set of rows: merge repeated rows, order rows by content.

Why: scikit-learn's contract for ``sample_weight`` is that an integer weight ``k`` trains
exactly as ``k`` copies of the row, and a zero weight as no row at all
(``check_sample_weight_equivalence_on_dense_data``). Minibatch training sees rows in an
order and in batches: copies land at other positions than the one weighted row, and in
float32 a sum over a batch in another order rounds differently, so the two fits drift apart
(by up to 1e-2 in a prediction after 60 epochs). Merging identical rows into one row with
the summed weight, dropping zero-weight rows and putting the rows in an order that depends
only on their content makes both fits see the same arrays: they are then equal bit for
bit, dropout masks included (drawn per row position from the same generator).

Rows are left as given (no merge, no reordering: no cost to fits without weights) when no
``sample_weight`` was passed and no row repeats.
"""

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix64(z):
    """SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijection of uint64 whose output
    bits each depend on every input bit (uint64 arrays wrap on overflow, silently)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _row_hash(content):
    """A 64-bit hash per row of a (n, n_bytes) uint8 array: each 8-byte word mixed with
    its position, summed, mixed again. 3-4x faster than ``np.unique(axis=0)`` on the bytes;
    equal hashes are checked for equal bytes before any merge."""
    n, n_bytes = content.shape
    if n_bytes % 8:
        content = np.hstack([content, np.zeros((n, -n_bytes % 8), dtype=np.uint8)])
    words = np.ascontiguousarray(content).view(np.uint64)
    salt = _GOLDEN * np.arange(1, words.shape[1] + 1, dtype=np.uint64)
    return _mix64(_mix64(words ^ salt).sum(axis=1, dtype=np.uint64))


def _row_bytes(X3, lengths, Y):
    """One byte string per row: the padded input, its length and its targets."""
    n = X3.shape[0]
    parts = [np.ascontiguousarray(X3).reshape(n, -1).view(np.uint8)]
    if lengths is not None:
        parts.append(np.asarray(lengths, dtype=np.int64).reshape(n, 1).view(np.uint8))
    parts.append(np.ascontiguousarray(Y).reshape(n, -1).view(np.uint8))
    return np.hstack(parts)


HASH_CHUNK_BYTES = 1 << 24


def _rows_hash(X3, lengths, Y):
    """``_row_hash`` of every row's bytes, in chunks of rows of at most ~16 MiB, so a
    large training set is never copied whole (a fit without repeats copies nothing
    else)."""
    n = X3.shape[0]
    row_bytes = X3[0].nbytes + Y[0].nbytes + 8
    chunk = max(1, HASH_CHUNK_BYTES // row_bytes)
    hashes = np.empty(n, dtype=np.uint64)
    for start in range(0, n, chunk):
        rows = slice(start, start + chunk)
        hashes[rows] = _row_hash(_row_bytes(
            X3[rows], None if lengths is None else np.asarray(lengths)[rows], Y[rows]))
    return hashes


def weighted_rows(X3, lengths, Y, sample_weight, weighted):
    """``(X3, lengths, Y, sample_weight)`` as a weighted set of distinct rows.

    Parameters
    ----------
    X3 : ndarray of shape (n, T, F)
        Validated, padded input.
    lengths : ndarray of shape (n,) or None
    Y : ndarray of shape (n, ...)
        Encoded targets (numeric).
    sample_weight : ndarray of shape (n,), float64
    weighted : bool
        Whether the caller passed ``sample_weight``. Without it, rows are merged only if
        some row repeats.

    Returns
    -------
    X3, lengths, Y, sample_weight
        The distinct rows of positive total weight in an order fixed by their content
        (their hash), each with the sum of its copies' weights; or the inputs unchanged
        (same objects) when
        ``weighted`` is False and no row repeats, or when every weight is zero (the
        caller's error to raise).
    """
    if Y.dtype == object or not sample_weight.any():
        return X3, lengths, Y, sample_weight
    hashes = _rows_hash(X3, lengths, Y)
    _, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    if not weighted and len(first) == X3.shape[0]:  # distinct hashes: distinct rows
        return X3, lengths, Y, sample_weight
    if len(first) < X3.shape[0]:  # rows to merge: equal hashes must be equal bytes
        content = _row_bytes(X3, lengths, Y)
        if not np.array_equal(content, content[first[inverse.ravel()]]):  # a collision
            _, first, inverse = np.unique(content, axis=0, return_index=True,
                                          return_inverse=True)
    # float64 sums of the copies' weights: integer weights stay exact
    merged = np.bincount(inverse.ravel(), weights=sample_weight, minlength=len(first))
    rows = first[merged > 0]  # ordered by hash (or bytes): by content alone
    return (X3[rows], None if lengths is None else np.asarray(lengths)[rows], Y[rows],
            merged[merged > 0])


def weighted_median(values, weights):
    """The median of ``values`` repeated by their ``weights`` (float weights allowed):
    the mean of the lower and upper weighted medians, so equal weights give
    ``np.median``; zero-weight values never count."""
    order = np.argsort(values, kind="stable")
    values, cumulative = np.asarray(values)[order], np.cumsum(np.asarray(weights)[order])
    half = cumulative[-1] / 2.0
    slack = 1e-9 * cumulative[-1]  # float weights: a cumulative sum "at" half may round off
    lower = values[np.searchsorted(cumulative, half - slack, side="left")]
    upper = values[np.searchsorted(cumulative, half + slack, side="right")]
    return (lower + upper) / 2.0
