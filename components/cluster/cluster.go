package cluster

import (
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/servicediscovery"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/fleet"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/secgroup"
)

// Capacities a cluster can default to.
const (
	CapacityFargate     = "fargate"
	CapacityFargateSpot = "fargateSpot"
	CapacityEC2         = "ec2"
)

// Architectures of the EC2 capacity.
const (
	ArchX86 = "x86_64"
	ArchARM = "arm64"
)

// The Fargate capacity providers, which every cluster registers.
const (
	Fargate     = "FARGATE"
	FargateSpot = "FARGATE_SPOT"
)

// SSMManagedInstanceCore lets Session Manager reach the instances, which replaces SSH.
const SSMManagedInstanceCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"

// Naming groups of the cluster's resources.
const (
	groupCluster   = "cluster"
	groupHosts     = "ecs-hosts"
	groupNamespace = "namespace"
)

// Bounds of the EC2 capacity.
const (
	maxInstances     = 20
	minRootVolumeGiB = 30 // the ECS-optimized AL2023 AMI's own snapshot is 30 GiB
	maxRootVolumeGiB = 1000
)

// Args configures a Cluster.
type Args struct {
	// Capacity is what tasks run on by default: CapacityFargate (default), CapacityFargateSpot or
	// CapacityEC2. FARGATE and FARGATE_SPOT are registered in every case.
	Capacity string
	// EC2 sizes the instances; only allowed with CapacityEC2, which defaults every field.
	EC2 *EC2

	// Naming names and tags the resources; set by the stack from the stage config.
	Naming naming.Convention
	// VPCID is the VPC of the instances' security group (required with CapacityEC2).
	VPCID pulumi.StringInput
	// SubnetIDs are the private subnets the instances launch in (required with CapacityEC2).
	SubnetIDs pulumi.StringArray
	// ServiceConnect creates the Cloud Map HTTP namespace <app>-<env> and makes it the cluster's
	// default Service Connect namespace. Default off.
	ServiceConnect bool
}

// EC2 sizes the container instances of an EC2 capacity provider.
type EC2 struct {
	// InstanceType is family.size, e.g. m7g.large. Default t3.medium.
	InstanceType string
	// MinSize is the fewest instances, 0 to MaxSize; 0 lets managed scaling scale to zero. Default 1.
	MinSize *int
	// MaxSize is the most instances, MinSize (at least 1) to 20. Default 2.
	MaxSize int
	// RootVolumeGiB is the size of the encrypted gp3 root volume, 30 to 1000. Default 30.
	RootVolumeGiB int
	// TargetCapacityPercent is the share of the instances' capacity that managed scaling keeps in
	// use, 1 to 100; below 100 leaves spare instances for fast task starts. Default 100.
	TargetCapacityPercent int
	// Architecture is ArchX86 (default) or ArchARM; it must match the instance family.
	Architecture string
}

// Cluster is an ECS cluster with its capacity providers.
type Cluster struct {
	pulumi.ResourceState

	Name pulumi.StringOutput
	ARN  pulumi.StringOutput
	// CapacityProvider is the cluster's default capacity provider: Fargate, FargateSpot or the EC2
	// capacity provider's name. Services name it in their capacity provider strategy.
	CapacityProvider string
	// CapacityProviderDependency registers the capacity providers with the cluster; services
	// depend on it, so none is created before its capacity provider can be used.
	CapacityProviderDependency pulumi.Resource
	// NamespaceARN is the Service Connect namespace; empty without Args.ServiceConnect.
	NamespaceARN pulumi.StringOutput
	// InstanceSecurityGroupID is the instances' security group; empty without CapacityEC2.
	InstanceSecurityGroupID pulumi.StringOutput
}

