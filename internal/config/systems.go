package config

import (
	"github.com/strata-iac/strata/systems/aot"
	"github.com/strata-iac/strata/systems/argos"
	"github.com/strata-iac/strata/systems/bootstrap"
	"github.com/strata-iac/strata/systems/environment"
	"github.com/strata-iac/strata/systems/epimetheus"
	"github.com/strata-iac/strata/systems/kotta"
	"github.com/strata-iac/strata/systems/lookup"
)

// Systems is the structured part of a stack's config: each system's Config, decoded from its keys.
type Systems struct {
	// Environment is strata:network, strata:front and strata:s3AccessLogs.
	Environment environment.Config
	// Kotta is Cloud Kotta: strata:base and strata:kotta.
	Kotta kotta.Config
	// Lookup is the QA authority lookup (strata:lookup); nil leaves it out.
	Lookup *lookup.Config
	// Epimetheus is Epimetheus (strata:epimetheus); nil leaves it out.
	Epimetheus *epimetheus.Config
	// Aot is an aot cluster (strata:aot); nil leaves it out.
	Aot *aot.Config
	// Argos is Argos (strata:argos); nil leaves it out.
	Argos *argos.Config
	// Bootstrap is the state bucket, secrets key and CI roles (strata:bootstrap), the stage of its
	// own that a new installation deploys first; nil leaves it out.
	Bootstrap *bootstrap.Config
}

// sections maps each structured key to the pointer its object decodes into.
func (s *Systems) sections() map[string]any {
	return map[string]any{
		environment.KeyNetwork:      &s.Environment.Network,
		environment.KeyFront:        &s.Environment.Front,
		environment.KeyS3AccessLogs: &s.Environment.S3AccessLogs,
		kotta.KeyBase:               &s.Kotta.Base,
		kotta.KeyPlatform:           &s.Kotta.Platform,
		lookup.Key:                  &s.Lookup,
		epimetheus.Key:              &s.Epimetheus,
		aot.Key:                     &s.Aot,
		argos.Key:                   &s.Argos,
		bootstrap.Key:               &s.Bootstrap,
	}
}
