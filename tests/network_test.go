package tests

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	netComponent  = "strata:network:Network"
	netVpc        = "aws:ec2/vpc:Vpc"
	netIGW        = "aws:ec2/internetGateway:InternetGateway"
	netSubnet     = "aws:ec2/subnet:Subnet"
	netRouteTable = "aws:ec2/routeTable:RouteTable"
	netRoute      = "aws:ec2/route:Route"
	netAssoc      = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	netEip        = "aws:ec2/eip:Eip"
	netNat        = "aws:ec2/natGateway:NatGateway"
	netEndpoint   = "aws:ec2/vpcEndpoint:VpcEndpoint"
	netDefaultSG  = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	netLogGroup   = "aws:cloudwatch/logGroup:LogGroup"
	netFlowLog    = "aws:ec2/flowLog:FlowLog"
	netRole       = "aws:iam/role:Role"
)

// netList converts a recorded input or resolved output list to strings.
func netList(v any) []string {
	if l, ok := v.([]string); ok {
		return l
	}
	l, _ := v.([]any)
	out := make([]string, len(l))
	for i, x := range l {
		out[i] = fmt.Sprint(x)
	}
	return out
}

// The shipped stages' networks: staging two zones with one NAT gateway, production three zones with
// one NAT gateway each; every resource named by its zone's letter, the subnets by the layout.
func TestStagesNetwork(t *testing.T) {
	tests := []struct {
		stage, cidr     string
		letters         []string
		nats            []string // zones hosting a NAT gateway
		egress          map[string]string
		public, private []string
	}{
		{"staging", "10.20.0.0/16", []string{"a", "b"}, []string{"a"}, map[string]string{"a": "a", "b": "a"},
			[]string{"10.20.0.0/20", "10.20.16.0/20"}, []string{"10.20.128.0/20", "10.20.144.0/20"}},
		{"production", "10.30.0.0/16", []string{"a", "b", "c"}, []string{"a", "b", "c"}, map[string]string{"a": "a", "b": "b", "c": "c"},
			[]string{"10.30.0.0/20", "10.30.16.0/20", "10.30.32.0/20"}, []string{"10.30.128.0/20", "10.30.144.0/20", "10.30.160.0/20"}},
	}
	for _, tc := range tests {
		t.Run(tc.stage, func(t *testing.T) {
			res := runStage(t, tc.stage)
			get := func(typ, name string) *mock.Resource {
				t.Helper()
				r := res.Get(typ, name)
				require.NotNil(t, r, "no %s %s", typ, name)
				return r
			}
			c := get(netComponent, "network")
			assert.Equal(t, "", c.Parent)
			vpc := get(netVpc, "network-vpc")
			assert.Equal(t, tc.cidr, vpc.In("cidrBlock"))
			assert.Equal(t, true, vpc.In("enableDnsHostnames"))
			assert.Equal(t, true, vpc.In("enableDnsSupport"))
			for k, want := range map[string]string{
				"Name": "strata-" + tc.stage + "-network", "App": "strata", "Env": tc.stage, "Group": "network",
				"Owner": "research-platform", "CostCenter": "rp-1042", "Project": "strata",
			} {
				assert.Equal(t, want, vpc.In("tags."+k), "vpc tag %s", k)
			}
			igw := get(netIGW, "network-igw")
			assert.Equal(t, vpc.ID, igw.In("vpcId"))
			publicRT := get(netRouteTable, "network-public-rt")
			publicRoute := get(netRoute, "network-public-route")
			assert.Equal(t, publicRT.ID, publicRoute.In("routeTableId"))
			assert.Equal(t, igw.ID, publicRoute.In("gatewayId"))
			assert.Equal(t, "0.0.0.0/0", publicRoute.In("destinationCidrBlock"))

			var zones, public, private, tables []string
			for i, l := range tc.letters {
				zone := "us-east-2" + l
				zones = append(zones, zone)
				pub, priv := get(netSubnet, "network-public-"+l), get(netSubnet, "network-private-"+l)
				for _, s := range []struct {
					r          *mock.Resource
					cidr, tier string
				}{{pub, tc.public[i], "public"}, {priv, tc.private[i], "private"}} {
					assert.Equal(t, c.URN, s.r.Parent, s.r.Name)
					assert.Equal(t, vpc.ID, s.r.In("vpcId"), s.r.Name)
					assert.Equal(t, zone, s.r.In("availabilityZone"), s.r.Name)
					assert.Equal(t, s.cidr, s.r.In("cidrBlock"), s.r.Name)
					assert.Equal(t, false, s.r.In("mapPublicIpOnLaunch"), s.r.Name)
					assert.Equal(t, "strata-"+tc.stage+"-"+s.tier+"-"+l, s.r.In("tags.Name"), s.r.Name)
					assert.Equal(t, s.tier+"-"+l, s.r.In("tags.Group"), s.r.Name)
					assert.Equal(t, "rp-1042", s.r.In("tags.CostCenter"), s.r.Name)
				}
				assert.Equal(t, publicRT.ID, get(netAssoc, "network-public-assoc-"+l).In("routeTableId"))
				rt := get(netRouteTable, "network-private-rt-"+l)
				assoc := get(netAssoc, "network-private-assoc-"+l)
				assert.Equal(t, priv.ID, assoc.In("subnetId"))
				assert.Equal(t, rt.ID, assoc.In("routeTableId"))
				route := get(netRoute, "network-private-route-"+l)
				assert.Equal(t, rt.ID, route.In("routeTableId"))
				assert.Equal(t, get(netNat, "network-nat-"+tc.egress[l]).ID, route.In("natGatewayId"), "zone %s egress", l)
				public, private, tables = append(public, pub.ID), append(private, priv.ID), append(tables, rt.ID)
			}
			for _, l := range tc.nats {
				nat, eip := get(netNat, "network-nat-"+l), get(netEip, "network-eip-"+l)
				assert.Equal(t, get(netSubnet, "network-public-"+l).ID, nat.In("subnetId"))
				assert.Equal(t, eip.Out("allocationId"), nat.In("allocationId"))
				assert.Equal(t, eip.Out("publicIp"), nat.Out("publicIp"))
			}
			assert.Len(t, res.ByType(netNat), len(tc.nats), "NAT gateways")
			assert.Len(t, res.ByType(netEip), len(tc.nats), "Elastic IPs")
			assert.Len(t, res.ByType(netSubnet), 2*len(tc.letters), "subnets")
			assert.Len(t, res.ByType(netRouteTable), 1+len(tc.letters), "route tables")

			for _, svc := range []string{"s3", "dynamodb"} {
				e := get(netEndpoint, "network-"+svc)
				assert.Equal(t, "com.amazonaws.us-east-2."+svc, e.In("serviceName"))
				assert.Equal(t, "Gateway", e.In("vpcEndpointType"))
				assert.Equal(t, vpc.ID, e.In("vpcId"))
				assert.Equal(t, tables, netList(e.In("routeTableIds")), "%s: the private route tables", svc)
			}
			assert.Equal(t, vpc.ID, get(netDefaultSG, "network-default").In("vpcId"))

			out, ok := res.Outputs["network"].(map[string]any)
			require.True(t, ok, "got outputs %v, want a network map", res.Outputs)
			assert.Equal(t, vpc.ID, out["vpcId"])
			assert.Equal(t, private, netList(out["privateSubnetIds"]))
			assert.Equal(t, public, netList(out["publicSubnetIds"]))
			assert.Equal(t, zones, netList(out["availabilityZones"]))
		})
	}
}

