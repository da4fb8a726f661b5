package tests

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

// Properties every container service of every system must have, in both stages.

const (
	typeTaskDef    = "aws:ecs/taskDefinition:TaskDefinition"
	typeECSService = "aws:ecs/service:Service"
	typeListener   = "aws:lb/listener:Listener"
	typeDeployment = "aws:lightsail/containerServiceDeploymentVersion:ContainerServiceDeploymentVersion"
	typeIngress    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeSG         = "aws:ec2/securityGroup:SecurityGroup"
)

// container is the part of an ECS container definition the tests read.
type container struct {
	Name                   string
	Image                  string
	ReadonlyRootFilesystem bool
	Privileged             bool
	Environment            []struct{ Name, Value string }
	Secrets                []struct{ Name, ValueFrom string }
	EnvironmentFiles       []struct{ Value string }
	MountPoints            []struct{ SourceVolume, ContainerPath string }
	LogConfiguration       struct{ LogDriver string }
}

func (c container) env(name string) (string, bool) {
	for _, e := range c.Environment {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

func (c container) secret(name string) string {
	for _, s := range c.Secrets {
		if s.Name == name {
			return s.ValueFrom
		}
	}
	return ""
}

// containers decodes the container definitions of a task definition, by name.
func containers(t *testing.T, td *mock.Resource) map[string]container {
	t.Helper()
	var defs []container
	if err := json.Unmarshal([]byte(td.In("containerDefinitions").(string)), &defs); err != nil {
		t.Fatalf("%s: %v", td.Name, err)
	}
	out := map[string]container{}
	for _, d := range defs {
		out[d.Name] = d
	}
	return out
}

func TestTaskDefinitionsBaseline(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			res := runStage(t, stage)
			tds := res.ByType(typeTaskDef)
			if len(tds) == 0 {
				t.Fatal("no task definitions")
			}
			for _, td := range tds {
				mocktest.Eq(t, td.Name+" network mode", td.In("networkMode"), "awsvpc")
				if td.In("executionRoleArn") == td.In("taskRoleArn") {
					t.Errorf("%s: the execution role is the task role", td.Name)
				}
				if vols, _ := td.In("volumes").([]any); len(vols) > 0 {
					for i := range vols {
						p := fmt.Sprintf("volumes[%d].efsVolumeConfiguration.", i)
						mocktest.Eq(t, td.Name+" transit encryption", td.In(p+"transitEncryption"), "ENABLED")
						mocktest.Eq(t, td.Name+" IAM authorization", td.In(p+"authorizationConfig.iam"), "ENABLED")
					}
				}
				for name, c := range containers(t, td) {
					what := td.Name + "/" + name
					if err := app.Pinned(c.Image); err != nil {
						t.Errorf("%s: %v", what, err)
					}
					mocktest.Eq(t, what+" privileged", c.Privileged, false)
					mocktest.Eq(t, what+" log driver", c.LogConfiguration.LogDriver, "awslogs")
					for _, e := range c.Environment {
						if strings.Contains(strings.ToUpper(e.Name), "PASSWORD") || strings.Contains(e.Value, "secretsmanager") {
							t.Errorf("%s: secret in the plain environment: %s", what, e.Name)
						}
					}
				}
			}
			for _, svc := range res.ByType(typeECSService) {
				mocktest.Eq(t, svc.Name+" public IP", svc.In("networkConfiguration.assignPublicIp"), false)
				mocktest.Eq(t, svc.Name+" circuit breaker rollback", svc.In("deploymentCircuitBreaker.rollback"), true)
			}
			for _, c := range res.ByType("aws:ecs/cluster:Cluster") {
				mocktest.Eq(t, c.Name+" container insights", c.In("settings[0].value"), "enabled")
			}
		})
	}
}

