package rotation_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/rotation"
)

// Redeploy the app whenever RDS rotates the master password it reads at start.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		_, err := rotation.New(ctx, "lookup-rotation", &rotation.Args{
			SecretARN: pulumi.String("arn:aws:secretsmanager:us-east-2:123456789012:secret:rds!db-1234-AbCdEf"),
			Services:  []rotation.Service{{Cluster: pulumi.String("lookup-production-cluster"), Name: pulumi.String("lookup-production-app")}},
			Naming:    naming.Convention{App: "lookup", Env: "production", Owner: "research-platform"},
		})
		return err
	})
}
