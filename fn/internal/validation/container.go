package validation

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlpipeline-dev/mlpipeline-fn/fn/api/v1alpha1"
	"github.com/mlpipeline-dev/mlpipeline-fn/fn/internal/defaults"
)

// The rules of a container that the API server cannot know, from one rule
// set for every container of the pod: the main container, init containers
// and native sidecars. What the server checks itself (names, ports,
// probes, env sources, mounts…) the server's own code checks, in
// server.go.

// podContainer is one container of the pod as the user wrote it, with the
// path of its fields in the MLPipeline and the function's defaults for it.
type podContainer struct {
	container corev1.Container
	path      *field.Path
	defaults  defaults.Container
}

// podContainers are the main container (its fields at spec) and the init
// containers and sidecars (at spec.initContainers[i]).
func podContainers(p *v1alpha1.MLPipeline, resolved defaults.Settings) []podContainer {
	s := p.Spec
	spec := field.NewPath("spec")
	out := []podContainer{{container: corev1.Container{
		Name: resolved.ContainerName, Image: s.Image, Env: s.Env, Ports: s.Ports,
		ReadinessProbe: s.ReadinessProbe, LivenessProbe: s.LivenessProbe, StartupProbe: s.StartupProbe,
		Lifecycle: s.Lifecycle, SecurityContext: s.SecurityContext, Resources: s.Resources,
	}, path: spec, defaults: resolved.Main}}
	for i, c := range s.InitContainers {
		out = append(out, podContainer{container: c, path: spec.Child("initContainers").Index(i), defaults: resolved.InitContainers[i]})
	}
	return out
}

// securityContextField is where the container's security context is
// written: spec.securityContext for the main container.
func (c podContainer) securityContextField() *field.Path {
	return c.path.Child("securityContext")
}

// validateContainers applies the function's container rules to every
// container of the pod.
func validateContainers(p *v1alpha1.MLPipeline, resolved defaults.Settings) field.ErrorList {
	var errs field.ErrorList
	for _, c := range podContainers(p, resolved) {
		errs = append(errs, validateEnv(c.container.Env, c.path.Child("env"))...)
		errs = append(errs, validatePortDuplicates(c.container.Ports, c.path.Child("ports"))...)
		errs = append(errs, probePorts(c)...)
		errs = append(errs, rootUnderNonRoot(c, resolved.PodSecurityContext)...)
	}
	return errs
}

// validateEnv: a name given twice is accepted by the API server, which
// warns, and the later value silently hides the earlier one.
func validateEnv(env []corev1.EnvVar, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, e := range env {
		if e.Name != "" && seen[e.Name] {
			errs = append(errs, field.Duplicate(fldPath.Index(i).Child("name"), e.Name))
		}
		seen[e.Name] = true
	}
	return errs
}

// validatePortDuplicates: the Service the function makes from the ports
// would be refused for a name or number given twice, and the container's
// second port is only a warning to the API server.
func validatePortDuplicates(ports []corev1.ContainerPort, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	seenName := map[string]bool{}
	seenNumber := map[string]bool{}
	for i, port := range ports {
		idxPath := fldPath.Index(i)
		protocol := port.Protocol
		if protocol == "" {
			protocol = corev1.ProtocolTCP
		}
		number := fmt.Sprintf("%d/%s", port.ContainerPort, protocol)
		if seenNumber[number] {
			errs = append(errs, field.Duplicate(idxPath.Child("containerPort"), number))
		}
		seenNumber[number] = true
		if port.Name == "" {
			continue
		}
		if seenName[port.Name] {
			errs = append(errs, field.Duplicate(idxPath.Child("name"), port.Name))
		}
		seenName[port.Name] = true
	}
	return errs
}

// probePorts: a probe that names a port the container does not declare is
// accepted by the API server and fails at every period on the node.
func probePorts(c podContainer) field.ErrorList {
	declared := map[string]bool{}
	for _, port := range c.container.Ports {
		if port.Name != "" {
			declared[port.Name] = true
		}
	}
	var errs field.ErrorList
	for _, probe := range []struct {
		name  string
		probe *corev1.Probe
	}{{"readinessProbe", c.container.ReadinessProbe}, {"livenessProbe", c.container.LivenessProbe}, {"startupProbe", c.container.StartupProbe}} {
		if probe.probe == nil {
			continue
		}
		fldPath := c.path.Child(probe.name)
		if h := probe.probe.HTTPGet; h != nil {
			errs = append(errs, namedPort(h.Port, declared, fldPath.Child("httpGet", "port"))...)
		}
		if t := probe.probe.TCPSocket; t != nil {
			errs = append(errs, namedPort(t.Port, declared, fldPath.Child("tcpSocket", "port"))...)
		}
	}
	return errs
}

func namedPort(port intstr.IntOrString, declared map[string]bool, fldPath *field.Path) field.ErrorList {
	if port.Type == intstr.String && port.StrVal != "" && !declared[port.StrVal] {
		return field.ErrorList{field.Invalid(fldPath, port.StrVal, "names no port of the container: declare it in its ports or give the number")}
	}
	return nil
}

// rootUnderNonRoot is a cross-check the API server does not make: a
// container that runs as uid 0 while runAsNonRoot is true (the function's
// default for the pod) is refused by the kubelet at start, for ever
// ("container's runAsUser breaks non-root policy").
func rootUnderNonRoot(c podContainer, pod *corev1.PodSecurityContext) field.ErrorList {
	if pod == nil {
		pod = &corev1.PodSecurityContext{}
	}
	sc := c.defaults.SecurityContext
	if sc == nil {
		sc = &corev1.SecurityContext{}
	}
	nonRoot := sc.RunAsNonRoot
	if nonRoot == nil {
		nonRoot = pod.RunAsNonRoot
	}
	userPath, user := c.securityContextField().Child("runAsUser"), sc.RunAsUser
	if user == nil {
		userPath, user = field.NewPath("spec", "podSecurityContext", "runAsUser"), pod.RunAsUser
	}
	if nonRoot == nil || !*nonRoot || user == nil || *user != 0 {
		return nil
	}
	return field.ErrorList{field.Invalid(userPath, *user,
		"runs as root while runAsNonRoot is true (the default unless spec.podSecurityContext is given): the kubelet would never start the container; "+
			"set spec.podSecurityContext without runAsNonRoot, or run as a non-zero user")}
}

func validateContainer(p *v1alpha1.MLPipeline, resolved defaults.Settings, fldPath *field.Path) field.ErrorList {
	s := p.Spec
	var errs field.ErrorList
	if s.Image == "" {
		errs = append(errs, field.Required(fldPath.Child("image"), ""))
	} else if _, err := parseImageRef(s.Image); err != nil {
		errs = append(errs, field.Invalid(fldPath.Child("image"), s.Image, err.Error()))
	}
	errs = append(errs, validateGPU(s, resolved, fldPath)...)
	return errs
}

// validateInitContainerImages reads each init container's image as the
// main one's: a reference the function can parse (the warnings read it).
func validateInitContainerImages(s v1alpha1.MLPipelineSpec, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, c := range s.InitContainers {
		if c.Image == "" {
			continue
		}
		if _, err := parseImageRef(c.Image); err != nil {
			errs = append(errs, field.Invalid(spec.Child("initContainers").Index(i).Child("image"), c.Image, err.Error()))
		}
	}
	return errs
}
