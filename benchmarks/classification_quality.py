"""Sequence classification quality of skrnn against classical baselines, on real data.

What it measures: test accuracy on the five classification sets of ``shared/data/``
(GunPoint, ItalyPowerDemand, JapaneseVowels, BasicMotions, PickupGestureWiimoteZ), each
with its OFFICIAL train/test split and its RAW inputs as they come (no normalisation added
by the protocol). Optionally also RMSE and R² on one real sequence regression set,
Covid3Month, read from the ``.ts`` files inside aeon 1.6.0's wheel (aeon is not installed).

* Baselines: 1-NN Euclidean, 1-NN DTW (dependent DTW "DTW_D": full window, squared
  difference summed over channels, on the raw sequences at their true lengths),
  ``RandomForestClassifier(n_estimators=500)`` and ``StandardScaler`` + ``MLPClassifier``.
  The fixed-length baselines see variable-length sets linearly resampled (``np.interp``,
  per channel) to the longest training length and flattened. Random forest and MLP run
  over the seeds; the 1-NN methods are deterministic and run once.
* skrnn: the named configurations of ``CONFIGS`` (``REG_CONFIGS`` for regression), over
  the seeds, on the raw inputs: 3-D arrays for fixed-length sets, a list of ``(T_i, C)``
  arrays for the variable-length ones.

Reported: mean ± std over seeds of the score, mean fit and predict time in seconds.

Run from the repository root::

    python benchmarks/classification_quality.py --quick           # smoke test, ~1 min
    python benchmarks/classification_quality.py --selftest        # DTW against a plain DTW
    python benchmarks/classification_quality.py --configs none --markdown   # baselines only
    python benchmarks/classification_quality.py --no-baselines --configs defaults --markdown
    python benchmarks/classification_quality.py --aeon-wheel /tmp/aeon_whl/aeon-1.6.0-py3-none-any.whl

The data folder is ``../shared/data`` next to the repository (``--data DIR`` or the
environment variable ``SKRNN_DATA`` override it); the aeon wheel comes from
``--aeon-wheel PATH`` or ``SKRNN_AEON_WHEEL`` (get it with
``pip download aeon==1.6.0 --no-deps -d /tmp/aeon_whl``). Results:
``docs/classification_quality.md``.
"""

import argparse
import json
import os
import platform
import subprocess
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import RidgeCV
from sklearn.metrics import accuracy_score, r2_score, root_mean_squared_error
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import RNNClassifier, RNNRegressor


# --- the skrnn configurations under test (edit freely) --------------------------------
CONFIGS = {
    "defaults": lambda seed: RNNClassifier(random_state=seed),
    # twice the ensemble and three times the patience: about 2-3x the fit time
    "strong": lambda seed: RNNClassifier(n_estimators=10, n_iter_no_change=30,
                                         random_state=seed),
    # the defaults before issue #7 (what a new user got), for the cost/benefit comparison
    "previous": lambda seed: RNNClassifier(
        hidden_layer_sizes=32, cell="lstm", bidirectional=False, pooling="last",
        patch_size=1, standardize=False, n_estimators=1, dropout=0.0, random_state=seed),
}
REG_CONFIGS = {
    "defaults": lambda seed: RNNRegressor(random_state=seed),
}

CLASSIFICATION_SETS = (
    "GunPoint", "ItalyPowerDemand", "JapaneseVowels", "BasicMotions", "PickupGestureWiimoteZ",
)
REGRESSION_SETS = ("Covid3Month",)
# Test accuracy from shared/data/README.md (same protocol), to compare against.
REFERENCE = {
    "1-NN Euclidean": (.913, .955, .951, .600, .680),
    "1-NN DTW": (.907, .950, .949, .975, .700),
    "random forest": (.925, .969, .948, .930, .788),
    "MLP": (.940, .953, .981, .755, .676),
}
QUICK_SIZE = 30  # --quick: at most this many training and test sequences per set
CLASSIFICATION_METRICS = {"accuracy": accuracy_score}
REGRESSION_METRICS = {"rmse": root_mean_squared_error, "r2": r2_score}
DIGITS = {"rmse": 4}  # decimals shown per metric (default 3)


