package aot_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/aot"
)

// A pool of two workers and a head node, each with a scratch volume and one bootstrap stage, in
// the stage's network.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := aot.Config{
			Bucket: "my-aot-bootstrap",
			Defaults: aot.Settings{
				InstanceType: "t3.small",
				Volumes:      []aot.Volume{{DeviceName: "/dev/sdf", SizeGiB: 10}},
				Bootstrap:    []aot.Tarball{{Path: "systems/aot/examples/hello"}},
			},
			Pools:     map[string]aot.Pool{"worker": {Count: 2}},
			Instances: map[string]aot.Instance{"head": {Settings: aot.Settings{InstanceType: "t3.medium"}}},
		}
		st := systems.Stage{Stack: ctx.Stack(), Env: "dev", Owner: "me", Network: true}
		plan, err := cfg.Plan(st, aot.Site{Dir: ctx.RootDirectory(), Zones: 2, PublicZones: 2})
		if err != nil {
			return err
		}
		net, err := network.New(ctx, "network", &network.Args{})
		if err != nil {
			return err
		}
		cluster, err := aot.New(ctx, aot.App, plan, aot.Deps{Network: net})
		if err != nil {
			return err
		}
		ctx.Export("aot", cluster.Outputs)
		return nil
	})
}
