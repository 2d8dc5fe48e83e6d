"""Unrolling one recurrent layer-direction over time: forward, masking and BPTT.

Internal layout (feature-major, time in the middle): a sequence is ``(D, T, B)``. What
BPTT must keep for every step is kept for all ``T`` steps: the states ``hs`` of shape
``(H, T + 1, B)`` (``hs[:, t]`` = ``h_{t-1}``, the state entering step ``t``) and the
cell's own caches (LSTM gates, ``c`` and ``tanh c``; GRU gates). Everything else lives in
buffers of one block of ``blk`` steps (16, or 8 for large layers: see
:func:`~skrnn._engine._cells.block_steps`), reused block after block:

* ``xh`` of shape ``(blk + 1, K, B)`` with ``K = F + 1 + H``, whose slot ``i`` is
  the stacked input ``[x_t; 1; h_{t-1}]`` of the block's step ``i``; step ``i`` writes
  ``h_t`` straight into slot ``i + 1``. Each step is ONE GEMM ``z_t = W xh[i]``.
* ``dZ`` of shape ``(blk, G H, B)``: the backward pass fills the cell's derivative
  factors for a block, turns them into ``dz`` step by step (``U^T dz_t`` per step), then
  copies the block time-in-the-middle (``dZ_T``, over the fill's scratch slabs, dead by
  then) and adds the block's weight gradient as ONE GEMM ``dW += dZ_T xh^T`` over
  ``blk * B`` columns (``xh`` rebuilt from ``x`` and ``hs``, time in the middle, in the
  memory of the forward ``xh``) and, for layers that need it, the block's input
  gradient ``W_x^T dZ_T``.

Per-step operands are contiguous ``(., B)`` arrays: on a strided one a small NumPy
element-wise call goes through a buffered iteration with a ``B``-long inner loop, 2-4x
slower (the one transposing copy per block costs far less).

Masking (right-aligned variable lengths) is the masked update
``h_t = h_{t-1} + m_t * (h_new - h_{t-1})`` (and the same for the LSTM cell state), done
here once for every cell, and only at steps where some sequence is padded.
"""

import functools
from types import SimpleNamespace

import numpy as np

from ._cells import GRU, block_steps, gru_structural_zeros, per_step, step_blocks
from ._workspace import Workspace, table_size


SPLIT_GEMM_MIN_WORK = 1 << 17


def _forward_table(cell, F, H, T, B, keep_cache, blk):
    """The buffers :func:`forward_direction` carves, name -> shape, in carving order."""
    table = {
        "hs": (H, T + 1, B),  # hs[:, t] = h_{t-1}, kept for every step
        "xh": (blk + 1, F + 1 + H, B),  # slot i: [x_t; 1; h_{t-1}] of a block's step i
        # gates are the cache of LSTM and GRU; Elman's derivative comes from h_t alone
        "Z": (T if keep_cache and cell.keeps_gates else 1, cell.n_blocks * H, B),
        "tmp": (H, B),
    }
    if cell.has_c:  # c_t and tanh c_t; inference ping-pongs c between two slots
        table["C"] = (T + 1 if keep_cache else 2, H, B)
        table["TC"] = (T if keep_cache else 1, H, B)
    return table


def _backward_table(cell, F, H, T, B, need_dx, blk):
    """The buffers :func:`backward_direction` carves, name -> shape, in carving order.

    Two more arrays are views over these, not entries: the block's stacked inputs with
    time in the middle ``xh_T`` (over the forward ``xh``, which holds ``(blk + 1) K B``)
    and the block's ``dZ_T`` (over ``slabs``, at least ``G blk H B``).
    """
    G = cell.n_blocks * H
    table = {"rec": (2, H, B)}  # U^T dz_t: one slot, or a ping-pong pair (many-to-one)
    if cell.has_c:  # the LSTM's dL/dc_t and what flows back through c_t into c_{t-1}
        table.update(dc=(H, B), dc_carry=(H, B))
    if cell.has_direct:  # GRU's direct term of dh_{t-1}
        table["dh_direct"] = (H, B)
    table.update(
        slabs=(max(cell.n_blocks, cell.factor_slabs), blk, H, B),  # factor scratch, dZ_T
        dZ=(blk, G, B),  # one block's factors, turned into dz_t in place, step-major
        scratch=(G, F + 1 + H))  # one block's weight gradient before it is added
    if need_dx:
        table["dX"] = (F, T, B)
    return table


