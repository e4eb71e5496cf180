#!/usr/bin/env python3
"""Checks the outputs of a `leapformer eval` run (its instances.log) as issue 18 asks: no empty
output for speech, no output more than twice the reference's length (in words), and the
longest run of one repeated word.

Usage:
  scripts/output_checks.py docs/results/everyday-real/demo-small/k5 [more run folders...]
Prints one line per run folder; exits 1 if any run has an empty or an over-long output.
"""
import json
import os
import sys


def longest_repeat(words, n=1):
    """The most times one group of n words (case ignored) repeats back to back."""
    words = [w.lower() for w in words]
    best = 1 if len(words) >= n else 0
    for i in range(len(words) - n + 1):
        run, j = 1, i + n
        while words[j:j + n] == words[i:i + n]:
            run, j = run + 1, j + n
        best = max(best, run)
    return best


def check(folder: str):
    with open(os.path.join(folder, "instances.log"), encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    empty = [r["index"] for r in rows if not r["prediction"].strip()]
    long = [r["index"] for r in rows
            if len(r["prediction"].split()) > 2 * max(len(r["reference"].split()), 1)]
    repeat = max((longest_repeat(r["prediction"].split()) for r in rows), default=0)
    ratio = sum(len(r["prediction"].split()) for r in rows) / max(
        sum(len(r["reference"].split()) for r in rows), 1)
    return len(rows), empty, long, repeat, ratio


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    bad = False
    for folder in sys.argv[1:]:
        n, empty, long, repeat, ratio = check(folder)
        bad |= bool(empty or long)
        print(f"{folder}: {n} outputs, {len(empty)} empty {empty[:10]}, {len(long)} over twice "
              f"the reference {long[:10]}, longest repeated word run {repeat}, "
              f"length ratio {ratio:.2f}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
