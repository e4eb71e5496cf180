"""The ASR-pretraining stage: train.py --task asr trains the encoder and CTC head alone (the
decoder is never run, alone or under DDP), and --init-encoder starts a translation model from
that encoder, with a fresh decoder; a paper-size encoder with convolutional positions builds."""
import pytest
import torch

from conftest import small_model
from test_ddp import max_diff, run_ddp, run_one, tiny_params, weights


def _split(state):
    encoder = {k: v for k, v in state.items() if k.startswith(("encoder.", "ctc_head."))}
    decoder = {k: v for k, v in state.items() if k.startswith("decoder.")}
    return encoder, decoder


def test_asr_pretraining_moves_the_encoder_and_ctc_head_only(tiny_data, tmp_path):
    stats = run_one(tiny_params(tiny_data, tmp_path / "asr", task="asr", num_steps=3))
    start_enc, start_dec = _split(weights(tmp_path / "asr" / "checkpoint-1.pt"))
    end_enc, end_dec = _split(weights(tmp_path / "asr" / "checkpoint-3.pt"))
    assert max_diff(start_enc, end_enc) > 1e-3
    assert max_diff(start_dec, end_dec) == 0  # no gradient ever reached the decoder
    assert stats["ce"] == 0 and stats["ctc"] > 0 and stats["loss"] == pytest.approx(stats["ctc"])


def test_asr_pretraining_runs_under_ddp(tiny_data, tmp_path):
    # DDP must not wait for the decoder's gradients (find_unused_parameters)
    run_ddp(tiny_params(tiny_data, tmp_path / "ddp", task="asr", num_steps=2))
    assert (tmp_path / "ddp" / "checkpoint-2.pt").exists()


def test_init_encoder_copies_the_encoder_and_leaves_the_decoder_fresh(tiny_data, tmp_path):
    import train

    run_one(tiny_params(tiny_data, tmp_path / "asr", task="asr", num_steps=2))
    asr = weights(tmp_path / "asr" / "checkpoint-2.pt")
    run_one(tiny_params(tiny_data, tmp_path / "st", num_steps=1, save_every_n=1, lr=0.0, seed=7,
                        init_encoder=str(tmp_path / "asr" / "checkpoint-2.pt")))
    st = weights(tmp_path / "st" / "checkpoint-1.pt")  # lr 0: still the initial weights
    asr_enc, asr_dec = _split(asr)
    st_enc, st_dec = _split(st)
    assert max_diff(asr_enc, st_enc) == 0
    assert max_diff(asr_dec, st_dec) > 1e-3  # the decoder of this run's own draw (seed 7), not the ASR run's
    assert "encoder (" in (tmp_path / "st" / "log" / "train.log").read_text()

    other = small_model("leap", encoder_layers=3, dtype=torch.float32)  # another encoder
    torch.save({"model": other.state_dict()}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="encoder differs"):
        train.init_encoder(small_model("leap", dtype=torch.float32), str(tmp_path / "other.pt"))


def test_asr_with_a_teacher_is_refused(tiny_data, tmp_path):
    with pytest.raises(ValueError, match="no use with --task asr"):
        run_one(tiny_params(tiny_data, tmp_path / "t", task="asr", teacher=str(tmp_path / "x.pt")))


def test_the_paper_size_encoder_with_positions_builds_and_streams():
    """s2t_s-like: 12 encoder / 6 decoder layers, d 256, 4 heads, with convolutional positions."""
    model = small_model("leap", d_model=256, num_heads=4, encoder_layers=12, decoder_layers=6,
                        ffn_dim=1024, encoder_pos_kernel=15, dtype=torch.float32)
    assert len(model.encoder.layers) == 12 and len(model.decoder.layers) == 6
    assert 15e6 < sum(p.numel() for p in model.parameters()) < 17e6  # with this test's 40-piece vocabulary
    x = torch.randn(1, 56, 80)
    whole, _ = model.encoder(x, torch.tensor([56]))
    states = model.encoder.init_state(1)
    first, states = model.encoder.streaming_forward(x[:, :28], states)
    second, _ = model.encoder.streaming_forward(x[:, 28:], states)
    assert (torch.cat([first, second], 1) - whole).abs().max() < 1e-4
