// Package app is strata's platform-neutral description of a containerised application: its
// containers (pinned images, ports, command, plain environment, secrets by reference, env files,
// volume mounts, health checks, start order, sizes, read-only root file systems by default), its
// public endpoint and its scaling. Stack programs define each system's Spec in Go; a stage's config
// adjusts it through Overrides (images, sizes, environment, …). The ECS service component and the
// Lightsail component both deploy from a Spec, each refusing what its platform cannot do.
//
// Validation paths name containers by name ("containers.backend.image"), so that a problem in a
// value that came from config points at the config key that set it.
package app
