// Package naming is strata's naming and tagging convention, taken from Argos: every resource of an
// app in an environment is named <app>-<env>-<group> and tagged Name, App, Env, Group and Owner, plus
// the stage's extra tags. Physical names are derived only from these parts, never from random
// suffixes, so a re-run never renames (and so never replaces) a stateful resource. The package also
// checks the AWS naming rules for the physical names strata derives or accepts.
package naming
