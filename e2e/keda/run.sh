#!/usr/bin/env bash
# End-to-end proof that the ScaledObjects mlpipeline-fn generates with
# `spec.autoscaling.engine: keda` are what KEDA accepts and that KEDA scales
# the Deployments with them: KEDA v2.21.0's own operator, metrics API server
# and admission webhooks (built by install.sh from the module proxy), a real
# kube-apiserver, kube-controller-manager, kube-scheduler and etcd emulating
# v1.35 (kwokctl's binary runtime, KWOK pods), a real Redis (Debian's
# redis-server) and a real Prometheus (Debian's prometheus), all on 127.0.0.1.
#
#   make e2e-keda            (builds bin/mlpipeline-fn, then runs this)
#
# Stages:
#   1. the function renders pipelines/*.yaml (engine keda); the harness
#      module's Go tests decode every ScaledObject of testdata/success and of
#      that output strictly into KEDA's type and run KEDA's own validation;
#   2. each fixture's ScaledObjects, with their Deployments, applied to the
#      cluster with KEDA's CRDs and its webhook (server-side, strict field
#      validation); negative controls: a misspelt field (the API server
#      refuses it), idleReplicaCount not below minReplicaCount and a second
#      ScaledObject on the same Deployment (KEDA's webhook refuses them), an
#      HPA with minReplicas 0 (the control plane emulates v1.35, where the
#      API server refuses it), and the function refusing the idle count;
#   3. cmd/scenarios drives the queue worker (Redis list 0 -> 100 -> 40,
#      Redis stopped and started again, then empty) and the GPU server
#      (DCGM_FI_DEV_GPU_UTIL through Prometheus: low -> high -> low work,
#      Prometheus stopped -> fallback, started -> back) and checks the
#      timeline (package timeline).
#
# Outputs: out/keda/timeline.csv and out/keda/keda.png (UPDATE_DOC_PLOT=1
# also copies the PNG to docs/keda.png). On failure out/keda/logs/ holds the
# control plane's, KEDA's, Redis's and Prometheus's logs.
#
# Loopback only, with two exceptions KEDA's flags cannot change: the metrics
# API server's own /metrics listener (--port, bound to ":PORT" in KEDA's
# code) and the admission webhooks' HTTPS server (controller-runtime's Host
# is not a flag). Both get a free port; neither is reachable from the cluster
# network of a real deployment either way.
#
# Bounded: every wait has a timeout. Every process the test started is
# stopped by its PID on exit; the cluster by `kwokctl delete cluster`, then
# by PID.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/e2e/keda"
OUT="$ROOT/out/keda"
FN="${FN:-$ROOT/bin/mlpipeline-fn}"

NS=mlpipeline-e2e
KEDA_NS=keda
QUEUE=ml-keda-queue # pipelines/queue.yaml
GPU=ml-keda-gpu     # pipelines/gpu.yaml
NODES=3
GPUS_PER_NODE=8
# The control plane emulates v1.35 (--emulated-version), where HPAScaleToZero
# is off and an HPA cannot have minReplicas 0: KEDA's 0 <-> N is shown where
# the plain HPA's is refused (negative/hpa-min-zero.yaml).
EMULATED_VERSION=1.35

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  PATH="/usr/local/go/bin:$PATH"
fi
# shellcheck source=../lib/procs.sh
source "$ROOT/e2e/lib/procs.sh"
# shellcheck source=../lib/kwok.sh
source "$ROOT/e2e/lib/kwok.sh"
# shellcheck source=../lib/results.sh
source "$ROOT/e2e/lib/results.sh"
suite=e2e-keda
summary=()
failures=0

START=$SECONDS
log() { printf '[keda %4ss] %s\n' "$((SECONDS - START))" "$*" >&2; }
die() {
  log "FAIL: $*"
  exit 1
}

