package database_test

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/strata-iac/strata/components/database"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeDatabase     = "strata:database:Database"
	typeInstance     = "aws:rds/instance:Instance"
	typeSubnetGroup  = "aws:rds/subnetGroup:SubnetGroup"
	typeParams       = "aws:rds/parameterGroup:ParameterGroup"
	typeSG           = "aws:ec2/securityGroup:SecurityGroup"
	typeIngress      = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeEgress       = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeLogGroup     = "aws:cloudwatch/logGroup:LogGroup"
	typeAlarm        = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typeTopic        = "aws:sns/topic:Topic"
	typeSubscription = "aws:sns/topicSubscription:TopicSubscription"
	typeKey          = "aws:kms/key:Key"
	typeRandomID     = "random:index/randomId:RandomId"
	typeRole         = "aws:iam/role:Role"
	typeAttachment   = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeRotation     = "aws:secretsmanager/secretRotation:SecretRotation"

	id     = "lookup-test-db"
	key    = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	gib    = 1 << 30
	sgApp  = "sg-0aaaaaaaaaaaaaaa1"
	sgWork = "sg-0bbbbbbbbbbbbbbb2"
)

var (
	conv          = naming.Convention{App: "lookup", Env: "test", Owner: "ld4p"}
	publicSubnets = pulumi.StringArray{pulumi.String("subnet-pub-a"), pulumi.String("subnet-pub-b")}
)

// base returns valid args for engine at version, with one client.
func base(engine, version string) database.Args {
	return database.Args{
		Engine:        engine,
		EngineVersion: version,
		DBName:        "app_data",
		Naming:        conv,
		VPCID:         pulumi.String("vpc-1"),
		SubnetIDs:     pulumi.StringArray{pulumi.String("subnet-priv-a"), pulumi.String("subnet-priv-b")},
		Clients:       map[string]pulumi.StringInput{"app": pulumi.String(sgApp)},
	}
}

func program(args database.Args) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		db, err := database.New(ctx, "lookup-db", &args)
		if err != nil {
			return err
		}
		ctx.Export("address", db.Address)
		ctx.Export("port", db.Port)
		ctx.Export("dbName", db.DBName)
		ctx.Export("username", db.Username)
		ctx.Export("secretArn", db.SecretARN)
		ctx.Export("securityGroupId", db.SecurityGroupID)
		ctx.Export("identifier", db.Identifier)
		ctx.Export("arn", db.ARN)
		ctx.Export("alarmTopicArn", db.AlarmTopicARN)
		ctx.Export("tlsRequired", db.TLSRequired)
		ctx.Export("tlsParameter", db.TLSParameter)
		ctx.Export("caBundleUrl", db.CABundleURL)
		ctx.Export("secretRotationDays", db.SecretRotationDays)
		ctx.Export("finalSnapshotIdentifier", db.FinalSnapshotIdentifier)
		ctx.Export("monitoringRoleArn", db.MonitoringRoleARN)
		return nil
	}
}

func deploy(t *testing.T, args database.Args) *mock.Result {
	t.Helper()
	return mocktest.Run(t, program(args))
}

// untaggable are the types of the database that AWS gives no tags, besides those mocktest knows.
var untaggable = map[string]bool{typeRotation: true}

// checkTags checks the naming convention on every taggable resource: Name=<app>-<env>-<group>,
// the common tags, and the group db (db-monitoring for the monitoring role).
func checkTags(t *testing.T, res *mock.Result) {
	t.Helper()
	n := 0
	for _, r := range res.Resources() {
		if !mocktest.Taggable(r) || untaggable[r.Type] {
			continue
		}
		n++
		tags := mocktest.Tags(r)
		group := "db"
		if r.Type == typeRole {
			group = "db-monitoring"
		}
		for k, v := range map[string]string{"App": "lookup", "Env": "test", "Owner": "ld4p", "Group": group, "Name": "lookup-test-" + group} {
			assert.Equal(t, v, tags[k], "%s %s: tag %s", r.Type, r.Name, k)
		}
	}
	assert.NotZero(t, n, "no taggable resources")
}

// snapshotRE is RDS's rule for snapshot identifiers: 1 to 255 letters, digits and hyphens,
// starting with a letter, no two hyphens in a row, not ending with a hyphen.
var snapshotRE = regexp.MustCompile(`^[A-Za-z](?:-?[A-Za-z0-9])*$`)

// finalSnapshot returns the rendered final snapshot identifier and checks it against RDS's rules
// and strata's form <id>-final-<8 hex digits>.
func finalSnapshot(t *testing.T, res *mock.Result) string {
	t.Helper()
	got, _ := mocktest.One(t, res, typeInstance).In("finalSnapshotIdentifier").(string)
	assert.Regexp(t, `^`+regexp.QuoteMeta(id)+`-final-[0-9a-f]{8}$`, got)
	assert.Regexp(t, snapshotRE, got, "RDS snapshot identifier rules")
	assert.LessOrEqual(t, len(got), 255)
	return got
}

func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func params(r *mock.Resource) []string {
	var out []string
	list, _ := r.In("parameters").([]any)
	for _, p := range list {
		m := p.(map[string]any)
		out = append(out, fmt.Sprintf("%v=%v", m["name"], m["value"]))
	}
	slices.Sort(out)
	return out
}

