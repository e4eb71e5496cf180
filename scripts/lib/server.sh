# Sourced by run.sh, scripts/eval_curve.sh and scripts/bench_load.sh.

# wait_for_server PID URL LOG SECONDS CLIENT_DLL
# Returns once the server at URL answers GetModelInfo (`leapformer info`). Exits the calling
# script with the log's last lines when the process PID dies first or SECONDS pass.
wait_for_server() {
  local pid=$1 url=$2 log=$3 seconds=$4 client=$5 attempt
  for attempt in $(seq 1 $((seconds * 2))); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "error: the server exited during startup:" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
    if dotnet "$client" info --server "$url" --timeout 2 >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  echo "error: the server did not answer within $seconds s:" >&2
  tail -n 20 "$log" >&2
  exit 1
}
