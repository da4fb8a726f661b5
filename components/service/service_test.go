package service_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/cluster"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/service"
	"github.com/strata-iac/strata/internal/mock"
	"github.com/strata-iac/strata/internal/mocktest"
)

const (
	typeTaskDef = "aws:ecs/taskDefinition:TaskDefinition"
	typeService = "aws:ecs/service:Service"
	typeRole    = "aws:iam/role:Role"
	typePolicy  = "aws:iam/policy:Policy"
	dbSecret    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf"
	fsARN       = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"
	apARN       = "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1"
	ecrImage    = "123456789012.dkr.ecr.us-east-1.amazonaws.com/qa/server:2.4.1"
)

func ptr[T any](v T) *T { return &v }

var conv = naming.Convention{App: "lookup", Env: "test", Owner: "ld4p"}

func spec() app.Spec {
	return app.Spec{
		CPU: 512, MemoryMiB: 1024,
		Containers: []app.Container{{
			Name: "web", Image: ecrImage, Ports: []int{3000},
			Environment: map[string]string{"MYSQL_HOST": "qa-mariadb"},
			DatabaseEnv: map[string]app.DatabaseValue{"MYSQL_PORT": {Database: "db", Attribute: app.AttrPort}},
			Secrets: map[string]app.Secret{
				"MYSQL_PASSWORD":  {Database: "db", Key: app.KeyPassword},
				"SECRET_KEY_BASE": {SecretsManager: "lookup/secret-key-base"},
				"API_TOKEN":       {SSMParameter: "/lookup/api-token"},
			},
			EnvFiles: []string{"s3://lookup-test-config/lookup.env"},
			Mounts:   []app.Mount{{Volume: "authorities", Path: "/app/config/authorities", ReadOnly: true}},
		}, {
			Name: "helper", Image: "busybox:1.36.1", ReadonlyRootFilesystem: ptr(false), Essential: ptr(false),
			DependsOn: []app.Dependency{{Container: "web"}},
		}},
		Endpoint: &app.Endpoint{Container: "web", Port: 3000},
	}
}

func args() service.Args {
	return service.Args{
		App: spec(), Group: "app", Naming: conv, Capacity: cluster.CapacityFargate, Exec: true,
		Cluster: service.Cluster{Name: pulumi.String("lookup-test-cluster"), ARN: pulumi.String("arn:aws:ecs:us-east-1:123456789012:cluster/lookup-test-cluster"),
			CapacityProvider: "FARGATE", NamespaceARN: pulumi.String("arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-1")},
		SubnetIDs:        pulumi.StringArray{pulumi.String("subnet-a"), pulumi.String("subnet-b")},
		SecurityGroupIDs: pulumi.StringArray{pulumi.String("sg-app")},
		Volumes: map[string]service.Volume{"authorities": {FileSystemID: pulumi.String("fs-1"), FileSystemARN: pulumi.String(fsARN),
			AccessPointID: pulumi.String("fsap-1"), AccessPointARN: pulumi.String(apARN)}},
		Databases: map[string]service.Database{"db": {SecretARN: pulumi.String(dbSecret), Address: pulumi.String("db.internal"),
			Port: pulumi.Int(3306), Name: pulumi.String("qa"), Username: pulumi.String("qa")}},
		Attach:         map[string]pulumi.StringInput{"kotta-web": pulumi.String("arn:aws:iam::123456789012:policy/kotta-test-web")},
		TargetGroupARN: pulumi.String("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/1"),
		Publish:        []service.Alias{{Container: "web", Port: 3000, DNSName: "qa-web"}},
	}
}

func deploy(t *testing.T, a service.Args) *mock.Result {
	t.Helper()
	return mocktest.Run(t, func(ctx *pulumi.Context) error {
		_, err := service.New(ctx, "lookup-app", &a)
		return err
	})
}

