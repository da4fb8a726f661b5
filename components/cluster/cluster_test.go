package cluster_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/strata-iac/strata/components/cluster"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeCluster    = "aws:ecs/cluster:Cluster"
	typeCCP        = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
	typeCP         = "aws:ecs/capacityProvider:CapacityProvider"
	typeLT         = "aws:ec2/launchTemplate:LaunchTemplate"
	typeASG        = "aws:autoscaling/group:Group"
	typeSG         = "aws:ec2/securityGroup:SecurityGroup"
	typeIngress    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeEgress     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeRole       = "aws:iam/role:Role"
	typePolicy     = "aws:iam/policy:Policy"
	typeAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeProfile    = "aws:iam/instanceProfile:InstanceProfile"
	typeNamespace  = "aws:servicediscovery/httpNamespace:HttpNamespace"

	clusterARN = "arn:aws:ecs:us-east-1:123456789012:cluster/lookup-test-cluster"
	hosts      = "lookup-test-ecs-hosts"
)

var (
	conv    = naming.Convention{App: "lookup", Env: "test", Owner: "ld4p"}
	subnets = []string{"subnet-a", "subnet-b"}
)

// deploy creates a cluster from config-facing args, with the code-set inputs a stack would pass.
// It records the ignoreChanges of every child, which the mock monitor does not keep.
func deploy(t *testing.T, args cluster.Args) (*mock.Result, map[string][]string) {
	t.Helper()
	args.Naming = conv
	args.VPCID = pulumi.String("vpc-1")
	args.SubnetIDs = pulumi.ToStringArray(subnets)
	ignored := map[string][]string{}
	record := func(rt *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		if o, err := pulumi.NewResourceOptions(rt.Opts...); err == nil && len(o.IgnoreChanges) > 0 {
			ignored[rt.Type] = o.IgnoreChanges
		}
		return nil
	}
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		c, err := cluster.New(ctx, "lookup", &args, pulumi.Transformations([]pulumi.ResourceTransformation{record}))
		if err != nil {
			return err
		}
		ctx.Export("name", c.Name)
		ctx.Export("arn", c.ARN)
		ctx.Export("capacityProvider", pulumi.String(c.CapacityProvider))
		ctx.Export("dependency", c.CapacityProviderDependency.URN())
		ctx.Export("namespace", c.NamespaceARN)
		ctx.Export("instanceSecurityGroup", c.InstanceSecurityGroupID)
		return nil
	})
	return res, ignored
}

