"""Saving fitted estimators: pickle and skops round trips, what a saved model holds.

skops (``pip install skrnn[skops]``) loads only the types it is told to trust: a fitted
skrnn estimator names its own class and nothing else (docs/persistence.md).
"""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from skrnn import RNNClassifier, RNNRegressor, SequenceScaler, WindowTransformer

TINY = dict(hidden_layer_sizes=4, max_iter=3, random_state=0)

_rng = np.random.default_rng(0)
X = _rng.normal(size=(16, 6, 2))
y = X[:, -1, 0] + X[:, 0, 1]
RAGGED = [_rng.normal(size=(n, 2)) for n in (3, 6, 4, 2, 5, 6, 3, 4)]
RAGGED_Y = np.array([x[-1, 0] for x in RAGGED])


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(X, y)


# id -> (estimator, X, y); the predictions of the loaded copy must be identical
MODELS = {
    "regressor": (RNNRegressor(**TINY, n_estimators=1), X, y),
    "regressor-ensemble": (RNNRegressor(**TINY, n_estimators=3, cell="lstm"), X, y),
    "regressor-ragged": (RNNRegressor(**TINY, n_estimators=2, pooling="attention"),
                         RAGGED, RAGGED_Y),
    "regressor-steps-ragged": (RNNRegressor(**TINY, n_estimators=2, return_sequences=True,
                                            solver="sgd"), RAGGED, [x[:, 0] for x in RAGGED]),
    "regressor-2d": (RNNRegressor(**TINY, n_estimators=1, n_channels=2, cell="rnn"),
                     X.reshape(16, -1), np.column_stack([y, -y])),
    "classifier": (RNNClassifier(**TINY, n_estimators=1), X, y > 0),
    "classifier-ensemble": (RNNClassifier(**TINY, n_estimators=3),
                            X, np.array(["a", "b", "c", "d"])[np.arange(16) % 4]),
    "classifier-ragged": (RNNClassifier(**TINY, n_estimators=2, early_stopping=True,
                                        validation_fraction=0.25),
                          RAGGED + [x + 0.01 for x in RAGGED], np.tile(RAGGED_Y > 0, 2)),
}


def _outputs(est, X):
    if isinstance(est, RNNClassifier):
        return [est.predict(X), est.predict_proba(X)]
    return [est.predict(X)]


def _assert_identical(a, b):
    for x, y in zip(a, b):
        if isinstance(x, list):
            assert len(x) == len(y)
            for xi, yi in zip(x, y):
                np.testing.assert_array_equal(xi, yi)
        else:
            np.testing.assert_array_equal(x, y)


@pytest.fixture(scope="module")
def fitted():
    return {name: _fit(est, X_, y_) for name, (est, X_, y_) in MODELS.items()}


@pytest.fixture(scope="module")
def sio():
    import skops.io  # the test extra installs skops: a missing one must fail, not skip

    return skops.io


@pytest.mark.parametrize("name", MODELS)
def test_skops_round_trip_predicts_identically(sio, fitted, name):
    est, X_fit = fitted[name], MODELS[name][1]
    dumped = sio.dumps(est)
    untrusted = sio.get_untrusted_types(data=dumped)
    assert untrusted == [f"{type(est).__module__}.{type(est).__name__}"]
    loaded = sio.loads(dumped, trusted=untrusted)
    _assert_identical(_outputs(est, X_fit), _outputs(loaded, X_fit))
    assert type(loaded.network_) is type(est.network_) and loaded.network_ == est.network_


def test_skops_trusts_exactly_the_documented_types(sio, fitted):
    """docs/persistence.md lists these: the two estimators and the two transformers."""
    documented = {"skrnn._regressor.RNNRegressor", "skrnn._classifier.RNNClassifier",
                  "skrnn.preprocessing._scaler.SequenceScaler",
                  "skrnn._windowing.WindowTransformer"}
    seen = set()
    for est in list(fitted.values()) + [SequenceScaler().fit(RAGGED),
                                        WindowTransformer(3).fit(X[..., 0])]:
        seen.update(sio.get_untrusted_types(data=sio.dumps(est)))
    assert seen == documented


