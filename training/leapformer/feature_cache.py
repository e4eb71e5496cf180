"""A feature cache on disk: every utterance's normalised fbank (float16) in one file, read
through a memory map, so that training on hundreds of hours holds in memory only the batches
it reads (S2TDataset's in-memory cache of 400 h would take about 47 GB). Augmentation that
needs no wave runs on the fly (FeatureAugmenter): speed perturbation as a time stretch of the
frames, and SpecAugment.

Layout of DIR: feats.f16 (all frames, FEATURE_DIM columns, one utterance after another) and
index.tsv (id, first frame, frame count).

Usage:
  cache = FeatureCache.build(rows, cmvn, "data/mustc-en-es/fcache", jobs=8)   # once
  cache = FeatureCache("data/mustc-en-es/fcache")                               # then
  feats = cache.get(row["id"])    # (frames, 80) float32, a copy of those frames only
"""
import multiprocessing
import os
import random
from typing import Dict, Iterable, Optional, Tuple

import numpy as np
import torch

from .augment import AugmentConfig, spec_augment
from .fbank import FEATURE_DIM, Cmvn, compute_fbank, load_wave

FEATS = "feats.f16"
INDEX = "index.tsv"


class FeatureCache:
    def __init__(self, directory: str):
        self.directory = directory
        self.spans: Dict[str, Tuple[int, int]] = {}
        total = 0
        with open(os.path.join(directory, INDEX), encoding="utf-8") as f:
            for line in f:
                uid, start, n = line.rstrip("\n").split("\t")
                self.spans[uid] = (int(start), int(n))
                total = max(total, int(start) + int(n))
        self.frames = total
        self.data = np.memmap(os.path.join(directory, FEATS), dtype=np.float16, mode="r",
                              shape=(total, FEATURE_DIM)) if total else np.zeros((0, FEATURE_DIM), np.float16)

    def __contains__(self, uid: str) -> bool:
        return uid in self.spans

    def __len__(self) -> int:
        return len(self.spans)

    def get(self, uid: str) -> torch.Tensor:
        start, n = self.spans[uid]
        return torch.from_numpy(np.asarray(self.data[start:start + n], dtype=np.float32))

    @staticmethod
    def write(directory: str, items: Iterable[Tuple[str, np.ndarray]]) -> "FeatureCache":
        """Writes (id, (frames, FEATURE_DIM) array) pairs as a cache, one at a time."""
        os.makedirs(directory, exist_ok=True)
        tmp = os.path.join(directory, FEATS + ".tmp")
        start = 0
        with open(tmp, "wb") as feats, open(os.path.join(directory, INDEX + ".tmp"), "w",
                                              encoding="utf-8") as index:
            for uid, x in items:
                x = np.asarray(x, dtype=np.float16)
                assert x.ndim == 2 and x.shape[1] == FEATURE_DIM, (uid, x.shape)
                x.tofile(feats)
                index.write(f"{uid}\t{start}\t{x.shape[0]}\n")
                start += x.shape[0]
        os.replace(tmp, os.path.join(directory, FEATS))
        os.replace(os.path.join(directory, INDEX + ".tmp"), os.path.join(directory, INDEX))
        return FeatureCache(directory)

    @staticmethod
    def build(rows, cmvn: Cmvn, directory: str, jobs: int = 1) -> "FeatureCache":
        """Computes and writes the normalised features of every row (manifest rows: id, audio)."""
        global _CMVN
        _CMVN = cmvn
        todo = [(r["id"], r["audio"]) for r in rows]
        if jobs > 1:
            with multiprocessing.get_context("fork").Pool(jobs, initializer=_one_thread) as pool:
                return FeatureCache.write(directory, pool.imap(_featurize, todo, chunksize=32))
        return FeatureCache.write(directory, map(_featurize, todo))


_CMVN: Optional[Cmvn] = None  # build()'s, inherited by its forked workers


def _one_thread() -> None:
    torch.set_num_threads(1)


def _featurize(item) -> Tuple[str, np.ndarray]:
    uid, audio = item
    return uid, _CMVN(compute_fbank(load_wave(audio))).numpy()


def time_stretch(feats: torch.Tensor, factor: float) -> torch.Tensor:
    """Frames resampled to len / factor by linear interpolation: speed perturbation of features
    (factor 1.1 = 10% faster speech, fewer frames)."""
    length = feats.size(0)
    new_length = max(int(round(length / factor)), 1)
    if length < 2 or new_length == length:
        return feats
    pos = torch.linspace(0, length - 1, new_length)
    lo = pos.floor().long().clamp(max=length - 2)
    w = (pos - lo.float()).unsqueeze(1)
    return feats[lo] * (1 - w) + feats[lo + 1] * w


class FeatureAugmenter:
    """On-the-fly augmentation of cached features: a time stretch (speed 0.9 or 1.1, with
    AugmentConfig.speed_prob), then SpecAugment."""

    def __init__(self, cfg: Optional[AugmentConfig] = None, seed: int = 0):
        self.cfg = cfg or AugmentConfig()
        self.rng = random.Random(seed)

    def reseed(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def __call__(self, feats: torch.Tensor) -> torch.Tensor:
        if self.rng.random() < self.cfg.speed_prob:
            feats = time_stretch(feats, self.rng.choice([0.9, 1.1]))
        return spec_augment(feats, self.cfg, self.rng)
