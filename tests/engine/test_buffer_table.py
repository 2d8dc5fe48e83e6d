"""The buffer table of a layer-direction: what is sized is what is carved.

``buffer_table`` declares every array one layer-direction carves from its workspace;
``direction_size`` is its size and the forward and backward passes carve from it. If the
two drift apart, the workspace silently falls back to ``np.empty`` (correct, but slow):
these tests fail instead. They also check that the cells' plans write no attribute on the
buffers namespace (they return what they make).
"""

import dataclasses

import numpy as np
import pytest

from skrnn._engine import _workspace, loss_and_gradient, loss_and_gradient_seq2seq
from skrnn._engine import init_params, make_network
from skrnn._engine._cells import block_steps, get_cell
from skrnn._engine._recurrent import (backward_direction, buffer_table, direction_size,
                                      forward_direction)
from skrnn._engine._workspace import Workspace

CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("rnn", "sigmoid"), ("lstm", "tanh"),
         ("gru", "tanh")]
# (F, H, T, B): T below one block, exactly one, not a multiple of it, many blocks, one
# step; the last one large enough (16 G B * 4 bytes >= 512 KiB) for LSTM and GRU to use
# blocks of 8 steps.
SHAPES = [(3, 5, 3, 4), (2, 4, 16, 3), (3, 6, 37, 5), (1, 3, 1, 2), (4, 7, 8, 1),
          (5, 32, 19, 64)]


@pytest.fixture
def fallbacks(monkeypatch):
    """Shapes that a sized Workspace could not carve (handed to np.empty instead)."""
    missed, carve = [], Workspace.empty

    def counted(self, shape):
        if self._memory.size > _workspace.ALIGN and (
                self._used + int(np.prod(shape)) > self._memory.size):
            missed.append(shape)
        return carve(self, shape)

    monkeypatch.setattr(Workspace, "empty", counted)
    return missed


def _direction(cell, F, H, T, B, masked, dtype, rng):
    W = (0.3 * rng.standard_normal((cell.n_blocks * H, F + 1 + H))).astype(dtype)
    x = rng.standard_normal((F, T, B)).astype(dtype)
    state0 = tuple(np.zeros((H, B), dtype) for _ in range(1 + cell.has_c))
    mask = None
    if masked:  # right-aligned lengths, the first sequence full
        lengths = rng.integers(1, T + 1, size=B)
        lengths[0] = T
        mask = (np.arange(T)[:, None] >= T - lengths[None, :])[None].astype(dtype)
    return W, x, state0, mask


def _run(cell, F, H, T, B, keep_cache, need_dx, masked, dtype=np.float32, seed=0):
    """Forward (and backward) of one direction in a workspace sized by direction_size;
    returns the workspace, the buffers and the table."""
    rng = np.random.default_rng(seed)
    W, x, state0, mask = _direction(cell, F, H, T, B, masked, dtype, rng)
    itemsize = np.dtype(dtype).itemsize
    size = direction_size(cell, F, H, T, B, keep_cache, need_dx, itemsize)
    ws = Workspace(size, dtype)
    buf = forward_direction(cell, W, x, state0, mask, keep_cache, ws)
    if keep_cache:
        dH = rng.standard_normal((H, T, B) if masked else (H, B)).astype(dtype)
        backward_direction(cell, W, buf, dH, np.zeros_like(W), mask, need_dx=need_dx)
    return ws, buf, buffer_table(cell, F, H, T, B, keep_cache, need_dx, itemsize)


@pytest.mark.parametrize("cell,activation", CELLS)
@pytest.mark.parametrize("F,H,T,B", SHAPES)
def test_every_buffer_is_carved_from_the_sized_workspace(fallbacks, cell, activation,
                                                         F, H, T, B):
    cell = get_cell(cell, activation)
    for keep_cache, need_dx in ((False, False), (True, False), (True, True)):
        for masked in (False, True):
            ws, buf, table = _run(cell, F, H, T, B, keep_cache, need_dx, masked)
            assert fallbacks == [], (keep_cache, need_dx, masked)
            # exactly the table was carved: its size, and each entry under its name
            assert ws._memory.size - ws._used < 2 * _workspace.ALIGN
            for name, shape in table.items():
                array = getattr(buf, name)
                assert array.shape == shape, name
                assert np.shares_memory(array, ws._memory), name


