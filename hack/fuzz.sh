#!/usr/bin/env bash
# The bounded fuzz run of `make test`: fuzzes FuzzResourceList for FUZZTIME,
# prints the number of executions, and fails when the fuzzer found a failure
# or ran fewer than FUZZ_MIN_EXECS inputs (a run that spends its time
# minimising one input is not fuzzing). 1000 suits the default 30s (a
# loaded 2-core machine runs well over 10,000); lower it with FUZZTIME.
#
# FUZZMINIMIZETIME bounds the minimisation of each new interesting input:
# go's default, 60s, is longer than the whole run, and in a 30 s run it once
# left the fuzzer at 65 executions and then 0 per second.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME=${FUZZTIME:-30s}
FUZZMINIMIZETIME=${FUZZMINIMIZETIME:-1s}
FUZZ_MIN_EXECS=${FUZZ_MIN_EXECS:-1000}
target=FuzzResourceList

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
go test -run='^$' -fuzz="^$target\$" -fuzztime="$FUZZTIME" -fuzzminimizetime="$FUZZMINIMIZETIME" ./fn 2>&1 |
  tee "$log" || status=$?
# go test prints "fuzz: elapsed: 30s, execs: 18209 (0/sec), ..." every 3 s
# and once at the end.
execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
echo "fuzz: $target ran ${execs:-no} executions in $FUZZTIME (fewest accepted: $FUZZ_MIN_EXECS)"
if [[ $status -ne 0 ]]; then
  exit "$status"
fi
if [[ -z $execs || $execs -lt $FUZZ_MIN_EXECS ]]; then
  echo "fuzz: FAIL: too few executions; the run did not fuzz" >&2
  exit 1
fi
