package network_test

import (
	"fmt"
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeNetwork    = "strata:network:Network"
	typeVpc        = "aws:ec2/vpc:Vpc"
	typeIGW        = "aws:ec2/internetGateway:InternetGateway"
	typeSubnet     = "aws:ec2/subnet:Subnet"
	typeRouteTable = "aws:ec2/routeTable:RouteTable"
	typeRoute      = "aws:ec2/route:Route"
	typeAssoc      = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	typeEip        = "aws:ec2/eip:Eip"
	typeNat        = "aws:ec2/natGateway:NatGateway"
	typeEndpoint   = "aws:ec2/vpcEndpoint:VpcEndpoint"
	typeDefault    = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	typeLogGroup   = "aws:cloudwatch/logGroup:LogGroup"
	typeFlowLog    = "aws:ec2/flowLog:FlowLog"
	typeRole       = "aws:iam/role:Role"
	typePolicy     = "aws:iam/policy:Policy"
	invokeZones    = "aws:index/getAvailabilityZones:getAvailabilityZones"
	invokeRegion   = "aws:index/getRegion:getRegion"
	anywhere       = "0.0.0.0/0"
)

var conv = naming.Convention{App: "strata", Env: "test", Owner: "research-it", Extra: map[string]string{"Project": "strata"}}

// deploy runs New under mocks (region us-east-1) and exports the Network's fields. Naming defaults
// to conv.
func deploy(t *testing.T, args network.Args) *mock.Result {
	t.Helper()
	if args.Naming.App == "" {
		args.Naming = conv
	}
	return mocktest.Run(t, func(ctx *pulumi.Context) error {
		n, err := network.New(ctx, "network", &args)
		if err != nil {
			return err
		}
		// field exports one field of each subnet.
		field := func(subnets []network.Subnet, f func(network.Subnet) string) pulumi.StringArray {
			out := pulumi.StringArray{}
			for _, s := range subnets {
				out = append(out, pulumi.String(f(s)))
			}
			return out
		}
		byKey := func(s network.Subnet) string { return s.Key }
		byZone := func(s network.Subnet) string { return s.Zone }
		byCIDR := func(s network.Subnet) string { return s.CIDRBlock }
		ctx.Export("vpcId", n.VPCID)
		ctx.Export("cidr", n.CIDRBlock)
		ctx.Export("public", n.PublicSubnetIDs)
		ctx.Export("private", n.PrivateSubnetIDs)
		ctx.Export("publicKeys", field(n.PublicSubnets, byKey))
		ctx.Export("publicCidrs", field(n.PublicSubnets, byCIDR))
		ctx.Export("privateKeys", field(n.PrivateSubnets, byKey))
		ctx.Export("privateZones", field(n.PrivateSubnets, byZone))
		ctx.Export("privateCidrs", field(n.PrivateSubnets, byCIDR))
		ctx.Export("zones", pulumi.ToStringArray(n.AvailabilityZones))
		ctx.Export("privateRouteTables", n.PrivateRouteTableIDs)
		ctx.Export("natIps", n.NATPublicIPs)
		ctx.Export("flowLogGroup", n.FlowLogGroupName)
		ctx.Export("publicCount", pulumi.Int(len(n.PublicSubnetIDs)))
		ctx.Export("privateCount", pulumi.Int(len(n.PrivateSubnetIDs)))
		return nil
	})
}

// strs converts a recorded input or resolved output list to strings.
func strs(v any) []string {
	if list, ok := v.([]string); ok {
		return list
	}
	list, _ := v.([]any)
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = fmt.Sprint(x)
	}
	return out
}

func invoked(res *mock.Result, token string) []map[string]any {
	var out []map[string]any
	for _, i := range res.Invokes() {
		if i.Token == token {
			out = append(out, i.Args.Mappable())
		}
	}
	return out
}

// get returns the resource of typ and name, failing the test if there is none.
func get(t *testing.T, res *mock.Result, typ, name string) *mock.Resource {
	t.Helper()
	r := res.Get(typ, name)
	require.NotNil(t, r, "no %s named %s", typ, name)
	return r
}

// key names a resource in the inventories: its type's last part and its logical name.
func key(typ, name string) string { return typ[strings.LastIndex(typ, ":")+1:] + " " + name }

// inventory maps every resource below the Network (custom or component) to its inputs.
func inventory(t *testing.T, res *mock.Result) map[string]map[string]any {
	t.Helper()
	c := mocktest.One(t, res, typeNetwork)
	out := map[string]map[string]any{}
	for _, r := range res.Resources() {
		if r.Parent == c.URN {
			out[key(r.Type, r.Name)] = mock.Plain(r.Inputs, false)
		}
	}
	return out
}

// shared are the resources of every new VPC without flow logs, whatever its zones.
var shared = []string{
	"Vpc network-vpc", "InternetGateway network-igw", "RouteTable network-public-rt", "Route network-public-route",
	"DefaultSecurityGroup network-default", "VpcEndpoint network-s3", "VpcEndpoint network-dynamodb",
}