def test_shapes_reach_both_block_sizes_and_partial_blocks():
    lstm = get_cell("lstm")
    assert {block_steps(lstm, 1000, H, B, 4) for _, H, _, B in SHAPES} == {8, 16}
    Ts = [T for _, _, T, _ in SHAPES]
    assert min(Ts) < 8 and 16 in Ts and any(T > 16 and T % 8 for T in Ts)


@pytest.mark.parametrize("cell,activation", CELLS)
def test_float64_and_entering_state_gradient(fallbacks, cell, activation):
    """float64 blocks (itemsize 8), and the decoder's backward (need_dstate0, dc_end)."""
    cell = get_cell(cell, activation)
    F, H, T, B = 3, 16, 21, 40
    rng = np.random.default_rng(1)
    W, x, state0, _ = _direction(cell, F, H, T, B, False, np.float64, rng)
    ws = Workspace(direction_size(cell, F, H, T, B, True, True, 8), np.float64)
    buf = forward_direction(cell, W, x, state0, None, True, ws)
    dc_end = rng.standard_normal((H, B)) if cell.has_c else None
    backward_direction(cell, W, buf, rng.standard_normal((H, T, B)), np.zeros_like(W),
                       need_dstate0=True, dc_end=dc_end)
    assert fallbacks == []
    assert ws._memory.size - ws._used < 2 * _workspace.ALIGN


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_networks_carve_nothing_outside_their_workspaces(fallbacks, cell):
    """Stacked, bidirectional, truncated, pooled and encoder-decoder training steps: the
    workspaces sized from the tables hold every buffer (only the free-running decoder's
    step-by-step buffers, made without a workspace, are plain np.empty)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 23, 3)).astype(np.float32)
    lengths = np.array([23, 5, 1, 17, 23, 9])
    for kwargs, extra in (({"bidirectional": True}, {"lengths": lengths}),
                          ({"return_sequences": True}, {"bptt_steps": 10}),
                          ({"pooling": "attention"}, {"lengths": lengths, "dropout": 0.3})):
        spec = make_network(3, (7, 4), 2, cell=cell, **kwargs)
        Y = np.zeros((6, 23, 2) if spec.return_sequences else (6, 2), np.float32)
        loss_and_gradient(spec, init_params(spec, rng), X, Y, rng=rng, **extra)
    spec = make_network(3, (7, 4), 2, cell=cell, output_steps=20)
    Y = rng.standard_normal((6, 20, 2)).astype(np.float32)
    for teacher_forcing in (1.0, 0.5):
        loss_and_gradient_seq2seq(spec, init_params(spec, rng), X, Y, lengths=lengths,
                                  teacher_forcing=teacher_forcing, rng=rng)
    assert fallbacks == []


class _ReadOnly:
    """The buffers namespace as a cell sees it: reading works, setting raises."""

    def __init__(self, buf):
        object.__setattr__(self, "_buf", buf)

    def __getattr__(self, name):
        return getattr(self._buf, name)

    def __setattr__(self, name, value):
        raise AssertionError(f"a cell set buf.{name}")


@pytest.mark.parametrize("cell,activation", CELLS)
def test_cells_set_no_attribute_on_the_buffers(cell, activation):
    """The plans return what they make; results are those of the plain cell."""
    plain = get_cell(cell, activation)
    guarded = dataclasses.replace(
        plain,
        forward_plan=lambda buf: plain.forward_plan(_ReadOnly(buf)),
        factor_plan=lambda buf: plain.factor_plan(_ReadOnly(buf)),
        backward_plan=lambda buf, factors: plain.backward_plan(_ReadOnly(buf), factors))
    results = []
    for c in (plain, guarded):
        ws, buf, _ = _run(c, 3, 5, 37, 4, True, True, masked=True)
        results.append((buf.hs.copy(), buf.dX.copy()))
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
