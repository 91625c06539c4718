#!/usr/bin/env bash
# Make podman usable for the e2e tests on a machine without a Docker engine.
#
# Idempotent: installs Debian's podman/runc/debootstrap only when podman is
# missing, and (re)writes the config only when it differs. The settings are
# the ones this sandbox needs: the default runtime (crun), the systemd cgroup
# manager, overlay storage and the default ulimits all fail here.
set -euo pipefail

# apt-get wants a non-interactive frontend in CI (no stdin).
export DEBIAN_FRONTEND=noninteractive

need_pkgs=()
command -v podman >/dev/null 2>&1 || need_pkgs+=(podman)
command -v runc >/dev/null 2>&1 || need_pkgs+=(runc)
command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
if ((${#need_pkgs[@]})); then
  if [[ $(id -u) != 0 ]]; then
    echo "podman-setup: need root to install ${need_pkgs[*]}" >&2
    exit 1
  fi
  echo "podman-setup: installing ${need_pkgs[*]} from Debian's packages" >&2
  # A fresh machine has no package lists yet; update once, quietly.
  apt-get update -qq
  # --no-install-recommends: podman recommends buildah, slirp4netns etc.,
  # which we don't need (builds run as root with host networking).
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# write_if_changed FILE: stdin -> FILE, only when the content differs, so a
# second run touches nothing.
write_if_changed() {
  local file=$1 tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if [[ -f $file ]] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    return
  fi
  mkdir -p "$(dirname "$file")"
  mv "$tmp" "$file"
  chmod 0644 "$file"
  echo "podman-setup: wrote $file" >&2
}

write_if_changed /etc/containers/containers.conf <<'CONF'
# Written by mlpipeline-fn's hack/podman-setup.sh for its e2e tests.
[containers]
# The default nofile/nproc limits are above what this sandbox allows, and
# every container start fails with "setrlimit ... operation not permitted".
default_ulimits = [
  "nofile=20000:20000",
  "nproc=1000:1000",
]

[engine]
# crun and the systemd cgroup manager don't work here; runc + cgroupfs do.
runtime = "runc"
cgroup_manager = "cgroupfs"
# No journald in the sandbox.
events_logger = "file"
CONF

write_if_changed /etc/containers/storage.conf <<'CONF'
# Written by mlpipeline-fn's hack/podman-setup.sh for its e2e tests.
# overlay needs kernel support this sandbox lacks; vfs is slow but works.
[storage]
driver = "vfs"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
CONF

podman info --format '{{.Host.OCIRuntime.Name}} {{.Host.CgroupManager}} {{.Store.GraphDriverName}}' >&2
