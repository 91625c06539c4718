# Processes and waiting for the e2e harnesses (sourced by e2e/orchestrators/
# run.sh, e2e/argocd/run.sh and e2e/autoscaling/run.sh). Every process a
# harness starts is stopped by its PID; every wait has a timeout.

# stop_pid PID [NAME] [GRACE_S]: SIGTERM, then SIGKILL if PID still runs
# GRACE_S (default 5) seconds later; reaps it when it is our child. Some
# servers need the SIGKILL (argocd-cmp-server removes its socket on SIGTERM
# but keeps running). A PID that is gone already is fine.
stop_pid() {
  local pid=$1 name=${2:-pid} grace=${3:-5} i
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$name ($pid) still runs ${grace}s after SIGTERM: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

# wait_for SECONDS WHAT CMD...: run CMD every POLL_S seconds (default 0.2)
# until it succeeds; after SECONDS, say that WHAT was not ready and return 1
# (the caller decides what a timeout means: die, diagnose, fail a case).
wait_for() {
  local secs=$1 what=$2 end
  shift 2
  end=$((SECONDS + secs))
  until "$@"; do
    if ((SECONDS >= end)); then
      echo "$what: not ready after ${secs}s" >&2
      return 1
    fi
    sleep "${POLL_S:-0.2}"
  done
}
