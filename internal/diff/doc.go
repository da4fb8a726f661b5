// Package diff compares two plans of a stack — usually the current plan with the golden plan
// committed in testdata/plans — and says what a deployment would do to each resource: create,
// delete, update in place, or replace.
//
// A change replaces a resource when a property it changes is ForceNew in the Terraform AWS
// provider that pulumi-aws bridges (package tfschema), or when the resource's URN changes (a new
// logical name or parent): Pulumi then deletes the old resource and creates the new one, unless
// the program declares an alias, which a plan does not record. Changes that replace or delete a
// stateful resource (buckets, tables, databases, file systems, volumes, secrets, keys) or a
// protected one are the dangerous ones; ExitCode reports them.
//
// Golden plans are the plan's JSON document in canonical form (Snapshot): resources sorted by URN
// and dependencies sorted, so that the same program always produces the same bytes.
package diff
