#!/usr/bin/env bash
# End to end: data -> train -> average -> export bundle -> decode.
#
# Usage (from training/):
#   ./run.sh                      # demo-small: 5000 synthetic pairs, LeaP, 2500 steps (~25 min on 2 cores)
#   ./run.sh --attention softmax --name demo-small-softmax
#   ./run.sh --tiny               # CI-sized: 30 pairs, tiny model, 30 steps (~1-2 min)
#   ./run.sh --recipe narrow1k --steps 5980 --publish   # the current demo-small bundle: narrow domain
#       (top-1000-word sentences of 4-10 words, 40 voices + 2 held out; ../models/demo-small/README.md)
#   ./run.sh --recipe narrow1k --resume ../models/demo-small/averaged.pt --name demo-small-r2 --steps 4000
#       # continue from the bundle's averaged weights (fresh optimizer, step 0), same data, and the
#       # bundle's spm.model reused (prepare.sh --spm-model)
#   ./run.sh --recipe wide2k --attention leap --threads 1 --steps 6000 --max-seconds 4200 \
#       --resume ../models/demo-small/averaged.pt --name demo-small-w2k
#       # narrow1k + the other sentences of the top-2000-word domain (prepare.sh --base narrow1k),
#       # warm-started; --threads 1 lets the LeaP and the softmax run train side by side
#   ./run.sh --recipe wide2k --attention leap --stage 1 --threads 1 --steps 30000 --max-seconds 5600 \
#       --init-from ../models/demo-small-softmax/averaged.pt --teacher ../models/demo-small-softmax/averaged.pt \
#       --lr 1e-3 --warmup-steps 300 --name demo-small-conv
#       # swap-then-finetune: the softmax baseline's weights start a LeaP model (--init-from), whose
#       # token loss is half label-smoothed CE, half KL to the softmax model's outputs (--teacher)
#       # (--lr and --warmup-steps override the recipe's)
#   ./run.sh --stage 2            # skip data preparation (stages: 0 data, 1 train, 2 average+export, 3 decode)
# Writes: data/<data>/..., exp/<name>/checkpoint-*.pt, exp/<name>/averaged.pt,
#         <bundle-dir> (default exp/<name>/bundle; ../models/<name> with --publish),
#         exp/<name>/decode-test/{hyps-k*.tsv,results.txt}
set -euo pipefail
cd "$(dirname "$0")"

PY=/usr/bin/python3
stage=0
stop_stage=3
tiny=false
publish=false
attention=leap
name=""
data=demo5k
steps=2500
avg=3
recipe=demo5k
resume=""
threads=2
max_seconds=0
more_train_args=()

while [ $# -gt 0 ]; do
  case "$1" in
    --tiny) tiny=true; shift; continue ;;
    --publish) publish=true; shift; continue ;;
    --stage) stage=$2 ;;
    --stop-stage) stop_stage=$2 ;;
    --attention) attention=$2 ;;
    --name) name=$2 ;;
    --steps) steps=$2 ;;
    --recipe) recipe=$2 ;;
    --resume) resume=$2 ;;
    --threads) threads=$2 ;;
    --max-seconds) max_seconds=$2 ;;
    --lr) more_train_args+=(--lr "$2") ;;
    --warmup-steps) more_train_args+=(--warmup-steps "$2") ;;
    --init-from) more_train_args+=(--init-from "$2") ;;
    --teacher) more_train_args+=(--teacher "$2") ;;
    *) echo "unknown option $1" >&2; exit 1 ;;
  esac
  shift 2
done

