#!/usr/bin/env python3
"""
Trains the LeaPformer (or softmax baseline) simultaneous S2T model, multi-path wait-k.

Usage (from training/):
  /usr/bin/python3 train.py \
      --manifest-dir data/demo/manifests --lang-dir data/demo/lang \
      --exp-dir exp/demo-small --attention leap \
      --num-steps 3000 --batch-frames 6000 --ctc-weight 0.5 --save-every-n 500

  # resume from a full checkpoint (model + optimizer + step):
  /usr/bin/python3 train.py ... --resume exp/demo-small/checkpoint-1000.pt
  # start from averaged weights only (fresh optimizer, step 0):
  /usr/bin/python3 train.py ... --resume exp/demo-small/averaged.pt
  # several processes (DDP: NCCL on GPUs, gloo on CPU); each rank reads its share of the
  # batches, rank 0 logs and writes checkpoints; --accum-grad N steps once every N batches:
  torchrun --nproc_per_node=8 train.py ... --accum-grad 1
  # ASR pretraining (the encoder and its CTC head on the source transcripts; no decoder), then
  # the translation model from its encoder:
  /usr/bin/python3 train.py ... --task asr --exp-dir exp/asr
  /usr/bin/python3 average.py --exp-dir exp/asr --avg 5
  /usr/bin/python3 train.py ... --task st --init-encoder exp/asr/averaged.pt --exp-dir exp/st

Reads: <manifest-dir>/{train,dev}.tsv, <lang-dir>/spm.model, <lang-dir>/cmvn.json.
Writes: <exp-dir>/checkpoint-<step>.pt (last --keep-last-k kept), <exp-dir>/log/train.log.
"""
import os

# Before torch loads libgomp: idle OpenMP threads sleep instead of spinning. On 2
# cores shared with other builds, spinning made each step 5-10x slower.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import contextlib
import glob
import logging
import math
import random
import time

import torch

from leapformer import dist as ddp
from leapformer.augment import Augmenter
from leapformer.data import (BucketBatchSampler, S2TDataset, augment_worker_init, collate,
                             plan_groups, read_manifest)
from leapformer.fbank import FEATURE_DIM, SAMPLE_RATE, SUBSAMPLING, Cmvn
from leapformer.feature_cache import FeatureAugmenter, FeatureCache
from leapformer.leap_attention import FEATURES
from leapformer.model import S2TModel, ctc_loss, distill_kl, label_smoothed_ce, token_hits
from leapformer.on_policy import greedy_prefixes
from leapformer.tokens import (BOS_ID, CTC_ALPHABETS, CTC_VOCAB_SIZE, EOS_ID, PAD_ID, UNK_ID,
                               ctc_vocab_size, load_spm)
from leapformer.utils import AttributeDict, setup_logger, setup_torch, str2bool


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--attention", choices=["leap", "softmax"], default="leap")
    parser.add_argument("--leap-feature", choices=list(FEATURES), default="relu",
                        help="LeaP's feature map before the proportions: relu (cosFormer-like) "
                             "or hedgehog (learned softmax features, twice the state) or taylor "
                             "(2nd-order Taylor of exp, 561/32 times the state at dk 32)")
    parser.add_argument("--leap-cross-feature", choices=list(FEATURES), default=None,
                        help="the decoder cross-attention's feature map, where it differs from "
                             "--leap-feature")
    parser.add_argument("--d-model", type=int, default=128)
    parser.add_argument("--num-heads", type=int, default=4)
    parser.add_argument("--encoder-layers", type=int, default=4)
    parser.add_argument("--decoder-layers", type=int, default=2)
    parser.add_argument("--ffn-dim", type=int, default=512)
    parser.add_argument("--encoder-pos-kernel", type=int, default=0,
                        help="taps (40 ms frames) of the encoder's causal convolutional positions "
                             "after subsampling; 0: none (every bundle before them). Adds the "
                             "encoder state cached_conv_pos (N, d, K-1)")
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--pre-decision", type=int, default=7,
                        help="P: encoder frames (40 ms each) per source unit")
    parser.add_argument("--default-k", type=int, default=5)
    parser.add_argument("--k-min", type=int, default=1)
    parser.add_argument("--k-max", type=int, default=20)
    parser.add_argument("--ctc-alphabet", choices=list(CTC_ALPHABETS), default="chars",
                        help="characters of the CTC head's source transcript: chars (a-z, space, "
                             "apostrophe) or chars+digits (also digits and .,?!-:;\"%%); "
                             "stored in the checkpoint, which export and decoding read")


