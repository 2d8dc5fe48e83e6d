"""RNNRegressor: a recurrent network with a linear head and the squared-error loss."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_array, check_is_fitted

from ._base import BaseRNN
from ._compat import _fit_context


class RNNRegressor(RegressorMixin, BaseRNN):
    """Recurrent neural network regressor (Elman RNN, LSTM or GRU).

    The network reads each sample as a sequence, runs one or more recurrent layers over it
    and feeds the last state (or, with ``return_sequences=True``, every state) to a linear
    output layer trained on the squared error. Parameters that share a name with
    :class:`~sklearn.neural_network.MLPRegressor`'s mean the same thing.

    Parameters
    ----------
    hidden_layer_sizes : int or array-like of shape (n_layers,), default=(32,)
        Units of each stacked recurrent layer.
    activation : {"tanh", "relu", "sigmoid", "logistic"}, default="tanh"
        Activation of the Elman cell (``cell="rnn"``); ``"logistic"`` is a synonym of
        ``"sigmoid"``, as in ``MLPRegressor``. LSTM and GRU use their standard gates.
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        Recurrent cell.
    bidirectional : bool, default=False
        Run every layer forward and backward in time and concatenate both.
    return_sequences : bool, default=False
        Many-to-many: predict one target per time step instead of one per sequence.
    n_channels : int, default=1
        Values per time step when ``X`` is 2-D: a row of ``n_timesteps * n_channels``
        columns is read time-major. Ignored for 3-D or list input.
    solver : {"adam", "sgd"}, default="adam"
        Optimizer.
    alpha : float, default=1e-4
        Strength of the L2 penalty on the weights (not the biases), divided by the sample
        weight sum of a batch as in ``MLPRegressor``.
    batch_size : int or "auto", default="auto"
        Minibatch size; ``"auto"`` is ``min(200, n_samples)``.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Learning-rate schedule of ``solver="sgd"``.
    learning_rate_init : float, default=0.005
        Initial step size.
    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.
    max_iter : int, default=200
        Maximum number of epochs.
    shuffle : bool, default=True
        Shuffle samples every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout and the early-stopping split.
    tol : float, default=1e-4
        Improvement below which an epoch counts as no progress.
    verbose : bool, default=False
        Print one line per epoch (loss, validation score, seconds).
    warm_start : bool, default=False
        Start ``fit`` from the previous solution.
    momentum : float, default=0.9
        Momentum of ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``solver="sgd"``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, stop when its score stalls and
        restore the best weights.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    beta_1, beta_2 : float, default=0.9, 0.999
        Adam's moment decay rates.
    epsilon : float, default=1e-8
        Adam's stability constant.
    n_iter_no_change : int, default=10
        Epochs without ``tol`` improvement before stopping.
    clip_norm : float or None, default=5.0
        Rescale each minibatch gradient to at most this global norm (exploding gradients
        are the classic failure of recurrent nets); ``None`` disables clipping.
    bptt_steps : int or None, default=None
        Truncated backpropagation through time: gradients flow back at most this many
        steps (chunks aligned to the sequence end, state carried forward). ``None`` is full
        BPTT. Not available with ``bidirectional=True``.
    dropout : float, default=0.0
        Dropout rate on each recurrent layer's outputs during training.
    dtype : {"float32", "float64"}, default="float32"
        Precision of the computation.

    Attributes
    ----------
    loss_ : float
        Training loss of the last epoch.
    loss_curve_ : list of float
        Training loss of each epoch.
    best_loss_ : float or None
        Lowest training loss seen (tracked when ``early_stopping=False``).
    validation_scores_ : list of float or None
        R² on the held-out set after each epoch, with ``early_stopping=True``.
    best_validation_score_ : float or None
        Best of ``validation_scores_``.
    n_iter_ : int
        Epochs run.
    t_ : int
        Training samples seen, over all epochs.
    n_features_in_ : int
        Features per time step for 3-D/list input; columns for 2-D input.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of a 2-D DataFrame ``X``.
    n_outputs_ : int
        Number of targets.
    network_ : NetworkSpec
        Layout of the network (engine description).
    params_ : ndarray of shape (n_params,)
        All network parameters as one flat vector.

    See Also
    --------
    RNNClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : The feed-forward counterpart.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import RNNRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 10, 1))            # 200 sequences of 10 steps
    >>> y = X[:, -3:, 0].sum(axis=1)                 # sum of the last three values
    >>> reg = RNNRegressor(hidden_layer_sizes=16, max_iter=60, learning_rate_init=0.02,
    ...                    random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> reg.score(X, y) > 0.9
    True
    """

    _loss = "squared_error"

    def __init__(
        self, hidden_layer_sizes=(32,), activation="tanh", *, cell="lstm",
        bidirectional=False, return_sequences=False, n_channels=1, solver="adam",
        alpha=1e-4, batch_size="auto", learning_rate="constant", learning_rate_init=0.005,
        power_t=0.5, max_iter=200, shuffle=True, random_state=None, tol=1e-4,
        verbose=False, warm_start=False, momentum=0.9, nesterovs_momentum=True,
        early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
        epsilon=1e-8, n_iter_no_change=10, clip_norm=5.0, bptt_steps=None, dropout=0.0,
        dtype="float32",
    ):
        super().__init__(
            hidden_layer_sizes, activation, cell=cell, bidirectional=bidirectional,
            return_sequences=return_sequences, n_channels=n_channels, solver=solver,
            alpha=alpha, batch_size=batch_size, learning_rate=learning_rate,
            learning_rate_init=learning_rate_init, power_t=power_t, max_iter=max_iter,
            shuffle=shuffle, random_state=random_state, tol=tol, verbose=verbose,
            warm_start=warm_start, momentum=momentum, nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping, validation_fraction=validation_fraction,
            beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, n_iter_no_change=n_iter_no_change,
            clip_norm=clip_norm, bptt_steps=bptt_steps, dropout=dropout, dtype=dtype,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        return super().fit(X, y, sample_weight)

    fit.__doc__ = BaseRNN.fit.__doc__

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch over ``X`` and ``y``, starting from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), \
                (n_samples, n_timesteps * n_channels) or list of arrays
            Training sequences, in the format used by the first call.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predict targets for the sequences in ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), \
                (n_samples, n_timesteps * n_channels) or list of arrays
            Sequences, in the format used at fit. A 3-D or list ``X`` may have any length.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions (float64). With ``return_sequences=True``: shape
            ``(n_samples, n_timesteps[, n_outputs])``, or a list of per-sequence arrays for
            a list ``X``.
        """
        raw, lengths = self._predict_raw(X)
        y = raw.astype(np.float64)
        if self.n_outputs_ == 1:
            y = y[..., 0]
        if self.network_.return_sequences:
            return self._per_step_output(y, lengths, ragged=isinstance(X, (list, tuple)))
        return y

    def _encode_targets(self, y, reset):
        dtype = np.dtype(self.dtype)
        y = check_array(
            y, ensure_2d=False, allow_nd=True, dtype=dtype, input_name="y",
            ensure_min_samples=0,
        )
        expected_ndim = 2 if self.return_sequences else 1
        if y.ndim == expected_ndim:
            y = y[..., np.newaxis]
        if y.ndim != expected_ndim + 1:
            raise ValueError(
                f"y must be {expected_ndim}-D or {expected_ndim + 1}-D; got shape {y.shape}."
            )
        return y

    def _score_raw(self, raw, Y, lengths, sample_weight):
        if Y.ndim == 3:  # many-to-many: score the valid steps only
            raw, Y, sample_weight = _valid_steps(raw, Y, lengths, sample_weight)
        return r2_score(Y, raw, sample_weight=sample_weight)

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R² of the predictions on ``X``.

        With ``return_sequences=True`` every valid time step of every sequence counts
        once (weighted by its sequence's ``sample_weight``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), \
                (n_samples, n_timesteps * n_channels) or list of arrays
            Sequences, in the format used at fit.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets; per step with ``return_sequences=True``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Coefficient of determination R².
        """
        check_is_fitted(self)
        if not self.network_.return_sequences:
            return super().score(X, y, sample_weight=sample_weight)
        return self._score_steps(X, y, sample_weight, r2_score)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.three_d_array = True
        return tags


def _valid_steps(raw, Y, lengths, sample_weight):
    """Flatten per-step outputs to ``(n_valid_steps, k)``, dropping padded steps."""
    n, T = Y.shape[:2]
    steps = np.arange(T)
    starts = T - (lengths if lengths is not None else np.full(n, T))
    valid = steps[np.newaxis, :] >= starts[:, np.newaxis]
    weights = np.broadcast_to(sample_weight[:, np.newaxis], (n, T))
    return raw[valid], Y[valid], weights[valid]
