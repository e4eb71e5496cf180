"""Encoder streamed in chunks (conv caches + attention states) == parallel encoder."""
import pytest
import torch

from conftest import small_model

TOL = 1e-5


def stream(model, x, chunk_frames):
    states = model.encoder.init_state(x.size(0), torch.float64)
    outs, s = [], 0
    for c in chunk_frames:
        o, states = model.encoder.streaming_forward(x[:, s: s + c], states)
        outs.append(o)
        s += c
    return torch.cat(outs, 1)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("chunks", ["4", "8", "28", "mixed"])
def test_encoder_chunks(attention, seed, chunks):
    model = small_model(attention, seed)
    g = torch.Generator().manual_seed(seed)
    t = 4 * int(torch.randint(10, 30, (1,), generator=g))
    lens = torch.tensor([t, t - 12, 4 * (t // 8)])  # padded batch of different lengths
    x = torch.randn(3, t, 80, generator=g, dtype=torch.float64)
    for b in range(3):
        x[b, lens[b]:] = 0.0  # padding as collate writes it
    ref, ref_lens = model.encoder(x, lens)
    assert ref_lens.tolist() == (lens // 4).tolist()
    if chunks == "mixed":
        sizes, left = [], t
        while left:
            c = min(left, 4 * int(torch.randint(1, 8, (1,), generator=g)))
            sizes.append(c)
            left -= c
    else:
        c = int(chunks)
        sizes = [min(c, t - s) for s in range(0, t, c)]
    out = stream(model, x, sizes)
    assert out.shape == ref.shape
    assert (out - ref).abs().max() < TOL


def test_encoder_padding_does_not_change_frames(attention):
    """Causal: an utterance's frames are the same alone or padded in a batch."""
    model = small_model(attention, 3)
    x = torch.randn(2, 48, 80, dtype=torch.float64)
    x[1, 24:] = 0
    batch, _ = model.encoder(x, torch.tensor([48, 24]))
    alone, _ = model.encoder(x[1:, :24], torch.tensor([24]))
    assert (batch[1, :6] - alone[0]).abs().max() < 1e-10


def test_strided_conv_equals_conv1d():
    """The slice+matmul convolution is nn.Conv1d with the same weights."""
    from leapformer.subsampling import strided_conv

    torch.manual_seed(0)
    conv = torch.nn.Conv1d(80, 16, 3, stride=2).double()
    for t in (3, 4, 9, 30):
        x = torch.randn(2, t, 80, dtype=torch.float64)
        ref = conv(x.transpose(1, 2)).transpose(1, 2)
        assert (strided_conv(conv, x) - ref).abs().max() < 1e-10
