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
