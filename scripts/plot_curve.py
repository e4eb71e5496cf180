#!/usr/bin/python3
"""Quality/latency curve of one or more models from `leapformer eval` results.

Usage:
    /usr/bin/python3 scripts/plot_curve.py --results docs/results MODEL [MODEL ...]

Reads RESULTS/<MODEL>/k<k>/scores.tsv and RESULTS/<MODEL>/offline/scores.tsv (SimulEval's
scores.tsv, written by `leapformer eval`), RESULTS/<MODEL>/info.txt (`leapformer info`, for
the attention type) and RESULTS/run.txt (how the results were made), and writes

    RESULTS/curve.md    one table row per model and k: BLEU, chrF, AL, LAAL, DAL, AP and the
                        computation-aware AL, LAAL (ms)
    RESULTS/curve.png   BLEU against AL (left) and computation-aware AL (right), one line per
                        model, k marked on each point, offline as a star

Needs Debian's matplotlib (apt-get install python3-matplotlib); run scripts/eval_curve.sh to
make the results.
"""

import argparse
import csv
import math
import re
import sys
from pathlib import Path

COLUMNS = ["BLEU", "chrF", "AL", "LAAL", "DAL", "AP", "AL_CA", "LAAL_CA"]
DIGITS = {"BLEU": 2, "chrF": 2, "AP": 3}  # the rest are ms: one decimal


def read_scores(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if len(rows) != 1:
        raise SystemExit(f"error: {path}: expected one row of scores, found {len(rows)}")
    return {k: (float(v) if v != "" else math.nan) for k, v in rows[0].items()}


def read_model(results, model):
    """[(k, scores)] sorted by k, offline (k = None) last."""
    folder = results / model
    points = []
    for tsv in sorted(folder.glob("*/scores.tsv")):
        name = tsv.parent.name
        if name == "offline":
            k = None
        elif re.fullmatch(r"k\d+", name):
            k = int(name[1:])
        else:
            continue
        points.append((k, read_scores(tsv)))
    if not points:
        raise SystemExit(f"error: no {folder}/k*/scores.tsv or offline/scores.tsv")
    points.sort(key=lambda p: (p[0] is None, p[0] or 0))
    return points


def attention(results, model):
    info = results / model / "info.txt"
    if info.exists():
        m = re.search(r"(\w+) attention", info.read_text(encoding="utf-8"))
        if m:
            return m.group(1)
    return "?"


def fmt(value, digits):
    return "" if math.isnan(value) else f"{value:.{digits}f}"


def write_markdown(results, models, data, labels):
    lines = ["# Quality/latency curve", ""]
    run = results / "run.txt"
    if run.exists():
        lines += [f"- {line}" for line in run.read_text(encoding="utf-8").splitlines() if line.strip()]
        lines.append("")
    lines += [
        "BLEU and chrF are sacreBLEU's (13a, exp smoothing; chrF2); latency is SimulEval's per word, in ms of",
        "source audio (AP a fraction); `_CA` is computation-aware. Definitions: docs/evaluation.md.",
        "",
        "| model | attention | k | " + " | ".join(COLUMNS) + " |",
        "| --- | --- | ---: | " + " | ".join("---:" for _ in COLUMNS) + " |",
    ]
    for model in models:
        for k, s in data[model]:
            cells = [fmt(s.get(c, math.nan), DIGITS.get(c, 1)) for c in COLUMNS]
            lines.append(f"| {model} | {labels[model]} | {'offline' if k is None else k} | " + " | ".join(cells) + " |")
    if any(math.isnan(s["AL"]) for m in models for _, s in data[m]):
        lines += ["", "An empty latency cell: no instance of that run produced a word (SimulEval skips those)."]
    lines += ["", "![BLEU against AL](curve.png)", ""]
    (results / "curve.md").write_text("\n".join(lines), encoding="utf-8")


def plot(results, models, data, labels):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
    for ax, column, title in ((axes[0], "AL", "AL (ms)"), (axes[1], "AL_CA", "computation-aware AL (ms)")):
        for i, model in enumerate(models):
            color = f"C{i}"
            silent = all(math.isnan(s[column]) for _, s in data[model])
            label = f"{model} ({labels[model]})" + (": no output, no latency" if silent else "")
            streamed = [(k, s) for k, s in data[model] if k is not None]
            offline = [s for k, s in data[model] if k is None]
            if streamed:
                xs = [s[column] for _, s in streamed]
                ys = [s["BLEU"] for _, s in streamed]
                ax.plot(xs, ys, "o-", color=color, label=label)
                for (k, _), x, y in zip(streamed, xs, ys):
                    ax.annotate(f"k={k}", (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8, color=color)
            for s in offline:
                ax.plot([s[column]], [s["BLEU"]], "*", markersize=12, color=color,
                        label=None if streamed else label)
                ax.annotate("offline", (s[column], s["BLEU"]), textcoords="offset points", xytext=(4, -10), fontsize=8, color=color)
        ax.set_xlabel(title)
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("BLEU")
    axes[0].legend(loc="best", fontsize=9)
    fig.suptitle("BLEU against latency (wait-k; star = offline)")
    fig.tight_layout()
    fig.savefig(results / "curve.png", dpi=120)
    plt.close(fig)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=Path("docs/results"))
    parser.add_argument("models", nargs="+")
    args = parser.parse_args(argv)
    data = {m: read_model(args.results, m) for m in args.models}
    labels = {m: attention(args.results, m) for m in args.models}
    write_markdown(args.results, args.models, data, labels)
    plot(args.results, args.models, data, labels)
    print(f"wrote {args.results / 'curve.md'} and {args.results / 'curve.png'}")


if __name__ == "__main__":
    main(sys.argv[1:])
