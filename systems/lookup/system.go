package lookup

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/credential"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/filesystem"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/components/secgroup"
	"github.com/strata-iac/strata/components/service"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/webapp"
)

// Deps is what the lookup takes from the rest of the stage.
type Deps struct {
	// Network is the stage's network (required).
	Network *network.Network
	// Front is the stage's shared load balancer, which holds the lookup's site unless the lookup
	// has a load balancer of its own.
	Front *loadbalancer.LoadBalancer
}

// Lookup is the QA authority lookup deployed.
type Lookup struct {
	pulumi.ResourceState

	// Outputs are the stack outputs of the system.
	Outputs pulumi.Map
}

// New creates the lookup as planned.
func New(ctx *pulumi.Context, name string, p Plan, deps Deps, opts ...pulumi.ResourceOption) (*Lookup, error) {
	l := &Lookup{Outputs: pulumi.Map{}}
	if err := ctx.RegisterComponentResource("strata:system:Lookup", name, l, opts...); err != nil {
		return nil, err
	}
	// Each child was a top-level component before the system layer; its alias keeps its URN.
	child := []pulumi.ResourceOption{pulumi.Parent(l), systems.WasTopLevel()}
	net := deps.Network
	envBucket, err := bucket.New(ctx, name+"-config", &p.EnvBucket, child...)
	if err != nil {
		return nil, err
	}
	platform, err := p.Web.New(ctx, name, l, net, deps.Front, map[string]int{"nfs": filesystem.NFSPort, "mariadb": mariadbPort})
	if err != nil {
		return nil, err
	}
	appSG := platform.Tasks
	clients := map[string]pulumi.StringInput{"app": appSG.ID}
	var dbSG *secgroup.Group
	if p.Container {
		dbSG, err = webapp.TasksGroup(ctx, name+"-mariadb", p.Naming, "mariadb", net, []secgroup.Rule{{
			Name: "from-app", Description: "MariaDB from the lookup app", FromPort: mariadbPort, SecurityGroupID: appSG.ID,
		}}, map[string]int{"nfs": filesystem.NFSPort}, child...)
		if err != nil {
			return nil, err
		}
		clients["mariadb"] = dbSG.ID
	}

	fsArgs := p.FileSystem
	fsArgs.VPCID, fsArgs.SubnetIDs, fsArgs.Clients = net.VPCID, net.PrivateSubnetIDs, clients
	if fsArgs.Sync != nil {
		fsArgs.SyncBucketARN = envBucket.ARN
	}
	fs, err := filesystem.New(ctx, name, &fsArgs, child...)
	if err != nil {
		return nil, err
	}
	volume := func(v string) service.Volume {
		return service.Volume{FileSystemID: fs.ID, FileSystemARN: fs.ARN,
			AccessPointID: fs.AccessPointIDs[v], AccessPointARN: fs.AccessPointARNs[v]}
	}

	var store service.Database
	if p.Container {
		login, err := credential.New(ctx, name+"-mariadb", &credential.Args{
			Username: dbUser, Group: "mariadb", Naming: p.Naming, Protect: p.Protect,
		}, child...)
		if err != nil {
			return nil, err
		}
		store = service.Database{SecretARN: login.SecretARN, Address: pulumi.String(mariadbContainer),
			Port: pulumi.Int(mariadbPort), Name: pulumi.String(dbName), Username: pulumi.String(dbUser)}
		mariadb := p.Web.ServiceArgs(platform, p.MariaDB, "mariadb", net, dbSG)
		mariadb.Volumes = map[string]service.Volume{"database": volume("database")}
		mariadb.Databases = map[string]service.Database{db: store}
		mariadb.Publish = []service.Alias{{Container: mariadbContainer, Port: mariadbPort, DNSName: mariadbContainer}}
		// Exactly one MariaDB: two would corrupt the shared data directory.
		mariadb.Singleton = true
		if _, err := service.New(ctx, name+"-mariadb", &mariadb, child...); err != nil {
			return nil, err
		}
		l.Outputs["databaseSecretArn"] = login.SecretARN
	} else {
		rdsArgs := *p.RDS
		rdsArgs.VPCID, rdsArgs.SubnetIDs, rdsArgs.PublicSubnetIDs = net.VPCID, net.PrivateSubnetIDs, net.PublicSubnetIDs
		rdsArgs.Clients = map[string]pulumi.StringInput{"app": appSG.ID}
		rds, err := database.New(ctx, name, &rdsArgs, child...)
		if err != nil {
			return nil, err
		}
		store = webapp.RDS(rds)
		l.Outputs["databaseAddress"] = rds.Address
		l.Outputs["databaseSecretArn"] = rds.SecretARN
	}

	appService := p.Web.ServiceArgs(platform, p.App, "app", net, appSG)
	appService.Volumes = map[string]service.Volume{"authorities": volume("authorities")}
	appService.Databases = map[string]service.Database{db: store}
	appService.TargetGroupARN = platform.Site.TargetGroupARN
	svc, err := service.New(ctx, name+"-app", &appService, child...)
	if err != nil {
		return nil, err
	}

	l.Outputs["url"] = platform.Site.URL
	l.Outputs["loadBalancerDnsName"] = platform.LoadBalancer.DNSName
	l.Outputs["clusterName"] = platform.Cluster.Name
	l.Outputs["serviceName"] = svc.Name
	l.Outputs["taskDefinition"] = svc.Family
	l.Outputs["logGroup"] = svc.LogGroupName
	l.Outputs["envBucket"] = envBucket.Name
	l.Outputs["fileSystemId"] = fs.ID
	if err := ctx.RegisterResourceOutputs(l, l.Outputs); err != nil {
		return nil, err
	}
	return l, nil
}
