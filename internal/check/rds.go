package check

import (
	"fmt"
	"slices"
	"strings"
)

const (
	parameterGroupType = "aws:rds/parameterGroup:ParameterGroup"
	subnetGroupType    = "aws:rds/subnetGroup:SubnetGroup"
	rdsAPI             = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/"
	createDBInstance   = rdsAPI + "API_CreateDBInstance.html"
)

// rdsIdentifier is what RDS identifiers allow: a letter, then letters, digits and hyphens; rdsNoHyphens
// rejects a trailing hyphen and two in a row.
const (
	rdsIdentifier = `[a-zA-Z][a-zA-Z0-9-]*`
	rdsNoHyphens  = `--|-$`
)

// rdsStorage is the allocated storage (GiB) each storage type allows for MariaDB, MySQL and
// PostgreSQL.
var rdsStorage = map[string]Range{"gp2": {20, 65536}, "gp3": {20, 65536}, "io1": {100, 65536}, "io2": {100, 65536}, "standard": {5, 3072}}

// rdsLogs are the log types each engine exports to CloudWatch Logs.
var rdsLogs = map[string][]string{
	"mariadb":  {"audit", "error", "general", "slowquery", "iam-db-auth-error"},
	"mysql":    {"audit", "error", "general", "slowquery", "iam-db-auth-error"},
	"postgres": {"postgresql", "upgrade", "iam-db-auth-error"},
}

// rdsDBName is the longest database name each engine allows.
var rdsDBName = map[string]int{"mariadb": 64, "mysql": 64, "postgres": 63}

