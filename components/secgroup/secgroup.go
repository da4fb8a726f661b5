package secgroup

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
)

// Rule admits (or, for egress, sends) TCP traffic on a port range to or from one peer: a security
// group, a CIDR block or a managed prefix list.
type Rule struct {
	// Name identifies the rule within its group (lowercase letters, digits, hyphens); it names the
	// rule's resource, so it must stay stable.
	Name string
	// Description says why the rule exists (required).
	Description string
	// FromPort and ToPort bound the TCP port range; ToPort defaults to FromPort.
	FromPort, ToPort int
	// Exactly one peer: SecurityGroupID, CIDR (IPv4 or IPv6) or PrefixListID.
	SecurityGroupID pulumi.StringInput
	CIDR            string
	PrefixListID    pulumi.StringInput
	// Internet must be set for an ingress CIDR of 0.0.0.0/0 or ::/0, so that opening a port to the
	// world is always a visible decision.
	Internet bool
}

// Args configures a Group.
type Args struct {
	// Name is the group's physical name (required); changing it replaces the group.
	Name string
	// Description says what the group protects (required); changing it replaces the group.
	Description string
	// VPCID is the VPC of the group (required).
	VPCID pulumi.StringInput
	// Ingress and Egress rules.
	Ingress []Rule
	Egress  []Rule
	// Tags for the group and its rules.
	Tags map[string]string
}

// Group is a security group with its rules.
type Group struct {
	pulumi.ResourceState

	ID pulumi.StringOutput
}

// Validate reports every problem with the arguments; paths are "name", "description", "vpcId",
// "ingress[i].<field>" and "egress[i].<field>".
func (a *Args) Validate() error {
	var errs field.Errors
	errs.Required("name", a.Name, "name the security group")
	errs.Required("description", a.Description, "say what the group protects")
	if a.VPCID == nil {
		errs.Add("vpcId", "is required: a security group belongs to one VPC")
	}
	checkRules(&errs, "ingress", a.Ingress, true)
	checkRules(&errs, "egress", a.Egress, false)
	return errs.Err()
}

func checkRules(errs *field.Errors, path string, rules []Rule, ingress bool) {
	seen := map[string]bool{}
	for i, r := range rules {
		p := field.Index(path, i)
		errs.Check(field.Join(p, "name"), naming.Identifier(r.Name, 32))
		if seen[r.Name] {
			errs.Add(field.Join(p, "name"), "%q is used by another rule: rule names must be unique", r.Name)
		}
		seen[r.Name] = true
		errs.Required(field.Join(p, "description"), r.Description, "say why the rule exists")
		errs.Range(field.Join(p, "fromPort"), r.FromPort, 1, 65535, "")
		if r.ToPort != 0 && r.ToPort < r.FromPort || r.ToPort > 65535 {
			errs.Add(field.Join(p, "toPort"), "%d is out of range: use %d to 65535", r.ToPort, r.FromPort)
		}
		peers := 0
		for _, set := range []bool{r.SecurityGroupID != nil, r.CIDR != "", r.PrefixListID != nil} {
			if set {
				peers++
			}
		}
		if peers != 1 {
			errs.Add(p, "name exactly one peer: a security group, a CIDR block or a prefix list")
		}
		if r.CIDR == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(r.CIDR)
		switch {
		case err != nil:
			errs.Add(field.Join(p, "cidr"), "%q is not a CIDR block: use an address and prefix length, e.g. 203.0.113.0/24", r.CIDR)
		case prefix.Masked() != prefix:
			errs.Add(field.Join(p, "cidr"), "%q has host bits set: use %s", r.CIDR, prefix.Masked())
		case ingress && prefix.Bits() == 0 && !r.Internet:
			errs.Add(field.Join(p, "cidr"), "%q opens the port to the whole internet: only a load balancer's listeners may, and only explicitly", r.CIDR)
		}
	}
}

// New creates a Group.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Group, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("security group %s: %w", name, err)
	}
	g := &Group{}
	if err := ctx.RegisterComponentResource("strata:secgroup:Group", name, g, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(g)
	tags := pulumi.ToStringMap(args.Tags)
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		Name:        pulumi.String(args.Name),
		Description: pulumi.String(args.Description),
		VpcId:       args.VPCID,
		Tags:        tags,
		// Rules are separate resources; inline rules would fight them.
		RevokeRulesOnDelete: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, err
	}
	for _, r := range args.Ingress {
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-in-"+r.Name, r.args(sg.ID(), tags), parent); err != nil {
			return nil, err
		}
	}
	for _, r := range args.Egress {
		// Egress rules take exactly the fields of ingress rules.
		egress := vpc.SecurityGroupEgressRuleArgs(*r.args(sg.ID(), tags))
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-out-"+r.Name, &egress, parent); err != nil {
			return nil, err
		}
	}
	g.ID = sg.ID().ToStringOutput()
	if err := ctx.RegisterResourceOutputs(g, pulumi.Map{"id": g.ID}); err != nil {
		return nil, err
	}
	return g, nil
}

// args renders the rule for the group with id.
func (r Rule) args(id pulumi.IDOutput, tags pulumi.StringMap) *vpc.SecurityGroupIngressRuleArgs {
	return &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           id,
		Description:               pulumi.String(r.Description),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(r.FromPort),
		ToPort:                    pulumi.Int(r.toPort()),
		ReferencedSecurityGroupId: r.SecurityGroupID,
		CidrIpv4:                  r.cidr(false),
		CidrIpv6:                  r.cidr(true),
		PrefixListId:              r.PrefixListID,
		Tags:                      tags,
	}
}

func (r Rule) toPort() int {
	if r.ToPort == 0 {
		return r.FromPort
	}
	return r.ToPort
}

// cidr returns the rule's CIDR if it is of the asked family, else nil.
func (r Rule) cidr(v6 bool) pulumi.StringPtrInput {
	if r.CIDR == "" {
		return nil
	}
	if p := netip.MustParsePrefix(r.CIDR); p.Addr().Is6() == v6 {
		return pulumi.String(r.CIDR)
	}
	return nil
}
