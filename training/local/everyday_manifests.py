#!/usr/bin/env python3
"""Manifests of the "everyday" data set (prepare_everyday.sh stage 4).

Usage (from training/):
  /usr/bin/python3 local/everyday_manifests.py --utts data/everyday/utts.tsv data/everyday/utts_gnuspeech.tsv \
      --sentences data/everyday/sentences.tsv --extra-train data/wide2k/manifests/train.tsv \
      --out-dir data/everyday/manifests
Writes: <out-dir>/{train,dev,dev_small,test_real}.tsv (manifest columns of leapformer.data),
train_tgt.txt (training targets, for SentencePiece), test_everyday_human.tsv and
dev_human.tsv ("id  spanish" Tatoeba's human translations, for a second reference), and
test_everyday.tsv when --everyday-utts (synthesize_wasm.py's renderings) is given.

--extra-train manifests join train.tsv except rows whose sentence is within one word of a
test or dev sentence (everyday_text.py's rule). dev_small.tsv (validation during training)
is every dev_real row and every 4th other dev row.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from everyday_text import NearIndex, norm_words, read_sentences  # noqa: E402
from leapformer.data import read_manifest, write_manifest  # noqa: E402


def frames(samples: int) -> int:
    return 1 + (samples - 400) // 160 if samples >= 400 else 0


def read_utts(path: str):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            uid, wav, n, spk, en, es, split, source = line.rstrip("\n").split("\t")[:8]
            rows.append({"id": uid, "audio": wav, "n_frames": frames(int(n)), "tgt_text": es,
                         "speaker": spk, "src_text": en, "split": split, "source": source})
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--utts", nargs="+", required=True, help="everyday_audio.py's and "
                   "everyday_wasm_audio.py's utterance lists")
    p.add_argument("--sentences", required=True)
    p.add_argument("--extra-train", nargs="*", default=[])
    p.add_argument("--everyday-utts", default="", help="the test_everyday renderings")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--min-frames", type=int, default=60)
    a = p.parse_args()
    sentences = read_sentences(a.sentences)
    human = {r["id"]: r["spanish_human"] for r in sentences if r["spanish_human"]}
    held = NearIndex([norm_words(r["english"]) for r in sentences if r["split"] != "train"])
    rows = [r for path in a.utts for r in read_utts(path)]
    parts = {name: [] for name in ("train", "dev", "test_real")}
    for r in rows:
        if r["split"] == "train" and r["n_frames"] < a.min_frames:
            continue
        parts[{"dev_real": "dev"}.get(r["split"], r["split"])].append(r)
    for path in a.extra_train:
        extra = read_manifest(path)
        kept = [r for r in extra if not held.near(norm_words(r["src_text"]))]
        print(f"{path}: {len(kept)} of {len(extra)} rows kept (the rest near a test/dev sentence)")
        parts["train"] += kept
    dev_other = [r for r in parts["dev"] if r["split"] != "dev_real"]
    parts["dev_small"] = [r for r in parts["dev"] if r["split"] == "dev_real"] + dev_other[::4]
    if a.everyday_utts:
        parts["test_everyday"] = read_utts(a.everyday_utts)
    os.makedirs(a.out_dir, exist_ok=True)
    for name, part in parts.items():
        write_manifest(os.path.join(a.out_dir, f"{name}.tsv"), part)
        hours = sum(r["n_frames"] for r in part) / 360000
        print(f"{name}: {len(part)} utterances, {hours:.2f} h")
    with open(os.path.join(a.out_dir, "train_tgt.txt"), "w", encoding="utf-8") as f:
        for r in parts["train"]:
            f.write(r["tgt_text"] + "\n")
    for split, name in (("test_everyday", "test_everyday_human.tsv"), ("dev", "dev_human.tsv")):
        with open(os.path.join(a.out_dir, name), "w", encoding="utf-8") as f:
            for r in sentences:
                if r["split"] == split and r["id"] in human:
                    f.write(f"{r['id']}\t{human[r['id']]}\n")


if __name__ == "__main__":
    main()
