package bootstrap

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/field"
)

func TestPlanDefaults(t *testing.T) {
	p, err := example().Plan(stage, "us-east-2")
	require.NoError(t, err)
	assert.Equal(t, "strata", p.Project)
	assert.Equal(t, DefaultApps, p.Apps)
	assert.Equal(t, 3600, p.MaxSessionDurationSeconds)
	assert.Equal(t, "s3://example-strata-pulumi-state-use2?region=us-east-2", p.LoginURL())
	assert.Equal(t, "awskms://alias/strata-bootstrap-secrets?region=us-east-2", p.SecretsProvider(p.KeyAlias))
	require.Len(t, p.Deploy, 2)
	require.Len(t, p.Preview, 2)
	for i, stage := range []string{"production", "staging"} {
		r := p.Deploy[i]
		assert.Equal(t, "strata-bootstrap-deploy-"+stage, r.Name)
		assert.False(t, r.Preview)
		assert.Equal(t, stage, r.Env)
		assert.Equal(t, stage, r.Environment)
		assert.Equal(t, "us-east-2", r.Region)
		assert.Equal(t, "alias/strata-bootstrap-secrets-"+stage, r.KeyAlias, "a key per stage")
		assert.Equal(t, []string{"repo:strata-iac/strata:environment:" + stage}, r.Subjects)
		pr := p.Preview[i]
		assert.Equal(t, "strata-bootstrap-preview-"+stage, pr.Name)
		assert.True(t, pr.Preview)
		assert.Equal(t, stage, pr.Stage)
		assert.Equal(t, stage+"-preview", pr.Environment)
		assert.Equal(t, r.KeyAlias, pr.KeyAlias, "the preview decrypts its own stage's secrets only")
		assert.Equal(t, []string{"repo:strata-iac/strata:environment:" + stage + "-preview"}, pr.Subjects)
	}
	assert.Equal(t, "awskms://alias/strata-bootstrap-secrets-staging?region=us-east-2", p.SecretsProvider(p.Deploy[1].KeyAlias))
	assert.Equal(t, 365, p.State.NoncurrentVersionExpirationDays, "state history kept a year")
	assert.True(t, p.State.Protect && p.Logs.Protect, "the state and its logs are always protected")
	assert.Equal(t, "example-strata-pulumi-state-use2-logs", p.State.Logging.TargetBucket)
	assert.Equal(t, []string{"example-strata-pulumi-state-use2"}, p.Logs.AccessLogSources)
}

func TestPlanDoesNotChangeItsConfig(t *testing.T) {
	c := example()
	c.Apps = []string{"kotta"}
	c.Stages = map[string]Stage{"staging": {}}
	_, err := c.Plan(stage, "us-east-2")
	require.NoError(t, err)
	assert.Equal(t, []string{"kotta"}, c.Apps)
	assert.Equal(t, map[string]Stage{"staging": {}}, c.Stages)
}

func TestRefInSubject(t *testing.T) {
	c := example()
	c.RefInSubject = true
	c.Branch = "release"
	p, err := c.Plan(stage, "us-east-2")
	require.NoError(t, err)
	assert.Equal(t, []string{"repo:strata-iac/strata:environment:staging-preview:ref:refs/pull/*/merge"}, p.Preview[1].Subjects)
	assert.Equal(t, []string{"repo:strata-iac/strata:environment:staging:ref:refs/heads/release"}, p.Deploy[1].Subjects)
}

func TestImmutableSubjects(t *testing.T) {
	c := example()
	c.OwnerID, c.RepositoryID = 123456, 456789
	p, err := c.Plan(stage, "us-east-2")
	require.NoError(t, err)
	assert.Equal(t, []string{"repo:strata-iac@123456/strata@456789:environment:production-preview"}, p.Preview[0].Subjects)
	assert.Equal(t, []string{"repo:strata-iac@123456/strata@456789:environment:production"}, p.Deploy[0].Subjects)

	c.RefInSubject = true
	p, err = c.Plan(stage, "us-east-2")
	require.NoError(t, err)
	assert.Equal(t, []string{"repo:strata-iac@123456/strata@456789:environment:staging:ref:refs/heads/main"}, p.Deploy[1].Subjects)
}

