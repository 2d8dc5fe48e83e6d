"""Temporal pooling heads (mean, max, attention): the pooling functions, their gradients
(central finite differences in float64, as in test_gradients.py), the forward pass
against the batch-major reference of conftest.py, padding, truncated BPTT, layout and
initialisation, and "last" left exactly as it was.
"""

import numpy as np
import pytest

import skrnn._engine as engine
from skrnn._engine import (POOLINGS, forward, init_params, loss_and_gradient,
                           make_network)
from skrnn._engine._network import unpack
from skrnn._engine._pooling import pool, pool_backward

TOL = 1e-6
N, T, F, O = 3, 5, 2, 2
LENGTHS = np.array([5, 3, 1])
POOLED = ["mean", "max", "attention"]
CELLS = ["rnn", "lstm", "gru"]


def _data(spec, loss="squared_error", seed=1, n=N, T=T):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, T, spec.n_features))
    if loss == "squared_error":
        Y = rng.standard_normal((n, spec.n_outputs))
    elif loss == "softmax_cross_entropy":
        Y = np.eye(spec.n_outputs)[rng.integers(spec.n_outputs, size=n)]
    else:
        Y = (rng.random((n, spec.n_outputs)) < 0.5).astype(float)
    return X, Y


def _theta(ref, spec, seed=0):
    """Random parameters; the attention vector too (init_params leaves it at zero)."""
    theta = ref.random_theta(spec, seed)
    if spec.pool_slice is not None:
        start, stop = spec.pool_slice
        theta[start:stop] = np.random.default_rng(seed + 100).standard_normal(stop - start)
    return theta


def _check(ref, spec, loss="squared_error", dropout=0.0, **kwargs):
    """Analytic gradient against central differences of the engine's own loss."""
    X, Y = _data(spec, loss)
    theta = _theta(ref, spec)

    def objective(th):
        rng = np.random.default_rng(7) if dropout else None  # same mask every call
        return loss_and_gradient(spec, th, X, Y, loss=loss, dropout=dropout, rng=rng,
                                 **kwargs)

    value, grad = objective(theta)
    assert grad.dtype == theta.dtype and grad.shape == theta.shape
    assert np.all(grad[ref.free_mask(spec) == 0] == 0)
    g_fd = ref.fd_gradient(lambda th: objective(th)[0], theta, ref.free_mask(spec))
    assert ref.rel_error(grad, g_fd) < TOL
    if spec.pool_slice is not None:  # the attention vector is learned
        assert np.any(grad[spec.pool_slice[0]:spec.pool_slice[1]] != 0)
    return value, theta, X, Y


# ------------------------------------------------------------------------------------
# The pooling functions alone
# ------------------------------------------------------------------------------------


def _padded_seq(seed=0, D=3, T=6, lengths=(6, 2, 4)):
    """(D, T, B) with GARBAGE (large values) at the padded steps, and its mask."""
    rng = np.random.default_rng(seed)
    lengths = np.asarray(lengths)
    seq = rng.standard_normal((D, T, len(lengths)))
    mask = (np.arange(T)[:, None] >= T - lengths[None, :])[None].astype(float)
    seq = np.where(mask > 0, seq, 100.0)
    return seq, mask, lengths


@pytest.mark.parametrize("kind", POOLED)
def test_pool_ignores_padding_and_matches_each_sequence_alone(kind):
    seq, mask, lengths = _padded_seq()
    w = np.array([0.5, -1.0, 2.0])
    pooled, cache = pool(kind, seq, mask, w)
    d_pooled = np.random.default_rng(1).standard_normal(pooled.shape)
    d_seq, d_w = pool_backward(kind, d_pooled, cache)
    assert d_seq.shape == seq.shape and d_seq.flags.writeable
    assert np.all(d_seq[:, mask[0] == 0] == 0)  # padding gets no gradient
    d_w_sum = 0.0
    for b, length in enumerate(lengths):
        alone = seq[:, seq.shape[1] - length:, b:b + 1]
        pooled_b, cache_b = pool(kind, alone, None, w)
        np.testing.assert_allclose(pooled[:, b:b + 1], pooled_b, rtol=1e-13, atol=1e-15)
        d_alone, d_w_b = pool_backward(kind, d_pooled[:, b:b + 1], cache_b)
        np.testing.assert_allclose(d_seq[:, seq.shape[1] - length:, b:b + 1], d_alone,
                                   rtol=1e-13, atol=1e-15)
        d_w_sum = d_w_sum + (0.0 if d_w_b is None else d_w_b)
    assert (d_w is None) == (kind != "attention")
    if d_w is not None:
        np.testing.assert_allclose(d_w, d_w_sum, rtol=1e-12)


