"""The demo runs end to end and prints numbers that match its data."""

import contextlib
import io
import re

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from skrnn import RNNForecaster, demo
from skrnn.datasets import load_airline


@pytest.fixture(scope="module")
def demo_run():
    """One run of the demo without its plot: a single fit of the default forecaster.

    The plot needs the prediction interval, whose calibration refits the forecaster
    once per fold; it is tested apart, on a linear model (same code path, instant).
    """
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        results = demo.main(["--no-plot"])
    return results, out.getvalue()


def test_demo_prints_truth_forecast_and_errors(demo_run):
    results, text = demo_run
    y = load_airline()
    # the truth column is the held-out year
    assert "1960-01" in text and "1960-12" in text
    np.testing.assert_array_equal(results["test"].to_numpy(), y.iloc[-12:].to_numpy())
    # seasonal naive = 1959 repeated; its MAE on 1960 is known from the data
    naive_mae = np.mean(np.abs(y.iloc[-12:].to_numpy() - y.iloc[-24:-12].to_numpy()))
    mae_line = re.search(r"^MAE\s+([\d.]+)\s+([\d.]+)$", text, re.MULTILINE)
    mase_line = re.search(r"^MASE\s+([\d.]+)\s+([\d.]+)$", text, re.MULTILINE)
    assert float(mae_line.group(2)) == pytest.approx(naive_mae, abs=1e-3)
    assert float(mase_line.group(2)) == pytest.approx(1.571, abs=1e-3)
    # printed forecast errors are those of the returned forecast
    forecast_mae = np.mean(np.abs(results["forecast"].to_numpy() - y.iloc[-12:].to_numpy()))
    assert float(mae_line.group(1)) == pytest.approx(forecast_mae, abs=1e-3)


def test_demo_forecast_beats_seasonal_naive(demo_run):
    results, _ = demo_run
    mase, naive_mase = results["scores"]["forecast"][1], results["scores"]["seasonal naive"][1]
    assert mase < naive_mase
    assert results["forecast"].index.equals(results["test"].index)


def test_demo_saves_plot(tmp_path):
    y = load_airline()  # matplotlib is in the test extra
    train, test = y.iloc[:-12], y.iloc[-12:]
    forecaster = RNNForecaster(Ridge(), log=True).fit(train)
    plot = tmp_path / "forecast.png"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert demo._plot(str(plot), train, test, forecaster) == str(plot)
    assert plot.exists() and plot.stat().st_size > 0
    assert "plot saved" in out.getvalue()
