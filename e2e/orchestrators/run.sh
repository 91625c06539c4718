#!/usr/bin/env bash
# End-to-end tests of mlpipeline-fn under the real orchestrators (`make e2e`):
# kustomize (container and exec mode), kpt (fn render / fn eval, image and
# exec) and Argo CD's config-management-plugin commands.
#
#   e2e/orchestrators/run.sh            run, compare with golden/, diff on failure
#   e2e/orchestrators/run.sh --update   (or UPDATE_GOLDEN=1) rewrite golden/
#
# Installs what a fresh machine lacks: podman (hack/podman-setup.sh) when no
# Docker engine answers, the builder base (hack/builder-image.sh) when no
# registry is reachable, and the function + sidecar images (hack/image.sh,
# rebuilt only when their inputs changed). Expects bin/mlpipeline-fn and
# bin/kustomize (`make e2e` builds them first; built here when missing).
#
# Every case runs even when an earlier one failed; the summary lists each one
# and the exit code is 1 when any failed. Nothing is skipped: a missing tool
# is a failure.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
here=$repo/e2e/orchestrators
golden=$here/golden

# pass, fail, check, finish, update_mode: e2e/lib/results.sh; stop_pid:
# e2e/lib/procs.sh.
suite=e2e/orchestrators
# shellcheck source=../lib/results.sh
source "$repo/e2e/lib/results.sh"
# shellcheck source=../lib/procs.sh
source "$repo/e2e/lib/procs.sh"
UPDATE=$(update_mode "$0" "$@") || exit 2

# The published names the examples use; hack/image.sh tags the local build
# with them, so the examples run unchanged.
IMAGE=ghcr.io/mlpipeline-dev/mlpipeline-fn:v0.1.0
SIDECAR_IMAGE=ghcr.io/mlpipeline-dev/mlpipeline-fn-cmp:v0.1.0
FN=$repo/bin/mlpipeline-fn
KUSTOMIZE=$repo/bin/kustomize
# No single tool run may hang the suite.
STEP_TIMEOUT=${STEP_TIMEOUT:-300}

