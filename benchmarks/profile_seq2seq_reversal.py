"""Where the time of the encoder–decoder reversal fit goes (issue 11's acceptance test).

Fits ``RNNClassifier`` on 8,000 ragged one-hot sequences of 5-10 symbols (alphabet 8)
under ``cProfile``, either as ``tests/test_seq2seq.py`` fits it now (``--config test``:
one-way LSTM 64, no dropout, batch 128) or as it did before (``--config old``: the
default bidirectional encoder and dropout 0.2, batch 256), for ``--epochs`` epochs, and
prints the CPU time of input validation and of the fit, the share of each skrnn module
(own time, so NumPy's BLAS calls count for the function that makes them) and the top
functions. Run from the repository root, nice'd on a shared machine::

    nice python benchmarks/profile_seq2seq_reversal.py --config test --epochs 4
"""

import argparse
import cProfile
import pstats
import time
import warnings
from collections import defaultdict

import sys
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skrnn import RNNClassifier

# the test's own data: this script profiles exactly the fit the test runs
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_seq2seq import reversal  # noqa: E402

CONFIGS = {
    "test": dict(bidirectional=False, dropout=0.0, batch_size=128, learning_rate_init=0.01),
    "old": dict(batch_size=256, learning_rate_init=0.02),
}


def module_shares(stats):
    """Own time per source file (skrnn modules by name, the rest as "other")."""
    shares = defaultdict(float)
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        name = filename.split("skrnn/")[-1] if "skrnn/" in filename else "other"
        shares[name] += tottime
    return sorted(shares.items(), key=lambda kv: -kv[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", choices=sorted(CONFIGS), default="test")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    X, y = reversal(8000, np.random.default_rng(0))
    clf = RNNClassifier(hidden_layer_sizes=64, cell="lstm", output_steps=10,
                        n_estimators=1, max_iter=args.epochs, standardize=False,
                        random_state=0, **CONFIGS[args.config])
    start = time.process_time()
    clf._validate_input(X, y, None, reset=True)
    print(f"input validation: {time.process_time() - start:.3f} s CPU")
    profile = cProfile.Profile()
    start = time.process_time()
    profile.runcall(clf.fit, X, y)
    print(f"fit, {args.epochs} epochs (profiled): {time.process_time() - start:.2f} s CPU")
    stats = pstats.Stats(profile)
    total = sum(t for _, t in module_shares(stats))
    for name, seconds in module_shares(stats)[:10]:
        print(f"  {name:32s} {seconds:6.2f} s  {100 * seconds / total:5.1f}%")
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
