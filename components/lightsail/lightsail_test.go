package lightsail_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/lightsail"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeService    = "aws:lightsail/containerService:ContainerService"
	typeDeployment = "aws:lightsail/containerServiceDeploymentVersion:ContainerServiceDeploymentVersion"
	typeDatabase   = "aws:lightsail/database:Database"
	typeCert       = "aws:lightsail/certificate:Certificate"
	typePassword   = "random:index/randomPassword:RandomPassword"
	typeRecord     = "aws:route53/record:Record"
	serviceURL     = "https://epimetheus-test-app.mock0abcd.us-east-1.cs.amazonlightsail.com/"
	ecrImage       = "123456789012.dkr.ecr.us-east-1.amazonaws.com/epimetheus/backend:1.2.0"
)

func ptr[T any](v T) *T { return &v }

var conv = naming.Convention{App: "epimetheus", Env: "test", Owner: "qa"}

// epimetheus is the Epimetheus app as its upstream runs it: nginx in front on 8080 talking to
// the backend on localhost:5000, the backend reading its database settings from the environment.
func epimetheus() app.Spec {
	return app.Spec{
		Containers: []app.Container{
			{Name: "frontend", Image: "eficode/epimetheus-frontend:1.2.0", Ports: []int{8080},
				Environment: map[string]string{"BACKEND_URL": "http://localhost:5000"}},
			{Name: "backend", Image: "eficode/epimetheus-backend:1.2.0", Ports: []int{5000},
				Environment: map[string]string{"PORT": "5000"},
				Secrets:     map[string]app.Secret{"PASSWORD": {Database: lightsail.DatabaseKey, Key: app.KeyPassword}},
				DatabaseEnv: map[string]app.DatabaseValue{
					"HOST":     {Database: lightsail.DatabaseKey, Attribute: app.AttrAddress},
					"DATABASE": {Database: lightsail.DatabaseKey, Attribute: app.AttrName},
					"USER":     {Database: lightsail.DatabaseKey, Attribute: app.AttrUsername},
				}},
		},
		Endpoint: &app.Endpoint{Container: "frontend", Port: 8080, HealthCheckPath: "/health", HealthyThreshold: 2,
			UnhealthyThreshold: 4, IntervalSeconds: 20, TimeoutSeconds: 4, SuccessCodes: "200-299"},
	}
}

func args() lightsail.Args {
	return lightsail.Args{
		App:      epimetheus(),
		Naming:   conv,
		Database: &lightsail.Database{Blueprint: "postgres_16", Name: "epimetheus"},
	}
}

func deploy(t *testing.T, a lightsail.Args) *mock.Result {
	t.Helper()
	return mocktest.Run(t, func(ctx *pulumi.Context) error {
		s, err := lightsail.New(ctx, "epimetheus", &a)
		if err != nil {
			return err
		}
		ctx.Export("url", s.URL)
		ctx.Export("serviceName", s.ServiceName)
		ctx.Export("principalArn", s.PrincipalARN)
		ctx.Export("domainValidation", s.DomainValidation)
		ctx.Export("databaseEndpoint", s.DatabaseEndpoint)
		ctx.Export("databaseAddress", s.DatabaseAddress)
		ctx.Export("databasePort", s.DatabasePort)
		ctx.Export("databaseName", s.DatabaseName)
		ctx.Export("databaseUsername", s.DatabaseUsername)
		ctx.Export("databasePassword", s.DatabasePassword)
		return nil
	})
}

// container is one container of the recorded deployment, with the environment values that are
// Pulumi secrets listed apart.
type container struct {
	image   string
	ports   map[string]any
	env     map[string]any
	secret  map[string]bool
	command []any
}

func containers(t *testing.T, res *mock.Result) (map[string]container, []string) {
	t.Helper()
	out := map[string]container{}
	var order []string
	for _, v := range mocktest.One(t, res, typeDeployment).Inputs["containers"].ArrayValue() {
		obj := v.ObjectValue()
		name := obj["containerName"].StringValue()
		c := container{image: obj["image"].StringValue(), env: map[string]any{}, secret: map[string]bool{}}
		c.ports, _ = obj["ports"].Mappable().(map[string]any)
		c.command, _ = obj["commands"].Mappable().([]any)
		for k, e := range obj["environment"].ObjectValue() {
			c.secret[string(k)] = e.IsSecret()
			if e.IsSecret() {
				e = e.SecretValue().Element
			}
			c.env[string(k)] = e.Mappable()
		}
		out[name] = c
		order = append(order, name)
	}
	return out, order
}