func TestLoadBalancersOnlyServeTLS(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			res := runStage(t, stage)
			listeners := res.ByType(typeListener)
			if len(listeners) == 0 {
				t.Fatal("no listeners")
			}
			for _, l := range listeners {
				switch l.In("port") {
				case float64(443):
					mocktest.Eq(t, l.Name+" protocol", l.In("protocol"), "HTTPS")
					mocktest.Eq(t, l.Name+" TLS policy", l.In("sslPolicy"), "ELBSecurityPolicy-TLS13-1-2-2021-06")
				case float64(80):
					mocktest.Eq(t, l.Name+" action", l.In("defaultActions[0].type"), "redirect")
					mocktest.Eq(t, l.Name+" redirect", l.In("defaultActions[0].redirect.statusCode"), "HTTP_301")
					mocktest.Eq(t, l.Name+" redirect port", l.In("defaultActions[0].redirect.port"), "443")
					mocktest.Eq(t, l.Name+" actions", len(l.In("defaultActions").([]any)), 1)
				default:
					t.Errorf("%s: unexpected listener port %v", l.Name, l.In("port"))
				}
			}
			for _, lb := range res.ByType("aws:lb/loadBalancer:LoadBalancer") {
				mocktest.Eq(t, lb.Name+" drops invalid headers", lb.In("dropInvalidHeaderFields"), true)
				mocktest.Eq(t, lb.Name+" deletion protection", lb.In("enableDeletionProtection"), stage == "production")
				mocktest.Eq(t, lb.Name+" access logs", lb.In("accessLogs.enabled") == true, stage == "production")
			}
		})
	}
}

// The internet may enter only through a load balancer's 80 and 443; every other ingress names a
// security group, or (the database's external clients) a listed network.
func TestIngressSources(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			res := runStage(t, stage)
			groups := map[string]string{} // security group id → physical name
			for _, sg := range res.ByType(typeSG) {
				groups[sg.ID] = sg.In("name").(string)
			}
			for _, r := range res.ByType(typeIngress) {
				cidr, _ := r.In("cidrIpv4").(string)
				cidr6, _ := r.In("cidrIpv6").(string)
				port := r.In("fromPort")
				target := groups[fmt.Sprint(r.In("securityGroupId"))]
				switch {
				case cidr == "0.0.0.0/0" || cidr6 == "::/0":
					if !strings.HasSuffix(target, "-alb") || (port != float64(80) && port != float64(443)) {
						t.Errorf("%s: the internet reaches %s on %v", r.Name, target, port)
					}
				case cidr != "":
					if port != float64(5432) || stage != "production" {
						t.Errorf("%s: network %s reaches %s on %v", r.Name, cidr, target, port)
					}
				case r.In("referencedSecurityGroupId") == nil:
					t.Errorf("%s: ingress without a source", r.Name)
				}
				if r.In("description") == "" || r.In("description") == nil {
					t.Errorf("%s: rule without a description", r.Name)
				}
			}
		})
	}
}

// The lookup's tasks are reached only from the stage's load balancer, MariaDB only from the app, the
// file system only from the tasks that mount it.
func TestLookupSecurityGroups(t *testing.T) {
	res := runStage(t, "staging")
	ids := map[string]string{}
	for _, sg := range res.ByType(typeSG) {
		ids[sg.In("name").(string)] = sg.ID
	}
	sources := func(group string) []string {
		var out []string
		for _, r := range res.ByType(typeIngress) {
			if r.In("securityGroupId") == ids[group] {
				for name, id := range ids {
					if id == r.In("referencedSecurityGroupId") {
						out = append(out, fmt.Sprintf("%s:%v", name, r.In("fromPort")))
					}
				}
			}
		}
		slices.Sort(out)
		return out
	}
	mocktest.EqualLists(t, "app", sources("lookup-staging-app"), []string{"strata-staging-alb:3000"})
	mocktest.EqualLists(t, "mariadb", sources("lookup-staging-mariadb"), []string{"lookup-staging-app:3306"})
	mocktest.EqualLists(t, "file system", sources("lookup-staging-files"),
		[]string{"lookup-staging-app:2049", "lookup-staging-files-sync:2049", "lookup-staging-mariadb:2049"})
}