func TestEngines(t *testing.T) {
	mysqlParams := []string{"log_output=FILE", "require_secure_transport=1", "slow_query_log=1"}
	tests := []struct {
		engine, version, class string
		family, paramName      string
		params, logs           []string
		port                   float64
		iamAuth, pi            bool
	}{
		{"postgres", "16.4", "", "postgres16", id + "-postgres16", []string{"rds.force_ssl=1"}, []string{"postgresql", "upgrade"}, 5432, true, true},
		{"postgres", "18.1", "", "postgres18", id + "-postgres18", []string{"rds.force_ssl=1"}, []string{"postgresql", "upgrade"}, 5432, true, true},
		{"mysql", "8.0.39", "", "mysql8.0", id + "-mysql8-0", mysqlParams, []string{"error", "slowquery"}, 3306, true, false},
		{"mysql", "8.4.6", "db.m7g.large", "mysql8.4", id + "-mysql8-4", mysqlParams, []string{"error", "slowquery"}, 3306, true, true},
		{"mariadb", "10.11.9", "", "mariadb10.11", id + "-mariadb10-11", mysqlParams, []string{"error", "slowquery"}, 3306, true, false},
		// RDS offers no IAM database authentication on MariaDB 10.6.
		{"mariadb", "10.6.19", "db.t4g.medium", "mariadb10.6", id + "-mariadb10-6", mysqlParams, []string{"error", "slowquery"}, 3306, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.engine+"-"+tc.version, func(t *testing.T) {
			args := base(tc.engine, tc.version)
			args.InstanceClass = tc.class
			res := deploy(t, args)
			inst := mocktest.One(t, res, typeInstance)
			mocktest.Eq(t, "engine", inst.In("engine"), tc.engine)
			mocktest.Eq(t, "engineVersion", inst.In("engineVersion"), tc.version)
			mocktest.Eq(t, "port", inst.In("port"), tc.port)
			pg := mocktest.One(t, res, typeParams)
			mocktest.Eq(t, "family", pg.In("family"), tc.family)
			mocktest.Eq(t, "parameter group name", pg.In("name"), tc.paramName)
			mocktest.EqualLists(t, "parameters", params(pg), tc.params)
			mocktest.Eq(t, "instance parameter group", inst.In("parameterGroupName"), tc.paramName)
			mocktest.EqualLists(t, "log exports", strs(inst.In("enabledCloudwatchLogsExports")), tc.logs)
			var groups []string
			for _, lg := range res.ByType(typeLogGroup) {
				groups = append(groups, fmt.Sprint(lg.In("name")))
				mocktest.Eq(t, lg.Name+" retention", lg.In("retentionInDays"), float64(30))
			}
			slices.Sort(groups)
			var want []string
			for _, l := range tc.logs {
				want = append(want, "/aws/rds/instance/"+id+"/"+l)
			}
			mocktest.EqualLists(t, "log groups", groups, want)
			mocktest.Eq(t, "IAM auth", inst.In("iamDatabaseAuthenticationEnabled"), tc.iamAuth)
			mocktest.Eq(t, "Performance Insights", inst.In("performanceInsightsEnabled"), tc.pi)
			if tc.pi {
				mocktest.Eq(t, "PI retention", inst.In("performanceInsightsRetentionPeriod"), float64(7))
			}
			for _, lg := range res.ByType(typeLogGroup) {
				if !slices.Contains(inst.Dependencies, lg.URN) {
					t.Errorf("instance does not wait for log group %s: RDS would create it without retention", lg.Name)
				}
			}
		})
	}
}

// inputKeys walks a value and lists every map key in it.
func inputKeys(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			*out = append(*out, k)
			inputKeys(x, out)
		}
	case []any:
		for _, x := range v {
			inputKeys(x, out)
		}
	}
}

func TestSecurityBaseline(t *testing.T) {
	for _, tc := range []struct{ engine, version string }{{"postgres", "16.4"}, {"mysql", "8.0.39"}, {"mariadb", "10.11.9"}} {
		t.Run(tc.engine, func(t *testing.T) {
			res := deploy(t, base(tc.engine, tc.version))
			inst := mocktest.One(t, res, typeInstance)
			for _, c := range []struct {
				key  string
				want any
			}{
				{"identifier", id},
				{"dbName", "app_data"},
				{"username", "app"},
				{"instanceClass", "db.t4g.micro"},
				{"storageEncrypted", true},
				{"storageType", "gp3"},
				{"allocatedStorage", float64(20)},
				{"maxAllocatedStorage", float64(100)},
				{"publiclyAccessible", false},
				{"manageMasterUserPassword", true},
				{"backupRetentionPeriod", float64(7)},
				{"copyTagsToSnapshot", true},
				{"autoMinorVersionUpgrade", true},
				{"allowMajorVersionUpgrade", false},
				{"applyImmediately", false},
				{"multiAz", false},
				{"skipFinalSnapshot", false},
				{"dbSubnetGroupName", id},
			} {
				mocktest.Eq(t, c.key, inst.In(c.key), c.want)
			}
			for _, k := range []string{"kmsKeyId", "masterUserSecretKmsKeyId", "iops", "storageThroughput", "snapshotIdentifier", "replicateSourceDb"} {
				if v := inst.In(k); v != nil {
					t.Errorf("%s: got %v, want it unset", k, v)
				}
			}
			// No password anywhere: RDS generates it into Secrets Manager.
			for _, r := range res.Resources() {
				var keys []string
				inputKeys(r.Inputs.Mappable(), &keys)
				for _, k := range keys {
					if strings.Contains(strings.ToLower(k), "password") && k != "manageMasterUserPassword" {
						t.Errorf("%s %s has input %q: passwords must never be an input", r.Type, r.Name, k)
					}
				}
			}
			sg := mocktest.One(t, res, typeSG)
			mocktest.EqualLists(t, "security groups", strs(inst.In("vpcSecurityGroupIds")), []string{sg.ID})
			mocktest.Eq(t, "sg name", sg.In("name"), id)
			sn := mocktest.One(t, res, typeSubnetGroup)
			mocktest.Eq(t, "subnet group name", sn.In("name"), id)
			mocktest.EqualLists(t, "subnets", strs(sn.In("subnetIds")), []string{"subnet-priv-a", "subnet-priv-b"})
			finalSnapshot(t, res)
			checkTags(t, res)
			for _, r := range res.Resources() {
				if r.Type != typeDatabase && r.Parent == "" {
					t.Errorf("%s %s has no parent: children belong to the component", r.Type, r.Name)
				}
			}
		})
	}
}

func TestCustomerManagedKey(t *testing.T) {
	args := base("postgres", "16.4")
	args.KMSKeyARN = key
	inst := mocktest.One(t, deploy(t, args), typeInstance)
	for _, k := range []string{"kmsKeyId", "masterUserSecretKmsKeyId", "performanceInsightsKmsKeyId"} {
		mocktest.Eq(t, k, inst.In(k), key)
	}
}

func TestIngressOnlyFromClients(t *testing.T) {
	rules := func(res *mock.Result) []string {
		var out []string
		for _, r := range res.ByType(typeIngress) {
			src := r.In("referencedSecurityGroupId")
			if src == nil {
				src = r.In("cidrIpv4")
			}
			out = append(out, fmt.Sprintf("%s %v %v-%v %v", r.Name, r.In("ipProtocol"), r.In("fromPort"), r.In("toPort"), src))
			mocktest.Eq(t, r.Name+" group", r.In("securityGroupId"), mocktest.One(t, res, typeSG).ID)
			if r.In("description") == nil {
				t.Errorf("%s has no description", r.Name)
			}
			if r.In("cidrIpv6") != nil || r.In("prefixListId") != nil {
				t.Errorf("%s: unexpected peer", r.Name)
			}
		}
		slices.Sort(out)
		return out
	}

	t.Run("private", func(t *testing.T) {
		args := base("postgres", "16.4")
		args.Clients["worker"] = pulumi.String(sgWork)
		args.PublicSubnetIDs = publicSubnets
		res := deploy(t, args)
		mocktest.EqualLists(t, "ingress", rules(res), []string{
			"lookup-db-db-in-app tcp 5432-5432 " + sgApp,
			"lookup-db-db-in-worker tcp 5432-5432 " + sgWork,
		})
		if n := len(res.ByType(typeEgress)); n != 0 {
			t.Errorf("got %d egress rules, want 0", n)
		}
		inst := mocktest.One(t, res, typeInstance)
		mocktest.Eq(t, "public", inst.In("publiclyAccessible"), false)
		// Public subnets are ignored without external networks.
		mocktest.EqualLists(t, "subnets", strs(mocktest.One(t, res, typeSubnetGroup).In("subnetIds")), []string{"subnet-priv-a", "subnet-priv-b"})
	})

	for _, public := range []bool{false, true} {
		t.Run(fmt.Sprint("external networks, publicAccess=", public), func(t *testing.T) {
			args := base("postgres", "16.4")
			args.Port = 6543
			args.ExternalCIDRs = []string{"203.0.113.0/24", "198.51.100.7/32"}
			args.PublicAccess = public
			args.PublicSubnetIDs = publicSubnets
			res := deploy(t, args)
			mocktest.EqualLists(t, "ingress", rules(res), []string{
				"lookup-db-db-in-app tcp 6543-6543 " + sgApp,
				"lookup-db-db-in-cidr-198-51-100-7-32 tcp 6543-6543 198.51.100.7/32",
				"lookup-db-db-in-cidr-203-0-113-0-24 tcp 6543-6543 203.0.113.0/24",
			})
			inst := mocktest.One(t, res, typeInstance)
			// Listing networks alone no longer makes the database public: only publicAccess does.
			assert.Equal(t, public, inst.In("publiclyAccessible"))
			mocktest.Eq(t, "port", inst.In("port"), float64(6543))
			subnets := []string{"subnet-priv-a", "subnet-priv-b"}
			if public {
				subnets = []string{"subnet-pub-a", "subnet-pub-b"}
			}
			mocktest.EqualLists(t, "subnets", strs(mocktest.One(t, res, typeSubnetGroup).In("subnetIds")), subnets)
		})
	}
}