log() {
  local fname=${BASH_SOURCE[1]##*/}
  echo -e "$(date '+%Y-%m-%d %H:%M:%S') (${fname}:${BASH_LINENO[0]}:${FUNCNAME[1]}) $*"
}

if $tiny; then
  data=tiny-ci
  name=${name:-tiny-ci-$attention}
  prep_args=(--num-pairs 30 --voices 3 --vocab-size 120 --num-dev 4 --num-test 4)
  model_args=(--d-model 64 --num-heads 4 --encoder-layers 2 --decoder-layers 1 --ffn-dim 128)
  train_args=(--num-steps 30 --batch-frames 4000 --warmup-steps 10 --save-every-n 10
              --valid-every-n 30 --log-every-n 10)
  avg=2
elif [ "$recipe" = narrow1k ] || [ "$recipe" = wide2k ]; then
  # narrow1k: top-1000-word sentences, 2 renderings each; wide2k: narrow1k + the rest of the
  # top-2000-word domain, 1 rendering each (prepare.sh --base), trained with a lower peak lr
  name=${name:-demo-small$([ "$attention" = softmax ] && echo -softmax || true)}
  narrow1k_args=(--top-words 1000 --min-words 4 --max-words 10 --num-pairs 4000 --voices 40
                 --heldout-voices 2 --copies 2 --augment true --vocab-size 500
                 --num-dev 100 --num-test 150)
  model_args=(--d-model 128 --num-heads 4 --encoder-layers 4 --decoder-layers 2 --ffn-dim 512)
  train_args=(--num-steps "$steps" --batch-frames 4000 --warmup-steps 400
              --save-every-n 250 --keep-last-k 6 --valid-every-n 500 --log-every-n 50)
  avg=4
  data=$recipe
  if [ "$recipe" = narrow1k ]; then
    prep_args=("${narrow1k_args[@]}")
    [ -n "$resume" ] && prep_args+=(--spm-model "$(dirname "$resume")/spm.model")
    train_args+=(--lr 3e-3)
  else
    prep_args=(--base narrow1k --top-words 2000 --min-words 4 --max-words 10 --voices 40
               --heldout-voices 2 --copies 1 --augment true --num-dev 100 --num-test 150)
    train_args+=(--lr 2e-3)
  fi
else
  name=${name:-demo-small$([ "$attention" = softmax ] && echo -softmax || true)}
  prep_args=(--num-pairs 5000 --voices 16 --vocab-size 500 --num-dev 100 --num-test 100)
  model_args=(--d-model 128 --num-heads 4 --encoder-layers 4 --decoder-layers 2 --ffn-dim 512)
  train_args=(--num-steps "$steps" --batch-frames 6000 --warmup-steps 300 --lr 2e-3
              --save-every-n 250 --valid-every-n 500 --log-every-n 50)
fi
exp=exp/$name
bundle=$exp/bundle
$publish && bundle=../models/$name

if [ "$stage" -le 0 ] && [ "$stop_stage" -ge 0 ]; then
  log "Stage 0: data ($data)"
  [ "$data" = wide2k ] && ./prepare.sh --name narrow1k "${narrow1k_args[@]}"
  ./prepare.sh --name "$data" "${prep_args[@]}"
fi
if [ "$stage" -le 1 ] && [ "$stop_stage" -ge 1 ]; then
  log "Stage 1: train $name ($attention)"
  $PY train.py --manifest-dir "data/$data/manifests" --lang-dir "data/$data/lang" \
    --exp-dir "$exp" --attention "$attention" --ctc-weight 0.5 \
    "${model_args[@]}" "${train_args[@]}" "${more_train_args[@]}" ${resume:+--resume "$resume"} \
    --num-threads "$threads" --max-seconds "$max_seconds"
fi
if [ "$stage" -le 2 ] && [ "$stop_stage" -ge 2 ]; then
  log "Stage 2: average last $avg checkpoints, export bundle to $bundle"
  $PY average.py --exp-dir "$exp" --avg "$avg"
  $PY export_onnx.py --checkpoint "$exp/averaged.pt" --lang-dir "data/$data/lang" \
    --golden-manifest "data/$data/manifests/test.tsv" --model-name "$name" --out-dir "$bundle"
fi
if [ "$stage" -le 3 ] && [ "$stop_stage" -ge 3 ]; then
  log "Stage 3: decode test set"
  $PY decode.py --checkpoint "$exp/averaged.pt" --lang-dir "data/$data/lang" \
    --manifest "data/$data/manifests/test.tsv" --ks 3 5 -1 --out-dir "$exp/decode-test"
  if [ -f "data/$data/manifests/test_unseen.tsv" ]; then
    $PY decode.py --checkpoint "$exp/averaged.pt" --lang-dir "data/$data/lang" \
      --manifest "data/$data/manifests/test_unseen.tsv" --ks 3 5 -1 --out-dir "$exp/decode-test-unseen"
  fi
fi
log "done: bundle in $bundle"
