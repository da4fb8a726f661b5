package bootstrap

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/internal/mocktest"
)

// assumable evaluates a GitHub OIDC trust policy for a token with audience aud and subject sub, as
// IAM does for StringEquals and StringLike: every key of a statement's condition must match.
func assumable(doc policy.Document, aud, sub string) bool {
	claims := map[string]string{"token.actions.githubusercontent.com:aud": aud, "token.actions.githubusercontent.com:sub": sub}
	for _, s := range doc.Statement {
		if s.Effect != "Allow" || !slices.Contains(s.Action, "sts:AssumeRoleWithWebIdentity") {
			continue
		}
		ok := true
		for op, keys := range s.Condition {
			for key, want := range keys {
				var values []string
				switch v := want.(type) {
				case string:
					values = []string{v}
				case []any:
					for _, x := range v {
						values = append(values, x.(string))
					}
				}
				matched := slices.ContainsFunc(values, func(v string) bool {
					if op == "StringLike" {
						return Match(v, claims[key])
					}
					return op == "StringEquals" && v == claims[key]
				})
				ok = ok && matched
			}
		}
		if ok && len(s.Condition) > 0 {
			return true
		}
	}
	return false
}

func TestTrustIsThisRepositoryOnly(t *testing.T) {
	for _, tc := range []struct {
		name       string
		ref        bool
		role       string
		allowed    []string
		notAllowed []string
	}{
		{name: "preview of staging", role: "bootstrap-preview-staging",
			allowed: []string{"repo:strata-iac/strata:environment:staging-preview"},
			notAllowed: []string{"repo:strata-iac/strata:pull_request", "repo:someone/strata:environment:staging-preview",
				"repo:strata-iac/strata-fork:environment:staging-preview", "repo:strata-iac/strata:ref:refs/heads/main",
				"repo:strata-iac/strata:environment:staging", "repo:strata-iac/strata:environment:production-preview"}},
		{name: "preview of production", role: "bootstrap-preview-production",
			allowed:    []string{"repo:strata-iac/strata:environment:production-preview"},
			notAllowed: []string{"repo:strata-iac/strata:pull_request", "repo:strata-iac/strata:environment:staging-preview"}},
		{name: "staging", role: "bootstrap-deploy-staging",
			allowed: []string{"repo:strata-iac/strata:environment:staging"},
			notAllowed: []string{"repo:strata-iac/strata:environment:production", "repo:strata-iac/strata:pull_request",
				"repo:strata-iac/strata:ref:refs/heads/main", "repo:someone/strata:environment:staging",
				"repo:strata-iac/strata:environment:staging-2"}},
		{name: "production", role: "bootstrap-deploy-production",
			allowed:    []string{"repo:strata-iac/strata:environment:production"},
			notAllowed: []string{"repo:strata-iac/strata:environment:staging", "repo:strata-iac/strata:ref:refs/heads/main"}},
		{name: "staging from main only", ref: true, role: "bootstrap-deploy-staging",
			allowed: []string{"repo:strata-iac/strata:environment:staging:ref:refs/heads/main"},
			notAllowed: []string{"repo:strata-iac/strata:environment:staging", "repo:strata-iac/strata:environment:staging:ref:refs/heads/feature",
				"repo:strata-iac/strata:environment:staging:ref:refs/tags/main", "repo:strata-iac/strata:environment:production:ref:refs/heads/main"}},
		{name: "preview of pull requests only", ref: true, role: "bootstrap-preview-staging",
			allowed: []string{"repo:strata-iac/strata:environment:staging-preview:ref:refs/pull/42/merge"},
			notAllowed: []string{"repo:strata-iac/strata:environment:staging-preview", "repo:strata-iac/strata:environment:staging-preview:ref:refs/heads/main",
				"repo:other/strata:environment:staging-preview:ref:refs/pull/42/merge"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := example()
			c.RefInSubject = tc.ref
			doc := trust(t, mustDeploy(t, c), tc.role)
			require.Len(t, doc.Statement, 1, "only GitHub's provider is trusted")
			s := doc.Statement[0]
			assert.Equal(t, []string{"sts:AssumeRoleWithWebIdentity"}, s.Action)
			assert.Contains(t, s.Principal.(map[string]any)["Federated"], "bootstrap-github", "the provider created here")
			for _, sub := range tc.allowed {
				assert.True(t, assumable(doc, "sts.amazonaws.com", sub), "%s should be allowed", sub)
				assert.False(t, assumable(doc, "https://github.com/strata-iac", sub), "%s with another audience", sub)
			}
			for _, sub := range tc.notAllowed {
				assert.False(t, assumable(doc, "sts.amazonaws.com", sub), "%s should be refused", sub)
			}
		})
	}
}

