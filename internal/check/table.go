package check

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Open ends of a Range.
const (
	NoMin = -math.MaxFloat64
	NoMax = math.MaxFloat64
)

// Range is an inclusive interval.
type Range struct{ Min, Max float64 }

func (r Range) has(f float64) bool { return f >= r.Min && f <= r.Max }

func (r Range) String() string {
	switch {
	case r.Min == NoMin && r.Max == NoMax:
		return "any"
	case r.Max == NoMax:
		return "at least " + num(r.Min)
	case r.Min == NoMin:
		return "at most " + num(r.Max)
	case r.Min == r.Max:
		return "exactly " + num(r.Min)
	}
	return num(r.Min) + " to " + num(r.Max)
}

// Limit is a constraint AWS documents for one property of one resource type. Every constraint
// set must hold; a value that is unknown at plan time ("[unknown]") or secret ("[secret]") is not
// judged.
type Limit struct {
	// ID names the rule in findings: stable, lowercase, <service>.<resource>.<property>.
	ID string
	// Type is the Pulumi resource type token, Path the property path pattern in Pulumi's input
	// shape: camelCase keys, [*] for any list item, * for any map key.
	Type, Path string
	// Num bounds a number (a numeric string is read as its number).
	Num *Range
	// Len bounds a string's length in characters, or a list's or map's number of items.
	Len *Range
	// Pattern is an RE2 expression the whole string must match; Reject one no part of it may
	// match (RE2 has no lookahead, so "must not start with sg-" is a Reject).
	Pattern, Reject string
	// Enum lists the allowed values; numbers and booleans compare in their JSON form.
	Enum []string
	// Allowed says in words what AWS allows; when empty it is derived from the constraints.
	Allowed string
	// Source is the botocore model member or the AWS documentation URL that states the limit.
	Source string
	// Note records what the table deliberately does not check, and why.
	Note string
}

// Kind says why a property has no constraint of its own.
type Kind string

// The kinds of classified properties.
const (
	// Reference is an id, ARN or name of another resource: judged where that resource is
	// declared, and mocked offline.
	Reference Kind = "reference"
	// Boolean is a flag; Pulumi's schema already refuses anything else.
	Boolean Kind = "boolean"
	// Number is a number AWS documents no bound for beyond its type.
	Number Kind = "number"
	// FreeText is a string AWS documents no limit for; Why says what it does document.
	FreeText Kind = "free text"
	// Catalog is a value from an AWS catalog that changes over time (engine versions, instance
	// classes, SSL policies, bundles): AWS judges it at deploy time.
	Catalog Kind = "catalog"
	// Provider is a Pulumi provider setting that is never sent to AWS.
	Provider Kind = "provider setting"
	// Secret is a secret value, never judged offline.
	Secret Kind = "secret"
)

var kinds = []Kind{Reference, Boolean, Number, FreeText, Catalog, Provider, Secret}

// Class classifies a property that has no limit: the coverage rule accepts it, and the table says
// why it has none.
type Class struct {
	Type, Path string
	Kind       Kind
	// Why is the reason or the source; required.
	Why string
}

// classify returns one Class per path.
func classify(typ string, kind Kind, why string, paths ...string) []Class {
	out := make([]Class, len(paths))
	for i, p := range paths {
		out[i] = Class{Type: typ, Path: p, Kind: kind, Why: why}
	}
	return out
}

// Reporter collects a rule's findings on one resource.
type Reporter func(path string, value any, allowed string)

// Rule judges a whole resource: cross-field rules, JSON documents, character sets that need code.
type Rule struct {
	ID string
	// Types are the resource types it judges; empty means every type.
	Types []string
	// Paths are the property path patterns it judges: they count as covered for its types.
	Paths []string
	// Source is the AWS documentation URL (or model member) that states the limit.
	Source string
	// Security marks a deliberate-opt-in finding: it is a warning when an OptIn names the resource
	// and a violation otherwise.
	Security bool
	// Check reports every problem of r through report.
	Check func(r *Resource, report Reporter)
}

// JSONInput is a string property whose value is a JSON document the check decodes: its members
// become paths of their own (containerDefinitions[0].name), judged and covered like any other.
type JSONInput struct {
	// ID names the finding when the value is not valid JSON.
	ID, Type, Path string
	Source         string
}

// set is one part of the table, usually one service.
type set struct {
	limits  []Limit
	classes []Class
	rules   []Rule
	json    []JSONInput
}

// compiled is the table indexed for checking.
type compiled struct {
	limits  []Limit
	classes []Class
	rules   []Rule
	byType  map[string]*typeTable
	global  []*rule // rules without Types
	regexps map[string]*regexp.Regexp
}

type typeTable struct {
	limits  []*limit
	classes []class
	rules   []*rule
	json    map[string]JSONInput
}

type class struct {
	path []seg
	kind Kind
}

type limit struct {
	Limit
	path            []seg
	pattern, reject *regexp.Regexp
}

type rule struct {
	Rule
	paths [][]seg
}

var table = sync.OnceValue(func() *compiled {
	c, err := compile(sets())
	if err != nil {
		panic(err)
	}
	return c
})

// sets lists every part of the table.
func sets() []set {
	return []set{
		{limits: generated},
		acm, appautoscaling, autoscaling, cloudwatch, datasync, dynamodb, ec2, ecs, efs, elbv2,
		events, iam, imagebuilder, kms, lightsail, policies, random, rds, route53, s3, secretsmanager, security,
		servicediscovery, sns, sqs, ssm, tags, wafv2,
	}
}