def get_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--manifest-dir", default="data/demo/manifests")
    parser.add_argument("--lang-dir", default="data/demo/lang",
                        help="holds spm.model and cmvn.json")
    parser.add_argument("--exp-dir", default="exp/demo-small")
    parser.add_argument("--num-steps", type=int, default=3000)
    parser.add_argument("--batch-frames", type=int, default=6000,
                        help="max padded feature frames (10 ms) per batch")
    parser.add_argument("--accum-grad", type=int, default=1,
                        help="batches per optimizer step (their losses averaged): a global batch of "
                             "accum-grad x ranks batches")
    parser.add_argument("--amp", choices=["none", "bf16", "fp16"], default="none",
                        help="mixed precision on CUDA: bf16 autocast, or fp16 autocast with a "
                             "GradScaler")
    parser.add_argument("--optimizer", choices=["adam", "adamw"], default="adamw")
    parser.add_argument("--lr", type=float, default=2e-3, help="peak learning rate")
    parser.add_argument("--warmup-steps", type=int, default=300)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--clip-grad", type=float, default=5.0)
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    parser.add_argument("--ctc-weight", type=float, default=0.5)
    parser.add_argument("--offline-prob", type=float, default=0.2,
                        help="share of batches trained with k = infinity")
    parser.add_argument("--max-seconds", type=float, default=0,
                        help="also stop (and save a checkpoint) after this much training time; 0 = no limit")
    parser.add_argument("--save-every-n", type=int, default=500)
    parser.add_argument("--keep-last-k", type=int, default=5)
    parser.add_argument("--log-every-n", type=int, default=50)
    parser.add_argument("--valid-every-n", type=int, default=500)
    parser.add_argument("--resume", default="",
                        help="checkpoint (full resume) or averaged weights (weights only)")
    parser.add_argument("--task", choices=["st", "asr"], default="st",
                        help="st: translation (token loss + --ctc-weight CTC); asr: ASR pretraining, "
                             "the encoder and CTC head alone on the source transcript (CTC loss only, "
                             "the decoder is not run), for --init-encoder")
    parser.add_argument("--init-encoder", default="",
                        help="weights (e.g. an --task asr run's averaged.pt) whose encoder and CTC head "
                             "start this model; the encoder configuration must match. The decoder "
                             "keeps its fresh initialisation; fresh optimizer, step 0")
    parser.add_argument("--init-from", default="",
                        help="weights of a model of either attention kind (e.g. the softmax "
                             "baseline's averaged.pt): every tensor both models share is copied, "
                             "the rest (LeaP's proportion nets) keeps its fresh initialisation; "
                             "fresh optimizer, step 0")
    parser.add_argument("--teacher", default="",
                        help="averaged weights of a teacher model (any attention kind, same "
                             "SentencePiece model): its token distributions at the same k are "
                             "distilled into the model being trained")
    parser.add_argument("--kd-weight", type=float, default=0.5,
                        help="with --teacher: share of the token loss given to KL(teacher || model)")
    parser.add_argument("--on-policy-prob", type=float, default=0.0,
                        help="with --teacher: share of batches whose decoder input is the model's "
                             "own greedy output at the batch's k instead of the reference; their "
                             "token loss is KL(teacher || model) alone (on-policy distillation)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--num-threads", type=int, default=2,
                        help="torch CPU threads (1 lets two runs share 2 cores side by side)")
    parser.add_argument("--cache-features", type=str2bool, default=True)
    parser.add_argument("--preload-jobs", type=int, default=0,
                        help="compute every feature before training with this many processes "
                             "(0 = lazily, during the first epoch); needs --cache-features")
    parser.add_argument("--augment", type=str2bool, default=False,
                        help="augment training audio (leapformer/augment.py: speed, reverberation, "
                             "telephone band, noise, gain -50..0 dBFS, VTLP, SpecAugment); turns "
                             "the feature cache off for training")
    parser.add_argument("--concat-prob", type=float, default=0.0,
                        help="share of training examples joined with 1-3 more sentences of the "
                             "same speaker (long speech)")
    parser.add_argument("--concat-max-frames", type=int, default=3000,
                        help="longest joined example, 10 ms frames")
    parser.add_argument("--repeat-real", type=int, default=1,
                        help="each utterance of a real speaker (speaker column real:...) this "
                             "many times per epoch")
    parser.add_argument("--feature-cache", default="",
                        help="a folder for the training set's features on disk (built on first use, "
                             "then memory-mapped); --augment then works on features: time stretch "
                             "(speed 0.9/1.1) and SpecAugment")
    parser.add_argument("--num-workers", type=int, default=0,
                        help="DataLoader worker processes for the training data")
    parser.add_argument("--valid-manifest", default="dev.tsv",
                        help="file of --manifest-dir validated on during training")
    parser.add_argument("--device", default="auto",
                        help="cpu, cuda, cuda:N, or auto (cuda when available)")
    add_model_arguments(parser)
    return parser


