package check_test

import (
	"fmt"

	"github.com/strata-iac/strata/internal/check"
)

func ExampleCheck() {
	resources := []check.Resource{
		{Type: "aws:lb/targetGroup:TargetGroup", Name: "lookup-tg", Inputs: map[string]any{
			"name":        "lookup-staging-tg-3000",
			"healthCheck": map[string]any{"interval": 5.0, "timeout": 5.0, "matcher": "200-399"},
		}},
		{Type: "aws:rds/instance:Instance", Name: "epimetheus", Inputs: map[string]any{"publiclyAccessible": true}},
	}
	optIns := []check.OptIn{{Type: "aws:rds/instance:Instance", Name: "epimetheus",
		Key: "strata:epimetheus.database.externalCidrs", Why: "TestArchiver's networks reach the database"}}

	rep := check.Check(resources, optIns)
	for _, f := range rep.Findings {
		line := fmt.Sprintf("%s %s: %s %s", f.Severity, f.Rule, f.Name, f.Path)
		if f.OptIn != "" {
			line += " (opted in by " + f.OptIn + ")"
		}
		fmt.Println(line)
	}
	fmt.Println(rep.Count(check.Violation), "violation")
	// Output:
	// violation elbv2.targetgroup.healthcheck.timeoutinterval: lookup-tg healthCheck.timeout
	// warning security.database.public: epimetheus publiclyAccessible (opted in by strata:epimetheus.database.externalCidrs)
	// 1 violation
}
