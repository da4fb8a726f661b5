package fleet_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/secgroup"
	"github.com/strata-iac/strata/internal/mocktest"
)

func TestAutoscalingDefaults(t *testing.T) {
	res, opts := deploy(t, workers(fleet.Autoscaling{MaxSize: 3}))
	lt := mocktest.One(t, res, typeLT)
	assert.Equal(t, "kotta-test-workers", lt.In("name"))
	assert.Equal(t, "Instances of kotta-test-workers", lt.In("description"))
	assert.Equal(t, "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", lt.In("imageId"))
	raw, err := json.Marshal(lt.Inputs.Mappable())
	require.NoError(t, err)
	assert.NotRegexp(t, `ami-[0-9a-f]{8}`, string(raw), "no AMI id in the template, so none in state")
	assert.Empty(t, res.Invokes(), "EC2 resolves the image at launch; nothing is looked up")
	assert.Equal(t, "t3.medium", lt.In("instanceType"))
	assert.Nil(t, lt.In("keyName"), "Session Manager, no SSH key")
	assert.Nil(t, lt.In("userData"))
	assert.Equal(t, true, lt.In("updateDefaultVersion"))

	// IMDSv2 only, hop limit 1.
	assert.Equal(t, "enabled", lt.In("metadataOptions.httpEndpoint"))
	assert.Equal(t, "required", lt.In("metadataOptions.httpTokens"))
	assert.Equal(t, float64(1), lt.In("metadataOptions.httpPutResponseHopLimit"))
	assert.Equal(t, "disabled", lt.In("metadataOptions.instanceMetadataTags"))

	// Encrypted gp3 root volume.
	require.Len(t, strs(lt.In("blockDeviceMappings")), 1)
	assert.Equal(t, "/dev/xvda", lt.In("blockDeviceMappings[0].deviceName"))
	assert.Equal(t, "true", lt.In("blockDeviceMappings[0].ebs.encrypted"))
	assert.Equal(t, "gp3", lt.In("blockDeviceMappings[0].ebs.volumeType"))
	assert.Equal(t, float64(30), lt.In("blockDeviceMappings[0].ebs.volumeSize"))
	assert.Equal(t, "true", lt.In("blockDeviceMappings[0].ebs.deleteOnTermination"))
	assert.Nil(t, lt.In("blockDeviceMappings[0].ebs.kmsKeyId"))

	// No public IP; the fleet's own group on the interface.
	sg := mocktest.One(t, res, typeSG)
	require.Len(t, strs(lt.In("networkInterfaces")), 1)
	assert.Equal(t, "false", lt.In("networkInterfaces[0].associatePublicIpAddress"))
	assert.Equal(t, []string{sg.ID}, strs(lt.In("networkInterfaces[0].securityGroups")))
	assert.Nil(t, lt.In("networkInterfaces[0].subnetId"), "the group picks the subnet")
	assert.Nil(t, lt.In("vpcSecurityGroupIds"))

	profile := mocktest.One(t, res, typeProfile)
	assert.Equal(t, profile.In("name"), lt.In("iamInstanceProfile.name"))

	asg := mocktest.One(t, res, typeASG)
	assert.Equal(t, "kotta-test-workers", asg.In("name"))
	assert.Equal(t, []string{"subnet-a", "subnet-b"}, strs(asg.In("vpcZoneIdentifiers")))
	assert.Equal(t, float64(0), asg.In("minSize"))
	assert.Equal(t, float64(3), asg.In("maxSize"))
	assert.Equal(t, float64(0), asg.In("desiredCapacity"))
	assert.Equal(t, lt.ID, asg.In("launchTemplate.id"))
	assert.Equal(t, "1", asg.In("launchTemplate.version"), "the concrete version, so a new one starts a refresh")
	assert.Equal(t, "Rolling", asg.In("instanceRefresh.strategy"))
	assert.Equal(t, float64(100), asg.In("instanceRefresh.preferences.minHealthyPercentage"))
	assert.Equal(t, float64(200), asg.In("instanceRefresh.preferences.maxHealthyPercentage"))
	assert.Equal(t, false, asg.In("protectFromScaleIn"))
	for _, k := range []string{"mixedInstancesPolicy", "capacityRebalance", "healthCheckType", "healthCheckGracePeriod", "targetGroupArns", "placementGroup"} {
		assert.Nil(t, asg.In(k), "%s is only rendered when asked for", k)
	}
	assert.Empty(t, opts[typeASG+" f"].IgnoreChanges, "without scaling policies Pulumi owns the desired capacity")

	// The instance role: EC2 only, Session Manager, an instance profile.
	r := mocktest.One(t, res, typeRole)
	assert.Equal(t, "kotta-test-workers", r.In("name"))
	assert.JSONEq(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`, fmt.Sprint(r.In("assumeRolePolicy")))
	assert.Equal(t, fleet.SSMManagedInstanceCore, mocktest.One(t, res, typeAttachment).In("policyArn"))
	assert.Equal(t, "kotta-test-workers", profile.In("role"))

	// The security group: no ingress, HTTPS out.
	assert.Equal(t, "kotta-test-workers", sg.In("name"))
	assert.Empty(t, res.ByType(typeIngress))
	out := mocktest.One(t, res, typeEgress)
	assert.Equal(t, float64(443), out.In("fromPort"))
	assert.Equal(t, "0.0.0.0/0", out.In("cidrIpv4"))

	assert.Equal(t, "kotta-test-workers", res.Outputs["groupName"])
	assert.Equal(t, asg.Out("arn"), res.Outputs["groupArn"])
	assert.Equal(t, lt.ID, res.Outputs["launchTemplateId"])
	assert.Equal(t, "kotta-test-workers", res.Outputs["roleName"])
	assert.Equal(t, "arn:aws:iam::123456789012:role/kotta-test-workers", res.Outputs["roleArn"])
	assert.Equal(t, "kotta-test-workers", res.Outputs["instanceProfileName"])
	assert.Equal(t, sg.ID, res.Outputs["securityGroupId"])
}

func TestRefreshModes(t *testing.T) {
	res, _ := deploy(t, workers(fleet.Autoscaling{MaxSize: 3, Refresh: fleet.Refresh{OnTagChange: true}}))
	asg := mocktest.One(t, res, typeASG)
	assert.Equal(t, []string{"tag"}, strs(asg.In("instanceRefresh.triggers")), "a tag change refreshes too")
	assert.Equal(t, "Rolling", asg.In("instanceRefresh.strategy"))

	res, _ = deploy(t, workers(fleet.Autoscaling{MaxSize: 3, Refresh: fleet.Refresh{Manual: true}}))
	asg = mocktest.One(t, res, typeASG)
	assert.Nil(t, asg.In("instanceRefresh"), "the operator refreshes by hand")
	assert.Equal(t, "1", asg.In("launchTemplate.version"), "new launches still take the new version")
}

func TestImageAndArchitecture(t *testing.T) {
	tests := []struct {
		name              string
		args              func(*fleet.Args)
		image, instanceTy string
	}{
		{"arm64 default", func(a *fleet.Args) { a.Architecture = fleet.ArchARM },
			"resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64", "t4g.medium"},
		{"baked image", func(a *fleet.Args) { a.Image = fleet.Image{ID: "ami-0123456789abcdef0"} },
			"ami-0123456789abcdef0", "t3.medium"},
		{"own parameter", func(a *fleet.Args) {
			a.Image = fleet.Image{Parameter: "/argos/image/id"}
			a.InstanceTypes = []string{"m7i.large"}
		}, "resolve:ssm:/argos/image/id", "m7i.large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := workers(fleet.Autoscaling{MaxSize: 1})
			tc.args(&args)
			res, _ := deploy(t, args)
			lt := mocktest.One(t, res, typeLT)
			assert.Equal(t, tc.image, lt.In("imageId"))
			assert.Equal(t, tc.instanceTy, lt.In("instanceType"))
		})
	}
}

func TestLaunchOptions(t *testing.T) {
	args := workers(fleet.Autoscaling{MaxSize: 2})
	args.UserData = "#!/bin/bash\necho hello > /tmp/hello\n"
	args.IMDSHopLimit = 2
	args.MetadataTags = true
	args.PublicIP = true
	args.RootVolume = fleet.RootVolume{SizeGiB: 100, IOPS: 6000, ThroughputMiBs: 500}
	args.KMSKeyARN = pulumi.String("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
	args.BlockDevices = []fleet.Volume{{DeviceName: "/dev/sdf", SizeGiB: 500, Type: fleet.ST1}}
	args.SecurityGroupIDs = pulumi.ToStringArray([]string{"sg-0aaaaaaaaaaaaaaaa"})
	res, _ := deploy(t, args)
	lt := mocktest.One(t, res, typeLT)
	assert.Equal(t, args.UserData, userData(t, lt), "the fleet base64-encodes the plain script")
	assert.Equal(t, float64(2), lt.In("metadataOptions.httpPutResponseHopLimit"))
	assert.Equal(t, "required", lt.In("metadataOptions.httpTokens"))
	assert.Equal(t, "enabled", lt.In("metadataOptions.instanceMetadataTags"))
	assert.Equal(t, "true", lt.In("networkInterfaces[0].associatePublicIpAddress"))

	args.IMDSv1 = true
	res, _ = deploy(t, args)
	assert.Equal(t, "optional", mocktest.One(t, res, typeLT).In("metadataOptions.httpTokens"), "token-less requests only when asked")
	sg := mocktest.One(t, res, typeSG)
	assert.Equal(t, []string{sg.ID, "sg-0aaaaaaaaaaaaaaaa"}, strs(lt.In("networkInterfaces[0].securityGroups")))

	key := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	root := "blockDeviceMappings[0].ebs."
	assert.Equal(t, float64(100), lt.In(root+"volumeSize"))
	assert.Equal(t, float64(6000), lt.In(root+"iops"))
	assert.Equal(t, float64(500), lt.In(root+"throughput"))
	assert.Equal(t, key, lt.In(root+"kmsKeyId"))
	scratch := "blockDeviceMappings[1]."
	assert.Equal(t, "/dev/sdf", lt.In(scratch+"deviceName"))
	assert.Equal(t, "st1", lt.In(scratch+"ebs.volumeType"))
	assert.Equal(t, float64(500), lt.In(scratch+"ebs.volumeSize"))
	assert.Equal(t, "true", lt.In(scratch+"ebs.encrypted"))
	assert.Equal(t, "true", lt.In(scratch+"ebs.deleteOnTermination"))
	assert.Equal(t, key, lt.In(scratch+"ebs.kmsKeyId"))
}

func TestPurchaseOptions(t *testing.T) {
	tests := []struct {
		name             string
		scaling          fleet.Autoscaling
		types            []string
		base, pct        float64
		spot             any
		capacityRebalace any
	}{
		{"spot", fleet.Autoscaling{MaxSize: 4, Purchase: fleet.Spot}, []string{"m7i.large", "m6i.large", "m5.large"}, 0, 0, "capacity-optimized", true},
		{"mixed defaults", fleet.Autoscaling{MaxSize: 4, Purchase: fleet.Mixed}, []string{"c7g.large", "c6g.large"}, 1, 0, "capacity-optimized", true},
		{"mixed shares", fleet.Autoscaling{MaxSize: 10, Purchase: fleet.Mixed, OnDemandBaseCapacity: ptr(2), OnDemandPercentAboveBase: ptr(25),
			SpotAllocationStrategy: fleet.PriceCapacityOptimized}, []string{"c7g.large"}, 2, 25, "price-capacity-optimized", true},
		{"on demand over several types", fleet.Autoscaling{MaxSize: 4}, []string{"m7i.large", "m6i.large"}, 0, 100, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := workers(tc.scaling)
			args.InstanceTypes = tc.types
			if strings.Contains(tc.types[0], "g.") {
				args.Architecture = fleet.ArchARM
			}
			res, _ := deploy(t, args)
			asg := mocktest.One(t, res, typeASG)
			lt := mocktest.One(t, res, typeLT)
			assert.Nil(t, asg.In("launchTemplate"), "a mixed instances policy replaces the launch template")
			p := "mixedInstancesPolicy."
			assert.Equal(t, lt.ID, asg.In(p+"launchTemplate.launchTemplateSpecification.launchTemplateId"))
			assert.Equal(t, "1", asg.In(p+"launchTemplate.launchTemplateSpecification.version"))
			var overrides []string
			for i := range tc.types {
				overrides = append(overrides, fmt.Sprint(asg.In(fmt.Sprintf(p+"launchTemplate.overrides[%d].instanceType", i))))
			}
			assert.Equal(t, tc.types, overrides)
			d := p + "instancesDistribution."
			assert.Equal(t, tc.base, asg.In(d+"onDemandBaseCapacity"))
			assert.Equal(t, tc.pct, asg.In(d+"onDemandPercentageAboveBaseCapacity"))
			assert.Equal(t, "prioritized", asg.In(d+"onDemandAllocationStrategy"))
			assert.Equal(t, tc.spot, asg.In(d+"spotAllocationStrategy"))
			assert.Equal(t, tc.capacityRebalace, asg.In("capacityRebalance"))
		})
	}
}

func TestTargetGroupsAndHealthChecks(t *testing.T) {
	tg := "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/kotta-test-web/0123456789abcdef"
	res, _ := deploy(t, workers(fleet.Autoscaling{MinSize: 1, MaxSize: 2, TargetGroupARNs: pulumi.ToStringArray([]string{tg}), HealthCheckGraceSeconds: 600}))
	asg := mocktest.One(t, res, typeASG)
	assert.Equal(t, []string{tg}, strs(asg.In("targetGroupArns")))
	assert.Equal(t, "ELB", asg.In("healthCheckType"), "instances the load balancer finds unhealthy are replaced")
	assert.Equal(t, float64(600), asg.In("healthCheckGracePeriod"))
	assert.Equal(t, float64(1), asg.In("desiredCapacity"))
}

// An alarm on a sum of metrics renders them as metric math: each metric a query that returns no
// data, and their sum the one query the alarm judges.
func TestAlarmOnASum(t *testing.T) {
	idle := fleet.ScaleInOnIdleQueue("idle", pulumi.String("kotta-test-active"), 5)
	idle.Alarm.MetricName, idle.Alarm.PlusMetrics = "ApproximateNumberOfMessagesVisible", []string{"ApproximateNumberOfMessagesNotVisible"}
	res, _ := deploy(t, workers(fleet.Autoscaling{MaxSize: 5, StepScaling: []fleet.StepScaling{idle}}))
	alarm := mocktest.Named(t, res, typeAlarm, "f-idle")
	for _, k := range []string{"namespace", "metricName", "dimensions", "statistic", "period"} {
		assert.Nil(t, alarm.In(k), "%s: the queries carry the metrics", k)
	}
	require.Len(t, strs(alarm.In("metricQueries")), 3)
	assert.Equal(t, "m0", alarm.In("metricQueries[0].id"))
	assert.Equal(t, "ApproximateNumberOfMessagesNotVisible", alarm.In("metricQueries[1].metric.metricName"))
	assert.Equal(t, map[string]any{"QueueName": "kotta-test-active"}, alarm.In("metricQueries[1].metric.dimensions"))
	assert.Equal(t, "m0 + m1", alarm.In("metricQueries[2].expression"))
	assert.Equal(t, true, alarm.In("metricQueries[2].returnData"))
	assert.Equal(t, float64(5), alarm.In("evaluationPeriods"))
	assert.Equal(t, "breaching", alarm.In("treatMissingData"))
}

// Cloud Kotta's workers: out by one while jobs wait, in by one when none runs, on the real SQS
// namespace and dimension.
func TestStepScalingOnQueues(t *testing.T) {
	res, opts := deploy(t, workers(fleet.Autoscaling{MaxSize: 5, StepScaling: []fleet.StepScaling{
		fleet.ScaleOutOnQueue("pending", pulumi.String("kotta-test-pending")),
		fleet.ScaleInOnIdleQueue("idle", pulumi.String("kotta-test-active"), 5),
	}}))
	assert.Equal(t, []string{"desiredCapacity"}, opts[typeASG+" f"].IgnoreChanges, "the policies own the desired capacity")
	asg := mocktest.One(t, res, typeASG)

	out := mocktest.Named(t, res, typePolicy, "f-pending")
	assert.Equal(t, "kotta-test-workers-pending", out.In("name"))
	assert.Equal(t, asg.In("name"), out.In("autoscalingGroupName"))
	assert.Equal(t, "StepScaling", out.In("policyType"))
	assert.Equal(t, "ChangeInCapacity", out.In("adjustmentType"))
	require.Len(t, strs(out.In("stepAdjustments")), 1)
	assert.Equal(t, float64(1), out.In("stepAdjustments[0].scalingAdjustment"))
	assert.Equal(t, "0", out.In("stepAdjustments[0].metricIntervalLowerBound"))
	assert.Nil(t, out.In("stepAdjustments[0].metricIntervalUpperBound"))

	outAlarm := mocktest.Named(t, res, typeAlarm, "f-pending")
	assert.Equal(t, "kotta-test-workers-pending", outAlarm.In("name"))
	assert.Equal(t, "AWS/SQS", outAlarm.In("namespace"))
	assert.Equal(t, "ApproximateNumberOfMessagesVisible", outAlarm.In("metricName"))
	assert.Equal(t, map[string]any{"QueueName": "kotta-test-pending"}, outAlarm.In("dimensions"))
	assert.Equal(t, "GreaterThanThreshold", outAlarm.In("comparisonOperator"))
	assert.Equal(t, float64(0), outAlarm.In("threshold"))
	assert.Equal(t, float64(60), outAlarm.In("period"))
	assert.Equal(t, float64(1), outAlarm.In("evaluationPeriods"))
	assert.Equal(t, "notBreaching", outAlarm.In("treatMissingData"))
	assert.Equal(t, []string{fmt.Sprint(out.Out("arn"))}, strs(outAlarm.In("alarmActions")), "the alarm triggers its policy")
	assert.Contains(t, out.Out("arn"), ":scalingPolicy:")

	in := mocktest.Named(t, res, typePolicy, "f-idle")
	assert.Equal(t, float64(-1), in.In("stepAdjustments[0].scalingAdjustment"))
	assert.Nil(t, in.In("stepAdjustments[0].metricIntervalLowerBound"))
	assert.Equal(t, "0", in.In("stepAdjustments[0].metricIntervalUpperBound"))
	inAlarm := mocktest.Named(t, res, typeAlarm, "f-idle")
	assert.Equal(t, "AWS/SQS", inAlarm.In("namespace"), "the original scale-in alarm watched the wrong namespace and never fired")
	assert.Equal(t, "ApproximateNumberOfMessagesNotVisible", inAlarm.In("metricName"))
	assert.Equal(t, map[string]any{"QueueName": "kotta-test-active"}, inAlarm.In("dimensions"))
	assert.Equal(t, "LessThanOrEqualToThreshold", inAlarm.In("comparisonOperator"))
	assert.Equal(t, float64(5), inAlarm.In("evaluationPeriods"))
	assert.Equal(t, float64(5), inAlarm.In("datapointsToAlarm"))
	assert.Equal(t, "breaching", inAlarm.In("treatMissingData"))
	assert.Equal(t, []string{fmt.Sprint(in.Out("arn"))}, strs(inAlarm.In("alarmActions")))
}

func TestStepsAndTargetTracking(t *testing.T) {
	label := "app/kotta-test/0123456789abcdef/targetgroup/kotta-test-web/0123456789abcdef"
	res, _ := deploy(t, workers(fleet.Autoscaling{MinSize: 1, MaxSize: 8,
		TargetGroupARNs: pulumi.ToStringArray([]string{"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/kotta-test-web/0123456789abcdef"}),
		TargetTracking: []fleet.TargetTracking{
			{Name: "cpu", Metric: fleet.MetricCPU, Target: 60},
			{Name: "requests", Metric: fleet.MetricRequestCountPerTarget, Target: 1000, ResourceLabel: pulumi.String(label), DisableScaleIn: true, WarmupSeconds: 120},
		},
		StepScaling: []fleet.StepScaling{{
			Name:  "backlog",
			Alarm: fleet.Alarm{Namespace: "Kotta", MetricName: "Backlog", Comparison: fleet.GreaterThanOrEqual, Threshold: 10, Statistic: "Maximum", PeriodSeconds: 300},
			Steps: []fleet.Step{{Lower: ptr(0.0), Upper: ptr(50.0), Adjustment: 1}, {Lower: ptr(50.0), Adjustment: 3}},
		}},
	}))
	cpu := mocktest.Named(t, res, typePolicy, "f-cpu")
	assert.Equal(t, "TargetTrackingScaling", cpu.In("policyType"))
	assert.Equal(t, "ASGAverageCPUUtilization", cpu.In("targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType"))
	assert.Equal(t, float64(60), cpu.In("targetTrackingConfiguration.targetValue"))
	assert.Equal(t, false, cpu.In("targetTrackingConfiguration.disableScaleIn"))
	assert.Empty(t, res.ByURN(strings.Replace(cpu.URN, typePolicy, typeAlarm, 1)), "target tracking makes its own alarms")

	req := mocktest.Named(t, res, typePolicy, "f-requests")
	assert.Equal(t, "ALBRequestCountPerTarget", req.In("targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType"))
	assert.Equal(t, label, req.In("targetTrackingConfiguration.predefinedMetricSpecification.resourceLabel"))
	assert.Equal(t, true, req.In("targetTrackingConfiguration.disableScaleIn"))
	assert.Equal(t, float64(120), req.In("estimatedInstanceWarmup"))

	backlog := mocktest.Named(t, res, typePolicy, "f-backlog")
	assert.Equal(t, "0", backlog.In("stepAdjustments[0].metricIntervalLowerBound"))
	assert.Equal(t, "50", backlog.In("stepAdjustments[0].metricIntervalUpperBound"))
	assert.Equal(t, "50", backlog.In("stepAdjustments[1].metricIntervalLowerBound"))
	assert.Nil(t, backlog.In("stepAdjustments[1].metricIntervalUpperBound"))
	assert.Equal(t, float64(3), backlog.In("stepAdjustments[1].scalingAdjustment"))
	alarm := mocktest.Named(t, res, typeAlarm, "f-backlog")
	assert.Equal(t, "Maximum", alarm.In("statistic"))
	assert.Equal(t, float64(300), alarm.In("period"))
	assert.Equal(t, "missing", alarm.In("treatMissingData"))
	assert.Len(t, res.ByType(typeAlarm), 1)
}

func TestRulesOfTheFleetsGroup(t *testing.T) {
	args := workers(fleet.Autoscaling{MaxSize: 2})
	args.SecurityGroup = fleet.Rules{
		Description: "Kotta workers: SSH between workers only",
		Ingress:     []secgroup.Rule{{Name: "ssh", Description: "SSH between workers", FromPort: 22, Self: true}},
		Egress:      []secgroup.Rule{},
	}
	res, _ := deploy(t, args)
	sg := mocktest.One(t, res, typeSG)
	assert.Equal(t, "Kotta workers: SSH between workers only", sg.In("description"))
	ssh := mocktest.One(t, res, typeIngress)
	assert.Equal(t, sg.ID, ssh.In("referencedSecurityGroupId"))
	assert.Empty(t, res.ByType(typeEgress), "an empty egress list means no egress")
}

func TestGivenInstanceProfile(t *testing.T) {
	args := workers(fleet.Autoscaling{MaxSize: 2})
	args.InstanceProfileName = pulumi.String("kotta-test-worker")
	res, _ := deploy(t, args)
	assert.Empty(t, res.ByType(typeRole))
	assert.Empty(t, res.ByType(typeProfile))
	assert.Equal(t, "kotta-test-worker", mocktest.One(t, res, typeLT).In("iamInstanceProfile.name"))
	assert.Equal(t, "kotta-test-worker", res.Outputs["instanceProfileName"])
	assert.Equal(t, "", res.Outputs["roleName"])
}

func TestPlacementGroups(t *testing.T) {
	args := workers(fleet.Autoscaling{MaxSize: 2})
	args.Placement = &fleet.Placement{Strategy: fleet.PlacementPartition}
	res, _ := deploy(t, args)
	pg := mocktest.One(t, res, typePlacement)
	assert.Equal(t, "kotta-test-workers", pg.In("name"))
	assert.Equal(t, "partition", pg.In("strategy"))
	assert.Equal(t, float64(2), pg.In("partitionCount"))
	assert.Equal(t, "kotta-test-workers", mocktest.One(t, res, typeASG).In("placementGroup"))

	args.Placement = &fleet.Placement{Name: "shared-cluster-pg"}
	res, _ = deploy(t, args)
	assert.Empty(t, res.ByType(typePlacement), "a given placement group is used, not created")
	assert.Equal(t, "shared-cluster-pg", mocktest.One(t, res, typeASG).In("placementGroup"))
}

// Tags: the convention on every resource; the group propagates them and the template tags
// instances, volumes and interfaces at launch.
func TestAutoscalingTags(t *testing.T) {
	res, _ := deploy(t, workers(fleet.Autoscaling{MaxSize: 2, Tags: map[string]string{"role": "Worker"},
		StepScaling: []fleet.StepScaling{fleet.ScaleOutOnQueue("pending", pulumi.String("q"))}}))
	checkTags(t, res, map[string]string{"App": "kotta", "Env": "test", "Owner": "research-it", "CostCenter": "rp-1042", "Group": "workers"})

	asg := mocktest.One(t, res, typeASG)
	var keys []string
	for _, item := range asg.In("tags").([]any) {
		tag := item.(map[string]any)
		keys = append(keys, fmt.Sprint(tag["key"]))
		assert.Equal(t, true, tag["propagateAtLaunch"], "tag %v", tag["key"])
	}
	assert.Equal(t, []string{"App", "CostCenter", "Env", "Group", "Name", "Owner", "role"}, keys, "sorted, so the input never changes between runs")
	assert.Equal(t, "Worker", mocktest.Tags(asg)["role"], "the app reads its settings from instance tags")

	lt := mocktest.One(t, res, typeLT)
	var kinds []string
	for i := range strs(lt.In("tagSpecifications")) {
		spec := fmt.Sprintf("tagSpecifications[%d]", i)
		kinds = append(kinds, fmt.Sprint(lt.In(spec+".resourceType")))
		assert.Equal(t, "kotta-test-workers", lt.In(spec+".tags.Name"))
		assert.Equal(t, "workers", lt.In(spec+".tags.Group"))
		assert.Equal(t, "rp-1042", lt.In(spec+".tags.CostCenter"))
	}
	assert.Equal(t, []string{"instance", "volume", "network-interface"}, kinds)
}

// The names AWS sees stay within its limits even for the longest convention strata accepts.
func TestRenderedNamesWithinLimits(t *testing.T) {
	long := fleet.Args{
		// The longest app and env strata accepts; the group fills the role name's 64 characters.
		Naming:    naming.Convention{App: strings.Repeat("a", 16), Env: strings.Repeat("e", 16), Owner: "me"},
		Group:     strings.Repeat("g", 30),
		VPCID:     pulumi.String("vpc-1"),
		SubnetIDs: pulumi.ToStringArray([]string{"subnet-a"}),
		Autoscaling: &fleet.Autoscaling{MaxSize: 2, StepScaling: []fleet.StepScaling{
			fleet.ScaleOutOnQueue(strings.Repeat("p", 32), pulumi.String("q")),
		}},
	}
	res, _ := deploy(t, long)
	lt := mocktest.One(t, res, typeLT)
	assert.LessOrEqual(t, len(fmt.Sprint(lt.In("name"))), 128, "launch template name")
	assert.Regexp(t, `^[a-zA-Z0-9().\-/_]{3,128}$`, lt.In("name"))
	assert.LessOrEqual(t, len(fmt.Sprint(lt.In("description"))), 255, "launch template description")
	assert.LessOrEqual(t, len(fmt.Sprint(mocktest.One(t, res, typeRole).In("name"))), 64, "role name")
	assert.LessOrEqual(t, len(fmt.Sprint(mocktest.One(t, res, typeProfile).In("name"))), 64, "instance profile name")
	asgName := fmt.Sprint(mocktest.One(t, res, typeASG).In("name"))
	assert.LessOrEqual(t, len(asgName), 255)
	assert.NotContains(t, asgName, ":", "autoscaling group names take no colon")
	assert.LessOrEqual(t, len(fmt.Sprint(mocktest.One(t, res, typePolicy).In("name"))), 255, "policy name")
	assert.LessOrEqual(t, len(fmt.Sprint(mocktest.One(t, res, typeAlarm).In("name"))), 255, "alarm name")
	sg := mocktest.One(t, res, typeSG)
	assert.NoError(t, secgroup.Text(fmt.Sprint(sg.In("name")), false))
	assert.NoError(t, secgroup.Text(fmt.Sprint(sg.In("description")), false))
	for _, r := range append(res.ByType(typeEgress), res.ByType(typeIngress)...) {
		assert.NoError(t, secgroup.Text(fmt.Sprint(r.In("description")), true))
	}
	for _, r := range res.Resources() {
		for k, v := range mocktest.Tags(r) {
			assert.LessOrEqual(t, len(k), 128, "tag key")
			assert.LessOrEqual(t, len(fmt.Sprint(v)), 256, "tag value %s of %s", k, r.Name)
		}
	}
}

// Defaults fill a copy: the caller's args, slices and pointers included, stay as given.
func TestWithDefaultsLeavesTheCallersArgs(t *testing.T) {
	s := fleet.Autoscaling{MaxSize: 2, StepScaling: []fleet.StepScaling{{Name: "x", Adjustment: 1, Alarm: fleet.Alarm{Namespace: "N", MetricName: "M", Comparison: fleet.GreaterThan}}}}
	args := workers(s)
	args.Instances = nil
	args.BlockDevices = []fleet.Volume{{DeviceName: "/dev/sdf", SizeGiB: 10}}
	before := fmt.Sprintf("%+v %+v %+v", args, *args.Autoscaling, args.Autoscaling.StepScaling)
	d := args.WithDefaults()
	assert.Equal(t, before, fmt.Sprintf("%+v %+v %+v", args, *args.Autoscaling, args.Autoscaling.StepScaling))
	assert.Equal(t, "gp3", d.BlockDevices[0].Type)
	assert.Equal(t, "", args.BlockDevices[0].Type)
	assert.Equal(t, 60, d.Autoscaling.StepScaling[0].Alarm.PeriodSeconds)
	assert.Equal(t, 0, args.Autoscaling.StepScaling[0].Alarm.PeriodSeconds)
	assert.Equal(t, []string{"t3.medium"}, d.InstanceTypes)
	assert.Nil(t, args.InstanceTypes)
	assert.NoError(t, args.Validate())
}
