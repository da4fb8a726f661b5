package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/stackfile"
	"github.com/strata-iac/strata/stacks"
	"github.com/strata-iac/strata/systems"
)

// Run runs stacks.Run for stack with the config files of the project that contains dir.
func Run(dir, stack string) (*mock.Result, error) {
	s, err := stackfile.Load(dir, stack)
	if err != nil {
		return nil, err
	}
	return mock.Run(stacks.Run, mock.Options{
		Project: s.Project, Stack: s.Name, Config: s.Config, SecretKeys: s.SecretKeys, RootDirectory: s.Dir,
	})
}

// Text renders res for people.
func Text(w io.Writer, stack string, res *mock.Result) {
	all := res.Resources()
	fmt.Fprintf(w, "stack %s: %d resources (%d components)\n\n", stack, len(all), countComponents(all))
	// Registration order varies between runs (outputs resolve concurrently), so siblings are
	// sorted: components first, then by type and name.
	children := map[string][]*mock.Resource{}
	for _, r := range all {
		children[r.Parent] = append(children[r.Parent], r)
	}
	for _, kids := range children {
		slices.SortFunc(kids, func(a, b *mock.Resource) int {
			if a.Custom != b.Custom {
				if b.Custom {
					return -1
				}
				return 1
			}
			return strings.Compare(a.Type+" "+a.Name, b.Type+" "+b.Name)
		})
	}
	var walk func(parent, indent string)
	walk = func(parent, indent string) {
		kids := children[parent]
		for i, r := range kids {
			branch, next := "├─ ", "│  "
			if i == len(kids)-1 {
				branch, next = "└─ ", "   "
			}
			fmt.Fprintf(w, "%s%s%s %s%s\n", indent, branch, r.Type, r.Name, flags(r))
			walk(r.URN, indent+next)
		}
	}
	fmt.Fprintf(w, "pulumi:pulumi:Stack %s-%s\n", res.Project(), stack)
	walk("", "")

	fmt.Fprintf(w, "\nresources by type:\n")
	counts := Counts(all)
	for _, typ := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(w, "%5d  %s\n", counts[typ], typ)
	}

	fmt.Fprintf(w, "\noutputs:\n")
	outputs := Outputs(res)
	for _, k := range slices.Sorted(maps.Keys(outputs)) {
		writeValue(w, "  ", k, outputs[k])
	}
}

// Counts returns the number of resources of each type.
func Counts(rs []*mock.Resource) map[string]int {
	counts := map[string]int{}
	for _, r := range rs {
		counts[r.Type]++
	}
	return counts
}

// Outputs returns the stack outputs with secret values masked.
func Outputs(res *mock.Result) map[string]any {
	out := map[string]any{}
	for k, v := range res.Outputs {
		if res.SecretOutputs[k] {
			v = "[secret]"
		}
		out[k] = v
	}
	return out
}

// Resource is the JSON form of one registration.
type Resource struct {
	Type         string   `json:"type"`
	Name         string   `json:"name"`
	URN          string   `json:"urn"`
	Parent       string   `json:"parent,omitempty"`
	Component    bool     `json:"component,omitempty"`
	Remote       bool     `json:"remote,omitempty"`
	Protect      bool     `json:"protect"`
	Dependencies []string `json:"dependencies,omitempty"`
	// IgnoreChanges are the input paths whose changes Pulumi does not apply to the resource.
	IgnoreChanges []string       `json:"ignoreChanges,omitempty"`
	Inputs        map[string]any `json:"inputs"`
}

// Document is the JSON form of a plan.
type Document struct {
	Stack     string         `json:"stack"`
	Resources []Resource     `json:"resources"`
	Counts    map[string]int `json:"counts"`
	Outputs   map[string]any `json:"outputs"`
}

// JSON renders res for tools.
func JSON(w io.Writer, stack string, res *mock.Result) error {
	all := res.Resources()
	doc := Document{Stack: stack, Resources: make([]Resource, 0, len(all)), Counts: Counts(all), Outputs: Outputs(res)}
	for _, r := range all {
		doc.Resources = append(doc.Resources, Resource{
			Type: r.Type, Name: r.Name, URN: r.URN, Parent: r.Parent,
			Component: !r.Custom, Remote: r.Remote, Protect: r.Protect,
			Dependencies: r.Dependencies, IgnoreChanges: r.IgnoreChanges, Inputs: mock.Plain(r.Inputs, true),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func countComponents(rs []*mock.Resource) int {
	n := 0
	for _, r := range rs {
		if !r.Custom {
			n++
		}
	}
	return n
}

func flags(r *mock.Resource) string {
	var f []string
	if r.Protect {
		f = append(f, "protected")
	}
	if r.Remote {
		f = append(f, "remote component")
	}
	if len(f) == 0 {
		return ""
	}
	return "  [" + strings.Join(f, ", ") + "]"
}

// writeValue prints a YAML-like view of an output value.
func writeValue(w io.Writer, indent, key string, v any) {
	if m, ok := v.(map[string]any); ok {
		fmt.Fprintf(w, "%s%s:\n", indent, key)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			writeValue(w, indent+"  ", k, m[k])
		}
		return
	}
	b, _ := json.Marshal(v) // output values are JSON-shaped
	fmt.Fprintf(w, "%s%s: %s\n", indent, key, b)
}

// OptIns plans stack's config as Run does, under mocks and registering nothing, and returns the
// security exceptions the config asks for explicitly.
func OptIns(dir, stack string) ([]systems.OptIn, error) {
	s, err := stackfile.Load(dir, stack)
	if err != nil {
		return nil, err
	}
	var out []systems.OptIn
	_, err = mock.Run(func(ctx *pulumi.Context) error {
		var err error
		out, err = stacks.OptIns(ctx)
		return err
	}, mock.Options{Project: s.Project, Stack: s.Name, Config: s.Config, SecretKeys: s.SecretKeys, RootDirectory: s.Dir})
	return out, err
}
