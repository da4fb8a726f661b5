package stacks

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/internal/config"
)

// environment prepares the environment's network when strata:network is set: a new VPC, or an
// existing one whose ids pass through, named and tagged as app "strata", group "network". It is
// deployed before the systems, into shared.network. A new VPC's zones are checked against the
// provider's region, looked up here (an invoke registers nothing), so that a zone of another region
// is reported with the other config problems.
func environment(ctx *pulumi.Context, cfg *config.Config) (*system, error) {
	if cfg.Network == nil {
		return nil, nil
	}
	args := *cfg.Network
	args.Naming = cfg.Stage.Naming("strata")
	if args.VPCID == "" {
		region, err := aws.GetRegion(ctx, nil)
		if err != nil {
			return nil, err
		}
		args.Region = region.Name
	}
	return &system{
		validate: func() error { return field.Prefix(config.Key("network"), args.Validate()) },
		deploy: func(ctx *pulumi.Context, env *shared) error {
			n, err := network.New(ctx, "network", &args)
			if err != nil {
				return err
			}
			env.network = n
			ctx.Export("network", pulumi.Map{
				"vpcId":             n.VPCID,
				"publicSubnetIds":   n.PublicSubnetIDs,
				"privateSubnetIds":  n.PrivateSubnetIDs,
				"availabilityZones": pulumi.ToStringArray(n.AvailabilityZones),
			})
			return nil
		},
	}, nil
}