var (
	// family.size: a family has a generation digit (t3, m7gd, u-6tb1); sizes are like 2xlarge or metal-24xl.
	instanceTypeRE = regexp.MustCompile(`^([a-z][a-z-]*[0-9][a-z0-9-]*)\.([a-z0-9][a-z0-9-]*)$`)
	// The attributes after a family's generation digit; a "g" among them marks AWS Graviton (m7g, c6gn, t4g).
	familyAttrsRE = regexp.MustCompile(`^[a-z-]*[0-9]+(.*)$`)
	// Capacity provider names may not begin with these.
	reservedPrefixes = []string{"aws", "ecs", "fargate"}
)

// WithDefaults returns a copy of a with the documented defaults filled in; an EC2 capacity gets
// its sizes.
func (a Args) WithDefaults() Args {
	if a.Capacity == "" {
		a.Capacity = CapacityFargate
	}
	if a.Capacity != CapacityEC2 {
		return a
	}
	e := &EC2{}
	if a.EC2 != nil {
		*e = *a.EC2
	}
	a.EC2 = e
	if e.InstanceType == "" {
		e.InstanceType = "t3.medium"
	}
	if e.MinSize == nil {
		one := 1
		e.MinSize = &one
	}
	if e.MaxSize == 0 {
		e.MaxSize = 2
	}
	if e.RootVolumeGiB == 0 {
		e.RootVolumeGiB = minRootVolumeGiB
	}
	if e.TargetCapacityPercent == 0 {
		e.TargetCapacityPercent = 100
	}
	if e.Architecture == "" {
		e.Architecture = ArchX86
	}
	return a
}

// Validate reports every problem with the settings, with their defaults; paths are the settings'
// names in lowerCamelCase. New checks Naming and the network inputs as well.
func (a Args) Validate() error {
	var errs field.Errors
	a = a.WithDefaults()
	errs.OneOf("capacity", a.Capacity, CapacityFargate, CapacityFargateSpot, CapacityEC2)
	switch {
	case a.Capacity == CapacityEC2:
		a.EC2.validate(&errs)
	case a.EC2 != nil:
		errs.Add("ec2", "is only allowed with capacity %q, not %q: remove it or set capacity to %q", CapacityEC2, a.Capacity, CapacityEC2)
	}
	return errs.Err()
}

func (e *EC2) validate(errs *field.Errors) {
	family, ok := "", false
	if m := instanceTypeRE.FindStringSubmatch(e.InstanceType); m != nil {
		family, ok = m[1], true
	} else {
		errs.Add("ec2.instanceType", "%q is not an instance type: use family.size in lowercase, e.g. t3.medium or m7g.large", e.InstanceType)
	}
	errs.Range("ec2.minSize", *e.MinSize, 0, maxInstances, "instances")
	switch {
	case e.MaxSize < 1 || e.MaxSize > maxInstances:
		errs.Range("ec2.maxSize", e.MaxSize, 1, maxInstances, "instances")
	case e.MaxSize < *e.MinSize:
		errs.Add("ec2.maxSize", "%d is below minSize %d: use %d to %d instances", e.MaxSize, *e.MinSize, max(*e.MinSize, 1), maxInstances)
	}
	errs.Range("ec2.rootVolumeGiB", e.RootVolumeGiB, minRootVolumeGiB, maxRootVolumeGiB, "GiB (the ECS-optimized AMI needs 30)")
	errs.Range("ec2.targetCapacityPercent", e.TargetCapacityPercent, 1, 100, "percent")
	errs.OneOf("ec2.architecture", e.Architecture, ArchX86, ArchARM)
	if !ok || (e.Architecture != ArchX86 && e.Architecture != ArchARM) {
		return
	}
	switch graviton := isGraviton(family); {
	case graviton && e.Architecture == ArchX86:
		errs.Add("ec2.architecture", "%q is an AWS Graviton (arm64) family: set architecture %q or choose an x86_64 family such as t3 or m7i", family, ArchARM)
	case !graviton && e.Architecture == ArchARM:
		errs.Add("ec2.architecture", "%q is an x86_64 family: set architecture %q or choose a Graviton family such as t4g or m7g", family, ArchX86)
	}
}

