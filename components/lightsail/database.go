package lightsail

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-iac/strata/components/field"
)

// Defaults of the managed database.
const (
	DefaultBundle   = "micro_2_0"
	DefaultUsername = "app"
)

// Database configures a Lightsail managed database. The JSON names are the keys of the
// lightsail config object's database object.
type Database struct {
	// Blueprint is the engine and major version (required): postgres_<major> with a major of 14 or
	// later (e.g. postgres_16), or mysql_8_<minor> (mysql_8_0, mysql_8_4). `aws lightsail
	// get-relational-database-blueprints` lists what a region offers. Changing it replaces the
	// database.
	Blueprint string `json:"blueprint"`
	// Bundle is the size, e.g. micro_2_0 (the default), small_ha_2_0 for a standby in a second
	// zone; `aws lightsail get-relational-database-bundles` lists them. Changing it replaces the
	// database.
	Bundle string `json:"bundle"`
	// Name is the database created in the instance (required): a lowercase letter, then
	// lowercase letters, digits and underscores; at most 63 (postgres) or 64 (mysql); no system
	// database names. Changing it replaces the database.
	Name string `json:"name"`
	// Username is the master user. Default "app"; a lowercase letter, then lowercase letters,
	// digits and underscores, at most 16; not rds*, not pg_* or a reserved word for postgres.
	// Changing it replaces the database.
	Username string `json:"username"`
	// ExternalClients are the IPv4 networks outside Lightsail that need the database (e.g. the
	// machine running TestArchiver). Listing any makes the database publicly accessible, because
	// Lightsail cannot admit only some sources; the list is the documented record of who needs
	// it. Default none: reachable only from Lightsail resources in the region. Never 0.0.0.0/0;
	// prefixes of /8 or longer.
	ExternalClients []string `json:"externalClients"`
	// BackupWindow is the daily backup time, "hh:mm-hh:mm" in UTC, at least 30 minutes.
	// Default: chosen by Lightsail.
	BackupWindow string `json:"backupWindow"`
	// MaintenanceWindow is the weekly maintenance time, "ddd:hh:mm-ddd:hh:mm" in UTC, at least
	// 30 minutes, apart from BackupWindow. Default: chosen by Lightsail.
	MaintenanceWindow string `json:"maintenanceWindow"`
}

// Database engines, by blueprint.
const (
	postgres = "postgres"
	mysql    = "mysql"
)