def buffer_table(cell, F, H, T, B, keep_cache, need_dx, itemsize):
    """Every buffer one layer-direction carves from its workspace (forward, then
    backward with ``keep_cache``), name -> shape, all of the weights' dtype.

    Both the workspace's size (:func:`direction_size`) and the arrays themselves
    (:func:`_new_buffers`, :func:`_prepare_backward`) are read from it.
    """
    blk = block_steps(cell, T, H, B, itemsize)
    table = _forward_table(cell, F, H, T, B, keep_cache, blk)
    if keep_cache:
        table.update(_backward_table(cell, F, H, T, B, need_dx, blk))
    return table


# a pure function of its arguments, asked for every layer-direction of every call: summing
# the table (~3 us for an LSTM's) is ~2 % of the smallest forward passes, a lookup ~0.4 us
@functools.lru_cache(maxsize=256)
def direction_size(cell, F, H, T, B, keep_cache, need_dx, itemsize):
    """Elements one layer-direction carves from its workspace (forward + backward):
    the size of its :func:`buffer_table`."""
    return table_size(buffer_table(cell, F, H, T, B, keep_cache, need_dx, itemsize))


def _new_buffers(cell, W, x_seq, state0, keep_cache, ws):
    """The forward buffers of one direction (:func:`_forward_table`), initialised."""
    F, T, B = x_seq.shape
    H = W.shape[1] - F - 1
    ws = Workspace(0, W.dtype) if ws is None else ws
    blk = block_steps(cell, T, H, B, W.itemsize)
    buf = SimpleNamespace(T=T, H=H, B=B, F=F, K=F + 1 + H, blk=blk, dtype=W.dtype, ws=ws,
                          x_seq=x_seq,
                          **ws.carve(_forward_table(cell, F, H, T, B, keep_cache, blk)))
    buf.hs[:, 0] = state0[0]
    buf.xh[:, F] = 1
    buf.z_steps = per_step(buf.Z, T)
    columns = list(buf.xh)
    buf.x_steps = per_step(columns[:-1], T)  # step t uses slot t % blk
    h_columns = [column[F + 1:] for column in columns]
    buf.h_in, buf.h_out = per_step(h_columns[:-1], T), per_step(h_columns[1:], T)
    if cell.has_c:
        buf.C[0] = state0[1]
        buf.c_steps = per_step(buf.C, T + 1)
        buf.tc_steps = per_step(buf.TC, T)
    return buf


def _blend_(prev, new, m):
    """In place: new <- prev + m * (new - prev)  (masked update)."""
    np.subtract(new, prev, out=new)
    np.multiply(new, m, out=new)
    np.add(new, prev, out=new)


