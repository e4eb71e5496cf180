#!/usr/bin/env python3
"""Writes the frozen test and dev lists of the "everyday" data set for the record
(../docs/results/everyday/), so a later run can check that its split is the same.

Usage (from training/, after prepare_everyday.sh stage 2):
  /usr/bin/python3 local/everyday_freeze.py --data-dir data/everyday --out-dir ../docs/results/everyday
  /usr/bin/python3 local/everyday_freeze.py --data-dir data/everyday --check ../docs/results/everyday
Writes: <out-dir>/{test_real,test_everyday,dev}.tsv: "id  source  english  apertium  human
sha256" (sha256 of the original recording for real speech, else empty). --check compares
the lists the data set gives now with the committed ones and fails on any difference.
"""
import argparse
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from everyday_text import read_sentences  # noqa: E402

SPLITS = {"test_real": ("test_real",), "test_everyday": ("test_everyday",),
          "dev": ("dev", "dev_real")}


def sha256(path: str) -> str:
    if not path:
        return ""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def lists(data_dir: str):
    with open(os.path.join(data_dir, "pairs.tsv"), encoding="utf-8") as f:
        spanish = dict(line.rstrip("\n").split("\t", 1) for line in f)
    out = {}
    for name, splits in SPLITS.items():
        lines = ["id\tsource\tenglish\tapertium\thuman\tsha256"]
        for r in read_sentences(os.path.join(data_dir, "sentences.tsv")):
            if r["split"] in splits:
                audio = r["audio"].split(";")[0] if r["split"] != "dev" else ""
                lines.append("\t".join([r["id"], r["source"], r["english"], spanish[r["english"]],
                                        r["spanish_human"], sha256(audio)]))
        out[name] = "\n".join(lines) + "\n"
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir", required=True)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--out-dir")
    g.add_argument("--check")
    a = p.parse_args()
    now = lists(a.data_dir)
    if a.out_dir:
        os.makedirs(a.out_dir, exist_ok=True)
        for name, text in now.items():
            with open(os.path.join(a.out_dir, name + ".tsv"), "w", encoding="utf-8") as f:
                f.write(text)
            print(f"{name}: {text.count(chr(10)) - 1} sentences")
        return
    bad = []
    for name, text in now.items():
        with open(os.path.join(a.check, name + ".tsv"), encoding="utf-8") as f:
            if f.read() != text:
                bad.append(name)
    if bad:
        sys.exit(f"differs from the frozen lists: {', '.join(bad)}")
    print("the split equals the frozen lists")


if __name__ == "__main__":
    main()