func strs(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func TestCapacities(t *testing.T) {
	tests := []struct {
		capacity     string
		wantDefault  string
		wantProvider []string
	}{
		{"", cluster.Fargate, []string{"FARGATE", "FARGATE_SPOT"}},
		{cluster.CapacityFargate, cluster.Fargate, []string{"FARGATE", "FARGATE_SPOT"}},
		{cluster.CapacityFargateSpot, cluster.FargateSpot, []string{"FARGATE", "FARGATE_SPOT"}},
		{cluster.CapacityEC2, hosts, []string{"FARGATE", "FARGATE_SPOT", hosts}},
	}
	for _, tc := range tests {
		t.Run("capacity "+tc.capacity, func(t *testing.T) {
			res, _ := deploy(t, cluster.Args{Capacity: tc.capacity})
			c := mocktest.One(t, res, typeCluster)
			mocktest.Eq(t, "cluster name", c.In("name"), "lookup-test-cluster")
			mocktest.Eq(t, "settings", len(strs(c.In("settings"))), 1)
			mocktest.Eq(t, "setting name", c.In("settings[0].name"), "containerInsights")
			mocktest.Eq(t, "Container Insights", c.In("settings[0].value"), "enabled")

			ccp := mocktest.One(t, res, typeCCP)
			mocktest.Eq(t, "capacity providers cluster", ccp.In("clusterName"), "lookup-test-cluster")
			mocktest.EqualLists(t, "capacity providers", strs(ccp.In("capacityProviders")), tc.wantProvider)
			mocktest.Eq(t, "default strategies", len(strs(ccp.In("defaultCapacityProviderStrategies"))), 1)
			mocktest.Eq(t, "default provider", ccp.In("defaultCapacityProviderStrategies[0].capacityProvider"), tc.wantDefault)
			mocktest.Eq(t, "default weight", ccp.In("defaultCapacityProviderStrategies[0].weight"), float64(1))

			mocktest.Eq(t, "name output", res.Outputs["name"], "lookup-test-cluster")
			mocktest.Eq(t, "arn output", res.Outputs["arn"], clusterARN)
			mocktest.Eq(t, "capacityProvider output", res.Outputs["capacityProvider"], tc.wantDefault)
			mocktest.Eq(t, "dependency output", fmt.Sprint(res.Outputs["dependency"]), ccp.URN)
			mocktest.Eq(t, "namespace output", res.Outputs["namespace"], "")

			ec2 := tc.capacity == cluster.CapacityEC2
			for _, typ := range []string{typeLT, typeASG, typeCP, typeSG, typeRole, typeProfile} {
				if got := len(res.ByType(typ)); (got == 1) != ec2 || got > 1 {
					t.Errorf("%s: got %d, want %d", typ, got, map[bool]int{true: 1}[ec2])
				}
			}
			if !ec2 {
				mocktest.Eq(t, "instance security group output", res.Outputs["instanceSecurityGroup"], "")
			}
		})
	}
}

func TestLaunchTemplate(t *testing.T) {
	tests := []struct {
		name  string
		ec2   *cluster.EC2
		image string
		typ   string
		root  float64
	}{
		{"defaults", nil, "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id", "t3.medium", 30},
		{"graviton", &cluster.EC2{InstanceType: "m7g.large", Architecture: cluster.ArchARM, RootVolumeGiB: 100},
			"resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id", "m7g.large", 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := deploy(t, cluster.Args{Capacity: cluster.CapacityEC2, EC2: tc.ec2})
			lt := mocktest.One(t, res, typeLT)
			mocktest.Eq(t, "name", lt.In("name"), hosts)
			mocktest.Eq(t, "image", lt.In("imageId"), tc.image)
			raw, err := json.Marshal(lt.Inputs.Mappable())
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(raw), "ami-") {
				t.Errorf("launch template holds a literal AMI id: %s", raw)
			}
			if n := len(res.Invokes()); n != 0 {
				t.Errorf("got %d invokes, want none: EC2 resolves the AMI parameter at launch", n)
			}
			mocktest.Eq(t, "instance type", lt.In("instanceType"), tc.typ)

			mocktest.Eq(t, "IMDS endpoint", lt.In("metadataOptions.httpEndpoint"), "enabled")
			mocktest.Eq(t, "IMDSv2", lt.In("metadataOptions.httpTokens"), "required")
			mocktest.Eq(t, "IMDS hop limit", lt.In("metadataOptions.httpPutResponseHopLimit"), float64(1))

			mocktest.Eq(t, "block devices", len(strs(lt.In("blockDeviceMappings"))), 1)
			mocktest.Eq(t, "root device", lt.In("blockDeviceMappings[0].deviceName"), "/dev/xvda")
			mocktest.Eq(t, "root encrypted", lt.In("blockDeviceMappings[0].ebs.encrypted"), "true")
			mocktest.Eq(t, "root type", lt.In("blockDeviceMappings[0].ebs.volumeType"), "gp3")
			mocktest.Eq(t, "root size", lt.In("blockDeviceMappings[0].ebs.volumeSize"), tc.root)

			sg := mocktest.One(t, res, typeSG)
			mocktest.Eq(t, "network interfaces", len(strs(lt.In("networkInterfaces"))), 1)
			mocktest.Eq(t, "public IP", lt.In("networkInterfaces[0].associatePublicIpAddress"), "false")
			mocktest.EqualLists(t, "security groups", strs(lt.In("networkInterfaces[0].securityGroups")), []string{sg.ID})
			if lt.In("vpcSecurityGroupIds") != nil || lt.In("keyName") != nil {
				t.Error("got vpcSecurityGroupIds or keyName, want neither: the group sits on the interface, SSM replaces SSH keys")
			}
			mocktest.Eq(t, "instance profile", lt.In("iamInstanceProfile.name"), mocktest.One(t, res, typeProfile).In("name"))

			data, err := base64.StdEncoding.DecodeString(fmt.Sprint(lt.In("userData")))
			if err != nil {
				t.Fatalf("user data is not base64: %v", err)
			}
			want := "#!/bin/bash\ncat > /etc/ecs/ecs.config <<'EOF'\n" +
				"ECS_CLUSTER=lookup-test-cluster\nECS_AWSVPC_BLOCK_IMDS=true\nECS_ENABLE_TASK_IAM_ROLE=true\nEOF\n"
			mocktest.Eq(t, "user data", string(data), want)

			var kinds []string
			for i := range strs(lt.In("tagSpecifications")) {
				spec := fmt.Sprintf("tagSpecifications[%d]", i)
				kinds = append(kinds, fmt.Sprint(lt.In(spec+".resourceType")))
				mocktest.Eq(t, spec+" Name", lt.In(spec+".tags.Name"), hosts)
				mocktest.Eq(t, spec+" Owner", lt.In(spec+".tags.Owner"), "ld4p")
			}
			mocktest.EqualLists(t, "tagged at launch", kinds, []string{"instance", "volume", "network-interface"})
		})
	}
}

