package secgroup_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/secgroup"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeIngress = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeEgress  = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
)

func TestRules(t *testing.T) {
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := secgroup.New(ctx, "db", &secgroup.Args{
			Name: "app-test-db", Description: "database", VPCID: pulumi.String("vpc-1"),
			Ingress: []secgroup.Rule{
				{Name: "from-app", Description: "app tasks", FromPort: 5432, SecurityGroupID: pulumi.String("sg-app")},
				{Name: "archiver", Description: "TestArchiver", FromPort: 5432, CIDR: "203.0.113.0/24"},
				{Name: "archiver-v6", Description: "TestArchiver", FromPort: 5432, CIDR: "2001:db8::/32"},
			},
			Egress: []secgroup.Rule{{Name: "https", Description: "AWS APIs", FromPort: 443, CIDR: "0.0.0.0/0"}},
			Tags:   map[string]string{"Name": "app-test-db"},
		})
		return err
	})
	sg := mocktest.One(t, res, "aws:ec2/securityGroup:SecurityGroup")
	mocktest.Eq(t, "name", sg.In("name"), "app-test-db")
	mocktest.Eq(t, "vpc", sg.In("vpcId"), "vpc-1")
	if sg.In("ingress") != nil || sg.In("egress") != nil {
		t.Error("rules must not be inline")
	}
	app := mocktest.Named(t, res, typeIngress, "db-in-from-app")
	mocktest.Eq(t, "app source", app.In("referencedSecurityGroupId"), "sg-app")
	mocktest.Eq(t, "app port", app.In("fromPort"), float64(5432))
	mocktest.Eq(t, "app to port", app.In("toPort"), float64(5432))
	mocktest.Eq(t, "app group", app.In("securityGroupId"), sg.ID)
	mocktest.Eq(t, "app description", app.In("description"), "app tasks")
	mocktest.Eq(t, "archiver cidr", mocktest.Named(t, res, typeIngress, "db-in-archiver").In("cidrIpv4"), "203.0.113.0/24")
	mocktest.Eq(t, "archiver v6", mocktest.Named(t, res, typeIngress, "db-in-archiver-v6").In("cidrIpv6"), "2001:db8::/32")
	mocktest.Eq(t, "egress", mocktest.Named(t, res, typeEgress, "db-out-https").In("cidrIpv4"), "0.0.0.0/0")
	for _, r := range append(res.ByType(typeIngress), res.ByType(typeEgress)...) {
		mocktest.Eq(t, r.Name+" Name tag", r.In("tags.Name"), "app-test-db")
		mocktest.Eq(t, r.Name+" protocol", r.In("ipProtocol"), "tcp")
	}
}

// A changed description would replace the group, and no replacement of a group that keeps its
// name can work (see New): the group ignores it, and nothing else on the group is ignored.
func TestDescriptionChangeReplacesNothing(t *testing.T) {
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := secgroup.New(ctx, "db", &secgroup.Args{Name: "app-test-db", Description: "database", VPCID: pulumi.String("vpc-1"),
			Ingress: []secgroup.Rule{{Name: "from-app", Description: "app tasks", FromPort: 5432, SecurityGroupID: pulumi.String("sg-app")}}})
		return err
	})
	sg := mocktest.One(t, res, "aws:ec2/securityGroup:SecurityGroup")
	assert.Equal(t, []string{"description"}, sg.IgnoreChanges)
	assert.Equal(t, "database", sg.In("description"), "a new group gets its description")
	assert.Empty(t, mocktest.One(t, res, typeIngress).IgnoreChanges, "rules change as described")
}

