package stacks

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/components/secgroup"
)

// tasksGroup is the security group of an app's ECS tasks: what may reach them (ingress), and
// outbound HTTPS (AWS APIs, image registries) plus the ports of the data stores they use, by name.
// The outbound peers are addresses, not groups: each data store's own group already admits only
// its named clients, and naming the stores' groups here would make each group wait for the other.
func tasksGroup(ctx *pulumi.Context, name string, conv naming.Convention, group string, net *network.Network,
	ingress []secgroup.Rule, stores map[string]int) (*secgroup.Group, error) {
	egress := []secgroup.Rule{{Name: "https", Description: "AWS APIs and image registries", FromPort: 443, CIDR: "0.0.0.0/0"}}
	for _, k := range slices.Sorted(maps.Keys(stores)) {
		egress = append(egress, secgroup.Rule{Name: k, Description: "the app's " + k, FromPort: stores[k], CIDR: "0.0.0.0/0"})
	}
	return secgroup.New(ctx, name, &secgroup.Args{
		Name:        conv.Name(group),
		Description: "ECS tasks of " + conv.Name(group),
		VPCID:       net.VPCID,
		Ingress:     ingress,
		Egress:      egress,
		Tags:        conv.Tags(group),
	})
}

func ptr[T any](v T) *T { return &v }
