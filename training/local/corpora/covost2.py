"""CoVoST 2 (https://github.com/facebookresearch/covost) over Common Voice, as released:

  <root>/validated.tsv, <root>/clips/*.mp3   Common Voice (version 4) of the source language
                                             (or <root>/<src>/validated.tsv, <root>/<src>/clips/)
  <root>/covost_v2.<src>_<tgt>.tsv           CoVoST 2's translations (from
                                             covost_v2.<src>_<tgt>.tsv.tar.gz), columns path,
                                             sentence, translation, split
validated.tsv gives each clip's transcript (sentence) and speaker (client_id); CoVoST's TSV its
translation and split. Joined on path as CoVoST's get_covost_splits.py does (rows of either file
alone are left out); splits train and train_covost -> train, dev -> dev, test -> test. Both files
are tab-separated, unquoted, with backslash escapes. A clip is one segment (the whole file);
its id is the file name without extension. Clips are MP3 (see common.py on decoding).

CoVoST 2 has no English -> Spanish direction: from English it translates into ar ca cy de et fa
id ja lv mn sl sv-SE ta tr zh-CN only (Spanish is a source language, es -> en).
"""
import csv
import os
from typing import Dict, List

from .common import Segment, find_audio

EN_TARGETS = ("ar", "ca", "cy", "de", "et", "fa", "id", "ja", "lv", "mn", "sl", "sv-SE", "ta",
              "tr", "zh-CN")
SPLITS = {"train": "train", "train_covost": "train", "dev": "dev", "test": "test"}


def read_tsv(path: str) -> List[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"))


def read(root: str, src: str = "en", tgt: str = "es") -> Dict[str, List[Segment]]:
    covost = os.path.join(root, f"covost_v2.{src}_{tgt}.tsv")
    if not os.path.exists(covost):
        hint = ""
        if src == "en" and tgt not in EN_TARGETS:
            hint = f"; CoVoST 2 translates English into {' '.join(EN_TARGETS)} only"
        raise FileNotFoundError(f"{covost} is missing{hint}")
    cv = root
    if os.path.exists(os.path.join(root, src, "validated.tsv")):
        cv = os.path.join(root, src)
    validated = {r["path"]: r for r in read_tsv(os.path.join(cv, "validated.tsv"))}
    splits = {"train": [], "dev": [], "test": []}
    for r in read_tsv(covost):
        split = SPLITS.get(r["split"])
        clip = validated.get(r["path"])
        if split is None or clip is None:
            continue
        splits[split].append(Segment(
            id=os.path.splitext(r["path"])[0],
            audio=find_audio(os.path.join(cv, "clips", r["path"])), start=0.0, end=None,
            speaker=f"real:cv:{clip['client_id']}",
            src_text=clip["sentence"], tgt_text=r["translation"]))
    return splits
