"""What batch-invariant predictions cost: prediction batches padded to whole tiles.

The engine pads every batch with zero rows to a multiple of ``BATCH_TILE`` (32) rows so a
row's float32 prediction does not depend on the other rows of its batch (the GEMM kernel
rounds a partial edge tile differently; ``skrnn/_engine/_propagation.py``). This script
times ``predict_proba`` of a default ``RNNClassifier`` on batches of 1 to 64 sequences with
the padding (as shipped) and without it (``BATCH_TILE = 1``), alternating the two over
rounds, one BLAS thread, and reports the median ratio padded / unpadded.

Run ``python benchmarks/bench_batch_tiles.py [--rounds 5]``.
"""

import argparse
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

import skrnn._engine._propagation as propagation
from skrnn import RNNClassifier

BATCHES = (1, 7, 32, 33, 64, 200)


def _median_ms(model, X, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict_proba(X)
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(max(BATCHES), 100, 3)).astype(np.float32)
    y = rng.integers(0, 2, len(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = RNNClassifier(random_state=0, max_iter=2).fit(X, y)
    shipped = propagation.BATCH_TILE
    print("| rows | padded ms | unpadded ms | ratio (range over rounds) |")
    print("|---:|---:|---:|---:|")
    with threadpool_limits(1):
        for n in BATCHES:
            padded, unpadded = [], []
            for _ in range(args.rounds):
                propagation.BATCH_TILE = shipped
                padded.append(_median_ms(model, X[:n], args.repeats))
                propagation.BATCH_TILE = 1
                unpadded.append(_median_ms(model, X[:n], args.repeats))
            propagation.BATCH_TILE = shipped
            ratios = np.array(padded) / np.array(unpadded)
            print(f"| {n} | {np.median(padded):.2f} | {np.median(unpadded):.2f} | "
                  f"**{np.median(ratios):.2f}** ({ratios.min():.2f}-{ratios.max():.2f}) |")


if __name__ == "__main__":
    main()
