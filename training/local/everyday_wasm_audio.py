#!/usr/bin/env python3
"""Renderings of the "everyday" data set by the WebAssembly synthesizers (local/synthesize_wasm.py):
test_everyday by SVOX Pico (prepare_everyday.sh stage 4: a family that never speaks in
training), and a share of the training sentences by GnuSpeech (stage 3, a fourth family for
training).

Usage (from training/):
  /usr/bin/python3 local/everyday_wasm_audio.py --split test_everyday --engines pico \
      --sentences data/everyday/sentences.tsv --pairs data/everyday/pairs.tsv \
      --wav-dir data/everyday/wav_everyday --out data/everyday/utts_everyday.tsv [--pico-dir DIR]
  /usr/bin/python3 local/everyday_wasm_audio.py --split train --engines gnuspeech --share 0.15 \
      --sentences ... --pairs ... --wav-dir data/everyday/wav_gnuspeech --out data/everyday/utts_gnuspeech.tsv
Writes: <wav-dir>/<sentence id>_<engine letter>0.wav and the utts file (everyday_audio.py's
columns), through synthesize_wasm.py --augment (seed 1). --share picks that share of the
split's sentences, by a hash of each id (so the choice stays when the sources grow).
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from everyday_text import read_sentences  # noqa: E402


def chosen(uid: str, share: float) -> bool:
    return int(hashlib.sha256(uid.encode()).hexdigest()[:8], 16) / 2**32 < share


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sentences", required=True)
    p.add_argument("--pairs", required=True)
    p.add_argument("--wav-dir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--split", default="test_everyday")
    p.add_argument("--engines", default="pico")
    p.add_argument("--share", type=float, default=1.0)
    p.add_argument("--pico-dir", default=None)
    p.add_argument("--jobs", type=int, default=2)
    a = p.parse_args()
    with open(a.pairs, encoding="utf-8") as f:
        spanish = dict(line.rstrip("\n").split("\t", 1) for line in f)
    rows = [r for r in read_sentences(a.sentences)
            if r["split"] == a.split and (a.share >= 1 or chosen(r["id"], a.share))]
    tag = a.engines[0]
    done = {}
    if os.path.exists(a.out):  # renderings of an earlier run (the sources grew since)
        with open(a.out, encoding="utf-8") as f:
            for line in f:
                done[line.split("\t", 1)[0]] = line
    todo = [r for r in rows if f"{r['id']}_{tag}0" not in done]
    print(f"{len(rows)} sentences, {len(todo)} to render")
    if todo:
        with tempfile.TemporaryDirectory() as tmp:
            pairs, raw = os.path.join(tmp, "pairs.tsv"), os.path.join(tmp, "utts.tsv")
            with open(pairs, "w", encoding="utf-8") as f:
                for r in todo:
                    f.write(f"{r['english']}\t{spanish[r['english']]}\n")
            cmd = [sys.executable, os.path.join(os.path.dirname(__file__), "synthesize_wasm.py"),
                   "--pairs", pairs, "--wav-dir", a.wav_dir, "--out", raw, "--engines", a.engines,
                   "--seed", "1", "--jobs", str(a.jobs), "--prefix", "tmp", "--augment"]
            if a.pico_dir:
                cmd += ["--pico-dir", a.pico_dir]
            subprocess.run(cmd, check=True)
            with open(raw, encoding="utf-8") as f:
                rendered = [line.rstrip("\n").split("\t") for line in f]
        if len(rendered) != len(todo):
            sys.exit(f"{len(rendered)} renderings for {len(todo)} sentences")
        for r, (_, wav, n, spk, en, es) in zip(todo, rendered):
            assert en == r["english"], (en, r["english"])
            uid = f"{r['id']}_{tag}0"
            final = os.path.join(os.path.dirname(wav), uid + ".wav")
            os.replace(wav, final)
            done[uid] = f"{uid}\t{final}\t{n}\t{spk}\t{en}\t{es}\t{a.split}\t{r['source']}\n"
    with open(a.out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(done[f"{r['id']}_{tag}0"])


if __name__ == "__main__":
    main()
