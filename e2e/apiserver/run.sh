#!/usr/bin/env bash
# e2e: every output of mlpipeline-fn is accepted by a real kube-apiserver, with
# strict field validation and Pod Security "restricted", with zero warnings.
#
# Starts etcd + kube-apiserver (pinned, built by hack/k8s-binaries/build.sh and
# cached outside the repo) on free loopback ports, then for each case renders
# manifests and server-side applies them (dry-run with --validate=strict, then
# for real) into its own namespace labelled enforce/warn=restricted. Any error
# and any warning (kubectl prints "Warning: ..." on stderr) fails the case.
# Negative controls in negative/ must fail with the message their
# "# expect:" line names, showing that the check can fail; positive controls
# in positive/ (hand-written twins of some negatives) must pass cleanly,
# showing that the negative fails for the reason it names. The corpus in
# corpus/ holds configs at the edges of what the server accepts: the function
# must refuse each one or produce output the server accepts cleanly.
#
# kube-controller-manager runs only the Deployment and ReplicaSet
# controllers, so every generated Deployment really creates its pods (Pod
# Security "restricted" is enforced on them too). For every generated
# Service the server must list exactly the Deployment's pods for the
# Service's selector, and not a decoy pod that carries the pipeline's other
# labels; the same comparison with a selector made of those other labels
# must fail (a negative control, once).
#
# Usage: e2e/apiserver/run.sh   (normally via `make e2e-apiserver`, which runs
#        `make build` first). Logs and rendered manifests: out/e2e-apiserver/.
# Env:   MLPIPELINE_FN  function binary (default bin/mlpipeline-fn)
#        CACHE_DIR      binary cache (default ~/.cache/mlpipeline-fn)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/e2e/apiserver"
fn="${MLPIPELINE_FN:-$root/bin/mlpipeline-fn}"
kustomize="$root/bin/kustomize"
out="$root/out/e2e-apiserver"
seed_fixture=seed-equivalent

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'e2e-apiserver: ERROR: %s\n' "$*" >&2; exit 1; }
banner() { printf '\n!!!!!!!! %s\n\n' "$*" >&2; }

# ---------------------------------------------------------------- prerequisites
# A fresh machine may lack the small Debian tools; install them (we are root).
apt_updated=false
need() { # need COMMAND DEBIAN_PACKAGE
  command -v "$1" >/dev/null 2>&1 && return
  log "installing $2 (for $1)"
  if ! $apt_updated; then apt-get update -qq >&2; apt_updated=true; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
}
need openssl openssl
need curl curl
need jq jq
[[ -x "$fn" ]] || die "$fn not found: run 'make build' (or 'make e2e-apiserver')"

log "installing pinned kustomize (make bin/kustomize)"
make -s -C "$root" bin/kustomize >&2

log "getting kube-apiserver, kube-controller-manager, kubectl and etcd (cached build; first time ~14 min)"
bins="$("$root/hack/k8s-binaries/build.sh" kube-apiserver kube-controller-manager kubectl etcd)"
apiserver_bin="$(sed -n 's/^kube-apiserver=//p' <<<"$bins")"
kcm_bin="$(sed -n 's/^kube-controller-manager=//p' <<<"$bins")"
kubectl_bin="$(sed -n 's/^kubectl=//p' <<<"$bins")"
etcd_bin="$(sed -n 's/^etcd=//p' <<<"$bins")"
[[ -x "$apiserver_bin" && -x "$kcm_bin" && -x "$kubectl_bin" && -x "$etcd_bin" ]] || die "build.sh gave no binaries: $bins"
# The server's own kubectl release, not whatever kubectl the machine has:
# kubectl is supported only within one minor version of the server.
PATH="$(dirname "$kubectl_bin"):$PATH"

# -------------------------------------------------------------- start servers
rm -rf "$out"
mkdir -p "$out"
tmp="$(mktemp -d)"
etcd_pid="" apiserver_pid="" kcm_pid=""

