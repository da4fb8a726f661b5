package network

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	awsx "github.com/pulumi/pulumi-awsx/sdk/v2/go/awsx/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/logs"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/role"
)

// NAT gateway strategies.
const (
	NATNone     = "none"
	NATSingle   = "single"
	NATOnePerAZ = "onePerAz"
)

var natStrategies = map[string]awsx.NatGatewayStrategy{
	NATNone:     awsx.NatGatewayStrategyNone,
	NATSingle:   awsx.NatGatewayStrategySingle,
	NATOnePerAZ: awsx.NatGatewayStrategyOnePerAz,
}

// FlowLogsService is the service principal that delivers VPC flow logs.
const FlowLogsService = "vpc-flow-logs.amazonaws.com"

// Args configures the network. The JSON names are the keys of the strata:network config object.
// Without VPCID a new VPC is created; with it, an existing VPC's ids are passed through and nothing
// is created.
type Args struct {
	// CIDR is the new VPC's IPv4 block, /16 to /24 (the layout needs /28 subnets at least).
	// Default 10.0.0.0/16.
	CIDR string `json:"cidr"`
	// AZCount is the number of availability zones, 2 or 3: the first ones of the region that are
	// available. Default 2 unless AvailabilityZones is set.
	AZCount int `json:"azCount"`
	// AvailabilityZones names 2 or 3 zones of the stack's region, e.g. us-east-2a, instead of
	// AZCount. Pin them for a long-lived network: AZCount picks anew on every run.
	AvailabilityZones []string `json:"availabilityZones"`
	// NATGateways is NATNone, NATSingle (default) or NATOnePerAZ.
	NATGateways string `json:"natGateways"`
	// Subnets sets the public and/or private CIDR of listed zones explicitly (keys are zone
	// names from AvailabilityZones). Default: the letter-keyed layout (see ZoneCIDRs).
	Subnets map[string]ZoneSubnets `json:"subnets"`
	// FlowLogs sends the VPC's flow logs to CloudWatch Logs. Default off.
	FlowLogs FlowLogs `json:"flowLogs"`

	// VPCID adopts an existing VPC (vpc- and 8 or 17 hex digits) instead of creating one.
	VPCID string `json:"vpcId"`
	// PrivateSubnetIDs are the existing VPC's private subnets: at least 2, in different zones.
	PrivateSubnetIDs []string `json:"privateSubnetIds"`
	// PublicSubnetIDs are the existing VPC's public subnets (optional; at least 2 if given), which
	// an internet-facing load balancer needs.
	PublicSubnetIDs []string `json:"publicSubnetIds"`

	// Naming names and tags the resources; set by the stack from the stage config.
	Naming naming.Convention `json:"-"`
	// Region is the stack's AWS region: the availability zones must lie in it, and it names the
	// gateway endpoints' services. Default: New looks it up (aws.GetRegion); a stack sets it
	// first, so that Validate can check the zones before anything is registered.
	Region string `json:"-"`
}

// ZoneSubnets are the explicit subnet CIDRs of one zone; an empty one keeps its layout block.
type ZoneSubnets struct {
	// Public is the public subnet's IPv4 block, /16 to /28, inside the VPC.
	Public string `json:"public"`
	// Private is the private subnet's IPv4 block, /16 to /28, inside the VPC.
	Private string `json:"private"`
}

// FlowLogs configures the VPC's flow logs.
type FlowLogs struct {
	// Enabled turns flow logs on. Default false.
	Enabled bool `json:"enabled"`
	// RetentionDays keeps the log events this long: a CloudWatch Logs retention value
	// (logs.RetentionDays). Default 365, a year, as checkov's CKV_AWS_338 asks.
	RetentionDays int `json:"retentionDays"`
	// TrafficType is ALL (default), ACCEPT or REJECT.
	TrafficType string `json:"trafficType"`
}

// Network is the environment's VPC and subnets, created or adopted.
type Network struct {
	pulumi.ResourceState

	VPCID pulumi.StringOutput
	// PublicSubnetIDs and PrivateSubnetIDs hold one subnet per zone, in the order of
	// AvailabilityZones, so components that create one resource per subnet (EFS mount targets)
	// know the count when the program runs. PublicSubnetIDs is empty for an existing VPC given
	// without public subnets.
	PublicSubnetIDs  pulumi.StringArray
	PrivateSubnetIDs pulumi.StringArray
	// AvailabilityZones of a new VPC, sorted by letter; empty for an existing VPC.
	AvailabilityZones []string
	// FlowLogGroupName is the flow logs' log group, empty when flow logs are off.
	FlowLogGroupName pulumi.StringOutput
}