type containerDef struct {
	Name                   string
	Image                  string
	Essential              bool
	ReadonlyRootFilesystem bool
	Privileged             bool
	PortMappings           []struct {
		Name, Protocol string
		ContainerPort  int
	}
	Environment      []struct{ Name, Value string }
	Secrets          []struct{ Name, ValueFrom string }
	EnvironmentFiles []struct{ Value, Type string }
	MountPoints      []struct {
		SourceVolume, ContainerPath string
		ReadOnly                    bool
	}
	DependsOn        []struct{ ContainerName, Condition string }
	LinuxParameters  *struct{ InitProcessEnabled bool }
	LogConfiguration struct {
		LogDriver string
		Options   map[string]string
	}
}

func definitions(t *testing.T, res *mock.Result) map[string]containerDef {
	t.Helper()
	var defs []containerDef
	if err := json.Unmarshal([]byte(mocktest.One(t, res, typeTaskDef).In("containerDefinitions").(string)), &defs); err != nil {
		t.Fatal(err)
	}
	out := map[string]containerDef{}
	for _, d := range defs {
		out[d.Name] = d
	}
	return out
}

func TestTaskDefinition(t *testing.T) {
	res := deploy(t, args())
	td := mocktest.One(t, res, typeTaskDef)
	mocktest.Eq(t, "family", td.In("family"), "lookup-test-app")
	mocktest.Eq(t, "network mode", td.In("networkMode"), "awsvpc")
	mocktest.Eq(t, "compatibility", td.In("requiresCompatibilities[0]"), "FARGATE")
	mocktest.Eq(t, "cpu", td.In("cpu"), "512")
	mocktest.Eq(t, "memory", td.In("memory"), "1024")
	exec, task := td.In("executionRoleArn"), td.In("taskRoleArn")
	mocktest.Eq(t, "execution role", exec, "arn:aws:iam::123456789012:role/lookup-test-app-exec")
	mocktest.Eq(t, "task role", task, "arn:aws:iam::123456789012:role/lookup-test-app-task")
	if exec == task {
		t.Error("the execution role must not be the task role")
	}
	mocktest.Eq(t, "volume", td.In("volumes[0].name"), "authorities")
	mocktest.Eq(t, "transit encryption", td.In("volumes[0].efsVolumeConfiguration.transitEncryption"), "ENABLED")
	mocktest.Eq(t, "IAM authorization", td.In("volumes[0].efsVolumeConfiguration.authorizationConfig.iam"), "ENABLED")
	mocktest.Eq(t, "access point", td.In("volumes[0].efsVolumeConfiguration.authorizationConfig.accessPointId"), "fsap-1")

	defs := definitions(t, res)
	web, helper := defs["web"], defs["helper"]
	mocktest.Eq(t, "web read-only root", web.ReadonlyRootFilesystem, true)
	mocktest.Eq(t, "helper opted out", helper.ReadonlyRootFilesystem, false)
	mocktest.Eq(t, "helper essential", helper.Essential, false)
	mocktest.Eq(t, "privileged", web.Privileged || helper.Privileged, false)
	mocktest.Eq(t, "port", web.PortMappings[0].ContainerPort, 3000)
	mocktest.Eq(t, "port name", web.PortMappings[0].Name, "web-3000")
	mocktest.Eq(t, "environment", len(web.Environment), 2)
	mocktest.Eq(t, "plain env", web.Environment[0].Name+"="+web.Environment[0].Value, "MYSQL_HOST=qa-mariadb")
	mocktest.Eq(t, "deploy-time env", web.Environment[1].Name+"="+web.Environment[1].Value, "MYSQL_PORT=3306")
	secrets := map[string]string{}
	for _, s := range web.Secrets {
		secrets[s.Name] = s.ValueFrom
	}
	mocktest.Eq(t, "db password", secrets["MYSQL_PASSWORD"], dbSecret+":password::")
	mocktest.Eq(t, "named secret", secrets["SECRET_KEY_BASE"], "lookup/secret-key-base")
	mocktest.Eq(t, "parameter", secrets["API_TOKEN"], "/lookup/api-token")
	mocktest.Eq(t, "env file", web.EnvironmentFiles[0].Value, "arn:aws:s3:::lookup-test-config/lookup.env")
	mocktest.Eq(t, "mount", web.MountPoints[0].ContainerPath+" ro="+strconv.FormatBool(web.MountPoints[0].ReadOnly), "/app/config/authorities ro=true")
	mocktest.Eq(t, "dependency", helper.DependsOn[0].ContainerName+" "+helper.DependsOn[0].Condition, "web START")
	mocktest.Eq(t, "log driver", web.LogConfiguration.LogDriver, "awslogs")
	mocktest.Eq(t, "log group", web.LogConfiguration.Options["awslogs-group"], "/ecs/lookup-test-app")
	mocktest.Eq(t, "init process for exec", web.LinuxParameters != nil && web.LinuxParameters.InitProcessEnabled, true)

	logs := mocktest.One(t, res, "aws:cloudwatch/logGroup:LogGroup")
	mocktest.Eq(t, "log retention", logs.In("retentionInDays"), float64(30))
}

