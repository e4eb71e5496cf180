"""Target SentencePiece vocabulary and the English character sets of the CTC head."""
import re
from typing import Dict, List

import sentencepiece as spm

PAD_ID, UNK_ID, BOS_ID, EOS_ID = 0, 1, 2, 3

# CTC head alphabets over the source transcript: blank = 0, character i -> i + 1.
# "chars" is the alphabet of every model so far (train.py's default); "chars+digits" also
# keeps digits and basic punctuation, which real corpora's transcripts carry (MuST-C,
# Europarl-ST: "in 2008, 45% of ..."). A checkpoint records its choice (params ctc_alphabet).
CTC_ALPHABETS: Dict[str, str] = {
    "chars": " abcdefghijklmnopqrstuvwxyz'",
    "chars+digits": " abcdefghijklmnopqrstuvwxyz'0123456789.,?!-:;\"%",
}
CTC_CHARS = CTC_ALPHABETS["chars"]
CTC_VOCAB_SIZE = len(CTC_CHARS) + 1
_CTC_IDS = {name: {c: i + 1 for i, c in enumerate(chars)} for name, chars in CTC_ALPHABETS.items()}
# typographic quotes and dashes, folded into the ASCII ones by the alphabets that keep those
_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                              "\u2013": "-", "\u2014": "-"})


def ctc_vocab_size(alphabet: str = "chars") -> int:
    """Output size of the CTC head: the alphabet and the blank."""
    return len(CTC_ALPHABETS[alphabet]) + 1


def encode_chars(text: str, alphabet: str = "chars") -> List[int]:
    """Lower-cased English text -> CTC label ids (1..), other characters dropped."""
    if alphabet != "chars":
        text = text.translate(_TYPOGRAPHIC)
    ids = _CTC_IDS[alphabet]
    text = re.sub(r"\s+", " ", text.lower()).strip()
    return [ids[c] for c in text if c in ids]


def train_spm(text_path: str, model_prefix: str, vocab_size: int) -> None:
    """Unigram model with the fixed special ids of docs/bundle.md."""
    spm.SentencePieceTrainer.train(
        input=text_path,
        model_prefix=model_prefix,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        pad_id=PAD_ID,
        unk_id=UNK_ID,
        bos_id=BOS_ID,
        eos_id=EOS_ID,
        hard_vocab_limit=False,  # small corpora cannot reach the asked size
        minloglevel=2,
    )


def load_spm(path: str) -> spm.SentencePieceProcessor:
    sp = spm.SentencePieceProcessor()
    sp.load(path)
    return sp


def write_tokens(sp: spm.SentencePieceProcessor, path: str) -> None:
    """tokens.txt: one piece per line, id = 0-based line number."""
    with open(path, "w", encoding="utf-8") as f:
        for i in range(sp.get_piece_size()):
            f.write(sp.id_to_piece(i) + "\n")
