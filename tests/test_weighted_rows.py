"""A fit with sample weights trains on the weighted set of distinct rows (skrnn/_rows.py):
an integer weight is the same fit as repeated rows, bit for bit, with the float32 defaults
(dropout, an ensemble), on ragged input too."""

import numpy as np
import pytest

from skrnn import RNNClassifier, RNNRegressor
import skrnn._rows as rows_module
from skrnn._rows import weighted_median, weighted_rows

FAST = dict(hidden_layer_sizes=8, max_iter=15, random_state=0)


def ragged_task(rng, n=14):
    X = [rng.normal(size=(int(t), 2)).astype(np.float32) for t in rng.integers(3, 9, n)]
    y = np.array([x[:, 0].sum() for x in X])
    return X, y


def repeat_and_shuffle(X, y, weights, rng):
    rows = rng.permutation(np.repeat(np.arange(len(y)), weights))
    return [X[i] for i in rows], y[rows]


@pytest.mark.parametrize("Estimator", [RNNRegressor, RNNClassifier])
def test_integer_weights_are_repeated_rows_bit_for_bit(Estimator, rng):
    X, y = ragged_task(rng)
    if Estimator is RNNClassifier:
        y = (y > np.median(y)).astype(int)
    weights = rng.integers(0, 4, len(y))
    weights[:2] = (0, 3)  # a dropped row and a tripled one, whatever the draw
    X_rep, y_rep = repeat_and_shuffle(X, y, weights, rng)
    weighted = Estimator(**FAST).fit(X, y, sample_weight=weights)
    repeated = Estimator(**FAST).fit(X_rep, y_rep)
    assert weighted.dropout > 0 and weighted.dtype == "float32"  # the defaults
    np.testing.assert_array_equal(weighted.predict(X), repeated.predict(X))
    for a, b in zip(weighted.estimators_, repeated.estimators_):
        np.testing.assert_array_equal(a.params_, b.params_)


def test_a_weighted_fit_does_not_depend_on_row_order(rng):
    X, y = ragged_task(rng)
    weights = rng.uniform(0.5, 2.0, len(y))
    order = rng.permutation(len(y))
    a = RNNRegressor(**FAST).fit(X, y, sample_weight=weights)
    b = RNNRegressor(**FAST).fit([X[i] for i in order], y[order], sample_weight=weights[order])
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_rows_are_left_alone_without_weights_or_repeats(rng):
    X3 = rng.normal(size=(6, 4, 2))
    Y, w = rng.normal(size=(6, 1)), np.ones(6)
    out = weighted_rows(X3, None, Y, w, weighted=False)
    assert all(a is b for a, b in zip(out, (X3, None, Y, w)))


def test_repeats_merge_into_summed_weights_and_zero_weights_drop(rng):
    X3 = rng.normal(size=(3, 4, 2))
    Y = np.arange(3.0)[:, None]
    rows = [0, 1, 0, 2, 0]  # row 0 three times
    X_m, lengths, Y_m, w = weighted_rows(X3[rows], np.array([4, 3, 4, 2, 4]), Y[rows],
                                         np.array([1.0, 2.0, 1.0, 0.0, 0.5]), weighted=True)
    # the zero-weight row 2 is gone, row 0's weights add up
    assert sorted(zip(Y_m[:, 0], w)) == [(0.0, 2.5), (1.0, 2.0)]
    assert sorted(lengths) == [3, 4]


def test_a_hash_collision_never_merges_different_rows(rng, monkeypatch):
    monkeypatch.setattr(rows_module, "_row_hash", lambda content: np.zeros(len(content),
                                                                          np.uint64))
    X3 = rng.normal(size=(3, 4, 2))
    X_m, _, Y_m, w = weighted_rows(X3[[0, 1, 0, 2]], None, np.zeros((4, 1)), np.ones(4),
                                   weighted=False)
    assert len(w) == 3 and sorted(w) == [1.0, 1.0, 2.0]
    assert {X_m[i].tobytes() for i in range(3)} == {x.tobytes() for x in X3}


def test_rows_are_hashed_alike_in_chunks(rng, monkeypatch):
    X3, Y = rng.normal(size=(50, 7, 3)).astype(np.float32), rng.normal(size=(50, 2))
    lengths = rng.integers(1, 8, 50)
    whole = rows_module._rows_hash(X3, lengths, Y)
    monkeypatch.setattr(rows_module, "HASH_CHUNK_BYTES", 200)  # a row or two per chunk
    np.testing.assert_array_equal(rows_module._rows_hash(X3, lengths, Y), whole)
    assert len(np.unique(whole)) == 50


def test_same_input_with_other_targets_is_not_merged(rng):
    X3 = np.repeat(rng.normal(size=(1, 4, 2)), 2, axis=0)
    out = weighted_rows(X3, None, np.array([[0.0], [1.0]]), np.ones(2), weighted=False)
    assert len(out[3]) == 2


@pytest.mark.parametrize("n", [1, 2, 7, 10])
def test_weighted_median_with_equal_weights_is_numpy_median(rng, n):
    values = rng.integers(0, 20, n)
    assert weighted_median(values, np.ones(n)) == np.median(values)
    assert weighted_median(values, np.full(n, 0.3)) == np.median(values)


def test_weighted_median_is_the_median_of_repeated_values(rng):
    values, weights = rng.integers(0, 50, 12), rng.integers(0, 4, 12)
    weights[0] = 5
    assert weighted_median(values, weights) == np.median(np.repeat(values, weights))
