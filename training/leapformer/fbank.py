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


def compute_fbank(wave: torch.Tensor, dtype: torch.dtype = torch.float32,
                  vtln_warp: float = 1.0) -> torch.Tensor:
    """wave: float (num_samples,) in [-1, 1] at 16 kHz -> raw fbank (L, 80), float32.

    L = 1 + (N - 400) // 160, or 0 when N < 400 (torchaudio raises there).
    dtype is the precision of the computation: float64 for golden files, since
    float32 FFT rounding moves weak mel bins by up to ~5e-3 in log energy, and the
    C# runtime (double precision) is checked against them to 1e-3.
    vtln_warp != 1 warps the mel frequencies (Kaldi's VTLN), a training augmentation only.
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
        vtln_warp=vtln_warp,
    ).to(torch.float32)


# Level normalisation ("peak" in the bundle's level_norm metadata): the model sees every
# fbank frame relative to a causal peak tracker of the frame level, so the same speech at
# -45 dBFS and at -3 dBFS gives the same features (a gain g adds 2 ln g to every log-mel bin).
# level_t = mean over the 80 bins of fbank_t (natural log of mel power);
# peak_t = max(peak_{t-1} - decay, level_t), peak_0 = level_0; out_t = fbank_t - peak_t.
# decay is in nats per 10 ms frame: 0.005 lets the peak fall 2.2 dB a second in a pause.
LEVEL_DECAY = 0.005
LEVEL_NORMS = ("none", "peak")


def level_normalize(fbank: torch.Tensor, decay: float = LEVEL_DECAY) -> torch.Tensor:
    """fbank (L, 80) -> fbank minus the causal peak level of each frame (same dtype).

    peak_t = max over s <= t of (level_s - decay * (t - s)): the recurrence above, as a
    running maximum (cummax) so an utterance needs no Python loop.
    """
    if fbank.size(0) == 0:
        return fbank
    level = fbank.to(torch.float64).mean(dim=1)
    t = torch.arange(fbank.size(0), dtype=torch.float64)
    peak = torch.cummax(level + decay * t, dim=0).values - decay * t
    return fbank - peak.to(fbank.dtype).unsqueeze(1)


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
    """Feature normalisation of cmvn.json: optional level normalisation of the raw fbank
    ("level_norm": "peak", see level_normalize), then global mean / inverse std per
    feature dimension."""

    def __init__(self, mean: List[float], istd: List[float], level_norm: str = "none",
                 level_decay: float = LEVEL_DECAY):
        if level_norm not in LEVEL_NORMS:
            raise ValueError(f"level_norm {level_norm!r}: expected one of {LEVEL_NORMS}")
        self.mean = torch.tensor(mean, dtype=torch.float32)
        self.istd = torch.tensor(istd, dtype=torch.float32)
        self.level_norm = level_norm
        self.level_decay = level_decay

    @staticmethod
    def load(path: str) -> "Cmvn":
        with open(path) as f:
            d = json.load(f)
        return Cmvn(d["mean"], d["istd"], d.get("level_norm", "none"),
                    d.get("level_decay", LEVEL_DECAY))

    @staticmethod
    def identity(level_norm: str = "none") -> "Cmvn":
        return Cmvn([0.0] * FEATURE_DIM, [1.0] * FEATURE_DIM, level_norm)

    def to_dict(self) -> Dict:
        d = {"mean": self.mean.tolist(), "istd": self.istd.tolist()}
        if self.level_norm != "none":  # a file without these keys means "none" (old bundles)
            d.update(level_norm=self.level_norm, level_decay=self.level_decay)
        return d

    def save(self, path: str) -> None:
        with open(path, "w") as f:
            json.dump(self.to_dict(), f)

    def levelled(self, feats: torch.Tensor) -> torch.Tensor:
        """The raw fbank after the level normalisation alone (what the statistics are of)."""
        if self.level_norm == "peak":
            return level_normalize(feats, self.level_decay)
        return feats

    def __call__(self, feats: torch.Tensor) -> torch.Tensor:
        return (self.levelled(feats) - self.mean) * self.istd


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

    def result(self, level_norm: str = "none") -> Cmvn:
        """Statistics of the features added, which for level_norm must be levelled ones."""
        mean = self.s / max(self.n, 1)
        var = (self.ss / max(self.n, 1) - mean * mean).clamp(min=1e-8)
        return Cmvn(mean.tolist(), (1.0 / var.sqrt()).tolist(), level_norm)
