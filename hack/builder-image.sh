#!/usr/bin/env bash
# Build a local stand-in for the Dockerfile's builder base (golang:1.26).
#
# TEST-ENVIRONMENT MEASURE: this sandbox reaches no container registry, so
# `golang:1.26` cannot be pulled. We make an equivalent base from sources we
# *can* reach: a minimal Debian bookworm root (debootstrap, from the Debian
# mirror apt is configured with) plus this machine's Go toolchain
# (/usr/local/go), imported as an image. The real Dockerfile is then built
# unchanged with --build-arg BUILDER_IMAGE=<this image>.
#
# Cached: does nothing when the image already exists.
# Prints the image name on stdout (logs go to stderr).
#
# Env: ENGINE (podman|docker, default podman), GOROOT_SRC (default
# /usr/local/go), BUILDER_IMAGE (override the name).
set -euo pipefail

ENGINE=${ENGINE:-podman}
GOROOT_SRC=${GOROOT_SRC:-/usr/local/go}
go_version=$("$GOROOT_SRC/bin/go" env GOVERSION)   # e.g. go1.26.8
image=${BUILDER_IMAGE:-localhost/mlpipeline-builder:$go_version}

if "$ENGINE" image inspect "$image" >/dev/null 2>&1; then
  echo "builder-image: $image exists, reusing it" >&2
  echo "$image"
  exit 0
fi

# Use the same Debian mirror apt uses here (deb822 sources first, then the
# classic one-line format); fall back to the public redirector.
mirror=$(
  { grep -hs '^URIs:' /etc/apt/sources.list.d/debian.sources | awk '{print $2}'
    grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}'
  } | grep -v -- '-security' | head -n1 || true
)
mirror=${mirror:-http://deb.debian.org/debian}

command -v debootstrap >/dev/null || { echo "builder-image: debootstrap missing (run hack/podman-setup.sh)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root

echo "builder-image: debootstrap bookworm from $mirror (takes a few minutes)" >&2
# minbase keeps it small (it still has /bin/sh, which Dockerfile RUN needs);
# ca-certificates so `go mod download` can reach the module proxy over HTTPS.
debootstrap --variant=minbase --include=ca-certificates \
  bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -n 30 "$work/debootstrap.log" >&2
    exit 1
  }
# Apt caches and lists are not needed in a build base.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

# Trust what this machine trusts: where outbound HTTPS goes through an
# inspecting proxy (as in this sandbox), its CA is in the host's bundle and
# not in Debian's, and `go mod download` would fail certificate checks.
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
fi

echo "builder-image: adding Go toolchain from $GOROOT_SRC ($go_version)" >&2
mkdir -p "$root/usr/local" "$root/go"
# Go's own test suite is not needed to build; it only makes every layer
# copy bigger (podman's vfs storage copies whole layers).
tar -C "$(dirname "$GOROOT_SRC")" --exclude="$(basename "$GOROOT_SRC")/test" \
  -cf - "$(basename "$GOROOT_SRC")" | tar -C "$root/usr/local" -xf -
[[ $(basename "$GOROOT_SRC") == go ]] || mv "$root/usr/local/$(basename "$GOROOT_SRC")" "$root/usr/local/go"
chmod 1777 "$root/go"

# The same environment the official golang image sets, plus GOTOOLCHAIN=local
# so a go.mod `go` line never triggers a toolchain download.
echo "builder-image: importing as $image" >&2
tar -C "$root" --numeric-owner -cf - . | "$ENGINE" import \
  --change 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV GOPATH=/go' \
  --change 'ENV GOTOOLCHAIN=local' \
  --change "ENV GOLANG_VERSION=${go_version#go}" \
  --change 'WORKDIR /go' \
  - "$image" >&2
echo "$image"