func TestProtection(t *testing.T) {
	for _, protect := range []bool{false, true} {
		t.Run(fmt.Sprint("protect=", protect), func(t *testing.T) {
			args := base("mariadb", "10.11.9")
			args.Protect = protect
			res := deploy(t, args)
			inst := mocktest.One(t, res, typeInstance)
			mocktest.Eq(t, "protect", inst.Protect, protect)
			mocktest.Eq(t, "deletionProtection", inst.In("deletionProtection"), protect)
			mocktest.Eq(t, "deleteAutomatedBackups", inst.In("deleteAutomatedBackups"), !protect)
			mocktest.Eq(t, "skipFinalSnapshot", inst.In("skipFinalSnapshot"), false)
			finalSnapshot(t, res)
			for _, r := range res.Resources() {
				if r.Protect && r.Type != typeInstance {
					t.Errorf("%s %s is protected; only the instance holds data", r.Type, r.Name)
				}
			}
		})
	}
}

func TestMultiAZAndWindows(t *testing.T) {
	args := base("postgres", "16.4")
	args.MultiAZ = true
	args.ApplyImmediately = true
	args.BackupRetentionDays = 35
	args.MaintenanceWindow = "Sun:05:00-Sun:06:00"
	args.BackupWindow = "03:00-04:00"
	inst := mocktest.One(t, deploy(t, args), typeInstance)
	mocktest.Eq(t, "multiAz", inst.In("multiAz"), true)
	mocktest.Eq(t, "applyImmediately", inst.In("applyImmediately"), true)
	mocktest.Eq(t, "backupRetentionPeriod", inst.In("backupRetentionPeriod"), float64(35))
	// Lower case, as the provider stores it, so the window never shows as a change.
	mocktest.Eq(t, "maintenanceWindow", inst.In("maintenanceWindow"), "sun:05:00-sun:06:00")
	mocktest.Eq(t, "backupWindow", inst.In("backupWindow"), "03:00-04:00")
}

func TestPerformanceInsightsSwitch(t *testing.T) {
	off := false
	args := base("postgres", "16.4")
	args.PerformanceInsights = &off
	args.KMSKeyARN = key
	inst := mocktest.One(t, deploy(t, args), typeInstance)
	mocktest.Eq(t, "performanceInsightsEnabled", inst.In("performanceInsightsEnabled"), false)
	for _, k := range []string{"performanceInsightsKmsKeyId", "performanceInsightsRetentionPeriod"} {
		if v := inst.In(k); v != nil {
			t.Errorf("%s: got %v, want unset with Performance Insights off", k, v)
		}
	}
}

func TestEngineVersionAndMinorUpgrades(t *testing.T) {
	args := base("postgres", "16.4")
	inst := mocktest.One(t, deploy(t, args), typeInstance)
	mocktest.EqualLists(t, "ignoreChanges", inst.IgnoreChanges, []string{"engineVersion"})

	args.UpgradeEngine = true
	inst = mocktest.One(t, deploy(t, args), typeInstance)
	mocktest.EqualLists(t, "ignoreChanges with upgradeEngine", inst.IgnoreChanges, []string{})
	mocktest.Eq(t, "allowMajorVersionUpgrade", inst.In("allowMajorVersionUpgrade"), true)
	mocktest.Eq(t, "autoMinorVersionUpgrade", inst.In("autoMinorVersionUpgrade"), true)
}