def get_params() -> AttributeDict:
    """Fixed values of the bundle contract (docs/bundle.md) and bookkeeping."""
    return AttributeDict(
        {
            "sample_rate": SAMPLE_RATE,
            "feature_dim": FEATURE_DIM,
            "subsampling": SUBSAMPLING,
            "frame_ms": 40,
            "pad_id": PAD_ID,
            "unk_id": UNK_ID,
            "bos_id": BOS_ID,
            "eos_id": EOS_ID,
            "src_lang": "en",
            "tgt_lang": "es",
            "max_tokens_base": 10,
            "max_tokens_per_frame": 0.5,
            "ctc_vocab_size": CTC_VOCAB_SIZE,
            "batch_idx_train": 0,
        }
    )


MODEL_KEYS = ["attention", "d_model", "num_heads", "encoder_layers", "decoder_layers",
              "ffn_dim", "dropout", "pre_decision", "default_k", "k_min", "k_max", "vocab_size",
              "leap_feature", "leap_cross_feature", "ctc_alphabet", "encoder_pos_kernel"]
# keys a checkpoint may predate, and their value then
MODEL_KEY_DEFAULTS = {"leap_feature": "relu", "leap_cross_feature": None, "ctc_alphabet": "chars",
                      "encoder_pos_kernel": 0}


def model_keys(saved: dict) -> dict:
    """The architecture part of a checkpoint's params."""
    return {key: saved.get(key, MODEL_KEY_DEFAULTS.get(key)) for key in MODEL_KEYS}


def get_model(params: AttributeDict) -> S2TModel:
    return S2TModel(
        attention=params.attention,
        vocab_size=params.vocab_size,
        ctc_vocab_size=ctc_vocab_size(params.get("ctc_alphabet", "chars")),
        feature_dim=params.feature_dim,
        d_model=params.d_model,
        num_heads=params.num_heads,
        encoder_layers=params.encoder_layers,
        decoder_layers=params.decoder_layers,
        ffn_dim=params.ffn_dim,
        dropout=params.dropout,
        leap_feature=params.get("leap_feature", MODEL_KEY_DEFAULTS["leap_feature"]),
        leap_cross_feature=params.get("leap_cross_feature"),
        encoder_pos_kernel=params.get("encoder_pos_kernel", 0),
    )


