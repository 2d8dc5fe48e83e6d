"""What RNNRegressor and RNNClassifier share: parameters, input handling, the epoch loop.

The two estimators differ only in their head's loss, their targets' encoding and how raw
network outputs become predictions; everything else lives here. The numerical work is done
by the engine (``skrnn._engine``), which knows nothing of scikit-learn.
"""

import copy
import functools
import time
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, clone, is_classifier
# private, like the helpers of ._compat (where it belongs): sklearn's own setup/teardown
# of the callbacks around a fit, needed for ensemble members, whose fit it does not wrap
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted

from ._compat import (
    callback_management_context,
    CallbackSupportMixin,
    Interval,
    Options,
    StrOptions,
    _check_sample_weight,
)
from ._engine import (
    POOLINGS,
    AdamOptimizer,
    SGDOptimizer,
    clip_by_global_norm,
    forward,
    forward_seq2seq,
    init_params,
    loss_and_gradient,
    loss_and_gradient_seq2seq,
    make_network,
    optimizer_from_state,
    optimizer_state,
)
from ._input import (
    check_X,
    object_array_as_list,
    output_step_mask,
    pack_output_targets,
    pad_output_targets,
    pad_sequence_targets,
    patch_steps,
    split_future,
    standardize_steps,
    to_list_of_sequences,
)
from ._threads import blas_threads
from .preprocessing import channel_mean_scale

# What an encoder–decoder feeds back when it runs free: the prediction in the loss's space.
_FEEDBACK = {"squared_error": "identity", "softmax_cross_entropy": "softmax",
             "sigmoid_cross_entropy": "sigmoid"}

# "logistic" is MLPRegressor's name for the sigmoid; both spellings are accepted.
_ACTIVATIONS = {"tanh": "tanh", "relu": "relu", "sigmoid": "sigmoid", "logistic": "sigmoid"}

# patch_size="auto" groups steps so that a training sequence of median length is read in
# about this many steps: recurrent nets learn poorly over hundreds of steps (vanishing
# gradients, slow BPTT), while ~32 steps of several values each keep both the order and
# the detail. The median, not the longest, so that a few long sequences do not squeeze
# the typical one into a handful of steps. Chosen by cross-validation on training data
# (docs/classification_quality.md).
_AUTO_PATCH_STEPS = 32

# Samples per engine call at predict time: large enough for efficient matrix products,
# small enough that the forward buffers of a long series stay modest.
_PREDICT_CHUNK = 2048
_PREDICT_BUDGET = 64 * 2**20

# Below this sum of sample weights a divergence is explained by alpha / sum(weights).
_TINY_WEIGHT_SUM = 1e-20


def unchanged_on_failure(fit_method):
    """Decorate ``fit`` and ``partial_fit``: a call that does not return (bad input, a
    divergence, a ``KeyboardInterrupt``, a failing callback) leaves the estimator
    exactly as it was before it: every fitted attribute, the optimizer's moments and the
    random generator (so an unfitted estimator stays unfitted), ensemble members
    included. The price is one copy of the fitted state per call."""

    @functools.wraps(fit_method)
    def restoring(self, *args, **kwargs):
        saved = _fitted_state(self)
        try:
            return fit_method(self, *args, **kwargs)
        except BaseException:
            _restore_fitted_state(self, saved)
            raise

    return restoring


def _not_state(estimator, name):
    """Constructor parameters and scikit-learn's callback bookkeeping (torn down by
    ``_fit_context`` itself) are not fitted state."""
    return name in estimator._get_param_names() or "callback" in name


def _fitted_state(estimator):
    # The callbacks are shared with the ensemble members: copies would be strangers.
    memo = {id(cb): cb for cb in [getattr(estimator, "_skl_callbacks", None)] if cb}
    return {name: copy.deepcopy(value, memo) for name, value in vars(estimator).items()
            if not _not_state(estimator, name)}


def _restore_fitted_state(estimator, saved):
    for name in list(vars(estimator)):
        if name not in saved and not _not_state(estimator, name):
            delattr(estimator, name)
    estimator.__dict__.update(saved)


