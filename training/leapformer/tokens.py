"""Target SentencePiece vocabulary and the English character set of the CTC head."""
import re
from typing import List

import sentencepiece as spm

PAD_ID, UNK_ID, BOS_ID, EOS_ID = 0, 1, 2, 3

# CTC head alphabet over the source transcript: blank = 0.
CTC_CHARS = " abcdefghijklmnopqrstuvwxyz'"
CTC_VOCAB_SIZE = len(CTC_CHARS) + 1


def encode_chars(text: str) -> List[int]:
    """Lower-cased English text -> CTC label ids (1..), other characters dropped."""
    text = re.sub(r"\s+", " ", text.lower()).strip()
    return [CTC_CHARS.index(c) + 1 for c in text if c in CTC_CHARS]


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
