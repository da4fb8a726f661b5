package database

import (
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/bucket"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/logs"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/secgroup"
)

// Defaults of the optional settings.
const (
	DefaultGroup               = "db"
	DefaultInstanceClass       = "db.t4g.micro"
	DefaultUsername            = "app"
	DefaultAllocatedStorageGiB = 20
	// DefaultMaxAllocatedStorageGiB is the autoscaling limit unless twice the allocated storage
	// is more.
	DefaultMaxAllocatedStorageGiB = 100
	DefaultBackupRetentionDays    = 7
	DefaultLogRetentionDays       = 30
	DefaultAlarmCPUPercent        = 80
	DefaultAlarmFreeStorageGiB    = 2
	// DefaultMonitoringIntervalSeconds turns Enhanced Monitoring on in every stage: at one sample
	// a minute it costs cents a month per instance in CloudWatch Logs ingestion, and it shows the
	// operating system's view (memory, swap, processes) that CloudWatch's metrics lack.
	DefaultMonitoringIntervalSeconds = 60
	// DefaultSecretRotationDays is the schedule RDS gives its managed master user secrets.
	DefaultSecretRotationDays = 7
)

// MonitoringIntervals are the Enhanced Monitoring intervals RDS accepts, in seconds; 0 turns it
// off (CreateDBInstance MonitoringInterval).
var MonitoringIntervals = []int{0, 1, 5, 10, 15, 30, 60}

// Secrets Manager's limits on a rotation schedule in days (RotationRulesType.AutomaticallyAfterDays).
const (
	minSecretRotationDays = 1
	maxSecretRotationDays = 1000
)

// maxIngressRules is the default quota of inbound rules per security group (VPC quotas): client
// groups and external networks share it.
const maxIngressRules = 60

// maxPlaintextReason bounds the stated reason for allowing connections without TLS.
const maxPlaintextReason = 256

// CABundleURL is the certificate bundle of every RDS certificate authority in the commercial AWS
// regions: clients verify the database's certificate against it (PostgreSQL sslmode=verify-full
// with sslrootcert; MySQL and MariaDB clients ssl-mode VERIFY_IDENTITY with ssl-ca).
const CABundleURL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"

// InstanceType is the type token of the RDS instance, as strata check and opt-ins name it.
const InstanceType = "aws:rds/instance:Instance"

// ParameterGroupType is the type token of the instance's parameter group.
const ParameterGroupType = "aws:rds/parameterGroup:ParameterGroup"

// Limits of gp3 storage for the three engines.
const (
	minStorageGiB = 20
	maxStorageGiB = 65536
)

// The identifier <app>-<env>-<group> must fit RDS's 63 characters with app and env at 16 each.
const maxGroup = 63 - 2*16 - 2

