package fleet

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/naming"
)

// Instance is one named instance of a fleet. Its own launch template holds everything that
// defines it (image, type, user data, volumes at launch, IMDS), and the instance pins the
// template's version: changing any of it replaces this instance only, while its data volumes
// survive and are attached to the replacement. Tags are not part of it: the instance, its root
// volume and its data volumes carry them on their own resources, which change in place, so a new
// stage-wide tag (strata:tags, the owner) replaces nothing.
type Instance struct {
	// Name identifies the instance (lowercase letters, digits, hyphens; at most 32), e.g.
	// compute1: its resources are named <fleet>-<name>, its physical name and Name tag are
	// <app>-<env>-<name> and its Group tag is <name>.
	Name string
	// SubnetID is the subnet the instance launches in (required).
	SubnetID pulumi.StringInput
	// PrivateIP is a fixed private IPv4 address in that subnet. Default one EC2 picks. With it,
	// a replacement terminates the old instance first, since both cannot hold the address.
	PrivateIP string
	// PublicIP gives the instance a public IPv4 address. Default none.
	PublicIP bool
	// InstanceType is family.size. Default the fleet's first instance type.
	InstanceType string
	// UserData is the instance's own boot script, in plain text. Default the fleet's.
	UserData string
	// Volumes are the instance's data volumes: separate, encrypted EBS volumes in the instance's
	// zone that survive its replacement (and, with Args.Protect, the fleet's destruction).
	Volumes []Volume
	// Tags are extra tags of the instance, its volumes and its network interfaces.
	Tags map[string]string
}

// Pool returns n instances named <prefix>1 to <prefix>n (as aot names the members of a pool),
// each a copy of member. Growing or shrinking the pool adds or removes the last members only.
func Pool(prefix string, n int, member Instance) []Instance {
	out := make([]Instance, n)
	for i := range out {
		m := member
		m.Name = fmt.Sprintf("%s%d", prefix, i+1)
		m.Volumes = slices.Clone(member.Volumes)
		m.Tags = maps.Clone(member.Tags)
		out[i] = m
	}
	return out
}

