package stacks

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/credential"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/filesystem"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/secgroup"
	"github.com/strata-iac/strata/components/service"
	"github.com/strata-iac/strata/internal/config"
)

// The QA authority lookup's fixed facts (SYSTEMS.md §2).
const (
	lookupContainer   = "qa-server-app"
	lookupPort        = 3000
	authoritiesMount  = "/app/ld4p/qa_server-webapp/config/authorities"
	mariadbContainer  = "qa-mariadb"
	mariadbPort       = 3306
	mariadbDataDir    = "/var/lib/mysql"
	lookupDBName      = "qa_authority"
	lookupDBUser      = "qa"
	lookupDefaultFile = "lookup.env"
	// The official MariaDB image runs as mysql, uid and gid 999: the database access point's owner.
	mariadbUID = 999
	// MariaDB pinned to the 10.6 series the original needed (latest broke it); from ECR Public's
	// mirror of the official image, which has no Docker Hub pull limits.
	mariadbImage = "public.ecr.aws/docker/library/mariadb:10.6.20"
	// Where MariaDB runs.
	dbRDS       = "rds"
	dbContainer = "container"
	// The name under which the app's secrets and databaseEnv refer to its database.
	lookupDB = "db"
)

// lookupApp is the lookup app: qa-server-app on port 3000 with the authority files mounted
// read-only, reaching MariaDB through the database's connection details and its login secret.
func lookupApp(envFile string) app.Spec {
	return app.Spec{
		CPU: 512, MemoryMiB: 1024,
		Containers: []app.Container{{
			Name:     lookupContainer,
			Ports:    []int{lookupPort},
			EnvFiles: []string{envFile},
			DatabaseEnv: map[string]app.DatabaseValue{
				"MYSQL_HOST":     {Database: lookupDB, Attribute: app.AttrAddress},
				"MYSQL_PORT":     {Database: lookupDB, Attribute: app.AttrPort},
				"MYSQL_DATABASE": {Database: lookupDB, Attribute: app.AttrName},
				"MYSQL_USER":     {Database: lookupDB, Attribute: app.AttrUsername},
			},
			Secrets: map[string]app.Secret{"MYSQL_PASSWORD": {Database: lookupDB, Key: app.KeyPassword}},
			Mounts:  []app.Mount{{Volume: "authorities", Path: authoritiesMount, ReadOnly: true}},
			// Rails writes tmp/ and log/ inside the application directory.
			ReadonlyRootFilesystem: ptr(false),
		}},
		Endpoint: &app.Endpoint{Container: lookupContainer, Port: lookupPort, HealthCheckPath: "/"},
	}
}

// mariadbApp is MariaDB as one container with its data on the database access point. Root logs in
// only from inside the container; both passwords come from the generated login secret.
func mariadbApp(envFile string) app.Spec {
	return app.Spec{
		CPU: 512, MemoryMiB: 1024,
		Containers: []app.Container{{
			Name:        mariadbContainer,
			Image:       mariadbImage,
			Ports:       []int{mariadbPort},
			EnvFiles:    []string{envFile},
			Environment: map[string]string{"MARIADB_ROOT_HOST": "localhost"},
			DatabaseEnv: map[string]app.DatabaseValue{
				"MARIADB_DATABASE": {Database: lookupDB, Attribute: app.AttrName},
				"MARIADB_USER":     {Database: lookupDB, Attribute: app.AttrUsername},
			},
			Secrets: map[string]app.Secret{
				"MARIADB_PASSWORD":      {Database: lookupDB, Key: app.KeyPassword},
				"MARIADB_ROOT_PASSWORD": {Database: lookupDB, Key: app.KeyPassword},
			},
			Mounts: []app.Mount{{Volume: "database", Path: mariadbDataDir}},
			HealthCheck: &app.HealthCheck{
				Command:            []string{"CMD", "healthcheck.sh", "--connect", "--innodb_initialized"},
				StartPeriodSeconds: 120,
			},
			// MariaDB writes its socket and temporary files outside the data directory.
			ReadonlyRootFilesystem: ptr(false),
		}},
	}
}

// lookupPlan is the QA lookup prepared from config: every component's args, validated together.
type lookupPlan struct {
	conv       naming.Convention
	protect    bool
	container  bool
	envBucket  bucket.Args
	app        app.Spec
	mariadb    app.Spec
	rds        *database.Args
	fileSystem filesystem.Args
	web
}

