#!/usr/bin/env bash
# A public speech translation corpus -> manifests, SentencePiece and CMVN, icefall style.
#
# Usage (from training/):
#   ./prepare_corpus.sh --corpus mustc --dl-dir /data/MUSTC_v1.0 --data-dir data/mustc-en-es
#   ./prepare_corpus.sh --corpus europarl-st --dl-dir /data/europarl-st/v1.1 --data-dir data/europarl-en-es
#   ./prepare_corpus.sh --corpus covost2 --dl-dir /data/cv4-en --data-dir data/covost-en-de --tgt-lang de
#   (CoVoST 2 has no English -> Spanish direction; local/corpora/covost2.py)
#   options: --src-lang en --tgt-lang es --vocab-size 8000 --level-norm none|peak
#            --max-utts 4000 (CMVN over at most this many training segments) --jobs 2
#            --stage N --stop-stage M
# --dl-dir is the corpus as downloaded and extracted (layouts: local/corpora/{mustc,covost2,
# europarl_st}.py). MP3 (Common Voice) and M4A (Europarl-ST) need Debian's ffmpeg, or WAV copies
# under the same names (local/corpora/common.py).
# Stages:
#   0 segments cut to 16 kHz WAVs + manifests -> <data-dir>/wav/<split>/, <data-dir>/manifests/
#     {train,dev,test}.tsv (MuST-C also test_he.tsv, Europarl-ST train_noisy.tsv), train_tgt.txt
#   1 SentencePiece unigram (pad 0 unk 1 bos 2 eos 3) + CMVN -> <data-dir>/lang/{spm.model,tokens.txt,cmvn.json}
# Each stage leaves <data-dir>/.stage<N>.done and is skipped when it exists.
# Then: train.py --manifest-dir <data-dir>/manifests --lang-dir <data-dir>/lang --ctc-alphabet chars+digits ...
set -euo pipefail
cd "$(dirname "$0")"

PY=${PY:-/usr/bin/python3}
stage=0
stop_stage=1
corpus=""
dl_dir=""
data_dir=""
src_lang=en
tgt_lang=es
vocab_size=8000
level_norm=none
max_utts=4000
jobs=2

while [ $# -gt 0 ]; do
  case "$1" in
    --stage) stage=$2 ;;
    --stop-stage) stop_stage=$2 ;;
    --corpus) corpus=$2 ;;
    --dl-dir) dl_dir=$2 ;;
    --data-dir) data_dir=$2 ;;
    --src-lang) src_lang=$2 ;;
    --tgt-lang) tgt_lang=$2 ;;
    --vocab-size) vocab_size=$2 ;;
    --level-norm) level_norm=$2 ;;
    --max-utts) max_utts=$2 ;;
    --jobs) jobs=$2 ;;
    *) echo "unknown option $1" >&2; exit 1 ;;
  esac
  shift 2
done
case "$corpus" in
  mustc|covost2|europarl-st) ;;
  *) echo "--corpus mustc|covost2|europarl-st is required" >&2; exit 1 ;;
esac
[ -n "$dl_dir" ] && [ -n "$data_dir" ] || { echo "--dl-dir and --data-dir are required" >&2; exit 1; }

source local/stages.sh

mkdir -p "$data_dir"
stage_dir=$data_dir

run_stage 0 "$corpus $src_lang-$tgt_lang: segments and manifests" \
  $PY local/prepare_corpus.py --corpus "$corpus" --dl-dir "$dl_dir" --out-dir "$data_dir" \
    --src-lang "$src_lang" --tgt-lang "$tgt_lang" --jobs "$jobs"
run_stage 1 "SentencePiece + CMVN" \
  $PY local/prepare_lang.py --manifest-dir "$data_dir/manifests" --lang-dir "$data_dir/lang" \
    --vocab-size "$vocab_size" --level-norm "$level_norm" --max-utts "$max_utts"
log "data ready in $data_dir"
