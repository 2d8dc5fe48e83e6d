"""Cross-validated accuracy of RNNClassifier variants on the TRAINING splits only.

How defaults are judged without looking at a test split (docs/classification_quality.md,
"How the defaults were chosen"): 3-fold stratified cross-validation inside each training
set, over seeds (the fold shuffle and ``random_state``), for the defaults and for one
change at a time. ``rf`` is the 500-tree random forest of ``classification_quality.py``
on the same folds, for reference.

Run ``python benchmarks/classification_levers.py --variants defaults,deltas --seeds 0,1``
(``--sets`` a comma list of the five sets, default all).
"""

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold

from skrnn import RNNClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from classification_quality import default_data_dir, load_classification  # noqa: E402

SETS = ("GunPoint", "ItalyPowerDemand", "JapaneseVowels", "BasicMotions",
        "PickupGestureWiimoteZ")


def _is_ragged(X):
    return isinstance(X, list) or X.dtype == object


def _take(X, rows):
    return [X[i] for i in rows] if _is_ragged(X) else X[rows]


def _steps(x):
    x = np.asarray(x, dtype=float)
    return x[:, None] if x.ndim == 1 else x


def with_deltas(X):
    """Each sequence with its first differences as extra channels (first step: 0); a
    list stays a list, an array an array."""
    if _is_ragged(X):
        return [np.hstack([x, np.diff(x, axis=0, prepend=x[:1])]) for x in map(_steps, X)]
    X = np.asarray(X, dtype=float)
    X = X[:, :, None] if X.ndim == 2 else X
    return np.concatenate([X, np.diff(X, axis=1, prepend=X[:, :1])], axis=2)


def resampled(X, length):
    """Each sequence linearly resampled to ``length`` steps, channel by channel."""
    def one(x):
        t = np.linspace(0, len(x) - 1, length)
        return np.column_stack([np.interp(t, np.arange(len(x)), c) for c in x.T])
    return np.stack([one(x) for x in map(_steps, X)])


def with_crops(X, y, n_copies, fraction, seed):
    """The sequences and ``n_copies`` random crops of each (a contiguous ``fraction`` of
    its steps, "window slicing"), as a list with the labels repeated."""
    rng = np.random.default_rng(seed)
    sequences, labels = [_steps(x) for x in X], list(y)
    for _ in range(n_copies):
        for x, label in zip(list(sequences[: len(X)]), y):
            length = max(2, int(round(fraction * len(x))))
            start = rng.integers(0, len(x) - length + 1)
            sequences.append(x[start:start + length])
            labels.append(label)
    return sequences, np.asarray(labels)


def with_jitter(X, y, n_copies, scale, seed):
    """The sequences and ``n_copies`` noisy copies of each: Gaussian noise of ``scale``
    times each channel's standard deviation over the training steps, added to every step
    ("jittering"); a list with the labels repeated."""
    rng = np.random.default_rng(seed)
    sequences = [_steps(x) for x in X]
    std = np.vstack(sequences).std(axis=0)
    noisy = [x + rng.normal(0, scale, x.shape) * std
             for _ in range(n_copies) for x in sequences]
    return sequences + noisy, np.concatenate([y] * (n_copies + 1))


def three_two_vote(three, inputs_three, two, inputs_two, y_train):
    """Labels of two ensembles fitted apart, a 3-member ``three`` and a 2-member ``two``,
    each on its own (train, test) inputs: their probabilities averaged 3:2, as one
    ensemble of five would."""
    proba = sum(weight * model.fit(X_train, y_train).predict_proba(X_test)
                for weight, model, (X_train, X_test)
                in ((3, three, inputs_three), (2, two, inputs_two))) / 5
    return three.classes_[np.argmax(proba, axis=1)]


