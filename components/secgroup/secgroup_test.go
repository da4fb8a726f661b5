package secgroup_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/secgroup"
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
