package tests

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/internal/config"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
	"github.com/strata-iac/strata/systems/environment"
)

const (
	typeLogging   = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	typeLifecycle = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
)

// stageBucket is one S3 bucket of a stage with the configuration resources beside it.
type stageBucket struct {
	name      string
	bucket    *mock.Resource
	policy    *mock.Resource
	lifecycle *mock.Resource
	logging   []*mock.Resource
	// delivery is the policy's grant to a log delivery service; nil for a data bucket.
	delivery *mock.Resource
}

// stageBuckets lists the stage's buckets by name. A log bucket is one whose policy lets a log
// delivery service (S3's, Elastic Load Balancing's) put objects; every other bucket holds data.
func stageBuckets(t *testing.T, res *mock.Result) (data, logs map[string]*stageBucket) {
	t.Helper()
	beside := func(typ, parent string) []*mock.Resource {
		var out []*mock.Resource
		for _, r := range res.ByType(typ) {
			if r.Parent == parent {
				out = append(out, r)
			}
		}
		return out
	}
	data, logs = map[string]*stageBucket{}, map[string]*stageBucket{}
	for _, b := range res.ByType(typeBucket) {
		sb := &stageBucket{bucket: b, logging: beside(typeLogging, b.Parent)}
		sb.name, _ = b.In("bucket").(string)
		if p := beside(typeBucketPol, b.Parent); len(p) == 1 {
			sb.policy = p[0]
		}
		if l := beside(typeLifecycle, b.Parent); len(l) == 1 {
			sb.lifecycle = l[0]
		}
		require.NotNil(t, sb.policy, "bucket %s has no policy", b.Name)
		for _, s := range mocktest.Document(t, sb.policy, "policy").Statement {
			if s.Effect == "Allow" && slices.Contains(s.Action, "s3:PutObject") && s.Principal != nil {
				sb.delivery = sb.policy
			}
		}
		if sb.delivery != nil {
			logs[sb.name] = sb
		} else {
			data[sb.name] = sb
		}
	}
	return data, logs
}

// serverAccessLogBucket is the stage's log bucket of S3 server access logs and the data buckets
// its policy admits.
func serverAccessLogBucket(t *testing.T, logs map[string]*stageBucket) (string, []string) {
	t.Helper()
	var name string
	var admitted []string
	for n, lb := range logs {
		for _, s := range mocktest.Document(t, lb.policy, "policy").Statement {
			if p, _ := s.Principal.(map[string]any); s.Effect != "Allow" || p["Service"] != bucket.LogDeliveryService {
				continue
			}
			require.Empty(t, name, "two log buckets of server access logs: %s and %s", name, n)
			name = n
			for _, arn := range s.Condition["ArnLike"]["aws:SourceArn"].([]any) {
				admitted = append(admitted, strings.TrimPrefix(arn.(string), "arn:aws:s3:::"))
			}
			var prefixes []string
			for _, src := range admitted {
				prefixes = append(prefixes, "arn:aws:s3:::"+n+"/s3/"+src+"/*")
			}
			assert.Equal(t, prefixes, s.Resource, "%s: each source writes only under s3/<source>/", n)
			assert.Equal(t, mock.Account, s.Condition["StringEquals"]["aws:SourceAccount"])
		}
	}
	return name, admitted
}

// checkServerAccessLogs asserts that every data bucket of res sends its server access logs to the
// stage's one log bucket, which admits exactly those buckets; that every log bucket expires its
// logs and is not logged itself.
func checkServerAccessLogs(t *testing.T, res *mock.Result) {
	t.Helper()
	data, logs := stageBuckets(t, res)
	require.NotEmpty(t, data)
	target, admitted := serverAccessLogBucket(t, logs)
	require.NotEmpty(t, target, "the stage has no log bucket for S3 server access logs")

	names := slices.Sorted(func(yield func(string) bool) {
		for n := range data {
			if !yield(n) {
				return
			}
		}
	})
	assert.Equal(t, names, admitted, "the log bucket's policy admits exactly the stage's data buckets")

	grant := logs[target].policy
	for _, n := range names {
		d := data[n]
		if !assert.Len(t, d.logging, 1, "data bucket %s (%s) has no server access logging", n, d.bucket.Name) {
			continue
		}
		l := d.logging[0]
		assert.Equal(t, target, l.In("targetBucket"), "%s logs elsewhere", n)
		assert.Equal(t, "s3/"+n+"/", l.In("targetPrefix"))
		assert.Equal(t, d.bucket.ID, l.In("bucket"))
		assert.True(t, waitsFor(res, l, grant.URN), "%s's logging is not ordered after the log bucket's policy", n)
	}
	for n, lb := range logs {
		assert.Empty(t, lb.logging, "log bucket %s is logged: the documented exception keeps log buckets unlogged", n)
		require.NotNil(t, lb.lifecycle, "log bucket %s has no lifecycle rules", n)
		days := 0.0
		for _, r := range lb.lifecycle.In("rules").([]any) {
			exp, _ := r.(map[string]any)["expiration"].(map[string]any)
			if d, ok := exp["days"].(float64); ok {
				days = d
			}
		}
		assert.Positive(t, days, "log bucket %s never expires its logs", n)
	}
}

