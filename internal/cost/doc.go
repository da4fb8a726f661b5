// Package cost estimates what a plan costs a month, per system and per resource, from a dated
// price table (prices.json: region, unit price, unit, the AWS page it belongs to, the page it was
// read from and when) and explicit usage assumptions (assumptions.json, overridable).
//
// Every custom resource of the plan ends up in exactly one place: priced lines (one or more per
// resource), free (a type with no charge of its own, with the reason in the table), excluded (a
// type deliberately left out, with the reason), or not priced — a type without a pricing rule, or
// a rule whose price the table lacks. Nothing is silently counted as free.
//
// The system of a resource is its App tag. A resource without one (IAM policies, attachments,
// records) takes the App tag that most tagged resources under the same top-level component carry,
// and failing that the top-level component's logical name; resources outside any component without
// an App tag are "(untagged)".
package cost
