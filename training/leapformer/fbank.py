"""Front end of docs/bundle.md: Kaldi fbank, global CMVN, whole groups of 4 frames.

The C# runtime recomputes exactly this, so every option is spelled out here.
"""
import json
import wave as wavefile
from typing import Dict, List

import torch
import torchaudio

SAMPLE_RATE = 16000
FEATURE_DIM = 80
SUBSAMPLING = 4  # feature frames (10 ms) per encoder frame (40 ms)


def compute_fbank(wave: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """wave: float (num_samples,) in [-1, 1] at 16 kHz -> raw fbank (L, 80), float32.

    L = 1 + (N - 400) // 160, or 0 when N < 400 (torchaudio raises there).
    dtype is the precision of the computation: float64 for golden files, since
    float32 FFT rounding moves weak mel bins by up to ~5e-3 in log energy, and the
    C# runtime (double precision) is checked against them to 1e-3.
    """
    wave = wave.reshape(-1).to(dtype)
    if wave.numel() < 400:  # one 25 ms window = 400 samples
        return torch.zeros(0, FEATURE_DIM)
    return torchaudio.compliance.kaldi.fbank(
        wave.unsqueeze(0) * 32768,  # Kaldi style: int16 range
        num_mel_bins=FEATURE_DIM,
        frame_length=25,
        frame_shift=10,
        dither=0.0,
        energy_floor=0.0,
        sample_frequency=SAMPLE_RATE,
    ).to(torch.float32)


def load_wave(path: str) -> torch.Tensor:
    """Loads a 16 kHz mono 16-bit WAV as float (num_samples,) in [-1, 1] (sample / 32768).

    The standard library reads it: torchaudio.load needs TorchCodec from torchaudio 2.9 on.
    """
    with wavefile.open(path, "rb") as w:
        sr, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        if sr != SAMPLE_RATE or width != 2:
            raise ValueError(f"{path}: {sr} Hz, {8 * width}-bit; expected {SAMPLE_RATE} Hz, 16-bit")
        pcm = w.readframes(w.getnframes())
    if not pcm:
        return torch.zeros(0)
    samples = torch.frombuffer(bytearray(pcm), dtype=torch.int16).view(-1, channels)
    return samples[:, 0].to(torch.float32) / 32768.0


def truncate_to_subsampling(feats: torch.Tensor) -> torch.Tensor:
    """Keeps 4 * (L // 4) frames: the tail under 40 ms is dropped."""
    return feats[: SUBSAMPLING * (feats.size(0) // SUBSAMPLING)]


class Cmvn:
    """Global mean / inverse std per feature dimension (cmvn.json)."""

    def __init__(self, mean: List[float], istd: List[float]):
        self.mean = torch.tensor(mean, dtype=torch.float32)
        self.istd = torch.tensor(istd, dtype=torch.float32)

    @staticmethod
    def load(path: str) -> "Cmvn":
        with open(path) as f:
            d = json.load(f)
        return Cmvn(d["mean"], d["istd"])

    @staticmethod
    def identity() -> "Cmvn":
        return Cmvn([0.0] * FEATURE_DIM, [1.0] * FEATURE_DIM)

    def to_dict(self) -> Dict[str, List[float]]:
        return {"mean": self.mean.tolist(), "istd": self.istd.tolist()}

    def save(self, path: str) -> None:
        with open(path, "w") as f:
            json.dump(self.to_dict(), f)

    def __call__(self, feats: torch.Tensor) -> torch.Tensor:
        return (feats - self.mean) * self.istd


class CmvnAccumulator:
    """Sums for global CMVN over many utterances (float64 to avoid drift)."""

    def __init__(self):
        self.n = 0
        self.s = torch.zeros(FEATURE_DIM, dtype=torch.float64)
        self.ss = torch.zeros(FEATURE_DIM, dtype=torch.float64)

    def add(self, feats: torch.Tensor) -> None:
        f = feats.to(torch.float64)
        self.n += f.size(0)
        self.s += f.sum(0)
        self.ss += (f * f).sum(0)

    def result(self) -> Cmvn:
        mean = self.s / max(self.n, 1)
        var = (self.ss / max(self.n, 1) - mean * mean).clamp(min=1e-8)
        return Cmvn(mean.tolist(), (1.0 / var.sqrt()).tolist())
