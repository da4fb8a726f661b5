// Package stackfile reads a stack's configuration from the project's files the way the Pulumi CLI
// does (Pulumi.<stack>.yaml merged with the project config declared in Pulumi.yaml), so offline runs
// see exactly the config a `pulumi up` would pass to the program.
package stackfile
