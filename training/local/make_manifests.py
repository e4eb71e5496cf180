#!/usr/bin/env python3
"""Splits utts.tsv into fairseq S2T manifests train/dev/test.tsv.

Usage:
  /usr/bin/python3 local/make_manifests.py --utts data/demo/utts.tsv --out-dir data/demo/manifests \
      --num-dev 30 --num-test 30
Writes: <out-dir>/{train,dev,test}.tsv with header id audio n_frames tgt_text speaker src_text
(n_frames = 10 ms fbank frames = 1 + (samples - 400) // 160) and <out-dir>/train_tgt.txt.

--by-sentence (for synthesize.py --eval-pairs/--copies/--heldout-voices): splits by sentence
(pair index in the id, utt<i>[c<n>|u]): the first --num-test sentences -> test.tsv (seen voice)
and test_unseen.tsv (held-out voice, ids ending in "u"), the next --num-dev -> dev.tsv (seen
voice), all renderings of the other sentences -> train.tsv. Fails if a held-out voice or a
dev/test sentence text reaches train.
"""
import argparse
import os
import re
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
    p.add_argument("--by-sentence", action="store_true")
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
    parts = [("train", None), ("dev", None), ("test", None)]
    if a.by_sentence:
        order, groups = [], {}
        for r in rows:
            m = re.match(r"^(.*?\d+)(c\d+|u)?$", r["id"])
            base, tag = m.group(1), m.group(2) or ""
            if base not in groups:
                groups[base] = []
                order.append(base)
            groups[base].append((tag, r))
        test_ids, dev_ids = order[: a.num_test], order[a.num_test: a.num_test + a.num_dev]
        test = [r for b in test_ids for t, r in groups[b] if t == ""]
        test_unseen = [r for b in test_ids for t, r in groups[b] if t == "u"]
        dev = [r for b in dev_ids for t, r in groups[b] if t == ""]
        train = [r for b in order[a.num_test + a.num_dev:] for t, r in groups[b] if t != "u"]
        held_spk = {r["speaker"] for r in test_unseen}
        eval_txt = {r["src_text"].lower() for r in test + dev}
        assert not any(r["speaker"] in held_spk for r in train), "held-out voice in train"
        assert not any(r["speaker"] in held_spk for r in test + dev), "held-out voice in test"
        train = [r for r in train if r["src_text"].lower() not in eval_txt]
        parts.append(("test_unseen", test_unseen))
        print(f"test_unseen {len(test_unseen)} (voices {sorted(held_spk)})")
    else:
        test, dev = rows[: a.num_test], rows[a.num_test: a.num_test + a.num_dev]
        train = rows[a.num_test + a.num_dev:]
    parts = [("train", train), ("dev", dev), ("test", test)] + parts[3:]
    for name, part in parts:
        write_manifest(os.path.join(a.out_dir, f"{name}.tsv"), part)
    with open(os.path.join(a.out_dir, "train_tgt.txt"), "w", encoding="utf-8") as f:
        for r in train:
            f.write(r["tgt_text"] + "\n")
    print(f"train {len(train)} dev {len(dev)} test {len(test)}")


if __name__ == "__main__":
    main()
