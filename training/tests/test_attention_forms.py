"""Each attention module: parallel masked form == recurrent forms (leap, both feature maps, and softmax)."""
import pytest
import torch

from conftest import ATTENTIONS, split_kind
from leapformer.leap_attention import LeapAttention
from leapformer.masks import causal_mask, g_of, wait_k_visible
from leapformer.softmax_attention import SoftmaxAttention

CLASSES = {"leap": LeapAttention, "softmax": SoftmaxAttention}
TOL = 1e-5


def make(kind, seed=0, d=32, h=4):
    torch.manual_seed(seed)
    attention, extra = split_kind(kind)
    feature = {"feature": extra["leap_feature"]} if extra else {}
    return CLASSES[attention](d, h, **feature).double().eval()


@pytest.mark.parametrize("kind", ATTENTIONS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_self_attention_step_by_step(kind, seed):
    attn = make(kind, seed)
    g = torch.Generator().manual_seed(seed)
    n, t = 3, int(torch.randint(5, 20, (1,), generator=g))
    x = torch.randn(n, t, 32, generator=g, dtype=torch.float64)
    ref = attn(x, x, causal_mask(t))
    state = attn.init_state(n, torch.float64)
    outs = []
    for i in range(t):
        o, state = attn.causal_chunk(x[:, i: i + 1], state)
        outs.append(o)
    assert (torch.cat(outs, 1) - ref).abs().max() < TOL


@pytest.mark.parametrize("kind", ATTENTIONS)
@pytest.mark.parametrize("chunks", [[3, 5, 1, 7], [16], [2] * 8])
def test_self_attention_chunks(kind, chunks):
    attn = make(kind, 3)
    t = sum(chunks)
    x = torch.randn(2, t, 32, dtype=torch.float64)
    ref = attn(x, x, causal_mask(t))
    state, outs, s = attn.init_state(2, torch.float64), [], 0
    for c in chunks:
        o, state = attn.causal_chunk(x[:, s: s + c], state)
        outs.append(o)
        s += c
    assert (torch.cat(outs, 1) - ref).abs().max() < TOL


@pytest.mark.parametrize("kind", ATTENTIONS)
@pytest.mark.parametrize("k", [1, 2, 4, None])
def test_cross_attention_wait_k(kind, k):
    """Query i against a state holding exactly the first g(i) frames of its row."""
    attn = make(kind, 4)
    P = 3
    lens = torch.tensor([17, 9, 4])
    n, s_max, u = 3, 17, 8
    mem = torch.randn(n, s_max, 32, dtype=torch.float64)
    q = torch.randn(n, u, 32, dtype=torch.float64)
    ref = attn(q, mem, wait_k_visible(lens, u, s_max, k, P))
    for b in range(n):
        state, read = attn.init_state(1, torch.float64), 0
        for i in range(u):
            g = g_of(i, int(lens[b]), k, P)
            state = attn.extend(mem[b: b + 1, read:g], state)  # frames may come in any split
            read = g
            out = attn.attend(q[b: b + 1, i: i + 1], state)
            assert (out[0, 0] - ref[b, i]).abs().max() < TOL


def test_leap_cross_state_split_invariant():
    """cross.onnx contract: feeding frames in any split gives the same state."""
    attn = make("leap", 5)
    mem = torch.randn(2, 12, 32, dtype=torch.float64)
    whole = attn.extend(mem, attn.init_state(2, torch.float64))
    parts = attn.init_state(2, torch.float64)
    for a, b in [(0, 5), (5, 6), (6, 12)]:
        parts = attn.extend(mem[:, a:b], parts)
    for w, p in zip(whole, parts):
        assert (w - p).abs().max() < 1e-10


def test_leap_float32_tolerance():
    """The same equality in float32 (what the runtime uses) within 1e-5."""
    torch.manual_seed(0)
    attn = LeapAttention(32, 4).eval()
    x = torch.randn(2, 30, 32)
    ref = attn(x, x, causal_mask(30))
    state, outs = attn.init_state(2), []
    for s in range(0, 30, 6):
        o, state = attn.causal_chunk(x[:, s: s + 6], state)
        outs.append(o)
    assert (torch.cat(outs, 1) - ref).abs().max() < 1e-5
