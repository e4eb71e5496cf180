#!/usr/bin/env bash
# Usage: ./run.sh [WAV]
#
# The main job: builds the server and the CLI (Release) unless an earlier run's build is still up
# to date, starts the server with the bundled model on free ports of 127.0.0.1 (gRPC from 50051, the
# web page from 8080, metrics from 9464: each the first port from there that nothing listens on),
# waits until it answers GetModelInfo, streams a WAV at real-time pace and prints the Spanish
# translation as it grows, then stops the server (also on Ctrl+C or failure).
#
#   WAV                 default: the first samples/*.wav, else the model's first golden/*.wav
#   LEAPFORMER_MODEL    model bundle folder (default: models/demo-small)
#   LEAPFORMER_URL      where gRPC listens; when set, exactly there (default: a free port from 50051)
#   LEAPFORMER_K        wait-k lag in 280 ms source units (default 0 = the model's default)
#   LEAPFORMER_REBUILD  1: build even when the last build is newer than every source file
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
source "$ROOT/scripts/lib/server.sh"
MODEL=$(realpath -m "${LEAPFORMER_MODEL:-$ROOT/models/demo-small}")
K=${LEAPFORMER_K:-0}
SERVER_DIR=$ROOT/src/Server/bin/Release/net10.0
CLIENT=$ROOT/src/Client/bin/Release/net10.0/leapformer.dll
# Written after a build that succeeded; a source file newer than it means "build again".
BUILD_STAMP=$ROOT/src/Client/bin/Release/net10.0/.run.sh-built

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

# --- Build, unless the last one is newer than every source file (dotnet build itself takes ~25 s
# to find nothing to do) ---
changed=
if [[ ${LEAPFORMER_REBUILD:-0} == 1 || ! -f $BUILD_STAMP || ! -f $SERVER_DIR/LeaPformer.Server.dll || ! -f $CLIENT ]]; then
  changed=yes
else
  changed=$(find src protos \( -name bin -o -name obj \) -prune -o -type f -newer "$BUILD_STAMP" -print -quit)
  [[ -n $changed ]] || changed=$(find Directory.Build.props Directory.Packages.props global.json -newer "$BUILD_STAMP" -print -quit 2>/dev/null)
fi
if [[ -n $changed ]]; then
  log "Building the server and the client (Release)"
  dotnet build "$ROOT/src/Server/LeaPformer.Server.csproj" -c Release -nologo -v quiet
  dotnet build "$ROOT/src/Client/LeaPformer.Client.csproj" -c Release -nologo -v quiet
  touch "$BUILD_STAMP"
else
  log "The Release build is up to date (no source changed since the last ./run.sh build; LEAPFORMER_REBUILD=1 builds anyway)"
fi

# --- Ports: the defaults, or the next free ones ---
pick_ports() {
  if [[ -n ${LEAPFORMER_URL:-} ]]; then
    URL=$LEAPFORMER_URL
    GRPC_PORT=$(url_port "$URL")
  else
    GRPC_PORT=$(free_port 50051)
    URL=http://127.0.0.1:$GRPC_PORT
  fi
  WEB_PORT=$(free_port 8080 "$GRPC_PORT")
  METRICS_PORT=$(free_port 9464 "$GRPC_PORT" "$WEB_PORT")
}
taken_note() { [[ $1 == "$2" ]] || printf '  (%s is taken)' "$2"; }

if [[ -n ${LEAPFORMER_URL:-} ]] && dotnet "$CLIENT" info --server "$LEAPFORMER_URL" --timeout 2 >/dev/null 2>&1; then
  echo "error: a server already answers on $LEAPFORMER_URL; stop it, or unset LEAPFORMER_URL to use a free port" >&2
  exit 1
fi

SERVER_LOG=$(mktemp "${TMPDIR:-/tmp}/leapformer-server.XXXXXX.log")
SERVER_PID=
stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    echo "==> Server stopped" >&2
  fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# A port found free can be taken before the server binds it: then choose again (3 tries).
for attempt in 1 2 3; do
  pick_ports
  log "Starting the server with $MODEL (log: $SERVER_LOG)"
  printf '    gRPC       %s%s\n' "$URL" "$(taken_note "$GRPC_PORT" 50051)" >&2
  printf '    web page   http://127.0.0.1:%s/%s\n' "$WEB_PORT" "$(taken_note "$WEB_PORT" 8080)" >&2
  printf '    metrics    http://127.0.0.1:%s/metrics%s\n' "$METRICS_PORT" "$(taken_note "$METRICS_PORT" 9464)" >&2
  dotnet "$SERVER_DIR/LeaPformer.Server.dll" --urls "$URL" --Model:Path="$MODEL" \
    --Web:Url="http://127.0.0.1:$WEB_PORT" --Metrics:Url="http://127.0.0.1:$METRICS_PORT" >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  # Ready when GetModelInfo answers; give up after 60 s (model load + JIT take a few seconds).
  rc=0
  server_ready "$SERVER_PID" "$URL" "$SERVER_LOG" 60 "$CLIENT" || rc=$?
  [[ $rc -eq 0 ]] && break
  if [[ $rc -eq 1 && -z ${LEAPFORMER_URL:-} && $attempt -lt 3 ]] && grep -q 'address already in use' "$SERVER_LOG"; then
    echo "    a port was taken meanwhile; choosing again" >&2
    wait "$SERVER_PID" 2>/dev/null || true
    continue
  fi
  [[ $rc -eq 1 ]] && echo "error: the server exited during startup:" >&2 || echo "error: the server did not answer within 60 s:" >&2
  tail -n 20 "$SERVER_LOG" >&2
  exit 1
done

log "Model"
dotnet "$CLIENT" info --server "$URL"

log "Streaming $(basename "$WAV") at real-time pace (k = $K; 0 = the model's default)"
dotnet "$CLIENT" translate "$WAV" --server "$URL" --k "$K" --verbose
