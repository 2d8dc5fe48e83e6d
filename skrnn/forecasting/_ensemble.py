"""The members a forecaster averages: clones of its estimator, one per seed.

A neural network's forecast depends on its initial weights and the order of
its minibatches; averaging members fitted with different seeds removes much
of that variance. An estimator without a ``random_state`` gets one member.
"""

import math

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state

from .._regressor import RNNRegressor


class DefaultForecastNetwork(RNNRegressor):
    """An :class:`~skrnn.RNNRegressor` marked as the forecaster's default network.

    It is an ``RNNRegressor`` in every respect (same parameters, same fit);
    the class only tells the forecaster to fit it to the number of windows
    (:func:`adapt_to_windows`), as it does for ``estimator=None``. Tuning the
    default (``set_params(estimator__hidden_layer_sizes=8)`` on a forecaster
    with ``estimator=None``) puts one in the ``estimator`` parameter, and
    ``clone`` keeps its class, so the tuned default is adapted as the default is.
    """


def default_estimator():
    """The regressor used when ``estimator=None`` (documented in RNNForecaster)."""
    return DefaultForecastNetwork(
        cell="gru",
        hidden_layer_sizes=(16,),
        solver="adam",
        learning_rate_init=0.01,
        alpha=1e-3,
        batch_size=32,
        max_iter=300,
        tol=1e-5,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=20,
        # the windows are short and already scaled: one plain network as in the forecast
        # benchmarks, not RNNRegressor's sequence-classification defaults
        n_estimators=1,
        bidirectional=False,
        dropout=0.0,
        standardize=False,
        patch_size=1,
    )


class DefaultNetworkParams:
    """``get_params`` / ``set_params`` of a forecaster whose ``estimator=None`` means a default network.

    A subclass names its default in ``_default_network`` (a function returning
    it, unfitted). The default's parameters are listed as ``estimator__*``, so a
    grid can tune them; setting one puts the default in ``estimator`` first.
    """

    def get_params(self, deep=True):
        """Parameters of the forecaster; with `deep`, those of its network as ``estimator__*``.

        With ``estimator=None`` the default network's parameters are listed, so
        they can be tuned.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of the estimator (or of the default network).

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = super().get_params(deep=deep)
        if deep and self.estimator is None:
            default = type(self)._default_network()
            params.update({f"estimator__{k}": v for k, v in default.get_params().items()})
        return params

    def set_params(self, **params):
        """Set parameters; ``estimator__*`` with ``estimator=None`` first puts the default network there.

        Parameters
        ----------
        **params : dict
            Forecaster parameters, and ``estimator__<name>`` for the network's.

        Returns
        -------
        self : object
            This forecaster.
        """
        tunes_network = any(key.startswith("estimator__") for key in params)
        if tunes_network and self.estimator is None and "estimator" not in params:
            self.estimator = type(self)._default_network()
        return super().set_params(**params)


def new_member(estimator, n_channels, random_state=None):
    """An unfitted clone of `estimator` (None: :func:`default_estimator`) for `n_channels` channels.

    `n_channels` and `random_state` are set when the estimator has those parameters
    (`random_state` only when not None).
    """
    member = clone(default_estimator() if estimator is None else estimator)
    params = member.get_params(deep=False)
    if "n_channels" in params:
        member.set_params(n_channels=n_channels)
    if random_state is not None and "random_state" in params:
        member.set_params(random_state=random_state)
    return member


def new_members(make_member, n_estimators, random_state):
    """Unfitted members: one per seed drawn from `random_state`, or one alone when seeds change nothing.

    ``make_member(random_state)`` returns an unfitted estimator, with its own
    ``random_state`` left alone when given None.
    """
    if n_estimators == 1 or "random_state" not in make_member(None).get_params(deep=False):
        return [make_member(random_state)]
    rng = check_random_state(random_state)
    seeds = rng.randint(np.iinfo(np.int32).max, size=n_estimators)
    return [make_member(int(seed)) for seed in seeds]


def adapt_to_windows(member, n_windows):
    """Fit the default network's early stopping and minibatch to the windows it trains on.

    Early stopping holds out ``ceil(validation_fraction * n_windows)`` windows
    (train_test_split's count, which RNNRegressor splits with) and needs at
    least 2 of them and 1 left to train on: with fewer windows (fewer than 6
    at the default 20%) it is switched off and the network trains on all of
    them, stopping on the training loss. The minibatch is capped at the
    training windows, so a short series fits without a warning (RNNRegressor
    would cap it at the same size).
    """
    n_train = n_windows
    if member.early_stopping:
        n_validation = math.ceil(member.validation_fraction * n_windows)
        if n_validation < 2 or n_validation >= n_windows:
            member.set_params(early_stopping=False)
        else:
            n_train = n_windows - n_validation
    if member.batch_size != "auto":  # "auto" caps itself
        member.set_params(batch_size=max(1, min(member.batch_size, n_train)))


def mean_prediction(members, X):
    """Mean prediction of the fitted members on flattened windows."""
    return np.mean([np.asarray(e.predict(X)) for e in members], axis=0)
