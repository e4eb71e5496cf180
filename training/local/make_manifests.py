#!/usr/bin/env python3
"""Splits utts.tsv into fairseq S2T manifests train/dev/test.tsv.

Usage:
  /usr/bin/python3 local/make_manifests.py --utts data/demo/utts.tsv --out-dir data/demo/manifests \
      --num-dev 30 --num-test 30
Writes: <out-dir>/{train,dev,test}.tsv with header id audio n_frames tgt_text speaker src_text
(n_frames = 10 ms fbank frames = 1 + (samples - 400) // 160) and <out-dir>/train_tgt.txt.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from leapformer.data import write_manifest  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--utts", required=True)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--num-dev", type=int, default=30)
    p.add_argument("--num-test", type=int, default=30)
    p.add_argument("--min-frames", type=int, default=60, help="drop shorter (10 ms frames)")
    a = p.parse_args()
    rows = []
    with open(a.utts, encoding="utf-8") as f:
        for line in f:
            uid, wav, n, spk, en, es = line.rstrip("\n").split("\t")
            frames = 1 + (int(n) - 400) // 160 if int(n) >= 400 else 0
            if frames < a.min_frames:
                continue
            rows.append({"id": uid, "audio": wav, "n_frames": frames, "tgt_text": es,
                         "speaker": spk, "src_text": en})
    os.makedirs(a.out_dir, exist_ok=True)
    test, dev = rows[: a.num_test], rows[a.num_test: a.num_test + a.num_dev]
    train = rows[a.num_test + a.num_dev:]
    for name, part in (("train", train), ("dev", dev), ("test", test)):
        write_manifest(os.path.join(a.out_dir, f"{name}.tsv"), part)
    with open(os.path.join(a.out_dir, "train_tgt.txt"), "w", encoding="utf-8") as f:
        for r in train:
            f.write(r["tgt_text"] + "\n")
    print(f"train {len(train)} dev {len(dev)} test {len(test)}")


if __name__ == "__main__":
    main()
