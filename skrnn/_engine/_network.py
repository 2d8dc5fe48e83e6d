"""Network layout: the frozen :class:`NetworkSpec` and views into the flat parameters.

Parameters live in ONE flat vector ``theta`` (what the optimizer updates). For each layer
and direction (forward first) it holds a fused matrix ``W`` of shape
``(n_blocks * H, F_in + 1 + H)`` = ``[W_x | b | U]`` acting on ``[x_t; 1; h_{t-1}]``,
stored row-major; then, for ``pooling="attention"`` only, the attention's scoring vector
``w`` of shape ``(D,)``; then the head ``W_out`` of shape ``(n_outputs, D)`` and ``b_out``.
"""

from dataclasses import dataclass, field

import numpy as np

from ._cells import ELMAN_ACTIVATIONS, get_cell
from ._pooling import POOLINGS

CELLS = ("rnn", "lstm", "gru")


@dataclass(frozen=True)
class NetworkSpec:
    """Layout of a recurrent network (built by :func:`make_network`).

    Attributes
    ----------
    n_features, n_outputs : int
    hidden_layer_sizes : tuple of int
        One entry per stacked recurrent layer.
    cell : {"rnn", "lstm", "gru"}
    activation : {"tanh", "relu", "sigmoid"}
        Used by the "rnn" cell only.
    bidirectional, return_sequences : bool
    pooling : {"last", "mean", "max", "attention"}
        What a many-to-one head reads: the final state ("last"), or the mean, element-wise
        max or softmax attention over the valid steps of the top layer's output sequence
        (see :mod:`skrnn._engine._pooling`). Always "last" with ``return_sequences``.
    dtype : numpy.dtype
    n_params : int
        Length of the flat parameter vector.
    layer_slices : tuple of tuple of (int, int, int)
        Per layer, per direction: ``(start, n_rows, n_cols)`` of its fused ``W`` in theta.
    pool_slice : tuple of (int, int) or None
        ``(start, stop)`` of the attention's scoring vector ``w`` (``stop - start = D``),
        between the recurrent layers and the head; None unless ``pooling="attention"``.
    head_slices : tuple of (int, int, int)
        ``(start, n_outputs, D)`` of ``W_out``; ``b_out`` follows it.
    penalty_mask : ndarray of shape (n_params,)
        1 for weights penalised by the L2 term (``w`` included), 0 for biases.
    output_steps : int or None
        None: the network above. An int: an encoder–decoder (see
        :mod:`skrnn._engine._decoder`); the layers above are its encoder, read many-to-one,
        and the head acts on every step of the decoder's top layer.
    n_future_features : int
        Known future covariates the decoder reads at each step besides its previous
        output (encoder–decoder only).
    feedback : {"identity", "softmax", "sigmoid"}
        What the decoder feeds back from its head when it runs free: the prediction in
        the head's space (the regressor's value, the classifier's probabilities).
    init_slices, decoder_slices : tuple of (int, int, int)
        Per decoder layer: ``(start, n_rows, n_cols)`` of the map from the encoder's
        summary to the layer's initial state, ``A = [W_s | b]`` of shape
        ``(n_states * H, D + 1)``, and of the layer's fused ``W``; empty without a decoder.
    """

    n_features: int
    hidden_layer_sizes: tuple
    n_outputs: int
    cell: str
    activation: str
    bidirectional: bool
    return_sequences: bool
    pooling: str
    dtype: np.dtype
    n_params: int
    layer_slices: tuple
    pool_slice: tuple
    head_slices: tuple
    penalty_mask: np.ndarray = field(compare=False, repr=False)
    output_steps: object = None
    n_future_features: int = 0
    feedback: str = "identity"
    init_slices: tuple = ()
    decoder_slices: tuple = ()

    @property
    def n_directions(self):
        return 2 if self.bidirectional else 1

    @property
    def cell_def(self):
        """The :class:`~skrnn._engine._cells.Cell` used by every layer."""
        return get_cell(self.cell, self.activation)


def _validate_pooling(pooling, return_sequences):
    if pooling not in POOLINGS:
        raise ValueError(f"Unknown pooling {pooling!r}; expected one of {POOLINGS}.")
    if pooling != "last" and return_sequences:
        raise ValueError(f"pooling={pooling!r} summarises the sequence for a many-to-one "
                         f"head; it cannot be combined with return_sequences=True.")


