// Package kotta is Cloud Kotta: a web app that runs users' jobs on worker pools, with a jobs bucket
// (uploads/, outputs/, code/, postmortem/), Jobs and Users DynamoDB tables and web and worker
// roles as its long-lived base layer (strata:base).
package kotta

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/base"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/systems"
)

// App names and tags Cloud Kotta's resources: kotta-<env>-<group>.
const App = "kotta"

// KeyBase is the config key of the base layer.
const KeyBase = "base"

// Config is Cloud Kotta's part of the stage file.
type Config struct {
	// Base is the base layer, strata:base; nil leaves it out of the stack.
	Base *Base
}

// Base configures the base layer: the jobs bucket, the Jobs and Users tables and the web and worker
// roles, which outlive any one Kotta deployment.
type Base struct {
	// JobsBucket is the globally unique name of the jobs bucket (required; S3 naming rules).
	JobsBucket string `json:"jobsBucket"`
	// JobsTable names the Jobs table (hash key job_id). Default kotta-<env>-jobs.
	JobsTable string `json:"jobsTable"`
	// UsersTable names the Users table (hash key user_id). Default kotta-<env>-users.
	UsersTable string `json:"usersTable"`
	// NoncurrentVersionExpirationDays deletes old object versions this many days after they were
	// replaced. Default 90; 1 to 3650.
	NoncurrentVersionExpirationDays int `json:"noncurrentVersionExpirationDays"`
	// AbortIncompleteMultipartUploadDays aborts incomplete multipart uploads after this many days.
	// Default 7; 1 to 365.
	AbortIncompleteMultipartUploadDays int `json:"abortIncompleteMultipartUploadDays"`
	// KMSKeyARN is a customer managed KMS key (key ARN, not an alias) for the bucket and both
	// tables; the roles get kms:Decrypt and kms:GenerateDataKey on it. Default: AWS managed
	// encryption.
	KMSKeyARN string `json:"kmsKeyArn"`
	// ForceDestroy lets a destroy empty the bucket; refused with strata:protect true. Default
	// false.
	ForceDestroy bool `json:"forceDestroy"`
	// ServicePrincipal is who assumes the web and worker roles: ec2.amazonaws.com (default, with
	// instance profiles) or ecs-tasks.amazonaws.com (no instance profiles, which EC2 could not
	// use).
	ServicePrincipal string `json:"servicePrincipal"`
}

// Plan is Cloud Kotta prepared for a stage.
type Plan struct {
	// Base is the base layer's arguments; nil without strata:base.
	Base *base.Args
}

// Plan applies the defaults and reports every problem under the full config keys.
func (c Config) Plan(st systems.Stage) (Plan, error) {
	var p Plan
	var errs field.Errors
	if b := c.Base; b != nil {
		a := base.Args{
			JobsBucket:                         b.JobsBucket,
			JobsTable:                          b.JobsTable,
			UsersTable:                         b.UsersTable,
			NoncurrentVersionExpirationDays:    b.NoncurrentVersionExpirationDays,
			AbortIncompleteMultipartUploadDays: b.AbortIncompleteMultipartUploadDays,
			KMSKeyARN:                          b.KMSKeyARN,
			ForceDestroy:                       b.ForceDestroy,
			ServicePrincipal:                   b.ServicePrincipal,
			Naming:                             st.Naming(App),
			Protect:                            st.Protect,
		}.WithDefaults()
		errs.Merge(systems.Key(KeyBase), a.Validate())
		p.Base = &a
	}
	return p, errs.Err()
}

// Kotta is Cloud Kotta deployed.
type Kotta struct {
	pulumi.ResourceState

	// Base is the base layer; nil when the stack has none.
	Base *base.Base
	// Outputs are the stack outputs of the system.
	Outputs pulumi.Map
}

// New creates Cloud Kotta as planned.
func New(ctx *pulumi.Context, name string, p Plan, opts ...pulumi.ResourceOption) (*Kotta, error) {
	k := &Kotta{Outputs: pulumi.Map{}}
	if err := ctx.RegisterComponentResource("strata:system:Kotta", name, k, opts...); err != nil {
		return nil, err
	}
	if p.Base != nil {
		b, err := base.New(ctx, name, p.Base, pulumi.Parent(k), systems.WasTopLevel())
		if err != nil {
			return nil, err
		}
		k.Base = b
		k.Outputs = pulumi.Map{
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
		}
	}
	if err := ctx.RegisterResourceOutputs(k, k.Outputs); err != nil {
		return nil, err
	}
	return k, nil
}
