"""Level normalisation of the front end (leapformer.fbank.level_normalize, cmvn.json's
level_norm): the cummax form is the causal recurrence of docs/bundle.md, a gain of the
waveform leaves the features unchanged, cmvn.json keeps the keys, and the C# parity
fixture is what PyTorch computes."""
import json
import os
import shutil
import sys

import pytest
import torch

from conftest import TRAINING
from leapformer.fbank import (
    LEVEL_DECAY,
    Cmvn,
    compute_fbank,
    level_normalize,
    load_wave,
)

FIXTURE = os.path.join(os.path.dirname(TRAINING), "tests", "UnitTests", "Fixtures", "LevelNorm")


def recurrence(fbank: torch.Tensor, decay: float) -> torch.Tensor:
    """docs/bundle.md written out frame by frame, as the C# runtime runs it (float64)."""
    out = torch.empty_like(fbank, dtype=torch.float64)
    peak = None
    for t in range(fbank.size(0)):
        level = fbank[t].to(torch.float64).mean().item()
        peak = level if peak is None else max(peak - decay, level)
        out[t] = fbank[t].to(torch.float64) - peak
    return out


def level_track(n: int, seed: int = 0) -> torch.Tensor:
    """Fake fbank (n, 80) whose level rises, falls fast, pauses and jumps (every branch of max)."""
    g = torch.Generator().manual_seed(seed)
    level = torch.cat([torch.linspace(2, 16, n // 4), torch.linspace(16, 4, n // 4),
                       torch.full((n // 4,), 3.0), torch.linspace(12, 14, n - 3 * (n // 4))])
    return level.unsqueeze(1) + torch.randn(n, 80, generator=g) * 2


@pytest.mark.parametrize("decay", [0.0, LEVEL_DECAY, 0.1])
def test_cummax_form_equals_the_recurrence(decay):
    fbank = level_track(600).to(torch.float64)
    assert (level_normalize(fbank, decay) - recurrence(fbank, decay)).abs().max() < 1e-12
    # float32 input (what compute_fbank returns): the level is still taken in float64
    f32 = fbank.to(torch.float32)
    out = level_normalize(f32, decay)
    assert out.dtype == torch.float32
    assert (out.double() - recurrence(f32, decay)).abs().max() < 1e-5
    # causal: a frame's output does not change when later frames are added
    assert torch.equal(level_normalize(fbank[:250], decay), level_normalize(fbank, decay)[:250])


def test_empty_and_single_frame():
    assert level_normalize(torch.zeros(0, 80)).shape == (0, 80)
    one = torch.randn(1, 80) + 7
    assert (level_normalize(one) - (one - one.double().mean().float())).abs().max() < 1e-6


def test_a_gain_leaves_the_levelled_features_unchanged():
    """A golden utterance plus a -70 dBFS noise floor (no frame of digital silence, whose
    log floor a gain cannot move), at -45 dB and +6 dB of gain."""
    wave = load_wave(os.path.join(FIXTURE, "loud.wav")).to(torch.float64)
    wave = wave + torch.randn(wave.numel(), generator=torch.Generator().manual_seed(1),
                              dtype=torch.float64) * 10 ** (-70 / 20)
    cmvn = Cmvn.load(os.path.join(FIXTURE, "cmvn.json"))
    ref = cmvn(compute_fbank(wave, dtype=torch.float64))
    for gain_db in (-45.0, 6.0):
        out = cmvn(compute_fbank(wave * 10 ** (gain_db / 20), dtype=torch.float64))
        assert (out - ref).abs().max() < 1e-4, gain_db
    # without the level normalisation the gain moves every feature
    plain = Cmvn(cmvn.mean.tolist(), cmvn.istd.tolist())
    quiet = plain(compute_fbank(wave * 10 ** (-45 / 20), dtype=torch.float64))
    assert (quiet - plain(compute_fbank(wave, dtype=torch.float64))).abs().min() > 1.0


def test_cmvn_json_round_trips_level_norm(tmp_path):
    path = str(tmp_path / "cmvn.json")
    Cmvn([1.0] * 80, [0.5] * 80, "peak", 0.01).save(path)
    with open(path) as f:
        d = json.load(f)
    assert d["level_norm"] == "peak" and d["level_decay"] == 0.01
    back = Cmvn.load(path)
    assert back.level_norm == "peak" and back.level_decay == 0.01
    feats = level_track(40)
    assert torch.equal(back(feats), (level_normalize(feats, 0.01) - 1.0) * 0.5)


def test_cmvn_json_without_the_keys_is_none(tmp_path):
    path = str(tmp_path / "cmvn.json")
    Cmvn([1.0] * 80, [0.5] * 80).save(path)
    with open(path) as f:
        assert set(json.load(f)) == {"mean", "istd"}  # old runtimes read the same file
    with open(path, "w") as f:
        json.dump({"mean": [1.0] * 80, "istd": [0.5] * 80}, f)
    back = Cmvn.load(path)
    assert back.level_norm == "none"
    feats = level_track(40)
    assert torch.equal(back(feats), (feats - 1.0) * 0.5)


def test_an_unknown_level_norm_is_refused(tmp_path):
    with pytest.raises(ValueError, match="level_norm"):
        Cmvn([0.0] * 80, [1.0] * 80, "rms")
    path = str(tmp_path / "cmvn.json")
    with open(path, "w") as f:
        json.dump({"mean": [0.0] * 80, "istd": [1.0] * 80, "level_norm": "rms"}, f)
    with pytest.raises(ValueError, match="rms"):
        Cmvn.load(path)


def test_the_csharp_fixture_is_what_pytorch_computes(tmp_path):
    """tests/UnitTests/Fixtures/LevelNorm (local/make_level_fixture.py) against this code:
    the C# front end is held to these features, so they must follow level_normalize."""
    sys.path.insert(0, os.path.join(TRAINING, "local"))
    from make_level_fixture import QUIET_DBFS, features_doc, quiet_copy

    with open(os.path.join(FIXTURE, "features.json")) as f:
        committed = json.load(f)
    cmvn = Cmvn.load(os.path.join(FIXTURE, "cmvn.json"))
    assert cmvn.level_norm == "peak" and cmvn.level_decay == LEVEL_DECAY
    loud, quiet = (load_wave(os.path.join(FIXTURE, n)) for n in ("loud.wav", "quiet.wav"))
    assert torch.equal((quiet * 32768).to(torch.int16), quiet_copy(loud, QUIET_DBFS))
    assert committed["quiet"]["peak_dbfs"] == pytest.approx(QUIET_DBFS, abs=0.05)

    for name in ("loud.wav", "quiet.wav", "cmvn.json"):
        shutil.copyfile(os.path.join(FIXTURE, name), tmp_path / name)
    fresh = features_doc(str(tmp_path), committed["source"])
    for which in ("loud", "quiet"):
        a = torch.tensor(fresh[which]["features"], dtype=torch.float64)
        b = torch.tensor(committed[which]["features"], dtype=torch.float64)
        assert a.shape == b.shape == (1 + (committed[which]["num_samples"] - 400) // 160, 80)
        assert (a - b).abs().max() < 1e-5, which
