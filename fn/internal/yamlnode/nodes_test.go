package yamlnode

import (
	"math/rand/v2"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestPlainStringInYAML11: yaml11NonString, with its shortcuts, answers as
// kyaml's YAML 1.1 parse does on every value.
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
	// Values that begin with a digit: quantities with and without a unit,
	// numbers, octal-looking and hex ones, exponents, timestamps.
	values = append(values, "500m", "1Gi", "1.5Gi", "2", "09", "0777", "12345678901234567890", "1e3", "1E3", "1.5e3",
		"0x1F", "0b101", "0o17", "1_000", "1.", "1.Gi", "1..5Gi", ".5Gi", "1Gi ", "1 Gi", "1GiB", "1Ki1", "2001-12-14", "1k")
	for range 20000 {
		v := randomString(r, "0123456789", 1+r.IntN(3))
		if r.IntN(3) == 0 {
			v += randomString(r, ".0123456789_eE+-", 1+r.IntN(3))
		}
		if r.IntN(4) != 0 {
			v += []string{"Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P", "E", "e", "x", "b", "o", "", " ", "i"}[r.IntN(20)]
		}
		values = append(values, v)
	}
	skipped, digits := 0, 0
	for _, v := range values {
		want := yaml.IsValueNonString(v)
		if got := yaml11NonString(v); got != want {
			t.Errorf("%q: yaml11NonString says %v, kyaml's YAML 1.1 parse %v", v, got, want)
		}
		if plainStringInYAML11(v) {
			skipped++
		}
		if isDigits(v) {
			digits++
		}
	}
	if skipped < len(values)/10 || digits < 1000 {
		t.Errorf("the shortcuts skipped only %d and %d of %d values: they save nothing", skipped, digits, len(values))
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
