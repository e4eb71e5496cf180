"""Wait-k decoding of many utterances at once, in the manner of sherpa-onnx's DecodeStreams
(and of the C# runtime's BatchStepper): each utterance keeps simul_decode's own state machine
(docs/bundle.md), and every round the utterances that need a decoder step take it together, as
one batch of the step modules, then those that need more source read their next unit together.
The result for each utterance is exactly simul_decode's (tests/test_batch_decode.py).
The states must be fixed-size to stack: LeaP models (the softmax baseline's grow per stream).
Runs on the model's device (a GPU when decode.py --device puts it there).

Usage:
  results = batch_simul_decode(steps, [(feats, num_samples), ...], k=5, pre_decision=7,
                               bos_id=2, eos_id=3, batch_size=32)
"""
import math
from typing import Dict, List, Optional, Sequence, Tuple

import torch

from .streaming import StepModules, stream_encoder, token_limit


class _Utterance:
    def __init__(self, steps: StepModules, feats: torch.Tensor, num_samples: int, bos_id: int,
                 pre_decision: int, sample_rate: int):
        self.units = [u for u in stream_encoder(steps, feats, pre_decision) if u.size(0)]
        self.next_unit = 0
        self.source_ms = num_samples * 1000.0 / sample_rate
        self.cross = steps.init_cross(1)
        self.dec = steps.init_decoder(1)
        self.frames_read = 0
        self.prev = bos_id
        self.exhausted = not self.units  # every unit read
        self.done = not self.units  # ... and simul_decode's final write() begun
        self.ended = False
        self.blocked = False  # EOS before the end of the source: wait for the next unit
        self.tokens: List[int] = []
        self.delays: List[float] = []
        self.margin = math.inf


def _cat(states: Sequence[Sequence[torch.Tensor]]) -> List[torch.Tensor]:
    return [torch.cat(parts, dim=0) for parts in zip(*states)]


def _split(states: Sequence[torch.Tensor], n: int) -> List[List[torch.Tensor]]:
    return [[s[i:i + 1] for s in states] for i in range(n)]


@torch.no_grad()
def batch_simul_decode(
    steps: StepModules,
    sources: Sequence[Tuple[torch.Tensor, int]],
    k: Optional[int],
    pre_decision: int,
    bos_id: int,
    eos_id: int,
    max_tokens_base: float = 10,
    max_tokens_per_frame: float = 0.5,
    frame_ms: int = 40,
    sample_rate: int = 16000,
    batch_size: int = 32,
) -> List[Dict[str, list]]:
    """simul_decode for every (feats, num_samples) of sources; k None or < 0 = offline.
    At most batch_size utterances are in flight at once."""
    if k is not None and k < 0:
        k = None
    P = pre_decision
    results: List[Optional[Dict[str, list]]] = [None] * len(sources)
    for first in range(0, len(sources), batch_size):
        group = [_Utterance(steps, f, n, bos_id, P, sample_rate)
                 for f, n in sources[first:first + batch_size]]
        while not all(u.ended for u in group):
            writers, readers = [], []
            for u in group:
                if u.ended:
                    continue
                i = len(u.tokens)
                can_write = (not u.blocked and len(u.tokens) < token_limit(
                    u.frames_read, max_tokens_base, max_tokens_per_frame)
                    and (u.done or (k is not None and u.frames_read >= (k + i) * P)))
                if can_write:
                    writers.append(u)
                elif u.done:
                    u.ended = True  # nothing left to read and no step allowed: as simul_decode
                elif u.exhausted:
                    u.done, u.blocked = True, False  # simul_decode's last write(), after the units
                else:
                    readers.append(u)
            if writers:
                res = steps.decoder(
                    steps.ids([u.prev for u in writers]),
                    steps.ids([len(u.tokens) for u in writers]),
                    *_cat([u.dec for u in writers]), *_cat([u.cross for u in writers]))
                new_dec = _split(res[1:], len(writers))
                for j, u in enumerate(writers):
                    logits = res[0][j]
                    y = int(torch.argmax(logits))
                    top2 = torch.topk(logits, 2).values
                    u.margin = min(u.margin, float(top2[0] - top2[1]))
                    if y == eos_id:
                        if u.done:
                            u.ended = True
                        else:
                            u.blocked = True  # READ; the step's states are discarded
                        continue
                    u.dec = new_dec[j]
                    u.tokens.append(y)
                    u.prev = y
                    u.delays.append(u.source_ms if u.done else u.frames_read * frame_ms)
                continue  # writers first, as simul_decode writes all it can before reading
            by_size: Dict[int, List[_Utterance]] = {}
            for u in readers:
                by_size.setdefault(u.units[u.next_unit].size(0), []).append(u)
            for size, us in by_size.items():
                frames = torch.stack([u.units[u.next_unit] for u in us])
                new_cross = _split(list(steps.cross(frames, *_cat([u.cross for u in us]))), len(us))
                for j, u in enumerate(us):
                    u.cross = new_cross[j]
                    u.frames_read += size
                    u.next_unit += 1
                    u.blocked = False
                    u.exhausted = u.next_unit == len(u.units)
        for j, u in enumerate(group):
            results[first + j] = {"tokens": u.tokens, "delays_ms": u.delays, "min_margin": u.margin}
    return results
