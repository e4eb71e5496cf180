#!/usr/bin/env python3
"""
Teacher-forced scores of a model on a manifest, per k: NLL per reference token and token
accuracy (the share of reference tokens that are the model's argmax given the reference
prefix), as train.py's dev validation computes them. Cheaper and steadier than BLEU on a
100-sentence dev set, for comparing checkpoints.

Usage (from training/):
  /usr/bin/python3 teacher_forced.py --checkpoint ../models/demo-small/averaged.pt \
      --lang-dir data/wide2k/lang --manifest data/wide2k/manifests/dev.tsv --ks 1 5 -1
  # or --exp-dir exp/demo-small --avg 6
Prints one line per k (k=-1: offline).
"""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import logging

import torch

import train
from decode import add_model_and_data_arguments, load
from leapformer.data import read_manifest
from leapformer.fbank import Cmvn
from leapformer.tokens import load_spm
from leapformer.utils import setup_logger, setup_torch


def get_parser():
    p = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    add_model_and_data_arguments(p, [5])
    p.add_argument("--batch-frames", type=int, default=4000)
    p.add_argument("--num-threads", type=int, default=2)
    return p


def score(args) -> dict:
    """{k: {"nll", "acc"}} over the manifest."""
    model, params = load(args)
    for key, val in vars(train.get_parser().parse_args([])).items():
        params.setdefault(key, val)
    params.batch_frames = args.batch_frames
    sp = load_spm(os.path.join(args.lang_dir, "spm.model"))
    cmvn = Cmvn.load(os.path.join(args.lang_dir, "cmvn.json"))
    loader, _ = train.make_loader(read_manifest(args.manifest), sp, cmvn, params, False)
    results = {}
    for k in args.ks:
        params.default_k = k if k >= 0 else None
        v = train.validate(model, loader, params)
        results[k] = {"nll": v["nll"], "acc": v["acc"]}
        logging.info("k=%s: NLL %.3f token accuracy %.3f", "offline" if k < 0 else k,
                     v["nll"], v["acc"])
    return results


def main():
    args = get_parser().parse_args()
    setup_torch(args.num_threads)
    setup_logger()
    score(args)


if __name__ == "__main__":
    main()
