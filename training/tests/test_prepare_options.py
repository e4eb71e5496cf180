"""Data-preparation options of the narrow-domain recipe: --top-words sentence selection and
the sentence/voice held-out split of make_manifests --by-sentence (no synthesis needed)."""
import os
import re
import subprocess
import sys

from conftest import TRAINING
from leapformer.data import read_manifest

PY = sys.executable


def test_top_words_restricts_vocabulary(tmp_path):
    out = tmp_path / "en.txt"
    subprocess.run([PY, os.path.join(TRAINING, "local", "make_sentences.py"), "--num", "0",
                    "--top-words", "300", "--min-words", "4", "--max-words", "6",
                    "--out", str(out)], check=True, capture_output=True)
    lines = out.read_text().splitlines()
    assert 50 < len(lines)
    assert all(4 <= len(s.split()) <= 6 for s in lines)
    vocab = {w for s in lines for w in re.findall(r"[a-z']+", s.lower())}
    assert len(vocab) <= 300


def test_by_sentence_split_holds_out_sentences_and_voices(tmp_path):
    utts = tmp_path / "utts.tsv"
    rows = []
    for i in range(10):
        en, es = f"Sentence number {i} here.", f"Frase {i}."
        if i < 5:  # 3 test + 2 dev sentences: one seen rendering, one held-out voice
            rows.append((f"utt{i:05d}", "espeak:a"))
            rows.append((f"utt{i:05d}u", "espeak:held"))
        else:
            rows.append((f"utt{i:05d}", "espeak:a"))
            rows.append((f"utt{i:05d}c1", "espeak:b"))
    with open(utts, "w") as f:
        for uid, spk in rows:
            i = int(re.match(r"utt(\d+)", uid).group(1))
            f.write(f"{uid}\t/x/{uid}.wav\t16000\t{spk}\tSentence number {i} here.\tFrase {i}.\n")
    out = tmp_path / "m"
    subprocess.run([PY, os.path.join(TRAINING, "local", "make_manifests.py"), "--utts", str(utts),
                    "--out-dir", str(out), "--num-test", "3", "--num-dev", "2", "--by-sentence"],
                   check=True, capture_output=True)
    test, unseen = read_manifest(str(out / "test.tsv")), read_manifest(str(out / "test_unseen.tsv"))
    dev, train = read_manifest(str(out / "dev.tsv")), read_manifest(str(out / "train.tsv"))
    assert [r["id"] for r in test] == ["utt00000", "utt00001", "utt00002"]
    assert [r["id"] for r in unseen] == ["utt00000u", "utt00001u", "utt00002u"]
    assert [r["id"] for r in dev] == ["utt00003", "utt00004"]
    assert len(train) == 10 and {r["speaker"] for r in train} == {"espeak:a", "espeak:b"}
    assert not {r["src_text"] for r in train} & {r["src_text"] for r in test + dev}
