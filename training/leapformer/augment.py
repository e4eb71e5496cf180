"""Training-time augmentation: waveform effects, vocal tract length warp and SpecAugment.

Everything draws from the random.Random it is given, so a seed reproduces an epoch. None of
it runs at evaluation (the dataset applies it only when built with an Augmenter).

Waveform chain (each step with its own probability, in this order):
  speed 0.9 / 1.0 / 1.1 (resampling, pitch moves with it, as Kaldi's speed perturbation);
  reverberation by a simulated room impulse response (exponentially decaying noise, RT60
  0.15-0.8 s, with a direct path);
  telephone band (300-3400 Hz band-pass and an 8 kHz round trip);
  additive noise at 0-30 dB SNR: coloured (white, pink, brown) or babble made of other
  utterances;
  gain to a peak of -50..0 dBFS, then 16-bit rounding (a quiet microphone loses bits too).
Then the filterbank with a vocal tract length warp of 0.9-1.1 (Kaldi's VTLN warp), the
feature normalisation, and SpecAugment (2 frequency masks of up to 15 bins; a time mask of up
to 40 frames per 3 s).
"""
import math
import random
from dataclasses import dataclass
from typing import Callable, List, Optional

import torch
import torchaudio.functional as AF

from .fbank import SAMPLE_RATE


@dataclass
class AugmentConfig:
    speed_prob: float = 0.6
    reverb_prob: float = 0.3
    telephone_prob: float = 0.1
    noise_prob: float = 0.5
    babble_share: float = 0.4   # of the noisy utterances
    snr_db: tuple = (0.0, 30.0)
    peak_dbfs: tuple = (-50.0, 0.0)
    vtlp_prob: float = 0.5
    vtlp_range: tuple = (0.9, 1.1)
    freq_masks: int = 2
    freq_mask_width: int = 15
    time_mask_width: int = 40
    time_masks_per_s: float = 1.0 / 3


def speed(wave: torch.Tensor, factor: float) -> torch.Tensor:
    """Plays the wave factor times faster (10/9 and 10/11: 16 kHz <-> 14.4 / 17.6 kHz, small
    resampling kernels)."""
    if factor == 1.0:
        return wave
    new = 14400 if factor > 1 else 17600
    return AF.resample(wave, SAMPLE_RATE, new)


def room_impulse(rng: random.Random, rt60: float) -> torch.Tensor:
    """Direct path + exponentially decaying noise tail reaching -60 dB at rt60 seconds."""
    n = int(rt60 * SAMPLE_RATE)
    t = torch.arange(n, dtype=torch.float32) / SAMPLE_RATE
    g = torch.Generator().manual_seed(rng.randrange(2**31))
    tail = torch.randn(n, generator=g) * torch.exp(-6.9078 * t / rt60)
    delay = int(rng.uniform(0.002, 0.01) * SAMPLE_RATE)  # direct sound to first reflections
    h = torch.zeros(n + delay)
    h[delay:] = tail * rng.uniform(0.1, 0.5)
    h[0] = 1.0
    return h / h.norm()


def reverberate(wave: torch.Tensor, rng: random.Random) -> torch.Tensor:
    h = room_impulse(rng, rng.uniform(0.15, 0.8))
    n = wave.numel() + h.numel() - 1
    size = 1 << (n - 1).bit_length()
    out = torch.fft.irfft(torch.fft.rfft(wave, size) * torch.fft.rfft(h, size), size)
    out = out[: wave.numel()]
    return out * (wave.abs().max() / out.abs().max().clamp(min=1e-8))


def telephone(wave: torch.Tensor) -> torch.Tensor:
    narrow = AF.resample(AF.resample(wave, SAMPLE_RATE, 8000), 8000, SAMPLE_RATE)[: wave.numel()]
    return AF.lowpass_biquad(AF.highpass_biquad(narrow, SAMPLE_RATE, 300.0), SAMPLE_RATE, 3400.0)


