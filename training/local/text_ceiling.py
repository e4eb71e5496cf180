#!/usr/bin/env python3
"""
Text-only translation ceiling: the same encoder-decoder, trained and decoded offline
on the English transcript instead of the audio. It answers "how much of the BLEU gap
is the data (3750 sentences of a narrow domain, an apertium teacher) and how much is
the speech": the speech model cannot be expected to beat this.

The input is the CTC character sequence of the English text (the same alphabet as the
CTC head), embedded to 80 dims and repeated 4 times per character, so after the
encoder's x4 subsampling each encoder frame is one character. Everything after the
input (encoder, decoder, vocabulary, label smoothing, optimiser, schedule) is the
speech recipe's; decoding is greedy, offline; BLEU is leapformer.metrics.corpus_bleu
(the same as decode.py).

Usage (from training/):
  /usr/bin/python3 local/text_ceiling.py --manifest-dir data/narrow1k/manifests \
      --lang-dir data/narrow1k/lang --exp-dir exp/text-ceiling-n1k --attention leap \
      --num-steps 3000
Writes: <exp-dir>/hyps.tsv, <exp-dir>/results.txt, <exp-dir>/log/text-ceiling.log.
"""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import logging
import random
import sys
import time
from typing import Dict, List

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from leapformer.data import read_manifest  # noqa: E402
from leapformer.metrics import corpus_bleu  # noqa: E402
from leapformer.model import label_smoothed_ce  # noqa: E402
from leapformer.tokens import BOS_ID, CTC_VOCAB_SIZE, EOS_ID, PAD_ID, encode_chars, load_spm  # noqa: E402
from leapformer.utils import AttributeDict, setup_logger, setup_torch  # noqa: E402
from train import MODEL_KEYS, add_model_arguments, get_model, get_params, lr_at  # noqa: E402

REPEAT = 4  # feature frames per character: one encoder frame per character


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--manifest-dir", required=True)
    p.add_argument("--lang-dir", required=True)
    p.add_argument("--exp-dir", required=True)
    p.add_argument("--num-steps", type=int, default=3000)
    p.add_argument("--batch-size", type=int, default=64, help="sentences per batch")
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--warmup-steps", type=int, default=400)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--clip-grad", type=float, default=5.0)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--valid-every-n", type=int, default=500)
    p.add_argument("--max-len", type=int, default=60, help="longest hypothesis, in pieces")
    p.add_argument("--seed", type=int, default=42)
    add_model_arguments(p)
    return p


class CharInput(nn.Module):
    """English character ids (N, C) -> 80-dim 'features' (N, 4C, 80)."""

    def __init__(self, feature_dim: int):
        super().__init__()
        self.embed = nn.Embedding(CTC_VOCAB_SIZE, feature_dim, padding_idx=0)

    def forward(self, chars: torch.Tensor, lens: torch.Tensor):
        return self.embed(chars).repeat_interleave(REPEAT, dim=1), lens * REPEAT


class TextModel(nn.Module):
    def __init__(self, params: AttributeDict):
        super().__init__()
        self.front = CharInput(params.feature_dim)
        self.s2t = get_model(params)

    def forward(self, chars, char_lens, prev_tokens):
        feats, feat_lens = self.front(chars, char_lens)
        memory, memory_lens = self.s2t.encoder(feats, feat_lens)
        return self.s2t.decoder(prev_tokens, memory, memory_lens, None, 1)

    @torch.no_grad()
    def greedy(self, chars: torch.Tensor, max_len: int) -> List[int]:
        """One sentence (C,) -> piece ids, offline greedy."""
        feats, feat_lens = self.front(chars.unsqueeze(0), torch.tensor([chars.numel()]))
        memory, memory_lens = self.s2t.encoder(feats, feat_lens)
        out = [BOS_ID]
        for _ in range(max_len):
            logits = self.s2t.decoder(torch.tensor([out]), memory, memory_lens, None, 1)
            nxt = int(logits[0, -1].argmax())
            if nxt == EOS_ID:
                break
            out.append(nxt)
        return out[1:]


def unique_pairs(rows: List[Dict[str, str]]) -> List[Dict[str, str]]:
    """One row per sentence (the manifests hold several renderings of each)."""
    seen, out = set(), []
    for r in rows:
        if r["src_text"] not in seen:
            seen.add(r["src_text"])
            out.append(r)
    return out


