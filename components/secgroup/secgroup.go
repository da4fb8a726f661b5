package secgroup

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
)

// Protocols a rule may name.
const (
	TCP    = "tcp"
	UDP    = "udp"
	ICMP   = "icmp"
	ICMPv6 = "icmpv6"
	// All is every protocol on every port (rendered as AWS's -1).
	All = "all"
)

// Direction says whether a rule admits traffic into the group or lets it out.
type Direction string

// The two directions of a rule.
const (
	Ingress Direction = "in"
	Egress  Direction = "out"
)

// Rule admits (or, for egress, sends) traffic of one protocol to or from one peer: a security group,
// the group itself, a CIDR block or a managed prefix list.
type Rule struct {
	// Name identifies the rule within its group (lowercase letters, digits, hyphens); it names the
	// rule's resource, so it must stay stable.
	Name string
	// Description says why the rule exists (required): at most 255 of the characters EC2 accepts,
	// a-z A-Z 0-9, spaces and . _ - : / ( ) # , @ [ ] + = ; { } ! $ *.
	Description string
	// Protocol is TCP (default), UDP, ICMP, ICMPv6 or All.
	Protocol string
	// FromPort and ToPort bound the TCP or UDP port range; ToPort defaults to FromPort. Other
	// protocols take no ports.
	FromPort, ToPort int
	// ICMPType and ICMPCode narrow an ICMP or ICMPv6 rule to one type (0 to 255) and, within it,
	// one code (0 to 255); nil means every type, or every code of the type.
	ICMPType, ICMPCode *int
	// Exactly one peer: SecurityGroupID, Self (the rule's own group, e.g. SSH between the members
	// of a pool), CIDR (IPv4 or IPv6) or PrefixListID.
	SecurityGroupID pulumi.StringInput
	Self            bool
	CIDR            string
	PrefixListID    pulumi.StringInput
	// Internet must be set for an ingress CIDR of 0.0.0.0/0 or ::/0, so that opening a port to the
	// world is always a visible decision.
	Internet bool
}

// Args configures a Group.
type Args struct {
	// Name is the group's physical name (required): at most 255 characters of those Description
	// allows, not starting with sg-. Changing it replaces the group.
	Name string
	// Description says what the group protects (required): at most 255 of the characters a-z A-Z
	// 0-9, spaces and . _ - : / ( ) # , @ [ ] + = & ; { } ! $ *. EC2 cannot change it, and
	// replacing a group that keeps its name fails, so a changed description is ignored: a group
	// keeps the description it was created with (see New).
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

	name  string
	tags  map[string]string
	rules map[Direction]map[string]bool
}

// EC2's limits on group names and descriptions and on rule descriptions (CreateSecurityGroup
// GroupDescription and GroupName, IpRange, Ipv6Range, PrefixListId and UserIdGroupPair
// Description in the EC2 API reference).
const (
	maxText = 255
	// groupChars are the characters of group names and descriptions besides ASCII letters and digits.
	groupChars = " ._-:/()#,@[]+=&;{}!$*"
	// ruleChars are those of rule descriptions: the API reference leaves & out for rules whose peer
	// is a group or a prefix list, so no rule gets it.
	ruleChars = " ._-:/()#,@[]+=;{}!$*"
)

// Text checks a group name or description (ruleText false) or a rule description (ruleText true)
// against EC2's length and character rules, naming the characters EC2 would refuse.
func Text(s string, ruleText bool) error {
	allowed := groupChars
	if ruleText {
		allowed = ruleChars
	}
	var bad []string
	for _, r := range s {
		ok := r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(allowed, r))
		if q := fmt.Sprintf("%q", r); !ok && !slices.Contains(bad, q) {
			bad = append(bad, q)
		}
	}
	switch {
	case len(s) > maxText:
		return fmt.Errorf("is %d characters long: EC2 allows at most %d", len(s), maxText)
	case len(bad) > 0:
		return fmt.Errorf("%q has characters EC2 refuses (%s): use letters, digits, spaces and %s", s, strings.Join(bad, " "), strings.TrimPrefix(allowed, " "))
	}
	return nil
}

