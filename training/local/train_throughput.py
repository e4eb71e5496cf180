#!/usr/bin/env python3
"""
Training throughput of a model configuration: times --steps optimizer steps (forward, backward,
AdamW) on the first batches of a manifest, after --warmup steps, and prints steps per second,
feature frames (10 ms) per second, audio seconds per wall second, the median step, and peak memory
(the process's peak RSS on CPU; torch's peak allocation on CUDA). The batches are fixed (loaded
once, no augmentation), so only the model's compute is timed.

Usage (from training/):
  # the paper-size config (s2t_s-like: 12/6 layers, d 256, 4 heads) with convolutional positions
  /usr/bin/python3 local/train_throughput.py --manifest data/everyday/manifests/train.tsv \
      --lang-dir data/everyday/lang --batch-frames 6000 --steps 8 \
      --d-model 256 --num-heads 4 --encoder-layers 12 --decoder-layers 6 --ffn-dim 2048 \
      --encoder-pos-kernel 15
  # on a GPU: --device cuda --amp bf16 (torchrun --nproc_per_node=1 works the same)
"""
import os
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import argparse
import resource
import statistics
import time

import torch

import train
from leapformer.data import read_manifest
from leapformer.fbank import Cmvn
from leapformer.tokens import load_spm
from leapformer.utils import setup_torch


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--manifest", required=True)
    p.add_argument("--lang-dir", required=True)
    p.add_argument("--batch-frames", type=int, default=6000)
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--device", default="cpu")
    p.add_argument("--amp", choices=["none", "bf16"], default="none")
    p.add_argument("--num-threads", type=int, default=2)
    train.add_model_arguments(p)
    return p


def main():
    args = get_parser().parse_args()
    setup_torch(args.num_threads)
    params = train.get_params()
    params.update(vars(args))
    params.update(cache_features=True, num_workers=0, seed=1, ctc_weight=0.5, label_smoothing=0.1,
                  offline_prob=0.2)
    sp = load_spm(os.path.join(args.lang_dir, "spm.model"))
    cmvn = Cmvn.load(os.path.join(args.lang_dir, "cmvn.json"))
    params.vocab_size = sp.get_piece_size()
    loader, _ = train.make_loader(read_manifest(args.manifest), sp, cmvn, params, shuffle=False)
    batches = []
    for batch in loader:
        batches.append(batch)
        if len(batches) == args.warmup + args.steps:
            break
    device = train.pick_device(args.device)
    model = train.get_model(params).to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    times, frames = [], 0
    for i, batch in enumerate(batches):
        if device.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        with torch.autocast(device_type=device.type, enabled=args.amp == "bf16", dtype=torch.bfloat16):
            loss, _ = train.compute_loss(model, batch, params, args.default_k)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if device.type == "cuda":
            torch.cuda.synchronize()
        if i >= args.warmup:
            times.append(time.perf_counter() - t0)
            frames += int(batch["feat_lens"].sum())
    total = sum(times)
    peak = (torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda"
            else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"config: d {args.d_model}, heads {args.num_heads}, layers {args.encoder_layers}/"
          f"{args.decoder_layers}, ffn {args.ffn_dim}, pos kernel {args.encoder_pos_kernel}, "
          f"{n_params / 1e6:.2f} M parameters; {device}, amp {args.amp}, {args.num_threads} threads")
    print(f"{len(times)} steps of <= {args.batch_frames} frames: median step {statistics.median(times):.3f} s, "
          f"{len(times) / total:.3f} steps/s, {frames / total:.0f} feature frames/s "
          f"({frames / 100 / total:.1f} audio s per wall s), peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
