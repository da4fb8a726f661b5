package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/strata-iac/strata/internal/cost"
	"github.com/strata-iac/strata/internal/diff"
	"github.com/strata-iac/strata/internal/plan"
)

// repeated is a flag that may be given many times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

type costOptions struct {
	json        *bool
	prices      *string
	assumptions *string
	assume      *repeated
}

func costFlags(fs *flag.FlagSet) costOptions {
	o := costOptions{
		prices:      fs.String("prices", "", "a price table to use instead of the committed one (same JSON shape)"),
		assumptions: fs.String("assumptions", "", "a JSON file of usage assumptions overriding the committed ones"),
		assume:      &repeated{},
	}
	fs.Var(o.assume, "assume", "override one usage assumption, key=value (repeatable)")
	return o
}

// load returns the price table and assumptions the options choose.
func (o costOptions) load() (cost.Prices, cost.Assumptions, error) {
	prices := cost.DefaultPrices()
	if *o.prices != "" {
		p, err := cost.LoadPrices(*o.prices)
		if err != nil {
			return cost.Prices{}, nil, err
		}
		prices = p
	}
	a := cost.DefaultAssumptions()
	if *o.assumptions != "" {
		if err := a.Merge(*o.assumptions); err != nil {
			return cost.Prices{}, nil, err
		}
	}
	for _, kv := range *o.assume {
		if err := a.Set(kv); err != nil {
			return cost.Prices{}, nil, err
		}
	}
	return prices, a, nil
}

var costCommand = command{
	usage: "cost <stack> [--json] [--assume KEY=VALUE]... [--assumptions FILE] [--prices FILE] [--dir DIR]",
	flags: func(fs *flag.FlagSet) any {
		o := costFlags(fs)
		o.json = fs.Bool("json", false, "print the estimate as JSON")
		return o
	},
	run: func(inv invocation, stdout, stderr io.Writer) int {
		o := inv.opts.(costOptions)
		prices, assumptions, err := o.load()
		if err != nil {
			fmt.Fprintf(stderr, "strata cost: %v\n", err)
			return 2
		}
		res, err := plan.Run(inv.dir, inv.stack)
		if err != nil {
			fmt.Fprintf(stderr, "strata cost %s: %v\n", inv.stack, err)
			return 1
		}
		doc, err := diff.Snapshot(inv.stack, res)
		if err != nil {
			fmt.Fprintf(stderr, "strata cost %s: %v\n", inv.stack, err)
			return 1
		}
		est := cost.Compute(doc, prices, assumptions)
		if *o.json {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(est); err != nil {
				fmt.Fprintf(stderr, "strata cost %s: %v\n", inv.stack, err)
				return 1
			}
			return 0
		}
		est.Text(stdout)
		return 0
	},
}