# ---- what it needs on the machine ----
# Redis and Prometheus from Debian (no systemd service: run as plain
# processes below). Installed here on a fresh machine when run as root.
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v prometheus >/dev/null || missing+=(prometheus)
if ((${#missing[@]})); then
  ((EUID == 0)) || die "${missing[*]} not installed: sudo apt-get install -y --no-install-recommends ${missing[*]}"
  log "installing ${missing[*]} (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
for tool in go awk sed timeout curl flock openssl redis-server prometheus; do
  command -v "$tool" >/dev/null || die "$tool not found on PATH"
done
[[ -x "$FN" ]] || die "$FN not found: run 'make e2e-keda' (it builds it first)"

# ---- binaries (built once, cached outside the repo by version) ----
log "control-plane binaries (hack/k8s-binaries/build.sh; first time ~10 min)"
k8s_bins="$("$ROOT/hack/k8s-binaries/build.sh" kube-apiserver kube-controller-manager kube-scheduler kubectl etcd)"
log "kwok, kwokctl (e2e/autoscaling/install.sh; first time ~8 min)"
kwok_tools="$("$ROOT/e2e/autoscaling/install.sh")"
log "KEDA's operator, metrics API server and webhooks (install.sh; first time ~9 min)"
keda_tools="$("$HERE/install.sh")"
path_of() { sed -n "s|^$1=||p" <<<"$k8s_bins"$'\n'"$kwok_tools"$'\n'"$keda_tools"; }
KWOKCTL="$(path_of kwokctl)"
PATH="$(dirname "$(path_of kubectl)"):$PATH"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mlpipeline-keda.XXXXXX")"
kwok_cluster mlp-keda
declare -A PID_OF=() # name -> PID of each host process this script started
SCENARIOS_PID=""

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  [[ -z "$SCENARIOS_PID" ]] || stop_pid "$SCENARIOS_PID" scenarios 15
  local name
  for name in "${!PID_OF[@]}"; do stop_pid "${PID_OF[$name]}" "$name" 10; done
  # Redis and Prometheus belong to the scenarios program; what it could not
  # stop, by PID, only while that PID is still ours (its command line names
  # our private workdir).
  local f pid
  for f in "$WORK"/redis.pid "$WORK"/prometheus.pid; do
    pid="$(cat "$f" 2>/dev/null)"
    if [[ -n "$pid" ]] && grep -qF "$WORK" "/proc/$pid/cmdline" 2>/dev/null; then stop_pid "$pid" "$(basename "$f" .pid)" 10; fi
  done
  if [[ $rc != 0 ]]; then
    mkdir -p "$OUT/logs"
    cp "$CLUSTER_DIR"/logs/*.log "$WORK"/*.log "$WORK"/redis/redis.log "$WORK"/prometheus/prometheus.log "$OUT/logs/" 2>/dev/null
    log "logs copied to $OUT/logs/"
  fi
  kwok_delete
  rm -rf "$WORK"
  print_summary
  if [[ $rc == 0 ]]; then log "PASS in $((SECONDS - START))s"; else log "FAILED (exit $rc) after $((SECONDS - START))s"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
rm -rf "$OUT/logs"
mkdir -p "$OUT"

# Harness programs, built before the cluster exists.
log "building the scenario driver (e2e/keda) and the plotter (e2e/autoscaling/plot)"
go build -C "$HERE" -o "$WORK/scenarios" ./cmd/scenarios
go build -C "$ROOT/e2e/autoscaling/plot" -o "$WORK/plot" .

k() { kubectl --request-timeout=10s "$@"; }
quietly() { "$@" >/dev/null 2>&1; }
wait_until() { # wait_until SECONDS WHAT CMD...: poll CMD every 2 s; on timeout diagnose, fail
  local secs=$1 what=$2
  shift 2
  log "waiting (max ${secs}s): $what"
  POLL_S=2 wait_for "$secs" "$what" quietly "$@" || {
    diagnose
    die "timed out: $what"
  }
}
diagnose() {
  {
    echo "==== ScaledObjects, HPAs, Deployments, pods"
    k get scaledobjects,hpa,deploy,pods -n "$NS" -o wide
    echo "==== ScaledObject conditions"
    k get scaledobjects -n "$NS" -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{range .status.conditions[*]}{"  "}{.type}={.status} {.reason}: {.message}{"\n"}{end}{end}'
    echo "==== events"
    k get events -n "$NS" --sort-by=.lastTimestamp | tail -n 30
    echo "==== APIServices"
    k get apiservices | grep -E 'NAME|metrics'
    local f
    for f in "$WORK"/keda-operator.log "$WORK"/keda-adapter.log "$WORK"/keda-webhooks.log "$WORK"/prometheus/prometheus.log "$CLUSTER_DIR/logs/kube-controller-manager.log"; do
      echo "==== last lines of $(basename "$f")"
      tail -n 15 "$f" | cut -c1-400
    done
  } >&2 2>&1 || true
}

# ---- free ports on loopback ----
# Below the kernel's ephemeral range (32768+) so that no outgoing connection
# takes one between this check and the server's bind.
declare -A PORT=()
taken=" "
free_port() { # free_port NAME
  local p
  for _ in {1..200}; do
    p=$((20000 + RANDOM % 12000))
    [[ "$taken" == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      PORT[$1]=$p
      taken+="$p "
      return 0
    fi
  done
  die "no free port for $1"
}
for name in operator-metrics operator-probe operator-grpc adapter-secure adapter-metrics \
  webhooks webhooks-metrics webhooks-probe redis prometheus exporter; do
  free_port "$name"
done

# ---- cluster ----
{
  kwok_options
  echo 'componentsPatches:'
} >"$WORK/kwokctl.yaml"
# The scheduler and the controller manager emulate it too: as v1.37 they
# would wait for APIs a v1.35 server does not serve.
for c in kube-apiserver kube-controller-manager kube-scheduler; do
  printf -- '- name: %s\n  extraArgs:\n  - key: emulated-version\n    value: "%s"\n' "$c" "$EMULATED_VERSION"
done >>"$WORK/kwokctl.yaml"
kwok_create || die "kwokctl create cluster failed"
# The node template has no ephemeral-storage, which the generated pods
# request, and no nvidia.com/gpu, which the GPU server's pods have a limit of.
kwok_nodes "$NODES" '.allocatable."ephemeral-storage"="1Ti"' ".allocatable.\"nvidia.com/gpu\"=\"$GPUS_PER_NODE\"" ||
  die "kwokctl scale node failed"
wait_until 60 "$NODES nodes Ready" k wait --for=condition=Ready node --all --timeout=5s
log "kube-apiserver $(k version -o json | sed -n 's/.*"gitVersion": "\(.*\)".*/\1/p' | tail -n1), --emulated-version=$EMULATED_VERSION"
k create namespace "$KEDA_NS" >/dev/null
k create namespace "$NS" >/dev/null

log "KEDA's CRDs (from the module: $(path_of keda-crds))"
k apply --server-side -f "$(path_of keda-crds)" >&2
wait_until 60 "KEDA's CRDs established" k wait --for=condition=Established crd --all --timeout=5s

# ---- certificates: one CA, one serving and client certificate ----
# As KEDA's own cert rotation would make (off here: it would patch the
# APIService and the webhook configuration itself): the names of KEDA's
# three Services in the keda namespace and 127.0.0.1. The operator's gRPC
# metrics service and the metrics API server's client use it for mTLS.
CERTS="$WORK/certs"
mkdir -p "$CERTS"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=mlpipeline-e2e-keda-ca" \
  -keyout "$CERTS/ca.key" -out "$CERTS/ca.crt" 2>/dev/null
sans="IP:127.0.0.1,DNS:localhost"
for svc in keda-operator keda-metrics-apiserver keda-admission-webhooks; do
  sans+=",DNS:$svc.$KEDA_NS.svc,DNS:$svc.$KEDA_NS.svc.cluster.local"
done
openssl req -newkey rsa:2048 -nodes -subj "/CN=keda" -keyout "$CERTS/tls.key" -out "$WORK/tls.csr" 2>/dev/null
openssl x509 -req -in "$WORK/tls.csr" -CA "$CERTS/ca.crt" -CAkey "$CERTS/ca.key" -CAcreateserial -days 1 \
  -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$sans") \
  -out "$CERTS/tls.crt" 2>/dev/null
CA_BUNDLE="$(base64 -w0 <"$CERTS/ca.crt")"

# ---- KEDA: operator, metrics API server, admission webhooks ----
# Host processes with the environment KEDA's manifests give their pods.
export POD_NAMESPACE="$KEDA_NS" KEDA_CLUSTER_OBJECT_NAMESPACE="$KEDA_NS" WATCH_NAMESPACE="" OPERATOR_NAME=keda-operator
start_host() { # start_host NAME BINARY ARGS...: in the background, log in $WORK/NAME.log
  local name=$1
  shift
  "$@" >"$WORK/$name.log" 2>&1 &
  PID_OF[$name]=$!
  log "$name started (pid ${PID_OF[$name]})"
}
# wait_up NAME PID SECONDS CMD...: until CMD succeeds; fail at once if PID
# exits. (The check cannot fail the script itself: wait_until silences it,
# and an exit there would silence the clean-up too.)
up_or_gone() { ! kill -0 "$1" 2>/dev/null || "${@:2}"; }
wait_up() {
  local name=$1 pid=$2 secs=$3
  shift 3
  wait_until "$secs" "$name up" up_or_gone "$pid" "$@"
  kill -0 "$pid" 2>/dev/null || { tail -n 20 "$WORK/$name.log" >&2; die "$name exited"; }
}
http_ok() { curl -fsS --max-time 2 "$1" >/dev/null; }

start_host keda-operator "$(path_of keda)" \
  --leader-elect=false --enable-cert-rotation=false --cert-dir "$CERTS" --ca-dir "$WORK/no-custom-ca" \
  --metrics-bind-address "127.0.0.1:${PORT[operator-metrics]}" \
  --health-probe-bind-address "127.0.0.1:${PORT[operator-probe]}" \
  --metrics-service-bind-address "127.0.0.1:${PORT[operator-grpc]}" \
  --zap-log-level=info --zap-encoder=console
start_host keda-webhooks "$(path_of keda-admission-webhooks)" \
  --cert-dir "$CERTS" --port "${PORT[webhooks]}" --cache-miss-to-direct-client=true \
  --metrics-bind-address "127.0.0.1:${PORT[webhooks-metrics]}" \
  --health-probe-bind-address "127.0.0.1:${PORT[webhooks-probe]}" \
  --zap-log-level=info --zap-encoder=console
wait_up keda-operator "${PID_OF[keda-operator]}" 90 http_ok "http://127.0.0.1:${PORT[operator-probe]}/healthz"
start_host keda-adapter "$(path_of keda-adapter)" \
  --secure-port "${PORT[adapter-secure]}" --bind-address 127.0.0.1 --port "${PORT[adapter-metrics]}" \
  --cert-dir "$CERTS" --tls-cert-file "$CERTS/tls.crt" --tls-private-key-file "$CERTS/tls.key" \
  --lister-kubeconfig "$KUBECONFIG" --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" \
  --metrics-service-address "127.0.0.1:${PORT[operator-grpc]}" \
  --zap-log-level=info --zap-encoder=console
wait_up keda-webhooks "${PID_OF[keda-webhooks]}" 90 http_ok "http://127.0.0.1:${PORT[webhooks-probe]}/healthz"

# Registered with KEDA's own manifests (from the module), pointed at the host
# processes: kube-apiserver reaches a Service of type ExternalName
# (127.0.0.1) at the host port named in the APIService and the webhook
# configuration, and checks the serving certificate against our CA.
KEDA_SRC="$(dirname "$(dirname "$(dirname "$(path_of keda-crds)")")")"
for svc in keda-metrics-apiserver keda-admission-webhooks; do
  k apply -f - >&2 <<EOF
apiVersion: v1
kind: Service
metadata: {name: $svc, namespace: $KEDA_NS}
spec: {type: ExternalName, externalName: 127.0.0.1}
EOF
done
k apply -f "$KEDA_SRC/config/metrics-server/api_service.yaml" >&2
k patch apiservice v1beta1.external.metrics.k8s.io --type merge \
  -p "{\"spec\":{\"service\":{\"port\":${PORT[adapter-secure]}},\"caBundle\":\"$CA_BUNDLE\",\"insecureSkipTLSVerify\":false}}" >&2
# failurePolicy Fail (KEDA's is Ignore): a webhook that does not answer must
# fail the test, not let everything through.
k apply -f "$KEDA_SRC/config/webhooks/validation_webhooks.yaml" >&2
n_hooks="$(k get validatingwebhookconfiguration keda-admission -o jsonpath='{range .webhooks[*]}x{end}')"
ops=""
for ((i = 0; i < ${#n_hooks}; i++)); do
  ops+="${ops:+,}{\"op\":\"replace\",\"path\":\"/webhooks/$i/clientConfig/service/port\",\"value\":${PORT[webhooks]}}"
  ops+=",{\"op\":\"add\",\"path\":\"/webhooks/$i/clientConfig/caBundle\",\"value\":\"$CA_BUNDLE\"}"
  ops+=",{\"op\":\"replace\",\"path\":\"/webhooks/$i/failurePolicy\",\"value\":\"Fail\"}"
done
k patch validatingwebhookconfiguration keda-admission --type json -p "[$ops]" >&2
wait_until 90 "v1beta1.external.metrics.k8s.io (KEDA's metrics API server) Available" \
  k wait --for=condition=Available apiservice/v1beta1.external.metrics.k8s.io --timeout=5s

# ---- stage 1: render with the function; KEDA's types and validation ----
# The pipelines name Redis at 127.0.0.1:6379 and Prometheus at
# http://127.0.0.1:9090; here they listen on free ports.
mkdir -p "$WORK/pipelines" "$WORK/rendered"
for f in "$HERE"/pipelines/*.yaml; do
  sed -e "s|127.0.0.1:6379|127.0.0.1:${PORT[redis]}|" -e "s|http://127.0.0.1:9090|http://127.0.0.1:${PORT[prometheus]}|" \
    "$f" >"$WORK/pipelines/$(basename "$f")"
  "$FN" "$WORK/pipelines/$(basename "$f")" >"$WORK/rendered/$(basename "$f")" || die "mlpipeline-fn failed on $f"
  if grep -q '^kind: HorizontalPodAutoscaler$' "$WORK/rendered/$(basename "$f")"; then
    fail "render $(basename "$f"): an HPA next to the ScaledObject (KEDA makes and owns the HPA)"
  elif grep -q '^kind: ScaledObject$' "$WORK/rendered/$(basename "$f")"; then
    pass "render $(basename "$f"): a ScaledObject, no HPA"
  else
    fail "render $(basename "$f"): no ScaledObject"
  fi
done
log "Go tests of the harness module: strict decoding into KEDA's ScaledObject, KEDA's validation, timeline checks, exporter"
if KEDA_E2E_RENDERED="$WORK/rendered" go test -C "$HERE" -count=1 ./... >"$WORK/gotest.log" 2>&1; then
  pass "go test ./... in e2e/keda (conformance of testdata/success and the rendered pipelines; timeline checks; exporter)"
else
  cat "$WORK/gotest.log" >&2
  fail "go test ./... in e2e/keda"
fi
KEDA_E2E_RENDERED="$WORK/rendered" go test -C "$HERE" -count=1 -v -run TestGeneratedScaledObjects ./conformance 2>&1 |
  grep -m1 'decode strictly' | sed 's/^ *//' >&2 || true

# ---- stage 2: every generated ScaledObject through the API server and KEDA's webhook ----
# docs_of KIND FILE: the documents of that kind in a YAML stream (the
# function writes `kind:` at the top level of each).
docs_of() {
  awk -v kind="$1" 'BEGIN { RS = "\n---\n" } $0 ~ "(^|\n)kind: " kind "(\n|$)" { printf "%s\n---\n", $0 }' "$2"
}
# Each fixture in a namespace of its own (its objects' namespace rewritten),
# so that fixtures of the same name do not meet. Its Deployments are created
# first (KEDA's webhook reads a cpu or memory trigger's workload). Its
# ScaledObjects are applied twice: a server-side dry run (strict field
# validation against KEDA's CRD schema, then KEDA's webhook, which skips its
# workload checks in a dry run), then for real (the webhook's every check).
fixtures=0
for f in "$ROOT"/testdata/success/*/expected.yaml "$WORK"/rendered/*.yaml; do
  [[ "$(docs_of ScaledObject "$f")" ]] || continue
  fixtures=$((fixtures + 1))
  name="$(basename "$(dirname "$f")")"
  [[ "$f" == "$WORK"/* ]] && name="rendered-$(basename "$f" .yaml)"
  fx="fx-$fixtures"
  k create namespace "$fx" >/dev/null
  sed -E "s/^(  namespace: ).*/\1$fx/" "$f" >"$WORK/fx.yaml"
  docs_of Deployment "$WORK/fx.yaml" >"$WORK/fx-deploy.yaml"
  docs_of ScaledObject "$WORK/fx.yaml" >"$WORK/fx-so.yaml"
  n_so="$(grep -c '^kind: ScaledObject$' "$WORK/fx-so.yaml")"
  if [[ -s "$WORK/fx-deploy.yaml" ]] && ! k apply -n "$fx" --server-side --validate=strict -f "$WORK/fx-deploy.yaml" >"$WORK/fx.out" 2>&1; then
    cat "$WORK/fx.out" >&2
    fail "fixture $name: its Deployment refused"
  elif ! k apply -n "$fx" --server-side --dry-run=server --validate=strict -f "$WORK/fx-so.yaml" >"$WORK/fx.out" 2>&1; then
    cat "$WORK/fx.out" >&2
    fail "fixture $name: ScaledObject refused in a server-side dry run"
  elif ! k apply -n "$fx" --server-side --validate=strict -f "$WORK/fx-so.yaml" >"$WORK/fx.out" 2>&1; then
    cat "$WORK/fx.out" >&2
    fail "fixture $name: ScaledObject refused"
  else
    pass "fixture $name: $n_so ScaledObject(s) accepted by the API server (KEDA's CRD, strict; dry run and created) and KEDA's webhook"
  fi
done
((fixtures > 0)) || fail "no ScaledObject in testdata/success or the rendered pipelines"
for ((i = 1; i <= fixtures; i++)); do k delete namespace "fx-$i" --wait=false >/dev/null; done

# expect_refused NAME FILE PATTERN: a server-side dry run of FILE must fail
# with PATTERN in the error.
expect_refused() {
  if k apply --server-side --dry-run=server --validate=strict -f "$2" >"$WORK/neg.out" 2>&1; then
    fail "negative control $1: accepted"
  elif grep -q "$3" "$WORK/neg.out"; then
    pass "negative control $1: refused ($(grep -m1 -o "$3.*" "$WORK/neg.out" | cut -c1-120))"
  else
    cat "$WORK/neg.out" >&2
    fail "negative control $1: refused, but not with '$3'"
  fi
}
expect_refused "misspelt field (API server, strict)" "$HERE/negative/misspelt-field.yaml" 'minReplicaCont'
expect_refused "idleReplicaCount not below minReplicaCount (KEDA's webhook)" "$HERE/negative/idle-not-below-min.yaml" \
  'denied the request: IdleReplicaCount=1 must be less than MinReplicaCount=1'
expect_refused "an HPA with minReplicas 0 on kube-apiserver emulating v$EMULATED_VERSION" "$HERE/negative/hpa-min-zero.yaml" \
  'spec.minReplicas: Invalid value: 0'
# The function refuses what the webhook refuses (KEDA compares the idle
# count with 1 when minReplicaCount is 0), at the field to fix.
{
  cat "$WORK/pipelines/queue.yaml"
  printf '      idleReplicaCount: 1\n'
} >"$WORK/idle.yaml"
if "$FN" "$WORK/idle.yaml" >/dev/null 2>"$WORK/idle.err"; then
  fail "mlpipeline-fn: idleReplicaCount 1 with minReplicas 0 accepted"
elif grep -q 'spec.autoscaling.keda.idleReplicaCount' "$WORK/idle.err"; then
  pass "mlpipeline-fn refuses idleReplicaCount 1 with minReplicas 0 at spec.autoscaling.keda.idleReplicaCount ($(grep -m1 -o 'spec.autoscaling.keda.idleReplicaCount.*' "$WORK/idle.err" | cut -c1-100))"
else
  cat "$WORK/idle.err" >&2
  fail "mlpipeline-fn refused idleReplicaCount 1 with minReplicas 0, but not at spec.autoscaling.keda.idleReplicaCount"
fi

# ---- stage 3: the scenarios ----
# cmd/scenarios starts Redis, the exporter and Prometheus first (it stops
# and starts Redis and Prometheus in its steps), so that the pipelines find
# them from KEDA's first poll, then waits for the start file.
log "starting the scenario driver (cmd/scenarios): Redis on 127.0.0.1:${PORT[redis]}, exporter on 127.0.0.1:${PORT[exporter]}, Prometheus $(prometheus --version 2>&1 | awk 'NR == 1 { print $3 }') on 127.0.0.1:${PORT[prometheus]}"
CSV="$OUT/timeline.csv"
"$WORK/scenarios" -namespace "$NS" -queue "$QUEUE" -gpu "$GPU" \
  -redis-server "$(command -v redis-server)" -redis-port "${PORT[redis]}" -redis-dir "$WORK/redis" -redis-pidfile "$WORK/redis.pid" \
  -prometheus "$(command -v prometheus)" -prometheus-port "${PORT[prometheus]}" -prometheus-dir "$WORK/prometheus" -prometheus-pidfile "$WORK/prometheus.pid" \
  -exporter-address "127.0.0.1:${PORT[exporter]}" -csv "$CSV" \
  -ready-file "$WORK/scenarios.ready" -start-file "$WORK/scenarios.start" >"$WORK/scenarios.out" 2> >(tee "$WORK/scenarios.log" >&2) &
SCENARIOS_PID=$!
wait_up scenarios "$SCENARIOS_PID" 60 test -f "$WORK/scenarios.ready"
log "applying the rendered pipelines (server-side, strict)"
k apply --server-side --validate=strict -f "$WORK/rendered/" >&2
# A second ScaledObject on the queue worker's Deployment: KEDA's webhook
# refuses it.
docs_of ScaledObject "$WORK/rendered/queue.yaml" | sed "s/^  name: $QUEUE\$/  name: $QUEUE-second/" >"$WORK/second.yaml"
expect_refused "a second ScaledObject on the same Deployment (KEDA's webhook)" "$WORK/second.yaml" 'is already managed by'
wait_until 90 "deployment $GPU available" k rollout status "deploy/$GPU" -n "$NS" --timeout=5s
touch "$WORK/scenarios.start"
log "scenarios running: the queue worker and the GPU server, at the same time"
scenarios_rc=0
wait "$SCENARIOS_PID" || scenarios_rc=$?
SCENARIOS_PID=""
while IFS= read -r line; do
  case "$line" in
    "PASS  "*) pass "${line#PASS  }" ;;
    "FAIL  "*) fail "${line#FAIL  }" ;;
  esac
done <"$WORK/scenarios.out"
if ((scenarios_rc != 0)); then
  diagnose
  fail "scenarios exited $scenarios_rc (see above)"
fi

# ---- plot ----
if [[ -s "$CSV" ]]; then
  {
    printf 'scenario\tmin\tmax\ttarget\tmetric\ttitle\n'
    printf '%s\t0\t5\t20\tjobs in the Redis list\t%s\n' "$QUEUE" "$QUEUE: redis scaler, 20 jobs per replica, min 0, cooldown 30 s"
    printf '%s\t1\t6\t60\tDCGM_FI_DEV_GPU_UTIL per pod, %%\t%s\n' "$GPU" "$GPU: prometheus trigger, sum of the pods' utilisation / 60, fallback 3"
  } >"$WORK/panels.tsv"
  "$WORK/plot" -in "$CSV" -panels "$WORK/panels.tsv" -out "$OUT/keda.png" -cols 2 \
    -title "MLPipeline engine keda: KEDA v2.21.0 scales the generated ScaledObjects' Deployments (control plane emulating v$EMULATED_VERSION; real Redis, real Prometheus; KWOK pods)" ||
    fail "plot"
  log "timeline: $CSV, plot: $OUT/keda.png"
  if [[ "${UPDATE_DOC_PLOT:-0}" == 1 ]]; then
    cp "$OUT/keda.png" "$ROOT/docs/keda.png"
    log "copied to docs/keda.png"
  fi
fi
finish