// No secret value ever reaches the plain environment of a container.
func TestNoSecretInEnvironment(t *testing.T) {
	for _, d := range definitions(t, deploy(t, args())) {
		for _, e := range d.Environment {
			if strings.Contains(e.Value, "secretsmanager") || strings.Contains(strings.ToUpper(e.Name), "PASSWORD") {
				t.Errorf("%s: environment %s=%s", d.Name, e.Name, e.Value)
			}
		}
	}
}

func TestRoleGrantsAreExact(t *testing.T) {
	res := deploy(t, args())
	exec := mocktest.Grants(mocktest.Document(t, mocktest.Named(t, res, typePolicy, "lookup-app-exec"), "policy"))
	mocktest.EqualLists(t, "execution role", exec, []string{
		"ecr:BatchCheckLayerAvailability arn:aws:ecr:us-east-1:123456789012:repository/qa/server",
		"ecr:BatchGetImage arn:aws:ecr:us-east-1:123456789012:repository/qa/server",
		"ecr:GetAuthorizationToken *",
		"ecr:GetDownloadUrlForLayer arn:aws:ecr:us-east-1:123456789012:repository/qa/server",
		"logs:CreateLogStream arn:aws:logs:us-east-1:123456789012:log-group:/ecs/lookup-test-app:log-stream:*",
		"logs:PutLogEvents arn:aws:logs:us-east-1:123456789012:log-group:/ecs/lookup-test-app:log-stream:*",
		"s3:GetBucketLocation arn:aws:s3:::lookup-test-config",
		"s3:GetObject arn:aws:s3:::lookup-test-config/lookup.env",
		"secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:123456789012:secret:lookup/secret-key-base-??????",
		"secretsmanager:GetSecretValue " + dbSecret,
		"ssm:GetParameters arn:aws:ssm:us-east-1:123456789012:parameter/lookup/api-token",
	})
	taskDoc := mocktest.Document(t, mocktest.Named(t, res, typePolicy, "lookup-app-task"), "policy")
	mocktest.EqualLists(t, "task role", mocktest.Grants(taskDoc), []string{
		"elasticfilesystem:ClientMount " + fsARN,
		"ssmmessages:CreateControlChannel *",
		"ssmmessages:CreateDataChannel *",
		"ssmmessages:OpenControlChannel *",
		"ssmmessages:OpenDataChannel *",
	})
	mocktest.Eq(t, "mount only through the access point", taskDoc.Statement[0].Condition["StringEquals"]["elasticfilesystem:AccessPointArn"], apARN)
	attached := mocktest.Named(t, res, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "lookup-app-task-kotta-web")
	mocktest.Eq(t, "task policy attachment", attached.In("policyArn"), "arn:aws:iam::123456789012:policy/kotta-test-web")
	for _, r := range res.ByType(typeRole) {
		trust := mocktest.Document(t, r, "assumeRolePolicy")
		mocktest.Eq(t, r.Name+" trust", trust.Statement[0].Principal.(map[string]any)["Service"], "ecs-tasks.amazonaws.com")
		// ECS assumes the roles for this account's tasks only (confused deputy prevention).
		assert.Equal(t, "123456789012", trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"], r.Name)
	}
}

func TestWritableMountGrantsWrite(t *testing.T) {
	a := args()
	a.Exec = false
	a.App.Containers[0].Mounts[0].ReadOnly = false
	res := deploy(t, a)
	mocktest.EqualLists(t, "task role", mocktest.Grants(mocktest.Document(t, mocktest.Named(t, res, typePolicy, "lookup-app-task"), "policy")),
		[]string{"elasticfilesystem:ClientMount " + fsARN, "elasticfilesystem:ClientWrite " + fsARN})
	if defs := definitions(t, res); defs["web"].LinuxParameters != nil {
		t.Error("without ECS Exec no init process is forced")
	}
}

func TestService(t *testing.T) {
	res := deploy(t, args())
	svc := mocktest.One(t, res, typeService)
	mocktest.Eq(t, "name", svc.In("name"), "lookup-test-app")
	mocktest.Eq(t, "public IP", svc.In("networkConfiguration.assignPublicIp"), false)
	mocktest.Eq(t, "subnets", len(svc.In("networkConfiguration.subnets").([]any)), 2)
	mocktest.Eq(t, "security group", svc.In("networkConfiguration.securityGroups[0]"), "sg-app")
	mocktest.Eq(t, "circuit breaker", svc.In("deploymentCircuitBreaker.enable"), true)
	mocktest.Eq(t, "rollback", svc.In("deploymentCircuitBreaker.rollback"), true)
	mocktest.Eq(t, "capacity provider", svc.In("capacityProviderStrategies[0].capacityProvider"), "FARGATE")
	mocktest.Eq(t, "desired", svc.In("desiredCount"), float64(1))
	mocktest.Eq(t, "exec", svc.In("enableExecuteCommand"), true)
	mocktest.Eq(t, "target group", svc.In("loadBalancers[0].containerName"), "web")
	mocktest.Eq(t, "target port", svc.In("loadBalancers[0].containerPort"), float64(3000))
	mocktest.Eq(t, "grace", svc.In("healthCheckGracePeriodSeconds"), float64(60))
	mocktest.Eq(t, "service connect", svc.In("serviceConnectConfiguration.enabled"), true)
	mocktest.Eq(t, "published port", svc.In("serviceConnectConfiguration.services[0].portName"), "web-3000")
	mocktest.Eq(t, "alias", svc.In("serviceConnectConfiguration.services[0].clientAlias[0].dnsName"), "qa-web")
	if n := len(res.ByType("aws:appautoscaling/target:Target")); n != 0 {
		t.Errorf("got %d scaling targets for a fixed-size app, want 0", n)
	}
	if len(svc.IgnoreChanges) != 0 {
		t.Errorf("a fixed-size service must manage its count: ignoreChanges %v", svc.IgnoreChanges)
	}
	mocktest.CheckTags(t, res, map[string]string{"App": "lookup", "Env": "test", "Owner": "ld4p"})
}

func TestAutoscaling(t *testing.T) {
	a := args()
	a.App.Scaling = app.Scaling{Min: 2, Max: 6, CPUTargetPercent: 70}
	res := deploy(t, a)
	target := mocktest.One(t, res, "aws:appautoscaling/target:Target")
	mocktest.Eq(t, "resource", target.In("resourceId"), "service/lookup-test-cluster/lookup-test-app")
	mocktest.Eq(t, "min", target.In("minCapacity"), float64(2))
	mocktest.Eq(t, "max", target.In("maxCapacity"), float64(6))
	pol := mocktest.One(t, res, "aws:appautoscaling/policy:Policy")
	mocktest.Eq(t, "metric", pol.In("targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType"), "ECSServiceAverageCPUUtilization")
	mocktest.Eq(t, "target", pol.In("targetTrackingScalingPolicyConfiguration.targetValue"), float64(70))
	svc := mocktest.One(t, res, typeService)
	mocktest.Eq(t, "desired starts at min", svc.In("desiredCount"), float64(2))
	if !slices.Contains(svc.IgnoreChanges, "desiredCount") {
		t.Error("the autoscaler owns desiredCount: Pulumi must ignore it")
	}
}

func TestSingletonOnEC2(t *testing.T) {
	a := args()
	a.Capacity, a.Cluster.CapacityProvider, a.Singleton = cluster.CapacityEC2, "lookup-test-ec2", true
	a.App.CPU, a.App.MemoryMiB = 0, 0
	a.TargetGroupARN, a.Publish, a.Cluster.NamespaceARN = nil, nil, nil
	res := deploy(t, a)
	td := mocktest.One(t, res, typeTaskDef)
	mocktest.Eq(t, "compatibility", td.In("requiresCompatibilities[0]"), "EC2")
	mocktest.Eq(t, "no task cpu", td.In("cpu"), nil)
	svc := mocktest.One(t, res, typeService)
	mocktest.Eq(t, "min healthy", svc.In("deploymentMinimumHealthyPercent"), float64(0))
	mocktest.Eq(t, "max percent", svc.In("deploymentMaximumPercent"), float64(100))
	mocktest.Eq(t, "provider", svc.In("capacityProviderStrategies[0].capacityProvider"), "lookup-test-ec2")
	mocktest.Eq(t, "no load balancer", svc.In("loadBalancers"), nil)
	mocktest.Eq(t, "no grace without load balancer", svc.In("healthCheckGracePeriodSeconds"), nil)
	mocktest.Eq(t, "no service connect", svc.In("serviceConnectConfiguration"), nil)
}

func TestFargateSize(t *testing.T) {
	for _, tc := range []struct {
		cpu, mem int
		want     string
	}{
		{256, 512, ""}, {256, 2048, ""}, {512, 4096, ""}, {1024, 8192, ""}, {4096, 30720, ""}, {16384, 122880, ""},
		{256, 4096, "a Fargate task cannot run 256 CPU with 4096 MiB: use [512 1024 2048] MiB"},
		{1024, 1024, "use 2048 to 8192 MiB in steps of 1024"},
		{8192, 20000, "use 16384 to 61440 MiB in steps of 4096"},
		{300, 1024, "a Fargate task needs a CPU of 256, 512"},
	} {
		err := service.FargateSize(tc.cpu, tc.mem)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("FargateSize(%d, %d): got %v, want %q", tc.cpu, tc.mem, err, tc.want)
		}
	}
}