func TestInstanceSecurityGroup(t *testing.T) {
	res, _ := deploy(t, cluster.Args{Capacity: cluster.CapacityEC2})
	sg := mocktest.One(t, res, typeSG)
	mocktest.Eq(t, "name", sg.In("name"), hosts)
	mocktest.Eq(t, "vpc", sg.In("vpcId"), "vpc-1")
	if n := len(res.ByType(typeIngress)); n != 0 || sg.In("ingress") != nil {
		t.Errorf("got %d ingress rules, want none", n)
	}
	out := mocktest.One(t, res, typeEgress)
	mocktest.Eq(t, "egress port", out.In("fromPort"), float64(443))
	mocktest.Eq(t, "egress to port", out.In("toPort"), float64(443))
	mocktest.Eq(t, "egress cidr", out.In("cidrIpv4"), "0.0.0.0/0")
	mocktest.Eq(t, "output", res.Outputs["instanceSecurityGroup"], sg.ID)
}

func TestInstanceRole(t *testing.T) {
	res, _ := deploy(t, cluster.Args{Capacity: cluster.CapacityEC2})
	r := mocktest.One(t, res, typeRole)
	mocktest.Eq(t, "role name", r.In("name"), hosts)
	trust := mocktest.Document(t, r, "assumeRolePolicy")
	mocktest.Eq(t, "trusted service", trust.Statement[0].Principal.(map[string]any)["Service"], "ec2.amazonaws.com")

	doc := mocktest.Document(t, mocktest.One(t, res, typePolicy), "policy")
	instances := "arn:aws:ecs:us-east-1:123456789012:container-instance/*"
	mocktest.EqualLists(t, "grants", mocktest.Grants(doc), []string{
		"ecs:DeregisterContainerInstance " + clusterARN,
		"ecs:DiscoverPollEndpoint *",
		"ecs:Poll " + instances,
		"ecs:RegisterContainerInstance " + clusterARN,
		"ecs:StartTelemetrySession " + instances,
		"ecs:SubmitAttachmentStateChanges " + clusterARN,
		"ecs:SubmitContainerStateChange " + clusterARN,
		"ecs:SubmitTaskStateChange " + clusterARN,
		"ecs:UpdateContainerInstancesState " + instances,
	})
	for _, s := range doc.Statement {
		scoped := slices.Contains(s.Resource, instances)
		got := s.Condition["ArnEquals"]["ecs:cluster"]
		if scoped && got != clusterARN || !scoped && s.Condition != nil {
			t.Errorf("statement %s: got condition %v, want ecs:cluster = the cluster on container instances only", s.Sid, s.Condition)
		}
	}

	var attached []string
	for _, a := range res.ByType(typeAttachment) {
		arn := fmt.Sprint(a.In("policyArn"))
		attached = append(attached, arn)
		if strings.Contains(arn, "FullAccess") || strings.Contains(arn, "AmazonEC2ContainerServiceforEC2Role") {
			t.Errorf("attached %s: write least-privilege grants instead", arn)
		}
	}
	slices.Sort(attached)
	mocktest.EqualLists(t, "attached policies", attached, []string{
		"arn:aws:iam::123456789012:policy/" + hosts,
		cluster.SSMManagedInstanceCore,
	})
	mocktest.Eq(t, "instance profile role", mocktest.One(t, res, typeProfile).In("role"), hosts)
}