func TestAlarms(t *testing.T) {
	args := base("postgres", "16.4")
	args.Alarms = &database.Alarms{CPUPercent: 60, FreeStorageGiB: 3, ReadIOPS: 1500, WriteIOPS: 900,
		Emails: []string{"ops@example.org", "dba@example.org"}}
	res := deploy(t, args)
	if args.Alarms.CPUPercent != 60 || args.Alarms.Emails[0] != "ops@example.org" {
		t.Errorf("New changed the caller's alarms: %+v", args.Alarms)
	}
	topic := mocktest.One(t, res, typeTopic)
	k := mocktest.One(t, res, typeKey)
	mocktest.Eq(t, "topic name", topic.In("name"), id+"-alarms")
	mocktest.Eq(t, "topic key", topic.In("kmsMasterKeyId"), k.Out("arn"))
	mocktest.Eq(t, "key rotation", k.In("enableKeyRotation"), true)
	mocktest.Eq(t, "key deletion window", k.In("deletionWindowInDays"), float64(30))
	doc := mocktest.Document(t, k, "policy")
	var cloudwatch bool
	for _, s := range doc.Statement {
		p, _ := s.Principal.(map[string]any)
		switch {
		case p["Service"] == "cloudwatch.amazonaws.com":
			cloudwatch = true
			mocktest.EqualLists(t, "cloudwatch key actions", s.Action, []string{"kms:Decrypt", "kms:GenerateDataKey"})
			mocktest.Eq(t, "source account", s.Condition["StringEquals"]["aws:SourceAccount"], mock.Account)
			mocktest.Eq(t, "source alarms", s.Condition["ArnLike"]["aws:SourceArn"], "arn:aws:cloudwatch:us-east-1:"+mock.Account+":alarm:"+id+"-*")
		case p["AWS"] == "arn:aws:iam::"+mock.Account+":root":
		default:
			t.Errorf("key policy statement %s grants %v: want only the account and CloudWatch", s.Sid, s.Principal)
		}
	}
	if !cloudwatch {
		t.Error("key policy does not let CloudWatch alarms publish to the encrypted topic")
	}

	var subs []string
	for _, s := range res.ByType(typeSubscription) {
		mocktest.Eq(t, s.Name+" topic", s.In("topic"), topic.Out("arn"))
		subs = append(subs, fmt.Sprintf("%v %v", s.In("protocol"), s.In("endpoint")))
	}
	slices.Sort(subs)
	mocktest.EqualLists(t, "subscriptions", subs, []string{"email dba@example.org", "email ops@example.org"})

	var alarms []string
	for _, a := range res.ByType(typeAlarm) {
		alarms = append(alarms, fmt.Sprintf("%v %v %v %v %v", a.In("name"), a.In("metricName"), a.In("comparisonOperator"), a.In("threshold"), a.In("evaluationPeriods")))
		mocktest.Eq(t, a.Name+" namespace", a.In("namespace"), "AWS/RDS")
		mocktest.Eq(t, a.Name+" dimension", a.In("dimensions.DBInstanceIdentifier"), id)
		mocktest.EqualLists(t, a.Name+" alarm actions", strs(a.In("alarmActions")), []string{fmt.Sprint(topic.Out("arn"))})
		mocktest.EqualLists(t, a.Name+" ok actions", strs(a.In("okActions")), []string{fmt.Sprint(topic.Out("arn"))})
	}
	slices.Sort(alarms)
	mocktest.EqualLists(t, "alarms", alarms, []string{
		id + "-cpu CPUUtilization GreaterThanThreshold 60 3",
		fmt.Sprintf("%s-free-storage FreeStorageSpace LessThanThreshold %v 1", id, float64(3*gib)),
		id + "-read-iops ReadIOPS GreaterThanThreshold 1500 3",
		id + "-write-iops WriteIOPS GreaterThanThreshold 900 3",
	})
	mocktest.Eq(t, "alarm topic output", res.Outputs["alarmTopicArn"], topic.Out("arn"))
	checkTags(t, res)
}

func TestAlarmDefaults(t *testing.T) {
	args := base("mysql", "8.0.39")
	args.Alarms = &database.Alarms{}
	res := deploy(t, args)
	if !reflect.DeepEqual(*args.Alarms, database.Alarms{}) {
		t.Errorf("New filled in the caller's alarms: got %+v", *args.Alarms)
	}
	var alarms []string
	for _, a := range res.ByType(typeAlarm) {
		alarms = append(alarms, fmt.Sprintf("%v %v", a.In("metricName"), a.In("threshold")))
	}
	slices.Sort(alarms)
	mocktest.EqualLists(t, "alarms", alarms, []string{"CPUUtilization 80", fmt.Sprintf("FreeStorageSpace %v", float64(2*gib))})
	if n := len(res.ByType(typeSubscription)); n != 0 {
		t.Errorf("got %d subscriptions, want 0", n)
	}

	res = deploy(t, base("mysql", "8.0.39"))
	for _, typ := range []string{typeAlarm, typeTopic, typeKey, typeSubscription} {
		if n := len(res.ByType(typ)); n != 0 {
			t.Errorf("without alarms: got %d %s, want 0", n, typ)
		}
	}
	mocktest.Eq(t, "alarm topic output", res.Outputs["alarmTopicArn"], "")
}

func TestOutputs(t *testing.T) {
	res := deploy(t, base("postgres", "16.4"))
	inst := mocktest.One(t, res, typeInstance)
	secret, _ := inst.Out("masterUserSecrets[0].secretArn").(string)
	if !strings.HasPrefix(secret, "arn:aws:secretsmanager:") {
		t.Fatalf("mock gave no master user secret: %v", inst.Out("masterUserSecrets"))
	}
	for _, c := range []struct {
		key  string
		want any
	}{
		{"secretArn", secret},
		{"address", inst.Out("address")},
		{"port", 5432},
		{"dbName", "app_data"},
		{"username", "app"},
		{"securityGroupId", mocktest.One(t, res, typeSG).ID},
		{"identifier", id},
		{"arn", "arn:aws:rds:us-east-1:" + mock.Account + ":db:" + id},
		{"alarmTopicArn", ""},
	} {
		mocktest.Eq(t, c.key, res.Outputs[c.key], c.want)
	}
	if res.SecretOutputs["secretArn"] {
		t.Error("the secret's ARN is not itself secret")
	}
}

// Changing the instance class or the storage must update the instance in place: every input
// that forces a replacement (identifier, engine, dbName, username, storage encryption and key,
// names of the groups) must stay as it was, and nothing but the changed inputs may differ.
func TestClassAndStorageChangesAreInPlace(t *testing.T) {
	before := base("postgres", "16.4")
	before.KMSKeyARN = key
	after := before
	after.InstanceClass = "db.m7g.large"
	after.AllocatedStorageGiB = 200
	after.MaxAllocatedStorageGiB = 1000
	a, b := deploy(t, before), deploy(t, after)
	if len(a.Resources()) != len(b.Resources()) {
		t.Fatalf("got %d resources after the change, want %d", len(b.Resources()), len(a.Resources()))
	}
	for _, ra := range a.Resources() {
		rb := b.Get(ra.Type, ra.Name)
		if rb == nil {
			t.Errorf("%s %s disappeared", ra.Type, ra.Name)
			continue
		}
		ia, ib := ra.Inputs.Mappable(), rb.Inputs.Mappable()
		var changed []string
		for _, k := range slices.Sorted(maps.Keys(ia)) {
			if !reflect.DeepEqual(ia[k], ib[k]) {
				changed = append(changed, k)
			}
		}
		want := []string{}
		if ra.Type == typeInstance {
			want = []string{"allocatedStorage", "instanceClass", "maxAllocatedStorage"}
			for _, k := range []string{"identifier", "engine", "engineVersion", "dbName", "username", "storageEncrypted", "kmsKeyId", "dbSubnetGroupName", "port"} {
				if ia[k] == nil {
					t.Errorf("instance input %s is unset", k)
				}
			}
		}
		mocktest.EqualLists(t, ra.Type+" "+ra.Name+" changed inputs", append([]string{}, changed...), want)
		mocktest.Eq(t, ra.Name+" protect", rb.Protect, ra.Protect)
	}
	mocktest.Eq(t, "instance class", b.Get(typeInstance, "lookup-db").In("instanceClass"), "db.m7g.large")
}