// compile checks and indexes the table: ids unique, paths and patterns valid, every entry sourced.
func compile(parts []set) (*compiled, error) {
	c := &compiled{byType: map[string]*typeTable{}, regexps: map[string]*regexp.Regexp{}}
	tt := func(typ string) *typeTable {
		t := c.byType[typ]
		if t == nil {
			t = &typeTable{json: map[string]JSONInput{}}
			c.byType[typ] = t
		}
		return t
	}
	ids := map[string]bool{}
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	id := func(s string) {
		if s == "" || s != strings.ToLower(s) || strings.ContainsAny(s, " \t") {
			fail("rule id %q: want lowercase words joined by dots", s)
		}
		if ids[s] {
			fail("rule id %q is used twice", s)
		}
		ids[s] = true
	}
	for _, p := range parts {
		for _, l := range p.limits {
			id(l.ID)
			path, err := parsePattern(l.Path)
			if err != nil {
				fail("%s: %v", l.ID, err)
			}
			if l.Source == "" {
				fail("%s: no source", l.ID)
			}
			if l.Num == nil && l.Len == nil && l.Pattern == "" && l.Reject == "" && len(l.Enum) == 0 {
				fail("%s: no constraint", l.ID)
			}
			cl := &limit{Limit: l, path: path}
			if l.Pattern != "" {
				if cl.pattern, err = regexp.Compile(`\A(?:` + l.Pattern + `)\z`); err != nil {
					fail("%s: pattern: %v", l.ID, err)
				}
			}
			if l.Reject != "" {
				if cl.reject, err = regexp.Compile(l.Reject); err != nil {
					fail("%s: reject: %v", l.ID, err)
				}
			}
			c.limits = append(c.limits, l)
			tt(l.Type).limits = append(tt(l.Type).limits, cl)
		}
		for _, cl := range p.classes {
			path, err := parsePattern(cl.Path)
			if err != nil {
				fail("%s %s: %v", cl.Type, cl.Path, err)
			}
			if !slices.Contains(kinds, cl.Kind) || cl.Why == "" {
				fail("%s %s: want a known kind and a reason", cl.Type, cl.Path)
			}
			c.classes = append(c.classes, cl)
			tt(cl.Type).classes = append(tt(cl.Type).classes, class{path, cl.Kind})
		}
		for _, r := range p.rules {
			id(r.ID)
			if r.Source == "" || r.Check == nil {
				fail("%s: want a source and a check", r.ID)
			}
			cr := &rule{Rule: r}
			for _, p := range r.Paths {
				path, err := parsePattern(p)
				if err != nil {
					fail("%s: %v", r.ID, err)
				}
				cr.paths = append(cr.paths, path)
			}
			c.rules = append(c.rules, r)
			if len(r.Types) == 0 {
				c.global = append(c.global, cr)
			}
			for _, typ := range r.Types {
				tt(typ).rules = append(tt(typ).rules, cr)
			}
		}
		for _, j := range p.json {
			id(j.ID)
			if j.Source == "" || strings.ContainsAny(j.Path, ".[*") {
				fail("%s: want a top-level path and a source", j.ID)
			}
			tt(j.Type).json[j.Path] = j
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("check table:\n%s", strings.Join(errs, "\n"))
	}
	return c, nil
}

// judge returns what l allows when v breaks it, or "" when v is fine or cannot be judged.
func (l *limit) judge(v any) string {
	if opaque(v) {
		return ""
	}
	bad := false
	if l.Num != nil {
		switch x := v.(type) {
		case float64:
			bad = bad || !l.Num.has(x)
		case string:
			f, err := strconv.ParseFloat(x, 64)
			bad = bad || err != nil || !l.Num.has(f)
		}
	}
	if l.Len != nil {
		switch x := v.(type) {
		case string:
			bad = bad || !l.Len.has(float64(utf8.RuneCountInString(x)))
		case []any:
			bad = bad || !l.Len.has(float64(len(x)))
		case map[string]any:
			bad = bad || !l.Len.has(float64(len(x)))
		}
	}
	if s, ok := v.(string); ok {
		bad = bad || (l.pattern != nil && !l.pattern.MatchString(s)) || (l.reject != nil && l.reject.MatchString(s))
	}
	if len(l.Enum) > 0 {
		if s, ok := scalar(v); ok {
			bad = bad || !slices.Contains(l.Enum, s)
		}
	}
	if !bad {
		return ""
	}
	return l.allowed(v)
}

// allowed says what l allows, in words; v decides whether Len counts characters or items.
func (l *limit) allowed(v any) string {
	if l.Allowed != "" {
		return l.Allowed
	}
	var parts []string
	if l.Num != nil {
		parts = append(parts, l.Num.String())
	}
	if l.Len != nil {
		unit := " characters"
		switch v.(type) {
		case []any, map[string]any:
			unit = " items"
		}
		parts = append(parts, l.Len.String()+unit)
	}
	if l.Pattern != "" {
		parts = append(parts, "matching "+l.Pattern)
	}
	if l.Reject != "" {
		parts = append(parts, "not matching "+l.Reject)
	}
	if len(l.Enum) > 12 {
		parts = append(parts, fmt.Sprintf("one of the %d values of the model's enum (%s, ...)", len(l.Enum), strings.Join(l.Enum[:3], ", ")))
	} else if len(l.Enum) > 0 {
		parts = append(parts, "one of "+strings.Join(l.Enum, ", "))
	}
	return strings.Join(parts, "; ")
}

// opaque reports whether v cannot be judged offline.
func opaque(v any) bool {
	s, ok := v.(string)
	return ok && (s == Unknown || s == Masked)
}

// scalar renders a string, number or boolean as the table compares it.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return num(x), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
