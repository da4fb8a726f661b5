package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/internal/config"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
	"github.com/strata-iac/strata/internal/stackfile"
	"github.com/strata-iac/strata/systems"
)

// Properties every container service of every system must have, in both stages.

const (
	typeEgress     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
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
	Essential              bool
	User                   string
	EntryPoint             []string
	Command                []string
	ReadonlyRootFilesystem bool
	Privileged             bool
	Environment            []struct{ Name, Value string }
	Secrets                []struct{ Name, ValueFrom string }
	EnvironmentFiles       []struct{ Value string }
	MountPoints            []struct {
		SourceVolume, ContainerPath string
		ReadOnly                    bool
	}
	DependsOn        []struct{ ContainerName, Condition string }
	HealthCheck      *struct{ Command []string }
	LogConfiguration struct{ LogDriver string }
}

// mount returns the path at which the container mounts volume, and whether read-only.
func (c container) mount(volume string) (string, bool) {
	for _, m := range c.MountPoints {
		if m.SourceVolume == volume {
			return m.ContainerPath, m.ReadOnly
		}
	}
	return "", false
}

// waitsFor reports whether the container starts only after other succeeded.
func (c container) waitsFor(other string) bool {
	for _, d := range c.DependsOn {
		if d.ContainerName == other && d.Condition == "SUCCESS" {
			return true
		}
	}
	return false
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
				vols, _ := td.In("volumes").([]any)
				for i := range vols {
					p := fmt.Sprintf("volumes[%d].", i)
					if td.In(p+"efsVolumeConfiguration") == nil {
						// A scratch volume: the task's own storage, never a path of the host.
						assert.Nil(t, td.In(p+"host"), "%s %s", td.Name, p)
						continue
					}
					mocktest.Eq(t, td.Name+" transit encryption", td.In(p+"efsVolumeConfiguration.transitEncryption"), "ENABLED")
					mocktest.Eq(t, td.Name+" IAM authorization", td.In(p+"efsVolumeConfiguration.authorizationConfig.iam"), "ENABLED")
				}
				for name, c := range containers(t, td) {
					what := td.Name + "/" + name
					if err := app.Pinned(c.Image); err != nil {
						t.Errorf("%s: %v", what, err)
					}
					if inSystem(td, "Lookup", "Epimetheus") {
						// Every image's writes go to scratch volumes or EFS (checkov CKV_AWS_336).
						assert.True(t, c.ReadonlyRootFilesystem, "%s: the root file system must be read-only", what)
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
				mocktest.Eq(t, lb.Name+" access logs", lb.In("accessLogs.enabled"), true)
			}
		})
	}
}

