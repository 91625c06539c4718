#!/usr/bin/env bash
# Builds KEDA's own servers from the release pinned in this module's go.mod and
# caches them outside the repo, so only the first run pays the build (about 9
# minutes on 2 cores):
#   keda (cmd/operator), keda-adapter (cmd/adapter), keda-admission-webhooks (cmd/webhooks)
#     -> $CACHE_DIR/keda-<version>-<hash of go.mod, go.sum, Go version>/
# KEDA's CRDs are read from the same module version in the Go module cache (no
# internet downloads at run time).
#
# Prints NAME=PATH lines on stdout (the interface of e2e/autoscaling/install.sh);
# progress goes to stderr.
set -euo pipefail

CACHE_DIR="${CACHE_DIR:-$HOME/.cache/mlpipeline-fn}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { echo "keda/install.sh: $*" >&2; }

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { log "go not found"; exit 1; }

KEDA_MODULE=github.com/kedacore/keda/v2
keda_version="$(cd "$HERE" && go list -m -f '{{.Version}}' "$KEDA_MODULE")"
[[ -n "$keda_version" ]] || { log "no $KEDA_MODULE version in $HERE/go.mod"; exit 1; }
key="$({ go env GOVERSION; cat "$HERE/go.mod" "$HERE/go.sum"; } | sha256sum | cut -c1-12)"
DEST="$CACHE_DIR/keda-$keda_version-$key"

# A second run at once waits for the first, then finds the binaries cached.
mkdir -p "$CACHE_DIR"
exec 8>"$CACHE_DIR/.keda.lock"
flock 8

scratch=""
trap '[[ -z "$scratch" ]] || rm -rf "$scratch"' EXIT

# Binary names and ldflags as KEDA's own Makefile builds them (the version shows
# in each server's start-up log).
declare -A binaries=([keda]=operator [keda-adapter]=adapter [keda-admission-webhooks]=webhooks)
missing=0
for b in "${!binaries[@]}"; do [[ -x "$DEST/$b" ]] || missing=1; done
if [[ $missing == 0 ]]; then
  log "cached: $DEST"
else
  scratch="$(mktemp -d "$DEST.tmp.XXXXXX")"
  log "building KEDA $keda_version operator, adapter and webhooks (first run only, about 9 minutes) ..."
  start=$SECONDS
  ldflags="-s -w -X=$KEDA_MODULE/version.Version=$keda_version"
  for b in "${!binaries[@]}"; do
    if ! (cd "$HERE" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" \
        -o "$scratch/$b" "$KEDA_MODULE/cmd/${binaries[$b]}") >&2; then
      log "go build failed: $KEDA_MODULE/cmd/${binaries[$b]}"
      exit 1
    fi
  done
  rm -rf "$DEST"
  mv "$scratch" "$DEST"
  scratch=""
  log "built $DEST in $((SECONDS - start))s"
fi

keda_src="$(cd "$HERE" && go list -m -f '{{.Dir}}' "$KEDA_MODULE")"
[[ -d "$keda_src/config/crd/bases" ]] || { log "KEDA's CRDs not found in $keda_src"; exit 1; }

for b in "${!binaries[@]}"; do echo "$b=$DEST/$b"; done
echo "keda-crds=$keda_src/config/crd/bases"