// isGraviton reports whether an instance family runs on AWS Graviton (arm64): a1, or a "g" among
// the attributes that follow the generation digit (t4g, m7gd, c6gn, im4gn, g5g — but not g5 or g4dn,
// whose leading g is the GPU family).
func isGraviton(family string) bool {
	if family == "a1" {
		return true
	}
	m := familyAttrsRE.FindStringSubmatch(family)
	return m != nil && strings.Contains(m[1], "g")
}

// hostsName is the physical name of the EC2 capacity's role, group, template and capacity provider.
func (a Args) hostsName() string { return a.Naming.Name(groupHosts) }

// capacityProvider is the name of the default capacity provider.
func (a Args) capacityProvider() string {
	switch a.Capacity {
	case CapacityFargateSpot:
		return FargateSpot
	case CapacityEC2:
		return a.hostsName()
	}
	return Fargate
}

// checkInputs reports problems with the code-set inputs; paths are their camel-case names.
func (a Args) checkInputs() error {
	var errs field.Errors
	if a.Capacity != CapacityEC2 {
		return nil
	}
	if a.VPCID == nil {
		errs.Add("vpcId", "is required with capacity %q: the instances' security group belongs to the VPC", CapacityEC2)
	}
	if len(a.SubnetIDs) == 0 {
		errs.Add("subnetIds", "is required with capacity %q: name the private subnets the instances launch in", CapacityEC2)
	}
	name := a.hostsName()
	errs.Check("naming", naming.RoleName(name))
	for _, p := range reservedPrefixes {
		if strings.HasPrefix(strings.ToLower(name), p) {
			errs.Add("naming", "capacity provider name %q may not begin with %q: choose another app name", name, p)
		}
	}
	return errs.Err()
}

