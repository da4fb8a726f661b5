package graph

import (
	"fmt"
	"io"
	"strings"
)

func (v *view) mermaid(w io.Writer) {
	fmt.Fprintf(w, "flowchart LR\n")
	var walk func(b *box, indent string)
	walk = func(b *box, indent string) {
		for _, n := range b.nodes {
			fmt.Fprintf(w, "%s%s[\"%s\"]\n", indent, n.id, mermaidText(n.label))
		}
		for _, s := range b.boxes {
			fmt.Fprintf(w, "%ssubgraph %s[\"%s\"]\n", indent, s.id, mermaidText(s.label))
			walk(s, indent+"  ")
			fmt.Fprintf(w, "%send\n", indent)
		}
	}
	walk(v.top, "  ")
	for _, e := range v.edges {
		fmt.Fprintf(w, "  %s --> %s\n", e[0], e[1])
	}
}

// mermaidText escapes a label for a quoted Mermaid label; new lines become <br/>.
func mermaidText(s string) string {
	s = strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;").Replace(s)
	return strings.ReplaceAll(s, "\n", "<br/>")
}

func (v *view) dot(w io.Writer) {
	fmt.Fprintf(w, "digraph %s {\n  rankdir=LR;\n  node [shape=box, fontsize=10];\n", dotQuote("strata "+v.stack))
	var walk func(b *box, indent string)
	walk = func(b *box, indent string) {
		for _, n := range b.nodes {
			fmt.Fprintf(w, "%s%s [label=%s];\n", indent, n.id, dotQuote(n.label))
		}
		for _, s := range b.boxes {
			fmt.Fprintf(w, "%ssubgraph cluster_%s {\n%s  label=%s;\n", indent, s.id, indent, dotQuote(s.label))
			walk(s, indent+"  ")
			fmt.Fprintf(w, "%s}\n", indent)
		}
	}
	walk(v.top, "  ")
	for _, e := range v.edges {
		fmt.Fprintf(w, "  %s -> %s;\n", e[0], e[1])
	}
	fmt.Fprintf(w, "}\n")
}

func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
