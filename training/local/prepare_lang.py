#!/usr/bin/env python3
"""
SentencePiece target vocabulary and global CMVN statistics.

Usage:
  /usr/bin/python3 local/prepare_lang.py --manifest-dir data/demo/manifests \
      --lang-dir data/demo/lang --vocab-size 500
Writes: <lang-dir>/spm.model, spm.vocab, tokens.txt, cmvn.json (from train.tsv audio).
"""
import os

# Before torch loads libgomp: idle OpenMP threads sleep instead of spinning. On 2
# cores shared with other builds, spinning made each step 5-10x slower.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from leapformer.data import read_manifest  # noqa: E402
from leapformer.fbank import CmvnAccumulator, compute_fbank, load_wave  # noqa: E402
from leapformer.tokens import load_spm, train_spm, write_tokens  # noqa: E402
from leapformer.utils import setup_torch  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--manifest-dir", required=True)
    p.add_argument("--lang-dir", required=True)
    p.add_argument("--vocab-size", type=int, default=500)
    p.add_argument("--spm-model", default="", help="copy this SentencePiece model instead of training one")
    a = p.parse_args()
    setup_torch()
    os.makedirs(a.lang_dir, exist_ok=True)
    prefix = os.path.join(a.lang_dir, "spm")
    if a.spm_model:
        shutil.copyfile(a.spm_model, prefix + ".model")
    else:
        train_spm(os.path.join(a.manifest_dir, "train_tgt.txt"), prefix, a.vocab_size)
    sp = load_spm(prefix + ".model")
    write_tokens(sp, os.path.join(a.lang_dir, "tokens.txt"))
    acc = CmvnAccumulator()
    for r in read_manifest(os.path.join(a.manifest_dir, "train.tsv")):
        acc.add(compute_fbank(load_wave(r["audio"])))
    acc.result().save(os.path.join(a.lang_dir, "cmvn.json"))
    print(f"vocab {sp.get_piece_size()} pieces; cmvn over {acc.n} frames")


if __name__ == "__main__":
    main()
