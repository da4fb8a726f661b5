package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/plan"
)

// Snapshot returns the plan document of res in canonical form: resources sorted by URN, their
// dependencies sorted, values as JSON decodes them.
func Snapshot(stack string, res *mock.Result) (plan.Document, error) {
	var buf bytes.Buffer
	if err := plan.JSON(&buf, stack, res); err != nil {
		return plan.Document{}, err
	}
	return Parse(buf.Bytes())
}

// Parse reads a plan document and puts it in canonical form.
func Parse(b []byte) (plan.Document, error) {
	var doc plan.Document
	if err := json.Unmarshal(b, &doc); err != nil {
		return plan.Document{}, err
	}
	slices.SortFunc(doc.Resources, func(a, b plan.Resource) int { return strings.Compare(a.URN, b.URN) })
	parent := map[string]string{}
	for _, r := range doc.Resources {
		parent[r.URN] = r.Parent
	}
	within := func(urn, ancestor string) bool {
		for ; urn != ""; urn = parent[urn] {
			if urn == ancestor {
				return true
			}
		}
		return false
	}
	for i := range doc.Resources {
		r := &doc.Resources[i]
		// Pulumi's SDK expands a dependency on a component into the children the component has
		// registered so far, which varies from run to run: a dependency on another component's
		// child is recorded as one on that component.
		var deps []string
		for _, d := range r.Dependencies {
			if p := parent[d]; p != "" && !within(r.URN, p) {
				d = p
			}
			deps = append(deps, d)
		}
		slices.Sort(deps)
		r.Dependencies = slices.Compact(deps)
		if r.Inputs == nil {
			r.Inputs = map[string]any{}
		}
	}
	return doc, nil
}

// Marshal renders doc as indented JSON with a final newline; map keys come out sorted.
func Marshal(doc plan.Document) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Load reads a plan document from path.
func Load(path string) (plan.Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return plan.Document{}, err
	}
	doc, err := Parse(b)
	if err != nil {
		return plan.Document{}, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

// Save writes doc to path in canonical form, creating its directory.
func Save(path string, doc plan.Document) error {
	b, err := Marshal(doc)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// GoldenPath returns testdata/plans/<stack>.json in the root of the Pulumi project that contains
// dir.
func GoldenPath(dir, stack string) (string, error) {
	project, err := workspace.DetectProjectPathFrom(dir)
	if err != nil {
		return "", err
	}
	if project == "" {
		return "", fmt.Errorf("no Pulumi.yaml in %s or its parents", dir)
	}
	return filepath.Join(filepath.Dir(project), "testdata", "plans", stack+".json"), nil
}
