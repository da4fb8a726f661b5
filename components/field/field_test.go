package field

import (
	"errors"
	"testing"
)

func TestJoinAndIndex(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Join("", "a"), "a"},
		{Join("a", "b"), "a.b"},
		{Join("a", ""), "a"},
		{Join("a", "[2]"), "a[2]"},
		{Index("containers", 0), "containers[0]"},
		{Join(Index("containers", 1), "image"), "containers[1].image"},
		{Join("strata:", "base"), "strata:base"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestErrorsCollectsEveryProblem(t *testing.T) {
	var l Errors
	l.Required("name", "", "set a name")
	l.Range("days", 0, 1, 30, "days")
	l.Range("ok", 5, 1, 30, "days")
	l.OneOf("kind", "x", "a", "b")
	l.OneOf("fine", "a", "a", "b")
	l.Check("arn", errors.New("not an ARN"))
	l.Check("arn2", nil)
	want := "name: is required: set a name\n" +
		"days: 0 is out of range: use 1 to 30 days\n" +
		"kind: \"x\" is not allowed: use one of a, b\n" +
		"arn: not an ARN"
	if got := l.Err().Error(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEmptyErrorsIsNil(t *testing.T) {
	var l Errors
	if err := l.Err(); err != nil {
		t.Errorf("got %v, want nil", err)
	}
	if err := Prefix("x", nil); err != nil {
		t.Errorf("got %v, want nil", err)
	}
}

func TestPrefixRewritesNestedPaths(t *testing.T) {
	var inner Errors
	inner.Add("name", "bad")
	inner.Add("", "whole value bad")
	nested := errors.Join(inner.Err(), errors.New("plain"))
	got := Prefix("strata:base", nested).Error()
	want := "strata:base.name: bad\nstrata:base: whole value bad\nstrata:base: plain"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCovers(t *testing.T) {
	var l Errors
	l.Add("strata:base", "is not valid JSON")
	l.Add("strata:app.containers[0].image", "bad")
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"strata:base", true},
		{"strata:base.jobsBucket", true},
		{"strata:baseline", false},
		{"strata:app.containers[0].image", true},
		{"strata:app.containers[0].port", false},
		{"strata:app.containers", false},
	} {
		if got := l.Covers(tc.path); got != tc.want {
			t.Errorf("Covers(%q): got %v, want %v", tc.path, got, tc.want)
		}
	}
}
