package fleet

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// autoscaling registers the launch template, the group, its policies and their alarms.
func (b *builder) autoscaling() error {
	a, s := b.args, b.args.Autoscaling
	physical := a.physical()
	tags := a.Naming.Tags(a.Group)

	groups := pulumi.StringArray{b.fleet.SecurityGroupID}
	lt, err := b.launchTemplate(b.name, template{
		physical:     physical,
		instanceType: a.InstanceTypes[0],
		userData:     a.UserData,
		tags:         tags,
		// The group picks the subnet; the interface carries the groups and the public IP choice.
		network: &ec2.LaunchTemplateNetworkInterfaceArgs{
			DeviceIndex:              pulumi.Int(0),
			AssociatePublicIpAddress: pulumi.String(strconv.FormatBool(a.PublicIP)),
			DeleteOnTermination:      pulumi.String("true"),
			SecurityGroups:           b.securityGroups(groups),
		},
	})
	if err != nil {
		return err
	}
	version := latest(lt)

	groupTags := maps.Clone(tags)
	maps.Copy(groupTags, s.Tags)
	asgTags := autoscaling.GroupTagArray{}
	for _, k := range slices.Sorted(maps.Keys(groupTags)) {
		asgTags = append(asgTags, &autoscaling.GroupTagArgs{
			Key: pulumi.String(k), Value: pulumi.String(groupTags[k]), PropagateAtLaunch: pulumi.Bool(true),
		})
	}
	asgArgs := &autoscaling.GroupArgs{
		Name:               pulumi.String(physical),
		VpcZoneIdentifiers: a.SubnetIDs,
		MinSize:            pulumi.Int(s.MinSize),
		MaxSize:            pulumi.Int(s.MaxSize),
		// The starting size only, once policies or another service scale the group (see below).
		DesiredCapacity: pulumi.Int(*s.DesiredCapacity),
		// Scale-in protection would also stall instance refreshes and destroys.
		ProtectFromScaleIn: pulumi.Bool(false),
		Tags:               asgTags,
	}
	if !s.Refresh.Manual {
		refresh := &autoscaling.GroupInstanceRefreshArgs{
			Strategy: pulumi.String("Rolling"),
			Preferences: &autoscaling.GroupInstanceRefreshPreferencesArgs{
				MinHealthyPercentage: pulumi.Int(*s.Refresh.MinHealthyPercent),
				MaxHealthyPercentage: pulumi.Int(s.Refresh.MaxHealthyPercent),
			},
		}
		if s.Refresh.OnTagChange {
			refresh.Triggers = pulumi.StringArray{pulumi.String("tag")}
		}
		asgArgs.InstanceRefresh = refresh
	}
	if len(a.InstanceTypes) == 1 && s.Purchase == OnDemand {
		// The concrete version, not $Latest, so that a template change starts an instance refresh.
		asgArgs.LaunchTemplate = &autoscaling.GroupLaunchTemplateArgs{Id: lt.ID(), Version: version}
	} else {
		asgArgs.MixedInstancesPolicy = s.mixedInstances(a.InstanceTypes, lt, version)
	}
	if s.spot() {
		// Replace a Spot instance as soon as EC2 warns it is at risk, before it is interrupted.
		asgArgs.CapacityRebalance = pulumi.Bool(true)
	}
	if s.TargetGroupARNs != nil {
		asgArgs.TargetGroupArns = s.TargetGroupARNs
	}
	if s.HealthCheckType != "" {
		asgArgs.HealthCheckType = pulumi.String(s.HealthCheckType)
	}
	if s.HealthCheckGraceSeconds != 0 {
		asgArgs.HealthCheckGracePeriod = pulumi.Int(s.HealthCheckGraceSeconds)
	}
	if b.placementGroup != nil {
		asgArgs.PlacementGroup = b.placementGroup
	}
	var extra []pulumi.ResourceOption
	if s.scaled() {
		// Otherwise every pulumi up would reset the group to its starting size.
		extra = append(extra, pulumi.IgnoreChanges([]string{"desiredCapacity"}))
	}
	asg, err := autoscaling.NewGroup(b.ctx, b.name, asgArgs, b.opts("aws:autoscaling/group:Group", b.name, extra...)...)
	if err != nil {
		return err
	}
	b.fleet.GroupName, b.fleet.GroupARN, b.fleet.LaunchTemplateID = asg.Name, asg.Arn, lt.ID().ToStringOutput()

	for _, t := range s.TargetTracking {
		if err := b.targetTracking(asg, t); err != nil {
			return err
		}
	}
	for _, st := range s.StepScaling {
		if err := b.stepScaling(asg, st); err != nil {
			return err
		}
	}
	return nil
}

