#!/usr/bin/env python3
"""
SentencePiece target vocabulary and global CMVN statistics.

Usage:
  /usr/bin/python3 local/prepare_lang.py --manifest-dir data/demo/manifests \
      --lang-dir data/demo/lang --vocab-size 500 [--level-norm peak] [--max-utts 4000]
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
from leapformer.fbank import LEVEL_NORMS, Cmvn, CmvnAccumulator, compute_fbank, load_wave  # noqa: E402
from leapformer.tokens import load_spm, train_spm, write_tokens  # noqa: E402
from leapformer.utils import setup_torch  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--manifest-dir", required=True)
    p.add_argument("--lang-dir", required=True)
    p.add_argument("--vocab-size", type=int, default=500)
    p.add_argument("--spm-model", default="", help="copy this SentencePiece model instead of training one")
    p.add_argument("--level-norm", choices=LEVEL_NORMS, default="none",
                   help="level normalisation before CMVN (cmvn.json records it; the runtime applies it)")
    p.add_argument("--max-utts", type=int, default=0,
                   help="CMVN over every n-th training utterance so that at most this many are read (0 = all)")
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
    levelled = Cmvn.identity(a.level_norm).levelled
    rows = read_manifest(os.path.join(a.manifest_dir, "train.tsv"))
    every = max(1, -(-len(rows) // a.max_utts)) if a.max_utts else 1
    for r in rows[::every]:
        acc.add(levelled(compute_fbank(load_wave(r["audio"]))))
    acc.result(a.level_norm).save(os.path.join(a.lang_dir, "cmvn.json"))
    print(f"vocab {sp.get_piece_size()} pieces; cmvn over {acc.n} frames")


if __name__ == "__main__":
    main()
