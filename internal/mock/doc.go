// Package mock runs Pulumi programs against a recording mock resource monitor: no engine, no
// provider plugins, no cloud. Every registration is kept with its type, name, inputs and options
// (parent, protect, dependencies), invokes get canned answers, and outputs carry plausible ids and
// ARNs so that policies built from them can be asserted. Tests and the offline plan command use it.
package mock
