package epimetheus

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/forwarder"
	"github.com/strata-iac/strata/components/lightsail"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/components/registry"
	"github.com/strata-iac/strata/components/rotation"
	"github.com/strata-iac/strata/components/service"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/webapp"
)

// Deps is what Epimetheus takes from the rest of the stage.
type Deps struct {
	// Network is the stage's network (required on fargate).
	Network *network.Network
	// Front is the stage's shared load balancer, which holds Epimetheus' site on fargate unless it
	// has a load balancer of its own.
	Front *loadbalancer.LoadBalancer
}

// Epimetheus is Epimetheus deployed.
type Epimetheus struct {
	pulumi.ResourceState

	// Outputs are the stack outputs of the system.
	Outputs pulumi.Map
	// DatabasePassword is the generated Lightsail database password, a secret; empty on fargate.
	DatabasePassword pulumi.StringOutput
}

// New creates Epimetheus as planned.
func New(ctx *pulumi.Context, name string, p Plan, deps Deps, opts ...pulumi.ResourceOption) (*Epimetheus, error) {
	e := &Epimetheus{Outputs: pulumi.Map{"platform": pulumi.String(p.Platform)}}
	if err := ctx.RegisterComponentResource("strata:system:Epimetheus", name, e, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(e), systems.WasTopLevel()}
	if p.Platform == Lightsail {
		ls, err := lightsail.New(ctx, name, &p.Lightsail, child...)
		if err != nil {
			return nil, err
		}
		e.Outputs["url"] = ls.URL
		e.Outputs["serviceName"] = ls.ServiceName
		e.Outputs["databaseEndpoint"] = ls.DatabaseEndpoint
		e.Outputs["databaseName"] = ls.DatabaseName
		e.Outputs["databaseUsername"] = ls.DatabaseUsername
		// The principal that pulls ECR images; their repositories' policies must let it (README).
		e.Outputs["imagePullerPrincipalArn"] = ls.PrincipalARN
		e.DatabasePassword = ls.DatabasePassword
		if p.Forwarder != nil {
			// Lightsail peers its VPC with the account's default VPC only: the host runs there.
			vpc, subnet, err := defaultVPC(ctx)
			if err != nil {
				return nil, err
			}
			fa := *p.Forwarder
			fa.VPCID, fa.SubnetID = pulumi.String(vpc), pulumi.String(subnet)
			fwd, err := forwarder.New(ctx, name, &fa, pulumi.Parent(e))
			if err != nil {
				return nil, err
			}
			e.forwarderOutputs(fwd, ls.DatabaseAddress)
		}
	} else {
		net := deps.Network
		platform, err := p.Web.New(ctx, name, e, net, deps.Front)
		if err != nil {
			return nil, err
		}
		dbArgs := p.Database
		dbArgs.VPCID, dbArgs.SubnetIDs, dbArgs.PublicSubnetIDs = net.VPCID, net.PrivateSubnetIDs, net.PublicSubnetIDs
		dbArgs.Clients = map[string]pulumi.StringInput{"app": platform.Tasks.ID}
		var fwd *forwarder.Forwarder
		if p.Forwarder != nil {
			fa := *p.Forwarder
			fa.VPCID, fa.SubnetID = net.VPCID, net.PrivateSubnets[0].ID
			if fwd, err = forwarder.New(ctx, name, &fa, pulumi.Parent(e)); err != nil {
				return nil, err
			}
			dbArgs.Clients["forwarder"] = fwd.SecurityGroupID
		}
		store, err := database.New(ctx, name, &dbArgs, child...)
		if err != nil {
			return nil, err
		}
		if err := webapp.Reach(ctx, platform.Tasks, "postgres", postgresPort, store.SecurityGroupID, "PostgreSQL on RDS"); err != nil {
			return nil, err
		}
		if fwd != nil {
			if err := fwd.Reach(ctx, "postgres", postgresPort, store.SecurityGroupID, "the Epimetheus database"); err != nil {
				return nil, err
			}
			e.forwarderOutputs(fwd, store.Address)
		}
		svcArgs := p.Web.ServiceArgs(platform, p.App, "app", net, platform.Tasks)
		svcArgs.Databases = map[string]service.Database{db: webapp.RDS(store, dbArgs)}
		svcArgs.TargetGroupARN = platform.Site.TargetGroupARN
		if p.Registry != nil {
			hub, err := registry.New(ctx, name+"-hub", p.Registry, pulumi.Parent(e))
			if err != nil {
				return nil, err
			}
			svcArgs.Cache, svcArgs.CacheReady = hub.Prefix, hub.Ready
		}
		svc, err := service.New(ctx, name, &svcArgs, child...)
		if err != nil {
			return nil, err
		}
		// The backend reads the RDS-managed password when it starts; a rotation must restart it.
		if _, err := rotation.New(ctx, name+"-rotation", &rotation.Args{
			SecretARN: store.SecretARN,
			Services:  []rotation.Service{{Cluster: platform.Cluster.Name, Name: svc.Name}},
			Naming:    p.Naming,
		}, pulumi.Parent(e)); err != nil {
			return nil, err
		}
		e.Outputs["url"] = platform.Site.URL
		e.Outputs["loadBalancerDnsName"] = platform.LoadBalancer.DNSName
		e.Outputs["clusterName"] = platform.Cluster.Name
		e.Outputs["serviceName"] = svc.Name
		e.Outputs["taskDefinition"] = svc.Family
		e.Outputs["logGroup"] = svc.LogGroupName
		e.Outputs["databaseEndpoint"] = pulumi.Sprintf("%s:%d", store.Address, store.Port)
		e.Outputs["databaseName"] = store.DBName
		e.Outputs["databaseSecretArn"] = store.SecretARN
		e.DatabasePassword = pulumi.ToSecret(pulumi.String("")).(pulumi.StringOutput)
	}
	if err := ctx.RegisterResourceOutputs(e, e.Outputs); err != nil {
		return nil, err
	}
	return e, nil
}

// localPort is the port on the TestArchiver machine that the documented command forwards.
const localPort = 15432

// forwarderOutputs exports the forwarding host and the command that opens the private path.
func (e *Epimetheus) forwarderOutputs(f *forwarder.Forwarder, host pulumi.StringOutput) {
	e.Outputs["forwarderInstanceId"] = f.InstanceID
	e.Outputs["forwarderSessionPolicyArn"] = f.SessionPolicyARN
	e.Outputs["databaseForwardCommand"] = pulumi.All(f.InstanceID, host).ApplyT(func(v []any) string {
		return forwarder.Command(v[0].(string), v[1].(string), postgresPort, localPort)
	}).(pulumi.StringOutput)
}

// defaultVPC returns the account's default VPC in the stack's region and the first of its default
// subnets (by id, so the choice is stable).
func defaultVPC(ctx *pulumi.Context) (string, string, error) {
	vpc, err := ec2.LookupVpc(ctx, &ec2.LookupVpcArgs{Default: pulumi.BoolRef(true)})
	if err != nil {
		return "", "", err
	}
	subnets, err := ec2.GetSubnets(ctx, &ec2.GetSubnetsArgs{Filters: []ec2.GetSubnetsFilter{
		{Name: "vpc-id", Values: []string{vpc.Id}},
		{Name: "default-for-az", Values: []string{"true"}},
	}})
	if err != nil {
		return "", "", err
	}
	if len(subnets.Ids) == 0 {
		return "", "", fmt.Errorf("the default VPC %s has no default subnet for the forwarding host: create one (aws ec2 create-default-subnet --availability-zone <zone>)", vpc.Id)
	}
	return vpc.Id, slices.Min(subnets.Ids), nil
}
