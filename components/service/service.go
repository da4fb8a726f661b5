package service

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/cluster"
	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/filesystem"
	"github.com/strata-iac/strata/components/logs"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/policy"
	"github.com/strata-iac/strata/components/registry"
	"github.com/strata-iac/strata/components/role"
)

// Args configures a Service.
type Args struct {
	// LogRetentionDays keeps the containers' logs this long. Default 30; one of logs.RetentionDays.
	LogRetentionDays int
	// Exec turns on ECS Exec: shell access to running containers through SSM, logged by CloudTrail.
	// Default false.
	Exec bool
	// HealthCheckGraceSeconds lets new tasks start before load balancer health checks count.
	// Default 60; 0 to 2147483647 (ECS CreateService healthCheckGracePeriodSeconds).
	HealthCheckGraceSeconds int

	// App is what runs; CheckApp must accept it. Its defaults apply.
	App app.Spec
	// Group names the service within its app, e.g. "app" or "mariadb": <app>-<env>-<group>.
	Group string
	// Naming names and tags the resources.
	Naming naming.Convention
	// Capacity is cluster.CapacityFargate, cluster.CapacityFargateSpot or cluster.CapacityEC2; it
	// decides the size rules and the launch compatibility of the task definition.
	Capacity string
	// Cluster the service runs on.
	Cluster Cluster
	// SubnetIDs are the private subnets of the tasks; SecurityGroupIDs their security groups.
	SubnetIDs        pulumi.StringArray
	SecurityGroupIDs pulumi.StringArray
	// Volumes are the EFS access points the app may mount, by volume name.
	Volumes map[string]Volume
	// Databases are the databases the app's secrets and databaseEnv may reference, by name.
	Databases map[string]Database
	// Attach are customer managed policies for the task role (what the app itself may touch), by a
	// stable name.
	Attach map[string]pulumi.StringInput
	// TargetGroupARN registers the endpoint container with a load balancer's target group.
	TargetGroupARN pulumi.StringInput
	// Publish makes container ports reachable by name through Service Connect.
	Publish []Alias
	// Singleton keeps exactly one task: a deployment stops the old task before starting the new,
	// so two copies never share state (e.g. a database's files on EFS).
	Singleton bool
	// Reads are S3 prefixes the app itself reads (its task role): list the prefix, get its objects.
	Reads []Read
	// Cache pulls the app's Docker Hub images through an ECR pull-through cache rule with this
	// repository prefix (see components/registry): each image is rewritten to
	// <account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<repository>, and the execution role may
	// pull it and, on the first pull, create the repository and import the image. Empty pulls
	// from Docker Hub directly.
	Cache string
	// CacheReady is what Cache needs in place before the first pull (registry.Cache.Ready: its rule
	// and repository creation template); the task definition and the service wait for it.
	CacheReady []pulumi.Resource
	// DependsOn are resources the tasks need before they start, e.g. the env file object.
	DependsOn []pulumi.Resource
	// WaitForSteadyState makes the deployment wait until the service is stable: its tasks running
	// and, with health checks, healthy. Services that others depend on (a database other tasks
	// connect to when they start) set it, so that their dependents are created after them.
	// Default false.
	WaitForSteadyState bool
}

// Read is an S3 prefix the app reads.
type Read struct {
	// BucketARN is the bucket's ARN.
	BucketARN pulumi.StringInput
	// Prefix is the key prefix, e.g. "authorities/" (ending in /).
	Prefix string
	// KMSKeyARN is the key of an SSE-KMS bucket, which the app may decrypt with through S3.
	// Default none (SSE-S3).
	KMSKeyARN string
}

// Cluster is what a service needs of its cluster.
type Cluster struct {
	Name pulumi.StringInput
	ARN  pulumi.StringInput
	// CapacityProvider is FARGATE, FARGATE_SPOT or the cluster's EC2 capacity provider.
	CapacityProvider string
	// NamespaceARN is the Service Connect namespace; nil leaves Service Connect off.
	NamespaceARN pulumi.StringInput
	// Ready is waited for before the service is created (the cluster's capacity providers).
	Ready pulumi.Resource
}

// Database is what an app may learn of a database: its login secret (JSON with "username" and
// "password", such as an RDS-managed master secret) and its connection details.
type Database struct {
	SecretARN pulumi.StringInput
	Address   pulumi.StringInput
	Port      pulumi.IntInput
	Name      pulumi.StringInput
	Username  pulumi.StringInput
	// KMSKeyARN is the customer managed key the secret is encrypted with; the execution role may
	// decrypt with it, through Secrets Manager only. Empty for the AWS managed key.
	KMSKeyARN string
}

