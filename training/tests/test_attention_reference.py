"""LeaP attention against its formula, written out as a naive double loop over positions.

test_attention_forms.py proves the parallel, chunked and recurrent forms agree with each
other; they share one feature function, so a wrong feature (the cosine half zeroed, keys
reading the queries' proportion network) passes there. Here every form (parallel, chunked,
step by step; cross-attention's masked parallel form and extend/attend) is compared with

    out_i = sum_{j visible} sim(i, j) v_j / max(sum_{j visible} sim(i, j), DEN_MIN)
    sim(i, j) = f(q_i) . f(k_j) * cos(pi/2 * (p_q(i) - p_k(j)))

(j <= i for self-attention, j < g(i) of wait-k for cross-attention), computed per batch
row, head, query and key from leap_attention.py's docstring definitions:
  relu      f(x) = relu(x),  p_q = Q(relu(q)), p_k = K(relu(k));
  hedgehog  f(x) = [softmax(x W_h + b_h), softmax(-(x W_h + b_h))],  p_q = Q(q), p_k = K(k);
  taylor    f(q) . f(k) = 1 + s + s^2/2, s = q.k / sqrt(dk),  p_q = Q(q), p_k = K(k);
with Q, K the query and key proportion networks, P(x) = sigmoid(W2 relu(W1 x)), applied
here from their weights. Only the q/k/v/out projections are the module's own Linear layers.
The last test runs the comparison against copies of the module's code with each of the two
mutations above (taylor's parallel scores mutated alike) and requires it to fail.
"""
import math

import pytest
import torch

from leapformer import leap_attention
from leapformer.leap_attention import DEN_MIN, FEATURES, LeapAttention
from leapformer.masks import causal_mask, g_of, wait_k_visible

D, H = 32, 4
TOL = 1e-8  # float64: ~1e-15 for relu and hedgehog, ~1e-9 for taylor (terms up to s^2)
CAUGHT = 1e-3  # a mutation moves the output by far more than this
FORMS = ["parallel", "chunked", "recurrent", "cross-parallel", "cross-recurrent"]


def make(feature, seed=0):
    torch.manual_seed(seed)
    attn = LeapAttention(D, H, feature=feature).double().eval()
    with torch.no_grad():
        # proportions spread over (0, 1) as a trained model's do (at initialisation they
        # all sit near 0.5, where keys reading the queries' network changes little)
        for net in (attn.q_prop, attn.k_prop):
            for layer in (net.w1, net.w2):
                layer.weight.normal_(0.0, 2.0 / math.sqrt(layer.in_features))
                layer.bias.normal_(0.0, 1.0)
        if feature == "hedgehog":  # away from the identity start, so W_h and b_h matter
            attn.hh_weight.add_(0.3 * torch.randn_like(attn.hh_weight))
            attn.hh_bias.add_(0.3 * torch.randn_like(attn.hh_bias))
    return attn


def proportion(net, x):
    """P(x) = sigmoid(W2 relu(W1 x)) for one vector x (dk,), from the network's weights."""
    hidden = torch.relu(net.w1.weight @ x + net.w1.bias)
    return float(torch.sigmoid(net.w2.weight @ hidden + net.w2.bias))


def similarity(attn, h, q, k):
    """sim of one query vector q and one key vector k (dk,) in head h."""
    feature, dk = attn.feature, attn.head_dim
    if feature == "relu":
        q, k = torch.relu(q), torch.relu(k)
    pq, pk = proportion(attn.q_prop, q), proportion(attn.k_prop, k)
    if feature == "relu":
        dot = float(q @ k)
    elif feature == "hedgehog":
        def f(x):
            y = x @ attn.hh_weight[h] + attn.hh_bias[h, 0]
            return torch.cat([torch.softmax(y, 0), torch.softmax(-y, 0)])
        dot = float(f(q) @ f(k))
    else:
        s = float(q @ k) / math.sqrt(dk)
        dot = 1.0 + s + s * s / 2
    return dot * math.cos(math.pi / 2 * (pq - pk))


def naive(attn, query, memory, visible):
    """out (N, Tq, d) by the formula; visible(b, i, j) says whether query i sees key j."""
    n, tq, tk = query.size(0), query.size(1), memory.size(1)
    dk = attn.head_dim
    q = attn.q_proj(query).view(n, tq, H, dk)
    k = attn.k_proj(memory).view(n, tk, H, dk)
    v = attn.v_proj(memory).view(n, tk, H, dk)
    heads = torch.zeros(n, tq, H, dk, dtype=query.dtype)
    for b in range(n):
        for h in range(H):
            for i in range(tq):
                num, den = torch.zeros(dk, dtype=query.dtype), 0.0
                for j in range(tk):
                    if visible(b, i, j):
                        sim = similarity(attn, h, q[b, i, h], k[b, j, h])
                        num = num + sim * v[b, j, h]
                        den += sim
                heads[b, i, h] = num / max(den, DEN_MIN)
    return attn.out_proj(heads.reshape(n, tq, D))


