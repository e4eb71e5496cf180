#!/usr/bin/env bash
# Usage: docker/test.sh
#
# The container test, in two parts:
#   1. the stack: builds the server image (docker/Dockerfile), brings up docker/compose.yaml (3
#      translator replicas behind nginx) on free ports of 127.0.0.1, streams the sample WAV through
#      the balancer from several clients at once with the repository's CLI, and checks that every
#      stream got the same non-empty translation, that the streams landed on more than one replica
#      (each replica's own /metrics count of StreamingTranslate calls), and that the web page, its
#      /api/model-info and its WebSocket answer through nginx. Then tears the stack down.
#   2. the README's container quick start: the "    $ " lines of its container section, as written
#      (compose up --build, translate, curl of the web page, compose down), after the section's
#      stand-in lines where no registry is reachable; `docker compose` becomes `docker-compose`
#      where only that one is installed, as the README says. Needs 50051 and 8080 free on the
#      host; skipped, saying so, when either is taken.
# Stops dockerd if it started it.
#
# Exit 0 with a "SKIP: ..." line when no Docker engine can be had here (no docker CLI, or no
# dockerd that starts); exit 1 when anything else fails. The last line is
# "container: N passed, M failed, K skipped".
#
# Base images: the official ones (mcr.microsoft.com/dotnet/sdk:10.0, .../aspnet:10.0, nginx:stable)
# when they are present or can be pulled; else local stand-ins built by docker/local/build.sh
# (Debian from this machine's apt archive + this machine's .NET SDK). Set SDK_IMAGE, RUNTIME_IMAGE
# and NGINX_IMAGE to choose, or LEAPFORMER_LOCAL_BASE=1 to go straight to the stand-ins.
#
#   LEAPFORMER_TEST_PORT      host port of the balancer's gRPC (default 0: Docker picks a free one)
#   LEAPFORMER_TEST_WEB_PORT  host port of its web page (default 0: Docker picks a free one)
#   LEAPFORMER_TEST_CLIENTS   concurrent client streams (default 6)
#   LEAPFORMER_BUILD_NETWORK  docker build --network (e.g. host, where the default bridge cannot
#                             reach NuGet for the restore inside the build; default: bridge)
#   LEAPFORMER_BUILD_LOCK     if set, a lock file: docker and dotnet builds run under flock on it
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source "$ROOT/scripts/lib/server.sh"
source "$ROOT/scripts/lib/readme.sh"

PROJECT=leapformer-test
PORT=${LEAPFORMER_TEST_PORT:-0}
WEB_PORT=${LEAPFORMER_TEST_WEB_PORT:-0}
CLIENTS=${LEAPFORMER_TEST_CLIENTS:-6}
REPLICAS=3
IMAGE=leapformer/server:test
SAMPLE=$ROOT/samples/to-be-at-a-loss-for-words.wav
CLI=$ROOT/src/Client/bin/Release/net10.0/leapformer.dll

started=$SECONDS
log() { printf '==> [%3d s] %s\n' "$((SECONDS - started))" "$*" >&2; }
passed=0 skipped=0
skip() { echo "SKIP: $*"; exit 0; }
fail() { echo "FAILED: $*" >&2; echo "container: $passed passed, 1 failed, $skipped skipped"; exit 1; }
locked() { if [[ -n ${LEAPFORMER_BUILD_LOCK:-} ]]; then flock "$LEAPFORMER_BUILD_LOCK" "$@"; else "$@"; fi; }