func TestAutoscalingGroup(t *testing.T) {
	min := 0
	res, ignored := deploy(t, cluster.Args{Capacity: cluster.CapacityEC2,
		EC2: &cluster.EC2{MinSize: &min, MaxSize: 4, TargetCapacityPercent: 80}})
	asg := mocktest.One(t, res, typeASG)
	mocktest.Eq(t, "name", asg.In("name"), hosts)
	mocktest.EqualLists(t, "subnets", strs(asg.In("vpcZoneIdentifiers")), subnets)
	mocktest.Eq(t, "min", asg.In("minSize"), float64(0))
	mocktest.Eq(t, "max", asg.In("maxSize"), float64(4))
	mocktest.Eq(t, "initial desired", asg.In("desiredCapacity"), float64(0))
	mocktest.EqualLists(t, "ignored changes", ignored[typeASG], []string{"desiredCapacity"})
	mocktest.Eq(t, "protect from scale in", asg.In("protectFromScaleIn"), false)

	lt := mocktest.One(t, res, typeLT)
	mocktest.Eq(t, "launch template", asg.In("launchTemplate.id"), lt.ID)
	mocktest.Eq(t, "launch template version", asg.In("launchTemplate.version"), "1")
	mocktest.Eq(t, "refresh strategy", asg.In("instanceRefresh.strategy"), "Rolling")
	mocktest.Eq(t, "refresh keeps capacity", asg.In("instanceRefresh.preferences.minHealthyPercentage"), float64(100))

	tags := mocktest.Tags(asg)
	mocktest.Eq(t, "AmazonECSManaged", tags["AmazonECSManaged"], "true")
	for k, v := range conv.Tags("ecs-hosts") {
		mocktest.Eq(t, "propagated tag "+k, tags[k], v)
	}
	for _, item := range asg.In("tags").([]any) {
		if item.(map[string]any)["propagateAtLaunch"] != true {
			t.Errorf("tag %v is not propagated at launch", item)
		}
	}

	cp := mocktest.One(t, res, typeCP)
	mocktest.Eq(t, "capacity provider name", cp.In("name"), hosts)
	mocktest.Eq(t, "capacity provider group", cp.In("autoScalingGroupProvider.autoScalingGroupArn"), asg.Out("arn"))
	mocktest.Eq(t, "managed scaling", cp.In("autoScalingGroupProvider.managedScaling.status"), "ENABLED")
	mocktest.Eq(t, "target capacity", cp.In("autoScalingGroupProvider.managedScaling.targetCapacity"), float64(80))
	mocktest.Eq(t, "managed termination protection", cp.In("autoScalingGroupProvider.managedTerminationProtection"), "DISABLED")
	mocktest.Eq(t, "managed draining", cp.In("autoScalingGroupProvider.managedDraining"), "ENABLED")
}

func TestServiceConnect(t *testing.T) {
	for _, on := range []bool{false, true} {
		t.Run(fmt.Sprint("serviceConnect ", on), func(t *testing.T) {
			res, _ := deploy(t, cluster.Args{ServiceConnect: on})
			c := mocktest.One(t, res, typeCluster)
			namespaces := res.ByType(typeNamespace)
			if !on {
				mocktest.Eq(t, "namespaces", len(namespaces), 0)
				mocktest.Eq(t, "defaults", c.In("serviceConnectDefaults"), nil)
				mocktest.Eq(t, "namespace output", res.Outputs["namespace"], "")
				return
			}
			ns := mocktest.One(t, res, typeNamespace)
			mocktest.Eq(t, "namespace name", ns.In("name"), "lookup-test")
			arn := ns.Out("arn")
			if !strings.HasPrefix(fmt.Sprint(arn), "arn:aws:servicediscovery:") {
				t.Errorf("namespace arn: got %v", arn)
			}
			mocktest.Eq(t, "cluster default namespace", c.In("serviceConnectDefaults.namespace"), arn)
			mocktest.Eq(t, "namespace output", res.Outputs["namespace"], arn)
		})
	}
}

