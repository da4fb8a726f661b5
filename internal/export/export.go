package export

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/strata-iac/strata/internal/graph"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/tfschema"
)

// The versions the document claims: format_version of `terraform show -json`, and the Terraform
// release whose plan format it follows.
const (
	FormatVersion    = "1.2"
	TerraformVersion = "1.9.0"
)

// Plan is a Terraform plan in JSON form.
type Plan struct {
	FormatVersion    string           `json:"format_version"`
	TerraformVersion string           `json:"terraform_version"`
	PlannedValues    Values           `json:"planned_values"`
	ResourceChanges  []ResourceChange `json:"resource_changes"`
	Configuration    Configuration    `json:"configuration"`
}

// Values holds the planned resources.
type Values struct {
	RootModule Module `json:"root_module"`
}

// Module is the root module's planned resources.
type Module struct {
	Resources []Resource `json:"resources"`
}

// Resource is one planned resource.
type Resource struct {
	Address         string         `json:"address"`
	Mode            string         `json:"mode"`
	Type            string         `json:"type"`
	Name            string         `json:"name"`
	ProviderName    string         `json:"provider_name"`
	SchemaVersion   int            `json:"schema_version"`
	Values          map[string]any `json:"values"`
	SensitiveValues map[string]any `json:"sensitive_values"`
}

// ResourceChange is what the plan does to one resource: every exported resource is created.
type ResourceChange struct {
	Address      string `json:"address"`
	Mode         string `json:"mode"`
	Type         string `json:"type"`
	Name         string `json:"name"`
	ProviderName string `json:"provider_name"`
	Change       Change `json:"change"`
}

// Change is a resource's before and after.
type Change struct {
	Actions         []string       `json:"actions"`
	Before          any            `json:"before"`
	After           map[string]any `json:"after"`
	AfterUnknown    map[string]any `json:"after_unknown"`
	BeforeSensitive bool           `json:"before_sensitive"`
	AfterSensitive  map[string]any `json:"after_sensitive"`
}

// Configuration is the configuration the plan came from: providers and resource expressions.
type Configuration struct {
	ProviderConfig map[string]ProviderConfig `json:"provider_config"`
	RootModule     ConfigModule              `json:"root_module"`
}

// ProviderConfig is one provider's configuration.
type ProviderConfig struct {
	Name        string         `json:"name"`
	FullName    string         `json:"full_name"`
	Expressions map[string]any `json:"expressions,omitempty"`
}

// ConfigModule holds the resources' expressions.
type ConfigModule struct {
	Resources []ConfigResource `json:"resources"`
}

// ConfigResource is one resource's configuration: each attribute a constant_value or the
// references it is built from.
type ConfigResource struct {
	Address           string         `json:"address"`
	Mode              string         `json:"mode"`
	Type              string         `json:"type"`
	Name              string         `json:"name"`
	ProviderConfigKey string         `json:"provider_config_key"`
	Expressions       map[string]any `json:"expressions"`
	SchemaVersion     int            `json:"schema_version"`
}

// Skipped is a resource the export leaves out, with the reason.
type Skipped struct {
	Type   string
	Name   string
	Reason string
}

// providers are the Terraform providers of the Pulumi packages strata uses.
var providers = map[string]string{
	"aws":    "registry.terraform.io/hashicorp/aws",
	"random": "registry.terraform.io/hashicorp/random",
	"tls":    "registry.terraform.io/hashicorp/tls",
}

// entry is one exported resource while the document is built.
type entry struct {
	r       *mock.Resource
	tfType  string
	name    string
	attrs   map[string]*tfschema.Attr // nil when the schema is unknown
	address string
}

