"""Export a fitted RNNRegressor or RNNClassifier to ONNX, with the standard operators.

The graph repeats what ``predict`` does (``skrnn/_prediction.py``): standardise the
input channels, group steps into patches, run the stacked (bi)directional recurrent
layers with ONNX's own ``RNN`` / ``LSTM`` / ``GRU`` operators, pool, apply the dense
head, average an ensemble's raw outputs, then the output activation (softmax or
sigmoid) or the target de-standardisation. Built with the ``onnx`` package's helper API
alone; ``pip install "skrnn[onnx]"`` installs it with ``onnxruntime``.

Layout. skrnn pads ragged sequences at the front (valid steps last); the ONNX recurrent
operators read each sequence's first ``sequence_lens[i]`` steps. So the exported model
takes sequences **left-aligned**: valid steps first, padding after, plus their lengths.

Gate order. skrnn's fused ``W = [W_x | b | U]`` per layer and direction
(``skrnn/_engine/_network.py``) holds the LSTM blocks as (o, i, f, g) and the GRU blocks
as (r, z, n_h, n_x) in the reset-after form; ONNX's LSTM wants (i, o, f, c), its GRU
(z, r, h) with ``linear_before_reset=1``: the candidate's input weights and bias ``b_in``
come from the n_x block, its recurrent weights and bias ``b_hn`` from the n_h block.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._engine import pool_weights, unpack
from ._input import TABULAR

OPSET = 18

_ELMAN = {"tanh": "Tanh", "relu": "Relu", "sigmoid": "Sigmoid"}


def to_onnx(estimator):
    """Export a fitted :class:`RNNRegressor` or :class:`RNNClassifier` to ONNX.

    The graph uses ONNX's native ``RNN``, ``LSTM`` and ``GRU`` operators (opset 18) and
    computes in float32 (a ``dtype="float64"`` model is exported with its weights
    rounded to float32). Every cell, stacked and bidirectional layers, every pooling,
    ``return_sequences``, the input standardisation, patches and ensembles (the mean of
    the members' raw outputs) are exported.

    Parameters
    ----------
    estimator : RNNRegressor or RNNClassifier
        A fitted estimator.

    Returns
    -------
    model : onnx.ModelProto
        Inputs:

        * ``X``: float32. For an estimator fitted on 2-D ``X``, the same
          ``(n_samples, n_timesteps * n_channels)`` table. For one fitted on 3-D ``X``
          or on a list of sequences, ``(n_samples, n_timesteps, n_features)`` with each
          sequence **left-aligned**: its ``lengths[i]`` valid steps first, then
          padding (any finite values), the opposite of skrnn's internal front padding.
        * ``lengths``: int64 ``(n_samples,)``, only for sequence input: the valid
          steps of each row of ``X``, between 1 and ``n_timesteps`` (all
          ``n_timesteps`` for equally long sequences).

        Outputs: the regressor's ``y``, shaped as :meth:`RNNRegressor.predict`
        returns it for an array; the classifier's ``probabilities`` (as
        :meth:`RNNClassifier.predict_proba`) and ``label`` (as ``predict``; for
        multilabel targets the 0/1 indicator). With ``return_sequences=True`` they
        have a time axis ``(n_samples, n_timesteps, ...)``, left-aligned like ``X``:
        the steps at and after ``lengths[i]`` are padding, to be ignored.

    Raises
    ------
    ImportError
        If the ``onnx`` package is not installed.
    NotImplementedError
        For a classifier whose labels are Python objects (mixed types), which an ONNX
        tensor cannot hold; ``probabilities`` in the order of ``classes_`` can still be
        exported by refitting with integer or string labels. For an encoder–decoder
        (``output_steps``).

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import RNNRegressor, to_onnx
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(20, 6, 1))
    >>> reg = RNNRegressor(hidden_layer_sizes=4, max_iter=2, n_estimators=2,
    ...                    random_state=0).fit(X, X[:, -1, 0])  # doctest: +SKIP
    >>> model = to_onnx(reg)  # doctest: +SKIP
    >>> import onnxruntime  # doctest: +SKIP
    >>> session = onnxruntime.InferenceSession(model.SerializeToString())  # doctest: +SKIP
    >>> lengths = np.full(20, 6)  # equally long: every row is 6 valid steps
    >>> y_onnx, = session.run(None, {"X": X.astype(np.float32),
    ...                             "lengths": lengths})  # doctest: +SKIP
    >>> bool(np.allclose(y_onnx, reg.predict(X), atol=1e-5))  # doctest: +SKIP
    True
    """
    try:
        import onnx  # noqa: F401
    except ImportError as error:  # pragma: no cover - exercised without the extra
        raise ImportError(
            "to_onnx needs the onnx package: pip install 'skrnn[onnx]'.") from error
    check_is_fitted(estimator)
    if estimator.network_.output_steps is not None:
        raise NotImplementedError(
            "to_onnx does not export encoder–decoder networks (output_steps) yet.")
    g = _Graph()
    sequences = estimator._input_kind != TABULAR
    X3, lengths, mask = _inputs(g, estimator, sequences)
    x, lengths = _network_input(g, estimator, X3, lengths, mask)
    raws = [_network(g, spec, theta, x, lengths) for spec, theta in estimator._member_networks()]
    raw = raws[0] if len(raws) == 1 else g.op(
        "Div", g.op("Sum", *raws), g.const(np.float32(len(raws))))
    if estimator.network_.return_sequences:  # (T, N, O) -> (N, T, O)
        raw = g.op("Transpose", raw, perm=[1, 0, 2])
    outputs = _outputs(g, estimator, raw)
    return g.model(outputs, type(estimator).__name__)


class _Graph:
    """Nodes, initialisers and inputs of the graph being built, with unique names."""

    def __init__(self):
        from onnx import helper
        self.helper, self.nodes, self.initializers, self.inputs = helper, [], [], []
        self._count = 0

    def name(self, stem):
        self._count += 1
        return f"{stem}_{self._count}"

    def const(self, value, stem="c"):
        from onnx import numpy_helper
        name = self.name(stem)
        self.initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(self, op_type, *inputs, n_outputs=1, **attributes):
        outputs = [self.name(op_type.lower()) for _ in range(n_outputs)]
        self.nodes.append(self.helper.make_node(op_type, list(inputs), outputs,
                                                **attributes))
        return outputs[0] if n_outputs == 1 else outputs

    def input(self, name, elem_type, shape):
        self.inputs.append(self.helper.make_tensor_value_info(name, elem_type, shape))
        return name

    def model(self, outputs, graph_name):
        import onnx
        helper = self.helper
        values = []
        for name, source, elem_type, shape in outputs:
            self.nodes.append(helper.make_node("Identity", [source], [name]))
            values.append(helper.make_tensor_value_info(name, elem_type, shape))
        graph = helper.make_graph(self.nodes, f"skrnn_{graph_name}", self.inputs, values,
                                  initializer=self.initializers)
        model = helper.make_model(graph, producer_name="skrnn",
                                  opset_imports=[helper.make_opsetid("", OPSET)])
        onnx.checker.check_model(model)
        return model


# ------------------------------------------------------------------ input side
def _inputs(g, est, sequences):
    """Graph inputs, as ``(X (N, T, F) float32, lengths (N,) int64 or None, mask)``;
    ``mask`` is the float (N, T, 1) of valid steps, or None when all are valid."""
    from onnx import TensorProto
    if not sequences:
        X = g.input("X", TensorProto.FLOAT, ["n_samples", est.n_features_in_])
        channels = est._fit_n_channels
        X3 = g.op("Reshape", X, g.const(np.array([0, -1, channels], dtype=np.int64)))
        return X3, None, None
    X = g.input("X", TensorProto.FLOAT, ["n_samples", "n_timesteps", est.n_features_in_])
    lengths = g.input("lengths", TensorProto.INT64, ["n_samples"])
    T = g.op("Gather", g.op("Shape", X), g.const(np.int64(1)))
    steps = g.op("Range", g.const(np.int64(0)), T, g.const(np.int64(1)))
    valid = g.op("Less", g.op("Unsqueeze", steps, g.const(np.array([0], np.int64))),
                 g.op("Unsqueeze", lengths, g.const(np.array([1], np.int64))))  # (N, T)
    mask = g.op("Unsqueeze", g.op("Cast", valid, to=TensorProto.FLOAT),
                g.const(np.array([2], np.int64)))
    return X, lengths, mask


def _network_input(g, est, X3, lengths, mask):
    """Standardised, patched, time-major network input and lengths in network steps."""
    from onnx import TensorProto
    x = X3
    if est.input_mean_ is not None:  # (X - mean) / scale, padding kept at 0
        x = g.op("Div", g.op("Sub", x, g.const(est.input_mean_.astype(np.float32))),
                 g.const(est.input_scale_.astype(np.float32)))
    if mask is not None:
        x = g.op("Mul", x, mask)
    p = est.patch_size_
    if p > 1:
        x = _patch(g, x, lengths, p, est.n_features_in_ if lengths is not None
                   else est._fit_n_channels)
        if lengths is not None:  # ceil(L / p)
            lengths = g.op("Div", g.op("Add", lengths, g.const(np.int64(p - 1))),
                           g.const(np.int64(p)))
    if lengths is not None:
        lengths = g.op("Cast", lengths, to=TensorProto.INT32)
    return g.op("Transpose", x, perm=[1, 0, 2]), lengths


def _patch(g, x, lengths, p, F):
    """Patches of ``p`` steps aligned to the end of each sequence (``patch_steps``):
    each left-aligned row is shifted right by ``(-L) mod p`` zero steps, then every
    ``p`` steps become one step of ``p * F`` values."""
    zeros = g.op("Expand", g.const(np.zeros((1, 1, 1), np.float32)),
                 g.op("Concat", g.op("Slice", g.op("Shape", x), g.const(np.array([0])),
                                     g.const(np.array([1]))),
                      g.const(np.array([p - 1, F], dtype=np.int64)), axis=0))
    padded = g.op("Concat", zeros, x, zeros, axis=1)  # (N, T + 2 (p - 1), F)
    T = g.op("Gather", g.op("Shape", x), g.const(np.int64(1)))
    T_whole = g.op("Mul", g.op("Div", g.op("Add", T, g.const(np.int64(p - 1))),
                               g.const(np.int64(p))), g.const(np.int64(p)))
    steps = g.op("Range", g.const(np.int64(0)), T_whole, g.const(np.int64(1)))
    if lengths is None:  # every row is T long: one shift for all, (-T) mod p
        lengths = g.op("Unsqueeze", T, g.const(np.array([0], np.int64)))
    shift = g.op("Mod", g.op("Sub", g.const(np.int64(p)),
                             g.op("Mod", lengths, g.const(np.int64(p)))),
                 g.const(np.int64(p)))
    # padded[i, t + (p - 1) - shift_i] is step t of the shifted row i
    index = g.op("Sub", g.op("Add", g.op("Unsqueeze", steps, g.const(np.array([0]))),
                             g.const(np.int64(p - 1))),
                 g.op("Unsqueeze", shift, g.const(np.array([1]))))  # (N or 1, T_whole)
    rows = g.op("Slice", g.op("Shape", x), g.const(np.array([0])), g.const(np.array([1])))
    index = g.op("Expand", g.op("Unsqueeze", index, g.const(np.array([2]))),
                 g.op("Concat", rows, g.op("Unsqueeze", T_whole, g.const(np.array([0]))),
                      g.const(np.array([F], dtype=np.int64)), axis=0))
    shifted = g.op("GatherElements", padded, index, axis=1)
    return g.op("Reshape", shifted, g.const(np.array([0, -1, p * F], dtype=np.int64)))


# ------------------------------------------------------------------ network
def _network(g, spec, theta, x, lengths):
    """Raw head output of one network: (N, O), or (T, N, O) per step."""
    layers, W_out, b_out = unpack(spec, theta.astype(np.float32))
    seq, n_in = x, spec.n_features
    for H, directions in zip(spec.hidden_layer_sizes, layers):
        Y, Y_h = _recurrent_layer(g, spec, directions, n_in, H, seq, lengths)
        # Y (T, D, N, H) -> (T, N, D * H): forward features first, as skrnn stacks them
        seq = g.op("Reshape", g.op("Transpose", Y, perm=[0, 2, 1, 3]),
                   g.const(np.array([0, 0, -1], dtype=np.int64)))
        n_in = spec.n_directions * H
    if spec.return_sequences:
        head_in = seq
    elif spec.pooling == "last":  # Y_h (D, N, H) -> (N, D * H), like PyTorch's h_n
        head_in = g.op("Reshape", g.op("Transpose", Y_h, perm=[1, 0, 2]),
                       g.const(np.array([0, -1], dtype=np.int64)))
    else:
        head_in = _pool(g, spec.pooling, seq, lengths, pool_weights(spec, theta))
    out = g.op("MatMul", head_in, g.const(W_out.T.copy()))
    return g.op("Add", out, g.const(b_out[:, 0].copy()))


def _recurrent_layer(g, spec, directions, n_in, H, seq, lengths):
    """One layer, all its directions, as one ONNX recurrent node: (Y, Y_h)."""
    parts = [_onnx_weights(spec.cell, W, n_in, H) for W in directions]
    W, R, B = (np.stack([part[k] for part in parts]).astype(np.float32) for k in range(3))
    attributes = {"hidden_size": H,
                  "direction": "bidirectional" if spec.bidirectional else "forward"}
    op_type = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}[spec.cell]
    if spec.cell == "rnn":
        attributes["activations"] = [_ELMAN[spec.activation]] * spec.n_directions
    if spec.cell == "gru":
        attributes["linear_before_reset"] = 1
    inputs = [seq, g.const(W, "W"), g.const(R, "R"), g.const(B, "B"), lengths or ""]
    Y, Y_h, *_ = g.op(op_type, *inputs, n_outputs=3 if spec.cell == "lstm" else 2,
                      **attributes)
    return Y, Y_h


def _onnx_weights(cell, W, n_in, H):
    """ONNX's ``(W, R, B)`` of one direction from skrnn's fused ``[W_x | b | U]``."""
    W_x, b, U = W[:, :n_in], W[:, n_in], W[:, n_in + 1:]

    def blocks(A, order):
        return np.concatenate([A[k * H:(k + 1) * H] for k in order])

    if cell == "rnn":
        return W_x, U, np.concatenate([b, np.zeros(H)])
    if cell == "lstm":  # skrnn (o, i, f, g) -> ONNX (i, o, f, c)
        order = [1, 0, 2, 3]
        return blocks(W_x, order), blocks(U, order), np.concatenate(
            [blocks(b, order), np.zeros(4 * H)])
    # GRU: skrnn (r, z, n_h, n_x) -> ONNX (z, r, h); input side of h from n_x (b_in),
    # recurrent side from n_h (b_hn), as linear_before_reset=1 reads them
    zero = np.zeros(H)
    return (blocks(W_x, [1, 0, 3]), blocks(U, [1, 0, 2]),
            np.concatenate([blocks(b, [1, 0, 3]), zero, zero, b[2 * H:3 * H]]))


def _pool(g, kind, seq, lengths, w):
    """Pool the top outputs (T, N, D) over each sequence's valid steps: (N, D)."""
    from onnx import TensorProto
    T = g.op("Gather", g.op("Shape", seq), g.const(np.int64(0)))
    steps = g.op("Range", g.const(np.int64(0)), T, g.const(np.int64(1)))
    if lengths is None:
        lengths = g.op("Expand", T, g.op("Slice", g.op("Shape", seq), g.const(np.array([1])),
                                         g.const(np.array([2]))))
    lengths = g.op("Cast", lengths, to=TensorProto.INT64)
    valid = g.op("Unsqueeze", g.op("Less", g.op("Unsqueeze", steps, g.const(np.array([1]))),
                                   g.op("Unsqueeze", lengths, g.const(np.array([0])))),
                 g.const(np.array([2])))  # (T, N, 1)
    axis0 = g.const(np.array([0]))
    if kind == "max":  # (P2) padding enters as -inf
        filled = g.op("Where", valid, seq, g.const(np.float32(-np.inf)))
        return g.op("ReduceMax", filled, axis0, keepdims=0)
    if kind == "mean":  # (P1) sum_t m_t h_t / sum_t m_t
        weight = g.op("Cast", valid, to=TensorProto.FLOAT)
        total = g.op("ReduceSum", g.op("Mul", seq, weight), axis0, keepdims=0)
        return g.op("Div", total, g.op("ReduceSum", weight, axis0, keepdims=0))
    # (P3) a_t = softmax over the valid steps of s_t = w^T h_t;  p = sum_t a_t h_t
    scores = g.op("MatMul", seq, g.const(w.astype(np.float32).reshape(-1, 1)))  # (T, N, 1)
    scores = g.op("Where", valid, scores, g.const(np.float32(-np.inf)))
    attention = g.op("Softmax", scores, axis=0)
    return g.op("ReduceSum", g.op("Mul", seq, attention), axis0, keepdims=0)


