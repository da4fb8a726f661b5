package role_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/role"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const typeRole = "aws:iam/role:Role"

// trustOf creates a role from args and returns its rendered trust policy and the run.
func trustOf(t *testing.T, args role.Args) (string, *mock.Result) {
	t.Helper()
	if args.Name == "" {
		args.Name = "app-test-role"
	}
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := role.New(ctx, "r", &args)
		return err
	})
	doc, ok := mocktest.One(t, res, typeRole).In("assumeRolePolicy").(string)
	require.True(t, ok, "the trust policy is a JSON string")
	return doc, res
}

// The Service shorthand renders exactly the trust policy of the first roles, with no lookups.
func TestServiceShorthandUnchanged(t *testing.T) {
	doc, res := trustOf(t, role.Args{Service: role.ECSTasks})
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`, doc)
	assert.Empty(t, res.Invokes())
}

func TestTrustPolicies(t *testing.T) {
	provider := "arn:aws:iam::123456789012:oidc-provider/" + role.GitHubIssuer
	tests := []struct {
		name string
		args role.Args
		want string
	}{
		{"service with source account and ARN", role.Args{Services: []role.Service{{Principal: role.ECSTasks, SourceARN: "arn:aws:ecs:us-east-1:123456789012:*"}}},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":["sts:AssumeRole"],` +
				`"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:ecs:us-east-1:123456789012:*"},"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`},
		{"flow logs with source account only", role.Args{Services: []role.Service{{Principal: role.FlowLogs}}},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":["sts:AssumeRole"],` +
				`"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`},
		{"ec2 takes no conditions", role.Args{Services: []role.Service{{Principal: role.EC2}}},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`},
		{"undocumented service takes no conditions", role.Args{Services: []role.Service{{Principal: "lambda.amazonaws.com"}}},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`},
		{"github branch and environment", role.Args{OIDC: []role.OIDC{role.GitHubOIDC(nil,
			role.GitHubBranch("strata-iac/strata", "main"), role.GitHubEnvironment("strata-iac/strata", "production"))}},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":["sts:AssumeRoleWithWebIdentity"],` +
				`"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com",` +
				`"token.actions.githubusercontent.com:sub":["repo:strata-iac/strata:ref:refs/heads/main","repo:strata-iac/strata:environment:production"]}}}]}`},
		{"github pattern", role.Args{OIDC: []role.OIDC{role.GitHubOIDC(pulumi.String("arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com"),
			"repo:strata-iac/strata:ref:refs/heads/release/*")}},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com"},` +
				`"Action":["sts:AssumeRoleWithWebIdentity"],"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},` +
				`"StringLike":{"token.actions.githubusercontent.com:sub":"repo:strata-iac/strata:ref:refs/heads/release/*"}}}]}`},
		{"github immutable subject", role.Args{OIDC: []role.OIDC{role.GitHubOIDC(nil, role.GitHubEnvironment("strata-iac@123456/strata@456789", "production"))}},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":["sts:AssumeRoleWithWebIdentity"],` +
				`"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com",` +
				`"token.actions.githubusercontent.com:sub":"repo:strata-iac@123456/strata@456789:environment:production"}}}]}`},
		{"accounts", role.Args{Accounts: []string{"210987654321"}},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":["sts:AssumeRole"]}]}`},
		{"every kind, in order", role.Args{Service: role.EC2, OIDC: []role.OIDC{role.GitHubOIDC(nil, role.GitHubPullRequest("o/r"))}, Accounts: []string{"210987654321", "111122223333"}},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole"]},` +
				`{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":["sts:AssumeRoleWithWebIdentity"],` +
				`"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:o/r:pull_request"}}},` +
				`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::210987654321:root","arn:aws:iam::111122223333:root"]},"Action":["sts:AssumeRole"]}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, _ := trustOf(t, tc.args)
			assert.JSONEq(t, tc.want, doc)
			assert.Equal(t, tc.want, doc, "rendered byte for byte, keys sorted, so the input never changes between runs")
			assert.LessOrEqual(t, len(doc), 2048, "IAM's default trust policy quota")
		})
	}
}

func TestRoleSettings(t *testing.T) {
	_, res := trustOf(t, role.Args{
		Service: role.EC2, Path: "/ci/", MaxSessionDurationSeconds: 7200, InstanceProfile: true,
		Description:    "Deploys from CI: tabs\tand Latin-1 é are fine",
		InlinePolicies: map[string]pulumi.StringInput{"read-state": pulumi.String(doc)},
	})
	r := mocktest.One(t, res, typeRole)
	assert.Equal(t, "/ci/", r.In("path"))
	assert.Equal(t, float64(7200), r.In("maxSessionDuration"))
	assert.Equal(t, "/ci/", mocktest.One(t, res, "aws:iam/instanceProfile:InstanceProfile").In("path"))
	inline := mocktest.Named(t, res, "aws:iam/rolePolicy:RolePolicy", "r-read-state")
	assert.Equal(t, "read-state", inline.In("name"))
	assert.Equal(t, "app-test-role", inline.In("role"))
	assert.Equal(t, doc, inline.In("policy"))

	// Unset, they are left to AWS's defaults, as before they existed.
	_, res = trustOf(t, role.Args{Service: role.EC2})
	r = mocktest.One(t, res, typeRole)
	assert.Nil(t, r.In("path"))
	assert.Nil(t, r.In("maxSessionDuration"))
}

func TestTrustRefused(t *testing.T) {
	gh := func(subjects ...string) []role.OIDC { return []role.OIDC{role.GitHubOIDC(nil, subjects...)} }
	var many []string
	for i := range 40 {
		many = append(many, role.GitHubBranch("strata-iac/strata", fmt.Sprintf("feature-branch-%02d", i)))
	}
	tests := []struct {
		name string
		args role.Args
		want []string
	}{
		{"service and services", role.Args{Service: role.EC2, Services: []role.Service{{Principal: role.ECSTasks}}}, []string{"services: is set together with service"}},
		{"source arn where unsupported", role.Args{Services: []role.Service{{Principal: role.EC2, SourceARN: "arn:aws:ec2:us-east-1:123456789012:*"}}},
			[]string{"services[0].sourceArn: ec2.amazonaws.com does not document aws:SourceArn"}},
		{"malformed source arn", role.Args{Services: []role.Service{{Principal: role.DataSync, SourceARN: "datasync:*"}}}, []string{`services[0].sourceArn: "datasync:*" is not an ARN pattern`}},
		{"duplicate service", role.Args{Services: []role.Service{{Principal: role.ECSTasks}, {Principal: role.ECSTasks}}}, []string{`services[1].principal: "ecs-tasks.amazonaws.com" is listed twice`}},
		{"bad service", role.Args{Services: []role.Service{{Principal: "ecs"}}}, []string{`services[0].principal: "ecs" is not a service principal`}},
		{"no subjects", role.Args{OIDC: gh()}, []string{"oidc[0].subjects: is required"}},
		{"any subject", role.Args{OIDC: gh("*")}, []string{`oidc[0].subjects[0]: "*" matches every subject`}},
		{"any github owner", role.Args{OIDC: gh("repo:*/strata:ref:refs/heads/main", "repo:strata-iac/strata")},
			[]string{`oidc[0].subjects[0]: "repo:*/strata:ref:refs/heads/main" does not name a repository and its owner literally`, `oidc[0].subjects[1]: "repo:strata-iac/strata" does not name`}},
		{"any github owner id", role.Args{OIDC: gh("repo:strata-iac@*/strata@456789:ref:refs/heads/main")},
			[]string{`oidc[0].subjects[0]: "repo:strata-iac@*/strata@456789:ref:refs/heads/main" does not name a repository and its owner literally`}},
		{"issuer with scheme", role.Args{OIDC: []role.OIDC{{Issuer: "https://token.actions.githubusercontent.com", Subjects: []string{"x"}}}},
			[]string{`oidc[0].issuer: "https://token.actions.githubusercontent.com" is not an OIDC issuer`}},
		{"bad account", role.Args{Accounts: []string{"12345"}}, []string{`accounts[0]: "12345" is not an AWS account id`}},
		{"trust policy too long", role.Args{OIDC: gh(many...)}, []string{"oidc: the trust policy would be", "IAM allows 2048 by default"}},
		{"long description", role.Args{Service: role.EC2, Description: strings.Repeat("d", 1001)}, []string{"description: is 1001 characters long: IAM allows at most 1000"}},
		{"description charset", role.Args{Service: role.EC2, Description: "deploys 🚀"}, []string{`description: "deploys 🚀" has characters IAM refuses`}},
		{"bad path", role.Args{Service: role.EC2, Path: "ci"}, []string{`path: "ci" is not an IAM path`}},
		{"path with space", role.Args{Service: role.EC2, Path: "/c i/"}, []string{`path: "/c i/" is not an IAM path`}},
		{"session too short", role.Args{Service: role.EC2, MaxSessionDurationSeconds: 600}, []string{"maxSessionDurationSeconds: 600 is out of range: use 3600 to 43200"}},
		{"session too long", role.Args{Service: role.EC2, MaxSessionDurationSeconds: 43201}, []string{"maxSessionDurationSeconds: 43201 is out of range"}},
		{"inline policy name", role.Args{Service: role.EC2, InlinePolicies: map[string]pulumi.StringInput{"Read State": pulumi.String(doc), "empty": nil}},
			[]string{`inlinePolicies.Read State: "Read State" is not allowed`, "inlinePolicies.empty: has no document"}},
		{"profile with another principal", role.Args{Service: role.EC2, Accounts: []string{"210987654321"}, InstanceProfile: true},
			[]string{"instanceProfile: only roles assumed by ec2.amazonaws.com alone can have an instance profile, not ec2.amazonaws.com, AWS accounts"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			args.Name = "r"
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := role.New(ctx, "r", &args)
				return err
			}, tc.want...)
		})
	}
}

// A profile needs EC2 as the only principal, however it is named.
func TestInstanceProfileForEC2Services(t *testing.T) {
	_, res := trustOf(t, role.Args{Services: []role.Service{{Principal: role.EC2}}, InstanceProfile: true})
	mocktest.One(t, res, "aws:iam/instanceProfile:InstanceProfile")
}

func TestGitHubSubjects(t *testing.T) {
	assert.Equal(t, "repo:o/r:ref:refs/heads/main", role.GitHubBranch("o/r", "main"))
	assert.Equal(t, "repo:o/r:ref:refs/tags/v1.2.3", role.GitHubTag("o/r", "v1.2.3"))
	assert.Equal(t, "repo:o/r:environment:production", role.GitHubEnvironment("o/r", "production"))
	assert.Equal(t, "repo:o/r:pull_request", role.GitHubPullRequest("o/r"))
}
