// Package tfschema holds what the Terraform AWS provider says about the resource types strata
// uses: the Terraform type each pulumi-aws type token bridges, and each type's attributes (nesting,
// list or set, single-element blocks, and ForceNew: a change replaces the resource).
//
// pulumi-aws is generated from that provider, so its property names are the Terraform attribute
// names in lowerCamelCase, with list blocks named in the plural (default_action becomes
// defaultActions) and single-element blocks as objects. Field reverses that mapping.
//
// The data lives in schema.json, extracted from the provider's Go sources (SDKv2 ForceNew: true,
// framework RequiresReplace()) at the commit it names; each resource records its source file.
// Schemas that the provider builds in helper functions outside the resource's package are not
// resolved: such an attribute carries the helper's name and no nested attributes.
package tfschema
