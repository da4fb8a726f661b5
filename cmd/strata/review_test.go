package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/cost"
	"github.com/strata-iac/strata/internal/diff"
	"github.com/strata-iac/strata/internal/plan"
)

func strata(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append(args, "--dir", "../.."), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCostCommand(t *testing.T) {
	for _, stage := range []string{"staging", "production"} {
		code, out, errOut := strata(t, "cost", stage)
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "strata cost "+stage+": USD ")
		assert.Contains(t, out, "not priced (left out of the total)")

		code, out, errOut = strata(t, "cost", stage, "--json", "--assume", "natGatewayGBPerMonth=1000")
		require.Equal(t, 0, code, errOut)
		var e cost.Estimate
		require.NoError(t, json.Unmarshal([]byte(out), &e))
		assert.Equal(t, 1000.0, e.Assumptions["natGatewayGBPerMonth"].Value)
		assert.Positive(t, e.Total)
	}
	code, _, errOut := strata(t, "cost", "staging", "--assume", "nope=1")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown assumption "nope"`)
}

func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	golden := filepath.Join(dir, "production.json")

	code, out, errOut := strata(t, "diff", "production", "--against", golden)
	assert.Equal(t, diff.ExitChanged, code, "a missing golden plan shows every resource created: %s", errOut)
	assert.Contains(t, out, "to create")

	code, out, errOut = strata(t, "diff", "production", "--against", golden, "--update")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "wrote ")

	code, out, _ = strata(t, "diff", "production", "--against", golden)
	assert.Equal(t, diff.ExitSame, code, out)
	assert.Contains(t, out, "no changes")

	// A database renamed in the golden plan: deploying the program replaces it.
	doc, err := diff.Load(golden)
	require.NoError(t, err)
	for i, r := range doc.Resources {
		if r.Type == "aws:rds/instance:Instance" {
			doc.Resources[i].Inputs["dbName"] = "old_name"
			break
		}
	}
	require.NoError(t, diff.Save(golden, doc))
	code, out, _ = strata(t, "diff", "production", "--against", golden)
	assert.Equal(t, diff.ExitDangerous, code, out)
	assert.Contains(t, out, "stateful or protected resources would be replaced or deleted")

	code, out, _ = strata(t, "diff", "production", "--against", golden, "--json")
	assert.Equal(t, diff.ExitDangerous, code)
	var r diff.Result
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Len(t, r.Changes, 1)
	assert.Equal(t, diff.Replace, r.Changes[0].Action)
}

func TestGraphCommand(t *testing.T) {
	code, out, errOut := strata(t, "graph", "staging")
	require.Equal(t, 0, code, errOut)
	assert.True(t, strings.HasPrefix(out, "flowchart LR\n"))
	code, out, _ = strata(t, "graph", "staging", "--format", "dot", "--detail")
	require.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(out, "digraph"))
	code, _, _ = strata(t, "graph", "staging", "--format", "svg")
	assert.Equal(t, 2, code)
}

func TestExportCommand(t *testing.T) {
	for _, stage := range []string{"staging", "production"} {
		code, out, errOut := strata(t, "export", stage, "--format", "tfplan")
		require.Equal(t, 0, code, errOut)
		var p map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &p))
		assert.Equal(t, "1.2", p["format_version"])
		for _, line := range strings.Split(strings.TrimSpace(errOut), "\n") {
			if line != "" {
				assert.Contains(t, line, "strata export "+stage+": skipped ", "stderr lists skipped resources only")
			}
		}
	}
	code, _, _ := strata(t, "export", "staging", "--format", "hcl")
	assert.Equal(t, 2, code)
}

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	checks := filepath.Join(dir, "checks.json")
	require.NoError(t, os.WriteFile(checks, []byte(`{"resources": 3, "findings": [{"rule": "r", "severity": "violation", "type": "aws:s3/bucketV2:BucketV2", "name": "b", "allowed": "x"}]}`), 0o644))
	golden := filepath.Join(dir, "staging.json")
	res, err := plan.Run("../..", "staging")
	require.NoError(t, err)
	doc, err := diff.Snapshot("staging", res)
	require.NoError(t, err)
	doc.Resources = doc.Resources[1:]
	require.NoError(t, diff.Save(golden, doc))

	code, out, errOut := strata(t, "report", "staging", "--against", golden, "--checks", checks)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "## strata plan `staging`")
	assert.Contains(t, out, "1 to create")
	assert.Contains(t, out, "1 violations, 0 warnings on 3 resources")
	assert.LessOrEqual(t, len(out), 65536)
}
