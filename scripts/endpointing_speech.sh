#!/usr/bin/env bash
# Usage: scripts/endpointing_speech.sh [OUT] [--mirror DIR]   (needs git and sox)
#
# The real speech of the wider endpointing benchmark (benchmarks/LeaPformer.Benchmarks, mode
# `endpointing --wav-dir OUT`): the 351 LibriSpeech utterances (test-other and train-clean-100,
# about 260 speakers, FLAC) that github:resemble-ai/Resemblyzer ships in audio_data/ (Apache-2.0
# repository; LibriSpeech is CC BY 4.0), as 16 kHz mono 16-bit WAVs in OUT (default
# artifacts/endpointing-speech). The issue on the default model names this set as unlabelled real
# speech for voice-activity work; no model of the project is trained or scored on it.
# --mirror DIR: a bare clone or snapshot of that repository (e.g. the fetch tool's) instead of
# cloning https://github.com/resemble-ai/Resemblyzer.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=artifacts/endpointing-speech; MIRROR=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --mirror) MIRROR=$2; shift 2 ;;
    *) OUT=$1; shift ;;
  esac
done
URL=https://github.com/resemble-ai/Resemblyzer
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if [[ -z $MIRROR ]]; then
  git clone --quiet --depth 1 "$URL" "$TMP/repo.git" --bare
  MIRROR=$TMP/repo.git
fi
COMMIT=$(git -C "$MIRROR" rev-parse HEAD)
git -C "$MIRROR" archive HEAD audio_data/librispeech_test-other audio_data/librispeech_train-clean-100 | tar -x -C "$TMP"
mkdir -p "$OUT"
n=0
while IFS= read -r flac; do
  sox "$flac" -r 16000 -c 1 -b 16 "$OUT/$(basename "${flac%.flac}").wav"
  n=$((n + 1))
done < <(find "$TMP/audio_data" -name '*.flac' | sort)
echo "wrote $n WAVs to $OUT (Resemblyzer $COMMIT, audio_data/librispeech_*)"
