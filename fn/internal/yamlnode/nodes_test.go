package yamlnode

import (
	"math/rand/v2"
	"strings"
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
		values = append(values, randomString(r, alphabet, 1+r.IntN(6)))
	}
	// Letter-initial words: every YAML 1.1 bool and null word in each case
	// form, alone and with near misses around it ("yesterday", "ONE",
	// "nvidia.com/gpu", "no ", "true\t").
	words := []string{"y", "yes", "n", "no", "true", "false", "on", "off", "null"}
	const wordTail = "aeEsSrnNdDlL0-./_ \t\r:#"
	for _, w := range words {
		for _, form := range []string{w, strings.ToUpper(w), strings.ToUpper(w[:1]) + w[1:]} {
			values = append(values, form, form+" ", form+"\t", form+".", form+"s", form[:len(form)-1])
			for range 300 {
				values = append(values, form+randomString(r, wordTail, 1+r.IntN(4)))
			}
		}
	}
	values = append(values, "yesterday", "ONE", "nvidia.com/gpu", "nginx", "ontology", "offset", "falsey", "nullable", "trueish", "Nope", "No.", "YeS", "tRUE")
	for range 20000 {
		values = append(values, randomString(r, "yYnNtTfFoO", 1)+randomString(r, "aAeEsSrRuUlLoOnNfF0-./_ ", r.IntN(5)))
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

// randomString is n runes drawn from alphabet.
func randomString(r *rand.Rand, alphabet string, n int) string {
	runes := []rune(alphabet)
	b := make([]rune, n)
	for i := range b {
		b[i] = runes[r.IntN(len(runes))]
	}
	return string(b)
}
