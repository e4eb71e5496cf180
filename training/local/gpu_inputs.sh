#!/usr/bin/env bash
# Gathers what gpu_train.sh needs besides the repository: the packed synthesis tools, the
# sentence pairs and language files of narrow1k/wide2k, and the utterance list made here.
# Usage (from training/): local/gpu_inputs.sh OUT_DIR [DATA_ROOT]
set -euo pipefail
out=$(realpath -m "$1"); d=${2:-data}
mkdir -p "$out/narrow1k" "$out/wide2k"
[ -f "$out/synth-tools.tar.xz" ] || local/pack_synth_tools.sh "$out/synth-tools.tar.xz"
cp "$d/narrow1k/pairs.tsv" "$out/narrow1k/"
rm -rf "$out/narrow1k/lang" && cp -r "$d/narrow1k/lang" "$out/narrow1k/"
cp "$d/wide2k/pairs_new.tsv" "$out/wide2k/"
cut -f1,3 "$d/wide2k/utts.tsv" > "$out/utts-local.tsv"
du -sh "$out"
