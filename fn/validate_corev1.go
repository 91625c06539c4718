package fn

import (
	"fmt"
	"reflect"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
)

// validatePassThrough checks the core/v1 fields the pipeline passes to the
// pod unchanged, with the API server's rules for them, so that the function
// never prints a Deployment the API server would refuse. The rules follow
// k8s.io/kubernetes pkg/apis/core/validation, which the function cannot
// import (see README, "Dependencies"); each has a case in
// testdata/error/passthrough-* and in e2e/apiserver/corpus.
func validatePassThrough(s v1alpha1.MLPipelineSpec, resolved settings, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, e := range s.Env {
		errs = append(errs, validateEnvVar(e, spec.Child("env").Index(i))...)
	}
	errs = append(errs, rootUnderNonRoot(resolved.main.securityContext, resolved.podSecurityContext, spec)...)
	for i, port := range s.Ports {
		if port.Protocol != "" && !supportedProtocols.Has(port.Protocol) {
			errs = append(errs, field.NotSupported(spec.Child("ports").Index(i).Child("protocol"), port.Protocol, sets.List(supportedProtocols)))
		}
	}
	declared := sets.New[string]()
	for _, port := range s.Ports {
		if port.Name != "" {
			declared.Insert(port.Name)
		}
	}
	errs = append(errs, validateProbe(s.ReadinessProbe, false, declared, spec.Child("readinessProbe"))...)
	errs = append(errs, validateProbe(s.LivenessProbe, true, declared, spec.Child("livenessProbe"))...)
	errs = append(errs, validateProbe(s.StartupProbe, true, declared, spec.Child("startupProbe"))...)
	for i, v := range s.Volumes {
		// A volume with no source is an emptyDir to the API server, which
		// defaults it; two sources it refuses.
		errs = append(errs, oneSource(reflect.ValueOf(v.VolumeSource), "volume type", false, spec.Child("volumes").Index(i))...)
	}
	for i, m := range s.VolumeMounts {
		idxPath := spec.Child("volumeMounts").Index(i)
		if m.SubPath != "" && m.SubPathExpr != "" {
			errs = append(errs, field.Invalid(idxPath.Child("subPathExpr"), m.SubPathExpr, "subPathExpr and subPath are mutually exclusive"))
		}
		errs = append(errs, localDescendingPath(m.SubPath, idxPath.Child("subPath"))...)
		errs = append(errs, localDescendingPath(m.SubPathExpr, idxPath.Child("subPathExpr"))...)
	}
	errs = append(errs, inOrder(metav1validation.ValidateLabels(s.NodeSelector, spec.Child("nodeSelector")))...)
	errs = append(errs, validateSpreadConstraints(s.TopologySpreadConstraints, spec.Child("topologySpreadConstraints"))...)
	for i, secret := range s.ImagePullSecrets {
		if secret.Name == "" {
			errs = append(errs, field.Required(spec.Child("imagePullSecrets").Index(i).Child("name"), "the name of a Secret of type kubernetes.io/dockerconfigjson"))
		}
	}
	return errs
}

var supportedProtocols = sets.New(corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP)

func validateEnvVar(e corev1.EnvVar, fldPath *field.Path) field.ErrorList {
	if e.ValueFrom == nil {
		return nil
	}
	if e.Value != "" {
		return field.ErrorList{field.Forbidden(fldPath.Child("valueFrom"), "may not be specified when `value` is not empty")}
	}
	return oneSource(reflect.ValueOf(*e.ValueFrom), "source", true, fldPath.Child("valueFrom"))
}

// maxNamesListed keeps a message about a long union short.
const maxNamesListed = 6

