#!/usr/bin/env python3
"""Synthesizes the English side of pairs.tsv with SVOX Pico and GnuSpeech voices (WebAssembly).

Usage:
  /usr/bin/python3 local/synthesize_wasm.py --pairs data/demo/pairs.tsv --wav-dir data/demo/wav \
      --engines pico,gnuspeech --seed 1 --jobs 2 --out data/demo/utts.tsv [--pico-dir DIR]
Writes: <wav-dir>/<id>.wav (16 kHz mono 16-bit) and utts.tsv
("id  wav  num_samples  speaker  src_text  tgt_text"), as local/synthesize.py does.

The synthesizers are the npm packages of local/wasm_tts (package-lock.json pins them; `npm ci`
runs there when node_modules is missing), driven by local/wasm_tts/render.mjs: --jobs node
processes, each rendering its share of the sentences with the engines kept loaded.
Every utterance draws a family of --engines at random, then one of its voices (speaker
"pico:en-US", "pico:en-GB", "gnuspeech:male", "gnuspeech:female", "gnuspeech:large_child",
"gnuspeech:small_child", "gnuspeech:baby"; --only-voices narrows the list), a rate (0.85-1.2, 1 =
the voice's normal speed) and a pitch factor (0.85-1.2); sox -R then makes 16 kHz mono 16-bit.
The same --seed gives the same bytes (GnuSpeech's random intonation is seeded per utterance).
  --augment    random gain (-10..0 dB) and 0-0.25 s of leading/trailing silence, as in
               synthesize.py (rate and pitch keep their ranges).
  --pico-dir   a folder holding the four Pico voice files of local/wasm_tts/pico_voices.json
               (en-US_ta.bin, en-US_lh0_sg.bin, en-GB_ta.bin, en-GB_kh0_sg.bin: Apache-2.0, from
               https://github.com/ihuguet/picotts, commit 21089d223e177ba3cb7e385db8613a093dff74b5,
               folder pico/lang/); each file's SHA-256 is checked. Default: download/picotts-21089d22/
               (git-ignored), filled with curl from that repository when it is reachable.
Speed here, one core: Pico about 38 s of audio per CPU second, GnuSpeech about 20.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
WASM_DIR = os.path.join(HERE, "wasm_tts")
RENDER = os.path.join(WASM_DIR, "render.mjs")
TRAINING = os.path.dirname(HERE)
with open(os.path.join(WASM_DIR, "pico_voices.json"), encoding="utf-8") as _f:
    PICO = json.load(_f)
DEFAULT_PICO_DIR = os.path.join(TRAINING, "download", "picotts-" + PICO["commit"][:8])

ENGINES = ("pico", "gnuspeech")
RATE = (0.85, 1.2)
PITCH = (0.85, 1.2)


def ensure_node_modules():
    """`npm ci` in local/wasm_tts when its node_modules is missing (versions from the lock file)."""
    if shutil.which("node") is None:
        sys.exit("synthesize_wasm.py: node is not installed (Debian: apt-get install nodejs npm)")
    if os.path.isdir(os.path.join(WASM_DIR, "node_modules", "@echogarden")):
        return
    print(f"npm ci in {WASM_DIR}", file=sys.stderr)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WASM_DIR, check=True,
                   stdout=sys.stderr)


def pico_files():
    return [f for files in PICO["voices"].values() for f in files]


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def pico_dir_problems(folder: str):
    """The voice files missing from folder or with a wrong SHA-256 (empty: all good)."""
    bad = []
    for name in pico_files():
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            bad.append(f"{name} missing")
        elif sha256(path) != PICO["sha256"][name]:
            bad.append(f"{name} has SHA-256 {sha256(path)}, expected {PICO['sha256'][name]}")
    return bad


def resolve_pico_dir(given):
    """--pico-dir as given (checked), or the default cache, downloaded into where needed."""
    folder = os.path.abspath(given or DEFAULT_PICO_DIR)
    bad = pico_dir_problems(folder)
    if not bad:
        return folder
    if given:
        sys.exit(f"--pico-dir {given}: " + "; ".join(bad))
    os.makedirs(folder, exist_ok=True)
    for name in pico_files():
        path = os.path.join(folder, name)
        if os.path.isfile(path) and sha256(path) == PICO["sha256"][name]:
            continue
        url = PICO["url"].format(commit=PICO["commit"], file=name)
        r = subprocess.run(["curl", "-fsSL", "--retry", "2", "-m", "120", "-o", path + ".part", url],
                           capture_output=True, text=True)
        if r.returncode != 0:
            if os.path.exists(path + ".part"):
                os.remove(path + ".part")
            why = (r.stderr.strip().splitlines() or [f"curl exit {r.returncode}"])[-1]
            sys.exit(f"could not download the Pico voice file {url} ({why}).\n"
                     f"Pass --pico-dir DIR, a folder holding {', '.join(pico_files())} "
                     f"({PICO['repository']} at commit {PICO['commit']}, folder {PICO['folder']}/).")
        os.replace(path + ".part", path)
    bad = pico_dir_problems(folder)
    if bad:
        sys.exit(f"{folder}: " + "; ".join(bad))
    return folder


def list_voices():
    """[(engine, voice)] that render.mjs offers (GnuSpeech's presets are read from its package)."""
    out = subprocess.run(["node", RENDER, "--list-voices"], capture_output=True, text=True,
                         check=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def render_all(jobs, n_procs: int, pico_dir):
    """jobs: dicts for render.mjs plus "final" (the 16 kHz wav) and "effects" (sox effects).
    Runs n_procs node processes; each finished raw WAV goes through sox at once.
    Returns {final path: num_samples}."""
    args = ["node", RENDER] + (["--pico-dir", pico_dir] if pico_dir else [])
    shares = [jobs[i::n_procs] for i in range(n_procs)]
    counts, errors = {}, []

    def run(share):
        by_raw = {j["out"]: j for j in share}
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, encoding="utf-8")

        def feed():
            try:
                for j in share:
                    keep = {k: j[k] for k in ("text", "engine", "voice", "rate", "pitch", "seed", "out")}
                    proc.stdin.write(json.dumps(keep) + "\n")
                proc.stdin.close()
            except BrokenPipeError:
                pass

        writer = threading.Thread(target=feed)
        writer.start()
        try:
            for line in proc.stdout:
                raw, _ = line.rstrip("\n").split("\t")
                j = by_raw.pop(raw)
                # -R: sox seeds its dither with a fixed number (same job, same bytes)
                subprocess.run(["sox", "-R", raw, "-r", "16000", "-c", "1", "-b", "16", j["final"]]
                               + j["effects"], check=True, capture_output=True)
                os.remove(raw)
                with wave.open(j["final"]) as w:
                    counts[j["final"]] = w.getnframes()
        except Exception as e:  # noqa: BLE001 (reported below, after the process is ended)
            errors.append(repr(e))
            proc.kill()
        writer.join()
        err = proc.stderr.read()
        if proc.wait() != 0 or by_raw:
            errors.append(f"render.mjs exited with {proc.returncode}, {len(by_raw)} jobs undone: "
                          f"{err.strip()}")

    threads = [threading.Thread(target=run, args=(s,)) for s in shares if s]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit("synthesize_wasm.py: " + "\n".join(errors))
    return counts


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pairs", required=True)
    p.add_argument("--wav-dir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=2, help="node processes in parallel")
    p.add_argument("--prefix", default="utt")
    p.add_argument("--engines", default="pico,gnuspeech", help="comma-separated: pico, gnuspeech")
    p.add_argument("--only-voices", default=None,
                   help="comma-separated engine:voice list to draw from (default: all of --engines)")
    p.add_argument("--pico-dir", default=None)
    p.add_argument("--augment", action="store_true")
    a = p.parse_args()
    engines = [e for e in a.engines.split(",") if e]
    for e in engines:
        if e not in ENGINES:
            p.error(f"unknown engine {e} (choose from {', '.join(ENGINES)})")
    ensure_node_modules()
    available = [v for v in list_voices() if v[0] in engines]
    if a.only_voices:
        wanted = [tuple(v.split(":", 1)) for v in a.only_voices.split(",") if v]
        for v in wanted:
            if v not in available:
                p.error(f"voice {':'.join(v)} is not among {[':'.join(x) for x in available]}")
        available = wanted
    families = {}
    for engine, voice in available:
        families.setdefault(engine, []).append(voice)
    if not families:
        p.error("no voices to draw from")
    pico_dir = resolve_pico_dir(a.pico_dir) if "pico" in families else None

    rng = random.Random(a.seed)
    os.makedirs(a.wav_dir, exist_ok=True)
    raw_dir = tempfile.mkdtemp(prefix="raw-", dir=a.wav_dir)
    jobs, meta = [], []
    with open(a.pairs, encoding="utf-8") as f:
        for i, line in enumerate(f):
            en, es = line.rstrip("\n").split("\t")
            uid = f"{a.prefix}{i:05d}"
            engine = rng.choice(sorted(families))
            voice = rng.choice(families[engine])
            rate, pitch = round(rng.uniform(*RATE), 3), round(rng.uniform(*PITCH), 3)
            seed = rng.getrandbits(31)
            effects = []
            if a.augment:
                effects = ["gain", f"{rng.uniform(-10, 0):.1f}",
                           "pad", f"{rng.uniform(0, 0.25):.2f}", f"{rng.uniform(0, 0.25):.2f}"]
            final = os.path.abspath(os.path.join(a.wav_dir, uid + ".wav"))
            jobs.append({"text": en, "engine": engine, "voice": voice, "rate": rate, "pitch": pitch,
                         "seed": seed, "out": os.path.abspath(os.path.join(raw_dir, uid + ".wav")),
                         "final": final, "effects": effects})
            meta.append((uid, final, f"{engine}:{voice}", en, es))
    try:
        counts = render_all(jobs, max(1, a.jobs), pico_dir)
    finally:
        shutil.rmtree(raw_dir, ignore_errors=True)
    with open(a.out, "w", encoding="utf-8") as f:
        for uid, out, spk, en, es in meta:
            f.write(f"{uid}\t{out}\t{counts[out]}\t{spk}\t{en}\t{es}\n")
    print(f"synthesized {len(jobs)} utterances with {len(available)} voices "
          f"({', '.join(sorted(families))})")


if __name__ == "__main__":
    main()