def _validate(n_features, hidden_layer_sizes, n_outputs, cell, activation):
    if cell not in CELLS:
        raise ValueError(f"Unknown cell {cell!r}; expected one of {CELLS}.")
    if activation not in ELMAN_ACTIVATIONS:
        raise ValueError(
            f"Unknown activation {activation!r}; expected one of "
            f"{tuple(ELMAN_ACTIVATIONS)}.")
    sizes = tuple(int(h) for h in hidden_layer_sizes)
    if not sizes or min(sizes) < 1:
        raise ValueError(f"hidden_layer_sizes must be non-empty positive ints, got "
                         f"{hidden_layer_sizes!r}.")
    if int(n_features) < 1 or int(n_outputs) < 1:
        raise ValueError("n_features and n_outputs must be >= 1.")
    return sizes


def _recurrent_layout(sizes, n_features, n_blocks, n_dir):
    """Slices and penalty masks of the recurrent layers, the next free index, and D."""
    layer_slices, penalised, start, n_in = [], [], 0, int(n_features)
    for H in sizes:
        directions = []
        for _ in range(n_dir):
            rows, cols = n_blocks * H, n_in + 1 + H
            directions.append((start, rows, cols))
            mask = np.ones((rows, cols))
            mask[:, n_in] = 0  # bias column
            penalised.append(mask.ravel())
            start += rows * cols
        layer_slices.append(tuple(directions))
        n_in = n_dir * H
    return tuple(layer_slices), penalised, start, n_in


def make_network(n_features, hidden_layer_sizes, n_outputs, *, cell="lstm",
                 activation="tanh", bidirectional=False, return_sequences=False,
                 dtype=np.float32, pooling="last", output_steps=None,
                 n_future_features=0, feedback="identity"):
    """Describe a stacked (bi)directional recurrent network with a dense head.

    Parameters
    ----------
    n_features : int
    hidden_layer_sizes : tuple of int
    n_outputs : int
    cell : {"rnn", "lstm", "gru"}, default="lstm"
    activation : {"tanh", "relu", "sigmoid"}, default="tanh"
    bidirectional, return_sequences : bool, default=False
    dtype : numpy dtype, default=np.float32
    pooling : {"last", "mean", "max", "attention"}, default="last"
        Many-to-one only: what the head reads (see :class:`NetworkSpec`). "attention"
        adds ``D`` parameters (its scoring vector) before the head.
    output_steps : int or None, default=None
        An int makes an encoder–decoder emitting this many steps: the decoder's initial
        state maps and layers (same cell and sizes as the encoder, one direction; the
        first reads ``n_outputs + n_future_features + D`` inputs per step) come after the
        encoder's parameters, and the head reads the decoder's top layer.
    n_future_features : int, default=0
        Known future covariates per decoder step (encoder–decoder only).
    feedback : {"identity", "softmax", "sigmoid"}, default="identity"
        The decoder's fed-back prediction (see :class:`NetworkSpec`).

    Returns
    -------
    spec : NetworkSpec

    Examples
    --------
    >>> import numpy as np
    >>> spec = make_network(3, (8,), 2, cell="gru")
    >>> spec.n_params  # 4 blocks * 8 rows * (3 + 1 + 8) columns + head 2 * 8 + 2
    402
    >>> make_network(3, (8,), 2, cell="gru", pooling="attention").pool_slice  # w: D = 8
    (384, 392)
    >>> make_network(3, (8,), 2, cell="gru", output_steps=5).decoder_slices  # F = 2 + 8
    ((456, 32, 19),)
    """
    sizes = _validate(n_features, hidden_layer_sizes, n_outputs, cell, activation)
    _validate_pooling(pooling, return_sequences)
    decoder = _validate_decoder(output_steps, n_future_features, feedback, return_sequences)
    n_dir = 2 if bidirectional else 1
    n_blocks = get_cell(cell, activation).n_blocks
    layer_slices, penalised, start, D = _recurrent_layout(sizes, n_features, n_blocks, n_dir)
    pool_slice = None
    if pooling == "attention":
        pool_slice = (start, start + D)
        penalised.append(np.ones(D))  # w is a weight: L2-penalised
        start += D
    init_slices = decoder_slices = ()
    if decoder:
        init_slices, decoder_slices, start, D = _decoder_layout(
            sizes, D, int(n_outputs) + int(n_future_features) + D, cell, n_blocks,
            penalised, start)
    head = (start, int(n_outputs), D)
    penalised += [np.ones(n_outputs * D), np.zeros(n_outputs)]
    penalty_mask = np.concatenate(penalised).astype(dtype)
    penalty_mask.setflags(write=False)
    return NetworkSpec(
        n_features=int(n_features), hidden_layer_sizes=sizes, n_outputs=int(n_outputs),
        cell=cell, activation=activation, bidirectional=bool(bidirectional),
        return_sequences=bool(return_sequences), pooling=pooling, dtype=np.dtype(dtype),
        n_params=int(start + n_outputs * D + n_outputs), layer_slices=layer_slices,
        pool_slice=pool_slice, head_slices=head, penalty_mask=penalty_mask,
        **decoder, init_slices=init_slices, decoder_slices=decoder_slices)


