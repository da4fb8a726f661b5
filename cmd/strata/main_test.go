package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-iac/strata/internal/plan"
)

func TestPlanText(t *testing.T) {
	for _, stage := range []string{"staging", "production"} {
		var out, errOut bytes.Buffer
		if code := run([]string{"plan", stage, "--dir", "../.."}, &out, &errOut); code != 0 {
			t.Fatalf("%s: exit %d: %s", stage, code, errOut.String())
		}
		for _, want := range []string{
			"pulumi:pulumi:Stack strata-" + stage,
			"─ strata:base:Base kotta",
			"├─ strata:bucket:Bucket kotta-jobs",
			"aws:dynamodb/table:Table kotta-jobs",
			"resources by type:",
			"    2  aws:dynamodb/table:Table",
			"outputs:",
			`jobsTableName: "kotta-` + stage + `-jobs"`,
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: output lacks %q:\n%s", stage, want, out.String())
			}
		}
		protected := strings.Contains(out.String(), "[protected]")
		if protected != (stage == "production") {
			t.Errorf("%s: [protected] shown: %v", stage, protected)
		}
	}
}

func TestPlanJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"plan", "--json", "--dir", "../..", "production"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var doc plan.Document
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Stack != "production" || doc.Counts["aws:dynamodb/table:Table"] != 2 {
		t.Errorf("got stack %q counts %v", doc.Stack, doc.Counts)
	}
	byURN := map[string]plan.Resource{}
	for _, r := range doc.Resources {
		byURN[r.URN] = r
	}
	var table *plan.Resource
	for i, r := range doc.Resources {
		if r.Type == "aws:dynamodb/table:Table" && r.Name == "kotta-jobs" {
			table = &doc.Resources[i]
		}
	}
	if table == nil {
		t.Fatal("no kotta-jobs table in the JSON plan")
	}
	if !table.Protect || table.Inputs["hashKey"] != "job_id" {
		t.Errorf("got table %+v", table)
	}
	if parent := byURN[table.Parent]; parent.Type != "strata:base:Base" || !parent.Component {
		t.Errorf("got table parent %+v, want the base component", parent)
	}
	if _, ok := doc.Outputs["kotta"].(map[string]any); !ok {
		t.Errorf("got outputs %v", doc.Outputs)
	}
}

func TestPlanInvalidConfigPrintsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	project, err := os.ReadFile("../../Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"Pulumi.yaml": string(project),
		"Pulumi.bad.yaml": `config:
  strata:protect: sometimes
  strata:base:
    jobsBucket: Kotta_Jobs
    noncurrentVersionExpirationDays: 0.5
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"plan", "bad", "--dir", dir}, &out, &errOut); code != 1 {
		t.Fatalf("got exit %d, want 1", code)
	}
	for _, want := range []string{
		"invalid config for stack bad (4 problems)",
		`strata:protect: got "sometimes", want true or false`,
		"strata:owner: is required",
		`strata:base.jobsBucket: "Kotta_Jobs" is not a valid S3 bucket name`,
		"strata:base.noncurrentVersionExpirationDays: got 0.5, want a whole number",
	} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	if out.Len() != 0 {
		t.Errorf("got stdout %q, want nothing", out.String())
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"apply", "staging"}, {"plan"}, {"plan", "a", "b"}, {"plan", "--nope", "staging"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 2 {
			t.Errorf("%q: got exit %d, want 2", args, code)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"plan", "nosuchstack", "--dir", "../.."}, &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "Pulumi.nosuchstack.yaml is missing or empty") {
		t.Errorf("got exit %d, stderr %q", code, errOut.String())
	}
}
