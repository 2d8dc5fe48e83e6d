"""Temporal pooling: the top layer's output sequence summarised for a many-to-one head.

The top layer's outputs ``h_t`` form a sequence of shape ``(D, T, B)`` (forward outputs,
then the reverse ones un-reversed). ``m_t`` is 1 at the valid steps of a sequence and 0 at
its (left) padding; every sequence has at least one valid step (the estimators reject
empty sequences). Each pooling maps the valid steps to one vector ``p`` of shape
``(D, B)``:

* ``"mean"``:  (P1) ``p = sum_t m_t h_t / sum_t m_t``
* ``"max"``:   (P2) ``p_d = max_{t : m_t = 1} h_{d,t}``, element-wise
* ``"attention"``: (P3a) ``s_t = w^T h_t``, (P3b) ``a_t = m_t exp(s_t) / sum_u m_u
  exp(s_u)``, (P3c) ``p = sum_t a_t h_t``, with a learned scoring vector ``w`` of shape
  ``(D,)``. No bias (softmax is shift invariant) and no ``1/sqrt(D)`` scale: ``w``
  starts at zero and is learned, so a scale would only rescale its learning rate.

``"last"`` (the final state, PyTorch's ``h_n``) reads states, not the output sequence:
:mod:`~skrnn._engine._propagation` handles it without calling this module.

Each pooling is a forward/backward pair of pure functions; the forward returns the
explicit cache its backward needs. The backward returns ``dL/dh_t`` for every step
(zero at padding) and ``dL/dw`` (attention) or None.
"""

from types import SimpleNamespace

import numpy as np

POOLINGS = ("last", "mean", "max", "attention")


def _valid(mask):
    """Boolean (T, B) of the valid steps, or None when none is padded."""
    return None if mask is None else mask[0] > 0


def mean_pool(seq, mask, w=None):
    """(P1) p = sum_t m_t h_t / sum_t m_t."""
    T = seq.shape[1]
    if mask is None:  # m_t / sum_u m_u = 1 / T
        return seq.mean(axis=1), SimpleNamespace(weight=np.full((1, T, 1), 1.0 / T,
                                                                dtype=seq.dtype))
    weight = mask / mask.sum(axis=1, keepdims=True)  # m_t / sum_u m_u, (1, T, B)
    return np.einsum("dtb,tb->db", seq, weight[0]), SimpleNamespace(weight=weight)


def mean_pool_backward(d_pooled, cache):
    """(P1') dL/dh_t = m_t dL/dp / sum_u m_u."""
    return d_pooled[:, None, :] * cache.weight, None


def max_pool(seq, mask, w=None):
    """(P2) p_d = max over valid t of h_{d,t}; padding enters as -inf."""
    valid = _valid(mask)
    filled = seq if valid is None else np.where(valid, seq, -np.inf)
    index = filled.argmax(axis=1)[:, None]  # (D, 1, B): the first maximum on ties
    pooled = np.take_along_axis(seq, index, axis=1)[:, 0]
    return pooled, SimpleNamespace(index=index, shape=seq.shape)


def max_pool_backward(d_pooled, cache):
    """(P2') dL/dh_{d,t} = dL/dp_d at the step the forward took, 0 elsewhere."""
    d_seq = np.zeros(cache.shape, dtype=d_pooled.dtype)
    np.put_along_axis(d_seq, cache.index, d_pooled[:, None, :], axis=1)
    return d_seq, None


def attention_pool(seq, mask, w):
    """(P3) softmax attention over the valid steps with scores s_t = w^T h_t."""
    D, T, B = seq.shape
    seq = np.ascontiguousarray(seq)
    scores = np.matmul(w, seq.reshape(D, T * B)).reshape(T, B)  # (P3a) s_t = w^T h_t
    valid = _valid(mask)
    if valid is not None:
        scores = np.where(valid, scores, -np.inf)  # padding: exp(-inf) = 0, i.e. m_t = 0
    # (P3b) a_t = exp(s_t - max_u s_u) / sum_u exp(s_u - max_u s_u): the stable form
    attention = np.exp(scores - scores.max(axis=0))
    attention /= attention.sum(axis=0)
    pooled = np.einsum("dtb,tb->db", seq, attention)  # (P3c) p = sum_t a_t h_t
    return pooled, SimpleNamespace(seq=seq, attention=attention, w=w)


def attention_pool_backward(d_pooled, cache):
    """Backward of (P3): through the weighted sum, the softmax and the scores."""
    seq, a, w = cache.seq, cache.attention, cache.w
    d_a = np.einsum("dtb,db->tb", seq, d_pooled)  # (P3c') dL/da_t = h_t^T dL/dp
    # (P3b') dL/ds_t = a_t (dL/da_t - sum_u a_u dL/da_u)   (softmax Jacobian)
    d_s = a * (d_a - np.einsum("tb,tb->b", a, d_a))
    # (P3c', P3a') dL/dh_t = a_t dL/dp + w dL/ds_t
    d_seq = d_pooled[:, None, :] * a + w[:, None, None] * d_s
    D, T, B = seq.shape
    d_w = np.matmul(seq.reshape(D, T * B), d_s.reshape(T * B))  # (P3a') sum_t dL/ds_t h_t
    return d_seq, d_w


_FORWARD = {"mean": mean_pool, "max": max_pool, "attention": attention_pool}
_BACKWARD = {"mean": mean_pool_backward, "max": max_pool_backward,
             "attention": attention_pool_backward}


def pool(kind, seq, mask, w=None):
    """Summarise an output sequence over its valid steps.

    Parameters
    ----------
    kind : {"mean", "max", "attention"}
    seq : ndarray of shape (D, T, B)
        The top layer's outputs ``h_t``.
    mask : ndarray of shape (1, T, B) or None
        1 at valid steps, 0 at padding; None when no step is padded.
    w : ndarray of shape (D,) or None
        The attention's scoring vector (unused by the other kinds).

    Returns
    -------
    pooled : ndarray of shape (D, B)
    cache : SimpleNamespace
        What :func:`pool_backward` needs.

    Examples
    --------
    >>> import numpy as np
    >>> seq = np.array([[[1.0], [5.0], [3.0]]])  # D = 1, T = 3, B = 1
    >>> mask = np.array([[[0.0], [1.0], [1.0]]])  # the first step is padding
    >>> float(pool("mean", seq, mask)[0][0, 0]), float(pool("max", seq, mask)[0][0, 0])
    (4.0, 5.0)
    >>> float(pool("attention", seq, mask, np.zeros(1))[0][0, 0])  # w = 0: the mean
    4.0
    """
    return _FORWARD[kind](seq, mask, w)


def pool_backward(kind, d_pooled, cache):
    """Gradient of :func:`pool`.

    Parameters
    ----------
    kind : {"mean", "max", "attention"}
    d_pooled : ndarray of shape (D, B)
        ``dL/dp``.
    cache : SimpleNamespace
        From :func:`pool`.

    Returns
    -------
    d_seq : ndarray of shape (D, T, B)
        ``dL/dh_t``, zero at padded steps; a fresh writable array.
    d_w : ndarray of shape (D,) or None
        ``dL/dw`` for ``"attention"``, else None.
    """
    return _BACKWARD[kind](d_pooled, cache)
