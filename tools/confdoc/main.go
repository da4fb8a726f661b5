// Command confdoc rewrites the config reference tables of README.md and the systems' READMEs from
// the config types' doc comments (see internal/confdoc). `go generate ./...` runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/strata-iac/strata/internal/confdoc"
)

func main() {
	root := flag.String("root", ".", "the repository root")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "confdoc:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	docs, err := confdoc.Load(root)
	if err != nil {
		return err
	}
	r, err := docs.UpdateAll(root)
	if err != nil {
		return err
	}
	for path, doc := range r.Docs {
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			return err
		}
	}
	var problems []string
	if len(r.Stale) > 0 {
		problems = append(problems, "tables for config that no longer exists: "+strings.Join(r.Stale, ", "))
	}
	if len(r.Unanchored) > 0 {
		problems = append(problems, "tables without their <a id=\"config-object-…\"></a> anchor: "+strings.Join(r.Unanchored, ", "))
	}
	if len(r.Twice) > 0 {
		problems = append(problems, "tables marked twice: "+strings.Join(r.Twice, ", "))
	}
	if len(r.Missing) > 0 {
		problems = append(problems, "no marker for: "+strings.Join(r.Missing, ", ")+
			" (add <!-- config NAME --><!-- /config --> to README.md or the system's README)")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}
