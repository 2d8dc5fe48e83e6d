"""Helpers for the engine tests: a plain reference network and finite differences.

The reference (``ref``) is written independently of the engine's fused, feature-major
implementation: batch-major, one sample-step at a time in the obvious way, each cell
straight from its equations, bidirectionality by reversing each sequence's valid region
explicitly; pooling (mean, max, softmax attention) one sequence at a time over its valid
steps. It only shares the parameter layout (``unpack``, ``spec.pool_slice``) with the
engine.
"""

from types import SimpleNamespace

import numpy as np
import pytest

from skrnn._engine import init_params, unpack_decoder
from skrnn._engine._cells import gru_structural_zeros
from skrnn._engine._network import unpack


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


_ACT = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0), "sigmoid": _sigmoid}


def ref_step(spec, W, x, h, c):
    """One step of the cell for a batch; x (B, F), h and c (B, H)."""
    F, H = x.shape[1], h.shape[1]
    pre = x @ W[:, :F].T + W[:, F] + h @ W[:, F + 1:].T
    if spec.cell == "rnn":
        return _ACT[spec.activation](pre), c
    blocks = [pre[:, k * H:(k + 1) * H] for k in range(pre.shape[1] // H)]
    if spec.cell == "lstm":
        o, i, f, g = (_sigmoid(blocks[0]), _sigmoid(blocks[1]), _sigmoid(blocks[2]),
                      np.tanh(blocks[3]))
        c = f * c + i * g
        return o * np.tanh(c), c
    r, z = _sigmoid(blocks[0]), _sigmoid(blocks[1])
    n = np.tanh(blocks[3] + r * blocks[2])  # blocks r, z, n_h, n_x
    return (1 - z) * n + z * h, c


def reverse_valid(seq, lengths):
    """Reverse each row of seq (B, T, D) inside its right-aligned valid region."""
    out = seq.copy()
    T = seq.shape[1]
    for i, length in enumerate(lengths):
        out[i, T - length:] = seq[i, T - length:][::-1]
    return out


def ref_top_sequence(spec, theta, X, lengths=None, states=None):
    """Reference top layer outputs (n, T, D) and final states per layer/direction."""
    n, T, _ = X.shape
    lengths = np.full(n, T) if lengths is None else np.asarray(lengths)
    valid = (np.arange(T)[None, :] >= T - lengths[:, None]).astype(float)
    layers, _, _ = unpack(spec, theta)
    seq, finals = X, []
    for layer, directions in enumerate(layers):
        outs, layer_finals = [], []
        for d, W in enumerate(directions):
            H = spec.hidden_layer_sizes[layer]
            h, c = (np.zeros((n, H)), np.zeros((n, H))) if states is None \
                else states[layer][d]
            inp = seq if d == 0 else reverse_valid(seq, lengths)
            out = np.zeros((n, T, H))
            for t in range(T):
                h_new, c_new = ref_step(spec, W, inp[:, t], h, c)
                m = valid[:, t:t + 1]
                h, c = h + m * (h_new - h), c + m * (c_new - c)
                out[:, t] = h
            outs.append(out if d == 0 else reverse_valid(out, lengths))
            layer_finals.append((h, c))
        seq = np.concatenate(outs, axis=2)
        finals.append(layer_finals)
    return seq, finals


def ref_pool(kind, seq, lengths, w=None):
    """Pool each row of seq (n, T, D) over its valid (last lengths[i]) steps: (n, D)."""
    T = seq.shape[1]
    pooled = np.zeros((seq.shape[0], seq.shape[2]))
    for i, length in enumerate(lengths):
        steps = seq[i, T - length:]  # (length, D)
        if kind == "mean":
            pooled[i] = steps.mean(axis=0)
        elif kind == "max":
            pooled[i] = steps.max(axis=0)
        else:  # softmax attention with scores w . h_t
            scores = steps @ w
            a = np.exp(scores - scores.max())
            pooled[i] = (a / a.sum()) @ steps
    return pooled


def ref_head_input(spec, theta, seq, finals, lengths):
    """What a many-to-one head reads: final states (last) or the pooled sequence."""
    pooling = getattr(spec, "pooling", "last")
    if pooling == "last":
        return np.concatenate([h for h, _ in finals[-1]], axis=1)
    w = None if spec.pool_slice is None else theta[spec.pool_slice[0]:spec.pool_slice[1]]
    return ref_pool(pooling, seq, lengths, w)


def ref_network(spec, theta, X, lengths=None, states=None):
    """Reference forward: returns (raw, final states per layer/direction)."""
    n, T, _ = X.shape
    lengths = np.full(n, T) if lengths is None else np.asarray(lengths)
    seq, finals = ref_top_sequence(spec, theta, X, lengths, states)
    _, W_out, b_out = unpack(spec, theta)
    if not spec.return_sequences:
        seq = ref_head_input(spec, theta, seq, finals, lengths)
    return seq @ W_out.T + b_out[:, 0], finals


def ref_loss(raw, Y, loss, weight):
    """Weighted loss: raw, Y (M, O), weight (M,) already normalised."""
    if loss == "squared_error":
        per = 0.5 * ((raw - Y) ** 2).mean(axis=1)
    elif loss == "softmax_cross_entropy":
        log_p = raw - np.log(np.exp(raw).sum(axis=1, keepdims=True))
        per = -(Y * log_p).sum(axis=1)
    else:
        s = _sigmoid(raw)
        per = -(Y * np.log(s) + (1 - Y) * np.log(1 - s)).sum(axis=1)
    return float(per @ weight)


def ref_objective(spec, theta, X, Y, loss="squared_error", lengths=None,
                  sample_weight=None, states=None):
    """Reference loss without L2 or dropout (sum over the given steps, normaliser apart)."""
    n, T, _ = X.shape
    lengths = np.full(n, T) if lengths is None else np.asarray(lengths)
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    raw, finals = ref_network(spec, theta, X, lengths, states)
    if not spec.return_sequences:
        return ref_loss(raw, Y, loss, w / w.sum()), finals
    valid = np.arange(T)[None, :] >= T - lengths[:, None]
    weight = (valid * w[:, None]) / np.dot(w, lengths)
    O = raw.shape[2]
    return ref_loss(raw.reshape(-1, O), Y.reshape(-1, O), loss, weight.ravel()), finals


def free_mask(spec):
    """1 for free parameters, 0 for the GRU's structural zeros (an encoder–decoder's
    decoder layers included)."""
    free = np.ones(spec.n_params)
    if spec.cell != "gru":
        return free
    layers, _, _ = unpack(spec, free)
    n_in = spec.n_features
    for H, directions in zip(spec.hidden_layer_sizes, layers):
        for W in directions:
            gru_structural_zeros(W, n_in)
        n_in = spec.n_directions * H
    if spec.output_steps is not None:
        _, decoder_layers = unpack_decoder(spec, free)
        n_in = decoder_layers[0].shape[1] - spec.hidden_layer_sizes[0] - 1
        for H, W in zip(spec.hidden_layer_sizes, decoder_layers):
            gru_structural_zeros(W, n_in)
            n_in = H
    return free


def random_targets(rng, shape, loss):
    """Targets of ``shape`` (outputs on the last axis) for ``loss``: normal values,
    one-hot classes or independent 0/1 labels."""
    if loss == "squared_error":
        return rng.standard_normal(shape)
    if loss == "softmax_cross_entropy":
        return np.eye(shape[-1])[rng.integers(shape[-1], size=shape[:-1])]
    return (rng.random(shape) < 0.5).astype(float)


def random_theta(spec, seed=0, scale=0.3):
    """Initial parameters plus noise on every free entry (biases included)."""
    rng = np.random.default_rng(seed)
    theta = init_params(spec, rng)
    return theta + scale * rng.standard_normal(spec.n_params) * free_mask(spec)


def fd_gradient(f, theta, free, eps=1e-6):
    """Central finite differences of the scalar f at theta, on the free entries."""
    g = np.zeros_like(theta)
    for i in np.flatnonzero(free):
        up, down = theta.copy(), theta.copy()
        up[i] += eps
        down[i] -= eps
        g[i] = (f(up) - f(down)) / (2 * eps)
    return g


def rel_error(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300))


@pytest.fixture
def ref():
    return SimpleNamespace(
        network=ref_network, objective=ref_objective, loss=ref_loss, step=ref_step,
        top_sequence=ref_top_sequence, pool=ref_pool, head_input=ref_head_input,
        reverse_valid=reverse_valid, free_mask=free_mask, random_theta=random_theta,
        targets=random_targets, fd_gradient=fd_gradient, rel_error=rel_error)