// Validate reports every problem with the arguments; paths are "name", "description", "vpcId",
// "ingress[i].<field>" and "egress[i].<field>".
func (a *Args) Validate() error {
	var errs field.Errors
	if errs.Required("name", a.Name, "name the security group") {
		errs.Check("name", Text(a.Name, false))
		if strings.HasPrefix(strings.ToLower(a.Name), "sg-") {
			errs.Add("name", "%q starts with sg-, which EC2 reserves for group ids: choose another name", a.Name)
		}
	}
	if errs.Required("description", a.Description, "say what the group protects") {
		errs.Check("description", Text(a.Description, false))
	}
	if a.VPCID == nil {
		errs.Add("vpcId", "is required: a security group belongs to one VPC")
	}
	checkRules(&errs, "ingress", a.Ingress, Ingress)
	checkRules(&errs, "egress", a.Egress, Egress)
	return errs.Err()
}

func checkRules(errs *field.Errors, path string, rules []Rule, dir Direction) {
	seen := map[string]bool{}
	for i, r := range rules {
		p := field.Index(path, i)
		if seen[r.Name] {
			errs.Add(field.Join(p, "name"), "%q is used by another rule: rule names must be unique", r.Name)
		}
		seen[r.Name] = true
		errs.Merge(p, r.validate(dir))
	}
}

// validate reports the problems of one rule; paths are its fields' camel-case names.
func (r Rule) validate(dir Direction) error {
	var errs field.Errors
	errs.Check("name", naming.Identifier(r.Name, 32))
	if errs.Required("description", r.Description, "say why the rule exists") {
		errs.Check("description", Text(r.Description, true))
	}
	switch r.protocol() {
	case TCP, UDP:
		errs.Range("fromPort", r.FromPort, 1, 65535, "")
		if r.ToPort != 0 && r.ToPort < r.FromPort || r.ToPort > 65535 {
			errs.Add("toPort", "%d is out of range: use %d to 65535", r.ToPort, r.FromPort)
		}
		if r.ICMPType != nil || r.ICMPCode != nil {
			errs.Add("icmpType", "only ICMP and ICMPv6 rules take an ICMP type and code, not %s", r.protocol())
		}
	case ICMP, ICMPv6:
		if r.FromPort != 0 || r.ToPort != 0 {
			errs.Add("fromPort", "%s has no ports: narrow it with icmpType and icmpCode instead", r.protocol())
		}
		if r.ICMPType != nil {
			errs.Range("icmpType", *r.ICMPType, 0, 255, "")
		}
		switch {
		case r.ICMPCode != nil && r.ICMPType == nil:
			errs.Add("icmpCode", "needs icmpType: a code is only meaningful within one type")
		case r.ICMPCode != nil:
			errs.Range("icmpCode", *r.ICMPCode, 0, 255, "")
		}
	case All:
		if r.FromPort != 0 || r.ToPort != 0 || r.ICMPType != nil || r.ICMPCode != nil {
			errs.Add("protocol", "%q covers every port and ICMP type: remove the ports and ICMP fields", All)
		}
	default:
		errs.Add("protocol", "%q is not allowed: use one of %s, %s, %s, %s, %s", r.Protocol, TCP, UDP, ICMP, ICMPv6, All)
	}
	peers := 0
	for _, set := range []bool{r.SecurityGroupID != nil, r.Self, r.CIDR != "", r.PrefixListID != nil} {
		if set {
			peers++
		}
	}
	if peers != 1 {
		errs.Add("", "name exactly one peer: a security group, self, a CIDR block or a prefix list")
	}
	if r.CIDR == "" {
		return errs.Err()
	}
	prefix, err := netip.ParsePrefix(r.CIDR)
	switch {
	case err != nil:
		errs.Add("cidr", "%q is not a CIDR block: use an address and prefix length, e.g. 203.0.113.0/24", r.CIDR)
	case prefix.Masked() != prefix:
		errs.Add("cidr", "%q has host bits set: use %s", r.CIDR, prefix.Masked())
	case dir == Ingress && prefix.Bits() == 0 && !r.Internet:
		errs.Add("cidr", "%q opens the port to the whole internet: only a load balancer's listeners may, and only explicitly", r.CIDR)
	case r.protocol() == ICMP && prefix.Addr().Is6():
		errs.Add("cidr", "%q is IPv6: ICMP rules take an IPv4 block, use icmpv6 for IPv6", r.CIDR)
	case r.protocol() == ICMPv6 && prefix.Addr().Is4():
		// EC2 would accept it and admit every ICMPv6 type, whatever the rule says.
		errs.Add("cidr", "%q is IPv4: ICMPv6 rules take an IPv6 block, use icmp for IPv4", r.CIDR)
	}
	return errs.Err()
}