@pytest.mark.parametrize("transformer, data", [
    (SequenceScaler(), X), (SequenceScaler(), RAGGED), (SequenceScaler(), X.reshape(16, -1)),
    (WindowTransformer(3, fill=0.0), X[..., 0]),
], ids=["scaler-3d", "scaler-ragged", "scaler-2d", "windows"])
def test_skops_round_trip_of_the_transformers(sio, transformer, data):
    fitted_transformer = transformer.fit(data)
    dumped = sio.dumps(fitted_transformer)
    loaded = sio.loads(dumped, trusted=sio.get_untrusted_types(data=dumped))
    expected, got = fitted_transformer.transform(data), loaded.transform(data)
    _assert_identical([expected], [got])


@pytest.mark.parametrize("save", ["pickle", "skops"])
@pytest.mark.parametrize("name", ["regressor", "regressor-steps-ragged",
                                  "classifier-ensemble"])
def test_a_loaded_model_trains_on_exactly_like_the_original(request, fitted, name, save):
    """The optimizer's moments and the random generator are saved: partial_fit after
    loading continues the same trajectory (docs/persistence.md)."""
    est, X_fit, y_fit = fitted[name], MODELS[name][1], MODELS[name][2]
    if save == "pickle":
        loaded = pickle.loads(pickle.dumps(est))
    else:
        sio = request.getfixturevalue("sio")
        dumped = sio.dumps(est)
        loaded = sio.loads(dumped, trusted=sio.get_untrusted_types(data=dumped))
    original = _fit(clone(MODELS[name][0]), X_fit, y_fit)  # the same fit, never saved
    for model in (original, loaded):
        model.partial_fit(X_fit, y_fit)
    np.testing.assert_array_equal(original.params_, loaded.params_)
    assert original.loss_curve_ == loaded.loss_curve_


def test_pickle_holds_no_engine_class(fitted):
    data = pickle.dumps(fitted["regressor-ensemble"])
    assert b"_engine" not in data and b"NetworkSpec" not in data


def test_ensemble_members_share_the_stacked_weights(fitted):
    ens = pickle.loads(pickle.dumps(fitted["regressor-ensemble"]))
    for row, member in zip(ens.params_, ens.estimators_):
        assert np.shares_memory(row, member.params_)
    single = pickle.dumps(fitted["regressor"])
    assert len(pickle.dumps(ens)) < 3 * 1.6 * len(single)  # weights stored once


@pytest.mark.parametrize("Estimator", [RNNRegressor, RNNClassifier])
@pytest.mark.parametrize("n_estimators", [1, 2])
def test_fitted_model_size_does_not_grow_with_the_training_set(Estimator, n_estimators):
    """No training data (nor anything of its size) is kept."""
    sizes = []
    for n_samples in (20, 400):
        rng = np.random.default_rng(1)
        X_ = rng.normal(size=(n_samples, 6, 2))
        y_ = X_[:, -1, 0] > 0 if Estimator is RNNClassifier else X_[:, -1, 0]
        est = _fit(Estimator(**TINY, n_estimators=n_estimators), X_, y_)
        sizes.append(len(pickle.dumps(est)))
    assert abs(sizes[1] - sizes[0]) < 100, sizes


# --- RNNForecaster -------------------------------------------------------------------
# A fitted forecaster keeps its index grid as a frequency string and integers, not as
# pandas objects, so skops loads it trusting skrnn's classes only (docs/persistence.md).

def _airline(index):
    from skrnn.datasets import load_airline

    y = load_airline()
    return {"datetime": y, "period": y.to_period("M"), "range": y.reset_index(drop=True)}[index]


def _forecaster(kind):
    from sklearn.linear_model import Ridge

    from skrnn import RNNForecaster

    if kind == "ridge":
        return RNNForecaster(Ridge())
    if kind == "regressor":
        return RNNForecaster(RNNRegressor(n_estimators=1, max_iter=3, hidden_layer_sizes=4,
                                          batch_size=32), random_state=0, n_estimators=1)
    return RNNForecaster(random_state=0, n_estimators=2).set_params(estimator__max_iter=3)


