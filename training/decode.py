#!/usr/bin/env python3
"""
Greedy simultaneous (wait-k) and offline decoding from PyTorch over a manifest,
with the exact algorithm of docs/bundle.md (leapformer.streaming.simul_decode).

Usage (from training/):
  /usr/bin/python3 decode.py --exp-dir exp/demo-small --avg 3 \
      --lang-dir data/demo/lang --manifest data/demo/manifests/test.tsv \
      --ks 3 5 -1 --out-dir exp/demo-small/decode-test
  # or --checkpoint exp/demo-small/averaged.pt; --batch-size N decodes N utterances at once
  # (LeaP), --device auto on a GPU where there is one
Writes: <out-dir>/hyps-k<k>.tsv (id, reference, hypothesis, delays in ms; k=-1 offline)
and <out-dir>/results.txt (BLEU and Average Lagging per k); prints the same.
"""
import os

# Before torch loads libgomp: idle OpenMP threads sleep instead of spinning. On 2
# cores shared with other builds, spinning made each step 5-10x slower.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import logging

import torch

from leapformer.checkpoint import average_checkpoints, last_checkpoints
from leapformer.data import read_manifest
from leapformer.fbank import Cmvn, compute_fbank, load_wave
from leapformer.metrics import average_lagging, corpus_bleu
from leapformer.batch_decode import batch_simul_decode
from leapformer.streaming import StepModules, offline_beam, simul_decode
from leapformer.tokens import load_spm
from leapformer.utils import setup_logger, setup_torch
from train import model_from_checkpoint, pick_device


def add_model_and_data_arguments(p: argparse.ArgumentParser, ks) -> None:
    """The model (a checkpoint, or the last --avg of an --exp-dir), the set, the ks."""
    p.add_argument("--checkpoint", default="")
    p.add_argument("--exp-dir", default="")
    p.add_argument("--avg", type=int, default=1)
    p.add_argument("--lang-dir", required=True)
    p.add_argument("--manifest", required=True)
    p.add_argument("--ks", type=int, nargs="+", default=ks, help="-1 = offline")


def get_parser():
    p = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    add_model_and_data_arguments(p, [3, 5, -1])
    p.add_argument("--max-utts", type=int, default=0, help="0 = all")
    p.add_argument("--batch-size", type=int, default=16,
                   help="utterances decoded together (leapformer.batch_decode; the same results "
                        "as one at a time); LeaP models only: the beam search and the softmax "
                        "baseline run one at a time")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--beam", type=int, default=1,
                   help="offline (k=-1) only: beam search of this width instead of greedy")
    p.add_argument("--num-threads", type=int, default=2,
                   help="torch threads (1 to run two decodes side by side on 2 cores)")
    p.add_argument("--device", default="cpu",
                   help="cpu, cuda, cuda:N, or auto (cuda when available): where the model, its "
                        "states and the batched steps run")
    return p


def load(args):
    ckpt = torch.load(args.checkpoint, map_location="cpu") if args.checkpoint else \
        average_checkpoints(last_checkpoints(args.exp_dir, args.avg))
    return model_from_checkpoint(ckpt)


def decode(args) -> dict:
    model, params = load(args)
    model = model.to(pick_device(getattr(args, "device", "cpu")))
    sp = load_spm(os.path.join(args.lang_dir, "spm.model"))
    cmvn = Cmvn.load(os.path.join(args.lang_dir, "cmvn.json"))
    steps = StepModules(model)
    rows = read_manifest(args.manifest)
    if args.max_utts:
        rows = rows[: args.max_utts]
    os.makedirs(args.out_dir, exist_ok=True)
    feats = []
    for r in rows:
        wave = load_wave(r["audio"])
        feats.append((cmvn(compute_fbank(wave)), wave.numel()))
    results = {}
    for k in args.ks:
        hyps, als = [], []
        batched = None
        # LeaP's states are fixed-size and stack; the softmax baseline's grow with the stream
        if not (k < 0 and args.beam > 1) and args.batch_size > 1 and params.attention == "leap":
            batched = batch_simul_decode(steps, feats, k, params.pre_decision, params.bos_id,
                                         params.eos_id, params.max_tokens_base,
                                         params.max_tokens_per_frame, params.frame_ms,
                                         batch_size=args.batch_size)
        with open(os.path.join(args.out_dir, f"hyps-k{k}.tsv"), "w", encoding="utf-8") as f:
            f.write("id\treference\thypothesis\tdelays_ms\n")
            for j, (r, (x, n)) in enumerate(zip(rows, feats)):
                if batched is not None:
                    res = batched[j]
                elif k < 0 and args.beam > 1:
                    tokens = offline_beam(steps, x, params.pre_decision, params.bos_id,
                                          params.eos_id, args.beam, params.max_tokens_base,
                                          params.max_tokens_per_frame)
                    res = {"tokens": tokens, "delays_ms": [n * 1000 / 16000] * len(tokens)}
                else:
                    res = simul_decode(steps, x, n, k, params.pre_decision, params.bos_id,
                                       params.eos_id, params.max_tokens_base,
                                       params.max_tokens_per_frame, params.frame_ms)
                hyp = sp.decode(res["tokens"])
                hyps.append(hyp)
                als.append(average_lagging(res["delays_ms"], n * 1000 / 16000,
                                           len(sp.encode(r["tgt_text"]))))
                f.write(f"{r['id']}\t{r['tgt_text']}\t{hyp}\t"
                        f"{' '.join('%g' % d for d in res['delays_ms'])}\n")
        bleu = corpus_bleu(hyps, [r["tgt_text"] for r in rows])
        results[k] = {"bleu": bleu, "al_ms": sum(als) / max(len(als), 1)}
        logging.info("k=%s: BLEU %.2f AL %.0f ms (%d utts)", "offline" if k < 0 else k,
                     bleu, results[k]["al_ms"], len(rows))
        for r, h in list(zip(rows, hyps))[:3]:
            logging.info("  %s | ref: %s | hyp: %s", r["src_text"], r["tgt_text"], h)
    with open(os.path.join(args.out_dir, "results.txt"), "w") as f:
        for k, v in results.items():
            f.write(f"k={k}\tBLEU={v['bleu']:.2f}\tAL_ms={v['al_ms']:.0f}\n")
    return results


def main():
    args = get_parser().parse_args()
    setup_torch(args.num_threads)
    setup_logger()
    decode(args)


if __name__ == "__main__":
    main()
