"""Batched wait-k decoding (leapformer.batch_decode) gives each utterance exactly what
simul_decode gives it alone: tokens, delays and the smallest logit margin, for wait-k and
offline, whatever the batch size."""
import os

import pytest
import torch

from conftest import TRAINING


def test_batched_decoding_equals_one_utterance_at_a_time(tiny_data):
    import train
    from leapformer.batch_decode import batch_simul_decode
    from leapformer.data import read_manifest
    from leapformer.fbank import Cmvn, compute_fbank, load_wave
    from leapformer.streaming import StepModules, simul_decode

    # a trained model (the everyday runs' weights): it stops, and sometimes emits EOS
    # before the source ends, so every path of the state machine is taken
    resume = os.path.join(TRAINING, "..", "models", "resume", "everyday-r5")
    model, params = train.model_from_checkpoint(torch.load(os.path.join(resume, "averaged.pt"),
                                                           map_location="cpu"))
    steps = StepModules(model)
    cmvn = Cmvn.load(os.path.join(resume, "cmvn.json"))
    rows = read_manifest(str(tiny_data / "manifests" / "train.tsv"))[:10]
    sources = []
    for r in rows:
        wave = load_wave(r["audio"])
        sources.append((cmvn(compute_fbank(wave)), wave.numel()))

    for k in (1, 3, -1):
        P = params.pre_decision
        alone = [simul_decode(steps, x, n, k, P, params.bos_id, params.eos_id) for x, n in sources]
        for batch_size in (1, 4, 10):
            batched = batch_simul_decode(steps, sources, k, P, params.bos_id, params.eos_id,
                                         batch_size=batch_size)
            for a, b in zip(alone, batched):
                assert a["tokens"] == b["tokens"]
                assert a["delays_ms"] == b["delays_ms"]
                assert a["min_margin"] == pytest.approx(b["min_margin"], abs=1e-4)
    assert any(a["tokens"] for a in alone)
