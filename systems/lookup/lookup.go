// Package lookup is the QA authority lookup: a Rails app (qa_server) answering linked-data authority
// queries, on ECS behind HTTPS, with its authority files on an EFS access point, its env file in a
// private bucket and MariaDB either as exactly one ECS task (its data on another access point) or
// on RDS.
package lookup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/credential"
	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/filesystem"
	"github.com/strata-iac/strata/components/loadbalancer"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/registry"
	"github.com/strata-iac/strata/components/service"
	"github.com/strata-iac/strata/systems"
	"github.com/strata-iac/strata/systems/schema"
	"github.com/strata-iac/strata/systems/webapp"
)

// App names and tags the lookup's resources: lookup-<env>-<group>.
const App = "lookup"

// Key is the lookup's config key.
const Key = "lookup"

// The lookup's fixed facts, read from the qa_server container image (LD4P/qa_server_container:
// Dockerfile, config/database.yml, bin/docker-entrypoint.sh) and the official MariaDB image.
const (
	appContainer = "qa-server-app"
	appPort      = 3000
	// appRoot is the image's WORKDIR and RAILS_ROOT.
	appRoot = "/app/ld4p/qa_server-webapp"
	// authoritiesMount is where qa_server reads its authority configuration files.
	authoritiesMount = appRoot + "/config/authorities"
	mariadbContainer = "qa-mariadb"
	mariadbPort      = 3306
	// mariadbDataDir is MariaDB's data directory in the official image.
	mariadbDataDir = "/var/lib/mysql"
	// dbPrefix is the database name the app's database.yml derives from MYSQL_DATABASE_NAME_PREFIX:
	// the prefix itself for RAILS_ENV production, prefix_<env> for the other environments.
	dbPrefix       = "qa_authority"
	dbUser         = "qa"
	defaultEnvFile = "lookup.env"
	// The official MariaDB image runs as mysql, uid and gid 999: the database access point's owner.
	mariadbUID = 999
	// MariaDB pinned to the 10.6 series the original needed (latest broke it); from ECR Public's
	// mirror of the official image, which has no Docker Hub pull limits.
	mariadbImage = "public.ecr.aws/docker/library/mariadb:10.6.20"
	// awsCLIImage runs the init containers that need the AWS CLI (authority files from S3) or curl
	// (the RDS certificate bundle). Amazon's own image, from ECR Public.
	awsCLIImage = "public.ecr.aws/aws-cli/aws-cli:2.17.0"
	// Where MariaDB runs.
	dbRDS       = "rds"
	dbContainer = "container"
	// db is the name under which the app's secrets and databaseEnv refer to its database and its
	// own login; root is MariaDB's root login, a secret of its own; master is RDS's master login,
	// which only the db-login init container uses.
	db     = "db"
	root   = "root"
	master = "master"
	// appUser is the app's own login on RDS, apart from the master user.
	appUser = "lookup"
	// priority is the lookup's listener rule priority on the shared load balancer.
	priority = 100
	// Init containers of the app task, and the scratch volumes of both tasks.
	authoritiesCopy = "authorities-copy"
	certsFetch      = "rds-certificates"
	dbLogin         = "db-login"
	certsVolume     = "rds-certificates"
	certsDir        = "/rds-certificates"
	// caBundle is where the app finds the RDS certificate bundle.
	caBundle = certsDir + "/rds-ca.pem"
	// DefaultAuthoritiesPrefix is where the authority files live in envBucket.
	DefaultAuthoritiesPrefix = "authorities/"
	// DefaultRailsEnv is the Rails environment of the app.
	DefaultRailsEnv = "production"
	// secretKeyBaseLength matches the 128 characters of `rails secret`, in letters and digits.
	secretKeyBaseLength = 128
)

// RailsEnvs are the Rails environments the image configures with a MySQL database
// (config/environments and config/database.yml; test uses SQLite and is not offered).
var RailsEnvs = []string{"production", "staging", "integration", "development"}

// DatabaseName is the database the app connects to in railsEnv, for the database.yml prefix.
func DatabaseName(prefix, railsEnv string) string {
	if railsEnv == "production" {
		return prefix
	}
	return prefix + "_" + railsEnv
}

