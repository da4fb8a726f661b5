// Package confdoc renders the config reference in README.md from the config types: one table per
// structured key (strata:lookup, …) and one per config object those keys share, each row a key
// with its type and the field's doc comment. The README holds each table between markers
//
//	<!-- config strata:lookup -->
//	…
//	<!-- /config -->
//
// and Update rewrites what lies between them; a test fails when they differ from the types.
package confdoc

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/strata-iac/strata/internal/config"
	"github.com/strata-iac/strata/systems"
)

// module is the Go module path; a type's package directory is its path below it.
const module = "github.com/strata-iac/strata"

// Docs reads the doc comments of the config types' fields from the sources below root.
type Docs struct {
	root   string
	fields map[string]map[string]string // "pkg.Type" → field → comment
	types  map[string]string            // "pkg.Type" → comment
}

// Load parses the packages of every config type reachable from config.Schema.
func Load(root string) (*Docs, error) {
	d := &Docs{root: root, fields: map[string]map[string]string{}, types: map[string]string{}}
	seen := map[string]bool{}
	for _, t := range config.Schema() {
		if err := d.loadType(t, seen); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *Docs) loadType(t reflect.Type, seen map[string]bool) error {
	t = elem(t)
	if t.Kind() != reflect.Struct || t.PkgPath() == "" || !strings.HasPrefix(t.PkgPath(), module) {
		return nil
	}
	if !seen[t.PkgPath()] {
		seen[t.PkgPath()] = true
		if err := d.parse(t.PkgPath()); err != nil {
			return err
		}
	}
	for _, f := range reflect.VisibleFields(t) {
		if f.IsExported() {
			if err := d.loadType(f.Type, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *Docs) parse(pkgPath string) error {
	dir := filepath.Join(d.root, strings.TrimPrefix(strings.TrimPrefix(pkgPath, module), "/"))
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
	if err != nil {
		return err
	}
	for _, p := range pkgs {
		for _, t := range doc.New(p, pkgPath, doc.AllDecls).Types {
			key := pkgPath + "." + t.Name
			d.types[key] = clean(t.Doc)
			d.fields[key] = map[string]string{}
			for _, spec := range t.Decl.Specs {
				ts, ok := spec.(*ast.TypeSpec)
				if !ok {
					continue
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, f := range st.Fields.List {
					for _, n := range f.Names {
						d.fields[key][n.Name] = clean(f.Doc.Text())
					}
				}
			}
		}
	}
	return nil
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

func elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	return t
}

// Sections renders every table, by marker name: "strata:<key>" for each structured key, and
// "object <Type>" for each shared config object (a struct type used below a key).
func (d *Docs) Sections() map[string]string {
	out := map[string]string{}
	objects := map[reflect.Type]bool{}
	schema := config.Schema()
	for _, key := range slices.Sorted(maps.Keys(schema)) {
		out[systems.Key(key)] = d.table(schema[key], objects)
	}
	// Shared objects are rendered once each, however many keys use them; rendering one may
	// reveal more.
	for done := map[reflect.Type]bool{}; len(done) < len(objects); {
		for t := range maps.Clone(objects) {
			if !done[t] {
				done[t] = true
				out["object "+t.Name()] = d.table(t, objects)
			}
		}
	}
	return out
}

// table renders the fields of t: each JSON key, its type (a link to a shared object's table for
// struct types, which it records in objects) and its doc comment.
func (d *Docs) table(t reflect.Type, objects map[reflect.Type]bool) string {
	var b strings.Builder
	if doc := d.types[t.PkgPath()+"."+t.Name()]; doc != "" {
		b.WriteString(doc + "\n\n")
	}
	b.WriteString("| Key | Type | Meaning |\n| --- | --- | --- |\n")
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || f.Anonymous || name == "" || name == "-" {
			continue
		}
		owner := f.Index[:len(f.Index)-1]
		declaring := t
		if len(owner) > 0 {
			declaring = t.FieldByIndex(owner).Type
		}
		comment := d.fields[declaring.PkgPath()+"."+declaring.Name()][f.Name]
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, typeName(f.Type, objects), escape(comment))
	}
	return b.String()
}

func typeName(t reflect.Type, objects map[reflect.Type]bool) string {
	switch t.Kind() {
	case reflect.Pointer:
		return typeName(t.Elem(), objects)
	case reflect.Slice:
		return "list of " + plural(typeName(t.Elem(), objects))
	case reflect.Map:
		return "map of " + plural(typeName(t.Elem(), objects))
	case reflect.Struct:
		objects[t] = true
		return fmt.Sprintf("[%s](#%s)", t.Name(), Anchor(t.Name()))
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "integer"
	case reflect.Float64:
		return "number"
	}
	return t.String()
}

func plural(s string) string {
	if strings.HasPrefix(s, "[") || strings.HasPrefix(s, "list") || strings.HasPrefix(s, "map") {
		return s
	}
	return s + "s"
}

// Anchor is the README anchor of a shared object's heading, "config-object-<name>".
func Anchor(name string) string { return "config-object-" + strings.ToLower(name) }

func escape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

var markerRE = regexp.MustCompile(`(?s)<!-- config ([^>]+?) -->\n.*?<!-- /config -->`)

// Update returns readme with every marked table replaced by its rendering, and the sections that
// have no marker in readme (each must appear once).
func Update(readme string, sections map[string]string) (string, []string) {
	used := map[string]bool{}
	out := markerRE.ReplaceAllStringFunc(readme, func(m string) string {
		name := markerRE.FindStringSubmatch(m)[1]
		body, ok := sections[name]
		if !ok {
			return m
		}
		used[name] = true
		return "<!-- config " + name + " -->\n" + body + "<!-- /config -->"
	})
	var missing []string
	for _, k := range slices.Sorted(maps.Keys(sections)) {
		if !used[k] {
			missing = append(missing, k)
		}
	}
	return out, missing
}

// Stale returns the marker names in readme whose sections are gone from the types.
func Stale(readme string, sections map[string]string) []string {
	var out []string
	for _, m := range markerRE.FindAllStringSubmatch(readme, -1) {
		if _, ok := sections[m[1]]; !ok {
			out = append(out, m[1])
		}
	}
	return out
}
