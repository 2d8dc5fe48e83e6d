"""Forecast the last year of the airline passengers series: ``python -m skrnn.demo``.

Fits :class:`~skrnn.RNNForecaster` with its default network on 1949-1959,
forecasts the 12 months of 1960, and prints the forecast beside the truth
and beside the seasonal-naive forecast (each month of 1960 = the same month
of 1959), with the MAE and MASE of both. It saves a plot of the forecast and
its 90% prediction interval when matplotlib is installed.
"""

import argparse
import time

import numpy as np
import pandas as pd

from .forecasting import RNNForecaster, mean_absolute_scaled_error
from .datasets import load_airline

HORIZON = 12
SEASON = 12


def forecast_airline(random_state=0):
    """Fit on all but the last year and return ``(train, test, forecaster, forecast, naive)``."""
    y = load_airline()
    train, test = y.iloc[:-HORIZON], y.iloc[-HORIZON:]
    forecaster = RNNForecaster(random_state=random_state).fit(train)
    forecast = forecaster.predict(HORIZON)
    naive = pd.Series(train.iloc[-SEASON:].to_numpy(), index=test.index, name="seasonal naive")
    return train, test, forecaster, forecast, naive


def _errors(test, pred, train):
    mae = float(np.mean(np.abs(test.to_numpy() - pred.to_numpy())))
    mase = mean_absolute_scaled_error(test, pred, y_train=train, seasonal_period=SEASON)
    return mae, mase


def _report(test, forecast, naive, scores, seconds):
    table = pd.DataFrame(
        {"truth": test, "forecast": forecast.round(1), "seasonal naive": naive},
        index=test.index.strftime("%Y-%m"),
    )
    print("Airline passengers (thousands): trained on 1949-1959, 1960 held out\n")
    print(table.to_string())
    print(f"\n{'':6}{'forecast':>10}{'seasonal naive':>16}")
    for k, name in enumerate(["MAE", "MASE"]):
        print(f"{name:6}{scores['forecast'][k]:>10.3f}{scores['seasonal naive'][k]:>16.3f}")
    print(f"\nfit + forecast: {seconds:.1f} s (default RNNForecaster, random_state=0)")


def _plot(path, train, test, forecaster):
    try:
        from matplotlib.figure import Figure  # optional dependency; no pyplot, no GUI backend
    except ImportError:
        print("matplotlib is not installed: no plot.")
        return None
    intervals = forecaster.predict_interval(HORIZON, coverage=0.9)
    fig = Figure(figsize=(8, 4), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(train.index[-48:], train.iloc[-48:], color="black", label="training data")
    ax.plot(test.index, test, color="black", linestyle="--", label="1960 (held out)")
    ax.plot(intervals.index, intervals["prediction"], color="C0", label="forecast")
    ax.fill_between(intervals.index, intervals["lower"], intervals["upper"], color="C0",
                    alpha=0.25, label="90% interval")
    ax.set(title="RNNForecaster on the airline series", ylabel="passengers (thousands)")
    ax.legend(loc="upper left")
    fig.savefig(path, dpi=100)
    print(f"plot saved to {path}")
    return path


def main(argv=None):
    """Run the demo; returns a dict with the forecast and the errors.

    Parameters
    ----------
    argv : list of str, default=None
        Command-line arguments (``--plot PATH``, ``--no-plot``, ``--seed N``);
        None reads ``sys.argv``.

    Returns
    -------
    results : dict
        ``forecast`` and ``naive`` (pandas Series), ``test`` (the truth), and
        ``scores``: ``{"forecast": (mae, mase), "seasonal naive": (mae, mase)}``.
    """
    parser = argparse.ArgumentParser(prog="python -m skrnn.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--plot", default="airline_forecast.png", help="where to save the plot")
    parser.add_argument("--no-plot", action="store_true", help="do not draw the plot")
    parser.add_argument("--seed", type=int, default=0, help="random_state of the network")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    train, test, forecaster, forecast, naive = forecast_airline(args.seed)
    seconds = time.perf_counter() - start
    scores = {"forecast": _errors(test, forecast, train), "seasonal naive": _errors(test, naive, train)}
    _report(test, forecast, naive, scores, seconds)
    if not args.no_plot:
        _plot(args.plot, train, test, forecaster)
    return {"forecast": forecast, "naive": naive, "test": test, "scores": scores}


if __name__ == "__main__":
    main()
