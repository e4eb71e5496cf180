"""fairseq S2T-style TSV manifests, the dataset and length-bucketed batching.

Manifest columns: id  audio  n_frames  tgt_text  speaker  src_text
(audio = WAV path relative to the manifest's folder or absolute; n_frames = 10 ms
fbank frames).
"""
import csv
import multiprocessing
import os
import random
from collections import defaultdict
from typing import Dict, Iterator, List, NamedTuple

import torch
from torch.utils.data import Dataset, Sampler

from .fbank import SAMPLE_RATE, Cmvn, compute_fbank, load_wave, truncate_to_subsampling
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
        w = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_NONE, quotechar=None,
                       lineterminator="\n")
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([r[c] for c in COLUMNS])


class Group(NamedTuple):
    """One training example: these rows' audio joined with these pauses (samples) between
    them, their texts joined with spaces. A single row has no pause."""
    rows: List[int]
    pauses: List[int]


def plan_groups(rows, rng: random.Random, concat_prob: float = 0.0, max_sentences: int = 4,
                max_frames: int = 3000, repeat_real: int = 1) -> List[Group]:
    """Every row once (rows of a real speaker, "real:..." in the speaker column, repeat_real
    times), and with concat_prob a row is joined by 1..max_sentences-1 other rows of the same
    speaker (pauses 0.1-1.0 s), up to max_frames 10 ms frames in all: long speech of 2-4
    sentences, so that long inputs translate and the decoder learns to go on, not to loop."""
    by_speaker = defaultdict(list)
    for i, r in enumerate(rows):
        by_speaker[r["speaker"]].append(i)
    groups = []
    for i, r in enumerate(rows):
        for _ in range(repeat_real if r["speaker"].startswith("real:") else 1):
            members, pauses, frames = [i], [], r["n_frames"]
            if rng.random() < concat_prob:
                for _ in range(rng.randint(1, max_sentences - 1)):
                    j = rng.choice(by_speaker[r["speaker"]])
                    pause = int(rng.uniform(0.1, 1.0) * SAMPLE_RATE)
                    if frames + rows[j]["n_frames"] + pause // 160 > max_frames:
                        break
                    members.append(j)
                    pauses.append(pause)
                    frames += rows[j]["n_frames"] + pause // 160
            groups.append(Group(members, pauses))
    return groups


