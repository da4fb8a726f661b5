package schema

import (
	"maps"
	"slices"
	"strings"

	"github.com/strata-iac/strata/components/app"
	"github.com/strata-iac/strata/components/field"
)

// App adjusts an app that a system defines in code: sizes, scaling, the endpoint, scratch volumes
// and, per container by name, any container setting. Set values replace the definition's, except
// environment, secrets and databaseEnv, whose entries are added or replaced one by one, and
// scratch, whose volumes are added.
type App struct {
	// CPU sizes one copy of the whole app in CPU units (1024 = one vCPU). Default: the system's.
	CPU int `json:"cpu"`
	// MemoryMiB sizes one copy of the whole app in MiB. Default: the system's.
	MemoryMiB int `json:"memoryMiB"`
	// Scaling bounds the number of copies.
	Scaling *Scaling `json:"scaling"`
	// Endpoint is where the public reaches the app.
	Endpoint *Endpoint `json:"endpoint"`
	// Containers adjust the app's containers, by name; naming a container the app lacks is an
	// error.
	Containers map[string]Container `json:"containers"`
	// Scratch adds task-local volumes (empty at start, gone when the copy stops) that containers
	// mount by name, for an image that writes where the definition has no volume while its root
	// file system stays read-only. Lowercase letters, digits and hyphens; ECS only.
	Scratch []string `json:"scratch"`
}

// Scaling bounds the number of copies of an app.
type Scaling struct {
	// Min copies the platform starts. Default 1; 1 to 5000 (ECS's tasks per service; 0 would
	// serve nothing). Lightsail runs lightsail.scale nodes instead.
	Min int `json:"min"`
	// Max copies; above min the platform scales on CPU. Default min; min to 5000.
	Max int `json:"max"`
	// CPUTargetPercent is the average CPU the scaling aims for. Default 60; 1 to 100.
	CPUTargetPercent int `json:"cpuTargetPercent"`
}

// Endpoint is where the public reaches an app.
type Endpoint struct {
	// Container receives the traffic; it must expose port.
	Container string `json:"container"`
	// Port receives the traffic.
	Port int `json:"port"`
	// HealthCheckPath is probed over HTTP. Default /.
	HealthCheckPath string `json:"healthCheckPath"`
	// Domain is the public DNS name, e.g. app.example.org.
	Domain string `json:"domain"`
	// HealthyThreshold counts consecutive successful probes. Default 3; 2 to 10.
	HealthyThreshold int `json:"healthyThreshold"`
	// UnhealthyThreshold counts consecutive failed probes. Default 3; 2 to 10.
	UnhealthyThreshold int `json:"unhealthyThreshold"`
	// IntervalSeconds between probes. Default 30; 5 to 300.
	IntervalSeconds int `json:"intervalSeconds"`
	// TimeoutSeconds per probe. Default 5; 2 to 120 and less than the interval (ELB), at most 60
	// on Lightsail.
	TimeoutSeconds int `json:"timeoutSeconds"`
	// SuccessCodes are the HTTP codes that count as healthy. Default 200-399; codes and ranges
	// within 200-499, comma separated.
	SuccessCodes string `json:"successCodes"`
}

