// Package systems holds what strata's system packages share. A system (Cloud Kotta, the QA
// authority lookup, Epimetheus, aot, Argos) is one package below systems/ with three parts:
//
//   - Config: the system's part of the stage file (strata:<key>), the only structs with JSON tags;
//   - Config.Plan(Stage): a pure function that applies defaults and cross-field rules and returns a
//     new Plan (component arguments without wiring), reporting every problem at once under the
//     config keys;
//   - New(ctx, name, plan, deps, opts...): a strata:system:<Name> component that parents every
//     resource of the system and takes what it needs from other systems as typed inputs.
package systems

import (
	"github.com/strata-iac/strata/components/naming"
)

// Namespace is the config namespace of the strata project.
const Namespace = "strata"

// Key returns the full config key of name, e.g. "strata:lookup".
func Key(name string) string { return Namespace + ":" + name }

// Stage holds what every system of a stack shares.
type Stage struct {
	// Stack is the Pulumi stack's name.
	Stack string
	// Env names the environment in names and tags (strata:env); it defaults to the stack name.
	Env string
	// Owner is written to every resource's Owner tag (strata:owner, required).
	Owner string
	// Protect guards stateful resources (strata:protect): Pulumi protect, deletion protection and
	// no force-destroy. Production sets it; nothing infers it from the stack name.
	Protect bool
	// Tags are extra tags for every resource (strata:tags).
	Tags map[string]string
	// Network says whether the stage has a network (strata:network) for systems that run in a VPC.
	Network bool
}

// Naming returns the naming convention of app in this stage.
func (s Stage) Naming(app string) naming.Convention {
	return naming.Convention{App: app, Env: s.Env, Owner: s.Owner, Extra: s.Tags}
}

// OptIn is a security exception a stage file asked for explicitly, such as a database reachable
// from outside AWS. strata check reports the resource it concerns as a warning naming Key instead
// of a violation.
type OptIn struct {
	// Type and Name identify the resource: its type token and logical name.
	Type, Name string
	// Key is the full config key that asked for it, e.g. strata:epimetheus.database.externalCidrs.
	Key string
	// Why says what the exception is.
	Why string
}