// Config configures the QA authority lookup (strata:lookup). Its containers and wiring are defined
// here in code; the stage chooses images, sizes, capacity and where MariaDB runs.
type Config struct {
	// EnvBucket is the globally unique name of the private, versioned, TLS-only bucket holding the env file and the authority files. Required.
	EnvBucket string `json:"envBucket"`
	// EnvFile is the key of the env file the app loads (must end in .env). Default lookup.env.
	EnvFile string `json:"envFile"`
	// EnvFileSource is a file on the machine that runs Pulumi, kept out of git, which the stack uploads as envFile before any task starts; a relative path is read from the project directory. Set it or envFileContent.
	EnvFileSource string `json:"envFileSource"`
	// EnvFileContent is the env file's content, set as a secret config value (pulumi config set --secret --path strata:lookup.envFileContent < lookup.env) or from a Pulumi ESC environment; the stack uploads it as envFile before any task starts. Set it or envFileSource.
	EnvFileContent string `json:"envFileContent"`
	// Authorities says where the authority files come from: an envBucket prefix that every app task copies onto the authorities access point when it starts, optionally filled by the stack from a local directory.
	Authorities Authorities `json:"authorities"`
	// RailsEnv is the app's Rails environment: production (default), staging, integration or development. It decides the database's name, which the app derives from MYSQL_DATABASE_NAME_PREFIX: qa_authority for production, qa_authority_<railsEnv> otherwise.
	RailsEnv string `json:"railsEnv"`
	// Database is where MariaDB runs: rds (default: an RDS MariaDB instance) or container (exactly one ECS task, data on the database access point at /var/lib/mysql, reached as qa-mariadb:3306 through ECS Service Connect, its logins generated into Secrets Manager).
	Database string `json:"database"`
	// RDS configures the RDS instance (required with database rds): engine mariadb, dbName the database the Rails environment needs (default and required), username default qa.
	RDS *schema.Database `json:"rds"`
	// MariaDB adjusts the qa-mariadb container (pinned mariadb:10.6.20 from ECR Public by default); only with database container.
	MariaDB *schema.App `json:"mariadb"`
	// App adjusts the app's containers: qa-server-app (port 3000, authorities mounted read-only; its image is required, e.g. LD4P's public.ecr.aws/u8a1v5x2/ld4p/qa_authority_lookup:v2.0.0), authorities-copy and, with rds, rds-certificates (init containers, AWS CLI image) and db-login (init container creating the app's own login, MariaDB image). Default size 512 CPU / 1024 MiB.
	App schema.App `json:"app"`
	// FileSystem tunes the EFS file system. Access points default to authorities (/authorities, uid/gid 1000) and, with database container, database (/database, uid/gid 999, MariaDB's user). sync refreshes the authorities from envBucket on a schedule (DataSync) for tasks already running; its bucketPrefix defaults to authorities.bucketPrefix and must equal it.
	FileSystem schema.FileSystem `json:"fileSystem"`
	// Cluster chooses the ECS capacity: fargate (default), fargateSpot or ec2.
	Cluster schema.Cluster `json:"cluster"`
	// Service tunes the ECS services: log retention, ECS Exec, grace period.
	Service schema.Service `json:"service"`
	// Registry pulls the Docker Hub images (the app's) through an ECR pull-through cache. Default none: pulled from Docker Hub directly.
	Registry *schema.Registry `json:"registry"`
	// LoadBalancer is the app's HTTPS site: certificateArn or zone (with app.endpoint.domain), or a load balancer of its own.
	LoadBalancer schema.LoadBalancer `json:"loadBalancer"`
}

// Authorities says where the authority files come from.
type Authorities struct {
	// BucketPrefix is the envBucket prefix holding the authority files, e.g. authorities/ (the default): no leading slash, ending in one.
	BucketPrefix string `json:"bucketPrefix"`
	// Source is a local directory whose files the stack uploads under bucketPrefix, keeping their paths, before any task starts (a relative path is read from the project directory). Default none: upload them yourself (aws s3 sync).
	Source string `json:"source"`
}

