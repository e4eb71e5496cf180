"""Committed bundles (models/*): their ONNX files reproduce their golden/ files."""
import glob
import os

import pytest

from bundle_check import check_bundle

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUNDLES = sorted(os.path.dirname(p) for p in glob.glob(os.path.join(REPO, "models", "*", "encoder.onnx")))


@pytest.mark.skipif(not BUNDLES, reason="no committed bundle under models/")
@pytest.mark.parametrize("bundle", BUNDLES, ids=[os.path.basename(b) for b in BUNDLES])
def test_committed_bundle_reproduces_golden(bundle):
    assert check_bundle(bundle) >= 3
    with open(os.path.join(bundle, "tokens.txt"), encoding="utf-8") as f:
        assert len(f.read().splitlines()) > 4
    assert os.path.getsize(os.path.join(bundle, "README.md")) > 0
