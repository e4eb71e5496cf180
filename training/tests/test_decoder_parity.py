"""Whole decoder: step-by-step with growing cross state == parallel wait-k form."""
import pytest
import torch

from conftest import small_model
from leapformer.masks import g_of

TOL = 1e-5
P = 3  # pre-decision frames (small so several units fit)


def random_batch(seed, vocab=40):
    g = torch.Generator().manual_seed(seed)
    n = 3
    src = torch.randint(4, 25, (n,), generator=g)
    src[0] = 24
    tgt = torch.randint(2, 12, (n,), generator=g)
    mem = torch.randn(n, int(src.max()), 32, generator=g, dtype=torch.float64)
    u = int(tgt.max())
    prev = torch.zeros(n, u, dtype=torch.long)  # pad 0 after each row's length
    for b in range(n):
        prev[b, : tgt[b]] = torch.randint(4, vocab, (int(tgt[b]),), generator=g)
        prev[b, 0] = 2  # bos
    return mem, src, prev, tgt


@pytest.mark.parametrize("k", [1, 2, 3, 5, None])
@pytest.mark.parametrize("seed", [0, 1])
def test_decoder_steps_per_row(attention, k, seed):
    model = small_model(attention, seed)
    mem, src, prev, tgt = random_batch(seed)
    ref = model.decoder(prev, mem, src, k, P)  # (N, U, V)
    for b in range(prev.size(0)):
        dec = model.decoder
        self_st = dec.init_self_state(1, torch.float64)
        cross_st = dec.init_cross_state(1, torch.float64)
        read = 0
        for i in range(int(tgt[b])):
            g = g_of(i, int(src[b]), k, P)
            if g > read:
                cross_st = dec.extend_cross(mem[b: b + 1, read:g], cross_st)
                read = g
            logits, self_st = dec.step(prev[b, i: i + 1], torch.tensor([i]), self_st, cross_st)
            assert (logits[0] - ref[b, i]).abs().max() < TOL, (b, i)


@pytest.mark.parametrize("k", [1, 4, None])
def test_leap_decoder_batched_steps(k):
    """LeaP states have fixed shapes, so rows with different g(i) step as one batch."""
    model = small_model("leap", 7)
    mem, src, prev, tgt = random_batch(7)
    ref = model.decoder(prev, mem, src, k, P)
    dec = model.decoder
    n = prev.size(0)
    self_st = dec.init_self_state(n, torch.float64)
    for i in range(prev.size(1)):
        rows = []
        for b in range(n):  # cross state of row b after its first g(i) frames
            g = g_of(i, int(src[b]), k, P)
            rows.append(dec.extend_cross(mem[b: b + 1, :g], dec.init_cross_state(1, torch.float64)))
        cross_st = [torch.cat([r[j] for r in rows], 0) for j in range(len(rows[0]))]
        logits, self_st = dec.step(prev[:, i], torch.full((n,), i), self_st, cross_st)
        for b in range(n):
            if i < tgt[b]:
                assert (logits[b] - ref[b, i]).abs().max() < TOL
