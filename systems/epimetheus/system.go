package epimetheus

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/lightsail"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/network"
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
		e.DatabasePassword = ls.DatabasePassword
	} else {
		net := deps.Network
		platform, err := p.Web.New(ctx, name, e, net, deps.Front, map[string]int{"postgres": 5432})
		if err != nil {
			return nil, err
		}
		dbArgs := p.Database
		dbArgs.VPCID, dbArgs.SubnetIDs, dbArgs.PublicSubnetIDs = net.VPCID, net.PrivateSubnetIDs, net.PublicSubnetIDs
		dbArgs.Clients = map[string]pulumi.StringInput{"app": platform.Tasks.ID}
		store, err := database.New(ctx, name, &dbArgs, child...)
		if err != nil {
			return nil, err
		}
		svcArgs := p.Web.ServiceArgs(platform, p.App, "app", net, platform.Tasks)
		svcArgs.Databases = map[string]service.Database{db: webapp.RDS(store)}
		svcArgs.TargetGroupARN = platform.Site.TargetGroupARN
		svc, err := service.New(ctx, name, &svcArgs, child...)
		if err != nil {
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
