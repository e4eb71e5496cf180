"""Segments of long recordings -> one 16 kHz mono 16-bit WAV per segment + manifests.

A corpus reader returns, per split, a list of Segment (a source audio file and the
[start, end) seconds of one sentence in it, with its transcript and translation). write()
decodes each source file once to 16 kHz mono 16-bit samples, cuts every segment at samples
[round(start * 16000), round(end * 16000)), and writes
  <out>/wav/<split>/<id>.wav, <out>/manifests/<split>.tsv (id audio n_frames tgt_text speaker
  src_text; audio relative to the manifest), <out>/manifests/train_tgt.txt (SentencePiece input).

Decoding: a 16 kHz mono 16-bit WAV is read as it is (Python's wave); anything else (other
rates, stereo, FLAC, ...) goes through sox (Debian's sox, in ../.ci/run), which resamples
the whole file with its default high-quality rate effect, no dither, and averages channels.
MP3 (Common Voice) and M4A (Europarl-ST) need a decoder this image does not have: Debian's
ffmpeg (both; used when on PATH and sox cannot read the format) or libsox-fmt-mp3 (MP3 through
sox). Without one, convert the files first to WAV or FLAC under the same name stem
(clips/common_voice_en_1.mp3 -> clips/common_voice_en_1.wav): find_audio() takes that copy
when the original is absent.
"""
import functools
import multiprocessing
import os
import re
import shutil
import subprocess
import wave
from collections import OrderedDict
from typing import Dict, List, NamedTuple, Optional

import numpy as np

from leapformer.data import write_manifest
from leapformer.fbank import SAMPLE_RATE

CONVERTED = (".wav", ".flac")  # stand-ins for a missing .mp3/.m4a, tried in this order


class Segment(NamedTuple):
    id: str
    audio: str  # source file: a whole talk, speech or clip
    start: float  # seconds
    end: Optional[float]  # seconds; None = to the end of the file
    speaker: str
    src_text: str
    tgt_text: str


def read_lines(path: str) -> List[str]:
    """Lines split at \\n only (str.splitlines would also split at U+2028 and the like,
    which break the line alignment of .en/.es files)."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def clean_text(text: str) -> str:
    """One line, single spaces: manifests are tab-separated without quoting."""
    return " ".join(text.split())


def find_audio(path: str) -> str:
    """path, or a converted copy with the same stem (CONVERTED) when path is absent."""
    if os.path.exists(path):
        return path
    stem = os.path.splitext(path)[0]
    for ext in CONVERTED:
        if os.path.exists(stem + ext):
            return stem + ext
    raise FileNotFoundError(f"{path} (nor a {'/'.join(CONVERTED)} copy with the same stem)")


@functools.lru_cache(maxsize=1)
def _sox_formats() -> frozenset:
    if not shutil.which("sox"):
        return frozenset()
    out = subprocess.run(["sox", "-h"], capture_output=True, text=True).stdout
    m = re.search(r"AUDIO FILE FORMATS:(.*)", out)
    return frozenset(m.group(1).split()) if m else frozenset()


def decoder_command(path: str) -> List[str]:
    """Command that writes path's audio as 16 kHz mono signed 16-bit raw to stdout."""
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext in _sox_formats():
        return ["sox", "-D", "-V1", path, "-t", "raw", "-e", "signed-integer", "-b", "16",
                "-c", "1", "-r", str(SAMPLE_RATE), "-"]
    if shutil.which("ffmpeg"):
        return ["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "s16le", "-ac", "1",
                "-ar", str(SAMPLE_RATE), "-"]
    raise RuntimeError(f"{path}: no decoder for .{ext} here; install Debian's ffmpeg (mp3, m4a) "
                       f"or libsox-fmt-mp3 (mp3), or convert the files to .wav with the same names")


