package database

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Engines the component deploys.
const (
	Postgres = "postgres"
	MySQL    = "mysql"
	MariaDB  = "mariadb"
)

// Engines lists the supported engines.
var Engines = []string{Postgres, MySQL, MariaDB}

// parameter is one setting of the DB parameter group.
type parameter struct{ name, value string }

// engine is what the component knows about one RDS engine.
type engine struct {
	port int
	// version matches an engine version strata accepts, the major version alone or with the minor
	// one; its first group is the major version, which names the parameter group family together
	// with the engine.
	version *regexp.Regexp
	// form says what an accepted version looks like.
	form string
	// majors are the major versions whose parameter group family strata knows: those in RDS
	// standard support when this was written. Older ones would create an instance in paid
	// Extended Support or an EOL engine.
	majors []string
	// noIAMAuth lists majors on which RDS offers no IAM database authentication.
	noIAMAuth []string
	// tlsParameter is the parameter that refuses connections without TLS when 1 (and allows them
	// when 0).
	tlsParameter string
	// parameters of the parameter group besides the TLS switch: what the log exports need.
	parameters []parameter
	// logs are the CloudWatch log exports.
	logs []string
	// smallClassesLackPI: Performance Insights does not run on the micro and small burstable
	// classes of this engine.
	smallClassesLackPI bool
	maxDBName          int
	// title is the engine's name in messages.
	title             string
	reservedDBNames   []string
	reservedUsernames []string
}

var engines = map[string]engine{
	// PostgreSQL 10+ numbers versions MAJOR.MINOR; RDS's minor upgrades change the MINOR.
	Postgres: {
		title:        "PostgreSQL",
		port:         5432,
		version:      regexp.MustCompile(`^([1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))?$`),
		form:         "the major version (16), or MAJOR.MINOR (16.4) to start from one minor version",
		majors:       []string{"14", "15", "16", "17", "18"},
		tlsParameter: "rds.force_ssl",
		logs:         []string{"postgresql", "upgrade"},
		maxDBName:    63,
		// postgres is the maintenance database, template0/1 the templates, rdsadmin RDS's own.
		reservedDBNames: []string{"postgres", "rdsadmin", "template0", "template1"},
		// Reserved words PostgreSQL refuses as role names.
		reservedUsernames: []string{"all", "current_role", "current_user", "none", "public", "session_user", "user"},
	},
	// MySQL and MariaDB number versions MAJOR.MINOR.PATCH where RDS calls X.Y the major version
	// and Z the minor one.
	MySQL: {
		title:              "MySQL",
		port:               3306,
		version:            mysqlVersion,
		form:               "the major version (8.4), or MAJOR.MINOR.PATCH (8.4.6) to start from one minor version",
		majors:             []string{"8.0", "8.4"},
		tlsParameter:       "require_secure_transport",
		parameters:         mysqlParameters,
		logs:               []string{"error", "slowquery"},
		smallClassesLackPI: true,
		maxDBName:          64,
		reservedDBNames:    []string{"information_schema", "mysql", "performance_schema", "sys"},
	},
	MariaDB: {
		title:              "MariaDB",
		port:               3306,
		version:            mysqlVersion,
		form:               "the major version (10.11), or MAJOR.MINOR.PATCH (10.11.9) to start from one minor version",
		majors:             []string{"10.6", "10.11", "11.4", "11.8"},
		noIAMAuth:          []string{"10.6"},
		tlsParameter:       "require_secure_transport",
		parameters:         mysqlParameters,
		logs:               []string{"error", "slowquery"},
		smallClassesLackPI: true,
		maxDBName:          64,
		reservedDBNames:    []string{"information_schema", "mysql", "performance_schema", "sys"},
	},
}

// MySQL and MariaDB versions: X.Y is the major version, an optional .Z the minor one.
var mysqlVersion = regexp.MustCompile(`^([1-9][0-9]*\.(?:0|[1-9][0-9]*))(?:\.(?:0|[1-9][0-9]*))?$`)

// The slow query log is off by default and only reaches CloudWatch when written to a file.
var mysqlParameters = []parameter{
	{"slow_query_log", "1"},
	{"log_output", "FILE"},
}

// Burstable classes on which MySQL and MariaDB run no Performance Insights.
var smallClasses = []string{"db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"}

// major returns the major version of an accepted version of e, or an error saying what is
// allowed.
func (e engine) major(name, version string) (string, error) {
	m := e.version.FindStringSubmatch(version)
	if m == nil {
		return "", fmt.Errorf("%q is not a %s engine version: use %s; RDS picks the current minor version of a major", version, name, e.form)
	}
	if !slices.Contains(e.majors, m[1]) {
		return "", fmt.Errorf("%q has no known parameter group family (%s%s): use %s major version %s", version, name, m[1], name, or(e.majors))
	}
	return m[1], nil
}

// or renders a list as "a, b or c".
func or(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

var sqlName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// CheckName checks the name of the database an engine's instance creates (Postgres, MySQL or
// MariaDB).
func CheckName(engineName, s string) error {
	e := engines[engineName]
	switch {
	case len(s) > e.maxDBName:
		return fmt.Errorf("%q is %d characters long: use at most %d", s, len(s), e.maxDBName)
	case !sqlName.MatchString(s):
		return fmt.Errorf("%q is not allowed: use lowercase letters, digits and underscores, starting with a letter", s)
	case slices.Contains(e.reservedDBNames, s):
		return fmt.Errorf("%q is a system database: use one named for the app (%s are reserved)", s, or(e.reservedDBNames))
	}
	return nil
}

// maxUsername is RDS's limit on master user names.
const maxUsername = 16

// CheckUsername checks the master user name of an engine's instance. Names starting with rds
// belong to RDS's own accounts (rdsadmin, rdsrepladmin, rds_superuser, ...); pg_ is PostgreSQL's
// role prefix.
func CheckUsername(engineName, s string) error {
	e := engines[engineName]
	switch {
	case len(s) > maxUsername:
		return fmt.Errorf("%q is %d characters long: use at most %d", s, len(s), maxUsername)
	case !sqlName.MatchString(s):
		return fmt.Errorf("%q is not allowed: use lowercase letters, digits and underscores, starting with a letter", s)
	case strings.HasPrefix(s, "rds"):
		return fmt.Errorf("%q is reserved: names starting with rds belong to the database service's own accounts", s)
	case engineName == Postgres && strings.HasPrefix(s, "pg_"):
		return fmt.Errorf("%q is reserved: PostgreSQL keeps the pg_ prefix for its own roles", s)
	case slices.Contains(e.reservedUsernames, s):
		return fmt.Errorf("%q is a reserved word in %s: choose another name", s, e.title)
	}
	return nil
}
