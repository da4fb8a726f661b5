// Command strata works with the strata stacks without the cloud.
//
//	strata plan <stack> [--json] [--dir DIR]
//
// plan runs the stack program under mocks with the config of Pulumi.<stack>.yaml — no AWS
// credentials, no Pulumi CLI, no network — and prints the resource tree, a count of resources by
// type and the stack outputs (--json: the same as JSON, with every resource's inputs). On invalid
// config it prints every problem and exits 1.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/strata-iac/strata/internal/plan"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	usage := func() {
		fmt.Fprintln(stderr, "usage: strata plan <stack> [--json] [--dir DIR]")
	}
	if len(args) == 0 || args[0] != "plan" {
		usage()
		return 2
	}
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the plan as JSON")
	dir := fs.String("dir", ".", "a directory inside the Pulumi project")
	// Accept flags before or after the stack name.
	rest := args[1:]
	var stack string
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return 2
		}
		rest = fs.Args()
		if len(rest) > 0 {
			if stack != "" {
				usage()
				return 2
			}
			stack, rest = rest[0], rest[1:]
		}
	}
	if stack == "" {
		usage()
		return 2
	}

	res, err := plan.Run(*dir, stack)
	if err != nil {
		fmt.Fprintf(stderr, "strata plan %s: %v\n", stack, err)
		return 1
	}
	if *asJSON {
		if err := plan.JSON(stdout, stack, res); err != nil {
			fmt.Fprintf(stderr, "strata plan %s: %v\n", stack, err)
			return 1
		}
		return 0
	}
	plan.Text(stdout, stack, res)
	return 0
}
