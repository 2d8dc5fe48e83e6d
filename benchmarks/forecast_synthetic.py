"""Forecast quality of RNNForecaster on a family of generated series.

The defaults of :class:`~skrnn.RNNForecaster` are chosen on these series, not
on the bundled airline and sunspots data (those are the final check, in
``forecast_quality.py``): a default tuned to two series would be tuned to
their quirks. The family covers the kinds of series users bring, a few of
each, generated from fixed seeds:

* ``monthly-mult``: trend times a seasonal profile (swings grow with the
  level) plus noise, 144 months, h=12, m=12;
* ``monthly-add``: trend plus seasonality plus AR(1) noise, 120 months,
  h=12, m=12;
* ``yearly-cycle``: AR(2) quasi-cycles (period 8 to 12 years) passed through
  an asymmetric nonlinearity, 250 years, h=10, m=1;
* ``hourly``: daily profile, a slowly wandering level and noise, 14 days
  hourly, h=24, m=24;
* ``rw-drift``: random walk with drift, 120 steps on a yearly index, h=10, m=1;
* ``monthly-weak``: a wandering level (AR(1) with phi 0.9) plus a weak
  seasonal profile drowned in noise, 120 months, h=12, m=12 (monthly data
  where the seasonal difference should not be taken);
* ``yearly-growth``: compound growth with multiplicative shocks (the spread
  of the changes grows with the level, like GDP), 80 years, h=10, m=1;
* ``short``: 60 months of seasonal data with trend (h=12, m=12) and 80 years
  of AR(2) (h=10, m=1).

Each series is split as in ``shared/data/README.md``: train on all but the
last ``h`` points, one ``h``-step forecast, MASE scaled by the in-sample
seasonal-naive one-step MAE. References: the seasonal-naive forecast and
``RNNForecaster(Ridge())`` (ridge on the same lags, with the same automatic
differencing), with and without the automatic log and seasonal difference.
Reported per family: the mean MASE over series and seeds, the mean over
series of the standard deviation across seeds, and the mean fit time; over
families, the mean and the geometric mean of the ratio to seasonal naive.

Run ``python benchmarks/forecast_synthetic.py [--seeds N] [--configs a,b]
[--output PATH]``; it prints a Markdown table and, with ``--output``, writes it.
"""

import argparse
import os
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core per job: jobs run in parallel

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge

from skrnn import RNNForecaster, mean_absolute_scaled_error
from skrnn.forecasting._ensemble import default_estimator as _default_estimator

N_PER_FAMILY = 3


# --- generators: each returns (series, horizon, seasonal period) -----------------------


def _ar(rng, n, coefs, scale=1.0, burn=100):
    noise = rng.normal(scale=scale, size=n + burn)
    x = np.zeros(n + burn)
    p = len(coefs)
    for t in range(p, n + burn):
        x[t] = np.dot(coefs, x[t - p : t][::-1]) + noise[t]
    return x[burn:]


def _season(rng, m):
    profile = np.sin(2 * np.pi * np.arange(m) / m + rng.uniform(0, 2 * np.pi))
    profile += 0.5 * np.sin(4 * np.pi * np.arange(m) / m + rng.uniform(0, 2 * np.pi))
    return profile / np.abs(profile).max()


