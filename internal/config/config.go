package config

import (
	"encoding/json"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/systems"
)

// Namespace is the config namespace of the strata project.
const Namespace = systems.Namespace

// Config is a stack's whole configuration.
type Config struct {
	Stage systems.Stage
	Systems
}

// Key returns the full config key of name, e.g. "strata:base".
func Key(name string) string { return systems.Key(name) }

// Primitive keys, which Pulumi.yaml declares with their types and defaults.
const (
	keyEnv     = "env"
	keyOwner   = "owner"
	keyProtect = "protect"
	keyTags    = "tags"
)

// Names lists every key strata reads, without the namespace.
func Names() []string {
	names := []string{keyEnv, keyOwner, keyProtect, keyTags}
	return append(names, slices.Sorted(maps.Keys((&Config{}).sections()))...)
}

// Load reads the stack's configuration from the Pulumi context. The Go SDK cannot list config keys,
// so the key list comes from PULUMI_CONFIG, which the Go language host (and strata's mock runner)
// sets for every run; that is how a misspelt top-level key is caught rather than ignored.
func Load(ctx *pulumi.Context) (*Config, error) {
	values := map[string]string{}
	var all map[string]string
	if raw := os.Getenv(pulumi.EnvConfig); raw != "" {
		_ = json.Unmarshal([]byte(raw), &all) // malformed means no key list; known keys still load
	}
	for k := range all {
		if name, ok := strings.CutPrefix(k, Namespace+":"); ok {
			values[name] = all[k]
		}
	}
	for _, name := range Names() {
		if v, ok := ctx.GetConfig(Key(name)); ok {
			values[name] = v
		}
	}
	return Parse(ctx.Stack(), values)
}

// Parse builds a Config from the strata:* values of a stack (keys without the namespace, objects as
// JSON). On error it still returns everything that decoded, so callers can report the semantic
// problems of the rest alongside; they should skip problems at paths the error already covers
// (field.Errors.Covers), which would only restate a decoding problem.
func Parse(stack string, values map[string]string) (*Config, error) {
	var errs field.Errors
	known := Names()
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if slices.Contains(known, name) {
			continue
		}
		if s := closest(name, known); s != "" {
			errs.Add(Key(name), "unknown key (did you mean %q?): use one of %s", Key(s), strings.Join(known, ", "))
		} else {
			errs.Add(Key(name), "unknown key: use one of %s", strings.Join(known, ", "))
		}
	}

	c := &Config{Stage: systems.Stage{Stack: stack, Env: values[keyEnv], Owner: values[keyOwner]}}
	envDefaulted := c.Stage.Env == ""
	if envDefaulted {
		c.Stage.Env = stack
	}
	switch v := values[keyProtect]; v {
	case "", "false":
	case "true":
		c.Stage.Protect = true
	default:
		errs.Add(Key(keyProtect), "got %q, want true or false", v)
	}
	if v, ok := values[keyTags]; ok {
		decodeJSON(&errs, Key(keyTags), v, &c.Stage.Tags)
	}
	for _, p := range field.Problems(c.Stage.Naming(Namespace).Validate()) {
		if p.Path == keyEnv && envDefaulted {
			p.Msg += " (the environment defaults to the stack name: set strata:env)"
		}
		errs.Add(Key(p.Path), "%s", p.Msg)
	}

	sections := c.sections()
	for _, name := range slices.Sorted(maps.Keys(sections)) {
		if raw, ok := values[name]; ok {
			decodeJSON(&errs, Key(name), raw, sections[name])
		}
	}
	return c, errs.Err()
}

// Schema returns the Go type each structured key decodes into (without the pointer), by key
// without the namespace: the source of the generated config reference.
func Schema() map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for k, v := range (&Config{}).sections() {
		t := reflect.TypeOf(v).Elem()
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		out[k] = t
	}
	return out
}
