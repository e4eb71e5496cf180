# Sourced by run.sh, scripts/eval_curve.sh, scripts/bench_load.sh and tests/readme.sh.

# server_ready PID URL LOG SECONDS CLIENT_DLL
# Waits until the server at URL answers GetModelInfo (`leapformer info`). Returns 0 then, 1 when the
# process PID exits first, 2 when SECONDS pass.
server_ready() {
  local pid=$1 url=$2 log=$3 seconds=$4 client=$5 attempt
  for attempt in $(seq 1 $((seconds * 2))); do
    kill -0 "$pid" 2>/dev/null || return 1
    if dotnet "$client" info --server "$url" --timeout 2 >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  return 2
}

# wait_for_server PID URL LOG SECONDS CLIENT_DLL
# As server_ready, but exits the calling script with the log's last lines when the server dies
# first or does not answer in time.
wait_for_server() {
  local rc=0
  server_ready "$@" || rc=$?
  case $rc in
    0) return 0 ;;
    1) echo "error: the server exited during startup:" >&2 ;;
    *) echo "error: the server did not answer within $4 s:" >&2 ;;
  esac
  tail -n 20 "$3" >&2
  exit 1
}

# port_in_use PORT: something accepts TCP connections on 127.0.0.1:PORT (bash's /dev/tcp, no tools needed).
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port FIRST [EXCEPT...]: prints FIRST, or the first port above it, on which nothing listens on
# 127.0.0.1 and that is none of EXCEPT (ports already promised to another endpoint).
free_port() {
  local port=$1 except
  shift
  for ((; port < 65536; port++)); do
    for except in "$@"; do
      [[ $port == "$except" ]] && continue 2
    done
    port_in_use "$port" || { echo "$port"; return 0; }
  done
  return 1
}

# url_port URL: the port of an http(s)://host:port URL (80/443 when it names none).
url_port() {
  local rest=${1#*://}
  rest=${rest%%/*}
  if [[ $rest == *:* ]]; then
    echo "${rest##*:}"
  elif [[ $1 == https:* ]]; then
    echo 443
  else
    echo 80
  fi
}