def sample_k(params, rng: random.Random):
    """Multi-path wait-k: one k per batch; None = offline (k = infinity)."""
    if rng.random() < params.offline_prob:
        return None
    return rng.randint(params.k_min, params.k_max)


def to_device(batch: dict, device: torch.device) -> dict:
    return {key: val.to(device, non_blocking=True) if torch.is_tensor(val) else val
            for key, val in batch.items()}


def compute_loss(model, batch, params, k, teacher=None, on_policy=False):
    batch = to_device(batch, next(model.parameters()).device)
    asr = params.get("task", "st") == "asr"  # ASR pretraining: the decoder is not run
    if on_policy:
        prev, target = greedy_prefixes(model, batch["feats"], batch["feat_lens"], k,
                                       params.pre_decision, params.bos_id, params.eos_id,
                                       params.pad_id, 3 * batch["target"].size(1) // 2 + 5)
        batch = dict(batch, prev_tokens=prev, target=target)
    inputs = (batch["feats"], batch["feat_lens"], batch["prev_tokens"], k, params.pre_decision)
    logits, ctc_lp, frame_lens = model(*inputs, decode=not asr)
    nchar = max(int(batch["char_lens"].sum()), 1)
    ctc = ctc_loss(ctc_lp, frame_lens, batch["chars"], batch["char_lens"])
    if asr:
        ntok = int((batch["target"] != params.pad_id).sum())
        stats = {"loss": float(ctc) / nchar, "ce": 0.0, "nll": 0.0, "ctc": float(ctc) / nchar,
                 "kd": 0.0, "acc": 0.0, "tokens": ntok}
        return ctc / nchar, stats
    ce, nll, ntok = label_smoothed_ce(logits, batch["target"], params.pad_id, params.label_smoothing)
    kd, token_loss = 0.0, ce
    if teacher is not None:
        with torch.no_grad():
            teacher_logits = teacher(*inputs)[0]
        kd = distill_kl(logits, teacher_logits, batch["target"], params.pad_id)
        token_loss = kd if on_policy else (1 - params.kd_weight) * ce + params.kd_weight * kd
    w = params.ctc_weight
    loss = (1 - w) * token_loss / ntok + w * ctc / nchar
    hits = token_hits(logits, batch["target"], params.pad_id)
    stats = {"loss": float(loss), "ce": float(ce) / ntok, "nll": float(nll) / ntok,
             "ctc": float(ctc) / nchar, "kd": float(kd) / ntok, "acc": hits / ntok,
             "tokens": ntok}
    return loss, stats


def model_from_checkpoint(ckpt: dict):
    """(model in eval mode, params) of a train.py checkpoint or averaged.pt, loaded."""
    params = get_params()
    params.update(model_keys(ckpt["params"]))
    model = get_model(params)
    model.load_state_dict(ckpt["model"])
    return model.eval(), params


def load_teacher(path: str, device: torch.device) -> S2TModel:
    """The model stored in path, frozen."""
    teacher, params = model_from_checkpoint(torch.load(path, map_location="cpu"))
    logging.info("teacher %s: %s attention", path, params.attention)
    return teacher.to(device).requires_grad_(False)


def lr_at(step: int, params) -> float:
    """Linear warmup to --lr, then inverse square-root decay."""
    step = max(step, 1)
    return params.lr * min(step / params.warmup_steps, math.sqrt(params.warmup_steps / step))


@torch.no_grad()
def validate(model, loader, params) -> dict:
    model.eval()
    keys = ("ce", "nll", "ctc", "acc")
    tot = dict.fromkeys(keys + ("n",), 0.0)
    for batch in loader:
        _, st = compute_loss(model, batch, params, params.default_k)
        for key in keys:
            tot[key] += st[key]
        tot["n"] += 1
    model.train()
    n = max(tot["n"], 1)
    return {key: tot[key] / n for key in keys}


def save_checkpoint(path, model, optimizer, params) -> None:
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "params": dict(params)}, path)


