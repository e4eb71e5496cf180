#!/usr/bin/env python3
"""
Averages the last N checkpoints of an experiment (weights only).

Usage (from training/):
  /usr/bin/python3 average.py --exp-dir exp/demo-small --avg 3
  # or any weights of one architecture, e.g. runs fine-tuned from one start (a "model soup"):
  /usr/bin/python3 average.py --checkpoints a/averaged.pt b/averaged.pt --out soup.pt
Writes: <exp-dir>/averaged.pt  ({"model", "params", "averaged"}; usable with
train.py --resume to continue from weights only, and with export_onnx.py --checkpoint).
"""
import os

# Before torch loads libgomp: idle OpenMP threads sleep instead of spinning. On 2
# cores shared with other builds, spinning made each step 5-10x slower.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import logging

import torch

from leapformer.checkpoint import average_checkpoints, last_checkpoints
from leapformer.utils import setup_logger, setup_torch


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--exp-dir", default="")
    p.add_argument("--avg", type=int, default=3)
    p.add_argument("--checkpoints", nargs="+", default=[],
                   help="average these files (checkpoints or averaged.pt) instead; needs --out")
    p.add_argument("--out", default="", help="default <exp-dir>/averaged.pt")
    a = p.parse_args()
    if bool(a.exp_dir) == bool(a.checkpoints) or (a.checkpoints and not a.out):
        p.error("give --exp-dir, or --checkpoints with --out")
    setup_torch()
    setup_logger()
    paths = a.checkpoints or last_checkpoints(a.exp_dir, a.avg)
    out = a.out or os.path.join(a.exp_dir, "averaged.pt")
    averaged = average_checkpoints(paths)
    if a.checkpoints:
        averaged["averaged"] = list(a.checkpoints)  # whole paths: the names may all be averaged.pt
    torch.save(averaged, out)
    logging.info("averaged %s -> %s", averaged["averaged"], out)


if __name__ == "__main__":
    main()