def coloured_noise(n: int, beta: float, rng: random.Random) -> torch.Tensor:
    """Noise whose power falls as 1/f^beta (0 white, 1 pink, 2 brown)."""
    g = torch.Generator().manual_seed(rng.randrange(2**31))
    spec = torch.fft.rfft(torch.randn(n, generator=g))
    f = torch.arange(spec.numel(), dtype=torch.float32).clamp(min=1.0)
    return torch.fft.irfft(spec / f.pow(beta / 2), n)


def add_noise(wave: torch.Tensor, noise: torch.Tensor, snr_db: float) -> torch.Tensor:
    p_sig = wave.pow(2).mean().clamp(min=1e-10)
    p_noise = noise.pow(2).mean().clamp(min=1e-10)
    return wave + noise * torch.sqrt(p_sig / (p_noise * 10 ** (snr_db / 10)))


def babble(n: int, others: List[torch.Tensor], rng: random.Random) -> torch.Tensor:
    """3-5 other utterances, each looped to n samples from a random offset, summed."""
    out = torch.zeros(n)
    for w in rng.sample(others, min(len(others), rng.randint(3, 5))):
        if w.numel() == 0:
            continue
        w = w / w.pow(2).mean().sqrt().clamp(min=1e-8)
        reps = -(-(n + w.numel()) // w.numel())
        start = rng.randrange(w.numel())
        out += w.repeat(reps)[start:start + n]
    return out


def set_peak(wave: torch.Tensor, dbfs: float) -> torch.Tensor:
    """Scales to the given peak and rounds to 16 bits, as a recording at that level is."""
    peak = wave.abs().max().clamp(min=1e-8)
    scaled = wave * (10 ** (dbfs / 20) / peak)
    return (scaled * 32768).round().clamp(-32768, 32767) / 32768


def spec_augment(feats: torch.Tensor, cfg: AugmentConfig, rng: random.Random) -> torch.Tensor:
    feats = feats.clone()
    length, dim = feats.shape
    for _ in range(cfg.freq_masks):
        w = rng.randint(0, cfg.freq_mask_width)
        f0 = rng.randint(0, dim - w)
        feats[:, f0:f0 + w] = 0.0  # 0 = the CMVN mean
    for _ in range(int(math.ceil(length / 100 * cfg.time_masks_per_s))):
        w = rng.randint(0, min(cfg.time_mask_width, max(length // 5, 0)))
        t0 = rng.randint(0, max(length - w, 0))
        feats[t0:t0 + w] = 0.0
    return feats


class Augmenter:
    """wave -> augmented features, given the dataset's feature function
    (fbank(wave, vtln_warp) -> normalised features)."""

    def __init__(self, cfg: Optional[AugmentConfig] = None, seed: int = 0):
        self.cfg = cfg or AugmentConfig()
        self.rng = random.Random(seed)
        self.others: List[torch.Tensor] = []  # recent utterances, for babble

    def reseed(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def wave(self, wave: torch.Tensor) -> torch.Tensor:
        cfg, rng = self.cfg, self.rng
        clean = wave
        if rng.random() < cfg.speed_prob:
            wave = speed(wave, rng.choice([0.9, 1.1]))
        if rng.random() < cfg.reverb_prob:
            wave = reverberate(wave, rng)
        if rng.random() < cfg.telephone_prob:
            wave = telephone(wave)
        if rng.random() < cfg.noise_prob:
            if rng.random() < cfg.babble_share and len(self.others) >= 3:
                noise = babble(wave.numel(), self.others, rng)
            else:
                noise = coloured_noise(wave.numel(), rng.choice([0.0, 1.0, 2.0]), rng)
            wave = add_noise(wave, noise, rng.uniform(*cfg.snr_db))
        self.others = (self.others + [clean])[-16:]
        return set_peak(wave, rng.uniform(*cfg.peak_dbfs))

    def features(self, wave: torch.Tensor, featurize: Callable) -> torch.Tensor:
        warp = self.rng.uniform(*self.cfg.vtlp_range) if self.rng.random() < self.cfg.vtlp_prob else 1.0
        return spec_augment(featurize(self.wave(wave), warp), self.cfg, self.rng)