func TestDeterministic(t *testing.T) {
	args := base("mariadb", "10.11.9")
	args.Alarms = &database.Alarms{Emails: []string{"ops@example.org"}}
	a, b := deploy(t, args), deploy(t, args)
	for _, ra := range a.Resources() {
		rb := b.Get(ra.Type, ra.Name)
		if rb == nil || !reflect.DeepEqual(ra.Inputs.Mappable(), rb.Inputs.Mappable()) {
			t.Errorf("%s %s differs between two runs of the same args", ra.Type, ra.Name)
		}
	}
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	yes := true
	with := func(engine, version string, change func(*database.Args)) database.Args {
		a := base(engine, version)
		change(&a)
		return a
	}
	pg := func(change func(*database.Args)) database.Args { return with("postgres", "16.4", change) }
	tests := []struct {
		name string
		args database.Args
		want []string
	}{
		{"unknown engine", with("oracle-ee", "19.0", func(*database.Args) {}),
			[]string{`engine: "oracle-ee" is not allowed: use one of postgres, mysql, mariadb`}},
		{"missing engine and version", with("", "", func(*database.Args) {}),
			[]string{"engine: is required", "engineVersion: is required: give the major version, e.g. 16 for postgres"}},
		{"latest", with("postgres", "latest", func(*database.Args) {}),
			[]string{`engineVersion: "latest" is not a postgres engine version: use the major version (16), or MAJOR.MINOR (16.4)`}},
		{"mysql without minor of the major", with("mysql", "8", func(*database.Args) {}),
			[]string{`engineVersion: "8" is not a mysql engine version: use the major version (8.4), or MAJOR.MINOR.PATCH (8.4.6)`}},
		{"mariadb with a fourth number", with("mariadb", "10.11.9.1", func(*database.Args) {}),
			[]string{`engineVersion: "10.11.9.1" is not a mariadb engine version`}},
		{"postgres with patch", with("postgres", "16.4.1", func(*database.Args) {}),
			[]string{`engineVersion: "16.4.1" is not a postgres engine version`}},
		{"leading zero", with("postgres", "016", func(*database.Args) {}),
			[]string{`engineVersion: "016" is not a postgres engine version`}},
		{"unknown bare major", with("mysql", "5.7", func(*database.Args) {}),
			[]string{`engineVersion: "5.7" has no known parameter group family (mysql5.7): use mysql major version 8.0 or 8.4`}},
		{"unknown family", with("postgres", "12.19", func(*database.Args) {}),
			[]string{`engineVersion: "12.19" has no known parameter group family (postgres12): use postgres major version 14, 15, 16, 17 or 18`}},
		{"old mariadb", with("mariadb", "10.5.27", func(*database.Args) {}),
			[]string{`engineVersion: "10.5.27" has no known parameter group family (mariadb10.5)`}},
		{"backup too short", pg(func(a *database.Args) { a.BackupRetentionDays = 3 }),
			[]string{"backupRetentionDays: 3 is out of range: use 7 to 35 days"}},
		{"backup too long", pg(func(a *database.Args) { a.BackupRetentionDays = 36 }),
			[]string{"backupRetentionDays: 36 is out of range: use 7 to 35 days"}},
		{"max storage equals allocated", pg(func(a *database.Args) { a.AllocatedStorageGiB, a.MaxAllocatedStorageGiB = 100, 100 }),
			[]string{"maxAllocatedStorageGiB: 100 leaves storage autoscaling no room: use at least 10% more than allocatedStorageGiB (110 to 65536 GiB)"}},
		{"max storage below allocated", pg(func(a *database.Args) { a.AllocatedStorageGiB = 500; a.MaxAllocatedStorageGiB = 100 }),
			[]string{"maxAllocatedStorageGiB: 100 leaves storage autoscaling no room"}},
		{"storage out of range", pg(func(a *database.Args) { a.AllocatedStorageGiB = 10 }),
			[]string{"allocatedStorageGiB: 10 is out of range: use 20 to 65536 GiB"}},
		{"class without db prefix", pg(func(a *database.Args) { a.InstanceClass = "t4g.micro" }),
			[]string{`instanceClass: "t4g.micro" is not an RDS instance class: use db.<family>.<size>`}},
		{"serverless class", pg(func(a *database.Args) { a.InstanceClass = "db.serverless" }),
			[]string{`instanceClass: "db.serverless" is not an RDS instance class`}},
		{"missing db name", pg(func(a *database.Args) { a.DBName = "" }),
			[]string{"dbName: is required: name the database the app uses"}},
		{"db name with digit first", pg(func(a *database.Args) { a.DBName = "1app" }),
			[]string{`dbName: "1app" is not allowed: use lowercase letters, digits and underscores, starting with a letter`}},
		{"db name with hyphen", pg(func(a *database.Args) { a.DBName = "app-data" }),
			[]string{`dbName: "app-data" is not allowed`}},
		{"postgres system db", pg(func(a *database.Args) { a.DBName = "postgres" }),
			[]string{`dbName: "postgres" is a system database`}},
		{"mysql system db", with("mysql", "8.0.39", func(a *database.Args) { a.DBName = "mysql" }),
			[]string{`dbName: "mysql" is a system database`}},
		{"long postgres db name", pg(func(a *database.Args) { a.DBName = strings.Repeat("a", 64) }),
			[]string{"dbName: \"" + strings.Repeat("a", 64) + "\" is 64 characters long: use at most 63"}},
		{"rds username", pg(func(a *database.Args) { a.Username = "rdsadmin" }),
			[]string{`username: "rdsadmin" is reserved: names starting with rds belong to the database service's own accounts`}},
		{"pg_ username", pg(func(a *database.Args) { a.Username = "pg_app" }),
			[]string{`username: "pg_app" is reserved: PostgreSQL keeps the pg_ prefix`}},
		{"reserved word", pg(func(a *database.Args) { a.Username = "user" }),
			[]string{`username: "user" is a reserved word in PostgreSQL`}},
		{"long username", with("mysql", "8.0.39", func(a *database.Args) { a.Username = "application_owner" }),
			[]string{`username: "application_owner" is 17 characters long: use at most 16`}},
		{"uppercase username", with("mariadb", "10.11.9", func(a *database.Args) { a.Username = "Admin" }),
			[]string{`username: "Admin" is not allowed`}},
		{"world open", pg(func(a *database.Args) { a.ExternalCIDRs, a.PublicSubnetIDs = []string{"0.0.0.0/0"}, publicSubnets }),
			[]string{`externalCidrs[0]: "0.0.0.0/0" opens the database to the whole internet`}},
		{"half the internet", pg(func(a *database.Args) { a.ExternalCIDRs, a.PublicSubnetIDs = []string{"0.0.0.0/1"}, publicSubnets }),
			[]string{`externalCidrs[0]: "0.0.0.0/1" admits a large part of the internet`}},
		{"bad cidrs", pg(func(a *database.Args) {
			a.ExternalCIDRs = []string{"ten", "203.0.113.7/24", "2001:db8::/32", "198.51.100.0/24", "198.51.100.0/24"}
			a.PublicSubnetIDs = publicSubnets
		}), []string{
			`externalCidrs[0]: "ten" is not a CIDR block`,
			`externalCidrs[1]: "203.0.113.7/24" has host bits set: use 203.0.113.0/24`,
			`externalCidrs[2]: "2001:db8::/32" is not IPv4`,
			`externalCidrs[4]: "198.51.100.0/24" is listed twice`,
		}},
		{"bad alarms", pg(func(a *database.Args) {
			a.Alarms = &database.Alarms{CPUPercent: 150, FreeStorageGiB: 20, ReadIOPS: -1,
				Emails: []string{"ops@example.org", "not-an-email", "Ops <ops@example.org>", "ops@localhost", "ops@example.org"}}
		}), []string{
			"alarms.cpuPercent: 150 is out of range: use 1 to 100 percent",
			"alarms.freeStorageGiB: 20 is out of range: use 1 to 19 GiB",
			"alarms.readIops: -1 is out of range: use 0 to 256000",
			`alarms.emails[1]: "not-an-email" is not an email address`,
			`alarms.emails[2]: "Ops <ops@example.org>" is not an email address`,
			`alarms.emails[3]: "ops@localhost" is not an email address`,
			`alarms.emails[4]: "ops@example.org" is listed twice`,
		}},
		{"bad maintenance window", pg(func(a *database.Args) { a.MaintenanceWindow = "mon:25:00-mon:26:00" }),
			[]string{`maintenanceWindow: "mon:25:00-mon:26:00" is not a maintenance window: days are mon to sun, hours 00 to 23`}},
		{"maintenance window format", pg(func(a *database.Args) { a.MaintenanceWindow = "Monday 3am" }),
			[]string{`maintenanceWindow: "Monday 3am" is not a maintenance window: use ddd:hh:mm-ddd:hh:mm in UTC`}},
		{"short maintenance window", pg(func(a *database.Args) { a.MaintenanceWindow = "sun:05:00-sun:05:10" }),
			[]string{`maintenanceWindow: "sun:05:00-sun:05:10" lasts 10 minutes: the database needs at least 30`}},
		{"bad backup window", pg(func(a *database.Args) { a.BackupWindow = "3-4" }),
			[]string{`backupWindow: "3-4" is not a backup window: use hh:mm-hh:mm in UTC`}},
		{"overlapping windows", pg(func(a *database.Args) { a.MaintenanceWindow, a.BackupWindow = "tue:03:30-tue:04:30", "03:00-04:00" }),
			[]string{`backupWindow: "03:00-04:00" overlaps the maintenance window "tue:03:30-tue:04:30"`}},
		{"no Performance Insights on micro", with("mysql", "8.0.39", func(a *database.Args) { a.PerformanceInsights = &yes }),
			[]string{"performanceInsights: mysql has no Performance Insights on db.t4g.micro"}},
		{"log retention", pg(func(a *database.Args) { a.LogRetentionDays = 10 }),
			[]string{"logRetentionDays: 10 is not a CloudWatch Logs retention period: use one of 1, 3, 5, 7, 14, 30"}},
		{"alias as key", pg(func(a *database.Args) { a.KMSKeyARN = "alias/aws/rds" }),
			[]string{`kmsKeyArn: "alias/aws/rds" is not a KMS key ARN`}},
		{"privileged port", pg(func(a *database.Args) { a.Port = 80 }),
			[]string{"port: 80 is out of range: use 1150 to 65535"}},
		{"bad group", pg(func(a *database.Args) { a.Group = "DB" }),
			[]string{`group: "DB" is not allowed`}},
		{"missing vpc and subnets", pg(func(a *database.Args) { a.VPCID = nil; a.SubnetIDs = pulumi.StringArray{pulumi.String("subnet-a")} }),
			[]string{"vpcId: is required", "subnetIds: got 1 private subnets, want at least 2"}},
		{"public without public subnets", pg(func(a *database.Args) { a.ExternalCIDRs, a.PublicAccess = []string{"203.0.113.0/24"}, true }),
			[]string{"publicSubnetIds: got 0 public subnets, want at least 2: a publicly accessible database must sit in public subnets"}},
		{"public without networks", pg(func(a *database.Args) { a.PublicAccess, a.PublicSubnetIDs = true, publicSubnets }),
			[]string{"publicAccess: needs externalCidrs"}},
		{"more rules than a security group holds", pg(func(a *database.Args) {
			for i := range 60 {
				a.ExternalCIDRs = append(a.ExternalCIDRs, fmt.Sprintf("10.%d.0.0/16", i))
			}
		}), []string{"clients: 1 clients and external networks need 61 inbound rules: a security group holds 60 by default"}},
		{"TLS off without reason", pg(func(a *database.Args) { a.RequireTLS = ptr(false) }),
			[]string{"plaintextReason: is required with requireTls false: say why the clients cannot use TLS"}},
		{"reason with TLS on", pg(func(a *database.Args) { a.PlaintextReason = "legacy client" }),
			[]string{"plaintextReason: is set but requireTls is true"}},
		{"blank reason", pg(func(a *database.Args) { a.RequireTLS, a.PlaintextReason = ptr(false), "  " }),
			[]string{"plaintextReason: is required with requireTls false"}},
		{"long reason", pg(func(a *database.Args) { a.RequireTLS, a.PlaintextReason = ptr(false), strings.Repeat("x", 257) }),
			[]string{"plaintextReason: is 257 characters long: use at most 256"}},
		{"monitoring interval", pg(func(a *database.Args) { a.MonitoringIntervalSeconds = ptr(20) }),
			[]string{"monitoringIntervalSeconds: 20 is not an Enhanced Monitoring interval: use one of 0 (off), 1, 5, 10, 15, 30, 60 seconds"}},
		{"monitoring role name over 64", pg(func(a *database.Args) {
			a.Naming.App, a.Naming.Env, a.Group = "authoritylookups", "preproduction-01", "primary-database-001"
		}), []string{`group: the Enhanced Monitoring role name "authoritylookups-preproduction-01-primary-database-001-monitoring" is 65 characters long: IAM allows 64`}},
		{"secret rotation too often", pg(func(a *database.Args) { a.SecretRotationDays = -1 }),
			[]string{"secretRotationDays: -1 is out of range: use 1 to 1000 days"}},
		{"secret rotation too rare", pg(func(a *database.Args) { a.SecretRotationDays = 1001 }),
			[]string{"secretRotationDays: 1001 is out of range: use 1 to 1000 days"}},
		{"no clients", pg(func(a *database.Args) { a.Clients = nil }),
			[]string{"clients: is empty and no externalCidrs are listed: nothing could reach the database"}},
		{"bad clients", pg(func(a *database.Args) {
			a.Clients = map[string]pulumi.StringInput{"App Server": pulumi.String(sgApp), "cidr-x": pulumi.String(sgWork), "worker": nil}
		}), []string{`clients.App Server: "App Server" is not allowed`, `clients.cidr-x: "cidr-x" starts with "cidr-"`, "clients.worker: has no security group id"}},
		{"bad naming", pg(func(a *database.Args) { a.Naming = naming.Convention{App: "lookup", Env: "Test"} }),
			[]string{`naming.env: "Test" is not allowed`, "naming.owner: is required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := mocktest.Refused(t, program(tc.args), tc.want...)
			if lines := strings.Count(err.Error(), "\n") + 1; lines != len(tc.want) {
				t.Errorf("got %d problems, want %d:\n%v", lines, len(tc.want), err)
			}
		})
	}
}

