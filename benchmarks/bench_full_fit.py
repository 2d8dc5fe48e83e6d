"""A whole default fit, skrnn against the same training written by hand in PyTorch.

``bench_vs_torch.py`` times single training steps; this script times what a user runs:
``RNNClassifier(random_state=0).fit(X, y)`` and ``predict`` on the five classification
sets of ``shared/data/`` (official training splits, raw inputs). The PyTorch side trains
**the same model for the same work**: for each ensemble member skrnn fitted, a torch model
of the member's fitted architecture (``network_``: cell, hidden size, bidirectional,
pooling ("last" or "max"), the patched input width), the same minibatch size, Adam at
the same learning rate, the same dropout on the head input, global-norm clipping at
``clip_norm`` and L2 ``alpha``, run for the member's ``n_iter_`` epochs over inputs of
the shape skrnn's engine saw (standardised, patched, zero-padded at the front).
Then both predict the test split.

What is compared is time, not accuracy: torch pads ragged sets at the front instead of
masking (the same arithmetic per step, a slightly different function), and its member
loop has no stopping rule to evaluate. The skrnn time includes everything ``fit`` does
(validation of the input, scaling, the stopping rule, best-weight bookkeeping).

Both libraries run at the same thread count (``--threads``, default 1: the machine these
numbers come from is shared, see ``benchmarks/README.md``), alternating in one process,
``--rounds`` times; reported are the medians and their ratio skrnn / torch.

Run with the benchmark venv (torch is not a dependency of skrnn)::

    /work/venv-bench/bin/python benchmarks/bench_full_fit.py --rounds 3 --markdown

Results: ``docs/performance.md`` ("A whole default fit").
"""

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from skrnn import RNNClassifier

SETS = ["GunPoint", "ItalyPowerDemand", "JapaneseVowels", "BasicMotions",
        "PickupGestureWiimoteZ"]


def data_dir():
    """``--data``/``SKRNN_DATA`` or ``../shared/data`` beside the repository."""
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    return Path(os.environ.get("SKRNN_DATA", default))


def load(name, folder):
    """(X_train, y_train, X_test); ragged sets as lists of (T_i, C) arrays."""
    with np.load(folder / f"{name}.npz", allow_pickle=True) as npz:
        parts = [npz[key] for key in ("X_train", "y_train", "X_test")]
    for k in (0, 2):
        if parts[k].dtype == object:  # variable length: 1-D object array of (T_i, C)
            parts[k] = [np.asarray(x, dtype=float) for x in parts[k]]
    return parts


def engine_inputs(X, model):
    """X as the engine of a fitted `model` sees it: standardised per channel, cut into
    patches of ``patch_size_`` steps, zero-padded at the front; (n, T', C * patch)."""
    seqs = [np.asarray(x, dtype=np.float32) for x in X]
    p = model.patch_size_
    T = max(len(s) for s in seqs)
    T_patched = math.ceil(T / p)
    out = np.zeros((len(seqs), T_patched * p, seqs[0].shape[1]), dtype=np.float32)
    for i, s in enumerate(seqs):
        out[i, out.shape[1] - len(s):] = (s - model.input_mean_) / model.input_scale_
    return out.reshape(len(seqs), T_patched, p * seqs[0].shape[1])


def torch_member(spec, params, seed):
    """An untrained torch network of one member's architecture (``network_``)."""
    import torch
    from torch import nn

    class Member(nn.Module):
        def __init__(self):
            super().__init__()
            rnn = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN}[spec.cell]
            self.rnn = rnn(spec.n_features, spec.hidden_layer_sizes[0], batch_first=True,
                           bidirectional=spec.bidirectional)
            self.drop = nn.Dropout(params["dropout"])
            width = spec.hidden_layer_sizes[0] * (2 if spec.bidirectional else 1)
            self.head = nn.Linear(width, spec.n_outputs)

        def forward(self, x):
            out, _ = self.rnn(x)
            # the member's pooling: the classifier's default ensemble mixes "last" and "max"
            pooled = out.amax(dim=1) if spec.pooling == "max" else out[:, -1, :]
            return self.head(self.drop(pooled))

    torch.manual_seed(seed)
    return Member()


