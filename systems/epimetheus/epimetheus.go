// Package epimetheus is Epimetheus, a dashboard over the test results TestArchiver stores in
// PostgreSQL: an nginx frontend and a backend that run as one task, on Lightsail or on ECS Fargate
// behind HTTPS, with a Lightsail or RDS PostgreSQL database.
package epimetheus

import (
	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/lightsail"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/service"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/schema"
	"github.com/strata-iac/strata/systems/webapp"
)

// App names and tags Epimetheus' resources: epimetheus-<env>-<group>.
const App = "epimetheus"

// Key is Epimetheus' config key.
const Key = "epimetheus"

// Epimetheus' fixed facts.
const (
	frontend     = "epimetheus-frontend"
	backend      = "epimetheus-backend"
	frontendPort = 8080
	backendPort  = 5000
	// Platforms.
	Fargate   = "fargate"
	Lightsail = "lightsail"
	// db is the database key in the app's secrets and databaseEnv; Lightsail's component uses the same.
	db = lightsail.DatabaseKey
	// priority is Epimetheus' listener rule priority on the shared load balancer.
	priority = 200
)

// Config configures Epimetheus (strata:epimetheus). Its two containers and their wiring are defined
// here in code; the stage chooses the platform.
type Config struct {
	// Platform is fargate (default: ECS Fargate, 256 CPU / 1024 MiB, behind HTTPS, with RDS PostgreSQL; needs strata:network) or lightsail (a Lightsail container service with a Lightsail PostgreSQL database).
	Platform string `json:"platform"`
	// App adjusts the app (containers epimetheus-frontend and epimetheus-backend); images are required; endpoint.domain is the public name.
	App schema.App `json:"app"`
	// Database configures the RDS PostgreSQL instance (required on fargate); engine postgres.
	Database *schema.Database `json:"database"`
	// Cluster chooses the ECS capacity (fargate).
	Cluster *schema.Cluster `json:"cluster"`
	// Service tunes the ECS service (fargate).
	Service *schema.Service `json:"service"`
	// LoadBalancer is the app's HTTPS site (required on fargate).
	LoadBalancer *schema.LoadBalancer `json:"loadBalancer"`
	// Lightsail configures the container service and its database (required on lightsail).
	Lightsail *schema.Lightsail `json:"lightsail"`
}

// Plan is Epimetheus prepared for a stage.
type Plan struct {
	Naming   naming.Convention
	Platform string
	// App is the app with its defaults.
	App app.Spec
	// Fargate: the database and the ECS platform.
	Database database.Args
	Web      webapp.Plan
	// Lightsail: the container service, its app included.
	Lightsail lightsail.Args
}

// appSpec is Epimetheus for either platform: the nginx frontend on 8080 talks to the backend over
// localhost:5000; the backend learns where PostgreSQL is from its environment, the database name
// and user straight from the database that was created, and its password as a secret.
func appSpec() app.Spec {
	return app.Spec{
		Containers: []app.Container{{
			Name:        frontend,
			Ports:       []int{frontendPort},
			Environment: map[string]string{"BACKEND_URL": "http://localhost:5000"},
			// nginx writes its cache and pid file under /var and /run.
			ReadonlyRootFilesystem: ptr(false),
		}, {
			Name:        backend,
			Ports:       []int{backendPort},
			Environment: map[string]string{"PORT": "5000"},
			DatabaseEnv: map[string]app.DatabaseValue{
				"HOST":     {Database: db, Attribute: app.AttrAddress},
				"DATABASE": {Database: db, Attribute: app.AttrName},
				"USER":     {Database: db, Attribute: app.AttrUsername},
			},
			Secrets: map[string]app.Secret{"PASSWORD": {Database: db, Key: app.KeyPassword}},
		}},
		Endpoint: &app.Endpoint{Container: frontend, Port: frontendPort, HealthCheckPath: "/"},
	}
}

// Plan applies the defaults and the platform's rules, and reports every problem under
// strata:epimetheus.
func (c Config) Plan(st systems.Stage) (Plan, error) {
	var errs field.Errors
	p := Plan{Naming: st.Naming(App), Platform: c.Platform}
	if p.Platform == "" {
		p.Platform = Fargate
	}
	errs.OneOf("platform", p.Platform, Fargate, Lightsail)
	definition := appSpec()
	if p.Platform == Fargate {
		// The task size the original ran; Lightsail sizes by its service's power instead.
		definition.CPU, definition.MemoryMiB = 256, 1024
	}
	spec, err := c.App.Apply(definition)
	errs.Merge("app", err)
	p.App = spec.WithDefaults()

	only := func(key string, set bool, platform string) {
		if set {
			errs.Add(key, "only with platform: %s", platform)
		}
	}
	switch p.Platform {
	case Fargate:
		only("lightsail", c.Lightsail != nil, Lightsail)
		if !st.Network {
			errs.Add("", "Epimetheus on Fargate runs in a VPC: set strata:network")
		}
		if c.Database == nil {
			errs.Add("database", "is required on fargate: the backend needs PostgreSQL; set at least engineVersion and dbName")
		} else {
			p.Database = c.Database.Args()
		}
		var web webapp.Config
		if c.LoadBalancer == nil {
			errs.Add("loadBalancer", "is required on fargate: HTTPS needs a certificate; set certificateArn or zone")
		} else {
			web.LoadBalancer = *c.LoadBalancer
		}
		if c.Cluster != nil {
			web.Cluster = *c.Cluster
		}
		if c.Service != nil {
			web.Service = *c.Service
		}
		p.Web, err = web.Plan(st, p.Naming, *p.App.Endpoint, priority)
		for _, e := range field.Problems(err) {
			// Without a loadBalancer section, its problems would restate the one reported above.
			if !errs.Covers(e.Path) {
				errs.Merge("", e)
			}
		}
		if p.Database.Engine == "" {
			p.Database.Engine = database.Postgres
		}
		if p.Database.Engine != database.Postgres {
			errs.Add("database.engine", "%q is not allowed: Epimetheus and TestArchiver use PostgreSQL; use postgres", p.Database.Engine)
		}
		p.Database.Naming, p.Database.Protect = p.Naming, st.Protect
		if c.Database != nil {
			errs.Merge("database", p.Database.Validate())
		}
		p.Database = p.Database.WithDefaults()
		errs.Merge("app", service.CheckApp(p.App, p.Web.Cluster.Capacity, app.Offer{Databases: []string{db}}))
	case Lightsail:
		only("cluster", c.Cluster != nil, Fargate)
		only("database", c.Database != nil, Fargate)
		only("loadBalancer", c.LoadBalancer != nil, Fargate)
		only("service", c.Service != nil, Fargate)
		if c.Lightsail == nil {
			errs.Add("lightsail", "is required on lightsail: set at least database.blueprint and database.name")
			break
		}
		p.Lightsail = c.Lightsail.Args()
		p.Lightsail.App, p.Lightsail.Naming, p.Lightsail.Protect = p.App, p.Naming, st.Protect
		errs.Merge("lightsail", p.Lightsail.Validate())
		errs.Merge("app", p.Lightsail.CheckApp())
		p.Lightsail = p.Lightsail.WithDefaults()
	}
	return p, field.Prefix(systems.Key(Key), errs.Err())
}

func ptr[T any](v T) *T { return &v }