// zoneParts are a zone's own resources; its private default route exists unless the strategy is none.
func zoneParts(strategy, letter string) []string {
	parts := []string{
		"Subnet network-public-" + letter, "Subnet network-private-" + letter,
		"RouteTableAssociation network-public-assoc-" + letter, "RouteTableAssociation network-private-assoc-" + letter,
		"RouteTable network-private-rt-" + letter,
	}
	if strategy != network.NATNone {
		parts = append(parts, "Route network-private-route-"+letter)
	}
	return parts
}

// natParts are the NAT gateway and Elastic IP hosted in a zone.
func natParts(letter string) []string {
	return []string{"Eip network-eip-" + letter, "NatGateway network-nat-" + letter}
}

// untagged are the EC2 types that take no tags: CreateRoute and AssociateRouteTable have no
// TagSpecifications.
var untagged = map[string]bool{typeRoute: true, typeAssoc: true}

// checkTags checks the convention on every taggable resource, and that routes and route table
// associations carry no tags.
func checkTags(t *testing.T, res *mock.Result, common map[string]string) {
	t.Helper()
	n := 0
	for _, r := range res.Resources() {
		if untagged[r.Type] {
			assert.Nil(t, r.In("tags"), "%s %s takes no tags", r.Type, r.Name)
			continue
		}
		if !mocktest.Taggable(r) {
			continue
		}
		n++
		tags := mocktest.Tags(r)
		for k, v := range common {
			assert.Equal(t, v, tags[k], "%s %s: tag %s", r.Type, r.Name, k)
		}
		assert.Equal(t, fmt.Sprintf("%v-%v-%v", tags["App"], tags["Env"], tags["Group"]), tags["Name"], "%s %s: Name tag", r.Type, r.Name)
	}
	assert.Positive(t, n, "taggable resources")
}

