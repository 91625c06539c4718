package validation

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// imageReference is the image reference grammar of the OCI distribution
// spec, as container runtimes parse it: [domain[:port]/]path[:tag][@digest].
// It is compiled on first use: start-up cost counts in every kustomize build.
// Counted repetitions ({0,127}, {32,}) are checked in parseImageRef instead:
// the regexp compiler unrolls them, which made compiling cost 0.5 ms.
var imageReference = sync.OnceValue(func() *regexp.Regexp {
	const (
		component   = `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`
		domainLabel = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
		domain      = `(?:` + domainLabel + `(?:\.` + domainLabel + `)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?`
		name        = `(?:` + domain + `/)?` + component + `(?:/` + component + `)*`
		tag         = `[\w][\w.-]*`
		digest      = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:([0-9a-fA-F]+)`
		fullPattern = `^(` + name + `)(?::(` + tag + `))?(?:@(` + digest + `))?$`
	)
	return regexp.MustCompile(fullPattern)
})

// Limits of the distribution spec: the repository part, the tag, and the
// shortest encoded digest.
const (
	maxImageNameLength = 255
	maxTagLength       = 128
	minDigestHexLength = 32
)

// imageRef is a parsed image reference.
type imageRef struct {
	name, tag, digest string
}

// parseImageRef checks an image reference and splits it.
func parseImageRef(ref string) (imageRef, error) {
	if strings.TrimSpace(ref) != ref {
		return imageRef{}, fmt.Errorf("must not contain spaces")
	}
	m := imageReference().FindStringSubmatch(ref)
	if m == nil || len(m[2]) > maxTagLength || (m[3] != "" && len(m[4]) < minDigestHexLength) {
		return imageRef{}, fmt.Errorf("is not a valid image reference ([registry/]repository[:tag][@digest], lower-case repository)")
	}
	if len(m[1]) > maxImageNameLength {
		return imageRef{}, fmt.Errorf("repository name is longer than %d characters", maxImageNameLength)
	}
	return imageRef{name: m[1], tag: m[2], digest: m[3]}, nil
}

// floating reports whether the reference may move to another image, and why.
func (r imageRef) floating() (bool, string) {
	switch {
	case r.digest != "":
		return false, ""
	case r.tag == "":
		return true, "has no tag or digest, so it means :latest"
	case r.tag == "latest":
		return true, "uses the :latest tag"
	}
	return false, ""
}