// Args configures a Database.
type Args struct {
	// Engine is postgres, mysql or mariadb (required). Changing it replaces the database.
	Engine string
	// EngineVersion is the engine version a new instance is created with (required): the major
	// version, 16 for postgres, 8.0 or 8.4 for mysql, 10.11 for mariadb, with which RDS picks its
	// current minor version; or a major with its minor version (16.4, 8.4.6, 10.11.9), which RDS
	// stops offering once it retires that minor version. The major names the parameter group
	// family. AWS applies later minor versions in the maintenance window; a changed value reaches
	// the running instance only with UpgradeEngine.
	EngineVersion string
	// UpgradeEngine applies a changed EngineVersion to the running instance, major upgrades
	// included, on this deployment. Default false: EngineVersion only decides what a new
	// instance is created with and AWS's minor upgrades are never undone. Set it for the one
	// deployment that upgrades, then clear it.
	UpgradeEngine bool
	// Group names and tags the database's resources: identifier <app>-<env>-<group>. Default
	// "db"; lowercase letters, digits and hyphens, at most 29. Changing it replaces the database.
	Group string
	// InstanceClass is the RDS instance class. Default db.t4g.micro. Changing it is an in-place
	// update (a restart, in the maintenance window unless ApplyImmediately).
	InstanceClass string
	// DBName is the database created in the instance (required): lowercase letters, digits and
	// underscores, starting with a letter; at most 63 (postgres) or 64 characters; no system
	// database names. Changing it replaces the database.
	DBName string
	// Username is the master user. Default "app"; lowercase letters, digits and underscores,
	// starting with a letter, at most 16; not rds*, not pg_* or a reserved word for postgres.
	// Changing it replaces the database.
	Username string
	// Port the engine listens on. Default 5432 (postgres) or 3306 (mysql, mariadb); 1150 to 65535.
	Port int
	// AllocatedStorageGiB is the initial gp3 storage. Default 20; 20 to 65536. Growing it is an
	// in-place update; RDS's storage autoscaling grows it without a diff.
	AllocatedStorageGiB int
	// MaxAllocatedStorageGiB is the storage autoscaling limit. Default the larger of 100 and
	// twice AllocatedStorageGiB; at least 10% above AllocatedStorageGiB, at most 65536.
	MaxAllocatedStorageGiB int
	// KMSKeyARN encrypts storage, Performance Insights and the master user secret with this
	// customer managed key (a key ARN, not an alias). Default: the AWS managed keys. Changing it
	// replaces the database.
	KMSKeyARN string
	// BackupRetentionDays keeps automated backups this long. Default 7; 7 to 35.
	BackupRetentionDays int
	// BackupWindow is the daily backup time, "hh:mm-hh:mm" in UTC, at least 30 minutes.
	// Default: chosen by RDS.
	BackupWindow string
	// MaintenanceWindow is the weekly maintenance time, "ddd:hh:mm-ddd:hh:mm" in UTC, at least
	// 30 minutes, apart from BackupWindow. Default: chosen by RDS.
	MaintenanceWindow string
	// MultiAZ keeps a synchronous standby in a second availability zone. Default false;
	// production sets it.
	MultiAZ bool
	// ApplyImmediately applies modifications now instead of in the next maintenance window.
	// Default false.
	ApplyImmediately bool
	// PerformanceInsights turns Performance Insights on or off. Default: on wherever the
	// instance class supports it (mysql and mariadb have none on db.t2/t3/t4g micro and small).
	PerformanceInsights *bool
	// LogRetentionDays keeps the exported CloudWatch logs this long. Default 30; one of the
	// retention periods CloudWatch Logs offers.
	LogRetentionDays int
	// ExternalCIDRs admits these IPv4 networks outside the VPC on the engine port. Without
	// PublicAccess the instance stays private, so they reach it only through a route into the VPC
	// (Site-to-Site VPN, Direct Connect, peering, Transit Gateway). Default none. Never 0.0.0.0/0;
	// prefixes of /8 or longer.
	ExternalCIDRs []string
	// PublicAccess makes the instance publicly accessible in PublicSubnetIDs, so that the
	// ExternalCIDRs reach it over the internet (still only they: the security group admits nothing
	// else). Default false: private in every stage. Requires ExternalCIDRs. A deliberate exception
	// that OptIns reports; prefer an SSM port-forwarding host admitted through Clients. Decide
	// before the first deployment: RDS cannot move a running instance between private and public
	// subnets of one subnet group.
	PublicAccess bool
	// RequireTLS makes the engine refuse connections without TLS (rds.force_ssl for postgres,
	// require_secure_transport for mysql and mariadb). Default true: passwords and data never cross
	// the network in clear text, not even inside the VPC. Give the clients the CA bundle
	// (CABundleURL) and a verifying TLS mode; set it false only for a client that cannot use TLS,
	// with PlaintextReason.
	RequireTLS *bool
	// PlaintextReason says why the clients connect without TLS: required with RequireTLS false,
	// refused otherwise; at most 256 characters. OptIns reports it.
	PlaintextReason string
	// MonitoringIntervalSeconds turns on Enhanced Monitoring (operating system metrics in
	// CloudWatch Logs) at this interval, with a monitoring role of the instance's own. Default 60;
	// one of 0 (off), 1, 5, 10, 15, 30, 60.
	MonitoringIntervalSeconds *int
	// SecretRotationDays is how often Secrets Manager rotates the master user secret RDS manages.
	// Default 7, RDS's own schedule; 1 to 1000. Apps that read the password only when they start
	// must be restarted after each rotation (the secret's ARN is SecretARN).
	SecretRotationDays int
	// Alarms adds CloudWatch alarms and a topic for them. Default none.
	Alarms *Alarms

	// Naming names and tags the resources.
	Naming naming.Convention
	// Protect protects the instance (Pulumi protect), turns on deletion protection and keeps
	// automated backups after deletion.
	Protect bool
	// VPCID is the VPC of the subnets (required).
	VPCID pulumi.StringInput
	// SubnetIDs are the private subnets of the database, in at least two availability zones
	// (required).
	SubnetIDs pulumi.StringArray
	// PublicSubnetIDs are used instead of SubnetIDs, and required, with PublicAccess.
	PublicSubnetIDs pulumi.StringArray
	// Clients maps a name (which names the ingress rule) to the security group id of a client
	// allowed to reach the engine port. At least one client or external CIDR is required.
	Clients map[string]pulumi.StringInput
}

// Alarms configures CloudWatch alarms on the instance, sent to an SNS topic.
type Alarms struct {
	// CPUPercent alarms when average CPU stays above this for 15 minutes. Default 80; 1 to 100.
	CPUPercent int
	// FreeStorageGiB alarms when free storage falls below this many GiB. Default 2; 1 to less
	// than AllocatedStorageGiB.
	FreeStorageGiB int
	// ReadIOPS and WriteIOPS alarm when average read or write operations per second stay above
	// them for 15 minutes. Default 0: no alarm; at most 256000.
	ReadIOPS  int
	WriteIOPS int
	// Emails subscribe to the alarm topic; each must confirm the subscription AWS mails them.
	Emails []string
}