func TestInvalidArgs(t *testing.T) {
	vpc := pulumi.String("vpc-1")
	sg := pulumi.String("sg-1")
	tests := []struct {
		name string
		args secgroup.Args
		want []string
	}{
		{"empty", secgroup.Args{}, []string{"name: is required", "description: is required", "vpcId: is required"}},
		{"world open", secgroup.Args{Name: "n", Description: "d", VPCID: vpc,
			Ingress: []secgroup.Rule{{Name: "ssh", Description: "ssh", FromPort: 22, CIDR: "0.0.0.0/0"}}},
			[]string{`ingress[0].cidr: "0.0.0.0/0" opens the port to the whole internet`}},
		{"world open v6", secgroup.Args{Name: "n", Description: "d", VPCID: vpc,
			Ingress: []secgroup.Rule{{Name: "ssh", Description: "ssh", FromPort: 22, CIDR: "::/0"}}},
			[]string{`ingress[0].cidr: "::/0" opens the port to the whole internet`}},
		{"bad cidr", secgroup.Args{Name: "n", Description: "d", VPCID: vpc,
			Ingress: []secgroup.Rule{{Name: "a", Description: "a", FromPort: 1, CIDR: "10.0.0.1/8"}, {Name: "b", Description: "b", FromPort: 1, CIDR: "ten"}}},
			[]string{`ingress[0].cidr: "10.0.0.1/8" has host bits set: use 10.0.0.0/8`, `ingress[1].cidr: "ten" is not a CIDR block`}},
		{"two peers", secgroup.Args{Name: "n", Description: "d", VPCID: vpc,
			Ingress: []secgroup.Rule{{Name: "a", Description: "a", FromPort: 1, CIDR: "10.0.0.0/8", SecurityGroupID: sg}}},
			[]string{"ingress[0]: name exactly one peer"}},
		{"rule problems", secgroup.Args{Name: "n", Description: "d", VPCID: vpc,
			Egress: []secgroup.Rule{{Name: "a", FromPort: 0, SecurityGroupID: sg}, {Name: "a", Description: "x", FromPort: 10, ToPort: 5, SecurityGroupID: sg}}},
			[]string{"egress[0].description: is required", "egress[0].fromPort: 0 is out of range", `egress[1].name: "a" is used by another rule`, "egress[1].toPort: 5 is out of range: use 10 to 65535"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := secgroup.New(ctx, "g", &tc.args)
				return err
			}, tc.want...)
		})
	}
}

func TestInternetOnlyWhenExplicit(t *testing.T) {
	mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := secgroup.New(ctx, "alb", &secgroup.Args{
			Name: "app-test-alb", Description: "load balancer", VPCID: pulumi.String("vpc-1"),
			Ingress: []secgroup.Rule{{Name: "https", Description: "HTTPS from anywhere", FromPort: 443, CIDR: "0.0.0.0/0", Internet: true}},
		})
		return err
	})
}

func TestTextRules(t *testing.T) {
	vpc := pulumi.String("vpc-1")
	long := strings.Repeat("a", 256)
	tests := []struct {
		name string
		args secgroup.Args
		want []string
	}{
		{"apostrophe in rule", secgroup.Args{Name: "n", Description: "d", VPCID: vpc,
			Egress: []secgroup.Rule{{Name: "db", Description: "the app's database", FromPort: 5432, CIDR: "10.0.0.0/8"}}},
			[]string{`egress[0].description: "the app's database" has characters EC2 refuses ('\'')`}},
		{"non-ascii and percent in group", secgroup.Args{Name: "n", Description: "café 100%", VPCID: vpc},
			[]string{`description: "café 100%" has characters EC2 refuses ('é' '%')`}},
		{"ampersand in rule", secgroup.Args{Name: "n", Description: "web & api", VPCID: vpc,
			Ingress: []secgroup.Rule{{Name: "a", Description: "web & api", FromPort: 443, SecurityGroupID: pulumi.String("sg-1")}}},
			[]string{`ingress[0].description: "web & api" has characters EC2 refuses ('&')`}},
		{"too long", secgroup.Args{Name: long, Description: long, VPCID: vpc},
			[]string{"name: is 256 characters long: EC2 allows at most 255", "description: is 256 characters long"}},
		{"reserved prefix", secgroup.Args{Name: "sg-web", Description: "d", VPCID: vpc},
			[]string{`name: "sg-web" starts with sg-`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := secgroup.New(ctx, "g", &tc.args)
				return err
			}, tc.want...)
		})
	}
}

