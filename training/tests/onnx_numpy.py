"""A tiny NumPy interpreter for the ONNX ops our exported graphs use.

There is no onnxruntime in this environment; this lets pytest run the exported
files themselves (not only the torch wrappers) against PyTorch. It raises on any
op it does not know, so a new op in the graphs is noticed here first.
"""
from typing import Dict

import numpy as np
import onnx
from onnx import numpy_helper

try:
    from onnx.helper import tensor_dtype_to_np_dtype
except ImportError:  # onnx < 1.13
    from onnx.mapping import TENSOR_TYPE_TO_NP_TYPE

    def tensor_dtype_to_np_dtype(t):
        return TENSOR_TYPE_TO_NP_TYPE[t]


def _attrs(node) -> Dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv(x, w, b, a):
    # 1-D convolution, NCT layout
    s = a.get("strides", [1])[0]
    d = a.get("dilations", [1])[0]
    p0, p1 = (a.get("pads", [0, 0]) + [0, 0])[:2]
    assert a.get("group", 1) == 1
    x = np.pad(x, ((0, 0), (0, 0), (p0, p1)))
    k = w.shape[2]
    t_out = (x.shape[2] - d * (k - 1) - 1) // s + 1
    out = np.zeros((x.shape[0], w.shape[0], t_out), dtype=x.dtype)
    for j in range(k):
        xs = x[:, :, j * d: j * d + s * (t_out - 1) + 1: s]  # (N, C, T_out)
        out += np.einsum("oc,nct->not", w[:, :, j], xs)
    if b is not None:
        out += b[None, :, None]
    return out


def _layer_norm(x, scale, bias, a):
    axis = a.get("axis", -1)
    eps = a.get("epsilon", 1e-5)
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps) * scale
    return y + bias if bias is not None else y


def _reshape(x, shape):
    shape = [x.shape[i] if v == 0 else int(v) for i, v in enumerate(shape)]
    return x.reshape(shape)


def _slice(x, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    idx = [slice(None)] * x.ndim
    for s, e, ax, st in zip(starts, ends, axes, steps):
        idx[int(ax)] = slice(int(s), int(e), int(st))
    return x[tuple(idx)]


def _div(a, b):
    if np.issubdtype(a.dtype, np.integer):
        return (np.trunc(a / b)).astype(a.dtype)
    return a / b


def _softmax(x, a):
    axis = a.get("axis", -1)
    if x.shape[axis] == 0:
        return x
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _run_node(op, ins, a):
    if op == "Constant":
        return numpy_helper.to_array(a["value"])
    if op in ("Add", "Sub", "Mul"):
        f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply}[op]
        return f(ins[0], ins[1]).astype(np.result_type(ins[0], ins[1]))
    if op == "Div":
        return _div(ins[0], ins[1])
    if op == "Cast":
        return ins[0].astype(tensor_dtype_to_np_dtype(a["to"]))
    if op == "Clip":
        lo = ins[1] if len(ins) > 1 and ins[1] is not None else None
        hi = ins[2] if len(ins) > 2 and ins[2] is not None else None
        y = ins[0]
        if lo is not None:
            y = np.maximum(y, lo)
        if hi is not None:
            y = np.minimum(y, hi)
        return y.astype(ins[0].dtype)
    if op == "Concat":
        return np.concatenate(ins, axis=a["axis"])
    if op == "Conv":
        return _conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
    unary = {"Cos": np.cos, "Sin": np.sin, "Exp": np.exp, "Sqrt": np.sqrt,
             "Relu": lambda x: np.maximum(x, 0).astype(x.dtype),
             "Sigmoid": lambda x: (1 / (1 + np.exp(-x))).astype(x.dtype),
             "Not": np.logical_not, "Neg": np.negative}
    if op in unary:
        return unary[op](ins[0])
    if op == "Gather":
        return np.take(ins[0], ins[1], axis=a.get("axis", 0))
    cmp = {"GreaterOrEqual": np.greater_equal, "Greater": np.greater, "Less": np.less,
           "LessOrEqual": np.less_equal, "Equal": np.equal}
    if op in cmp:
        return cmp[op](ins[0], ins[1])
    if op == "LayerNormalization":
        return _layer_norm(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
    if op == "MatMul":
        return np.matmul(ins[0], ins[1])
    if op == "Range":
        return np.arange(ins[0], ins[1], ins[2]).astype(ins[0].dtype)
    if op == "ReduceSum":
        axes = tuple(int(v) for v in ins[1]) if len(ins) > 1 and ins[1] is not None else None
        return np.sum(ins[0], axis=axes, keepdims=bool(a.get("keepdims", 1))).astype(ins[0].dtype)
    if op == "Reshape":
        return _reshape(ins[0], ins[1])
    if op == "Shape":
        return np.array(ins[0].shape[a.get("start", 0): a.get("end", None)], dtype=np.int64)
    if op == "Slice":
        return _slice(*ins)
    if op == "Transpose":
        return np.transpose(ins[0], a.get("perm"))
    if op == "Unsqueeze":
        y = ins[0]
        for ax in sorted(int(v) % (y.ndim + len(ins[1])) for v in ins[1]):
            y = np.expand_dims(y, ax)
        return y
    if op == "Squeeze":
        return np.squeeze(ins[0], axis=tuple(int(v) for v in ins[1]))
    if op == "Identity":
        return ins[0]
    if op == "Where":
        return np.where(ins[0], ins[1], ins[2])
    if op == "Softmax":
        return _softmax(ins[0], a)
    if op == "Expand":
        return ins[0] * np.ones(tuple(int(v) for v in ins[1]), dtype=ins[0].dtype)
    raise NotImplementedError(f"ONNX op {op}")


class NumpyOnnx:
    """run(feeds) -> {output name: array}, like onnxruntime's InferenceSession.run."""

    def __init__(self, path: str):
        self.model = onnx.load(path)
        g = self.model.graph
        self.inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
        self.input_names = [i.name for i in g.input if i.name not in self.inits]
        self.output_names = [o.name for o in g.output]
        self.meta = {p.key: p.value for p in self.model.metadata_props}

    def run(self, feeds: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        env = dict(self.inits)
        env.update(feeds)
        for node in self.model.graph.node:
            ins = [env[n] if n else None for n in node.input]
            out = _run_node(node.op_type, ins, _attrs(node))
            env[node.output[0]] = np.asarray(out)
        return {n: env[n] for n in self.output_names}
