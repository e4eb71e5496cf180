"""Writes encoder.onnx, cross.onnx, decoder.onnx (opset 17) with the names,
dynamic axes and metadata_props of docs/bundle.md."""
from typing import Dict, List

import onnx
import torch

from .model import S2TModel
from .streaming import (
    CrossUpdate,
    DecoderStep,
    EncoderStep,
    cross_state_names,
    decoder_state_names,
    encoder_state_names,
)

OPSET = 17
BUNDLE_VERSION = "1"
# A bundle whose front end levels the fbank (cmvn.json "level_norm" other than "none"): runtimes
# from before the key would ignore it and serve unlevelled features, so they must refuse it.
LEVEL_NORM_BUNDLE_VERSION = "2"
MODEL_TYPE = "leapformer-s2t"
# Example sizes for tracing only; every one of them is a dynamic axis.
_N, _T, _F, _CACHE = 2, 8, 3, 3


def _example_states(model: S2TModel, names: List[str], shapes: List[tuple]):
    """Zero states with non-zero growing caches, so tracing sees a general concat."""
    out = []
    for shape in shapes:
        shape = list(shape)
        shape[0] = _N
        if model.attention == "softmax" and len(shape) == 4 and shape[2] == 0:
            shape[2] = _CACHE
        out.append(torch.randn(*shape) * 0.1)
    return out


def _axes(model: S2TModel, names: List[str], cache_axis: str) -> Dict[str, Dict[int, str]]:
    axes = {}
    for name in names:
        axes[name] = {0: "N"}
        if model.attention == "softmax" and not name.startswith("cached_conv"):
            axes[name][2] = cache_axis
    return axes


def _shapes(states: List[torch.Tensor]):
    return [tuple(s.shape) for s in states]


def export_encoder(model: S2TModel, path: str, meta: Dict[str, str]) -> None:
    names = encoder_state_names(model)
    states = _example_states(model, names, _shapes(model.encoder.init_state(1)))
    x = torch.randn(_N, _T, model.encoder.subsampling.feature_dim)
    axes = {"x": {0: "N", 1: "T"}, "frames": {0: "N", 1: "T_out"}}
    axes.update(_axes(model, names, "T_cache"))
    axes.update(_axes(model, ["new_" + n for n in names], "T_cache_out"))
    _export(EncoderStep(model), (x, *states), ["x"] + names,
            ["frames"] + ["new_" + n for n in names], axes, path, dict(meta, graph="encoder"))


def export_cross(model: S2TModel, path: str, meta: Dict[str, str]) -> None:
    names = cross_state_names(model)
    states = _example_states(model, names, _shapes(model.decoder.init_cross_state(1)))
    frames = torch.randn(_N, _F, model.decoder.d_model)
    axes = {"frames": {0: "N", 1: "F"}}
    axes.update(_axes(model, names, "T_cache"))
    axes.update(_axes(model, ["new_" + n for n in names], "T_cache_out"))
    _export(CrossUpdate(model), (frames, *states), ["frames"] + names,
            ["new_" + n for n in names], axes, path, dict(meta, graph="cross"))


def export_decoder(model: S2TModel, path: str, meta: Dict[str, str]) -> None:
    dec = decoder_state_names(model)
    cross = cross_state_names(model)
    dec_states = _example_states(model, dec, _shapes(model.decoder.init_self_state(1)))
    cross_states = _example_states(model, cross, _shapes(model.decoder.init_cross_state(1)))
    token = torch.tensor([5, 7][:_N], dtype=torch.int64)
    pos = torch.tensor([0, 3][:_N], dtype=torch.int64)
    axes = {"token": {0: "N"}, "pos": {0: "N"}, "logits": {0: "N"}}
    axes.update(_axes(model, dec, "T_cache"))
    axes.update(_axes(model, cross, "T_cross"))
    axes.update(_axes(model, ["new_" + n for n in dec], "T_cache_out"))
    _export(DecoderStep(model), (token, pos, *dec_states, *cross_states),
            ["token", "pos"] + dec + cross, ["logits"] + ["new_" + n for n in dec],
            axes, path, dict(meta, graph="decoder"))


def _export(module, args, input_names, output_names, axes, path, meta) -> None:
    module.eval()
    with torch.no_grad():
        torch.onnx.export(
            module, args, path,
            input_names=input_names, output_names=output_names,
            dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True,
        )
    fix_state_output_shapes(path, growing=module_is_softmax(module))
    add_metadata(path, meta)


def module_is_softmax(module) -> bool:
    return any(getattr(m, "kind", "") == "softmax" for m in module.modules())


def fix_state_output_shapes(path: str, growing: bool) -> None:
    """new_X gets the declared shape of X where it cannot grow (the exporter
    cannot infer that a Slice of the last 2 frames has length 2)."""
    m = onnx.load(path)
    inputs = {i.name: i for i in m.graph.input}
    for out in m.graph.output:
        src = inputs.get(out.name[4:]) if out.name.startswith("new_") else None
        if src is None or (growing and not src.name.startswith("cached_conv")):
            continue
        out.type.tensor_type.shape.CopyFrom(src.type.tensor_type.shape)
    onnx.save(m, path)


def add_metadata(path: str, meta: Dict[str, str]) -> None:
    m = onnx.load(path)
    del m.metadata_props[:]
    for key, value in meta.items():
        entry = m.metadata_props.add()
        entry.key, entry.value = key, str(value)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def bundle_metadata(params, model_name: str, level_norm: str = "none") -> Dict[str, str]:
    """metadata_props shared by the three graphs (graph is added per file).

    level_norm is cmvn.json's (Cmvn.level_norm): recorded in the graphs as well, so the
    runtime can tell a cmvn.json that lost its keys from the one the model was trained with;
    any level_norm but "none" makes the bundle version 2 (docs/bundle.md, "Versions").
    """
    p = params
    meta = {
        "model_type": MODEL_TYPE,
        "version": BUNDLE_VERSION if level_norm == "none" else LEVEL_NORM_BUNDLE_VERSION,
        "attention": p.attention,
        "sample_rate": p.sample_rate,
        "feature_dim": p.feature_dim,
        "subsampling": p.subsampling,
        "frame_ms": p.frame_ms,
        "pre_decision": p.pre_decision,
        "default_k": p.default_k,
        "k_min": p.k_min,
        "k_max": p.k_max,
        "vocab_size": p.vocab_size,
        "bos_id": p.bos_id,
        "eos_id": p.eos_id,
        "pad_id": p.pad_id,
        "unk_id": p.unk_id,
        "src_lang": p.src_lang,
        "tgt_lang": p.tgt_lang,
        "d_model": p.d_model,
        "num_heads": p.num_heads,
        "head_dim": p.d_model // p.num_heads,
        "encoder_layers": p.encoder_layers,
        "decoder_layers": p.decoder_layers,
        "ffn_dim": p.ffn_dim,
        "max_tokens_base": p.max_tokens_base,
        "max_tokens_per_frame": p.max_tokens_per_frame,
        "model_name": model_name,
        "level_norm": level_norm,
    }
    if p.get("encoder_pos_kernel", 0):
        # Informational: the runtime needs nothing but the cached_conv_pos state it finds in encoder.onnx.
        meta["encoder_pos_kernel"] = p.encoder_pos_kernel
    return {k: str(v) for k, v in meta.items()}
