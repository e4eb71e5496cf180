"""Training augmentation (leapformer/augment.py) and long-speech groups (plan_groups)."""
import math
import random
import wave as wavefile

import torch

from leapformer.augment import (AugmentConfig, Augmenter, add_noise, babble, coloured_noise,
                                reverberate, set_peak, spec_augment, speed, telephone)
from leapformer.data import S2TDataset, plan_groups
from leapformer.fbank import Cmvn, compute_fbank


def tone(seconds=1.0, hz=440.0, amp=0.5):
    t = torch.arange(int(16000 * seconds)) / 16000
    return amp * torch.sin(2 * math.pi * hz * t)


def dominant_hz(wave):
    spec = torch.fft.rfft(wave).abs()
    return float(spec.argmax()) * 16000 / wave.numel()


def test_speed_changes_length_and_pitch():
    w = tone(1.0)
    fast, slow = speed(w, 1.1), speed(w, 0.9)
    assert fast.numel() == 14400 and slow.numel() == 17600
    assert abs(dominant_hz(fast) - 440 * 16000 / 14400) < 3
    assert abs(dominant_hz(slow) - 440 * 16000 / 17600) < 3
    assert torch.equal(speed(w, 1.0), w)


def test_noise_reaches_the_asked_snr():
    rng = random.Random(0)
    w = tone(2.0)
    for beta in (0.0, 1.0, 2.0):
        noise = coloured_noise(w.numel(), beta, rng)
        noisy = add_noise(w, noise, 10.0)
        snr = 10 * math.log10(w.pow(2).mean() / (noisy - w).pow(2).mean())
        assert abs(snr - 10.0) < 1e-3
    # pink and brown noise put more of their power in low frequencies than white noise
    power = [torch.fft.rfft(coloured_noise(32000, b, rng)).abs().pow(2) for b in (0.0, 2.0)]
    low = [p[:1000].sum() / p.sum() for p in power]  # share below 500 Hz
    assert low[0] < 0.1 and low[1] > 0.9
    b = babble(8000, [tone(0.3, 200), tone(0.5, 300), tone(0.2, 500)], rng)
    assert b.numel() == 8000 and b.abs().max() > 0


def test_reverb_and_telephone_keep_length_and_level():
    rng = random.Random(1)
    w = tone(1.0, 1000)
    r = reverberate(w, rng)
    assert r.numel() == w.numel() and abs(float(r.abs().max()) - 0.5) < 1e-4
    assert not torch.allclose(r, w, atol=1e-3)
    t = telephone(tone(1.0, 6000) + tone(1.0, 1000))
    spec = torch.fft.rfft(t[4000:]).abs()
    hz = torch.arange(spec.numel()) * 16000 / (t.numel() - 4000)
    assert spec[(hz > 5800) & (hz < 6200)].max() < 0.05 * spec[(hz > 900) & (hz < 1100)].max()


def test_set_peak_levels_and_rounds_to_16_bits():
    w = tone(0.5)
    for dbfs in (-50.0, -20.0, 0.0):
        q = set_peak(w, dbfs)
        assert abs(20 * math.log10(float(q.abs().max())) - dbfs) < 0.1
        assert torch.equal(q * 32768, (q * 32768).round())


def test_spec_augment_masks_inside_bounds():
    rng = random.Random(2)
    feats = torch.ones(500, 80)
    cfg = AugmentConfig()
    out = spec_augment(feats, cfg, rng)
    assert out.shape == feats.shape and torch.equal(feats, torch.ones(500, 80))
    zero_cols = int((out == 0).all(0).sum())
    assert zero_cols <= cfg.freq_masks * cfg.freq_mask_width


def test_augmenter_is_reproducible_from_its_seed():
    feat = lambda w, warp: compute_fbank(w, vtln_warp=warp)  # noqa: E731
    w = tone(1.0) + 0.01 * torch.randn(16000, generator=torch.Generator().manual_seed(0))
    a, b = Augmenter(seed=5), Augmenter(seed=5)
    fa, fb = a.features(w, feat), b.features(w, feat)
    assert torch.equal(fa, fb)
    assert not torch.equal(fa, Augmenter(seed=6).features(w, feat))


def write_wav(path, samples):
    pcm = (samples * 32767).round().to(torch.int16)
    with wavefile.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.numpy().tobytes())


class Pieces:
    def encode(self, text):
        return [len(word) for word in text.split()]


def test_groups_join_same_speaker_sentences(tmp_path):
    rows = []
    for i in range(12):
        spk = "real:cathy" if i < 2 else f"espeak:v{i % 3}"
        path = tmp_path / f"u{i}.wav"
        write_wav(path, tone(0.5 + 0.1 * i, 200 + 50 * i, 0.3))
        rows.append({"id": f"u{i}", "audio": str(path), "n_frames": 1 + (int(16000 * (0.5 + 0.1 * i)) - 400) // 160,
                     "tgt_text": f"es{i}", "speaker": spk, "src_text": f"en {i}"})
    groups = plan_groups(rows, random.Random(0), concat_prob=1.0, max_frames=400, repeat_real=3)
    assert len(groups) == 12 + 2 * 2  # the two real rows three times each
    assert all(len(g.pauses) == len(g.rows) - 1 for g in groups)
    assert any(len(g.rows) > 1 for g in groups)
    for g in groups:
        assert len({rows[i]["speaker"] for i in g.rows}) == 1
    ds = S2TDataset(rows, Pieces(), Cmvn.identity(), cache=False, groups=groups)
    lengths = ds.lengths()
    for idx, g in enumerate(groups):
        assert lengths[idx] <= 400 or len(g.rows) == 1
        item = ds[idx]
        assert item["id"] == "+".join(rows[i]["id"] for i in g.rows)
        assert item["tokens"] == Pieces().encode(" ".join(rows[i]["tgt_text"] for i in g.rows))
        samples = sum(int(16000 * (0.5 + 0.1 * i)) for i in g.rows) + sum(g.pauses)
        assert item["feats"].shape[0] == 4 * ((1 + (samples - 400) // 160) // 4)
