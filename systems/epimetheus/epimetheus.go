// Package epimetheus is Epimetheus, a dashboard over the test results TestArchiver stores in
// PostgreSQL: an nginx frontend and a backend that run as one task, on Lightsail or on ECS Fargate
// behind HTTPS, with a Lightsail or RDS PostgreSQL database.
package epimetheus

import (
	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/forwarder"
	"github.com/strata-iac/strata/components/lightsail"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/registry"
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
	// postgresPort is where the backend connects: its image passes no --dbport, so the default.
	postgresPort = 5432
	// The init container that fetches the RDS certificate bundle (fargate), from Amazon's AWS CLI
	// image on ECR Public, which has curl.
	certsFetch  = "rds-certificates"
	certsVolume = "rds-certificates"
	certsDir    = "/rds-certificates"
	caBundle    = certsDir + "/rds-ca.pem"
	awsCLIImage = "public.ecr.aws/aws-cli/aws-cli:2.17.0"
	// DefaultLightsailNetwork is the IPv4 block of Lightsail's VPC, where its databases live.
	DefaultLightsailNetwork = "172.26.0.0/16"
	// forwarderName names the forwarder's resources.
	forwarderName = "forwarder"
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
	// Registry pulls the Docker Hub images through an ECR pull-through cache (fargate). Default none: pulled from Docker Hub directly.
	Registry *schema.Registry `json:"registry"`
	// Forwarder gives TestArchiver and operators a private path to the database: a small EC2 host without inbound rules, reached through Systems Manager port forwarding. On fargate it runs in a private subnet and the database admits its security group; on lightsail it runs in the account's default VPC, which must be peered with Lightsail's once (see the README). Default none.
	Forwarder *Forwarder `json:"forwarder"`
}

// Forwarder configures the database's port-forwarding host.
type Forwarder struct {
	// InstanceType is the host's instance type, family.size. Default t4g.nano.
	InstanceType string `json:"instanceType"`
	// LightsailNetwork is the IPv4 block of Lightsail's VPC in the region, where the host reaches the Lightsail database (lightsail only). Default 172.26.0.0/16.
	LightsailNetwork string `json:"lightsailNetwork"`
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
	// Registry is the pull-through cache of Docker Hub images (fargate); nil pulls directly.
	Registry *registry.Args
	// Forwarder is the database's port-forwarding host, without its network; nil for none.
	Forwarder *forwarder.Args
}

// OptIns are the deliberate security exceptions the stage's config asks for: a public or
// plaintext RDS instance, a public Lightsail database, a forwarder with a public address.
func (p Plan) OptIns() []systems.OptIn {
	key := systems.Key(Key)
	var out []systems.OptIn
	switch p.Platform {
	case Fargate:
		out = schema.DatabaseOptIns(field.Join(key, "database"), p.Database, App)
	case Lightsail:
		if d := p.Lightsail.Database; d != nil && len(d.ExternalClients) > 0 {
			out = append(out, systems.OptIn{Type: "aws:lightsail/database:Database", Name: App + "-db",
				Key: field.Join(key, "lightsail.database.externalClients"),
				Why: "the Lightsail database is publicly accessible so that the listed networks reach it; Lightsail cannot admit only them"})
		}
	}
	if f := p.Forwarder; f != nil && f.PublicIP {
		out = append(out, systems.OptIn{Type: "aws:ec2/instance:Instance", Name: App + "-" + forwarderName,
			Key: field.Join(key, "forwarder"),
			Why: "the forwarding host has a public IPv4 address to reach Systems Manager from the default VPC, which has no NAT; its security group admits nothing"})
	}
	return out
}

// backendCommand starts the backend as its image does, with the arguments quoted and the password
// given as --pw=<value>. The image's own command (backend_server/Dockerfile) is the shell form
// "python server.py --database $DATABASE --host $HOST --user $USER --pw $PASSWORD --port $PORT":
// unquoted, a password is split at spaces and expanded as a glob, and one that starts with "-" is
// taken by argparse (server.py) for an option, so the server exits. With --pw= the value is never
// read as an option, whatever RDS's rotation picks; the image has no entry point, so this command
// runs as it is, in the image's working directory and as its user.
var backendCommand = []string{"sh", "-c", `exec python server.py --database "$DATABASE" --host "$HOST" --user "$USER" --pw="$PASSWORD" --port "$PORT"`}