@pytest.mark.parametrize("kind", POOLED)
def test_pool_backward_is_the_derivative_of_pool(ref, kind):
    """Finite differences of <d_pooled, pool(seq)> in every entry of seq and w."""
    seq, mask, _ = _padded_seq(seed=2)
    w = np.array([0.3, 0.8, -0.6])
    d_pooled = np.random.default_rng(3).standard_normal((seq.shape[0], seq.shape[2]))
    d_seq, d_w = pool_backward(kind, d_pooled, pool(kind, seq, mask, w)[1])
    both = np.concatenate([seq.ravel(), w])

    def scalar(v):
        s, w_ = v[:seq.size].reshape(seq.shape), v[seq.size:]
        return float(np.sum(d_pooled * pool(kind, s, mask, w_)[0]))

    g_fd = ref.fd_gradient(scalar, both, np.ones(both.size))
    g = np.concatenate([d_seq.ravel(), np.zeros(3) if d_w is None else d_w])
    assert ref.rel_error(g, g_fd) < TOL


def test_pool_known_values():
    seq = np.array([[[10.0], [-2.0], [4.0], [0.0]]])  # D = 1, T = 4, B = 1
    mask = np.array([[[0.0], [1.0], [1.0], [1.0]]])  # step 0 (10) is padding
    assert pool("mean", seq, mask)[0][0, 0] == pytest.approx(2.0 / 3.0)
    assert pool("max", seq, mask)[0][0, 0] == 4.0
    assert pool("max", -seq, mask)[0][0, 0] == 2.0
    # scores w h_t = h_t: weights softmax(-2, 4, 0) over the valid steps
    a = np.exp([-2.0, 4.0, 0.0]) / np.exp([-2.0, 4.0, 0.0]).sum()
    assert pool("attention", seq, mask, np.ones(1))[0][0, 0] == pytest.approx(
        a @ [-2.0, 4.0, 0.0], rel=1e-14)


def test_max_ties_send_the_gradient_to_one_step():
    seq = np.array([[[3.0], [3.0], [1.0]]])
    pooled, cache = pool("max", seq, None)
    d_seq, _ = pool_backward("max", np.array([[2.0]]), cache)
    assert pooled[0, 0] == 3.0 and d_seq.sum() == 2.0 and np.count_nonzero(d_seq) == 1


# ------------------------------------------------------------------------------------
# Gradients of the whole network
# ------------------------------------------------------------------------------------


@pytest.mark.parametrize("pooling", POOLED)
@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_stacked_masked_gradients(ref, pooling, cell, bidirectional):
    spec = make_network(F, (3, 2), O, cell=cell, bidirectional=bidirectional,
                        pooling=pooling, dtype=np.float64)
    value, theta, X, Y = _check(ref, spec, lengths=LENGTHS)
    expected, _ = ref.objective(spec, theta, X, Y, lengths=LENGTHS)
    assert value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("pooling", POOLED)
@pytest.mark.parametrize("cell", CELLS)
def test_full_length_gradients(ref, pooling, cell):
    spec = make_network(F, (3,), O, cell=cell, bidirectional=True, pooling=pooling,
                        dtype=np.float64)
    _check(ref, spec)


@pytest.mark.parametrize("pooling", POOLED)
@pytest.mark.parametrize("loss", ["squared_error", "softmax_cross_entropy",
                                  "sigmoid_cross_entropy"])
