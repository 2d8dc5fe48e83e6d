"""Central finite-difference checks of loss_and_gradient in float64.

Each check compares the analytic gradient with central differences (eps = 1e-6) of the
engine's own loss over every free parameter (the GRU's structural zeros are fixed at zero
and have zero gradient by construction), with relative error
||g - g_fd|| / max(||g||, ||g_fd||) < 1e-6 on the full vector.
"""

import numpy as np
import pytest

from skrnn._engine import loss_and_gradient, make_network

TOL = 1e-6
N, T, F, O = 3, 5, 2, 2
LENGTHS = np.array([5, 3, 1])


def _data(ref, spec, loss, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, T, F))
    shape = (N, T, spec.n_outputs) if spec.return_sequences else (N, spec.n_outputs)
    return X, ref.targets(rng, shape, loss)


def _check(ref, spec, loss="squared_error", seed=0, dropout=0.0, **kwargs):
    X, Y = _data(ref, spec, loss)
    theta = ref.random_theta(spec, seed)

    def objective(th):
        rng = np.random.default_rng(7) if dropout else None  # same mask every call
        return loss_and_gradient(spec, th, X, Y, loss=loss, dropout=dropout, rng=rng,
                                 **kwargs)

    value, grad = objective(theta)
    assert grad.dtype == theta.dtype and grad.shape == theta.shape
    assert np.all(grad[ref.free_mask(spec) == 0] == 0)
    g_fd = ref.fd_gradient(lambda th: objective(th)[0], theta, ref.free_mask(spec))
    assert ref.rel_error(grad, g_fd) < TOL
    return value


@pytest.mark.parametrize("cell,activation", [
    ("rnn", "tanh"), ("rnn", "relu"), ("rnn", "sigmoid"), ("lstm", "tanh"), ("gru", "tanh")])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_cells_and_heads(ref, cell, activation, return_sequences):
    spec = make_network(F, (3,), O, cell=cell, activation=activation,
                        return_sequences=return_sequences, dtype=np.float64)
    _check(ref, spec)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_stacked_masked(ref, cell, bidirectional, return_sequences):
    spec = make_network(F, (3, 2), O, cell=cell, bidirectional=bidirectional,
                        return_sequences=return_sequences, dtype=np.float64)
    _check(ref, spec, lengths=LENGTHS)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_bidirectional_full_length(ref, cell):
    spec = make_network(F, (3,), O, cell=cell, bidirectional=True, dtype=np.float64)
    _check(ref, spec)


@pytest.mark.parametrize("loss", ["squared_error", "softmax_cross_entropy",
                                  "sigmoid_cross_entropy"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_losses_with_weights_and_alpha(ref, loss, return_sequences):
    spec = make_network(F, (3,), 3, cell="lstm", return_sequences=return_sequences,
                        dtype=np.float64)
    _check(ref, spec, loss=loss, sample_weight=np.array([1.0, 2.5, 0.5]), alpha=0.3,
           lengths=LENGTHS)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_dropout(ref, cell, return_sequences):
    spec = make_network(F, (3, 2), O, cell=cell, bidirectional=cell == "gru",
                        return_sequences=return_sequences, dtype=np.float64)
    _check(ref, spec, dropout=0.4, lengths=LENGTHS)


def test_dropout_changes_the_loss(ref):
    spec = make_network(F, (3,), O, dtype=np.float64)
    X, Y = _data(ref, spec, "squared_error")
    theta = ref.random_theta(spec)
    plain, _ = loss_and_gradient(spec, theta, X, Y)
    dropped, _ = loss_and_gradient(spec, theta, X, Y, dropout=0.5,
                                   rng=np.random.default_rng(0))
    assert plain != dropped
    with pytest.raises(ValueError, match="rng"):
        loss_and_gradient(spec, theta, X, Y, dropout=0.5)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_gru_split_gemm_path(ref, monkeypatch, return_sequences):
    """Large layers run GRU's input-only n_x block as a second, smaller GEMM."""
    from skrnn._engine import _recurrent

    monkeypatch.setattr(_recurrent, "SPLIT_GEMM_MIN_WORK", 0)
    spec = make_network(F, (3, 2), O, cell="gru", bidirectional=True,
                        return_sequences=return_sequences, dtype=np.float64)
    value = _check(ref, spec, lengths=LENGTHS)
    X, Y = _data(ref, spec, "squared_error")
    expected, _ = ref.objective(spec, ref.random_theta(spec, 0), X, Y, lengths=LENGTHS)
    assert value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_several_blocks_of_steps(ref, monkeypatch, cell, return_sequences):
    """Block buffers reused across blocks: T = 5 steps in blocks of 2 (the last one
    partial), masked, stacked, bidirectional; the loss matches the reference too."""
    from skrnn._engine import _recurrent

    monkeypatch.setattr(_recurrent, "block_steps", lambda cell, T, *_: min(T, 2))
    spec = make_network(F, (3, 2), O, cell=cell, bidirectional=True,
                        return_sequences=return_sequences, dtype=np.float64)
    value = _check(ref, spec, lengths=LENGTHS)
    X, Y = _data(ref, spec, "squared_error")
    expected, _ = ref.objective(spec, ref.random_theta(spec, 0), X, Y, lengths=LENGTHS)
    assert value == pytest.approx(expected, rel=1e-12)
