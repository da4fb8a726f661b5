// Package export renders a plan as Terraform plan JSON (the shape of `terraform show -json
// plan.out`), so that scanners that read Terraform plans — checkov, trivy, conftest/OPA policies —
// can judge strata's stacks in CI without Terraform, credentials or a deployed stack.
//
// Each custom resource becomes a managed resource of the Terraform type that pulumi-aws bridges
// (aws:s3/bucketV2:BucketV2 is aws_s3_bucket), its inputs renamed as the provider names them
// (camelCase to snake_case, plural list blocks to the singular block name, single-element blocks
// as one-element lists; package tfschema). Secrets are null and marked sensitive; values the plan
// cannot know are null and marked unknown. The configuration section carries, for every input that
// names another exported resource (an id, ARN or name found by package graph), a Terraform
// reference ("aws_s3_bucket.kotta-jobs.id"), so that graph-based checks connect a bucket to its
// public access block or a security group to its rules.
//
// Components are not resources and are not exported; a remote component (awsx's Vpc) and types
// without a known Terraform type are reported as skipped.
package export
