package fleet_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/secgroup"
)

// Cloud Kotta's workers on Spot, one more while jobs wait in the pending queue, one fewer once no
// job has run for five minutes; and an aot pool of three named instances with a data volume each,
// reachable by SSH from each other only.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		subnets := pulumi.ToStringArray([]string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"})
		workers, err := fleet.New(ctx, "workers", &fleet.Args{
			Naming:        naming.Convention{App: "kotta", Env: "staging", Owner: "research-it"},
			Group:         "workers",
			VPCID:         pulumi.String("vpc-0123456789abcdef0"),
			SubnetIDs:     subnets,
			InstanceTypes: []string{"m7i.large", "m6i.large", "m5.large"},
			MetadataTags:  true,
			UserData:      "#!/bin/bash\nsystemctl start kotta-worker\n",
			Autoscaling: &fleet.Autoscaling{
				MaxSize:  10,
				Purchase: fleet.Spot,
				StepScaling: []fleet.StepScaling{
					fleet.ScaleOutOnQueue("pending", pulumi.String("kotta-staging-pending")),
					fleet.ScaleInOnIdleQueue("idle", pulumi.String("kotta-staging-active"), 5),
				},
				Tags: map[string]string{"role": "Worker"},
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("workers", workers.GroupName)

		pool, err := fleet.New(ctx, "pool", &fleet.Args{
			Naming:        naming.Convention{App: "aot", Env: "staging", Owner: "hpc"},
			Group:         "pool",
			VPCID:         pulumi.String("vpc-0123456789abcdef0"),
			InstanceTypes: []string{"c7i.2xlarge"},
			SecurityGroup: fleet.Rules{Ingress: []secgroup.Rule{
				{Name: "ssh", Description: "SSH between pool members", FromPort: 22, Self: true},
			}},
			Instances: fleet.Pool("compute", 3, fleet.Instance{
				SubnetID: pulumi.String("subnet-0aaaaaaaaaaaaaaaa"),
				Volumes:  []fleet.Volume{{Name: "data", DeviceName: "/dev/sdf", SizeGiB: 500}},
			}),
			Protect: true,
		})
		if err != nil {
			return err
		}
		for name, m := range pool.Instances {
			ctx.Export(name, m.PrivateIP)
		}
		return nil
	})
}
