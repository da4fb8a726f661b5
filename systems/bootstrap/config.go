package bootstrap

// App names and tags the bootstrap's resources: strata-<env>-<group>, where env is the bootstrap
// stack's strata:env (default its name, bootstrap).
const App = "strata"

// Key is the config key of the bootstrap, strata:bootstrap.
const Key = "bootstrap"

// Config is the bootstrap's part of its stage file (Pulumi.bootstrap.yaml). It creates the state
// bucket, the secrets key, the GitHub identity provider and the CI roles.
type Config struct {
	// Repository is the GitHub repository whose workflows may assume the CI roles, "owner/name"
	// (required). The owner is named literally: no other account's workflows can match.
	Repository string `json:"repository"`
	// StateBucket is the globally unique name of the Pulumi state bucket (required; S3 naming
	// rules, at most 58 characters so that its log bucket, <stateBucket>-logs, is valid too).
	StateBucket string `json:"stateBucket"`
	// Project is the Pulumi project whose stacks keep their state in the bucket; it scopes each
	// deploy role to its own stack's state files. Default strata.
	Project string `json:"project"`
	// Stages lists the stages that get a deploy role, by stack name (lowercase letters, digits and
	// hyphens, at most 16 characters). Default staging and production with their defaults.
	Stages map[string]Stage `json:"stages"`
	// Branch is the branch deploys run from: GitHub's environment protection should allow only it,
	// and with refInSubject the trust policy requires it too. Default main.
	Branch string `json:"branch"`
	// RefInSubject is true when the repository's OIDC subject template includes the ref (GitHub's
	// include_claim_keys ["repo", "context", "ref"]): the deploy roles then trust
	// repo:<owner>/<repo>:environment:<env>:ref:refs/heads/<branch> and the preview roles
	// repo:<owner>/<repo>:environment:<previewEnvironment>:ref:refs/pull/*/merge. Default false:
	// GitHub's default subjects, whose environment form carries no ref.
	RefInSubject bool `json:"refInSubject"`
	// OwnerID is GitHub's immutable id of the repository's owner, for repositories whose OIDC
	// tokens carry immutable subjects (the default for repositories created, renamed or
	// transferred after 2026-07-15, an opt-in for older ones): with repositoryId the roles trust
	// repo:<owner>@<ownerId>/<name>@<repositoryId>:…, which a recycled owner or repository name
	// cannot match. The sub_claim_prefix of gh api repos/<owner>/<name>/actions/oidc/customization/sub
	// shows the form the repository issues. Default none: GitHub's name-only subjects.
	OwnerID int `json:"ownerId"`
	// RepositoryID is GitHub's immutable id of the repository; set with ownerId, or neither.
	RepositoryID int `json:"repositoryId"`
	// OIDCProviderARN is the account's existing IAM OIDC provider for
	// token.actions.githubusercontent.com (an account has at most one per URL). Default: create it.
	OIDCProviderARN string `json:"oidcProviderArn"`
	// Apps lists the applications whose resources the deploy roles manage (<app>-<env>-* names).
	// Default strata, kotta, lookup, epimetheus, aot, argos.
	Apps []string `json:"apps"`
	// NoncurrentVersionExpirationDays keeps replaced state files this many days, the history a
	// rollback can go back to. Default 365; 1 to 3650.
	NoncurrentVersionExpirationDays int `json:"noncurrentVersionExpirationDays"`
	// MaxSessionDurationSeconds caps a CI role session. Default 3600 (one hour); 3600 to 43200.
	MaxSessionDurationSeconds int `json:"maxSessionDurationSeconds"`
}

// Stage is one stage a deploy role is for.
type Stage struct {
	// Env is the stage's strata:env, which its resource names carry. Default the stage name.
	Env string `json:"env"`
	// Environment is the GitHub environment the stage's deploy job is bound to. Default the stage
	// name.
	Environment string `json:"environment"`
	// Region is the stage's aws:region, which the deploy role's ARNs and region condition name.
	// Default the bootstrap stack's region.
	Region string `json:"region"`
	// PreviewEnvironment is the GitHub environment the stage's pull-request preview job runs in:
	// the stage's preview role trusts only it. Default <stage>-preview. Give it required reviewers
	// where the stage's secrets matter (production): a preview runs the pull request's code, which
	// can read what the role reads, the stage's decrypted secrets included.
	PreviewEnvironment string `json:"previewEnvironment"`
}