def monthly_mult(rng, n=144):
    t = np.arange(n)
    level = 100 * np.exp(rng.uniform(0.004, 0.012) * t)
    seasonal = 1 + rng.uniform(0.1, 0.25) * np.tile(_season(rng, 12), n // 12 + 1)[:n]
    noise = np.exp(_ar(rng, n, [0.5], scale=rng.uniform(0.01, 0.03)))
    index = pd.date_range("2000-01-01", periods=n, freq="MS")
    return pd.Series(level * seasonal * noise, index=index), 12, 12


def monthly_add(rng, n=120):
    t = np.arange(n)
    trend = 50 + rng.uniform(-0.1, 0.3) * t
    seasonal = rng.uniform(3, 8) * np.tile(_season(rng, 12), n // 12 + 1)[:n]
    noise = _ar(rng, n, [rng.uniform(0.2, 0.6)], scale=rng.uniform(1.0, 2.0))
    index = pd.date_range("2005-01-01", periods=n, freq="MS")
    return pd.Series(trend + seasonal + noise, index=index), 12, 12


def yearly_cycle(rng, n=250):
    period, radius = rng.uniform(8, 12), rng.uniform(0.85, 0.95)
    coefs = [2 * radius * np.cos(2 * np.pi / period), -radius**2]
    x = _ar(rng, n, coefs)
    x = x / x.std()
    values = 50 + 25 * x + 8 * np.maximum(x, 0) ** 2  # sharp peaks, flat troughs
    index = pd.date_range("1750-01-01", periods=n, freq="YS")
    return pd.Series(values, index=index), 10, 1


def hourly(rng, n=24 * 14):
    daily = np.tile(_season(rng, 24), n // 24 + 1)[:n]
    level = 20 + np.cumsum(rng.normal(scale=0.05, size=n))
    noise = _ar(rng, n, [0.6], scale=rng.uniform(0.3, 0.6))
    index = pd.date_range("2024-03-01", periods=n, freq="h")
    return pd.Series(level + rng.uniform(3, 6) * daily + noise, index=index), 24, 24


def rw_drift(rng, n=120):
    values = 100 + np.cumsum(rng.uniform(0.2, 1.0) + rng.normal(scale=2.0, size=n))
    index = pd.date_range("1900-01-01", periods=n, freq="YS")
    return pd.Series(values, index=index), 10, 1


def monthly_weak(rng, n=120):
    seasonal = rng.uniform(0.2, 0.4) * np.tile(_season(rng, 12), n // 12 + 1)[:n]
    values = 30 + 3 * _ar(rng, n, [0.9], scale=rng.uniform(0.4, 0.6)) + seasonal + rng.normal(size=n)
    index = pd.date_range("2005-01-01", periods=n, freq="MS")
    return pd.Series(values, index=index), 12, 12


def yearly_growth(rng, n=80):
    growth = rng.uniform(0.01, 0.02) + _ar(rng, n, [0.2], scale=rng.uniform(0.05, 0.1))
    index = pd.date_range("1900-01-01", periods=n, freq="YS")
    return pd.Series(100 * np.exp(np.cumsum(growth)), index=index), 10, 1


def short_monthly(rng):
    return monthly_add(rng, n=60)


def short_yearly(rng, n=80):
    coefs = [rng.uniform(0.5, 1.2), -rng.uniform(0.3, 0.6)]
    index = pd.date_range("1900-01-01", periods=n, freq="YS")
    return pd.Series(10 + _ar(rng, n, coefs), index=index), 10, 1


FAMILIES = {
    "monthly-mult": monthly_mult,
    "monthly-add": monthly_add,
    "yearly-cycle": yearly_cycle,
    "hourly": hourly,
    "rw-drift": rw_drift,
    "monthly-weak": monthly_weak,
    "yearly-growth": yearly_growth,
    "short": lambda rng, i: short_monthly(rng) if i % 2 == 0 else short_yearly(rng),
}


def make_series():
    """Return ``[(family, i, y, horizon, m)]``, the same on every run."""
    out = []
    for f, (family, make) in enumerate(FAMILIES.items()):
        for i in range(N_PER_FAMILY):
            rng = np.random.default_rng(1000 * f + i)
            y, horizon, m = make(rng, i) if family == "short" else make(rng)
            out.append((family, i, y, horizon, m))
    return out


# --- evaluation --------------------------------------------------------------------------


def seasonal_naive(train, horizon, m):
    return np.resize(train.to_numpy()[-m:], horizon)


def _one(make_forecaster, y, horizon, m, seed):
    train, test = y.iloc[:-horizon], y.iloc[-horizon:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        forecaster = make_forecaster(seed).fit(train)
        seconds = time.perf_counter() - start
        pred = forecaster.predict(horizon).to_numpy()
    return mean_absolute_scaled_error(test, pred, y_train=train, seasonal_period=m), seconds


def evaluate(make_forecaster, seeds, series=None, n_jobs=2):
    """Per-family ``(mean MASE, mean seed std, mean fit s)`` of one forecaster."""
    series = make_series() if series is None else series
    tasks = [(fam, i, y, h, m, s) for fam, i, y, h, m in series for s in seeds]
    results = Parallel(n_jobs=n_jobs)(delayed(_one)(make_forecaster, y, h, m, s) for *_, y, h, m, s in tasks)
    frame = pd.DataFrame(
        [(fam, i, s, mase, sec) for (fam, i, *_, s), (mase, sec) in zip(tasks, results)],
        columns=["family", "series", "seed", "mase", "seconds"],
    )
    per_series = frame.groupby(["family", "series"]).agg(mase=("mase", "mean"), std=("mase", "std"),
                                                         seconds=("seconds", "mean"))
    return per_series.groupby("family", sort=False).mean().reindex(list(FAMILIES)), frame


def naive_scores(series=None):
    series = make_series() if series is None else series
    rows = []
    for fam, i, y, h, m in series:
        train, test = y.iloc[:-h], y.iloc[-h:]
        pred = seasonal_naive(train, h, m)
        rows.append((fam, mean_absolute_scaled_error(test, pred, y_train=train, seasonal_period=m)))
    return pd.DataFrame(rows, columns=["family", "mase"]).groupby("family", sort=False)["mase"].mean()


def _gru_without_early_stopping():
    """The default network, trained for its full ``max_iter`` (no validation split)."""
    return _default_estimator().set_params(early_stopping=False)


AUTO = dict(log="auto", seasonal_difference="auto")
FIXED = dict(log=False, seasonal_difference=False)
CONFIGS = {
    "default": lambda s: RNNForecaster(random_state=s),
    "one-network": lambda s: RNNForecaster(n_estimators=1, random_state=s),
    "auto": lambda s: RNNForecaster(**AUTO, random_state=s),
    "log-auto": lambda s: RNNForecaster(log="auto", random_state=s),
    "auto-no-es": lambda s: RNNForecaster(_gru_without_early_stopping(), **AUTO, random_state=s),
    "fixed": lambda s: RNNForecaster(**FIXED, random_state=s),
    "fixed-no-es": lambda s: RNNForecaster(_gru_without_early_stopping(), **FIXED, random_state=s),
    "ridge": lambda s: RNNForecaster(Ridge(), n_estimators=1),
    "ridge-auto": lambda s: RNNForecaster(Ridge(), **AUTO, n_estimators=1),
    "ridge-fixed": lambda s: RNNForecaster(Ridge(), **FIXED, n_estimators=1),
}
LABELS = {
    "default": "RNNForecaster() (default)",
    "one-network": "RNNForecaster(n_estimators=1)",
    "auto": "log, seasonal_difference = \"auto\"",
    "log-auto": "log = \"auto\" (seasonal_difference False)",
    "auto-no-es": "log, seasonal_difference = \"auto\", no early stopping",
    "fixed": "log, seasonal_difference = False",
    "fixed-no-es": "log, seasonal_difference = False, no early stopping",
    "ridge": "RNNForecaster(Ridge(), n_estimators=1) (reference)",
    "ridge-auto": "Ridge, \"auto\" transforms (reference)",
    "ridge-fixed": "Ridge, no log / seasonal difference (reference)",
}
DETERMINISTIC = {"ridge", "ridge-auto", "ridge-fixed"}


def to_markdown(results, naive, seeds):
    families = list(FAMILIES)
    lines = ["| method | " + " | ".join(families) + " | mean | ratio to naive | fit s |",
             "|---" * (len(families) + 4) + "|"]
    lines.append("| seasonal naive | " + " | ".join(f"{naive[f]:.3f}" for f in families)
                 + f" | {naive.mean():.3f} | 1 | |")
    for label, table in results.items():
        cells = [f"{table.loc[f, 'mase']:.3f}" + (f" ± {table.loc[f, 'std']:.3f}" if table.loc[f, "std"] > 0 else "")
                 for f in families]
        ratio = np.exp(np.log(table["mase"] / naive[table.index]).mean())
        lines.append(f"| {label} | " + " | ".join(cells)
                     + f" | {table['mase'].mean():.3f} | {ratio:.3f} | {table['seconds'].mean():.1f} |")
    note = (f"\nMASE mean over {N_PER_FAMILY} series per family and seeds {list(seeds)}; "
            "± is the mean over series of the standard deviation across seeds. \"ratio to naive\" is "
            "the geometric mean over families of the family's MASE divided by seasonal naive's: "
            "unlike the plain mean it is not dominated by the families whose MASE is large "
            "(trending series forecast 10 steps ahead).\n")
    return "\n".join(lines) + "\n" + note


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--configs", default="ridge,ridge-auto,default,auto,auto-no-es",
                        help=f"comma-separated, from {', '.join(CONFIGS)}")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--output", default=None)
    args = parser.parse_args(argv)
    seeds = range(args.seeds)
    series = make_series()
    results = {}
    for name in args.configs.split(","):
        is_deterministic = name in DETERMINISTIC
        table, _ = evaluate(CONFIGS[name], [0] if is_deterministic else seeds, series, args.n_jobs)
        results[LABELS.get(name, name)] = table
        print(name, table.round(3).to_dict("index"), flush=True)
    markdown = to_markdown(results, naive_scores(series), seeds)
    print("\n" + markdown)
    if args.output:
        Path(args.output).write_text(markdown)
    return results


if __name__ == "__main__":
    main()