FEEDBACKS = ("identity", "softmax", "sigmoid")


def _validate_decoder(output_steps, n_future_features, feedback, return_sequences):
    """The decoder's NetworkSpec fields, or {} for a network without a decoder."""
    if output_steps is None:
        if n_future_features:
            raise ValueError("n_future_features needs output_steps (a decoder).")
        return {}
    if int(output_steps) < 1 or int(n_future_features) < 0:
        raise ValueError(f"output_steps must be >= 1 and n_future_features >= 0, got "
                         f"{output_steps!r} and {n_future_features!r}.")
    if return_sequences:
        raise ValueError("output_steps (an encoder–decoder) cannot be combined with "
                         "return_sequences=True: the decoder writes the output sequence.")
    if feedback not in FEEDBACKS:
        raise ValueError(f"Unknown feedback {feedback!r}; expected one of {FEEDBACKS}.")
    return dict(output_steps=int(output_steps), n_future_features=int(n_future_features),
                feedback=feedback)


def _decoder_layout(sizes, D, n_inputs, cell, n_blocks, penalised, start):
    """Slices of the decoder's initial-state maps, then of its layers (one direction);
    appends their penalty masks. Returns them, the next free index and the head's D."""
    n_states = 2 if cell == "lstm" else 1
    init_slices = []
    for H in sizes:
        rows, cols = n_states * H, D + 1
        init_slices.append((start, rows, cols))
        mask = np.ones((rows, cols))
        mask[:, D] = 0  # bias column
        penalised.append(mask.ravel())
        start += rows * cols
    layer_slices, more, used, top = _recurrent_layout(sizes, n_inputs, n_blocks, 1)
    decoder_slices = tuple((s + start, r, c) for (s, r, c), in layer_slices)
    penalised += more
    return tuple(init_slices), decoder_slices, start + used, top


def unpack(spec, theta):
    """Views of ``theta`` (or of a gradient laid out like it).

    Returns
    -------
    layers : list of list of ndarray
        ``layers[l][d]`` is the fused ``W`` of layer ``l``, direction ``d``.
    W_out : ndarray of shape (n_outputs, D)
    b_out : ndarray of shape (n_outputs, 1)
    """
    layers = [[theta[s: s + r * c].reshape(r, c) for s, r, c in directions]
              for directions in spec.layer_slices]
    s, n_out, D = spec.head_slices
    W_out = theta[s: s + n_out * D].reshape(n_out, D)
    b_out = theta[s + n_out * D: s + n_out * D + n_out].reshape(n_out, 1)
    return layers, W_out, b_out


def unpack_decoder(spec, theta):
    """Views of the decoder's parameters in ``theta`` (or a gradient laid out like it).

    Returns
    -------
    maps : list of ndarray
        ``maps[l]`` is ``A = [W_s | b]`` of shape ``(n_states * H_l, D + 1)``.
    layers : list of ndarray
        ``layers[l]`` is the fused ``W`` of decoder layer ``l``.
    """
    return ([theta[s: s + r * c].reshape(r, c) for s, r, c in spec.init_slices],
            [theta[s: s + r * c].reshape(r, c) for s, r, c in spec.decoder_slices])


def pool_weights(spec, theta):
    """View of the attention's scoring vector ``w`` (D,) in ``theta`` (or a gradient
    laid out like it), or None when the pooling has no parameters."""
    if spec.pool_slice is None:
        return None
    start, stop = spec.pool_slice
    return theta[start:stop]
