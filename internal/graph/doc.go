// Package graph draws a plan: components and their children, and the edges between resources —
// the dependencies Pulumi records (explicit DependsOn and the resources whose outputs an input
// uses) and the references found by matching one resource's ids, ARNs and physical names in
// another's inputs.
//
// References matches what the mocked providers return: a resource's id, its ARN, the outputs its
// provider computes, and its physical name inputs (name, bucket, identifier, ...). ARNs and ids
// match inside longer strings (policies, container definitions) at a word boundary; names match
// only a whole input value, and a name that several resources share matches none of them. Tags
// are never searched: every resource carries its group's Name tag.
//
// A drawing goes down a chosen number of component levels: at depth 1 one node per top-level
// component (a system, the network), its resources counted in the label, and the edges between
// them; each further level opens the components of the level above into boxes of their child
// components; depth 0 draws every resource. Drawings render as Mermaid (which GitHub shows inline)
// or Graphviz dot. Edges point from the user to what it uses.
package graph