func TestWindowOverlap(t *testing.T) {
	tests := []struct {
		maintenance, backup string
		overlap             bool
	}{
		{"sun:05:00-sun:06:00", "03:00-04:00", false},
		{"sun:05:00-sun:06:00", "05:59-06:30", true},
		{"sun:05:00-sun:06:00", "06:00-06:30", false},
		{"sun:05:00-sun:06:00", "04:30-05:00", false},
		{"sun:05:00-sun:06:00", "04:30-05:01", true},
		// Windows may wrap around midnight and the end of the week.
		{"sun:23:30-mon:00:30", "00:00-00:45", true},
		{"sat:22:00-sat:23:00", "23:30-00:30", false},
		{"Wed:10:00-Wed:11:00", "10:15-10:45", true},
	}
	for _, tc := range tests {
		t.Run(tc.maintenance+" "+tc.backup, func(t *testing.T) {
			a := base("postgres", "16.4")
			a.MaintenanceWindow, a.BackupWindow = tc.maintenance, tc.backup
			err := a.Validate()
			if got := err != nil && strings.Contains(err.Error(), "overlaps the maintenance window"); got != tc.overlap {
				t.Errorf("overlap: got %v (%v), want %v", got, err, tc.overlap)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// The major version alone lets RDS pick its current minor version; a minor version is kept as
// given. Either way the major names the parameter group family.
func TestEngineVersionForms(t *testing.T) {
	for _, tc := range []struct{ engine, version, family string }{
		{"postgres", "16", "postgres16"},
		{"postgres", "17.2", "postgres17"},
		{"mysql", "8.4", "mysql8.4"},
		{"mysql", "8.0.39", "mysql8.0"},
		{"mariadb", "10.11", "mariadb10.11"},
		{"mariadb", "11.4.5", "mariadb11.4"},
	} {
		t.Run(tc.engine+" "+tc.version, func(t *testing.T) {
			res := deploy(t, base(tc.engine, tc.version))
			inst := mocktest.One(t, res, typeInstance)
			assert.Equal(t, tc.version, inst.In("engineVersion"))
			assert.Equal(t, []string{"engineVersion"}, inst.IgnoreChanges, "AWS's minor upgrades are kept")
			assert.Equal(t, true, inst.In("autoMinorVersionUpgrade"))
			assert.Equal(t, tc.family, mocktest.One(t, res, typeParams).In("family"))
		})
	}
}

// The final snapshot's name is the same on every run of one database and new for a database that
// replaces it, so that its deletion never collides with a predecessor's snapshot.
func TestFinalSnapshotIdentifier(t *testing.T) {
	before := base("postgres", "16")
	first := finalSnapshot(t, deploy(t, before))
	assert.Equal(t, first, finalSnapshot(t, deploy(t, before)), "two runs of the same database")

	res := deploy(t, before)
	rid := mocktest.One(t, res, typeRandomID)
	assert.Equal(t, map[string]any{"identifier": id, "engine": "postgres", "dbName": "app_data", "username": "app",
		"storageEncrypted": "true", "kmsKeyId": ""}, rid.In("keepers"), "the inputs that replace the instance")
	assert.Equal(t, float64(database.SnapshotSuffixBytes), rid.In("byteLength"))
	assert.Equal(t, mocktest.One(t, res, typeDatabase).URN, rid.Parent)
	assert.Equal(t, first, res.Outputs["finalSnapshotIdentifier"])

	for _, tc := range []struct {
		name      string
		change    func(*database.Args)
		replacing bool
	}{
		{"database name", func(a *database.Args) { a.DBName = "other_data" }, true},
		{"master user", func(a *database.Args) { a.Username = "owner" }, true},
		{"KMS key", func(a *database.Args) { a.KMSKeyARN = key }, true},
		{"engine", func(a *database.Args) { a.Engine, a.EngineVersion = "mysql", "8.4" }, true},
		{"instance class", func(a *database.Args) { a.InstanceClass = "db.m7g.large" }, false},
		{"engine version", func(a *database.Args) { a.EngineVersion, a.UpgradeEngine = "17", true }, false},
		{"storage", func(a *database.Args) { a.AllocatedStorageGiB = 50 }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			after := base("postgres", "16")
			tc.change(&after)
			got := finalSnapshot(t, deploy(t, after))
			if tc.replacing {
				assert.NotEqual(t, first, got, "a replacing change must name a new final snapshot")
			} else {
				assert.Equal(t, first, got, "an in-place change keeps the final snapshot's name")
			}
		})
	}

	t.Run("new identifier", func(t *testing.T) {
		after := base("postgres", "16")
		after.Group = "main"
		got, _ := mocktest.One(t, deploy(t, after), typeInstance).In("finalSnapshotIdentifier").(string)
		assert.Regexp(t, `^lookup-test-main-final-[0-9a-f]{8}$`, got)
	})
}

func TestFinalSnapshotNameHelper(t *testing.T) {
	longest := "a" + strings.Repeat("-b", (database.MaxSnapshotPrefix-1)/2)
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		name, err := database.FinalSnapshotName(ctx, "ls", longest, map[string]string{"blueprint": "postgres_16"})
		ctx.Export("name", name)
		return err
	})
	name, _ := res.Outputs["name"].(string)
	assert.LessOrEqual(t, len(name), 255)
	assert.Regexp(t, snapshotRE, name)

	for _, tc := range []struct{ prefix, want string }{
		{"", "use 1 to 240 characters"},
		{strings.Repeat("a", database.MaxSnapshotPrefix+1), "use 1 to 240 characters"},
		{"1db", "starting with a letter"},
		{"db--x", "single hyphens"},
		{"db-", "not ending with a hyphen"},
		{"db_x", "letters, digits and single hyphens"},
	} {
		t.Run(tc.prefix, func(t *testing.T) {
			assert.ErrorContains(t, database.CheckSnapshotPrefix(tc.prefix), tc.want)
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := database.FinalSnapshotName(ctx, "ls", tc.prefix, map[string]string{"k": "v"})
				return err
			}, tc.want)
		})
	}
	mocktest.Refused(t, func(ctx *pulumi.Context) error {
		_, err := database.FinalSnapshotName(ctx, "ls", "db", nil)
		return err
	}, "name the inputs that replace the database")
}

