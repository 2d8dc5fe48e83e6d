"""Run every gallery example as a script, the way sphinx-gallery would.

Each ``examples/plot_*.py`` is found by glob (new examples are picked up without
editing this file) and executed with :func:`runpy.run_path` under matplotlib's
non-interactive Agg backend and one BLAS thread, in a temporary working
directory so that nothing an example writes lands in the repository. Examples
are documentation that users copy: a broken one is a bug, and a slow one is a
bad first experience, so each must also finish within a time budget.
"""

import runpy
import time
import warnings
from pathlib import Path

import matplotlib
import pytest
from threadpoolctl import threadpool_limits

matplotlib.use("Agg", force=True)
import matplotlib.pyplot as plt  # noqa: E402  (after selecting the backend)

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("plot_*.py"))

# Seconds per example. Examples aim at under 30 s on two cores; the budget is
# generous so that a slow CI machine does not fail, while a runaway example does.
TIME_BUDGET = 120


def test_examples_are_found():
    assert EXAMPLES, f"no plot_*.py examples under {EXAMPLES_DIR}"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    start = time.perf_counter()
    try:
        # One BLAS thread, as the docs build runs them: skrnn keeps its small networks
        # on one thread anyway, and the examples' scikit-learn baselines slow down with
        # two threads on a shared machine too (docs/performance.md, "Threads").
        with warnings.catch_warnings(), threadpool_limits(1):
            # plt.show() under Agg warns that the backend is non-interactive.
            warnings.filterwarnings("ignore", message=".*non-interactive.*")
            runpy.run_path(str(path), run_name="__main__")
    finally:
        plt.close("all")
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_BUDGET, f"{path.name} took {elapsed:.0f} s (budget {TIME_BUDGET} s)"
