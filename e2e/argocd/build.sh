#!/usr/bin/env bash
# Build (or reuse) Argo CD v3.6.1's real argocd-cmp-server and
# argocd-repo-server (one multi-call binary, cmd/argocd-servers) and the
# test's client (cmd/argocd-e2e), from the Go module proxy.
#
#   e2e/argocd/build.sh      prints DIR: the folder holding argocd-servers,
#                            its argocd-cmp-server / argocd-repo-server
#                            symlinks, and argocd-e2e
#
# Cached outside the repo, keyed by the Argo CD version and a hash of what
# else decides the binaries (this module's go.mod, go.sum and cmd/ sources,
# the Go version):
#   ${CACHE_DIR:-$HOME/.cache/mlpipeline-fn}/argocd-<version>-<hash>/
# Argo CD v3.6.1 needs Go 1.27: GOTOOLCHAIN is set here (and in run.sh) only,
# never for the function's own module. First build: about 15 min on 2 shared
# cores (see README.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${CACHE_DIR:-$HOME/.cache/mlpipeline-fn}"
export GOTOOLCHAIN=go1.27.3

log() { printf 'argocd-build: %s\n' "$*" >&2; }

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  PATH="/usr/local/go/bin:$PATH"
fi
cd "$here"
version="$(go list -m -f '{{.Version}}' github.com/argoproj/argo-cd/v3)"
key="$({ go env GOVERSION; cat go.mod go.sum; find cmd -type f -name '*.go' | sort | xargs cat; } | sha256sum | cut -c1-12)"
dir="$cache/argocd-$version-$key"
bins=(argocd-servers argocd-e2e)

mkdir -p "$cache"
# Serialise concurrent builds; the second caller reuses the first's result.
exec 9>"$cache/.argocd-build.lock"
flock 9

if [[ -x $dir/argocd-servers && -x $dir/argocd-e2e ]]; then
  log "cached: $dir"
else
  log "building Argo CD $version servers and client into $dir (first time ~15 min on 2 cores)"
  start=$SECONDS
  # Into a temp dir first: an interrupted build never looks cached.
  tmp="$(mktemp -d "$cache/.argocd-build.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags '-s -w' -o "$tmp/" \
    "${bins[@]/#/./cmd/}"
  ln -s argocd-servers "$tmp/argocd-cmp-server"
  ln -s argocd-servers "$tmp/argocd-repo-server"
  chmod 755 "$tmp"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  trap - EXIT
  log "built in $((SECONDS - start))s"
fi
echo "$dir"
