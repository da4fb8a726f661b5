package registry_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/registry"
)

// Cache Docker Hub images in the account's registry; services pass the prefix as service.Args.Cache.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		_, err := registry.New(ctx, "lookup-hub", &registry.Args{
			Prefix:        "lookup-production-hub",
			CredentialARN: "arn:aws:secretsmanager:us-east-2:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf",
			Naming:        naming.Convention{App: "lookup", Env: "production", Owner: "research-platform"},
		})
		return err
	})
}
