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
                 dtype=np.float32, pooling="last"):
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
    """
    sizes = _validate(n_features, hidden_layer_sizes, n_outputs, cell, activation)
    _validate_pooling(pooling, return_sequences)
    n_dir = 2 if bidirectional else 1
    layer_slices, penalised, start, D = _recurrent_layout(
        sizes, n_features, get_cell(cell, activation).n_blocks, n_dir)
    pool_slice = None
    if pooling == "attention":
        pool_slice = (start, start + D)
        penalised.append(np.ones(D))  # w is a weight: L2-penalised
        start += D
    head = (start, int(n_outputs), D)
    penalised += [np.ones(n_outputs * D), np.zeros(n_outputs)]
    penalty_mask = np.concatenate(penalised).astype(dtype)
    penalty_mask.setflags(write=False)
    return NetworkSpec(
        n_features=int(n_features), hidden_layer_sizes=sizes, n_outputs=int(n_outputs),
        cell=cell, activation=activation, bidirectional=bool(bidirectional),
        return_sequences=bool(return_sequences), pooling=pooling, dtype=np.dtype(dtype),
        n_params=int(start + n_outputs * D + n_outputs), layer_slices=layer_slices,
        pool_slice=pool_slice, head_slices=head, penalty_mask=penalty_mask)


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


def pool_weights(spec, theta):
    """View of the attention's scoring vector ``w`` (D,) in ``theta`` (or a gradient
    laid out like it), or None when the pooling has no parameters."""
    if spec.pool_slice is None:
        return None
    start, stop = spec.pool_slice
    return theta[start:stop]