// The internet may enter only through a load balancer's 80 and 443; every other ingress names a
// security group. No database is reachable from a network: TestArchiver's path is the forwarder.
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
				case cidr != "" || cidr6 != "":
					if inSystem(r, "Lookup", "Epimetheus") {
						t.Errorf("%s: network %s%s reaches %s on %v", r.Name, cidr, cidr6, target, port)
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

// inSystem reports whether r belongs to one of the systems (by its URN's type chain).
func inSystem(r *mock.Resource, systems ...string) bool {
	for _, s := range systems {
		if strings.Contains(r.URN, "strata:system:"+s+"$") {
			return true
		}
	}
	return false
}

// groupNames maps security group ids to physical names.
func groupNames(res *mock.Result) map[string]string {
	names := map[string]string{}
	for _, sg := range res.ByType(typeSG) {
		names[sg.ID] = sg.In("name").(string)
	}
	return names
}

// rulesOf lists a group's rules of one type as "peer:port", the peer a group's name or a CIDR.
func rulesOf(res *mock.Result, typ, group string) []string {
	names := groupNames(res)
	var out []string
	for _, r := range res.ByType(typ) {
		if names[fmt.Sprint(r.In("securityGroupId"))] != group {
			continue
		}
		peer, _ := r.In("cidrIpv4").(string)
		if id := r.In("referencedSecurityGroupId"); id != nil {
			peer = names[fmt.Sprint(id)]
		}
		out = append(out, fmt.Sprintf("%s:%v", peer, r.In("fromPort")))
	}
	slices.Sort(out)
	return out
}

// The lookup's tasks are reached only from the stage's load balancer, MariaDB only from the app, the
// file system only from the tasks that mount it; and each sends to the internet only HTTPS (and the
// app HTTP, for the authorities qa_server's configs call over http://), to its data stores only
// their groups (finding: "as tight as SG-to-SG" now holds).
func TestLookupSecurityGroups(t *testing.T) {
	res := runStage(t, "staging")
	in := func(g string) []string { return rulesOf(res, typeIngress, g) }
	out := func(g string) []string { return rulesOf(res, typeEgress, g) }
	mocktest.EqualLists(t, "app in", in("lookup-staging-app"), []string{"strata-staging-alb:3000"})
	mocktest.EqualLists(t, "mariadb in", in("lookup-staging-mariadb"), []string{"lookup-staging-app:3306"})
	mocktest.EqualLists(t, "file system in", in("lookup-staging-files"),
		[]string{"lookup-staging-app:2049", "lookup-staging-files-sync:2049", "lookup-staging-mariadb:2049"})
	mocktest.EqualLists(t, "app out", out("lookup-staging-app"),
		[]string{"0.0.0.0/0:443", "0.0.0.0/0:80", "lookup-staging-files:2049", "lookup-staging-mariadb:3306"})
	mocktest.EqualLists(t, "mariadb out", out("lookup-staging-mariadb"), []string{"0.0.0.0/0:443", "lookup-staging-files:2049"})
	assert.Contains(t, out("strata-staging-alb"), "lookup-staging-app:3000", "the shared load balancer must reach the lookup's tasks")

	prod := runStage(t, "production")
	mocktest.EqualLists(t, "production app out", rulesOf(prod, typeEgress, "lookup-production-app"),
		[]string{"0.0.0.0/0:443", "0.0.0.0/0:80", "lookup-production-db:3306", "lookup-production-files:2049"})
	mocktest.EqualLists(t, "production epimetheus out", rulesOf(prod, typeEgress, "epimetheus-production-app"),
		[]string{"0.0.0.0/0:443", "epimetheus-production-db:5432"})
	albOut := rulesOf(prod, typeEgress, "strata-production-alb")
	assert.Contains(t, albOut, "lookup-production-app:3000")
	assert.Contains(t, albOut, "epimetheus-production-app:8080")
}

// No egress of the lookup's or Epimetheus' groups goes to a network on a data port: only HTTPS to
// the internet, the lookup app's HTTP to the internet (its linked-data authorities), and the
// Lightsail forwarder's PostgreSQL to Lightsail's VPC, whose database has no group to name.
func TestEgressNamesGroups(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			res := runStage(t, stage)
			for _, r := range res.ByType(typeEgress) {
				if !inSystem(r, "Lookup", "Epimetheus") || r.In("referencedSecurityGroupId") != nil {
					continue
				}
				cidr, _ := r.In("cidrIpv4").(string)
				switch {
				case cidr == "0.0.0.0/0" && r.In("fromPort") == float64(443):
				case cidr == "0.0.0.0/0" && r.In("fromPort") == float64(80) && r.Name == "lookup-app-out-http":
				case cidr == "172.26.0.0/16" && r.In("fromPort") == float64(5432) && stage == "staging":
				default:
					t.Errorf("%s: egress to %s on %v", r.Name, cidr, r.In("fromPort"))
				}
			}
		})
	}
}