def test_losses_with_weights_and_alpha(ref, pooling, loss):
    spec = make_network(F, (3,), 3, cell="lstm", pooling=pooling, dtype=np.float64)
    w = np.array([1.0, 2.5, 0.5])
    value, theta, X, Y = _check(ref, spec, loss=loss, sample_weight=w, alpha=0.3,
                                lengths=LENGTHS)
    expected, _ = ref.objective(spec, theta, X, Y, loss, LENGTHS, w)
    expected += 0.5 * 0.3 * np.sum((theta * spec.penalty_mask) ** 2) / w.sum()
    assert value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("pooling", POOLED)
@pytest.mark.parametrize("cell", CELLS)
def test_dropout_gradients(ref, pooling, cell):
    spec = make_network(F, (3, 2), O, cell=cell, bidirectional=cell == "gru",
                        pooling=pooling, dtype=np.float64)
    _check(ref, spec, dropout=0.4, lengths=LENGTHS)


@pytest.mark.parametrize("pooling", POOLED)
def test_dropout_acts_on_the_pooled_vector(ref, pooling):
    """Top-layer dropout: the loss is the reference's with the (D, B) inverted-dropout
    mask (the engine's one draw for a one-layer network) on the pooled vector."""
    spec = make_network(F, (3,), O, cell="gru", pooling=pooling, dtype=np.float64)
    X, Y = _data(spec)
    theta = _theta(ref, spec)
    keep = np.random.default_rng(7).random((3, N)) >= 0.5  # the engine's single draw
    value, _ = loss_and_gradient(spec, theta, X, Y, dropout=0.5,
                                 rng=np.random.default_rng(7))
    pooled = ref.pool(pooling, ref.top_sequence(spec, theta, X)[0], np.full(N, T),
                      None if spec.pool_slice is None
                      else theta[spec.pool_slice[0]:spec.pool_slice[1]])
    _, W_out, b_out = unpack(spec, theta)
    raw = (pooled * keep.T * 2.0) @ W_out.T + b_out[:, 0]
    assert value == pytest.approx(ref.loss(raw, Y, "squared_error", np.ones(N) / N),
                                  rel=1e-12)


# ------------------------------------------------------------------------------------
# Truncated BPTT: the pooled summary covers every step, gradients stay in their chunk
# ------------------------------------------------------------------------------------


def _chunks(T, k):
    stops = list(range(T, 0, -k))[::-1]
    return [(max(stop - k, 0), stop) for stop in stops]


def _truncated_pooled_reference(ref, spec, theta0, X, Y, lengths, k):
    """Truncated objective: every chunk's top outputs computed from theta, its entering
    state a CONSTANT computed with the unperturbed theta0 (the detach by construction);
    the chunks' outputs concatenated and pooled over all valid steps, then the head."""
    n, T, _ = X.shape
    full = np.full(n, T) if lengths is None else np.asarray(lengths)
    spans = _chunks(T, k)
    sub = [np.clip(full - (T - stop), 0, stop - start) for start, stop in spans]
    entering = [None]
    for (start, stop), length in zip(spans, sub):
        _, finals = ref.top_sequence(spec, theta0, X[:, start:stop], length, entering[-1])
        entering.append(finals)

    def objective(theta):
        seq = np.concatenate([
            ref.top_sequence(spec, theta, X[:, start:stop], length, states)[0]
            for (start, stop), length, states in zip(spans, sub, entering)], axis=1)
        pooled = ref.head_input(spec, theta, seq, None, full)
        _, W_out, b_out = unpack(spec, theta)
        return ref.loss(pooled @ W_out.T + b_out[:, 0], Y, "squared_error",
                        np.ones(n) / n)
    return objective


@pytest.mark.parametrize("pooling", POOLED)
@pytest.mark.parametrize("cell,lengths", [("rnn", LENGTHS), ("lstm", LENGTHS),
                                          ("gru", LENGTHS), ("lstm", None)])
