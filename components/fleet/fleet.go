package fleet

import (
	"encoding/base64"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/role"
	"github.com/strata-iac/strata/components/secgroup"
)

// Architectures of the instances; one fleet has one.
const (
	ArchX86 = "x86_64"
	ArchARM = "arm64"
)

// SSMManagedInstanceCore lets Session Manager reach the instances, which replaces SSH from outside.
const SSMManagedInstanceCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"

// Args configures a Fleet: an autoscaling group (Autoscaling) or a fixed set of named instances
// (Instances), exactly one of the two.
type Args struct {
	// Naming names and tags everything; the fleet's role, instance profile, security group,
	// launch template and autoscaling group are all named <app>-<env>-<group>.
	Naming naming.Convention
	// Group is the naming group of the fleet (required), e.g. "workers".
	Group string
	// Description says what the instances are: the launch template's description (at most 255
	// characters), and the role's and security group's unless those set their own. Default
	// "Instances of <app>-<env>-<group>".
	Description string

	// VPCID is the VPC of the fleet's security group (required).
	VPCID pulumi.StringInput
	// SubnetIDs are the subnets the autoscaling group launches in (required with Autoscaling);
	// named instances name their own.
	SubnetIDs pulumi.StringArrayInput

	// Image is the AMI. Default the current Amazon Linux 2023 for Architecture, through its public
	// SSM parameter.
	Image Image
	// Architecture is ArchX86 (default) or ArchARM; every instance type must be of it.
	Architecture string
	// InstanceTypes are family.size, e.g. m7g.large. The first is the launch template's; several
	// only for an autoscaling group, which spreads over them (at most 40, no repeats). Default
	// t3.medium, or t4g.medium for arm64.
	InstanceTypes []string
	// RootVolume is the encrypted gp3 root volume. Default 30 GiB on /dev/xvda.
	RootVolume RootVolume
	// BlockDevices are extra encrypted volumes in the launch template: created with each instance
	// and deleted with it (scratch space). Named instances' data lives in Instance.Volumes.
	BlockDevices []Volume
	// KMSKeyARN encrypts every volume with this customer managed key instead of the account's
	// default EBS key.
	KMSKeyARN pulumi.StringInput
	// IMDSHopLimit is the instance metadata service's PUT response hop limit: 1 (default) keeps
	// IMDSv2 tokens, and so the role's credentials, out of reach of containers on a bridge
	// network; set 2 only for containers that must reach IMDS themselves.
	IMDSHopLimit int
	// IMDSv1 also answers instance metadata requests without a session token. Default false:
	// IMDSv2 only, whose tokens a server-side request forgery cannot obtain. Only for software
	// that cannot send a token; strata check reports it unless the config opted in.
	IMDSv1 bool
	// MetadataTags exposes the instances' tags through the instance metadata service (the way
	// Cloud Kotta's app reads its settings).
	MetadataTags bool
	// PublicIP gives the autoscaling group's instances public IPv4 addresses. Default none.
	PublicIP bool
	// UserData is the instances' boot script, in plain text: the fleet base64-encodes it. At most
	// 16 KiB. It is not secret: anyone allowed to describe the instance, and every process on it,
	// can read it; fetch secrets at boot from Secrets Manager or Parameter Store with the role.
	UserData string
	// Placement puts the instances in a placement group, created or given.
	Placement *Placement

	// InstanceProfileName is an existing instance profile for the instances; then the fleet
	// creates no role and Role must be empty.
	InstanceProfileName pulumi.StringInput
	// Role is the permissions of the instance role the fleet creates.
	Role Permissions
	// SecurityGroup is the rules of the security group the fleet creates for its instances.
	SecurityGroup Rules
	// SecurityGroupIDs are further security groups of the instances.
	SecurityGroupIDs pulumi.StringArrayInput

	// Autoscaling makes the fleet an autoscaling group.
	Autoscaling *Autoscaling
	// Instances makes the fleet a fixed set of named instances.
	Instances []Instance
	// Protect protects the named instances' data volumes (Pulumi protect), as strata:protect does.
	// An autoscaling group holds no state worth protecting: there it changes nothing.
	Protect bool

	// DependsOn are resources the instances need before they launch, e.g. the ECS cluster their
	// user data joins.
	DependsOn []pulumi.Resource
	// MovedFrom are the URNs of the component whose direct children the fleet's resources were
	// before the fleet existed (cluster's EC2 capacity), its current one and those of its own
	// aliases (see URNs): every direct child of the fleet gets an alias to the same type and name
	// under each, so that a deployed stack finds them and replaces nothing.
	MovedFrom []pulumi.URNInput
}

