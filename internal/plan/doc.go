// Package plan runs the strata program offline, under mocks, for one stage's config files, and
// renders what it would register: the resource tree, a count by type and the stack outputs, as text
// or JSON. It needs no AWS credentials, no Pulumi CLI and no network, so a reviewer can run it on a
// pull request.
package plan