// lookup prepares the QA authority lookup (SYSTEMS.md §2) when strata:lookup is set: the app on
// ECS behind an HTTPS load balancer, its env file in a private bucket, authority files and (in
// container mode) MariaDB's data on EFS access points, and MariaDB either as exactly one ECS task
// reached as qa-mariadb through Service Connect, or on RDS.
func lookup(cfg *config.Config) *system {
	if cfg.Lookup == nil {
		return nil
	}
	l := *cfg.Lookup
	p := &lookupPlan{conv: cfg.Stage.Naming("lookup"), protect: cfg.Stage.Protect}
	return &system{
		validate: func() error { return field.Prefix(config.Key("lookup"), p.prepare(l, cfg.Network != nil)) },
		deploy:   func(ctx *pulumi.Context, env *shared) error { return p.deploy(ctx, env) },
	}
}

// prepare applies defaults and stage overrides, and reports every problem with paths below
// strata:lookup.
func (p *lookupPlan) prepare(l config.Lookup, haveNetwork bool) error {
	var errs field.Errors
	if !haveNetwork {
		errs.Add("", "the lookup runs in a VPC: set strata:network (a new VPC, or an existing one by id)")
	}
	if l.EnvFile == "" {
		l.EnvFile = lookupDefaultFile
	}
	if !strings.HasSuffix(l.EnvFile, ".env") || strings.HasPrefix(l.EnvFile, "/") {
		errs.Add("envFile", "%q is not an env file key: ECS loads only keys ending in .env, without a leading /", l.EnvFile)
	}
	envFile := "s3://" + l.EnvBucket + "/" + l.EnvFile
	p.envBucket = bucket.Args{Name: l.EnvBucket, Tags: p.conv.Tags("config"), Protect: p.protect}
	for _, e := range field.Problems(p.envBucket.Validate()) {
		if e.Path == "name" {
			e.Path = "envBucket"
		}
		errs = append(errs, e)
	}

	if l.Database == "" {
		l.Database = dbRDS
	}
	errs.OneOf("database", l.Database, dbRDS, dbContainer)
	p.container = l.Database == dbContainer
	switch {
	case p.container && l.RDS != nil:
		errs.Add("rds", "only with database: rds; the container mode runs MariaDB itself")
	case !p.container && l.MariaDB != nil:
		errs.Add("mariadb", "only with database: container; with rds there is no MariaDB container")
	case !p.container && l.RDS == nil:
		errs.Add("rds", "is required with database: rds: set at least engineVersion, e.g. 10.11.9")
	}

	var err error
	p.app, err = l.App.Apply(lookupApp(envFile))
	errs.Merge("app", err)
	p.web = web{cluster: l.Cluster, service: l.Service, lb: l.LoadBalancer}
	// MariaDB in a container is found by name through Service Connect.
	p.cluster.ServiceConnect = p.container
	p.web.prepare(&errs, p.conv, p.protect, p.app.Endpoint, true)
	errs.Merge("app", service.CheckApp(&p.app, p.cluster.Capacity, app.Offer{Volumes: []string{"authorities"}, Databases: []string{lookupDB}}))
	volumes := []string{"authorities"}
	if p.container {
		volumes = append(volumes, "database")
		var o app.Overrides
		if l.MariaDB != nil {
			o = *l.MariaDB
		}
		p.mariadb, err = o.Apply(mariadbApp(envFile))
		errs.Merge("mariadb", err)
		errs.Merge("mariadb", service.CheckApp(&p.mariadb, p.cluster.Capacity, app.Offer{Volumes: []string{"database"}, Databases: []string{lookupDB}}))
	}

	p.fileSystem = l.FileSystem
	p.fileSystem.Naming, p.fileSystem.Protect = p.conv, p.protect
	if p.fileSystem.AccessPoints == nil {
		p.fileSystem.AccessPoints = map[string]filesystem.AccessPoint{"authorities": {Path: "/authorities"}}
		if p.container {
			p.fileSystem.AccessPoints["database"] = filesystem.AccessPoint{Path: "/database", UID: ptr(mariadbUID), GID: ptr(mariadbUID)}
		}
	}
	for _, v := range volumes {
		if _, ok := p.fileSystem.AccessPoints[v]; !ok {
			errs.Add(field.Join("fileSystem.accessPoints", v), "is required: the lookup mounts it")
		}
	}
	errs.Merge("fileSystem", p.fileSystem.Validate())

	if l.RDS != nil {
		rds := *l.RDS
		p.rds = &rds
		if p.rds.Engine == "" {
			p.rds.Engine = "mariadb"
		}
		if p.rds.DBName == "" {
			p.rds.DBName = lookupDBName
		}
		if p.rds.Username == "" {
			p.rds.Username = lookupDBUser
		}
		p.rds.Naming, p.rds.Protect = p.conv, p.protect
		if p.rds.Engine != "mariadb" {
			errs.Add("rds.engine", "%q is not allowed: the lookup's app speaks MariaDB; use mariadb", p.rds.Engine)
		}
		errs.Merge("rds", p.rds.Validate())
	}

	return errs.Err()
}