func TestNewVPC(t *testing.T) {
	res := deploy(t, network.Args{
		CIDR:              "10.20.0.0/16",
		AvailabilityZones: []string{"us-east-1b", "us-east-1a"},
		NATGateways:       network.NATOnePerAZ,
	})
	c := mocktest.One(t, res, typeNetwork)
	vpc := get(t, res, typeVpc, "network-vpc")
	assert.Equal(t, c.URN, vpc.Parent)
	assert.Equal(t, "10.20.0.0/16", vpc.In("cidrBlock"))
	assert.Equal(t, true, vpc.In("enableDnsHostnames"))
	assert.Equal(t, true, vpc.In("enableDnsSupport"))
	assert.Equal(t, "network", vpc.In("tags.Group"))
	assert.Equal(t, "strata-test-network", vpc.In("tags.Name"))

	igw := get(t, res, typeIGW, "network-igw")
	assert.Equal(t, vpc.ID, igw.In("vpcId"))
	publicRT := get(t, res, typeRouteTable, "network-public-rt")
	assert.Equal(t, vpc.ID, publicRT.In("vpcId"))
	assert.Nil(t, publicRT.In("routes"), "routes are their own resources")
	publicRoute := get(t, res, typeRoute, "network-public-route")
	assert.Equal(t, publicRT.ID, publicRoute.In("routeTableId"))
	assert.Equal(t, anywhere, publicRoute.In("destinationCidrBlock"))
	assert.Equal(t, igw.ID, publicRoute.In("gatewayId"))

	var public, private, tables, natIPs []string
	for _, z := range []struct{ letter, public, private string }{
		{"a", "10.20.0.0/20", "10.20.128.0/20"},
		{"b", "10.20.16.0/20", "10.20.144.0/20"},
	} {
		t.Run("zone "+z.letter, func(t *testing.T) {
			zone := "us-east-1" + z.letter
			pub := get(t, res, typeSubnet, "network-public-"+z.letter)
			priv := get(t, res, typeSubnet, "network-private-"+z.letter)
			for _, s := range []struct {
				r          *mock.Resource
				cidr, tier string
			}{{pub, z.public, "public"}, {priv, z.private, "private"}} {
				assert.Equal(t, vpc.ID, s.r.In("vpcId"), s.r.Name)
				assert.Equal(t, zone, s.r.In("availabilityZone"), s.r.Name)
				assert.Equal(t, s.cidr, s.r.In("cidrBlock"), s.r.Name)
				assert.Equal(t, false, s.r.In("mapPublicIpOnLaunch"), s.r.Name)
				assert.Equal(t, s.tier+"-"+z.letter, s.r.In("tags.Group"), s.r.Name)
				assert.Equal(t, "strata-test-"+s.tier+"-"+z.letter, s.r.In("tags.Name"), s.r.Name)
			}
			assoc := get(t, res, typeAssoc, "network-public-assoc-"+z.letter)
			assert.Equal(t, pub.ID, assoc.In("subnetId"))
			assert.Equal(t, publicRT.ID, assoc.In("routeTableId"))

			rt := get(t, res, typeRouteTable, "network-private-rt-"+z.letter)
			assert.Equal(t, vpc.ID, rt.In("vpcId"))
			assert.Equal(t, "private-rt-"+z.letter, rt.In("tags.Group"))
			assoc = get(t, res, typeAssoc, "network-private-assoc-"+z.letter)
			assert.Equal(t, priv.ID, assoc.In("subnetId"))
			assert.Equal(t, rt.ID, assoc.In("routeTableId"))

			eip := get(t, res, typeEip, "network-eip-"+z.letter)
			assert.Equal(t, "vpc", eip.In("domain"))
			nat := get(t, res, typeNat, "network-nat-"+z.letter)
			assert.Equal(t, pub.ID, nat.In("subnetId"), "a NAT gateway lives in its zone's public subnet")
			assert.Equal(t, eip.Out("allocationId"), nat.In("allocationId"))
			assert.Equal(t, "public", nat.In("connectivityType"))
			assert.Equal(t, eip.Out("publicIp"), nat.Out("publicIp"))
			for _, r := range []*mock.Resource{eip, nat} {
				assert.Contains(t, r.Dependencies, igw.URN, "%s waits for the internet gateway", r.Name)
			}
			route := get(t, res, typeRoute, "network-private-route-"+z.letter)
			assert.Equal(t, rt.ID, route.In("routeTableId"))
			assert.Equal(t, anywhere, route.In("destinationCidrBlock"))
			assert.Equal(t, nat.ID, route.In("natGatewayId"), "onePerAz: each zone leaves through its own NAT gateway")
			assert.Nil(t, route.In("gatewayId"))

			public, private = append(public, pub.ID), append(private, priv.ID)
			tables, natIPs = append(tables, rt.ID), append(natIPs, fmt.Sprint(nat.Out("publicIp")))
		})
	}

	// Outputs: one subnet per zone, in zone order (sorted by letter, whatever the order of the list).
	assert.Equal(t, vpc.ID, res.Outputs["vpcId"])
	assert.Equal(t, "10.20.0.0/16", res.Outputs["cidr"])
	assert.Equal(t, []string{"us-east-1a", "us-east-1b"}, strs(res.Outputs["zones"]))
	assert.Equal(t, public, strs(res.Outputs["public"]))
	assert.Equal(t, private, strs(res.Outputs["private"]))
	// Each subnet's key is its zone, which names it for good.
	assert.Equal(t, []string{"us-east-1a", "us-east-1b"}, strs(res.Outputs["publicKeys"]))
	assert.Equal(t, []string{"10.20.0.0/20", "10.20.16.0/20"}, strs(res.Outputs["publicCidrs"]))
	assert.Equal(t, []string{"us-east-1a", "us-east-1b"}, strs(res.Outputs["privateKeys"]))
	assert.Equal(t, []string{"us-east-1a", "us-east-1b"}, strs(res.Outputs["privateZones"]))
	assert.Equal(t, []string{"10.20.128.0/20", "10.20.144.0/20"}, strs(res.Outputs["privateCidrs"]))
	assert.Equal(t, tables, strs(res.Outputs["privateRouteTables"]))
	assert.Equal(t, natIPs, strs(res.Outputs["natIps"]))
	assert.Equal(t, 2, res.Outputs["privateCount"])
	assert.Equal(t, "", res.Outputs["flowLogGroup"])
	assert.Len(t, invoked(res, invokeRegion), 1, "region looked up")
	assert.Empty(t, invoked(res, invokeZones), "zones listed, not looked up")

	// Flow logs are off by default.
	for _, typ := range []string{typeLogGroup, typeFlowLog, typeRole} {
		assert.Empty(t, res.ByType(typ), typ)
	}
	checkTags(t, res, map[string]string{"App": "strata", "Env": "test", "Owner": "research-it", "Project": "strata"})
}

// The resources of each NAT strategy, with three zones: exactly these, and the private subnets'
// internet traffic goes where the strategy says.
func TestResourcesPerNATStrategy(t *testing.T) {
	tests := []struct {
		strategy string
		// nats are the zones hosting a NAT gateway; egress maps each zone to the NAT gateway its
		// private route table uses ("" for no default route).
		nats   []string
		egress map[string]string
	}{
		{network.NATNone, nil, map[string]string{"a": "", "b": "", "c": ""}},
		{network.NATSingle, []string{"a"}, map[string]string{"a": "a", "b": "a", "c": "a"}},
		{network.NATOnePerAZ, []string{"a", "b", "c"}, map[string]string{"a": "a", "b": "b", "c": "c"}},
	}
	for _, tc := range tests {
		t.Run(tc.strategy, func(t *testing.T) {
			res := deploy(t, network.Args{AZCount: 3, NATGateways: tc.strategy})
			want := slices.Clone(shared)
			for _, l := range []string{"a", "b", "c"} {
				want = append(want, zoneParts(tc.strategy, l)...)
			}
			for _, l := range tc.nats {
				want = append(want, natParts(l)...)
			}
			assert.ElementsMatch(t, want, slices.Collect(maps.Keys(inventory(t, res))))

			for l, via := range tc.egress {
				route := res.Get(typeRoute, "network-private-route-"+l)
				if via == "" {
					assert.Nil(t, route, "zone %s: no default route without NAT", l)
					continue
				}
				require.NotNil(t, route, "zone %s", l)
				assert.Equal(t, get(t, res, typeNat, "network-nat-"+via).ID, route.In("natGatewayId"), "zone %s", l)
			}
			assert.Len(t, strs(res.Outputs["natIps"]), len(tc.nats), "one public IP per NAT gateway")
			// Every subnet, public ones included, leaves public IPv4 addresses off.
			for _, s := range res.ByType(typeSubnet) {
				assert.Equal(t, false, s.In("mapPublicIpOnLaunch"), s.Name)
			}
		})
	}
}

