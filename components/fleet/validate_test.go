package fleet_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/secgroup"
)

func TestRefusedFleets(t *testing.T) {
	asg := func(s fleet.Autoscaling, edit func(*fleet.Args)) fleet.Args {
		a := workers(s)
		if edit != nil {
			edit(&a)
		}
		return a
	}
	alarm := fleet.Alarm{Namespace: "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible", Comparison: fleet.GreaterThan}
	step := func(edit func(*fleet.StepScaling)) fleet.Autoscaling {
		s := fleet.StepScaling{Name: "out", Alarm: alarm, Adjustment: 1}
		edit(&s)
		return fleet.Autoscaling{MaxSize: 4, StepScaling: []fleet.StepScaling{s}}
	}
	tests := []struct {
		name string
		args fleet.Args
		want []string
	}{
		{"empty", fleet.Args{}, []string{"naming.app: must not be empty", "naming.owner: is required", "group: must not be empty",
			"vpcId: is required", "autoscaling: is required: give autoscaling for an autoscaling group, or instances for named instances"}},
		{"both shapes", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) { a.Instances = []fleet.Instance{member} }),
			[]string{"instances: is set together with autoscaling"}},
		{"no subnets", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) { a.SubnetIDs = pulumi.StringArray{} }),
			[]string{"subnetIds: is required with autoscaling"}},
		{"name too long for a role", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) {
			a.Naming = naming.Convention{App: strings.Repeat("a", 16), Env: strings.Repeat("e", 16), Owner: "o"}
			a.Group = strings.Repeat("w", 32)
		}), []string{"group:", "is not a valid IAM role name: it must be 1 to 64 characters long"}},

		// Sizes.
		{"sizes", workers(fleet.Autoscaling{MinSize: 3, MaxSize: 2, DesiredCapacity: ptr(5)}),
			[]string{"autoscaling.maxSize: 2 is below minSize 3: use at least 3", "autoscaling.desiredCapacity: 5 is out of range: use minSize 3 to maxSize 2"}},
		{"negative min", workers(fleet.Autoscaling{MinSize: -1, MaxSize: 2}), []string{"autoscaling.minSize: -1 is out of range"}},
		{"desired below min", workers(fleet.Autoscaling{MinSize: 2, MaxSize: 4, DesiredCapacity: ptr(1)}),
			[]string{"autoscaling.desiredCapacity: 1 is out of range: use minSize 2 to maxSize 4"}},

		// Purchase options.
		{"unknown purchase", workers(fleet.Autoscaling{MaxSize: 2, Purchase: "reserved"}), []string{`autoscaling.purchase: "reserved" is not allowed: use one of onDemand, spot, mixed`}},
		{"spot strategy", workers(fleet.Autoscaling{MaxSize: 2, Purchase: fleet.Spot, SpotAllocationStrategy: "cheapest"}),
			[]string{`autoscaling.spotAllocationStrategy: "cheapest" is not allowed: use one of capacity-optimized, capacity-optimized-prioritized, price-capacity-optimized, lowest-price`}},
		{"spot strategy on demand", workers(fleet.Autoscaling{MaxSize: 2, SpotAllocationStrategy: fleet.LowestPrice}),
			[]string{"autoscaling.spotAllocationStrategy: applies to Spot capacity"}},
		{"shares without mixed", workers(fleet.Autoscaling{MaxSize: 2, Purchase: fleet.Spot, OnDemandBaseCapacity: ptr(1)}),
			[]string{`autoscaling.onDemandBaseCapacity: only purchase "mixed" splits capacity`}},
		{"mixed out of range", workers(fleet.Autoscaling{MaxSize: 2, Purchase: fleet.Mixed, OnDemandBaseCapacity: ptr(3), OnDemandPercentAboveBase: ptr(101)}),
			[]string{"autoscaling.onDemandBaseCapacity: 3 is out of range: use 0 to maxSize 2", "autoscaling.onDemandPercentAboveBase: 101 is out of range: use 0 to 100 percent"}},
		{"mixed that is all spot", workers(fleet.Autoscaling{MaxSize: 2, Purchase: fleet.Mixed, OnDemandBaseCapacity: ptr(0)}),
			[]string{`autoscaling.purchase: "mixed" with no on-demand base or share is all Spot: use "spot"`}},
		{"mixed that is all on demand", workers(fleet.Autoscaling{MaxSize: 2, Purchase: fleet.Mixed, OnDemandPercentAboveBase: ptr(100)}),
			[]string{`autoscaling.purchase: "mixed" with 100 percent on demand above the base is all on demand`}},

		// Instance types.
		{"instance types", asg(fleet.Autoscaling{MaxSize: 2, Purchase: fleet.Spot}, func(a *fleet.Args) {
			a.InstanceTypes = []string{"m7g.large", "M5.Large", "t3", "m7i.large", "m7i.large"}
		}), []string{`instanceTypes[0]: "m7g.large" is arm64 but the fleet's architecture is x86_64`, `instanceTypes[1]: "M5.Large" is not an instance type`,
			`instanceTypes[2]: "t3" is not an instance type`, `instanceTypes[4]: "m7i.large" is listed twice`}},
		{"x86 on arm64", asg(fleet.Autoscaling{MaxSize: 2}, func(a *fleet.Args) { a.Architecture = fleet.ArchARM; a.InstanceTypes = []string{"g5.xlarge"} }),
			[]string{`instanceTypes[0]: "g5.xlarge" is x86_64 but the fleet's architecture is arm64`}},
		{"unknown architecture", asg(fleet.Autoscaling{MaxSize: 2}, func(a *fleet.Args) { a.Architecture = "aarch64" }),
			[]string{`architecture: "aarch64" is not allowed: use one of x86_64, arm64`}},
		{"too many types", asg(fleet.Autoscaling{MaxSize: 2, Purchase: fleet.Spot}, func(a *fleet.Args) {
			for i := range 41 {
				a.InstanceTypes = append(a.InstanceTypes, "m"+strings.Repeat("5", 1)+"."+strings.Repeat("x", i+1)+"large")
			}
		}), []string{"instanceTypes: lists 41 types: an autoscaling group takes at most 40"}},

		// Image, IMDS, user data, description.
		{"image", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) { a.Image = fleet.Image{ID: "ami-123"} }),
			[]string{`image.id: "ami-123" is not an AMI id: use ami- and 8 or 17 hex digits`}},
		{"image both", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) { a.Image = fleet.Image{ID: "ami-12345678", Parameter: "/p"} }),
			[]string{"image: names both an AMI id and a parameter"}},
		{"parameter", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) { a.Image = fleet.Image{Parameter: "resolve:ssm:/p"} }),
			[]string{`image.parameter: "resolve:ssm:/p" is not an SSM parameter name`}},
		{"hop limit", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) { a.IMDSHopLimit = 3 }),
			[]string{"imdsHopLimit: 3 is not allowed: use 1, or 2 for containers"}},
		{"user data too long", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) { a.UserData = strings.Repeat("#", 16*1024+1) }),
			[]string{"userData: is 16385 bytes: EC2 takes at most 16384 (16 KiB) before base64"}},
		{"access key in user data", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) {
			a.UserData = "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n"
		}), []string{"userData: holds what looks like an AWS access key id", "userData: holds what looks like an AWS secret access key", "fetch it at boot"}},
		{"private key in user data", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) {
			a.UserData = "cat > /root/.ssh/id_rsa <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\nEOF\n"
		}), []string{"userData: holds what looks like a private key"}},
		{"description", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) { a.Description = strings.Repeat("d", 256) }),
			[]string{"description: is 256 characters long: a launch template's description has at most 255"}},
		{"description EC2 refuses in a group", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) { a.Description = "Kotta's workers" }),
			[]string{`description: as the security group's description: "Kotta's workers" has characters EC2 refuses ('\'')`}},
		{"group description EC2 refuses", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) { a.SecurityGroup.Description = "Kotta's workers" }),
			[]string{`securityGroup.description: "Kotta's workers" has characters EC2 refuses ('\'')`}},
		{"role description IAM refuses", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) { a.Role.Description = "workers ✓" }),
			[]string{`role.description: "workers ✓" has characters IAM refuses`}},

		// Volumes.
		{"root volume", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) {
			a.RootVolume = fleet.RootVolume{SizeGiB: 70000, DeviceName: "/dev/sdf", ThroughputMiBs: 1000}
		}), []string{`rootVolume.deviceName: "/dev/sdf" is not allowed: use one of /dev/xvda, /dev/sda1`,
			"rootVolume.sizeGiB: 70000 is out of range: use 1 to 65536 GiB for gp3",
			"rootVolume.throughputMiBs: 1000 MiB/s needs at least 4000 IOPS: gp3 allows 0.25 MiB/s per IOPS, and the volume has 3000"}},
		{"scratch volumes", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) {
			a.BlockDevices = []fleet.Volume{
				{DeviceName: "/dev/sdb", SizeGiB: 10},
				{DeviceName: "/dev/xvdf", Type: fleet.ST1, SizeGiB: 100, IOPS: 500},
				{DeviceName: "/dev/xvdf", Type: "standard", SizeGiB: 10},
				{Name: "data", DeviceName: "/dev/sdg"},
			}
		}), []string{`blockDevices[0].deviceName: "/dev/sdb" is not a device name for an EBS volume: use /dev/sdf to /dev/sdz or /dev/xvdf to /dev/xvdz`,
			"blockDevices[1].sizeGiB: 100 is out of range: use 125 to 16384 GiB for st1",
			"blockDevices[1].iops: st1 volumes take no provisioned IOPS",
			`blockDevices[2].type: "standard" is not allowed: use one of gp3, gp2, io1, io2, st1, sc1`,
			"blockDevices[2].deviceName: /dev/xvdf is already used by blockDevices[1].deviceName",
			"blockDevices[3].sizeGiB: is required: give the size, or a snapshot to take it from",
			"blockDevices[3]: is deleted with its instance: name and skipFinalSnapshot apply to an instance's volumes only"}},

		// Refresh, health checks, tags.
		{"refresh", workers(fleet.Autoscaling{MaxSize: 2, Refresh: fleet.Refresh{MinHealthyPercent: ptr(50), MaxHealthyPercent: 190}}),
			[]string{"autoscaling.refresh.maxHealthyPercent: 190 is more than 100 above minHealthyPercent 50"}},
		{"refresh bounds", workers(fleet.Autoscaling{MaxSize: 2, Refresh: fleet.Refresh{MinHealthyPercent: ptr(101), MaxHealthyPercent: 201}}),
			[]string{"autoscaling.refresh.minHealthyPercent: 101 is out of range: use 0 to 100 percent", "autoscaling.refresh.maxHealthyPercent: 201 is out of range: use 100 to 200 percent"}},
		{"manual refresh on tag changes", workers(fleet.Autoscaling{MaxSize: 2, Refresh: fleet.Refresh{Manual: true, OnTagChange: true}}),
			[]string{"autoscaling.refresh.onTagChange: needs automatic refreshes"}},
		{"refresh that replaces nothing", workers(fleet.Autoscaling{MaxSize: 2, Refresh: fleet.Refresh{MaxHealthyPercent: 100}}),
			[]string{"autoscaling.refresh.maxHealthyPercent: 100 equals minHealthyPercent"}},
		{"health checks", workers(fleet.Autoscaling{MaxSize: 2, HealthCheckType: "ELB", HealthCheckGraceSeconds: -1}),
			[]string{`autoscaling.healthCheckType: "ELB" needs targetGroupArns`, "autoscaling.healthCheckGraceSeconds: -1 is out of range: use 0 to 86400 seconds"}},
		{"group tags", workers(fleet.Autoscaling{MaxSize: 2, Tags: map[string]string{"aws:role": "x", "Name": "y"}}),
			[]string{"autoscaling.tags.aws:role: the aws: prefix is reserved by AWS", `autoscaling.tags.Name: "Name" is set by the naming convention`}},

		// Target tracking.
		{"target tracking", workers(fleet.Autoscaling{MaxSize: 2, TargetTracking: []fleet.TargetTracking{
			{Name: "cpu", Metric: fleet.MetricCPU, Target: 120, ResourceLabel: pulumi.String("x")},
			{Name: "cpu", Metric: "Memory", Target: 0},
			{Name: "requests", Metric: fleet.MetricRequestCountPerTarget, Target: 100},
		}}), []string{"autoscaling.targetTracking[0].target: 120 is out of range: CPU utilization is a percentage",
			"autoscaling.targetTracking[0].resourceLabel: only ALBRequestCountPerTarget takes a resource label",
			`autoscaling.targetTracking[1].name: "cpu" is used by targetTracking[0]`,
			`autoscaling.targetTracking[1].metric: "Memory" is not allowed`,
			"autoscaling.targetTracking[1].target: 0 is out of range: use a value above 0",
			"autoscaling.targetTracking[2].resourceLabel: is required with ALBRequestCountPerTarget"}},
		{"request count without target groups", workers(fleet.Autoscaling{MaxSize: 2, TargetTracking: []fleet.TargetTracking{
			{Name: "requests", Metric: fleet.MetricRequestCountPerTarget, Target: 100, ResourceLabel: pulumi.String("app/x/1/targetgroup/y/2")}}}),
			[]string{"autoscaling.targetTracking[0].resourceLabel: names a target group the group is not attached to: set targetGroupArns"}},

		// Step scaling and alarms.
		{"alarm", workers(step(func(s *fleet.StepScaling) {
			s.Alarm = fleet.Alarm{Namespace: ":Mine", Comparison: "GreaterThanUpperThreshold", Statistic: "p99", PeriodSeconds: 45, EvaluationPeriods: 2,
				DatapointsToAlarm: 3, TreatMissingData: "zero", Dimensions: map[string]pulumi.StringInput{"QueueName": nil, ":x": pulumi.String("y")}}
		})), []string{`autoscaling.stepScaling[0].alarm.namespace: ":Mine" starts with a colon`,
			`autoscaling.stepScaling[0].alarm.metricName: "" is not a metric name`,
			`autoscaling.stepScaling[0].alarm.dimensions.:x: ":x" is not a dimension name`,
			"autoscaling.stepScaling[0].alarm.dimensions.QueueName: has no value",
			`autoscaling.stepScaling[0].alarm.statistic: "p99" is not allowed`,
			"autoscaling.stepScaling[0].alarm.periodSeconds: 45 is not a CloudWatch period: use 10, 20, 30 or a multiple of 60",
			"autoscaling.stepScaling[0].alarm.datapointsToAlarm: 3 is out of range: use 1 to evaluationPeriods 2",
			`autoscaling.stepScaling[0].alarm.comparison: "GreaterThanUpperThreshold" is not allowed`,
			`autoscaling.stepScaling[0].alarm.treatMissingData: "zero" is not allowed`}},
		{"alarm spans more than a day", workers(step(func(s *fleet.StepScaling) { s.Alarm.PeriodSeconds, s.Alarm.EvaluationPeriods = 60, 1441 })),
			[]string{"autoscaling.stepScaling[0].alarm.evaluationPeriods: 1441 periods of 60 seconds span more than a day"}},
		{"alarm spans more than a week", workers(step(func(s *fleet.StepScaling) { s.Alarm.PeriodSeconds, s.Alarm.EvaluationPeriods = 3600, 169 })),
			[]string{"autoscaling.stepScaling[0].alarm.evaluationPeriods: 169 periods of 3600 seconds span more than seven days"}},
		{"no adjustment", workers(step(func(s *fleet.StepScaling) { s.Adjustment = 0 })),
			[]string{"autoscaling.stepScaling[0].adjustment: is required"}},
		{"adjustment and steps", workers(step(func(s *fleet.StepScaling) { s.Steps = []fleet.Step{{Lower: ptr(0.0), Adjustment: 1}} })),
			[]string{"autoscaling.stepScaling[0].steps: is set together with adjustment"}},
		{"negative exact capacity", workers(step(func(s *fleet.StepScaling) { s.AdjustmentType = fleet.ExactCapacity; s.Adjustment = -1 })),
			[]string{"autoscaling.stepScaling[0].adjustment: -1 is negative: an exact capacity is 0 or more instances"}},
		{"unknown adjustment type", workers(step(func(s *fleet.StepScaling) { s.AdjustmentType = "Double" })),
			[]string{`autoscaling.stepScaling[0].adjustmentType: "Double" is not allowed`}},
		{"steps with a gap", workers(step(func(s *fleet.StepScaling) {
			s.Adjustment = 0
			s.Steps = []fleet.Step{{Lower: ptr(0.0), Upper: ptr(10.0), Adjustment: 1}, {Lower: ptr(20.0), Adjustment: 2}}
		})), []string{"autoscaling.stepScaling[0].steps: leave a gap or overlap between 10 and 20"}},
		{"steps that miss the threshold", workers(step(func(s *fleet.StepScaling) {
			s.Adjustment = 0
			s.Steps = []fleet.Step{{Lower: ptr(5.0), Upper: ptr(10.0), Adjustment: 1}, {Lower: ptr(10.0), Upper: ptr(20.0), Adjustment: 2}}
		})), []string{"autoscaling.stepScaling[0].steps: start at 5: the steps must start at the threshold"}},
		{"steps on the wrong side", workers(step(func(s *fleet.StepScaling) {
			s.Adjustment = 0
			s.Steps = []fleet.Step{{Upper: ptr(0.0), Adjustment: 1}, {Lower: ptr(3.0), Upper: ptr(1.0), Adjustment: 1}, {Adjustment: 1}}
		})), []string{`autoscaling.stepScaling[0].steps[0]: reaches below the threshold, which a "Greater" alarm never does`,
			"autoscaling.stepScaling[0].steps[1]: upper 1 is not above lower 3", "autoscaling.stepScaling[0].steps[2]: is unbounded on both ends"}},
		{"scale-in steps", workers(step(func(s *fleet.StepScaling) {
			s.Alarm.Comparison, s.Adjustment = fleet.LessThan, 0
			s.Steps = []fleet.Step{{Lower: ptr(-10.0), Upper: ptr(0.0), Adjustment: -1}, {Upper: ptr(-10.0), Adjustment: 0}}
		})), []string{"autoscaling.stepScaling[0].steps[1].adjustment: is 0"}},

		// Placement and profile.
		{"placement", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) {
			a.Placement = &fleet.Placement{Strategy: "packed", PartitionCount: 3}
		}), []string{`placement.strategy: "packed" is not allowed`, `placement.partitionCount: applies to "partition" placement groups only`}},
		{"partitions", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) {
			a.Placement = &fleet.Placement{Strategy: fleet.PlacementPartition, PartitionCount: 8}
		}), []string{"placement.partitionCount: 8 is out of range: use 1 to 7 partitions"}},
		{"placement both", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) {
			a.Placement = &fleet.Placement{Strategy: fleet.PlacementSpread, Name: "pg"}
		}), []string{"placement: names an existing group and a strategy"}},
		{"role with a given profile", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) {
			a.InstanceProfileName = pulumi.String("p")
			a.Role.Policy = pulumi.String("{}")
		}), []string{"role: is set together with instanceProfileName"}},
		{"full access", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) {
			a.Role.ManagedPolicyARNs = []string{"arn:aws:iam::aws:policy/AmazonEC2FullAccess"}
		}), []string{"role.managedPolicyArns[0]:", "grants full access"}},
		{"open ssh", asg(fleet.Autoscaling{MaxSize: 1}, func(a *fleet.Args) {
			a.SecurityGroup.Ingress = []secgroup.Rule{{Name: "ssh", Description: "SSH", FromPort: 22, CIDR: "0.0.0.0/0"}}
		}), []string{`securityGroup.ingress[0].cidr: "0.0.0.0/0" opens the port to the whole internet`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			refused(t, tc.args, tc.want...)
		})
	}
}

