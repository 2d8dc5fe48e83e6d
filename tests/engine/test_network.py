"""make_network validation and layout, init_params, dtypes and shapes."""

import numpy as np
import pytest

from skrnn._engine import NetworkSpec, forward, init_params, loss_and_gradient, make_network
from skrnn._engine._network import unpack


@pytest.mark.parametrize("kwargs,match", [
    ({"cell": "transformer"}, "cell"),
    ({"activation": "gelu"}, "activation"),
    ({"hidden_layer_sizes": ()}, "hidden_layer_sizes"),
    ({"hidden_layer_sizes": (4, 0)}, "hidden_layer_sizes"),
])
def test_make_network_rejects_unknown_options(kwargs, match):
    args = {"hidden_layer_sizes": (4,), **kwargs}
    sizes = args.pop("hidden_layer_sizes")
    with pytest.raises(ValueError, match=match):
        make_network(2, sizes, 1, **args)


def test_unknown_loss_raises():
    spec = make_network(2, (3,), 1)
    theta = init_params(spec, np.random.default_rng(0))
    with pytest.raises(ValueError, match="loss"):
        loss_and_gradient(spec, theta, np.zeros((2, 3, 2), np.float32), np.zeros((2, 1)),
                          loss="hinge")


@pytest.mark.parametrize("cell,blocks", [("rnn", 1), ("lstm", 4), ("gru", 4)])
def test_layout_and_n_params(cell, blocks):
    spec = make_network(3, (5, 4), 2, cell=cell, bidirectional=True)
    assert isinstance(spec, NetworkSpec) and spec.n_directions == 2
    first = 2 * blocks * 5 * (3 + 1 + 5)
    second = 2 * blocks * 4 * (10 + 1 + 4)
    assert spec.n_params == first + second + 2 * 8 + 2
    assert spec.penalty_mask.shape == (spec.n_params,)
    hash(spec)  # frozen and hashable despite the array field
    assert spec == make_network(3, (5, 4), 2, cell=cell, bidirectional=True)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtypes_and_shapes(cell, dtype):
    rng = np.random.default_rng(0)
    for return_sequences in (False, True):
        spec = make_network(3, (4,), 2, cell=cell, return_sequences=return_sequences,
                            dtype=dtype)
        theta = init_params(spec, rng)
        assert theta.dtype == dtype and theta.shape == (spec.n_params,)
        X = rng.standard_normal((5, 6, 3)).astype(dtype)
        raw = forward(spec, theta, X)
        assert raw.dtype == dtype
        assert raw.shape == ((5, 6, 2) if return_sequences else (5, 2))
        loss, grad = loss_and_gradient(spec, theta, X, np.zeros(raw.shape, dtype),
                                       lengths=np.array([6, 5, 1, 6, 2]))
        assert isinstance(loss, float) and grad.dtype == dtype


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_init_orthogonal_recurrent_blocks_and_biases(cell):
    spec = make_network(3, (6, 5), 2, cell=cell, bidirectional=True, dtype=np.float64)
    theta = init_params(spec, np.random.default_rng(0))
    layers, W_out, b_out = unpack(spec, theta)
    n_in = 3
    for H, directions in zip(spec.hidden_layer_sizes, layers):
        for W in directions:
            U, bias = W[:, n_in + 1:], W[:, n_in]
            recurrent_blocks = [0, 1, 2] if cell == "gru" else range(W.shape[0] // H)
            for k in recurrent_blocks:
                block = U[k * H:(k + 1) * H]
                np.testing.assert_allclose(block.T @ block, np.eye(H), atol=1e-12)
            expected_bias = np.zeros(W.shape[0])
            if cell == "lstm":
                expected_bias[2 * H:3 * H] = 1.0  # forget gate (blocks o, i, f, g)
            np.testing.assert_array_equal(bias, expected_bias)
            limit = np.sqrt(6 / (n_in + (3 if cell == "gru" else W.shape[0] // H) * H))
            assert np.abs(W[:, :n_in]).max() <= limit
            if cell == "gru":  # structural zeros of the split candidate
                assert not W[2 * H:3 * H, :n_in].any() and not W[3 * H:, n_in + 1:].any()
        n_in = 2 * H
    assert np.abs(W_out).max() <= np.sqrt(6 / (W_out.shape[0] + W_out.shape[1]))
    assert not b_out.any()


def test_init_is_deterministic_given_the_seed():
    spec = make_network(3, (4,), 2, cell="lstm")
    a = init_params(spec, np.random.default_rng(42))
    b = init_params(spec, np.random.default_rng(42))
    c = init_params(spec, np.random.default_rng(43))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_forward_keeps_no_state_between_calls():
    spec = make_network(2, (3,), 1, cell="gru")
    rng = np.random.default_rng(0)
    theta = init_params(spec, rng)
    X = rng.standard_normal((4, 5, 2)).astype(np.float32)
    first = forward(spec, theta, X)
    forward(spec, theta, rng.standard_normal((7, 3, 2)).astype(np.float32))
    np.testing.assert_array_equal(forward(spec, theta, X), first)


def test_workspace_covers_every_buffer(monkeypatch):
    """Each chunk's buffers fit the one Workspace allocation (no silent fallback)."""
    from skrnn._engine import _workspace

    carve = _workspace.Workspace.empty

    def checked(self, shape):
        assert self._used + int(np.prod(shape)) <= self._memory.size, shape
        return carve(self, shape)

    monkeypatch.setattr(_workspace.Workspace, "empty", checked)
    rng = np.random.default_rng(0)
    for cell in ("rnn", "lstm", "gru"):
        for bidirectional in (False, True):
            for return_sequences in (False, True):
                spec = make_network(3, (1, 5), 2, cell=cell, bidirectional=bidirectional,
                                    return_sequences=return_sequences)
                theta = init_params(spec, rng)
                X = rng.standard_normal((4, 7, 3)).astype(np.float32)
                Y = np.zeros((4, 7, 2) if return_sequences else (4, 2), np.float32)
                forward(spec, theta, X, lengths=np.array([7, 3, 1, 5]))
                loss_and_gradient(spec, theta, X, Y, lengths=np.array([7, 3, 1, 5]),
                                  dropout=0.2, rng=rng)
                if not bidirectional:
                    loss_and_gradient(spec, theta, X, Y, bptt_steps=3)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_workspace_is_sized_exactly(monkeypatch, cell):
    """A training step uses its Workspace up to alignment padding: the size is computed
    from what each cell allocates, not from a loose common bound (it is the step's peak
    memory)."""
    from skrnn._engine import _workspace

    spaces, init = [], _workspace.Workspace.__init__

    def recorded(self, size, dtype):
        init(self, size, dtype)
        spaces.append(self)

    monkeypatch.setattr(_workspace.Workspace, "__init__", recorded)
    rng = np.random.default_rng(0)
    for layers, T in (((6,), 40), ((6, 4), 7)):
        spec = make_network(3, layers, 2, cell=cell)
        X = rng.standard_normal((5, T, 3)).astype(np.float32)
        loss_and_gradient(spec, init_params(spec, rng), X, np.zeros((5, 2), np.float32))
        ws = spaces[-1]
        assert ws._memory.size - ws._used < 64 * _workspace.ALIGN


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_float32_agrees_with_float64(cell):
    rng = np.random.default_rng(0)
    spec32 = make_network(3, (8, 4), 2, cell=cell, return_sequences=True)
    spec64 = make_network(3, (8, 4), 2, cell=cell, return_sequences=True, dtype=np.float64)
    theta = init_params(spec64, rng)
    X, Y = rng.standard_normal((5, 9, 3)), rng.standard_normal((5, 9, 2))
    lengths = np.array([9, 4, 9, 1, 6])
    loss64, grad64 = loss_and_gradient(spec64, theta, X, Y, lengths=lengths, alpha=0.1)
    loss32, grad32 = loss_and_gradient(spec32, theta.astype(np.float32),
                                       X.astype(np.float32), Y.astype(np.float32),
                                       lengths=lengths, alpha=0.1)
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    assert np.linalg.norm(grad32 - grad64) < 1e-5 * np.linalg.norm(grad64)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_float32_predictions_do_not_depend_on_the_other_rows_of_the_batch(cell, pooling):
    # a row alone, in a permuted batch or in a subset gives the same bits
    rng = np.random.default_rng(3)
    spec = make_network(3, (16,), 2, cell=cell, pooling=pooling, dtype=np.float32)
    theta = init_params(spec, rng)
    X = rng.standard_normal((75, 9, 3)).astype(np.float32)
    full = forward(spec, theta, X)
    for idx in (rng.permutation(75), rng.permutation(75)[:23], np.array([40])):
        np.testing.assert_array_equal(forward(spec, theta, X[idx]), full[idx])
