package role_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/role"
	"github.com/strata-iac/strata/internal/mocktest"
)

const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}]}`

func TestRoleWithManagedPolicyAndProfile(t *testing.T) {
	ssm := "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := role.New(ctx, "app", &role.Args{
			Name: "app-test-web", Service: role.EC2, Policy: pulumi.String(doc),
			ManagedPolicyARNs: []string{ssm}, InstanceProfile: true, Tags: map[string]string{"Owner": "me"},
		})
		return err
	})
	r := mocktest.One(t, res, "aws:iam/role:Role")
	mocktest.Eq(t, "role name", r.In("name"), "app-test-web")
	trust := mocktest.Document(t, r, "assumeRolePolicy")
	mocktest.Eq(t, "trust statements", len(trust.Statement), 1)
	mocktest.Eq(t, "trust action", trust.Statement[0].Action[0], "sts:AssumeRole")
	mocktest.Eq(t, "trust principal", trust.Statement[0].Principal.(map[string]any)["Service"], role.EC2)
	mocktest.Eq(t, "policy", mocktest.One(t, res, "aws:iam/policy:Policy").In("policy"), doc)

	attachments := map[string]any{}
	for _, a := range res.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		attachments[a.Name] = a.In("policyArn")
	}
	mocktest.Eq(t, "own policy attachment", attachments["app"], "arn:aws:iam::123456789012:policy/app-test-web")
	mocktest.Eq(t, "managed attachment", attachments["app-AmazonSSMManagedInstanceCore"], ssm)
	mocktest.Eq(t, "profile role", mocktest.One(t, res, "aws:iam/instanceProfile:InstanceProfile").In("role"), "app-test-web")
	for _, x := range res.Resources() {
		if mocktest.Taggable(x) {
			mocktest.Eq(t, x.Type+" Owner tag", x.In("tags.Owner"), "me")
		}
	}
}

func TestInvalidArgs(t *testing.T) {
	tests := []struct {
		name string
		args role.Args
		want []string
	}{
		{"empty", role.Args{}, []string{"name: is required", "service: is required"}},
		{"bad attachment name", role.Args{Name: "r", Service: role.EC2, Attach: map[string]pulumi.StringInput{"Kotta Web": pulumi.String("arn")}},
			[]string{`attach.Kotta Web: "Kotta Web" is not allowed`}},
		{"long name", role.Args{Name: strings.Repeat("r", 65), Service: role.EC2, Policy: pulumi.String(doc)}, []string{"name:", "1 to 64 characters"}},
		{"bad service", role.Args{Name: "r", Service: "ec2", Policy: pulumi.String(doc)}, []string{`service: "ec2" is not a service principal`}},
		{"full access", role.Args{Name: "r", Service: role.EC2, Policy: pulumi.String(doc),
			ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/AmazonS3FullAccess"}}, []string{"managedPolicyArns[0]:", "grants full access"}},
		{"customer policy as managed", role.Args{Name: "r", Service: role.EC2, Policy: pulumi.String(doc),
			ManagedPolicyARNs: []string{"arn:aws:iam::123456789012:policy/mine"}}, []string{"managedPolicyArns[0]:", "not an AWS managed policy ARN"}},
		{"profile for ecs", role.Args{Name: "r", Service: role.ECSTasks, Policy: pulumi.String(doc), InstanceProfile: true},
			[]string{"instanceProfile: only roles assumed by ec2.amazonaws.com"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := role.New(ctx, "r", &tc.args)
				return err
			}, tc.want...)
		})
	}
}

func TestRoleWithoutOwnPolicyAttachesOthers(t *testing.T) {
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		r, err := role.New(ctx, "task", &role.Args{
			Name: "app-test-task", Service: role.ECSTasks,
			Attach: map[string]pulumi.StringInput{"kotta-web": pulumi.String("arn:aws:iam::123456789012:policy/kotta-test-web")},
		})
		if err != nil {
			return err
		}
		ctx.Export("policy", r.PolicyARN)
		return nil
	})
	if n := len(res.ByType("aws:iam/policy:Policy")); n != 0 {
		t.Errorf("got %d policies, want none", n)
	}
	a := mocktest.One(t, res, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
	mocktest.Eq(t, "attachment name", a.Name, "task-kotta-web")
	mocktest.Eq(t, "attached policy", a.In("policyArn"), "arn:aws:iam::123456789012:policy/kotta-test-web")
	mocktest.Eq(t, "own policy output", res.Outputs["policy"], "")
}

// Whatever is given the role (here a flow log and an instance's profile) is created only once the
// role's permissions are attached: ARN and InstanceProfileName resolve after every policy and
// attachment, so nothing starts with a role IAM has not yet given its permissions.
func TestUsersOfTheRoleWaitForItsPermissions(t *testing.T) {
	ssm := "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		r, err := role.New(ctx, "app", &role.Args{
			Name: "app-test-web", Service: role.EC2, Policy: pulumi.String(doc), ManagedPolicyARNs: []string{ssm},
			InlinePolicies:  map[string]pulumi.StringInput{"extra": pulumi.String(doc)},
			Attach:          map[string]pulumi.StringInput{"shared": pulumi.String("arn:aws:iam::123456789012:policy/shared")},
			InstanceProfile: true,
		})
		if err != nil {
			return err
		}
		if _, err := iam.NewServiceLinkedRole(ctx, "uses-arn", &iam.ServiceLinkedRoleArgs{
			AwsServiceName: pulumi.String("autoscaling.amazonaws.com"), Description: r.ARN}); err != nil {
			return err
		}
		_, err = iam.NewServiceLinkedRole(ctx, "uses-profile", &iam.ServiceLinkedRoleArgs{
			AwsServiceName: pulumi.String("elasticbeanstalk.amazonaws.com"), Description: r.InstanceProfileName})
		return err
	})
	var grants []string
	for _, typ := range []string{"aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/rolePolicy:RolePolicy"} {
		for _, g := range res.ByType(typ) {
			grants = append(grants, g.URN)
		}
	}
	require.Len(t, grants, 4, "own policy, managed, attached and inline")
	for _, user := range []string{"uses-arn", "uses-profile"} {
		u := mocktest.Named(t, res, "aws:iam/serviceLinkedRole:ServiceLinkedRole", user)
		for _, g := range grants {
			assert.Contains(t, u.Dependencies, g, "%s must wait for %s", user, g)
		}
	}
	assert.Equal(t, "arn:aws:iam::123456789012:role/app-test-web",
		mocktest.Named(t, res, "aws:iam/serviceLinkedRole:ServiceLinkedRole", "uses-arn").In("description"), "the value stays the role's ARN")
}
