"""skrnn.to_onnx: the exported graph, run by onnxruntime, predicts what skrnn predicts.

Every cell, one and both directions, stacked layers, every pooling, patches, ensembles,
per-step outputs, 2-D tables and ragged sequences (given to ONNX left-aligned with their
lengths), regression and classification: outputs equal to 1e-5.
"""

import warnings

import numpy as np
import pytest

from skrnn import RNNClassifier, RNNRegressor, to_onnx

# The test extra installs onnx and onnxruntime: a missing one must fail, not skip.
import onnxruntime as ort  # noqa: E402

TINY = dict(hidden_layer_sizes=4, max_iter=3, n_estimators=1, random_state=0)
TOL = dict(rtol=1e-5, atol=1e-5)

_rng = np.random.default_rng(0)
X = _rng.normal(size=(10, 7, 2))
y = X[:, -1, 0] - X[:, 0, 1]
RAGGED = [_rng.normal(size=(n, 2)) for n in (3, 7, 5, 1, 6, 2, 7, 4, 5, 6)]
RAGGED_Y = np.array([x[-1, 0] - x[0, 1] for x in RAGGED])
LABELS = np.array(["cat", "dog", "emu"])[np.arange(10) % 3]


def _fit(est, X_, y_):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(X_, y_)


def left_aligned(sequences):
    """The ONNX model's input: valid steps first, then zero padding, and the lengths."""
    sequences = [np.asarray(s, dtype=np.float32) for s in sequences]
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    X_ = np.zeros((len(sequences), lengths.max(), sequences[0].shape[1]), np.float32)
    for row, s in zip(X_, sequences):
        row[:len(s)] = s
    return X_, lengths


