package kotta

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/base"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/environment"
)

// App names and tags Cloud Kotta's resources: kotta-<env>-<group>.
const App = "kotta"

// Config keys of Cloud Kotta.
const (
	// KeyBase is the config key of the base layer.
	KeyBase = "base"
	// KeyPlatform is the config key of the job platform.
	KeyPlatform = "kotta"
)

// Config is Cloud Kotta's part of the stage file.
type Config struct {
	// Base is the base layer, strata:base; nil leaves it out of the stack.
	Base *Base
	// Platform is the job platform, strata:kotta; nil leaves it out of the stack.
	Platform *Platform
}

// Base configures the base layer: the jobs bucket, the Jobs and Users tables and the web and worker
// roles, which outlive any one Kotta deployment.
type Base struct {
	// JobsBucket is the globally unique name of the jobs bucket (required unless importJobsBucket
	// names it; S3 naming rules).
	JobsBucket string `json:"jobsBucket"`
	// JobsTable names the Jobs table (hash key job_id). A new name replaces the table: to adopt an
	// existing table, use importJobsTable. Default importJobsTable, else kotta-<env>-jobs.
	JobsTable string `json:"jobsTable"`
	// UsersTable names the Users table (hash key user_id). Default importUsersTable, else
	// kotta-<env>-users.
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
	// ImportJobsBucket adopts the existing bucket of this name (Pulumi's import option) instead of
	// creating one: the next pulumi up brings it under management with strata's settings
	// (versioning, encryption, public access block, TLS-only policy, lifecycle, server access logs
	// to the stage's log bucket in place of any it had); its objects stay. jobsBucket defaults to
	// it and, if set, must equal it. Default none.
	ImportJobsBucket string `json:"importJobsBucket"`
	// ImportJobsTable adopts the existing Jobs table of this name (hash key job_id) instead of
	// creating one; its items stay. jobsTable defaults to it and, if set, must equal it. Default
	// none.
	ImportJobsTable string `json:"importJobsTable"`
	// ImportUsersTable adopts the existing Users table of this name (hash key user_id) instead of
	// creating one; its items stay. usersTable defaults to it and, if set, must equal it. Default
	// none.
	ImportUsersTable string `json:"importUsersTable"`
}

// Plan is Cloud Kotta prepared for a stage.
type Plan struct {
	// Base is the base layer's arguments; nil without strata:base.
	Base *base.Args
	// Platform is the job platform; nil without strata:kotta.
	Platform *PlatformPlan
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
			ImportJobsBucket:                   b.ImportJobsBucket,
			ImportJobsTable:                    b.ImportJobsTable,
			ImportUsersTable:                   b.ImportUsersTable,
			Naming:                             st.Naming(App),
			Protect:                            st.Protect,
		}.WithDefaults()
		errs.Merge(systems.Key(KeyBase), a.Validate())
		p.Base = &a
	}
	if c.Platform != nil {
		if c.Base == nil && c.Platform.Base.Stack == "" {
			// Reported here rather than under strata:kotta, so that a strata:base that failed to
			// decode is reported once.
			errs.Add(systems.Key(KeyBase), "is required by %s: deploy the base layer in this stack, or name the stack that has it in %s.base.stack (e.g. research/strata/kotta-base)",
				systems.Key(KeyPlatform), systems.Key(KeyPlatform))
		}
		pl, err := c.Platform.Plan(st, p.Base)
		errs.Merge(systems.Key(KeyPlatform), err)
		p.Platform = &pl
	}
	return p, errs.Err()
}

// Deps is what Cloud Kotta takes from the rest of the stage; the base layer alone needs nothing.
type Deps struct {
	// Network is the stage's network (required by the platform).
	Network *network.Network
	// Front is the stage's shared load balancer, which holds the web server's site unless the
	// platform has a load balancer of its own.
	Front *loadbalancer.LoadBalancer
	// Logs is the stage's log bucket, which receives the jobs bucket's server access logs; nil:
	// none.
	Logs *environment.Logs
}

// OptIns are the deliberate security exceptions the stage's config asks for: token-less instance
// metadata on the web server's and the workers' launch templates.
func (p Plan) OptIns() []systems.OptIn {
	pl := p.Platform
	if pl == nil || !pl.IMDSv1 {
		return nil
	}
	why := "the upstream app reads instance metadata without a session token (IMDSv1)"
	key := field.Join(systems.Key(KeyPlatform), "instanceMetadataV1")
	out := []systems.OptIn{{Type: launchTemplateType, Name: App + "-" + groupWeb, Key: key, Why: why}}
	for _, pool := range pl.Pools {
		out = append(out, systems.OptIn{Type: launchTemplateType, Name: App + "-" + workersGroup + pool.Name, Key: key, Why: why})
	}
	return out
}

// launchTemplateType is the type token of the fleets' launch templates, which opt-ins name.
const launchTemplateType = "aws:ec2/launchTemplate:LaunchTemplate"

// DataBuckets names the bucket whose server access logs the stage's log bucket receives: the
// jobs bucket when this stack has the base layer (one read through a stack reference is another
// stack's).
func (p Plan) DataBuckets() []string {
	if p.Base == nil {
		return nil
	}
	return []string{p.Base.JobsBucket}
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
func New(ctx *pulumi.Context, name string, p Plan, deps Deps, opts ...pulumi.ResourceOption) (*Kotta, error) {
	k := &Kotta{Outputs: pulumi.Map{}}
	if err := ctx.RegisterComponentResource("strata:system:Kotta", name, k, opts...); err != nil {
		return nil, err
	}
	if p.Base != nil {
		args := *p.Base
		args.Logging = deps.Logs.Logging()
		b, err := base.New(ctx, name, &args, pulumi.Parent(k), systems.WasTopLevel(), deps.Logs.After())
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
		if args.KMSKeyARN != "" {
			// Platforms that read the base layer from another stack decrypt the tables with it.
			k.Outputs["kmsKeyArn"] = pulumi.String(args.KMSKeyARN)
		}
	}
	if p.Platform != nil {
		if err := newPlatform(ctx, name, k, *p.Platform, deps); err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(k, k.Outputs); err != nil {
		return nil, err
	}
	return k, nil
}
