package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// anywhere is the destination of a default route.
const anywhere = "0.0.0.0/0"

// create builds a new VPC from native resources: per zone a public and a private subnet, one public
// route table to the internet gateway, a private route table per zone (to a NAT gateway unless
// NATNone), gateway endpoints, a closed default security group and, if enabled, flow logs.
//
// Every logical name is <name>-<part>, and every zone's part ends in the zone's letter, never its
// position, so adding, removing or reordering zones leaves the other zones' resources as they are.
// Each resource also carries an alias to its counterpart under the awsx Vpc this component used to
// create (see legacy), so that a stack which created that one keeps its VPC and subnets.
func (a *Args) create(ctx *pulumi.Context, name string, n *Network, zones []zone) error {
	parent := pulumi.Parent(n)
	tags := func(group string) pulumi.StringMap { return pulumi.ToStringMap(a.Naming.Tags(group)) }
	old := newLegacy(ctx, name, n)

	vpc, err := ec2.NewVpc(ctx, name+"-vpc", &ec2.VpcArgs{
		CidrBlock: pulumi.String(a.CIDR),
		// EFS mount targets and interface endpoints are reached by DNS name.
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               tags("network"),
	}, parent, old.vpc())
	if err != nil {
		return err
	}
	vpcID := vpc.ID().ToStringOutput()
	n.VPCID, n.CIDRBlock = vpcID, vpc.CidrBlock

	igw, err := ec2.NewInternetGateway(ctx, name+"-igw", &ec2.InternetGatewayArgs{
		VpcId: vpcID,
		Tags:  tags("igw"),
	}, parent, old.internetGateway())
	if err != nil {
		return err
	}
	// One public route table serves every zone: its only route, to the internet gateway, is the
	// same for all.
	publicRT, err := ec2.NewRouteTable(ctx, name+"-public-rt", &ec2.RouteTableArgs{
		VpcId: vpcID,
		Tags:  tags("public-rt"),
	}, parent, old.routeTable("public", 0))
	if err != nil {
		return err
	}
	if _, err := ec2.NewRoute(ctx, name+"-public-route", &ec2.RouteArgs{
		RouteTableId:         publicRT.ID(),
		DestinationCidrBlock: pulumi.String(anywhere),
		GatewayId:            igw.ID(),
	}, parent, old.route("public", 0)); err != nil {
		return err
	}

	// egress is the NAT gateway the current zone's private subnet routes to: NATSingle's one in
	// the first zone, or the zone's own with NATOnePerAZ.
	var egress *ec2.NatGateway
	for i, z := range zones {
		public, err := a.subnet(ctx, name, "public", z, vpcID, publicRT.ID(), old, parent)
		if err != nil {
			return err
		}
		if a.NATGateways == NATOnePerAZ || (a.NATGateways == NATSingle && i == 0) {
			if egress, err = a.natGateway(ctx, name, z, public.ID(), igw, old, parent); err != nil {
				return err
			}
			n.NATPublicIPs = append(n.NATPublicIPs, egress.PublicIp)
		}

		rt, err := ec2.NewRouteTable(ctx, name+"-private-rt-"+z.letter, &ec2.RouteTableArgs{
			VpcId: vpcID,
			Tags:  tags("private-rt-" + z.letter),
		}, parent, old.routeTable("private", z.index))
		if err != nil {
			return err
		}
		private, err := a.subnet(ctx, name, "private", z, vpcID, rt.ID(), old, parent)
		if err != nil {
			return err
		}
		if egress != nil {
			if _, err := ec2.NewRoute(ctx, name+"-private-route-"+z.letter, &ec2.RouteArgs{
				RouteTableId:         rt.ID(),
				DestinationCidrBlock: pulumi.String(anywhere),
				NatGatewayId:         egress.ID(),
			}, parent, old.route("private", z.index)); err != nil {
				return err
			}
		}
		n.AvailabilityZones = append(n.AvailabilityZones, z.name)
		n.PublicSubnets = append(n.PublicSubnets, Subnet{Key: z.name, Zone: z.name, CIDRBlock: z.public, ID: public.ID().ToStringOutput()})
		n.PrivateSubnets = append(n.PrivateSubnets, Subnet{Key: z.name, Zone: z.name, CIDRBlock: z.private, ID: private.ID().ToStringOutput()})
		n.PrivateRouteTableIDs = append(n.PrivateRouteTableIDs, rt.ID().ToStringOutput())
	}

	// The default security group admits all traffic between its members; strata never uses it,
	// so adopting it without rules removes them (Security Hub EC2.2).
	if _, err := ec2.NewDefaultSecurityGroup(ctx, name+"-default", &ec2.DefaultSecurityGroupArgs{
		VpcId: vpcID,
		Tags:  tags("default"),
	}, parent); err != nil {
		return err
	}

	// Gateway endpoints in the private route tables: workers reach S3 and DynamoDB without NAT
	// (gateway endpoints cost nothing; NAT processing does). Their policy is the default, full
	// access: ECR image layers and the Amazon Linux repositories are served from AWS-owned buckets,
	// and access to strata's own buckets and tables is limited by IAM and bucket policies.
	for _, service := range []string{"s3", "dynamodb"} {
		if _, err := ec2.NewVpcEndpoint(ctx, name+"-"+service, &ec2.VpcEndpointArgs{
			VpcId:           vpcID,
			ServiceName:     pulumi.String("com.amazonaws." + a.Region + "." + service),
			VpcEndpointType: pulumi.String("Gateway"),
			RouteTableIds:   n.PrivateRouteTableIDs,
			Tags:            tags(service + "-endpoint"),
		}, parent); err != nil {
			return err
		}
	}

	n.FlowLogGroupName = pulumi.String("").ToStringOutput()
	if a.FlowLogs.Enabled {
		if n.FlowLogGroupName, err = a.flowLogs(ctx, name+"-flow-logs", vpcID, parent); err != nil {
			return err
		}
	}
	return nil
}

