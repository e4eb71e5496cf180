"""The encoder's causal convolutional positions (leapformer/conv_position.py): the same
convolution as nn.Conv1d, causal, streamed in chunks == parallel, exported with its
fixed-size state cached_conv_pos and reproduced from the ONNX files."""
import os
import shutil

import onnx
import pytest
import torch
import torch.nn.functional as F

from conftest import small_model
from leapformer.conv_position import CausalConvPosition
from leapformer.streaming import encoder_state_names

DEMO = os.path.join(os.path.dirname(__file__), "..", "..", "models", "demo-small")


def test_shifted_products_equal_a_left_padded_depthwise_conv1d():
    torch.manual_seed(0)
    pos = CausalConvPosition(16, 5).double()
    h = torch.randn(2, 30, 16, dtype=torch.float64)
    conv = F.conv1d(F.pad(h.transpose(1, 2), (4, 0)), pos.conv.weight, pos.conv.bias, groups=16)
    assert (pos(h) - (h + F.silu(conv.transpose(1, 2)))).abs().max() < 1e-12


def test_a_frame_sees_only_its_past_and_its_last_k_frames():
    torch.manual_seed(1)
    pos = CausalConvPosition(8, 4).double()
    h = torch.randn(1, 20, 8, dtype=torch.float64)
    changed = h.clone()
    changed[:, 10] += 1.0
    diff = (pos(changed) - pos(h)).abs().sum(-1)[0]
    assert diff[:10].max() == 0  # nothing before the change moves
    assert (diff[10:14] > 0).all()  # frames 10..13 have frame 10 among their 4 taps
    assert diff[14:].max() == 0  # and none after them


@pytest.mark.parametrize("sizes", [[4] * 12, [28, 20], [8, 4, 12, 24]])
def test_an_encoder_with_positions_streams_like_it_runs_whole(sizes):
    model = small_model("leap", 2, encoder_pos_kernel=7)
    assert "cached_conv_pos" in encoder_state_names(model)
    x = torch.randn(2, sum(sizes), 80, dtype=torch.float64)
    ref, _ = model.encoder(x, torch.tensor([x.size(1)] * 2))
    states = model.encoder.init_state(2, torch.float64)
    assert states[2].shape == (2, 32, 6)
    outs, s = [], 0
    for c in sizes:
        o, states = model.encoder.streaming_forward(x[:, s: s + c], states)
        outs.append(o)
        s += c
    assert (torch.cat(outs, 1) - ref).abs().max() < 1e-10
    assert states[2].shape == (2, 32, 6)  # fixed size however long the stream


def test_positions_move_the_frames_and_are_off_by_default():
    plain = small_model("leap", 4)
    assert plain.encoder.position is None
    assert "cached_conv_pos" not in encoder_state_names(plain)
    with_pos = small_model("leap", 4, encoder_pos_kernel=5)
    x = torch.randn(1, 24, 80, dtype=torch.float64)
    a, _ = with_pos.encoder(x, torch.tensor([24]))
    with torch.no_grad():
        with_pos.encoder.position.conv.weight.zero_()
        with_pos.encoder.position.conv.bias.zero_()
    b, _ = with_pos.encoder(x, torch.tensor([24]))
    assert (a - b).abs().max() > 1e-3  # random taps move the frames
    h = torch.randn(1, 6, 32, dtype=torch.float64)
    assert (with_pos.encoder.position(h) - h).abs().max() == 0  # zero taps add SiLU(0) = 0


@pytest.mark.skipif(not os.path.exists(os.path.join(DEMO, "spm.model")),
                    reason="no committed demo-small bundle")
def test_a_bundle_with_positions_exports_its_state_and_round_trips(tmp_path):
    """export_onnx --encoder-pos-kernel (random weights, tiny sizes): encoder.onnx takes and
    returns cached_conv_pos (N, d, K-1), and bundle_check, which runs the ONNX files as the C#
    runtime does (states found by name), reproduces the golden files."""
    import export_onnx
    from bundle_check import check_bundle

    lang = tmp_path / "lang"
    lang.mkdir()
    for name in ("spm.model", "cmvn.json"):
        shutil.copyfile(os.path.join(DEMO, name), lang / name)
    bundle = tmp_path / "bundle"
    export_onnx.export_bundle(export_onnx.get_parser().parse_args([
        "--random-init", "--lang-dir", str(lang), "--model-name", "pos",
        "--golden-wavs", *(os.path.join(DEMO, "golden", f"utt{i}.wav") for i in range(3)),
        "--d-model", "32", "--num-heads", "2", "--encoder-layers", "2", "--decoder-layers", "1",
        "--ffn-dim", "64", "--pre-decision", "3", "--encoder-pos-kernel", "9",
        "--out-dir", str(bundle)]))

    graph = onnx.load(str(bundle / "encoder.onnx")).graph
    inputs = {i.name: i for i in graph.input}
    outputs = {o.name for o in graph.output}
    assert "cached_conv_pos" in inputs and "new_cached_conv_pos" in outputs
    dims = [d.dim_param or d.dim_value for d in inputs["cached_conv_pos"].type.tensor_type.shape.dim]
    assert dims == ["N", 32, 8]
    meta = {p.key: p.value for p in onnx.load(str(bundle / "encoder.onnx")).metadata_props}
    assert meta["encoder_pos_kernel"] == "9"
    assert check_bundle(str(bundle)) == 3
