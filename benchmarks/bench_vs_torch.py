#!/usr/bin/env python3
"""skrnn's NumPy engine against PyTorch CPU: training-step and inference time ratios.

What it measures
----------------
Grid: cell in {rnn, lstm, gru} x hidden in {16, 64, 256} x steps T in {20, 100} x
batch B in {32, 256}; 8 input features, float32, one recurrent layer, many-to-one with a
one-output linear head, mean squared error, Adam (lr 1e-3).

* skrnn training step = ``loss_and_gradient`` + ``AdamOptimizer.update_params``;
  skrnn inference = ``forward`` (no caches).
* torch training step = ``zero_grad`` + forward + MSE + ``backward`` + ``Adam.step``
  with ``nn.RNN(tanh)/nn.LSTM/nn.GRU(batch_first=True)`` + ``nn.Linear`` on the last
  hidden state, ``torch.set_num_threads(2)`` (LSTM takes torch's default CPU path, the
  fused oneDNN layer; RNN and GRU the native per-step loop); torch inference = forward
  under ``torch.no_grad()``.

Both run in THIS process on the same input array, ALTERNATING: for each of ``--rounds``
rounds, every config is measured with both sides interleaved (after a warm-up, 4 blocks
per side, skrnn-torch-torch-skrnn-..., each side about ``--target-s`` seconds of calls in
all) and the per-round figure of a side is the median over its calls.
The reported ratio of a config is the MEDIAN over rounds of the per-round ratio
skrnn/torch (so a VM slowdown hits both sides of a ratio alike); ms columns are the
median over rounds of the per-round medians. The machine's CPU capacity swings:
compare ratios, not absolute ms from different runs.

Extras (skipped with ``--no-extras``):

* API overhead: one epoch through ``RNNRegressor.partial_fit`` (shuffle=True,
  alpha=0, clip_norm=None, Adam lr 1e-3) vs the same number of engine training steps on
  contiguous slices of the same data; ratio estimator/engine (target <= 1.10).
* float64 vs float32: skrnn training step in float64 over float32 (target <= 2.5).

Targets: train ratio <= 1.0 for LSTM and <= 0.6 for RNN and GRU on every config;
inference ratio <= 1.0 everywhere.

Encoder–decoder (``--seq2seq``, run instead of the grid): GRU 64, T_in 50, T_out 12,
batch 64, 8 input features, one output, float32, both sides the same model: a GRU
encoder whose last state ``s`` sets the decoder's initial state ``tanh(W s + b)`` and
is concatenated to every decoder input ``[y_{t-1}; s]`` (``y_{-1} = 0``), a GRU decoder
and a linear head per step, MSE over the 12 steps, Adam. Training is teacher-forced on
both sides (the decoder's inputs are all known: torch runs ``nn.GRU`` over the 12 steps
at once, skrnn ``loss_and_gradient_seq2seq`` with ``teacher_forcing=1.0``); inference
runs free (a step loop on both sides). An epoch is a fixed number of such steps, so
the epoch ratio is the step ratio. Target: train ratio <= 1.0 (issue 11).

Usage (torch only in a separate benchmark venv; see benchmarks/README.md)::

    python benchmarks/bench_vs_torch.py --quick
    python benchmarks/bench_vs_torch.py --json vs_torch.json --markdown vs_torch.md
    python benchmarks/bench_vs_torch.py --cells lstm --rounds 3

torch is NOT a dependency of skrnn; this script exits with a message if it is missing.
"""

import argparse
import datetime as _dt
import gc
import hashlib
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

TORCH_MISSING = (
    "bench_vs_torch.py needs PyTorch, which is not a dependency of skrnn.\n"
    "Install it in a SEPARATE benchmark venv (the local CPU wheel, not a plain "
    "'pip install torch'):\n"
    "    python3 -m venv /work/venv-bench\n"
    "    /work/venv-bench/bin/pip install numpy scikit-learn pandas joblib threadpoolctl\n"
    "    /work/venv-bench/bin/pip install torch==2.13.0\n"
    "    /work/venv-bench/bin/pip install --no-deps -e .\n"
    "and run this script with /work/venv-bench/bin/python."
)

