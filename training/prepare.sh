#!/usr/bin/env bash
# Synthetic English->Spanish speech translation data, icefall style.
#
# Usage (from training/):
#   ./prepare.sh --name demo --num-pairs 800 --voices 10 --vocab-size 300
#   ./prepare.sh --name demo --stage 3 --stop-stage 4     # redo some stages
#   # narrow domain, 2 renderings per training sentence, 2 voices held out for test_unseen.tsv:
#   ./prepare.sh --name narrow1k --top-words 1000 --min-words 4 --max-words 10 --num-pairs 4000 \
#       --voices 40 --heldout-voices 2 --copies 2 --augment true --num-dev 100 --num-test 150
#   (--spm-model FILE reuses a SentencePiece model, e.g. a bundle's, instead of training one)
#   (--data-root DIR puts data/<name> elsewhere, e.g. a temp dir in tests)
#   # a wider domain that keeps a base data set whole (its dev/test sentences, its training audio,
#   # its SentencePiece model and CMVN) and adds the new sentences, rendered --copies times:
#   ./prepare.sh --name wide2k --base narrow1k --top-words 2000 --min-words 4 --max-words 10 \
#       --voices 40 --heldout-voices 2 --copies 1 --augment true --num-dev 100 --num-test 150
#   # a test-only set beside a data set: every sentence not in <data-root>/wide2k/pairs.tsv
#   # (here: longer ones), each rendered by a seen and by a held-out voice of wide2k's draw,
#   # wide2k's lang/ copied; manifests/test.tsv and test_unseen.tsv only:
#   ./prepare.sh --name long2k --test-only wide2k --top-words 2000 --min-words 11 --max-words 15 \
#       --voices 40 --heldout-voices 2 --augment true
# Stages:
#   0 English sentences (WordNet examples + de-en dictionary)  -> <data-root>/<name>/en.txt
#   1 apertium eng-spa, drop unknown-word marks                -> <data-root>/<name>/pairs.tsv
#   2 espeak-ng / flite with random voice, rate, pitch; sox 16k -> <data-root>/<name>/wav/, utts.tsv
#   3 fairseq S2T manifests                                    -> <data-root>/<name>/manifests/{train,dev,test}.tsv
#   4 SentencePiece unigram (pad 0 unk 1 bos 2 eos 3) + CMVN   -> <data-root>/<name>/lang/{spm.model,tokens.txt,cmvn.json}
# Each stage leaves <data-root>/<name>/.stage<N>.done and is skipped when it exists.
set -euo pipefail
cd "$(dirname "$0")"

PY=${PY:-/usr/bin/python3}  # PY=python3 where that one has the packages (a GPU machine)
stage=0
stop_stage=4
name=demo
data_root=data
num_pairs=800
voices=10
vocab_size=300
num_dev=40
num_test=40
max_words=8
min_words=3
top_words=0
copies=1
heldout_voices=0
augment=false
spm_model=""
base=""
test_only=""
num_pairs_given=0  # with --base: cap on the new pairs (0 = all)
seed=1
jobs=2

while [ $# -gt 0 ]; do
  case "$1" in
    --stage) stage=$2 ;;
    --stop-stage) stop_stage=$2 ;;
    --name) name=$2 ;;
    --data-root) data_root=$2 ;;
    --num-pairs) num_pairs=$2; num_pairs_given=$2 ;;
    --voices) voices=$2 ;;
    --vocab-size) vocab_size=$2 ;;
    --num-dev) num_dev=$2 ;;
    --num-test) num_test=$2 ;;
    --max-words) max_words=$2 ;;
    --min-words) min_words=$2 ;;
    --top-words) top_words=$2 ;;
    --copies) copies=$2 ;;
    --heldout-voices) heldout_voices=$2 ;;
    --augment) augment=$2 ;;
    --spm-model) spm_model=$2 ;;
    --base) base=$2 ;;
    --test-only) test_only=$2 ;;
    --seed) seed=$2 ;;
    --jobs) jobs=$2 ;;
    *) echo "unknown option $1" >&2; exit 1 ;;
  esac
  shift 2
done

source local/stages.sh

dir=$data_root/$name
mkdir -p "$dir"

stage_dir=$dir

# about 40% of sentences are dropped for apertium's unknown words: ask for 2x
sent_args=(--num $((num_pairs * 2)) --seed "$seed" --max-words "$max_words")
[ "$min_words" != 3 ] && sent_args+=(--min-words "$min_words")
[ "$top_words" != 0 ] && sent_args+=(--top-words "$top_words")
synth_args=()
split_args=()
if [ "$copies" != 1 ] || [ "$heldout_voices" != 0 ]; then
  synth_args+=(--copies "$copies" --heldout-voices "$heldout_voices"
               --eval-pairs $((num_dev + num_test)))
  split_args+=(--by-sentence)
