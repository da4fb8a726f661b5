package check

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

const (
	clusterType          = "aws:ecs/cluster:Cluster"
	taskDefType          = "aws:ecs/taskDefinition:TaskDefinition"
	capacityProviderType = "aws:ecs/capacityProvider:CapacityProvider"
	clusterProvidersType = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
	ecsAPI               = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/"
	containerDoc         = ecsAPI + "API_ContainerDefinition.html"
	taskSizeDoc          = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_size"
)

// ecsName is what cluster, service, family, container and volume names allow: up to 255 letters,
// digits, underscores and hyphens.
const ecsName = `[a-zA-Z0-9_-]+`

// cd prefixes a container definition member.
func cd(path string) string { return "containerDefinitions[*]." + path }

// fargateMemory lists the task memory (MiB) each Fargate task CPU value (units) allows.
var fargateMemory = map[int][]int{
	256:   {512, 1024, 2048},
	512:   steps(1024, 4096, 1024),
	1024:  steps(2048, 8192, 1024),
	2048:  steps(4096, 16384, 1024),
	4096:  steps(8192, 30720, 1024),
	8192:  steps(16384, 61440, 4096),
	16384: steps(32768, 122880, 8192),
}

func steps(from, to, step int) []int {
	var out []int
	for v := from; v <= to; v += step {
		out = append(out, v)
	}
	return out
}

var (
	vcpu = regexp.MustCompile(`(?i)\A\s*([0-9.]+)\s*vcpu\s*\z`)
	gb   = regexp.MustCompile(`(?i)\A\s*([0-9.]+)\s*gb\s*\z`)
)

// taskUnits reads a task's cpu (units, or "N vCPU") or memory (MiB, or "N GB").
func taskUnits(v any, suffix *regexp.Regexp) (int, bool) {
	s, ok := text(v)
	if !ok {
		if f, isNum := v.(float64); isNum {
			return int(f), true
		}
		return 0, false
	}
	if m := suffix.FindStringSubmatch(s); m != nil {
		f, err := strconv.ParseFloat(m[1], 64)
		return int(f * 1024), err == nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}

func fargate(r *Resource) bool {
	list, _ := r.Inputs["requiresCompatibilities"].([]any)
	return slices.Contains(list, any("FARGATE"))
}

// containers returns the decoded container definitions with their paths.
func containers(r *Resource) []statement {
	var out []statement
	list, _ := r.Inputs["containerDefinitions"].([]any)
	for i, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, statement{fmt.Sprintf("containerDefinitions[%d]", i), m})
		}
	}
	return out
}

func containerRule(id, source string, paths []string, check func(c statement, r *Resource, report Reporter)) Rule {
	return Rule{ID: id, Types: []string{taskDefType}, Paths: paths, Source: source, Check: func(r *Resource, report Reporter) {
		for _, c := range containers(r) {
			check(c, r, report)
		}
	}}
}

var (
	imageName   = re(`[A-Za-z0-9\-_:./#]{1,255}`)
	imageDigest = re(`sha256:[A-Fa-f0-9]{64}`)
)

// strategyRule checks a capacity provider strategy: at most one base, and a weight above zero
// when several providers share it.
func strategyRule(id string, check func(items []statement, report Reporter)) Rule {
	lists := map[string]string{ecsServiceType: "capacityProviderStrategies", clusterProvidersType: "defaultCapacityProviderStrategies"}
	return Rule{
		ID: id, Types: []string{ecsServiceType, clusterProvidersType},
		Paths:  []string{"capacityProviderStrategies[*].base", "defaultCapacityProviderStrategies[*].base", "capacityProviderStrategies[*].weight", "defaultCapacityProviderStrategies[*].weight"},
		Source: ecsAPI + "API_CapacityProviderStrategyItem.html",
		Check: func(r *Resource, report Reporter) {
			key := lists[r.Type]
			list, _ := r.Inputs[key].([]any)
			var items []statement
			for i, e := range list {
				if m, ok := e.(map[string]any); ok {
					items = append(items, statement{fmt.Sprintf("%s[%d]", key, i), m})
				}
			}
			check(items, report)
		},
	}
}

