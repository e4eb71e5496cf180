#!/usr/bin/env bash
# Usage: scripts/eval_curve.sh [options] BUNDLE [BUNDLE2]
#
# The quality/latency curve of a model bundle, or of two side by side (e.g. a LeaP model and its
# softmax baseline). For each bundle: builds nothing if --no-build, else the server and the CLI
# (Release); starts the server on 127.0.0.1 at a free port with --Model:Path=BUNDLE and endpointing off (each test
# utterance is one segment, as in the references and in training/decode.py); runs
# `leapformer eval` for each k (default 1 3 5 7 9 and -1 = offline); stops the server. Writes
#
#   RESULTS/<model>/k<k>/{scores.tsv,instances.log,eval.txt}   one folder per k (offline: RESULTS/<model>/offline/)
#   RESULTS/<model>/info.txt                                   `leapformer info` of the served model
#   RESULTS/run.txt                                            how the curve was made (manifest, rows, pace, machine, commit)
#   RESULTS/curve.md, RESULTS/curve.png                        table and BLEU-vs-AL plot (scripts/plot_curve.py)
#   RESULTS/compare.md                                         with two bundles: per k, the first's BLEU minus the
#                                                              second's, its 95% interval and p (`leapformer compare`)
#
# <model> is the bundle folder's name. RESULTS defaults to docs/results.
#
# Options:
#   --manifest TSV     fairseq S2T test manifest (default training/data/demo5k/manifests/test.tsv)
#   --limit N          evaluate only its first N rows (default: all)
#   --ks "1 3 5"       the k values (default "1 3 5 7 9 -1"; -1 = offline)
#   --concurrency C    streams at once (default 1; above 1 they share the CPU and inflate the CA latency)
#   --realtime         stream at real-time pace (default unpaced: see docs/evaluation.md for CA)
#   --results DIR      where results go (default docs/results)
#   --no-build         use the existing Release build
#
# Example (a quick check on 5 rows):
#   scripts/eval_curve.sh --limit 5 --results /tmp/curve models/demo-small models/demo-small-softmax
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source "$ROOT/scripts/lib/server.sh"

manifest=$ROOT/training/data/demo5k/manifests/test.tsv
limit=0
ks="1 3 5 7 9 -1"
concurrency=1
pace=--fast
results=$ROOT/docs/results
build=1
bundles=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --manifest) manifest=$2; shift 2 ;;
    --limit) limit=$2; shift 2 ;;
    --ks) ks=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --realtime) pace=--realtime; shift ;;
    --results) results=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) bundles+=("$1"); shift ;;
  esac
done
if [[ ${#bundles[@]} -lt 1 || ${#bundles[@]} -gt 2 ]]; then
  echo "error: name one or two model bundles (see --help)" >&2
  exit 2
fi
[[ -f $manifest ]] || { echo "error: no manifest $manifest" >&2; exit 2; }
manifest=$(realpath "$manifest")
mkdir -p "$results"
results=$(realpath "$results")

SERVER_DIR=$ROOT/src/Server/bin/Release/net10.0
CLIENT=$ROOT/src/Client/bin/Release/net10.0/leapformer.dll
log() { printf '==> %s\n' "$*" >&2; }

models=()
for bundle in "${bundles[@]}"; do
  [[ -f $bundle/encoder.onnx ]] || { echo "error: $bundle is not a model bundle (no encoder.onnx)" >&2; exit 2; }
  name=$(basename "$(realpath "$bundle")")
  for seen in "${models[@]}"; do
    [[ $seen != "$name" ]] || { echo "error: both bundles are named $name; results would collide" >&2; exit 2; }
  done
  models+=("$name")
done

if [[ $build -eq 1 ]]; then
  log "Building the server and the CLI (Release)"
  dotnet build "$ROOT/src/Server/LeaPformer.Server.csproj" -c Release -nologo -v quiet
  dotnet build "$ROOT/src/Client/LeaPformer.Client.csproj" -c Release -nologo -v quiet
fi

free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

SERVER_PID=
SERVER_LOG=
stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT
trap 'exit 130' INT TERM

start_server() {  # start_server BUNDLE -> sets URL, SERVER_PID
  local bundle=$1 port
  port=$(free_port)
  URL=http://127.0.0.1:$port
  SERVER_LOG=$(mktemp "${TMPDIR:-/tmp}/leapformer-curve-server.XXXXXX.log")
  log "Starting the server on $URL with $bundle (log: $SERVER_LOG)"
  dotnet "$SERVER_DIR/LeaPformer.Server.dll" --contentRoot "$SERVER_DIR" --urls "$URL" \
    --Model:Path="$(realpath "$bundle")" --Endpointing:Enabled=false >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  wait_for_server "$SERVER_PID" "$URL" "$SERVER_LOG" 120 "$CLIENT"
}

rows=$(($(grep -cv '^[[:space:]]*$' "$manifest") - 1))
[[ $limit -gt 0 && $limit -lt $rows ]] && rows=$limit
{
  echo "manifest: ${manifest#"$ROOT"/} ($rows rows)"
  echo "pace: ${pace#--} (concurrency $concurrency)"
  echo "k: $ks"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
} >"$results/run.txt"

for i in "${!bundles[@]}"; do
  bundle=${bundles[$i]}
  model=${models[$i]}
  start_server "$bundle"
  mkdir -p "$results/$model"
  dotnet "$CLIENT" info --server "$URL" >"$results/$model/info.txt"
  for k in $ks; do
    if [[ $k == -1 ]]; then dir=$results/$model/offline; else dir=$results/$model/k$k; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    log "$model: eval k = $k -> ${dir#"$ROOT"/}"
    dotnet "$CLIENT" eval --manifest "$manifest" --server "$URL" --k "$k" --out "$dir" \
      --limit "$limit" --concurrency "$concurrency" "$pace" | tee "$dir/eval.txt"
  done
  stop_server
done

log "Writing ${results#"$ROOT"/}/curve.md and curve.png"
/usr/bin/python3 "$ROOT/scripts/plot_curve.py" --results "$results" "${models[@]}"

if [[ ${#models[@]} -eq 2 ]]; then
  log "Writing ${results#"$ROOT"/}/compare.md (paired bootstrap, ${models[0]} - ${models[1]})"
  {
    echo "# ${models[0]} against ${models[1]}: paired bootstrap"
    echo
    echo "\`leapformer compare --baseline ${models[1]}/K --system ${models[0]}/K\` on the same $rows sentences:"
    echo "1000 resamples, seed 12345; difference = ${models[0]} - ${models[1]} in BLEU points; p below 0.05"
    echo "means more than the luck of which sentences the test set holds."
    echo
    echo "| k | BLEU ${models[0]} | BLEU ${models[1]} | difference | 95% interval | p |"
    echo "| --- | ---: | ---: | ---: | --- | ---: |"
    for k in $ks; do
      if [[ $k == -1 ]]; then sub=offline; else sub=k$k; fi
      dotnet "$CLIENT" compare --baseline "$results/${models[1]}/$sub" --system "$results/${models[0]}/$sub" |
        awk -v k="${sub#k}" '$1 == "BLEU" { base = $3 } $1 == "system" && $2 ~ /^-?[0-9.]+$/ && !s++ { sys = $2 }
          $1 == "difference" && !d++ { diff = $2; ci = $4 " " $5; p = $6 }
          END { printf "| %s | %s | %s | %s | %s | %s |\n", k, sys, base, diff, ci, p }'
    done
  } >"$results/compare.md"
fi