def test_truncated_gradient_is_the_truncated_objective(ref, pooling, cell, lengths):
    spec = make_network(F, (3, 2), O, cell=cell, pooling=pooling, dtype=np.float64)
    X, Y = _data(spec)
    theta = _theta(ref, spec)
    value, grad = loss_and_gradient(spec, theta, X, Y, lengths=lengths, bptt_steps=2)
    objective = _truncated_pooled_reference(ref, spec, theta, X, Y, lengths, 2)
    assert value == pytest.approx(objective(theta), rel=1e-12)
    g_fd = ref.fd_gradient(objective, theta, ref.free_mask(spec))
    assert ref.rel_error(grad, g_fd) < TOL
    # the loss pools every step (as without truncation); the gradient is truncated
    full_value, full_grad = loss_and_gradient(spec, theta, X, Y, lengths=lengths)
    assert value == pytest.approx(full_value, rel=1e-12)
    assert ref.rel_error(grad, full_grad) > 1e-3


@pytest.mark.parametrize("pooling", POOLED)
def test_truncated_with_k_at_least_T_is_full_bptt(ref, pooling):
    spec = make_network(F, (3, 2), O, cell="lstm", pooling=pooling, dtype=np.float64)
    X, Y = _data(spec)
    theta = _theta(ref, spec)
    full = loss_and_gradient(spec, theta, X, Y, lengths=LENGTHS, dropout=0.3,
                             rng=np.random.default_rng(0))
    for k in (T, T + 4):
        trunc = loss_and_gradient(spec, theta, X, Y, lengths=LENGTHS, bptt_steps=k,
                                  dropout=0.3, rng=np.random.default_rng(0))
        assert trunc[0] == full[0]
        np.testing.assert_array_equal(trunc[1], full[1])


@pytest.mark.parametrize("pooling", POOLED)
def test_truncated_with_dropout_keeps_the_pooled_loss(ref, pooling):
    """Dropout masks are drawn once for the whole sequence: truncation changes the
    gradient, not the loss."""
    spec = make_network(F, (3, 2), O, cell="gru", pooling=pooling, dtype=np.float64)
    X, Y = _data(spec)
    theta = _theta(ref, spec)
    full, _ = loss_and_gradient(spec, theta, X, Y, lengths=LENGTHS, dropout=0.3,
                                rng=np.random.default_rng(0))
    trunc, _ = loss_and_gradient(spec, theta, X, Y, lengths=LENGTHS, dropout=0.3,
                                 bptt_steps=2, rng=np.random.default_rng(0))
    assert trunc == pytest.approx(full, rel=1e-12)


# ------------------------------------------------------------------------------------
# Forward pass and padding
# ------------------------------------------------------------------------------------