// Volume is an EFS access point to mount.
type Volume struct {
	FileSystemID   pulumi.StringInput
	FileSystemARN  pulumi.StringInput
	AccessPointID  pulumi.StringInput
	AccessPointARN pulumi.StringInput
	// MountTargets are the file system's mount targets (filesystem.FileSystem.MountTargets): a
	// service that mounts the volume waits for them, since a task cannot mount without one in its
	// zone.
	MountTargets []pulumi.Resource
}

// Alias publishes Container:Port to the Service Connect namespace as DNSName:Port.
type Alias struct {
	Container string
	Port      int
	DNSName   string
}

// Service is an ECS service with its task definition, roles and logs.
type Service struct {
	pulumi.ResourceState

	Name              pulumi.StringOutput
	TaskDefinitionARN pulumi.StringOutput
	Family            pulumi.StringOutput
	LogGroupName      pulumi.StringOutput
	ExecutionRoleARN  pulumi.StringOutput
	TaskRoleARN       pulumi.StringOutput
	// Deployed is the ECS service resource: what must start after this service is deployed (and,
	// with WaitForSteadyState, stable) depends on it. Not on the Service component: Pulumi's Go SDK
	// attaches a component's children asynchronously, so a dependency on the component may miss
	// some of them.
	Deployed pulumi.Resource
}

// WithDefaults returns a copy of a with the documented defaults filled in, the app's included.
func (a Args) WithDefaults() Args {
	if a.LogRetentionDays == 0 {
		a.LogRetentionDays = 30
	}
	if a.HealthCheckGraceSeconds == 0 {
		a.HealthCheckGraceSeconds = 60
	}
	a.App = a.App.WithDefaults()
	return a
}

// Bounds of ECS (the ECS API reference and the AWS General Reference's ECS quotas).
const (
	// maxGraceSeconds is CreateService's bound for healthCheckGracePeriodSeconds.
	maxGraceSeconds = 2147483647
	// maxContainers is the "container definitions per task definition" quota, not adjustable.
	maxContainers = 10
	// minEC2TaskCPU and maxEC2TaskCPU bound a task's cpu on EC2 capacity (RegisterTaskDefinition).
	minEC2TaskCPU = 128
	maxEC2TaskCPU = 196608
)

// ScratchInit names the container that makes the scratch volumes writable before the app's
// containers start; the app's own containers may not use the name.
const ScratchInit = "scratch-init"

// ScratchInitImage runs ScratchInit: BusyBox (about 2 MB, chmod is all it needs), pinned, from ECR
// Public's copy of the Docker official image, so that it is pulled neither from Docker Hub (whose
// anonymous pulls are rate-limited per address) nor as a copy of the app's own, often large, image.
const ScratchInitImage = "public.ecr.aws/docker/library/busybox:1.37.0"

// Validate reports every problem with the settings, with their defaults; paths are the settings'
// names in lowerCamelCase. New checks the rest (CheckApp, inputs) as well.
func (a Args) Validate() error {
	a = a.WithDefaults()
	var errs field.Errors
	errs.Check("logRetentionDays", logs.CheckRetention(a.LogRetentionDays))
	errs.Range("healthCheckGraceSeconds", a.HealthCheckGraceSeconds, 0, maxGraceSeconds, "seconds")
	return errs.Err()
}

// CheckApp validates spec for a service on capacity with the offered volumes and databases: the
// platform-neutral rules, then ECS's own (Fargate's sizes). Paths are the spec's. An unknown
// capacity is the cluster's problem to report, not the app's.
func CheckApp(spec app.Spec, capacity string, offer app.Offer) error {
	var errs field.Errors
	errs.Merge("", spec.Validate(offer))
	switch capacity {
	case cluster.CapacityFargate, cluster.CapacityFargateSpot:
		if spec.CPU == 0 || spec.MemoryMiB == 0 {
			errs.Add("cpu", "Fargate needs the app's size: set cpu and memoryMiB, e.g. 256 and 1024")
		} else if err := FargateSize(spec.CPU, spec.MemoryMiB); err != nil {
			errs.Add("memoryMiB", "%v", err)
		}
	case cluster.CapacityEC2:
		if spec.CPU != 0 {
			errs.Range("cpu", spec.CPU, minEC2TaskCPU, maxEC2TaskCPU, "CPU units (ECS on EC2)")
		}
	}
	n := len(spec.Containers)
	if len(spec.Scratch) > 0 {
		n++
		if spec.Container(ScratchInit) != nil {
			errs.Add(field.Join("containers", ScratchInit), "%q names the container that prepares the scratch volumes: choose another name", ScratchInit)
		}
	}
	if n > maxContainers {
		errs.Add("containers", "%d containers (with the scratch volumes' init container): ECS runs at most %d per task", n, maxContainers)
	}
	return errs.Err()
}

