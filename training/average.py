#!/usr/bin/env python3
"""
Averages the last N checkpoints of an experiment (weights only).

Usage (from training/):
  /usr/bin/python3 average.py --exp-dir exp/demo-small --avg 3
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
    p.add_argument("--exp-dir", required=True)
    p.add_argument("--avg", type=int, default=3)
    p.add_argument("--out", default="", help="default <exp-dir>/averaged.pt")
    a = p.parse_args()
    setup_torch()
    setup_logger()
    paths = last_checkpoints(a.exp_dir, a.avg)
    out = a.out or os.path.join(a.exp_dir, "averaged.pt")
    torch.save(average_checkpoints(paths), out)
    logging.info("averaged %s -> %s", [os.path.basename(x) for x in paths], out)


if __name__ == "__main__":
    main()