// New creates a Cluster.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	a := args.WithDefaults()
	err := errors.Join(field.Prefix("naming", a.Naming.Validate()), a.Validate())
	if err == nil {
		err = a.checkInputs()
	}
	if err == nil && a.Capacity == CapacityEC2 {
		// The hosts' fleet checks what it renders (names, descriptions, sizes) before anything
		// is registered, too.
		err = field.Prefix("ec2", a.hosts().Validate())
	}
	if err != nil {
		return nil, fmt.Errorf("cluster %s: %w", name, err)
	}
	c := &Cluster{CapacityProvider: a.capacityProvider()}
	if err := ctx.RegisterComponentResource("strata:cluster:Cluster", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	clusterArgs := &ecs.ClusterArgs{
		Name: pulumi.String(a.Naming.Name(groupCluster)),
		// Standard Container Insights: cluster, service and task metrics at a predictable price.
		Settings: ecs.ClusterSettingArray{&ecs.ClusterSettingArgs{
			Name: pulumi.String("containerInsights"), Value: pulumi.String("enabled"),
		}},
		Tags: pulumi.ToStringMap(a.Naming.Tags(groupCluster)),
	}
	c.NamespaceARN = pulumi.String("").ToStringOutput()
	if a.ServiceConnect {
		ns, err := servicediscovery.NewHttpNamespace(ctx, name+"-namespace", &servicediscovery.HttpNamespaceArgs{
			Name:        pulumi.String(a.Naming.App + "-" + a.Naming.Env),
			Description: pulumi.String("Service Connect namespace of " + a.Naming.App + " (" + a.Naming.Env + ")"),
			Tags:        pulumi.ToStringMap(a.Naming.Tags(groupNamespace)),
		}, parent)
		if err != nil {
			return nil, err
		}
		c.NamespaceARN = ns.Arn
		clusterArgs.ServiceConnectDefaults = &ecs.ClusterServiceConnectDefaultsArgs{Namespace: ns.Arn}
	}
	cluster, err := ecs.NewCluster(ctx, name, clusterArgs, parent)
	if err != nil {
		return nil, err
	}

	providers := pulumi.StringArray{pulumi.String(Fargate), pulumi.String(FargateSpot)}
	c.InstanceSecurityGroupID = pulumi.String("").ToStringOutput()
	defaultProvider := pulumi.StringInput(pulumi.String(c.CapacityProvider))
	if a.Capacity == CapacityEC2 {
		moved, err := fleet.URNs(ctx, "strata:cluster:Cluster", name, opts...)
		if err != nil {
			return nil, err
		}
		cp, hosts, err := a.ec2Capacity(ctx, name, cluster, moved, parent)
		if err != nil {
			return nil, err
		}
		providers = append(providers, cp.Name)
		defaultProvider = cp.Name
		c.InstanceSecurityGroupID = hosts.SecurityGroupID
	}
	ccp, err := ecs.NewClusterCapacityProviders(ctx, name, &ecs.ClusterCapacityProvidersArgs{
		ClusterName:       cluster.Name,
		CapacityProviders: providers,
		DefaultCapacityProviderStrategies: ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArray{
			&ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs{
				CapacityProvider: defaultProvider,
				Weight:           pulumi.Int(1),
			},
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	c.Name, c.ARN = cluster.Name, cluster.Arn
	c.CapacityProviderDependency = ccp
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"name":                    c.Name,
		"arn":                     c.ARN,
		"capacityProvider":        pulumi.String(c.CapacityProvider),
		"namespaceArn":            c.NamespaceARN,
		"instanceSecurityGroupId": c.InstanceSecurityGroupID,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// hosts are the container instances: an autoscaling group of ECS-optimized instances whose role
// may do what the ECS agent does (Role.Policy, set once the cluster exists) and whose security
// group has no ingress. ECS managed scaling owns the group's desired capacity.
func (a Args) hosts() fleet.Args {
	e := a.EC2
	clusterName := a.Naming.Name(groupCluster)
	return fleet.Args{
		Naming:      a.Naming,
		Group:       groupHosts,
		Description: "ECS-optimized Amazon Linux 2023 instances of " + clusterName,
		VPCID:       a.VPCID,
		SubnetIDs:   a.SubnetIDs,
		// Resolved by EC2 at every launch: no AMI id in state, no region pin, no diff when AWS
		// publishes a new AMI.
		Image:         fleet.Image{Parameter: AMIParameter(e.Architecture)},
		Architecture:  e.Architecture,
		InstanceTypes: []string{e.InstanceType},
		RootVolume:    fleet.RootVolume{SizeGiB: e.RootVolumeGiB},
		// Joins the cluster and blocks IMDS for awsvpc tasks, on top of the fleet's hop limit of
		// 1, which keeps it from containers on a bridge network (the ECS agent uses the host's).
		UserData: userData(clusterName),
		Role: fleet.Permissions{
			Description:       "ECS container instances of " + clusterName,
			ManagedPolicyARNs: []string{SSMManagedInstanceCore},
		},
		SecurityGroup: fleet.Rules{
			Description: "ECS container instances: no ingress; tasks have their own groups",
			Egress: []secgroup.Rule{{
				Name:        "https",
				Description: "ECS agent, SSM Session Manager, image registries and package repositories over HTTPS",
				FromPort:    443,
				CIDR:        "0.0.0.0/0",
			}},
		},
		Autoscaling: &fleet.Autoscaling{
			MinSize: *e.MinSize,
			MaxSize: e.MaxSize,
			// ECS managed scaling sets the desired capacity; the group starts at MinSize.
			ExternallyScaled: true,
			// ECS adds this tag when managed scaling is on; declaring it keeps Pulumi from removing it.
			Tags: map[string]string{"AmazonECSManaged": "true"},
		},
	}
}

// ec2Capacity creates the container instances (a fleet: role, security group, launch template,
// autoscaling group) and the capacity provider that scales them. The fleet's resources were the
// cluster's own children before fleets existed; moved lists the cluster's URNs, so that they keep
// theirs through aliases.
func (a Args) ec2Capacity(ctx *pulumi.Context, name string, cluster *ecs.Cluster, moved []pulumi.URNInput, parent pulumi.ResourceOption) (*ecs.CapacityProvider, *fleet.Fleet, error) {
	e := a.EC2
	physical := a.hostsName()
	tags := a.Naming.Tags(groupHosts)

	args := a.hosts()
	args.Role.Policy = cluster.Arn.ApplyT(agentPolicy).(pulumi.StringOutput)
	// The user data joins the cluster: launch no instance before it exists.
	args.DependsOn = []pulumi.Resource{cluster}
	args.MovedFrom = moved
	hosts, err := fleet.New(ctx, name+"-hosts", &args, parent)
	if err != nil {
		return nil, nil, err
	}

	cp, err := ecs.NewCapacityProvider(ctx, name+"-hosts", &ecs.CapacityProviderArgs{
		Name: pulumi.String(physical),
		AutoScalingGroupProvider: &ecs.CapacityProviderAutoScalingGroupProviderArgs{
			AutoScalingGroupArn: hosts.GroupARN,
			ManagedScaling: &ecs.CapacityProviderAutoScalingGroupProviderManagedScalingArgs{
				Status:         pulumi.String("ENABLED"),
				TargetCapacity: pulumi.Int(e.TargetCapacityPercent),
			},
			// Scale-in may pick an instance that still runs tasks; managed draining moves them first.
			ManagedTerminationProtection: pulumi.String("DISABLED"),
			ManagedDraining:              pulumi.String("ENABLED"),
		},
		Tags: pulumi.ToStringMap(tags),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	return cp, hosts, nil
}

// AMIParameter is the public SSM parameter holding the recommended ECS-optimized Amazon Linux 2023
// AMI for an architecture.
func AMIParameter(arch string) string {
	if arch == ArchARM {
		return "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"
	}
	return "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
}

// UserData is the base64 user data that joins an instance to a cluster. It holds no secrets: task
// credentials come from task roles, never from the instance.
func UserData(cluster string) string {
	return base64.StdEncoding.EncodeToString([]byte(userData(cluster)))
}

// userData is the boot script of UserData, before encoding.
func userData(cluster string) string {
	return "#!/bin/bash\n" +
		"cat > /etc/ecs/ecs.config <<'EOF'\n" +
		"ECS_CLUSTER=" + cluster + "\n" +
		// awsvpc tasks may not reach the instance metadata (and so the instance role's credentials).
		"ECS_AWSVPC_BLOCK_IMDS=true\n" +
		"ECS_ENABLE_TASK_IAM_ROLE=true\n" +
		"EOF\n"
}

// agentPolicy is what the ECS agent needs and nothing more: no image pulls or log writes (the
// tasks' execution roles do that), no tagging, no cluster creation.
func agentPolicy(clusterARN string) (string, error) {
	prefix, _, ok := strings.Cut(clusterARN, ":cluster/")
	if !ok {
		return "", fmt.Errorf("%q is not an ECS cluster ARN", clusterARN)
	}
	instances := policy.Allow("ContainerInstances",
		[]string{"ecs:Poll", "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState"},
		prefix+":container-instance/*")
	instances.Condition = map[string]map[string]any{"ArnEquals": {"ecs:cluster": clusterARN}}
	return policy.New(
		policy.Allow("Cluster", []string{
			"ecs:DeregisterContainerInstance", "ecs:RegisterContainerInstance",
			"ecs:SubmitAttachmentStateChanges", "ecs:SubmitContainerStateChange", "ecs:SubmitTaskStateChange",
		}, clusterARN),
		instances,
		// DiscoverPollEndpoint supports no resource-level permissions.
		policy.Allow("DiscoverPollEndpoint", []string{"ecs:DiscoverPollEndpoint"}, "*"),
	).JSON()
}