func TestExistingProvider(t *testing.T) {
	c := example()
	c.OIDCProviderARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	res := mustDeploy(t, c)
	assert.Empty(t, res.ByType(typeProvider), "an account has one provider per URL")
	s := trust(t, res, "bootstrap-preview-staging").Statement[0]
	assert.Equal(t, c.OIDCProviderARN, s.Principal.(map[string]any)["Federated"])
}

func TestProvider(t *testing.T) {
	p := mocktest.One(t, mustDeploy(t, example()), typeProvider)
	assert.Equal(t, "https://token.actions.githubusercontent.com", p.In("url"))
	assert.Equal(t, []any{"sts.amazonaws.com"}, p.In("clientIdLists"))
	assert.Nil(t, p.In("thumbprintLists"), "IAM checks GitHub's certificate against its trusted CAs")
}

// readOnlyVerbs begin the names of the actions that only read (AWS's access level List or Read).
var readOnlyVerbs = []string{"Describe", "Get", "List"}

// readOnlyExceptions are the preview role's other actions, each of which writes nothing.
var readOnlyExceptions = map[string]string{
	"kms:Decrypt": "decrypts the stack's secrets; it returns plaintext and changes nothing",
}

// writes reports the actions of allowed that are not read-only.
func writes(allowed []string) []string {
	var out []string
	for _, a := range allowed {
		if _, ok := readOnlyExceptions[a]; ok {
			continue
		}
		_, name, _ := strings.Cut(a, ":")
		if name == "" || name == "*" || !slices.ContainsFunc(readOnlyVerbs, func(v string) bool { return strings.HasPrefix(name, v) }) {
			out = append(out, a)
		}
	}
	return out
}

func TestWritesDetectsWrites(t *testing.T) {
	assert.Equal(t, []string{"s3:PutObject", "ec2:*", "*", "kms:Encrypt"},
		writes([]string{"s3:GetObject", "s3:PutObject", "ec2:*", "*", "ec2:Describe*", "kms:Decrypt", "kms:Encrypt"}))
}