# ------------------------------------------------------------------------------ helpers


def repo_state():
    """Git commit of the skrnn checkout and a digest of the engine sources as imported.

    The engine may be edited while a benchmark runs; the digest is taken from the files
    at import time so a report can say which code its numbers belong to.
    """
    import skrnn
    import skrnn._engine as engine

    root = os.path.dirname(os.path.dirname(os.path.abspath(skrnn.__file__)))
    eng_dir = os.path.dirname(os.path.abspath(engine.__file__))
    digest = hashlib.sha1()
    for name in sorted(os.listdir(eng_dir)):
        if name.endswith(".py"):
            with open(os.path.join(eng_dir, name), "rb") as f:
                digest.update(name.encode() + f.read())

    def git(*args):
        try:
            return subprocess.run(["git", "-C", root, *args], capture_output=True,
                                  text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return dict(
        commit=git("rev-parse", "--short", "HEAD") or "unknown",
        skrnn_dirty=bool(git("status", "--porcelain", "--", "skrnn")),
        engine_digest=digest.hexdigest()[:12],
    )


def engine_digest_now():
    """Digest of the engine sources on disk now (compare with repo_state()'s)."""
    import skrnn._engine as engine

    eng_dir = os.path.dirname(os.path.abspath(engine.__file__))
    digest = hashlib.sha1()
    for name in sorted(os.listdir(eng_dir)):
        if name.endswith(".py"):
            with open(os.path.join(eng_dir, name), "rb") as f:
                digest.update(name.encode() + f.read())
    return digest.hexdigest()[:12]


def machine_info():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    blas = []
    try:
        from threadpoolctl import threadpool_info

        for d in threadpool_info():
            blas.append({k: (os.path.basename(str(v)) if k in ("filepath", "prefix") else v)
                         for k, v in d.items()})
    except ImportError:
        blas = [dict(note="threadpoolctl not installed")]
    return dict(
        cpu_model=cpu or platform.processor(),
        logical_cpus=os.cpu_count(),
        machine=platform.machine(),
        python=platform.python_version(),
        numpy=np.__version__,
        blas=blas,
        date_utc=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
    )


def blas_summary(blas):
    parts = []
    for d in blas:
        if "internal_api" in d:
            parts.append(f"{d.get('internal_api')} {d.get('version') or ''} "
                         f"({d.get('architecture') or '?'}, {d.get('threading_layer') or '?'}, "
                         f"{d.get('num_threads')} threads, {d.get('filepath', '')})")
    return "; ".join(parts) or "unknown"


def time_calls(fn, target_s, min_rep=3, max_rep=500, warmup=2):
    """Median seconds per call of ``fn()``: ``warmup`` calls, then enough repeats for
    about ``target_s`` seconds (within [min_rep, max_rep])."""
    return time_paired([fn], target_s, min_rep, max_rep, warmup, blocks=1)[0]


def time_paired(fns, target_s, min_rep=3, max_rep=500, warmup=2, blocks=4):
    """Median seconds per call of each of ``fns``, measured INTERLEAVED.

    After ``warmup`` calls of each, the functions take turns in ``blocks`` blocks (the
    order reversed every other block), each block of as many calls as give every function
    about ``target_s / blocks`` seconds; so a slow spell of the (shared) machine hits all
    of them alike. Returns the per-function medians over all timed calls.
    """
    est = []
    for fn in fns:
        best = float("inf")
        for _ in range(warmup):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        est.append(best)
    reps = [int(min(max_rep, max(min_rep, target_s / max(e, 1e-9)))) for e in est]
    per_block = [max(1, -(-r // blocks)) for r in reps]
    ts = [[] for _ in fns]
    for b in range(blocks):
        order = range(len(fns)) if b % 2 == 0 else reversed(range(len(fns)))
        for i in order:
            fn = fns[i]
            # cap a block at 4x its planned time: on an oversubscribed VM a thread pool
            # can stall for 100s of ms per call, which must not blow up the run time
            budget, spent = 4 * per_block[i] * est[i] + 0.05, 0.0
            for _ in range(per_block[i]):
                t0 = time.perf_counter()
                fn()
                dt = time.perf_counter() - t0
                ts[i].append(dt)
                spent += dt
                if spent > budget:
                    break
    return [statistics.median(t) for t in ts]


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def fmt_ms(s):
    ms = s * 1e3
    return f"{ms:.3f}" if ms < 10 else (f"{ms:.2f}" if ms < 100 else f"{ms:.1f}")


# ------------------------------------------------------------------------------ grid
N_FEATURES = 8
GRID = dict(cell=["rnn", "lstm", "gru"], hidden=[16, 64, 256], steps=[20, 100],
            batch=[32, 256])
QUICK_GRID = dict(cell=["rnn", "lstm", "gru"], hidden=[16, 64], steps=[20], batch=[32])
TRAIN_TARGET = {"lstm": 1.0, "rnn": 0.6, "gru": 0.6}
INFER_TARGET = 1.0
API_TARGET = 1.10
F64_TARGET = 2.5
# (cell, hidden, steps, batch, n_samples) of the API-overhead check
API_CONFIGS = [("lstm", 64, 20, 32, 1024), ("gru", 16, 100, 256, 2048),
               ("rnn", 64, 100, 64, 1024)]
API_QUICK = [("lstm", 16, 20, 32, 256)]
# (cell, hidden, steps, batch) of the float64/float32 check
F64_CONFIGS = [("rnn", 256, 20, 256), ("lstm", 64, 100, 32), ("lstm", 256, 20, 256),
               ("gru", 64, 100, 256)]
F64_QUICK = [("lstm", 64, 20, 32)]


def key(c):
    return f"{c['cell']}-h{c['hidden']}-T{c['steps']}-B{c['batch']}"


def make_data(steps, batch, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, steps, N_FEATURES)).astype(dtype)
    Y = rng.standard_normal((batch, 1)).astype(dtype)
    return X, Y


def skrnn_side(cfg, X, Y, dtype=np.float32):
    """(train_step, infer) closures of the skrnn engine for one config."""
    from skrnn._engine import forward, init_params, loss_and_gradient, make_network
    from skrnn._engine._optimizers import AdamOptimizer

    spec = make_network(N_FEATURES, (cfg["hidden"],), 1, cell=cfg["cell"], dtype=dtype)
    theta = init_params(spec, np.random.default_rng(0))
    opt = AdamOptimizer(spec.n_params, 1e-3, dtype=spec.dtype)
    X, Y = X.astype(dtype, copy=False), Y.astype(dtype, copy=False)

    def train_step():
        _, grad = loss_and_gradient(spec, theta, X, Y, loss="squared_error")
        opt.update_params(theta, grad)

    def infer():
        forward(spec, theta, X)

    return train_step, infer


def torch_side(cfg, X, Y):
    """(train_step, infer) closures of the equivalent torch model."""
    import torch
    from torch import nn

    class ManyToOne(nn.Module):
        def __init__(self, cell, n_features, hidden):
            super().__init__()
            if cell == "rnn":
                self.rnn = nn.RNN(n_features, hidden, nonlinearity="tanh", batch_first=True)
            elif cell == "lstm":
                self.rnn = nn.LSTM(n_features, hidden, batch_first=True)
            else:
                self.rnn = nn.GRU(n_features, hidden, batch_first=True)
            self.head = nn.Linear(hidden, 1)

        def forward(self, x):
            out, _ = self.rnn(x)
            return self.head(out[:, -1, :])

    torch.manual_seed(0)
    model = ManyToOne(cfg["cell"], N_FEATURES, cfg["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    x, y = torch.from_numpy(X), torch.from_numpy(Y)

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    def infer():
        with torch.no_grad():
            model(x)

    return train_step, infer


SEQ2SEQ = dict(hidden=64, steps_in=50, steps_out=12, batch=64)


def seq2seq_data(c, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((c["batch"], c["steps_in"], N_FEATURES)).astype(np.float32)
    Y = rng.standard_normal((c["batch"], c["steps_out"], 1)).astype(np.float32)
    return X, Y


def skrnn_seq2seq_side(c, X, Y):
    """(train_step, infer) closures of skrnn's encoder–decoder engine."""
    from skrnn._engine import (forward_seq2seq, init_params, loss_and_gradient_seq2seq,
                               make_network)
    from skrnn._engine._optimizers import AdamOptimizer

    spec = make_network(N_FEATURES, (c["hidden"],), 1, cell="gru",
                        output_steps=c["steps_out"])
    theta = init_params(spec, np.random.default_rng(0))
    opt = AdamOptimizer(spec.n_params, 1e-3, dtype=spec.dtype)

    def train_step():
        _, grad = loss_and_gradient_seq2seq(spec, theta, X, Y, teacher_forcing=1.0)
        opt.update_params(theta, grad)

    def infer():
        forward_seq2seq(spec, theta, X)

    return train_step, infer


def torch_seq2seq_side(c, X, Y):
    """(train_step, infer) closures of the same encoder–decoder in torch."""
    import torch
    from torch import nn

    H = c["hidden"]

    class EncoderDecoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.GRU(N_FEATURES, H, batch_first=True)
            self.init = nn.Linear(H, H)
            self.decoder = nn.GRU(1 + H, H, batch_first=True)
            self.head = nn.Linear(H, 1)

        def forward(self, x, y):  # teacher forced: inputs [y_{t-1}; s] known
            _, s = self.encoder(x)
            s = s[0]
            prev = torch.cat([torch.zeros_like(y[:, :1]), y[:, :-1]], dim=1)
            u = torch.cat([prev, s[:, None, :].expand(-1, y.shape[1], -1)], dim=2)
            out, _ = self.decoder(u, torch.tanh(self.init(s))[None])
            return self.head(out)

        def generate(self, x, steps):  # free running
            _, s = self.encoder(x)
            h, p, outs = torch.tanh(self.init(s[0]))[None], x.new_zeros(x.shape[0], 1), []
            for _ in range(steps):
                out, h = self.decoder(torch.cat([p, s[0]], dim=1)[:, None, :], h)
                p = self.head(out[:, 0])
                outs.append(p)
            return torch.stack(outs, dim=1)

    torch.manual_seed(0)
    model = EncoderDecoder()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    x, y = torch.from_numpy(X), torch.from_numpy(Y)

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x, y), y)
        loss.backward()
        opt.step()

    def infer():
        with torch.no_grad():
            model.generate(x, c["steps_out"])

    return train_step, infer


def run_seq2seq(rounds, target_s, log):
    c = SEQ2SEQ
    X, Y = seq2seq_data(c)
    sk, th = skrnn_seq2seq_side(c, X, Y), torch_seq2seq_side(c, X, Y)
    d = dict(sk_train=[], th_train=[], sk_infer=[], th_infer=[], r_train=[], r_infer=[])
    for r in range(rounds):
        gc.collect()
        sk_t, th_t = time_paired([sk[0], th[0]], target_s)
        sk_i, th_i = time_paired([sk[1], th[1]], target_s / 2)
        for k2, v in zip(("sk_train", "th_train", "sk_infer", "th_infer"),
                         (sk_t, th_t, sk_i, th_i)):
            d[k2].append(v)
        d["r_train"].append(sk_t / th_t)
        d["r_infer"].append(sk_i / th_i)
        log(f"[round {r + 1}/{rounds}] seq2seq gru-h{c['hidden']}-Tin{c['steps_in']}-"
            f"Tout{c['steps_out']}-B{c['batch']}: train skrnn {fmt_ms(sk_t)} / torch "
            f"{fmt_ms(th_t)} ms = {d['r_train'][-1]:.2f}; free-running infer "
            f"{fmt_ms(sk_i)} / {fmt_ms(th_i)} ms = {d['r_infer'][-1]:.2f}")
    row = dict(c, **{k2 + "_ms": statistics.median(d[k2]) * 1e3
                     for k2 in ("sk_train", "th_train", "sk_infer", "th_infer")})
    row["ratio_train"], row["ratio_infer"] = summarize(d["r_train"]), summarize(d["r_infer"])
    row["ok_train"] = row["ratio_train"]["median"] <= 1.0
    return row


def capacity_probe():
    """numpy 2-thread sgemm 768^3 GFLOP/s (best of 3): how much CPU the VM gives now."""
    a = np.ones((768, 768), np.float32)
    c = np.empty_like(a)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        np.matmul(a, a, out=c)
        best = min(best, time.perf_counter() - t0)
    return 2 * 768 ** 3 / best / 1e9


def summarize(vals):
    return dict(median=statistics.median(vals), min=min(vals), max=max(vals), all=vals)


# ------------------------------------------------------------------------------ runs
def run_grid(configs, rounds, target_s, log):
    per = {key(c): dict(cfg=c, sk_train=[], sk_infer=[], th_train=[], th_infer=[],
                        r_train=[], r_infer=[]) for c in configs}
    probes = []
    for r in range(rounds):
        probes.append(capacity_probe())
        for c in configs:
            X, Y = make_data(c["steps"], c["batch"])
            sides = {"sk": skrnn_side(c, X, Y), "th": torch_side(c, X, Y)}
            res = {}
            gc.collect()
            res["sk_train"], res["th_train"] = time_paired(
                [sides["sk"][0], sides["th"][0]], target_s)
            res["sk_infer"], res["th_infer"] = time_paired(
                [sides["sk"][1], sides["th"][1]], target_s / 2)
            d = per[key(c)]
            for k2, v in res.items():
                d[k2].append(v)
            d["r_train"].append(res["sk_train"] / res["th_train"])
            d["r_infer"].append(res["sk_infer"] / res["th_infer"])
            log(f"[round {r + 1}/{rounds}] {key(c):>22}: train skrnn "
                f"{fmt_ms(res['sk_train'])} / torch {fmt_ms(res['th_train'])} ms = "
                f"{d['r_train'][-1]:.2f}; infer {fmt_ms(res['sk_infer'])} / "
                f"{fmt_ms(res['th_infer'])} ms = {d['r_infer'][-1]:.2f}")
    out = []
    for d in per.values():
        c = d["cfg"]
        row = dict(c)
        for k2 in ("sk_train", "sk_infer", "th_train", "th_infer"):
            row[k2 + "_ms"] = statistics.median(d[k2]) * 1e3
        row["ratio_train"] = summarize(d["r_train"])
        row["ratio_infer"] = summarize(d["r_infer"])
        row["target_train"] = TRAIN_TARGET[c["cell"]]
        row["ok_train"] = row["ratio_train"]["median"] <= TRAIN_TARGET[c["cell"]]
        row["ok_infer"] = row["ratio_infer"]["median"] <= INFER_TARGET
        out.append(row)
    return out, probes


def run_api_overhead(configs, rounds, target_s, log):
    """One partial_fit epoch vs the same number of bare engine training steps."""
    import warnings

    from skrnn import RNNRegressor
    from skrnn._engine import init_params, loss_and_gradient, make_network
    from skrnn._engine._optimizers import AdamOptimizer

    out = []
    for cell, hidden, steps, batch, n in configs:
        X, Y = make_data(steps, n, seed=1)
        y = Y[:, 0]
        est = RNNRegressor(hidden_layer_sizes=hidden, cell=cell, batch_size=batch,
                           max_iter=1, shuffle=True, random_state=0, clip_norm=None,
                           alpha=0.0, learning_rate_init=1e-3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.partial_fit(X, y)  # first call: validation + initialisation
        spec = make_network(N_FEATURES, (hidden,), 1, cell=cell, dtype=np.float32)
        theta = init_params(spec, np.random.default_rng(0))
        opt = AdamOptimizer(spec.n_params, 1e-3, dtype=spec.dtype)
        slices = [slice(i, min(i + batch, n)) for i in range(0, n, batch)]

        def epoch_api():
            est.partial_fit(X, y)

        def epoch_engine():
            for s in slices:
                _, grad = loss_and_gradient(spec, theta, X[s], Y[s])
                opt.update_params(theta, grad)

        ta, te, ratios = [], [], []
        for r in range(rounds):
            gc.collect()
            res = dict(zip(("api", "eng"), time_paired(
                [epoch_api, epoch_engine], target_s, min_rep=4, max_rep=100, warmup=1)))
            ta.append(res["api"])
            te.append(res["eng"])
            ratios.append(res["api"] / res["eng"])
        row = dict(cell=cell, hidden=hidden, steps=steps, batch=batch, n_samples=n,
                   n_batches=len(slices), api_ms=statistics.median(ta) * 1e3,
                   engine_ms=statistics.median(te) * 1e3, ratio=summarize(ratios))
        row["ok"] = row["ratio"]["median"] <= API_TARGET
        log(f"[api] {cell}-h{hidden}-T{steps}-B{batch} n={n}: partial_fit "
            f"{row['api_ms']:.1f} ms vs engine {row['engine_ms']:.1f} ms = "
            f"{row['ratio']['median']:.3f}")
        out.append(row)
    return out


def run_f64(configs, rounds, target_s, log):
    out = []
    for cell, hidden, steps, batch in configs:
        c = dict(cell=cell, hidden=hidden, steps=steps, batch=batch)
        X, Y = make_data(steps, batch)
        t32, t64, ratios = [], [], []
        for r in range(rounds):
            gc.collect()
            res = dict(zip(("32", "64"), time_paired(
                [skrnn_side(c, X, Y, dtype=dt)[0] for dt in (np.float32, np.float64)],
                target_s)))
            t32.append(res["32"])
            t64.append(res["64"])
            ratios.append(res["64"] / res["32"])
        row = dict(c, f32_ms=statistics.median(t32) * 1e3, f64_ms=statistics.median(t64) * 1e3,
                   ratio=summarize(ratios))
        row["ok"] = row["ratio"]["median"] <= F64_TARGET
        log(f"[f64] {key(c)}: float64 {row['f64_ms']:.2f} ms / float32 "
            f"{row['f32_ms']:.2f} ms = {row['ratio']['median']:.2f}")
        out.append(row)
    return out


# ------------------------------------------------------------------------------ report
def render_markdown(res):
    m, st = res["machine"], res["repo"]
    lines = [
        "# skrnn vs PyTorch CPU",
        "",
        f"skrnn commit `{st['commit']}`"
        + (" (with uncommitted changes under skrnn/)" if st["skrnn_dirty"] else "")
        + f", engine digest `{st['engine_digest']}`"
        + ("" if st.get("engine_unchanged_during_run", True)
           else " (WARNING: engine files changed on disk during the run)")
        + f"; {m['date_utc']} UTC; {res['elapsed_s']:.0f} s.",
        "",
        f"Machine: {m['cpu_model']}, {m['logical_cpus']} logical CPUs ({m['machine']}), "
        f"Python {m['python']}, numpy {m['numpy']} with {blas_summary(m['blas'])}; "
        f"torch {res['torch']['version']} ({res['torch']['threads']} threads, "
        f"oneDNN {'on' if res['torch']['mkldnn'] else 'off'}). "
        f"numpy sgemm 768^3 capacity probe per round: "
        + ", ".join(f"{p:.0f}" for p in res["probes_gflops"]) + " GFLOP/s.",
        "",
        f"{res['rounds']} rounds, skrnn and torch alternating per config; ratio = median "
        "over rounds of the per-round skrnn/torch ratio (range in brackets); ms = median "
        "over rounds. Targets: train <= 1.0 (lstm), <= 0.6 (rnn, gru); inference <= 1.0.",
        "",
    ]
    rows = []
    for r in res["grid"]:
        rt, ri = r["ratio_train"], r["ratio_infer"]
        rows.append([
            r["cell"], r["hidden"], r["steps"], r["batch"],
            fmt_ms(r["th_train_ms"] / 1e3), fmt_ms(r["sk_train_ms"] / 1e3),
            f"**{rt['median']:.2f}** ({rt['min']:.2f}-{rt['max']:.2f})",
            f"{r['target_train']:.1f} {'ok' if r['ok_train'] else 'MISS'}",
            fmt_ms(r["th_infer_ms"] / 1e3), fmt_ms(r["sk_infer_ms"] / 1e3),
            f"**{ri['median']:.2f}** ({ri['min']:.2f}-{ri['max']:.2f})",
            "ok" if r["ok_infer"] else "MISS",
        ])
    lines.append(md_table(["cell", "H", "T", "B", "torch train ms", "skrnn train ms",
                           "ratio train", "target", "torch infer ms", "skrnn infer ms",
                           "ratio infer", "<= 1.0"], rows))
    miss_t = [key(r) for r in res["grid"] if not r["ok_train"]]
    miss_i = [key(r) for r in res["grid"] if not r["ok_infer"]]
    lines += ["", f"Train target missed by {len(miss_t)}/{len(res['grid'])}: "
              + (", ".join(miss_t) or "none") + ".",
              f"Inference target missed by {len(miss_i)}/{len(res['grid'])}: "
              + (", ".join(miss_i) or "none") + "."]
    if res.get("api"):
        lines += ["", "## API overhead: `RNNRegressor.partial_fit` epoch vs bare engine steps",
                  "", "Target: ratio <= 1.10.", ""]
        lines.append(md_table(
            ["cell", "H", "T", "B", "n_samples", "batches", "partial_fit ms", "engine ms",
             "ratio", "<= 1.10"],
            [[r["cell"], r["hidden"], r["steps"], r["batch"], r["n_samples"], r["n_batches"],
              f"{r['api_ms']:.1f}", f"{r['engine_ms']:.1f}",
              f"**{r['ratio']['median']:.3f}** ({r['ratio']['min']:.3f}-{r['ratio']['max']:.3f})",
              "ok" if r["ok"] else "MISS"] for r in res["api"]]))
    if res.get("f64"):
        lines += ["", "## float64 vs float32 (skrnn training step)", "",
                  "Target: ratio <= 2.5.", ""]
        lines.append(md_table(
            ["cell", "H", "T", "B", "float32 ms", "float64 ms", "ratio", "<= 2.5"],
            [[r["cell"], r["hidden"], r["steps"], r["batch"], fmt_ms(r["f32_ms"] / 1e3),
              fmt_ms(r["f64_ms"] / 1e3),
              f"**{r['ratio']['median']:.2f}** ({r['ratio']['min']:.2f}-{r['ratio']['max']:.2f})",
              "ok" if r["ok"] else "MISS"] for r in res["f64"]]))
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="small subset (< 1 min)")
    p.add_argument("--cells", default=None, help="comma list of rnn,lstm,gru")
    p.add_argument("--hidden", default=None, help="comma list, e.g. 16,64")
    p.add_argument("--steps", default=None, help="comma list, e.g. 20,100")
    p.add_argument("--batch", default=None, help="comma list, e.g. 32,256")
    p.add_argument("--rounds", type=int, default=None, help="default 5 (quick: 2)")
    p.add_argument("--target-s", type=float, default=None,
                   help="seconds of repeats per measurement (default 0.3; quick 0.1)")
    p.add_argument("--threads", type=int, default=2,
                   help="torch.set_num_threads and the numpy BLAS thread limit (default 2); "
                        "1 on a machine shared with other jobs, where 2-thread pools stall "
                        "at their barriers whenever a core is taken away")
    p.add_argument("--seq2seq", action="store_true",
                   help="only the encoder–decoder comparison (see the module docstring)")
    p.add_argument("--no-extras", action="store_true",
                   help="skip the API-overhead and float64 checks")
    p.add_argument("--json", default=None, help="write all results here")
    p.add_argument("--markdown", default=None, help="write a Markdown report here")
    a = p.parse_args(argv)

    try:
        import torch
    except ImportError:
        sys.exit(TORCH_MISSING)
    torch.set_num_threads(a.threads)
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(a.threads, user_api="blas")
    except ImportError:
        print("threadpoolctl missing: numpy BLAS threads left at their default")

    grid = dict(QUICK_GRID if a.quick else GRID)
    for name, conv in (("cells", str), ("hidden", int), ("steps", int), ("batch", int)):
        val = getattr(a, name)
        if val:
            grid["cell" if name == "cells" else name] = [conv(v) for v in val.split(",")]
    bad = set(grid["cell"]) - set(TRAIN_TARGET)
    if bad:
        p.error(f"unknown cell(s) {sorted(bad)}")
    rounds = a.rounds or (2 if a.quick else 5)
    target_s = a.target_s or (0.1 if a.quick else 0.3)
    configs = [dict(zip(grid, v)) for v in itertools.product(*grid.values())]

    def log(msg):
        print(msg, flush=True)

    state = repo_state()
    machine = machine_info()
    tinfo = dict(version=torch.__version__, threads=torch.get_num_threads(),
                 mkldnn=bool(torch.backends.mkldnn.is_available()))
    log(f"skrnn commit {state['commit']}{' (dirty skrnn/)' if state['skrnn_dirty'] else ''}, "
        f"engine digest {state['engine_digest']}")
    log(f"CPU: {machine['cpu_model']}, {machine['logical_cpus']} logical CPUs; numpy "
        f"{machine['numpy']}: {blas_summary(machine['blas'])}")
    log(f"torch {tinfo['version']}, {tinfo['threads']} threads, oneDNN "
        f"{'available' if tinfo['mkldnn'] else 'not available'}")
    log(f"{'encoder–decoder' if a.seq2seq else f'{len(configs)} configs'} x {rounds} "
        f"rounds, ~{target_s} s per measurement")

    t0 = time.perf_counter()
    if a.seq2seq:
        row = run_seq2seq(rounds, target_s, log)
        log(f"seq2seq: train ratio skrnn/torch median {row['ratio_train']['median']:.2f} "
            f"(min {row['ratio_train']['min']:.2f}, max {row['ratio_train']['max']:.2f}; "
            f"target <= 1.0: {'ok' if row['ok_train'] else 'MISSED'}), free-running "
            f"inference {row['ratio_infer']['median']:.2f}; skrnn {row['sk_train_ms']:.1f} "
            f"ms / torch {row['th_train_ms']:.1f} ms per training step of {row['batch']}")
        if a.json:
            with open(a.json, "w") as f:
                json.dump(dict(repo=state, machine=machine, torch=tinfo, threads=a.threads,
                               rounds=rounds, seq2seq=row), f, indent=1)
        return row
    # global warm-up of both libraries (thread pools, allocator, oneDNN primitives)
    w = dict(cell="lstm", hidden=64, steps=20, batch=32)
    for fn in (*skrnn_side(w, *make_data(20, 32)), *torch_side(w, *make_data(20, 32))):
        time_calls(fn, 0.2)
    grid_res, probes = run_grid(configs, rounds, target_s, log)
    api = f64 = []
    if not a.no_extras:
        api = run_api_overhead(API_QUICK if a.quick else API_CONFIGS, max(2, rounds - 2),
                               target_s * 3, log)
        f64 = run_f64(F64_QUICK if a.quick else F64_CONFIGS, max(2, rounds - 2),
                      target_s, log)
    state["engine_unchanged_during_run"] = engine_digest_now() == state["engine_digest"]
    if not state["engine_unchanged_during_run"]:
        log("WARNING: engine sources changed on disk during the run; the numbers belong to "
            f"the code imported at the start (digest {state['engine_digest']}).")
    res = dict(repo=state, machine=machine, torch=tinfo, threads=a.threads, rounds=rounds, target_s=target_s,
               n_features=N_FEATURES, probes_gflops=probes, grid=grid_res, api=api, f64=f64,
               elapsed_s=time.perf_counter() - t0)
    md = render_markdown(res)
    print()
    print(md)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md)
    return res


if __name__ == "__main__":
    main()