// Databases are private unless publicAccess asks otherwise, and a public one is reported as an
// opt-in under that setting.
func TestPublicAccessOptIn(t *testing.T) {
	private := base("postgres", "16")
	private.ExternalCIDRs = []string{"203.0.113.0/24"}
	assert.Empty(t, private.OptIns("epimetheus"))

	public := private
	public.PublicAccess = true
	assert.Equal(t, []database.OptIn{{Type: database.InstanceType, Name: "epimetheus", Setting: "publicAccess",
		Why: "the database is publicly accessible so that the listed external networks reach it over the internet; its security group admits only them and its clients"}},
		public.OptIns("epimetheus"))
	public.PublicSubnetIDs = publicSubnets
	res := deploy(t, public)
	assert.Equal(t, database.InstanceType, mocktest.One(t, res, typeInstance).Type)
	assert.Equal(t, "lookup-db", mocktest.One(t, res, typeInstance).Name, "the opt-in names the instance's logical name: New's name")
}

func TestTLSEnforcement(t *testing.T) {
	t.Run("required by default", func(t *testing.T) {
		for _, tc := range []struct{ engine, version, param string }{
			{"postgres", "16", "rds.force_ssl"}, {"mysql", "8.4", "require_secure_transport"}, {"mariadb", "10.11", "require_secure_transport"},
		} {
			res := deploy(t, base(tc.engine, tc.version))
			pg := mocktest.One(t, res, typeParams)
			assert.Contains(t, params(pg), tc.param+"=1")
			assert.Equal(t, "TLS-only parameters of RDS instance "+id, pg.In("description"))
			assert.Equal(t, true, res.Outputs["tlsRequired"])
			assert.Equal(t, tc.param, res.Outputs["tlsParameter"])
			assert.Equal(t, database.CABundleURL, res.Outputs["caBundleUrl"])
		}
	})
	t.Run("off with a reason", func(t *testing.T) {
		args := base("mariadb", "10.11")
		args.RequireTLS, args.PlaintextReason = ptr(false), "the app's database driver has no TLS settings"
		res := deploy(t, args)
		pg := mocktest.One(t, res, typeParams)
		mocktest.EqualLists(t, "parameters", params(pg), []string{"log_output=FILE", "require_secure_transport=0", "slow_query_log=1"})
		// Its own name: the description cannot change in place, so the group is replaced, created
		// first under the new name.
		assert.Equal(t, id+"-mariadb10-11-tls-optional", pg.In("name"))
		assert.Equal(t, pg.In("name"), mocktest.One(t, res, typeInstance).In("parameterGroupName"))
		assert.Equal(t, "lookup-db-params", pg.Name, "the logical name stays, so the URN stays")
		assert.Equal(t, false, res.Outputs["tlsRequired"])
		assert.Equal(t, []database.OptIn{{Type: database.ParameterGroupType, Name: "lookup-db-params", Setting: "requireTls",
			Why: "clients may connect without TLS: the app's database driver has no TLS settings"}}, args.OptIns("lookup-db"))
		// PostgreSQL 15 and later force TLS by default: off must say 0.
		pgArgs := base("postgres", "16")
		pgArgs.RequireTLS, pgArgs.PlaintextReason = ptr(false), "legacy client"
		assert.Equal(t, []string{"rds.force_ssl=0"}, params(mocktest.One(t, deploy(t, pgArgs), typeParams)))
	})
}

