package base

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/role"
)

// Args configures the base layer.
type Args struct {
	// JobsBucket is the globally unique name of the jobs bucket (required).
	JobsBucket string
	// JobsTable names the Jobs table. Default <app>-<env>-jobs.
	JobsTable string
	// UsersTable names the Users table. Default <app>-<env>-users.
	UsersTable string
	// NoncurrentVersionExpirationDays: see bucket.Args. Default 90.
	NoncurrentVersionExpirationDays int
	// AbortIncompleteMultipartUploadDays: see bucket.Args. Default 7.
	AbortIncompleteMultipartUploadDays int
	// KMSKeyARN encrypts the bucket and both tables with this customer managed key and grants the
	// roles its use. Default: AWS managed encryption (SSE-S3 and the DynamoDB-owned key).
	KMSKeyARN string
	// ForceDestroy lets a destroy delete a non-empty jobs bucket; refused when Protect is set.
	ForceDestroy bool
	// ServicePrincipal is the service that assumes the web and worker roles: role.EC2 (default, with
	// instance profiles) or role.ECSTasks (no instance profiles: EC2 could not use them).
	ServicePrincipal string
	// Logging sends the jobs bucket's S3 server access logs to a log bucket (see bucket.Logging).
	// Default nil: none.
	Logging *bucket.Logging

	// ImportJobsBucket, ImportJobsTable and ImportUsersTable adopt an existing bucket or table of
	// that name (Pulumi's import option) instead of creating one: the deployment that follows
	// brings it to the settings above and manages it from then on. Each is also the default of
	// the matching name (JobsBucket, JobsTable, UsersTable), which must equal it if set: an
	// adopted resource keeps its name, as a new name would replace it.
	ImportJobsBucket string
	ImportJobsTable  string
	ImportUsersTable string

	// Naming names and tags the resources.
	Naming naming.Convention
	// Protect protects the bucket and tables and turns on table deletion protection.
	Protect bool
}

// Base is Cloud Kotta's base layer.
type Base struct {
	pulumi.ResourceState

	BucketName     pulumi.StringOutput
	BucketARN      pulumi.StringOutput
	JobsTableName  pulumi.StringOutput
	JobsTableARN   pulumi.StringOutput
	UsersTableName pulumi.StringOutput
	UsersTableARN  pulumi.StringOutput
	// Web and Worker are the roles; their PolicyARN lets other roles (e.g. ECS task roles) reuse
	// the same grants.
	Web    *role.Role
	Worker *role.Role
}