// New creates a Service.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Service, error) {
	a := args.WithDefaults()
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("service %s: %w", name, err)
	}
	s := &Service{}
	if err := ctx.RegisterComponentResource("strata:service:Service", name, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)
	tags := pulumi.ToStringMap(a.Naming.Tags(a.Group))
	physical := a.Naming.Name(a.Group)

	env, err := lookupEnv(ctx)
	if err != nil {
		return nil, err
	}
	if a.Cache != "" {
		a.App = a.cached(env)
	}

	logs, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/ecs/" + physical),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		Tags:            tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	// ECS assumes both roles on behalf of this account only (aws:SourceAccount).
	trust := []role.Service{{Principal: role.ECSTasks}}
	exec, err := role.New(ctx, name+"-exec", &role.Args{
		Name:        physical + "-exec",
		Description: "ECS task execution role of " + physical + ": pulls images, writes logs, reads its secrets",
		Services:    trust,
		Policy:      a.executionPolicy(env, logs.Arn),
		Tags:        a.Naming.Tags(a.Group),
	}, parent)
	if err != nil {
		return nil, err
	}
	task, err := role.New(ctx, name+"-task", &role.Args{
		Name:        physical + "-task",
		Description: "ECS task role of " + physical + ": what the app itself may touch",
		Services:    trust,
		Policy:      a.taskPolicy(env),
		Attach:      a.Attach,
		Tags:        a.Naming.Tags(a.Group),
	}, parent)
	if err != nil {
		return nil, err
	}

	databases := pulumi.Map{}
	for k, d := range a.Databases {
		databases[k] = pulumi.Map{
			"secretArn":      d.SecretARN,
			app.AttrAddress:  d.Address,
			app.AttrPort:     d.Port,
			app.AttrName:     d.Name,
			app.AttrUsername: d.Username,
		}
	}
	definitions := pulumi.All(logs.Name, databases).ApplyT(func(v []any) (string, error) {
		return a.containerDefinitions(env, v[0].(string), v[1].(map[string]any))
	}).(pulumi.StringOutput)

	compatibility := "FARGATE"
	if a.Capacity == cluster.CapacityEC2 {
		compatibility = "EC2"
	}
	taskDef, err := ecs.NewTaskDefinition(ctx, name, &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(physical),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String(compatibility)},
		Cpu:                     optionalSize(a.App.CPU),
		Memory:                  optionalSize(a.App.MemoryMiB),
		ExecutionRoleArn:        exec.ARN,
		TaskRoleArn:             task.ARN,
		ContainerDefinitions:    definitions,
		Volumes:                 a.volumes(),
		Tags:                    tags,
	}, append([]pulumi.ResourceOption{parent}, a.cacheReady()...)...)
	if err != nil {
		return nil, err
	}

	svcArgs := &ecs.ServiceArgs{
		Name:           pulumi.String(physical),
		Cluster:        a.Cluster.ARN,
		TaskDefinition: taskDef.Arn,
		DesiredCount:   pulumi.Int(a.App.Scaling.Min),
		CapacityProviderStrategies: ecs.ServiceCapacityProviderStrategyArray{
			&ecs.ServiceCapacityProviderStrategyArgs{CapacityProvider: pulumi.String(a.Cluster.CapacityProvider), Weight: pulumi.Int(1)},
		},
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        a.SubnetIDs,
			SecurityGroups: a.SecurityGroupIDs,
			AssignPublicIp: pulumi.Bool(false),
		},
		DeploymentCircuitBreaker: &ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
		EnableExecuteCommand:     pulumi.Bool(a.Exec),
		EnableEcsManagedTags:     pulumi.Bool(true),
		PropagateTags:            pulumi.String("SERVICE"),
		Tags:                     tags,
	}
	if a.WaitForSteadyState {
		svcArgs.WaitForSteadyState = pulumi.Bool(true)
	}
	if a.Singleton {
		// Stop the old task before starting its successor.
		svcArgs.DeploymentMinimumHealthyPercent = pulumi.Int(0)
		svcArgs.DeploymentMaximumPercent = pulumi.Int(100)
	}
	if a.TargetGroupARN != nil {
		svcArgs.LoadBalancers = ecs.ServiceLoadBalancerArray{&ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: a.TargetGroupARN,
			ContainerName:  pulumi.String(a.App.Endpoint.Container),
			ContainerPort:  pulumi.Int(a.App.Endpoint.Port),
		}}
		svcArgs.HealthCheckGracePeriodSeconds = pulumi.Int(a.HealthCheckGraceSeconds)
	}
	if a.Cluster.NamespaceARN != nil {
		var published ecs.ServiceServiceConnectConfigurationServiceArray
		for _, p := range a.Publish {
			published = append(published, &ecs.ServiceServiceConnectConfigurationServiceArgs{
				PortName:      pulumi.String(portName(p.Container, p.Port)),
				DiscoveryName: pulumi.String(p.DNSName),
				ClientAlias: ecs.ServiceServiceConnectConfigurationServiceClientAliasArray{
					&ecs.ServiceServiceConnectConfigurationServiceClientAliasArgs{DnsName: pulumi.String(p.DNSName), Port: pulumi.Int(p.Port)},
				},
			})
		}
		svcArgs.ServiceConnectConfiguration = &ecs.ServiceServiceConnectConfigurationArgs{
			Enabled:   pulumi.Bool(true),
			Namespace: a.Cluster.NamespaceARN,
			Services:  published,
		}
	}
	svcOpts := []pulumi.ResourceOption{parent}
	needs := slices.Clone(a.DependsOn)
	if a.Cluster.Ready != nil {
		needs = append(needs, a.Cluster.Ready)
	}
	needs = append(needs, a.CacheReady...)
	for _, k := range a.mountedVolumes() {
		needs = append(needs, a.Volumes[k].MountTargets...)
	}
	if len(needs) > 0 {
		svcOpts = append(svcOpts, pulumi.DependsOn(needs))
	}
	scales := a.App.Scaling.Max > a.App.Scaling.Min
	if scales {
		// The autoscaler owns the task count once it may change it.
		svcOpts = append(svcOpts, pulumi.IgnoreChanges([]string{"desiredCount"}))
	}
	svc, err := ecs.NewService(ctx, name, svcArgs, svcOpts...)
	if err != nil {
		return nil, err
	}

	if scales {
		target, err := appautoscaling.NewTarget(ctx, name, &appautoscaling.TargetArgs{
			ServiceNamespace:  pulumi.String("ecs"),
			ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
			ResourceId:        pulumi.Sprintf("service/%s/%s", a.Cluster.Name, svc.Name),
			MinCapacity:       pulumi.Int(a.App.Scaling.Min),
			MaxCapacity:       pulumi.Int(a.App.Scaling.Max),
			Tags:              tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := appautoscaling.NewPolicy(ctx, name+"-cpu", &appautoscaling.PolicyArgs{
			Name:              pulumi.String(physical + "-cpu"),
			PolicyType:        pulumi.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace,
			ScalableDimension: target.ScalableDimension,
			ResourceId:        target.ResourceId,
			TargetTrackingScalingPolicyConfiguration: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
				TargetValue: pulumi.Float64(float64(a.App.Scaling.CPUTargetPercent)),
				PredefinedMetricSpecification: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
					PredefinedMetricType: pulumi.String("ECSServiceAverageCPUUtilization"),
				},
			},
		}, parent); err != nil {
			return nil, err
		}
	}

	s.Name, s.TaskDefinitionARN, s.Family, s.Deployed = svc.Name, taskDef.Arn, taskDef.Family, svc
	s.LogGroupName, s.ExecutionRoleARN, s.TaskRoleARN = logs.Name, exec.ARN, task.ARN
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{
		"name":              s.Name,
		"taskDefinitionArn": s.TaskDefinitionARN,
		"logGroupName":      s.LogGroupName,
	}); err != nil {
		return nil, err
	}
	return s, nil
}

