package database_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/naming"
)

// A private MariaDB for the QA lookup, reachable from the app's tasks, with alarms by email. RDS
// picks the current 10.11 minor version; TLS is required and Enhanced Monitoring samples every
// minute by default; the master password rotates every 30 days.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		db, err := database.New(ctx, "lookup-db", &database.Args{
			Engine:             database.MariaDB,
			EngineVersion:      "10.11",
			DBName:             "qa",
			MultiAZ:            true,
			SecretRotationDays: 30,
			Alarms:             &database.Alarms{CPUPercent: 60, Emails: []string{"ops@example.org"}},
			Naming:             naming.Convention{App: "lookup", Env: "production", Owner: "ld4p"},
			Protect:            true,
			VPCID:              pulumi.String("vpc-0123456789abcdef0"),
			SubnetIDs:          pulumi.StringArray{pulumi.String("subnet-0a"), pulumi.String("subnet-0b")},
			Clients:            map[string]pulumi.StringInput{"app": pulumi.String("sg-0123456789abcdef0")},
		})
		if err != nil {
			return err
		}
		ctx.Export("dbAddress", db.Address)
		ctx.Export("dbSecretArn", db.SecretARN)
		ctx.Export("dbCaBundleUrl", db.CABundleURL)
		return nil
	})
}