func TestRefusedInstances(t *testing.T) {
	with := func(edit func(*fleet.Instance)) fleet.Args {
		m := member
		m.Name = "compute1"
		m.Volumes = append([]fleet.Volume(nil), member.Volumes...)
		edit(&m)
		return pool(m)
	}
	tests := []struct {
		name string
		args fleet.Args
		want []string
	}{
		{"names", pool(fleet.Instance{Name: "Compute 1", SubnetID: pulumi.String("s")}, fleet.Instance{Name: "c", SubnetID: pulumi.String("s")},
			fleet.Instance{Name: "c", SubnetID: pulumi.String("s")}),
			[]string{`instances[0].name: "Compute 1" is not allowed`, `instances[2].name: "c" is used by instances[1]`}},
		{"network", pool(
			fleet.Instance{Name: "a", PrivateIP: "10.0.0.300"},
			fleet.Instance{Name: "b", SubnetID: pulumi.String("s"), PrivateIP: "8.8.8.8"},
			fleet.Instance{Name: "c", SubnetID: pulumi.String("s"), PrivateIP: "10.0.0.5"},
			fleet.Instance{Name: "d", SubnetID: pulumi.String("s"), PrivateIP: "10.0.0.5"}),
			[]string{"instances[0].subnetId: is required", `instances[0].privateIp: "10.0.0.300" is not an IPv4 address`,
				`instances[1].privateIp: "8.8.8.8" is not a private address`, "instances[3].privateIp: 10.0.0.5 is taken by instances[2]"}},
		{"type and user data", with(func(m *fleet.Instance) {
			m.InstanceType = "m7g.large"
			m.UserData = "aws_secret_access_key=abc"
			m.Tags = map[string]string{"Group": "x"}
		}), []string{`instances[0].instanceType: "m7g.large" is arm64 but the fleet's architecture is x86_64`,
			"instances[0].userData: holds what looks like an AWS secret access key", `instances[0].tags.Group: "Group" is set by the naming convention`}},
		{"fleet-wide network settings", func() fleet.Args {
			a := pool(member)
			a.Instances[0].Name = "m"
			a.PublicIP = true
			a.InstanceTypes = []string{"t3.small", "t3.medium"}
			return a
		}(), []string{"publicIp: applies to autoscaling groups", "instanceTypes: lists several types: named instances take one"}},
		{"volume names and devices", with(func(m *fleet.Instance) {
			m.Volumes = []fleet.Volume{
				{Name: "data", DeviceName: "/dev/xvda", SizeGiB: 10},
				{Name: "data", DeviceName: "/dev/sdf", SizeGiB: 10},
				{Name: "Logs", DeviceName: "/dev/sdf", SizeGiB: 10},
			}
		}), []string{`instances[0].volumes[0].deviceName: "/dev/xvda" is not a device name for an EBS volume`,
			"instances[0].volumes[0].deviceName: /dev/xvda is already used by rootVolume",
			`instances[0].volumes[1].name: "data" is used by another volume of the instance`,
			`instances[0].volumes[2].name: "Logs" is not allowed`,
			"instances[0].volumes[2].deviceName: /dev/sdf is already used by instances[0].volumes[1].deviceName"}},
		{"gp3 performance", with(func(m *fleet.Instance) {
			m.Volumes = []fleet.Volume{
				{Name: "a", DeviceName: "/dev/sdf", SizeGiB: 10, IOPS: 6000},
				{Name: "b", DeviceName: "/dev/sdg", SizeGiB: 100, IOPS: 2000, ThroughputMiBs: 3000},
				{Name: "c", DeviceName: "/dev/sdh", SizeGiB: 1000, IOPS: 90000},
			}
		}), []string{"instances[0].volumes[0].iops: 6000 IOPS need at least 12 GiB: gp3 allows 500 IOPS per GiB",
			"instances[0].volumes[1].iops: 2000 is out of range: use 3000 to 80000 IOPS for gp3",
			"instances[0].volumes[1].throughputMiBs: 3000 is out of range: use 125 to 2000 MiB/s",
			"instances[0].volumes[2].iops: 90000 is out of range: use 3000 to 80000 IOPS for gp3"}},
		{"provisioned IOPS volumes", with(func(m *fleet.Instance) {
			m.Volumes = []fleet.Volume{
				{Name: "a", DeviceName: "/dev/sdf", Type: fleet.IO1, SizeGiB: 10},
				{Name: "b", DeviceName: "/dev/sdg", Type: fleet.IO1, SizeGiB: 10, IOPS: 1000},
				{Name: "c", DeviceName: "/dev/sdh", Type: fleet.IO2, SizeGiB: 3, IOPS: 100},
				{Name: "d", DeviceName: "/dev/sdi", Type: fleet.IO2, SizeGiB: 100, IOPS: 200000},
				{Name: "e", DeviceName: "/dev/sdj", Type: fleet.IO1, SizeGiB: 20000, IOPS: 64001},
				{Name: "f", DeviceName: "/dev/sdk", Type: fleet.IO2, SizeGiB: 100, IOPS: 1000, ThroughputMiBs: 500},
			}
		}), []string{"instances[0].volumes[0].iops: is required for io1 volumes: use 100 to 64000",
			"instances[0].volumes[1].iops: 1000 IOPS need at least 20 GiB: io1 allows 50 IOPS per GiB",
			"instances[0].volumes[2].sizeGiB: 3 is out of range: use 4 to 65536 GiB for io2",
			"instances[0].volumes[3].iops: 200000 IOPS need at least 200 GiB: io2 allows 1000 IOPS per GiB",
			"instances[0].volumes[4].sizeGiB: 20000 is out of range: use 4 to 16384 GiB for io1",
			"instances[0].volumes[4].iops: 64001 is out of range: use 100 to 64000 IOPS for io1",
			"instances[0].volumes[5].throughputMiBs: only gp3 volumes take a provisioned throughput, not io2"}},
		{"hdd and gp2", with(func(m *fleet.Instance) {
			m.Volumes = []fleet.Volume{
				{Name: "a", DeviceName: "/dev/sdf", Type: fleet.SC1, SizeGiB: 124},
				{Name: "b", DeviceName: "/dev/sdg", Type: fleet.GP2, SizeGiB: 16385, IOPS: 3000},
				{Name: "c", DeviceName: "/dev/sdh", SnapshotID: "snapshot-1"},
			}
		}), []string{"instances[0].volumes[0].sizeGiB: 124 is out of range: use 125 to 16384 GiB for sc1",
			"instances[0].volumes[1].sizeGiB: 16385 is out of range: use 1 to 16384 GiB for gp2",
			"instances[0].volumes[1].iops: gp2 volumes take no provisioned IOPS",
			`instances[0].volumes[2].snapshotId: "snapshot-1" is not a snapshot id`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			refused(t, tc.args, tc.want...)
		})
	}
}

