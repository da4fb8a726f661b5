package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/strata-iac/strata/internal/plan"
)

type planOptions struct{ json *bool }

var planCommand = command{
	usage: "plan <stack> [--json] [--dir DIR]",
	flags: func(fs *flag.FlagSet) any {
		return planOptions{json: fs.Bool("json", false, "print the plan as JSON")}
	},
	run: func(inv invocation, stdout, stderr io.Writer) int {
		res, err := plan.Run(inv.dir, inv.stack)
		if err != nil {
			fmt.Fprintf(stderr, "strata plan %s: %v\n", inv.stack, err)
			return 1
		}
		if *inv.opts.(planOptions).json {
			if err := plan.JSON(stdout, inv.stack, res); err != nil {
				fmt.Fprintf(stderr, "strata plan %s: %v\n", inv.stack, err)
				return 1
			}
			return 0
		}
		plan.Text(stdout, inv.stack, res)
		return 0
	},
}