// Plan is the lookup prepared for a stage.
type Plan struct {
	Naming  naming.Convention
	Protect bool
	// Container runs MariaDB as one ECS task; otherwise RDS.
	Container bool
	EnvBucket bucket.Args
	// EnvFileKey is the env file's key in the bucket; EnvFileSource or EnvFileContent its content.
	EnvFileKey, EnvFileSource, EnvFileContent string
	// AuthoritiesPrefix is the bucket prefix of the authority files; AuthoritiesSource the local
	// directory uploaded there, if any, and AuthorityFiles its files' paths below it (with /).
	AuthoritiesPrefix, AuthoritiesSource string
	AuthorityFiles                       []string
	// DBName is the database the app connects to, which its Rails environment decides.
	DBName string
	// App and MariaDB are the two apps, with their defaults.
	App, MariaDB app.Spec
	// Login is the app's generated login: MariaDB's app user in container mode, the app's own user
	// on RDS (created by the db-login init container). RootLogin is MariaDB's root (container
	// mode).
	Login, RootLogin credential.Args
	// SecretKeyBase and ReloadToken are the app's own generated secrets.
	SecretKeyBase, ReloadToken credential.KeyArgs
	// RDS is the RDS instance; nil in container mode.
	RDS        *database.Args
	FileSystem filesystem.Args
	Web        webapp.Plan
	// Registry is the pull-through cache of Docker Hub images; nil pulls directly.
	Registry *registry.Args
	// rdsKey is the config key of the RDS instance, which its opt-ins name.
	rdsKey string
}

// OptIns are the deliberate security exceptions the stage's config asks for: those of the RDS
// instance (a public instance, connections without TLS).
func (p Plan) OptIns() []systems.OptIn {
	if p.RDS == nil {
		return nil
	}
	return schema.DatabaseOptIns(p.rdsKey, *p.RDS, App)
}

// appInputs are what the app's definition takes from the stage.
type appInputs struct {
	envFileURL, bucket, prefix string
	removeDeleted              bool
	// rds puts the database on RDS, where the app logs in with a login of its own.
	rds      bool
	railsEnv string
	// keepAliveSeconds is how long Puma keeps an idle connection open.
	keepAliveSeconds int
	// secretKeyBase and reloadToken name the secrets that hold the app's own secrets.
	secretKeyBase, reloadToken string
}

// appSpec is the lookup app. Init containers run first: authorities-copy copies the authority
// files from the bucket onto the authorities access point (so a new task never starts with an
// empty or stale directory, whatever the sync's schedule); with RDS, rds-certificates fetches the
// RDS certificate bundle the app verifies the database with, and db-login makes sure the app's own
// login exists (see loginScript). qa-server-app then reaches MariaDB through the variables its
// config/database.yml reads (MYSQL_HOST, MYSQL_PORT, MYSQL_USER, MYSQL_PASSWORD and
// MYSQL_DATABASE_NAME_PREFIX with RAILS_ENV); with RDS, DATABASE_URL adds only the TLS settings,
// which Rails merges into database.yml's. Its password, SECRET_KEY_BASE and RELOAD_TOKEN come from
// Secrets Manager. Its root file system is read-only: Rails writes tmp/, log/ and qa_server's
// charts under public/qa_server/charts to scratch volumes. Rails serves public/ itself (the
// compiled assets): nothing in front of Puma does.
func appSpec(in appInputs) app.Spec {
	sync := []string{"s3", "sync", "s3://" + in.bucket + "/" + in.prefix, "/authorities", "--only-show-errors", "--no-progress"}
	if in.removeDeleted {
		sync = append(sync, "--delete")
	}
	copier := app.Container{
		Name:      authoritiesCopy,
		Image:     awsCLIImage,
		Command:   sync,
		Essential: ptr(false),
		Mounts:    []app.Mount{{Volume: "authorities", Path: "/authorities"}},
	}
	web := app.Container{
		Name:     appContainer,
		Ports:    []int{appPort},
		Command:  pumaCommand(in.keepAliveSeconds),
		EnvFiles: []string{in.envFileURL},
		// Set here, they take precedence over the env file's, so the database the app derives
		// always is the one that was created.
		Environment: map[string]string{
			"RAILS_ENV":                  in.railsEnv,
			"MYSQL_DATABASE_NAME_PREFIX": dbPrefix,
			"RAILS_LOG_TO_STDOUT":        "true",
			// config/environments/<env>.rb: public_file_server.enabled = RAILS_SERVE_STATIC_FILES
			// present; without it the compiled assets under public/ answer 404.
			"RAILS_SERVE_STATIC_FILES": "true",
		},
		DatabaseEnv: map[string]app.DatabaseValue{
			"MYSQL_HOST": {Database: db, Attribute: app.AttrAddress},
			"MYSQL_PORT": {Database: db, Attribute: app.AttrPort},
			"MYSQL_USER": {Database: db, Attribute: app.AttrUsername},
		},
		Secrets: map[string]app.Secret{
			"MYSQL_PASSWORD": {Database: db, Key: app.KeyPassword},
			// Secrets of their own, read by name (ECS resolves a name in the task's region).
			"SECRET_KEY_BASE": {SecretsManager: in.secretKeyBase},
			"RELOAD_TOKEN":    {SecretsManager: in.reloadToken},
		},
		Mounts: []app.Mount{
			{Volume: "authorities", Path: authoritiesMount, ReadOnly: true},
			{Volume: "rails-tmp", Path: appRoot + "/tmp"},
			{Volume: "rails-log", Path: appRoot + "/log"},
			{Volume: "rails-charts", Path: appRoot + "/public/qa_server/charts"},
		},
		DependsOn: []app.Dependency{{Container: authoritiesCopy, Condition: "SUCCESS"}},
	}
	spec := app.Spec{
		CPU: 512, MemoryMiB: 1024,
		Scratch:  []string{"rails-tmp", "rails-log", "rails-charts"},
		Endpoint: &app.Endpoint{Container: appContainer, Port: appPort, HealthCheckPath: "/"},
	}
	if in.rds {
		// verify_identity checks the certificate against the bundle and the host name against it;
		// a URL without host or database leaves those to database.yml.
		web.Environment["DATABASE_URL"] = "mysql2:///?ssl_mode=verify_identity&sslca=" + caBundle
		web.Mounts = append(web.Mounts, app.Mount{Volume: certsVolume, Path: certsDir, ReadOnly: true})
		web.DependsOn = append(web.DependsOn,
			app.Dependency{Container: certsFetch, Condition: "SUCCESS"},
			app.Dependency{Container: dbLogin, Condition: "SUCCESS"})
		spec.Scratch = append(spec.Scratch, certsVolume)
		spec.Containers = append(spec.Containers, certificates(), login())
	}
	spec.Containers = append(spec.Containers, copier, web)
	return spec
}

