package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-iac/strata/systems"
)

// OptIns plans the stack as Run does, creating nothing, and returns the security exceptions its
// config asks for explicitly (a public database, a public address), for strata check to report as
// warnings that name their config keys.
func OptIns(ctx *pulumi.Context) ([]systems.OptIn, error) {
	p, err := plan(ctx)
	if err != nil {
		return nil, err
	}
	var out []systems.OptIn
	for _, sys := range p.all() {
		if o, ok := sys.(interface{ OptIns() []systems.OptIn }); ok {
			out = append(out, o.OptIns()...)
		}
	}
	return out, nil
}

// all lists the plans of the systems the stack configures.
func (p plans) all() []any {
	out := []any{p.environment, p.kotta}
	if p.lookup != nil {
		out = append(out, *p.lookup)
	}
	if p.epimetheus != nil {
		out = append(out, *p.epimetheus)
	}
	if p.aot != nil {
		out = append(out, *p.aot)
	}
	if p.argos != nil {
		out = append(out, *p.argos)
	}
	return out
}
