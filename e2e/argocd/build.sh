#!/usr/bin/env bash
# Build (or reuse) Argo CD v3.6.1's real argocd-cmp-server and
# argocd-repo-server (one multi-call binary, cmd/argocd-servers) and the
# test's client (cmd/argocd-e2e), from the Go module proxy.
#
#   e2e/argocd/build.sh      prints DIR: the folder holding argocd-servers,
#                            its argocd-cmp-server / argocd-repo-server
#                            symlinks, argocd-e2e, and Argo CD's
#                            hack/git-verify-wrapper.sh (from its module,
#                            which the repo-server runs)
#
# Cached outside the repo, keyed by the Argo CD version and a hash of what
# else decides the binaries (this module's go.mod, go.sum and cmd/ sources,
# the Go version, the link flags):
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
# Stamped like Argo CD's Makefile does, so the servers log their version.
pkg=github.com/argoproj/argo-cd/v3/common
ldflags="-s -w -X $pkg.version=${version#v} -X $pkg.gitTag=$version -X $pkg.gitTreeState=clean"
key="$({ go env GOVERSION; echo "$ldflags"; cat go.mod go.sum; find cmd -type f -name '*.go' | sort | xargs cat; } | sha256sum | cut -c1-12)"
dir="$cache/argocd-$version-$key"
bins=(argocd-servers argocd-e2e)
files=("${bins[@]}" git-verify-wrapper.sh)

mkdir -p "$cache"
# Serialise concurrent builds; the second caller reuses the first's result.
exec 9>"$cache/.argocd-build.lock"
flock 9

cached=true
for f in "${files[@]}"; do [[ -x $dir/$f ]] || cached=false; done
if $cached; then
  log "cached: $dir"
else
  log "building Argo CD $version servers and client into $dir (first time ~15 min on 2 cores)"
  start=$SECONDS
  # Into a temp dir first: an interrupted build never looks cached.
  tmp="$(mktemp -d "$cache/.argocd-build.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags "$ldflags" -o "$tmp/" \
    "${bins[@]/#/./cmd/}"
  src="$(go mod download -json github.com/argoproj/argo-cd/v3 | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  install -m 755 "$src/hack/git-verify-wrapper.sh" "$tmp/"
  ln -s argocd-servers "$tmp/argocd-cmp-server"
  ln -s argocd-servers "$tmp/argocd-repo-server"
  chmod 755 "$tmp"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  trap - EXIT
  log "built in $((SECONDS - start))s"
fi
echo "$dir"
