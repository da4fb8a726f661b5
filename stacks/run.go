package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/components/network"
	"github.com/strata-iac/strata/internal/config"
)

// system is one deployable part of the stack, prepared from config: validate reports the problems
// of its config sections, deploy registers its resources, reading and adding to what the stack
// shares.
type system struct {
	validate func() error
	deploy   func(ctx *pulumi.Context, env *shared) error
}

// shared is what the stack builds once for all its systems.
type shared struct {
	// network is the environment's VPC and subnets (strata:network); nil when the key is not set.
	network *network.Network
}

// systems lists the preparers of every system; each returns nil when the config leaves it out.
var systems = []func(cfg *config.Config) *system{
	kotta,
	lookup,
	epimetheus,
}

// Run loads and validates the stack's whole config, then creates the environment's network, if
// configured, and composes the systems the config enables. Every config problem is reported, one
// per line, before any resource is registered.
func Run(ctx *pulumi.Context) error {
	cfg, err := config.Load(ctx)
	var problems field.Errors
	problems.Merge("", err)
	decoding := problems
	var enabled []*system
	net, err := environment(ctx, cfg)
	if err != nil {
		return err
	}
	if net != nil {
		enabled = append(enabled, net)
	}
	for _, prepare := range systems {
		if s := prepare(cfg); s != nil {
			enabled = append(enabled, s)
		}
	}
	for _, s := range enabled {
		for _, p := range field.Problems(s.validate()) {
			if !decoding.Covers(p.Path) {
				problems = append(problems, p)
			}
		}
	}
	if len(problems) > 0 {
		noun := "problems"
		if len(problems) == 1 {
			noun = "problem"
		}
		return fmt.Errorf("invalid config for stack %s (%d %s):\n%w", ctx.Stack(), len(problems), noun, problems.Err())
	}
	var env shared
	for _, s := range enabled {
		if err := s.deploy(ctx, &env); err != nil {
			return err
		}
	}
	return nil
}
