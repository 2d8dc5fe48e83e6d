"""Forward pass and loss/gradient of a whole network: stacking, bidirectionality, dropout,
temporal pooling, head, losses, L2 and truncated BPTT, on top of
:mod:`skrnn._engine._recurrent` and :mod:`skrnn._engine._pooling`.

Inputs arrive as ``(n, T, F)`` and are viewed once as ``(F, T, n)`` (feature-major, time in
the middle), the layout every internal sequence uses.

Truncated BPTT (``bptt_steps``) cuts the time axis into chunks aligned to the end; the
state entering a chunk is carried forward but treated as a constant. Its gradient is
that of the truncated objective: every chunk recomputed from the parameters with its
entering state frozen at its value. For a sequence-output network each chunk's loss is
backpropagated inside the chunk; for a many-to-one "last" head only the last chunk gets
a gradient. With a pooling head ("mean", "max", "attention") the pooled vector, hence the
loss, covers ALL valid steps: one inference pass over the chunks keeps the state
entering each chunk and the top layer's outputs (``D * T * B`` values, plus the entering
states: the only memory that grows with ``T``), the loss gives ``dL/dh_t`` for every step through the pooling
(exact, e.g. attention's softmax couples all steps), then each chunk is run again with
caches from its saved entering state (the last chunk keeps its caches from the first
pass) and backpropagates its own steps' share ``dL/dh_t`` inside the chunk. Caches, so
the rest of the memory, scale with ``bptt_steps``. Without truncation (one chunk) the
pooled path runs the network once, with caches.
"""

import functools
from types import SimpleNamespace

import numpy as np

from ._losses import LOSS_FUNCTIONS
from ._network import pool_weights, unpack
from ._pooling import pool, pool_backward
from ._recurrent import (backward_direction, direction_size, final_state,
                         forward_direction, output_sequence, reverse_index, reverse_time)
from ._workspace import Workspace


# Rows per tile of the batch axis at inference (a multiple of the sgemm/dgemm kernels'
# column blocking on x86 and ARM builds of OpenBLAS and MKL).
BATCH_TILE = 32


def _sequence_context(spec, X, lengths):
    """Mask (1, T, B) and reversal index, or None for both when every length is T."""
    n, T, _ = X.shape
    if lengths is not None:
        lengths = np.asarray(lengths).astype(np.intp, copy=False)
        if np.all(lengths == T):
            lengths = None
    mask = None
    if lengths is not None:
        mask = (np.arange(T)[:, None] >= T - lengths[None, :])[None].astype(spec.dtype)
    rev = reverse_index(lengths, T) if spec.bidirectional else None
    return SimpleNamespace(T=T, B=n, lengths=lengths, mask=mask, rev=rev)


def _zero_states(spec, B):
    n_state = 2 if spec.cell == "lstm" else 1
    return [[tuple(np.zeros((H, B), dtype=spec.dtype) for _ in range(n_state))
             for _ in range(spec.n_directions)] for H in spec.hidden_layer_sizes]


def _chunk_mask(ctx, start, stop):
    """The mask restricted to [start, stop), or None when no step there is padded."""
    if ctx.mask is None:
        return None
    mask = ctx.mask[:, start:stop]
    return None if mask.all() else mask


def _run_layer(spec, Ws, seq, layer_states, mask, rev, keep_cache, ws):
    """Forward (and, if bidirectional, reverse) direction of one layer over ``seq``."""
    cell = spec.cell_def
    bufs = [forward_direction(cell, Ws[0], seq, layer_states[0], mask, keep_cache, ws)]
    if spec.bidirectional:
        bufs.append(forward_direction(cell, Ws[1], reverse_time(seq, rev),
                                      layer_states[1], mask, keep_cache, ws))
    return bufs


def _workspace(spec, T, B, keep_cache):
    """One :class:`Workspace` big enough for every layer-direction of a chunk."""
    size, n_in = 0, spec.n_features
    for layer, H in enumerate(spec.hidden_layer_sizes):
        size += spec.n_directions * direction_size(spec.cell_def, n_in, H, T, B,
                                                   keep_cache, need_dx=layer > 0,
                                                   itemsize=spec.dtype.itemsize)
        n_in = spec.n_directions * H
    return Workspace(size, spec.dtype)