// Table actions, grouped by what a role may do to items.
var (
	itemRead  = []string{"dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"}
	itemWrite = []string{"dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}
	// The worker saves a job's record whole (boto's Item.save: PutItem) as it moves through its
	// states, and updates single attributes.
	itemUpdate = []string{"dynamodb:PutItem", "dynamodb:UpdateItem"}
	objRead    = []string{"s3:GetObject"}
	objWrite   = []string{"s3:AbortMultipartUpload", "s3:PutObject"}
	objDelete  = []string{"s3:DeleteObject"}
	kmsUse     = []string{"kms:Decrypt", "kms:GenerateDataKey"}
)

// WithDefaults returns a copy of a with the documented defaults filled in.
func (a Args) WithDefaults() Args {
	if a.JobsBucket == "" {
		a.JobsBucket = a.ImportJobsBucket
	}
	if a.JobsTable == "" {
		a.JobsTable = or(a.ImportJobsTable, a.Naming.Name("jobs"))
	}
	if a.UsersTable == "" {
		a.UsersTable = or(a.ImportUsersTable, a.Naming.Name("users"))
	}
	if a.ServicePrincipal == "" {
		a.ServicePrincipal = role.EC2
	}
	return a
}

func (a Args) bucketArgs() *bucket.Args {
	return &bucket.Args{
		Name:                               a.JobsBucket,
		Tags:                               a.Naming.Tags("jobs"),
		NoncurrentVersionExpirationDays:    a.NoncurrentVersionExpirationDays,
		AbortIncompleteMultipartUploadDays: a.AbortIncompleteMultipartUploadDays,
		KMSKeyARN:                          a.KMSKeyARN,
		ForceDestroy:                       a.ForceDestroy,
		Logging:                            a.Logging,
		Protect:                            a.Protect,
		Import:                             a.ImportJobsBucket,
	}
}

// Validate reports every problem with the settings, with their defaults; paths are the settings'
// names in lowerCamelCase. New checks Naming as well.
func (a Args) Validate() error {
	var errs field.Errors
	a = a.WithDefaults()
	for _, p := range field.Problems(a.bucketArgs().Validate()) {
		if p.Path == "name" {
			p.Path = "jobsBucket"
		}
		errs = append(errs, p)
	}
	errs.Check("jobsTable", naming.TableName(a.JobsTable))
	errs.Check("usersTable", naming.TableName(a.UsersTable))
	if a.JobsTable == a.UsersTable {
		errs.Add("usersTable", "%q is also the Jobs table: the two tables need different names", a.UsersTable)
	}
	errs.OneOf("servicePrincipal", a.ServicePrincipal, role.EC2, role.ECSTasks)
	for _, imp := range []struct{ key, id, nameKey, name string }{
		{"importJobsBucket", a.ImportJobsBucket, "jobsBucket", a.JobsBucket},
		{"importJobsTable", a.ImportJobsTable, "jobsTable", a.JobsTable},
		{"importUsersTable", a.ImportUsersTable, "usersTable", a.UsersTable},
	} {
		if imp.id != "" && imp.id != imp.name {
			errs.Add(imp.key, "%q differs from %s %q: an adopted resource keeps its name (a new one would replace it); remove %s or set it to %q", imp.id, imp.nameKey, imp.name, imp.nameKey, imp.id)
		}
	}
	for _, group := range []string{"web", "worker"} {
		errs.Check("naming", naming.RoleName(a.Naming.Name(group)))
	}
	return errs.Err()
}

// New creates the base layer.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Base, error) {
	a := args.WithDefaults()
	if err := errors.Join(field.Prefix("naming", a.Naming.Validate()), a.Validate()); err != nil {
		return nil, fmt.Errorf("base %s: %w", name, err)
	}
	b := &Base{}
	if err := ctx.RegisterComponentResource("strata:base:Base", name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)

	jobs, err := bucket.New(ctx, name+"-jobs", a.bucketArgs(), parent)
	if err != nil {
		return nil, err
	}
	jobsTable, err := a.table(ctx, name+"-jobs", a.JobsTable, "job_id", "jobs", a.ImportJobsTable, parent)
	if err != nil {
		return nil, err
	}
	usersTable, err := a.table(ctx, name+"-users", a.UsersTable, "user_id", "users", a.ImportUsersTable, parent)
	if err != nil {
		return nil, err
	}

	grants := pulumi.All(jobs.ARN, jobsTable.Arn, usersTable.Arn)
	webPolicy := grants.ApplyT(func(v []any) (string, error) {
		bucketARN, jobsARN, usersARN := v[0].(string), v[1].(string), v[2].(string)
		return a.document(
			policy.Allow("ObjectsReadWriteDelete", slices.Concat(objRead, objWrite, objDelete),
				policy.Objects(bucketARN, "uploads/"), policy.Objects(bucketARN, "outputs/")),
			policy.Allow("CodeRead", objRead, policy.Objects(bucketARN, "code/")),
			policy.Allow("ListBucket", []string{"s3:ListBucket"}, bucketARN),
			policy.Allow("TablesReadWrite", slices.Concat(itemRead, itemWrite), jobsARN, usersARN),
		)
	}).(pulumi.StringOutput)
	workerPolicy := grants.ApplyT(func(v []any) (string, error) {
		bucketARN, jobsARN, usersARN := v[0].(string), v[1].(string), v[2].(string)
		return a.document(
			policy.Allow("OutputsReadWrite", slices.Concat(objRead, objWrite), policy.Objects(bucketARN, "outputs/")),
			// Workers upload their logs there when they stop, for post-mortems; they never read them.
			policy.Allow("PostmortemWrite", objWrite, policy.Objects(bucketARN, "postmortem/")),
			policy.Allow("CodeRead", objRead, policy.Objects(bucketARN, "code/")),
			policy.Allow("ListBucket", []string{"s3:ListBucket"}, bucketARN),
			policy.Allow("JobsReadWrite", slices.Concat(itemRead, itemUpdate), jobsARN),
			policy.Allow("UsersRead", itemRead, usersARN),
		)
	}).(pulumi.StringOutput)

	b.Web, err = a.role(ctx, name+"-web", "web", "Cloud Kotta web server", webPolicy, parent)
	if err != nil {
		return nil, err
	}
	b.Worker, err = a.role(ctx, name+"-worker", "worker", "Cloud Kotta worker (TaskExecutor)", workerPolicy, parent)
	if err != nil {
		return nil, err
	}

	b.BucketName, b.BucketARN = jobs.Name, jobs.ARN
	b.JobsTableName, b.JobsTableARN = jobsTable.Name, jobsTable.Arn
	b.UsersTableName, b.UsersTableARN = usersTable.Name, usersTable.Arn
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{
		"bucketName":     b.BucketName,
		"bucketArn":      b.BucketARN,
		"jobsTableName":  b.JobsTableName,
		"jobsTableArn":   b.JobsTableARN,
		"usersTableName": b.UsersTableName,
		"usersTableArn":  b.UsersTableARN,
		"webRoleArn":     b.Web.ARN,
		"workerRoleArn":  b.Worker.ARN,
	}); err != nil {
		return nil, err
	}
	return b, nil
}

