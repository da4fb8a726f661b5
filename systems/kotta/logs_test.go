package kotta

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
	"github.com/strata-iac/strata/systems/environment"
)

const typeLogging = "aws:s3/bucketLoggingV2:BucketLoggingV2"

// The jobs bucket sends its server access logs to the stage's log bucket, and waits for it; without
// a log bucket it is not logged. A base layer in another stack is that stack's to log.
func TestJobsBucketLogsToTheStage(t *testing.T) {
	p, err := Config{Base: &Base{JobsBucket: bucket}}.Plan(stage)
	require.NoError(t, err)
	require.Equal(t, []string{bucket}, p.DataBuckets())

	res, err := mock.Run(func(ctx *pulumi.Context) error {
		env, err := environment.Config{}.Plan(stage, "")
		if err != nil {
			return err
		}
		if env, err = env.WithLogSources(p.DataBuckets(), account, region); err != nil {
			return err
		}
		logs, err := env.NewLogs(ctx)
		if err != nil {
			return err
		}
		_, err = New(ctx, App, p, Deps{Logs: logs})
		return err
	}, runOptions)
	require.NoError(t, err)
	logging := mocktest.One(t, res, typeLogging)
	assert.Equal(t, mocktest.Named(t, res, "strata:bucket:Bucket", "kotta-jobs").URN, logging.Parent)
	assert.Equal(t, "strata-test-s3-logs-"+account+"-"+region, logging.In("targetBucket"))
	assert.Equal(t, "s3/"+bucket+"/", logging.In("targetPrefix"))
	assert.Contains(t, mocktest.Named(t, res, "strata:base:Base", "kotta").Dependencies,
		mocktest.Named(t, res, "aws:s3/bucketPolicy:BucketPolicy", "s3-logs-policy").URN, "the base layer waits for the log bucket")

	res, err = mock.Run(program(Config{Base: &Base{JobsBucket: bucket}}, stage), runOptions)
	require.NoError(t, err)
	assert.Empty(t, res.ByType(typeLogging))

	c := config()
	c.Base = nil
	c.Platform.Base.Stack = "research/strata/shared"
	p, err = c.Plan(stage)
	require.NoError(t, err)
	assert.Empty(t, p.DataBuckets())
}
