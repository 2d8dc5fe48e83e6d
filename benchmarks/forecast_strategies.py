"""Recursive, direct and encoder–decoder (seq2seq) forecasting with the default network.

The series, horizons, seasonal periods and splits are those of
``benchmarks/forecast_quality.py`` (imported from it), on its development
splits only: ``--dev K`` scores the windows of ``h`` points ending ``h``,
``2h`` ... ``Kh`` points before each series' end (default 1: the ``h`` points
right before the test window), never the test window itself. Each strategy is
``RNNForecaster(strategy=..., horizon=h, random_state=seed)`` with everything
else at its default (5 averaged GRU networks of 16 units).

Reported: MASE per series and strategy (mean over seeds and origins), the
geometric mean over series of each strategy's MASE divided by the direct one's,
and the fit + predict CPU time per series.

``--strategies`` adds variants of the encoder–decoder (``"seq2seq tf=0"``:
the default network trained free-running, ``teacher_forcing=0``); the ratios
need ``direct`` among them.

Run ``python benchmarks/forecast_strategies.py [--seeds 1] [--first-seed 0] [--dev 1] [--series a,b]
[--strategies a,b] [--output PATH]``.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from forecast_quality import development_origins, load_series, split  # noqa: E402

from skrnn import RNNForecaster, mean_absolute_scaled_error  # noqa: E402

STRATEGIES = ("recursive", "direct", "seq2seq")
# Variants of the encoder–decoder, by name: the default network's parameters changed.
VARIANTS = {"seq2seq tf=0": ("seq2seq", {"estimator__teacher_forcing": 0.0})}


def make_forecaster(strategy, h, seed):
    strategy, network = VARIANTS.get(strategy, (strategy, {}))
    return RNNForecaster(strategy=strategy, horizon=h, random_state=seed).set_params(**network)


def score_one(strategy, y, h, m, seed, dev):
    """``(MASE, CPU seconds)`` of one strategy on one development window."""
    train, test = split(y, h, dev)
    start = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pred = make_forecaster(strategy, h, seed).fit(train).predict(h).to_numpy()
    seconds = time.process_time() - start
    mase = mean_absolute_scaled_error(test.to_numpy(), pred, y_train=train.to_numpy(), seasonal_period=m)
    return mase, seconds


def run(series, seeds, dev, strategies=STRATEGIES):
    """``(mase, seconds)``: DataFrames series x strategy, means over seeds and origins."""
    mase, seconds = {s: {} for s in strategies}, {s: {} for s in strategies}
    for name, (y, h, m) in series.items():
        origins = development_origins(len(y), h, m, dev)
        for strategy in strategies:
            runs = [score_one(strategy, y, h, m, seed, k) for seed in seeds for k in origins]
            mase[strategy][name] = float(np.mean([r[0] for r in runs]))
            seconds[strategy][name] = float(np.mean([r[1] for r in runs]))
            print(f"{name:12s} {strategy:9s} {mase[strategy][name]:.3f} ({seconds[strategy][name]:.1f} s)", flush=True)
    return pd.DataFrame(mase), pd.DataFrame(seconds)


def to_markdown(mase, seconds):
    table = mase.round(3).astype(str)
    ratio = np.exp(np.log(mase.div(mase["direct"], axis=0)).mean())
    rows = [
        "| series | " + " | ".join(mase.columns) + " |",
        "|---|" + "---:|" * len(mase.columns),
        *(f"| {name} | " + " | ".join(table.loc[name]) + " |" for name in mase.index),
        "| geometric mean / direct | " + " | ".join(f"{ratio[c]:.3f}" for c in mase.columns) + " |",
        "| mean MASE | " + " | ".join(f"{mase[c].mean():.3f}" for c in mase.columns) + " |",
        "| mean fit + predict CPU s | " + " | ".join(f"{seconds[c].mean():.1f}" for c in mase.columns) + " |",
    ]
    return "\n".join(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--first-seed", type=int, default=0, help="seeds first-seed .. first-seed + seeds - 1")
    parser.add_argument("--dev", type=int, default=1, help="development windows per series (at least 1)")
    parser.add_argument("--series", default=None, help="comma-separated names (default: all)")
    parser.add_argument("--strategies", default=",".join(STRATEGIES), help=f"of {[*STRATEGIES, *VARIANTS]}")
    parser.add_argument("--output", default=None)
    args = parser.parse_args(argv)
    series = load_series()
    if args.series:
        series = {name: series[name] for name in args.series.split(",")}
    mase, seconds = run(series, list(range(args.first_seed, args.first_seed + args.seeds)), max(1, args.dev), args.strategies.split(","))
    text = to_markdown(mase, seconds)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n")


if __name__ == "__main__":
    main()