// Container adjusts one container of an app.
type Container struct {
	// Image must be pinned: a tag other than latest, or a digest.
	Image string `json:"image"`
	// Ports the container listens on (TCP). No two containers may share one.
	Ports []int `json:"ports"`
	// Command overrides the image's command (the arguments of entryPoint when that is set).
	Command []string `json:"command"`
	// EntryPoint overrides the image's entry point (ECS only).
	EntryPoint []string `json:"entryPoint"`
	// Environment holds plain values only; names that look like credentials are refused.
	Environment map[string]string `json:"environment"`
	// Secrets maps environment variable names to references the platform resolves.
	Secrets map[string]Secret `json:"secrets"`
	// DatabaseEnv maps environment variable names to connection details of a database of the
	// system.
	DatabaseEnv map[string]DatabaseValue `json:"databaseEnv"`
	// EnvFiles are s3://bucket/key.env objects whose variables are loaded at start.
	EnvFiles []string `json:"envFiles"`
	// Mounts attach volumes the system offers, or scratch volumes.
	Mounts []Mount `json:"mounts"`
	// HealthCheck runs inside the container.
	HealthCheck *HealthCheck `json:"healthCheck"`
	// Essential containers stop the whole app when they stop. Default true.
	Essential *bool `json:"essential"`
	// DependsOn orders the start of containers.
	DependsOn []Dependency `json:"dependsOn"`
	// CPU reserves part of the app's CPU for this container. Default 0: shared.
	CPU int `json:"cpu"`
	// MemoryMiB reserves part of the app's memory for this container. Default 0: shared; at least
	// 6 (Docker's own reservation per container).
	MemoryMiB int `json:"memoryMiB"`
	// ReadonlyRootFilesystem is on by default; images that write outside their mounts must opt out
	// explicitly (false), or write to a scratch volume.
	ReadonlyRootFilesystem *bool `json:"readonlyRootFilesystem"`
}

// Secret references a value held outside the app; set exactly one source.
type Secret struct {
	// SecretsManager is the ARN or name of a Secrets Manager secret.
	SecretsManager string `json:"secretsManager"`
	// SSMParameter is the name (starting with /) or ARN of an SSM parameter.
	SSMParameter string `json:"ssmParameter"`
	// Database names a database of the system; its login secret holds the value.
	Database string `json:"database"`
	// Key selects one JSON key of a Secrets Manager or database secret; for a database username or
	// password.
	Key string `json:"key"`
}

// DatabaseValue names one connection detail of a database of the system.
type DatabaseValue struct {
	// Database names a database of the system.
	Database string `json:"database"`
	// Attribute is address, port, name or username.
	Attribute string `json:"attribute"`
}

// Mount attaches a volume at a path.
type Mount struct {
	// Volume names a volume the system offers or a scratch volume.
	Volume string `json:"volume"`
	// Path is a clean absolute path other than /.
	Path string `json:"path"`
	// ReadOnly mounts the volume read-only. Default false.
	ReadOnly bool `json:"readOnly"`
}

// HealthCheck is a command run inside a container.
type HealthCheck struct {
	// Command is ["CMD", …] or ["CMD-SHELL", "…"].
	Command []string `json:"command"`
	// IntervalSeconds between checks. Default 30; 5 to 300.
	IntervalSeconds int `json:"intervalSeconds"`
	// TimeoutSeconds per check. Default 5; 2 to 60.
	TimeoutSeconds int `json:"timeoutSeconds"`
	// Retries before unhealthy. Default 3; 1 to 10.
	Retries int `json:"retries"`
	// StartPeriodSeconds of grace after start. Default 0; 0 to 300.
	StartPeriodSeconds int `json:"startPeriodSeconds"`
}

// Dependency makes a container wait for another.
type Dependency struct {
	// Container is the container waited for.
	Container string `json:"container"`
	// Condition is START (default), HEALTHY, COMPLETE or SUCCESS.
	Condition string `json:"condition"`
}