def fit_predict(variant, X_train, y_train, X_test, seed):
    if variant == "rf":
        length = max(len(x) for x in X_train)
        flat = [resampled(X, length).reshape(len(X), -1) for X in (X_train, X_test)]
        forest = RandomForestClassifier(n_estimators=500, random_state=seed)
        return forest.fit(flat[0], y_train).predict(flat[1])
    if variant == "deltas":
        X_train, X_test = with_deltas(X_train), with_deltas(X_test)
    if variant == "resampled":
        length = int(np.median([len(x) for x in X_train]))
        X_train, X_test = resampled(X_train, length), resampled(X_test, length)
    if variant.startswith("crop"):  # crop<copies>_<percent>, e.g. crop2_90
        copies, percent = map(int, variant[4:].split("_"))
        X_train, y_train = with_crops(X_train, y_train, copies, percent / 100, seed)
        X_test = [_steps(x) for x in X_test]
    if variant.startswith("jitter"):  # jitter<copies>_<percent of the std>, e.g. jitter2_10
        copies, percent = map(int, variant[6:].split("_"))
        X_train, y_train = with_jitter(X_train, y_train, copies, percent / 100, seed)
        X_test = [_steps(x) for x in X_test]
    # "last5": the defaults before pooling="auto" (five "last" members), against which
    # every lever up to mixed pooling was measured
    params = {"last5": dict(pooling="last"), "lmm": dict(pooling=["last", "max", "mean"]), "n10": dict(n_estimators=10), "patience30": dict(n_iter_no_change=30),
              "lr3": dict(learning_rate_init=0.003),
              "alpha1e-3": dict(alpha=1e-3), "alpha1e-2": dict(alpha=1e-2),
              "batch16": dict(batch_size=16), "batch32": dict(batch_size=32),
              "batch16_adaptive": dict(batch_size=16, learning_rate="adaptive"),
              "batch16_lr2": dict(batch_size=16, learning_rate_init=0.002)}
    if variant.startswith("mixed_"):  # mixed_<pooling>: 3 members "last", 2 <pooling>
        return three_two_vote(
            RNNClassifier(random_state=seed, n_estimators=3, pooling="last"), (X_train, X_test),
            RNNClassifier(random_state=seed + 1000, n_estimators=2, pooling=variant[6:]),
            (X_train, X_test), y_train)
    if variant == "mixdeltas":  # 3 members on the raw channels, 2 with their differences
        return three_two_vote(
            RNNClassifier(random_state=seed, n_estimators=3), (X_train, X_test),
            RNNClassifier(random_state=seed + 1000, n_estimators=2),
            (with_deltas(X_train), with_deltas(X_test)), y_train)
    if variant.startswith("batches"):  # batches<k>[_adaptive]: k minibatches per epoch
        k = int(variant[7:].split("_")[0])
        params[variant] = dict(batch_size=-(-len(y_train) // k))
        if variant.endswith("_adaptive"):
            params[variant]["learning_rate"] = "adaptive"
    model = RNNClassifier(random_state=seed, **params.get(variant, {}))
    return model.fit(X_train, y_train).predict(X_test)


def main():
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--variants", default="defaults,last5,rf")
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--data", default=None, help="default: $SKRNN_DATA or ../shared/data")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    for name in args.sets.split(","):
        X, y, _, _ = load_classification(name, args.data or default_data_dir())
        for variant in args.variants.split(","):
            scores, start = [], time.perf_counter()
            for seed in map(int, args.seeds.split(",")):
                folds = StratifiedKFold(3, shuffle=True, random_state=seed)
                for train, test in folds.split(np.zeros(len(y)), y):
                    predicted = fit_predict(variant, _take(X, train), y[train],
                                            _take(X, test), seed)
                    scores.append(np.mean(predicted == y[test]))
            print(json.dumps(dict(set=name, variant=variant, cv=round(float(np.mean(scores)), 4),
                                  seconds=round(time.perf_counter() - start, 1))), flush=True)


if __name__ == "__main__":
    main()
