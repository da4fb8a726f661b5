package forwarder

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/secgroup"
)

// Defaults of the optional settings.
const (
	DefaultGroup        = "forwarder"
	DefaultInstanceType = "t4g.nano"
	// rootGiB is Amazon Linux 2023's own snapshot, the smallest root volume it boots from.
	rootGiB = 8
)

// Document is the Systems Manager document of a port-forwarding session to a host the instance
// reaches.
const Document = "AWS-StartPortForwardingSessionToRemoteHost"

// Args configures a Forwarder.
type Args struct {
	// Group names the instance, its role, security group and session policy:
	// <app>-<env>-<group>. Default "forwarder"; lowercase letters, digits and hyphens.
	Group string
	// InstanceType is family.size. Default t4g.nano (arm64; an x86_64 type such as t3.nano runs
	// the x86_64 image instead).
	InstanceType string
	// Networks are IPv4 networks the instance may send to, by rule name, for stores without a
	// security group to name (a Lightsail database): each a CIDR block and a port.
	Networks []Network
	// PublicIP gives the instance a public IPv4 address, for a subnet without NAT (the account's
	// default VPC), where Systems Manager is otherwise out of reach. It still admits nothing:
	// the security group has no inbound rule. Default false.
	PublicIP bool

	// Naming names and tags the resources.
	Naming naming.Convention
	// VPCID and SubnetID are where the instance runs (required): a private subnet with NAT, or a
	// public one with PublicIP.
	VPCID    pulumi.StringInput
	SubnetID pulumi.StringInput
}

// Network is an IPv4 network the forwarder reaches on one port.
type Network struct {
	// Name names the egress rule (lowercase letters, digits, hyphens).
	Name string
	// CIDR is the network, e.g. 172.26.0.0/16.
	CIDR string
	// Port is the TCP port, 1 to 65535.
	Port int
}

// Forwarder is the instance with its role, security group and session policy.
type Forwarder struct {
	pulumi.ResourceState

	// InstanceID is the --target of the session.
	InstanceID pulumi.StringOutput
	// SecurityGroupID is the instance's group: stores admit it.
	SecurityGroupID pulumi.StringOutput
	// SessionPolicyARN is a customer managed policy that allows port-forwarding sessions through
	// this instance and nothing else; attach it to the users or roles that need the path.
	SessionPolicyARN pulumi.StringOutput

	name string
	tags map[string]string
}

// WithDefaults returns a copy of a with the defaults filled in.
func (a Args) WithDefaults() Args {
	if a.Group == "" {
		a.Group = DefaultGroup
	}
	if a.InstanceType == "" {
		a.InstanceType = DefaultInstanceType
	}
	a.Networks = slices.Clone(a.Networks)
	return a
}

// Validate reports every problem with the settings, after defaults.
func (a Args) Validate() error {
	a = a.WithDefaults()
	var errs field.Errors
	errs.Check("group", naming.Identifier(a.Group, 32))
	if _, ok := fleet.InstanceArchitecture(a.InstanceType); !ok {
		errs.Add("instanceType", "%q is not an instance type: use family.size in lowercase, e.g. t4g.nano or t3.nano", a.InstanceType)
	}
	seen := map[string]bool{}
	for i, n := range a.Networks {
		p := field.Index("networks", i)
		errs.Check(field.Join(p, "name"), naming.Identifier(n.Name, 32))
		if seen[n.Name] {
			errs.Add(field.Join(p, "name"), "%q is used by another network", n.Name)
		}
		seen[n.Name] = true
		prefix, err := netip.ParsePrefix(n.CIDR)
		switch {
		case err != nil || !prefix.Addr().Is4():
			errs.Add(field.Join(p, "cidr"), "%q is not an IPv4 CIDR block, e.g. 172.26.0.0/16", n.CIDR)
		case prefix.Masked() != prefix:
			errs.Add(field.Join(p, "cidr"), "%q has host bits set: use %s", n.CIDR, prefix.Masked())
		case !prefix.Addr().IsPrivate():
			errs.Add(field.Join(p, "cidr"), "%q is not a private network: the forwarder reaches stores inside AWS only", n.CIDR)
		}
		errs.Range(field.Join(p, "port"), n.Port, 1, 65535, "")
	}
	return errs.Err()
}

