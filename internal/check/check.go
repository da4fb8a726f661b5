package check

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/systems"
)

// What the plan renders for values it cannot show; the check never judges them.
const (
	Unknown = "[unknown]"
	Masked  = "[secret]"
)

// judged are the packages whose resources the check judges.
var judged = []string{"aws:", "random:", "tls:"}

// Resource is one registered resource as the plan renders it: JSON-shaped inputs in Pulumi's
// camelCase, unknowns as Unknown and secrets as Masked.
type Resource struct {
	Type string
	// Name is the logical name.
	Name   string
	Inputs map[string]any

	nodes []node
}

// FromResult returns the custom resources of a mocked run, secrets masked.
func FromResult(res *mock.Result) []Resource {
	var out []Resource
	for _, r := range res.Resources() {
		if r.Custom {
			out = append(out, Resource{Type: r.Type, Name: r.Name, Inputs: mock.Plain(r.Inputs, true)})
		}
	}
	return out
}

// Get returns the input at a dotted path without wildcards ("healthCheck.interval"), or nil.
func (r *Resource) Get(path string) any { return get(r.Inputs, path) }

// Each calls fn with every value whose path matches pattern ("rules[*].id"), in order.
func (r *Resource) Each(pattern string, fn func(path string, v any)) {
	p := mustPattern(pattern)
	if r.nodes == nil {
		r.nodes = walk(r.Inputs)
	}
	for _, n := range r.nodes {
		if match(p, n.path) {
			fn(format(n.path), n.value)
		}
	}
}

// OptIn is a security exception the stage's config asks for explicitly: a matching finding is a
// warning naming the config key instead of a violation.
type OptIn = systems.OptIn

// Severity says whether a finding fails the check.
type Severity string

// The severities.
const (
	Violation Severity = "violation"
	Warning   Severity = "warning"
)

// Finding is one broken limit.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Type     string   `json:"type"`
	Name     string   `json:"name"`
	// Path is the property, with concrete indexes (rules[0].id); empty for the resource as a whole.
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
	// Allowed says what AWS allows.
	Allowed string `json:"allowed"`
	Source  string `json:"source"`
	// OptIn is the config key that asked for a warning's finding, Why what it is for.
	OptIn string `json:"optIn,omitempty"`
	Why   string `json:"why,omitempty"`
}

// Report is the outcome of a check.
type Report struct {
	// Resources is the number of resources judged.
	Resources int       `json:"resources"`
	Findings  []Finding `json:"findings"`
}

