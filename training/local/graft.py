#!/usr/bin/env python3
"""
Writes a copy of one model's weights with some tensors taken from another model.

Usage (from training/), e.g. a LeaP model whose decoder cross-attention queries and keys come
from the softmax baseline (the start of the Taylor cross-attention run, models/demo-small):
  /usr/bin/python3 local/graft.py --base leap.pt --donor ../models/demo-small-softmax/averaged.pt \
      --pattern 'decoder\\.layers\\.\\d+\\.cross_attn\\.[qk]_proj\\.' --out exp/xtaylor-init.pt
Writes {"model", "params"} (the base's params), usable with train.py --init-from.
"""
import argparse
import logging
import os
import re
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from leapformer.utils import setup_logger  # noqa: E402


def graft(base: dict, donor: dict, pattern: str) -> list:
    """Replaces, in base["model"], every tensor whose name matches `pattern` (re.search) by
    donor["model"]'s; returns the names replaced. Shapes must agree."""
    names = [n for n in base["model"] if re.search(pattern, n)]
    if not names:
        raise ValueError(f"no tensor of the base matches {pattern!r}")
    for n in names:
        if n not in donor["model"]:
            raise ValueError(f"{n} is not in the donor")
        if donor["model"][n].shape != base["model"][n].shape:
            raise ValueError(f"{n}: donor shape {tuple(donor['model'][n].shape)}, "
                             f"base {tuple(base['model'][n].shape)}")
        base["model"][n] = donor["model"][n].clone()
    return names


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True, help="checkpoint or averaged.pt")
    p.add_argument("--donor", required=True, help="checkpoint or averaged.pt")
    p.add_argument("--pattern", required=True, help="regular expression over tensor names")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    setup_logger()
    base = torch.load(a.base, map_location="cpu")
    donor = torch.load(a.donor, map_location="cpu")
    names = graft(base, donor, a.pattern)
    torch.save({"model": base["model"], "params": base.get("params", {})}, a.out)
    logging.info(f"{len(names)} tensors from {a.donor}: {', '.join(names)} -> {a.out}")


if __name__ == "__main__":
    main()