// Database is an RDS instance with its subnet group, parameter group, security group, log groups
// and optional alarms.
type Database struct {
	pulumi.ResourceState

	// Address is the DNS name of the instance; Port its engine port.
	Address pulumi.StringOutput
	Port    pulumi.IntOutput
	DBName  pulumi.StringOutput
	// Username is the master user; its password is in the secret SecretARN, managed and rotated
	// by RDS.
	Username  pulumi.StringOutput
	SecretARN pulumi.StringOutput
	// SecurityGroupID is the database's own security group.
	SecurityGroupID pulumi.StringOutput
	Identifier      pulumi.StringOutput
	ARN             pulumi.StringOutput
	// EngineVersionActual is the version running now, which AWS's minor upgrades move ahead of
	// EngineVersion.
	EngineVersionActual pulumi.StringOutput
	// AlarmTopicARN is the alarm topic, empty without alarms.
	AlarmTopicARN pulumi.StringOutput
	// TLSRequired says whether the engine refuses connections without TLS; TLSParameter is the
	// engine parameter that decides it; CABundleURL is the certificate bundle clients verify the
	// server against.
	TLSRequired  pulumi.BoolOutput
	TLSParameter pulumi.StringOutput
	CABundleURL  pulumi.StringOutput
	// SecretRotationDays is the rotation schedule of the master user secret: apps that hold the
	// password must pick up the new one at least this often.
	SecretRotationDays pulumi.IntOutput
	// FinalSnapshotIdentifier is the snapshot the instance's deletion takes.
	FinalSnapshotIdentifier pulumi.StringOutput
	// MonitoringRoleARN is the Enhanced Monitoring role, empty with monitoring off.
	MonitoringRoleARN pulumi.StringOutput
}

var instanceClassRE = regexp.MustCompile(`^db\.[a-z][a-z0-9]*\.[a-z0-9][a-z0-9-]*$`)

// The highest provisioned IOPS RDS offers; an alarm above it could never fire.
const maxIOPS = 256000

// cidrRulePrefix starts the names of the ingress rules for external CIDRs.
const cidrRulePrefix = "cidr-"

// WithDefaults returns a copy of a with the documented defaults filled in.
func (a Args) WithDefaults() Args {
	a.ExternalCIDRs = slices.Clone(a.ExternalCIDRs)
	if a.Group == "" {
		a.Group = DefaultGroup
	}
	if a.InstanceClass == "" {
		a.InstanceClass = DefaultInstanceClass
	}
	if a.Username == "" {
		a.Username = DefaultUsername
	}
	if e, ok := engines[a.Engine]; ok && a.Port == 0 {
		a.Port = e.port
	}
	if a.AllocatedStorageGiB == 0 {
		a.AllocatedStorageGiB = DefaultAllocatedStorageGiB
	}
	if a.MaxAllocatedStorageGiB == 0 {
		a.MaxAllocatedStorageGiB = max(DefaultMaxAllocatedStorageGiB, min(2*a.AllocatedStorageGiB, maxStorageGiB))
	}
	if a.BackupRetentionDays == 0 {
		a.BackupRetentionDays = DefaultBackupRetentionDays
	}
	if a.LogRetentionDays == 0 {
		a.LogRetentionDays = DefaultLogRetentionDays
	}
	if a.RequireTLS == nil {
		a.RequireTLS = ptr(true)
	} else {
		a.RequireTLS = ptr(*a.RequireTLS)
	}
	if a.MonitoringIntervalSeconds == nil {
		a.MonitoringIntervalSeconds = ptr(DefaultMonitoringIntervalSeconds)
	} else {
		a.MonitoringIntervalSeconds = ptr(*a.MonitoringIntervalSeconds)
	}
	if a.PerformanceInsights != nil {
		a.PerformanceInsights = ptr(*a.PerformanceInsights)
	}
	if a.SecretRotationDays == 0 {
		a.SecretRotationDays = DefaultSecretRotationDays
	}
	if a.Alarms != nil {
		al := *a.Alarms
		al.Emails = slices.Clone(al.Emails)
		if al.CPUPercent == 0 {
			al.CPUPercent = DefaultAlarmCPUPercent
		}
		if al.FreeStorageGiB == 0 {
			al.FreeStorageGiB = DefaultAlarmFreeStorageGiB
		}
		a.Alarms = &al
	}
	return a
}

