"""Encoder–decoder networks: loss against an independent reference, gradient against
central finite differences in float64.

The reference decoder is written batch-major, one step at a time, straight from the
equations of :mod:`skrnn._engine._decoder` (initial states from the encoder's summary,
previous output or true target fed back, head per step); the encoder is the reference of
``conftest.py``. Tolerances as in ``test_gradients.py``.

Truncated BPTT truncates the encoder only, and is checked against the truncated
objective (the state entering the encoder's last chunk frozen). It is not offered for
the decoder: its output sequences are short, and a cut would detach the initial state,
so the encoder would get no gradient at all.
"""

import numpy as np
import pytest

from skrnn._engine import (clip_by_global_norm, forward_seq2seq,
                           loss_and_gradient_seq2seq, make_network, unpack, unpack_decoder)

TOL = 1e-6
N, T, F, O, T_OUT = 3, 5, 2, 2, 4
LENGTHS = np.array([5, 3, 1])
OUT_LENGTHS = np.array([4, 2, 1])
FEEDBACK = {"squared_error": "identity", "softmax_cross_entropy": "softmax",
            "sigmoid_cross_entropy": "sigmoid"}


def _spec(cell="gru", sizes=(3,), loss="squared_error", n_outputs=O, **kwargs):
    return make_network(F, sizes, n_outputs, cell=cell, output_steps=T_OUT,
                        feedback=FEEDBACK[loss], dtype=np.float64, **kwargs)


def _data(ref, spec, loss, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, T, F))
    Y = ref.targets(rng, (N, T_OUT, spec.n_outputs), loss)
    future = None
    if spec.n_future_features:
        future = rng.standard_normal((N, T_OUT, spec.n_future_features))
    return X, Y, future


