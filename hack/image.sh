#!/usr/bin/env bash
# Build the function image and the Argo CD sidecar image (`make image`).
#
# Engine: docker when a Docker engine answers (`docker info`), else podman
# (set up by hack/podman-setup.sh when it is missing). ENGINE=podman|docker
# forces one.
#
# Builder base: the Dockerfile builds FROM golang:1.26 by default. Where that
# can't be pulled (no registry reachable, as in this project's sandbox/CI),
# a local stand-in is made by hack/builder-image.sh and passed as
# --build-arg BUILDER_IMAGE. Set BUILDER_IMAGE yourself to pick another base.
#
# Tags: IMAGE (default the published name used by the examples) and
# localhost/mlpipeline-fn:dev; SIDECAR_IMAGE and localhost/mlpipeline-fn-cmp:dev.
#
# SKIP_UNCHANGED=1: don't rebuild an image whose inputs (same files, same
# version, same base) are what it was last built from - the e2e tests use this
# so a second run doesn't pay for a rebuild.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

IMAGE=${IMAGE:-ghcr.io/mlpipeline-dev/mlpipeline-fn:v0.1.0}
SIDECAR_IMAGE=${SIDECAR_IMAGE:-ghcr.io/mlpipeline-dev/mlpipeline-fn-cmp:v0.1.0}
DEV_IMAGE=localhost/mlpipeline-fn:dev
DEV_SIDECAR_IMAGE=localhost/mlpipeline-fn-cmp:dev
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
DEFAULT_BUILDER=golang:1.26
SKIP_UNCHANGED=${SKIP_UNCHANGED:-0}

log() { echo "image.sh: $*" >&2; }

# ---- engine ----
if [[ -z ${ENGINE:-} ]]; then
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    ENGINE=docker
  else
    command -v podman >/dev/null 2>&1 || "$repo/hack/podman-setup.sh"
    ENGINE=podman
  fi
fi
log "engine: $ENGINE"
engine_build=("$ENGINE" build)
if [[ $ENGINE == podman ]]; then
  # Without --layers=false podman commits every instruction as a layer; with
  # the vfs storage driver each commit copies the whole root file system
  # (minutes per build). Caching across builds is done by SKIP_UNCHANGED.
  engine_build+=(--layers=false)
fi

# ---- builder base ----
if [[ -z ${BUILDER_IMAGE:-} ]]; then
  if "$ENGINE" image inspect "$DEFAULT_BUILDER" >/dev/null 2>&1 ||
     timeout 120 "$ENGINE" pull -q "$DEFAULT_BUILDER" >/dev/null 2>&1; then
    BUILDER_IMAGE=$DEFAULT_BUILDER
  else
    log "$DEFAULT_BUILDER can't be pulled (no registry reachable): using a locally made base"
    BUILDER_IMAGE=$(ENGINE=$ENGINE "$repo/hack/builder-image.sh")
  fi
fi
log "builder base: $BUILDER_IMAGE"

# Pass the host's module proxy settings through (GOPROXY may point at a
# mirror); an unset value leaves the builder's default.
go_args=()
if command -v go >/dev/null 2>&1; then
  for v in GOPROXY GOSUMDB GONOSUMDB GOPRIVATE; do
    val=$(go env "$v")
    [[ -n $val ]] && go_args+=(--build-arg "$v=$val")
  done
fi

# input_hash FILE...: a fingerprint of what an image is built from, stored as
# a label so an unchanged image can be reused.
input_hash() {
  {
    printf '%s\n' "$VERSION" "$BUILDER_IMAGE" "$("$ENGINE" image inspect --format '{{.Id}}' "$BUILDER_IMAGE" 2>/dev/null || true)"
    # Tracked and untracked-but-not-ignored files of the build context.
    # (A tracked file deleted in the work tree is skipped, not an error.)
    git ls-files -z --cached --others --exclude-standard -- "$@" |
      sort -z | xargs -0 -r sha256sum 2>/dev/null || true
  } | sha256sum | cut -c1-16
}
label_of() { "$ENGINE" image inspect --format '{{index .Labels "dev.mlpipeline.inputs"}}' "$1" 2>/dev/null || true; }

# build_unless_current IMAGE INPUTS BUILD-ARGS...: build IMAGE unless its
# label says it was built from the same inputs.
build_unless_current() {
  local image=$1 inputs=$2
  shift 2
  if [[ $SKIP_UNCHANGED == 1 && $(label_of "$image") == "$inputs" ]]; then
    log "$image is up to date ($inputs)"
    return
  fi
  log "building $image (version $VERSION)"
  "${engine_build[@]}" --build-arg BUILDER_IMAGE="$BUILDER_IMAGE" "${go_args[@]}" \
    --label dev.mlpipeline.inputs="$inputs" -t "$image" "$@"
}

# ---- function image ----
# The files .dockerignore lets into the build context (its patterns turned
# into git pathspecs; `glob` makes `*` stop at `/`, as in .dockerignore).
mapfile -t ctx_excludes < <(grep -v -e '^#' -e '^[[:space:]]*$' .dockerignore | sed 's/^/:(exclude,glob)/')
fn_inputs=$(input_hash . "${ctx_excludes[@]}")
build_unless_current "$IMAGE" "$fn_inputs" \
  --build-arg VERSION="$VERSION" -f Dockerfile .
"$ENGINE" tag "$IMAGE" "$DEV_IMAGE"

# ---- Argo CD sidecar image (kustomize + the function, from $IMAGE) ----
sc_inputs=$(input_hash argocd-example/Dockerfile.sidecar argocd-example/plugin.yaml)-$fn_inputs
build_unless_current "$SIDECAR_IMAGE" "$sc_inputs" \
  --build-arg FN_IMAGE="$IMAGE" -f argocd-example/Dockerfile.sidecar argocd-example
"$ENGINE" tag "$SIDECAR_IMAGE" "$DEV_SIDECAR_IMAGE"

# Rebuilds leave the previous images untagged; remove those (ours only: they
# carry our label) so repeated runs don't fill the disk.
"$ENGINE" image prune -f --filter label=dev.mlpipeline.inputs >/dev/null || true

log "done: $IMAGE ($DEV_IMAGE), $SIDECAR_IMAGE ($DEV_SIDECAR_IMAGE)"