func TestDeploymentFromTheAppSpec(t *testing.T) {
	res := deploy(t, args())
	d := mocktest.One(t, res, typeDeployment)
	mocktest.Eq(t, "service", d.In("serviceName"), "epimetheus-test-app")
	if !d.Inputs["containers"].ContainsSecrets() {
		t.Error("the containers carry the database password: they must be a Pulumi secret")
	}
	cs, order := containers(t, res)
	mocktest.EqualLists(t, "containers", order, []string{"frontend", "backend"})
	front, back := cs["frontend"], cs["backend"]
	mocktest.Eq(t, "frontend image", front.image, "eficode/epimetheus-frontend:1.2.0")
	mocktest.Eq(t, "backend image", back.image, "eficode/epimetheus-backend:1.2.0")
	mocktest.Eq(t, "endpoint port is HTTP", front.ports["8080"], "HTTP")
	mocktest.Eq(t, "other ports are TCP", back.ports["5000"], "TCP")
	mocktest.Eq(t, "frontend ports", len(front.ports), 1)
	mocktest.Eq(t, "no command: the image's own", len(back.command), 0)
	mocktest.Eq(t, "backend over localhost", front.env["BACKEND_URL"], "http://localhost:5000")
	mocktest.Eq(t, "backend port", back.env["PORT"], "5000")
	mocktest.Eq(t, "database host", back.env["HOST"], res.Outputs["databaseAddress"])
	mocktest.Eq(t, "database name", back.env["DATABASE"], "epimetheus")
	mocktest.Eq(t, "database user", back.env["USER"], "app")
	password := mocktest.One(t, res, typePassword).Out("result")
	mocktest.Eq(t, "password", back.env["PASSWORD"], password)
	if password == nil || password == "" {
		t.Fatal("the password resource has no result")
	}
	for name, c := range cs {
		for k, secret := range c.secret {
			if want := name == "backend" && k == "PASSWORD"; secret != want {
				t.Errorf("%s %s: secret %v, want %v", name, k, secret, want)
			}
		}
	}

	mocktest.Eq(t, "endpoint container", d.In("publicEndpoint.containerName"), "frontend")
	mocktest.Eq(t, "endpoint port", d.In("publicEndpoint.containerPort"), float64(8080))
	for key, want := range map[string]any{
		"path": "/health", "healthyThreshold": float64(2), "unhealthyThreshold": float64(4),
		"intervalSeconds": float64(20), "timeoutSeconds": float64(4), "successCodes": "200-299",
	} {
		mocktest.Eq(t, "health check "+key, d.In("publicEndpoint.healthCheck."+key), want)
	}
}

func TestEndpointDefaultsAndCommand(t *testing.T) {
	a := args()
	a.App.Endpoint = &app.Endpoint{Container: "frontend", Port: 8080}
	a.App.Containers[1].Command = []string{"python", "server.py"}
	res := deploy(t, a)
	d := mocktest.One(t, res, typeDeployment)
	for key, want := range map[string]any{
		"path": "/", "healthyThreshold": float64(3), "unhealthyThreshold": float64(3),
		"intervalSeconds": float64(30), "timeoutSeconds": float64(5), "successCodes": "200-399",
	} {
		mocktest.Eq(t, "health check "+key, d.In("publicEndpoint.healthCheck."+key), want)
	}
	cs, _ := containers(t, res)
	mocktest.Eq(t, "command", fmt.Sprint(cs["backend"].command), "[python server.py]")
}

func TestPrivateApp(t *testing.T) {
	a := args()
	a.App.Endpoint = nil
	res := deploy(t, a)
	d := mocktest.One(t, res, typeDeployment)
	mocktest.Eq(t, "no public endpoint", d.In("publicEndpoint"), nil)
	cs, _ := containers(t, res)
	mocktest.Eq(t, "no HTTP port without an endpoint", cs["frontend"].ports["8080"], "TCP")
}