func TestEnhancedMonitoring(t *testing.T) {
	t.Run("on by default", func(t *testing.T) {
		res := deploy(t, base("postgres", "16"))
		inst := mocktest.One(t, res, typeInstance)
		r := mocktest.One(t, res, typeRole)
		assert.Equal(t, float64(60), inst.In("monitoringInterval"))
		assert.Equal(t, r.Out("arn"), inst.In("monitoringRoleArn"))
		assert.Equal(t, id+"-monitoring", r.In("name"))
		doc := mocktest.Document(t, r, "assumeRolePolicy")
		if assert.Len(t, doc.Statement, 1) {
			s := doc.Statement[0]
			assert.Equal(t, map[string]any{"Service": "monitoring.rds.amazonaws.com"}, s.Principal)
			assert.Equal(t, []string{"sts:AssumeRole"}, s.Action)
			assert.Equal(t, mock.Account, s.Condition["StringEquals"]["aws:SourceAccount"])
			assert.Equal(t, "arn:aws:rds:us-east-1:"+mock.Account+":db:"+id, s.Condition["ArnLike"]["aws:SourceArn"])
		}
		att := mocktest.One(t, res, typeAttachment)
		assert.Equal(t, "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole", att.In("policyArn"))
		assert.NotContains(t, att.In("policyArn"), "FullAccess")
		assert.Contains(t, inst.Dependencies, att.URN, "RDS checks the role's permissions when monitoring starts")
		assert.Equal(t, r.Out("arn"), res.Outputs["monitoringRoleArn"])
	})
	t.Run("off", func(t *testing.T) {
		args := base("postgres", "16")
		args.MonitoringIntervalSeconds = ptr(0)
		res := deploy(t, args)
		inst := mocktest.One(t, res, typeInstance)
		assert.Equal(t, float64(0), inst.In("monitoringInterval"))
		assert.Nil(t, inst.In("monitoringRoleArn"), "RDS refuses a role with interval 0")
		assert.Empty(t, res.ByType(typeRole))
		assert.Equal(t, "", res.Outputs["monitoringRoleArn"])
	})
	t.Run("every interval RDS offers", func(t *testing.T) {
		for _, s := range []int{1, 5, 10, 15, 30} {
			args := base("mysql", "8.4")
			args.MonitoringIntervalSeconds = ptr(s)
			assert.Equal(t, float64(s), mocktest.One(t, deploy(t, args), typeInstance).In("monitoringInterval"))
		}
	})
}

func TestSecretRotationSchedule(t *testing.T) {
	for _, tc := range []struct{ days, want int }{{0, 7}, {30, 30}, {1000, 1000}} {
		t.Run(fmt.Sprint(tc.days), func(t *testing.T) {
			args := base("postgres", "16")
			args.SecretRotationDays = tc.days
			res := deploy(t, args)
			rot := mocktest.One(t, res, typeRotation)
			secret := mocktest.One(t, res, typeInstance).Out("masterUserSecrets[0].secretArn")
			assert.Equal(t, secret, rot.In("secretId"), "the secret RDS manages")
			assert.Equal(t, float64(tc.want), rot.In("rotationRules.automaticallyAfterDays"))
			assert.Equal(t, false, rot.In("rotateImmediately"), "setting the schedule must not rotate now")
			assert.Nil(t, rot.In("rotationLambdaArn"), "RDS rotates its secret itself")
			assert.Equal(t, tc.want, res.Outputs["secretRotationDays"])
		})
	}
}

// Defaults never write through the caller's pointers.
func TestWithDefaultsCopiesPointers(t *testing.T) {
	args := base("postgres", "16")
	args.RequireTLS, args.PlaintextReason = ptr(false), "legacy client"
	args.MonitoringIntervalSeconds = ptr(0)
	d := args.WithDefaults()
	*d.RequireTLS, *d.MonitoringIntervalSeconds = true, 60
	assert.False(t, *args.RequireTLS)
	assert.Equal(t, 0, *args.MonitoringIntervalSeconds)
	assert.Nil(t, base("postgres", "16").RequireTLS, "unset stays unset in the caller's args")
}
