"""Scaled dot-product multi-head attention: the baseline, same interface as LeaP.

Its recurrent state is a key/value cache (N, H, T_cache, dk) that grows by one row
per position (the cost LeaP removes).
"""
import math
from typing import List, Tuple

import torch

from .attention_heads import MultiHeadProjections

NEG = -1e9  # masked score; exp() of it is 0 in float32 and float64


class SoftmaxAttention(MultiHeadProjections):
    kind = "softmax"
    state_suffixes = ("k", "v")

    def __init__(self, d_model: int, num_heads: int):
        super().__init__(d_model, num_heads)
        self.scale = 1.0 / math.sqrt(self.head_dim)

    def _kv(self, memory: torch.Tensor):
        return self._heads(self.k_proj(memory)), self._heads(self.v_proj(memory))

    def _attend(self, q, k, v, visible=None) -> torch.Tensor:
        scores = torch.matmul(q, k.transpose(-1, -2)) * self.scale
        if visible is not None:
            scores = scores.masked_fill(~visible, NEG)
        return torch.matmul(torch.softmax(scores, dim=-1), v)

    def forward(
        self, query: torch.Tensor, memory: torch.Tensor, visible: torch.Tensor
    ) -> torch.Tensor:
        """Parallel form. visible: bool (N or 1, Tq, Tk), True = key may be seen."""
        q = self._heads(self.q_proj(query))
        k, v = self._kv(memory)
        return self._merge(self._attend(q, k, v, visible.unsqueeze(1)))

    # ---- recurrent forms (growing caches) ----
    def state_shapes(self, batch: int) -> List[Tuple[int, ...]]:
        h, dk = self.num_heads, self.head_dim
        return [(batch, h, 0, dk), (batch, h, 0, dk)]

    def init_state(self, batch: int, dtype=torch.float32, device=None):
        return tuple(torch.zeros(s, dtype=dtype, device=device) for s in self.state_shapes(batch))

    def extend(self, memory: torch.Tensor, state):
        k, v = self._kv(memory)
        return torch.cat([state[0], k], dim=2), torch.cat([state[1], v], dim=2)

    def attend(self, query: torch.Tensor, state) -> torch.Tensor:
        q = self._heads(self.q_proj(query))
        return self._merge(self._attend(q, state[0], state[1]))

    def causal_chunk(self, x: torch.Tensor, state):
        q = self._heads(self.q_proj(x))
        k, v = self.extend(x, state)
        t, total = x.size(1), k.size(2)
        # query i of the chunk is absolute position total - t + i
        qi = torch.arange(t, device=x.device).unsqueeze(1) + (total - t)
        kj = torch.arange(total, device=x.device).unsqueeze(0)
        out = self._attend(q, k, v, kj <= qi)
        return self._merge(out), (k, v)
