#!/usr/bin/env python3
"""
Sequence-level knowledge distillation (Kim & Rush, 2016): a teacher model's offline
beam-search outputs replace the references of a training manifest.

Usage (from training/):
  /usr/bin/python3 distill_targets.py --checkpoint ../models/demo-small-softmax/averaged.pt \
      --lang-dir data/wide2k/lang --manifest-dir data/wide2k/manifests \
      --out-dir data/wide2k/manifests-seqkd --beam 4 --jobs 2
  # then train on it: train.py --manifest-dir data/wide2k/manifests-seqkd ...

Writes <out-dir>/train.tsv (tgt_text = the teacher's output; the reference where the teacher
gave nothing or ran into the token limit) and copies <manifest-dir>/dev.tsv unchanged, so
validation still scores against the references. Prints how many targets changed.
"""
import os

# Before torch loads libgomp: idle OpenMP threads sleep instead of spinning.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import logging
import multiprocessing
import shutil
import time
from typing import Dict, List

import torch

from leapformer.data import read_manifest, write_manifest
from leapformer.fbank import SUBSAMPLING, Cmvn, compute_fbank, load_wave
from leapformer.streaming import StepModules, offline_beam, token_limit
from leapformer.tokens import load_spm
from leapformer.utils import setup_logger, setup_torch
from train import model_from_checkpoint


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--checkpoint", required=True, help="the teacher: train.py checkpoint or averaged.pt")
    p.add_argument("--lang-dir", required=True)
    p.add_argument("--manifest-dir", required=True, help="holds train.tsv and dev.tsv")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--beam", type=int, default=4)
    p.add_argument("--jobs", type=int, default=2, help="worker processes, one torch thread each")
    p.add_argument("--max-utts", type=int, default=0, help="0 = all (a smaller number for tests)")
    return p


_worker: dict = {}


def _init_worker(checkpoint: str, lang_dir: str, beam: int) -> None:
    setup_torch(1)
    model, params = model_from_checkpoint(torch.load(checkpoint, map_location="cpu"))
    _worker.update(steps=StepModules(model), params=params, beam=beam,
                   sp=load_spm(os.path.join(lang_dir, "spm.model")),
                   cmvn=Cmvn.load(os.path.join(lang_dir, "cmvn.json")))


@torch.no_grad()
def _teacher_output(audio: str) -> str:
    """The teacher's beam output for one WAV, or "" where it stopped at the token limit."""
    w = _worker
    p = w["params"]
    feats = w["cmvn"](compute_fbank(load_wave(audio)))
    tokens = offline_beam(w["steps"], feats, p.pre_decision, p.bos_id, p.eos_id, w["beam"],
                          p.max_tokens_base, p.max_tokens_per_frame)
    # offline_beam reads every encoder frame: feats.size(0) // SUBSAMPLING of them
    limit = token_limit(feats.size(0) // SUBSAMPLING, p.max_tokens_base, p.max_tokens_per_frame)
    if len(tokens) + 1 >= limit:  # stopped by the limit: a runaway, not a sentence
        return ""
    return w["sp"].decode(tokens).strip()


def distill(rows: List[Dict[str, str]], checkpoint: str, lang_dir: str, beam: int,
            jobs: int) -> List[str]:
    """The teacher's output per row ("" = none), in row order."""
    init = (checkpoint, lang_dir, beam)
    audios = [r["audio"] for r in rows]
    if jobs <= 1:
        _init_worker(*init)
        return [_teacher_output(a) for a in audios]
    with multiprocessing.get_context("fork").Pool(jobs, _init_worker, init) as pool:
        return pool.map(_teacher_output, audios, chunksize=16)


def replace_targets(rows: List[Dict[str, str]], outputs: List[str]) -> Dict[str, int]:
    """Puts each non-empty teacher output in tgt_text, in place; counts what happened."""
    counts = {"same": 0, "changed": 0, "kept_reference": 0}
    for r, out in zip(rows, outputs):
        if not out:
            counts["kept_reference"] += 1
        elif out == r["tgt_text"]:
            counts["same"] += 1
        else:
            counts["changed"] += 1
            r["tgt_text"] = out
    return counts


def run(args) -> Dict[str, int]:
    """Writes <out-dir>/{train,dev}.tsv; returns replace_targets' counts."""
    rows = read_manifest(os.path.join(args.manifest_dir, "train.tsv"))
    if args.max_utts:
        rows = rows[: args.max_utts]
    t0 = time.time()
    outputs = distill(rows, args.checkpoint, args.lang_dir, args.beam, args.jobs)
    counts = replace_targets(rows, outputs)
    os.makedirs(args.out_dir, exist_ok=True)
    write_manifest(os.path.join(args.out_dir, "train.tsv"), rows)
    shutil.copy(os.path.join(args.manifest_dir, "dev.tsv"), os.path.join(args.out_dir, "dev.tsv"))
    logging.info("%d utterances in %.0f s: %s -> %s", len(rows), time.time() - t0, counts,
                 args.out_dir)
    return counts


def main():
    setup_logger()
    run(get_parser().parse_args())


if __name__ == "__main__":
    main()
