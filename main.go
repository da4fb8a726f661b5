// Command strata is the Pulumi program: `pulumi up` runs it for the selected stack.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/stacks"
)

func main() {
	pulumi.Run(stacks.Run)
}
