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
	"github.com/strata-iac/strata/components/secgroup"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

// member is an aot pool member in subnet-a with a scratch-free data volume.
var member = fleet.Instance{
	SubnetID: pulumi.String("subnet-0123456789abcdef0"),
	Volumes:  []fleet.Volume{{Name: "data", DeviceName: "/dev/sdf", SizeGiB: 100}},
}

func TestNamedInstances(t *testing.T) {
	args := pool(
		fleet.Instance{Name: "head", SubnetID: pulumi.String("subnet-0123456789abcdef0"), PrivateIP: "10.20.128.10",
			InstanceType: "m7i.xlarge", UserData: "#!/bin/bash\necho head\n", Tags: map[string]string{"Role": "head"}},
		fleet.Instance{Name: "compute1", SubnetID: pulumi.String("subnet-0123456789abcdef1"), PublicIP: true},
	)
	args.UserData = "#!/bin/bash\necho member\n"
	args.SecurityGroup.Ingress = []secgroup.Rule{{Name: "ssh", Description: "SSH between pool members", FromPort: 22, Self: true}}
	args.SecurityGroupIDs = pulumi.ToStringArray([]string{"sg-0aaaaaaaaaaaaaaaa"})
	res, opts := deploy(t, args)
	sg := mocktest.One(t, res, typeSG)
	assert.Empty(t, res.ByType(typeASG))

	head := mocktest.Named(t, res, typeInstance, "f-head")
	headLT := mocktest.Named(t, res, typeLT, "f-head")
	assert.Equal(t, "aot-test-head", headLT.In("name"))
	assert.Equal(t, headLT.ID, head.In("launchTemplate.id"))
	assert.Equal(t, "1", head.In("launchTemplate.version"), "the instance pins its template's version")
	assert.Equal(t, "m7i.xlarge", headLT.In("instanceType"))
	assert.Equal(t, "#!/bin/bash\necho head\n", userData(t, headLT))
	assert.Equal(t, "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", headLT.In("imageId"))
	assert.Nil(t, head.In("ami"), "the instance takes its image from the template: resolve:ssm: on an instance would replace it on every run")
	assert.Equal(t, "required", headLT.In("metadataOptions.httpTokens"))
	assert.Equal(t, float64(1), headLT.In("metadataOptions.httpPutResponseHopLimit"))
	assert.Equal(t, "true", headLT.In("blockDeviceMappings[0].ebs.encrypted"))
	assert.Equal(t, "gp3", headLT.In("blockDeviceMappings[0].ebs.volumeType"))
	assert.Nil(t, headLT.In("networkInterfaces"), "the instance carries its network settings")
	assert.Equal(t, mocktest.One(t, res, typeProfile).In("name"), headLT.In("iamInstanceProfile.name"))

	assert.Equal(t, "subnet-0123456789abcdef0", head.In("subnetId"))
	assert.Equal(t, "10.20.128.10", head.In("privateIp"))
	assert.Equal(t, false, head.In("associatePublicIpAddress"), "explicit, so a public subnet does not add one")
	assert.Equal(t, []string{sg.ID, "sg-0aaaaaaaaaaaaaaaa"}, strs(head.In("vpcSecurityGroupIds")))
	assert.Equal(t, "aot-test-head", head.In("tags.Name"))
	assert.Equal(t, "head", head.In("tags.Group"))
	assert.Equal(t, "head", head.In("tags.Role"))
	assert.True(t, opts[typeInstance+" f-head"].DeleteBeforeReplace, "a fixed address can be held by one instance at a time")

	compute := mocktest.Named(t, res, typeInstance, "f-compute1")
	computeLT := mocktest.Named(t, res, typeLT, "f-compute1")
	assert.Equal(t, true, compute.In("associatePublicIpAddress"))
	assert.Nil(t, compute.In("privateIp"))
	assert.False(t, opts[typeInstance+" f-compute1"].DeleteBeforeReplace)
	assert.Equal(t, "t3.medium", computeLT.In("instanceType"))
	assert.Equal(t, "#!/bin/bash\necho member\n", userData(t, computeLT), "members default to the fleet's user data")

	ssh := mocktest.One(t, res, typeIngress)
	assert.Equal(t, sg.ID, ssh.In("referencedSecurityGroupId"), "SSH between members only")

	// Outputs per member.
	out, ok := res.Outputs["head"].(map[string]string)
	require.True(t, ok, "got %T", res.Outputs["head"])
	assert.Equal(t, head.ID, out["id"])
	assert.Regexp(t, `^i-[0-9a-f]{17}$`, out["id"])
	assert.Equal(t, "10.20.128.10", out["privateIp"])
	assert.Equal(t, "ip-10-20-128-10.ec2.internal", out["privateDns"])
	assert.Equal(t, "arn:aws:ec2:us-east-1:123456789012:instance/"+head.ID, out["arn"])
	assert.Equal(t, headLT.ID, out["launchTemplateId"])
	computeOut := res.Outputs["compute1"].(map[string]string)
	assert.Regexp(t, `^10\.\d+\.\d+\.\d+$`, computeOut["privateIp"])
	assert.Equal(t, "", res.Outputs["groupName"])
}

