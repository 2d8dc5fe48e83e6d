"""Stochastic optimizers acting in place on one flat parameter vector.

The update rules follow scikit-learn's ``sklearn/neural_network/_stochastic_optimizers.py``
(same names, same learning-rate schedules), but work on a single contiguous vector so that an
update is a handful of vectorised NumPy calls, whatever the number of layers.
"""

import numpy as np


def clip_by_global_norm(grad, clip_norm):
    """Rescale ``grad`` in place so that its Euclidean norm is at most ``clip_norm``.

    Parameters
    ----------
    grad : ndarray of shape (n_params,)
        Flat gradient; modified in place.
    clip_norm : float or None
        Largest allowed norm; ``None`` disables clipping.

    Returns
    -------
    norm : float
        The norm of the gradient before clipping.
    """
    with np.errstate(over="ignore", under="ignore"):
        norm = float(np.sqrt(np.dot(grad, grad)))  # fast, in grad's dtype
    if not _TINY_NORM < norm < np.inf:  # the squares over- or underflowed that dtype
        norm = _scaled_norm(grad)
    if clip_norm is not None and clip_norm < norm < np.inf:  # inf: the caller's divergence
        grad *= clip_norm / norm
    return norm


# Below this a float32 sum of squares may have lost terms to underflow (float32's
# smallest normal number is 1.2e-38); above it, and below overflow, it is accurate.
_TINY_NORM = 1e-15


def _scaled_norm(grad):
    """Euclidean norm of ``grad`` in float64, divided by its largest magnitude first.

    A float32 gradient of 1e20 (tiny sample weights divide the loss by their sum)
    overflows ``dot(grad, grad)`` although its norm is finite; entries of 1e-25
    underflow to 0. Returns ``inf`` for a gradient holding inf or NaN (a real
    divergence).
    """
    peak = float(np.max(np.abs(grad))) if grad.size else 0.0
    if not np.isfinite(peak):
        return np.inf
    if peak == 0.0:
        return 0.0
    unit = grad.astype(np.float64) / peak
    return peak * float(np.sqrt(np.dot(unit, unit)))


# "adaptive": divide the rate by 5 at each stall, stop once it is this small (scikit-learn's rule)
_ADAPTIVE_FACTOR = 5.0
_MIN_ADAPTIVE_RATE = 1e-6


def _on_stall(lr_schedule, rate, msg, verbose):
    """What to do when training stalls: ``(stop, new_rate)``."""
    if lr_schedule != "adaptive":
        reason, stop = " Stopping.", True
    elif rate <= _MIN_ADAPTIVE_RATE:
        reason, stop = " Learning rate too small. Stopping.", True
    else:
        rate /= _ADAPTIVE_FACTOR
        reason, stop = " Setting learning rate to %f" % rate, False
    if verbose:
        print(msg + reason)
    return stop, rate


