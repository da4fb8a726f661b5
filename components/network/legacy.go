package network

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Until the network was built from native resources, it was a pulumi-awsx v2.22.0 ec2.Vpc named
// <name>-vpc below the Network. A stack whose first `pulumi up` created that VPC, even in part,
// holds its children in state under the awsx component. legacy gives each native resource an alias
// to the URN its awsx counterpart had, so that Pulumi adopts the existing resource (updating what
// differs, such as tags) instead of creating a new one and deleting the old.
//
// awsx v2.22.0 (awsx/ec2/vpc.ts, subnet names from subnetDistributorNew.ts) named and parented its
// children as follows, <vpc> being the component's name, <tier> public or private and <n> the
// zone's 1-based position in the zone list it was given (which strata sorted by name, as now):
//
//	aws:ec2/vpc:Vpc                                      <vpc>             under the awsx:ec2:Vpc
//	aws:ec2/internetGateway:InternetGateway              <vpc>             under the VPC
//	aws:ec2/subnet:Subnet                                <vpc>-<tier>-<n>  under the VPC
//	aws:ec2/routeTable:RouteTable                        <vpc>-<tier>-<n>  under its subnet
//	aws:ec2/routeTableAssociation:RouteTableAssociation  <vpc>-<tier>-<n>  under its route table
//	aws:ec2/route:Route (0.0.0.0/0)                      <vpc>-<tier>-<n>  under its route table
//	aws:ec2/eip:Eip, aws:ec2/natGateway:NatGateway       <vpc>-<n>         under the public subnet
//
// A URN records its parents' types, not their names, so the parent chain below the Network is
// strata:network:Network$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$... .
//
// awsx gave every public subnet its own route table and route; strata has one public route table,
// aliased to the first zone's. The public route tables (and their routes) of the other zones have no
// counterpart: their subnets' associations move to the shared table in place, then they are deleted.
// The awsx component itself has no cloud resource; Pulumi drops it from the state.
type legacy struct {
	ctx *pulumi.Context
	// name is the awsx component's name, <name>-vpc.
	name string
	// component is the awsx component's URN.
	component pulumi.URNOutput
}

// Type tokens of the awsx component and its children.
const (
	typeAwsxVpc         = "awsx:ec2:Vpc"
	typeVpc             = "aws:ec2/vpc:Vpc"
	typeInternetGateway = "aws:ec2/internetGateway:InternetGateway"
	typeSubnet          = "aws:ec2/subnet:Subnet"
	typeRouteTable      = "aws:ec2/routeTable:RouteTable"
	typeRouteTableAssoc = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	typeRoute           = "aws:ec2/route:Route"
	typeEip             = "aws:ec2/eip:Eip"
	typeNatGateway      = "aws:ec2/natGateway:NatGateway"
)

// newLegacy returns the awsx names of the network name's resources; n must be registered.
func newLegacy(ctx *pulumi.Context, name string, n *Network) legacy {
	l := legacy{ctx: ctx, name: name + "-vpc"}
	l.component = l.urn(l.name, typeAwsxVpc, n.URN())
	return l
}

// urn is the URN of a resource of type typ named name below parent, as Pulumi computes it.
func (l legacy) urn(name, typ string, parent pulumi.URNOutput) pulumi.URNOutput {
	return pulumi.CreateURN(pulumi.String(name), pulumi.String(typ), parent.ToStringOutput(),
		pulumi.String(l.ctx.Project()), pulumi.String(l.ctx.Stack()))
}

func (l legacy) vpcURN() pulumi.URNOutput { return l.urn(l.name, typeVpc, l.component) }

// subnetName is awsx's name of the subnet (and its route table, association and route) of tier in
// the zone at index.
func (l legacy) subnetName(tier string, index int) string {
	return fmt.Sprintf("%s-%s-%d", l.name, tier, index+1)
}

func (l legacy) subnetURN(tier string, index int) pulumi.URNOutput {
	return l.urn(l.subnetName(tier, index), typeSubnet, l.vpcURN())
}

func (l legacy) routeTableURN(tier string, index int) pulumi.URNOutput {
	return l.urn(l.subnetName(tier, index), typeRouteTable, l.subnetURN(tier, index))
}

func alias(urn pulumi.URNOutput) pulumi.ResourceOption {
	return pulumi.Aliases([]pulumi.Alias{{URN: urn}})
}

func (l legacy) vpc() pulumi.ResourceOption { return alias(l.vpcURN()) }

func (l legacy) internetGateway() pulumi.ResourceOption {
	return alias(l.urn(l.name, typeInternetGateway, l.vpcURN()))
}

func (l legacy) subnet(tier string, index int) pulumi.ResourceOption {
	return alias(l.subnetURN(tier, index))
}

func (l legacy) routeTable(tier string, index int) pulumi.ResourceOption {
	return alias(l.routeTableURN(tier, index))
}

func (l legacy) association(tier string, index int) pulumi.ResourceOption {
	return alias(l.urn(l.subnetName(tier, index), typeRouteTableAssoc, l.routeTableURN(tier, index)))
}

func (l legacy) route(tier string, index int) pulumi.ResourceOption {
	return alias(l.urn(l.subnetName(tier, index), typeRoute, l.routeTableURN(tier, index)))
}

// eip and natGateway: awsx named a zone's NAT gateway and Elastic IP after the zone's position
// alone; NATSingle's is the first zone's, <vpc>-1.
func (l legacy) eip(index int) pulumi.ResourceOption {
	return alias(l.urn(fmt.Sprintf("%s-%d", l.name, index+1), typeEip, l.subnetURN("public", index)))
}

func (l legacy) natGateway(index int) pulumi.ResourceOption {
	return alias(l.urn(fmt.Sprintf("%s-%d", l.name, index+1), typeNatGateway, l.subnetURN("public", index)))
}