// Validate reports every problem with the settings, with their defaults; paths are the settings'
// names in lowerCamelCase. New also checks Naming and the inputs set by code.
func (a Args) Validate() error {
	a = a.WithDefaults()
	var errs field.Errors
	e, known := engines[a.Engine]
	if errs.Required("engine", a.Engine, "use one of "+or(Engines)) && !known {
		errs.OneOf("engine", a.Engine, Engines...)
	}
	if errs.Required("engineVersion", a.EngineVersion, "give the major version, e.g. 16 for postgres, 8.4 for mysql, 10.11 for mariadb") && known {
		_, err := e.major(a.Engine, a.EngineVersion)
		errs.Check("engineVersion", err)
	}
	errs.Check("group", naming.Identifier(a.Group, maxGroup))
	if !instanceClassRE.MatchString(a.InstanceClass) {
		errs.Add("instanceClass", "%q is not an RDS instance class: use db.<family>.<size>, e.g. db.t4g.micro or db.m7g.large", a.InstanceClass)
	}
	if errs.Required("dbName", a.DBName, "name the database the app uses") && known {
		errs.Check("dbName", CheckName(a.Engine, a.DBName))
	}
	if known {
		errs.Check("username", CheckUsername(a.Engine, a.Username))
		errs.Range("port", a.Port, 1150, 65535, "")
	}
	errs.Range("allocatedStorageGiB", a.AllocatedStorageGiB, minStorageGiB, maxStorageGiB, "GiB")
	if least := (a.AllocatedStorageGiB*11 + 9) / 10; a.MaxAllocatedStorageGiB < least || a.MaxAllocatedStorageGiB > maxStorageGiB {
		errs.Add("maxAllocatedStorageGiB", "%d leaves storage autoscaling no room: use at least 10%% more than allocatedStorageGiB (%d to %d GiB)", a.MaxAllocatedStorageGiB, least, maxStorageGiB)
	}
	if a.KMSKeyARN != "" && !bucket.KMSKeyARN.MatchString(a.KMSKeyARN) {
		errs.Add("kmsKeyArn", "%q is not a KMS key ARN: use arn:aws:kms:<region>:<account>:key/<key-id>", a.KMSKeyARN)
	}
	errs.Range("backupRetentionDays", a.BackupRetentionDays, 7, 35, "days")
	CheckWindows(&errs, "", a.BackupWindow, a.MaintenanceWindow)
	if known && a.PerformanceInsights != nil && *a.PerformanceInsights && !a.performanceInsightsSupported(e) {
		errs.Add("performanceInsights", "%s has no Performance Insights on %s: use a class other than %s, or set performanceInsights to false", a.Engine, a.InstanceClass, or(smallClasses))
	}
	errs.Check("logRetentionDays", logs.CheckRetention(a.LogRetentionDays))
	CheckNetworks(&errs, "externalCidrs", a.ExternalCIDRs)
	if a.PublicAccess && len(a.ExternalCIDRs) == 0 {
		errs.Add("publicAccess", "needs externalCidrs: list the networks that reach the database over the internet, or leave publicAccess false")
	}
	a.checkTLS(&errs)
	if !slices.Contains(MonitoringIntervals, *a.MonitoringIntervalSeconds) {
		errs.Add("monitoringIntervalSeconds", "%d is not an Enhanced Monitoring interval: use one of 0 (off), 1, 5, 10, 15, 30, 60 seconds", *a.MonitoringIntervalSeconds)
	} else if role := a.monitoringRoleName(); *a.MonitoringIntervalSeconds > 0 && naming.RoleName(role) != nil {
		errs.Add("group", "the Enhanced Monitoring role name %q is %d characters long: IAM allows 64; shorten the group (or the app or env), or set monitoringIntervalSeconds to 0", role, len(role))
	}
	errs.Range("secretRotationDays", a.SecretRotationDays, minSecretRotationDays, maxSecretRotationDays, "days")
	if a.Alarms != nil {
		a.Alarms.check(&errs, a.AllocatedStorageGiB)
	}
	return errs.Err()
}

// checkTLS checks the TLS switch and its stated reason.
func (a Args) checkTLS(errs *field.Errors) {
	reason := strings.TrimSpace(a.PlaintextReason)
	switch {
	case !*a.RequireTLS && reason == "":
		errs.Add("plaintextReason", "is required with requireTls false: say why the clients cannot use TLS (or give them the RDS CA bundle and keep requireTls)")
	case *a.RequireTLS && a.PlaintextReason != "":
		errs.Add("plaintextReason", "is set but requireTls is true: remove it, or set requireTls to false")
	case len(a.PlaintextReason) > maxPlaintextReason:
		errs.Add("plaintextReason", "is %d characters long: use at most %d", len(a.PlaintextReason), maxPlaintextReason)
	}
}

// monitoringRoleName is the physical name of the Enhanced Monitoring role.
func (a Args) monitoringRoleName() string { return a.Naming.Name(a.monitoringGroup()) }

func (a Args) monitoringGroup() string { return a.Group + "-monitoring" }

// CheckWindows checks a daily backup window ("hh:mm-hh:mm") and a weekly maintenance window
// ("ddd:hh:mm-ddd:hh:mm"), both UTC, optional, at least 30 minutes and apart, recording problems at
// prefix+"backupWindow" and prefix+"maintenanceWindow". Lightsail's databases, which RDS runs,
// follow the same rules.
func CheckWindows(errs *field.Errors, prefix, backupSpan, maintenanceSpan string) {
	var maintenance, backup window
	var mErr, bErr error
	if maintenanceSpan != "" {
		maintenance, mErr = maintenanceWindow(maintenanceSpan)
		errs.Check(field.Join(prefix, "maintenanceWindow"), mErr)
	}
	if backupSpan != "" {
		backup, bErr = backupWindow(backupSpan)
		errs.Check(field.Join(prefix, "backupWindow"), bErr)
	}
	if maintenanceSpan != "" && backupSpan != "" && mErr == nil && bErr == nil && overlaps(maintenance, backup) {
		errs.Add(field.Join(prefix, "backupWindow"), "%q overlaps the maintenance window %q: the database needs them apart", backupSpan, maintenanceSpan)
	}
}

