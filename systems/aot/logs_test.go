package aot

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
	"github.com/strata-iac/strata/systems/environment"
)

const (
	typeLogging         = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	typeBucketComponent = "strata:bucket:Bucket"
)

// The bucket sends its server access logs to the stage's log bucket, and waits for it; without a
// log bucket it is not logged.
func TestBucketLogsToTheStage(t *testing.T) {
	p, err := example().Plan(stage, site)
	require.NoError(t, err)
	require.Equal(t, []string{"strata-aot-test-bootstrap"}, p.DataBuckets())

	res, err := mock.Run(func(ctx *pulumi.Context) error {
		env, err := environment.Config{}.Plan(stage, "")
		if err != nil {
			return err
		}
		if env, err = env.WithLogSources(p.DataBuckets(), mock.Account, "us-east-2"); err != nil {
			return err
		}
		logs, err := env.NewLogs(ctx)
		if err != nil {
			return err
		}
		_, err = New(ctx, App, p, Deps{Network: fakeNetwork(), Logs: logs})
		return err
	}, mock.Options{Project: "strata", Stack: "test", Config: map[string]string{"aws:region": "us-east-2"}})
	require.NoError(t, err)
	logging := mocktest.One(t, res, typeLogging)
	store := mocktest.Named(t, res, typeBucketComponent, "aot-bootstrap")
	assert.Equal(t, store.URN, logging.Parent)
	assert.Equal(t, "strata-test-s3-logs-123456789012-us-east-2", logging.In("targetBucket"))
	assert.Equal(t, "s3/strata-aot-test-bootstrap/", logging.In("targetPrefix"))
	assert.Contains(t, store.Dependencies, mocktest.Named(t, res, "aws:s3/bucketPolicy:BucketPolicy", "s3-logs-policy").URN,
		"the bucket waits for its log bucket")

	assert.Empty(t, mustDeploy(t, example()).ByType(typeLogging))
}
