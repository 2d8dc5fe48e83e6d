"""Recurrent cells: forward/backward step pairs written from their equations.

Layout (feature-major): the state ``h`` is an ``(H, B)`` array and each step's gate
pre-activations come from ONE fused GEMM done by the caller,
``z_t = W [x_t; 1; h_{t-1}]`` of shape ``(G * H, B)``, so every gate block ``z[k*H:(k+1)*H]``
is a contiguous ``(H, B)`` array. The cells only do the element-wise part.

A cell is described by a :class:`Cell` record. Its functions read the buffers that
:mod:`skrnn._engine._recurrent` carved from its buffer table (``Z``, ``hs``, ``dZ``,
``slabs``, ...) and write only into them; they set no attribute on the namespace:

* ``forward_plan(buffers)`` hoists all slicing out of the time loop and returns one argument
  tuple per step for ``forward_step(*args)``; the step activates ``z`` in place (it becomes
  the cache) and writes ``h_t`` into the slot the caller gives it.
* ``factor_plan(buffers)`` returns ``(factors, fill)``: ``factors``, views of the
  derivative factors that do not depend on the incoming gradient, for ONE block of
  ``buffers.blk`` steps, over ``buffers.dZ`` in the layout of ``dz`` (see
  :func:`factor_view`; the LSTM adds one slab of ``buffers.slabs``), and ``fill(steps)``,
  which the backward pass calls before each block (vectorised over the block, from the
  forward caches, with ``buffers.slabs`` as scratch).
* ``backward_plan(buffers, factors)`` returns one argument tuple per step for
  ``backward_step(dh, *args)``, which turns the step's factors into ``dz_t`` in place
  (and updates the cell's own carries). Block-sized buffers are cycled: step ``t`` uses
  slot ``t % blk`` (blocks start at multiples of ``blk``, see :func:`step_blocks`).

Below, each cell's functions sit together under its numbered equations, and each line of
arithmetic names the equation it computes.

Masking, truncation, stacking and bidirectionality are handled once, above the cells, in
:mod:`skrnn._engine._recurrent`.
"""

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._activations import sigmoid_, sigmoid_from_half_


BLOCK_BYTES = 1 << 19  # a block's dz should stay in L2


def block_steps(cell, T, H, B, itemsize):
    """Steps per block of the stacked inputs, factors and dz: 16, or 8 when 16 steps of
    dz (G, ., B) would reach BLOCK_BYTES (8 is ~7 % faster at G * B = 65536, while at
    small sizes the per-block calls make 8 ~10 % slower) or for a cell that keeps no
    gates (Elman: its cache is h alone, so the block buffers weigh 3x more in memory,
    and it is far below its speed target at the small sizes where 8 costs time)."""
    G = cell.n_blocks * H
    small = cell.keeps_gates and 16 * G * B * itemsize < BLOCK_BYTES
    return min(T, 16 if small else 8)


def step_blocks(T, blk):
    """Slices of at most ``blk`` consecutive steps covering range(T), from step 0."""
    return [slice(a, min(a + blk, T)) for a in range(0, T, blk)]


def factor_view(buf, n_blocks):
    """One block's backward factors over ``buf.dZ`` (blk, n_blocks * H, B), stored
    step-major in the layout of dz so that each backward step turns factor_t into dz_t in
    place (dz = factor * dh) on contiguous (., B) arrays: the (blk, n_blocks, H, B) view."""
    return buf.dZ.reshape(buf.blk, n_blocks, buf.H, buf.B)


def _local(s):
    """The block-buffer slots of the steps ``s`` (a slice from step_blocks)."""
    return slice(0, s.stop - s.start)


def _one_minus_square(a, out):
    np.multiply(a, a, out=out)
    np.subtract(1, out, out=out)


