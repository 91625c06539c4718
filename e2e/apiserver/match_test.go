package apiserver

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// findings are what the server said against a case: every warning, and
// every refusal's message. A warned case must have a function warning for
// each.
func findings(as answers) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.warnings...)
		if a.err != nil {
			out = append(out, a.err.Error())
		}
	}
	return out
}

// podSecurityPrefix is how Pod Security admission begins its warnings and
// refusals: `would violate PodSecurity "restricted:latest": ` on
// workloads, `violates PodSecurity "restricted:latest": ` on pods. What
// follows is the evaluator's findings, "reason (detail)", joined by ", ".
var podSecurityPrefix = regexp.MustCompile(`violates? PodSecurity "[^"]*": `)

// The function's warnings quote the server: Pod Security's evaluator after
// podSecurityQuote, the server's create warnings after serverQuote.
const (
	podSecurityQuote = "would refuse the pods: "
	serverQuote      = "the API server warns: "
)

// unmatched returns the findings that no function warning accounts for. A
// Pod Security finding is accounted for when the function's Pod Security
// warnings quote all of the evaluator's findings in it; any other
// finding, when a function warning quotes the server's warning.
func unmatched(found []string, warnings []result) []string {
	var out []string
	for _, f := range found {
		if !matched(f, warnings) {
			out = append(out, f)
		}
	}
	return out
}

func matched(finding string, warnings []result) bool {
	if loc := podSecurityPrefix.FindStringIndex(finding); loc != nil {
		rest := finding[loc[1]:]
		for _, w := range warnings {
			if _, quoted, ok := strings.Cut(w.Message, podSecurityQuote); ok {
				rest = strings.ReplaceAll(rest, quoted, "")
			}
		}
		return strings.Trim(rest, ", ") == ""
	}
	for _, w := range warnings {
		if _, quoted, ok := strings.Cut(w.Message, serverQuote); ok && quoted != "" && strings.Contains(finding, quoted) {
			return true
		}
	}
	return false
}

// containsAny tells whether one of texts contains part.
func containsAny(texts []string, part string) bool {
	for _, t := range texts {
		if strings.Contains(t, part) {
			return true
		}
	}
	return false
}

// TestUnmatched shows that the warning match can fail: a Pod Security
// finding with a reason no function warning quotes, and a server warning
// no function warning quotes, stay unmatched.
func TestUnmatched(t *testing.T) {
	psa := func(reason string) result {
		return result{Severity: "warning", Message: `Pod Security "restricted" (Kubernetes 1.37) would refuse the pods: ` + reason}
	}
	const (
		hostPath = `restricted volume types (volume "host" uses restricted volume type "hostPath")`
		root     = `runAsUser=0 (container "side" must not set runAsUser=0)`
	)
	deployment := `would violate PodSecurity "restricted:latest": ` + hostPath + ", " + root
	pod := `pods "x" is forbidden: violates PodSecurity "restricted:latest": ` + hostPath
	pullSecret := `spec.template.spec.imagePullSecrets[0].name: invalid empty name ""`
	quotesPullSecret := result{Severity: "warning", Message: `the API server warns: invalid empty name ""`}
	for _, tc := range []struct {
		name     string
		found    []string
		warnings []result
		want     []string
	}{
		{"every reason quoted", []string{deployment, pod}, []result{psa(hostPath), psa(root)}, nil},
		{"one reason not quoted", []string{deployment, pod}, []result{psa(hostPath)}, []string{deployment}},
		{"no warnings", []string{deployment}, nil, []string{deployment}},
		{"server warning quoted", []string{pullSecret}, []result{quotesPullSecret}, nil},
		{"server warning not quoted", []string{pullSecret}, []result{psa(hostPath)}, []string{pullSecret}},
		{"an empty quote matches nothing", []string{pullSecret}, []result{{Message: "the API server warns: "}}, []string{pullSecret}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := unmatched(tc.found, tc.warnings); !slices.Equal(got, tc.want) {
				t.Errorf("unmatched = %q, want %q", got, tc.want)
			}
		})
	}
}
