package app

import (
	"maps"
	"slices"
)

// Spec describes an application: containers that run together (one ECS task, one Lightsail
// deployment) and reach each other on localhost.
type Spec struct {
	// Containers, in start order of declaration.
	Containers []Container
	// Endpoint is the public entry point; nil means the app is not public.
	Endpoint *Endpoint
	// Scaling of the number of copies.
	Scaling Scaling
	// CPU (1024 = one vCPU) and MemoryMiB size one copy of the whole app; zero leaves it to the
	// platform (Fargate needs both).
	CPU       int
	MemoryMiB int
	// Scratch names task-local volumes: empty when a copy of the app starts, gone when it stops,
	// shared by the containers that mount them (by name, like the platform's volumes). They are
	// where containers with read-only root file systems write (temporary files, sockets, caches)
	// and how one container hands files to another (a certificate bundle an init container
	// fetched). Each must be mounted by some container. Lightsail has none: its root file systems
	// are writable.
	Scratch []string
}

// Container is one container of a Spec.
type Container struct {
	// Name identifies the container (lowercase letters, digits, hyphens).
	Name string
	// Image must be pinned: a tag other than "latest", or a digest (required).
	Image string
	// Ports the container listens on (TCP). No two containers may share one: they share a network.
	Ports []int
	// Command overrides the image's command (the arguments of EntryPoint, when that is set).
	Command []string
	// EntryPoint overrides the image's entry point. Lightsail cannot.
	EntryPoint []string
	// Environment holds plain values only; names that look like credentials are refused.
	Environment map[string]string
	// Secrets maps environment variable names to references resolved by the platform.
	Secrets map[string]Secret
	// DatabaseEnv maps environment variable names to connection details of a database of the
	// system, which exist only once the database does (its address), or must match it exactly (its
	// name): the platform fills them in.
	DatabaseEnv map[string]DatabaseValue
	// EnvFiles are s3://bucket/key.env objects whose variables are loaded at start.
	EnvFiles []string
	// Mounts attach volumes the platform offers.
	Mounts []Mount
	// HealthCheck runs inside the container.
	HealthCheck *HealthCheck
	// Essential containers stop the whole app when they stop. Default true.
	Essential *bool
	// DependsOn orders the start of containers.
	DependsOn []Dependency
	// CPU and MemoryMiB reserve part of the app's size for this container; zero shares it.
	CPU       int
	MemoryMiB int
	// ReadonlyRootFilesystem is on by default; images that write outside their mounts must opt out
	// explicitly (false).
	ReadonlyRootFilesystem *bool
}

// Secret references a value held outside the app. Set exactly one source.
type Secret struct {
	// SecretsManager is the ARN or name of a Secrets Manager secret.
	SecretsManager string
	// SSMParameter is the name (starting with /) or ARN of an SSM parameter.
	SSMParameter string
	// Database names a database of the system; its managed master secret holds the value.
	Database string
	// Key selects one JSON key of a Secrets Manager or database secret; for a database it must be
	// "username" or "password".
	Key string
}

// DatabaseValue names one connection detail of a database of the system.
type DatabaseValue struct {
	Database string
	// Attribute is AttrAddress, AttrPort, AttrName or AttrUsername.
	Attribute string
}

// Connection details of a database that DatabaseEnv can name.
const (
	AttrAddress  = "address"
	AttrPort     = "port"
	AttrName     = "name"
	AttrUsername = "username"
)

// Mount attaches a volume at a path.
type Mount struct {
	// Volume names a volume the platform offers or one of the app's scratch volumes.
	Volume   string
	Path     string
	ReadOnly bool
}

// HealthCheck is a command run inside a container.
type HealthCheck struct {
	// Command is ["CMD", …] or ["CMD-SHELL", "…"].
	Command []string
	// IntervalSeconds between checks, default 30 (5–300).
	IntervalSeconds int
	// TimeoutSeconds per check, default 5 (2–60).
	TimeoutSeconds int
	// Retries before unhealthy, default 3 (1–10).
	Retries int
	// StartPeriodSeconds of grace after start, default 0 (0–300).
	StartPeriodSeconds int
}

