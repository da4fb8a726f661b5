package diff

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/strata-iac/strata/internal/plan"
	"github.com/strata-iac/strata/internal/tfschema"
)

// Action is what a deployment does to one resource.
type Action string

// The actions, in the order a review reads them.
const (
	Replace Action = "replace"
	Delete  Action = "delete"
	Create  Action = "create"
	Update  Action = "update"
	// Ignore is a resource whose inputs differ only in paths its ignoreChanges option names:
	// Pulumi leaves the running resource as it is.
	Ignore Action = "ignore"
)

// Exit statuses of strata diff (2 is bad usage, as for every subcommand).
const (
	ExitSame      = 0
	ExitChanged   = 1
	ExitDangerous = 3
)

// statefulTypes hold data that a replacement or deletion destroys.
var statefulTypes = map[string]bool{
	"aws:s3/bucketV2:BucketV2":         true,
	"aws:s3/bucket:Bucket":             true,
	"aws:dynamodb/table:Table":         true,
	"aws:rds/instance:Instance":        true,
	"aws:rds/cluster:Cluster":          true,
	"aws:efs/fileSystem:FileSystem":    true,
	"aws:ebs/volume:Volume":            true,
	"aws:secretsmanager/secret:Secret": true,
	"aws:lightsail/database:Database":  true,
	"aws:kms/key:Key":                  true,
}

// Stateful reports whether resources of type typ hold data.
func Stateful(typ string) bool { return statefulTypes[typ] }

// Property is one changed input. Old or New is nil when the property is absent on that side.
type Property struct {
	Path string `json:"path"`
	Old  any    `json:"old,omitempty"`
	New  any    `json:"new,omitempty"`
	// ForcesNew names the Terraform attribute (and its source file) that makes this change a
	// replacement.
	ForcesNew string `json:"forcesNew,omitempty"`
	// Ignored is true when the resource's ignoreChanges names the property: the new value only
	// reaches a resource created after this deployment.
	Ignored bool `json:"ignored,omitempty"`
}

// Change is what happens to one resource.
type Change struct {
	Action    Action `json:"action"`
	Type      string `json:"type"`
	Name      string `json:"name"`
	URN       string `json:"urn"`
	OldURN    string `json:"oldUrn,omitempty"`
	Component bool   `json:"component,omitempty"`
	Stateful  bool   `json:"stateful,omitempty"`
	// Protected is true when the resource is protected before or after the change.
	Protected  bool       `json:"protected,omitempty"`
	Properties []Property `json:"properties,omitempty"`
	// Reasons say why the resource is replaced.
	Reasons []string `json:"reasons,omitempty"`
	// Notes point out risky updates, such as renaming a stateful resource in place.
	Notes []string `json:"notes,omitempty"`
}

// Dangerous reports whether the change destroys a stateful or protected resource.
func (c Change) Dangerous() bool {
	return (c.Action == Replace || c.Action == Delete) && (c.Stateful || c.Protected)
}

// Result compares two plans of a stack.
type Result struct {
	Stack   string     `json:"stack"`
	Changes []Change   `json:"changes"`
	Outputs []Property `json:"outputs,omitempty"`
	// Unchanged counts the resources that stay as they are.
	Unchanged int `json:"unchanged"`
}

// Count returns the number of changes with action a.
func (r Result) Count(a Action) int {
	n := 0
	for _, c := range r.Changes {
		if c.Action == a {
			n++
		}
	}
	return n
}

// Dangerous returns the changes that replace or delete a stateful or protected resource.
func (r Result) Dangerous() []Change {
	var out []Change
	for _, c := range r.Changes {
		if c.Dangerous() {
			out = append(out, c)
		}
	}
	return out
}

// ExitCode is ExitDangerous when a stateful or protected resource would be replaced or deleted,
// ExitChanged for any other change (outputs included), ExitSame otherwise.
func (r Result) ExitCode() int {
	switch {
	case len(r.Dangerous()) > 0:
		return ExitDangerous
	case len(r.Changes) > 0 || len(r.Outputs) > 0:
		return ExitChanged
	}
	return ExitSame
}