// check runs every validation New needs.
func (a Args) check() error {
	var errs field.Errors
	errs.Merge("naming", a.Naming.Validate())
	errs.Merge("", a.Validate())
	errs.OneOf("capacity", a.Capacity, cluster.CapacityFargate, cluster.CapacityFargateSpot, cluster.CapacityEC2)
	errs.Merge("app", CheckApp(a.App, a.Capacity, app.Offer{
		Volumes:   slices.Sorted(maps.Keys(a.Volumes)),
		Databases: slices.Sorted(maps.Keys(a.Databases)),
	}))
	errs.Check("group", naming.Identifier(a.Group, 24))
	errs.Check("group", naming.RoleName(a.Naming.Name(a.Group)+"-exec"))
	if a.Cluster.ARN == nil || a.Cluster.Name == nil || a.Cluster.CapacityProvider == "" {
		errs.Add("cluster", "is required: name the cluster's ARN, name and capacity provider")
	}
	if len(a.SubnetIDs) == 0 {
		errs.Add("subnetIds", "is required: tasks run in private subnets")
	}
	if len(a.SecurityGroupIDs) == 0 {
		errs.Add("securityGroupIds", "is required: tasks need a security group")
	}
	for _, k := range slices.Sorted(maps.Keys(a.Volumes)) {
		v := a.Volumes[k]
		if v.FileSystemID == nil || v.FileSystemARN == nil || v.AccessPointID == nil || v.AccessPointARN == nil {
			errs.Add(field.Join("volumes", k), "needs the file system's and access point's id and ARN")
		}
	}
	if a.TargetGroupARN != nil && a.App.Endpoint == nil {
		errs.Add("targetGroupArn", "a load balancer needs the app's endpoint")
	}
	if a.Cache != "" {
		errs.Check("cache", registry.CheckPrefix(a.Cache))
	}
	for i, r := range a.Reads {
		p := field.Index("reads", i)
		if r.BucketARN == nil {
			errs.Add(field.Join(p, "bucketArn"), "is required: name the bucket the app reads")
		}
		if r.Prefix == "" || !strings.HasSuffix(r.Prefix, "/") || strings.HasPrefix(r.Prefix, "/") {
			errs.Add(field.Join(p, "prefix"), "%q is not a key prefix: use one like authorities/, without a leading slash and ending in one", r.Prefix)
		}
	}
	if a.Singleton && a.App.Scaling.Max > 1 {
		errs.Add("singleton", "a singleton runs one task: the app's scaling allows %d", a.App.Scaling.Max)
	}
	for i, p := range a.Publish {
		c := a.App.Container(p.Container)
		if c == nil || !slices.Contains(c.Ports, p.Port) {
			errs.Add(field.Index("publish", i), "container %q does not expose port %d", p.Container, p.Port)
		}
		if a.Cluster.NamespaceARN == nil {
			errs.Add(field.Index("publish", i), "publishing needs the cluster's Service Connect namespace")
		}
		errs.Check(field.Join(field.Index("publish", i), "dnsName"), naming.Identifier(p.DNSName, 63))
	}
	return errs.Err()
}