// Every character EC2 documents is accepted, up to 255 of them, and rendered as given.
func TestTextAccepted(t *testing.T) {
	groupText := "aZ09 ._-:/()#,@[]+=&;{}!$*"
	groupText += strings.Repeat("x", 255-len(groupText))
	ruleText := "aZ09 ._-:/()#,@[]+=;{}!$*"
	require.Len(t, groupText, 255)
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := secgroup.New(ctx, "g", &secgroup.Args{
			Name: groupText, Description: groupText, VPCID: pulumi.String("vpc-1"),
			Ingress: []secgroup.Rule{{Name: "a", Description: ruleText, FromPort: 22, Self: true}},
		})
		return err
	})
	sg := mocktest.One(t, res, "aws:ec2/securityGroup:SecurityGroup")
	assert.Equal(t, groupText, sg.In("description"))
	assert.Equal(t, groupText, sg.In("name"))
	assert.Equal(t, ruleText, mocktest.Named(t, res, typeIngress, "g-in-a").In("description"))
	for _, s := range []string{groupText, ruleText} {
		assert.NoError(t, secgroup.Text(s, s == ruleText))
	}
}

func ptr(n int) *int { return &n }

func TestProtocols(t *testing.T) {
	tests := []struct {
		name               string
		rule               secgroup.Rule
		protocol           string
		fromPort, toPort   any
		cidrIPv4, cidrIPv6 any
	}{
		{"tcp default", secgroup.Rule{FromPort: 8000, ToPort: 8010, CIDR: "10.0.0.0/8"}, "tcp", float64(8000), float64(8010), "10.0.0.0/8", nil},
		{"udp", secgroup.Rule{Protocol: secgroup.UDP, FromPort: 53, CIDR: "10.0.0.0/8"}, "udp", float64(53), float64(53), "10.0.0.0/8", nil},
		{"icmp all types", secgroup.Rule{Protocol: secgroup.ICMP, CIDR: "10.0.0.0/8"}, "icmp", float64(-1), float64(-1), "10.0.0.0/8", nil},
		{"icmp echo request", secgroup.Rule{Protocol: secgroup.ICMP, ICMPType: ptr(8), ICMPCode: ptr(0), CIDR: "10.0.0.0/8"}, "icmp", float64(8), float64(0), "10.0.0.0/8", nil},
		{"icmp type, any code", secgroup.Rule{Protocol: secgroup.ICMP, ICMPType: ptr(3), CIDR: "10.0.0.0/8"}, "icmp", float64(3), float64(-1), "10.0.0.0/8", nil},
		{"icmpv6", secgroup.Rule{Protocol: secgroup.ICMPv6, CIDR: "2001:db8::/32"}, "icmpv6", float64(-1), float64(-1), nil, "2001:db8::/32"},
		{"all protocols", secgroup.Rule{Protocol: secgroup.All, Self: true}, "-1", nil, nil, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rule
			r.Name, r.Description = "r", "rule under test"
			res := mocktest.Run(t, func(ctx *pulumi.Context) error {
				_, err := secgroup.New(ctx, "g", &secgroup.Args{Name: "n", Description: "d", VPCID: pulumi.String("vpc-1"), Ingress: []secgroup.Rule{r}})
				return err
			})
			in := mocktest.Named(t, res, typeIngress, "g-in-r")
			assert.Equal(t, tc.protocol, in.In("ipProtocol"))
			assert.Equal(t, tc.fromPort, in.In("fromPort"))
			assert.Equal(t, tc.toPort, in.In("toPort"))
			assert.Equal(t, tc.cidrIPv4, in.In("cidrIpv4"))
			assert.Equal(t, tc.cidrIPv6, in.In("cidrIpv6"))
		})
	}
}

