"""The epoch loop of ``BaseRNN``: minibatches, clipping, optimizer steps, stopping rules.

``StochasticTrainingMixin`` trains one network's flat parameter vector on validated,
transformed data; ``BaseRNN._fit`` prepares both and ``_train`` runs the loop, in the
steps of skorch's ``fit_loop`` → ``run_single_epoch`` → ``train_step``:
``_fit_stochastic`` → ``_train_epoch`` → ``_run_epoch`` → ``_batch_loss``.
"""

import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import gen_batches

from ._engine import (
    AdamOptimizer,
    SGDOptimizer,
    clip_by_global_norm,
    loss_and_gradient,
    loss_and_gradient_seq2seq,
)
from ._input import gather_rows, output_step_mask
from ._threads import blas_threads

# Below this sum of sample weights a divergence is explained by alpha / sum(weights).
_TINY_WEIGHT_SUM = 1e-20


class StochasticTrainingMixin:
    """Minibatch training of ``params_`` for ``BaseRNN``: the optimizer, the epoch loop,
    early stopping and the other stopping rules, the per-epoch callbacks.

    Reads of the class it is mixed into: the parameters, ``network_`` and ``_rng`` (set
    by ``_initialize``), ``_loss`` and ``_score_raw`` (the subclass hooks),
    ``_raw_output`` (``PredictionMixin``) and ``_unpack_targets``
    (``EncoderDecoderMixin``)."""

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

    def _train(self, theta, data, incremental, user_data):
        """Train ``theta`` on ``data`` = (X3, lengths, Y, sample_weight), the network input
        and encoded targets, under the BLAS thread policy; set ``params_``."""
        # scikit-learn's callback API (sklearn.callback): the fit is one task, each epoch
        # a subtask, so ProgressBar / ScoringMonitor can follow and stop training.
        callback_ctx = self._init_callback_context(max_subtasks=1 if incremental else self.max_iter)
        callback_ctx.call_on_fit_task_begin(estimator=self, X=user_data[0], y=user_data[1])
        batch = 200 if self.batch_size == "auto" else self.batch_size
        with blas_threads(self.network_, min(batch, data[0].shape[0])):
            theta = self._fit_stochastic(theta, data, incremental, callback_ctx, user_data)
        self.params_ = theta
        callback_ctx.call_on_fit_task_end(estimator=self, X=user_data[0], y=user_data[1])

    def _hold_out(self, data):
        """Training rows and, with early stopping, the validation set (X3, lengths, Y,
        sample_weight) held out of them; else all rows and None."""
        X3, lengths, Y, sample_weight = data
        if not self.early_stopping:
            return np.arange(X3.shape[0]), None
        train, val = self._split_validation(X3.shape[0], Y)
        if not sample_weight[val].any():
            raise ValueError(
                "The early-stopping validation set has zero total sample weight; use "
                "another random_state, a larger validation_fraction or fewer zero weights."
            )
        if self.validation_scores_ is None:  # early stopping switched on for a warm fit
            self.validation_scores_, self.best_validation_score_ = [], -np.inf
        return train, (X3[val], _take(lengths, val), Y[val], sample_weight[val])

    def _fit_stochastic(self, theta, data, incremental, callback_ctx, user_data):
        """The epoch loop: train ``theta`` in place until a stopping rule, a callback or
        ``max_iter`` ends it (one epoch for ``partial_fit``); return the parameters to
        keep (with early stopping, the best seen)."""
        train, validation = self._hold_out(data)
        best_theta = None if validation is None else theta.copy()
        batch_size = self._batch_size(len(train))
        if not incremental:
            self.n_iter_ = 0
        for _ in range(1 if incremental else self.max_iter):
            epoch_ctx = callback_ctx.subcontext(task_name="epoch")
            epoch_ctx.call_on_fit_task_begin(estimator=self)
            if self._train_epoch(theta, data, train, batch_size, validation):
                best_theta = theta.copy()
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
        return theta if validation is None else best_theta  # early stopping: the best

    def _train_epoch(self, theta, data, train, batch_size, validation):
        """One epoch over the ``train`` rows and its bookkeeping (loss curve, validation
        score, verbose line, learning-rate schedule); return True if the validation score
        is the best so far."""
        start = time.perf_counter()
        epoch_loss = self._run_epoch(theta, *data, train, batch_size)
        self.n_iter_ += 1
        self.t_ += len(train)
        self.loss_ = epoch_loss
        self.loss_curve_.append(epoch_loss)
        is_best = validation is not None and self._track_validation(theta, validation)
        self._report_epoch(time.perf_counter() - start)
        self._optimizer.iteration_ends(self.t_)
        return is_best

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
            X_b, lengths_b, Y_b = gather_rows(X3, lengths, Y, idx, self.return_sequences)
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


def _take(lengths, idx):
    return None if lengths is None else lengths[idx]