// Image is where the AMI comes from: ID or Parameter, at most one.
type Image struct {
	// ID is a baked AMI, ami- and 8 or 17 hex digits, e.g. Argos' <app>-image.
	ID string
	// Parameter is an SSM parameter holding the AMI id, e.g. AWS's public
	// /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64. The launch template
	// holds resolve:ssm:<parameter>, which EC2 resolves at every launch: no AMI id in state, no
	// region pin, no diff when AWS publishes a new AMI.
	Parameter string
}

// RootVolume sizes the root volume, always encrypted gp3 and deleted with its instance.
type RootVolume struct {
	// SizeGiB is 1 to 65536 and at least the image's own snapshot (8 GiB for Amazon Linux 2023,
	// 30 for the ECS-optimized image). Default 30.
	SizeGiB int
	// DeviceName is the image's root device: /dev/xvda (default: Amazon Linux) or /dev/sda1
	// (e.g. Ubuntu). A wrong one adds an empty volume instead of sizing the root.
	DeviceName string
	// IOPS and ThroughputMiBs provision gp3 performance beyond its baseline (3000 and 125).
	IOPS, ThroughputMiBs int
}

// Permissions are what the fleet's instance role may do. It is trusted by ec2.amazonaws.com and
// carries an instance profile.
type Permissions struct {
	// Description of the role; default the fleet's.
	Description string
	// Policy is the JSON of the role's own customer managed policy.
	Policy pulumi.StringInput
	// InlinePolicies are JSON policies embedded in the role, by name.
	InlinePolicies map[string]pulumi.StringInput
	// Attach are other components' customer managed policies, by a stable name.
	Attach map[string]pulumi.StringInput
	// ManagedPolicyARNs are AWS managed policies. Nil means [SSMManagedInstanceCore]; an empty
	// list means none.
	ManagedPolicyARNs []string
}

// Rules are the fleet's own security group.
type Rules struct {
	// Description of the group; default the fleet's.
	Description string
	// Ingress rules; none by default (Session Manager needs none).
	Ingress []secgroup.Rule
	// Egress rules. Nil means HTTPS to anywhere (Session Manager, AWS APIs, package repositories);
	// an empty list means none.
	Egress []secgroup.Rule
}

// Placement strategies of placement groups.
const (
	PlacementCluster   = "cluster"
	PlacementSpread    = "spread"
	PlacementPartition = "partition"
)

// Placement is a placement group: one the fleet creates (Strategy) or an existing one (Name).
type Placement struct {
	// Strategy creates the placement group <app>-<env>-<group>: PlacementCluster (one zone, low
	// latency), PlacementSpread (distinct racks, at most 7 running instances per zone) or
	// PlacementPartition.
	Strategy string
	// PartitionCount is the number of partitions of a PlacementPartition group, 1 to 7. Default 2.
	PartitionCount int
	// Name is an existing placement group instead.
	Name string
}

// Fleet is EC2 capacity: an autoscaling group or named instances, with their role, security group
// and launch templates.
type Fleet struct {
	pulumi.ResourceState

	// Name is the physical name <app>-<env>-<group> of the role, group, template and ASG.
	Name string
	// GroupName and GroupARN are the autoscaling group's; empty for named instances.
	GroupName pulumi.StringOutput
	GroupARN  pulumi.StringOutput
	// LaunchTemplateID is the autoscaling group's launch template; empty for named instances,
	// whose templates are their members'.
	LaunchTemplateID pulumi.StringOutput
	// RoleName and RoleARN are the instance role's; empty with Args.InstanceProfileName.
	RoleName pulumi.StringOutput
	RoleARN  pulumi.StringOutput
	// InstanceProfileName is the instances' profile, created or given.
	InstanceProfileName pulumi.StringOutput
	// SecurityGroupID is the fleet's own security group.
	SecurityGroupID pulumi.StringOutput
	// Instances are the named instances, by member name.
	Instances map[string]Member
}