// Scratch volumes are bind mounts made writable for every user by an init container of the first
// image that mounts one, which the containers mounting them wait for.
func TestScratchVolumes(t *testing.T) {
	a := args()
	a.App.Scratch = []string{"tmp", "certs"}
	a.App.Containers[0].Mounts = append(a.App.Containers[0].Mounts, app.Mount{Volume: "tmp", Path: "/tmp"},
		app.Mount{Volume: "certs", Path: "/certs", ReadOnly: true})
	a.App.Containers[1].Mounts = []app.Mount{{Volume: "certs", Path: "/out"}}
	a.App.Containers[1].EntryPoint = []string{"wget"}
	res := deploy(t, a)
	td := mocktest.One(t, res, typeTaskDef)
	assert.Equal(t, map[string]any{"name": "tmp"}, td.In("volumes[0]"), "scratch volume")
	assert.Equal(t, map[string]any{"name": "certs"}, td.In("volumes[1]"), "second scratch volume")
	assert.Equal(t, "authorities", td.In("volumes[2].name"), "EFS volume after them")

	var raw []map[string]any
	if err := json.Unmarshal([]byte(td.In("containerDefinitions").(string)), &raw); err != nil {
		t.Fatal(err)
	}
	init := raw[0]
	assert.Equal(t, service.ScratchInit, init["name"], "init name")
	assert.Equal(t, "public.ecr.aws/docker/library/busybox:1.37.0", init["image"],
		"a small pinned image from ECR Public, not the app's image nor Docker Hub")
	assert.Equal(t, "0", init["user"], "init runs as root")
	assert.Equal(t, []any{"chmod"}, init["entryPoint"], "init entry point")
	assert.Equal(t, []any{"1777", "/scratch/tmp", "/scratch/certs"}, init["command"], "init command")
	assert.Equal(t, false, init["essential"], "init not essential")
	assert.Equal(t, true, init["readonlyRootFilesystem"], "init read-only root")

	defs := definitions(t, res)
	web, helper := defs["web"], defs["helper"]
	assert.Equal(t, "scratch-init SUCCESS", web.DependsOn[0].ContainerName+" "+web.DependsOn[0].Condition, "web waits")
	assert.Equal(t, "web", helper.DependsOn[0].ContainerName, "helper keeps its own dependency first")
	assert.Equal(t, "scratch-init SUCCESS", helper.DependsOn[1].ContainerName+" "+helper.DependsOn[1].Condition, "helper waits too")
	assert.Equal(t, []any{"wget"}, raw[2]["entryPoint"], "helper entry point")
	// Scratch volumes need no IAM: the task role only mounts EFS.
	mocktest.EqualLists(t, "task role", mocktest.Grants(mocktest.Document(t, mocktest.Named(t, res, typePolicy, "lookup-app-task"), "policy")), []string{
		"elasticfilesystem:ClientMount " + fsARN,
		"ssmmessages:CreateControlChannel *", "ssmmessages:CreateDataChannel *",
		"ssmmessages:OpenControlChannel *", "ssmmessages:OpenDataChannel *",
	})

	none := deploy(t, args())
	if _, ok := definitions(t, none)[service.ScratchInit]; ok {
		t.Error("without scratch volumes there is no init container")
	}
}