func TestProtocolRulesRefused(t *testing.T) {
	sg := pulumi.String("sg-1")
	tests := []struct {
		name string
		rule secgroup.Rule
		want string
	}{
		{"unknown protocol", secgroup.Rule{Protocol: "sctp", SecurityGroupID: sg}, `ingress[0].protocol: "sctp" is not allowed: use one of tcp, udp, icmp, icmpv6, all`},
		{"ports on icmp", secgroup.Rule{Protocol: secgroup.ICMP, FromPort: 8, SecurityGroupID: sg}, "ingress[0].fromPort: icmp has no ports"},
		{"icmp type out of range", secgroup.Rule{Protocol: secgroup.ICMP, ICMPType: ptr(256), SecurityGroupID: sg}, "ingress[0].icmpType: 256 is out of range: use 0 to 255"},
		{"code without type", secgroup.Rule{Protocol: secgroup.ICMPv6, ICMPCode: ptr(0), SecurityGroupID: sg}, "ingress[0].icmpCode: needs icmpType"},
		{"icmp type on tcp", secgroup.Rule{FromPort: 22, ICMPType: ptr(8), SecurityGroupID: sg}, "ingress[0].icmpType: only ICMP and ICMPv6 rules take an ICMP type"},
		{"ports with all", secgroup.Rule{Protocol: secgroup.All, FromPort: 22, SecurityGroupID: sg}, `ingress[0].protocol: "all" covers every port`},
		{"icmp to IPv6", secgroup.Rule{Protocol: secgroup.ICMP, CIDR: "2001:db8::/32"}, `ingress[0].cidr: "2001:db8::/32" is IPv6`},
		{"icmpv6 from IPv4", secgroup.Rule{Protocol: secgroup.ICMPv6, CIDR: "10.0.0.0/8"}, `ingress[0].cidr: "10.0.0.0/8" is IPv4`},
		{"self and group", secgroup.Rule{FromPort: 22, Self: true, SecurityGroupID: sg}, "ingress[0]: name exactly one peer"},
		{"all from the internet", secgroup.Rule{Protocol: secgroup.All, CIDR: "0.0.0.0/0"}, `ingress[0].cidr: "0.0.0.0/0" opens the port to the whole internet`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rule
			r.Name, r.Description = "r", "rule under test"
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := secgroup.New(ctx, "g", &secgroup.Args{Name: "n", Description: "d", VPCID: pulumi.String("vpc-1"), Ingress: []secgroup.Rule{r}})
				return err
			}, tc.want)
		})
	}
}

// SSH between the members of one group: the rule's peer is the group itself.
func TestSelf(t *testing.T) {
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := secgroup.New(ctx, "pool", &secgroup.Args{Name: "aot-test-pool", Description: "pool members", VPCID: pulumi.String("vpc-1"),
			Ingress: []secgroup.Rule{{Name: "ssh", Description: "SSH between members", FromPort: 22, Self: true}}})
		return err
	})
	sg := mocktest.One(t, res, "aws:ec2/securityGroup:SecurityGroup")
	ssh := mocktest.Named(t, res, typeIngress, "pool-in-ssh")
	assert.Equal(t, sg.ID, ssh.In("securityGroupId"))
	assert.Equal(t, sg.ID, ssh.In("referencedSecurityGroupId"))
	assert.Nil(t, ssh.In("cidrIpv4"))
}