def make_batch(rows, sp) -> Dict[str, torch.Tensor]:
    chars = [encode_chars(r["src_text"]) or [1] for r in rows]
    toks = [sp.encode(r["tgt_text"]) for r in rows]
    n, c, u = len(rows), max(map(len, chars)), max(map(len, toks)) + 1
    x = torch.zeros(n, c, dtype=torch.long)
    prev = torch.full((n, u), PAD_ID, dtype=torch.long)
    target = torch.full((n, u), PAD_ID, dtype=torch.long)
    for i, (ch, y) in enumerate(zip(chars, toks)):
        x[i, : len(ch)] = torch.tensor(ch)
        prev[i, : len(y) + 1] = torch.tensor([BOS_ID] + y)
        target[i, : len(y) + 1] = torch.tensor(y + [EOS_ID])
    return {"chars": x, "char_lens": torch.tensor([len(ch) for ch in chars]),
            "prev": prev, "target": target}


def batch_loss(model, batch, eps: float):
    logits = model(batch["chars"], batch["char_lens"], batch["prev"])
    loss, nll, ntok = label_smoothed_ce(logits, batch["target"], PAD_ID, eps)
    return loss / ntok, nll / ntok


@torch.no_grad()
def dev_nll(model, rows, sp, batch_size: int) -> float:
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(rows), batch_size):
        b = make_batch(rows[i: i + batch_size], sp)
        _, nll = batch_loss(model, b, 0.0)
        n = int((b["target"] != PAD_ID).sum())
        total, count = total + float(nll) * n, count + n
    model.train()
    return total / max(count, 1)


def run(args) -> dict:
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    params = get_params()
    params.update({k: getattr(args, k) for k in MODEL_KEYS if hasattr(args, k)})
    sp = load_spm(os.path.join(args.lang_dir, "spm.model"))
    params.vocab_size = sp.get_piece_size()
    train = unique_pairs(read_manifest(os.path.join(args.manifest_dir, "train.tsv")))
    dev = unique_pairs(read_manifest(os.path.join(args.manifest_dir, "dev.tsv")))
    test = unique_pairs(read_manifest(os.path.join(args.manifest_dir, "test.tsv")))
    logging.info("sentences: train %d dev %d test %d", len(train), len(dev), len(test))

    model = TextModel(params)
    logging.info("parameters: %d (speech model without its CTC head and subsampling input: same)",
                 sum(p.numel() for p in model.parameters()))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.98),
                            weight_decay=args.weight_decay)
    hp = AttributeDict({"lr": args.lr, "warmup_steps": args.warmup_steps})
    start, order, pos, first_loss, last_loss = time.time(), [], 0, None, None
    model.train()
    for step in range(1, args.num_steps + 1):
        if pos + args.batch_size > len(order):
            order, pos = list(range(len(train))), 0
            rng.shuffle(order)
        b = make_batch([train[i] for i in order[pos: pos + args.batch_size]], sp)
        pos += args.batch_size
        for g in opt.param_groups:
            g["lr"] = lr_at(step, hp)
        loss, nll = batch_loss(model, b, args.label_smoothing)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip_grad)
        opt.step()
        first_loss = float(loss) if first_loss is None else first_loss
        last_loss = float(loss)
        if step % 100 == 0:
            logging.info("step %d lr %.2e loss %.3f nll %.3f (%.0fs)", step, lr_at(step, hp),
                         float(loss), float(nll), time.time() - start)
        if step % args.valid_every_n == 0 or step == args.num_steps:
            logging.info("step %d dev NLL %.3f", step, dev_nll(model, dev, sp, args.batch_size))

    model.eval()
    hyps = [sp.decode(model.greedy(torch.tensor(encode_chars(r["src_text"]) or [1]), args.max_len))
            for r in test]
    refs = [r["tgt_text"] for r in test]
    bleu = corpus_bleu(hyps, refs)
    os.makedirs(args.exp_dir, exist_ok=True)
    with open(os.path.join(args.exp_dir, "hyps.tsv"), "w", encoding="utf-8") as f:
        f.write("source\treference\thypothesis\n")
        for r, h in zip(test, hyps):
            f.write(f"{r['src_text']}\t{r['tgt_text']}\t{h}\n")
    with open(os.path.join(args.exp_dir, "results.txt"), "w") as f:
        f.write(f"text-only offline BLEU={bleu:.2f} sentences={len(test)} steps={args.num_steps} "
                f"attention={args.attention}\n")
    logging.info("text-only offline BLEU %.2f on %d test sentences (%.0fs)", bleu, len(test),
                 time.time() - start)
    return {"bleu": bleu, "first_loss": first_loss, "last_loss": last_loss}


def main():
    args = get_parser().parse_args()
    setup_torch()
    setup_logger(os.path.join(args.exp_dir, "log", "text-ceiling.log"))
    run(args)


if __name__ == "__main__":
    main()
