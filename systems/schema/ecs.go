package schema

import (
	"github.com/strata-iac/strata/components/cluster"
	"github.com/strata-iac/strata/components/naming"
	"github.com/strata-iac/strata/components/registry"
	"github.com/strata-iac/strata/components/service"
)

// Cluster configures an ECS cluster's capacity.
type Cluster struct {
	// Capacity is what tasks run on: fargate (default), fargateSpot or ec2. FARGATE and
	// FARGATE_SPOT are registered in every case.
	Capacity string `json:"capacity"`
	// EC2 sizes the container instances; only with capacity ec2, which defaults every field.
	EC2 *ClusterEC2 `json:"ec2"`
}

// ClusterEC2 sizes the container instances of an EC2 capacity provider.
type ClusterEC2 struct {
	// InstanceType is family.size, e.g. m7g.large. Default t3.medium.
	InstanceType string `json:"instanceType"`
	// MinSize is the fewest instances, 0 to maxSize; 0 lets managed scaling scale to zero. Default
	// 1.
	MinSize *int `json:"minSize"`
	// MaxSize is the most instances, minSize (at least 1) to 20. Default 2.
	MaxSize int `json:"maxSize"`
	// RootVolumeGiB is the size of the encrypted gp3 root volume, 30 to 1000. Default 30.
	RootVolumeGiB int `json:"rootVolumeGiB"`
	// TargetCapacityPercent is the share of the instances' capacity that managed scaling keeps in
	// use, 1 to 100; below 100 leaves spare instances for fast task starts. Default 100.
	TargetCapacityPercent int `json:"targetCapacityPercent"`
	// Architecture is x86_64 (default) or arm64; it must match the instance family.
	Architecture string `json:"architecture"`
}

// Args returns the cluster's arguments.
func (c Cluster) Args() cluster.Args {
	a := cluster.Args{Capacity: c.Capacity}
	if c.EC2 != nil {
		e := cluster.EC2{InstanceType: c.EC2.InstanceType, MinSize: clonePtr(c.EC2.MinSize), MaxSize: c.EC2.MaxSize,
			RootVolumeGiB: c.EC2.RootVolumeGiB, TargetCapacityPercent: c.EC2.TargetCapacityPercent, Architecture: c.EC2.Architecture}
		a.EC2 = &e
	}
	return a
}

// Service tunes an app's ECS services.
type Service struct {
	// LogRetentionDays keeps the containers' logs this long. Default 30; one of CloudWatch Logs'
	// retention periods.
	LogRetentionDays int `json:"logRetentionDays"`
	// Exec turns on ECS Exec: shell access to running containers through SSM, logged by CloudTrail.
	// Default false.
	Exec bool `json:"exec"`
	// HealthCheckGraceSeconds lets new tasks start before load balancer health checks count.
	// Default 60; 0 to 2147483647 (ECS's bound).
	HealthCheckGraceSeconds int `json:"healthCheckGraceSeconds"`
}

// Args returns the service's arguments.
func (c Service) Args() service.Args {
	return service.Args{LogRetentionDays: c.LogRetentionDays, Exec: c.Exec, HealthCheckGraceSeconds: c.HealthCheckGraceSeconds}
}

// Registry pulls an app's Docker Hub images through an ECR pull-through cache rule of the system's
// own, so that tasks pull from ECR inside AWS rather than anonymously from Docker Hub, whose rate
// limits throttle scale-outs and retries.
type Registry struct {
	// CredentialARN is the Secrets Manager secret holding the Docker Hub login, a JSON object with
	// username and accessToken, whose name starts with ecr-pullthroughcache/ (required: ECR caches
	// Docker Hub only with credentials). Create it once per account and region; it is never
	// created from config.
	CredentialARN string `json:"credentialArn"`
	// Prefix is the repository prefix of the cached images: 2 to 30 lowercase letters, digits and
	// . _ - / separators, unique in the account's registry. Default <app>-<env>-hub.
	Prefix string `json:"prefix"`
}

// Args returns the cache's arguments for the system named by conv.
func (c Registry) Args(conv naming.Convention) registry.Args {
	prefix := c.Prefix
	if prefix == "" {
		prefix = conv.Name("hub")
	}
	return registry.Args{Prefix: prefix, CredentialARN: c.CredentialARN, Naming: conv}
}