func TestService(t *testing.T) {
	res := deploy(t, args())
	svc := mocktest.One(t, res, typeService)
	mocktest.Eq(t, "name", svc.In("name"), "epimetheus-test-app")
	mocktest.Eq(t, "power", svc.In("power"), "nano")
	mocktest.Eq(t, "scale", svc.In("scale"), float64(1))
	mocktest.Eq(t, "ECR puller off", svc.In("privateRegistryAccess.ecrImagePullerRole.isActive"), false)
	mocktest.Eq(t, "no custom domain", svc.In("publicDomainNames"), nil)
	mocktest.Eq(t, "url", res.Outputs["url"], serviceURL)
	mocktest.Eq(t, "service name", res.Outputs["serviceName"], "epimetheus-test-app")
	mocktest.Eq(t, "no principal", res.Outputs["principalArn"], "")
	mocktest.Eq(t, "no certificate", len(res.ByType(typeCert)), 0)
	mocktest.Eq(t, "no domain validation", res.Outputs["domainValidation"], "")
	d := mocktest.One(t, res, typeDeployment)
	if !strings.HasSuffix(d.Parent, "::epimetheus") || svc.Parent != d.Parent {
		t.Errorf("children must belong to the component: got parents %q and %q", svc.Parent, d.Parent)
	}
	mocktest.CheckTags(t, res, map[string]string{"App": "epimetheus", "Env": "test", "Owner": "qa"})
	mocktest.Eq(t, "service group", mocktest.Tags(svc)["Group"], "app")
}

func TestPowerAndScale(t *testing.T) {
	a := args()
	a.Power, a.Scale = "small", ptr(3)
	a.App.Scaling = app.Scaling{Min: 3}
	svc := mocktest.One(t, deploy(t, a), typeService)
	mocktest.Eq(t, "power", svc.In("power"), "small")
	mocktest.Eq(t, "scale", svc.In("scale"), float64(3))
}

func TestDatabase(t *testing.T) {
	res := deploy(t, args())
	db := mocktest.One(t, res, typeDatabase)
	for key, want := range map[string]any{
		"relationalDatabaseName": "epimetheus-test-app-db",
		"blueprintId":            "postgres_16",
		"bundleId":               "micro_2_0",
		"masterDatabaseName":     "epimetheus",
		"masterUsername":         "app",
		"publiclyAccessible":     false,
		"backupRetentionEnabled": true,
		"applyImmediately":       false,
		"skipFinalSnapshot":      false,
	} {
		mocktest.Eq(t, key, db.In(key), want)
	}
	assert.Regexp(t, `^epimetheus-test-app-db-final-[0-9a-f]{8}$`, db.In("finalSnapshotName"),
		"a name unique to the database's lifetime: a fixed one fails the second deletion")
	mocktest.Eq(t, "backup window: Lightsail's choice", db.In("preferredBackupWindow"), nil)
	mocktest.Eq(t, "maintenance window: Lightsail's choice", db.In("preferredMaintenanceWindow"), nil)
	mocktest.Eq(t, "protect", db.Protect, false)
	mocktest.Eq(t, "database group", mocktest.Tags(db)["Name"], "epimetheus-test-app-db")

	pw := db.Inputs["masterPassword"]
	if !pw.IsSecret() {
		t.Fatal("the master password must be a Pulumi secret in the database's inputs")
	}
	mocktest.Eq(t, "master password", pw.SecretValue().Element.StringValue(), mocktest.One(t, res, typePassword).Out("result"))

	if a, _ := res.Outputs["databaseAddress"].(string); !strings.HasPrefix(a, "ls-") || !strings.HasSuffix(a, ".us-east-1.rds.amazonaws.com") {
		t.Errorf("database address: got %v", res.Outputs["databaseAddress"])
	}
	mocktest.Eq(t, "endpoint", res.Outputs["databaseEndpoint"], res.Outputs["databaseAddress"].(string)+":5432")
	mocktest.Eq(t, "port", res.Outputs["databasePort"], 5432)
	mocktest.Eq(t, "name", res.Outputs["databaseName"], "epimetheus")
	mocktest.Eq(t, "username", res.Outputs["databaseUsername"], "app")
	mocktest.Eq(t, "password output", res.Outputs["databasePassword"], mocktest.One(t, res, typePassword).Out("result"))
	if !res.SecretOutputs["databasePassword"] {
		t.Error("the password output must be a Pulumi secret")
	}
	if res.SecretOutputs["databaseEndpoint"] {
		t.Error("the endpoint is not a secret")
	}
}

func TestPassword(t *testing.T) {
	res := deploy(t, args())
	pw := mocktest.Named(t, res, typePassword, "epimetheus-db-password")
	if n, _ := pw.In("length").(float64); n < 32 || n > 41 {
		t.Errorf("length: got %v, want 32 to 41 (MySQL's limit)", n)
	}
	// Letters and digits only: the backend's image passes the password on an unquoted shell
	// command line, where a leading "-" makes argparse exit.
	assert.Equal(t, false, pw.In("special"))
	assert.Nil(t, pw.In("overrideSpecial"))
	if !strings.HasSuffix(pw.Parent, "::epimetheus") {
		t.Errorf("parent: got %q", pw.Parent)
	}
}

