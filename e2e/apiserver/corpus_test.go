package apiserver

import (
	"testing"
)

// runCorpus runs each variant of the cases for this server's version.
func (s *suite) runCorpus(t *testing.T, version string) {
	n := 0
	for _, v := range variants(corpus) {
		if v.version != version {
			continue
		}
		n++
		t.Run(v.name, func(t *testing.T) { s.corpusVariant(t, v) })
	}
	if n == 0 {
		t.Fatalf("no corpus case for version %q", version)
	}
}

// corpusVariant renders one variant with the function and checks the
// function's verdict against the server's: the function refuses it (at
// the expected field), or its output is checked by the server.
func (s *suite) corpusVariant(t *testing.T, v variant) {
	r := s.renderVariant(t, v)
	t.Logf("%s (expect %s)", v.about, v.expect.verdict)

	if r.failed {
		switch v.expect.verdict {
		case verdictRejected, verdictCrossCheck:
			field := v.at.fieldPrefix() + v.expect.field
			if err := refusedAt(r, field); err != nil {
				t.Errorf("refused by the function, but %v", err)
				return
			}
			t.Logf("refused by the function at %s", field)
		default:
			t.Errorf("the function refuses what the server accepts: %s", joinResults(r.bySeverity("error")))
		}
		return
	}

	if v.expect.verdict == verdictWarned {
		s.checkWarned(t, r, v.expect.serverSays)
		return
	}
	_, clean := s.checkClean(t, r.objects)
	if clean && v.expect.verdict != verdictAccepted {
		t.Errorf("accepted by the function and by the server; the case says the function refuses it (%s at %s)",
			v.expect.verdict, v.at.fieldPrefix()+v.expect.field)
	}
	if !clean {
		t.Errorf("accepted by the function, refused or warned about by the server (the function's warnings: %s)",
			joinResults(r.bySeverity("warning")))
	}
}

// renderVariant runs the function on the variant's pipeline and keeps
// what it gave under out/e2e-apiserver/cases/.
func (s *suite) renderVariant(t *testing.T, v variant) rendering {
	t.Helper()
	config, err := v.pipeline()
	if err != nil {
		t.Fatal(err)
	}
	r, err := render(s.bins.fn, config, nil, v.flags...)
	if err != nil {
		t.Fatal(err)
	}
	saveOutput(t, "corpus/"+v.name, config, r)
	return r
}

// checkWarned is the check of output the function warns about: the server
// warns about or refuses it with serverSays, and every one of the server's
// warnings and refusals has a function warning.
func (s *suite) checkWarned(t *testing.T, r rendering, serverSays string) {
	t.Helper()
	warnings := r.bySeverity("warning")
	if len(warnings) == 0 {
		t.Errorf("the function gave no warning")
	}
	for _, w := range warnings {
		t.Logf("the function warns: %s", w)
	}
	_, as := s.check(t, r.objects)
	found := findings(as)
	if !containsAny(found, serverSays) {
		t.Errorf("the server neither warns nor refuses with %q:\n%s", serverSays, answersText(as))
	}
	for _, f := range unmatched(found, warnings) {
		t.Errorf("the server says, and no function warning does: %s", f)
	}
}
