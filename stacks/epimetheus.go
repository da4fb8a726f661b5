package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/lightsail"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/service"
	"github.com/strata-iac/strata/internal/config"
)

// Epimetheus' fixed facts (SYSTEMS.md §3).
const (
	epimetheusFrontend = "epimetheus-frontend"
	epimetheusBackend  = "epimetheus-backend"
	frontendPort       = 8080
	backendPort        = 5000
	platformFargate    = "fargate"
	platformLightsail  = "lightsail"
	// The database key in the app's secrets and databaseEnv; Lightsail's component uses the same.
	epimetheusDB = lightsail.DatabaseKey
)

// epimetheusApp is Epimetheus as SYSTEMS.md describes it, for either platform: the nginx frontend
// on 8080 talks to the backend over localhost:5000; the backend learns where PostgreSQL is from
// its environment, the database name and user straight from the database that was created (the
// original's DATABASE=postgres pointed elsewhere), and its password as a secret.
func epimetheusApp() app.Spec {
	return app.Spec{
		Containers: []app.Container{{
			Name:        epimetheusFrontend,
			Ports:       []int{frontendPort},
			Environment: map[string]string{"BACKEND_URL": "http://localhost:5000"},
			// nginx writes its cache and pid file under /var and /run.
			ReadonlyRootFilesystem: ptr(false),
		}, {
			Name:        epimetheusBackend,
			Ports:       []int{backendPort},
			Environment: map[string]string{"PORT": "5000"},
			DatabaseEnv: map[string]app.DatabaseValue{
				"HOST":     {Database: epimetheusDB, Attribute: app.AttrAddress},
				"DATABASE": {Database: epimetheusDB, Attribute: app.AttrName},
				"USER":     {Database: epimetheusDB, Attribute: app.AttrUsername},
			},
			Secrets: map[string]app.Secret{"PASSWORD": {Database: epimetheusDB, Key: app.KeyPassword}},
		}},
		Endpoint: &app.Endpoint{Container: epimetheusFrontend, Port: frontendPort, HealthCheckPath: "/"},
	}
}

// epimetheusPlan is Epimetheus prepared from config for its platform.
type epimetheusPlan struct {
	conv     naming.Convention
	platform string
	app      app.Spec
	// fargate
	db database.Args
	web
	// lightsail
	lightsail lightsail.Args
}

// epimetheus prepares Epimetheus (SYSTEMS.md §3) when strata:epimetheus is set. One app
// definition serves both platforms; the stage's platform decides: Fargate behind an HTTPS load
// balancer with RDS PostgreSQL, or a Lightsail container service with a Lightsail database.
func epimetheus(cfg *config.Config) *system {
	if cfg.Epimetheus == nil {
		return nil
	}
	e := *cfg.Epimetheus
	p := &epimetheusPlan{conv: cfg.Stage.Naming("epimetheus")}
	return &system{
		validate: func() error {
			return field.Prefix(config.Key("epimetheus"), p.prepare(e, cfg.Stage.Protect, cfg.Network != nil))
		},
		deploy: func(ctx *pulumi.Context, env *shared) error { return p.deploy(ctx, env) },
	}
}