fi
$augment && synth_args+=(--augment)
lang_args=()
[ -n "$spm_model" ] && lang_args+=(--spm-model "$spm_model")
# One function per stage; with --base the stages extend data/<base> instead.
sentences() { $PY local/make_sentences.py "${sent_args[@]}" --out "$dir/en.txt"; }
translate() { $PY local/translate.py --en "$dir/en.txt" --out "$dir/pairs.tsv" --max-pairs "$num_pairs"; }
synthesize() {
  $PY local/synthesize.py --pairs "$dir/pairs.tsv" --wav-dir "$dir/wav" \
    --voices "$voices" --seed "$seed" --jobs "$jobs" ${synth_args[@]+"${synth_args[@]}"} \
    --out "$dir/utts.tsv"
}
make_lang() {
  $PY local/prepare_lang.py --manifest-dir "$dir/manifests" --lang-dir "$dir/lang" \
    --vocab-size "$vocab_size" ${lang_args[@]+"${lang_args[@]}"}
}
of_base=""
# With --base / --test-only: fails unless data set folder $2 (option $1) has files $3...
require_files() {
  local opt=$1 d=$2 f
  shift 2
  for f in "$@"; do
    [ -f "$d/$f" ] || { echo "$opt: $d/$f is missing" >&2; exit 1; }
  done
}
# ... takes the domain's sentences that are not among folder $1's pairs, and its lang/.
beside() {
  sent_args=(--num 0 --seed "$seed" --max-words "$max_words" --min-words "$min_words"
             --exclude "$1/pairs.tsv")
  [ "$top_words" != 0 ] && sent_args+=(--top-words "$top_words")
  lang_from=$1/lang
  make_lang() { mkdir -p "$dir/lang" && cp "$lang_from"/* "$dir/lang/"; }
}
if [ -n "$base" ]; then
  # Extension of data/<base>: same seed, so synthesize.py draws the same seen and held-out
  # voices; the base pairs come first, so make_manifests takes the same dev/test sentences.
  bdir=$data_root/$base
  require_files "--base $base" "$bdir" pairs.tsv utts.tsv utts.tsv.voices lang/spm.model lang/cmvn.json
  of_base=" (extending $base)"
  beside "$bdir"
  synth_args=(--copies "$copies" --heldout-voices "$heldout_voices" --prefix x)
  $augment && synth_args+=(--augment)
  split_args=(--by-sentence)
  translate() {
    $PY local/translate.py --en "$dir/en.txt" --out "$dir/pairs_new.tsv" --max-pairs "$num_pairs_given"
    cat "$bdir/pairs.tsv" "$dir/pairs_new.tsv" > "$dir/pairs.tsv"
  }
  synthesize() {
    $PY local/synthesize.py --pairs "$dir/pairs_new.tsv" --wav-dir "$dir/wav" \
      --voices "$voices" --seed "$seed" --jobs "$jobs" "${synth_args[@]}" --out "$dir/utts_new.tsv"
    cat "$bdir/utts.tsv" "$dir/utts_new.tsv" > "$dir/utts.tsv"
    cp "$bdir/utts.tsv.voices" "$dir/utts.tsv.voices"
  }
fi
if [ -n "$test_only" ]; then
  # Test sentences only, none of them in data/<test_only>'s pairs; same seed and --voices, so
  # synthesize.py draws the same seen and held-out voices as that set did.
  tdir=$data_root/$test_only
  require_files "--test-only $test_only" "$tdir" pairs.tsv lang/spm.model lang/cmvn.json
  of_base=" (test only, beside $test_only)"
  beside "$tdir"
  translate() {
    $PY local/translate.py --en "$dir/en.txt" --out "$dir/pairs.tsv" --max-pairs "$num_pairs_given"
  }
  synth_args=(--eval-pairs 1000000 --heldout-voices "$heldout_voices")
  $augment && synth_args+=(--augment)
  split_args=(--by-sentence)
  num_test=1000000
  num_dev=0
fi
run_stage 0 "English sentences$of_base" sentences
run_stage 1 "apertium eng-spa$of_base" translate
run_stage 2 "speech synthesis ($voices voices)$of_base" synthesize
run_stage 3 "manifests" \
  $PY local/make_manifests.py --utts "$dir/utts.tsv" --out-dir "$dir/manifests" \
    --num-dev "$num_dev" --num-test "$num_test" ${split_args[@]+"${split_args[@]}"}
run_stage 4 "SentencePiece + CMVN$of_base" make_lang
log "data ready in $dir"
