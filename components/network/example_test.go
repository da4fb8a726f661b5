package network_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/network"
)

// A production network in three pinned zones, with a NAT gateway per zone and flow logs.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		n, err := network.New(ctx, "network", &network.Args{
			CIDR:              "10.30.0.0/16",
			AvailabilityZones: []string{"us-east-2a", "us-east-2b", "us-east-2c"},
			NATGateways:       network.NATOnePerAZ,
			FlowLogs:          network.FlowLogs{Enabled: true},
			Naming:            naming.Convention{App: "strata", Env: "production", Owner: "research-it"},
		})
		if err != nil {
			return err
		}
		ctx.Export("vpcId", n.VPCID)
		ctx.Export("privateSubnetIds", n.PrivateSubnetIDs)
		ctx.Export("natPublicIps", n.NATPublicIPs)
		// Name per-subnet resources by the subnet's key (its zone), not its position: a zone added
		// or removed later then renames none of the others.
		for _, s := range n.PrivateSubnets {
			ctx.Export("subnet-"+s.Key, s.ID)
		}
		return nil
	})
}

// An existing VPC (the QA lookup's AWSVpcId and SubnetIds): nothing is created.
func Example_existing() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		n, err := network.New(ctx, "network", &network.Args{
			VPCID:            "vpc-0123456789abcdef0",
			PrivateSubnetIDs: []string{"subnet-0123456789abcdef1", "subnet-0123456789abcdef2"},
			PublicSubnetIDs:  []string{"subnet-0123456789abcdef3", "subnet-0123456789abcdef4"},
			Naming:           naming.Convention{App: "strata", Env: "staging", Owner: "research-it"},
		})
		if err != nil {
			return err
		}
		ctx.Export("vpcId", n.VPCID)
		return nil
	})
}