// env is where the service runs, for building ARNs of resources referenced by name.
type env struct{ partition, region, account, dnsSuffix string }

func lookupEnv(ctx *pulumi.Context) (env, error) {
	part, err := aws.GetPartition(ctx, nil)
	if err != nil {
		return env{}, err
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return env{}, err
	}
	id, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return env{}, err
	}
	return env{partition: part.Partition, region: region.Name, account: id.AccountId, dnsSuffix: part.DnsSuffix}, nil
}

// executionPolicy grants exactly what ECS needs to start the containers: their private images,
// their log streams, the secrets and parameters they reference, and their env files.
func (a Args) executionPolicy(e env, logGroupARN pulumi.StringOutput) pulumi.StringOutput {
	var repos, imports, secrets, params, objects, buckets, keys []string
	for _, c := range a.App.Containers {
		if r, ok := app.ECR(c.Image); ok {
			arn := fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s", e.partition, r.Region, r.Account, r.Name)
			repos = append(repos, arn)
			if a.Cache != "" && strings.HasPrefix(r.Name, a.Cache+"/") {
				imports = append(imports, arn)
			}
		}
		for _, s := range c.Secrets {
			switch {
			case s.SecretsManager != "" && strings.HasPrefix(s.SecretsManager, "arn:"):
				secrets = append(secrets, s.SecretsManager)
			case s.SecretsManager != "":
				// Secrets Manager appends six random characters to a secret's name in its ARN.
				secrets = append(secrets, fmt.Sprintf("arn:%s:secretsmanager:%s:%s:secret:%s-??????", e.partition, e.region, e.account, s.SecretsManager))
			case strings.HasPrefix(s.SSMParameter, "arn:"):
				params = append(params, s.SSMParameter)
			case s.SSMParameter != "":
				params = append(params, fmt.Sprintf("arn:%s:ssm:%s:%s:parameter%s", e.partition, e.region, e.account, s.SSMParameter))
			}
		}
		for _, f := range c.EnvFiles {
			bucket, key, _ := strings.Cut(strings.TrimPrefix(f, "s3://"), "/")
			objects = append(objects, fmt.Sprintf("arn:%s:s3:::%s/%s", e.partition, bucket, key))
			buckets = append(buckets, fmt.Sprintf("arn:%s:s3:::%s", e.partition, bucket))
		}
	}
	dbSecrets := pulumi.StringArray{}
	for _, k := range slices.Sorted(maps.Keys(a.Databases)) {
		if a.usesDatabase(k) {
			dbSecrets = append(dbSecrets, a.Databases[k].SecretARN)
			if key := a.Databases[k].KMSKeyARN; key != "" {
				keys = append(keys, key)
			}
		}
	}
	return pulumi.All(logGroupARN, dbSecrets).ApplyT(func(v []any) (string, error) {
		statements := []policy.Statement{
			policy.Allow("Logs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, v[0].(string)+":log-stream:*"),
		}
		if len(repos) > 0 {
			// GetAuthorizationToken cannot be scoped to a repository.
			statements = append(statements,
				policy.Allow("RegistryLogin", []string{"ecr:GetAuthorizationToken"}, "*"),
				policy.Allow("PullImages", []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, unique(repos)...))
		}
		if len(imports) > 0 {
			// The first pull of a cached image creates its repository and imports it from upstream.
			statements = append(statements, policy.Allow("CacheImport", []string{"ecr:BatchImportUpstreamImage", "ecr:CreateRepository"}, unique(imports)...))
		}
		if all := unique(append(secrets, v[1].([]string)...)); len(all) > 0 {
			statements = append(statements, policy.Allow("Secrets", []string{"secretsmanager:GetSecretValue"}, all...))
		}
		if len(keys) > 0 {
			// A database secret under a customer managed key: decrypt it, and only through Secrets
			// Manager, which is how ECS reads it.
			s := policy.Allow("SecretsKey", []string{"kms:Decrypt"}, unique(keys)...)
			s.Condition = policy.Condition{"StringEquals": {"kms:ViaService": "secretsmanager." + e.region + ".amazonaws.com"}}
			statements = append(statements, s)
		}
		if len(params) > 0 {
			statements = append(statements, policy.Allow("Parameters", []string{"ssm:GetParameters"}, unique(params)...))
		}
		if len(objects) > 0 {
			statements = append(statements,
				policy.Allow("EnvFiles", []string{"s3:GetObject"}, unique(objects)...),
				policy.Allow("EnvFileBuckets", []string{"s3:GetBucketLocation"}, unique(buckets)...))
		}
		return policy.New(statements...).JSON()
	}).(pulumi.StringOutput)
}

// taskPolicy grants the app its EFS access points (only through the access point, writing only
// where a mount is writable), the S3 prefixes it reads and ECS Exec's channels; nil when the app
// needs none of them.
func (a Args) taskPolicy(e env) pulumi.StringInput {
	names := a.mountedVolumes()
	if len(names) == 0 && len(a.Reads) == 0 && !a.Exec {
		return nil
	}
	inputs := pulumi.Array{}
	for _, k := range names {
		inputs = append(inputs, a.Volumes[k].FileSystemARN, a.Volumes[k].AccessPointARN)
	}
	for _, r := range a.Reads {
		inputs = append(inputs, r.BucketARN)
	}
	return inputs.ToArrayOutput().ApplyT(func(v []any) (string, error) {
		var statements []policy.Statement
		for i, k := range names {
			statements = append(statements, filesystem.ClientAccess("Mount"+sid(k), v[2*i].(string), v[2*i+1].(string), a.writes(k)))
		}
		for i, r := range a.Reads {
			bucket := v[2*len(names)+i].(string)
			n := strconv.Itoa(i)
			list := policy.Allow("ListPrefix"+n, []string{"s3:ListBucket"}, bucket)
			list.Condition = policy.Condition{"StringLike": {"s3:prefix": []string{r.Prefix, r.Prefix + "*"}}}
			statements = append(statements, list, policy.Allow("ReadPrefix"+n, []string{"s3:GetObject"}, policy.Objects(bucket, r.Prefix)))
			if r.KMSKeyARN != "" {
				key := policy.Allow("PrefixKey"+n, []string{"kms:Decrypt"}, r.KMSKeyARN)
				key.Condition = policy.Condition{"StringEquals": {"kms:ViaService": "s3." + e.region + ".amazonaws.com"}}
				statements = append(statements, key)
			}
		}
		if a.Exec {
			// The SSM message channels of ECS Exec cannot be scoped to a resource.
			statements = append(statements, policy.Allow("ExecChannels", []string{
				"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
				"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
			}, "*"))
		}
		return policy.New(statements...).JSON()
	}).(pulumi.StringOutput)
}

// mountedVolumes lists, sorted, the platform's volumes (not the scratch ones) some container
// mounts.
func (a Args) mountedVolumes() []string {
	var out []string
	for _, c := range a.App.Containers {
		for _, m := range c.Mounts {
			if !slices.Contains(a.App.Scratch, m.Volume) {
				out = append(out, m.Volume)
			}
		}
	}
	return unique(out)
}

func (a Args) writes(volume string) bool {
	for _, c := range a.App.Containers {
		for _, m := range c.Mounts {
			if m.Volume == volume && !m.ReadOnly {
				return true
			}
		}
	}
	return false
}

func (a Args) usesDatabase(name string) bool {
	for _, c := range a.App.Containers {
		for _, s := range c.Secrets {
			if s.Database == name {
				return true
			}
		}
	}
	return false
}

func (a Args) volumes() ecs.TaskDefinitionVolumeArray {
	var out ecs.TaskDefinitionVolumeArray
	for _, k := range a.App.Scratch {
		// A volume without a source is a bind mount on the task's own storage (Fargate's ephemeral
		// storage, a directory of the EC2 host), empty at start and removed with the task.
		out = append(out, &ecs.TaskDefinitionVolumeArgs{Name: pulumi.String(k)})
	}
	for _, k := range a.mountedVolumes() {
		if slices.Contains(a.App.Scratch, k) {
			continue
		}
		v := a.Volumes[k]
		out = append(out, &ecs.TaskDefinitionVolumeArgs{
			Name: pulumi.String(k),
			EfsVolumeConfiguration: &ecs.TaskDefinitionVolumeEfsVolumeConfigurationArgs{
				FileSystemId:      v.FileSystemID,
				TransitEncryption: pulumi.String("ENABLED"),
				AuthorizationConfig: &ecs.TaskDefinitionVolumeEfsVolumeConfigurationAuthorizationConfigArgs{
					AccessPointId: v.AccessPointID,
					Iam:           pulumi.String("ENABLED"),
				},
			},
		})
	}
	return out
}

// containerDefinition is the JSON shape ECS takes; only the fields strata sets.
type containerDefinition struct {
	Name                   string           `json:"name"`
	Image                  string           `json:"image"`
	Essential              bool             `json:"essential"`
	EntryPoint             []string         `json:"entryPoint,omitempty"`
	Command                []string         `json:"command,omitempty"`
	User                   string           `json:"user,omitempty"`
	PortMappings           []portMapping    `json:"portMappings,omitempty"`
	Environment            []nameValue      `json:"environment,omitempty"`
	Secrets                []nameValueFrom  `json:"secrets,omitempty"`
	EnvironmentFiles       []envFile        `json:"environmentFiles,omitempty"`
	MountPoints            []mountPoint     `json:"mountPoints,omitempty"`
	HealthCheck            *healthCheck     `json:"healthCheck,omitempty"`
	DependsOn              []dependency     `json:"dependsOn,omitempty"`
	CPU                    int              `json:"cpu,omitempty"`
	MemoryReservation      int              `json:"memoryReservation,omitempty"`
	ReadonlyRootFilesystem bool             `json:"readonlyRootFilesystem"`
	Privileged             bool             `json:"privileged"`
	LinuxParameters        *linuxParameters `json:"linuxParameters,omitempty"`
	LogConfiguration       logConfiguration `json:"logConfiguration"`
}

type portMapping struct {
	Name          string `json:"name"`
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"`
}

type nameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type nameValueFrom struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

type envFile struct {
	Value string `json:"value"`
	Type  string `json:"type"`
}

type mountPoint struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

type healthCheck struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval"`
	Timeout     int      `json:"timeout"`
	Retries     int      `json:"retries"`
	StartPeriod int      `json:"startPeriod"`
}