// instances registers every member: its launch template, instance, data volumes and attachments.
func (b *builder) instances() error {
	for _, m := range b.args.Instances {
		if err := b.member(m); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) member(m Instance) error {
	a := b.args
	logical := b.name + "-" + m.Name
	conv := a.Naming
	conv.Extra = maps.Clone(a.Naming.Extra)
	if conv.Extra == nil {
		conv.Extra = map[string]string{}
	}
	maps.Copy(conv.Extra, m.Tags)
	tags := conv.Tags(m.Name)

	lt, err := b.launchTemplate(logical, template{
		physical:     a.Naming.Name(m.Name),
		instanceType: m.InstanceType,
		userData:     m.UserData,
		// Only the tags that name the member, which change only with its template's name: any
		// other tag in the template would make a new version, and the pinned version a new
		// instance. The network interface keeps them; the instance and volumes get all below.
		tags: identity(tags),
	})
	if err != nil {
		return err
	}
	instArgs := &ec2.InstanceArgs{
		// Everything else comes from the member's template. The template's image may be a
		// resolve:ssm: parameter, which the instance resource itself cannot hold without
		// replacing the instance on every run.
		LaunchTemplate: &ec2.InstanceLaunchTemplateArgs{Id: lt.ID(), Version: latest(lt)},
		SubnetId:       m.SubnetID,
		// Explicit, so that a subnet that maps public IPs on launch does not give one.
		AssociatePublicIpAddress: pulumi.Bool(m.PublicIP),
		// On the instance, not the template, so that changing the groups updates it in place.
		VpcSecurityGroupIds: b.securityGroups(pulumi.StringArray{b.fleet.SecurityGroupID}),
		// Tags of the instance and, through volumeTags, of its root volume, set at launch and
		// changed in place. volumeTags reaches every attached volume: the data volumes carry the
		// same tags on their own resources, so the two never disagree.
		Tags:       pulumi.ToStringMap(tags),
		VolumeTags: pulumi.ToStringMap(tags),
	}
	if m.PrivateIP != "" {
		instArgs.PrivateIp = pulumi.String(m.PrivateIP)
	}
	if b.placementGroup != nil {
		instArgs.PlacementGroup = b.placementGroup
	}
	extra := []pulumi.ResourceOption{pulumi.DependsOn(a.DependsOn)}
	// A fixed address cannot be held twice, and a spread placement group runs at most 7
	// instances per zone, a limit a full group's create-first replacements would exceed: such
	// members are replaced delete-first.
	if m.PrivateIP != "" || a.Placement != nil && a.Placement.Strategy == PlacementSpread {
		extra = append(extra, pulumi.DeleteBeforeReplace(true))
	}
	inst, err := ec2.NewInstance(b.ctx, logical, instArgs, b.opts("aws:ec2/instance:Instance", logical, extra...)...)
	if err != nil {
		return err
	}
	b.fleet.Instances[m.Name] = Member{
		ID: inst.ID().ToStringOutput(), ARN: inst.Arn, PrivateIP: inst.PrivateIp, PrivateDNS: inst.PrivateDns,
		LaunchTemplateID: lt.ID().ToStringOutput(),
	}
	if len(m.Volumes) == 0 {
		return nil
	}
	// The volumes' zone is the subnet's, looked up rather than read from the instance: a
	// replacement instance's zone is unknown during a preview, and an unknown zone would show
	// (protected) data volumes as replaced.
	zone := ec2.LookupSubnetOutput(b.ctx, ec2.LookupSubnetOutputArgs{Id: m.SubnetID.ToStringOutput().ToStringPtrOutput()},
		pulumi.Parent(b.fleet)).AvailabilityZone()
	for _, v := range m.Volumes {
		if err := b.volume(logical, v, zone, inst, tags); err != nil {
			return err
		}
	}
	return nil
}

// identity keeps the tags that name a resource (Name, App, Env, Group) and drops the owner and the
// extra tags, which may change at any time.
func identity(tags map[string]string) map[string]string {
	out := map[string]string{}
	for _, k := range []string{naming.TagName, naming.TagApp, naming.TagEnv, naming.TagGroup} {
		if v, ok := tags[k]; ok {
			out[k] = v
		}
	}
	return out
}

// volume registers a data volume and its attachment.
func (b *builder) volume(member string, v Volume, zone pulumi.StringOutput, inst *ec2.Instance, tags map[string]string) error {
	logical := member + "-" + v.Name
	volArgs := &ebs.VolumeArgs{
		AvailabilityZone: zone,
		Type:             pulumi.String(v.Type),
		Encrypted:        pulumi.Bool(true),
		FinalSnapshot:    pulumi.Bool(!v.SkipFinalSnapshot),
		Tags:             pulumi.ToStringMap(tags),
	}
	if b.args.KMSKeyARN != nil {
		volArgs.KmsKeyId = b.args.KMSKeyARN.ToStringOutput().ToStringPtrOutput()
	}
	if v.SizeGiB != 0 {
		volArgs.Size = pulumi.Int(v.SizeGiB)
	}
	if v.IOPS != 0 {
		volArgs.Iops = pulumi.Int(v.IOPS)
	}
	if v.ThroughputMiBs != 0 {
		volArgs.Throughput = pulumi.Int(v.ThroughputMiBs)
	}
	if v.SnapshotID != "" {
		volArgs.SnapshotId = pulumi.String(v.SnapshotID)
	}
	vol, err := ebs.NewVolume(b.ctx, logical, volArgs, b.opts("aws:ebs/volume:Volume", logical, pulumi.Protect(b.args.Protect && !v.SkipFinalSnapshot))...)
	if err != nil {
		return err
	}
	_, err = ec2.NewVolumeAttachment(b.ctx, logical, &ec2.VolumeAttachmentArgs{
		DeviceName: pulumi.String(v.DeviceName),
		InstanceId: inst.ID(),
		VolumeId:   vol.ID(),
		// A clean shutdown flushes the file system before the volume leaves the instance.
		StopInstanceBeforeDetaching: pulumi.Bool(true),
	}, b.opts("aws:ec2/volumeAttachment:VolumeAttachment", logical,
		// The volume can be attached to one instance at a time: detach before attaching it to a
		// replacement.
		pulumi.DeleteBeforeReplace(true))...)
	return err
}