func TestProductionFlowLogs(t *testing.T) {
	res := runStage(t, "production")
	vpc := mocktest.Named(t, res, netVpc, "network-vpc")
	group := mocktest.Named(t, res, netLogGroup, "network-flow-logs")
	assert.Equal(t, "strata-production-flow-logs", group.In("name"))
	assert.Equal(t, 365.0, group.In("retentionInDays"))
	arn := "arn:aws:logs:us-east-2:123456789012:log-group:strata-production-flow-logs"

	fl := mocktest.Named(t, res, netFlowLog, "network-flow-logs")
	assert.Equal(t, vpc.ID, fl.In("vpcId"))
	assert.Equal(t, "ALL", fl.In("trafficType"))
	assert.Equal(t, "cloud-watch-logs", fl.In("logDestinationType"))
	assert.Equal(t, arn, fl.In("logDestination"))
	assert.Equal(t, "arn:aws:iam::123456789012:role/strata-production-flow-logs", fl.In("iamRoleArn"))

	role := mocktest.Named(t, res, netRole, "network-flow-logs")
	trust := mocktest.Document(t, role, "assumeRolePolicy")
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, "map[Service:vpc-flow-logs.amazonaws.com]", fmt.Sprint(trust.Statement[0].Principal))
	var want []string
	for _, a := range []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"} {
		want = append(want, a+" "+arn, a+" "+arn+":*")
	}
	slices.Sort(want)
	doc := mocktest.Document(t, mocktest.Named(t, res, typePolicy, "network-flow-logs"), "policy")
	assert.Equal(t, want, mocktest.Grants(doc))
}

