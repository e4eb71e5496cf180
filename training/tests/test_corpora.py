"""The corpus stages (local/corpora/, prepare_corpus.sh) on tiny copies of MuST-C, CoVoST 2
and Europarl-ST made here in their released layouts: every manifest row's WAV must equal the
source audio at its offsets to the sample (after sox's resampling where the source is not
16 kHz mono), texts must stay on their segments, and splits go to their manifests. The
sources are seeded noise, so a segment cut one sample off does not match."""
import os
import shutil
import subprocess
import sys
import wave

import numpy as np
import pytest

from conftest import TRAINING
from leapformer.data import read_manifest

sys.path.insert(0, os.path.join(TRAINING, "local"))

from corpora import common, covost2, europarl_st, mustc  # noqa: E402

SR = 16000


def write_wav(path, rate, seconds, channels=1, seed=0):
    """Seeded noise (frames, channels) as a 16-bit WAV; returns the samples."""
    rng = np.random.default_rng(seed)
    samples = rng.integers(-8000, 8000, size=(int(rate * seconds), channels), dtype=np.int16)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return samples


def at_16k(path):
    """The whole source as 16 kHz mono int16: as stored for 16 kHz mono 16-bit WAVs, else as
    sox resamples and mixes it (the same command as common.decoder_command, run here)."""
    with wave.open(str(path), "rb") as w:
        if (w.getframerate(), w.getnchannels()) == (SR, 1):
            return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    out = subprocess.run(["sox", "-D", "-V1", str(path), "-t", "raw", "-e", "signed-integer",
                          "-b", "16", "-c", "1", "-r", str(SR), "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(out, dtype="<i2")


def read_wav(path):
    with wave.open(path, "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (SR, 1, 2), path
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def check_manifests(out_dir, expected):
    """expected: id -> (manifest name, source file, start s, end s or None, speaker, src, tgt).
    Every manifest row is one expected segment, cut at its offsets; every expected one is there."""
    seen = {}
    for name in sorted(os.listdir(os.path.join(out_dir, "manifests"))):
        if not name.endswith(".tsv"):
            continue
        for r in read_manifest(os.path.join(out_dir, "manifests", name)):
            split, source, start, end, speaker, src, tgt = expected[r["id"]]
            assert name == split + ".tsv", (r["id"], name)
            whole = at_16k(source)
            first = round(start * SR)
            last = len(whole) if end is None else min(round(end * SR), len(whole))
            got = read_wav(r["audio"])
            assert len(got) == last - first and np.array_equal(got, whole[first:last]), r["id"]
            assert r["n_frames"] == 1 + (len(got) - 400) // 160
            assert (r["speaker"], r["src_text"], r["tgt_text"]) == (speaker, src, tgt), r["id"]
            seen[r["id"]] = name
    assert sorted(seen) == sorted(expected)
    return seen


def prepare(corpus, dl_dir, out_dir, *extra):
    subprocess.run([sys.executable, os.path.join(TRAINING, "local", "prepare_corpus.py"),
                    "--corpus", corpus, "--dl-dir", str(dl_dir), "--out-dir", str(out_dir),
                    *extra], check=True, capture_output=True, text=True)


# ---- MuST-C ----

# split -> talk -> (seconds, [(offset, duration, en, es)]) in yaml order
MUSTC = {
    "train": {
        "ted_1": (6.0, [(0.51234, 1.2345, "Talk 1, part 1: 201 people?",
                         "Charla 1, parte 1: ¡201 personas!"),
                        (3.0, 1.5, "In 2008,\u2028 45% said \"no\".", "En 2008, el 45% dijo «no»."),
                        (1.9, 0.9871, "Then — it's over.", "Entonces — se acabó."),
                        (5.0, 0.05, "Uh.", "Eh.")]),  # 5 frames: too short for training
        "ted_2": (5.0, [(0.25, 2.0, "Second talk here.", "Segunda charla aquí."),
                        (4.2, 1.7, "It runs past the end.", "Pasa del final.")]),  # cut at 5.0 s
    },
    "dev": {"ted_3": (4.0, [(0.1, 1.3, "Dev one.", "Desarrollo uno."),
                            (2.0, 1.1, "Dev two.", "Desarrollo dos.")])},
    "tst-COMMON": {"ted_4": (3.0, [(0.3, 1.0, "Test one.", "Prueba uno."),
                                   (1.5, 1.2, "Test two.", "Prueba dos.")])},
    "tst-HE": {"ted_5": (2.0, [(0.2, 1.5, "Harmonic.", "Armónico.")])},
}


def make_mustc(root):
    data = root / "en-es" / "data"
    expected, seed = {}, 0
    for split, talks in MUSTC.items():
        yaml_lines, en, es = [], [], []
        for talk, (seconds, segs) in talks.items():
            seed += 1
            wav = data / split / "wav" / f"{talk}.wav"
            write_wav(wav, SR, seconds, seed=seed)
            by_offset = sorted(range(len(segs)), key=lambda i: segs[i][0])
            for i, (offset, duration, src, tgt) in enumerate(segs):
                yaml_lines.append(f"- {{duration: {duration:.6f}, offset: {offset:.6f}, rW: 4, "
                                  f"uW: 0, speaker_id: spk.{talk[4:]}, wav: {talk}.wav}}")
                en.append(src)
                es.append(tgt)
                out = mustc.SPLITS[split]
                seg_id = f"{talk}_{by_offset.index(i)}"
                if not (out == "train" and duration < 0.1):
                    expected[seg_id] = (out, wav, float(f"{offset:.6f}"),
                                        float(f"{offset:.6f}") + float(f"{duration:.6f}"),
                                        f"real:mustc:spk.{talk[4:]}", common.clean_text(src), tgt)
        txt = data / split / "txt"
        txt.mkdir(parents=True)
        (txt / f"{split}.yaml").write_text("\n".join(yaml_lines) + "\n", encoding="utf-8")
        (txt / f"{split}.en").write_text("\n".join(en) + "\n", encoding="utf-8")
        (txt / f"{split}.es").write_text("\n".join(es) + "\n", encoding="utf-8")
    return expected


def test_mustc_segments_equal_the_talks_at_their_offsets(tmp_path):
    expected = make_mustc(tmp_path / "dl")
    prepare("mustc", tmp_path / "dl", tmp_path / "out")
    seen = check_manifests(tmp_path / "out", expected)
    assert sorted(set(seen.values())) == ["dev.tsv", "test.tsv", "test_he.tsv", "train.tsv"]
    # ids count each talk's segments by offset, as fairseq's prep_mustc_data.py does
    assert expected["ted_1_1"][4:] == ("real:mustc:spk.1", "Then — it's over.",
                                       "Entonces — se acabó.")
    train_tgt = (tmp_path / "out" / "manifests" / "train_tgt.txt").read_text(encoding="utf-8")
    assert train_tgt.splitlines() == [r["tgt_text"] for r in read_manifest(
        str(tmp_path / "out" / "manifests" / "train.tsv"))]
    assert "ted_1_3" not in seen  # 0.05 s: dropped from training


def test_mustc_yaml_lines_parse_as_in_the_release(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text("- {duration: 3.500000, offset: 15.170000, rW: 9, uW: 0, speaker_id: spk.1, "
                 "wav: ted_1.wav}\n\n- {duration: 1.0, offset: 0.0, rW: 2, uW: 0, speaker_id: "
                 "spk.1, wav: ted_1.wav}\n")
    assert mustc.parse_yaml(str(p))[0] == {"duration": "3.500000", "offset": "15.170000",
                                           "rW": "9", "uW": "0", "speaker_id": "spk.1",
                                           "wav": "ted_1.wav"}
    p.write_text("duration: 3.5\n")
    with pytest.raises(ValueError, match="not a MuST-C segment line"):
        mustc.parse_yaml(str(p))


def test_prepare_corpus_sh_then_training_with_the_digits_alphabet(tmp_path):
    """Both stages on the MuST-C copy, then a few training steps on its manifests with
    --ctc-alphabet chars+digits; the checkpoint rebuilds with that alphabet's CTC head."""
    import train
    from leapformer.tokens import ctc_vocab_size

    make_mustc(tmp_path / "dl")
    data = tmp_path / "mustc-en-es"
    subprocess.run([os.path.join(TRAINING, "prepare_corpus.sh"), "--corpus", "mustc",
                    "--dl-dir", str(tmp_path / "dl"), "--data-dir", str(data),
                    "--vocab-size", "80", "--jobs", "1"],
                   check=True, capture_output=True, text=True)
    for f in ["lang/spm.model", "lang/tokens.txt", "lang/cmvn.json", ".stage0.done",
              ".stage1.done"]:
        assert (data / f).exists(), f
    args = train.get_parser().parse_args([
        "--manifest-dir", str(data / "manifests"), "--lang-dir", str(data / "lang"),
        "--exp-dir", str(tmp_path / "exp"), "--num-steps", "2", "--batch-frames", "2000",
        "--warmup-steps", "1", "--save-every-n", "2", "--valid-every-n", "2", "--log-every-n", "1",
        "--d-model", "32", "--num-heads", "2", "--encoder-layers", "1", "--decoder-layers", "1",
        "--ffn-dim", "64", "--pre-decision", "3", "--ctc-alphabet", "chars+digits"])
    params = train.get_params()
    params.update(vars(args))
    stats = train.run(params)
    assert np.isfinite(stats["ctc"]) and stats["ctc"] > 0
    import torch
    ckpt = torch.load(tmp_path / "exp" / "checkpoint-2.pt")
    assert ckpt["params"]["ctc_alphabet"] == "chars+digits"
    model, p = train.model_from_checkpoint(ckpt)
    assert p.ctc_alphabet == "chars+digits"
    assert model.ctc_head.out_features == ctc_vocab_size("chars+digits")

    # ... and the trained model exports a bundle whose golden decodes (of its talks' segments)
    # bundle_check replays as the C# runtime runs the graphs
    import export_onnx
    from bundle_check import check_bundle

    bundle = tmp_path / "bundle"
    export_onnx.export_bundle(export_onnx.get_parser().parse_args([
        "--checkpoint", str(tmp_path / "exp" / "checkpoint-2.pt"), "--lang-dir", str(data / "lang"),
        "--golden-manifest", str(data / "manifests" / "train.tsv"), "--num-golden", "3",
        "--model-name", "mustc-fixture", "--out-dir", str(bundle)]))
    assert check_bundle(str(bundle)) == 3
    if os.environ.get("LEAPFORMER_KEEP_BUNDLE"):  # for the C# tests: LEAPFORMER_TEST_BUNDLE=that dir
        shutil.copytree(bundle, os.environ["LEAPFORMER_KEEP_BUNDLE"], dirs_exist_ok=True)


# ---- CoVoST 2 ----

def make_covost(root):
    """Common Voice English (validated.tsv, clips/) and covost_v2.en_de.tsv. The TSVs name
    .mp3 clips as the release does; the clips here are WAVs with those stems (no MP3 decoder
    in this image), at Common Voice's 48 kHz except one at 16 kHz."""
    clips = {  # name -> (seconds, rate, client, sentence, translation, split or None)
        "common_voice_en_1001": (1.5, 48000, "c1", "Hello world.", "Hallo Welt.", "train"),
        "common_voice_en_1002": (1.2, 16000, "c2", "It's 5 o'clock.", "Es ist 5 Uhr.",
                                 "train_covost"),
        "common_voice_en_1003": (2.0, 48000, "c1", "He said \"yes\".", "Er sagte \"ja\".", "dev"),
        "common_voice_en_1004": (1.1, 48000, "c3", "Test me.", "Teste mich.", "test"),
        "common_voice_en_1005": (1.0, 48000, "c3", "Not validated.", "Nicht validiert.", "train"),
        "common_voice_en_1006": (1.0, 48000, "c2", "No translation.", None, None),
    }
    validated = ["client_id\tpath\tsentence\tup_votes\tdown_votes\tage\tgender\taccent"]
    covost = ["path\tsentence\ttranslation\tsplit"]
    expected = {}
    for i, (name, (seconds, rate, client, en, de, split)) in enumerate(clips.items()):
        wav = root / "clips" / f"{name}.wav"
        write_wav(wav, rate, seconds, seed=100 + i)
        if name != "common_voice_en_1005":
            validated.append(f"{client}\t{name}.mp3\t{en}\t2\t0\t\t\t")
        if split:
            covost.append(f"{name}.mp3\t{en}\t{de}\t{split}")
        if split and name != "common_voice_en_1005":
            out = "train" if split.startswith("train") else split
            expected[name] = (out, wav, 0.0, None, f"real:cv:{client}", en, de)
    (root / "validated.tsv").write_text("\n".join(validated) + "\n", encoding="utf-8")
    (root / "covost_v2.en_de.tsv").write_text("\n".join(covost) + "\n", encoding="utf-8")
    return expected


def test_covost2_clips_join_transcripts_translations_and_splits(tmp_path):
    expected = make_covost(tmp_path / "cv")
    prepare("covost2", tmp_path / "cv", tmp_path / "out", "--tgt-lang", "de")
    seen = check_manifests(tmp_path / "out", expected)
    assert seen["common_voice_en_1002"] == "train.tsv"  # train_covost
    with pytest.raises(FileNotFoundError, match="CoVoST 2 translates English into"):
        covost2.read(str(tmp_path / "cv"), "en", "es")


# ---- Europarl-ST ----

SPEECHES = {  # speech -> (seconds, rate, channels, speaker)
    "en.20081117.21.1-097": (6.0, 44100, 2, "Smith"),
    "en.20090112.18.3-048": (4.0, 22050, 1, "Jones"),
    "en.20100310.5.3-011": (3.0, 16000, 1, "Lee"),
    "en.20110405.9.3-301": (2.0, 48000, 1, "Smith"),
}
EUROPARL = {  # split -> [(speech, start, end, en, es)]
    "train": [("en.20081117.21.1-097", 0.37, 2.11, "Madam President, 3 points.",
               "Señora Presidenta, 3 puntos."),
              ("en.20081117.21.1-097", 2.5, 5.93, "Second; third.", "Segundo; tercero."),
              ("en.20090112.18.3-048", 1.01, 3.7, "Mr President!", "¡Señor Presidente!")],
    "dev": [("en.20110405.9.3-301", 0.0, 0.99, "Dev.", "Desarrollo.")],
    "test": [("en.20100310.5.3-011", 0.5, 2.75, "Test, 2012.", "Prueba, 2012.")],
}


def make_europarl(root):
    """v1.1/en/audios/*.m4a and v1.1/en/es/{train,dev,test}/ (each speech in one split); the
    speeches are WAVs with the .m4a files' stems (no M4A decoder in this image), at four
    rates, one stereo."""
    base = root / "v1.1" / "en"
    sources = {}
    for i, (speech, (seconds, rate, channels, _)) in enumerate(SPEECHES.items()):
        sources[speech] = base / "audios" / f"{speech}.wav"
        write_wav(sources[speech], rate, seconds, channels, seed=200 + i)
    expected = {}
    for split, segs in EUROPARL.items():
        d = base / "es" / split
        d.mkdir(parents=True)
        (d / "segments.lst").write_text("".join(f"{s} {a:.2f} {b:.2f}\n" for s, a, b, _, _ in segs))
        (d / "segments.en").write_text("".join(e + "\n" for *_, e, _ in segs), encoding="utf-8")
        (d / "segments.es").write_text("".join(t + "\n" for *_, t in segs), encoding="utf-8")
        speeches = sorted({s for s, *_ in segs})
        (d / "speeches.lst").write_text("".join(s + "\n" for s in speeches))
        (d / "speakers.lst").write_text("".join(SPEECHES[s][3] + "\n" for s in speeches))
        counts = {}
        for speech, start, end, en, es in segs:  # listed by start within each speech
            n = counts[speech] = counts.get(speech, -1) + 1
            expected[f"{speech}_{n}"] = (split, sources[speech], start, end,
                                         f"real:europarl:{SPEECHES[speech][3]}", en, es)
    return expected


def test_europarl_st_segments_equal_the_speeches_at_their_offsets(tmp_path):
    expected = make_europarl(tmp_path / "ep")
    prepare("europarl-st", tmp_path / "ep", tmp_path / "out", "--jobs", "2")
    seen = check_manifests(tmp_path / "out", expected)
    assert sorted(set(seen.values())) == ["dev.tsv", "test.tsv", "train.tsv"]


# ---- audio helpers ----

def test_converted_copy_and_missing_decoder(tmp_path, monkeypatch):
    write_wav(tmp_path / "a.wav", SR, 0.1)
    assert common.find_audio(str(tmp_path / "a.m4a")) == str(tmp_path / "a.wav")
    with pytest.raises(FileNotFoundError):
        common.find_audio(str(tmp_path / "b.mp3"))
    monkeypatch.setattr(common, "_sox_formats", lambda: frozenset({"wav"}))
    monkeypatch.setattr(common.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="ffmpeg"):
        common.decoder_command(str(tmp_path / "a.mp3"))


def test_flac_goes_through_sox(tmp_path):
    """A non-WAV source (FLAC at 44.1 kHz) decodes through the external decoder path."""
    src = write_wav(tmp_path / "s.wav", 44100, 1.0, seed=7)
    subprocess.run(["sox", str(tmp_path / "s.wav"), str(tmp_path / "s.flac")], check=True)
    got = common.decode(str(tmp_path / "s.flac"))
    assert np.array_equal(got, at_16k(tmp_path / "s.wav")) and len(got) == 16000
    assert len(src) == 44100