# ------------------------------------------------------------------ output side
def _outputs(g, est, raw):
    """Named outputs ``[(name, source, elem_type, shape)]`` from the raw output
    (N[, T], O)."""
    rows = ["n_samples"] + (["n_timesteps"] if est.network_.return_sequences else [])
    if not hasattr(est, "classes_"):
        return _regression_outputs(g, est, raw, rows)
    return _classification_outputs(g, est, raw, rows)


def _regression_outputs(g, est, raw, rows):
    """``y``: the raw output de-standardised, squeezed to (N[, T]) for one output."""
    from onnx import TensorProto
    y = raw
    if est.target_mean_ is not None:
        y = g.op("Add", g.op("Mul", y, g.const(est.target_scale_.astype(np.float32))),
                 g.const(est.target_mean_.astype(np.float32)))
    if est.n_outputs_ == 1:
        return [("y", g.op("Squeeze", y, g.const(np.array([-1]))), TensorProto.FLOAT,
                 rows)]
    return [("y", y, TensorProto.FLOAT, rows + [est.n_outputs_])]


def _classification_outputs(g, est, raw, rows):
    """``label`` and ``probabilities``, as ``predict`` and ``predict_proba`` return them."""
    from onnx import TensorProto
    from onnx.helper import np_dtype_to_tensor_dtype
    classes = _exported_classes(est)
    if est._is_softmax():
        proba = g.op("Softmax", raw, axis=-1)
    else:
        proba = g.op("Sigmoid", raw)
    multilabel = est._label_binarizer.y_type_.startswith("multilabel")
    if est.n_outputs_ == 1 and not multilabel:  # binary: [1 - p, p]
        proba = g.op("Concat", g.op("Sub", g.const(np.float32(1.0)), proba), proba,
                     axis=-1)
    if multilabel:  # the 0/1 indicator predict returns
        label = g.op("Cast", g.op("Greater", proba, g.const(np.float32(0.5))),
                     to=TensorProto.INT64)
        return [("label", label, TensorProto.INT64, rows + [len(classes)]),
                ("probabilities", proba, TensorProto.FLOAT, rows + [len(classes)])]
    index = g.op("ArgMax", proba, axis=-1, keepdims=0)
    stored = classes.astype(str) if classes.dtype.kind in "US" else classes
    label = g.op("Gather", g.const(stored, "classes"), index, axis=0)
    elem = TensorProto.STRING if classes.dtype.kind in "US" else np_dtype_to_tensor_dtype(
        classes.dtype)
    return [("label", label, elem, rows),
            ("probabilities", proba, TensorProto.FLOAT, rows + [len(classes)])]


def _exported_classes(est):
    """The classifier's labels as an array ONNX can hold (numbers, booleans or strings)."""
    classes = np.asarray(est.classes_)
    if classes.dtype == object:  # e.g. strings given as an object array
        classes = np.array(classes.tolist())
    if classes.dtype.kind not in "biufUS":
        raise NotImplementedError(
            f"to_onnx cannot export labels of dtype {classes.dtype} (an ONNX tensor "
            "holds numbers, booleans or strings); refit with integer or string labels.")
    return classes
