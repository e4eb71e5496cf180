"""Tiny end-to-end recipe (runs in CI): espeak-ng/flite synthesis of ~24 utterances,
a few training steps, averaging, bundle export, decoding, and the exported ONNX
files reproducing their golden/ decodes. About a minute on 2 cores."""
import json
import os

import pytest
import torch

from bundle_check import check_bundle

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("attention", ["leap", "softmax"])
def test_tiny_recipe(tiny_data, tmp_path, attention):
    import decode
    import distill_targets
    import export_onnx
    import teacher_forced
    import train
    from leapformer.checkpoint import average_checkpoints, last_checkpoints
    from leapformer.data import read_manifest
    from leapformer.utils import AttributeDict

    exp = tmp_path / "exp"
    args = train.get_parser().parse_args([
        "--manifest-dir", str(tiny_data / "manifests"), "--lang-dir", str(tiny_data / "lang"),
        "--exp-dir", str(exp), "--attention", attention, "--num-steps", "12",
        "--batch-frames", "3000", "--warmup-steps", "4", "--save-every-n", "4",
        "--valid-every-n", "12", "--log-every-n", "4", "--d-model", "32", "--num-heads", "2",
        "--encoder-layers", "2", "--decoder-layers", "1", "--ffn-dim", "64",
        "--pre-decision", "3",
    ])
    params = train.get_params()
    params.update(vars(args))
    stats = train.run(params)
    assert all(torch.isfinite(torch.tensor(v)) for v in stats.values())
    assert 0.0 <= stats["dev_acc"] <= 1.0
    assert (exp / "log" / "train.log").exists()
    ckpts = last_checkpoints(str(exp), 2)
    assert [os.path.basename(p) for p in ckpts] == ["checkpoint-8.pt", "checkpoint-12.pt"]
    torch.save(average_checkpoints(ckpts), exp / "averaged.pt")

    # resume from weights only, two more steps, distilling the averaged model into itself
    params2 = dict(params, resume=str(exp / "averaged.pt"), num_steps=2, batch_idx_train=0,
                   exp_dir=str(tmp_path / "exp2"), save_every_n=2, valid_every_n=2,
                   log_every_n=1, teacher=str(exp / "averaged.pt"))
    stats2 = train.run(AttributeDict(params2))
    assert (tmp_path / "exp2" / "checkpoint-2.pt").exists()
    assert 0 <= stats2["kd"] < 1.0  # same weights: only dropout sets the two apart
    # on-policy: every batch decoded by the model itself, then scored by the teacher
    stats3 = train.run(AttributeDict(dict(params2, exp_dir=str(tmp_path / "exp3"),
                                          on_policy_prob=1.0, batch_idx_train=0)))
    assert (tmp_path / "exp3" / "checkpoint-2.pt").exists()
    assert 0 <= stats3["kd"] < 1.0 and stats3["loss"] > 0

    # sequence-level distillation: the model's beam outputs become a training manifest
    counts = distill_targets.run(distill_targets.get_parser().parse_args([
        "--checkpoint", str(exp / "averaged.pt"), "--lang-dir", str(tiny_data / "lang"),
        "--manifest-dir", str(tiny_data / "manifests"), "--out-dir", str(tmp_path / "seqkd"),
        "--beam", "2", "--jobs", "1", "--max-utts", "4"]))
    assert sum(counts.values()) == 4
    assert len(read_manifest(str(tmp_path / "seqkd" / "train.tsv"))) == 4
    assert (tmp_path / "seqkd" / "dev.tsv").read_text() == \
        (tiny_data / "manifests" / "dev.tsv").read_text()

    bundle = tmp_path / "bundle"
    export_onnx.export_bundle(export_onnx.get_parser().parse_args([
        "--checkpoint", str(exp / "averaged.pt"), "--lang-dir", str(tiny_data / "lang"),
        "--golden-manifest", str(tiny_data / "manifests" / "test.tsv"),
        "--model-name", "tiny", "--out-dir", str(bundle)]))
    for name in ("encoder.onnx", "cross.onnx", "decoder.onnx", "tokens.txt", "spm.model",
                 "cmvn.json", "README.md"):
        assert (bundle / name).exists(), name
    cmvn = json.loads((bundle / "cmvn.json").read_text())
    assert len(cmvn["mean"]) == 80 and len(cmvn["istd"]) == 80
    assert check_bundle(str(bundle)) == 3

    res = decode.decode(decode.get_parser().parse_args([
        "--checkpoint", str(exp / "averaged.pt"), "--lang-dir", str(tiny_data / "lang"),
        "--manifest", str(tiny_data / "manifests" / "test.tsv"), "--ks", "3", "-1",
        "--out-dir", str(tmp_path / "decode")]))
    assert set(res) == {3, -1}
    assert (tmp_path / "decode" / "hyps-k3.tsv").exists()

    tf = teacher_forced.score(teacher_forced.get_parser().parse_args([
        "--checkpoint", str(exp / "averaged.pt"), "--lang-dir", str(tiny_data / "lang"),
        "--manifest", str(tiny_data / "manifests" / "test.tsv"), "--ks", "1", "-1"]))
    assert set(tf) == {1, -1}
    assert all(v["nll"] > 0 and 0.0 <= v["acc"] <= 1.0 for v in tf.values())


def test_preload_fills_the_cache_with_the_lazy_features(tiny_data):
    from leapformer.data import S2TDataset, read_manifest
    from leapformer.fbank import Cmvn
    from leapformer.tokens import load_spm

    rows = read_manifest(str(tiny_data / "manifests" / "train.tsv"))
    sp = load_spm(str(tiny_data / "lang" / "spm.model"))
    cmvn = Cmvn.load(str(tiny_data / "lang" / "cmvn.json"))
    pre = S2TDataset(rows, sp, cmvn)
    pre.preload(2)
    assert sorted(pre.cache) == list(range(len(rows)))
    lazy = S2TDataset(rows, sp, cmvn, cache=False)
    for i in (0, len(rows) - 1):
        assert torch.equal(pre[i]["feats"], lazy[i]["feats"])
    with pytest.raises(ValueError):
        lazy.preload(2)