# --- data ------------------------------------------------------------------------------
def default_data_dir():
    """``$SKRNN_DATA``, else ``shared/data`` beside the repository."""
    env = os.environ.get("SKRNN_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "data"


def load_classification(name, data_dir):
    """Return ``(X_train, y_train, X_test, y_test)``; ragged sets as lists of arrays."""
    with np.load(Path(data_dir) / f"{name}.npz", allow_pickle=True) as npz:
        parts = [npz[key] for key in ("X_train", "y_train", "X_test", "y_test")]
    for k in (0, 2):
        if parts[k].dtype == object:  # variable length: 1-D object array of (T_i, C)
            parts[k] = [np.asarray(x, dtype=float) for x in parts[k]]
    return tuple(parts)


def subsample(X, y, size, rng):
    """At most ``size`` sequences of ``(X, y)``, drawn without replacement."""
    if len(y) <= size:
        return X, y
    keep = np.sort(rng.choice(len(y), size, replace=False))
    X = [X[i] for i in keep] if isinstance(X, list) else X[keep]
    return X, y[keep]


def resample_flat(X, length):
    """Resample every sequence linearly to ``length`` steps per channel and flatten it."""
    rows = []
    for x in X:
        grid = np.linspace(0, len(x) - 1, length)
        steps = np.arange(len(x))
        resampled = np.column_stack([np.interp(grid, steps, x[:, c]) for c in range(x.shape[1])])
        rows.append(resampled.ravel())
    return np.array(rows)


def pad(X):
    """Zero-pad sequences at the end into ``(n, T_max, C)``; return it and the lengths."""
    lengths = np.array([len(x) for x in X])
    out = np.zeros((len(X), lengths.max(), X[0].shape[1]))
    for k, x in enumerate(X):
        out[k, : len(x)] = x
    return out, lengths


# --- dependent DTW, vectorised over all (test, train) pairs ---------------------------
def dtw_reference(a, b):
    """Plain O(n m) DTW_D between ``a`` (n, C) and ``b`` (m, C): the self-test's yardstick."""
    D = np.full((len(a) + 1, len(b) + 1), np.inf)
    D[0, 0] = 0.0
    for i in range(len(a)):
        for j in range(len(b)):
            cost = np.sum((a[i] - b[j]) ** 2)
            D[i + 1, j + 1] = cost + min(D[i, j + 1], D[i + 1, j], D[i, j])
    return D[len(a), len(b)]


def _dtw_block(A, len_a, B, len_b):
    """DTW_D of every pair of ``A`` (n_a, Ta, C) and ``B`` (n_b, Tb, C): (n_a, n_b).

    One Python iteration per cell (i, j) of the cost matrix, each on an (n_a, n_b) array
    of all pairs. Cells beyond a sequence's length cost +inf; valid cells only depend on
    cells up and left of them, so D at (len_a - 1, len_b - 1) is each pair's exact DTW.
    """
    n_a, n_b, Tb = len(A), len(B), B.shape[1]
    inf_b = np.where(np.arange(Tb)[:, None] >= len_b, np.inf, 0.0)[:, None, :]  # (Tb, 1, n_b)
    B_t = B.transpose(1, 0, 2)[:, None, :, :]  # (Tb, 1, n_b, C)
    out = np.full((n_a, n_b), np.nan)
    prev = np.full((Tb, n_a, n_b), np.inf)  # D row i - 1, laid out (j, pair_a, pair_b)
    for i in range(A.shape[1]):
        cost = ((B_t - A[None, :, None, i, :]) ** 2).sum(axis=-1) + inf_b  # (Tb, n_a, n_b)
        cost[:, len_a <= i] = np.inf
        cur = np.empty_like(prev)
        cur[0] = cost[0] + (prev[0] if i else 0.0)
        for j in range(1, Tb):
            cur[j] = cost[j] + np.minimum(np.minimum(prev[j], prev[j - 1]), cur[j - 1])
        done = len_a == i + 1
        if done.any():
            out[done] = cur[len_b - 1, np.flatnonzero(done)[:, None], np.arange(n_b)]
        prev = cur
    return out


def dtw_matrix(X_a, X_b, max_elements=2**22):
    """DTW_D distances between two lists of ``(T_i, C)`` sequences: (len(X_a), len(X_b)).

    ``X_a`` is cut into blocks so that one row of costs holds at most ``max_elements``
    floats; each block is trimmed to its own longest sequence.
    """
    (A, len_a), (B, len_b) = pad(X_a), pad(X_b)
    block = max(1, max_elements // B.size)
    out = np.empty((len(A), len(B)))
    for start in range(0, len(A), block):
        rows = slice(start, start + block)
        out[rows] = _dtw_block(A[rows, : len_a[rows].max()], len_a[rows], B, len_b)
    return out


class OneNearestNeighbourDTW(ClassifierMixin, BaseEstimator):
    """1-NN classifier with the DTW_D distance (full window) on raw sequences."""

    def fit(self, X, y):
        self.X_, self.y_ = list(X), np.asarray(y)
        return self

    def predict(self, X):
        return self.y_[dtw_matrix(list(X), self.X_).argmin(axis=1)]


def selftest(data_dir=None):
    """Check ``dtw_matrix`` against ``dtw_reference``; return True if every check passes.

    Pairs: random sequences of 1-11 steps with 1 and 3 channels, and (if the data folder
    is there) real ones from JapaneseVowels (12 channels) and PickupGestureWiimoteZ.
    """
    rng = np.random.default_rng(0)
    groups = [[rng.normal(size=(rng.integers(1, 12), channels)) for _ in range(6)]
              for channels in (1, 3)]
    if data_dir is not None and (Path(data_dir) / "JapaneseVowels.npz").exists():
        for name in ("JapaneseVowels", "PickupGestureWiimoteZ"):
            X_train, _, X_test, _ = load_classification(name, data_dir)
            groups.append(list(X_train[:3]) + list(X_test[:3]))
    worst, ok = 0.0, True
    for seqs in groups:
        fast = dtw_matrix(seqs[:3], seqs[3:], max_elements=1)  # blocks of one sequence
        slow = np.array([[dtw_reference(a, b) for b in seqs[3:]] for a in seqs[:3]])
        worst = max(worst, float(np.max(np.abs(fast - slow) / np.maximum(slow, 1e-300))))
        ok &= np.allclose(fast, slow, rtol=1e-12, atol=0)
        ok &= np.all(dtw_matrix(seqs, seqs).diagonal() == 0.0)  # and in one block
    a, b = rng.normal(size=(2, 10, 2))  # equal lengths: DTW <= the diagonal path
    ok &= dtw_matrix([a], [b])[0, 0] <= np.sum((a - b) ** 2)
    n_pairs = 9 * len(groups)
    print(f"DTW self-test: {n_pairs} pairs against the plain O(n m) DTW (1, 3 and 12 "
          f"channels, lengths {min(len(x) for g in groups for x in g)}-"
          f"{max(len(x) for g in groups for x in g)}); max relative difference "
          f"{worst:.1e}: {'OK' if ok else 'FAILED'}")
    return bool(ok)


# --- models and how they are measured -------------------------------------------------
# name -> (input view, factory of seed, seeded?): "flat" = resampled and flattened
BASELINES = {
    "1-NN Euclidean": ("flat", lambda s: KNeighborsClassifier(1, algorithm="brute"), False),
    "1-NN DTW": ("raw", lambda s: OneNearestNeighbourDTW(), False),
    "random forest": ("flat", lambda s: RandomForestClassifier(500, random_state=s), True),
    "MLP": ("flat", lambda s: make_pipeline(
        StandardScaler(), MLPClassifier(random_state=s, max_iter=1000)), True),
}
REG_BASELINES = {
    "training mean": ("flat", lambda s: DummyRegressor(), False),
    "ridge (RidgeCV)": ("flat", lambda s: RidgeCV(alphas=np.logspace(-3, 7, 21)), False),
    "random forest": ("flat", lambda s: RandomForestRegressor(500, random_state=s), True),
}


def evaluate(make_model, view, seeds, metrics):
    """Fit and score one model over ``seeds`` on ``view = (X_train, y_train, X_test, y_test)``.

    Returns a record ``{metric: [..], "fit_s": [..], "predict_s": [..]}``, one entry per seed.
    """
    X_train, y_train, X_test, y_test = view
    record = {name: [] for name in (*metrics, "fit_s", "predict_s")}
    for seed in seeds:
        model = make_model(seed)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        record["fit_s"].append(time.perf_counter() - start)
        start = time.perf_counter()
        y_pred = model.predict(X_test)
        record["predict_s"].append(time.perf_counter() - start)
        for name, metric in metrics.items():
            record[name].append(float(metric(y_test, y_pred)))
    return record


def views(X_train, y_train, X_test, y_test):
    """The two input views: ``"raw"`` as loaded and ``"flat"`` (resampled, flattened)."""
    length = max(len(x) for x in X_train)
    flat = (resample_flat(X_train, length), y_train, resample_flat(X_test, length), y_test)
    return {"raw": (X_train, y_train, X_test, y_test), "flat": flat}


def run_set(data, baselines, configs, seeds, metrics):
    """All requested methods on one set: ``{method: record}``."""
    data_views = views(*data)
    results = {}
    for method, (view, make, seeded) in baselines.items():
        results[method] = evaluate(make, data_views[view], seeds if seeded else [0], metrics)
    for name, make in configs.items():
        results[f"skrnn {name}"] = evaluate(make, data_views["raw"], seeds, metrics)
    return results


# --- the regression set from aeon's wheel ---------------------------------------------
def parse_ts(text):
    """Sequences and float targets of a ``.ts`` file with ``@targetlabel true``.

    Header lines start with ``@`` (comments with ``#``); each data line holds the channels
    separated by ``:``, values by ``,``, and the target after the last ``:``.
    """
    X, y = [], []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("@", "#")):
            continue
        *channels, target = line.split(":")
        values = [[float(v) for v in channel.split(",")] for channel in channels]
        X.append(np.array(values, dtype=float).T)  # (T, C)
        y.append(float(target))
    return X, np.array(y)


def load_regression(name, wheel):
    """Return ``(X_train, y_train, X_test, y_test)`` of an aeon regression problem."""
    with zipfile.ZipFile(wheel) as archive:
        splits = [parse_ts(archive.read(f"aeon/datasets/data/{name}/{name}_{split}.ts").decode())
                  for split in ("TRAIN", "TEST")]
    (X_train, y_train), (X_test, y_test) = splits
    if len({len(x) for x in X_train + X_test}) == 1:  # equal length: one 3-D array
        X_train, X_test = np.array(X_train), np.array(X_test)
    return X_train, y_train, X_test, y_test


# --- reporting ------------------------------------------------------------------------
def machine_info():
    """One line: cores, load, Python / NumPy / scikit-learn versions, git commit."""
    root = Path(__file__).resolve().parents[1]
    git = ["git", "-C", str(root)]
    try:
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain", "skrnn"], capture_output=True,
                               text=True, check=True).stdout.strip()
        commit += " (skrnn/ has uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (f"{os.cpu_count()} cores ({platform.machine()}, load {load}), "
            f"Python {platform.python_version()}, numpy {np.__version__}, "
            f"scikit-learn {sklearn.__version__}, skrnn commit {commit}")


