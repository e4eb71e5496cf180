"""Speech-to-text model: causal encoder + wait-k decoder + CTC head (auxiliary)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from .decoder import Decoder
from .encoder import Encoder
from .leap_attention import LeapAttention
from .softmax_attention import SoftmaxAttention

ATTENTION = {"leap": LeapAttention, "softmax": SoftmaxAttention}


class S2TModel(nn.Module):
    def __init__(
        self,
        attention: str,
        vocab_size: int,
        ctc_vocab_size: int,
        feature_dim: int = 80,
        d_model: int = 128,
        num_heads: int = 4,
        encoder_layers: int = 4,
        decoder_layers: int = 2,
        ffn_dim: int = 512,
        dropout: float = 0.1,
        leap_feature: str = "relu",
        leap_cross_feature: Optional[str] = None,
        encoder_pos_kernel: int = 0,
    ):
        """leap_cross_feature: the decoder cross-attention's LeaP feature map, where it
        differs from leap_feature (e.g. "taylor" there only: the cross state holds the whole
        source read so far, where a sharper kernel pays most).
        encoder_pos_kernel: taps of the encoder's causal convolutional positions (0: none;
        leapformer/conv_position.py)."""
        super().__init__()
        cls = ATTENTION[attention]
        extra = {"feature": leap_feature} if attention == "leap" else {}
        cross_extra = dict(extra)
        if attention == "leap" and leap_cross_feature:
            cross_extra["feature"] = leap_cross_feature

        def make_attention():
            return cls(d_model, num_heads, **extra)

        def make_cross_attention():
            return cls(d_model, num_heads, **cross_extra)

        self.attention = attention
        self.encoder = Encoder(make_attention, feature_dim, d_model, encoder_layers, ffn_dim, dropout,
                               pos_kernel=encoder_pos_kernel)
        self.decoder = Decoder(make_attention, vocab_size, d_model, decoder_layers, ffn_dim,
                               dropout, make_cross_attention)
        self.ctc_head = nn.Linear(d_model, ctc_vocab_size)

    def forward(
        self,
        feats: torch.Tensor,
        feat_lens: torch.Tensor,
        prev_tokens: torch.Tensor,
        k: Optional[int],
        pre_decision: int,
        decode: bool = True,
    ):
        """Returns decoder logits (N, U, V), CTC log-probs (N, T/4, C), frame lengths.
        decode=False (ASR pretraining): the decoder is not run and logits is None."""
        memory, memory_lens = self.encoder(feats, feat_lens)
        logits = self.decoder(prev_tokens, memory, memory_lens, k, pre_decision) if decode else None
        ctc_lp = F.log_softmax(self.ctc_head(memory), dim=-1)
        return logits, ctc_lp, memory_lens


def label_smoothed_ce(logits, target, pad_id: int, eps: float):
    """Sum over non-pad tokens of (1-eps) * nll + eps * mean_v(-log p_v); and token count."""
    lp = F.log_softmax(logits.float(), dim=-1)
    nll = -lp.gather(-1, target.unsqueeze(-1)).squeeze(-1)
    smooth = -lp.mean(-1)
    keep = target != pad_id
    loss = ((1.0 - eps) * nll + eps * smooth)[keep].sum()
    return loss, nll[keep].sum(), int(keep.sum())


def token_hits(logits, target, pad_id: int) -> int:
    """Non-pad tokens whose argmax is the target: teacher-forced token accuracy's numerator."""
    return int(((logits.argmax(-1) == target) & (target != pad_id)).sum())


def distill_kl(logits, teacher_logits, target, pad_id: int):
    """Sum over non-pad tokens of KL(teacher || student): word-level distillation."""
    lp = F.log_softmax(logits.float(), dim=-1)
    lt = F.log_softmax(teacher_logits.float(), dim=-1)
    kl = (lt.exp() * (lt - lp)).sum(-1)
    return kl[target != pad_id].sum()


def ctc_loss(ctc_lp, frame_lens, chars, char_lens):
    """Summed CTC loss (blank 0); impossible alignments count 0."""
    return F.ctc_loss(
        ctc_lp.transpose(0, 1), chars, frame_lens, char_lens,
        blank=0, reduction="sum", zero_infinity=True,
    )