// subnet creates a zone's public or private subnet (tier) and associates it with a route table.
func (a *Args) subnet(ctx *pulumi.Context, name, tier string, z zone, vpcID, routeTable pulumi.StringInput,
	old legacy, parent pulumi.ResourceOption,
) (*ec2.Subnet, error) {
	cidr := z.private
	if tier == "public" {
		cidr = z.public
	}
	s, err := ec2.NewSubnet(ctx, name+"-"+tier+"-"+z.letter, &ec2.SubnetArgs{
		VpcId:            vpcID,
		AvailabilityZone: pulumi.String(z.name),
		CidrBlock:        pulumi.String(cidr),
		// Nothing strata launches needs an automatic public IPv4 address, which AWS charges for:
		// the load balancers and NAT gateways in the public subnets bring their own.
		MapPublicIpOnLaunch: pulumi.Bool(false),
		Tags:                pulumi.ToStringMap(a.Naming.Tags(tier + "-" + z.letter)),
	}, parent, old.subnet(tier, z.index))
	if err != nil {
		return nil, err
	}
	if _, err := ec2.NewRouteTableAssociation(ctx, name+"-"+tier+"-assoc-"+z.letter, &ec2.RouteTableAssociationArgs{
		SubnetId:     s.ID(),
		RouteTableId: routeTable,
	}, parent, old.association(tier, z.index)); err != nil {
		return nil, err
	}
	return s, nil
}

// natGateway creates a NAT gateway with its Elastic IP in a zone's public subnet.
func (a *Args) natGateway(ctx *pulumi.Context, name string, z zone, subnetID pulumi.StringInput,
	igw *ec2.InternetGateway, old legacy, parent pulumi.ResourceOption,
) (*ec2.NatGateway, error) {
	// A public NAT gateway and its address need the VPC's internet gateway attached first.
	after := pulumi.DependsOn([]pulumi.Resource{igw})
	eip, err := ec2.NewEip(ctx, name+"-eip-"+z.letter, &ec2.EipArgs{
		Domain: pulumi.String("vpc"),
		Tags:   pulumi.ToStringMap(a.Naming.Tags("eip-" + z.letter)),
	}, parent, after, old.eip(z.index))
	if err != nil {
		return nil, err
	}
	return ec2.NewNatGateway(ctx, name+"-nat-"+z.letter, &ec2.NatGatewayArgs{
		SubnetId:         subnetID,
		AllocationId:     eip.AllocationId,
		ConnectivityType: pulumi.String("public"),
		Tags:             pulumi.ToStringMap(a.Naming.Tags("nat-" + z.letter)),
	}, parent, after, old.natGateway(z.index))
}