func TestTags(t *testing.T) {
	res, _ := deploy(t, cluster.Args{Capacity: cluster.CapacityEC2, ServiceConnect: true})
	mocktest.CheckTags(t, res, map[string]string{"App": "lookup", "Env": "test", "Owner": "ld4p"})
}

func TestWithDefaults(t *testing.T) {
	given := cluster.Args{Capacity: cluster.CapacityEC2}
	if err := given.Validate(); err != nil {
		t.Fatal(err)
	}
	a := given.WithDefaults()
	if given.EC2 != nil {
		t.Error("Validate or WithDefaults changed the arguments")
	}
	e := a.EC2
	got := fmt.Sprintf("%s %d %d %d %d %s", e.InstanceType, *e.MinSize, e.MaxSize, e.RootVolumeGiB, e.TargetCapacityPercent, e.Architecture)
	mocktest.Eq(t, "ec2 defaults", got, "t3.medium 1 2 30 100 x86_64")

	f := cluster.Args{}.WithDefaults()
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	mocktest.Eq(t, "default capacity", f.Capacity, cluster.CapacityFargate)
	if f.EC2 != nil {
		t.Error("got ec2 defaults for a Fargate cluster, want none")
	}
}

// The architecture must match the family: a "g" after the generation digit means Graviton.
func TestArchitectureMatchesFamily(t *testing.T) {
	for _, tc := range []struct {
		instanceType, arch string
	}{
		{"t4g.small", cluster.ArchARM}, {"m7gd.large", cluster.ArchARM}, {"c6gn.xlarge", cluster.ArchARM},
		{"im4gn.large", cluster.ArchARM}, {"g5g.xlarge", cluster.ArchARM}, {"a1.medium", cluster.ArchARM},
		{"t3.medium", cluster.ArchX86}, {"m7i-flex.large", cluster.ArchX86}, {"g5.xlarge", cluster.ArchX86},
		{"g4dn.xlarge", cluster.ArchX86}, {"hpc7a.12xlarge", cluster.ArchX86}, {"u-6tb1.metal", cluster.ArchX86},
		{"c7i.metal-24xl", cluster.ArchX86},
	} {
		for _, arch := range []string{cluster.ArchX86, cluster.ArchARM} {
			a := cluster.Args{Capacity: cluster.CapacityEC2, EC2: &cluster.EC2{InstanceType: tc.instanceType, Architecture: arch}}
			err := a.Validate()
			if (err == nil) != (arch == tc.arch) {
				t.Errorf("%s with %s: got %v, want an error only for the wrong architecture", tc.instanceType, arch, err)
			}
		}
	}
}

