package app

import (
	"maps"
	"slices"
	"strings"

	"github.com/strata-iac/strata/components/field"
)

// Overrides are what a stage's config may change in an app that a stack program defines: sizes,
// scaling, the endpoint, and per container (by name) any container field. Set fields replace the
// definition's, except Environment, Secrets and DatabaseEnv, whose entries are added or replaced
// one by one.
type Overrides struct {
	CPU        int                  `json:"cpu"`
	MemoryMiB  int                  `json:"memoryMiB"`
	Scaling    *Scaling             `json:"scaling"`
	Endpoint   *Endpoint            `json:"endpoint"`
	Containers map[string]Container `json:"containers"`
}

// Apply returns spec adjusted by o, leaving spec untouched. Naming a container the spec lacks is a
// problem at "containers.<name>": a misspelt name must not go unnoticed.
func (o Overrides) Apply(spec Spec) (Spec, error) {
	out := spec
	out.Containers = make([]Container, len(spec.Containers))
	for i, c := range spec.Containers {
		c.Environment = maps.Clone(c.Environment)
		c.Secrets = maps.Clone(c.Secrets)
		c.DatabaseEnv = maps.Clone(c.DatabaseEnv)
		out.Containers[i] = c
	}
	if spec.Endpoint != nil {
		e := *spec.Endpoint
		out.Endpoint = &e
	}
	out.CPU = or(o.CPU, spec.CPU)
	out.MemoryMiB = or(o.MemoryMiB, spec.MemoryMiB)
	if o.Scaling != nil {
		out.Scaling = Scaling{
			Min:              or(o.Scaling.Min, spec.Scaling.Min),
			Max:              or(o.Scaling.Max, spec.Scaling.Max),
			CPUTargetPercent: or(o.Scaling.CPUTargetPercent, spec.Scaling.CPUTargetPercent),
		}
	}
	if e := o.Endpoint; e != nil {
		if out.Endpoint == nil {
			out.Endpoint = &Endpoint{}
		}
		mergeEndpoint(out.Endpoint, e)
	}
	var errs field.Errors
	names := make([]string, len(spec.Containers))
	for i, c := range spec.Containers {
		names[i] = c.Name
	}
	for _, name := range slices.Sorted(maps.Keys(o.Containers)) {
		c := out.Container(name)
		if c == nil {
			errs.Add(field.Join("containers", name), "not a container of this app: use one of %s", strings.Join(names, ", "))
			continue
		}
		mergeContainer(c, o.Containers[name])
	}
	return out, errs.Err()
}

func mergeContainer(c *Container, o Container) {
	if o.Image != "" {
		c.Image = o.Image
	}
	if o.Ports != nil {
		c.Ports = o.Ports
	}
	if o.Command != nil {
		c.Command = o.Command
	}
	if o.EnvFiles != nil {
		c.EnvFiles = o.EnvFiles
	}
	if o.Mounts != nil {
		c.Mounts = o.Mounts
	}
	if o.HealthCheck != nil {
		c.HealthCheck = o.HealthCheck
	}
	if o.Essential != nil {
		c.Essential = o.Essential
	}
	if o.DependsOn != nil {
		c.DependsOn = o.DependsOn
	}
	if o.ReadonlyRootFilesystem != nil {
		c.ReadonlyRootFilesystem = o.ReadonlyRootFilesystem
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
			c.Secrets = map[string]Secret{}
		}
		c.Secrets[k] = v
	}
	for k, v := range o.DatabaseEnv {
		if c.DatabaseEnv == nil {
			c.DatabaseEnv = map[string]DatabaseValue{}
		}
		c.DatabaseEnv[k] = v
	}
}

func mergeEndpoint(e *Endpoint, o *Endpoint) {
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
