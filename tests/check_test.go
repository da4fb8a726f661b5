package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/strata-iac/strata/internal/check"
	"github.com/strata-iac/strata/internal/plan"
)

// Both shipped stages pass AWS's own limits: no input AWS would refuse, no resource type or
// property the check table does not know. Warnings (opted-in public access) are allowed.
func TestStagesPassAWSLimits(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			optIns, err := plan.OptIns("..", stage)
			if err != nil {
				t.Fatal(err)
			}
			rep := check.Check(check.FromResult(runStage(t, stage)), optIns)
			if rep.Resources < 50 {
				t.Fatalf("only %d resources judged", rep.Resources)
			}
			var lines []string
			for _, f := range rep.Findings {
				if f.Severity == check.Violation {
					lines = append(lines, fmt.Sprintf("%s: %s %s %s = %v: allowed: %s", f.Rule, f.Type, f.Name, f.Path, f.Value, f.Allowed))
				}
			}
			if len(lines) > 0 {
				t.Errorf("%d violations of AWS limits:\n%s", len(lines), strings.Join(lines, "\n"))
			}
		})
	}
}

// The options the shipped stages leave off also pass AWS's limits, and an exception they ask for
// is a warning that names its key: token-less instance metadata for Kotta's unmodified app, and
// Argos' restart of its app servers after a rotation (EventBridge to Run Command).
func TestOptionalSettingsPassAWSLimits(t *testing.T) {
	set := map[string]string{
		"strata:kotta": patched(t, "production", "strata:kotta", `{"instanceMetadataV1":true}`),
		"strata:argos": patched(t, "production", "strata:argos", `{"database":{"restartCommand":"sudo systemctl restart argos"},"collector":{"plainHttp":true}}`),
	}
	res, err := runEdited(t, "production", "production", set)
	if err != nil {
		t.Fatal(err)
	}
	optIns := editedOptIns(t, "production", set)
	warned := map[string]bool{}
	for _, f := range check.Check(check.FromResult(res), optIns).Findings {
		switch {
		case f.Severity == check.Violation:
			t.Errorf("%s: %s %s %s = %v: allowed: %s", f.Rule, f.Type, f.Name, f.Path, f.Value, f.Allowed)
		case f.Rule == "security.imdsv2":
			warned[f.Name] = f.OptIn == "strata:kotta.instanceMetadataV1"
		}
	}
	want := map[string]bool{"kotta-webserver": true, "kotta-workers-prod": true, "kotta-workers-test": true}
	if fmt.Sprint(warned) != fmt.Sprint(want) {
		t.Errorf("IMDSv1 warnings: got %v, want %v", warned, want)
	}
	if len(res.ByType("aws:cloudwatch/eventTarget:EventTarget")) == 0 {
		t.Error("no event targets: the restart is not rendered")
	}
}
