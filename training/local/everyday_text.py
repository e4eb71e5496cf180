#!/usr/bin/env python3
"""The sentences of the "everyday" data set and their frozen split (prepare_everyday.sh stage 1).

Usage (from training/):
  /usr/bin/python3 local/everyday_text.py --dl-dir download --out data/everyday/sentences.tsv
Writes: sentences.tsv with header
  id  split  source  english  spanish_human  audio
split is one of test_real, test_everyday, dev_real, dev, train; audio is the original recording
of a real-speech row (empty for text that is synthesized later); spanish_human is Tatoeba's
human translation where it exists.

The split (seeded, so the same sources give the same split):
- test_real: the 32 LJSpeech clips LJ001-0001..0032, the 5 LibriVox sentences of Debian's
  pocketsphinx-testdata, and --cathy-test ARCTIC prompts recorded by cathy (one recording each;
  the prompt is out of training in every form, text and other recordings alike);
- dev_real: --cathy-dev other prompts, one cathy recording each, likewise out of training;
- test_everyday: --tatoeba-test of LASER's 1,000 Tatoeba pairs (rendered by a synthesizer
  family that never speaks in training); dev: the other LASER pairs, --dev-challenge pairs of
  Tatoeba-Challenge and --dev-lj LJSpeech transcripts (rendered by training's families);
- train: the rest: Tatoeba-Challenge, LJSpeech transcripts (--max-lj at most; never chapter
  LJ001, whose clips are the test), the other ARCTIC prompts (cathy's recordings of them and
  synthetic renderings).
A training sentence is dropped when it is within one word (word-level edit distance <= 1,
ignoring case and punctuation) of any test or dev sentence, so that no test sentence is a
near copy of something learned; training sentences with digits are dropped (the CTC alphabet
has no digits and TTS reads them in ways the transcript does not show).
"""
import argparse
import glob
import os
import random
import re
from collections import defaultdict
from typing import Dict, List

LIBRIVOX = "/usr/share/pocketsphinx/test/data/librivox"
FIELDS = ["id", "split", "source", "english", "spanish_human", "audio"]


def norm_words(s: str) -> List[str]:
    return re.findall(r"[a-z0-9']+", s.lower().replace("\u2019", "'"))


def clean(s: str) -> str:
    s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return re.sub(r"\s+", " ", s).strip()


def within_one_word(a: List[str], b: List[str]) -> bool:
    """Word-level edit distance <= 1."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


class NearIndex:
    """Finds sentences within one word of any held sentence (buckets by length and by
    each word left out, so a lookup does not scan everything)."""

    def __init__(self, sentences: List[List[str]]):
        self.keys = set()
        for w in sentences:
            self.keys.add(("=",) + tuple(w))
            for i in range(len(w)):
                self.keys.add(("-",) + tuple(w[:i]) + ("*",) + tuple(w[i + 1:]))
                self.keys.add(("d",) + tuple(w[:i] + w[i + 1:]))

    def near(self, w: List[str]) -> bool:
        if ("=",) + tuple(w) in self.keys or ("d",) + tuple(w) in self.keys:
            return True  # equal, or one word longer than w
        for i in range(len(w)):
            if ("-",) + tuple(w[:i]) + ("*",) + tuple(w[i + 1:]) in self.keys:
                return True  # one word substituted
            if ("=",) + tuple(w[:i] + w[i + 1:]) in self.keys:
                return True  # one word shorter than w
        return False


def read_cathy(root: str) -> Dict[str, List[str]]:
    """ARCTIC prompt id -> its cathy recordings (sorted), with the prompt text beside each."""
    by_prompt = defaultdict(list)
    for wav in sorted(glob.glob(os.path.join(root, "data", "arctic_*.wav"))):
        m = re.match(r"arctic_([ab]\d{4})_\d+\.wav$", os.path.basename(wav))
        if m:
            by_prompt[m.group(1)].append(wav)
    return by_prompt


def read_arctic_prompts(root: str) -> Dict[str, str]:
    prompts = {}
    with open(os.path.join(root, "cmuarctic.data"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r'\(\s*arctic_([ab]\d{4})\s+"(.*)"\s*\)\s*$', line.strip())
            if m:
                prompts[m.group(1)] = m.group(2)
    return prompts


def cathy_text(wav: str) -> str:
    with open(wav[:-4] + ".txt", encoding="utf-8") as f:
        return clean(f.read())


def read_lj(filelists: str) -> Dict[str, str]:
    texts = {}
    for path in sorted(glob.glob(os.path.join(filelists, "ljs_audio_text_*_filelist.txt"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                wav, text = line.rstrip("\n").split("|", 1)
                texts[os.path.basename(wav)[:-4]] = clean(text)
    return texts


def read_tatoeba_challenge(path: str) -> List[tuple]:
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) == 1:  # "english ||| spanish" (a copy paged through a text viewer)
                cols = cols[0].split(" ||| ")
            if len(cols) == 4:
                cols = cols[2:]
            if len(cols) == 2 and cols[0].strip():
                pairs.append((clean(cols[0]), clean(cols[1])))
    return pairs


def sentence_case(s: str) -> str:
    s = s[0].upper() + s[1:]
    return s if s[-1] in ".?!" else s + "."


def write_sentences(path: str, rows: List[Dict[str, str]]) -> None:
    """Tab-separated, no quoting (clean() leaves no tab or newline in a field)."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("\t".join(FIELDS) + "\n")
        for r in rows:
            f.write("\t".join(r[k] for k in FIELDS) + "\n")


