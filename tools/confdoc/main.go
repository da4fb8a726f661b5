// Command confdoc rewrites the config reference tables of README.md from the config types' doc
// comments (see internal/confdoc). Run it through `go generate ./...` from the repository root.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/strata-iac/strata/internal/confdoc"
)

func main() {
	readme := flag.String("readme", "README.md", "the README to update")
	root := flag.String("root", ".", "the repository root")
	flag.Parse()
	if err := run(*root, *readme); err != nil {
		fmt.Fprintln(os.Stderr, "confdoc:", err)
		os.Exit(1)
	}
}

func run(root, readme string) error {
	docs, err := confdoc.Load(root)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(readme)
	if err != nil {
		return err
	}
	sections := docs.Sections()
	out, missing := confdoc.Update(string(raw), sections)
	if stale := confdoc.Stale(out, sections); len(stale) > 0 {
		return fmt.Errorf("%s has tables for config that no longer exists: %s", readme, strings.Join(stale, ", "))
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s has no marker for: %s (add <!-- config NAME --><!-- /config --> where each belongs)", readme, strings.Join(missing, ", "))
	}
	return os.WriteFile(readme, []byte(out), 0o644)
}
