package base_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/strata-iac/strata/components/base"
	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/role"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeTable   = "aws:dynamodb/table:Table"
	typeRole    = "aws:iam/role:Role"
	typePolicy  = "aws:iam/policy:Policy"
	typeProfile = "aws:iam/instanceProfile:InstanceProfile"
	typeBucket  = "aws:s3/bucketV2:BucketV2"
	typeLogging = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	key         = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	bucketARN   = "arn:aws:s3:::kotta-test-jobs-bucket"
	jobsARN     = "arn:aws:dynamodb:us-east-1:123456789012:table/kotta-test-jobs"
	usersARN    = "arn:aws:dynamodb:us-east-1:123456789012:table/kotta-test-users"
)

var conv = naming.Convention{App: "kotta", Env: "test", Owner: "research-it"}

func deploy(t *testing.T, args base.Args) *mock.Result {
	t.Helper()
	args.Naming = conv
	return mocktest.Run(t, func(ctx *pulumi.Context) error {
		b, err := base.New(ctx, "kotta", &args)
		if err != nil {
			return err
		}
		ctx.Export("bucket", b.BucketName)
		ctx.Export("jobsTable", b.JobsTableName)
		ctx.Export("usersTable", b.UsersTableName)
		ctx.Export("webProfile", b.Web.InstanceProfileName)
		ctx.Export("workerPolicy", b.Worker.PolicyARN)
		return nil
	})
}

func TestTables(t *testing.T) {
	res := deploy(t, base.Args{JobsBucket: "kotta-test-jobs-bucket"})
	for _, tc := range []struct{ logical, name, hashKey string }{
		{"kotta-jobs", "kotta-test-jobs", "job_id"},
		{"kotta-users", "kotta-test-users", "user_id"},
	} {
		tbl := mocktest.Named(t, res, typeTable, tc.logical)
		mocktest.Eq(t, tc.logical+" name", tbl.In("name"), tc.name)
		mocktest.Eq(t, tc.logical+" hash key", tbl.In("hashKey"), tc.hashKey)
		mocktest.Eq(t, tc.logical+" attribute", tbl.In("attributes[0].name"), tc.hashKey)
		mocktest.Eq(t, tc.logical+" attribute type", tbl.In("attributes[0].type"), "S")
		mocktest.Eq(t, tc.logical+" billing", tbl.In("billingMode"), "PAY_PER_REQUEST")
		mocktest.Eq(t, tc.logical+" PITR", tbl.In("pointInTimeRecovery.enabled"), true)
		mocktest.Eq(t, tc.logical+" SSE", tbl.In("serverSideEncryption.enabled"), true)
		mocktest.Eq(t, tc.logical+" deletion protection", tbl.In("deletionProtectionEnabled"), false)
		mocktest.Eq(t, tc.logical+" protect", tbl.Protect, false)
	}
	mocktest.Eq(t, "bucket output", res.Outputs["bucket"], "kotta-test-jobs-bucket")
	mocktest.Eq(t, "jobs table output", res.Outputs["jobsTable"], "kotta-test-jobs")
	mocktest.Eq(t, "users table output", res.Outputs["usersTable"], "kotta-test-users")
}

