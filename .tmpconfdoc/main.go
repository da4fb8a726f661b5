package main

import (
	"os"

	"github.com/strata-iac/strata/internal/confdoc"
)

// Renders the config tables into systems/kotta/README.md only.
func main() {
	d, err := confdoc.Load(".")
	if err != nil {
		panic(err)
	}
	r, err := d.UpdateAll(".")
	if err != nil {
		panic(err)
	}
	const mine = "systems/kotta/README.md"
	if doc, ok := r.Docs[mine]; ok {
		if err := os.WriteFile(mine, []byte(doc), 0o644); err != nil {
			panic(err)
		}
	}
	for k := range r.Docs {
		println("changed:", k)
	}
	for _, m := range r.Missing {
		println("missing:", m)
	}
}
