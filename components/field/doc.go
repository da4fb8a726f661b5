// Package field reports validation problems by the path of the value at fault, so that each
// message names the exact config key (or Args field) and says what is allowed.
package field