// TerraformPlan renders res as a Terraform plan of a stack in region.
func TerraformPlan(res *mock.Result, region string) (*Plan, []Skipped) {
	var entries []*entry
	var skipped []Skipped
	byURN := map[string]*entry{}
	used := map[string]bool{}
	all := res.Resources()
	slices.SortFunc(all, func(a, b *mock.Resource) int { return strings.Compare(a.URN, b.URN) })
	for _, r := range all {
		if !r.Custom {
			if r.Remote {
				skipped = append(skipped, Skipped{Type: r.Type, Name: r.Name, Reason: "remote component: the resources its provider creates are not in the plan"})
			}
			continue
		}
		tfType, attrs, ok := terraformType(r.Type)
		if !ok {
			skipped = append(skipped, Skipped{Type: r.Type, Name: r.Name, Reason: "no known Terraform type"})
			continue
		}
		e := &entry{r: r, tfType: tfType, attrs: attrs, name: uniqueName(tfType, r.Name, used)}
		e.address = tfType + "." + e.name
		entries = append(entries, e)
		byURN[r.URN] = e
	}

	index := graph.NewIndex(res)
	p := &Plan{FormatVersion: FormatVersion, TerraformVersion: TerraformVersion}
	p.PlannedValues.RootModule.Resources = []Resource{}
	p.ResourceChanges = []ResourceChange{}
	p.Configuration.ProviderConfig = map[string]ProviderConfig{}
	p.Configuration.RootModule.Resources = []ConfigResource{}
	for _, e := range entries {
		pkg := strings.SplitN(e.r.Type, ":", 2)[0]
		provider := providers[pkg]
		if _, ok := p.Configuration.ProviderConfig[pkg]; !ok {
			pc := ProviderConfig{Name: pkg, FullName: provider}
			if pkg == "aws" && region != "" {
				pc.Expressions = map[string]any{"region": map[string]any{"constant_value": region}}
			}
			p.Configuration.ProviderConfig[pkg] = pc
		}
		var c converter
		values, sensitive, unknown := c.object(e.attrs, mock.Plain(e.r.Inputs, true))
		if _, ok := values["tags"]; ok {
			values["tags_all"] = values["tags"]
		}
		p.PlannedValues.RootModule.Resources = append(p.PlannedValues.RootModule.Resources, Resource{
			Address: e.address, Mode: "managed", Type: e.tfType, Name: e.name, ProviderName: provider,
			Values: values, SensitiveValues: sensitive,
		})
		p.ResourceChanges = append(p.ResourceChanges, ResourceChange{
			Address: e.address, Mode: "managed", Type: e.tfType, Name: e.name, ProviderName: provider,
			Change: Change{Actions: []string{"create"}, After: values, AfterUnknown: unknown, AfterSensitive: sensitive},
		})
		x := expressions{from: e, index: index, byURN: byURN}
		p.Configuration.RootModule.Resources = append(p.Configuration.RootModule.Resources, ConfigResource{
			Address: e.address, Mode: "managed", Type: e.tfType, Name: e.name, ProviderConfigKey: pkg,
			Expressions: x.object(e.attrs, mock.Plain(e.r.Inputs, true), true),
		})
	}
	return p, skipped
}

// terraformType returns the Terraform type of a Pulumi type token and its schema's attributes
// (nil when unknown: names are then converted without it).
func terraformType(pulumiType string) (string, map[string]*tfschema.Attr, bool) {
	if t, ok := tfschema.TerraformType(pulumiType); ok {
		var attrs map[string]*tfschema.Attr
		if r := tfschema.Lookup(t); r != nil {
			attrs = r.Attrs
		}
		return t, attrs, true
	}
	// The other bridged providers strata uses keep everything in module index:
	// random:index/randomPassword:RandomPassword is random_password, tls:index/privateKey:PrivateKey
	// tls_private_key.
	parts := strings.Split(pulumiType, ":")
	if len(parts) == 3 && providers[parts[0]] != "" && parts[0] != "aws" && strings.HasPrefix(parts[1], "index/") {
		name := tfschema.Snake(strings.TrimPrefix(parts[1], "index/"))
		if !strings.HasPrefix(name, parts[0]+"_") {
			name = parts[0] + "_" + name
		}
		return name, nil, true
	}
	return "", nil, false
}

var invalidName = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// uniqueName turns a logical name into a Terraform resource name, unique within its type.
func uniqueName(tfType, logical string, used map[string]bool) string {
	name := invalidName.ReplaceAllString(logical, "_")
	if name == "" || !(name[0] == '_' || name[0] >= 'A' && name[0] <= 'Z' || name[0] >= 'a' && name[0] <= 'z') {
		name = "r_" + name
	}
	base := name
	for i := 2; used[tfType+"."+name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	used[tfType+"."+name] = true
	return name
}

// converter renames Pulumi inputs to Terraform attributes.
type converter struct{}

// object converts a Pulumi object with attrs (nil: names only) and returns the values, the
// sensitive marks and the unknown marks.
func (c converter) object(attrs map[string]*tfschema.Attr, in map[string]any) (map[string]any, map[string]any, map[string]any) {
	values, sensitive, unknown := map[string]any{}, map[string]any{}, map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(in)) {
		name, a := tfschema.Field(attrs, k)
		v, s, u := c.value(a, in[k])
		values[name] = v
		if s != nil {
			sensitive[name] = s
		}
		if u != nil {
			unknown[name] = u
		}
	}
	return values, sensitive, unknown
}