// physicalKeys are the inputs that hold a resource's physical name: a resource that keeps its
// physical name under a new logical name or parent is the same resource moving, not a new one.
var physicalKeys = []string{"bucket", "name", "identifier", "family", "relationalDatabaseName", "serviceName", "creationToken"}

// Compare says what deploying next does to a stack whose resources are those of old.
func Compare(old, next plan.Document) Result {
	res := Result{Stack: next.Stack}
	before := index(old)
	after := index(next)

	var removed, added []plan.Resource
	for urn, o := range before {
		n, ok := after[urn]
		if !ok {
			removed = append(removed, o)
			continue
		}
		if c, changed := compareResource(o, n); changed {
			res.Changes = append(res.Changes, c)
		} else {
			res.Unchanged++
		}
	}
	for urn, n := range after {
		if _, ok := before[urn]; !ok {
			added = append(added, n)
		}
	}
	sortByURN(removed)
	sortByURN(added)

	// A removed and an added resource of one type with the same logical or physical name is one
	// resource whose URN changed.
	used := map[string]bool{}
	for _, o := range removed {
		var match *plan.Resource
		for i, n := range added {
			if !used[n.URN] && n.Type == o.Type && sameResource(o, n) {
				match = &added[i]
				break
			}
		}
		if match == nil {
			res.Changes = append(res.Changes, Change{
				Action: Delete, Type: o.Type, Name: o.Name, URN: o.URN, Component: o.Component,
				Stateful: Stateful(o.Type), Protected: o.Protect,
			})
			continue
		}
		used[match.URN] = true
		c, _ := compareResource(o, *match)
		c.Action = Replace
		c.OldURN = o.URN
		c.Reasons = append([]string{urnReason(o, *match)}, c.Reasons...)
		res.Changes = append(res.Changes, c)
	}
	for _, n := range added {
		if used[n.URN] {
			continue
		}
		res.Changes = append(res.Changes, Change{
			Action: Create, Type: n.Type, Name: n.Name, URN: n.URN, Component: n.Component,
			Stateful: Stateful(n.Type), Protected: n.Protect,
		})
	}
	slices.SortFunc(res.Changes, func(a, b Change) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a.URN, b.URN)
	})
	res.Outputs = diffValues("", old.Outputs, next.Outputs, nil)
	return res
}

func rank(c Change) int {
	order := map[Action]int{Replace: 1, Delete: 2, Create: 3, Update: 4, Ignore: 5}[c.Action]
	if c.Dangerous() {
		return 0
	}
	return order
}

func index(doc plan.Document) map[string]plan.Resource {
	out := make(map[string]plan.Resource, len(doc.Resources))
	for _, r := range doc.Resources {
		out[r.URN] = r
	}
	return out
}

func sortByURN(rs []plan.Resource) {
	slices.SortFunc(rs, func(a, b plan.Resource) int { return strings.Compare(a.URN, b.URN) })
}

func sameResource(a, b plan.Resource) bool {
	if a.Name == b.Name {
		return true
	}
	for _, k := range physicalKeys {
		av, aok := a.Inputs[k].(string)
		bv, bok := b.Inputs[k].(string)
		if aok && bok && av != "" && av == bv {
			return true
		}
	}
	return false
}

func urnReason(o, n plan.Resource) string {
	ou, nu := resource.URN(o.URN), resource.URN(n.URN)
	var what []string
	if o.Name != n.Name {
		what = append(what, fmt.Sprintf("logical name %q → %q", o.Name, n.Name))
	}
	if o.Parent != n.Parent || ou.QualifiedType() != nu.QualifiedType() {
		what = append(what, fmt.Sprintf("parent %s → %s", parentLabel(o.Parent), parentLabel(n.Parent)))
	}
	if len(what) == 0 {
		what = append(what, "URN "+o.URN+" → "+n.URN)
	}
	return "URN changes (" + strings.Join(what, ", ") + "): without an alias Pulumi deletes the old resource and creates a new one"
}

func parentLabel(urn string) string {
	if urn == "" {
		return "the stack"
	}
	u := resource.URN(urn)
	return string(u.Type()) + " " + u.Name()
}

