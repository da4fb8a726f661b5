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

// FlowLogsService is the service principal that delivers VPC flow logs.
const FlowLogsService = "vpc-flow-logs.amazonaws.com"

// Args configures the network.
// Without VPCID a new VPC is created; with it, an existing VPC's ids are passed through and nothing
// is created.
type Args struct {
	// CIDR is the new VPC's IPv4 block, /16 to /24 (the layout needs /28 subnets at least).
	// Default 10.0.0.0/16.
	CIDR string
	// AZCount is the number of availability zones, 2 or 3: the first ones of the region that are
	// available. Default 2 unless AvailabilityZones is set.
	AZCount int
	// AvailabilityZones names 2 or 3 zones of the stack's region, e.g. us-east-2a, instead of
	// AZCount. Pin them for a long-lived network: AZCount picks anew on every run.
	AvailabilityZones []string
	// NATGateways is NATNone, NATSingle (default) or NATOnePerAZ.
	NATGateways string
	// Subnets sets the public and/or private CIDR of listed zones explicitly (keys are zone
	// names from AvailabilityZones). Default: the letter-keyed layout (see ZoneCIDRs).
	Subnets map[string]ZoneSubnets
	// FlowLogs sends the VPC's flow logs to CloudWatch Logs. Default off.
	FlowLogs FlowLogs

	// VPCID adopts an existing VPC (vpc- and 8 or 17 hex digits) instead of creating one.
	VPCID string
	// PrivateSubnetIDs are the existing VPC's private subnets: at least 2, in different zones.
	PrivateSubnetIDs []string
	// PublicSubnetIDs are the existing VPC's public subnets (optional; at least 2 if given), which
	// an internet-facing load balancer needs.
	PublicSubnetIDs []string

	// Naming names and tags the resources; set by the stack from the stage config.
	Naming naming.Convention
	// Region is the stack's AWS region: the availability zones must lie in it, and it names the
	// gateway endpoints' services. Default: New looks it up (aws.GetRegion); a stack sets it
	// first, so that Validate can check the zones before anything is registered.
	Region string
}

// ZoneSubnets are the explicit subnet CIDRs of one zone; an empty one keeps its layout block.
type ZoneSubnets struct {
	// Public is the public subnet's IPv4 block, /16 to /28, inside the VPC.
	Public string
	// Private is the private subnet's IPv4 block, /16 to /28, inside the VPC.
	Private string
}

// FlowLogs configures the VPC's flow logs.
type FlowLogs struct {
	// Enabled turns flow logs on. Default false.
	Enabled bool
	// RetentionDays keeps the log events this long: a CloudWatch Logs retention value
	// (logs.RetentionDays). Default 365, a year, as checkov's CKV_AWS_338 asks.
	RetentionDays int
	// TrafficType is ALL (default), ACCEPT or REJECT.
	TrafficType string
}

// Network is the environment's VPC and subnets, created or adopted.
type Network struct {
	pulumi.ResourceState

	VPCID pulumi.StringOutput
	// CIDRBlock is the new VPC's IPv4 block; empty for an existing VPC (it is not looked up).
	CIDRBlock pulumi.StringOutput
	// PublicSubnets and PrivateSubnets hold one subnet per zone, in the order of AvailabilityZones,
	// so components that create one resource per subnet (EFS mount targets) know the count when
	// the program runs, and can name each resource by the subnet's Key rather than its position.
	// PublicSubnets is empty for an existing VPC given without public subnets.
	PublicSubnets  []Subnet
	PrivateSubnets []Subnet
	// PublicSubnetIDs and PrivateSubnetIDs are the ids of PublicSubnets and PrivateSubnets.
	PublicSubnetIDs  pulumi.StringArray
	PrivateSubnetIDs pulumi.StringArray
	// AvailabilityZones of a new VPC, sorted by letter; empty for an existing VPC.
	AvailabilityZones []string
	// PrivateRouteTableIDs are the private subnets' route tables, one per zone in zone order, for
	// further gateway endpoints or routes; empty for an existing VPC.
	PrivateRouteTableIDs pulumi.StringArray
	// NATPublicIPs are the public IPv4 addresses of the NAT gateways, in zone order: the source
	// addresses of the private subnets' internet traffic (none with NATNone or an existing VPC).
	NATPublicIPs pulumi.StringArray
	// FlowLogGroupName is the flow logs' log group, empty when flow logs are off.
	FlowLogGroupName pulumi.StringOutput
}

