"""LeaP multi-head attention (learned proportions, linear in sequence length).

sim(q_i, k_j) = relu(q_i) . relu(k_j) * cos(pi/2 * (p_i - p_j))
             = phi(q_i) . phi(k_j),  phi(x) = [x' sin a, x' cos a],  a = pi/2 * p(x')
where x' = relu(x) per head (dk dims) and p(x') = sigmoid(W2 relu(W1 x')) is a
learned proportion in (0, 1), one module for queries, one for keys, shared by heads.

feature="hedgehog" replaces relu by a learned, spikier feature map (Zhang et al. 2024,
"The Hedgehog & the Porcupine"): x' = [softmax(x W_h + b_h), softmax(-(x W_h + b_h))], one
(dk, dk) map per head shared by queries and keys, W_h initialised to the identity; the
proportions then read x itself. phi doubles to 4dk; the state stays fixed-size.

feature="taylor" uses the second-order Taylor expansion of exp(q.k/sqrt(dk)) (Arora et al.
2024, "Based"): x' = [1, x/dk^(1/4), x_i x_j c_ij/(sqrt(2) sqrt(dk)) for i <= j] with c_ii = 1,
c_ij = sqrt(2), so x'(q).x'(k) = 1 + s + s^2/2 >= 1/2, s = q.k/sqrt(dk): started from a softmax
model's weights it approximates that model's attention. The proportions read x itself.
x' has 1 + dk + dk(dk+1)/2 dims (561 for dk = 32): a larger, still fixed-size state. The
parallel form never builds x': it computes (1 + s + s^2/2) cos(a_i - a_j) directly.

Three forms of the same function (tests prove they agree to ~1e-5):
  forward()        parallel, masked (training);
  causal_chunk()   self-attention over a chunk of T positions given the state of
                   all earlier positions (encoder streaming; decoder step with T=1);
  extend()/attend() cross-attention: the state accumulates read frames, queries
                   read it.
State per head: s = sum_j phi(k_j)^T v_j  (F, dk) and z = sum_j phi(k_j)  (F), F = 2dk
(relu), 4dk (hedgehog) or 2(1 + dk + dk(dk+1)/2) (taylor).
"""
import math
from typing import List, Tuple

import torch
import torch.nn as nn

from .attention_heads import MultiHeadProjections

# Denominator floor: rows whose total similarity is tiny (nothing read yet)
# give ~0 instead of dividing by ~0.
DEN_MIN = 0.1

FEATURES = ("relu", "hedgehog", "taylor")


class Proportion(nn.Module):
    """p = sigmoid(W2 relu(W1 x')), hidden size dk/4, one value per head and token."""

    def __init__(self, head_dim: int):
        super().__init__()
        hidden = max(head_dim // 4, 1)
        self.w1 = nn.Linear(head_dim, hidden)
        self.w2 = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.w2(torch.relu(self.w1(x))))


