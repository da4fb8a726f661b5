package forwarder_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/forwarder"
	"github.com/strata-iac/strata/components/naming"
)

// A private path to a database: the database admits the forwarder's security group, the forwarder
// may send to the database's.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		f, err := forwarder.New(ctx, "epimetheus-forwarder", &forwarder.Args{
			Naming:   naming.Convention{App: "epimetheus", Env: "production", Owner: "research-platform"},
			VPCID:    pulumi.String("vpc-0123456789abcdef0"),
			SubnetID: pulumi.String("subnet-0123456789abcdef1"),
		})
		if err != nil {
			return err
		}
		ctx.Export("forwarderInstanceId", f.InstanceID)
		return f.Reach(ctx, "postgres", 5432, pulumi.String("sg-0123456789abcdef2"), "the Epimetheus database")
	})
}
