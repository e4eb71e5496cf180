"""Runs a bundle's ONNX files the way the C# runtime does (NumPy interpreter, names
and shapes from the graphs, docs/bundle.md wait-k loop written out again here,
independently of leapformer.streaming) and compares with its golden/ files."""
import glob
import json
import math
import os
from typing import Dict

import numpy as np

from onnx_numpy import NumpyOnnx


def _zero_states(sess: NumpyOnnx, skip) -> Dict[str, np.ndarray]:
    out = {}
    for i in sess.model.graph.input:
        if i.name in sess.inits or i.name in skip:
            continue
        dims = [1 if d.dim_param == "N" else (0 if d.dim_param else d.dim_value)
                for d in i.type.tensor_type.shape.dim]
        out[i.name] = np.zeros(dims, np.float32)
    return out


class BundleRunner:
    def __init__(self, bundle: str):
        self.enc = NumpyOnnx(os.path.join(bundle, "encoder.onnx"))
        self.cross = NumpyOnnx(os.path.join(bundle, "cross.onnx"))
        self.dec = NumpyOnnx(os.path.join(bundle, "decoder.onnx"))
        m = self.enc.meta
        self.P = int(m["pre_decision"])
        self.bos, self.eos = int(m["bos_id"]), int(m["eos_id"])
        self.base, self.per_frame = float(m["max_tokens_base"]), float(m["max_tokens_per_frame"])
        self.frame_ms = int(m["frame_ms"])
        with open(os.path.join(bundle, "cmvn.json")) as f:
            c = json.load(f)
        self.mean = np.array(c["mean"], np.float32)
        self.istd = np.array(c["istd"], np.float32)
        self.level_norm = c.get("level_norm", "none")
        self.level_decay = float(c.get("level_decay", 0.005))
        assert self.level_norm in ("none", "peak"), self.level_norm
        assert m.get("level_norm", self.level_norm) == self.level_norm, "graphs and cmvn.json disagree"

    def levelled(self, fbank: np.ndarray) -> np.ndarray:
        """docs/bundle.md's peak tracker, frame by frame in float64 as the runtime runs it."""
        if self.level_norm == "none":
            return fbank
        out = np.empty_like(fbank)
        peak = None
        for t, row in enumerate(fbank):
            level = float(np.mean(row.astype(np.float64)))
            peak = level if peak is None else max(peak - self.level_decay, level)
            out[t] = row.astype(np.float64) - peak
        return out

    def encode(self, fbank: np.ndarray) -> np.ndarray:
        feats = ((self.levelled(fbank) - self.mean) * self.istd).astype(np.float32)
        used = 4 * (len(feats) // 4)
        st = _zero_states(self.enc, {"x"})
        frames = []
        for s in range(0, used, 4 * self.P):
            o = self.enc.run(dict(st, x=feats[None, s: min(s + 4 * self.P, used)]))
            st = {k: o["new_" + k] for k in st}
            frames.append(o["frames"][0])
        return np.concatenate(frames) if frames else np.zeros((0, 1), np.float32)

    def decode(self, frames: np.ndarray, num_samples: int, k: int):
        cross = _zero_states(self.cross, {"frames"})
        dec = {n: v for n, v in _zero_states(self.dec, {"token", "pos"}).items() if n.startswith("dec_")}
        s = {"read": 0, "prev": self.bos, "done": False, "end": False, "dec": dec}
        tokens, delays = [], []
        source_ms = num_samples * 1000 / 16000

        def write():
            while not s["end"] and len(tokens) < self.base + math.floor(self.per_frame * s["read"]):
                i = len(tokens)
                if not s["done"] and (k < 0 or s["read"] < (k + i) * self.P):
                    return
                o = self.dec.run(dict(s["dec"], **cross, token=np.array([s["prev"]], np.int64),
                                      pos=np.array([i], np.int64)))
                y = int(np.argmax(o["logits"][0]))
                if y == self.eos:
                    s["end"] = s["done"]
                    return
                s["dec"] = {n: o["new_" + n] for n in s["dec"]}
                tokens.append(y)
                s["prev"] = y
                delays.append(source_ms if s["done"] else s["read"] * self.frame_ms)

        for a in range(0, len(frames), self.P):
            part = frames[a: a + self.P]
            o = self.cross.run(dict(cross, frames=part[None]))
            cross = {n: o["new_" + n] for n in cross}
            s["read"] += len(part)
            write()
        s["done"] = True
        write()
        return tokens, delays


def check_bundle(bundle: str) -> int:
    """Asserts golden/ is reproduced by the ONNX files; returns the utterances checked."""
    runner = BundleRunner(bundle)
    files = sorted(glob.glob(os.path.join(bundle, "golden", "*.json")))
    assert len(files) >= 3
    for path in files:
        with open(path) as f:
            g = json.load(f)
        assert os.path.exists(os.path.join(bundle, "golden", g["wav"]))
        fbank = np.array(g["fbank"], np.float32)
        assert fbank.shape == (1 + (g["num_samples"] - 400) // 160, 80)
        frames = runner.encode(fbank)
        ref = np.array(g["encoder_frames"], np.float32)
        assert ref.shape[0] == len(fbank) // 4 and frames.shape == ref.shape
        assert np.abs(frames - ref).max() < 1e-3
        assert [d["k"] for d in g["decodes"]] == [3, 5, -1]
        for d in g["decodes"]:
            tokens, delays = runner.decode(frames, g["num_samples"], d["k"])
            assert tokens == d["tokens"], (path, d["k"])
            assert np.allclose(delays, d["delays_ms"])
    return len(files)
