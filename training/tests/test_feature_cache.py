"""The on-disk feature cache: it holds what S2TDataset would compute (to float16), training
runs from it with feature-level augmentation, and reading it does not load it whole: the
process's anonymous memory grows by a small part of the file while every utterance is read."""
import os

import numpy as np
import torch


def test_the_cache_holds_the_datasets_features(tiny_data, tmp_path):
    from leapformer.data import S2TDataset, read_manifest
    from leapformer.fbank import Cmvn
    from leapformer.feature_cache import FeatureCache
    from leapformer.tokens import load_spm

    rows = read_manifest(str(tiny_data / "manifests" / "train.tsv"))
    cmvn = Cmvn.load(str(tiny_data / "lang" / "cmvn.json"))
    sp = load_spm(str(tiny_data / "lang" / "spm.model"))
    cache = FeatureCache.build(rows, cmvn, str(tmp_path / "fcache"), jobs=2)
    assert len(cache) == len(rows)
    plain = S2TDataset(rows, sp, cmvn, cache=False)
    cached = S2TDataset(rows, sp, cmvn, feature_cache=FeatureCache(str(tmp_path / "fcache")))
    for i in range(len(rows)):
        a, b = plain[i]["feats"], cached[i]["feats"]
        assert a.shape == b.shape
        assert torch.allclose(a, b, atol=2e-2, rtol=1e-2)  # float16 on disk


def test_training_runs_from_the_cache_with_feature_augmentation(tiny_data, tmp_path):
    import train

    args = train.get_parser().parse_args([
        "--manifest-dir", str(tiny_data / "manifests"), "--lang-dir", str(tiny_data / "lang"),
        "--exp-dir", str(tmp_path / "exp"), "--num-steps", "3", "--batch-frames", "3000",
        "--warmup-steps", "2", "--save-every-n", "3", "--valid-every-n", "3",
        "--log-every-n", "1", "--d-model", "32", "--num-heads", "2", "--encoder-layers", "2",
        "--decoder-layers", "1", "--ffn-dim", "64", "--pre-decision", "3",
        "--feature-cache", str(tmp_path / "fcache"), "--augment", "true", "--concat-prob", "0.5",
        "--num-workers", "1",
    ])
    params = train.get_params()
    params.update(vars(args))
    stats = train.run(params)
    assert all(torch.isfinite(torch.tensor(v)) for v in stats.values())
    assert (tmp_path / "fcache" / "index.tsv").exists()


def test_time_stretch_changes_the_length_and_keeps_the_ends():
    from leapformer.feature_cache import time_stretch

    x = torch.arange(100, dtype=torch.float32).unsqueeze(1).expand(100, 80)
    fast, slow = time_stretch(x, 1.1), time_stretch(x, 0.9)
    assert (fast.size(0), slow.size(0)) == (91, 111)
    assert fast[0, 0] == 0 and fast[-1, 0] == 99 and slow[-1, 0] == 99


def rss_anon_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    raise RuntimeError("no RssAnon in /proc/self/status")


def test_reading_every_utterance_does_not_load_the_cache_whole(tmp_path):
    from leapformer.feature_cache import FeatureCache

    n, frames = 3000, 200  # 3000 utterances of 2 s: 96 MB of float16
    rng = np.random.default_rng(0)
    block = rng.standard_normal((frames, 80)).astype(np.float16)
    cache = FeatureCache.write(str(tmp_path / "big"), ((f"utt{i:05d}", block + i % 7) for i in range(n)))
    size_kb = os.path.getsize(tmp_path / "big" / "feats.f16") // 1024

    before = rss_anon_kb()
    total = 0.0
    for uid in cache.spans:
        total += float(cache.get(uid)[0, 0])  # each read copies only its own frames
    grew = rss_anon_kb() - before
    whole = np.fromfile(tmp_path / "big" / "feats.f16", dtype=np.float16)  # what loading it whole costs
    grew_whole = rss_anon_kb() - before
    del whole

    print(f"cache {size_kb} KB; reading all {n} utterances: anonymous memory +{grew} KB; "
          f"loading the file whole: +{grew_whole} KB")
    assert total != 0.0
    assert grew < size_kb / 10
    assert grew_whole > size_kb * 0.9