def _layer_output(bufs, rev):
    """Output sequence (D, T, B): forward outputs, then the reverse ones un-reversed."""
    out = output_sequence(bufs[0])
    if len(bufs) == 1:
        return out
    return np.concatenate([out, reverse_time(output_sequence(bufs[1]), rev)], axis=0)


def _forward_stack(spec, layers, x, states, ctx, span, drop, keep_cache):
    """Run all layers over the steps ``span = (start, stop)`` of ``x`` (F, T, B).

    Returns
    -------
    caches : list of list of SimpleNamespace
    top : ndarray of shape (D, B) or (D, stop - start, B)
        The head's input (dropout applied) for "last" many-to-one heads, (D, B), and for
        sequence outputs; with a pooling head, the top layer's output sequence, to be
        pooled (then dropped out) by the caller.
    states : list of list of tuple
        States after the last step, to carry into the next chunk.
    """
    start, stop = span
    mask = _chunk_mask(ctx, start, stop)
    seq, caches, new_states = x[:, start:stop], [], []
    ws = _workspace(spec, stop - start, ctx.B, keep_cache)
    for layer, Ws in enumerate(layers):
        bufs = _run_layer(spec, Ws, seq, states[layer], mask, ctx.rev, keep_cache, ws)
        caches.append(bufs)
        new_states.append([final_state(spec.cell_def, buf) for buf in bufs])
        last = layer == len(layers) - 1
        if last and not spec.return_sequences:
            seq = _many_to_one_top(spec, bufs, ctx.rev, drop)
        else:
            seq = _layer_output(bufs, ctx.rev)
            if drop is not None:
                seq = seq * drop[layer][:, start:stop]
    return caches, seq, new_states


def _many_to_one_top(spec, bufs, rev, drop):
    """The top layer's final states (D, B), or its output sequence (D, T, B) to pool."""
    if spec.pooling != "last":
        return _layer_output(bufs, rev)  # the caller pools, then applies dropout
    # like PyTorch's h_n: forward state at T-1, reverse direction's final state
    top = np.concatenate([buf.hs[:, -1] for buf in bufs], axis=0)
    return top if drop is None else top * drop[-1]


def _head(W_out, b_out, head_in):
    """raw = W_out h + b_out, on (D, B) or on every step of (D, T, B)."""
    if head_in.ndim == 2:
        return np.matmul(W_out, head_in) + b_out
    D, T, B = head_in.shape
    return (np.matmul(W_out, head_in.reshape(D, T * B)) + b_out).reshape(-1, T, B)


def forward(spec, theta, X, lengths=None):
    """Raw head output (no output activation), without keeping any backward cache.

    A many-to-one head reads the top layer's final state or, per ``spec.pooling``, its
    output sequence pooled over each sequence's valid steps.

    Parameters
    ----------
    spec : NetworkSpec
    theta : ndarray of shape (spec.n_params,)
    X : ndarray of shape (n_samples, n_timesteps, n_features), dtype spec.dtype
    lengths : ndarray of shape (n_samples,) or None
        Valid steps per sequence, right-aligned: sequence i is ``X[i, T - lengths[i]:]``.

    Returns
    -------
    raw : ndarray of shape (n_samples, n_outputs), or (n_samples, n_timesteps,
        n_outputs) if ``spec.return_sequences``.
    """
    _check_no_decoder(spec, "forward")
    n_samples = X.shape[0]
    X, lengths = _pad_batch(X, lengths)
    ctx = _sequence_context(spec, X, lengths)
    layers, W_out, b_out = unpack(spec, theta)
    x = X.transpose(2, 1, 0)
    states = _zero_states(spec, ctx.B)
    _, head_in, _ = _forward_stack(spec, layers, x, states, ctx, (0, ctx.T), None, False)
    if spec.pooling != "last":
        head_in, _ = pool(spec.pooling, head_in, ctx.mask, pool_weights(spec, theta))
    raw = _head(W_out, b_out, head_in)
    raw = raw.transpose(2, 1, 0) if raw.ndim == 3 else raw.T
    return raw[:n_samples]


def _pad_batch(X, lengths):
    """Pad the batch axis with zero rows to a multiple of BATCH_TILE.

    A matrix-product kernel computes a full tile of columns with one code path and the
    columns of a partial edge tile with another, whose rounding can differ in the last
    bit. With every batch a whole number of tiles, a row's prediction no longer depends on
    which other rows share its batch (scikit-learn's subset and sample-order checks).
    """
    pad = -X.shape[0] % BATCH_TILE
    if not pad:
        return X, lengths
    X = np.concatenate([X, np.zeros((pad,) + X.shape[1:], dtype=X.dtype)])
    if lengths is not None:
        lengths = np.concatenate([np.asarray(lengths), np.full(pad, X.shape[1])])
    return X, lengths


