"""A fit or partial_fit that does not return leaves the estimator exactly as it was.

Interrupted (KeyboardInterrupt, a failing callback) or diverged in epoch k, in a single
network or in ensemble member 3: every attribute in ``vars(est)`` (the optimizer's moments
and the random generator included) is what it was before the call, and a fresh fit leaves
the estimator unfitted.
"""

import numpy as np
import pytest

import skrnn._training
from skrnn import RNNClassifier, RNNRegressor

TINY = dict(hidden_layer_sizes=4, max_iter=4, n_estimators=1, random_state=0,
            batch_size=10)


@pytest.fixture
def data(rng):
    X = rng.normal(size=(30, 6, 2))
    return X, X[:, -1, 0] + X[:, -2, 1]


def _state(value):
    """A comparable image of an attribute value, estimators and optimizers included."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, np.random.Generator):
        return ("rng", repr(value.bit_generator.state))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_state(v) for v in value])
    if isinstance(value, dict):
        return {k: _state(v) for k, v in value.items()}
    if hasattr(value, "__dict__") and not isinstance(value, type):
        # an optimizer's _step is scratch memory, overwritten before every read
        return (type(value).__name__, _state({k: v for k, v in vars(value).items()
                                              if k != "_step"}))
    if isinstance(value, float) and np.isnan(value):
        return "nan"
    return value


def _snapshot(est):
    """Every attribute but the user's callbacks (which keep their own state)."""
    return {name: _state(value) for name, value in vars(est).items()
            if name != "_skl_callbacks"}


def assert_unchanged(est, before):
    after = _snapshot(est)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name


class _FailOnCall:
    """Replaces loss_and_gradient: the call number ``fail_at`` (counting from 1) raises
    ``error`` or, for ``error=None``, returns a NaN loss (a divergence)."""

    def __init__(self, fail_at, error=KeyboardInterrupt):
        self.fail_at, self.error, self.calls = fail_at, error, 0
        self.real = skrnn._training.loss_and_gradient

    def __call__(self, *args, **kwargs):
        self.calls += 1
        loss, grad = self.real(*args, **kwargs)
        if self.calls == self.fail_at:
            if self.error is None:
                return float("nan"), grad
            raise self.error
        return loss, grad


def _fail(monkeypatch, fail_at, error=KeyboardInterrupt):
    failing = _FailOnCall(fail_at, error)
    monkeypatch.setattr(skrnn._training, "loss_and_gradient", failing)
    return failing


# 30 samples in batches of 10: 3 calls per epoch, so call 8 is in epoch 3
FAILURES = [(KeyboardInterrupt, KeyboardInterrupt), (None, ValueError)]


@pytest.mark.parametrize("error, raised", FAILURES, ids=["interrupt", "divergence"])
@pytest.mark.parametrize("Estimator", [RNNRegressor, RNNClassifier])
def test_aborted_fresh_fit_leaves_the_estimator_unfitted(monkeypatch, data, Estimator,
                                                         error, raised):
    X, y = data
    y = y if Estimator is RNNRegressor else y > 0
    est = Estimator(**TINY)
    before = _snapshot(est)
    _fail(monkeypatch, 8, error)
    with pytest.raises(raised):
        est.fit(X, y)
    assert_unchanged(est, before)
    assert not hasattr(est, "params_")


OPTIONS = {"adam": {}, "sgd": {"solver": "sgd", "learning_rate": "adaptive"},
           "early-stopping": {"early_stopping": True},
           "ensemble": {"n_estimators": 3, "pooling": "attention"}}
WARM_CALLS = [(call, name) for call in ("warm-fit", "partial_fit") for name in OPTIONS
              if (call, name) != ("partial_fit", "early-stopping")]  # refused


@pytest.mark.parametrize("error, raised", FAILURES, ids=["interrupt", "divergence"])
@pytest.mark.parametrize("call, options", WARM_CALLS, ids=["-".join(c) for c in WARM_CALLS])
def test_aborted_warm_call_changes_nothing(monkeypatch, data, call, options, error,
                                           raised):
    X, y = data
    options = OPTIONS[options]
    est = RNNRegressor(**{**TINY, **options}, warm_start=call == "warm-fit").fit(X, y)
    if call == "partial_fit":
        est.partial_fit(X, y)  # optimizer moments to keep
    before = _snapshot(est)
    # fail in the last member of an ensemble: in the 3rd epoch of a warm fit, in the
    # 2nd minibatch of partial_fit's single epoch (27 samples with early stopping: still
    # 3 batches of at most 10 per epoch)
    per_member = 3 * TINY["max_iter"] if call == "warm-fit" else 3
    fail_at = per_member * (est.n_estimators - 1) + (8 if call == "warm-fit" else 2)
    failing = _fail(monkeypatch, fail_at, error)
    with pytest.raises(raised):
        est.partial_fit(X, y) if call == "partial_fit" else est.fit(X, y)
    assert failing.calls == fail_at
    assert_unchanged(est, before)
    monkeypatch.undo()
    est.predict(X)  # still a working model


def test_aborted_partial_fit_continues_like_an_uninterrupted_one(monkeypatch, data):
    X, y = data
    y = y > 0
    interrupted = RNNClassifier(**TINY).partial_fit(X, y, classes=[False, True])
    clean = RNNClassifier(**TINY).partial_fit(X, y, classes=[False, True])
    _fail(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt):
        interrupted.partial_fit(X, y)
    monkeypatch.undo()
    for est in (interrupted, clean):
        est.partial_fit(X, y)
    np.testing.assert_array_equal(interrupted.params_, clean.params_)
    assert interrupted.loss_curve_ == clean.loss_curve_


def test_aborted_first_partial_fit_forgets_the_classes(monkeypatch, data):
    X, y = data
    clf = RNNClassifier(**TINY)
    _fail(monkeypatch, 1)
    with pytest.raises(KeyboardInterrupt):
        clf.partial_fit(X, y > 0, classes=[False, True])
    assert set(vars(clf)) == set(clf.get_params())


class _InterruptAt:
    """A FitCallback that raises KeyboardInterrupt at the end of epoch ``epoch``."""

    def __init__(self, epoch):
        self.epoch = epoch

    def setup(self, estimator, context):
        self.seen = 0
        self.torn_down = False

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        if context.task_name == "epoch":
            self.seen += 1
            if self.seen == self.epoch:
                raise KeyboardInterrupt
        return False

    def teardown(self, estimator, context):
        self.torn_down = True


@pytest.mark.parametrize("n_estimators", [1, 2])
def test_callback_interrupt_restores_the_model_and_tears_down(data, n_estimators):
    X, y = data
    callback = _InterruptAt(3)
    est = RNNRegressor(**{**TINY, "n_estimators": n_estimators}, warm_start=True).fit(X, y)
    est.set_callbacks(callback)
    before = _snapshot(est)
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    assert callback.torn_down
    assert_unchanged(est, before)
    assert est._skl_callbacks == [callback] and est._skl_callbacks[0] is callback
    assert not any(hasattr(m, "_callback_fit_ctx") for m in getattr(est, "estimators_", []))


def test_failed_validation_of_a_refit_keeps_the_previous_model(data):
    X, y = data
    est = RNNRegressor(**TINY).fit(X, y)
    before = _snapshot(est)
    with pytest.raises(ValueError, match="NaN"):
        est.fit(np.where(X > 1, np.nan, X), y)  # n_features_in_ was not reset either
    assert_unchanged(est, before)