def per_step(array, n):
    """Views ``array[0], array[1], ...`` cycled to length ``n`` (a single scratch slot, a
    ping-pong pair, or one slot per step), built at C speed by iterating the array."""
    items = list(array)
    return items * (n // len(items)) + items[: n % len(items)]


def _half(buf):
    return np.array(0.5, dtype=buf.dtype)


@dataclass(frozen=True)
class Cell:
    """Element-wise part of a recurrent cell (see the module docstring).

    Attributes
    ----------
    name : str
    n_blocks : int
        Number of ``H``-row blocks of the fused weight matrix ``W``.
    n_hidden_blocks : int
        Leading blocks that read ``h_{t-1}`` (the rest have zero hidden columns).
    n_half_blocks : int
        Leading blocks (the sigmoid gates) whose rows the forward GEMM uses halved, so that
        ``sigmoid(x) = 0.5 tanh(x / 2) + 0.5`` costs one multiply less per step.
    n_gates : int
        Number of real gates (fan-out for the Glorot initialisation of input weights).
    has_c : bool
        Whether the cell carries a second state (the LSTM cell state ``c``).
    has_direct : bool
        Whether ``dh_{t-1}`` has a direct term besides ``U^T dz_t`` (GRU's ``z * dh``).
    keeps_gates : bool
        Whether the activated gates are the backward cache (kept for every step).
    factor_slabs : int
        ``(blk, H, B)`` slabs of ``buf.slabs`` that ``factor_plan`` uses.
    forward_plan, forward_step, factor_plan, backward_plan, backward_step : callable
    """

    name: str
    n_blocks: int
    n_hidden_blocks: int
    n_half_blocks: int
    n_gates: int
    has_c: bool
    has_direct: bool
    keeps_gates: bool
    factor_slabs: int
    forward_plan: Callable
    forward_step: Callable
    factor_plan: Callable
    backward_plan: Callable
    backward_step: Callable


# ----------------------------------------------------------------------------------------
# Elman, act in {tanh, relu, sigmoid}
#   forward   (1) a_t = W x_t + U h_{t-1} + b           (the caller's GEMM, into z)
#             (2) h_t = act(a_t)
#   factor    (3) F_t = act'(a_t), from h_t alone: tanh 1 - h_t^2, relu 1[h_t > 0],
#                 sigmoid h_t (1 - h_t)                  (no gate cache: Z is one slot)
#   backward  (4) dz_t = F_t * dh_t                      (dh_t from above and U^T dz_{t+1})
# ----------------------------------------------------------------------------------------


def _tanh_step(z, h_out):
    np.tanh(z, out=h_out)  # (2)


def _relu_step(z, h_out):
    np.maximum(z, 0, out=h_out)  # (2)


def _sigmoid_step(z, h_out):
    np.copyto(h_out, z)  # (2)
    sigmoid_(h_out)


def _tanh_derivative(h, out):
    """(3) act'(a) from h = tanh(a): 1 - h^2."""
    _one_minus_square(h, out)


def _relu_derivative(h, out):
    """(3) act'(a) from h = relu(a): 1[h > 0]."""
    np.greater(h, 0, out=out)


def _sigmoid_derivative(h, out):
    """(3) act'(a) from h = sigmoid(a): h (1 - h)."""
    np.subtract(1, h, out=out)
    np.multiply(out, h, out=out)


ELMAN_ACTIVATIONS = {
    "tanh": (_tanh_step, _tanh_derivative),
    "relu": (_relu_step, _relu_derivative),
    "sigmoid": (_sigmoid_step, _sigmoid_derivative),
}


def _elman_forward_plan(buf):
    return list(zip(buf.z_steps, buf.h_out))


def _elman_factor_plan(buf, derivative):
    """(3) F_t = act'(a_t) over buf.dZ, one block at a time."""
    factor = factor_view(buf, 1)
    h_seq = buf.hs[:, 1:].transpose(1, 0, 2)

    def fill(s):
        derivative(h_seq[s], factor[_local(s), 0])  # (3)
    return factor, fill


def _elman_backward_plan(buf, factor):
    return [(dz,) for dz in per_step(factor, buf.T)]


def _elman_backward_step(dh, dz):
    np.multiply(dz, dh, out=dz)  # (4) dz_t = F_t * dh_t, in place over the factor


@functools.lru_cache(maxsize=None)  # one record per activation, not one per engine call
def elman_cell(activation):
    """Elman cell ``h_t = act(W x_t + U h_{t-1} + b)`` for ``act`` in tanh/relu/sigmoid."""
    step, derivative = ELMAN_ACTIVATIONS[activation]

    def factor_plan(buf):
        return _elman_factor_plan(buf, derivative)

    return Cell(
        name="rnn", n_blocks=1, n_hidden_blocks=1, n_half_blocks=0,
        n_gates=1, has_c=False, has_direct=False, keeps_gates=False, factor_slabs=0,
        forward_plan=_elman_forward_plan, forward_step=step, factor_plan=factor_plan,
        backward_plan=_elman_backward_plan, backward_step=_elman_backward_step,
    )


# ----------------------------------------------------------------------------------------
# LSTM, blocks ordered [o, i, f, g] so the three sigmoid gates are contiguous (one tanh
# call) and the three gates driven by dc are contiguous too (one multiply in backward).
#   forward   (1) o_t = s(W_o x_t + U_o h_{t-1} + b_o)
#             (2) i_t = s(W_i x_t + U_i h_{t-1} + b_i)
#             (3) f_t = s(W_f x_t + U_f h_{t-1} + b_f)
#             (4) g_t = tanh(W_g x_t + U_g h_{t-1} + b_g)
#             (5) c_t = f_t * c_{t-1} + i_t * g_t        (6) h_t = o_t * tanh(c_t)
#             with s(x) = 0.5 tanh(x / 2) + 0.5 on rows the caller's GEMM pre-halved
#   factors, known after the forward pass (s' = s (1 - s)), per block:
#             (7) A_t = o_t (1 - tanh^2 c_t)             (8) P_o = tanh(c_t) o_t (1 - o_t)
#             (9) P_i = g_t i_t (1 - i_t)                (10) P_f = c_{t-1} f_t (1 - f_t)
#             (11) P_g = i_t (1 - g_t^2)
#   backward, dc_carry = dL/dc_t through c_{t+1} (0 after the last step):
#             (12) dc_t = dh_t * A_t + dc_carry          (from (6), and (5) at t + 1)
#             (13) dz_o = dh_t * P_o                     (14) dz_{i,f,g} = dc_t * P_{i,f,g}
#             (15) dc_carry <- dc_t * f_t                (dL/dc_{t-1} through (5))
# ----------------------------------------------------------------------------------------

LSTM_FORGET_BLOCK = 2


def _lstm_forward_plan(buf):
    T, H = buf.T, buf.H
    gates = buf.Z.reshape(len(buf.Z), 4, H, buf.B)
    o, i, f, g = (per_step(gates[:, k], T) for k in range(4))
    return list(zip(buf.z_steps, per_step(buf.Z[:, :3 * H], T), g, o, i, f,
                    buf.c_steps[:-1], buf.c_steps[1:], buf.tc_steps, buf.h_out,
                    [buf.tmp] * T, [_half(buf)] * T))


def _lstm_forward_step(z, z_sig, g, o, i, f, c_prev, c_out, tc_out, h_out, tmp, half):
    np.tanh(z, out=z)                 # (4) g; tanh(x / 2) for the pre-halved o, i, f
    np.multiply(z_sig, half, out=z_sig)  # (1)-(3) s(x) = 0.5 tanh(x / 2) + 0.5
    np.add(z_sig, half, out=z_sig)
    np.multiply(f, c_prev, out=c_out)  # (5) c_t = f_t * c_{t-1} + i_t * g_t
    np.multiply(i, g, out=tmp)
    np.add(c_out, tmp, out=c_out)
    np.tanh(c_out, out=tc_out)        # (6) h_t = o_t * tanh(c_t)
    np.multiply(o, tc_out, out=h_out)


def _lstm_factor_plan(buf):
    """Factors (8)-(11) over buf.dZ and (7) A in the first slab, one block at a time;
    returns ``((factor, A), fill)``."""
    H, T, B = buf.H, buf.T, buf.B
    gates = buf.Z.reshape(T, 4, H, B)
    factor = factor_view(buf, 4)  # P_o, P_i, P_f, P_g
    dc_from_dh = buf.slabs[0]  # A
    scratch = buf.slabs[1:4].transpose(1, 0, 2, 3)  # (blk, 3, H, B)

    def fill(s):
        loc = _local(s)
        sig, d_sig, f = gates[s, :3], scratch[loc], factor[loc]
        o, i, g, tc = gates[s, 0], gates[s, 1], gates[s, 3], buf.TC[s]
        np.subtract(1, sig, out=d_sig)  # s (1 - s) for o, i, f at once
        np.multiply(d_sig, sig, out=d_sig)
        np.multiply(d_sig[:, 0], tc, out=f[:, 0])  # (8) P_o
        np.multiply(d_sig[:, 1], g, out=f[:, 1])  # (9) P_i
        np.multiply(d_sig[:, 2], buf.C[s], out=f[:, 2])  # (10) P_f; C[s] = c_{t-1}
        tmp = d_sig[:, 0]
        _one_minus_square(g, tmp)  # (11) P_g
        np.multiply(tmp, i, out=f[:, 3])
        _one_minus_square(tc, tmp)  # (7) A
        np.multiply(tmp, o, out=dc_from_dh[loc])
    return (factor, dc_from_dh), fill


def _lstm_backward_plan(buf, factors):
    T, (factor, dc_from_dh) = buf.T, factors
    f = buf.Z.reshape(T, 4, buf.H, buf.B)[:, 2]
    return list(zip(per_step(dc_from_dh, T), per_step(factor[:, 0], T),
                    per_step(factor[:, 1:], T), f, [buf.dc] * T, [buf.dc_carry] * T))


def _lstm_backward_step(dh, dc_from_dh, dz_o, dz_ifg, f, dc, dc_carry):
    """dz_o and dz_ifg hold the factors P_o and P_i, P_f, P_g on entry."""
    np.multiply(dh, dc_from_dh, out=dc)  # (12) dc_t = dh_t * A_t + dc_carry
    np.add(dc, dc_carry, out=dc)
    np.multiply(dz_o, dh, out=dz_o)  # (13)
    np.multiply(dz_ifg, dc, out=dz_ifg)  # (14)
    np.multiply(dc, f, out=dc_carry)  # (15)


LSTM = Cell(
    name="lstm", n_blocks=4, n_hidden_blocks=4, n_half_blocks=3,
    n_gates=4, has_c=True, has_direct=False, keeps_gates=True, factor_slabs=4,
    forward_plan=_lstm_forward_plan, forward_step=_lstm_forward_step,
    factor_plan=_lstm_factor_plan,
    backward_plan=_lstm_backward_plan, backward_step=_lstm_backward_step,
)


# ----------------------------------------------------------------------------------------
# GRU ("reset after", PyTorch/cuDNN). Blocks [r, z, n_h, n_x]: the candidate's hidden part
# and input part are separate blocks of ONE fused W with structural zeros (n_h has zero
# input columns, n_x zero hidden columns; their gradient is kept zero), so the forward step
# stays ONE GEMM (per-call overhead dominates at the sizes we target) at the price of H*H
# wasted multiply-adds per column; b_hn and b_in fall out as the bias column of the n_h and
# n_x blocks. n_x comes last so that the backward pass, which only needs U^T dz_t per step,
# and the weight gradient skip its zero hidden columns (``n_hidden_blocks = 3``).
#   forward   (1) r_t = s(W_r x_t + U_r h_{t-1} + b_r)
#             (2) z_t = s(W_z x_t + U_z h_{t-1} + b_z)
#             (3) n_t = tanh(n_x + r_t * n_h), with the blocks n_x = W_n x_t + b_in
#                 and n_h = U_n h_{t-1} + b_hn
#             (4) h_t = (1 - z_t) * n_t + z_t * h_{t-1} = n_t + z_t * (h_{t-1} - n_t)
#             with s(x) = 0.5 tanh(x / 2) + 0.5 on rows the caller's GEMM pre-halved
#   factors, known after the forward pass: every block of dz_t is dh_t times one of
#             (5) F_nx = (1 - z_t)(1 - n_t^2)      (6) F_nh = F_nx * r_t
#             (7) F_r = F_nh * n_h (1 - r_t)       (8) F_z = (h_{t-1} - n_t) z_t (1 - z_t)
#   backward  (9) dz_t = F_t * dh_t, all four blocks
#             (10) dh_{t-1} += z_t * dh_t, the direct term besides U^T dz_t
# ----------------------------------------------------------------------------------------


def _gru_forward_plan(buf):
    T, H = buf.T, buf.H
    gates = buf.Z.reshape(len(buf.Z), 4, H, buf.B)
    r, u, n_h, n = (per_step(gates[:, k], T) for k in range(4))
    return list(zip(per_step(buf.Z[:, :2 * H], T), r, u, n, n_h, buf.h_in, buf.h_out,
                    [buf.tmp] * T, [_half(buf)] * T))


def _gru_forward_step(z_sig, r, u, n, n_h, h_prev, h_out, tmp, half):
    sigmoid_from_half_(z_sig, half)  # (1), (2)
    np.multiply(r, n_h, out=tmp)      # (3) n_t, stored over the n_x block
    np.add(n, tmp, out=n)
    np.tanh(n, out=n)
    np.subtract(h_prev, n, out=tmp)   # (4) h_t = n_t + z_t * (h_{t-1} - n_t)
    np.multiply(u, tmp, out=tmp)
    np.add(n, tmp, out=h_out)


def _gru_factor_plan(buf):
    """Factors (5)-(8) over buf.dZ, one block at a time; returns ``(factor, fill)``."""
    H, T, B = buf.H, buf.T, buf.B
    gates = buf.Z.reshape(T, 4, H, B)
    h_prev = buf.hs[:, :T].transpose(1, 0, 2)
    factor = factor_view(buf, 4)  # F_r, F_z, F_nh, F_nx
    scratch = buf.slabs[:2]

    def fill(s):
        r, u, n_h, n = gates[s, 0], gates[s, 1], gates[s, 2], gates[s, 3]
        loc = _local(s)
        (a, b), f = scratch[:, loc], factor[loc]
        _one_minus_square(n, a)
        np.subtract(1, u, out=b)
        np.multiply(a, b, out=f[:, 3])          # (5) F_nx = (1-z)(1-n^2)
        np.multiply(f[:, 3], r, out=f[:, 2])    # (6) F_nh
        np.subtract(1, r, out=a)
        np.multiply(a, n_h, out=a)
        np.multiply(f[:, 2], a, out=f[:, 0])    # (7) F_r
        np.multiply(b, u, out=b)                # z (1 - z)
        np.subtract(h_prev[s], n, out=a)
        np.multiply(a, b, out=f[:, 1])          # (8) F_z
    return factor, fill


def _gru_backward_plan(buf, factor):
    u = buf.Z.reshape(buf.T, 4, buf.H, buf.B)[:, 1]
    return list(zip(per_step(factor, buf.T), u, [buf.dh_direct] * buf.T))


def _gru_backward_step(dh, dz, u, dh_direct):
    np.multiply(dz, dh, out=dz)  # (9) in place over the factor
    np.multiply(u, dh, out=dh_direct)  # (10), added by the caller


GRU = Cell(
    name="gru", n_blocks=4, n_hidden_blocks=3, n_half_blocks=2,
    n_gates=3, has_c=False, has_direct=True, keeps_gates=True, factor_slabs=2,
    forward_plan=_gru_forward_plan, forward_step=_gru_forward_step,
    factor_plan=_gru_factor_plan,
    backward_plan=_gru_backward_plan, backward_step=_gru_backward_step,
)


def gru_structural_zeros(W, n_inputs):
    """Zero the structural zeros of a fused GRU matrix (or its gradient) in place.

    Parameters
    ----------
    W : ndarray of shape (4 * H, n_inputs + 1 + H)
    n_inputs : int
    """
    H = W.shape[0] // 4
    W[2 * H: 3 * H, :n_inputs] = 0      # n_h block: no input columns
    W[3 * H:, n_inputs + 1:] = 0        # n_x block: no hidden columns


def get_cell(cell, activation="tanh"):
    """Return the :class:`Cell` for ``cell`` in {"rnn", "lstm", "gru"}."""
    if cell == "rnn":
        return elman_cell(activation)
    return {"lstm": LSTM, "gru": GRU}[cell]
