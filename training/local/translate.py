#!/usr/bin/env python3
"""English -> Spanish with apertium (one call over the whole file), then filtering.

Usage:
  /usr/bin/python3 local/translate.py --en data/demo/en.txt --out data/demo/pairs.tsv --max-pairs 800
  /usr/bin/python3 local/translate.py --en en.txt --out pairs.tsv --keep-unknown
Writes: pairs.tsv, lines "english<TAB>spanish"; sentences whose translation holds
apertium's unknown/unsure marks (*, #, @) are dropped, or with --keep-unknown kept with the
marks removed (apertium -u: an unknown word, often a name, is copied as it is).
"""
import argparse
import re
import subprocess


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--en", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--max-pairs", type=int, default=0, help="keep at most this many (0 = all)")
    p.add_argument("--keep-unknown", action="store_true")
    a = p.parse_args()
    with open(a.en, encoding="utf-8") as f:
        en = [line.strip() for line in f if line.strip()]
    # apertium reads the file as one text: a line without a final stop runs on into the next
    # line's sentence, and its translation then depends on its neighbour. A stop added to such a
    # line (and taken off the translation again) makes every line translate on its own.
    added = [not e.rstrip("\"')\u201d").endswith((".", "?", "!")) for e in en]
    src = [e + "." if add else e for e, add in zip(en, added)]
    res = subprocess.run(["apertium"] + (["-u"] if a.keep_unknown else []) + ["eng-spa"],
                         input="\n".join(src) + "\n",
                         capture_output=True, text=True, check=True)
    es = res.stdout.split("\n")
    if len(es) < len(en):
        raise RuntimeError(f"apertium returned {len(es)} lines for {len(en)}")
    kept = 0
    with open(a.out, "w", encoding="utf-8") as f:
        for e, s, add in zip(en, es, added):
            s = re.sub(r"\s+", " ", s).strip()
            s = re.sub(r"\s+([.,;:!?])", r"\1", s)
            if add and s.endswith("."):
                s = s[:-1]
            if a.keep_unknown:
                s = re.sub(r"[#@*](?=\w)", "", s)
            if not s or (not a.keep_unknown and any(c in s for c in "*#@")) or "\t" in e:
                continue
            f.write(f"{e}\t{s}\n")
            kept += 1
            if kept == a.max_pairs:
                break
    print(f"kept {kept} of {len(en)} pairs")


if __name__ == "__main__":
    main()