// Dependency makes a container wait for another.
type Dependency struct {
	Container string
	// Condition is START (default), HEALTHY, COMPLETE or SUCCESS.
	Condition string
}

// Endpoint is where the public reaches the app.
type Endpoint struct {
	// Container and Port receive the traffic; the container must expose the port.
	Container string
	Port      int
	// HealthCheckPath is probed over HTTP, default "/".
	HealthCheckPath string
	// Domain is the public DNS name, e.g. app.example.org; optional.
	Domain string
	// HealthyThreshold and UnhealthyThreshold count consecutive results, default 3 (2–10).
	HealthyThreshold   int
	UnhealthyThreshold int
	// IntervalSeconds between probes, default 30 (5–300); TimeoutSeconds per probe, default 5
	// (2–120, less than the interval; Lightsail allows at most 60).
	IntervalSeconds int
	TimeoutSeconds  int
	// SuccessCodes are the HTTP codes that count as healthy, default "200-399" (codes and ranges
	// within 200–499, comma separated).
	SuccessCodes string
}

// Scaling bounds the number of copies of the app.
type Scaling struct {
	// Min copies, default 1 (1–MaxCopies); the platform starts this many. Zero copies would
	// serve nothing, so strata's floor is 1 where ECS allows 0.
	Min int
	// Max copies, default Min (Min–MaxCopies); above Min the platform scales on CPU.
	Max int
	// CPUTargetPercent is the average CPU the scaling aims for, default 60 (1–100: a percentage
	// of the copies' CPU).
	CPUTargetPercent int
}

// Secret reference keys of a database's managed master secret.
const (
	KeyUsername = "username"
	KeyPassword = "password"
)

// Dependency conditions.
var conditions = []string{"START", "HEALTHY", "COMPLETE", "SUCCESS"}

// IsEssential reports whether the container stops the app when it stops.
func (c Container) IsEssential() bool { return c.Essential == nil || *c.Essential }

// IsReadonlyRoot reports whether the container's root file system is read-only.
func (c Container) IsReadonlyRoot() bool {
	return c.ReadonlyRootFilesystem == nil || *c.ReadonlyRootFilesystem
}

// Container returns the container called name, or nil.
func (s *Spec) Container(name string) *Container {
	for i := range s.Containers {
		if s.Containers[i].Name == name {
			return &s.Containers[i]
		}
	}
	return nil
}

// Clone returns a deep copy of s: changing the copy never changes s.
func (s Spec) Clone() Spec {
	out := s
	out.Scratch = slices.Clone(s.Scratch)
	out.Containers = make([]Container, len(s.Containers))
	for i, c := range s.Containers {
		out.Containers[i] = c.clone()
	}
	if s.Endpoint != nil {
		e := *s.Endpoint
		out.Endpoint = &e
	}
	return out
}

func (c Container) clone() Container {
	c.Ports = slices.Clone(c.Ports)
	c.Command = slices.Clone(c.Command)
	c.EntryPoint = slices.Clone(c.EntryPoint)
	c.Environment = maps.Clone(c.Environment)
	c.Secrets = maps.Clone(c.Secrets)
	c.DatabaseEnv = maps.Clone(c.DatabaseEnv)
	c.EnvFiles = slices.Clone(c.EnvFiles)
	c.Mounts = slices.Clone(c.Mounts)
	c.DependsOn = slices.Clone(c.DependsOn)
	if c.HealthCheck != nil {
		hc := *c.HealthCheck
		hc.Command = slices.Clone(hc.Command)
		c.HealthCheck = &hc
	}
	if c.Essential != nil {
		v := *c.Essential
		c.Essential = &v
	}
	if c.ReadonlyRootFilesystem != nil {
		v := *c.ReadonlyRootFilesystem
		c.ReadonlyRootFilesystem = &v
	}
	return c
}
