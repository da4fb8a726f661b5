package tests

import (
	"fmt"
	"slices"
	"testing"

	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	netComponent = "strata:network:Network"
	netVpc       = "awsx:ec2:Vpc"
	netEndpoint  = "aws:ec2/vpcEndpoint:VpcEndpoint"
	netLogGroup  = "aws:cloudwatch/logGroup:LogGroup"
	netFlowLog   = "aws:ec2/flowLog:FlowLog"
	netRole      = "aws:iam/role:Role"
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

func TestStagesNetwork(t *testing.T) {
	tests := []struct {
		stage, cidr, nat string
		zones            []string
		public, private  []string
	}{
		{"staging", "10.20.0.0/16", "Single", []string{"us-east-2a", "us-east-2b"},
			[]string{"10.20.0.0/20", "10.20.16.0/20"}, []string{"10.20.128.0/20", "10.20.144.0/20"}},
		{"production", "10.30.0.0/16", "OnePerAz", []string{"us-east-2a", "us-east-2b", "us-east-2c"},
			[]string{"10.30.0.0/20", "10.30.16.0/20", "10.30.32.0/20"}, []string{"10.30.128.0/20", "10.30.144.0/20", "10.30.160.0/20"}},
	}
	for _, tc := range tests {
		t.Run(tc.stage, func(t *testing.T) {
			res := runStage(t, tc.stage)
			c := mocktest.Named(t, res, netComponent, "network")
			mocktest.Eq(t, "network parent", c.Parent, "")
			vpc := mocktest.Named(t, res, netVpc, "network-vpc")
			mocktest.Eq(t, "vpc parent", vpc.Parent, c.URN)
			mocktest.Eq(t, "cidr", vpc.In("cidrBlock"), tc.cidr)
			mocktest.EqualLists(t, "zones", netList(vpc.In("availabilityZoneNames")), tc.zones)
			mocktest.Eq(t, "nat strategy", vpc.In("natGateways.strategy"), tc.nat)
			mocktest.Eq(t, "subnet strategy", vpc.In("subnetStrategy"), "Auto")
			mocktest.Eq(t, "subnet specs", len(netList(vpc.In("subnetSpecs"))), 2)
			for i, spec := range []struct {
				typ, group string
				cidrs      []string
			}{{"Public", "public", tc.public}, {"Private", "private", tc.private}} {
				p := fmt.Sprintf("subnetSpecs[%d].", i)
				mocktest.Eq(t, p+"type", vpc.In(p+"type"), spec.typ)
				mocktest.EqualLists(t, p+"cidrBlocks", netList(vpc.In(p+"cidrBlocks")), spec.cidrs)
				mocktest.Eq(t, p+"tags.Name", vpc.In(p+"tags.Name"), "strata-"+tc.stage+"-"+spec.group)
				mocktest.Eq(t, p+"tags.Group", vpc.In(p+"tags.Group"), spec.group)
				mocktest.Eq(t, p+"tags.Env", vpc.In(p+"tags.Env"), tc.stage)
				mocktest.Eq(t, p+"tags.CostCenter", vpc.In(p+"tags.CostCenter"), "rp-1042")
			}
			for k, want := range map[string]string{
				"Name": "strata-" + tc.stage + "-network", "App": "strata", "Env": tc.stage, "Group": "network",
				"Owner": "research-platform", "CostCenter": "rp-1042", "Project": "strata",
			} {
				mocktest.Eq(t, "vpc tag "+k, vpc.In("tags."+k), want)
			}

			private := netList(vpc.Out("privateSubnetIds"))
			for _, svc := range []string{"s3", "dynamodb"} {
				e := mocktest.Named(t, res, netEndpoint, "network-"+svc)
				mocktest.Eq(t, svc+" service", e.In("serviceName"), "com.amazonaws.us-east-2."+svc)
				mocktest.Eq(t, svc+" type", e.In("vpcEndpointType"), "Gateway")
				mocktest.Eq(t, svc+" vpc", e.In("vpcId"), vpc.Out("vpcId"))
				mocktest.Eq(t, svc+" route tables", len(netList(e.In("routeTableIds"))), len(tc.zones))
			}
			var looked []string
			for _, inv := range res.Invokes() {
				if inv.Token == "aws:ec2/getRouteTable:getRouteTable" {
					looked = append(looked, fmt.Sprint(inv.Args.Mappable()["subnetId"]))
				}
			}
			mocktest.EqualLists(t, "route tables of", slices.Sorted(slices.Values(looked)), slices.Sorted(slices.Values(private)))

			out, ok := res.Outputs["network"].(map[string]any)
			if !ok {
				t.Fatalf("got outputs %v, want a network map", res.Outputs)
			}
			mocktest.Eq(t, "output vpcId", out["vpcId"], vpc.Out("vpcId"))
			mocktest.EqualLists(t, "output privateSubnetIds", netList(out["privateSubnetIds"]), private)
			mocktest.EqualLists(t, "output publicSubnetIds", netList(out["publicSubnetIds"]), netList(vpc.Out("publicSubnetIds")))
			mocktest.EqualLists(t, "output availabilityZones", netList(out["availabilityZones"]), tc.zones)
		})
	}
}

func TestProductionFlowLogs(t *testing.T) {
	res := runStage(t, "production")
	vpc := mocktest.Named(t, res, netVpc, "network-vpc")
	group := mocktest.Named(t, res, netLogGroup, "network-flow-logs")
	mocktest.Eq(t, "log group name", group.In("name"), "strata-production-flow-logs")
	mocktest.Eq(t, "retention", group.In("retentionInDays"), 365.0)
	arn := "arn:aws:logs:us-east-2:123456789012:log-group:strata-production-flow-logs"

	fl := mocktest.Named(t, res, netFlowLog, "network-flow-logs")
	mocktest.Eq(t, "flow log vpc", fl.In("vpcId"), vpc.Out("vpcId"))
	mocktest.Eq(t, "traffic type", fl.In("trafficType"), "ALL")
	mocktest.Eq(t, "destination type", fl.In("logDestinationType"), "cloud-watch-logs")
	mocktest.Eq(t, "destination", fl.In("logDestination"), arn)
	mocktest.Eq(t, "role", fl.In("iamRoleArn"), "arn:aws:iam::123456789012:role/strata-production-flow-logs")

	role := mocktest.Named(t, res, netRole, "network-flow-logs")
	trust := mocktest.Document(t, role, "assumeRolePolicy")
	if len(trust.Statement) != 1 || fmt.Sprint(trust.Statement[0].Principal) != "map[Service:vpc-flow-logs.amazonaws.com]" {
		t.Errorf("got trust %+v, want vpc-flow-logs.amazonaws.com alone", trust.Statement)
	}
	var want []string
	for _, a := range []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"} {
		want = append(want, a+" "+arn, a+" "+arn+":*")
	}
	slices.Sort(want)
	doc := mocktest.Document(t, mocktest.Named(t, res, typePolicy, "network-flow-logs"), "policy")
	mocktest.EqualLists(t, "flow log grants", mocktest.Grants(doc), want)
}

