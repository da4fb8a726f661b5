package filesystem_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/filesystem"
	"github.com/strata-iac/strata/components/naming"
)

// The QA authority lookup's file system in production: authority files for the app, refreshed
// nightly from the bucket, and MariaDB's data directory owned by the image's mysql user (999).
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		fs, err := filesystem.New(ctx, "lookup", &filesystem.Args{
			AccessPoints: map[string]filesystem.AccessPoint{
				"authorities": {Path: "/authorities"},
				"database":    {Path: "/database", UID: ptr(999), GID: ptr(999), Permissions: "0700"},
			},
			Sync: &filesystem.Sync{AccessPoint: "authorities", BucketPrefix: "authorities/", Schedule: "cron(0 3 * * ? *)"},

			Naming:  naming.Convention{App: "lookup", Env: "production", Owner: "research-it"},
			Protect: true,
			VPCID:   pulumi.String("vpc-0123456789abcdef0"),
			Subnets: []filesystem.Subnet{
				{Key: "us-east-2a", ID: pulumi.String("subnet-0aaaaaaaaaaaaaaaa")},
				{Key: "us-east-2b", ID: pulumi.String("subnet-0bbbbbbbbbbbbbbbb")},
			},
			Clients:       map[string]pulumi.StringInput{"tasks": pulumi.String("sg-0123456789abcdef0")},
			SyncBucketARN: pulumi.String("arn:aws:s3:::lookup-production-bucket"),
		})
		if err != nil {
			return err
		}
		ctx.Export("fileSystemId", fs.ID)
		ctx.Export("authoritiesAccessPointId", fs.AccessPointIDs["authorities"])
		return nil
	})
}
