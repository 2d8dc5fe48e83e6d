"""What the network computes: forward against an independent reference, padding,
bidirectional reversal, truncated BPTT."""

import numpy as np
import pytest

from skrnn._engine import forward, loss_and_gradient, make_network

CELLS = ["rnn", "lstm", "gru"]


def _X(n=3, T=6, F=2, seed=3):
    return np.random.default_rng(seed).standard_normal((n, T, F))


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("lengths", [None, np.array([6, 4, 1])])
def test_forward_matches_reference(ref, cell, bidirectional, return_sequences, lengths):
    spec = make_network(2, (3, 2), 2, cell=cell, bidirectional=bidirectional,
                        return_sequences=return_sequences, dtype=np.float64)
    theta, X = ref.random_theta(spec), _X()
    raw = forward(spec, theta, X, lengths=lengths)
    expected, _ = ref.network(spec, theta, X, lengths)
    assert raw.shape == expected.shape
    np.testing.assert_allclose(raw, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("loss", ["squared_error", "softmax_cross_entropy",
                                  "sigmoid_cross_entropy"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_loss_matches_reference_and_forward(ref, loss, return_sequences):
    spec = make_network(2, (3,), 3, cell="gru", bidirectional=True,
                        return_sequences=return_sequences, dtype=np.float64)
    theta, X = ref.random_theta(spec), _X()
    rng = np.random.default_rng(0)
    shape = (3, 6, 3) if return_sequences else (3, 3)
    Y = np.eye(3)[rng.integers(3, size=shape[:-1])]
    lengths, w = np.array([6, 4, 1]), np.array([0.5, 2.0, 1.0])
    value, _ = loss_and_gradient(spec, theta, X, Y, loss=loss, lengths=lengths,
                                 sample_weight=w)
    expected, _ = ref.objective(spec, theta, X, Y, loss, lengths, w)
    assert value == pytest.approx(expected, rel=1e-12)
    # the same loss computed by hand from forward()'s output
    raw = forward(spec, theta, X, lengths=lengths)
    if return_sequences:
        valid = np.arange(6)[None, :] >= 6 - lengths[:, None]
        weight = (valid * w[:, None] / np.dot(w, lengths)).ravel()
        by_hand = ref.loss(raw.reshape(-1, 3), Y.reshape(-1, 3), loss, weight)
    else:
        by_hand = ref.loss(raw, Y, loss, w / w.sum())
    assert value == pytest.approx(by_hand, rel=1e-12)


def test_l2_term_is_on_weights_only(ref):
    spec = make_network(2, (3,), 2, cell="lstm", dtype=np.float64)
    theta, X = ref.random_theta(spec), _X()
    Y, w = np.ones((3, 2)), np.array([1.0, 2.0, 3.0])
    base, g0 = loss_and_gradient(spec, theta, X, Y, sample_weight=w)
    pen, g1 = loss_and_gradient(spec, theta, X, Y, sample_weight=w, alpha=0.7)
    weights = theta * spec.penalty_mask
    assert pen - base == pytest.approx(0.5 * 0.7 * np.sum(weights**2) / 6.0, rel=1e-12)
    np.testing.assert_allclose(g1 - g0, 0.7 * weights / 6.0, atol=1e-15)
    # 2 bias columns' worth of zeros: recurrent bias (12 rows) and head bias (2)
    assert spec.n_params - spec.penalty_mask.sum() == 4 * 3 + 2


def _padded(X, Y, T_pad, seed, return_sequences):
    """Left-pad one sequence (and its per-step targets) with finite garbage."""
    rng = np.random.default_rng(seed)
    n, T, F = X.shape
    Xp = np.concatenate([rng.standard_normal((n, T_pad - T, F)) * 5, X], axis=1)
    if not return_sequences:
        return Xp, Y
    Yp = np.concatenate([rng.standard_normal((n, T_pad - T, Y.shape[2])) * 5, Y], axis=1)
    return Xp, Yp


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_garbage_padding_changes_nothing(ref, cell, bidirectional, return_sequences):
    spec = make_network(2, (3, 2), 2, cell=cell, bidirectional=bidirectional,
                        return_sequences=return_sequences, dtype=np.float64)
    theta, X = ref.random_theta(spec), _X(n=1, T=4)
    Y = np.random.default_rng(1).standard_normal((1, 4, 2) if return_sequences else (1, 2))
    Xp, Yp = _padded(X, Y, 7, 2, return_sequences)
    lengths = np.array([4])
    raw, raw_p = forward(spec, theta, X), forward(spec, theta, Xp, lengths=lengths)
    np.testing.assert_allclose(raw_p[:, -4:] if return_sequences else raw_p, raw,
                               rtol=1e-12, atol=1e-14)
    loss, grad = loss_and_gradient(spec, theta, X, Y, alpha=0.1)
    loss_p, grad_p = loss_and_gradient(spec, theta, Xp, Yp, lengths=lengths, alpha=0.1)
    assert loss_p == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(grad_p, grad, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_padded_batch_rows_equal_each_row_alone(ref, bidirectional):
    spec = make_network(2, (3,), 2, cell="lstm", bidirectional=bidirectional,
                        dtype=np.float64)
    theta, X = ref.random_theta(spec), _X(n=3, T=6)
    lengths = np.array([6, 2, 4])
    raw = forward(spec, theta, X, lengths=lengths)
    for i, length in enumerate(lengths):
        alone = forward(spec, theta, X[i:i + 1, 6 - length:])
        np.testing.assert_allclose(raw[i:i + 1], alone, rtol=1e-12, atol=1e-14)


def test_bidirectional_reverse_sees_each_valid_region_reversed(ref):
    """Reverse direction alone (zero forward-direction head weights) = a forward run over
    the reversed valid region."""
    spec = make_network(1, (2,), 1, cell="rnn", bidirectional=True, dtype=np.float64)
    theta = ref.random_theta(spec)
    X, lengths = _X(n=2, T=5, F=1), np.array([5, 3])
    uni = make_network(1, (2,), 1, cell="rnn", dtype=np.float64)
    (_, W_rev), = [d for d in spec.layer_slices]
    W_rev = theta[W_rev[0]:W_rev[0] + W_rev[1] * W_rev[2]]
    head = theta[spec.head_slices[0]:]
    theta_bi = theta.copy()
    theta_bi[spec.head_slices[0]:spec.head_slices[0] + 2] = 0  # forward half of W_out
    theta_uni = np.concatenate([W_rev, head[2:4], head[4:]])
    X_rev = ref.reverse_valid(X, lengths)
    np.testing.assert_allclose(forward(spec, theta_bi, X, lengths),
                               forward(uni, theta_uni, X_rev, lengths), rtol=1e-12)


# ------------------------------------------------------------------------------------
# Truncated BPTT
# ------------------------------------------------------------------------------------


def _chunks(T, k):
    stops = list(range(T, 0, -k))[::-1]
    return [(max(stop - k, 0), stop) for stop in stops]


def _truncated_reference(ref, spec, theta0, X, Y, lengths, k):
    """Truncated objective as a function of theta: chunk c's loss with theta, its entry
    state a CONSTANT computed with the unperturbed theta0 (the detach, done differently
    from the engine: by construction rather than by cutting the backward pass)."""
    n, T, _ = X.shape
    w = np.ones(n)
    entry, spans = [None], _chunks(T, k)
    full_lengths = np.full(n, T) if lengths is None else lengths
    for start, stop in spans:  # entry states from theta0, carried chunk to chunk
        sub = np.clip(full_lengths - (T - stop), 0, stop - start)
        _, finals = ref.network(spec, theta0, X[:, start:stop], sub, entry[-1])
        entry.append(finals)
    norm = np.dot(w, full_lengths) if spec.return_sequences else w.sum()

    def objective(theta):
        total = 0.0
        for (start, stop), states in zip(spans, entry):
            sub = np.clip(full_lengths - (T - stop), 0, stop - start)
            raw, _ = ref.network(spec, theta, X[:, start:stop], sub, states)
            if spec.return_sequences:
                valid = np.arange(start, stop)[None, :] >= T - full_lengths[:, None]
                O = raw.shape[2]
                total += ref.loss(raw.reshape(-1, O), Y[:, start:stop].reshape(-1, O),
                                  "squared_error", (valid * w[:, None]).ravel() / norm)
            elif stop == T:
                total += ref.loss(raw, Y, "squared_error", w / norm)
        return total
    return objective


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("lengths", [None, np.array([7, 5, 2])])
def test_truncated_gradient_is_the_truncated_objective(ref, cell, return_sequences,
                                                       lengths):
    spec = make_network(2, (3, 2), 2, cell=cell, return_sequences=return_sequences,
                        dtype=np.float64)
    theta, X = ref.random_theta(spec), _X(T=7)
    rng = np.random.default_rng(5)
    Y = rng.standard_normal((3, 7, 2) if return_sequences else (3, 2))
    value, grad = loss_and_gradient(spec, theta, X, Y, lengths=lengths, bptt_steps=3)
    objective = _truncated_reference(ref, spec, theta, X, Y, lengths, 3)
    assert value == pytest.approx(objective(theta), rel=1e-12)
    g_fd = ref.fd_gradient(objective, theta, ref.free_mask(spec))
    assert ref.rel_error(grad, g_fd) < 1e-6
    # and truncation really changes the gradient (chunks of 3 over 7 steps)
    _, full = loss_and_gradient(spec, theta, X, Y, lengths=lengths)
    assert ref.rel_error(grad, full) > 1e-3


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_truncated_with_k_at_least_T_is_full_bptt(ref, cell, return_sequences):
    spec = make_network(2, (3, 2), 2, cell=cell, return_sequences=return_sequences,
                        dtype=np.float64)
    theta, X = ref.random_theta(spec), _X()
    Y = np.ones((3, 6, 2) if return_sequences else (3, 2))
    lengths = np.array([6, 4, 1])
    full = loss_and_gradient(spec, theta, X, Y, lengths=lengths, dropout=0.3,
                             rng=np.random.default_rng(0))
    for k in (6, 10):
        trunc = loss_and_gradient(spec, theta, X, Y, lengths=lengths, bptt_steps=k,
                                  dropout=0.3, rng=np.random.default_rng(0))
        assert trunc[0] == full[0]
        np.testing.assert_array_equal(trunc[1], full[1])


def test_truncated_bidirectional_raises():
    spec = make_network(2, (3,), 2, bidirectional=True)
    X = _X().astype(np.float32)
    with pytest.raises(ValueError, match="bptt_steps.*bidirectional"):
        loss_and_gradient(spec, np.zeros(spec.n_params, np.float32), X, np.ones((3, 2)),
                          bptt_steps=2)
