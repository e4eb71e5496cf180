#!/usr/bin/env bash
# Usage: scripts/bench_ab.sh BEFORE_DIR AFTER_DIR [OUT]
#
# `leapformer bench --find-max` on two Release builds of this repository (e.g. a `git worktree` of
# the commit before a change, and this checkout), alternately: before, after, before, after, each
# with its own server (models/demo-small of AFTER_DIR, endpointing off, as scripts/bench_load.sh).
# STEPS: the stream counts (default 100,200,300). Reports: OUT/find-max-{before,after,before2,after2}.{txt,json}.
# CLIENT_ARGS: more `leapformer bench` options (e.g. --lag-threshold-ms 2500 with endpointing on, whose
# 1.2 s end-of-segment wait is part of every final token's lag). ROUNDS=1: before, after only.
# ARGS_BEFORE / ARGS_AFTER: server options added to the before / after server (later options win), so one build
# can be compared with itself under two settings, e.g. BEFORE_DIR = AFTER_DIR = . with
# ARGS_BEFORE="--Endpointing:Enabled=true --Endpointing:Detector=energy" ARGS_AFTER="... --Endpointing:Detector=silero".
set -uo pipefail
BEFORE=$(cd "$1" && pwd); AFTER=$(cd "$2" && pwd); OUT=${3:-artifacts/benchmarks/ab}
mkdir -p "$OUT"
run_one() { # name dir port [server options...]
  local name=$1 dir=$2 port=$3; shift 3
  local S=$dir/src/Server/bin/Release/net10.0 C=$dir/src/Client/bin/Release/net10.0/leapformer.dll
  dotnet "$S/LeaPformer.Server.dll" --contentRoot "$S" --urls "http://127.0.0.1:$port" \
    --Model:Path="$AFTER/models/demo-small" --Streaming:MaxConcurrentStreams=1000 \
    --Metrics:Url="http://127.0.0.1:$((port + 1))" --Web:Enabled=false --Serilog:MinimumLevel:Default=Warning \
    --Endpointing:Enabled=false "$@" >"$OUT/server-$name.log" 2>&1 &
  local sp=$!
  sleep 12
  dotnet "$C" bench --server "http://127.0.0.1:$port" --metrics "http://127.0.0.1:$((port + 1))/metrics" --gap-ms 1500 \
    --find-max --steps "${STEPS:-100,200,300}" --duration 30 --ramp 10 ${CLIENT_ARGS:-} --json "$OUT/find-max-$name.json" >"$OUT/find-max-$name.txt" 2>&1
  kill $sp; wait $sp 2>/dev/null
}
read -r -a before_args <<<"${ARGS_BEFORE:-}"
read -r -a after_args <<<"${ARGS_AFTER:-}"
run_one before "$BEFORE" 26051 "${before_args[@]}"
run_one after "$AFTER" 27051 "${after_args[@]}"
if [[ ${ROUNDS:-2} -ge 2 ]]; then
  run_one before2 "$BEFORE" 26051 "${before_args[@]}"
  run_one after2 "$AFTER" 27051 "${after_args[@]}"
fi
grep -H "largest stream count" "$OUT"/find-max-*.txt
