package schema

import (
	"slices"

	"github.com/strata-iac/strata/components/lightsail"
)

// Lightsail configures a Lightsail container service and its managed database.
type Lightsail struct {
	// Power is the size of each node: nano (default), micro, small, medium, large or xlarge.
	// Lightsail sizes the whole deployment by it; the app's cpu and memoryMiB are refused.
	Power string `json:"power"`
	// Scale is the number of nodes, each running the whole deployment. Default 1; 1 to 20. An
	// explicit 0 is refused rather than read as the default.
	Scale *int `json:"scale"`
	// Database adds a Lightsail managed database. Default none.
	Database *LightsailDatabase `json:"database"`
	// Zone is a Route 53 public hosted zone holding the app's endpoint.domain: the certificate's
	// validation record, and once attachDomain is set the domain's CNAME to the service, are
	// created there. Default none: create those records where the domain's DNS lives.
	Zone string `json:"zone"`
	// AttachDomain serves the app's endpoint.domain from the service. Default false: Lightsail
	// refuses a certificate that is not yet valid, so the first deployment with a domain only
	// creates the certificate; set this once Lightsail shows it as valid.
	AttachDomain bool `json:"attachDomain"`
}

// LightsailDatabase configures a Lightsail managed database.
type LightsailDatabase struct {
	// Blueprint is the engine and major version (required): postgres_<major> with a major of 14 or
	// later (e.g. postgres_16), or mysql_8_<minor> (mysql_8_0, mysql_8_4). Changing it replaces the
	// database.
	Blueprint string `json:"blueprint"`
	// Bundle is the size, e.g. micro_2_0 (the default), small_ha_2_0 for a standby in a second
	// zone. Changing it replaces the database.
	Bundle string `json:"bundle"`
	// Name is the database created in the instance (required): a lowercase letter, then lowercase
	// letters, digits and underscores; at most 63 (postgres) or 64 (mysql); no system database
	// names. Changing it replaces the database.
	Name string `json:"name"`
	// Username is the master user. Default app; a lowercase letter, then lowercase letters, digits
	// and underscores, at most 16; not rds*, not pg_* or a reserved word for postgres. Changing it
	// replaces the database.
	Username string `json:"username"`
	// ExternalClients are the IPv4 networks outside Lightsail that need the database. Listing any
	// makes the database publicly accessible, because Lightsail cannot admit only some sources.
	// Default none. Never 0.0.0.0/0; prefixes of /8 or longer.
	ExternalClients []string `json:"externalClients"`
	// BackupWindow is the daily backup time, hh:mm-hh:mm in UTC, at least 30 minutes. Default:
	// chosen by Lightsail.
	BackupWindow string `json:"backupWindow"`
	// MaintenanceWindow is the weekly maintenance time, ddd:hh:mm-ddd:hh:mm in UTC, at least 30
	// minutes, apart from backupWindow. Default: chosen by Lightsail.
	MaintenanceWindow string `json:"maintenanceWindow"`
}

// Args returns the container service's arguments.
func (c Lightsail) Args() lightsail.Args {
	a := lightsail.Args{Power: c.Power, Scale: clonePtr(c.Scale), Zone: c.Zone, AttachDomain: c.AttachDomain}
	if c.Database != nil {
		d := lightsail.Database(*c.Database)
		d.ExternalClients = slices.Clone(d.ExternalClients)
		a.Database = &d
	}
	return a
}