def prune_checkpoints(exp_dir: str, keep: int) -> None:
    ckpts = sorted(glob.glob(os.path.join(exp_dir, "checkpoint-*.pt")),
                   key=lambda p: int(p.rsplit("-", 1)[1][:-3]))
    for p in ckpts[:-keep]:
        os.remove(p)


def make_loader(rows, sp, cmvn, params, shuffle, train=False):
    """Batches of rows; for training (train=True) with --concat-prob, --repeat-real and
    --augment applied."""
    groups, augmenter, fcache, faugmenter = None, None, None, None
    if train:
        groups = plan_groups(rows, random.Random(params.seed), params.get("concat_prob", 0.0),
                             max_frames=params.get("concat_max_frames", 3000),
                             repeat_real=params.get("repeat_real", 1))
        if params.get("feature_cache"):
            fcache = open_feature_cache(rows, cmvn, params)
            faugmenter = FeatureAugmenter(seed=params.seed) if params.get("augment") else None
        elif params.get("augment"):
            augmenter = Augmenter(seed=params.seed)
    ds = S2TDataset(rows, sp, cmvn, cache=params.cache_features, groups=groups,
                    augmenter=augmenter, ctc_alphabet=params.get("ctc_alphabet", "chars"),
                    feature_cache=fcache, feature_augmenter=faugmenter)
    if params.get("preload_jobs") and ds.cache is not None:
        t0 = time.time()
        ds.preload(params.preload_jobs)
        logging.info("preloaded %d utterances' features in %.1fs", len(ds), time.time() - t0)
    sampler = BucketBatchSampler(ds.lengths(), params.batch_frames, shuffle=shuffle,
                                 seed=params.seed, rank=ddp.rank() if train else 0,
                                 world_size=ddp.world_size() if train else 1)
    workers = params.get("num_workers", 0) if train else 0
    loader = torch.utils.data.DataLoader(
        ds, batch_sampler=sampler, collate_fn=collate, num_workers=workers,
        worker_init_fn=augment_worker_init if workers else None,
        prefetch_factor=4 if workers else 2)
    return loader, sampler


def open_feature_cache(rows, cmvn, params) -> FeatureCache:
    """--feature-cache: the folder's cache, built first (by rank 0) when it has none."""
    directory = params.feature_cache
    if ddp.rank() == 0 and not os.path.exists(os.path.join(directory, "index.tsv")):
        t0 = time.time()
        FeatureCache.build(rows, cmvn, directory, jobs=max(params.get("preload_jobs", 0), 1))
        logging.info("feature cache %s: %d utterances in %.1fs", directory, len(rows), time.time() - t0)
    ddp.barrier()
    cache = FeatureCache(directory)
    missing = [r["id"] for r in rows if r["id"] not in cache]
    if missing:
        raise ValueError(f"{directory} lacks {len(missing)} of the training set's utterances "
                         f"(e.g. {missing[0]}): delete it to rebuild")
    return cache


def init_from(model: S2TModel, path: str) -> None:
    """Copies every tensor of path's model that has the same name and shape in model
    (swap-then-finetune: a softmax model's weights start a LeaP model, or back)."""
    src = torch.load(path, map_location="cpu")["model"]
    dst = model.state_dict()
    shared = {k: v for k, v in src.items() if k in dst and dst[k].shape == v.shape}
    if not shared:
        raise ValueError(f"{path}: no tensor matches this model")
    model.load_state_dict(shared, strict=False)
    fresh = sorted(set(dst) - set(shared))
    logging.info("initialised %d of %d tensors from %s; fresh: %s", len(shared), len(dst), path,
                 ", ".join(fresh) or "none")
    dropped = sorted(set(src) - set(shared))
    if dropped:
        logging.info("not used from %s: %s", path, ", ".join(dropped))


