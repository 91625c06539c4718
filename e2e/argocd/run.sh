#!/usr/bin/env bash
# End-to-end test of the Argo CD plugin with Argo CD v3.6.1's real
# argocd-cmp-server and argocd-repo-server (`make e2e-argocd`; README.md in
# this folder explains it):
#
#   1. CMP server directly: discovery, then GenerateManifest, with
#      argocd-example/plugin.yaml unchanged, as uid 999, the function and
#      kustomize in /usr/local/bin (a private mount namespace).
#   2. repo-server -> CMP server: GenerateManifest of a file:// git
#      repository, with the plugin named, `plugin: {}` and no source type.
#   3. Negative controls, both ways: a broken MLPipeline fails with the
#      function's errors in Argo CD's message; a folder the discovery rule
#      does not match is refused.
#   4. Way 2: a repo-server without the sidecar runs its own kustomize with
#      argocd-cm.yaml's kustomize.buildOptions (and fails without them).
#
#   e2e/argocd/run.sh            run, compare with the golden, diff on failure
#   e2e/argocd/run.sh --update   (or UPDATE_GOLDEN=1) rewrite the golden
#
# The golden is the kustomize example's (e2e/orchestrators/golden/
# kustomize.yaml): Argo CD must return the same objects as `kustomize build`.
# Expects bin/mlpipeline-fn and bin/kustomize (`make e2e-argocd` builds
# them); the Argo CD binaries come from build.sh (cached in $CACHE_DIR).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$repo/e2e/argocd
golden=$repo/e2e/orchestrators/golden/kustomize.yaml
# Argo CD v3.6.1 needs Go 1.27: build.sh sets GOTOOLCHAIN for its build
# only (not here, where `make build` may build the function).

# pass, fail, check, finish, update_mode: e2e/lib/results.sh; stop_pid,
# wait_for: e2e/lib/procs.sh.
suite=e2e/argocd
# shellcheck source=../lib/results.sh
source "$repo/e2e/lib/results.sh"
# shellcheck source=../lib/procs.sh
source "$repo/e2e/lib/procs.sh"
UPDATE=$(update_mode "$0" "$@") || exit 2

FN=$repo/bin/mlpipeline-fn
KUSTOMIZE=$repo/bin/kustomize
PLUGIN=$repo/argocd-example/plugin.yaml
APP=argocd-example/app
# spec.source.plugin.name in application.yaml: plugin.yaml's
# metadata.name-spec.version (checked below).
PLUGIN_NAME=mlpipeline-v0.1.0
# Argo CD's sidecars and repo-server run as uid 999 ("argocd").
ARGOCD_UID=999

