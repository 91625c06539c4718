package fn

import (
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// validateServing checks the Service, the annotations, shared memory and the
// container, pod and Deployment fields that are passed through, as the API
// server would check them at apply time.
func validateServing(p *v1alpha1.MLPipeline, resolved settings, spec *field.Path, skip pathSet) field.ErrorList {
	s := p.Spec
	var errs field.ErrorList
	errs = append(errs, validateGeneratedAnnotations(s.Annotations, spec.Child("annotations"))...)
	errs = append(errs, validateService(s, resolved, spec)...)
	errs = append(errs, validateEnvFrom(s.EnvFrom, spec.Child("envFrom"))...)
	errs = append(errs, validatePullPolicy(s.ImagePullPolicy, spec.Child("imagePullPolicy"))...)
	grace := ptr.Deref(s.TerminationGracePeriodSeconds, defaultTerminationGracePeriod)
	if grace < 0 {
		errs = append(errs, field.Invalid(spec.Child("terminationGracePeriodSeconds"), grace, "must be 0 or more"))
	}
	errs = append(errs, validateLifecycle(s.Lifecycle, grace, spec.Child("lifecycle"))...)
	errs = append(errs, dns1123Subdomain(spec.Child("priorityClassName"), s.PriorityClassName)...)
	if rc := s.RuntimeClassName; rc != nil && *rc == "" {
		errs = append(errs, field.Required(spec.Child("runtimeClassName"), "a RuntimeClass name, or leave the field out"))
	} else {
		errs = append(errs, dns1123Subdomain(spec.Child("runtimeClassName"), ptr.Deref(rc, ""))...)
	}
	claims := validateResourceClaims(s.ResourceClaims, spec.Child("resourceClaims"))
	errs = append(errs, claims...)
	if !skip.has(spec.Child("resourceClaims")) && len(claims) == 0 {
		errs = append(errs, validateClaimRefs(s.Resources.Claims, s.ResourceClaims, spec.Child("resources", "claims"))...)
	}
	errs = append(errs, validateInitContainers(s, resolved, spec, skip)...)
	errs = append(errs, validateSharedMemory(s, resolved, spec)...)
	errs = append(errs, validateDeploymentFields(s, spec)...)
	return errs
}

// validateGeneratedAnnotations checks annotations that go on generated
// objects: valid keys and values, and none of the keys the function and the
// orchestrators keep for their own bookkeeping.
func validateGeneratedAnnotations(annotations map[string]string, fldPath *field.Path) field.ErrorList {
	errs := apivalidation.ValidateAnnotations(annotations, fldPath)
	for _, key := range sortedKeys(annotations) {
		if key == OwnerAnnotation {
			errs = append(errs, field.Forbidden(fldPath.Key(key), "is set by the function: pruning and updates rely on it"))
			continue
		}
		for _, prefix := range bookkeepingPrefixes {
			if strings.HasPrefix(key, prefix) {
				errs = append(errs, field.Forbidden(fldPath.Key(key),
					fmt.Sprintf("%s annotations are the orchestrators' bookkeeping (kpt, kustomize), carried over from earlier renders", prefix)))
				break
			}
		}
	}
	return errs
}

var serviceTypes = []corev1.ServiceType{corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer}

func validateService(s v1alpha1.MLPipelineSpec, resolved settings, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	fldPath := spec.Child("service")
	if svc := s.Service; svc != nil {
		if svc.Type != "" && !slices.Contains(serviceTypes, svc.Type) {
			errs = append(errs, field.NotSupported(fldPath.Child("type"), svc.Type, serviceTypes))
		}
		errs = append(errs, validateGeneratedAnnotations(svc.Annotations, fldPath.Child("annotations"))...)
		if resolved.service && len(s.Ports) == 0 {
			errs = append(errs, field.Invalid(fldPath.Child("enabled"), true, "a Service needs at least one entry in spec.ports"))
		}
	}
	if resolved.service && len(s.Ports) > 1 {
		// The API server requires a name on every port of a multi-port Service.
		for i, port := range s.Ports {
			if port.Name == "" {
				errs = append(errs, field.Required(spec.Child("ports").Index(i).Child("name"),
					"when a Service is generated for more than one port, each needs a name"))
			}
		}
	}
	return errs
}

func validateEnvFrom(sources []corev1.EnvFromSource, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, src := range sources {
		idxPath := fldPath.Index(i)
		var refs []string
		if src.ConfigMapRef != nil {
			refs = append(refs, "configMapRef")
			errs = append(errs, referenceName(idxPath.Child("configMapRef", "name"), src.ConfigMapRef.Name)...)
		}
		if src.SecretRef != nil {
			refs = append(refs, "secretRef")
			errs = append(errs, referenceName(idxPath.Child("secretRef", "name"), src.SecretRef.Name)...)
		}
		switch len(refs) {
		case 0:
			errs = append(errs, field.Required(idxPath, "configMapRef or secretRef"))
		case 2:
			errs = append(errs, field.Forbidden(idxPath, "give configMapRef or secretRef, not both"))
		}
		// Environment variable names (and so prefixes) are any printable
		// ASCII characters but "=" since Kubernetes v1.34.
		for _, r := range src.Prefix {
			if r < ' ' || r > '~' || r == '=' {
				errs = append(errs, field.Invalid(idxPath.Child("prefix"), src.Prefix, "must be printable ASCII characters other than '='"))
				break
			}
		}
	}
	return errs
}

// referenceName checks the name of a referenced ConfigMap or Secret.
func referenceName(fldPath *field.Path, name string) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	return dns1123Subdomain(fldPath, name)
}

