#!/usr/bin/env python3
"""Synthesizes the English side of pairs.tsv with random espeak-ng / flite voices.

Usage:
  /usr/bin/python3 local/synthesize.py --pairs data/demo/pairs.tsv --wav-dir data/demo/wav \
      --voices 8 --seed 1 --jobs 2 --out data/demo/utts.tsv
Writes: <wav-dir>/<id>.wav (16 kHz mono 16-bit) and utts.tsv
("id  wav  num_samples  speaker  src_text  tgt_text"). --voices picks how many
distinct voices (engine + variant) are drawn; rate and pitch vary per utterance.
"""
import argparse
import os
import random
import subprocess
import tempfile
import wave
from multiprocessing import Pool

ESPEAK_LANGS = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-us-nyc",
                "en-gb-x-gbclan", "en-gb-x-gbcwmd"]
ESPEAK_VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m7", "f1", "f2", "f3", "f4", "f5"]
FLITE_VOICES = ["slt", "rms", "awb", "kal16"]


def voice_pool(n: int, rng: random.Random):
    all_voices = [("espeak", f"{lang}+{var}") for lang in ESPEAK_LANGS for var in ESPEAK_VARIANTS]
    rng.shuffle(all_voices)
    flite = [("flite", v) for v in FLITE_VOICES]
    # about one flite voice per four espeak voices
    n_flite = min(len(flite), n // 4)
    return flite[:n_flite] + all_voices[: n - n_flite]


def synth(job):
    uid, text, engine, voice, rate, pitch, out = job
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "raw.wav")
        if engine == "espeak":
            cmd = ["espeak-ng", "-v", voice, "-s", str(rate), "-p", str(pitch), "-w", raw, text]
        else:
            stretch = 175.0 / rate  # flite: >1 slower
            cmd = ["flite", "-voice", voice, "--setf", f"duration_stretch={stretch:.2f}",
                   "-t", text, "-o", raw]
        subprocess.run(cmd, check=True, capture_output=True)
        subprocess.run(["sox", raw, "-r", "16000", "-c", "1", "-b", "16", out],
                       check=True, capture_output=True)
    with wave.open(out) as w:
        return w.getnframes()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pairs", required=True)
    p.add_argument("--wav-dir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--voices", type=int, default=8)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--prefix", default="utt")
    a = p.parse_args()
    rng = random.Random(a.seed)
    voices = voice_pool(a.voices, rng)
    os.makedirs(a.wav_dir, exist_ok=True)
    jobs, meta = [], []
    with open(a.pairs, encoding="utf-8") as f:
        for i, line in enumerate(f):
            en, es = line.rstrip("\n").split("\t")
            engine, voice = rng.choice(voices)
            rate, pitch = rng.randint(140, 190), rng.randint(30, 70)  # words/min, 0..99
            uid = f"{a.prefix}{i:05d}"
            out = os.path.abspath(os.path.join(a.wav_dir, uid + ".wav"))
            jobs.append((uid, en, engine, voice, rate, pitch, out))
            meta.append((uid, out, f"{engine}:{voice}", en, es))
    with Pool(a.jobs) as pool:
        counts = pool.map(synth, jobs, chunksize=8)
    with open(a.out, "w", encoding="utf-8") as f:
        for (uid, out, spk, en, es), n in zip(meta, counts):
            f.write(f"{uid}\t{out}\t{n}\t{spk}\t{en}\t{es}\n")
    print(f"synthesized {len(jobs)} utterances with {len(voices)} voices")


if __name__ == "__main__":
    main()
