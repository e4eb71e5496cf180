"""Corpus BLEU (4-gram, brevity penalty, 13a-like tokenization) and Average Lagging."""
import math
import re
from collections import Counter
from typing import List, Sequence


def tokenize(s: str) -> List[str]:
    """Splits punctuation from words, as sacrebleu's 13a does for the common cases."""
    s = re.sub(r"([^\w\s'])", r" \1 ", s)
    return s.split()


def corpus_bleu(hyps: Sequence[str], refs: Sequence[str], max_n: int = 4) -> float:
    """BLEU in percent, one reference per sentence, no smoothing."""
    match, total = [0] * max_n, [0] * max_n
    hyp_len = ref_len = 0
    for h, r in zip(hyps, refs):
        h, r = tokenize(h), tokenize(r)
        hyp_len += len(h)
        ref_len += len(r)
        for n in range(1, max_n + 1):
            hc = Counter(tuple(h[i: i + n]) for i in range(len(h) - n + 1))
            rc = Counter(tuple(r[i: i + n]) for i in range(len(r) - n + 1))
            match[n - 1] += sum(min(c, rc[g]) for g, c in hc.items())
            total[n - 1] += max(len(h) - n + 1, 0)
    if hyp_len == 0 or min(match) == 0:
        return 0.0
    log_p = sum(math.log(m / t) for m, t in zip(match, total)) / max_n
    bp = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return 100.0 * bp * math.exp(log_p)


def average_lagging(delays_ms: Sequence[float], source_ms: float, ref_len: int) -> float:
    """AL (Ma et al. 2019) in ms against the reference length (as SimulEval's
    computation-unaware AL): mean over tokens up to the first that saw the whole
    source of d_i - i * source_ms / |ref|."""
    if not delays_ms:
        return 0.0
    rate = source_ms / max(ref_len, 1)
    total, tau = 0.0, 0
    for i, d in enumerate(delays_ms):
        total += d - i * rate
        tau = i + 1
        if d >= source_ms:
            break
    return total / tau
