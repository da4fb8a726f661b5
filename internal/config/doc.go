// Package config loads and checks a stack's typed configuration: the strata:* keys of a
// Pulumi.<stage>.yaml file. Objects decode strictly into Go structs (unknown keys and wrong types are
// errors), and every problem is reported at once under its full key path, e.g.
// "strata:base.jobsBucket: ...". Semantic checks of each section belong to the components whose Args
// the sections are; the stack programs run them before registering anything.
package config