// Count returns the number of findings of a severity.
func (r Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// CoverageRule is the id of the findings about properties and types the table does not know.
const CoverageRule = "coverage"

const coverageSource = "strata: every emitted AWS type and property needs a table entry (internal/check/README.md, Adding a resource type)"

// Check judges the inputs of every resource of the aws, random and tls packages against the table
// and reports what breaks. optIns turn the findings of security rules on the resources they name
// into warnings.
func Check(resources []Resource, optIns []OptIn) Report {
	t := table()
	rep := Report{Findings: []Finding{}}
	for i := range resources {
		r := &resources[i]
		if !slices.ContainsFunc(judged, func(p string) bool { return strings.HasPrefix(r.Type, p) }) {
			continue
		}
		rep.Resources++
		rep.Findings = append(rep.Findings, t.check(r, optIns)...)
	}
	slices.SortFunc(rep.Findings, func(a, b Finding) int {
		return cmp.Or(strings.Compare(a.Type, b.Type), strings.Compare(a.Name, b.Name),
			strings.Compare(a.Path, b.Path), strings.Compare(a.Rule, b.Rule))
	})
	return rep
}

func (c *compiled) check(orig *Resource, optIns []OptIn) []Finding {
	var out []Finding
	add := func(id string, sev Severity, path string, value any, allowed, source string) {
		out = append(out, Finding{Rule: id, Severity: sev, Type: orig.Type, Name: orig.Name,
			Path: path, Value: value, Allowed: allowed, Source: source})
	}
	tt := c.byType[orig.Type]
	known := tt != nil
	if !known {
		tt = &typeTable{}
	}

	r := &Resource{Type: orig.Type, Name: orig.Name, Inputs: maps.Clone(orig.Inputs)}
	decoded := map[string]JSONInput{}
	for _, path := range slices.Sorted(maps.Keys(tt.json)) {
		j := tt.json[path]
		s, ok := r.Inputs[path].(string)
		if !ok || opaque(s) {
			continue
		}
		var doc any
		if err := json.Unmarshal([]byte(s), &doc); err != nil {
			add(j.ID, Violation, path, s, fmt.Sprintf("a JSON document (%v)", err), j.Source)
			continue
		}
		r.Inputs[path] = doc
		decoded[path] = j
	}
	r.nodes = walk(r.Inputs)

	// Pulumi's schema types the inputs, but nothing types a JSON document's members.
	for _, n := range r.nodes {
		j, inJSON := decoded[n.path[0].key]
		if !inJSON || !n.leaf || n.value == nil {
			continue
		}
		if want := tt.jsonType(n.path); want != "" && want != jsonKind(n.value) {
			add(j.ID, Violation, format(n.path), n.value, "a JSON "+want+", as the API reads this member", j.Source)
		}
	}

	for _, n := range r.nodes {
		for _, l := range tt.limits {
			if !match(l.path, n.path) {
				continue
			}
			if allowed := l.judge(n.value); allowed != "" {
				add(l.ID, Violation, format(n.path), n.value, allowed, l.Source)
			}
		}
	}

	rules := slices.Concat(c.global, tt.rules)
	for _, ru := range rules {
		ru.Check(r, func(path string, value any, allowed string) {
			f := Finding{Rule: ru.ID, Severity: Violation, Type: r.Type, Name: r.Name, Path: path,
				Value: value, Allowed: allowed, Source: ru.Source}
			if ru.Security {
				if i := slices.IndexFunc(optIns, func(o OptIn) bool { return o.Type == r.Type && o.Name == r.Name }); i >= 0 {
					f.Severity, f.OptIn, f.Why = Warning, optIns[i].Key, optIns[i].Why
				} else {
					f.Allowed = allowed + "; no opt-in names this resource"
				}
			}
			out = append(out, f)
		})
	}

	var missing []string
	for _, n := range r.nodes {
		if !n.leaf || c.covered(tt, rules, n.path) {
			continue
		}
		if !known {
			if g := general(n.path); !slices.Contains(missing, g) {
				missing = append(missing, g)
			}
			continue
		}
		add(CoverageRule, Violation, format(n.path), n.value,
			fmt.Sprintf("the check table has no limit or classification for %s %s: add one", r.Type, general(n.path)), coverageSource)
	}
	if !known {
		add(CoverageRule, Violation, "", nil, fmt.Sprintf("the check table has no entry for this type: add its limits and classify its properties (%s)",
			strings.Join(missing, ", ")), coverageSource)
	}
	return out
}

// jsonType is the JSON type the table expects at a path inside a JSON document: numbers for
// ranges and Number, booleans for Boolean, strings otherwise; "" where only rules judge it.
func (tt *typeTable) jsonType(path []seg) string {
	for _, l := range tt.limits {
		if match(l.path, path) {
			if l.Num != nil {
				return "number"
			}
			return "string"
		}
	}
	for _, cl := range tt.classes {
		if match(cl.path, path) {
			switch cl.kind {
			case Boolean:
				return "boolean"
			case Number:
				return "number"
			}
			return "string"
		}
	}
	return ""
}

func jsonKind(v any) string {
	switch v.(type) {
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	}
	return "value"
}

func (c *compiled) covered(tt *typeTable, rules []*rule, path []seg) bool {
	if _, isJSON := tt.json[path[0].key]; isJSON && len(path) == 1 {
		return true // an opaque or invalid document; its members are covered one by one
	}
	for _, l := range tt.limits {
		if match(l.path, path) {
			return true
		}
	}
	for _, cl := range tt.classes {
		if match(cl.path, path) {
			return true
		}
	}
	for _, r := range rules {
		for _, p := range r.paths {
			if match(p, path) {
				return true
			}
		}
	}
	return false
}
