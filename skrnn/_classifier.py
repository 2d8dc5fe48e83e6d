"""RNNClassifier: a recurrent network with a softmax or sigmoid head and the log loss."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d

from ._base import BaseRNN
from ._engine import sigmoid
from ._compat import _fit_context
from ._rollback import unchanged_on_failure
from ._input import flatten_valid_steps, is_sequence_list


class RNNClassifier(ClassifierMixin, BaseRNN):
    """Recurrent neural network classifier (Elman RNN, LSTM or GRU).

    The network reads each sample as a sequence and classifies it from its last state (or
    every time step, with ``return_sequences=True``). Binary and multilabel targets use a
    sigmoid output and the binary log loss, multiclass targets a softmax and the
    categorical log loss, as in :class:`~sklearn.neural_network.MLPClassifier`, whose
    parameter names this class shares.

    Parameters
    ----------
    hidden_layer_sizes : int or array-like of shape (n_layers,), default=(64,)
        Units of each stacked recurrent layer.
    activation : {"tanh", "relu", "sigmoid", "logistic"}, default="tanh"
        Activation of the Elman cell (``cell="rnn"``).
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
        ``["last", "max"]`` for one label per sequence (3 of the 5 default members read
        the last states, 2 the maximum over steps; a single network reads the last
        state) and ``"last"`` otherwise. Why: ``"last"`` was the best single pooling in
        cross-validation on the benchmark sets' training data, and an ensemble mixing it
        with ``"max"`` (a summary of the whole sequence instead of its ends) was ahead
        of five ``"last"`` members on three of the five sets (mean accuracy .928 against
        .920 over 4 seeds; BasicMotions .969 -> .994, PickupGestureWiimoteZ .719 ->
        .735), level on GunPoint and behind on ItalyPowerDemand (.956 -> .949), for
        1.1-1.5 times the fit time (the max members train for more epochs).
    patch_size : int or "auto", default="auto"
        Consecutive time steps read by one network step (as patches of ``patch_size *
        n_features`` values, aligned to the end of each sequence). ``"auto"`` reads the
        training sequence of median length in at most 32 network steps:
        ``ceil(median(T_i) / 32)``.
        Long sequences then train faster and better (fewer steps to backpropagate
        through). Always 1 with ``return_sequences=True``.
    standardize : bool, default=True
        Standardise each input channel with its mean and standard deviation over all
        valid steps of the training sequences, as ``SequenceScaler`` does
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
        Classify every time step (binary or multiclass labels per step).
    output_steps : int or None, default=None
        ``None`` keeps one label per sequence (or per input step, with
        ``return_sequences``). An int makes the network an encoder–decoder writing
        ``output_steps`` labels per sequence, as :class:`~skrnn.RNNRegressor` describes:
        the recurrent layers read ``X`` many-to-one (the encoder), and their summary sets
        the initial state of a decoder and is read again at each of its steps, whose
        input is also the previous label. ``y`` is then ``(n_samples, output_steps)``,
        or a list of 1-D label arrays of ``1 <= L_i <= output_steps`` steps (the loss is
        masked after the first ``L_i``; ``predict`` always writes ``output_steps``
        labels). ``score`` counts every valid output step of every sequence once. Not
        with ``return_sequences=True``.
    teacher_forcing : float, default=1.0
        Encoder–decoder only: the probability, in [0, 1], per output step and sequence,
        that the decoder is fed the true previous label (one-hot) during training rather
        than its own prediction (its class probabilities, which keeps free running
        differentiable; ``predict`` always feeds back its own). 1.0 trains fastest
        (:class:`~skrnn.RNNRegressor` gives the measurements).
    n_future_features : int, default=0
        Encoder–decoder only: covariates known in advance for the output steps, read by
        the decoder from the last ``n_future_features`` channels of the last
        ``output_steps`` steps of ``X`` (:class:`~skrnn.RNNRegressor` gives the layout).
    n_channels : int, default=1
        Values per time step when ``X`` is 2-D (read time-major).
    solver : {"adam", "sgd"}, default="adam"
        Optimizer.
    alpha : float, default=1e-4
        L2 penalty on the weights.
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
        Seeds initialisation, shuffling, dropout and the early-stopping split.
    tol : float, default=1e-4
        Improvement below which an epoch counts as no progress.
    verbose : bool, default=False
        Print one line per epoch.
    warm_start : bool, default=False
        Start ``fit`` from the previous solution.
    momentum : float, default=0.9
        Momentum of ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        Nesterov's momentum with ``solver="sgd"``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified), stop when its accuracy
        stalls and restore the best weights.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    beta_1, beta_2 : float, default=0.9, 0.999
        Adam's moment decay rates.
    epsilon : float, default=1e-8
        Adam's stability constant.
    n_iter_no_change : int, default=10
        Epochs without ``tol`` improvement before stopping.
    clip_norm : float or None, default=5.0
        Global-norm gradient clipping; ``None`` disables it.
    bptt_steps : int or None, default=None
        Truncated BPTT window; ``None`` is full BPTT.
    dropout : float, default=0.2
        Dropout rate on each recurrent layer's outputs (and on the pooled vector) during
        training; 0.2 improved the cross-validated accuracy of small data sets.
    dtype : {"float32", "float64"}, default="float32"
        Precision of the computation.

    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels.
    loss_ : float
        Training loss of the last epoch.
    loss_curve_ : list of float
        Training loss of each epoch.
    best_loss_ : float or None
        Lowest training loss seen.
    validation_scores_ : list of float or None
        Accuracy on the held-out set after each epoch, with ``early_stopping=True``.
    best_validation_score_ : float or None
        Best of ``validation_scores_``.
    n_iter_ : int
        Epochs run.
    t_ : int
        Training samples seen.
    n_features_in_ : int
        Features per time step for 3-D/list input; columns for 2-D input.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of a 2-D DataFrame ``X``.
    n_outputs_ : int
        Output units (1 for binary problems).
    out_activation_ : str
        ``"logistic"`` or ``"softmax"``.
    estimators_ : list of estimators
        The ``n_estimators`` single networks (each with ``n_estimators=1``) of an ensemble;
        absent when ``n_estimators=1``.
    input_mean_, input_scale_ : ndarray of shape (n_step_features,) or None
        Channel statistics used by ``standardize`` (None when it is off).
    patch_size_ : int
        Time steps per network step (``patch_size`` resolved).
    network_ : object
        Layout of the network: the engine's frozen ``NetworkSpec`` dataclass (cell, sizes,
        directions, pooling, dtype and the slices of ``params_``); for an ensemble, the
        first member's (members may differ in pooling: see ``estimators_``).
    params_ : ndarray of shape (n_params,) or (n_estimators, n_params)
        All network parameters as one flat vector (one row per member of an ensemble).

    See Also
    --------
    RNNRegressor : The same network for regression.
    sklearn.neural_network.MLPClassifier : The feed-forward counterpart.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import RNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 8, 1))
    >>> y = np.where(X[:, 0, 0] > X[:, -1, 0], "falling", "rising")  # order matters
    >>> clf = RNNClassifier(hidden_layer_sizes=16, max_iter=60, learning_rate_init=0.02,
    ...                     random_state=0).fit(X, y)
    >>> clf.classes_
    array(['falling', 'rising'], dtype='<U7')
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    >>> clf.score(X, y) > 0.9
    True
    """

    @_fit_context(prefer_skip_nested_validation=True)
    @unchanged_on_failure
    def fit(self, X, y, sample_weight=None):
        self._classes_given = False
        return super().fit(X, y, sample_weight)

    fit.__doc__ = BaseRNN.fit.__doc__

    @_fit_context(prefer_skip_nested_validation=True)
    @unchanged_on_failure
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Run one epoch over ``X`` and ``y``, starting from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), \
                (n_samples, n_timesteps * n_channels) or list of arrays
            Training sequences, in the format used by the first call.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Labels.
        classes : array-like of shape (n_classes,), default=None
            All labels that will ever appear; required on the first call, ignored after.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        if _check_partial_fit_first_call(self, classes):
            # per-step 0/1 labels (n, T) look like a multilabel indicator; they are not
            if (not self.return_sequences and self.output_steps is None
                    and type_of_target(y).startswith("multilabel")):
                self._label_binarizer = LabelBinarizer().fit(y)
            else:
                self._label_binarizer = LabelBinarizer().fit(classes)
            self._classes_given = True
        return self._fit(X, y, sample_weight, incremental=True)

    _SHARED_FITTED = BaseRNN._SHARED_FITTED + (
        "classes_", "_label_binarizer", "out_activation_", "_classes_given")

    def _share_label_state(self, member):
        member._classes_given = self._classes_given
        if self._classes_given:  # partial_fit's classes=, fixed before any member fits
            member._label_binarizer = self._label_binarizer

    @property
    def _loss(self):
        return "softmax_cross_entropy" if self._is_softmax() else "sigmoid_cross_entropy"

    def _is_softmax(self):
        lb = self._label_binarizer
        return lb.y_type_ == "multiclass" and len(lb.classes_) > 2

    def _check_labels(self, y):
        y = check_array(y, ensure_2d=False, allow_nd=True, dtype=None, input_name="y",
                        ensure_min_samples=0)
        if self.return_sequences:
            if y.ndim != 2:
                raise ValueError(
                    "With return_sequences=True, y must hold one label per time step, "
                    f"shape (n_samples, n_timesteps); got {y.shape}."
                )
            return y
        if self.output_steps is not None:
            if y.ndim != 2:
                raise ValueError(
                    f"With output_steps={self.output_steps}, y must hold one label per "
                    f"output step, shape (n_samples, {self.output_steps}) or a list of 1-D "
                    f"label arrays; got shape {y.shape}.")
            return y
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return y

    def _auto_poolings(self):
        """``pooling="auto"``: members alternate "last" and "max" for one label per
        sequence (see the parameter's "why"); per-step labels read every step's state."""
        many_to_one = not self.return_sequences and self.output_steps is None
        return ("last", "max") if many_to_one else ("last",)

    def _encode_targets(self, y, reset):
        y = self._check_labels(y)
        per_step = self.return_sequences or self.output_steps is not None
        flat = y.reshape(-1) if per_step else y
        check_classification_targets(flat)
        if reset and not getattr(self, "_classes_given", False):
            self._label_binarizer = LabelBinarizer().fit(flat)
        elif not set(unique_labels(flat)) <= set(self._label_binarizer.classes_):
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has "
                f"{self._label_binarizer.classes_}. 'y' has {unique_labels(flat)}."
            )
        self.classes_ = self._label_binarizer.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the data; "
                f"y has only one class: {self.classes_[0]}."
            )
        self.out_activation_ = "softmax" if self._is_softmax() else "logistic"
        Y = self._label_binarizer.transform(flat).astype(np.dtype(self.dtype))
        return Y.reshape(y.shape[:2] + (-1,)) if per_step else Y

    def _stratify_labels(self, Y):
        if Y.ndim == 3 or self._label_binarizer.y_type_.startswith("multilabel"):
            return None
        return Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0]

    def _probabilities(self, raw):
        if self._is_softmax():
            shifted = raw - raw.max(axis=-1, keepdims=True)
            exp = np.exp(shifted)
            return exp / exp.sum(axis=-1, keepdims=True)
        return sigmoid(raw)

    def _score_raw(self, raw, Y, lengths, sample_weight):
        if Y.ndim == 3:
            raw, Y, sample_weight = flatten_valid_steps(raw, Y, lengths, sample_weight)
        if Y.shape[1] > 1 and self._is_softmax():
            correct = raw.argmax(axis=1) == Y.argmax(axis=1)
        else:
            correct = np.all((raw > 0) == (Y > 0.5), axis=1)
        return float(np.average(correct, weights=sample_weight))

    def predict_proba(self, X):
        """Probability of each class for the sequences in ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), \
                (n_samples, n_timesteps * n_channels) or list of arrays
            Sequences, in the format used at fit.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities in the order of ``classes_`` (per step with
            ``return_sequences=True``: ``(n_samples, n_timesteps, n_classes)``; with
            ``output_steps``: ``(n_samples, output_steps, n_classes)``).
        """
        raw, lengths = self._predict_raw(X)
        proba = self._probabilities(raw.astype(np.float64))
        if proba.shape[-1] == 1 and not self._label_binarizer.y_type_.startswith("multilabel"):
            proba = np.concatenate([1.0 - proba, proba], axis=-1)
        if self.network_.return_sequences:
            return self._per_step_output(proba, lengths, ragged=is_sequence_list(X))
        return proba  # (n, output_steps, n_classes) for an encoder–decoder

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), \
                (n_samples, n_timesteps * n_channels) or list of arrays
            Sequences, in the format used at fit.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of ``classes_``.
        """
        proba = self.predict_proba(X)
        if isinstance(proba, list):
            return [np.log(p) for p in proba]
        return np.log(proba)

    def predict(self, X):
        """Predict class labels for the sequences in ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), \
                (n_samples, n_timesteps * n_channels) or list of arrays
            Sequences, in the format used at fit.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Predicted labels (an indicator matrix for multilabel targets); per step with
            ``return_sequences=True``; ``(n_samples, output_steps)`` with
            ``output_steps``.
        """
        raw, lengths = self._predict_raw(X)
        n, k = raw.shape[0], raw.shape[-1]
        scores = self._probabilities(raw.astype(np.float64)).reshape(-1, k)
        if k == 1:
            scores = scores.ravel()
        labels = self._label_binarizer.inverse_transform(scores)
        if self.network_.output_steps is not None:
            return labels.reshape(n, raw.shape[1])
        if not self.network_.return_sequences:
            return labels
        labels = labels.reshape(n, raw.shape[1])
        return self._per_step_output(labels, lengths, ragged=is_sequence_list(X))

    def score(self, X, y, sample_weight=None):
        """Accuracy of the predictions on ``X``.

        With ``return_sequences=True`` every valid time step of every sequence counts
        once (weighted by its sequence's ``sample_weight``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), \
                (n_samples, n_timesteps * n_channels) or list of arrays
            Sequences, in the format used at fit.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True labels; per step with ``return_sequences=True``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Accuracy.
        """
        check_is_fitted(self)
        if self.network_.output_steps is not None:
            return self._score_output_steps(X, y, sample_weight, accuracy_score)
        if not self.network_.return_sequences:
            return super().score(X, y, sample_weight=sample_weight)
        return self._score_steps(X, y, sample_weight, accuracy_score)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.three_d_array = True
        return tags
