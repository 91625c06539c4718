package yamlnode

import (
	"math/rand/v2"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestPlainStringInYAML11: the shortcut may only skip values that kyaml's
// YAML 1.1 parse also finds to be strings.
func TestPlainStringInYAML11(t *testing.T) {
	values := []string{
		"on", "On", "ON", "off", "yes", "Yes", "y", "Y", "n", "N", "no", "true", "False", "null", "Null", "~",
		"1", "0777", "1_000", "1:20", "0x1F", ".5", ".inf", "-1", "+1", "2001-12-14", "=", "<<",
		"a: b", "a #c", "[a]", "{a: b}", "&a", "*a", "!a", "|", ">", "'a'", `"a"`, "%a", "@a", "`a",
		"ml-pipeline", "registry.example.com/ml/a:1.0.0", "Deployment", "app.kubernetes.io/name", "ScheduleAnyway",
		"abc]", "abc, def", "bad key", "a100 80gb", "Invalid", "ä", "日本", "x\ny",
	}
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "aAbByYnNoOtTfFeEsS0129._-+:#~ !&*[]{},|>'\"%@`=<\n\\/é"
	for range 20000 {
		b := make([]rune, 1+r.IntN(6))
		runes := []rune(alphabet)
		for i := range b {
			b[i] = runes[r.IntN(len(runes))]
		}
		values = append(values, string(b))
	}
	skipped := 0
	for _, v := range values {
		if !plainStringInYAML11(v) {
			continue
		}
		skipped++
		if yaml.IsValueNonString(v) {
			t.Errorf("%q: the shortcut calls it a plain string, but a YAML 1.1 reader does not", v)
		}
	}
	if skipped < len(values)/10 {
		t.Errorf("the shortcut skipped only %d of %d values: it saves nothing", skipped, len(values))
	}
}