class SGDOptimizer:
    """Stochastic gradient descent with momentum (optionally Nesterov's).

    Parameters
    ----------
    n_params : int
        Length of the parameter vector.
    learning_rate_init : float
        Initial step size.
    lr_schedule : {"constant", "invscaling", "adaptive"}
        ``"invscaling"``: ``lr = lr_init / (t + 1) ** power_t`` after each epoch, ``t`` the
        number of samples seen; ``"adaptive"``: divided by 5 each time training stalls.
    momentum : float
        Momentum factor in [0, 1].
    nesterov : bool
        Whether to use Nesterov's momentum.
    power_t : float
        Exponent of ``"invscaling"``.
    dtype : dtype
        dtype of the parameters.
    """

    def __init__(
        self, n_params, learning_rate_init=0.1, lr_schedule="constant", momentum=0.9,
        nesterov=True, power_t=0.5, dtype=np.float64,
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocity = np.zeros(n_params, dtype=dtype)
        self._step = np.empty(n_params, dtype=dtype)

    def update_params(self, params, grad):
        """Apply one step to ``params`` in place, given the flat gradient ``grad``."""
        # v <- momentum * v - lr * g
        self.velocity *= self.momentum
        self.velocity -= self.learning_rate * grad
        if self.nesterov:
            # Nesterov: step = momentum * v - lr * g (look-ahead form, as in scikit-learn)
            np.multiply(self.velocity, self.momentum, out=self._step)
            self._step -= self.learning_rate * grad
            params += self._step
        else:
            params += self.velocity

    def iteration_ends(self, time_step):
        """Update the learning rate after an epoch; ``time_step`` counts samples seen."""
        if self.lr_schedule == "invscaling":
            self.learning_rate = float(self.learning_rate_init) / (time_step + 1) ** self.power_t

    def trigger_stopping(self, msg, verbose):
        """Decide whether to stop when training stalls; ``"adaptive"`` first lowers the rate."""
        stop, self.learning_rate = _on_stall(self.lr_schedule, self.learning_rate, msg, verbose)
        return stop


class AdamOptimizer:
    """Adam (Kingma & Ba, 2014), with bias correction folded into the step size.

    Parameters
    ----------
    n_params : int
        Length of the parameter vector.
    learning_rate_init : float
        Step size.
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates, in [0, 1).
    epsilon : float
        Numerical-stability constant.
    dtype : dtype
        dtype of the parameters.
    lr_schedule : {"constant", "invscaling", "adaptive"}, default="constant"
        Schedule of the base step size ``rate``, as :class:`SGDOptimizer`'s: ``"adaptive"``
        divides it by 5 each time training stalls (reduce-on-plateau), ``"invscaling"``
        sets it to ``lr_init / (t + 1) ** power_t`` after each epoch.
    power_t : float, default=0.5
        Exponent of ``"invscaling"``.
    """

    def __init__(
        self, n_params, learning_rate_init=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
        dtype=np.float64, lr_schedule="constant", power_t=0.5,
    ):
        self.learning_rate_init = learning_rate_init
        self.rate = float(learning_rate_init)
        self.learning_rate = float(learning_rate_init)
        self.lr_schedule = lr_schedule
        self.power_t = power_t
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)
        self._step = np.empty(n_params, dtype=dtype)

    def update_params(self, params, grad):
        """Apply one step to ``params`` in place, given the flat gradient ``grad``."""
        self.t += 1
        # m <- b1 m + (1 - b1) g ;  v <- b2 v + (1 - b2) g^2
        self.m *= self.beta_1
        self.m += (1 - self.beta_1) * grad
        self.v *= self.beta_2
        np.multiply(grad, grad, out=self._step)
        self._step *= 1 - self.beta_2
        self.v += self._step
        # lr_t = rate * sqrt(1 - b2^t) / (1 - b1^t);  theta <- theta - lr_t m / (sqrt(v) + eps)
        self.learning_rate = (
            self.rate * np.sqrt(1 - self.beta_2**self.t) / (1 - self.beta_1**self.t)
        )
        np.sqrt(self.v, out=self._step)
        self._step += self.epsilon
        np.divide(self.m, self._step, out=self._step)
        self._step *= self.learning_rate
        params -= self._step

    def iteration_ends(self, time_step):
        """Update the base rate after an epoch; ``time_step`` counts samples seen."""
        if self.lr_schedule == "invscaling":
            self.rate = float(self.learning_rate_init) / (time_step + 1) ** self.power_t

    def trigger_stopping(self, msg, verbose):
        """Decide whether to stop when training stalls; ``"adaptive"`` first lowers the rate."""
        stop, self.rate = _on_stall(self.lr_schedule, self.rate, msg, verbose)
        return stop


# ------------------------------------------------------------------------------------
# Persistence: an optimizer as plain data (str, numbers, arrays), so that a saved model
# holds no engine class (skops loads plain data without trusting extra types).
# ------------------------------------------------------------------------------------

_OPTIMIZERS = {"sgd": SGDOptimizer, "adam": AdamOptimizer}


def optimizer_state(optimizer):
    """The optimizer's state as a dict of plain values: its kind, hyper-parameters,
    step count and moment arrays; the per-step scratch buffer is left out.

    Examples
    --------
    >>> opt = AdamOptimizer(3, learning_rate_init=0.01)
    >>> state = optimizer_state(opt)
    >>> state["kind"], state["m"].shape, "_step" in state
    ('adam', (3,), False)
    >>> restored = optimizer_from_state(state)
    >>> type(restored).__name__, restored.learning_rate
    ('AdamOptimizer', 0.01)
    """
    kind = {cls: name for name, cls in _OPTIMIZERS.items()}[type(optimizer)]
    return {"kind": kind, **{k: v for k, v in vars(optimizer).items() if k != "_step"}}


def optimizer_from_state(state):
    """Rebuild the optimizer :func:`optimizer_state` described."""
    attributes = {k: v for k, v in state.items() if k != "kind"}
    cls = _OPTIMIZERS[state["kind"]]
    optimizer = cls.__new__(cls)
    optimizer.__dict__.update(attributes)
    moments = attributes["m"] if cls is AdamOptimizer else attributes["velocity"]
    optimizer._step = np.empty_like(moments)
    return optimizer