def mean_std(values, digits=3):
    """``"mean ± std"``, or the single value of a deterministic method."""
    values = np.asarray(values)
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{values.mean():.{digits}f} ± {values.std():.{digits}f}"


def print_set(name, results, metrics):
    """Plain-text table of one set, printed as soon as it is done."""
    print(f"\n{name}")
    print(f"  {'method':18s}" + "".join(f" {m:>17s}" for m in metrics) + "     fit s  predict s")
    for method, record in results.items():
        scores = "".join(f" {mean_std(record[m], DIGITS.get(m, 3)):>17s}" for m in metrics)
        print(f"  {method:18s}{scores} {np.mean(record['fit_s']):9.2f} "
              f"{np.mean(record['predict_s']):10.2f}", flush=True)


def markdown_table(results, sets, cell):
    """Markdown table, rows = methods, columns = sets, cells ``cell(record)``."""
    methods = list(dict.fromkeys(m for s in sets for m in results[s]))
    lines = ["| method | " + " | ".join(sets) + " |", "|---" * (len(sets) + 1) + "|"]
    for method in methods:
        cells = [cell(results[s][method]) if method in results[s] else "" for s in sets]
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return lines


def markdown(results, seeds):
    """The accuracy, time and regression tables of ``docs/classification_quality.md``."""
    sets = [s for s in CLASSIFICATION_SETS if s in results]
    out = []
    if sets:
        out += [f"Test accuracy (seeds {list(seeds)} for seeded methods):", ""]
        out += markdown_table(results, sets, lambda r: mean_std(r["accuracy"]))
        out += [f"| {m} (reference) | " + " | ".join(
            f"{REFERENCE[m][CLASSIFICATION_SETS.index(s)]:.3f}" for s in sets) + " |"
            for m in REFERENCE]
        out += ["", "Mean time in seconds, fit / predict:", ""]
        out += markdown_table(results, sets, lambda r: "{:.2f} / {:.2f}".format(
            np.mean(r["fit_s"]), np.mean(r["predict_s"])))
    for name in (s for s in REGRESSION_SETS if s in results):
        out += ["", f"{name} (official split), RMSE and R² on the test set:", "",
                "| method | RMSE | R² | fit s |", "|---|---|---|---|"]
        out += [f"| {m} | {mean_std(r['rmse'], DIGITS['rmse'])} | {mean_std(r['r2'])} | "
                f"{np.mean(r['fit_s']):.2f} |" for m, r in results[name].items()]
    return "\n".join(out)


