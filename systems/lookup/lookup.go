// Package lookup is the QA authority lookup: a Rails app (qa_server) answering linked-data authority
// queries, on ECS behind HTTPS, with its authority files on an EFS access point, its env file in a
// private bucket and MariaDB either as exactly one ECS task (its data on another access point) or
// on RDS.
package lookup

import (
	"strings"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/filesystem"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/service"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/schema"
	"github.com/strata-iac/strata/systems/webapp"
)

// App names and tags the lookup's resources: lookup-<env>-<group>.
const App = "lookup"

// Key is the lookup's config key.
const Key = "lookup"

// The lookup's fixed facts.
const (
	appContainer = "qa-server-app"
	appPort      = 3000
	// authoritiesMount is where qa_server reads its authority configuration files.
	authoritiesMount = "/app/ld4p/qa_server-webapp/config/authorities"
	mariadbContainer = "qa-mariadb"
	mariadbPort      = 3306
	// mariadbDataDir is MariaDB's data directory in the official image.
	mariadbDataDir = "/var/lib/mysql"
	dbName         = "qa_authority"
	dbUser         = "qa"
	defaultEnvFile = "lookup.env"
	// The official MariaDB image runs as mysql, uid and gid 999: the database access point's owner.
	mariadbUID = 999
	// MariaDB pinned to the 10.6 series the original needed (latest broke it); from ECR Public's
	// mirror of the official image, which has no Docker Hub pull limits.
	mariadbImage = "public.ecr.aws/docker/library/mariadb:10.6.20"
	// Where MariaDB runs.
	dbRDS       = "rds"
	dbContainer = "container"
	// db is the name under which the app's secrets and databaseEnv refer to its database.
	db = "db"
	// priority is the lookup's listener rule priority on the shared load balancer.
	priority = 100
)

// Config configures the QA authority lookup (strata:lookup). Its containers and wiring are defined
// here in code; the stage chooses images, sizes, capacity and where MariaDB runs.
type Config struct {
	// EnvBucket is the globally unique name of the private, versioned, TLS-only bucket holding the env file (and the authority files the optional refresh copies). Required.
	EnvBucket string `json:"envBucket"`
	// EnvFile is the key of the env file both containers load (must end in .env). Put no passwords in it: they come from Secrets Manager. Default lookup.env.
	EnvFile string `json:"envFile"`
	// Database is where MariaDB runs: rds (default: an RDS MariaDB instance) or container (exactly one ECS task, data on the database access point at /var/lib/mysql, reached as qa-mariadb:3306 through ECS Service Connect, its login generated into Secrets Manager).
	Database string `json:"database"`
	// RDS configures the RDS instance (required with database rds): engine mariadb, dbName default qa_authority, username default qa.
	RDS *schema.Database `json:"rds"`
	// MariaDB adjusts the qa-mariadb container (pinned mariadb:10.6.20 from ECR Public by default); only with database container.
	MariaDB *schema.App `json:"mariadb"`
	// App adjusts the qa-server-app container (port 3000, authorities mounted read-only, MYSQL_HOST/PORT/DATABASE/USER from the database, MYSQL_PASSWORD from its secret); its image is required. Default size 512 CPU / 1024 MiB.
	App schema.App `json:"app"`
	// FileSystem tunes the EFS file system. Access points default to authorities (/authorities, uid/gid 1000) and, with database container, database (/database, uid/gid 999, MariaDB's user). sync refreshes the authorities from envBucket on a schedule.
	FileSystem schema.FileSystem `json:"fileSystem"`
	// Cluster chooses the ECS capacity: fargate (default), fargateSpot or ec2.
	Cluster schema.Cluster `json:"cluster"`
	// Service tunes the ECS services: log retention, ECS Exec, grace period.
	Service schema.Service `json:"service"`
	// LoadBalancer is the app's HTTPS site: certificateArn or zone (with app.endpoint.domain), or a load balancer of its own.
	LoadBalancer schema.LoadBalancer `json:"loadBalancer"`
}

// Plan is the lookup prepared for a stage.
type Plan struct {
	Naming  naming.Convention
	Protect bool
	// Container runs MariaDB as one ECS task; otherwise RDS.
	Container bool
	EnvBucket bucket.Args
	// App and MariaDB are the two apps, with their defaults.
	App, MariaDB app.Spec
	// RDS is the RDS instance; nil in container mode.
	RDS        *database.Args
	FileSystem filesystem.Args
	Web        webapp.Plan
}

// appSpec is the lookup app: qa-server-app on port 3000 with the authority files mounted
// read-only, reaching MariaDB through the database's connection details and its login secret.
func appSpec(envFile string) app.Spec {
	return app.Spec{
		CPU: 512, MemoryMiB: 1024,
		Containers: []app.Container{{
			Name:     appContainer,
			Ports:    []int{appPort},
			EnvFiles: []string{envFile},
			DatabaseEnv: map[string]app.DatabaseValue{
				"MYSQL_HOST":     {Database: db, Attribute: app.AttrAddress},
				"MYSQL_PORT":     {Database: db, Attribute: app.AttrPort},
				"MYSQL_DATABASE": {Database: db, Attribute: app.AttrName},
				"MYSQL_USER":     {Database: db, Attribute: app.AttrUsername},
			},
			Secrets: map[string]app.Secret{"MYSQL_PASSWORD": {Database: db, Key: app.KeyPassword}},
			Mounts:  []app.Mount{{Volume: "authorities", Path: authoritiesMount, ReadOnly: true}},
			// Rails writes tmp/ and log/ inside the application directory.
			ReadonlyRootFilesystem: ptr(false),
		}},
		Endpoint: &app.Endpoint{Container: appContainer, Port: appPort, HealthCheckPath: "/"},
	}
}