// Docker Hub images are pulled through the cache, which the execution role may fill; other images
// are left alone.
func TestPullThroughCache(t *testing.T) {
	a := args()
	a.Cache = "lookup-test-hub"
	a.App.Containers[1].Image = "busybox:1.36.1"
	res := deploy(t, a)
	defs := definitions(t, res)
	assert.Equal(t, ecrImage, defs["web"].Image, "ECR image unchanged")
	assert.Equal(t, "123456789012.dkr.ecr.us-east-1.amazonaws.com/lookup-test-hub/library/busybox:1.36.1", defs["helper"].Image, "Docker Hub image cached")
	grants := mocktest.Grants(mocktest.Document(t, mocktest.Named(t, res, typePolicy, "lookup-app-exec"), "policy"))
	cached := "arn:aws:ecr:us-east-1:123456789012:repository/lookup-test-hub/library/busybox"
	for _, want := range []string{"ecr:BatchGetImage " + cached, "ecr:GetDownloadUrlForLayer " + cached,
		"ecr:BatchImportUpstreamImage " + cached, "ecr:CreateRepository " + cached} {
		if !slices.Contains(grants, want) {
			t.Errorf("execution role lacks %s: %v", want, grants)
		}
	}
	if slices.Contains(grants, "ecr:CreateRepository arn:aws:ecr:us-east-1:123456789012:repository/qa/server") {
		t.Error("only cached repositories may be created")
	}
}

