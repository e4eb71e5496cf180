"""pytest setup: import path, 2 threads, mkldnn off (see leapformer.utils.setup_torch)."""
import os
import subprocess
import sys

# before torch loads libgomp (see train.py)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import pytest  # noqa: E402
import torch  # noqa: E402

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TRAINING)
sys.path.insert(0, os.path.join(TRAINING, "local"))  # one-off research scripts (graft, text_ceiling)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from leapformer.utils import setup_torch  # noqa: E402

setup_torch()

ATTENTIONS = ["leap", "softmax", "leap-hedgehog", "leap-taylor"]


def split_kind(kind: str):
    """'leap-hedgehog' -> ('leap', {'leap_feature': 'hedgehog'}); 'leap' -> ('leap', {});
    'leap-xtaylor' -> ('leap', {'leap_cross_feature': 'taylor'}) (cross-attention only)."""
    attention, _, feature = kind.partition("-")
    if feature.startswith("x"):
        return attention, {"leap_cross_feature": feature[1:]}
    return attention, ({"leap_feature": feature} if feature else {})


def small_model(attention: str, seed: int = 0, vocab: int = 40, dtype=torch.float64, **kw):
    """Random small model in eval mode (dropout off); float64 so forms agree to ~1e-12."""
    from leapformer.model import S2TModel

    torch.manual_seed(seed)
    cfg = dict(d_model=32, num_heads=4, encoder_layers=2, decoder_layers=2, ffn_dim=64, dropout=0.1)
    cfg.update(kw)
    attention, extra = split_kind(attention)
    return S2TModel(attention, vocab, 29, **cfg, **extra).to(dtype).eval()


@pytest.fixture(params=ATTENTIONS)
def attention(request):
    return request.param


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory):
    """The tiny recipe's data (prepare.sh: 24 pairs spoken by 3 espeak-ng/flite voices, a
    100-piece vocabulary), built once per test run for every test that trains or decodes."""
    root = tmp_path_factory.mktemp("data")
    subprocess.run(
        [os.path.join(TRAINING, "prepare.sh"), "--data-root", str(root), "--name", "tiny",
         "--num-pairs", "24", "--voices", "3", "--vocab-size", "100",
         "--num-dev", "3", "--num-test", "3"],
        check=True, capture_output=True, text=True,
    )
    return root / "tiny"
