package lightsail

import (
	"regexp"
	"slices"
	"strconv"

	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/field"
)

// Defaults of the managed database.
const (
	DefaultBundle   = "micro_2_0"
	DefaultUsername = "app"
)

// Database configures a Lightsail managed database.
type Database struct {
	// Blueprint is the engine and major version (required): postgres_<major> with a major of 14 or
	// later (e.g. postgres_16), or mysql_8_<minor> (mysql_8_0, mysql_8_4). `aws lightsail
	// get-relational-database-blueprints` lists what a region offers. Changing it replaces the
	// database.
	Blueprint string
	// Bundle is the size, e.g. micro_2_0 (the default), small_ha_2_0 for a standby in a second
	// zone; `aws lightsail get-relational-database-bundles` lists them. Changing it replaces the
	// database.
	Bundle string
	// Name is the database created in the instance (required): a lowercase letter, then
	// lowercase letters, digits and underscores; at most 63 (postgres) or 64 (mysql); no system
	// database names. Changing it replaces the database.
	Name string
	// Username is the master user. Default "app"; a lowercase letter, then lowercase letters,
	// digits and underscores, at most 16; not rds*, not pg_* or a reserved word for postgres.
	// Changing it replaces the database.
	Username string
	// ExternalClients are the IPv4 networks outside Lightsail that need the database (e.g. the
	// machine running TestArchiver). Listing any makes the database publicly accessible, because
	// Lightsail cannot admit only some sources; the list is the documented record of who needs
	// it. Default none: reachable only from Lightsail resources in the region. Never 0.0.0.0/0;
	// prefixes of /8 or longer.
	ExternalClients []string
	// BackupWindow is the daily backup time, "hh:mm-hh:mm" in UTC, at least 30 minutes.
	// Default: chosen by Lightsail.
	BackupWindow string
	// MaintenanceWindow is the weekly maintenance time, "ddd:hh:mm-ddd:hh:mm" in UTC, at least
	// 30 minutes, apart from BackupWindow. Default: chosen by Lightsail.
	MaintenanceWindow string
}

var (
	postgresBlueprint = regexp.MustCompile(`^postgres_([1-9][0-9])$`)
	mysqlBlueprint    = regexp.MustCompile(`^mysql_8_[0-9]$`)
	// Bundles are <size>[_ha]_<major>_<minor>; the version suffix changes as Lightsail renews them.
	bundleRE = regexp.MustCompile(`^(micro|small|medium|large|xlarge)(_ha)?_[0-9]+_[0-9]+$`)
)

// minPostgres is the oldest PostgreSQL major version in community support when this was written.
const minPostgres = 14

// engine returns the engine of a blueprint id, or "" for an id strata does not accept.
func engine(blueprint string) string {
	if m := postgresBlueprint.FindStringSubmatch(blueprint); m != nil {
		if major, _ := strconv.Atoi(m[1]); major >= minPostgres {
			return database.Postgres
		}
	}
	if mysqlBlueprint.MatchString(blueprint) {
		return database.MySQL
	}
	return ""
}

func (d Database) withDefaults() Database {
	d.ExternalClients = slices.Clone(d.ExternalClients)
	if d.Bundle == "" {
		d.Bundle = DefaultBundle
	}
	if d.Username == "" {
		d.Username = DefaultUsername
	}
	return d
}

// validate reports every problem under the path "database.<key>".
func (d Database) validate(errs *field.Errors) {
	eng := engine(d.Blueprint)
	if errs.Required("database.blueprint", d.Blueprint, "use postgres_<major>, e.g. postgres_16, or mysql_8_0") && eng == "" {
		errs.Add("database.blueprint", "%q is not a supported blueprint: use postgres_<major> with a major of %d or later (e.g. postgres_16) or mysql_8_<minor> (e.g. mysql_8_0); `aws lightsail get-relational-database-blueprints` lists what your region offers", d.Blueprint, minPostgres)
	}
	if !bundleRE.MatchString(d.Bundle) {
		errs.Add("database.bundle", "%q is not a database bundle: use <size>[_ha]_<version> with size micro, small, medium, large or xlarge, e.g. micro_2_0; `aws lightsail get-relational-database-bundles` lists them", d.Bundle)
	}
	if errs.Required("database.name", d.Name, "name the database the app uses") {
		errs.Check("database.name", database.CheckName(eng, d.Name))
	}
	errs.Check("database.username", database.CheckUsername(eng, d.Username))
	database.CheckNetworks(errs, "database.externalClients", d.ExternalClients)
	database.CheckWindows(errs, "database", d.BackupWindow, d.MaintenanceWindow)
}
