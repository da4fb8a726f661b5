//go:generate go run ../../tools/confdoc -root ../..

// Package confdoc renders the config reference from the config types: one table per structured key
// (strata:lookup, …) and one per config object below them (object schema.Database, …), each row a
// key with its type and the field's doc comment. README.md and the systems' READMEs hold each
// table, exactly once, between markers
//
//	<!-- config strata:lookup -->
//	…
//	<!-- /config -->
//
// and UpdateAll rewrites what lies between them; a test fails when they differ from the types.
package confdoc

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path"
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
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, pkgPath, doc.AllDecls)
	if err != nil {
		return err
	}
	for _, t := range p.Types {
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
	return nil
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

func elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	return t
}

// Link returns the Markdown link target of a config object's table, e.g.
// "#config-object-schema-database" or "../../README.md#config-object-schema-database".
type Link func(object string) string

// Sections renders every table, by marker name: "strata:<key>" for each structured key, and
// "object <package>.<Type>" for each config object (a struct type used below a key), with links
// to the objects' tables made by link (nil: anchors in the same document).
func (d *Docs) Sections(link Link) map[string]string {
	if link == nil {
		link = func(object string) string { return "#" + Anchor(object) }
	}
	out := map[string]string{}
	objects := map[reflect.Type]bool{}
	schema := config.Schema()
	for _, key := range slices.Sorted(maps.Keys(schema)) {
		out[systems.Key(key)] = d.table(schema[key], objects, link)
	}
	// Objects are rendered once each, however many keys use them; rendering one may reveal more.
	for done := map[reflect.Type]bool{}; len(done) < len(objects); {
		for t := range maps.Clone(objects) {
			if !done[t] {
				done[t] = true
				out["object "+qualified(t)] = d.table(t, objects, link)
			}
		}
	}
	return out
}

// table renders the fields of t: each JSON key, its type (a link to the table of a struct type,
// which it records in objects) and its doc comment.
func (d *Docs) table(t reflect.Type, objects map[reflect.Type]bool, link Link) string {
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
		comment := sentence(f.Name, d.fields[declaring.PkgPath()+"."+declaring.Name()][f.Name])
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, typeName(f.Type, objects, link), escape(comment))
	}
	return b.String()
}

func typeName(t reflect.Type, objects map[reflect.Type]bool, link Link) string {
	switch t.Kind() {
	case reflect.Pointer:
		return typeName(t.Elem(), objects, link)
	case reflect.Slice:
		return "list of " + plural(typeName(t.Elem(), objects, link))
	case reflect.Map:
		return "map of " + plural(typeName(t.Elem(), objects, link))
	case reflect.Struct:
		objects[t] = true
		return fmt.Sprintf("[%s](%s)", t.Name(), link(qualified(t)))
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

// qualified names a config object by its package and type, e.g. "schema.Database": systems may
// name their own types alike.
func qualified(t reflect.Type) string { return path.Base(t.PkgPath()) + "." + t.Name() }

// Anchor is the README anchor of a config object's heading, "config-object-<package>-<type>".
func Anchor(name string) string {
	return "config-object-" + strings.ToLower(strings.ReplaceAll(name, ".", "-"))
}

// sentence turns a Go field comment ("EnvFile is the key of …", "Exec turns on …") into a table
// cell that does not repeat the field's Go name ("The key of …", "Turns on …").
func sentence(field, comment string) string {
	rest, ok := strings.CutPrefix(comment, field+" is ")
	if !ok {
		if rest, ok = strings.CutPrefix(comment, field+" "); !ok {
			return comment
		}
	}
	if rest == "" {
		return comment
	}
	return strings.ToUpper(rest[:1]) + rest[1:]
}

// escape keeps a comment literal in a Markdown table cell: pipes end cells, angle brackets read
// as HTML, asterisks as emphasis.
var escaper = strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "*", `\*`)

func escape(s string) string { return escaper.Replace(s) }

var markerRE = regexp.MustCompile(`(?s)<!-- config ([^>]+?) -->\n.*?<!-- /config -->`)

// Update returns doc with every marked table replaced by its rendering, and the names of the
// tables it holds.
func Update(doc string, sections map[string]string) (string, []string) {
	var used []string
	out := markerRE.ReplaceAllStringFunc(doc, func(m string) string {
		name := markerRE.FindStringSubmatch(m)[1]
		body, ok := sections[name]
		if !ok {
			return m
		}
		used = append(used, name)
		return "<!-- config " + name + " -->\n" + body + "<!-- /config -->"
	})
	return out, used
}

// Stale returns the marker names in doc whose sections are gone from the types.
func Stale(doc string, sections map[string]string) []string {
	var out []string
	for _, m := range markerRE.FindAllStringSubmatch(doc, -1) {
		if _, ok := sections[m[1]]; !ok {
			out = append(out, m[1])
		}
	}
	return out
}

// Files are the documents that may hold config tables, relative to the repository root: the
// README and each system's.
func Files(root string) ([]string, error) {
	systems, err := filepath.Glob(filepath.Join(root, "systems", "*", "README.md"))
	if err != nil {
		return nil, err
	}
	out := []string{filepath.Join(root, "README.md")}
	return append(out, systems...), nil
}

// Result is what UpdateAll found.
type Result struct {
	// Docs are the updated documents by path; only those that changed.
	Docs map[string]string
	// Missing are tables no document holds; Twice those that two markers hold; Stale markers
	// name config that no longer exists; Unanchored objects lack the anchor their links point at
	// (<a id="config-object-…"></a>) in the document that holds them.
	Missing, Twice, Stale, Unanchored []string
}

// UpdateAll renders every table into the documents below root that mark it, each link pointing
// at the document that holds the linked table.
func (d *Docs) UpdateAll(root string) (Result, error) {
	files, err := Files(root)
	if err != nil {
		return Result{}, err
	}
	raw := map[string]string{}
	where := map[string]string{} // section → the document that marks it
	seen := map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return Result{}, err
		}
		raw[f] = string(b)
		for _, m := range markerRE.FindAllStringSubmatch(raw[f], -1) {
			where[m[1]] = f
			seen[m[1]]++
		}
	}
	r := Result{Docs: map[string]string{}}
	var names map[string]string
	for _, f := range files {
		sections := d.Sections(func(object string) string {
			target := where["object "+object]
			if target == "" || target == f {
				return "#" + Anchor(object)
			}
			rel, err := filepath.Rel(filepath.Dir(f), target)
			if err != nil {
				rel = target
			}
			return filepath.ToSlash(rel) + "#" + Anchor(object)
		})
		names = sections
		out, _ := Update(raw[f], sections)
		r.Stale = append(r.Stale, Stale(raw[f], sections)...)
		if out != raw[f] {
			r.Docs[f] = out
		}
	}
	for _, k := range slices.Sorted(maps.Keys(names)) {
		switch {
		case seen[k] == 0:
			r.Missing = append(r.Missing, k)
		case seen[k] > 1:
			r.Twice = append(r.Twice, k)
		}
		if object, ok := strings.CutPrefix(k, "object "); ok && seen[k] > 0 &&
			!strings.Contains(raw[where[k]], `id="`+Anchor(object)+`"`) {
			r.Unanchored = append(r.Unanchored, k)
		}
	}
	return r, nil
}
