package loadbalancer_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/naming"
)

// The QA lookup's load balancer: a certificate requested and validated in the example.org zone,
// lookup.example.org pointed at the ALB, access logs kept for a year.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		alb, err := loadbalancer.New(ctx, "lookup", &loadbalancer.Args{
			Zone:                    "example.org",
			DeletionProtection:      true,
			AccessLogs:              true,
			AccessLogsBucket:        "example-lookup-production-alb-logs",
			AccessLogsRetentionDays: 365,
			Endpoint: app.Endpoint{
				Container: "qa-server-app", Port: 3000, HealthCheckPath: "/", Domain: "lookup.example.org",
				HealthyThreshold: 3, UnhealthyThreshold: 3, IntervalSeconds: 30, TimeoutSeconds: 5,
				SuccessCodes: "200-399",
			},
			VPCID:           pulumi.String("vpc-0123456789abcdef0"),
			PublicSubnetIDs: pulumi.ToStringArray([]string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"}),
			Naming:          naming.Convention{App: "lookup", Env: "production", Owner: "ld4p"},
			Protect:         true,
		})
		if err != nil {
			return err
		}
		ctx.Export("url", alb.URL)
		ctx.Export("targetGroupArn", alb.TargetGroupARN)
		return nil
	})
}