work=$(mktemp -d "${TMPDIR:-/tmp}/leapformer-container-test.XXXXXX")
dockerd_pid=
stack_up=false
quickstart_up=false
cleanup() {
  local rc=$?
  if [[ $stack_up == true ]]; then
    if [[ $rc -ne 0 ]]; then
      echo "--- compose ps / logs (last 40 lines per container) ---" >&2
      compose ps >&2 || true
      compose logs --no-color --tail 40 >&2 || true
    fi
    compose down --volumes --remove-orphans --timeout 30 >/dev/null 2>&1 || true
  fi
  if [[ $quickstart_up == true ]]; then
    "${compose_cmd[@]}" -f "$ROOT/docker/compose.yaml" down --timeout 30 >/dev/null 2>&1 || true
  fi
  if [[ -n $dockerd_pid ]]; then
    kill "$dockerd_pid" 2>/dev/null || true
    wait "$dockerd_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- A Docker engine, or a clear skip ------------------------------------------------------
command -v docker >/dev/null || skip "no docker CLI here (apt-get install docker.io to run the container test)"
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || skip "docker cannot reach an engine and there is no dockerd to start (apt-get install docker.io)"
  log "Starting dockerd (log: $work/dockerd.log)"
  dockerd >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    tail -n 5 "$work/dockerd.log" >&2 || true
    # Keep the log's reason in the skip line: permissions, no cgroups, no overlay/vfs, ...
    skip "dockerd does not start here: $(grep -E 'level=(error|fatal)' "$work/dockerd.log" | tail -n 1 | cut -c1-300)"
  fi
fi

if docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
elif command -v docker-compose >/dev/null; then
  compose_cmd=(docker-compose)
else
  fail "no Docker Compose (the docker compose plugin, or apt-get install docker-compose)"
fi
compose() {
  LEAPFORMER_IMAGE=$IMAGE NGINX_IMAGE=$NGINX_IMAGE LEAPFORMER_PORT=$PORT LEAPFORMER_WEB_PORT=$WEB_PORT \
    "${compose_cmd[@]}" --project-name "$PROJECT" -f "$ROOT/docker/compose.yaml" "$@"
}
log "Docker $(docker version --format '{{.Server.Version}}'), $("${compose_cmd[@]}" version --short 2>/dev/null || echo compose)"

# --- Base images: official, else local stand-ins ------------------------------------------------
have_or_pull() { docker image inspect "$1" >/dev/null 2>&1 || timeout 120 docker pull -q "$1" >/dev/null 2>&1; }
if [[ -z ${SDK_IMAGE:-} && -z ${RUNTIME_IMAGE:-} && -z ${NGINX_IMAGE:-} && ${LEAPFORMER_LOCAL_BASE:-0} != 1 ]] \
   && have_or_pull mcr.microsoft.com/dotnet/sdk:10.0 && have_or_pull mcr.microsoft.com/dotnet/aspnet:10.0 && have_or_pull nginx:stable; then
  log "Using the official base images"
  SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0 RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0 NGINX_IMAGE=nginx:stable
  base=official
elif [[ -z ${SDK_IMAGE:-} || -z ${RUNTIME_IMAGE:-} || -z ${NGINX_IMAGE:-} ]]; then
  log "No registry to pull the official base images from: local stand-ins (docker/local/build.sh)"
  "$ROOT/docker/local/build.sh"
  base=local
  SDK_IMAGE=${SDK_IMAGE:-leapformer/sdk-local:10.0}
  RUNTIME_IMAGE=${RUNTIME_IMAGE:-leapformer/aspnet-local:10.0}
  NGINX_IMAGE=${NGINX_IMAGE:-leapformer/nginx-local:stable}
fi

base=${base:-given}

# --- The server image and the client ---------------------------------------------------------
log "Building $IMAGE (SDK $SDK_IMAGE, runtime $RUNTIME_IMAGE)"
network=()
[[ -n ${LEAPFORMER_BUILD_NETWORK:-} ]] && network=(--network "$LEAPFORMER_BUILD_NETWORK")
if ! locked docker build "${network[@]}" -f docker/Dockerfile -t "$IMAGE" \
    --build-arg SDK_IMAGE="$SDK_IMAGE" --build-arg RUNTIME_IMAGE="$RUNTIME_IMAGE" . >"$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log" >&2
  fail "docker build failed (if the restore could not reach NuGet, try LEAPFORMER_BUILD_NETWORK=host)"
fi
docker image inspect "$IMAGE" --format '    image {{.Id}}, {{.Size}} bytes, user {{.Config.User}}' >&2
[[ $(docker image inspect "$IMAGE" --format '{{.Config.User}}') =~ ^(0|root)?$ ]] && fail "the image runs as root"

log "Building the client (Release)"
locked dotnet build "$ROOT/src/Client/LeaPformer.Client.csproj" -c Release -nologo -v quiet >"$work/client-build.log" 2>&1 \
  || { tail -n 20 "$work/client-build.log" >&2; fail "dotnet build of the client failed"; }

# --- The stack -------------------------------------------------------------------------------
log "compose up: $REPLICAS replicas behind $NGINX_IMAGE (waits until every replica is healthy)"
stack_up=true
compose up -d --no-build --scale translator=$REPLICAS >"$work/up.log" 2>&1 \
  || { cat "$work/up.log" >&2; fail "compose up failed"; }
URL=http://$(compose port lb 50051)
[[ $URL =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "the balancer's published address is '$URL', not 127.0.0.1:PORT"

mapfile -t replicas < <(compose ps -q translator)
[[ ${#replicas[@]} -eq $REPLICAS ]] || fail "expected $REPLICAS translator containers, found ${#replicas[@]}"
for c in "${replicas[@]}"; do
  health=$(docker inspect "$c" --format '{{.State.Health.Status}}')
  [[ $health == healthy ]] || fail "replica $c is $health, not healthy"
done

ready=false
for _ in $(seq 1 60); do
  if dotnet "$CLI" health --server "$URL" --timeout 2 >/dev/null 2>&1; then ready=true; break; fi
  sleep 1
done
[[ $ready == true ]] || fail "the balancer at $URL did not answer a health check within 60 s"
WEB=$(compose port lb 8080)
[[ $WEB =~ ^127\.0\.0\.1:[0-9]+$ ]] || fail "the web page's published address is '$WEB', not 127.0.0.1:PORT"
log "Healthy: $REPLICAS replicas, balancer on $URL, web page on http://$WEB/"

# --- Streams through the balancer ------------------------------------------------------------
# The final text of every segment a `leapformer translate` run printed, joined by spaces.
final_text() { tr '\r' '\n' <"$1" | sed -n 's/^  final #[0-9]*: //p' | paste -sd' ' -; }

log "One stream to learn the expected translation"
dotnet "$CLI" translate "$SAMPLE" --server "$URL" >"$work/reference.txt" 2>&1 \
  || { cat "$work/reference.txt" >&2; fail "the first stream through the balancer failed"; }
expected=$(final_text "$work/reference.txt")
[[ -n $expected ]] || { cat "$work/reference.txt" >&2; fail "the first stream got no translation"; }
# The sample is "To be at a loss for words."; the bundled model says "Para ser en una pérdida para
# palabras." (as Apertium does), with endpointing on as in the image.
[[ $expected == *pérdida* ]] || fail "the translation '$expected' does not contain 'pérdida' (the bundled model's 'loss')"
echo "    expected: $expected" >&2

log "$CLIENTS clients at once, at real-time pace"
pids=()
for i in $(seq 1 "$CLIENTS"); do
  dotnet "$CLI" translate "$SAMPLE" --server "$URL" >"$work/client-$i.txt" 2>&1 &
  pids+=($!)
done
failures=0
for i in $(seq 1 "$CLIENTS"); do
  if ! wait "${pids[$((i - 1))]}"; then
    echo "    client $i failed:" >&2; sed 's/^/      /' "$work/client-$i.txt" >&2
    failures=$((failures + 1))
    continue
  fi
  got=$(final_text "$work/client-$i.txt")
  if [[ $got != "$expected" ]]; then
    echo "    client $i got '$got', not '$expected'" >&2
    failures=$((failures + 1))
  fi
done
[[ $failures -eq 0 ]] || fail "$failures of $CLIENTS concurrent streams did not get the expected translation"
echo "    all $CLIENTS streams: $expected" >&2

# --- Which replica served them: each replica's own Prometheus counter ---------------------------
# The image has no HTTP client but bash: GET /metrics over /dev/tcp on the container's loopback.
scrape() {
  docker exec "$1" timeout 10 bash -c \
    'exec 3<>/dev/tcp/127.0.0.1/9464 && printf "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && cat <&3'
}
total=0
served=0
counts=()
for c in "${replicas[@]}"; do
  n=$(scrape "$c" | tr -d '\r' | awk '$1 == "leapformer_rpcs_total{method=\"StreamingTranslate\",code=\"OK\"}" { print $2 }')
  n=${n:-0}
  counts+=("$(docker inspect "$c" --format '{{.Name}}' | sed 's#^/##'): $n")
  total=$((total + n))
  [[ $n -gt 0 ]] && served=$((served + 1))
done
printf '    streams per replica (OK): %s\n' "$(IFS=,; echo "${counts[*]}")" >&2
[[ $total -eq $((CLIENTS + 1)) ]] || fail "the replicas counted $total OK streams, the clients ran $((CLIENTS + 1))"
[[ $served -ge 2 ]] || fail "every stream landed on one replica: the balancer did not spread them"
lb_upstreams=$(compose logs --no-color lb 2>/dev/null | grep -o 'leapformer.v1.Translator/StreamingTranslate[^"]*" 200 upstream=[^ ]*' \
  | sed 's/.*upstream=//' | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
echo "    nginx access log, StreamingTranslate by upstream: ${lb_upstreams:-none}" >&2

# --- The web page through nginx ------------------------------------------------------------------
log "The web page, /api/model-info and the WebSocket handshake through nginx"
curl -fsS --max-time 10 "http://$WEB/" >"$work/page.html" || fail "GET http://$WEB/ failed"
grep -q '<title>LeaPformer Live' "$work/page.html" || fail "http://$WEB/ is not the demo page: $(head -c 300 "$work/page.html")"
curl -fsS --max-time 10 "http://$WEB/api/model-info" >"$work/model-info.json" || fail "GET http://$WEB/api/model-info failed"
grep -q '"demo-small"' "$work/model-info.json" || fail "/api/model-info does not name the bundled model: $(head -c 300 "$work/model-info.json")"
# The page's own WebSocket, as a browser opens it (its Origin is the page's): nginx must pass the
# upgrade, and the replica must accept the page's origin through the proxy (it compares the Host).
# After the metrics count above: this handshake is closed at once, an aborted stream of its own.
# websocket_status HOST:PORT ORIGIN: the status line of a WebSocket handshake for /ws/translate.
websocket_status() {
  timeout 10 bash -c '
    exec 3<>"/dev/tcp/${1%:*}/${1#*:}"
    printf "GET /ws/translate HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: %s\r\n\r\n" "$1" "$2" >&3
    head -n 1 <&3 | tr -d "\r"' _ "$1" "$2"
}
status=$(websocket_status "$WEB" "http://$WEB" || true)
[[ $status == "HTTP/1.1 101 Switching Protocols" ]] || fail "the page's WebSocket through nginx got '$status', not 101 Switching Protocols"
# And another site's page is still refused behind the proxy (cross-site WebSocket hijacking).
status=$(websocket_status "$WEB" "http://evil.example" || true)
[[ $status == "HTTP/1.1 403 Forbidden" ]] || fail "a foreign page's WebSocket through nginx got '$status', not 403 Forbidden"
echo "    page, model info, WebSocket upgrade (101; 403 for a foreign origin) through nginx on http://$WEB/" >&2

log "Tearing down"
compose down --volumes --remove-orphans --timeout 30 >/dev/null 2>&1
stack_up=false
echo "container test: $((CLIENTS + 1)) streams through nginx to $served of $REPLICAS replicas, every one '$expected'; the web page and its WebSocket through nginx ($((SECONDS - started)) s)"
passed=$((passed + 1))

# --- 2. The README's container quick start, as written ---------------------------------------------
log "The README's container quick start, as written"
mapfile -t lines < <(readme_commands inside "$ROOT/README.md")
stand_in=() quick=()
for line in "${lines[@]}"; do
  case $line in
    docker/local/build.sh* | "export "*) stand_in+=("$line") ;;
    *) quick+=("$line") ;;
  esac
done
[[ ${#quick[@]} -ge 3 && ${#stand_in[@]} -ge 2 ]] || fail "the README's container section lost its \"    \$ \" lines (found ${#quick[@]} quick start and ${#stand_in[@]} stand-in lines)"
if port_in_use 50051 || port_in_use 8080; then
  echo "SKIP: the README's container quick start: port 50051 or 8080 is in use on this host (the stack publishes both)"
  skipped=$((skipped + 1))
else
  script=$work/quickstart.sh
  {
    echo "set -euo pipefail -x"
    echo "cd $(printf %q "$ROOT")"
    case $base in
      local) printf '%s\n' "${stand_in[@]}" ;; # the README's route where no registry is reachable
      given) printf 'export SDK_IMAGE=%q RUNTIME_IMAGE=%q NGINX_IMAGE=%q\n' "$SDK_IMAGE" "$RUNTIME_IMAGE" "$NGINX_IMAGE" ;;
    esac
    for line in "${quick[@]}"; do
      # Only the Compose v1 of Debian 12 here: the README says to type docker-compose then.
      [[ ${compose_cmd[*]} == docker-compose ]] && line=${line//docker compose /docker-compose }
      echo "$line"
      if [[ $line == *" up "* ]]; then
        # Not the README's: the pause a person takes before typing the next line. up returns once the
        # replicas are healthy; nginx answers a moment later.
        printf 'for _ in $(seq 1 60); do dotnet %q health --timeout 2 >/dev/null 2>&1 \x26\x26 break; sleep 1; done\n' "$CLI"
      fi
    done
  } >"$script"
  sed 's/^/    | /' "$script" >&2
  quickstart_up=true
  if ! locked bash "$script" >"$work/quickstart.txt" 2>&1; then
    tail -n 40 "$work/quickstart.txt" >&2
    fail "the README's container quick start failed as written (above)"
  fi
  quickstart_up=false
  got=$(final_text "$work/quickstart.txt")
  [[ $got == *pérdida* ]] || { tail -n 40 "$work/quickstart.txt" >&2; fail "the README's quick start translated the sample as '$got'"; }
  grep -q '<title>LeaPformer Live' "$work/quickstart.txt" || { tail -n 40 "$work/quickstart.txt" >&2; fail "the README's quick start did not show the web page's title"; }
  echo "    quick start ($base base images): '$got', and the page's title through the stack" >&2
  passed=$((passed + 1))
fi

echo "container: $passed passed, 0 failed, $skipped skipped"