def forward_direction(cell, W, x_seq, state0, mask=None, keep_cache=True, ws=None):
    """Run one direction of one layer over a sequence.

    Parameters
    ----------
    cell : Cell
    W : ndarray of shape (G * H, F + 1 + H)
        Fused ``[W_x | b | U]``.
    x_seq : ndarray of shape (F, T, B)
        Kept by reference (the backward pass rebuilds each block's ``[x; 1; h]`` from it).
    state0 : tuple of ndarray of shape (H, B)
        ``(h0,)`` or ``(h0, c0)`` for the LSTM.
    mask : ndarray of shape (1, T, B) or None
        1 at valid steps, 0 at (left) padding.
    keep_cache : bool
        False for inference: per-step scratch is reused, nothing is kept for BPTT.
    ws : Workspace or None
        Where the buffers (and later the backward ones) are carved from.

    Returns
    -------
    buf : SimpleNamespace
        Buffers; ``buf.hs[:, 1:]`` is the output sequence ``(H, T, B)``, and with
        ``keep_cache`` they are the cache for :func:`backward_direction`.
    """
    buf = _new_buffers(cell, W, x_seq, state0, keep_cache, ws)
    plan, step = cell.forward_plan(buf), cell.forward_step
    W, z_steps, W_input, x_input, z_input = _step_gemms(
        cell, _halve_sigmoid_rows(cell, W), buf)
    x_steps, h_in, h_out, xh, hs, F = buf.x_steps, buf.h_in, buf.h_out, buf.xh, buf.hs, buf.F
    m_steps = _padded_steps(mask, buf.T)
    for block in step_blocks(buf.T, buf.blk):
        n = block.stop - block.start
        xh[:n, :F] = x_seq[:, block].transpose(1, 0, 2)
        xh[0, F + 1:] = hs[:, block.start]
        for t in range(block.start, block.stop):
            np.matmul(W, x_steps[t], out=z_steps[t])
            if W_input is not None:
                np.matmul(W_input, x_input[t], out=z_input[t])
            step(*plan[t])
            if m_steps[t] is not None:
                _blend_(h_in[t], h_out[t], m_steps[t])
                if cell.has_c:
                    _blend_(buf.c_steps[t], buf.c_steps[t + 1], m_steps[t])
        hs[:, block.start + 1:block.stop + 1] = xh[1:n + 1, F + 1:].transpose(1, 0, 2)
    return buf


def _step_gemms(cell, W, buf):
    """The step's GEMM operands, split when trailing blocks have no hidden columns.

    Returns ``(W_main, z_main, W_input, x_input, z_input)``: ``W_main`` (the blocks that
    read h_{t-1}) acts on ``buf.x_steps`` into ``z_main[t]``; for GRU's n_x block,
    ``W_input`` (input and bias columns only) acts on ``x_input[t]`` into ``z_input[t]``,
    skipping H * H structural-zero multiply-adds per column for one extra call.
    """
    n_hidden = cell.n_hidden_blocks * buf.H
    # below ~1e5 saved multiply-adds per step the extra call costs more than it saves
    if n_hidden == W.shape[0] or buf.H * buf.H * buf.B < SPLIT_GEMM_MIN_WORK:
        return W, buf.z_steps, None, None, None
    F1 = buf.F + 1
    return (W[:n_hidden], [z[:n_hidden] for z in buf.z_steps],
            np.ascontiguousarray(W[n_hidden:, :F1]), [x[:F1] for x in buf.x_steps],
            [z[n_hidden:] for z in buf.z_steps])


