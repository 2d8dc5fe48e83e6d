"""Bad input to RNNRegressor / RNNClassifier: a clear exception naming the problem, never a
NumPy error from deep inside, never a silent wrong answer; and, by property-based tests,
finite predictions of the documented shape for any valid input (or a clear error).

The table covers shapes, empty input, NaN/inf, dtypes, ragged sequences, sample weights,
per-step targets and parameters; each row is one call and the exception it must raise.
"""

import functools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from skrnn import RNNClassifier, RNNRegressor
from skrnn._engine._optimizers import clip_by_global_norm

TINY = dict(hidden_layer_sizes=3, max_iter=2, n_estimators=1, random_state=0)

_rng = np.random.default_rng(0)
X = _rng.normal(size=(12, 5, 2))
y = X[:, -1, 0] - X[:, 0, 1]
LABELS = np.where(y > 0, "up", "down")
STEPS = X[..., 0]  # one target per time step
RAGGED = [_rng.normal(size=(n, 2)) for n in (3, 5, 4, 2, 5, 3)]
RAGGED_Y = np.arange(6.0)
RAGGED_STEPS = [x[:, 0] for x in RAGGED]


def _reg(**options):
    return RNNRegressor(**{**TINY, **options})


def _clf(**options):
    return RNNClassifier(**{**TINY, **options})