def torch_fit_predict(fitted, X_train, y_train, X_test):
    """Train one torch member per skrnn member for its ``n_iter_`` epochs; predict."""
    import torch
    from torch import nn

    params = fitted.get_params()
    codes = torch.from_numpy(np.searchsorted(fitted.classes_, y_train))
    probs = 0
    for k, member in enumerate(fitted.estimators_):
        x = torch.from_numpy(engine_inputs(X_train, member))
        model = torch_member(member.network_, params, seed=k)
        opt = torch.optim.Adam(model.parameters(), lr=params["learning_rate_init"])
        batch = min(200, len(x)) if params["batch_size"] == "auto" else params["batch_size"]
        gen = torch.Generator().manual_seed(k)
        model.train()
        for _ in range(member.n_iter_):
            for rows in torch.randperm(len(x), generator=gen).split(batch):
                opt.zero_grad(set_to_none=True)
                loss = class_loss(model(x[rows]), codes[rows])
                l2 = sum((w * w).sum() for n, w in model.named_parameters() if "weight" in n)
                (loss + params["alpha"] / (2 * len(rows)) * l2).backward()
                nn.utils.clip_grad_norm_(model.parameters(), params["clip_norm"])
                opt.step()
        model.eval()
        with torch.no_grad():
            scores = model(torch.from_numpy(engine_inputs(X_test, member)))
            probs = probs + (scores.sigmoid() if scores.shape[1] == 1 else scores.softmax(1))
    if probs.shape[1] == 1:
        return fitted.classes_[(probs[:, 0] > len(fitted.estimators_) / 2).long().numpy()]
    return fitted.classes_[probs.argmax(1).numpy()]


def class_loss(scores, codes):
    """Cross-entropy as skrnn's heads use it: logistic for two classes, else softmax."""
    from torch import nn

    if scores.shape[1] == 1:
        return nn.functional.binary_cross_entropy_with_logits(scores[:, 0], codes.float())
    return nn.functional.cross_entropy(scores, codes)


def run_set(name, folder, rounds):
    """Median seconds of skrnn's fit + predict and torch's, over `rounds` alternations."""
    X_train, y_train, X_test = load(name, folder)
    times = {"skrnn fit": [], "skrnn predict": [], "torch fit+predict": []}
    for _ in range(rounds):
        t0 = time.perf_counter()
        model = RNNClassifier(random_state=0).fit(X_train, y_train)
        t1 = time.perf_counter()
        model.predict(X_test)
        t2 = time.perf_counter()
        torch_fit_predict(model, X_train, y_train, X_test)
        t3 = time.perf_counter()
        times["skrnn fit"].append(t1 - t0)
        times["skrnn predict"].append(t2 - t1)
        times["torch fit+predict"].append(t3 - t2)
    medians = {k: statistics.median(v) for k, v in times.items()}
    spec = model.estimators_[0].network_
    epochs = [m.n_iter_ for m in model.estimators_]
    return dict(set=name, model=f"{spec.cell} {spec.hidden_layer_sizes[0]}"
                f"{' bi' if spec.bidirectional else ''}, T'={engine_inputs(X_test[:1], model.estimators_[0]).shape[1]}"
                f", {len(epochs)} members x {min(epochs)}-{max(epochs)} epochs", **medians)


def markdown(rows, threads):
    """The results as a markdown table."""
    lines = [f"Threads: {threads} (both libraries). Medians over rounds.", "",
             "| set | model as fitted | skrnn fit + predict s | torch same training s | ratio |",
             "|---|---|---|---|---|"]
    for r in rows:
        ours = r["skrnn fit"] + r["skrnn predict"]
        lines.append(f"| {r['set']} | {r['model']} | {ours:.2f} | "
                     f"{r['torch fit+predict']:.2f} | {ours / r['torch fit+predict']:.2f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        sys.exit("bench_full_fit.py needs PyTorch in a separate venv: see benchmarks/README.md")
    torch.set_num_threads(args.threads)
    folder = args.data or data_dir()
    rows = []
    with threadpool_limits(args.threads):
        for name in args.sets.split(","):
            rows.append(run_set(name, folder, args.rounds))
            print(rows[-1], flush=True)
    if args.markdown:
        print(markdown(rows, args.threads))


if __name__ == "__main__":
    main()