func TestGatewayEndpointsRouteThePrivateSubnets(t *testing.T) {
	res := deploy(t, network.Args{AZCount: 3})
	vpc := mocktest.One(t, res, typeVpc)
	var private []string
	for _, l := range []string{"a", "b", "c"} {
		private = append(private, get(t, res, typeRouteTable, "network-private-rt-"+l).ID)
	}
	for _, svc := range []string{"s3", "dynamodb"} {
		e := get(t, res, typeEndpoint, "network-"+svc)
		assert.Equal(t, "com.amazonaws.us-east-1."+svc, e.In("serviceName"))
		assert.Equal(t, "Gateway", e.In("vpcEndpointType"))
		assert.Equal(t, vpc.ID, e.In("vpcId"))
		assert.Equal(t, private, strs(e.In("routeTableIds")), "%s: the private route tables, in zone order", svc)
		assert.Equal(t, svc+"-endpoint", e.In("tags.Group"))
		assert.Nil(t, e.In("policy"))
	}
	assert.Equal(t, private, strs(res.Outputs["privateRouteTables"]))
	assert.Len(t, res.Invokes(), 2, "the region and the zones; no route table lookups")

	sg := mocktest.One(t, res, typeDefault)
	assert.Equal(t, vpc.ID, sg.In("vpcId"))
	assert.Nil(t, sg.In("ingress"))
	assert.Nil(t, sg.In("egress"))
}

// Adding, removing or reordering zones adds and removes only the changed zones' resources, and leaves
// every other zone's (and the shared ones') inputs as they were. The exceptions are stated: the
// endpoints' route table list, and, with NATSingle, the NAT gateway, which lives in the first zone.
func TestZoneChangesTouchOnlyThoseZones(t *testing.T) {
	zones := func(letters string) []string {
		var out []string
		for _, l := range letters {
			out = append(out, "us-east-1"+string(l))
		}
		return out
	}
	endpoints := map[string][]string{"VpcEndpoint network-s3": {"routeTableIds"}, "VpcEndpoint network-dynamodb": {"routeTableIds"}}
	with := func(m map[string][]string, routes ...string) map[string][]string {
		m = maps.Clone(m)
		for _, l := range routes {
			m["Route network-private-route-"+l] = []string{"natGatewayId"}
		}
		return m
	}
	type step struct {
		strategy, from, to, reason string
		added, removed             []string
		changed                    map[string][]string // resource → the inputs that change
	}
	var steps []step
	for _, s := range []string{network.NATNone, network.NATSingle, network.NATOnePerAZ} {
		own := func(l string) []string { // NATOnePerAZ: each zone's own gateway
			if s == network.NATOnePerAZ {
				return natParts(l)
			}
			return nil
		}
		first := func(l string) []string { // NATSingle: the gateway of the first zone
			if s == network.NATSingle {
				return natParts(l)
			}
			return nil
		}
		rerouted := func(letters ...string) map[string][]string { // NATSingle: routes to the moved gateway
			if s == network.NATSingle {
				return with(endpoints, letters...)
			}
			return endpoints
		}
		steps = append(steps,
			step{strategy: s, from: "ab", to: "ba", reason: "reordered", changed: map[string][]string{}},
			step{strategy: s, from: "ab", to: "bc", reason: "a removed, c added",
				removed: slices.Concat(zoneParts(s, "a"), own("a"), first("a")),
				added:   slices.Concat(zoneParts(s, "c"), own("c"), first("b")),
				changed: rerouted("b")},
			step{strategy: s, from: "bc", to: "abc", reason: "a added before the others",
				added:   slices.Concat(zoneParts(s, "a"), own("a"), first("a")),
				removed: first("b"),
				changed: rerouted("b", "c")},
			step{strategy: s, from: "abc", to: "ab", reason: "the last zone removed",
				removed: slices.Concat(zoneParts(s, "c"), own("c")),
				changed: endpoints},
		)
	}
	run := func(t *testing.T, strategy, letters string) map[string]map[string]any {
		return inventory(t, deploy(t, network.Args{CIDR: "10.20.0.0/16", AvailabilityZones: zones(letters), NATGateways: strategy}))
	}
	for _, st := range steps {
		t.Run(fmt.Sprintf("%s %s to %s", st.strategy, st.from, st.to), func(t *testing.T) {
			before, after := run(t, st.strategy, st.from), run(t, st.strategy, st.to)
			var added, removed []string
			changed := map[string][]string{}
			for k, in := range after {
				old, ok := before[k]
				if !ok {
					added = append(added, k)
					continue
				}
				for _, p := range slices.Sorted(maps.Keys(in)) {
					if !reflect.DeepEqual(in[p], old[p]) {
						changed[k] = append(changed[k], p)
					}
				}
			}
			for k := range before {
				if _, ok := after[k]; !ok {
					removed = append(removed, k)
				}
			}
			assert.ElementsMatch(t, st.added, added, "%s: added", st.reason)
			assert.ElementsMatch(t, st.removed, removed, "%s: removed", st.reason)
			assert.Equal(t, st.changed, changed, "%s: changed inputs", st.reason)
		})
	}
}

