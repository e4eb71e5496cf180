"""Europarl-ST (v1.1, https://www.mllp.upv.es/europarl-st/), as released:

  <root>/<src>/audios/<speech>.m4a                  one file per speech
  <root>/<src>/<tgt>/<split>/segments.lst           one segment per line: <speech> <start> <end>
                                                    (seconds)
  <root>/<src>/<tgt>/<split>/segments.<src>, .<tgt> its transcript and translation, line-aligned
  <root>/<src>/<tgt>/<split>/speeches.lst,          (optional) each speech's speaker
                             speakers.lst
(<root> may also be the folder holding v1.1/.) Splits: train, dev, test, train-noisy -> train,
dev, test, train_noisy (the automatically filtered, noisier training part: its own manifest,
not merged into train). A segment is [start, end) seconds of its speech; its id is
<speech>_<n>, n counting the speech's segments by start.
"""
import os
from collections import defaultdict
from typing import Dict, List

from .common import Segment, find_audio, read_lines

SPLITS = {"train": "train", "dev": "dev", "test": "test", "train-noisy": "train_noisy"}


def read(root: str, src: str = "en", tgt: str = "es") -> Dict[str, List[Segment]]:
    if os.path.isdir(os.path.join(root, "v1.1")):
        root = os.path.join(root, "v1.1")
    audios = os.path.join(root, src, "audios")
    pair = os.path.join(root, src, tgt)
    if not os.path.isdir(pair):
        raise FileNotFoundError(f"{pair}: no Europarl-ST {src} -> {tgt} folder")
    splits = {}
    for name, out in SPLITS.items():
        d = os.path.join(pair, name)
        if not os.path.isdir(d):
            continue
        listing = [line.split() for line in read_lines(os.path.join(d, "segments.lst"))]
        src_lines = read_lines(os.path.join(d, f"segments.{src}"))
        tgt_lines = read_lines(os.path.join(d, f"segments.{tgt}"))
        if not len(listing) == len(src_lines) == len(tgt_lines):
            raise ValueError(f"{d}: {len(listing)} segments, {len(src_lines)} {src} lines, "
                             f"{len(tgt_lines)} {tgt} lines")
        speaker = {}
        speeches, speakers = os.path.join(d, "speeches.lst"), os.path.join(d, "speakers.lst")
        if os.path.exists(speeches) and os.path.exists(speakers):
            names, who = read_lines(speeches), read_lines(speakers)
            if len(names) == len(who):
                speaker = dict(zip(names, who))
        by_speech = defaultdict(list)
        for i, (speech, start, _) in enumerate(listing):
            by_speech[speech].append(i)
        ids = {}
        for speech, members in by_speech.items():
            for n, i in enumerate(sorted(members, key=lambda i: float(listing[i][1]))):
                ids[i] = f"{speech}_{n}"
        audio = {s: find_audio(os.path.join(audios, s + ".m4a")) for s in by_speech}
        splits[out] = [
            Segment(id=ids[i], audio=audio[speech], start=float(start), end=float(end),
                    speaker=f"real:europarl:{speaker.get(speech, speech)}",
                    src_text=src_lines[i], tgt_text=tgt_lines[i])
            for i, (speech, start, end) in enumerate(listing)]
    return splits