func TestDataVolumes(t *testing.T) {
	m := member
	m.Name = "knowledge"
	m.Volumes = []fleet.Volume{
		{Name: "data", DeviceName: "/dev/sdf", SizeGiB: 2000, IOPS: 6000, ThroughputMiBs: 400},
		{Name: "scratch", DeviceName: "/dev/xvdg", Type: fleet.ST1, SizeGiB: 500, SkipFinalSnapshot: true},
		{Name: "restored", DeviceName: "/dev/sdh", Type: fleet.IO2, IOPS: 4000, SizeGiB: 10, SnapshotID: "snap-0123456789abcdef0"},
	}
	args := pool(m)
	args.Protect = true
	args.KMSKeyARN = pulumi.String("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
	res, opts := deploy(t, args)
	inst := mocktest.One(t, res, typeInstance)

	data := mocktest.Named(t, res, typeVolume, "f-knowledge-data")
	assert.Regexp(t, `^vol-[0-9a-f]{17}$`, data.ID)
	assert.Equal(t, true, data.In("encrypted"))
	assert.Equal(t, "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", data.In("kmsKeyId"))
	assert.Equal(t, "gp3", data.In("type"))
	assert.Equal(t, float64(2000), data.In("size"))
	assert.Equal(t, float64(6000), data.In("iops"))
	assert.Equal(t, float64(400), data.In("throughput"))
	assert.Equal(t, true, data.In("finalSnapshot"), "a destroyed data volume leaves a snapshot")
	assert.Regexp(t, `^us-east-1[abc]$`, data.In("availabilityZone"))
	subnet := res.Invokes()[0]
	assert.Equal(t, "aws:ec2/getSubnet:getSubnet", subnet.Token)
	assert.Equal(t, "subnet-0123456789abcdef0", subnet.Args["id"].StringValue(), "the zone is the instance's subnet's")
	assert.True(t, data.Protect, "protected data volumes survive a destroy")
	assert.Equal(t, "aot-test-knowledge", data.In("tags.Name"))
	assert.Equal(t, "knowledge", data.In("tags.Group"))

	attach := mocktest.Named(t, res, typeVolAttach, "f-knowledge-data")
	assert.Equal(t, "/dev/sdf", attach.In("deviceName"))
	assert.Equal(t, inst.ID, attach.In("instanceId"))
	assert.Equal(t, data.ID, attach.In("volumeId"))
	assert.Equal(t, true, attach.In("stopInstanceBeforeDetaching"))
	assert.True(t, opts[typeVolAttach+" f-knowledge-data"].DeleteBeforeReplace, "detach before attaching to a replacement")
	assert.False(t, attach.Protect)
	assert.False(t, inst.Protect, "the instance is replaceable; its data is not")

	scratch := mocktest.Named(t, res, typeVolume, "f-knowledge-scratch")
	assert.Equal(t, "st1", scratch.In("type"))
	assert.Equal(t, false, scratch.In("finalSnapshot"))
	assert.False(t, scratch.Protect, "throw-away scratch space is not protected: a scale-in deletes it")
	assert.Nil(t, scratch.In("iops"))
	assert.Nil(t, scratch.In("throughput"))
	assert.Equal(t, "/dev/xvdg", mocktest.Named(t, res, typeVolAttach, "f-knowledge-scratch").In("deviceName"))
	restored := mocktest.Named(t, res, typeVolume, "f-knowledge-restored")
	assert.Equal(t, "snap-0123456789abcdef0", restored.In("snapshotId"))
	assert.Equal(t, "io2", restored.In("type"))

	for _, lt := range res.ByType(typeLT) {
		assert.Len(t, strs(lt.In("blockDeviceMappings")), 1, "data volumes are separate resources, not template mappings deleted with the instance")
	}
}

// Growing a pool adds the new member's resources only; shrinking removes only the last member's.
// Every other resource keeps its URN and its inputs, so nothing else is updated or replaced.
func TestPoolGrowsAndShrinksAtTheTail(t *testing.T) {
	run := func(n int) map[string]string {
		res, _ := deploy(t, pool(fleet.Pool("compute", n, member)...))
		out := map[string]string{}
		for _, r := range res.Resources() {
			raw, err := json.Marshal(mock.Plain(r.Inputs, false))
			require.NoError(t, err)
			out[r.URN] = string(raw)
		}
		return out
	}
	two, three := run(2), run(3)
	for urn, inputs := range two {
		require.Contains(t, three, urn, "growing the pool removed %s", urn)
		assert.Equal(t, inputs, three[urn], "growing the pool changed %s", urn)
	}
	var added []string
	for urn := range three {
		if _, ok := two[urn]; !ok {
			added = append(added, urn[strings.LastIndex(urn, "::")+2:])
			assert.Contains(t, urn, "compute3", "growing the pool added %s", urn)
		}
	}
	assert.ElementsMatch(t, []string{"f-compute3", "f-compute3", "f-compute3-data", "f-compute3-data"}, added,
		"the new member's template, instance, volume and attachment")
	// Shrinking back is the same comparison the other way round.
	assert.Equal(t, two, func() map[string]string {
		shrunk := map[string]string{}
		for urn, in := range three {
			if !strings.Contains(urn, "compute3") {
				shrunk[urn] = in
			}
		}
		return shrunk
	}())
}

func TestPool(t *testing.T) {
	members := fleet.Pool("compute", 3, member)
	var names []string
	for _, m := range members {
		names = append(names, m.Name)
	}
	assert.Equal(t, []string{"compute1", "compute2", "compute3"}, names)
	members[0].Volumes[0].SizeGiB = 1
	assert.Equal(t, 100, members[1].Volumes[0].SizeGiB, "members do not share volume slices")
	assert.Equal(t, 100, member.Volumes[0].SizeGiB)
}

func TestNamedInstanceTags(t *testing.T) {
	res, _ := deploy(t, pool(fleet.Pool("compute", 2, member)...))
	checkTags(t, res, map[string]string{"App": "aot", "Env": "test", "Owner": "hpc"})
	for _, lt := range res.ByType(typeLT) {
		var kinds []string
		for i := range strs(lt.In("tagSpecifications")) {
			spec := fmt.Sprintf("tagSpecifications[%d]", i)
			kinds = append(kinds, fmt.Sprint(lt.In(spec+".resourceType")))
			assert.Equal(t, lt.In("name"), lt.In(spec+".tags.Name"), "a member's volumes and interfaces carry its own name")
		}
		assert.Equal(t, []string{"instance", "volume", "network-interface"}, kinds)
	}
}

// A stage-wide tag (an extra tag, the owner) changes every member's tags in place and nothing that
// replaces it: the member's template, whose version the instance pins, keeps only the tags that
// name the member; the instance, its root volume (volumeTags) and its data volumes carry the rest.
func TestTagChangeReplacesNoMember(t *testing.T) {
	inputs := func(owner, costCenter string) *mock.Result {
		args := pool(fleet.Pool("compute", 1, member)...)
		args.Naming.Owner, args.Naming.Extra = owner, map[string]string{"CostCenter": costCenter}
		res, _ := deploy(t, args)
		return res
	}
	before, after := inputs("hpc", "rp-1042"), inputs("research", "rp-2001")
	without := func(r *mock.Resource, keys ...string) map[string]any {
		m := mock.Plain(r.Inputs, false)
		for _, k := range keys {
			delete(m, k)
		}
		return m
	}
	ltBefore, ltAfter := mocktest.Named(t, before, typeLT, "f-compute1"), mocktest.Named(t, after, typeLT, "f-compute1")
	assert.Equal(t, without(ltBefore, "tags"), without(ltAfter, "tags"),
		"the template's version-making inputs must not change, or the pinned instance is replaced")
	for i := range strs(ltAfter.In("tagSpecifications")) {
		assert.Equal(t, map[string]any{"Name": "aot-test-compute1", "App": "aot", "Env": "test", "Group": "compute1"},
			ltAfter.In(fmt.Sprintf("tagSpecifications[%d].tags", i)))
	}

	inst := mocktest.Named(t, after, typeInstance, "f-compute1")
	assert.Equal(t, without(mocktest.Named(t, before, typeInstance, "f-compute1"), "tags", "volumeTags"), without(inst, "tags", "volumeTags"),
		"only the instance's tags change, in place")
	want := map[string]any{"Name": "aot-test-compute1", "App": "aot", "Env": "test", "Group": "compute1", "Owner": "research", "CostCenter": "rp-2001"}
	assert.Equal(t, want, mocktest.Tags(inst))
	assert.Equal(t, want, inst.In("volumeTags"), "the root volume gets every tag, in place")
	assert.Equal(t, want, mocktest.Tags(mocktest.Named(t, after, "aws:ebs/volume:Volume", "f-compute1-data")),
		"the data volume's own tags agree with volumeTags")
}

func TestPlacementForNamedInstances(t *testing.T) {
	args := pool(fleet.Pool("compute", 2, member)...)
	args.Placement = &fleet.Placement{Strategy: fleet.PlacementCluster}
	res, opts := deploy(t, args)
	pg := mocktest.One(t, res, typePlacement)
	assert.Equal(t, "aot-test-pool", pg.In("name"))
	assert.Equal(t, "cluster", pg.In("strategy"))
	assert.Nil(t, pg.In("partitionCount"))
	for _, inst := range res.ByType(typeInstance) {
		assert.Equal(t, "aot-test-pool", inst.In("placementGroup"))
		assert.False(t, opts[typeInstance+" "+inst.Name].DeleteBeforeReplace, "a cluster group has room for replacements")
	}

	// A spread group runs at most 7 per zone: a full group's replacements go delete-first.
	args.Placement = &fleet.Placement{Strategy: fleet.PlacementSpread}
	res, opts = deploy(t, args)
	for _, inst := range res.ByType(typeInstance) {
		assert.True(t, opts[typeInstance+" "+inst.Name].DeleteBeforeReplace, inst.Name)
	}
}

// A fleet whose resources moved out of another component keeps their old URNs as aliases.
func TestMovedFromAliases(t *testing.T) {
	old := "urn:pulumi:test::strata::strata:cluster:Cluster::lookup"
	args := workers(fleet.Autoscaling{MaxSize: 1})
	args.MovedFrom = []pulumi.URNInput{pulumi.URN(old)}
	res, _ := deploy(t, args)
	for typ, name := range map[string]string{"strata:role:Role": "f", "strata:secgroup:Group": "f", typeLT: "f", typeASG: "f"} {
		r := mocktest.Named(t, res, typ, name)
		assert.Equal(t, []string{"urn:pulumi:test::strata::strata:cluster:Cluster$" + typ + "::" + name}, r.Aliases, "%s", typ)
	}
	res, _ = deploy(t, workers(fleet.Autoscaling{MaxSize: 1}))
	assert.Empty(t, mocktest.One(t, res, typeLT).Aliases)
}

// URNs resolves the names a component answers to, its aliases' included.
func TestURNs(t *testing.T) {
	var got []string
	mocktest.Run(t, func(ctx *pulumi.Context) error {
		var sys pulumi.ResourceState
		if err := ctx.RegisterComponentResource("strata:system:Lookup", "lookup", &sys); err != nil {
			return err
		}
		urns, err := fleet.URNs(ctx, "strata:cluster:Cluster", "lookup", pulumi.Parent(&sys),
			pulumi.Aliases([]pulumi.Alias{{NoParent: pulumi.Bool(true)}, {Name: pulumi.String("old")}, {URN: pulumi.URN("urn:pulumi:test::strata::x:y:Z::given")}}))
		if err != nil {
			return err
		}
		var all []any
		for _, u := range urns {
			all = append(all, u)
		}
		pulumi.All(all...).ApplyT(func(v []any) error {
			for _, u := range v {
				got = append(got, fmt.Sprint(u))
			}
			return nil
		})
		return nil
	})
	assert.Equal(t, []string{
		"urn:pulumi:test::strata::strata:system:Lookup$strata:cluster:Cluster::lookup",
		"urn:pulumi:test::strata::strata:cluster:Cluster::lookup",
		"urn:pulumi:test::strata::strata:system:Lookup$strata:cluster:Cluster::old",
		"urn:pulumi:test::strata::x:y:Z::given",
	}, got)
}