// securityGroups are the fleet's group followed by the extra ones.
func (b *builder) securityGroups(own pulumi.StringArray) pulumi.StringArrayInput {
	if b.args.SecurityGroupIDs == nil {
		return own
	}
	return pulumi.All(own, b.args.SecurityGroupIDs).ApplyT(func(v []any) []string {
		return append(v[0].([]string), v[1].([]string)...)
	}).(pulumi.StringArrayOutput)
}

// mixedInstances spreads the group over the instance types, on demand and on Spot.
func (s *Autoscaling) mixedInstances(types []string, lt *ec2.LaunchTemplate, version pulumi.StringOutput) *autoscaling.GroupMixedInstancesPolicyArgs {
	overrides := autoscaling.GroupMixedInstancesPolicyLaunchTemplateOverrideArray{}
	for _, t := range types {
		overrides = append(overrides, &autoscaling.GroupMixedInstancesPolicyLaunchTemplateOverrideArgs{InstanceType: pulumi.String(t)})
	}
	dist := &autoscaling.GroupMixedInstancesPolicyInstancesDistributionArgs{
		// On-demand instances follow the order of the types.
		OnDemandAllocationStrategy: pulumi.String("prioritized"),
	}
	switch s.Purchase {
	case OnDemand:
		dist.OnDemandBaseCapacity = pulumi.Int(0)
		dist.OnDemandPercentageAboveBaseCapacity = pulumi.Int(100)
	case Spot:
		dist.OnDemandBaseCapacity = pulumi.Int(0)
		dist.OnDemandPercentageAboveBaseCapacity = pulumi.Int(0)
	case Mixed:
		dist.OnDemandBaseCapacity = pulumi.Int(*s.OnDemandBaseCapacity)
		dist.OnDemandPercentageAboveBaseCapacity = pulumi.Int(*s.OnDemandPercentAboveBase)
	}
	if s.spot() {
		dist.SpotAllocationStrategy = pulumi.String(s.SpotAllocationStrategy)
	}
	return &autoscaling.GroupMixedInstancesPolicyArgs{
		InstancesDistribution: dist,
		LaunchTemplate: &autoscaling.GroupMixedInstancesPolicyLaunchTemplateArgs{
			LaunchTemplateSpecification: &autoscaling.GroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecificationArgs{
				LaunchTemplateId: lt.ID(),
				Version:          version,
			},
			Overrides: overrides,
		},
	}
}

func (b *builder) targetTracking(asg *autoscaling.Group, t TargetTracking) error {
	logical := b.name + "-" + t.Name
	spec := &autoscaling.PolicyTargetTrackingConfigurationPredefinedMetricSpecificationArgs{
		PredefinedMetricType: pulumi.String(t.Metric),
	}
	if t.ResourceLabel != nil {
		spec.ResourceLabel = t.ResourceLabel
	}
	args := &autoscaling.PolicyArgs{
		Name:                 pulumi.String(b.args.physical() + "-" + t.Name),
		AutoscalingGroupName: asg.Name,
		PolicyType:           pulumi.String("TargetTrackingScaling"),
		TargetTrackingConfiguration: &autoscaling.PolicyTargetTrackingConfigurationArgs{
			PredefinedMetricSpecification: spec,
			TargetValue:                   pulumi.Float64(t.Target),
			DisableScaleIn:                pulumi.Bool(t.DisableScaleIn),
		},
	}
	if t.WarmupSeconds != 0 {
		args.EstimatedInstanceWarmup = pulumi.Int(t.WarmupSeconds)
	}
	_, err := autoscaling.NewPolicy(b.ctx, logical, args, b.opts("aws:autoscaling/policy:Policy", logical)...)
	return err
}

