#!/usr/bin/env bash
# The wide2k recipe on a lent GPU machine (many cores, one GPU, no package registry, no
# espeak-ng): rebuild the corpus there from the carried sentence pairs, then train several
# models on the one GPU at once and pack their averaged weights.
#
# Usage (from the repository root, on the GPU machine):
#   training/gpu_train.sh IN_DIR OUT_DIR TOTAL_SECONDS
# TOTAL_SECONDS bounds the whole run: training gets what the corpus leaves, less a reserve
# for loading features, averaging and packing.
# IN_DIR holds what the corpus needs and git does not (local/gpu_inputs.sh makes it):
#   synth-tools.tar.xz (local/pack_synth_tools.sh), narrow1k/pairs.tsv, narrow1k/lang/,
#   wide2k/pairs_new.tsv, utts-local.tsv (id and sample count of every utterance made here,
#   to check that the machine renders the same audio).
# OUT_DIR gets gpu-results.tar split into 15 MiB parts (logs, averaged weights; the large
# models' in float16) and summary.txt.
# The jobs (name, then train.py options) are the JOBS array below.
#
# Status: tried end to end with DEVICE=cpu on a small slice of the pairs (the rendered audio
# matched the local utterances' sample counts, all four jobs trained, averaged and packed).
# The one run on a lent H200 (2026-11-28, 16 synthesis jobs) ended with "the device machine
# stopped answering" and returned nothing; the cause is unknown. Next time, spend a first short
# call on steps 1-2 with a slice of the pairs (as the DEVICE=cpu rehearsal did) to see the
# machine answer, then run the whole script while it is still warm.
set -uo pipefail
in=$(realpath "$1"); out=$(realpath -m "$2"); total_seconds=$3; start=$(date +%s)
cd "$(dirname "$0")"
mkdir -p "$out"
work=/tmp/gpu-train; data=$work/data; exp=$work/exp
mkdir -p "$work/tools" "$data" "$exp"
export PY=${PY:-python3} PYTHONUNBUFFERED=1
device=${DEVICE:-cuda}  # DEVICE=cpu tries the script out on a machine without one
log() { echo "$(date '+%H:%M:%S') $*" | tee -a "$out/summary.txt"; }

small=(--d-model 128 --num-heads 4 --encoder-layers 4 --decoder-layers 2 --ffn-dim 512)
large=(--d-model 256 --num-heads 4 --encoder-layers 6 --decoder-layers 3 --ffn-dim 1024)
# small-*: the committed bundles' weights, trained further with 10x larger batches;
# large-*: 5.6x the parameters, from scratch
JOBS=(
  "small-leap      --attention leap    ${small[*]} --resume ../models/demo-small/averaged.pt --lr 1e-3 --warmup-steps 300"
  "small-softmax   --attention softmax ${small[*]} --resume ../models/demo-small-softmax/averaged.pt --lr 1e-3 --warmup-steps 300"
  "large-leap      --attention leap    ${large[*]} --lr 1.5e-3 --warmup-steps 500"
  "large-softmax   --attention softmax ${large[*]} --lr 1.5e-3 --warmup-steps 500"
)

