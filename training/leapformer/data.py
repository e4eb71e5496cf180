"""fairseq S2T-style TSV manifests, the dataset and length-bucketed batching.

Manifest columns: id  audio  n_frames  tgt_text  speaker  src_text
(audio = WAV path relative to the manifest's folder or absolute; n_frames = 10 ms
fbank frames).
"""
import csv
import multiprocessing
import os
import random
from typing import Dict, Iterator, List

import torch
from torch.utils.data import Dataset, Sampler

from .fbank import Cmvn, compute_fbank, load_wave, truncate_to_subsampling
from .tokens import BOS_ID, EOS_ID, PAD_ID, encode_chars

COLUMNS = ["id", "audio", "n_frames", "tgt_text", "speaker", "src_text"]


def read_manifest(path: str) -> List[Dict[str, str]]:
    base = os.path.dirname(os.path.abspath(path))
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    for r in rows:
        if not os.path.isabs(r["audio"]):
            r["audio"] = os.path.join(base, r["audio"])
        r["n_frames"] = int(r["n_frames"])
    return rows


def write_manifest(path: str, rows: List[Dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([r[c] for c in COLUMNS])


class S2TDataset(Dataset):
    """Yields CMVN features (4 * (L // 4), 80), target ids and CTC char ids.

    Features are cached in memory after the first read (small corpora only).
    """

    def __init__(self, rows, sp, cmvn: Cmvn, cache: bool = True):
        self.rows = rows
        self.sp = sp
        self.cmvn = cmvn
        self.cache = {} if cache else None

    def __len__(self) -> int:
        return len(self.rows)

    def features(self, idx: int) -> torch.Tensor:
        if self.cache is not None and idx in self.cache:
            return self.cache[idx]
        feats = truncate_to_subsampling(self.cmvn(compute_fbank(load_wave(self.rows[idx]["audio"]))))
        if self.cache is not None:
            self.cache[idx] = feats
        return feats

    def preload(self, jobs: int) -> None:
        """Fills the feature cache with `jobs` processes (fork: they inherit self)."""
        if self.cache is None:
            raise ValueError("preload needs the feature cache")
        global _PRELOADING
        _PRELOADING = self
        todo = [i for i in range(len(self.rows)) if i not in self.cache]
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_one_thread) as pool:
            for i, feats in zip(todo, pool.imap(_features_of, todo, chunksize=64)):
                self.cache[i] = torch.from_numpy(feats)
        _PRELOADING = None

    def __getitem__(self, idx: int):
        r = self.rows[idx]
        return {
            "id": r["id"],
            "feats": self.features(idx),
            "tokens": self.sp.encode(r["tgt_text"]),
            "chars": encode_chars(r["src_text"]),
        }


_PRELOADING = None  # the dataset whose preload() forked the pool


def _one_thread() -> None:
    torch.set_num_threads(1)


def _features_of(idx: int):
    # numpy, not a tensor: torch would pass tensors back through shared-memory file
    # descriptors, one per utterance
    return _PRELOADING.features(idx).numpy()


def collate(items) -> Dict[str, torch.Tensor]:
    n = len(items)
    t = max(it["feats"].size(0) for it in items)
    feats = torch.zeros(n, t, items[0]["feats"].size(1))
    u = max(len(it["tokens"]) for it in items) + 1
    prev = torch.full((n, u), PAD_ID, dtype=torch.long)
    target = torch.full((n, u), PAD_ID, dtype=torch.long)
    c = max(max(len(it["chars"]) for it in items), 1)
    chars = torch.zeros(n, c, dtype=torch.long)
    for i, it in enumerate(items):
        f, y, ch = it["feats"], it["tokens"], it["chars"]
        feats[i, : f.size(0)] = f
        prev[i, : len(y) + 1] = torch.tensor([BOS_ID] + y)
        target[i, : len(y) + 1] = torch.tensor(y + [EOS_ID])
        chars[i, : len(ch)] = torch.tensor(ch, dtype=torch.long)
    return {
        "ids": [it["id"] for it in items],
        "feats": feats,
        "feat_lens": torch.tensor([it["feats"].size(0) for it in items]),
        "prev_tokens": prev,
        "target": target,
        "chars": chars,
        "char_lens": torch.tensor([len(it["chars"]) for it in items]),
    }


class BucketBatchSampler(Sampler):
    """Batches of similar length whose padded size stays under max_frames
    (feature frames x utterances); batch order reshuffled every epoch."""

    def __init__(self, lengths: List[int], max_frames: int, shuffle: bool = True, seed: int = 0):
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        self.batches, cur, longest = [], [], 0
        for i in order:
            longest_new = max(longest, lengths[i])
            if cur and longest_new * (len(cur) + 1) > max_frames:
                self.batches.append(cur)
                cur, longest_new = [], lengths[i]
            cur.append(i)
            longest = longest_new
        if cur:
            self.batches.append(cur)
        self.shuffle = shuffle
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self) -> Iterator[List[int]]:
        batches = list(self.batches)
        if self.shuffle:
            random.Random(self.seed + self.epoch).shuffle(batches)
        return iter(batches)

    def __len__(self) -> int:
        return len(self.batches)