// Member is one named instance.
type Member struct {
	ID, ARN, PrivateIP, PrivateDNS pulumi.StringOutput
	// LaunchTemplateID is the member's own launch template.
	LaunchTemplateID pulumi.StringOutput
}

// New creates a Fleet.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Fleet, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("fleet %s: %w", name, err)
	}
	a := args.WithDefaults()
	f := &Fleet{Name: a.physical(), Instances: map[string]Member{}}
	if err := ctx.RegisterComponentResource("strata:fleet:Fleet", name, f, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, args: a, fleet: f}
	if err := b.build(); err != nil {
		return nil, err
	}
	members := pulumi.Map{}
	for k, m := range f.Instances {
		members[k] = pulumi.StringMap{"id": m.ID, "arn": m.ARN, "privateIp": m.PrivateIP, "privateDns": m.PrivateDNS}
	}
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{
		"groupName":           f.GroupName,
		"groupArn":            f.GroupARN,
		"launchTemplateId":    f.LaunchTemplateID,
		"roleName":            f.RoleName,
		"roleArn":             f.RoleARN,
		"instanceProfileName": f.InstanceProfileName,
		"securityGroupId":     f.SecurityGroupID,
		"instances":           members,
	}); err != nil {
		return nil, err
	}
	return f, nil
}

// builder registers a validated fleet's children.
type builder struct {
	ctx   *pulumi.Context
	name  string
	args  Args
	fleet *Fleet
	// placementGroup is the name of the placement group, if any.
	placementGroup pulumi.StringInput
}

func (b *builder) build() error {
	a, f := b.args, b.fleet
	none := pulumi.String("").ToStringOutput()
	f.GroupName, f.GroupARN, f.LaunchTemplateID, f.RoleName, f.RoleARN = none, none, none, none, none

	tags := a.Naming.Tags(a.Group)
	if a.InstanceProfileName != nil {
		f.InstanceProfileName = a.InstanceProfileName.ToStringOutput()
	} else {
		r, err := role.New(b.ctx, b.name, a.roleArgs(), b.opts("strata:role:Role", b.name)...)
		if err != nil {
			return err
		}
		f.RoleName, f.RoleARN, f.InstanceProfileName = r.Name, r.ARN, r.InstanceProfileName
	}
	sg, err := secgroup.New(b.ctx, b.name, a.groupArgs(), b.opts("strata:secgroup:Group", b.name)...)
	if err != nil {
		return err
	}
	f.SecurityGroupID = sg.ID

	if p := a.Placement; p != nil {
		b.placementGroup = pulumi.String(p.Name)
		if p.Strategy != "" {
			pgArgs := &ec2.PlacementGroupArgs{
				Name:     pulumi.String(a.physical()),
				Strategy: pulumi.String(p.Strategy),
				Tags:     pulumi.ToStringMap(tags),
			}
			if p.Strategy == PlacementPartition {
				pgArgs.PartitionCount = pulumi.Int(p.PartitionCount)
			}
			pg, err := ec2.NewPlacementGroup(b.ctx, b.name, pgArgs, b.opts("aws:ec2/placementGroup:PlacementGroup", b.name)...)
			if err != nil {
				return err
			}
			b.placementGroup = pg.Name
		}
	}
	if a.Autoscaling != nil {
		return b.autoscaling()
	}
	return b.instances()
}

