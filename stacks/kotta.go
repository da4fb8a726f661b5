package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/base"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/internal/config"
)

// kotta prepares Cloud Kotta (SYSTEMS.md §1) when strata:base is set: its base layer, the bucket,
// tables and roles that outlive any one Kotta deployment. The job platform (queues, web server,
// worker pools) will compose on top of the same base.
func kotta(cfg *config.Config) *system {
	if cfg.Base == nil {
		return nil
	}
	args := *cfg.Base
	args.Naming = cfg.Stage.Naming("kotta")
	args.Protect = cfg.Stage.Protect
	return &system{
		validate: func() error { return field.Prefix(config.Key("base"), args.Validate()) },
		deploy: func(ctx *pulumi.Context, _ *shared) error {
			b, err := base.New(ctx, "kotta", &args)
			if err != nil {
				return err
			}
			ctx.Export("kotta", pulumi.Map{
				"jobsBucketName":            b.BucketName,
				"jobsBucketArn":             b.BucketARN,
				"jobsTableName":             b.JobsTableName,
				"jobsTableArn":              b.JobsTableARN,
				"usersTableName":            b.UsersTableName,
				"usersTableArn":             b.UsersTableARN,
				"webRoleName":               b.Web.Name,
				"webRoleArn":                b.Web.ARN,
				"webPolicyArn":              b.Web.PolicyARN,
				"webInstanceProfileName":    b.Web.InstanceProfileName,
				"workerRoleName":            b.Worker.Name,
				"workerRoleArn":             b.Worker.ARN,
				"workerPolicyArn":           b.Worker.PolicyARN,
				"workerInstanceProfileName": b.Worker.InstanceProfileName,
			})
			return nil
		},
	}
}
