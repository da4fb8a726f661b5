package network_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeNetwork  = "strata:network:Network"
	typeVpc      = "awsx:ec2:Vpc"
	typeEndpoint = "aws:ec2/vpcEndpoint:VpcEndpoint"
	typeDefault  = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	typeLogGroup = "aws:cloudwatch/logGroup:LogGroup"
	typeFlowLog  = "aws:ec2/flowLog:FlowLog"
	typeRole     = "aws:iam/role:Role"
	typePolicy   = "aws:iam/policy:Policy"
	invokeRoutes = "aws:ec2/getRouteTable:getRouteTable"
	invokeZones  = "aws:index/getAvailabilityZones:getAvailabilityZones"
	invokeRegion = "aws:index/getRegion:getRegion"
)

var conv = naming.Convention{App: "strata", Env: "test", Owner: "research-it", Extra: map[string]string{"Project": "strata"}}

// deploy runs New under mocks (region us-east-1) and exports the Network's fields.
func deploy(t *testing.T, args network.Args) *mock.Result {
	t.Helper()
	args.Naming = conv
	return mocktest.Run(t, func(ctx *pulumi.Context) error {
		n, err := network.New(ctx, "network", &args)
		if err != nil {
			return err
		}
		ctx.Export("vpcId", n.VPCID)
		ctx.Export("public", n.PublicSubnetIDs)
		ctx.Export("private", n.PrivateSubnetIDs)
		ctx.Export("zones", pulumi.ToStringArray(n.AvailabilityZones))
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

func TestNewVPC(t *testing.T) {
	res := deploy(t, network.Args{
		CIDR:              "10.20.0.0/16",
		AvailabilityZones: []string{"us-east-1b", "us-east-1a"},
		NATGateways:       network.NATOnePerAZ,
	})
	c := mocktest.One(t, res, typeNetwork)
	vpc := mocktest.Named(t, res, typeVpc, "network-vpc")
	mocktest.Eq(t, "vpc parent", vpc.Parent, c.URN)
	mocktest.Eq(t, "cidr", vpc.In("cidrBlock"), "10.20.0.0/16")
	// Sorted by letter, whatever the order of the list.
	mocktest.EqualLists(t, "zones", strs(vpc.In("availabilityZoneNames")), []string{"us-east-1a", "us-east-1b"})
	mocktest.Eq(t, "nat strategy", vpc.In("natGateways.strategy"), "OnePerAz")
	mocktest.Eq(t, "subnet strategy", vpc.In("subnetStrategy"), "Auto")
	mocktest.Eq(t, "dns hostnames", vpc.In("enableDnsHostnames"), true)
	mocktest.Eq(t, "dns support", vpc.In("enableDnsSupport"), true)
	mocktest.Eq(t, "subnet specs", len(strs(vpc.In("subnetSpecs"))), 2)
	mocktest.Eq(t, "spec 0 type", vpc.In("subnetSpecs[0].type"), "Public")
	mocktest.EqualLists(t, "public cidrs", strs(vpc.In("subnetSpecs[0].cidrBlocks")), []string{"10.20.0.0/20", "10.20.16.0/20"})
	mocktest.Eq(t, "public group", vpc.In("subnetSpecs[0].tags.Group"), "public")
	mocktest.Eq(t, "public name", vpc.In("subnetSpecs[0].tags.Name"), "strata-test-public")
	mocktest.Eq(t, "spec 1 type", vpc.In("subnetSpecs[1].type"), "Private")
	mocktest.EqualLists(t, "private cidrs", strs(vpc.In("subnetSpecs[1].cidrBlocks")), []string{"10.20.128.0/20", "10.20.144.0/20"})
	mocktest.Eq(t, "private group", vpc.In("subnetSpecs[1].tags.Group"), "private")
	mocktest.Eq(t, "private extra tag", vpc.In("subnetSpecs[1].tags.Project"), "strata")
	mocktest.Eq(t, "endpoint specs", vpc.In("vpcEndpointSpecs"), nil)

	// Outputs: one subnet per zone, in zone order, straight from awsx.
	mocktest.Eq(t, "vpc id", res.Outputs["vpcId"], vpc.Out("vpcId"))
	mocktest.EqualLists(t, "private ids", strs(res.Outputs["private"]), strs(vpc.Out("privateSubnetIds")))
	mocktest.EqualLists(t, "public ids", strs(res.Outputs["public"]), strs(vpc.Out("publicSubnetIds")))
	mocktest.Eq(t, "private count", res.Outputs["privateCount"], 2)
	mocktest.Eq(t, "public count", res.Outputs["publicCount"], 2)
	mocktest.EqualLists(t, "zone output", strs(res.Outputs["zones"]), []string{"us-east-1a", "us-east-1b"})
	mocktest.Eq(t, "flow log group", res.Outputs["flowLogGroup"], "")
	mocktest.Eq(t, "region looked up", len(invoked(res, invokeRegion)), 1)
	mocktest.Eq(t, "zones looked up", len(invoked(res, invokeZones)), 0)

	// Flow logs are off by default.
	for _, typ := range []string{typeLogGroup, typeFlowLog, typeRole} {
		mocktest.Eq(t, typ, len(res.ByType(typ)), 0)
	}
	mocktest.CheckTags(t, res, map[string]string{"App": "strata", "Env": "test", "Owner": "research-it", "Project": "strata"})
	mocktest.Eq(t, "vpc Name tag", vpc.In("tags.Name"), "strata-test-network")
}

func TestGatewayEndpointsRouteThePrivateSubnets(t *testing.T) {
	res := deploy(t, network.Args{AZCount: 3})
	vpc := mocktest.One(t, res, typeVpc)
	private := strs(vpc.Out("privateSubnetIds"))

	// One route table lookup per private subnet, none for the public ones.
	var looked []string
	for _, args := range invoked(res, invokeRoutes) {
		looked = append(looked, fmt.Sprint(args["subnetId"]))
		mocktest.Eq(t, "lookup vpc", args["vpcId"], vpc.Out("vpcId"))
	}
	slices.Sort(looked)
	want := slices.Sorted(slices.Values(private))
	mocktest.EqualLists(t, "route tables looked up for", looked, want)

	endpoints := map[string]*mock.Resource{}
	for _, e := range res.ByType(typeEndpoint) {
		endpoints[fmt.Sprint(e.In("serviceName"))] = e
	}
	mocktest.Eq(t, "endpoints", len(endpoints), 2)
	for _, svc := range []string{"s3", "dynamodb"} {
		e := endpoints["com.amazonaws.us-east-1."+svc]
		if e == nil {
			t.Fatalf("no %s endpoint: got %v", svc, endpoints)
		}
		mocktest.Eq(t, svc+" type", e.In("vpcEndpointType"), "Gateway")
		mocktest.Eq(t, svc+" vpc", e.In("vpcId"), vpc.Out("vpcId"))
		tables := strs(e.In("routeTableIds"))
		mocktest.Eq(t, svc+" route tables", len(tables), 3)
		for _, rt := range tables {
			if !strings.HasPrefix(rt, "rtb-") {
				t.Errorf("%s: got route table %q, want rtb-…", svc, rt)
			}
		}
		if distinct := slices.Compact(slices.Sorted(slices.Values(tables))); len(distinct) != 3 {
			t.Errorf("%s: got route tables %v, want 3 distinct", svc, tables)
		}
		mocktest.Eq(t, svc+" Group tag", e.In("tags.Group"), svc+"-endpoint")
		mocktest.Eq(t, svc+" policy", e.In("policy"), nil)
	}

	sg := mocktest.One(t, res, typeDefault)
	mocktest.Eq(t, "default sg vpc", sg.In("vpcId"), vpc.Out("vpcId"))
	mocktest.Eq(t, "default sg ingress", sg.In("ingress"), nil)
	mocktest.Eq(t, "default sg egress", sg.In("egress"), nil)
}

func TestDefaults(t *testing.T) {
	res := deploy(t, network.Args{Region: "us-east-1"})
	vpc := mocktest.One(t, res, typeVpc)
	mocktest.Eq(t, "cidr", vpc.In("cidrBlock"), "10.0.0.0/16")
	mocktest.Eq(t, "nat strategy", vpc.In("natGateways.strategy"), "Single")
	// azCount defaults to 2: the first two available regular zones.
	mocktest.EqualLists(t, "zones", strs(vpc.In("availabilityZoneNames")), []string{"us-east-1a", "us-east-1b"})
	zones := invoked(res, invokeZones)
	mocktest.Eq(t, "zone lookups", len(zones), 1)
	mocktest.Eq(t, "zone state", zones[0]["state"], "available")
	mocktest.Eq(t, "zone filter", fmt.Sprint(zones[0]["filters"]), "[map[name:opt-in-status values:[opt-in-not-required]]]")
	// A given region is used as is.
	mocktest.Eq(t, "region lookups", len(invoked(res, invokeRegion)), 0)
	mocktest.EqualLists(t, "private cidrs", strs(vpc.In("subnetSpecs[1].cidrBlocks")), []string{"10.0.128.0/20", "10.0.144.0/20"})
}

func TestNATStrategies(t *testing.T) {
	for cfg, want := range map[string]string{network.NATNone: "None", network.NATSingle: "Single", network.NATOnePerAZ: "OnePerAz"} {
		t.Run(cfg, func(t *testing.T) {
			res := deploy(t, network.Args{NATGateways: cfg})
			mocktest.Eq(t, "strategy", mocktest.One(t, res, typeVpc).In("natGateways.strategy"), want)
		})
	}
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
	vpc := mocktest.One(t, res, typeVpc)
	mocktest.EqualLists(t, "public cidrs", strs(vpc.In("subnetSpecs[0].cidrBlocks")), []string{"10.20.96.0/24", "10.20.16.0/20", "10.20.97.0/24"})
	mocktest.EqualLists(t, "private cidrs", strs(vpc.In("subnetSpecs[1].cidrBlocks")), []string{"10.20.128.0/20", "10.20.144.0/20", "10.20.224.0/19"})
}

func TestFlowLogs(t *testing.T) {
	res := deploy(t, network.Args{FlowLogs: network.FlowLogs{Enabled: true, RetentionDays: 90, TrafficType: "REJECT"}})
	vpc := mocktest.One(t, res, typeVpc)
	group := mocktest.One(t, res, typeLogGroup)
	mocktest.Eq(t, "log group name", group.In("name"), "strata-test-flow-logs")
	mocktest.Eq(t, "retention", group.In("retentionInDays"), 90.0)
	mocktest.Eq(t, "output", res.Outputs["flowLogGroup"], "strata-test-flow-logs")
	groupARN := "arn:aws:logs:us-east-1:123456789012:log-group:strata-test-flow-logs"

	fl := mocktest.One(t, res, typeFlowLog)
	mocktest.Eq(t, "flow log vpc", fl.In("vpcId"), vpc.Out("vpcId"))
	mocktest.Eq(t, "traffic", fl.In("trafficType"), "REJECT")
	mocktest.Eq(t, "destination type", fl.In("logDestinationType"), "cloud-watch-logs")
	mocktest.Eq(t, "destination", fl.In("logDestination"), groupARN)
	mocktest.Eq(t, "role", fl.In("iamRoleArn"), "arn:aws:iam::123456789012:role/strata-test-flow-logs")

	r := mocktest.One(t, res, typeRole)
	mocktest.Eq(t, "role name", r.In("name"), "strata-test-flow-logs")
	trust := mocktest.Document(t, r, "assumeRolePolicy")
	mocktest.Eq(t, "trust statements", len(trust.Statement), 1)
	mocktest.Eq(t, "trust principal", fmt.Sprint(trust.Statement[0].Principal), "map[Service:vpc-flow-logs.amazonaws.com]")
	var want []string
	for _, a := range []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"} {
		want = append(want, a+" "+groupARN, a+" "+groupARN+":*")
	}
	slices.Sort(want)
	doc := mocktest.Document(t, mocktest.One(t, res, typePolicy), "policy")
	mocktest.EqualLists(t, "flow log grants", mocktest.Grants(doc), want)
	mocktest.CheckTags(t, res, map[string]string{"App": "strata", "Env": "test", "Owner": "research-it"})
}

func TestFlowLogDefaults(t *testing.T) {
	res := deploy(t, network.Args{FlowLogs: network.FlowLogs{Enabled: true}})
	mocktest.Eq(t, "retention", mocktest.One(t, res, typeLogGroup).In("retentionInDays"), 365.0)
	mocktest.Eq(t, "traffic", mocktest.One(t, res, typeFlowLog).In("trafficType"), "ALL")
}

func TestExistingVPC(t *testing.T) {
	args := network.Args{
		VPCID:            "vpc-0123456789abcdef0",
		PrivateSubnetIDs: []string{"subnet-01234567", "subnet-0123456789abcdef1"},
		PublicSubnetIDs:  []string{"subnet-89abcdef", "subnet-0123456789abcdef2"},
	}
	res := deploy(t, args)
	mocktest.One(t, res, typeNetwork)
	if n := len(res.Resources()); n != 1 {
		t.Errorf("got %d registrations, want only the component", n)
	}
	mocktest.Eq(t, "invokes", len(res.Invokes()), 0)
	mocktest.Eq(t, "vpc id", res.Outputs["vpcId"], args.VPCID)
	mocktest.EqualLists(t, "private", strs(res.Outputs["private"]), args.PrivateSubnetIDs)
	mocktest.EqualLists(t, "public", strs(res.Outputs["public"]), args.PublicSubnetIDs)
	mocktest.Eq(t, "private count", res.Outputs["privateCount"], 2)
	mocktest.Eq(t, "zones", len(strs(res.Outputs["zones"])), 0)
	mocktest.Eq(t, "flow log group", res.Outputs["flowLogGroup"], "")

	// Public subnets are optional.
	res = deploy(t, network.Args{VPCID: args.VPCID, PrivateSubnetIDs: args.PrivateSubnetIDs})
	mocktest.Eq(t, "public count", res.Outputs["publicCount"], 0)
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
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(lines), len(tc.want), err)
			}
		})
	}
}