def _feedback(kind, raw):
    if kind == "identity":
        return raw
    if kind == "sigmoid":
        return 1 / (1 + np.exp(-raw))
    e = np.exp(raw - raw.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def ref_decoder_raw(ref, spec, theta, s, Y, future, forced):
    """Reference decoder outputs (n, T_out, O); ``forced`` (T_out, n), all ones for
    teacher forcing, all zeros for free running."""
    maps, layers = unpack_decoder(spec, theta)
    _, W_out, b_out = unpack(spec, theta)
    n = s.shape[0]
    states = []
    for A, H in zip(maps, spec.hidden_layer_sizes):
        a = np.tanh(np.c_[s, np.ones(n)] @ A.T)
        states.append([a[:, :H], a[:, H:] if spec.cell == "lstm" else np.zeros((n, H))])
    fed, raws = np.zeros((n, spec.n_outputs)), []
    for t in range(spec.output_steps):
        if t:
            m = forced[t][:, None]
            fed = m * Y[:, t - 1] + (1 - m) * _feedback(spec.feedback, raws[-1])
        u = np.c_[fed, s] if future is None else np.c_[fed, future[:, t], s]
        for state, W in zip(states, layers):
            state[0], state[1] = ref.step(spec, W, u, state[0], state[1])
            u = state[0]
        raws.append(u @ W_out.T + b_out[:, 0])
    return np.stack(raws, axis=1)


def ref_objective(ref, spec, theta, X, Y, loss="squared_error", lengths=None,
                  output_lengths=None, future=None, sample_weight=None, alpha=0.0,
                  forced=None, states=None):
    """Reference loss (no dropout); ``states``: the encoder's entering states."""
    n = X.shape[0]
    lengths = np.full(n, X.shape[1]) if lengths is None else lengths
    L = np.full(n, T_OUT) if output_lengths is None else output_lengths
    w = np.ones(n) if sample_weight is None else sample_weight
    seq, finals = ref.top_sequence(spec, theta, X, lengths, states)
    s = ref.head_input(spec, theta, seq, finals, lengths)
    forced = np.ones((T_OUT, n)) if forced is None else forced
    raw = ref_decoder_raw(ref, spec, theta, s, Y, future, forced)
    valid = np.arange(T_OUT)[None, :] < L[:, None]
    weight = (valid * w[:, None] / np.dot(w, L)).ravel()
    penalty = 0.5 * alpha * np.sum((theta * spec.penalty_mask) ** 2) / w.sum()
    return ref.loss(raw.reshape(-1, raw.shape[2]), Y.reshape(-1, Y.shape[2]), loss,
                    weight) + penalty


@pytest.fixture
def check(ref):
    def _check(spec, loss="squared_error", teacher_forcing=1.0, dropout=0.0,
               reference=True, **kwargs):
        X, Y, future = _data(ref, spec, loss)
        theta = ref.random_theta(spec)

        def objective(th):
            rng = np.random.default_rng(7)  # the same masks every call
            return loss_and_gradient_seq2seq(
                spec, th, X, Y, loss=loss, future=future, teacher_forcing=teacher_forcing,
                dropout=dropout, rng=rng, **kwargs)

        value, grad = objective(theta)
        assert grad.dtype == theta.dtype and grad.shape == theta.shape
        assert np.all(grad[ref.free_mask(spec) == 0] == 0)
        g_fd = ref.fd_gradient(lambda th: objective(th)[0], theta, ref.free_mask(spec))
        assert ref.rel_error(grad, g_fd) < TOL
        if reference:
            forced = {1.0: np.ones((T_OUT, N)), 0.0: np.zeros((T_OUT, N))}[teacher_forcing]
            expected = ref_objective(ref, spec, theta, X, Y, loss, future=future,
                                     forced=forced, **kwargs)
            assert value == pytest.approx(expected, rel=1e-12)
        return value, grad
    return _check


CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


@pytest.mark.parametrize("cell,activation", CELLS)
@pytest.mark.parametrize("teacher_forcing", [1.0, 0.0])
def test_cells_teacher_forced_and_free_running(check, cell, activation, teacher_forcing):
    check(_spec(cell, activation=activation), teacher_forcing=teacher_forcing)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("teacher_forcing", [1.0, 0.0])
def test_stacked_bidirectional_masked_ragged(check, cell, teacher_forcing):
    """Stacked encoder and decoder, bidirectional encoder over ragged inputs, ragged
    (masked) output lengths, sample weights and L2."""
    check(_spec(cell, (3, 2), bidirectional=True), teacher_forcing=teacher_forcing,
          lengths=LENGTHS, output_lengths=OUT_LENGTHS,
          sample_weight=np.array([1.0, 2.5, 0.5]), alpha=0.3)


@pytest.mark.parametrize("pooling", ["mean", "max", "attention"])
@pytest.mark.parametrize("teacher_forcing", [1.0, 0.0])
def test_pooled_summary(check, pooling, teacher_forcing):
    check(_spec("gru", bidirectional=True, pooling=pooling),
          teacher_forcing=teacher_forcing, lengths=LENGTHS)


@pytest.mark.parametrize("loss", ["softmax_cross_entropy", "sigmoid_cross_entropy"])
@pytest.mark.parametrize("teacher_forcing", [1.0, 0.0])
def test_classification_losses_feed_back_probabilities(check, loss, teacher_forcing):
    check(_spec("lstm", loss=loss, n_outputs=3), loss=loss,
          teacher_forcing=teacher_forcing, output_lengths=OUT_LENGTHS)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("teacher_forcing", [1.0, 0.0])
def test_future_covariates(check, cell, teacher_forcing):
    check(_spec(cell, (3, 2), n_future_features=2), teacher_forcing=teacher_forcing)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_mixed_teacher_forcing_and_dropout(check, cell):
    """0 < teacher_forcing < 1 mixes true targets and predictions per step and sample;
    with dropout on the encoder, all masks drawn from the same rng every call."""
    check(_spec(cell, (3, 2)), teacher_forcing=0.5, dropout=0.3, reference=False,
          lengths=LENGTHS)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_step_by_step_equals_all_steps_at_once(ref, cell, monkeypatch):
    """The step loop with m = 1 everywhere computes what the teacher-forced fast path
    computes (loss and gradient)."""
    from skrnn._engine import _seq2seq

    spec = _spec(cell, (3, 2), n_future_features=1)
    X, Y, future = _data(ref, spec, "squared_error")
    theta = ref.random_theta(spec)
    fast = loss_and_gradient_seq2seq(spec, theta, X, Y, future=future, lengths=LENGTHS)
    monkeypatch.setattr(_seq2seq, "_forcing_mask",
                        lambda tf, T, B, dtype, rng: np.ones((T, B), dtype=dtype))
    slow = loss_and_gradient_seq2seq(spec, theta, X, Y, future=future, lengths=LENGTHS)
    assert slow[0] == pytest.approx(fast[0], rel=1e-12)
    np.testing.assert_allclose(slow[1], fast[1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_forward_is_free_running(ref, cell):
    """forward_seq2seq feeds back its own predictions: the reference with m = 0."""
    spec = _spec(cell, (3, 2), bidirectional=True, n_future_features=1)
    X, Y, future = _data(ref, spec, "squared_error")
    theta = ref.random_theta(spec)
    raw = forward_seq2seq(spec, theta, X, lengths=LENGTHS, future=future)
    seq, finals = ref.top_sequence(spec, theta, X, LENGTHS)
    s = ref.head_input(spec, theta, seq, finals, LENGTHS)
    expected = ref_decoder_raw(ref, spec, theta, s, Y, future, np.zeros((T_OUT, N)))
    np.testing.assert_allclose(raw, expected, rtol=1e-12, atol=1e-12)


def test_free_running_differs_from_teacher_forcing(ref):
    spec = _spec("gru")
    X, Y, _ = _data(ref, spec, "squared_error")
    theta = ref.random_theta(spec)
    forced, _ = loss_and_gradient_seq2seq(spec, theta, X, Y, teacher_forcing=1.0)
    free, _ = loss_and_gradient_seq2seq(spec, theta, X, Y, teacher_forcing=0.0)
    assert abs(forced - free) > 1e-3


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("teacher_forcing", [1.0, 0.0])
def test_truncated_encoder(ref, cell, teacher_forcing):
    """bptt_steps truncates the encoder: the gradient is that of the objective with the
    state entering the encoder's last chunk frozen (chunks of 2 over 5 steps)."""
    spec = _spec(cell, (3, 2))
    X, Y, _ = _data(ref, spec, "squared_error")
    theta = ref.random_theta(spec)
    value, grad = loss_and_gradient_seq2seq(spec, theta, X, Y, lengths=LENGTHS,
                                            bptt_steps=2, teacher_forcing=teacher_forcing)
    forced = np.full((T_OUT, N), teacher_forcing)
    _, finals = ref.top_sequence(spec, theta, X[:, :3], np.maximum(LENGTHS - 2, 0))
    frozen = [[(h, c) for h, c in layer] for layer in finals]

    def objective(th):
        return ref_objective(ref, spec, th, X[:, 3:], Y, lengths=np.minimum(LENGTHS, 2),
                             forced=forced, states=frozen)

    assert value == pytest.approx(objective(theta), rel=1e-12)
    g_fd = ref.fd_gradient(objective, theta, ref.free_mask(spec))
    assert ref.rel_error(grad, g_fd) < TOL
    _, full = loss_and_gradient_seq2seq(spec, theta, X, Y, lengths=LENGTHS,
                                        teacher_forcing=teacher_forcing)
    assert ref.rel_error(grad, full) > 1e-3


def test_clipping_scales_the_whole_gradient(ref):
    """Global-norm clipping sees the decoder's gradient like any other."""
    spec = _spec("lstm", (3, 2))
    X, Y, _ = _data(ref, spec, "squared_error")
    _, grad = loss_and_gradient_seq2seq(spec, ref.random_theta(spec), X, Y * 100)
    clipped = grad.copy()
    norm = clip_by_global_norm(clipped, 1e-3)
    assert norm == pytest.approx(np.linalg.norm(grad))
    np.testing.assert_allclose(clipped, grad * (1e-3 / norm), rtol=1e-12)
    _, decoder = unpack_decoder(spec, clipped)
    assert np.linalg.norm(decoder[0]) > 0


def test_bad_input(ref):
    spec = _spec("gru", n_future_features=1)
    X, Y, future = _data(ref, spec, "squared_error")
    theta = ref.random_theta(spec)
    with pytest.raises(ValueError, match="teacher_forcing"):
        loss_and_gradient_seq2seq(spec, theta, X, Y, future=future, teacher_forcing=1.5)
    with pytest.raises(ValueError, match="rng"):
        loss_and_gradient_seq2seq(spec, theta, X, Y, future=future, teacher_forcing=0.5)
    with pytest.raises(ValueError, match="future"):
        loss_and_gradient_seq2seq(spec, theta, X, Y, future=future[:, :2])
    with pytest.raises(ValueError, match="return_sequences"):
        make_network(F, (3,), O, output_steps=3, return_sequences=True)
    from skrnn._engine import forward, loss_and_gradient
    with pytest.raises(ValueError, match="seq2seq"):
        forward(spec, theta, X)
    with pytest.raises(ValueError, match="seq2seq"):
        loss_and_gradient(spec, theta, X, Y)
