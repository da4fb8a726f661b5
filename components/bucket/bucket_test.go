package bucket_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeBucket     = "aws:s3/bucketV2:BucketV2"
	typeVersioning = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typeEncryption = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typePAB        = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeOwnership  = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	typePolicy     = "aws:s3/bucketPolicy:BucketPolicy"
	typeLifecycle  = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	typeLogging    = "aws:s3/bucketLoggingV2:BucketLoggingV2"
)

func mustRun(t *testing.T, args bucket.Args) *mock.Result {
	t.Helper()
	return mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := bucket.New(ctx, "jobs", &args)
		return err
	})
}

var (
	one = mocktest.One
	eq  = mocktest.Eq
)

func TestSecureDefaults(t *testing.T) {
	res := mustRun(t, bucket.Args{Name: "kotta-test-jobs", Tags: map[string]string{"Name": "kotta-test-jobs"}})

	b := one(t, res, typeBucket)
	eq(t, "bucket", b.In("bucket"), "kotta-test-jobs")
	eq(t, "forceDestroy", b.In("forceDestroy"), false)
	eq(t, "protect", b.Protect, false)
	eq(t, "Name tag", b.In("tags.Name"), "kotta-test-jobs")

	eq(t, "versioning", one(t, res, typeVersioning).In("versioningConfiguration.status"), "Enabled")

	enc := one(t, res, typeEncryption)
	eq(t, "sse", enc.In("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"), "AES256")

	pab := one(t, res, typePAB)
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		eq(t, k, pab.In(k), true)
	}
	eq(t, "ownership", one(t, res, typeOwnership).In("rule.objectOwnership"), "BucketOwnerEnforced")

	pol := one(t, res, typePolicy)
	doc := mocktest.Document(t, pol, "policy")
	if len(doc.Statement) != 1 {
		t.Fatalf("got %d statements, want 1", len(doc.Statement))
	}
	deny := doc.Statement[0]
	eq(t, "policy effect", deny.Effect, "Deny")
	eq(t, "policy condition", deny.Condition["Bool"]["aws:SecureTransport"], "false")
	eq(t, "policy resource", strings.Join(deny.Resource, " "), "arn:aws:s3:::kotta-test-jobs arn:aws:s3:::kotta-test-jobs/*")
	if !slices.Contains(pol.Dependencies, one(t, res, typePAB).URN) {
		t.Errorf("policy dependencies %v: want the public access block", pol.Dependencies)
	}

	lc := one(t, res, typeLifecycle)
	eq(t, "abort days", lc.In("rules[0].abortIncompleteMultipartUpload.daysAfterInitiation"), float64(bucket.DefaultAbortIncompleteMultipartUploadDays))
	eq(t, "noncurrent days", lc.In("rules[1].noncurrentVersionExpiration.noncurrentDays"), float64(bucket.DefaultNoncurrentVersionExpirationDays))
	eq(t, "rule status", lc.In("rules[1].status"), "Enabled")
	if !slices.Contains(lc.Dependencies, one(t, res, typeVersioning).URN) {
		t.Errorf("lifecycle dependencies %v: want versioning", lc.Dependencies)
	}

	comp := one(t, res, "strata:bucket:Bucket")
	for _, r := range res.Resources() {
		if r.Custom && r.Parent != comp.URN {
			t.Errorf("%s %s: got parent %q, want the component", r.Type, r.Name, r.Parent)
		}
	}
}

func TestKMSAndProtection(t *testing.T) {
	key := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	res := mustRun(t, bucket.Args{Name: "kotta-prod-jobs", KMSKeyARN: key, Protect: true, NoncurrentVersionExpirationDays: 30})
	enc := one(t, res, typeEncryption)
	eq(t, "sse", enc.In("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"), "aws:kms")
	eq(t, "key", enc.In("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId"), key)
	eq(t, "bucket key", enc.In("rules[0].bucketKeyEnabled"), true)
	eq(t, "protect", one(t, res, typeBucket).Protect, true)
	eq(t, "noncurrent days", one(t, res, typeLifecycle).In("rules[1].noncurrentVersionExpiration.noncurrentDays"), float64(30))
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	tests := []struct {
		name string
		args bucket.Args
		want []string
	}{
		{"missing name", bucket.Args{}, []string{"name: is required"}},
		{"bad name", bucket.Args{Name: "Kotta_Jobs"}, []string{`name: "Kotta_Jobs" is not a valid S3 bucket name: use lowercase letters, digits, dots and hyphens`}},
		{"days out of range", bucket.Args{Name: "abc", NoncurrentVersionExpirationDays: 4000, AbortIncompleteMultipartUploadDays: -1},
			[]string{"noncurrentVersionExpirationDays: 4000 is out of range: use 1 to 3650 days", "abortIncompleteMultipartUploadDays: -1 is out of range"}},
		{"bad kms", bucket.Args{Name: "abc", KMSKeyARN: "alias/mine"}, []string{`kmsKeyArn: "alias/mine" is not a KMS key ARN`}},
		{"force destroy protected", bucket.Args{Name: "abc", ForceDestroy: true, Protect: true}, []string{"forceDestroy: must be false for a protected bucket"}},
		{"expiry out of range", bucket.Args{Name: "abc", ExpireCurrentDays: -1}, []string{"expireCurrentDays: -1 is out of range: use 1 to 3650 days"}},
		{"import of another bucket", bucket.Args{Name: "abc", Import: "abd"}, []string{`import: "abd" is not the bucket's name "abc"`}},
		{"logging without target", bucket.Args{Name: "abc", Logging: &bucket.Logging{}}, []string{"logging.targetBucket: is required: name the log bucket"}},
		{"logging to a bad name", bucket.Args{Name: "abc", Logging: &bucket.Logging{TargetBucket: "Logs"}}, []string{`logging.targetBucket: "Logs" is not a valid S3 bucket name`}},
		{"logging to itself", bucket.Args{Name: "abc", Logging: &bucket.Logging{TargetBucket: "abc"}}, []string{"logging.targetBucket: is the bucket itself"}},
		{"bad log sources", bucket.Args{Name: "logs", AccessLogSources: []string{"data", "Data", "logs", "data"}}, []string{
			`accessLogSources[1]: "Data" is not a valid S3 bucket name`,
			"accessLogSources[2]: is the log bucket itself",
			`accessLogSources[3]: "data" is listed twice`,
		}},
		{"log bucket with KMS", bucket.Args{Name: "logs", AccessLogSources: []string{"data"}, KMSKeyARN: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
			[]string{"kmsKeyArn: is set on a log bucket: S3 server access logs can only be delivered to a bucket with SSE-S3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := bucket.New(ctx, "jobs", &tc.args)
				return err
			}, tc.want...)
		})
	}
}

