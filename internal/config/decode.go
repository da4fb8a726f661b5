package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/strata-iac/strata/components/field"
)

// decodeJSON fills dst (a non-nil pointer) from a JSON document. Unlike encoding/json it does not stop
// at the first problem: every unknown key and every value of the wrong type is recorded under its
// key path, so a user fixes a config in one round.
func decodeJSON(errs *field.Errors, path, doc string, dst any) {
	d := json.NewDecoder(strings.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		errs.Add(path, "is not valid JSON: %v", err)
		return
	}
	if d.More() {
		errs.Add(path, "is not valid JSON: unexpected data after the value")
		return
	}
	assign(errs, path, v, reflect.ValueOf(dst).Elem())
}

// assign stores the decoded JSON value v into rv, recording problems under path.
func assign(errs *field.Errors, path string, v any, rv reflect.Value) {
	if v == nil {
		return // null means unset: the default applies
	}
	switch rv.Kind() {
	case reflect.Pointer:
		p := reflect.New(rv.Type().Elem())
		assign(errs, path, v, p.Elem())
		rv.Set(p)
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			wrongType(errs, path, v, "an object")
			return
		}
		fields := jsonFields(rv.Type())
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			idx, ok := fields[k]
			if !ok {
				unknownKey(errs, field.Join(path, k), k, fields)
				continue
			}
			assign(errs, field.Join(path, k), obj[k], rv.FieldByIndex(idx))
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			wrongType(errs, path, v, "an object")
			return
		}
		if rv.IsNil() {
			rv.Set(reflect.MakeMapWithSize(rv.Type(), len(obj)))
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			e := reflect.New(rv.Type().Elem()).Elem()
			assign(errs, field.Join(path, k), obj[k], e)
			rv.SetMapIndex(reflect.ValueOf(k), e)
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			wrongType(errs, path, v, "a list")
			return
		}
		s := reflect.MakeSlice(rv.Type(), len(list), len(list))
		for i, item := range list {
			assign(errs, field.Index(path, i), item, s.Index(i))
		}
		rv.Set(s)
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			wrongType(errs, path, v, "a string")
			return
		}
		rv.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			wrongType(errs, path, v, "true or false")
			return
		}
		rv.SetBool(b)
	case reflect.Int, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil || rv.OverflowInt(i) {
			wrongType(errs, path, v, "a whole number")
			return
		}
		rv.SetInt(i)
	case reflect.Float64:
		n, ok := v.(json.Number)
		f, err := n.Float64()
		if !ok || err != nil {
			wrongType(errs, path, v, "a number")
			return
		}
		rv.SetFloat(f)
	default:
		// A config struct with a field of another kind is a programming error, not bad input.
		panic(fmt.Sprintf("config: %s: cannot decode into %s", path, rv.Type()))
	}
}

// jsonFields maps the JSON keys of a struct type, including promoted fields of embedded structs,
// to their field indexes. Fields tagged `json:"-"` are not config and so count as unknown keys.
func jsonFields(t reflect.Type) map[string][]int {
	fields := map[string][]int{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		fields[name] = f.Index
	}
	return fields
}

func wrongType(errs *field.Errors, path string, v any, want string) {
	errs.Add(path, "got %s, want %s", describe(v), want)
}

func unknownKey(errs *field.Errors, path, key string, fields map[string][]int) {
	known := slices.Sorted(maps.Keys(fields))
	if s := closest(key, known); s != "" {
		errs.Add(path, "unknown key (did you mean %q?): use one of %s", s, strings.Join(known, ", "))
		return
	}
	errs.Add(path, "unknown key: use one of %s", strings.Join(known, ", "))
}

// describe renders a decoded JSON value for an error message.
func describe(v any) string {
	switch v := v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	default:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v) // scalars from a JSON decoder always encode
		return strings.TrimSpace(b.String())
	}
}

// closest returns the candidate within two edits of key, if there is one.
func closest(key string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := distance(strings.ToLower(key), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the Levenshtein edit distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