func TestDefaults(t *testing.T) {
	res := deploy(t, network.Args{Region: "us-east-1"})
	assert.Equal(t, "10.0.0.0/16", get(t, res, typeVpc, "network-vpc").In("cidrBlock"))
	// natGateways defaults to single: one NAT gateway, in the first zone.
	assert.Len(t, res.ByType(typeNat), 1)
	get(t, res, typeNat, "network-nat-a")
	// azCount defaults to 2: the first two available regular zones.
	assert.Equal(t, []string{"us-east-1a", "us-east-1b"}, strs(res.Outputs["zones"]))
	zones := invoked(res, invokeZones)
	require.Len(t, zones, 1)
	assert.Equal(t, "available", zones[0]["state"])
	assert.Equal(t, "[map[name:opt-in-status values:[opt-in-not-required]]]", fmt.Sprint(zones[0]["filters"]))
	// A given region is used as is.
	assert.Empty(t, invoked(res, invokeRegion))
	assert.Equal(t, "10.0.128.0/20", get(t, res, typeSubnet, "network-private-a").In("cidrBlock"))
	assert.Equal(t, "10.0.144.0/20", get(t, res, typeSubnet, "network-private-b").In("cidrBlock"))
}

func TestExplicitSubnets(t *testing.T) {
	res := deploy(t, network.Args{
		CIDR:              "10.20.0.0/16",
		AvailabilityZones: []string{"us-east-1a", "us-east-1b", "us-east-1c"},
		Subnets: map[string]network.ZoneSubnets{
			"us-east-1a": {Public: "10.20.96.0/24"},
			"us-east-1c": {Public: "10.20.97.0/24", Private: "10.20.224.0/19"},
		},
	})
	for name, want := range map[string]string{
		"network-public-a": "10.20.96.0/24", "network-public-b": "10.20.16.0/20", "network-public-c": "10.20.97.0/24",
		"network-private-a": "10.20.128.0/20", "network-private-b": "10.20.144.0/20", "network-private-c": "10.20.224.0/19",
	} {
		assert.Equal(t, want, get(t, res, typeSubnet, name).In("cidrBlock"), name)
	}
	assert.Equal(t, []string{"10.20.128.0/20", "10.20.144.0/20", "10.20.224.0/19"}, strs(res.Outputs["privateCidrs"]))
}

