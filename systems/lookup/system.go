package lookup

import (
	"path/filepath"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/credential"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/filesystem"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/components/registry"
	"github.com/strata-iac/strata/components/secgroup"
	"github.com/strata-iac/strata/components/service"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/environment"
	"github.com/strata-iac/strata/systems/webapp"
)

// Deps is what the lookup takes from the rest of the stage.
type Deps struct {
	// Network is the stage's network (required).
	Network *network.Network
	// Front is the stage's shared load balancer, which holds the lookup's site unless the lookup
	// has a load balancer of its own.
	Front *loadbalancer.LoadBalancer
	// Logs is the stage's log bucket, which receives the config bucket's server access logs;
	// nil: none.
	Logs *environment.Logs
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
	envArgs := p.EnvBucket
	envArgs.Logging = deps.Logs.Logging()
	envBucket, err := bucket.New(ctx, name+"-config", &envArgs, append(slices.Clip(child), deps.Logs.After())...)
	if err != nil {
		return nil, err
	}
	uploads, err := p.upload(ctx, name, l, envBucket)
	if err != nil {
		return nil, err
	}

	platform, err := p.Web.New(ctx, name, l, net, deps.Front)
	if err != nil {
		return nil, err
	}
	appSG := platform.Tasks
	clients := map[string]pulumi.StringInput{"app": appSG.ID}
	var dbSG *secgroup.Group
	if p.Container {
		dbSG, err = webapp.TasksGroup(ctx, name+"-mariadb", p.Naming, "mariadb", net, []secgroup.Rule{{
			Name: "from-app", Description: "MariaDB from the lookup app", FromPort: mariadbPort, SecurityGroupID: appSG.ID,
		}}, child...)
		if err != nil {
			return nil, err
		}
		clients["mariadb"] = dbSG.ID
	}

	fsArgs := p.FileSystem
	fsArgs.VPCID, fsArgs.Clients = net.VPCID, clients
	for _, s := range net.PrivateSubnets {
		fsArgs.Subnets = append(fsArgs.Subnets, filesystem.Subnet{Key: s.Key, ID: s.ID})
	}
	if fsArgs.Sync != nil {
		fsArgs.SyncBucketARN = envBucket.ARN
	}
	fs, err := filesystem.New(ctx, name, &fsArgs, child...)
	if err != nil {
		return nil, err
	}
	if err := webapp.Reach(ctx, appSG, "nfs", filesystem.NFSPort, fs.SecurityGroupID, "NFS to the mount targets of the file system"); err != nil {
		return nil, err
	}
	// qa_server's linked-data authority configs call most authorities over plain HTTP (LD4L's
	// cache, id.loc.gov, GeoNames): without port 80 every such lookup hangs until it times out.
	if _, err := appSG.AddEgress(ctx, secgroup.Rule{
		Name: "http", Description: "Linked-data authorities over HTTP (qa_server configs call http:// endpoints)",
		FromPort: 80, CIDR: "0.0.0.0/0",
	}); err != nil {
		return nil, err
	}
	volume := func(v string) service.Volume {
		return service.Volume{FileSystemID: fs.ID, FileSystemARN: fs.ARN,
			AccessPointID: fs.AccessPointIDs[v], AccessPointARN: fs.AccessPointARNs[v], MountTargets: fs.MountTargets}
	}

	cache := ""
	var cacheReady []pulumi.Resource
	if p.Registry != nil {
		hub, err := registry.New(ctx, name+"-hub", p.Registry, pulumi.Parent(l))
		if err != nil {
			return nil, err
		}
		cache, cacheReady = hub.Prefix, hub.Ready
	}

	// The app logs in with a login of its own (MariaDB's app user, or on RDS a user the db-login
	// init container creates), whose generated password is letters and digits.
	loginOpts := []pulumi.ResourceOption{pulumi.Parent(l)}
	if p.Container {
		// MariaDB's login was a top-level component before the system layer.
		loginOpts = child
	}
	login, err := credential.New(ctx, name+"-"+p.Login.Group, &p.Login, loginOpts...)
	if err != nil {
		return nil, err
	}
	databases := map[string]service.Database{}
	var dbService pulumi.Resource
	if p.Container {
		rootLogin, err := credential.New(ctx, name+"-mariadb-root", &p.RootLogin, pulumi.Parent(l))
		if err != nil {
			return nil, err
		}
		store := service.Database{SecretARN: login.SecretARN, Address: pulumi.String(mariadbContainer),
			Port: pulumi.Int(mariadbPort), Name: pulumi.String(p.DBName), Username: pulumi.String(dbUser)}
		mariadb := p.Web.ServiceArgs(platform, p.MariaDB, "mariadb", net, dbSG)
		mariadb.Volumes = map[string]service.Volume{"database": volume("database")}
		mariadb.Databases = map[string]service.Database{db: store, root: {SecretARN: rootLogin.SecretARN,
			Address: pulumi.String("localhost"), Port: pulumi.Int(mariadbPort), Name: pulumi.String(p.DBName), Username: pulumi.String("root")}}
		mariadb.Publish = []service.Alias{{Container: mariadbContainer, Port: mariadbPort, DNSName: mariadbContainer}}
		mariadb.Cache, mariadb.CacheReady = cache, cacheReady
		// Exactly one MariaDB: two would corrupt the shared data directory.
		mariadb.Singleton = true
		// The deployment waits until MariaDB's health check passes, and the app's service is
		// created after it: the app's entry point migrates the database once, at start, and its
		// wait for the database only checks that the Service Connect proxy accepts a connection.
		mariadb.WaitForSteadyState = true
		svc, err := service.New(ctx, name+"-mariadb", &mariadb, child...)
		if err != nil {
			return nil, err
		}
		dbService = svc.Deployed
		if err := webapp.Reach(ctx, dbSG, "nfs", filesystem.NFSPort, fs.SecurityGroupID, "NFS to the mount targets of the file system"); err != nil {
			return nil, err
		}
		if err := webapp.Reach(ctx, appSG, "mariadb", mariadbPort, dbSG.ID, "MariaDB in its ECS task"); err != nil {
			return nil, err
		}
		databases[db] = store
		l.Outputs["databaseRootSecretArn"] = rootLogin.SecretARN
	} else {
		rdsArgs := *p.RDS
		rdsArgs.VPCID, rdsArgs.SubnetIDs, rdsArgs.PublicSubnetIDs = net.VPCID, net.PrivateSubnetIDs, net.PublicSubnetIDs
		rdsArgs.Clients = map[string]pulumi.StringInput{"app": appSG.ID}
		rds, err := database.New(ctx, name, &rdsArgs, child...)
		if err != nil {
			return nil, err
		}
		// The master login reaches the db-login init container only; the app gets its own.
		databases[master] = webapp.RDS(rds, rdsArgs)
		databases[db] = service.Database{SecretARN: login.SecretARN, Address: rds.Address, Port: rds.Port,
			Name: rds.DBName, Username: pulumi.String(appUser)}
		if err := webapp.Reach(ctx, appSG, "mariadb", rdsArgs.WithDefaults().Port, rds.SecurityGroupID, "MariaDB on RDS"); err != nil {
			return nil, err
		}
		l.Outputs["databaseAddress"] = rds.Address
		l.Outputs["databaseMasterSecretArn"] = rds.SecretARN
	}
	l.Outputs["databaseSecretArn"] = login.SecretARN

	secretKeyBase, err := credential.NewKey(ctx, name+"-secret-key-base", &p.SecretKeyBase, pulumi.Parent(l))
	if err != nil {
		return nil, err
	}
	reloadToken, err := credential.NewKey(ctx, name+"-reload-token", &p.ReloadToken, pulumi.Parent(l))
	if err != nil {
		return nil, err
	}

	appService := p.Web.ServiceArgs(platform, p.App, "app", net, appSG)
	appService.Volumes = map[string]service.Volume{"authorities": volume("authorities")}
	appService.Databases = databases
	appService.TargetGroupARN = platform.Site.TargetGroupARN
	appService.Reads = []service.Read{{BucketARN: envBucket.ARN, Prefix: p.AuthoritiesPrefix}}
	appService.Cache, appService.CacheReady = cache, cacheReady
	// The tasks read their secrets by name when they start: the secrets and their values must
	// exist.
	appService.DependsOn = append(slices.Clip(uploads), secretKeyBase.Value, reloadToken.Value)
	if dbService != nil {
		appService.DependsOn = append(appService.DependsOn, dbService)
	}
	// No redeployment on RDS's rotation of the master password: the app does not use it. New tasks'
	// db-login reads the current one.
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
	l.Outputs["authoritiesPrefix"] = pulumi.String(p.AuthoritiesPrefix)
	l.Outputs["fileSystemId"] = fs.ID
	if err := ctx.RegisterResourceOutputs(l, l.Outputs); err != nil {
		return nil, err
	}
	return l, nil
}