// Subnet is one subnet of the network.
type Subnet struct {
	// Key names the subnet for good: its zone (us-east-2a) in a new VPC, its id in an existing one.
	// Name per-subnet resources by it, so that adding or removing a zone renames none of the others.
	Key string
	// Zone is the subnet's availability zone; empty in an existing VPC.
	Zone string
	// CIDRBlock is the subnet's IPv4 block; empty in an existing VPC.
	CIDRBlock string
	ID        pulumi.StringOutput
}

var (
	vpcIDRE    = regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	subnetIDRE = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	// A zone name is its region's name and a letter; local and wavelength zones do not match.
	zoneRE = regexp.MustCompile(`^([a-z]{2}(-gov)?-[a-z]+-[0-9]+)([a-z])$`)
)

// WithDefaults returns a copy of a with the documented defaults of a new VPC filled in; an
// existing VPC's arguments have none.
func (a Args) WithDefaults() Args {
	if a.VPCID != "" {
		return a
	}
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
	return a
}

// Validate reports every problem with the settings, with the defaults of a new VPC; paths are the
// settings' names in lowerCamelCase. New checks Naming as well.
func (a Args) Validate() error {
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
	a = a.WithDefaults()
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
	a := args.WithDefaults()
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
	var zones []zone
	if a.VPCID == "" {
		var err error
		if zones, err = a.layout(ctx); err != nil {
			return nil, fmt.Errorf("network %s: %w", name, err)
		}
	}

	n := &Network{}
	if err := ctx.RegisterComponentResource("strata:network:Network", name, n, opts...); err != nil {
		return nil, err
	}
	if a.VPCID != "" {
		a.adopt(n)
	} else if err := a.create(ctx, name, n, zones); err != nil {
		return nil, err
	}
	n.PublicSubnetIDs, n.PrivateSubnetIDs = subnetIDs(n.PublicSubnets), subnetIDs(n.PrivateSubnets)

	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":                n.VPCID,
		"cidrBlock":            n.CIDRBlock,
		"publicSubnetIds":      n.PublicSubnetIDs,
		"privateSubnetIds":     n.PrivateSubnetIDs,
		"availabilityZones":    pulumi.ToStringArray(n.AvailabilityZones),
		"privateRouteTableIds": n.PrivateRouteTableIDs,
		"natPublicIps":         n.NATPublicIPs,
		"flowLogGroupName":     n.FlowLogGroupName,
	}); err != nil {
		return nil, err
	}
	return n, nil
}

// adopt passes an existing VPC's ids through; nothing is created or looked up.
func (a *Args) adopt(n *Network) {
	existing := func(ids []string) []Subnet {
		out := make([]Subnet, len(ids))
		for i, id := range ids {
			out[i] = Subnet{Key: id, ID: pulumi.String(id).ToStringOutput()}
		}
		return out
	}
	n.VPCID = pulumi.String(a.VPCID).ToStringOutput()
	n.CIDRBlock = pulumi.String("").ToStringOutput()
	n.PublicSubnets, n.PrivateSubnets = existing(a.PublicSubnetIDs), existing(a.PrivateSubnetIDs)
	n.FlowLogGroupName = pulumi.String("").ToStringOutput()
}

func subnetIDs(subnets []Subnet) pulumi.StringArray {
	ids := pulumi.StringArray{}
	for _, s := range subnets {
		ids = append(ids, s.ID)
	}
	return ids
}

// zone is one availability zone of a new VPC with its subnets.
type zone struct {
	// name is the zone's name (us-east-2a), letter its last letter, which names its resources.
	name, letter string
	// index is the zone's position among the sorted zones; awsx named its resources by it.
	index           int
	public, private string
}

// layout returns the VPC's zones, sorted by name, with their subnets' CIDR blocks.
func (a *Args) layout(ctx *pulumi.Context) ([]zone, error) {
	names, err := a.zones(ctx)
	if err != nil {
		return nil, err
	}
	vpc := netip.MustParsePrefix(a.CIDR)
	zones := make([]zone, len(names))
	for i, z := range names {
		public, private, err := a.zoneCIDRs(vpc, z)
		if err != nil {
			return nil, err
		}
		zones[i] = zone{name: z, letter: z[len(z)-1:], index: i, public: public.String(), private: private.String()}
	}
	return zones, nil
}

// zones returns the VPC's zones sorted by name: the listed ones, or the first AZCount available
// zones of the region. Sorting makes the order of the list irrelevant, and keeps each zone at the
// position awsx once named its resources by (see legacy).
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
		// On behalf of this account's flow logs only (aws:SourceAccount).
		Services: []role.Service{{Principal: FlowLogsService}},
		Policy:   doc,
		Tags:     a.Naming.Tags(group),
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
