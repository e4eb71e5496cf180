"""Causal Conv1d subsampling: 10 ms feature frames -> 40 ms encoder frames.

Conv1d(80, d, 3, stride 2) and Conv1d(d, d, 3, stride 2), each with 2 frames of
left padding only, so an output depends on no input after its last one.
Streaming caches hold the last 2 input frames of each conv, (N, C, 2) as in
docs/bundle.md; chunks must be a multiple of 4 feature frames so strides align.

The convolutions are computed as strided slices + one matmul (same weights as the
nn.Conv1d modules): this torch, with mkldnn disabled, runs Conv1d ~50x slower.
"""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

LEFT = 2  # kernel 3 - 1 frames of left context per conv


def strided_conv(conv: nn.Conv1d, h: torch.Tensor) -> torch.Tensor:
    """Kernel-3, stride-2 valid convolution of h (N, T, C) -> (N, (T - 3)//2 + 1, d)."""
    t_out = (h.size(1) - 3) // 2 + 1
    end = 2 * t_out - 1
    cols = torch.cat([h[:, j: j + end: 2] for j in range(3)], dim=-1)  # (N, T_out, 3C), tap-major
    w = conv.weight.permute(0, 2, 1).reshape(conv.out_channels, -1)  # (d, 3C)
    return F.linear(cols, w, conv.bias)


class CausalConvSubsampling(nn.Module):
    def __init__(self, feature_dim: int, d_model: int):
        super().__init__()
        self.feature_dim = feature_dim
        self.d_model = d_model
        self.conv1 = nn.Conv1d(feature_dim, d_model, 3, stride=2)
        self.conv2 = nn.Conv1d(d_model, d_model, 3, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, T, 80), T multiple of 4 -> (N, T/4, d)."""
        h = torch.relu(strided_conv(self.conv1, F.pad(x, (0, 0, LEFT, 0))))
        return torch.relu(strided_conv(self.conv2, F.pad(h, (0, 0, LEFT, 0))))

    def init_state(self, batch: int, dtype=torch.float32, device=None):
        return (
            torch.zeros(batch, self.feature_dim, LEFT, dtype=dtype, device=device),
            torch.zeros(batch, self.d_model, LEFT, dtype=dtype, device=device),
        )

    def streaming_forward(
        self, x: torch.Tensor, cache1: torch.Tensor, cache2: torch.Tensor
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """x: (N, T, 80) chunk; caches (N, 80, 2), (N, d, 2) = last 2 inputs of each conv."""
        h = torch.cat([cache1.transpose(1, 2), x], dim=1)
        new1 = h[:, -LEFT:].transpose(1, 2)
        h = torch.relu(strided_conv(self.conv1, h))
        h = torch.cat([cache2.transpose(1, 2), h], dim=1)
        new2 = h[:, -LEFT:].transpose(1, 2)
        return torch.relu(strided_conv(self.conv2, h)), new1, new2
