package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's generated blocks")

// readmeBlock is the generated text between <!-- strata:KIND STACK --> and <!-- /strata:KIND -->:
// the monthly total of a stack, or its graph as Mermaid.
func readmeBlock(t *testing.T, kind, stack string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	switch kind {
	case "cost":
		code := run([]string{"cost", stack, "--json", "--dir", "../.."}, &out, &errOut)
		require.Equal(t, 0, code, errOut.String())
		var e struct {
			Total     float64 `json:"total"`
			Currency  string  `json:"currency"`
			Region    string  `json:"region"`
			PriceDate string  `json:"priceDate"`
			Systems   []struct {
				Name    string  `json:"name"`
				Monthly float64 `json:"monthly"`
			} `json:"systems"`
			NotPriced []struct {
				Count int `json:"count"`
			} `json:"notPriced"`
		}
		require.NoError(t, json.Unmarshal(out.Bytes(), &e))
		n := 0
		for _, g := range e.NotPriced {
			n += g.Count
		}
		var b strings.Builder
		fmt.Fprintf(&b, "**%s: %s %.2f a month** (%s prices of %s; %d resources not priced, listed by `strata cost %s`)\n\n",
			stack, e.Currency, e.Total, e.Region, e.PriceDate, n, stack)
		b.WriteString("| System | " + e.Currency + "/month |\n| --- | ---: |\n")
		for _, sys := range e.Systems {
			fmt.Fprintf(&b, "| %s | %.2f |\n", sys.Name, sys.Monthly)
		}
		return strings.TrimSuffix(b.String(), "\n")
	case "graph":
		code := run([]string{"graph", stack, "--dir", "../.."}, &out, &errOut)
		require.Equal(t, 0, code, errOut.String())
		return "```mermaid\n" + out.String() + "```"
	}
	t.Fatalf("unknown README block %q", kind)
	return ""
}

var readmeMarker = regexp.MustCompile(`(?s)(<!-- strata:(cost|graph) ([a-z0-9-]+) -->)\n?(.*?)\n?(<!-- /strata:(cost|graph) -->)`)

// TestReadmeGeneratedBlocks keeps the README's cost totals and graph equal to what the tools
// print. Regenerate them with `go test ./cmd/strata -run Readme -update-readme`.
func TestReadmeGeneratedBlocks(t *testing.T) {
	path := "../../README.md"
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	text := string(raw)
	blocks := readmeMarker.FindAllStringSubmatch(text, -1)
	require.NotEmpty(t, blocks, "README.md has no <!-- strata:cost STACK --> or <!-- strata:graph STACK --> blocks")
	var stale []string
	updated := readmeMarker.ReplaceAllStringFunc(text, func(m string) string {
		g := readmeMarker.FindStringSubmatch(m)
		require.Equal(t, g[2], g[6], "block %q closes with /strata:%s", g[1], g[6])
		want := readmeBlock(t, g[2], g[3])
		if strings.TrimSpace(g[4]) != want {
			stale = append(stale, g[2]+" "+g[3])
		}
		return g[1] + "\n" + want + "\n" + g[5]
	})
	if len(stale) == 0 {
		return
	}
	if *updateReadme {
		require.NoError(t, os.WriteFile(path, []byte(updated), 0o644))
		return
	}
	t.Fatalf("README.md blocks out of date: %s; run `go test ./cmd/strata -run Readme -update-readme`", strings.Join(stale, ", "))
}
