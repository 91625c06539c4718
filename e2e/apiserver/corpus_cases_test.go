package apiserver

// corpus holds MLPipelines whose core/v1 and autoscaling/v2 values sit at an
// edge of what the v1.37 API server accepts (issue 18). A case written with
// a container fragment runs in every container position it lists (all
// three by default): the main container, an init container and a native
// sidecar, so one rule set is checked in each. pod holds pod-level fields
// (merged into the pipeline's spec). The field of a rejected case is
// relative to the position: "env[0].name" is spec.env[0].name for the main
// container and spec.initContainers[0].env[0].name for the others.
var corpus = []corpusCase{
	// ---- env
	{name: "env-name-with-equals", about: "an env name with '='",
		container: `env: [{name: "A=B", value: x}]`, expect: rejected("env[0].name")},
	{name: "env-name-non-ascii", about: "an env name with a non-ASCII letter",
		container: `env: [{name: "MODÈLE", value: x}]`, expect: rejected("env[0].name")},
	{name: "env-value-and-value-from", about: "value and valueFrom together",
		container: `env: [{name: A, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]`,
		expect:    rejected("env[0].valueFrom")},
	{name: "env-value-from-no-source", about: "valueFrom without a source",
		container: `env: [{name: A, valueFrom: {}}]`, expect: rejected("env[0].valueFrom")},
	{name: "env-value-from-two-sources", about: "valueFrom with two sources",
		container: `env: [{name: A, valueFrom: {fieldRef: {fieldPath: metadata.name}, resourceFieldRef: {resource: limits.cpu}}}]`,
		expect:    rejected("env[0].valueFrom")},
	{name: "env-value-from-one-source", about: "valueFrom with one source",
		container: `env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]`, expect: accepted()},
	{name: "resource-field-ref-gpu-limit",
		about:     "resourceFieldRef on limits.nvidia.com/gpu (the server allows only cpu, memory, ephemeral-storage and hugepages)",
		container: `env: [{name: GPUS, valueFrom: {resourceFieldRef: {resource: limits.nvidia.com/gpu}}}]`,
		expect:    rejected("env[0].valueFrom.resourceFieldRef.resource")},
	{name: "secret-key-ref-key-with-space", about: "a secretKeyRef key with a space",
		container: `env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: s, key: "my key"}}}]`,
		expect:    rejected("env[0].valueFrom.secretKeyRef.key")},

	// ---- ports (the main container's http port is replaced in the main
	// position; other positions use other names and numbers, since a port
	// name repeated across containers is a server warning)
	{name: "port-protocol-lower-case", about: "protocol is TCP, UDP or SCTP",
		container: `ports: [{name: metrics, containerPort: 9000, protocol: tcp}]`, expect: rejected("ports[0].protocol")},
	{name: "port-protocol-udp", about: "UDP next to TCP",
		container: `ports: [{name: metrics, containerPort: 9000}, {name: stats, containerPort: 8125, protocol: UDP}]`,
		expect:    accepted()},

	// ---- probes: main container and sidecar (an init container without
	// restartPolicy Always may have no probe at all, whatever its fields)
	{name: "probe-with-two-handlers", about: "a probe has one handler", positions: probed,
		container: `livenessProbe: {tcpSocket: {port: 8080}, httpGet: {path: /, port: 8080}}`,
		expect:    rejected("livenessProbe.tcpSocket")},
	{name: "readiness-probe-with-two-handlers", about: "a readiness probe with two handlers", positions: probed,
		container: `readinessProbe: {exec: {command: ["true"]}, tcpSocket: {port: 9000}}`,
		expect:    rejected("readinessProbe.tcpSocket")},
	{name: "probe-without-handler", about: "a probe needs a handler", positions: probed,
		container: `livenessProbe: {periodSeconds: 10}`, expect: rejected("livenessProbe")},
	{name: "readiness-probe-without-handler", about: "a readiness probe with no handler", positions: probed,
		container: `readinessProbe: {periodSeconds: 5}`, expect: rejected("readinessProbe")},
	{name: "probe-negative-period", about: "periods are 0 or more", positions: probed,
		container: `livenessProbe: {tcpSocket: {port: 8080}, timeoutSeconds: -1}`,
		expect:    rejected("livenessProbe.timeoutSeconds")},
	{name: "liveness-success-threshold", about: "successThreshold of a liveness probe is 1", positions: probed,
		container: `livenessProbe: {exec: {command: ["true"]}, successThreshold: 3}`,
		expect:    rejected("livenessProbe.successThreshold")},
	{name: "exec-command-empty", about: "a liveness probe with exec.command: []", positions: probed,
		container: `livenessProbe: {exec: {command: []}}`, expect: rejected("livenessProbe.exec.command")},
	{name: "http-header-name-with-space", about: "an httpGet header name with a space", positions: probed,
		container: `livenessProbe: {httpGet: {port: 8080, httpHeaders: [{name: "X Model", value: a}]}}`,
		expect:    rejected("livenessProbe.httpGet.httpHeaders")},
	{name: "probe-grpc-and-named-port", about: "a gRPC probe and a probe on a declared named port", positions: probed,
		container: `
ports: [{name: admin, containerPort: 9000}]
livenessProbe: {grpc: {port: 9000}}
startupProbe: {httpGet: {path: /, port: admin}, failureThreshold: 60}`,
		expect: accepted()},
	{name: "probe-named-port-undeclared", about: "cross-check: the named port exists", positions: probed,
		container: `startupProbe: {httpGet: {path: /, port: admin}}`, expect: crossCheck("startupProbe.httpGet.port")},

	// ---- lifecycle: main container and sidecar (init containers have none)
	{name: "prestop-sleep-0", about: "a preStop sleep of 0 seconds", positions: probed,
		container: `lifecycle: {preStop: {sleep: {seconds: 0}}}`, expect: accepted()},
	{name: "prestop-sleep-30", about: "a preStop sleep as long as the default grace period (30 s)", positions: probed,
		container: `lifecycle: {preStop: {sleep: {seconds: 30}}}`, expect: accepted()},
	{name: "prestop-sleep-31", about: "a preStop sleep longer than the default grace period", positions: probed,
		container: `lifecycle: {preStop: {sleep: {seconds: 31}}}`, expect: rejected("lifecycle.preStop.sleep")},
	{name: "stop-signal", positions: probed,
		about:     "lifecycle.stopSignal, which the v1.37 server drops (its feature gate is off): the function refuses it rather than lose it",
		container: `lifecycle: {stopSignal: SIGINT}`, expect: rejected("lifecycle.stopSignal")},

	// ---- volume mounts (the server names volumeMounts.subPath without an index)
	{name: "sub-path-absolute", about: "subPath is relative", pod: dataVolume,
		container: `volumeMounts: [{name: data, mountPath: /data, subPath: /etc}]`, expect: rejected("volumeMounts.subPath")},
	{name: "sub-path-parent", about: "subPath does not contain ..", pod: dataVolume,
		container: `volumeMounts: [{name: data, mountPath: /data, subPath: a/../../b}]`, expect: rejected("volumeMounts.subPath")},
	{name: "sub-path-dot-dot", about: "a subPath of ../..", pod: dataVolume,
		container: `volumeMounts: [{name: data, mountPath: /data, subPath: ../..}]`, expect: rejected("volumeMounts.subPath")},
	{name: "sub-path-relative", about: "a relative subPath", pod: dataVolume,
		container: `volumeMounts: [{name: data, mountPath: /data, subPath: models/v1}]`, expect: accepted()},
	{name: "recursive-read-only-without-read-only", about: "recursiveReadOnly: Enabled without readOnly", pod: dataVolume,
		container: `volumeMounts: [{name: data, mountPath: /data, recursiveReadOnly: Enabled}]`,
		expect:    rejected("volumeMounts.recursiveReadOnly")},

	// ---- resources
	{name: "extended-resource-request-equal-limit", about: "an extended resource request equal to its limit",
		container: `
resources:
  requests: {nvidia.com/gpu: 1, cpu: 100m, memory: 128Mi, ephemeral-storage: 100Mi}
  limits: {nvidia.com/gpu: 1, cpu: 200m, memory: 128Mi, ephemeral-storage: 200Mi}`,
		expect: accepted()},
	{name: "extended-resource-request-not-limit", about: "an extended resource request equals its limit",
		container: `
resources:
  requests: {nvidia.com/gpu: 1, cpu: 100m, memory: 128Mi, ephemeral-storage: 100Mi}
  limits: {nvidia.com/gpu: 2, cpu: 200m, memory: 128Mi, ephemeral-storage: 200Mi}`,
		expect: rejected("resources.requests")},
	{name: "extended-resource-request-without-limit", about: "an extended resource request needs a limit",
		container: `
resources:
  requests: {nvidia.com/gpu: 1, cpu: 100m, memory: 128Mi, ephemeral-storage: 100Mi}
  limits: {cpu: 200m, memory: 128Mi, ephemeral-storage: 200Mi}`,
		expect: rejected("resources.limits")},
	{name: "hugepages-without-cpu-or-memory", about: "hugepages without a cpu or memory request or limit",
		// A target that needs no request: without a cpu request the HPA's
		// default CPU target would be refused first.
		pod:       `autoscaling: {metrics: [{type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 100Mi}}}]}`,
		container: `resources: {limits: {hugepages-2Mi: 64Mi}}`, expect: rejected("resources")},
	{name: "resource-name-invalid", about: "cpus is not a resource",
		pod: `autoscaling: {targetMemoryUtilizationPercentage: 80}`,
		container: `
resources:
  requests: {cpus: 100m, cpu: 100m, memory: 128Mi, ephemeral-storage: 100Mi}
  limits: {cpu: 200m, memory: 128Mi, ephemeral-storage: 200Mi}`,
		expect: rejected("resources.requests[cpus]")},
	{name: "cpu-target-without-request", positions: probed,
		about: "a CPU target while a container the HPA controller counts has no CPU request: the controller's request sum fails",
		container: `
resources:
  requests: {memory: 32Mi, ephemeral-storage: 10Mi}
  limits: {memory: 32Mi, ephemeral-storage: 10Mi}`,
		expect: crossCheck("resources.requests[cpu]")},

	// ---- container security context
	{name: "seccomp-localhost-without-profile", about: "seccomp Localhost without localhostProfile",
		container: `securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: Localhost}}`,
		expect:    rejected("securityContext.seccompProfile.localhostProfile")},
	{name: "pod-security-seccomp-unconfined", about: "a container seccomp profile Unconfined; the function warns",
		container: `securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: Unconfined}}`,
		expect:    warned("seccompProfile")},
	{name: "pod-security-apparmor-unconfined", about: "an AppArmor profile Unconfined; the function warns",
		container: `securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}, appArmorProfile: {type: Unconfined}}`,
		expect:    warned("AppArmor")},
	{name: "pod-security-selinux-type", about: "an SELinux type the profiles forbid; the function warns",
		container: `securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}, seLinuxOptions: {type: spc_t}}`,
		expect:    warned("seLinuxOptions")},
	{name: "pod-security-root-container", about: "a container that runs as root; the function warns",
		pod:       `podSecurityContext: {seccompProfile: {type: RuntimeDefault}}`,
		container: `securityContext: {runAsUser: 0, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}`,
		expect:    warned("runAsUser=0")},

	// ---- the pod: written once
	{name: "affinity-operator-lower-case", about: "a node affinity operator 'in'",
		pod: `
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms: [{matchExpressions: [{key: gpu, operator: in, values: [a100]}]}]`,
		expect: rejected("affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator")},
	{name: "claim-name-empty", about: `a persistentVolumeClaim with claimName ""`,
		pod: `
volumes: [{name: models, persistentVolumeClaim: {claimName: ""}}]
volumeMounts: [{name: models, mountPath: /models}]`,
		expect: rejected("volumes[0].persistentVolumeClaim.claimName")},
	{name: "config-map-item-path-absolute", about: "a configMap item with an absolute path",
		pod: `
volumes: [{name: conf, configMap: {name: c, items: [{key: k, path: /etc/k}]}}]
volumeMounts: [{name: conf, mountPath: /conf}]`,
		expect: rejected("volumes[0].configMap.items[0].path")},
	{name: "volume-with-two-sources", about: "a volume has one source",
		pod: `
volumes: [{name: data, emptyDir: {}, configMap: {name: settings}}]
volumeMounts: [{name: data, mountPath: /data}]`,
		expect: rejected("volumes[0].configMap")},
	{name: "volume-without-source", about: "a volume without a source: the API server defaults it to an emptyDir",
		pod: `
volumes: [{name: data}]
volumeMounts: [{name: data, mountPath: /data}]`,
		expect: accepted()},
	{name: "node-selector-invalid-key", about: "nodeSelector keys are label keys",
		pod: `nodeSelector: {"gpu type": a100}`, expect: rejected("nodeSelector")},
	{name: "node-selector-invalid-value", about: "nodeSelector values are label values",
		pod: `nodeSelector: {gpu: "a100 80gb"}`, expect: rejected("nodeSelector")},
	{name: "toleration-value-with-space", about: "a toleration value with a space (the server names the operator)",
		pod:    `tolerations: [{key: gpu, operator: Equal, value: "a 100", effect: NoSchedule}]`,
		expect: rejected("tolerations[0].operator")},
	{name: "spread-max-skew-zero", about: "maxSkew is 1 or more",
		pod:    `topologySpreadConstraints: [{maxSkew: 0, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway}]`,
		expect: rejected("topologySpreadConstraints[0].maxSkew")},
	{name: "spread-unknown-when-unsatisfiable", about: "whenUnsatisfiable is DoNotSchedule or ScheduleAnyway",
		pod:    `topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: Never}]`,
		expect: rejected("topologySpreadConstraints[0].whenUnsatisfiable")},
	{name: "spread-without-topology-key", about: "topologyKey is required",
		pod:    `topologySpreadConstraints: [{maxSkew: 1, whenUnsatisfiable: ScheduleAnyway}]`,
		expect: rejected("topologySpreadConstraints[0].topologyKey")},
	{name: "spread-zone-min-domains", about: "a zone spread with minDomains",
		pod: `
topologySpreadConstraints:
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: DoNotSchedule
  minDomains: 2
  labelSelector: {matchLabels: {app.kubernetes.io/name: spread-zone-min-domains}}`,
		expect: accepted()},
	{name: "match-label-keys-repeat-selector",
		about: "matchLabelKeys repeating a labelSelector key: the Deployment is accepted, every pod refused",
		pod: `
podLabels: {tier: worker}
topologySpreadConstraints:
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: ScheduleAnyway
  labelSelector: {matchLabels: {tier: worker}}
  matchLabelKeys: [tier]`,
		expect: rejected("topologySpreadConstraints[0][0]")},
	{name: "sysctl-bad-name", about: "a sysctl name that is not one",
		pod:    `podSecurityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, sysctls: [{name: "net..ipv4", value: "1"}]}`,
		expect: rejected("podSecurityContext.sysctls[0].name")},
	{name: "image-pull-secret-without-name", about: "an image pull secret has a name",
		pod: `imagePullSecrets: [{name: ""}]`, expect: warned("invalid empty name")},
	{name: "max-surge-200-percent", about: "maxSurge 200%",
		pod: `strategy: {rollingUpdate: {maxSurge: 200%, maxUnavailable: 0}}`, expect: accepted()},
	{name: "pod-security-host-path", about: "a hostPath volume: Pod Security baseline and restricted refuse the pods; the function warns",
		pod: `
volumes: [{name: host, hostPath: {path: /var/lib/models}}]
volumeMounts: [{name: host, mountPath: /models}]`,
		expect: warned("restricted volume types")},
	{name: "pod-security-nfs", about: "an NFS volume: Pod Security restricted refuses the pods; the function warns",
		pod: `
volumes: [{name: nfs, nfs: {server: nfs.example.com, path: /models}}]
volumeMounts: [{name: nfs, mountPath: /models}]`,
		expect: warned("restricted volume types")},
	{name: "pod-security-sysctl", about: "an unsafe sysctl: Pod Security baseline refuses the pods; the function warns",
		pod:    `podSecurityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, sysctls: [{name: kernel.msgmax, value: "65536"}]}`,
		expect: warned("forbidden sysctls")},
	{name: "gpu-preset-with-resource-claims",
		about: "the gpu autoscaling preset with GPUs from resourceClaims (DRA) instead of gpu.count",
		pod: `
resources: {claims: [{name: gpu}]}
autoscaling: {gpu: {targetUtilizationPercentage: 70}}
resourceClaims: [{name: gpu, resourceClaimTemplateName: one-gpu}]`,
		expect: accepted()},
	{name: "container-resource-on-sidecar", about: "a ContainerResource metric on a native sidecar", positions: sidecarOnly,
		pod: `
autoscaling:
  metrics:
  - type: ContainerResource
    containerResource: {name: cpu, container: side, target: {type: Utilization, averageUtilization: 60}}`,
		expect: accepted()},

	// ---- the HPA
	{name: "hpa-tolerance-negative", about: "an HPA tolerance of -0.1",
		pod: `autoscaling: {behavior: {scaleUp: {tolerance: "-0.1"}}}`, expect: rejected("autoscaling.behavior.scaleUp.tolerance")},
	{name: "hpa-min-zero-select-min-percent",
		about: "minReplicas 0 with scaleUp selectPolicy Min and a Percent policy: the HPA never leaves zero",
		pod: `
autoscaling:
  minReplicas: 0
  queue: {metricName: backlog, targetPerReplica: "20"}
  behavior:
    scaleUp:
      selectPolicy: Min
      policies:
      - {type: Pods, value: 4, periodSeconds: 60}
      - {type: Percent, value: 100, periodSeconds: 60}`,
		expect: crossCheck("autoscaling.behavior.scaleUp.policies[1]")},
	{name: "min-replicas-zero-with-external", about: "minReplicas 0 with an External metric (v1.37 HPAScaleToZero)",
		pod: `autoscaling: {minReplicas: 0, queue: {metricName: backlog, targetPerReplica: "20"}}`, expect: accepted()},
	{name: "min-replicas-zero-without-external", about: "minReplicas 0 needs an Object or External metric",
		pod: `autoscaling: {minReplicas: 0}`, expect: rejected("autoscaling.minReplicas")},
	{name: "object-metric-without-api-version", about: "an Object metric must name describedObject.apiVersion",
		pod: `
autoscaling:
  metrics:
  - type: Object
    object:
      metric: {name: requests_per_second}
      describedObject: {kind: Service, name: front}
      target: {type: Value, value: "100"}`,
		expect: rejected("autoscaling.metrics[0].object.describedObject.apiVersion")},
	{name: "resource-metric-average-value", about: "a Resource metric with an AverageValue target",
		pod: `
autoscaling:
  metrics:
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 100Mi}}`,
		expect: accepted()},

	// ---- the target version: rendered for 1.35 and applied to the server
	// started with --emulated-version=1.35
	{name: "v1-35-min-replicas-zero", version: "1.35", flags: []string{"--kubernetes-version", "1.35"},
		about: "minReplicas 0 for Kubernetes 1.35: HPAScaleToZero is off there, so the server refuses it, and the function with it",
		pod: noService + `
autoscaling: {minReplicas: 0, maxReplicas: 5, queue: {metricName: backlog, targetPerReplica: "20"}}`,
		expect: rejected("autoscaling.minReplicas")},
	{name: "v1-35-min-replicas-zero-field", version: "1.35",
		about: `minReplicas 0 with spec.kubernetesVersion "1.35" in the config: the server and the function refuse it`,
		pod: noService + `
kubernetesVersion: "1.35"
autoscaling: {minReplicas: 0, maxReplicas: 5, queue: {metricName: backlog, targetPerReplica: "20"}}`,
		expect: rejected("autoscaling.minReplicas")},
	{name: "v1-35-tolerance", version: "1.35", flags: []string{"--kubernetes-version", "1.35"},
		about: "an HPA tolerance: HPAConfigurableTolerance is beta (on) from 1.35",
		pod: noService + `
autoscaling: {maxReplicas: 5, behavior: {scaleUp: {tolerance: "0.05"}}}`,
		expect: accepted()},
}

// noService drops the base pipeline's port and probe: the emulating server
// runs no controller manager to give a Service's Deployment its pods.
const noService = `
ports: null
readinessProbe: null`

// dataVolume is the volume the volume-mount cases mount.
const dataVolume = `volumes: [{name: data, emptyDir: {}}]`
