"""Attention masks (True = visible) and the wait-k schedule g(i)."""
from typing import Optional

import torch


def causal_mask(t: int, device=None) -> torch.Tensor:
    """(1, T, T): position i sees j <= i."""
    idx = torch.arange(t, device=device)
    return (idx.unsqueeze(1) >= idx.unsqueeze(0)).unsqueeze(0)


def wait_k_visible(
    src_lens: torch.Tensor,
    tgt_len: int,
    src_len: int,
    k: Optional[int],
    pre_decision: int,
) -> torch.Tensor:
    """(N, tgt_len, src_len): target i sees encoder frame j < g(i).

    g(i) = min(|X|, (k + i) * P); k None = offline (g(i) = |X|).
    Padded frames (j >= |X|) are never visible.
    """
    i = torch.arange(tgt_len, device=src_lens.device)
    x = src_lens.view(-1, 1)
    if k is None:
        g = x.expand(-1, tgt_len)
    else:
        g = torch.minimum(x, (k + i).unsqueeze(0) * pre_decision)
    j = torch.arange(src_len, device=src_lens.device)
    return j.view(1, 1, -1) < g.unsqueeze(-1)


def g_of(i: int, src_len: int, k: Optional[int], pre_decision: int) -> int:
    return src_len if k is None else min(src_len, (k + i) * pre_decision)
