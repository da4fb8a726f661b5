// Package role is an IAM role, with its permissions in one customer managed policy (so other roles
// can reuse the grant by ARN), inline policies, optional AWS managed policies (never *FullAccess)
// and, for EC2, an instance profile.
//
// The role trusts service principals (each limited by aws:SourceAccount, and aws:SourceArn when
// given, where the service documents those keys in role trust policies: see ConfusedDeputy),
// OpenID Connect identities such as GitHub Actions workflows (audience and subjects pinned; see
// GitHubOIDC), or AWS accounts. The trust policy is rendered byte for byte the same on every run
// and checked against IAM's limits, as are the name, description, path and session duration,
// before anything is registered. Args.Service remains the shorthand for one service principal
// without conditions.
package role
