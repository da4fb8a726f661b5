package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/strata-iac/strata/internal/check"
	"github.com/strata-iac/strata/internal/plan"
)

type checkOptions struct{ json *bool }

// checkOptIns returns the config keys of a stage that deliberately ask for what the security rules
// flag. The stage planned already, so planning it again cannot fail on its config.
func checkOptIns(inv invocation) []check.OptIn {
	optIns, _ := plan.OptIns(inv.dir, inv.stack)
	return optIns
}

var checkCommand = command{
	usage: "check <stack> [--json] [--dir DIR]",
	flags: func(fs *flag.FlagSet) any {
		return checkOptions{json: fs.Bool("json", false, "print the findings as JSON")}
	},
	run: func(inv invocation, stdout, stderr io.Writer) int {
		res, err := plan.Run(inv.dir, inv.stack)
		if err != nil {
			fmt.Fprintf(stderr, "strata check %s: %v\n", inv.stack, err)
			return 1
		}
		rep := check.Check(check.FromResult(res), checkOptIns(inv))
		return writeCheck(stdout, stderr, inv.stack, rep, *inv.opts.(checkOptions).json)
	},
}

// writeCheck prints a check as text or JSON and returns the exit status: 1 on any violation.
func writeCheck(stdout, stderr io.Writer, stack string, rep check.Report, asJSON bool) int {
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		doc := checkDocument{Stack: stack, Models: "botocore " + check.BotocoreVersion, Report: rep,
			Violations: rep.Count(check.Violation), Warnings: rep.Count(check.Warning)}
		if err := enc.Encode(doc); err != nil {
			fmt.Fprintf(stderr, "strata check %s: %v\n", stack, err)
			return 1
		}
	} else {
		writeFindings(stdout, stack, rep)
	}
	if rep.Count(check.Violation) > 0 {
		return 1
	}
	return 0
}

// checkDocument is the JSON form of a check.
type checkDocument struct {
	Stack  string `json:"stack"`
	Models string `json:"models"`
	check.Report
	Violations int `json:"violations"`
	Warnings   int `json:"warnings"`
}

// writeFindings prints one line per finding and a summary.
func writeFindings(w io.Writer, stack string, rep check.Report) {
	for _, f := range rep.Findings {
		where := f.Type + " " + f.Name
		if f.Path != "" {
			where += " " + f.Path
		}
		value := ""
		if f.Value != nil {
			b, _ := json.Marshal(f.Value)
			value = " = " + shorten(string(b))
		}
		verdict := "allowed: " + f.Allowed
		if f.Severity == check.Warning {
			verdict = "opted in by " + f.OptIn + ": " + f.Why
		}
		fmt.Fprintf(w, "%s %s: %s%s: %s\n", f.Severity, f.Rule, where, value, verdict)
	}
	fmt.Fprintf(w, "strata check %s: %d violations, %d warnings in %d resources (limits from botocore %s API models and AWS documentation)\n",
		stack, rep.Count(check.Violation), rep.Count(check.Warning), rep.Resources, check.BotocoreVersion)
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 100 {
		return string(r[:97]) + "..."
	}
	return strings.TrimSpace(s)
}