func TestStagingHasNoFlowLogs(t *testing.T) {
	res := runStage(t, "staging")
	mocktest.Named(t, res, netVpc, "network-vpc")
	for _, typ := range []string{netLogGroup, netFlowLog, netRole, typePolicy} {
		assert.Nil(t, res.Get(typ, "network-flow-logs"), "%s: no flow logs in staging", typ)
	}
}

// The QA lookup's case: an existing VPC and its subnets pass through; nothing is created for it.
func TestExistingVPCCreatesNothing(t *testing.T) {
	res, err := runEdited(t, "staging", "staging", map[string]string{"strata:network": `{
		"vpcId": "vpc-0123456789abcdef0",
		"privateSubnetIds": ["subnet-01234567", "subnet-0123456789abcdef1"],
		"publicSubnetIds": ["subnet-89abcdef", "subnet-0123456789abcdef2"]}`})
	require.NoError(t, err)
	c := mocktest.Named(t, res, netComponent, "network")
	for _, r := range res.Resources() {
		if r.Parent == c.URN || slices.Contains([]string{netVpc, netSubnet, netRouteTable, netNat, netEndpoint, netFlowLog}, r.Type) {
			t.Errorf("got %s %s, want nothing created for an existing VPC", r.Type, r.Name)
		}
	}
	out, ok := res.Outputs["network"].(map[string]any)
	require.True(t, ok, "got outputs %v, want a network map", res.Outputs)
	assert.Equal(t, "vpc-0123456789abcdef0", out["vpcId"])
	assert.Equal(t, []string{"subnet-01234567", "subnet-0123456789abcdef1"}, netList(out["privateSubnetIds"]))
	assert.Equal(t, []string{"subnet-89abcdef", "subnet-0123456789abcdef2"}, netList(out["publicSubnetIds"]))
	assert.Empty(t, netList(out["availabilityZones"]))
	// The rest of the stage is unchanged.
	mocktest.Named(t, res, typeBase, "kotta")
}

