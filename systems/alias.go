package systems

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// WasTopLevel is the alias of a component that sat at the top of the stack, without a parent,
// before the system layer parented it: Pulumi then finds it, and every resource below it, under
// its old URN, so moving it replaces nothing.
func WasTopLevel() pulumi.ResourceOption {
	return pulumi.Aliases([]pulumi.Alias{{NoParent: pulumi.Bool(true)}})
}