// New creates a Group.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Group, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("security group %s: %w", name, err)
	}
	g := &Group{name: name, tags: maps.Clone(args.Tags), rules: map[Direction]map[string]bool{Ingress: {}, Egress: {}}}
	if err := ctx.RegisterComponentResource("strata:secgroup:Group", name, g, opts...); err != nil {
		return nil, err
	}
	// EC2 cannot change a group's description, so a new one would replace the group. Created first,
	// the replacement fails (InvalidGroup.Duplicate: the old group still holds the name); deleted
	// first, the old group's rules, which are separate resources depending on its id, would go
	// before the group, whose deletion then fails while tasks, instances, databases or mount
	// targets still use it, leaving it without rules. So the description is left as created:
	// changing it changes nothing; changing the name as well creates a new group, moves its users
	// and rules over, then deletes the old one.
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		Name:        pulumi.String(args.Name),
		Description: pulumi.String(args.Description),
		VpcId:       args.VPCID,
		Tags:        pulumi.ToStringMap(args.Tags),
		// Rules are separate resources; inline rules would fight them.
		RevokeRulesOnDelete: pulumi.Bool(true),
	}, pulumi.Parent(g), pulumi.IgnoreChanges([]string{"description"}))
	if err != nil {
		return nil, err
	}
	g.ID = sg.ID().ToStringOutput()
	for _, r := range args.Ingress {
		if _, err := g.add(ctx, Ingress, r); err != nil {
			return nil, err
		}
	}
	for _, r := range args.Egress {
		if _, err := g.add(ctx, Egress, r); err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(g, pulumi.Map{"id": g.ID}); err != nil {
		return nil, err
	}
	return g, nil
}

// AddIngress adds an ingress rule to the group after it was created: the way for two groups to
// admit each other, since neither can name the other before both exist. The rule's resource is
// named like those given to New (<name>-in-<rule>), so moving a rule between the two replaces
// nothing.
func (g *Group) AddIngress(ctx *pulumi.Context, r Rule, opts ...pulumi.ResourceOption) (pulumi.CustomResource, error) {
	return g.addChecked(ctx, Ingress, r, opts...)
}

// AddEgress adds an egress rule to the group after it was created (see AddIngress).
func (g *Group) AddEgress(ctx *pulumi.Context, r Rule, opts ...pulumi.ResourceOption) (pulumi.CustomResource, error) {
	return g.addChecked(ctx, Egress, r, opts...)
}