func (a Args) fleetArgs() *fleet.Args {
	arch, _ := fleet.InstanceArchitecture(a.InstanceType)
	egress := []secgroup.Rule{{Name: "https", Description: "Systems Manager and AWS APIs over HTTPS", FromPort: 443, CIDR: "0.0.0.0/0"}}
	for _, n := range a.Networks {
		egress = append(egress, secgroup.Rule{Name: n.Name, Description: fmt.Sprintf("Forwarded sessions to %s port %d", n.CIDR, n.Port), FromPort: n.Port, CIDR: n.CIDR})
	}
	return &fleet.Args{
		Naming:        a.Naming,
		Group:         a.Group,
		Description:   "Port-forwarding host of " + a.Naming.Name(a.Group) + ", reached only through Systems Manager",
		VPCID:         a.VPCID,
		Architecture:  arch,
		InstanceTypes: []string{a.InstanceType},
		RootVolume:    fleet.RootVolume{SizeGiB: rootGiB},
		SecurityGroup: fleet.Rules{Egress: egress},
		Instances:     []fleet.Instance{{Name: a.Group, SubnetID: a.SubnetID, PublicIP: a.PublicIP}},
	}
}

// New creates a Forwarder.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Forwarder, error) {
	a := args.WithDefaults()
	var errs field.Errors
	errs.Merge("", a.Validate())
	if a.VPCID == nil || a.SubnetID == nil {
		errs.Add("subnetId", "is required, with vpcId: name where the instance runs")
	}
	if err := errs.Err(); err != nil {
		return nil, fmt.Errorf("forwarder %s: %w", name, err)
	}
	fa := a.fleetArgs()
	if err := fa.Validate(); err != nil {
		return nil, fmt.Errorf("forwarder %s: %w", name, err)
	}
	part, err := aws.GetPartition(ctx, nil)
	if err != nil {
		return nil, err
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return nil, err
	}
	caller, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, err
	}
	f := &Forwarder{name: name, tags: a.Naming.Tags(a.Group)}
	if err := ctx.RegisterComponentResource("strata:forwarder:Forwarder", name, f, opts...); err != nil {
		return nil, err
	}
	fl, err := fleet.New(ctx, name, fa, pulumi.Parent(f))
	if err != nil {
		return nil, err
	}
	member := fl.Instances[a.Group]
	physical := a.Naming.Name(a.Group)
	document := fmt.Sprintf("arn:%s:ssm:%s::document/%s", part.Partition, region.Name, Document)
	session, err := iam.NewPolicy(ctx, name+"-session", &iam.PolicyArgs{
		Name:        pulumi.String(physical + "-session"),
		Description: pulumi.String("Port-forwarding sessions through " + physical + " only"),
		Policy: member.ID.ApplyT(func(id string) (string, error) {
			instance := fmt.Sprintf("arn:%s:ec2:%s:%s:instance/%s", part.Partition, region.Name, caller.AccountId, id)
			own := fmt.Sprintf("arn:%s:ssm:%s:%s:session/${aws:userid}-*", part.Partition, region.Name, caller.AccountId)
			start := policy.Allow("StartForwarding", []string{"ssm:StartSession"}, instance, document)
			// Sessions only with the port-forwarding document, never a shell.
			start.Condition = policy.Condition{"BoolIfExists": {"ssm:SessionDocumentAccessCheck": "true"}}
			return policy.New(start,
				policy.Allow("OwnSessions", []string{"ssm:ResumeSession", "ssm:TerminateSession"}, own),
			).JSON()
		}).(pulumi.StringOutput),
		Tags: pulumi.ToStringMap(f.tags),
	}, pulumi.Parent(f))
	if err != nil {
		return nil, err
	}
	f.InstanceID, f.SecurityGroupID, f.SessionPolicyARN = member.ID, fl.SecurityGroupID, session.Arn
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{
		"instanceId":       f.InstanceID,
		"securityGroupId":  f.SecurityGroupID,
		"sessionPolicyArn": f.SessionPolicyARN,
	}); err != nil {
		return nil, err
	}
	return f, nil
}

// Reach lets the forwarder send to a store's security group on port: an egress rule added once
// both groups exist (the store admits the forwarder's group by its own ingress rule).
func (f *Forwarder) Reach(ctx *pulumi.Context, rule string, port int, storeGroupID pulumi.StringInput, what string) error {
	_, err := secgroup.NewRule(ctx, f.name+"-out-"+rule, f.SecurityGroupID, secgroup.Egress, secgroup.Rule{
		Name: rule, Description: "Forwarded sessions to " + what, FromPort: port, SecurityGroupID: storeGroupID,
	}, f.tags, pulumi.Parent(f))
	return err
}

// Command is the AWS CLI command that forwards localPort on the caller's machine to host:port
// through the forwarder whose instance id is instanceID.
func Command(instanceID, host string, port, localPort int) string {
	return fmt.Sprintf(`aws ssm start-session --target %s --document-name %s --parameters '{"host":["%s"],"portNumber":["%d"],"localPortNumber":["%d"]}'`,
		instanceID, Document, host, port, localPort)
}