# ------------------------------------------------------------------------------------
# Training objective
# ------------------------------------------------------------------------------------


def _dropout_masks(spec, ctx, dropout, rng):
    """Inverted-dropout masks per layer: (D, T, B), or (D, B) for a many-to-one top."""
    if not dropout:
        return None
    if rng is None:
        raise ValueError("dropout > 0 needs rng, a numpy.random.Generator.")
    masks, n_layers = [], len(spec.hidden_layer_sizes)
    for layer, H in enumerate(spec.hidden_layer_sizes):
        shape = (spec.n_directions * H, ctx.T, ctx.B)
        if layer == n_layers - 1 and not spec.return_sequences:
            shape = (spec.n_directions * H, ctx.B)
        keep = rng.random(shape) >= dropout
        masks.append((keep / (1.0 - dropout)).astype(spec.dtype))
    return masks


def _targets(spec, ctx, Y, sample_weight):
    """Targets (O, T, B) or (O, B) and per-column weights divided by the normaliser."""
    sw = (np.ones(ctx.B) if sample_weight is None
          else np.asarray(sample_weight, dtype=np.float64))
    if not spec.return_sequences:
        return Y.T.astype(spec.dtype, copy=False), (sw / sw.sum()).astype(spec.dtype), sw
    if ctx.mask is None:
        weight = np.broadcast_to(sw / (sw.sum() * ctx.T), (ctx.T, ctx.B))
    else:
        weight = ctx.mask[0] * (sw / np.dot(sw, ctx.lengths))
    y = Y.transpose(2, 1, 0).astype(spec.dtype, copy=False)
    return y, np.ascontiguousarray(weight, dtype=spec.dtype), sw


def _head_loss(spec, loss_fn, W_out, b_out, grad_head, head_in, y, weight):
    """Loss of one chunk's outputs; accumulates the head gradient, returns dL/d head_in."""
    raw = _head(W_out, b_out, head_in)
    O = raw.shape[0]
    loss, d_raw = loss_fn(raw.reshape(O, -1), y.reshape(O, -1), weight.reshape(-1))
    gW_out, gb_out = grad_head
    flat_in = head_in.reshape(head_in.shape[0], -1)
    gW_out += np.matmul(d_raw, flat_in.T)
    gb_out += d_raw.sum(axis=1, keepdims=True)
    return loss, np.matmul(W_out.T, d_raw).reshape(head_in.shape)


def _backward_stack(spec, layers, grads, caches, d_top, ctx, span, drop):
    """BPTT through all layers of one chunk, from dL/d(head input) down to the input."""
    start, stop = span
    mask, cell = _chunk_mask(ctx, start, stop), spec.cell_def
    d_seq = d_top
    for layer in range(len(layers) - 1, -1, -1):
        bufs, H = caches[layer], spec.hidden_layer_sizes[layer]
        if drop is not None:
            d_seq = _dropout_backward(drop[layer], d_seq, span)
        if d_seq.ndim == 2:  # many-to-one top layer: gradient only at the final state
            dHs = [d_seq[d * H:(d + 1) * H] for d in range(len(bufs))]
        else:
            dHs = [d_seq[:H]]
            if spec.bidirectional:
                dHs.append(reverse_time(d_seq[H:], ctx.rev))
        dXs = [backward_direction(cell, W, buf, dH, gW, mask, need_dx=layer > 0)
               for W, buf, dH, gW in zip(layers[layer], bufs, dHs, grads[layer])]
        if layer:
            d_seq = dXs[0] if len(dXs) == 1 else dXs[0] + reverse_time(dXs[1], ctx.rev)


def _dropout_backward(drop, d_seq, span):
    """d_seq times the layer's mask: (D, B) on a many-to-one top, else the chunk's steps.

    A pooled top (a 3-D ``d_seq`` under a (D, B) mask) is left alone: its mask acted on
    the pooled vector, and :func:`_pooled_head_loss` took it into account.
    """
    if drop.ndim == 3:
        return d_seq * drop[:, span[0]:span[1]]
    return d_seq * drop if d_seq.ndim == 2 else d_seq


