// Package bootstrap is what a new installation creates once, before any stage: the S3 bucket that
// holds the Pulumi state of every stack (pulumi login s3://…), the KMS key of the stacks' secrets
// provider (awskms://alias/…), GitHub's OpenID Connect identity provider, and the roles GitHub
// Actions assume with it: one read-only preview role for pull requests and one deploy role per
// stage, each trusted by this repository only (strata:bootstrap, the stage file
// Pulumi.bootstrap.yaml).
//
// The deploy roles may manage what the suite deploys and nothing else: the AWS services its
// systems use, resources named <app>-<env>-* where IAM can scope by name, the state of their own
// stack, iam:PassRole only for the suite's roles of their stage. The preview role holds read-only
// actions (Describe*, Get*, List*, …) plus kms:Decrypt on the secrets key, and is denied the reads
// that reveal secrets. Permissions are data (services.go), rendered into managed policies of at
// most IAM's 6,144 characters each, split by service, at most 10 per role.
package bootstrap
