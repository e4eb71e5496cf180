#!/usr/bin/env bash
# Usage: tests/readme.sh
#
# The README as a newcomer follows it, from the repository root:
#   1. every command the README shows on a "    $ " line (but for the container section's, which
#      docker/test.sh runs), exactly as written, in order (the
#      build, the hand start of the server, `info`, `translate`, the curl of the web page). A line
#      that starts the server (LeaPformer.Server.dll) runs in the background, as in its own
#      terminal; the lines after it run once it answers, and it is stopped before the next start
#      line and at the end. Each must exit 0; `translate` must print a final translation, curl
#      the page's title, and the server must log no warning or error while it starts.
#   2. ./run.sh with the default ports (50051, 8080, 9464) held by another process: it must choose
#      free ones, say so and translate the sample; a second ./run.sh must reuse the build.
#   3. ./test.sh where the Python packages are missing: one line naming sudo bash .ci/run, at once.
#
# Part 1 needs the default ports free; when one is taken it is skipped, saying which (a failure
# with LEAPFORMER_REQUIRE_README=1, as CI sets). Prints "skipped: NAME: REASON" per skip and ends
# with "readme: N passed, M failed, K skipped"; exits 1 when any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source "$ROOT/scripts/lib/server.sh"
source "$ROOT/scripts/lib/readme.sh"
CLIENT=$ROOT/src/Client/bin/Release/net10.0/leapformer.dll

work=$(mktemp -d "${TMPDIR:-/tmp}/leapformer-readme.XXXXXX")
passed=0 failed=0 skipped=0
server_pid= holder_pid=
cleanup() {
  stop_server
  [[ -n $holder_pid ]] && kill "$holder_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

pass() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAILED: $1" >&2; [[ -n ${2:-} && -f $2 ]] && sed 's/^/    | /' "$2" | tail -n 30 >&2; failed=$((failed + 1)); }
skip() { echo "skipped: $1: $2"; skipped=$((skipped + 1)); }

stop_server() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=
  fi
}

# --- 1. The README's commands, as written -----------------------------------------------------
# The container section's lines need Docker: docker/test.sh runs those.
mapfile -t commands < <(readme_commands outside README.md)
kinds=" "
for cmd in "${commands[@]}"; do
  case $cmd in
    *LeaPformer.Server.dll*) kinds+="start " ;;
    *"leapformer.dll info"*) kinds+="info " ;;
    *"leapformer.dll translate"*) kinds+="translate " ;;
    curl*) kinds+="curl " ;;
    "dotnet build"*) kinds+="build " ;;
  esac
done
for kind in build start info translate curl; do
  # The README must still show each of them: a test of nothing would pass.
  [[ $kinds == *" $kind "* ]] || fail "the README shows no \"    \$ \" line that does '$kind' (tests/readme.sh runs those lines)"
done

# What samples/README.md says the bundled model makes of the sample.
sample_quote=$(tr '\n' ' ' <samples/README.md | grep -o '`models/demo-small` translates it as "[^"]*"' | sed 's/.*as "\(.*\)"/\1/')
[[ -n $sample_quote ]] || fail "samples/README.md no longer says what models/demo-small makes of the sample"

busy=()
for port in 50051 8080 9464; do
  port_in_use "$port" && busy+=("$port")
done
if [[ ${#busy[@]} -gt 0 ]]; then
  reason="port(s) ${busy[*]} in use by another process; the README's commands use the default ports"
  if [[ ${LEAPFORMER_REQUIRE_README:-0} == 1 ]]; then
    fail "README commands: $reason (LEAPFORMER_REQUIRE_README=1)"
  else
    skip "README commands" "$reason"
  fi
else
  n=0
  for cmd in "${commands[@]}"; do
    n=$((n + 1))
    out=$work/command-$n.txt
    echo "\$ $cmd"
    if [[ $cmd == *LeaPformer.Server.dll* ]]; then
      stop_server
      # exec: the PID is the server's own, so stopping it is one kill (SIGTERM: the graceful drain).
      bash -c "exec $cmd" >"$out" 2>&1 &
      server_pid=$!
      rc=0
      server_ready "$server_pid" http://127.0.0.1:50051 "$out" 90 "$CLIENT" || rc=$?
      if [[ $rc -ne 0 ]]; then
        fail "\`$cmd\`: the server $([[ $rc -eq 1 ]] && echo exited || echo 'did not answer within 90 s')" "$out"
        server_pid=
        continue
      fi
      if grep -E '^\[[0-9:.]+ (WRN|ERR|FTL)\]' "$out" >"$work/warnings.txt"; then
        fail "\`$cmd\`: the server logged warnings or errors while it started" "$work/warnings.txt"
      else
        pass "\`$cmd\`: the server answers on 127.0.0.1:50051, no warning at start"
      fi
      continue
    fi

    if ! timeout 600 bash -c "$cmd" >"$out" 2>&1; then
      fail "\`$cmd\` exited with an error" "$out"
      continue
    fi
    case $cmd in
      *"leapformer.dll translate"*)
        got=$(sed -n 's/^  final #0: //p' "$out" | head -n 1)
        if [[ -z $got ]]; then
          fail "\`$cmd\` printed no final translation" "$out"
        elif [[ $cmd == *samples/to-be-at-a-loss-for-words.wav* && $got != "$sample_quote" ]]; then
          fail "\`$cmd\` printed '$got', but samples/README.md says the bundle gives '$sample_quote'" "$out"
        else
          pass "\`$cmd\`: $got"
        fi ;;
      *"leapformer.dll info"*)
        if grep -q '^model ' "$out"; then pass "\`$cmd\`: $(head -n 1 "$out")"; else fail "\`$cmd\` printed no model" "$out"; fi ;;
      curl*)
        if grep -q '<title>' "$out"; then pass "\`$cmd\`: $(head -n 1 "$out")"; else fail "\`$cmd\` did not show the page's title" "$out"; fi ;;
      *)
        pass "\`$cmd\`" ;;
    esac
  done
  stop_server
