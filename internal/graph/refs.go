package graph

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-iac/strata/internal/mock"
)

// Ref is one input of From whose value names To.
type Ref struct {
	From string
	To   string
	// Path is the input of From ("role", "policy", "containerDefinitions").
	Path string
	// Key is the output of To it matched: "id", "arn", or an output or input name.
	Key string
}

// skipped inputs are never searched: tags repeat names across every resource of a group.
var skipped = map[string]bool{"tags": true, "tagsAll": true, "tagSpecifications": true}

// nameKeys are the inputs that hold a resource's physical name.
var nameKeys = []string{"name", "identifier", "family", "relationalDatabaseName", "creationToken", "policyName"}

// bucketTypes name themselves with "bucket"; for every other type that input refers to a bucket.
var bucketTypes = map[string]bool{"aws:s3/bucketV2:BucketV2": true, "aws:s3/bucket:Bucket": true}

// generated matches the ids AWS generates: a prefix and hex digits.
var generated = regexp.MustCompile(`^[a-z]+-[0-9a-f]{8,}$`)

// distinctive reports whether a computed output identifies its resource: an ARN, a generated id,
// or a DNS name or URL. Other computed values (a region, a status, a shared hosted zone id) are
// not identities and would match by accident.
func distinctive(v string) bool {
	return strings.HasPrefix(v, "arn:") || generated.MatchString(v) || strings.Count(v, ".") >= 2
}

// minToken is the shortest value worth matching: shorter ones ("ecs", "HTTP") match by accident.
const minToken = 8

type token struct {
	urn   string
	key   string
	exact bool // names match whole values only
}

// Index finds the resources a value names.
type Index struct {
	tokens map[string][]token
	values []string
}

// Target is a resource a value names, and the output of it that matched.
type Target struct {
	URN string
	Key string
	// Whole is true when the value is the output itself, not a string containing it.
	Whole bool
	size  int
}

// NewIndex indexes the ids, ARNs, computed outputs and physical names of res's resources.
func NewIndex(res *mock.Result) *Index {
	all := res.Resources()
	tokens := map[string][]token{}
	add := func(value string, t token) {
		if len(value) < minToken || value == "[secret]" || value == "[unknown]" {
			return
		}
		for _, have := range tokens[value] {
			if have.urn == t.urn {
				return
			}
		}
		tokens[value] = append(tokens[value], t)
	}
	for _, r := range all {
		if !r.Custom && !r.Remote {
			continue
		}
		in := mock.Plain(r.Inputs, true)
		out := mock.Plain(r.Outputs, true)
		if r.ID != "" && r.ID != r.Name {
			// An id the provider generates ("sg-0123…") is distinctive; an id that is the physical
			// name is matched as a name.
			add(r.ID, token{urn: r.URN, key: "id", exact: !generated.MatchString(r.ID)})
		}
		own := map[string]bool{r.Name: true}
		collect(in, func(v string) { own[v] = true })
		for _, k := range slices.Sorted(maps.Keys(out)) {
			if _, given := in[k]; given || skipped[k] {
				continue
			}
			// Outputs the provider computed: the ARN, endpoints, generated ids; not the values
			// it copied from the inputs or the logical name it fell back to.
			collect(out[k], func(v string) {
				if !own[v] && (k == "name" || distinctive(v)) {
					add(v, token{urn: r.URN, key: k, exact: k == "name"})
				}
			})
		}
		keys := nameKeys
		if bucketTypes[r.Type] {
			keys = append([]string{"bucket"}, nameKeys...)
		}
		for _, k := range keys {
			if v := str(in[k]); v != "" {
				add(v, token{urn: r.URN, key: k, exact: true})
			}
		}
	}
	// A computed value several resources share belongs to the one the others depend on (the
	// mock renders a bucket's ARN for its policy and configuration too); any other value several
	// resources share names none of them.
	ownName := map[string]bool{"bucket": true}
	for _, k := range nameKeys {
		ownName[k] = true
	}
	deps := map[string]map[string]bool{}
	for _, r := range all {
		deps[r.URN] = map[string]bool{}
		for _, d := range r.Dependencies {
			deps[r.URN][d] = true
		}
	}
	for v, ts := range tokens {
		var keep []token
		for _, t := range ts {
			derived := false
			for _, o := range ts {
				if !ownName[t.key] && o.urn != t.urn && deps[t.urn][o.urn] {
					derived = true
				}
			}
			if !derived {
				keep = append(keep, t)
			}
		}
		if len(keep) != 1 {
			delete(tokens, v)
		} else {
			tokens[v] = keep
		}
	}
	return &Index{tokens: tokens, values: slices.Sorted(maps.Keys(tokens))}
}

