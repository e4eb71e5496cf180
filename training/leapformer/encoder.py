"""Causal encoder: subsampling + pre-norm attention/FFN layers + final LayerNorm."""
from typing import List, Tuple

import torch
import torch.nn as nn

from .conv_position import CausalConvPosition
from .masks import causal_mask
from .subsampling import CausalConvSubsampling


class FeedForward(nn.Module):
    def __init__(self, d_model: int, ffn_dim: int, dropout: float):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(d_model, ffn_dim),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(ffn_dim, d_model),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class EncoderLayer(nn.Module):
    def __init__(self, make_attention, d_model: int, ffn_dim: int, dropout: float):
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model)
        self.attn = make_attention()
        self.norm2 = nn.LayerNorm(d_model)
        self.ffn = FeedForward(d_model, ffn_dim, dropout)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, visible: torch.Tensor) -> torch.Tensor:
        h = self.norm1(x)
        x = x + self.dropout(self.attn(h, h, visible))
        return x + self.dropout(self.ffn(self.norm2(x)))

    def chunk(self, x: torch.Tensor, state):
        h, state = self.attn.causal_chunk(self.norm1(x), state)
        x = x + h
        return x + self.ffn(self.norm2(x)), state


class Encoder(nn.Module):
    def __init__(self, make_attention, feature_dim, d_model, num_layers, ffn_dim, dropout,
                 pos_kernel: int = 0):
        """pos_kernel: taps of the causal convolutional positions after subsampling (0: none)."""
        super().__init__()
        self.subsampling = CausalConvSubsampling(feature_dim, d_model)
        self.position = CausalConvPosition(d_model, pos_kernel) if pos_kernel else None
        self.layers = nn.ModuleList(
            EncoderLayer(make_attention, d_model, ffn_dim, dropout) for _ in range(num_layers)
        )
        self.norm = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, x_lens: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """x: (N, T, 80) CMVN features, T multiple of 4; x_lens: feature frames.

        Returns frames (N, T/4, d) and their lengths x_lens // 4. Causal, so
        padding after an utterance never changes its frames.
        """
        h = self.subsampling(x)
        if self.position is not None:
            h = self.position(h)
        h = self.dropout(h)
        visible = causal_mask(h.size(1), h.device)
        for layer in self.layers:
            h = layer(h, visible)
        return self.norm(h), x_lens // 4

    def init_state(self, batch: int, dtype=torch.float32, device=None) -> List[torch.Tensor]:
        states = list(self.subsampling.init_state(batch, dtype, device))
        if self.position is not None:
            states.append(self.position.init_state(batch, dtype, device))
        for layer in self.layers:
            states.extend(layer.attn.init_state(batch, dtype, device))
        return states

    def streaming_forward(self, x: torch.Tensor, states: List[torch.Tensor]):
        """One chunk of T feature frames (multiple of 4) -> (frames, new_states)."""
        h, c1, c2 = self.subsampling.streaming_forward(x, states[0], states[1])
        new_states = [c1, c2]
        first = 2
        if self.position is not None:
            h, cp = self.position.streaming_forward(h, states[2])
            new_states.append(cp)
            first = 3
        for i, layer in enumerate(self.layers):
            h, st = layer.chunk(h, tuple(states[first + 2 * i: first + 2 + 2 * i]))
            new_states.extend(st)
        return self.norm(h), new_states