func TestPublicDatabaseWithClientsWindowsAndProtect(t *testing.T) {
	a := args()
	a.Protect = true
	a.Database.Bundle = "small_ha_2_0"
	a.Database.Username = "epi"
	a.Database.ExternalClients = []string{"203.0.113.7/32", "198.51.100.0/24"}
	a.Database.BackupWindow = "03:00-03:30"
	a.Database.MaintenanceWindow = "Sun:05:00-Sun:06:00"
	res := deploy(t, a)
	db := mocktest.One(t, res, typeDatabase)
	mocktest.Eq(t, "public for its external clients", db.In("publiclyAccessible"), true)
	mocktest.Eq(t, "bundle", db.In("bundleId"), "small_ha_2_0")
	mocktest.Eq(t, "username", db.In("masterUsername"), "epi")
	mocktest.Eq(t, "backup window", db.In("preferredBackupWindow"), "03:00-03:30")
	mocktest.Eq(t, "maintenance window", db.In("preferredMaintenanceWindow"), "sun:05:00-sun:06:00")
	mocktest.Eq(t, "protect", db.Protect, true)
	mocktest.Eq(t, "backups stay on", db.In("backupRetentionEnabled"), true)
	mocktest.Eq(t, "final snapshot stays on", db.In("skipFinalSnapshot"), false)
}

func TestWithoutDatabase(t *testing.T) {
	a := args()
	a.Database = nil
	a.App.Containers[1].Secrets, a.App.Containers[1].DatabaseEnv = nil, nil
	res := deploy(t, a)
	mocktest.Eq(t, "databases", len(res.ByType(typeDatabase)), 0)
	mocktest.Eq(t, "passwords", len(res.ByType(typePassword)), 0)
	if mocktest.One(t, res, typeDeployment).Inputs["containers"].ContainsSecrets() {
		t.Error("nothing secret is deployed without a database")
	}
	for _, k := range []string{"databaseEndpoint", "databaseAddress", "databaseName", "databaseUsername", "databasePassword"} {
		mocktest.Eq(t, k, res.Outputs[k], "")
	}
	mocktest.Eq(t, "databasePort", res.Outputs["databasePort"], 0)
}

func TestUsernameSecret(t *testing.T) {
	a := args()
	delete(a.App.Containers[1].DatabaseEnv, "USER")
	a.App.Containers[1].Secrets["USER"] = app.Secret{Database: lightsail.DatabaseKey, Key: app.KeyUsername}
	cs, _ := containers(t, deploy(t, a))
	mocktest.Eq(t, "user from the database", cs["backend"].env["USER"], "app")
	mocktest.Eq(t, "user is not a secret", cs["backend"].secret["USER"], false)
}

func TestECRPuller(t *testing.T) {
	a := args()
	a.App.Containers[1].Image = ecrImage
	res := deploy(t, a)
	svc := mocktest.One(t, res, typeService)
	mocktest.Eq(t, "ECR puller on", svc.In("privateRegistryAccess.ecrImagePullerRole.isActive"), true)
	principal, _ := res.Outputs["principalArn"].(string)
	if !strings.HasPrefix(principal, "arn:aws:iam::123456789012:role/amazon/lightsail/us-east-1/containers/epimetheus-test-app/") {
		t.Errorf("principal: got %q", principal)
	}
	if n := len(res.ByType("aws:ecr/repositoryPolicy:RepositoryPolicy")); n != 0 {
		t.Errorf("got %d repository policies: strata must not replace a policy it does not own", n)
	}
}