// upload puts the env file and, from a local directory, the authority files into the bucket; the
// app's tasks wait for them, so that the first ones find what they load.
func (p Plan) upload(ctx *pulumi.Context, name string, parent pulumi.Resource, b *bucket.Bucket) ([]pulumi.Resource, error) {
	tags := pulumi.ToStringMap(p.Naming.Tags("config"))
	env := &s3.BucketObjectv2Args{
		Bucket:      b.Name,
		Key:         pulumi.String(p.EnvFileKey),
		ContentType: pulumi.String("text/plain"),
		Tags:        tags,
	}
	if p.EnvFileSource != "" {
		env.Source = pulumi.NewFileAsset(p.EnvFileSource)
	} else {
		env.Content = pulumi.ToSecret(pulumi.String(p.EnvFileContent)).(pulumi.StringOutput)
	}
	obj, err := s3.NewBucketObjectv2(ctx, name+"-env-file", env, pulumi.Parent(parent))
	if err != nil {
		return nil, err
	}
	out := []pulumi.Resource{obj}
	for _, rel := range p.AuthorityFiles {
		// Named by path, so adding or removing a file touches only its own object.
		o, err := s3.NewBucketObjectv2(ctx, name+"-authority-"+rel, &s3.BucketObjectv2Args{
			Bucket: b.Name,
			Key:    pulumi.String(p.AuthoritiesPrefix + rel),
			Source: pulumi.NewFileAsset(filepath.Join(p.AuthoritiesSource, filepath.FromSlash(rel))),
			Tags:   tags,
		}, pulumi.Parent(parent))
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}
