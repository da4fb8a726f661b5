package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/cost"
	"github.com/strata-iac/strata/internal/diff"
	"github.com/strata-iac/strata/internal/plan"
)

func input(changes []diff.Change) Input {
	before := cost.Estimate{Currency: "USD", Total: 100, Systems: []cost.System{{Name: "lookup", Monthly: 100}}}
	return Input{
		Stack:   "production",
		Against: "testdata/plans/production.json",
		Plan: plan.Document{Stack: "production", Counts: map[string]int{"aws:rds/instance:Instance": 1},
			Resources: []plan.Resource{{Type: "aws:rds/instance:Instance", Name: "lookup"}}},
		Diff: diff.Result{Stack: "production", Changes: changes},
		Cost: cost.Estimate{Currency: "USD", Region: "us-east-2", PriceDate: "2026-12-02", Total: 112.5,
			Systems:     []cost.System{{Name: "lookup", Monthly: 112.5}},
			Assumptions: cost.Assumptions{"hoursPerMonth": {Value: 730}}},
		Before: &before,
	}
}

var replaceDB = diff.Change{
	Action: diff.Replace, Type: "aws:rds/instance:Instance", Name: "lookup", URN: "urn:db", Stateful: true, Protected: true,
	Properties: []diff.Property{{Path: "dbName", Old: "a", New: "b", ForcesNew: "aws_db_instance.db_name (internal/service/rds/instance.go)"}},
	Reasons:    []string{"dbName forces a new resource: aws_db_instance.db_name is ForceNew"},
}

func TestReplacementsComeFirst(t *testing.T) {
	tag := diff.Change{Action: diff.Update, Type: "aws:s3/bucketV2:BucketV2", Name: "jobs", URN: "urn:b",
		Properties: []diff.Property{{Path: "tags.Env", Old: "a", New: "b"}}}
	out := Markdown(input([]diff.Change{replaceDB, tag}))
	warning := strings.Index(out, "Stateful or protected resources destroyed")
	changes := strings.Index(out, "### Changes")
	require.Positive(t, warning)
	assert.Less(t, warning, changes)
	assert.Contains(t, out, "| **replace** | `aws:rds/instance:Instance` lookup  [stateful, protected] | dbName forces a new resource")
	assert.Contains(t, out, "`tags.Env`: `\"a\"` → `\"b\"`")
	assert.Contains(t, out, "| Monthly cost | USD 112.50 (+12.50 against the golden plan) |")
	assert.Contains(t, out, "| lookup | 100.00 | 112.50 | +12.50 |")
	assert.Contains(t, out, "strata check | not run")
	assert.Equal(t, strings.Count(out, "<details>"), strings.Count(out, "</details>"))
}

func TestNoChanges(t *testing.T) {
	out := Markdown(input(nil))
	assert.NotContains(t, out, "Stateful or protected resources destroyed")
	assert.Contains(t, out, "None: the plan matches `testdata/plans/production.json`.")
}

func TestChecks(t *testing.T) {
	in := input(nil)
	in.Checks = &Checks{Resources: 150, Findings: []Finding{
		{Rule: "rds.identifier", Severity: "violation", Type: "aws:rds/instance:Instance", Name: "lookup", Path: "identifier", Value: "x|y", Allowed: "1 to 63 characters"},
		{Rule: "ec2.public-ip", Severity: "warning", Type: "aws:ec2/instance:Instance", Name: "bastion", Allowed: "no public IP", OptIn: "strata:aot.publicIp"},
	}}
	out := Markdown(in)
	assert.Contains(t, out, "| strata check | 1 violations, 1 warnings on 150 resources |")
	assert.Contains(t, out, "**1 violations**")
	assert.Contains(t, out, "`\"x\\|y\"`", "pipes are escaped inside tables")
	assert.Contains(t, out, "| ec2.public-ip | `aws:ec2/instance:Instance` bastion | – |")
	assert.Contains(t, out, "<details><summary>1 warnings</summary>")
	assert.Contains(t, out, "(asked for by `strata:aot.publicIp`)")
}

// TestFitsInAComment gives the report far more than a comment holds.
func TestFitsInAComment(t *testing.T) {
	var changes []diff.Change
	for i := range 3000 {
		c := diff.Change{Action: diff.Update, Type: "aws:iam/policy:Policy", Name: fmt.Sprintf("policy-%d", i), URN: fmt.Sprintf("urn:%05d", i)}
		for j := range 20 {
			c.Properties = append(c.Properties, diff.Property{Path: fmt.Sprintf("policy#Statement[%d].Action", j), Old: strings.Repeat("a", 200), New: strings.Repeat("b", 200)})
		}
		changes = append(changes, c)
	}
	changes = append([]diff.Change{replaceDB}, changes...)
	out := Markdown(input(changes))
	assert.LessOrEqual(t, len(out), MaxLength)
	assert.Contains(t, out, "Stateful or protected resources destroyed", "the dangerous part survives the cuts")
	assert.Contains(t, out, "… and ")
	assert.Equal(t, strings.Count(out, "<details>"), strings.Count(out, "</details>"))
}
