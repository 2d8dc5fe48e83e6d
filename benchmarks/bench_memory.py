#!/usr/bin/env python3
"""Peak memory of skrnn's training step against the activations BPTT must keep.

Measured with ``tracemalloc`` (NumPy reports its array buffers to it): the peak of traced
memory during one ``loss_and_gradient`` call, above what was allocated before the call
(the input X, Y and theta are allocated before and are not counted).

Theoretical minimum (float32: 4 bytes per value) = activations BPTT must keep for the
backward pass + the gradient vector the call returns:

    min_bytes = itemsize * (B * T * m(cell) * H + n_params)

with m(cell) values kept per sample, per time step:

* rnn : m = 1  -> h_t (the derivative 1 - h_t^2 is computed from h_t)
* lstm: m = 7  -> the 4 gate activations i, f, o, g (4H) + c_t + tanh(c_t) + h_t
* gru : m = 5  -> the 3 gate activations r, z, n (3H) + (U_n h_{t-1} + b_hn), needed by
  dr = dn * (1 - n^2) * (U_n h_{t-1} + b_hn), + h_t

(The input x_t is already in X; initial states and O(B * H) per-step scratch are
ignored.) Target: peak / min <= 1.5.

Truncated BPTT (``bptt_steps=k``): only the last chunk of k steps is kept for the
backward pass (many-to-one), so the peak must scale with k, not with T.

Also: the peak of ``RNNRegressor.fit`` (one epoch) on a data set, next to the data size
and one step's peak.

Usage::

    python benchmarks/bench_memory.py [--quick] [--markdown memory.md] [--json memory.json]

Needs only skrnn's own dependencies (no torch).
"""

import argparse
import gc
import json
import os
import sys
import tracemalloc
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_vs_torch import machine_info, md_table, repo_state  # noqa: E402  (no torch needed)

VALUES_PER_STEP = {"rnn": 1, "lstm": 7, "gru": 5}
N_FEATURES = 8
RATIO_TARGET = 1.5


def traced_peak(fn):
    """(result, peak bytes above the traced memory in use before ``fn()``)."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        out = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return out, peak - base


def step_peak(cell, hidden, steps, batch, bptt_steps=None, dtype=np.float32):
    from skrnn._engine import init_params, loss_and_gradient, make_network

    spec = make_network(N_FEATURES, (hidden,), 1, cell=cell, dtype=dtype)
    theta = init_params(spec, np.random.default_rng(0))
    rng = np.random.default_rng(0)
    X = rng.standard_normal((batch, steps, N_FEATURES)).astype(dtype)
    Y = rng.standard_normal((batch, 1)).astype(dtype)
    loss_and_gradient(spec, theta, X, Y, bptt_steps=bptt_steps)  # warm caches/imports
    _, peak = traced_peak(lambda: loss_and_gradient(spec, theta, X, Y, bptt_steps=bptt_steps))
    itemsize = np.dtype(dtype).itemsize
    kept = steps if bptt_steps is None else min(bptt_steps, steps)
    act = itemsize * batch * kept * VALUES_PER_STEP[cell] * hidden
    return dict(cell=cell, hidden=hidden, steps=steps, batch=batch, bptt_steps=bptt_steps,
                n_params=spec.n_params, peak_bytes=peak, activations_bytes=act,
                min_bytes=act + itemsize * spec.n_params,
                ratio=peak / (act + itemsize * spec.n_params))


def fit_peak(cell, hidden, steps, batch, n_samples):
    from skrnn import RNNRegressor

    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, steps, N_FEATURES)).astype(np.float32)
    y = rng.standard_normal(n_samples).astype(np.float32)
    est = RNNRegressor(hidden_layer_sizes=hidden, cell=cell, batch_size=batch, max_iter=1,
                       shuffle=True, random_state=0, clip_norm=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, peak = traced_peak(lambda: est.fit(X, y))
    one = step_peak(cell, hidden, steps, batch)
    return dict(cell=cell, hidden=hidden, steps=steps, batch=batch, n_samples=n_samples,
                data_bytes=X.nbytes + y.nbytes, fit_peak_bytes=peak,
                step_peak_bytes=one["peak_bytes"], step_min_bytes=one["min_bytes"])


def mib(b):
    return f"{b / 2**20:.2f}"


def render(res):
    st = res["repo"]
    lines = [
        "# skrnn training-step memory",
        "",
        f"skrnn commit `{st['commit']}`"
        + (" (with uncommitted changes under skrnn/)" if st["skrnn_dirty"] else "")
        + f", engine digest `{st['engine_digest']}`; numpy {res['machine']['numpy']}; "
        f"{res['machine']['date_utc']} UTC. tracemalloc peak above the memory in use before "
        "the call; min = float32 * (B * T * m * H + n_params), m = 1 (rnn), 7 (lstm), "
        "5 (gru). Target peak/min <= 1.5.",
        "",
        md_table(["cell", "H", "T", "B", "peak MiB", "activations MiB", "min MiB",
                  "peak / min", "<= 1.5"],
                 [[r["cell"], r["hidden"], r["steps"], r["batch"], mib(r["peak_bytes"]),
                   mib(r["activations_bytes"]), mib(r["min_bytes"]), f"**{r['ratio']:.2f}**",
                   "ok" if r["ratio"] <= RATIO_TARGET else "MISS"] for r in res["steps"]]),
        "",
        "## Truncated BPTT: peak vs bptt_steps k",
        "",
        md_table(["cell", "H", "T", "B", "k", "peak MiB", "min MiB (k steps)", "peak / min",
                  "peak / peak(k=10, same T)"],
                 [[r["cell"], r["hidden"], r["steps"], r["batch"], r["bptt_steps"] or "none",
                   mib(r["peak_bytes"]), mib(r["min_bytes"]), f"{r['ratio']:.2f}",
                   f"{r['rel_k10']:.2f}"] for r in res["bptt"]]),
        "",
        "## RNNRegressor.fit (one epoch)",
        "",
        md_table(["cell", "H", "T", "B", "n_samples", "data MiB", "fit peak MiB",
                  "one-step peak MiB", "one-step min MiB"],
                 [[r["cell"], r["hidden"], r["steps"], r["batch"], r["n_samples"],
                   mib(r["data_bytes"]), mib(r["fit_peak_bytes"]), mib(r["step_peak_bytes"]),
                   mib(r["step_min_bytes"])] for r in res["fit"]]),
    ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--markdown", default=None)
    p.add_argument("--json", default=None)
    a = p.parse_args(argv)
    hiddens, batches = ([16, 64], [32]) if a.quick else ([16, 64, 256], [32, 256])
    res = dict(repo=repo_state(), machine=machine_info())
    res["steps"] = [step_peak(c, h, 100, b) for c in ("rnn", "lstm", "gru")
                    for h in hiddens for b in batches]
    bptt = []
    for T in ([200] if a.quick else [200, 400]):
        rows = [step_peak("lstm", 64, T, 64, k) for k in (10, 25, 50, None)]
        for r in rows:
            r["rel_k10"] = r["peak_bytes"] / rows[0]["peak_bytes"]
        bptt += rows
    res["bptt"] = bptt
    res["fit"] = [fit_peak("lstm", 64, 100, 64, 512 if a.quick else 2048),
                  fit_peak("gru", 16, 100, 256, 512 if a.quick else 4096)]
    md = render(res)
    print(md)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
