package apiserver

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// verdict is which side of the server's edge a corpus case is on.
type verdict string

const (
	// The server refuses it, so the function must refuse it too, with an
	// error at the field.
	verdictRejected verdict = "rejected"
	// A mistake only the function can see (it knows the container and the
	// HPA controller): the server would accept the output; the function
	// refuses it at the field.
	verdictCrossCheck verdict = "cross-check"
	// The function renders it, and the server accepts the output with no
	// warning; a Pod from each Deployment's template is accepted too.
	verdictAccepted verdict = "accepted"
	// The function renders it with a warning, and the server warns about
	// or refuses it with serverSays; each of the server's warnings and
	// refusals has a function warning.
	verdictWarned verdict = "warned"
)

type expectation struct {
	verdict
	field      string // rejected, cross-check: the error's field, relative to the position
	serverSays string // warned: what the server's warning or refusal says
}

func rejected(field string) expectation { return expectation{verdict: verdictRejected, field: field} }
func crossCheck(field string) expectation {
	return expectation{verdict: verdictCrossCheck, field: field}
}
func accepted() expectation          { return expectation{verdict: verdictAccepted} }
func warned(says string) expectation { return expectation{verdict: verdictWarned, serverSays: says} }

// refusedAt checks that the function refused with an error at field.
func refusedAt(r rendering, field string) error {
	errs := r.bySeverity("error")
	for _, e := range errs {
		if e.Field.Path == field {
			return nil
		}
	}
	return fmt.Errorf("no error at %s; the function's errors: %s", field, joinResults(errs))
}

func joinResults(rs []result) string {
	if len(rs) == 0 {
		return "none"
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return strings.Join(out, " | ")
}

// cause is one of a refusal's causes, as the server's Status lists them.
type cause struct {
	Type  metav1.CauseType
	Field string
}

// refusal is what a refused request must have answered: the Status's
// reason, and its causes (field and type) where the server gives causes;
// only a Status without causes is matched on its message.
type refusal struct {
	request string // a part of the request's description: "apply (dry run) Deployment", "Pod"
	code    int32  // the HTTP status code
	reason  metav1.StatusReason
	causes  []cause
	message string
}

// find checks that one of the answers is this refusal.
func (want refusal) find(as answers) error {
	var seen []string
	for _, a := range as {
		if a.err == nil || !strings.Contains(a.request, want.request) {
			continue
		}
		seen = append(seen, a.String())
		if want.matches(a) == nil {
			return nil
		}
	}
	if len(seen) == 0 {
		return fmt.Errorf("no %q request was refused; the answers:\n%s", want.request, answersText(as))
	}
	var why []string
	for _, a := range as {
		if a.err != nil && strings.Contains(a.request, want.request) {
			why = append(why, want.matches(a).Error())
		}
	}
	return fmt.Errorf("no refusal as expected: %s", strings.Join(why, "; "))
}

func (want refusal) matches(a answer) error {
	status, ok := statusError(a.err)
	if !ok {
		return fmt.Errorf("%s: not a Status from the server: %v", a.request, a.err)
	}
	s := status.ErrStatus
	if s.Code != want.code || s.Reason != want.reason {
		return fmt.Errorf("%s: code %d, reason %q; want %d, %q (%s)", a.request, s.Code, s.Reason, want.code, want.reason, s.Message)
	}
	var got []cause
	if s.Details != nil {
		for _, c := range s.Details.Causes {
			got = append(got, cause{Type: c.Type, Field: c.Field})
		}
	}
	if len(got) > 0 {
		if len(want.causes) == 0 {
			return fmt.Errorf("%s: the refusal has causes %v: expect those, not its message", a.request, got)
		}
		for _, c := range want.causes {
			if !slices.Contains(got, c) {
				return fmt.Errorf("%s: causes %v, want %v among them", a.request, got, c)
			}
		}
		return nil
	}
	if len(want.causes) > 0 {
		return fmt.Errorf("%s: no causes, want %v (%s)", a.request, want.causes, s.Message)
	}
	if !strings.Contains(s.Message, want.message) {
		return fmt.Errorf("%s: message %q, want it to contain %q", a.request, s.Message, want.message)
	}
	return nil
}

// warnedWith checks that one of the answers carries a warning containing
// text.
func warnedWith(as answers, text string) error {
	for _, a := range as {
		for _, w := range a.warnings {
			if strings.Contains(w, text) {
				return nil
			}
		}
	}
	return fmt.Errorf("no warning contains %q; the answers:\n%s", text, answersText(as))
}

func answersText(as answers) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = "  " + a.String()
	}
	return strings.Join(out, "\n")
}