var (
	vpcIDRE    = regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	subnetIDRE = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	// A zone name is its region's name and a letter; local and wavelength zones do not match.
	zoneRE = regexp.MustCompile(`^([a-z]{2}(-gov)?-[a-z]+-[0-9]+)([a-z])$`)
)

func (a *Args) applyDefaults() {
	if a.CIDR == "" {
		a.CIDR = "10.0.0.0/16"
	}
	if a.AZCount == 0 && len(a.AvailabilityZones) == 0 {
		a.AZCount = 2
	}
	if a.NATGateways == "" {
		a.NATGateways = NATSingle
	}
	if a.FlowLogs.RetentionDays == 0 {
		a.FlowLogs.RetentionDays = 365
	}
	if a.FlowLogs.TrafficType == "" {
		a.FlowLogs.TrafficType = "ALL"
	}
}

// Validate applies the defaults of a new VPC, then reports every problem with the fields that come
// from config; paths are their JSON names. New checks Naming as well.
func (a *Args) Validate() error {
	var errs field.Errors
	if a.VPCID != "" {
		a.validateExisting(&errs)
		return errs.Err()
	}
	for _, l := range []struct {
		path string
		ids  []string
	}{{"privateSubnetIds", a.PrivateSubnetIDs}, {"publicSubnetIds", a.PublicSubnetIDs}} {
		if len(l.ids) > 0 {
			errs.Add(l.path, "lists subnets of an existing VPC: set vpcId as well, or remove it to create a VPC")
		}
	}
	a.applyDefaults()
	vpc, err := parseCIDR(a.CIDR, MinVPCPrefix, MaxVPCPrefix)
	errs.Check("cidr", err)
	vpcOK := err == nil
	zonesOK := a.validateZones(&errs)
	errs.OneOf("natGateways", a.NATGateways, NATNone, NATSingle, NATOnePerAZ)
	if len(a.Subnets) > 0 {
		a.validateSubnets(&errs, vpc, vpcOK && zonesOK)
	}
	errs.Check("flowLogs.retentionDays", logs.CheckRetention(a.FlowLogs.RetentionDays))
	errs.OneOf("flowLogs.trafficType", a.FlowLogs.TrafficType, "ALL", "ACCEPT", "REJECT")
	if a.FlowLogs.Enabled {
		errs.Check("naming", naming.RoleName(a.Naming.Name("flow-logs")))
	}
	return errs.Err()
}

func (a *Args) validateExisting(errs *field.Errors) {
	if !vpcIDRE.MatchString(a.VPCID) {
		errs.Add("vpcId", "%q is not a VPC id: use vpc- and 8 or 17 hexadecimal digits", a.VPCID)
	}
	for _, f := range []struct {
		path string
		set  bool
	}{
		{"cidr", a.CIDR != ""},
		{"azCount", a.AZCount != 0},
		{"availabilityZones", len(a.AvailabilityZones) > 0},
		{"natGateways", a.NATGateways != ""},
		{"subnets", len(a.Subnets) > 0},
		{"flowLogs", a.FlowLogs != FlowLogs{}},
	} {
		if f.set {
			errs.Add(f.path, "applies to a new VPC only: remove it, or remove vpcId to create a VPC")
		}
	}
	if n := len(a.PrivateSubnetIDs); n < 2 {
		errs.Add("privateSubnetIds", "lists %d subnets: list at least 2, in different availability zones", n)
	}
	if n := len(a.PublicSubnetIDs); n == 1 {
		errs.Add("publicSubnetIds", "lists 1 subnet: list at least 2, in different availability zones (a load balancer needs two), or none")
	}
	seen := map[string]string{}
	for _, l := range []struct {
		path string
		ids  []string
	}{{"privateSubnetIds", a.PrivateSubnetIDs}, {"publicSubnetIds", a.PublicSubnetIDs}} {
		for i, id := range l.ids {
			p := field.Index(l.path, i)
			switch {
			case !subnetIDRE.MatchString(id):
				errs.Add(p, "%q is not a subnet id: use subnet- and 8 or 17 hexadecimal digits", id)
			case seen[id] != "":
				errs.Add(p, "%q is also %s: list each subnet once, as either public or private", id, seen[id])
			default:
				seen[id] = p
			}
		}
	}
}

