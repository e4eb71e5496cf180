#!/usr/bin/env python3
"""Synthesizes the English side of pairs.tsv with random espeak-ng / flite voices.

Usage:
  /usr/bin/python3 local/synthesize.py --pairs data/demo/pairs.tsv --wav-dir data/demo/wav \
      --voices 8 --seed 1 --jobs 2 --out data/demo/utts.tsv
Writes: <wav-dir>/<id>.wav (16 kHz mono 16-bit) and utts.tsv
("id  wav  num_samples  speaker  src_text  tgt_text"). --voices picks how many
distinct voices (engine + variant) are drawn; rate and pitch vary per utterance.

Options for held-out evaluation (defaults keep the behaviour above):
  --eval-pairs N      the first N pairs (the dev/test sentences of make_manifests) get one
                      rendering by a seen voice, id utt<i>;
  --heldout-voices H  H further voices that render only the first --eval-pairs pairs
                      (one extra rendering each, id utt<i>u), never any training pair;
  --copies C          every other pair is rendered C times by distinct seen voices
                      (ids utt<i>, utt<i>c1, ...);
  --augment           wider rate (120-210) and pitch (20-80), random gain (-10..0 dB) and
                      0-0.25 s of leading/trailing silence.
Writes also <out>.voices: "seen|heldout<TAB>speaker" lines.
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
    uid, text, engine, voice, rate, pitch, out = job[:7]
    effects = job[7] if len(job) > 7 else []
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "raw.wav")
        stdin = None
        if engine == "espeak":
            cmd = ["espeak-ng", "-v", voice, "-s", str(rate), "-p", str(pitch), "-w", raw]
            if text.startswith("-"):  # it would be read as an option (Tatoeba's dialogue dashes)
                stdin = text
            else:
                cmd.append(text)
        elif engine == "festival":  # an HTS voice, e.g. cmu_us_slt_arctic_hts (festvox-us-slt-hts)
            stretch = 175.0 / rate
            cmd = ["text2wave", "-eval", f"(voice_{voice})", "-eval",
                   f"(Parameter.set 'Duration_Stretch {stretch:.2f})", "-o", raw]
            stdin = text
        else:
            stretch = 175.0 / rate  # flite: >1 slower
            cmd = ["flite", "-voice", voice, "--setf", f"duration_stretch={stretch:.2f}",
                   "-t", text, "-o", raw]
        subprocess.run(cmd, check=True, capture_output=True, input=stdin, text=True)
        # -R: sox seeds its dither with a fixed number, so the same job gives the same bytes
        # (without it, every rendering of a data set differed: up to 1 BLEU on 150 sentences)
        subprocess.run(["sox", "-R", raw, "-r", "16000", "-c", "1", "-b", "16", out] + effects,
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
    p.add_argument("--copies", type=int, default=1)
    p.add_argument("--heldout-voices", type=int, default=0)
    p.add_argument("--eval-pairs", type=int, default=0)
    p.add_argument("--augment", action="store_true")
    a = p.parse_args()
    rng = random.Random(a.seed)
    voices = voice_pool(a.voices + a.heldout_voices, rng)
    # voice_pool lists flite voices first: the held-out ones are espeak-ng voices
    held = voices[len(voices) - a.heldout_voices:] if a.heldout_voices else []
    voices = voices[: len(voices) - a.heldout_voices]
    os.makedirs(a.wav_dir, exist_ok=True)
    jobs, meta = [], []

    def add(uid, en, es, engine, voice):
        if a.augment:
            rate, pitch = rng.randint(120, 210), rng.randint(20, 80)
            effects = ["gain", f"{rng.uniform(-10, 0):.1f}",
                       "pad", f"{rng.uniform(0, 0.25):.2f}", f"{rng.uniform(0, 0.25):.2f}"]
        else:
            rate, pitch = rng.randint(140, 190), rng.randint(30, 70)  # words/min, 0..99
            effects = []
        out = os.path.abspath(os.path.join(a.wav_dir, uid + ".wav"))
        jobs.append((uid, en, engine, voice, rate, pitch, out) + ((effects,) if effects else ()))
        meta.append((uid, out, f"{engine}:{voice}", en, es))

    with open(a.pairs, encoding="utf-8") as f:
        for i, line in enumerate(f):
            en, es = line.rstrip("\n").split("\t")
            uid = f"{a.prefix}{i:05d}"
            if i < a.eval_pairs or a.copies <= 1:
                add(uid, en, es, *rng.choice(voices))
                if i < a.eval_pairs and held:
                    add(uid + "u", en, es, *rng.choice(held))
            else:
                for c, (engine, voice) in enumerate(rng.sample(voices, min(a.copies, len(voices)))):
                    add(uid if c == 0 else f"{uid}c{c}", en, es, engine, voice)
    with Pool(a.jobs) as pool:
        counts = pool.map(synth, jobs, chunksize=8)
    with open(a.out, "w", encoding="utf-8") as f:
        for (uid, out, spk, en, es), n in zip(meta, counts):
            f.write(f"{uid}\t{out}\t{n}\t{spk}\t{en}\t{es}\n")
    if held or a.copies > 1 or a.eval_pairs:
        with open(a.out + ".voices", "w", encoding="utf-8") as f:
            for kind, vs in (("seen", voices), ("heldout", held)):
                for engine, voice in vs:
                    f.write(f"{kind}\t{engine}:{voice}\n")
    extra = f" + {len(held)} held-out voices" if held else ""
    print(f"synthesized {len(jobs)} utterances with {len(voices)} voices{extra}")


if __name__ == "__main__":
    main()