// table creates an on-demand, encrypted table with point-in-time recovery and a string hash key,
// or adopts the existing table importID.
func (a Args) table(ctx *pulumi.Context, name, physical, hashKey, group, importID string, parent pulumi.ResourceOption) (*dynamodb.Table, error) {
	sse := &dynamodb.TableServerSideEncryptionArgs{Enabled: pulumi.Bool(true)}
	if a.KMSKeyARN != "" {
		sse.KmsKeyArn = pulumi.String(a.KMSKeyARN)
	}
	return dynamodb.NewTable(ctx, name, &dynamodb.TableArgs{
		Name:        pulumi.String(physical),
		BillingMode: pulumi.String("PAY_PER_REQUEST"),
		HashKey:     pulumi.String(hashKey),
		Attributes: dynamodb.TableAttributeArray{
			&dynamodb.TableAttributeArgs{Name: pulumi.String(hashKey), Type: pulumi.String("S")},
		},
		PointInTimeRecovery:       &dynamodb.TablePointInTimeRecoveryArgs{Enabled: pulumi.Bool(true)},
		ServerSideEncryption:      sse,
		DeletionProtectionEnabled: pulumi.Bool(a.Protect),
		Tags:                      pulumi.ToStringMap(a.Naming.Tags(group)),
	}, parent, pulumi.Protect(a.Protect), adopt(importID))
}

// adopt is Pulumi's import option for id, or no option without one.
func adopt(id string) pulumi.ResourceOption {
	if id == "" {
		return pulumi.Composite()
	}
	return pulumi.Import(pulumi.ID(id))
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func (a Args) role(ctx *pulumi.Context, name, group, purpose string, doc pulumi.StringInput, parent pulumi.ResourceOption) (*role.Role, error) {
	return role.New(ctx, name, &role.Args{
		Name:            a.Naming.Name(group),
		Description:     purpose + " (" + a.Naming.Env + ")",
		Service:         a.ServicePrincipal,
		Policy:          doc,
		InstanceProfile: a.ServicePrincipal == role.EC2,
		Tags:            a.Naming.Tags(group),
	}, parent)
}

// document renders statements, adding the use of the customer managed key when there is one.
func (a Args) document(statements ...policy.Statement) (string, error) {
	if a.KMSKeyARN != "" {
		statements = append(statements, policy.Allow("KeyUse", kmsUse, a.KMSKeyARN))
	}
	return policy.New(statements...).JSON()
}
