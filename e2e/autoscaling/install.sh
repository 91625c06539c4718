#!/usr/bin/env bash
# Installs the simulation tools used by the autoscaling e2e test, pinned and cached
# outside the repo (keyed by version) so that only the first run pays the build:
#   kwok, kwokctl   sigs.k8s.io/kwok           -> $CACHE_DIR/kwok-$KWOK_VERSION/
#   metrics-server  sigs.k8s.io/metrics-server -> $CACHE_DIR/metrics-server-$METRICS_SERVER_VERSION/
#   metrics-adapter ./metrics-adapter (nested module on sigs.k8s.io/custom-metrics-apiserver)
#                   -> $CACHE_DIR/metrics-adapter-<library version>-<hash of go.mod, go.sum, *.go, Go version>/
# It also makes sure both modules' sources are in the Go module cache, because the
# test uses manifests shipped inside them (no internet downloads at run time).
#
# Prints NAME=PATH lines on stdout (same interface as hack/k8s-binaries/build.sh);
# progress goes to stderr.
set -euo pipefail

KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
METRICS_SERVER_VERSION="${METRICS_SERVER_VERSION:-v0.8.0}"
CACHE_DIR="${CACHE_DIR:-$HOME/.cache/mlpipeline-fn}"

log() { echo "install.sh: $*" >&2; }

# A fresh machine of this kind has Go in /usr/local/go but maybe not on PATH.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { log "go not found"; exit 1; }

# Two runs at once (e.g. two terminals) would build the same tools twice: the
# second waits for the first, then finds them cached.
mkdir -p "$CACHE_DIR"
exec 8>"$CACHE_DIR/.autoscaling-tools.lock"
flock 8

# Scratch dir of the build in progress, removed if the script is interrupted.
scratch=""
trap '[[ -z "$scratch" ]] || rm -rf "$scratch"' EXIT

# install_go_tools DEST MODULE@VERSION PKG... : `go install` into a scratch dir next
# to DEST and rename it into place only when every binary built, so an interrupted
# build never leaves a half-filled cache entry that later runs would trust.
install_go_tools() {
  local dest="$1"; shift
  local pkgs=("$@") missing=0 p
  for p in "${pkgs[@]}"; do
    [[ -x "$dest/$(basename "${p%@*}")" ]] || missing=1
  done
  if [[ $missing == 0 ]]; then
    log "cached: $dest"
    return 0
  fi
  mkdir -p "$(dirname "$dest")"
  scratch="$(mktemp -d "$dest.tmp.XXXXXX")"
  log "building ${pkgs[*]} (first run only, takes minutes) ..."
  local start=$SECONDS
  # CGO off: static binaries, no C toolchain needed.
  if ! CGO_ENABLED=0 GOBIN="$scratch" go install -trimpath "${pkgs[@]}" >&2; then
    log "go install failed: ${pkgs[*]}"
    return 1
  fi
  rm -rf "$dest"
  mv "$scratch" "$dest"
  scratch=""
  log "built $dest in $((SECONDS - start))s"
}

install_go_tools "$CACHE_DIR/kwok-$KWOK_VERSION" \
  "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" \
  "sigs.k8s.io/kwok/cmd/kwokctl@$KWOK_VERSION"
install_go_tools "$CACHE_DIR/metrics-server-$METRICS_SERVER_VERSION" \
  "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION"

# The custom/external metrics adapter is this repo's own code, so its cache key
# also covers its sources: an edit rebuilds it. Built with the control plane's
# flags (CGO off, -trimpath) and its k8s.io/* versions (metrics-adapter/go.mod),
# so the packages it shares with the control plane at the same versions come
# from the Go build cache. Most do not: the library asks for newer patch
# releases of go-logr, x/net, x/text, otel and grpc than Kubernetes v1.37.2, and
# nearly every package depends on one of them. About 2 minutes on 2 cores after
# hack/k8s-binaries/build.sh (as in .ci/run).
ADAPTER_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/metrics-adapter" && pwd)"
adapter_lib="$(sed -n 's|^\tsigs.k8s.io/custom-metrics-apiserver \(v[^ ]*\).*|\1|p' "$ADAPTER_SRC/go.mod")"
[[ -n "$adapter_lib" ]] || { log "no sigs.k8s.io/custom-metrics-apiserver version in $ADAPTER_SRC/go.mod"; exit 1; }
adapter_key="$({ go env GOVERSION; cat "$ADAPTER_SRC"/go.mod "$ADAPTER_SRC"/go.sum "$ADAPTER_SRC"/*.go; } | sha256sum | cut -c1-12)"
ADAPTER_DIR="$CACHE_DIR/metrics-adapter-$adapter_lib-$adapter_key"
if [[ -x "$ADAPTER_DIR/metrics-adapter" ]]; then
  log "cached: $ADAPTER_DIR"
else
  scratch="$(mktemp -d "$ADAPTER_DIR.tmp.XXXXXX")"
  log "building the metrics adapter (custom-metrics-apiserver $adapter_lib; first run only) ..."
  start=$SECONDS
  if ! (cd "$ADAPTER_SRC" && CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags '-s -w' -o "$scratch/metrics-adapter" .) >&2; then
    log "go build failed: $ADAPTER_SRC"
    exit 1
  fi
  rm -rf "$ADAPTER_DIR"
  mv "$scratch" "$ADAPTER_DIR"
  scratch=""
  log "built $ADAPTER_DIR in $((SECONDS - start))s"
fi

# Module sources: the metrics-server release kustomization and KWOK's metric/usage
# objects are read from here. `go mod download` is a no-op when already cached.
mod_dir() { (cd "$CACHE_DIR" && go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'); }
KWOK_SRC="$(mod_dir "sigs.k8s.io/kwok@$KWOK_VERSION")"
MS_SRC="$(mod_dir "sigs.k8s.io/metrics-server@$METRICS_SERVER_VERSION")"
[[ -d "$KWOK_SRC" && -d "$MS_SRC" ]] || { log "module sources not found"; exit 1; }

echo "kwok=$CACHE_DIR/kwok-$KWOK_VERSION/kwok"
echo "kwokctl=$CACHE_DIR/kwok-$KWOK_VERSION/kwokctl"
echo "metrics-server=$CACHE_DIR/metrics-server-$METRICS_SERVER_VERSION/metrics-server"
echo "metrics-adapter=$ADAPTER_DIR/metrics-adapter"
echo "kwok-src=$KWOK_SRC"
echo "metrics-server-src=$MS_SRC"