def _chunks(T, bptt_steps):
    """Spans [start, stop) of at most ``bptt_steps`` steps, aligned to the end, in order."""
    if bptt_steps is None or bptt_steps >= T:
        return [(0, T)]
    stops = range(T, 0, -int(bptt_steps))
    return [(max(stop - int(bptt_steps), 0), stop) for stop in reversed(stops)]


def _check_no_decoder(spec, name):
    if spec.output_steps is not None:
        raise ValueError(f"{name} runs networks without a decoder; an encoder–decoder "
                         f"spec (output_steps={spec.output_steps}) goes to {name}_seq2seq.")


def _check_training_options(spec, loss, bptt_steps, dropout):
    if loss not in LOSS_FUNCTIONS:
        raise ValueError(f"Unknown loss {loss!r}; expected one of {tuple(LOSS_FUNCTIONS)}.")
    if bptt_steps is not None:
        if spec.bidirectional:
            raise ValueError("bptt_steps (truncated BPTT) is not supported with a "
                             "bidirectional network: the reverse direction needs the "
                             "whole sequence.")
        if int(bptt_steps) < 1:
            raise ValueError(f"bptt_steps must be >= 1, got {bptt_steps!r}.")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")


def loss_and_gradient(spec, theta, X, Y, *, loss="squared_error", lengths=None,
                      sample_weight=None, alpha=0.0, bptt_steps=None, dropout=0.0,
                      rng=None):
    """Training objective and its gradient by (truncated) backpropagation through time.

    Parameters
    ----------
    spec : NetworkSpec
    theta : ndarray of shape (spec.n_params,)
    X : ndarray of shape (n_samples, n_timesteps, n_features), dtype spec.dtype
    Y : ndarray of shape (n_samples, n_outputs), or (n_samples, n_timesteps, n_outputs)
        if ``spec.return_sequences``.
    loss : {"squared_error", "softmax_cross_entropy", "sigmoid_cross_entropy"}
    lengths : ndarray of shape (n_samples,) or None
        Valid steps per sequence, right-aligned (left padding). Padded steps add no loss.
    sample_weight : ndarray of shape (n_samples,) or None
        The loss is normalised by ``sum(w)`` (many-to-one) or ``sum_i w_i * lengths_i``.
    alpha : float
        L2 penalty ``0.5 * alpha * ||weights||^2 / sum(w)`` on weights, not biases.
    bptt_steps : int or None
        Truncated BPTT: chunks of this many steps aligned to the end of the sequence; the
        state entering a chunk is carried forward but treated as a constant. With a
        pooling head the loss still pools all valid steps; each chunk backpropagates its
        steps' share of the pooled gradient (see the module docstring).
    dropout : float
        Inverted dropout on each recurrent layer's output sequence (masks from ``rng``);
        on a many-to-one top layer, on its final state or pooled vector.
    rng : numpy.random.Generator or None
        Needed only when ``dropout > 0``.

    Returns
    -------
    loss : float
    grad : ndarray of shape (spec.n_params,), dtype of ``theta``
    """
    _check_no_decoder(spec, "loss_and_gradient")
    _check_training_options(spec, loss, bptt_steps, dropout)
    ctx = _sequence_context(spec, X, lengths)
    drop = _dropout_masks(spec, ctx, dropout, rng)
    y, weight, sw = _targets(spec, ctx, Y, sample_weight)
    grad = np.zeros_like(theta)
    run = _training_run(spec, theta, grad, X, ctx, drop, LOSS_FUNCTIONS[loss])
    spans = _chunks(ctx.T, bptt_steps)
    if spec.pooling == "last":
        total = _stepwise_objective(run, y, weight, spans)
    else:
        total = _pooled_objective(run, y, weight, spans)
    return float(total + _l2_penalty(spec, theta, grad, alpha, sw)), grad


def _l2_penalty(spec, theta, grad, alpha, sw):
    """0.5 alpha ||weights||^2 / sum(w); adds its gradient to ``grad``."""
    if not alpha:
        return 0.0
    penalised = theta * spec.penalty_mask
    grad += (alpha / sw.sum()) * penalised
    return 0.5 * alpha * float(np.dot(penalised, theta)) / sw.sum()