// validateZones checks azCount or availabilityZones and reports whether the zones are usable.
func (a *Args) validateZones(errs *field.Errors) bool {
	if len(a.AvailabilityZones) == 0 {
		errs.Range("azCount", a.AZCount, 2, 3, "availability zones")
		return true
	}
	ok := true
	if a.AZCount != 0 {
		errs.Add("azCount", "is set together with availabilityZones: set one of them")
		ok = false
	}
	if n := len(a.AvailabilityZones); n < 2 || n > 3 {
		errs.Add("availabilityZones", "lists %d zones: list 2 to 3", n)
		ok = false
	}
	region := a.Region
	seen := map[string]bool{}
	for i, z := range a.AvailabilityZones {
		p := field.Index("availabilityZones", i)
		m := zoneRE.FindStringSubmatch(z)
		switch {
		case m == nil:
			errs.Add(p, "%q is not an availability zone name: use the region's name and a letter, e.g. us-east-2a", z)
		case !strings.Contains(ZoneLetters, m[3]):
			errs.Add(p, "%q has no slot in the subnet layout: use a zone whose letter is one of %s", z, ZoneLetters)
		case seen[z]:
			errs.Add(p, "%q is listed twice: list each zone once", z)
		case region != "" && m[1] != region:
			if a.Region != "" {
				errs.Add(p, "%q is not in the stack's region %s: list zones of %s", z, region, region)
			} else {
				errs.Add(p, "%q is not in region %s like %q: list zones of one region", z, region, a.AvailabilityZones[0])
			}
		default:
			seen[z] = true
			region = m[1]
			continue
		}
		ok = false
	}
	return ok
}

// validateSubnets checks the explicit subnets: each a block inside the VPC, none overlapping another
// subnet (explicit or from the layout). layoutOK says whether the VPC and the zones are valid, so
// that the layout can be computed.
func (a *Args) validateSubnets(errs *field.Errors, vpc netip.Prefix, layoutOK bool) {
	if len(a.AvailabilityZones) == 0 {
		errs.Add("subnets", "needs the zones named: list them in availabilityZones")
		return
	}
	for _, z := range slices.Sorted(maps.Keys(a.Subnets)) {
		if !slices.Contains(a.AvailabilityZones, z) {
			errs.Add(field.Join("subnets", z), "%q is not one of availabilityZones (%s): set subnets of the listed zones", z, strings.Join(a.AvailabilityZones, ", "))
			layoutOK = false
		}
		for _, s := range []struct{ tier, cidr string }{{"public", a.Subnets[z].Public}, {"private", a.Subnets[z].Private}} {
			if s.cidr == "" {
				continue
			}
			path := field.Join(field.Join("subnets", z), s.tier)
			p, err := parseCIDR(s.cidr, MinSubnetPrefix, MaxSubnetPrefix)
			switch {
			case err != nil:
				errs.Check(path, err)
				layoutOK = false
			case vpc.IsValid() && !within(p, vpc):
				errs.Add(path, "%q is not inside the VPC's %s: choose a block of the VPC", s.cidr, a.CIDR)
				layoutOK = false
			}
		}
	}
	if !layoutOK {
		return
	}
	type subnet struct {
		zone, tier, path string
		cidr             netip.Prefix
	}
	var all []subnet
	for _, z := range slices.Sorted(slices.Values(a.AvailabilityZones)) {
		public, private, _ := a.zoneCIDRs(vpc, z)
		for _, s := range []struct {
			tier string
			cidr netip.Prefix
		}{{"public", public}, {"private", private}} {
			path := ""
			if e := a.Subnets[z]; s.tier == "public" && e.Public != "" || s.tier == "private" && e.Private != "" {
				path = field.Join(field.Join("subnets", z), s.tier)
			}
			all = append(all, subnet{zone: z, tier: s.tier, path: path, cidr: s.cidr})
		}
	}
	for j, y := range all {
		for _, x := range all[:j] {
			if !x.cidr.Overlaps(y.cidr) {
				continue
			}
			// Layout blocks never overlap each other, so at least one of the two is explicit.
			at, other := y, x
			if y.path == "" {
				at, other = x, y
			}
			errs.Add(at.path, "%s overlaps the %s subnet of %s (%s): subnets may not overlap", at.cidr, other.tier, other.zone, other.cidr)
		}
	}
}