// CheckNetworks checks the IPv4 networks outside AWS that may reach a database, recording
// problems at path[i]: valid, masked, unique, never the whole internet nor a /7 or wider part.
func CheckNetworks(errs *field.Errors, path string, cidrs []string) {
	seen := map[netip.Prefix]bool{}
	for i, c := range cidrs {
		path := field.Index(path, i)
		p, err := netip.ParsePrefix(c)
		switch {
		case err != nil:
			errs.Add(path, "%q is not a CIDR block: use an IPv4 address and prefix length, e.g. 203.0.113.0/24", c)
		case !p.Addr().Is4():
			errs.Add(path, "%q is not IPv4: the database has IPv4 addresses only", c)
		case p.Masked() != p:
			errs.Add(path, "%q has host bits set: use %s", c, p.Masked())
		case p.Bits() == 0:
			errs.Add(path, "%q opens the database to the whole internet: list the networks of the clients outside AWS", c)
		case p.Bits() < 8:
			errs.Add(path, "%q admits a large part of the internet: list networks of /8 or longer prefixes", c)
		case seen[p]:
			errs.Add(path, "%q is listed twice", c)
		}
		seen[p] = true
	}
}

func (al Alarms) check(errs *field.Errors, allocatedGiB int) {
	errs.Range("alarms.cpuPercent", al.CPUPercent, 1, 100, "percent")
	errs.Range("alarms.freeStorageGiB", al.FreeStorageGiB, 1, max(1, allocatedGiB-1), "GiB (less than allocatedStorageGiB)")
	errs.Range("alarms.readIops", al.ReadIOPS, 0, maxIOPS, "operations per second (0: no alarm)")
	errs.Range("alarms.writeIops", al.WriteIOPS, 0, maxIOPS, "operations per second (0: no alarm)")
	seen := map[string]bool{}
	for i, email := range al.Emails {
		path := field.Index("alarms.emails", i)
		addr, err := mail.ParseAddress(email)
		_, domain, _ := strings.Cut(email, "@")
		switch {
		case err != nil || addr.Address != email || !strings.Contains(domain, "."):
			errs.Add(path, "%q is not an email address: use a plain address such as ops@example.org", email)
		case seen[strings.ToLower(email)]:
			errs.Add(path, "%q is listed twice", email)
		}
		seen[strings.ToLower(email)] = true
	}
}

func (a Args) performanceInsightsSupported(e engine) bool {
	return !e.smallClassesLackPI || !slices.Contains(smallClasses, a.InstanceClass)
}

// checkInputs checks what the stack sets by code; paths are the Go field names in camel case.
func (a Args) checkInputs() error {
	var errs field.Errors
	if a.VPCID == nil {
		errs.Add("vpcId", "is required: the database's security group belongs to the VPC of its subnets")
	}
	if n := len(a.SubnetIDs); n < 2 {
		errs.Add("subnetIds", "got %d private subnets, want at least 2: RDS needs subnets in two availability zones", n)
	}
	if n := len(a.PublicSubnetIDs); a.PublicAccess && n < 2 {
		errs.Add("publicSubnetIds", "got %d public subnets, want at least 2: a publicly accessible database must sit in public subnets", n)
	}
	if n := len(a.Clients) + len(a.ExternalCIDRs); n > maxIngressRules {
		errs.Add("clients", "%d clients and external networks need %d inbound rules: a security group holds %d by default; admit fewer", len(a.Clients), n, maxIngressRules)
	}
	if len(a.Clients) == 0 && len(a.ExternalCIDRs) == 0 {
		errs.Add("clients", "is empty and no externalCidrs are listed: nothing could reach the database; pass the security groups of its clients")
	}
	for _, name := range slices.Sorted(maps.Keys(a.Clients)) {
		path := field.Join("clients", name)
		errs.Check(path, naming.Identifier(name, 32))
		if strings.HasPrefix(name, cidrRulePrefix) {
			errs.Add(path, "%q starts with %q, which names the external CIDR rules: name the client after what it is", name, cidrRulePrefix)
		}
		if a.Clients[name] == nil {
			errs.Add(path, "has no security group id: pass the client's security group")
		}
	}
	return errs.Err()
}

// securityGroup describes the database's security group: the engine port from each client
// group and from each external CIDR, nothing else.
func (a Args) securityGroup(identifier string) *secgroup.Args {
	var rules []secgroup.Rule
	for _, name := range slices.Sorted(maps.Keys(a.Clients)) {
		rules = append(rules, secgroup.Rule{
			Name:            name,
			Description:     a.Engine + " from " + name,
			FromPort:        a.Port,
			SecurityGroupID: a.Clients[name],
		})
	}
	for _, c := range a.ExternalCIDRs {
		rules = append(rules, secgroup.Rule{
			Name:        cidrRulePrefix + strings.NewReplacer(".", "-", "/", "-").Replace(c),
			Description: a.Engine + " from external network " + c,
			FromPort:    a.Port,
			CIDR:        c,
		})
	}
	return &secgroup.Args{
		Name: identifier,
		// The description replaces the group when it changes, so it names nothing that varies.
		Description: "RDS " + a.Engine + " " + identifier + ": engine port from its clients only",
		VPCID:       a.VPCID,
		Ingress:     rules,
		Tags:        a.Naming.Tags(a.Group),
	}
}