LENS = [11, 6]  # cross-attention: memory frames of each row
WAIT_K, P = 2, 2


def run_form(attn, form, x, mem):
    """The module's output for x (self-attention forms) or queries x over mem (cross)."""
    n, t = x.shape[:2]
    if form == "parallel":
        return attn(x, x, causal_mask(t))
    if form in ("chunked", "recurrent"):
        sizes = [3, 1, 4, t - 8] if form == "chunked" else [1] * t
        state, outs, s = attn.init_state(n, torch.float64), [], 0
        for c in sizes:
            o, state = attn.causal_chunk(x[:, s: s + c], state)
            outs.append(o)
            s += c
        return torch.cat(outs, 1)
    if form == "cross-parallel":
        return attn(x, mem, wait_k_visible(torch.tensor(LENS), t, mem.size(1), WAIT_K, P))
    rows = []  # cross-recurrent: the state holds exactly the first g(i) frames for query i
    for b in range(n):
        state, read, outs = attn.init_state(1, torch.float64), 0, []
        for i in range(t):
            g = g_of(i, LENS[b], WAIT_K, P)
            state = attn.extend(mem[b: b + 1, read:g], state)
            read = g
            outs.append(attn.attend(x[b: b + 1, i: i + 1], state))
        rows.append(torch.cat(outs, 1))
    return torch.cat(rows, 0)


def reference(attn, form, x, mem):
    if form.startswith("cross"):
        return naive(attn, x, mem, lambda b, i, j: j < g_of(i, LENS[b], WAIT_K, P))
    return naive(attn, x, x, lambda b, i, j: j <= i)


def inputs(seed):
    g = torch.Generator().manual_seed(100 + seed)
    x = torch.randn(2, 12, D, generator=g, dtype=torch.float64)
    mem = torch.randn(2, max(LENS), D, generator=g, dtype=torch.float64)
    return x, mem


def error(attn, form, seed=0):
    """Largest difference between the module's form and the formula."""
    x, mem = inputs(seed)
    with torch.no_grad():
        return float((run_form(attn, form, x, mem) - reference(attn, form, x, mem)).abs().max())


@pytest.mark.parametrize("feature", FEATURES)
@pytest.mark.parametrize("form", FORMS)
def test_every_form_equals_the_formula(feature, form):
    for seed in (0, 1):
        assert error(make(feature, seed), form, seed) < TOL


# ---- the two mutations of the issue, as copies of the module's code with one change ----

def _phi_cos_half_zeroed(self, x, prop):
    out = ORIGINAL_PHI(self, x, prop)
    half = out.size(-1) // 2
    return torch.cat([out[..., :half], torch.zeros_like(out[..., half:])], dim=-1)


def _taylor_scores_cos_half_zeroed(self, query, memory):
    """Taylor's parallel form with the same change: only the sin . sin half is left."""
    q = self._heads(self.q_proj(query))
    k = self._heads(self.k_proj(memory))
    s = torch.matmul(q, k.transpose(-1, -2)) * self.head_dim ** -0.5
    aq = (math.pi / 2) * self.q_prop(q)
    ak = (math.pi / 2) * self.k_prop(k)
    return (1.0 + s + 0.5 * s * s) * torch.sin(aq) * torch.sin(ak).transpose(-1, -2)


def _phi_kv_query_proportions(self, memory):
    fk = self._phi(self._heads(self.k_proj(memory)), self.q_prop)  # was self.k_prop
    return fk, self._heads(self.v_proj(memory))


def _taylor_scores_query_proportions(self, query, memory):
    q = self._heads(self.q_proj(query))
    k = self._heads(self.k_proj(memory))
    s = torch.matmul(q, k.transpose(-1, -2)) * self.head_dim ** -0.5
    aq = (math.pi / 2) * self.q_prop(q)
    ak = (math.pi / 2) * self.q_prop(k)  # was self.k_prop
    return (1.0 + s + 0.5 * s * s) * torch.cos(aq - ak.transpose(-1, -2))


ORIGINAL_PHI = LeapAttention._phi
MUTATIONS = {
    "cos-half-zeroed": {"_phi": _phi_cos_half_zeroed,
                        "_taylor_scores": _taylor_scores_cos_half_zeroed},
    "keys-use-query-proportions": {"phi_kv": _phi_kv_query_proportions,
                                   "_taylor_scores": _taylor_scores_query_proportions},
}


@pytest.mark.parametrize("feature", FEATURES)
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_the_comparison_fails_on_each_mutation(monkeypatch, mutation, form, feature):
    for name, fn in MUTATIONS[mutation].items():
        monkeypatch.setattr(leap_attention.LeapAttention, name, fn)
    assert error(make(feature), form) > CAUGHT
