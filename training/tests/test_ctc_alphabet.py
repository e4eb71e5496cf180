"""The CTC head's alphabets (leapformer/tokens.py, train.py --ctc-alphabet): the default is
today's alphabet exactly, so checkpoints trained with it keep loading; the wider one keeps
digits and punctuation; the choice travels in the checkpoint to export and decoding."""
import os

import torch

import train
from conftest import TRAINING
from leapformer.tokens import CTC_ALPHABETS, CTC_CHARS, CTC_VOCAB_SIZE, ctc_vocab_size, encode_chars

TEXT = "In 2008, 45% said: “it’s—over!” Really?"


def test_default_alphabet_is_unchanged():
    assert CTC_CHARS == CTC_ALPHABETS["chars"] == " abcdefghijklmnopqrstuvwxyz'"
    assert CTC_VOCAB_SIZE == ctc_vocab_size() == ctc_vocab_size("chars") == 29
    # digits, punctuation and the typographic apostrophe dropped, as before
    decoded = "".join(CTC_CHARS[i - 1] for i in encode_chars(TEXT))
    assert decoded == "in   said itsover really"
    assert encode_chars(TEXT) == encode_chars(TEXT, "chars")


def test_digits_alphabet_keeps_digits_and_punctuation():
    chars = CTC_ALPHABETS["chars+digits"]
    assert chars.startswith(CTC_CHARS)  # the first 29 ids mean the same in both
    assert ctc_vocab_size("chars+digits") == len(chars) + 1
    decoded = "".join(chars[i - 1] for i in encode_chars(TEXT, "chars+digits"))
    assert decoded == "in 2008, 45% said: \"it's-over!\" really?"


def test_option_default_and_checkpoint_round_trip(tmp_path):
    parser = train.get_parser()
    assert parser.parse_args([]).ctc_alphabet == "chars"
    assert "ctc_alphabet" in train.MODEL_KEYS
    for alphabet in CTC_ALPHABETS:
        params = train.get_params()
        params.update(vars(parser.parse_args(["--d-model", "32", "--num-heads", "2",
                                              "--encoder-layers", "1", "--decoder-layers", "1",
                                              "--ffn-dim", "64", "--ctc-alphabet", alphabet])))
        params.vocab_size = 20
        model = train.get_model(params)
        assert model.ctc_head.out_features == ctc_vocab_size(alphabet)
        ckpt = {"model": model.state_dict(), "params": dict(params)}
        loaded, p = train.model_from_checkpoint(ckpt)
        assert p.ctc_alphabet == alphabet
        assert loaded.ctc_head.out_features == ctc_vocab_size(alphabet)
        # a checkpoint from before the option has no ctc_alphabet: it is today's alphabet
        if alphabet == "chars":
            del ckpt["params"]["ctc_alphabet"]
            assert train.model_from_checkpoint(ckpt)[1].ctc_alphabet == "chars"


def test_bundled_model_still_loads():
    path = os.path.join(TRAINING, "..", "models", "demo-small", "averaged.pt")
    model, params = train.model_from_checkpoint(torch.load(path, map_location="cpu"))
    assert params.ctc_alphabet == "chars" and model.ctc_head.out_features == CTC_VOCAB_SIZE