def _halve_sigmoid_rows(cell, W):
    """Copy of W whose sigmoid-gate rows are halved (see ``Cell.n_half_blocks``)."""
    if not cell.n_half_blocks:
        return W
    W = W.copy()
    W[: cell.n_half_blocks * (W.shape[0] // cell.n_blocks)] *= 0.5
    return W


def output_sequence(buf):
    """View of the outputs ``h_0 .. h_{T-1}``, shape (H, T, B)."""
    return buf.hs[:, 1:]


def final_state(cell, buf):
    """Copies of the state after the last step: ``(h,)`` or ``(h, c)``, each (H, B)."""
    h = buf.hs[:, -1].copy()
    return (h, buf.c_steps[-1].copy()) if cell.has_c else (h,)


def _prepare_backward(cell, buf, need_dx, dc_end=None, masked_dstate0=False):
    """Carve the backward buffers (:func:`_backward_table`) into ``buf``; return the
    cell's factor filler and step plan."""
    if masked_dstate0:
        raise ValueError("need_dstate0 needs mask=None (see _mask_gradient_).")
    vars(buf).update(buf.ws.carve(
        _backward_table(cell, buf.F, buf.H, buf.T, buf.B, need_dx, buf.blk)))
    if cell.has_c:  # dL/dc_T = 0 at the chunk's end, or what comes back
        if dc_end is None:
            buf.dc_carry.fill(0)
        else:
            buf.dc_carry[...] = dc_end
    K, blk, B = buf.K, buf.blk, buf.B  # the block's [x; 1; h] time in the middle, over xh
    buf.xh_T = buf.xh.reshape(-1)[:K * blk * B].reshape(K, blk, B)
    buf.xh_T[buf.F] = 1
    # the fill's scratch slabs, then (after the block's steps) dz time-in-the-middle
    G = cell.n_blocks * buf.H
    buf.dZ_T = buf.slabs.reshape(-1)[:G * blk * B].reshape(G, blk, B)
    factors, fill = cell.factor_plan(buf)
    return fill, cell.backward_plan(buf, factors)


def backward_direction(cell, W, buf, dH, grad_W, mask=None, need_dx=True,
                       need_dstate0=False, dc_end=None):
    """BPTT through one direction; accumulates ``grad_W`` and returns ``dL/dx``.

    Parameters
    ----------
    cell, W : as in :func:`forward_direction`
    buf : SimpleNamespace
        Cache returned by :func:`forward_direction` with ``keep_cache=True``.
    dH : ndarray of shape (H, T, B) or (H, B)
        ``dL/dh_t`` from above (head or next layer), or, 2-D, ``dL/dh_{T-1}`` alone (a
        many-to-one head: no zero array to add at every step). Overwritten: the
        recurrent part ``U^T dz_{t+1}`` is accumulated into it in place.
    grad_W : ndarray of shape (G * H, F + 1 + H)
        Incremented by this chunk's weight gradient.
    mask : ndarray of shape (1, T, B) or None
    need_dx : bool
        False for the first layer: nobody needs the gradient of the data.
    need_dstate0 : bool
        Also return the gradient with respect to the entering state (a decoder's state
        is computed from the encoder). Only without ``mask``: the dropped pass-through
        terms of :func:`_mask_gradient_` would reach it.
    dc_end : ndarray of shape (H, B) or None
        LSTM only: ``dL/dc_{T-1}`` from beyond the chunk (a decoder run step by step);
        ``dL/dh_{T-1}`` from beyond is simply part of ``dH``.

    Returns
    -------
    dX : ndarray of shape (F, T, B) or None
        Gradient with respect to the input sequence. Unless ``need_dstate0``, the state
        entering the chunk is a constant (zero, or detached for truncated BPTT), so its
        gradient is dropped.
    d_state0 : tuple of ndarray of shape (H, B)
        Only with ``need_dstate0``: ``(dL/dh_{-1},)`` or ``(dL/dh_{-1}, dL/dc_{-1})``.
    """
    T, F, H = buf.T, buf.F, buf.H
    fill, plan = _prepare_backward(cell, buf, need_dx, dc_end,
                                   need_dstate0 and mask is not None)
    step, rec = cell.backward_step, buf.rec  # U^T dz_t: only its recurrent part per step
    n_hidden = cell.n_hidden_blocks * H  # rows of W that read h_{t-1}
    dz_steps = per_step(buf.dZ[:, :n_hidden], T)
    from_above = dH.ndim == 3
    if from_above:
        dh_steps, rec_steps = list(dH.transpose(1, 0, 2)), [rec[0]] * T
    else:  # many-to-one: dh_{t-1} = U^T dz_t itself, written into ping-pong slots
        rec_steps = [rec[t % 2] for t in range(T)]
        dh_steps = rec_steps[1:] + [dH]
    m_steps = _padded_steps(mask, T)
    U_T = W[:n_hidden, F + 1:].T
    dX = buf.dX if need_dx else None
    for block in reversed(step_blocks(T, buf.blk)):
        fill(block)
        for t in range(block.stop - 1, block.start - 1, -1):
            dh = dh_steps[t]
            if m_steps[t] is not None:
                _mask_gradient_(cell, buf, dh, m_steps[t])
            step(dh, *plan[t])
            if t:
                prev = dh_steps[t - 1]
                np.matmul(U_T, dz_steps[t], out=rec_steps[t])  # dh_{t-1} += U^T dz_t
                if from_above:
                    np.add(prev, rec_steps[t], out=prev)
                if cell.has_direct:
                    np.add(prev, buf.dh_direct, out=prev)
        _block_gradients(cell, W, buf, block, grad_W, dX)
    if cell is GRU:
        gru_structural_zeros(grad_W, F)
    if need_dstate0:
        return dX, _entering_state_gradient(cell, buf, U_T, dz_steps[0])
    return dX


def _entering_state_gradient(cell, buf, U_T, dz_0):
    """dL/dh_{-1} = U^T dz_0 (+ GRU's direct z_0 * dh_0); dL/dc_{-1} = dc_0 * f_0, which
    the LSTM's last backward step left in ``dc_carry``. Fresh arrays."""
    dh0 = np.matmul(U_T, dz_0)
    if cell.has_direct:
        dh0 += buf.dh_direct
    return (dh0, buf.dc_carry.copy()) if cell.has_c else (dh0,)


def _padded_steps(mask, T):
    """Per step: the (1, B) mask where some sequence is padded, else None (no mask work)."""
    if mask is None:
        return [None] * T
    return [None if mask[:, t].all() else mask[:, t] for t in range(T)]


def _mask_gradient_(cell, buf, dh, m):
    """Gradient of the masked update h_t = h_{t-1} + m (h_new - h_{t-1}) (same for c).

    dh_new = m dh_t and dc_new gets m dc_t. The pass-through terms (1 - m) dh_t and
    (1 - m) dc_t are skipped: they only reach earlier padded steps, whose states are the
    constant initial state (padding is a prefix), so they never reach a parameter.
    """
    np.multiply(dh, m, out=dh)
    if cell.has_c:
        np.multiply(buf.dc_carry, m, out=buf.dc_carry)


def _block_gradients(cell, W, buf, block, grad_W, dX):
    """Add one block's dW = sum_t dz_t [x_t; 1; h_{t-1}]^T as ONE GEMM over
    (G H, n B) x (n B, K), and write its dx_t = W_x^T dz_t (one GEMM) when dX is given."""
    F, K, B = buf.F, buf.K, buf.B
    n = block.stop - block.start
    buf.xh_T[:F, :n] = buf.x_seq[:, block]  # rebuild the block's stacked inputs
    buf.xh_T[F + 1:, :n] = buf.hs[:, block]
    xh = buf.xh_T.reshape(K, -1)[:, :n * B]
    np.copyto(buf.dZ_T[:, :n], buf.dZ[:n].transpose(1, 0, 2))
    dZ = buf.dZ_T.reshape(len(buf.dZ_T), -1)[:, :n * B]
    n_hidden, scratch = cell.n_hidden_blocks * buf.H, buf.scratch
    np.matmul(dZ[:n_hidden], xh.T, out=scratch[:n_hidden])
    grad_W[:n_hidden] += scratch[:n_hidden]
    if n_hidden < len(grad_W):  # blocks without hidden columns: input and bias only
        F1 = F + 1
        part = np.matmul(dZ[n_hidden:], xh[:F1].T, out=scratch[n_hidden:, :F1])
        grad_W[n_hidden:, :F1] += part
    if dX is not None:
        T = dX.shape[1]
        out = dX.reshape(F, T * B)[:, block.start * B:block.stop * B]
        np.matmul(W[:, :F].T, dZ, out=out)


def reverse_index(lengths, T):
    """Time index reversing each sequence inside its own (right-aligned) valid region.

    Parameters
    ----------
    lengths : ndarray of shape (B,) or None
    T : int

    Returns
    -------
    index : ndarray of shape (T, B) or None
        ``x_rev[:, t, b] = x[:, index[t, b], b]``; padded steps map to themselves. The map
        is an involution, so the same index un-reverses. None means a plain ``[::-1]``.
    """
    if lengths is None:
        return None
    t = np.arange(T)[:, None]
    start = T - lengths[None, :]
    return np.where(t >= start, start + T - 1 - t, t)


def reverse_time(seq, index):
    """Reverse ``seq`` of shape (D, T, B) along time per :func:`reverse_index`."""
    if index is None:
        return seq[:, ::-1]
    return seq[:, index, np.arange(seq.shape[2])]
