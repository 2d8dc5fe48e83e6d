"""RNNRegressor: a recurrent network with a linear head and the squared-error loss."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_array, check_is_fitted

from ._base import BaseRNN
from ._compat import _fit_context
from ._rollback import unchanged_on_failure
from ._input import check_numeric_dtype, flatten_valid_steps, is_sequence_list
from .preprocessing import channel_mean_scale


class RNNRegressor(RegressorMixin, BaseRNN):
    """Recurrent neural network regressor (Elman RNN, LSTM or GRU).

    The network reads each sample as a sequence, runs one or more recurrent layers over it
    and feeds the last state (or, with ``return_sequences=True``, every state) to a linear
    output layer trained on the squared error. Parameters that share a name with
    :class:`~sklearn.neural_network.MLPRegressor`'s mean the same thing.

    Parameters
    ----------
    hidden_layer_sizes : int or array-like of shape (n_layers,), default=(64,)
        Units of each stacked recurrent layer.
    activation : {"tanh", "relu", "sigmoid", "logistic"}, default="tanh"
        Activation of the Elman cell (``cell="rnn"``); ``"logistic"`` is a synonym of
        ``"sigmoid"``, as in ``MLPRegressor``. LSTM and GRU use their standard gates.
    cell : {"gru", "lstm", "rnn"}, default="gru"
        Recurrent cell. GRU is the default: it was ahead of LSTM in cross-validation on
        the training data of every benchmark set (docs/classification_quality.md) and
        trains in about half LSTM's time.
    bidirectional : bool or "auto", default="auto"
        Run every layer forward and backward in time and concatenate both. ``"auto"`` is
        ``True`` for one output per sequence (the whole sequence is known before the
        prediction, so reading it both ways costs nothing in causality) and ``False`` with
        ``return_sequences=True`` (a per-step prediction would see later steps) or with
        ``bptt_steps`` (truncation carries the state forward only).
    pooling : {"last", "mean", "max", "attention", "auto"} or list of str, default="auto"
        How the top layer's states become the one vector the head reads
        (``return_sequences=False`` only): the last state (forward direction at the last
        step, reverse direction at the first, so with ``bidirectional`` both ends of the
        sequence), or the mean, the element-wise max or a learned softmax-weighted sum
        (``"attention"``) over the valid steps. A list is cycled over the ensemble's
        members (member ``i`` pools with ``pooling[i % len(pooling)]``; ``"attention"``,
        which has parameters of its own, is used by all members or by none). ``"auto"`` is
        ``"last"`` here (``RNNClassifier`` mixes in ``"max"``; for regression no mix
        has been measured to help).
    patch_size : int or "auto", default="auto"
        Consecutive time steps read by one network step (as patches of ``patch_size *
        n_features`` values, aligned to the end of each sequence). ``"auto"`` reads the
        training sequence of median length in at most 32 network steps:
        ``ceil(median(T_i) / 32)``.
        Long sequences then train faster and better (fewer steps to backpropagate
        through). Always 1 with ``return_sequences=True``.
    standardize : bool, default=True
        Standardise each input channel with its mean and standard deviation over all
        valid steps of the training sequences and each target (predictions are returned in the units of y), as ``SequenceScaler`` does
        (constant channels are centred, not scaled). Learnt by the first ``fit`` (or
        ``partial_fit``) and kept by warm starts.
    n_estimators : int, default=5
        Networks trained from different seeds on the same data; predictions use the mean
        of their raw outputs. Averaging 5 networks raised the cross-validated accuracy on
        every benchmark set and removes most of the seed-to-seed spread of small data sets,
        for 5 times the fit time (``n_estimators=1`` trains a single network).
    n_jobs : int, default=None
        Ensemble members trained in parallel (processes, through joblib); ``None`` is 1
        unless in a ``joblib.parallel_config`` context, ``-1`` all cores. Results do
        not depend on it. Ignored while callbacks are set (they follow this process).
    return_sequences : bool, default=False
        Many-to-many: predict one target per time step instead of one per sequence.
    output_steps : int or None, default=None
        ``None`` keeps one prediction per sequence (or per input step, with
        ``return_sequences``). An int makes the network an encoder–decoder writing
        ``output_steps`` steps: the recurrent layers read ``X`` many-to-one (the
        encoder; ``pooling`` and ``bidirectional`` apply to it), and their summary (the
        vector a many-to-one head would read) sets the initial state of a decoder with
        the same cell and layer sizes and is read again at each decoder step, whose
        input is also the previous output. ``y`` is then ``(n_samples, output_steps[,
        n_outputs])``, or a list of per-sequence arrays of ``1 <= L_i <= output_steps``
        steps (ragged outputs: the first ``L_i`` steps are trained on, the loss is
        masked after them; ``predict`` always writes ``output_steps`` steps).
        One-to-many: give ``X`` one step, ``(n_samples, 1, n_features)`` (or a 2-D ``X``
        with ``n_channels=n_features``), to generate a sequence from a vector. ``score``
        counts every valid output step of every sequence once, so model selection
        (``GridSearchCV``, ``cross_val_score``) scores the flattened steps. Not with
        ``return_sequences=True``; ``bptt_steps`` truncates the encoder only, and
        ``dropout`` acts on the encoder and its summary.
    teacher_forcing : float, default=1.0
        Encoder–decoder only: the probability, in [0, 1], per output step and sequence,
        that the decoder is fed the true previous target during training rather than its
        own prediction (``predict`` always feeds back its own). 1.0 trains fastest:
        every decoder input is then known in advance, so each decoder layer runs over
        all steps at once rather than step by step with the head inside (2-3x the time
        per epoch). Lower values also train the decoder on its own errors (exposure
        bias), which did not pay on the one-to-many waveform example: held-out R² 0.998
        in 1.7 s at 1.0, 0.995 in 5.3 s at 0.0.
    n_future_features : int, default=0
        Encoder–decoder only: covariates known in advance for the output steps (e.g.
        calendar features of a forecast horizon). They travel inside ``X``, so that
        ``Pipeline``, ``GridSearchCV`` and ``cross_val_score`` split them with the
        sequences: the last ``output_steps`` steps of every sequence of ``X`` are the
        future, the encoder reads the steps before them, and the decoder reads, at
        output step ``t``, the last ``n_future_features`` channels of the sequence's
        ``t``-th future step (the other channels there are ignored; they must be finite,
        e.g. 0). Every sequence needs at least one step before its future.
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
        Learning-rate schedule, for both solvers (``MLPRegressor`` uses it for "sgd"
        only): ``"adaptive"`` divides the rate by 5 each time the loss (or validation
        score) stalls for ``n_iter_no_change`` epochs instead of stopping, and stops once
        it is below 1e-6 (reduce-on-plateau); ``"invscaling"`` decays it with
        ``power_t``.
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
    dropout : float, default=0.2
        Dropout rate on each recurrent layer's outputs (and on the pooled vector) during
        training; 0.2 improved the cross-validated accuracy of small data sets.
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
    estimators_ : list of estimators
        The ``n_estimators`` single networks (each with ``n_estimators=1``) of an ensemble;
        absent when ``n_estimators=1``.
    input_mean_, input_scale_ : ndarray of shape (n_step_features,) or None
        Channel statistics used by ``standardize`` (None when it is off).
    patch_size_ : int
        Time steps per network step (``patch_size`` resolved).
    target_mean_, target_scale_ : ndarray of shape (n_outputs,) or None
        Target statistics used by ``standardize`` (None when it is off).
    network_ : object
        Layout of the network: the engine's frozen ``NetworkSpec`` dataclass (cell, sizes,
        directions, pooling, dtype and the slices of ``params_``); for an ensemble, the
        first member's (members may differ in pooling: see ``estimators_``).
    params_ : ndarray of shape (n_params,) or (n_estimators, n_params)
        All network parameters as one flat vector (one row per member of an ensemble).

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

    @_fit_context(prefer_skip_nested_validation=True)
    @unchanged_on_failure
    def fit(self, X, y, sample_weight=None):
        return super().fit(X, y, sample_weight)

    fit.__doc__ = BaseRNN.fit.__doc__

    @_fit_context(prefer_skip_nested_validation=True)
    @unchanged_on_failure
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
            a list ``X``. With ``output_steps``: ``(n_samples, output_steps[,
            n_outputs])``, generated free running (each prediction fed back).
        """
        raw, lengths = self._predict_raw(X)
        y = raw.astype(np.float64)
        if self.target_mean_ is not None:
            y = y * self.target_scale_ + self.target_mean_
        if self.n_outputs_ == 1:
            y = y[..., 0]
        if self.network_.return_sequences:  # (an encoder–decoder's are never ragged)
            return self._per_step_output(y, lengths, ragged=is_sequence_list(X))
        return y

    def _encode_targets(self, y, reset):
        dtype = np.dtype(self.dtype)
        check_numeric_dtype(y, "y")
        y = check_array(
            y, ensure_2d=False, allow_nd=True, dtype=dtype, input_name="y",
            ensure_min_samples=0,
        )
        expected_ndim = 2 if self.return_sequences or self.output_steps is not None else 1
        if y.ndim == expected_ndim:
            y = y[..., np.newaxis]
        if y.ndim != expected_ndim + 1:
            raise ValueError(
                f"y must be {expected_ndim}-D or {expected_ndim + 1}-D; got shape {y.shape}."
            )
        return y

    _SHARED_FITTED = BaseRNN._SHARED_FITTED + ("target_mean_", "target_scale_")

    def _scale_targets(self, Y, lengths, sample_weight, reset):
        """Standardise each target over the training samples (their valid steps with
        ``return_sequences``): the head then learns values of order one whatever the
        units of y; ``predict`` maps back. Warm starts keep the first fit's statistics."""
        if self.output_steps is not None:
            return self._scale_output_steps(Y, sample_weight, reset)
        if reset:
            self.target_mean_ = self.target_scale_ = None
            if self.standardize:
                Y3 = Y if Y.ndim == 3 else Y[:, np.newaxis]
                mean, scale, _ = channel_mean_scale(
                    Y3, lengths if Y.ndim == 3 else None, sample_weight=sample_weight)
                self.target_mean_, self.target_scale_ = mean, scale
        if self.target_mean_ is None:
            return Y
        dtype = Y.dtype
        return ((Y - self.target_mean_) / self.target_scale_).astype(dtype, copy=False)

    def _scale_output_steps(self, Y, sample_weight, reset):
        """An encoder–decoder's targets (the first O columns of its packed Y)
        standardised over their valid output steps."""
        O = self._n_target_columns(Y)
        if reset:
            self.target_mean_ = self.target_scale_ = None
            if self.standardize:
                n_valid = np.rint(Y[..., O].sum(axis=1)).astype(np.intp)
                # valid steps are left-aligned: reversed in time they are right-aligned,
                # as channel_mean_scale reads them
                self.target_mean_, self.target_scale_, _ = channel_mean_scale(
                    Y[:, ::-1, :O], n_valid, sample_weight=sample_weight)
        if self.target_mean_ is None:
            return Y
        Y = Y.copy()
        Y[..., :O] = (Y[..., :O] - self.target_mean_) / self.target_scale_
        return Y

    def _score_raw(self, raw, Y, lengths, sample_weight):
        if Y.ndim == 3:  # many-to-many: score the valid steps only
            raw, Y, sample_weight = flatten_valid_steps(raw, Y, lengths, sample_weight)
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
        if self.network_.output_steps is not None:
            return self._score_output_steps(X, y, sample_weight, r2_score)
        if not self.network_.return_sequences:
            return super().score(X, y, sample_weight=sample_weight)
        return self._score_steps(X, y, sample_weight, r2_score)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.three_d_array = True
        return tags