// appSpec is Epimetheus for either platform: the nginx frontend on 8080 talks to the backend over
// localhost:5000; the backend learns where PostgreSQL is from its environment, the database name
// and user straight from the database that was created, and its password as a secret. Its
// PostgreSQL client (libpq, through psycopg2) takes its TLS settings from PGSSLMODE and
// PGSSLROOTCERT, since the connection URI the backend builds names none.
//
// On ECS both containers' root file systems are read-only. The frontend image (nginx, running as
// the nginx user) writes its pid file and temporary files to /tmp (its nginx.conf) and renders its
// server configuration into /etc/nginx/conf.d at start (nginx's envsubst templates): both are
// scratch volumes. An init container fetches the RDS certificate bundle, and the backend verifies
// the database's certificate and host name against it (verify-full). Lightsail can do neither: the
// frontend writes to its root file system, and the backend requires TLS without verification.
func appSpec(platform string) app.Spec {
	front := app.Container{
		Name:        frontend,
		Ports:       []int{frontendPort},
		Environment: map[string]string{"BACKEND_URL": "http://localhost:5000"},
	}
	back := app.Container{
		Name:        backend,
		Ports:       []int{backendPort},
		Command:     backendCommand,
		Environment: map[string]string{"PORT": "5000"},
		DatabaseEnv: map[string]app.DatabaseValue{
			"HOST":     {Database: db, Attribute: app.AttrAddress},
			"DATABASE": {Database: db, Attribute: app.AttrName},
			"USER":     {Database: db, Attribute: app.AttrUsername},
		},
		Secrets: map[string]app.Secret{"PASSWORD": {Database: db, Key: app.KeyPassword}},
	}
	spec := app.Spec{Endpoint: &app.Endpoint{Container: frontend, Port: frontendPort, HealthCheckPath: "/"}}
	if platform == Lightsail {
		front.ReadonlyRootFilesystem = ptr(false)
		back.Environment["PGSSLMODE"] = "require"
		spec.Containers = []app.Container{front, back}
		return spec
	}
	front.Mounts = []app.Mount{{Volume: "nginx-tmp", Path: "/tmp"}, {Volume: "nginx-conf", Path: "/etc/nginx/conf.d"}}
	back.Environment["PGSSLMODE"] = "verify-full"
	back.Environment["PGSSLROOTCERT"] = caBundle
	back.Mounts = []app.Mount{{Volume: certsVolume, Path: certsDir, ReadOnly: true}}
	back.DependsOn = []app.Dependency{{Container: certsFetch, Condition: "SUCCESS"}}
	certs := app.Container{
		Name:       certsFetch,
		Image:      awsCLIImage,
		EntryPoint: []string{"curl"},
		Command:    []string{"--fail", "--silent", "--show-error", "--location", "--retry", "5", "--output", caBundle, database.CABundleURL},
		Essential:  ptr(false),
		Mounts:     []app.Mount{{Volume: certsVolume, Path: certsDir}},
	}
	spec.Scratch = []string{"nginx-tmp", "nginx-conf", certsVolume}
	spec.Containers = []app.Container{front, certs, back}
	return spec
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
	definition := appSpec(p.Platform)
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
		if c.Database != nil && p.Database.Port != postgresPort && !errs.Covers("database.port") {
			errs.Add("database.port", "%d is not the port the backend connects to: its image passes no port, so PostgreSQL's %d; remove port", p.Database.Port, postgresPort)
		}
		errs.Merge("app", service.CheckApp(p.App, p.Web.Cluster.Capacity, app.Offer{Databases: []string{db}}))
		if c.Registry != nil {
			r := c.Registry.Args(p.Naming)
			errs.Merge("registry", r.Validate())
			p.Registry = &r
		}
		if c.Forwarder != nil {
			if c.Forwarder.LightsailNetwork != "" {
				errs.Add("forwarder.lightsailNetwork", "only with platform: lightsail")
			}
			f := forwarder.Args{Group: forwarderName, InstanceType: c.Forwarder.InstanceType, Naming: p.Naming}
			errs.Merge("forwarder", f.Validate())
			p.Forwarder = &f
		}
	case Lightsail:
		only("cluster", c.Cluster != nil, Fargate)
		only("database", c.Database != nil, Fargate)
		only("loadBalancer", c.LoadBalancer != nil, Fargate)
		only("service", c.Service != nil, Fargate)
		only("registry", c.Registry != nil, Fargate)
		if c.Lightsail == nil {
			errs.Add("lightsail", "is required on lightsail: set at least database.blueprint and database.name")
			break
		}
		p.Lightsail = c.Lightsail.Args()
		p.Lightsail.App, p.Lightsail.Naming, p.Lightsail.Protect = p.App, p.Naming, st.Protect
		errs.Merge("lightsail", p.Lightsail.Validate())
		errs.Merge("app", p.Lightsail.CheckApp())
		p.Lightsail = p.Lightsail.WithDefaults()
		if c.Forwarder != nil {
			if p.Lightsail.Database == nil {
				errs.Add("forwarder", "forwards to the Lightsail database: set lightsail.database, or remove forwarder")
			}
			network := c.Forwarder.LightsailNetwork
			if network == "" {
				network = DefaultLightsailNetwork
			}
			// The default VPC has no NAT: Systems Manager is reached through a public address,
			// which admits nothing.
			f := forwarder.Args{Group: forwarderName, InstanceType: c.Forwarder.InstanceType, Naming: p.Naming, PublicIP: true,
				Networks: []forwarder.Network{{Name: "lightsail", CIDR: network, Port: postgresPort}}}
			for _, e := range field.Problems(f.Validate()) {
				if e.Path == "networks[0].cidr" {
					e = &field.Error{Path: "lightsailNetwork", Msg: e.Msg}
				}
				errs.Merge("forwarder", e)
			}
			p.Forwarder = &f
		}
	}
	return p, field.Prefix(systems.Key(Key), errs.Err())
}

func ptr[T any](v T) *T { return &v }