log() { printf '\n=== %s\n' "$*" >&2; }
die() { echo "e2e-argocd: $*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mlpipeline-argocd.XXXXXX")
chmod 755 "$work" # uid 999 must reach its folders in here
declare -a pids=() # every server this test started, stopped on exit
# A trap runs with the redirections of the command it interrupted: write to
# the script's own stderr, saved as fd 3.
exec 3>&2
cleanup() {
  local rc=$? pid
  exec 1>&3 2>&3
  for pid in "${pids[@]}"; do stop_pid "$pid" server; done
  print_summary
  if [[ -n ${KEEP_WORK:-} ]]; then
    echo "work dir kept: $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# expect_refusal NAME LOG WANT...: the client failed, and its message holds
# every WANT string.
expect_refusal() {
  local name=$1 logf=$2 want missing=()
  shift 2
  for want in "$@"; do
    grep -qF -- "$want" "$logf" || missing+=("$want")
  done
  if ((${#missing[@]} == 0)); then
    sed 's/^/  | /' "$logf" >&2
    pass "$name"
  else
    echo "--- $name: Argo CD's message lacks: ${missing[*]}; it was:" >&2
    cat "$logf" >&2
    fail "$name"
  fi
}

# ------------------------------------------------------------------ setup --
log "setup"
for tool in git unshare setpriv flock timeout; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
grep -q "^      name: $PLUGIN_NAME\$" "$repo/argocd-example/application.yaml" ||
  die "argocd-example/application.yaml does not name plugin $PLUGIN_NAME"
[[ -x $FN ]] || make -C "$repo" build
[[ -x $KUSTOMIZE ]] || make -C "$repo" bin/kustomize

t=$SECONDS
bindir=$("$here/build.sh")
echo "Argo CD binaries: $bindir (ready in $((SECONDS - t))s)" >&2
# As root, the servers run as uid 999 in a private mount namespace; otherwise
# `unshare -r` maps the caller to root in a user namespace (no uid 999 then).
if ((EUID == 0)); then
  ns=(unshare --mount --propagation private --)
  as_argocd=(setpriv --reuid="$ARGOCD_UID" --regid="$ARGOCD_UID" --clear-groups --)
  own() { chown -R "$ARGOCD_UID:$ARGOCD_UID" "$@"; }
  echo "servers run as uid $ARGOCD_UID" >&2
else
  ns=(unshare --map-root-user --mount --propagation private --)
  as_argocd=()
  own() { :; }
  echo "not root: servers run as $(id -un) mapped to root in a user namespace" >&2
fi

((EUID != 0)) || "${as_argocd[@]}" test -x "$work" ||
  die "uid $ARGOCD_UID cannot reach $work: set TMPDIR to a folder it can enter"

# Everything uid 999 runs is copied where it can read it (the cache and the
# clone may sit in root's home): the servers, and the sidecar's
# /usr/local/bin, holding just the function and kustomize, as in
# Dockerfile.sidecar.
mkdir -p "$work/bin" "$work/usr-local-bin" "$work/repo-server-bin" "$work/config" \
  "$work/plugins" "$work/cmp-tmp"
cp "$bindir/argocd-servers" "$bindir/argocd-e2e" "$work/bin/"
ln -s argocd-servers "$work/bin/argocd-cmp-server"
ln -s argocd-servers "$work/bin/argocd-repo-server"
cp "$FN" "$work/usr-local-bin/mlpipeline-fn"
cp "$KUSTOMIZE" "$work/usr-local-bin/kustomize"
# plugin.yaml exactly as the sidecar image bakes it in.
cp "$PLUGIN" "$work/config/plugin.yaml"
# The repo-server runs git-verify-wrapper.sh for every revision; Argo CD's
# image has it in /usr/local/bin, with kustomize. build.sh took it from
# Argo CD's module.
cp -r "$work/usr-local-bin/." "$work/repo-server-bin/"
install -m 755 "$bindir/git-verify-wrapper.sh" "$work/repo-server-bin/git-verify-wrapper.sh"
chmod -R a+rX "$work/bin" "$work/usr-local-bin" "$work/repo-server-bin" "$work/config"
own "$work/plugins" "$work/cmp-tmp"
client=$work/bin/argocd-e2e
export ARGOCD_PLUGINSOCKFILEPATH=$work/plugins

# The application repository (file://): the example app, and two apps for
# the negative controls made from it.
src=$work/git
mkdir -p "$src/$APP" "$src/e2e/broken" "$src/e2e/not-discovered"
cp -r "$repo/$APP/." "$src/$APP/"
# broken: a typo, so maxReplicas is missing too.
cp "$repo/$APP/kustomization.yaml" "$src/e2e/broken/"
sed 's/^    maxReplicas: 10$/    maxReplica: 10/' "$repo/$APP/mlpipeline.yaml" >"$src/e2e/broken/mlpipeline.yaml"
! cmp -s "$repo/$APP/mlpipeline.yaml" "$src/e2e/broken/mlpipeline.yaml" || die "could not break the MLPipeline"
# not-discovered: the same app with the MLPipeline under another name; it
# would render, but plugin.yaml's discovery rule wants ./mlpipeline.yaml.
sed 's/mlpipeline\.yaml/pipeline.yaml/' "$repo/$APP/kustomization.yaml" >"$src/e2e/not-discovered/kustomization.yaml"
cp "$repo/$APP/mlpipeline.yaml" "$src/e2e/not-discovered/pipeline.yaml"
git -C "$src" init -q -b main
git -C "$src" add -A
git -C "$src" -c user.name=e2e -c user.email=e2e@localhost commit -q -m apps
own "$src"
# The test's own git commands (as root) then read a repository of uid 999.
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0=*

# start LOG BINDDIR CMD...: run CMD in the background, in a private mount
# namespace where /usr/local/bin is BINDDIR, as uid 999, with only the
# environment given in CMD (env -i ...). Sets $started to its pid (unshare,
# sh, setpriv and env all exec, so it is the server's own pid).
start() {
  local logf=$1 bind=$2
  shift 2
  "${ns[@]}" /bin/sh -c 'mount --bind "$1" /usr/local/bin && shift && exec "$@"' sh \
    "$bind" "${as_argocd[@]}" "$@" >"$logf" 2>&1 &
  started=$!
  pids+=("$started")
}

# ------------------------------------------------- the CMP server sidecar --
# The sidecar's environment: PATH is /usr/local/bin only (the image has
# nothing else), HOME is not writable, TMPDIR is its own scratch volume.
log "starting argocd-cmp-server (uid ${as_argocd:+$ARGOCD_UID}, /usr/local/bin = function + kustomize)"
start "$work/cmp-server.log" "$work/usr-local-bin" env -i PATH=/usr/local/bin HOME=/home/argocd \
  TMPDIR="$work/cmp-tmp" ARGOCD_PLUGINSOCKFILEPATH="$work/plugins" \
  "$work/bin/argocd-cmp-server" --config-dir-path "$work/config"
cmp_pid=$started
socket=$work/plugins/$PLUGIN_NAME.sock
sock_up() { [[ -S $socket ]] || { kill -0 "$cmp_pid" 2>/dev/null || { cat "$work/cmp-server.log" >&2; die "argocd-cmp-server exited"; }; false; }; }
wait_for 60 "argocd-cmp-server socket $socket" sock_up || die "argocd-cmp-server did not start"
echo "argocd-cmp-server (pid $cmp_pid) serves $socket" >&2
# uid_is NAME PID: the server runs as Argo CD's uid (when we could set it).
uid_is() {
  local uid
  ((EUID == 0)) || return 0
  uid=$(awk '/^Uid:/ {print $2}' "/proc/$2/status")
  if [[ $uid == "$ARGOCD_UID" ]]; then
    pass "$1 runs as uid $ARGOCD_UID"
  else
    fail "$1 runs as uid $ARGOCD_UID (it is $uid)"
  fi
}
uid_is argocd-cmp-server "$cmp_pid"

# ------------------------------------------------ 1. CMP server directly --
log "1. argocd-cmp-server directly: discovery + GenerateManifest"
name="argocd-cmp-server: $APP -> golden"
if timeout 300 "$client" cmp -repo "$src" -app "$APP" -plugin "$PLUGIN_NAME" \
     -o "$work/cmp.yaml" 2>"$work/cmp.err"; then
  check "$name" "$golden" "$work/cmp.yaml"
else
  cat "$work/cmp.err" "$work/cmp-server.log" >&2
  fail "$name"
fi
warning='warning: MLPipeline ml-pipeline: spec.autoscaling.minReplicas:'
# The CMP server runs generate as uid 999 in a copy of the repository under
# $TMPDIR/_cmp_server/<uuid>/, and logs the command's stderr: the only place
# an Argo CD user sees the function's warnings (the example warns about
# minReplicas: 1).
name="argocd-cmp-server logs the function's warning"
if grep 'Plugin command successful' "$work/cmp-server.log" | grep -q "$warning"; then
  grep -o '"dir":"[^"]*"' "$work/cmp-server.log" | sort -u | sed 's/^/  | ran in /' >&2
  pass "$name"
else
  cat "$work/cmp-server.log" >&2
  fail "$name"
fi

log "3. negative controls, argocd-cmp-server directly"
if timeout 300 "$client" cmp -repo "$src" -app e2e/broken -plugin "$PLUGIN_NAME" \
     -o "$work/broken.yaml" 2>"$work/broken.err"; then
  fail "argocd-cmp-server: broken MLPipeline fails (it rendered)"
else
  expect_refusal "argocd-cmp-server: broken MLPipeline fails with the function's errors" "$work/broken.err" \
    "error generating manifests" \
    "MLPipeline ml-pipeline: spec.autoscaling.maxReplica:" \
    "MLPipeline ml-pipeline: spec.autoscaling.maxReplicas:"
fi
if timeout 300 "$client" cmp -repo "$src" -app e2e/not-discovered -plugin "$PLUGIN_NAME" \
     -o "$work/nd.yaml" 2>"$work/nd.err"; then
  fail "argocd-cmp-server: folder without ./mlpipeline.yaml is refused (it rendered)"
else
  expect_refusal "argocd-cmp-server: folder without ./mlpipeline.yaml is refused, although the plugin is named" "$work/nd.err" \
    "could not find cmp-server plugin with name \"$PLUGIN_NAME\" supporting the given repository"
fi

# ------------------------------------------------------ the repo-server --
log "starting an in-memory Redis and argocd-repo-server (uid ${as_argocd:+$ARGOCD_UID})"
"$client" redis "$work/redis.addr" 2>"$work/redis.log" &
pids+=($!)
redis_pid=$!
wait_for 30 miniredis test -s "$work/redis.addr" || die "miniredis did not start"
redis_addr=$(<"$work/redis.addr")
# start_repo_server NAME SOCKET-DIR: an argocd-repo-server whose
# /usr/local/bin holds what Argo CD's image has there and this test needs
# (kustomize, git-verify-wrapper.sh) plus the function (way 2's custom
# image); it asks the CMP servers in SOCKET-DIR. Port 0: the kernel picks
# free ports, the log says which. GPG is off (no keyring here), but
# git-verify-wrapper.sh still runs for every revision, as in Argo CD.
# Sets $repo_addr.
start_repo_server() {
  local name=$1 socks=$2 logf=$work/$1.log pid i
  mkdir -p "$work/$name-tmp" "$work/$name-home"
  own "$work/$name-tmp" "$work/$name-home"
  start "$logf" "$work/repo-server-bin" env -i PATH=/usr/local/bin:/usr/bin:/bin \
    HOME="$work/$name-home" TMPDIR="$work/$name-tmp" ARGOCD_PLUGINSOCKFILEPATH="$socks" \
    ARGOCD_ASK_PASS_SOCK="$work/$name-tmp/ask-pass.sock" ARGOCD_GPG_ENABLED=false \
    "$work/bin/argocd-repo-server" --disable-tls --client-ca-path= \
    --address 127.0.0.1 --port 0 --metrics-address 127.0.0.1 --metrics-port 0 \
    --redis "$redis_addr"
  pid=$started
  repo_up() { grep -qs 'argocd-repo-server is listening on' "$logf" || { kill -0 "$pid" 2>/dev/null || { cat "$logf" >&2; die "$name exited"; }; false; }; }
  wait_for 60 "$name" repo_up || die "$name did not start"
  repo_addr=$(grep -o 'listening on 127\.0\.0\.1:[0-9]*' "$logf" | head -1 | sed 's/listening on //')
  [[ -n $repo_addr ]] || die "no 127.0.0.1 address in $name's log"
  echo "$name (pid $pid) on $repo_addr, plugins in $socks" >&2
  uid_is "$name" "$pid"
}
start_repo_server repo-server "$work/plugins"

# repo_generate OUT ERR CLIENT-ARGS...: GenerateManifest of HEAD of the
# file:// repository (CLIENT-ARGS: -app, and -plugin or -argocd-cm).
repo_generate() {
  local out=$1 err=$2
  shift 2
  timeout 300 "$client" repo -addr "$repo_addr" -repo "file://$src" -revision HEAD \
    "$@" -o "$out" 2>"$err"
}
# repo_case NAME SOURCE-TYPE CLIENT-ARGS...: render and compare with the
# golden; the repo-server must report SOURCE-TYPE.
repo_case() {
  local name=$1 type=$2 out
  shift 2
  out=$(mktemp "$work/repo-case.XXXXXX")
  if repo_generate "$out" "$out.err" "$@"; then
    sed 's/^/  | /' "$out.err" >&2
    if grep -q "sourceType $type," "$out.err"; then
      check "$name" "$golden" "$out"
    else
      echo "--- $name: the repo-server did not render it as $type" >&2
      fail "$name"
    fi
  else
    cat "$out.err" >&2
    tail -n 30 "$work"/repo-server*.log >&2
    fail "$name"
  fi
}

# ---------------------------------------------- 2. repo-server -> sidecar --
log "2. argocd-repo-server -> argocd-cmp-server: GenerateManifest of file://$src"
repo_case "argocd-repo-server, plugin: {name: $PLUGIN_NAME}: $APP -> golden" Plugin \
  -app "$APP" -plugin "$PLUGIN_NAME"
# With `plugin: {}`, or no source type at all, the repo-server asks every
# CMP server's discovery rule: the folder's mlpipeline.yaml makes it ours.
repo_case "argocd-repo-server, plugin: {}: discovery picks the plugin -> golden" Plugin \
  -app "$APP" -plugin ""
repo_case "argocd-repo-server, no source type: discovery picks the plugin -> golden" Plugin \
  -app "$APP"

# The repo-server gets manifests only: the warning the sidecar logged is
# nowhere in its own log (nor in the response, compared above).
name="the function's warning is in the sidecar's log only, not the repo-server's"
if grep -q "$warning" "$work/cmp-server.log" &&
   ! grep -q 'spec.autoscaling.minReplicas' "$work/repo-server.log"; then
  pass "$name"
else
  fail "$name"
fi

log "3. negative controls, through argocd-repo-server"
if repo_generate "$work/repo-broken.yaml" "$work/repo-broken.err" -app e2e/broken -plugin "$PLUGIN_NAME"; then
  fail "argocd-repo-server: broken MLPipeline fails (it rendered)"
else
  expect_refusal "argocd-repo-server: broken MLPipeline fails with the function's errors" "$work/repo-broken.err" \
    "error generating manifests in cmp" \
    "MLPipeline ml-pipeline: spec.autoscaling.maxReplica:" \
    "MLPipeline ml-pipeline: spec.autoscaling.maxReplicas:"
fi
if repo_generate "$work/repo-nd.yaml" "$work/repo-nd.err" -app e2e/not-discovered -plugin "$PLUGIN_NAME"; then
  fail "argocd-repo-server: folder without ./mlpipeline.yaml is refused (it rendered)"
else
  expect_refusal "argocd-repo-server: folder without ./mlpipeline.yaml is refused" "$work/repo-nd.err" \
    "could not find cmp-server plugin with name \"$PLUGIN_NAME\" supporting the given repository"
fi

# `plugin: {}` asks every CMP server's discovery rule; none matches.
if repo_generate "$work/repo-nd2.yaml" "$work/repo-nd2.err" -app e2e/not-discovered -plugin ""; then
  fail "argocd-repo-server, plugin: {}: folder without ./mlpipeline.yaml is refused (it rendered)"
else
  expect_refusal "argocd-repo-server, plugin: {}: folder without ./mlpipeline.yaml is refused" "$work/repo-nd2.err" \
    "could not find plugin supporting the given repository"
fi
# No source type and no match: Argo CD's own detection takes the folder as
# kustomize, which cannot run the function without way 2's build options.
if repo_generate "$work/repo-nd3.yaml" "$work/repo-nd3.err" -app e2e/not-discovered; then
  fail "argocd-repo-server, no source type: folder without ./mlpipeline.yaml goes to Argo CD's kustomize (it rendered)"
else
  expect_refusal "argocd-repo-server, no source type: folder without ./mlpipeline.yaml goes to Argo CD's kustomize, which refuses the function" \
    "$work/repo-nd3.err" "kustomize build <path to cached source>/e2e/not-discovered" \
    "external plugins disabled; unable to load external plugin 'MLPipeline'"
fi

# ------------------------------- way 2: the repo-server's own kustomize --
# No sidecar (an empty plugin folder), the function in the repo-server's
# /usr/local/bin, and argocd-cm.yaml's kustomize.buildOptions, read from the
# file the way the application controller passes them.
log "way 2: argocd-repo-server's own kustomize with argocd-cm.yaml's buildOptions (no sidecar)"
mkdir -p "$work/no-plugins"
start_repo_server repo-server-no-sidecar "$work/no-plugins"
repo_case "argocd-repo-server, no sidecar, kustomize.buildOptions from argocd-cm.yaml -> golden" Kustomize \
  -app "$APP" -argocd-cm "$repo/argocd-example/argocd-cm.yaml"
# Negative control: without those build options Argo CD's kustomize refuses
# to run the function.
if repo_generate "$work/no-opts.yaml" "$work/no-opts.err" -app "$APP"; then
  fail "argocd-repo-server, no sidecar, no kustomize.buildOptions: fails (it rendered)"
else
  expect_refusal "argocd-repo-server, no sidecar, no kustomize.buildOptions: kustomize refuses the function" \
    "$work/no-opts.err" "external plugins disabled; unable to load external plugin 'MLPipeline'"
fi

# ---------------------------------------------------------------- summary --
for pid in "${pids[@]}"; do stop_pid "$pid" server; done
pids=()
finish