// waitsFor reports whether r or one of its ancestors depends on the resource urn.
func waitsFor(res *mock.Result, r *mock.Resource, urn string) bool {
	for ; r != nil; r = res.ByURN(r.Parent) {
		if slices.Contains(r.Dependencies, urn) {
			return true
		}
	}
	return false
}

func TestEveryDataBucketHasServerAccessLogs(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			res := runStage(t, stage)
			checkServerAccessLogs(t, res)
			b := mocktest.Named(t, res, typeBucket, "s3-logs")
			assert.Equal(t, "strata-"+stage+"-s3-logs-123456789012-us-east-2", b.In("bucket"))
			assert.Equal(t, stage == "production", b.Protect)
			out, _ := res.Outputs["s3AccessLogs"].(map[string]any)
			assert.Equal(t, b.In("bucket"), out["bucketName"])
		})
	}
}

// A stage with data buckets and no web system has no load balancer, but its log bucket all the
// same.
func TestServerAccessLogsWithoutAWebSystem(t *testing.T) {
	res, err := runEdited(t, "staging", "staging", map[string]string{
		"strata:kotta": "", "strata:lookup": "", "strata:epimetheus": "", "strata:argos": "",
	})
	require.NoError(t, err)
	assert.Empty(t, res.ByType("strata:loadbalancer:LoadBalancer"))
	checkServerAccessLogs(t, res)
	data, _ := stageBuckets(t, res)
	assert.ElementsMatch(t, []string{"strata-kotta-staging-jobs-use2", "strata-aot-staging-bootstrap-use2"},
		slices.Collect(func(yield func(string) bool) {
			for n := range data {
				if !yield(n) {
					return
				}
			}
		}))
}

// A stage without data buckets has no log bucket.
func TestNoLogBucketWithoutDataBuckets(t *testing.T) {
	res, err := runEdited(t, "staging", "staging", map[string]string{
		"strata:base": "", "strata:kotta": "", "strata:lookup": "", "strata:aot": "", "strata:argos": "",
	})
	require.NoError(t, err)
	assert.Nil(t, res.Get(typeBucket, "s3-logs"))
	assert.Empty(t, res.ByType(typeLogging))
}

// requireKey skips a test of strata:<key> until the config loader decodes it.
func requireKey(t *testing.T, key string) {
	t.Helper()
	if !slices.Contains(config.Names(), key) {
		t.Skipf("strata:%s is not decoded yet: internal/config/systems.go's sections() needs environment.KeyS3AccessLogs", key)
	}
}

func TestServerAccessLogsConfig(t *testing.T) {
	requireKey(t, environment.KeyS3AccessLogs)
	key := "strata:" + environment.KeyS3AccessLogs

	res, err := runEdited(t, "staging", "staging", map[string]string{key: `{"enabled": false}`})
	require.NoError(t, err)
	assert.Nil(t, res.Get(typeBucket, "s3-logs"), "turned off: no log bucket")
	assert.Empty(t, res.ByType(typeLogging), "turned off: no data bucket is logged")

	res, err = runEdited(t, "production", "production", map[string]string{key: `{"bucket": "my-org-production-s3-logs", "retentionDays": 30}`})
	require.NoError(t, err)
	checkServerAccessLogs(t, res)
	assert.Equal(t, "my-org-production-s3-logs", mocktest.Named(t, res, typeBucket, "s3-logs").In("bucket"))
	assert.Equal(t, float64(30), mocktest.Named(t, res, typeLifecycle, "s3-logs-lifecycle").In("rules[2].expiration.days"))

	refusedConfig(t, "staging", "staging", map[string]string{key: `{"bucket": "strata-kotta-staging-jobs-use2", "retentionDays": 5000}`}, []string{
		key + ".retentionDays: 5000 is out of range: use 1 to 3650 days",
		key + `.bucket: "strata-kotta-staging-jobs-use2" is also a data bucket of the stage`,
	})
}
