"""Ensembles of ``BaseRNN`` (``n_estimators > 1``): members fitted from different seeds,
in parallel processes with ``n_jobs``, and the ensemble's fitted attributes from theirs."""

import warnings

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils.parallel import Parallel, delayed

from ._compat import callback_management_context


class EnsembleMixin:
    """``n_estimators`` single networks trained on the same data; ``BaseRNN._fit`` hands
    over to ``_fit_ensemble`` when there is more than one.

    Each member is a clone with ``n_estimators=1`` fitted by ``_fit``; subclasses extend
    ``_SHARED_FITTED`` and ``_share_label_state`` with their label or target encodings."""

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
            poolings = self._member_poolings()
            members = [clone(self).set_params(n_estimators=1, random_state=int(seed),
                                              pooling=poolings[i % len(poolings)])
                       for i, seed in enumerate(seeds)]
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

    def _member_networks(self):
        """``(network, params)`` of each member (the members may differ in pooling), or
        of the single network."""
        if self.params_.ndim == 1:
            return [(self.network_, self.params_)]
        return [(member.network_, row) for member, row in zip(self.estimators_, self.params_)]

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
