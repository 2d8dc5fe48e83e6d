"""Training a global forecaster chunk by chunk: ``partial_fit`` over groups of series.

For panels whose windows do not fit in memory at once. The first chunk fixes
what ``fit`` would resolve on the whole panel; later chunks must share its
time grid and covariates, and add or refresh their series in the state.
"""

import numpy as np

from .._regressor import RNNRegressor
from ._panel_inputs import read_static
from ._panel_scaling import fit_scaling


class PanelPartialFitMixin:
    """``partial_fit`` for :class:`GlobalRNNForecaster`."""

    def partial_fit(self, y, exog=None, static=None, past_exog=None):
        """Train the network one epoch on the windows of a chunk of series; add or refresh those series.

        For panels whose windows do not fit in memory at once: call it on
        chunks of series, several passes over the chunks (each call is one
        epoch of the network over the chunk's windows)::

            model = GlobalRNNForecaster(horizon=18, window_length=[12, 18, 24], seasonal_period=12)
            for epoch in range(20):
                for chunk in chunks:  # e.g. 200 series each, read from disk
                    model.partial_fit(chunk)
            forecast = model.predict()  # every series seen in any chunk

        The first call fixes what ``fit`` resolves on the whole panel:
        frequency, seasonal period, window length and log (``"auto"``: from
        the first chunk, so set them when chunks differ), the scaling of
        the covariates, and which covariates there are (every chunk passes
        the same `exog`, `past_exog` and `static` columns). Each call keeps
        the chunk's series (a series seen again replaces its earlier
        values), so only their values, not their
        windows, stay in memory. The network trains without early stopping,
        which ``partial_fit`` cannot do; with the default network, lower its
        learning rate or count the epochs to stop.

        Parameters
        ----------
        y, exog, static, past_exog
            A chunk of the panel and its covariates, as in :meth:`fit`.

        Returns
        -------
        self : GlobalRNNForecaster
        """
        first = not hasattr(self, "estimators_")
        if first:
            self._validate_params()
        panel = self._read(y)
        if first:
            self._set_grid(panel)
        else:
            self._check_same_grid(panel)
        exog_rows_, exog_names = self._read_fit_exog(exog, panel)
        past_rows, past_names = self._read_fit_past_exog(past_exog, panel)
        static_values, static_names = (None, None) if static is None else read_static(static, panel.ids, self.id_col)
        if first:
            self.exog_names_, self.static_names_, self.past_exog_names_ = exog_names, static_names, past_names
            self._start_state(panel, exog_rows_, static_values, past_rows)
            self.estimators_ = [self._new_network(10**9, seed).set_params(early_stopping=False) for seed in self._seeds()]
            self.n_windows_ = 0
            positions = range(len(self.ids_))
        else:
            names = (exog_names, static_names, past_names)
            positions = self._add_series(panel, (exog_rows_, past_rows), static_values, names)
        for L, network in zip(self.window_lengths_, self.estimators_):
            X, Y = self._training_windows(positions, L)
            _cap_batch(network, len(X))
            network.partial_fit(X, Y)
            self.n_windows_ += len(X)
        self._calibration = None
        return self

    def _check_same_grid(self, panel):
        if (panel.kind, panel.freq) != (self.index_kind_, self.freq_):
            raise ValueError(
                f"series {panel.ids[0]!r} has time of kind {panel.kind!r} and frequency {panel.freq}; the "
                f"forecaster was fitted on {self.index_kind_!r} with {self.freq_}."
            )
        for uid, v in zip(panel.ids, panel.values):
            if len(v) < self.window_length_:
                raise ValueError(f"series {uid!r} has {len(v)} values, fewer than window_length_={self.window_length_}.")
            if self.log_ and (v <= 0).any():
                raise ValueError(f"series {uid!r} has values <= 0, but the forecaster models the log (log_=True).")

    def _add_series(self, panel, covariate_rows, static_values, names):
        """Add the chunk's series to the state (replacing those seen before); return their positions.

        `covariate_rows` is ``(exog rows, past_exog rows)``, each a list of
        one array per series of the chunk or None.
        """
        fitted = (self.exog_names_, self.static_names_, self.past_exog_names_)
        if names != fitted:
            raise ValueError(f"exog / static / past_exog columns {names} differ from those of the first call {fitted}.")
        exog_rows_, past_rows = covariate_rows
        positions = []
        for k, (uid, v, last) in enumerate(zip(panel.ids, panel.values, panel.lasts)):
            if uid not in self._position:
                self._position[uid] = len(self.ids_)
                self.ids_.append(uid)
                for store in (self._values, self._profiles):
                    store.append(None)
                if self._exog is not None:
                    self._exog.append(None)
                if self._past_exog is not None:
                    self._past_exog.append(None)
                if self._static is not None:
                    self._static = np.concatenate([self._static, static_values[k : k + 1]])
            i = self._position[uid]
            self._values[i], self.cutoffs_[uid] = v, last
            self._profiles[i] = fit_scaling(v, self.seasonal_period_, self.log_, self.deseasonalize)
            self.deseasonalized_[uid] = self._profiles[i] is not None
            if self._exog is not None:
                self._exog[i] = exog_rows_[k]
            if self._past_exog is not None:
                self._past_exog[i] = past_rows[k]
            if self._static is not None:
                self._static[i] = static_values[k]
            positions.append(i)
        return positions


def _cap_batch(network, n_windows):
    """Cap an RNNRegressor's minibatch (and its members') at the windows of a small chunk."""
    if not isinstance(network, RNNRegressor) or network.batch_size == "auto":
        return
    if not hasattr(network, "_requested_batch_size"):
        network._requested_batch_size = network.batch_size
    for member in [network, *getattr(network, "estimators_", [])]:
        member.set_params(batch_size=min(network._requested_batch_size, n_windows))