# --- command line ---------------------------------------------------------------------
def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(CLASSIFICATION_SETS + REGRESSION_SETS),
                        help="comma list of sets (default: all)")
    parser.add_argument("--configs", default=",".join(CONFIGS),
                        help="comma list of skrnn configurations, or 'none'")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (default 5)")
    parser.add_argument("--baselines", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--quick", action="store_true",
                        help=f"1 seed, at most {QUICK_SIZE} training and test sequences")
    parser.add_argument("--markdown", action="store_true", help="print markdown tables")
    parser.add_argument("--json", default=None, help="write all records to this file")
    parser.add_argument("--selftest", action="store_true", help="check the DTW and exit")
    parser.add_argument("--data", default=None, help="data folder (default: $SKRNN_DATA "
                        "or ../shared/data relative to the repository root)")
    parser.add_argument("--aeon-wheel", default=os.environ.get("SKRNN_AEON_WHEEL"),
                        help="aeon 1.6.0 wheel, for the regression set ($SKRNN_AEON_WHEEL)")
    return parser.parse_args(argv)


def pick(table, names, what):
    """The entries of ``table`` named in the comma list ``names`` ('none': nothing)."""
    chosen = [n for n in names.split(",") if n and n != "none"]
    unknown = [n for n in chosen if n not in table]
    if unknown:
        raise SystemExit(f"unknown {what}: {unknown}; choose from {list(table)}")
    return {n: table[n] for n in chosen}


