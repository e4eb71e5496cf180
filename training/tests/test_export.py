"""Export wrappers == parallel model; exported ONNX files have the docs/bundle.md
names, shapes and metadata, pass onnx.checker, and (run by a NumPy interpreter,
as there is no onnxruntime here) give the wrappers' outputs."""
import os
import shutil

import numpy as np
import onnx
import pytest
import torch

from conftest import small_model, split_kind
from leapformer.masks import g_of
from leapformer.onnx_export import bundle_metadata, export_cross, export_decoder, export_encoder
from leapformer.streaming import (
    StepModules,
    cross_state_names,
    decoder_state_names,
    encoder_state_names,
    offline_beam,
    simul_decode,
    stream_encoder,
    token_limit,
)
from onnx_numpy import NumpyOnnx
from train import get_params

P = 3
META_KEYS = [
    "model_type", "version", "attention", "graph", "sample_rate", "feature_dim", "subsampling",
    "frame_ms", "pre_decision", "default_k", "k_min", "k_max", "vocab_size", "bos_id", "eos_id",
    "pad_id", "unk_id", "src_lang", "tgt_lang", "d_model", "num_heads", "head_dim",
    "encoder_layers", "decoder_layers", "ffn_dim", "max_tokens_base", "max_tokens_per_frame",
    "model_name", "level_norm",
]


def params_for(attention):
    p = get_params()
    p.update(attention=attention, d_model=32, num_heads=4, encoder_layers=2, decoder_layers=2,
             ffn_dim=64, pre_decision=P, default_k=2, k_min=1, k_max=6, vocab_size=40)
    return p


def test_wrappers_equal_parallel_model(attention):
    model = small_model(attention, 1)
    steps = StepModules(model)
    feats = torch.randn(70, 80, dtype=torch.float64)  # 70 -> 68 used frames
    frames = torch.cat(stream_encoder(steps, feats, P), 0)
    ref, _ = model.encoder(feats[None, :68], torch.tensor([68]))
    assert (frames - ref[0]).abs().max() < 1e-5
    # decoder wrappers with wait-k k=2 against the parallel decoder
    prev = torch.tensor([[2, 5, 9, 11, 7, 30]])
    logits_ref = model.decoder(prev, ref, torch.tensor([17]), 2, P)
    cross, dec = steps.init_cross(1), steps.init_decoder(1)
    read = 0
    for i in range(prev.size(1)):
        g = g_of(i, 17, 2, P)
        if g > read:
            cross = list(steps.cross(ref[:, read:g], *cross))
            read = g
        out = steps.decoder(prev[:, i], torch.tensor([i]), *dec, *cross)
        dec = list(out[1:])
        assert (out[0][0] - logits_ref[0, i]).abs().max() < 1e-5


@pytest.fixture(scope="module", params=["leap", "softmax", "leap-hedgehog", "leap-xtaylor"])
def exported(request, tmp_path_factory):
    kind = request.param
    model = small_model(kind, 2, dtype=torch.float32)
    out = tmp_path_factory.mktemp(f"bundle-{kind}")
    meta = bundle_metadata(params_for(split_kind(kind)[0]), "test")
    export_encoder(model, str(out / "encoder.onnx"), meta)
    export_cross(model, str(out / "cross.onnx"), meta)
    export_decoder(model, str(out / "decoder.onnx"), meta)
    return kind, model, out


def _io(path):
    m = onnx.load(str(path))

    def dims(v):
        return [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]

    return m, {i.name: dims(i) for i in m.graph.input}, {o.name: dims(o) for o in m.graph.output}


