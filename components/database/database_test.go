package database_test

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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
		return nil
	}
}

func deploy(t *testing.T, args database.Args) *mock.Result {
	t.Helper()
	return mocktest.Run(t, program(args))
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
				{"finalSnapshotIdentifier", id + "-final"},
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
			mocktest.CheckTags(t, res, map[string]string{"App": "lookup", "Env": "test", "Owner": "ld4p", "Group": "db"})
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

	t.Run("external networks", func(t *testing.T) {
		args := base("postgres", "16.4")
		args.Port = 6543
		args.ExternalCIDRs = []string{"203.0.113.0/24", "198.51.100.7/32"}
		args.PublicSubnetIDs = publicSubnets
		res := deploy(t, args)
		mocktest.EqualLists(t, "ingress", rules(res), []string{
			"lookup-db-db-in-app tcp 6543-6543 " + sgApp,
			"lookup-db-db-in-cidr-198-51-100-7-32 tcp 6543-6543 198.51.100.7/32",
			"lookup-db-db-in-cidr-203-0-113-0-24 tcp 6543-6543 203.0.113.0/24",
		})
		inst := mocktest.One(t, res, typeInstance)
		mocktest.Eq(t, "public", inst.In("publiclyAccessible"), true)
		mocktest.Eq(t, "port", inst.In("port"), float64(6543))
		mocktest.EqualLists(t, "subnets", strs(mocktest.One(t, res, typeSubnetGroup).In("subnetIds")), []string{"subnet-pub-a", "subnet-pub-b"})
	})
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
			mocktest.Eq(t, "finalSnapshotIdentifier", inst.In("finalSnapshotIdentifier"), id+"-final")
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
	mocktest.CheckTags(t, res, map[string]string{"App": "lookup", "Env": "test", "Owner": "ld4p", "Group": "db"})
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
			[]string{"engine: is required", "engineVersion: is required: pin the exact engine version"}},
		{"latest", with("postgres", "latest", func(*database.Args) {}),
			[]string{`engineVersion: "latest" is not a pinned postgres version: use the exact version MAJOR.MINOR, e.g. 16.4`}},
		{"bare postgres major", with("postgres", "16", func(*database.Args) {}),
			[]string{`engineVersion: "16" is not a pinned postgres version`}},
		{"mysql major only", with("mysql", "8.0", func(*database.Args) {}),
			[]string{`engineVersion: "8.0" is not a pinned mysql version: use the exact version MAJOR.MINOR.PATCH, e.g. 8.0.39`}},
		{"mariadb major only", with("mariadb", "10.6", func(*database.Args) {}),
			[]string{`engineVersion: "10.6" is not a pinned mariadb version`}},
		{"postgres with patch", with("postgres", "16.4.1", func(*database.Args) {}),
			[]string{`engineVersion: "16.4.1" is not a pinned postgres version`}},
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
		{"external without public subnets", pg(func(a *database.Args) { a.ExternalCIDRs = []string{"203.0.113.0/24"} }),
			[]string{"publicSubnetIds: got 0 public subnets, want at least 2: a database reachable from externalCidrs must sit in public subnets"}},
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