// oneSource checks a union such as VolumeSource or EnvVarSource: a struct
// of optional pointers of which at most one, and when required exactly one,
// is set. Reading the struct keeps the rule true as core/v1 adds sources.
func oneSource(union reflect.Value, what string, required bool, fldPath *field.Path) field.ErrorList {
	var given []string
	var names []string
	t := union.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if t.Field(i).Type.Kind() != reflect.Pointer || name == "" {
			continue
		}
		names = append(names, name)
		if !union.Field(i).IsNil() {
			given = append(given, name)
		}
	}
	switch {
	case len(given) == 0 && !required:
		return nil
	case len(given) == 0 && len(names) > maxNamesListed:
		return field.ErrorList{field.Required(fldPath, fmt.Sprintf("must specify a %s", what))}
	case len(given) == 0:
		return field.ErrorList{field.Required(fldPath, fmt.Sprintf("must specify a %s: one of %s", what, strings.Join(names, ", ")))}
	case len(given) > 1:
		return field.ErrorList{field.Forbidden(fldPath.Child(given[1]), fmt.Sprintf("may not specify more than 1 %s (%s is set)", what, given[0]))}
	}
	return nil
}

// validateResources applies the API server's rules for container
// resources: standard names (cpu, memory, ephemeral-storage, hugepages-*)
// or domain-prefixed extended resources, no negative amounts, requests at
// most their limits; extended resources are whole numbers that cannot be
// overcommitted, so their request needs a limit and the two must be equal.
func validateResources(r corev1.ResourceRequirements, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, list := range []struct {
		path  *field.Path
		items corev1.ResourceList
	}{{fldPath.Child("requests"), r.Requests}, {fldPath.Child("limits"), r.Limits}} {
		for _, name := range sortedResourceNames(list.items) {
			namePath, q := list.path.Key(string(name)), list.items[name]
			switch msg := containerResourceNameError(name); {
			case msg != "":
				errs = append(errs, field.Invalid(namePath, string(name), msg))
			case q.Sign() < 0:
				errs = append(errs, field.Invalid(namePath, q.String(), "must not be negative"))
			case isExtendedResource(name) && q.MilliValue()%1000 != 0:
				errs = append(errs, field.Invalid(namePath, q.String(), "must be an integer"))
			}
		}
	}
	for _, name := range sortedResourceNames(r.Requests) {
		request := r.Requests[name]
		limit, ok := r.Limits[name]
		nonOvercommit := isExtendedResource(name) || strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
		switch {
		case nonOvercommit && !ok:
			errs = append(errs, field.Required(fldPath.Child("limits").Key(string(name)),
				"a limit must be set for resources that cannot be overcommitted"))
		case nonOvercommit && request.Cmp(limit) != 0:
			errs = append(errs, field.Invalid(fldPath.Child("requests").Key(string(name)), request.String(),
				fmt.Sprintf("must be equal to the limit %s: it cannot be overcommitted", limit.String())))
		case ok && request.Cmp(limit) > 0:
			errs = append(errs, field.Invalid(fldPath.Child("requests").Key(string(name)), request.String(),
				fmt.Sprintf("must be less than or equal to the limit %s (%s)", limit.String(), fldPath.Child("limits").Key(string(name)))))
		}
	}
	return errs
}

var standardContainerResources = sets.New(corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage)

func containerResourceNameError(name corev1.ResourceName) string {
	if msgs := validation.IsQualifiedName(string(name)); len(msgs) > 0 {
		return strings.Join(msgs, "; ")
	}
	if !strings.Contains(string(name), "/") {
		if standardContainerResources.Has(name) || strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) {
			return ""
		}
		return "must be a standard resource for containers (cpu, memory, ephemeral-storage, hugepages-<size>) or a domain-prefixed extended resource"
	}
	if isExtendedResource(name) {
		return extendedResourceNameError(string(name))
	}
	return "" // another kubernetes.io resource: left to the API server
}

func isExtendedResource(name corev1.ResourceName) bool {
	domain, _, found := strings.Cut(string(name), "/")
	return found && domain != "kubernetes.io" && !strings.HasSuffix(domain, ".kubernetes.io")
}

