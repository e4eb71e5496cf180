import torch


def test_token_hits_counts_argmax_matches_on_real_tokens_only():
    from leapformer.model import token_hits

    logits = torch.full((2, 3, 5), -1.0)
    target = torch.tensor([[4, 2, 0], [3, 0, 0]])  # pad 0
    logits[0, 0, 4] = 1.0  # hit
    logits[0, 1, 3] = 1.0  # miss: argmax 3, target 2
    logits[1, 0, 3] = 1.0  # hit
    logits[1, 1, 0] = 1.0  # "hit" on padding: not counted
    assert token_hits(logits, target, 0) == 2
