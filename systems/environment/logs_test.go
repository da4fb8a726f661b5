package environment_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/environment"
	"github.com/strata-iac/strata/systems/schema"
)

const (
	typeComponent = "strata:bucket:Bucket"
	typeBucket    = "aws:s3/bucketV2:BucketV2"
	typePolicy    = "aws:s3/bucketPolicy:BucketPolicy"
	typeLifecycle = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	typeLogging   = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	region        = "us-east-2"
)

var (
	stage     = systems.Stage{Stack: "test", Env: "test", Owner: "research-platform"}
	protected = systems.Stage{Stack: "prod", Env: "prod", Owner: "research-platform", Protect: true}
	data      = []string{"kotta-test-jobs", "argos-test-data", "aot-test-bootstrap", "kotta-test-jobs"}
)

func ptr[T any](v T) *T { return &v }

// plan plans c for st and completes the log bucket for sources, as stacks.Run does.
func plan(c environment.Config, st systems.Stage, sources []string) (environment.Plan, error) {
	p, err := c.Plan(st, "")
	if err != nil {
		return p, err
	}
	return p.WithLogSources(sources, mock.Account, region)
}

// The log bucket is on by default, named by account and region, admits exactly the data buckets
// (sorted, each once), expires its logs and is protected with the stage.
func TestLogBucketDefaults(t *testing.T) {
	for _, st := range []systems.Stage{stage, protected} {
		t.Run(st.Env, func(t *testing.T) {
			p, err := environment.Config{}.Plan(st, "")
			require.NoError(t, err)
			require.NotNil(t, p.Logs)
			assert.True(t, p.NeedsAccount(data), "the default name needs the account and region")
			assert.False(t, p.NeedsAccount(nil), "no data buckets, no log bucket")

			done, err := p.WithLogSources(data, mock.Account, region)
			require.NoError(t, err)
			require.NotNil(t, done.Logs)
			logs := *done.Logs
			assert.Equal(t, "strata-"+st.Env+"-s3-logs-123456789012-us-east-2", logs.Name)
			assert.Equal(t, []string{"aot-test-bootstrap", "argos-test-data", "kotta-test-jobs"}, logs.AccessLogSources)
			assert.Equal(t, environment.DefaultS3AccessLogsRetentionDays, logs.ExpireCurrentDays)
			assert.Equal(t, st.Protect, logs.Protect)
			assert.Equal(t, "strata-"+st.Env+"-s3-logs", logs.Tags["Name"])
			assert.Nil(t, logs.Logging, "a log bucket is not logged")
			assert.Empty(t, logs.KMSKeyARN, "log delivery writes only to SSE-S3 buckets")
			assert.Empty(t, p.Logs.AccessLogSources, "WithLogSources leaves its input alone")
		})
	}
}

// The longest environment and region still give a valid default name: strata- (7), env (16),
// -s3-logs- (9), account (12), - (1), region (14) is 59 of S3's 63 characters.
func TestDefaultLogBucketNameFits(t *testing.T) {
	st := systems.Stage{Stack: "x", Env: "abcdefghijklmnop", Owner: "ops"}
	p, err := environment.Config{}.Plan(st, "")
	require.NoError(t, err)
	p, err = p.WithLogSources([]string{"some-data-bucket"}, mock.Account, "ap-southeast-4")
	require.NoError(t, err)
	assert.LessOrEqual(t, len(p.Logs.Name), 63)
	assert.NoError(t, p.Logs.Validate())

	// A default name S3 would refuse is reported, not created.
	p, err = environment.Config{}.Plan(st, "")
	require.NoError(t, err)
	_, err = p.WithLogSources([]string{"some-data-bucket"}, mock.Account, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "strata:s3AccessLogs.bucket: the default name: ")
	assert.Contains(t, err.Error(), "; set bucket")
}

func TestLogBucketConfig(t *testing.T) {
	p, err := plan(environment.Config{S3AccessLogs: &environment.S3AccessLogs{Bucket: "my-org-test-s3-logs", RetentionDays: 30}}, stage, data)
	require.NoError(t, err)
	assert.Equal(t, "my-org-test-s3-logs", p.Logs.Name)
	assert.Equal(t, 30, p.Logs.ExpireCurrentDays)
	pl, err := environment.Config{S3AccessLogs: &environment.S3AccessLogs{Bucket: "my-org-test-s3-logs"}}.Plan(stage, "")
	require.NoError(t, err)
	assert.False(t, pl.NeedsAccount(data), "a named log bucket needs no lookup")

	for name, c := range map[string]environment.Config{
		"turned off":      {S3AccessLogs: &environment.S3AccessLogs{Enabled: ptr(false)}},
		"no data buckets": {},
	} {
		t.Run(name, func(t *testing.T) {
			sources := data
			if c.S3AccessLogs == nil {
				sources = nil
			}
			p, err := plan(c, stage, sources)
			require.NoError(t, err)
			assert.Nil(t, p.Logs)
			assert.False(t, p.NeedsAccount(sources))
			res := mocktest.Run(t, func(ctx *pulumi.Context) error {
				logs, err := p.NewLogs(ctx)
				assert.Nil(t, logs)
				assert.Nil(t, logs.Logging(), "no log bucket, no logging")
				return err
			})
			assert.Empty(t, res.Resources())
		})
	}
}

