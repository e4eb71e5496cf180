#!/usr/bin/python3
"""Plots the long-context benchmark and a `leapformer bench --find-max` run.

Usage:
    /usr/bin/python3 scripts/plot_benchmarks.py \
        --long-context artifacts/benchmarks/long-context.csv \
        --find-max artifacts/benchmarks/find-max.json \
        --out docs/benchmarks.png

Either input may be left out (its panels are then skipped). Reads

    long-context.csv   written by `dotnet run -c Release --project benchmarks/LeaPformer.Benchmarks
                       -- long-context ...`: one row per bundle and checkpoint
    find-max.json      written by `leapformer bench --find-max --json FILE` (a single run's
                       `bench --json FILE` works too: it is drawn as one point)

and writes OUT (a PNG): decoder and encoder step time against context length, per-stream
state bytes and working set against context length (one line per bundle, checkpoints not
reached are left out), and p50/p95 token lag and server CPU against concurrent streams.
Needs Debian's matplotlib (apt-get install python3-matplotlib). docs/benchmarks.md says how
the numbers are made.
"""

import argparse
import csv
import json
import math
import sys
from pathlib import Path


def read_long_context(path):
    """{bundle: {"attention": str, "rows": [dict of floats]}} in checkpoint order, reached rows only."""
    bundles = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            entry = bundles.setdefault(row["bundle"], {"attention": row["attention"], "rows": []})
            if row["reached"] != "1":
                continue
            entry["rows"].append({k: float(v) if v not in ("", None) else math.nan
                                  for k, v in row.items() if k not in ("bundle", "attention", "checkpoint")}
                                 | {"checkpoint": row["checkpoint"]})
    if not bundles:
        raise SystemExit(f"error: {path}: no rows")
    return bundles


def read_find_max(path):
    """The list of per-step reports and the threshold, from find-max JSON or a single run's JSON."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if "steps" in data:
        return data["steps"], data.get("lag_threshold_ms"), data.get("max_streams_real_time")
    return [data], data.get("lag_threshold_ms"), None


def plot_long_context(axes_time, axes_memory, bundles):
    for name, entry in bundles.items():
        rows = entry["rows"]
        if not rows:
            continue
        x = [r["context_s"] for r in rows]
        label = f"{name} ({entry['attention']})"
        line, = axes_time.plot(x, [r["decoder_step_us"] for r in rows], marker="o", label=f"{label}: decoder step")
        axes_time.plot(x, [r["encoder_unit_us"] for r in rows], marker="s", linestyle="--", color=line.get_color(),
                       label=f"{label}: encoder + cross unit")
        axes_memory.plot(x, [r["state_bytes"] / 1024 for r in rows], marker="o", color=line.get_color(),
                         label=f"{label}: state tensors")
        axes_memory.plot(x, [max(r["working_set_delta_bytes"], 0) / 1024 for r in rows], marker="^", linestyle=":",
                         color=line.get_color(), label=f"{label}: working set since start")
    for axes in (axes_time, axes_memory):
        axes.set_xscale("log")
        axes.set_xlabel("context in one segment (s of audio)")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=7)
    axes_time.set_yscale("log")
    axes_time.set_ylabel("median step time (us)")
    axes_time.set_title("Step time as the context grows")
    axes_memory.set_yscale("log")
    axes_memory.set_ylabel("KiB per stream")
    axes_memory.set_title("Per-stream memory as the context grows")


def plot_find_max(axes, steps, threshold, best):
    streams = [s["streams"] for s in steps]
    lag = [s.get("lag") or {} for s in steps]
    axes.plot(streams, [l.get("p50_ms", math.nan) for l in lag], marker="o", label="token lag p50")
    axes.plot(streams, [l.get("p95_ms", math.nan) for l in lag], marker="o", label="token lag p95")
    axes.plot(streams, [l.get("worst_stream_p95_ms", math.nan) for l in lag], marker="x", linestyle=":",
              label="worst stream's p95")
    if threshold:
        axes.axhline(threshold, color="red", linewidth=0.8, label=f"real-time threshold {threshold:.0f} ms")
    axes.set_xlabel("concurrent paced streams")
    axes.set_ylabel("ms")
    title = "Token lag under load"
    if best is not None:
        title += f" (largest real-time count: {best})"
    axes.set_title(title)
    axes.grid(True, alpha=0.3)
    cpu = [(s.get("server") or {}).get("cpu_seconds_per_audio_second") for s in steps]
    if any(c is not None for c in cpu):
        right = axes.twinx()
        right.plot(streams, [c if c is not None else math.nan for c in cpu], color="gray", marker="s",
                   linestyle="--", label="server CPU s per audio s")
        right.set_ylabel("server CPU s per audio s")
        right.legend(fontsize=7, loc="lower right")
    axes.legend(fontsize=7, loc="upper left")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long-context", type=Path, help="long-context.csv")
    parser.add_argument("--find-max", type=Path, help="bench --find-max JSON (or one bench --json)")
    parser.add_argument("--out", type=Path, default=Path("docs/benchmarks.png"))
    args = parser.parse_args(argv)
    if args.long_context is None and args.find_max is None:
        parser.error("give --long-context, --find-max or both")
    for path in (args.long_context, args.find_max):
        if path is not None and not path.is_file():
            raise SystemExit(f"error: {path} is not a file")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = (2 if args.long_context else 0) + (1 if args.find_max else 0)
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 4.5), squeeze=False)
    axes = list(axes[0])
    if args.long_context:
        plot_long_context(axes.pop(0), axes.pop(0), read_long_context(args.long_context))
    if args.find_max:
        plot_find_max(axes.pop(0), *read_find_max(args.find_max))
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