def init_encoder(model: S2TModel, path: str) -> None:
    """Copies path's encoder and CTC head into model (ASR pretraining -> translation). Every
    encoder tensor must match by name and shape; the CTC head is copied where it matches (the
    same --ctc-alphabet)."""
    src = torch.load(path, map_location="cpu")["model"]
    dst = model.state_dict()
    encoder = [k for k in dst if k.startswith("encoder.")]
    wrong = [k for k in encoder if k not in src or src[k].shape != dst[k].shape]
    wrong += sorted(k for k in src if k.startswith("encoder.") and k not in dst)
    if wrong:
        raise ValueError(f"{path}: its encoder differs from this model's ({len(wrong)} tensors "
                         f"missing, extra or of another shape, e.g. {wrong[0]}): use the same "
                         "encoder flags")
    head = [k for k in dst if k.startswith("ctc_head.") and k in src and src[k].shape == dst[k].shape]
    model.load_state_dict({k: src[k] for k in encoder + head}, strict=False)
    logging.info("encoder (%d tensors) and %s from %s", len(encoder),
                 "CTC head" if head else "no CTC head (another alphabet)", path)


def pick_device(name: str) -> torch.device:
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    device = torch.device(name)
    if device.type == "cuda":
        # TF32 matrix products: about fp32 accuracy for this model, several times faster
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    return device


def write_checkpoint(model, optimizer, params, step: int) -> None:
    """checkpoint-STEP.pt in --exp-dir (model, optimizer, params, and where in the epoch the
    step ended, for an exact resume); keeps the last --keep-last-k. Rank 0 only."""
    if ddp.rank() != 0:
        return
    path = os.path.join(params.exp_dir, f"checkpoint-{step}.pt")
    save_checkpoint(path, model, optimizer, params)
    prune_checkpoints(params.exp_dir, params.keep_last_k)
    logging.info("saved %s", path)


def compute_validation_loss(model, dev_loader, params, step: int) -> dict:
    """dev_* stats at the default k, logged (rank 0; the others carry on to the next step)."""
    if ddp.rank() != 0:
        return {}
    v = validate(model, dev_loader, params)
    logging.info("step %d dev (k=%d) ce %.3f nll %.3f ctc %.3f token accuracy %.3f",
                 step, params.default_k, v["ce"], v["nll"], v["ctc"], v["acc"])
    return {"dev_" + key: val for key, val in v.items()}


LOGGED = ("loss", "ce", "nll", "ctc", "kd")


