#!/usr/bin/env bash
# Usage: scripts/eval_everyday.sh [--no-build] [--limit N] [--results DIR] BUNDLE
#
# Scores a bundle on the frozen test sets of issue 18 (docs/results/everyday.md) through the real
# server (scripts/eval_curve.sh, endpointing off, unpaced), at k = 1 3 5 9 and offline:
#   DIR/everyday-real/            test_real: real human speech (LJSpeech, LibriVox, cathy)
#   DIR/everyday-real-long/       the test_real utterances of 5 s and longer, k = 5 (AL on long speech)
#   DIR/everyday-pico/            test_everyday: Tatoeba sentences by SVOX Pico (never in training)
#   DIR/everyday-pico-human/      the same audio against Tatoeba's human Spanish, k = 5
#   DIR/heldout-voices/, DIR/seen-voices/   wide2k's test (regression)
# and runs scripts/output_checks.py (empty or over-long outputs, repeated words) on every run.
# DIR defaults to docs/results. Needs training/data/everyday and training/data/wide2k
# (training/prepare_everyday.sh, training/prepare.sh). Each call scores each test set once:
# count it in docs/results/everyday.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

build=()
limit=()
results=$ROOT/docs/results
bundle=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --no-build) build=(--no-build); shift ;;
    --limit) limit=(--limit "$2"); shift 2 ;;
    --results) results=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) bundle=$1; shift ;;
  esac
done
[[ -n $bundle ]] || { echo "error: name a model bundle (see --help)" >&2; exit 2; }
everyday=$ROOT/training/data/everyday/manifests
wide2k=$ROOT/training/data/wide2k/manifests
for f in "$everyday/test_real.tsv" "$everyday/test_everyday.tsv" "$wide2k/test.tsv"; do
  [[ -f $f ]] || { echo "error: $f is missing (training/prepare_everyday.sh, training/prepare.sh)" >&2; exit 2; }
done
mkdir -p "$results"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# derived manifests: the long real utterances (>= 500 fbank frames = 5 s) and the human references
awk -F'\t' 'NR == 1 || $3 >= 500' "$everyday/test_real.tsv" >"$tmp/test_real_long.tsv"
awk -F'\t' -v OFS='\t' 'NR == FNR { human[$1] = $2; next }
  FNR == 1 { print; next }
  { id = $1; sub(/_p0$/, "", id); if (id in human) { $4 = human[id]; print } }' \
  "$everyday/test_everyday_human.tsv" "$everyday/test_everyday.tsv" >"$tmp/test_everyday_human.tsv"

run() {  # run NAME MANIFEST KS
  scripts/eval_curve.sh "${build[@]}" "${limit[@]}" --manifest "$2" --ks "$3" \
    --results "$results/$1" "$bundle"
  build=(--no-build)
}
run everyday-real "$everyday/test_real.tsv" "1 3 5 9 -1"
run everyday-real-long "$tmp/test_real_long.tsv" "5"
run everyday-pico "$everyday/test_everyday.tsv" "1 3 5 9 -1"
run everyday-pico-human "$tmp/test_everyday_human.tsv" "5"
run heldout-voices "$wide2k/test_unseen.tsv" "1 3 5 9 -1"
run seen-voices "$wide2k/test.tsv" "1 3 5 9 -1"

model=$(basename "$(realpath "$bundle")")
status=0
checks=$results/everyday-checks-$model.txt
: >"$checks"
for set in everyday-real everyday-real-long everyday-pico everyday-pico-human heldout-voices seen-voices; do
  for dir in "$results/$set/$model"/*/; do
    [[ -f $dir/instances.log ]] || continue
    /usr/bin/python3 scripts/output_checks.py "${dir%/}" >>"$checks" || status=1
  done
done
cat "$checks"
exit "$status"
