"""Fit time of the default estimators and forecaster against the BLAS thread count.

skrnn runs one BLAS thread for networks whose per-step products are small
(``skrnn/_threads.py``). This script measures what that policy buys: each model is
fitted under ``threadpool_limits(k)`` for k = 1 and all cores, with the policy (as
shipped) and without it (``MULTITHREAD_MIN_MACS = 0``: BLAS keeps the threads it is
given), alternating the four settings over rounds and reporting the median.

Run ``python benchmarks/bench_threads.py [--rounds 3]``. A machine with other work
running shows the largest gaps: OpenBLAS threads wait for each other at every step.
"""

import argparse
import os
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

import skrnn._threads as threads
from skrnn import RNNClassifier, RNNForecaster
from skrnn.datasets import load_airline

DATA = Path(os.environ.get("SKRNN_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def _load(name):
    d = np.load(DATA / f"{name}.npz", allow_pickle=True)
    X = d["X_train"]
    X = [np.asarray(x, dtype=float) for x in X] if X.dtype == object else X.astype(float)
    return X, d["y_train"]


def jobs():
    """name -> a function that fits one default model."""
    jv, bm = _load("JapaneseVowels"), _load("BasicMotions")
    airline = load_airline()
    return {
        "RNNClassifier() JapaneseVowels": lambda: RNNClassifier(random_state=0).fit(*jv),
        "RNNClassifier() BasicMotions": lambda: RNNClassifier(random_state=0).fit(*bm),
        "RNNForecaster() airline": lambda: RNNForecaster(random_state=0).fit(airline),
    }


def timed(fit, n_threads, policy):
    threads.MULTITHREAD_MIN_MACS = 2**24 if policy else 0
    with threadpool_limits(limits=n_threads, user_api="blas"):
        start = time.perf_counter()
        fit()
        return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    n_all = os.cpu_count()
    settings = [(1, True), (n_all, True), (1, False), (n_all, False)]
    print(f"{n_all} cores, load {os.getloadavg()[0]:.1f}; median of {args.rounds} rounds, seconds")
    print(f"| model | policy, 1 thread | policy, {n_all} threads | no policy, 1 thread "
          f"| no policy, {n_all} threads |\n|---|---|---|---|---|")
    for name, fit in jobs().items():
        times = {s: [] for s in settings}
        for _ in range(args.rounds):
            for n_threads, policy in settings:
                times[(n_threads, policy)].append(timed(fit, n_threads, policy))
        cells = " | ".join(f"{np.median(times[s]):.2f}" for s in settings)
        print(f"| {name} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
