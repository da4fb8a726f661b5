package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/strata-iac/strata/internal/check"
	"github.com/strata-iac/strata/internal/cost"
	"github.com/strata-iac/strata/internal/diff"
	"github.com/strata-iac/strata/internal/plan"
	"github.com/strata-iac/strata/internal/report"
)

type reportOptions struct {
	against *string
	checks  *string
	cost    costOptions
}

var reportCommand = command{
	usage: "report <stack> [--against FILE] [--checks FILE] [--assume KEY=VALUE]... [--dir DIR]",
	flags: func(fs *flag.FlagSet) any {
		return reportOptions{
			against: fs.String("against", "", "the plan document to compare with (default testdata/plans/<stack>.json)"),
			checks:  fs.String("checks", "", "the JSON report of `strata check <stack> --json` to show instead of checking here"),
			cost:    costFlags(fs),
		}
	},
	run: func(inv invocation, stdout, stderr io.Writer) int {
		o := inv.opts.(reportOptions)
		prices, assumptions, err := o.cost.load()
		if err != nil {
			fmt.Fprintf(stderr, "strata report: %v\n", err)
			return 2
		}
		golden := *o.against
		if golden == "" {
			if golden, err = diff.GoldenPath(inv.dir, inv.stack); err != nil {
				fmt.Fprintf(stderr, "strata report %s: %v\n", inv.stack, err)
				return 1
			}
		}
		res, err := plan.Run(inv.dir, inv.stack)
		if err != nil {
			fmt.Fprintf(stderr, "strata report %s: %v\n", inv.stack, err)
			return 1
		}
		current, err := diff.Snapshot(inv.stack, res)
		if err != nil {
			fmt.Fprintf(stderr, "strata report %s: %v\n", inv.stack, err)
			return 1
		}
		before, err := loadOrEmpty(golden, inv.stack)
		if err != nil {
			fmt.Fprintf(stderr, "strata report %s: %v\n", inv.stack, err)
			return 1
		}
		in := report.Input{
			Stack: inv.stack, Against: relative(golden), Plan: current,
			Diff: diff.Compare(before, current),
			Cost: cost.Compute(current, prices, assumptions),
		}
		if len(before.Resources) > 0 {
			b := cost.Compute(before, prices, assumptions)
			in.Before = &b
		}
		// The findings travel as JSON, so that the report depends on their shape only.
		var raw []byte
		if *o.checks != "" {
			raw, err = os.ReadFile(*o.checks)
		} else {
			raw, err = json.Marshal(check.Check(check.FromResult(res), checkOptIns(inv)))
		}
		var c report.Checks
		if err == nil {
			err = json.Unmarshal(raw, &c)
		}
		if err != nil {
			fmt.Fprintf(stderr, "strata report %s: checks: %v\n", inv.stack, err)
			return 1
		}
		in.Checks = &c
		fmt.Fprint(stdout, report.Markdown(in))
		return 0
	},
}