class S2TDataset(Dataset):
    """Yields normalised features (4 * (L // 4), 80), target ids and CTC char ids of each
    group (plan_groups; default: every row alone).

    Without an augmenter, a single row's features are cached in memory after the first read
    (small corpora only); with one, every read computes them anew from the augmented wave.
    With a feature_cache (feature_cache.FeatureCache, on disk) the features are read from it,
    a group's pauses become frames of silence, and feature_augmenter (if any) runs on them.
    """

    def __init__(self, rows, sp, cmvn: Cmvn, cache: bool = True, groups: List[Group] = None,
                 augmenter=None, ctc_alphabet: str = "chars", feature_cache=None,
                 feature_augmenter=None):
        self.rows = rows
        self.sp = sp
        self.cmvn = cmvn
        self.groups = groups if groups is not None else [Group([i], []) for i in range(len(rows))]
        self.augmenter = augmenter
        self.ctc_alphabet = ctc_alphabet  # tokens.CTC_ALPHABETS
        self.cache = {} if cache and augmenter is None and feature_cache is None else None
        self.feature_cache = feature_cache
        self.feature_augmenter = feature_augmenter
        self._silence = None  # one normalised frame of digital silence, for pauses

    def __len__(self) -> int:
        return len(self.groups)

    def lengths(self) -> List[int]:
        """10 ms frames of each group (for length bucketing)."""
        return [sum(self.rows[i]["n_frames"] for i in g.rows) + sum(g.pauses) // 160
                for g in self.groups]

    def wave(self, idx: int) -> torch.Tensor:
        g = self.groups[idx]
        parts = [load_wave(self.rows[g.rows[0]]["audio"])]
        for j, pause in zip(g.rows[1:], g.pauses):
            parts += [torch.zeros(pause), load_wave(self.rows[j]["audio"])]
        return torch.cat(parts) if len(parts) > 1 else parts[0]

    def featurize(self, wave: torch.Tensor, vtln_warp: float = 1.0) -> torch.Tensor:
        return truncate_to_subsampling(self.cmvn(compute_fbank(wave, vtln_warp=vtln_warp)))

    def cached_features(self, idx: int) -> torch.Tensor:
        g = self.groups[idx]
        parts = [self.feature_cache.get(self.rows[g.rows[0]]["id"])]
        for j, pause in zip(g.rows[1:], g.pauses):
            if self._silence is None:
                self._silence = self.cmvn(compute_fbank(torch.zeros(400)))[:1]
            parts += [self._silence.expand(pause // 160, -1), self.feature_cache.get(self.rows[j]["id"])]
        feats = torch.cat(parts) if len(parts) > 1 else parts[0]
        if self.feature_augmenter is not None:
            feats = self.feature_augmenter(feats)
        return truncate_to_subsampling(feats)

    def features(self, idx: int) -> torch.Tensor:
        if self.feature_cache is not None:
            return self.cached_features(idx)
        if self.cache is not None and idx in self.cache:
            return self.cache[idx]
        if self.augmenter is not None:
            return self.augmenter.features(self.wave(idx), self.featurize)
        feats = self.featurize(self.wave(idx))
        if self.cache is not None:
            self.cache[idx] = feats
        return feats

    def preload(self, jobs: int) -> None:
        """Fills the feature cache with `jobs` processes (fork: they inherit self)."""
        if self.cache is None:
            raise ValueError("preload needs the feature cache")
        global _PRELOADING
        _PRELOADING = self
        todo = [i for i in range(len(self)) if i not in self.cache]
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_one_thread) as pool:
            for i, feats in zip(todo, pool.imap(_features_of, todo, chunksize=64)):
                self.cache[i] = torch.from_numpy(feats)
        _PRELOADING = None

    def __getitem__(self, idx: int):
        rows = [self.rows[i] for i in self.groups[idx].rows]
        return {
            "id": "+".join(r["id"] for r in rows),
            "feats": self.features(idx),
            "tokens": self.sp.encode(" ".join(r["tgt_text"] for r in rows)),
            "chars": encode_chars(" ".join(r["src_text"] for r in rows), self.ctc_alphabet),
        }


def augment_worker_init(worker_id: int) -> None:
    """DataLoader worker: one torch thread, and the augmenter reseeded from the worker's seed
    (which the loader draws anew every epoch from the main process's torch RNG)."""
    torch.set_num_threads(1)
    info = torch.utils.data.get_worker_info()
    for augmenter in (info.dataset.augmenter, info.dataset.feature_augmenter):
        if augmenter is not None:
            augmenter.reseed(info.seed % 2**31)


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
    (feature frames x utterances); batch order reshuffled every epoch. With world_size > 1
    each rank takes every world_size-th batch of the same shuffled order (the last few are
    dropped so that every rank has as many); set_epoch's skip resumes inside an epoch."""

    def __init__(self, lengths: List[int], max_frames: int, shuffle: bool = True, seed: int = 0,
                 rank: int = 0, world_size: int = 1):
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
        self.skip = 0
        self.rank, self.world_size = rank, world_size

    def set_epoch(self, epoch: int, skip: int = 0) -> None:
        """The epoch's order; its first `skip` batches (of this rank) are left out."""
        self.epoch, self.skip = epoch, skip

    def __iter__(self) -> Iterator[List[int]]:
        batches = list(self.batches)
        if self.shuffle:
            random.Random(self.seed + self.epoch).shuffle(batches)
        if self.world_size > 1:
            batches = batches[self.rank:len(batches) // self.world_size * self.world_size:self.world_size]
        return iter(batches[self.skip:])

    def __len__(self) -> int:
        n = len(self.batches) // self.world_size if self.world_size > 1 else len(self.batches)
        return max(n - self.skip, 0)
