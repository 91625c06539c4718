#!/usr/bin/env bash
# Tests of e2e/lib (run by `make e2e` before the harness): each function once
# where it succeeds and once where it must fail.
set -euo pipefail
lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=procs.sh
source "$lib/procs.sh"

bad=0
expect() { # expect NAME COMMAND...: COMMAND must succeed
  if "${@:2}"; then echo "ok    $1"; else echo "FAIL  $1" >&2; bad=1; fi
}
alive() { kill -0 "$1" 2>/dev/null; }

# stop_pid: a process that stops on SIGTERM, one that ignores it (SIGKILL
# after the grace), and one that is gone already.
sleep 60 &
polite=$!
bash -c 'trap "" TERM; while :; do sleep 0.1; done' &
stubborn=$!
sleep 0.3 # let the trap be set
t=$SECONDS
stop_pid "$polite" sleep
expect "stop_pid: a process that stops on SIGTERM is gone, at once" eval '! alive $polite && ((SECONDS - t < 2))'
stop_pid "$stubborn" stubborn 1 2>"${TMPDIR:-/tmp}/stop_pid.$$"
expect "stop_pid: one that ignores SIGTERM is killed after the grace, and says so" \
  eval '! alive $stubborn && grep -q "still runs 1s after SIGTERM: SIGKILL" "${TMPDIR:-/tmp}/stop_pid.$$"'
rm -f "${TMPDIR:-/tmp}/stop_pid.$$"
expect "stop_pid: a process that is gone already is fine" stop_pid "$polite" sleep

# wait_for: a condition that comes true, one that never does.
flag=$(mktemp -u)
(sleep 0.5 && touch "$flag") &
expect "wait_for: returns once the condition holds" wait_for 5 flag test -e "$flag"
rm -f "$flag"
t=$SECONDS
expect "wait_for: returns 1 after its timeout" eval '! wait_for 1 never false 2>/dev/null && ((SECONDS - t <= 2))'

# results.sh: pass and fail count, finish exits 1 on a failure, 0 without.
results() { # results CASES...: a harness recording CASES (pass or fail); its exit code
  bash -c 'suite=test repo=/ work=/tmp UPDATE=0; source "$1/results.sh"; for c in "${@:2}"; do $c "case $c"; done; finish' \
    _ "$lib" "$@" 2>/dev/null
}
expect "finish: exit 0 when every case passed" results pass pass
expect "finish: exit 1 when a case failed" eval '! results pass fail'
summary=$(bash -c 'suite=t; source "$1/results.sh"; pass a; fail b; finish' _ "$lib" 2>&1 || true)
expect "finish: the summary lists the passed case" grep -qxF '  PASS  a' <<<"$summary"
expect "finish: the summary lists the failed case" grep -qxF '  FAIL  b' <<<"$summary"
expect "finish: the summary says how many failed" grep -qxF 't: 1 case(s) failed' <<<"$summary"

exit "$bad"