type dependency struct {
	ContainerName string `json:"containerName"`
	Condition     string `json:"condition"`
}

type linuxParameters struct {
	InitProcessEnabled bool `json:"initProcessEnabled"`
}

type logConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

// scratchPath is where the scratch init container mounts a scratch volume.
func scratchPath(volume string) string { return "/scratch/" + volume }

// scratchInit is the container that makes the scratch volumes writable by every user (mode 1777,
// sticky like /tmp): ECS creates them owned by root with mode 0755, which an image that switches
// to another user (nginx, MariaDB's mysqld) could not write. It runs ScratchInitImage, as root,
// with chmod as its entry point, then exits; the containers that mount a scratch volume wait for
// its success. nil without scratch volumes.
func (a Args) scratchInit(logs logConfiguration) *containerDefinition {
	if len(a.App.Scratch) == 0 {
		return nil
	}
	d := &containerDefinition{
		Name:                   ScratchInit,
		Image:                  ScratchInitImage,
		EntryPoint:             []string{"chmod"},
		Command:                []string{"1777"},
		User:                   "0",
		ReadonlyRootFilesystem: true,
		LogConfiguration:       logs,
	}
	for _, v := range a.App.Scratch {
		d.Command = append(d.Command, scratchPath(v))
		d.MountPoints = append(d.MountPoints, mountPoint{SourceVolume: v, ContainerPath: scratchPath(v)})
	}
	return d
}

