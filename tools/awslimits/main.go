// Command awslimits writes internal/check/limits_gen.go: the limits of AWS API members (length,
// range, pattern, enumeration) read from AWS's published API models, the botocore service-2.json
// files, for the Pulumi properties listed in a mapping file.
//
//	go run ./tools/awslimits [-botocore DIR] [-mapping FILE] [-out FILE]
//
// Each mapping line is
//
//	<rule id> <Pulumi type token> <Pulumi property path> <botocore service> <shape or operation>.<member>[.<member>...] [no-pattern] [no-len]
//
// The member path starts at a shape or an operation (its input shape) and walks members; lists and
// maps are stepped through. A property path ending in [*] or .* judges the list's items or the
// map's values; otherwise a list's min/max bound its number of items. Lines starting with # are
// comments.
//
// botocore patterns are Java regular expressions that AWS matches against the whole value. The
// generator translates what RE2 can express (\uXXXX escapes, surrogate pairs, \p{ASCII} and the
// POSIX \p classes, repeat bounds above RE2's 1000) and records the rest (lookarounds) in the
// limit's Note without a pattern: those need a hand-written rule.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

const defaultBotocore = "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore/data"

func main() {
	botocore := flag.String("botocore", envOr("BOTOCORE_DATA", defaultBotocore), "botocore's data directory")
	mapping := flag.String("mapping", "internal/check/awslimits.txt", "the mapping file")
	out := flag.String("out", "internal/check/limits_gen.go", "the Go file to write")
	flag.Parse()
	if err := run(*botocore, *mapping, *out); err != nil {
		fmt.Fprintln(os.Stderr, "awslimits:", err)
		os.Exit(1)
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// entry is one mapping line.
type entry struct {
	line             int
	id, typ, path    string
	service, member  string
	noPattern, noLen bool
	limit            limit
}

// limit is what the generator writes for one entry.
type limit struct {
	numMin, numMax, lenMin, lenMax *float64
	pattern                        string
	enum                           []string
	source, note                   string
}

func run(botocore, mappingFile, out string) error {
	entries, err := readMapping(mappingFile)
	if err != nil {
		return err
	}
	models := map[string]*model{}
	var errs []error
	for i := range entries {
		e := &entries[i]
		m, ok := models[e.service]
		if !ok {
			if m, err = loadModel(botocore, e.service); err != nil {
				return err
			}
			models[e.service] = m
		}
		if err := e.resolve(m); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %s: %w", mappingFile, e.line, e.id, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	version, err := botocoreVersion(botocore)
	if err != nil {
		return err
	}
	src, err := render(entries, version, mappingFile)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		return err
	}
	for _, e := range entries {
		if e.limit.note != "" {
			fmt.Printf("%s: %s\n", e.id, e.limit.note)
		}
	}
	fmt.Printf("wrote %d limits to %s\n", len(entries), out)
	return nil
}

func readMapping(file string) ([]entry, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var entries []entry
	seen := map[string]int{}
	for i, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 5 {
			return nil, fmt.Errorf("%s:%d: want <id> <type> <path> <service> <member> [no-pattern] [no-len]", file, i+1)
		}
		e := entry{line: i + 1, id: f[0], typ: f[1], path: f[2], service: f[3], member: f[4]}
		for _, opt := range f[5:] {
			switch opt {
			case "no-pattern":
				e.noPattern = true
			case "no-len":
				e.noLen = true
			default:
				return nil, fmt.Errorf("%s:%d: unknown option %q", file, i+1, opt)
			}
		}
		if prev, dup := seen[e.id]; dup {
			return nil, fmt.Errorf("%s:%d: id %s already on line %d", file, i+1, e.id, prev)
		}
		seen[e.id] = i + 1
		entries = append(entries, e)
	}
	return entries, nil
}

// model is the part of a botocore service-2.json the generator reads.
type model struct {
	service, version string
	Operations       map[string]struct {
		Input struct {
			Shape string `json:"shape"`
		} `json:"input"`
	} `json:"operations"`
	Shapes map[string]shape `json:"shapes"`
}

type shape struct {
	Type    string                            `json:"type"`
	Min     *float64                          `json:"min"`
	Max     *float64                          `json:"max"`
	Pattern string                            `json:"pattern"`
	Enum    []string                          `json:"enum"`
	Members map[string]struct{ Shape string } `json:"members"`
	Member  *struct{ Shape string }           `json:"member"`
	Value   *struct{ Shape string }           `json:"value"`
}

// loadModel reads the newest API version of a service that has a service-2.json.gz.
func loadModel(botocore, service string) (*model, error) {
	dirs, err := os.ReadDir(filepath.Join(botocore, service))
	if err != nil {
		return nil, fmt.Errorf("service %s: %w", service, err)
	}
	var versions []string
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(botocore, service, d.Name(), "service-2.json.gz")); err == nil {
			versions = append(versions, d.Name())
		}
	}
	if len(versions) == 0 {
		return nil, fmt.Errorf("service %s: no service-2.json.gz", service)
	}
	slices.Sort(versions)
	version := versions[len(versions)-1]
	f, err := os.Open(filepath.Join(botocore, service, version, "service-2.json.gz"))
	if err != nil {
		return nil, err
	}
	// A read-only file: closing it cannot lose data.
	defer func() { _ = f.Close() }()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	m := &model{service: service, version: version}
	if err := json.NewDecoder(zr).Decode(m); err != nil {
		return nil, fmt.Errorf("service %s %s: %w", service, version, err)
	}
	return m, nil
}

