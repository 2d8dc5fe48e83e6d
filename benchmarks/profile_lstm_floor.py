"""Why small LSTMs miss issue 14's training target (<= 0.5x torch for H <= 64): a floor.

For each LSTM config of the grid with H <= 64 (8 input features, many-to-one, float32,
one BLAS thread and one torch thread), this times, interleaved:

* torch's training step (``nn.LSTM`` + ``nn.Linear``, MSE, Adam: ``bench_vs_torch.py``'s
  model) and skrnn's (``loss_and_gradient`` + Adam);
* two replays of what skrnn's step cannot do without: every GEMM of the step with its
  exact shapes (per step ``z_t = W [x_t; 1; h_{t-1}]`` forward and ``U^T dz_t`` backward,
  per block of steps the weight gradient ``dZ_T [x; 1; h]^T``), and every element-wise
  NumPy call of the LSTM cell with its exact shapes (8 per step forward, 5 per step
  backward, 11 per block for the derivative factors).

The two replays are a floor for a NumPy engine: the arithmetic BPTT needs, with the
fewest calls the cell's equations allow (``skrnn/_engine/_cells.py``). Where the floor is
above half of torch's step, the 0.5 target needs fused kernels (one compiled call per step,
as torch's oneDNN LSTM), not a better NumPy schedule.

``--inference`` does the same for the forward pass (no BPTT caches) against torch's
``no_grad`` forward, target <= 1.0x, over H 16, 64 and 256. Run with torch installed
(``/work/venv-bench``)::

    /work/venv-bench/bin/python benchmarks/profile_lstm_floor.py [--target-s 0.3] [--inference]
"""

import argparse
import sys
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_vs_torch import make_data, skrnn_side, time_paired, torch_side  # noqa: E402

from skrnn._engine._cells import block_steps, get_cell  # noqa: E402

F = 8  # bench_vs_torch's N_FEATURES
CONFIGS = [(H, T, B) for H in (16, 64) for T in (20, 100) for B in (32, 256)]


def gemm_replay(H, T, B, blk, training=True):
    """Every GEMM of one LSTM training step (or forward pass), with its shapes."""
    rng = np.random.default_rng(0)
    G, K = 4 * H, F + 1 + H
    W, U_T = rng.standard_normal((G, K), np.float32), rng.standard_normal((H, G), np.float32)
    xh, z = rng.standard_normal((K, B), np.float32), np.empty((G, B), np.float32)
    dh = np.empty((H, B), np.float32)
    dZ_T = rng.standard_normal((G, blk * B), np.float32)
    xh_T = rng.standard_normal((blk * B, K), np.float32)
    dW = np.zeros((G, K), np.float32)
    n_blocks = -(-T // blk)

    def run():
        for _ in range(T):
            np.matmul(W, xh, out=z)  # forward z_t
        if not training:
            return
        for _ in range(T):
            np.matmul(U_T, z, out=dh)  # backward U^T dz_t
        for _ in range(n_blocks):
            np.add(dW, dZ_T @ xh_T, out=dW)  # the block's weight gradient
    return run


def elementwise_replay(H, T, B, blk, training=True):
    """Every element-wise call of one LSTM training step's (or forward pass's) cell, with
    its shapes."""
    z, half = np.ones((4 * H, B), np.float32), np.float32(0.5)
    sig, g = z[:3 * H], z[3 * H:]
    c, c_out, tc, h, tmp = (np.ones((H, B), np.float32) for _ in range(5))
    blocks = np.ones((blk, 3, H, B), np.float32)
    one = np.ones((blk, H, B), np.float32)
    n_blocks = -(-T // blk)

    def run():
        for _ in range(T):  # forward, equations (1)-(6): 8 calls
            np.tanh(z, out=z)
            np.multiply(sig, half, out=sig)
            np.add(sig, half, out=sig)
            np.multiply(c, c, out=c_out)
            np.multiply(c, g, out=tmp)
            np.add(c_out, tmp, out=c_out)
            np.tanh(c_out, out=tc)
            np.multiply(c, tc, out=h)
        if not training:
            return
        for _ in range(n_blocks):  # derivative factors (7)-(11): 11 calls a block
            np.subtract(1, blocks, out=blocks)  # s (1 - s) of o, i, f at once
            np.multiply(blocks, blocks, out=blocks)
            for _ in range(3):  # P_o, P_i, P_f
                np.multiply(one, one, out=one)
            for _ in range(2):  # P_g and A: 1 - x^2, then a product
                np.multiply(one, one, out=one)
                np.subtract(1, one, out=one)
                np.multiply(one, one, out=one)
        for _ in range(T):  # backward (12)-(15): 5 calls
            np.multiply(h, c, out=tmp)
            np.add(tmp, c, out=tmp)
            np.multiply(c, h, out=c_out)
            np.multiply(sig, sig, out=sig)
            np.multiply(tmp, c, out=c_out)
    return run


def profile(config, target_s, training):
    H, T, B = config
    cfg = dict(cell="lstm", hidden=H, steps=T, batch=B)
    X, Y = make_data(T, B)
    which = 0 if training else 1  # (train_step, infer) closures
    skrnn_call, torch_call = skrnn_side(cfg, X, Y)[which], torch_side(cfg, X, Y)[which]
    blk = block_steps(get_cell("lstm"), T, H, B, 4)
    fns = [torch_call, skrnn_call, gemm_replay(H, T, B, blk, training),
           elementwise_replay(H, T, B, blk, training)]
    return [1e3 * s for s in time_paired(fns, target_s)]


def main():
    import torch

    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--target-s", type=float, default=0.3)
    parser.add_argument("--inference", action="store_true",
                        help="the forward pass (target <= 1.0x torch) over H 16, 64, 256")
    args = parser.parse_args()
    configs = CONFIGS + [(256, T, B) for T in (20, 100) for B in (32, 256)] if args.inference else CONFIGS
    torch.set_num_threads(1)
    print("| config | torch ms | skrnn ms | skrnn / torch | GEMMs ms | element-wise ms | "
          "floor / torch | rest of skrnn ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with threadpool_limits(1):
        for config in configs:
            t_torch, t_skrnn, t_gemm, t_elem = profile(config, args.target_s, not args.inference)
            floor = t_gemm + t_elem
            print(f"| lstm-h{config[0]}-T{config[1]}-B{config[2]} | {t_torch:.3f} | "
                  f"{t_skrnn:.3f} | **{t_skrnn / t_torch:.2f}** | {t_gemm:.3f} | {t_elem:.3f} | "
                  f"**{floor / t_torch:.2f}** | {t_skrnn - floor:.3f} |", flush=True)


if __name__ == "__main__":
    main()