func (a Args) mountsScratch(c app.Container) bool {
	return slices.ContainsFunc(c.Mounts, func(m app.Mount) bool { return slices.Contains(a.App.Scratch, m.Volume) })
}

// containerDefinitions renders the app's containers for ECS.
func (a Args) containerDefinitions(e env, logGroup string, databases map[string]any) (string, error) {
	logs := func(stream string) logConfiguration {
		return logConfiguration{LogDriver: "awslogs", Options: map[string]string{
			"awslogs-group": logGroup, "awslogs-region": e.region, "awslogs-stream-prefix": stream,
		}}
	}
	defs := make([]containerDefinition, 0, len(a.App.Containers)+1)
	init := a.scratchInit(logs(ScratchInit))
	if init != nil {
		defs = append(defs, *init)
	}
	for _, c := range a.App.Containers {
		d := containerDefinition{
			Name:                   c.Name,
			Image:                  c.Image,
			Essential:              c.IsEssential(),
			EntryPoint:             c.EntryPoint,
			Command:                c.Command,
			CPU:                    c.CPU,
			MemoryReservation:      c.MemoryMiB,
			ReadonlyRootFilesystem: c.IsReadonlyRoot(),
			LogConfiguration:       logs(c.Name),
		}
		if a.Exec {
			// ECS Exec needs an init process in the container.
			d.LinuxParameters = &linuxParameters{InitProcessEnabled: true}
		}
		for _, p := range c.Ports {
			d.PortMappings = append(d.PortMappings, portMapping{Name: portName(c.Name, p), ContainerPort: p, Protocol: "tcp"})
		}
		vars := maps.Clone(c.Environment)
		for k, ref := range c.DatabaseEnv {
			if vars == nil {
				vars = map[string]string{}
			}
			db, _ := databases[ref.Database].(map[string]any)
			vars[k] = fmt.Sprint(db[ref.Attribute])
		}
		for _, k := range slices.Sorted(maps.Keys(vars)) {
			d.Environment = append(d.Environment, nameValue{Name: k, Value: vars[k]})
		}
		for _, k := range slices.Sorted(maps.Keys(c.Secrets)) {
			from, err := valueFrom(c.Secrets[k], databases)
			if err != nil {
				return "", fmt.Errorf("container %s secret %s: %w", c.Name, k, err)
			}
			d.Secrets = append(d.Secrets, nameValueFrom{Name: k, ValueFrom: from})
		}
		for _, f := range c.EnvFiles {
			d.EnvironmentFiles = append(d.EnvironmentFiles, envFile{Value: "arn:" + e.partition + ":s3:::" + strings.TrimPrefix(f, "s3://"), Type: "s3"})
		}
		for _, m := range c.Mounts {
			d.MountPoints = append(d.MountPoints, mountPoint{SourceVolume: m.Volume, ContainerPath: m.Path, ReadOnly: m.ReadOnly})
		}
		if hc := c.HealthCheck; hc != nil {
			d.HealthCheck = &healthCheck{Command: hc.Command, Interval: hc.IntervalSeconds, Timeout: hc.TimeoutSeconds,
				Retries: hc.Retries, StartPeriod: hc.StartPeriodSeconds}
		}
		for _, dep := range c.DependsOn {
			d.DependsOn = append(d.DependsOn, dependency{ContainerName: dep.Container, Condition: dep.Condition})
		}
		if init != nil && a.mountsScratch(c) {
			d.DependsOn = append(d.DependsOn, dependency{ContainerName: ScratchInit, Condition: "SUCCESS"})
		}
		defs = append(defs, d)
	}
	b, err := json.Marshal(defs)
	return string(b), err
}

