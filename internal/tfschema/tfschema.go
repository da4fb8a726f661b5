package tfschema

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

//go:embed schema.json
var raw []byte

// Attr is one attribute of a Terraform resource schema.
type Attr struct {
	// Type is string, number, bool, map, list or set.
	Type        string `json:"type,omitempty"`
	ForceNew    bool   `json:"forceNew,omitempty"`
	MaxItemsOne bool   `json:"maxItemsOne,omitempty"`
	// Attrs are the attributes of a nested block.
	Attrs map[string]*Attr `json:"attrs,omitempty"`
	// Helper names the provider function that builds this attribute's schema when it was not
	// resolved.
	Helper string `json:"helper,omitempty"`
}

// Block reports whether the attribute is a nested block (a list or set of objects).
func (a *Attr) Block() bool { return a != nil && len(a.Attrs) > 0 }

// Resource is the schema of one Terraform resource type.
type Resource struct {
	Type string `json:"-"`
	// Source is the provider file that declares the schema.
	Source  string           `json:"source"`
	Attrs   map[string]*Attr `json:"attrs"`
	Partial bool             `json:"partial,omitempty"`
}

type data struct {
	Provider   string               `json:"provider"`
	Commit     string               `json:"commit"`
	CommitDate string               `json:"commitDate"`
	Extracted  string               `json:"extracted"`
	Types      map[string]string    `json:"types"`
	Resources  map[string]*Resource `json:"resources"`
}

var schema = func() data {
	var d data
	if err := json.Unmarshal(raw, &d); err != nil {
		panic(fmt.Sprintf("tfschema: schema.json: %v", err))
	}
	for name, r := range d.Resources {
		r.Type = name
	}
	return d
}()

// Origin describes where the data comes from: the provider repository, commit and its date.
func Origin() (repo, commit, date string) {
	return schema.Provider, schema.Commit, schema.CommitDate
}

// TerraformType returns the Terraform type that a pulumi-aws type token bridges.
func TerraformType(pulumiType string) (string, bool) {
	t, ok := schema.Types[pulumiType]
	return t, ok
}

// Types returns the pulumi type tokens the data covers, mapped to their Terraform types.
func Types() map[string]string {
	out := make(map[string]string, len(schema.Types))
	for k, v := range schema.Types {
		out[k] = v
	}
	return out
}

// Lookup returns the schema of a Terraform resource type, or nil.
func Lookup(tfType string) *Resource { return schema.Resources[tfType] }

// ForPulumi returns the schema of the Terraform type that a pulumi type token bridges, or nil.
func ForPulumi(pulumiType string) *Resource {
	t, ok := TerraformType(pulumiType)
	if !ok {
		return nil
	}
	return Lookup(t)
}

// SourceURL is the address of the file that declares r's schema, at the extracted commit.
func (r *Resource) SourceURL() string {
	return "https://github.com/" + schema.Provider + "/blob/" + schema.Commit + "/" + r.Source
}

// ForceNew reports whether changing the Pulumi property at path (keys as in the plan's inputs;
// list indexes are skipped) replaces the resource: some attribute on the way is ForceNew. It also
// returns the Terraform attribute path it matched.
func (r *Resource) ForceNew(path []string) (string, bool) {
	if r == nil {
		return "", false
	}
	attrs := r.Attrs
	var tf []string
	for _, key := range path {
		if isIndex(key) {
			continue
		}
		name, a := Field(attrs, key)
		if a == nil {
			return strings.Join(append(tf, name), "."), false
		}
		tf = append(tf, name)
		if a.ForceNew {
			return strings.Join(tf, "."), true
		}
		if a.Type == "map" {
			// Map keys (tags) are values, not attributes.
			break
		}
		attrs = a.Attrs
	}
	return strings.Join(tf, "."), false
}

// Field returns the Terraform attribute among attrs that a Pulumi property name stands for, and
// the attribute (nil when attrs has none of the candidate names; the name is then the plain
// snake_case form).
func Field(attrs map[string]*Attr, pulumiKey string) (string, *Attr) {
	snake := Snake(pulumiKey)
	for _, c := range singulars(snake) {
		if a, ok := attrs[c]; ok {
			return c, a
		}
	}
	return snake, nil
}

// singulars lists snake and the singular forms pulumi's pluralisation of list blocks may have
// come from, most likely first.
func singulars(snake string) []string {
	out := []string{snake}
	if s, ok := strings.CutSuffix(snake, "ies"); ok {
		out = append(out, s+"y")
	}
	if s, ok := strings.CutSuffix(snake, "es"); ok {
		out = append(out, s)
	}
	if s, ok := strings.CutSuffix(snake, "s"); ok {
		out = append(out, s)
	}
	return out
}

// Snake converts a lowerCamelCase Pulumi property name to snake_case ("cidrIpv4" becomes
// "cidr_ipv4", "s3BucketArn" "s3_bucket_arn").
func Snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isIndex(key string) bool {
	if key == "" {
		return false
	}
	for _, r := range key {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
