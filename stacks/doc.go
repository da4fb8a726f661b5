// Package stacks holds strata's stack programs: thin compositions of components, one file per
// system, driven by the stack's typed config. Run is the single entry point used by main, the tests
// and the offline plan command.
package stacks