// cacheReady is the option that makes a resource wait for the cache rule, if any.
func (a Args) cacheReady() []pulumi.ResourceOption {
	if len(a.CacheReady) == 0 {
		return nil
	}
	return []pulumi.ResourceOption{pulumi.DependsOn(a.CacheReady)}
}

// cached returns the app with its Docker Hub images pulled through the cache.
func (a Args) cached(e env) app.Spec {
	spec := a.App.Clone()
	for i := range spec.Containers {
		c := &spec.Containers[i]
		c.Image = registry.Image(c.Image, a.Cache, e.account, e.region, e.dnsSuffix)
	}
	return spec
}

// valueFrom renders a secret reference the way ECS resolves it: a JSON key of a Secrets Manager
// secret is selected with "<arn>:<key>::".
func valueFrom(s app.Secret, databases map[string]any) (string, error) {
	switch {
	case s.Database != "":
		db, _ := databases[s.Database].(map[string]any)
		arn, ok := db["secretArn"].(string)
		if !ok {
			return "", errors.New("no such database: " + s.Database)
		}
		return arn + ":" + s.Key + "::", nil
	case s.SecretsManager != "" && s.Key != "":
		return s.SecretsManager + ":" + s.Key + "::", nil
	case s.SecretsManager != "":
		return s.SecretsManager, nil
	}
	return s.SSMParameter, nil
}

func portName(container string, port int) string { return container + "-" + strconv.Itoa(port) }

func optionalSize(v int) pulumi.StringPtrInput {
	if v == 0 {
		return nil
	}
	return pulumi.String(strconv.Itoa(v))
}

// sid turns a volume name into a policy statement id (alphanumeric).
func sid(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func unique(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}