// zoneCIDRs returns a zone's subnets: the explicit ones, else its layout blocks.
func (a *Args) zoneCIDRs(vpc netip.Prefix, zone string) (public, private netip.Prefix, err error) {
	public, private, err = ZoneCIDRs(vpc, zone)
	if e, ok := a.Subnets[zone]; ok && err == nil {
		if e.Public != "" {
			public = netip.MustParsePrefix(e.Public)
		}
		if e.Private != "" {
			private = netip.MustParsePrefix(e.Private)
		}
	}
	return public, private, err
}

// New creates the network, or adopts an existing VPC.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Network, error) {
	a := *args
	if a.VPCID == "" && a.Region == "" {
		region, err := aws.GetRegion(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("network %s: looking up the region: %w", name, err)
		}
		a.Region = region.Name
	}
	if err := errors.Join(field.Prefix("naming", a.Naming.Validate()), a.Validate()); err != nil {
		return nil, fmt.Errorf("network %s: %w", name, err)
	}
	var zones, public, private []string
	if a.VPCID == "" {
		var err error
		if zones, err = a.zones(ctx); err != nil {
			return nil, fmt.Errorf("network %s: %w", name, err)
		}
		vpc := netip.MustParsePrefix(a.CIDR)
		for _, z := range zones {
			pub, priv, err := a.zoneCIDRs(vpc, z)
			if err != nil {
				return nil, fmt.Errorf("network %s: %w", name, err)
			}
			public, private = append(public, pub.String()), append(private, priv.String())
		}
	}

	n := &Network{}
	if err := ctx.RegisterComponentResource("strata:network:Network", name, n, opts...); err != nil {
		return nil, err
	}
	if a.VPCID != "" {
		n.VPCID = pulumi.String(a.VPCID).ToStringOutput()
		n.PublicSubnetIDs = pulumi.ToStringArray(a.PublicSubnetIDs)
		n.PrivateSubnetIDs = pulumi.ToStringArray(a.PrivateSubnetIDs)
		n.FlowLogGroupName = pulumi.String("").ToStringOutput()
	} else if err := a.create(ctx, name, n, zones, public, private); err != nil {
		return nil, err
	}

	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":             n.VPCID,
		"publicSubnetIds":   n.PublicSubnetIDs,
		"privateSubnetIds":  n.PrivateSubnetIDs,
		"availabilityZones": pulumi.ToStringArray(n.AvailabilityZones),
		"flowLogGroupName":  n.FlowLogGroupName,
	}); err != nil {
		return nil, err
	}
	return n, nil
}

// zones returns the VPC's zones sorted by letter: the listed ones, or the first AZCount available
// zones of the region. Sorting makes the order of the list irrelevant: awsx names subnets by their
// zone's position, so a reordered list would otherwise rename, and replace, them.
func (a *Args) zones(ctx *pulumi.Context) ([]string, error) {
	if len(a.AvailabilityZones) > 0 {
		return slices.Sorted(slices.Values(a.AvailabilityZones)), nil
	}
	res, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		State: pulumi.StringRef("available"),
		// Regular zones only: opted-in local zones carry no letter slot and few services.
		Filters: []aws.GetAvailabilityZonesFilter{{Name: "opt-in-status", Values: []string{"opt-in-not-required"}}},
	})
	if err != nil {
		return nil, fmt.Errorf("looking up availability zones: %w", err)
	}
	names := slices.Sorted(slices.Values(res.Names))
	if len(names) < a.AZCount {
		return nil, fmt.Errorf("azCount: region %s has %d available zones, fewer than %d: lower azCount or list availabilityZones", a.Region, len(names), a.AZCount)
	}
	return names[:a.AZCount], nil
}

