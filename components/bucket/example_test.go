package bucket_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/naming"
)

// A private bucket for an app's env files, named and tagged by the convention, with its server
// access logs in a log bucket that keeps them a year.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		conv := naming.Convention{App: "lookup", Env: "staging", Owner: "ld4p"}
		config := "example-" + conv.Name("config")
		logs, err := bucket.New(ctx, "lookup-s3-logs", &bucket.Args{
			Name:              "example-" + conv.Name("s3-logs"),
			Tags:              conv.Tags("s3-logs"),
			ExpireCurrentDays: 365,
			AccessLogSources:  []string{config},
		})
		if err != nil {
			return err
		}
		b, err := bucket.New(ctx, "lookup-config", &bucket.Args{
			Name:                            config,
			Tags:                            conv.Tags("config"),
			NoncurrentVersionExpirationDays: 30,
			Logging:                         &bucket.Logging{TargetBucket: "example-" + conv.Name("s3-logs")},
		}, pulumi.DependsOn([]pulumi.Resource{logs}))
		if err != nil {
			return err
		}
		ctx.Export("bucket", b.Name)
		return nil
	})
}
