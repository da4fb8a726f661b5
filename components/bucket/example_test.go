package bucket_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/naming"
)

// A private bucket for an app's env files, named and tagged by the convention.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		conv := naming.Convention{App: "lookup", Env: "staging", Owner: "ld4p"}
		b, err := bucket.New(ctx, "lookup-config", &bucket.Args{
			Name:                            "example-" + conv.Name("config"),
			Tags:                            conv.Tags("config"),
			NoncurrentVersionExpirationDays: 30,
		})
		if err != nil {
			return err
		}
		ctx.Export("bucket", b.Name)
		return nil
	})
}