def load(name, args):
    """The data of one set, subsampled with ``--quick``; None (with a note) if unavailable."""
    if name in REGRESSION_SETS:
        if not args.aeon_wheel:
            print(f"\n{name}: skipped (give the aeon 1.6.0 wheel with --aeon-wheel PATH or "
                  "SKRNN_AEON_WHEEL; pip download aeon==1.6.0 --no-deps -d DIR)")
            return None
        data = load_regression(name, args.aeon_wheel)
    else:
        data = load_classification(name, args.data or default_data_dir())
    if args.quick:
        rng = np.random.default_rng(0)
        data = (*subsample(*data[:2], QUICK_SIZE, rng), *subsample(*data[2:], QUICK_SIZE, rng))
    return data


def run(args, seeds):
    """Every requested set: ``{set: {method: record}}``, each set printed when done."""
    results = {}
    for name in pick({s: s for s in CLASSIFICATION_SETS + REGRESSION_SETS}, args.sets, "sets"):
        data = load(name, args)
        if data is None:
            continue
        if name in REGRESSION_SETS:  # configs without a regression counterpart are skipped
            metrics, baselines = REGRESSION_METRICS, REG_BASELINES
            configs = {n: REG_CONFIGS[n] for n in args.configs.split(",") if n in REG_CONFIGS}
        else:
            metrics, baselines = CLASSIFICATION_METRICS, BASELINES
            configs = pick(CONFIGS, args.configs, "configs")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            results[name] = run_set(data, baselines if args.baselines else {}, configs,
                                    seeds, metrics)
        print_set(name, results[name], metrics)
    return results


def main(argv=None):
    args = parse_args(argv)
    if args.selftest:
        raise SystemExit(0 if selftest(args.data or default_data_dir()) else 1)
    seeds = range(1 if args.quick else args.seeds)
    print(f"machine: {machine_info()}")
    print(f"seeds {list(seeds)}")
    start = time.perf_counter()
    results = run(args, seeds)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    if args.markdown:
        print("\n" + markdown(results, seeds))
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"machine": machine_info(), "seeds": list(seeds), "results": results}, indent=1))
        print(f"written to {args.json}")


if __name__ == "__main__":
    main()