func TestLogBucketOptions(t *testing.T) {
	res := mustRun(t, bucket.Args{
		Name: "app-test-logs", ExpireCurrentDays: 30,
		Statements: func(arn string) []policy.Statement {
			return []policy.Statement{{Sid: "LogDelivery", Effect: "Allow", Principal: map[string]any{"Service": "logging.s3.amazonaws.com"},
				Action: []string{"s3:PutObject"}, Resource: []string{arn + "/logs/*"}}}
		},
	})
	doc := mocktest.Document(t, one(t, res, typePolicy), "policy")
	if len(doc.Statement) != 2 || doc.Statement[0].Sid != "DenyInsecureTransport" || doc.Statement[1].Sid != "LogDelivery" {
		t.Fatalf("got statements %+v, want the TLS denial then the extra statement", doc.Statement)
	}
	eq(t, "extra resource", doc.Statement[1].Resource[0], "arn:aws:s3:::app-test-logs/logs/*")
	lc := one(t, res, typeLifecycle)
	eq(t, "expiry rule", lc.In("rules[2].id"), "expire-objects")
	eq(t, "expiry days", lc.In("rules[2].expiration.days"), float64(30))

	res = mustRun(t, bucket.Args{Name: "app-test-data"})
	if lc := one(t, res, typeLifecycle); lc.In("rules[2]") != nil {
		t.Errorf("data buckets must not expire current objects: got %v", lc.In("rules[2]"))
	}
}

// A data bucket sends its server access logs to the log bucket under s3/<name>/.
func TestServerAccessLogging(t *testing.T) {
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		b, err := bucket.New(ctx, "jobs", &bucket.Args{Name: "kotta-test-jobs", Logging: &bucket.Logging{TargetBucket: "strata-test-s3-logs"}})
		if err != nil {
			return err
		}
		ctx.Export("logPrefix", b.LogPrefix)
		return nil
	})
	logging := one(t, res, typeLogging)
	assert.Equal(t, one(t, res, typeBucket).ID, logging.In("bucket"))
	assert.Equal(t, "strata-test-s3-logs", logging.In("targetBucket"))
	assert.Equal(t, "s3/kotta-test-jobs/", logging.In("targetPrefix"))
	assert.Nil(t, logging.In("targetGrants"), "BucketOwnerEnforced log buckets refuse ACL grants")
	assert.Equal(t, "s3/kotta-test-jobs/", res.Outputs["logPrefix"])

	// Log buckets themselves are not logged.
	res = mustRun(t, bucket.Args{Name: "strata-test-s3-logs", AccessLogSources: []string{"kotta-test-jobs"}})
	assert.Empty(t, res.ByType(typeLogging))
}

// A log bucket lets S3's log delivery write each source's prefix, for those buckets of this
// account only.
func TestLogBucketAcceptsServerAccessLogs(t *testing.T) {
	res := mustRun(t, bucket.Args{Name: "strata-test-s3-logs", ExpireCurrentDays: 90,
		AccessLogSources: []string{"kotta-test-jobs", "lookup-test-config"}})
	doc := mocktest.Document(t, one(t, res, typePolicy), "policy")
	require.Len(t, doc.Statement, 2)
	s := doc.Statement[1]
	assert.Equal(t, "Allow", s.Effect)
	assert.Equal(t, map[string]any{"Service": "logging.s3.amazonaws.com"}, s.Principal)
	assert.Equal(t, []string{"s3:PutObject"}, s.Action)
	assert.Equal(t, []string{"arn:aws:s3:::strata-test-s3-logs/s3/kotta-test-jobs/*", "arn:aws:s3:::strata-test-s3-logs/s3/lookup-test-config/*"}, s.Resource)
	assert.Equal(t, []any{"arn:aws:s3:::kotta-test-jobs", "arn:aws:s3:::lookup-test-config"}, s.Condition["ArnLike"]["aws:SourceArn"])
	assert.Equal(t, mock.Account, s.Condition["StringEquals"]["aws:SourceAccount"])
	assert.Equal(t, "AES256", one(t, res, typeEncryption).In("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"), "log delivery needs SSE-S3")
}

// An existing bucket is adopted through Pulumi's import option; its configuration is applied to it.
func TestImport(t *testing.T) {
	res := mustRun(t, bucket.Args{Name: "kotta-jobs", Import: "kotta-jobs"})
	assert.Equal(t, "kotta-jobs", one(t, res, typeBucket).ImportID)
	assert.Empty(t, one(t, res, typeVersioning).ImportID, "the configuration resources are created on the adopted bucket")
	assert.Empty(t, one(t, mustRun(t, bucket.Args{Name: "kotta-jobs"}), typeBucket).ImportID)
}