def test_names_shapes_metadata(exported):
    kind, model, out = exported
    attention = split_kind(kind)[0]
    h, dk, d = 4, 8, 32
    f = 4 * dk if kind == "leap-hedgehog" else 2 * dk  # LeaP feature size
    # cross-attention only: 2 x (1 + dk + dk(dk+1)/2)
    f_cross = 2 * (1 + dk + dk * (dk + 1) // 2) if kind == "leap-xtaylor" else f
    suf = ("s", "z") if attention == "leap" else ("k", "v")

    def layer_states(prefix, n):
        ff = f_cross if prefix == "cross" else f
        res = {}
        for i in range(n):
            if attention == "leap":
                res[f"{prefix}_{suf[0]}_{i}"] = ["N", h, ff, dk]
                res[f"{prefix}_{suf[1]}_{i}"] = ["N", h, ff]
            else:
                res[f"{prefix}_{suf[0]}_{i}"] = ["N", h, "T_cache", dk]
                res[f"{prefix}_{suf[1]}_{i}"] = ["N", h, "T_cache", dk]
        return res

    enc_states = {"cached_conv1": ["N", 80, 2], "cached_conv2": ["N", d, 2]}
    enc_states.update(layer_states("enc", 2))
    cross_states = layer_states("cross", 2)
    dec_states = layer_states("dec", 2)

    m, ins, outs = _io(out / "encoder.onnx")
    assert ins == {"x": ["N", "T", 80], **enc_states}
    assert list(outs)[0] == "frames" and outs["frames"][0] == "N" and outs["frames"][2] == d
    assert set(outs) == {"frames"} | {"new_" + n for n in enc_states}
    assert list(ins) == ["x"] + encoder_state_names(model)

    m2, ins, outs = _io(out / "cross.onnx")
    assert ins == {"frames": ["N", "F", d], **cross_states}
    assert set(outs) == {"new_" + n for n in cross_states}
    assert list(ins)[1:] == cross_state_names(model)

    m3, ins, outs = _io(out / "decoder.onnx")
    assert ins["token"] == ["N"] and ins["pos"] == ["N"]
    assert set(ins) == {"token", "pos"} | set(dec_states) | set(cross_states)
    assert outs["logits"] == ["N", 40]
    assert set(outs) == {"logits"} | {"new_" + n for n in dec_states}
    assert list(ins)[2:] == decoder_state_names(model) + cross_state_names(model)
    assert m3.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.INT64

    for graph, mm in (("encoder", m), ("cross", m2), ("decoder", m3)):
        onnx.checker.check_model(mm, full_check=True)
        assert mm.opset_import[0].version == 17
        meta = {p.key: p.value for p in mm.metadata_props}
        assert sorted(meta) == sorted(META_KEYS)
        assert meta["graph"] == graph and meta["model_type"] == "leapformer-s2t"
        assert meta["version"] == "1" and meta["attention"] == attention
        assert meta["head_dim"] == "8" and meta["pre_decision"] == str(P)
        assert meta["level_norm"] == "none"


def _zeros(sess, n):
    feeds = {}
    for i in sess.model.graph.input:
        dims = [n if d.dim_param == "N" else (0 if d.dim_param else d.dim_value)
                for d in i.type.tensor_type.shape.dim]
        feeds[i.name] = np.zeros(dims, np.float32)
    return feeds


@torch.no_grad()
def test_onnx_graphs_equal_torch(exported):
    """Run the .onnx files: batch 2, chunks of 4P and a shorter tail, growing caches from 0."""
    attention, model, out = exported
    enc, cross, dec = (NumpyOnnx(str(out / f"{g}.onnx")) for g in ("encoder", "cross", "decoder"))
    steps = StepModules(model)
    n = 2
    feats = torch.randn(n, 4 * P * 3 + 8, 80)
    st_np = {k: v for k, v in _zeros(enc, n).items() if k != "x"}
    st_t = steps.init_encoder(n)
    frames_np, frames_t = [], []
    for s in range(0, feats.size(1), 4 * P):
        x = feats[:, s: s + 4 * P]
        o = enc.run(dict(st_np, x=x.numpy()))
        res = steps.encoder(x, *st_t)
        st_t = list(res[1:])
        st_np = {k: o["new_" + k] for k in st_np}
        frames_np.append(o["frames"])
        frames_t.append(res[0])
        for name, t in zip(encoder_state_names(model), st_t):
            assert np.abs(st_np[name] - t.detach().numpy()).max() < 1e-4
    frames_np = np.concatenate(frames_np, 1)
    frames_t = torch.cat(frames_t, 1)
    assert np.abs(frames_np - frames_t.numpy()).max() < 1e-4

    cst = {k: v for k, v in _zeros(cross, n).items() if k != "frames"}
    dst = {k: v for k, v in _zeros(dec, n).items() if k.startswith("dec_")}
    cst_t, dst_t = steps.init_cross(n), steps.init_decoder(n)
    for i, (a, b) in enumerate([(0, 3), (3, 4), (4, 9)]):
        o = cross.run(dict(cst, frames=frames_np[:, a:b]))
        cst = {k: o["new_" + k] for k in cst}
        cst_t = list(steps.cross(frames_t[:, a:b], *cst_t))
        tok = np.array([2, 7 + i], dtype=np.int64)
        o = dec.run(dict(dst, **cst, token=tok, pos=np.array([i, i], dtype=np.int64)))
        res = steps.decoder(torch.from_numpy(tok), torch.tensor([i, i]), *dst_t, *cst_t)
        dst = {k: o["new_" + k] for k in dst}
        dst_t = list(res[1:])
        assert np.abs(o["logits"] - res[0].numpy()).max() < 1e-4


def test_simul_decode_properties():
    """Delays never decrease, wait-k reads at least min((k+i)P, |X|) frames before
    token i, and k larger than the source is offline decoding."""
    model = small_model("leap", 4, dtype=torch.float32)
    steps = StepModules(model)
    torch.manual_seed(0)
    feats = torch.randn(150, 80)  # 37 encoder frames
    num_samples = 400 + 149 * 160
    offline = simul_decode(steps, feats, num_samples, None, P, 2, 3)
    assert offline == simul_decode(steps, feats, num_samples, -1, P, 2, 3)
    assert simul_decode(steps, feats, num_samples, 100, P, 2, 3) == offline
    for k in (1, 2, 4):
        res = simul_decode(steps, feats, num_samples, k, P, 2, 3)
        d = res["delays_ms"]
        assert d == sorted(d)
        source_ms = num_samples * 1000 / 16000
        for i, ms in enumerate(d):
            assert ms >= min((k + i) * P * 40, source_ms) or ms == source_ms
        assert len(res["tokens"]) <= 10 + 0.5 * 37


def test_offline_beam_of_one_is_offline_greedy_and_wider_beams_stay_in_bounds():
    model = small_model("leap", 4, dtype=torch.float32)
    steps = StepModules(model)
    torch.manual_seed(1)
    feats = torch.randn(150, 80)  # 37 encoder frames
    greedy = simul_decode(steps, feats, 400 + 149 * 160, None, P, 2, 3)["tokens"]
    assert offline_beam(steps, feats, P, 2, 3, 1) == greedy
    wide = offline_beam(steps, feats, P, 2, 3, 4)
    assert wide == offline_beam(steps, feats, P, 2, 3, 4)
    assert 3 not in wide and len(wide) <= 10 + 0.5 * 37


DEMO = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "models", "demo-small")