var pullPolicies = []corev1.PullPolicy{corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever}

func validatePullPolicy(policy corev1.PullPolicy, fldPath *field.Path) field.ErrorList {
	if policy == "" || slices.Contains(pullPolicies, policy) {
		return nil
	}
	return field.ErrorList{field.NotSupported(fldPath, policy, pullPolicies)}
}

// defaultTerminationGracePeriod is the API server's default, in seconds.
const defaultTerminationGracePeriod int64 = 30

func validateLifecycle(l *corev1.Lifecycle, grace int64, fldPath *field.Path) field.ErrorList {
	if l == nil {
		return nil
	}
	var errs field.ErrorList
	for _, h := range []struct {
		name    string
		handler *corev1.LifecycleHandler
	}{{"postStart", l.PostStart}, {"preStop", l.PreStop}} {
		if h.handler != nil {
			errs = append(errs, validateHandler(h.handler, grace, fldPath.Child(h.name))...)
		}
	}
	return errs
}

// validateHandler checks that a lifecycle hook has exactly one action and
// that the action is complete; a sleep must end within the grace period
// (the API server checks it against the default 30 s when none is set).
func validateHandler(h *corev1.LifecycleHandler, grace int64, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	var actions []string
	if h.Exec != nil {
		actions = append(actions, "exec")
		if len(h.Exec.Command) == 0 {
			errs = append(errs, field.Required(fldPath.Child("exec", "command"), ""))
		}
	}
	if h.HTTPGet != nil {
		actions = append(actions, "httpGet")
		errs = append(errs, handlerPort(h.HTTPGet.Port.IntVal, h.HTTPGet.Port.StrVal, fldPath.Child("httpGet", "port"))...)
	}
	if h.TCPSocket != nil {
		actions = append(actions, "tcpSocket")
		errs = append(errs, handlerPort(h.TCPSocket.Port.IntVal, h.TCPSocket.Port.StrVal, fldPath.Child("tcpSocket", "port"))...)
	}
	if h.Sleep != nil {
		actions = append(actions, "sleep")
		if n := h.Sleep.Seconds; n < 0 || grace >= 0 && n > grace {
			errs = append(errs, field.Invalid(fldPath.Child("sleep", "seconds"), n,
				fmt.Sprintf("must be 0 or more and at most the termination grace period of %d s (spec.terminationGracePeriodSeconds): the container would be killed before the sleep ends", grace)))
		}
	}
	switch len(actions) {
	case 0:
		errs = append(errs, field.Required(fldPath, "one of exec, httpGet, tcpSocket or sleep"))
	case 1:
	default:
		errs = append(errs, field.Forbidden(fldPath, fmt.Sprintf("has %s: give exactly one action", strings.Join(actions, " and "))))
	}
	return errs
}

func handlerPort(number int32, name string, fldPath *field.Path) field.ErrorList {
	if name == "" {
		return portNumber(number, true, fldPath)
	}
	return invalidFor(fldPath, name, validation.IsValidPortName(name))
}

