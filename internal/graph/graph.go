package graph

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/strata-iac/strata/internal/mock"
)

// Node is one resource or component of the plan.
type Node struct {
	URN       string
	Type      string
	Name      string
	Parent    string
	Component bool
	Remote    bool
}

// Edge goes from a resource to one it uses. Dep is true when Pulumi records the dependency, Ref
// when an input names the other resource.
type Edge struct {
	From, To string
	Dep, Ref bool
}

// Graph is a plan's resources and the edges between them.
type Graph struct {
	Stack string
	Nodes map[string]*Node
	Edges []Edge
}

// Build returns the graph of res.
func Build(stack string, res *mock.Result) *Graph {
	g := &Graph{Stack: stack, Nodes: map[string]*Node{}}
	for _, r := range res.Resources() {
		g.Nodes[r.URN] = &Node{URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Component: !r.Custom, Remote: r.Remote}
	}
	edges := map[[2]string]*Edge{}
	edge := func(from, to string) *Edge {
		k := [2]string{from, to}
		if edges[k] == nil {
			edges[k] = &Edge{From: from, To: to}
		}
		return edges[k]
	}
	for _, r := range res.Resources() {
		for _, d := range r.Dependencies {
			if _, ok := g.Nodes[d]; ok && d != r.URN {
				edge(r.URN, d).Dep = true
			}
		}
	}
	for _, ref := range References(res) {
		edge(ref.From, ref.To).Ref = true
	}
	for _, k := range slices.SortedFunc(maps.Keys(edges), func(a, b [2]string) int {
		return strings.Compare(a[0]+" "+a[1], b[0]+" "+b[1])
	}) {
		g.Edges = append(g.Edges, *edges[k])
	}
	return g
}

// Format is a drawing language.
type Format string

// The formats Render knows.
const (
	Mermaid Format = "mermaid"
	Dot     Format = "dot"
)

// Render draws g down to depth levels of components: 1 draws one node per top-level component
// (a system), 2 also its child components, and so on; 0 draws every resource inside nested
// components.
func (g *Graph) Render(w io.Writer, f Format, depth int) error {
	if depth < 0 {
		return fmt.Errorf("depth %d: use 0 (every resource) or more", depth)
	}
	v := g.view(depth)
	switch f {
	case Mermaid:
		v.mermaid(w)
	case Dot:
		v.dot(w)
	default:
		return fmt.Errorf("unknown format %q: use mermaid or dot", f)
	}
	return nil
}

// view is what a drawing shows: boxes (subgraphs) holding nodes, and edges between nodes.
type view struct {
	stack string
	top   *box
	edges [][2]string
	ids   map[string]string // URN or box key → drawing id
}

type box struct {
	id, label string
	nodes     []vnode
	boxes     []*box
}

type vnode struct {
	id, label string
}

func (g *Graph) children() map[string][]*Node {
	kids := map[string][]*Node{}
	for _, n := range g.Nodes {
		kids[n.Parent] = append(kids[n.Parent], n)
	}
	for _, ks := range kids {
		slices.SortFunc(ks, func(a, b *Node) int { return strings.Compare(a.Type+" "+a.Name, b.Type+" "+b.Name) })
	}
	return kids
}

func (g *Graph) view(depth int) *view {
	v := &view{stack: g.Stack, ids: map[string]string{}, top: &box{}}
	kids := g.children()
	next := 0
	id := func(key string) string {
		if v.ids[key] == "" {
			next++
			v.ids[key] = "n" + itoa(next)
		}
		return v.ids[key]
	}
	// subtree lists the resources below a component, at any depth.
	var subtree func(urn string) []*Node
	subtree = func(urn string) []*Node {
		var out []*Node
		for _, n := range kids[urn] {
			if isComponent(n) {
				out = append(out, subtree(n.URN)...)
			} else {
				out = append(out, n)
			}
		}
		return out
	}

	// Ids are assigned in a stable walk order so that drawings are repeatable.
	var walk func(parent string, into *box, level int)
	walk = func(parent string, into *box, level int) {
		for _, n := range kids[parent] {
			if !isComponent(n) {
				if depth == 0 || parent == "" {
					into.nodes = append(into.nodes, vnode{id: id(n.URN), label: resourceLabel(n)})
				}
				continue
			}
			if depth == 0 {
				b := &box{id: id("box " + n.URN), label: componentLabel(n)}
				into.boxes = append(into.boxes, b)
				walk(n.URN, b, level+1)
				continue
			}
			if level == depth || len(componentChildren(kids[n.URN])) == 0 {
				into.nodes = append(into.nodes, vnode{id: id(n.URN), label: componentLabel(n) + countLabel(subtree(n.URN))})
				continue
			}
			// A component with child components above the depth: a box with a node for its own
			// resources and its children inside.
			b := &box{id: id("box " + n.URN), label: componentLabel(n)}
			into.boxes = append(into.boxes, b)
			if own := countLabel(kids[n.URN]); own != "" {
				b.nodes = append(b.nodes, vnode{id: id(n.URN), label: n.Name + own})
			}
			walk(n.URN, b, level+1)
		}
	}
	walk("", v.top, 1)

	// Edges between drawn nodes.
	seen := map[[2]string]bool{}
	for _, e := range g.Edges {
		from, to := g.drawnAs(e.From, v.ids), g.drawnAs(e.To, v.ids)
		a, b := v.ids[from], v.ids[to]
		if a == "" || b == "" || a == b {
			continue
		}
		k := [2]string{a, b}
		if !seen[k] {
			seen[k] = true
			v.edges = append(v.edges, k)
		}
	}
	return v
}

// drawnAs returns the URN of the node a resource is drawn in at component level: the nearest
// component that has a node of its own.
func (g *Graph) drawnAs(urn string, ids map[string]string) string {
	for u := urn; u != ""; {
		if _, ok := ids[u]; ok {
			return u
		}
		n := g.Nodes[u]
		if n == nil {
			return ""
		}
		u = n.Parent
	}
	return ""
}

func isComponent(n *Node) bool { return n.Component && !n.Remote }

func componentChildren(ns []*Node) []*Node {
	var out []*Node
	for _, n := range ns {
		if isComponent(n) {
			out = append(out, n)
		}
	}
	return out
}

// countLabel summarises the resources directly under a component: "9 resources: 2 listener, …".
func countLabel(ns []*Node) string {
	counts := map[string]int{}
	total := 0
	for _, n := range ns {
		if isComponent(n) {
			continue
		}
		counts[kind(n.Type)]++
		total++
	}
	if total == 0 {
		return ""
	}
	if len(counts) > 4 {
		return "\n" + itoa(total) + " resources"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		if counts[k] > 1 {
			parts = append(parts, itoa(counts[k])+" "+k)
		} else {
			parts = append(parts, k)
		}
	}
	return "\n" + strings.Join(parts, ", ")
}

// componentLabel names a component and its module: "lookup (loadbalancer)".
func componentLabel(n *Node) string {
	u := resource.URN("urn:pulumi:s::p::" + n.Type + "::n")
	return n.Name + " (" + string(u.Type().Module().Name()) + ")"
}

func resourceLabel(n *Node) string { return kind(n.Type) + " " + n.Name }

// kind is the last part of a type token, lowercased at its start: "aws:ec2/eip:Eip" gives "eip",
// "strata:loadbalancer:LoadBalancer" gives "loadBalancer".
func kind(t string) string {
	u := resource.URN("urn:pulumi:s::p::" + t + "::n")
	name := string(u.Type().Name())
	if name == "" {
		return t
	}
	return strings.ToLower(name[:1]) + name[1:]
}
