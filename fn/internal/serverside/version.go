package serverside

import (
	"fmt"
	"io"
	"sync"

	"k8s.io/apimachinery/pkg/util/version"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/capabilities"
	psaapi "k8s.io/pod-security-admission/api"

	// The feature gates of k8s.io/kubernetes, registered with their
	// per-version specs in the default gate that the strategies read.
	_ "k8s.io/kubernetes/pkg/features"
)

// Versions are the Kubernetes minors an object can be checked for: those
// kube-apiserver v1.37 can emulate. DefaultVersion is the pinned server's.
var Versions = []string{"1.34", "1.35", "1.36", "1.37"}

const DefaultVersion = "1.37"

// gates serialises the use of the process-wide feature gate: the registry
// strategies read utilfeature.DefaultFeatureGate, so checking at a version
// means setting that gate's emulation version first.
var gates sync.Mutex

func init() {
	// kubeadm and the managed clusters start kube-apiserver with
	// --allow-privileged, so that Pod Security admission, not validation,
	// decides on privileged containers; the function checks as they do.
	capabilities.Setup(true, 0)
	// component-base logs through klog when a queried gate changes with the
	// emulation version; the function's stdout is its output and stderr is
	// for its own messages, so klog writes nowhere.
	klog.LogToStderr(false)
	klog.SetOutput(io.Discard)
}

// IsSupported says whether v is one of Versions.
func IsSupported(v string) bool {
	for _, s := range Versions {
		if s == v {
			return true
		}
	}
	return false
}

// atVersion runs f with the feature gates of Kubernetes minor v.
func atVersion(v string, f func() error) error {
	if !IsSupported(v) {
		return fmt.Errorf("unsupported Kubernetes version %q (supported: %v)", v, Versions)
	}
	gates.Lock()
	defer gates.Unlock()
	if err := utilfeature.DefaultMutableFeatureGate.SetEmulationVersion(version.MustParse(v)); err != nil {
		return fmt.Errorf("emulating Kubernetes %s: %w", v, err)
	}
	return f()
}

// podSecurityVersion is v as Pod Security's level version.
func podSecurityVersion(v string) psaapi.Version {
	parsed, err := psaapi.ParseVersion("v" + v)
	if err != nil {
		return psaapi.LatestVersion()
	}
	return parsed
}