// What AWS enforces on the rendered inputs: the VPC a /16 to /28; every subnet /16 to /28, inside the
// VPC, overlapping no other, in a zone of the region; at most 50 tags, keys of at most 127
// characters without the aws: prefix, values of at most 256.
func TestRenderedInputsWithinAWSLimits(t *testing.T) {
	long := naming.Convention{App: "strata", Env: "test", Owner: strings.Repeat("o", 256), Extra: map[string]string{}}
	for i := range 44 {
		long.Extra[fmt.Sprintf("Extra%02d", i)] = strings.Repeat("v", 256)
	}
	long.Extra[strings.Repeat("k", 127)] = "longest key"
	tests := []struct {
		name string
		args network.Args
	}{
		{"largest VPC", network.Args{CIDR: "10.0.0.0/16", AZCount: 3, NATGateways: network.NATOnePerAZ}},
		{"smallest VPC", network.Args{CIDR: "192.168.7.0/24", AvailabilityZones: []string{"us-east-1d", "us-east-1e", "us-east-1f"}}},
		{"explicit subnets", network.Args{CIDR: "10.20.0.0/16", AvailabilityZones: []string{"us-east-1a", "us-east-1b", "us-east-1c"},
			Subnets: map[string]network.ZoneSubnets{"us-east-1a": {Public: "10.20.96.0/28"}, "us-east-1c": {Private: "10.20.224.0/19"}}}},
		{"whole layout block", network.Args{CIDR: "172.16.32.0/20", AvailabilityZones: []string{"us-east-1a", "us-east-1f"},
			Subnets: map[string]network.ZoneSubnets{"us-east-1a": {Private: "172.16.46.0/23"}}}},
		{"50 tags", network.Args{AZCount: 2, NATGateways: network.NATOnePerAZ, FlowLogs: network.FlowLogs{Enabled: true}, Naming: long}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := deploy(t, tc.args)
			vpc, err := netip.ParsePrefix(fmt.Sprint(mocktest.One(t, res, typeVpc).In("cidrBlock")))
			require.NoError(t, err)
			assert.True(t, vpc.Bits() >= 16 && vpc.Bits() <= 28 && vpc.Masked() == vpc, "VPC %s", vpc)
			var subnets []netip.Prefix
			for _, s := range res.ByType(typeSubnet) {
				p, err := netip.ParsePrefix(fmt.Sprint(s.In("cidrBlock")))
				require.NoError(t, err, s.Name)
				assert.True(t, p.Bits() >= 16 && p.Bits() <= 28 && p.Masked() == p, "%s: %s", s.Name, p)
				assert.True(t, p.Bits() >= vpc.Bits() && vpc.Contains(p.Addr()), "%s: %s outside %s", s.Name, p, vpc)
				for _, q := range subnets {
					assert.False(t, p.Overlaps(q), "%s: %s overlaps %s", s.Name, p, q)
				}
				subnets = append(subnets, p)
				assert.Regexp(t, `^us-east-1[a-f]$`, s.In("availabilityZone"), s.Name)
			}
			assert.Len(t, subnets, 2*len(strs(res.Outputs["zones"])))
			for _, r := range res.Resources() {
				if !mocktest.Taggable(r) || untagged[r.Type] {
					continue
				}
				tags := mocktest.Tags(r)
				assert.LessOrEqual(t, len(tags), 50, "%s %s: tags", r.Type, r.Name)
				for k, v := range tags {
					assert.LessOrEqual(t, utf8.RuneCountInString(k), 127, "%s %s: key %s", r.Type, r.Name, k)
					assert.False(t, strings.HasPrefix(strings.ToLower(k), "aws:"), "%s %s: key %s", r.Type, r.Name, k)
					assert.LessOrEqual(t, utf8.RuneCountInString(fmt.Sprint(v)), 256, "%s %s: value of %s", r.Type, r.Name, k)
				}
			}
		})
	}
	// The 50 tags are all there: 44 extras, the long key and the convention's five.
	res := deploy(t, tests[len(tests)-1].args)
	assert.Len(t, mocktest.Tags(get(t, res, typeSubnet, "network-private-b")), 50)
}

func TestFlowLogs(t *testing.T) {
	res := deploy(t, network.Args{FlowLogs: network.FlowLogs{Enabled: true, RetentionDays: 90, TrafficType: "REJECT"}})
	vpc := mocktest.One(t, res, typeVpc)
	group := mocktest.One(t, res, typeLogGroup)
	assert.Equal(t, "strata-test-flow-logs", group.In("name"))
	assert.Equal(t, 90.0, group.In("retentionInDays"))
	assert.Equal(t, "strata-test-flow-logs", res.Outputs["flowLogGroup"])
	groupARN := "arn:aws:logs:us-east-1:123456789012:log-group:strata-test-flow-logs"

	fl := get(t, res, typeFlowLog, "network-flow-logs")
	assert.Equal(t, vpc.ID, fl.In("vpcId"))
	assert.Equal(t, "REJECT", fl.In("trafficType"))
	assert.Equal(t, "cloud-watch-logs", fl.In("logDestinationType"))
	assert.Equal(t, groupARN, fl.In("logDestination"))
	assert.Equal(t, "arn:aws:iam::123456789012:role/strata-test-flow-logs", fl.In("iamRoleArn"))

	r := mocktest.One(t, res, typeRole)
	assert.Equal(t, "strata-test-flow-logs", r.In("name"))
	trust := mocktest.Document(t, r, "assumeRolePolicy")
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, "map[Service:vpc-flow-logs.amazonaws.com]", fmt.Sprint(trust.Statement[0].Principal))
	assert.Equal(t, "123456789012", trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"],
		"VPC Flow Logs assumes the role for this account's flow logs only")
	assert.Contains(t, fl.Dependencies, get(t, res, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "network-flow-logs").URN,
		"the flow log is created once its role may write to the group")
	var want []string
	for _, a := range []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"} {
		want = append(want, a+" "+groupARN, a+" "+groupARN+":*")
	}
	slices.Sort(want)
	doc := mocktest.Document(t, mocktest.One(t, res, typePolicy), "policy")
	assert.Equal(t, want, mocktest.Grants(doc))
	checkTags(t, res, map[string]string{"App": "strata", "Env": "test", "Owner": "research-it"})
}

func TestFlowLogDefaults(t *testing.T) {
	res := deploy(t, network.Args{FlowLogs: network.FlowLogs{Enabled: true}})
	assert.Equal(t, 365.0, mocktest.One(t, res, typeLogGroup).In("retentionInDays"))
	assert.Equal(t, "ALL", mocktest.One(t, res, typeFlowLog).In("trafficType"))
}