def train_one_epoch(params, model, optimizer, scaler, train_loader, dev_loader, teacher, epoch: int,
                    t0: float, acc: dict, last: dict) -> bool:
    """One pass over this rank's batches (icefall's train_one_epoch): an optimizer step every
    --accum-grad batches (under DDP their gradients are also averaged over the ranks), stats
    every --log-every-n steps, validation every --valid-every-n, a checkpoint every
    --save-every-n (rank 0). `model` may be DDP-wrapped. `acc` sums the stats since the last log
    line (across epochs); `last` gets the latest logged stats. Returns False once training must
    stop (--num-steps or --max-seconds reached)."""
    core = model.module if hasattr(model, "module") else model
    accum = params.get("accum_grad", 1)
    amp = params.get("amp", "none")
    autocast = dict(device_type=next(core.parameters()).device.type, enabled=amp != "none",
                    dtype=torch.float16 if amp == "fp16" else torch.bfloat16)
    micro, k, on_policy = 0, 0, False
    for batch in train_loader:
        params.batch_in_epoch += 1
        if micro == 0:
            if params.batch_idx_train >= params.num_steps:
                return False
            out_of_time = bool(params.get("max_seconds")) and time.time() - t0 > params.max_seconds
            if ddp.agree(out_of_time):
                logging.info("--max-seconds %.0f reached at step %d", params.max_seconds,
                             params.batch_idx_train)
                path = os.path.join(params.exp_dir, f"checkpoint-{params.batch_idx_train}.pt")
                params.batch_in_epoch -= 1  # this batch is not used
                if params.batch_idx_train % params.save_every_n and not os.path.exists(path):
                    write_checkpoint(core, optimizer, params, params.batch_idx_train)
                params.num_steps = params.batch_idx_train
                return False
            step = params.batch_idx_train + 1
            for g in optimizer.param_groups:
                g["lr"] = lr_at(step, params)
            # each step's own draws (k, on-policy): the same on every rank, and after a resume
            rng = random.Random(params.seed * 1_000_003 + step)
            k = sample_k(params, rng)
            on_policy = teacher is not None and params.get("on_policy_prob", 0) > 0 and \
                rng.random() < params.on_policy_prob
        distributed = hasattr(model, "no_sync")
        micro += 1
        sync = micro == accum or not distributed
        with (contextlib.nullcontext() if sync else model.no_sync()):
            with torch.autocast(**autocast):
                loss, st = compute_loss(model, batch, params, k, teacher, on_policy)
            finite = math.isfinite(float(loss))
            if not finite:
                logging.warning("step %d: non-finite loss, batch skipped", step)
                if not distributed:
                    micro -= 1  # alone: the step waits for the next batch
                    continue
                # under DDP every rank must still join the gradient sync: a zero gradient
                loss = sum((p * 0.0).sum() for p in core.parameters())
            scaler.scale(loss / accum).backward()
        if finite:
            for key in LOGGED:
                acc[key] += st[key] / accum
        if micro < accum:
            continue
        micro = 0
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), params.clip_grad)
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad()
        params.batch_idx_train = step
        acc["n"] += 1
        if step % params.log_every_n == 0 or step == params.num_steps:
            n = acc["n"]
            last.clear()
            last.update({key: acc[key] / n for key in LOGGED})
            logging.info("epoch %d step %d lr %.2e loss %.3f ce %.3f nll %.3f ctc %.3f kd %.3f "
                         "(%.1fs)", epoch, step, lr_at(step, params), last["loss"], last["ce"],
                         last["nll"], last["ctc"], last["kd"], time.time() - t0)
            acc.update(dict.fromkeys(acc, 0.0))
        if step % params.valid_every_n == 0 or step == params.num_steps:
            last.update(compute_validation_loss(core, dev_loader, params, step))
        if step % params.save_every_n == 0 or step == params.num_steps:
            write_checkpoint(core, optimizer, params, step)
    optimizer.zero_grad()  # an epoch that ended inside an accumulation: its batches are dropped
    return params.batch_idx_train < params.num_steps


def load_resume(params, model, optimizer, device) -> None:
    """--init-from (matching tensors), --init-encoder (an ASR encoder), then --resume: a checkpoint (model, optimizer and step)
    or averaged weights (model only; the step count starts again)."""
    if params.get("init_from"):
        init_from(model, params.init_from)
    if params.get("init_encoder"):
        init_encoder(model, params.init_encoder)
    if not params.resume:
        return
    ckpt = torch.load(params.resume, map_location=device)
    model.load_state_dict(ckpt["model"])
    if "optimizer" in ckpt:
        optimizer.load_state_dict(ckpt["optimizer"])
        params.batch_idx_train = ckpt["params"]["batch_idx_train"]
        params.cur_epoch = ckpt["params"].get("cur_epoch", 0)
        params.batch_in_epoch = ckpt["params"].get("batch_in_epoch", 0)
        logging.info("resumed %s at step %d (epoch %d, batch %d of this rank's)", params.resume,
                     params.batch_idx_train, params.cur_epoch, params.batch_in_epoch)
    else:
        logging.info("initialised from averaged weights %s", params.resume)