// pumaCommand starts Puma as the image does (its entry point runs the migrations first, then this
// command), with one setting more: Puma keeps idle connections open for keepAlive seconds. Its
// default, 20 seconds, is shorter than the load balancer's idle timeout, which reuses connections
// for up to that long: Puma would close connections the load balancer is about to send on, and
// those requests fail with 502. Puma takes the setting only from a config file (no flag, no
// variable), so the command writes one to the tmp scratch volume and loads it after the image's
// config/puma.rb; the root file system stays read-only.
func pumaCommand(keepAlive int) []string {
	return []string{"sh", "-c", fmt.Sprintf("echo 'persistent_timeout %d' > tmp/puma-keepalive.rb && "+
		"exec bundle exec puma -C config/puma.rb -C tmp/puma-keepalive.rb -v -b tcp://0.0.0.0:%d", keepAlive, appPort)}
}

// keepAliveMargin is how much longer than the load balancer's idle timeout Puma keeps a connection.
const keepAliveMargin = 15

// loginScript makes sure the app's own login exists on RDS with the password of its secret, and
// may use the app's database, then exits. It logs in as RDS's master user, verifying the server's
// certificate and name against the RDS bundle; the master password reaches the client only through
// MYSQL_PWD, never the command line, so its characters (RDS chooses them) need no quoting. The
// app's user, database and password are strata's: letters, digits and underscores. Each statement
// is idempotent, so every task start runs it, and tasks that start together do not conflict; it
// retries while RDS is not yet reachable.
const loginScript = `for try in 1 2 3 4 5 6; do ` +
	`mariadb --host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER" --ssl-ca=` + caBundle + ` --ssl-verify-server-cert ` +
	`--connect-timeout=10 --batch --execute="` +
	`CREATE USER IF NOT EXISTS '$APP_USER'@'%' IDENTIFIED BY '$APP_PASSWORD'; ` +
	`ALTER USER '$APP_USER'@'%' IDENTIFIED BY '$APP_PASSWORD'; ` +
	`GRANT ALL PRIVILEGES ON $APP_DATABASE.* TO '$APP_USER'@'%';" && exit 0; ` +
	`sleep 10; done; exit 1`

