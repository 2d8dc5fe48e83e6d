"""Encoder–decoder networks: the encoder of :mod:`._propagation` read many-to-one, whose
summary initialises the decoder of :mod:`._decoder`.

The encoder runs exactly as a many-to-one network (masks, bidirectionality, any pooling,
dropout on its layers and summary, truncated BPTT); the only change is what its "head" is:
instead of a linear map and a loss, the decoder's whole loss as a function of the summary
``s``, whose gradient ``dL/ds`` the encoder backpropagates as it would its head's.
"""

import numpy as np

from ._decoder import decoder_views, free_running, stepwise_loss, teacher_forced_loss
from ._losses import LOSS_FUNCTIONS
from ._network import pool_weights, unpack
from ._pooling import pool
from ._propagation import (_check_training_options, _chunks, _dropout_masks,
                           _forward_stack, _l2_penalty, _pad_batch, _pooled_objective,
                           _sequence_context, _stepwise_objective, _training_run,
                           _zero_states)


def _check_seq2seq(spec, X, future):
    if spec.output_steps is None:
        raise ValueError("This spec has no decoder (output_steps=None): use forward and "
                         "loss_and_gradient.")
    expected = (X.shape[0], spec.output_steps, spec.n_future_features)
    if spec.n_future_features and (future is None or future.shape != expected):
        shape = None if future is None else future.shape
        raise ValueError(f"future must have shape {expected}; got {shape}.")
    if not spec.n_future_features and future is not None:
        raise ValueError("future covariates given, but spec.n_future_features is 0.")


def forward_seq2seq(spec, theta, X, lengths=None, future=None):
    """Raw decoder outputs of an encoder–decoder, free running (its own predictions fed
    back), without keeping any backward cache.

    Parameters
    ----------
    spec : NetworkSpec
        With ``output_steps``.
    theta : ndarray of shape (spec.n_params,)
    X : ndarray of shape (n_samples, n_timesteps, n_features), dtype spec.dtype
        The encoder's input (``n_timesteps = 1`` for a one-to-many network).
    lengths : ndarray of shape (n_samples,) or None
        Valid input steps per sequence, right-aligned.
    future : ndarray of shape (n_samples, output_steps, n_future_features) or None
        Known future covariates, one row per decoder step.

    Returns
    -------
    raw : ndarray of shape (n_samples, output_steps, n_outputs)
    """
    _check_seq2seq(spec, X, future)
    n_samples = X.shape[0]
    X, lengths = _pad_batch(X, lengths)
    if future is not None:
        future, _ = _pad_batch(future, None)
    ctx = _sequence_context(spec, X, lengths)
    layers, _, _ = unpack(spec, theta)
    _, s, _ = _forward_stack(spec, layers, X.transpose(2, 1, 0), _zero_states(spec, ctx.B),
                             ctx, (0, ctx.T), None, False)
    if spec.pooling != "last":
        s, _ = pool(spec.pooling, s, ctx.mask, pool_weights(spec, theta))
    dec = decoder_views(spec, theta)
    v = None if future is None else future.transpose(2, 1, 0)
    raw = free_running(dec, s, v, spec.output_steps)
    return raw.transpose(2, 1, 0)[:n_samples]


def _decoder_targets(spec, Y, output_lengths, sample_weight):
    """Targets (O, T_out, B) and per-step weights (T_out, B): valid (left-aligned) steps
    weigh their sequence's w divided by sum_i w_i L_i, as a sequence-output network."""
    n, T = Y.shape[:2]
    sw = (np.ones(n) if sample_weight is None
          else np.asarray(sample_weight, dtype=np.float64))
    L = np.full(n, T) if output_lengths is None else np.asarray(output_lengths)
    valid = np.arange(T)[:, None] < L[None, :]
    weight = valid * (sw / np.dot(sw, L))
    y = Y.transpose(2, 1, 0).astype(spec.dtype, copy=False)
    return y, np.ascontiguousarray(weight, dtype=spec.dtype), sw