// A database secret under a customer managed key can be decrypted by the execution role, with that
// key only and only through Secrets Manager.
func TestDatabaseSecretKey(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	a := args()
	db := a.Databases["db"]
	db.KMSKeyARN = key
	a.Databases["db"] = db
	res := deploy(t, a)
	doc := mocktest.Document(t, mocktest.Named(t, res, typePolicy, "lookup-app-exec"), "policy")
	if !slices.Contains(mocktest.Grants(doc), "kms:Decrypt "+key) {
		t.Fatalf("no kms:Decrypt on the key: %v", mocktest.Grants(doc))
	}
	for _, st := range doc.Statement {
		if slices.Contains(st.Action, "kms:Decrypt") {
			assert.Equal(t, "secretsmanager.us-east-1.amazonaws.com", st.Condition["StringEquals"]["kms:ViaService"], "via Secrets Manager")
		}
	}
	if slices.ContainsFunc(mocktest.Grants(mocktest.Document(t, mocktest.Named(t, deploy(t, args()), typePolicy, "lookup-app-exec"), "policy")),
		func(g string) bool { return strings.HasPrefix(g, "kms:") }) {
		t.Error("without a customer managed key there is no KMS grant")
	}
}

// The app reads its S3 prefixes and nothing else of the bucket; the service waits for what it
// depends on.
func TestReadsAndDependencies(t *testing.T) {
	a := args()
	a.Exec = false
	a.Reads = []service.Read{{BucketARN: pulumi.String("arn:aws:s3:::lookup-test-config"), Prefix: "authorities/"}}
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		obj, err := pulumi.NewStackReference(ctx, "org/env/test", nil)
		if err != nil {
			return err
		}
		a.DependsOn = []pulumi.Resource{obj}
		_, err = service.New(ctx, "lookup-app", &a)
		return err
	})
	doc := mocktest.Document(t, mocktest.Named(t, res, typePolicy, "lookup-app-task"), "policy")
	mocktest.EqualLists(t, "task role", mocktest.Grants(doc), []string{
		"elasticfilesystem:ClientMount " + fsARN,
		"s3:GetObject arn:aws:s3:::lookup-test-config/authorities/*",
		"s3:ListBucket arn:aws:s3:::lookup-test-config",
	})
	for _, st := range doc.Statement {
		if slices.Contains(st.Action, "s3:ListBucket") {
			assert.Equal(t, []any{"authorities/", "authorities/*"}, st.Condition["StringLike"]["s3:prefix"], "listing limited to the prefix")
		}
	}
	svc := mocktest.One(t, res, typeService)
	if !slices.ContainsFunc(svc.Dependencies, func(d string) bool { return strings.HasSuffix(d, "::org/env/test") }) {
		t.Errorf("the service must wait for its dependencies: %v", svc.Dependencies)
	}
}