func TestExistingVPC(t *testing.T) {
	args := network.Args{
		VPCID:            "vpc-0123456789abcdef0",
		PrivateSubnetIDs: []string{"subnet-01234567", "subnet-0123456789abcdef1"},
		PublicSubnetIDs:  []string{"subnet-89abcdef", "subnet-0123456789abcdef2"},
	}
	res := deploy(t, args)
	mocktest.One(t, res, typeNetwork)
	assert.Len(t, res.Resources(), 1, "only the component")
	assert.Empty(t, res.Invokes())
	assert.Equal(t, args.VPCID, res.Outputs["vpcId"])
	assert.Equal(t, "", res.Outputs["cidr"])
	assert.Equal(t, args.PrivateSubnetIDs, strs(res.Outputs["private"]))
	assert.Equal(t, args.PublicSubnetIDs, strs(res.Outputs["public"]))
	// An existing subnet's key is its id: a literal of the config, stable as long as the subnet.
	assert.Equal(t, args.PrivateSubnetIDs, strs(res.Outputs["privateKeys"]))
	assert.Equal(t, args.PublicSubnetIDs, strs(res.Outputs["publicKeys"]))
	assert.Equal(t, []string{"", ""}, strs(res.Outputs["privateZones"]), "zones are not looked up")
	assert.Equal(t, []string{"", ""}, strs(res.Outputs["privateCidrs"]), "blocks are not looked up")
	assert.Equal(t, 2, res.Outputs["privateCount"])
	assert.Empty(t, strs(res.Outputs["zones"]))
	assert.Empty(t, strs(res.Outputs["privateRouteTables"]))
	assert.Empty(t, strs(res.Outputs["natIps"]))
	assert.Equal(t, "", res.Outputs["flowLogGroup"])

	// Public subnets are optional.
	res = deploy(t, network.Args{VPCID: args.VPCID, PrivateSubnetIDs: args.PrivateSubnetIDs})
	assert.Equal(t, 0, res.Outputs["publicCount"])
}