// Match returns the resources other than from that s names: one target per resource, the output
// s equals, else the longest one found inside s (an ARN rather than the id it contains).
func (x *Index) Match(from, s string) []Target {
	byURN := map[string]Target{}
	for _, v := range matches(s, x.tokens, x.values) {
		for _, t := range x.tokens[v] {
			if t.urn == from {
				continue
			}
			cand := Target{URN: t.urn, Key: t.key, Whole: v == s, size: len(v)}
			if b, ok := byURN[t.urn]; !ok || cand.Whole && !b.Whole || cand.Whole == b.Whole && cand.size > b.size {
				byURN[t.urn] = cand
			}
		}
	}
	out := make([]Target, 0, len(byURN))
	for _, urn := range slices.Sorted(maps.Keys(byURN)) {
		out = append(out, byURN[urn])
	}
	return out
}

// Searched reports whether input key of a resource of type typ may hold a reference: tags and
// the resource's own names never do.
func Searched(typ, key string) bool {
	return !skipped[key] && !slices.Contains(nameKeys, key) && !(key == "bucket" && bucketTypes[typ])
}

// References returns the references between res's custom resources, sorted.
func References(res *mock.Result) []Ref {
	x := NewIndex(res)
	// One reference per input and target: the output the whole value equals, else the longest
	// one found inside it (an ARN rather than the id it contains).
	found := map[[3]string]Target{}
	for _, r := range res.Resources() {
		if !r.Custom && !r.Remote {
			continue
		}
		in := mock.Plain(r.Inputs, true)
		for _, k := range slices.Sorted(maps.Keys(in)) {
			// A resource's own name is not a reference, even when another resource has it too.
			if !Searched(r.Type, k) {
				continue
			}
			collect(in[k], func(s string) {
				for _, t := range x.Match(r.URN, s) {
					key := [3]string{r.URN, k, t.URN}
					if b, ok := found[key]; !ok || t.Whole && !b.Whole || t.Whole == b.Whole && t.size > b.size {
						found[key] = t
					}
				}
			})
		}
	}
	var refs []Ref
	for k, t := range found {
		refs = append(refs, Ref{From: k[0], Path: k[1], To: k[2], Key: t.Key})
	}
	slices.SortFunc(refs, func(a, b Ref) int {
		return strings.Compare(a.From+" "+a.Path+" "+a.To+" "+a.Key, b.From+" "+b.Path+" "+b.To+" "+b.Key)
	})
	return refs
}

// matches returns the token values s holds: equal to s, or (for ids and ARNs) inside s at a
// boundary.
func matches(s string, tokens map[string][]token, values []string) []string {
	var out []string
	if _, ok := tokens[s]; ok {
		out = append(out, s)
	}
	if len(s) <= minToken {
		return out
	}
	for _, v := range values {
		if v == s || len(v) >= len(s) {
			continue
		}
		exactOnly := true
		for _, t := range tokens[v] {
			if !t.exact {
				exactOnly = false
			}
		}
		if exactOnly {
			continue
		}
		for i := strings.Index(s, v); i >= 0; {
			end := i + len(v)
			if (i == 0 || !word(s[i-1])) && (end == len(s) || !word(s[end])) {
				out = append(out, v)
				break
			}
			next := strings.Index(s[i+1:], v)
			if next < 0 {
				break
			}
			i += 1 + next
		}
	}
	return out
}

// word reports whether c continues an id or name: a match must not stop inside one.
func word(c byte) bool {
	return c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// collect calls fn with every string inside v.
func collect(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case []any:
		for _, e := range x {
			collect(e, fn)
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if !skipped[k] {
				collect(x[k], fn)
			}
		}
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func itoa(i int) string { return strconv.Itoa(i) }
