#!/usr/bin/env bash
# Usage: scripts/bench_load.sh [OUT]   (from a Release build: dotnet build LeaPformer.sln -c Release)
#
# The load runs of docs/benchmarks.md: starts the server on 127.0.0.1:25051 (metrics :25464) with
# models/demo-small and room for 1000 streams, then runs `leapformer bench`: one unpaced stream of
# 300 s, 100 unpaced streams of 60 s, and --find-max over paced streams of 30 s. Writes the reports
# (text and JSON) to OUT (default artifacts/benchmarks). Endpointing is off so that the token lag is
# computation only (docs/benchmarks.md); SERVER_ARGS adds server options (e.g.
# SERVER_ARGS=--Endpointing:Enabled=true), STEPS the --find-max stream counts.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/server.sh
OUT=${1:-artifacts/benchmarks}
mkdir -p "$OUT"
S=$PWD/src/Server/bin/Release/net10.0
C=$PWD/src/Client/bin/Release/net10.0/leapformer.dll
dotnet "$S/LeaPformer.Server.dll" --contentRoot "$S" --urls http://127.0.0.1:25051 \
  --Model:Path="$PWD/models/demo-small" --Streaming:MaxConcurrentStreams=1000 \
  --Metrics:Url=http://127.0.0.1:25464 --Web:Enabled=false --Serilog:MinimumLevel:Default=Warning \
  --Endpointing:Enabled=false ${SERVER_ARGS:-} >"$OUT/server.log" 2>&1 &
SP=$!
trap 'kill $SP; wait $SP || true' EXIT
wait_for_server "$SP" http://127.0.0.1:25051 "$OUT/server.log" 60 "$C"
B=(dotnet "$C" bench --server http://127.0.0.1:25051 --metrics http://127.0.0.1:25464/metrics --gap-ms 1500)
"${B[@]}" --streams 1 --duration 300 --unpaced --json "$OUT/unpaced-1.json" | tee "$OUT/unpaced-1.txt"
"${B[@]}" --streams 100 --duration 60 --unpaced --ramp 2 --json "$OUT/unpaced-100.json" | tee "$OUT/unpaced-100.txt"
"${B[@]}" --find-max --steps "${STEPS:-50,100,200,300,400,500}" --duration 30 --ramp 10 \
  --json "$OUT/find-max.json" | tee "$OUT/find-max.txt"
