package schema

import (
	"slices"

	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/systems"
)

// Database configures an RDS instance.
type Database struct {
	// Engine is postgres, mysql or mariadb. Changing it replaces the database.
	Engine string `json:"engine"`
	// EngineVersion is the engine version a new instance is created with (required): the major
	// version (16 for postgres, 8.4 or 8.0 for mysql, 10.11 for mariadb), with which RDS picks its
	// current minor version, or a major with a minor version (16.4, 8.4.6, 10.11.9), which stops
	// working once RDS retires that minor version. The major names the parameter group family. AWS
	// applies later minor versions in the maintenance window; a changed value reaches the running
	// instance only with upgradeEngine.
	EngineVersion string `json:"engineVersion"`
	// UpgradeEngine applies a changed engineVersion to the running instance, major upgrades
	// included, on this deployment. Default false: AWS's minor upgrades are never undone. Set it
	// for the one deployment that upgrades, then clear it.
	UpgradeEngine bool `json:"upgradeEngine"`
	// Group names the database's resources: identifier <app>-<env>-<group>. Default db; lowercase
	// letters, digits and hyphens, at most 29. Changing it replaces the database.
	Group string `json:"group"`
	// InstanceClass is the RDS instance class. Default db.t4g.micro. Changing it restarts the
	// instance, in the maintenance window unless applyImmediately.
	InstanceClass string `json:"instanceClass"`
	// DBName is the database created in the instance (required): lowercase letters, digits and
	// underscores, starting with a letter; at most 63 (postgres) or 64 characters; no system
	// database names. Changing it replaces the database.
	DBName string `json:"dbName"`
	// Username is the master user. Default app; lowercase letters, digits and underscores, starting
	// with a letter, at most 16; not rds*, not pg_* or a reserved word for postgres. Changing it
	// replaces the database.
	Username string `json:"username"`
	// Port the engine listens on. Default 5432 (postgres) or 3306 (mysql, mariadb); 1150 to 65535.
	Port int `json:"port"`
	// AllocatedStorageGiB is the initial gp3 storage. Default 20; 20 to 65536. Storage autoscaling
	// grows it without a diff.
	AllocatedStorageGiB int `json:"allocatedStorageGiB"`
	// MaxAllocatedStorageGiB is the storage autoscaling limit. Default the larger of 100 and twice
	// allocatedStorageGiB; at least 10% above allocatedStorageGiB, at most 65536.
	MaxAllocatedStorageGiB int `json:"maxAllocatedStorageGiB"`
	// KMSKeyARN encrypts storage, Performance Insights and the master user secret with this
	// customer managed key (a key ARN, not an alias). Default: the AWS managed keys. Changing it
	// replaces the database.
	KMSKeyARN string `json:"kmsKeyArn"`
	// BackupRetentionDays keeps automated backups this long. Default 7; 7 to 35.
	BackupRetentionDays int `json:"backupRetentionDays"`
	// BackupWindow is the daily backup time, hh:mm-hh:mm in UTC, at least 30 minutes. Default:
	// chosen by RDS.
	BackupWindow string `json:"backupWindow"`
	// MaintenanceWindow is the weekly maintenance time, ddd:hh:mm-ddd:hh:mm in UTC, at least 30
	// minutes, apart from backupWindow. Default: chosen by RDS.
	MaintenanceWindow string `json:"maintenanceWindow"`
	// MultiAZ keeps a synchronous standby in a second availability zone. Default false; production
	// sets it.
	MultiAZ bool `json:"multiAz"`
	// ApplyImmediately applies modifications now instead of in the next maintenance window. Default
	// false.
	ApplyImmediately bool `json:"applyImmediately"`
	// PerformanceInsights turns Performance Insights on or off. Default: on wherever the instance
	// class supports it (mysql and mariadb have none on db.t2/t3/t4g micro and small).
	PerformanceInsights *bool `json:"performanceInsights"`
	// LogRetentionDays keeps the exported CloudWatch logs this long. Default 30; one of CloudWatch
	// Logs' retention periods.
	LogRetentionDays int `json:"logRetentionDays"`
	// ExternalCIDRs admits these IPv4 networks outside the VPC on the engine port; without
	// publicAccess they reach the private instance only through a VPN, Direct Connect, peering or a
	// Transit Gateway. Default none. Never 0.0.0.0/0; prefixes of /8 or longer; with the clients at
	// most 60.
	ExternalCIDRs []string `json:"externalCidrs"`
	// PublicAccess makes the instance publicly accessible in the public subnets so that
	// externalCidrs reach it over the internet; a deliberate exception, reported by strata check as
	// an opt-in. Default false: private in every stage. Requires externalCidrs.
	PublicAccess bool `json:"publicAccess"`
	// RequireTLS makes the engine refuse connections without TLS (rds.force_ssl,
	// require_secure_transport), so passwords and data never cross the network in clear text.
	// Default true; false requires plaintextReason.
	RequireTLS *bool `json:"requireTls"`
	// PlaintextReason says why clients connect without TLS: required with requireTls false, refused
	// otherwise; at most 256 characters. Default none.
	PlaintextReason string `json:"plaintextReason"`
	// MonitoringIntervalSeconds is the Enhanced Monitoring interval: 0 (off), 1, 5, 10, 15, 30 or 60.
	// Default 60, in every stage (cents a month per instance).
	MonitoringIntervalSeconds *int `json:"monitoringIntervalSeconds"`
	// SecretRotationDays is how often Secrets Manager rotates the master user secret RDS manages;
	// apps that read the password only at start must be restarted after each rotation. Default 7
	// (RDS's own schedule); 1 to 1000.
	SecretRotationDays int `json:"secretRotationDays"`
	// Alarms adds CloudWatch alarms and an SNS topic for them. Default none.
	Alarms *DatabaseAlarms `json:"alarms"`
}

