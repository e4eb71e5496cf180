"""local/train_throughput.py times real training steps of a configuration and prints its figures."""
import os
import re
import subprocess
import sys

from conftest import TRAINING


def test_throughput_of_a_tiny_config_with_positions(tiny_data):
    out = subprocess.run(
        [sys.executable, os.path.join(TRAINING, "local", "train_throughput.py"),
         "--manifest", str(tiny_data / "manifests" / "train.tsv"),
         "--lang-dir", str(tiny_data / "lang"), "--batch-frames", "1200", "--steps", "2",
         "--warmup", "1", "--num-threads", "1", "--d-model", "32", "--num-heads", "2",
         "--encoder-layers", "2", "--decoder-layers", "1", "--ffn-dim", "64",
         "--encoder-pos-kernel", "5", "--pre-decision", "3"],
        check=True, capture_output=True, text=True, cwd=TRAINING).stdout
    assert "pos kernel 5" in out
    m = re.search(r"2 steps of <= 1200 frames: median step ([\d.]+) s, ([\d.]+) steps/s, (\d+) feature "
                  r"frames/s \(([\d.]+) audio s per wall s\), peak memory (\d+) MiB", out)
    assert m, out
    assert float(m.group(2)) > 0 and int(m.group(3)) > 0 and int(m.group(5)) > 0
