package tests

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/mocktest"
)

// Argos in the shipped stages: staging builds the image and runs single instances, production
// takes the image by id and runs the api as an autoscaling group behind HTTPS.
func TestArgosStages(t *testing.T) {
	for _, tc := range []struct {
		stage            string
		builds, scales   bool
		multiAZ, protect bool
		image            string
	}{
		{"staging", true, false, false, false, "resolve:ssm:/imagebuilder/argos-image"},
		{"production", false, true, true, true, "ami-0123456789abcdef0"},
	} {
		t.Run(tc.stage, func(t *testing.T) {
			res := runStage(t, tc.stage)
			mocktest.Named(t, res, "strata:system:Argos", "argos")
			out, ok := res.Outputs["argos"].(map[string]any)
			require.True(t, ok, "argos outputs")

			assert.Equal(t, tc.builds, res.Get("aws:imagebuilder/imagePipeline:ImagePipeline", "argos-image") != nil, "image pipeline")
			assert.Equal(t, tc.builds, res.Get("aws:imagebuilder/image:Image", "argos-image") != nil, "image baked")
			assert.Equal(t, tc.builds, res.Get("aws:imagebuilder/lifecyclePolicy:LifecyclePolicy", "argos-image") != nil, "old builds deleted")
			assert.Equal(t, !tc.builds, res.Get("aws:ec2/tag:Tag", "argos-image-pinned") != nil, "the pinned AMI is kept")
			assert.Nil(t, res.Get("aws:cloudwatch/eventRule:EventRule", "argos-restart"), "no restart command shipped")
			for _, lt := range res.ByType("aws:ec2/launchTemplate:LaunchTemplate") {
				if fmt.Sprint(lt.In("tags.App")) == "argos" {
					assert.Equal(t, tc.image, lt.In("imageId"), lt.Name)
				}
			}

			asg := res.Get("aws:autoscaling/group:Group", "argos-api")
			single := res.Get("aws:ec2/instance:Instance", "argos-api-api")
			assert.Equal(t, tc.scales, asg != nil, "api autoscaling group")
			assert.Equal(t, !tc.scales, single != nil, "single api instance")
			tg := mocktest.Named(t, res, "aws:lb/targetGroup:TargetGroup", "argos-tg")
			assert.Equal(t, "instance", tg.In("targetType"))
			assert.Equal(t, float64(8888), tg.In("port"))
			if tc.scales {
				assert.Equal(t, []any{tg.Out("arn")}, asg.In("targetGroupArns"))
				assert.Equal(t, float64(2), asg.In("minSize"))
				// Its servers are configured by the playbooks after launch: a new image or tag
				// reaches them only through a refresh the operator starts.
				assert.Nil(t, asg.In("instanceRefresh"), "no automatic instance refresh")
			} else {
				assert.Equal(t, single.ID, mocktest.Named(t, res, "aws:lb/targetGroupAttachment:TargetGroupAttachment", "argos-api").In("targetId"))
			}
			rule := mocktest.Named(t, res, "aws:lb/listenerRule:ListenerRule", "argos-rule")
			assert.Equal(t, float64(400), rule.In("priority"))

			db := mocktest.Named(t, res, "aws:rds/instance:Instance", "argos")
			assert.Equal(t, tc.multiAZ, db.In("multiAz"))
			assert.Equal(t, true, db.In("storageEncrypted"))
			assert.Equal(t, false, db.In("publiclyAccessible"))
			assert.Equal(t, tc.protect, db.Protect)
			n := 0
			for _, al := range res.ByType("aws:cloudwatch/metricAlarm:MetricAlarm") {
				if al.In("dimensions.DBInstanceIdentifier") == "argos-"+tc.stage+"-db" {
					n++
				}
			}
			assert.Equal(t, 4, n, "CPU, free storage, read and write IOPS alarms")

			vol := mocktest.Named(t, res, "aws:ebs/volume:Volume", "argos-knowledge-knowledge-data")
			assert.Equal(t, tc.protect, vol.Protect, "the knowledge data is protected in production")
			assert.Equal(t, true, vol.In("encrypted"))
			assert.Nil(t, res.Get("strata:fleet:Fleet", "argos-broker"), "broker off by default")
			assert.Nil(t, res.Get("strata:fleet:Fleet", "argos-workers"), "workers off by default")
			assert.Equal(t, "strata-argos-"+tc.stage+"-data-use2", out["bucket"])
		})
	}
}

// Bad Argos config is refused before anything is registered, one message per problem, naming
// the key.
func TestArgosBadConfigRegistersNothing(t *testing.T) {
	const key = "strata:argos"
	for _, tc := range []struct {
		name, stage, patch string
		want               []string
	}{
		{"build and id", "production", `{"image":{"build":{}}}`,
			[]string{"strata:argos.image.id: is set together with build"}},
		{"no image", "staging", `{"image":null}`,
			[]string{"strata:argos.image: is required"}},
		{"workers without broker", "staging", `{"workers":{"enabled":true}}`,
			[]string{"strata:argos.workers.enabled: needs the broker"}},
		{"unknown mode", "production", `{"api":{"mode":"cluster"}}`,
			[]string{`strata:argos.api.mode: "cluster" is not allowed`}},
		{"misspelt key", "staging", `{"knowlege":{"instanceType":"t3.large"}}`,
			[]string{"strata:argos.knowlege: unknown key"}},
		{"no alarm subscriber", "production", `{"database":{"alarms":null}}`,
			[]string{"strata:argos.database.alarms.emails: is required"}},
		{"blank restart command", "staging", `{"database":{"restartCommand":" "}}`,
			[]string{"strata:argos.database.restartCommand: is blank"}},
		{"plain HTTP without collector", "staging", `{"collector":{"enabled":false,"plainHttp":true}}`,
			[]string{"strata:argos.collector.plainHttp: is set but the collector is disabled"}},
		{"two problems", "production", `{"image":{"id":"ami-1"},"knowledge":{"data":{"type":"io2"}}}`,
			[]string{`strata:argos.image.id: "ami-1" is not an AMI id`, `strata:argos.knowledge.data.type: "io2" is not allowed`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refusedConfig(t, tc.stage, tc.stage, map[string]string{key: patched(t, tc.stage, key, tc.patch)}, tc.want)
		})
	}
}
