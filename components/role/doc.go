// Package role is an IAM role trusted by exactly one AWS service principal, with its permissions in
// one customer managed policy (so other roles can reuse the grant by ARN), optional AWS managed
// policies (never *FullAccess) and, for EC2, an instance profile.
package role