func TestCustomDomain(t *testing.T) {
	const domain = "epimetheus.example.org"
	for _, tc := range []struct {
		name           string
		zone           string
		attach         bool
		records        int
		url            string
		attachedDomain any
	}{
		{"certificate first", "", false, 0, serviceURL, nil},
		{"attached", "", true, 0, "https://" + domain, domain},
		{"validated in the zone", "example.org", false, 1, serviceURL, nil},
		{"attached and pointed in the zone", "example.org", true, 2, "https://" + domain, domain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := args()
			a.App.Endpoint.Domain = domain
			a.Zone, a.AttachDomain = tc.zone, tc.attach
			res := deploy(t, a)
			cert := mocktest.One(t, res, typeCert)
			mocktest.Eq(t, "certificate name", cert.In("name"), "epimetheus-test-app")
			mocktest.Eq(t, "certificate domain", cert.In("domainName"), domain)
			option := cert.Out("domainValidationOptions[0]").(map[string]any)
			mocktest.Eq(t, "validation output", res.Outputs["domainValidation"],
				option["resourceRecordName"].(string)+" CNAME "+option["resourceRecordValue"].(string))
			svc := mocktest.One(t, res, typeService)
			mocktest.Eq(t, "attached domain", svc.In("publicDomainNames.certificates[0].domainNames[0]"), tc.attachedDomain)
			if tc.attach {
				mocktest.Eq(t, "attached certificate", svc.In("publicDomainNames.certificates[0].certificateName"), "epimetheus-test-app")
			}
			mocktest.Eq(t, "url", res.Outputs["url"], tc.url)
			mocktest.Eq(t, "records", len(res.ByType(typeRecord)), tc.records)
			if tc.zone == "" {
				return
			}
			v := mocktest.Named(t, res, typeRecord, "epimetheus-cert-validation")
			mocktest.Eq(t, "validation name", v.In("name"), option["resourceRecordName"])
			mocktest.Eq(t, "validation type", v.In("type"), "CNAME")
			mocktest.Eq(t, "validation value", v.In("records[0]"), option["resourceRecordValue"])
			if zone, _ := v.In("zoneId").(string); !strings.HasPrefix(zone, "Z") {
				t.Errorf("validation zone: got %q, want the looked-up hosted zone", zone)
			}
			if tc.attach {
				cname := mocktest.Named(t, res, typeRecord, "epimetheus-domain")
				mocktest.Eq(t, "domain record", cname.In("name"), domain)
				mocktest.Eq(t, "domain type", cname.In("type"), "CNAME")
				mocktest.Eq(t, "domain target", cname.In("records[0]"), "epimetheus-test-app.mock0abcd.us-east-1.cs.amazonlightsail.com")
				mocktest.Eq(t, "same zone", cname.In("zoneId"), v.In("zoneId"))
			}
			mocktest.CheckTags(t, res, map[string]string{"App": "epimetheus", "Env": "test", "Owner": "qa"})
		})
	}
}

// New works on a copy: the caller's spec is not given defaults behind its back.
func TestCallerArgsUnchanged(t *testing.T) {
	a := args()
	a.App.Endpoint = &app.Endpoint{Container: "frontend", Port: 8080}
	deploy(t, a)
	if a.App.Endpoint.HealthCheckPath != "" || a.Scale != nil || a.Database.Bundle != "" {
		t.Errorf("New changed its arguments: endpoint %+v, scale %v, database %+v", a.App.Endpoint, a.Scale, a.Database)
	}
}