// stepScaling registers a step scaling policy and the alarm that triggers it.
func (b *builder) stepScaling(asg *autoscaling.Group, st StepScaling) error {
	logical := b.name + "-" + st.Name
	physical := b.args.physical() + "-" + st.Name
	steps := autoscaling.PolicyStepAdjustmentArray{}
	for _, s := range st.steps() {
		step := &autoscaling.PolicyStepAdjustmentArgs{ScalingAdjustment: pulumi.Int(s.Adjustment)}
		if s.Lower != nil {
			step.MetricIntervalLowerBound = pulumi.String(strconv.FormatFloat(*s.Lower, 'f', -1, 64))
		}
		if s.Upper != nil {
			step.MetricIntervalUpperBound = pulumi.String(strconv.FormatFloat(*s.Upper, 'f', -1, 64))
		}
		steps = append(steps, step)
	}
	args := &autoscaling.PolicyArgs{
		Name:                 pulumi.String(physical),
		AutoscalingGroupName: asg.Name,
		PolicyType:           pulumi.String("StepScaling"),
		AdjustmentType:       pulumi.String(st.AdjustmentType),
		StepAdjustments:      steps,
	}
	if st.WarmupSeconds != 0 {
		args.EstimatedInstanceWarmup = pulumi.Int(st.WarmupSeconds)
	}
	policy, err := autoscaling.NewPolicy(b.ctx, logical, args, b.opts("aws:autoscaling/policy:Policy", logical)...)
	if err != nil {
		return err
	}
	al := st.Alarm
	dims := pulumi.StringMap{}
	for k, v := range al.Dimensions {
		dims[k] = v
	}
	alarm := &cloudwatch.MetricAlarmArgs{
		Name:               pulumi.String(physical),
		AlarmDescription:   pulumi.String(al.Description),
		EvaluationPeriods:  pulumi.Int(al.EvaluationPeriods),
		DatapointsToAlarm:  pulumi.Int(al.DatapointsToAlarm),
		ComparisonOperator: pulumi.String(al.Comparison),
		Threshold:          pulumi.Float64(al.Threshold),
		TreatMissingData:   pulumi.String(al.TreatMissingData),
		AlarmActions:       pulumi.Array{policy.Arn},
		Tags:               pulumi.ToStringMap(b.args.Naming.Tags(b.args.Group)),
	}
	if len(al.PlusMetrics) == 0 {
		alarm.Namespace, alarm.MetricName = pulumi.String(al.Namespace), pulumi.String(al.MetricName)
		alarm.Dimensions, alarm.Statistic, alarm.Period = dims, pulumi.String(al.Statistic), pulumi.Int(al.PeriodSeconds)
	} else {
		alarm.MetricQueries = al.sum(dims)
	}
	_, err = cloudwatch.NewMetricAlarm(b.ctx, logical, alarm, b.opts("aws:cloudwatch/metricAlarm:MetricAlarm", logical)...)
	return err
}

// sum renders the alarm's metrics as metric math queries m0, m1, … and the expression that adds
// them, the one query whose data the alarm judges.
func (al Alarm) sum(dims pulumi.StringMap) cloudwatch.MetricAlarmMetricQueryArray {
	var queries cloudwatch.MetricAlarmMetricQueryArray
	var ids []string
	for i, m := range append([]string{al.MetricName}, al.PlusMetrics...) {
		id := "m" + strconv.Itoa(i)
		ids = append(ids, id)
		queries = append(queries, &cloudwatch.MetricAlarmMetricQueryArgs{
			Id: pulumi.String(id),
			Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
				Namespace: pulumi.String(al.Namespace), MetricName: pulumi.String(m), Dimensions: dims,
				Stat: pulumi.String(al.Statistic), Period: pulumi.Int(al.PeriodSeconds),
			},
			ReturnData: pulumi.Bool(false),
		})
	}
	return append(queries, &cloudwatch.MetricAlarmMetricQueryArgs{
		Id: pulumi.String("total"), Expression: pulumi.String(strings.Join(ids, " + ")),
		Label: pulumi.String(strings.Join(append([]string{al.MetricName}, al.PlusMetrics...), " + ")), ReturnData: pulumi.Bool(true),
	})
}
