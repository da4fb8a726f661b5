package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/strata-iac/strata/internal/graph"
	"github.com/strata-iac/strata/internal/plan"
)

type graphOptions struct {
	format *string
	depth  *int
	detail *bool
}

var graphCommand = command{
	usage: "graph <stack> [--format mermaid|dot] [--depth N | --detail] [--dir DIR]",
	flags: func(fs *flag.FlagSet) any {
		return graphOptions{
			format: fs.String("format", "mermaid", "mermaid (renders on GitHub) or dot (Graphviz)"),
			depth:  fs.Int("depth", 1, "component levels to open: 1 draws one node per system, 2 their components"),
			detail: fs.Bool("detail", false, "draw every resource (--depth 0)"),
		}
	},
	run: func(inv invocation, stdout, stderr io.Writer) int {
		o := inv.opts.(graphOptions)
		f := graph.Format(*o.format)
		if f != graph.Mermaid && f != graph.Dot {
			fmt.Fprintf(stderr, "strata graph: unknown format %q: use mermaid or dot\n", f)
			return 2
		}
		res, err := plan.Run(inv.dir, inv.stack)
		if err != nil {
			fmt.Fprintf(stderr, "strata graph %s: %v\n", inv.stack, err)
			return 1
		}
		depth := *o.depth
		if *o.detail {
			depth = 0
		}
		if err := graph.Build(inv.stack, res).Render(stdout, f, depth); err != nil {
			fmt.Fprintf(stderr, "strata graph %s: %v\n", inv.stack, err)
			return 1
		}
		return 0
	},
}