# two cores left free: the one attempt so far, with all 16 busy, lost the machine (below)
jobs=$(( $(nproc) > 4 ? $(nproc) - 2 : 2 ))
log "1. tools and GPU"
tar xJf "$in/synth-tools.tar.xz" -C "$work/tools" && source "$work/tools/env.sh" || exit 1
espeak-ng --version && sox --version && flite -lv || exit 1
$PY - <<'EOF' || exit 1
import torch, train
from leapformer.model import S2TModel
print("torch", torch.__version__, torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU")
import os
dev = train.pick_device(os.environ.get("DEVICE", "cuda"))
for attention in ("leap", "softmax"):  # forward + backward of every part on the GPU
    m = S2TModel(attention, 500, 29, d_model=64, num_heads=4, encoder_layers=2, decoder_layers=1, ffn_dim=128).to(dev)
    batch = {"feats": torch.randn(2, 96, 80), "feat_lens": torch.tensor([96, 80]),
             "prev_tokens": torch.tensor([[2, 5, 6], [2, 7, 0]]), "target": torch.tensor([[5, 6, 3], [7, 3, 0]]),
             "chars": torch.tensor([[3, 4, 5], [6, 0, 0]]), "char_lens": torch.tensor([3, 1])}
    params = train.get_params(); params.update(ctc_weight=0.5, label_smoothing=0.1, pre_decision=7)
    for k in (2, None):
        loss, st = train.compute_loss(m, batch, params, k)
        loss.backward()
    print(attention, "ok", st)
EOF

log "2. corpus (narrow1k, then wide2k = narrow1k + new sentences)"
nargs=(--top-words 1000 --min-words 4 --max-words 10 --num-pairs 4000 --voices 40
       --heldout-voices 2 --copies 2 --augment true --num-dev 100 --num-test 150)
wargs=(--base narrow1k --top-words 2000 --min-words 4 --max-words 10 --voices 40
       --heldout-voices 2 --copies 1 --augment true --num-dev 100 --num-test 150)
mkdir -p "$data/narrow1k" "$data/wide2k"
cp "$in/narrow1k/pairs.tsv" "$data/narrow1k/"
cp -r "$in/narrow1k/lang" "$data/narrow1k/"
cp "$in/wide2k/pairs_new.tsv" "$data/wide2k/"
cat "$data/narrow1k/pairs.tsv" "$data/wide2k/pairs_new.tsv" > "$data/wide2k/pairs.tsv"
./prepare.sh --data-root "$data" --name narrow1k "${nargs[@]}" --jobs "$jobs" --stage 2 --stop-stage 3 || exit 1
./prepare.sh --data-root "$data" --name wide2k "${wargs[@]}" --jobs "$jobs" --stage 2 || exit 1
same=$(join -t $'\t' <(cut -f1,3 "$data/wide2k/utts.tsv" | sort) <(sort "$in/utts-local.tsv") \
       | awk -F'\t' '$2 == $3' | wc -l)
log "utterances: $(wc -l < "$data/wide2k/utts.tsv") here, $(wc -l < "$in/utts-local.tsv") made locally, $same with the same id and sample count"

train_seconds=$((total_seconds - ($(date +%s) - start) - 100))
[ "$train_seconds" -ge 30 ] || { log "only $train_seconds s left for training"; exit 1; }
log "3. training ${#JOBS[@]} jobs at once, $train_seconds s each"
pids=()
for job in "${JOBS[@]}"; do
  read -r name args <<< "$job"
  # shellcheck disable=SC2086
  timeout $((train_seconds + 90)) $PY train.py --manifest-dir "$data/wide2k/manifests" --lang-dir "$data/wide2k/lang" \
    --exp-dir "$exp/$name" --ctc-weight 0.5 --device "$device" --num-threads 2 --preload-jobs 3 \
    --batch-frames 40000 --num-steps 100000 --save-every-n 200 --keep-last-k 5 \
    --valid-every-n 400 --log-every-n 100 --max-seconds "$train_seconds" $args \
    > "$exp/$name.out" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
for job in "${JOBS[@]}"; do
  read -r name _ <<< "$job"
  log "$name: $(grep -c ' dev ' "$exp/$name.out") dev checks; last lines:"
  grep -E ' dev |done:|preloaded|Error|error' "$exp/$name.out" | tail -4 | tee -a "$out/summary.txt"
done

log "4. average the last 5 checkpoints, pack"
for job in "${JOBS[@]}"; do
  read -r name _ <<< "$job"
  $PY average.py --exp-dir "$exp/$name" --avg 5 || continue
  case $name in large-*)
    $PY -c "import torch, sys; c = torch.load(sys.argv[1]); c['model'] = {k: v.half() if v.is_floating_point() else v for k, v in c['model'].items()}; torch.save(c, sys.argv[1])" "$exp/$name/averaged.pt" ;;
  esac
done
(cd "$exp" && tar cf - ./*.out ./*/averaged.pt ./*/log) | split -b 15M - "$out/gpu-results.tar.part-"
ls -la "$out" | tee -a "$out/summary.txt"