// DatabaseAlarms configures the CloudWatch alarms of a database.
type DatabaseAlarms struct {
	// CPUPercent alarms when average CPU stays above this for 15 minutes. Default 80; 1 to 100.
	CPUPercent int `json:"cpuPercent"`
	// FreeStorageGiB alarms when free storage falls below this many GiB. Default 2; 1 to less than
	// allocatedStorageGiB.
	FreeStorageGiB int `json:"freeStorageGiB"`
	// ReadIOPS alarms when average read operations per second stay above it for 15 minutes. Default
	// 0: no alarm; at most 256000.
	ReadIOPS int `json:"readIops"`
	// WriteIOPS alarms when average write operations per second stay above it for 15 minutes.
	// Default 0: no alarm; at most 256000.
	WriteIOPS int `json:"writeIops"`
	// Emails subscribe to the alarm topic; each must confirm the subscription AWS mails them.
	Emails []string `json:"emails"`
}

// Args returns the database's arguments.
func (c Database) Args() database.Args {
	a := database.Args{
		Engine:                    c.Engine,
		EngineVersion:             c.EngineVersion,
		UpgradeEngine:             c.UpgradeEngine,
		Group:                     c.Group,
		InstanceClass:             c.InstanceClass,
		DBName:                    c.DBName,
		Username:                  c.Username,
		Port:                      c.Port,
		AllocatedStorageGiB:       c.AllocatedStorageGiB,
		MaxAllocatedStorageGiB:    c.MaxAllocatedStorageGiB,
		KMSKeyARN:                 c.KMSKeyARN,
		BackupRetentionDays:       c.BackupRetentionDays,
		BackupWindow:              c.BackupWindow,
		MaintenanceWindow:         c.MaintenanceWindow,
		MultiAZ:                   c.MultiAZ,
		ApplyImmediately:          c.ApplyImmediately,
		PerformanceInsights:       clonePtr(c.PerformanceInsights),
		LogRetentionDays:          c.LogRetentionDays,
		ExternalCIDRs:             slices.Clone(c.ExternalCIDRs),
		PublicAccess:              c.PublicAccess,
		RequireTLS:                clonePtr(c.RequireTLS),
		PlaintextReason:           c.PlaintextReason,
		MonitoringIntervalSeconds: clonePtr(c.MonitoringIntervalSeconds),
		SecretRotationDays:        c.SecretRotationDays,
	}
	if c.Alarms != nil {
		al := database.Alarms(*c.Alarms)
		al.Emails = slices.Clone(al.Emails)
		a.Alarms = &al
	}
	return a
}

// DatabaseOptIns returns the deliberate exceptions of a database planned as a and created as
// database.New(ctx, name, ...), for a system's OptIns: key is the full config key of the
// database's object (e.g. strata:epimetheus.database), to which each exception's setting is added.
func DatabaseOptIns(key string, a database.Args, name string) []systems.OptIn {
	var out []systems.OptIn
	for _, o := range a.OptIns(name) {
		out = append(out, systems.OptIn{Type: o.Type, Name: o.Name, Key: field.Join(key, o.Setting), Why: o.Why})
	}
	return out
}