// Staging runs exactly one MariaDB, found as qa-mariadb; production uses RDS instead. MariaDB loads
// no env file and its root has a secret of its own.
func TestLookupRunsOneMariaDB(t *testing.T) {
	res := runStage(t, "staging")
	var mariadb []*mock.Resource
	for _, td := range res.ByType(typeTaskDef) {
		if _, ok := containers(t, td)["qa-mariadb"]; ok {
			mariadb = append(mariadb, td)
		}
	}
	require.Len(t, mariadb, 1, "task definitions running MariaDB")
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
	dir, _ := db.mount("database")
	mocktest.Eq(t, "data dir", dir, "/var/lib/mysql")
	if !strings.HasPrefix(db.Image, "public.ecr.aws/docker/library/mariadb:10.6.") {
		t.Errorf("got image %s, want MariaDB 10.6, pinned", db.Image)
	}
	assert.Empty(t, db.EnvironmentFiles, "MariaDB must not load the app's env file, which holds the app's secrets")
	const secrets = "arn:aws:secretsmanager:us-east-2:123456789012:secret:"
	assert.Equal(t, secrets+"lookup-staging-mariadb-AbCdEf:password::", db.secret("MARIADB_PASSWORD"))
	assert.Equal(t, secrets+"lookup-staging-mariadb-root-AbCdEf:password::", db.secret("MARIADB_ROOT_PASSWORD"),
		"root's password comes from a secret of its own, not the app's")
	root := mocktest.Named(t, res, "aws:secretsmanager/secret:Secret", "lookup-mariadb-root")
	mocktest.Eq(t, "root secret", root.In("name"), "lookup-staging-mariadb-root")

	web := containers(t, mocktest.Named(t, res, typeTaskDef, "lookup-app"))["qa-server-app"]
	host, _ := web.env("MYSQL_HOST")
	port, _ := web.env("MYSQL_PORT")
	mocktest.Eq(t, "app reaches", host+":"+port, "qa-mariadb:3306")
	authorities, ro := web.mount("authorities")
	mocktest.Eq(t, "authorities", authorities, "/app/ld4p/qa_server-webapp/config/authorities")
	assert.True(t, ro, "the app reads its authorities; only the copy at start writes them")
	mocktest.Eq(t, "env file", web.EnvironmentFiles[0].Value, "arn:aws:s3:::strata-lookup-staging-config-use2/qa-authority-lookup.env")
	assert.Equal(t, secrets+"lookup-staging-mariadb-AbCdEf:password::", web.secret("MYSQL_PASSWORD"))

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
	mocktest.Eq(t, "password from the app's own login", web.secret("MYSQL_PASSWORD"), secrets+"lookup-production-db-app-AbCdEf:password::")
}

// The database the app connects to is the one that exists: its config/database.yml names it
// MYSQL_DATABASE_NAME_PREFIX for RAILS_ENV production and <prefix>_<RAILS_ENV> otherwise, and in
// container mode MariaDB grants the app's user that one database only.
func TestLookupDatabaseNames(t *testing.T) {
	appDatabase := func(c container) string {
		env, _ := c.env("RAILS_ENV")
		prefix, _ := c.env("MYSQL_DATABASE_NAME_PREFIX")
		if _, stray := c.env("MYSQL_DATABASE"); stray {
			t.Error("MYSQL_DATABASE is not read by the app: it would only mislead")
		}
		if env == "production" {
			return prefix
		}
		return prefix + "_" + env
	}
	staging := runStage(t, "staging")
	web := containers(t, mocktest.Named(t, staging, typeTaskDef, "lookup-app"))["qa-server-app"]
	db := containers(t, mocktest.Named(t, staging, typeTaskDef, "lookup-mariadb"))["qa-mariadb"]
	created, _ := db.env("MARIADB_DATABASE")
	assert.Equal(t, "qa_authority_staging", appDatabase(web), "staging runs RAILS_ENV staging")
	assert.Equal(t, created, appDatabase(web), "the app must connect to the database MariaDB creates and grants")
	user, _ := web.env("MYSQL_USER")
	grantee, _ := db.env("MARIADB_USER")
	assert.Equal(t, grantee, user)

	prod := runStage(t, "production")
	web = containers(t, mocktest.Named(t, prod, typeTaskDef, "lookup-app"))["qa-server-app"]
	rds := mocktest.Named(t, prod, "aws:rds/instance:Instance", "lookup")
	assert.Equal(t, rds.In("dbName"), appDatabase(web), "the app must connect to the database RDS creates")
	assert.Equal(t, "qa_authority", rds.In("dbName"), "production keeps its database: dbName replaces the instance")
}