class BaseRNN(CallbackSupportMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class for recurrent network estimators; use RNNRegressor or RNNClassifier."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "cell": [StrOptions({"rnn", "lstm", "gru"})],
        "bidirectional": ["boolean", StrOptions({"auto"})],
        "pooling": [StrOptions(set(POOLINGS))],
        "patch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "standardize": ["boolean"],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
        "return_sequences": ["boolean"],
        "output_steps": [Interval(Integral, 1, None, closed="left"), None],
        "teacher_forcing": [Interval(Real, 0, 1, closed="both")],
        "n_future_features": [Interval(Integral, 0, None, closed="left")],
        "n_channels": [Interval(Integral, 1, None, closed="left")],
        "solver": [StrOptions({"sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "clip_norm": [Interval(Real, 0, None, closed="neither"), None],
        "bptt_steps": [Interval(Integral, 1, None, closed="left"), None],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dtype": [StrOptions({"float32", "float64"})],
    }

    @abstractmethod
    def __init__(
        self, hidden_layer_sizes, activation, *, cell, bidirectional, pooling, patch_size,
        standardize, n_estimators, n_jobs, return_sequences, output_steps, teacher_forcing,
        n_future_features, n_channels, solver, alpha,
        batch_size, learning_rate, learning_rate_init, power_t, max_iter, shuffle,
        random_state, tol, verbose, warm_start, momentum,
        nesterovs_momentum, early_stopping, validation_fraction, beta_1, beta_2, epsilon,
        n_iter_no_change, clip_norm, bptt_steps, dropout, dtype,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.cell = cell
        self.bidirectional = bidirectional
        self.pooling = pooling
        self.patch_size = patch_size
        self.standardize = standardize
        self.n_estimators = n_estimators
        self.n_jobs = n_jobs
        self.return_sequences = return_sequences
        self.output_steps = output_steps
        self.teacher_forcing = teacher_forcing
        self.n_future_features = n_future_features
        self.n_channels = n_channels
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.clip_norm = clip_norm
        self.bptt_steps = bptt_steps
        self.dropout = dropout
        self.dtype = dtype

    # ------------------------------------------------------------------ subclass hooks
    @abstractmethod
    def _encode_targets(self, y, reset):
        """Validate targets; return the engine's float targets (n, k) or (n, T, k)."""

    @abstractmethod
    def _score_raw(self, raw, y, lengths, sample_weight):
        """Validation score (higher is better) of raw outputs against encoded targets."""

    # ------------------------------------------------------------------ validation
    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, Integral) else tuple(sizes)
        if len(sizes) == 0 or any(
            not isinstance(s, Integral) or isinstance(s, bool) or s < 1 for s in sizes
        ):
            raise ValueError(
                "hidden_layer_sizes must be a positive int or a non-empty sequence of "
                f"positive ints (one per recurrent layer); got {self.hidden_layer_sizes!r}."
            )
        return tuple(int(s) for s in sizes)

    def _bidirectional(self):
        """``bidirectional`` with "auto" resolved: both ways when a whole sequence is read
        before the (single) prediction, one way when every step is predicted or truncated
        BPTT carries the state forward."""
        if self.bidirectional == "auto":
            return not self.return_sequences and self.bptt_steps is None
        return bool(self.bidirectional)

    def _pooling(self):
        """The engine's pooling: per-step heads read every step's state themselves."""
        return "last" if self.return_sequences else self.pooling

    def _check_options(self):
        if self.output_steps is not None and self.return_sequences:
            raise ValueError(
                f"output_steps={self.output_steps} cannot be used with return_sequences=True:"
                " an encoder–decoder writes its own output sequence of output_steps steps, "
                "while return_sequences predicts one target per input step. Set one of them.")
        if self.n_future_features and self.output_steps is None:
            raise ValueError(
                f"n_future_features={self.n_future_features} needs output_steps: future "
                "covariates are read by the decoder of an encoder–decoder.")
        if self.bptt_steps is not None and self.bidirectional is True:
            raise ValueError(
                "bptt_steps cannot be used with bidirectional=True: truncated BPTT carries "
                "the state forward in time, while a reverse-direction layer needs the whole "
                "sequence. Set bptt_steps=None or bidirectional=False."
            )
        if self.early_stopping and self.return_sequences and is_classifier(self):
            raise ValueError("early_stopping=True is not supported with return_sequences=True.")
        if self.return_sequences and self.patch_size not in ("auto", 1):
            raise ValueError(
                f"patch_size={self.patch_size!r} cannot be used with return_sequences=True: "
                "one target per time step needs one network step per time step. Use "
                "patch_size=1 or 'auto'."
            )

    def _validate_input(self, X, y, sample_weight, reset):
        dtype = np.dtype(self.dtype)
        X3, lengths = check_X(self, X, reset=reset, dtype=dtype)
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        if self.output_steps is not None:
            X3, lengths, future = split_future(X3, lengths, self.output_steps,
                                                self.n_future_features)
            y, output_lengths = pad_output_targets(y, X3.shape[0], self.output_steps)
        elif self.return_sequences:
            y = pad_sequence_targets(y, X3.shape[0], X3.shape[1], lengths)
        Y = self._encode_targets(y, reset)
        if Y.shape[0] != X3.shape[0]:
            raise ValueError(
                "Found input variables with inconsistent numbers of samples: "
                f"X has {X3.shape[0]}, y has {Y.shape[0]}."
            )
        if self.output_steps is not None:
            Y = pack_output_targets(Y, output_lengths, future)
        # float64 whatever the compute dtype: the engine normalises the loss by their sum
        # in float64, and weights of 1e-50 or 1e50 must not become 0 or inf in float32
        sample_weight = _check_sample_weight(
            sample_weight, X3, dtype=np.float64, ensure_non_negative=True
        )
        return X3, lengths, Y, sample_weight

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y, sample_weight=None):
        """Fit the network to sequences ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), \
                (n_samples, n_timesteps * n_channels) or list of arrays
            Training sequences: a 3-D array, a 2-D table read time-major with
            ``n_channels`` values per step, or a list of ``(T_i, n_features)`` arrays of
            different lengths.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets; with ``return_sequences=True``, one per time step:
            ``(n_samples, n_timesteps[, n_outputs])`` or a list matching a ragged ``X``;
            with ``output_steps``, one per output step: ``(n_samples, output_steps[,
            n_outputs])`` or a list of arrays of at most ``output_steps`` steps.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; the loss is normalised by their sum (with per-step outputs,
            by the weighted number of valid steps).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _fit(self, X, y, sample_weight, incremental):
        self._check_options()
        if self.n_estimators > 1:
            return self._fit_ensemble(X, y, sample_weight, incremental)
        if self.activation != "tanh" and self.cell != "rnn":  # each member warns once
            warnings.warn(
                f"activation={self.activation!r} is ignored: it only applies to "
                f"cell='rnn' (the Elman cell); cell={self.cell!r} uses its standard "
                "sigmoid and tanh gates.", UserWarning, stacklevel=3)
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True.")
        hidden = self._hidden_sizes()
        warm = (self.warm_start or incremental) and hasattr(self, "params_")
        if warm:
            self._check_same_ensemble_size(1)
        X3, lengths, Y, sample_weight = self._validate_input(X, y, sample_weight, reset=not warm)
        if not warm:
            self._fit_input_transform(X3, lengths, sample_weight)
        X3, lengths = self._transform_input(X3, lengths)
        Y = self._scale_targets(self._transform_packed_future(Y), lengths, sample_weight,
                                reset=not warm)
        if not warm:
            theta = self._initialize(hidden, X3.shape[2], Y)
        elif self._network_layout(hidden, X3.shape[2], Y) != self.network_:
            raise ValueError(
                "The network's parameters (cell, activation, hidden_layer_sizes, "
                "bidirectional, return_sequences, dtype) or the shape of X or y changed "
                "since it was fitted; refit with warm_start=False."
            )
        else:
            theta = self.params_.copy()  # trained on a copy: a diverged call changes nothing
        if not incremental or getattr(self, "_optimizer", None) is None:
            self._optimizer = self._make_optimizer()
        # scikit-learn's callback API (sklearn.callback): the fit is one task, each epoch
        # a subtask, so ProgressBar / ScoringMonitor can follow and stop training.
        callback_ctx = self._init_callback_context(max_subtasks=1 if incremental else self.max_iter)
        callback_ctx.call_on_fit_task_begin(estimator=self, X=X, y=y)
        batch = 200 if self.batch_size == "auto" else self.batch_size
        with blas_threads(self.network_, min(batch, X3.shape[0])):
            theta = self._fit_stochastic(
                theta, (X3, lengths, Y, sample_weight), incremental, callback_ctx, (X, y)
            )
        self.params_ = theta
        callback_ctx.call_on_fit_task_end(estimator=self, X=X, y=y)
        return self

    # ------------------------------------------------------------------ ensembles
    # Fitted attributes every member learns identically from the same data; the ensemble
    # takes them from its first member. Subclasses add their label or target encodings.
    _SHARED_FITTED = ("n_features_in_", "feature_names_in_", "_input_kind", "_fit_n_channels",
                      "network_", "n_outputs_", "input_mean_", "input_scale_", "patch_size_")

    def _fit_ensemble(self, X, y, sample_weight, incremental):
        """Train ``n_estimators`` single networks from different seeds on the same data
        (each continues its own training on warm starts and ``partial_fit``); the
        ensemble predicts from the mean of their raw outputs."""
        warm = (self.warm_start or incremental) and hasattr(self, "params_")
        if warm:
            self._check_same_ensemble_size(self.n_estimators)
            members = self.estimators_
        else:
            seeds = check_random_state(self.random_state).randint(
                np.iinfo(np.int32).max, size=self.n_estimators)
            members = [clone(self).set_params(n_estimators=1, random_state=int(seed))
                       for seed in seeds]
        for member in members:
            if hasattr(self, "_skl_callbacks"):
                member._skl_callbacks = self._skl_callbacks
            self._share_label_state(member)
        # Members are independent: with n_jobs they train in parallel processes, each
        # bit-identical to its sequential fit (own seed, one BLAS thread for small
        # layers). Callbacks observe the estimator in this process, so they keep it here.
        n_jobs = None if hasattr(self, "_skl_callbacks") else self.n_jobs
        fitted = Parallel(n_jobs=n_jobs)(
            delayed(_fit_member)(member, X, y, sample_weight, incremental)
            for member in members)
        _reissue_once([w for _, caught in fitted for w in caught])  # once, not per member
        self._adopt_members([member for member, _ in fitted])
        return self

    def _check_same_ensemble_size(self, n_estimators):
        fitted = self.params_.shape[0] if self.params_.ndim == 2 else 1
        if fitted != n_estimators:
            raise ValueError(
                f"n_estimators is {n_estimators} but the model was fitted with {fitted} "
                "networks; warm starts and partial_fit continue the fitted networks. Refit "
                "with warm_start=False."
            )

    def _share_label_state(self, member):
        """Hand the member what the ensemble was told before fitting (classes)."""

    def _adopt_members(self, members):
        first = members[0]
        for name in self._SHARED_FITTED:
            if hasattr(first, name):
                setattr(self, name, getattr(first, name))
            elif hasattr(self, name):
                delattr(self, name)
        self.estimators_ = members
        self.params_ = np.stack([m.params_ for m in members])
        for member, row in zip(members, self.params_):
            member.params_ = row  # one copy of the weights (fits train on copies)
        self.n_iter_ = max(m.n_iter_ for m in members)
        self.t_ = max(m.t_ for m in members)
        self.loss_curve_ = _mean_curve([m.loss_curve_ for m in members])
        self.loss_ = float(np.mean([m.loss_ for m in members]))
        self.best_loss_ = float(np.mean([m.best_loss_ for m in members]))
        if self.early_stopping:
            self.validation_scores_ = _mean_curve([m.validation_scores_ for m in members])
            self.best_validation_score_ = float(
                np.mean([m.best_validation_score_ for m in members]))
        else:
            self.validation_scores_ = self.best_validation_score_ = None

    def _network_layout(self, hidden, n_step_features, Y):
        decoder = {}
        if self.output_steps is not None:
            decoder = dict(output_steps=self.output_steps, feedback=_FEEDBACK[self._loss],
                           n_future_features=self.n_future_features)
        return make_network(
            n_step_features, hidden, self._n_target_columns(Y), cell=self.cell,
            activation=_ACTIVATIONS[self.activation], bidirectional=self._bidirectional(),
            return_sequences=self.return_sequences, pooling=self._pooling(),
            dtype=np.dtype(self.dtype), **decoder,
        )

    def _n_target_columns(self, Y):
        """Targets per step: an encoder–decoder's Y also packs its step mask and future
        covariates (see ``pack_output_targets``)."""
        if self.output_steps is None:
            return Y.shape[-1]
        return Y.shape[-1] - 1 - self.n_future_features

    # ------------------------------------------------------------------ input transform
    def _fit_input_transform(self, X3, lengths, sample_weight):
        """Learn what turns validated input into network input: channel statistics over
        the valid steps (``standardize``) and the steps per network step (``patch_size``)."""
        if self.standardize:
            self.input_mean_, self.input_scale_, _ = channel_mean_scale(
                X3, lengths, sample_weight=sample_weight)
        else:
            self.input_mean_ = self.input_scale_ = None
        if self.return_sequences:
            self.patch_size_ = 1
        elif self.patch_size == "auto":
            typical = X3.shape[1] if lengths is None else np.median(lengths)
            self.patch_size_ = max(1, int(np.ceil(typical / _AUTO_PATCH_STEPS)))
        else:
            self.patch_size_ = int(self.patch_size)

    def _transform_input(self, X3, lengths):
        """Standardised, patched network input and its lengths in network steps."""
        if self.input_mean_ is not None:
            X3 = standardize_steps(X3, lengths, self.input_mean_, self.input_scale_)
        return patch_steps(X3, lengths, self.patch_size_)

    def _transform_future(self, future):
        """Future covariates standardised with their channels' statistics (the last
        ``n_future_features`` channels of X, learnt on the steps the encoder reads)."""
        if future is None or self.input_mean_ is None:
            return future
        k = future.shape[2]
        mean, scale = self.input_mean_[-k:], self.input_scale_[-k:]
        return ((future - mean) / scale).astype(future.dtype, copy=False)

    def _transform_packed_future(self, Y):
        """An encoder–decoder's packed Y with its future covariates standardised."""
        O = Y.shape[-1] - 1 - self.n_future_features
        if self.output_steps is not None and self.n_future_features and (
                self.input_mean_ is not None):
            Y = Y.copy()
            Y[..., O + 1:] = self._transform_future(Y[..., O + 1:])
        return Y

    def _unpack_targets(self, Y):
        """An encoder–decoder's packed Y as the engine's targets (n, S, O), output
        lengths (None when all are S) and future covariates (or None)."""
        O, S = self.network_.n_outputs, self.network_.output_steps
        lengths = np.rint(Y[..., O].sum(axis=1)).astype(np.intp)
        future = Y[..., O + 1:] if self.network_.n_future_features else None
        return Y[..., :O], (None if np.all(lengths == S) else lengths), future

    def _scale_targets(self, Y, lengths, sample_weight, reset):
        """Targets as the network is trained on them (the regressor standardises)."""
        return Y

    def _initialize(self, hidden, n_step_features, Y):
        """Reset the training state; return freshly initialised parameters."""
        self._rng = np.random.default_rng(
            check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        )
        self.network_ = self._network_layout(hidden, n_step_features, Y)
        self.n_outputs_ = self._n_target_columns(Y)
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.best_loss_ = np.inf
        self._no_improvement_count = 0
        self.validation_scores_ = [] if self.early_stopping else None
        self.best_validation_score_ = -np.inf if self.early_stopping else None
        for stale in ("params_", "estimators_"):  # a previous fit's, single or ensemble
            self.__dict__.pop(stale, None)
        return init_params(self.network_, self._rng)

    def _make_optimizer(self):
        n_params, dtype = self.network_.n_params, self.network_.dtype
        if self.solver == "adam":
            return AdamOptimizer(
                n_params, self.learning_rate_init, self.beta_1, self.beta_2, self.epsilon,
                dtype=dtype, lr_schedule=self.learning_rate, power_t=self.power_t,
            )
        return SGDOptimizer(
            n_params, self.learning_rate_init, self.learning_rate, self.momentum,
            self.nesterovs_momentum, self.power_t, dtype=dtype,
        )

    def _stratify_labels(self, Y):
        """Labels to stratify the early-stopping split by; None for regression."""
        return None

    def _split_validation(self, n_samples, Y):
        train, val = train_test_split(
            np.arange(n_samples), test_size=self.validation_fraction, stratify=self._stratify_labels(Y),
            random_state=int(self._rng.integers(np.iinfo(np.int32).max)),
        )
        if len(val) < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the "
                "size of your dataset."
            )
        return train, val

    def _fit_stochastic(self, theta, data, incremental, callback_ctx, user_data):
        X3, lengths, Y, sample_weight = data
        if self.early_stopping:
            train, val = self._split_validation(X3.shape[0], Y)
            if not sample_weight[val].any():
                raise ValueError(
                    "The early-stopping validation set has zero total sample weight; use "
                    "another random_state, a larger validation_fraction or fewer zero weights."
                )
            if self.validation_scores_ is None:  # early stopping switched on for a warm fit
                self.validation_scores_, self.best_validation_score_ = [], -np.inf
            validation = (X3[val], _take(lengths, val), Y[val], sample_weight[val])
            best_theta = theta.copy()
        else:
            train, validation = np.arange(X3.shape[0]), None
        batch_size = self._batch_size(len(train))
        if not incremental:
            self.n_iter_ = 0
        for _ in range(1 if incremental else self.max_iter):
            epoch_ctx = callback_ctx.subcontext(task_name="epoch")
            epoch_ctx.call_on_fit_task_begin(estimator=self)
            start = time.perf_counter()
            epoch_loss = self._run_epoch(theta, X3, lengths, Y, sample_weight, train, batch_size)
            self.n_iter_ += 1
            self.t_ += len(train)
            self.loss_ = epoch_loss
            self.loss_curve_.append(epoch_loss)
            if validation is not None and self._track_validation(theta, validation):
                best_theta = theta.copy()
            self._report_epoch(time.perf_counter() - start)
            self._optimizer.iteration_ends(self.t_)
            callback_stop = epoch_ctx.call_on_fit_task_end(
                estimator=self, X=user_data[0], y=user_data[1],
                reconstruction_attributes=lambda: {"params_": theta.copy()},
            )
            if self._should_stop() or incremental or callback_stop:
                break
        else:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
            )
        if validation is not None:
            theta = best_theta  # early stopping restores the best weights seen
        return theta

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is going to "
                "be clipped"
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _run_epoch(self, theta, X3, lengths, Y, sample_weight, train, batch_size):
        order = self._rng.permutation(train) if self.shuffle else train
        total_loss = total_weight = 0.0
        for batch in gen_batches(len(order), batch_size):
            idx = order[batch]
            weight_b = sample_weight[idx]
            if not weight_b.any():  # zero total weight: no loss to follow, nothing to learn
                continue
            X_b, lengths_b, Y_b = _batch(X3, lengths, Y, idx, self.return_sequences)
            loss, grad = self._batch_loss(theta, X_b, lengths_b, Y_b, weight_b)
            norm = clip_by_global_norm(grad, self.clip_norm)
            if not (np.isfinite(loss) and np.isfinite(norm)):
                self._diverged(loss, norm, float(weight_b.sum()))
            self._optimizer.update_params(theta, grad)
            batch_weight = float(weight_b.sum())
            if self.return_sequences:  # the batch loss is a mean over weighted valid steps
                steps_b = X_b.shape[1] if lengths_b is None else lengths_b
                batch_weight = float(np.sum(weight_b * steps_b))
            elif self.output_steps is not None:  # over weighted valid output steps
                valid_steps = Y_b[..., self.network_.n_outputs].sum(axis=1)
                batch_weight = float(np.dot(weight_b, valid_steps))
            total_loss += loss * batch_weight
            total_weight += batch_weight
        if not np.isfinite(theta).all():
            self._diverged(np.nan)
        return total_loss / total_weight if total_weight > 0 else 0.0

    def _batch_loss(self, theta, X_b, lengths_b, Y_b, weight_b):
        """The engine's loss and gradient on one minibatch."""
        common = dict(loss=self._loss, lengths=lengths_b, sample_weight=weight_b,
                      alpha=self.alpha, bptt_steps=self.bptt_steps, dropout=self.dropout,
                      rng=self._rng)
        if self.network_.output_steps is None:
            return loss_and_gradient(self.network_, theta, X_b, Y_b, **common)
        targets, output_lengths, future = self._unpack_targets(Y_b)
        return loss_and_gradient_seq2seq(
            self.network_, theta, X_b, targets, output_lengths=output_lengths,
            future=future, teacher_forcing=self.teacher_forcing, **common)

    def _diverged(self, loss, norm=np.nan, weight_sum=None):
        what = (f"The training loss became {loss}" if not np.isfinite(loss) else
                f"The gradient's norm became {norm} (loss {loss:.3g})")
        if weight_sum is not None and weight_sum < _TINY_WEIGHT_SUM:
            raise ValueError(
                f"{what} in epoch {self.n_iter_ + 1}: a minibatch's sample weights sum "
                f"to {weight_sum:.3g}, and the L2 penalty is divided by that sum (as in "
                f"MLPRegressor), so alpha={self.alpha} weighs {self.alpha / weight_sum:.3g} "
                f"times the data, beyond {self.dtype}. Multiply sample_weight by a "
                "constant (only their ratios weigh the samples against each other), set "
                "alpha=0, or use dtype='float64'. Nothing of this call was kept: the "
                "estimator is as it was before it (unfitted if it was).")
        raise ValueError(
            f"{what} in epoch {self.n_iter_ + 1}: the optimisation "
            f"diverged. Lower learning_rate_init (now {self.learning_rate_init}), set or "
            f"lower clip_norm (now {self.clip_norm}), or scale the inputs and targets "
            "(e.g. with StandardScaler). Nothing of this call was kept: the estimator is "
            "as it was before it (unfitted if it was)."
        )

    def _track_validation(self, theta, validation):
        """Record the validation score; return True if it is the best so far."""
        X_val, lengths_val, Y_val, weight_val = validation
        if self.network_.output_steps is None:
            score = self._score_raw(self._raw_output(theta, X_val, lengths_val), Y_val,
                                    lengths_val, weight_val)
        else:  # every valid output step a row
            targets, output_lengths, future = self._unpack_targets(Y_val)
            raw = self._raw_output(theta, X_val, lengths_val, future)
            valid = output_step_mask(output_lengths, raw.shape[:2])
            weights = np.broadcast_to(weight_val[:, np.newaxis], valid.shape)[valid]
            score = self._score_raw(raw[valid], targets[valid], None, weights)
        self.validation_scores_.append(score)
        is_best = score > self.best_validation_score_
        if score < self.best_validation_score_ + self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        if is_best:
            self.best_validation_score_ = score
        return is_best

    def _should_stop(self):
        if not self.early_stopping:
            if self.loss_curve_[-1] > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])
        if self._no_improvement_count <= self.n_iter_no_change:
            return False
        what = "Validation score" if self.early_stopping else "Training loss"
        msg = (f"{what} did not improve more than tol={self.tol:f} for "
               f"{self.n_iter_no_change} consecutive epochs.")
        if self._optimizer.trigger_stopping(msg, self.verbose):
            return True
        self._no_improvement_count = 0
        return False

    def _report_epoch(self, seconds):
        if not self.verbose:
            return
        line = f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}"
        if self.early_stopping:
            line += f", validation score = {self.validation_scores_[-1]:.6f}"
        print(f"{line}, time = {seconds:.2f}s")

    # ------------------------------------------------------------------ persistence
    def __getstate__(self):
        """The estimator's state as plain data, for pickle, joblib and skops.

        The engine's objects become dicts of str, numbers and arrays: ``network_`` its
        :func:`~skrnn._engine.make_network` arguments, ``_optimizer`` its moments and
        step count (without its scratch buffer); ensemble members are stored as their
        states without ``params_``, which are the rows of the ensemble's ``params_``.
        So a saved model names no class but the estimator's (docs/persistence.md).
        """
        state = dict(super().__getstate__())
        if state.get("network_") is not None:
            state["network_"] = _network_arguments(state["network_"])
        if state.get("_optimizer") is not None:
            state["_optimizer"] = optimizer_state(state["_optimizer"])
        if "estimators_" in state:
            state["estimators_"] = [
                {k: v for k, v in member.__getstate__().items() if k != "params_"}
                for member in state["estimators_"]]
        return state

    def __setstate__(self, state):
        state = dict(state)
        if isinstance(state.get("network_"), dict):
            state["network_"] = make_network(**state["network_"])
        if isinstance(state.get("_optimizer"), dict):
            state["_optimizer"] = optimizer_from_state(state["_optimizer"])
        if state.get("estimators_") and isinstance(state["estimators_"][0], dict):
            members = []
            for member_state, row in zip(state["estimators_"], state["params_"]):
                member = type(self).__new__(type(self))
                member.__setstate__({**member_state, "params_": row})
                members.append(member)
            state["estimators_"] = members
        super().__setstate__(state)

    # ------------------------------------------------------------------ prediction
    def __sklearn_is_fitted__(self):
        return hasattr(self, "params_")

    def _raw_output(self, theta, X3, lengths, future=None):
        """Raw network output for all samples, computed in chunks of samples; for an
        ensemble's stacked parameters (n_estimators, n_params), the members' mean.
        An encoder–decoder's decoder reads ``future`` (n, output_steps, k) or None."""
        if theta.ndim == 2:
            return np.mean([self._raw_output(member, X3, lengths, future)
                            for member in theta], axis=0)
        chunks = []
        for batch in gen_batches(X3.shape[0], self._predict_chunk(X3.shape[1])):
            X_b, lengths_b, _ = _batch(X3, lengths, None, np.arange(batch.start, batch.stop))
            if self.network_.output_steps is not None:
                chunks.append(forward_seq2seq(
                    self.network_, theta, X_b, lengths=lengths_b,
                    future=None if future is None else future[batch]))
                continue
            raw = forward(self.network_, theta, X_b, lengths=lengths_b)
            if self.network_.return_sequences and raw.shape[1] < X3.shape[1]:
                raw = _pad_front(raw, X3.shape[1])
            chunks.append(raw)
        return np.concatenate(chunks)

    def _predict_chunk(self, n_timesteps):
        """Samples per engine call: inference keeps every layer's states for all steps,
        so long sequences get smaller chunks (about _PREDICT_BUDGET bytes of states)."""
        spec = self.network_
        per_sample = n_timesteps * (spec.n_features + 2 * spec.n_directions * sum(
            spec.hidden_layer_sizes)) * spec.dtype.itemsize
        return int(np.clip(_PREDICT_BUDGET // max(per_sample, 1), 1, _PREDICT_CHUNK))

    def _predict_raw(self, X):
        """Validate ``X`` and return the raw network output with the sequence lengths."""
        check_is_fitted(self)
        X3, lengths = check_X(self, X, reset=False, dtype=np.dtype(self.dtype))
        spec, future = self.network_, None
        if spec.output_steps is not None:
            X3, lengths, future = split_future(X3, lengths, spec.output_steps,
                                                spec.n_future_features)
            future = self._transform_future(future)
        with blas_threads(self.network_, min(X3.shape[0], _PREDICT_CHUNK)):
            raw = self._raw_output(self.params_, *self._transform_input(X3, lengths), future)
        return raw, lengths

    def _score_steps(self, X, y, sample_weight, metric):
        """Score of per-step predictions: every valid step of every sequence counts once,
        weighted by its sequence's weight."""
        y_pred = self.predict(X)
        y = object_array_as_list(y)
        if len(y) != len(y_pred):
            raise ValueError(
                "Found input variables with inconsistent numbers of samples: "
                f"X has {len(y_pred)}, y has {len(y)}.")
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, y_pred, dtype=np.float64)
        if isinstance(y_pred, list):
            y = [np.asarray(y_i) for y_i in y]
            for i, (y_i, pred_i) in enumerate(zip(y, y_pred)):
                if y_i.shape[:1] != pred_i.shape[:1]:
                    raise ValueError(
                        f"y[{i}] must have one target per time step of X[{i}] "
                        f"({len(pred_i)}); got shape {y_i.shape}.")
            lengths = [len(y_i) for y_i in y]
            y, y_pred = np.concatenate(y), np.concatenate(y_pred)
        else:
            y = np.asarray(y)
            if y.shape[:2] != y_pred.shape[:2]:
                raise ValueError(
                    "With return_sequences=True, y must have one target per time step: "
                    f"shape {y_pred.shape[:2]}; got {y.shape}.")
            lengths = [y.shape[1]] * len(y)
            y, y_pred = y.reshape((-1,) + y.shape[2:]), y_pred.reshape((-1,) + y_pred.shape[2:])
        weights = None if sample_weight is None else np.repeat(sample_weight, lengths)
        return float(metric(y, y_pred, sample_weight=weights))

    def _score_output_steps(self, X, y, sample_weight, metric):
        """Score of an encoder–decoder's predictions: every valid output step of every
        sequence is one row (the first ``L_i`` of a ragged ``y``), weighted by its
        sequence's weight."""
        y_pred = self.predict(X)
        Y, output_lengths = pad_output_targets(y, len(y_pred), self.network_.output_steps)
        valid = output_step_mask(output_lengths, y_pred.shape[:2])
        weights = None
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, y_pred, dtype=np.float64)
            weights = np.broadcast_to(sample_weight[:, np.newaxis], valid.shape)[valid]
        return float(metric(Y[valid], y_pred[valid], sample_weight=weights))

    def _per_step_output(self, Y, lengths, ragged):
        """Return per-step predictions as a list for ragged input, else as an array."""
        if ragged:
            full = lengths if lengths is not None else np.full(len(Y), Y.shape[1])
            return to_list_of_sequences(Y, full)
        return Y


