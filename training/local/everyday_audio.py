#!/usr/bin/env python3
"""Audio of the "everyday" data set (prepare_everyday.sh stage 3): real recordings converted
to 16 kHz mono 16-bit, and synthetic renderings of the other sentences by training's voice
families (espeak-ng, flite, festival HTS).

Usage (from training/):
  /usr/bin/python3 local/everyday_audio.py --sentences data/everyday/sentences.tsv \
      --pairs data/everyday/pairs.tsv --wav-dir data/everyday/wav --out data/everyday/utts.tsv
Writes: <wav-dir>/<id>.wav and utts.tsv ("id  wav  num_samples  speaker  src_text  tgt_text
split  source"); ids of renderings: <sentence id>_s<n> (synthetic) or _r<n> (recording).

- Real rows (test_real, dev_real, and ARCTIC training prompts with cathy recordings) keep their
  recordings: every recording of a training prompt, the first one of a test/dev prompt.
- Synthetic: every dev sentence once; training sentences --copies times for short sentences
  (at most --short-words words) and once otherwise, each by a voice drawn at random from the
  seen voices (espeak-ng accent+variant pairs, flite voices, and --festival-share of festival's
  cmu_us_slt_arctic_hts), with the augmenting ranges of synthesize.py (rate 120-210 wpm, pitch
  20-80, gain -10..0 dB, 0-0.25 s of silence at both ends).
- test_everyday is not rendered here: its synthesizer family stays out of training
  (synthesize_wasm.py renders it).
- Voices held out of training by the wide2k set (its test_unseen.tsv) are never drawn.
"""
import argparse
import os
import random
import subprocess
import sys
import wave
from multiprocessing import Pool

sys.path.insert(0, os.path.dirname(__file__))
from everyday_text import read_sentences  # noqa: E402
from synthesize import ESPEAK_LANGS, ESPEAK_VARIANTS, FLITE_VOICES, synth  # noqa: E402

WIDE2K_HELDOUT = {"en-gb+m1", "en-gb-x-rp+f4"}
FESTIVAL_VOICE = "cmu_us_slt_arctic_hts"


def convert(job):
    """A recording -> 16 kHz mono 16-bit WAV (channels mixed); returns its sample count."""
    src, out = job
    subprocess.run(["sox", "-R", src, "-r", "16000", "-c", "1", "-b", "16", out],
                   check=True, capture_output=True)
    with wave.open(out) as w:
        return w.getnframes()


def render(job):
    return convert(job) if len(job) == 2 else synth(job)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sentences", required=True)
    p.add_argument("--pairs", required=True, help="english<TAB>spanish for every sentence")
    p.add_argument("--wav-dir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--copies", type=int, default=2)
    p.add_argument("--short-words", type=int, default=12)
    p.add_argument("--festival-share", type=float, default=0.02)
    a = p.parse_args()
    with open(a.pairs, encoding="utf-8") as f:
        spanish = dict(line.rstrip("\n").split("\t", 1) for line in f)
    voices = [("espeak", f"{lang}+{var}") for lang in ESPEAK_LANGS for var in ESPEAK_VARIANTS
              if f"{lang}+{var}" not in WIDE2K_HELDOUT] + [("flite", v) for v in FLITE_VOICES]
    os.makedirs(a.wav_dir, exist_ok=True)
    jobs, meta = [], []
    for r in read_sentences(a.sentences):
        if r["split"] == "test_everyday":
            continue
        en, es = r["english"], spanish[r["english"]]
        recs = [x for x in r["audio"].split(";") if x]
        if r["split"] in ("test_real", "dev_real"):
            recs = recs[:1]
        for n, src in enumerate(recs):
            uid = f"{r['id']}_r{n}"
            out = os.path.abspath(os.path.join(a.wav_dir, uid + ".wav"))
            jobs.append((src, out))
            speaker = "real:" + ("cathy" if r["source"] in ("cathy", "arctic") else r["source"])
            meta.append((uid, out, speaker, en, es, r))
        if r["split"] in ("test_real", "dev_real"):
            continue
        copies = a.copies if r["split"] == "train" and len(en.split()) <= a.short_words else 1
        # draws seeded by the sentence id: a sentence's renderings stay the same when the
        # sources grow (the WAVs already there are reused)
        rng = random.Random(f"{a.seed}:{r['id']}")
        for n in range(copies):
            if rng.random() < a.festival_share:
                engine, voice = "festival", FESTIVAL_VOICE
            else:
                engine, voice = rng.choice(voices)
            uid = f"{r['id']}_s{n}"
            out = os.path.abspath(os.path.join(a.wav_dir, uid + ".wav"))
            rate, pitch = rng.randint(120, 210), rng.randint(20, 80)
            effects = ["gain", f"{rng.uniform(-10, 0):.1f}",
                       "pad", f"{rng.uniform(0, 0.25):.2f}", f"{rng.uniform(0, 0.25):.2f}"]
            jobs.append((uid, en, engine, voice, rate, pitch, out, effects))
            meta.append((uid, out, f"{engine}:{voice}", en, es, r))
    todo = [i for i, j in enumerate(jobs) if not os.path.exists(j[-1] if len(j) == 2 else j[6])]
    print(f"{len(jobs)} utterances, {len(todo)} to render")
    with Pool(a.jobs) as pool:
        done = dict(zip(todo, pool.map(render, [jobs[i] for i in todo], chunksize=16)))
    with open(a.out, "w", encoding="utf-8") as f:
        for i, (uid, out, spk, en, es, r) in enumerate(meta):
            if i in done:
                n = done[i]
            else:
                with wave.open(out) as w:
                    n = w.getnframes()
            f.write(f"{uid}\t{out}\t{n}\t{spk}\t{en}\t{es}\t{r['split']}\t{r['source']}\n")


if __name__ == "__main__":
    main()