func TestRoleGrantsAreExact(t *testing.T) {
	res := deploy(t, base.Args{JobsBucket: "kotta-test-jobs-bucket"})
	read := []string{"dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"}
	write := []string{"dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}
	var web, worker []string
	for _, tbl := range []string{jobsARN, usersARN} {
		for _, a := range append(append([]string{}, read...), write...) {
			web = append(web, a+" "+tbl)
		}
	}
	for _, prefix := range []string{"uploads/*", "outputs/*"} {
		for _, a := range []string{"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"} {
			web = append(web, a+" "+bucketARN+"/"+prefix)
		}
	}
	web = append(web, "s3:GetObject "+bucketARN+"/code/*", "s3:ListBucket "+bucketARN)

	// PutItem: the worker saves a job's record whole (boto's Item.save) at every state change.
	for _, a := range append(append([]string{}, read...), "dynamodb:PutItem", "dynamodb:UpdateItem") {
		worker = append(worker, a+" "+jobsARN)
	}
	for _, a := range read {
		worker = append(worker, a+" "+usersARN)
	}
	for _, a := range []string{"s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"} {
		worker = append(worker, a+" "+bucketARN+"/outputs/*")
	}
	// Worker logs: written, never read back.
	worker = append(worker, "s3:AbortMultipartUpload "+bucketARN+"/postmortem/*", "s3:PutObject "+bucketARN+"/postmortem/*")
	worker = append(worker, "s3:GetObject "+bucketARN+"/code/*", "s3:ListBucket "+bucketARN)

	for _, tc := range []struct {
		name string
		want []string
	}{{"kotta-web", web}, {"kotta-worker", worker}} {
		doc := mocktest.Document(t, mocktest.Named(t, res, typePolicy, tc.name), "policy")
		for _, s := range doc.Statement {
			mocktest.Eq(t, tc.name+" effect", s.Effect, "Allow")
			for _, a := range s.Action {
				if strings.Contains(a, "*") {
					t.Errorf("%s: wildcard action %q", tc.name, a)
				}
			}
		}
		mocktest.EqualLists(t, tc.name+" grants", mocktest.Grants(doc), slices.Sorted(slices.Values(tc.want)))
	}
}

func TestEC2RolesHaveInstanceProfiles(t *testing.T) {
	res := deploy(t, base.Args{JobsBucket: "kotta-test-jobs-bucket"})
	for _, name := range []string{"kotta-web", "kotta-worker"} {
		r := mocktest.Named(t, res, typeRole, name)
		mocktest.Eq(t, name+" role name", r.In("name"), "kotta-test-"+strings.TrimPrefix(name, "kotta-"))
		trust := mocktest.Document(t, r, "assumeRolePolicy")
		mocktest.Eq(t, name+" trust", trust.Statement[0].Principal.(map[string]any)["Service"], role.EC2)
		mocktest.Eq(t, name+" profile role", mocktest.Named(t, res, typeProfile, name).In("role"), r.In("name"))
	}
	mocktest.Eq(t, "web profile output", res.Outputs["webProfile"], "kotta-test-web")
}

func TestECSTasksPrincipal(t *testing.T) {
	res := deploy(t, base.Args{JobsBucket: "kotta-test-jobs-bucket", ServicePrincipal: role.ECSTasks})
	for _, name := range []string{"kotta-web", "kotta-worker"} {
		trust := mocktest.Document(t, mocktest.Named(t, res, typeRole, name), "assumeRolePolicy")
		mocktest.Eq(t, name+" trust", trust.Statement[0].Principal.(map[string]any)["Service"], role.ECSTasks)
	}
	if n := len(res.ByType(typeProfile)); n != 0 {
		t.Errorf("got %d instance profiles, want none for %s", n, role.ECSTasks)
	}
}

func TestProtectedWithCustomerKey(t *testing.T) {
	res := deploy(t, base.Args{JobsBucket: "kotta-test-jobs-bucket", KMSKeyARN: key, Protect: true})
	for _, tbl := range res.ByType(typeTable) {
		mocktest.Eq(t, tbl.Name+" protect", tbl.Protect, true)
		mocktest.Eq(t, tbl.Name+" deletion protection", tbl.In("deletionProtectionEnabled"), true)
		mocktest.Eq(t, tbl.Name+" key", tbl.In("serverSideEncryption.kmsKeyArn"), key)
	}
	b := mocktest.One(t, res, typeBucket)
	mocktest.Eq(t, "bucket protect", b.Protect, true)
	mocktest.Eq(t, "bucket forceDestroy", b.In("forceDestroy"), false)
	for _, name := range []string{"kotta-web", "kotta-worker"} {
		grants := mocktest.Grants(mocktest.Document(t, mocktest.Named(t, res, typePolicy, name), "policy"))
		for _, want := range []string{"kms:Decrypt " + key, "kms:GenerateDataKey " + key} {
			if !slices.Contains(grants, want) {
				t.Errorf("%s: missing grant %q", name, want)
			}
		}
	}
	// Only the stateful resources are protected.
	for _, r := range res.Resources() {
		if r.Protect && r.Type != typeTable && r.Type != typeBucket {
			t.Errorf("%s %s is protected; only the bucket and tables should be", r.Type, r.Name)
		}
	}
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	tests := []struct {
		name string
		args base.Args
		want []string
	}{
		{"same table names", base.Args{JobsBucket: "abc", JobsTable: "t1", UsersTable: "t1"},
			[]string{`jobsTable: "t1" is not a valid DynamoDB table name`, `usersTable: "t1" is also the Jobs table`}},
		{"bad principal", base.Args{JobsBucket: "abc", ServicePrincipal: "lambda.amazonaws.com"},
			[]string{`servicePrincipal: "lambda.amazonaws.com" is not allowed: use one of ec2.amazonaws.com, ecs-tasks.amazonaws.com`}},
		{"bucket problems keep base names", base.Args{JobsBucket: "UPPER", KMSKeyARN: "x"},
			[]string{`jobsBucket: "UPPER" is not a valid S3 bucket name`, `kmsKeyArn: "x" is not a KMS key ARN`}},
		{"logging to the jobs bucket", base.Args{JobsBucket: "abc", Logging: &bucket.Logging{TargetBucket: "abc"}},
			[]string{"logging.targetBucket: is the bucket itself"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			args.Naming = conv
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := base.New(ctx, "kotta", &args)
				return err
			}, tc.want...)
		})
	}
}

// With Logging, the jobs bucket sends its server access logs to the log bucket; without, it has none.
func TestJobsBucketServerAccessLogs(t *testing.T) {
	res := deploy(t, base.Args{JobsBucket: "kotta-test-jobs-bucket", Logging: &bucket.Logging{TargetBucket: "strata-test-s3-logs"}})
	logging := mocktest.One(t, res, typeLogging)
	assert.Equal(t, "strata-test-s3-logs", logging.In("targetBucket"))
	assert.Equal(t, "s3/kotta-test-jobs-bucket/", logging.In("targetPrefix"))
	assert.Empty(t, deploy(t, base.Args{JobsBucket: "kotta-test-jobs-bucket"}).ByType(typeLogging))
}

func TestNewChecksNaming(t *testing.T) {
	mocktest.Refused(t, func(ctx *pulumi.Context) error {
		_, err := base.New(ctx, "kotta", &base.Args{JobsBucket: "abc", Naming: naming.Convention{App: "kotta", Env: "Test"}})
		return err
	}, "naming.env:", "naming.owner:")
}
