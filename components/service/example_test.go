package service_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/cluster"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/service"
)

// A one-container app on Fargate behind an existing target group.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		_, err := service.New(ctx, "web", &service.Args{
			App: app.Spec{
				CPU: 256, MemoryMiB: 512,
				Containers: []app.Container{{Name: "web", Image: "nginxinc/nginx-unprivileged:1.27.3", Ports: []int{8080}}},
				Endpoint:   &app.Endpoint{Container: "web", Port: 8080},
			},
			Group:            "web",
			Naming:           naming.Convention{App: "demo", Env: "dev", Owner: "me"},
			Capacity:         cluster.CapacityFargate,
			Cluster:          service.Cluster{Name: pulumi.String("demo-dev-cluster"), ARN: pulumi.String("arn:aws:ecs:us-east-2:123456789012:cluster/demo-dev-cluster"), CapacityProvider: "FARGATE"},
			SubnetIDs:        pulumi.StringArray{pulumi.String("subnet-0a"), pulumi.String("subnet-0b")},
			SecurityGroupIDs: pulumi.StringArray{pulumi.String("sg-0web")},
			TargetGroupARN:   pulumi.String("arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/demo/1"),
		})
		return err
	})
}
