#!/usr/bin/env python3
"""
Writes a complete model bundle (docs/bundle.md) from a checkpoint or random weights.

Usage (from training/):
  # trained model: average the last 3 checkpoints of an experiment
  /usr/bin/python3 export_onnx.py --exp-dir exp/demo-small --avg 3 \
      --lang-dir data/demo/lang --golden-manifest data/demo/manifests/test.tsv \
      --model-name demo-small --out-dir ../models/demo-small
  # or one checkpoint / averaged.pt:
  /usr/bin/python3 export_onnx.py --checkpoint exp/demo-small/averaged.pt ...
  # random weights (runtime bring-up), model sizes from the model arguments:
  /usr/bin/python3 export_onnx.py --random-init --lang-dir data/tiny/lang \
      --golden-wavs a.wav b.wav c.wav --model-name random --out-dir /tmp/bundle-random

Writes into --out-dir: encoder.onnx, cross.onnx, decoder.onnx (opset 17, metadata_props),
tokens.txt, spm.model, cmvn.json, golden/utt{0,1,2}.{wav,json}, README.md.
"""
import os

# Before torch loads libgomp: idle OpenMP threads sleep instead of spinning. On 2
# cores shared with other builds, spinning made each step 5-10x slower.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import logging
import shutil

import torch

from leapformer.checkpoint import average_checkpoints, last_checkpoints
from leapformer.data import read_manifest
from leapformer.fbank import Cmvn
from leapformer.golden import write_golden
from leapformer.onnx_export import bundle_metadata, export_cross, export_decoder, export_encoder
from leapformer.streaming import StepModules
from leapformer.tokens import load_spm, write_tokens
from leapformer.utils import setup_logger, setup_torch
from train import add_model_arguments, get_model, get_params, model_keys


def get_parser():
    p = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--checkpoint", default="", help="a checkpoint-*.pt or averaged.pt")
    p.add_argument("--exp-dir", default="", help="with --avg: average its last checkpoints")
    p.add_argument("--avg", type=int, default=1)
    p.add_argument("--random-init", action="store_true")
    p.add_argument("--seed", type=int, default=0, help="for --random-init")
    p.add_argument("--lang-dir", required=True, help="holds spm.model and cmvn.json")
    p.add_argument("--golden-wavs", nargs="*", default=[])
    p.add_argument("--golden-manifest", default="",
                   help="golden WAVs are the first --num-golden of its first --golden-candidates "
                        "rows whose greedy decodes have no near-tie between the two best logits")
    p.add_argument("--num-golden", type=int, default=3)
    p.add_argument("--golden-candidates", type=int, default=20)
    p.add_argument("--model-name", default="demo-small")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--readme-extra", default="", help="markdown put at the top of README.md")
    add_model_arguments(p)
    return p


def load_model(args):
    """Model and params; architecture from the checkpoint's params when there is one."""
    params = get_params()
    params.update(vars(args))
    sp = load_spm(os.path.join(args.lang_dir, "spm.model"))
    params.vocab_size = sp.get_piece_size()
    state = None
    if args.random_init:
        torch.manual_seed(args.seed)
    else:
        if args.checkpoint:
            ckpt = torch.load(args.checkpoint, map_location="cpu")
        else:
            ckpt = average_checkpoints(last_checkpoints(args.exp_dir, args.avg))
        params.update(model_keys(ckpt["params"]))
        params.source_steps = ckpt["params"].get("batch_idx_train")
        state = ckpt["model"]
    model = get_model(params)
    if state is not None:
        model.load_state_dict(state)
    return model.eval(), params, sp


def golden_wavs(args):
    if args.golden_wavs:
        return args.golden_wavs
    rows = read_manifest(args.golden_manifest)
    return [r["audio"] for r in rows[: args.golden_candidates]]


def write_readme(args, params, meta, summary) -> None:
    """README.md: metadata, provenance and the golden decodes; --readme-extra first."""
    lines = [f"# {args.model_name}", ""]
    if args.readme_extra:
        with open(args.readme_extra) as f:
            lines += [f.read().rstrip(), ""]
    src = "random weights (seed %d)" % args.seed if args.random_init else (
        args.checkpoint or f"average of the last {args.avg} checkpoints of {args.exp_dir}")
    lines += ["## Export", "", f"- weights: {src}"]
    if params.get("source_steps"):
        lines.append(f"- training steps: {params.source_steps}")
    lines += ["- metadata: " + ", ".join(f"{k}={v}" for k, v in meta.items()), "",
              "## Golden decodes (PyTorch step modules, docs/bundle.md wait-k)", ""]
    for s in summary:
        for d in s["decodes"]:
            k = "offline" if d["k"] < 0 else f"k={d['k']}"
            lines.append(f"- {s['name']} ({s['source']}) {k}: {d['text']!r} "
                         f"({len(d['tokens'])} tokens)")
        lines.append(f"  - smallest top-1 minus top-2 logit over its decodes: {s['margin']:.3f}")
    with open(os.path.join(args.out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def export_bundle(args) -> list:
    model, params, sp = load_model(args)
    out = args.out_dir
    os.makedirs(out, exist_ok=True)
    cmvn = Cmvn.load(os.path.join(args.lang_dir, "cmvn.json"))  # with its level_norm, if any
    meta = bundle_metadata(params, args.model_name, cmvn.level_norm)
    export_encoder(model, os.path.join(out, "encoder.onnx"), meta)
    export_cross(model, os.path.join(out, "cross.onnx"), meta)
    export_decoder(model, os.path.join(out, "decoder.onnx"), meta)
    write_tokens(sp, os.path.join(out, "tokens.txt"))
    shutil.copyfile(os.path.join(args.lang_dir, "spm.model"), os.path.join(out, "spm.model"))
    cmvn.save(os.path.join(out, "cmvn.json"))
    summary = write_golden(StepModules(model), params, sp, cmvn, golden_wavs(args),
                           os.path.join(out, "golden"), count=args.num_golden)
    write_readme(args, params, meta, summary)
    logging.info("bundle written to %s", out)
    return summary


def main():
    setup_torch()
    setup_logger()
    args = get_parser().parse_args()
    for s in export_bundle(args):
        for d in s["decodes"]:
            logging.info("%s k=%d: %s", s["source"], d["k"], d["text"])


if __name__ == "__main__":
    main()