// validateProbe checks a probe as the API server does, and that a named
// port is one the container declares (the API server cannot know).
func validateProbe(probe *corev1.Probe, successMustBeOne bool, ports sets.Set[string], fldPath *field.Path) field.ErrorList {
	if probe == nil {
		return nil
	}
	errs := oneSource(reflect.ValueOf(probe.ProbeHandler), "handler type", true, fldPath)
	for _, f := range []struct {
		name  string
		value int32
	}{
		{"initialDelaySeconds", probe.InitialDelaySeconds}, {"timeoutSeconds", probe.TimeoutSeconds},
		{"periodSeconds", probe.PeriodSeconds}, {"successThreshold", probe.SuccessThreshold},
		{"failureThreshold", probe.FailureThreshold},
	} {
		if f.value < 0 {
			errs = append(errs, field.Invalid(fldPath.Child(f.name), f.value, "must be greater than or equal to 0"))
		}
	}
	if successMustBeOne && probe.SuccessThreshold != 0 && probe.SuccessThreshold != 1 {
		errs = append(errs, field.Invalid(fldPath.Child("successThreshold"), probe.SuccessThreshold, "must be 1"))
	}
	if g := probe.TerminationGracePeriodSeconds; g != nil {
		switch {
		case !successMustBeOne:
			errs = append(errs, field.Forbidden(fldPath.Child("terminationGracePeriodSeconds"), "must not be set for readinessProbes"))
		case *g <= 0:
			errs = append(errs, field.Invalid(fldPath.Child("terminationGracePeriodSeconds"), *g, "must be greater than 0"))
		}
	}
	if h := probe.HTTPGet; h != nil {
		errs = append(errs, probePort(h.Port, ports, fldPath.Child("httpGet", "port"))...)
		if h.Scheme != "" && h.Scheme != corev1.URISchemeHTTP && h.Scheme != corev1.URISchemeHTTPS {
			errs = append(errs, field.NotSupported(fldPath.Child("httpGet", "scheme"), h.Scheme, []corev1.URIScheme{corev1.URISchemeHTTP, corev1.URISchemeHTTPS}))
		}
	}
	if t := probe.TCPSocket; t != nil {
		errs = append(errs, probePort(t.Port, ports, fldPath.Child("tcpSocket", "port"))...)
	}
	if g := probe.GRPC; g != nil {
		errs = append(errs, portNumber(g.Port, true, fldPath.Child("grpc", "port"))...)
	}
	return errs
}

func probePort(port intstr.IntOrString, declared sets.Set[string], fldPath *field.Path) field.ErrorList {
	if port.Type == intstr.Int {
		return portNumber(port.IntVal, true, fldPath)
	}
	if msgs := validation.IsValidPortName(port.StrVal); len(msgs) > 0 {
		return field.ErrorList{field.Invalid(fldPath, port.StrVal, strings.Join(msgs, "; "))}
	}
	if !declared.Has(port.StrVal) {
		return field.ErrorList{field.Invalid(fldPath, port.StrVal, "names no port of the container: declare it in spec.ports or give the number")}
	}
	return nil
}