work=$(mktemp -d "${TMPDIR:-/tmp}/mlpipeline-e2e.XXXXXX")
cleanup() {
  local rc=$?
  # An unexpected error (set -e) still shows what ran so far.
  print_summary || true
  # Everything runs in the foreground, but an interrupt can leave a child
  # (timeout, podman) behind: stop our own jobs, then remove the scratch dir.
  local pid
  for pid in $(jobs -p); do
    stop_pid "$pid" job
  done
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "e2e: unexpected failure at line $LINENO: $BASH_COMMAND" >&2' ERR

log() { printf '\n=== %s\n' "$*" >&2; }

# ---------------------------------------------------------------- results --

# run LOGFILE CMD...: run a tool with a timeout; stdout+stderr to LOGFILE,
# shown when it fails.
run() {
  local logf=$1
  shift
  if timeout --kill-after=10 "$STEP_TIMEOUT" "$@" >"$logf" 2>&1; then
    return 0
  else
    local rc=$?
    echo "--- command failed (exit $rc): $*" >&2
    cat "$logf" >&2
    return "$rc"
  fi
}

# tree DIR: a copy of DIR without .git, for comparing trees.
tree() {
  local dst
  dst=$(mktemp -d "$work/tree.XXXXXX")
  (cd "$1" && tar --exclude=.git -cf - .) | tar -C "$dst" -xf -
  echo "$dst"
}

# check_pkg NAME GOLDEN SOURCE ACTUAL: a package after a kpt run must be its
# source files, unchanged, plus the generated files in GOLDEN (a directory
# holding only what the function added).
check_pkg() {
  local name=$1 want=$2 src=$3 got
  got=$(tree "$4")
  if [[ $UPDATE == 1 ]]; then
    local added
    added=$(mktemp -d "$work/added.XXXXXX")
    (cd "$got" && find . -type f) | while IFS= read -r f; do
      [[ -e $src/$f ]] || { mkdir -p "$added/$(dirname "$f")"; cp "$got/$f" "$added/$f"; }
    done
    check "$name" "$want" "$added"
    return
  fi
  local expected
  expected=$(tree "$src")
  cp -r "$want/." "$expected/"
  check "$name" "$expected" "$got"
}

# ------------------------------------------------------------------ setup --
log "setup"
for tool in git kpt go timeout; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool not found" >&2; exit 1; }
done
[[ -x $FN ]] || make build
[[ -x $KUSTOMIZE ]] || make "$KUSTOMIZE"
"$KUSTOMIZE" version >&2
kpt version >&2

# Container engine: a working Docker engine if there is one, else podman.
# kustomize always calls `docker`: a shim named docker goes first on PATH for
# it; it execs the engine (podman, or the real docker) and logs each call, so
# the test can tell the function really ran as a container. kpt is told with
# KPT_FN_RUNTIME.
shim=$work/shim
mkdir -p "$shim"
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  ENGINE=docker
else
  "$repo/hack/podman-setup.sh"
  ENGINE=podman
fi
engine_bin=$(command -v "$ENGINE")
docker_calls=$work/docker-calls.log
printf '#!/bin/sh\necho "$*" >>%q\nexec %q "$@"\n' "$docker_calls" "$engine_bin" >"$shim/docker"
chmod +x "$shim/docker"
export KPT_FN_RUNTIME=$ENGINE
echo "engine: $ENGINE" >&2
summary_info="engine $ENGINE"

# Images: rebuilt only when their inputs changed (SKIP_UNCHANGED).
t=$SECONDS
ENGINE=$ENGINE SKIP_UNCHANGED=1 IMAGE=$IMAGE SIDECAR_IMAGE=$SIDECAR_IMAGE "$repo/hack/image.sh"
echo "images ready in $((SECONDS - t))s" >&2

# The image must run exactly the way kustomize and kpt start functions.
log "image runs as kustomize/kpt start it"
if printf 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n' |
   run "$work/img.log" "$ENGINE" run --rm -i --network none --user nobody \
     --security-opt=no-new-privileges "$IMAGE" &&
   grep -q 'kind: ResourceList' "$work/img.log"; then
  pass "image: docker run --rm -i --network none --user nobody --security-opt=no-new-privileges"
else
  fail "image: docker run --rm -i --network none --user nobody --security-opt=no-new-privileges"
fi

# Without --user, the image runs as its own non-root user (numeric, so
# Kubernetes' runAsNonRoot can check it).
img_user=$("$ENGINE" image inspect --format '{{.Config.User}}' "$IMAGE")
if [[ $img_user =~ ^[1-9][0-9]*(:[0-9]+)?$ ]]; then
  pass "image: runs as non-root user $img_user by default"
else
  fail "image: runs as non-root user by default (USER is '$img_user')"
fi

# Helper that reads commands out of plugin.yaml / argocd-cm.yaml, and the
# one that compares the selectors of two rendered overlays.
go build -o "$work/yamlget" ./e2e/orchestrators/yamlget
go build -o "$work/selectors" ./e2e/orchestrators/selectors
# A real namespace-setting function for kpt pipelines: set-namespace from
# the kpt-functions-catalog, pinned in its own module (setnamespace/).
t=$SECONDS
mkdir -p "$work/fnbin"
go build -C "$here/setnamespace" -o "$work/fnbin/set-namespace" \
  github.com/GoogleContainerTools/kpt-functions-catalog/functions/go/set-namespace
echo "set-namespace built in $((SECONDS - t))s" >&2

# --------------------------------------------------- 1. kustomize build --
log "1. kustomize build"
out=$work/kustomize
mkdir -p "$out"
# Container mode: exactly the example, the docker shim first on PATH.
if PATH=$shim:$PATH run "$out/container.log" "$KUSTOMIZE" build --enable-alpha-plugins \
     -o "$out/container.yaml" kustomization-example &&
   grep -q -- "--user nobody.* $IMAGE" "$docker_calls"; then
  sed 's/^/docker /' "$docker_calls" >&2
  check "kustomize build --enable-alpha-plugins kustomization-example (container)" \
    "$golden/kustomize.yaml" "$out/container.yaml"
else
  fail "kustomize build --enable-alpha-plugins kustomization-example (container)"
fi
# Exec mode: the same MLPipeline run as bin/mlpipeline-fn must give the same
# objects, byte for byte (same golden).
if run "$out/exec.log" "$KUSTOMIZE" build --enable-alpha-plugins --enable-exec \
     -o "$out/exec.yaml" kustomization-example/exec; then
  check "kustomize build --enable-alpha-plugins --enable-exec kustomization-example/exec" \
    "$golden/kustomize.yaml" "$out/exec.yaml"
else
  fail "kustomize build --enable-alpha-plugins --enable-exec kustomization-example/exec"
fi

# ------------------------------------------------------ 2. kpt fn render --
# kpt_render_cases VARIANT RENDER-ARGS...: render a temp copy of
# kpt-example/VARIANT (a git repo, to see what each render changes). The
# exec variant's Kptfile names `mlpipeline-fn`, found on PATH (kpt resolves a
# relative exec path from its working directory, not from the package), so
# bin/ goes first on PATH.
kpt_render_cases() {
  local variant=$1
  shift
  local root=$work/kpt-$variant name="kpt fn render ($variant)"
  local pkg=$root/$variant src=$repo/kpt-example/$variant
  local -a kpt=(env "PATH=$repo/bin:$PATH" kpt fn render "$pkg" "$@")
  local -a commit=(git -C "$pkg" -c user.name=e2e -c user.email=e2e@localhost commit -q --allow-empty)
  mkdir -p "$root"
  cp -r "$src" "$pkg"
  git -C "$pkg" init -q
  git -C "$pkg" add -A
  "${commit[@]}" -m source

  # a) Render: the package's own files, unchanged, plus the generated file.
  if run "$root/render1.log" "${kpt[@]}"; then
    check_pkg "$name: output files" "$golden/kpt-render" "$src" "$pkg"
  else
    fail "$name: output files"
  fi

  # b) A second render changes nothing.
  git -C "$pkg" add -A
  "${commit[@]}" -m rendered
  if run "$root/render2.log" "${kpt[@]}" &&
     git -C "$pkg" add -A && git -C "$pkg" diff --cached --exit-code >&2; then
    pass "$name: second render changes nothing"
  else
    fail "$name: second render changes nothing"
  fi

  # c) Without the MLPipeline, a render removes what was generated from it.
  git -C "$pkg" rm -q mlpipeline.yaml
  if run "$root/render3.log" "${kpt[@]}"; then
    local left
    left=$(cd "$pkg" && find . -path ./.git -prune -o -type f -print | sort | tr '\n' ' ')
    if [[ $left == "./Kptfile " ]]; then
      pass "$name: MLPipeline removed -> generated objects removed"
    else
      echo "files left: $left" >&2
      fail "$name: MLPipeline removed -> generated objects removed"
    fi
  else
    fail "$name: MLPipeline removed -> generated objects removed"
  fi

  # d) An invalid MLPipeline fails the render; kpt shows the function's error
  #    results with their field paths, and writes nothing.
  git -C "$pkg" checkout -q HEAD -- .
  git -C "$pkg" clean -qfd
  cp "$here/testdata/invalid-mlpipeline.yaml" "$pkg/mlpipeline.yaml"
  git -C "$pkg" add -A
  "${commit[@]}" -m invalid
  if timeout --kill-after=10 "$STEP_TIMEOUT" "${kpt[@]}" >"$root/invalid.log" 2>&1; then
    cat "$root/invalid.log" >&2
    fail "$name: invalid MLPipeline fails with field paths"
  else
    local missing=()
    # One line per expected problem: the field path kpt must print.
    while IFS= read -r want; do
      [[ -z $want || $want == \#* ]] && continue
      grep -F '[error]' "$root/invalid.log" | grep -qF -- "$want" || missing+=("$want")
    done <"$here/testdata/invalid-mlpipeline.expect"
    grep -F '[error]' "$root/invalid.log" >&2 || true
    if ((${#missing[@]} == 0)) && git -C "$pkg" diff --exit-code >&2 &&
       [[ -z $(git -C "$pkg" status --porcelain) ]]; then
      pass "$name: invalid MLPipeline fails with field paths"
    else
      echo "--- kpt output lacks: ${missing[*]:-} (or files changed); output was:" >&2
      cat "$root/invalid.log" >&2
      fail "$name: invalid MLPipeline fails with field paths"
    fi
  fi

  # e) An error about the YAML itself gives no line number: kpt sends a
  #    ResourceList whose lines are not the user's file's.
  git -C "$pkg" checkout -q HEAD -- .
  cp "$repo/testdata/error/merge-key-not-a-map/config.yaml" "$pkg/mlpipeline.yaml"
  name="kpt fn render ($variant): YAML errors without ResourceList line numbers"
  if timeout --kill-after=10 "$STEP_TIMEOUT" "${kpt[@]}" >"$root/yaml-error.log" 2>&1; then
    cat "$root/yaml-error.log" >&2
    fail "$name"
  elif grep -F '[error]' "$root/yaml-error.log" | grep -qF 'a merge key (<<) takes a map' &&
       ! grep -F '[error]' "$root/yaml-error.log" | grep -qE 'line [0-9]'; then
    pass "$name"
  else
    cat "$root/yaml-error.log" >&2
    fail "$name"
  fi
}
log "2. kpt fn render (image, KPT_FN_RUNTIME=$ENGINE)"
kpt_render_cases image
log "2. kpt fn render (exec, --allow-exec)"
kpt_render_cases exec --allow-exec

# -------------------------------------------------------- 3. kpt fn eval --
# kpt_eval NAME FN-ARGS...: eval on a temp copy of kpt-example/eval with
# kpt-example/eval-config.yaml; then eval again, which must change nothing.
kpt_eval() {
  local name=$1
  shift
  local pkg
  pkg=$(mktemp -d "$work/eval.XXXXXX")
  cp -r kpt-example/eval/. "$pkg"
  if run "$pkg.log" kpt fn eval "$pkg" "$@" --fn-config kpt-example/eval-config.yaml; then
    check_pkg "$name" "$golden/kpt-eval" "$repo/kpt-example/eval" "$pkg"
    local before
    before=$(tree "$pkg")
    if run "$pkg.2.log" kpt fn eval "$pkg" "$@" --fn-config kpt-example/eval-config.yaml &&
       diff -ruN "$before" "$pkg" >&2; then
      pass "$name: again changes nothing"
    else
      fail "$name: again changes nothing"
    fi
  else
    fail "$name"
  fi
}
log "3. kpt fn eval"
kpt_eval "kpt fn eval --image $IMAGE --fn-config" --image "$IMAGE"
kpt_eval "kpt fn eval --exec bin/mlpipeline-fn --fn-config" --exec "$FN"

# Without --fn-config, kpt sends an empty ConfigMap named function-input as
# the functionConfig; the MLPipelines among the package's items drive the
# function, and the files come out as kpt fn render writes them.
eval_pkg=$(mktemp -d "$work/eval-items.XXXXXX")
cp -r kpt-example/exec/. "$eval_pkg"
if run "$eval_pkg.log" kpt fn eval "$eval_pkg" --exec "$FN"; then
  check_pkg "kpt fn eval --exec bin/mlpipeline-fn (no --fn-config): the package's MLPipeline" \
    "$golden/kpt-render" "$repo/kpt-example/exec" "$eval_pkg"
else
  fail "kpt fn eval --exec bin/mlpipeline-fn (no --fn-config): the package's MLPipeline"
fi

# -------------------------------------------------------------- 4. Argo CD --
# Run what Argo CD runs, inside the sidecar image: uid 999, read-only root
# file system (so no writable HOME), no network, the app's directory as the
# working directory under the CMP server's work dir, and the environment the
# repo-server sends (ARGOCD_APP_*, KUBE_*, and the app's plugin env as
# ARGOCD_ENV_*). The commands come from plugin.yaml / argocd-cm.yaml.
# Argo CD's real servers run the plugin in e2e/argocd (`make e2e-argocd`),
# with the host's binaries; this case is kept because it is the one test of
# the sidecar image itself (Dockerfile.sidecar: no shell, read-only root,
# no network), and costs seconds.
log "4. Argo CD"
cmpdir=$work/cmp
mkdir -p "$cmpdir/repo/argocd-example"
cp -r argocd-example/app "$cmpdir/repo/argocd-example/app"
chmod -R a+rX "$cmpdir"
apppath=/tmp/_cmp_server/e2e-repo/argocd-example/app
argocd_run() { # LOGFILE OUTFILE CMD...
  local logf=$1 outf=$2
  shift 2
  timeout --kill-after=10 "$STEP_TIMEOUT" "$ENGINE" run --rm -i --network none \
    --read-only --tmpfs /tmp:rw,mode=1777 --user 999:999 --security-opt=no-new-privileges \
    -v "$cmpdir/repo:/tmp/_cmp_server/e2e-repo:ro" -w "$apppath" \
    -e ARGOCD_APP_NAME=ml-pipeline -e ARGOCD_APP_NAMESPACE=ml \
    -e ARGOCD_APP_REVISION=0123456789abcdef0123456789abcdef01234567 \
    -e ARGOCD_APP_SOURCE_REPO_URL=https://github.com/mlpipeline-dev/mlpipeline-fn.git \
    -e ARGOCD_APP_SOURCE_PATH=argocd-example/app -e ARGOCD_APP_SOURCE_TARGET_REVISION=main \
    -e KUBE_VERSION=1.35.0 -e KUBE_API_VERSIONS=v1,apps/v1,autoscaling/v2,policy/v1 \
    -e ARGOCD_ENV_TEAM=ml-platform \
    --entrypoint "$1" "$SIDECAR_IMAGE" "${@:2}" </dev/null >"$outf" 2>"$logf"
}

# Way 1: the CMP sidecar runs init, then generate.
mapfile -d '' init_cmd < <("$work/yamlget" argocd-example/plugin.yaml spec/init/command spec/init/args)
mapfile -d '' gen_cmd < <("$work/yamlget" argocd-example/plugin.yaml spec/generate/command spec/generate/args)
name="Argo CD sidecar image runs plugin.yaml init + generate (uid 999, read-only root)"
if ((${#gen_cmd[@]} == 0)); then
  echo "plugin.yaml has no spec.generate.command" >&2
  fail "$name"
elif { ((${#init_cmd[@]} == 0)) || argocd_run "$cmpdir/init.log" "$cmpdir/init.out" "${init_cmd[@]}"; } &&
     argocd_run "$cmpdir/generate.log" "$cmpdir/generate.yaml" "${gen_cmd[@]}"; then
  echo "init said: $(cat "$cmpdir/init.out" 2>/dev/null)" >&2
  check "$name" "$golden/kustomize.yaml" "$cmpdir/generate.yaml"
else
  cat "$cmpdir"/*.log >&2 || true
  fail "$name"
fi

# Way 2: the repo-server's own kustomize with argocd-cm's kustomize.buildOptions
# (Argo CD runs `kustomize build <path> <options>`), as uid 999 with the
# function at the same path as in the sidecar.
mapfile -d '' opts < <("$work/yamlget" argocd-example/argocd-cm.yaml data/kustomize.buildOptions)
read -r -a build_opts <<<"${opts[0]:-}"
name="Argo CD kustomize.buildOptions (argocd-cm.yaml, uid 999)"
if ((${#build_opts[@]} == 0)); then
  echo "argocd-cm.yaml has no data.kustomize.buildOptions" >&2
  fail "$name"
elif argocd_run "$cmpdir/buildopts.log" "$cmpdir/buildopts.yaml" kustomize build . "${build_opts[@]}"; then
  check "$name" "$golden/kustomize.yaml" "$cmpdir/buildopts.yaml"
else
  cat "$cmpdir/buildopts.log" >&2
  fail "$name"
fi

# ------------------------------- 5. kpt fn render, then set-namespace --
# A Kptfile runs mlpipeline-fn and then set-namespace, which moves the
# MLPipeline and everything it generated from staging to prod on every
# render. The objects must stay the MLPipeline's: three renders, and the
# second and third change nothing.
log "5. kpt fn render: mlpipeline-fn, then set-namespace (exec)"
setns_case() {
  local root=$work/kpt-set-namespace name="kpt fn render + set-namespace"
  local pkg=$root/pkg
  local -a kpt=(env "PATH=$repo/bin:$work/fnbin:$PATH" kpt fn render --allow-exec "$pkg")
  local -a commit=(git -C "$pkg" -c user.name=e2e -c user.email=e2e@localhost commit -q --allow-empty)
  mkdir -p "$root"
  cp -r "$here/testdata/set-namespace" "$pkg"
  git -C "$pkg" init -q
  git -C "$pkg" add -A
  "${commit[@]}" -m source
  if run "$root/render1.log" "${kpt[@]}"; then
    check "$name: first render, everything in prod" "$golden/kpt-set-namespace" "$(tree "$pkg")"
  else
    fail "$name: first render, everything in prod"
  fi
  git -C "$pkg" add -A
  "${commit[@]}" -m rendered
  local i
  for i in 2 3; do
    if run "$root/render$i.log" "${kpt[@]}" &&
       git -C "$pkg" add -A && git -C "$pkg" diff --cached --exit-code >&2; then
      pass "$name: render $i changes nothing"
    else
      fail "$name: render $i changes nothing"
    fi
  done
}
setns_case

# ----------------------- 6. kustomize overlays of one MLPipeline, one ns --
# A stable and a canary overlay of one MLPipeline in one namespace. The
# README's ways (kustomize labels with includeSelectors: true on every
# overlay, or an MLPipeline name of its own per overlay) must give selectors
# that never pick the other overlay's pods; the naive namePrefix overlay,
# and a label on the canary alone, must be caught overlapping (negative
# controls: the check can fail).
log "6. kustomize overlays in one namespace"
overlays=$here/testdata/overlays
for variant in labels distinct-names prefix-only canary-label-only; do
  name="kustomize overlays ($variant): selectors"
  want=disjoint
  [[ $variant == prefix-only || $variant == canary-label-only ]] && want=overlap
  built=1
  for track in stable canary; do
    run "$work/overlay-$variant-$track.log" "$KUSTOMIZE" build --enable-alpha-plugins --enable-exec \
      -o "$work/overlay-$variant-$track.yaml" "$overlays/$variant/$track" || built=0
  done
  if ((built == 0)); then
    fail "$name"
    continue
  fi
  rc=0
  "$work/selectors" "$work/overlay-$variant-stable.yaml" "$work/overlay-$variant-canary.yaml" \
    >"$work/overlay-$variant.txt" 2>&1 || rc=$?
  cat "$work/overlay-$variant.txt" >&2
  if { [[ $want == disjoint && $rc == 0 ]]; } ||
     { [[ $want == overlap && $rc == 1 ]] && grep -q '^overlap: ' "$work/overlay-$variant.txt"; }; then
    pass "$name $want"
  else
    fail "$name $want (selectors exit $rc)"
  fi
done

# ------------------- 7. kustomize namespace: over a rendered base, rerun --
# kustomize moves a rendered base (an MLPipeline and what the function made
# of it) to prod, then runs the function over it again as a transformer:
# the moved objects must still be the MLPipeline's (no conflict), updated in
# place (one of each), all in prod.
log "7. kustomize namespace: over a rendered base, function rerun"
name="kustomize namespace: + the function as a transformer over its own output"
kns=$work/kustomize-namespace
cp -r "$here/testdata/kustomize-namespace" "$kns"
sed -i "s#MLPIPELINE_FN#$FN#" "$kns/prod/mlpipeline-fn.yaml"
if "$FN" --warnings=false "$kns/base/mlpipeline.yaml" >"$kns/base/generated.yaml" &&
   run "$kns/build.log" "$KUSTOMIZE" build --enable-alpha-plugins --enable-exec -o "$kns/prod.yaml" "$kns/prod"; then
  check "$name" "$golden/kustomize-namespace.yaml" "$kns/prod.yaml"
else
  fail "$name"
fi

# ---------------------------------------------------------------- summary --
finish