func TestPreviewRoleCannotWrite(t *testing.T) {
	res := mustDeploy(t, example())
	docs := roleDocuments(t, res, "bootstrap-preview-production")
	var allowed, denied []string
	for _, d := range docs {
		for _, s := range d.Statement {
			if s.Effect == "Allow" {
				allowed = append(allowed, s.Action...)
				assert.Nil(t, s.Condition, "unconditional grants only, so the test sees all of them")
			} else {
				denied = append(denied, s.Action...)
			}
		}
	}
	assert.Empty(t, writes(allowed), "the preview role grants only reads")
	for _, secret := range []string{"secretsmanager:GetSecretValue", "lightsail:GetRelationalDatabaseMasterUserPassword", "ec2:GetPasswordData"} {
		assert.Contains(t, denied, secret)
	}
	// Object contents: the state only.
	for _, d := range docs {
		for _, s := range d.Statement {
			if s.Effect == "Allow" && slices.ContainsFunc(s.Action, func(a string) bool { return Match(a, "s3:GetObject") }) {
				assert.Equal(t, []string{"arn:aws:s3:::example-strata-pulumi-state-use2/.pulumi/*"}, s.Resource)
			}
			if s.Effect == "Allow" && slices.Contains(s.Action, "kms:Decrypt") {
				assert.Equal(t, []any{mocktest.Named(t, res, typeKey, "bootstrap-secrets-production").Out("arn")}, toAny(s.Resource), "its stage's secrets key only")
			}
		}
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

var (
	serviceWildcard = regexp.MustCompile(`^[a-z0-9-]+:\*$`)
	suiteRole       = regexp.MustCompile(`^arn:aws:iam::123456789012:role/(strata|kotta|lookup|epimetheus|aot|argos)-staging-\*$`)
)

func TestDeployRoleScope(t *testing.T) {
	res := mustDeploy(t, example())
	docs := roleDocuments(t, res, "bootstrap-deploy-staging")
	assert.Len(t, docs, len(deployGroups))
	for _, d := range docs {
		for _, s := range d.Statement {
			require.Equal(t, "Allow", s.Effect)
			for _, a := range s.Action {
				assert.NotEqual(t, "*", a)
				assert.False(t, serviceWildcard.MatchString(a), "%s: no whole-service wildcard", a)
				if strings.HasPrefix(a, "iam:") {
					assert.NotContains(t, s.Resource, "*", "%s %s: IAM actions are never granted on *", s.Sid, a)
					for _, r := range s.Resource {
						assert.NotContains(t, r, "strata-bootstrap-", "%s: the CI roles are out of reach", s.Sid)
					}
				}
				if a == "iam:PassRole" {
					for _, r := range s.Resource {
						assert.Regexp(t, suiteRole, r, "PassRole only for the stage's own roles")
					}
				}
			}
			if slices.Contains(s.Resource, "*") && writes(s.Action) != nil && s.Sid != "Route53Write" {
				region, _ := s.Condition["StringEquals"]["aws:RequestedRegion"]
				assert.Equal(t, "us-east-2", region, "%s: writes on * stay in the stage's region", s.Sid)
			}
		}
	}
}

// WAF logging to a log group (the front's web ACL in production) registers a log delivery and
// edits the account's CloudWatch Logs resource policy with the deploying identity's permissions.
func TestDeployRoleCanSetUpWAFLogging(t *testing.T) {
	docs := roleDocuments(t, mustDeploy(t, example()), "bootstrap-deploy-production")
	for _, a := range []string{"logs:CreateLogDelivery", "logs:PutResourcePolicy", "wafv2:PutLoggingConfiguration"} {
		assert.True(t, allows(docs, a, "*"), "%s", a)
	}
}

// Creating a key with tags needs kms:TagResource on a key that carries no tags yet: allowed for the
// stage's Env tag only, never on a key that already has an Env (another stage's, the bootstrap's).
func TestDeployRoleTagsTheKeysItCreates(t *testing.T) {
	docs := roleDocuments(t, mustDeploy(t, example()), "bootstrap-deploy-staging")
	found := false
	for _, d := range docs {
		for _, s := range d.Statement {
			if !slices.Contains(s.Action, "kms:TagResource") || !slices.Contains(s.Resource, "*") {
				continue
			}
			found = true
			assert.Equal(t, "staging", s.Condition["StringEquals"]["aws:RequestTag/Env"])
			assert.Equal(t, "us-east-2", s.Condition["StringEquals"]["aws:RequestedRegion"])
			assert.Equal(t, "true", s.Condition["Null"]["aws:ResourceTag/Env"])
		}
	}
	assert.True(t, found, "no kms:TagResource for keys being created")
}

func TestDeployRoleWritesOnlyItsOwnState(t *testing.T) {
	docs := roleDocuments(t, mustDeploy(t, example()), "bootstrap-deploy-staging")
	state := "arn:aws:s3:::example-strata-pulumi-state-use2/.pulumi/"
	for _, tc := range []struct {
		key  string
		want bool
	}{
		{"stacks/strata/staging.json", true},
		{"stacks/strata/staging.json.bak", true},
		{"history/strata/staging/staging-1700000000.history.json", true},
		{"locks/organization/strata/staging/0a1b.json", true},
		{"stacks/strata/production.json", false},
		{"locks/organization/strata/production/0a1b.json", false},
		{"stacks/strata/staging2.json", false},
		{"stacks/strata/bootstrap.json", false},
		{"meta.yaml", false},
	} {
		assert.Equal(t, tc.want, allows(docs, "s3:PutObject", state+tc.key), tc.key)
	}
	assert.True(t, allows(docs, "s3:GetObject", state+"stacks/strata/production.json"), "stack references read other stacks")
}

// allows reports whether an Allow statement grants action on resource (conditions aside).
func allows(docs []policy.Document, action, resource string) bool {
	for _, d := range docs {
		for _, s := range d.Statement {
			if s.Effect == "Allow" && slices.ContainsFunc(s.Action, func(a string) bool { return Match(a, action) }) &&
				slices.ContainsFunc(s.Resource, func(r string) bool { return Match(r, resource) }) {
				return true
			}
		}
	}
	return false
}

func TestDeployRoleCannotChangeTheBootstrap(t *testing.T) {
	res := mustDeploy(t, example())
	for _, r := range []string{"bootstrap-deploy-staging", "bootstrap-deploy-production"} {
		docs := roleDocuments(t, res, r)
		for _, arn := range []string{
			"arn:aws:iam::123456789012:role/strata-bootstrap-deploy-production",
			"arn:aws:iam::123456789012:policy/strata-bootstrap-preview-production-read",
		} {
			for _, a := range []string{"iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:CreatePolicyVersion"} {
				assert.False(t, allows(docs, a, arn), "%s: %s on %s", r, a, arn)
			}
		}
		for _, b := range []string{"example-strata-pulumi-state-use2", "example-strata-pulumi-state-use2-logs"} {
			for _, a := range []string{"s3:PutBucketPolicy", "s3:DeleteBucket", "s3:PutLifecycleConfiguration"} {
				assert.False(t, allows(docs, a, "arn:aws:s3:::"+b), "%s: %s on %s", r, a, b)
			}
		}
	}
}

func TestAttachOnlyTheSuitesPolicies(t *testing.T) {
	docs := roleDocuments(t, mustDeploy(t, example()), "bootstrap-deploy-staging")
	for _, d := range docs {
		for _, s := range d.Statement {
			if slices.Contains(s.Action, "iam:AttachRolePolicy") {
				arns := s.Condition["ArnLike"]["iam:PolicyARN"].([]any)
				assert.Contains(t, arns, "arn:aws:iam::123456789012:policy/kotta-staging-*")
				assert.Contains(t, arns, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
				assert.NotContains(t, arns, "arn:aws:iam::aws:policy/AdministratorAccess")
				return
			}
		}
	}
	t.Fatal("no statement grants iam:AttachRolePolicy")
}

func TestStateBucketAndKey(t *testing.T) {
	res := mustDeploy(t, example())
	for _, name := range []string{"bootstrap-state", "bootstrap-state-logs"} {
		b := mocktest.Named(t, res, typeBucket, name)
		assert.True(t, b.Protect, "%s is protected", name)
	}
	logging := mocktest.One(t, res, "aws:s3/bucketLoggingV2:BucketLoggingV2")
	assert.Equal(t, "example-strata-pulumi-state-use2-logs", logging.In("targetBucket"))

	// The bootstrap's own key and one per stage.
	for logical, name := range map[string]string{
		"bootstrap-secrets":            "alias/strata-bootstrap-secrets",
		"bootstrap-secrets-staging":    "alias/strata-bootstrap-secrets-staging",
		"bootstrap-secrets-production": "alias/strata-bootstrap-secrets-production",
	} {
		key := mocktest.Named(t, res, typeKey, logical)
		assert.True(t, key.Protect, "losing the key loses its stack's secrets")
		assert.Equal(t, true, key.In("enableKeyRotation"))
		assert.Equal(t, 30.0, key.In("deletionWindowInDays"))
		kp := mocktest.Document(t, key, "policy")
		for _, s := range kp.Statement {
			assert.Equal(t, map[string]any{"AWS": "arn:aws:iam::123456789012:root"}, s.Principal, "%s: this account only", s.Sid)
			assert.NotContains(t, s.Action, "kms:*")
		}
		alias := mocktest.Named(t, res, typeAlias, logical)
		assert.Equal(t, name, alias.In("name"))
		// KMS CreateAlias.AliasName: 1 to 256 of [a-zA-Z0-9:/_-], not under alias/aws/.
		assert.Regexp(t, `^alias/[a-zA-Z0-9:/_-]{1,250}$`, alias.In("name"))
		assert.NotRegexp(t, `^alias/aws/`, alias.In("name"))
	}
}

// A stage's CI roles use its key and no other stage's: a pull request previewing staging cannot
// decrypt production's secrets.
func TestEachStageUsesItsOwnKey(t *testing.T) {
	res := mustDeploy(t, example())
	// decrypts evaluates the role's kms:Decrypt grants on a key as IAM would, with the key's Env
	// tag for aws:ResourceTag/Env (the deploy roles' grant on the stage's own keys).
	decrypts := func(docs []policy.Document, logical string) bool {
		key := mocktest.Named(t, res, typeKey, logical)
		arn, env := key.Out("arn").(string), mocktest.Tags(key)["Env"]
		for _, d := range docs {
			for _, s := range d.Statement {
				if s.Effect != "Allow" || !slices.ContainsFunc(s.Action, func(a string) bool { return Match(a, "kms:Decrypt") }) ||
					!slices.ContainsFunc(s.Resource, func(r string) bool { return Match(r, arn) }) {
					continue
				}
				if want, ok := s.Condition["StringEquals"]["aws:ResourceTag/Env"]; ok && want != env {
					continue
				}
				return true
			}
		}
		return false
	}
	for _, tc := range []struct{ role, own, other string }{
		{"bootstrap-preview-staging", "bootstrap-secrets-staging", "bootstrap-secrets-production"},
		{"bootstrap-deploy-staging", "bootstrap-secrets-staging", "bootstrap-secrets-production"},
		{"bootstrap-preview-production", "bootstrap-secrets-production", "bootstrap-secrets-staging"},
		{"bootstrap-deploy-production", "bootstrap-secrets-production", "bootstrap-secrets-staging"},
	} {
		docs := roleDocuments(t, res, tc.role)
		assert.True(t, decrypts(docs, tc.own), "%s decrypts its stage's secrets", tc.role)
		assert.False(t, decrypts(docs, tc.other), "%s: not another stage's", tc.role)
		assert.False(t, decrypts(docs, "bootstrap-secrets"), "%s: not the bootstrap's", tc.role)
	}
}

func TestEveryPolicyNamesTheKey(t *testing.T) {
	res := mustDeploy(t, example())
	keyARN := mocktest.Named(t, res, typeKey, "bootstrap-secrets-staging").Out("arn").(string)
	for _, r := range res.ByType(typePolicy) {
		doc, _ := r.In("policy").(string)
		assert.NotContains(t, doc, "${strata:secretsKeyArn", "%s: the key's ARN is filled in", r.Name)
		if r.Name == "bootstrap-preview-staging" || r.Name == "bootstrap-deploy-staging" {
			assert.Contains(t, doc, keyARN)
		}
	}
}

func TestTags(t *testing.T) {
	res := mustDeploy(t, example())
	for _, r := range res.Resources() {
		if !mocktest.Taggable(r) || r.Type == typeAlias {
			continue
		}
		tags := mocktest.Tags(r)
		assert.Equal(t, "bootstrap", tags["Env"], "%s %s", r.Type, r.Name)
		assert.Equal(t, "strata", tags["App"], "%s %s", r.Type, r.Name)
		assert.Equal(t, "research-platform", tags["Owner"], "%s %s", r.Type, r.Name)
	}
}

func TestOutputs(t *testing.T) {
	res := mustDeploy(t, example())
	out := res.Outputs["bootstrap"].(map[string]any)
	assert.Equal(t, "s3://example-strata-pulumi-state-use2?region=us-east-2", out["loginUrl"])
	assert.Equal(t, "awskms://alias/strata-bootstrap-secrets?region=us-east-2", out["secretsProvider"])
	assert.Equal(t, map[string]string{
		"staging":    "awskms://alias/strata-bootstrap-secrets-staging?region=us-east-2",
		"production": "awskms://alias/strata-bootstrap-secrets-production?region=us-east-2",
	}, out["secretsProviders"])
	assert.Equal(t, map[string]string{
		"staging":    "arn:aws:iam::123456789012:role/strata-bootstrap-preview-staging",
		"production": "arn:aws:iam::123456789012:role/strata-bootstrap-preview-production",
	}, out["previewRoleArns"])
	assert.Equal(t, map[string]string{
		"staging":    "arn:aws:iam::123456789012:role/strata-bootstrap-deploy-staging",
		"production": "arn:aws:iam::123456789012:role/strata-bootstrap-deploy-production",
	}, out["deployRoleArns"])
}

func TestBadConfigRegistersNothing(t *testing.T) {
	mocktest.Refused(t, func(ctx *pulumi.Context) error {
		p, err := Config{Repository: "nobody"}.Plan(stage, "us-east-2")
		if err != nil {
			return err
		}
		_, err = New(ctx, "bootstrap", p)
		return err
	}, "strata:bootstrap.repository", "strata:bootstrap.stateBucket")
}
