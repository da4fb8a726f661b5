// Package check judges a rendered plan against AWS's own limits, offline. Pulumi's mocks accept
// any input; AWS does not. Check takes the custom resources of a mocked run (FromResult) with
// their inputs as the plan renders them — JSON-shaped, in Pulumi's camelCase — and reports every
// input that AWS would refuse, so `strata check <stack>` fails before `pulumi up` does.
//
// # The table
//
// What the check knows is a table of entries, each for one Pulumi resource type token and one
// property path pattern (dotted camelCase keys, [*] for any list item, * for any map key):
//
//   - A Limit is a constraint: a numeric range, a length, a pattern the whole value must match
//     (RE2), a pattern no part of it may match, or an enumeration. Limits read from AWS's
//     published API models are generated (limits_gen.go, from awslimits.txt and the botocore
//     service-2.json models, by tools/awslimits); the others are written by hand with the URL of
//     the API reference or user guide page that states them.
//   - A Rule is code that judges a whole resource: cross-field rules (a health check timeout
//     shorter than its interval, min ≤ desired ≤ max, Fargate CPU and memory pairs, EBS IOPS per
//     GiB), character sets that need code, JSON policy documents and their size quotas, and the
//     tag limits every type shares. Each rule names its source.
//   - A Class classifies a property that has no limit of its own, and says why: a reference to
//     another resource, a boolean, a number or free text AWS documents no bound for, a value from
//     an AWS catalog (engine versions, instance classes), a provider-only setting, or a secret.
//   - A JSONInput names a string property holding a JSON document AWS parses (ECS container
//     definitions): the check decodes it, and its members become paths of their own
//     (containerDefinitions[*].healthCheck.interval) that limits, classes and rules judge, and
//     whose JSON types must be what the API reads.
//
// Values the plan cannot show, Unknown and Masked, are never judged: they cannot be known
// offline.
//
// # Coverage
//
// Every resource type of the aws, random and tls packages the plan registers, and every property
// path it renders, needs an entry: a limit, a classification or a rule that names the path. A
// type or property without one is itself a violation of the rule "coverage", so a resource type
// or property added later fails the check until someone looks up its limits. README.md says how.
//
// # Opt-ins
//
// Some findings are deliberate choices rather than mistakes: a database reachable from the
// internet, a public IP on an instance or task, ingress open to 0.0.0.0/0 or ::/0 on a port
// other than 80 and 443. Their rules are marked Security. The engine cannot know which config key
// asked for them, so the caller passes opt-ins:
//
//	check.Check(resources, []check.OptIn{{
//		Type: "aws:rds/instance:Instance", Name: "epimetheus",
//		Key:  "strata:epimetheus.database.externalCidrs",
//		Why:  "TestArchiver's networks reach the database",
//	}})
//
// A security finding on a resource an opt-in names (by type and logical name) is a Warning that
// carries the opt-in's Key and Why; without one it stays a Violation. Opt-ins change nothing else.
//
//go:generate go run ../../tools/awslimits -mapping awslimits.txt -out limits_gen.go
package check
