#!/usr/bin/env python3
"""
Writes the C# parity fixture of the level normalisation (docs/bundle.md, "Front end", step 3):
one golden WAV, a copy of it at -45 dBFS peak (16-bit), and PyTorch's levelled + CMVN'd
features of both, which the C# front end must reproduce to 1e-3 however the audio is chunked.

Usage (from training/):
  /usr/bin/python3 local/make_level_fixture.py \
      [--wav ../models/demo-small/golden/utt2.wav] [--cmvn ../models/demo-small/cmvn.json] \
      [--out-dir ../tests/UnitTests/Fixtures/LevelNorm]
Writes into --out-dir: loud.wav (a byte copy of --wav), quiet.wav (its int16 samples scaled to
a -45 dBFS peak and rounded), cmvn.json (--cmvn's mean/istd with "level_norm": "peak" and
"level_decay": LEVEL_DECAY) and features.json:
  {"source": ..., "loud": {"wav", "num_samples", "peak_dbfs", "features": [[80] x L]},
   "quiet": {...}}
features = Cmvn(cmvn.json)(compute_fbank(wave, dtype=torch.float64)), i.e. what training sees.
"""
import argparse
import json
import math
import os
import shutil
import sys
import wave as wavefile

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from leapformer.fbank import LEVEL_DECAY, Cmvn, compute_fbank, load_wave  # noqa: E402

QUIET_DBFS = -45.0  # a laptop microphone peaks 30-50 dB below full scale
DECIMALS = 6  # stored precision of the features; the parity tolerance is 1e-3


def quiet_copy(samples: torch.Tensor, peak_dbfs: float = QUIET_DBFS) -> torch.Tensor:
    """float samples (sample / 32768) -> int16 samples scaled to a peak of peak_dbfs, rounded."""
    pcm = (samples * 32768).round()
    gain = 32768 * 10 ** (peak_dbfs / 20) / pcm.abs().max()
    return (pcm * gain).round().clamp(-32768, 32767).to(torch.int16)


def write_wav(path: str, pcm: torch.Tensor) -> None:
    with wavefile.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.numpy().astype("<i2").tobytes())


def peak_dbfs(samples: torch.Tensor) -> float:
    return 20 * math.log10(max(samples.abs().max().item(), 1 / 32768))


def features(path: str, cmvn: Cmvn) -> dict:
    """PyTorch's front end on one WAV: float64 fbank, then level normalisation and CMVN."""
    samples = load_wave(path)
    feats = cmvn(compute_fbank(samples, dtype=torch.float64))
    return {
        "wav": os.path.basename(path),
        "num_samples": samples.numel(),
        "peak_dbfs": round(peak_dbfs(samples), 3),
        "features": [[round(v, DECIMALS) for v in row] for row in feats.tolist()],
    }


def features_doc(out_dir: str, source: str) -> dict:
    """features.json of the loud.wav, quiet.wav and cmvn.json already in out_dir."""
    cmvn = Cmvn.load(os.path.join(out_dir, "cmvn.json"))
    return {"source": source,
            "loud": features(os.path.join(out_dir, "loud.wav"), cmvn),
            "quiet": features(os.path.join(out_dir, "quiet.wav"), cmvn)}


def make_fixture(wav: str, cmvn_path: str, out_dir: str, source: str) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    shutil.copyfile(wav, os.path.join(out_dir, "loud.wav"))
    write_wav(os.path.join(out_dir, "quiet.wav"), quiet_copy(load_wave(wav)))
    stats = Cmvn.load(cmvn_path)
    Cmvn(stats.mean.tolist(), stats.istd.tolist(), "peak", LEVEL_DECAY).save(
        os.path.join(out_dir, "cmvn.json"))
    doc = features_doc(out_dir, source)
    with open(os.path.join(out_dir, "features.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    return doc


def main():
    training = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    repo = os.path.dirname(training)
    p = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--wav", default=os.path.join(repo, "models", "demo-small", "golden", "utt2.wav"))
    p.add_argument("--cmvn", default=os.path.join(repo, "models", "demo-small", "cmvn.json"))
    p.add_argument("--out-dir", default=os.path.join(repo, "tests", "UnitTests", "Fixtures", "LevelNorm"))
    a = p.parse_args()
    source = os.path.relpath(os.path.abspath(a.wav), repo)
    doc = make_fixture(a.wav, a.cmvn, a.out_dir, source)
    for name in ("loud", "quiet"):
        d = doc[name]
        print(f"{name}: {d['num_samples']} samples, peak {d['peak_dbfs']} dBFS, "
              f"{len(d['features'])} frames")


if __name__ == "__main__":
    main()
