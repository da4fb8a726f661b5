// Package report writes one Markdown document for a pull request comment: the plan's counts, its
// diff against the golden plan with replacements and deletions of stateful or protected resources
// first, the findings of strata check, and the monthly cost with its change against the golden
// plan. Long parts are folded in <details>; the whole stays within GitHub's comment limit
// (MaxLength), cutting detail first and, as a last resort, the tail.
//
// The check findings come in as plain data (Checks, with the JSON field names of strata check's
// report), so that this package does not depend on the checker.
package report