// opts are the options of a direct child of the fleet named name of type typ: the fleet as parent
// and, after a move, an alias to the child's old URN.
func (b *builder) opts(typ, name string, extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	o := []pulumi.ResourceOption{pulumi.Parent(b.fleet)}
	var aliases []pulumi.Alias
	for _, parent := range b.args.MovedFrom {
		old := pulumi.CreateURN(pulumi.String(name), pulumi.String(typ), parent.ToURNOutput().ToStringOutput(),
			pulumi.String(b.ctx.Project()), pulumi.String(b.ctx.Stack()))
		aliases = append(aliases, pulumi.Alias{URN: old})
	}
	if len(aliases) > 0 {
		o = append(o, pulumi.Aliases(aliases))
	}
	return append(o, extra...)
}

// URNs returns the URNs that a resource of type typ named name, registered with opts, answers to:
// its own and its aliases'. A component that moves some of its children into a fleet passes its
// own URNs as Args.MovedFrom, so the children stay reachable under every name their old parent
// had, including the names the parent itself had before it was moved.
func URNs(ctx *pulumi.Context, typ, name string, opts ...pulumi.ResourceOption) ([]pulumi.URNInput, error) {
	o, err := pulumi.NewResourceOptions(opts...)
	if err != nil {
		return nil, err
	}
	project, stack := pulumi.String(ctx.Project()), pulumi.String(ctx.Stack())
	parent := pulumi.StringInput(pulumi.String(""))
	if o.Parent != nil {
		parent = o.Parent.URN().ToStringOutput()
	}
	urns := []pulumi.URNInput{pulumi.CreateURN(pulumi.String(name), pulumi.String(typ), parent, project, stack)}
	for _, a := range o.Aliases {
		if a.URN != nil {
			urns = append(urns, a.URN)
			continue
		}
		// The parts an alias leaves unset are the resource's own, as Pulumi reads them.
		n, t, p, pr, st := pulumi.StringInput(pulumi.String(name)), pulumi.StringInput(pulumi.String(typ)), parent, pulumi.StringInput(project), pulumi.StringInput(stack)
		if a.Name != nil {
			n = a.Name
		}
		if a.Type != nil {
			t = a.Type
		}
		if a.Project != nil {
			pr = a.Project
		}
		if a.Stack != nil {
			st = a.Stack
		}
		switch {
		case a.Parent != nil:
			p = a.Parent.URN().ToStringOutput()
		case a.ParentURN != nil:
			p = a.ParentURN.ToURNOutput().ToStringOutput()
		case a.NoParent != nil:
			p = pulumi.All(a.NoParent, parent).ApplyT(func(v []any) string {
				if v[0].(bool) {
					return ""
				}
				return v[1].(string)
			}).(pulumi.StringOutput)
		}
		urns = append(urns, pulumi.CreateURN(n, t, p, pr, st))
	}
	return urns, nil
}

// physical is the fleet's physical name.
func (a Args) physical() string { return a.Naming.Name(a.Group) }

func (a Args) roleArgs() *role.Args {
	return &role.Args{
		Name:              a.physical(),
		Description:       a.Role.Description,
		Service:           role.EC2,
		Policy:            a.Role.Policy,
		InlinePolicies:    a.Role.InlinePolicies,
		Attach:            a.Role.Attach,
		ManagedPolicyARNs: a.Role.ManagedPolicyARNs,
		InstanceProfile:   true,
		Tags:              a.Naming.Tags(a.Group),
	}
}

func (a Args) groupArgs() *secgroup.Args {
	return &secgroup.Args{
		Name:        a.physical(),
		Description: a.SecurityGroup.Description,
		VPCID:       a.VPCID,
		Ingress:     a.SecurityGroup.Ingress,
		Egress:      a.SecurityGroup.Egress,
		Tags:        a.Naming.Tags(a.Group),
	}
}

// template describes one launch template: the fleet's (autoscaling) or a member's.
type template struct {
	physical, instanceType, userData string
	tags                             map[string]string
	// network is the primary interface; nil when the instance carries its network settings.
	network *ec2.LaunchTemplateNetworkInterfaceArgs
}

