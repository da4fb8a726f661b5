package kotta

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A platform whose base layer another stack deployed reads it through a stack reference and
// creates no bucket, table or base role.
func TestBaseFromAnotherStack(t *testing.T) {
	c := config()
	c.Base = nil
	c.Platform.Base.Stack = "research/strata/shared"
	res := mustDeploy(t, c)

	ref := get(t, res, typeStackRef, "kotta-base")
	assert.Equal(t, "research/strata/shared", ref.In("name"))
	assert.Empty(t, res.ByType("strata:base:Base"))
	assert.Empty(t, res.ByType(typeTable))
	assert.Empty(t, res.ByType(typeBucket))
	for _, r := range res.ByType(typePolicy) {
		assert.NotContains(t, []string{"kotta-web", "kotta-worker"}, r.Name, "the base roles are the other stack's")
	}

	// The mock's base stack has environment "shared": its names are kotta-shared-….
	attached := map[string][]string{}
	for _, a := range res.ByType(typeAttachment) {
		attached[a.In("role").(string)] = append(attached[a.In("role").(string)], a.In("policyArn").(string))
	}
	assert.Contains(t, attached["kotta-test-webserver"], "arn:aws:iam::"+account+":policy/kotta-shared-web")
	assert.Contains(t, attached["kotta-test-workers-prod"], "arn:aws:iam::"+account+":policy/kotta-shared-worker")
	assert.Contains(t, attached["kotta-test-workers-test"], "arn:aws:iam::"+account+":policy/kotta-shared-worker")

	for _, name := range []string{"kotta-webserver", "kotta-workers-prod"} {
		assert.Equal(t, "kotta-shared-jobs", launchTags(t, get(t, res, typeASG, name))[TagJobsTable], name)
		assert.Contains(t, userData(t, get(t, res, typeTemplate, name)), "KOTTA_BUCKET='kotta-shared-jobs'\n", name)
	}
	assert.Equal(t, "research/strata/shared", output(t, res, "baseStack"))
	assert.Equal(t, "kotta-shared-jobs", output(t, res, "jobsBucketName"))
	assert.Equal(t, "kotta-shared-jobs", output(t, res, "jobsTableName"))
	assert.Equal(t, "kotta-shared-users", output(t, res, "usersTableName"))
}

func TestBaseStackWithoutTheBaseLayer(t *testing.T) {
	c := config()
	c.Base = nil
	c.Platform.Base.Stack = "research/strata/empty"
	rec := newRecorder()
	rec.stackOutputs = map[string]any{"network": map[string]any{"vpcId": "vpc-1"}}
	err := rec.run(c, stage)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "strata:kotta.base.stack: stack research/strata/empty has no output kotta.jobsBucketName: deploy the base layer (strata:base) there first")
	for _, r := range rec.Resources() {
		assert.NotContains(t, []string{typeASG, typeQueue, typeTopic}, r.Type, "nothing of the platform without its base layer")
	}
}

// Migrating users adopt their tables and bucket with Pulumi's import option, named in config;
// the platform then uses the adopted names.
func TestImportedBaseLayer(t *testing.T) {
	c := config()
	c.Base = &Base{ImportJobsBucket: "klab-jobs", ImportJobsTable: "Jobs", ImportUsersTable: "TuringUsers"}
	rec := newRecorder()
	require.NoError(t, rec.run(c, stage))
	assert.Equal(t, map[string]string{
		typeBucket + " kotta-jobs": "klab-jobs",
		typeTable + " kotta-jobs":  "Jobs",
		typeTable + " kotta-users": "TuringUsers",
	}, rec.imports)
	assert.Equal(t, "Jobs", rec.Get(typeTable, "kotta-jobs").In("name"))
	assert.Equal(t, "klab-jobs", rec.Get(typeBucket, "kotta-jobs").In("bucket"))
	asg := rec.Get(typeASG, "kotta-workers-prod")
	require.NotNil(t, asg)
	assert.Equal(t, "Jobs", launchTags(t, asg)[TagJobsTable])
	assert.Contains(t, userData(t, rec.Get(typeTemplate, "kotta-workers-prod")), "KOTTA_BUCKET='klab-jobs'\n")
}

func TestImportPlan(t *testing.T) {
	p, err := Config{Base: &Base{ImportJobsTable: "Jobs", JobsBucket: bucket}}.Plan(stage)
	require.NoError(t, err)
	assert.Equal(t, "Jobs", p.Base.ImportJobsTable)
	assert.Equal(t, "Jobs", p.Base.JobsTable, "the adopted table keeps its name")
	assert.Equal(t, "kotta-test-users", p.Base.UsersTable)
}
