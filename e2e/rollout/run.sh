#!/usr/bin/env bash
# End-to-end proof that the generated GPU rollout strategy and PDB policy do
# what the README says, with the real kube-apiserver, kube-controller-manager
# (Deployment, ReplicaSet and disruption controllers), kube-scheduler and etcd,
# and KWOK standing in for the nodes (kwokctl, binary runtime, no metrics-server).
#
#   make e2e-rollout            (builds bin/mlpipeline-fn, then runs this)
#
# Nodes: the first two advertise one nvidia.com/gpu each and carry the
# nvidia.com/gpu:NoSchedule taint the generated toleration answers; the other two
# have no GPU and each hosts one drain case. Cases, each with its negative control:
#   rollout-generated    pipelines/gpu-server.yaml (2 replicas x 1 GPU on the 2 GPUs),
#                        image changed and re-rendered: the rollout completes
#   rollout-surge        the same Deployment with its strategy removed by hand (the
#                        API server's 25 % surge): the surge pod stays Pending
#                        (Insufficient nvidia.com/gpu) until ProgressDeadlineExceeded
#   ml-drain-generated   pipelines/drain.yaml, its one pod Running but not Ready:
#                        `kubectl drain` of its node finishes under the generated
#                        PDB (unhealthyPodEvictionPolicy AlwaysAllow)
#   ml-drain-ifhealthy   the same with the policy removed by hand (IfHealthyBudget,
#                        the API server's default): the eviction is refused and the
#                        drain times out
# The pod is made not Ready by writing its Ready condition False through the
# status subresource (what a kubelet reports for a pod whose readiness probe
# fails while the model loads); KWOK's stages only set Ready once, so it stays.
#
# Every wait has a timeout. Every process the test started is stopped on exit:
# the cluster by `kwokctl delete cluster`, then whatever is left by PID.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$repo/e2e/rollout"
FN="${FN:-$repo/bin/mlpipeline-fn}"
NS=mlpipeline-rollout
suite=e2e/rollout

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  PATH="/usr/local/go/bin:$PATH"
fi
# stop_pid, wait_for: e2e/lib/procs.sh; kwok_cluster, kwok_create,
# kwok_nodes, kwok_delete: e2e/lib/kwok.sh; pass, fail, finish:
# e2e/lib/results.sh.
# shellcheck source=../lib/procs.sh
source "$repo/e2e/lib/procs.sh"
# shellcheck source=../lib/kwok.sh
source "$repo/e2e/lib/kwok.sh"
# shellcheck source=../lib/results.sh
source "$repo/e2e/lib/results.sh"

log() { printf '[rollout %4ss] %s\n' "$((SECONDS - start_all))" "$*" >&2; }
die() {
  log "FAIL: $*"
  exit 1
}
[[ -x "$FN" ]] || die "$FN not found: run 'make e2e-rollout' (it builds it first)"

log "control-plane binaries (hack/k8s-binaries/build.sh) and kwokctl (e2e/autoscaling/install.sh)"
bins="$("$repo/hack/k8s-binaries/build.sh" kube-apiserver kube-controller-manager kube-scheduler kubectl etcd)"
bins+=$'\n'"$("$repo/e2e/autoscaling/install.sh")"
path_of() { sed -n "s|^$1=||p" <<<"$bins"; }
KWOKCTL="$(path_of kwokctl)"
# kubectl of the server's own release (drain and rollout status are client-side).
PATH="$(dirname "$(path_of kubectl)"):$PATH"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mlpipeline-rollout.XXXXXX")"
kwok_cluster mlp-rollout

