// Command yamlget prints values out of a YAML file, for the e2e harness: it
// reads the commands of Argo CD's plugin.yaml and argocd-cm's build options
// so the tests run exactly what those files say, not a copy of it.
//
//	yamlget FILE PATH...
//
// PATH is a '/'-separated list of map keys (keys may contain dots, as in
// data/kustomize.buildOptions). A list prints each item, a scalar itself, a
// missing path nothing; every value is followed by a NUL byte so that bash
// can read it with an empty delimiter (`read -d ""`, `mapfile -d ""`).
package main

import (
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: yamlget FILE PATH...")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	for _, p := range os.Args[2:] {
		v := doc
		for _, key := range strings.Split(p, "/") {
			m, ok := v.(map[string]any)
			if !ok {
				v = nil
				break
			}
			v = m[key]
		}
		switch v := v.(type) {
		case nil:
		case []any:
			for _, item := range v {
				s, ok := item.(string)
				if !ok {
					fmt.Fprintf(os.Stderr, "%s: %s: item %v is not a string\n", os.Args[1], p, item)
					os.Exit(1)
				}
				fmt.Print(s, "\x00")
			}
		case string:
			fmt.Print(v, "\x00")
		default:
			fmt.Print(fmt.Sprint(v), "\x00")
		}
	}
}