// Apply returns spec adjusted by c, leaving spec untouched. Naming a container the spec lacks is a
// problem at "containers.<name>": a misspelt name must not go unnoticed.
func (c App) Apply(spec app.Spec) (app.Spec, error) {
	out := spec.Clone()
	out.CPU = or(c.CPU, spec.CPU)
	out.MemoryMiB = or(c.MemoryMiB, spec.MemoryMiB)
	if s := c.Scaling; s != nil {
		out.Scaling = app.Scaling{
			Min:              or(s.Min, spec.Scaling.Min),
			Max:              or(s.Max, spec.Scaling.Max),
			CPUTargetPercent: or(s.CPUTargetPercent, spec.Scaling.CPUTargetPercent),
		}
	}
	for _, v := range c.Scratch {
		if !slices.Contains(out.Scratch, v) {
			out.Scratch = append(out.Scratch, v)
		}
	}
	if e := c.Endpoint; e != nil {
		if out.Endpoint == nil {
			out.Endpoint = &app.Endpoint{}
		}
		e.merge(out.Endpoint)
	}
	var errs field.Errors
	names := make([]string, len(spec.Containers))
	for i, ct := range spec.Containers {
		names[i] = ct.Name
	}
	for _, name := range slices.Sorted(maps.Keys(c.Containers)) {
		ct := out.Container(name)
		if ct == nil {
			errs.Add(field.Join("containers", name), "not a container of this app: use one of %s", strings.Join(names, ", "))
			continue
		}
		c.Containers[name].merge(ct)
	}
	return out, errs.Err()
}

func (o Container) merge(c *app.Container) {
	if o.Image != "" {
		c.Image = o.Image
	}
	if o.Ports != nil {
		c.Ports = slices.Clone(o.Ports)
	}
	if o.Command != nil {
		c.Command = slices.Clone(o.Command)
	}
	if o.EntryPoint != nil {
		c.EntryPoint = slices.Clone(o.EntryPoint)
	}
	if o.EnvFiles != nil {
		c.EnvFiles = slices.Clone(o.EnvFiles)
	}
	if o.Mounts != nil {
		c.Mounts = make([]app.Mount, len(o.Mounts))
		for i, m := range o.Mounts {
			c.Mounts[i] = app.Mount(m)
		}
	}
	if o.HealthCheck != nil {
		hc := app.HealthCheck(*o.HealthCheck)
		hc.Command = slices.Clone(hc.Command)
		c.HealthCheck = &hc
	}
	if o.Essential != nil {
		c.Essential = clonePtr(o.Essential)
	}
	if o.DependsOn != nil {
		c.DependsOn = make([]app.Dependency, len(o.DependsOn))
		for i, d := range o.DependsOn {
			c.DependsOn[i] = app.Dependency(d)
		}
	}
	if o.ReadonlyRootFilesystem != nil {
		c.ReadonlyRootFilesystem = clonePtr(o.ReadonlyRootFilesystem)
	}
	c.CPU = or(o.CPU, c.CPU)
	c.MemoryMiB = or(o.MemoryMiB, c.MemoryMiB)
	for k, v := range o.Environment {
		if c.Environment == nil {
			c.Environment = map[string]string{}
		}
		c.Environment[k] = v
	}
	for k, v := range o.Secrets {
		if c.Secrets == nil {
			c.Secrets = map[string]app.Secret{}
		}
		c.Secrets[k] = app.Secret(v)
	}
	for k, v := range o.DatabaseEnv {
		if c.DatabaseEnv == nil {
			c.DatabaseEnv = map[string]app.DatabaseValue{}
		}
		c.DatabaseEnv[k] = app.DatabaseValue(v)
	}
}

func (o *Endpoint) merge(e *app.Endpoint) {
	if o.Container != "" {
		e.Container = o.Container
	}
	if o.HealthCheckPath != "" {
		e.HealthCheckPath = o.HealthCheckPath
	}
	if o.Domain != "" {
		e.Domain = o.Domain
	}
	if o.SuccessCodes != "" {
		e.SuccessCodes = o.SuccessCodes
	}
	e.Port = or(o.Port, e.Port)
	e.HealthyThreshold = or(o.HealthyThreshold, e.HealthyThreshold)
	e.UnhealthyThreshold = or(o.UnhealthyThreshold, e.UnhealthyThreshold)
	e.IntervalSeconds = or(o.IntervalSeconds, e.IntervalSeconds)
	e.TimeoutSeconds = or(o.TimeoutSeconds, e.TimeoutSeconds)
}

// or returns v, or def when v is zero (unset).
func or(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