func validateResourceClaims(claims []corev1.PodResourceClaim, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, c := range claims {
		idxPath := fldPath.Index(i)
		errs = append(errs, uniqueLabel(c.Name, seen, idxPath.Child("name"))...)
		claim, template := ptr.Deref(c.ResourceClaimName, ""), ptr.Deref(c.ResourceClaimTemplateName, "")
		switch {
		case claim == "" && template == "":
			errs = append(errs, field.Required(idxPath, "resourceClaimName or resourceClaimTemplateName"))
		case claim != "" && template != "":
			errs = append(errs, field.Forbidden(idxPath, "give resourceClaimName or resourceClaimTemplateName, not both"))
		}
		errs = append(errs, dns1123Subdomain(idxPath.Child("resourceClaimName"), claim)...)
		errs = append(errs, dns1123Subdomain(idxPath.Child("resourceClaimTemplateName"), template)...)
	}
	return errs
}

// validateClaimRefs checks a container's resources.claims: each names one of
// the pod's resourceClaims, once per request.
func validateClaimRefs(refs []corev1.ResourceClaim, claims []corev1.PodResourceClaim, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	declared := map[string]bool{}
	for _, c := range claims {
		declared[c.Name] = true
	}
	seen := map[string]bool{}
	for i, r := range refs {
		name := fldPath.Index(i).Child("name")
		key := r.Name + "/" + r.Request
		switch {
		case r.Name == "":
			errs = append(errs, field.Required(name, ""))
		case !declared[r.Name]:
			errs = append(errs, field.NotFound(name, r.Name))
		case seen[key]:
			errs = append(errs, field.Duplicate(name, r.Name))
		}
		seen[key] = true
	}
	return errs
}

// validateInitContainers checks init containers and native sidecars as the
// API server does, and against the pipeline's container and volumes.
func validateInitContainers(s v1alpha1.MLPipelineSpec, resolved settings, spec *field.Path, skip pathSet) field.ErrorList {
	var errs field.ErrorList
	grace := ptr.Deref(s.TerminationGracePeriodSeconds, defaultTerminationGracePeriod)
	volumes := map[string]bool{}
	for _, v := range s.Volumes {
		volumes[v.Name] = true
	}
	names := map[string]bool{resolved.containerName: true}
	for i, c := range s.InitContainers {
		idxPath := spec.Child("initContainers").Index(i)
		errs = append(errs, uniqueLabel(c.Name, names, idxPath.Child("name"))...)
		if c.Image == "" {
			errs = append(errs, field.Required(idxPath.Child("image"), ""))
		} else if _, err := parseImageRef(c.Image); err != nil {
			errs = append(errs, field.Invalid(idxPath.Child("image"), c.Image, err.Error()))
		}
		sidecar := c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
		if c.RestartPolicy != nil && !sidecar {
			errs = append(errs, field.NotSupported(idxPath.Child("restartPolicy"), *c.RestartPolicy,
				[]corev1.ContainerRestartPolicy{corev1.ContainerRestartPolicyAlways}))
		}
		if !sidecar {
			for _, f := range []struct {
				name  string
				given bool
			}{{"lifecycle", c.Lifecycle != nil}, {"livenessProbe", c.LivenessProbe != nil},
				{"readinessProbe", c.ReadinessProbe != nil}, {"startupProbe", c.StartupProbe != nil}} {
				if f.given {
					errs = append(errs, field.Forbidden(idxPath.Child(f.name), "may only be set on a native sidecar (restartPolicy: Always)"))
				}
			}
		}
		errs = append(errs, validateEnv(c.Env, idxPath.Child("env"))...)
		errs = append(errs, validateEnvFrom(c.EnvFrom, idxPath.Child("envFrom"))...)
		errs = append(errs, validatePorts(c.Ports, idxPath.Child("ports"))...)
		errs = append(errs, validateResources(c.Resources, idxPath.Child("resources"))...)
		errs = append(errs, validatePullPolicy(c.ImagePullPolicy, idxPath.Child("imagePullPolicy"))...)
		errs = append(errs, validateLifecycle(c.Lifecycle, grace, idxPath.Child("lifecycle"))...)
		if !skip.has(spec.Child("resourceClaims")) {
			errs = append(errs, validateClaimRefs(c.Resources.Claims, s.ResourceClaims, idxPath.Child("resources", "claims"))...)
		}
		errs = append(errs, validateMounts(c.VolumeMounts, volumes, skip.has(spec.Child("volumes")), idxPath.Child("volumeMounts"))...)
	}
	return errs
}

