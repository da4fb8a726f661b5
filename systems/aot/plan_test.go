package aot

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/systems"
)

func ptr[T any](v T) *T { return &v }

func TestPlanAppliesDefaultsAndOverrides(t *testing.T) {
	c := example()
	c.Pools["worker"] = Pool{Count: 2, Settings: Settings{Owner: "hpc-team", Zones: []int{0, 1},
		InstanceProfile: &InstanceProfile{ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"}}}}
	p, err := c.Plan(stage, site)
	require.NoError(t, err)

	require.Len(t, p.Groups, 2)
	worker, head := p.Groups[0], p.Groups[1]
	assert.Equal(t, "worker", worker.Name)
	assert.True(t, worker.Pool)
	assert.Equal(t, "head", head.Name)
	assert.False(t, head.Pool)

	assert.Equal(t, []string{"t3.small"}, worker.Fleet.InstanceTypes, "the default instance type")
	assert.Equal(t, []string{"t3.medium"}, head.Fleet.InstanceTypes, "the instance's own type replaces the default")
	assert.Equal(t, "hpc-team", worker.Fleet.Naming.Owner, "the pool's owner tags its resources")
	assert.Equal(t, "research-platform", head.Fleet.Naming.Owner, "the stage's owner by default")
	assert.Equal(t, []string{fleet.SSMManagedInstanceCore, "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"},
		worker.Fleet.Role.ManagedPolicyARNs, "Session Manager always, then the extras")
	assert.Equal(t, fleet.ArchX86, worker.Fleet.Architecture)
	assert.Equal(t, "aot-test", p.Cluster)
	assert.Equal(t, "/aot/test", p.ParameterPath)
	assert.Equal(t, defaultTimeout, p.TimeoutSeconds)

	var names []string
	for _, m := range worker.Fleet.Instances {
		names = append(names, m.Name)
		assert.Equal(t, map[string]string{ClusterTag: "aot-test"}, m.Tags)
		assert.False(t, m.PublicIP, "no public IP unless asked")
		require.Len(t, m.Volumes, 1)
		assert.Equal(t, fleet.Volume{Name: "scratch", DeviceName: "/dev/sdf", SizeGiB: 10}, m.Volumes[0])
	}
	assert.Equal(t, []string{"worker1", "worker2"}, names, "pool members are <pool>1 to <pool>N")
	assert.Equal(t, []Member{
		{Name: "worker1", Zone: 0, User: "ec2-user", Owner: "hpc-team"},
		{Name: "worker2", Zone: 1, User: "ec2-user", Owner: "hpc-team"},
	}, worker.Members, "members take the listed zones in turn")
	assert.Equal(t, []Member{{Name: "head", Zone: 0, User: "ec2-user", Owner: "research-platform"}}, head.Members)

	require.Len(t, p.Stages, 2, "the two example stages, each once")
	assert.Equal(t, []string{p.Stages[0].SHA256, p.Stages[1].SHA256}, worker.Stages)
	assert.Equal(t, worker.Stages, head.Stages, "both inherit the default sequence")
	assert.Empty(t, p.OptIns())
}

func TestPlanDerivesArchitectureAndVolumeNames(t *testing.T) {
	c := example()
	c.Instances = map[string]Instance{"gpu": {Settings: Settings{InstanceType: "g5g.xlarge", Volumes: []Volume{{DeviceName: "/dev/xvdg", SizeGiB: 100}},
		Bootstrap: []Tarball{}}}}
	p, err := c.Plan(stage, site)
	require.NoError(t, err)
	gpu := p.Groups[1]
	assert.Equal(t, fleet.ArchARM, gpu.Fleet.Architecture, "Graviton types run the arm64 image")
	assert.Equal(t, "xvdg", gpu.Fleet.Instances[0].Volumes[0].Name, "a volume is named after its device by default")
	assert.Empty(t, gpu.Stages, "an empty list replaces the default sequence")
}

func TestPlanPlacesPublicMembersAndReportsTheOptIn(t *testing.T) {
	c := example()
	c.Instances = map[string]Instance{"bastion": {Settings: Settings{PublicIP: ptr(true), Zones: []int{2}}}}
	p, err := c.Plan(stage, site)
	require.NoError(t, err)
	b := p.Groups[1]
	assert.True(t, b.Fleet.Instances[0].PublicIP)
	assert.Equal(t, Member{Name: "bastion", Zone: 2, Public: true, User: "ec2-user", Owner: "research-platform"}, b.Members[0])
	assert.Equal(t, []systems.OptIn{{Type: "aws:ec2/instance:Instance", Name: "aot-bastion-bastion",
		Key: "strata:aot.instances.bastion.publicIp", Why: publicIPWhy}}, p.OptIns())
}

func TestPlanLeavesTheConfigAlone(t *testing.T) {
	c := example()
	c.Defaults.InstanceProfile = &InstanceProfile{PolicyARNs: map[string]string{"data": "arn:aws:iam::123456789012:policy/data"}}
	c.Defaults.Zones = []int{1, 0}
	want := example()
	want.Defaults.InstanceProfile = &InstanceProfile{PolicyARNs: map[string]string{"data": "arn:aws:iam::123456789012:policy/data"}}
	want.Defaults.Zones = []int{1, 0}
	p, err := c.Plan(stage, site)
	require.NoError(t, err)
	p.Groups[0].Fleet.Role.Attach["more"] = nil
	p.Groups[0].Fleet.Instances[0].Volumes[0].SizeGiB = 1
	p.Groups[0].Fleet.Instances[0].Tags["x"] = "y"
	assert.True(t, reflect.DeepEqual(c, want), "Plan and changes to its result must not reach the config")
	assert.Len(t, p.Groups[1].Fleet.Role.Attach, 1, "groups do not share their role's attachments")
}

// Bad config is refused with one problem per mistake, each at the config key the user wrote.
func TestPlanRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(c *Config, st *systems.Stage, s *Site)
		wants []string
	}{
		{"count zero", func(c *Config, _ *systems.Stage, _ *Site) { c.Pools["worker"] = Pool{Count: 0} },
			[]string{"strata:aot.pools.worker.count: 0 is out of range: use 1 to 100 members"}},
		{"count too high", func(c *Config, _ *systems.Stage, _ *Site) { c.Pools["worker"] = Pool{Count: 101} },
			[]string{"strata:aot.pools.worker.count: 101 is out of range"}},
		{"pool ending in a digit", func(c *Config, _ *systems.Stage, _ *Site) { c.Pools = map[string]Pool{"gpu2": {Count: 1}} },
			[]string{`strata:aot.pools.gpu2: "gpu2" ends in a digit or hyphen`}},
		{"pool name", func(c *Config, _ *systems.Stage, _ *Site) { c.Pools = map[string]Pool{"Compute": {Count: 1}} },
			[]string{`strata:aot.pools.Compute: is not a pool name: "Compute" is not allowed`}},
		{"pool name too long for its members", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Pools = map[string]Pool{strings.Repeat("a", 31): {Count: 10}}
		}, []string{"strata:aot.pools." + strings.Repeat("a", 31) + ": is not a pool name"}},
		{"instance named like a member", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Instances = map[string]Instance{"worker3": {}}
		}, []string{`strata:aot.instances.worker3: "worker3" is the name of a member of pool worker`}},
		{"instance named like a pool", func(c *Config, _ *systems.Stage, _ *Site) { c.Instances = map[string]Instance{"worker": {}} },
			[]string{`strata:aot.instances.worker: "worker" is also a pool`}},
		{"reserved name", func(c *Config, _ *systems.Stage, _ *Site) { c.Instances = map[string]Instance{"cluster": {}} },
			[]string{`strata:aot.instances.cluster: "cluster" names the cluster's own security group`}},
		{"no members", func(c *Config, _ *systems.Stage, _ *Site) { c.Pools, c.Instances = nil, nil },
			[]string{"strata:aot.pools: declares no members"}},
		{"bad default type, reported once", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Defaults.InstanceType = "t3small"
			c.Instances["head"] = Instance{}
		}, []string{`strata:aot.defaults.instanceType: "t3small" is not an instance type`}},
		{"image id and parameter", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Pools["worker"] = Pool{Count: 2, Settings: Settings{Image: &Image{ID: "ami-0123456789abcdef0", Parameter: "/x"}}}
		}, []string{"strata:aot.pools.worker.image: names both an AMI id and a parameter"}},
		{"bad ami", func(c *Config, _ *systems.Stage, _ *Site) { c.Defaults.Image = &Image{ID: "ami-xyz"} },
			[]string{`strata:aot.defaults.image.id: "ami-xyz" is not an AMI id`}},
		{"volume beyond its IOPS", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Pools["worker"] = Pool{Count: 2, Settings: Settings{Volumes: []Volume{{DeviceName: "/dev/sdf", SizeGiB: 10, IOPS: 16000}}}}
		}, []string{"strata:aot.pools.worker.volumes[0].iops: 16000 IOPS need at least 32 GiB"}},
		{"volume device", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Instances["head"] = Instance{Settings: Settings{Volumes: []Volume{{DeviceName: "/dev/sda", SizeGiB: 10}}}}
		}, []string{`strata:aot.instances.head.volumes[0].deviceName: "/dev/sda" is not a device name`}},
		{"zone out of range", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Pools["worker"] = Pool{Count: 2, Settings: Settings{Zones: []int{0, 3}}}
		}, []string{"strata:aot.pools.worker.zones[1]: 3 is not a zone of the stage network: it has 3 private subnets, so use 0 to 2"}},
		{"zones and subnet", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Defaults.Zones, c.Defaults.SubnetID = []int{0}, "subnet-0123456789abcdef0"
		}, []string{"strata:aot.defaults.zones: is set together with subnetId"}},
		{"empty zones", func(c *Config, _ *systems.Stage, _ *Site) { c.Defaults.Zones = []int{} },
			[]string{"strata:aot.defaults.zones: is empty"}},
		{"cluster placement across zones", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Pools["worker"] = Pool{Count: 2, Settings: Settings{Zones: []int{0, 1}, Placement: &Placement{Strategy: "cluster"}}}
		}, []string{"strata:aot.pools.worker.zones: lists 2 zones but a cluster placement group lies in one"}},
		{"placement strategy", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Pools["worker"] = Pool{Count: 2, Settings: Settings{Placement: &Placement{Strategy: "tight"}}}
		}, []string{`strata:aot.pools.worker.placement.strategy: "tight" is not allowed`}},
		{"public IP without public subnets", func(c *Config, _ *systems.Stage, s *Site) {
			s.PublicZones = 0
			c.Instances["head"] = Instance{Settings: Settings{PublicIP: ptr(true)}}
		}, []string{"strata:aot.instances.head.publicIp: the stage network has no public subnets"}},
		{"subnet id", func(c *Config, _ *systems.Stage, _ *Site) { c.Defaults.SubnetID = "subnet-1" },
			[]string{`strata:aot.defaults.subnetId: "subnet-1" is not a subnet id`}},
		{"security group id", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Defaults.SecurityGroupIDs = []string{"sg-0123456789abcdef0", "default"}
		}, []string{`strata:aot.defaults.securityGroupIds[1]: "default" is not a security group id`}},
		{"full access", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Defaults.InstanceProfile = &InstanceProfile{ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/AmazonS3FullAccess"}}
		}, []string{`strata:aot.defaults.instanceProfile.managedPolicyArns[0]: "arn:aws:iam::aws:policy/AmazonS3FullAccess" grants full access`}},
		{"policy ARN", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Defaults.InstanceProfile = &InstanceProfile{PolicyARNs: map[string]string{"data": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}
		}, []string{`strata:aot.defaults.instanceProfile.policyArns.data: "arn:aws:iam::aws:policy/ReadOnlyAccess" is not a customer managed policy ARN`}},
		{"user", func(c *Config, _ *systems.Stage, _ *Site) { c.Defaults.User = "Admin" },
			[]string{`strata:aot.defaults.user: "Admin" is not a Linux user name`}},
		{"owner", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Pools["worker"] = Pool{Count: 2, Settings: Settings{Owner: "ops<team>"}}
		},
			[]string{`strata:aot.pools.worker.owner: "ops<team>" has characters AWS does not allow in tag values`}},
		{"missing tarball", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Defaults.Bootstrap = []Tarball{{Path: "systems/aot/examples/nothing"}}
		},
			[]string{`strata:aot.defaults.bootstrap[0].path: "systems/aot/examples/nothing" does not exist in the project`}},
		{"directory without bootstrap.sh", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Defaults.Bootstrap = []Tarball{{Path: "systems/aot/examples"}}
		},
			[]string{`strata:aot.defaults.bootstrap[0].path: "systems/aot/examples" has no bootstrap.sh at its top`}},
		{"path outside the project", func(c *Config, _ *systems.Stage, _ *Site) { c.Defaults.Bootstrap = []Tarball{{Path: "../etc"}} },
			[]string{`strata:aot.defaults.bootstrap[0].path: "../etc" is not a path inside the project`}},
		{"s3 without its hash", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Defaults.Bootstrap = []Tarball{{S3: "s3://tools-bucket/stage.tar.gz"}}
		},
			[]string{"strata:aot.defaults.bootstrap[0].sha256: is required with s3"}},
		{"s3 and path", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Defaults.Bootstrap = []Tarball{{Path: "systems/aot/examples/hello", S3: "s3://tools-bucket/x.tar.gz"}}
		}, []string{"strata:aot.defaults.bootstrap[0]: names a path and an s3 object"}},
		{"pin that does not match", func(c *Config, _ *systems.Stage, _ *Site) {
			c.Defaults.Bootstrap = []Tarball{{Path: "systems/aot/examples/hello", SHA256: strings.Repeat("ab", 32)}}
		}, []string{"strata:aot.defaults.bootstrap[0].sha256: is " + strings.Repeat("ab", 32) + " but systems/aot/examples/hello has"}},
		{"bucket", func(c *Config, _ *systems.Stage, _ *Site) { c.Bucket = "" },
			[]string{"strata:aot.bucket: is required"}},
		{"force destroy when protected", func(c *Config, st *systems.Stage, _ *Site) { c.ForceDestroy, st.Protect = true, true },
			[]string{"strata:aot.forceDestroy: must be false for a protected bucket"}},
		{"timeouts", func(c *Config, _ *systems.Stage, _ *Site) { c.BootstrapTimeoutSeconds, c.WaitSeconds = 10, 7200 },
			[]string{"strata:aot.bootstrapTimeoutSeconds: 10 is out of range", "strata:aot.waitSeconds: 7200 is out of range"}},
		{"no network", func(_ *Config, st *systems.Stage, _ *Site) { st.Network = false },
			[]string{"strata:aot: aot runs in a VPC"}},
		{"cluster tag taken", func(_ *Config, st *systems.Stage, _ *Site) { st.Tags = map[string]string{"Cluster": "x"} },
			[]string{"strata:tags.Cluster: is set by aot on its members"}},
		{"too many tags for objects", func(_ *Config, st *systems.Stage, _ *Site) {
			st.Tags = map[string]string{"A": "1", "B": "2", "C": "3", "D": "4", "E": "5", "F": "6"}
		}, []string{"strata:tags: gives aot's bootstrap objects 11 tags: S3 objects take at most 10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, st, s := example(), stage, site
			c.Pools = map[string]Pool{"worker": c.Pools["worker"]}
			c.Instances = map[string]Instance{"head": c.Instances["head"]}
			tt.edit(&c, &st, &s)
			_, err := c.Plan(st, s)
			require.Error(t, err)
			problems := field.Problems(err)
			got := make([]string, len(problems))
			for i, p := range problems {
				got[i] = p.Error()
			}
			require.Len(t, got, len(tt.wants), "problems:\n%s", strings.Join(got, "\n"))
			for i, w := range tt.wants {
				assert.Contains(t, got[i], w)
			}
		})
	}
}

