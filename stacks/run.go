package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/components/field"
	"github.com/strata-iac/strata/internal/config"
)

// system is one deployable system, prepared from config: validate reports the problems of its
// config sections, deploy registers its resources.
type system struct {
	validate func() error
	deploy   func(ctx *pulumi.Context) error
}

// systems lists the preparers of every system; each returns nil when the config leaves it out.
var systems = []func(cfg *config.Config) *system{
	kotta,
}

// Run loads and validates the stack's whole config, then composes the systems the config enables.
// Every config problem is reported, one per line, before any resource is registered.
func Run(ctx *pulumi.Context) error {
	cfg, err := config.Load(ctx)
	var problems field.Errors
	problems.Merge("", err)
	decoding := problems
	var enabled []*system
	for _, prepare := range systems {
		s := prepare(cfg)
		if s == nil {
			continue
		}
		enabled = append(enabled, s)
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
	for _, s := range enabled {
		if err := s.deploy(ctx); err != nil {
			return err
		}
	}
	return nil
}