// validateSharedMemory keeps /dev/shm to one owner: spec.sharedMemory, or a
// volume the user mounts there.
func validateSharedMemory(s v1alpha1.MLPipelineSpec, resolved settings, spec *field.Path) field.ErrorList {
	if resolved.sharedMemory == nil {
		return nil
	}
	var errs field.ErrorList
	if resolved.sharedMemory.Sign() <= 0 {
		errs = append(errs, field.Invalid(spec.Child("sharedMemory"), resolved.sharedMemory.String(), "must be more than 0"))
	}
	for i, v := range s.Volumes {
		if v.Name == ShmVolumeName {
			errs = append(errs, field.Invalid(spec.Child("volumes").Index(i).Child("name"), v.Name,
				fmt.Sprintf("is the volume spec.sharedMemory mounts at %s; rename it", ShmMountPath)))
		}
	}
	for i, m := range s.VolumeMounts {
		if m.MountPath == ShmMountPath {
			errs = append(errs, field.Invalid(spec.Child("volumeMounts").Index(i).Child("mountPath"), m.MountPath,
				"is where spec.sharedMemory is mounted; leave out spec.sharedMemory or this mount"))
		}
	}
	return errs
}

var strategyTypes = []appsv1.DeploymentStrategyType{appsv1.RollingUpdateDeploymentStrategyType, appsv1.RecreateDeploymentStrategyType}

func validateDeploymentFields(s v1alpha1.MLPipelineSpec, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	if st := s.Strategy; st != nil {
		fldPath := spec.Child("strategy")
		if st.Type != "" && !slices.Contains(strategyTypes, st.Type) {
			errs = append(errs, field.NotSupported(fldPath.Child("type"), st.Type, strategyTypes))
		}
		if ru := st.RollingUpdate; ru != nil {
			ruPath := fldPath.Child("rollingUpdate")
			if st.Type == appsv1.RecreateDeploymentStrategyType {
				errs = append(errs, field.Forbidden(ruPath, "may not be set when type is Recreate"))
			}
			errs = append(errs, intOrPercent(ru.MaxSurge, ruPath.Child("maxSurge"))...)
			errs = append(errs, intOrPercent(ru.MaxUnavailable, ruPath.Child("maxUnavailable"))...)
			if isZero(ru.MaxSurge) && isZero(ru.MaxUnavailable) {
				errs = append(errs, field.Invalid(ruPath.Child("maxUnavailable"), ru.MaxUnavailable.String(),
					"may not be 0 when maxSurge is 0: the rollout could never replace a pod"))
			}
		}
	}
	if s.MinReadySeconds < 0 {
		errs = append(errs, field.Invalid(spec.Child("minReadySeconds"), s.MinReadySeconds, "must be 0 or more"))
	}
	if r := s.RevisionHistoryLimit; r != nil && *r < 0 {
		errs = append(errs, field.Invalid(spec.Child("revisionHistoryLimit"), *r, "must be 0 or more"))
	}
	if d := s.ProgressDeadlineSeconds; d != nil && *d <= s.MinReadySeconds {
		errs = append(errs, field.Invalid(spec.Child("progressDeadlineSeconds"), *d,
			fmt.Sprintf("must be more than spec.minReadySeconds (%d)", s.MinReadySeconds)))
	}
	return errs
}

// isZero reports whether an int-or-percent is given as 0 or "0%".
func isZero(v *intstr.IntOrString) bool {
	return v != nil && (v.String() == "0" || v.String() == "0%")
}

// uniqueLabel checks a name that must be a DNS-1123 label not in seen, and
// adds it to seen.
func uniqueLabel(name string, seen map[string]bool, fldPath *field.Path) field.ErrorList {
	defer func() { seen[name] = true }()
	switch {
	case name == "":
		return field.ErrorList{field.Required(fldPath, "")}
	case seen[name]:
		return field.ErrorList{field.Duplicate(fldPath, name)}
	}
	return dns1123Label(fldPath, name)
}

func dns1123Subdomain(fldPath *field.Path, value string) field.ErrorList {
	if value == "" {
		return nil
	}
	return invalidFor(fldPath, value, validation.IsDNS1123Subdomain(value))
}