var (
	postgresBlueprint = regexp.MustCompile(`^postgres_([1-9][0-9])$`)
	mysqlBlueprint    = regexp.MustCompile(`^mysql_8_[0-9]$`)
	// Bundles are <size>[_ha]_<major>_<minor>; the version suffix changes as Lightsail renews them.
	bundleRE = regexp.MustCompile(`^(micro|small|medium|large|xlarge)(_ha)?_[0-9]+_[0-9]+$`)
	sqlName  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// minPostgres is the oldest PostgreSQL major version in community support when this was written.
const minPostgres = 14

// The engines' own databases and the names PostgreSQL refuses as roles.
var (
	systemDatabases = map[string][]string{
		postgres: {"postgres", "rdsadmin", "template0", "template1"},
		mysql:    {"information_schema", "mysql", "performance_schema", "sys"},
	}
	reservedPostgresRoles = []string{"all", "current_role", "current_user", "none", "public", "session_user", "user"}
)

// engine returns the engine of a blueprint id, or "" for an id strata does not accept.
func engine(blueprint string) string {
	if m := postgresBlueprint.FindStringSubmatch(blueprint); m != nil {
		if major, _ := strconv.Atoi(m[1]); major >= minPostgres {
			return postgres
		}
	}
	if mysqlBlueprint.MatchString(blueprint) {
		return mysql
	}
	return ""
}

func (d *Database) applyDefaults() {
	if d.Bundle == "" {
		d.Bundle = DefaultBundle
	}
	if d.Username == "" {
		d.Username = DefaultUsername
	}
}

// validate reports every problem under the path "database.<key>".
func (d *Database) validate(errs *field.Errors) {
	eng := engine(d.Blueprint)
	if errs.Required("database.blueprint", d.Blueprint, "use postgres_<major>, e.g. postgres_16, or mysql_8_0") && eng == "" {
		errs.Add("database.blueprint", "%q is not a supported blueprint: use postgres_<major> with a major of %d or later (e.g. postgres_16) or mysql_8_<minor> (e.g. mysql_8_0); `aws lightsail get-relational-database-blueprints` lists what your region offers", d.Blueprint, minPostgres)
	}
	if !bundleRE.MatchString(d.Bundle) {
		errs.Add("database.bundle", "%q is not a database bundle: use <size>[_ha]_<version> with size micro, small, medium, large or xlarge, e.g. micro_2_0; `aws lightsail get-relational-database-bundles` lists them", d.Bundle)
	}
	if errs.Required("database.name", d.Name, "name the database the app uses") {
		errs.Check("database.name", checkDBName(eng, d.Name))
	}
	errs.Check("database.username", checkUsername(eng, d.Username))
	checkClients(errs, d.ExternalClients)
	var backup, maintenance window
	var bErr, mErr error
	if d.BackupWindow != "" {
		backup, bErr = backupWindow(d.BackupWindow)
		errs.Check("database.backupWindow", bErr)
	}
	if d.MaintenanceWindow != "" {
		maintenance, mErr = maintenanceWindow(d.MaintenanceWindow)
		errs.Check("database.maintenanceWindow", mErr)
	}
	if d.BackupWindow != "" && d.MaintenanceWindow != "" && bErr == nil && mErr == nil && overlaps(maintenance, backup) {
		errs.Add("database.backupWindow", "%q overlaps the maintenance window %q: Lightsail needs them apart", d.BackupWindow, d.MaintenanceWindow)
	}
}

func checkDBName(eng, s string) error {
	maxLen := 64
	if eng == postgres {
		maxLen = 63
	}
	switch {
	case len(s) > maxLen:
		return fmt.Errorf("%q is %d characters long: use at most %d", s, len(s), maxLen)
	case !sqlName.MatchString(s):
		return fmt.Errorf("%q is not allowed: use lowercase letters, digits and underscores, starting with a letter", s)
	case slices.Contains(systemDatabases[eng], s):
		return fmt.Errorf("%q is a system database: use one named for the app (%s are reserved)", s, strings.Join(systemDatabases[eng], ", "))
	}
	return nil
}

// checkUsername checks the master user name. Names starting with rds belong to the accounts of
// RDS, which runs Lightsail's databases; pg_ is PostgreSQL's role prefix.
func checkUsername(eng, s string) error {
	switch {
	case len(s) > 16:
		return fmt.Errorf("%q is %d characters long: use at most 16", s, len(s))
	case !sqlName.MatchString(s):
		return fmt.Errorf("%q is not allowed: use lowercase letters, digits and underscores, starting with a letter", s)
	case strings.HasPrefix(s, "rds"):
		return fmt.Errorf("%q is reserved: names starting with rds belong to the database service's own accounts", s)
	case eng == postgres && strings.HasPrefix(s, "pg_"):
		return fmt.Errorf("%q is reserved: PostgreSQL keeps the pg_ prefix for its own roles", s)
	case eng == postgres && slices.Contains(reservedPostgresRoles, s):
		return fmt.Errorf("%q is a reserved word in PostgreSQL: choose another name", s)
	}
	return nil
}

func checkClients(errs *field.Errors, clients []string) {
	seen := map[netip.Prefix]bool{}
	for i, c := range clients {
		path := field.Index("database.externalClients", i)
		p, err := netip.ParsePrefix(c)
		switch {
		case err != nil:
			errs.Add(path, "%q is not a CIDR block: use an IPv4 address and prefix length, e.g. 203.0.113.7/32", c)
		case !p.Addr().Is4():
			errs.Add(path, "%q is not IPv4: Lightsail databases have IPv4 addresses only", c)
		case p.Masked() != p:
			errs.Add(path, "%q has host bits set: use %s", c, p.Masked())
		case p.Bits() == 0:
			errs.Add(path, "%q stands for the whole internet: list the networks of the clients that need the database", c)
		case p.Bits() < 8:
			errs.Add(path, "%q stands for a large part of the internet: list networks of /8 or longer prefixes", c)
		case seen[p]:
			errs.Add(path, "%q is listed twice", c)
		}
		seen[p] = true
	}
}

const (
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay
	// Lightsail refuses windows shorter than half an hour.
	minWindowMinutes = 30
)

var (
	weekdays        = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	maintenanceForm = regexp.MustCompile(`^([a-z]{3}):([0-9]{2}):([0-9]{2})-([a-z]{3}):([0-9]{2}):([0-9]{2})$`)
	backupForm      = regexp.MustCompile(`^([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})$`)
)

// window is a span of minutes on a circle (a week or a day): it may wrap around the end.
type window struct{ start, length int }

// maintenanceWindow parses "ddd:hh:mm-ddd:hh:mm" (UTC, day names in any case) into minutes of
// the week.
func maintenanceWindow(s string) (window, error) {
	const use = `use ddd:hh:mm-ddd:hh:mm in UTC, e.g. "sun:05:00-sun:06:00"`
	m := maintenanceForm.FindStringSubmatch(strings.ToLower(s))
	if m == nil {
		return window{}, fmt.Errorf("%q is not a maintenance window: %s", s, use)
	}
	start, ok1 := weekMinute(m[1], m[2], m[3])
	end, ok2 := weekMinute(m[4], m[5], m[6])
	if !ok1 || !ok2 {
		return window{}, fmt.Errorf("%q is not a maintenance window: days are mon to sun, hours 00 to 23, minutes 00 to 59; %s", s, use)
	}
	w := window{start, mod(end-start, minutesPerWeek)}
	if w.length < minWindowMinutes {
		return window{}, fmt.Errorf("%q lasts %d minutes: Lightsail needs at least %d", s, w.length, minWindowMinutes)
	}
	return w, nil
}

// backupWindow parses "hh:mm-hh:mm" (UTC) into minutes of the day.
func backupWindow(s string) (window, error) {
	const use = `use hh:mm-hh:mm in UTC, e.g. "03:00-04:00"`
	m := backupForm.FindStringSubmatch(s)
	if m == nil {
		return window{}, fmt.Errorf("%q is not a backup window: %s", s, use)
	}
	start, ok1 := dayMinute(m[1], m[2])
	end, ok2 := dayMinute(m[3], m[4])
	if !ok1 || !ok2 {
		return window{}, fmt.Errorf("%q is not a backup window: hours are 00 to 23, minutes 00 to 59; %s", s, use)
	}
	w := window{start, mod(end-start, minutesPerDay)}
	if w.length < minWindowMinutes {
		return window{}, fmt.Errorf("%q lasts %d minutes: Lightsail needs at least %d", s, w.length, minWindowMinutes)
	}
	return w, nil
}

// overlaps reports whether a daily backup window meets a weekly maintenance window on any day.
func overlaps(maintenance, backup window) bool {
	for day := range 7 {
		b := window{day*minutesPerDay + backup.start, backup.length}
		if mod(b.start-maintenance.start, minutesPerWeek) < maintenance.length ||
			mod(maintenance.start-b.start, minutesPerWeek) < b.length {
			return true
		}
	}
	return false
}

func weekMinute(day, hh, mm string) (int, bool) {
	d := slices.Index(weekdays, day)
	m, ok := dayMinute(hh, mm)
	return d*minutesPerDay + m, d >= 0 && ok
}

func dayMinute(hh, mm string) (int, bool) {
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	return h*60 + m, h < 24 && m < 60
}

func mod(a, n int) int { return ((a % n) + n) % n }