// login is the init container that creates or updates the app's login on RDS (loginScript), with
// the MariaDB client of the pinned MariaDB image. The master login is this container's only: the
// app never sees it, so RDS rotating the master password does not touch the app.
func login() app.Container {
	return app.Container{
		Name:       dbLogin,
		Image:      mariadbImage,
		EntryPoint: []string{"sh", "-c"},
		Command:    []string{loginScript},
		Essential:  ptr(false),
		DatabaseEnv: map[string]app.DatabaseValue{
			"DB_HOST":      {Database: master, Attribute: app.AttrAddress},
			"DB_PORT":      {Database: master, Attribute: app.AttrPort},
			"DB_USER":      {Database: master, Attribute: app.AttrUsername},
			"APP_USER":     {Database: db, Attribute: app.AttrUsername},
			"APP_DATABASE": {Database: db, Attribute: app.AttrName},
		},
		Secrets: map[string]app.Secret{
			"MYSQL_PWD":    {Database: master, Key: app.KeyPassword},
			"APP_PASSWORD": {Database: db, Key: app.KeyPassword},
		},
		Mounts:    []app.Mount{{Volume: certsVolume, Path: certsDir, ReadOnly: true}},
		DependsOn: []app.Dependency{{Container: certsFetch, Condition: "SUCCESS"}},
	}
}

// certificates fetches the RDS certificate bundle into the certificates volume.
func certificates() app.Container {
	return app.Container{
		Name:       certsFetch,
		Image:      awsCLIImage,
		EntryPoint: []string{"curl"},
		Command:    []string{"--fail", "--silent", "--show-error", "--location", "--retry", "5", "--output", caBundle, database.CABundleURL},
		Essential:  ptr(false),
		Mounts:     []app.Mount{{Volume: certsVolume, Path: certsDir}},
	}
}

// mariadbSpec is MariaDB as one container with its data on the database access point. It loads no
// env file: its logins come from their own secrets, root's apart from the app's. Its root file
// system is read-only; it writes its socket under /run/mysqld and temporary files under /tmp.
func mariadbSpec() app.Spec {
	return app.Spec{
		CPU: 512, MemoryMiB: 1024,
		Scratch: []string{"mariadb-run", "mariadb-tmp"},
		Containers: []app.Container{{
			Name:        mariadbContainer,
			Image:       mariadbImage,
			Ports:       []int{mariadbPort},
			Environment: map[string]string{"MARIADB_ROOT_HOST": "localhost"},
			DatabaseEnv: map[string]app.DatabaseValue{
				"MARIADB_DATABASE": {Database: db, Attribute: app.AttrName},
				"MARIADB_USER":     {Database: db, Attribute: app.AttrUsername},
			},
			Secrets: map[string]app.Secret{
				"MARIADB_PASSWORD":      {Database: db, Key: app.KeyPassword},
				"MARIADB_ROOT_PASSWORD": {Database: root, Key: app.KeyPassword},
			},
			Mounts: []app.Mount{
				{Volume: "database", Path: mariadbDataDir},
				{Volume: "mariadb-run", Path: "/run/mysqld"},
				{Volume: "mariadb-tmp", Path: "/tmp"},
			},
			HealthCheck: &app.HealthCheck{
				Command:            []string{"CMD", "healthcheck.sh", "--connect", "--innodb_initialized"},
				StartPeriodSeconds: 120,
			},
		}},
	}
}