// mariadbSpec is MariaDB as one container with its data on the database access point. Root logs in
// only from inside the container; both passwords come from the generated login secret.
func mariadbSpec(envFile string) app.Spec {
	return app.Spec{
		CPU: 512, MemoryMiB: 1024,
		Containers: []app.Container{{
			Name:        mariadbContainer,
			Image:       mariadbImage,
			Ports:       []int{mariadbPort},
			EnvFiles:    []string{envFile},
			Environment: map[string]string{"MARIADB_ROOT_HOST": "localhost"},
			DatabaseEnv: map[string]app.DatabaseValue{
				"MARIADB_DATABASE": {Database: db, Attribute: app.AttrName},
				"MARIADB_USER":     {Database: db, Attribute: app.AttrUsername},
			},
			Secrets: map[string]app.Secret{
				"MARIADB_PASSWORD":      {Database: db, Key: app.KeyPassword},
				"MARIADB_ROOT_PASSWORD": {Database: db, Key: app.KeyPassword},
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

// Plan applies the defaults and the lookup's rules, and reports every problem under strata:lookup.
func (c Config) Plan(st systems.Stage) (Plan, error) {
	var errs field.Errors
	p := Plan{Naming: st.Naming(App), Protect: st.Protect}
	if !st.Network {
		errs.Add("", "the lookup runs in a VPC: set strata:network (a new VPC, or an existing one by id)")
	}
	envFile := c.EnvFile
	if envFile == "" {
		envFile = defaultEnvFile
	}
	if !strings.HasSuffix(envFile, ".env") || strings.HasPrefix(envFile, "/") {
		errs.Add("envFile", "%q is not an env file key: ECS loads only keys ending in .env, without a leading /", envFile)
	}
	envFileURL := "s3://" + c.EnvBucket + "/" + envFile
	p.EnvBucket = bucket.Args{Name: c.EnvBucket, Tags: p.Naming.Tags("config"), Protect: p.Protect}
	for _, e := range field.Problems(p.EnvBucket.Validate()) {
		if e.Path == "name" {
			e = &field.Error{Path: "envBucket", Msg: e.Msg}
		}
		errs.Merge("", e)
	}

	mode := c.Database
	if mode == "" {
		mode = dbRDS
	}
	errs.OneOf("database", mode, dbRDS, dbContainer)
	p.Container = mode == dbContainer
	switch {
	case p.Container && c.RDS != nil:
		errs.Add("rds", "only with database: rds; the container mode runs MariaDB itself")
	case !p.Container && c.MariaDB != nil:
		errs.Add("mariadb", "only with database: container; with rds there is no MariaDB container")
	case !p.Container && c.RDS == nil:
		errs.Add("rds", "is required with database: rds: set at least engineVersion, e.g. 10.11.9")
	}

	spec, err := c.App.Apply(appSpec(envFileURL))
	errs.Merge("app", err)
	p.App = spec.WithDefaults()
	p.Web, err = c.webConfig().Plan(st, p.Naming, *p.App.Endpoint, priority)
	errs.Merge("", err)
	// MariaDB in a container is found by name through Service Connect.
	p.Web.Cluster.ServiceConnect = p.Container
	capacity := p.Web.Cluster.Capacity
	errs.Merge("app", service.CheckApp(p.App, capacity, app.Offer{Volumes: []string{"authorities"}, Databases: []string{db}}))
	volumes := []string{"authorities"}
	if p.Container {
		volumes = append(volumes, "database")
		var o schema.App
		if c.MariaDB != nil {
			o = *c.MariaDB
		}
		spec, err := o.Apply(mariadbSpec(envFileURL))
		errs.Merge("mariadb", err)
		p.MariaDB = spec.WithDefaults()
		errs.Merge("mariadb", service.CheckApp(p.MariaDB, capacity, app.Offer{Volumes: []string{"database"}, Databases: []string{db}}))
	}

	p.FileSystem = c.FileSystem.Args()
	p.FileSystem.Naming, p.FileSystem.Protect = p.Naming, p.Protect
	if p.FileSystem.AccessPoints == nil {
		p.FileSystem.AccessPoints = map[string]filesystem.AccessPoint{"authorities": {Path: "/authorities"}}
		if p.Container {
			p.FileSystem.AccessPoints["database"] = filesystem.AccessPoint{Path: "/database", UID: ptr(mariadbUID), GID: ptr(mariadbUID)}
		}
	}
	for _, v := range volumes {
		if _, ok := p.FileSystem.AccessPoints[v]; !ok {
			errs.Add(field.Join("fileSystem.accessPoints", v), "is required: the lookup mounts it")
		}
	}
	errs.Merge("fileSystem", p.FileSystem.Validate())
	p.FileSystem = p.FileSystem.WithDefaults()

	if c.RDS != nil {
		rds := c.RDS.Args()
		if rds.Engine == "" {
			rds.Engine = database.MariaDB
		}
		if rds.DBName == "" {
			rds.DBName = dbName
		}
		if rds.Username == "" {
			rds.Username = dbUser
		}
		rds.Naming, rds.Protect = p.Naming, p.Protect
		if rds.Engine != database.MariaDB {
			errs.Add("rds.engine", "%q is not allowed: the lookup's app speaks MariaDB; use mariadb", rds.Engine)
		}
		errs.Merge("rds", rds.Validate())
		rds = rds.WithDefaults()
		p.RDS = &rds
	}
	return p, field.Prefix(systems.Key(Key), errs.Err())
}

func (c Config) webConfig() webapp.Config {
	return webapp.Config{Cluster: c.Cluster, Service: c.Service, LoadBalancer: c.LoadBalancer}
}

func ptr[T any](v T) *T { return &v }
