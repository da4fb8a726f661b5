// Package policy builds IAM policy documents as plain data, so components can assemble least-privilege
// statements from resource ARNs and tests can assert exactly which actions reach which resources.
package policy
