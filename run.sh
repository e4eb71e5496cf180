#!/usr/bin/env bash
# Usage: ./run.sh [WAV]
#
# The main job: builds the server and the CLI (Release), starts the server on
# 127.0.0.1:50051 with the bundled model, waits until it answers GetModelInfo, streams a
# WAV at real-time pace and prints the Spanish translation as it grows, then stops the
# server (also on Ctrl+C or failure).
#
#   WAV                 default: the first samples/*.wav, else the model's first golden/*.wav
#   LEAPFORMER_MODEL    model bundle folder (default: models/demo-small)
#   LEAPFORMER_URL      where the server listens (default: http://127.0.0.1:50051)
#   LEAPFORMER_K        wait-k lag in 280 ms source units (default 0 = the model's default)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
source "$ROOT/scripts/lib/server.sh"
MODEL=$(realpath -m "${LEAPFORMER_MODEL:-$ROOT/models/demo-small}")
URL=${LEAPFORMER_URL:-http://127.0.0.1:50051}
K=${LEAPFORMER_K:-0}
SERVER_DIR=$ROOT/src/Server/bin/Release/net10.0
CLIENT=$ROOT/src/Client/bin/Release/net10.0/leapformer.dll

log() { printf '\n==> %s\n' "$*" >&2; }

if [[ ! -f $MODEL/encoder.onnx ]]; then
  echo "error: no model bundle at $MODEL (see docs/bundle.md; set LEAPFORMER_MODEL to another bundle)" >&2
  exit 1
fi

WAV=${1:-}
if [[ -z $WAV ]]; then
  shopt -s nullglob
  candidates=("$ROOT"/samples/*.wav "$MODEL"/golden/*.wav)
  shopt -u nullglob
  [[ ${#candidates[@]} -gt 0 ]] || { echo "error: no sample WAV in samples/ or $MODEL/golden/" >&2; exit 1; }
  WAV=${candidates[0]}
fi
[[ -f $WAV ]] || { echo "error: $WAV not found" >&2; exit 1; }

log "Building the server and the client (Release)"
dotnet build "$ROOT/src/Server/LeaPformer.Server.csproj" -c Release -nologo -v quiet
dotnet build "$ROOT/src/Client/LeaPformer.Client.csproj" -c Release -nologo -v quiet

if dotnet "$CLIENT" info --server "$URL" --timeout 2 >/dev/null 2>&1; then
  echo "error: a server already answers on $URL; stop it or set LEAPFORMER_URL" >&2
  exit 1
fi

SERVER_LOG=$(mktemp "${TMPDIR:-/tmp}/leapformer-server.XXXXXX.log")
log "Starting the server on $URL with $MODEL (log: $SERVER_LOG)"
# --contentRoot: its output folder, where its appsettings.json is (Kestrel h2c, logging).
dotnet "$SERVER_DIR/LeaPformer.Server.dll" --contentRoot "$SERVER_DIR" --urls "$URL" --Model:Path="$MODEL" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
stop_server() {
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    echo "==> Server stopped" >&2
  fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# Ready when GetModelInfo answers; give up after 60 s (model load + JIT take a few seconds).
wait_for_server "$SERVER_PID" "$URL" "$SERVER_LOG" 60 "$CLIENT"

log "Model"
dotnet "$CLIENT" info --server "$URL"

log "Streaming $(basename "$WAV") at real-time pace (k = $K; 0 = the model's default)"
dotnet "$CLIENT" translate "$WAV" --server "$URL" --k "$K" --verbose
