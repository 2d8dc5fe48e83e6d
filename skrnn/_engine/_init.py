"""Parameter initialisation: Glorot-uniform input weights, orthogonal recurrent weights."""

import numpy as np

from ._cells import LSTM_FORGET_BLOCK, gru_structural_zeros
from ._network import pool_weights, unpack, unpack_decoder


def _glorot_uniform(rng, fan_in, fan_out, shape):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def _orthogonal(rng, n):
    """An (n, n) orthogonal matrix: QR of a Gaussian, signs fixed so Q is Haar-uniform."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def _init_recurrent(W, spec, rng, n_in):
    """Fill one fused ``W = [W_x | b | U]`` of shape (n_blocks * H, n_in + 1 + H)."""
    cell = spec.cell_def
    H = W.shape[1] - n_in - 1
    W[:, :n_in] = _glorot_uniform(rng, n_in, cell.n_gates * H, (W.shape[0], n_in))
    W[:, n_in] = 0
    for block in range(cell.n_hidden_blocks):
        W[block * H:(block + 1) * H, n_in + 1:] = _orthogonal(rng, H)
    if spec.cell == "lstm":
        W[LSTM_FORGET_BLOCK * H:(LSTM_FORGET_BLOCK + 1) * H, n_in] = 1.0
    if spec.cell == "gru":
        gru_structural_zeros(W, n_in)


def init_params(spec, rng):
    """Initial flat parameter vector.

    Input weights are Glorot-uniform (fan-in ``F_in``, fan-out ``n_gates * H``), recurrent
    weights orthogonal per gate block, biases zero except the LSTM forget-gate bias (1).
    The head is Glorot-uniform with zero bias. A decoder (``spec.output_steps``) is
    drawn after everything else (see :func:`_init_decoder`). The attention's scoring
    vector (if any) is zero: attention starts uniform over the valid steps (mean
    pooling) and learns where to look, and drawing nothing for it keeps every pooling's
    random stream the same.

    Parameters
    ----------
    spec : NetworkSpec
    rng : numpy.random.Generator

    Returns
    -------
    theta : ndarray of shape (spec.n_params,), dtype spec.dtype
    """
    theta = np.zeros(spec.n_params, dtype=np.float64)
    layers, W_out, b_out = unpack(spec, theta)
    n_in = spec.n_features
    for H, directions in zip(spec.hidden_layer_sizes, layers):
        for W in directions:
            _init_recurrent(W, spec, rng, n_in)
        n_in = spec.n_directions * H
    W_out[:] = _glorot_uniform(rng, W_out.shape[1], W_out.shape[0], W_out.shape)
    w = pool_weights(spec, theta)
    if w is not None:  # after the head, and no draw: the same numbers as "last"
        w[:] = 0.0
    if spec.output_steps is not None:  # drawn last: nothing above changes its draws
        _init_decoder(spec, theta, rng)
    return theta.astype(spec.dtype)


def _init_decoder(spec, theta, rng):
    """Initial-state maps Glorot-uniform with zero bias; layers as the encoder's."""
    maps, layers = unpack_decoder(spec, theta)
    for A in maps:
        A[:, :-1] = _glorot_uniform(rng, A.shape[1] - 1, A.shape[0], (A.shape[0],
                                                                      A.shape[1] - 1))
    n_in = layers[0].shape[1] - spec.hidden_layer_sizes[0] - 1
    for H, W in zip(spec.hidden_layer_sizes, layers):
        _init_recurrent(W, spec, rng, n_in)
        n_in = H
