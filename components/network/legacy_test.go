package network_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

// aliasesOf runs program under mocks and returns the aliases of every resource.
func aliasesOf(t *testing.T, program pulumi.RunFunc) (map[string][]string, *mock.Result) {
	t.Helper()
	res := mocktest.Run(t, program)
	aliases := map[string][]string{}
	for _, r := range res.Resources() {
		aliases[key(r.Type, r.Name)] = r.Aliases
	}
	return aliases, res
}

// The URNs awsx v2.22.0 gave the children of ec2.Vpc "network-vpc" below the Network "network"
// (awsx/ec2/vpc.ts): a URN carries the types, not the names, of its parents.
const (
	awsxPrefix     = "urn:pulumi:test::strata::strata:network:Network$awsx:ec2:Vpc"
	awsxVpc        = awsxPrefix + "$aws:ec2/vpc:Vpc"
	awsxSubnet     = awsxVpc + "$aws:ec2/subnet:Subnet"
	awsxRouteTable = awsxSubnet + "$aws:ec2/routeTable:RouteTable"
)

// Every native resource that has an awsx counterpart carries exactly one alias, to that
// counterpart's URN: awsx named a zone's resources by its 1-based position among the sorted zones.
func TestAliasesToTheAwsxResources(t *testing.T) {
	tests := []struct {
		strategy string
		zones    []string
		want     map[string]string
	}{
		{network.NATOnePerAZ, []string{"us-east-1c", "us-east-1b"}, map[string]string{
			"Vpc network-vpc":                               awsxVpc + "::network-vpc",
			"InternetGateway network-igw":                   awsxVpc + "$aws:ec2/internetGateway:InternetGateway::network-vpc",
			"RouteTable network-public-rt":                  awsxRouteTable + "::network-vpc-public-1",
			"Route network-public-route":                    awsxRouteTable + "$aws:ec2/route:Route::network-vpc-public-1",
			"Subnet network-public-b":                       awsxSubnet + "::network-vpc-public-1",
			"Subnet network-private-b":                      awsxSubnet + "::network-vpc-private-1",
			"RouteTableAssociation network-public-assoc-b":  awsxRouteTable + "$aws:ec2/routeTableAssociation:RouteTableAssociation::network-vpc-public-1",
			"RouteTable network-private-rt-b":               awsxRouteTable + "::network-vpc-private-1",
			"RouteTableAssociation network-private-assoc-b": awsxRouteTable + "$aws:ec2/routeTableAssociation:RouteTableAssociation::network-vpc-private-1",
			"Route network-private-route-b":                 awsxRouteTable + "$aws:ec2/route:Route::network-vpc-private-1",
			"Eip network-eip-b":                             awsxSubnet + "$aws:ec2/eip:Eip::network-vpc-1",
			"NatGateway network-nat-b":                      awsxSubnet + "$aws:ec2/natGateway:NatGateway::network-vpc-1",
			"Subnet network-public-c":                       awsxSubnet + "::network-vpc-public-2",
			"Subnet network-private-c":                      awsxSubnet + "::network-vpc-private-2",
			"RouteTableAssociation network-public-assoc-c":  awsxRouteTable + "$aws:ec2/routeTableAssociation:RouteTableAssociation::network-vpc-public-2",
			"RouteTable network-private-rt-c":               awsxRouteTable + "::network-vpc-private-2",
			"RouteTableAssociation network-private-assoc-c": awsxRouteTable + "$aws:ec2/routeTableAssociation:RouteTableAssociation::network-vpc-private-2",
			"Route network-private-route-c":                 awsxRouteTable + "$aws:ec2/route:Route::network-vpc-private-2",
			"Eip network-eip-c":                             awsxSubnet + "$aws:ec2/eip:Eip::network-vpc-2",
			"NatGateway network-nat-c":                      awsxSubnet + "$aws:ec2/natGateway:NatGateway::network-vpc-2",
		}},
		// NATSingle: awsx's one NAT gateway was the first zone's, <vpc>-1, and every private route used it.
		{network.NATSingle, []string{"us-east-1a", "us-east-1b", "us-east-1c"}, map[string]string{
			"Eip network-eip-a":             awsxSubnet + "$aws:ec2/eip:Eip::network-vpc-1",
			"NatGateway network-nat-a":      awsxSubnet + "$aws:ec2/natGateway:NatGateway::network-vpc-1",
			"Route network-private-route-c": awsxRouteTable + "$aws:ec2/route:Route::network-vpc-private-3",
			"Subnet network-public-c":       awsxSubnet + "::network-vpc-public-3",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.strategy, func(t *testing.T) {
			args := network.Args{Region: "us-east-1", AvailabilityZones: tc.zones, NATGateways: tc.strategy, Naming: conv}
			aliases, res := aliasesOf(t, func(ctx *pulumi.Context) error {
				_, err := network.New(ctx, "network", &args)
				return err
			})
			for k, urn := range tc.want {
				assert.Equal(t, []string{urn}, aliases[k], k)
			}
			for _, r := range res.Resources() {
				k := key(r.Type, r.Name)
				switch r.Type {
				case typeNetwork, typeDefault, typeEndpoint:
					// The component, the default security group and the endpoints never were awsx's.
					assert.Empty(t, aliases[k], k)
				default:
					require.Len(t, aliases[k], 1, k)
					assert.NotEqual(t, r.URN, aliases[k][0], k)
				}
			}
		})
	}
}

// awsx's subnet <vpc>-<tier>-<n> lay in the n-th zone (sorted) with that zone's CIDR block, so each
// aliased subnet keeps the zone and CIDR block, which AWS cannot change in place.
func TestAliasedSubnetsKeepZoneAndCIDR(t *testing.T) {
	zones := []string{"us-east-1c", "us-east-1a", "us-east-1b"}
	args := network.Args{Region: "us-east-1", CIDR: "10.20.0.0/16", AvailabilityZones: zones, Naming: conv}
	aliases, res := aliasesOf(t, func(ctx *pulumi.Context) error {
		_, err := network.New(ctx, "network", &args)
		return err
	})
	sorted := slices.Sorted(slices.Values(zones))
	subnets := res.ByType(typeSubnet)
	require.Len(t, subnets, 6)
	for _, s := range subnets {
		zone := s.In("availabilityZone").(string)
		n := slices.Index(sorted, zone) + 1
		tier := "public"
		if s.Name == "network-private-"+zone[len(zone)-1:] {
			tier = "private"
		}
		assert.Equal(t, []string{fmt.Sprintf("%s::network-vpc-%s-%d", awsxSubnet, tier, n)}, aliases[key(s.Type, s.Name)], s.Name)
		// The layout the awsx Vpc was given: public block i, private block 8+i of zone letter i.
		i := int(zone[len(zone)-1] - 'a')
		want := fmt.Sprintf("10.20.%d.0/20", 16*i)
		if tier == "private" {
			want = fmt.Sprintf("10.20.%d.0/20", 128+16*i)
		}
		assert.Equal(t, want, s.In("cidrBlock"), s.Name)
	}
}

// The aliases follow the Network's own name and parents.
func TestAliasesFollowTheComponent(t *testing.T) {
	aliases, _ := aliasesOf(t, func(ctx *pulumi.Context) error {
		stage := &struct{ pulumi.ResourceState }{}
		if err := ctx.RegisterComponentResource("test:index:Stage", "stage", stage); err != nil {
			return err
		}
		_, err := network.New(ctx, "edge", &network.Args{Region: "us-east-1", Naming: conv}, pulumi.Parent(stage))
		return err
	})
	const prefix = "urn:pulumi:test::strata::test:index:Stage$strata:network:Network$awsx:ec2:Vpc$aws:ec2/vpc:Vpc"
	assert.Equal(t, []string{prefix + "::edge-vpc"}, aliases["Vpc edge-vpc"])
	assert.Equal(t, []string{prefix + "$aws:ec2/subnet:Subnet::edge-vpc-private-2"}, aliases["Subnet edge-private-b"])
}