def run_onnx(est, X_):
    """Run the exported model on X_ in skrnn's format; outputs by name."""
    session = ort.InferenceSession(to_onnx(est).SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    if est._input_kind == "tabular":
        feeds = {"X": np.asarray(X_, dtype=np.float32)}
    else:
        feeds = dict(zip(("X", "lengths"), left_aligned(list(X_))))
    names = [output.name for output in session.get_outputs()]
    return dict(zip(names, session.run(None, feeds))), feeds.get("lengths")


def assert_same_steps(onnx_out, skrnn_out, lengths, **tol):
    """Per-step outputs: skrnn's list (or array) against ONNX's left-aligned array."""
    if isinstance(skrnn_out, list):
        for row, expected, n in zip(onnx_out, skrnn_out, lengths):
            np.testing.assert_allclose(row[:n], expected, **tol)
    else:
        np.testing.assert_allclose(onnx_out, skrnn_out, **tol)


ARCHITECTURES = {
    "uni": dict(bidirectional=False),
    "bi": dict(bidirectional=True),
    "stacked-bi": dict(hidden_layer_sizes=(3, 5), bidirectional=True),
    "stacked-uni": dict(hidden_layer_sizes=(5, 3), bidirectional=False),
}


@pytest.mark.parametrize("architecture", ARCHITECTURES)
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("ragged", [False, True], ids=["3d", "ragged"])
def test_regressor_matches_for_every_cell_and_layout(cell, architecture, ragged):
    X_, y_ = (RAGGED, RAGGED_Y) if ragged else (X, y)
    reg = _fit(RNNRegressor(**{**TINY, "cell": cell, **ARCHITECTURES[architecture]}), X_, y_)
    out, _ = run_onnx(reg, X_)
    np.testing.assert_allclose(out["y"], reg.predict(X_), **TOL)


@pytest.mark.parametrize("pooling", ["last", "mean", "max", "attention"])
@pytest.mark.parametrize("patch_size", [1, 2, 3])
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_poolings_and_patches_match_on_ragged_input(cell, pooling, patch_size):
    reg = _fit(RNNRegressor(**{**TINY, "cell": cell, "pooling": pooling,
                               "patch_size": patch_size}), RAGGED, RAGGED_Y)
    out, _ = run_onnx(reg, RAGGED)
    np.testing.assert_allclose(out["y"], reg.predict(RAGGED), **TOL)


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_elman_activations(activation):
    reg = _fit(RNNRegressor(**{**TINY, "cell": "rnn", "activation": activation}), X, y)
    np.testing.assert_allclose(run_onnx(reg, X)[0]["y"], reg.predict(X), **TOL)


def test_ensemble_averages_the_members_raw_outputs():
    reg = _fit(RNNRegressor(**{**TINY, "n_estimators": 3, "pooling": "attention"}),
               RAGGED, np.column_stack([RAGGED_Y, 100 * RAGGED_Y + 5]))
    out, _ = run_onnx(reg, RAGGED)
    assert out["y"].shape == (10, 2)
    np.testing.assert_allclose(out["y"], reg.predict(RAGGED), **TOL)


def test_an_ensemble_of_mixed_poolings_exports_each_members_pooling():
    # RNNClassifier's default ensemble mixes "last" and "max" members; here three
    # poolings, each member through its own head
    clf = _fit(RNNClassifier(**{**TINY, "n_estimators": 3, "pooling": ["last", "max", "mean"]}),
               RAGGED, np.array([0, 1, 2] * 3 + [0]))
    assert [m.network_.pooling for m in clf.estimators_] == ["last", "max", "mean"]
    out, _ = run_onnx(clf, RAGGED)
    np.testing.assert_allclose(out["probabilities"], clf.predict_proba(RAGGED), **TOL)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("ragged", [False, True], ids=["3d", "ragged"])
def test_per_step_regression(cell, ragged):
    X_ = RAGGED if ragged else X
    targets = [x[:, 0] * 3 + 1 for x in X_]
    reg = _fit(RNNRegressor(**{**TINY, "cell": cell, "return_sequences": True,
                               "n_estimators": 2}), X_, targets if ragged else np.stack(targets))
    out, lengths = run_onnx(reg, X_)
    assert_same_steps(out["y"], reg.predict(X_), lengths, **TOL)


def test_tabular_input_with_channels_and_patches():
    X2 = X.reshape(10, -1)  # 7 steps of 2 channels, time-major
    reg = _fit(RNNRegressor(**{**TINY, "n_channels": 2, "patch_size": 3, "pooling": "mean"}),
               X2, y)
    out, _ = run_onnx(reg, X2)
    np.testing.assert_allclose(out["y"], reg.predict(X2), **TOL)


def test_unstandardized_float64_model():
    reg = _fit(RNNRegressor(**{**TINY, "standardize": False, "dtype": "float64"}), X, y)
    np.testing.assert_allclose(run_onnx(reg, X)[0]["y"], reg.predict(X), **TOL)


def test_equal_lengths_are_passed_as_lengths_T():
    reg = _fit(RNNRegressor(**TINY), X, y)
    session = ort.InferenceSession(to_onnx(reg).SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    (pred,) = session.run(None, {"X": X.astype(np.float32), "lengths": np.full(10, 7)})
    np.testing.assert_allclose(pred, reg.predict(X), **TOL)


def test_onnx_reads_sequences_left_aligned_not_front_padded():
    """skrnn pads at the front internally; the ONNX model wants valid steps first."""
    reg = _fit(RNNRegressor(**{**TINY, "bidirectional": False}), RAGGED, RAGGED_Y)
    X_left, lengths = left_aligned(RAGGED)
    X_front = np.zeros_like(X_left)
    for row, s in zip(X_front, RAGGED):
        row[X_front.shape[1] - len(s):] = s
    session = ort.InferenceSession(to_onnx(reg).SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    (left,) = session.run(None, {"X": X_left, "lengths": lengths})
    (front,) = session.run(None, {"X": X_front, "lengths": lengths})
    np.testing.assert_allclose(left, reg.predict(RAGGED), **TOL)
    short = lengths < lengths.max()
    assert not np.allclose(front[short], left[short], atol=1e-3)


@pytest.mark.parametrize("labels", [
    LABELS, np.arange(10) % 2, np.arange(10) % 3 == 0, np.arange(10) % 4 + 10,
], ids=["strings", "binary-int", "bool", "multiclass-int"])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_classifier_labels_and_probabilities(cell, labels):
    clf = _fit(RNNClassifier(**{**TINY, "cell": cell, "n_estimators": 2}), RAGGED, labels)
    out, _ = run_onnx(clf, RAGGED)
    np.testing.assert_allclose(out["probabilities"], clf.predict_proba(RAGGED), **TOL)
    expected = clf.predict(RAGGED)
    got = out["label"].astype(str) if expected.dtype.kind == "U" else out["label"]
    np.testing.assert_array_equal(got, expected)


def test_multilabel_classifier():
    indicator = np.column_stack([y > 0, X[:, 0, 0] > 0, y > 1]).astype(int)
    clf = _fit(RNNClassifier(**TINY), X, indicator)
    out, _ = run_onnx(clf, X)
    np.testing.assert_allclose(out["probabilities"], clf.predict_proba(X), **TOL)
    np.testing.assert_array_equal(out["label"], clf.predict(X))


@pytest.mark.parametrize("ragged", [False, True], ids=["3d", "ragged"])
def test_per_step_classifier(ragged):
    X_ = RAGGED if ragged else X
    steps = [np.array(["lo", "mid", "hi"])[np.digitize(x[:, 0], [-0.5, 0.5])] for x in X_]
    clf = _fit(RNNClassifier(**{**TINY, "return_sequences": True, "cell": "lstm"}), X_,
               steps if ragged else np.stack(steps))
    out, lengths = run_onnx(clf, X_)
    assert_same_steps(out["probabilities"], clf.predict_proba(X_), lengths, **TOL)
    labels = clf.predict(X_)
    for row, expected, n in zip(out["label"], labels, lengths if ragged else [7] * 10):
        np.testing.assert_array_equal(row[:n].astype(str), expected)


def test_object_array_string_labels_are_exported_as_strings():
    clf = _fit(RNNClassifier(**TINY), X, LABELS.astype(object))
    out, _ = run_onnx(clf, X)
    np.testing.assert_array_equal(out["label"].astype(str), clf.predict(X).astype(str))


def test_unfitted_estimator_is_refused():
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        to_onnx(RNNRegressor())


def test_the_graph_uses_the_native_recurrent_operators():
    for cell, op_type in [("rnn", "RNN"), ("lstm", "LSTM"), ("gru", "GRU")]:
        reg = _fit(RNNRegressor(**{**TINY, "cell": cell, "hidden_layer_sizes": (3, 3)}), X, y)
        model = to_onnx(reg)
        ops = [node.op_type for node in model.graph.node]
        assert ops.count(op_type) == 2
        assert [i.name for i in model.graph.input] == ["X", "lengths"]
        if cell == "gru":
            gru = next(node for node in model.graph.node if node.op_type == "GRU")
            assert {a.name: a.i for a in gru.attribute}["linear_before_reset"] == 1


def test_a_forecasters_networks_export_as_table_models():
    from skrnn import RNNForecaster
    from skrnn.datasets import load_airline

    forecaster = RNNForecaster(random_state=0, n_estimators=2)
    forecaster.set_params(estimator__max_iter=3).fit(load_airline())
    windows = np.random.default_rng(0).normal(size=(5, forecaster.window_length_))
    for member in forecaster.estimators_:
        session = ort.InferenceSession(to_onnx(member).SerializeToString())
        out = session.run(None, {"X": windows.astype(np.float32)})[0]
        np.testing.assert_allclose(out.ravel(), member.predict(windows).ravel(), atol=1e-5)