fi

# --- 2. ./run.sh with the default ports taken ---------------------------------------------------
if [[ ! -x /usr/bin/python3 ]]; then
  skip "./run.sh with the default ports taken" "no /usr/bin/python3 to hold the ports with"
else
  # Hold whichever of the default ports are free (the others are taken already, which is the point).
  /usr/bin/python3 -c '
import socket, sys, time
held = []
for port in sys.argv[1:]:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", int(port)))
        s.listen(8)
        held.append(s)
    except OSError:
        pass
print("holding", len(held), flush=True)
time.sleep(3600)
' 50051 8080 9464 >"$work/holder.txt" 2>&1 &
  holder_pid=$!
  for _ in $(seq 1 50); do grep -q holding "$work/holder.txt" && break; sleep 0.1; done
  if ! port_in_use 50051 || ! port_in_use 8080 || ! port_in_use 9464; then
    fail "./run.sh with the default ports taken: could not take 50051, 8080 and 9464" "$work/holder.txt"
  else
    echo "\$ ./run.sh    # 50051, 8080 and 9464 taken"
    if ! ./run.sh >"$work/run1.txt" 2>&1; then
      fail "./run.sh with 50051, 8080 and 9464 taken exited with an error" "$work/run1.txt"
    elif ! grep -qE '^  final #0: .+' "$work/run1.txt"; then
      fail "./run.sh with 50051, 8080 and 9464 taken printed no translation" "$work/run1.txt"
    elif ! grep -q '(8080 is taken)' "$work/run1.txt" || ! grep -q '(9464 is taken)' "$work/run1.txt" || ! grep -q '(50051 is taken)' "$work/run1.txt"; then
      fail "./run.sh did not say which ports it moved from" "$work/run1.txt"
    else
      pass "./run.sh with 50051, 8080 and 9464 taken: $(grep -E '^    (gRPC|web page|metrics) ' "$work/run1.txt" | sed 's/^ *//' | paste -sd';' -)"
    fi

    echo "\$ ./run.sh    # again"
    started=$SECONDS
    if ! ./run.sh >"$work/run2.txt" 2>&1; then
      fail "./run.sh, run again, exited with an error" "$work/run2.txt"
    elif ! grep -q 'The Release build is up to date' "$work/run2.txt" || grep -q 'Building the server' "$work/run2.txt"; then
      fail "./run.sh, run again with nothing changed, built again" "$work/run2.txt"
    else
      pass "./run.sh, run again: reused the build, $((SECONDS - started)) s in all"
    fi
  fi
  kill "$holder_pid" 2>/dev/null
  wait "$holder_pid" 2>/dev/null
  holder_pid=
fi

# --- 3. ./test.sh where the Python packages are missing ---------------------------------------
# It must stop at once, in one line that names the command that installs them.
echo "\$ LEAPFORMER_PYTHON=/nonexistent/python3 ./test.sh"
started=$SECONDS
LEAPFORMER_PYTHON=/nonexistent/python3 ./test.sh >"$work/test-sh.txt" 2>&1
rc=$?
if [[ $rc -eq 0 || $(wc -l <"$work/test-sh.txt") -ne 1 ]] || ! grep -q 'sudo bash .ci/run' "$work/test-sh.txt" || [[ $((SECONDS - started)) -gt 10 ]]; then
  fail "./test.sh without the Python packages: expected one line naming sudo bash .ci/run and a failing exit code at once (exit $rc, $((SECONDS - started)) s)" "$work/test-sh.txt"
else
  pass "./test.sh without the Python packages stops at once (exit $rc): $(cut -c1-100 "$work/test-sh.txt")..."
fi

echo "readme: $passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