// New creates a Database.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Database, error) {
	a := args.WithDefaults()
	err := errors.Join(field.Prefix("naming", a.Naming.Validate()), a.Validate(), a.checkInputs())
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	e := engines[a.Engine]
	major, _ := e.major(a.Engine, a.EngineVersion) // valid: Validate checked it
	family := a.Engine + major
	identifier := a.Naming.Name(a.Group)
	sgArgs := a.securityGroup(identifier)
	if err := sgArgs.Validate(); err != nil {
		return nil, fmt.Errorf("database %s: security group: %w", name, err)
	}

	d := &Database{}
	if err := ctx.RegisterComponentResource("strata:database:Database", name, d, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(d)
	tags := pulumi.ToStringMap(a.Naming.Tags(a.Group))

	sg, err := secgroup.New(ctx, name+"-db", sgArgs, parent)
	if err != nil {
		return nil, err
	}

	subnets := a.SubnetIDs
	if a.PublicAccess {
		subnets = a.PublicSubnetIDs
	}
	subnetGroup, err := rds.NewSubnetGroup(ctx, name+"-subnets", &rds.SubnetGroupArgs{
		Name:        pulumi.String(identifier),
		Description: pulumi.String("Subnets of RDS instance " + identifier),
		SubnetIds:   subnets,
		Tags:        tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	paramGroup, err := a.parameterGroup(ctx, name, identifier, family, e, tags, parent)
	if err != nil {
		return nil, err
	}

	// RDS would create the log groups on first export, with no retention.
	var logGroups []pulumi.Resource
	for _, log := range e.logs {
		lg, err := cloudwatch.NewLogGroup(ctx, name+"-log-"+log, &cloudwatch.LogGroupArgs{
			Name:            pulumi.String("/aws/rds/instance/" + identifier + "/" + log),
			RetentionInDays: pulumi.Int(a.LogRetentionDays),
			Tags:            tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		logGroups = append(logGroups, lg)
	}

	var key pulumi.StringPtrInput
	if a.KMSKeyARN != "" {
		key = pulumi.String(a.KMSKeyARN)
	}
	// Every input that replaces the instance when it changes (the provider's ForceNew inputs that
	// strata sets) renews the final snapshot's name: a replacement must not reuse its
	// predecessor's snapshot name.
	finalSnapshot, err := FinalSnapshotName(ctx, name, identifier, map[string]string{
		"identifier":       identifier,
		"engine":           a.Engine,
		"dbName":           a.DBName,
		"username":         a.Username,
		"storageEncrypted": "true",
		"kmsKeyId":         a.KMSKeyARN,
	}, parent)
	if err != nil {
		return nil, err
	}

	waitFor := logGroups
	monitoringRole := pulumi.String("").ToStringOutput()
	if *a.MonitoringIntervalSeconds > 0 {
		r, err := a.monitoring(ctx, name, identifier, parent)
		if err != nil {
			return nil, err
		}
		// RDS checks the role when it turns monitoring on: the policy must be attached by then.
		waitFor = append(waitFor, r)
		monitoringRole = r.ARN
	}

	performanceInsights := a.performanceInsightsSupported(e)
	if a.PerformanceInsights != nil {
		performanceInsights = *a.PerformanceInsights
	}
	var piKey pulumi.StringPtrInput
	var piRetention pulumi.IntPtrInput
	if performanceInsights {
		piKey, piRetention = key, pulumi.Int(7)
	}
	var maintenance, backup pulumi.StringPtrInput
	if a.MaintenanceWindow != "" {
		maintenance = pulumi.String(strings.ToLower(a.MaintenanceWindow))
	}
	if a.BackupWindow != "" {
		backup = pulumi.String(a.BackupWindow)
	}
	var monitoringARN pulumi.StringPtrInput
	if *a.MonitoringIntervalSeconds > 0 {
		monitoringARN = monitoringRole
	}

	instanceOpts := []pulumi.ResourceOption{parent, pulumi.Protect(a.Protect), pulumi.DependsOn(waitFor)}
	if !a.UpgradeEngine {
		// AWS upgrades the minor version in the maintenance window; the provider then reads the
		// newer version back and would plan a downgrade, which RDS refuses.
		instanceOpts = append(instanceOpts, pulumi.IgnoreChanges([]string{"engineVersion"}))
	}
	instance, err := rds.NewInstance(ctx, name, &rds.InstanceArgs{
		Identifier:                         pulumi.String(identifier),
		Engine:                             pulumi.String(a.Engine),
		EngineVersion:                      pulumi.String(a.EngineVersion),
		AutoMinorVersionUpgrade:            pulumi.Bool(true),
		AllowMajorVersionUpgrade:           pulumi.Bool(a.UpgradeEngine),
		InstanceClass:                      pulumi.String(a.InstanceClass),
		DbName:                             pulumi.String(a.DBName),
		Username:                           pulumi.String(a.Username),
		ManageMasterUserPassword:           pulumi.Bool(true),
		MasterUserSecretKmsKeyId:           key,
		Port:                               pulumi.Int(a.Port),
		StorageType:                        pulumi.String("gp3"),
		AllocatedStorage:                   pulumi.Int(a.AllocatedStorageGiB),
		MaxAllocatedStorage:                pulumi.Int(a.MaxAllocatedStorageGiB),
		StorageEncrypted:                   pulumi.Bool(true),
		KmsKeyId:                           key,
		DbSubnetGroupName:                  subnetGroup.Name,
		VpcSecurityGroupIds:                pulumi.StringArray{sg.ID},
		PubliclyAccessible:                 pulumi.Bool(a.PublicAccess),
		ParameterGroupName:                 paramGroup.Name,
		IamDatabaseAuthenticationEnabled:   pulumi.Bool(!slices.Contains(e.noIAMAuth, major)),
		EnabledCloudwatchLogsExports:       pulumi.ToStringArray(e.logs),
		PerformanceInsightsEnabled:         pulumi.Bool(performanceInsights),
		PerformanceInsightsKmsKeyId:        piKey,
		PerformanceInsightsRetentionPeriod: piRetention,
		MonitoringInterval:                 pulumi.Int(*a.MonitoringIntervalSeconds),
		MonitoringRoleArn:                  monitoringARN,
		MultiAz:                            pulumi.Bool(a.MultiAZ),
		BackupRetentionPeriod:              pulumi.Int(a.BackupRetentionDays),
		BackupWindow:                       backup,
		MaintenanceWindow:                  maintenance,
		ApplyImmediately:                   pulumi.Bool(a.ApplyImmediately),
		CopyTagsToSnapshot:                 pulumi.Bool(true),
		DeletionProtection:                 pulumi.Bool(a.Protect),
		DeleteAutomatedBackups:             pulumi.Bool(!a.Protect),
		SkipFinalSnapshot:                  pulumi.Bool(false),
		FinalSnapshotIdentifier:            finalSnapshot,
		Tags:                               tags,
	}, instanceOpts...)
	if err != nil {
		return nil, err
	}

	secretARN := instance.MasterUserSecrets.Index(pulumi.Int(0)).SecretArn().Elem()
	if err := a.rotation(ctx, name, secretARN, parent); err != nil {
		return nil, err
	}

	d.AlarmTopicARN = pulumi.String("").ToStringOutput()
	if a.Alarms != nil {
		if d.AlarmTopicARN, err = a.alarms(ctx, name, identifier, instance.Identifier, tags, parent); err != nil {
			return nil, err
		}
	}

	d.Address, d.Port, d.DBName, d.Username = instance.Address, instance.Port, instance.DbName, instance.Username
	d.SecretARN = secretARN
	d.SecurityGroupID = sg.ID
	d.Identifier, d.ARN, d.EngineVersionActual = instance.Identifier, instance.Arn, instance.EngineVersionActual
	d.TLSRequired = pulumi.Bool(*a.RequireTLS).ToBoolOutput()
	d.TLSParameter = pulumi.String(e.tlsParameter).ToStringOutput()
	d.CABundleURL = pulumi.String(CABundleURL).ToStringOutput()
	d.SecretRotationDays = pulumi.Int(a.SecretRotationDays).ToIntOutput()
	d.FinalSnapshotIdentifier = finalSnapshot
	d.MonitoringRoleARN = monitoringRole
	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{
		"address":                 d.Address,
		"port":                    d.Port,
		"dbName":                  d.DBName,
		"username":                d.Username,
		"secretArn":               d.SecretARN,
		"securityGroupId":         d.SecurityGroupID,
		"identifier":              d.Identifier,
		"arn":                     d.ARN,
		"engineVersionActual":     d.EngineVersionActual,
		"alarmTopicArn":           d.AlarmTopicARN,
		"tlsRequired":             d.TLSRequired,
		"tlsParameter":            d.TLSParameter,
		"caBundleUrl":             d.CABundleURL,
		"secretRotationDays":      d.SecretRotationDays,
		"finalSnapshotIdentifier": d.FinalSnapshotIdentifier,
		"monitoringRoleArn":       d.MonitoringRoleARN,
	}); err != nil {
		return nil, err
	}
	return d, nil
}

// parameterGroup creates the instance's parameter group: the TLS switch and what the log exports
// need. The family is part of the name, so a major upgrade creates the new group before the old
// one is deleted. A group that allows connections without TLS has a name of its own for the same
// reason: the description, which differs, cannot change in place, and switching groups takes
// effect at the instance's next reboot.
func (a Args) parameterGroup(ctx *pulumi.Context, name, identifier, family string, e engine, tags pulumi.StringMap, parent pulumi.ResourceOption) (*rds.ParameterGroup, error) {
	tls, physical, description := "1", identifier+"-"+strings.ReplaceAll(family, ".", "-"), "TLS-only parameters of RDS instance "+identifier
	if !*a.RequireTLS {
		tls, physical, description = "0", physical+"-tls-optional", "Parameters of RDS instance "+identifier+", TLS optional"
	}
	params := rds.ParameterGroupParameterArray{&rds.ParameterGroupParameterArgs{Name: pulumi.String(e.tlsParameter), Value: pulumi.String(tls)}}
	for _, p := range e.parameters {
		params = append(params, &rds.ParameterGroupParameterArgs{Name: pulumi.String(p.name), Value: pulumi.String(p.value)})
	}
	return rds.NewParameterGroup(ctx, name+"-params", &rds.ParameterGroupArgs{
		Name:        pulumi.String(physical),
		Family:      pulumi.String(family),
		Description: pulumi.String(description),
		Parameters:  params,
		Tags:        tags,
	}, parent)
}

// alarms creates the alarm topic, its key, the email subscriptions and the alarms, and returns
// the topic's ARN.
func (a Args) alarms(ctx *pulumi.Context, name, identifier string, instanceID pulumi.StringOutput, tags pulumi.StringMap, parent pulumi.ResourceOrInvokeOption) (pulumi.StringOutput, error) {
	none := pulumi.StringOutput{}
	partition, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{}, parent)
	if err != nil {
		return none, err
	}
	caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{}, parent)
	if err != nil {
		return none, err
	}
	region, err := aws.GetRegion(ctx, &aws.GetRegionArgs{}, parent)
	if err != nil {
		return none, err
	}
	// CloudWatch cannot publish to a topic under the AWS managed key alias/aws/sns: that key's
	// policy does not let CloudWatch use it and cannot be changed. So the topic has its own key.
	keyPolicy, err := policy.New(
		policy.Statement{
			// AWS's default key policy statement: key administration stays with IAM in this
			// account; without it nobody could manage or delete the key.
			Sid:       "AccountAdministersKey",
			Effect:    "Allow",
			Principal: map[string]any{"AWS": "arn:" + partition.Partition + ":iam::" + caller.AccountId + ":root"},
			Action:    []string{"kms:*"},
			Resource:  []string{"*"},
		},
		policy.Statement{
			Sid:       "AlarmsPublishToTopic",
			Effect:    "Allow",
			Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
			Action:    []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{
				"StringEquals": {"aws:SourceAccount": caller.AccountId},
				"ArnLike": {"aws:SourceArn": "arn:" + partition.Partition + ":cloudwatch:" + region.Name + ":" +
					caller.AccountId + ":alarm:" + identifier + "-*"},
			},
		},
	).JSON()
	if err != nil {
		return none, err
	}
	key, err := kms.NewKey(ctx, name+"-alarms", &kms.KeyArgs{
		Description:          pulumi.String("Encrypts the alarm topic of RDS instance " + identifier),
		Policy:               pulumi.String(keyPolicy),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Tags:                 tags,
	}, parent)
	if err != nil {
		return none, err
	}
	topic, err := sns.NewTopic(ctx, name+"-alarms", &sns.TopicArgs{
		Name:           pulumi.String(identifier + "-alarms"),
		KmsMasterKeyId: key.Arn,
		Tags:           tags,
	}, parent)
	if err != nil {
		return none, err
	}
	for _, email := range a.Alarms.Emails {
		// Named by address, so reordering the list re-subscribes nobody.
		if _, err := sns.NewTopicSubscription(ctx, name+"-alarms-"+strings.ToLower(email), &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("email"),
			Endpoint: pulumi.String(email),
		}, parent); err != nil {
			return none, err
		}
	}

	type metricAlarm struct {
		suffix, metric, comparison, what string
		threshold                        float64
		periods                          int
	}
	alarms := []metricAlarm{
		{"cpu", "CPUUtilization", "GreaterThanThreshold", fmt.Sprintf("CPU above %d%% for 15 minutes", a.Alarms.CPUPercent), float64(a.Alarms.CPUPercent), 3},
		// FreeStorageSpace is in bytes.
		{"free-storage", "FreeStorageSpace", "LessThanThreshold", fmt.Sprintf("less than %d GiB of storage free", a.Alarms.FreeStorageGiB), float64(a.Alarms.FreeStorageGiB) * (1 << 30), 1},
	}
	if a.Alarms.ReadIOPS > 0 {
		alarms = append(alarms, metricAlarm{"read-iops", "ReadIOPS", "GreaterThanThreshold", fmt.Sprintf("read IOPS above %d for 15 minutes", a.Alarms.ReadIOPS), float64(a.Alarms.ReadIOPS), 3})
	}
	if a.Alarms.WriteIOPS > 0 {
		alarms = append(alarms, metricAlarm{"write-iops", "WriteIOPS", "GreaterThanThreshold", fmt.Sprintf("write IOPS above %d for 15 minutes", a.Alarms.WriteIOPS), float64(a.Alarms.WriteIOPS), 3})
	}
	for _, al := range alarms {
		if _, err := cloudwatch.NewMetricAlarm(ctx, name+"-"+al.suffix, &cloudwatch.MetricAlarmArgs{
			Name:               pulumi.String(identifier + "-" + al.suffix),
			AlarmDescription:   pulumi.String("RDS instance " + identifier + ": " + al.what),
			Namespace:          pulumi.String("AWS/RDS"),
			MetricName:         pulumi.String(al.metric),
			Dimensions:         pulumi.StringMap{"DBInstanceIdentifier": instanceID},
			Statistic:          pulumi.String("Average"),
			Period:             pulumi.Int(300),
			EvaluationPeriods:  pulumi.Int(al.periods),
			ComparisonOperator: pulumi.String(al.comparison),
			Threshold:          pulumi.Float64(al.threshold),
			AlarmActions:       pulumi.Array{topic.Arn},
			OkActions:          pulumi.Array{topic.Arn},
			Tags:               tags,
		}, parent); err != nil {
			return none, err
		}
	}
	return topic.Arn, nil
}

func ptr[T any](v T) *T { return &v }
