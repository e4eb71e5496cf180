#!/usr/bin/env python3
"""
A public speech translation corpus in its released layout -> this recipe's manifests, each
segment cut out to its own 16 kHz mono 16-bit WAV (local/corpora/).

Usage:
  /usr/bin/python3 local/prepare_corpus.py --corpus mustc --dl-dir /data/MUSTC_v1.0 \
      --out-dir data/mustc-en-es [--src-lang en --tgt-lang es] [--jobs 4]
  (--corpus covost2: --dl-dir holds Common Voice's validated.tsv + clips/ and
   covost_v2.<src>_<tgt>.tsv; --corpus europarl-st: --dl-dir is Europarl-ST's v1.1 folder)
Writes: <out-dir>/wav/<split>/<id>.wav, <out-dir>/manifests/{train,dev,test,...}.tsv
(id audio n_frames tgt_text speaker src_text) and <out-dir>/manifests/train_tgt.txt.
The layouts, split names and decoders: local/corpora/*.py.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from corpora import common, covost2, europarl_st, mustc  # noqa: E402

READERS = {"mustc": mustc.read, "covost2": covost2.read, "europarl-st": europarl_st.read}


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--corpus", choices=sorted(READERS), required=True)
    p.add_argument("--dl-dir", required=True, help="the corpus as downloaded and extracted")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--src-lang", default="en")
    p.add_argument("--tgt-lang", default="es")
    p.add_argument("--jobs", type=int, default=1, help="source files decoded side by side")
    p.add_argument("--min-frames", type=int, default=10,
                   help="training segments shorter than this (10 ms frames) are left out")
    p.add_argument("--max-frames", type=int, default=3000,
                   help="training segments longer than this (10 ms frames) are left out")
    return p


def run(args) -> dict:
    splits = READERS[args.corpus](args.dl_dir, args.src_lang, args.tgt_lang)
    if "train" not in splits:
        raise SystemExit(f"{args.dl_dir}: no training split found for {args.corpus}")
    return common.write(splits, args.out_dir, jobs=args.jobs, min_frames=args.min_frames,
                        max_frames=args.max_frames)


if __name__ == "__main__":
    run(get_parser().parse_args())
