"""Causal convolutional positions for the encoder: relative position that stays recurrent.

The encoder's layers see no position of their own (LeaP's proportions re-weight attention by
learned proportions, not by where a frame is). As wav2vec 2.0 does with its convolutional
positions, but with left padding only so the encoder stays causal:

    h + SiLU(depthwise Conv1d_K(h))    over encoder frames (40 ms), K taps into the past.

Streaming keeps the last K - 1 input frames, (N, d, K - 1), named cached_conv_pos in
docs/bundle.md: a fixed-size state however long the stream runs, so the encoder stays
recurrent. The depthwise convolution is written as K shifted products (same weights as the
nn.Conv1d module): this torch, with mkldnn disabled, runs Conv1d far slower, and the export
then needs only Slice, Mul and Add.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class CausalConvPosition(nn.Module):
    def __init__(self, d_model: int, kernel: int):
        super().__init__()
        if kernel < 2:
            raise ValueError(f"a convolutional position needs 2 or more taps, not {kernel}")
        self.d_model = d_model
        self.kernel = kernel
        self.conv = nn.Conv1d(d_model, d_model, kernel, groups=d_model)

    def _valid(self, h: torch.Tensor) -> torch.Tensor:
        """Valid depthwise convolution of h (N, T + K - 1, d) -> (N, T, d)."""
        t = h.size(1) - self.kernel + 1
        w = self.conv.weight[:, 0]  # (d, K)
        y = h[:, 0:t] * w[:, 0]
        for j in range(1, self.kernel):
            y = y + h[:, j: j + t] * w[:, j]
        return y + self.conv.bias

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        """h: (N, T, d) encoder frames -> (N, T, d); frame t sees frames t-K+1..t."""
        return h + F.silu(self._valid(F.pad(h, (0, 0, self.kernel - 1, 0))))

    def init_state(self, batch: int, dtype=torch.float32, device=None) -> torch.Tensor:
        return torch.zeros(batch, self.d_model, self.kernel - 1, dtype=dtype, device=device)

    def streaming_forward(self, h: torch.Tensor, cache: torch.Tensor):
        """h: (N, T, d) chunk; cache (N, d, K-1) = the last K-1 frames before it."""
        full = torch.cat([cache.transpose(1, 2), h], dim=1)
        new_cache = full[:, -(self.kernel - 1):].transpose(1, 2)
        return h + F.silu(self._valid(full)), new_cache