// The tasks start only once what they pull through and mount exists: the pull-through cache rule
// (task definition and service), and the file system's mount targets (service).
func TestServiceWaitsForCacheAndMountTargets(t *testing.T) {
	a := args()
	a.Cache = "lookup-test-hub"
	res := mocktest.Run(t, func(ctx *pulumi.Context) error {
		rule, err := pulumi.NewStackReference(ctx, "org/cache/test", nil)
		if err != nil {
			return err
		}
		mount, err := pulumi.NewStackReference(ctx, "org/mount/test", nil)
		if err != nil {
			return err
		}
		a.CacheReady = []pulumi.Resource{rule}
		v := a.Volumes["authorities"]
		v.MountTargets = []pulumi.Resource{mount}
		a.Volumes["authorities"] = v
		_, err = service.New(ctx, "lookup-app", &a)
		return err
	})
	dependsOn := func(r *mock.Resource, stack string) bool {
		return slices.ContainsFunc(r.Dependencies, func(d string) bool { return strings.HasSuffix(d, "::"+stack) })
	}
	svc, td := mocktest.One(t, res, typeService), mocktest.One(t, res, typeTaskDef)
	assert.True(t, dependsOn(svc, "org/cache/test"), "the service waits for the cache rule")
	assert.True(t, dependsOn(td, "org/cache/test"), "the task definition waits for the cache rule")
	assert.True(t, dependsOn(svc, "org/mount/test"), "the service waits for the mount targets")
	assert.Nil(t, svc.In("waitForSteadyState"), "only services others depend on wait for steady state")

	a = args()
	a.WaitForSteadyState = true
	assert.Equal(t, true, mocktest.One(t, deploy(t, a), typeService).In("waitForSteadyState"))
}

