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


def test_exclude_leaves_out_a_base_data_sets_sentences(tmp_path):
    script = os.path.join(TRAINING, "local", "make_sentences.py")
    args = ["--num", "0", "--top-words", "300", "--min-words", "4", "--max-words", "6"]
    full = tmp_path / "full.txt"
    subprocess.run([PY, script, *args, "--out", str(full)], check=True, capture_output=True)
    lines = full.read_text().splitlines()
    base = tmp_path / "pairs.tsv"  # a base data set's pairs: "English.<TAB>Spanish"
    base.write_text("".join(f"{s.upper()}\tx\n" for s in lines[:20]))
    rest = tmp_path / "rest.txt"
    subprocess.run([PY, script, *args, "--exclude", str(base), "--out", str(rest)],
                   check=True, capture_output=True)
    kept = rest.read_text().splitlines()
    assert sorted(kept) == sorted(lines[20:])


def test_base_extension_keeps_the_base_split_and_adds_new_sentences(tmp_path):
    """prepare.sh --base: base pairs and audio first (same dev/test), new pairs synthesized."""
    base = tmp_path / "base"
    (base / "lang").mkdir(parents=True)
    (base / "lang" / "spm.model").write_bytes(b"spm")
    (base / "lang" / "cmvn.json").write_text("{}")
    pairs, utts = [], []
    for i in range(4):  # sentence 0 = test, 1 = dev (each also by a held-out voice), 2-3 train
        en, es = f"Base sentence number {i}.", f"Frase {i}."
        pairs.append(f"{en}\t{es}\n")
        utts.append(f"utt{i:05d}\t/x/utt{i:05d}.wav\t32000\tespeak:a\t{en}\t{es}\n")
        if i < 2:
            utts.append(f"utt{i:05d}u\t/x/utt{i:05d}u.wav\t32000\tespeak:held\t{en}\t{es}\n")
    (base / "pairs.tsv").write_text("".join(pairs))
    (base / "utts.tsv").write_text("".join(utts))
    (base / "utts.tsv.voices").write_text("seen\tespeak:a\nheldout\tespeak:held\n")
    subprocess.run([os.path.join(TRAINING, "prepare.sh"), "--data-root", str(tmp_path),
                    "--name", "wide", "--base", "base", "--top-words", "300", "--min-words", "4",
                    "--max-words", "6", "--num-pairs", "3", "--voices", "3",
                    "--heldout-voices", "1", "--copies", "1", "--num-dev", "1", "--num-test", "1"],
                   check=True, capture_output=True)
    wide = tmp_path / "wide"
    m = wide / "manifests"
    assert [r["id"] for r in read_manifest(str(m / "test.tsv"))] == ["utt00000"]
    assert [r["id"] for r in read_manifest(str(m / "test_unseen.tsv"))] == ["utt00000u"]
    assert [r["id"] for r in read_manifest(str(m / "dev.tsv"))] == ["utt00001"]
    train = [r["id"] for r in read_manifest(str(m / "train.tsv"))]
    assert train[:2] == ["utt00002", "utt00003"] and len(train) == 5
    assert all(re.fullmatch(r"x\d{5}", i) for i in train[2:])
    assert len(list((wide / "wav").glob("x*.wav"))) == 3
    assert (wide / "lang" / "spm.model").read_bytes() == b"spm"


def test_synthesis_is_repeatable(tmp_path):
    """The same job (voice, rate, pitch, gain, padding) renders the same bytes twice."""
    sys.path.insert(0, os.path.join(TRAINING, "local"))
    from synthesize import synth

    outs = []
    for i in range(2):
        out = str(tmp_path / f"u{i}.wav")
        synth(("u", "To be at a loss for words.", "espeak", "en-gb+m1", 150, 40, out,
               ["gain", "-3.2", "pad", "0.10", "0.05"]))
        with open(out, "rb") as f:
            outs.append(f.read())
    assert len(outs[0]) > 10000 and outs[0] == outs[1]


def test_test_only_set_renders_new_sentences_by_seen_and_held_out_voices(tmp_path):
    """prepare.sh --test-only: sentences outside the base's pairs, each rendered by a seen and
    a held-out voice, test manifests only, the base's lang/ copied."""
    base = tmp_path / "base"
    (base / "lang").mkdir(parents=True)
    (base / "lang" / "spm.model").write_bytes(b"spm")
    (base / "lang" / "cmvn.json").write_text("{}")
    full = tmp_path / "full.txt"
    subprocess.run([PY, os.path.join(TRAINING, "local", "make_sentences.py"), "--num", "0",
                    "--top-words", "300", "--min-words", "9", "--max-words", "9",
                    "--out", str(full)], check=True, capture_output=True)
    lines = full.read_text().splitlines()
    (base / "pairs.tsv").write_text("".join(f"{s}\tx\n" for s in lines[:-2]))
    subprocess.run([os.path.join(TRAINING, "prepare.sh"), "--data-root", str(tmp_path),
                    "--name", "extra", "--test-only", "base", "--top-words", "300",
                    "--min-words", "9", "--max-words", "9", "--voices", "3",
                    "--heldout-voices", "1"], check=True, capture_output=True)
    m = tmp_path / "extra" / "manifests"
    test, unseen = read_manifest(str(m / "test.tsv")), read_manifest(str(m / "test_unseen.tsv"))
    assert 1 <= len(test) == len(unseen) <= 2
    assert {r["src_text"] for r in test} <= set(lines[-2:])
    assert [r["id"] + "u" for r in test] == [r["id"] for r in unseen]
    assert not {r["speaker"] for r in test} & {r["speaker"] for r in unseen}
    assert read_manifest(str(m / "train.tsv")) == [] and read_manifest(str(m / "dev.tsv")) == []
    assert (tmp_path / "extra" / "lang" / "spm.model").read_bytes() == b"spm"