func (g *Group) addChecked(ctx *pulumi.Context, dir Direction, r Rule, opts ...pulumi.ResourceOption) (pulumi.CustomResource, error) {
	var errs field.Errors
	errs.Merge("rule", r.validate(dir))
	if g.rules[dir][r.Name] {
		errs.Add("rule.name", "%q is used by another %s rule of the group: rule names must be unique", r.Name, map[Direction]string{Ingress: "ingress", Egress: "egress"}[dir])
	}
	if err := errs.Err(); err != nil {
		return nil, fmt.Errorf("security group %s: %w", g.name, err)
	}
	return g.add(ctx, dir, r, opts...)
}

func (g *Group) add(ctx *pulumi.Context, dir Direction, r Rule, opts ...pulumi.ResourceOption) (pulumi.CustomResource, error) {
	g.rules[dir][r.Name] = true
	if r.Self {
		r.Self, r.SecurityGroupID = false, g.ID
	}
	return newRule(ctx, g.name+"-"+string(dir)+"-"+r.Name, g.ID, dir, r, g.tags, append([]pulumi.ResourceOption{pulumi.Parent(g)}, opts...)...)
}

// NewRule adds a rule to the security group groupID, which need not be one of this package's
// groups, as a resource named name; tags are the rule's own. A Self rule refers to groupID.
func NewRule(ctx *pulumi.Context, name string, groupID pulumi.StringInput, dir Direction, r Rule, tags map[string]string, opts ...pulumi.ResourceOption) (pulumi.CustomResource, error) {
	var errs field.Errors
	if dir != Ingress && dir != Egress {
		errs.Add("direction", "%q is not allowed: use %q or %q", dir, Ingress, Egress)
	}
	if groupID == nil {
		errs.Add("groupId", "is required: name the security group the rule belongs to")
	}
	errs.Merge("rule", r.validate(dir))
	if err := errs.Err(); err != nil {
		return nil, fmt.Errorf("security group rule %s: %w", name, err)
	}
	if r.Self {
		r.Self, r.SecurityGroupID = false, groupID
	}
	return newRule(ctx, name, groupID, dir, r, tags, opts...)
}

// newRule registers a validated rule whose peer is not Self.
func newRule(ctx *pulumi.Context, name string, groupID pulumi.StringInput, dir Direction, r Rule, tags map[string]string, opts ...pulumi.ResourceOption) (pulumi.CustomResource, error) {
	args := r.args(groupID, pulumi.ToStringMap(tags))
	if dir == Egress {
		// Egress rules take exactly the fields of ingress rules.
		egress := vpc.SecurityGroupEgressRuleArgs(*args)
		return vpc.NewSecurityGroupEgressRule(ctx, name, &egress, opts...)
	}
	return vpc.NewSecurityGroupIngressRule(ctx, name, args, opts...)
}

// args renders the rule for the group with id.
func (r Rule) args(id pulumi.StringInput, tags pulumi.StringMap) *vpc.SecurityGroupIngressRuleArgs {
	a := &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           id,
		Description:               pulumi.String(r.Description),
		IpProtocol:                pulumi.String(r.protocol()),
		ReferencedSecurityGroupId: r.SecurityGroupID,
		CidrIpv4:                  r.cidr(false),
		CidrIpv6:                  r.cidr(true),
		PrefixListId:              r.PrefixListID,
		Tags:                      tags,
	}
	switch r.protocol() {
	case TCP, UDP:
		a.FromPort, a.ToPort = pulumi.Int(r.FromPort), pulumi.Int(r.toPort())
	case ICMP, ICMPv6:
		// EC2 takes the ICMP type and code in the port fields, -1 meaning all.
		typ, code := -1, -1
		if r.ICMPType != nil {
			typ = *r.ICMPType
		}
		if r.ICMPCode != nil {
			code = *r.ICMPCode
		}
		a.FromPort, a.ToPort = pulumi.Int(typ), pulumi.Int(code)
	case All:
		// No ports: EC2 refuses them with protocol -1.
		a.IpProtocol = pulumi.String("-1")
	}
	return a
}

func (r Rule) protocol() string {
	if r.Protocol == "" {
		return TCP
	}
	return r.Protocol
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