// A spread placement group runs at most 7 instances per zone, counted as members are placed: in
// turn over the pool's zones. Partition groups take at most 7 partitions.
func TestPlanFitsPlacementGroupsInTheirZones(t *testing.T) {
	spread := &Placement{Strategy: "spread"}
	tests := []struct {
		name string
		edit func(c *Config)
		want string // "" when accepted
	}{
		{"7 in one zone", func(c *Config) { c.Pools["worker"] = Pool{Count: 7, Settings: Settings{Placement: spread}} }, ""},
		{"8 in one zone", func(c *Config) { c.Pools["worker"] = Pool{Count: 8, Settings: Settings{Placement: spread}} },
			"strata:aot.pools.worker.placement.strategy: spread puts the 8 members of pool worker in one zone: a spread placement group runs at most 7 instances per Availability Zone; list at least 2 zones"},
		{"8 over two zones", func(c *Config) {
			c.Pools["worker"] = Pool{Count: 8, Settings: Settings{Placement: spread, Zones: []int{0, 1}}}
		}, ""},
		{"15 over two zones", func(c *Config) {
			c.Pools["worker"] = Pool{Count: 15, Settings: Settings{Placement: spread, Zones: []int{0, 1}}}
		}, "strata:aot.pools.worker.placement.strategy: spread puts the 15 members of pool worker in 2 zones, 8 in one: a spread placement group runs at most 7 instances per Availability Zone; list at least 3 zones"},
		{"21 over three zones", func(c *Config) {
			c.Pools["worker"] = Pool{Count: 21, Settings: Settings{Placement: spread, Zones: []int{2, 0, 1}}}
		}, ""},
		{"8 in one subnet", func(c *Config) {
			c.Pools["worker"] = Pool{Count: 8, Settings: Settings{Placement: spread, SubnetID: "subnet-0123456789abcdef0"}}
		}, "strata:aot.pools.worker.placement.strategy: spread puts the 8 members of pool worker in one subnet, so one zone: a spread placement group runs at most 7 instances per Availability Zone; drop subnetId"},
		{"spread by default", func(c *Config) {
			c.Defaults.Placement = spread
			c.Pools["worker"] = Pool{Count: 9}
		}, "strata:aot.defaults.placement.strategy: spread puts the 9 members of pool worker in one zone"},
		{"8 in a cluster group", func(c *Config) {
			c.Pools["worker"] = Pool{Count: 8, Settings: Settings{Placement: &Placement{Strategy: "cluster"}}}
		}, ""},
		{"8 in a partition group", func(c *Config) {
			c.Pools["worker"] = Pool{Count: 8, Settings: Settings{Placement: &Placement{Strategy: "partition", PartitionCount: 7}}}
		}, ""},
		{"8 partitions", func(c *Config) {
			c.Pools["worker"] = Pool{Count: 8, Settings: Settings{Placement: &Placement{Strategy: "partition", PartitionCount: 8}}}
		}, "strata:aot.pools.worker.placement.partitionCount: 8 is out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := example()
			tt.edit(&c)
			_, err := c.Plan(stage, site)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			problems := field.Problems(err)
			require.Len(t, problems, 1, "%v", err)
			assert.Contains(t, problems[0].Error(), tt.want)
		})
	}
}