def read_sentences(path: str) -> List[Dict[str, str]]:
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        return [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dl-dir", default="download")
    p.add_argument("--librivox-dir", default=LIBRIVOX)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cathy-test", type=int, default=150)
    p.add_argument("--cathy-dev", type=int, default=100)
    p.add_argument("--tatoeba-test", type=int, default=500)
    p.add_argument("--dev-challenge", type=int, default=300)
    p.add_argument("--dev-lj", type=int, default=150)
    p.add_argument("--max-lj", type=int, default=8000)
    p.add_argument("--max-words", type=int, default=40, help="longest training sentence")
    a = p.parse_args()
    rng = random.Random(a.seed)
    dl = a.dl_dir
    rows = []

    def add(uid, split, source, english, human="", audio=""):
        rows.append({"id": uid, "split": split, "source": source, "english": english,
                     "spanish_human": human, "audio": audio})

    # real speech: LJSpeech clips, LibriVox, cathy
    lj = read_lj(os.path.join(dl, "tacotron2", "filelists"))
    for flac in sorted(glob.glob(os.path.join(dl, "TTS", "tests", "data", "ljspeech", "wavs",
                                              "LJ001-00*.flac"))):
        uid = os.path.basename(flac)[:-5]
        add(uid, "test_real", "ljspeech", lj[uid], audio=os.path.abspath(flac))
    with open(os.path.join(a.librivox_dir, "transcription"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"<s> (.*) </s> \((.*)\)", line.strip())
            add(m.group(2), "test_real", "librivox", sentence_case(m.group(1)),
                audio=os.path.join(a.librivox_dir, m.group(2) + ".wav"))
    cathy_root = os.path.join(dl, "dataset-voice-cathy")
    prompts = read_arctic_prompts(cathy_root)
    recordings = read_cathy(cathy_root)
    recorded = sorted(recordings)
    rng.shuffle(recorded)
    held = {}
    for i, pid in enumerate(recorded[: a.cathy_test + a.cathy_dev]):
        split = "test_real" if i < a.cathy_test else "dev_real"
        wav = recordings[pid][0]
        held[pid] = split
        add(f"cathy_{pid}", split, "cathy", cathy_text(wav), audio=os.path.abspath(wav))

    # everyday text: LASER's Tatoeba pairs for test and dev
    laser = os.path.join(dl, "LASER", "data", "tatoeba", "v1", "tatoeba.spa-eng.")
    with open(laser + "eng", encoding="utf-8") as fe, open(laser + "spa", encoding="utf-8") as fs:
        pairs = [(clean(e), clean(s)) for e, s in zip(fe, fs)]
    order = list(range(len(pairs)))
    rng.shuffle(order)
    for j, i in enumerate(order):
        split = "test_everyday" if j < a.tatoeba_test else "dev"
        add(f"tatoeba_laser_{i:04d}", split, "tatoeba-laser", pairs[i][0], pairs[i][1])

    held_words = [norm_words(r["english"]) for r in rows]
    challenge = read_tatoeba_challenge(os.path.join(dl, "Tatoeba-Challenge", "data", "test",
                                                    "eng-spa", "test.txt"))
    lj_ids = sorted(uid for uid in lj if not uid.startswith("LJ001-"))
    rng.shuffle(lj_ids)
    # dev from the candidates not near any test sentence
    test_index = NearIndex(held_words)
    seen = set()
    n_dev_ch = n_dev_lj = 0
    cands = []
    for i, (e, s) in enumerate(challenge):
        cands.append((f"tatoeba_ch_{i:05d}", "tatoeba-challenge", e, s))
    for uid in lj_ids:
        cands.append((uid, "ljspeech-text", lj[uid], ""))
    train_cands = []
    for uid, source, e, s in cands:
        w = norm_words(e)
        key = " ".join(w)
        if not w or key in seen or test_index.near(w):
            continue
        seen.add(key)
        if source == "tatoeba-challenge" and n_dev_ch < a.dev_challenge:
            add(uid, "dev", source, e, s)
            n_dev_ch += 1
        elif source == "ljspeech-text" and n_dev_lj < a.dev_lj:
            add(uid, "dev", source, e)
            n_dev_lj += 1
        else:
            train_cands.append((uid, source, e, s))
    for pid in sorted(prompts):
        if pid not in held:
            train_cands.append((f"arctic_{pid}", "arctic", clean(prompts[pid]), ""))

    eval_index = NearIndex([norm_words(r["english"]) for r in rows])
    dropped = defaultdict(int)
    n_lj = 0
    for uid, source, e, s in train_cands:
        w = norm_words(e)
        if eval_index.near(w):
            dropped["near a test/dev sentence"] += 1
            continue
        if re.search(r"\d", e) or len(w) > a.max_words:
            dropped["digits or too long"] += 1
            continue
        if source == "ljspeech-text":
            if n_lj >= a.max_lj:
                continue
            n_lj += 1
        audio = ""
        if source == "arctic":  # cathy's recordings of this prompt, ';'-separated
            audio = ";".join(os.path.abspath(x) for x in recordings.get(uid[7:], []))
        add(uid, "train", source, e, s, audio)

    write_sentences(a.out, rows)
    counts = defaultdict(int)
    for r in rows:
        counts[(r["split"], r["source"])] += 1
    for (split, source), n in sorted(counts.items()):
        print(f"{split:14s} {source:18s} {n}")
    print("dropped from train:", dict(dropped))


if __name__ == "__main__":
    main()