var versionRE = regexp.MustCompile(`(?m)^__version__ = '([^']+)'`)

func botocoreVersion(data string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(data, "..", "__init__.py"))
	if err != nil {
		return "", fmt.Errorf("botocore version: %w", err)
	}
	m := versionRE.FindSubmatch(raw)
	if m == nil {
		return "", errors.New("botocore version: no __version__ in __init__.py")
	}
	return string(m[1]), nil
}

// resolve walks e.member in m and fills e.limit.
func (e *entry) resolve(m *model) error {
	parts := strings.Split(e.member, ".")
	name := parts[0]
	if op, ok := m.Operations[name]; ok {
		name = op.Input.Shape
	}
	s, ok := m.Shapes[name]
	if !ok {
		return fmt.Errorf("no shape or operation %s in %s %s", parts[0], m.service, m.version)
	}
	walked := name
	for _, p := range parts[1:] {
		s = step(m, s)
		mem, ok := s.Members[p]
		if !ok {
			return fmt.Errorf("%s has no member %s", walked, p)
		}
		walked += "." + p
		name = mem.Shape
		s = m.Shapes[name]
	}
	switch {
	case strings.HasSuffix(e.path, "[*]") && s.Type == "list":
		name = s.Member.Shape
		s = m.Shapes[name]
	case strings.HasSuffix(e.path, ".*") && s.Type == "map":
		name = s.Value.Shape
		s = m.Shapes[name]
	}
	l := &e.limit
	var facts []string
	bound := func(min, max **float64, what string) {
		if e.noLen && what == "length" {
			return
		}
		*min, *max = s.Min, s.Max
		if s.Min != nil {
			facts = append(facts, fmt.Sprintf("min %s", num(*s.Min)))
		}
		if s.Max != nil {
			facts = append(facts, fmt.Sprintf("max %s", num(*s.Max)))
		}
	}
	switch s.Type {
	case "integer", "long", "double", "float":
		bound(&l.numMin, &l.numMax, "range")
	case "string", "list", "map", "blob":
		bound(&l.lenMin, &l.lenMax, "length")
	}
	if len(s.Enum) > 0 {
		l.enum = s.Enum
		facts = append(facts, fmt.Sprintf("enum of %d", len(s.Enum)))
	}
	if s.Pattern != "" && !e.noPattern {
		re, notes, err := translate(s.Pattern)
		if err != nil {
			l.note = fmt.Sprintf("model pattern %s is not checked: RE2 cannot express it (%v)", s.Pattern, err)
		} else {
			l.pattern = re
			facts = append(facts, "pattern")
			if len(notes) > 0 {
				l.note = fmt.Sprintf("model pattern %s translated for RE2: %s", s.Pattern, strings.Join(notes, "; "))
			}
		}
	}
	if l.numMin == nil && l.numMax == nil && l.lenMin == nil && l.lenMax == nil && l.pattern == "" && len(l.enum) == 0 {
		if l.note != "" {
			return fmt.Errorf("%s: %s and nothing else to check: write a hand rule instead", walked, l.note)
		}
		return fmt.Errorf("%s (shape %s) has no min, max, pattern or enum: classify the property by hand instead", walked, name)
	}
	l.source = fmt.Sprintf("botocore %s %s %s (shape %s: %s)", m.service, m.version, walked, name, strings.Join(facts, ", "))
	return nil
}