func TestFleetKeysName(t *testing.T) {
	src := map[string]string{"image": "defaults.image", "instanceType": "pools.x.instanceType", "volumes": "pools.x.volumes",
		"rootVolume": "defaults.rootVolume", "placement": "pools.x.placement", "instanceProfile": "defaults.instanceProfile",
		"owner": "pools.x.owner"}
	tests := map[string]string{
		"image.id":                     "defaults.image.id",
		"instanceTypes[0]":             "pools.x.instanceType",
		"architecture":                 "pools.x.instanceType",
		"instances[3].volumes[1].iops": "pools.x.volumes[1].iops",
		"instances[0].instanceType":    "pools.x.instanceType",
		"instances[2].name":            "pools.x",
		"rootVolume.sizeGiB":           "defaults.rootVolume.sizeGiB",
		"placement.partitionCount":     "pools.x.placement.partitionCount",
		"role.managedPolicyArns[2]":    "defaults.instanceProfile.managedPolicyArns[1]",
		"role.attach.data":             "defaults.instanceProfile.policyArns.data",
		"group":                        "pools.x",
		"securityGroup.egress[0].cidr": "pools.x.securityGroup.egress[0].cidr",
	}
	for in, want := range tests {
		got, ok := fleetKey(in, "pools.x", src)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, p := range []string{"naming.env", "naming.owner", "instances[1].tags.Name"} {
		_, ok := fleetKey(p, "pools.x", src)
		assert.False(t, ok, "%s is the stage's, reported by the stage", p)
	}
}
