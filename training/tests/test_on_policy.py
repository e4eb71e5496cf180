"""On-policy distillation's batched greedy decoding (parallel form) gives the step form's
greedy decode (docs/bundle.md's algorithm) for every utterance of a padded batch."""
import json
import os

import pytest
import torch

from leapformer.fbank import Cmvn
from leapformer.on_policy import greedy_prefixes
from leapformer.streaming import StepModules, simul_decode
from train import model_from_checkpoint

DEMO = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "models", "demo-small")


@pytest.mark.skipif(not os.path.exists(os.path.join(DEMO, "averaged.pt")),
                    reason="no committed demo-small weights")
@pytest.mark.parametrize("k", [1, 3, None])
def test_batched_greedy_prefixes_equal_step_form_greedy_decoding(k):
    model, params = model_from_checkpoint(torch.load(os.path.join(DEMO, "averaged.pt")))
    cmvn = Cmvn.load(os.path.join(DEMO, "cmvn.json"))
    docs = []
    for i in range(3):
        with open(os.path.join(DEMO, "golden", f"utt{i}.json"), encoding="utf-8") as f:
            docs.append(json.load(f))
    feats = [cmvn(torch.tensor(d["fbank"], dtype=torch.float32)) for d in docs]
    lens = torch.tensor([f.size(0) for f in feats])
    batch = torch.zeros(len(feats), int(lens.max()), feats[0].size(1))
    for i, f in enumerate(feats):
        batch[i, : f.size(0)] = f
    model.train()  # greedy_prefixes turns dropout off itself, and back on
    prev, target = greedy_prefixes(model, batch, lens, k, params.pre_decision, params.bos_id,
                                   params.eos_id, params.pad_id, 30)
    assert model.training
    assert prev.shape == target.shape
    assert (prev[:, 0] == params.bos_id).all() and (prev[:, 1:] == target[:, :-1]).all()
    steps = StepModules(model.eval())
    for i, (f, d) in enumerate(zip(feats, docs)):
        tokens = simul_decode(steps, f, d["num_samples"], k, params.pre_decision, params.bos_id,
                              params.eos_id)["tokens"]
        row = target[i].tolist()
        assert row[: len(tokens) + 1] == tokens + [params.eos_id]
        assert all(t == params.pad_id for t in row[len(tokens) + 1:])
