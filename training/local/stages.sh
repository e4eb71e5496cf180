# Sourced by the prepare*.sh recipes (icefall habits): log, and run_stage, which runs stage N
# when $stage <= N <= $stop_stage and leaves $stage_dir/.stage<N>.done (skipped when present).

log() {
  local fname=${BASH_SOURCE[1]##*/}
  echo -e "$(date '+%Y-%m-%d %H:%M:%S') (${fname}:${BASH_LINENO[0]}:${FUNCNAME[1]}) $*"
}

run_stage() {  # run_stage N description command...
  local n=$1 desc=$2
  shift 2
  if [ "$stage" -le "$n" ] && [ "$stop_stage" -ge "$n" ]; then
    if [ -f "$stage_dir/.stage$n.done" ]; then
      log "Stage $n: $desc (done before, skipped)"
    else
      log "Stage $n: $desc"
      "$@"
      touch "$stage_dir/.stage$n.done"
    fi
  fi
}