func TestInvalidArgs(t *testing.T) {
	two, three := 2, 3
	withEC2 := func(e cluster.EC2) cluster.Args { return cluster.Args{Capacity: cluster.CapacityEC2, EC2: &e} }
	tests := []struct {
		name   string
		args   cluster.Args
		noNet  bool
		naming *naming.Convention
		want   []string
	}{
		{"unknown capacity", cluster.Args{Capacity: "spot"}, false, nil,
			[]string{`capacity: "spot" is not allowed: use one of fargate, fargateSpot, ec2`}},
		{"ec2 block with fargate", cluster.Args{EC2: &cluster.EC2{}}, false, nil,
			[]string{`ec2: is only allowed with capacity "ec2", not "fargate"`}},
		{"ec2 block with fargate spot", cluster.Args{Capacity: cluster.CapacityFargateSpot, EC2: &cluster.EC2{MaxSize: 3}}, false, nil,
			[]string{`ec2: is only allowed with capacity "ec2", not "fargateSpot"`}},
		{"min above max", withEC2(cluster.EC2{MinSize: &three, MaxSize: 2}), false, nil,
			[]string{"ec2.maxSize: 2 is below minSize 3: use 3 to 20 instances"}},
		{"max above 20", withEC2(cluster.EC2{MaxSize: 21}), false, nil,
			[]string{"ec2.maxSize: 21 is out of range: use 1 to 20 instances"}},
		{"negative min", withEC2(cluster.EC2{MinSize: func() *int { n := -1; return &n }()}), false, nil,
			[]string{"ec2.minSize: -1 is out of range: use 0 to 20 instances"}},
		{"bad instance type", withEC2(cluster.EC2{InstanceType: "T3.Medium"}), false, nil,
			[]string{`ec2.instanceType: "T3.Medium" is not an instance type: use family.size`}},
		{"instance type without size", withEC2(cluster.EC2{InstanceType: "t3"}), false, nil,
			[]string{`ec2.instanceType: "t3" is not an instance type`}},
		{"root volume too small", withEC2(cluster.EC2{RootVolumeGiB: 20}), false, nil,
			[]string{"ec2.rootVolumeGiB: 20 is out of range: use 30 to 1000 GiB"}},
		{"root volume too large", withEC2(cluster.EC2{RootVolumeGiB: 2000}), false, nil,
			[]string{"ec2.rootVolumeGiB: 2000 is out of range"}},
		{"target capacity too high", withEC2(cluster.EC2{TargetCapacityPercent: 101}), false, nil,
			[]string{"ec2.targetCapacityPercent: 101 is out of range: use 1 to 100 percent"}},
		{"target capacity negative", withEC2(cluster.EC2{TargetCapacityPercent: -5}), false, nil,
			[]string{"ec2.targetCapacityPercent: -5 is out of range"}},
		{"arm64 with x86 family", withEC2(cluster.EC2{InstanceType: "t3.large", Architecture: cluster.ArchARM}), false, nil,
			[]string{`ec2.architecture: "t3" is an x86_64 family: set architecture "x86_64"`}},
		{"graviton family without arm64", withEC2(cluster.EC2{InstanceType: "m7g.large"}), false, nil,
			[]string{`ec2.architecture: "m7g" is an AWS Graviton (arm64) family: set architecture "arm64"`}},
		{"unknown architecture", withEC2(cluster.EC2{Architecture: "aarch64"}), false, nil,
			[]string{`ec2.architecture: "aarch64" is not allowed: use one of x86_64, arm64`}},
		{"every problem at once", withEC2(cluster.EC2{MinSize: &two, MaxSize: 1, InstanceType: "big", RootVolumeGiB: 8}), false, nil,
			[]string{"ec2.maxSize: 1 is below minSize 2", `ec2.instanceType: "big"`, "ec2.rootVolumeGiB: 8"}},
		{"missing network", cluster.Args{Capacity: cluster.CapacityEC2}, true, nil,
			[]string{`vpcId: is required with capacity "ec2"`, `subnetIds: is required with capacity "ec2"`}},
		{"reserved capacity provider prefix", cluster.Args{Capacity: cluster.CapacityEC2}, false,
			&naming.Convention{App: "ecsdemo", Env: "test", Owner: "ld4p"},
			[]string{`naming: capacity provider name "ecsdemo-test-ecs-hosts" may not begin with "ecs"`}},
		{"bad naming", cluster.Args{}, false, &naming.Convention{App: "Lookup", Env: "test"},
			[]string{`naming.app: "Lookup" is not allowed`, "naming.owner: is required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			args.Naming = conv
			if tc.naming != nil {
				args.Naming = *tc.naming
			}
			if !tc.noNet {
				args.VPCID = pulumi.String("vpc-1")
				args.SubnetIDs = pulumi.ToStringArray(subnets)
			}
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := cluster.New(ctx, "lookup", &args)
				return err
			}, tc.want...)
		})
	}
}

// A Fargate cluster needs no network.
func TestFargateNeedsNoNetwork(t *testing.T) {
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := cluster.New(ctx, "lookup", &cluster.Args{Capacity: cluster.CapacityFargateSpot, Naming: conv})
		return err
	})
	mocktest.One(t, res, typeCluster)
}