func TestBadNetworkConfigRegistersNothing(t *testing.T) {
	const key = "strata:network"
	existing := `"vpcId":"vpc-0123456789abcdef0","privateSubnetIds":["subnet-01234567","subnet-89abcdef"]`
	tests := []struct {
		name  string
		stage string // default staging
		value string
		want  []string // one entry per expected problem, in order
	}{
		{"invalid CIDR", "", `{"cidr":"10.20.0.0"}`,
			[]string{`strata:network.cidr: "10.20.0.0" is not an IPv4 CIDR block: use an address and a prefix length`}},
		{"unmasked CIDR", "", `{"cidr":"10.20.5.0/16"}`,
			[]string{`strata:network.cidr: "10.20.5.0/16" has host bits set: use 10.20.0.0/16`}},
		{"prefix too small", "", `{"cidr":"10.0.0.0/12"}`,
			[]string{`strata:network.cidr: "10.0.0.0/12" is a /12: use a prefix length from /16 to /24`}},
		{"prefix too large", "", `{"cidr":"10.20.0.0/26"}`,
			[]string{`strata:network.cidr: "10.20.0.0/26" is a /26: use a prefix length from /16 to /24`}},
		{"azCount too low", "", `{"azCount":1}`,
			[]string{"strata:network.azCount: 1 is out of range: use 2 to 3 availability zones"}},
		{"azCount too high", "", `{"azCount":6}`,
			[]string{"strata:network.azCount: 6 is out of range: use 2 to 3 availability zones"}},
		{"azCount with zones", "", `{"azCount":2,"availabilityZones":["us-east-2a","us-east-2b"]}`,
			[]string{"strata:network.azCount: is set together with availabilityZones: set one of them"}},
		{"unknown NAT strategy", "", `{"natGateways":"perZone"}`,
			[]string{`strata:network.natGateways: "perZone" is not allowed: use one of none, single, onePerAz`}},
		{"duplicate zone", "", `{"availabilityZones":["us-east-2a","us-east-2b","us-east-2a"]}`,
			[]string{`strata:network.availabilityZones[2]: "us-east-2a" is listed twice: list each zone once`}},
		{"zone of another region", "", `{"availabilityZones":["us-east-2a","us-west-2b"]}`,
			[]string{`strata:network.availabilityZones[1]: "us-west-2b" is not in the stack's region us-east-2: list zones of us-east-2`}},
		{"zones of one other region", "", `{"availabilityZones":["us-west-2a","us-west-2b"]}`,
			[]string{`strata:network.availabilityZones[0]: "us-west-2a" is not in the stack's region us-east-2`,
				`strata:network.availabilityZones[1]: "us-west-2b" is not in the stack's region us-east-2`}},
		{"too many zones", "", `{"availabilityZones":["us-east-2a","us-east-2b","us-east-2c","us-east-2d"]}`,
			[]string{"strata:network.availabilityZones: lists 4 zones: list 2 to 3"}},
		{"subnet outside the VPC", "", `{"cidr":"10.20.0.0/16","availabilityZones":["us-east-2a","us-east-2b"],
			"subnets":{"us-east-2a":{"private":"10.21.0.0/20"}}}`,
			[]string{`strata:network.subnets.us-east-2a.private: "10.21.0.0/20" is not inside the VPC's 10.20.0.0/16: choose a block of the VPC`}},
		{"overlapping subnets", "", `{"cidr":"10.20.0.0/16","availabilityZones":["us-east-2a","us-east-2b"],
			"subnets":{"us-east-2a":{"public":"10.20.144.0/24"}}}`,
			[]string{"strata:network.subnets.us-east-2a.public: 10.20.144.0/24 overlaps the private subnet of us-east-2b (10.20.144.0/20): subnets may not overlap"}},
		{"explicit subnets overlapping each other", "", `{"cidr":"10.20.0.0/16","availabilityZones":["us-east-2a","us-east-2b"],
			"subnets":{"us-east-2a":{"public":"10.20.96.0/23"},"us-east-2b":{"public":"10.20.97.0/24"}}}`,
			[]string{"strata:network.subnets.us-east-2b.public: 10.20.97.0/24 overlaps the public subnet of us-east-2a (10.20.96.0/23): subnets may not overlap"}},
		{"subnets of an unlisted zone", "", `{"availabilityZones":["us-east-2a","us-east-2b"],"subnets":{"us-east-2c":{"public":"10.0.96.0/24"}}}`,
			[]string{`strata:network.subnets.us-east-2c: "us-east-2c" is not one of availabilityZones (us-east-2a, us-east-2b)`}},
		{"malformed vpc id", "", `{"vpcId":"vpc-12345","privateSubnetIds":["subnet-01234567","subnet-89abcdef"]}`,
			[]string{`strata:network.vpcId: "vpc-12345" is not a VPC id: use vpc- and 8 or 17 hexadecimal digits`}},
		{"malformed subnet id", "", `{"vpcId":"vpc-0123456789abcdef0","privateSubnetIds":["subnet-01234567","subnet-XYZ"]}`,
			[]string{`strata:network.privateSubnetIds[1]: "subnet-XYZ" is not a subnet id: use subnet- and 8 or 17 hexadecimal digits`}},
		{"only one private subnet", "", `{"vpcId":"vpc-0123456789abcdef0","privateSubnetIds":["subnet-01234567"]}`,
			[]string{"strata:network.privateSubnetIds: lists 1 subnets: list at least 2, in different availability zones"}},
		{"duplicate subnet", "", `{"vpcId":"vpc-0123456789abcdef0","privateSubnetIds":["subnet-01234567","subnet-01234567"]}`,
			[]string{`strata:network.privateSubnetIds[1]: "subnet-01234567" is also privateSubnetIds[0]: list each subnet once`}},
		{"vpcId mixed with cidr", "", `{` + existing + `,"cidr":"10.20.0.0/16"}`,
			[]string{"strata:network.cidr: applies to a new VPC only: remove it, or remove vpcId to create a VPC"}},
		{"vpcId mixed with flow logs and NAT", "", `{` + existing + `,"natGateways":"single","flowLogs":{"enabled":true}}`,
			[]string{"strata:network.natGateways: applies to a new VPC only", "strata:network.flowLogs: applies to a new VPC only"}},
		{"subnet ids without vpcId", "", `{"privateSubnetIds":["subnet-01234567","subnet-89abcdef"]}`,
			[]string{"strata:network.privateSubnetIds: lists subnets of an existing VPC: set vpcId as well, or remove it to create a VPC"}},
		{"bad retention", "production", `{"flowLogs":{"enabled":true,"retentionDays":45}}`,
			[]string{"strata:network.flowLogs.retentionDays: 45 is not a CloudWatch Logs retention period: use one of 1, 3, 5, 7, 14, 30, 60, 90"}},
		{"unknown traffic type", "production", `{"flowLogs":{"enabled":true,"trafficType":"DENIED"}}`,
			[]string{`strata:network.flowLogs.trafficType: "DENIED" is not allowed: use one of ALL, ACCEPT, REJECT`}},
		{"misspelt key", "", `{"natGateway":"single"}`,
			[]string{`strata:network.natGateway: unknown key (did you mean "natGateways"?)`}},
		{"count as text", "", `{"azCount":"two"}`,
			[]string{`strata:network.azCount: got "two", want a whole number`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stage := tc.stage
			if stage == "" {
				stage = "staging"
			}
			refusedConfig(t, stage, stage, map[string]string{key: tc.value}, tc.want)
		})
	}
}