func (p *epimetheusPlan) prepare(e config.Epimetheus, protect, haveNetwork bool) error {
	var errs field.Errors
	p.platform = e.Platform
	if p.platform == "" {
		p.platform = platformFargate
	}
	errs.OneOf("platform", p.platform, platformFargate, platformLightsail)
	definition := epimetheusApp()
	if p.platform == platformFargate {
		// The task size the original ran; Lightsail sizes by its service's power instead.
		definition.CPU, definition.MemoryMiB = 256, 1024
	}
	var err error
	p.app, err = e.App.Apply(definition)
	errs.Merge("app", err)

	only := func(key string, set bool, platform string) {
		if set {
			errs.Add(key, "only with platform: %s", platform)
		}
	}
	switch p.platform {
	case platformFargate:
		only("lightsail", e.Lightsail != nil, platformLightsail)
		if !haveNetwork {
			errs.Add("", "Epimetheus on Fargate runs in a VPC: set strata:network")
		}
		if e.Database == nil {
			errs.Add("database", "is required on fargate: the backend needs PostgreSQL; set at least engineVersion and dbName")
		} else {
			p.db = *e.Database
		}
		if e.LoadBalancer == nil {
			errs.Add("loadBalancer", "is required on fargate: HTTPS needs a certificate; set certificateArn or zone")
		} else {
			p.lb = *e.LoadBalancer
		}
		if e.Cluster != nil {
			p.cluster = *e.Cluster
		}
		if e.Service != nil {
			p.service = *e.Service
		}
		p.web.prepare(&errs, p.conv, protect, p.app.Endpoint, e.LoadBalancer != nil)
		if p.db.Engine == "" {
			p.db.Engine = "postgres"
		}
		if p.db.Engine != "postgres" {
			errs.Add("database.engine", "%q is not allowed: Epimetheus and TestArchiver use PostgreSQL; use postgres", p.db.Engine)
		}
		p.db.Naming, p.db.Protect = p.conv, protect
		if e.Database != nil {
			errs.Merge("database", p.db.Validate())
		}
		errs.Merge("app", service.CheckApp(&p.app, p.cluster.Capacity, app.Offer{Databases: []string{epimetheusDB}}))
	case platformLightsail:
		only("cluster", e.Cluster != nil, platformFargate)
		only("database", e.Database != nil, platformFargate)
		only("loadBalancer", e.LoadBalancer != nil, platformFargate)
		only("service", e.Service != nil, platformFargate)
		if e.Lightsail == nil {
			errs.Add("lightsail", "is required on lightsail: set at least database.blueprint and database.name")
			break
		}
		p.lightsail = *e.Lightsail
		p.lightsail.App, p.lightsail.Naming, p.lightsail.Protect = p.app, p.conv, protect
		errs.Merge("lightsail", p.lightsail.Validate())
		errs.Merge("app", p.lightsail.CheckApp())
	}
	return errs.Err()
}

func (p *epimetheusPlan) deploy(ctx *pulumi.Context, env *shared) error {
	if p.platform == platformLightsail {
		ls, err := lightsail.New(ctx, "epimetheus", &p.lightsail)
		if err != nil {
			return err
		}
		ctx.Export("epimetheus", pulumi.Map{
			"platform":         pulumi.String(p.platform),
			"url":              ls.URL,
			"serviceName":      ls.ServiceName,
			"databaseEndpoint": ls.DatabaseEndpoint,
			"databaseName":     ls.DatabaseName,
			"databaseUsername": ls.DatabaseUsername,
		})
		// Apart, so that the rest of the map stays readable: a secret inside makes all of it secret.
		ctx.Export("epimetheusDatabasePassword", ls.DatabasePassword)
		return nil
	}

	net := env.network
	front, err := p.deployFront(ctx, "epimetheus", p.conv, net, frontendPort, map[string]int{"postgres": 5432})
	if err != nil {
		return err
	}
	p.db.VPCID, p.db.SubnetIDs, p.db.PublicSubnetIDs = net.VPCID, net.PrivateSubnetIDs, net.PublicSubnetIDs
	p.db.Clients = map[string]pulumi.StringInput{"app": front.tasks.ID}
	db, err := database.New(ctx, "epimetheus", &p.db)
	if err != nil {
		return err
	}
	svcArgs := p.serviceArgs(front, p.app, "app", net, front.tasks)
	svcArgs.Databases = map[string]service.Database{epimetheusDB: rdsDatabase(db)}
	svcArgs.TargetGroupARN = front.lb.TargetGroupARN
	svc, err := service.New(ctx, "epimetheus", &svcArgs)
	if err != nil {
		return err
	}
	ctx.Export("epimetheus", pulumi.Map{
		"platform":            pulumi.String(p.platform),
		"url":                 front.lb.URL,
		"loadBalancerDnsName": front.lb.DNSName,
		"clusterName":         front.cluster.Name,
		"serviceName":         svc.Name,
		"taskDefinition":      svc.Family,
		"logGroup":            svc.LogGroupName,
		"databaseEndpoint":    pulumi.Sprintf("%s:%d", db.Address, db.Port),
		"databaseName":        db.DBName,
		"databaseSecretArn":   db.SecretARN,
	})
	return nil
}