// Two groups admit each other: rules added after both exist, named as rules given to New are.
func TestRulesAddedLater(t *testing.T) {
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		a, err := secgroup.New(ctx, "a", &secgroup.Args{Name: "app-test-a", Description: "a", VPCID: pulumi.String("vpc-1")})
		if err != nil {
			return err
		}
		b, err := secgroup.New(ctx, "b", &secgroup.Args{Name: "app-test-b", Description: "b", VPCID: pulumi.String("vpc-1"),
			Tags: map[string]string{"Name": "app-test-b"}})
		if err != nil {
			return err
		}
		if _, err := a.AddIngress(ctx, secgroup.Rule{Name: "from-b", Description: "b calls a", FromPort: 8080, SecurityGroupID: b.ID}); err != nil {
			return err
		}
		if _, err := b.AddIngress(ctx, secgroup.Rule{Name: "from-a", Description: "a calls b", FromPort: 9090, SecurityGroupID: a.ID}); err != nil {
			return err
		}
		_, err = b.AddEgress(ctx, secgroup.Rule{Name: "to-a", Description: "b calls a", FromPort: 8080, SecurityGroupID: a.ID})
		return err
	})
	groups := map[string]string{}
	for _, sg := range res.ByType("aws:ec2/securityGroup:SecurityGroup") {
		groups[sg.Name] = sg.ID
	}
	fromB := mocktest.Named(t, res, typeIngress, "a-in-from-b")
	assert.Equal(t, groups["a"], fromB.In("securityGroupId"))
	assert.Equal(t, groups["b"], fromB.In("referencedSecurityGroupId"))
	fromA := mocktest.Named(t, res, typeIngress, "b-in-from-a")
	assert.Equal(t, groups["b"], fromA.In("securityGroupId"))
	assert.Equal(t, groups["a"], fromA.In("referencedSecurityGroupId"))
	toA := mocktest.Named(t, res, typeEgress, "b-out-to-a")
	assert.Equal(t, "app-test-b", toA.In("tags.Name"), "rules added later carry the group's tags")
	assert.Equal(t, res.Get("strata:secgroup:Group", "b").URN, toA.Parent)
}

func TestRulesAddedLaterRefused(t *testing.T) {
	res, err := mock.Run(func(ctx *pulumi.Context) error {
		g, err := secgroup.New(ctx, "g", &secgroup.Args{Name: "n", Description: "d", VPCID: pulumi.String("vpc-1"),
			Ingress: []secgroup.Rule{{Name: "ssh", Description: "ssh", FromPort: 22, Self: true}}})
		if err != nil {
			return err
		}
		_, err = g.AddIngress(ctx, secgroup.Rule{Name: "ssh", Description: "the second's", FromPort: 0, Self: true})
		return err
	}, mock.Options{Project: "strata", Stack: "test"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `rule.name: "ssh" is used by another ingress rule of the group`)
	assert.Contains(t, err.Error(), "rule.fromPort: 0 is out of range")
	assert.Contains(t, err.Error(), `rule.description: "the second's" has characters EC2 refuses`)
	assert.Len(t, res.ByType(typeIngress), 1, "the refused rule registers nothing")
}

func TestNewRule(t *testing.T) {
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		if _, err := secgroup.NewRule(ctx, "ext-in-ssh", pulumi.String("sg-0123456789abcdef0"), secgroup.Ingress,
			secgroup.Rule{Name: "ssh", Description: "SSH between members", FromPort: 22, Self: true}, map[string]string{"Owner": "me"}); err != nil {
			return err
		}
		_, err := secgroup.NewRule(ctx, "ext-out-dns", pulumi.String("sg-0123456789abcdef0"), secgroup.Egress,
			secgroup.Rule{Name: "dns", Description: "DNS", Protocol: secgroup.UDP, FromPort: 53, CIDR: "10.0.0.2/32"}, nil)
		return err
	})
	ssh := mocktest.Named(t, res, typeIngress, "ext-in-ssh")
	assert.Equal(t, "sg-0123456789abcdef0", ssh.In("securityGroupId"))
	assert.Equal(t, "sg-0123456789abcdef0", ssh.In("referencedSecurityGroupId"))
	assert.Equal(t, "me", ssh.In("tags.Owner"))
	assert.Equal(t, "udp", mocktest.Named(t, res, typeEgress, "ext-out-dns").In("ipProtocol"))

	mocktest.Refused(t, func(ctx *pulumi.Context) error {
		_, err := secgroup.NewRule(ctx, "x", nil, "sideways", secgroup.Rule{Name: "x"}, nil)
		return err
	}, `direction: "sideways" is not allowed`, "groupId: is required", "rule.description: is required", "rule: name exactly one peer")
}