var ecs = set{
	json: []JSONInput{{ID: "ecs.taskdefinition.containerdefinitions", Type: taskDefType, Path: "containerDefinitions", Source: containerDoc}},
	limits: []Limit{
		{ID: "ecs.cluster.name", Type: clusterType, Path: "name", Len: &Range{1, 255}, Pattern: ecsName, Allowed: "1 to 255 letters, digits, underscores and hyphens", Source: ecsAPI + "API_CreateCluster.html"},
		{ID: "ecs.cluster.setting.value", Type: clusterType, Path: "settings[*].value", Enum: []string{"enhanced", "enabled", "disabled"}, Source: ecsAPI + "API_ClusterSetting.html"},
		{ID: "ecs.service.name", Type: ecsServiceType, Path: "name", Len: &Range{1, 255}, Pattern: ecsName, Allowed: "1 to 255 letters, digits, underscores and hyphens", Source: ecsAPI + "API_CreateService.html"},
		{ID: "ecs.service.subnets", Type: ecsServiceType, Path: "networkConfiguration.subnets", Len: &Range{0, 16}, Source: ecsAPI + "API_AwsVpcConfiguration.html"},
		{ID: "ecs.service.securitygroups", Type: ecsServiceType, Path: "networkConfiguration.securityGroups", Len: &Range{0, 5}, Source: ecsAPI + "API_AwsVpcConfiguration.html"},
		{ID: "ecs.service.serviceconnect.discoveryname", Type: ecsServiceType, Path: "serviceConnectConfiguration.services[*].discoveryName",
			Len: &Range{1, 64}, Pattern: `[a-z0-9_][a-z0-9_-]*`, Allowed: "up to 64 lowercase letters, digits, underscores and hyphens, not starting with a hyphen",
			Source: ecsAPI + "API_ServiceConnectService.html"},
		{ID: "ecs.service.serviceconnect.dnsname", Type: ecsServiceType, Path: "serviceConnectConfiguration.services[*].clientAlias[*].dnsName",
			Len: &Range{1, 127}, Pattern: `[a-z0-9_.][a-z0-9_.-]*`, Allowed: "up to 127 lowercase letters, digits, underscores, hyphens and periods, not starting with a hyphen",
			Source: ecsAPI + "API_ServiceConnectClientAlias.html"},
		{ID: "ecs.capacityprovider.name", Type: capacityProviderType, Path: "name", Len: &Range{1, 255}, Pattern: ecsName, Reject: `^(aws|ecs|fargate)`,
			Allowed: "1 to 255 letters, digits, underscores and hyphens, not starting with aws, ecs or fargate", Source: ecsAPI + "API_CreateCapacityProvider.html"},
		{ID: "ecs.taskdefinition.family", Type: taskDefType, Path: "family", Len: &Range{1, 255}, Pattern: ecsName, Allowed: "1 to 255 letters, digits, underscores and hyphens", Source: ecsAPI + "API_RegisterTaskDefinition.html"},
		{ID: "ecs.taskdefinition.volume.name", Type: taskDefType, Path: "volumes[*].name", Len: &Range{1, 255}, Pattern: ecsName, Allowed: "1 to 255 letters, digits, underscores and hyphens", Source: ecsAPI + "API_Volume.html"},
		{ID: "ecs.taskdefinition.ephemeralstorage", Type: taskDefType, Path: "ephemeralStorage.sizeInGib", Num: &Range{21, 200}, Allowed: "21 to 200 GiB", Source: ecsAPI + "API_EphemeralStorage.html"},
		{ID: "ecs.container.name", Type: taskDefType, Path: cd("name"), Len: &Range{1, 255}, Pattern: ecsName, Allowed: "1 to 255 letters, digits, underscores and hyphens", Source: containerDoc},
		{ID: "ecs.container.portmapping.name", Type: taskDefType, Path: cd("portMappings[*].name"), Len: &Range{1, 64}, Pattern: `[a-z0-9_][a-z0-9_-]*`,
			Allowed: "up to 64 lowercase letters, digits, underscores and hyphens, not starting with a hyphen", Source: ecsAPI + "API_PortMapping.html"},
		{ID: "ecs.container.healthcheck.interval", Type: taskDefType, Path: cd("healthCheck.interval"), Num: &Range{5, 300}, Allowed: "5 to 300 seconds", Source: ecsAPI + "API_HealthCheck.html"},
		{ID: "ecs.container.healthcheck.timeout", Type: taskDefType, Path: cd("healthCheck.timeout"), Num: &Range{2, 60}, Allowed: "2 to 60 seconds", Source: ecsAPI + "API_HealthCheck.html"},
		{ID: "ecs.container.healthcheck.retries", Type: taskDefType, Path: cd("healthCheck.retries"), Num: &Range{1, 10}, Source: ecsAPI + "API_HealthCheck.html"},
		{ID: "ecs.container.healthcheck.startperiod", Type: taskDefType, Path: cd("healthCheck.startPeriod"), Num: &Range{0, 300}, Allowed: "0 to 300 seconds", Source: ecsAPI + "API_HealthCheck.html"},
		{ID: "ecs.container.memory", Type: taskDefType, Path: cd("memory"), Num: &Range{6, NoMax}, Allowed: "at least 6 MiB", Source: containerDoc},
		{ID: "ecs.container.memoryreservation", Type: taskDefType, Path: cd("memoryReservation"), Num: &Range{6, NoMax}, Allowed: "at least 6 MiB", Source: containerDoc},
	},
	rules: []Rule{
		containerRule("ecs.container.image", containerDoc, []string{cd("image")}, func(c statement, _ *Resource, report Reporter) {
			image, ok := text(c.body["image"])
			if !ok {
				return
			}
			name, digest, hasDigest := strings.Cut(image, "@")
			if !imageName.MatchString(name) || (hasDigest && !imageDigest.MatchString(digest)) {
				report(c.path+".image", image, "up to 255 letters, digits, - _ : . / # before an optional @sha256:<64 hex digits>")
			}
		}),
		containerRule("ecs.container.healthcheck.command", ecsAPI+"API_HealthCheck.html", []string{cd("healthCheck.command[*]")}, func(c statement, _ *Resource, report Reporter) {
			hc, _ := c.body["healthCheck"].(map[string]any)
			if hc == nil {
				return
			}
			cmd, _ := hc["command"].([]any)
			if len(cmd) == 0 || (cmd[0] != "CMD" && cmd[0] != "CMD-SHELL") {
				report(c.path+".healthCheck.command", hc["command"], "a command starting with CMD or CMD-SHELL")
			}
		}),
		containerRule("ecs.container.memory.reservation", containerDoc, nil, func(c statement, _ *Resource, report Reporter) {
			mem, ok1 := c.body["memory"].(float64)
			res, ok2 := c.body["memoryReservation"].(float64)
			if ok1 && ok2 && mem <= res {
				report(c.path+".memory", mem, fmt.Sprintf("more than memoryReservation (%s MiB)", num(res)))
			}
		}),
		containerRule("ecs.container.mountpoint.sourcevolume", ecsAPI+"API_MountPoint.html", []string{cd("mountPoints[*].sourceVolume")}, func(c statement, r *Resource, report Reporter) {
			var volumes []any
			r.Each("volumes[*].name", func(_ string, v any) { volumes = append(volumes, v) })
			mounts, _ := c.body["mountPoints"].([]any)
			for i, m := range mounts {
				mp, _ := m.(map[string]any)
				if v, ok := text(mp["sourceVolume"]); ok && !slices.Contains(volumes, any(v)) {
					report(fmt.Sprintf("%s.mountPoints[%d].sourceVolume", c.path, i), v, "the name of one of the task definition's volumes")
				}
			}
		}),
		containerRule("ecs.container.logconfiguration.awslogs", ecsAPI+"API_LogConfiguration.html", nil, func(c statement, r *Resource, report Reporter) {
			lc, _ := c.body["logConfiguration"].(map[string]any)
			if lc == nil || lc["logDriver"] != "awslogs" {
				return
			}
			opts, _ := lc["options"].(map[string]any)
			need := []string{"awslogs-group", "awslogs-region"}
			if fargate(r) {
				need = append(need, "awslogs-stream-prefix")
			}
			for _, k := range need {
				if opts[k] == nil {
					report(c.path+".logConfiguration.options", k, "the awslogs options awslogs-group, awslogs-region and, on Fargate, awslogs-stream-prefix")
				}
			}
		}),
		{
			ID: "ecs.taskdefinition.essential", Types: []string{taskDefType}, Paths: []string{cd("essential")}, Source: containerDoc,
			Check: func(r *Resource, report Reporter) {
				cs := containers(r)
				for _, c := range cs {
					if c.body["essential"] != false {
						return
					}
				}
				if len(cs) > 0 {
					report("containerDefinitions", len(cs), "at least one essential container")
				}
			},
		},
		{
			ID: "ecs.taskdefinition.fargate.size", Types: []string{taskDefType}, Paths: []string{"cpu", "memory"}, Source: taskSizeDoc + "; " + ecsAPI + "API_RegisterTaskDefinition.html",
			Check: func(r *Resource, report Reporter) {
				if !fargate(r) || opaque(r.Inputs["cpu"]) || opaque(r.Inputs["memory"]) {
					return
				}
				cpu, ok1 := taskUnits(r.Inputs["cpu"], vcpu)
				mem, ok2 := taskUnits(r.Inputs["memory"], gb)
				allowed, known := fargateMemory[cpu]
				switch {
				case !ok1 || !known:
					report("cpu", r.Inputs["cpu"], "a Fargate task CPU of 256, 512, 1024, 2048, 4096, 8192 or 16384 units")
				case !ok2 || !slices.Contains(allowed, mem):
					report("memory", r.Inputs["memory"], fmt.Sprintf("for %d CPU units, a Fargate task memory of %v MiB", cpu, allowed))
				}
			},
		},
		{
			ID: "ecs.taskdefinition.cpu", Types: []string{taskDefType}, Paths: []string{"cpu"}, Source: ecsAPI + "API_RegisterTaskDefinition.html",
			Check: func(r *Resource, report Reporter) {
				if cpu, ok := taskUnits(r.Inputs["cpu"], vcpu); ok && !fargate(r) && (cpu < 128 || cpu > 196608) {
					report("cpu", r.Inputs["cpu"], "128 to 196608 CPU units (0.125 to 192 vCPUs)")
				}
			},
		},
		{
			ID: "ecs.taskdefinition.fargate.networkmode", Types: []string{taskDefType}, Paths: []string{"networkMode"}, Source: ecsAPI + "API_RegisterTaskDefinition.html",
			Check: func(r *Resource, report Reporter) {
				if fargate(r) && r.Inputs["networkMode"] != "awsvpc" && !opaque(r.Inputs["networkMode"]) {
					report("networkMode", r.Inputs["networkMode"], "awsvpc for a Fargate task")
				}
			},
		},
		{
			ID: "ecs.taskdefinition.containers.total", Types: []string{taskDefType}, Paths: []string{cd("cpu"), cd("memory")}, Source: containerDoc,
			Check: func(r *Resource, report Reporter) {
				for key, suffix := range map[string]*regexp.Regexp{"cpu": vcpu, "memory": gb} {
					task, ok := taskUnits(r.Inputs[key], suffix)
					if !ok {
						continue
					}
					sum := 0.0
					for _, c := range containers(r) {
						v, _ := c.body[key].(float64)
						if key == "memory" && v == 0 {
							v, _ = c.body["memoryReservation"].(float64)
						}
						sum += v
					}
					if sum > float64(task) {
						report("containerDefinitions", fmt.Sprintf("%s %s", num(sum), key), fmt.Sprintf("containers reserving at most the task's %s (%d)", key, task))
					}
				}
			},
		},
		{
			ID: "ecs.taskdefinition.efs.transitencryption.required", Types: []string{taskDefType}, Paths: []string{"volumes[*].efsVolumeConfiguration.authorizationConfig.accessPointId"},
			Source: ecsAPI + "API_EFSAuthorizationConfig.html",
			Check: func(r *Resource, report Reporter) {
				r.Each("volumes[*].efsVolumeConfiguration", func(path string, v any) {
					efs, _ := v.(map[string]any)
					auth, _ := efs["authorizationConfig"].(map[string]any)
					if (auth["iam"] == "ENABLED" || auth["accessPointId"] != nil) && efs["transitEncryption"] != "ENABLED" {
						report(path+".transitEncryption", efs["transitEncryption"], "ENABLED when IAM authorization or an access point is used")
					}
				})
			},
		},
		{
			ID: "ecs.taskdefinition.efs.rootdirectory", Types: []string{taskDefType}, Paths: []string{"volumes[*].efsVolumeConfiguration.rootDirectory"},
			Source: ecsAPI + "API_EFSVolumeConfiguration.html",
			Check: func(r *Resource, report Reporter) {
				r.Each("volumes[*].efsVolumeConfiguration", func(path string, v any) {
					efs, _ := v.(map[string]any)
					auth, _ := efs["authorizationConfig"].(map[string]any)
					if dir, ok := text(efs["rootDirectory"]); ok && auth["accessPointId"] != nil && dir != "/" {
						report(path+".rootDirectory", dir, "no root directory, or /, when an access point sets the path")
					}
				})
			},
		},
		strategyRule("ecs.capacityproviderstrategy.base", func(items []statement, report Reporter) {
			n := 0
			for _, it := range items {
				if b, ok := number(it.body["base"]); ok && b > 0 {
					if n++; n > 1 {
						report(it.path+".base", it.body["base"], "a base on at most one capacity provider of a strategy")
					}
				}
			}
		}),
		strategyRule("ecs.capacityproviderstrategy.weight", func(items []statement, report Reporter) {
			if len(items) < 2 {
				return
			}
			for _, it := range items {
				if w, ok := number(it.body["weight"]); ok && w > 0 {
					return
				}
			}
			report(items[0].path+".weight", 0, "a weight above 0 on at least one capacity provider of a strategy")
		}),
	},
	classes: slices.Concat(
		classify(clusterType, Reference, "the Service Connect namespace's ARN", "serviceConnectDefaults.namespace"),
		classify(clusterType, Reference, "a KMS key and log destinations", "configuration.executeCommandConfiguration.kmsKeyId",
			"configuration.executeCommandConfiguration.logConfiguration.cloudWatchLogGroupName", "configuration.executeCommandConfiguration.logConfiguration.s3BucketName"),
		classify(clusterProvidersType, Reference, "names of the cluster and of its capacity providers (FARGATE, FARGATE_SPOT or a provider's name)",
			"clusterName", "capacityProviders[*]", "defaultCapacityProviderStrategies[*].capacityProvider"),
		classify(capacityProviderType, Reference, "the Auto Scaling group's ARN", "autoScalingGroupProvider.autoScalingGroupArn"),
		classify(ecsServiceType, Reference, "ids, names and ARNs of other resources", "cluster", "taskDefinition", "iamRole",
			"capacityProviderStrategies[*].capacityProvider", "loadBalancers[*].targetGroupArn", "loadBalancers[*].containerName",
			"networkConfiguration.securityGroups[*]", "networkConfiguration.subnets[*]", "serviceConnectConfiguration.namespace",
			"serviceConnectConfiguration.services[*].portName"),
		classify(ecsServiceType, Number, "counts, percents and seconds the API reference documents no bound for", "desiredCount",
			"deploymentMaximumPercent", "deploymentMinimumHealthyPercent", "healthCheckGracePeriodSeconds", "loadBalancers[*].containerPort"),
		classify(ecsServiceType, Boolean, "service flags", "deploymentCircuitBreaker.enable", "deploymentCircuitBreaker.rollback", "enableEcsManagedTags",
			"enableExecuteCommand", "serviceConnectConfiguration.enabled"),
		classify(ecsServiceType, Provider, "the provider's own deployment controls", "forceNewDeployment", "waitForSteadyState", "forceDelete", "triggers.*"),
		classify(ecsServiceType, Catalog, "a Fargate platform version (LATEST or 1.4.0)", "platformVersion"),
		classify(taskDefType, Reference, "ARNs and ids of roles, file systems and access points", "executionRoleArn", "taskRoleArn",
			"volumes[*].efsVolumeConfiguration.fileSystemId", cd("secrets[*].valueFrom"), cd("environmentFiles[*].value"),
			cd("dependsOn[*].containerName"), cd("volumesFrom[*].sourceContainer")),
		classify(taskDefType, Provider, "the provider keeps old revisions or tracks the latest", "skipDestroy", "trackLatest"),
		classify(taskDefType, Boolean, "container flags", cd("essential"), cd("readonlyRootFilesystem"), cd("privileged"), cd("interactive"),
			cd("pseudoTerminal"), cd("disableNetworking"), cd("mountPoints[*].readOnly"), cd("linuxParameters.initProcessEnabled"),
			cd("volumesFrom[*].readOnly"), "volumes[*].configureAtLaunch"),
		classify(taskDefType, Number, "numbers the API reference documents no bound for (ports, CPU shares)", cd("portMappings[*].containerPort"),
			cd("portMappings[*].hostPort"), cd("cpu"), cd("startTimeout"), cd("stopTimeout")),
		classify(taskDefType, FreeText, "strings the API reference documents no limit for", cd("environment[*].name"), cd("environment[*].value"),
			cd("secrets[*].name"), cd("mountPoints[*].containerPath"), cd("logConfiguration.options.*"), cd("command[*]"), cd("entryPoint[*]"),
			cd("user"), cd("workingDirectory"), cd("hostname")),
	),
}
