"""What RNNRegressor and RNNClassifier share: parameters, their validation, ``fit``.

The two estimators differ only in their head's loss, their targets' encoding and how raw
network outputs become predictions; everything else is ``BaseRNN``, here and in the mixins
it is built from, one job each: ``_training`` (the epoch loop and its stopping rules),
``_ensemble_fit`` (``n_estimators > 1``), ``_encoder_decoder`` (``output_steps``) and
``_prediction`` (raw outputs in chunks, per-step scores). The numerical work is done by the
engine (``skrnn._engine``), which knows nothing of scikit-learn.
"""

import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, is_classifier
from sklearn.utils import check_random_state

from ._compat import (
    CallbackSupportMixin,
    Interval,
    Options,
    StrOptions,
    _check_sample_weight,
)
from ._encoder_decoder import EncoderDecoderMixin
from ._engine import (
    POOLINGS,
    init_params,
    make_network,
    optimizer_from_state,
    optimizer_state,
)
from ._ensemble_fit import EnsembleMixin
from ._input import (
    check_X,
    pack_output_targets,
    pad_output_targets,
    pad_sequence_targets,
    patch_steps,
    split_future,
    standardize_steps,
)
from ._prediction import PredictionMixin
from ._rows import weighted_median, weighted_rows
from ._training import StochasticTrainingMixin
from .preprocessing import channel_mean_scale

# "logistic" is MLPRegressor's name for the sigmoid; both spellings are accepted.
_ACTIVATIONS = {"tanh": "tanh", "relu": "relu", "sigmoid": "sigmoid", "logistic": "sigmoid"}

# patch_size="auto" groups steps so that a training sequence of median length is read in
# about this many steps: recurrent nets learn poorly over hundreds of steps (vanishing
# gradients, slow BPTT), while ~32 steps of several values each keep both the order and
# the detail. The median, not the longest, so that a few long sequences do not squeeze
# the typical one into a handful of steps. Chosen by cross-validation on training data
# (docs/classification_quality.md).
_AUTO_PATCH_STEPS = 32


