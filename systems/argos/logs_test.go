package argos_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
	"github.com/strata-iac/strata/systems/argos"
	"github.com/strata-iac/strata/systems/environment"
)

const typeLogging = "aws:s3/bucketLoggingV2:BucketLoggingV2"

// The bucket sends its server access logs to the stage's log bucket, and waits for it; without a
// log bucket it is not logged.
func TestBucketLogsToTheStage(t *testing.T) {
	st := staging
	p, err := stagingConfig().Plan(st)
	require.NoError(t, err)
	require.Equal(t, []string{"strata-argos-test-data"}, p.DataBuckets())

	res, err := mock.Run(func(ctx *pulumi.Context) error {
		env, err := environment.Config{}.Plan(st, "")
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
		net := fakeNetwork()
		front, err := env.NewFront(ctx, net, p.SharedSites())
		if err != nil {
			return err
		}
		_, err = argos.New(ctx, argos.App, p, argos.Deps{Network: net, Front: front, Logs: logs})
		return err
	}, mock.Options{Project: "strata", Stack: st.Stack, Config: map[string]string{"aws:region": "us-east-2"}})
	require.NoError(t, err)
	logging := mocktest.One(t, res, typeLogging)
	b := mocktest.Named(t, res, "strata:bucket:Bucket", "argos-bucket")
	assert.Equal(t, b.URN, logging.Parent)
	assert.Equal(t, "strata-"+st.Env+"-s3-logs-123456789012-us-east-2", logging.In("targetBucket"))
	assert.Equal(t, "s3/strata-argos-test-data/", logging.In("targetPrefix"))
	assert.Contains(t, b.Dependencies, mocktest.Named(t, res, "aws:s3/bucketPolicy:BucketPolicy", "s3-logs-policy").URN,
		"the bucket waits for its log bucket")

	assert.Empty(t, mustDeploy(t, stagingConfig(), st).ByType(typeLogging))
}
