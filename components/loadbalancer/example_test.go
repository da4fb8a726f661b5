package loadbalancer_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/naming"
)

// A stage's shared load balancer with two sites: each gets a certificate requested and validated
// in the example.org zone, a target group, a listener rule for its host name and an alias record.
// Access logs are kept for a year in a bucket named after the load balancer, account and region; a
// web ACL blocks addresses above 1000 requests in 5 minutes and what AWS's managed rules match.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		alb, err := loadbalancer.New(ctx, "front", &loadbalancer.Args{
			DeletionProtection:      true,
			AccessLogs:              true,
			AccessLogsRetentionDays: 365,
			WAF:                     &loadbalancer.WAF{RateLimit: 1000},
			Sites: []loadbalancer.Site{{
				Name:     "lookup",
				Naming:   naming.Convention{App: "lookup", Env: "production", Owner: "ld4p"},
				Endpoint: app.Endpoint{Container: "qa-server-app", Port: 3000, Domain: "lookup.example.org"},
				Zone:     "example.org",
				Priority: 100,
			}, {
				Name:     "epimetheus",
				Naming:   naming.Convention{App: "epimetheus", Env: "production", Owner: "ld4p"},
				Endpoint: app.Endpoint{Container: "epimetheus-frontend", Port: 8080, Domain: "epimetheus.example.org"},
				Zone:     "example.org",
				Priority: 200,
			}},
			VPCID:           pulumi.String("vpc-0123456789abcdef0"),
			PublicSubnetIDs: pulumi.ToStringArray([]string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"}),
			Naming:          naming.Convention{App: "strata", Env: "production", Owner: "ld4p"},
			Protect:         true,
		})
		if err != nil {
			return err
		}
		ctx.Export("lookupUrl", alb.Sites["lookup"].URL)
		ctx.Export("lookupTargetGroupArn", alb.Sites["lookup"].TargetGroupARN)
		return nil
	})
}
