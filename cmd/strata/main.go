// Command strata works with the strata stacks without the cloud: every subcommand runs the stack
// program under Pulumi's mocks with the config of Pulumi.<stack>.yaml — no AWS credentials, no
// Pulumi CLI, no network.
//
//	strata plan <stack> [--json] [--dir DIR]
//
// plan prints the resource tree, a count of resources by type and the stack outputs (--json: the
// same as JSON, with every resource's inputs). On invalid config every subcommand prints every
// problem and exits 1; on bad usage it exits 2.
package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand: its usage line (after "strata ") and what it does with its parsed
// invocation. run returns the exit status.
type command struct {
	usage string
	// flags declares the subcommand's own flags on fs (--dir is declared for every subcommand).
	flags func(fs *flag.FlagSet) any
	run   func(inv invocation, stdout, stderr io.Writer) int
}

// invocation is a parsed command line: the stack, the project directory and the subcommand's flags
// as returned by its flags function.
type invocation struct {
	stack string
	dir   string
	opts  any
}

// commands are strata's subcommands by name.
var commands = map[string]command{
	"plan":   planCommand,
	"check":  checkCommand,
	"cost":   costCommand,
	"diff":   diffCommand,
	"graph":  graphCommand,
	"report": reportCommand,
	"export": exportCommand,
}

func run(args []string, stdout, stderr io.Writer) int {
	usage := func() {
		fmt.Fprintln(stderr, "usage:")
		for _, name := range slices.Sorted(maps.Keys(commands)) {
			fmt.Fprintln(stderr, "  strata "+commands[name].usage)
		}
	}
	if len(args) == 0 {
		usage()
		return 2
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "strata: unknown command %q\n", args[0])
		usage()
		return 2
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".", "a directory inside the Pulumi project")
	var opts any
	if cmd.flags != nil {
		opts = cmd.flags(fs)
	}
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
				fmt.Fprintf(stderr, "usage: strata %s\n", cmd.usage)
				return 2
			}
			stack, rest = rest[0], rest[1:]
		}
	}
	if stack == "" || strings.HasPrefix(stack, "-") {
		fmt.Fprintf(stderr, "usage: strata %s\n", cmd.usage)
		return 2
	}
	return cmd.run(invocation{stack: stack, dir: *dir, opts: opts}, stdout, stderr)
}