// Staging runs exactly one MariaDB, found as qa-mariadb; production uses RDS instead.
func TestLookupRunsOneMariaDB(t *testing.T) {
	res := runStage(t, "staging")
	var mariadb []*mock.Resource
	for _, td := range res.ByType(typeTaskDef) {
		if _, ok := containers(t, td)["qa-mariadb"]; ok {
			mariadb = append(mariadb, td)
		}
	}
	if len(mariadb) != 1 {
		t.Fatalf("got %d task definitions running MariaDB, want 1", len(mariadb))
	}
	svc := mocktest.Named(t, res, typeECSService, "lookup-mariadb")
	mocktest.Eq(t, "desired", svc.In("desiredCount"), float64(1))
	mocktest.Eq(t, "stop before start", svc.In("deploymentMaximumPercent"), float64(100))
	mocktest.Eq(t, "min healthy", svc.In("deploymentMinimumHealthyPercent"), float64(0))
	mocktest.Eq(t, "found as", svc.In("serviceConnectConfiguration.services[0].clientAlias[0].dnsName"), "qa-mariadb")
	mocktest.Eq(t, "on port", svc.In("serviceConnectConfiguration.services[0].clientAlias[0].port"), float64(3306))
	if n := len(res.ByType("aws:appautoscaling/target:Target")); n != 0 {
		t.Errorf("got %d scaling targets in staging, want none", n)
	}
	db := containers(t, mariadb[0])["qa-mariadb"]
	mocktest.Eq(t, "data dir", db.MountPoints[0].ContainerPath, "/var/lib/mysql")
	mocktest.Eq(t, "data volume", db.MountPoints[0].SourceVolume, "database")
	if !strings.HasPrefix(db.Image, "public.ecr.aws/docker/library/mariadb:10.6.") {
		t.Errorf("got image %s, want MariaDB 10.6, pinned", db.Image)
	}
	web := containers(t, mocktest.Named(t, res, typeTaskDef, "lookup-app"))["qa-server-app"]
	host, _ := web.env("MYSQL_HOST")
	port, _ := web.env("MYSQL_PORT")
	mocktest.Eq(t, "app reaches", host+":"+port, "qa-mariadb:3306")
	mocktest.Eq(t, "authorities", web.MountPoints[0].ContainerPath, "/app/ld4p/qa_server-webapp/config/authorities")
	for _, c := range []container{web, db} {
		mocktest.Eq(t, c.Name+" env file", c.EnvironmentFiles[0].Value, "arn:aws:s3:::strata-lookup-staging-config-use2/qa-authority-lookup.env")
		if !strings.HasPrefix(c.secret(map[string]string{"qa-server-app": "MYSQL_PASSWORD", "qa-mariadb": "MARIADB_PASSWORD"}[c.Name]),
			"arn:aws:secretsmanager:us-east-2:123456789012:secret:lookup-staging-mariadb-") {
			t.Errorf("%s: the database password must come from the generated secret: got %v", c.Name, c.Secrets)
		}
	}

	prod := runStage(t, "production")
	for _, td := range prod.ByType(typeTaskDef) {
		if _, ok := containers(t, td)["qa-mariadb"]; ok {
			t.Error("production runs MariaDB on RDS, not in a container")
		}
	}
	rds := mocktest.Named(t, prod, "aws:rds/instance:Instance", "lookup")
	mocktest.Eq(t, "engine", rds.In("engine"), "mariadb")
	web = containers(t, mocktest.Named(t, prod, typeTaskDef, "lookup-app"))["qa-server-app"]
	host, _ = web.env("MYSQL_HOST")
	mocktest.Eq(t, "MYSQL_HOST is RDS", host, rds.Out("address"))
	mocktest.Eq(t, "password from the managed secret", web.secret("MYSQL_PASSWORD"), fmt.Sprint(rds.Out("masterUserSecrets[0].secretArn"))+":password::")
}

// Epimetheus' DATABASE is the database actually created, on both platforms, and the password is
// never a plain value in config or code.
func TestEpimetheusDatabaseWiring(t *testing.T) {
	prod := runStage(t, "production")
	rds := mocktest.Named(t, prod, "aws:rds/instance:Instance", "epimetheus")
	mocktest.Eq(t, "engine", rds.In("engine"), "postgres")
	mocktest.Eq(t, "managed password", rds.In("manageMasterUserPassword"), true)
	mocktest.Eq(t, "public, for TestArchiver's listed network", rds.In("publiclyAccessible"), true)
	defs := containers(t, mocktest.Named(t, prod, typeTaskDef, "epimetheus"))
	front, back := defs["epimetheus-frontend"], defs["epimetheus-backend"]
	want := map[string]string{"DATABASE": rds.In("dbName").(string), "USER": rds.In("username").(string),
		"HOST": rds.Out("address").(string), "PORT": "5000"}
	for k, v := range want {
		got, _ := back.env(k)
		mocktest.Eq(t, "backend "+k, got, v)
	}
	mocktest.Eq(t, "DATABASE is what was created", want["DATABASE"], "testarchiver")
	mocktest.Eq(t, "PASSWORD", back.secret("PASSWORD"), fmt.Sprint(rds.Out("masterUserSecrets[0].secretArn"))+":password::")
	backendURL, _ := front.env("BACKEND_URL")
	mocktest.Eq(t, "frontend", backendURL, "http://localhost:5000")
	td := mocktest.Named(t, prod, typeTaskDef, "epimetheus")
	mocktest.Eq(t, "cpu", td.In("cpu"), "256")
	mocktest.Eq(t, "memory", td.In("memory"), "1024")
	mocktest.Eq(t, "Fargate", td.In("requiresCompatibilities[0]"), "FARGATE")
	tg := mocktest.Named(t, prod, "aws:lb/targetGroup:TargetGroup", "epimetheus-tg")
	mocktest.Eq(t, "target port", tg.In("port"), float64(8080))
	mocktest.Eq(t, "health check", tg.In("healthCheck.path"), "/")
}

