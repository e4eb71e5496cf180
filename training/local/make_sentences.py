#!/usr/bin/env python3
"""Picks short plain English sentences from WordNet examples and the English side of
/usr/share/trans/de-en.

Usage:
  /usr/bin/python3 local/make_sentences.py --num 600 --seed 1 --out data/en.txt
  # narrow domain: only sentences whose words are all among the N most frequent of the pool
  /usr/bin/python3 local/make_sentences.py --num 0 --top-words 1000 --min-words 4 --out data/en.txt
  # a wider domain without the sentences another data set already has (its pairs.tsv)
  /usr/bin/python3 local/make_sentences.py --num 0 --top-words 2000 --exclude data/narrow1k/pairs.tsv ...
Writes: the output file, one sentence per line (lower ASCII only, 3..10 words).
"""
import argparse
import collections
import random
import re

WORDNET = ["/usr/share/wordnet/data." + p for p in ("noun", "verb", "adj", "adv")]
TRANS = "/usr/share/trans/de-en"
OK = re.compile(r"^[A-Za-z][A-Za-z ,']*[A-Za-z]$")


def clean(s: str):
    s = re.sub(r"\s+", " ", s).strip().rstrip(".!?;:")
    if not OK.match(s) or "  " in s:
        return None
    return s


def words(s: str):
    return re.findall(r"[a-z']+", s.lower())


def from_wordnet():
    for path in WORDNET:
        with open(path, encoding="utf-8", errors="ignore") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                for q in re.findall(r'"([^"]+)"', line):
                    yield q


def from_trans():
    with open(TRANS, encoding="utf-8", errors="ignore") as f:
        for line in f:
            if line.startswith("#") or "::" not in line:
                continue
            for alt in line.split("::", 1)[1].split("|"):
                alt = re.sub(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}", "", alt)
                if len(alt.split()) >= 4:  # whole phrases only, not dictionary headwords
                    yield alt


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--num", type=int, default=600)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--min-words", type=int, default=3)
    p.add_argument("--max-words", type=int, default=10)
    p.add_argument("--top-words", type=int, default=0,
                   help="keep only sentences whose words are all among the N most frequent "
                        "words of the cleaned pool (0 = no restriction)")
    p.add_argument("--exclude", default="",
                   help="tsv whose first column lists sentences to leave out (case-insensitive)")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    pool = [c for c in (clean(s) for s in list(from_wordnet()) + list(from_trans())) if c]
    allowed = None
    if a.top_words > 0:
        counts = collections.Counter(w for s in pool for w in words(s))
        allowed = {w for w, _ in counts.most_common(a.top_words)}
    seen, cands = set(), []
    if a.exclude:
        with open(a.exclude, encoding="utf-8") as f:
            seen = {line.split("\t", 1)[0].strip().rstrip(".").lower() for line in f}
    for s in pool:
        if not a.min_words <= len(s.split()) <= a.max_words:
            continue
        if allowed is not None and not all(w in allowed for w in words(s)):
            continue
        key = s.lower()
        if key not in seen:
            seen.add(key)
            cands.append(s)
    random.Random(a.seed).shuffle(cands)
    with open(a.out, "w") as f:
        for s in cands[: a.num] if a.num > 0 else cands:
            f.write(s[0].upper() + s[1:] + ".\n")


if __name__ == "__main__":
    main()