func TestWithDefaults(t *testing.T) {
	given := lightsail.Args{Database: &lightsail.Database{Blueprint: "mysql_8_0", Name: "epimetheus"}}
	if err := given.Validate(); err != nil {
		t.Fatal(err)
	}
	a := given.WithDefaults()
	if given.Power != "" || given.Scale != nil || given.Database.Bundle != "" {
		t.Errorf("WithDefaults or Validate changed the arguments: %+v, database %+v", given, given.Database)
	}
	if a.Power != "nano" || *a.Scale != 1 || a.Group != "app" || a.Database.Bundle != "micro_2_0" || a.Database.Username != "app" {
		t.Errorf("got %+v, database %+v", a, a.Database)
	}
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	tests := []struct {
		name string
		edit func(a *lightsail.Args)
		want []string
	}{
		{"unknown power", func(a *lightsail.Args) { a.Power = "huge" },
			[]string{`power: "huge" is not allowed: use one of nano, micro, small, medium, large, xlarge`}},
		{"scale 0", func(a *lightsail.Args) { a.Scale = ptr(0) }, []string{"scale: 0 is out of range: use 1 to 20 nodes"}},
		{"scale 21", func(a *lightsail.Args) { a.Scale = ptr(21) }, []string{"scale: 21 is out of range: use 1 to 20 nodes"}},
		{"volumes", func(a *lightsail.Args) { a.App.Containers[1].Mounts = []app.Mount{{Volume: "data", Path: "/data"}} },
			[]string{"app.containers.backend.mounts: Lightsail containers have no volumes"}},
		{"env files", func(a *lightsail.Args) { a.App.Containers[1].EnvFiles = []string{"s3://epimetheus-config/app.env"} },
			[]string{"app.containers.backend.envFiles: Lightsail cannot load env files"}},
		{"container cpu", func(a *lightsail.Args) { a.App.Containers[0].CPU = 128 },
			[]string{"app.containers.frontend.cpu: Lightsail cannot reserve CPU for one container"}},
		{"container memory", func(a *lightsail.Args) { a.App.Containers[0].MemoryMiB = 256 },
			[]string{"app.containers.frontend.memoryMiB: Lightsail cannot reserve memory for one container"}},
		{"task size", func(a *lightsail.Args) { a.App.CPU, a.App.MemoryMiB = 256, 1024 },
			[]string{"app.cpu: Lightsail sizes an app by the service's power", "app.memoryMiB: Lightsail sizes an app by the service's power"}},
		{"container health check", func(a *lightsail.Args) {
			a.App.Containers[1].HealthCheck = &app.HealthCheck{Command: []string{"CMD-SHELL", "curl -f localhost:5000/"}}
		}, []string{"app.containers.backend.healthCheck: Lightsail runs no health check inside a container"}},
		{"depends on", func(a *lightsail.Args) { a.App.Containers[0].DependsOn = []app.Dependency{{Container: "backend"}} },
			[]string{"app.containers.frontend.dependsOn: Lightsail starts all containers together"}},
		{"not essential", func(a *lightsail.Args) { a.App.Containers[0].Essential = ptr(false) },
			[]string{"app.containers.frontend.essential: every Lightsail container is essential"}},
		{"read-only root demanded", func(a *lightsail.Args) { a.App.Containers[0].ReadonlyRootFilesystem = ptr(true) },
			[]string{"app.containers.frontend.readonlyRootFilesystem: Lightsail cannot make a container's root file system read-only"}},
		{"autoscaling", func(a *lightsail.Args) { a.App.Scaling = app.Scaling{Min: 1, Max: 3} },
			[]string{"app.scaling.max: 3 is more than scaling.min 1: Lightsail does not autoscale"}},
		{"copies not matching scale", func(a *lightsail.Args) { a.App.Scaling = app.Scaling{Min: 2} },
			[]string{"app.scaling.min: 2 copies, but lightsail.scale runs 1 nodes: set lightsail.scale to 2"}},
		{"secrets manager", func(a *lightsail.Args) {
			a.App.Containers[1].Secrets["API_TOKEN"] = app.Secret{SecretsManager: "epimetheus/api-token"}
		}, []string{"app.containers.backend.secrets.API_TOKEN.secretsManager: Lightsail cannot resolve Secrets Manager references"}},
		{"ssm parameter", func(a *lightsail.Args) {
			a.App.Containers[1].Secrets["API_TOKEN"] = app.Secret{SSMParameter: "/epimetheus/api-token"}
		}, []string{"app.containers.backend.secrets.API_TOKEN.ssmParameter: Lightsail cannot resolve SSM parameters"}},
		{"database secret without a database", func(a *lightsail.Args) {
			a.Database = nil
			a.App.Containers[1].DatabaseEnv = nil
		}, []string{`app.containers.backend.secrets.PASSWORD.database: "db" is not a database of this system`}},
		{"secret of another database", func(a *lightsail.Args) {
			a.App.Containers[1].Secrets["PASSWORD"] = app.Secret{Database: "main", Key: app.KeyPassword}
		}, []string{`app.containers.backend.secrets.PASSWORD.database: "main" is not a database of this system`}},
		{"endpoint port not exposed", func(a *lightsail.Args) { a.App.Endpoint.Port = 80 },
			[]string{`app.endpoint.port: container "frontend" does not expose port 80`}},
		{"health check interval", func(a *lightsail.Args) { a.App.Endpoint.IntervalSeconds = 400 },
			[]string{"app.endpoint.intervalSeconds: 400 is out of range: use 5 to 300 seconds"}},
		{"health check timeout ELB allows but Lightsail does not", func(a *lightsail.Args) {
			a.App.Endpoint.IntervalSeconds, a.App.Endpoint.TimeoutSeconds = 300, 90
		}, []string{"app.endpoint.timeoutSeconds: 90 is out of range: use 2 to 60 seconds"}},
		{"scratch volumes", func(a *lightsail.Args) {
			a.App.Scratch = []string{"tmp"}
			a.App.Containers[0].Mounts = []app.Mount{{Volume: "tmp", Path: "/tmp"}}
		}, []string{"app.containers.frontend.mounts: Lightsail containers have no volumes", "app.scratch: Lightsail containers have no volumes"}},
		{"entry point", func(a *lightsail.Args) { a.App.Containers[0].EntryPoint = []string{"nginx"} },
			[]string{"app.containers.frontend.entryPoint: Lightsail cannot replace an image's entry point"}},
		{"health check threshold", func(a *lightsail.Args) { a.App.Endpoint.HealthyThreshold = 11 },
			[]string{"app.endpoint.healthyThreshold: 11 is out of range: use 2 to 10"}},
		{"success codes", func(a *lightsail.Args) { a.App.Endpoint.SuccessCodes = "200-599" },
			[]string{`app.endpoint.successCodes: "200-599" is not a list of HTTP codes`}},
		{"too many containers", func(a *lightsail.Args) {
			for i := range 52 {
				a.App.Containers = append(a.App.Containers, app.Container{Name: "sidecar-" + string(rune('a'+i/26)) + string(rune('a'+i%26)), Image: "busybox:1.36.1"})
			}
		}, []string{"app.containers: 54 containers: a Lightsail deployment runs at most 53"}},
		{"EOL blueprint", func(a *lightsail.Args) { a.Database.Blueprint = "postgres_12" },
			[]string{`database.blueprint: "postgres_12" is not a supported blueprint: use postgres_<major> with a major of 14 or later`}},
		{"unknown engine", func(a *lightsail.Args) { a.Database.Blueprint = "oracle_19" },
			[]string{`database.blueprint: "oracle_19" is not a supported blueprint`}},
		{"missing blueprint and name", func(a *lightsail.Args) { a.Database.Blueprint, a.Database.Name = "", "" },
			[]string{"database.blueprint: is required", "database.name: is required"}},
		{"bad bundle", func(a *lightsail.Args) { a.Database.Bundle = "db.t4g.micro" },
			[]string{`database.bundle: "db.t4g.micro" is not a database bundle: use <size>[_ha]_<version>`}},
		{"system database", func(a *lightsail.Args) { a.Database.Name = "postgres" },
			[]string{`database.name: "postgres" is a system database`}},
		{"reserved username", func(a *lightsail.Args) { a.Database.Username = "rdsadmin" },
			[]string{`database.username: "rdsadmin" is reserved`}},
		{"postgres reserved word", func(a *lightsail.Args) { a.Database.Username = "user" },
			[]string{`database.username: "user" is a reserved word in PostgreSQL`}},
		{"bad backup window", func(a *lightsail.Args) { a.Database.BackupWindow = "3:00-4:00" },
			[]string{`database.backupWindow: "3:00-4:00" is not a backup window: use hh:mm-hh:mm in UTC`}},
		{"short backup window", func(a *lightsail.Args) { a.Database.BackupWindow = "03:00-03:15" },
			[]string{`database.backupWindow: "03:00-03:15" lasts 15 minutes: the database needs at least 30`}},
		{"bad maintenance window", func(a *lightsail.Args) { a.Database.MaintenanceWindow = "sunday:05:00-sunday:06:00" },
			[]string{`database.maintenanceWindow: "sunday:05:00-sunday:06:00" is not a maintenance window`}},
		{"overlapping windows", func(a *lightsail.Args) {
			a.Database.BackupWindow, a.Database.MaintenanceWindow = "05:30-06:30", "sun:05:00-sun:06:00"
		}, []string{`database.backupWindow: "05:30-06:30" overlaps the maintenance window "sun:05:00-sun:06:00"`}},
		{"whole internet", func(a *lightsail.Args) { a.Database.ExternalClients = []string{"0.0.0.0/0"} },
			[]string{`database.externalClients[0]: "0.0.0.0/0" opens the database to the whole internet`}},
		{"huge network", func(a *lightsail.Args) { a.Database.ExternalClients = []string{"203.0.113.7/32", "0.0.0.0/1"} },
			[]string{`database.externalClients[1]: "0.0.0.0/1" admits a large part of the internet`}},
		{"host bits", func(a *lightsail.Args) { a.Database.ExternalClients = []string{"203.0.113.7/24"} },
			[]string{`database.externalClients[0]: "203.0.113.7/24" has host bits set: use 203.0.113.0/24`}},
		{"database name set twice", func(a *lightsail.Args) { a.App.Containers[1].Environment["DATABASE"] = "postgres" },
			[]string{"app.containers.backend.databaseEnv.DATABASE: is also set under environment or secrets"}},
		{"database env without database", func(a *lightsail.Args) {
			a.Database = nil
			a.App.Containers[1].Secrets = nil
		}, []string{`app.containers.backend.databaseEnv.DATABASE.database: "db" is not a database of this system`,
			`app.containers.backend.databaseEnv.HOST.database: "db" is not a database of this system`,
			`app.containers.backend.databaseEnv.USER.database: "db" is not a database of this system`}},
		{"database env unknown attribute", func(a *lightsail.Args) {
			a.App.Containers[1].DatabaseEnv["HOST"] = app.DatabaseValue{Database: lightsail.DatabaseKey, Attribute: "hostname"}
		}, []string{`app.containers.backend.databaseEnv.HOST.attribute: "hostname" is not allowed: use one of address, port, name, username`}},
		{"attach without domain", func(a *lightsail.Args) { a.AttachDomain = true },
			[]string{"attachDomain: there is no domain to attach"}},
		{"zone apex", func(a *lightsail.Args) { a.App.Endpoint.Domain, a.Zone = "example.org", "example.org" },
			[]string{`zone: "example.org" is the zone's apex`}},
		{"zone not holding domain", func(a *lightsail.Args) { a.App.Endpoint.Domain, a.Zone = "app.example.org", "example.com" },
			[]string{`zone: "example.com" does not hold the endpoint's domain "app.example.org"`}},
		{"bad zone", func(a *lightsail.Args) { a.Zone = "Example.org." },
			[]string{`zone: "Example.org." is not a DNS zone name`}},
		{"ECR in another region", func(a *lightsail.Args) {
			a.App.Containers[1].Image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/epimetheus/backend:1.2.0"
		}, []string{"app.containers.backend.image: the repository is in eu-west-1, the service in us-east-1"}},
		{"latest image", func(a *lightsail.Args) { a.App.Containers[0].Image = "nginx" },
			[]string{`app.containers.frontend.image: "nginx" is not pinned`}},
		{"long group", func(a *lightsail.Args) { a.Group = "a-very-long-group-name-for-lightsail" },
			[]string{"group: \"a-very-long-group-name-for-lightsail\" is 36 characters long: use at most 29"}},
		{"naming", func(a *lightsail.Args) { a.Naming.Owner = "" }, []string{"naming.owner: is required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := args()
			tc.edit(&a)
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := lightsail.New(ctx, "epimetheus", &a)
				return err
			}, tc.want...)
		})
	}
}