func TestInvalidArgsRegisterNothing(t *testing.T) {
	tests := []struct {
		name string
		edit func(a *service.Args)
		want []string
	}{
		{"fargate size", func(a *service.Args) { a.App.MemoryMiB = 512 }, []string{"app.memoryMiB: a Fargate task cannot run 512 CPU with 512 MiB"}},
		{"fargate without size", func(a *service.Args) { a.App.CPU = 0 }, []string{"app.cpu: Fargate needs the app's size"}},
		{"unknown capacity", func(a *service.Args) { a.Capacity = "spot" }, []string{`capacity: "spot" is not allowed: use one of fargate, fargateSpot, ec2`}},
		{"retention", func(a *service.Args) { a.LogRetentionDays = 10 }, []string{"logRetentionDays: 10 is not a CloudWatch Logs retention period"}},
		{"grace", func(a *service.Args) { a.HealthCheckGraceSeconds = -1 }, []string{"healthCheckGraceSeconds: -1 is out of range: use 0 to 2147483647"}},
		{"cache prefix", func(a *service.Args) { a.Cache = "Docker_Hub/" }, []string{`cache: "Docker_Hub/" is not a repository prefix`}},
		{"read without a prefix", func(a *service.Args) {
			a.Reads = []service.Read{{BucketARN: pulumi.String("arn:aws:s3:::b"), Prefix: "/x"}}
		},
			[]string{`reads[0].prefix: "/x" is not a key prefix`}},
		{"reserved container name", func(a *service.Args) {
			a.App.Containers[1].Name = service.ScratchInit
			a.App.Scratch = []string{"tmp"}
			a.App.Containers[0].Mounts = append(a.App.Containers[0].Mounts, app.Mount{Volume: "tmp", Path: "/tmp"})
		}, []string{"app.containers.scratch-init: \"scratch-init\" names the container that prepares the scratch volumes"}},
		{"too many containers", func(a *service.Args) {
			for i := range 9 {
				a.App.Containers = append(a.App.Containers, app.Container{Name: "extra" + strconv.Itoa(i), Image: "busybox:1.36.1", Essential: ptr(false)})
			}
		}, []string{"app.containers: 11 containers (with the scratch volumes' init container): ECS runs at most 10 per task"}},
		{"EC2 task CPU", func(a *service.Args) {
			a.Capacity, a.Cluster.CapacityProvider, a.App.CPU = cluster.CapacityEC2, "ec2", 64
		}, []string{"app.cpu: 64 is out of range: use 128 to 196608"}},
		{"unknown volume", func(a *service.Args) { a.App.Containers[0].Mounts[0].Volume = "database" },
			[]string{`app.containers.web.mounts[0].volume: "database" is not a volume of this app: use one of authorities`}},
		{"missing inputs", func(a *service.Args) { a.Cluster = service.Cluster{}; a.SubnetIDs = nil; a.SecurityGroupIDs = nil },
			[]string{"cluster: is required", "subnetIds: is required", "securityGroupIds: is required", "publishing needs the cluster's Service Connect namespace"}},
		{"singleton that scales", func(a *service.Args) { a.Singleton = true; a.App.Scaling = app.Scaling{Min: 1, Max: 3} },
			[]string{"singleton: a singleton runs one task"}},
		{"publish unknown port", func(a *service.Args) { a.Publish[0].Port = 3306 }, []string{`publish[0]: container "web" does not expose port 3306`}},
		{"latest image", func(a *service.Args) { a.App.Containers[1].Image = "busybox" }, []string{`app.containers.helper.image: "busybox" is not pinned`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := args()
			tc.edit(&a)
			mocktest.Refused(t, func(ctx *pulumi.Context) error {
				_, err := service.New(ctx, "lookup-app", &a)
				return err
			}, tc.want...)
		})
	}
}
