package base_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/base"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/role"
)

// A Kotta base layer whose roles ECS tasks assume, protected as in production.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		b, err := base.New(ctx, "kotta", &base.Args{
			JobsBucket:       "example-kotta-production-jobs",
			ServicePrincipal: role.ECSTasks,
			Naming:           naming.Convention{App: "kotta", Env: "production", Owner: "research-it"},
			Protect:          true,
		})
		if err != nil {
			return err
		}
		ctx.Export("jobsBucket", b.BucketName)
		ctx.Export("webPolicyArn", b.Web.PolicyARN)
		return nil
	})
}