var rds = set{
	limits: []Limit{
		{ID: "rds.instance.identifier", Type: rdsType, Path: "identifier", Len: &Range{1, 63}, Pattern: rdsIdentifier, Reject: rdsNoHyphens,
			Allowed: "1 to 63 letters, digits and hyphens, starting with a letter, without a trailing hyphen or two hyphens in a row", Source: createDBInstance},
		{ID: "rds.instance.finalsnapshotidentifier", Type: rdsType, Path: "finalSnapshotIdentifier", Len: &Range{1, 255}, Pattern: rdsIdentifier, Reject: rdsNoHyphens,
			Allowed: "1 to 255 letters, digits and hyphens, starting with a letter, without a trailing hyphen or two hyphens in a row", Source: rdsAPI + "API_DeleteDBInstance.html"},
		{ID: "rds.instance.username", Type: rdsType, Path: "username", Len: &Range{1, 16}, Pattern: `[a-zA-Z][a-zA-Z0-9_]*`,
			Allowed: "1 to 16 letters, digits and underscores, starting with a letter (not a word the engine reserves)", Source: createDBInstance},
		{ID: "rds.instance.backupretentionperiod", Type: rdsType, Path: "backupRetentionPeriod", Num: &Range{0, 35}, Allowed: "0 to 35 days", Source: createDBInstance},
		{ID: "rds.instance.port", Type: rdsType, Path: "port", Num: &Range{1150, 65535}, Source: createDBInstance},
		{ID: "rds.instance.storagetype", Type: rdsType, Path: "storageType", Enum: []string{"gp2", "gp3", "io1", "io2", "standard"}, Source: createDBInstance},
		{ID: "rds.instance.engine", Type: rdsType, Path: "engine", Enum: []string{"aurora-mysql", "aurora-postgresql", "custom-oracle-ee", "custom-oracle-ee-cdb",
			"custom-oracle-se2", "custom-oracle-se2-cdb", "custom-sqlserver-ee", "custom-sqlserver-se", "custom-sqlserver-web", "custom-sqlserver-dev", "db2-ae", "db2-se",
			"mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb", "postgres", "sqlserver-dev-ee", "sqlserver-ee", "sqlserver-se",
			"sqlserver-ex", "sqlserver-web"}, Source: createDBInstance},
		{ID: "rds.instance.monitoringinterval", Type: rdsType, Path: "monitoringInterval", Enum: []string{"0", "1", "5", "10", "15", "30", "60"}, Source: createDBInstance},
		{ID: "rds.instance.backupwindow", Type: rdsType, Path: "backupWindow", Pattern: `([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]`,
			Allowed: "hh24:mi-hh24:mi in UTC", Source: createDBInstance},
		{ID: "rds.instance.maintenancewindow", Type: rdsType, Path: "maintenanceWindow",
			Pattern: `(?i)(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]`,
			Allowed: "ddd:hh24:mi-ddd:hh24:mi in UTC", Source: createDBInstance},
		{ID: "rds.parametergroup.name", Type: parameterGroupType, Path: "name", Len: &Range{1, 255}, Pattern: rdsIdentifier, Reject: rdsNoHyphens,
			Allowed: "1 to 255 letters, digits and hyphens, starting with a letter, without a trailing hyphen or two hyphens in a row", Source: rdsAPI + "API_CreateDBParameterGroup.html"},
		{ID: "rds.subnetgroup.name", Type: subnetGroupType, Path: "name", Len: &Range{1, 255}, Pattern: `[a-zA-Z][a-zA-Z0-9._ -]*`, Reject: `^(?i)default$`,
			Allowed: "up to 255 letters, digits, periods, underscores, spaces and hyphens, starting with a letter, not default", Source: rdsAPI + "API_CreateDBSubnetGroup.html"},
	},
	rules: []Rule{
		{
			ID: "rds.instance.allocatedstorage", Types: []string{rdsType}, Paths: []string{"allocatedStorage"}, Source: createDBInstance,
			Check: func(r *Resource, report Reporter) {
				size, ok := number(r.Inputs["allocatedStorage"])
				engine, _ := text(r.Inputs["engine"])
				kind, given := text(r.Inputs["storageType"])
				if !given {
					kind = "gp3" // RDS's default without Iops
				}
				limits, known := rdsStorage[kind]
				if ok && known && rdsDBName[engine] > 0 && !limits.has(size) {
					report("allocatedStorage", r.Inputs["allocatedStorage"], fmt.Sprintf("%s GiB of %s storage for %s", limits, kind, engine))
				}
			},
		},
		{
			ID: "rds.instance.maxallocatedstorage", Types: []string{rdsType}, Paths: []string{"maxAllocatedStorage"},
			Source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html; https://www.pulumi.com/registry/packages/aws/api-docs/rds/instance/ (0 turns autoscaling off)",
			Check: func(r *Resource, report Reporter) {
				limit, ok1 := number(r.Inputs["maxAllocatedStorage"])
				size, ok2 := number(r.Inputs["allocatedStorage"])
				if ok1 && ok2 && limit != 0 && limit < 1.1*size {
					report("maxAllocatedStorage", r.Inputs["maxAllocatedStorage"], fmt.Sprintf("0 (no autoscaling) or at least 10%% more than allocatedStorage (%s GiB)", num(1.1*size)))
				}
			},
		},
		{
			ID: "rds.instance.dbname", Types: []string{rdsType}, Paths: []string{"dbName"}, Source: createDBInstance,
			Check: func(r *Resource, report Reporter) {
				engine, _ := text(r.Inputs["engine"])
				name, ok := text(r.Inputs["dbName"])
				if max := rdsDBName[engine]; ok && max > 0 && !re(fmt.Sprintf(`[a-zA-Z][a-zA-Z0-9_]{0,%d}`, max-1)).MatchString(name) {
					report("dbName", name, fmt.Sprintf("1 to %d letters, digits and underscores, starting with a letter (not a word %s reserves)", max, engine))
				}
			},
		},
		{
			ID: "rds.instance.logexports", Types: []string{rdsType}, Paths: []string{"enabledCloudwatchLogsExports[*]"}, Source: createDBInstance,
			Check: func(r *Resource, report Reporter) {
				engine, _ := text(r.Inputs["engine"])
				allowed, known := rdsLogs[engine]
				if !known {
					return
				}
				r.Each("enabledCloudwatchLogsExports[*]", func(path string, v any) {
					if s, ok := text(v); ok && !slices.Contains(allowed, s) {
						report(path, s, fmt.Sprintf("a log type %s exports: %s", engine, strings.Join(allowed, ", ")))
					}
				})
			},
		},
		{
			ID: "rds.instance.performanceinsightsretention", Types: []string{rdsType}, Paths: []string{"performanceInsightsRetentionPeriod"}, Source: createDBInstance,
			Check: func(r *Resource, report Reporter) {
				d, ok := number(r.Inputs["performanceInsightsRetentionPeriod"])
				months := d / 31
				if ok && d != 7 && d != 731 && (months != float64(int(months)) || months < 1 || months > 23) {
					report("performanceInsightsRetentionPeriod", r.Inputs["performanceInsightsRetentionPeriod"], "7, 31 × 1 to 23 months, or 731 days")
				}
			},
		},
		{
			ID: "rds.instance.iops", Types: []string{rdsType}, Paths: []string{"iops"}, Source: createDBInstance,
			Check: func(r *Resource, report Reporter) {
				iops, ok1 := number(r.Inputs["iops"])
				size, ok2 := number(r.Inputs["allocatedStorage"])
				kind, _ := text(r.Inputs["storageType"])
				if ok1 && ok2 && (kind == "io1" || kind == "io2") && (iops < 0.5*size || iops > 50*size) {
					report("iops", r.Inputs["iops"], fmt.Sprintf("0.5 to 50 IOPS per GiB of storage (%s to %s)", num(0.5*size), num(50*size)))
				}
			},
		},
	},
	classes: slices.Concat(
		classify(rdsType, Boolean, "instance flags", "allowMajorVersionUpgrade", "autoMinorVersionUpgrade", "copyTagsToSnapshot", "deleteAutomatedBackups",
			"deletionProtection", "iamDatabaseAuthenticationEnabled", "manageMasterUserPassword", "multiAz", "performanceInsightsEnabled",
			"skipFinalSnapshot", "storageEncrypted", "applyImmediately"),
		classify(rdsType, Reference, "names, ids and ARNs of other resources", "dbSubnetGroupName", "parameterGroupName", "vpcSecurityGroupIds[*]",
			"kmsKeyId", "masterUserSecretKmsKeyId", "monitoringRoleArn", "performanceInsightsKmsKeyId", "availabilityZone", "optionGroupName"),
		classify(rdsType, Catalog, "engine versions, instance classes and CA certificates (DescribeDBEngineVersions, DescribeOrderableDBInstanceOptions)",
			"engineVersion", "instanceClass", "caCertIdentifier"),
		classify(rdsType, Secret, "the master password is a secret", "password"),
		classify(rdsType, Number, "gp3 throughput; the API reference documents no range (API_CreateDBInstance)", "storageThroughput"),
		classify(parameterGroupType, FreeText, "a description; the API reference documents no limit", "description"),
		classify(parameterGroupType, Catalog, "parameter group families and engine parameters (DescribeDBEngineVersions, DescribeEngineDefaultParameters)", "family", "parameters[*].name"),
		classify(parameterGroupType, FreeText, "a parameter value; what it allows depends on the parameter", "parameters[*].value"),
		classify(subnetGroupType, FreeText, "a description; the API reference documents no limit", "description"),
		classify(subnetGroupType, Reference, "the subnets' ids", "subnetIds[*]"),
	),
}
