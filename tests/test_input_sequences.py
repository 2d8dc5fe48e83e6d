"""A list of sequences is validated in one pass when it is plain (numeric arrays, one
rank, as many features, finite); anything else goes through ``check_array`` sequence by
sequence. Both give the same array, and a bad list the same message naming its first bad
sequence, whichever path would have read it."""

import numpy as np
import pytest

from skrnn import RNNRegressor
from skrnn._input import _check_one_sequence, pad_sequences

FAST = dict(hidden_layer_sizes=4, n_estimators=1, max_iter=1, random_state=0)


def _one_by_one(sequences, dtype):
    """The per-sequence path of pad_sequences, written out."""
    checked = [_check_one_sequence(x, i, dtype) for i, x in enumerate(sequences)]
    lengths = np.array([len(x) for x in checked], dtype=np.intp)
    X = np.zeros((len(checked), lengths.max(), checked[0].shape[1]), dtype=dtype)
    for row, x in zip(X, checked):
        row[len(row) - len(x):] = x
    return X, lengths


def _ragged(rng, dtype=np.float64, n_features=3, n=12):
    lengths = rng.integers(1, 8, size=n)
    if n_features is None:
        return [rng.normal(size=T).astype(dtype) for T in lengths]
    return [(10 * rng.normal(size=(T, n_features))).astype(dtype) for T in lengths]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("source", [np.float64, np.float32, np.float16, np.int64,
                                    np.uint8, bool, "mixed", "1-D"])
def test_plain_lists_read_as_check_array_reads_them(rng, dtype, source):
    if source == "1-D":
        sequences = _ragged(rng, n_features=None)
    elif source == "mixed":
        sequences = [x.astype(t) for x, t in zip(_ragged(rng), [np.float32, np.int32] * 6)]
    else:
        sequences = _ragged(rng, source)
    X, lengths = pad_sequences(sequences, np.dtype(dtype))
    X_ref, lengths_ref = _one_by_one(sequences, np.dtype(dtype))
    assert X.dtype == dtype and lengths.dtype == np.intp
    np.testing.assert_array_equal(lengths, lengths_ref)
    np.testing.assert_array_equal(X, X_ref)


@pytest.mark.parametrize("make_bad, phrase", [
    (lambda s: s[:4] + [np.where(True, np.nan, s[4])] + s[5:], r"X\[4\] contains NaN"),
    (lambda s: s[:2] + [np.full_like(s[2], np.inf)] + s[3:], r"X\[2\] contains infinity"),
    (lambda s: s[:3] + [np.full_like(s[3], 1e300)] + s[4:], r"X\[3\] contains infinity"),
    (lambda s: s[:1] + [s[1] + 1j] + s[2:], r"Complex data not supported: X\[1\]"),
    (lambda s: s[:5] + [s[5][:, :2]] + s[6:], "same number of features"),
    (lambda s: s[:6] + [s[6][:0]] + s[7:], r"X\[6\] is an empty sequence"),
    (lambda s: s[:7] + [s[7][:, :0]] + s[8:], r"0 feature\(s\)"),
    (lambda s: s[:3] + [s[3][None]] + s[4:], r"X\[3\] must be one sequence.*3-D"),
    (lambda s: s[:3] + [s[3][:, 0]] + s[4:], r"mixes 1-D and 2-D"),
    (lambda s: s[:3] + [np.full(s[3].shape, "a")] + s[4:], "could not convert"),
], ids=["nan", "inf", "float32-overflow", "complex", "features", "empty", "no-features",
        "rank3", "ranks", "strings"])
def test_bad_sequences_are_named(rng, make_bad, phrase):
    """float32 fits: 1e300 fits float64 but overflows float32, as check_array says."""
    sequences = make_bad(_ragged(rng))
    with pytest.raises(ValueError, match=phrase):
        RNNRegressor(**FAST).fit(sequences, np.zeros(len(sequences)))


def test_lists_and_dataframes_among_sequences(rng):
    """Items that are not plain ndarrays (nested lists, DataFrames, object arrays) take
    the per-sequence path and give the same fit."""
    pd = pytest.importorskip("pandas")
    sequences = _ragged(rng)
    y = rng.normal(size=len(sequences))
    mixed = ([x.tolist() for x in sequences[:4]] + [pd.DataFrame(sequences[4])]
             + [x.astype(object) for x in sequences[5:]])
    plain = RNNRegressor(**FAST).fit(sequences, y)
    other = RNNRegressor(**FAST).fit(mixed, y)
    np.testing.assert_array_equal(other.params_, plain.params_)