func TestLogBucketRefusesBadConfig(t *testing.T) {
	const key = "strata:s3AccessLogs."
	tests := []struct {
		name    string
		c       environment.Config
		sources []string
		want    []string
	}{
		{"bad name", environment.Config{S3AccessLogs: &environment.S3AccessLogs{Bucket: "Logs_Bucket"}}, data,
			[]string{key + `bucket: "Logs_Bucket" is not a valid S3 bucket name`}},
		{"retention out of range", environment.Config{S3AccessLogs: &environment.S3AccessLogs{RetentionDays: 4000}}, data,
			[]string{key + "retentionDays: 4000 is out of range: use 1 to 3650 days"}},
		{"settings of logs turned off", environment.Config{S3AccessLogs: &environment.S3AccessLogs{Enabled: ptr(false), Bucket: "logs", RetentionDays: 30}}, data,
			[]string{key + "bucket: is set but enabled is false", key + "retentionDays: is set but enabled is false"}},
		{"a data bucket", environment.Config{S3AccessLogs: &environment.S3AccessLogs{Bucket: "kotta-test-jobs"}}, data,
			[]string{key + `bucket: "kotta-test-jobs" is also a data bucket of the stage`}},
		{"the front's log bucket", environment.Config{
			S3AccessLogs: &environment.S3AccessLogs{Bucket: "test-logs"},
			Front:        &schema.Front{AccessLogsBucket: "test-logs"},
		}, data, []string{key + `bucket: "test-logs" is also strata:front.accessLogsBucket`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan(tc.c, stage, tc.sources)
			problems := field.Problems(err)
			require.Len(t, problems, len(tc.want), "%v", err)
			for i, w := range tc.want {
				assert.Contains(t, problems[i].Error(), w)
			}
		})
	}
}

// The log bucket is created at the top of the stack with the bucket baseline, admits exactly the
// data buckets' logs, expires them and is not logged itself; a data bucket logged there waits
// for it.
func TestNewLogs(t *testing.T) {
	p, err := plan(environment.Config{}, protected, data)
	require.NoError(t, err)
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		logs, err := p.NewLogs(ctx)
		if err != nil {
			return err
		}
		require.NotNil(t, logs)
		_, err = bucket.New(ctx, "jobs", &bucket.Args{Name: "kotta-test-jobs", Logging: logs.Logging()}, logs.After())
		return err
	})
	name := "strata-prod-s3-logs-123456789012-us-east-2"
	comp := mocktest.Named(t, res, typeComponent, "s3-logs")
	assert.Empty(t, comp.Parent, "the log bucket is the stage's")
	b := mocktest.Named(t, res, typeBucket, "s3-logs")
	assert.Equal(t, name, b.In("bucket"))
	assert.True(t, b.Protect)
	assert.Equal(t, "s3-logs", b.In("tags.Group"))

	doc := mocktest.Document(t, mocktest.Named(t, res, typePolicy, "s3-logs-policy"), "policy")
	require.Len(t, doc.Statement, 2)
	grant := doc.Statement[1]
	assert.Equal(t, map[string]any{"Service": bucket.LogDeliveryService}, grant.Principal)
	assert.Equal(t, []string{"arn:aws:s3:::" + name + "/s3/aot-test-bootstrap/*", "arn:aws:s3:::" + name + "/s3/argos-test-data/*",
		"arn:aws:s3:::" + name + "/s3/kotta-test-jobs/*"}, grant.Resource)
	assert.Equal(t, []any{"arn:aws:s3:::aot-test-bootstrap", "arn:aws:s3:::argos-test-data", "arn:aws:s3:::kotta-test-jobs"},
		grant.Condition["ArnLike"]["aws:SourceArn"])

	lc := mocktest.Named(t, res, typeLifecycle, "s3-logs-lifecycle")
	assert.Equal(t, "expire-objects", lc.In("rules[2].id"))
	assert.Equal(t, float64(environment.DefaultS3AccessLogsRetentionDays), lc.In("rules[2].expiration.days"))

	logging := mocktest.One(t, res, typeLogging)
	assert.Equal(t, "jobs-logging", logging.Name, "only the data bucket is logged")
	assert.Equal(t, name, logging.In("targetBucket"))
	assert.Equal(t, "s3/kotta-test-jobs/", logging.In("targetPrefix"))
	jobs := mocktest.Named(t, res, typeComponent, "jobs")
	assert.Equal(t, []string{mocktest.Named(t, res, typePolicy, "s3-logs-policy").URN}, jobs.Dependencies,
		"the data bucket waits for the delivery grant, which waits for the log bucket")
}
