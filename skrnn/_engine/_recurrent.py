"""Unrolling one recurrent layer-direction over time: forward, masking and BPTT.

Internal layout (feature-major, time in the middle): a sequence is ``(D, T, B)``. One
direction keeps a buffer ``xh`` of shape ``(K, T + 1, B)`` with ``K = F + 1 + H`` whose
column ``xh[:, t]`` is the stacked input ``[x_t; 1; h_{t-1}]`` of step ``t``; step ``t``
writes ``h_t`` straight into ``xh[F + 1:, t + 1]``. Each step is then ONE GEMM
``z_t = W xh[:, t]`` and, because ``xh[:, :T]`` and ``dz`` (stored ``(G H, T, B)``, over
the cell's backward factors) both flatten to ``(., T * B)`` without a copy, the weight
gradient of a whole chunk is ONE GEMM ``dW = dZ xh^T`` after the backward time loop. Per
step the backward pass only needs ``U^T dz_t``; the input gradient is one GEMM at the end.

Masking (right-aligned variable lengths) is the masked update
``h_t = h_{t-1} + m_t * (h_new - h_{t-1})`` (and the same for the LSTM cell state), done
here once for every cell, and only at steps where some sequence is padded.
"""

from types import SimpleNamespace

import numpy as np

from ._cells import GRU, gru_structural_zeros, per_step, step_blocks
from ._workspace import Workspace


SPLIT_GEMM_MIN_WORK = 1 << 17


def _new_buffers(cell, W, x_seq, state0, keep_cache, ws):
    """Allocate the per-call buffers of one direction and copy the input in once."""
    F, T, B = x_seq.shape
    GH, K = W.shape
    H = K - F - 1
    ws = Workspace(0, W.dtype) if ws is None else ws
    buf = SimpleNamespace(T=T, H=H, B=B, F=F, K=K, dtype=W.dtype, ws=ws)
    buf.xh = xh = ws.empty((K, T + 1, B))
    xh[:F, :T] = x_seq
    xh[:F, T] = 0
    xh[F] = 1
    xh[F + 1:, 0] = state0[0]
    n_kept = T if keep_cache else 1  # inference: one scratch slot reused by every step
    buf.Z = ws.empty((n_kept, GH, B))
    buf.z_steps = per_step(buf.Z, T)
    buf.x_steps = list(xh.transpose(1, 0, 2))[:T]
    buf.h_steps = list(xh[F + 1:].transpose(1, 0, 2))
    buf.h_prev_seq, buf.h_seq = xh[F + 1:, :T], xh[F + 1:, 1:]
    buf.tmp = ws.empty((H, B))
    if cell.has_c:
        n_c = T + 1 if keep_cache else 2  # inference: ping-pong between two slots
        buf.C = ws.empty((n_c, H, B))
        buf.C[0] = state0[1]
        buf.c_steps = per_step(buf.C, T + 1)
        buf.TC = ws.empty((n_kept, H, B))
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
        Buffers; ``buf.xh[F + 1:, 1:]`` is the output sequence ``(H, T, B)``, and with
        ``keep_cache`` they are the cache for :func:`backward_direction`.
    """
    buf = _new_buffers(cell, W, x_seq, state0, keep_cache, ws)
    plan, step = cell.forward_plan(buf), cell.forward_step
    fill_factors = cell.factor_plan(buf) if keep_cache else None
    W, z_steps, W_input, x_input, z_input = _step_gemms(
        cell, _halve_sigmoid_rows(cell, W), buf)
    x_steps, h_steps = buf.x_steps, buf.h_steps
    m_steps = _padded_steps(mask, buf.T)
    for block in step_blocks(buf.T):
        for t in range(block.start, block.stop):
            np.matmul(W, x_steps[t], out=z_steps[t])
            if W_input is not None:
                np.matmul(W_input, x_input[t], out=z_input[t])
            step(*plan[t])
            if m_steps[t] is not None:
                _blend_(h_steps[t], h_steps[t + 1], m_steps[t])
                if cell.has_c:
                    _blend_(buf.c_steps[t], buf.c_steps[t + 1], m_steps[t])
        if fill_factors is not None:
            fill_factors(block)
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
    return buf.xh[buf.F + 1:, 1:]


def final_state(cell, buf):
    """Copies of the state after the last step: ``(h,)`` or ``(h, c)``, each (H, B)."""
    h = buf.h_steps[-1].copy()
    return (h, buf.c_steps[-1].copy()) if cell.has_c else (h,)


def _prepare_backward(cell, buf):
    H, B, ws = buf.H, buf.B, buf.ws
    buf.dc = ws.empty((H, B))
    buf.dc_carry = ws.zeros((H, B))  # dL/dc_T = 0: the chunk's end
    buf.dh_direct = ws.empty((H, B))
    return cell.backward_plan(buf)


def backward_direction(cell, W, buf, dH, grad_W, mask=None, need_dx=True):
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

    Returns
    -------
    dX : ndarray of shape (F, T, B) or None
        Gradient with respect to the input sequence. The state entering the chunk is a
        constant (zero, or detached for truncated BPTT), so its gradient is dropped.
    """
    plan, step = _prepare_backward(cell, buf), cell.backward_step
    T, F, H, B = buf.T, buf.F, buf.H, buf.B
    n_hidden = cell.n_hidden_blocks * H  # rows of W that read h_{t-1}
    dz_steps = list(buf.dZ[:n_hidden].transpose(1, 0, 2))
    rec = buf.ws.empty((2, H, B))  # U^T dz_t: only the recurrent part is needed per step
    from_above = dH.ndim == 3
    if from_above:
        dh_steps, rec_steps = list(dH.transpose(1, 0, 2)), [rec[0]] * T
    else:  # many-to-one: dh_{t-1} = U^T dz_t itself, written into ping-pong slots
        rec_steps = [rec[t % 2] for t in range(T)]
        dh_steps = rec_steps[1:] + [dH]
    m_steps = _padded_steps(mask, T)
    U_T = W[:n_hidden, F + 1:].T
    for t in range(T - 1, -1, -1):
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
    _weight_gradient(cell, buf, grad_W)
    if not need_dx:
        return None
    # dx_t = W_x^T dz_t for every step at once: one GEMM after the loop
    dX = np.matmul(W[:, :F].T, buf.dZ.reshape(-1, T * B), out=buf.ws.empty((F, T * B)))
    return dX.reshape(F, T, B)


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


def _weight_gradient(cell, buf, grad_W):
    """dW = sum_t dz_t [x_t; 1; h_{t-1}]^T as ONE GEMM over (G H, T B) x (T B, K)."""
    T, B, K = buf.T, buf.B, buf.K
    dZ_flat = buf.dZ.reshape(-1, T * B)
    xh_flat = buf.xh[:, :T].reshape(K, T * B)
    n_hidden = cell.n_hidden_blocks * buf.H
    grad_W[:n_hidden] += np.matmul(dZ_flat[:n_hidden], xh_flat.T)
    if n_hidden < len(grad_W):  # blocks without hidden columns: input and bias only
        F1 = buf.F + 1
        grad_W[n_hidden:, :F1] += np.matmul(dZ_flat[n_hidden:], xh_flat[:F1].T)
    if cell is GRU:
        gru_structural_zeros(grad_W, buf.F)


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
