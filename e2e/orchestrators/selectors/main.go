// Command selectors tells whether two rendered outputs (say a stable and a
// canary kustomize overlay in one namespace) keep their pods apart, for the
// e2e harness:
//
//	selectors A.yaml B.yaml
//
// It reads the Deployments, HorizontalPodAutoscalers and PodDisruptionBudgets
// of both files and prints every selector of one file that matches pods of a
// Deployment of the other in the same namespace: an HPA then averages the
// other's pods too (it reads pods through its Deployment's selector), and the
// eviction API refuses a pod covered by two PDBs. It also checks that every
// HPA targets a Deployment of its own file. Exit code 0: disjoint; 1: the
// overlaps (or a dangling HPA) are printed; 2: a file could not be read.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// selecting is one object that selects pods: a Deployment or a PDB.
type selecting struct {
	what      string
	namespace string
	selector  *metav1.LabelSelector
}

// rendered is what one file holds.
type rendered struct {
	file        string
	selecting   []selecting
	pods        []appsv1.Deployment
	deployments map[string]bool
	hpas        []autoscalingv2.HorizontalPodAutoscaler
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: selectors A.yaml B.yaml")
		os.Exit(2)
	}
	var outputs [2]*rendered
	for i, f := range os.Args[1:] {
		r, err := read(f)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", f, err)
			os.Exit(2)
		}
		outputs[i] = r
	}
	problems := 0
	for _, r := range outputs {
		problems += danglingHPAs(r)
	}
	problems += overlaps(outputs[0], outputs[1]) + overlaps(outputs[1], outputs[0])
	if problems > 0 {
		os.Exit(1)
	}
	fmt.Printf("disjoint: no selector of %s matches pods of %s, nor the other way round\n", os.Args[1], os.Args[2])
}

func read(file string) (*rendered, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	r := &rendered{file: file, deployments: map[string]bool{}}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		var meta metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			return nil, err
		}
		switch meta.Kind {
		case "Deployment":
			var d appsv1.Deployment
			if err := yaml.UnmarshalStrict(doc, &d); err != nil {
				return nil, err
			}
			r.pods = append(r.pods, d)
			r.deployments[d.Namespace+"/"+d.Name] = true
			r.selecting = append(r.selecting, selecting{"Deployment " + d.Name, d.Namespace, d.Spec.Selector})
		case "PodDisruptionBudget":
			var p policyv1.PodDisruptionBudget
			if err := yaml.UnmarshalStrict(doc, &p); err != nil {
				return nil, err
			}
			r.selecting = append(r.selecting, selecting{"PodDisruptionBudget " + p.Name, p.Namespace, p.Spec.Selector})
		case "HorizontalPodAutoscaler":
			var h autoscalingv2.HorizontalPodAutoscaler
			if err := yaml.UnmarshalStrict(doc, &h); err != nil {
				return nil, err
			}
			r.hpas = append(r.hpas, h)
		}
	}
	if len(r.pods) == 0 {
		return nil, errors.New("no Deployment")
	}
	return r, nil
}

// overlaps prints each selector of a that matches the pods of a Deployment
// of b in the same namespace.
func overlaps(a, b *rendered) int {
	n := 0
	for _, s := range a.selecting {
		sel, err := metav1.LabelSelectorAsSelector(s.selector)
		if err != nil {
			fmt.Printf("%s: %s: invalid selector: %v\n", a.file, s.what, err)
			n++
			continue
		}
		for _, d := range b.pods {
			if d.Namespace == s.namespace && !sel.Empty() && sel.Matches(labels.Set(d.Spec.Template.Labels)) {
				fmt.Printf("overlap: %s %s (selector %s) matches the pods of %s Deployment %s\n", a.file, s.what, sel, b.file, d.Name)
				n++
			}
		}
	}
	return n
}

// danglingHPAs prints each HPA whose target is not a Deployment of its file
// (namePrefix must have renamed the target too).
func danglingHPAs(r *rendered) int {
	n := 0
	for _, h := range r.hpas {
		if t := h.Spec.ScaleTargetRef; t.Kind != "Deployment" || !r.deployments[h.Namespace+"/"+t.Name] {
			fmt.Printf("%s: HorizontalPodAutoscaler %s targets %s %s, which is not in the file\n", r.file, h.Name, t.Kind, t.Name)
			n++
		}
	}
	return n
}