// The first deployment works by itself: the env file is uploaded by the stack before any task
// starts, and each task copies the authority files from the bucket before the app starts.
func TestLookupFirstDeploy(t *testing.T) {
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			res := runStage(t, stage)
			obj := mocktest.Named(t, res, "aws:s3/bucketObjectv2:BucketObjectv2", "lookup-env-file")
			mocktest.Eq(t, "key", obj.In("key"), "qa-authority-lookup.env")
			mocktest.Eq(t, "bucket", obj.In("bucket"), "strata-lookup-"+stage+"-config-use2")
			svc := mocktest.Named(t, res, typeECSService, "lookup-app")
			assert.Contains(t, svc.Dependencies, obj.URN, "the app's service waits for its env file")

			defs := containers(t, mocktest.Named(t, res, typeTaskDef, "lookup-app"))
			cp := defs["authorities-copy"]
			assert.False(t, cp.Essential)
			assert.Equal(t, []string{"s3", "sync", "s3://strata-lookup-" + stage + "-config-use2/authorities/", "/authorities", "--only-show-errors", "--no-progress"}, cp.Command)
			path, ro := cp.mount("authorities")
			assert.Equal(t, "/authorities", path)
			assert.False(t, ro, "the copy writes the authorities")
			assert.True(t, defs["qa-server-app"].waitsFor("authorities-copy"), "the app starts once the files are there")

			task := mocktest.Grants(mocktest.Document(t, mocktest.Named(t, res, "aws:iam/policy:Policy", "lookup-app-task"), "policy"))
			bucket := "arn:aws:s3:::strata-lookup-" + stage + "-config-use2"
			assert.Contains(t, task, "s3:GetObject "+bucket+"/authorities/*")
			assert.Contains(t, task, "s3:ListBucket "+bucket)
			assert.NotContains(t, task, "s3:GetObject "+bucket+"/qa-authority-lookup.env", "the app itself never reads the env file: ECS does")
		})
	}
}

// Authority files from a local directory are uploaded under the prefix, each its own object, and
// the app waits for them.
func TestLookupUploadsAuthorities(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "linked_data", "scenarios"), 0o755))
	for _, f := range []string{"linked_data/agrovoc_direct.json", "linked_data/scenarios/agrovoc_direct_validation.yml"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(f)), []byte("{}"), 0o644))
	}
	res, err := runEdited(t, "staging", "staging", map[string]string{
		"strata:lookup": patched(t, "staging", "strata:lookup", `{"authorities":{"source":`+strconvQuote(dir)+`}}`),
	})
	require.NoError(t, err)
	svc := mocktest.Named(t, res, typeECSService, "lookup-app")
	for _, key := range []string{"authorities/linked_data/agrovoc_direct.json", "authorities/linked_data/scenarios/agrovoc_direct_validation.yml"} {
		obj := mocktest.Named(t, res, "aws:s3/bucketObjectv2:BucketObjectv2", "lookup-authority-"+strings.TrimPrefix(key, "authorities/"))
		assert.Equal(t, key, obj.In("key"))
		assert.Contains(t, svc.Dependencies, obj.URN)
	}
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// Production forces TLS on both databases, and both apps can speak it: they get the RDS
// certificate bundle from an init container and verify the server against it.
func TestDatabaseClientsVerifyTLS(t *testing.T) {
	prod := runStage(t, "production")
	for _, name := range []string{"lookup", "epimetheus"} {
		params := mocktest.Named(t, prod, "aws:rds/parameterGroup:ParameterGroup", name+"-params")
		assert.Contains(t, fmt.Sprint(params.In("parameters")), "value:1", "%s: the database refuses plaintext", name)
	}
	lookup := containers(t, mocktest.Named(t, prod, typeTaskDef, "lookup-app"))
	web, certs := lookup["qa-server-app"], lookup["rds-certificates"]
	url, _ := web.env("DATABASE_URL")
	assert.Equal(t, "mysql2:///?ssl_mode=verify_identity&sslca=/rds-certificates/rds-ca.pem", url,
		"Rails merges the URL's TLS settings into database.yml's connection")
	assert.True(t, web.waitsFor("rds-certificates"))
	assert.Equal(t, []string{"curl"}, certs.EntryPoint)
	assert.Equal(t, "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem", certs.Command[len(certs.Command)-1])
	assert.Contains(t, certs.Command, "/rds-certificates/rds-ca.pem")
	dir, ro := web.mount("rds-certificates")
	assert.Equal(t, "/rds-certificates", dir)
	assert.True(t, ro)

	epi := containers(t, mocktest.Named(t, prod, typeTaskDef, "epimetheus"))
	back := epi["epimetheus-backend"]
	mode, _ := back.env("PGSSLMODE")
	root, _ := back.env("PGSSLROOTCERT")
	assert.Equal(t, "verify-full", mode)
	assert.Equal(t, "/rds-certificates/rds-ca.pem", root)
	assert.True(t, back.waitsFor("rds-certificates"))

	staging := runStage(t, "staging")
	dep := mocktest.One(t, staging, typeDeployment)
	for _, c := range dep.In("containers").([]any) {
		c := c.(map[string]any)
		if c["containerName"] == "epimetheus-backend" {
			assert.Equal(t, "require", c["environment"].(map[string]any)["PGSSLMODE"], "Lightsail: TLS without a bundle to verify with")
		}
	}
}

