package forwarder_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/forwarder"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

var conv = naming.Convention{App: "epimetheus", Env: "production", Owner: "research-platform"}

func args() forwarder.Args {
	return forwarder.Args{Naming: conv, VPCID: pulumi.String("vpc-1"), SubnetID: pulumi.String("subnet-a")}
}

func deploy(t *testing.T, a forwarder.Args) *mock.Result {
	t.Helper()
	return mocktest.Run(t, func(ctx *pulumi.Context) error {
		f, err := forwarder.New(ctx, "epimetheus-forwarder", &a)
		if err != nil {
			return err
		}
		return f.Reach(ctx, "postgres", 5432, pulumi.String("sg-db"), "the database")
	})
}

// The host admits nothing, sends HTTPS (Systems Manager) and the store's port to the store's group
// only, has no public address, and the session policy allows port forwarding through it alone.
func TestForwarder(t *testing.T) {
	res := deploy(t, args())
	sg := mocktest.One(t, res, "aws:ec2/securityGroup:SecurityGroup")
	assert.Equal(t, "epimetheus-production-forwarder", sg.In("name"))
	assert.Empty(t, res.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), "nothing may reach the forwarder")
	peers := map[string]any{}
	for _, r := range res.ByType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
		assert.Equal(t, sg.ID, r.In("securityGroupId"), r.Name)
		if id := r.In("referencedSecurityGroupId"); id != nil {
			peers[r.Name] = id
		} else {
			peers[r.Name] = r.In("cidrIpv4")
		}
	}
	assert.Equal(t, map[string]any{"epimetheus-forwarder-out-https": "0.0.0.0/0", "epimetheus-forwarder-out-postgres": "sg-db"}, peers)

	inst := mocktest.One(t, res, "aws:ec2/instance:Instance")
	assert.Equal(t, false, inst.In("associatePublicIpAddress"))
	assert.Equal(t, "subnet-a", inst.In("subnetId"))
	lt := mocktest.One(t, res, "aws:ec2/launchTemplate:LaunchTemplate")
	assert.Equal(t, "t4g.nano", lt.In("instanceType"))
	assert.Equal(t, "required", lt.In("metadataOptions.httpTokens"))

	doc := mocktest.Document(t, mocktest.Named(t, res, "aws:iam/policy:Policy", "epimetheus-forwarder-session"), "policy")
	id := inst.ID
	mocktest.EqualLists(t, "session policy", mocktest.Grants(doc), []string{
		"ssm:ResumeSession arn:aws:ssm:us-east-1:123456789012:session/${aws:userid}-*",
		"ssm:StartSession arn:aws:ec2:us-east-1:123456789012:instance/" + id,
		"ssm:StartSession arn:aws:ssm:us-east-1::document/AWS-StartPortForwardingSessionToRemoteHost",
		"ssm:TerminateSession arn:aws:ssm:us-east-1:123456789012:session/${aws:userid}-*",
	})
	require.NotEmpty(t, doc.Statement)
	assert.Equal(t, "true", doc.Statement[0].Condition["BoolIfExists"]["ssm:SessionDocumentAccessCheck"], "no shell sessions")
}

// In a subnet without NAT the forwarder needs a public address for Systems Manager, and reaches a
// store without a security group by its network.
func TestForwarderInDefaultVPC(t *testing.T) {
	a := args()
	a.PublicIP = true
	a.Networks = []forwarder.Network{{Name: "lightsail", CIDR: "172.26.0.0/16", Port: 5432}}
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := forwarder.New(ctx, "epimetheus-forwarder", &a)
		return err
	})
	assert.Equal(t, true, mocktest.One(t, res, "aws:ec2/instance:Instance").In("associatePublicIpAddress"))
	rule := mocktest.Named(t, res, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "epimetheus-forwarder-out-lightsail")
	assert.Equal(t, "172.26.0.0/16", rule.In("cidrIpv4"))
	assert.Equal(t, float64(5432), rule.In("fromPort"))
}

func TestCommand(t *testing.T) {
	assert.Equal(t,
		`aws ssm start-session --target i-0123 --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters '{"host":["db.example"],"portNumber":["5432"],"localPortNumber":["15432"]}'`,
		forwarder.Command("i-0123", "db.example", 5432, 15432))
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	tests := []struct {
		name string
		edit func(a *forwarder.Args)
		want []string
	}{
		{"instance type", func(a *forwarder.Args) { a.InstanceType = "nano" }, []string{`instanceType: "nano" is not an instance type`}},
		{"public network", func(a *forwarder.Args) {
			a.Networks = []forwarder.Network{{Name: "db", CIDR: "8.8.8.0/24", Port: 5432}}
		},
			[]string{`networks[0].cidr: "8.8.8.0/24" is not a private network`}},
		{"port", func(a *forwarder.Args) {
			a.Networks = []forwarder.Network{{Name: "db", CIDR: "172.26.0.0/16", Port: 70000}}
		},
			[]string{"networks[0].port: 70000 is out of range"}},
		{"no subnet", func(a *forwarder.Args) { a.SubnetID = nil }, []string{"subnetId: is required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := args()
			tc.edit(&a)
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := forwarder.New(ctx, "epimetheus-forwarder", &a)
				return err
			}, tc.want...)
		})
	}
}
