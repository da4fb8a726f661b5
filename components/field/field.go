package field

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Error is one problem with one value.
type Error struct {
	// Path locates the value: dotted keys and [i] indexes, e.g. "containers[0].image".
	Path string
	// Msg says what is wrong and what is allowed.
	Msg string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Join appends a key to a path. A path ending in ":" is a namespace ("strata:") and takes the key as is.
func Join(path, key string) string {
	switch {
	case path == "":
		return key
	case key == "" || strings.HasPrefix(key, "[") || strings.HasSuffix(path, ":"):
		return path + key
	default:
		return path + "." + key
	}
}

// Index appends a list index to a path.
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// Errors collects problems; the zero value is ready to use.
type Errors []*Error

// Add records a problem at path.
func (l *Errors) Add(path, format string, args ...any) {
	*l = append(*l, &Error{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// Check records err, if any, as a problem at path.
func (l *Errors) Check(path string, err error) {
	if err != nil {
		l.Add(path, "%s", err.Error())
	}
}

// Merge records the problems of a nested validation, prefixing their paths with prefix.
// Errors that carry no path are recorded at prefix.
func (l *Errors) Merge(prefix string, err error) {
	for _, e := range Problems(err) {
		*l = append(*l, &Error{Path: Join(prefix, e.Path), Msg: e.Msg})
	}
}

// Required records a problem when v is empty.
func (l *Errors) Required(path, v, hint string) bool {
	if v == "" {
		l.Add(path, "is required: %s", hint)
		return false
	}
	return true
}

// Range records a problem when v lies outside [lo, hi].
func (l *Errors) Range(path string, v, lo, hi int, unit string) {
	if v < lo || v > hi {
		l.Add(path, "%d is out of range: use %d to %d %s", v, lo, hi, unit)
	}
}

// OneOf records a problem when v is not one of allowed.
func (l *Errors) OneOf(path, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		l.Add(path, "%q is not allowed: use one of %s", v, strings.Join(allowed, ", "))
	}
}

// Covers reports whether a problem was recorded at path or at one of its ancestors: a further
// problem there would restate it.
func (l Errors) Covers(path string) bool {
	for _, e := range l {
		if path == e.Path || strings.HasPrefix(path, e.Path+".") || strings.HasPrefix(path, e.Path+"[") {
			return true
		}
	}
	return false
}

// Err returns the collected problems joined into one error (one line each), or nil.
func (l Errors) Err() error {
	if len(l) == 0 {
		return nil
	}
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// Prefix returns err with prefix prepended to the path of every problem in it.
func Prefix(prefix string, err error) error {
	var l Errors
	l.Merge(prefix, err)
	return l.Err()
}

// Problems lists the problems in err, one per joined error; an error that is not an *Error becomes
// a problem without a path.
func Problems(err error) []*Error {
	var out []*Error
	for _, e := range flatten(err) {
		var fe *Error
		if !errors.As(e, &fe) {
			fe = &Error{Msg: e.Error()}
		}
		out = append(out, fe)
	}
	return out
}

// flatten unpacks errors.Join trees into their leaves.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