// replaceOrder is a mock monitor that records which resources are replaced delete-first, an option
// the shared mock does not keep.
type replaceOrder struct {
	*mock.Monitor
	deleteFirst map[string]bool
}

func (m *replaceOrder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.RegisterRPC != nil && args.RegisterRPC.GetDeleteBeforeReplace() {
		m.deleteFirst[args.TypeToken+" "+args.Name] = true
	}
	return m.Monitor.NewResource(args)
}

// The database's name is fixed, so a replacement (new blueprint, bundle, database name or master
// user) deletes the old database first, and each database's final snapshot has a name of its own:
// the suffix changes exactly when an input that replaces the database does.
func TestDatabaseReplacement(t *testing.T) {
	m := &replaceOrder{Monitor: mock.NewMonitor("strata", "test", ""), deleteFirst: map[string]bool{}}
	a := args()
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := lightsail.New(ctx, "epimetheus", &a)
		return err
	}, pulumi.WithMocks("strata", "test", m))
	require.NoError(t, err)
	assert.True(t, m.deleteFirst[typeDatabase+" epimetheus-db"], "a replacement must delete the old database first")

	snapshot := func(a lightsail.Args) string {
		return fmt.Sprint(mocktest.One(t, deploy(t, a), typeDatabase).In("finalSnapshotName"))
	}
	first := snapshot(args())
	assert.Equal(t, first, snapshot(args()), "the same database keeps its snapshot name")
	for name, change := range map[string]func(*lightsail.Database){
		"bundle":    func(d *lightsail.Database) { d.Bundle = "small_2_0" },
		"blueprint": func(d *lightsail.Database) { d.Blueprint = "postgres_17" },
		"name":      func(d *lightsail.Database) { d.Name = "archive" },
		"username":  func(d *lightsail.Database) { d.Username = "epi" },
	} {
		a := args()
		change(a.Database)
		assert.NotEqual(t, first, snapshot(a), "a new %s replaces the database, which needs a new snapshot name", name)
	}
	a = args()
	a.Database.BackupWindow = "03:00-03:30"
	assert.Equal(t, first, snapshot(a), "an update in place keeps the name")
}