func (p *lookupPlan) deploy(ctx *pulumi.Context, env *shared) error {
	net := env.network
	envBucket, err := bucket.New(ctx, "lookup-config", &p.envBucket)
	if err != nil {
		return err
	}
	front, err := p.deployFront(ctx, "lookup", p.conv, net, lookupPort, map[string]int{"nfs": 2049, "mariadb": mariadbPort})
	if err != nil {
		return err
	}
	appSG := front.tasks
	clients := map[string]pulumi.StringInput{"app": appSG.ID}
	var dbSG *secgroup.Group
	if p.container {
		dbSG, err = tasksGroup(ctx, "lookup-mariadb", p.conv, "mariadb", net, []secgroup.Rule{{
			Name: "from-app", Description: "MariaDB from the lookup app", FromPort: mariadbPort, SecurityGroupID: appSG.ID,
		}}, map[string]int{"nfs": 2049})
		if err != nil {
			return err
		}
		clients["mariadb"] = dbSG.ID
	}

	p.fileSystem.VPCID, p.fileSystem.SubnetIDs, p.fileSystem.Clients = net.VPCID, net.PrivateSubnetIDs, clients
	if p.fileSystem.Sync != nil {
		p.fileSystem.SyncBucketARN = envBucket.ARN
	}
	fs, err := filesystem.New(ctx, "lookup", &p.fileSystem)
	if err != nil {
		return err
	}
	volume := func(name string) service.Volume {
		return service.Volume{FileSystemID: fs.ID, FileSystemARN: fs.ARN,
			AccessPointID: fs.AccessPointIDs[name], AccessPointARN: fs.AccessPointARNs[name]}
	}

	var db service.Database
	outputs := pulumi.Map{}
	if p.container {
		login, err := credential.New(ctx, "lookup-mariadb", &credential.Args{
			Username: lookupDBUser, Group: "mariadb", Naming: p.conv, Protect: p.protect,
		})
		if err != nil {
			return err
		}
		db = service.Database{SecretARN: login.SecretARN, Address: pulumi.String(mariadbContainer),
			Port: pulumi.Int(mariadbPort), Name: pulumi.String(lookupDBName), Username: pulumi.String(lookupDBUser)}
		mariadb := p.serviceArgs(front, p.mariadb, "mariadb", net, dbSG)
		mariadb.Volumes = map[string]service.Volume{"database": volume("database")}
		mariadb.Databases = map[string]service.Database{lookupDB: db}
		mariadb.Publish = []service.Alias{{Container: mariadbContainer, Port: mariadbPort, DNSName: mariadbContainer}}
		// Exactly one MariaDB: two would corrupt the shared data directory.
		mariadb.Singleton = true
		if _, err := service.New(ctx, "lookup-mariadb", &mariadb); err != nil {
			return err
		}
		outputs["databaseSecretArn"] = login.SecretARN
	} else {
		p.rds.VPCID, p.rds.SubnetIDs, p.rds.PublicSubnetIDs = net.VPCID, net.PrivateSubnetIDs, net.PublicSubnetIDs
		p.rds.Clients = map[string]pulumi.StringInput{"app": appSG.ID}
		rds, err := database.New(ctx, "lookup", p.rds)
		if err != nil {
			return err
		}
		db = rdsDatabase(rds)
		outputs["databaseAddress"] = rds.Address
		outputs["databaseSecretArn"] = rds.SecretARN
	}

	appService := p.serviceArgs(front, p.app, "app", net, appSG)
	appService.Volumes = map[string]service.Volume{"authorities": volume("authorities")}
	appService.Databases = map[string]service.Database{lookupDB: db}
	appService.TargetGroupARN = front.lb.TargetGroupARN
	svc, err := service.New(ctx, "lookup-app", &appService)
	if err != nil {
		return err
	}

	outputs["url"] = front.lb.URL
	outputs["loadBalancerDnsName"] = front.lb.DNSName
	outputs["clusterName"] = front.cluster.Name
	outputs["serviceName"] = svc.Name
	outputs["taskDefinition"] = svc.Family
	outputs["logGroup"] = svc.LogGroupName
	outputs["envBucket"] = envBucket.Name
	outputs["fileSystemId"] = fs.ID
	ctx.Export("lookup", outputs)
	return nil
}
