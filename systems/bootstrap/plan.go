package bootstrap

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/role"
	"github.com/strata-iac/strata/systems"
)

// Defaults of the config.
const (
	DefaultProject    = "strata"
	DefaultBranch     = "main"
	defaultStateDays  = 365
	defaultSession    = 3600
	maxSession        = 43200
	maxStateDays      = 3650
	logBucketSuffix   = "-logs"
	logRetentionDays  = 365
	maxEnvironmentLen = 255
)

// DefaultApps are the applications of the suite, whose <app>-<env>-* resources a deploy role
// manages.
var DefaultApps = []string{"strata", "kotta", "lookup", "epimetheus", "aot", "argos"}

// DefaultStages are the stages that get a deploy role when the config names none.
var DefaultStages = []string{"staging", "production"}

// IAM's quotas for managed policies: a document of at most 6,144 characters (whitespace not
// counted) and, by default, 10 managed policies attached to a role ("IAM and AWS STS quotas").
const (
	maxPolicyChars    = 6144
	maxRolePolicies   = 10
	maxPolicyNameChar = 128
)

var (
	// GitHub owners are letters, digits and hyphens; repository names add dots and underscores.
	repositoryRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$`)
	projectRE    = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)
	regionRE     = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
	// A branch name without the characters git refuses, nor IAM wildcards or the subject's separator.
	branchRE      = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,200}$`)
	environmentRE = regexp.MustCompile(`^[^:*?\x00-\x1f]+$`)
	providerRE    = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/` + regexp.QuoteMeta(role.GitHubIssuer) + `$`)
)

// Plan is the bootstrap prepared from its config.
type Plan struct {
	// Naming names and tags every resource: strata-<env>-<group>.
	Naming naming.Convention
	// Repository is the GitHub repository, owner/name.
	Repository string
	// Project is the Pulumi project whose state the bucket holds.
	Project string
	// Region is the bootstrap stack's region: the bucket's and the key's.
	Region string
	// OIDCProviderARN is an existing provider; empty creates one.
	OIDCProviderARN string
	// State and Logs are the state bucket and its access log bucket.
	State, Logs bucket.Args
	// KeyAlias is the alias of the key of the bootstrap stack's own secrets,
	// alias/strata-<env>-secrets; each stage has a key of its own (Role.KeyAlias).
	KeyAlias string
	// MaxSessionDurationSeconds caps the CI roles' sessions.
	MaxSessionDurationSeconds int
	// Preview are the stages' read-only roles of pull requests, by stage name in order.
	Preview []Role
	// Deploy are the stages' deploy roles, by stage name in order.
	Deploy []Role
	// Apps are the suite's applications.
	Apps []string
}

// Role is one CI role.
type Role struct {
	// Name is the role's name: strata-<env>-preview-<stage> or strata-<env>-deploy-<stage>.
	Name string
	// Preview marks the read-only role of the stage's pull-request previews.
	Preview bool
	// Stage, Env, Environment and Region describe the role's stage; Environment is the GitHub
	// environment whose jobs may assume the role.
	Stage, Env, Environment, Region string
	// KeyAlias is the stage's secrets key, alias/strata-<env>-secrets-<stage>.
	KeyAlias string
	// Subjects are the GitHub OIDC subjects that may assume the role.
	Subjects []string
}

// LoginURL is the backend URL of pulumi login.
func (p Plan) LoginURL() string { return "s3://" + p.State.Name + "?region=" + p.Region }

// SecretsProvider is the --secrets-provider of pulumi stack init for the bootstrap stack (alias
// p.KeyAlias) or a stage (its role's KeyAlias).
func (p Plan) SecretsProvider(alias string) string {
	return "awskms://" + alias + "?region=" + p.Region
}

// Plan applies the defaults and reports every problem under strata:bootstrap. region is the
// bootstrap stack's region.
func (c Config) Plan(st systems.Stage, region string) (Plan, error) {
	var errs field.Errors
	p := Plan{
		Naming:                    st.Naming(App),
		Repository:                c.Repository,
		Project:                   or(c.Project, DefaultProject),
		Region:                    region,
		OIDCProviderARN:           c.OIDCProviderARN,
		MaxSessionDurationSeconds: c.MaxSessionDurationSeconds,
		Apps:                      slices.Clone(c.Apps),
	}
	if p.MaxSessionDurationSeconds == 0 {
		p.MaxSessionDurationSeconds = defaultSession
	}
	if len(p.Apps) == 0 {
		p.Apps = slices.Clone(DefaultApps)
	}
	days := c.NoncurrentVersionExpirationDays
	if days == 0 {
		days = defaultStateDays
	}
	branch := or(c.Branch, DefaultBranch)

	if errs.Required("repository", c.Repository, "name the GitHub repository as owner/name") && !repositoryRE.MatchString(c.Repository) {
		errs.Add("repository", "%q is not a GitHub repository: use owner/name (owner: letters, digits, hyphens, at most 39; name: letters, digits, '.', '_', '-', at most 100)", c.Repository)
	}
	if !projectRE.MatchString(p.Project) {
		errs.Add("project", "%q is not a Pulumi project name: use letters, digits, '_', '.', '-', at most 100", p.Project)
	}
	if !branchRE.MatchString(branch) {
		errs.Add("branch", "%q is not a branch name this trust can pin: use letters, digits, '.', '_', '/', '-', at most 200", branch)
	}
	switch {
	case (c.OwnerID == 0) != (c.RepositoryID == 0):
		errs.Add("ownerId", "ownerId and repositoryId go together: set both (the ids in the repository's sub_claim_prefix, repo:<owner>@<ownerId>/<name>@<repositoryId>) or neither")
	case c.OwnerID < 0 || c.RepositoryID < 0:
		errs.Add("ownerId", "GitHub's ids are positive integers: got ownerId %d, repositoryId %d", c.OwnerID, c.RepositoryID)
	}
	if c.OIDCProviderARN != "" && !providerRE.MatchString(c.OIDCProviderARN) {
		errs.Add("oidcProviderArn", "%q is not the ARN of GitHub's OIDC provider: use arn:aws:iam::<account>:oidc-provider/%s", c.OIDCProviderARN, role.GitHubIssuer)
	}
	for i, app := range p.Apps {
		path := field.Index("apps", i)
		errs.Check(path, naming.Identifier(app, 16))
		if slices.Index(p.Apps, app) != i {
			errs.Add(path, "%q is listed twice", app)
		}
	}
	errs.Range("noncurrentVersionExpirationDays", days, 1, maxStateDays, "days")
	errs.Range("maxSessionDurationSeconds", p.MaxSessionDurationSeconds, defaultSession, maxSession, "seconds (1 to 12 hours)")

	// The state bucket and its log bucket are the bootstrap's and are always protected: losing
	// them loses every stack's record of what it deployed.
	if errs.Required("stateBucket", c.StateBucket, "name the globally unique bucket for Pulumi state") {
		if err := naming.BucketName(c.StateBucket); err != nil {
			errs.Check("stateBucket", err)
		} else if len(c.StateBucket)+len(logBucketSuffix) > 63 {
			errs.Add("stateBucket", "%q is %d characters long: use at most %d, so that its log bucket %s%s stays within S3's 63", c.StateBucket, len(c.StateBucket), 63-len(logBucketSuffix), c.StateBucket, logBucketSuffix)
		}
	}
	logs := c.StateBucket + logBucketSuffix
	p.Logs = bucket.Args{Name: logs, Tags: p.Naming.Tags("state-logs"), ExpireCurrentDays: logRetentionDays,
		AccessLogSources: []string{c.StateBucket}, Protect: true}
	p.State = bucket.Args{Name: c.StateBucket, Tags: p.Naming.Tags("state"), NoncurrentVersionExpirationDays: days,
		Logging: &bucket.Logging{TargetBucket: logs}, Protect: true}
	p.KeyAlias = "alias/" + p.Naming.Name("secrets")

	subject := c.subjectRepository()
	stages := c.Stages
	if len(stages) == 0 {
		stages = map[string]Stage{}
		for _, s := range DefaultStages {
			stages[s] = Stage{}
		}
	}
	envs := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(stages)) {
		s, path := stages[name], field.Join("stages", name)
		r := Role{Name: p.Naming.Name("deploy-" + name), Stage: name, Env: or(s.Env, name),
			Environment: or(s.Environment, name), Region: or(s.Region, region)}
		if err := naming.Identifier(name, 16); err != nil {
			errs.Add(path, "stage %q: %v", name, err)
		}
		if err := naming.Identifier(r.Env, 16); err != nil {
			errs.Add(field.Join(path, "env"), "%v", err)
		}
		switch {
		case r.Env == p.Naming.Env:
			errs.Add(field.Join(path, "env"), "%q is the bootstrap's own environment: its deploy role could then change the CI roles; use the stage's strata:env", r.Env)
		case envs[r.Env] != "":
			errs.Add(field.Join(path, "env"), "%q is also stage %s's: each stage needs its own environment", r.Env, envs[r.Env])
		}
		envs[r.Env] = name
		if len(r.Environment) > maxEnvironmentLen || !environmentRE.MatchString(r.Environment) {
			errs.Add(field.Join(path, "environment"), "%q is not a GitHub environment this trust can pin: use at most %d characters without ':', '*', '?'", r.Environment, maxEnvironmentLen)
		}
		if r.Region != "" && !regionRE.MatchString(r.Region) {
			errs.Add(field.Join(path, "region"), "%q is not an AWS region: use e.g. us-east-2", r.Region)
		}
		r.KeyAlias = "alias/" + p.Naming.Name("secrets-"+name)
		r.Subjects = []string{deploySubject(subject, r.Environment, branch, c.RefInSubject)}
		p.Deploy = append(p.Deploy, r)

		preview := r
		preview.Name, preview.Preview, preview.Environment = p.Naming.Name("preview-"+name), true, or(s.PreviewEnvironment, name+"-preview")
		switch {
		case len(preview.Environment) > maxEnvironmentLen || !environmentRE.MatchString(preview.Environment):
			errs.Add(field.Join(path, "previewEnvironment"), "%q is not a GitHub environment this trust can pin: use at most %d characters without ':', '*', '?'", preview.Environment, maxEnvironmentLen)
		case preview.Environment == r.Environment:
			errs.Add(field.Join(path, "previewEnvironment"), "%q is also the deploy job's environment: a pull request's preview would then get the deploy role; use another, e.g. %s-preview", preview.Environment, name)
		}
		preview.Subjects = []string{previewSubject(subject, preview.Environment, c.RefInSubject)}
		p.Preview = append(p.Preview, preview)
	}
	if len(errs) == 0 {
		p.checkSeparation(&errs)
		p.checkPolicies(&errs)
	}
	return p, field.Prefix(systems.Key(Key), errs.Err())
}

// Roles are the CI roles: the preview roles, then the deploy roles.
func (p Plan) Roles() []Role { return slices.Concat(p.Preview, p.Deploy) }

// subjectRepository is the repository as the subjects name it: owner/name, or with immutable
// subjects owner@<ownerId>/name@<repositoryId>.
func (c Config) subjectRepository() string {
	if c.OwnerID <= 0 || c.RepositoryID <= 0 {
		return c.Repository
	}
	owner, name, _ := strings.Cut(c.Repository, "/")
	return fmt.Sprintf("%s@%d/%s@%d", owner, c.OwnerID, name, c.RepositoryID)
}

// previewSubject is the subject of a pull request's preview job, which runs in the stage's
// preview environment; with the ref in the subject, that of a pull request's merge commit.
func previewSubject(repo, environment string, ref bool) string {
	s := role.GitHubEnvironment(repo, environment)
	if ref {
		s += ":ref:refs/pull/*/merge"
	}
	return s
}

// deploySubject is the subject of a job bound to a GitHub environment. GitHub's default subject
// names the environment only; the branch is then enforced by the environment's deployment branch
// rule, which is GitHub's to check.
func deploySubject(repo, environment, branch string, ref bool) string {
	s := role.GitHubEnvironment(repo, environment)
	if ref {
		s += ":ref:refs/heads/" + branch
	}
	return s
}

// checkSeparation refuses a bootstrap whose own buckets a deploy role could reach by name.
func (p Plan) checkSeparation(errs *field.Errors) {
	for _, r := range p.Deploy {
		s := p.scope(r, placeholder)
		for _, pattern := range mustService("s3").resources(s) {
			for _, b := range []string{p.State.Name, p.Logs.Name} {
				if Match(pattern, "arn:"+s.partition+":s3:::"+b) {
					errs.Add("stateBucket", "%q matches the deploy role of stage %s (%s): choose a name without <app>-<env>-", b, r.Stage, pattern)
				}
			}
		}
	}
}

// checkPolicies renders every role's policies with placeholder values of the real lengths and
// checks IAM's size and count quotas.
func (p Plan) checkPolicies(errs *field.Errors) {
	for _, r := range p.Roles() {
		docs, err := p.Documents(r, placeholder)
		if err != nil {
			errs.Add("stages", "role %s: %v", r.Name, err)
			continue
		}
		at := "apps"
		if r.Preview {
			at = "repository"
		}
		if len(docs) > maxRolePolicies {
			errs.Add(at, "role %s would need %d managed policies: IAM attaches at most %d", r.Name, len(docs), maxRolePolicies)
		}
		for _, d := range docs {
			if n := nonSpace(d.JSON); n > maxPolicyChars {
				errs.Add(at, "role %s: policy %s would be %d characters: IAM allows %d; list fewer apps", r.Name, d.Group, n, maxPolicyChars)
			}
			if len(r.Name)+1+len(d.Group) > maxPolicyNameChar {
				errs.Add(at, "role %s: policy name %s-%s is longer than IAM's %d characters", r.Name, r.Name, d.Group, maxPolicyNameChar)
			}
		}
	}
}

func mustService(prefix string) service {
	s, ok := byPrefix(prefix)
	if !ok {
		panic(fmt.Sprintf("bootstrap: no service %s", prefix))
	}
	return s
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
