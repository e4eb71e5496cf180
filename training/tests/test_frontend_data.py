"""Front end (fbank, CMVN, groups of 4), manifests, batching, vocabularies, metrics."""
import math

import torch

from leapformer.data import BucketBatchSampler, collate, read_manifest, write_manifest
from leapformer.fbank import CmvnAccumulator, compute_fbank, truncate_to_subsampling
from leapformer.metrics import average_lagging, corpus_bleu
from leapformer.tokens import BOS_ID, CTC_CHARS, EOS_ID, PAD_ID, encode_chars


def test_fbank_frame_count_and_options():
    for n in (0, 399, 400, 559, 560, 16000, 40000):
        wave = torch.randn(n) * 0.1
        f = compute_fbank(wave)
        assert f.shape == (0 if n < 400 else 1 + (n - 400) // 160, 80)
    wave = torch.sin(torch.arange(16000) * 2 * math.pi * 440 / 16000) * 0.5
    f = compute_fbank(wave)
    assert torch.isfinite(f).all()
    # the 440 Hz tone lands in a low mel bin, well above the high bins
    assert f[:, :20].mean() > f[:, 60:].mean() + 5
    assert truncate_to_subsampling(f).shape[0] == 4 * (f.shape[0] // 4)


def test_cmvn_normalises():
    acc = CmvnAccumulator()
    data = torch.randn(500, 80) * 3 + 7
    acc.add(data[:200])
    acc.add(data[200:])
    x = acc.result()(data)
    assert x.mean(0).abs().max() < 1e-4
    assert (x.std(0, unbiased=False) - 1).abs().max() < 1e-3


def test_manifest_round_trip_and_batching(tmp_path):
    rows = [{"id": f"u{i}", "audio": f"/abs/u{i}.wav", "n_frames": 100 + 37 * i,
             "tgt_text": "hola mundo", "speaker": "espeak:en-us+m1", "src_text": "hello world"}
            for i in range(10)]
    path = tmp_path / "train.tsv"
    write_manifest(str(path), rows)
    assert path.read_text().splitlines()[0] == "id\taudio\tn_frames\ttgt_text\tspeaker\tsrc_text"
    back = read_manifest(str(path))
    assert back == rows
    lengths = [r["n_frames"] for r in rows]
    sampler = BucketBatchSampler(lengths, max_frames=1000, seed=3)
    seen = sorted(i for b in sampler for i in b)
    assert seen == list(range(10))
    for b in sampler:
        assert len(b) == 1 or max(lengths[i] for i in b) * len(b) <= 1000


def test_collate_and_chars():
    items = [
        {"id": "a", "feats": torch.ones(8, 80), "tokens": [5, 6], "chars": encode_chars("Hi, you!")},
        {"id": "b", "feats": torch.ones(4, 80), "tokens": [7], "chars": encode_chars("a")},
    ]
    b = collate(items)
    assert b["feats"].shape == (2, 8, 80) and b["feats"][1, 4:].abs().sum() == 0
    assert b["prev_tokens"].tolist() == [[BOS_ID, 5, 6], [BOS_ID, 7, PAD_ID]]
    assert b["target"].tolist() == [[5, 6, EOS_ID], [7, EOS_ID, PAD_ID]]
    assert encode_chars("Hi, you!") == [CTC_CHARS.index(c) + 1 for c in "hi you"]
    assert b["char_lens"].tolist() == [6, 1]


def test_bleu_and_lagging():
    assert abs(corpus_bleu(["el gato come pescado ."], ["el gato come pescado ."]) - 100) < 1e-9
    assert corpus_bleu(["nada"], ["el gato come pescado ."]) == 0.0
    assert 0 < corpus_bleu(["el gato come pescado fresco hoy ."], ["el gato come pescado fresco ayer ."]) < 100
    # wait-k ideal: token i emitted after (k + i) * step ms, |Y| = |X| / step
    d = [280 * (3 + i) for i in range(5)]
    assert abs(average_lagging(d, 280 * 5, 5) - 280 * 3) < 1e-9
