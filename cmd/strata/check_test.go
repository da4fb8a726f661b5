package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/check"
)

// brokenAndOptedIn is a check with one violation and one opted-in warning.
var brokenAndOptedIn = check.Check([]check.Resource{
	{Type: "aws:lb/targetGroup:TargetGroup", Name: "lookup-tg", Inputs: map[string]any{"healthCheck": map[string]any{"interval": 0.0}}},
	{Type: "aws:rds/instance:Instance", Name: "epimetheus", Inputs: map[string]any{"publiclyAccessible": true}},
}, []check.OptIn{{Type: "aws:rds/instance:Instance", Name: "epimetheus", Key: "strata:epimetheus.database.externalCidrs", Why: "TestArchiver's networks"}})

func TestCheckText(t *testing.T) {
	var out, errOut bytes.Buffer
	code := writeCheck(&out, &errOut, "staging", brokenAndOptedIn, false)
	assert.Equal(t, 1, code, "a violation fails the check")
	assert.Equal(t, []string{
		"violation elbv2.targetgroup.healthcheck.interval: aws:lb/targetGroup:TargetGroup lookup-tg healthCheck.interval = 0: allowed: 5 to 300",
		"warning security.database.public: aws:rds/instance:Instance epimetheus publiclyAccessible = true: opted in by strata:epimetheus.database.externalCidrs: TestArchiver's networks",
		"strata check staging: 1 violations, 1 warnings in 2 resources (limits from botocore " + check.BotocoreVersion + " API models and AWS documentation)",
	}, strings.Split(strings.TrimSpace(out.String()), "\n"))
	assert.Empty(t, errOut.String())
}

func TestCheckWarningsDoNotFail(t *testing.T) {
	warnings := check.Report{Resources: 1}
	for _, f := range brokenAndOptedIn.Findings {
		if f.Severity == check.Warning {
			warnings.Findings = append(warnings.Findings, f)
		}
	}
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, writeCheck(&out, &errOut, "production", warnings, false))
	assert.Contains(t, out.String(), "0 violations, 1 warnings")
}

func TestCheckJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 1, writeCheck(&out, &errOut, "staging", brokenAndOptedIn, true))
	var doc struct {
		Stack      string          `json:"stack"`
		Models     string          `json:"models"`
		Resources  int             `json:"resources"`
		Violations int             `json:"violations"`
		Findings   []check.Finding `json:"findings"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, "staging", doc.Stack)
	assert.Equal(t, "botocore "+check.BotocoreVersion, doc.Models)
	assert.Equal(t, 2, doc.Resources)
	assert.Equal(t, 1, doc.Violations)
	require.Len(t, doc.Findings, 2)
	f := doc.Findings[0]
	assert.Equal(t, "elbv2.targetgroup.healthcheck.interval", f.Rule)
	assert.Equal(t, check.Violation, f.Severity)
	assert.Equal(t, "healthCheck.interval", f.Path)
	assert.Equal(t, 0.0, f.Value)
	assert.Equal(t, "5 to 300", f.Allowed)
	assert.Contains(t, f.Source, "botocore elbv2")
	assert.Equal(t, "strata:epimetheus.database.externalCidrs", doc.Findings[1].OptIn)
}

// The shipped stages: the exit status agrees with the summary, and --json with the text.
func TestCheckStages(t *testing.T) {
	summary := regexp.MustCompile(`(?m)^strata check (\w+): (\d+) violations, (\d+) warnings in (\d+) resources`)
	for _, stage := range []string{"staging", "production"} {
		var out, errOut bytes.Buffer
		code := run([]string{"check", stage, "--dir", "../.."}, &out, &errOut)
		m := summary.FindStringSubmatch(out.String())
		require.NotNil(t, m, "%s: no summary line in\n%s%s", stage, out.String(), errOut.String())
		assert.Equal(t, stage, m[1])
		assert.Equal(t, m[2] != "0", code == 1, "%s: exit %d with %s violations", stage, code, m[2])

		var js bytes.Buffer
		assert.Equal(t, code, run([]string{"check", "--json", stage, "--dir", "../.."}, &js, &errOut))
		var doc struct {
			Violations int             `json:"violations"`
			Findings   []check.Finding `json:"findings"`
		}
		require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
		assert.Equal(t, m[2], strconv.Itoa(doc.Violations))
		assert.Len(t, strings.Split(strings.TrimSpace(out.String()), "\n"), len(doc.Findings)+1, "one line per finding, then the summary")
	}
}

func TestCheckUsage(t *testing.T) {
	for args, want := range map[string]string{
		"check":                "usage: strata check <stack> [--json] [--dir DIR]",
		"check a b":            "usage: strata check <stack> [--json] [--dir DIR]",
		"check --json":         "usage: strata check <stack> [--json] [--dir DIR]",
		"check --nope staging": "flag provided but not defined: -nope",
	} {
		var out, errOut bytes.Buffer
		assert.Equal(t, 2, run(strings.Fields(args), &out, &errOut), args)
		assert.Contains(t, errOut.String(), want, args)
		assert.Empty(t, out.String(), args)
	}
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run(nil, &out, &errOut))
	assert.Contains(t, errOut.String(), "strata check <stack> [--json] [--dir DIR]", "the usage lists the command")
}

func TestCheckInvalidConfig(t *testing.T) {
	dir := t.TempDir()
	project, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.bad.yaml"), []byte("config:\n  strata:protect: sometimes\n"), 0o600))
	var out, errOut bytes.Buffer
	assert.Equal(t, 1, run([]string{"check", "bad", "--dir", dir}, &out, &errOut))
	assert.Contains(t, errOut.String(), "invalid config for stack bad")
	assert.Contains(t, errOut.String(), `strata:protect: got "sometimes", want true or false`)
	assert.Empty(t, out.String())
}
