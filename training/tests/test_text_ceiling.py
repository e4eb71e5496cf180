"""The text-only ceiling script: it learns a few pairs by heart and writes its results."""
import os

from leapformer.data import write_manifest
from leapformer.tokens import train_spm

PAIRS = [
    ("He stood on the right.", "Estuvo en el derecho."),
    ("It has an effect.", "Tiene un efecto."),
    ("To take a road test.", "Para tomar una prueba de carretera."),
    ("To be at a loss for words.", "Para ser en una pérdida para palabras."),
]


def _rows(pairs):
    return [{"id": f"u{i}", "audio": "none.wav", "n_frames": 0, "tgt_text": t, "speaker": "x",
             "src_text": s} for i, (s, t) in enumerate(pairs)]


def test_text_ceiling_learns_and_writes_results(tmp_path):
    import text_ceiling

    manifests, lang = tmp_path / "manifests", tmp_path / "lang"
    manifests.mkdir()
    lang.mkdir()
    # Two renderings of each sentence: the script must keep one.
    for name in ("train", "dev", "test"):
        write_manifest(str(manifests / f"{name}.tsv"), _rows(PAIRS + PAIRS))
    (tmp_path / "tgt.txt").write_text("\n".join(t for _, t in PAIRS * 10) + "\n", encoding="utf-8")
    train_spm(str(tmp_path / "tgt.txt"), str(lang / "spm"), 60)

    args = text_ceiling.get_parser().parse_args([
        "--manifest-dir", str(manifests), "--lang-dir", str(lang), "--exp-dir", str(tmp_path / "exp"),
        "--num-steps", "120", "--batch-size", "4", "--warmup-steps", "10", "--lr", "3e-3",
        "--valid-every-n", "60", "--d-model", "32", "--num-heads", "4", "--encoder-layers", "1",
        "--decoder-layers", "1", "--ffn-dim", "64", "--dropout", "0.0", "--label-smoothing", "0.0",
    ])
    res = text_ceiling.run(args)

    assert res["last_loss"] < 0.5 * res["first_loss"]
    assert res["bleu"] > 50.0  # the test sentences are the training ones here
    hyps = (tmp_path / "exp" / "hyps.tsv").read_text(encoding="utf-8").splitlines()
    assert len(hyps) == 1 + len(PAIRS)
    assert "text-only offline BLEU=" in (tmp_path / "exp" / "results.txt").read_text()
