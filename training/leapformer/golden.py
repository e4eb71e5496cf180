"""golden/: WAVs plus what PyTorch computed on them, for the C# parity tests."""
import json
import logging
import math
import os
import shutil
from typing import List

import torch

from .fbank import Cmvn, compute_fbank, load_wave
from .streaming import StepModules, simul_decode, stream_encoder

GOLDEN_KS = (3, 5, -1)  # -1 = offline
# A greedy step whose two best logits are closer than this could flip between
# PyTorch and ONNX Runtime float rounding; such utterances are not used as golden.
MIN_MARGIN = 0.01


def write_golden(steps: StepModules, params, sp, cmvn: Cmvn, wavs: List[str], out_dir: str,
                 count: int = 3, min_margin: float = MIN_MARGIN) -> List[dict]:
    """Writes `count` of `wavs` whose decodes all keep min_margin (falling back
    to the best remaining ones if too few do)."""
    os.makedirs(out_dir, exist_ok=True)
    docs = [_golden_doc(steps, params, sp, cmvn, wav) for wav in wavs]
    ok = [d for d in docs if d["margin"] >= min_margin]
    # prefer utterances whose tokens differ between k = 3, 5 and offline (a
    # stronger parity test of the READ/WRITE schedule); stable otherwise
    chosen = sorted(ok, key=lambda d: _same_tokens(d["doc"]))[:count]
    if len(chosen) < count:
        rest = sorted((d for d in docs if d not in chosen), key=lambda d: -d["margin"])
        chosen += rest[: count - len(chosen)]
        logging.warning("golden: only %d utterances keep a logit margin >= %g",
                        sum(d["margin"] >= min_margin for d in docs), min_margin)
    summaries = []
    for idx, d in enumerate(chosen):
        name = f"utt{idx}"
        shutil.copyfile(d["path"], os.path.join(out_dir, name + ".wav"))
        doc = dict(d["doc"], wav=name + ".wav")
        with open(os.path.join(out_dir, name + ".json"), "w") as f:
            json.dump(doc, f)
        summaries.append({"name": name, "source": os.path.basename(d["path"]),
                          "decodes": doc["decodes"], "margin": d["margin"]})
    return summaries


def _golden_doc(steps: StepModules, params, sp, cmvn: Cmvn, wav: str) -> dict:
    """fbank, streamed encoder frames and the k = 3, 5, offline decodes of one WAV."""
    wave = load_wave(wav)
    fbank = compute_fbank(wave, dtype=torch.float64)
    feats = cmvn(fbank)
    frames = stream_encoder(steps, feats, params.pre_decision)
    frames = torch.cat(frames, 0) if frames else torch.zeros(0, params.d_model)
    decodes, margin = [], math.inf
    for k in GOLDEN_KS:
        res = simul_decode(
            steps, feats, wave.numel(), k, params.pre_decision,
            params.bos_id, params.eos_id,
            params.max_tokens_base, params.max_tokens_per_frame, params.frame_ms,
        )
        margin = min(margin, res["min_margin"])
        decodes.append({"k": k, "tokens": res["tokens"], "delays_ms": res["delays_ms"],
                        "text": sp.decode(res["tokens"])})
    doc = {
        "wav": "",
        "num_samples": wave.numel(),
        "fbank": fbank.tolist(),
        "encoder_frames": frames.tolist(),
        "decodes": decodes,
    }
    return {"path": wav, "doc": doc, "margin": margin}


def _same_tokens(doc: dict) -> bool:
    return len({tuple(d["tokens"]) for d in doc["decodes"]}) == 1
