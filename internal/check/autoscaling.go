package check

import (
	"fmt"
	"slices"
)

const (
	asgType       = "aws:autoscaling/group:Group"
	asgPolicyType = "aws:autoscaling/policy:Policy"
	asgAPI        = "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/"
)

var autoscaling = set{
	limits: []Limit{
		{ID: "autoscaling.group.name.charset", Type: asgType, Path: "name", Pattern: `[!-9;-~]+`,
			Allowed: "ASCII characters 33 to 126 except the colon", Source: asgAPI + "API_CreateAutoScalingGroup.html"},
		{ID: "autoscaling.group.launchtemplate.version.value", Type: asgType, Path: "launchTemplate.version", Pattern: `\$Latest|\$Default|[0-9]+`,
			Allowed: "a version number, $Latest or $Default", Source: asgAPI + "API_LaunchTemplateSpecification.html"},
		{ID: "autoscaling.group.mixed.ondemandallocationstrategy", Type: asgType, Path: "mixedInstancesPolicy.instancesDistribution.onDemandAllocationStrategy",
			Enum: []string{"lowest-price", "prioritized"}, Source: asgAPI + "API_InstancesDistribution.html"},
		{ID: "autoscaling.group.mixed.spotallocationstrategy", Type: asgType, Path: "mixedInstancesPolicy.instancesDistribution.spotAllocationStrategy",
			Enum: []string{"capacity-optimized", "capacity-optimized-prioritized", "lowest-price", "price-capacity-optimized"}, Source: asgAPI + "API_InstancesDistribution.html"},
		{ID: "autoscaling.group.mixed.ondemandpercentage", Type: asgType, Path: "mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity",
			Num: &Range{0, 100}, Allowed: "a percentage, 0 to 100", Source: asgAPI + "API_InstancesDistribution.html"},
		{ID: "autoscaling.group.mixed.version.value", Type: asgType, Path: "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.version",
			Pattern: `\$Latest|\$Default|[0-9]+`, Allowed: "a version number, $Latest or $Default", Source: asgAPI + "API_LaunchTemplateSpecification.html"},
		{ID: "autoscaling.policy.policytype", Type: asgPolicyType, Path: "policyType", Enum: []string{"SimpleScaling", "StepScaling", "TargetTrackingScaling", "PredictiveScaling"},
			Source: asgAPI + "API_PutScalingPolicy.html"},
		{ID: "autoscaling.policy.adjustmenttype", Type: asgPolicyType, Path: "adjustmentType", Enum: []string{"ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity"},
			Source: asgAPI + "API_PutScalingPolicy.html"},
		{ID: "autoscaling.policy.metricaggregationtype", Type: asgPolicyType, Path: "metricAggregationType", Enum: []string{"Minimum", "Maximum", "Average"},
			Source: asgAPI + "API_PutScalingPolicy.html"},
	},
	rules: []Rule{
		{
			ID: "autoscaling.group.capacity", Types: []string{asgType}, Paths: []string{"minSize", "maxSize", "desiredCapacity"},
			Source: asgAPI + "API_CreateAutoScalingGroup.html",
			Check: func(r *Resource, report Reporter) {
				lo, ok1 := number(r.Inputs["minSize"])
				hi, ok2 := number(r.Inputs["maxSize"])
				if !ok1 || !ok2 {
					return
				}
				if lo > hi {
					report("minSize", r.Inputs["minSize"], fmt.Sprintf("at most maxSize (%s)", num(hi)))
				}
				if d, ok := number(r.Inputs["desiredCapacity"]); ok && (d < lo || d > hi) {
					report("desiredCapacity", r.Inputs["desiredCapacity"], fmt.Sprintf("between minSize and maxSize (%s to %s)", num(lo), num(hi)))
				}
			},
		},
		{
			ID: "autoscaling.group.instancerefresh.healthyrange", Types: []string{asgType},
			Source: asgAPI + "API_RefreshPreferences.html",
			Check: func(r *Resource, report Reporter) {
				lo, ok1 := number(r.Get("instanceRefresh.preferences.minHealthyPercentage"))
				hi, ok2 := number(r.Get("instanceRefresh.preferences.maxHealthyPercentage"))
				if ok2 && !ok1 {
					report("instanceRefresh.preferences.minHealthyPercentage", nil, "a minHealthyPercentage whenever maxHealthyPercentage is set")
				}
				if ok1 && ok2 && hi-lo > 100 {
					report("instanceRefresh.preferences.maxHealthyPercentage", hi, fmt.Sprintf("at most 100 points above minHealthyPercentage (%s)", num(lo)))
				}
			},
		},
		{
			ID: "autoscaling.group.maxinstancelifetime", Types: []string{asgType}, Paths: []string{"maxInstanceLifetime"},
			Source: asgAPI + "API_CreateAutoScalingGroup.html",
			Check: func(r *Resource, report Reporter) {
				if v, ok := number(r.Inputs["maxInstanceLifetime"]); ok && v != 0 && v < 86400 {
					report("maxInstanceLifetime", r.Inputs["maxInstanceLifetime"], "0 or at least 86,400 seconds (1 day)")
				}
			},
		},
	},
	classes: slices.Concat(
		classify(asgType, Reference, "ids and ARNs of the launch template, subnets and target groups", "launchTemplate.id", "vpcZoneIdentifiers[*]",
			"targetGroupArns[*]", "serviceLinkedRoleArn"),
		classify(asgType, Boolean, "group flags", "protectFromScaleIn", "capacityRebalance", "tags[*].propagateAtLaunch",
			"instanceRefresh.preferences.autoRollback", "instanceRefresh.preferences.skipMatching"),
		classify(asgType, Number, "seconds the API reference documents no bound for", "healthCheckGracePeriod", "defaultCooldown", "defaultInstanceWarmup"),
		classify(asgType, Provider, "the provider's own create and delete controls", "forceDelete", "waitForCapacityTimeout", "ignoreFailedScalingActivities",
			"instanceRefresh.triggers[*]", "minElbCapacity", "waitForElbCapacity"),
		classify(asgType, Reference, "the launch template's id or name", "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateId",
			"mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateName"),
		classify(asgType, Number, "instances and weights the API reference documents no bound for", "mixedInstancesPolicy.instancesDistribution.onDemandBaseCapacity",
			"mixedInstancesPolicy.launchTemplate.overrides[*].weightedCapacity"),
		classify(asgType, FreeText, "a maximum Spot price in USD", "mixedInstancesPolicy.instancesDistribution.spotMaxPrice"),
		classify(asgPolicyType, Reference, "the group's name", "autoscalingGroupName"),
		classify(asgPolicyType, Number, "bounds in the metric's unit and capacity changes; any number", "stepAdjustments[*].metricIntervalLowerBound",
			"stepAdjustments[*].metricIntervalUpperBound", "stepAdjustments[*].scalingAdjustment"),
		classify(asgPolicyType, Number, "numbers in the metric's unit, seconds or instances; any number", "targetTrackingConfiguration.targetValue",
			"estimatedInstanceWarmup", "cooldown", "scalingAdjustment", "minAdjustmentMagnitude"),
		classify(asgPolicyType, Boolean, "policy flags", "enabled", "targetTrackingConfiguration.disableScaleIn"),
	),
}