// launchTemplate renders a launch template: image, type, profile, IMDSv2, encrypted volumes,
// user data and the tags instances, volumes and interfaces get at launch.
func (b *builder) launchTemplate(logical string, t template) (*ec2.LaunchTemplate, error) {
	a := b.args
	tagSpecs := ec2.LaunchTemplateTagSpecificationArray{}
	for _, kind := range []string{"instance", "volume", "network-interface"} {
		tagSpecs = append(tagSpecs, &ec2.LaunchTemplateTagSpecificationArgs{
			ResourceType: pulumi.String(kind),
			Tags:         pulumi.ToStringMap(t.tags),
		})
	}
	devices := ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
		DeviceName: pulumi.String(a.RootVolume.DeviceName),
		Ebs: a.ebs(Volume{Type: GP3, SizeGiB: a.RootVolume.SizeGiB, IOPS: a.RootVolume.IOPS,
			ThroughputMiBs: a.RootVolume.ThroughputMiBs}),
	}}
	for _, v := range a.BlockDevices {
		devices = append(devices, &ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String(v.DeviceName),
			Ebs:        a.ebs(v),
		})
	}
	lt := &ec2.LaunchTemplateArgs{
		Name:         pulumi.String(t.physical),
		Description:  pulumi.String(a.Description),
		ImageId:      pulumi.String(a.Image.imageID()),
		InstanceType: pulumi.String(t.instanceType),
		IamInstanceProfile: &ec2.LaunchTemplateIamInstanceProfileArgs{
			Name: b.fleet.InstanceProfileName,
		},
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String(map[bool]string{true: "optional", false: "required"}[a.IMDSv1]),
			HttpPutResponseHopLimit: pulumi.Int(a.IMDSHopLimit),
			InstanceMetadataTags:    pulumi.String(map[bool]string{true: "enabled", false: "disabled"}[a.MetadataTags]),
		},
		BlockDeviceMappings:  devices,
		UpdateDefaultVersion: pulumi.Bool(true),
		TagSpecifications:    tagSpecs,
		Tags:                 pulumi.ToStringMap(a.Naming.Tags(a.Group)),
	}
	if t.network != nil {
		lt.NetworkInterfaces = ec2.LaunchTemplateNetworkInterfaceArray{t.network}
	}
	if t.userData != "" {
		lt.UserData = pulumi.String(base64.StdEncoding.EncodeToString([]byte(t.userData)))
	}
	return ec2.NewLaunchTemplate(b.ctx, logical, lt,
		b.opts("aws:ec2/launchTemplate:LaunchTemplate", logical, pulumi.DependsOn(a.DependsOn))...)
}

// ebs renders a launch template volume: encrypted, deleted with its instance.
func (a Args) ebs(v Volume) *ec2.LaunchTemplateBlockDeviceMappingEbsArgs {
	e := &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
		VolumeType:          pulumi.String(v.Type),
		Encrypted:           pulumi.String("true"),
		DeleteOnTermination: pulumi.String("true"),
	}
	if a.KMSKeyARN != nil {
		e.KmsKeyId = a.KMSKeyARN.ToStringOutput().ToStringPtrOutput()
	}
	if v.SizeGiB != 0 {
		e.VolumeSize = pulumi.Int(v.SizeGiB)
	}
	if v.IOPS != 0 {
		e.Iops = pulumi.Int(v.IOPS)
	}
	if v.ThroughputMiBs != 0 {
		e.Throughput = pulumi.Int(v.ThroughputMiBs)
	}
	if v.SnapshotID != "" {
		e.SnapshotId = pulumi.String(v.SnapshotID)
	}
	return e
}

// latest is the template's latest version number, which the group or instance pins: unlike
// $Latest, a new version then starts an instance refresh (or replaces the instance).
func latest(lt *ec2.LaunchTemplate) pulumi.StringOutput {
	return lt.LatestVersion.ApplyT(strconv.Itoa).(pulumi.StringOutput)
}

// AMIParameter is the public SSM parameter of the current Amazon Linux 2023 AMI for arch.
func AMIParameter(arch string) string {
	if arch == ArchARM {
		return "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
	}
	return "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

func (i Image) imageID() string {
	if i.ID != "" {
		return i.ID
	}
	return "resolve:ssm:" + i.Parameter
}