class BaseRNN(StochasticTrainingMixin, EnsembleMixin, EncoderDecoderMixin, PredictionMixin,
              CallbackSupportMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class for recurrent network estimators; use RNNRegressor or RNNClassifier."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "cell": [StrOptions({"rnn", "lstm", "gru"})],
        "bidirectional": ["boolean", StrOptions({"auto"})],
        "pooling": [StrOptions(set(POOLINGS) | {"auto"}), list, tuple],
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

    def __init__(
        self, hidden_layer_sizes=(64,), activation="tanh", *, cell="gru",
        bidirectional="auto", pooling="auto", patch_size="auto", standardize=True,
        n_estimators=5, n_jobs=None, return_sequences=False, output_steps=None,
        teacher_forcing=1.0, n_future_features=0, n_channels=1, solver="adam",
        alpha=1e-4, batch_size="auto", learning_rate="constant", learning_rate_init=0.005,
        power_t=0.5, max_iter=200, shuffle=True, random_state=None, tol=1e-4,
        verbose=False, warm_start=False, momentum=0.9, nesterovs_momentum=True,
        early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
        epsilon=1e-8, n_iter_no_change=10, clip_norm=5.0, bptt_steps=None, dropout=0.2,
        dtype="float32",
    ):
        # One signature for both estimators: scikit-learn reads their parameters and
        # defaults from it (get_params, clone); their docstrings document them.
        # the network
        self.hidden_layer_sizes, self.activation, self.cell = hidden_layer_sizes, activation, cell
        self.bidirectional, self.pooling, self.dropout = bidirectional, pooling, dropout
        self.dtype = dtype
        # its input and its outputs
        self.patch_size, self.standardize, self.n_channels = patch_size, standardize, n_channels
        self.return_sequences, self.output_steps = return_sequences, output_steps
        self.teacher_forcing, self.n_future_features = teacher_forcing, n_future_features
        # the ensemble
        self.n_estimators, self.n_jobs = n_estimators, n_jobs
        # the optimizer
        self.solver, self.alpha, self.clip_norm = solver, alpha, clip_norm
        self.learning_rate, self.learning_rate_init = learning_rate, learning_rate_init
        self.power_t, self.momentum = power_t, momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        # the epoch loop and its stopping rules
        self.batch_size, self.max_iter, self.shuffle = batch_size, max_iter, shuffle
        self.bptt_steps, self.random_state, self.verbose = bptt_steps, random_state, verbose
        self.warm_start, self.tol = warm_start, tol
        self.early_stopping, self.validation_fraction = early_stopping, validation_fraction
        self.n_iter_no_change = n_iter_no_change

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
        """The engine's pooling: per-step heads read every step's state themselves; a
        single network takes the first of `_member_poolings`."""
        return "last" if self.return_sequences else self._member_poolings()[0]

    def _member_poolings(self):
        """``pooling`` as the tuple the ensemble members cycle through (member i takes
        entry i modulo its length); "auto" is the estimator's ``_auto_poolings``."""
        if self.pooling == "auto":
            return self._auto_poolings()
        return (self.pooling,) if isinstance(self.pooling, str) else tuple(self.pooling)

    def _auto_poolings(self):
        """What ``pooling="auto"`` means; the classifier overrides it."""
        return ("last",)

    def _check_pooling(self):
        """A list of poolings must name known ones (a string is checked by the constraints)."""
        if isinstance(self.pooling, str):
            return
        unknown = [p for p in self.pooling if not (isinstance(p, str) and p in POOLINGS)]
        if len(self.pooling) == 0 or unknown:
            raise ValueError(
                f"pooling must be one of {POOLINGS}, 'auto' or a non-empty list of the "
                f"first four (cycled over the ensemble members); got {self.pooling!r}.")
        if "attention" in self.pooling and len(set(self.pooling)) > 1:
            # params_ stacks the members' parameter vectors: they must have one length
            raise ValueError(
                f"pooling={self.pooling!r} mixes 'attention' with other poolings: "
                "attention members have parameters the others lack, and an ensemble's "
                "params_ holds one row of the same length per member. Use 'attention' "
                "for every member or for none.")

    def _check_options(self):
        self._check_pooling()
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
            by the weighted number of valid steps). With ``shuffle=True`` an integer
            weight ``k`` trains exactly as ``k`` copies of the row and a zero weight as
            no row: when weights are given or rows repeat, training runs on the distinct
            rows, each with the sum of its copies' weights, in an order fixed by their
            content (so a weighted fit does not depend on the order of the rows either).

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
        weighted = sample_weight is not None
        X3, lengths, Y, sample_weight = self._validate_input(X, y, sample_weight, reset=not warm)
        if self.shuffle:  # a weight k trains as k copies; see _rows.py
            X3, lengths, Y, sample_weight = weighted_rows(X3, lengths, Y, sample_weight, weighted)
        if not warm:
            self._fit_input_transform(X3, lengths, sample_weight)
        X3, lengths = self._transform_input(X3, lengths)
        Y = self._scale_targets(self._transform_packed_future(Y), lengths, sample_weight,
                                reset=not warm)
        theta = self._starting_params(hidden, X3.shape[2], Y, warm)
        if not incremental or getattr(self, "_optimizer", None) is None:
            self._optimizer = self._make_optimizer()
        self._train(theta, (X3, lengths, Y, sample_weight), incremental, (X, y))
        return self

    def _starting_params(self, hidden, n_step_features, Y, warm):
        """Fresh parameters (and training state) for a cold fit; for a warm one, a copy of
        ``params_``, once the network is checked to be the one fitted."""
        if not warm:
            return self._initialize(hidden, n_step_features, Y)
        if self._network_layout(hidden, n_step_features, Y) != self.network_:
            raise ValueError(
                "The network's parameters (cell, activation, hidden_layer_sizes, "
                "bidirectional, return_sequences, dtype) or the shape of X or y changed "
                "since it was fitted; refit with warm_start=False."
            )
        return self.params_.copy()  # trained on a copy: a diverged call changes nothing

    def _network_layout(self, hidden, n_step_features, Y):
        return make_network(
            n_step_features, hidden, self._n_target_columns(Y), cell=self.cell,
            activation=_ACTIVATIONS[self.activation], bidirectional=self._bidirectional(),
            return_sequences=self.return_sequences, pooling=self._pooling(),
            dtype=np.dtype(self.dtype), **self._decoder_arguments(),
        )

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
            typical = (X3.shape[1] if lengths is None
                       else weighted_median(lengths, sample_weight))
            self.patch_size_ = max(1, int(np.ceil(typical / _AUTO_PATCH_STEPS)))
        else:
            self.patch_size_ = int(self.patch_size)

    def _transform_input(self, X3, lengths):
        """Standardised, patched network input and its lengths in network steps."""
        if self.input_mean_ is not None:
            X3 = standardize_steps(X3, lengths, self.input_mean_, self.input_scale_)
        return patch_steps(X3, lengths, self.patch_size_)

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
