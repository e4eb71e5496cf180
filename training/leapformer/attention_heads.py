"""Projections shared by both attention kinds: q, k, v, out and the head split/merge.

LeaP and softmax attention differ only in how queries meet keys; keeping the
projections in one base class keeps their parameter names (q_proj, k_proj, v_proj,
out_proj) identical, so checkpoints and exports of both kinds line up.
"""
import torch
import torch.nn as nn


class MultiHeadProjections(nn.Module):
    def __init__(self, d_model: int, num_heads: int):
        super().__init__()
        assert d_model % num_heads == 0
        self.d_model = d_model
        self.num_heads = num_heads
        self.head_dim = d_model // num_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    # (N, T, d) -> (N, H, T, dk)
    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        n, t = x.size(0), x.size(1)
        return x.reshape(n, t, self.num_heads, self.head_dim).transpose(1, 2)

    # (N, H, T, dk) -> out_proj((N, T, d))
    def _merge(self, x: torch.Tensor) -> torch.Tensor:
        n, t = x.size(0), x.size(2)
        return self.out_proj(x.transpose(1, 2).reshape(n, t, self.d_model))