// localDescendingPath is the API server's rule for subPath: relative, and
// never leaving the volume.
func localDescendingPath(path string, fldPath *field.Path) field.ErrorList {
	if path == "" {
		return nil
	}
	var errs field.ErrorList
	if strings.HasPrefix(path, "/") {
		errs = append(errs, field.Invalid(fldPath, path, "must be a relative path"))
	}
	for _, part := range strings.Split(strings.ReplaceAll(path, `\`, "/"), "/") {
		if part == ".." {
			errs = append(errs, field.Invalid(fldPath, path, "must not contain '..'"))
			break
		}
	}
	return errs
}

var unsatisfiableActions = sets.New(corev1.DoNotSchedule, corev1.ScheduleAnyway)

// validateSpreadConstraints checks the user's topology spread constraints
// as the API server does.
func validateSpreadConstraints(constraints []corev1.TopologySpreadConstraint, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := sets.New[string]()
	for i, c := range constraints {
		idxPath := fldPath.Index(i)
		if c.MaxSkew <= 0 {
			errs = append(errs, field.Invalid(idxPath.Child("maxSkew"), c.MaxSkew, "must be greater than zero"))
		}
		if c.TopologyKey == "" {
			errs = append(errs, field.Required(idxPath.Child("topologyKey"), "a node label, such as topology.kubernetes.io/zone"))
		} else {
			errs = append(errs, invalidFor(idxPath.Child("topologyKey"), c.TopologyKey, validation.IsQualifiedName(c.TopologyKey))...)
		}
		if !unsatisfiableActions.Has(c.WhenUnsatisfiable) {
			errs = append(errs, field.NotSupported(idxPath.Child("whenUnsatisfiable"), c.WhenUnsatisfiable, sets.List(unsatisfiableActions)))
		}
		if md := c.MinDomains; md != nil {
			if *md <= 0 {
				errs = append(errs, field.Invalid(idxPath.Child("minDomains"), *md, "must be greater than zero"))
			}
			if c.WhenUnsatisfiable != corev1.DoNotSchedule {
				errs = append(errs, field.Invalid(idxPath.Child("minDomains"), *md, "can only be used when whenUnsatisfiable is DoNotSchedule"))
			}
		}
		pair := c.TopologyKey + "/" + string(c.WhenUnsatisfiable)
		if seen.Has(pair) {
			errs = append(errs, field.Duplicate(idxPath, fmt.Sprintf("{%s, %s}", c.TopologyKey, c.WhenUnsatisfiable)))
		}
		seen.Insert(pair)
		if c.LabelSelector != nil {
			errs = append(errs, metav1validation.ValidateLabelSelector(c.LabelSelector, metav1validation.LabelSelectorValidationOptions{}, idxPath.Child("labelSelector"))...)
		}
		for j, key := range c.MatchLabelKeys {
			keyPath := idxPath.Child("matchLabelKeys").Index(j)
			errs = append(errs, metav1validation.ValidateLabelName(key, keyPath)...)
			if c.LabelSelector == nil {
				errs = append(errs, field.Forbidden(keyPath, "must not be specified when labelSelector is not set"))
			}
		}
		for _, policy := range []struct {
			name  string
			value *corev1.NodeInclusionPolicy
		}{{"nodeAffinityPolicy", c.NodeAffinityPolicy}, {"nodeTaintsPolicy", c.NodeTaintsPolicy}} {
			if policy.value != nil && *policy.value != corev1.NodeInclusionPolicyHonor && *policy.value != corev1.NodeInclusionPolicyIgnore {
				errs = append(errs, field.NotSupported(idxPath.Child(policy.name), *policy.value,
					[]corev1.NodeInclusionPolicy{corev1.NodeInclusionPolicyHonor, corev1.NodeInclusionPolicyIgnore}))
			}
		}
	}
	return errs
}

// rootUnderNonRoot is a cross-check the API server does not make: a
// container that runs as uid 0 while runAsNonRoot is true (the function's
// default for the pod) is refused by the kubelet at start, for ever
// ("container's runAsUser breaks non-root policy").
func rootUnderNonRoot(c *corev1.SecurityContext, pod *corev1.PodSecurityContext, spec *field.Path) field.ErrorList {
	pod = podOrNil(pod)
	nonRoot := c.RunAsNonRoot
	if nonRoot == nil {
		nonRoot = pod.RunAsNonRoot
	}
	userPath, user := spec.Child("securityContext", "runAsUser"), c.RunAsUser
	if user == nil {
		userPath, user = spec.Child("podSecurityContext", "runAsUser"), pod.RunAsUser
	}
	if nonRoot == nil || !*nonRoot || user == nil || *user != 0 {
		return nil
	}
	return field.ErrorList{field.Invalid(userPath, *user,
		"runs as root while runAsNonRoot is true (the default unless spec.podSecurityContext is given): the kubelet would never start the container; "+
			"set spec.podSecurityContext without runAsNonRoot, or run as a non-zero user")}
}