// step enters a list's member or a map's value shape.
func step(m *model, s shape) shape {
	for {
		switch {
		case s.Type == "list" && s.Member != nil:
			s = m.Shapes[s.Member.Shape]
		case s.Type == "map" && s.Value != nil:
			s = m.Shapes[s.Value.Shape]
		default:
			return s
		}
	}
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

var (
	surrogatePair = regexp.MustCompile(`\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})`)
	unicodeEscape = regexp.MustCompile(`\\u([0-9a-fA-F]{4})`)
	bigRepeat     = regexp.MustCompile(`\{(\d+),(\d+)\}`)
	posixClasses  = map[string]string{
		"ASCII": `\x00-\x7F`, "Alnum": `[:alnum:]`, "Alpha": `[:alpha:]`, "Digit": `[:digit:]`,
		"Lower": `[:lower:]`, "Upper": `[:upper:]`, "Punct": `[:punct:]`, "Graph": `[:graph:]`,
		"Print": `[:print:]`, "Space": `[:space:]`, "Cntrl": `[:cntrl:]`, "XDigit": `[:xdigit:]`,
	}
	posixClass = regexp.MustCompile(`\\p\{(ASCII|Alnum|Alpha|Digit|Lower|Upper|Punct|Graph|Print|Space|Cntrl|XDigit)\}`)
)

// translate rewrites a Java pattern for Go's RE2 and checks that it compiles. It returns the notes
// on every rewrite that changes what the pattern accepts.
func translate(java string) (string, []string, error) {
	var notes []string
	re := surrogatePair.ReplaceAllStringFunc(java, func(s string) string {
		m := surrogatePair.FindStringSubmatch(s)
		hi, _ := strconv.ParseUint(m[1], 16, 32)
		lo, _ := strconv.ParseUint(m[2], 16, 32)
		return fmt.Sprintf(`\x{%X}`, (hi-0xD800)<<10+(lo-0xDC00)+0x10000)
	})
	var bad error
	re = unicodeEscape.ReplaceAllStringFunc(re, func(s string) string {
		cp, _ := strconv.ParseUint(s[2:], 16, 32)
		if cp >= 0xD800 && cp <= 0xDFFF {
			bad = fmt.Errorf("lone surrogate %s", s)
		}
		return fmt.Sprintf(`\x{%04X}`, cp)
	})
	if bad != nil {
		return "", nil, bad
	}
	re = rewriteClasses(re)
	re = bigRepeat.ReplaceAllStringFunc(re, func(s string) string {
		m := bigRepeat.FindStringSubmatch(s)
		if hi, _ := strconv.Atoi(m[2]); hi > 1000 {
			notes = append(notes, fmt.Sprintf("repeat bound %s above RE2's 1000 became {%s,} (the length limit still applies)", s, m[1]))
			return "{" + m[1] + ",}"
		}
		return s
	})
	if _, err := regexp.Compile(`^(?:` + re + `)$`); err != nil {
		return "", nil, simplify(err)
	}
	return re, notes, nil
}

// rewriteClasses replaces Java's POSIX \p{...} classes: inside brackets by the bare class, outside
// by a bracketed one.
func rewriteClasses(re string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(re); i++ {
		c := re[i]
		switch {
		case c == '\\' && i+1 < len(re):
			if loc := posixClass.FindStringSubmatchIndex(re[i:]); loc != nil && loc[0] == 0 {
				cls := posixClasses[re[i+loc[2]:i+loc[3]]]
				if depth == 0 {
					cls = "[" + cls + "]"
				}
				b.WriteString(cls)
				i += loc[1] - 1
				continue
			}
			b.WriteByte(c)
			b.WriteByte(re[i+1])
			i++
			continue
		case c == '[':
			depth++
		case c == ']' && depth > 0:
			depth--
		}
		b.WriteByte(c)
	}
	return b.String()
}

func simplify(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "error parsing regexp: "); i >= 0 {
		msg = msg[i+len("error parsing regexp: "):]
	}
	return errors.New(msg)
}

func render(entries []entry, version, mappingFile string) ([]byte, error) {
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.id, b.id) })
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by \"go run ./tools/awslimits\" from %s and botocore %s; DO NOT EDIT.\n\n", filepath.Base(mappingFile), version)
	b.WriteString("package check\n\n")
	fmt.Fprintf(&b, "// BotocoreVersion is the botocore release whose API models the generated limits come from.\n")
	fmt.Fprintf(&b, "const BotocoreVersion = %q\n\n", version)
	b.WriteString("// generated are the limits read from AWS's API models, one per mapped property.\n")
	b.WriteString("var generated = []Limit{\n")
	for _, e := range entries {
		l := e.limit
		fmt.Fprintf(&b, "{ID: %q, Type: %q, Path: %q,\n", e.id, e.typ, e.path)
		if l.numMin != nil || l.numMax != nil {
			fmt.Fprintf(&b, "Num: &Range{Min: %s, Max: %s},\n", bound(l.numMin, "NoMin"), bound(l.numMax, "NoMax"))
		}
		if l.lenMin != nil || l.lenMax != nil {
			fmt.Fprintf(&b, "Len: &Range{Min: %s, Max: %s},\n", bound(l.lenMin, "0"), bound(l.lenMax, "NoMax"))
		}
		if l.pattern != "" {
			fmt.Fprintf(&b, "Pattern: %s,\n", goString(l.pattern))
		}
		if len(l.enum) > 0 {
			b.WriteString("Enum: []string{")
			for i, v := range l.enum {
				if i%8 == 0 {
					b.WriteString("\n")
				}
				fmt.Fprintf(&b, "%q, ", v)
			}
			b.WriteString("\n},\n")
		}
		if l.note != "" {
			fmt.Fprintf(&b, "Note: %s,\n", goString(l.note))
		}
		fmt.Fprintf(&b, "Source: %q},\n", l.source)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

func bound(f *float64, none string) string {
	if f == nil || math.IsInf(*f, 0) {
		return none
	}
	return num(*f)
}

// goString quotes s as a raw string when that is possible and easier to read.
func goString(s string) string {
	if !strings.Contains(s, "`") && strconv.CanBackquote(s) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}