def _fit_member(member, X, y, sample_weight, incremental):
    """Fit one member; return it with the warnings it raised as (category, message)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with callback_management_context(member):  # no callback context left on it
            member._fit(X, y, sample_weight, incremental)
    return member, [(w.category, str(w.message)) for w in caught]


def _reissue_once(caught):
    """Warn again what the members warned, each distinct (category, message) once."""
    for category, message in dict.fromkeys(caught):
        warnings.warn(message, category, stacklevel=4)


def _mean_curve(curves):
    """Epoch-wise mean of per-member curves; an epoch counts the members that ran it."""
    longest = max(len(curve) for curve in curves)
    return [float(np.mean([curve[epoch] for curve in curves if epoch < len(curve)]))
            for epoch in range(longest)]


def _network_arguments(spec):
    """The :func:`~skrnn._engine.make_network` arguments that rebuild ``spec``."""
    arguments = dict(
        n_features=spec.n_features, hidden_layer_sizes=list(spec.hidden_layer_sizes),
        n_outputs=spec.n_outputs, cell=spec.cell, activation=spec.activation,
        bidirectional=spec.bidirectional, return_sequences=spec.return_sequences,
        pooling=spec.pooling, dtype=spec.dtype.name)
    if spec.output_steps is not None:
        arguments.update(output_steps=spec.output_steps, feedback=spec.feedback,
                         n_future_features=spec.n_future_features)
    return arguments


def _take(lengths, idx):
    return None if lengths is None else lengths[idx]


def _batch(X3, lengths, Y, idx, per_step=False):
    """Gather a batch, dropping leading time steps that are padding for all its rows
    (and from per-step targets, aligned with X)."""
    if lengths is None:
        return X3[idx], None, (None if Y is None else Y[idx])
    lengths_b = lengths[idx]
    start = X3.shape[1] - int(lengths_b.max())
    X_b = X3[idx, start:]
    Y_b = None if Y is None else (Y[idx, start:] if per_step else Y[idx])
    if np.all(lengths_b == X_b.shape[1]):
        lengths_b = None
    return X_b, lengths_b, Y_b


def _pad_front(raw, n_timesteps):
    padded = np.zeros((raw.shape[0], n_timesteps) + raw.shape[2:], dtype=raw.dtype)
    padded[:, n_timesteps - raw.shape[1]:] = raw
    return padded

