"""SVOX Pico and GnuSpeech (WebAssembly, local/wasm_tts) through local/synthesize_wasm.py.

One short sentence per engine (one voice each): 16 kHz mono 16-bit, 0.5-6 s, not silent, not
clipped, and the same bytes from two runs; render.mjs itself gives the same bytes for a job rendered again
later in the same process. Needs node (CI installs it and runs `npm ci` in local/wasm_tts; the
test runs `npm ci` itself when node_modules is missing).

The Pico voice files come from no npm package (@echogarden/svoxpico-wasm ships the engine
only), so the Pico cases run only where a folder holds them: $LEAPFORMER_PICO_DIR, or the
recipe's download/picotts-<commit>/ cache (see local/wasm_tts/pico_voices.json); elsewhere,
CI included, they skip and say so. GnuSpeech's data ships in its package: it always runs.
"""
import json
import os
import shutil
import subprocess
import sys
import wave

import numpy as np
import pytest

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TRAINING, "local"))

import synthesize_wasm  # noqa: E402

SENTENCE = "The children are playing in the garden."
OTHER = "Where is the train station?"


@pytest.fixture(scope="module")
def node_ready():
    if shutil.which("node") is None:
        if os.environ.get("LEAPFORMER_REQUIRE_NODE") == "1":
            pytest.fail("node is missing and LEAPFORMER_REQUIRE_NODE=1")
        pytest.skip("node is not installed (Debian: apt-get install nodejs npm)")
    synthesize_wasm.ensure_node_modules()


def pico_dir_or_skip():
    for folder in (os.environ.get("LEAPFORMER_PICO_DIR"), synthesize_wasm.DEFAULT_PICO_DIR):
        if folder and os.path.isdir(folder):
            bad = synthesize_wasm.pico_dir_problems(folder)
            assert not bad, f"{folder}: {bad}"
            return folder
    pytest.skip("Pico voice files absent: no npm package ships them; set LEAPFORMER_PICO_DIR to "
                "a folder with " + ", ".join(synthesize_wasm.pico_files()) + " (from "
                + synthesize_wasm.PICO["repository"] + " at " + synthesize_wasm.PICO["commit"][:8]
                + ", pico/lang/)")


def synthesize(tmp_path, name, engine, voice, pico_dir):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{SENTENCE}\tLos niños juegan en el jardín.\n", encoding="utf-8")
    out = tmp_path / f"{name}.tsv"
    cmd = [sys.executable, os.path.join(TRAINING, "local", "synthesize_wasm.py"),
           "--pairs", str(pairs), "--wav-dir", str(tmp_path / name), "--out", str(out),
           "--engines", engine, "--only-voices", f"{engine}:{voice}", "--seed", "3", "--jobs", "1"]
    if pico_dir:
        cmd += ["--pico-dir", pico_dir]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    (row,) = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    return row


@pytest.mark.parametrize("engine,voice", [("gnuspeech", "male"), ("pico", "en-US")])
def test_synthesize_wasm(tmp_path, node_ready, engine, voice):
    pico_dir = pico_dir_or_skip() if engine == "pico" else None
    uid, wav, n, speaker, en, es = synthesize(tmp_path, "a", engine, voice, pico_dir)
    assert (uid, speaker, en) == ("utt00000", f"{engine}:{voice}", SENTENCE)
    with wave.open(wav) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
        assert w.getnframes() == int(n)
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768
    assert 0.5 <= len(x) / 16000 <= 6.0, len(x) / 16000
    rms_db = 20 * np.log10(np.sqrt(np.mean(x ** 2)) + 1e-12)
    assert rms_db > -35, rms_db  # speech, not near-silence
    assert np.abs(x).max() < 32767 / 32768, "clipped (Pico at its default volume does)"
    row_b = synthesize(tmp_path, "b", engine, voice, pico_dir)
    with open(wav, "rb") as fa, open(row_b[1], "rb") as fb:
        assert fa.read() == fb.read(), "two runs of the same job gave different bytes"


@pytest.mark.parametrize("engine,voices", [("gnuspeech", ("male", "female")),
                                           ("pico", ("en-US", "en-GB"))])
def test_render_repeatable_in_one_process(tmp_path, node_ready, engine, voices):
    """A job rendered again after other jobs gives the same bytes (a kept Pico system did not)."""
    pico_dir = pico_dir_or_skip() if engine == "pico" else None
    jobs = [(SENTENCE, voices[0], 1.0, None), (OTHER, voices[1], 1.15, 1.1),
            (OTHER, voices[0], 0.9, 0.9), (SENTENCE, voices[0], 1.0, None)]
    lines = [json.dumps({"text": t, "engine": engine, "voice": v, "rate": r, "pitch": p,
                         "out": str(tmp_path / f"{i}.wav")}) for i, (t, v, r, p) in enumerate(jobs)]
    cmd = ["node", synthesize_wasm.RENDER] + (["--pico-dir", pico_dir] if pico_dir else [])
    res = subprocess.run(cmd, input="\n".join(lines) + "\n", capture_output=True, text=True,
                         check=True)
    done = [line.split("\t") for line in res.stdout.splitlines()]
    assert [d[0] for d in done] == [str(tmp_path / f"{i}.wav") for i in range(len(jobs))]
    data = [(tmp_path / f"{i}.wav").read_bytes() for i in range(len(jobs))]
    assert data[0] == data[3]
    assert data[1] != data[2]
    for d, (_, samples) in zip(data, done):
        assert len(d) == 44 + 2 * int(samples)
