// Package mocktest holds the assertions strata's tests share on top of internal/mock: exactly-one
// lookups, IAM documents decoded from inputs, and the tag convention checked on every taggable
// resource.
package mocktest
