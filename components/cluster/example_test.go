package cluster_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/cluster"
	"github.com/strata-iac/strata/components/naming"
)

// A cluster of two to four Graviton instances in an existing VPC's private subnets, with a Service
// Connect namespace.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		minSize := 2
		c, err := cluster.New(ctx, "lookup", &cluster.Args{
			Capacity: cluster.CapacityEC2,
			EC2: &cluster.EC2{
				InstanceType: "m7g.large",
				Architecture: cluster.ArchARM,
				MinSize:      &minSize,
				MaxSize:      4,
			},
			Naming:         naming.Convention{App: "lookup", Env: "staging", Owner: "ld4p"},
			VPCID:          pulumi.String("vpc-0123456789abcdef0"),
			SubnetIDs:      pulumi.ToStringArray([]string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"}),
			ServiceConnect: true,
		})
		if err != nil {
			return err
		}
		ctx.Export("cluster", c.Name)
		ctx.Export("capacityProvider", pulumi.String(c.CapacityProvider))
		return nil
	})
}
