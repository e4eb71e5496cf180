"""Finding and averaging checkpoints written by train.py."""
import glob
import os
from typing import List

import torch


def last_checkpoints(exp_dir: str, n: int) -> List[str]:
    ckpts = sorted(glob.glob(os.path.join(exp_dir, "checkpoint-*.pt")),
                   key=lambda p: int(p.rsplit("-", 1)[1][:-3]))
    if not ckpts:
        raise FileNotFoundError(f"no checkpoint-*.pt in {exp_dir}")
    return ckpts[-n:]


def average_checkpoints(paths: List[str]) -> dict:
    """Element-wise mean of the model weights; params of the last checkpoint."""
    avg, params = None, None
    for p in paths:
        ckpt = torch.load(p, map_location="cpu")
        sd = ckpt["model"]
        if avg is None:
            avg = {k: v.clone().double() if v.is_floating_point() else v.clone() for k, v in sd.items()}
        else:
            for k, v in sd.items():
                if v.is_floating_point():
                    avg[k] += v.double()
        params = ckpt["params"]
    for k, v in avg.items():
        if v.is_floating_point():
            avg[k] = (v / len(paths)).float()
    return {"model": avg, "params": params, "averaged": [os.path.basename(p) for p in paths]}