# on_exit: the summary, then the cluster (e2e/lib/kwok.sh's kwok_delete),
# its logs kept in out/rollout/ on failure.
on_exit() {
  local rc=$?
  set +e
  trap - EXIT
  print_summary
  if ((rc != 0)) && [[ -d "$CLUSTER_DIR" ]]; then
    mkdir -p "$repo/out/rollout" && cp "$CLUSTER_DIR"/logs/*.log "$repo/out/rollout/" 2>/dev/null
  fi
  kwok_delete
  rm -rf "$WORK"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

k() { kubectl --request-timeout=10s "$@"; }

kwok_options >"$WORK/kwokctl.yaml"
kwok_create || die "kwokctl create cluster failed"
[[ -f "$CLUSTER_DIR/pids/kube-scheduler.pid" ]] || die "the cluster has no kube-scheduler"

# Four nodes with KWOK's node template (it has no ephemeral-storage, which the
# generated pods request); the GPUs are added to n0 and n1 only, through the
# status subresource, as a device plugin would report them.
kwok_nodes 4 '.allocatable."ephemeral-storage"="1Ti"' || die "kwokctl scale node failed"
POLL_S=2 wait_for 60 "4 nodes Ready" k wait --for=condition=Ready node --all --timeout=5s >/dev/null 2>&1 ||
  die "nodes not Ready"
mapfile -t nodes < <(k get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | sort)
((${#nodes[@]} == 4)) || die "expected 4 nodes, got: ${nodes[*]}"
for n in "${nodes[0]}" "${nodes[1]}"; do
  k patch node "$n" --subresource=status --type=merge \
    -p '{"status":{"capacity":{"nvidia.com/gpu":"1"},"allocatable":{"nvidia.com/gpu":"1"}}}' >/dev/null
  k taint node "$n" nvidia.com/gpu=present:NoSchedule >/dev/null
done
log "GPU nodes: ${nodes[0]} ${nodes[1]} (1 nvidia.com/gpu each, tainted); drain nodes: ${nodes[2]} ${nodes[3]}"
k create namespace "$NS" >/dev/null

# ---- rollouts ----
# render PIPELINE IMAGE OUT: the pipeline with its image replaced, rendered.
render() {
  sed "s|^  image: .*|  image: $2|" "$1" >"$WORK/pipeline.yaml"
  "$FN" --warnings=false "$WORK/pipeline.yaml" >"$3"
}
# without_strategy FILE: the Deployment's spec.strategy block removed, as a
# user would by hand; the API server then defaults it to 25 % / 25 %.
without_strategy() { awk '/^  strategy:$/ { skip = 1; next } skip && /^    / { next } { skip = 0; print }' "$1"; }
strategy_of() { k get deploy ml-gpu-server -n "$NS" -o jsonpath='{.spec.strategy.rollingUpdate.maxSurge}/{.spec.strategy.rollingUpdate.maxUnavailable}'; }
progress_reason() { k get deploy ml-gpu-server -n "$NS" -o jsonpath='{.status.conditions[?(@.type=="Progressing")].status}/{.status.conditions[?(@.type=="Progressing")].reason}'; }
deadline_exceeded() { [[ "$(progress_reason)" == False/ProgressDeadlineExceeded ]]; }

# rollout_case NAME generated|surge
rollout_case() {
  local name=$1 mode=$2 v1="$WORK/gpu-v1.yaml" v2="$WORK/gpu-v2.yaml" want_strategy=0/1 out=""
  render "$here/pipelines/gpu-server.yaml" registry.example.com/ml/llm-server:1.0.0 "$v1"
  render "$here/pipelines/gpu-server.yaml" registry.example.com/ml/llm-server:1.1.0 "$v2"
  if [[ $mode == surge ]]; then
    for f in "$v1" "$v2"; do without_strategy "$f" >"$f.tmp" && mv "$f.tmp" "$f"; done
    want_strategy=25%/25%
  fi
  k apply -f "$v1" >/dev/null
  if ! k rollout status deploy/ml-gpu-server -n "$NS" --timeout=60s >&2; then
    fail "$name: the first version did not become available"
    return
  fi
  [[ "$(strategy_of)" == "$want_strategy" ]] || { fail "$name: strategy $(strategy_of), want $want_strategy"; return; }
  log "$name: 2 pods on the 2 GPUs, strategy maxSurge/maxUnavailable $want_strategy; applying the new image"
  k apply -f "$v2" >/dev/null
  if [[ $mode == generated ]]; then
    if k rollout status deploy/ml-gpu-server -n "$NS" --timeout=90s >&2 &&
      out="$(k get deploy ml-gpu-server -n "$NS" -o jsonpath='{.status.updatedReplicas}/{.status.availableReplicas}/{.status.replicas}')" &&
      [[ "$out" == 2/2/2 ]] &&
      [[ "$(k get pods -n "$NS" -l mlpipeline.dev/pipeline=ml-gpu-server -o jsonpath='{.items[*].spec.containers[0].image}')" == "registry.example.com/ml/llm-server:1.1.0 registry.example.com/ml/llm-server:1.1.0" ]]; then
      pass "$name: rollout of the new image completed on a full GPU pool (updated/available/replicas $out)"
    else
      fail "$name: rollout did not complete (updated/available/replicas $out)"
    fi
  else
    if POLL_S=2 wait_for 90 "ProgressDeadlineExceeded" deadline_exceeded &&
      ! k rollout status deploy/ml-gpu-server -n "$NS" --timeout=5s >/dev/null 2>&1 &&
      k get events -n "$NS" --field-selector reason=FailedScheduling -o jsonpath='{.items[*].message}' | grep -q 'Insufficient nvidia.com/gpu' &&
      [[ -n "$(k get pods -n "$NS" -l mlpipeline.dev/pipeline=ml-gpu-server --field-selector=status.phase=Pending -o name)" ]]; then
      pass "$name: the surge pod stayed Pending (FailedScheduling: Insufficient nvidia.com/gpu), Progressing=$(progress_reason)"
    else
      k get pods,deploy -n "$NS" -o wide >&2 || true
      fail "$name: want a Pending pod (Insufficient nvidia.com/gpu) and ProgressDeadlineExceeded, Progressing=$(progress_reason)"
    fi
  fi
  k delete -f "$v2" --wait --timeout=60s >/dev/null
}

rollout_case rollout-generated generated
rollout_case rollout-surge surge

# ---- drains ----
pdb_status() { k get pdb "$1" -n "$NS" -o jsonpath='{.status.expectedPods}/{.status.currentHealthy}/{.status.disruptionsAllowed}'; }
pdb_sees_unhealthy() { [[ "$(pdb_status "$1")" == 1/0/0 ]]; }
pod_of() { k get pods -n "$NS" -l "mlpipeline.dev/pipeline=$1" -o jsonpath='{.items[0].metadata.name}'; }

# drain_case NAME NODE generated|ifhealthy
drain_case() {
  local name=$1 node=$2 mode=$3 file="$WORK/$1.yaml" pod out="" rc=0
  sed "s/^  name: NAME$/  name: $name/; s/NODE$/$node/" "$here/pipelines/drain.yaml" >"$WORK/$name-pipeline.yaml"
  "$FN" --warnings=false "$WORK/$name-pipeline.yaml" >"$file"
  grep -q '^  unhealthyPodEvictionPolicy: AlwaysAllow$' "$file" || { fail "$name: the generated PDB has no unhealthyPodEvictionPolicy: AlwaysAllow"; return; }
  [[ $mode == generated ]] || sed -i '/^  unhealthyPodEvictionPolicy: AlwaysAllow$/d' "$file"
  k apply -f "$file" >/dev/null
  k rollout status "deploy/$name" -n "$NS" --timeout=60s >&2 || { fail "$name: the pod did not become Ready first"; return; }
  pod="$(pod_of "$name")"
  k patch pod "$pod" -n "$NS" --subresource=status --type=strategic \
    -p '{"status":{"conditions":[{"type":"Ready","status":"False","reason":"ModelLoading"}]}}' >/dev/null
  if ! POLL_S=1 wait_for 60 "PDB $name sees 1 expected pod, 0 healthy, 0 disruptions allowed" pdb_sees_unhealthy "$name"; then
    fail "$name: PDB status $(pdb_status "$name") (expected/healthy/allowed), want 1/0/0"
    return
  fi
  [[ "$(k get pod "$pod" -n "$NS" -o jsonpath='{.status.phase}')" == Running ]] || { fail "$name: pod $pod not Running"; return; }
  log "$name: pod $pod Running, not Ready; PDB expected/healthy/allowed $(pdb_status "$name"), policy $(k get pdb "$name" -n "$NS" -o jsonpath='{.spec.unhealthyPodEvictionPolicy}'); draining $node"
  out="$(kubectl drain "$node" --ignore-daemonsets --delete-emptydir-data --timeout=25s 2>&1)" || rc=$?
  printf '%s\n' "$out" | sed 's/^/    drain: /' | tail -n 6 >&2
  if [[ $mode == generated ]]; then
    if ((rc == 0)) && ! k get pod "$pod" -n "$NS" >/dev/null 2>&1; then
      pass "$name: drain of $node evicted the not-Ready pod and finished (AlwaysAllow)"
    else
      fail "$name: drain of $node failed (exit $rc) under AlwaysAllow"
    fi
  else
    if ((rc != 0)) && grep -q 'violate the pod.s disruption budget' <<<"$out" && k get pod "$pod" -n "$NS" >/dev/null 2>&1; then
      pass "$name: eviction refused (429, disruption budget), drain of $node timed out (IfHealthyBudget)"
    else
      fail "$name: drain of $node exit $rc; want the eviction refused by the PDB"
    fi
  fi
  k uncordon "$node" >/dev/null
  k delete -f "$file" --wait --timeout=60s >/dev/null
}

drain_case ml-drain-generated "${nodes[2]}" generated
drain_case ml-drain-ifhealthy "${nodes[3]}" ifhealthy

finish
