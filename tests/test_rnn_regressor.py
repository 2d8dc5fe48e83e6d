"""RNNRegressor: input formats, targets, fitted attributes, training controls, persistence."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score

from skrnn import RNNRegressor

FAST = dict(hidden_layer_sizes=8, n_estimators=1, max_iter=15, learning_rate_init=0.02, random_state=0)


def test_fitted_attributes_follow_mlp_conventions(sum_task):
    X, y = sum_task
    reg = RNNRegressor(**FAST).fit(X, y)
    assert reg.n_features_in_ == 2 and reg.n_outputs_ == 1
    assert reg.n_iter_ == len(reg.loss_curve_) == 15
    assert reg.t_ == 15 * len(X)
    assert reg.loss_ == reg.loss_curve_[-1]
    assert reg.loss_curve_[-1] < reg.loss_curve_[0] / 2
    assert reg.best_loss_ == min(reg.loss_curve_)
    assert reg.validation_scores_ is None and reg.best_validation_score_ is None
    assert reg.params_.dtype == np.float32 and reg.params_.shape == (reg.network_.n_params,)
    assert reg.predict(X).dtype == np.float64


def test_two_dimensional_X_is_read_time_major_with_n_channels(sum_task):
    X, y = sum_task
    X2 = X.reshape(len(X), -1)  # (n, T * C): step 0's two channels, then step 1's, ...
    reg3 = RNNRegressor(**FAST).fit(X, y)
    reg2 = RNNRegressor(n_channels=2, **FAST).fit(X2, y)
    assert reg2.n_features_in_ == 12
    np.testing.assert_array_equal(reg2.predict(X2), reg3.predict(X))


def test_dataframe_input_records_feature_names(sum_task):
    X, y = sum_task
    df = pd.DataFrame(X[:, :, 0], columns=[f"t{i}" for i in range(6)])
    reg = RNNRegressor(**FAST).fit(df, y)
    np.testing.assert_array_equal(reg.feature_names_in_, df.columns)
    with pytest.raises(ValueError, match="feature names"):
        reg.predict(df.rename(columns={"t0": "other"}))


def test_three_dimensional_X_predicts_any_length(sum_task):
    X, y = sum_task
    reg = RNNRegressor(**FAST).fit(X, y)
    assert reg.predict(X[:5, :3]).shape == (5,)
    assert reg.predict(np.concatenate([X[:5], X[:5]], axis=1)).shape == (5,)


def test_multi_output_targets(sum_task):
    X, y = sum_task
    Y = np.column_stack([y, -y, X[:, -1, 1]])
    reg = RNNRegressor(**FAST).fit(X, Y)
    assert reg.n_outputs_ == 3 and reg.predict(X).shape == (200, 3)
    assert reg.score(X, Y) > 0.5


def test_ragged_sequences_equal_their_unpadded_selves(rng):
    X = [rng.normal(size=(n, 2)) for n in (3, 7, 5, 7, 4)] * 8
    y = np.array([x[-1, 0] for x in X])
    reg = RNNRegressor(**FAST).fit(X, y)
    pred = reg.predict(X)
    alone = np.array([reg.predict([x])[0] for x in X[:5]])
    np.testing.assert_allclose(pred[:5], alone, rtol=1e-5)
    univariate = [x[:, 0] for x in X]  # (T_i,) arrays are single-feature sequences
    reg1 = RNNRegressor(**FAST).fit(univariate, y)
    assert reg1.n_features_in_ == 1
    # after a fit on sequences, equally long (or single) 1-D sequences are sequences too
    np.testing.assert_allclose(reg1.predict([univariate[1]]), reg1.predict(univariate)[1:2],
                               rtol=1e-5)


def test_return_sequences_predicts_every_step(rng):
    X = rng.normal(size=(120, 8, 1))
    Y = np.cumsum(X[:, :, 0], axis=1)  # running sum: a target per step
    reg = RNNRegressor(16, return_sequences=True, max_iter=60, learning_rate_init=0.02,
                       random_state=0).fit(X, Y)
    assert reg.predict(X).shape == (120, 8)
    assert reg.score(X, Y) > 0.8
    ragged = [x[: n] for x, n in zip(X[:6], (3, 8, 5, 8, 2, 6))]
    y_ragged = [y[: len(x)] for x, y in zip(ragged, Y[:6])]
    reg_ragged = RNNRegressor(8, return_sequences=True, max_iter=5, random_state=0)
    out = reg_ragged.fit(ragged, y_ragged).predict(ragged)
    assert [o.shape for o in out] == [(len(x),) for x in ragged]
    # every valid step counts once, weighted by its sequence's weight
    weights = np.arange(1.0, 7.0)
    expected = r2_score(np.concatenate(y_ragged), np.concatenate(out),
                        sample_weight=np.repeat(weights, [len(x) for x in ragged]))
    assert reg_ragged.score(ragged, y_ragged, sample_weight=weights) == pytest.approx(expected)


def test_same_random_state_gives_bit_identical_models(sum_task):
    X, y = sum_task
    a = RNNRegressor(**FAST, dropout=0.2).fit(X, y)
    b = RNNRegressor(**FAST, dropout=0.2).fit(X, y)
    np.testing.assert_array_equal(a.params_, b.params_)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    c = RNNRegressor(**{**FAST, "random_state": 1}).fit(X, y)
    assert not np.array_equal(a.params_, c.params_)


def test_pickle_and_joblib_round_trips(sum_task, tmp_path):
    X, y = sum_task
    reg = RNNRegressor(**FAST).fit(X, y)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(reg)).predict(X), reg.predict(X))
    joblib.dump(reg, tmp_path / "model.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "model.joblib").predict(X),
                                  reg.predict(X))


def test_partial_fit_runs_one_epoch_per_call(sum_task):
    X, y = sum_task
    reg = RNNRegressor(8, learning_rate_init=0.02, random_state=0)
    for _ in range(3):
        reg.partial_fit(X, y)
    assert reg.n_iter_ == 3 and len(reg.loss_curve_) == 3 and reg.t_ == 600
    assert reg.loss_curve_[-1] < reg.loss_curve_[0]


def test_warm_start_continues_from_the_previous_weights(sum_task):
    X, y = sum_task
    reg = RNNRegressor(**{**FAST, "max_iter": 5}, warm_start=True).fit(X, y)
    first = reg.params_.copy()
    reg.fit(X, y)
    assert len(reg.loss_curve_) == 10
    cold = RNNRegressor(**{**FAST, "max_iter": 5}).fit(X, y)
    np.testing.assert_array_equal(cold.params_, first)
    assert not np.array_equal(reg.params_, first)


def test_early_stopping_restores_the_best_weights(sum_task, rng):
    X, y = sum_task
    y = y + rng.normal(scale=2.0, size=y.shape)  # noisy targets: validation peaks early
    params = dict(FAST, hidden_layer_sizes=32, max_iter=60, early_stopping=True,
                  n_iter_no_change=5, validation_fraction=0.3)
    reg = RNNRegressor(**params).fit(X, y)
    assert len(reg.validation_scores_) == reg.n_iter_
    assert reg.best_validation_score_ == max(reg.validation_scores_)
    best_epoch = int(np.argmax(reg.validation_scores_)) + 1
    assert best_epoch < reg.n_iter_  # the run went past its best epoch...
    # ...yet kept the weights of that epoch: a run stopped there has the same weights
    stopped_at_best = RNNRegressor(**{**params, "max_iter": best_epoch}).fit(X, y)
    np.testing.assert_array_equal(reg.params_, stopped_at_best.params_)


def test_stops_when_training_loss_stalls(sum_task):
    X, y = sum_task
    reg = RNNRegressor(**{**FAST, "max_iter": 500}, tol=10.0, n_iter_no_change=2).fit(X, y)
    # the first epoch improves on an infinite best loss; with a huge tol none after does
    assert reg.n_iter_ == 4


def test_max_iter_reached_warns(sum_task):
    X, y = sum_task
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        RNNRegressor(**{**FAST, "max_iter": 2}).fit(X, y)


def test_verbose_prints_one_line_per_epoch(sum_task, capsys):
    X, y = sum_task
    RNNRegressor(**{**FAST, "max_iter": 3}, verbose=True, early_stopping=True,
                 n_iter_no_change=100).fit(X, y)
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("Iteration")]
    assert len(lines) == 3
    assert "loss = " in lines[0] and "validation score = " in lines[0] and "time = " in lines[0]


@pytest.mark.parametrize(
    "options",
    [
        dict(solver="sgd", learning_rate="invscaling"),
        dict(solver="sgd", learning_rate="adaptive", nesterovs_momentum=False),
        dict(bptt_steps=2),
        dict(bidirectional=True),
        dict(hidden_layer_sizes=(6, 4), dropout=0.3),
        dict(cell="rnn", activation="relu", clip_norm=1.0),
        dict(cell="gru", activation="logistic", clip_norm=None),
        dict(dtype="float64"),
    ],
    ids=repr,
)
def test_training_options_fit_and_reduce_the_loss(sum_task, options):
    X, y = sum_task
    reg = RNNRegressor(**{**FAST, **options}).fit(X, y)
    assert reg.loss_curve_[-1] < reg.loss_curve_[0]
    assert np.isfinite(reg.predict(X)).all()


def test_diverging_fit_raises_and_keeps_no_nan_weights(sum_task):
    X, y = sum_task
    reg = RNNRegressor(8, cell="rnn", activation="relu", solver="sgd", learning_rate_init=1e6,
                       clip_norm=None, max_iter=20, random_state=0)
    with pytest.raises(ValueError, match="learning_rate_init.*clip_norm"):
        reg.fit(X, y * 1e6)
    assert not hasattr(reg, "params_")  # a fresh fit that diverged leaves no model
    reg.set_params(learning_rate_init=0.01, max_iter=2).fit(X, y)
    before = reg.params_.copy()
    reg.set_params(learning_rate_init=1e6)
    with pytest.raises(ValueError, match="diverged"):
        for _ in range(20):
            reg.partial_fit(X, y * 1e6)
    assert np.isfinite(reg.params_).all()
    assert reg.params_.shape == before.shape


def test_scikit_learn_callbacks_follow_each_epoch(sum_task):
    from sklearn.callback import ScoringMonitor

    X, y = sum_task
    monitor = ScoringMonitor(scoring="r2")
    reg = RNNRegressor(**{**FAST, "max_iter": 4}).set_callbacks(monitor).fit(X, y)
    scores = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
    assert len(scores) == 4
    # the score of the last epoch's reconstructed model is the fitted model's score
    assert scores[-1]["r2"] == pytest.approx(reg.score(X, y))


class _StopAfter:
    """A minimal FitCallback that asks training to stop after a number of epochs."""

    def __init__(self, n_epochs):
        self.n_epochs = n_epochs

    def setup(self, estimator, context):
        self.seen = 0

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        if context.task_name != "epoch":
            return False
        self.seen += 1
        return self.seen >= self.n_epochs

    def teardown(self, estimator, context):
        pass


def test_a_callback_can_stop_training(sum_task):
    X, y = sum_task
    reg = RNNRegressor(**{**FAST, "max_iter": 50}).set_callbacks(_StopAfter(3)).fit(X, y)
    assert reg.n_iter_ == 3


def test_warm_start_refuses_a_changed_network(sum_task):
    X, y = sum_task
    reg = RNNRegressor(**{**FAST, "max_iter": 2}, warm_start=True).fit(X, y)
    assert reg.cell == "gru"
    with pytest.raises(ValueError, match="refit with warm_start=False"):
        reg.set_params(cell="lstm").fit(X, y)
    with pytest.raises(ValueError, match="refit with warm_start=False"):
        reg.set_params(cell="gru").fit(X, np.column_stack([y, y]))
    with pytest.raises(ValueError, match="refit with warm_start=False"):
        reg.set_params(pooling="attention").fit(X, y)


def test_predict_uses_the_fitted_layout_not_later_set_params(sum_task):
    X, y = sum_task
    reg = RNNRegressor(**FAST).fit(X, y)
    before = reg.predict(X[:3])
    reg.set_params(return_sequences=True)
    np.testing.assert_array_equal(reg.predict(X[:3]), before)
    tab = RNNRegressor(n_channels=2, **FAST).fit(X.reshape(200, -1), y)
    before = tab.predict(X.reshape(200, -1)[:3])
    tab.set_params(n_channels=3)
    np.testing.assert_array_equal(tab.predict(X.reshape(200, -1)[:3]), before)


def test_zero_weight_batches_are_skipped(sum_task):
    X, y = sum_task
    weights = np.r_[np.zeros(100), np.ones(100)]
    reg = RNNRegressor(**FAST, batch_size=50, shuffle=False).fit(X, y, sample_weight=weights)
    assert np.isfinite(reg.loss_curve_).all()


def test_warm_start_can_switch_on_early_stopping(sum_task):
    X, y = sum_task
    reg = RNNRegressor(**{**FAST, "max_iter": 2}, warm_start=True).fit(X, y)
    reg.set_params(early_stopping=True, max_iter=3).fit(X, y)
    assert len(reg.validation_scores_) == reg.n_iter_


def test_ragged_int_and_float_targets_are_not_truncated(rng):
    X = [rng.normal(size=(3, 1)), rng.normal(size=(5, 1))] * 5
    y = [np.array([0, 1, 2]), np.array([0.5, 1.5, 2.5, 3.5, 4.5])] * 5
    reg = RNNRegressor(4, return_sequences=True, max_iter=2, random_state=0).fit(X, y)
    assert reg.score(X, y) < 1.0  # fitted against the real targets (no crash, no ints)
    with pytest.raises(ValueError, match="pass y as a list"):
        reg.fit(X, np.zeros((10, 5)))


def test_predict_chunks_long_sequences(rng):
    reg = RNNRegressor(**FAST).fit(rng.normal(size=(50, 4, 2)), rng.normal(size=50))
    assert reg._predict_chunk(10) == 2048
    assert reg._predict_chunk(100_000) < 50
    X_long = rng.normal(size=(60, 3000, 2))
    np.testing.assert_allclose(reg.predict(X_long)[:5], reg.predict(X_long[:5]), rtol=1e-5)


def test_epoch_loss_of_per_step_targets_is_the_full_data_loss(rng):
    # uneven lengths across minibatches: the epoch loss must weight each batch by its
    # number of weighted valid steps, as the loss of one full batch does
    X = [rng.normal(size=(n, 1)) for n in (2, 2, 2, 9, 9, 9)]
    y = [x[:, 0] * 2 for x in X]
    params = dict(hidden_layer_sizes=3, return_sequences=True, random_state=0,
                  learning_rate_init=1e-12, shuffle=False, alpha=0.0, dropout=0.0)
    per_batch = RNNRegressor(batch_size=3, max_iter=1, **params).fit(X, y)
    full = RNNRegressor(batch_size=6, max_iter=1, **params).fit(X, y)
    assert per_batch.loss_ == pytest.approx(full.loss_, rel=1e-5)