class LeapAttention(MultiHeadProjections):
    kind = "leap"
    state_suffixes = ("s", "z")

    def __init__(self, d_model: int, num_heads: int, feature: str = "relu"):
        super().__init__(d_model, num_heads)
        if feature not in FEATURES:
            raise ValueError(f"LeaP feature map '{feature}': expected one of {FEATURES}")
        self.feature = feature
        self.q_prop = Proportion(self.head_dim)
        self.k_prop = Proportion(self.head_dim)
        dk = self.head_dim
        self.feature_dim = 2 * {"relu": dk, "hedgehog": 2 * dk,
                                "taylor": 1 + dk + dk * (dk + 1) // 2}[feature]
        if feature == "taylor":
            i, j = torch.triu_indices(dk, dk)
            coef = torch.where(i == j, 1.0, math.sqrt(2.0)) / math.sqrt(2.0 * dk)
            self.register_buffer("tay_i", i, persistent=False)
            self.register_buffer("tay_j", j, persistent=False)
            self.register_buffer("tay_coef", coef, persistent=False)
        if feature == "hedgehog":
            eye = torch.eye(self.head_dim).expand(num_heads, -1, -1)
            self.hh_weight = nn.Parameter(eye.clone())  # (H, dk, dk)
            self.hh_bias = nn.Parameter(torch.zeros(num_heads, 1, self.head_dim))

    def _phi(self, x: torch.Tensor, prop: Proportion) -> torch.Tensor:
        """x: one projection split in heads (N, H, T, dk) -> phi(x) (N, H, T, feature_dim)."""
        if self.feature == "relu":
            x = torch.relu(x)
        a = (math.pi / 2) * prop(x)  # radians, (N, H, T, 1); hedgehog: from x itself
        if self.feature == "hedgehog":
            y = torch.matmul(x, self.hh_weight) + self.hh_bias
            x = torch.cat([torch.softmax(y, dim=-1), torch.softmax(-y, dim=-1)], dim=-1)
        elif self.feature == "taylor":
            x = self._taylor(x)
        return torch.cat([x * torch.sin(a), x * torch.cos(a)], dim=-1)

    def _taylor(self, x: torch.Tensor) -> torch.Tensor:
        dk = self.head_dim
        second = x.index_select(-1, self.tay_i) * x.index_select(-1, self.tay_j) * self.tay_coef
        one = x[..., :1] * 0.0 + 1.0  # not ones_like: no ConstantOfShape in the graph
        return torch.cat([one, x * dk ** -0.25, second], dim=-1)

    def _taylor_scores(self, query: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        """Parallel form of phi_q(query) . phi_k(memory) for the taylor feature, without phi:
        (1 + s + s^2/2) * cos(a_q - a_k), (N, H, Tq, Tk)."""
        q = self._heads(self.q_proj(query))
        k = self._heads(self.k_proj(memory))
        s = torch.matmul(q, k.transpose(-1, -2)) * self.head_dim ** -0.5
        aq = (math.pi / 2) * self.q_prop(q)  # (N, H, Tq, 1)
        ak = (math.pi / 2) * self.k_prop(k)
        return (1.0 + s + 0.5 * s * s) * torch.cos(aq - ak.transpose(-1, -2))

    def phi_q(self, query: torch.Tensor) -> torch.Tensor:
        return self._phi(self._heads(self.q_proj(query)), self.q_prop)

    def phi_kv(self, memory: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        fk = self._phi(self._heads(self.k_proj(memory)), self.k_prop)
        return fk, self._heads(self.v_proj(memory))

    def forward(
        self, query: torch.Tensor, memory: torch.Tensor, visible: torch.Tensor
    ) -> torch.Tensor:
        """Parallel form. visible: bool (N or 1, Tq, Tk), True = key may be seen."""
        if self.feature == "taylor":
            a = self._taylor_scores(query, memory)
            v = self._heads(self.v_proj(memory))
        else:
            fq = self.phi_q(query)
            fk, v = self.phi_kv(memory)
            a = torch.matmul(fq, fk.transpose(-1, -2))  # (N, H, Tq, Tk), >= 0
        a = a.masked_fill(~visible.unsqueeze(1), 0.0)
        out = torch.matmul(a, v) / a.sum(-1, keepdim=True).clamp(min=DEN_MIN)
        return self._merge(out)

    # ---- recurrent forms ----
    def state_shapes(self, batch: int) -> List[Tuple[int, ...]]:
        h, dk, f = self.num_heads, self.head_dim, self.feature_dim
        return [(batch, h, f, dk), (batch, h, f)]

    def init_state(self, batch: int, dtype=torch.float32, device=None):
        return tuple(torch.zeros(s, dtype=dtype, device=device) for s in self.state_shapes(batch))

    @staticmethod
    def _add(state, fk: torch.Tensor, v: torch.Tensor):
        s, z = state
        return s + torch.matmul(fk.transpose(-1, -2), v), z + fk.sum(dim=2)

    def extend(self, memory: torch.Tensor, state):
        """Adds every position of memory (N, F, d) to the state."""
        fk, v = self.phi_kv(memory)
        return self._add(state, fk, v)

    def attend(self, query: torch.Tensor, state) -> torch.Tensor:
        """Queries (N, T, d) read the whole state (cross-attention step)."""
        s, z = state
        fq = self.phi_q(query)
        num = torch.matmul(fq, s)
        den = torch.matmul(fq, z.unsqueeze(-1))
        return self._merge(num / den.clamp(min=DEN_MIN))

    def causal_chunk(self, x: torch.Tensor, state):
        """Causal self-attention of a chunk x (N, T, d) after the positions in state."""
        s, z = state
        fq = self.phi_q(x)
        fk, v = self.phi_kv(x)
        t = x.size(1)
        idx = torch.arange(t, device=x.device)
        causal = idx.unsqueeze(1) >= idx.unsqueeze(0)  # (T, T)
        a = torch.matmul(fq, fk.transpose(-1, -2)).masked_fill(~causal, 0.0)
        num = torch.matmul(a, v) + torch.matmul(fq, s)
        den = a.sum(-1, keepdim=True) + torch.matmul(fq, z.unsqueeze(-1))
        out = self._merge(num / den.clamp(min=DEN_MIN))
        return out, self._add(state, fk, v)
