"""The everyday data set's split (local/everyday_text.py) on tiny sources laid out as the
public ones are, and its near-duplicate rule."""
import os
import random
import subprocess
import sys
import wave

import pytest

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TRAINING, "local"))

from everyday_text import NearIndex, norm_words, read_sentences, within_one_word  # noqa: E402


def test_near_index_equals_the_edit_distance_rule():
    rng = random.Random(0)
    vocab = ["a", "b", "c", "d"]
    held = [[rng.choice(vocab) for _ in range(rng.randint(1, 4))] for _ in range(30)]
    index = NearIndex(held)
    for _ in range(2000):
        w = [rng.choice(vocab) for _ in range(rng.randint(1, 5))]
        assert index.near(w) == any(within_one_word(w, h) for h in held), w
    assert norm_words("Tom's  CAT, sat!") == ["tom's", "cat", "sat"]


def write_wav(path, seconds=0.5):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x01\x00" * int(16000 * seconds))


@pytest.fixture
def sources(tmp_path):
    """Tiny copies of the five public sources and the LibriVox folder, in their layouts."""
    dl = tmp_path / "dl"
    cathy = dl / "dataset-voice-cathy"
    (cathy / "data").mkdir(parents=True)
    prompts = {f"a{i:04d}": f"Cathy reads prompt number {w} today." for i, w in
               enumerate(["one", "two", "three", "four", "five", "six"], 1)}
    with open(cathy / "cmuarctic.data", "w") as f:
        for pid, text in prompts.items():
            f.write(f'( arctic_{pid} "{text}" )\n')
    for pid, text in prompts.items():
        for take in (1, 2):
            stem = cathy / "data" / f"arctic_{pid}_15927000{take}"
            write_wav(str(stem) + ".wav")
            (cathy / "data" / (stem.name + ".txt")).write_text(text)
    wavs = dl / "TTS" / "tests" / "data" / "ljspeech" / "wavs"
    wavs.mkdir(parents=True)
    lists = dl / "tacotron2" / "filelists"
    lists.mkdir(parents=True)
    lj = {"LJ001-0001": "The first test clip is read here.",
          "LJ001-0005": "Chapter one is never trained on.",
          "LJ002-0001": "A long read sentence from another chapter of the book.",
          "LJ002-0002": "The year 1910 has digits in it.",
          "LJ003-0001": "The first test clip is read there."}
    (lists / "ljs_audio_text_train_filelist.txt").write_text(
        "".join(f"DUMMY/{uid}.wav|{text}\n" for uid, text in lj.items()))
    write_wav(wavs / "tmp.wav")
    subprocess.run(["sox", str(wavs / "tmp.wav"), str(wavs / "LJ001-0001.flac")], check=True)
    os.remove(wavs / "tmp.wav")
    laser = dl / "LASER" / "data" / "tatoeba" / "v1"
    laser.mkdir(parents=True)
    pairs = [(f"I like the {w} very much.", f"Me gusta mucho el {w}.") for w in
             ["dog", "cat", "bird", "fish", "horse", "cow"]]
    (laser / "tatoeba.spa-eng.eng").write_text("".join(e + "\n" for e, _ in pairs))
    (laser / "tatoeba.spa-eng.spa").write_text("".join(s + "\n" for _, s in pairs))
    ch = dl / "Tatoeba-Challenge" / "data" / "test" / "eng-spa"
    ch.mkdir(parents=True)
    challenge = [("I like the dog very much.", "x"), ("I like the dog so very much.", "x"),
                 ("Where is the station?", "¿Dónde está la estación?"),
                 ("We play tennis on Sundays.", "Jugamos al tenis los domingos."),
                 ("She has three brothers and a sister.", "Tiene tres hermanos."),
                 ("It is 5 o'clock.", "Son las 5.")]
    (ch / "test.txt").write_text("".join(f"eng\tspa\t{e}\t{s}\n" for e, s in challenge))
    libri = tmp_path / "librivox"
    libri.mkdir()
    (libri / "transcription").write_text("<s> he was not an ill disposed young man </s> (s-0880)\n")
    write_wav(libri / "s-0880.wav")
    return dl, libri


def test_split_keeps_tests_out_of_training(sources, tmp_path):
    dl, libri = sources
    out = tmp_path / "sentences.tsv"
    subprocess.run([sys.executable, os.path.join(TRAINING, "local", "everyday_text.py"),
                    "--dl-dir", str(dl), "--librivox-dir", str(libri), "--out", str(out),
                    "--cathy-test", "2", "--cathy-dev", "1", "--tatoeba-test", "3",
                    "--dev-challenge", "1", "--dev-lj", "1"], check=True, capture_output=True)
    rows = read_sentences(str(out))
    by = lambda split: [r for r in rows if r["split"] == split]  # noqa: E731
    assert [r["id"] for r in by("test_real") if r["source"] == "ljspeech"] == ["LJ001-0001"]
    assert [r["english"] for r in by("test_real") if r["source"] == "librivox"] == \
        ["He was not an ill disposed young man."]
    cathy_test = [r for r in by("test_real") if r["source"] == "cathy"]
    assert len(cathy_test) == 2 and len(by("dev_real")) == 1
    assert all(r["audio"].endswith(".wav") and ";" not in r["audio"] for r in cathy_test)
    assert len(by("test_everyday")) == 3
    assert all(r["spanish_human"] for r in by("test_everyday"))
    held = [r for r in rows if r["split"] != "train"]
    train = by("train")
    index = NearIndex([norm_words(r["english"]) for r in held])
    assert train and not any(index.near(norm_words(r["english"])) for r in train)
    train_text = " ".join(r["english"] for r in train)
    assert "1910" not in train_text and " 5 " not in train_text       # digits dropped
    assert "Chapter one" not in " ".join(r["english"] for r in rows)    # LJ001 never used
    assert "I like the dog so very much." not in train_text            # one word from a test
    held_prompts = {r["id"][6:] for r in held if r["source"] == "cathy"}
    for r in train:
        if r["source"] == "arctic":
            assert r["id"][7:] not in held_prompts
            assert len(r["audio"].split(";")) == 2                      # both takes