@functools.cache
def _fitted(kind):
    """Small fitted models the predict/score rows call (fitted once per session)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "3d": lambda: _reg().fit(X, y),
            "2d": lambda: _reg().fit(X[..., 0], y),
            "ragged": lambda: _reg().fit(RAGGED, RAGGED_Y),
            "steps": lambda: _reg(return_sequences=True).fit(X, STEPS),
            "ragged-steps": lambda: _reg(return_sequences=True).fit(RAGGED, RAGGED_STEPS),
            "clf": lambda: _clf().fit(X, LABELS),
        }[kind]()


def _with(array, index, value):
    out = np.array(array, dtype=float)
    out[index] = value
    return out


def _dates(shape, unit="D"):
    return np.arange(int(np.prod(shape))).astype(f"datetime64[{unit}]").reshape(shape)


# (id, call, exception, message regex)
CASES = [
    # ---- shapes
    ("X-4d", lambda: _reg().fit(X[..., None], y), ValueError, "got a 4-D array"),
    ("X-1d", lambda: _reg().fit(X[:, 0, 0], y), ValueError, "Expected 2D array"),
    ("X-no-steps", lambda: _reg().fit(X[:, :0], y), ValueError, "0 time steps"),
    ("X-no-features", lambda: _reg().fit(X[:, :, :0], y), ValueError, "0 features"),
    ("2d-not-divisible", lambda: _reg(n_channels=3).fit(X.reshape(12, -1), y), ValueError,
     "not divisible by n_channels=3"),
    ("inconsistent-n", lambda: _reg().fit(X, y[:-1]), ValueError,
     "inconsistent numbers of samples"),
    ("predict-n-features", lambda: _fitted("3d").predict(X[..., :1]), ValueError,
     "1 features per time step.*expecting 2"),
    ("predict-2d-on-3d", lambda: _fitted("3d").predict(X[..., 0]), ValueError,
     "pass X in the same format"),
    ("predict-3d-on-2d", lambda: _fitted("2d").predict(X), ValueError,
     "pass X in the same format"),
    ("predict-2d-width", lambda: _fitted("2d").predict(X[:, :4, 0]), ValueError,
     "expecting 5 features"),
    # ---- empty
    ("fit-empty-list", lambda: _reg().fit([], []), ValueError, "X is empty"),
    ("fit-0-samples", lambda: _reg().fit(X[:0], y[:0]), ValueError, "X is empty"),
    ("predict-empty-list", lambda: _fitted("ragged").predict([]), ValueError, "X is empty"),
    ("predict-empty-list-3d", lambda: _fitted("3d").predict([]), ValueError, "X is empty"),
    ("predict-0-samples", lambda: _fitted("3d").predict(X[:0]), ValueError, "X is empty"),
    ("ragged-empty-sequence", lambda: _reg().fit(RAGGED[:-1] + [RAGGED[0][:0]], RAGGED_Y),
     ValueError, r"X\[5\] is an empty sequence"),
    # ---- NaN / inf
    ("X-nan", lambda: _reg().fit(_with(X, (3, 2, 1), np.nan), y), ValueError, "NaN"),
    ("X-inf", lambda: _reg().fit(_with(X, (0, 0, 0), np.inf), y), ValueError, "infinity"),
    ("ragged-nan", lambda: _reg().fit([RAGGED[0], _with(RAGGED[1], (1, 0), np.nan)]
                                      + RAGGED[2:], RAGGED_Y), ValueError,
     r"X\[1\] contains NaN"),
    ("y-nan", lambda: _reg().fit(X, _with(y, 2, np.nan)), ValueError, "NaN"),
    ("y-inf", lambda: _reg().fit(X, _with(y, 2, -np.inf)), ValueError, "infinity"),
    ("predict-nan", lambda: _fitted("3d").predict(_with(X, (1, 1, 1), np.nan)), ValueError,
     "NaN"),
    ("steps-y-nan", lambda: _reg(return_sequences=True).fit(X, _with(STEPS, (0, 4), np.nan)),
     ValueError, "NaN"),
    ("float32-overflow", lambda: _reg().fit(X * 1e200, y), ValueError,
     "too large for dtype\\('float32'\\)"),
    # ---- dtypes
    ("X-strings", lambda: _reg().fit(np.full(X.shape, "a"), y), ValueError,
     "could not convert"),
    ("X-datetime-2d", lambda: _reg().fit(_dates((12, 5)), y), TypeError,
     "X holds datetime64"),
    ("X-timedelta-3d", lambda: _reg().fit(_dates((12, 5, 2)) - _dates((12, 5, 2))[0, 0, 0], y),
     TypeError, "X holds timedelta64"),
    ("X-datetime-ragged", lambda: _reg().fit([_dates(n) for n in (3, 4, 5)], y[:3]),
     TypeError, r"X\[0\] holds datetime64"),
    ("X-datetime-dataframe", lambda: _reg().fit(pd.DataFrame({"t": _dates(12, "s")}), y),
     TypeError, "datetime64"),
    ("predict-datetime", lambda: _fitted("2d").predict(_dates((12, 5))), TypeError,
     "datetime64"),
    ("y-datetime", lambda: _reg().fit(X, _dates(12)), TypeError, "y holds datetime64"),
    ("X-complex", lambda: _reg().fit(X + 1j, y), ValueError, "Complex data not supported"),
    ("X-complex-ragged", lambda: _reg().fit([x + 1j for x in RAGGED], RAGGED_Y), ValueError,
     "Complex data not supported"),
    ("y-complex", lambda: _reg().fit(X, y + 1j), ValueError, "Complex data not supported"),
    ("labels-complex", lambda: _clf().fit(X, (y > 0) + 1j), ValueError,
     "Complex data not supported"),
    ("labels-continuous", lambda: _clf().fit(X, y), ValueError, "Unknown label type"),
    ("labels-one-class", lambda: _clf().fit(X, np.ones(12)), ValueError,
     "at least 2 classes"),
    ("labels-unseen", lambda: _fitted("clf").partial_fit(X, np.where(y > 0, "up", "side")),
     ValueError, "classes not in"),
    ("y-none", lambda: _reg().fit(X, None), ValueError, "target y is None"),
    # ---- ragged
    ("ragged-features", lambda: _reg().fit(RAGGED[:-1] + [RAGGED[-1][:, :1]], RAGGED_Y),
     ValueError, "same number of features"),
    ("ragged-3d-items", lambda: _reg().fit([x[None] for x in RAGGED], RAGGED_Y), ValueError,
     r"X\[0\] must be one sequence, 1-D \(T,\) or 2-D \(T, n_features\); got a 3-D"),
    ("ragged-mixed-ranks", lambda: _reg().fit([RAGGED[0], RAGGED[1][:, 0]], RAGGED_Y[:2]),
     ValueError, r"X mixes 1-D and 2-D sequences \(X\[1\] is 1-D, X\[0\] is 2-D\)"),
    ("ragged-steps-padded-y", lambda: _reg(return_sequences=True).fit(RAGGED,
                                                                      np.zeros((6, 5))),
     ValueError, "pass y as a list"),
    ("ragged-steps-length", lambda: _reg(return_sequences=True).fit(
        RAGGED, RAGGED_STEPS[:1] + [RAGGED_STEPS[1][:-1]] + RAGGED_STEPS[2:]), ValueError,
     r"y\[1\] must have one target per time step of X\[1\] \(5\)"),
    ("ragged-steps-widths", lambda: _reg(return_sequences=True).fit(
        RAGGED, [s.reshape(-1, 1) for s in RAGGED_STEPS[:-1]]
        + [np.column_stack([RAGGED_STEPS[-1]] * 2)]), ValueError,
     "same number of outputs per step: y\\[0\\] has shape \\(3, 1\\), y\\[5\\]"),
    ("ragged-steps-3d-item", lambda: _reg(return_sequences=True).fit(
        RAGGED, [s[:, None, None] for s in RAGGED_STEPS]), ValueError, r"y\[0\] must be 1-D"),
    ("ragged-steps-count", lambda: _reg(return_sequences=True).fit(RAGGED, RAGGED_STEPS[:5]),
     ValueError, "y has 5 sequences but X has 6"),
    ("object-array-steps-widths", lambda: _reg(return_sequences=True).fit(
        np.array(RAGGED, dtype=object),
        np.array([np.zeros((3, 1)), np.zeros((5, 2)), np.zeros((4, 1)), np.zeros((2, 1)),
                  np.zeros((5, 1)), np.zeros((3, 1))], dtype=object)),
     ValueError, "same number of outputs per step"),
    ("equal-length-list-y-widths", lambda: _reg(return_sequences=True).fit(
        X, [np.zeros((5, 1))] * 11 + [np.zeros((5, 2))]), ValueError,
     "same number of outputs per step"),
    # ---- sample weights
    ("weights-negative", lambda: _reg().fit(X, y, sample_weight=np.r_[-1.0, np.ones(11)]),
     ValueError, "Negative values in data passed to `sample_weight`"),
    ("weights-length", lambda: _reg().fit(X, y, sample_weight=np.ones(5)), ValueError,
     r"sample_weight.shape == \(5,\), expected \(12,\)"),
    ("weights-nan", lambda: _reg().fit(X, y, sample_weight=_with(np.ones(12), 0, np.nan)),
     ValueError, "sample_weight contains NaN"),
    ("weights-2d", lambda: _reg().fit(X, y, sample_weight=np.ones((12, 2))), ValueError,
     "Sample weights must be 1D"),
    ("weights-all-zero", lambda: _reg().fit(X, y, sample_weight=np.zeros(12)), ValueError,
     "at least one non-zero"),
    ("weights-length-score-steps", lambda: _fitted("steps").score(
        X, STEPS, sample_weight=np.ones(5)), ValueError, r"sample_weight.shape == \(5,\)"),
    ("weights-length-score-ragged", lambda: _fitted("ragged-steps").score(
        RAGGED, RAGGED_STEPS, sample_weight=np.ones(2)), ValueError,
     r"sample_weight.shape == \(2,\)"),
    ("weights-sum-beyond-float32", lambda: _reg().fit(X, y, sample_weight=np.full(12, 1e-50)),
     ValueError, "sample weights sum to 1.2e-49.*Multiply sample_weight by a constant"),
    # ---- per-step targets
    ("steps-y-1d", lambda: _reg(return_sequences=True).fit(X, y), ValueError,
     "one target per time step"),
    ("steps-y-wrong-T", lambda: _reg(return_sequences=True).fit(X, STEPS[:, :4]), ValueError,
     r"shape \(12, 5\) or \(12, 5, n_outputs\); got \(12, 4\)"),
    ("steps-labels-3d", lambda: _clf(return_sequences=True).fit(X, (X > 0).astype(int)),
     ValueError, "one label per time step"),
    ("score-steps-n", lambda: _fitted("steps").score(X, STEPS[:-1]), ValueError,
     "inconsistent numbers of samples: X has 12, y has 11"),
    ("score-steps-T", lambda: _fitted("steps").score(X, STEPS[:, 1:]), ValueError,
     "one target per time step"),
    ("score-ragged-steps-length", lambda: _fitted("ragged-steps").score(
        RAGGED, [s[:-1] for s in RAGGED_STEPS]), ValueError,
     r"y\[0\] must have one target per time step of X\[0\] \(3\)"),
    # ---- parameters
    ("hidden-empty", lambda: _reg(hidden_layer_sizes=()).fit(X, y), ValueError,
     "hidden_layer_sizes must be"),
    ("hidden-zero", lambda: _reg(hidden_layer_sizes=(4, 0)).fit(X, y), ValueError,
     "hidden_layer_sizes must be"),
    ("cell-unknown", lambda: _reg(cell="transformer").fit(X, y), ValueError,
     "'cell' parameter"),
    ("n-estimators-0", lambda: _reg(n_estimators=0).fit(X, y), ValueError,
     "'n_estimators' parameter"),
    ("bptt-bidirectional", lambda: _reg(bptt_steps=2, bidirectional=True).fit(X, y),
     ValueError, "bptt_steps cannot be used with bidirectional=True"),
    ("patch-return-sequences", lambda: _reg(patch_size=2, return_sequences=True).fit(X, STEPS),
     ValueError, "patch_size=2 cannot be used with return_sequences=True"),
    ("early-stopping-steps-clf", lambda: _clf(early_stopping=True, return_sequences=True).fit(
        X, (X[..., 0] > 0).astype(int)), ValueError, "early_stopping=True is not supported"),
    ("early-stopping-partial-fit", lambda: _reg(early_stopping=True).partial_fit(X, y),
     ValueError, "partial_fit does not support early_stopping"),
    ("early-stopping-tiny-validation", lambda: _reg(early_stopping=True,
                                                    validation_fraction=0.05).fit(X, y),
     ValueError, "validation set is too small"),
    ("warm-start-n-estimators", lambda: _reg(warm_start=True).fit(X, y).set_params(
        n_estimators=2).fit(X, y), ValueError, "n_estimators is 2 but the model was fitted"),
    ("warm-start-new-cell", lambda: _reg(warm_start=True).fit(X, y).set_params(
        cell="lstm").fit(X, y), ValueError, "refit with warm_start=False"),
]


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")
@pytest.mark.parametrize("call, error, match", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_bad_input_raises_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_the_table_is_large_and_unambiguous():
    assert len(CASES) >= 40
    assert len({case[0] for case in CASES}) == len(CASES)


# ------------------------------------------------------------------ fixed silent failures
@pytest.mark.parametrize("weight", [1e-30, 1e-20, 1e20, 1e30])
@pytest.mark.parametrize("Estimator", [RNNRegressor, RNNClassifier])
def test_extreme_sample_weights_train_like_unit_weights(Estimator, weight):
    """Tiny weights used to overflow the float32 norm of the (alpha / sum w)-scaled
    gradient and were reported as a divergence."""
    target = y if Estimator is RNNRegressor else LABELS
    est = Estimator(**{**TINY, "n_estimators": 2}).fit(X, target,
                                                       sample_weight=np.full(12, weight))
    assert np.all(np.isfinite(est.params_))
    assert np.all(np.isfinite(est.loss_curve_))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1e-30, 1e-20, 1.0, 1e20, 1e30])
def test_clip_by_global_norm_neither_overflows_nor_underflows(dtype, scale):
    grad = (np.arange(1, 11) * scale).astype(dtype)
    expected = scale * np.sqrt(np.sum(np.arange(1, 11.0) ** 2))
    norm = clip_by_global_norm(grad, 1.0)
    assert norm == pytest.approx(expected, rel=1e-5)
    assert np.linalg.norm(grad.astype(np.float64)) == pytest.approx(min(expected, 1.0),
                                                                     rel=1e-5)


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_clip_by_global_norm_reports_a_non_finite_gradient(bad):
    grad = np.array([1.0, bad, 2.0], dtype=np.float32)
    assert clip_by_global_norm(grad, 1.0) == np.inf


def test_ragged_object_array_is_a_list_of_sequences():
    objects = np.empty(len(RAGGED), dtype=object)
    objects[:] = RAGGED
    by_list, by_objects = _reg().fit(RAGGED, RAGGED_Y), _reg().fit(objects, RAGGED_Y)
    np.testing.assert_array_equal(by_list.params_, by_objects.params_)
    np.testing.assert_array_equal(by_list.predict(objects), by_list.predict(RAGGED))
    steps = _fitted("ragged-steps")
    targets = np.empty(len(RAGGED), dtype=object)
    targets[:] = RAGGED_STEPS
    predicted = steps.predict(objects)
    assert isinstance(predicted, list)
    assert [len(p) for p in predicted] == [len(x) for x in RAGGED]
    assert steps.score(objects, targets) == steps.score(RAGGED, RAGGED_STEPS)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "logistic"])
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_activation_is_reported_ignored_for_gated_cells(cell, activation):
    with pytest.warns(UserWarning, match="only applies to cell='rnn'") as record:
        _reg(cell=cell, activation=activation, n_estimators=3).fit(X, y)
    assert sum("only applies" in str(w.message) for w in record) == 1  # once, not per member


@pytest.mark.parametrize("cell, activation", [("lstm", "tanh"), ("gru", "tanh"),
                                              ("rnn", "relu"), ("rnn", "sigmoid")])
def test_meaningful_activation_does_not_warn(cell, activation):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        _reg(cell=cell, activation=activation).fit(X, y)
    assert not [w for w in record if "activation" in str(w.message)]


def test_datetime_labels_stay_labels_for_the_classifier():
    """Dates are fine as class labels (they are not read as numbers)."""
    labels = np.where(y > 0, np.datetime64("2020-01-01"), np.datetime64("2021-01-01"))
    clf = _clf().fit(X, labels)
    assert clf.classes_.dtype.kind == "M"
    assert set(clf.predict(X)) <= set(clf.classes_)


# ------------------------------------------------------------------ properties
FAST_PROPERTIES = settings(max_examples=25, deadline=None, derandomize=True,
                           suppress_health_check=[HealthCheck.too_slow])

_FLOAT32_MAX = float(np.finfo(np.float32).max)


@st.composite
def sequences(draw):
    """A training set: sequences (3-D or ragged list), lengths, dtype and magnitude."""
    n = draw(st.integers(2, 7))
    T = draw(st.integers(1, 6))
    F = draw(st.integers(1, 3))
    ragged = draw(st.booleans())
    lengths = (draw(st.lists(st.integers(1, T), min_size=n, max_size=n)) if ragged
               else [T] * n)
    exponent = draw(st.sampled_from([-30, -10, 0, 10, 30, 100, 200]))
    offset = draw(st.sampled_from([0.0, 1.0, -3.0]))
    seed = draw(st.integers(0, 2**16))
    input_dtype = draw(st.sampled_from(["float64", "float32", "int64"]))
    rng = np.random.default_rng(seed)
    rows = [(rng.normal(size=(t, F)) + offset) * 10.0**exponent for t in lengths]
    if input_dtype == "int64":
        rows = [np.round(r / 10.0**exponent * 3).astype(np.int64) for r in rows]
    elif input_dtype == "float32":
        assume(exponent <= 30)  # float32 cannot hold the values: a separate test
        rows = [r.astype(np.float32) for r in rows]
    X = rows if ragged else np.stack(rows)
    return X, lengths, rng


def _options(draw):
    return dict(
        cell=draw(st.sampled_from(["rnn", "lstm", "gru"])),
        pooling=draw(st.sampled_from(["last", "mean", "max", "attention"])),
        dtype=draw(st.sampled_from(["float32", "float64"])),
        hidden_layer_sizes=draw(st.sampled_from([2, (2, 3)])),
    )


def _values_fit(dtype, *arrays):
    """Whether every value fits the compute dtype (else a clear error is expected)."""
    limit = _FLOAT32_MAX if dtype == "float32" else np.inf
    return all(np.all(np.abs(np.asarray(a, dtype=np.float64)) < limit) for a in arrays)


def _fit_or_clear_error(est, X, target):
    """Fit; a ValueError is allowed only for values beyond the compute dtype."""
    rows = X if isinstance(X, list) else [X]
    target_rows = target if isinstance(target, list) else [target]
    numeric_target = np.asarray(target_rows[0]).dtype.kind in "fiu"
    if not _values_fit(est.dtype, *rows, *(target_rows if numeric_target else [])):
        with pytest.raises(ValueError, match="too large|infinity"):
            est.fit(X, target)
        return False
    est.fit(X, target)
    return True


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")
@FAST_PROPERTIES
@given(data=sequences(), options=st.data(), target_exponent=st.sampled_from(
    [-30, 0, 30, 200]), return_sequences=st.booleans())
def test_regressor_predictions_are_finite_with_the_documented_shape(
        data, options, target_exponent, return_sequences):
    X, lengths, rng = data
    opts = _options(options.draw)
    if return_sequences:
        opts["pooling"] = "last"
        target = [rng.normal(size=t) * 10.0**target_exponent for t in lengths]
        target = target if isinstance(X, list) else np.stack(target)
    else:
        target = rng.normal(size=len(lengths)) * 10.0**target_exponent
    reg = _reg(return_sequences=return_sequences, **opts)
    if not _fit_or_clear_error(reg, X, target):
        return
    pred = reg.predict(X)
    if return_sequences and isinstance(X, list):
        assert isinstance(pred, list)
        assert [p.shape for p in pred] == [(t,) for t in lengths]
        pred = np.concatenate(pred)
    else:
        assert pred.shape == ((len(lengths), max(lengths)) if return_sequences
                              else (len(lengths),))
    assert pred.dtype == np.float64
    assert np.all(np.isfinite(pred))


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")
@FAST_PROPERTIES
@given(data=sequences(), options=st.data(), n_classes=st.integers(2, 4),
       return_sequences=st.booleans())
def test_classifier_probabilities_are_finite_with_the_documented_shape(
        data, options, n_classes, return_sequences):
    X, lengths, rng = data
    opts = _options(options.draw)
    if return_sequences:
        opts["pooling"] = "last"
        target = [rng.integers(n_classes, size=t) for t in lengths]
        assume(len(np.unique(np.concatenate(target))) >= 2)
        target = target if isinstance(X, list) else np.stack(target)
    else:
        target = rng.integers(n_classes, size=len(lengths))
        assume(len(np.unique(target)) >= 2)
    clf = _clf(return_sequences=return_sequences, **opts)
    if not _fit_or_clear_error(clf, X, target):
        return
    proba, labels = clf.predict_proba(X), clf.predict(X)
    k = len(clf.classes_)
    if return_sequences and isinstance(X, list):
        assert [p.shape for p in proba] == [(t, k) for t in lengths]
        assert [len(lab) for lab in labels] == list(lengths)
        proba = np.concatenate(proba)
    else:
        shape = (len(lengths), max(lengths)) if return_sequences else (len(lengths),)
        assert proba.shape == shape + (k,) and labels.shape == shape
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=-1), 1.0, rtol=1e-6)


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")
@FAST_PROPERTIES
@given(exponent=st.integers(-30, 30), spread=st.floats(0.0, 6.0), seed=st.integers(0, 99),
       dtype=st.sampled_from(["float32", "float64"]))
def test_any_positive_weight_scale_trains_finitely(exponent, spread, seed, dtype):
    rng = np.random.default_rng(seed)
    weights = 10.0 ** (exponent + spread * rng.random(len(X)))
    reg = _reg(dtype=dtype).fit(X, y, sample_weight=weights)
    assert np.all(np.isfinite(reg.predict(X)))


@FAST_PROPERTIES
@given(n_samples=st.integers(1, 4), T=st.integers(1, 4), F=st.integers(1, 3),
       wrong_axis=st.sampled_from(["features", "format"]))
def test_mismatched_predict_input_is_a_clear_error(n_samples, T, F, wrong_axis):
    fitted = _fitted("3d")  # 2 features per step, 3-D
    if wrong_axis == "features":
        assume(F != 2)
        bad, match = np.zeros((n_samples, T, F)), "features per time step"
    else:
        bad, match = np.zeros((n_samples, T * F)), "pass X in the same format"
    with pytest.raises(ValueError, match=match):
        fitted.predict(bad)
