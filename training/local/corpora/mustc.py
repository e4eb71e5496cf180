"""MuST-C (v1.0+, https://ict.fbk.eu/must-c/), English -> <tgt>, as released:

  <root>/en-<tgt>/data/<split>/wav/ted_<talk>.wav          one 16 kHz mono WAV per TED talk
  <root>/en-<tgt>/data/<split>/txt/<split>.yaml           one line per segment:
      - {duration: 3.500000, offset: 15.170000, rW: 9, uW: 0, speaker_id: spk.1, wav: ted_1.wav}
  <root>/en-<tgt>/data/<split>/txt/<split>.en, .<tgt>     the segments' transcript and translation,
                                                          line i <-> yaml entry i
Splits: train, dev, tst-COMMON, tst-HE -> train, dev, test, test_he. A segment is
[offset, offset + duration) seconds of its talk; its id is <talk>_<n>, n counting the talk's
segments by offset (fairseq's prep_mustc_data.py names them the same way).
"""
import os
import re
from collections import defaultdict
from typing import Dict, List

from .common import Segment, read_lines

SPLITS = {"train": "train", "dev": "dev", "tst-COMMON": "test", "tst-HE": "test_he"}
_ENTRY = re.compile(r"^\s*-\s*\{(.*)\}\s*$")


def parse_yaml(path: str) -> List[dict]:
    """MuST-C's segment lists: one flow mapping per line, values without commas (read
    without PyYAML, which the recipe does not need otherwise and which is slow on the
    270k-line training list)."""
    entries = []
    for n, line in enumerate(read_lines(path), 1):
        if not line.strip():
            continue
        m = _ENTRY.match(line)
        if not m:
            raise ValueError(f"{path}:{n}: not a MuST-C segment line: {line[:80]}")
        entry = {}
        for item in m.group(1).split(","):
            key, _, value = item.partition(":")
            entry[key.strip()] = value.strip().strip("'\"")
        entries.append(entry)
    return entries


def data_dir(root: str, tgt: str) -> str:
    """<root>/en-<tgt>/data, or root itself when it is that folder or en-<tgt>."""
    for d in (os.path.join(root, f"en-{tgt}", "data"), os.path.join(root, "data"), root):
        if os.path.isdir(os.path.join(d, "train")) or os.path.isdir(os.path.join(d, "dev")):
            return d
    raise FileNotFoundError(f"{root}: no MuST-C en-{tgt}/data/{{train,dev,...}} folders")


def read(root: str, src: str = "en", tgt: str = "es") -> Dict[str, List[Segment]]:
    if src != "en":
        raise ValueError("MuST-C's source language is English")
    data = data_dir(root, tgt)
    splits = {}
    for name, out in SPLITS.items():
        txt = os.path.join(data, name, "txt")
        if not os.path.isdir(txt):
            continue
        entries = parse_yaml(os.path.join(txt, f"{name}.yaml"))
        src_lines = read_lines(os.path.join(txt, f"{name}.{src}"))
        tgt_lines = read_lines(os.path.join(txt, f"{name}.{tgt}"))
        if not len(entries) == len(src_lines) == len(tgt_lines):
            raise ValueError(f"{txt}: {len(entries)} segments, {len(src_lines)} {src} lines, "
                             f"{len(tgt_lines)} {tgt} lines")
        by_talk = defaultdict(list)
        for i, e in enumerate(entries):
            by_talk[e["wav"]].append(i)
        ids = {}
        for wav, members in by_talk.items():
            talk = os.path.splitext(wav)[0]
            for n, i in enumerate(sorted(members, key=lambda i: float(entries[i]["offset"]))):
                ids[i] = f"{talk}_{n}"
        segments = []
        for i, e in enumerate(entries):
            start = float(e["offset"])
            segments.append(Segment(
                id=ids[i], audio=os.path.join(data, name, "wav", e["wav"]), start=start,
                end=start + float(e["duration"]), speaker=f"real:mustc:{e['speaker_id']}",
                src_text=src_lines[i], tgt_text=tgt_lines[i]))
        splits[out] = segments
    return splits