def _training_run(spec, theta, grad, X, ctx, drop, loss_fn):
    """What the objective's steps share: parameter and gradient views, data, masks, and
    ``head_loss(head_in, y, weight) -> (loss, dL/d head_in)``, which accumulates the
    head's gradient (an encoder–decoder replaces it by its decoder's loss)."""
    layers, W_out, b_out = unpack(spec, theta)
    glayers, gW_out, gb_out = unpack(spec, grad)
    return SimpleNamespace(
        spec=spec, ctx=ctx, drop=drop, loss_fn=loss_fn, x=X.transpose(2, 1, 0),
        layers=layers, head=(W_out, b_out), w_pool=pool_weights(spec, theta),
        glayers=glayers, ghead=(gW_out, gb_out), gw_pool=pool_weights(spec, grad),
        head_loss=functools.partial(_head_loss, spec, loss_fn, W_out, b_out,
                                    (gW_out, gb_out)))


def _stepwise_objective(run, y, weight, spans):
    """Loss of a "last" many-to-one or a sequence-output network, chunk by chunk, each
    chunk backpropagated right after its forward; accumulates the gradient."""
    spec, ctx, layers, drop = run.spec, run.ctx, run.layers, run.drop
    states, total = _zero_states(spec, ctx.B), 0.0
    for span in spans:
        if not spec.return_sequences and span[1] < ctx.T:  # no loss here: inference path
            _, _, states = _forward_stack(spec, layers, run.x, states, ctx, span, drop,
                                          False)
            continue
        caches, head_in, states = _forward_stack(spec, layers, run.x, states, ctx, span,
                                                 drop, True)
        y_c, w_c = ((y, weight) if not spec.return_sequences
                    else (y[:, span[0]:span[1]], weight[span[0]:span[1]]))
        chunk_loss, d_top = run.head_loss(head_in, y_c, w_c)
        total += chunk_loss
        _backward_stack(spec, layers, run.glayers, caches, d_top, ctx, span, drop)
    return total


def _pooled_objective(run, y, weight, spans):
    """Loss of a pooling many-to-one network and its (truncated) gradient: see the module
    docstring. Backpropagates the last chunk with the caches of the first pass, then
    runs each earlier chunk again, with caches, from its saved entering state."""
    spec, ctx, layers = run.spec, run.ctx, run.layers
    entering, top, caches = _pooling_pass(run, spans)
    total, d_top = _pooled_head_loss(run, top, y, weight)
    for span, states in reversed(list(zip(spans, entering))):
        if caches is None:
            caches, _, _ = _forward_stack(spec, layers, run.x, states, ctx, span, run.drop,
                                          True)
        _backward_stack(spec, layers, run.glayers, caches, d_top[:, span[0]:span[1]], ctx,
                        span, run.drop)
        caches = None  # free them before the next chunk's
    return total


def _pooling_pass(run, spans):
    """Forward over every chunk, caches kept for the last one only.

    Returns
    -------
    entering : list of list of list of tuple
        The states entering each chunk.
    top : ndarray of shape (D, T, B)
        The top layer's outputs (not dropped out).
    caches : list of list of SimpleNamespace
        The last chunk's.
    """
    spec, ctx = run.spec, run.ctx
    states, entering = _zero_states(spec, ctx.B), []
    if len(spans) == 1:  # one chunk: its output sequence is the whole top, no copy
        caches, top, _ = _forward_stack(spec, run.layers, run.x, states, ctx, spans[0],
                                        run.drop, True)
        return [states], top, caches
    D = spec.n_directions * spec.hidden_layer_sizes[-1]
    top = np.empty((D, ctx.T, ctx.B), dtype=spec.dtype)
    for i, (start, stop) in enumerate(spans):
        entering.append(states)
        caches, out, states = _forward_stack(spec, run.layers, run.x, states, ctx,
                                             (start, stop), run.drop, i == len(spans) - 1)
        top[:, start:stop] = out
    return entering, top, caches


def _pooled_head_loss(run, top, y, weight):
    """Pool the top outputs (D, T, B), drop out, apply the head; accumulates the head and
    pooling gradients and returns the loss and dL/dh_t (D, T, B)."""
    kind, drop = run.spec.pooling, run.drop
    pooled, cache = pool(kind, top, run.ctx.mask, run.w_pool)
    if drop is not None:
        pooled = pooled * drop[-1]
    loss, d_pooled = run.head_loss(pooled, y, weight)
    if drop is not None:
        d_pooled = d_pooled * drop[-1]
    d_top, d_w = pool_backward(kind, d_pooled, cache)
    if d_w is not None:
        run.gw_pool += d_w
    return loss, d_top