// compareResource diffs the inputs and protection of one resource present in both plans.
func compareResource(o, n plan.Resource) (Change, bool) {
	c := Change{
		Action: Update, Type: n.Type, Name: n.Name, URN: n.URN, Component: n.Component,
		Stateful: Stateful(n.Type), Protected: o.Protect || n.Protect,
	}
	schema := tfschema.ForPulumi(n.Type)
	c.Properties = diffValues("", o.Inputs, n.Inputs, nil)
	applied := 0
	for i, p := range c.Properties {
		if ignored(p.Path, n.IgnoreChanges) {
			c.Properties[i].Ignored = true
			continue
		}
		applied++
		tfPath, force := schema.ForceNew(schemaPath(p.Path))
		if force {
			c.Properties[i].ForcesNew = schema.Type + "." + tfPath + " (" + schema.Source + ")"
			c.Action = Replace
			c.Reasons = append(c.Reasons, fmt.Sprintf("%s forces a new resource: %s.%s is ForceNew", p.Path, schema.Type, tfPath))
		}
	}
	for _, p := range c.Properties {
		if c.Stateful && p.ForcesNew == "" && !p.Ignored && slices.Contains(physicalKeys, p.Path) {
			c.Notes = append(c.Notes, fmt.Sprintf("%s changes in place: AWS renames the resource, so its endpoint and ARN change and every client must follow", p.Path))
		}
	}
	if o.Protect != n.Protect {
		c.Properties = append(c.Properties, Property{Path: "(protect)", Old: o.Protect, New: n.Protect})
		applied++
	}
	if applied == 0 && len(c.Properties) > 0 {
		c.Action = Ignore
	}
	return c, len(c.Properties) > 0
}

// ignored reports whether an ignoreChanges path covers the property at path: the path itself,
// anything inside it, and "[*]" for every element of a list.
func ignored(path string, ignoreChanges []string) bool {
	for _, ig := range ignoreChanges {
		pattern := regexp.QuoteMeta(ig)
		pattern = strings.ReplaceAll(pattern, `\[\*\]`, `\[[0-9]+\]`)
		if regexp.MustCompile(`^` + pattern + `([.\[#]|$)`).MatchString(path) {
			return true
		}
	}
	return false
}

// diffValues lists the differences between two JSON values below path. Strings that hold JSON
// documents (policies, container definitions) are compared as documents; their inner paths are
// marked with "#".
func diffValues(path string, old, next any, out []Property) []Property {
	if reflect.DeepEqual(old, next) {
		return out
	}
	switch o := old.(type) {
	case map[string]any:
		if n, ok := next.(map[string]any); ok {
			keys := slices.Sorted(maps.Keys(o))
			for k := range n {
				if _, ok := o[k]; !ok {
					keys = append(keys, k)
				}
			}
			slices.Sort(keys)
			for _, k := range keys {
				out = diffValues(join(path, k), o[k], n[k], out)
			}
			return out
		}
	case []any:
		if n, ok := next.([]any); ok {
			for i := range max(len(o), len(n)) {
				var ov, nv any
				if i < len(o) {
					ov = o[i]
				}
				if i < len(n) {
					nv = n[i]
				}
				out = diffValues(path+"["+strconv.Itoa(i)+"]", ov, nv, out)
			}
			return out
		}
	case string:
		if n, ok := next.(string); ok {
			od, oj := jsonDoc(o)
			nd, nj := jsonDoc(n)
			if oj && nj {
				return diffValues(path+"#", od, nd, out)
			}
		}
	}
	return append(out, Property{Path: path, Old: old, New: next})
}

func join(path, key string) string {
	if path == "" || strings.HasSuffix(path, "#") {
		return path + key
	}
	return path + "." + key
}

func jsonDoc(s string) (any, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "[") {
		return nil, false
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, false
	}
	return v, true
}

// schemaPath splits a property path into the keys the Terraform schema knows: indexes are
// dropped by tfschema, and everything inside a JSON document ("#") belongs to its attribute.
func schemaPath(path string) []string {
	path, _, _ = strings.Cut(path, "#")
	return strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
}