FORECASTER_TYPES = {
    "ridge": ["skrnn.forecasting._forecaster.RNNForecaster"],
    "regressor": ["skrnn._regressor.RNNRegressor", "skrnn.forecasting._forecaster.RNNForecaster"],
    "default": ["skrnn.forecasting._ensemble.DefaultForecastNetwork",
                "skrnn.forecasting._forecaster.RNNForecaster"],
}


def _forecasts(forecaster):
    return [forecaster.predict(12), forecaster.predict_interval(12, coverage=[0.5, 0.9]),
            forecaster.predict_quantiles(5)]


def _assert_same_forecasts(expected, got):
    import pandas as pd

    for a, b in zip(expected, got):
        assert type(a) is type(b)
        if isinstance(a, pd.Series):
            pd.testing.assert_series_equal(a, b, check_exact=True)
        else:
            pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.parametrize("kind", FORECASTER_TYPES)
@pytest.mark.parametrize("index", ["datetime", "period", "range"])
@pytest.mark.parametrize("calibrated", [False, True], ids=["fitted", "calibrated"])
def test_skops_round_trip_of_a_forecaster(sio, kind, index, calibrated):
    """Values and index of predict, predict_interval and predict_quantiles are identical;
    saved before or after the calibration models exist."""
    forecaster = _fit(_forecaster(kind), _airline(index), None)
    if calibrated:
        forecaster.predict_interval(12)
    dumped = sio.dumps(forecaster)
    untrusted = sio.get_untrusted_types(data=dumped)
    assert untrusted == FORECASTER_TYPES[kind]
    loaded = sio.loads(dumped, trusted=untrusted)
    assert loaded.cutoff_ == forecaster.cutoff_ and loaded.freq_ == forecaster.freq_
    _assert_same_forecasts(_forecasts(forecaster), _forecasts(loaded))


@pytest.mark.parametrize("index", ["datetime", "period", "range"])
def test_pickle_round_trip_of_a_forecaster_after_update(index):
    y = _airline(index)
    forecaster = _fit(_forecaster("ridge"), y[:-24], None)
    forecaster.predict_interval(6)
    forecaster.update(y[-24:-12])
    loaded = pickle.loads(pickle.dumps(forecaster))
    assert loaded._calibration.y is not loaded.y_train_  # the calibration kept its own data
    _assert_same_forecasts(_forecasts(forecaster), _forecasts(loaded))
    loaded.update(y[-12:])
    forecaster.update(y[-12:])
    _assert_same_forecasts(_forecasts(forecaster), _forecasts(loaded))


def test_forecaster_skops_types_are_the_documented_ones(sio):
    """docs/persistence.md lists RNNForecaster and DefaultForecastNetwork."""
    import pandas as pd

    y = pd.Series(np.sin(np.arange(60) / 3), index=pd.date_range("2020", periods=60,
                                                                  freq="h", tz="Europe/Paris"))
    forecaster = _fit(_forecaster("default"), y, None)
    dumped = sio.dumps(forecaster)
    assert sio.get_untrusted_types(data=dumped) == FORECASTER_TYPES["default"]
    loaded = sio.loads(dumped, trusted=FORECASTER_TYPES["default"])
    _assert_same_forecasts([forecaster.predict(5)], [loaded.predict(5)])


def test_forecaster_pickle_grows_only_by_the_kept_training_values():
    """y_train_ is kept on purpose (the history forecasts start from); nothing else of the
    series' length is saved in a fitted forecaster."""
    import pandas as pd

    sizes = []
    for n in (100, 400):
        y = pd.Series(np.sin(np.arange(n) / 4), index=pd.date_range("2000", periods=n, freq="D"))
        sizes.append(len(pickle.dumps(_fit(_forecaster("ridge"), y, None))))
    assert 300 * 8 <= sizes[1] - sizes[0] < 300 * 8 + 100, sizes
    assert b"pandas" not in pickle.dumps(_fit(_forecaster("ridge"), _airline("period"), None))
