package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/strata-iac/strata/internal/export"
	"github.com/strata-iac/strata/internal/plan"
	"github.com/strata-iac/strata/internal/stackfile"
)

type exportOptions struct {
	format *string
}

var exportCommand = command{
	usage: "export <stack> --format tfplan [--dir DIR]",
	flags: func(fs *flag.FlagSet) any {
		return exportOptions{format: fs.String("format", "tfplan", "tfplan: Terraform plan JSON, as `terraform show -json` prints it")}
	},
	run: func(inv invocation, stdout, stderr io.Writer) int {
		o := inv.opts.(exportOptions)
		if *o.format != "tfplan" {
			fmt.Fprintf(stderr, "strata export: unknown format %q: use tfplan\n", *o.format)
			return 2
		}
		stack, err := stackfile.Load(inv.dir, inv.stack)
		if err != nil {
			fmt.Fprintf(stderr, "strata export %s: %v\n", inv.stack, err)
			return 1
		}
		res, err := plan.Run(inv.dir, inv.stack)
		if err != nil {
			fmt.Fprintf(stderr, "strata export %s: %v\n", inv.stack, err)
			return 1
		}
		p, skipped := export.TerraformPlan(res, stack.Config["aws:region"])
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(p); err != nil {
			fmt.Fprintf(stderr, "strata export %s: %v\n", inv.stack, err)
			return 1
		}
		for _, s := range skipped {
			fmt.Fprintf(stderr, "strata export %s: skipped %s %s: %s\n", inv.stack, s.Type, s.Name, s.Reason)
		}
		return 0
	},
}