def _forcing_mask(teacher_forcing, T, B, dtype, rng):
    """m_t per (step, sample): 1 with probability ``teacher_forcing``. None means all
    ones (the fast path); all zeros need no draw."""
    if not 0.0 <= teacher_forcing <= 1.0:
        raise ValueError(f"teacher_forcing must be in [0, 1], got {teacher_forcing!r}.")
    if teacher_forcing == 1.0:
        return None
    if teacher_forcing == 0.0:
        return np.zeros((T, B), dtype=dtype)
    if rng is None:
        raise ValueError("0 < teacher_forcing < 1 needs rng, a numpy.random.Generator.")
    return (rng.random((T, B)) < teacher_forcing).astype(dtype)


def loss_and_gradient_seq2seq(spec, theta, X, Y, *, loss="squared_error", lengths=None,
                              output_lengths=None, future=None, sample_weight=None,
                              alpha=0.0, bptt_steps=None, dropout=0.0, teacher_forcing=1.0,
                              rng=None):
    """Training objective of an encoder–decoder and its gradient by BPTT through the
    decoder and the encoder together.

    Parameters
    ----------
    spec, theta, X, lengths, future
        The network, its parameters and its input, as for :func:`forward_seq2seq`.
    Y : ndarray of shape (n_samples, output_steps, n_outputs)
        Targets per decoder step; steps at or after ``output_lengths`` are ignored.
    loss : {"squared_error", "softmax_cross_entropy", "sigmoid_cross_entropy"}
    output_lengths : ndarray of shape (n_samples,) or None
        Valid output steps per sequence, left-aligned (the first ``L_i``); None: all.
    sample_weight : ndarray of shape (n_samples,) or None
        The loss is normalised by ``sum_i w_i * output_lengths_i``.
    alpha : float
        L2 penalty ``0.5 * alpha * ||weights||^2 / sum(w)``.
    bptt_steps : int or None
        Truncated BPTT of the encoder (as :func:`loss_and_gradient`); the decoder is
        always backpropagated through all its steps.
    dropout : float
        Inverted dropout on the encoder's layers and summary (masks from ``rng``).
    teacher_forcing : float in [0, 1]
        Probability, per step and sample, that the decoder is fed the true previous
        target rather than its own prediction; 1 runs the decoder over all steps at
        once, anything else step by step (see :mod:`._decoder`).
    rng : numpy.random.Generator or None
        Needed when ``dropout > 0`` or ``0 < teacher_forcing < 1`` (dropout is drawn
        first).

    Returns
    -------
    loss : float
    grad : ndarray of shape (spec.n_params,), dtype of ``theta``
    """
    _check_seq2seq(spec, X, future)
    _check_training_options(spec, loss, bptt_steps, dropout)
    ctx = _sequence_context(spec, X, lengths)
    drop = _dropout_masks(spec, ctx, dropout, rng)
    forced = _forcing_mask(teacher_forcing, spec.output_steps, ctx.B, spec.dtype, rng)
    y, weight, sw = _decoder_targets(spec, Y, output_lengths, sample_weight)
    grad = np.zeros_like(theta)
    run = _training_run(spec, theta, grad, X, ctx, drop, LOSS_FUNCTIONS[loss])
    dec = decoder_views(spec, theta, grad)
    v = None if future is None else future.transpose(2, 1, 0).astype(spec.dtype)
    if forced is None:
        step_loss = run.head_loss  # the head on every decoder step
        run.head_loss = lambda s, *_: teacher_forced_loss(dec, s, y, v, weight, step_loss)
    else:
        run.head_loss = lambda s, *_: stepwise_loss(dec, s, y, v, weight, run.loss_fn,
                                                    forced)
    objective = _stepwise_objective if spec.pooling == "last" else _pooled_objective
    total = objective(run, None, None, _chunks(ctx.T, bptt_steps))
    return float(total + _l2_penalty(spec, theta, grad, alpha, sw)), grad
