# A private kwokctl cluster (binary runtime: real kube-apiserver, etcd,
# kube-controller-manager and kube-scheduler as host processes, KWOK for the
# nodes and kubelets) for an e2e harness, and its clean-up. Sourced after
# procs.sh. The caller sets WORK (a private scratch dir), KWOKCTL and log, and
# path_of NAME, which prints the path of a binary that hack/k8s-binaries/build.sh
# or e2e/autoscaling/install.sh built.
#
#   kwok_cluster NAME              sets CLUSTER, KWOK_WORKDIR, KUBECONFIG, CLUSTER_DIR
#   kwok_options                   prints the start of the cluster's KwokctlConfiguration
#                                  (every component on 127.0.0.1, a private cache); the
#                                  caller adds its own options and documents after it, into
#                                  $WORK/kwokctl.yaml
#   kwok_create ARGS...            kwokctl create cluster with $WORK/kwokctl.yaml, the pinned
#                                  control plane and KWOK, and ARGS (--enable ...); fails
#                                  when a component listens beyond loopback
#   kwok_nodes N PARAM...          N KWOK nodes from kwokctl's node template, with --param PARAMs
#   kwok_delete                    delete it; stop by PID whatever kwokctl left running

kwok_cluster() {
  CLUSTER="$1-$$-$RANDOM" # unique: parallel runs must not share one
  export KWOK_WORKDIR="$WORK/kwok"     # kwokctl's state, logs and pid files
  export KUBECONFIG="$WORK/kubeconfig" # never touch the user's ~/.kube/config
  CLUSTER_DIR="$KWOK_WORKDIR/clusters/$CLUSTER"
  KWOK_CREATED=false
}

kwok_options() {
  # kwokctl binds every component to options.bindAddress, 0.0.0.0 unless set.
  printf '%s\n' 'apiVersion: config.kwok.x-k8s.io/v1alpha1' 'kind: KwokctlConfiguration' 'options:' \
    "  cacheDir: $WORK/kwok-cache" '  bindAddress: 127.0.0.1'
}

kwok_create() {
  KWOK_CREATED=true
  log "creating cluster $CLUSTER (kwokctl, binary runtime)"
  timeout 180 "$KWOKCTL" create cluster --name "$CLUSTER" --runtime binary \
    --kubeconfig "$KUBECONFIG" --quiet-pull --wait 2m --config "$WORK/kwokctl.yaml" \
    --kube-apiserver-binary "$(path_of kube-apiserver)" \
    --kube-controller-manager-binary "$(path_of kube-controller-manager)" \
    --kube-scheduler-binary "$(path_of kube-scheduler)" \
    --etcd-binary "$(path_of etcd)" \
    --kwok-controller-binary "$(path_of kwok)" \
    "$@" >>"$WORK/kwokctl.log" 2>&1 || {
    cat "$WORK/kwokctl.log" >&2
    return 1
  }
  # shellcheck disable=SC2046 # one PID per file
  beyond_loopback $(cat "$CLUSTER_DIR"/pids/*.pid) || {
    log "a cluster component listens beyond loopback (kwokctl options.bindAddress)"
    return 1
  }
}

kwok_nodes() {
  local n=$1 p args=()
  shift
  for p in "$@"; do args+=(--param "$p"); done
  timeout 60 "$KWOKCTL" scale node --name "$CLUSTER" --replicas "$n" "${args[@]}" >>"$WORK/kwokctl.log" 2>&1 || {
    cat "$WORK/kwokctl.log" >&2
    return 1
  }
}

kwok_delete() {
  # The PIDs first: `kwokctl delete cluster` removes the pid files.
  local pids=() f pid
  for f in "$CLUSTER_DIR"/pids/*.pid; do
    [[ -f "$f" ]] && pids+=("$(<"$f")")
  done
  if $KWOK_CREATED || [[ -d "$CLUSTER_DIR" ]]; then
    log "deleting cluster $CLUSTER"
    timeout 60 "$KWOKCTL" delete cluster --name "$CLUSTER" --kubeconfig "$KUBECONFIG" >>"$WORK/kwokctl.log" 2>&1 ||
      { cat "$WORK/kwokctl.log" >&2; log "kwokctl delete cluster failed"; }
  fi
  # What kwokctl could not stop (interrupted create, hung delete), by PID,
  # only while that PID is still one of this cluster's processes (its
  # command line names our private workdir), never a PID since reused.
  for pid in "${pids[@]}"; do
    if grep -qF "$WORK" "/proc/$pid/cmdline" 2>/dev/null; then
      log "stopping leftover process $pid"
      stop_pid "$pid" "kwokctl's $(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-60)" 1
    fi
  done
}
