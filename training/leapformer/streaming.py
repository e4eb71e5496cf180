"""Export wrappers (the exact modules written to ONNX) and the reference
simultaneous decoder of docs/bundle.md that the C# runtime must equal.

EncoderStep:  x (N, T, 80), cached_conv1, cached_conv2, enc_* -> frames, new_*
CrossUpdate:  frames (N, F, d), cross_*                    -> new_cross_*
DecoderStep:  token (N), pos (N), dec_*, cross_*           -> logits, new_dec_*
"""
import math
from typing import Dict, List, Optional

import torch
import torch.nn as nn

from .fbank import SUBSAMPLING
from .model import S2TModel


def _attn_names(prefix: str, attn_layers) -> List[str]:
    return [f"{prefix}_{suf}_{i}" for i, a in enumerate(attn_layers) for suf in a.state_suffixes]


def encoder_state_names(model: S2TModel) -> List[str]:
    attn = [layer.attn for layer in model.encoder.layers]
    position = ["cached_conv_pos"] if model.encoder.position is not None else []
    return ["cached_conv1", "cached_conv2"] + position + _attn_names("enc", attn)


def cross_state_names(model: S2TModel) -> List[str]:
    return _attn_names("cross", [layer.cross_attn for layer in model.decoder.layers])


def decoder_state_names(model: S2TModel) -> List[str]:
    return _attn_names("dec", [layer.self_attn for layer in model.decoder.layers])


class EncoderStep(nn.Module):
    def __init__(self, model: S2TModel):
        super().__init__()
        self.encoder = model.encoder

    def forward(self, x: torch.Tensor, *states: torch.Tensor):
        frames, new_states = self.encoder.streaming_forward(x, list(states))
        return (frames, *new_states)


class CrossUpdate(nn.Module):
    def __init__(self, model: S2TModel):
        super().__init__()
        self.decoder = model.decoder

    def forward(self, frames: torch.Tensor, *cross_states: torch.Tensor):
        return tuple(self.decoder.extend_cross(frames, list(cross_states)))


class DecoderStep(nn.Module):
    def __init__(self, model: S2TModel):
        super().__init__()
        self.decoder = model.decoder
        self.num_self = len(decoder_state_names(model))

    def forward(self, token: torch.Tensor, pos: torch.Tensor, *states: torch.Tensor):
        self_states = list(states[: self.num_self])
        cross_states = list(states[self.num_self:])
        logits, new = self.decoder.step(token, pos, self_states, cross_states)
        return (logits, *new)


class StepModules:
    """The three export wrappers plus their initial (all-zero) states."""

    def __init__(self, model: S2TModel):
        self.model = model
        self.encoder = EncoderStep(model).eval()
        self.cross = CrossUpdate(model).eval()
        self.decoder = DecoderStep(model).eval()
        self.dtype = next(model.parameters()).dtype
        self.device = next(model.parameters()).device  # states and token tensors are made here

    def init_encoder(self, batch: int = 1) -> List[torch.Tensor]:
        return self.model.encoder.init_state(batch, self.dtype, self.device)

    def init_cross(self, batch: int = 1) -> List[torch.Tensor]:
        return self.model.decoder.init_cross_state(batch, self.dtype, self.device)

    def init_decoder(self, batch: int = 1) -> List[torch.Tensor]:
        return self.model.decoder.init_self_state(batch, self.dtype, self.device)

    def ids(self, values) -> torch.Tensor:
        """int64 token ids or positions on the model's device."""
        return torch.tensor(values, dtype=torch.int64, device=self.device)