stop() { # stop PID NAME: TERM, wait up to 10 s, then KILL
  local pid=$1 name=$2
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in {1..20}; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name ($pid) did not stop on TERM; killing"
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
# A signal's trap runs inside whatever command was running, with that
# command's redirections (often stderr into a file in $tmp): so the cleanup
# writes to the script's own stderr, saved here as fd 3.
exec 3>&2
cleanup() {
  local rc=$?
  exec 1>&3 2>&3
  stop "$kcm_pid" kube-controller-manager
  stop "$apiserver_pid" kube-apiserver
  stop "$etcd_pid" etcd
  if ((rc != 0)); then
    for f in "$out/kube-controller-manager.log" "$out/kube-apiserver.log" "$out/etcd.log"; do
      [[ -s "$f" ]] && { printf -- '--- last lines of %s\n' "$f" >&2; tail -n 25 "$f" >&2; }
    done
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port nobody listens on right now (connect is refused). Another process
# could still take it before we bind; the server then fails to start and the
# readiness wait below reports that.
used_ports=" "
free_port() {
  local p
  for _ in {1..200}; do
    p=$((20000 + RANDOM % 40000))
    [[ "$used_ports" == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      used_ports+="$p "
      echo "$p"
      return
    fi
  done
  die "no free loopback port found"
}
# Called without $(...) so used_ports survives between calls.
free_port >"$tmp/p"; etcd_port="$(<"$tmp/p")"
free_port >"$tmp/p"; peer_port="$(<"$tmp/p")"
free_port >"$tmp/p"; api_port="$(<"$tmp/p")"
free_port >"$tmp/p"; kcm_port="$(<"$tmp/p")"

# wait_for DESCRIPTION PID SECONDS COMMAND...: poll until COMMAND succeeds;
# fail fast if the server process died, fail after SECONDS.
wait_for() {
  local what=$1 pid=$2 secs=$3
  shift 3
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || die "$what: process $pid exited"
    ((SECONDS < deadline)) || die "$what: not ready after ${secs}s"
    sleep 0.5
  done
}

log "starting etcd on 127.0.0.1:$etcd_port"
"$etcd_bin" --name e2e --data-dir "$tmp/etcd" --log-level warn \
  --listen-client-urls "http://127.0.0.1:$etcd_port" \
  --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "e2e=http://127.0.0.1:$peer_port" \
  >"$out/etcd.log" 2>&1 &
etcd_pid=$!
wait_for etcd "$etcd_pid" 30 curl -fsS "http://127.0.0.1:$etcd_port/health"

# Credentials made on the fly: a bearer token in system:masters, and the
# service-account signing key pair the apiserver requires.
token="$(openssl rand -hex 24)"
printf '%s,e2e-admin,e2e-admin,system:masters\n' "$token" >"$tmp/tokens.csv"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/sa.key" 2>/dev/null
openssl pkey -in "$tmp/sa.key" -pubout -out "$tmp/sa.pub"

log "starting kube-apiserver on 127.0.0.1:$api_port"
# Serving certificate: self-signed by the apiserver itself into --cert-dir.
# PodSecurity admission is on by default; nothing else is needed for it.
# The "kubernetes" Service endpoint reconciler refuses a loopback address, and
# nothing here needs that Service, so it is switched off. --allow-privileged
# as in kubeadm clusters, so that Pod Security admission, not this flag, is
# what must stop a privileged pod.
# start_apiserver [FLAG...]: kube-apiserver with the flags above and FLAGs.
start_apiserver() {
  "$apiserver_bin" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --endpoint-reconciler-type none --allow-privileged \
    --cert-dir "$tmp/pki" \
    --token-auth-file "$tmp/tokens.csv" --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$tmp/sa.pub" \
    --service-account-signing-key-file "$tmp/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    "$@" >>"$out/kube-apiserver.log" 2>&1 &
  apiserver_pid=$!
}
start_apiserver

cat >"$tmp/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: e2e
    cluster:
      server: https://127.0.0.1:$api_port
      insecure-skip-tls-verify: true # loopback-only test server, self-signed
users:
  - name: e2e-admin
    user:
      token: $token
contexts:
  - name: e2e
    context: {cluster: e2e, user: e2e-admin}
current-context: e2e
EOF
export KUBECONFIG="$tmp/kubeconfig" KUBECACHEDIR="$tmp/kubecache"
kc() { kubectl --request-timeout=60s "$@"; }

wait_for kube-apiserver "$apiserver_pid" 120 kc get --raw /readyz
server_version="$(kc get --raw /version | jq -r .gitVersion)"
client_version="$(kubectl version --client -o json | jq -r .clientVersion.gitVersion)"
log "kube-apiserver $server_version ready; kubectl $client_version"
minor_of() { local v="${1#v1.}"; echo "${v%%.*}"; }
skew=$(($(minor_of "$client_version") - $(minor_of "$server_version")))
((skew >= -1 && skew <= 1)) ||
  die "kubectl $client_version is outside the supported skew (one minor version) of kube-apiserver $server_version"

# Only the controllers that turn a Deployment into pods. Its own port is
# loopback-only; /healthz needs no authorization.
log "starting kube-controller-manager (deployment, replicaset) on 127.0.0.1:$kcm_port"
"$kcm_bin" --kubeconfig "$tmp/kubeconfig" \
  --authentication-kubeconfig "$tmp/kubeconfig" --authorization-kubeconfig "$tmp/kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$kcm_port" --cert-dir "$tmp/kcm-pki" \
  --controllers deployment,replicaset --leader-elect=false \
  >"$out/kube-controller-manager.log" 2>&1 &
kcm_pid=$!
wait_for kube-controller-manager "$kcm_pid" 60 curl -fsSk "https://127.0.0.1:$kcm_port/healthz"

# What the cluster admin provides for the fixtures' pods: the RuntimeClass
# and PriorityClass they name. Pod admission rejects a pod whose classes do
# not exist.
kc apply --server-side -f - >/dev/null <<EOF
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata:
  name: nvidia
handler: nvidia
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: ml-serving-high
value: 100000
description: model servers (e2e)
EOF

# ------------------------------------------------------------------ the check
# new_namespace NAME: a namespace where Pod Security "restricted" is enforced
# and warned about.
new_namespace() {
  kc apply --server-side -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $1
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/warn-version: latest
EOF
  # Pod admission looks up the pod's service account; no controller creates
  # "default" here.
  kc create serviceaccount default -n "$1" >/dev/null 2>&1 || true
}

# into_namespace NS SRC DEST: put every object of SRC into NS (kustomize's
# namespace transformer). Fixtures use whatever namespace their MLPipeline
# names (or none); one fresh restricted namespace per case keeps cases apart and
# lets kubectl apply -n NS work. kustomize also leaves out objects annotated
# config.kubernetes.io/local-config: "true", as kpt and kustomize users'
# deploys do. Without the CRD, MLPipeline objects cannot be stored, so they
# are dropped here (announced loudly in main).
into_namespace() {
  local ns=$1 src=$2 dest=$3 k="$tmp/k-$1"
  rm -rf "$k" && mkdir -p "$k"
  cp "$src" "$k/objects.yaml"
  {
    printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n'
    printf 'namespace: %s\nresources: [objects.yaml]\n' "$ns"
    if ! $have_crd; then
      printf 'patches:\n  - target: {kind: MLPipeline}\n    patch: |\n'
      # shellcheck disable=SC2016 # a literal kustomize $patch directive
      printf '      $patch: delete\n      apiVersion: mlpipeline.dev/v1alpha1\n'
      printf '      kind: MLPipeline\n      metadata: {name: any}\n'
    fi
  } >"$k/kustomization.yaml"
  "$kustomize" build "$k" >"$dest" 2>"$tmp/kustomize.err"
}

# apply_clean NS FILE: server-side apply, first dry-run, then for real, both
# with strict field validation. Succeeds only with exit 0 AND empty stderr;
# otherwise the messages are in $failure.
failure=""
apply_clean() {
  local ns=$1 file=$2 dry
  for dry in --dry-run=server ""; do
    if ! kc apply --server-side --field-manager=mlpipeline-e2e --validate=strict \
      -n "$ns" -f "$file" ${dry:+"$dry"} >"$tmp/stdout" 2>"$tmp/stderr"; then
      failure="apply ${dry:-(real)} failed: $(<"$tmp/stderr")"
      return 1
    fi
    if [[ -s "$tmp/stderr" ]]; then
      failure="apply ${dry:-(real)} warned: $(<"$tmp/stderr")"
      return 1
    fi
  done
  pods_from_templates_clean "$ns"
}

# pods_from_templates_clean NS: a Pod made from each Deployment's template
# is accepted (dry run) with no warning: some rules hold only for pods, so a
# Deployment can be accepted while the ReplicaSet controller can create
# none of its pods.
pods_from_templates_clean() {
  local ns=$1 pod
  kc get deployments.v1.apps -n "$ns" -o json | jq -c '.items[] | {apiVersion: "v1", kind: "Pod",
    metadata: {name: (.metadata.name + "-from-template"), labels: ((.spec.template.metadata.labels // {}) + {"pod-template-hash": "e2e"}),
      annotations: (.spec.template.metadata.annotations // {})},
    spec: .spec.template.spec}' >"$tmp/pods.jsonl"
  # Pod admission looks up the service account a pod names; as "default"
  # in new_namespace, the cluster admin's part.
  jq -r '.spec.serviceAccountName // empty' "$tmp/pods.jsonl" | sort -u | while IFS= read -r sa; do
    kc create serviceaccount "$sa" -n "$ns" >/dev/null 2>&1 || true
  done
  while IFS= read -r pod; do
    if ! kc create --dry-run=server -n "$ns" -f - <<<"$pod" >"$tmp/stdout" 2>"$tmp/stderr"; then
      failure="a Pod from the Deployment's template is refused: $(<"$tmp/stderr")"
      return 1
    fi
    if [[ -s "$tmp/stderr" ]]; then
      failure="a Pod from the Deployment's template is warned about: $(<"$tmp/stderr")"
      return 1
    fi
  done <"$tmp/pods.jsonl"
}

passed=0 failed=0
summary=()
pass() { passed=$((passed + 1)); summary+=("PASS  $1${2:+  ($2)}"); log "PASS $1"; }
skip() { summary+=("SKIP  $1: $2"); banner "SKIPPED $1: $2"; }
fail() {
  failed=$((failed + 1)); summary+=("FAIL  $1: ${2%%$'\n'*}")
  printf 'FAIL %s:\n%s\n' "$1" "$2" >&2
}

case_no=0
# check_manifests NAME FILE: the whole positive check for one rendered file.
# Sets ns to the case's namespace for follow-up checks.
check_manifests() {
  local name=$1 file=$2
  case_no=$((case_no + 1))
  ns="e2e-$case_no"
  if ! grep -q '^kind:' "$file"; then
    fail "$name" "rendered no objects (see ${file#"$root"/})"
    return 1
  fi
  # Runs in an `||` context, where errexit is off: check each step.
  local applied="$out/${name//\//_}.applied.yaml"
  if ! new_namespace "$ns" || ! into_namespace "$ns" "$file" "$applied"; then
    fail "$name" "could not prepare namespace $ns: $(<"$tmp/kustomize.err")"
    return 1
  fi
  if apply_clean "$ns" "$applied"; then
    pass "$name" "namespace $ns, $(grep -c '^kind:' "$applied") objects"
  else
    fail "$name" "$failure"
    return 1
  fi
  check_services "$name" "$ns"
}

# pod_names NS SELECTOR: the pods the server lists for a label selector.
pod_names() {
  kc get pods -n "$1" -l "$2" -o json | jq -r '.items[].metadata.name' | sort
}

# deployment_pods NS DEPLOYMENT: the pods owned by the Deployment's
# ReplicaSets, found by ownerReferences, not by labels.
deployment_pods() {
  local sets
  sets="$(kc get replicasets -n "$1" -o json | jq -c --arg d "$2" \
    '[.items[] | select(any(.metadata.ownerReferences[]?; .kind == "Deployment" and .name == $d)) | .metadata.name]')"
  kc get pods -n "$1" -o json | jq -r --argjson sets "$sets" \
    '.items[] | select(any(.metadata.ownerReferences[]?; .kind == "ReplicaSet" and (.name as $n | $sets | index($n)))) | .metadata.name' | sort
}

# check_services NAME NS: every generated Service selects exactly the pods
# of the Deployment of the same name.
negative_selector_done=false
check_services() {
  local name=$1 ns=$2 svc sel want got replicas deadline others
  for svc in $(kc get services -n "$ns" -o json |
    jq -r '.items[] | select(.metadata.annotations["mlpipeline.dev/generated-from"]) | .metadata.name'); do
    sel="$(kc get service "$svc" -n "$ns" -o json | jq -r '.spec.selector // {} | to_entries | map("\(.key)=\(.value)") | join(",")')"
    if [[ -z "$sel" ]]; then
      fail "$name/service-$svc" "the Service has no selector"
      continue
    fi
    if ! kc get deployment "$svc" -n "$ns" >/dev/null 2>&1; then
      fail "$name/service-$svc" "no Deployment named like the Service"
      continue
    fi
    # Without an HPA controller, an autoscaled Deployment runs 1 replica.
    replicas="$(kc get deployment "$svc" -n "$ns" -o jsonpath='{.spec.replicas}')"
    deadline=$((SECONDS + 60))
    until want="$(deployment_pods "$ns" "$svc")" && [[ -n "$want" && $(wc -l <<<"$want") -eq $replicas ]]; do
      if ((SECONDS >= deadline)); then
        fail "$name/service-$svc" "the Deployment did not get its $replicas pod(s) within 60s: $(kc get events -n "$ns" -o json | jq -r '[.items[].message] | join("; ")' | tail -c 800)"
        continue 2
      fi
      sleep 0.5
    done
    # A decoy: the pipeline's pod template, labelled as another pipeline's.
    kc get deployment "$svc" -n "$ns" -o json | jq --arg n "decoy-$svc" --arg pipeline "$svc" '
      {apiVersion: "v1", kind: "Pod",
       metadata: {name: $n, labels: (.spec.template.metadata.labels + {"mlpipeline.dev/pipeline": ("not-" + $pipeline)})},
       spec: .spec.template.spec}' >"$tmp/decoy.json"
    if ! kc create -n "$ns" -f "$tmp/decoy.json" >/dev/null 2>"$tmp/decoy.err"; then
      fail "$name/service-$svc" "could not create the decoy pod: $(<"$tmp/decoy.err")"
      continue
    fi
    got="$(pod_names "$ns" "$sel")"
    if [[ "$got" == "$want" ]]; then
      pass "$name/service-$svc" "selector $sel lists exactly the Deployment's $replicas pod(s), not the decoy"
    else
      fail "$name/service-$svc" "selector $sel lists [$(tr '\n' ' ' <<<"$got")], the Deployment's pods are [$(tr '\n' ' ' <<<"$want")]"
    fi
    # Negative control: the pipeline's other labels match the decoy too, so
    # a Service selecting on them must fail the same comparison.
    if ! $negative_selector_done; then
      negative_selector_done=true
      others="$(kc get deployment "$svc" -n "$ns" -o json |
        jq -r '.spec.template.metadata.labels | del(.["mlpipeline.dev/pipeline"]) | to_entries | map("\(.key)=\(.value)") | join(",")')"
      if [[ "$(pod_names "$ns" "$others")" != "$want" ]]; then
        pass "negative/service-selector" "a selector on $others also lists the decoy: the comparison can fail"
      else
        fail "negative/service-selector" "a selector on $others lists the same pods: the Service check cannot fail"
      fi
    fi
  done
}

# check_refused NAME FILE EXPECT: FILE must be refused, or warned about, with
# a message containing EXPECT.
check_refused() {
  local name=$1 file=$2 expect=$3 applied
  case_no=$((case_no + 1))
  ns="e2e-$case_no"
  applied="$out/refused_${name//\//_}.yaml"
  new_namespace "$ns"
  into_namespace "$ns" "$file" "$applied"
  if apply_clean "$ns" "$applied"; then
    fail "$name" "was accepted cleanly; expected: $expect"
  elif [[ "$failure" == *"$expect"* ]]; then
    pass "$name" "as expected: $(grep -F -- "$expect" <<<"$failure" | head -n 1 | cut -c1-200)"
  else
    fail "$name" "failed, but not with '$expect': $failure"
  fi
}

# --------------------------------------------------------------------- CRD
have_crd=false
# `kubectl wait --for condition=...` fails at once, instead of waiting, on an
# object that has no status.conditions yet (seen on a loaded machine right
# after the CRD was created), so retry it until 60 s have passed.
crds_established() {
  local deadline=$((SECONDS + 60))
  until kc wait --for condition=Established --timeout=10s -f "$root/config/crd" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}
shopt -s nullglob
crds=("$root"/config/crd/*.yaml)
if ((${#crds[@]} > 0)); then
  log "installing the MLPipeline CRD from config/crd/"
  if apply_clean default "$root/config/crd" &&
    crds_established; then
    have_crd=true
    pass crd/install
  else
    fail crd/install "${failure:-CRD not Established within 60s}"
  fi
else
  skip crd/install "config/crd/ has no CRD: MLPipeline objects are NOT applied (CRD unchecked)"
fi

# ---------------------------------------------------- negative controls
log "negative controls (each must be rejected or warned with its expected message)"
for file in "$here"/negative/*.yaml; do
  name="negative/$(basename "$file" .yaml)"
  if grep -q '^kind: MLPipeline' "$file" && ! $have_crd; then
    skip "$name" "needs the CRD"
    continue
  fi
  expect="$(sed -n 's/^# expect: //p' "$file")"
  [[ -n "$expect" ]] || die "$file has no '# expect: MESSAGE' line"
  check_refused "$name" "$file" "$expect"
done

# ------------------------------------------------------------ the corpus
# corpus/*.yaml are MLPipelines with core/v1 and autoscaling/v2 values at the
# edges of what the API server accepts. For each, the function either refuses
# it (exit 1) or its output must apply cleanly: a case the function accepts
# and the server rejects or warns about fails the test. '# expect:' says which
# of the two is right, so that the function is not too strict either:
# 'rejected' (the server refuses it too; see corpus/README.md), 'accepted',
# or 'cross-check' (a mistake only the function can see, which it refuses).
log "corpus: the function refuses it, or the server accepts its output"
# corpus_case NAME FILE EXPECT [FN_FLAGS...]: one corpus case, as above;
# 'warned: TEXT' means the function renders it with a warning (a server
# warning or Pod Security's) and the server refuses or warns with TEXT.
corpus_case() {
  local name=$1 file=$2 expect=$3 rendered
  shift 3
  rendered="$out/corpus_${name//\//_}.yaml"
  if ! "$fn" "$@" "$file" >"$rendered" 2>"$tmp/render.err"; then
    if [[ "$expect" == rejected || "$expect" == cross-check ]]; then
      pass "$name" "refused by the function: $(grep -m1 '^error' "$tmp/render.err" | sed 's/^error: [^:]*: //' | cut -c1-200)"
    else
      fail "$name" "the function refuses what the server accepts: $(<"$tmp/render.err")"
    fi
    return
  fi
  if [[ "$expect" == warned:* ]]; then
    if grep -q '^warning: .*\(the API server warns\|Pod Security\)' "$tmp/render.err"; then
      pass "$name/function-warns" "$(grep -m1 '^warning: .*\(the API server warns\|Pod Security\)' "$tmp/render.err" | sed 's/^warning: [^:]*: //' | cut -c1-200)"
    else
      fail "$name/function-warns" "the server warns or refuses, the function said nothing: $(<"$tmp/render.err")"
    fi
    check_refused "$name" "$rendered" "$(sed 's/^warned: //' <<<"$expect")"
    return
  fi
  if ! check_manifests "$name" "$rendered"; then
    # check_manifests has already recorded the failure: accepted by the
    # function, rejected (or warned about) by the server.
    return
  fi
  if [[ "$expect" != accepted ]]; then
    fail "$name/expectation" "accepted by the function and by the server; the case says the function refuses it ($expect)"
  fi
}
for file in "$here"/corpus/*.yaml; do
  name="corpus/$(basename "$file" .yaml)"
  expect="$(sed -n 's/^# expect: //p' "$file")"
  [[ "$expect" == accepted || "$expect" == rejected || "$expect" == cross-check || "$expect" == warned:* ]] ||
    die "$file has no '# expect: accepted|rejected|cross-check|warned: TEXT' line"
  corpus_case "$name" "$file" "$expect"
done

# ---------------------------------------------------- positive controls
for file in "$here"/positive/*.yaml; do
  check_manifests "positive/$(basename "$file" .yaml)" "$file" || true
done

# ------------------------------------------------------- success fixtures
fixtures=("$root"/testdata/success/*/)
((${#fixtures[@]} > 0)) || fail testdata/success "no success fixtures found"
for dir in "${fixtures[@]}"; do
  name="fixture/$(basename "$dir")"
  inputs=("$dir"input*.yaml)
  if ! "$fn" "$dir/config.yaml" "${inputs[@]}" >"$out/$(basename "$dir").rendered.yaml" 2>"$tmp/render.err"; then
    fail "$name" "render failed: $(<"$tmp/render.err")"
    continue
  fi
  # A fixture that shows a warning about Pod Security has the message the
  # server answers with in apiserver-expect.txt: its output must be refused
  # or warned about with it, which shows the warning is true.
  if [[ -f "$dir/apiserver-expect.txt" ]]; then
    check_refused "$name" "$out/$(basename "$dir").rendered.yaml" "$(<"$dir/apiserver-expect.txt")"
    continue
  fi
  check_manifests "$name" "$out/$(basename "$dir").rendered.yaml" || continue
  # The MLPipeline config itself must fit the CRD too (standalone mode does
  # not echo the functionConfig).
  if $have_crd && grep -q '^kind: MLPipeline' "$dir/config.yaml"; then
    into_namespace "$ns" "$dir/config.yaml" "$tmp/config.yaml"
    if ! grep -q '^kind:' "$tmp/config.yaml"; then
      pass "$name/config-vs-crd" "local-config: not applied"
    elif apply_clean "$ns" "$tmp/config.yaml"; then
      pass "$name/config-vs-crd"
    else
      fail "$name/config-vs-crd" "$failure"
    fi
  fi

  # The seed-equivalent pipeline must carry the replaced Pulumi program's
  # values, read back through the API server's autoscaling/v1 conversion.
  if [[ "$(basename "$dir")" == "$seed_fixture" ]]; then
    hpa="$(kc get hpa.v2.autoscaling -n "$ns" -o jsonpath='{.items[*].metadata.name}')"
    if [[ -z "$hpa" || "$hpa" == *" "* ]]; then
      fail "$name/autoscaling-v1" "expected exactly one HPA, got '$hpa'"
      continue
    fi
    v1="$(kc get --raw "/apis/autoscaling/v1/namespaces/$ns/horizontalpodautoscalers/$hpa")"
    got="$(jq -c '.spec | {minReplicas, maxReplicas, targetCPUUtilizationPercentage}' <<<"$v1")"
    want='{"minReplicas":1,"maxReplicas":10,"targetCPUUtilizationPercentage":80}'
    if [[ "$got" == "$want" ]]; then
      pass "$name/autoscaling-v1" "$got"
    else
      fail "$name/autoscaling-v1" "got $got, want $want"
    fi
    # CPU as millicores, whatever form the server stores ("1" or "1000m").
    cpu="$(kc get deployment.v1.apps "$hpa" -n "$ns" -o json | jq -c '
      def milli: if endswith("m") then rtrimstr("m") | tonumber else tonumber * 1000 end;
      .spec.template.spec.containers[0].resources
      | {requests: (.requests.cpu // "0" | milli), limits: (.limits.cpu // "0" | milli)}')"
    if [[ "$cpu" == '{"requests":500,"limits":1000}' ]]; then
      pass "$name/cpu" "requests 500m, limits 1"
    else
      fail "$name/cpu" "container cpu (millicores) $cpu, want requests 500 and limits 1000"
    fi
  fi
done

# ---------------------------------------------------------- example renders
# Every kustomization under kustomization-example/. One whose generator runs
# the function's container image needs a running container engine; without
# one it is reported loudly, never silently dropped.
examples=()
if [[ -d "$root/kustomization-example" ]]; then
  while IFS= read -r k; do examples+=("$(dirname "$k")"); done \
    < <(find "$root/kustomization-example" -name kustomization.yaml | sort)
fi
((${#examples[@]} > 0)) || skip example "kustomization-example/ has no kustomization.yaml: example render NOT checked"
# kustomize runs container functions through `docker`. Where podman is the
# engine (as after `make e2e` on this kind of machine), a shim makes it one.
engine_path=$PATH
if ! timeout 20 docker info >/dev/null 2>&1 && command -v podman >/dev/null 2>&1 &&
  timeout 20 podman info >/dev/null 2>&1; then
  mkdir -p "$tmp/shim"
  printf '#!/bin/sh\nexec podman "$@"\n' >"$tmp/shim/docker"
  chmod +x "$tmp/shim/docker"
  engine_path="$tmp/shim:$PATH"
fi
for dir in "${examples[@]}"; do
  rel="${dir#"$root"/}"
  name="example${rel#kustomization-example}"
  if grep -qs '^ *container:' "$dir"/*.yaml; then
    fn_image="$(awk '/^ *container:/ {c=1; next} c && /^ *image:/ {print $2; exit}' "$dir"/*.yaml)"
    if ! PATH="$engine_path" timeout 20 docker info >/dev/null 2>&1; then
      skip "$name" "runs the function's container image and no container engine is running: NOT checked"
      continue
    fi
    if ! PATH="$engine_path" timeout 20 docker image inspect "$fn_image" >/dev/null 2>&1; then
      skip "$name" "the function's image $fn_image is not built (make image; make e2e builds it): NOT checked"
      continue
    fi
  fi
  file="$out/$(tr / _ <<<"$rel").rendered.yaml"
  if ! (cd "$dir" && PATH="$engine_path" "$kustomize" build --enable-alpha-plugins --enable-exec .) >"$file" 2>"$tmp/render.err"; then
    fail "$name" "kustomize build failed: $(<"$tmp/render.err")"
    continue
  fi
  check_manifests "$name" "$file" || true
done

# The outputs of the other orchestrators (kpt fn render / eval, Argo CD's and
# the container-mode kustomize build) need tools or a container engine that
# this test does not install. e2e/orchestrators/run.sh compares those real
# renders byte for byte with its golden files, so applying the goldens here
# covers them. A golden directory is one case (all its files).
goldens=("$root"/e2e/orchestrators/golden/*)
((${#goldens[@]} > 0)) || skip example-golden "e2e/orchestrators/golden/ is empty: kpt/Argo CD renders NOT checked"
for g in "${goldens[@]}"; do
  name="example-golden/$(basename "$g")"
  file="$out/golden_$(basename "$g" .yaml).rendered.yaml"
  if [[ -d "$g" ]]; then
    for f in "$g"/*.yaml; do printf -- '---\n'; cat "$f"; done >"$file"
  else
    cp "$g" "$file"
  fi
  check_manifests "$name" "$file" || true
done

# ----------------------------------------------------- the target version
# The same server emulating Kubernetes 1.35 (--emulated-version: it then
# validates as 1.35 does, with 1.35's feature gates), on a fresh etcd
# prefix. versions/*.yaml are rendered with --kubernetes-version 1.35 and
# checked as the corpus is; the negative control renders the scale-to-zero
# case for 1.37 instead, which this server must refuse.
log "restarting kube-apiserver with --emulated-version=1.35"
emulated=1.35
stop "$kcm_pid" kube-controller-manager
kcm_pid=""
stop "$apiserver_pid" kube-apiserver
start_apiserver --emulated-version="$emulated" --etcd-prefix=/registry-emulated-$emulated
wait_for "kube-apiserver (emulating $emulated)" "$apiserver_pid" 120 kc get --raw /readyz
emulated_version="$(kc get --raw /version | jq -r '.emulationMajor + "." + .emulationMinor')"
if [[ "$emulated_version" == "$emulated" ]]; then
  pass "versions/server" "the server emulates Kubernetes $emulated_version"
else
  fail "versions/server" "the server reports emulation version '$emulated_version', want $emulated"
fi
for file in "$here"/versions/*.yaml; do
  name="versions/$(basename "$file" .yaml)"
  expect="$(sed -n 's/^# expect: //p' "$file")"
  [[ -n "$expect" ]] || die "$file has no '# expect:' line"
  corpus_case "$name" "$file" "$expect" --kubernetes-version "$emulated"
done
"$fn" --kubernetes-version 1.37 "$here/versions/min-replicas-zero.yaml" >"$out/versions_for_1.37.yaml" 2>"$tmp/render.err" ||
  fail "versions/negative-control" "the function refuses minReplicas 0 for 1.37: $(<"$tmp/render.err")"
check_refused "versions/negative-control" "$out/versions_for_1.37.yaml" "spec.minReplicas"

# ------------------------------------------------------------------ summary
printf '\ne2e-apiserver summary (kube-apiserver %s, Pod Security restricted):\n' \
  "$(kc get --raw /version | jq -r .gitVersion)"
printf '  %s\n' "${summary[@]}"
printf 'e2e-apiserver: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