// value converts one value for attribute a (nil when the schema does not know it).
func (c converter) value(a *tfschema.Attr, v any) (any, any, any) {
	switch x := v.(type) {
	case string:
		switch x {
		case "[secret]":
			return nil, true, nil
		case "[unknown]":
			return nil, nil, true
		}
		return x, nil, nil
	case map[string]any:
		if a != nil && a.Type == "map" {
			// A map attribute's keys are data (tags, environment): kept as they are.
			out, s, u := map[string]any{}, map[string]any{}, map[string]any{}
			for k, e := range x {
				v, ss, uu := c.value(nil, e)
				out[k] = v
				if ss != nil {
					s[k] = ss
				}
				if uu != nil {
					u[k] = uu
				}
			}
			return out, nonEmpty(s), nonEmpty(u)
		}
		var nested map[string]*tfschema.Attr
		if a != nil {
			nested = a.Attrs
		}
		obj, s, u := c.object(nested, x)
		if a != nil && (a.Type == "list" || a.Type == "set") {
			// A single-element block is an object in Pulumi and a one-element list in Terraform.
			return []any{obj}, nonEmptyList(s), nonEmptyList(u)
		}
		return obj, nonEmpty(s), nonEmpty(u)
	case []any:
		out := make([]any, len(x))
		var ss, us []any
		anyS, anyU := false, false
		for i, e := range x {
			elem := a
			if a != nil && !a.Block() {
				elem = nil
			}
			if m, ok := e.(map[string]any); ok && elem != nil {
				obj, s, u := c.object(elem.Attrs, m)
				out[i], ss, us = obj, append(ss, nonEmpty(s)), append(us, nonEmpty(u))
				anyS, anyU = anyS || len(s) > 0, anyU || len(u) > 0
				continue
			}
			v, s, u := c.value(nil, e)
			out[i], ss, us = v, append(ss, orFalse(s)), append(us, orFalse(u))
			anyS, anyU = anyS || s != nil, anyU || u != nil
		}
		var s, u any
		if anyS {
			s = ss
		}
		if anyU {
			u = us
		}
		return out, s, u
	}
	return v, nil, nil
}

func nonEmpty(m map[string]any) any {
	if len(m) == 0 {
		return nil
	}
	return m
}

func nonEmptyList(m map[string]any) any {
	if len(m) == 0 {
		return nil
	}
	return []any{m}
}

func orFalse(v any) any {
	if v == nil {
		return false
	}
	return v
}

// expressions renders the configuration of one resource: references where an input names another
// exported resource, constant values elsewhere.
type expressions struct {
	from  *entry
	index *graph.Index
	byURN map[string]*entry
}

func (x expressions) object(attrs map[string]*tfschema.Attr, in map[string]any, top bool) map[string]any {
	out := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(in)) {
		name, a := tfschema.Field(attrs, k)
		if top && !graph.Searched(x.from.r.Type, k) {
			out[name] = map[string]any{"constant_value": constant(in[k])}
			continue
		}
		out[name] = x.value(a, in[k])
	}
	return out
}

func (x expressions) value(a *tfschema.Attr, v any) any {
	if m, ok := v.(map[string]any); ok && a != nil && a.Block() {
		return []any{x.object(a.Attrs, m, false)}
	}
	if l, ok := v.([]any); ok && a != nil && a.Block() {
		out := make([]any, 0, len(l))
		for _, e := range l {
			if m, ok := e.(map[string]any); ok {
				out = append(out, x.object(a.Attrs, m, false))
			}
		}
		return out
	}
	if refs := x.references(v); len(refs) > 0 {
		return map[string]any{"references": refs}
	}
	return map[string]any{"constant_value": constant(v)}
}

// references lists the Terraform references of every string inside v, attribute then resource
// ("aws_s3_bucket.jobs.arn", "aws_s3_bucket.jobs"), as Terraform writes them.
func (x expressions) references(v any) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case string:
			for _, m := range x.index.Match(x.from.r.URN, t) {
				to, ok := x.byURN[m.URN]
				if !ok {
					continue
				}
				attr, _ := tfschema.Field(to.attrs, m.Key)
				if m.Key == "id" {
					attr = "id"
				}
				for _, ref := range []string{to.address + "." + attr, to.address} {
					if !seen[ref] {
						seen[ref] = true
						out = append(out, ref)
					}
				}
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				walk(t[k])
			}
		}
	}
	walk(v)
	return out
}

// constant hides secrets and unknowns as Terraform does in configuration: as absent values.
func constant(v any) any {
	switch x := v.(type) {
	case string:
		if x == "[secret]" || x == "[unknown]" {
			return nil
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = constant(e)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = constant(e)
		}
		return out
	}
	return v
}
