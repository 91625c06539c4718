#!/usr/bin/env bash
# Build (or reuse) the pinned Kubernetes control-plane binaries, kubectl and
# etcd that the e2e tests run on loopback.
#
#   hack/k8s-binaries/build.sh [kube-apiserver|kube-controller-manager|kube-scheduler|kubectl|etcd ...]
#
# No arguments builds all five. kubectl is built from the same release as the
# server, so the tests stay inside kubectl's supported version skew whatever
# kubectl the machine has. Binaries are cached outside the repo, so a fresh
# clone reuses them, keyed by version and by a hash of what else decides the
# binaries (the wrapper's go.mod and go.sum, the Go version, the link flags):
#   ${CACHE_DIR:-$HOME/.cache/mlpipeline-fn}/kubernetes-<version>-<hash>/<name>
#   ${CACHE_DIR:-$HOME/.cache/mlpipeline-fn}/etcd-<version>-<hash>/etcd
# Progress goes to stderr; stdout gets only NAME=PATH lines, one per binary asked
# for, e.g. `kube-apiserver=/root/.cache/mlpipeline-fn/kubernetes-v1.37.2/kube-apiserver`
# (read one with: build.sh etcd | sed -n 's/^etcd=//p').
#
# Versions come from the pinned go.mod files next to this script (single source
# of truth). First build on 2 cores: kube-apiserver ~8 min, the three other
# Kubernetes binaries ~4 min more (shared build cache), etcd under a minute.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${CACHE_DIR:-$HOME/.cache/mlpipeline-fn}"

log() { printf 'k8s-binaries: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# A fresh machine of this kind has Go in /usr/local/go but maybe not on PATH.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || die "go not found"

k8s_names=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
wanted=("$@")
if ((${#wanted[@]} == 0)); then
  wanted=("${k8s_names[@]}" etcd)
fi
for name in "${wanted[@]}"; do
  case "$name" in
    kube-apiserver | kube-controller-manager | kube-scheduler | kubectl | etcd) ;;
    *) die "unknown binary '$name' (want kube-apiserver, kube-controller-manager, kube-scheduler, kubectl or etcd)" ;;
  esac
done

# Pinned versions, read from the wrapper modules (works offline once the module
# cache has them; otherwise fetches only go.mod files).
module_version() { (cd "$1" && go list -m -f '{{.Version}}' "$2"); }
k8s_version="$(module_version "$here" k8s.io/kubernetes)"
etcd_version="$(module_version "$here/etcd" go.etcd.io/etcd/server/v3)"

# Stamp the version the way Kubernetes' own build does, so /version and
# `kubectl version` report v1.x.y rather than v0.0.0-master.
minor="${k8s_version#v1.}"
minor="${minor%%.*}"
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
etcd_ldflags="-s -w"

# build_key DIR LDFLAGS: a short hash of everything besides the version that
# decides the binaries built from the module in DIR. Changing a replace line
# or a dependency without a version bump then builds afresh instead of
# reusing binaries of the old module graph.
build_key() {
  { go env GOVERSION; echo "$2"; cat "$1/go.mod" "$1/go.sum"; } | sha256sum | cut -c1-12
}
k8s_dir="$cache/kubernetes-$k8s_version-$(build_key "$here" "$k8s_ldflags")"
etcd_dir="$cache/etcd-$etcd_version-$(build_key "$here/etcd" "$etcd_ldflags")"
mkdir -p "$k8s_dir" "$etcd_dir"

# Two test scripts may call this at the same time: serialise the builds so the
# second one waits and then reuses the first one's binaries.
exec 9>"$cache/.build.lock"
if ! flock -n 9; then
  log "another build holds $cache/.build.lock; waiting for it"
  flock 9
fi

path_of() {
  if [[ "$1" == etcd ]]; then echo "$etcd_dir/etcd"; else echo "$k8s_dir/$1"; fi
}

missing_k8s=()
need_etcd=false
for name in "${wanted[@]}"; do
  if [[ -x "$(path_of "$name")" ]]; then
    log "cached: $(path_of "$name")"
  elif [[ "$name" == etcd ]]; then
    need_etcd=true
  else
    missing_k8s+=("$name")
  fi
done

# Build into a temp dir in the cache and move into place only on success, so an
# interrupted build never leaves a half-written binary that looks cached.
tmp="$(mktemp -d "$cache/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

if ((${#missing_k8s[@]} > 0)); then
  pkgs=()
  for name in "${missing_k8s[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$name"); done
  log "building ${missing_k8s[*]} $k8s_version (first time ~8 min for kube-apiserver on 2 cores)"
  start=$SECONDS
  # One `go build` for all missing binaries shares the compile work between them.
  (cd "$here" && CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags "$k8s_ldflags" -o "$tmp/" "${pkgs[@]}")
  for name in "${missing_k8s[@]}"; do mv "$tmp/$name" "$k8s_dir/$name"; done
  log "built ${missing_k8s[*]} in $((SECONDS - start))s"
fi

if $need_etcd; then
  log "building etcd $etcd_version"
  start=$SECONDS
  (cd "$here/etcd" && CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags "$etcd_ldflags" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
  mv "$tmp/etcd" "$etcd_dir/etcd"
  log "built etcd in $((SECONDS - start))s"
fi

for name in "${wanted[@]}"; do
  printf '%s=%s\n' "$name" "$(path_of "$name")"
done
