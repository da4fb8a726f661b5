package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Symbols of the actions in text output, as in pulumi preview.
var symbols = map[Action]string{Replace: "+-", Delete: "- ", Create: "+ ", Update: "~ ", Ignore: "= "}

// Summary is a one-line count of the changes.
func (r Result) Summary() string {
	if len(r.Changes) == 0 && len(r.Outputs) == 0 {
		return "no changes"
	}
	s := fmt.Sprintf("%d to replace, %d to delete, %d to create, %d to update, %d unchanged",
		r.Count(Replace), r.Count(Delete), r.Count(Create), r.Count(Update), r.Unchanged)
	if n := r.Count(Ignore); n > 0 {
		s += fmt.Sprintf(", %d changed only in ignored properties", n)
	}
	if len(r.Outputs) > 0 {
		s += fmt.Sprintf("; %d output values change", len(r.Outputs))
	}
	if d := len(r.Dangerous()); d > 0 {
		s += fmt.Sprintf("; %d stateful or protected resources destroyed", d)
	}
	return s
}

// Text renders r for people: dangerous changes first, each with its changed properties.
func (r Result) Text(w io.Writer, against string) {
	fmt.Fprintf(w, "strata diff %s against %s: %s\n", r.Stack, against, r.Summary())
	for _, c := range r.Changes {
		fmt.Fprintf(w, "\n%s %-7s %s %s%s\n", symbols[c.Action], c.Action, c.Type, c.Name, Flags(c))
		if c.OldURN != "" {
			fmt.Fprintf(w, "      was %s\n", c.OldURN)
		}
		for _, reason := range c.Reasons {
			fmt.Fprintf(w, "      because %s\n", reason)
		}
		for _, note := range c.Notes {
			fmt.Fprintf(w, "      note: %s\n", note)
		}
		for _, p := range c.Properties {
			fmt.Fprintf(w, "      %s: %s → %s%s\n", p.Path, Value(p.Old), Value(p.New), forces(p))
		}
	}
	if len(r.Outputs) > 0 {
		fmt.Fprintf(w, "\noutputs:\n")
		for _, p := range r.Outputs {
			fmt.Fprintf(w, "      %s: %s → %s\n", p.Path, Value(p.Old), Value(p.New))
		}
	}
	if d := r.Dangerous(); len(d) > 0 {
		fmt.Fprintf(w, "\n%d stateful or protected resources would be replaced or deleted:\n", len(d))
		for _, c := range d {
			fmt.Fprintf(w, "  %s %s %s\n", c.Action, c.Type, c.Name)
		}
	}
}

// Flags marks a change that touches a stateful or protected resource.
func Flags(c Change) string {
	var f []string
	if c.Stateful {
		f = append(f, "stateful")
	}
	if c.Protected {
		f = append(f, "protected")
	}
	if c.Component {
		f = append(f, "component")
	}
	if len(f) == 0 {
		return ""
	}
	return "  [" + strings.Join(f, ", ") + "]"
}

func forces(p Property) string {
	switch {
	case p.Ignored:
		return "  (ignored: ignoreChanges keeps the running value)"
	case p.ForcesNew != "":
		return "  (forces replacement: " + p.ForcesNew + ")"
	}
	return ""
}

// maxValue is the longest value Value prints; the rest is elided.
const maxValue = 120

// Value renders a property value compactly: JSON, "(none)" when absent, elided past maxValue.
func Value(v any) string {
	if v == nil {
		return "(none)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	if r := []rune(s); len(r) > maxValue {
		s = string(r[:maxValue-1]) + "…"
	}
	return s
}
