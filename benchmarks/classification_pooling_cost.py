"""Fit time of RNNClassifier's defaults (``pooling="auto"``: 3 "last" + 2 "max" members)
against the same ensemble of five "last" members, alternating in one process on the full
training split of each classification set, seeds 0-1; total epochs of the members too.

Run ``python benchmarks/classification_pooling_cost.py`` (results in
``docs/classification_quality.md``).
"""

import sys
import time
import warnings
from pathlib import Path

import numpy as np

from skrnn import RNNClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from classification_quality import default_data_dir, load_classification  # noqa: E402

warnings.filterwarnings("ignore")
for name in ("GunPoint", "ItalyPowerDemand", "JapaneseVowels", "BasicMotions", "PickupGestureWiimoteZ"):
    X, y, _, _ = load_classification(name, default_data_dir())
    times = {"auto": [], "last": []}
    epochs = {}
    for seed in (0, 1):
        for pooling in ("auto", "last"):
            t = time.perf_counter()
            m = RNNClassifier(random_state=seed, pooling=pooling).fit(X, y)
            times[pooling].append(time.perf_counter() - t)
            epochs.setdefault(pooling, []).extend(e.n_iter_ for e in m.estimators_)
    print(name, {k: round(float(np.mean(v)), 2) for k, v in times.items()},
          "ratio", round(np.mean(times["auto"]) / np.mean(times["last"]), 2),
          "epochs", {k: int(np.sum(v)) for k, v in epochs.items()}, flush=True)
