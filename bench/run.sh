#!/usr/bin/env bash
# `make bench`: mlpipeline-fn against kyaml identity functions (issues 5, 13).
#
# 1. builds the function (make build), the pinned kustomize (make
#    bin/kustomize), the identity baselines and the measuring tool into a
#    temporary directory;
# 2. bench/measure: whole-process runs, function and baseline alternating,
#    median wall/CPU/peak RSS and PASS/FAIL per target: a real
#    `kustomize build --enable-alpha-plugins --enable-exec` of
#    kustomization-example/exec with the function against the same build
#    with the identity, start-up against the identity linking k8s.io/api,
#    10,000 items, 1,000 MLPipelines and linearity against the identity;
# 3. Go benchmarks of the processor on the same generated inputs;
# 4. a CPU profile of the 10,000-item case and its top entries;
# 5. binary and image sizes.
# Everything is printed and written to out/bench/results.md. Exit status 1
# when a target fails (after printing everything).
#
# Needs only Go, make and coreutils (and the module proxy the first time, for
# kustomize): bench/measure reads each run's wall time
# and peak RSS (wait4's ru_maxrss, what GNU `time -v` reports) itself, so
# neither GNU time nor hyperfine has to be installed.
#
# Knobs: BENCH_BUDGET (time per process case, default 15s; at least 9 rounds),
# BENCH_GO=0 to skip the Go benchmarks and the profile.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
out=$repo/out/bench
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log() { echo "bench: $*" >&2; }
start=$SECONDS

command -v go >/dev/null || { echo "bench: go is not on PATH" >&2; exit 1; }

# ---- 1. build; the baselines with the same flags as `make build` ----
log "building"
make --no-print-directory build bin/kustomize >&2
gobuild() { CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$@"; }
gobuild "$tmp/identity" ./bench/identity
gobuild "$tmp/identityk8s" ./bench/identityk8s
go build -o "$tmp/measure" ./bench/measure
go test -c -o "$tmp/bench.test" ./bench/

# ---- 2. process benchmarks ----
log "process benchmarks (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
status=0
"$tmp/measure" -fn bin/mlpipeline-fn -identity "$tmp/identity" -identity-k8s "$tmp/identityk8s" \
  -kustomize bin/kustomize -kustomization kustomization-example/exec -work "$tmp/inputs" -budget "${BENCH_BUDGET:-15s}" -min-runs 9 -out "$tmp/process.md" >/dev/null || status=$?
if [[ $status -ne 0 && $status -ne 3 ]]; then
  exit "$status" # the tool failed, not a target (3)
fi

# image_size prints the size of the function's image, if one was built.
image_size() {
  local engine img size
  for engine in docker podman; do
    command -v "$engine" >/dev/null || continue
    if [[ $engine == docker ]] && ! docker info >/dev/null 2>&1; then continue; fi
    for img in "${IMAGE:-ghcr.io/mlpipeline-dev/mlpipeline-fn:v0.1.0}" localhost/mlpipeline-fn:dev; do
      if size=$("$engine" image inspect --format '{{.Size}}' "$img" 2>/dev/null); then
        echo "$(numfmt --to=iec-i --suffix=B "$size") ($img, $engine)"
        return
      fi
    done
  done
  echo "n/a (no image built; \`make image\` builds one)"
}

size() { numfmt --to=iec-i --suffix=B "$(stat -c %s "$1")"; }

# ---- 3. Go benchmarks ----
go_benchmarks() {
  echo
  echo "## Go benchmarks (processor through framework.Execute, no process start-up)"
  echo
  echo '```'
  # Run in bench/ as `go test` would; keep only the result lines. The
  # default 1s benchtime gives the big inputs a single iteration, so they
  # get three.
  (
    cd bench
    "$tmp/bench.test" -test.run='^$' -test.bench='//^items=(0|10),pipelines=(0|1)$' -test.benchmem
    "$tmp/bench.test" -test.run='^$' -test.bench='//^items=(1000|10000),pipelines=10$|//^items=0,pipelines=1000$' -test.benchmem -test.benchtime=3x
  ) | grep -E '^Benchmark'
  echo '```'
}

# ---- 4. CPU profile of the 10,000-item case ----
profile() {
  local prof=$out/cpu-fn-10000.prof
  (cd bench && "$tmp/bench.test" -test.run='^$' -test.bench='^BenchmarkProcess$/^fn$/^items=10000,pipelines=10$' \
    -test.benchtime=3x -test.cpuprofile="$prof") >/dev/null
  echo
  echo "## CPU profile: function on 10,000 items + 10 MLPipelines (out/bench/cpu-fn-10000.prof)"
  echo
  echo "How framework.Execute's time splits (Read and Write are kyaml's yaml.v3 parse and encode; Process is the function's own code):"
  echo
  echo '```'
  go tool pprof -peek 'framework\.Execute$' "$prof" 2>/dev/null |
    awk '/^-----/ { n++; next } n == 1 || n == 2' | grep -v 'bench\.execute'
  echo '```'
  echo
  echo "Top entries by own (flat) time:"
  echo
  echo '```'
  go tool pprof -top -nodecount=20 "$prof" 2>/dev/null | sed -n '/^ *flat/,$p'
  echo '```'
  echo
  echo "Who grows slices (runtime.memmove above is mostly growslice; yaml.v3's emitter queues every event of the one-document ResourceList and never compacts the queue):"
  echo
  echo '```'
  go tool pprof -peek 'runtime\.growslice$' "$prof" 2>/dev/null |
    awk '/^-----/ { n++; next } n == 2' | grep -B100 '| runtime.growslice' | head -4
  echo '```'
  echo
  echo "The function's own code, by cumulative time:"
  echo
  echo '```'
  go tool pprof -top -cum -nodecount=12 -show='mlpipeline-fn/fn\.' "$prof" 2>/dev/null | sed -n '/^ *flat/,$p'
  echo '```'
}

# ---- 5. sizes ----
sizes() {
  echo
  echo "## Sizes"
  echo
  echo "| artifact | size |"
  echo "|---|---|"
  echo "| bin/mlpipeline-fn | $(size bin/mlpipeline-fn) |"
  echo "| identity (kyaml only, same build flags) | $(size "$tmp/identity") |"
  echo "| identity linking k8s.io/api | $(size "$tmp/identityk8s") |"
  echo "| image | $(image_size) |"
}

report() {
  cat "$tmp/process.md"
  if [[ ${BENCH_GO:-1} != 0 ]]; then
    log "Go benchmarks"
    go_benchmarks
    log "CPU profile of the 10,000-item case"
    profile
  fi
  sizes
  echo
  echo "make bench took $((SECONDS - start)) s on $(nproc) cores."
}

report | tee "$out/results.md"
if [[ $status -eq 3 ]]; then
  log "a target FAILED (see the target table above)"
  exit 1
fi