// Each service that reads an RDS-managed secret is redeployed when it rotates: the rule matches the
// secret's AWSCURRENT moving, the state machine updates the service. The lookup's app reads a login
// of its own, which does not rotate: only its db-login init container reads the master secret, at
// each task start, so no redeployment is needed (or made).
func TestRotationRedeploysServices(t *testing.T) {
	prod := runStage(t, "production")
	assert.Nil(t, prod.Get("aws:cloudwatch/eventRule:EventRule", "lookup-rotation"), "the lookup's app does not use the rotating secret")
	for _, tc := range []struct{ system, service string }{{"epimetheus", "epimetheus-production-app"}} {
		rds := mocktest.Named(t, prod, "aws:rds/instance:Instance", tc.system)
		rule := mocktest.Named(t, prod, "aws:cloudwatch/eventRule:EventRule", tc.system+"-rotation")
		var pattern map[string]any
		require.NoError(t, json.Unmarshal([]byte(rule.In("eventPattern").(string)), &pattern))
		assert.Equal(t, []any{rds.Out("masterUserSecrets[0].secretArn")}, pattern["resources"], tc.system)
		machine := mocktest.Named(t, prod, "aws:sfn/stateMachine:StateMachine", tc.system+"-rotation")
		assert.Contains(t, machine.In("definition"), `"Service":"`+tc.service+`"`)
		assert.Contains(t, machine.In("definition"), `"ForceNewDeployment":true`)
	}
	staging := runStage(t, "staging")
	for _, m := range staging.ByType("aws:sfn/stateMachine:StateMachine") {
		assert.NotContains(t, m.Name, "rotation", "staging's logins do not rotate")
	}
}

// A database secret under a customer managed key can be read by the execution role: kms:Decrypt on
// that key, through Secrets Manager only.
func TestDatabaseKeyGrant(t *testing.T) {
	const key = "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	res, err := runEdited(t, "production", "production", map[string]string{
		"strata:epimetheus": patched(t, "production", "strata:epimetheus", `{"database":{"kmsKeyArn":"`+key+`"}}`),
	})
	require.NoError(t, err)
	doc := mocktest.Document(t, mocktest.Named(t, res, "aws:iam/policy:Policy", "epimetheus-exec"), "policy")
	assert.Contains(t, mocktest.Grants(doc), "kms:Decrypt "+key)
	for _, st := range doc.Statement {
		if slices.Contains(st.Action, "kms:Decrypt") {
			assert.Equal(t, "secretsmanager.us-east-2.amazonaws.com", st.Condition["StringEquals"]["kms:ViaService"])
		}
	}
	lookup := mocktest.Grants(mocktest.Document(t, mocktest.Named(t, res, "aws:iam/policy:Policy", "lookup-app-exec"), "policy"))
	assert.NotContains(t, strings.Join(lookup, " "), "kms:", "the lookup's database uses the AWS managed key")
}