def feature_chunks(feats: torch.Tensor, pre_decision: int) -> List[torch.Tensor]:
    """Splits CMVN features (L, 80) into the runtime's units of 4P frames.

    Only 4 * (L // 4) frames are used; the last chunk holds the remaining whole
    groups of 4.
    """
    used = SUBSAMPLING * (feats.size(0) // SUBSAMPLING)
    unit = SUBSAMPLING * pre_decision
    return [feats[s: min(s + unit, used)] for s in range(0, used, unit)]


@torch.no_grad()
def stream_encoder(steps: StepModules, feats: torch.Tensor, pre_decision: int) -> List[torch.Tensor]:
    """Encoder frames (count, d) per unit, computed by EncoderStep in 4P-frame chunks."""
    states = steps.init_encoder(1)
    out = []
    feats = feats.to(steps.device)
    for chunk in feature_chunks(feats, pre_decision):
        res = steps.encoder(chunk.unsqueeze(0), *states)
        out.append(res[0][0])
        states = list(res[1:])
    return out


def token_limit(frames_read: int, max_tokens_base: float = 10,
                max_tokens_per_frame: float = 0.5) -> float:
    """Most tokens a decode may emit once frames_read encoder frames are read (docs/bundle.md)."""
    return max_tokens_base + math.floor(max_tokens_per_frame * frames_read)


@torch.no_grad()
def simul_decode(
    steps: StepModules,
    feats: torch.Tensor,
    num_samples: int,
    k: Optional[int],
    pre_decision: int,
    bos_id: int,
    eos_id: int,
    max_tokens_base: float = 10,
    max_tokens_per_frame: float = 0.5,
    frame_ms: int = 40,
    sample_rate: int = 16000,
) -> Dict[str, list]:
    """Wait-k decoding with fixed pre-decision, exactly as docs/bundle.md.

    feats: CMVN features (L, 80) of one segment; k None (or < 0) = offline.
    Returns {"tokens": [ids], "delays_ms": [ms of source read when emitted],
    "min_margin": smallest gap between the two best logits over all decoder calls}.
    """
    if k is not None and k < 0:
        k = None
    P = pre_decision
    source_ms = num_samples * 1000.0 / sample_rate
    cross_states = steps.init_cross(1)
    dec_states = steps.init_decoder(1)
    st = {"frames_read": 0, "prev": bos_id, "done": False, "ended": False}
    tokens: List[int] = []
    delays: List[float] = []
    margin = [math.inf]  # smallest top-1 minus top-2 logit over all decoder calls

    def write():
        nonlocal dec_states
        while not st["ended"] and len(tokens) < token_limit(
            st["frames_read"], max_tokens_base, max_tokens_per_frame
        ):
            i = len(tokens)
            if not st["done"] and (k is None or st["frames_read"] < (k + i) * P):
                return  # READ
            res = steps.decoder(
                steps.ids([st["prev"]]), steps.ids([i]), *dec_states, *cross_states
            )
            y = int(torch.argmax(res[0][0]))  # first index wins ties
            top2 = torch.topk(res[0][0], 2).values
            margin[0] = min(margin[0], float(top2[0] - top2[1]))
            if y == eos_id:
                if st["done"]:
                    st["ended"] = True
                return  # EOS before the source ends = READ; states discarded
            dec_states = list(res[1:])
            tokens.append(y)
            st["prev"] = y
            delays.append(source_ms if st["done"] else st["frames_read"] * frame_ms)

    for frames in stream_encoder(steps, feats, P):
        if frames.size(0) == 0:
            continue
        cross_states = list(steps.cross(frames.unsqueeze(0), *cross_states))
        st["frames_read"] += frames.size(0)
        write()
    st["done"] = True
    write()
    return {"tokens": tokens, "delays_ms": delays, "min_margin": margin[0]}


@torch.no_grad()
def offline_beam(
    steps: StepModules,
    feats: torch.Tensor,
    pre_decision: int,
    bos_id: int,
    eos_id: int,
    beam: int,
    max_tokens_base: float = 10,
    max_tokens_per_frame: float = 0.5,
) -> List[int]:
    """Beam search over the whole source (the offline bound): the same step modules and
    token limit as simul_decode, hypotheses ranked by log-probability / (tokens + 1).
    Stops when none is left growing, or when `beam` have ended and the best ended one
    outranks the best growing one; beam=1 is simul_decode's offline greedy."""
    cross_states = steps.init_cross(1)
    frames_read = 0
    for frames in stream_encoder(steps, feats, pre_decision):
        if frames.size(0):
            cross_states = list(steps.cross(frames.unsqueeze(0), *cross_states))
            frames_read += frames.size(0)
    max_len = token_limit(frames_read, max_tokens_base, max_tokens_per_frame)
    alive = [(0.0, [], steps.init_decoder(1), bos_id)]
    ended: List[tuple] = []

    def rank(h):
        return h[0] / (len(h[1]) + 1)

    while alive and not (len(ended) >= beam and max(map(rank, ended)) > rank(alive[0])):
        grown = []
        for score, tokens, states, prev in alive:
            res = steps.decoder(steps.ids([prev]), steps.ids([len(tokens)]), *states,
                                *cross_states)
            top = torch.log_softmax(res[0][0].float(), -1).topk(beam)
            for lp, y in zip(top.values.tolist(), top.indices.tolist()):
                if y == eos_id:
                    ended.append((score + lp, tokens))
                elif len(tokens) + 1 >= max_len:
                    ended.append((score + lp, tokens + [y]))
                else:
                    grown.append((score + lp, tokens + [y], list(res[1:]), y))
        alive = sorted(grown, key=lambda h: -h[0])[:beam]
    return max(ended, key=rank)[1]