// Plan applies the defaults and the lookup's rules, and reports every problem under strata:lookup.
func (c Config) Plan(st systems.Stage) (Plan, error) {
	var errs field.Errors
	p := Plan{Naming: st.Naming(App), Protect: st.Protect, rdsKey: field.Join(systems.Key(Key), "rds")}
	if !st.Network {
		errs.Add("", "the lookup runs in a VPC: set strata:network (a new VPC, or an existing one by id)")
	}
	p.EnvFileKey = c.EnvFile
	if p.EnvFileKey == "" {
		p.EnvFileKey = defaultEnvFile
	}
	if !strings.HasSuffix(p.EnvFileKey, ".env") || strings.HasPrefix(p.EnvFileKey, "/") {
		errs.Add("envFile", "%q is not an env file key: ECS loads only keys ending in .env, without a leading /", p.EnvFileKey)
	}
	p.EnvFileSource, p.EnvFileContent = c.EnvFileSource, c.EnvFileContent
	switch {
	case c.EnvFileSource == "" && c.EnvFileContent == "":
		errs.Add("envFileSource", "is required, or envFileContent: the tasks load the env file when they start, and the bucket that holds it is created by this stack, so the stack uploads it; name a file kept out of git, or set its content as a secret config value")
	case c.EnvFileSource != "" && c.EnvFileContent != "":
		errs.Add("envFileContent", "is set together with envFileSource: give the env file one way")
	}
	if n := len(p.Naming.Tags("config")); n > maxObjectTags {
		errs.Add("envFileSource", "the uploaded objects would carry %d tags: S3 objects take at most %d; use fewer strata:tags", n, maxObjectTags)
	}
	envFileURL := "s3://" + c.EnvBucket + "/" + p.EnvFileKey
	p.EnvBucket = bucket.Args{Name: c.EnvBucket, Tags: p.Naming.Tags("config"), Protect: p.Protect}
	for _, e := range field.Problems(p.EnvBucket.Validate()) {
		if e.Path == "name" {
			e = &field.Error{Path: "envBucket", Msg: e.Msg}
		}
		errs.Merge("", e)
	}

	p.AuthoritiesPrefix, p.AuthoritiesSource = c.Authorities.BucketPrefix, c.Authorities.Source
	if p.AuthoritiesPrefix == "" {
		p.AuthoritiesPrefix = DefaultAuthoritiesPrefix
	}
	errs.Check("authorities.bucketPrefix", checkPrefix(p.AuthoritiesPrefix))
	if p.AuthoritiesSource != "" {
		files, err := listFiles(p.AuthoritiesSource, p.AuthoritiesPrefix)
		errs.Check("authorities.source", err)
		p.AuthorityFiles = files
	}

	railsEnv := c.RailsEnv
	if railsEnv == "" {
		railsEnv = DefaultRailsEnv
	}
	errs.OneOf("railsEnv", railsEnv, RailsEnvs...)
	dbName := DatabaseName(dbPrefix, railsEnv)
	p.DBName = dbName

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
		errs.Add("rds", "is required with database: rds: set at least engineVersion, e.g. 10.11")
	}

	p.FileSystem = c.FileSystem.Args()
	p.FileSystem.Naming, p.FileSystem.Protect = p.Naming, p.Protect
	removeDeleted := false
	if s := p.FileSystem.Sync; s != nil {
		switch {
		case s.BucketPrefix == "":
			s.BucketPrefix = p.AuthoritiesPrefix
		case s.BucketPrefix != p.AuthoritiesPrefix:
			errs.Add("fileSystem.sync.bucketPrefix", "%q differs from authorities.bucketPrefix %q: the scheduled sync and the copy at task start must read the same files; remove it or make them equal", s.BucketPrefix, p.AuthoritiesPrefix)
		}
		removeDeleted = s.RemoveDeleted
	}

	// Puma keeps idle connections open longer than the load balancer does (see pumaCommand): the
	// shared one's timeout is its default; a dedicated one's is in this config.
	idle := loadbalancer.DefaultIdleTimeoutSeconds
	if lb := c.LoadBalancer; lb.Dedicated && lb.IdleTimeoutSeconds != 0 {
		idle = lb.IdleTimeoutSeconds
	}
	p.SecretKeyBase = credential.KeyArgs{Group: "secret-key-base", Purpose: "Rails secret_key_base of qa_server",
		Length: secretKeyBaseLength, Naming: p.Naming, Protect: p.Protect}
	p.ReloadToken = credential.KeyArgs{Group: "reload-token", Purpose: "qa_server RELOAD_TOKEN", Naming: p.Naming, Protect: p.Protect}
	spec, err := c.App.Apply(appSpec(appInputs{
		envFileURL: envFileURL, bucket: c.EnvBucket, prefix: p.AuthoritiesPrefix, removeDeleted: removeDeleted,
		rds: !p.Container, railsEnv: railsEnv, keepAliveSeconds: idle + keepAliveMargin,
		secretKeyBase: p.Naming.Name(p.SecretKeyBase.Group), reloadToken: p.Naming.Name(p.ReloadToken.Group),
	}))
	errs.Merge("app", err)
	p.App = spec.WithDefaults()
	p.Web, err = c.webConfig().Plan(st, p.Naming, *p.App.Endpoint, priority)
	errs.Merge("", err)
	// MariaDB in a container is found by name through Service Connect.
	p.Web.Cluster.ServiceConnect = p.Container
	capacity := p.Web.Cluster.Capacity
	databases := []string{db}
	if !p.Container {
		databases = append(databases, master)
	}
	errs.Merge("app", service.CheckApp(p.App, capacity, app.Offer{Volumes: []string{"authorities"}, Databases: databases}))
	volumes := []string{"authorities"}
	if p.Container {
		volumes = append(volumes, "database")
		var o schema.App
		if c.MariaDB != nil {
			o = *c.MariaDB
		}
		spec, err := o.Apply(mariadbSpec())
		errs.Merge("mariadb", err)
		p.MariaDB = spec.WithDefaults()
		errs.Merge("mariadb", service.CheckApp(p.MariaDB, capacity, app.Offer{Volumes: []string{"database"}, Databases: []string{db, root}}))
		p.Login = credential.Args{Username: dbUser, Group: "mariadb", Naming: p.Naming, Protect: p.Protect}
		p.RootLogin = credential.Args{Username: "root", Group: "mariadb-root", Naming: p.Naming, Protect: p.Protect}
	} else {
		p.Login = credential.Args{Username: appUser, Group: "db-app", Naming: p.Naming, Protect: p.Protect}
	}

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
		if rds.Username == appUser {
			errs.Add("rds.username", "%q is the app's own login, which the stack creates: choose another master user, e.g. %s", appUser, dbUser)
		}
		rds.Naming, rds.Protect = p.Naming, p.Protect
		if rds.Engine != database.MariaDB {
			errs.Add("rds.engine", "%q is not allowed: the lookup's app speaks MariaDB; use mariadb", rds.Engine)
		}
		if rds.DBName != dbName {
			errs.Add("rds.dbName", "%q is not the database the app connects to with railsEnv %s: its database.yml reads %q; remove dbName, or change railsEnv", rds.DBName, railsEnv, dbName)
		}
		errs.Merge("rds", rds.Validate())
		rds = rds.WithDefaults()
		p.RDS = &rds
	}
	if c.Registry != nil {
		r := c.Registry.Args(p.Naming)
		errs.Merge("registry", r.Validate())
		p.Registry = &r
	}
	return p, field.Prefix(systems.Key(Key), errs.Err())
}

