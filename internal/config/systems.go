package config

import (
	"github.com/strata-iac/strata/systems/environment"
	"github.com/strata-iac/strata/systems/epimetheus"
	"github.com/strata-iac/strata/systems/kotta"
	"github.com/strata-iac/strata/systems/lookup"
)

// Systems is the structured part of a stack's config: each system's Config, decoded from its keys.
type Systems struct {
	// Environment is strata:network and strata:front.
	Environment environment.Config
	// Kotta is Cloud Kotta: strata:base.
	Kotta kotta.Config
	// Lookup is the QA authority lookup (strata:lookup); nil leaves it out.
	Lookup *lookup.Config
	// Epimetheus is Epimetheus (strata:epimetheus); nil leaves it out.
	Epimetheus *epimetheus.Config
}

// sections maps each structured key to the pointer its object decodes into.
func (s *Systems) sections() map[string]any {
	return map[string]any{
		environment.KeyNetwork: &s.Environment.Network,
		environment.KeyFront:   &s.Environment.Front,
		kotta.KeyBase:          &s.Kotta.Base,
		lookup.Key:             &s.Lookup,
		epimetheus.Key:         &s.Epimetheus,
	}
}