func TestStagingHasNoFlowLogs(t *testing.T) {
	res := runStage(t, "staging")
	mocktest.Named(t, res, netVpc, "network-vpc")
	for _, typ := range []string{netLogGroup, netFlowLog, netRole, typePolicy} {
		if r := res.Get(typ, "network-flow-logs"); r != nil {
			t.Errorf("got %s %s, want no flow logs in staging", typ, r.Name)
		}
	}
}

// The QA lookup's case: an existing VPC and its subnets pass through; nothing is created for it.
func TestExistingVPCCreatesNothing(t *testing.T) {
	res, err := runEdited(t, "staging", "staging", map[string]string{"strata:network": `{
		"vpcId": "vpc-0123456789abcdef0",
		"privateSubnetIds": ["subnet-01234567", "subnet-0123456789abcdef1"],
		"publicSubnetIds": ["subnet-89abcdef", "subnet-0123456789abcdef2"]}`})
	if err != nil {
		t.Fatal(err)
	}
	c := mocktest.Named(t, res, netComponent, "network")
	for _, r := range res.Resources() {
		if r.Parent == c.URN || r.Type == netVpc || r.Type == "aws:ec2/vpcEndpoint:VpcEndpoint" || r.Type == netFlowLog {
			t.Errorf("got %s %s, want nothing created for an existing VPC", r.Type, r.Name)
		}
	}
	out, ok := res.Outputs["network"].(map[string]any)
	if !ok {
		t.Fatalf("got outputs %v, want a network map", res.Outputs)
	}
	mocktest.Eq(t, "vpcId", out["vpcId"], "vpc-0123456789abcdef0")
	mocktest.EqualLists(t, "privateSubnetIds", netList(out["privateSubnetIds"]), []string{"subnet-01234567", "subnet-0123456789abcdef1"})
	mocktest.EqualLists(t, "publicSubnetIds", netList(out["publicSubnetIds"]), []string{"subnet-89abcdef", "subnet-0123456789abcdef2"})
	mocktest.Eq(t, "availabilityZones", len(netList(out["availabilityZones"])), 0)
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