def run(params: AttributeDict) -> dict:
    """Trains; returns the last logged stats. Usable from tests."""
    setup_torch(params.num_threads)
    os.makedirs(params.exp_dir, exist_ok=True)
    if ddp.rank() == 0:
        setup_logger(os.path.join(params.exp_dir, "log", "train.log"))
    else:
        logging.basicConfig(level=logging.WARNING, force=True)
    torch.manual_seed(params.seed)
    sp = load_spm(os.path.join(params.lang_dir, "spm.model"))
    cmvn = Cmvn.load(os.path.join(params.lang_dir, "cmvn.json"))
    params.vocab_size = sp.get_piece_size()
    params.ctc_vocab_size = ctc_vocab_size(params.get("ctc_alphabet", "chars"))
    logging.info("params: %s", dict(params))

    device = pick_device(params.device)
    ddp.setup_dist(device)  # before the data: rank 0 alone builds a --feature-cache
    # data next: preload's worker processes fork before CUDA starts
    train_rows = read_manifest(os.path.join(params.manifest_dir, "train.tsv"))
    dev_rows = read_manifest(os.path.join(params.manifest_dir,
                                          params.get("valid_manifest", "dev.tsv")))
    train_loader, sampler = make_loader(train_rows, sp, cmvn, params, True, train=True)
    dev_loader, _ = make_loader(dev_rows, sp, cmvn, params, False)
    if device.type == "cuda" and ddp.world_size() > 1:
        device = torch.device("cuda", ddp.local_rank())
        torch.cuda.set_device(device)
    if params.get("amp", "none") != "none" and device.type != "cuda":
        # this torch's CPU autocast runs layer_norm in bf16 against fp32 weights and fails
        raise ValueError(f"--amp {params.amp} needs a CUDA device; train in fp32 on CPU (--amp none)")
    model = get_model(params).to(device)
    logging.info("device %s", device)
    logging.info("parameters: %d", sum(p.numel() for p in model.parameters()))
    opt_cls = torch.optim.AdamW if params.optimizer == "adamw" else torch.optim.Adam
    optimizer = opt_cls(model.parameters(), lr=params.lr, betas=(0.9, 0.98),
                        weight_decay=params.weight_decay)
    params.cur_epoch, params.batch_in_epoch = 0, 0
    load_resume(params, model, optimizer, device)
    if ddp.world_size() > 1:
        # ASR pretraining leaves the decoder out of the graph: DDP must not wait for its gradients
        model = torch.nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None,
            find_unused_parameters=params.get("task", "st") == "asr")
        logging.info("DDP: %d ranks (%s)", ddp.world_size(), torch.distributed.get_backend())

    if params.get("teacher") and params.get("task", "st") == "asr":
        raise ValueError("--teacher distils translation tokens: it has no use with --task asr")
    teacher = load_teacher(params.teacher, device) if params.get("teacher") else None
    scaler = torch.cuda.amp.GradScaler(enabled=params.get("amp") == "fp16")
    model.train()
    last, t0 = {}, time.time()
    acc = dict.fromkeys(LOGGED + ("n",), 0.0)
    skip = params.batch_in_epoch
    while params.batch_idx_train < params.num_steps:
        sampler.set_epoch(params.cur_epoch, skip=skip)
        params.batch_in_epoch = skip
        if not train_one_epoch(params, model, optimizer, scaler, train_loader, dev_loader, teacher,
                               params.cur_epoch, t0, acc, last):
            break
        params.cur_epoch += 1
        skip = 0
    logging.info("done: %d steps in %.1fs", params.batch_idx_train, time.time() - t0)
    ddp.cleanup_dist()
    return last


def main():
    args = get_parser().parse_args()
    params = get_params()
    params.update(vars(args))
    run(params)


if __name__ == "__main__":
    main()