func TestInvalidArgs(t *testing.T) {
	existing := func(a network.Args) network.Args {
		if a.VPCID == "" {
			a.VPCID = "vpc-0123456789abcdef0"
		}
		if a.PrivateSubnetIDs == nil {
			a.PrivateSubnetIDs = []string{"subnet-01234567", "subnet-89abcdef"}
		}
		return a
	}
	key128 := strings.Repeat("k", 128)
	tests := []struct {
		name string
		args network.Args
		want []string
	}{
		{"not a CIDR", network.Args{CIDR: "10.20.0.0"}, []string{`cidr: "10.20.0.0" is not an IPv4 CIDR block`}},
		{"IPv6 CIDR", network.Args{CIDR: "fd00::/56"}, []string{`cidr: "fd00::/56" is not an IPv4 CIDR block`}},
		{"unmasked CIDR", network.Args{CIDR: "10.20.1.0/16"}, []string{`cidr: "10.20.1.0/16" has host bits set: use 10.20.0.0/16`}},
		{"VPC too large", network.Args{CIDR: "10.0.0.0/8"}, []string{`cidr: "10.0.0.0/8" is a /8: use a prefix length from /16 to /24`}},
		{"VPC too small", network.Args{CIDR: "10.0.0.0/25"}, []string{`cidr: "10.0.0.0/25" is a /25: use a prefix length from /16 to /24`}},
		{"one zone", network.Args{AZCount: 1}, []string{"azCount: 1 is out of range: use 2 to 3 availability zones"}},
		{"four zones", network.Args{AZCount: 4}, []string{"azCount: 4 is out of range"}},
		{"zone count and list", network.Args{AZCount: 2, AvailabilityZones: []string{"us-east-1a", "us-east-1b"}},
			[]string{"azCount: is set together with availabilityZones: set one of them"}},
		{"one zone listed", network.Args{AvailabilityZones: []string{"us-east-1a"}}, []string{"availabilityZones: lists 1 zones: list 2 to 3"}},
		{"duplicate zone", network.Args{AvailabilityZones: []string{"us-east-1a", "us-east-1a"}},
			[]string{`availabilityZones[1]: "us-east-1a" is listed twice`}},
		{"zone of another region", network.Args{AvailabilityZones: []string{"us-east-1a", "us-west-2b"}},
			[]string{`availabilityZones[1]: "us-west-2b" is not in the stack's region us-east-1`}},
		{"zones of one other region", network.Args{Region: "us-east-2", AvailabilityZones: []string{"us-east-1a", "us-east-1b"}},
			[]string{`availabilityZones[0]: "us-east-1a" is not in the stack's region us-east-2`, `availabilityZones[1]: "us-east-1b" is not in the stack's region us-east-2`}},
		{"not a zone", network.Args{AvailabilityZones: []string{"us-east-1a", "use1-az1"}},
			[]string{`availabilityZones[1]: "use1-az1" is not an availability zone name`}},
		{"zone without a slot", network.Args{AvailabilityZones: []string{"us-east-1a", "us-east-1g"}},
			[]string{`availabilityZones[1]: "us-east-1g" has no slot in the subnet layout: use a zone whose letter is one of abcdef`}},
		{"unknown NAT strategy", network.Args{NATGateways: "perAz"}, []string{`natGateways: "perAz" is not allowed: use one of none, single, onePerAz`}},
		{"subnets without zones", network.Args{Subnets: map[string]network.ZoneSubnets{"us-east-1a": {Public: "10.0.96.0/24"}}},
			[]string{"subnets: needs the zones named: list them in availabilityZones"}},
		{"subnets of an unlisted zone", network.Args{AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
			Subnets: map[string]network.ZoneSubnets{"us-east-1c": {Public: "10.0.96.0/24"}}},
			[]string{`subnets.us-east-1c: "us-east-1c" is not one of availabilityZones (us-east-1a, us-east-1b)`}},
		{"subnet outside the VPC", network.Args{AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
			Subnets: map[string]network.ZoneSubnets{"us-east-1a": {Private: "10.1.0.0/20"}}},
			[]string{`subnets.us-east-1a.private: "10.1.0.0/20" is not inside the VPC's 10.0.0.0/16`}},
		{"subnet too small", network.Args{AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
			Subnets: map[string]network.ZoneSubnets{"us-east-1a": {Private: "10.0.96.0/29"}}},
			[]string{`subnets.us-east-1a.private: "10.0.96.0/29" is a /29: use a prefix length from /16 to /28`}},
		{"subnet overlapping the layout", network.Args{AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
			Subnets: map[string]network.ZoneSubnets{"us-east-1a": {Public: "10.0.16.0/24"}}},
			[]string{"subnets.us-east-1a.public: 10.0.16.0/24 overlaps the public subnet of us-east-1b (10.0.16.0/20): subnets may not overlap"}},
		{"explicit subnets overlapping", network.Args{AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
			Subnets: map[string]network.ZoneSubnets{"us-east-1a": {Public: "10.0.96.0/24"}, "us-east-1b": {Public: "10.0.96.128/25"}}},
			[]string{"subnets.us-east-1b.public: 10.0.96.128/25 overlaps the public subnet of us-east-1a (10.0.96.0/24)"}},
		{"bad retention", network.Args{FlowLogs: network.FlowLogs{Enabled: true, RetentionDays: 100}},
			[]string{"flowLogs.retentionDays: 100 is not a CloudWatch Logs retention period: use one of 1, 3, 5"}},
		{"bad traffic type", network.Args{FlowLogs: network.FlowLogs{Enabled: true, TrafficType: "all"}},
			[]string{`flowLogs.trafficType: "all" is not allowed: use one of ALL, ACCEPT, REJECT`}},
		{"subnet ids without a VPC", network.Args{PrivateSubnetIDs: []string{"subnet-01234567", "subnet-89abcdef"}},
			[]string{"privateSubnetIds: lists subnets of an existing VPC: set vpcId as well"}},
		{"malformed VPC id", existing(network.Args{VPCID: "vpc-123"}),
			[]string{`vpcId: "vpc-123" is not a VPC id: use vpc- and 8 or 17 hexadecimal digits`}},
		{"malformed subnet id", existing(network.Args{PrivateSubnetIDs: []string{"subnet-01234567", "sn-1"}}),
			[]string{`privateSubnetIds[1]: "sn-1" is not a subnet id: use subnet- and 8 or 17 hexadecimal digits`}},
		{"one private subnet", existing(network.Args{PrivateSubnetIDs: []string{"subnet-01234567"}}),
			[]string{"privateSubnetIds: lists 1 subnets: list at least 2, in different availability zones"}},
		{"one public subnet", existing(network.Args{PublicSubnetIDs: []string{"subnet-0123abcd"}}),
			[]string{"publicSubnetIds: lists 1 subnet: list at least 2"}},
		{"subnet public and private", existing(network.Args{PublicSubnetIDs: []string{"subnet-01234567", "subnet-0123abcd"}}),
			[]string{`publicSubnetIds[0]: "subnet-01234567" is also privateSubnetIds[0]: list each subnet once`}},
		{"vpc id with new-VPC fields", existing(network.Args{CIDR: "10.0.0.0/16", NATGateways: "single", FlowLogs: network.FlowLogs{Enabled: true}}),
			[]string{"cidr: applies to a new VPC only: remove it, or remove vpcId to create a VPC", "natGateways: applies to a new VPC only", "flowLogs: applies to a new VPC only"}},
		{"naming", network.Args{Naming: naming.Convention{App: "Strata", Env: "test"}},
			[]string{"naming.app:", "naming.owner: is required"}},
		{"EC2 tag key of 128 characters", network.Args{Naming: naming.Convention{App: "strata", Env: "test", Owner: "it", Extra: map[string]string{key128: "v"}}},
			[]string{"naming.tags." + key128 + ": tag keys must be 1 to 127 characters long"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if args.Naming.App == "" {
				args.Naming = conv
			}
			err := mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := network.New(ctx, "network", &args)
				return err
			}, tc.want...)
			assert.Len(t, strings.Split(err.Error(), "\n"), len(tc.want), "one line per problem:\n%s", err)
		})
	}
}