// With registry set, Docker Hub images are pulled through the system's pull-through cache; ECR and
// ECR Public images stay direct. The cached repositories get a lifecycle (the creation template of
// the rule's prefix), and the task definitions and services wait for the rule and the template.
// The shipped stages pull nothing from Docker Hub, so they configure no cache.
func TestPullThroughCache(t *testing.T) {
	const cred = `{"registry":{"credentialArn":"arn:aws:secretsmanager:us-east-2:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf"}`
	prod, err := runEdited(t, "production", "production", map[string]string{
		"strata:lookup": patched(t, "production", "strata:lookup", cred+`,"app":{"containers":{"qa-server-app":{"image":"ld4p/qa_server:v2.0.0"}}}}`),
		"strata:epimetheus": patched(t, "production", "strata:epimetheus",
			cred+`,"app":{"containers":{"epimetheus-backend":{"image":"siilisalabs/epimetheus-backend:1.2.1"}}}}`),
	})
	require.NoError(t, err)
	for _, tc := range []struct{ system, td, container, repo, tag string }{
		{"lookup", "lookup-app", "qa-server-app", "lookup-production-hub/ld4p/qa_server", ":v2.0.0"},
		{"epimetheus", "epimetheus", "epimetheus-backend", "epimetheus-production-hub/siilisalabs/epimetheus-backend", ":1.2.1"},
	} {
		rule := mocktest.Named(t, prod, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule", tc.system+"-hub")
		assert.Equal(t, "registry-1.docker.io", rule.In("upstreamRegistryUrl"))
		assert.True(t, strings.Contains(fmt.Sprint(rule.In("credentialArn")), ":secret:ecr-pullthroughcache/"))
		template := mocktest.Named(t, prod, "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", tc.system+"-hub")
		assert.Equal(t, rule.In("ecrRepositoryPrefix"), template.In("prefix"), "ECR applies the template of the rule's prefix")
		assert.Contains(t, template.In("lifecyclePolicy"), `"tagStatus":"untagged"`)
		td := mocktest.Named(t, prod, typeTaskDef, tc.td)
		c := containers(t, td)[tc.container]
		assert.Equal(t, "123456789012.dkr.ecr.us-east-2.amazonaws.com/"+tc.repo+tc.tag, c.Image)
		exec := mocktest.Grants(mocktest.Document(t, mocktest.Named(t, prod, "aws:iam/policy:Policy", tc.td+"-exec"), "policy"))
		repo := "arn:aws:ecr:us-east-2:123456789012:repository/" + tc.repo
		assert.Contains(t, exec, "ecr:BatchImportUpstreamImage "+repo)
		assert.Contains(t, exec, "ecr:CreateRepository "+repo)
		for _, r := range []*mock.Resource{td, mocktest.Named(t, prod, typeECSService, tc.td)} {
			assert.Contains(t, r.Dependencies, rule.URN, "%s %s waits for the cache rule", r.Type, r.Name)
			assert.Contains(t, r.Dependencies, template.URN, "%s %s waits for the creation template", r.Type, r.Name)
		}
	}
	certs := containers(t, mocktest.Named(t, prod, typeTaskDef, "lookup-app"))["rds-certificates"]
	assert.True(t, strings.HasPrefix(certs.Image, "public.ecr.aws/"), "ECR Public images are not cached")
	for _, stage := range stages {
		assert.Empty(t, runStage(t, stage).ByType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule"), "%s pulls nothing from Docker Hub", stage)
	}
}

// Epimetheus' DATABASE is the database actually created, on both platforms, the password is
// never a plain value in config or code, and the production database is private: TestArchiver
// reaches it through the forwarder, which the database admits and which admits nothing.
func TestEpimetheusDatabaseWiring(t *testing.T) {
	prod := runStage(t, "production")
	rds := mocktest.Named(t, prod, "aws:rds/instance:Instance", "epimetheus")
	mocktest.Eq(t, "engine", rds.In("engine"), "postgres")
	mocktest.Eq(t, "managed password", rds.In("manageMasterUserPassword"), true)
	mocktest.Eq(t, "private", rds.In("publiclyAccessible"), false)
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

	mocktest.EqualLists(t, "database in", rulesOf(prod, typeIngress, "epimetheus-production-db"),
		[]string{"epimetheus-production-app:5432", "epimetheus-production-forwarder:5432"})
	mocktest.EqualLists(t, "forwarder out", rulesOf(prod, typeEgress, "epimetheus-production-forwarder"),
		[]string{"0.0.0.0/0:443", "epimetheus-production-db:5432"})
	assert.Empty(t, rulesOf(prod, typeIngress, "epimetheus-production-forwarder"), "nothing reaches the forwarder")
	host := mocktest.Named(t, prod, "aws:ec2/instance:Instance", "epimetheus-forwarder")
	assert.Equal(t, false, host.In("associatePublicIpAddress"))
	assert.Equal(t, mocktest.Named(t, prod, "aws:ec2/subnet:Subnet", "network-private-a").ID, host.In("subnetId"), "a private subnet")
	cmd := prod.Outputs["epimetheus"].(map[string]any)["databaseForwardCommand"].(string)
	assert.Equal(t, "aws ssm start-session --target "+host.ID+" --document-name AWS-StartPortForwardingSessionToRemoteHost "+
		`--parameters '{"host":["`+rds.Out("address").(string)+`"],"portNumber":["5432"],"localPortNumber":["15432"]}'`, cmd)
}

// Staging runs the same app definition on Lightsail with a Lightsail PostgreSQL database, kept
// private; its forwarder runs in the default VPC, with a public address for Systems Manager only.
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

	host := mocktest.Named(t, res, "aws:ec2/instance:Instance", "epimetheus-forwarder")
	assert.Equal(t, true, host.In("associatePublicIpAddress"), "the default VPC has no NAT: Systems Manager needs a public address")
	assert.True(t, strings.HasPrefix(fmt.Sprint(host.In("subnetId")), "subnet-"), "a default subnet of the default VPC")
	assert.Empty(t, rulesOf(res, typeIngress, "epimetheus-staging-forwarder"), "nothing reaches the forwarder")
	mocktest.EqualLists(t, "forwarder out", rulesOf(res, typeEgress, "epimetheus-staging-forwarder"),
		[]string{"0.0.0.0/0:443", "172.26.0.0/16:5432"})
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

// planned returns the systems' config of a stage, edited as runEdited does, with its stage.
func planned(t *testing.T, stage string, set map[string]string) (*config.Config, systems.Stage) {
	t.Helper()
	s, err := stackfile.Load("..", stage)
	require.NoError(t, err)
	values := map[string]string{}
	for k, v := range s.Config {
		if name, ok := strings.CutPrefix(k, "strata:"); ok {
			values[name] = v
		}
	}
	for k, v := range set {
		values[strings.TrimPrefix(k, "strata:")] = v
	}
	cfg, err := config.Parse(stage, values)
	require.NoError(t, err)
	st := cfg.Stage
	st.Network = cfg.Environment.Network != nil
	return cfg, st
}

// The plans expose the security exceptions their config asks for, each naming its config key, so
// that strata check reports them as warnings instead of violations.
func TestOptIns(t *testing.T) {
	cfg, st := planned(t, "production", nil)
	epi, err := cfg.Epimetheus.Plan(st)
	require.NoError(t, err)
	assert.Empty(t, epi.OptIns(), "production asks for no exception")
	lookup, err := cfg.Lookup.Plan(st)
	require.NoError(t, err)
	assert.Empty(t, lookup.OptIns())

	cfg, st = planned(t, "production", map[string]string{
		"strata:epimetheus": patched(t, "production", "strata:epimetheus",
			`{"database":{"externalCidrs":["198.51.100.0/24"],"publicAccess":true}}`),
		"strata:lookup": patched(t, "production", "strata:lookup",
			`{"rds":{"requireTls":false,"plaintextReason":"a reporting client without TLS support"}}`),
	})
	epi, err = cfg.Epimetheus.Plan(st)
	require.NoError(t, err)
	require.Len(t, epi.OptIns(), 1)
	assert.Equal(t, systems.OptIn{Type: "aws:rds/instance:Instance", Name: "epimetheus", Key: "strata:epimetheus.database.publicAccess",
		Why: epi.OptIns()[0].Why}, epi.OptIns()[0])
	lookup, err = cfg.Lookup.Plan(st)
	require.NoError(t, err)
	require.Len(t, lookup.OptIns(), 1)
	assert.Equal(t, "strata:lookup.rds.requireTls", lookup.OptIns()[0].Key)
	assert.Equal(t, "lookup-params", lookup.OptIns()[0].Name)

	cfg, st = planned(t, "staging", nil)
	epi, err = cfg.Epimetheus.Plan(st)
	require.NoError(t, err)
	assert.Equal(t, []systems.OptIn{{Type: "aws:ec2/instance:Instance", Name: "epimetheus-forwarder", Key: "strata:epimetheus.forwarder",
		Why: epi.OptIns()[0].Why}}, epi.OptIns(), "the Lightsail forwarder's public address is an exception")
	res := runStage(t, "staging")
	mocktest.Named(t, res, epi.OptIns()[0].Type, epi.OptIns()[0].Name)
}
