package role_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/role"
)

// An EC2 role that may read one prefix of a bucket and use Session Manager.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		doc, err := policy.New(policy.Allow("ReadCode", []string{"s3:GetObject"},
			policy.Objects("arn:aws:s3:::example-bucket", "code/"))).JSON()
		if err != nil {
			return err
		}
		r, err := role.New(ctx, "app", &role.Args{
			Name:              "app-staging-web",
			Service:           role.EC2,
			Policy:            pulumi.String(doc),
			ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"},
			InstanceProfile:   true,
		})
		if err != nil {
			return err
		}
		ctx.Export("instanceProfile", r.InstanceProfileName)
		return nil
	})
}
