package schema

import (
	"slices"

	"github.com/strata-iac/strata/components/network"
)

// Network configures the stage's network (strata:network): a new VPC, or an existing one by id.
type Network struct {
	// CIDR is the new VPC's IPv4 block, masked, /16 to /24: /16 is the largest VPC AWS allows, /24
	// the smallest whose layout still gives every subnet a /28, AWS's smallest. Default
	// 10.0.0.0/16.
	CIDR string `json:"cidr"`
	// AZCount is the number of availability zones, 2 or 3: the region's first available zones,
	// looked up on every run. Default 2. Not together with availabilityZones.
	AZCount int `json:"azCount"`
	// AvailabilityZones are 2 or 3 zones of the stack's region, letters a to f, unique, e.g.
	// [us-east-2a, us-east-2b]. Pin them, so that a zone becoming unavailable never changes the
	// network.
	AvailabilityZones []string `json:"availabilityZones"`
	// NATGateways is none (private subnets reach only S3 and DynamoDB), single (one NAT gateway, in
	// the first zone; default) or onePerAz (no zone depends on another for egress).
	NATGateways string `json:"natGateways"`
	// Subnets sets explicit CIDRs for listed zones, e.g. {"us-east-2a": {"public": "10.20.96.0/24",
	// "private": "10.20.224.0/20"}}, either one optional. Each must lie inside the VPC, be /16 to
	// /28, and overlap no other subnet. Default: the layout.
	Subnets map[string]ZoneSubnets `json:"subnets"`
	// FlowLogs sends the VPC's flow logs to CloudWatch Logs.
	FlowLogs FlowLogs `json:"flowLogs"`
	// VPCID uses this existing VPC (vpc- and 8 or 17 hex digits); nothing is created, and none of
	// the keys above may be set.
	VPCID string `json:"vpcId"`
	// PrivateSubnetIDs are at least 2 subnets of the existing VPC (subnet- and 8 or 17 hex digits)
	// in different zones. Required with vpcId.
	PrivateSubnetIDs []string `json:"privateSubnetIds"`
	// PublicSubnetIDs are the existing VPC's public subnets, at least 2 if any. An internet-facing
	// load balancer needs them. Default none.
	PublicSubnetIDs []string `json:"publicSubnetIds"`
}

// ZoneSubnets are the explicit subnet CIDRs of one zone; an empty one keeps its layout block.
type ZoneSubnets struct {
	// Public is the public subnet's IPv4 block.
	Public string `json:"public"`
	// Private is the private subnet's IPv4 block.
	Private string `json:"private"`
}

// FlowLogs configures a VPC's flow logs.
type FlowLogs struct {
	// Enabled turns flow logs on. Default false.
	Enabled bool `json:"enabled"`
	// RetentionDays keeps the log events this long: one of CloudWatch Logs' retention periods.
	// Default 365.
	RetentionDays int `json:"retentionDays"`
	// TrafficType is ALL (default), ACCEPT or REJECT.
	TrafficType string `json:"trafficType"`
}

// Args returns the network's arguments.
func (c Network) Args() network.Args {
	a := network.Args{
		CIDR:              c.CIDR,
		AZCount:           c.AZCount,
		AvailabilityZones: slices.Clone(c.AvailabilityZones),
		NATGateways:       c.NATGateways,
		FlowLogs:          network.FlowLogs(c.FlowLogs),
		VPCID:             c.VPCID,
		PrivateSubnetIDs:  slices.Clone(c.PrivateSubnetIDs),
		PublicSubnetIDs:   slices.Clone(c.PublicSubnetIDs),
	}
	if c.Subnets != nil {
		a.Subnets = make(map[string]network.ZoneSubnets, len(c.Subnets))
		for z, s := range c.Subnets {
			a.Subnets[z] = network.ZoneSubnets(s)
		}
	}
	return a
}
