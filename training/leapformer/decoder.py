"""Decoder: causal self-attention, wait-k cross-attention, FFN; tied output projection.

Input at target index i is the previous token (bos for i = 0) embedded * sqrt(d)
plus the sinusoidal encoding of i, so a step only needs (token, i) and states.
"""
import math
from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from .encoder import FeedForward
from .masks import causal_mask, wait_k_visible


def sinusoidal(pos: torch.Tensor, dim: int) -> torch.Tensor:
    """pos: int (...) -> (..., dim) = [sin(pos * f), cos(pos * f)], f_m = 10000^(-m/half)."""
    half = dim // 2
    m = torch.arange(half, device=pos.device, dtype=torch.float32)
    freq = torch.exp(m * (-math.log(10000.0) / half))
    ang = pos.to(torch.float32).unsqueeze(-1) * freq
    return torch.cat([torch.sin(ang), torch.cos(ang)], dim=-1)


class DecoderLayer(nn.Module):
    def __init__(self, make_attention, d_model: int, ffn_dim: int, dropout: float,
                 make_cross_attention=None):
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model)
        self.self_attn = make_attention()
        self.norm2 = nn.LayerNorm(d_model)
        self.cross_attn = (make_cross_attention or make_attention)()
        self.norm3 = nn.LayerNorm(d_model)
        self.ffn = FeedForward(d_model, ffn_dim, dropout)
        self.dropout = nn.Dropout(dropout)

    def forward(self, y, memory, self_visible, cross_visible):
        h = self.norm1(y)
        y = y + self.dropout(self.self_attn(h, h, self_visible))
        y = y + self.dropout(self.cross_attn(self.norm2(y), memory, cross_visible))
        return y + self.dropout(self.ffn(self.norm3(y)))

    def step(self, y, self_state, cross_state):
        h, self_state = self.self_attn.causal_chunk(self.norm1(y), self_state)
        y = y + h
        y = y + self.cross_attn.attend(self.norm2(y), cross_state)
        return y + self.ffn(self.norm3(y)), self_state


class Decoder(nn.Module):
    def __init__(self, make_attention, vocab_size, d_model, num_layers, ffn_dim, dropout,
                 make_cross_attention=None):
        super().__init__()
        self.d_model = d_model
        self.embed = nn.Embedding(vocab_size, d_model)
        nn.init.normal_(self.embed.weight, mean=0.0, std=d_model ** -0.5)
        self.layers = nn.ModuleList(
            DecoderLayer(make_attention, d_model, ffn_dim, dropout, make_cross_attention)
            for _ in range(num_layers)
        )
        self.norm = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)

    def _input(self, tokens: torch.Tensor, pos: torch.Tensor) -> torch.Tensor:
        x = self.embed(tokens) * math.sqrt(self.d_model)
        return x + sinusoidal(pos, self.d_model).to(x.dtype)

    def _logits(self, h: torch.Tensor) -> torch.Tensor:
        return F.linear(self.norm(h), self.embed.weight)

    def forward(
        self,
        prev_tokens: torch.Tensor,
        memory: torch.Tensor,
        memory_lens: torch.Tensor,
        k: Optional[int],
        pre_decision: int,
    ) -> torch.Tensor:
        """Parallel form. prev_tokens (N, U) = bos + targets; k None = offline.

        Returns logits (N, U, vocab).
        """
        u = prev_tokens.size(1)
        pos = torch.arange(u, device=prev_tokens.device).unsqueeze(0)
        y = self.dropout(self._input(prev_tokens, pos))
        self_visible = causal_mask(u, y.device)
        cross_visible = wait_k_visible(memory_lens, u, memory.size(1), k, pre_decision)
        for layer in self.layers:
            y = layer(y, memory, self_visible, cross_visible)
        return self._logits(y)

    # ---- step form ----
    def init_self_state(self, batch: int, dtype=torch.float32, device=None) -> List[torch.Tensor]:
        states = []
        for layer in self.layers:
            states.extend(layer.self_attn.init_state(batch, dtype, device))
        return states

    def init_cross_state(self, batch: int, dtype=torch.float32, device=None) -> List[torch.Tensor]:
        states = []
        for layer in self.layers:
            states.extend(layer.cross_attn.init_state(batch, dtype, device))
        return states

    def extend_cross(self, frames: torch.Tensor, cross_states: List[torch.Tensor]):
        """Adds newly read encoder frames (N, F, d) to every layer's cross state."""
        new = []
        for i, layer in enumerate(self.layers):
            new.extend(layer.cross_attn.extend(frames, tuple(cross_states[2 * i: 2 * i + 2])))
        return new

    def step(self, token, pos, self_states, cross_states):
        """token, pos: int64 (N) -> logits (N, vocab), new self states."""
        y = self._input(token, pos).unsqueeze(1)
        new = []
        for i, layer in enumerate(self.layers):
            y, st = layer.step(
                y, tuple(self_states[2 * i: 2 * i + 2]), tuple(cross_states[2 * i: 2 * i + 2])
            )
            new.extend(st)
        return self._logits(y)[:, 0], new  # select, not squeeze: no If node in ONNX