// S3's limits: tags on an object (PutObjectTagging: 10) and the length of a key (1,024 bytes).
const (
	maxObjectTags = 10
	maxKeyBytes   = 1024
)

// listFiles returns the regular files below dir, as sorted slash-separated relative paths, checking
// that each fits an S3 key below prefix.
func listFiles(dir, prefix string) ([]string, error) {
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return nil, fmt.Errorf("%q is a file: name the directory of authority files", dir)
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if n := len(prefix + rel); n > maxKeyBytes {
			return fmt.Errorf("%s would be a key of %d bytes: S3 allows %d", rel, n, maxKeyBytes)
		}
		files = append(files, rel)
		return nil
	})
	var pathErr *fs.PathError
	switch {
	case errors.As(err, &pathErr):
		return nil, fmt.Errorf("%q cannot be read (%w): name a directory of authority files, relative to the project directory or absolute", dir, pathErr.Err)
	case err != nil:
		return nil, err
	case len(files) == 0:
		return nil, fmt.Errorf("%q holds no files: name the directory of authority files (linked_data/*.json, ...)", dir)
	}
	slices.Sort(files)
	return files, nil
}

// checkPrefix checks an S3 key prefix: relative, ending in a slash, without empty, . or ..
// segments.
func checkPrefix(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || path.Clean("/"+p) != "/"+strings.TrimSuffix(p, "/") {
		return fmt.Errorf("%q is not a key prefix: use one like authorities/, without a leading slash, ending in one, without empty, . or .. segments", p)
	}
	return nil
}

func (c Config) webConfig() webapp.Config {
	return webapp.Config{Cluster: c.Cluster, Service: c.Service, LoadBalancer: c.LoadBalancer}
}

func ptr[T any](v T) *T { return &v }

// DataBuckets names the lookup's data bucket, whose server access logs go to the stage's log bucket.
func (p Plan) DataBuckets() []string { return []string{p.EnvBucket.Name} }