// The EBS bounds accept their edges.
func TestVolumeEdgesAccepted(t *testing.T) {
	m := member
	m.Name = "edges"
	m.Volumes = []fleet.Volume{
		{Name: "gp3-max", DeviceName: "/dev/sdf", SizeGiB: 65536, IOPS: 80000, ThroughputMiBs: 2000},
		{Name: "gp3-ratio", DeviceName: "/dev/sdg", SizeGiB: 8, IOPS: 4000, ThroughputMiBs: 1000},
		{Name: "gp3-small", DeviceName: "/dev/sdh", SizeGiB: 1},
		{Name: "io1", DeviceName: "/dev/sdi", Type: fleet.IO1, SizeGiB: 4, IOPS: 200},
		{Name: "io2", DeviceName: "/dev/sdj", Type: fleet.IO2, SizeGiB: 256, IOPS: 256000},
		{Name: "st1", DeviceName: "/dev/xvdk", Type: fleet.ST1, SizeGiB: 16384},
		{Name: "sc1", DeviceName: "/dev/xvdz", Type: fleet.SC1, SizeGiB: 125},
		{Name: "from-snapshot", DeviceName: "/dev/sdp", SnapshotID: "snap-01234567"},
	}
	assert.NoError(t, pool(m).Validate())
}