// answersTo returns every URN the registered resources answer to: their own, their aliases, and
// those their parents' names imply (the engine gives a child of an aliased parent the URN it had
// under the parent's old identity).
func answersTo(res *mock.Result) map[string]bool {
	byURN := map[string]*mock.Resource{}
	for _, r := range res.Resources() {
		byURN[r.URN] = r
	}
	var names func(r *mock.Resource) []string
	names = func(r *mock.Resource) []string {
		out := append([]string{r.URN}, r.Aliases...)
		if p := byURN[r.Parent]; p != nil {
			for _, parent := range names(p) {
				prefix := parent[:strings.LastIndex(parent, "::")]
				out = append(out, prefix+"$"+r.Type+"::"+r.Name)
			}
		}
		return out
	}
	known := map[string]bool{}
	for _, r := range res.Resources() {
		for _, n := range names(r) {
			known[n] = true
		}
	}
	return known
}

// The EC2 capacity moved into a fleet: every resource it had keeps its old URN through aliases,
// whether the cluster sat at the top of the stack or had itself been moved below a parent (with an
// alias to its top-level URN, as the system layer does), so a deployed stack replaces nothing.
func TestEC2CapacityKeepsItsURNs(t *testing.T) {
	children := []string{
		"aws:autoscaling/group:Group::lookup-hosts",
		"aws:ec2/launchTemplate:LaunchTemplate::lookup-hosts",
		"aws:ecs/capacityProvider:CapacityProvider::lookup-hosts",
		"strata:role:Role$aws:iam/instanceProfile:InstanceProfile::lookup-hosts",
		"strata:role:Role$aws:iam/policy:Policy::lookup-hosts",
		"strata:role:Role$aws:iam/role:Role::lookup-hosts",
		"strata:role:Role$aws:iam/rolePolicyAttachment:RolePolicyAttachment::lookup-hosts",
		"strata:role:Role$aws:iam/rolePolicyAttachment:RolePolicyAttachment::lookup-hosts-AmazonSSMManagedInstanceCore",
		"strata:role:Role::lookup-hosts",
		"strata:secgroup:Group$aws:ec2/securityGroup:SecurityGroup::lookup-hosts",
		"strata:secgroup:Group$aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::lookup-hosts-out-https",
		"strata:secgroup:Group::lookup-hosts",
	}
	args := cluster.Args{Capacity: cluster.CapacityEC2, Naming: conv, VPCID: pulumi.String("vpc-1"), SubnetIDs: pulumi.ToStringArray(subnets)}
	tests := []struct {
		name    string
		program func(ctx *pulumi.Context) error
		old     []string
	}{
		{"top level", func(ctx *pulumi.Context) error {
			_, err := cluster.New(ctx, "lookup", &args)
			return err
		}, []string{"urn:pulumi:test::strata::strata:cluster:Cluster$"}},
		{"moved below a parent", func(ctx *pulumi.Context) error {
			var sys pulumi.ResourceState
			if err := ctx.RegisterComponentResource("strata:system:Lookup", "lookup", &sys); err != nil {
				return err
			}
			_, err := cluster.New(ctx, "lookup", &args, pulumi.Parent(&sys), pulumi.Aliases([]pulumi.Alias{{NoParent: pulumi.Bool(true)}}))
			return err
		}, []string{"urn:pulumi:test::strata::strata:cluster:Cluster$", "urn:pulumi:test::strata::strata:system:Lookup$strata:cluster:Cluster$"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := mocktest.Run(t, tc.program)
			known := answersTo(res)
			for _, prefix := range tc.old {
				for _, child := range children {
					assert.True(t, known[prefix+child], "%s%s is no longer reachable", prefix, child)
				}
			}
			f := mocktest.One(t, res, "strata:fleet:Fleet")
			assert.Equal(t, "lookup-hosts", f.Name)
			for _, typ := range []string{typeLT, typeASG, "strata:role:Role", "strata:secgroup:Group"} {
				r := mocktest.One(t, res, typ)
				assert.Equal(t, f.URN, r.Parent, "%s moved into the fleet", typ)
				assert.Len(t, r.Aliases, len(tc.old), "%s has an alias for each URN the cluster had", typ)
			}
		})
	}
}