// create builds a new VPC through awsx, with gateway endpoints, a closed default security group
// and, if enabled, flow logs.
func (a *Args) create(ctx *pulumi.Context, name string, n *Network, zones, public, private []string) error {
	parent := pulumi.Parent(n)
	tags := func(group string) pulumi.StringMap { return pulumi.ToStringMap(a.Naming.Tags(group)) }
	strategy := awsx.SubnetAllocationStrategyAuto
	cidr := a.CIDR
	vpc, err := awsx.NewVpc(ctx, name+"-vpc", &awsx.VpcArgs{
		CidrBlock:             &cidr,
		AvailabilityZoneNames: zones,
		// EFS mount targets and interface endpoints are reached by DNS name.
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		NatGateways:        &awsx.NatGatewayConfigurationArgs{Strategy: natStrategies[a.NATGateways]},
		// Explicit blocks for every spec make awsx use them as given ("Auto" with cidrBlocks).
		SubnetStrategy: &strategy,
		SubnetSpecs: []awsx.SubnetSpecArgs{
			{Type: awsx.SubnetTypePublic, CidrBlocks: public, Tags: tags("public")},
			{Type: awsx.SubnetTypePrivate, CidrBlocks: private, Tags: tags("private")},
		},
		Tags: tags("network"),
	}, parent)
	if err != nil {
		return err
	}
	n.VPCID = vpc.VpcId
	n.AvailabilityZones = zones
	for i := range zones {
		n.PublicSubnetIDs = append(n.PublicSubnetIDs, vpc.PublicSubnetIds.Index(pulumi.Int(i)))
		n.PrivateSubnetIDs = append(n.PrivateSubnetIDs, vpc.PrivateSubnetIds.Index(pulumi.Int(i)))
	}

	// The default security group admits all traffic between its members; strata never uses it,
	// so adopting it without rules removes them (Security Hub EC2.2).
	if _, err := ec2.NewDefaultSecurityGroup(ctx, name+"-default", &ec2.DefaultSecurityGroupArgs{
		VpcId: vpc.VpcId,
		Tags:  tags("default"),
	}, parent); err != nil {
		return err
	}

	// awsx creates the endpoints of VpcEndpointSpecs but associates them with no route table and
	// does not return them (pulumi-awsx#1627), so the gateway endpoints are created here, routed
	// from the private subnets' route tables, which are found from the subnets' ids.
	routeTables := make(pulumi.StringArray, len(zones))
	for i, id := range n.PrivateSubnetIDs {
		routeTables[i] = ec2.LookupRouteTableOutput(ctx, ec2.LookupRouteTableOutputArgs{
			VpcId:    vpc.VpcId,
			SubnetId: id,
		}, parent).RouteTableId()
	}
	for _, service := range []string{"s3", "dynamodb"} {
		if _, err := ec2.NewVpcEndpoint(ctx, name+"-"+service, &ec2.VpcEndpointArgs{
			VpcId:           vpc.VpcId,
			ServiceName:     pulumi.String("com.amazonaws." + a.Region + "." + service),
			VpcEndpointType: pulumi.String("Gateway"),
			RouteTableIds:   routeTables,
			Tags:            tags(service + "-endpoint"),
		}, parent); err != nil {
			return err
		}
	}

	n.FlowLogGroupName = pulumi.String("").ToStringOutput()
	if a.FlowLogs.Enabled {
		if n.FlowLogGroupName, err = a.flowLogs(ctx, name+"-flow-logs", vpc.VpcId, parent); err != nil {
			return err
		}
	}
	return nil
}

// flowLogs sends the VPC's flow logs to a log group with retention, through a role that may only
// write to that group.
func (a *Args) flowLogs(ctx *pulumi.Context, name string, vpcID pulumi.StringInput, parent pulumi.ResourceOrInvokeOption) (pulumi.StringOutput, error) {
	const group = "flow-logs"
	tags := pulumi.ToStringMap(a.Naming.Tags(group))
	logs, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(a.Naming.Name(group)),
		RetentionInDays: pulumi.Int(a.FlowLogs.RetentionDays),
		Tags:            tags,
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	doc := logs.Arn.ApplyT(func(arn string) (string, error) {
		// The group exists, so the role needs no logs:CreateLogGroup and nothing outside it; the
		// log group's ARN and its ":*" form cover both group-level and stream-level actions.
		return policy.New(policy.Allow("WriteFlowLogs",
			[]string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"},
			arn, arn+":*")).JSON()
	}).(pulumi.StringOutput)
	r, err := role.New(ctx, name, &role.Args{
		Name:        a.Naming.Name(group),
		Description: "Delivers the VPC flow logs of " + a.Naming.Env + " to CloudWatch Logs",
		Service:     FlowLogsService,
		Policy:      doc,
		Tags:        a.Naming.Tags(group),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	if _, err := ec2.NewFlowLog(ctx, name, &ec2.FlowLogArgs{
		VpcId:              vpcID,
		TrafficType:        pulumi.String(a.FlowLogs.TrafficType),
		LogDestinationType: pulumi.String("cloud-watch-logs"),
		LogDestination:     logs.Arn,
		IamRoleArn:         r.ARN,
		Tags:               tags,
	}, parent); err != nil {
		return pulumi.StringOutput{}, err
	}
	return logs.Name, nil
}
