"""On-policy distillation: the student decodes greedily under the batch's wait-k, and is
trained to match the teacher's next-token distribution on its own prefixes (ImitKD,
Lin et al. 2020; GKD, Agarwal et al. 2024). Teacher forcing only ever shows the student
reference prefixes; free-running decoding shows it its own, where errors compound."""
from typing import Optional, Tuple

import torch


@torch.no_grad()
def greedy_prefixes(
    model,
    feats: torch.Tensor,
    feat_lens: torch.Tensor,
    k: Optional[int],
    pre_decision: int,
    bos_id: int,
    eos_id: int,
    pad_id: int,
    max_len: int,
) -> Tuple[torch.Tensor, torch.Tensor]:
    """The model's greedy wait-k outputs for a batch (parallel form, dropout off).

    Returns (prev_tokens, target), both (N, U): target = the outputs up to and including
    EOS, then pad; prev_tokens = bos + target[:, :-1]. At most max_len tokens each.
    """
    was_training = model.training
    model.eval()
    memory, memory_lens = model.encoder(feats, feat_lens)
    n = feats.size(0)
    prev = torch.full((n, 1), bos_id, dtype=torch.long, device=feats.device)
    done = torch.zeros(n, dtype=torch.bool, device=feats.device)
    outputs = []
    for _ in range(max_len):
        y = model.decoder(prev, memory, memory_lens, k, pre_decision)[:, -1].argmax(-1)
        y = y.masked_fill(done, pad_id)
        outputs.append(y)
        done |= y == eos_id
        if bool(done.all()):
            break
        prev = torch.cat([prev, y.unsqueeze(1)], dim=1)
    model.train(was_training)
    target = torch.stack(outputs, dim=1)
    return torch.cat([prev[:, :1], target[:, :-1]], dim=1), target