func TestStageSettings(t *testing.T) {
	c := example()
	c.Stages = map[string]Stage{"prod": {Env: "production", Environment: "Production", Region: "eu-west-1", PreviewEnvironment: "Production preview"}}
	p, err := c.Plan(stage, "us-east-2")
	require.NoError(t, err)
	require.Len(t, p.Deploy, 1)
	assert.Equal(t, Role{Name: "strata-bootstrap-deploy-prod", Stage: "prod", Env: "production", Environment: "Production",
		Region: "eu-west-1", KeyAlias: "alias/strata-bootstrap-secrets-prod", Subjects: []string{"repo:strata-iac/strata:environment:Production"}}, p.Deploy[0])
	assert.Equal(t, Role{Name: "strata-bootstrap-preview-prod", Preview: true, Stage: "prod", Env: "production", Environment: "Production preview",
		Region: "eu-west-1", KeyAlias: "alias/strata-bootstrap-secrets-prod", Subjects: []string{"repo:strata-iac/strata:environment:Production preview"}}, p.Preview[0])
}

func TestBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want []string
	}{
		{"nothing", func(c *Config) { *c = Config{} }, []string{
			"strata:bootstrap.repository: is required",
			"strata:bootstrap.stateBucket: is required",
		}},
		{"repository without owner", func(c *Config) { c.Repository = "strata" }, []string{
			`strata:bootstrap.repository: "strata" is not a GitHub repository`,
		}},
		{"repository with a wildcard", func(c *Config) { c.Repository = "*/strata" }, []string{
			`strata:bootstrap.repository: "*/strata" is not a GitHub repository`,
		}},
		{"bucket", func(c *Config) { c.StateBucket = "Pulumi_State" }, []string{"strata:bootstrap.stateBucket: "}},
		{"bucket too long for its log bucket", func(c *Config) { c.StateBucket = strings.Repeat("a", 60) }, []string{
			"strata:bootstrap.stateBucket: " + `"` + strings.Repeat("a", 60) + `" is 60 characters long: use at most 58`,
		}},
		{"bucket a deploy role could reach", func(c *Config) { c.StateBucket = "acme-kotta-staging-state" }, []string{
			`strata:bootstrap.stateBucket: "acme-kotta-staging-state" matches the deploy role of stage staging`,
			`strata:bootstrap.stateBucket: "acme-kotta-staging-state-logs" matches the deploy role of stage staging`,
		}},
		{"provider", func(c *Config) { c.OIDCProviderARN = "arn:aws:iam::123456789012:oidc-provider/example.com" }, []string{
			"strata:bootstrap.oidcProviderArn: ",
		}},
		{"branch with a wildcard", func(c *Config) { c.Branch = "release/*" }, []string{`strata:bootstrap.branch: "release/*"`}},
		{"owner id without repository id", func(c *Config) { c.OwnerID = 123456 }, []string{
			"strata:bootstrap.ownerId: ownerId and repositoryId go together",
		}},
		{"negative ids", func(c *Config) { c.OwnerID, c.RepositoryID = -1, 456789 }, []string{
			"strata:bootstrap.ownerId: GitHub's ids are positive integers",
		}},
		{"apps", func(c *Config) { c.Apps = []string{"kotta", "Kotta", "kotta"} }, []string{
			"strata:bootstrap.apps[1]: ", `strata:bootstrap.apps[2]: "kotta" is listed twice`,
		}},
		{"too many apps for a policy", func(c *Config) {
			c.Apps = nil
			for _, a := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
				c.Apps = append(c.Apps, "app"+a)
			}
		}, []string{
			"strata:bootstrap.apps: role strata-bootstrap-deploy-production: policy network would be ",
			"strata:bootstrap.apps: role strata-bootstrap-deploy-production: policy images would be ",
			"strata:bootstrap.apps: role strata-bootstrap-deploy-production: policy data would be ",
			"strata:bootstrap.apps: role strata-bootstrap-deploy-production: policy logs would be ",
			"strata:bootstrap.apps: role strata-bootstrap-deploy-staging: policy network would be ",
			"strata:bootstrap.apps: role strata-bootstrap-deploy-staging: policy images would be ",
			"strata:bootstrap.apps: role strata-bootstrap-deploy-staging: policy data would be ",
			"strata:bootstrap.apps: role strata-bootstrap-deploy-staging: policy logs would be ",
		}},
		{"ranges", func(c *Config) { c.NoncurrentVersionExpirationDays = 4000; c.MaxSessionDurationSeconds = 60 }, []string{
			"strata:bootstrap.noncurrentVersionExpirationDays: ", "strata:bootstrap.maxSessionDurationSeconds: ",
		}},
		{"stages", func(c *Config) {
			c.Stages = map[string]Stage{
				"Staging": {}, "boot": {Env: "bootstrap"}, "prod": {Env: "shared", Environment: "prod:eu", Region: "mars"},
				"qa": {Env: "shared"},
			}
		}, []string{
			`strata:bootstrap.stages.Staging: stage "Staging": `,
			`strata:bootstrap.stages.Staging.env: `,
			`strata:bootstrap.stages.boot.env: "bootstrap" is the bootstrap's own environment`,
			`strata:bootstrap.stages.prod.environment: "prod:eu" is not a GitHub environment`,
			`strata:bootstrap.stages.prod.region: "mars" is not an AWS region`,
			`strata:bootstrap.stages.qa.env: "shared" is also stage prod's`,
		}},
		{"preview environments", func(c *Config) {
			c.Stages = map[string]Stage{"staging": {PreviewEnvironment: "staging"}, "production": {PreviewEnvironment: "prod*"}}
		}, []string{
			`strata:bootstrap.stages.production.previewEnvironment: "prod*" is not a GitHub environment`,
			`strata:bootstrap.stages.staging.previewEnvironment: "staging" is also the deploy job's environment`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := example()
			tc.edit(&c)
			_, err := c.Plan(stage, "us-east-2")
			require.Error(t, err)
			problems := field.Problems(err)
			require.Len(t, problems, len(tc.want), "%v", err)
			for i, w := range tc.want {
				assert.Contains(t, problems[i].Error(), w)
			}
		})
	}
}

func TestPoliciesFitIAMQuotas(t *testing.T) {
	p, err := example().Plan(stage, "ap-southeast-3")
	require.NoError(t, err)
	for _, r := range p.Roles() {
		docs, err := p.Documents(r, placeholder)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(docs), maxRolePolicies, "%s: managed policies per role", r.Name)
		for _, d := range docs {
			assert.LessOrEqual(t, nonSpace(d.JSON), maxPolicyChars, "%s %s", r.Name, d.Group)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, arn string
		want         bool
	}{
		{"arn:aws:s3:::*kotta-staging-*", "arn:aws:s3:::strata-kotta-staging-jobs-use2", true},
		{"arn:aws:s3:::*kotta-staging-*", "arn:aws:s3:::strata-kotta-production-jobs", false},
		{"arn:aws:logs:r:a:log-group:*lookup-staging-*", "arn:aws:logs:r:a:log-group:/ecs/lookup-staging-app", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"ec2:Describe*", "ec2:DescribeInstances", true},
		{"ec2:Describe*", "ec2:RunInstances", false},
		{"*", "", true},
	} {
		assert.Equal(t, tc.want, Match(tc.pattern, tc.arn), "%s ~ %s", tc.pattern, tc.arn)
	}
}
