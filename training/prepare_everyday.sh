#!/usr/bin/env bash
# The "everyday" data set: ordinary English sentences and real voices, for the default model
# (../docs/results/everyday.md describes the frozen test sets). Icefall style stages.
#
# Usage (from training/; wide2k must exist for stage 5, see ./prepare.sh's header):
#   ./prepare_everyday.sh                           # public sources from GitHub into download/
#   ./prepare_everyday.sh --mirror /work/.mirror    # the same sources from local bare snapshots
#   ./prepare_everyday.sh --dl-dir /data/dl --stage 3 --stop-stage 3
#   (--pico-dir DIR: SVOX Pico's voice files, see local/synthesize_wasm.py)
# Stages:
#   0 public sources (local/download_everyday.sh)             -> <dl-dir>/...
#   1 sentences and their frozen split (local/everyday_text.py) -> data/everyday/sentences.tsv
#   2 apertium eng-spa over every sentence (unknown words kept) -> data/everyday/pairs.tsv
#   3 recordings converted, other sentences synthesized (espeak-ng, flite, festival HTS;
#     GnuSpeech for 15% of the training sentences)              -> data/everyday/wav*/, utts*.tsv
#   4 test_everyday rendered by SVOX Pico (a family never in training)
#                                                               -> data/everyday/wav_everyday/, utts_everyday.tsv
#   5 manifests (+ wide2k's training rows)                      -> data/everyday/manifests/
#   6 SentencePiece (--vocab-size) + level-normalised CMVN      -> data/everyday/lang/
# Each stage leaves data/everyday/.stage<N>.done and is skipped when it exists.
# Needs (Debian): espeak-ng flite festival festvox-us-slt-hts sox apertium apertium-eng-spa
# pocketsphinx-testdata; node + npm for stage 4 (local/wasm_tts).
set -euo pipefail
cd "$(dirname "$0")"

PY=${PY:-/usr/bin/python3}
stage=0
stop_stage=6
dl_dir=download
mirror=""
pico_dir=""
data_root=data
vocab_size=2000
jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --stage) stage=$2 ;;
    --stop-stage) stop_stage=$2 ;;
    --dl-dir) dl_dir=$2 ;;
    --mirror) mirror=$2 ;;
    --pico-dir) pico_dir=$2 ;;
    --data-root) data_root=$2 ;;
    --vocab-size) vocab_size=$2 ;;
    --jobs) jobs=$2 ;;
    *) echo "unknown option $1" >&2; exit 1 ;;
  esac
  shift 2
done

source local/stages.sh

dir=$data_root/everyday
mkdir -p "$dir"
stage_dir=$dir

download() { local/download_everyday.sh --dl-dir "$dl_dir" ${mirror:+--mirror "$mirror"}; }
sentences() { $PY local/everyday_text.py --dl-dir "$dl_dir" --out "$dir/sentences.tsv"; }
translate() {
  # apertium's output for a line depends a little on the lines around it (its tagger reads
  # across them), so the test and dev sentences are translated on their own, in the frozen
  # lists' order: their references do not move when the training sources change.
  awk -F'\t' 'NR > 1 && $2 != "train" && !seen[$4]++ { print $4 }' "$dir/sentences.tsv" > "$dir/en_eval.txt"
  awk -F'\t' 'NR == FNR { held[$0] = 1; next } FNR > 1 && $2 == "train" && !($4 in held) { print $4 }' \
    "$dir/en_eval.txt" "$dir/sentences.tsv" | sort -u > "$dir/en_train.txt"
  $PY local/translate.py --en "$dir/en_eval.txt" --out "$dir/pairs_eval.tsv" --keep-unknown
  $PY local/translate.py --en "$dir/en_train.txt" --out "$dir/pairs_train.tsv" --keep-unknown
  cat "$dir/pairs_eval.tsv" "$dir/pairs_train.tsv" > "$dir/pairs.tsv"
}
audio() {
  $PY local/everyday_audio.py --sentences "$dir/sentences.tsv" --pairs "$dir/pairs.tsv" \
    --wav-dir "$dir/wav" --out "$dir/utts.tsv" --jobs "$jobs"
  $PY local/everyday_wasm_audio.py --split train --engines gnuspeech --share 0.15 \
    --sentences "$dir/sentences.tsv" --pairs "$dir/pairs.tsv" \
    --wav-dir "$dir/wav_gnuspeech" --out "$dir/utts_gnuspeech.tsv" --jobs "$jobs"
}
everyday_test() {
  $PY local/everyday_wasm_audio.py --split test_everyday --engines pico \
    --sentences "$dir/sentences.tsv" --pairs "$dir/pairs.tsv" \
    --wav-dir "$dir/wav_everyday" --out "$dir/utts_everyday.tsv" --jobs "$jobs" \
    ${pico_dir:+--pico-dir "$pico_dir"}
}
manifests() {
  local extra=$data_root/wide2k/manifests/train.tsv
  [ -f "$extra" ] || { echo "stage 5: $extra is missing (make wide2k first)" >&2; exit 1; }
  local everyday=()
  [ -f "$dir/utts_everyday.tsv" ] && everyday=(--everyday-utts "$dir/utts_everyday.tsv")
  $PY local/everyday_manifests.py --utts "$dir/utts.tsv" "$dir/utts_gnuspeech.tsv" --sentences "$dir/sentences.tsv" \
    --extra-train "$extra" --out-dir "$dir/manifests" ${everyday[@]+"${everyday[@]}"}
}
lang() {
  $PY local/prepare_lang.py --manifest-dir "$dir/manifests" --lang-dir "$dir/lang" \
    --vocab-size "$vocab_size" --level-norm peak --max-utts 4000
}
run_stage 0 "public sources into $dl_dir" download
run_stage 1 "sentences and their split" sentences
run_stage 2 "apertium eng-spa" translate
run_stage 3 "recordings and synthetic speech" audio
run_stage 4 "test_everyday by SVOX Pico" everyday_test
run_stage 5 "manifests" manifests
run_stage 6 "SentencePiece ($vocab_size) + CMVN" lang
log "data ready in $dir"