// Staging runs the same app definition on Lightsail with a Lightsail PostgreSQL database.
func TestEpimetheusOnLightsail(t *testing.T) {
	res := runStage(t, "staging")
	svc := mocktest.One(t, res, "aws:lightsail/containerService:ContainerService")
	mocktest.Eq(t, "power", svc.In("power"), "nano")
	mocktest.Eq(t, "scale", svc.In("scale"), float64(1))
	dep := mocktest.One(t, res, typeDeployment)
	db := mocktest.One(t, res, "aws:lightsail/database:Database")
	mocktest.Eq(t, "database private", db.In("publiclyAccessible"), false)
	mocktest.Eq(t, "backups", db.In("backupRetentionEnabled"), true)
	mocktest.Eq(t, "final snapshot", db.In("skipFinalSnapshot"), false)
	mocktest.Eq(t, "final snapshot name", db.In("finalSnapshotName"), "epimetheus-staging-app-db-final")
	mocktest.Eq(t, "database name", db.In("masterDatabaseName"), "testarchiver")

	env := map[string]map[string]any{}
	for _, c := range dep.In("containers").([]any) {
		c := c.(map[string]any)
		env[c["containerName"].(string)] = c["environment"].(map[string]any)
		if err := app.Pinned(c["image"].(string)); err != nil {
			t.Error(err)
		}
	}
	mocktest.Eq(t, "BACKEND_URL", env["epimetheus-frontend"]["BACKEND_URL"], "http://localhost:5000")
	back := env["epimetheus-backend"]
	for k, v := range map[string]any{"DATABASE": "testarchiver", "USER": "epimetheus", "PORT": "5000",
		"HOST": db.Out("masterEndpointAddress"), "PASSWORD": db.In("masterPassword")} {
		mocktest.Eq(t, "backend "+k, back[k], v)
	}
	if !dep.Inputs["containers"].ContainsSecrets() {
		t.Error("the password must stay a Pulumi secret in the deployment")
	}
	mocktest.Eq(t, "endpoint", dep.In("publicEndpoint.containerName"), "epimetheus-frontend")
	mocktest.Eq(t, "endpoint port", dep.In("publicEndpoint.containerPort"), float64(8080))
	mocktest.Eq(t, "health check", dep.In("publicEndpoint.healthCheck.path"), "/")
	if !res.SecretOutputs["epimetheusDatabasePassword"] {
		t.Error("the password output must be secret")
	}
	for _, r := range res.Resources() {
		if strings.HasPrefix(r.Type, "aws:ecs/") && strings.Contains(r.Name, "epimetheus") {
			t.Errorf("staging Epimetheus must not use ECS: %s %s", r.Type, r.Name)
		}
	}
}

// The target groups' health checks are what ELBv2 accepts (CreateTargetGroup: thresholds 2–10,
// interval 5–300 s, timeout 2–120 s and less than the interval, a matcher of HTTP codes), whatever
// the stage file leaves to the defaults.
func TestTargetGroupHealthChecksAreInAWSRanges(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			res := runStage(t, stage)
			tgs := res.ByType("aws:lb/targetGroup:TargetGroup")
			if len(tgs) == 0 {
				t.Fatal("no target groups")
			}
			for _, tg := range tgs {
				num := func(k string) float64 { v, _ := tg.In("healthCheck." + k).(float64); return v }
				for _, k := range []string{"healthyThreshold", "unhealthyThreshold"} {
					if v := num(k); v < 2 || v > 10 {
						t.Errorf("%s healthCheck.%s: got %v, want 2 to 10", tg.Name, k, v)
					}
				}
				interval, timeout := num("interval"), num("timeout")
				if interval < 5 || interval > 300 {
					t.Errorf("%s healthCheck.interval: got %v, want 5 to 300", tg.Name, interval)
				}
				if timeout < 2 || timeout > 120 || timeout >= interval {
					t.Errorf("%s healthCheck.timeout: got %v, want 2 to 120 and below the interval %v", tg.Name, timeout, interval)
				}
				if m, _ := tg.In("healthCheck.matcher").(string); m == "" {
					t.Errorf("%s healthCheck.matcher: got %q, want HTTP codes", tg.Name, m)
				}
			}
		})
	}
}