func TestInstanceArchitecture(t *testing.T) {
	for typ, want := range map[string]string{
		"t4g.small": fleet.ArchARM, "m7gd.large": fleet.ArchARM, "c6gn.xlarge": fleet.ArchARM, "im4gn.large": fleet.ArchARM,
		"g5g.xlarge": fleet.ArchARM, "a1.medium": fleet.ArchARM, "t3.medium": fleet.ArchX86, "m7i-flex.large": fleet.ArchX86,
		"g5.xlarge": fleet.ArchX86, "g4dn.xlarge": fleet.ArchX86, "u-6tb1.metal": fleet.ArchX86, "c7i.metal-24xl": fleet.ArchX86,
	} {
		got, ok := fleet.InstanceArchitecture(typ)
		assert.True(t, ok, typ)
		assert.Equal(t, want, got, typ)
	}
	_, ok := fleet.InstanceArchitecture("large")
	assert.False(t, ok)
}

// A bad stage tag is reported once, at naming; a member's own tags are checked on their own and,
// with the stage's, against AWS's 50 tags.
func TestMemberTagsReportedOnce(t *testing.T) {
	a := pool(fleet.Pool("compute", 2, member)...)
	a.Naming.Extra = map[string]string{"aws:team": "x"}
	err := a.Validate()
	assert.ErrorContains(t, err, "naming.tags.aws:team: the aws: prefix is reserved")
	assert.Equal(t, 1, strings.Count(err.Error(), "aws:team"), "got %v", err)

	a = pool(fleet.Pool("compute", 1, member)...)
	a.Naming.Extra = map[string]string{}
	a.Instances[0].Tags = map[string]string{}
	for i := range 30 {
		a.Naming.Extra[strings.Repeat("s", i+1)] = "stage"
		a.Instances[0].Tags[strings.Repeat("m", i+1)] = "member"
	}
	assert.ErrorContains(t, a.Validate(), "instances[0].tags: 60 extra tags leave no room: AWS allows 50 tags")
}
