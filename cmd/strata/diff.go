package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/strata-iac/strata/internal/diff"
	"github.com/strata-iac/strata/internal/plan"
)

type diffOptions struct {
	against *string
	update  *bool
	json    *bool
}

var diffCommand = command{
	usage: "diff <stack> [--against FILE] [--update] [--json] [--dir DIR]",
	flags: func(fs *flag.FlagSet) any {
		return diffOptions{
			against: fs.String("against", "", "the plan document to compare with (default testdata/plans/<stack>.json)"),
			update:  fs.Bool("update", false, "write the current plan to the golden file instead of comparing"),
			json:    fs.Bool("json", false, "print the comparison as JSON"),
		}
	},
	run: func(inv invocation, stdout, stderr io.Writer) int {
		o := inv.opts.(diffOptions)
		current, golden, err := currentAndGolden(inv, *o.against)
		if err != nil {
			fmt.Fprintf(stderr, "strata diff %s: %v\n", inv.stack, err)
			return 2
		}
		before, err := loadOrEmpty(golden, inv.stack)
		if err != nil {
			fmt.Fprintf(stderr, "strata diff %s: %v\n", inv.stack, err)
			return 2
		}
		result := diff.Compare(before, current)
		if *o.update {
			if err := diff.Save(golden, current); err != nil {
				fmt.Fprintf(stderr, "strata diff %s: %v\n", inv.stack, err)
				return 2
			}
			fmt.Fprintf(stdout, "wrote %s: %s\n", relative(golden), result.Summary())
			return 0
		}
		if *o.json {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(result); err != nil {
				fmt.Fprintf(stderr, "strata diff %s: %v\n", inv.stack, err)
				return 2
			}
		} else {
			result.Text(stdout, relative(golden))
		}
		return result.ExitCode()
	},
}

// currentAndGolden runs the stack and returns its canonical plan and the golden file's path
// (against, or testdata/plans/<stack>.json in the project).
func currentAndGolden(inv invocation, against string) (current plan.Document, golden string, err error) {
	golden = against
	if golden == "" {
		if golden, err = diff.GoldenPath(inv.dir, inv.stack); err != nil {
			return plan.Document{}, "", err
		}
	}
	res, err := plan.Run(inv.dir, inv.stack)
	if err != nil {
		return plan.Document{}, "", err
	}
	current, err = diff.Snapshot(inv.stack, res)
	return current, golden, err
}

// relative shortens a path to one relative to the working directory when it lies below it.
func relative(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// loadOrEmpty reads a plan document; a missing file is an empty plan, so that a new stack shows
// every resource as created.
func loadOrEmpty(path, stack string) (plan.Document, error) {
	doc, err := diff.Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		return plan.Document{Stack: stack}, nil
	}
	return doc, err
}