@pytest.mark.parametrize("pooling", POOLED)
@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("lengths", [None, np.array([6, 4, 1])])
def test_forward_matches_reference(ref, pooling, cell, bidirectional, lengths):
    spec = make_network(2, (3, 2), 2, cell=cell, bidirectional=bidirectional,
                        pooling=pooling, dtype=np.float64)
    theta = _theta(ref, spec)
    X, _ = _data(spec, T=6)
    raw = forward(spec, theta, X, lengths=lengths)
    expected, _ = ref.network(spec, theta, X, lengths)
    assert raw.shape == expected.shape == (3, 2)
    np.testing.assert_allclose(raw, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("pooling", POOLED)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padded_batch_rows_equal_each_row_alone(ref, pooling, bidirectional):
    spec = make_network(2, (3,), 2, cell="lstm", bidirectional=bidirectional,
                        pooling=pooling, dtype=np.float64)
    theta = _theta(ref, spec)
    X, _ = _data(spec, T=6)
    lengths = np.array([6, 2, 4])
    raw = forward(spec, theta, X, lengths=lengths)
    for i, length in enumerate(lengths):
        alone = forward(spec, theta, X[i:i + 1, 6 - length:])
        np.testing.assert_allclose(raw[i:i + 1], alone, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("pooling", POOLED)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_garbage_padding_changes_nothing(ref, pooling, bidirectional):
    spec = make_network(2, (3, 2), 2, cell="gru", bidirectional=bidirectional,
                        pooling=pooling, dtype=np.float64)
    theta = _theta(ref, spec)
    X, Y = _data(spec, n=1, T=4)
    garbage = np.random.default_rng(2).standard_normal((1, 3, 2)) * 5
    Xp, lengths = np.concatenate([garbage, X], axis=1), np.array([4])
    np.testing.assert_allclose(forward(spec, theta, Xp, lengths=lengths),
                               forward(spec, theta, X), rtol=1e-12, atol=1e-14)
    loss, grad = loss_and_gradient(spec, theta, X, Y, alpha=0.1)
    loss_p, grad_p = loss_and_gradient(spec, theta, Xp, Y, lengths=lengths, alpha=0.1)
    assert loss_p == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(grad_p, grad, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("pooling", POOLED)
@pytest.mark.parametrize("cell", CELLS)
def test_float32_agrees_with_float64(pooling, cell):
    rng = np.random.default_rng(0)
    spec32 = make_network(3, (8, 4), 2, cell=cell, pooling=pooling)
    spec64 = make_network(3, (8, 4), 2, cell=cell, pooling=pooling, dtype=np.float64)
    theta = init_params(spec64, rng) + 0.1 * rng.standard_normal(spec64.n_params)
    X, Y = rng.standard_normal((5, 9, 3)), rng.standard_normal((5, 2))
    lengths = np.array([9, 4, 9, 1, 6])
    raw32 = forward(spec32, theta.astype(np.float32), X.astype(np.float32), lengths)
    assert raw32.dtype == np.float32
    np.testing.assert_allclose(raw32, forward(spec64, theta, X, lengths), rtol=1e-4,
                               atol=1e-5)
    for bptt_steps in (None, 4):
        loss64, grad64 = loss_and_gradient(spec64, theta, X, Y, lengths=lengths,
                                           alpha=0.1, bptt_steps=bptt_steps)
        loss32, grad32 = loss_and_gradient(
            spec32, theta.astype(np.float32), X.astype(np.float32), Y.astype(np.float32),
            lengths=lengths, alpha=0.1, bptt_steps=bptt_steps)
        assert grad32.dtype == np.float32
        assert loss32 == pytest.approx(loss64, rel=1e-5)
        assert np.linalg.norm(grad32 - grad64) < 1e-5 * np.linalg.norm(grad64)


def test_pooling_buffers_stay_in_the_workspace(monkeypatch):
    """The pooled paths (truncated too) carve nothing beyond each chunk's Workspace."""
    from skrnn._engine import _workspace

    carve = _workspace.Workspace.empty

    def checked(self, shape):
        assert self._used + int(np.prod(shape)) <= self._memory.size, shape
        return carve(self, shape)

    monkeypatch.setattr(_workspace.Workspace, "empty", checked)
    rng = np.random.default_rng(0)
    for pooling in POOLED:
        for bidirectional in (False, True):
            spec = make_network(3, (1, 5), 2, cell="lstm", bidirectional=bidirectional,
                                pooling=pooling)
            theta = init_params(spec, rng)
            X = rng.standard_normal((4, 7, 3)).astype(np.float32)
            Y = np.zeros((4, 2), np.float32)
            lengths = np.array([7, 3, 1, 5])
            forward(spec, theta, X, lengths=lengths)
            loss_and_gradient(spec, theta, X, Y, lengths=lengths, dropout=0.2, rng=rng)
            if not bidirectional:
                loss_and_gradient(spec, theta, X, Y, lengths=lengths, bptt_steps=3)


# ------------------------------------------------------------------------------------
# API, layout and initialisation
# ------------------------------------------------------------------------------------


def test_poolings_are_exported():
    assert POOLINGS == ("last", "mean", "max", "attention")
    assert "POOLINGS" in engine.__all__


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_last_is_todays_network_bit_for_bit(cell, bidirectional, dtype):
    default = make_network(3, (5, 4), 2, cell=cell, bidirectional=bidirectional,
                           dtype=dtype)
    last = make_network(3, (5, 4), 2, cell=cell, bidirectional=bidirectional,
                        dtype=dtype, pooling="last")
    assert default == last and default.pooling == "last" and last.pool_slice is None
    np.testing.assert_array_equal(default.penalty_mask, last.penalty_mask)
    rng_a, rng_b = np.random.default_rng(4), np.random.default_rng(4)
    theta = init_params(default, rng_a)
    np.testing.assert_array_equal(init_params(last, rng_b), theta)
    X = rng_a.standard_normal((4, 7, 3)).astype(dtype)
    lengths = np.array([7, 3, 1, 5])
    out = forward(default, theta, X, lengths)
    np.testing.assert_array_equal(forward(last, theta, X, lengths), out)
    # and a pooled network's last final states are not what it feeds the head
    mean = make_network(3, (5, 4), 2, cell=cell, bidirectional=bidirectional,
                        dtype=dtype, pooling="mean")
    assert not np.allclose(forward(mean, theta, X, lengths), out)


@pytest.mark.parametrize("pooling", POOLED)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_layout_of_the_attention_vector(pooling, bidirectional):
    last = make_network(3, (5, 4), 2, cell="gru", bidirectional=bidirectional)
    spec = make_network(3, (5, 4), 2, cell="gru", bidirectional=bidirectional,
                        pooling=pooling)
    assert spec != last and spec.pooling == pooling
    hash(spec)
    assert spec == make_network(3, (5, 4), 2, cell="gru", bidirectional=bidirectional,
                                pooling=pooling)
    D = (2 if bidirectional else 1) * 4
    if pooling != "attention":
        assert spec.pool_slice is None and spec.n_params == last.n_params
        assert spec.head_slices == last.head_slices
        return
    head_start = last.head_slices[0]  # w sits after the layers, before the head
    assert spec.pool_slice == (head_start, head_start + D)
    assert spec.head_slices == (head_start + D, 2, D)
    assert spec.n_params == last.n_params + D
    assert np.all(spec.penalty_mask[head_start:head_start + D] == 1)  # L2-penalised
    np.testing.assert_array_equal(np.delete(spec.penalty_mask, np.s_[head_start:
                                                                    head_start + D]),
                                  last.penalty_mask)


@pytest.mark.parametrize("pooling", POOLED)
@pytest.mark.parametrize("cell", CELLS)
def test_init_draws_the_same_numbers_as_last(pooling, cell):
    last = make_network(3, (5, 4), 2, cell=cell, bidirectional=True)
    spec = make_network(3, (5, 4), 2, cell=cell, bidirectional=True, pooling=pooling)
    rng_a, rng_b = np.random.default_rng(9), np.random.default_rng(9)
    theta_last, theta = init_params(last, rng_a), init_params(spec, rng_b)
    if spec.pool_slice is not None:
        w = np.s_[spec.pool_slice[0]:spec.pool_slice[1]]
        assert not theta[w].any()  # zero: uniform attention to start with
        theta = np.delete(theta, w)
    np.testing.assert_array_equal(theta, theta_last)
    assert rng_a.random() == rng_b.random()  # and nothing more was drawn


def test_attention_starts_as_mean_pooling_and_learns_w():
    mean = make_network(2, (4,), 2, cell="lstm", pooling="mean", dtype=np.float64)
    att = make_network(2, (4,), 2, cell="lstm", pooling="attention", dtype=np.float64)
    theta_att = init_params(att, np.random.default_rng(0))
    theta_mean = init_params(mean, np.random.default_rng(0))
    rng = np.random.default_rng(1)
    X, Y, lengths = rng.standard_normal((3, 6, 2)), rng.standard_normal((3, 2)), [6, 2, 4]
    np.testing.assert_allclose(forward(att, theta_att, X, lengths),
                               forward(mean, theta_mean, X, lengths), rtol=1e-12)
    _, grad = loss_and_gradient(att, theta_att, X, Y, lengths=lengths)
    assert np.any(grad[att.pool_slice[0]:att.pool_slice[1]] != 0)


def test_unknown_pooling_raises():
    with pytest.raises(ValueError, match=r"pooling.*'last', 'mean', 'max', 'attention'"):
        make_network(2, (3,), 1, pooling="median")


@pytest.mark.parametrize("pooling", POOLED)
def test_pooling_with_return_sequences_raises(pooling):
    with pytest.raises(ValueError, match=rf"pooling='{pooling}'.*return_sequences"):
        make_network(2, (3,), 1, pooling=pooling, return_sequences=True)
    make_network(2, (3,), 1, pooling="last", return_sequences=True)  # fine