@pytest.mark.skipif(not os.path.exists(os.path.join(DEMO, "averaged.pt")),
                    reason="no committed demo-small weights")
def test_offline_beam_on_the_demo_model_ends_sentences_and_keeps_greedy_at_beam_one():
    """A trained model, so the hypotheses end with EOS (a random one runs to the limit)."""
    import json

    from leapformer.fbank import Cmvn
    from train import model_from_checkpoint

    model, params = model_from_checkpoint(torch.load(os.path.join(DEMO, "averaged.pt")))
    steps = StepModules(model)
    cmvn = Cmvn.load(os.path.join(DEMO, "cmvn.json"))
    with open(os.path.join(DEMO, "golden", "utt2.json"), encoding="utf-8") as f:
        doc = json.load(f)
    feats = cmvn(torch.tensor(doc["fbank"], dtype=torch.float32))
    args = (params.pre_decision, params.bos_id, params.eos_id)
    greedy = simul_decode(steps, feats, doc["num_samples"], None, *args)["tokens"]
    # ended by EOS, far below the token limit (10 + half the utterance's encoder frames)
    half_limit = token_limit(len(doc["encoder_frames"])) / 2
    assert 0 < len(greedy) < half_limit
    assert offline_beam(steps, feats, *args, 1) == greedy
    wide = offline_beam(steps, feats, *args, 4)
    assert 0 < len(wide) < half_limit and params.eos_id not in wide


@pytest.mark.skipif(not os.path.exists(os.path.join(DEMO, "spm.model")),
                    reason="no committed demo-small bundle")
def test_a_level_normalised_bundle_round_trips(tmp_path):
    """export_onnx (random weights, tiny sizes) from a lang dir whose cmvn.json has
    level_norm peak: the bundle's cmvn.json keeps it, every graph's metadata says it, and
    its golden/ (computed on levelled features) is reproduced by bundle_check, which
    levels the fbank frame by frame as the C# runtime does."""
    import json

    import export_onnx
    from bundle_check import BundleRunner, check_bundle
    from leapformer.fbank import LEVEL_DECAY, Cmvn

    lang = tmp_path / "lang"
    lang.mkdir()
    shutil.copyfile(os.path.join(DEMO, "spm.model"), lang / "spm.model")
    stats = Cmvn.load(os.path.join(DEMO, "cmvn.json"))
    Cmvn(stats.mean.tolist(), stats.istd.tolist(), "peak").save(str(lang / "cmvn.json"))
    bundle = tmp_path / "bundle"
    export_onnx.export_bundle(export_onnx.get_parser().parse_args([
        "--random-init", "--lang-dir", str(lang), "--model-name", "level",
        "--golden-wavs", *(os.path.join(DEMO, "golden", f"utt{i}.wav") for i in range(3)),
        "--d-model", "32", "--num-heads", "2", "--encoder-layers", "1", "--decoder-layers", "1",
        "--ffn-dim", "64", "--pre-decision", "3", "--out-dir", str(bundle)]))

    cmvn = json.loads((bundle / "cmvn.json").read_text())
    assert cmvn["level_norm"] == "peak" and cmvn["level_decay"] == LEVEL_DECAY
    assert Cmvn.load(str(bundle / "cmvn.json")).level_norm == "peak"
    for graph in ("encoder", "cross", "decoder"):
        meta = {p.key: p.value for p in onnx.load(str(bundle / f"{graph}.onnx")).metadata_props}
        assert meta["level_norm"] == "peak" and meta["version"] == "2", graph
    assert check_bundle(str(bundle)) == 3
    # the golden encoder frames are of levelled features: without the levelling they differ
    runner = BundleRunner(str(bundle))
    with open(bundle / "golden" / "utt0.json") as f:
        golden = json.load(f)
    fbank = np.array(golden["fbank"], np.float32)
    runner.level_norm = "none"
    assert np.abs(runner.encode(fbank) - np.array(golden["encoder_frames"])).max() > 1e-2