def decode(path: str) -> np.ndarray:
    """The whole file as 16 kHz mono int16 samples."""
    try:
        with wave.open(path, "rb") as w:
            if (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (SAMPLE_RATE, 1, 2):
                return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").copy()
    except (wave.Error, EOFError):
        pass  # not a plain PCM WAV (FLAC, MP3, WAVE_FORMAT_EXTENSIBLE, ...): sox or ffmpeg
    out = subprocess.run(decoder_command(path), capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype="<i2").copy()


def sample_range(start: float, end: Optional[float], total: int):
    """[first, last) samples of [start, end) seconds in a file of total samples."""
    first = min(round(start * SAMPLE_RATE), total)
    last = total if end is None else min(round(end * SAMPLE_RATE), total)
    return first, max(first, last)


def write_wav(path: str, samples: np.ndarray) -> None:
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(samples.astype("<i2").tobytes())


def n_frames(samples: int) -> int:
    """10 ms fbank frames (25 ms windows) of a segment."""
    return 1 + (samples - 400) // 160 if samples >= 400 else 0


def _cut_source(job):
    """Decodes one source file and writes its segments; returns their sample counts and
    how many ran past the end of the audio."""
    source, items = job
    audio = decode(source)
    counts, past_end = [], 0
    for wav_path, start, end in items:
        first, last = sample_range(start, end, len(audio))
        if end is not None and round(end * SAMPLE_RATE) > len(audio):
            past_end += 1
        write_wav(wav_path, audio[first:last])
        counts.append(last - first)
    return counts, past_end


def write(splits: Dict[str, List[Segment]], out_dir: str, jobs: int = 1,
          min_frames: int = 10, max_frames: int = 3000) -> Dict[str, int]:
    """Cuts every segment to its own WAV and writes one manifest per split; returns the rows
    kept per split. Segments under 400 samples (no fbank frame) are dropped everywhere;
    training segments outside [min_frames, max_frames] 10 ms frames too (dev and test keep
    every other segment, so their scores compare with published ones)."""
    man_dir = os.path.join(out_dir, "manifests")
    os.makedirs(man_dir, exist_ok=True)
    # every source decoded once, in order of first use
    by_source: "OrderedDict[str, list]" = OrderedDict()
    for split, segments in splits.items():
        os.makedirs(os.path.join(out_dir, "wav", split), exist_ok=True)
        ids = set()
        for seg in segments:
            if seg.id in ids:
                raise ValueError(f"{split}: segment id {seg.id} twice")
            ids.add(seg.id)
            wav_path = os.path.join(out_dir, "wav", split, seg.id + ".wav")
            by_source.setdefault(seg.audio, []).append((wav_path, seg.start, seg.end))
    jobs_list = list(by_source.items())
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_cut_source, jobs_list, chunksize=1)
    else:
        results = [_cut_source(j) for j in jobs_list]
    length, past_end = {}, 0
    for (_, items), (counts, past) in zip(jobs_list, results):
        past_end += past
        for (wav_path, _, _), n in zip(items, counts):
            length[wav_path] = n
    kept = {}
    for split, segments in splits.items():
        rows, dropped = [], 0
        for seg in segments:
            wav_path = os.path.join(out_dir, "wav", split, seg.id + ".wav")
            frames = n_frames(length[wav_path])
            too_long_or_short = not min_frames <= frames <= max_frames
            if frames < 1 or (split.startswith("train") and too_long_or_short):
                os.remove(wav_path)
                dropped += 1
                continue
            rows.append({"id": seg.id, "audio": os.path.relpath(wav_path, man_dir),
                         "n_frames": frames, "tgt_text": clean_text(seg.tgt_text),
                         "speaker": seg.speaker, "src_text": clean_text(seg.src_text)})
        write_manifest(os.path.join(man_dir, f"{split}.tsv"), rows)
        kept[split] = len(rows)
        note = f" ({dropped} dropped by length)" if dropped else ""
        print(f"{split}: {len(rows)} segments{note}")
        if split == "train":
            with open(os.path.join(man_dir, "train_tgt.txt"), "w", encoding="utf-8") as f:
                f.writelines(r["tgt_text"] + "\n" for r in rows)
    if past_end:
        print(f"{past_end} segments end after their audio (cut at its end)")
    return kept
