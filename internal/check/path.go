package check

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// seg is one step of a property path: a map key or a list index. In a pattern, key "*" is any
// key and index -1 is any index.
type seg struct {
	key   string
	index int
	isIdx bool
}

const anyIndex = -1

// parsePattern parses a property path pattern: dotted keys in Pulumi's camelCase, "[*]" for any
// list item, "*" for any map key ("tags.*", "rules[*].id").
func parsePattern(p string) ([]seg, error) {
	if p == "" {
		return nil, fmt.Errorf("empty path")
	}
	var out []seg
	for _, part := range strings.Split(p, ".") {
		key, rest, _ := strings.Cut(part, "[")
		if key == "" && (len(out) == 0 || rest == "") {
			return nil, fmt.Errorf("path %q: empty key", p)
		}
		if key != "" {
			out = append(out, seg{key: key})
		}
		for rest != "" {
			if !strings.HasPrefix(rest, "*]") {
				return nil, fmt.Errorf("path %q: only [*] may index a list in a pattern", p)
			}
			out = append(out, seg{index: anyIndex, isIdx: true})
			rest = strings.TrimPrefix(rest[2:], "[")
		}
	}
	return out, nil
}

func mustPattern(p string) []seg {
	s, err := parsePattern(p)
	if err != nil {
		panic(err)
	}
	return s
}

// match reports whether the concrete path fits the pattern.
func match(pattern, path []seg) bool {
	if len(pattern) != len(path) {
		return false
	}
	for i, p := range pattern {
		c := path[i]
		if p.isIdx != c.isIdx {
			return false
		}
		if !p.isIdx && p.key != "*" && p.key != c.key {
			return false
		}
	}
	return true
}

// format renders a concrete path: keys joined by dots, indexes in brackets, keys that are not
// plain words quoted (tags["kubernetes.io/role"]).
func format(path []seg) string {
	var b strings.Builder
	for i, s := range path {
		switch {
		case s.isIdx && s.index == anyIndex:
			b.WriteString("[*]")
		case s.isIdx:
			fmt.Fprintf(&b, "[%d]", s.index)
		case s.key == "" || strings.ContainsAny(s.key, `.[]" `):
			fmt.Fprintf(&b, "[%s]", strconv.Quote(s.key))
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		}
	}
	return b.String()
}

// general renders path with every index as [*], the form a table entry takes.
func general(path []seg) string {
	g := slices.Clone(path)
	for i := range g {
		if g[i].isIdx {
			g[i].index = anyIndex
		}
	}
	return format(g)
}

// node is one value in a resource's inputs and where it is.
type node struct {
	path  []seg
	value any
	leaf  bool
}

// walk lists every value under v, containers before their members, map keys in order. Leaves are
// scalars; empty maps and lists render nothing and are not leaves.
func walk(v any) []node {
	var out []node
	var rec func(path []seg, v any)
	rec = func(path []seg, v any) {
		switch x := v.(type) {
		case map[string]any:
			if len(path) > 0 {
				out = append(out, node{path: path, value: v})
			}
			for _, k := range slices.Sorted(maps.Keys(x)) {
				rec(append(slices.Clip(path), seg{key: k}), x[k])
			}
		case []any:
			out = append(out, node{path: path, value: v})
			for i, e := range x {
				rec(append(slices.Clip(path), seg{index: i, isIdx: true}), e)
			}
		default:
			out = append(out, node{path: path, value: v, leaf: true})
		}
	}
	rec(nil, v)
	return out
}

// get returns the value at a concrete dotted path without wildcards ("healthCheck.interval"), or
// nil.
func get(inputs map[string]any, path string) any {
	var v any = inputs
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
